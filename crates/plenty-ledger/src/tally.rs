//! The count of a round, from its ballots and their weights, with the rules of
//! [`plenty_core::vote`]:
//!
//! * **quorum**: turnout is the weight of the ballots (each ballot counts for its voter and the
//!   members who delegated to them, on the topic that delegates most) over the eligible
//!   members; below the round's quorum the vote does not count: no project is funded and the
//!   default split applies;
//! * **projects**: the Method of Equal Shares (cost satisfaction, exact rationals, completed by
//!   raising every voter's share in steps of 1 % of it and then greedily), or greedy approval,
//!   over a budget of `investment share × total hours`;
//! * **split**: the component-wise weighted median of the split ballots, normalised to sum 1;
//! * **priorities**: weighted score totals and means per product.
//!
//! The count is a pure function of [`TallyInput`], so anyone can recompute it from the log.

use crate::event::{
    HoursSplit, ProjectRule, ProposalId, RoundBallot, RoundQuorum, RoundRules, Topic, TopicWeights,
    MAX_SCORE,
};
use crate::state::Proposal;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use plenty_core::vote::{
    self, check_quorum, method_of_equal_shares, split_of_hours, BallotKind, Completion, Election,
    Satisfaction, Turnout,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a count is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyInput {
    /// Members eligible.
    pub eligible: u64,
    /// The project rule.
    pub rule: ProjectRule,
    /// The quorum.
    pub quorum: RoundQuorum,
    /// The split without a valid vote.
    pub default_split: HoursSplit,
    /// Hours of the plan period.
    pub total_hours: f64,
    /// The proposals, by increasing number.
    pub proposals: Vec<Proposal>,
    /// Product names.
    pub products: Vec<String>,
    /// Each ballot with its weights per topic.
    pub ballots: Vec<(TopicWeights, RoundBallot)>,
    /// Whether the round plans several years (then the count also gives the discount rate,
    /// [`DiscountResult`]).
    pub multi_year: bool,
    /// Whether the project vote's explanation is a summary: the runs kept and each winner's ρ,
    /// with the increment completion's runs that proved identical folded into one
    /// ([`vote::mes_outcome`]), instead of every round of every run (issue #14: a close wrote
    /// a 467 KB entry). Rounds opened with limits (since issue #14) record summaries; older
    /// rounds keep the full explanation their entries hold, so old logs verify.
    pub summary: bool,
    /// The counting rules of issue #15 (`None` for rounds opened before them, which keep the
    /// count they had: see [`RoundRules`]).
    pub rules: Option<RoundRules>,
}

/// Whether the quorum was met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuorumResult {
    /// Ballots counted.
    pub ballots: u64,
    /// Members represented (voters and those who delegated to them).
    pub represented: u64,
    /// Members eligible.
    pub eligible: u64,
    /// Members represented on each topic: those who voted on it and those whose delegation
    /// on it leads to a ballot that did (each member counted once per topic). `represented`
    /// is the largest of the three. Recorded by rounds with the rules of issue #15; before
    /// them, `represented` added each ballot's largest weight, which counted twice a member
    /// who delegated one topic and voted another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_topic: Option<TopicWeights>,
    /// Whether the vote counts.
    pub met: bool,
    /// In words.
    pub explanation: String,
}

/// The project vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectResult {
    /// The rule used.
    pub rule: ProjectRule,
    /// The budget in hours.
    pub budget_hours: f64,
    /// Funded proposals, in the order funded.
    pub funded: Vec<u64>,
    /// Their hours.
    pub spent_hours: f64,
    /// Weighted approvals per proposal, by proposal. (A list, not a map: JSON map keys are
    /// strings, and the log's events must read back exactly.)
    pub approvals: Vec<Approvals>,
    /// Round by round, as the rule explains itself (exact rationals as strings).
    pub explanation: serde_json::Value,
    /// Why each funded project was funded, in the order funded (rounds with the rules of
    /// issue #15).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why_funded: Vec<FundedBecause>,
    /// Whether projects no member approved were candidates (the round's published
    /// [`RoundRules::fund_unapproved`]); without it they are left out of the election.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unapproved_candidates: bool,
}

