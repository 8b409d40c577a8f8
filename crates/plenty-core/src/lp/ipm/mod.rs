//! A primal–dual interior-point method for linear programs: Mehrotra's predictor–corrector on
//! the homogeneous self-dual embedding, with a sparse quasi-definite KKT factorisation.
//!
//! # The embedding
//!
//! The LP, in conic form (`min qᵀx` s.t. `Ax + s = b`, `s ∈ K`) and its dual
//! (`max −bᵀz` s.t. `Aᵀz + q = 0`, `z ∈ K*`), is embedded in the homogeneous system
//!
//! ```text
//!   Aᵀz + qτ = 0,     Ax + s − bτ = 0,     qᵀx + bᵀz + κ = 0,     s ∈ K, z ∈ K*, τ, κ ≥ 0
//! ```
//!
//! whose solutions with `sᵀz + τκ = 0` are either an optimum (`τ > 0`: divide by `τ`) or a
//! certificate that there is none (`κ > 0`: `bᵀz < 0` proves the LP infeasible, `qᵀx < 0`
//! proves its dual infeasible, so the LP is unbounded if it is feasible). Every iterate stays
//! in the interior of the cones; no feasible starting point is needed.
//!
//! # One iteration
//!
//! With `H = diag(s/z)` on the inequality rows, each Newton direction reduces to two solves with
//! the quasi-definite matrix `[0 Aᵀ; A −H]`, one of them with the fixed right-hand
//! side `[−q; b]`, and `Δτ` in closed form. The affine direction (`σ = 0`) gives the centring
//! `σ = (1 − α_aff)³`, and the corrector adds Mehrotra's second-order term. Steps go 99 % of the
//! way to the boundary.
//!
//! # Scaling and the answer
//!
//! The conic form is equilibrated (Ruiz: rows and columns divided by the square roots of their
//! largest entries, repeatedly) and the cost scaled to `‖q‖∞ ≤ 1`. At every iteration the
//! iterate is mapped back to the LP (`x/τ`, the row duals from `z/τ`) and judged by
//! [`certify`], the same certificate as every other method's: the method
//! stops when the primal and dual residuals and the gap are within the tolerance, and
//! additionally every row within the tolerance of its own bound.

// Vectors indexed by row and column read clearest with the indices of the mathematics.
#![allow(clippy::needless_range_loop)]

mod form;
mod kkt;

use crate::error::SolveError;
use crate::lp::presolve::{presolve, PresolveOutcome, PresolveStats};
use crate::lp::{certify, LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus};
use form::ConeForm;
use kkt::Kkt;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Settings of the interior-point method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IpmSettings {
    /// Tolerance of the certificate, iteration limit (default here: see
    /// [`IpmSettings::max_iterations`]) and time limit.
    pub lp: LpSettings,
    /// Most iterations (factorisations). Default 200; the `lp` limit applies when smaller.
    pub max_iterations: usize,
    /// Equilibration passes. Default 15.
    pub ruiz_iterations: usize,
    /// Static regularisation of the KKT matrix (the equilibrated one). Default `1e-8`.
    pub static_regularization: f64,
    /// Tolerance of the infeasibility certificates. Default `1e-9`.
    pub infeasibility_tolerance: f64,
    /// Steps of iterative refinement per solve. Default 10.
    pub refinement_steps: usize,
    /// Presolve before the iterations ([`crate::lp::presolve`]). Default on.
    pub presolve: bool,
}

impl Default for IpmSettings {
    fn default() -> Self {
        Self {
            lp: LpSettings::default(),
            max_iterations: 200,
            ruiz_iterations: 15,
            static_regularization: 1e-8,
            infeasibility_tolerance: 1e-9,
            refinement_steps: 10,
            presolve: true,
        }
    }
}

