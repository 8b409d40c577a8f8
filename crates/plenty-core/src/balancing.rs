//! Biproportional balancing: RAS and GRAS.
//!
//! Given a prior matrix `Z⁰` (`m × n`) and target margins `u` (row sums, length `m`) and `v`
//! (column sums, length `n`), find a matrix `Z` "closest" to `Z⁰` with `Z 1 = u` and
//! `1ᵀ Z = v`.
//!
//! * **RAS** (Miller & Blair, *Input-Output Analysis*, 3rd ed., 2022, ch. 7, §7.4): for a
//!   non-negative prior, `Z = diag(r) Z⁰ diag(s)`. Alternately scale the rows,
//!   `r_i ← u_i / Σ_j z⁰_ij s_j`, and the columns, `s_j ← v_j / Σ_i r_i z⁰_ij`, until every row
//!   and column sum is within the tolerance of its target. RAS minimises the information
//!   distance `Σ z_ij ln(z_ij / z⁰_ij)` subject to the margins.
//! * **GRAS** (Junius & Oosterhaven, 2003, *Economic Systems Research* 15(1); corrected form by
//!   Lenzen, Wood & Gallego, 2007, *ESR* 19(4)): the prior is split into its positive part `P`
//!   and the magnitudes of its negative entries `N` (`Z⁰ = P − N`). With row multipliers `r`
//!   and column multipliers `s`, `z_ij = r_i p_ij s_j − n_ij / (r_i s_j)`. For fixed `s`,
//!   row `i` must satisfy `r_i p_i(s) − n_i(s) / r_i = u_i` with `p_i(s) = Σ_j p_ij s_j`,
//!   `n_i(s) = Σ_j n_ij / s_j`, whose positive root is
//!   `r_i = (u_i + √(u_i² + 4 p_i(s) n_i(s))) / (2 p_i(s))`, or `r_i = −n_i(s) / u_i` when
//!   `p_i(s) = 0` (Lenzen et al., eq. 7–9). Columns are updated the same way with `r` fixed. On
//!   a non-negative prior GRAS is RAS.
//!
//! A target can only be met if the margins are consistent (`Σ u = Σ v`) and each row or column
//! with a non-zero target has an entry of the right sign to scale; otherwise the result says
//! which row or column makes the problem infeasible.

use crate::error::ModelError;
use crate::matrix::DenseMatrix;
use serde::{Deserialize, Serialize};

/// Settings of a balancing run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BalancingSettings {
    /// Stop when every row and column sum is within `tolerance · max(1, |target|)` of its
    /// target (a relative tolerance for large margins, absolute for small ones).
    pub tolerance: f64,
    /// The most row-and-column sweeps to run.
    pub max_iterations: usize,
}

impl Default for BalancingSettings {
    fn default() -> Self {
        Self {
            tolerance: 1e-10,
            max_iterations: 10_000,
        }
    }
}

/// Which margin makes a balancing problem infeasible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Infeasibility {
    /// The row targets and the column targets have different totals.
    TotalsDiffer {
        /// `Σ u`.
        rows: f64,
        /// `Σ v`.
        columns: f64,
    },
    /// A row whose prior has no entry that can be scaled to its non-zero target (all zero, or
    /// all of the opposite sign).
    Row {
        /// The row (0-based).
        index: usize,
        /// Its target.
        target: f64,
    },
    /// A column whose prior has no entry that can be scaled to its non-zero target.
    Column {
        /// The column (0-based).
        index: usize,
        /// Its target.
        target: f64,
    },
}

impl std::fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TotalsDiffer { rows, columns } => write!(
                f,
                "the row targets add up to {rows} but the column targets to {columns}; they must have the same total"
            ),
            Self::Row { index, target } => write!(
                f,
                "row {index} has target {target} but no entry of the prior that can be scaled to it"
            ),
            Self::Column { index, target } => write!(
                f,
                "column {index} has target {target} but no entry of the prior that can be scaled to it"
            ),
        }
    }
}

/// How a balancing run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum BalancingStatus {
    /// Every margin is within the tolerance.
    Converged,
    /// The iteration limit was reached first; the result is the last iterate.
    NotConverged,
    /// The margins cannot be met; the result is the prior, unchanged.
    Infeasible(Infeasibility),
}

