//! Versioned schema migrations, embedded in the binary and applied when a store opens.
//!
//! Each backend has its list (`migrations/sqlite/NNNN_name.sql`, `migrations/postgres/…`);
//! the table `schema_migrations` records which versions a database has. Opening a database:
//!
//! 1. takes the migration lock (a transaction; on PostgreSQL also an advisory lock, so that
//!    two services starting at once do not both migrate);
//! 2. a database made before migrations existed (plenty 0.1.0: the tables of `0001_init`, no
//!    `schema_migrations`) is recorded as being at version 1, without running it again;
//! 3. refuses a database whose version is newer than this binary knows (a newer plenty made
//!    it; an older one must not write to it);
//! 4. runs every migration not yet applied, in order, and records it; all in one transaction.
//!
//! To change the schema, add `NNNN_what.sql` for both backends and its entry to [`SQLITE`] and
//! [`POSTGRES`] (a test checks that the lists and the files agree); never edit a migration
//! that has been released.

use super::StoreError;
use sqlx::{PgPool, Row, SqlitePool};

/// One migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its version: the number its file name starts with.
    pub version: i64,
    /// What it does.
    pub name: &'static str,
    /// Its SQL (one or more statements).
    pub sql: &'static str,
}

/// SQLite's migrations, in order.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "credentials",
        sql: include_str!("../../migrations/sqlite/0002_credentials.sql"),
    },
    Migration {
        version: 3,
        name: "mail",
        sql: include_str!("../../migrations/sqlite/0003_mail.sql"),
    },
];

/// PostgreSQL's migrations, in order.
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "credentials",
        sql: include_str!("../../migrations/postgres/0002_credentials.sql"),
    },
    Migration {
        version: 3,
        name: "mail",
        sql: include_str!("../../migrations/postgres/0003_mail.sql"),
    },
];

const VERSIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// What to do, given the versions a database has and whether it has 0.1.0's tables.
fn plan(
    migrations: &[Migration],
    applied: &[i64],
    has_tables: bool,
) -> Result<(Option<Migration>, Vec<Migration>), StoreError> {
    let baseline = (applied.is_empty() && has_tables).then_some(migrations[0]);
    let known = migrations.last().map_or(0, |m| m.version);
    if let Some(v) = applied.iter().copied().max().filter(|v| *v > known) {
        return Err(StoreError::Migration(format!(
            "the database's schema is at version {v}, newer than this plenty knows ({known}): a newer plenty made it"
        )));
    }
    let pending = migrations
        .iter()
        .filter(|m| {
            !applied.contains(&m.version) && baseline.is_none_or(|b| b.version != m.version)
        })
        .copied()
        .collect();
    Ok((baseline, pending))
}

/// Brings a SQLite database to the latest version; returns the version it is at.
pub async fn sqlite(pool: &SqlitePool, migrations: &[Migration]) -> Result<i64, StoreError> {
    let mut tx = pool.begin().await?;
    // The first statement writes, so the transaction holds SQLite's write lock from here on.
    sqlx::query(VERSIONS_TABLE).execute(&mut *tx).await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("version"))
        .collect::<Result<_, _>>()?;
    let has_tables: i64 = sqlx::query(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'log_entries'",
    )
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let (baseline, pending) = plan(migrations, &applied, has_tables > 0)?;
    for (m, run) in baseline
        .iter()
        .map(|m| (m, false))
        .chain(pending.iter().map(|m| (m, true)))
    {
        if run {
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .bind(m.version)
            .bind(if run {
                m.name.to_string()
            } else {
                format!("{} (baseline: made by plenty 0.1.0)", m.name)
            })
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tracing::info!(
            version = m.version,
            name = m.name,
            applied = run,
            "SQLite schema migration"
        );
    }
    tx.commit().await?;
    Ok(migrations.last().map_or(0, |m| m.version))
}

/// Brings a PostgreSQL database to the latest version; returns the version it is at.
pub async fn postgres(pool: &PgPool, migrations: &[Migration]) -> Result<i64, StoreError> {
    let mut tx = pool.begin().await?;
    // One service migrates at a time; the lock ends with the transaction.
    sqlx::query("SELECT pg_advisory_xact_lock(7243911)")
        .execute(&mut *tx)
        .await?;
    sqlx::query(VERSIONS_TABLE).execute(&mut *tx).await?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("version"))
        .collect::<Result<_, _>>()?;
    let has_tables: i64 = sqlx::query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'log_entries'",
    )
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let (baseline, pending) = plan(migrations, &applied, has_tables > 0)?;
    for (m, run) in baseline
        .iter()
        .map(|m| (m, false))
        .chain(pending.iter().map(|m| (m, true)))
    {
        if run {
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(if run {
            m.name.to_string()
        } else {
            format!("{} (baseline: made by plenty 0.1.0)", m.name)
        })
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tracing::info!(
            version = m.version,
            name = m.name,
            applied = run,
            "PostgreSQL schema migration"
        );
    }
    tx.commit().await?;
    Ok(migrations.last().map_or(0, |m| m.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &[Migration] = &[
        Migration {
            version: 1,
            name: "init",
            sql: "",
        },
        Migration {
            version: 2,
            name: "more",
            sql: "",
        },
    ];

    /// The lists name exactly the files of `migrations/`, in order, with their contents.
    #[test]
    fn issue_11_the_lists_are_the_files() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dir);
            let mut files: Vec<_> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            files.sort();
            let named: Vec<String> = list
                .iter()
                .map(|m| format!("{:04}_{}.sql", m.version, m.name))
                .collect();
            assert_eq!(files, named, "{dir}");
            for m in list {
                let text =
                    std::fs::read_to_string(path.join(format!("{:04}_{}.sql", m.version, m.name)))
                        .unwrap();
                assert_eq!(text, m.sql);
            }
            assert!(list.windows(2).all(|w| w[0].version < w[1].version));
        }
    }

    #[test]
    fn a_fresh_database_runs_everything() {
        let (b, p) = plan(M, &[], false).unwrap();
        assert!(b.is_none());
        assert_eq!(p.iter().map(|m| m.version).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn a_database_of_0_1_0_is_at_version_1() {
        let (b, p) = plan(M, &[], true).unwrap();
        assert_eq!(b.unwrap().version, 1);
        assert_eq!(p.iter().map(|m| m.version).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn a_current_database_runs_nothing() {
        let (b, p) = plan(M, &[1, 2], true).unwrap();
        assert!(b.is_none() && p.is_empty());
    }

    #[test]
    fn a_newer_database_is_refused() {
        assert!(matches!(
            plan(M, &[1, 2, 3], true),
            Err(StoreError::Migration(m)) if m.contains("version 3")
        ));
    }
}
