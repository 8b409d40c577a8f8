//! `plenty audit verify`: the chain, every rule, every count and every plan, from an export
//! alone; and, given checkpoints the service signed earlier ([`crate::checkpoint`]), that the
//! export extends each of them ([`verify_against`]).
//!
//! The hash chain alone cannot tell a log from a rewritten one: whoever holds the database can
//! remove an entry and re-seal every entry after it, or cut the log's end off, and the chain is
//! intact again. What they cannot do is make the shorter or rewritten log have the size, Merkle
//! root and head of a checkpoint signed before, which members, mailing lists and witnesses
//! keep outside the service.

use crate::chain::{check_chain, Entry};
use crate::checkpoint::{LogVerifier, SignedCheckpoint};
use crate::merkle::{Hash, MerkleTree};
use crate::state::{Ledger, ReplayMode};
use serde::{Deserialize, Serialize};

/// What verification found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Entries read.
    pub entries: usize,
    /// Hash of the last entry (the head an auditor can compare with the service's).
    pub head: Option<String>,
    /// Counts recomputed and found equal.
    pub tallies_checked: usize,
    /// Plans recomputed bit for bit and found equal.
    pub plans_checked: usize,
    /// The first bad entry: its position and what is wrong.
    pub first_bad: Option<BadEntry>,
    /// The Merkle root of the entries ([`crate::merkle`]): what a checkpoint of this size
    /// must say.
    pub root: Hash,
    /// Checkpoints found consistent with the log ([`verify_against`]).
    #[serde(default)]
    pub checkpoints_checked: usize,
    /// How the log fails to extend a checkpoint or an expectation it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryBreak>,
    /// Labour-time accounting (issue #16), every balance recomputed by the replay: the totals
    /// over the accounts, and how many accounts. Absent from a log without accounting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting: Option<AccountingTotals>,
}

/// The accounting a verification recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AccountingTotals {
    /// Accounts.
    pub accounts: usize,
    /// Hours, deductions by kind, credits and consumption, over every account.
    pub totals: crate::accounting::Balance,
}

/// The first entry of a log that does not verify. In JSON it is the pair `[seq, reason]`, as
/// it always was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u64, String)", into = "(u64, String)")]
pub struct BadEntry {
    /// Its position.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

impl From<(u64, String)> for BadEntry {
    fn from((seq, reason): (u64, String)) -> Self {
        BadEntry { seq, reason }
    }
}

impl From<BadEntry> for (u64, String) {
    fn from(b: BadEntry) -> Self {
        (b.seq, b.reason)
    }
}

impl VerifyReport {
    /// Whether everything verified.
    pub fn ok(&self) -> bool {
        self.first_bad.is_none() && self.history.is_none()
    }
}

/// Verifies a log: the hash chain, then a replay that applies every rule, recomputes every
/// count and (with `recompute_plans`) every plan.
pub fn verify(entries: &[Entry], recompute_plans: bool) -> VerifyReport {
    verify_and_replay(entries, recompute_plans).0
}

/// As [`verify()`], also returning the state the log replays to (up to the first bad entry):
/// what the service starts from, without replaying twice.
pub fn verify_and_replay(entries: &[Entry], recompute_plans: bool) -> (VerifyReport, Ledger) {
    let mut ledger = Ledger::new(ReplayMode { recompute_plans });
    let mut report = VerifyReport {
        entries: entries.len(),
        head: entries.last().map(|e| e.hash.clone()),
        tallies_checked: 0,
        plans_checked: 0,
        first_bad: None,
        root: tree_of(entries)
            .root(entries.len() as u64)
            .unwrap_or_default(),
        checkpoints_checked: 0,
        history: None,
        accounting: None,
    };
    if let Err(b) = check_chain(entries) {
        report.first_bad = Some(BadEntry {
            seq: b.seq,
            reason: b.reason,
        });
        return (report, ledger);
    }
    for e in entries {
        if let Err(r) = ledger.apply(&e.event) {
            report.first_bad = Some(BadEntry {
                seq: e.seq,
                reason: format!("{} entry breaks a rule: {}", e.event.kind(), r.message),
            });
            return (report, ledger);
        }
        match &e.event {
            crate::event::Event::TallyRecorded { .. } => report.tallies_checked += 1,
            crate::event::Event::PlanRecorded { .. } if recompute_plans => {
                report.plans_checked += 1
            }
            _ => {}
        }
    }
    if !ledger.accounts.accounts.is_empty() || ledger.accounts.last_report > 0 {
        if let Err(why) = ledger.check_balances() {
            report.first_bad = Some(BadEntry {
                seq: entries.len() as u64,
                reason: format!("the balances do not add up: {why}"),
            });
            return (report, ledger);
        }
        report.accounting = Some(AccountingTotals {
            accounts: ledger.accounts.accounts.len(),
            totals: ledger.accounts.totals,
        });
    }
    (report, ledger)
}

/// The Merkle tree of a log's entry hashes (an entry whose hash is not 64 hexadecimal digits
/// counts as zeros: the chain check has refused it already).
pub fn tree_of(entries: &[Entry]) -> MerkleTree {
    let mut t = MerkleTree::new();
    for e in entries {
        t.push(Hash::from_hex(&e.hash).unwrap_or_default());
    }
    t
}

/// What else the log must satisfy: the auditor's own knowledge of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// A head the log must contain: some entry's hash (the log then extends the log that
    /// ended there, as every later entry links to it).
    pub expect_head: Option<Hash>,
    /// The fewest entries the log may have.
    pub min_size: Option<u64>,
}

