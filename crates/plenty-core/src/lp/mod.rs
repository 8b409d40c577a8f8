//! Linear programs in one canonical form, their solutions, and the certificate that checks a
//! solution without re-solving.
//!
//! The form is HiGHS's boxed form:
//!
//! ```text
//!   optimise   cᵀ x            (minimise or maximise)
//!   subject to row_lower ≤ A x ≤ row_upper
//!              col_lower ≤   x ≤ col_upper
//! ```
//!
//! with `±∞` for open bounds and `A` stored by columns (compressed sparse columns: the transpose
//! of a [`CsrMatrix`] whose rows are the LP's columns). A [`LinearProgram`] is validated when it
//! is built: dimensions, finiteness of coefficients, and bounds that are not crossed.
//!
//! A solution carries primal `x`, row duals `y` (the shadow prices: for a plan, Kantorovich's
//! objectively determined valuations), reduced costs `z = c − Aᵀ y`, a typed [`LpStatus`], and
//! an [`LpInfo`] with the certificate: the primal residual, the dual residual and the relative
//! duality gap, computed by [`certify`] from the problem and the vectors alone.

pub mod choose;
pub mod crossover;
pub mod ipm;
pub mod pdlp;
pub mod presolve;
pub mod synthetic;

use crate::error::{ModelError, SolveError};
use crate::matrix::CsrMatrix;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Minimise or maximise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Sense {
    /// Minimise `cᵀx`.
    #[default]
    Minimize,
    /// Maximise `cᵀx`.
    Maximize,
}

impl Sense {
    /// `+1` for minimise, `−1` for maximise: `sign · c` is the cost of the minimisation form.
    pub fn sign(self) -> f64 {
        match self {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        }
    }
}

/// A linear program in boxed form. Build it with [`LinearProgram::new`].
#[derive(Debug, Clone, PartialEq)]
pub struct LinearProgram {
    /// Direction.
    pub sense: Sense,
    /// Objective coefficients, one per column.
    pub c: Vec<f64>,
    /// Column lower bounds (`-∞` allowed).
    pub col_lower: Vec<f64>,
    /// Column upper bounds (`+∞` allowed).
    pub col_upper: Vec<f64>,
    /// Row lower bounds (`-∞` allowed).
    pub row_lower: Vec<f64>,
    /// Row upper bounds (`+∞` allowed).
    pub row_upper: Vec<f64>,
    /// The constraint matrix by columns: row `j` of `columns` is column `j` of `A`.
    pub columns: CsrMatrix,
    /// Column names (for MPS files and explanations).
    pub col_names: Vec<String>,
    /// Row names.
    pub row_names: Vec<String>,
    /// Constant added to the objective.
    pub offset: f64,
}

