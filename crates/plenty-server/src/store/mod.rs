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
//!
//! The schema is versioned: [`migrate`] applies the embedded migrations when a store opens.
//! Errors are typed ([`StoreError`]): the API answers a missing thing with 404 and a
//! duplicate with 409, and anything else as the service's own failure.

pub mod migrate;

use async_trait::async_trait;
use plenty_ledger::{CouncilId, Entry, MemberId, Role};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;
use std::str::FromStr;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// What was asked for does not exist (or no longer: an invitation already used).
    #[error("not found: {0}")]
    NotFound(String),
    /// A row with the same key exists (a log position, an e-mail, a token).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value does not read back (a log entry that is not an event, a secret that is
    /// not hex): the database was changed by something other than the service.
    #[error("the stored data is not valid: {0}")]
    Corrupt(String),
    /// The database's schema cannot be brought to this version.
    #[error("schema migration: {0}")]
    Migration(String),
    /// The database failed or cannot be reached.
    #[error("database: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound("no such row".into()),
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict(d.message().to_string())
            }
            _ => StoreError::Database(e),
        }
    }
}

/// The store's result.
pub type StoreResult<T, E = StoreError> = std::result::Result<T, E>;

/// A member's sign-in record (private: never in the log).
#[derive(Debug, Clone)]
pub struct Account {
    /// The member's number in the log.
    pub member: MemberId,
    /// E-mail, lowercased.
    pub email: String,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    /// Display name.
    pub name: String,
}

/// A member's preferences and notice mark (issue #15), kept with their account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    /// Whether notices (a phase change, a plan ready) are e-mailed to them.
    pub notify_email: bool,
    /// The log position up to which they have seen the notices.
    pub notices_seen: u64,
}

/// A log entry's head, enough to tell a notice from it: its position, time, and the first
/// characters of its event's JSON (the `type` and `round` come first).
#[derive(Debug, Clone)]
pub struct EntryHead {
    /// Position in the log.
    pub seq: u64,
    /// Milliseconds since the epoch.
    pub at: u64,
    /// The event's JSON, cut to 96 characters.
    pub head: String,
}

/// A browser session.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    /// Whose.
    pub member: MemberId,
    /// Milliseconds since the epoch when it ends.
    pub expires: i64,
}

/// An API token (the database keeps only the SHA-256 of its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// SHA-256 of the token.
    pub token_hash: String,
    /// Whose.
    pub member: MemberId,
    /// What its owner calls it.
    pub label: String,
    /// Milliseconds since the epoch when it was issued (0: before plenty recorded it).
    pub created: i64,
    /// Milliseconds since the epoch when it ends.
    pub expires: i64,
}

impl ApiToken {
    /// Its public name: the first 16 hex digits of its hash, which is how its owner lists and
    /// revokes it (the token itself is shown once).
    pub fn id(&self) -> &str {
        self.token_hash.get(..16).unwrap_or(&self.token_hash)
    }
}

/// An invitation to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Councils the new member joins.
    pub councils: Vec<CouncilId>,
    /// The new member's role.
    pub role: Role,
    /// Milliseconds since the epoch when it ends.
    pub expires: i64,
}

impl Invitation {
    /// The councils as stored: comma-separated numbers.
    fn councils_text(&self) -> String {
        self.councils
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// From its stored columns.
    fn from_columns(councils: &str, role: &str, expires: i64) -> StoreResult<Invitation> {
        Ok(Invitation {
            councils: councils
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse()
                        .map_err(|_| StoreError::Corrupt(format!("invitation council {s:?}")))
                })
                .collect::<StoreResult<_>>()?,
            role: role
                .parse()
                .map_err(|e: String| StoreError::Corrupt(format!("invitation role: {e}")))?,
            expires,
        })
    }
}

