//! Signed checkpoints of the log: "the log named *origin* had *size* entries, its Merkle root
//! was *root* and its last entry's hash was *head*", signed with Ed25519 (RFC 8032) by a key
//! the service keeps outside its database.
//!
//! A checkpoint is text, in the form of a C2SP signed note, so it can be mailed, pasted and
//! posted on a notice board:
//!
//! ```text
//!   plenty-log/3fa9c2d1                                   ← origin: the log's name
//!   52                                                    ← size: entries
//!   Lq8Ulw0YyCa4WCmZ0IcJ0nrRsdyt5/GHFv06yKx8Q4k=          ← Merkle root, base64
//!   head 6b2a…e1f0                                        ← hash of entry `size`, hex
//!                                                         ← a blank line
//!   — plenty-log/3fa9c2d1 AbCdEf…==                       ← signature lines
//! ```
//!
//! The signed message is the text up to and including the newline before the blank line.
//! Each signature line is `— NAME BASE64(key id ‖ signature)`, where the key id is the first
//! four bytes of `SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ public key)`; a checkpoint may carry several
//! (a witness adds its own), and a verifier looks for the one of the key it trusts.
//!
//! Keys are text too: the verifying key `NAME+KEYID+BASE64(0x01 ‖ public key)` (published),
//! the signing key `PRIVATE+KEY+NAME+KEYID+BASE64(0x01 ‖ seed)` (kept in a file only the
//! service reads). Nothing here makes a key: the service draws the seed ([`LogSigningKey::from_seed`]).

use crate::merkle::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The algorithm byte of Ed25519 in keys and key ids (as in C2SP signed notes).
const ED25519: u8 = 0x01;

/// The dash that opens a signature line: U+2014 EM DASH and a space.
const DASH: &str = "\u{2014} ";

/// What a checkpoint says about the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name (the federation's log; the signing key's name).
    pub origin: String,
    /// How many entries the log had.
    pub size: u64,
    /// The Merkle root of those entries ([`crate::merkle`]).
    pub root: Hash,
    /// The hash of entry `size` ([`crate::GENESIS`] when the log is empty).
    pub head: Hash,
}

impl Checkpoint {
    /// The signed text: origin, size, base64 root and `head HEX`, one per line, each ending
    /// with a newline.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\nhead {}\n",
            self.origin,
            self.size,
            B64.encode(self.root.0),
            self.head
        )
    }
}

/// One signature line of a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The name of the key.
    pub name: String,
    /// The key id: the first 4 bytes of `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`.
    pub key_id: [u8; 4],
    /// The Ed25519 signature of the checkpoint's body.
    pub signature: [u8; 64],
}

/// A checkpoint with its signatures, as text ([`SignedCheckpoint::parse`],
/// [`SignedCheckpoint::to_text`]); in JSON it is that text, as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// What it says.
    pub checkpoint: Checkpoint,
    /// Its signatures: the log's, and any witness's.
    pub signatures: Vec<NoteSignature>,
}

/// Why a key or a checkpoint was not accepted. Lines are counted from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// A line is not what it must be.
    #[error("line {line} ({field}): {problem}")]
    Malformed {
        /// The line, from 1.
        line: usize,
        /// Which field the line holds.
        field: &'static str,
        /// What is wrong and what to do.
        problem: String,
    },
    /// No signature line is of the key given.
    #[error("the checkpoint has no signature by the key {key}: it was signed by {found}. Check that you were given the key of this log (GET /api/v1/log/key)")]
    NotSignedBy {
        /// The key looked for.
        key: String,
        /// The names of the keys that signed it.
        found: String,
    },
    /// The signature line of the key does not verify.
    #[error("the signature by {key} does not verify: the checkpoint was changed after it was signed, or forged")]
    BadSignature {
        /// The key.
        key: String,
    },
    /// A key is malformed.
    #[error("the key {problem}")]
    Key {
        /// What is wrong and what to do.
        problem: String,
    },
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '+') {
        return Err(format!(
            "name `{name}` is not a key name: use a non-empty name without spaces or `+`, such as `plenty-log/valley`"
        ));
    }
    Ok(())
}

