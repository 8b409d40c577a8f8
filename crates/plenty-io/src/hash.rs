//! Hashes of inputs, recorded in every output so a result names exactly what it was made from.

use crate::error::{IoError, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input file and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// The path as given.
    pub path: PathBuf,
    /// Hex SHA-256 of the contents.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// SHA-256 of a file, streamed (large matrices are not held twice in memory).
pub fn hash_file(path: &Path) -> Result<InputFile> {
    let mut f = std::fs::File::open(path).map_err(|e| IoError::os(path, &e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| IoError::os(path, &e))?;
        if k == 0 {
            break;
        }
        total += k as u64;
        h.update(&buf[..k]);
    }
    Ok(InputFile {
        path: path.to_path_buf(),
        sha256: hex(&h.finalize()),
        bytes: total,
    })
}

/// Hashes several files; the combined hash is the SHA-256 of their hashes in order, so it
/// depends on the contents only, not on where the files live.
pub fn hash_inputs(paths: &[PathBuf]) -> Result<(Vec<InputFile>, String)> {
    let files = paths
        .iter()
        .map(|p| hash_file(p))
        .collect::<Result<Vec<_>>>()?;
    Ok((
        files.clone(),
        combine(files.iter().map(|f| f.sha256.as_str())),
    ))
}

/// SHA-256 over a sequence of hex hashes (or any strings), each followed by a newline.
pub fn combine<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

/// SHA-256 of bytes, hex.
pub fn hash_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        assert_eq!(
            hash_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
