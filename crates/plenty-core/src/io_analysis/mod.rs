//! The input-output economist's analyses (issue #17): Ghosh's supply-side model, Rasmussen's
//! linkages and key sectors, Type II multipliers, the price model, hypothetical extraction, the
//! field of influence of a coefficient change and structural decomposition.
//!
//! Every analysis works on the existing [`Economy`], [`TechnicalCoefficients`] and
//! [`LeontiefSolver`]: it asks the solver for the few solves it needs (column or row sums of
//! `L = (I − A)⁻¹` are one solve each) and never forms the dense inverse unless the result *is*
//! a whole matrix ([`ghosh::ghosh_inverse`], [`influence::FieldOfInfluence::change_matrix`]);
//! those refuse economies above [`DENSE_RESULT_LIMIT`] products with the reason. Every result
//! carries the reports of the solves that made it ([`NamedReport`]); a solve that did not
//! converge is a status inside the result, never an error.
//!
//! Reference: R. E. Miller and P. D. Blair, *Input-Output Analysis: Foundations and
//! Extensions*, 3rd ed., Cambridge University Press, 2022 (cited as "M&B", with section).

pub mod extraction;
pub mod ghosh;
pub mod influence;
pub mod linkages;
pub mod prices;
pub mod sda;
pub mod type_ii;

pub use extraction::{extract, Extraction, ExtractionKind};
pub use ghosh::{
    allocation_coefficients, ghosh, ghosh_forward_linkages, ghosh_inverse, ghosh_output,
    primary_input_coefficients, Ghosh,
};
pub use influence::{field_of_influence, FieldOfInfluence};
pub use linkages::{linkages, ForwardBasis, LinkageClass, LinkageKind, LinkageSettings, Linkages};
pub use prices::{
    cost_push, cost_push_prices, labour_cost_change, prices_at_profit_rate,
    value_added_coefficients, CostPush, PriceStatus, ProfitRatePrices,
};
pub use sda::{
    structural_decomposition, structural_decomposition_of, Decomposition, SatelliteDecomposition,
};
pub use type_ii::{
    closed_matrix, type_ii, type_ii_multipliers, Households, TypeII, TypeIIEmployment,
};

use crate::economy::Economy;
// The economy's own input checks, shared so that both name a bad vector the same way.
pub(crate) use crate::economy::{check_len, check_vector as check_finite};
use crate::error::{ModelError, SolveError};
use crate::matrix::{CsrMatrix, DenseMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, SolveReport};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Largest economy for which an analysis returns a whole dense `n × n` matrix (the Ghosh
/// inverse, the field of influence): 5 000 products are 200 MB of `f64` and 5 000 solves.
/// Above it the analyses that need only sums or single rows and columns still work.
pub const DENSE_RESULT_LIMIT: usize = 5_000;

/// An analysis could not be carried out at all.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The input does not describe a valid economy, vector or matrix.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The solver settings are out of range, or the solve could not run.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The result is a dense matrix too large to form.
    #[error(
        "{what} is a dense {n} × {n} matrix ({gigabytes:.1} GB and {n} solves); it is formed \
         only up to {limit} products. Ask for its row or column sums instead (they take one \
         solve each), or aggregate the table"
    )]
    TooLarge {
        /// What was asked for.
        what: String,
        /// Products of the economy.
        n: usize,
        /// The limit ([`DENSE_RESULT_LIMIT`]).
        limit: usize,
        /// Memory the matrix would take.
        gigabytes: f64,
    },
    /// The analysis needs data the economy does not have (gross output, final demand, a
    /// satellite), or an argument is out of range; the message says what to give.
    #[error("{0}")]
    Invalid(String),
}

/// The report of one solve, with what it computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedReport {
    /// What the solve computed, e.g. `"row sums of L"`.
    pub what: String,
    /// How it went.
    pub report: SolveReport,
}

impl NamedReport {
    pub(crate) fn new(what: &str, report: SolveReport) -> Self {
        Self {
            what: what.to_string(),
            report,
        }
    }
}

/// The first solve in `reports` that did not converge, if any: results built on it are not
/// reliable.
pub fn first_unconverged(reports: &[NamedReport]) -> Option<&NamedReport> {
    reports.iter().find(|r| !r.report.status.is_converged())
}

/// The economy's gross output: the recorded output if the table has one, else `x = L d` for the
/// total final demand (one solve, whose report is returned).
pub fn gross_output(
    economy: &Economy,
    solver: &LeontiefSolver<'_>,
) -> Result<(Vec<f64>, Option<NamedReport>), AnalysisError> {
    if let Some(x) = &economy.recorded_output {
        check_len("recorded gross output", economy.n(), x.len())?;
        return Ok((x.clone(), None));
    }
    if economy.final_demand.is_empty() {
        return Err(AnalysisError::Invalid(
            "the analysis needs gross output: the economy records none and has no final demand to \
             compute it from; give a table with gross output, or a final demand"
                .into(),
        ));
    }
    let s = solver.solve_output(&economy.total_final_demand())?;
    Ok((
        s.x,
        Some(NamedReport::new("gross output x = L d", s.report)),
    ))
}

/// Row sums `A 1` of a coefficient matrix.
pub(crate) fn row_sums(a: &TechnicalCoefficients) -> Vec<f64> {
    let mut y = vec![0.0; a.n()];
    a.mul_vec(&vec![1.0; a.n()], &mut y);
    y
}

