//! # Votes: tallies, participatory budgeting rules, splits, quorums and delegations
//!
//! The rules by which members decide together, computed exactly and explained round by round.
//! Everything here is pure: no I/O, no printing; the `plenty-io` crate reads and writes pabulib
//! `.pb` files and the `plenty` binary renders the explanations.
//!
//! * [`Election`]: a budget, projects with costs, and weighted ballots (approval sets or score
//!   maps). A ballot's weight is `1 +` the number of members who delegated to its author
//!   ([`resolve_delegations`], [`delegated_weights`]); a ballot of weight `w` counts exactly as
//!   `w` identical ballots in every rule.
//! * [`approval_tally`] and [`score_tally`]: counts and sums, with deterministic tie-breaking.
//! * [`greedy()`]: utilitarian greedy selection (pabutools' `greedy_utilitarian_welfare`).
//! * [`method_of_equal_shares`]: the Method of Equal Shares, explained exactly round by round
//!   (pabutools' `method_of_equal_shares`), with the completions pabutools offers: per-voter
//!   budget increments and greedy filling ([`Completion`]). [`mes_outcome`] gives the same
//!   outcome fast (floating point with certified decisions, [`mes_fast`]); [`mes_exact`] is the
//!   all-rational reference.
//! * [`split_of_hours`]: the component-wise weighted median of shares (consumption,
//!   investment, common funds), normalised.
//! * [`Quorum`] and [`check_quorum`].
//!
//! ## Tie-breaking
//!
//! Wherever two projects are tied, the one whose id comes first in lexicographic (Unicode code
//! point, i.e. UTF-8 byte) order wins: pabutools' default `lexico_tie_breaking`, which sorts by
//! the project's name, and pabutools names a project read from pabulib by its `project_id`.
//! The results therefore never depend on the order of the input, and they match pabutools'.
//!
//! ## Exactness
//!
//! Budgets, costs, payments and ρ are [`BigRational`]s: no rounding anywhere, so a tie is a
//! true tie and "the supporters can pay" is decided exactly. Rationals appear in the serialised
//! explanations as strings, `"7"` or `"22/3"`. The fast engine ([`mes_fast`]) computes in
//! `f64` but decides only what its error bounds prove, and falls back to rationals otherwise,
//! so its outcomes are the exact ones.
//!
//! [`BigRational`]: num_rational::BigRational

pub mod delegation;
pub mod election;
pub mod greedy;
pub mod mes;
pub mod mes_fast;
pub mod quorum;
pub mod split;
pub mod tally;

pub use delegation::{delegated_weights, resolve_delegations, DelegationError};
pub use election::{Ballot, BallotKind, Election, ElectionError, Project};
pub use greedy::{greedy, greedy_from, GreedyExplanation, GreedyOutcome, GreedyStep};
pub use mes::{
    mes_exact, mes_outcome, method_of_equal_shares, Candidate, CandidateStatus, Completion,
    IncrementRun, MesExplanation, MesOutcome, MesRound, MesSummary, MesWinner, Payment,
};
pub use mes_fast::WorkCounter;
pub use quorum::{check_quorum, Quorum, QuorumCheck, QuorumError, QuorumOutcome, Turnout};
pub use split::{split_of_hours, Split, SplitError};
pub use tally::{approval_tally, score_tally, ApprovalRow, ScoreRow};

/// The exact rational type of budgets, costs, payments and ρ (re-exported from `num-rational`).
pub use num_rational::BigRational;
use serde::Serialize;

/// How a voter's satisfaction with a set of funded projects is measured (pabutools'
/// satisfaction classes, for approval ballots).
///
/// Both are additive: a voter's satisfaction is the sum over the funded projects they approve
/// of `sat(p)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Satisfaction {
    /// `sat(p) = cost(p)`: a voter is as satisfied as the money spent on what they approve
    /// (pabutools `Cost_Sat`). Greedy then ranks by approvals; MES is the equalshares.net
    /// default.
    Cost,
    /// `sat(p) = 1`: a voter counts the approved projects funded (pabutools
    /// `Cardinality_Sat`). Greedy then ranks by approvals per unit of cost.
    Cardinality,
}

impl Satisfaction {
    /// `sat(p)` for a voter who approves project `p` of cost `cost`.
    pub fn of(self, cost: &BigRational) -> BigRational {
        match self {
            Satisfaction::Cost => cost.clone(),
            Satisfaction::Cardinality => BigRational::from_integer(1.into()),
        }
    }
}

/// Serialises a rational as `"n"` or `"n/d"` (serde helpers for the explanations).
pub(crate) mod ratio_serde {
    use num_rational::BigRational;
    use serde::Serializer;

    /// One rational as a string.
    pub fn one<S: Serializer>(r: &BigRational, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&r.to_string())
    }
}
