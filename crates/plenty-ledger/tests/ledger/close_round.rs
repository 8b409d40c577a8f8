//! Closing a vote is the ledger's decision (issue #11): [`Ledger::close_round`] returns the
//! events that close and count a round, and the service only appends them. On the log that
//! plenty 0.1.0 wrote (when the service still built the count itself), it gives back exactly
//! the entries that service recorded.

use plenty_ledger::*;

const LOG: &str = include_str!("../data/log_v0_1_0.jsonl");

/// The round pseudonyms of the fixture's members (HMAC of its throwaway demo key, which only
/// the service that wrote it held), by (round, member).
fn pseudonym(round: RoundId, member: MemberId) -> Pseudonym {
    let table = [
        ((1, 1), "4017af7fbdc3d4986cdd18b2073b1ce1"),
        ((1, 2), "4c9c7285c8b794beb5861bc2a48ce3ed"),
        ((1, 3), "ec5f8207d395a633c878e6d7151576f4"),
        ((1, 4), "ccfe67b0a03c0632d6c498c1dccea6b6"),
        ((1, 5), "99724d9c7eff3fc2fe000c0b326bf3da"),
        ((2, 1), "3284b56a78d9c9d54421cf0c88830da2"),
        ((2, 2), "f0e5b631c9e0daf8461e1ea475568872"),
        ((2, 3), "6c20b493251d788d33b0c21a066b8460"),
        ((2, 4), "2dcee7b04a9b8891d985f4ef302acc6a"),
        ((2, 5), "41c064aef358eb327266097c7a1eaf95"),
    ];
    table
        .iter()
        .find(|(k, _)| *k == (round, member))
        .map(|(_, p)| p.to_string())
        .unwrap()
}

/// The ledger replayed up to (not including) the entry at `index`.
fn replayed(entries: &[Entry], index: usize) -> Ledger {
    let mut l = Ledger::default();
    for e in &entries[..index] {
        l.apply(&e.event).unwrap();
    }
    l
}

#[test]
fn issue_11_closing_a_round_gives_back_the_entries_0_1_0_recorded() {
    let entries = parse_export(LOG).unwrap();
    let mut closed = 0;
    for (k, e) in entries.iter().enumerate() {
        let Event::PhaseAdvanced {
            round,
            to: Phase::Plan,
            by,
        } = e.event
        else {
            continue;
        };
        let l = replayed(&entries, k);
        let events = l.close_round(round, by, |m| pseudonym(round, m)).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0], entries[k].event,
            "round {round}: the phase change"
        );
        assert_eq!(events[1], entries[k + 1].event, "round {round}: the count");
        // Byte for byte, so the entries' hashes would be the same.
        assert_eq!(
            chain::canonical_json(&events[1]),
            chain::canonical_json(&entries[k + 1].event)
        );
        // The same through advance_round, which the service calls.
        let advanced = l
            .advance_round(round, Phase::Plan, by, |m| pseudonym(round, m))
            .unwrap();
        assert_eq!(advanced, events);
        closed += 1;
    }
    assert_eq!(closed, 2);
}

#[test]
fn issue_11_closing_a_round_follows_the_rules() {
    let entries = parse_export(LOG).unwrap();
    // Just before round 1 moves to voting (entry 24), and just before it closes (entry 29).
    let needs = replayed(&entries, 23);
    let voting = replayed(&entries, 28);
    let p = |m| pseudonym(1, m);
    assert_eq!(
        voting.close_round(1, 2, p).unwrap_err().code,
        RejectCode::Forbidden,
        "a member who is not a facilitator"
    );
    assert_eq!(
        voting.close_round(1, 99, p).unwrap_err().code,
        RejectCode::NotFound
    );
    assert_eq!(
        voting.close_round(7, 1, p).unwrap_err().code,
        RejectCode::NotFound
    );
    assert_eq!(
        needs.close_round(1, 1, p).unwrap_err().code,
        RejectCode::WrongPhase,
        "a round still in its needs phase"
    );
    // From needs, advancing is one event and no count.
    let events = needs.advance_round(1, Phase::Voting, 1, p).unwrap();
    assert_eq!(
        events,
        vec![Event::PhaseAdvanced {
            round: 1,
            to: Phase::Voting,
            by: 1
        }]
    );
    // The events close the round when applied, and the count has Di's delegated project
    // vote on Ada's ballot.
    let mut l = voting.clone();
    for e in voting.close_round(1, 1, p).unwrap() {
        l.apply(&e).unwrap();
    }
    let r = &l.rounds[&1];
    assert_eq!(r.phase, Phase::Plan);
    assert!(r.tally.as_ref().unwrap().quorum.met);
    assert_eq!(r.weights[&pseudonym(1, 2)], [2, 1, 1]);
    assert_eq!(r.weights[&pseudonym(1, 3)], [1, 1, 2]);
    // A second close is refused, by the function and by the rules.
    assert_eq!(
        l.close_round(1, 1, p).unwrap_err().code,
        RejectCode::WrongPhase
    );
}