/// `A` with the entries `keep(i, j) == false` set to zero, in the same storage.
pub(crate) fn filtered(
    a: &TechnicalCoefficients,
    keep: impl Fn(usize, usize) -> bool,
) -> Result<TechnicalCoefficients, ModelError> {
    let n = a.n();
    Ok(match a {
        TechnicalCoefficients::Dense(d) => {
            TechnicalCoefficients::Dense(DenseMatrix::from_fn(n, n, |i, j| {
                if keep(i, j) {
                    d.get(i, j)
                } else {
                    0.0
                }
            }))
        }
        TechnicalCoefficients::Sparse(s) => {
            let t = s
                .triplets()
                .filter(|&(i, j, _)| keep(i, j))
                .map(|(i, j, v)| (i as u32, j as u32, v))
                .collect();
            TechnicalCoefficients::Sparse(CsrMatrix::try_from_triplets(n, n, t)?)
        }
    })
}

/// `A` with every entry multiplied by `f(i, j)`, in the same storage (validated: the result
/// must be finite and non-negative).
pub(crate) fn scaled(
    a: &TechnicalCoefficients,
    f: impl Fn(usize, usize) -> f64,
) -> Result<TechnicalCoefficients, ModelError> {
    let n = a.n();
    match a {
        TechnicalCoefficients::Dense(d) => {
            TechnicalCoefficients::dense(DenseMatrix::from_fn(n, n, |i, j| d.get(i, j) * f(i, j)))
        }
        TechnicalCoefficients::Sparse(s) => {
            let t = s
                .triplets()
                .map(|(i, j, v)| (i as u32, j as u32, v * f(i, j)))
                .collect();
            TechnicalCoefficients::sparse(CsrMatrix::try_from_triplets(n, n, t)?)
        }
    }
}

pub(crate) fn check_dense_size(what: &str, n: usize) -> Result<(), AnalysisError> {
    if n > DENSE_RESULT_LIMIT {
        return Err(AnalysisError::TooLarge {
            what: what.to_string(),
            n,
            limit: DENSE_RESULT_LIMIT,
            gigabytes: (n as f64).powi(2) * 8e-9,
        });
    }
    Ok(())
}

pub(crate) fn check_sector(what: &str, k: usize, n: usize) -> Result<(), AnalysisError> {
    if k >= n {
        return Err(AnalysisError::Invalid(format!(
            "{what} is sector {k} (0-based), but the economy has {n} sectors"
        )));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Small real-shaped economies for the unit tests, and a dense reference inverse.
    use crate::matrix::{DenseMatrix, TechnicalCoefficients};

    /// Miller & Blair's three-sector example (section 2.5, Table 2.3 flows, in $ millions):
    /// Z and x, as published.
    pub fn mb_three_sector() -> (DenseMatrix, Vec<f64>) {
        let z = DenseMatrix::try_from_row_major(
            3,
            3,
            vec![
                150.0, 500.0, 50.0, //
                200.0, 100.0, 400.0, //
                300.0, 0.0, 0.0,
            ],
        )
        .unwrap();
        (z, vec![1000.0, 2000.0, 1000.0])
    }

    /// `A = Z diag(x)⁻¹`.
    pub fn coefficients(z: &DenseMatrix, x: &[f64]) -> TechnicalCoefficients {
        let n = x.len();
        TechnicalCoefficients::dense(DenseMatrix::from_fn(n, n, |i, j| z.get(i, j) / x[j])).unwrap()
    }

    /// `(I − A)⁻¹` by Gauss–Jordan elimination with partial pivoting: an inverse computed
    /// independently of the solver under test.
    pub fn inverse(a: &TechnicalCoefficients) -> DenseMatrix {
        let n = a.n();
        let mut m: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                let mut r: Vec<f64> = (0..n)
                    .map(|j| f64::from(u8::from(i == j)) - a.get(i, j))
                    .collect();
                r.extend((0..n).map(|j| f64::from(u8::from(i == j))));
                r
            })
            .collect();
        for c in 0..n {
            let p = (c..n)
                .max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs()))
                .unwrap();
            m.swap(c, p);
            let d = m[c][c];
            m[c].iter_mut().for_each(|v| *v /= d);
            for r in 0..n {
                if r != c {
                    let f = m[r][c];
                    if f != 0.0 {
                        let pivot = m[c].clone();
                        m[r].iter_mut().zip(&pivot).for_each(|(v, p)| *v -= f * p);
                    }
                }
            }
        }
        DenseMatrix::from_fn(n, n, |i, j| m[i][n + j])
    }

    /// A pseudo-random productive economy of `n` sectors (column sums ≤ 0.8), with a few zeros.
    pub fn random_economy(n: usize, seed: u64) -> TechnicalCoefficients {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64) / ((1u64 << 53) as f64)
        };
        let raw: Vec<f64> = (0..n * n)
            .map(|_| {
                let u = next();
                if u < 0.2 {
                    0.0
                } else {
                    u
                }
            })
            .collect();
        let mut a = DenseMatrix::zeros(n, n);
        for j in 0..n {
            let col: f64 = (0..n).map(|i| raw[i * n + j]).sum();
            let target = 0.3 + 0.5 * next();
            for i in 0..n {
                a.set(i, j, raw[i * n + j] / col * target);
            }
        }
        TechnicalCoefficients::dense(a).unwrap()
    }

    /// Asserts two slices agree to a relative tolerance.
    pub fn assert_close(a: &[f64], b: &[f64], tol: f64, what: &str) {
        assert_eq!(a.len(), b.len(), "{what}: lengths");
        for (k, (x, y)) in a.iter().zip(b).enumerate() {
            let scale = x.abs().max(y.abs()).max(1e-300);
            assert!(
                (x - y).abs() <= tol * scale.max(1.0),
                "{what}[{k}]: {x} vs {y}"
            );
        }
    }
}
