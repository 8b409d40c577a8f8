//! The field of influence of a change in one coefficient (Sonis and Hewings 1992; M&B 13.3).
//!
//! A change `ε` in `a_ij` (a new `A + ε e_i e_j'`) changes the Leontief inverse by, exactly
//! (Sherman–Morrison; M&B eq. 13.20–13.21),
//!
//! ```text
//! L(ε) − L = ε / (1 − ε l_ji) · L_{·i} L_{j·},
//! ```
//!
//! where `L_{·i}` is column `i` and `L_{j·}` row `j` of `L`. The **field of influence** is the
//! first-order term's matrix `F(i, j) = L_{·i} L_{j·}` (an outer product, rank one), so
//! `L(ε) ≈ L + ε F(i, j)` for small `ε`. Two solves give both vectors; every entry of the
//! change, the change of the output multipliers `1'ΔL = s (1'L_{·i}) L_{j·}` and the change of
//! output `ΔL y = s L_{·i} (L_{j·} y)` (with `s = ε/(1 − ε l_ji)`) follow without forming a
//! matrix. [`FieldOfInfluence::change_matrix`] forms the dense `n × n` change on request (small
//! tables only).

use super::{check_dense_size, check_finite, check_len, check_sector, AnalysisError, NamedReport};
use crate::matrix::DenseMatrix;
use crate::solve::LeontiefSolver;
use serde::{Deserialize, Serialize};

/// The field of influence of `a_ij` and the exact change for a finite `ε`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldOfInfluence {
    /// Sector labels.
    pub products: Vec<String>,
    /// Row `i` of the changed coefficient (the supplying sector).
    pub row: usize,
    /// Column `j` of the changed coefficient (the buying sector).
    pub column: usize,
    /// The change `ε` of `a_ij`.
    pub epsilon: f64,
    /// `L_{·i}`: column `i` of `L`.
    pub leontief_column: Vec<f64>,
    /// `L_{j·}`: row `j` of `L`.
    pub leontief_row: Vec<f64>,
    /// `l_ji`.
    pub l_ji: f64,
    /// `s = ε / (1 − ε l_ji)`, the Sherman–Morrison factor.
    pub scale: f64,
    /// `1'ΔL`: the exact change of every output multiplier.
    pub output_multiplier_change: Vec<f64>,
    /// `ΔL y` for the given final demand, if any: the exact change of gross output.
    pub output_change: Option<Vec<f64>>,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

impl FieldOfInfluence {
    /// The first-order field `F(i, j)_{kl} = l_ki l_jl`.
    pub fn field(&self, k: usize, l: usize) -> f64 {
        self.leontief_column[k] * self.leontief_row[l]
    }

    /// The exact change `(L(ε) − L)_{kl} = s l_ki l_jl`.
    pub fn change(&self, k: usize, l: usize) -> f64 {
        self.scale * self.field(k, l)
    }

    /// The dense `n × n` exact change `L(ε) − L` (refused above
    /// [`super::DENSE_RESULT_LIMIT`] products).
    pub fn change_matrix(&self) -> Result<DenseMatrix, AnalysisError> {
        let n = self.leontief_column.len();
        check_dense_size("the change of the Leontief inverse", n)?;
        Ok(DenseMatrix::from_fn(n, n, |k, l| self.change(k, l)))
    }
}

