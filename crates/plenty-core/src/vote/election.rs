//! The election: budget, projects, weighted ballots, and their validation.

use num_rational::BigRational;
use num_traits::{Signed, Zero};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A project that may be funded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Unique, non-empty identifier (pabulib `project_id`); ties are broken by it.
    pub id: String,
    /// What funding it costs; strictly positive.
    pub cost: BigRational,
    /// Human-readable name (may be empty).
    pub name: String,
}

/// What a ballot says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotKind {
    /// The indices (into [`Election::projects`]) of the approved projects.
    Approval(BTreeSet<usize>),
    /// Points given to projects, by project index; a project not listed gets 0.
    Score(BTreeMap<usize, u32>),
}

/// One member's ballot, carrying the weight of the members who delegated to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// How many members this ballot speaks for: `1 +` the delegations resolved to its author.
    /// At least 1. A ballot of weight `w` counts exactly as `w` identical ballots.
    pub weight: u64,
    /// The approvals or scores.
    pub kind: BallotKind,
}

impl Ballot {
    /// An approval ballot of weight 1.
    pub fn approval(projects: impl IntoIterator<Item = usize>) -> Self {
        Self {
            weight: 1,
            kind: BallotKind::Approval(projects.into_iter().collect()),
        }
    }

    /// The same ballot with another weight.
    pub fn with_weight(self, weight: u64) -> Self {
        Self { weight, ..self }
    }

    /// Whether the ballot supports project `p`: approves it, or gives it a positive score.
    pub fn supports(&self, p: usize) -> bool {
        match &self.kind {
            BallotKind::Approval(set) => set.contains(&p),
            BallotKind::Score(map) => map.get(&p).is_some_and(|&s| s > 0),
        }
    }
}

/// A participatory budgeting election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// The money (or hours) to be allocated; not negative.
    pub budget: BigRational,
    /// The candidates.
    pub projects: Vec<Project>,
    /// The ballots cast.
    pub ballots: Vec<Ballot>,
}

/// What is wrong with an [`Election`]. Indices are 0-based positions in
/// [`Election::projects`] and [`Election::ballots`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    /// The budget is below zero.
    #[error("the budget {budget} is negative")]
    NegativeBudget {
        /// The budget, as a rational.
        budget: String,
    },
    /// A project has an empty id.
    #[error("project {project} has an empty id")]
    EmptyId {
        /// The project's index.
        project: usize,
    },
    /// Two projects have the same id.
    #[error("projects {first} and {second} have the same id {id:?}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first project with it.
        first: usize,
        /// The second project with it.
        second: usize,
    },
    /// A project costs zero or less.
    #[error("project {id:?} costs {cost}; a cost must be positive")]
    NonPositiveCost {
        /// The project's id.
        id: String,
        /// The cost, as a rational.
        cost: String,
    },
    /// A ballot names a project that does not exist.
    #[error("ballot {ballot} names project {project}, but there are only {projects} projects")]
    UnknownProject {
        /// The ballot's index.
        ballot: usize,
        /// The project index it names.
        project: usize,
        /// How many projects there are.
        projects: usize,
    },
    /// A ballot has weight 0.
    #[error("ballot {ballot} has weight 0; a ballot speaks for at least its author")]
    ZeroWeight {
        /// The ballot's index.
        ballot: usize,
    },
    /// The increment of a completion is zero or negative (it would never end).
    #[error("the share increment {step} must be positive")]
    InvalidIncrement {
        /// The increment, as a rational.
        step: String,
    },
    /// A rule for approval ballots was given a score ballot.
    #[error("ballot {ballot} is a score ballot; this rule needs approval ballots")]
    NotApproval {
        /// The ballot's index.
        ballot: usize,
    },
}

