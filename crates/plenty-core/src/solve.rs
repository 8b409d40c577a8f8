//! Leontief solves: `(I − A) x = d` (gross output) and `(I − A)ᵀ vᵀ = sᵀ` (labour values and
//! satellite effects), factor once and solve many.
//!
//! Three methods, chosen automatically by size and overridable:
//!
//! * [`Method::DenseLu`]: LU with partial pivoting of `I − A` (faer), with one step of
//!   iterative refinement. Exact to rounding; `O(n³)` once, `O(n²)` per right-hand side.
//! * [`Method::BiCgStab`]: the stabilised bi-conjugate gradient method (van der Vorst 1992) on a
//!   sparse `A`: two mat-vecs per iteration, converging far faster than the Neumann series when
//!   `ρ(A)` is near 1.
//! * [`Method::Jacobi`]: `x ← x + D⁻¹ (d − (I − A) x)` with `D = I − diag(A)`. With `A = 0` on
//!   the diagonal this is the Neumann series `x = d + A d + A² d + …`, which converges at rate
//!   `ρ(A)` whenever the economy is productive. Slow, but it never breaks down: the fallback.

use crate::dist::Space;
use crate::error::SolveError;
use crate::iterative::{self, LinearOperator, Side};
use crate::matrix::{DenseMatrix, TechnicalCoefficients};
use crate::tiled::TiledMatrix;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

/// How to solve `(I − A) x = b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Dense LU up to [`SolverSettings::dense_limit`] products, BiCGSTAB above it, and Jacobi if
    /// BiCGSTAB breaks down.
    #[default]
    Auto,
    /// Dense LU with partial pivoting.
    DenseLu,
    /// BiCGSTAB (Krylov).
    #[serde(rename = "bicgstab")]
    BiCgStab,
    /// Jacobi / Neumann iteration.
    Jacobi,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Auto => "auto",
            Method::DenseLu => "dense-lu",
            Method::BiCgStab => "bicgstab",
            Method::Jacobi => "jacobi",
        })
    }
}

/// Settings of a Leontief solve. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SolverSettings {
    /// Which method. Default: [`Method::Auto`].
    pub method: Method,
    /// Target relative residual `‖b − (I − A) x‖₂ / ‖b‖₂` of the iterative methods.
    /// Default `1e-10`; range `[1e-15, 1)`. The dense LU reaches rounding level regardless.
    pub tolerance: f64,
    /// Iteration limit of the iterative methods (mat-vec pairs for BiCGSTAB). Default 10 000.
    pub max_iterations: usize,
    /// Largest number of products [`Method::Auto`] solves with a dense LU. Default 6 000
    /// (the factorisation then takes a few seconds and `8 n²` bytes).
    pub dense_limit: usize,
}

impl Default for SolverSettings {
    fn default() -> Self {
        Self {
            method: Method::Auto,
            tolerance: 1e-10,
            max_iterations: 10_000,
            dense_limit: 6_000,
        }
    }
}

impl SolverSettings {
    /// Checks every field's range.
    pub fn validate(&self) -> Result<(), SolveError> {
        if !(self.tolerance >= 1e-15 && self.tolerance < 1.0) {
            return Err(SolveError::Settings(format!(
                "tolerance must lie in [1e-15, 1) (below 1e-15 a relative residual is rounding \
                 noise in double precision), got {}",
                self.tolerance
            )));
        }
        if self.max_iterations == 0 {
            return Err(SolveError::Settings(
                "max_iterations must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// What a solve achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SolveStatus {
    /// The relative residual is within the tolerance.
    Converged = 0,
    /// The iteration limit was reached first.
    IterationLimit = 1,
    /// The iteration grew without bound: the economy is almost surely not productive.
    Diverged = 2,
    /// The factorisation met a zero pivot or the result is not finite: `I − A` is singular.
    Singular = 3,
}

impl SolveStatus {
    /// True when the answer can be used.
    pub fn is_converged(self) -> bool {
        self == SolveStatus::Converged
    }
}

impl fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SolveStatus::Converged => "converged",
            SolveStatus::IterationLimit => "iteration limit reached",
            SolveStatus::Diverged => "diverged (the economy is probably not productive)",
            SolveStatus::Singular => "singular (I − A cannot be inverted)",
        })
    }
}

