//! Closing a big vote (issue #14): how long `POST /rounds/1/advance {"to": "plan"}` takes with
//! `--members` voters and `--projects` proposals, and how long other requests wait meanwhile.
//!
//! ```text
//! cargo run --release -p plenty-server --example close -- [--members 10000] [--projects 200]
//! ```
//!
//! The service runs in this process on a fresh SQLite file, with the demo federation. Members,
//! proposals and ballots are written straight into the log (through the same rules and group
//! commit as the API, without argon2 for ten thousand sign-ups). Each member approves each
//! project with probability 5 % (seeded). Then, over HTTP, the facilitator closes the vote
//! while a second client asks `GET /api/v1/health` every 2 ms; the example prints the close's
//! time, the health requests' latencies during it, and the size of the count's log entry.

use plenty_ledger::{Event, HoursSplit, Phase, Role, RoundBallot};
use plenty_server::auth::Signing;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|k| args.get(k + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift64*), so that every run votes alike.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Appends events in batches of at most 500 (one transaction each).
async fn write(st: &plenty_server::api::AppState, events: Vec<Event>) {
    for chunk in events.chunks(500) {
        let chunk = chunk.to_vec();
        st.log
            .append_with(Vec::new(), move |_| Ok((chunk, ())))
            .await
            .expect("the rules accept the generated events");
    }
}

#[tokio::main]
async fn main() {
    let members = arg("--members", 10_000) as u64;
    let projects = arg("--projects", 200) as u64;
    let dir = std::env::temp_dir().join(format!("plenty-close-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("plenty.sqlite3");
    let st = plenty_server::state(db.to_str().unwrap(), Default::default())
        .await
        .unwrap();
    plenty_server::demo::load(&st).await.unwrap();
    let t0 = Instant::now();

    // Members 6.. join the demo's consumer council; proposals come from the first members, at
    // most the round's five each.
    let first = st.log.read(|c| c.ledger.next_member());
    let council = st
        .log
        .read(|c| *c.ledger.councils.keys().next_back().unwrap());
    let ids: Vec<u64> = (first..first + members).collect();
    write(
        &st,
        ids.iter()
            .map(|&m| Event::MemberJoined {
                member: m,
                councils: vec![council],
                role: Role::Member,
            })
            .collect(),
    )
    .await;
    let next_proposal = st.log.read(|c| c.ledger.last_proposal) + 1;
    let proposal_ids: Vec<u64> = (next_proposal..next_proposal + projects).collect();
    let budget = st.log.read(|c| c.ledger.total_hours()) * HoursSplit::DEFAULT.investment;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    write(
        &st,
        proposal_ids
            .iter()
            .enumerate()
            .map(|(k, &p)| Event::ProposalSubmitted {
                round: 1,
                proposal: p,
                by: st.pseudonym(Signing::Proposal, 1, ids[k / 5]),
                title: format!("project {p}"),
                cost_hours: budget * (0.005 + 0.05 * rng.next()),
                resources: Default::default(),
            })
            .collect(),
    )
    .await;
    write(
        &st,
        vec![Event::PhaseAdvanced {
            round: 1,
            to: Phase::Voting,
            by: 1,
        }],
    )
    .await;
    write(
        &st,
        ids.iter()
            .map(|&m| Event::BallotCast {
                round: 1,
                voter: st.ballot_pseudonym(1, m),
                ballot: RoundBallot {
                    approve: proposal_ids
                        .iter()
                        .copied()
                        .filter(|_| rng.next() < 0.05)
                        .collect(),
                    scores: Default::default(),
                    split: None,
                    discount_rate: None,
                },
                replaces: false,
            })
            .collect(),
    )
    .await;
    eprintln!(
        "{members} members, {projects} proposals, {members} ballots written in {:.1?}",
        t0.elapsed()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(plenty_server::serve(
        listener,
        st.clone(),
        std::future::pending(),
    ));
    let c = reqwest::Client::new();
    // An API token, through a session.
    let r = c
        .post(format!("{base}/api/v1/login"))
        .json(
            &json!({"email": "facilitator@demo.plenty", "password": plenty_server::demo::PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("plenty_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let csrf = r.json::<Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    let token: Value = c
        .post(format!("{base}/api/v1/tokens"))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_string();

    // Health every 2 ms while the vote closes.
    let done = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let probe = {
        let (done, latencies, c, base) = (done.clone(), latencies.clone(), c.clone(), base.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::SeqCst) {
                let t = Instant::now();
                let r = c.get(format!("{base}/api/v1/health")).send().await;
                if r.is_ok_and(|r| r.status().is_success()) {
                    latencies.lock().unwrap().push(t.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t = Instant::now();
    let r = c
        .post(format!("{base}/api/v1/rounds/1/advance"))
        .bearer_auth(&token)
        .json(&json!({"to": "plan"}))
        .send()
        .await
        .unwrap();
    let close = t.elapsed();
    let status = r.status();
    tokio::time::sleep(Duration::from_millis(200)).await;
    done.store(true, Ordering::SeqCst);
    probe.await.unwrap();
    assert!(
        status.is_success(),
        "{}",
        r.text().await.unwrap_or_default()
    );
    let mut l = latencies.lock().unwrap().clone();
    l.sort();
    let q = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)];
    let entry = st.log.read(|c| {
        c.ledger.rounds[&1]
            .tally
            .as_ref()
            .map(|t| serde_json::to_vec(t.as_ref()).unwrap().len())
    });
    println!(
        "close of {members} ballots on {projects} proposals: {:.3} s; health during it: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; count entry {} bytes",
        close.as_secs_f64(),
        l.len(),
        q(0.5).as_secs_f64() * 1e3,
        q(0.99).as_secs_f64() * 1e3,
        l.last().unwrap().as_secs_f64() * 1e3,
        entry.unwrap_or(0)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
