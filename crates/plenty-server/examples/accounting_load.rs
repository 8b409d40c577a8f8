//! Load benchmark of labour-time accounting (issue #16): 10^5 members, hours posted by a
//! workplace's API token and purchases by a distribution point's, open loop at a fixed rate,
//! latency counted from when each request was due (no coordinated omission).
//!
//! ```text
//! cargo run --release -p plenty-server --example accounting_load -- \
//!     [--db PATH_OR_URL] [--members 100000] [--rate 2000] [--secs 20]
//! ```
//!
//! It runs the service in this process (the same `plenty_server::serve` as `plenty serve`, on a
//! fresh SQLite file in a temp dir unless `--db` names one, the demo federation loaded) and
//! drives it over loopback HTTP with its own client, so the load generator shares the cores
//! with the service. Phases, each printing one line of figures:
//!
//! 1. **set-up** (not measured): the members are admitted in bulk, as a facilitator's import
//!    would: `member_joined` entries through the service's log (rules, chain, group commit),
//!    1 000 per write, in the mill (workplace council 1) and the neighbourhood (consumer council
//!    3). They have no passwords (10^5 argon2 hashes would take an hour and measure nothing of
//!    the accounting). The facilitator signs in once, takes an API token, names it the mill's
//!    reporter and the neighbourhood's distribution point operator, closes round 1 and
//!    publishes its prices.
//! 2. **hours**, open loop at `--rate`/s for `--secs` s: `POST /api/v1/accounting/hours`, one
//!    report of 8 h per member in turn, by the workplace's token.
//! 3. Every report is confirmed by its member (in bulk through the log, 1 000 per write: the
//!    members have no sessions; a member's own confirmation over HTTP is a write of the same
//!    path and size, measured at a lower count by the server tests).
//! 4. **purchases**, open loop at `--rate`/s for `--secs` s: `POST
//!    /api/v1/accounting/purchases` of 0.0001 t of bread for members in turn, by the point's
//!    token.
//! 5. **hours and purchases**, half and half, open loop at `--rate`/s for `--secs` s (hours for
//!    the next members in turn, purchases by members paid in step 3).
//!
//! With `--secs 50` at 2000/s, phase 2 reports hours for every one of the 10^5 members.
//!
//! A write is acknowledged (201) only once durable (group commit; SQLite WAL with
//! `synchronous=FULL`).

use plenty_ledger::{Event, Role};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Opts {
    db: Option<String>,
    members: u64,
    rate: f64,
    secs: f64,
}

fn opts() -> Opts {
    let mut o = Opts {
        db: None,
        members: 100_000,
        rate: 2000.0,
        secs: 20.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--db" => o.db = Some(val()),
            "--members" => o.members = val().parse().expect("--members N"),
            "--rate" => o.rate = val().parse().expect("--rate R"),
            "--secs" => o.secs = val().parse().expect("--secs S"),
            _ => {
                println!("usage: accounting_load [--db PATH] [--members N] [--rate R] [--secs S]");
                std::process::exit(2);
            }
        }
    }
    o
}

/// The first member of the bulk import (the demo has members 1 to 5).
const FIRST: u64 = 6;

