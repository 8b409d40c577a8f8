//! The Method of Equal Shares (MES) for approval ballots, in exact rational arithmetic, with
//! pabutools' completions.
//!
//! ## The rule
//!
//! Every member gets an equal share `s = B / n` of the budget `B` (`n` = the total weight of
//! the ballots; a ballot of weight `w` holds `w · s` and behaves as `w` members). A project `p`
//! is paid for by its supporters only. In each round, for every project still in the running,
//! the supporters' money is checked: if `Σ_{i ∋ p} w_i b_i < cost(p)` the project can never be
//! bought (budgets only shrink) and it leaves the running. Otherwise its **ρ** is the smallest
//! price per unit of satisfaction such that the supporters can pay the cost, each paying
//! `min(b_i, ρ · sat(p))`:
//!
//! ```text
//!   Σ_{i ∋ p} w_i · min(b_i, ρ · sat(p)) = cost(p)
//! ```
//!
//! (with [`Satisfaction::Cost`] `sat(p) = cost(p)`, so ρ is the share of the cost each
//! supporter pays, at most; with [`Satisfaction::Cardinality`] `sat(p) = 1` and ρ is the payment
//! itself). The project with the smallest ρ is funded, ties going to the smallest id, each
//! supporter pays `min(b_i, ρ · sat(p))`, and the next round starts. The rule stops when no
//! project is affordable. ρ is found by sorting the supporters by `b_i` and letting the poorest
//! pay all they have while `(cost − paid so far) / (satisfaction of the rest)` exceeds what they
//! hold: this is pabutools' `mes_inner_algo`, step for step.
//!
//! By construction the payments for a project sum to its cost exactly, no member pays more than
//! `s` in total, and the funded projects cost at most `B`.
//!
//! ## Completion
//!
//! MES may leave money unspent. [`Completion`] gives pabutools' ways to spend it:
//!
//! * [`Completion::Increment`]: pabutools' `method_of_equal_shares(…, voter_budget_increment=δ)`.
//!   Run MES with share `s`, then `s + δ`, `s + 2δ`, …, and keep the last outcome whose cost
//!   fits in `B`; stop early at an outcome that is exhaustive (no supported project left out
//!   would fit in what remains of `B`). Shares proved to give the same run as one already run
//!   are not run again ([`mes_fast`](super::mes_fast) explains the proof); the outcome is
//!   pabutools', with fewer runs.
//!
//! ## Three entry points
//!
//! * [`mes_outcome`]: the outcome, the share, the exact ρ of each winner and the increment runs,
//!   from the fast engine ([`mes_fast`](super::mes_fast)): floating point with certified
//!   decisions, exact rationals for near-ties.
//! * [`method_of_equal_shares`]: the same outcome, explained round by round (every candidate's
//!   ρ, every payment) by one exact run at the share chosen.
//! * [`mes_exact`]: everything in exact rationals, every increment run included: the reference
//!   the tests hold the other two to.
//! * [`Completion::Greedy`]: pabutools' `completion_by_rule_combination` of MES and
//!   `greedy_utilitarian_welfare`: fill what is left with [`greedy_from`] (same satisfaction).
//! * [`Completion::IncrementThenGreedy`]: both, in that order (as equalshares.net recommends).

use super::election::{BallotKind, Election, ElectionError};
use super::greedy::{greedy_from, GreedyExplanation};
use super::mes_fast::{Engine, WorkCounter};
use super::Satisfaction;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;

/// How to spend what MES leaves unspent (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Completion {
    /// Plain MES.
    None,
    /// Raise every member's share by `step` until the outcome is exhaustive or would
    /// overspend (pabutools `voter_budget_increment`; pabutools' examples use 1).
    Increment {
        /// The increment of each member's share; positive.
        #[serde(serialize_with = "super::ratio_serde::one")]
        step: BigRational,
    },
    /// Fill the leftover budget greedily.
    Greedy,
    /// [`Completion::Increment`], then [`Completion::Greedy`].
    IncrementThenGreedy {
        /// The increment of each member's share; positive.
        #[serde(serialize_with = "super::ratio_serde::one")]
        step: BigRational,
    },
}

/// Where a project stood in one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum CandidateStatus {
    /// Its supporters can pay; this is its ρ and the most one member pays, `ρ · sat(p)`.
    Affordable {
        /// Price per unit of satisfaction.
        #[serde(serialize_with = "super::ratio_serde::one")]
        rho: BigRational,
        /// The largest payment of one member, `ρ · sat(p)`.
        #[serde(serialize_with = "super::ratio_serde::one")]
        max_payment: BigRational,
    },
    /// Its supporters together hold less than its cost; it leaves the running for good.
    Unaffordable {
        /// What its supporters hold together, `Σ w_i b_i`.
        #[serde(serialize_with = "super::ratio_serde::one")]
        available: BigRational,
    },
}

/// One project considered in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The project's index.
    pub project: usize,
    /// The project's id.
    pub id: String,
    /// Its cost.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub cost: BigRational,
    /// Its ρ, or why it cannot be bought.
    #[serde(flatten)]
    pub status: CandidateStatus,
}