fn key_err(problem: impl Into<String>) -> CheckpointError {
    CheckpointError::Key {
        problem: problem.into(),
    }
}

/// Splits `NAME+KEYID+BASE64(0x01 ‖ 32 bytes)` into its name and 32 bytes.
fn parse_key_parts(text: &str, what: &str) -> Result<(String, [u8; 32]), CheckpointError> {
    // Base64 has `+` in its alphabet: the third field is the rest of the text.
    let parts: Vec<&str> = text.trim().splitn(3, '+').collect();
    let [name, id, b64] = parts.as_slice() else {
        return Err(key_err(format!(
            "is not a {what}: a {what} is NAME+KEYID+BASE64, three fields joined by `+`"
        )));
    };
    check_name(name).map_err(key_err)?;
    let bytes = B64
        .decode(b64)
        .map_err(|e| key_err(format!("{name}: its third field is not base64 ({e})")))?;
    let [alg, rest @ ..] = bytes.as_slice() else {
        return Err(key_err(format!("{name}: its third field is empty")));
    };
    if *alg != ED25519 || rest.len() != 32 {
        return Err(key_err(format!(
            "{name}: its third field is not an Ed25519 key (0x01 and 32 bytes)"
        )));
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(rest);
    if id.len() != 8 || u32::from_str_radix(id, 16).is_err() {
        return Err(key_err(format!(
            "{name}: its key id `{id}` is not 8 hexadecimal digits"
        )));
    }
    Ok((name.to_string(), out))
}

fn hex4(id: [u8; 4]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key that signs the log's checkpoints. Its `Debug` does not show the key.
#[derive(Clone)]
pub struct LogSigningKey {
    name: String,
    key: SigningKey,
}

impl fmt::Debug for LogSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LogSigningKey({}, secret)", self.name)
    }
}

impl LogSigningKey {
    /// The key of a 32-byte seed (RFC 8032's private key), named `name`.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<LogSigningKey, CheckpointError> {
        check_name(name).map_err(key_err)?;
        Ok(LogSigningKey {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads `PRIVATE+KEY+NAME+KEYID+BASE64(0x01 ‖ seed)`, checking the key id.
    pub fn parse(text: &str) -> Result<LogSigningKey, CheckpointError> {
        let rest = text.trim().strip_prefix("PRIVATE+KEY+").ok_or_else(|| {
            key_err(
                "file does not start with PRIVATE+KEY+: it is not a signing key of plenty's log",
            )
        })?;
        let (name, seed) = parse_key_parts(rest, "signing key")?;
        let k = LogSigningKey::from_seed(&name, seed)?;
        if !rest.contains(&format!("+{}+", hex4(k.verifier().key_id()))) {
            return Err(key_err(format!(
                "{name}: its key id does not match the key: the file was changed"
            )));
        }
        Ok(k)
    }

    /// The text of the key, for its file.
    pub fn to_text(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}\n",
            self.name,
            hex4(self.verifier().key_id()),
            B64.encode(bytes)
        )
    }

    /// The key's name: the log's origin.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The verifying key to publish.
    pub fn verifier(&self) -> LogVerifier {
        LogVerifier {
            name: Some(self.name.clone()),
            key: self.key.verifying_key(),
        }
    }

    /// Signs a checkpoint.
    pub fn sign(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
        let signature = self.key.sign(checkpoint.body().as_bytes()).to_bytes();
        SignedCheckpoint {
            checkpoint,
            signatures: vec![NoteSignature {
                name: self.name.clone(),
                key_id: self.verifier().key_id(),
                signature,
            }],
        }
    }
}

