//! Issue #14: applicants of open sign-up are not members until a facilitator admits them, and
//! text with control or direction characters is refused in every event, by the service and by
//! an audit alike.

use crate::ledger::seal;
use plenty_ledger::*;

/// A federation with a council, a facilitator (member 1) and a member (2).
pub(crate) fn founded() -> (Ledger, Vec<Event>) {
    let events = vec![
        Event::FederationFounded {
            name: "test".into(),
            weeks_per_period: 52.0,
        },
        Event::CouncilFounded {
            council: 1,
            name: "mill".into(),
            kind: CouncilKind::Workplace,
            processes: vec!["mill".into()],
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
    ];
    let mut l = Ledger::default();
    for e in &events {
        l.apply(e).unwrap();
    }
    (l, events)
}

/// Finding 1: three applicants do not raise `eligible` (the quorum) and cannot delegate or
/// be delegated to; a facilitator admits them into councils the facilitator assigns.
#[test]
fn issue_14_applicants_count_only_once_admitted() {
    let (mut l, _) = founded();
    for m in 3..=5 {
        let e = l.apply_to_join(m).unwrap();
        l.apply(&e).unwrap();
    }
    assert_eq!(l.members.len(), 5);
    assert_eq!(l.eligible(), 2, "applicants are not eligible");
    assert_eq!(l.applicants(), vec![3, 4, 5]);
    let r = l
        .apply(&Event::DelegationGranted {
            member: 3,
            topic: Topic::Split,
            to: 2,
        })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::Forbidden);
    let r = l
        .apply(&Event::DelegationGranted {
            member: 2,
            topic: Topic::Split,
            to: 4,
        })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::Forbidden);
    // Only a facilitator admits; into councils that exist.
    assert_eq!(
        l.admit(2, 3, vec![1]).unwrap_err().code,
        RejectCode::Forbidden
    );
    assert_eq!(
        l.admit(1, 3, vec![9]).unwrap_err().code,
        RejectCode::NotFound
    );
    assert_eq!(
        l.admit(1, 3, vec![1, 1]).unwrap_err().code,
        RejectCode::Invalid
    );
    let e = l.admit(1, 3, vec![1]).unwrap();
    l.apply(&e).unwrap();
    assert_eq!(l.eligible(), 3);
    assert_eq!(l.members[&3].councils, vec![1]);
    assert_eq!(
        l.admit(1, 3, vec![1]).unwrap_err().code,
        RejectCode::Conflict
    );
    assert_eq!(
        l.admit(1, 2, vec![1]).unwrap_err().code,
        RejectCode::Conflict
    );
    // The events round-trip through the log's JSON and replay alike.
    let mut events = founded().1;
    events.push(Event::MemberApplied { member: 3 });
    events.push(e);
    let json: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    assert_eq!(json[4], r#"{"type":"member_applied","member":3}"#);
    assert_eq!(
        json[5],
        r#"{"type":"member_admitted","member":3,"councils":[1],"by":1}"#
    );
    let report = verify(&seal(&events), false);
    assert!(report.first_bad.is_none(), "{:?}", report.first_bad);
}

/// Finding 4: a NUL (which PostgreSQL refuses) or a direction override in any text of an
/// event is refused when written, and an audit of a log holding one names the entry.
#[test]
fn issue_14_control_characters_are_refused_in_every_event() {
    let bad = [
        ("nul", "mill\u{0}"),
        ("override", "llim\u{202E}"),
        ("newline", "a\nb"),
    ];
    for (what, text) in bad {
        let (mut l, events) = founded();
        let council = Event::CouncilFounded {
            council: 2,
            name: text.into(),
            kind: CouncilKind::Consumer,
            processes: vec![],
        };
        let r = l.apply(&council).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid, "{what}");
        assert!(r.message.starts_with("name: contains"), "{what}: {r}");
        let process = Event::CouncilFounded {
            council: 2,
            name: "ok".into(),
            kind: CouncilKind::Workplace,
            processes: vec![text.into()],
        };
        assert_eq!(l.apply(&process).unwrap_err().code, RejectCode::Invalid);
        let fed = Event::FederationFounded {
            name: text.into(),
            weeks_per_period: 52.0,
        };
        assert_eq!(
            Ledger::default().apply(&fed).unwrap_err().code,
            RejectCode::Invalid
        );
        // An audit of a forged log (the chain sealed over the bad text) stops at it.
        let mut forged = events.clone();
        forged.push(council);
        let report = verify(&seal(&forged), false);
        let first = report.first_bad.expect("the audit refuses it");
        assert_eq!(first.seq, 5, "{what}");
        assert!(
            first.reason.contains("contains the control"),
            "{}",
            first.reason
        );
    }
    // A planning file may have line breaks and tabs, not a NUL.
    let (mut l, _) = founded();
    let text = "# \u{0}\n".to_string();
    let r = l
        .apply(&Event::EconomyImported {
            by: 1,
            sha256: chain::sha256_hex(text.as_bytes()),
            text,
        })
        .unwrap_err();
    assert_eq!(r.code, RejectCode::Invalid);
}
