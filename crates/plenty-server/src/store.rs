//! Storage behind one domain trait, [`Store`], with two backends: SQLite (embedded, the
//! default) and PostgreSQL (for a federation that runs a database server).
//!
//! What is stored:
//! * the log: one row per [`Entry`], append-only (no statement here updates or deletes it);
//! * accounts: e-mail and argon2 password hash per member, kept out of the log so that the log
//!   can be published;
//! * sessions, API tokens and invitations, by the SHA-256 of their secret (a stolen database
//!   does not yield working tokens);
//! * the service's secret key (ballot pseudonyms, CSRF tokens).
//!
//! [`Store::append`] returns only after the rows are durable (SQLite in WAL mode with
//! `synchronous=FULL`; PostgreSQL's default commit), which is what "acknowledged" means.

use anyhow::{Context, Result};
use async_trait::async_trait;
use plenty_ledger::Entry;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;
use std::str::FromStr;

/// A member's sign-in record (private: never in the log).
#[derive(Debug, Clone)]
pub struct Account {
    /// The member's number in the log.
    pub member: u64,
    /// E-mail, lowercased.
    pub email: String,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    /// Display name.
    pub name: String,
}

/// A browser session.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    /// Whose.
    pub member: u64,
    /// Milliseconds since the epoch when it ends.
    pub expires: i64,
}

/// An invitation to join.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// Councils the new member joins (comma-separated numbers).
    pub councils: String,
    /// `member` or `facilitator`.
    pub role: String,
}

/// The storage the service needs.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which backend, for messages.
    fn backend(&self) -> &'static str;
    /// Appends log entries (and, when a member joins by sign-up, their account) in one
    /// transaction; returns once durable.
    async fn append(&self, entries: &[Entry], accounts: &[Account]) -> Result<()>;
    /// The whole log, in order.
    async fn log(&self) -> Result<Vec<Entry>>;
    /// The service's secret key, created on first use.
    async fn secret(&self) -> Result<Vec<u8>>;
    /// An account by e-mail.
    async fn account_by_email(&self, email: &str) -> Result<Option<Account>>;
    /// An account by member.
    async fn account(&self, member: u64) -> Result<Option<Account>>;
    /// Stores a session.
    async fn create_session(&self, s: &Session) -> Result<()>;
    /// A session by token hash.
    async fn session(&self, token_hash: &str) -> Result<Option<Session>>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Stores an API token.
    async fn create_api_token(&self, token_hash: &str, member: u64) -> Result<()>;
    /// The member of an API token.
    async fn api_token(&self, token_hash: &str) -> Result<Option<u64>>;
    /// Stores an invitation.
    async fn create_invitation(&self, code_hash: &str, inv: &Invitation) -> Result<()>;
    /// Uses an invitation up: returns it once, then never again.
    async fn take_invitation(&self, code_hash: &str) -> Result<Option<Invitation>>;
    /// Overwrites a log entry's event text. Only for tests of tamper detection: the service
    /// never calls it.
    async fn tamper(&self, seq: u64, event_json: &str) -> Result<()>;
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS log_entries (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, prev TEXT NOT NULL, event TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS accounts (member BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL, expires BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_tokens (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS invitations (code_hash TEXT PRIMARY KEY, councils TEXT NOT NULL, role TEXT NOT NULL, used BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

fn entry_from(seq: i64, at: i64, prev: String, event: String, hash: String) -> Result<Entry> {
    let event = serde_json::from_str(&event)
        .with_context(|| format!("log entry {seq}: its event is not valid JSON of an event"))?;
    Ok(Entry {
        seq: seq as u64,
        at: at as u64,
        prev,
        event,
        hash,
    })
}

/// An account from a row of `accounts` (either backend).
fn account_from<R: Row>(r: &R) -> Result<Account>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Account {
        member: r.try_get::<i64, _>("member")? as u64,
        email: r.try_get("email")?,
        password_hash: r.try_get("password_hash")?,
        name: r.try_get("name")?,
    })
}

fn new_secret() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(b))
}

/// Opens the store named by a URL: `postgres://…` or `postgresql://…` for PostgreSQL,
/// `sqlite://path` or a plain path for SQLite (created if missing).
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PgStore::open(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(SqliteStore::open(path).await?))
    }
}

/// SQLite, one file, WAL.
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (or creates) the database file.
    pub async fn open(path: &str) -> Result<Self> {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
            .with_context(|| format!("{path}: not a usable SQLite path"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .with_context(|| format!("{path}: cannot open the SQLite database"))?;
        for s in SCHEMA {
            sqlx::query(*s).execute(&pool).await?;
        }
        Ok(SqliteStore { pool })
    }
}

/// PostgreSQL.
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and creates the tables if needed.
    pub async fn open(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect(url)
            .await
            .context("cannot connect to PostgreSQL")?;
        for s in SCHEMA {
            sqlx::query(*s).execute(&pool).await?;
        }
        Ok(PgStore { pool })
    }
}