/// How one solve went: reported with every result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolveReport {
    /// The method that produced the answer (never `Auto`).
    pub method: Method,
    /// Iterations (0 for the dense LU; 1 if refinement ran).
    pub iterations: usize,
    /// `‖b − (I − A) x‖₂ / ‖b‖₂`, recomputed from the answer.
    pub relative_residual: f64,
    /// The outcome.
    pub status: SolveStatus,
}

/// A solution vector with its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Solved {
    /// The solution.
    pub x: Vec<f64>,
    /// How it was obtained.
    pub report: SolveReport,
}

/// Parallel tasks of faer's dense kernels (fixed for reproducibility; rayon runs them on however
/// many threads there are).
const FAER_TASKS: usize = 4;

/// The parallelism every faer call of the core is given explicitly (never through faer's
/// global setting, which would be state shared with the caller). faer splits a factorisation
/// or product into as many tasks as this says, and the rounding depends on the split: a fixed
/// task count, whatever the number of threads, keeps every dense result the same bits on every
/// machine.
pub(crate) fn faer_par() -> faer::Par {
    faer::Par::rayon(FAER_TASKS)
}

/// The LU factors of a square matrix `M` with partial pivoting, `P M = L U` (here `M = I − A`,
/// or a crossover's basis), stored in place in one matrix (unit `L` below the diagonal, `U` on
/// and above it): one `n × n` matrix besides `A`, where faer's high-level `PartialPivLu` keeps a
/// copy and then splits it into two more.
pub(crate) struct DenseLu {
    lu: faer::Mat<f64>,
    fwd: Vec<usize>,
    bwd: Vec<usize>,
}

impl DenseLu {
    pub(crate) fn factor(mut m: faer::Mat<f64>) -> Self {
        use faer::dyn_stack::{MemBuffer, MemStack};
        use faer::linalg::lu::partial_pivoting::factor;
        let par = faer_par();
        let n = m.nrows();
        let mut fwd = vec![0usize; n];
        let mut bwd = vec![0usize; n];
        let mut mem = MemBuffer::new(factor::lu_in_place_scratch::<usize, f64>(
            n,
            n,
            par,
            Default::default(),
        ));
        factor::lu_in_place(
            m.as_mut(),
            &mut fwd,
            &mut bwd,
            par,
            MemStack::new(&mut mem),
            Default::default(),
        );
        Self { lu: m, fwd, bwd }
    }

    /// Solves `M X = B` (or `Mᵀ X = B`) for the columns of `rhs`, in place.
    pub(crate) fn solve_in_place(&self, rhs: faer::MatMut<'_, f64>, side: Side) {
        use faer::dyn_stack::{MemBuffer, MemStack};
        use faer::linalg::lu::partial_pivoting::solve;
        let par = faer_par();
        let n = self.lu.nrows();
        let k = rhs.ncols();
        let perm = faer::perm::PermRef::new_checked(&self.fwd, &self.bwd, n);
        // The triangular solves read only their own triangle, so the one in-place matrix serves
        // as both L and U.
        let lu = self.lu.as_ref();
        match side {
            Side::Output => {
                let mut mem =
                    MemBuffer::new(solve::solve_in_place_scratch::<usize, f64>(n, k, par));
                solve::solve_in_place_with_conj(
                    lu,
                    lu,
                    perm,
                    faer::Conj::No,
                    rhs,
                    par,
                    MemStack::new(&mut mem),
                );
            }
            Side::Values => {
                let mut mem = MemBuffer::new(
                    solve::solve_transpose_in_place_scratch::<usize, f64>(n, k, par),
                );
                solve::solve_transpose_in_place_with_conj(
                    lu,
                    lu,
                    perm,
                    faer::Conj::No,
                    rhs,
                    par,
                    MemStack::new(&mut mem),
                );
            }
        }
    }
}

