//! Issue #14, finding 2: the log can be rewritten or cut short, and `plenty audit verify`
//! still says yes. Both attacks of the issue, end to end on the real binary over SQLite: the
//! service runs, members vote and keep their receipts, an auditor keeps a checkpoint; the
//! service stops and the database is changed behind its back (a ballot deleted and the later
//! entries re-sealed; the entries after a close cut off, which puts the round back in
//! `voting`). Without a checkpoint the log still verifies (the attack is real); with the
//! checkpoint, or the member's receipt, it does not, and the message names the cause.

use crate::serve_crash::{bearer, http, temp_dir, token_for, Server, DEMO_PASSWORD};
use plenty_ledger::{Entry, Event, Phase, GENESIS};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn plenty(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_plenty"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn get(port: u16, path: &str) -> String {
    let r = http(port, "GET", path, &[], None).unwrap();
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

fn post(port: u16, token: &str, path: &str, body: Value) -> Value {
    let r = http(
        port,
        "POST",
        path,
        &[("Authorization", &bearer(token))],
        Some(&body),
    )
    .unwrap();
    assert!(
        r.status == 200 || r.status == 201,
        "{path}: {} {}",
        r.status,
        r.body
    );
    r.json()
}

/// A round in voting with four ballots, Bo's first. Returns the server, the files kept
/// (the key, Bo's receipt, a checkpoint after the ballots) and the facilitator's token.
struct Kept {
    dir: PathBuf,
    db: PathBuf,
    key: PathBuf,
    receipt: PathBuf,
    receipt_checkpoint: PathBuf,
    checkpoint: PathBuf,
    bo_seq: u64,
}

fn vote(server: &Server, dir: &Path) -> (Kept, String) {
    let port = server.port;
    let fac = token_for(port, "facilitator@demo.plenty", DEMO_PASSWORD);
    post(
        port,
        &fac,
        "/api/v1/rounds/1/advance",
        json!({"to": "voting"}),
    );
    let mut receipt = Value::Null;
    for who in ["bo", "ada", "cy", "di"] {
        let t = token_for(port, &format!("{who}@demo.plenty"), DEMO_PASSWORD);
        let r = post(
            port,
            &t,
            "/api/v1/rounds/1/ballot",
            json!({"approve": [1], "split": [0.5, 0.25, 0.25]}),
        );
        assert!(r["inclusion"]["proof"].is_array(), "{r}");
        if who == "bo" {
            receipt = r;
        }
    }
    let kept = Kept {
        dir: dir.to_path_buf(),
        db: dir.join("plenty.sqlite3"),
        key: dir.join("key.json"),
        receipt: dir.join("receipt.json"),
        receipt_checkpoint: dir.join("receipt-checkpoint.txt"),
        checkpoint: dir.join("checkpoint.txt"),
        bo_seq: receipt["inclusion"]["seq"].as_u64().unwrap(),
    };
    std::fs::write(&kept.key, get(port, "/api/v1/log/key")).unwrap();
    std::fs::write(&kept.receipt, receipt.to_string()).unwrap();
    std::fs::write(
        &kept.receipt_checkpoint,
        receipt["inclusion"]["checkpoint"].as_str().unwrap(),
    )
    .unwrap();
    (kept, fac)
}

fn log_of(db: &Path) -> Vec<Entry> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = plenty_server::store::open(db.to_str().unwrap())
            .await
            .unwrap();
        store.log().await.unwrap()
    })
}

/// Writes `events` as the whole log, re-sealed: what someone with the database can do.
fn reseal_into(db: &Path, events: Vec<(u64, Event)>) -> Vec<Entry> {
    let mut prev = GENESIS.to_string();
    let entries: Vec<Entry> = events
        .into_iter()
        .enumerate()
        .map(|(k, (at, e))| {
            let entry = Entry::seal(k as u64 + 1, at, &prev, e);
            prev = entry.hash.clone();
            entry
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        plenty_server::store::open_for_tampering(db.to_str().unwrap())
            .await
            .unwrap()
            .replace_log(&entries)
            .await
            .unwrap();
    });
    entries
}

