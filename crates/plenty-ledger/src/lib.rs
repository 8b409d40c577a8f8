//! The participatory layer of plenty as an append-only, hash-chained log.
//!
//! Every input, vote and result of a federation is an [`Event`]; the log is a chain of
//! [`Entry`]s, each carrying the hash of the one before ([`chain`]). The state of the
//! federation is whatever replaying the log gives ([`Ledger`]), and replaying enforces the
//! rules: a ballot outside its voting phase, a count that is not the count of its ballots, or a
//! plan not computed from its round's inputs is refused, whether the service is about to write
//! it or an auditor is reading an export ([`verify()`]).
//!
//! What a request to the service becomes — closing a vote and counting it
//! ([`Ledger::close_round`]), who may do what, the number a new council gets — is decided here
//! too ([`actions`]): the service's handlers only parse, append what the ledger returns, and
//! answer.
//!
//! The log is also a Merkle tree ([`merkle`], RFC 9162): the service signs checkpoints of
//! its size, root and head with a key kept outside its database ([`checkpoint`]), gives every
//! writer an inclusion receipt ([`receipt`]), and [`verify_against`] fails on a log that does
//! not extend a checkpoint, so history cannot be rewritten or cut short unseen.
//!
//! Pure: no I/O, no clocks, no randomness. The service supplies times and pseudonyms.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod accounting;
pub mod actions;
pub mod chain;
pub mod checkpoint;
pub mod event;
pub mod merkle;
pub mod needs;
pub mod planning;
pub mod plausible;
pub mod receipt;
pub mod state;
pub mod tally;
pub mod text;
pub mod verify;

pub use actions::BallotEffectInputs;
pub use chain::{check_chain, Entry, GENESIS};
pub use checkpoint::{Checkpoint, CheckpointError, LogSigningKey, LogVerifier, SignedCheckpoint};
pub use event::*;
pub use merkle::{Hash, MerkleTree, ProofError};
pub use needs::{count_needs, CappedNeed, CountedNeeds, MemberLimits};
pub use planning::{
    compute_plan, compute_years_plan, CertificateMeasures, ImportedYears, LimitKind, PlanInputs,
    PlanOutcome, PlanStatus, PlanVerdict, RecordedLpSolver, WarmStartRef, YearsInputs,
    YearsOutcome, YearsPlan, DEFAULT_DISCOUNT_RATE, LAMBDA_ZERO, MAX_DISCOUNT_RATE,
};
pub use receipt::{check_consistency, consistency_from_log, InclusionReceipt};
pub use state::{
    Deadline, ImportedEconomy, Ledger, NeedTotal, PlanWork, RecordedPlan, RejectCode, Rejected,
    ReplayMode, RoundAction, RoundElection,
};
pub use tally::{
    compute_tally, compute_tally_once, discount_rate, Approvals, DiscountResult, RateBallot,
    RoundTally,
};
pub use verify::{
    check_checkpoint, parse_export, tree_of, verify, verify_against, verify_and_replay,
    AccountingTotals, BadEntry, BreakKind, Expectations, HistoryBreak, VerifyReport,
};
