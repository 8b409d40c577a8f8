//! Issue #15: a member deletes their account. `MemberLeft` takes them out of the eligible,
//! ends their delegations and those to them, and replays in an audit like any other entry.

use crate::admission::founded;
use crate::ledger::seal;
use plenty_ledger::*;

#[test]
fn issue_15_a_member_who_left_is_not_eligible_and_their_delegations_end() {
    let (mut l, mut events) = founded();
    let more = [
        Event::MemberJoined {
            member: 3,
            councils: vec![1],
            role: Role::Member,
        },
        Event::DelegationGranted {
            member: 3,
            topic: Topic::Split,
            to: 2,
        },
        Event::DelegationGranted {
            member: 2,
            topic: Topic::Projects,
            to: 3,
        },
    ];
    for e in more {
        l.apply(&e).unwrap();
        events.push(e);
    }
    assert_eq!(l.eligible(), 3);
    let e = l.leave(2).unwrap();
    l.apply(&e).unwrap();
    events.push(e.clone());
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"type":"member_left","member":2}"#
    );
    assert_eq!(l.eligible(), 2, "a member who left is not eligible");
    assert!(!l.is_admitted(2));
    assert!(l.delegations.is_empty(), "{:?}", l.delegations);
    assert!(
        l.applicants().is_empty(),
        "a member who left is no applicant"
    );
    // They cannot leave twice, be admitted again, nor be delegated to.
    assert_eq!(l.leave(2).unwrap_err().code, RejectCode::Conflict);
    assert_eq!(
        l.admit(1, 2, vec![1]).unwrap_err().code,
        RejectCode::Conflict
    );
    let to_them = Event::DelegationGranted {
        member: 3,
        topic: Topic::Split,
        to: 2,
    };
    assert_eq!(l.apply(&to_them).unwrap_err().code, RejectCode::Forbidden);
    assert_eq!(l.leave(9).unwrap_err().code, RejectCode::NotFound);
    // The new number after them is still new.
    assert_eq!(l.next_member(), 4);
    let report = verify(&seal(&events), false);
    assert!(report.first_bad.is_none(), "{:?}", report.first_bad);
}

#[test]
fn issue_15_the_last_facilitator_cannot_leave_while_others_remain() {
    let (mut l, _) = founded();
    assert_eq!(l.leave(1).unwrap_err().code, RejectCode::Conflict);
    // Once the others left, the last one may go too.
    let e = l.leave(2).unwrap();
    l.apply(&e).unwrap();
    let e = l.leave(1).unwrap();
    l.apply(&e).unwrap();
    assert_eq!(l.eligible(), 0);
    // A left facilitator is no facilitator any more.
    assert_eq!(
        l.require_facilitator(1).unwrap_err().code,
        RejectCode::Forbidden
    );
}