/// What one ballot paid for the project funded in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// The ballot's index.
    pub ballot: usize,
    /// Its weight.
    pub weight: u64,
    /// What each member it speaks for paid, `min(b_i, ρ · sat(p))`.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub per_member: BigRational,
    /// What the ballot paid in all, `weight · per_member`.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub total: BigRational,
    /// What each member it speaks for has left afterwards.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub remaining: BigRational,
}

/// One round of MES.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MesRound {
    /// 1-based round number.
    pub round: usize,
    /// Every project still in the running at the start of the round, in id order.
    pub candidates: Vec<Candidate>,
    /// The funded project's index.
    pub winner: usize,
    /// The funded project's id.
    pub winner_id: String,
    /// Its ρ, the smallest of the round.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub rho: BigRational,
    /// The payments of its supporters (they sum to its cost).
    pub payments: Vec<Payment>,
}

/// One run of MES tried by [`Completion::Increment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncrementRun {
    /// Each member's share in this run.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub share: BigRational,
    /// The ids funded, in order.
    pub selected: Vec<String>,
    /// Their cost.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub cost: BigRational,
    /// Whether the cost fits in the budget.
    pub feasible: bool,
    /// Whether no supported project left out would fit in what remains.
    pub exhaustive: bool,
    /// How many of the following shares (`share + step`, `share + 2·step`, …) were proved to
    /// give this same run (the same projects) and so were not run: in [`mes_outcome`] only. 0
    /// in [`method_of_equal_shares`] and [`mes_exact`], which list every share as its own run.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub repeats: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How an MES result came about, round by round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MesExplanation {
    /// The satisfaction measure.
    pub satisfaction: Satisfaction,
    /// The completion asked for.
    pub completion: Completion,
    /// The total weight `n` of the ballots.
    pub members: u128,
    /// Each member's share in the run kept: `B / n`, or more after increments.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub share: BigRational,
    /// The rounds of the run kept.
    pub rounds: Vec<MesRound>,
    /// Projects nobody supports (never candidates for MES), by id.
    pub unsupported: Vec<String>,
    /// The runs tried by the increment completion, in order (empty without it).
    pub increments: Vec<IncrementRun>,
    /// The greedy completion (none without it).
    pub greedy: Option<GreedyExplanation>,
}

/// The result of [`method_of_equal_shares`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MesOutcome {
    /// The funded projects (indices), in the order funded: MES rounds, then greedy completion.
    pub selected: Vec<usize>,
    /// Their total cost; at most the budget.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub total_cost: BigRational,
    /// Round by round.
    pub explanation: MesExplanation,
}

/// The greedy part of a completion: fills what MES left of the budget with [`greedy_from`]
/// when the completion asks for it, and says how.
fn greedy_completion(
    election: &Election,
    sat: Satisfaction,
    completion: &Completion,
    selected: &mut Vec<usize>,
) -> Result<Option<GreedyExplanation>, ElectionError> {
    match completion {
        Completion::Greedy | Completion::IncrementThenGreedy { .. } => {
            let g = greedy_from(election, sat, selected)?;
            *selected = g.selected;
            Ok(Some(g.explanation))
        }
        Completion::None | Completion::Increment { .. } => Ok(None),
    }
}

/// The Method of Equal Shares for approval ballots with satisfaction `sat` and the given
/// completion (see the [module documentation](self)), explained round by round: every
/// candidate's ρ in every round and every supporter's payment. Ties go to the smallest id; the
/// result equals pabutools' `method_of_equal_shares` (and its completions) with its default
/// tie-breaking, and it equals [`mes_exact`].
///
/// The increment completion chooses the share with the fast engine ([`mes_outcome`]), then the
/// run at that share is explained exactly; the explanation costs one exact run,
/// `O(rounds × candidates × supporters)` rational operations. When only the outcome is wanted,
/// [`mes_outcome`] is much faster.
///
/// Errors: an invalid election ([`Election::validate`]), score ballots, or an increment that is
/// not positive.
pub fn method_of_equal_shares(
    election: &Election,
    sat: Satisfaction,
    completion: &Completion,
) -> Result<MesOutcome, ElectionError> {
    let step = check(election, completion)?;
    let setup = Setup::new(election, sat);
    let members = election.total_weight();
    let share0 = initial_share(election);
    let (mut selected, rounds, share, increments) = match step {
        _ if members == 0 => (Vec::new(), Vec::new(), share0, Vec::new()),
        None => {
            let (sel, rounds) = setup.run(&share0);
            (sel, rounds, share0, Vec::new())
        }
        Some(step) => {
            let engine = Engine::new(election, sat);
            let mut work = WorkCounter::default();
            let supported = engine.supported();
            // The explanation lists every share as the exact rule runs it (the ledger's
            // recorded counts compare it): the shares proved identical are written out.
            let (_, share, increments) = if engine.usable(&share0) {
                increment_loop(election, &supported, share0, step, |s| {
                    let r = engine.run(s, &mut work);
                    (r.selected, steps_within(r.until, step))
                })
            } else {
                increment_loop(election, &supported, share0, step, |s| (setup.run(s).0, 0))
            };
            let increments = write_out(increments, step);
            match share {
                Some(share) => {
                    let (sel, rounds) = setup.run(&share);
                    (sel, rounds, share, increments)
                }
                None => (Vec::new(), Vec::new(), initial_share(election), increments),
            }
        }
    };
    let greedy = greedy_completion(election, sat, completion, &mut selected)?;
    Ok(MesOutcome {
        total_cost: election.cost_of(&selected),
        selected,
        explanation: MesExplanation {
            satisfaction: sat,
            completion: completion.clone(),
            members,
            share,
            rounds,
            unsupported: election.ids_of(&setup.unsupported),
            increments,
            greedy,
        },
    })
}

