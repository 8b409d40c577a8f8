//! Quorums: whether enough members took part for a vote to count.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;
use std::fmt;

/// The conditions for a vote to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quorum {
    /// The least fraction of the eligible weight that must be cast (ballot weights include
    /// delegations), in `[0, 1]`.
    pub min_turnout: BigRational,
    /// The least number of distinct ballots (so that a few delegates cannot decide alone).
    pub min_ballots: u64,
}

/// What was cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Turnout {
    /// The total weight of the ballots (members represented, delegations included).
    pub weight: u64,
    /// The number of ballots.
    pub ballots: u64,
}

/// One condition of a quorum, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuorumCheck {
    /// What is counted: `"turnout weight"` or `"ballots"`.
    pub what: &'static str,
    /// The least needed.
    pub required: u64,
    /// What there was.
    pub actual: u64,
    /// Whether it was enough.
    pub met: bool,
}

/// The verdict with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuorumOutcome {
    /// Whether every condition is met.
    pub met: bool,
    /// The turnout, cast weight / eligible weight (0 when nobody is eligible).
    #[serde(serialize_with = "super::ratio_serde::one")]
    pub turnout: BigRational,
    /// Each condition.
    pub checks: Vec<QuorumCheck>,
}

impl fmt::Display for QuorumOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "quorum {}", if self.met { "met" } else { "not met" })?;
        for c in &self.checks {
            write!(
                f,
                "; {} {} of {} required ({})",
                c.what,
                c.actual,
                c.required,
                if c.met { "ok" } else { "short" }
            )?;
        }
        Ok(())
    }
}

/// A quorum or turnout that makes no sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuorumError {
    /// `min_turnout` outside `[0, 1]`.
    #[error("the minimum turnout {0} is not a fraction between 0 and 1")]
    Turnout(String),
    /// More weight cast than eligible.
    #[error("{cast} cast weight is more than the {eligible} eligible")]
    TooMuchCast {
        /// Weight cast.
        cast: u64,
        /// Weight eligible.
        eligible: u64,
    },
}

/// Checks a quorum: the cast weight must reach `⌈min_turnout · eligible⌉` and the number of
/// ballots `min_ballots`. Each condition is reported with what was required and what there was.
pub fn check_quorum(
    quorum: &Quorum,
    eligible: u64,
    cast: Turnout,
) -> Result<QuorumOutcome, QuorumError> {
    if quorum.min_turnout.is_negative() || quorum.min_turnout > BigRational::one() {
        return Err(QuorumError::Turnout(quorum.min_turnout.to_string()));
    }
    if cast.weight > eligible {
        return Err(QuorumError::TooMuchCast {
            cast: cast.weight,
            eligible,
        });
    }
    let needed = (&quorum.min_turnout * BigRational::from_integer(BigInt::from(eligible)))
        .ceil()
        .to_integer();
    // needed ≤ eligible, so it fits in u64.
    let required = u64::try_from(needed).unwrap_or(eligible);
    let checks = vec![
        QuorumCheck {
            what: "turnout weight",
            required,
            actual: cast.weight,
            met: cast.weight >= required,
        },
        QuorumCheck {
            what: "ballots",
            required: quorum.min_ballots,
            actual: cast.ballots,
            met: cast.ballots >= quorum.min_ballots,
        },
    ];
    Ok(QuorumOutcome {
        met: checks.iter().all(|c| c.met),
        turnout: if eligible == 0 {
            BigRational::zero()
        } else {
            BigRational::new(cast.weight.into(), eligible.into())
        },
        checks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quorum(n: i64, d: i64, b: u64) -> Quorum {
        Quorum {
            min_turnout: BigRational::new(n.into(), d.into()),
            min_ballots: b,
        }
    }

    #[test]
    fn turnout_is_rounded_up_and_both_conditions_count() {
        // A third of 10 members: 4 needed (⌈10/3⌉).
        let q = quorum(1, 3, 2);
        let o = check_quorum(
            &q,
            10,
            Turnout {
                weight: 3,
                ballots: 3,
            },
        )
        .unwrap();
        assert!(!o.met);
        assert_eq!(o.checks[0].required, 4);
        let o = check_quorum(
            &q,
            10,
            Turnout {
                weight: 4,
                ballots: 1,
            },
        )
        .unwrap();
        assert!(!o.met && o.checks[0].met && !o.checks[1].met);
        let o = check_quorum(
            &q,
            10,
            Turnout {
                weight: 4,
                ballots: 2,
            },
        )
        .unwrap();
        assert!(o.met);
        assert_eq!(o.turnout, BigRational::new(2.into(), 5.into()));
        assert_eq!(
            o.to_string(),
            "quorum met; turnout weight 4 of 4 required (ok); ballots 2 of 2 required (ok)"
        );
    }

    #[test]
    fn nonsense_is_refused() {
        assert!(check_quorum(
            &quorum(3, 2, 0),
            10,
            Turnout {
                weight: 1,
                ballots: 1
            }
        )
        .is_err());
        assert!(check_quorum(
            &quorum(1, 2, 0),
            1,
            Turnout {
                weight: 2,
                ballots: 1
            }
        )
        .is_err());
    }
}
