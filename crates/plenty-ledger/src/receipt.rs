//! Inclusion receipts and consistency between checkpoints: what a member keeps after a write,
//! and how it proves later that the write is still in the log.
//!
//! A receipt holds the entry's position `seq` and hash, a checkpoint of size `s ≥ seq` signed
//! by the log's key, and the inclusion proof of leaf `seq − 1` in the tree of `s` leaves
//! ([`crate::merkle::verify_inclusion`]). On its own it shows that the log, as signed at size
//! `s`, held the entry. Against a later checkpoint of size `t ≥ s`, a consistency proof from
//! `s` to `t` ([`crate::merkle::verify_consistency`]) shows that the later log extends the
//! signed one, so it still holds the entry, at the same place. Against an export, the entry
//! at `seq` must have the receipt's hash and the first `s` entries the checkpoint's root.

use crate::chain::Entry;
use crate::checkpoint::{LogVerifier, SignedCheckpoint};
use crate::merkle::{verify_consistency, verify_inclusion, Hash};
use crate::verify::{check_checkpoint, tree_of, BreakKind, HistoryBreak};
use serde::{Deserialize, Serialize};

/// What a member keeps after a write: proof that the log holds its entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionReceipt {
    /// The entry's position, from 1.
    pub seq: u64,
    /// The entry's hash.
    pub hash: Hash,
    /// A checkpoint signed at a size that includes the entry (its text).
    pub checkpoint: SignedCheckpoint,
    /// The inclusion proof of leaf `seq − 1` in the checkpoint's tree, from the leaf up.
    pub proof: Vec<Hash>,
}

fn brk(kind: BreakKind, message: String) -> HistoryBreak {
    HistoryBreak {
        kind,
        checkpoint: None,
        message,
    }
}

impl InclusionReceipt {
    /// Checks the receipt on its own: its checkpoint is signed by `key`, and the proof leads
    /// from the entry's hash at `seq` to the checkpoint's root.
    pub fn verify(&self, key: &LogVerifier) -> Result<(), HistoryBreak> {
        let c = &self.checkpoint.checkpoint;
        self.checkpoint.verify(key).map_err(|e| {
            brk(
                BreakKind::BadSignature,
                format!("the receipt's checkpoint is not signed by the log's key: {e}"),
            )
        })?;
        if self.seq == 0 {
            return Err(brk(
                BreakKind::NotIncluded,
                "the receipt names entry 0; entries are counted from 1".into(),
            ));
        }
        verify_inclusion(&self.hash, self.seq - 1, c.size, &self.proof, &c.root).map_err(|e| {
            brk(
                BreakKind::NotIncluded,
                format!(
                    "the receipt does not prove that entry {} is in the log of size {}: {e}. It was changed, or it is not a receipt of this log",
                    self.seq, c.size
                ),
            )
        })
    }

    /// Checks the receipt, then that `later` (signed by `key`) extends its checkpoint, by the
    /// consistency proof from the receipt's size to the later size.
    pub fn verify_with_later(
        &self,
        key: &LogVerifier,
        later: &SignedCheckpoint,
        consistency: &[Hash],
    ) -> Result<(), HistoryBreak> {
        self.verify(key)?;
        check_consistency(key, &self.checkpoint, later, consistency)
    }

    /// Checks the receipt, then that the log of an export still holds the entry: entry `seq`
    /// has the receipt's hash, and the export extends the receipt's checkpoint.
    pub fn verify_in_log(&self, key: &LogVerifier, entries: &[Entry]) -> Result<(), HistoryBreak> {
        self.verify(key)?;
        let tree = tree_of(entries);
        match tree.leaf(self.seq - 1) {
            None => {
                return Err(brk(
                    BreakKind::Truncated,
                    format!(
                        "the log has {} entries, but the receipt is of entry {}: the entry and every one after it were removed. Do not accept this log: keep the receipt and the export as evidence",
                        entries.len(),
                        self.seq
                    ),
                ))
            }
            Some(h) if h != self.hash => {
                return Err(brk(
                    BreakKind::Rewritten,
                    format!(
                        "entry {} of the log has the hash {h}, but the receipt says {}: the entry was removed or changed, and the log re-sealed. Do not accept this log: keep the receipt and the export as evidence",
                        self.seq, self.hash
                    ),
                ))
            }
            Some(_) => {}
        }
        check_checkpoint(&tree, &self.checkpoint, Some(key))
    }
}

/// Checks that `new` extends `old` (both signed by `key`) by a consistency proof from
/// `old`'s size to `new`'s.
pub fn check_consistency(
    key: &LogVerifier,
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
    proof: &[Hash],
) -> Result<(), HistoryBreak> {
    for (which, cp) in [("older", old), ("newer", new)] {
        cp.verify(key).map_err(|e| {
            brk(
                BreakKind::BadSignature,
                format!(
                    "the {which} checkpoint (size {}) is not signed by the log's key: {e}",
                    cp.checkpoint.size
                ),
            )
        })?;
    }
    let (o, n) = (&old.checkpoint, &new.checkpoint);
    if o.origin != n.origin {
        return Err(brk(
            BreakKind::Inconsistent,
            format!(
                "the checkpoints are of two logs, {} and {}: compare checkpoints of one log",
                o.origin, n.origin
            ),
        ));
    }
    if n.size < o.size {
        return Err(brk(
            BreakKind::Truncated,
            format!(
                "the newer checkpoint says the log has {} entries, the older one {}: entries were removed from its end between the two, and both are signed by the log's key. Keep both as evidence",
                n.size, o.size
            ),
        ));
    }
    verify_consistency(o.size, n.size, &o.root, &n.root, proof).map_err(|e| {
        brk(
            BreakKind::Inconsistent,
            format!(
                "the log at size {} does not extend the log at size {}: {e}. If the proof came from the service or an export of it, the log was rewritten between the two checkpoints, and both are signed by its key: keep both as evidence",
                n.size, o.size
            ),
        )
    })
}

/// The consistency proof between two sizes of an export's log.
pub fn consistency_from_log(
    entries: &[Entry],
    from: u64,
    to: u64,
) -> Result<Vec<Hash>, crate::merkle::ProofError> {
    tree_of(entries).consistency_proof(from, to)
}