/// Where the coefficients live: borrowed from an economy, owned, or (for an owned sparse
/// matrix on an iterative method) only in the tiles the iteration uses.
enum Source<'a> {
    Borrowed(&'a TechnicalCoefficients),
    Owned(TechnicalCoefficients),
    TilesOnly,
}

/// A prepared Leontief system: the factorisation (or the tiled matrix an iteration needs) is
/// computed once and reused for every right-hand side.
pub struct LeontiefSolver<'a> {
    source: Source<'a>,
    n: usize,
    settings: SolverSettings,
    method: Method,
    lu: Option<DenseLu>,
    tiled: OnceLock<TiledMatrix>,
}

impl fmt::Debug for LeontiefSolver<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeontiefSolver")
            .field("n", &self.n)
            .field("method", &self.method)
            .finish()
    }
}

/// Up to this size a dense LU is cheap whatever the storage (milliseconds).
const SMALL: usize = 1000;

/// The method `Auto` stands for: a dense LU for dense tables up to `dense_limit` and for any
/// table up to [`SMALL`] products; BiCGSTAB for larger sparse economies (measured at n = 5 000
/// with 10 inputs per product: 1.6 s for the LU, 2 ms for BiCGSTAB).
fn resolve_method(n: usize, dense: bool, settings: &SolverSettings) -> Result<Method, SolveError> {
    let method = match settings.method {
        Method::Auto if n <= settings.dense_limit && (dense || n <= SMALL) => Method::DenseLu,
        Method::Auto => Method::BiCgStab,
        m => m,
    };
    if method == Method::DenseLu && n > 50_000 {
        return Err(SolveError::Unsupported(format!(
            "a dense LU of {n} products needs {:.0} GB; use --method bicgstab or jacobi",
            (n as f64).powi(2) * 8e-9
        )));
    }
    Ok(method)
}

impl<'a> LeontiefSolver<'a> {
    /// Prepares the system `I − A`. With a dense LU this factors now (the `O(n³)` step).
    pub fn new(a: &'a TechnicalCoefficients, settings: SolverSettings) -> Result<Self, SolveError> {
        settings.validate()?;
        let n = a.n();
        let method = resolve_method(n, matches!(a, TechnicalCoefficients::Dense(_)), &settings)?;
        let lu = (method == Method::DenseLu).then(|| DenseLu::factor(identity_minus(a)));
        Ok(Self {
            source: Source::Borrowed(a),
            n,
            settings,
            method,
            lu,
            tiled: OnceLock::new(),
        })
    }

    /// The method in use (never `Auto`).
    pub fn method(&self) -> Method {
        self.method
    }

    /// Number of products.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Gross output `x` for final demand `d`: solves `(I − A) x = d`.
    pub fn solve_output(&self, d: &[f64]) -> Result<Solved, SolveError> {
        Ok(self.solve(&[(Side::Output, d)])?.remove(0))
    }

    /// Effects of a satellite row `s` (per unit of output): solves `(I − A)ᵀ vᵀ = sᵀ`, so
    /// `v = s (I − A)⁻¹`. With `s = l` (hours per unit) these are the labour values.
    pub fn solve_values(&self, s: &[f64]) -> Result<Solved, SolveError> {
        Ok(self.solve(&[(Side::Values, s)])?.remove(0))
    }

