//! The interior-point method's linear systems. The Newton step needs solves with
//!
//! ```text
//!   [ 0   Aᵀ ] [Δx]   [r_x]
//!   [ A   −H ] [Δz] = [r_z],      H = diag(s / z) on inequality rows, 0 on the zero cone.
//! ```
//!
//! Rows that only bound a column (`±xⱼ + s = b`) are eliminated first: their `Δz_r =
//! (±Δxⱼ − r_r) / H_r` leaves `D = Σ 1/H_r` on the diagonal of the `x` block. What remains,
//!
//! ```text
//!   K = [ D + δI    Aᵀ_c        ]      (the constraint rows only; upper triangle by columns)
//!       [ A_c     −(H_c + δI)   ]
//! ```
//!
//! is quasi-definite and factored as `P K Pᵀ = L D Lᵀ` by faer's sparse (supernodal) Cholesky
//! with an AMD ordering computed once: only the diagonal changes between iterations. A
//! quasi-definite matrix has an `LDLᵀ` for every symmetric ordering, so dense columns (the λ
//! column of a plan) and dense rows (labour) need no special treatment: AMD orders them last,
//! where they cause no fill. Pivots that come out too small or of the wrong sign are replaced
//! by faer's dynamic regularisation. Solves are refined iteratively against the unregularised
//! system (`δ = 0`).

use super::form::ConeForm;
use crate::error::SolveError;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::ldlt::factor::LdltRegularization;
use faer::sparse::linalg::cholesky::{
    factorize_symbolic_cholesky, CholeskySymbolicParams, LdltRef, SymbolicCholesky,
    SymmetricOrdering,
};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, Side};

/// A pivot below this in magnitude, or of the wrong sign, is replaced by ±[`DYNAMIC_DELTA`]
/// (the matrix is equilibrated, so absolute values are meaningful; Clarabel's choice).
const DYNAMIC_EPSILON: f64 = 1e-13;
/// See [`DYNAMIC_EPSILON`].
const DYNAMIC_DELTA: f64 = 2e-7;

/// A KKT matrix with its symbolic factorisation, refactored each iteration.
pub(super) struct Kkt {
    n: usize,
    /// Rows of the conic form.
    m: usize,
    /// The pattern of `K`, its current values and its symbolic factorisation.
    pattern: Pattern,
    signs: Vec<i8>,
    factor: Vec<f64>,
    /// `H` of the last factorisation (all conic rows) and the eliminated `D`.
    h: Vec<f64>,
    d: Vec<f64>,
    delta: f64,
    par: faer::Par,
    mem: MemBuffer,
}

/// The pattern of `K` (upper triangle by columns, with the starting values) and its symbolic
/// factorisation.
struct Pattern {
    /// Constraint rows (those kept in `K`), in order, and each conic row's position among
    /// them (`usize::MAX` for a bound row).
    kept: Vec<usize>,
    position: Vec<usize>,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    values: Vec<f64>,
    /// Position of each diagonal entry of `K` in `values`.
    diag: Vec<usize>,
    symbolic: SymbolicCholesky<usize>,
}

