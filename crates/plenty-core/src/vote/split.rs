//! The split of working hours between consumption, investment and common funds (or any number
//! of uses), by the component-wise weighted median of the members' proposed shares.
//!
//! ## Why the median
//!
//! Each member proposes shares `x_b = (x_b1, …, x_bk)`, `x_bj ≥ 0`, `Σ_j x_bj = 1`. The mean
//! would let one member drag every component towards an extreme answer (proposing 100 %
//! investment moves the mean by `1/n` of the distance, however far it is). The weighted
//! median of component `j` is the value `m_j` with at most half of the weight strictly below
//! it and at most half strictly above it: no member can move it past another member's answer
//! by exaggerating, and under single-peaked preferences on each component nobody gains by
//! misreporting that component.
//!
//! When the weight below a value is exactly half, the median is the midpoint of that value and
//! the next larger one (the usual convention; it keeps the rule symmetric).
//!
//! ## Why normalise
//!
//! Component-wise medians need not sum to 1 (three members proposing `(1,0,0)`, `(0,1,0)`,
//! `(0,0,1)` have medians `(0,0,0)`; `(0.5,0.5,0)`, `(0.5,0,0.5)`, `(0,0.5,0.5)` have
//! `(0.5,0.5,0.5)`). The hours are one total, so the medians are divided by their sum, which
//! keeps their proportions: `share_j = m_j / Σ_k m_k`. When every median is 0 there are no
//! proportions to keep and the weighted mean (which sums to 1) is used instead; [`Split`]
//! says so.

use serde::Serialize;

/// The decided split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Split {
    /// The shares, summing to 1 (up to rounding).
    pub shares: Vec<f64>,
    /// The component-wise weighted medians before normalisation.
    pub medians: Vec<f64>,
    /// Whether every median was 0 and the weighted mean was used.
    pub used_mean: bool,
}

/// A proposed split that cannot be counted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    /// No ballots, or only ballots of weight 0.
    #[error("there are no ballots (of positive weight) to decide the split")]
    NoBallots,
    /// Ballots of different lengths.
    #[error("ballot {ballot} has {found} shares; the first has {expected}")]
    Length {
        /// The ballot's index.
        ballot: usize,
        /// The first ballot's number of shares.
        expected: usize,
        /// This ballot's.
        found: usize,
    },
    /// A share below 0, NaN or infinite.
    #[error("ballot {ballot}: share {component} is {value}; shares must be finite and at least 0")]
    BadShare {
        /// The ballot's index.
        ballot: usize,
        /// The component (0-based).
        component: usize,
        /// The value.
        value: f64,
    },
    /// Shares that do not sum to 1.
    #[error("ballot {ballot}: the shares sum to {sum}, not 1 (within 1e-9)")]
    Sum {
        /// The ballot's index.
        ballot: usize,
        /// Their sum.
        sum: f64,
    },
}

/// The weighted median of each component of `(weight, shares)` ballots, normalised to sum to
/// 1 (see the [module documentation](self)). Every ballot must have the same number of shares,
/// each finite and `≥ 0`, summing to 1 within `1e-9`. Ballots of weight 0 are checked and then
/// ignored.
pub fn split_of_hours<S: AsRef<[f64]>>(ballots: &[(u64, S)]) -> Result<Split, SplitError> {
    let k = ballots
        .first()
        .ok_or(SplitError::NoBallots)?
        .1
        .as_ref()
        .len();
    for (i, (_, s)) in ballots.iter().enumerate() {
        let s = s.as_ref();
        if s.len() != k {
            return Err(SplitError::Length {
                ballot: i,
                expected: k,
                found: s.len(),
            });
        }
        if let Some((j, &v)) = s
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite() || **v < 0.0)
        {
            return Err(SplitError::BadShare {
                ballot: i,
                component: j,
                value: v,
            });
        }
        let sum: f64 = s.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(SplitError::Sum { ballot: i, sum });
        }
    }
    let total: u128 = ballots.iter().map(|(w, _)| u128::from(*w)).sum();
    if total == 0 {
        return Err(SplitError::NoBallots);
    }
    let medians: Vec<f64> = (0..k)
        .map(|j| {
            let mut values: Vec<(f64, u64)> = ballots
                .iter()
                .filter(|(w, _)| *w > 0)
                .map(|(w, s)| (s.as_ref()[j], *w))
                .collect();
            values.sort_by(|a, b| a.0.total_cmp(&b.0));
            weighted_median(&values, total)
        })
        .collect();
    let sum: f64 = medians.iter().sum();
    let (shares, used_mean) = if sum > 0.0 {
        (medians.iter().map(|m| m / sum).collect(), false)
    } else {
        let mean = (0..k)
            .map(|j| {
                ballots
                    .iter()
                    .map(|(w, s)| *w as f64 * s.as_ref()[j])
                    .sum::<f64>()
                    / total as f64
            })
            .collect();
        (mean, true)
    };
    Ok(Split {
        shares,
        medians,
        used_mean,
    })
}

