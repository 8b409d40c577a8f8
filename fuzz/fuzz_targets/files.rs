//! The file readers (vectors, triplets, Matrix Market) on arbitrary bytes, written to a
//! temporary file; the first byte picks the reader. No panic; errors name the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plenty_io::{mtx, triplets, vectors};
use std::path::PathBuf;

/// A whole number of 7 or more digits would make the triplet and Matrix Market readers
/// allocate for it (known: see `triplets_huge_index_is_refused` and
/// `mtx_huge_declared_size_is_refused` in crates/plenty-io/tests/io/fuzz_readers.rs).
fn has_long_number(bytes: &[u8]) -> bool {
    bytes.split(|b| !b.is_ascii_digit()).any(|r| r.len() >= 7)
}

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("plenty-fuzz-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let (&first, bytes) = match data.split_first() {
        Some(x) => x,
        None => return,
    };
    if has_long_number(bytes) {
        return;
    }
    let path = scratch();
    std::fs::write(&path, bytes).unwrap();
    let shown = path.display().to_string();
    let err = match first % 3 {
        0 => vectors::read_vector(&path).err(),
        1 => triplets::read_triplets(&path).err(),
        _ => mtx::read_matrix(&path).err(),
    };
    if let Some(e) = err {
        assert!(e.to_string().starts_with(&shown), "{e}");
    }
});