/// One round of a [`MesSummary`]: the project funded and its ρ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MesWinner {
    /// 1-based round number.
    pub round: usize,
    /// The funded project's index.
    pub winner: usize,
    /// The funded project's id.
    pub winner_id: String,
    /// Its ρ, the smallest of the round (exact).
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub rho: BigRational,
}

/// The result of [`mes_outcome`]: what [`method_of_equal_shares`] decides, without the
/// candidates of every round and the payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MesSummary {
    /// The funded projects (indices), in the order funded: MES rounds, then greedy completion.
    pub selected: Vec<usize>,
    /// Their total cost; at most the budget.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub total_cost: BigRational,
    /// The satisfaction measure.
    pub satisfaction: Satisfaction,
    /// The completion asked for.
    pub completion: Completion,
    /// The total weight `n` of the ballots.
    pub members: u128,
    /// Each member's share in the run kept.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub share: BigRational,
    /// The winner and ρ of each round of the run kept.
    pub rounds: Vec<MesWinner>,
    /// Projects nobody supports, by id.
    pub unsupported: Vec<String>,
    /// The runs tried by the increment completion, in order (empty without it).
    pub increments: Vec<IncrementRun>,
    /// The greedy completion (none without it).
    pub greedy: Option<GreedyExplanation>,
    /// The work done: runs, rounds, candidates evaluated in floating point and exactly.
    #[serde(skip)]
    pub work: WorkCounter,
}

/// The outcome of [`method_of_equal_shares`] (the same projects in the same order, the same
/// share, the same exact ρ per round, the same increment runs), computed in floating point with
/// certified decisions and exact rational arithmetic only for near-ties (see [`mes_fast`] for
/// the error bounds that make the float decisions exact).
///
/// Cost of a run: `O(rounds × evaluated candidates × supporters)` float operations, where
/// candidates are evaluated only when a supporter paid in the last round and their previous ρ
/// does not already rule them out; plus `O(rounds²)` rational operations for the exact ρ of the
/// winners. The increment completion makes one run per share tried, as pabutools does (the
/// share grows by `step` until the outcome overspends or is exhaustive): at most
/// `⌈(s_stop − B/n) / step⌉ + 1` runs, where `s_stop` is the first share at which the outcome
/// overspends or is exhaustive. [`MesSummary::work`] counts them.
///
/// Errors: as [`method_of_equal_shares`].
///
/// [`mes_fast`]: super::mes_fast
pub fn mes_outcome(
    election: &Election,
    sat: Satisfaction,
    completion: &Completion,
) -> Result<MesSummary, ElectionError> {
    let step = check(election, completion)?;
    let engine = Engine::new(election, sat);
    let members = election.total_weight();
    let share0 = initial_share(election);
    let mut work = WorkCounter::default();
    // A run: the projects, how far the share can grow with the same run, and (computed only
    // for the run kept) the exact ρ per round and their derivatives in the share.
    let run = |share: &BigRational, work: &mut WorkCounter| -> Counted {
        if engine.usable(share) {
            Counted::Fast(engine.run(share, work))
        } else {
            // Out of the float range: the exact rule.
            let setup = Setup::new(election, sat);
            let (sel, rounds) = setup.run(share);
            Counted::Exact(sel, rounds.into_iter().map(|r| r.rho).collect())
        }
    };
    let (mut selected, rhos, share, increments) = match step {
        _ if members == 0 => (Vec::new(), Vec::new(), share0, Vec::new()),
        None => {
            let mut c = run(&share0, &mut work);
            let (rhos, _) = c.rhos();
            (c.selected().to_vec(), rhos, share0, Vec::new())
        }
        Some(step) => {
            let supported = engine.supported();
            // The last two runs: the loop keeps one of them, possibly at a larger share with the
            // same projects, where ρ = ρ(share) + (kept − share)·dρ/ds.
            let mut last: Vec<(BigRational, Counted)> = Vec::new();
            let (sel, share, increments) =
                increment_loop(election, &supported, share0, step, |s| {
                    let c = run(s, &mut work);
                    let out = (c.selected().to_vec(), steps_within(c.until(), step));
                    if last.len() == 2 {
                        last.remove(0);
                    }
                    last.push((s.clone(), c));
                    out
                });
            match share {
                Some(share) => {
                    let rhos = last
                        .into_iter()
                        .rev()
                        .find(|(s, _)| *s <= share)
                        .map(|(s, mut c)| {
                            let (rhos, drhos) = c.rhos();
                            let t = &share - &s;
                            rhos.iter().zip(&drhos).map(|(r, d)| r + d * &t).collect()
                        })
                        .unwrap_or_default();
                    (sel, rhos, share, increments)
                }
                None => (Vec::new(), Vec::new(), initial_share(election), increments),
            }
        }
    };
    let rounds = selected
        .iter()
        .zip(rhos)
        .enumerate()
        .map(|(k, (&p, rho))| MesWinner {
            round: k + 1,
            winner: p,
            winner_id: election.projects[p].id.clone(),
            rho,
        })
        .collect();
    let greedy = greedy_completion(election, sat, completion, &mut selected)?;
    let mut unsupported: Vec<usize> = (0..election.projects.len()).collect();
    let mut has = vec![false; election.projects.len()];
    for b in &election.ballots {
        if let BallotKind::Approval(set) = &b.kind {
            set.iter().for_each(|&p| has[p] = true);
        }
    }
    unsupported.retain(|&p| !has[p]);
    unsupported.sort_by(|&a, &b| election.projects[a].id.cmp(&election.projects[b].id));
    Ok(MesSummary {
        total_cost: election.cost_of(&selected),
        selected,
        satisfaction: sat,
        completion: completion.clone(),
        members,
        share,
        rounds,
        unsupported: election.ids_of(&unsupported),
        increments,
        greedy,
        work,
    })
}