    /// Solves `(I − A) x = d` and `(I − A)ᵀ vᵀ = lᵀ`: the LU serves both from one
    /// factorisation; an iterative method solves one system after the other, so only one
    /// system's work vectors are alive at a time (products with `A` and `Aᵀ` cannot share a pass
    /// profitably on sparse economies; see [`crate::tiled`]).
    pub fn solve_both(&self, d: &[f64], l: &[f64]) -> Result<(Solved, Solved), SolveError> {
        let x = self.solve_output(d)?;
        let v = self.solve_values(l)?;
        Ok((x, v))
    }

    /// Columns of `(I − A)⁻¹` for the given products (e.g. its diagonal, or the whole inverse on
    /// request for small tables). Each column is one solve with a unit vector.
    pub fn inverse_columns(&self, columns: &[usize]) -> Result<Vec<Solved>, SolveError> {
        let n = self.n();
        if let Some(&j) = columns.iter().find(|&&j| j >= n) {
            return Err(SolveError::DimensionMismatch {
                expected: n,
                found: j + 1,
            });
        }
        if let Some(lu) = &self.lu {
            let mut rhs = faer::Mat::<f64>::zeros(n, columns.len());
            for (k, &j) in columns.iter().enumerate() {
                rhs[(j, k)] = 1.0;
            }
            lu.solve_in_place(rhs.as_mut(), Side::Output);
            return Ok((0..columns.len())
                .map(|k| {
                    let x: Vec<f64> = (0..n).map(|i| rhs[(i, k)]).collect();
                    let mut e = vec![0.0; n];
                    e[columns[k]] = 1.0;
                    let relative_residual = self.relative_residual(Side::Output, &x, &e);
                    Solved {
                        report: SolveReport {
                            method: Method::DenseLu,
                            iterations: 0,
                            relative_residual,
                            status: status_of_direct(&x),
                        },
                        x,
                    }
                })
                .collect());
        }
        columns
            .iter()
            .map(|&j| {
                let mut e = vec![0.0; n];
                e[j] = 1.0;
                self.solve_output(&e)
            })
            .collect()
    }

    fn solve(&self, systems: &[(Side, &[f64])]) -> Result<Vec<Solved>, SolveError> {
        let n = self.n();
        for (_, b) in systems {
            if b.len() != n {
                return Err(SolveError::DimensionMismatch {
                    expected: n,
                    found: b.len(),
                });
            }
            if let Some(k) = b.iter().position(|v| !v.is_finite()) {
                return Err(SolveError::NotFinite {
                    index: k,
                    value: b[k],
                });
            }
        }
        let op = self.operator();
        Ok(match self.method {
            Method::DenseLu => systems
                .iter()
                .map(|&(side, b)| self.solve_dense(side, b))
                .collect(),
            method => {
                let space = Space::single(self.n);
                iterative::solve(op, &space, method, systems, &self.settings, None)?
            }
        })
    }

