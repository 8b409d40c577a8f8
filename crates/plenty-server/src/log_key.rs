//! The key that signs the log's checkpoints, in a file outside the database.
//!
//! Whoever can change the database can rewrite the log and re-seal its hash chain; a
//! checkpoint signed before is what shows it ([`plenty_ledger::verify_against`]). That only
//! holds if the key is not in the database too: it lives in its own file, readable by the
//! service alone (mode 0600), which an operator backs up apart from the database.
//!
//! By default the file is next to a SQLite database (`plenty.sqlite3` → `plenty.sqlite3.log-key`)
//! and `plenty-log.key` in the working directory for PostgreSQL; `plenty serve --log-key FILE`
//! names another. It is made on first start; a file that exists but does not read as a key
//! stops the service (a new key would disown every checkpoint signed before).

use anyhow::{bail, Context, Result};
use plenty_ledger::LogSigningKey;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The default file of the key of the database at `url`.
pub fn default_path(url: &str) -> PathBuf {
    crate::keys::beside_database(url, "log-key", "plenty-log.key")
}

/// Reads the key at `path`, or makes one there (mode 0600) if there is no file. A new key
/// is named `name`, or `plenty-log/` and the first 8 hexadecimal digits of its public key.
pub fn load_or_create(path: &Path, name: Option<&str>) -> Result<LogSigningKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => LogSigningKey::parse(&text).with_context(|| {
            format!(
                "{}: the log's signing key does not read as one. Restore the file from its backup; do not delete it unless you mean to disown every checkpoint signed with it (a new key is made only when there is no file)",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path, name),
        Err(e) => Err(e).with_context(|| {
            format!(
                "{}: cannot read the log's signing key (the service must be able to read it)",
                path.display()
            )
        }),
    }
}

fn create(path: &Path, name: Option<&str>) -> Result<LogSigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| anyhow::anyhow!("drawing a key for the log: no randomness ({e})"))?;
    let name = match name {
        Some(n) => n.to_string(),
        None => {
            let k = LogSigningKey::from_seed("plenty-log", seed)?;
            format!("plenty-log/{}", &k.verifier().public_hex()[..8])
        }
    };
    let key = LogSigningKey::from_seed(&name, seed)
        .with_context(|| format!("--log-name {name}: not a name for the log's key"))?;
    let mut file = match crate::keys::owner_only().create_new(true).open(path) {
        Ok(f) => f,
        // Another process made it between our read and now: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return load_or_create(path, Some(&name))
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "{}: cannot create the log's signing key (give a writable place with --log-key FILE)",
                    path.display()
                )
            })
        }
    };
    file.write_all(key.to_text().as_bytes())
        .and_then(|_| file.sync_all())
        .with_context(|| format!("{}: writing the log's signing key", path.display()))?;
    if key.name() != name {
        bail!("the key's name changed while it was written");
    }
    tracing::info!(
        file = %path.display(),
        key = %key.verifier().to_text(),
        "made the log's signing key: back the file up apart from the database, and publish the verifying key"
    );
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_places() {
        assert_eq!(
            default_path("/srv/plenty.sqlite3"),
            PathBuf::from("/srv/plenty.sqlite3.log-key")
        );
        assert_eq!(
            default_path("sqlite:///srv/p.db"),
            PathBuf::from("/srv/p.db.log-key")
        );
        assert_eq!(
            default_path("postgres://u@h/db"),
            PathBuf::from("plenty-log.key")
        );
    }

    #[test]
    fn made_once_then_read_and_refused_when_broken() {
        let dir = std::env::temp_dir().join(format!("plenty-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k");
        let _ = std::fs::remove_file(&path);
        let a = load_or_create(&path, None).unwrap();
        assert!(a.name().starts_with("plenty-log/"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = load_or_create(&path, Some("ignored")).unwrap();
        assert_eq!(a.verifier(), b.verifier());
        std::fs::write(&path, "PRIVATE+KEY+broken").unwrap();
        let err = format!("{:#}", load_or_create(&path, None).unwrap_err());
        assert!(err.contains("does not read as one"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