impl LinearProgram {
    /// Validates and builds. `columns` holds `A` by columns (`ncols × nrows`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        sense: Sense,
        c: Vec<f64>,
        col_lower: Vec<f64>,
        col_upper: Vec<f64>,
        row_lower: Vec<f64>,
        row_upper: Vec<f64>,
        columns: CsrMatrix,
        col_names: Vec<String>,
        row_names: Vec<String>,
    ) -> Result<Self, ModelError> {
        let (n, m) = (columns.nrows(), columns.ncols());
        let len = |what: &str, expected: usize, found: usize| -> Result<(), ModelError> {
            if expected == found {
                Ok(())
            } else {
                Err(ModelError::DimensionMismatch {
                    what: what.into(),
                    expected,
                    found,
                })
            }
        };
        len("objective", n, c.len())?;
        len("column lower bounds", n, col_lower.len())?;
        len("column upper bounds", n, col_upper.len())?;
        len("row lower bounds", m, row_lower.len())?;
        len("row upper bounds", m, row_upper.len())?;
        len("column names", n, col_names.len())?;
        len("row names", m, row_names.len())?;
        for (j, v) in c.iter().enumerate() {
            if !v.is_finite() {
                return Err(ModelError::NotFinite {
                    what: format!("objective coefficient of {:?}", col_names[j]),
                    row: j,
                    col: 0,
                    value: *v,
                });
            }
        }
        for (what, lo, hi, names) in [
            ("column", &col_lower, &col_upper, &col_names),
            ("row", &row_lower, &row_upper, &row_names),
        ] {
            for k in 0..lo.len() {
                if lo[k].is_nan()
                    || hi[k].is_nan()
                    || lo[k] > hi[k]
                    || lo[k] == f64::INFINITY
                    || hi[k] == f64::NEG_INFINITY
                {
                    return Err(ModelError::Invalid(format!(
                        "{what} {:?} has bounds [{}, {}]; the lower bound must not exceed the upper, and neither may be NaN",
                        names[k], lo[k], hi[k]
                    )));
                }
            }
        }
        Ok(Self {
            sense,
            c,
            col_lower,
            col_upper,
            row_lower,
            row_upper,
            columns,
            col_names,
            row_names,
            offset: 0.0,
        })
    }

    /// Number of columns (variables).
    pub fn ncols(&self) -> usize {
        self.columns.nrows()
    }

    /// Number of rows (constraints).
    pub fn nrows(&self) -> usize {
        self.columns.ncols()
    }

    /// `A x` (length `nrows`).
    pub fn row_activity(&self, x: &[f64]) -> Vec<f64> {
        let mut ax = vec![0.0; self.nrows()];
        for (j, xj) in x.iter().enumerate() {
            if *xj != 0.0 {
                for (i, a) in self.columns.row(j) {
                    ax[i] += a * xj;
                }
            }
        }
        ax
    }

    /// The largest absolute violation of a row bound by the row activities `A x`: the measure
    /// HiGHS reports as `max_primal_infeasibility` (before its own scaling), so that two
    /// solvers' answers can be compared on the same footing.
    pub fn max_row_violation(&self, activity: &[f64]) -> f64 {
        activity
            .iter()
            .zip(self.row_lower.iter().zip(&self.row_upper))
            .map(|(a, (lo, hi))| (lo - a).max(a - hi).max(0.0))
            .fold(0.0, f64::max)
    }

    /// `Aᵀ y` (length `ncols`).
    pub fn column_activity(&self, y: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.ncols()];
        self.columns.mul_vec(y, &mut out);
        out
    }

    /// `cᵀ x + offset`.
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.c.iter().zip(x).map(|(c, x)| c * x).sum::<f64>() + self.offset
    }
}

/// What a solve learned about the LP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LpStatus {
    /// Optimal within the tolerances, and the certificate confirms it.
    Optimal = 0,
    /// No point satisfies the constraints.
    Infeasible = 1,
    /// The objective improves without bound.
    Unbounded = 2,
    /// Infeasible or unbounded; not determined which.
    InfeasibleOrUnbounded = 3,
    /// The iteration limit came first.
    IterationLimit = 4,
    /// The time limit came first.
    TimeLimit = 5,
    /// The method ran into numerical trouble.
    NumericalTrouble = 6,
}

impl LpStatus {
    /// True for [`LpStatus::Optimal`].
    pub fn is_optimal(self) -> bool {
        self == LpStatus::Optimal
    }
}

impl fmt::Display for LpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LpStatus::Optimal => "optimal",
            LpStatus::Infeasible => "infeasible",
            LpStatus::Unbounded => "unbounded",
            LpStatus::InfeasibleOrUnbounded => "infeasible or unbounded",
            LpStatus::IterationLimit => "iteration limit reached",
            LpStatus::TimeLimit => "time limit reached",
            LpStatus::NumericalTrouble => "numerical trouble",
        })
    }
}

/// The certificate of a primal–dual pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Certificate {
    /// Largest violation of a row or column bound, relative to `1 + ‖bounds‖∞`.
    pub primal_residual: f64,
    /// Largest violation of dual feasibility (a reduced cost or row dual with the wrong sign
    /// for its bound), relative to `1 + ‖c‖∞`.
    pub dual_residual: f64,
    /// `|primal objective − dual objective| / (1 + |primal| + |dual|)`.
    pub relative_gap: f64,
    /// Primal objective `cᵀx`.
    pub primal_objective: f64,
    /// Dual objective.
    pub dual_objective: f64,
}

impl Certificate {
    /// The certificate from the unscaled residuals and the two objectives, divided by the
    /// scales `1 + ‖bounds‖∞` and `1 + ‖c‖∞`.
    pub(crate) fn of(
        primal: f64,
        dual: f64,
        primal_objective: f64,
        dual_objective: f64,
        bound_scale: f64,
        cost_scale: f64,
    ) -> Self {
        Certificate {
            primal_residual: primal.max(0.0) / bound_scale,
            dual_residual: dual / cost_scale,
            relative_gap: (primal_objective - dual_objective).abs()
                / (1.0 + primal_objective.abs() + dual_objective.abs()),
            primal_objective,
            dual_objective,
        }
    }

