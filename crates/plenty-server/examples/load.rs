//! Load benchmark of `plenty serve` (issue 4): acknowledged votes per second and latency, and
//! latency while a plan computes in the background.
//!
//! It starts nothing itself: point it at a `plenty serve --demo` running on a fresh database
//! (`bench/load/run.sh` does all of it):
//!
//! ```text
//! cargo run --release -p plenty-server --example load -- http://127.0.0.1:8080 \
//!     [--members 2000] [--concurrency 256] [--votes 4] [--vote-rate 2000] [--vote-secs 5] \
//!     [--mix-rate 1000] [--baseline-secs 5] [--products 2000] [--setup-concurrency 8]
//! ```
//!
//! What it measures, in order (each phase prints one line of figures):
//!
//! 1. **setup**: `--members` members sign up, sign in and get an API token (argon2 twice per
//!    member: this is slow on purpose and not a figure of the issue).
//! 2. **votes, closed loop** (round 1, the demo economy): every member casts `--votes` ballots
//!    (passes over all members; from the second pass on a ballot replaces the member's
//!    previous one), from `--concurrency` concurrent connections, each sending its next ballot
//!    as soon as the previous one is answered. The throughput is acknowledged (HTTP 200) ballots
//!    per second of wall time: the service's capacity. Latencies here include queueing behind
//!    the other connections.
//! 3. **votes, open loop at `--vote-rate`/s** for `--vote-secs` s: ballots are sent on a fixed
//!    schedule whatever the answers; a latency is measured from the moment the request was
//!    due, so a service that falls behind shows it (no coordinated omission).
//! 4. Round 1 is closed (its plan, on the demo economy, takes milliseconds) and moved to
//!    follow-up; the economy of `plenty generate-plan --n <--products> --resources 5` (capacities
//!    on every process, five scarce resources: solved by the LP solver, about 1.5 s in the
//!    service) is imported; round 2 is opened, moved to voting, and every member votes once
//!    (closed loop, reported).
//! 5. **baseline mix**, open loop at `--mix-rate`/s for `--baseline-secs` s: half reads
//!    (`GET /api/rounds/2` with the member's token) and half writes (`POST /api/delegations`,
//!    a log entry through the same group commit as a ballot).
//! 6. **mix while the plan computes**: round 2 is closed (`advance` to `plan`) and the same mix
//!    runs until `GET /api/rounds/2/plan` says the plan is done. The figures are split at the
//!    time of the plan's log entry (`at` of `plan_recorded` in `GET /api/audit/export`):
//!    requests due before it ("while the plan computes") and after it (until the generator
//!    saw the plan done). Only one round can be open at a time and a round leaves its plan
//!    phase only once its plan is recorded, so no ballot can be cast while a plan computes; a
//!    delegation is the write that can, and it goes through the same path (lock, rule check,
//!    seal, group commit, fsync) as a ballot.
//!
//! The load generator runs on the same machine as the service and shares its cores.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Clone)]
struct Opts {
    base: String,
    members: usize,
    concurrency: usize,
    votes: usize,
    vote_rate: f64,
    vote_secs: f64,
    mix_rate: f64,
    baseline_secs: f64,
    products: usize,
    setup_concurrency: usize,
}

fn opts() -> Opts {
    let mut o = Opts {
        base: String::new(),
        members: 2000,
        concurrency: 256,
        votes: 4,
        vote_rate: 2000.0,
        vote_secs: 5.0,
        mix_rate: 1000.0,
        baseline_secs: 5.0,
        products: 2000,
        setup_concurrency: 8,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .unwrap_or_else(|| panic!("{a} needs a value"))
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("{a} needs a number"))
        };
        match a.as_str() {
            "--members" => o.members = val() as usize,
            "--concurrency" => o.concurrency = val() as usize,
            "--votes" => o.votes = val() as usize,
            "--vote-rate" => o.vote_rate = val(),
            "--vote-secs" => o.vote_secs = val(),
            "--mix-rate" => o.mix_rate = val(),
            "--baseline-secs" => o.baseline_secs = val(),
            "--products" => o.products = val() as usize,
            "--setup-concurrency" => o.setup_concurrency = val() as usize,
            "--print-economy" => {}
            "-h" | "--help" => {
                println!("usage: load BASE_URL [--members N] [--concurrency C] [--votes V] [--vote-rate R] [--vote-secs S] [--mix-rate R] [--baseline-secs S] [--products P] [--setup-concurrency K]");
                std::process::exit(0);
            }
            s if s.starts_with("http") => o.base = s.trim_end_matches('/').to_string(),
            s => panic!("unknown argument {s:?}"),
        }
    }
    assert!(
        !o.base.is_empty(),
        "give the service's base URL, e.g. http://127.0.0.1:8080"
    );
    o
}