#[derive(Default)]
struct Stats {
    /// Latencies of acknowledged writes, µs.
    ok: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Stats {
    fn line(&mut self, what: &str, wall: Duration) -> String {
        self.ok.sort_unstable();
        let q = |p: f64| {
            if self.ok.is_empty() {
                0.0
            } else {
                self.ok[((self.ok.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
            }
        };
        format!(
            "{what:<40} {:>7} ok {:>5} err in {:>6.2} s = {:>6.0} /s   p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms{}",
            self.ok.len(),
            self.errors,
            wall.as_secs_f64(),
            self.ok.len() as f64 / wall.as_secs_f64(),
            q(0.5),
            q(0.95),
            q(0.99),
            q(1.0),
            self.first_error
                .as_ref()
                .map(|e| format!("  (first error: {e})"))
                .unwrap_or_default()
        )
    }
}

/// Sends `n` requests at `rate`/s, the k-th due at `k / rate` s; `body(k)` gives its path and
/// body. The latency of each is counted from when it was due.
async fn open_loop(
    c: &Client,
    base: &str,
    token: &str,
    rate: f64,
    n: u64,
    body: impl Fn(u64) -> (&'static str, Value),
) -> (Stats, Duration) {
    let stats = Arc::new(Mutex::new(Stats::default()));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n as usize);
    for k in 0..n {
        let due = start + Duration::from_secs_f64(k as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let (path, b) = body(k);
        let req = c
            .post(format!("{base}/api/v1{path}"))
            .bearer_auth(token)
            .json(&b);
        let stats = stats.clone();
        tasks.push(tokio::spawn(async move {
            let r = req.send().await;
            let latency = due.elapsed().as_micros() as u64;
            let mut s = stats.lock().unwrap();
            match r {
                Ok(r) if r.status() == StatusCode::CREATED => s.ok.push(latency),
                Ok(r) => {
                    s.errors += 1;
                    if s.first_error.is_none() {
                        let st = r.status();
                        s.first_error = Some(format!("{st}"));
                    }
                }
                Err(e) => {
                    s.errors += 1;
                    if s.first_error.is_none() {
                        s.first_error = Some(e.to_string());
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let wall = start.elapsed();
    let s = std::mem::take(&mut *stats.lock().unwrap());
    (s, wall)
}

async fn post(c: &Client, base: &str, auth: &Auth, path: &str, body: Value) -> Value {
    let mut r = c.post(format!("{base}/api/v1{path}")).json(&body);
    r = match auth {
        Auth::Session { cookie, csrf } => r.header("cookie", cookie).header("x-csrf-token", csrf),
        Auth::Token(t) => r.bearer_auth(t),
    };
    let r = r.send().await.expect("the service answers");
    let st = r.status();
    let j: Value = r.json().await.unwrap_or(Value::Null);
    assert!(st.is_success(), "{path}: {st} {j}");
    j
}

enum Auth {
    Session { cookie: String, csrf: String },
    Token(String),
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let o = opts();
    let dir = std::env::temp_dir().join(format!("plenty-accounting-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db =
        o.db.clone()
            .unwrap_or_else(|| dir.join("plenty.sqlite3").display().to_string());
    let settings = plenty_server::api::Settings {
        secure_cookies: false,
        log_key: Some(dir.join("log.key")),
        ..Default::default()
    };
    let st = plenty_server::state(&db, settings)
        .await
        .expect("the store opens");
    plenty_server::demo::load(&st)
        .await
        .expect("the demo loads");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(plenty_server::serve(
        listener,
        st.clone(),
        std::future::pending(),
    ));
    println!(
        "accounting load: {} members, {} writes/s open loop, {} s per phase, {db}",
        o.members, o.rate, o.secs
    );

    // 1. Set-up.
    let t = Instant::now();
    let last = FIRST + o.members - 1;
    let mut m = FIRST;
    while m <= last {
        let to = (m + 999).min(last);
        st.log
            .append_with(Vec::new(), move |_| {
                Ok((
                    (m..=to)
                        .map(|member| Event::MemberJoined {
                            member,
                            councils: vec![1, 3],
                            role: Role::Member,
                        })
                        .collect(),
                    (),
                ))
            })
            .await
            .expect("the import is written");
        m = to + 1;
    }
    let c = Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .unwrap();
    let r = c
        .post(format!("{base}/api/v1/login"))
        .json(
            &json!({"email": "facilitator@demo.plenty", "password": plenty_server::demo::PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let j: Value = r.json().await.unwrap();
    let fac = Auth::Session {
        cookie,
        csrf: j["csrf_token"].as_str().unwrap().to_string(),
    };
    let token = post(
        &c,
        &base,
        &fac,
        "/tokens",
        json!({"label": "mill and shop"}),
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let tok = Auth::Token(token.clone());
    post(
        &c,
        &base,
        &tok,
        "/accounting/workplaces",
        json!({"council": 1, "reporters": [1]}),
    )
    .await;
    post(
        &c,
        &base,
        &tok,
        "/accounting/distribution-points",
        json!({"council": 3, "operators": [1]}),
    )
    .await;
    for to in ["voting", "plan"] {
        post(&c, &base, &tok, "/rounds/1/advance", json!({"to": to})).await;
    }
    loop {
        let r: Value = c
            .get(format!("{base}/api/v1/rounds/1/plan"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if r["state"] == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let prices = post(&c, &base, &tok, "/accounting/prices", json!({"round": 1})).await;
    println!(
        "set-up: {} members admitted in bulk, reporter and operator named, prices published (bread {:.2} credits/t, supply {:.1} t) in {:.1} s",
        o.members,
        prices["prices"]["bread"]["price"].as_f64().unwrap_or(0.0),
        prices["prices"]["bread"]["supply"].as_f64().unwrap_or(0.0),
        t.elapsed().as_secs_f64()
    );
    let n = (o.rate * o.secs) as u64;
    let member = move |k: u64| FIRST + k % o.members;
    let hours = move |k: u64| {
        (
            "/accounting/hours",
            json!({"member": member(k), "council": 1, "period": "2026-W49", "hours": 8.0}),
        )
    };
    let buy = move |k: u64| {
        (
            "/accounting/purchases",
            json!({"member": member(k), "council": 3, "product": "bread", "quantity": 0.0001}),
        )
    };

    // 2. Hours.
    let (mut s, wall) = open_loop(&c, &base, &token, o.rate, n, hours).await;
    println!(
        "{}",
        s.line(&format!("hours, open loop at {}/s", o.rate), wall)
    );

    // 3. Every member confirms their reports.
    let t = Instant::now();
    let mut confirmed = 0;
    loop {
        let k = st
            .log
            .append_with(Vec::new(), |l| {
                let mut out = Vec::new();
                let pending: Vec<_> = l
                    .accounts
                    .pending
                    .values()
                    .take(1000)
                    .map(|r| (r.report, r.account.clone()))
                    .collect();
                let mut trial = l.clone();
                for (report, account) in pending {
                    let e = trial.confirm_hours(report, account)?;
                    trial.apply(&e)?;
                    out.push(e);
                }
                let k = out.len();
                Ok((out, k))
            })
            .await
            .expect("confirmations are written");
        if k == 0 {
            break;
        }
        confirmed += k;
    }
    println!(
        "confirmed: {confirmed} reports, in bulk, in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // 4. Purchases.
    let (mut s, wall) = open_loop(&c, &base, &token, o.rate, n, buy).await;
    println!(
        "{}",
        s.line(&format!("purchases, open loop at {}/s", o.rate), wall)
    );

    // 5. Both.
    let (mut s, wall) = open_loop(&c, &base, &token, o.rate, n, move |k| {
        // Hours for the members in turn after phase 2's; purchases by the members from the
        // first, who were paid in step 3.
        if k % 2 == 0 {
            hours(k / 2 + n)
        } else {
            buy(k / 2)
        }
    })
    .await;
    println!(
        "{}",
        s.line(
            &format!("hours + purchases, open loop at {}/s", o.rate),
            wall
        )
    );
    let report: Value = c
        .get(format!("{base}/api/v1/accounting/report"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    println!(
        "accounts {}, hours {}, credits {}, consumption {:.2}, gini of consumption {:.3}",
        report["accounts"],
        report["totals"]["hours"],
        report["totals"]["credits"],
        report["totals"]["consumption"].as_f64().unwrap_or(0.0),
        report["consumption_gini"].as_f64().unwrap_or(0.0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