/// Why a project was funded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundedBecause {
    /// The proposal.
    pub proposal: ProposalId,
    /// The step of the rule that funded it.
    pub step: FundingStep,
}

/// The step of the project rule that funded a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum FundingStep {
    /// A round of the Method of Equal Shares: its supporters could pay for it from their
    /// equal shares, and it was the cheapest for them per hour of satisfaction.
    EqualSharesRound {
        /// The round (1 for the first).
        round: usize,
    },
    /// The completion step: after the rounds, what was left of the budget went to the most
    /// approved projects that still fitted.
    Completion,
    /// Greedy approval: the most approved projects, in order, while the budget lasts.
    GreedyApproval,
}

impl ProjectResult {
    /// The weighted approvals of a proposal (0 if it has none).
    pub fn approvals_of(&self, proposal: ProposalId) -> u64 {
        self.approvals
            .iter()
            .find(|a| a.proposal == proposal)
            .map_or(0, |a| a.weight)
    }

    /// Whether a proposal is funded.
    pub fn is_funded(&self, proposal: ProposalId) -> bool {
        self.funded.contains(&proposal)
    }
}

/// The weighted approvals of one proposal. In the log it is the pair `[proposal, weight]`, as
/// it always was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(ProposalId, u64)", into = "(ProposalId, u64)")]
pub struct Approvals {
    /// The proposal.
    pub proposal: ProposalId,
    /// The weight of the ballots that approve it.
    pub weight: u64,
}

impl From<(ProposalId, u64)> for Approvals {
    fn from((proposal, weight): (ProposalId, u64)) -> Self {
        Approvals { proposal, weight }
    }
}

impl From<Approvals> for (ProposalId, u64) {
    fn from(a: Approvals) -> Self {
        (a.proposal, a.weight)
    }
}

/// The split vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitResult {
    /// Consumption, investment, common funds.
    pub shares: HoursSplit,
    /// Weight of the ballots that voted on it.
    pub weight: u64,
    /// Whether the default was used (no quorum or no split ballots).
    pub default_used: bool,
}

/// One product's priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityResult {
    /// Product.
    pub product: String,
    /// Weighted sum of scores.
    pub total: u64,
    /// Mean score: over the weight of the ballots that scored this product, in rounds with
    /// the rules of issue #15 ("no opinion" is not a 0); before them, over the weight of the
    /// ballots that scored any product.
    pub mean: f64,
    /// The weight of the ballots that scored this product (rounds with the rules of issue
    /// #15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scored_by: Option<u64>,
}

/// The count of a round (each rule it applies is in [`plenty_core::vote`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundTally {
    /// Quorum.
    pub quorum: QuorumResult,
    /// Projects.
    pub projects: ProjectResult,
    /// Split of hours.
    pub split: SplitResult,
    /// Priorities: highest mean first in rounds with the rules of issue #15, highest total
    /// first before them.
    pub priorities: Vec<PriorityResult>,
    /// In a multi-year round, the weight on the present: the discount rate the plan uses.
    /// Absent in single-year rounds (and left out of their entries, so their hashes hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<DiscountResult>,
}

/// One ballot's discount rate and weight in the count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateBallot {
    /// The rate.
    pub rate: f64,
    /// The ballot's weight on the split topic (its voter and the votes delegated to them).
    pub weight: u64,
}

/// The weight on the present in a multi-year round: the weighted lower median of the
/// ballots' yearly discount rates.
///
/// The rule: sort the rates; the median is the first rate at which the cumulative weight
/// reaches half the total weight (so with an even number of equal-weight ballots, the lower
/// of the two middle rates). Without quorum or without any rate, the published default
/// [`crate::planning::DEFAULT_DISCOUNT_RATE`] applies. The median of one-dimensional ballots
/// is strategy-proof for single-peaked preferences: no member gets a rate closer to the one
/// they want by stating another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscountResult {
    /// The rate the plan uses.
    pub rate: f64,
    /// Whether it is the default (no quorum, or no ballot gives a rate).
    pub default_used: bool,
    /// The ballots' rates, sorted (lowest first), each with its weight.
    pub ballots: Vec<RateBallot>,
    /// The total weight of those ballots.
    pub weight: u64,
    /// Where the median is in `ballots` (0-based), when the vote decides.
    pub median_at: Option<usize>,
    /// The count in words.
    pub explanation: String,
}