// ---------------------------------------------------------------- HTTP

async fn send(
    c: &Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Res<(StatusCode, Value)> {
    let mut r = c.request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(b);
    }
    let resp = r.send().await?;
    let status = resp.status();
    let text = resp.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

async fn must(
    c: &Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Value {
    let (s, v) = send(c, method.clone(), url, token, body)
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    assert!(s.is_success(), "{method} {url}: {s} {v}");
    v
}

async fn token_for(c: &Client, base: &str, email: &str, password: &str) -> Res<String> {
    // Sign-ins of one address are counted while they are verified (issue #14): more than five
    // at once wait as long as the service's Retry-After says.
    let resp = loop {
        let resp = c
            .post(format!("{base}/api/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await?;
        if resp.status() != StatusCode::TOO_MANY_REQUESTS {
            break resp;
        }
        let wait = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        tokio::time::sleep(Duration::from_secs(wait)).await;
    };
    if resp.status() != StatusCode::OK {
        return Err(format!("sign-in of {email}: {}", resp.status()).into());
    }
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no session cookie")?
        .to_string();
    let v: Value = resp.json().await?;
    let csrf = v["csrf_token"].as_str().ok_or("no csrf token")?.to_string();
    let resp = c
        .post(format!("{base}/api/tokens"))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .send()
        .await?;
    if resp.status() != StatusCode::CREATED {
        return Err(format!("token of {email}: {}", resp.status()).into());
    }
    let v: Value = resp.json().await?;
    Ok(v["token"].as_str().ok_or("no token")?.to_string())
}

/// A member: number and API token.
#[derive(Clone)]
struct Member {
    id: u64,
    token: String,
}

async fn create_members(c: &Client, o: &Opts, facilitator: &str) -> Vec<Member> {
    let tag = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let next = Arc::new(AtomicUsize::new(0));
    let out = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for _ in 0..o.setup_concurrency {
        let (c, base, next, out, n, fac) = (
            c.clone(),
            o.base.clone(),
            next.clone(),
            out.clone(),
            o.members,
            facilitator.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= n {
                    break;
                }
                let email = format!("load{k}-{tag}@bench.plenty");
                let password = "load-benchmark-password";
                let id = loop {
                    // Admission is by invitation (issue #14): the facilitator invites each.
                    let inv = must(
                        &c,
                        reqwest::Method::POST,
                        &format!("{base}/api/invitations"),
                        Some(&fac),
                        Some(&json!({"councils": [3]})),
                    )
                    .await;
                    let body = json!({"email": email, "password": password, "name": format!("Load {k}"), "invitation": inv["invitation"]});
                    let (s, v) = send(
                        &c,
                        reqwest::Method::POST,
                        &format!("{base}/api/signup"),
                        None,
                        Some(&body),
                    )
                    .await
                    .expect("sign-up");
                    match s {
                        StatusCode::CREATED => break v["member"].as_u64().unwrap(),
                        StatusCode::CONFLICT
                            if v["message"].as_str().unwrap_or("").contains("same moment") =>
                        {
                            continue
                        }
                        s => panic!("sign-up of {email}: {s} {v}"),
                    }
                };
                let token = token_for(&c, &base, &email, password)
                    .await
                    .expect("token");
                out.lock().unwrap().push(Member { id, token });
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut v = std::mem::take(&mut *out.lock().unwrap());
    v.sort_by_key(|m| m.id);
    v
}

// ---------------------------------------------------------------- figures

#[derive(Default)]
struct Stats {
    lat_us: Vec<u64>,
    /// (due, ms since the epoch; latency, µs) of each answered request of an open loop.
    samples: Vec<(u64, u64)>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
}

impl Stats {
    fn merge(&mut self, o: Stats) {
        self.lat_us.extend(o.lat_us);
        self.samples.extend(o.samples);
        self.errors += o.errors;
        if self.first_error.is_none() {
            self.first_error = o.first_error;
        }
    }
    fn line(&mut self, what: &str) -> String {
        self.lat_us.sort_unstable();
        let pct = |p: f64| -> f64 {
            if self.lat_us.is_empty() {
                return f64::NAN;
            }
            let i = ((p / 100.0) * self.lat_us.len() as f64).ceil() as usize;
            self.lat_us[i.clamp(1, self.lat_us.len()) - 1] as f64 / 1000.0
        };
        let secs = self.elapsed.as_secs_f64();
        format!(
            "{what:<44} {:>7} ok {:>5} err in {:>6.2} s = {:>7.0} /s   p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms{}",
            self.lat_us.len(),
            self.errors,
            secs,
            self.lat_us.len() as f64 / secs,
            pct(50.0),
            pct(95.0),
            pct(99.0),
            self.lat_us.last().map(|&x| x as f64 / 1000.0).unwrap_or(f64::NAN),
            self.first_error
                .as_ref()
                .map(|e| format!("   (first error: {e})"))
                .unwrap_or_default()
        )
    }
}

/// A request of the benchmark.
#[derive(Clone)]
enum Job {
    Vote { round: u64, member: usize, n: usize },
    Read { round: u64, member: usize },
    Delegate { member: usize, n: usize },
}

fn ballot(n: usize, with_projects: bool) -> Value {
    let a = 0.5 + (n % 64) as f64 / 1024.0;
    let approve: Vec<u64> = if with_projects {
        (1..=3u64).filter(|p| (n >> (p - 1)) & 1 == 1).collect()
    } else {
        Vec::new()
    };
    json!({"approve": approve, "split": [a, 0.25, 1.0 - a - 0.25], "scores": {"bread": (n % 6) as u64}})
}

async fn run_job(c: &Client, base: &str, members: &[Member], job: &Job) -> Result<(), String> {
    let (method, url, token, body) = match job {
        Job::Vote { round, member, n } => (
            reqwest::Method::POST,
            format!("{base}/api/rounds/{round}/ballot"),
            &members[*member].token,
            Some(ballot(*n, *round == 1)),
        ),
        Job::Read { round, member } => (
            reqwest::Method::GET,
            format!("{base}/api/rounds/{round}"),
            &members[*member].token,
            None,
        ),
        Job::Delegate { member, n } => {
            let topics = ["projects", "priorities", "split"];
            let to = members[(member + 1 + n % 7) % members.len()].id;
            (
                reqwest::Method::POST,
                format!("{base}/api/delegations"),
                &members[*member].token,
                Some(json!({"topic": topics[n % 3], "to": to})),
            )
        }
    };
    match send(c, method, &url, Some(token), body.as_ref()).await {
        Ok((s, _)) if s.is_success() => Ok(()),
        Ok((s, v)) => Err(format!("{s} {v}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Closed loop: `concurrency` workers, each sends its next job when the previous is answered.
async fn closed_loop(
    c: &Client,
    base: &str,
    members: &Arc<Vec<Member>>,
    jobs: Vec<Job>,
    concurrency: usize,
) -> Stats {
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (c, base, members, jobs, next) = (
            c.clone(),
            base.to_string(),
            members.clone(),
            jobs.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut s = Stats::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let t = Instant::now();
                match run_job(&c, &base, &members, job).await {
                    Ok(()) => s.lat_us.push(t.elapsed().as_micros() as u64),
                    Err(e) => {
                        s.errors += 1;
                        s.first_error.get_or_insert(e);
                    }
                }
            }
            s
        }));
    }
    let mut all = Stats::default();
    for t in tasks {
        all.merge(t.await.unwrap());
    }
    all.elapsed = t0.elapsed();
    all
}

/// Open loop: job `i` is due at `t0 + i / rate`, sent then whatever came before; its latency
/// counts from when it was due. Runs until `stop` is set or `max` has passed. Returns the
/// figures per kind of job (`kind(job)` names it).
#[allow(clippy::too_many_arguments)]
async fn open_loop(
    c: &Client,
    base: &str,
    members: &Arc<Vec<Member>>,
    rate: f64,
    max: Duration,
    stop: Arc<AtomicBool>,
    make: impl Fn(usize) -> Job,
    kinds: usize,
    kind: fn(&Job) -> usize,
) -> Vec<Stats> {
    let results: Arc<Vec<Mutex<Stats>>> =
        Arc::new((0..kinds).map(|_| Mutex::new(Stats::default())).collect());
    // Bounds the requests outstanding (and so the sockets); beyond it the due times still
    // count, so latencies show the backlog.
    let slots = Arc::new(tokio::sync::Semaphore::new(4096));
    let t0 = Instant::now();
    let epoch0 = epoch_ms();
    let mut handles = Vec::new();
    let mut i = 0usize;
    loop {
        let due = t0 + Duration::from_secs_f64(i as f64 / rate);
        if due.duration_since(t0) >= max || stop.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep_until(due.into()).await;
        let job = make(i);
        let (c, base, members, results, slots) = (
            c.clone(),
            base.to_string(),
            members.clone(),
            results.clone(),
            slots.clone(),
        );
        handles.push(tokio::spawn(async move {
            let _slot = slots.acquire_owned().await.unwrap();
            let r = run_job(&c, &base, &members, &job).await;
            let lat = due.elapsed().as_micros() as u64;
            let due_ms = epoch0 + due.duration_since(t0).as_millis() as u64;
            let mut s = results[kind(&job)].lock().unwrap();
            match r {
                Ok(()) => {
                    s.lat_us.push(lat);
                    s.samples.push((due_ms, lat));
                }
                Err(e) => {
                    s.errors += 1;
                    s.first_error.get_or_insert(e);
                }
            }
        }));
        i += 1;
    }
    for h in handles {
        h.await.unwrap();
    }
    let elapsed = t0.elapsed();
    let results = Arc::try_unwrap(results).ok().unwrap();
    results
        .into_iter()
        .map(|m| {
            let mut s = m.into_inner().unwrap();
            s.elapsed = elapsed;
            s
        })
        .collect()
}

fn epoch_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Splits an open loop's figures at a time (ms since the epoch): requests due before it, and
/// the others.
fn split_at(s: &Stats, at: u64, start: u64) -> (Stats, Stats) {
    let mut a = Stats::default();
    let mut b = Stats::default();
    for &(due, lat) in &s.samples {
        if due < at {
            a.lat_us.push(lat);
        } else {
            b.lat_us.push(lat);
        }
    }
    a.elapsed = Duration::from_millis(at.saturating_sub(start).max(1));
    b.elapsed = s
        .elapsed
        .saturating_sub(a.elapsed)
        .max(Duration::from_millis(1));
    (a, b)
}

// ---------------------------------------------------------------- the heavy economy

/// The economy of the plan phase: `plenty generate-plan --n N --resources 5` (plenty-core's
/// seeded generator: two techniques per product, ten inputs each, capacities on every process,
/// five scarce resources at 0.7 of their reference use), written in the planning TOML format,
/// with product 0 renamed "bread" (the demo's ballots and needs name it). The plan goes to the
/// LP solver (PDLP) and takes seconds.
fn economy_toml(n: usize) -> String {
    use plenty_core::plan::{generate_plan, PlanGeneratorSettings};
    let e = generate_plan(&PlanGeneratorSettings {
        n,
        resources: 5,
        ..Default::default()
    })
    .expect("the generator's settings are valid");
    let name = |i: usize| {
        if i == 0 {
            "bread".to_string()
        } else {
            format!("p{i}")
        }
    };
    // Six significant digits: the file must stay under the service's 2 MiB body limit.
    let num = |x: f64| format!("{x:.6e}");
    let mut t = String::from(
        "name = \"load benchmark\"\ndescription = \"plenty generate-plan, for bench/load\"\n\n",
    );
    for l in e.labour_types() {
        t.push_str(&format!(
            "[[labour]]\nname = \"{}\"\nhours = {}\n\n",
            l.name,
            num(l.hours)
        ));
    }
    for r in e.resources() {
        t.push_str(&format!(
            "[[resource]]\nname = \"{}\"\nlimit = {}\n\n",
            r.name,
            num(r.limit)
        ));
    }
    for (i, p) in e.products().iter().enumerate() {
        t.push_str(&format!(
            "[[product]]\nname = \"{}\"\ntarget = {}\n",
            name(i),
            num(p.target)
        ));
        if p.committed > 0.0 {
            t.push_str(&format!("committed = {}\n", num(p.committed)));
        }
        t.push('\n');
    }
    let table = |v: Vec<(String, f64)>| {
        v.iter()
            .map(|(k, x)| format!("{k} = {}", num(*x)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for p in e.processes() {
        let outs: Vec<(usize, f64)> = p.outputs().collect();
        t.push_str(&format!("[[process]]\nname = \"t{}\"\n", p.index()));
        if outs.len() == 1 && outs[0].1 == 1.0 {
            t.push_str(&format!("product = \"{}\"\n", name(outs[0].0)));
        } else {
            t.push_str(&format!(
                "outputs = {{ {} }}\n",
                table(outs.iter().map(|(i, x)| (name(*i), *x)).collect())
            ));
        }
        t.push_str(&format!(
            "inputs = {{ {} }}\n",
            table(p.inputs().map(|(i, x)| (name(i), x)).collect())
        ));
        t.push_str(&format!(
            "labour = {{ {} }}\n",
            table(
                p.labour()
                    .map(|(k, x)| (e.labour_types()[k].name.clone(), x))
                    .collect()
            )
        ));
        let res: Vec<(String, f64)> = p
            .resources()
            .map(|(k, x)| (e.resources()[k].name.clone(), x))
            .collect();
        if !res.is_empty() {
            t.push_str(&format!("resources = {{ {} }}\n", table(res)));
        }
        if p.capacity().is_finite() {
            t.push_str(&format!("capacity = {}\n", num(p.capacity())));
        }
        t.push('\n');
    }
    t
}

// ---------------------------------------------------------------- the run

async fn wait_plan(c: &Client, base: &str, round: u64, max: Duration) -> Result<Duration, String> {
    let t0 = Instant::now();
    loop {
        let v = must(
            c,
            reqwest::Method::GET,
            &format!("{base}/api/rounds/{round}/plan"),
            None,
            None,
        )
        .await;
        match v["state"].as_str() {
            Some("done") => return Ok(t0.elapsed()),
            Some("failed") => return Err(format!("the plan failed: {}", v["job"])),
            _ => {}
        }
        if t0.elapsed() > max {
            return Err("the plan took too long".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::main]
async fn main() {
    let o = opts();
    if std::env::args().any(|a| a == "--print-economy") {
        print!("{}", economy_toml(o.products));
        return;
    }
    let c = Client::builder()
        .pool_max_idle_per_host(o.concurrency.max(64) * 2)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let base = o.base.clone();
    let post = reqwest::Method::POST;
    println!(
        "load: {base}, {} members, {} connections, {} ballots each (closed loop), {} ballots/s open loop, mix {} req/s, economy of {} products for the plan phase",
        o.members, o.concurrency, o.votes, o.vote_rate, o.mix_rate, o.products
    );

    // 1. Setup.
    let t = Instant::now();
    let fac = token_for(&c, &base, "facilitator@demo.plenty", "plenty-demo-password")
        .await
        .expect("the demo facilitator signs in (is the service running with --demo on a fresh database?)");
    let members = Arc::new(create_members(&c, &o, &fac).await);
    println!(
        "setup: {} members signed up, signed in, with API tokens, in {:.1} s",
        members.len(),
        t.elapsed().as_secs_f64()
    );
    let m = members.len();

    // 2. Round 1: votes, closed loop.
    must(
        &c,
        post.clone(),
        &format!("{base}/api/rounds/1/advance"),
        Some(&fac),
        Some(&json!({"to": "voting"})),
    )
    .await;
    let jobs: Vec<Job> = (0..o.votes * m)
        .map(|i| Job::Vote {
            round: 1,
            member: i % m,
            n: i,
        })
        .collect();
    let mut s = closed_loop(&c, &base, &members, jobs, o.concurrency).await;
    println!(
        "{}",
        s.line(&format!("votes, closed loop, {} conns", o.concurrency))
    );

    // 3. Votes, open loop at the target rate.
    let mut s = open_loop(
        &c,
        &base,
        &members,
        o.vote_rate,
        Duration::from_secs_f64(o.vote_secs),
        Arc::new(AtomicBool::new(false)),
        |i| Job::Vote {
            round: 1,
            member: (i * 7919) % m,
            n: i + 1_000_000,
        },
        1,
        |_| 0,
    )
    .await;
    println!(
        "{}",
        s[0].line(&format!("votes, open loop at {}/s", o.vote_rate))
    );

    // 4. Close round 1; a heavy economy; round 2.
    let r1 = must(
        &c,
        reqwest::Method::GET,
        &format!("{base}/api/rounds/1"),
        None,
        None,
    )
    .await;
    println!(
        "round 1: {} ballots cast, {} voters",
        r1["ballots_cast"], r1["ballots"]
    );
    must(
        &c,
        post.clone(),
        &format!("{base}/api/rounds/1/advance"),
        Some(&fac),
        Some(&json!({"to": "plan"})),
    )
    .await;
    let d = wait_plan(&c, &base, 1, Duration::from_secs(120))
        .await
        .unwrap();
    println!(
        "round 1 closed; its plan (demo economy) computed within {:.0} ms",
        d.as_secs_f64() * 1000.0
    );
    must(
        &c,
        post.clone(),
        &format!("{base}/api/rounds/1/advance"),
        Some(&fac),
        Some(&json!({"to": "follow_up"})),
    )
    .await;
    let text = economy_toml(o.products);
    let t = Instant::now();
    must(
        &c,
        post.clone(),
        &format!("{base}/api/economy"),
        Some(&fac),
        Some(&json!({"text": text})),
    )
    .await;
    println!(
        "economy of {} products ({} processes, {} KiB of TOML) imported in {:.2} s",
        o.products,
        2 * o.products,
        text.len() / 1024,
        t.elapsed().as_secs_f64()
    );
    must(
        &c,
        post.clone(),
        &format!("{base}/api/rounds"),
        Some(&fac),
        Some(&json!({"title": "Load benchmark, round 2"})),
    )
    .await;
    must(
        &c,
        post.clone(),
        &format!("{base}/api/rounds/2/advance"),
        Some(&fac),
        Some(&json!({"to": "voting"})),
    )
    .await;
    let jobs: Vec<Job> = (0..m)
        .map(|i| Job::Vote {
            round: 2,
            member: i,
            n: i,
        })
        .collect();
    let mut s = closed_loop(&c, &base, &members, jobs, o.concurrency).await;
    println!("{}", s.line("round 2 votes (big economy), closed loop"));

    // 5. Baseline of the mix, no plan computing.
    let mix = move |i: usize| {
        if i.is_multiple_of(2) {
            Job::Read {
                round: 2,
                member: (i * 31) % m,
            }
        } else {
            Job::Delegate {
                member: (i * 17) % m,
                n: i,
            }
        }
    };
    let kind = |j: &Job| match j {
        Job::Read { .. } => 0,
        _ => 1,
    };
    let mut s = open_loop(
        &c,
        &base,
        &members,
        o.mix_rate,
        Duration::from_secs_f64(o.baseline_secs),
        Arc::new(AtomicBool::new(false)),
        mix,
        2,
        kind,
    )
    .await;
    println!(
        "{}",
        s[0].line(&format!("baseline reads (mix {}/s)", o.mix_rate))
    );
    println!(
        "{}",
        s[1].line(&format!("baseline delegations (mix {}/s)", o.mix_rate))
    );

    // 6. Close round 2: its plan computes; the same mix meanwhile.
    let t = Instant::now();
    let closed_at = epoch_ms();
    must(
        &c,
        post.clone(),
        &format!("{base}/api/rounds/2/advance"),
        Some(&fac),
        Some(&json!({"to": "plan"})),
    )
    .await;
    let close = t.elapsed();
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (c, base, stop) = (c.clone(), base.clone(), stop.clone());
        tokio::spawn(async move {
            let r = wait_plan(&c, &base, 2, Duration::from_secs(600)).await;
            stop.store(true, Ordering::SeqCst);
            r
        })
    };
    let s = open_loop(
        &c,
        &base,
        &members,
        o.mix_rate,
        Duration::from_secs(600),
        stop,
        move |i| mix(i + 10_000_000),
        2,
        kind,
    )
    .await;
    let plan = watcher.await.unwrap();
    if let Err(e) = plan {
        println!("round 2: the plan FAILED: {e}");
        return;
    }
    // When the plan was recorded: its log entry's time.
    let export = c
        .get(format!("{base}/api/audit/export"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let recorded_at = export
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["event"]["type"] == "plan_recorded" && e["event"]["round"] == 2)
        .and_then(|e| e["at"].as_u64())
        .expect("the plan's log entry");
    println!(
        "round 2 closed in {:.0} ms (count recorded); its plan was recorded {:.2} s after the close was sent",
        close.as_secs_f64() * 1000.0,
        recorded_at.saturating_sub(closed_at) as f64 / 1000.0
    );
    for (k, what) in [(0, "reads"), (1, "delegations")] {
        let (mut during, mut after) = split_at(&s[k], recorded_at, closed_at);
        println!(
            "{}",
            during.line(&format!(
                "{what} while the plan computes ({}/s mix)",
                o.mix_rate
            ))
        );
        println!(
            "{}",
            after.line(&format!(
                "{what} after, until seen done ({}/s mix)",
                o.mix_rate
            ))
        );
    }
}