/// One run of [`mes_outcome`]: by the fast engine, or by the exact rule when the amounts are
/// out of the float range (then no share beyond it is proved to give the same run).
enum Counted {
    Fast(super::mes_fast::Run),
    Exact(Vec<usize>, Vec<BigRational>),
}

impl Counted {
    fn selected(&self) -> &[usize] {
        match self {
            Counted::Fast(r) => &r.selected,
            Counted::Exact(sel, _) => sel,
        }
    }

    fn until(&self) -> f64 {
        match self {
            Counted::Fast(r) => r.until,
            Counted::Exact(..) => 0.0,
        }
    }

    /// The exact ρ of each round and its derivative in the share.
    fn rhos(&mut self) -> (Vec<BigRational>, Vec<BigRational>) {
        match self {
            Counted::Fast(r) => r.rhos(),
            Counted::Exact(_, rhos) => {
                let zero = vec![BigRational::zero(); rhos.len()];
                (rhos.clone(), zero)
            }
        }
    }
}

/// Validates the election and the increment; returns the increment, if any.
fn check<'c>(
    election: &Election,
    completion: &'c Completion,
) -> Result<Option<&'c BigRational>, ElectionError> {
    election.validate_approval()?;
    match completion {
        Completion::Increment { step } | Completion::IncrementThenGreedy { step } => {
            if !step.is_positive() {
                return Err(ElectionError::InvalidIncrement {
                    step: step.to_string(),
                });
            }
            Ok(Some(step))
        }
        Completion::None | Completion::Greedy => Ok(None),
    }
}

/// `B / n` (0 without ballots).
fn initial_share(election: &Election) -> BigRational {
    let members = election.total_weight();
    if members == 0 {
        BigRational::zero()
    } else {
        &election.budget / BigRational::from_integer(BigInt::from(members))
    }
}

/// pabutools' `voter_budget_increment` loop: run at `share0`, `share0 + step`, … and keep the
/// first exhaustive outcome, or the last one that fits when one overspends. `run` returns the
/// projects funded at a share and how many of the following shares are proved to fund the same
/// (they are skipped: pabutools would find the same outcome, feasible and not exhaustive, and go
/// on). Returns the kept outcome, its share (`None` when nothing is kept: cannot happen, since
/// the first run fits) and the runs tried.
fn increment_loop(
    election: &Election,
    supported: &[usize],
    share0: BigRational,
    step: &BigRational,
    mut run: impl FnMut(&BigRational) -> (Vec<usize>, u64),
) -> (Vec<usize>, Option<BigRational>, Vec<IncrementRun>) {
    let mut share = share0;
    let mut previous: Option<(Vec<usize>, BigRational)> = None;
    let mut increments = Vec::new();
    loop {
        let (sel, same) = run(&share);
        let cost = election.cost_of(&sel);
        let feasible = cost <= election.budget;
        let exhaustive = feasible && exhaustive(election, supported, &sel, &cost);
        let repeats = if feasible && !exhaustive { same } else { 0 };
        increments.push(IncrementRun {
            share: share.clone(),
            selected: election.ids_of(&sel),
            cost,
            feasible,
            exhaustive,
            repeats,
        });
        if !feasible {
            return match previous {
                Some((sel, share)) => (sel, Some(share), increments),
                None => (Vec::new(), None, increments),
            };
        }
        if exhaustive {
            return (sel, Some(share), increments);
        }
        let last = &share + step * BigRational::from_integer(BigInt::from(repeats));
        share = &last + step;
        previous = Some((sel, last));
    }
}

/// The increment runs with every skipped share written out as its own run (`repeats` 0), as
/// [`mes_exact`] lists them.
fn write_out(runs: Vec<IncrementRun>, step: &BigRational) -> Vec<IncrementRun> {
    let mut out = Vec::with_capacity(runs.len());
    for r in runs {
        let mut share = r.share.clone();
        for _ in 0..r.repeats {
            let next = &share + step;
            out.push(IncrementRun {
                share,
                repeats: 0,
                ..r.clone()
            });
            share = next;
        }
        out.push(IncrementRun {
            share,
            repeats: 0,
            ..r
        });
    }
    out
}

