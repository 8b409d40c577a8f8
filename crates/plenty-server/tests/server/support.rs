//! Test support: a real server on loopback over a real database (a fresh SQLite file, or a
//! fresh PostgreSQL database when `PLENTY_TEST_POSTGRES` names a server), and members who
//! talk to it over HTTP.

#![allow(dead_code)]

use plenty_server::api::{AppState, Settings};
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}_{t}_{n}", std::process::id())
}

/// A fresh SQLite file.
pub fn sqlite_url() -> String {
    let dir = std::env::temp_dir().join(format!("plenty-test-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("db.sqlite3").display().to_string()
}

/// A fresh PostgreSQL database, or None when no server is configured (an error when
/// `PLENTY_REQUIRE_POSTGRES=1`, as in CI).
pub async fn pg_url() -> Option<String> {
    let Ok(base) = std::env::var("PLENTY_TEST_POSTGRES") else {
        if std::env::var("PLENTY_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("PLENTY_REQUIRE_POSTGRES=1 but PLENTY_TEST_POSTGRES is not set (.ci/postgres.sh prints it)");
        }
        eprintln!("note: PLENTY_TEST_POSTGRES is not set; the PostgreSQL half is skipped (.ci/postgres.sh starts a server)");
        return None;
    };
    let name = format!("plenty_t_{}", unique());
    let pool = sqlx::PgPool::connect(&base)
        .await
        .expect("connect to PLENTY_TEST_POSTGRES");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    Some(format!("{prefix}/{name}"))
}

/// A running server (stopped when dropped).
pub struct Server {
    pub base: String,
    pub state: AppState,
    pub url: String,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the service on loopback.
pub async fn start(url: &str, mut settings: Settings, demo: bool) -> Server {
    // PostgreSQL's default key file is in the working directory: keep tests out of it.
    if settings.log_key.is_none() && url.starts_with("postgres") {
        settings.log_key =
            Some(std::path::PathBuf::from(sqlite_url()).with_file_name("pg.log-key"));
    }
    let state = plenty_server::state(url, settings).await.unwrap();
    if demo {
        plenty_server::demo::load(&state).await.unwrap();
    }
    serve_state(state, url).await
}

/// Serves a state on loopback.
pub async fn serve_state(state: AppState, url: &str) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(plenty_server::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    Server {
        base: format!("http://{addr}"),
        state,
        url: url.to_string(),
        task,
    }
}

/// A client, signed in or not.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn anonymous(base: &str) -> Client {
        Client {
            base: base.to_string(),
            http: reqwest::Client::new(),
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    /// Signs in; panics on failure.
    pub async fn login(base: &str, email: &str, password: &str) -> Client {
        let mut c = Client::anonymous(base);
        let r = c
            .http
            .post(format!("{base}/api/v1/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "sign-in of {email}");
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Secure")
        );
        c.cookie = Some(cookie.split(';').next().unwrap().to_string());
        let j: Value = r.json().await.unwrap();
        c.csrf = j["csrf_token"].as_str().map(String::from);
        c
    }

    /// Signs in a demo account.
    pub async fn demo(base: &str, who: &str) -> Client {
        Client::login(
            base,
            &format!("{who}@demo.plenty"),
            plenty_server::demo::PASSWORD,
        )
        .await
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        if let Some(t) = &self.csrf {
            r = r.header("x-csrf-token", t);
        }
        if let Some(b) = &self.bearer {
            r = r.header("authorization", format!("Bearer {b}"));
        }
        r
    }

    /// GETs a page (HTML) as this member's browser would: with the session cookie only (a
    /// page is read, so no CSRF token or bearer token); its status and text.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        let r = r.send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// [`Client::page`] of a page that must answer 200 OK: its text.
    pub async fn html(&self, path: &str) -> String {
        let (st, html) = self.page(path).await;
        assert_eq!(st, StatusCode::OK, "GET {path}: {html}");
        html
    }

    /// Sends a request; the status and the body (JSON, or the text as a JSON string).
    async fn send(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let r = r.send().await.unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let r = self
            .req(reqwest::Method::POST, path)
            .header("content-type", "application/json")
            .body(body);
        Self::send(r).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::PATCH, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.req(reqwest::Method::DELETE, path)).await
    }
}

/// The log as `GET /api/v1/audit/export` gives it to anyone.
pub async fn export(base: &str) -> String {
    reqwest::get(format!("{base}/api/v1/audit/export"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Entries in the log now.
pub fn entries(s: &Server) -> u64 {
    s.state.log.read(|c| c.seq)
}

/// Waits until the round's plan is recorded (or fails after 60 s).
pub async fn wait_for_plan(c: &Client, round: u64) -> Value {
    for _ in 0..600 {
        let (_, j) = c.get(&format!("/api/v1/rounds/{round}/plan")).await;
        if j["state"] == "done" {
            return j;
        }
        if j["state"] == "failed" {
            panic!("plan failed: {j}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the plan did not finish in 60 s");
}

/// A real SMTP server on loopback: aiosmtpd (from `.venv-peer`, `tests/requirements-smtp.txt`)
/// delivering every message into a maildir, which the test reads. Stopped when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    python: std::path::PathBuf,
    dir: std::path::PathBuf,
    /// `smtp://127.0.0.1:PORT`.
    pub url: String,
}

/// One delivered message, as Python's `email` package reads it (headers decoded).
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The envelope's recipients (`X-RcptTo`).
    pub rcpt: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

const READ_MAILDIR: &str = r#"
import json, mailbox, sys
from email import policy
from email.parser import BytesParser
out = []
box = mailbox.Maildir(sys.argv[1], create=False)
for key in sorted(box.keys()):
    with box.get_file(key) as f:
        m = BytesParser(policy=policy.default).parse(f)
    out.append({"rcpt": [a.strip() for a in str(m.get("X-RcptTo", "")).split(",") if a.strip()],
                "from": str(m["From"]), "to": str(m["To"]), "subject": str(m["Subject"]),
                "body": m.get_body(preferencelist=("plain",)).get_content()})
print(json.dumps(out))
"#;

impl SmtpSink {
    /// Starts aiosmtpd on a free port; `None` (the test skips) without `.venv-peer` and
    /// aiosmtpd, a failure with `PLENTY_REQUIRE_PEERS=1` (CI).
    pub fn start(test: &str) -> Option<SmtpSink> {
        let python = plenty_test_support::peer_python_with(test, &["aiosmtpd"])?;
        let dir = std::env::temp_dir().join(format!("plenty-mail-{}", unique()));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let sink = SmtpSink {
            child,
            python,
            dir,
            url: format!("smtp://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(sink);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("aiosmtpd did not listen on port {port} within 10 s");
    }

    /// Every message delivered so far, in order of delivery.
    pub fn delivered(&self) -> Vec<Delivered> {
        if !self.dir.join("new").exists() {
            return Vec::new();
        }
        let out = std::process::Command::new(&self.python)
            .args(["-c", READ_MAILDIR])
            .arg(&self.dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        v.into_iter()
            .map(|m| Delivered {
                rcpt: m["rcpt"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
                from: m["from"].as_str().unwrap().to_string(),
                to: m["to"].as_str().unwrap().to_string(),
                subject: m["subject"].as_str().unwrap().to_string(),
                body: m["body"].as_str().unwrap().to_string(),
            })
            .collect()
    }

    /// Waits (at most 20 s) until `n` messages whose subject contains `subject` are delivered,
    /// and returns them.
    pub async fn wait_for(&self, subject: &str, n: usize) -> Vec<Delivered> {
        for _ in 0..200 {
            let got: Vec<Delivered> = self
                .delivered()
                .into_iter()
                .filter(|m| m.subject.contains(subject))
                .collect();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "{n} messages about {subject:?} were not delivered in 20 s; delivered: {:?}",
            self.delivered()
        );
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Settings that send e-mail through a sink.
pub fn mail_settings(sink: &SmtpSink) -> Settings {
    Settings {
        smtp: Some(sink.url.clone()),
        mail_from: Some("plenty <plenty@example.org>".into()),
        public_url: Some("https://plan.example.org/".into()),
        ..Default::default()
    }
}