/// The balanced matrix and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Balanced {
    /// The balanced matrix `Z`.
    pub matrix: DenseMatrix,
    /// Row multipliers `r`.
    pub row_multipliers: Vec<f64>,
    /// Column multipliers `s`.
    pub column_multipliers: Vec<f64>,
    /// Row-and-column sweeps run.
    pub iterations: usize,
    /// The largest `|margin − target| / max(1, |target|)` over all rows and columns at the end.
    pub max_margin_error: f64,
    /// Converged, not converged, or infeasible.
    pub status: BalancingStatus,
}

/// Checks the input and the margins' feasibility; `Ok(None)` means feasible.
fn check(
    prior: &DenseMatrix,
    row_targets: &[f64],
    column_targets: &[f64],
    settings: &BalancingSettings,
    allow_negative: bool,
) -> Result<Option<Infeasibility>, ModelError> {
    let (m, n) = (prior.nrows(), prior.ncols());
    for (what, len, found) in [
        ("the row targets", m, row_targets.len()),
        ("the column targets", n, column_targets.len()),
    ] {
        if len != found {
            return Err(ModelError::Invalid(format!(
                "{what} have length {found}, but the matrix is {m} × {n}"
            )));
        }
    }
    if !(settings.tolerance > 0.0 && settings.tolerance.is_finite()) {
        return Err(ModelError::Invalid(format!(
            "the balancing tolerance is {}; it must be a positive number",
            settings.tolerance
        )));
    }
    for i in 0..m {
        for (j, &z) in prior.row(i).iter().enumerate() {
            if !z.is_finite() {
                return Err(ModelError::NotFinite {
                    what: "prior matrix entry".into(),
                    row: i,
                    col: j,
                    value: z,
                });
            }
            if z < 0.0 && !allow_negative {
                return Err(ModelError::Negative {
                    what: "prior matrix entry (RAS needs a non-negative prior; use GRAS)".into(),
                    row: i,
                    col: j,
                    value: z,
                });
            }
        }
    }
    for (what, t) in [
        ("row target", row_targets),
        ("column target", column_targets),
    ] {
        if let Some(k) = t.iter().position(|x| !x.is_finite()) {
            return Err(ModelError::NotFinite {
                what: what.into(),
                row: k,
                col: 0,
                value: t[k],
            });
        }
        if !allow_negative {
            if let Some(k) = t.iter().position(|&x| x < 0.0) {
                return Err(ModelError::Negative {
                    what: format!("{what} (RAS needs non-negative targets; use GRAS)"),
                    row: k,
                    col: 0,
                    value: t[k],
                });
            }
        }
    }
    let (su, sv) = (
        row_targets.iter().sum::<f64>(),
        column_targets.iter().sum::<f64>(),
    );
    if (su - sv).abs() > settings.tolerance * su.abs().max(sv.abs()).max(1.0) {
        return Ok(Some(Infeasibility::TotalsDiffer {
            rows: su,
            columns: sv,
        }));
    }
    // A positive target needs a positive entry, a negative one a negative entry.
    fn scalable(mut entries: impl Iterator<Item = f64>, target: f64) -> bool {
        target == 0.0 || entries.any(|z| (target > 0.0 && z > 0.0) || (target < 0.0 && z < 0.0))
    }
    for (i, &u) in row_targets.iter().enumerate() {
        if !scalable(prior.row(i).iter().copied(), u) {
            return Ok(Some(Infeasibility::Row {
                index: i,
                target: u,
            }));
        }
    }
    for (j, &v) in column_targets.iter().enumerate() {
        if !scalable((0..m).map(|i| prior.get(i, j)), v) {
            return Ok(Some(Infeasibility::Column {
                index: j,
                target: v,
            }));
        }
    }
    Ok(None)
}

/// The multiplier `r` solving `r p − n / r = u` (`p, n ≥ 0`), `1` where nothing can be scaled.
///
/// Lenzen, Wood & Gallego (2007), eq. 9: the positive root
/// `r = (u + √(u² + 4 p n)) / (2 p)`; with `p = 0` the root is `r = −n / u`. With `u = 0` and
/// `n = 0` the row is set to zero by `r → 0`; a tiny positive `r` keeps later sweeps defined.
fn gras_multiplier(p: f64, n: f64, u: f64) -> f64 {
    if p > 0.0 {
        if n > 0.0 {
            // The numerically stable root: for u < 0 use 2n / (√(u² + 4pn) − u).
            let disc = (u * u + 4.0 * p * n).sqrt();
            if u >= 0.0 {
                (u + disc) / (2.0 * p)
            } else {
                2.0 * n / (disc - u)
            }
        } else if u > 0.0 {
            u / p
        } else {
            // Only positive entries and a zero target: the row goes to zero.
            0.0
        }
    } else if n > 0.0 {
        if u < 0.0 {
            -n / u
        } else {
            // Only negative entries and a zero target: the row goes to zero (r → ∞).
            f64::INFINITY
        }
    } else {
        1.0
    }
}

