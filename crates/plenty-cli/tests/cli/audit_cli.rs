//! `plenty audit verify FILE` on an export, as an outsider runs it (issue #4): exit 0 for an
//! intact log, 1 with the first bad entry for a changed one, 2 with line and column for a file
//! that is not an export.

use plenty_ledger::{CouncilKind, Entry, Event, GENESIS};
use std::process::Command;

fn export() -> String {
    let events = vec![
        Event::FederationFounded {
            name: "audit test".into(),
            weeks_per_period: 52.0,
        },
        Event::CouncilFounded {
            council: 1,
            name: "bakery".into(),
            kind: CouncilKind::Workplace,
            processes: vec![],
        },
        Event::CouncilFounded {
            council: 2,
            name: "street".into(),
            kind: CouncilKind::Consumer,
            processes: vec![],
        },
    ];
    let mut prev = GENESIS.to_string();
    let mut text = String::new();
    for (k, e) in events.into_iter().enumerate() {
        let entry = Entry::seal(k as u64 + 1, 1_000 + k as u64, &prev, e);
        prev = entry.hash.clone();
        text.push_str(&serde_json::to_string(&entry).unwrap());
        text.push('\n');
    }
    text
}

fn verify(text: &str, name: &str) -> (i32, String) {
    let path =
        std::env::temp_dir().join(format!("plenty-audit-{}-{name}.jsonl", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plenty"))
        .args(["audit", "verify"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn issue_4_audit_verify_an_export() {
    let good = export();
    let (code, text) = verify(&good, "good");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("3 entries") && text.contains("verified"),
        "{text}"
    );

    let changed = good.replacen("\"bakery\"", "\"mill\"", 1);
    let (code, text) = verify(&changed, "changed");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("first bad entry is 2"), "{text}");

    let mut lines: Vec<&str> = good.lines().collect();
    lines.remove(1);
    let (code, text) = verify(&(lines.join("\n") + "\n"), "removed");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("first bad entry is 3"), "{text}");

    let broken = format!("{good}{{\"seq\": 4, \"at\": oops}}\n");
    let (code, text) = verify(&broken, "broken");
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("line 4, column"), "{text}");
}

/// Issue #15: a member who deleted their account leaves a `member_left` entry; `plenty audit
/// verify` replays it by the same rules as the service (a log where the last facilitator left
/// while others remained does not verify).
#[test]
fn issue_15_audit_verify_replays_member_left() {
    use plenty_ledger::{Role, Topic};
    let seal = |events: Vec<Event>| {
        let mut prev = GENESIS.to_string();
        let mut text = String::new();
        for (k, e) in events.into_iter().enumerate() {
            let entry = Entry::seal(k as u64 + 1, 1_000 + k as u64, &prev, e);
            prev = entry.hash.clone();
            text.push_str(&serde_json::to_string(&entry).unwrap());
            text.push('\n');
        }
        text
    };
    let mut events = vec![
        Event::FederationFounded {
            name: "leaving".into(),
            weeks_per_period: 52.0,
        },
        Event::MemberJoined {
            member: 1,
            councils: vec![],
            role: Role::Facilitator,
        },
        Event::MemberJoined {
            member: 2,
            councils: vec![],
            role: Role::Member,
        },
        Event::DelegationGranted {
            member: 2,
            topic: Topic::Split,
            to: 1,
        },
    ];
    let mut good = events.clone();
    good.push(Event::MemberLeft { member: 2 });
    let (code, text) = verify(&seal(good), "left");
    assert_eq!(code, 0, "{text}");
    events.push(Event::MemberLeft { member: 1 });
    let (code, text) = verify(&seal(events), "last-facilitator");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("first bad entry is 5"), "{text}");
}

/// Issue #16: `plenty audit verify` replays the accounting, recomputes every balance and
/// prints the totals; a confirmation that pays more than the hours less the deductions in
/// force is the first bad entry.
#[test]
fn issue_16_audit_verify_recomputes_every_balance() {
    use plenty_core::accounting::{DeductionRates, Pay};
    use plenty_ledger::{CouncilKind, Role};
    let seal = |events: Vec<Event>| {
        let mut prev = GENESIS.to_string();
        let mut text = String::new();
        for (k, e) in events.into_iter().enumerate() {
            let entry = Entry::seal(k as u64 + 1, 1_000 + k as u64, &prev, e);
            prev = entry.hash.clone();
            text.push_str(&serde_json::to_string(&entry).unwrap());
            text.push('\n');
        }
        text
    };
    let rates = DeductionRates {
        investment: 0.1,
        common_goods: 0.1,
        care: 0.05,
    };
    let mut events = vec![
        Event::FederationFounded {
            name: "accounts".into(),
            weeks_per_period: 52.0,
        },
        Event::CouncilFounded {
            council: 1,
            name: "mill".into(),
            kind: CouncilKind::Workplace,
            processes: vec![],
        },
        Event::MemberJoined {
            member: 1,
            councils: vec![1],
            role: Role::Facilitator,
        },
        Event::MemberJoined {
            member: 2,
            councils: vec![1],
            role: Role::Member,
        },
        Event::WorkplaceNamed {
            council: 1,
            reporters: vec![1],
            by: 1,
        },
        Event::DeductionsVoted {
            account: "acct02".into(),
            rates,
        },
        Event::HoursReported {
            report: 1,
            council: 1,
            account: "acct02".into(),
            period: "2026-W49".into(),
            hours: 40.0,
            by: 1,
        },
    ];
    let mut good = events.clone();
    good.push(Event::HoursConfirmed {
        report: 1,
        account: "acct02".into(),
        rates,
        pay: Pay::for_hours(40.0, &rates),
    });
    let (code, text) = verify(&seal(good), "accounts");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(
            "every balance recomputed from the log (1 accounts): 40 hours worked = 10 deducted"
        ) && text.contains("+ 30 credits issued"),
        "{text}"
    );
    events.push(Event::HoursConfirmed {
        report: 1,
        account: "acct02".into(),
        rates,
        pay: Pay::for_hours(40.0, &DeductionRates::default()),
    });
    let (code, text) = verify(&seal(events), "forged-pay");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("first bad entry is 8"), "{text}");
}
