//! Issue 14, finding 3: ballot secrecy. A member's needs, proposals and ballot in a round are
//! signed by three different pseudonyms, their entries carry times to the minute only, and the
//! key that links pseudonyms to members lives in a file outside the database.

use crate::support::*;
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn issue_14_one_members_needs_proposals_and_ballot_cannot_be_linked() {
    let url = sqlite_url();
    let (dir, key_file, settings) = with_key_file("plenty-secrecy");
    let s = start(&url, settings, true).await;
    let ada = Client::demo(&s.base, "ada").await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/needs",
            json!({"product": "bread", "quantity": 0.5}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/proposals",
            json!({"title": "A library", "cost_hours": 300.0}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    let (st, _) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, j) = ada
        .post(
            "/api/v1/rounds/1/ballot",
            json!({"approve": [1], "split": [0.7, 0.25, 0.05], "scores": {"bread": 4}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let export = export(&s.base).await;
    let entries: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = |kind: &str| {
        entries
            .iter()
            .rev()
            .find(|e| e["event"]["type"] == kind)
            .unwrap_or_else(|| panic!("no {kind}"))
            .clone()
    };
    let (need, proposal, ballot) = (
        last("need_registered"),
        last("proposal_submitted"),
        last("ballot_cast"),
    );
    let signers = [
        need["event"]["by"].as_str().unwrap(),
        proposal["event"]["by"].as_str().unwrap(),
        ballot["event"]["voter"].as_str().unwrap(),
    ];
    assert!(
        signers[0] != signers[1] && signers[1] != signers[2] && signers[0] != signers[2],
        "one pseudonym signs two kinds of entry: {signers:?}"
    );
    // The round still tells Ada which proposals are hers (the demo's clinic and hers), and
    // her ballot.
    let round = ada.get("/api/v1/rounds/1").await.1;
    let mine: Vec<&Value> = round["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["mine"] == true)
        .map(|p| &p["title"])
        .collect();
    assert_eq!(
        mine,
        [&json!("A clinic in the valley"), &json!("A library")]
    );
    assert_eq!(round["my_pseudonym"], signers[2]);
    // Times of pseudonymous entries are to the minute; named ones keep the millisecond.
    for e in [&need, &proposal, &ballot] {
        assert_eq!(e["at"].as_u64().unwrap() % 60_000, 0, "{e}");
    }
    // The key is in its file, readable by its owner only, and not in the database.
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(text.contains("from-round 1 "), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0);
    }
    let store = plenty_server::store::open(&url).await.unwrap();
    assert!(store.legacy_secret().await.unwrap().is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A database of plenty 0.1 kept its key: the first start with a key file moves it there (the
/// pseudonyms of the round under way stay the same) and deletes it from the database.
#[tokio::test]
async fn issue_14_the_key_moves_out_of_the_database() {
    let url = sqlite_url();
    let old = start(&url, Settings::default(), true).await;
    let ada = Client::demo(&old.base, "ada").await;
    let before = ada.get("/api/v1/me").await.1["receipt"]["pseudonym"].clone();
    assert!(before.is_string());
    drop(old);
    let store = plenty_server::store::open(&url).await.unwrap();
    let legacy = store
        .legacy_secret()
        .await
        .unwrap()
        .expect("0.1 kept the key");
    let (dir, key_file, settings) = with_key_file("plenty-key-move");
    let s = start(&url, settings, false).await;
    let ada = Client::demo(&s.base, "ada").await;
    let after = ada.get("/api/v1/me").await.1["receipt"]["pseudonym"].clone();
    assert_eq!(before, after, "the round's pseudonyms survive the move");
    assert!(std::fs::read_to_string(&key_file)
        .unwrap()
        .contains(&hex_of(&legacy)));
    assert!(store.legacy_secret().await.unwrap().is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Settings with the secret keys in a file of a fresh folder (which does not exist yet).
fn with_key_file(tag: &str) -> (std::path::PathBuf, std::path::PathBuf, Settings) {
    let dir = std::env::temp_dir().join(format!("{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("plenty.secret");
    let _ = std::fs::remove_file(&key_file);
    let settings = Settings {
        secret_file: Some(key_file.clone()),
        ..Settings::default()
    };
    (dir, key_file, settings)
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