/// The storage the service needs.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which backend, for messages.
    fn backend(&self) -> &'static str;
    /// Appends log entries (and, when a member joins by sign-up, their account) in one
    /// transaction; returns once durable. A position or e-mail that exists is a
    /// [`StoreError::Conflict`], and nothing is written.
    async fn append(&self, entries: &[Entry], accounts: &[Account]) -> StoreResult<()>;
    /// The whole log, in order.
    async fn log(&self) -> StoreResult<Vec<Entry>>;
    /// The service's secret key, created on first use (a service without a key file).
    async fn secret(&self) -> StoreResult<Vec<u8>>;
    /// The secret key kept in the database, if there is one (without creating it).
    async fn legacy_secret(&self) -> StoreResult<Option<Vec<u8>>>;
    /// Deletes the secret key from the database, once it lives in its file.
    async fn forget_secret(&self) -> StoreResult<()>;
    /// An account by e-mail.
    async fn account_by_email(&self, email: &str) -> StoreResult<Option<Account>>;
    /// An account by member.
    async fn account(&self, member: MemberId) -> StoreResult<Option<Account>>;
    /// Stores a session.
    async fn create_session(&self, s: &Session) -> StoreResult<()>;
    /// A session by token hash.
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>>;
    /// Ends a session (nothing to do if it has ended).
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of a member but `except` (the one changing the password); returns
    /// how many ended.
    async fn delete_sessions_of(&self, member: MemberId, except: Option<&str>) -> StoreResult<u64>;
    /// Replaces a member's password hash.
    async fn set_password(&self, member: MemberId, password_hash: &str) -> StoreResult<()>;
    /// Stores an API token.
    async fn create_api_token(&self, t: &ApiToken) -> StoreResult<()>;
    /// An API token by hash (expired or not: the caller checks).
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    /// A member's API tokens, oldest first.
    async fn api_tokens_of(&self, member: MemberId) -> StoreResult<Vec<ApiToken>>;
    /// Revokes a member's token by its [`ApiToken::id`]; whether one was revoked.
    async fn revoke_api_token(&self, member: MemberId, id: &str) -> StoreResult<bool>;
    /// Revokes every API token of a member; returns how many.
    async fn revoke_api_tokens_of(&self, member: MemberId) -> StoreResult<u64>;
    /// Stores an invitation.
    async fn create_invitation(&self, code_hash: &str, inv: &Invitation) -> StoreResult<()>;
    /// An invitation that is unused and not expired at `now`, without using it.
    async fn invitation(&self, code_hash: &str, now: i64) -> StoreResult<Option<Invitation>>;
    /// Uses an invitation up: returns it once if it has not expired at `now`; after that, or
    /// for an unknown or expired code, [`StoreError::NotFound`].
    async fn take_invitation(&self, code_hash: &str, now: i64) -> StoreResult<Invitation>;
    /// A member's preferences, if they have an account.
    async fn preferences(&self, member: MemberId) -> StoreResult<Option<Preferences>>;
    /// Changes a member's display name and whether notices are e-mailed to them.
    async fn set_profile(
        &self,
        member: MemberId,
        name: &str,
        notify_email: bool,
    ) -> StoreResult<()>;
    /// Records that a member has seen the notices up to log position `seq` (never moves back).
    async fn set_notices_seen(&self, member: MemberId, seq: u64) -> StoreResult<()>;
    /// The accounts that want notices by e-mail: (member, e-mail, name), by member.
    async fn mail_recipients(&self) -> StoreResult<Vec<(MemberId, String, String)>>;
    /// The heads of the log entries after position `after`, in order ([`EntryHead`]).
    async fn entry_heads(&self, after: u64) -> StoreResult<Vec<EntryHead>>;
    /// Stores a password reset token (its SHA-256) for a member, valid until `expires`.
    async fn create_password_reset(
        &self,
        token_hash: &str,
        member: MemberId,
        expires: i64,
    ) -> StoreResult<()>;
    /// Uses a password reset token up: its member, once, if it has not expired at `now`; then
    /// every other reset token of that member goes too. `None` for an unknown, used or expired
    /// token.
    async fn take_password_reset(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<MemberId>>;
    /// Erases a member's account: its name, e-mail and password hash, and its sessions, API
    /// tokens and reset tokens, in one transaction. Whether there was an account.
    async fn delete_account(&self, member: MemberId) -> StoreResult<bool>;
    /// Deletes sessions, API tokens, password reset tokens and unused invitations that ended
    /// before `now`; returns how many rows went.
    async fn purge_expired(&self, now: i64) -> StoreResult<u64>;
    /// The schema version the database is at.
    async fn schema_version(&self) -> StoreResult<i64>;
}

