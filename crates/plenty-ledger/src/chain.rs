//! The hash chain: each entry carries the hash of the one before it, so changing, removing or
//! reordering any entry changes every hash after it.
//!
//! ```text
//!   hash_k = SHA-256( "plenty-log-v1" ‖ k ‖ at_k ‖ hash_{k−1} ‖ canonical_json(event_k) )
//! ```
//!
//! with `hash_0 = GENESIS` (64 zeros), `k` and `at` as decimal text, and fields separated by a
//! newline. The canonical JSON is `serde_json`'s compact form of the event: field order is the
//! order of the type's declaration and maps are ordered (`BTreeMap`), so it is the same on
//! every machine.

use crate::event::Event;
use serde::{Deserialize, Serialize};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The resolution of the time recorded with an entry a member signs by pseudonym (a ballot, a
/// need, a proposal), milliseconds: a minute. A millisecond time next to named entries (a
/// sign-up, a delegation) would let a reader of the log link a pseudonym to a member who was
/// active at that moment (issue #14).
pub const PSEUDONYMOUS_TIME_RESOLUTION_MS: u64 = 60_000;

/// The time recorded with `event` written at `now_ms`: to the minute (rounded down) for the
/// entries members sign by pseudonym, to the millisecond for the others.
pub fn recorded_time(event: &Event, now_ms: u64) -> u64 {
    match event {
        Event::BallotCast { .. }
        | Event::NeedRegistered { .. }
        | Event::ProposalSubmitted { .. }
        | Event::NeedWithdrawn { .. }
        | Event::NeedEdited { .. }
        | Event::ProposalWithdrawn { .. }
        | Event::ProposalEdited { .. }
        | Event::ProposalDescribed { .. }
        | Event::ProposalSupported { .. }
        | Event::HoursReported { .. }
        | Event::HoursConfirmed { .. }
        | Event::HoursDisputed { .. }
        | Event::DeductionsVoted { .. }
        | Event::PurchaseRecorded { .. }
        | Event::PurchaseQueued { .. } => now_ms - now_ms % PSEUDONYMOUS_TIME_RESOLUTION_MS,
        _ => now_ms,
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its position, from 1.
    pub seq: u64,
    /// When the service wrote it, milliseconds since the Unix epoch.
    pub at: u64,
    /// The hash of the entry before it ([`GENESIS`] for the first).
    pub prev: String,
    /// What happened.
    pub event: Event,
    /// This entry's hash.
    pub hash: String,
}

/// The canonical bytes of an event.
pub fn canonical_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising our own types cannot fail: no maps with non-string keys, no foreign types.
    serde_json::to_vec(value).expect("events serialise")
}

/// SHA-256 of bytes, as lowercase hex (the same digest that names every input of plenty).
/// SHA-256 of bytes, as 64 lowercase hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of an entry from its parts.
pub fn entry_hash(seq: u64, at: u64, prev: &str, event: &Event) -> String {
    let mut bytes = format!("plenty-log-v1\n{seq}\n{at}\n{prev}\n").into_bytes();
    bytes.extend_from_slice(&canonical_json(event));
    sha256_hex(&bytes)
}

impl Entry {
    /// The entry after `prev_hash` at position `seq`.
    pub fn seal(seq: u64, at: u64, prev: &str, event: Event) -> Entry {
        let hash = entry_hash(seq, at, prev, &event);
        Entry {
            seq,
            at,
            prev: prev.to_string(),
            event,
            hash,
        }
    }

    /// Whether the stored hash is the hash of the entry's contents.
    pub fn hash_is_valid(&self) -> bool {
        entry_hash(self.seq, self.at, &self.prev, &self.event) == self.hash
    }
}

/// Where the chain first breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first bad entry's position.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// Checks positions, links and hashes; returns the first break.
pub fn check_chain(entries: &[Entry]) -> Result<(), ChainBreak> {
    let mut prev = GENESIS.to_string();
    for (k, e) in entries.iter().enumerate() {
        let expected_seq = k as u64 + 1;
        if e.seq != expected_seq {
            return Err(ChainBreak {
                seq: e.seq,
                reason: format!(
                    "entry at position {expected_seq} says it is entry {}: an entry was removed, inserted or moved",
                    e.seq
                ),
            });
        }
        if e.prev != prev {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "its link to the previous entry does not match that entry's hash: the previous entry was changed, or this one moved".into(),
            });
        }
        if !e.hash_is_valid() {
            return Err(ChainBreak {
                seq: e.seq,
                reason: "its hash does not match its contents: the entry was changed after it was written".into(),
            });
        }
        prev = e.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Entry> {
        let mut v = Vec::new();
        let mut prev = GENESIS.to_string();
        for k in 1..=n {
            let e = Entry::seal(
                k,
                1000 + k,
                &prev,
                Event::CouncilFounded {
                    council: k,
                    name: format!("c{k}"),
                    kind: crate::event::CouncilKind::Workplace,
                    processes: vec![],
                },
            );
            prev = e.hash.clone();
            v.push(e);
        }
        v
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert!(check_chain(&chain(5)).is_ok());
    }

    #[test]
    fn a_changed_event_is_the_first_bad_entry() {
        let mut c = chain(5);
        if let Event::CouncilFounded { name, .. } = &mut c[2].event {
            *name = "forged".into();
        }
        let b = check_chain(&c).unwrap_err();
        assert_eq!(b.seq, 3);
        assert!(b.reason.contains("changed"));
    }

    #[test]
    fn a_rehashed_change_breaks_the_next_link() {
        let mut c = chain(5);
        if let Event::CouncilFounded { name, .. } = &mut c[1].event {
            *name = "forged".into();
        }
        c[1].hash = entry_hash(c[1].seq, c[1].at, &c[1].prev, &c[1].event);
        let b = check_chain(&c).unwrap_err();
        assert_eq!(b.seq, 3);
    }

    #[test]
    fn a_removed_entry_is_found() {
        let mut c = chain(5);
        c.remove(3);
        assert_eq!(check_chain(&c).unwrap_err().seq, 5);
    }
}
