//! A log written by plenty 0.1.0 (`tests/data/log_v0_1_0.jsonl`, exported from
//! `plenty serve --demo` at commit 094f1fe, before issue #11 renamed and retyped the ledger's
//! types): two rounds with needs, proposals, delegations granted and revoked, ballots (one
//! replaced), both project rules, a quorum met and one missed, two counts and two plans (the
//! second warm-started from the first). Every later version must read it back to the same
//! bytes, so that its hashes still hold, and verify it, plans recomputed bit for bit.

use plenty_ledger::{parse_export, verify};

const LOG: &str = include_str!("../data/log_v0_1_0.jsonl");

/// The hash of the fixture's last entry, as written.
const HEAD: &str = "d960080d57edaf04b842103fc77ebb7f207d4659a6bff36d2aae2c1898b3a56c";

#[test]
fn issue_11_a_log_written_by_0_1_0_reads_back_byte_for_byte() {
    let entries = parse_export(LOG).unwrap();
    assert_eq!(entries.len(), 40);
    for (line, e) in LOG.lines().zip(&entries) {
        assert_eq!(
            serde_json::to_string(e).unwrap(),
            line,
            "entry {} does not serialise to the bytes it was read from",
            e.seq
        );
        assert!(e.hash_is_valid(), "entry {}", e.seq);
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            serde_json::to_value(e.event.kind()).unwrap(),
            v["event"]["type"],
            "the kind of entry {} is its type",
            e.seq
        );
    }
    assert_eq!(entries.last().unwrap().hash, HEAD);
}

#[test]
fn issue_11_a_log_written_by_0_1_0_verifies() {
    let entries = parse_export(LOG).unwrap();
    let report = verify(&entries, true);
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.entries, 40);
    assert_eq!(report.tallies_checked, 2);
    assert_eq!(report.plans_checked, 2);
    assert_eq!(report.head.as_deref(), Some(HEAD));
}