/// Counters of an interior-point solve.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IpmStats {
    /// Iterations (each one KKT factorisation).
    pub iterations: usize,
    /// Rows of the conic form (finite bounds of rows and columns).
    pub cone_rows: usize,
    /// Non-zeros of the `L` factor.
    pub factor_nonzeros: usize,
    /// Seconds in symbolic analysis (ordering) and setup.
    pub setup_seconds: f64,
    /// Seconds in numeric factorisations.
    pub factor_seconds: f64,
    /// Largest relative residual of a refined KKT solve.
    pub worst_solve_residual: f64,
    /// What presolve removed.
    pub presolve: PresolveStats,
    /// True when the reduced LP's answer did not certify on the original LP, or was not an
    /// optimum, and the original LP was solved instead (the counters add both solves).
    pub presolve_undone: bool,
}

/// The interior-point solver. It implements [`LpBackend`].
#[derive(Debug, Clone, Default)]
pub struct Ipm {
    /// Its settings.
    pub settings: IpmSettings,
}

impl Ipm {
    /// A solver with these settings.
    pub fn new(settings: IpmSettings) -> Self {
        Self { settings }
    }

    /// Solves `lp`, also returning the counters: presolve, the iterations on the reduced LP,
    /// postsolve, and the certificate on `lp` itself. An answer of the reduced LP that is not a
    /// certified optimum of `lp` (an infeasible LP among them: its Farkas ray must refer to
    /// `lp`'s rows) is settled by solving `lp` unreduced.
    pub fn solve_with_stats(
        &self,
        lp: &LinearProgram,
    ) -> Result<(LpSolution, IpmStats), SolveError> {
        self.settings.lp.validate()?;
        if !self.settings.presolve {
            return self.solve_unreduced(lp, &RowScales::of(lp));
        }
        let start = Instant::now();
        let reduced = match presolve(lp) {
            PresolveOutcome::Reduced(p) if !p.stats.is_empty() => p,
            _ => return self.solve_unreduced(lp, &RowScales::of(lp)),
        };
        // Rows are judged against the original bounds' magnitudes: a bound shifted by fixed
        // columns must not loosen the test of its row.
        let (lower, upper) = reduced.row_scales(lp);
        let scales = RowScales { lower, upper };
        let (sol, mut stats) = self.solve_unreduced(&reduced.lp, &scales)?;
        stats.presolve = reduced.stats.clone();
        let limited = matches!(sol.status, LpStatus::IterationLimit | LpStatus::TimeLimit);
        if sol.status == LpStatus::Optimal || limited {
            let (x, y) = reduced.postsolve(lp, &sol.x, &sol.y);
            let seconds = start.elapsed().as_secs_f64();
            let answer = LpSolution::at(lp, x, y, sol.status, sol.info.iterations, seconds, "ipm");
            let own = RowScales::of(lp);
            if limited || optimal_to(lp, &answer, self.settings.lp.tolerance, &own) {
                return Ok((answer, stats));
            }
        }
        let (mut sol, mut again) = self.solve_unreduced(lp, &RowScales::of(lp))?;
        again.iterations += stats.iterations;
        again.factor_seconds += stats.factor_seconds;
        again.presolve = stats.presolve;
        again.presolve_undone = true;
        sol.info.iterations = again.iterations;
        sol.info.seconds = start.elapsed().as_secs_f64();
        Ok((sol, again))
    }

    /// Solves `lp` as it is.
    fn solve_unreduced(
        &self,
        lp: &LinearProgram,
        scales: &RowScales,
    ) -> Result<(LpSolution, IpmStats), SolveError> {
        let (mut sol, mut stats) = Run::new(lp, &self.settings, scales)?.solve()?;
        if sol.status == LpStatus::InfeasibleOrUnbounded {
            // The dual has no solution: the LP is unbounded if it is feasible, which one more
            // solve with no objective settles.
            let mut feasibility = lp.clone();
            feasibility.c.iter_mut().for_each(|c| *c = 0.0);
            let (f, fstats) = Run::new(&feasibility, &self.settings, scales)?.solve()?;
            stats.iterations += fstats.iterations;
            stats.factor_seconds += fstats.factor_seconds;
            sol.info.iterations = stats.iterations;
            match f.status {
                LpStatus::Optimal => {
                    // A feasible point; the objective improves without bound from it.
                    sol = LpSolution::at(
                        lp,
                        f.x,
                        vec![0.0; lp.nrows()],
                        LpStatus::Unbounded,
                        stats.iterations,
                        0.0,
                        "ipm",
                    );
                }
                LpStatus::Infeasible => sol.status = LpStatus::Infeasible,
                _ => {}
            }
        }
        Ok((sol, stats))
    }
}

