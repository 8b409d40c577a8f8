//! The log's transparency endpoints (issue #14): the key, the checkpoint at the durable size,
//! inclusion and consistency proofs, and the receipts of writes, each checked with the ledger's
//! verifiers as an outsider would; the key survives a restart and lives outside the database.

use crate::support::*;
use plenty_ledger::{
    check_consistency, merkle::verify_inclusion, Hash, InclusionReceipt, LogVerifier,
    SignedCheckpoint,
};
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn text(base: &str, path: &str) -> String {
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.unwrap()
}

fn hashes(v: &Value) -> Vec<Hash> {
    serde_json::from_value(v.clone()).unwrap()
}

async fn transparency(url: &str, key_file: std::path::PathBuf) {
    let settings = || Settings {
        log_key: Some(key_file.clone()),
        ..Settings::default()
    };
    let s = start(url, settings(), true).await;
    let anon = Client::anonymous(&s.base);
    let (st, k) = anon.get("/api/v1/log/key").await;
    assert_eq!(st, StatusCode::OK);
    let key = LogVerifier::parse(k["key"].as_str().unwrap()).unwrap();
    assert_eq!(k["public_key"], key.public_hex());
    assert!(key_file.is_file());

    // The checkpoint is of the durable log: every entry, signed.
    let cp = SignedCheckpoint::parse(&text(&s.base, "/api/v1/log/checkpoint").await).unwrap();
    cp.verify(&key).unwrap();
    assert_eq!(cp.checkpoint.size, entries(&s));
    assert_eq!(cp.checkpoint.origin, k["origin"]);
    let log = plenty_ledger::parse_export(&export(&s.base).await).unwrap();
    assert!(
        plenty_ledger::check_checkpoint(&plenty_ledger::tree_of(&log), &cp, Some(&key)).is_ok()
    );

    // Writes answer with receipts that verify on their own.
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let (st, need) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 3.0}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{need}");
    let r: InclusionReceipt = serde_json::from_value(need["inclusion"].clone()).unwrap();
    r.verify(&key).unwrap();
    let (st, p) = ada
        .post(
            "/api/v1/rounds/1/proposals",
            json!({"title": "oven", "cost_hours": 10.0}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    serde_json::from_value::<InclusionReceipt>(p["inclusion"].clone())
        .unwrap()
        .verify(&key)
        .unwrap();
    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, b) = ada
        .post("/api/v1/rounds/1/ballot", json!({"approve": [1]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let ballot: InclusionReceipt = serde_json::from_value(b["inclusion"].clone()).unwrap();
    ballot.verify(&key).unwrap();
    assert!(ballot.checkpoint.checkpoint.size >= ballot.seq);
    let log = plenty_ledger::parse_export(&export(&s.base).await).unwrap();
    assert_eq!(log[ballot.seq as usize - 1].hash, ballot.hash.to_hex());
    ballot.verify_in_log(&key, &log).unwrap();

    // Proofs from the endpoints, checked against the checkpoints.
    let latest = SignedCheckpoint::parse(&text(&s.base, "/api/v1/log/checkpoint").await).unwrap();
    let n = latest.checkpoint.size;
    let (st, inc) = anon
        .get(&format!("/api/v1/log/proof/inclusion?seq={}", ballot.seq))
        .await;
    assert_eq!(st, StatusCode::OK, "{inc}");
    assert_eq!(inc["size"], n);
    verify_inclusion(
        &ballot.hash,
        ballot.seq - 1,
        n,
        &hashes(&inc["proof"]),
        &latest.checkpoint.root,
    )
    .unwrap();
    let (st, c) = anon
        .get(&format!(
            "/api/v1/log/proof/consistency?from={}&to={n}",
            cp.checkpoint.size
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    check_consistency(&key, &cp, &latest, &hashes(&c["proof"])).unwrap();
    ballot
        .verify_with_later(&key, &latest, &{
            let (_, c) = anon
                .get(&format!(
                    "/api/v1/log/proof/consistency?from={}",
                    ballot.checkpoint.checkpoint.size
                ))
                .await;
            hashes(&c["proof"])
        })
        .unwrap();

    // Bad requests say what to give.
    for (q, says) in [
        ("/api/v1/log/proof/inclusion", "give `seq`"),
        ("/api/v1/log/proof/inclusion?seq=x", "not a number"),
        ("/api/v1/log/proof/inclusion?seq=0", "numbered 1"),
        (
            &format!("/api/v1/log/proof/inclusion?seq=1&size={}", n + 5),
            "latest checkpoint",
        ),
        ("/api/v1/log/proof/consistency?from=9&to=3", "smaller size"),
    ] {
        let (st, e) = anon.get(q).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}: {e}");
        assert!(e["message"].as_str().unwrap().contains(says), "{q}: {e}");
    }

    // A restart reads the same key, and the new checkpoint extends the old.
    drop(s);
    let s = start(url, settings(), false).await;
    let anon = Client::anonymous(&s.base);
    let (_, k2) = anon.get("/api/v1/log/key").await;
    assert_eq!(k2["key"], k["key"]);
    let after = SignedCheckpoint::parse(&text(&s.base, "/api/v1/log/checkpoint").await).unwrap();
    assert_eq!(after.checkpoint, latest.checkpoint);

    // A key file that does not read stops the service.
    drop(s);
    std::fs::write(&key_file, "PRIVATE+KEY+garbage").unwrap();
    let err = match plenty_server::state(url, settings()).await {
        Ok(_) => panic!("the service started with a broken key file"),
        Err(e) => format!("{e:#}"),
    };
    assert!(err.contains("does not read as one"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_transparency_endpoints_on_sqlite() {
    let url = sqlite_url();
    let key = std::path::PathBuf::from(format!("{url}.log-key"));
    transparency(&url, key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_14_transparency_endpoints_on_postgres() {
    if let Some(url) = pg_url().await {
        let dir = std::path::PathBuf::from(sqlite_url());
        transparency(&url, dir.with_file_name("pg.log-key")).await;
    }
}