/// Changing the log behind the service's back, for the tests that show it is found. Not part
/// of [`Store`]: the service cannot call it, and it exists only with the `test-support`
/// feature.
#[cfg(any(test, feature = "test-support"))]
#[async_trait]
pub trait TamperForTests: Send + Sync {
    /// Overwrites a log entry's event text.
    async fn tamper(&self, seq: u64, event_json: &str) -> StoreResult<()>;
    /// Replaces the whole log with `entries` (a rewritten, re-sealed or shortened history).
    async fn replace_log(&self, entries: &[Entry]) -> StoreResult<()>;
}

/// Opens the store named by a URL for tampering (see [`TamperForTests`]).
#[cfg(any(test, feature = "test-support"))]
pub async fn open_for_tampering(url: &str) -> StoreResult<Box<dyn TamperForTests>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(Box::new(SqliteStore::open(path).await?))
    }
}

fn entry_from(seq: i64, at: i64, prev: String, event: String, hash: String) -> StoreResult<Entry> {
    let event = serde_json::from_str(&event).map_err(|e| {
        StoreError::Corrupt(format!(
            "log entry {seq}: its event is not valid JSON of an event: {e}"
        ))
    })?;
    Ok(Entry {
        seq: seq as u64,
        at: at as u64,
        prev,
        event,
        hash,
    })
}

/// An account from a row of `accounts` (either backend).
fn account_from<R: Row>(r: &R) -> StoreResult<Account>
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

/// An API token from a row of `api_tokens` (either backend).
fn api_token_from<R: Row>(r: &R) -> StoreResult<ApiToken>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(ApiToken {
        token_hash: r.try_get("token_hash")?,
        member: r.try_get::<i64, _>("member")? as u64,
        label: r.try_get("label")?,
        created: r.try_get("created")?,
        expires: r.try_get("expires")?,
    })
}

fn new_secret() -> StoreResult<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|e| StoreError::Database(sqlx::Error::Protocol(format!("no randomness: {e}"))))?;
    Ok(hex::encode(b))
}

/// Opens the store named by a URL: `postgres://…` or `postgresql://…` for PostgreSQL,
/// `sqlite://path` or a plain path for SQLite (created if missing). Brings its schema to the
/// latest version.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
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
    /// The one connection that writes: SQLite has one writer at a time, and a transaction
    /// whose commit failed (a full disk) is rolled back when its connection is next used,
    /// which with one write connection is the next write, not never.
    writes: SqlitePool,
}

impl SqliteStore {
    /// Opens (or creates) the database file and migrates it.
    pub async fn open(path: &str) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
            .map_err(StoreError::Database)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(10));
        let opts = sqlite_test_limits(opts);
        let opts_for_writes = opts.clone();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|e| {
                StoreError::Database(sqlx::Error::Configuration(
                    format!("{path}: cannot open the SQLite database: {e}").into(),
                ))
            })?;
        migrate::sqlite(&pool, migrate::SQLITE).await?;
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts_for_writes)
            .await?;
        Ok(SqliteStore { pool, writes })
    }
}

/// Fault injection for the disk-full test where no small filesystem can be mounted: with the
/// `test-support` feature, `PLENTY_FAULT_SQLITE_MAX_PAGES=N` caps the database at N pages
/// (SQLite's `max_page_count`), past which SQLite answers `SQLITE_FULL` exactly as on a full
/// disk.
#[cfg(feature = "test-support")]
fn sqlite_test_limits(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    match std::env::var("PLENTY_FAULT_SQLITE_MAX_PAGES") {
        Ok(n) => opts.pragma("max_page_count", n),
        Err(_) => opts,
    }
}

#[cfg(not(feature = "test-support"))]
fn sqlite_test_limits(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts
}

impl SqliteStore {
    fn write_pool(&self) -> &SqlitePool {
        &self.writes
    }
}

impl PgStore {
    fn write_pool(&self) -> &PgPool {
        &self.pool
    }
}

/// PostgreSQL.
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and migrates the database.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            // A write waits this long for a connection when the server is down, then fails
            // with "not saved" instead of holding its request for the default 30 s.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(|e| {
                StoreError::Database(sqlx::Error::Configuration(
                    format!("cannot connect to PostgreSQL: {e}").into(),
                ))
            })?;
        migrate::postgres(&pool, migrate::POSTGRES).await?;
        Ok(PgStore { pool })
    }
}