/// The weighted lower median of rate ballots, explained ([`DiscountResult`]). `met`: whether
/// the vote has quorum.
pub fn discount_rate(ballots: &[RateBallot], met: bool) -> DiscountResult {
    let default = crate::planning::DEFAULT_DISCOUNT_RATE;
    let mut sorted: Vec<RateBallot> = ballots.iter().copied().filter(|b| b.weight > 0).collect();
    sorted.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    let weight: u64 = sorted.iter().map(|b| b.weight).sum();
    let list = sorted
        .iter()
        .map(|b| {
            if b.weight == 1 {
                format!("{}", b.rate)
            } else {
                format!("{} (weight {})", b.rate, b.weight)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if !met || sorted.is_empty() {
        let why = if !met {
            "no quorum"
        } else {
            "no ballot gives a rate"
        };
        return DiscountResult {
            rate: default,
            default_used: true,
            weight,
            median_at: None,
            explanation: format!("{why}: the published default rate {default} applies"),
            ballots: sorted,
        };
    }
    let mut cum: u128 = 0;
    let mut at = sorted.len() - 1;
    for (k, b) in sorted.iter().enumerate() {
        cum += u128::from(b.weight);
        if 2 * cum >= u128::from(weight) {
            at = k;
            break;
        }
    }
    let rate = sorted[at].rate;
    let explanation = format!(
        "{} ballots of total weight {weight} give the rates {list} (sorted); the cumulative weight reaches half the total ({weight}/2) at the {} of them, so the median rate is {rate}",
        sorted.len(),
        ordinal(at + 1),
    );
    DiscountResult {
        rate,
        default_used: false,
        ballots: sorted,
        weight,
        median_at: Some(at),
        explanation,
    }
}

fn ordinal(k: usize) -> String {
    let suffix = match (k % 10, k % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{k}{suffix}")
}

/// Whether a ballot says something on a topic (an empty part abstains, and a member who
/// abstains on a topic follows their delegation there).
pub fn votes_on(b: &RoundBallot, topic: Topic) -> bool {
    match topic {
        Topic::Projects => !b.approve.is_empty(),
        Topic::Priorities => !b.scores.is_empty(),
        Topic::Split => b.split.is_some() || b.discount_rate.is_some(),
    }
}

/// Whose ballot each member follows ([`plenty_core::vote::resolve_delegations`]); invalid
/// input (which the ledger never builds) resolves nobody.
pub fn resolve(members: usize, edges: &[(usize, usize)], voted: &[bool]) -> Vec<Option<usize>> {
    vote::resolve_delegations(members, edges, voted).unwrap_or_else(|_| vec![None; members])
}

fn exact(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_else(BigRational::zero)
}

/// The decimal a person typed, as an exact rational: 0.4 is 2/5, not the binary double
/// nearest to it (which is slightly more, and would make a quorum of 40 % of 5 members need
/// 3). Uses the shortest decimal that reads back as `x`.
pub fn decimal(x: f64) -> BigRational {
    if !x.is_finite() {
        return BigRational::zero();
    }
    let text = format!("{x}");
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let numerator: BigInt = format!("{int}{frac}").parse().unwrap_or_default();
    let denominator = num_traits::pow(BigInt::from(10), frac.len());
    let r = BigRational::new(numerator, denominator);
    if neg {
        -r
    } else {
        r
    }
}

/// Proposal ids as fixed-width text, so that "smallest id first" tie-breaking is by number.
fn project_id(p: u64) -> String {
    format!("{p:012}")
}

/// The project vote as a participatory budgeting election: the budget, the proposals (ids as
/// fixed-width numbers), and one approval ballot per voter who voted on projects, with its
/// weight. `GET /api/rounds/{id}/election.pb` writes it as a pabulib file, so that anyone can
/// rerun the count with pabutools.
///
/// In rounds with the rules of issue #15 the candidates are the proposals some ballot
/// approves, unless the round's rules fund unapproved projects ([`candidates`]).
pub fn project_election(input: &TallyInput, budget_hours: f64) -> Election {
    let candidates = candidates(input);
    let index: BTreeMap<u64, usize> = candidates
        .iter()
        .enumerate()
        .map(|(k, p)| (p.id, k))
        .collect();
    Election {
        budget: exact(budget_hours),
        projects: candidates
            .iter()
            .map(|p| vote::Project {
                id: project_id(p.id),
                cost: exact(p.cost_hours),
                name: p.title.clone(),
            })
            .collect(),
        ballots: input
            .ballots
            .iter()
            .filter(|(_, b)| votes_on(b, Topic::Projects))
            .map(|(w, b)| vote::Ballot {
                weight: w.projects,
                kind: BallotKind::Approval(
                    b.approve
                        .iter()
                        .filter_map(|p| index.get(p).copied())
                        .collect::<BTreeSet<usize>>(),
                ),
            })
            .collect(),
    }
}

/// The proposals the project vote chooses from: every proposal in rounds before issue #15 or
/// whose rules fund unapproved projects; otherwise those that at least one ballot on the
/// project topic approves (a project no member approved is never funded).
pub fn candidates(input: &TallyInput) -> Vec<&Proposal> {
    let keep_all = input.rules.is_none_or(|r| r.fund_unapproved);
    if keep_all {
        return input.proposals.iter().collect();
    }
    let approved: BTreeSet<ProposalId> = input
        .ballots
        .iter()
        .filter(|(w, b)| w.projects > 0 && votes_on(b, Topic::Projects))
        .flat_map(|(_, b)| b.approve.iter().copied())
        .collect();
    input
        .proposals
        .iter()
        .filter(|p| approved.contains(&p.id))
        .collect()
}

/// Members represented on each topic: the weights of the ballots that vote on it, added up.
/// A member follows at most one ballot per topic (their own, or the one their delegation
/// chain leads to), so no member is counted twice on a topic.
pub fn represented_by_topic(ballots: &[(TopicWeights, RoundBallot)]) -> TopicWeights {
    let mut out = TopicWeights {
        projects: 0,
        priorities: 0,
        split: 0,
    };
    for topic in Topic::ALL.iter() {
        *out.get_mut(*topic) = ballots
            .iter()
            .filter(|(_, b)| votes_on(b, *topic))
            .map(|(w, _)| w.get(*topic))
            .sum();
    }
    out
}

/// The completion of the Method of Equal Shares used by the service: raise every voter's
/// share in steps of 1 % of the initial share (pabutools' `voter_budget_increment`), then fill
/// what is left greedily.
pub fn completion_for(election: &Election) -> Completion {
    let weight: u64 = election.ballots.iter().map(|b| b.weight).sum();
    let step = if weight > 0 {
        election.budget.clone() / BigRational::from_integer(BigInt::from(weight) * 100)
    } else {
        BigRational::zero()
    };
    if step > BigRational::zero() {
        Completion::IncrementThenGreedy { step }
    } else {
        Completion::Greedy
    }
}

/// The last counts computed, with their inputs: [`compute_tally_once`]'s memory.
static RECENT_COUNTS: std::sync::Mutex<Vec<(TallyInput, RoundTally)>> =
    std::sync::Mutex::new(Vec::new());

/// How many counts [`compute_tally_once`] remembers.
const REMEMBERED_COUNTS: usize = 4;

/// [`compute_tally`], remembering the last few counts by their input: closing a vote counts
/// the ballots once, where the service computes the count (outside its lock), where it checks
/// the event (the rule that a recorded count is the count of its ballots), and where its writer
/// keeps the durable state. The count is a function of its input alone, so a remembered count
/// is the count; an input is found only if it is equal in every ballot and weight.
pub fn compute_tally_once(input: &TallyInput) -> RoundTally {
    let recent = || RECENT_COUNTS.lock().unwrap_or_else(|e| e.into_inner());
    let hit = recent()
        .iter()
        .find(|(i, _)| i == input)
        .map(|(_, t)| t.clone());
    if let Some(t) = hit {
        return t;
    }
    let tally = compute_tally(input);
    let mut m = recent();
    if m.len() >= REMEMBERED_COUNTS {
        m.remove(0);
    }
    m.push((input.clone(), tally.clone()));
    tally
}

/// Counts a round's ballots: quorum, projects, split of hours, priorities (and, in a
/// multi-year round, the discount rate).
pub fn compute_tally(input: &TallyInput) -> RoundTally {
    let counted: Vec<&(TopicWeights, RoundBallot)> = input.ballots.iter().collect();
    let by_topic = input.rules.map(|_| represented_by_topic(&input.ballots));
    let represented: u64 = match by_topic {
        Some(t) => t.projects.max(t.priorities).max(t.split),
        None => counted.iter().map(|(w, _)| w.max()).sum::<u64>(),
    }
    .min(input.eligible);
    let quorum = check_quorum(
        &vote::Quorum {
            min_turnout: decimal(input.quorum.min_turnout),
            min_ballots: input.quorum.min_ballots,
        },
        input.eligible,
        Turnout {
            weight: represented,
            ballots: counted.len() as u64,
        },
    );
    let (met, explanation) = match &quorum {
        Ok(q) => (q.met, q.to_string()),
        Err(e) => (false, e.to_string()),
    };
    let quorum = QuorumResult {
        ballots: counted.len() as u64,
        represented,
        eligible: input.eligible,
        by_topic,
        met,
        explanation,
    };

    // Split.
    let split_ballots: Vec<(u64, Vec<f64>)> = counted
        .iter()
        .filter_map(|(w, b)| b.split.map(|s| (w.split, s.shares().to_vec())))
        .collect();
    let split = match (met, split_of_hours(&split_ballots)) {
        (true, Ok(s)) if !split_ballots.is_empty() && s.shares.len() == 3 => SplitResult {
            shares: [s.shares[0], s.shares[1], s.shares[2]].into(),
            weight: split_ballots.iter().map(|(w, _)| w).sum(),
            default_used: false,
        },
        _ => SplitResult {
            shares: input.default_split,
            weight: split_ballots.iter().map(|(w, _)| w).sum(),
            default_used: true,
        },
    };

    // Projects.
    let budget_hours = input.total_hours * split.shares.investment;
    let election = project_election(input, budget_hours);
    let candidates = candidates(input);
    let approvals: Vec<Approvals> = input
        .proposals
        .iter()
        .map(|p| Approvals {
            proposal: p.id,
            weight: input
                .ballots
                .iter()
                .filter(|(_, b)| votes_on(b, Topic::Projects) && b.approve.contains(&p.id))
                .map(|(w, _)| w.projects)
                .sum(),
        })
        .collect();
    // The funded candidates, and the MES rounds that funded them (the rest: the completion).
    let (funded_idx, mes_rounds, explanation): (Vec<usize>, Option<usize>, serde_json::Value) =
        if !met || election.ballots.is_empty() || candidates.is_empty() {
            (
                Vec::new(),
                None,
                serde_json::json!({"note": if met { "no project ballots or no proposals" } else { "no quorum: no project is funded" }}),
            )
        } else {
            match input.rule {
                ProjectRule::EqualShares => {
                    let completion = completion_for(&election);
                    if input.summary {
                        match vote::mes_outcome(&election, Satisfaction::Cost, &completion) {
                            Ok(o) => (
                                o.selected.clone(),
                                Some(o.rounds.len()),
                                serde_json::to_value(&o).unwrap_or_default(),
                            ),
                            Err(e) => (
                                Vec::new(),
                                None,
                                serde_json::json!({"error": e.to_string()}),
                            ),
                        }
                    } else {
                        match method_of_equal_shares(&election, Satisfaction::Cost, &completion) {
                            Ok(o) => (
                                o.selected.clone(),
                                Some(o.explanation.rounds.len()),
                                serde_json::to_value(&o.explanation).unwrap_or_default(),
                            ),
                            Err(e) => (
                                Vec::new(),
                                None,
                                serde_json::json!({"error": e.to_string()}),
                            ),
                        }
                    }
                }
                ProjectRule::GreedyApproval => match vote::greedy(&election, Satisfaction::Cost) {
                    Ok(o) => (
                        o.selected.clone(),
                        None,
                        serde_json::to_value(&o.explanation).unwrap_or_default(),
                    ),
                    Err(e) => (
                        Vec::new(),
                        None,
                        serde_json::json!({"error": e.to_string()}),
                    ),
                },
            }
        };
    let funded: Vec<u64> = funded_idx.iter().map(|&k| candidates[k].id).collect();
    let spent_hours: f64 = funded_idx.iter().map(|&k| candidates[k].cost_hours).sum();
    // An empty sum of floats is −0 ("-0.000" on a page); rounds before issue #15 keep theirs.
    let spent_hours = if input.rules.is_some() {
        spent_hours + 0.0
    } else {
        spent_hours
    };
    let why_funded = match input.rules {
        None => Vec::new(),
        Some(_) => funded
            .iter()
            .enumerate()
            .map(|(k, &proposal)| FundedBecause {
                proposal,
                step: match mes_rounds {
                    Some(n) if k < n => FundingStep::EqualSharesRound { round: k + 1 },
                    Some(_) => FundingStep::Completion,
                    None => FundingStep::GreedyApproval,
                },
            })
            .collect(),
    };
    let projects = ProjectResult {
        rule: input.rule,
        budget_hours,
        funded,
        spent_hours,
        approvals,
        explanation,
        why_funded,
        unapproved_candidates: input.rules.is_some_and(|r| r.fund_unapproved),
    };

    // Priorities.
    // (total of the weighted scores, weight of the ballots that scored the product)
    let mut totals: BTreeMap<&str, (u64, u64)> = input
        .products
        .iter()
        .map(|p| (p.as_str(), (0, 0)))
        .collect();
    let mut weight = 0u64;
    for (w, b) in &counted {
        if !votes_on(b, Topic::Priorities) {
            continue;
        }
        let w = w.priorities;
        weight += w;
        for (p, s) in &b.scores {
            if let Some((t, by)) = totals.get_mut(p.as_str()) {
                *t += w * u64::from((*s).min(MAX_SCORE));
                *by += w;
            }
        }
    }
    let mean = |t: u64, over: u64| {
        if over > 0 {
            (BigRational::new(t.into(), over.into()))
                .to_f64()
                .unwrap_or(0.0)
        } else {
            0.0
        }
    };
    let mut priorities: Vec<PriorityResult> = totals
        .into_iter()
        .map(|(p, (t, by))| match input.rules {
            // "No opinion" is not a 0: the mean is over those who scored the product.
            Some(_) => PriorityResult {
                product: p.to_string(),
                total: t,
                mean: mean(t, by),
                scored_by: Some(by),
            },
            None => PriorityResult {
                product: p.to_string(),
                total: t,
                mean: mean(t, weight),
                scored_by: None,
            },
        })
        .collect();
    // Highest total first (before issue #15; the order its rounds recorded); with the rules
    // of issue #15, highest mean first, ties by total, then by name.
    if input.rules.is_some() {
        priorities.sort_by(|a, b| {
            b.mean
                .total_cmp(&a.mean)
                .then_with(|| b.total.cmp(&a.total))
                .then_with(|| a.product.cmp(&b.product))
        });
    } else {
        priorities.sort_by(|a, b| {
            b.total
                .cmp(&a.total)
                .then_with(|| a.product.cmp(&b.product))
        });
    }

    // The weight on the present (multi-year rounds).
    let discount = input.multi_year.then(|| {
        let rates: Vec<RateBallot> = counted
            .iter()
            .filter_map(|(w, b)| {
                b.discount_rate.map(|rate| RateBallot {
                    rate,
                    weight: w.split,
                })
            })
            .collect();
        discount_rate(&rates, met)
    });

    RoundTally {
        quorum,
        projects,
        split,
        priorities,
        discount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_what_was_typed() {
        assert_eq!(decimal(0.4), BigRational::new(2.into(), 5.into()));
        assert_eq!(decimal(-1.25), BigRational::new((-5).into(), 4.into()));
        assert_eq!(decimal(3.0), BigRational::from_integer(3.into()));
        assert_eq!(decimal(1e-7), BigRational::new(1.into(), 10_000_000.into()));
    }
}