/// How many steps `k ≥ 0` satisfy `j · step < until` for every `1 ≤ j ≤ k` (at most 2^40).
fn steps_within(until: f64, step: &BigRational) -> u64 {
    use num_traits::ToPrimitive;
    let step_f = step.to_f64().unwrap_or(f64::INFINITY);
    if until.is_nan() || until <= 0.0 || step_f.is_nan() || step_f <= 0.0 {
        return 0;
    }
    let safe = |k: u64| (k as f64) * step_f * (1.0 + 1e-12) < until;
    let mut k = (until / step_f).floor().min((1u64 << 40) as f64) as u64;
    while k > 0 && !safe(k) {
        k -= 1;
    }
    k
}

/// Whether no supported project left out of `selected` fits in the budget less `cost`.
fn exhaustive(
    election: &Election,
    supported: &[usize],
    selected: &[usize],
    cost: &BigRational,
) -> bool {
    let left = &election.budget - cost;
    supported
        .iter()
        .all(|p| selected.contains(p) || election.projects[*p].cost > left)
}

/// The exact rule as first written: [`method_of_equal_shares`] computed entirely in
/// [`BigRational`], every run of the increment completion included. It is the independent
/// reference of the tests (the fast engine must agree with it on every election); use
/// [`method_of_equal_shares`] or [`mes_outcome`] otherwise.
///
/// Errors: as [`method_of_equal_shares`].
pub fn mes_exact(
    election: &Election,
    sat: Satisfaction,
    completion: &Completion,
) -> Result<MesOutcome, ElectionError> {
    election.validate_approval()?;
    let step = match completion {
        Completion::Increment { step } | Completion::IncrementThenGreedy { step } => {
            if !step.is_positive() {
                return Err(ElectionError::InvalidIncrement {
                    step: step.to_string(),
                });
            }
            Some(step)
        }
        Completion::None | Completion::Greedy => None,
    };
    let setup = Setup::new(election, sat);
    let members = election.total_weight();
    let share = if members == 0 {
        BigRational::zero()
    } else {
        &election.budget / BigRational::from_integer(BigInt::from(members))
    };
    let mut increments = Vec::new();
    let (mut selected, rounds, share) = match step {
        // No ballots: nothing to run (pabutools returns the empty allocation).
        _ if members == 0 => (Vec::new(), Vec::new(), share),
        None => {
            let (sel, rounds) = setup.run(&share);
            (sel, rounds, share)
        }
        Some(step) => {
            let mut share = share;
            let mut previous: Option<(Vec<usize>, Vec<MesRound>, BigRational)> = None;
            loop {
                let (sel, rounds) = setup.run(&share);
                let cost = election.cost_of(&sel);
                let feasible = cost <= election.budget;
                let exhaustive = feasible && setup.exhaustive(&sel, &cost);
                increments.push(IncrementRun {
                    share: share.clone(),
                    selected: election.ids_of(&sel),
                    cost,
                    feasible,
                    exhaustive,
                    repeats: 0,
                });
                if !feasible {
                    // The first run (share B / n) always fits, so there is a previous one.
                    break previous.unwrap_or((Vec::new(), Vec::new(), share));
                }
                if exhaustive {
                    break (sel, rounds, share);
                }
                let next = &share + step;
                previous = Some((sel, rounds, share));
                share = next;
            }
        }
    };
    let greedy = greedy_completion(election, sat, completion, &mut selected)?;
    Ok(MesOutcome {
        total_cost: election.cost_of(&selected),
        selected,
        explanation: MesExplanation {
            satisfaction: sat,
            completion: completion.clone(),
            members,
            share,
            rounds,
            unsupported: setup
                .unsupported
                .iter()
                .map(|&p| election.projects[p].id.clone())
                .collect(),
            increments,
            greedy,
        },
    })
}

/// What does not change between runs: supporters and satisfactions.
struct Setup<'a> {
    election: &'a Election,
    /// Projects with at least one supporter, in id order: (project, supporters, sat(p),
    /// total satisfaction Σ w_i sat(p)).
    candidates: Vec<(usize, Vec<usize>, BigRational, BigRational)>,
    /// Projects without supporters, in id order.
    unsupported: Vec<usize>,
}

impl<'a> Setup<'a> {
    fn new(election: &'a Election, sat: Satisfaction) -> Self {
        let mut candidates = Vec::new();
        let mut unsupported = Vec::new();
        let mut by_project: Vec<Vec<usize>> = vec![Vec::new(); election.projects.len()];
        for (i, b) in election.ballots.iter().enumerate() {
            if let BallotKind::Approval(set) = &b.kind {
                set.iter().for_each(|&p| by_project[p].push(i));
            }
        }
        for p in election.id_order() {
            let supporters = std::mem::take(&mut by_project[p]);
            if supporters.is_empty() {
                unsupported.push(p);
                continue;
            }
            let s = sat.of(&election.projects[p].cost);
            let weight: u128 = supporters
                .iter()
                .map(|&i| u128::from(election.ballots[i].weight))
                .sum();
            let total = &s * BigRational::from_integer(BigInt::from(weight));
            candidates.push((p, supporters, s, total));
        }
        Self {
            election,
            candidates,
            unsupported,
        }
    }