/// How a log fails to extend what an auditor holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// A checkpoint's signature is not the log's key's.
    BadSignature,
    /// The log is shorter than a checkpoint says it was: its end was cut off.
    Truncated,
    /// The log's first entries are not the ones a checkpoint signed: history was rewritten.
    Rewritten,
    /// A checkpoint's head is not the hash of its last entry.
    HeadDiffers,
    /// The expected head is not in the log.
    HeadMissing,
    /// The log has fewer entries than expected.
    TooShort,
    /// An entry is not in the log at the size a receipt's checkpoint says.
    NotIncluded,
    /// Two checkpoints are not of one growing log.
    Inconsistent,
}

/// A failure of the log's history: what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryBreak {
    /// What kind of failure.
    pub kind: BreakKind,
    /// Which checkpoint it is about (0-based, in the order given), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<usize>,
    /// What happened and what to do.
    pub message: String,
}

impl std::fmt::Display for HistoryBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HistoryBreak {}

const DO_NOT_ACCEPT: &str = "Do not accept this log: keep the checkpoint and the export as evidence, and compare with the checkpoints other members, the mailing list and the witnesses hold";

/// As [`verify()`], then checks that the log extends every checkpoint given and meets the
/// expectations: for a checkpoint of size `s`, the log has at least `s` entries, the Merkle
/// root of its first `s` is the checkpoint's, and entry `s` has its head; with `key`, every
/// checkpoint is first checked to be signed by it (without, the checkpoints are taken as
/// given: the auditor vouches for them). The first failure is in `history`.
pub fn verify_against(
    entries: &[Entry],
    checkpoints: &[SignedCheckpoint],
    expect: &Expectations,
    key: Option<&LogVerifier>,
    recompute_plans: bool,
) -> VerifyReport {
    let mut report = verify(entries, recompute_plans);
    if report.first_bad.is_some() {
        return report;
    }
    let tree = tree_of(entries);
    for (k, cp) in checkpoints.iter().enumerate() {
        match check_checkpoint(&tree, cp, key) {
            Ok(()) => report.checkpoints_checked += 1,
            Err(mut b) => {
                b.checkpoint = Some(k);
                report.history = Some(b);
                return report;
            }
        }
    }
    if let Some(min) = expect.min_size {
        if tree.len() < min {
            report.history = Some(HistoryBreak {
                kind: BreakKind::TooShort,
                checkpoint: None,
                message: format!(
                    "the log has {} entries but at least {min} were expected: entries were removed from its end, or this export was taken before. {DO_NOT_ACCEPT}",
                    tree.len()
                ),
            });
            return report;
        }
    }
    if let Some(head) = &expect.expect_head {
        if !(0..tree.len()).any(|i| tree.leaf(i).as_ref() == Some(head)) {
            report.history = Some(HistoryBreak {
                kind: BreakKind::HeadMissing,
                checkpoint: None,
                message: format!(
                    "no entry of the log has the hash {head} that was expected: the log that ended there was rewritten or cut short (or the hash was mistyped). {DO_NOT_ACCEPT}"
                ),
            });
        }
    }
    report
}

/// Checks that the log of `tree` extends one checkpoint (signed by `key`, when given).
pub fn check_checkpoint(
    tree: &MerkleTree,
    cp: &SignedCheckpoint,
    key: Option<&LogVerifier>,
) -> Result<(), HistoryBreak> {
    let c = &cp.checkpoint;
    let brk = |kind, message| HistoryBreak {
        kind,
        checkpoint: None,
        message,
    };
    if let Some(key) = key {
        cp.verify(key).map_err(|e| {
            brk(
                BreakKind::BadSignature,
                format!(
                    "the checkpoint of size {} is not signed by the log's key: {e}",
                    c.size
                ),
            )
        })?;
    }
    let n = tree.len();
    if n < c.size {
        return Err(brk(
            BreakKind::Truncated,
            format!(
                "the log has {n} entries but the checkpoint of {}, signed at size {}, says it had {}: entries were removed from its end. {DO_NOT_ACCEPT}",
                c.origin, c.size, c.size
            ),
        ));
    }
    let root = tree.root(c.size).unwrap_or_default();
    if root != c.root {
        return Err(brk(
            BreakKind::Rewritten,
            format!(
                "the first {} entries of the log have the Merkle root {root}, but the checkpoint of {} signed at that size says {}: entries up to {} were changed, removed or inserted since it was signed, and the later ones re-sealed. {DO_NOT_ACCEPT}",
                c.size, c.origin, c.root, c.size
            ),
        ));
    }
    let head = if c.size == 0 {
        Hash::default()
    } else {
        tree.leaf(c.size - 1).unwrap_or_default()
    };
    if head != c.head {
        return Err(brk(
            BreakKind::HeadDiffers,
            format!(
                "entry {} has the hash {head}, but the checkpoint of {} says its head was {}: the checkpoint contradicts itself, so the log's key signed something false. {DO_NOT_ACCEPT}",
                c.size, c.origin, c.head
            ),
        ));
    }
    Ok(())
}

/// Reads an export: one JSON entry per line. Errors name the line.
pub fn parse_export(text: &str) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let e: Entry = serde_json::from_str(line)
            .map_err(|e| format!("line {}, column {}: {}", k + 1, e.column(), e))?;
        out.push(e);
    }
    Ok(out)
}
