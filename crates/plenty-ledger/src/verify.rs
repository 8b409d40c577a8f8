//! `plenty audit verify`: the chain, every rule, every count and every plan, from an export
//! alone.

use crate::chain::{check_chain, Entry};
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
        self.first_bad.is_none()
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
    (report, ledger)
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
