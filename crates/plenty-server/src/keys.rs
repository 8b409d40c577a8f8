//! The service's secret keys, kept in a file outside the database, and rotated between rounds.
//!
//! The keys make the round pseudonyms (`HMAC(key, kind ‖ round ‖ member)`, [`crate::auth`]) and
//! the CSRF tokens. Whoever holds a key can tell which member is behind each pseudonym of the
//! rounds it serves, so it must not travel with the database: a copy of the database (a backup,
//! an export, a stolen disk) without the key file links no ballot to a member.
//!
//! The file (`plenty serve --secret-file`, by default next to the SQLite database) holds one
//! key per line, each with the first round it serves:
//!
//! ```text
//! # plenty secret keys: keep this file out of backups of the database
//! from-round 1 9f1c…(64 hex digits)
//! from-round 7 03ab…
//! ```
//!
//! Round `r` is served by the key with the largest `from-round ≤ r`; CSRF tokens use the newest
//! key. `plenty serve --rotate-secret` adds a key that serves the rounds after the latest one, so
//! a round keeps one key from start to end (its pseudonyms must stay stable: a second ballot
//! replaces the first). Deleting the line of a key whose rounds are over makes their pseudonyms
//! unlinkable for good, even by the operator (members then no longer see their own ballot of
//! those rounds).
//!
//! A service that kept its key in the database (plenty 0.1) moves it into the file on its
//! first start with one, and deletes it from the database.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The default place of a key file for the database at `url`: beside a SQLite file
/// (`DB.suffix`), or `fallback` in the working directory for PostgreSQL or an in-memory
/// database. Key files live outside the database, never in it.
pub fn beside_database(url: &str, suffix: &str, fallback: &str) -> PathBuf {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return PathBuf::from(fallback);
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" || path.starts_with("sqlite::memory:") {
        return PathBuf::from(fallback);
    }
    PathBuf::from(format!("{path}.{suffix}"))
}

/// Options that write a file readable and writable by its owner only (a key file).
pub(crate) fn owner_only() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// The keys of the file, oldest first.
#[derive(Clone)]
pub struct Secrets {
    keys: Vec<(u64, Vec<u8>)>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys themselves.
        f.debug_struct("Secrets")
            .field("from_rounds", &self.from_rounds())
            .finish()
    }
}

fn random_key() -> Result<Vec<u8>> {
    let mut b = vec![0u8; 32];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
    Ok(b)
}

impl Secrets {
    /// One key for every round (tests, and a service without a key file).
    pub fn single(key: Vec<u8>) -> Secrets {
        Secrets {
            keys: vec![(1, key)],
        }
    }

    /// The key that serves round `round`.
    pub fn for_round(&self, round: u64) -> &[u8] {
        self.keys
            .iter()
            .rev()
            .find(|(from, _)| *from <= round)
            .unwrap_or(&self.keys[0])
            .1
            .as_slice()
    }

    /// The newest key (CSRF tokens).
    pub fn newest(&self) -> &[u8] {
        &self.keys[self.keys.len() - 1].1
    }

    /// The first round of each key.
    pub fn from_rounds(&self) -> Vec<u64> {
        self.keys.iter().map(|(r, _)| *r).collect()
    }

    /// Reads the key file; errors name the line and what to do.
    pub fn parse(text: &str, path: &Path) -> Result<Secrets> {
        let mut keys: Vec<(u64, Vec<u8>)> = Vec::new();
        for (k, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("{}, line {}", path.display(), k + 1);
            let mut parts = line.split_whitespace();
            let (Some("from-round"), Some(round), Some(hex_key), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                bail!(
                    "{}: expected `from-round ROUND KEY` (KEY: 64 hexadecimal digits)",
                    at()
                );
            };
            let round: u64 = round
                .parse()
                .ok()
                .filter(|r| *r >= 1)
                .with_context(|| format!("{}: the round must be a number from 1", at()))?;
            let key = hex::decode(hex_key)
                .ok()
                .filter(|b| b.len() == 32)
                .with_context(|| format!("{}: the key must be 64 hexadecimal digits", at()))?;
            if keys.last().is_some_and(|(last, _)| *last >= round) {
                bail!("{}: keys must be listed by increasing first round", at());
            }
            keys.push((round, key));
        }
        if keys.is_empty() {
            bail!(
                "{}: no key in the file; delete it to have a new one made (pseudonyms of rounds under way will change)",
                path.display()
            );
        }
        Ok(Secrets { keys })
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "# plenty secret keys (docs/service.md, \"Ballot secrecy\"): keep this file out of backups of the database\n",
        );
        for (r, k) in &self.keys {
            out.push_str(&format!("from-round {r} {}\n", hex::encode(k)));
        }
        out
    }

    /// Writes the file, readable by its owner only.
    fn write(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("tmp");
        {
            use std::io::Write;
            let mut f = owner_only()
                .create(true)
                .truncate(true)
                .open(&tmp)
                .with_context(|| format!("{}: cannot write the key file", tmp.display()))?;
            f.write_all(self.render().as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
            .with_context(|| format!("{}: cannot write the key file", path.display()))
    }

    /// Opens the key file, or makes it: with the key the database kept (`legacy`, moved out
    /// of it), else a new one.
    pub fn open_or_create(path: &Path, legacy: Option<Vec<u8>>) -> Result<(Secrets, bool)> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Secrets::parse(&text, path)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = match legacy {
                    Some(k) => k,
                    None => random_key()?,
                };
                let s = Secrets::single(key);
                s.write(path)?;
                Ok((s, true))
            }
            Err(e) => {
                Err(e).with_context(|| format!("{}: cannot read the key file", path.display()))
            }
        }
    }

    /// Adds a new key serving the rounds from `from_round` on, and writes the file.
    pub fn rotate(&mut self, path: &Path, from_round: u64) -> Result<()> {
        if self
            .keys
            .last()
            .is_some_and(|(last, _)| *last >= from_round)
        {
            bail!(
                "the newest key already serves round {from_round}; open a round before rotating again"
            );
        }
        self.keys.push((from_round, random_key()?));
        self.write(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_are_served_by_the_key_of_their_time() {
        let dir = std::env::temp_dir().join(format!("plenty-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret");
        let _ = std::fs::remove_file(&path);
        let (mut s, made) = Secrets::open_or_create(&path, Some(vec![7; 32])).unwrap();
        assert!(made);
        assert_eq!(s.for_round(3), &[7; 32]);
        s.rotate(&path, 4).unwrap();
        assert_eq!(s.for_round(3), &[7; 32]);
        assert_ne!(s.for_round(4), &[7; 32]);
        assert_eq!(s.newest(), s.for_round(9));
        assert!(s.rotate(&path, 4).is_err());
        let (back, made) = Secrets::open_or_create(&path, None).unwrap();
        assert!(!made);
        assert_eq!(back.from_rounds(), vec![1, 4]);
        assert_eq!(back.for_round(5), s.for_round(5));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key file is readable by its owner only"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_bad_key_file_names_its_line() {
        let p = Path::new("k");
        let e = Secrets::parse("# c\nfrom-round 1 zz\n", p).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = Secrets::parse(
            &format!(
                "from-round 2 {}\nfrom-round 1 {}\n",
                "00".repeat(32),
                "11".repeat(32)
            ),
            p,
        )
        .unwrap_err();
        assert!(e.to_string().contains("increasing"), "{e}");
        assert!(Secrets::parse("", p).is_err());
    }
}