    fn coefficients(&self) -> Option<&TechnicalCoefficients> {
        match &self.source {
            Source::Borrowed(a) => Some(a),
            Source::Owned(a) => Some(a),
            Source::TilesOnly => None,
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &SolverSettings {
        &self.settings
    }

    /// The coefficients in compressed rows (a copy unless they are sparse and kept), for
    /// diagnoses that need the graph of `A`.
    pub(crate) fn coefficients_csr(&self) -> std::borrow::Cow<'_, crate::matrix::CsrMatrix> {
        use std::borrow::Cow;
        match self.coefficients() {
            Some(TechnicalCoefficients::Sparse(s)) => Cow::Borrowed(s),
            Some(TechnicalCoefficients::Dense(d)) => Cow::Owned(d.to_csr()),
            None => Cow::Owned(
                self.tiled
                    .get()
                    .expect("tiles built when the matrix was consumed")
                    .to_csr(),
            ),
        }
    }

    /// The operator the iterations (and residual checks) use: the dense matrix itself, or the
    /// tiles of a sparse one.
    pub(crate) fn operator(&self) -> &dyn LinearOperator {
        match self.coefficients() {
            Some(TechnicalCoefficients::Dense(d)) => d,
            Some(TechnicalCoefficients::Sparse(s)) => {
                self.tiled.get_or_init(|| TiledMatrix::from_csr(s))
            }
            None => self
                .tiled
                .get()
                .expect("tiles built when the matrix was consumed"),
        }
    }

    fn solve_dense(&self, side: Side, b: &[f64]) -> Solved {
        let lu = self.lu.as_ref().expect("dense LU prepared");
        let n = b.len();
        let apply = |rhs: &[f64]| -> Vec<f64> {
            let mut m = faer::Mat::<f64>::from_fn(n, 1, |i, _| rhs[i]);
            lu.solve_in_place(m.as_mut(), side);
            (0..n).map(|i| m[(i, 0)]).collect()
        };
        let mut x = apply(b);
        let mut iterations = 0;
        let mut residual = self.relative_residual(side, &x, b);
        // One step of iterative refinement: cheap (one solve), and it removes most of the
        // rounding error that the factorisation left on ill-conditioned tables.
        if residual > 1e-15 && residual.is_finite() {
            let r = self.residual_vector(side, &x, b);
            let dx = apply(&r);
            let refined: Vec<f64> = x.iter().zip(&dx).map(|(a, b)| a + b).collect();
            let refined_residual = self.relative_residual(side, &refined, b);
            if refined_residual < residual {
                x = refined;
                residual = refined_residual;
                iterations = 1;
            }
        }
        let status = if residual.is_finite() {
            status_of_direct(&x)
        } else {
            SolveStatus::Singular
        };
        Solved {
            x,
            report: SolveReport {
                method: Method::DenseLu,
                iterations,
                relative_residual: residual,
                status,
            },
        }
    }

    /// `b − (I − A) x`.
    fn residual_vector(&self, side: Side, x: &[f64], b: &[f64]) -> Vec<f64> {
        let mut ax = vec![0.0; b.len()];
        match side {
            Side::Output => self.operator().mul(x, &mut ax),
            Side::Values => self.operator().mul_transpose(x, &mut ax),
        }
        b.iter()
            .zip(x)
            .zip(&ax)
            .map(|((b, x), ax)| b - x + ax)
            .collect()
    }

    fn relative_residual(&self, side: Side, x: &[f64], b: &[f64]) -> f64 {
        iterative::residuals(self.operator(), &Space::single(self.n), &[(side, b, x)])[0]
    }
}

impl LeontiefSolver<'static> {
    /// Prepares the system from coefficients it takes over. For a sparse matrix solved
    /// iteratively, the compressed rows are turned into tiles and dropped, so the solve holds
    /// one copy of the matrix.
    pub fn from_owned(
        a: TechnicalCoefficients,
        settings: SolverSettings,
    ) -> Result<Self, SolveError> {
        settings.validate()?;
        let n = a.n();
        let method = resolve_method(n, matches!(a, TechnicalCoefficients::Dense(_)), &settings)?;
        if method != Method::DenseLu {
            if let TechnicalCoefficients::Sparse(csr) = a {
                let tiled = OnceLock::new();
                let _ = tiled.set(TiledMatrix::from_csr_owned(csr));
                return Ok(Self {
                    source: Source::TilesOnly,
                    n,
                    settings,
                    method,
                    lu: None,
                    tiled,
                });
            }
        }
        let lu = (method == Method::DenseLu).then(|| DenseLu::factor(identity_minus(&a)));
        Ok(Self {
            source: Source::Owned(a),
            n,
            settings,
            method,
            lu,
            tiled: OnceLock::new(),
        })
    }
}

fn status_of_direct(x: &[f64]) -> SolveStatus {
    if x.iter().all(|v| v.is_finite()) {
        SolveStatus::Converged
    } else {
        SolveStatus::Singular
    }
}