impl Election {
    /// Checks the budget (not negative), the projects (non-empty unique ids, positive costs)
    /// and the ballots (weight at least 1, only existing projects). The first problem found
    /// is returned, in that order.
    pub fn validate(&self) -> Result<(), ElectionError> {
        if self.budget.is_negative() {
            return Err(ElectionError::NegativeBudget {
                budget: self.budget.to_string(),
            });
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (j, p) in self.projects.iter().enumerate() {
            if p.id.is_empty() {
                return Err(ElectionError::EmptyId { project: j });
            }
            if let Some(&first) = seen.get(p.id.as_str()) {
                return Err(ElectionError::DuplicateId {
                    id: p.id.clone(),
                    first,
                    second: j,
                });
            }
            seen.insert(&p.id, j);
            if p.cost <= BigRational::zero() {
                return Err(ElectionError::NonPositiveCost {
                    id: p.id.clone(),
                    cost: p.cost.to_string(),
                });
            }
        }
        let m = self.projects.len();
        for (i, b) in self.ballots.iter().enumerate() {
            if b.weight == 0 {
                return Err(ElectionError::ZeroWeight { ballot: i });
            }
            let max = match &b.kind {
                BallotKind::Approval(s) => s.last().copied(),
                BallotKind::Score(s) => s.keys().last().copied(),
            };
            if let Some(p) = max.filter(|&p| p >= m) {
                return Err(ElectionError::UnknownProject {
                    ballot: i,
                    project: p,
                    projects: m,
                });
            }
        }
        Ok(())
    }

    /// [`validate`](Self::validate), and then that every ballot is an approval ballot.
    pub fn validate_approval(&self) -> Result<(), ElectionError> {
        self.validate()?;
        match self
            .ballots
            .iter()
            .position(|b| !matches!(b.kind, BallotKind::Approval(_)))
        {
            Some(ballot) => Err(ElectionError::NotApproval { ballot }),
            None => Ok(()),
        }
    }

    /// The total weight of the ballots: the number of members they speak for.
    pub fn total_weight(&self) -> u128 {
        self.ballots.iter().map(|b| u128::from(b.weight)).sum()
    }

    /// The sum of the costs of the given projects.
    pub fn cost_of(&self, selected: &[usize]) -> BigRational {
        selected
            .iter()
            .fold(BigRational::zero(), |acc, &p| acc + &self.projects[p].cost)
    }

    /// The ids of the given projects.
    pub fn ids_of(&self, selected: &[usize]) -> Vec<String> {
        selected
            .iter()
            .map(|&p| self.projects[p].id.clone())
            .collect()
    }

    /// The project indices in lexicographic order of their ids (the tie-breaking order).
    pub(crate) fn id_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.projects.len()).collect();
        order.sort_by(|&a, &b| self.projects[a].id.cmp(&self.projects[b].id));
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn r(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    fn project(id: &str, cost: i64) -> Project {
        Project {
            id: id.into(),
            cost: r(cost),
            name: String::new(),
        }
    }

    #[test]
    fn validation_names_the_offender() {
        let ok = Election {
            budget: r(10),
            projects: vec![project("a", 3), project("b", 4)],
            ballots: vec![Ballot::approval([0, 1])],
        };
        assert_eq!(ok.validate(), Ok(()));
        let mut e = ok.clone();
        e.budget = r(-1);
        assert!(matches!(
            e.validate(),
            Err(ElectionError::NegativeBudget { .. })
        ));
        let mut e = ok.clone();
        e.projects[1].id = "a".into();
        assert_eq!(
            e.validate(),
            Err(ElectionError::DuplicateId {
                id: "a".into(),
                first: 0,
                second: 1
            })
        );
        let mut e = ok.clone();
        e.projects[0].id.clear();
        assert_eq!(e.validate(), Err(ElectionError::EmptyId { project: 0 }));
        let mut e = ok.clone();
        e.projects[1].cost = r(0);
        assert!(matches!(
            e.validate(),
            Err(ElectionError::NonPositiveCost { ref id, .. }) if id == "b"
        ));
        let mut e = ok.clone();
        e.ballots.push(Ballot::approval([2]));
        assert_eq!(
            e.validate(),
            Err(ElectionError::UnknownProject {
                ballot: 1,
                project: 2,
                projects: 2
            })
        );
        let mut e = ok.clone();
        e.ballots[0].weight = 0;
        assert_eq!(e.validate(), Err(ElectionError::ZeroWeight { ballot: 0 }));
        let mut e = ok;
        e.ballots.push(Ballot {
            weight: 1,
            kind: BallotKind::Score([(0, 3)].into_iter().collect()),
        });
        assert_eq!(e.validate(), Ok(()));
        assert_eq!(
            e.validate_approval(),
            Err(ElectionError::NotApproval { ballot: 1 })
        );
    }
}
