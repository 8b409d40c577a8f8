//! Ghosh's supply-side model (M&B 12.1).
//!
//! With flows `Z` and gross output `x`, the **allocation (output) coefficients** are
//! `B = diag(x)⁻¹ Z`: `b_ij` is the share of sector `i`'s output sold to sector `j`. Since
//! `Z = A diag(x)`, `B = diag(x)⁻¹ A diag(x)`. The **Ghosh inverse** is `G = (I − B)⁻¹`, and
//! because `I − B` is similar to `I − A`,
//!
//! ```text
//! G = diag(x)⁻¹ L diag(x),      g_ij = l_ij x_j / x_i,      L = (I − A)⁻¹.
//! ```
//!
//! Output from primary inputs (value added, imports) `v` is `x' = v' G` (M&B eq. 12.5). With
//! `w_i = v_i / x_i` this is `x'_j = x_j (w L)_j`: one transposed Leontief solve, so large
//! sparse economies never form `G`. The **forward linkages** are the row sums of `G`,
//! `G 1 = diag(x)⁻¹ L x`: one output solve with `x` as the right-hand side.
//!
//! Sectors with `x_i = 0` have a zero row in `B` and `G` (pymrio's `calc_B`/`calc_G`
//! convention).

use super::{check_dense_size, check_finite, check_len, gross_output, AnalysisError, NamedReport};
use crate::economy::Economy;
use crate::matrix::{DenseMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, Solved};
use serde::{Deserialize, Serialize};

/// `1 / x_i`, or 0 where `x_i = 0`.
fn reciprocal(x: &[f64]) -> Vec<f64> {
    x.iter()
        .map(|&v| if v != 0.0 { 1.0 / v } else { 0.0 })
        .collect()
}

fn check_output(x: &[f64], n: usize) -> Result<(), AnalysisError> {
    check_len("gross output", n, x.len())?;
    check_finite("gross output", x, false)?;
    Ok(())
}

/// The allocation coefficients `B = diag(x)⁻¹ A diag(x)` (= `diag(x)⁻¹ Z`), in `A`'s storage.
/// `B` is square and non-negative like `A`, so it is returned in the same type; its row sums,
/// not its column sums, are below 1 in a table with primary inputs.
pub fn allocation_coefficients(
    a: &TechnicalCoefficients,
    gross_output: &[f64],
) -> Result<TechnicalCoefficients, AnalysisError> {
    check_output(gross_output, a.n())?;
    let r = reciprocal(gross_output);
    Ok(super::scaled(a, |i, j| r[i] * gross_output[j])?)
}

/// Primary-input coefficients `v_j / x_j = 1 − Σ_i a_ij`: everything a sector pays besides
/// domestic intermediate inputs (value added, imports, taxes), per unit of output. With these
/// `v' G = x'` (and `v_c L = 1`) hold exactly.
pub fn primary_input_coefficients(a: &TechnicalCoefficients) -> Vec<f64> {
    a.column_sums().iter().map(|s| 1.0 - s).collect()
}

/// The Ghosh inverse `G = diag(x)⁻¹ L diag(x)` as a dense matrix, from `n` solves for the
/// columns of `L`. Refused above [`super::DENSE_RESULT_LIMIT`] products.
pub fn ghosh_inverse(
    solver: &LeontiefSolver<'_>,
    gross_output: &[f64],
) -> Result<(DenseMatrix, Vec<NamedReport>), AnalysisError> {
    let n = solver.n();
    check_dense_size("the Ghosh inverse G", n)?;
    check_output(gross_output, n)?;
    let r = reciprocal(gross_output);
    let columns = solver.inverse_columns(&(0..n).collect::<Vec<_>>())?;
    let worst = columns
        .iter()
        .max_by(|a, b| {
            a.report
                .relative_residual
                .total_cmp(&b.report.relative_residual)
        })
        .map(|s| NamedReport::new("columns of L (worst)", s.report.clone()));
    let g = DenseMatrix::from_fn(n, n, |i, j| r[i] * columns[j].x[i] * gross_output[j]);
    Ok((g, worst.into_iter().collect()))
}