impl LpBackend for Ipm {
    fn solve(&self, lp: &LinearProgram, settings: &LpSettings) -> Result<LpSolution, SolveError> {
        let ipm = Ipm::new(IpmSettings {
            lp: settings.clone(),
            ..self.settings.clone()
        });
        ipm.solve_with_stats(lp).map(|(s, _)| s)
    }
}

/// Non-zeros of the interior-point method's factor for `lp`: the cost of its iterations and
/// its memory (8 bytes each), known from the symbolic analysis alone.
pub fn factor_size(lp: &LinearProgram) -> Result<usize, SolveError> {
    let form = ConeForm::new(lp);
    Kkt::factor_nnz_of(&form)
}

/// Magnitudes of the row bounds that the per-row test of [`optimal_to`] is relative to.
struct RowScales {
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl RowScales {
    /// The LP's own bounds.
    fn of(lp: &LinearProgram) -> Self {
        Self {
            lower: lp.row_lower.iter().map(|v| v.abs()).collect(),
            upper: lp.row_upper.iter().map(|v| v.abs()).collect(),
        }
    }
}

/// Whether an answer is optimal to the tolerance: the certificate, and every row within the
/// tolerance of its own bound (relative to `1 + |bound|`, the bound's magnitude from `scales`).
fn optimal_to(lp: &LinearProgram, answer: &LpSolution, tol: f64, scales: &RowScales) -> bool {
    if !answer.info.certificate.passes(tol) {
        return false;
    }
    let ax = lp.row_activity(&answer.x);
    (0..lp.nrows()).all(|i| {
        let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
        lo - ax[i] <= tol * (1.0 + scales.lower[i]) && ax[i] - hi <= tol * (1.0 + scales.upper[i])
    })
}

/// The state of one solve.
struct Run<'a> {
    lp: &'a LinearProgram,
    set: &'a IpmSettings,
    scales: &'a RowScales,
    start: Instant,
    /// The scaled conic form, its row and column scalings and the cost scale:
    /// `Ã = E A D`, `b̃ = E b`, `q̃ = c D q`.
    form: ConeForm,
    e: Vec<f64>,
    d: Vec<f64>,
    c: f64,
    kkt: Kkt,
    x: Vec<f64>,
    s: Vec<f64>,
    z: Vec<f64>,
    tau: f64,
    kappa: f64,
    stats: IpmStats,
}

/// A Newton direction.
struct Direction {
    x: Vec<f64>,
    s: Vec<f64>,
    z: Vec<f64>,
    tau: f64,
    kappa: f64,
}

impl<'a> Run<'a> {
    fn new(
        lp: &'a LinearProgram,
        set: &'a IpmSettings,
        scales: &'a RowScales,
    ) -> Result<Self, SolveError> {
        let start = Instant::now();
        let mut form = ConeForm::new(lp);
        let (e, d) = equilibrate(&mut form, set.ruiz_iterations);

        let qmax = form.q.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let c = 1.0 / qmax.max(1.0);
        form.q.iter_mut().for_each(|q| *q *= c);
        let kkt = Kkt::new(&form, set.static_regularization)?;
        let (n, m) = (form.n, form.m());
        let stats = IpmStats {
            cone_rows: m,
            factor_nonzeros: kkt.factor_nnz(),
            setup_seconds: start.elapsed().as_secs_f64(),
            ..Default::default()
        };
        Ok(Self {
            lp,
            set,
            scales,
            start,
            form,
            e,
            d,
            c,
            kkt,
            x: vec![0.0; n],
            s: vec![0.0; m],
            z: vec![0.0; m],
            tau: 1.0,
            kappa: 1.0,
            stats,
        })
    }