/// The entry `r p s − n / (r s)` of a GRAS iterate, with the limits `r s → 0` or `∞` taken.
fn gras_entry(z0: f64, r: f64, s: f64) -> f64 {
    let rs = r * s;
    if z0 > 0.0 {
        if rs.is_finite() {
            z0 * rs
        } else {
            0.0
        }
    } else if z0 < 0.0 {
        if rs > 0.0 {
            z0 / rs
        } else {
            0.0
        }
    } else {
        0.0
    }
}

fn margin_error(z: &DenseMatrix, row_targets: &[f64], column_targets: &[f64]) -> f64 {
    let rel = |got: f64, want: f64| (got - want).abs() / want.abs().max(1.0);
    let rows = (0..z.nrows()).map(|i| rel(z.row(i).iter().sum(), row_targets[i]));
    let cols = z
        .column_sums()
        .into_iter()
        .zip(column_targets)
        .map(|(got, &want)| rel(got, want));
    rows.chain(cols).fold(0.0, f64::max)
}

/// RAS: scales the rows and columns of a non-negative `prior` to the margins
/// `row_targets` (`u`) and `column_targets` (`v`): `Z = diag(r) Z⁰ diag(s)` (Miller & Blair,
/// 3rd ed., §7.4). A negative prior entry or target is an error (use [`gras`]); margins that
/// cannot be met are reported in the status, not as an error.
pub fn ras(
    prior: &DenseMatrix,
    row_targets: &[f64],
    column_targets: &[f64],
    settings: &BalancingSettings,
) -> Result<Balanced, ModelError> {
    balance(prior, row_targets, column_targets, settings, false)
}

/// GRAS: like [`ras`], but the prior may have negative entries and the targets may be negative
/// (Junius & Oosterhaven 2003; Lenzen, Wood & Gallego 2007):
/// `z_ij = r_i p_ij s_j − n_ij / (r_i s_j)` with `Z⁰ = P − N`, `P, N ≥ 0`. The sign of every
/// entry is kept. On a non-negative prior it gives the same matrix as RAS.
pub fn gras(
    prior: &DenseMatrix,
    row_targets: &[f64],
    column_targets: &[f64],
    settings: &BalancingSettings,
) -> Result<Balanced, ModelError> {
    balance(prior, row_targets, column_targets, settings, true)
}

