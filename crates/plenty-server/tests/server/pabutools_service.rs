//! The service's count of common projects equals pabutools' on the same election (issue #4):
//! a round is voted over HTTP (with a delegation, so ballots carry weights), counted, served as
//! `election.pb`, and recounted by pabutools from PyPI.
//!
//! pabutools runs in `.venv-peer` at the workspace root (or `$PLENTY_PEER_PYTHON`). Without it
//! the test says so and passes, unless `PLENTY_REQUIRE_PEERS` is set (as in CI).

use crate::support::*;
use plenty_server::api::Settings;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;

async fn recount(rule: &str, proposals: &[(&str, f64)], ballots: &[(&str, &[u64])]) {
    let Some(python) = plenty_test_support::peer_python_with("pabutools_service", &["pabutools"])
    else {
        return;
    };
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    // A second round with the chosen rule: close round 1 first.
    for to in ["voting", "plan"] {
        fac.post("/api/v1/rounds/1/advance", json!({"to": to}))
            .await;
    }
    wait_for_plan(&fac, 1).await;
    fac.post("/api/v1/rounds/1/advance", json!({"to": "follow_up"}))
        .await;
    let (st, _) = fac
        .post("/api/v1/rounds", json!({"title": "projects", "rule": rule, "quorum": {"min_turnout": 0.2, "min_ballots": 1}}))
        .await;
    assert!(st.is_success());
    let ada = Client::demo(&s.base, "ada").await;
    let mut ids = Vec::new();
    for (title, hours) in proposals {
        let (_, j) = ada
            .post(
                "/api/v1/rounds/2/proposals",
                // Some cost more than the default split's budget: confirmed (issue #15).
                json!({"title": title, "cost_hours": hours, "confirm": true}),
            )
            .await;
        ids.push(j["proposal"].as_u64().unwrap());
    }
    // Di delegates projects to Cy.
    let di = Client::demo(&s.base, "di").await;
    di.post("/api/v1/delegations", json!({"topic": "projects", "to": 4}))
        .await;
    fac.post("/api/v1/rounds/2/advance", json!({"to": "voting"}))
        .await;
    for (who, approve) in ballots {
        let c = Client::demo(&s.base, who).await;
        let approve: Vec<u64> = approve.iter().map(|k| ids[*k as usize]).collect();
        let (st, j) = c
            .post(
                "/api/v1/rounds/2/ballot",
                json!({"approve": approve, "split": [0.6, 0.35, 0.05]}),
            )
            .await;
        assert!(st.is_success(), "{j}");
    }
    fac.post("/api/v1/rounds/2/advance", json!({"to": "plan"}))
        .await;
    wait_for_plan(&fac, 2).await;
    let round = fac.get("/api/v1/rounds/2").await.1;
    let funded: Vec<u64> =
        serde_json::from_value(round["tally"]["projects"]["funded"].clone()).unwrap();
    let pb = reqwest::get(format!("{}/api/rounds/2/election.pb", s.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        pb.contains("weight"),
        "the delegated vote is in the file:\n{pb}"
    );
    let path =
        std::env::temp_dir().join(format!("plenty-election-{}-{rule}.pb", std::process::id()));
    std::fs::write(&path, &pb).unwrap();
    let out = Command::new(python)
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pabutools_service.py"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    let theirs: Vec<u64> = theirs.iter().map(|x| x.parse().unwrap()).collect();
    assert_eq!(funded, theirs, "plenty vs pabutools on\n{pb}");
    println!("{rule}: funded {funded:?} (pabutools agrees)");
    assert!(!funded.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_4_equal_shares_count_matches_pabutools() {
    // Budget: 8500 h × 0.35 = 2975 h. Ada and Bo back the big project; Cy (with Di's vote)
    // backs two small ones, which MES funds from their shares although greedy would not.
    recount(
        "equal_shares",
        &[
            ("rail line", 2000.0),
            ("clinic", 900.0),
            ("bakery oven", 600.0),
            ("school garden", 350.0),
            ("bridge", 1500.0),
        ],
        &[
            ("ada", &[0, 1]),
            ("bo", &[0, 4]),
            ("cy", &[2, 3]),
            ("facilitator", &[1, 4]),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_4_greedy_count_matches_pabutools() {
    recount(
        "greedy_approval",
        &[
            ("rail line", 2000.0),
            ("clinic", 900.0),
            ("bakery oven", 600.0),
            ("school garden", 350.0),
        ],
        &[
            ("ada", &[0, 1]),
            ("bo", &[0, 2]),
            ("cy", &[2, 3]),
            ("facilitator", &[1]),
        ],
    )
    .await;
}