    /// Degree of the cone: the number of inequality rows, plus one for `τκ`.
    fn degree(&self) -> f64 {
        (self.form.m() - self.form.zero + 1) as f64
    }

    fn is_zero_row(&self, r: usize) -> bool {
        r < self.form.zero
    }

    /// Duality measure `μ = (sᵀz + τκ) / degree`.
    fn mu(&self) -> f64 {
        let sz: f64 = (self.form.zero..self.form.m())
            .map(|r| self.s[r] * self.z[r])
            .sum();
        (sz + self.tau * self.kappa) / self.degree()
    }

    fn solve(mut self) -> Result<(LpSolution, IpmStats), SolveError> {
        self.initial_point()?;
        let limit = self.set.max_iterations.min(self.set.lp.max_iterations);
        let mut best: Option<LpSolution> = None;
        loop {
            let answer = self.answer(LpStatus::Optimal);
            if self.passes(&answer) {
                return Ok(self.finish(answer));
            }
            if let Some(status) = self.infeasibility() {
                let answer = self.answer(status);
                return Ok(self.finish(answer));
            }
            best = Some(better(best, answer));
            let over_time = self
                .set
                .lp
                .time_limit
                .is_some_and(|t| self.start.elapsed().as_secs_f64() >= t);
            if self.stats.iterations >= limit || over_time {
                let status = if over_time {
                    LpStatus::TimeLimit
                } else {
                    LpStatus::IterationLimit
                };
                let mut answer = best.take().expect("an answer was kept");
                answer.status = status;
                return Ok(self.finish(answer));
            }
            if !self.step()? {
                let mut answer = best.take().expect("an answer was kept");
                answer.status = LpStatus::NumericalTrouble;
                return Ok(self.finish(answer));
            }
        }
    }

    fn finish(&self, mut answer: LpSolution) -> (LpSolution, IpmStats) {
        answer.info.iterations = self.stats.iterations;
        answer.info.seconds = self.start.elapsed().as_secs_f64();
        (answer, self.stats.clone())
    }

    fn passes(&self, answer: &LpSolution) -> bool {
        optimal_to(self.lp, answer, self.set.lp.tolerance, self.scales)
    }

    /// The current iterate as an answer of the LP: `x = D x̃ / τ`, the row duals from
    /// `z = E z̃ / (c τ)`, clipped to the column bounds.
    fn answer(&self, status: LpStatus) -> LpSolution {
        let lp = self.lp;
        let (x, z) = match status {
            // A certificate of infeasibility is a ray, not divided by τ.
            LpStatus::Infeasible => (vec![0.0; lp.ncols()], self.unscaled_z(1.0)),
            LpStatus::Unbounded | LpStatus::InfeasibleOrUnbounded => {
                (self.unscaled_x(1.0), vec![0.0; self.form.m()])
            }
            _ => (
                self.unscaled_x(self.tau)
                    .iter()
                    .enumerate()
                    .map(|(j, v)| v.max(lp.col_lower[j]).min(lp.col_upper[j]))
                    .collect(),
                self.unscaled_z(self.tau),
            ),
        };
        let y = self.form.lp_duals(&z, lp.nrows(), lp.sense.sign());
        let mut sol = LpSolution::at(lp, x, y, status, self.stats.iterations, 0.0, "ipm");
        if status == LpStatus::Optimal {
            sol.info.certificate = certify(lp, &sol.x, &sol.y);
        }
        sol
    }

    fn unscaled_x(&self, tau: f64) -> Vec<f64> {
        self.x
            .iter()
            .zip(&self.d)
            .map(|(x, d)| d * x / tau)
            .collect()
    }

    fn unscaled_z(&self, tau: f64) -> Vec<f64> {
        self.z
            .iter()
            .zip(&self.e)
            .map(|(z, e)| e * z / (self.c * tau))
            .collect()
    }