/// The two backends differ in placeholders (`?` against `$1`) and little else; this macro
/// writes the trait once for both.
macro_rules! store_impl {
    ($ty:ty, $name:expr, $p:expr, $db:ty) => {
        #[async_trait]
        impl Store for $ty {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn append(&self, entries: &[Entry], accounts: &[Account]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                for a in accounts {
                    sqlx::query($p(
                        "INSERT INTO accounts (member, email, password_hash, name) VALUES (?, ?, ?, ?)",
                    ))
                    .bind(a.member as i64)
                    .bind(&a.email)
                    .bind(&a.password_hash)
                    .bind(&a.name)
                    .execute(&mut *tx)
                    .await?;
                }
                for e in entries {
                    let event = serde_json::to_string(&e.event)?;
                    sqlx::query($p(
                        "INSERT INTO log_entries (seq, at, prev, event, hash) VALUES (?, ?, ?, ?, ?)",
                    ))
                    .bind(e.seq as i64)
                    .bind(e.at as i64)
                    .bind(&e.prev)
                    .bind(event)
                    .bind(&e.hash)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn log(&self) -> Result<Vec<Entry>> {
                let rows = sqlx::query("SELECT seq, at, prev, event, hash FROM log_entries ORDER BY seq")
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|r| {
                        entry_from(
                            r.try_get("seq")?,
                            r.try_get("at")?,
                            r.try_get("prev")?,
                            r.try_get("event")?,
                            r.try_get("hash")?,
                        )
                    })
                    .collect()
            }

            async fn secret(&self) -> Result<Vec<u8>> {
                let candidate = new_secret()?;
                // Insert if missing, then read: two processes starting at once agree.
                sqlx::query($p(
                    "INSERT INTO settings (key, value) VALUES ('secret', ?) ON CONFLICT (key) DO NOTHING",
                ))
                .bind(&candidate)
                .execute(&self.pool)
                .await?;
                let row = sqlx::query("SELECT value FROM settings WHERE key = 'secret'")
                    .fetch_one(&self.pool)
                    .await?;
                let v: String = row.try_get("value")?;
                hex::decode(v).context("the stored secret is not hex")
            }

            async fn account_by_email(&self, email: &str) -> Result<Option<Account>> {
                let row = sqlx::query($p(
                    "SELECT member, email, password_hash, name FROM accounts WHERE email = ?",
                ))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| account_from(&r)).transpose()
            }

            async fn account(&self, member: u64) -> Result<Option<Account>> {
                let row = sqlx::query($p(
                    "SELECT member, email, password_hash, name FROM accounts WHERE member = ?",
                ))
                .bind(member as i64)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| account_from(&r)).transpose()
            }

            async fn create_session(&self, s: &Session) -> Result<()> {
                sqlx::query($p(
                    "INSERT INTO sessions (token_hash, member, expires) VALUES (?, ?, ?)",
                ))
                .bind(&s.token_hash)
                .bind(s.member as i64)
                .bind(s.expires)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
                let row = sqlx::query($p(
                    "SELECT token_hash, member, expires FROM sessions WHERE token_hash = ?",
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| -> Result<Session> {
                    Ok(Session {
                        token_hash: r.try_get("token_hash")?,
                        member: r.try_get::<i64, _>("member")? as u64,
                        expires: r.try_get("expires")?,
                    })
                })
                .transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query($p("DELETE FROM sessions WHERE token_hash = ?"))
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_api_token(&self, token_hash: &str, member: u64) -> Result<()> {
                sqlx::query($p("INSERT INTO api_tokens (token_hash, member) VALUES (?, ?)"))
                    .bind(token_hash)
                    .bind(member as i64)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn api_token(&self, token_hash: &str) -> Result<Option<u64>> {
                let row = sqlx::query($p("SELECT member FROM api_tokens WHERE token_hash = ?"))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| -> Result<u64> { Ok(r.try_get::<i64, _>("member")? as u64) })
                    .transpose()
            }

            async fn create_invitation(&self, code_hash: &str, inv: &Invitation) -> Result<()> {
                sqlx::query($p(
                    "INSERT INTO invitations (code_hash, councils, role, used) VALUES (?, ?, ?, 0)",
                ))
                .bind(code_hash)
                .bind(&inv.councils)
                .bind(&inv.role)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn take_invitation(&self, code_hash: &str) -> Result<Option<Invitation>> {
                // One statement marks it used and tells whether it was unused: an invitation
                // cannot be taken twice, even by two requests at once.
                let done = sqlx::query($p(
                    "UPDATE invitations SET used = 1 WHERE code_hash = ? AND used = 0",
                ))
                .bind(code_hash)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(None);
                }
                let row = sqlx::query($p(
                    "SELECT councils, role FROM invitations WHERE code_hash = ?",
                ))
                .bind(code_hash)
                .fetch_one(&self.pool)
                .await?;
                Ok(Some(Invitation {
                    councils: row.try_get("councils")?,
                    role: row.try_get("role")?,
                }))
            }

            async fn tamper(&self, seq: u64, event_json: &str) -> Result<()> {
                sqlx::query($p("UPDATE log_entries SET event = ? WHERE seq = ?"))
                    .bind(event_json)
                    .bind(seq as i64)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

// The SQL text is one of this file's constants; only its placeholders are rewritten.
fn sqlite_sql(s: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(s.to_string())
}

/// `?` placeholders to PostgreSQL's `$1, $2, …`.
fn pg_sql(s: &'static str) -> sqlx::AssertSqlSafe<String> {
    let mut out = String::with_capacity(s.len() + 8);
    let mut k = 0;
    for c in s.chars() {
        if c == '?' {
            k += 1;
            out.push_str(&format!("${k}"));
        } else {
            out.push(c);
        }
    }
    sqlx::AssertSqlSafe(out)
}

store_impl!(SqliteStore, "sqlite", sqlite_sql, sqlx::Sqlite);
store_impl!(PgStore, "postgres", pg_sql, sqlx::Postgres);