    /// True when all three measures are within `tolerance`.
    pub fn passes(&self, tolerance: f64) -> bool {
        self.primal_residual <= tolerance
            && self.dual_residual <= tolerance
            && self.relative_gap <= tolerance
    }
}

/// Diagnostics of a solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LpInfo {
    /// Iterations of the method.
    pub iterations: usize,
    /// Wall time of the solve, seconds.
    pub seconds: f64,
    /// The certificate of the returned point.
    pub certificate: Certificate,
    /// Which method produced it.
    pub method: String,
}

/// A solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LpSolution {
    /// Status.
    pub status: LpStatus,
    /// Primal values, one per column.
    pub x: Vec<f64>,
    /// Row duals (shadow prices), one per row, in the convention of the LP's sense: the change
    /// of the objective per unit increase of the row's binding bound.
    pub y: Vec<f64>,
    /// Reduced costs `c − Aᵀy`.
    pub reduced_costs: Vec<f64>,
    /// Objective value `cᵀx + offset`.
    pub objective: f64,
    /// Diagnostics.
    pub info: LpInfo,
}

impl LpSolution {
    /// The solution at `(x, y)` with the given status: reduced costs `c − Aᵀy`, the objective
    /// and the [`certify`] certificate, all computed from the LP itself, whichever method found
    /// the point.
    pub fn at(
        lp: &LinearProgram,
        x: Vec<f64>,
        y: Vec<f64>,
        status: LpStatus,
        iterations: usize,
        seconds: f64,
        method: &str,
    ) -> Self {
        let aty = lp.column_activity(&y);
        let reduced_costs = lp.c.iter().zip(&aty).map(|(c, a)| c - a).collect();
        let certificate = certify(lp, &x, &y);
        LpSolution {
            status,
            objective: lp.objective(&x),
            x,
            y,
            reduced_costs,
            info: LpInfo {
                iterations,
                seconds,
                certificate,
                method: method.into(),
            },
        }
    }
}

/// Settings shared by LP methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LpSettings {
    /// Relative tolerance of the certificate (primal residual, dual residual, gap). Default 1e-6.
    pub tolerance: f64,
    /// Iteration limit. Default 1 000 000.
    pub max_iterations: usize,
    /// Time limit in seconds. Default none.
    pub time_limit: Option<f64>,
}

impl Default for LpSettings {
    fn default() -> Self {
        Self {
            tolerance: 1e-6,
            max_iterations: 1_000_000,
            time_limit: None,
        }
    }
}

impl LpSettings {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), SolveError> {
        if !(self.tolerance > 0.0 && self.tolerance < 1.0) {
            return Err(SolveError::Settings(format!(
                "tolerance must lie in (0, 1), got {}",
                self.tolerance
            )));
        }
        if let Some(t) = self.time_limit {
            if t.is_nan() || t <= 0.0 {
                return Err(SolveError::Settings(format!(
                    "time_limit must be positive, got {t}"
                )));
            }
        }
        Ok(())
    }
}

/// A method that solves LPs.
pub trait LpBackend {
    /// Solves. An infeasible LP is a status, not an error.
    fn solve(&self, lp: &LinearProgram, settings: &LpSettings) -> Result<LpSolution, SolveError>;
}

/// The dual objective term and the dual infeasibility of a multiplier `v` on the bounds
/// `[lo, hi]` (minimisation form): `v > 0` pairs with a finite lower bound, `v < 0` with a
/// finite upper; a multiplier on an infinite bound is infeasible by `|v|`. Used by the
/// certificate and by the solvers' infeasibility rays.
pub(crate) fn bound_term(v: f64, lo: f64, hi: f64) -> (f64, f64) {
    if v > 0.0 {
        if lo.is_finite() {
            (v * lo, 0.0)
        } else {
            (0.0, v)
        }
    } else if v < 0.0 {
        if hi.is_finite() {
            (v * hi, 0.0)
        } else {
            (0.0, -v)
        }
    } else {
        (0.0, 0.0)
    }
}