/// `I − A` as a faer matrix (column-major) for the LU.
fn identity_minus(a: &TechnicalCoefficients) -> faer::Mat<f64> {
    let n = a.n();
    match a {
        TechnicalCoefficients::Dense(d) => dense_identity_minus(d),
        TechnicalCoefficients::Sparse(s) => {
            let mut m = faer::Mat::<f64>::identity(n, n);
            for (i, j, v) in s.triplets() {
                m[(i, j)] -= v;
            }
            m
        }
    }
}

fn dense_identity_minus(d: &DenseMatrix) -> faer::Mat<f64> {
    let n = d.nrows();
    faer::Mat::<f64>::from_fn(n, n, |i, j| {
        let id = if i == j { 1.0 } else { 0.0 };
        id - d.get(i, j)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> TechnicalCoefficients {
        // A small cyclic economy with ρ(A) well below 1.
        let a = DenseMatrix::try_from_row_major(
            3,
            3,
            vec![0.1, 0.3, 0.0, 0.2, 0.0, 0.4, 0.0, 0.25, 0.1],
        )
        .unwrap();
        TechnicalCoefficients::dense(a).unwrap()
    }

    #[test]
    fn every_method_agrees_with_the_lu() {
        let a = example();
        let d = [10.0, 5.0, 2.0];
        let l = [0.5, 1.0, 2.0];
        let reference = LeontiefSolver::new(&a, SolverSettings::default())
            .unwrap()
            .solve_both(&d, &l)
            .unwrap();
        assert_eq!(reference.0.report.method, Method::DenseLu);
        for method in [Method::BiCgStab, Method::Jacobi] {
            for storage in [a.clone(), TechnicalCoefficients::Sparse(a.to_csr())] {
                let s = LeontiefSolver::new(
                    &storage,
                    SolverSettings {
                        method,
                        ..Default::default()
                    },
                )
                .unwrap();
                let (x, v) = s.solve_both(&d, &l).unwrap();
                assert!(x.report.status.is_converged(), "{method}: {:?}", x.report);
                assert!(v.report.status.is_converged(), "{method}: {:?}", v.report);
                for i in 0..3 {
                    assert!((x.x[i] - reference.0.x[i]).abs() < 1e-8 * reference.0.x[i]);
                    assert!((v.x[i] - reference.1.x[i]).abs() < 1e-8 * reference.1.x[i]);
                }
            }
        }
        // v·d = l·x
        let vd: f64 = reference.1.x.iter().zip(&d).map(|(a, b)| a * b).sum();
        let lx: f64 = reference.0.x.iter().zip(&l).map(|(a, b)| a * b).sum();
        assert!((vd - lx).abs() < 1e-12 * lx);
    }

    #[test]
    fn wrong_lengths_and_nan_are_errors() {
        let a = example();
        let s = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        assert_eq!(
            s.solve_output(&[1.0]).unwrap_err(),
            SolveError::DimensionMismatch {
                expected: 3,
                found: 1
            }
        );
        assert!(matches!(
            s.solve_values(&[1.0, f64::NAN, 0.0]).unwrap_err(),
            SolveError::NotFinite { index: 1, .. }
        ));
        let bad = SolverSettings {
            tolerance: 0.0,
            ..Default::default()
        };
        assert!(LeontiefSolver::new(&a, bad).is_err());
    }

    #[test]
    fn an_unproductive_economy_diverges_rather_than_answering() {
        let a = TechnicalCoefficients::dense(
            DenseMatrix::try_from_row_major(2, 2, vec![0.5, 0.8, 0.9, 0.5]).unwrap(),
        )
        .unwrap();
        let s = LeontiefSolver::new(
            &a,
            SolverSettings {
                method: Method::Jacobi,
                ..Default::default()
            },
        )
        .unwrap();
        let x = s.solve_output(&[1.0, 1.0]).unwrap();
        assert_eq!(x.report.status, SolveStatus::Diverged);
    }
}