    /// Whether no candidate left out of `selected` fits in the budget less `cost`.
    fn exhaustive(&self, selected: &[usize], cost: &BigRational) -> bool {
        self.candidates.iter().all(|(p, ..)| {
            selected.contains(p) || cost + &self.election.projects[*p].cost > self.election.budget
        })
    }

    /// One run of MES with every member starting with `share`.
    fn run(&self, share: &BigRational) -> (Vec<usize>, Vec<MesRound>) {
        let e = self.election;
        let weight = |i: usize| BigRational::from_integer(BigInt::from(e.ballots[i].weight));
        let mut budget = vec![share.clone(); e.ballots.len()];
        let mut running: Vec<usize> = (0..self.candidates.len()).collect();
        let mut selected = Vec::new();
        let mut rounds = Vec::new();
        loop {
            let mut candidates = Vec::with_capacity(running.len());
            let mut best: Option<(usize, BigRational)> = None; // (index into candidates, ρ)
            let mut still = Vec::with_capacity(running.len());
            for &c in &running {
                let (p, supporters, s, total) = &self.candidates[c];
                let cost = &e.projects[*p].cost;
                let available = supporters
                    .iter()
                    .fold(BigRational::zero(), |acc, &i| acc + weight(i) * &budget[i]);
                let status = if available < *cost {
                    CandidateStatus::Unaffordable { available }
                } else {
                    still.push(c);
                    let rho = rho(cost, s, total, supporters, &budget, &weight);
                    // Candidates come in id order, so `<` keeps the smallest id among ties.
                    if best.as_ref().is_none_or(|(_, b)| rho < *b) {
                        best = Some((c, rho.clone()));
                    }
                    CandidateStatus::Affordable {
                        max_payment: &rho * s,
                        rho,
                    }
                };
                candidates.push(Candidate {
                    project: *p,
                    id: e.projects[*p].id.clone(),
                    cost: cost.clone(),
                    status,
                });
            }
            let Some((c, rho)) = best else {
                return (selected, rounds);
            };
            let (p, supporters, s, _) = &self.candidates[c];
            let price = &rho * s;
            let payments = supporters
                .iter()
                .map(|&i| {
                    let pay = if budget[i] < price {
                        budget[i].clone()
                    } else {
                        price.clone()
                    };
                    budget[i] -= &pay;
                    Payment {
                        ballot: i,
                        weight: e.ballots[i].weight,
                        total: weight(i) * &pay,
                        per_member: pay,
                        remaining: budget[i].clone(),
                    }
                })
                .collect();
            selected.push(*p);
            rounds.push(MesRound {
                round: rounds.len() + 1,
                candidates,
                winner: *p,
                winner_id: e.projects[*p].id.clone(),
                rho,
                payments,
            });
            still.retain(|&x| x != c);
            running = still;
        }
    }
}

/// The smallest ρ with `Σ w_i min(b_i, ρ s) = cost`, given that the supporters can pay: the
/// supporters in increasing order of `b_i`; while the poorest cannot pay the price that would
/// split the rest evenly, they pay all they have.
fn rho(
    cost: &BigRational,
    s: &BigRational,
    total: &BigRational,
    supporters: &[usize],
    budget: &[BigRational],
    weight: &impl Fn(usize) -> BigRational,
) -> BigRational {
    let mut order = supporters.to_vec();
    order.sort_by(|&a, &b| budget[a].cmp(&budget[b]));
    let mut paid = BigRational::zero();
    let mut denominator = total.clone();
    for &i in &order {
        let f = (cost - &paid) / &denominator;
        if &f * s <= budget[i] {
            return f;
        }
        let w = weight(i);
        paid += &w * &budget[i];
        denominator -= w * s;
    }
    // Unreachable when the supporters hold at least the cost: the last supporter's test is
    // `cost − paid ≤ w b`, i.e. `cost ≤ available`.
    (cost - &paid) / total
}

#[cfg(test)]
mod tests {
    use super::super::election::{Ballot, Project};
    use super::*;
    use proptest::prelude::*;