    /// A certificate of infeasibility or unboundedness, when the iterate holds one: `bᵀz < 0`
    /// with `‖Aᵀz‖` small against it (no primal solution), or `qᵀx < 0` with `‖Ax + s‖` small
    /// against it (the dual has none: unbounded when the LP is feasible).
    fn infeasibility(&self) -> Option<LpStatus> {
        if self.tau > 1e-3 * self.kappa.max(1e-8) {
            return None;
        }
        let eps = self.set.infeasibility_tolerance;
        let (n, m) = (self.form.n, self.form.m());
        let btz: f64 = self.form.b.iter().zip(&self.z).map(|(b, z)| b * z).sum();
        if btz < 0.0 {
            let mut atz = vec![0.0; n];
            self.form.mul_transpose(&self.z, &mut atz);
            // Measured in the unscaled space: Aᵀz = D⁻¹ Ãᵀz̃.
            let norm = atz
                .iter()
                .zip(&self.d)
                .fold(0.0f64, |s, (a, d)| s.max((a / d).abs()));
            if norm <= eps * -btz {
                return Some(LpStatus::Infeasible);
            }
        }
        let qtx: f64 = self.form.q.iter().zip(&self.x).map(|(q, x)| q * x).sum();
        if qtx < 0.0 {
            let mut ax = vec![0.0; m];
            self.form.mul(&self.x, &mut ax);
            let norm = (0..m).fold(0.0f64, |s, r| {
                s.max(((ax[r] + self.s[r]) / self.e[r]).abs())
            });
            if norm <= eps * -qtx {
                return Some(LpStatus::InfeasibleOrUnbounded);
            }
        }
        None
    }

    /// The starting point: `x` and `s = b − Ax` from a least-squares solve, `z` from the dual
    /// one, both shifted into the interior of the cone.
    fn initial_point(&mut self) -> Result<(), SolveError> {
        let (n, m) = (self.form.n, self.form.m());
        let h: Vec<f64> = (0..m)
            .map(|r| if self.is_zero_row(r) { 0.0 } else { 1.0 })
            .collect();
        self.kkt.factor(&self.form, &h)?;
        // [0 Aᵀ; A −H][x; v] = [0; b]: x least squares, s = −v = b − Ax on inequality rows.
        let (x, v, _) = self.kkt.solve(
            &self.form,
            &vec![0.0; n],
            &self.form.b,
            self.set.refinement_steps,
        );
        // [0 Aᵀ; A −H][w; z] = [−q; 0]: Aᵀz = −q.
        let neg_q: Vec<f64> = self.form.q.iter().map(|q| -q).collect();
        let (_, z, _) =
            self.kkt
                .solve(&self.form, &neg_q, &vec![0.0; m], self.set.refinement_steps);
        self.x = x;
        self.s = v.iter().map(|v| -v).collect();
        self.z = z;
        let zero = self.form.zero;
        for r in 0..zero {
            self.s[r] = 0.0;
        }
        shift_into_cone(&mut self.s[zero..]);
        shift_into_cone(&mut self.z[zero..]);
        self.tau = 1.0;
        self.kappa = 1.0;
        Ok(())
    }