impl Pattern {
    fn of(form: &ConeForm, delta: f64) -> Result<Self, SolveError> {
        let (n, m) = (form.n, form.m());
        let kept: Vec<usize> = (0..m).filter(|&r| form.bound_of(r).is_none()).collect();
        let mut position = vec![usize::MAX; m];
        for (k, &r) in kept.iter().enumerate() {
            position[r] = k;
        }
        let size = n + kept.len();
        let mut col_ptr = Vec::with_capacity(size + 1);
        let mut row_idx = Vec::new();
        let mut values = Vec::new();
        let mut diag = Vec::with_capacity(size);
        col_ptr.push(0);
        for j in 0..n {
            diag.push(row_idx.len());
            row_idx.push(j);
            values.push(delta);
            col_ptr.push(row_idx.len());
        }
        for (k, &r) in kept.iter().enumerate() {
            // Column n + k: row r of A above the diagonal (rows < n), then the diagonal.
            for (j, a) in form.row(r) {
                row_idx.push(j);
                values.push(a);
            }
            diag.push(row_idx.len());
            row_idx.push(n + k);
            values.push(-delta);
            col_ptr.push(row_idx.len());
        }
        let pattern = SymbolicSparseColMatRef::new_checked(size, size, &col_ptr, None, &row_idx);
        let symbolic = factorize_symbolic_cholesky(
            pattern,
            Side::Upper,
            SymmetricOrdering::Amd,
            CholeskySymbolicParams::default(),
        )
        .map_err(|e| SolveError::Unsupported(format!("the KKT system cannot be ordered: {e:?}")))?;
        Ok(Self {
            kept,
            position,
            col_ptr,
            row_idx,
            values,
            diag,
            symbolic,
        })
    }
}

impl Kkt {
    /// Non-zeros the factor of `K` for `form` would have, from the symbolic analysis alone
    /// (nothing of the size of the factor is allocated: the method chooser asks this of LPs
    /// whose factor would not fit in memory).
    pub(super) fn factor_nnz_of(form: &ConeForm) -> Result<usize, SolveError> {
        Ok(Pattern::of(form, 0.0)?.symbolic.len_val())
    }

    /// The pattern of `K` for `form`, with its symbolic factorisation.
    pub(super) fn new(form: &ConeForm, delta: f64) -> Result<Self, SolveError> {
        let (n, m) = (form.n, form.m());
        let pattern = Pattern::of(form, delta)?;
        let size = n + pattern.kept.len();
        let par = crate::solve::faer_par();
        let symbolic = &pattern.symbolic;
        let factor = vec![0.0; symbolic.len_val()];
        let mem = MemBuffer::new(
            symbolic
                .factorize_numeric_ldlt_scratch::<f64>(par, Default::default())
                .or(symbolic.solve_in_place_scratch::<f64>(1, par)),
        );
        let signs = (0..size).map(|k| if k < n { 1 } else { -1 }).collect();
        Ok(Self {
            n,
            m,
            pattern,
            signs,
            factor,
            h: vec![0.0; m],
            d: vec![0.0; n],
            delta,
            par,
            mem,
        })
    }

    /// Non-zeros of the factor `L`.
    pub(super) fn factor_nnz(&self) -> usize {
        self.pattern.symbolic.len_val()
    }

    /// Factors `K` with the diagonal `H` (one entry per row of the conic form; positive on the
    /// bound rows).
    pub(super) fn factor(&mut self, form: &ConeForm, h: &[f64]) -> Result<(), SolveError> {
        self.h.copy_from_slice(h);
        self.d.iter_mut().for_each(|d| *d = 0.0);
        for (r, hr) in h.iter().enumerate() {
            if let Some((j, _)) = form.bound_of(r) {
                self.d[j] += 1.0 / hr;
            }
        }
        for j in 0..self.n {
            self.pattern.values[self.pattern.diag[j]] = self.d[j] + self.delta;
        }
        for (k, &r) in self.pattern.kept.iter().enumerate() {
            self.pattern.values[self.pattern.diag[self.n + k]] = -(h[r] + self.delta);
        }
        if let Some(k) = self.pattern.values.iter().position(|v| !v.is_finite()) {
            return Err(SolveError::Unsupported(format!(
                "the KKT matrix has a value that is not finite (entry {k})"
            )));
        }
        let size = self.n + self.pattern.kept.len();
        let a = SparseColMatRef::new(
            SymbolicSparseColMatRef::new_checked(
                size,
                size,
                &self.pattern.col_ptr,
                None,
                &self.pattern.row_idx,
            ),
            &self.pattern.values,
        );
        self.pattern
            .symbolic
            .factorize_numeric_ldlt(
                &mut self.factor,
                a,
                Side::Upper,
                LdltRegularization {
                    dynamic_regularization_signs: Some(&self.signs),
                    dynamic_regularization_delta: DYNAMIC_DELTA,
                    dynamic_regularization_epsilon: DYNAMIC_EPSILON,
                },
                self.par,
                MemStack::new(&mut self.mem),
                Default::default(),
            )
            .map_err(|e| SolveError::Unsupported(format!("the KKT factorisation failed: {e}")))?;
        Ok(())
    }

