//! Approval and score tallies.

use super::election::{BallotKind, Election, ElectionError};
use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Serialize;

/// One project's line in an approval tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRow {
    /// The project's index.
    pub project: usize,
    /// The project's id.
    pub id: String,
    /// `Σ w_b` over the ballots `b` that approve it (or score it above 0).
    pub approvals: u128,
}

/// One project's line in a score tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreRow {
    /// The project's index.
    pub project: usize,
    /// The project's id.
    pub id: String,
    /// `Σ w_b · s_b(p)` over all ballots.
    pub sum: u128,
    /// `sum / Σ w_b` over all ballots: a ballot that does not mention the project gives it 0,
    /// so ranking by the mean is ranking by the sum.
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub mean: BigRational,
}

/// The approval count of every project: `a(p) = Σ_{b ∋ p} w_b`, the weighted number of ballots
/// that approve `p` (a score ballot counts as approving the projects it scores above 0).
///
/// Rows are sorted by decreasing count; ties by increasing id (see the
/// [module documentation](super)).
pub fn approval_tally(election: &Election) -> Result<Vec<ApprovalRow>, ElectionError> {
    election.validate()?;
    let mut counts = vec![0u128; election.projects.len()];
    for b in &election.ballots {
        let w = u128::from(b.weight);
        match &b.kind {
            BallotKind::Approval(set) => set.iter().for_each(|&p| counts[p] += w),
            BallotKind::Score(map) => map
                .iter()
                .filter(|(_, &s)| s > 0)
                .for_each(|(&p, _)| counts[p] += w),
        }
    }
    let mut rows: Vec<ApprovalRow> = counts
        .into_iter()
        .enumerate()
        .map(|(p, approvals)| ApprovalRow {
            project: p,
            id: election.projects[p].id.clone(),
            approvals,
        })
        .collect();
    rows.sort_by(|a, b| b.approvals.cmp(&a.approvals).then_with(|| a.id.cmp(&b.id)));
    Ok(rows)
}

/// The score of every project: `S(p) = Σ_b w_b · s_b(p)` with `s_b(p)` the points ballot `b`
/// gives `p` (0 when not mentioned; an approval ballot gives 1 to each approved project), and
/// the mean `S(p) / Σ_b w_b` over all ballots (0 when there are none).
///
/// Rows are sorted by decreasing sum; ties by increasing id.
pub fn score_tally(election: &Election) -> Result<Vec<ScoreRow>, ElectionError> {
    election.validate()?;
    let mut sums = vec![0u128; election.projects.len()];
    for b in &election.ballots {
        let w = u128::from(b.weight);
        match &b.kind {
            BallotKind::Approval(set) => set.iter().for_each(|&p| sums[p] += w),
            BallotKind::Score(map) => map.iter().for_each(|(&p, &s)| sums[p] += w * u128::from(s)),
        }
    }
    let total = election.total_weight();
    let mut rows: Vec<ScoreRow> = sums
        .into_iter()
        .enumerate()
        .map(|(p, sum)| ScoreRow {
            project: p,
            id: election.projects[p].id.clone(),
            sum,
            mean: if total == 0 {
                BigRational::from_integer(0.into())
            } else {
                BigRational::new(BigInt::from(sum), BigInt::from(total))
            },
        })
        .collect();
    rows.sort_by(|a, b| b.sum.cmp(&a.sum).then_with(|| a.id.cmp(&b.id)));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::super::election::{Ballot, Project};
    use super::*;

    fn r(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    fn election() -> Election {
        let projects = ["c", "a", "b"]
            .iter()
            .map(|id| Project {
                id: id.to_string(),
                cost: r(1),
                name: String::new(),
            })
            .collect();
        Election {
            budget: r(2),
            projects,
            ballots: vec![
                Ballot::approval([0, 1]).with_weight(2),
                Ballot::approval([2]),
                Ballot::approval([1, 2]),
                Ballot {
                    weight: 1,
                    kind: BallotKind::Score([(0, 5), (2, 0)].into_iter().collect()),
                },
            ],
        }
    }

    #[test]
    fn approval_tally_counts_weights_and_breaks_ties_by_id() {
        let t = approval_tally(&election()).unwrap();
        let got: Vec<(&str, u128)> = t.iter().map(|r| (r.id.as_str(), r.approvals)).collect();
        // c: 2 + 1 (score 5) = 3; a: 2 + 1 = 3; b: 1 + 1 = 2 (score 0 is no support).
        assert_eq!(got, vec![("a", 3), ("c", 3), ("b", 2)]);
    }

    #[test]
    fn score_tally_sums_and_means() {
        let t = score_tally(&election()).unwrap();
        let got: Vec<(&str, u128)> = t.iter().map(|r| (r.id.as_str(), r.sum)).collect();
        assert_eq!(got, vec![("c", 7), ("a", 3), ("b", 2)]);
        // Total weight 5.
        assert_eq!(t[0].mean, BigRational::new(7.into(), 5.into()));
    }
}