/// Output from primary inputs, `x' = v' G` (M&B eq. 12.5), by one transposed solve:
/// `x'_j = x_j (w L)_j` with `w_i = v_i / x_i`. `primary_inputs` are totals per sector (same
/// unit as `x`); a sector with `x_i = 0` must have `v_i = 0`.
pub fn ghosh_output(
    solver: &LeontiefSolver<'_>,
    gross_output: &[f64],
    primary_inputs: &[f64],
) -> Result<Solved, AnalysisError> {
    let n = solver.n();
    check_output(gross_output, n)?;
    check_len("primary inputs", n, primary_inputs.len())?;
    check_finite("primary inputs", primary_inputs, true)?;
    if let Some(i) = (0..n).find(|&i| gross_output[i] == 0.0 && primary_inputs[i] != 0.0) {
        return Err(AnalysisError::Invalid(format!(
            "sector {i} has zero gross output but primary inputs {}; the Ghosh model cannot \
             allocate them (give 0)",
            primary_inputs[i]
        )));
    }
    let w: Vec<f64> = primary_inputs
        .iter()
        .zip(reciprocal(gross_output))
        .map(|(v, r)| v * r)
        .collect();
    let mut s = solver.solve_values(&w)?;
    s.x.iter_mut().zip(gross_output).for_each(|(y, x)| *y *= x);
    Ok(s)
}

/// Total forward linkages: the row sums of `G`, `G 1 = diag(x)⁻¹ L x` (one output solve).
pub fn ghosh_forward_linkages(
    solver: &LeontiefSolver<'_>,
    gross_output: &[f64],
) -> Result<Solved, AnalysisError> {
    check_output(gross_output, solver.n())?;
    let mut s = solver.solve_output(gross_output)?;
    s.x.iter_mut()
        .zip(reciprocal(gross_output))
        .for_each(|(y, r)| *y *= r);
    Ok(s)
}

/// Ghosh's supply-side model of an economy, per sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ghosh {
    /// Sector labels.
    pub products: Vec<String>,
    /// The gross output `x` used (recorded, or `L d`).
    pub gross_output: Vec<f64>,
    /// Direct forward linkages: row sums of `B`, `(A x)_i / x_i` (intermediate sales per unit
    /// of output).
    pub direct_forward: Vec<f64>,
    /// Total forward linkages: row sums of `G`.
    pub total_forward: Vec<f64>,
    /// Normalised total forward linkages `n (G 1)_i / (1' G 1)` (ioanalysis' forward linkage
    /// with `normalize = TRUE`).
    pub total_forward_normalised: Vec<f64>,
    /// The primary inputs `v` the output was computed for: the given ones, or the base year's
    /// `v_j = x_j (1 − Σ_i a_ij)`.
    pub primary_inputs: Vec<f64>,
    /// `x' = v' G`. With the base year's primary inputs it reproduces `x` (the model's
    /// identity, a check of the solve).
    pub output: Vec<f64>,
    /// `max_j |x'_j − x_j| / max(x_j)` with the base year's primary inputs: the identity's
    /// relative error. `None` when other primary inputs were given.
    pub identity_error: Option<f64>,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

/// Ghosh's model of an economy: the forward linkages and the output for given primary inputs
/// (`None`: the base year's, which must reproduce `x`). Two or three solves; `G` is not formed.
pub fn ghosh(
    economy: &Economy,
    solver: &LeontiefSolver<'_>,
    primary_inputs: Option<&[f64]>,
) -> Result<Ghosh, AnalysisError> {
    let n = economy.n();
    let (x, xr) = gross_output(economy, solver)?;
    let mut solves: Vec<NamedReport> = xr.into_iter().collect();
    let a = &economy.a;
    let direct_forward = allocation_row_sums(a, &x);
    let fl = ghosh_forward_linkages(solver, &x)?;
    solves.push(NamedReport::new("row sums of G (L x)", fl.report.clone()));
    let total: f64 = fl.x.iter().sum();
    let total_forward_normalised =
        fl.x.iter()
            .map(|g| {
                if total > 0.0 {
                    n as f64 * g / total
                } else {
                    f64::NAN
                }
            })
            .collect();
    let base: Vec<f64> = primary_input_coefficients(a)
        .iter()
        .zip(&x)
        .map(|(c, x)| c * x)
        .collect();
    let v = primary_inputs.map_or_else(|| base.clone(), <[f64]>::to_vec);
    let out = ghosh_output(solver, &x, &v)?;
    solves.push(NamedReport::new("x' = v' G", out.report.clone()));
    let identity_error = primary_inputs.is_none().then(|| {
        let scale = x
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()))
            .max(f64::MIN_POSITIVE);
        out.x
            .iter()
            .zip(&x)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()))
            / scale
    });
    Ok(Ghosh {
        products: economy.products.clone(),
        gross_output: x,
        direct_forward,
        total_forward: fl.x,
        total_forward_normalised,
        primary_inputs: v,
        output: out.x,
        identity_error,
        solves,
    })
}