/// A key that verifies checkpoints: published as `NAME+KEYID+BASE64(0x01 ‖ public key)`, or
/// given as the public key's 64 hexadecimal digits (then any name goes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVerifier {
    name: Option<String>,
    key: VerifyingKey,
}

impl LogVerifier {
    /// Reads a verifying key: `NAME+KEYID+BASE64`, or 64 hexadecimal digits.
    pub fn parse(text: &str) -> Result<LogVerifier, CheckpointError> {
        let t = text.trim();
        let (name, public) = match Hash::from_hex(t) {
            Some(h) => (None, h.0),
            None => {
                let (name, public) = parse_key_parts(t, "verifying key")?;
                (Some(name), public)
            }
        };
        let key = VerifyingKey::from_bytes(&public)
            .map_err(|_| key_err("is not a point of Ed25519's curve: it is not a public key"))?;
        let v = LogVerifier { name, key };
        if let Some(name) = &v.name {
            let id = t.split('+').nth(1).unwrap_or("");
            if id != hex4(v.key_id()) {
                return Err(key_err(format!(
                    "{name}: its key id {id} does not match the key ({}): it was changed or mistyped",
                    hex4(v.key_id())
                )));
            }
        }
        Ok(v)
    }

    /// The published text (`NAME+KEYID+BASE64`), or the hexadecimal public key when the name
    /// is not known.
    pub fn to_text(&self) -> String {
        match &self.name {
            Some(name) => {
                let mut bytes = vec![ED25519];
                bytes.extend_from_slice(self.key.as_bytes());
                format!("{name}+{}+{}", hex4(self.key_id()), B64.encode(bytes))
            }
            None => Hash(self.key.to_bytes()).to_hex(),
        }
    }

    /// The key's name, when known.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The key id under the key's name (all zeros when the name is not known).
    pub fn key_id(&self) -> [u8; 4] {
        match &self.name {
            Some(name) => key_id(name, self.key.as_bytes()),
            None => [0; 4],
        }
    }

    /// The 32 bytes of the public key, as hexadecimal digits.
    pub fn public_hex(&self) -> String {
        Hash(self.key.to_bytes()).to_hex()
    }

    fn describe(&self) -> String {
        match &self.name {
            Some(n) => format!("{n} ({})", hex4(self.key_id())),
            None => self.public_hex(),
        }
    }
}