/// The weighted median of sorted `(value, weight)` pairs with total weight `total`: the first
/// value where the cumulative weight reaches half; the midpoint with the next value when it
/// reaches exactly half.
fn weighted_median(values: &[(f64, u64)], total: u128) -> f64 {
    let mut cum: u128 = 0;
    for (k, &(v, w)) in values.iter().enumerate() {
        cum += u128::from(w);
        // cum ≥ total / 2, in integers.
        if 2 * cum > total {
            return v;
        }
        if 2 * cum == total {
            let next = values.get(k + 1).map_or(v, |n| n.0);
            return (v + next) / 2.0;
        }
    }
    values.last().map_or(0.0, |l| l.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_extreme_member_cannot_drag_the_median() {
        let ballots = [
            (1, [0.6, 0.3, 0.1]),
            (1, [0.5, 0.3, 0.2]),
            (1, [0.0, 1.0, 0.0]),
        ];
        let s = split_of_hours(&ballots).unwrap();
        assert_eq!(s.medians, vec![0.5, 0.3, 0.1]);
        let expect = [0.5 / 0.9, 0.3 / 0.9, 0.1 / 0.9];
        for (a, b) in s.shares.iter().zip(expect) {
            assert!((a - b).abs() < 1e-15);
        }
        assert!((s.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn weights_count_and_even_splits_take_the_midpoint() {
        // Weight 3 at 0.2, weight 1 at 0.6: median 0.2.
        let s = split_of_hours(&[(3, vec![0.2, 0.8]), (1, vec![0.6, 0.4])]).unwrap();
        assert_eq!(s.medians, vec![0.2, 0.8]);
        // Equal weights: midpoints.
        let s = split_of_hours(&[(1, vec![0.2, 0.8]), (1, vec![0.6, 0.4])]).unwrap();
        assert!((s.medians[0] - 0.4).abs() < 1e-15 && (s.medians[1] - 0.6).abs() < 1e-15);
    }

    #[test]
    fn all_zero_medians_fall_back_to_the_mean() {
        let s = split_of_hours(&[
            (1, [1.0, 0.0, 0.0]),
            (1, [0.0, 1.0, 0.0]),
            (1, [0.0, 0.0, 1.0]),
        ])
        .unwrap();
        assert!(s.used_mean);
        assert!(s.shares.iter().all(|&x| (x - 1.0 / 3.0).abs() < 1e-15));
    }

    #[test]
    fn bad_ballots_are_named() {
        assert_eq!(split_of_hours::<[f64; 3]>(&[]), Err(SplitError::NoBallots));
        assert!(matches!(
            split_of_hours(&[(1, vec![0.5, 0.5]), (1, vec![1.0])]),
            Err(SplitError::Length { ballot: 1, .. })
        ));
        assert!(matches!(
            split_of_hours(&[(1, vec![1.5, -0.5])]),
            Err(SplitError::BadShare {
                ballot: 0,
                component: 1,
                ..
            })
        ));
        assert!(matches!(
            split_of_hours(&[(1, vec![0.5, f64::NAN])]),
            Err(SplitError::BadShare {
                ballot: 0,
                component: 1,
                ..
            })
        ));
        assert!(matches!(
            split_of_hours(&[(1, vec![0.5, 0.4])]),
            Err(SplitError::Sum { ballot: 0, .. })
        ));
        // Within 1e-9 is accepted.
        assert!(split_of_hours(&[(1, vec![0.5, 0.5 + 5e-10])]).is_ok());
    }
}