/// Row sums of `B`: `(A x)_i / x_i`.
pub(crate) fn allocation_row_sums(a: &TechnicalCoefficients, x: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; a.n()];
    a.mul_vec(x, &mut y);
    y.iter().zip(reciprocal(x)).map(|(v, r)| v * r).collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::solve::SolverSettings;

    #[test]
    fn issue_17_ghosh_matches_its_definition_on_miller_blair_table_2_3() {
        let (z, x) = mb_three_sector();
        let a = coefficients(&z, &x);
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        // B = diag(x)⁻¹ Z, entry by entry.
        let b = allocation_coefficients(&a, &x).unwrap();
        for (i, xi) in x.iter().enumerate() {
            for j in 0..3 {
                assert!((b.get(i, j) - z.get(i, j) / xi).abs() < 1e-15);
            }
        }
        // G from its own definition (I − B)⁻¹ against diag(x)⁻¹ L diag(x).
        let g_ref = inverse(&b);
        let (g, _) = ghosh_inverse(&solver, &x).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                assert!((g.get(i, j) - g_ref.get(i, j)).abs() < 1e-12, "G[{i},{j}]");
            }
        }
        let fl = ghosh_forward_linkages(&solver, &x).unwrap();
        let rows: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|j| g_ref.get(i, j)).sum())
            .collect();
        assert_close(&fl.x, &rows, 1e-12, "row sums of G");
        // x' = v' G against the product with the reference G.
        let v = [350.0, 1300.0, 700.0];
        let out = ghosh_output(&solver, &x, &v).unwrap();
        let want: Vec<f64> = (0..3)
            .map(|j| (0..3).map(|i| v[i] * g_ref.get(i, j)).sum())
            .collect();
        assert_close(&out.x, &want, 1e-12, "v' G");
    }

    #[test]
    fn issue_17_ghosh_base_primary_inputs_reproduce_output() {
        let a = random_economy(30, 7);
        let x: Vec<f64> = (0..30).map(|k| 10.0 + k as f64).collect();
        let mut e = Economy::new((0..30).map(|k| format!("s{k}")).collect(), a.clone()).unwrap();
        e.recorded_output = Some(x.clone());
        let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
        let g = ghosh(&e, &solver, None).unwrap();
        assert!(g.identity_error.unwrap() < 1e-12, "{:?}", g.identity_error);
        let s: f64 = g.total_forward_normalised.iter().sum();
        assert!((s - 30.0).abs() < 1e-9);
        assert_close(
            &g.direct_forward,
            &allocation_row_sums(&a, &x),
            1e-15,
            "B 1",
        );
    }

    #[test]
    fn issue_17_ghosh_rejects_bad_input() {
        let a = random_economy(4, 1);
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        assert!(matches!(
            ghosh_output(&solver, &[1.0; 3], &[1.0; 4]),
            Err(AnalysisError::Model(_))
        ));
        assert!(matches!(
            ghosh_output(&solver, &[1.0, 0.0, 1.0, 1.0], &[1.0; 4]),
            Err(AnalysisError::Invalid(_))
        ));
        assert!(allocation_coefficients(&a, &[1.0, -1.0, 1.0, 1.0]).is_err());
    }
}