    fn r(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    fn projects(list: &[(&str, i64)]) -> Vec<Project> {
        list.iter()
            .map(|&(id, c)| Project {
                id: id.into(),
                cost: r(c),
                name: String::new(),
            })
            .collect()
    }

    /// The example of equalshares.net ("Computing the Method of Equal Shares"): budget 100,
    /// 5 voters (20 each), projects A, B, C cost 50, 20… here a hand-checked variant:
    /// budget 100, 4 voters with 25 each.
    ///
    /// * voters 0, 1, 2 approve A (cost 60), voter 3 approves B (cost 25), voters 2, 3 approve
    ///   C (cost 40).
    /// * Round 1 (cost satisfaction, ρ = max share of the cost per supporter): A: 60 among 3
    ///   at 20 each, ρ = 20/60 = 1/3; B: 25 paid by voter 3 alone, ρ = 25/25 = 1; C: 40 among
    ///   2 at 20 each, ρ = 1/2. A wins; voters 0, 1, 2 pay 20 each and keep 5.
    /// * Round 2: B: voter 3 has 25, ρ = 1. C: voter 2 has 5, voter 3 has 25; even split 20
    ///   is more than 5, so voter 2 pays 5 and voter 3 pays 35 > 25: unaffordable
    ///   (available 30 < 40). B wins, voter 3 pays 25.
    /// * Round 3: nothing affordable. MES funds A, B for 85 of 100.
    #[test]
    fn hand_checked_example() {
        let e = Election {
            budget: r(100),
            projects: projects(&[("A", 60), ("B", 25), ("C", 40)]),
            ballots: vec![
                Ballot::approval([0]),
                Ballot::approval([0]),
                Ballot::approval([0, 2]),
                Ballot::approval([1, 2]),
            ],
        };
        let out = method_of_equal_shares(&e, Satisfaction::Cost, &Completion::None).unwrap();
        assert_eq!(e.ids_of(&out.selected), ["A", "B"]);
        let x = &out.explanation;
        assert_eq!(x.share, r(25));
        assert_eq!(x.rounds.len(), 2);
        let r1 = &x.rounds[0];
        assert_eq!(r1.winner_id, "A");
        assert_eq!(r1.rho, q(1, 3));
        let rhos: Vec<_> = r1
            .candidates
            .iter()
            .map(|c| match &c.status {
                CandidateStatus::Affordable { rho, .. } => rho.clone(),
                CandidateStatus::Unaffordable { .. } => r(-1),
            })
            .collect();
        assert_eq!(rhos, vec![q(1, 3), r(1), q(1, 2)]);
        assert!(r1.payments.iter().all(|p| p.per_member == r(20)));
        assert!(r1.payments.iter().all(|p| p.remaining == r(5)));
        let r2 = &x.rounds[1];
        assert_eq!(r2.winner_id, "B");
        assert_eq!(
            r2.candidates[1].status,
            CandidateStatus::Unaffordable { available: r(30) }
        );
        assert_eq!(out.total_cost, r(85));

        // Greedy completion: 15 left, C costs 40, nothing fits.
        let g = method_of_equal_shares(&e, Satisfaction::Cost, &Completion::Greedy).unwrap();
        assert_eq!(e.ids_of(&g.selected), ["A", "B"]);

        // Increment completion: the first run (share 25) is already exhaustive, since C would
        // bring the cost to 125 > 100, so it is kept and no increment is tried.
        let i = method_of_equal_shares(
            &e,
            Satisfaction::Cost,
            &Completion::Increment { step: r(5) },
        )
        .unwrap();
        assert_eq!(e.ids_of(&i.selected), ["A", "B"]);
        assert_eq!(i.explanation.increments.len(), 1);
    }

    /// Cardinality satisfaction, a tie broken by id, and a supporter who cannot pay the even
    /// split. Budget 30, 3 voters with 10 each.
    ///
    /// * x (cost 12): voters 0, 1, 2; y (cost 12): voters 0, 1, 2 (a tie: ρ = 4 each);
    ///   z (cost 9): voters 1, 2 → ρ = 4.5.
    /// * Round 1: x and y tie at ρ = 4; x wins by id. Everyone pays 4, keeps 6.
    /// * Round 2: y: ρ = 4 (6 ≥ 4); z: ρ = 4.5 (6 ≥ 4.5). y wins, everyone keeps 2.
    /// * Round 3: z: 2 + 2 = 4 < 9: unaffordable. Done: x, y (cost 24).
    /// * Greedy completion: 6 left, z costs 9: nothing fits.
    #[test]
    fn cardinality_ties_go_to_the_smallest_id() {
        let e = Election {
            budget: r(30),
            projects: projects(&[("y", 12), ("x", 12), ("z", 9)]),
            ballots: vec![
                Ballot::approval([0, 1]),
                Ballot::approval([0, 1, 2]),
                Ballot::approval([0, 1, 2]),
            ],
        };
        let out = method_of_equal_shares(&e, Satisfaction::Cardinality, &Completion::None).unwrap();
        assert_eq!(e.ids_of(&out.selected), ["x", "y"]);
        assert_eq!(out.explanation.rounds[0].rho, r(4));
        assert_eq!(out.explanation.rounds[1].rho, r(4));
    }

    /// The increment completion changes the outcome: budget 10, 2 voters with 5 each.
    /// a (cost 6) by voter 0 only; b (cost 4) by voter 1 only.
    /// * Share 5: a unaffordable (5 < 6), b: voter 1 pays 4. Cost 4; a would fit (4 + 6 ≤ 10),
    ///   so not exhaustive.
    /// * Share 6 (step 1): b first (ρ = 1 for both under cost satisfaction: a 6/6, b 4/4; tie
    ///   → a by id), then b. Cost 10: feasible and exhaustive. Kept.
    #[test]
    fn increment_completion_spends_the_budget() {
        let e = Election {
            budget: r(10),
            projects: projects(&[("a", 6), ("b", 4)]),
            ballots: vec![Ballot::approval([0]), Ballot::approval([1])],
        };
        let plain = method_of_equal_shares(&e, Satisfaction::Cost, &Completion::None).unwrap();
        assert_eq!(e.ids_of(&plain.selected), ["b"]);
        let inc = method_of_equal_shares(
            &e,
            Satisfaction::Cost,
            &Completion::Increment { step: r(1) },
        )
        .unwrap();
        assert_eq!(e.ids_of(&inc.selected), ["a", "b"]);
        assert_eq!(inc.explanation.share, r(6));
        assert_eq!(inc.explanation.increments.len(), 2);
        let greedy = method_of_equal_shares(&e, Satisfaction::Cost, &Completion::Greedy).unwrap();
        assert_eq!(e.ids_of(&greedy.selected), ["b", "a"]);
    }

    #[test]
    fn a_weighted_ballot_counts_as_identical_ballots() {
        let p = projects(&[("a", 30), ("b", 20), ("c", 25), ("d", 10)]);
        let weighted = Election {
            budget: r(60),
            projects: p.clone(),
            ballots: vec![
                Ballot::approval([0, 1]).with_weight(3),
                Ballot::approval([2, 3]).with_weight(2),
                Ballot::approval([1, 2]),
            ],
        };
        let mut expanded = weighted.clone();
        expanded.ballots = weighted
            .ballots
            .iter()
            .flat_map(|b| std::iter::repeat_n(b.clone().with_weight(1), b.weight as usize))
            .collect();
        for sat in [Satisfaction::Cost, Satisfaction::Cardinality] {
            for c in [
                Completion::None,
                Completion::Greedy,
                Completion::Increment { step: r(1) },
            ] {
                let a = method_of_equal_shares(&weighted, sat, &c).unwrap();
                let b = method_of_equal_shares(&expanded, sat, &c).unwrap();
                assert_eq!(a.selected, b.selected, "{sat:?} {c:?}");
            }
        }
    }

    #[test]
    fn a_non_positive_increment_is_refused() {
        let e = Election {
            budget: r(1),
            projects: projects(&[("a", 1)]),
            ballots: vec![Ballot::approval([0])],
        };
        let err = method_of_equal_shares(
            &e,
            Satisfaction::Cost,
            &Completion::Increment { step: r(0) },
        );
        assert!(matches!(err, Err(ElectionError::InvalidIncrement { .. })));
    }

    #[test]
    fn no_ballots_fund_nothing() {
        let e = Election {
            budget: r(10),
            projects: projects(&[("a", 1)]),
            ballots: vec![],
        };
        let out = method_of_equal_shares(
            &e,
            Satisfaction::Cost,
            &Completion::Increment { step: r(1) },
        )
        .unwrap();
        assert!(out.selected.is_empty());
    }

    fn arb_election() -> impl Strategy<Value = Election> {
        (1usize..7, 1usize..9).prop_flat_map(|(m, n)| {
            (
                1i64..60,
                prop::collection::vec((1i64..30, 1i64..3), m),
                prop::collection::vec((1u64..4, prop::collection::btree_set(0..m, 0..=m)), n),
            )
                .prop_map(move |(budget, costs, ballots)| Election {
                    budget: r(budget),
                    projects: costs
                        .iter()
                        .enumerate()
                        .map(|(j, &(c, d))| Project {
                            id: format!("p{}", (j * 7) % m + 10 * (j / m)),
                            cost: q(c, d),
                            name: String::new(),
                        })
                        .collect(),
                    ballots: ballots
                        .into_iter()
                        .map(|(w, s)| Ballot::approval(s).with_weight(w))
                        .collect(),
                })
        })
    }

    proptest! {
        #[test]
        fn mes_invariants(e in arb_election()) {
            prop_assume!(e.validate().is_ok());
            for sat in [Satisfaction::Cost, Satisfaction::Cardinality] {
                let out = method_of_equal_shares(&e, sat, &Completion::None).unwrap();
                prop_assert!(out.total_cost <= e.budget);
                let share = &out.explanation.share;
                let mut spent = vec![BigRational::zero(); e.ballots.len()];
                for round in &out.explanation.rounds {
                    let paid = round.payments.iter().fold(BigRational::zero(), |a, p| a + &p.total);
                    prop_assert_eq!(&paid, &e.projects[round.winner].cost);
                    for p in &round.payments {
                        prop_assert!(!p.per_member.is_negative());
                        spent[p.ballot] += &p.per_member;
                    }
                }
                for s in &spent {
                    prop_assert!(s <= share);
                }
                // Deterministic.
                let again = method_of_equal_shares(&e, sat, &Completion::None).unwrap();
                prop_assert_eq!(&out, &again);
                // Completions stay within the budget and keep what MES funded.
                for c in [Completion::Greedy, Completion::IncrementThenGreedy { step: q(1, 2) }] {
                    let more = method_of_equal_shares(&e, sat, &c).unwrap();
                    prop_assert!(more.total_cost <= e.budget);
                    if c == Completion::Greedy {
                        prop_assert_eq!(&more.selected[..out.selected.len()], &out.selected[..]);
                    }
                }
                let g = crate::vote::greedy(&e, sat).unwrap();
                prop_assert!(g.total_cost <= e.budget);
            }
        }
    }
}