impl SignedCheckpoint {
    /// Reads a checkpoint. Errors name the line and say what it must hold.
    pub fn parse(text: &str) -> Result<SignedCheckpoint, CheckpointError> {
        let text = text.replace("\r\n", "\n");
        let lines: Vec<&str> = text.split('\n').collect();
        let bad = |line: usize, field: &'static str, problem: String| CheckpointError::Malformed {
            line,
            field,
            problem,
        };
        let get = |k: usize, field: &'static str| -> Result<&str, CheckpointError> {
            lines.get(k).copied().filter(|l| !l.is_empty()).ok_or_else(|| {
                bad(
                    k + 1,
                    field,
                    format!("missing: a checkpoint has 4 lines (origin, size, root, head), a blank line, and signature lines; this one ends at line {}", k + 1),
                )
            })
        };
        let origin = get(0, "origin")?;
        check_name(origin).map_err(|p| bad(1, "origin", p))?;
        let size_text = get(1, "size")?;
        let size: u64 = size_text.parse().map_err(|_| {
            bad(
                2,
                "size",
                format!(
                    "`{size_text}` is not a number of entries (a whole number, no sign or spaces)"
                ),
            )
        })?;
        let root_text = get(2, "root")?;
        let root_bytes = B64.decode(root_text).ok().filter(|b| b.len() == 32).ok_or_else(|| {
            bad(
                3,
                "root",
                format!("`{root_text}` is not a Merkle root: base64 of 32 bytes (44 characters ending in `=`)"),
            )
        })?;
        let head_text = get(3, "head")?;
        let head = head_text
            .strip_prefix("head ")
            .and_then(Hash::from_hex)
            .ok_or_else(|| {
                bad(
                    4,
                    "head",
                    format!("`{head_text}` is not `head ` followed by 64 hexadecimal digits (the hash of the last entry)"),
                )
            })?;
        if lines.get(4).copied() != Some("") {
            return Err(bad(
                5,
                "blank line",
                "expected a blank line between the checkpoint and its signatures".into(),
            ));
        }
        let mut root = [0u8; 32];
        root.copy_from_slice(&root_bytes);
        let mut signatures = Vec::new();
        for (k, line) in lines.iter().enumerate().skip(5) {
            if line.is_empty() {
                continue;
            }
            let n = k + 1;
            let rest = line.strip_prefix(DASH).ok_or_else(|| {
                bad(
                    n,
                    "signature",
                    "a signature line starts with `— ` (an em dash, U+2014, and a space); was the text changed by a mail program?".into(),
                )
            })?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| bad(n, "signature", "expected `— NAME SIGNATURE`".into()))?;
            let bytes = B64.decode(b64).ok().filter(|b| b.len() == 68).ok_or_else(|| {
                bad(
                    n,
                    "signature",
                    format!("the signature of {name} is not base64 of 68 bytes (a key id and an Ed25519 signature)"),
                )
            })?;
            let mut key_id = [0u8; 4];
            key_id.copy_from_slice(&bytes[..4]);
            let mut signature = [0u8; 64];
            signature.copy_from_slice(&bytes[4..]);
            signatures.push(NoteSignature {
                name: name.to_string(),
                key_id,
                signature,
            });
        }
        if signatures.is_empty() {
            return Err(bad(
                lines.len().max(6),
                "signature",
                "the checkpoint has no signature line: copy the whole text, down to the lines starting with `— `".into(),
            ));
        }
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint {
                origin: origin.to_string(),
                size,
                root: Hash(root),
                head,
            },
            signatures,
        })
    }

    /// The text: the body, a blank line, and one line per signature.
    pub fn to_text(&self) -> String {
        let mut s = self.checkpoint.body();
        s.push('\n');
        for sig in &self.signatures {
            let mut bytes = sig.key_id.to_vec();
            bytes.extend_from_slice(&sig.signature);
            s.push_str(&format!("{DASH}{} {}\n", sig.name, B64.encode(bytes)));
        }
        s
    }

    /// Checks the signature of `key`: a line with the key's name (any name when it is not
    /// known) and key id whose signature of the body verifies.
    pub fn verify(&self, key: &LogVerifier) -> Result<(), CheckpointError> {
        let body = self.checkpoint.body();
        let mut found = false;
        for sig in &self.signatures {
            if key.name.as_deref().is_some_and(|n| n != sig.name)
                || key_id(&sig.name, key.key.as_bytes()) != sig.key_id
            {
                continue;
            }
            found = true;
            let s = ed25519_dalek::Signature::from_bytes(&sig.signature);
            if key.key.verify(body.as_bytes(), &s).is_ok() {
                return Ok(());
            }
        }
        if found {
            return Err(CheckpointError::BadSignature {
                key: key.describe(),
            });
        }
        Err(CheckpointError::NotSignedBy {
            key: key.describe(),
            found: self
                .signatures
                .iter()
                .map(|s| format!("{} ({})", s.name, hex4(s.key_id)))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// Adds another key's signature of the same body (a witness co-signing).
    pub fn cosign(&mut self, key: &LogSigningKey) {
        let signed = key.sign(self.checkpoint.clone());
        self.signatures.extend(signed.signatures);
    }
}

impl fmt::Display for SignedCheckpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl Serialize for SignedCheckpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_text())
    }
}

impl<'de> Deserialize<'de> for SignedCheckpoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SignedCheckpoint, D::Error> {
        let s = String::deserialize(d)?;
        SignedCheckpoint::parse(&s).map_err(serde::de::Error::custom)
    }
}