    /// One predictor–corrector iteration. `false` when the step is numerically impossible.
    fn step(&mut self) -> Result<bool, SolveError> {
        let (n, m, zero) = (self.form.n, self.form.m(), self.form.zero);
        self.stats.iterations += 1;
        // Residuals of the embedding.
        let mut rd = vec![0.0; n];
        self.form.mul_transpose(&self.z, &mut rd);
        for j in 0..n {
            rd[j] += self.form.q[j] * self.tau;
        }
        let mut rp = vec![0.0; m];
        self.form.mul(&self.x, &mut rp);
        for r in 0..m {
            rp[r] += self.s[r] - self.form.b[r] * self.tau;
        }
        let qx: f64 = self.form.q.iter().zip(&self.x).map(|(a, b)| a * b).sum();
        let bz: f64 = self.form.b.iter().zip(&self.z).map(|(a, b)| a * b).sum();
        let rg = qx + bz + self.kappa;
        let mu = self.mu();

        // s/z spans many orders of magnitude near the optimum; it is kept within [1e-30, 1e30]
        // so that neither it nor its inverse (the eliminated bound rows) overflows.
        let h: Vec<f64> = (0..m)
            .map(|r| {
                if r < zero {
                    0.0
                } else {
                    (self.s[r] / self.z[r]).clamp(1e-30, 1e30)
                }
            })
            .collect();
        let t = Instant::now();
        let factored = self.kkt.factor(&self.form, &h);
        self.stats.factor_seconds += t.elapsed().as_secs_f64();
        if factored.is_err() {
            return Ok(false);
        }
        let neg_q: Vec<f64> = self.form.q.iter().map(|q| -q).collect();
        let (x1, z1, e1) =
            self.kkt
                .solve(&self.form, &neg_q, &self.form.b, self.set.refinement_steps);
        self.stats.worst_solve_residual = self.stats.worst_solve_residual.max(e1);

        // Affine direction.
        let rs_aff: Vec<f64> = (0..m)
            .map(|r| {
                if r < zero {
                    0.0
                } else {
                    -self.s[r] * self.z[r]
                }
            })
            .collect();
        let rk_aff = -self.tau * self.kappa;
        let aff = self.direction(&rd, &rp, rg, 1.0, &rs_aff, rk_aff, &x1, &z1);
        let Some(aff) = aff else { return Ok(false) };
        let alpha_aff = self.max_step(&aff);
        let sigma = (1.0 - alpha_aff).powi(3);

        // Combined direction: centring and Mehrotra's second-order correction.
        let rs: Vec<f64> = (0..m)
            .map(|r| {
                if r < zero {
                    0.0
                } else {
                    -self.s[r] * self.z[r] + sigma * mu - aff.s[r] * aff.z[r]
                }
            })
            .collect();
        let rk = -self.tau * self.kappa + sigma * mu - aff.tau * aff.kappa;
        let dir = self.direction(&rd, &rp, rg, 1.0 - sigma, &rs, rk, &x1, &z1);
        let Some(dir) = dir else { return Ok(false) };
        let alpha = (0.99 * self.max_step(&dir)).min(1.0);
        if alpha.is_nan() || alpha <= 0.0 {
            return Ok(false);
        }
        for j in 0..n {
            self.x[j] += alpha * dir.x[j];
        }
        for r in 0..m {
            self.z[r] += alpha * dir.z[r];
            if r >= zero {
                self.s[r] += alpha * dir.s[r];
            }
        }
        self.tau += alpha * dir.tau;
        self.kappa += alpha * dir.kappa;
        let finite = self
            .x
            .iter()
            .chain(&self.z)
            .chain(&self.s)
            .all(|v| v.is_finite())
            && self.tau.is_finite()
            && self.kappa.is_finite();
        Ok(finite && self.tau > 0.0 && self.kappa > 0.0)
    }