    /// Solves the full system `[0 Aᵀ; A −H] [dx; dz] = [rx; rz]` (all conic rows) with the last
    /// factorisation and up to `refine` steps of iterative refinement on the reduced system;
    /// returns `dx`, `dz` and the reduced system's final relative residual.
    pub(super) fn solve(
        &mut self,
        form: &ConeForm,
        rx: &[f64],
        rz: &[f64],
        refine: usize,
    ) -> (Vec<f64>, Vec<f64>, f64) {
        let n = self.n;
        // Eliminate the bound rows: r_x += Σ σ r_r / H_r.
        let mut rhs: Vec<f64> = rx.to_vec();
        for r in 0..self.m {
            if let Some((j, sign)) = form.bound_of(r) {
                rhs[j] += sign * rz[r] / self.h[r];
            }
        }
        rhs.extend(self.pattern.kept.iter().map(|&r| rz[r]));
        let norm_rhs = rhs.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1e-300);
        let mut sol = self.apply_inverse(&rhs);
        let mut res = self.residual(form, &rhs, &sol);
        let mut err = res.iter().fold(0.0f64, |s, v| s.max(v.abs())) / norm_rhs;
        for _ in 0..refine {
            if err <= 1e-14 {
                break;
            }
            let corr = self.apply_inverse(&res);
            let trial: Vec<f64> = sol.iter().zip(&corr).map(|(a, b)| a + b).collect();
            let trial_res = self.residual(form, &rhs, &trial);
            let trial_err = trial_res.iter().fold(0.0f64, |s, v| s.max(v.abs())) / norm_rhs;
            if trial_err >= err * 0.9 {
                if trial_err < err {
                    sol = trial;
                    err = trial_err;
                }
                break;
            }
            sol = trial;
            res = trial_res;
            err = trial_err;
        }
        // Back to all conic rows: Δz_r = (σ Δxⱼ − r_r) / H_r on the bound rows.
        let mut dz = vec![0.0; self.m];
        for r in 0..self.m {
            match form.bound_of(r) {
                Some((j, sign)) => dz[r] = (sign * sol[j] - rz[r]) / self.h[r],
                None => dz[r] = sol[n + self.pattern.position[r]],
            }
        }
        sol.truncate(n);
        (sol, dz, err)
    }

    fn apply_inverse(&mut self, rhs: &[f64]) -> Vec<f64> {
        let mut x = faer::Mat::<f64>::from_fn(rhs.len(), 1, |i, _| rhs[i]);
        let ldlt = LdltRef::<usize, f64>::new(&self.pattern.symbolic, &self.factor);
        ldlt.solve_in_place_with_conj(Conj::No, x.as_mut(), self.par, MemStack::new(&mut self.mem));
        (0..rhs.len()).map(|i| x[(i, 0)]).collect()
    }

    /// `rhs − K₀ sol` for the unregularised reduced `K₀ = [D Aᵀ_c; A_c −H_c]`.
    fn residual(&self, form: &ConeForm, rhs: &[f64], sol: &[f64]) -> Vec<f64> {
        let n = self.n;
        let (x, zc) = sol.split_at(n);
        let mut out = rhs.to_vec();
        for j in 0..n {
            out[j] -= self.d[j] * x[j];
        }
        for (k, &r) in self.pattern.kept.iter().enumerate() {
            let mut ax = 0.0;
            for (j, a) in form.row(r) {
                ax += a * x[j];
                out[j] -= a * zc[k];
            }
            out[n + k] -= ax - self.h[r] * zc[k];
        }
        out
    }
}