/// The field of influence of `a_ij` (row `i`, column `j`, 0-based) and the exact change for a
/// change `epsilon` (see the module). `a_ij` is the current coefficient: `a_ij + ε` must not be
/// negative, and `1 − ε l_ji` must be positive (else the changed economy is not productive).
#[allow(clippy::too_many_arguments)]
pub fn field_of_influence(
    products: &[String],
    solver: &LeontiefSolver<'_>,
    row: usize,
    column: usize,
    a_ij: f64,
    epsilon: f64,
    final_demand: Option<&[f64]>,
) -> Result<FieldOfInfluence, AnalysisError> {
    let n = solver.n();
    check_len("sector labels", n, products.len())?;
    check_sector("the coefficient's row", row, n)?;
    check_sector("the coefficient's column", column, n)?;
    if !epsilon.is_finite() {
        return Err(AnalysisError::Invalid(format!(
            "the coefficient change must be finite, got {epsilon}"
        )));
    }
    if a_ij + epsilon < 0.0 {
        return Err(AnalysisError::Invalid(format!(
            "a_ij = {a_ij} changed by {epsilon} would be negative; a coefficient cannot be"
        )));
    }
    let mut ei = vec![0.0; n];
    ei[row] = 1.0;
    let col = solver.solve_output(&ei)?;
    let mut ej = vec![0.0; n];
    ej[column] = 1.0;
    let r = solver.solve_values(&ej)?;
    let l_ji = col.x[column];
    let denominator = 1.0 - epsilon * l_ji;
    if denominator <= 0.0 {
        return Err(AnalysisError::Invalid(format!(
            "with a_ij changed by {epsilon}, 1 − ε l_ji = {denominator} ≤ 0: the changed economy \
             is not productive"
        )));
    }
    let scale = epsilon / denominator;
    let m_i: f64 = col.x.iter().sum();
    let output_multiplier_change = r.x.iter().map(|v| scale * m_i * v).collect();
    let output_change = match final_demand {
        Some(y) => {
            check_len("final demand", n, y.len())?;
            check_finite("final demand", y, true)?;
            let ry: f64 = r.x.iter().zip(y).map(|(a, b)| a * b).sum();
            Some(col.x.iter().map(|c| scale * c * ry).collect())
        }
        None => None,
    };
    Ok(FieldOfInfluence {
        products: products.to_vec(),
        row,
        column,
        epsilon,
        l_ji,
        scale,
        output_multiplier_change,
        output_change,
        solves: vec![
            NamedReport::new("column i of L", col.report),
            NamedReport::new("row j of L", r.report),
        ],
        leontief_column: col.x,
        leontief_row: r.x,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::matrix::TechnicalCoefficients;
    use crate::solve::SolverSettings;

    fn perturbed(a: &TechnicalCoefficients, i: usize, j: usize, eps: f64) -> TechnicalCoefficients {
        let n = a.n();
        TechnicalCoefficients::dense(DenseMatrix::from_fn(n, n, |k, l| {
            a.get(k, l) + if (k, l) == (i, j) { eps } else { 0.0 }
        }))
        .unwrap()
    }

    #[test]
    fn issue_17_sherman_morrison_equals_the_recomputed_inverse() {
        let n = 10;
        let a = random_economy(n, 17);
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        let (i, j) = (3, 7);
        let l0 = inverse(&a);
        for eps in [0.05, -0.5 * a.get(i, j)] {
            let f = field_of_influence(&labels, &solver, i, j, a.get(i, j), eps, Some(&[1.0; 10]))
                .unwrap();
            let l1 = inverse(&perturbed(&a, i, j, eps));
            let dl = f.change_matrix().unwrap();
            for k in 0..n {
                for l in 0..n {
                    let want = l1.get(k, l) - l0.get(k, l);
                    assert!((dl.get(k, l) - want).abs() < 1e-12, "({k},{l})");
                }
            }
            let m: Vec<f64> = (0..n)
                .map(|l| (0..n).map(|k| l1.get(k, l) - l0.get(k, l)).sum())
                .collect();
            assert_close(&f.output_multiplier_change, &m, 1e-10, "1'ΔL");
        }
        // First order: (L(ε) − L)/ε → F for small ε.
        let eps = 1e-7;
        let f = field_of_influence(&labels, &solver, i, j, a.get(i, j), eps, None).unwrap();
        let l1 = inverse(&perturbed(&a, i, j, eps));
        for k in 0..n {
            for l in 0..n {
                let fd = (l1.get(k, l) - l0.get(k, l)) / eps;
                assert!((fd - f.field(k, l)).abs() < 1e-5 * f.field(k, l).abs().max(1.0));
            }
        }
        assert!(field_of_influence(&labels, &solver, 3, 7, 0.1, -0.2, None).is_err());
        assert!(field_of_influence(&labels, &solver, 30, 7, 0.1, 0.01, None).is_err());
    }
}