    /// The Newton direction that reduces the linear residuals by the factor `eta` and aims the
    /// complementarity at `rs` (rows) and `rk` (`τκ`), from the solution `[x1; z1]` of
    /// `K [x1; z1] = [−q; b]`.
    #[allow(clippy::too_many_arguments)]
    fn direction(
        &mut self,
        rd: &[f64],
        rp: &[f64],
        rg: f64,
        eta: f64,
        rs: &[f64],
        rk: f64,
        x1: &[f64],
        z1: &[f64],
    ) -> Option<Direction> {
        let (n, m, zero) = (self.form.n, self.form.m(), self.form.zero);
        // Δs = (rs − s Δz) / z on the inequality rows, 0 on the zero cone, so
        // A Δx − H Δz = −η rp − rs / z + b Δτ  and  Aᵀ Δz = −η rd − q Δτ.
        let bx: Vec<f64> = rd.iter().map(|v| -eta * v).collect();
        let bz: Vec<f64> = (0..m)
            .map(|r| {
                let base = -eta * rp[r];
                if r < zero {
                    base
                } else {
                    base - rs[r] / self.z[r]
                }
            })
            .collect();
        let (x2, z2, e2) = self
            .kkt
            .solve(&self.form, &bx, &bz, self.set.refinement_steps);
        self.stats.worst_solve_residual = self.stats.worst_solve_residual.max(e2);
        // Δx = x2 + Δτ x1, Δz = z2 + Δτ z1; the gap row and τΔκ + κΔτ = rk give Δτ.
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a * b).sum::<f64>();
        let num = -eta * rg - dot(&self.form.q, &x2) - dot(&self.form.b, &z2) - rk / self.tau;
        let den = dot(&self.form.q, x1) + dot(&self.form.b, z1) - self.kappa / self.tau;
        let dtau = num / den;
        if !dtau.is_finite() {
            return None;
        }
        let x: Vec<f64> = (0..n).map(|j| x2[j] + dtau * x1[j]).collect();
        let z: Vec<f64> = (0..m).map(|r| z2[r] + dtau * z1[r]).collect();
        let s: Vec<f64> = (0..m)
            .map(|r| {
                if r < zero {
                    0.0
                } else {
                    (rs[r] - self.s[r] * z[r]) / self.z[r]
                }
            })
            .collect();
        let kappa = (rk - self.kappa * dtau) / self.tau;
        Some(Direction {
            x,
            s,
            z,
            tau: dtau,
            kappa,
        })
    }

    /// The largest `α ≤ 1` keeping `s`, `z` (inequality rows), `τ` and `κ` non-negative.
    fn max_step(&self, d: &Direction) -> f64 {
        let mut alpha: f64 = 1.0;
        let mut limit = |v: f64, dv: f64| {
            if dv < 0.0 {
                alpha = alpha.min(-v / dv);
            }
        };
        for r in self.form.zero..self.form.m() {
            limit(self.s[r], d.s[r]);
            limit(self.z[r], d.z[r]);
        }
        limit(self.tau, d.tau);
        limit(self.kappa, d.kappa);
        alpha.max(0.0)
    }
}

/// Keeps the better of two answers (smaller worst certificate measure).
fn better(kept: Option<LpSolution>, new: LpSolution) -> LpSolution {
    let worst = |s: &LpSolution| {
        let c = &s.info.certificate;
        let w = c.primal_residual.max(c.dual_residual).max(c.relative_gap);
        if w.is_finite() {
            w
        } else {
            f64::INFINITY
        }
    };
    match kept {
        Some(k) if worst(&k) <= worst(&new) => k,
        _ => new,
    }
}

/// Shifts `v` into the interior of the non-negative orthant: `v + (1 + max(0, −min v)) e` when
/// some entry is not positive enough (the usual start of primal–dual methods).
fn shift_into_cone(v: &mut [f64]) {
    let lowest = v.iter().fold(f64::INFINITY, |m, x| m.min(*x));
    if v.is_empty() {
        return;
    }
    let shift = if lowest < 1e-8 {
        1.0 - lowest.min(0.0)
    } else {
        0.0
    };
    v.iter_mut().for_each(|x| *x += shift);
}

/// Ruiz equilibration of the conic form: rows and columns are divided by the square roots of
/// their largest entries, `passes` times. Returns the row scaling `e` and column scaling `d`
/// (`Ã = E A D`).
fn equilibrate(form: &mut ConeForm, passes: usize) -> (Vec<f64>, Vec<f64>) {
    let (n, m) = (form.n, form.m());
    let mut e = vec![1.0; m];
    let mut d = vec![1.0; n];
    for _ in 0..passes {
        let mut row_max = vec![0.0f64; m];
        let mut col_max = vec![0.0f64; n];
        for r in 0..m {
            for (j, a) in form.row(r) {
                row_max[r] = row_max[r].max(a.abs());
                col_max[j] = col_max[j].max(a.abs());
            }
        }
        let er: Vec<f64> = row_max
            .iter()
            .map(|v| if *v > 0.0 { 1.0 / v.sqrt() } else { 1.0 })
            .collect();
        let dc: Vec<f64> = col_max
            .iter()
            .map(|v| if *v > 0.0 { 1.0 / v.sqrt() } else { 1.0 })
            .collect();
        form.scale(&er, &dc);
        for r in 0..m {
            e[r] *= er[r];
        }
        for j in 0..n {
            d[j] *= dc[j];
        }
    }
    (e, d)
}