/// Computes the certificate of `(x, y)` for `lp` (minimisation or maximisation). Duals follow
/// the sense: for a maximisation, a binding `≤` row has `y ≥ 0`.
///
/// With `s = +1` for minimise and `-1` for maximise, the minimisation form has cost `s·c` and
/// duals `s·y`; reduced costs `z = s·c − Aᵀ(s·y)` must be `≥ 0` where a column sits at its lower
/// bound, `≤ 0` at its upper, and `0` in between; row duals `≥ 0` on an active lower bound and
/// `≤ 0` on an active upper. The dual objective is `Σ` of bounds times the matching parts of
/// `y` and `z`.
#[allow(clippy::needless_range_loop)] // rows and columns are indexed in parallel arrays
pub fn certify(lp: &LinearProgram, x: &[f64], y: &[f64]) -> Certificate {
    let s = lp.sense.sign();
    let ax = lp.row_activity(x);
    let aty = lp.column_activity(y);
    let bound_scale = 1.0
        + lp.col_lower
            .iter()
            .chain(&lp.col_upper)
            .chain(&lp.row_lower)
            .chain(&lp.row_upper)
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()));
    let mut primal: f64 = 0.0;
    for j in 0..lp.ncols() {
        primal = primal
            .max(lp.col_lower[j] - x[j])
            .max(x[j] - lp.col_upper[j]);
    }
    for i in 0..lp.nrows() {
        primal = primal
            .max(lp.row_lower[i] - ax[i])
            .max(ax[i] - lp.row_upper[i]);
    }
    let cost_scale = 1.0 + lp.c.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    // Minimisation form: cost s·c, duals ỹ = s·y, reduced costs z̃ = s·c − Aᵀỹ.
    let mut dual: f64 = 0.0;
    let mut dual_obj = s * lp.offset;
    for i in 0..lp.nrows() {
        let (term, bad) = bound_term(s * y[i], lp.row_lower[i], lp.row_upper[i]);
        dual_obj += term;
        dual = dual.max(bad);
    }
    for j in 0..lp.ncols() {
        let zj = s * lp.c[j] - s * aty[j];
        let (term, bad) = bound_term(zj, lp.col_lower[j], lp.col_upper[j]);
        dual_obj += term;
        dual = dual.max(bad);
    }
    let primal_obj = lp.objective(x);
    let dual_obj = s * dual_obj;
    Certificate::of(primal, dual, primal_obj, dual_obj, bound_scale, cost_scale)
}

/// max 3x + 2y  s.t.  x + y ≤ 4, x + 3y ≤ 6, x ≤ 3, x, y ≥ 0. Optimum x = 3, y = 1,
/// objective 11; duals of the rows: (2, 0) and the bound x ≤ 3 has reduced cost 1. A fixture for
/// the unit tests of this module and of the solvers.
#[cfg(test)]
pub(crate) fn small_example() -> LinearProgram {
    let cols = CsrMatrix::try_from_triplets(
        2,
        2,
        vec![(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 3.0)],
    )
    .unwrap();
    LinearProgram::new(
        Sense::Maximize,
        vec![3.0, 2.0],
        vec![0.0, 0.0],
        vec![3.0, f64::INFINITY],
        vec![f64::NEG_INFINITY; 2],
        vec![4.0, 6.0],
        cols,
        vec!["x".into(), "y".into()],
        vec!["r1".into(), "r2".into()],
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> LinearProgram {
        small_example()
    }

    #[test]
    fn the_certificate_of_the_known_optimum_is_clean() {
        let lp = small();
        let c = certify(&lp, &[3.0, 1.0], &[2.0, 0.0]);
        assert!(c.passes(1e-12), "{c:?}");
        assert_eq!(c.primal_objective, 11.0);
        assert_eq!(c.dual_objective, 11.0);
        // A suboptimal point has a gap; wrong-signed duals have a dual residual.
        let c = certify(&lp, &[2.0, 1.0], &[2.0, 0.0]);
        assert!(c.relative_gap > 0.01);
        let c = certify(&lp, &[3.0, 1.0], &[-1.0, 0.0]);
        assert!(c.dual_residual > 0.1);
        let c = certify(&lp, &[5.0, 1.0], &[2.0, 0.0]);
        assert!(c.primal_residual > 0.1);
    }

    #[test]
    fn crossed_bounds_are_rejected() {
        let mut lp = small();
        lp.col_lower[0] = 5.0;
        let e = LinearProgram::new(
            lp.sense,
            lp.c,
            lp.col_lower,
            lp.col_upper,
            lp.row_lower,
            lp.row_upper,
            lp.columns,
            lp.col_names,
            lp.row_names,
        )
        .unwrap_err();
        assert!(e.to_string().contains("\"x\" has bounds [5, 3]"), "{e}");
    }
}