fn export(db: &Path, to: &Path) {
    let (code, _, err) = plenty(&[
        "audit",
        "export",
        "--db",
        db.to_str().unwrap(),
        "--output",
        to.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn issue_14_a_ballot_deleted_and_the_log_re_sealed_is_found() {
    let dir = temp_dir();
    let server = Server::start(&dir.join("plenty.sqlite3"), true);
    let (k, _) = vote(&server, &dir);
    std::fs::write(&k.checkpoint, get(server.port, "/api/v1/log/checkpoint")).unwrap();
    server.kill();
    assert!(
        dir.join("plenty.sqlite3.log-key").is_file(),
        "the key is outside the database"
    );

    // Before the attack: everything holds.
    let honest = dir.join("honest.jsonl");
    export(&k.db, &honest);
    let (code, out, err) = plenty(&[
        "audit",
        "verify",
        s(&honest),
        "--checkpoint",
        s(&k.checkpoint),
        "--checkpoint",
        s(&k.receipt_checkpoint),
        "--key",
        s(&k.key),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("the log extends the 2 checkpoints given"),
        "{out}"
    );
    let (code, out, err) = plenty(&[
        "audit",
        "receipt",
        s(&k.receipt),
        "--key",
        s(&k.key),
        "--checkpoint",
        s(&k.checkpoint),
        "--export",
        s(&honest),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = plenty(&[
        "audit",
        "consistency",
        s(&k.receipt_checkpoint),
        s(&k.checkpoint),
        "--key",
        s(&k.key),
        "--export",
        s(&honest),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("consistent"), "{out}");

    // The attack: Bo's ballot deleted, every later entry re-sealed.
    let log = log_of(&k.db);
    let events: Vec<(u64, Event)> = log
        .into_iter()
        .filter(|e| e.seq != k.bo_seq)
        .map(|e| (e.at, e.event))
        .collect();
    assert!(matches!(
        events[k.bo_seq as usize - 2].1,
        Event::PhaseAdvanced {
            to: Phase::Voting,
            ..
        }
    ));
    reseal_into(&k.db, events);

    // The hash chain alone says yes: the attack is real.
    let (code, out, err) = plenty(&["audit", "verify", "--db", s(&k.db)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verified"), "{out}");
    // With the checkpoint kept after the ballots: the log is one entry short.
    let (code, out, err) = plenty(&[
        "audit",
        "verify",
        "--db",
        s(&k.db),
        "--checkpoint",
        s(&k.checkpoint),
        "--key",
        s(&k.key),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("does NOT extend") && err.contains("entries were removed from its end"),
        "{err}"
    );
    assert!(
        err.contains(s(&k.checkpoint)),
        "names the checkpoint: {err}"
    );
    // With the checkpoint of Bo's receipt: the history up to his ballot was rewritten.
    let (code, out, err) = plenty(&[
        "audit",
        "verify",
        "--db",
        s(&k.db),
        "--checkpoint",
        s(&k.receipt_checkpoint),
        "--key",
        s(&k.key),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("were changed, removed or inserted"), "{err}");
    // Bo's receipt no longer holds against the log.
    let tampered = dir.join("tampered.jsonl");
    export(&k.db, &tampered);
    let (code, out, err) = plenty(&[
        "audit",
        "receipt",
        s(&k.receipt),
        "--key",
        s(&k.key),
        "--export",
        s(&tampered),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(&format!("entry {} of the log has the hash", k.bo_seq)),
        "{err}"
    );
    // Nor does the newer checkpoint of the rewritten log join the receipt's.
    let (code, out, err) = plenty(&[
        "audit",
        "consistency",
        s(&k.receipt_checkpoint),
        s(&k.checkpoint),
        "--key",
        s(&k.key),
        "--export",
        s(&tampered),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let _ = std::fs::remove_dir_all(&k.dir);
}

#[test]
fn issue_14_a_tail_cut_after_the_close_is_found() {
    let dir = temp_dir();
    let server = Server::start(&dir.join("plenty.sqlite3"), true);
    let (k, fac) = vote(&server, &dir);
    post(
        server.port,
        &fac,
        "/api/v1/rounds/1/advance",
        json!({"to": "plan"}),
    );
    let cp = get(server.port, "/api/v1/log/checkpoint");
    std::fs::write(&k.checkpoint, &cp).unwrap();
    let size: u64 = cp.lines().nth(1).unwrap().parse().unwrap();
    let head = cp
        .lines()
        .nth(3)
        .unwrap()
        .strip_prefix("head ")
        .unwrap()
        .to_string();
    server.kill();

    // The attack: every entry from the close on is cut off.
    let log = log_of(&k.db);
    let close = log
        .iter()
        .position(|e| {
            matches!(
                e.event,
                Event::PhaseAdvanced {
                    to: Phase::Plan,
                    ..
                }
            )
        })
        .unwrap();
    let kept: Vec<(u64, Event)> = log[..close]
        .iter()
        .map(|e| (e.at, e.event.clone()))
        .collect();
    let entries = reseal_into(&k.db, kept);
    let (report, ledger) = plenty_ledger::verify_and_replay(&entries, false);
    assert!(report.ok());
    assert_eq!(
        ledger.rounds[&1].phase,
        Phase::Voting,
        "the round is back in voting"
    );

    let (code, out, err) = plenty(&["audit", "verify", "--db", s(&k.db)]);
    assert_eq!(code, 0, "the attack is real: {out}{err}");
    let (code, out, err) = plenty(&[
        "audit",
        "verify",
        "--db",
        s(&k.db),
        "--checkpoint",
        s(&k.checkpoint),
        "--key",
        s(&k.key),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(&format!(
            "the log has {close} entries but the checkpoint of"
        )) && err.contains(&format!(
            "signed at size {size}, says it had {size}: entries were removed from its end"
        )),
        "{err}"
    );
    // An auditor who noted only the size or the head finds it too.
    let (code, _, err) = plenty(&[
        "audit",
        "verify",
        "--db",
        s(&k.db),
        "--min-size",
        &size.to_string(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("at least {size} were expected")),
        "{err}"
    );
    let (code, _, err) = plenty(&["audit", "verify", "--db", s(&k.db), "--expect-head", &head]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no entry of the log has the hash"), "{err}");
    // A checkpoint without the key is refused; a wrong key is named.
    let (code, _, err) = plenty(&[
        "audit",
        "verify",
        "--db",
        s(&k.db),
        "--checkpoint",
        s(&k.checkpoint),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--checkpoint needs --key"), "{err}");
    let other = plenty_ledger::LogSigningKey::from_seed("plenty-log/other", [3; 32]).unwrap();
    let (code, _, err) = plenty(&[
        "audit",
        "verify",
        "--db",
        s(&k.db),
        "--checkpoint",
        s(&k.checkpoint),
        "--key",
        &other.verifier().to_text(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not signed by the log's key"), "{err}");
    let _ = std::fs::remove_dir_all(&k.dir);
}

#[test]
fn a_malformed_checkpoint_file_is_named_with_its_line() {
    let dir = temp_dir();
    let cp = dir.join("cp.txt");
    std::fs::write(&cp, "plenty-log/x\ntwelve\n").unwrap();
    let export = dir.join("e.jsonl");
    std::fs::write(&export, "").unwrap();
    let key = plenty_ledger::LogSigningKey::from_seed("plenty-log/x", [3; 32]).unwrap();
    let (code, _, err) = plenty(&[
        "audit",
        "verify",
        s(&export),
        "--checkpoint",
        s(&cp),
        "--key",
        &key.verifier().to_text(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("{}: line 2 (size)", cp.display())),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
