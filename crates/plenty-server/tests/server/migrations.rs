//! Schema migrations (issue #11), on SQLite and on PostgreSQL: a fresh database gets every
//! migration; a database made by plenty 0.1.0 (its tables, no `schema_migrations`) opens with
//! its log, accounts and key intact, is recorded at version 1, and serves; a database of a
//! newer schema is refused.

use crate::support::*;
use plenty_server::api::Settings;
use plenty_server::store::{self, StoreError};
use reqwest::StatusCode;

/// The log that plenty 0.1.0's service wrote (see plenty-ledger/tests/log_fixture.rs).
const LOG: &str = include_str!("../../../plenty-ledger/tests/data/log_v0_1_0.jsonl");

/// The statements with which plenty 0.1.0 made its tables, verbatim.
const SCHEMA_0_1_0: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS log_entries (seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, prev TEXT NOT NULL, event TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS accounts (member BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL, expires BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_tokens (token_hash TEXT PRIMARY KEY, member BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS invitations (code_hash TEXT PRIMARY KEY, councils TEXT NOT NULL, role TEXT NOT NULL, used BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

/// The key of the service that wrote the fixture (a throwaway demo key).
const SECRET: &str = "feb1ca200f396fcde23459433e735c8191aea792628725112ab577529c97e68f";

/// The rows 0.1.0 wrote: each entry with its event's JSON text as it is in the export (the
/// same bytes the service stored), an account and an unused invitation.
fn rows() -> Vec<(i64, i64, String, String, String)> {
    LOG.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let start = line.find(",\"event\":").unwrap() + ",\"event\":".len();
            let end = line.rfind(",\"hash\":\"").unwrap();
            (
                v["seq"].as_i64().unwrap(),
                v["at"].as_i64().unwrap(),
                v["prev"].as_str().unwrap().to_string(),
                line[start..end].to_string(),
                v["hash"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn password_hash() -> String {
    plenty_server::auth::hash_password("an old password").unwrap()
}

/// A SQLite database as plenty 0.1.0 left it.
async fn old_sqlite(path: &str) {
    let pool = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    for s in SCHEMA_0_1_0 {
        sqlx::query(*s).execute(&pool).await.unwrap();
    }
    for (seq, at, prev, event, hash) in rows() {
        sqlx::query("INSERT INTO log_entries (seq, at, prev, event, hash) VALUES (?, ?, ?, ?, ?)")
            .bind(seq)
            .bind(at)
            .bind(prev)
            .bind(event)
            .bind(hash)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO accounts (member, email, password_hash, name) VALUES (2, 'ada@old.plenty', ?, 'Ada')")
        .bind(password_hash())
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO invitations (code_hash, councils, role, used) VALUES (?, '1,3', 'facilitator', 0)")
        .bind(plenty_server::auth::token_hash("old invitation"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('secret', ?)")
        .bind(SECRET)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// A PostgreSQL database as plenty 0.1.0 left it.
async fn old_postgres(url: &str) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    for s in SCHEMA_0_1_0 {
        sqlx::query(*s).execute(&pool).await.unwrap();
    }
    for (seq, at, prev, event, hash) in rows() {
        sqlx::query(
            "INSERT INTO log_entries (seq, at, prev, event, hash) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(seq)
        .bind(at)
        .bind(prev)
        .bind(event)
        .bind(hash)
        .execute(&pool)
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO accounts (member, email, password_hash, name) VALUES (2, 'ada@old.plenty', $1, 'Ada')")
        .bind(password_hash())
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO invitations (code_hash, councils, role, used) VALUES ($1, '1,3', 'facilitator', 0)")
        .bind(plenty_server::auth::token_hash("old invitation"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('secret', $1)")
        .bind(SECRET)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// The rows of `schema_migrations`: (version, name).
async fn versions(url: &str) -> Vec<(i64, String)> {
    use sqlx::Row;
    let q = "SELECT version, name FROM schema_migrations ORDER BY version";
    let rows: Vec<(i64, String)> = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let r = sqlx::query(q).fetch_all(&pool).await.unwrap();
        pool.close().await;
        r.iter().map(|r| (r.get(0), r.get(1))).collect()
    } else {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        let r = sqlx::query(q).fetch_all(&pool).await.unwrap();
        pool.close().await;
        r.iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    rows
}

async fn a_fresh_database_gets_every_migration(url: &str) {
    let s = store::open(url).await.unwrap();
    assert_eq!(s.schema_version().await.unwrap(), 3);
    assert!(s.log().await.unwrap().is_empty());
    drop(s);
    assert_eq!(
        versions(url).await,
        [
            (1, "init".to_string()),
            (2, "credentials".to_string()),
            (3, "mail".to_string())
        ]
    );
    // Opening again runs nothing.
    let s = store::open(url).await.unwrap();
    assert_eq!(s.schema_version().await.unwrap(), 3);
    drop(s);
    assert_eq!(versions(url).await.len(), 3);
}

async fn a_database_of_0_1_0_opens_and_serves(url: &str) {
    let s = store::open(url).await.unwrap();
    assert_eq!(s.schema_version().await.unwrap(), 3);
    let entries = plenty_ledger::parse_export(LOG).unwrap();
    assert_eq!(
        s.log().await.unwrap(),
        entries,
        "the log reads back as written"
    );
    assert_eq!(hex::encode(s.secret().await.unwrap()), SECRET);
    assert_eq!(
        s.account_by_email("ada@old.plenty")
            .await
            .unwrap()
            .unwrap()
            .member,
        2
    );
    let inv = s
        .take_invitation(
            &plenty_server::auth::token_hash("old invitation"),
            plenty_server::api::now_ms(),
        )
        .await
        .unwrap();
    // Issued before invitations expired: 14 days from the upgrade.
    assert!(inv.expires > plenty_server::api::now_ms() + 13 * 86_400_000);
    assert_eq!(inv.councils, [1, 3]);
    assert_eq!(inv.role, plenty_ledger::Role::Facilitator);
    drop(s);
    let v = versions(url).await;
    assert_eq!(v.len(), 3);
    assert_eq!((v[0].0, v[1].0, v[2].0), (1, 2, 3));
    assert!(v[0].1.contains("baseline"), "{v:?}");

    // The service starts on it: the log replays and verifies, and members sign in.
    let server = start(url, Settings::default(), false).await;
    assert_eq!(
        server.state.log.read(|c| c.head.clone()),
        entries.last().unwrap().hash
    );
    let ada = Client::login(&server.base, "ada@old.plenty", "an old password").await;
    let (st, v) = ada.get("/api/v1/audit/verify").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["report"]["tallies_checked"], 2);
    // Ada's receipt is her pseudonym under the old key: her ballot is in the log.
    let me = ada.get("/api/v1/me").await.1;
    assert_eq!(
        me["receipt"]["pseudonym"], "f0e5b631c9e0daf8461e1ea475568872",
        "{me}"
    );
    drop(server);
    // Opening again changes nothing.
    assert_eq!(versions(url).await.len(), 3);
}

async fn a_newer_database_is_refused(url: &str, newer: &str) {
    store::open(url).await.unwrap();
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(newer.to_string()))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(newer.to_string()))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    match store::open(url).await {
        Err(StoreError::Migration(m)) => assert!(m.contains("version 99"), "{m}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a database of a newer schema was opened"),
    }
}

const NEWER: &str =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_migrations_on_sqlite() {
    a_fresh_database_gets_every_migration(&sqlite_url()).await;
    let old = sqlite_url();
    old_sqlite(&old).await;
    a_database_of_0_1_0_opens_and_serves(&old).await;
    a_newer_database_is_refused(&sqlite_url(), NEWER).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_11_migrations_on_postgres() {
    let Some(fresh) = pg_url().await else {
        return;
    };
    a_fresh_database_gets_every_migration(&fresh).await;
    let old = pg_url().await.unwrap();
    old_postgres(&old).await;
    a_database_of_0_1_0_opens_and_serves(&old).await;
    a_newer_database_is_refused(&pg_url().await.unwrap(), NEWER).await;
}
