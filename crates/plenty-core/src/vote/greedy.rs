//! Utilitarian greedy selection (pabutools `greedy_utilitarian_welfare` with an additive
//! satisfaction).

use super::election::{BallotKind, Election, ElectionError};
use super::Satisfaction;
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use serde::Serialize;

/// One project in the greedy order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GreedyStep {
    /// The project's index.
    pub project: usize,
    /// The project's id.
    pub id: String,
    /// Its cost.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub cost: BigRational,
    /// Its satisfaction per unit of cost, `Σ_{b ∋ p} w_b · sat(p) / cost(p)` (0 without
    /// supporters): the approvals for cost satisfaction, approvals per unit of cost for
    /// cardinality satisfaction.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub density: BigRational,
    /// Whether it was funded (it fit in what was left).
    pub selected: bool,
    /// The budget left after this step.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub remaining: BigRational,
}

/// The greedy order with the decision at each project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GreedyExplanation {
    /// The satisfaction measure.
    pub satisfaction: Satisfaction,
    /// The budget left before the first step (the budget less the projects already funded).
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub start: BigRational,
    /// Every project not funded beforehand, in the order considered.
    pub steps: Vec<GreedyStep>,
}

/// The result of [`greedy`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GreedyOutcome {
    /// The funded projects (indices), in the order funded, after any given beforehand.
    pub selected: Vec<usize>,
    /// Their total cost.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub total_cost: BigRational,
    /// How it was decided.
    pub explanation: GreedyExplanation,
}

/// Utilitarian greedy: projects in order of decreasing satisfaction per unit of cost
/// `d(p) = Σ_{b ∋ p} w_b · sat(p) / cost(p)`, each funded when its cost fits in what is left
/// of the budget, skipped otherwise (and the walk goes on to cheaper ones).
///
/// With [`Satisfaction::Cost`] `d(p)` is the weighted approval count; with
/// [`Satisfaction::Cardinality`] it is approvals per unit of cost. Projects without supporters
/// have `d(p) = 0` and are still funded when money is left, as in pabutools. Equal densities
/// are ordered by id. Approval ballots only.
pub fn greedy(election: &Election, sat: Satisfaction) -> Result<GreedyOutcome, ElectionError> {
    greedy_from(election, sat, &[])
}

/// [`greedy`] starting from projects already funded (`initial`, e.g. the result of the Method
/// of Equal Shares): they stay funded, first in the result, and the walk fills what is left of
/// the budget. Out-of-range indices in `initial` are reported as
/// [`ElectionError::UnknownProject`] with `ballot` set to `usize::MAX`.
pub fn greedy_from(
    election: &Election,
    sat: Satisfaction,
    initial: &[usize],
) -> Result<GreedyOutcome, ElectionError> {
    election.validate_approval()?;
    let m = election.projects.len();
    if let Some(&p) = initial.iter().find(|&&p| p >= m) {
        return Err(ElectionError::UnknownProject {
            ballot: usize::MAX,
            project: p,
            projects: m,
        });
    }
    let mut approvals = vec![0u128; m];
    for b in &election.ballots {
        if let BallotKind::Approval(set) = &b.kind {
            set.iter()
                .for_each(|&p| approvals[p] += u128::from(b.weight));
        }
    }
    let density = |p: usize| -> BigRational {
        let cost = &election.projects[p].cost;
        let total = BigRational::from_integer(BigInt::from(approvals[p])) * sat.of(cost);
        if total.is_zero() {
            BigRational::zero()
        } else {
            total / cost
        }
    };
    let mut funded = vec![false; m];
    initial.iter().for_each(|&p| funded[p] = true);
    let mut order: Vec<(usize, BigRational)> = election
        .id_order()
        .into_iter()
        .filter(|&p| !funded[p])
        .map(|p| (p, density(p)))
        .collect();
    // Stable: equal densities stay in id order.
    order.sort_by(|a, b| b.1.cmp(&a.1));
    let start = &election.budget - election.cost_of(initial);
    let mut remaining = start.clone();
    let mut selected = initial.to_vec();
    let mut steps = Vec::with_capacity(order.len());
    for (p, d) in order {
        let cost = &election.projects[p].cost;
        let fits = *cost <= remaining;
        if fits {
            remaining -= cost;
            selected.push(p);
        }
        steps.push(GreedyStep {
            project: p,
            id: election.projects[p].id.clone(),
            cost: cost.clone(),
            density: d,
            selected: fits,
            remaining: remaining.clone(),
        });
    }
    Ok(GreedyOutcome {
        total_cost: election.cost_of(&selected),
        selected,
        explanation: GreedyExplanation {
            satisfaction: sat,
            start,
            steps,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::election::{Ballot, Project};
    use super::*;

    fn r(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    fn election() -> Election {
        let projects = [("a", 6), ("b", 4), ("c", 3), ("d", 1)]
            .iter()
            .map(|&(id, c)| Project {
                id: id.into(),
                cost: r(c),
                name: String::new(),
            })
            .collect();
        // Approvals: a 3, b 2, c 2, d 0.
        Election {
            budget: r(10),
            projects,
            ballots: vec![
                Ballot::approval([0, 1]),
                Ballot::approval([0, 2]).with_weight(2),
                Ballot::approval([1]),
            ],
        }
    }

    #[test]
    fn cost_satisfaction_ranks_by_approvals_and_skips_what_does_not_fit() {
        let e = election();
        let out = greedy(&e, Satisfaction::Cost).unwrap();
        // a (3) fits: 4 left; b (2, tied with c, id first) fits: 0 left; c, d do not fit.
        assert_eq!(e.ids_of(&out.selected), ["a", "b"]);
        assert_eq!(out.total_cost, r(10));
        let order: Vec<&str> = out
            .explanation
            .steps
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn cardinality_satisfaction_ranks_by_approvals_per_cost() {
        let e = election();
        let out = greedy(&e, Satisfaction::Cardinality).unwrap();
        // c 2/3, a 1/2, b 1/2 (a first by id), d 0: c (7 left), a (1 left), b no, d (0 left).
        assert_eq!(e.ids_of(&out.selected), ["c", "a", "d"]);
    }

    #[test]
    fn greedy_from_keeps_the_initial_projects() {
        let e = election();
        let out = greedy_from(&e, Satisfaction::Cost, &[2]).unwrap();
        assert_eq!(e.ids_of(&out.selected), ["c", "a", "d"]);
        assert_eq!(out.explanation.start, r(7));
    }
}