/// The two backends differ in placeholders (`?` against `$1`) and little else; this macro
/// writes the trait once for both.
macro_rules! store_impl {
    ($ty:ty, $name:expr, $p:expr, $db:ty) => {
        impl $ty {
            /// The rows of one append, inside its transaction.
            async fn insert(
                tx: &mut sqlx::pool::PoolConnection<$db>,
                entries: &[Entry],
                accounts: &[Account],
            ) -> StoreResult<()> {
                for a in accounts {
                    sqlx::query($p(
                        "INSERT INTO accounts (member, email, password_hash, name) VALUES (?, ?, ?, ?)",
                    ))
                    .bind(a.member as i64)
                    .bind(&a.email)
                    .bind(&a.password_hash)
                    .bind(&a.name)
                    .execute(&mut **tx)
                    .await?;
                }
                for e in entries {
                    let event = serde_json::to_string(&e.event)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    sqlx::query($p(
                        "INSERT INTO log_entries (seq, at, prev, event, hash) VALUES (?, ?, ?, ?, ?)",
                    ))
                    .bind(e.seq as i64)
                    .bind(e.at as i64)
                    .bind(&e.prev)
                    .bind(event)
                    .bind(&e.hash)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl Store for $ty {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn append(&self, entries: &[Entry], accounts: &[Account]) -> StoreResult<()> {
                // The transaction is ours, not sqlx's: a COMMIT that fails (SQLite out of
                // space) can leave the transaction open, and sqlx's would then take the next
                // write for a nested one (a savepoint, "released" into a transaction that never
                // commits: acknowledged, and lost). Here every failure ends in ROLLBACK, and a
                // connection in doubt is closed rather than reused.
                let mut conn = self.write_pool().acquire().await?;
                sqlx::query("BEGIN").execute(&mut *conn).await?;
                let written = async {
                    Self::insert(&mut conn, entries, accounts).await?;
                    sqlx::query("COMMIT").execute(&mut *conn).await?;
                    Ok(())
                }
                .await;
                if written.is_err() && sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                    conn.close_on_drop();
                }
                written
            }

            async fn log(&self) -> StoreResult<Vec<Entry>> {
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

            async fn secret(&self) -> StoreResult<Vec<u8>> {
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
                hex::decode(v).map_err(|_| StoreError::Corrupt("the stored secret is not hex".into()))
            }

            async fn legacy_secret(&self) -> StoreResult<Option<Vec<u8>>> {
                let row = sqlx::query("SELECT value FROM settings WHERE key = 'secret'")
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| {
                    let v: String = r.try_get("value")?;
                    hex::decode(v)
                        .map_err(|_| StoreError::Corrupt("the stored secret is not hex".into()))
                })
                .transpose()
            }

            async fn forget_secret(&self) -> StoreResult<()> {
                sqlx::query("DELETE FROM settings WHERE key = 'secret'")
                    .execute(self.write_pool())
                    .await?;
                Ok(())
            }

            async fn account_by_email(&self, email: &str) -> StoreResult<Option<Account>> {
                let row = sqlx::query($p(
                    "SELECT member, email, password_hash, name FROM accounts WHERE email = ?",
                ))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| account_from(&r)).transpose()
            }

            async fn account(&self, member: MemberId) -> StoreResult<Option<Account>> {
                let row = sqlx::query($p(
                    "SELECT member, email, password_hash, name FROM accounts WHERE member = ?",
                ))
                .bind(member as i64)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| account_from(&r)).transpose()
            }

            async fn create_session(&self, s: &Session) -> StoreResult<()> {
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

            async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
                let row = sqlx::query($p(
                    "SELECT token_hash, member, expires FROM sessions WHERE token_hash = ?",
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| -> StoreResult<Session> {
                    Ok(Session {
                        token_hash: r.try_get("token_hash")?,
                        member: r.try_get::<i64, _>("member")? as u64,
                        expires: r.try_get("expires")?,
                    })
                })
                .transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query($p("DELETE FROM sessions WHERE token_hash = ?"))
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_sessions_of(&self, member: MemberId, except: Option<&str>) -> StoreResult<u64> {
                let done = sqlx::query($p("DELETE FROM sessions WHERE member = ? AND token_hash <> ?"))
                    .bind(member as i64)
                    .bind(except.unwrap_or(""))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn set_password(&self, member: MemberId, password_hash: &str) -> StoreResult<()> {
                let done = sqlx::query($p("UPDATE accounts SET password_hash = ? WHERE member = ?"))
                    .bind(password_hash)
                    .bind(member as i64)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound(format!("no account of member {member}")));
                }
                Ok(())
            }

            async fn create_api_token(&self, t: &ApiToken) -> StoreResult<()> {
                sqlx::query($p(
                    "INSERT INTO api_tokens (token_hash, member, label, created, expires) VALUES (?, ?, ?, ?, ?)",
                ))
                .bind(&t.token_hash)
                .bind(t.member as i64)
                .bind(&t.label)
                .bind(t.created)
                .bind(t.expires)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn api_token(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
                let row = sqlx::query($p(
                    "SELECT token_hash, member, label, created, expires FROM api_tokens WHERE token_hash = ?",
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| api_token_from(&r)).transpose()
            }

            async fn api_tokens_of(&self, member: MemberId) -> StoreResult<Vec<ApiToken>> {
                let rows = sqlx::query($p(
                    "SELECT token_hash, member, label, created, expires FROM api_tokens WHERE member = ? ORDER BY created, token_hash",
                ))
                .bind(member as i64)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| api_token_from(r)).collect()
            }

            async fn revoke_api_token(&self, member: MemberId, id: &str) -> StoreResult<bool> {
                let done = sqlx::query($p(
                    "DELETE FROM api_tokens WHERE member = ? AND substr(token_hash, 1, 16) = ?",
                ))
                .bind(member as i64)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn revoke_api_tokens_of(&self, member: MemberId) -> StoreResult<u64> {
                let done = sqlx::query($p("DELETE FROM api_tokens WHERE member = ?"))
                    .bind(member as i64)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn create_invitation(&self, code_hash: &str, inv: &Invitation) -> StoreResult<()> {
                sqlx::query($p(
                    "INSERT INTO invitations (code_hash, councils, role, used, expires) VALUES (?, ?, ?, 0, ?)",
                ))
                .bind(code_hash)
                .bind(inv.councils_text())
                .bind(inv.role.name())
                .bind(inv.expires)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn invitation(&self, code_hash: &str, now: i64) -> StoreResult<Option<Invitation>> {
                let row = sqlx::query($p(
                    "SELECT councils, role, expires FROM invitations WHERE code_hash = ? AND used = 0 AND expires > ?",
                ))
                .bind(code_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| -> StoreResult<Invitation> {
                    let councils: String = r.try_get("councils")?;
                    let role: String = r.try_get("role")?;
                    Invitation::from_columns(&councils, &role, r.try_get("expires")?)
                })
                .transpose()
            }

            async fn take_invitation(&self, code_hash: &str, now: i64) -> StoreResult<Invitation> {
                // One statement marks it used and tells whether it was unused: an invitation
                // cannot be taken twice, even by two requests at once.
                let done = sqlx::query($p(
                    "UPDATE invitations SET used = 1 WHERE code_hash = ? AND used = 0 AND expires > ?",
                ))
                .bind(code_hash)
                .bind(now)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound("this invitation is unknown, used or expired".into()));
                }
                let row = sqlx::query($p(
                    "SELECT councils, role, expires FROM invitations WHERE code_hash = ?",
                ))
                .bind(code_hash)
                .fetch_one(&self.pool)
                .await?;
                let councils: String = row.try_get("councils")?;
                let role: String = row.try_get("role")?;
                Invitation::from_columns(&councils, &role, row.try_get("expires")?)
            }

            async fn preferences(&self, member: MemberId) -> StoreResult<Option<Preferences>> {
                let row = sqlx::query($p(
                    "SELECT notify_email, notices_seen FROM accounts WHERE member = ?",
                ))
                .bind(member as i64)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| -> StoreResult<Preferences> {
                    Ok(Preferences {
                        notify_email: r.try_get::<i64, _>("notify_email")? != 0,
                        notices_seen: r.try_get::<i64, _>("notices_seen")?.max(0) as u64,
                    })
                })
                .transpose()
            }

            async fn set_profile(&self, member: MemberId, name: &str, notify_email: bool) -> StoreResult<()> {
                let done = sqlx::query($p("UPDATE accounts SET name = ?, notify_email = ? WHERE member = ?"))
                    .bind(name)
                    .bind(i64::from(notify_email))
                    .bind(member as i64)
                    .execute(self.write_pool())
                    .await?;
                if done.rows_affected() != 1 {
                    return Err(StoreError::NotFound(format!("no account of member {member}")));
                }
                Ok(())
            }

            async fn set_notices_seen(&self, member: MemberId, seq: u64) -> StoreResult<()> {
                sqlx::query($p(
                    "UPDATE accounts SET notices_seen = ? WHERE member = ? AND notices_seen < ?",
                ))
                .bind(seq as i64)
                .bind(member as i64)
                .bind(seq as i64)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }

            async fn mail_recipients(&self) -> StoreResult<Vec<(MemberId, String, String)>> {
                let rows = sqlx::query(
                    "SELECT member, email, name FROM accounts WHERE notify_email <> 0 ORDER BY member",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| -> StoreResult<_> {
                        Ok((
                            r.try_get::<i64, _>("member")? as u64,
                            r.try_get("email")?,
                            r.try_get("name")?,
                        ))
                    })
                    .collect()
            }

            async fn entry_heads(&self, after: u64) -> StoreResult<Vec<EntryHead>> {
                let rows = sqlx::query($p(
                    "SELECT seq, at, substr(event, 1, 96) AS head FROM log_entries WHERE seq > ? ORDER BY seq",
                ))
                .bind(after as i64)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| -> StoreResult<EntryHead> {
                        Ok(EntryHead {
                            seq: r.try_get::<i64, _>("seq")? as u64,
                            at: r.try_get::<i64, _>("at")? as u64,
                            head: r.try_get("head")?,
                        })
                    })
                    .collect()
            }

            async fn create_password_reset(&self, token_hash: &str, member: MemberId, expires: i64) -> StoreResult<()> {
                sqlx::query($p(
                    "INSERT INTO password_resets (token_hash, member, expires) VALUES (?, ?, ?)",
                ))
                .bind(token_hash)
                .bind(member as i64)
                .bind(expires)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }

            async fn take_password_reset(&self, token_hash: &str, now: i64) -> StoreResult<Option<MemberId>> {
                // One statement deletes the token and says whose it was: a token cannot be
                // used twice, even by two requests at once.
                let row = sqlx::query($p(
                    "DELETE FROM password_resets WHERE token_hash = ? AND expires > ? RETURNING member",
                ))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.write_pool())
                .await?;
                let Some(row) = row else { return Ok(None) };
                let member = row.try_get::<i64, _>("member")?;
                sqlx::query($p("DELETE FROM password_resets WHERE member = ?"))
                    .bind(member)
                    .execute(self.write_pool())
                    .await?;
                Ok(Some(member as u64))
            }

            async fn delete_account(&self, member: MemberId) -> StoreResult<bool> {
                let mut tx = self.write_pool().begin().await?;
                for q in [
                    "DELETE FROM sessions WHERE member = ?",
                    "DELETE FROM api_tokens WHERE member = ?",
                    "DELETE FROM password_resets WHERE member = ?",
                ] {
                    sqlx::query($p(q)).bind(member as i64).execute(&mut *tx).await?;
                }
                let done = sqlx::query($p("DELETE FROM accounts WHERE member = ?"))
                    .bind(member as i64)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            async fn purge_expired(&self, now: i64) -> StoreResult<u64> {
                let mut n = 0;
                for q in [
                    "DELETE FROM sessions WHERE expires <= ?",
                    "DELETE FROM api_tokens WHERE expires <= ?",
                    "DELETE FROM invitations WHERE used = 0 AND expires <= ?",
                    "DELETE FROM password_resets WHERE expires <= ?",
                ] {
                    n += sqlx::query($p(q)).bind(now).execute(&self.pool).await?.rows_affected();
                }
                Ok(n)
            }

            async fn schema_version(&self) -> StoreResult<i64> {
                let row = sqlx::query("SELECT max(version) AS v FROM schema_migrations")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(row.try_get::<Option<i64>, _>("v")?.unwrap_or(0))
            }
        }

        #[cfg(any(test, feature = "test-support"))]
        #[async_trait]
        impl TamperForTests for $ty {
            async fn tamper(&self, seq: u64, event_json: &str) -> StoreResult<()> {
                sqlx::query($p("UPDATE log_entries SET event = ? WHERE seq = ?"))
                    .bind(event_json)
                    .bind(seq as i64)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn replace_log(&self, entries: &[Entry]) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query($p("DELETE FROM log_entries"))
                    .execute(&mut *tx)
                    .await?;
                for e in entries {
                    let event = serde_json::to_string(&e.event)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
