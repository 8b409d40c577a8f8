//! Issue #15: notices and e-mail. Phase changes and a ready plan are e-mailed to the members
//! who opted in, through a real SMTP server (aiosmtpd, whose delivered messages are read
//! back); a forgotten password is reset by an e-mailed single-use link; an account is deleted
//! with its personal data while the log stays valid; receipts list the ballots' pseudonyms.
//! Where the store is involved, on SQLite and on PostgreSQL.

use crate::support::*;
use plenty_server::api::Settings;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The demo's members' e-mails, by first name.
fn email(who: &str) -> String {
    format!("{who}@demo.plenty")
}

async fn notices_are_mailed(url: &str, sink: &SmtpSink) {
    let s = start(url, mail_settings(sink), true).await;
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let di = Client::demo(&s.base, "di").await;
    // Di opts out of e-mail (she still sees the notices in the app).
    let (st, p) = di
        .post("/api/v1/me/profile", json!({"notify_email": false}))
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["notify_email"], false);
    assert_eq!(p["mail_configured"], true);
    // Before anything happens: no notices, an empty state on the page.
    let (_, n) = ada.get("/api/v1/me/notices").await;
    assert_eq!(n["unseen"], 0, "{n}");
    let (st, j) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let mails = sink.wait_for("voting phase", 4).await;
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt.clone()).collect();
    to.sort();
    let mut want: Vec<String> = ["ada", "bo", "cy", "facilitator"]
        .iter()
        .map(|w| email(w))
        .collect();
    want.sort();
    assert_eq!(to, want, "every member who opted in, and only they");
    let m = &mails[0];
    assert!(m.from.contains("plenty@example.org"), "{m:?}");
    assert!(m.subject.starts_with("plenty: Round 1"), "{m:?}");
    assert!(
        m.body.contains("https://plan.example.org/round?round=1"),
        "{m:?}"
    );
    assert!(m.body.contains("https://plan.example.org/account"), "{m:?}");
    // A ballot, then the vote closes: a phase change and, once computed, the plan.
    let (st, j) = ada
        .post("/api/v1/rounds/1/ballot", json!({"approve": [1]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    fac.post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    wait_for_plan(&ada, 1).await;
    sink.wait_for("plan phase", 4).await;
    let ready = sink.wait_for("The plan of round 1 is ready", 4).await;
    assert!(ready
        .iter()
        .all(|m| m.body.contains("https://plan.example.org/plan?round=1")));
    assert!(
        ready.iter().all(|m| m.rcpt != [email("di")]),
        "Di opted out"
    );
    // Each notice was sent once to each: 3 notices × 4 members.
    assert_eq!(sink.delivered().len(), 12, "{:?}", sink.delivered());
    // In the app: three notices, newest first, unseen until marked.
    for who in [&ada, &di] {
        let (st, n) = who.get("/api/v1/me/notices").await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(n["unseen"], 3, "{n}");
        let kinds: Vec<&str> = n["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["plan_ready", "phase_changed", "phase_changed"]);
    }
    let page = ada.get("/notices").await.1;
    let page = page.as_str().unwrap();
    assert!(page.contains("Notices (3)"), "{page}");
    assert!(
        page.contains("The plan of round 1 \u{201c}") && page.contains("moved to its voting phase"),
        "{page}"
    );
    let page = ada.get("/notices?lang=fr").await.1;
    assert!(page.as_str().unwrap().contains("Avis (3)"));
    assert!(page
        .as_str()
        .unwrap()
        .contains("est passé à la phase « vote »"));
    let (st, _) = ada.post("/api/v1/me/notices/seen", json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, n) = ada.get("/api/v1/me/notices").await;
    assert_eq!(n["unseen"], 0);
    assert!(n["notices"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["seen"] == true));
    let (_, n) = di.get("/api/v1/me/notices").await;
    assert_eq!(n["unseen"], 3, "seen is per member");
    let page = ada.get("/").await.1;
    assert!(page.as_str().unwrap().contains("Notices (0)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_phase_changes_and_a_ready_plan_are_emailed_sqlite() {
    let Some(sink) = SmtpSink::start("issue_15_phase_changes_and_a_ready_plan_are_emailed") else {
        return;
    };
    notices_are_mailed(&sqlite_url(), &sink).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_phase_changes_and_a_ready_plan_are_emailed_postgres() {
    let Some(url) = pg_url().await else { return };
    let Some(sink) = SmtpSink::start("issue_15_phase_changes_and_a_ready_plan_are_emailed") else {
        return;
    };
    notices_are_mailed(&url, &sink).await;
}

/// The token in a reset e-mail's link.
fn token_of(m: &Delivered) -> String {
    let at = m
        .body
        .find("https://plan.example.org/reset?token=")
        .unwrap_or_else(|| panic!("no link: {m:?}"));
    m.body[at..]
        .trim_start_matches("https://plan.example.org/reset?token=")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

async fn forgotten_password(url: &str, sink: &SmtpSink) {
    let s = start(url, mail_settings(sink), true).await;
    let store = s.state.log.store.clone();
    let anon = Client::anonymous(&s.base);
    // Ada is signed in on another device.
    let before = Client::demo(&s.base, "ada").await;
    // The same answer whether an account has the e-mail or not.
    let (st1, known) = anon
        .post(
            "/api/v1/password/forgot",
            json!({"email": "ADA@demo.plenty "}),
        )
        .await;
    let (st2, unknown) = anon
        .post(
            "/api/v1/password/forgot",
            json!({"email": "nobody@demo.plenty"}),
        )
        .await;
    assert_eq!((st1, st2), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(known, unknown, "no account enumeration");
    let mails = sink.wait_for("choose a new password", 1).await;
    assert_eq!(mails.len(), 1, "only the account's address gets a message");
    assert_eq!(mails[0].rcpt, [email("ada")]);
    let token = token_of(&mails[0]);
    assert_eq!(token.len(), 64, "{:?}", mails[0]);
    // Kept hashed, for an hour.
    let hash = plenty_server::auth::token_hash(&token);
    let now = plenty_server::api::now_ms();
    assert_eq!(
        store
            .take_password_reset(&hash, now + 3_600_001)
            .await
            .unwrap(),
        None,
        "expired after its hour"
    );
    assert_eq!(
        store.take_password_reset(&token, now).await.unwrap(),
        None,
        "the database does not hold the token itself"
    );
    // The reset page carries the token into its form.
    let page = anon.get(&format!("/reset?token={token}")).await.1;
    assert!(page.as_str().unwrap().contains(&token));
    let new = "a brand new password";
    let (st, j) = anon
        .post(
            "/api/v1/password/reset",
            json!({"token": token, "new": new}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert!(j["sessions_ended"].as_u64().unwrap() >= 1, "{j}");
    // The old session is out, the token is used up, the new password signs in.
    assert_eq!(before.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (st, _) = anon
        .post(
            "/api/v1/password/reset",
            json!({"token": token, "new": "yet another password"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "single-use");
    Client::login(&s.base, &email("ada"), new).await;
    let (st, _) = anon
        .post(
            "/api/v1/login",
            json!({"email": email("ada"), "password": plenty_server::demo::PASSWORD}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "the old password is gone");
    // A token past its hour is refused.
    let stale = "00ff".repeat(16);
    store
        .create_password_reset(&plenty_server::auth::token_hash(&stale), 3, now - 1)
        .await
        .unwrap();
    let (st, _) = anon
        .post(
            "/api/v1/password/reset",
            json!({"token": stale, "new": "yet another password"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_a_forgotten_password_is_reset_by_email_sqlite() {
    let Some(sink) = SmtpSink::start("issue_15_a_forgotten_password_is_reset_by_email") else {
        return;
    };
    forgotten_password(&sqlite_url(), &sink).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_a_forgotten_password_is_reset_by_email_postgres() {
    let Some(url) = pg_url().await else { return };
    let Some(sink) = SmtpSink::start("issue_15_a_forgotten_password_is_reset_by_email") else {
        return;
    };
    forgotten_password(&url, &sink).await;
}

/// Without an SMTP server, nothing is sent and the pages say so: a forgotten password is a
/// facilitator's matter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_without_smtp_the_pages_say_email_is_not_configured() {
    let s = start(&sqlite_url(), Settings::default(), true).await;
    let anon = Client::anonymous(&s.base);
    let (st, j) = anon
        .post("/api/v1/password/forgot", json!({"email": email("ada")}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(j["mail_configured"], false);
    assert!(j["message"].as_str().unwrap().contains("facilitator"));
    let page = anon.get("/forgot").await.1;
    assert!(page.as_str().unwrap().contains("id=no-mail"), "{page}");
    let ada = Client::demo(&s.base, "ada").await;
    let page = ada.get("/account").await.1;
    let page = page.as_str().unwrap();
    assert!(page.contains("id=no-mail"), "{page}");
    assert!(page.contains("id=receipts-none"), "an empty state: {page}");
    let page = ada.get("/notices").await.1;
    assert!(page.as_str().unwrap().contains("id=notices-none"));
    // After a reset, the sign-in page says what happened.
    let page = anon.get("/login?reset=1").await.1;
    assert!(page.as_str().unwrap().contains("id=login-said"));
    assert!(page.as_str().unwrap().contains("href=/forgot"));
}

async fn deletion(url: &str) {
    let s = start(url, Settings::default(), true).await;
    let store = s.state.log.store.clone();
    let fac = Client::demo(&s.base, "facilitator").await;
    let ada = Client::demo(&s.base, "ada").await;
    let bo = Client::demo(&s.base, "bo").await;
    fac.post("/api/v1/rounds/1/advance", json!({"to": "voting"}))
        .await;
    // Ada votes twice (the second replaces the first); Bo delegates his split vote to her.
    let (_, first) = ada
        .post("/api/v1/rounds/1/ballot", json!({"approve": [1]}))
        .await;
    let (st, last) = ada
        .post("/api/v1/rounds/1/ballot", json!({"approve": [1, 2]}))
        .await;
    assert_eq!(st, StatusCode::OK, "{last}");
    assert_eq!(first["receipt"], last["receipt"]);
    let (st, j) = bo
        .post("/api/v1/delegations", json!({"topic": "split", "to": 2}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{j}");
    // Receipts: the ballot's pseudonym and the position of its last entry.
    let (_, r) = ada.get("/api/v1/me/receipts").await;
    let receipts = r["receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 1, "{r}");
    assert_eq!(receipts[0]["round"], 1);
    assert_eq!(receipts[0]["pseudonym"], last["receipt"], "{r}");
    let seq = receipts[0]["entry"].as_u64().unwrap();
    let log = export(&s.base).await;
    let entry: Value = log
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["seq"] == seq)
        .unwrap();
    assert_eq!(entry["event"]["type"], "ballot_cast", "{entry}");
    assert_eq!(entry["event"]["voter"], last["receipt"]);
    assert_eq!(entry["event"]["ballot"]["approve"], json!([1, 2]));
    let (_, b) = bo.get("/api/v1/me/receipts").await;
    assert_eq!(b["receipts"], json!([]), "Bo did not vote");
    let page = ada.get("/account").await.1;
    assert!(page
        .as_str()
        .unwrap()
        .contains(last["receipt"].as_str().unwrap()));

    // The last facilitator cannot leave while others remain.
    let r = delete_me(&fac, plenty_server::demo::PASSWORD).await;
    assert_eq!(r.0, StatusCode::CONFLICT, "{}", r.1);
    // A wrong password is refused.
    let r = delete_me(&ada, "not her password").await;
    assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
    let eligible = s.state.log.read(|c| c.ledger.eligible());
    let (st, j) = delete_me(&ada, plenty_server::demo::PASSWORD).await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert_eq!(j["member"], 2);
    // The personal data is gone from the accounts store.
    assert!(store.account(2).await.unwrap().is_none());
    assert!(store
        .account_by_email(&email("ada"))
        .await
        .unwrap()
        .is_none());
    assert!(store.preferences(2).await.unwrap().is_none());
    assert!(store.api_tokens_of(2).await.unwrap().is_empty());
    assert_eq!(ada.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (st, _) = Client::anonymous(&s.base)
        .post(
            "/api/v1/login",
            json!({"email": email("ada"), "password": plenty_server::demo::PASSWORD}),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // She no longer counts; Bo's delegation to her ended.
    assert_eq!(s.state.log.read(|c| c.ledger.eligible()), eligible - 1);
    let (_, me) = bo.get("/api/v1/me").await;
    assert_eq!(me["delegations"], json!({}), "{me}");
    let log = export(&s.base).await;
    assert!(log.contains(r#""type":"member_left","member":2"#));
    assert!(!log.contains("ada@demo.plenty"));
    assert!(
        log.contains(last["receipt"].as_str().unwrap()),
        "her ballot stays under its pseudonym"
    );
    // The log still verifies, and so it does after a restart (a replay).
    let (st, v) = bo.get("/api/v1/audit/verify").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["ok"], true, "{v}");
    let report = plenty_ledger::verify(&plenty_ledger::parse_export(&log).unwrap(), true);
    assert!(report.first_bad.is_none(), "{:?}", report.first_bad);
    // The vote closes without her: the count's eligible is one fewer.
    let (st, j) = fac
        .post("/api/v1/rounds/1/advance", json!({"to": "plan"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let log = export(&s.base).await;
    let tally: Value = log
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["event"]["type"] == "tally_recorded")
        .unwrap();
    assert_eq!(tally["event"]["eligible"], eligible - 1, "{tally}");
}

async fn delete_me(c: &Client, password: &str) -> (StatusCode, Value) {
    let r = c
        .http
        .delete(format!("{}/api/v1/me", c.base))
        .header("cookie", c.cookie.clone().unwrap())
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .json(&json!({ "password": password }))
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_deleting_an_account_erases_it_and_the_log_stays_valid_sqlite() {
    deletion(&sqlite_url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_15_deleting_an_account_erases_it_and_the_log_stays_valid_postgres() {
    if let Some(url) = pg_url().await {
        deletion(&url).await;
    }
}