fn balance(
    prior: &DenseMatrix,
    row_targets: &[f64],
    column_targets: &[f64],
    settings: &BalancingSettings,
    allow_negative: bool,
) -> Result<Balanced, ModelError> {
    let (m, n) = (prior.nrows(), prior.ncols());
    if let Some(why) = check(prior, row_targets, column_targets, settings, allow_negative)? {
        return Ok(Balanced {
            matrix: prior.clone(),
            row_multipliers: vec![1.0; m],
            column_multipliers: vec![1.0; n],
            iterations: 0,
            max_margin_error: margin_error(prior, row_targets, column_targets),
            status: BalancingStatus::Infeasible(why),
        });
    }
    let mut r = vec![1.0; m];
    let mut s = vec![1.0; n];
    let build = |r: &[f64], s: &[f64]| {
        DenseMatrix::from_fn(m, n, |i, j| gras_entry(prior.get(i, j), r[i], s[j]))
    };
    let mut iterations = 0;
    let mut err = margin_error(prior, row_targets, column_targets);
    while err > settings.tolerance && iterations < settings.max_iterations {
        iterations += 1;
        // Rows, with s fixed: p_i(s) = Σ_j p_ij s_j, n_i(s) = Σ_j n_ij / s_j.
        for i in 0..m {
            let (mut p, mut q) = (0.0, 0.0);
            for (j, &z) in prior.row(i).iter().enumerate() {
                if z > 0.0 {
                    p += z * s[j];
                } else if z < 0.0 && s[j] > 0.0 {
                    q += -z / s[j];
                }
            }
            r[i] = gras_multiplier(p, q, row_targets[i]);
        }
        // Columns, with r fixed.
        for (j, sj) in s.iter_mut().enumerate() {
            let (mut p, mut q) = (0.0, 0.0);
            for (i, &ri) in r.iter().enumerate() {
                let z = prior.get(i, j);
                if z > 0.0 && ri.is_finite() {
                    p += z * ri;
                } else if z < 0.0 && ri > 0.0 {
                    q += -z / ri;
                }
            }
            *sj = gras_multiplier(p, q, column_targets[j]);
        }
        err = margin_error(&build(&r, &s), row_targets, column_targets);
    }
    let matrix = build(&r, &s);
    let status = if err <= settings.tolerance {
        BalancingStatus::Converged
    } else {
        BalancingStatus::NotConverged
    };
    Ok(Balanced {
        matrix,
        row_multipliers: r,
        column_multipliers: s,
        iterations,
        max_margin_error: err,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: usize, cols: usize, v: &[f64]) -> DenseMatrix {
        DenseMatrix::try_from_row_major(rows, cols, v.to_vec()).unwrap()
    }

    #[test]
    fn issue_17_ras_meets_the_margins_of_a_small_table() {
        // A 3 × 3 prior and new margins with equal totals (740).
        let z0 = m(3, 3, &[120., 40., 80., 60., 90., 50., 80., 60., 40.]);
        let u = [300., 250., 190.];
        let v = [290., 230., 220.];
        let b = ras(&z0, &u, &v, &BalancingSettings::default()).unwrap();
        assert_eq!(b.status, BalancingStatus::Converged);
        assert!(b.max_margin_error <= 1e-10);
        for (i, ui) in u.iter().enumerate() {
            let row: f64 = b.matrix.row(i).iter().sum();
            assert!((row - ui).abs() < 1e-7);
        }
        // The solution is biproportional: z_ij = r_i z0_ij s_j.
        for i in 0..3 {
            for j in 0..3 {
                let want = b.row_multipliers[i] * z0.get(i, j) * b.column_multipliers[j];
                assert!((b.matrix.get(i, j) - want).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn issue_17_infeasible_margins_name_the_row_or_column() {
        let z0 = m(2, 2, &[1., 2., 0., 0.]);
        let b = ras(&z0, &[3., 1.], &[2., 2.], &BalancingSettings::default()).unwrap();
        assert_eq!(
            b.status,
            BalancingStatus::Infeasible(Infeasibility::Row {
                index: 1,
                target: 1.0
            })
        );
        let b = ras(&z0, &[3., 0.], &[2., 2.], &BalancingSettings::default()).unwrap();
        assert!(matches!(
            b.status,
            BalancingStatus::Infeasible(Infeasibility::TotalsDiffer { .. })
        ));
        let z0 = m(2, 2, &[1., 0., 2., 0.]);
        let b = ras(&z0, &[1., 1.], &[1., 1.], &BalancingSettings::default()).unwrap();
        assert_eq!(
            b.status,
            BalancingStatus::Infeasible(Infeasibility::Column {
                index: 1,
                target: 1.0
            })
        );
        assert!(ras(
            &m(1, 1, &[-1.]),
            &[1.],
            &[1.],
            &BalancingSettings::default()
        )
        .is_err());
    }

    #[test]
    fn issue_17_gras_keeps_signs_and_meets_margins() {
        let z0 = m(3, 3, &[7., 3., 5., -3., 9., 3., 2., -1., 4.]);
        let u = [16., 10., 6.];
        let v = [7., 13., 12.];
        let b = gras(&z0, &u, &v, &BalancingSettings::default()).unwrap();
        assert_eq!(b.status, BalancingStatus::Converged, "{b:?}");
        for i in 0..3 {
            for j in 0..3 {
                assert_eq!(b.matrix.get(i, j).signum(), z0.get(i, j).signum());
            }
        }
    }

    #[test]
    fn issue_17_not_converged_is_reported() {
        let z0 = m(3, 3, &[1., 1., 0., 1., 0., 1., 0., 1., 1.]);
        let s = BalancingSettings {
            tolerance: 1e-14,
            max_iterations: 2,
        };
        let b = ras(&z0, &[5., 1., 2.], &[2., 3., 3.], &s).unwrap();
        assert_eq!(b.status, BalancingStatus::NotConverged);
        assert_eq!(b.iterations, 2);
        assert!(b.max_margin_error > 1e-14);
    }
}
