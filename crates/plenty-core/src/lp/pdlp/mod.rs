//! Restarted primal–dual hybrid gradient (PDLP) for linear programs in boxed form.
//!
//! # The problem and its saddle point
//!
//! With `s = +1` for minimise and `−1` for maximise, the solver works on the minimisation form
//! (cost `s·c`):
//!
//! ```text
//!   min  cᵀx   s.t.  l_r ≤ A x ≤ u_r,   l_c ≤ x ≤ u_c
//! ```
//!
//! whose Lagrangian saddle point is
//!
//! ```text
//!   min_{x ∈ X}  max_y   cᵀx − yᵀA x + p(y),     p(y) = Σᵢ ( yᵢ⁺ l_rᵢ − yᵢ⁻ u_rᵢ ),
//! ```
//!
//! `X = [l_c, u_c]`. `p` is `−∞` unless `yᵢ > 0` only on rows with a finite lower bound and
//! `yᵢ < 0` only on rows with a finite upper bound: the sign of a dual follows the bound it
//! prices. The reduced costs are `z = c − Aᵀy`; the dual objective is
//! `p(y) + Σⱼ (zⱼ⁺ l_cⱼ − zⱼ⁻ u_cⁱ)`. Row duals are returned in the LP's own sense (`s·y`), the
//! convention of [`certify`].
//!
//! # One PDHG step
//!
//! With primal step `τ = η/ω` and dual step `σ = ηω` (step size `η`, primal weight `ω`):
//!
//! ```text
//!   x̂ = proj_X( x − τ (c − Aᵀy) )
//!   ŷ = argmax_v { p(v) − vᵀA(2x̂ − x) − ‖v − y‖²/(2σ) }
//!     : with v = y − σ A(2x̂ − x),   ŷᵢ = v + σ l_rᵢ  if that is > 0,
//!                                    ŷᵢ = v + σ u_rᵢ  if that is < 0,   else 0,
//! ```
//!
//! which is PDLP's handling of two-sided rows: the dual of each row is projected by the type of
//! its bounds (an equality row's dual is free, a `≤` row's is `≤ 0`, a free row's is 0). Each
//! step costs one product with `A` and one with `Aᵀ`. `A` is kept by rows *and* by columns, so
//! both products are gathers, parallel over output entries with fixed chunks: every entry is
//! summed by one thread in a fixed order, and every reduction adds fixed chunk sums in order, so
//! the iterates have the same bits on any number of threads.
//!
//! # Two schemes around the step ([`PdhgScheme`])
//!
//! * **Adaptive** (PDLP; Applegate et al. 2021), the default: adaptive step size (a step is
//!   accepted when `η ≤ ‖Δz‖²_ω / (2|ΔyᵀAΔx|)`, the next step is
//!   `min((1−(k+1)^−0.3)η_max, (1+(k+1)^−0.6)η)`), step-weighted averages, restarts to the
//!   current or average iterate (whichever has the smaller KKT error
//!   `√(ω‖r_p‖² + ‖r_d‖²/ω + gap²)`) when that error falls to 0.2 of the restart point's, or to
//!   0.8 of it while rising, or when the epoch reaches 0.36 of all iterations; at a restart the
//!   primal weight is smoothed towards `‖Δy‖/‖Δx‖` (the movements since the last restart).
//! * **Halpern** (cuPDLPx; Lu & Yang 2024, Lu, Peng & Yang 2025): constant
//!   `η = 0.998/‖A‖₂` (power iteration), and within each restart epoch the reflected Halpern
//!   iteration `z_{k+1} = (k+1)/(k+2) · (γ(2ẑ − z_k) + (1−γ) z_k) + 1/(k+2) · z₀` towards the
//!   epoch's anchor `z₀`. It restarts (anchor ← latest `ẑ`) when the fixed-point error
//!   `r(z) = ‖z − T(z)‖_P` (`P` the PDHG metric `[[I/τ, Aᵀ], [A, I/σ]]`) falls to 0.2 of the
//!   anchor's, or to 0.8 of it while rising, or when the epoch reaches 0.36 of all iterations;
//!   at a restart the primal weight follows a PID controller on
//!   `log(ω‖Δx‖/‖Δy‖)` (gains 0.99, 0.01, 0; discount 0.3). Each step is cheaper (no
//!   averages, no rejected steps).
//!
//! Neither wins everywhere. On the netlib instances of the tests Halpern needs somewhat fewer
//! iterations; on planning LPs (`synthetic::planning_lp`) Adaptive needed fewer in total, and
//! far fewer on the hardest one (11 135 against 58 625 at n = 1 000).
//!
//! # Preconditioning
//!
//! Before iterating, `A` becomes `Ã = D_r A D_c` by `ruiz_iterations` of Ruiz equilibration
//! (divide each row and column by the square root of its largest magnitude) and one
//! Pock–Chambolle step (α = 1: the square root of its ℓ₁ norm); then the bounds are multiplied
//! by `θ_b = 1/(1 + ‖b‖₂)` and the costs by `θ_c = 1/(1 + ‖c‖₂)` (HPR-LP, cuPDLPx). The
//! solution maps back by `x = D_c x̃/θ_b`, `y = D_r ỹ/θ_c`.
//!
//! # Termination
//!
//! Every `check_frequency` iterations the candidate point is unscaled and measured exactly as
//! [`certify`] measures it (relative primal residual, relative dual residual,
//! relative gap, all in the ∞-norm); when all three are within `tolerance`, the solution is
//! built and [`certify`] itself is run on it. [`LpStatus::Optimal`] is returned
//! only when that certificate passes; otherwise the solver tightens its internal target and
//! goes on.
//!
//! The certificate's primal residual is relative to `1 + ‖all bounds‖∞`. When one bound is
//! much larger than the rest (a labour budget of 10³–10⁴ hours beside balance rows of size 1)
//! a 1e-6 certificate allows row violations of ~1e-3, and the objective may then be off by
//! more than the tolerance suggests: on the planning LP with n = 1 000, λ came out 7e-4 above
//! the optimum. `row_scaled_feasibility` adds the row-by-row test
//! `violationᵢ ≤ tolerance · (1 + |boundᵢ|)` (λ then within 4e-7, at 30 times the iterations).
//!
//! Infeasibility is detected from the difference between the current iterate and the last
//! restart point, which tends to a ray when the LP has no solution: a dual ray `d` with
//! `p(d) − Σⱼ h_j((Aᵀd)ⱼ) > 0` (`h_j` the support function of `[l_cⱼ, u_cⱼ]`) proves the LP
//! infeasible (Farkas), and a primal ray `r` with `cᵀr < 0`, `A r` in the recession cone of the
//! row bounds and `r` in that of the column bounds shows it unbounded once a feasible point is
//! known — the solver then solves the feasibility problem (`c = 0`) to tell [`LpStatus::Unbounded`]
//! from [`LpStatus::Infeasible`]. A ray is accepted when its largest violation is at most
//! `infeasibility_tolerance` times its objective.
//!
//! # Crossover
//!
//! An approximate optimum that passes is handed to [`crossover`](super::crossover): the basis
//! its active constraints suggest is solved exactly, and if that vertex is primal and dual
//! feasible it is returned instead (method `pdlp+crossover`, residuals at rounding level). A
//! warm start is tried first, before any iteration: the optimum of a slightly different LP (the
//! last round's plan) often has the new optimum's basis.
//!
//! Not implemented: presolve and feasibility polishing.

use super::{certify, Certificate, LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus};
use crate::error::SolveError;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::time::Instant;

pub mod checkpoint;
mod dist;
mod run;
pub(crate) mod scaled;
pub use dist::{solve_lp, solve_lp_checkpointed, DistLpReport, DistLpSolved, LpShare};
use run::run;
use scaled::Scaled;

/// The scheme around the PDHG step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PdhgScheme {
    /// Adaptive steps, averaging and KKT-error restarts (PDLP).
    #[default]
    Adaptive,
    /// Reflected restarted Halpern PDHG with a constant step (cuPDLPx).
    Halpern,
}

/// Settings of the PDLP solver. Every field has a documented default; `..Default::default()`
/// fills the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PdlpSettings {
    /// Tolerance, iteration limit (PDHG steps, each one product with `A` and one with `Aᵀ`) and
    /// time limit.
    pub lp: LpSettings,
    /// Adaptive (default) or Halpern.
    pub scheme: PdhgScheme,
    /// Ruiz equilibration passes. Default 10.
    pub ruiz_iterations: usize,
    /// One Pock–Chambolle scaling step (α = 1) after Ruiz. Default true.
    pub pock_chambolle: bool,
    /// Scale bounds by `1/(1+‖b‖₂)` and costs by `1/(1+‖c‖₂)`. Default true.
    pub bound_objective_rescaling: bool,
    /// Iterations between termination, infeasibility and restart checks. Default 64; ≥ 1.
    pub check_frequency: usize,
    /// Restart when the error falls to this fraction of the restart point's. Default 0.2.
    pub restart_sufficient: f64,
    /// …or to this fraction while rising since the last check. Default 0.8.
    pub restart_necessary: f64,
    /// …or when the epoch is this fraction of all iterations. Default 0.36.
    pub restart_artificial: f64,
    /// Halpern: reflection coefficient γ in `[0.5, 1]` (1 = full reflection). Default 1.
    pub reflection: f64,
    /// Halpern: the step is this fraction of `1/‖Ã‖₂` (estimated by power iteration), in
    /// `(0, 1)`. Default 0.998.
    pub step_size_factor: f64,
    /// Adaptive: weight θ of the new estimate in the primal-weight update, in `[0, 1]`.
    /// Default 0.5.
    pub primal_weight_smoothing: f64,
    /// Also require each row's violation to be at most `tolerance · (1 + |its bound|)`. The
    /// certificate measures violations against `1 + ‖all bounds‖∞`, which a single large bound
    /// (a labour budget of thousands of hours) can make loose for rows of size 1; this makes the
    /// test row by row. Stricter, so it costs iterations. Default false.
    pub row_scaled_feasibility: bool,
    /// Look for infeasibility and unboundedness certificates. Default true.
    pub detect_infeasibility: bool,
    /// A ray is a certificate when its largest violation is at most this times its objective.
    /// Default 1e-8.
    pub infeasibility_tolerance: f64,
    /// Before returning an approximate optimum, try a [crossover](super::crossover) to the
    /// exact vertex (bases of at most `crossover_limit` columns). The
    /// vertex replaces the approximate point only when it is optimal and its certificate
    /// passes; also try it on the way, whenever the accuracy (the worst certificate measure,
    /// or the row-scaled violation) has halved since the last try, from `crossover_start` on,
    /// while crossovers have taken at most a fifth of the run. Default true.
    pub crossover: bool,
    /// The accuracy at which crossovers on the way begin. Default 1e-4.
    pub crossover_start: f64,
    /// Largest basis (columns) a crossover factors: its dense LU takes `8k²` bytes and `2k³/3`
    /// operations (faer's LU ran at 130–150 GFlop/s on this project's 2 cores, `examples/
    /// lu_timing.rs`: 3 000 columns in 0.12–0.14 s and 72 MB; 10 000 took about 4 s and 800 MB
    /// a try in a crossover). Default 3 000, so that
    /// memory stays close to the size of the data; raise it for exact vertices of larger plans.
    #[serde(default = "default_crossover_limit")]
    pub crossover_limit: usize,
}

fn default_crossover_limit() -> usize {
    super::crossover::CrossoverSettings::default().dense_limit
}

impl Default for PdlpSettings {
    fn default() -> Self {
        Self {
            lp: LpSettings::default(),
            scheme: PdhgScheme::default(),
            ruiz_iterations: 10,
            pock_chambolle: true,
            bound_objective_rescaling: true,
            check_frequency: 64,
            restart_sufficient: 0.2,
            restart_necessary: 0.8,
            restart_artificial: 0.36,
            reflection: 1.0,
            step_size_factor: 0.998,
            primal_weight_smoothing: 0.5,
            row_scaled_feasibility: false,
            detect_infeasibility: true,
            infeasibility_tolerance: 1e-8,
            crossover: true,
            crossover_start: 1e-4,
            crossover_limit: default_crossover_limit(),
        }
    }
}

impl PdlpSettings {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), SolveError> {
        self.lp.validate()?;
        let bad = |what: &str| Err(SolveError::Settings(what.to_string()));
        if self.check_frequency == 0 {
            return bad("check_frequency must be at least 1");
        }
        let in_open_unit = |v: f64| v > 0.0 && v < 1.0;
        if !(in_open_unit(self.restart_sufficient)
            && in_open_unit(self.restart_necessary)
            && in_open_unit(self.restart_artificial))
        {
            return bad(
                "restart_sufficient, restart_necessary and restart_artificial must lie in (0, 1)",
            );
        }
        if !(0.5..=1.0).contains(&self.reflection) {
            return bad("reflection must lie in [0.5, 1]");
        }
        if !in_open_unit(self.step_size_factor) {
            return bad("step_size_factor must lie in (0, 1)");
        }
        if !(0.0..=1.0).contains(&self.primal_weight_smoothing) {
            return bad("primal_weight_smoothing must lie in [0, 1]");
        }
        if !(self.crossover_start > 0.0 && self.crossover_start.is_finite()) {
            return bad("crossover_start must be positive and finite");
        }
        if !in_open_unit(self.infeasibility_tolerance) {
            return bad("infeasibility_tolerance must lie in (0, 1)");
        }
        Ok(())
    }
}

/// The PDLP solver. See the [module documentation](self) for the method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pdlp {
    /// Settings.
    pub settings: PdlpSettings,
    /// Called at every termination check, to show progress (not part of the settings: it
    /// cannot change the solve).
    #[serde(skip)]
    pub observer: Observer,
}

/// Where a PDLP solve stands at one of its termination checks (every
/// [`PdlpSettings::check_frequency`] iterations): the measures of its current iterate, as the
/// certificate computes them, against the tolerance it must reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PdlpProgress {
    /// Iterations so far.
    pub iterations: usize,
    /// Seconds since the solve started.
    pub seconds: f64,
    /// Relative primal residual.
    pub primal_residual: f64,
    /// Relative dual residual.
    pub dual_residual: f64,
    /// Relative duality gap.
    pub relative_gap: f64,
    /// Largest row violation relative to `1 + |bound|` (the row-by-row test).
    pub row_violation: f64,
    /// The tolerance the solve must reach.
    pub tolerance: f64,
}

impl PdlpProgress {
    /// The measure furthest from the tolerance, with its name: the primal and dual residuals
    /// and the gap, and the row violation when `row_scaled` (the row-by-row test is on).
    pub fn furthest(&self, row_scaled: bool) -> (&'static str, f64) {
        let mut worst = ("primal residual", self.primal_residual);
        for m in [
            ("dual residual", self.dual_residual),
            ("gap", self.relative_gap),
        ] {
            if m.1 > worst.1 {
                worst = m;
            }
        }
        if row_scaled && self.row_violation > worst.1 {
            worst = ("row violation", self.row_violation);
        }
        worst
    }

    /// The value of [`PdlpProgress::furthest`].
    pub fn worst(&self, row_scaled: bool) -> f64 {
        self.furthest(row_scaled).1
    }
}

/// A function that PDLP calls with its [`PdlpProgress`]; a command line draws it, a library
/// caller may log it. Two observers compare equal: they never change a result.
#[derive(Clone, Default)]
pub struct Observer(Option<std::sync::Arc<ObserverFn>>);

/// The function an [`Observer`] holds.
type ObserverFn = dyn Fn(&PdlpProgress) + Send + Sync;

impl Observer {
    /// An observer calling `f`.
    pub fn new(f: impl Fn(&PdlpProgress) + Send + Sync + 'static) -> Self {
        Self(Some(std::sync::Arc::new(f)))
    }

    fn report(&self, p: &PdlpProgress) {
        if let Some(f) = &self.0 {
            f(p);
        }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(set)"
        } else {
            "Observer(none)"
        })
    }
}

impl PartialEq for Observer {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Counters of a PDLP run, beyond [`LpInfo`](super::LpInfo).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PdlpStats {
    /// PDHG steps (each one product with `A` and one with `Aᵀ`; includes rejected steps).
    pub iterations: usize,
    /// Steps rejected by the adaptive step-size rule.
    pub rejected_steps: usize,
    /// Restarts.
    pub restarts: usize,
    /// Final primal weight ω (scaled problem).
    pub primal_weight: f64,
    /// Final step size η (scaled problem).
    pub step_size: f64,
    /// Estimate of `‖Ã‖₂` (Halpern), 0 for Adaptive.
    pub norm_estimate: f64,
    /// Seconds spent scaling and estimating the norm.
    pub setup_seconds: f64,
    /// Crossovers tried.
    pub crossover_attempts: usize,
    /// Seconds spent in crossovers.
    pub crossover_seconds: f64,
    /// Estimated work of the crossovers, in PDHG iterations (an iteration is about `4·nnz`
    /// operations; a crossover about `20·nnz`, plus `2m³/3` for its dense LU at a thirtieth of
    /// the cost per operation): what decides whether another crossover on the way is due, so
    /// that the decision, and with it the answer, does not depend on the machine's speed.
    pub crossover_work: f64,
    /// Why the last crossover that failed did (empty when none failed).
    pub crossover_failure: String,
}

impl Pdlp {
    /// A solver with these settings.
    pub fn new(settings: PdlpSettings) -> Self {
        Self {
            settings,
            observer: Observer::default(),
        }
    }

    /// The same solver, calling `observer` at every termination check.
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.observer = observer;
        self
    }

    /// The same solver with other settings (and the same observer).
    pub fn with_settings(&self, settings: PdlpSettings) -> Self {
        Self {
            settings,
            observer: self.observer.clone(),
        }
    }

    /// Solves `lp`, starting from `x0` (primal, one per column) and `y0` (row duals in the LP's
    /// sense convention) when given; a start outside the bounds is projected onto them.
    pub fn solve_warm(
        &self,
        lp: &LinearProgram,
        x0: Option<&[f64]>,
        y0: Option<&[f64]>,
    ) -> Result<LpSolution, SolveError> {
        self.solve_with_stats(lp, x0, y0).map(|(s, _)| s)
    }

    /// As [`Pdlp::solve_warm`], also returning the run's counters.
    pub fn solve_with_stats(
        &self,
        lp: &LinearProgram,
        x0: Option<&[f64]>,
        y0: Option<&[f64]>,
    ) -> Result<(LpSolution, PdlpStats), SolveError> {
        self.settings.validate()?;
        check_shapes(lp, x0, y0)?;
        let start = Instant::now();
        // Run on a worker of the current rayon pool, so that the parallel kernels below are
        // forked from inside the pool instead of each being injected into it from outside.
        let obs = &self.observer;
        let (result, ()) = rayon::join(
            || {
                let p = Scaled::new(lp, &self.settings);
                run(Some(lp), &p, &self.settings, x0, y0, start, obs, None)
            },
            || (),
        );
        let (mut sol, mut stats, ray) = result?;
        if ray == Ray::Primal {
            // A primal ray shows unboundedness once the LP is feasible: decide that with c = 0.
            let mut feas = lp.clone();
            feas.c.iter_mut().for_each(|c| *c = 0.0);
            let p = Scaled::new(&feas, &self.settings);
            let (fsol, fstats, _) = run(
                Some(&feas),
                &p,
                &self.settings,
                Some(&sol.x),
                None,
                start,
                obs,
                None,
            )?;
            settle_primal_ray(&mut sol, &mut stats, fsol, &fstats);
            sol.objective = lp.objective(&sol.x);
            sol.info.certificate = certify(lp, &sol.x, &sol.y);
        }
        sol.info.seconds = start.elapsed().as_secs_f64();
        Ok((sol, stats))
    }
}

impl LpBackend for Pdlp {
    fn solve(&self, lp: &LinearProgram, settings: &LpSettings) -> Result<LpSolution, SolveError> {
        let solver = self.with_settings(PdlpSettings {
            lp: settings.clone(),
            ..self.settings.clone()
        });
        solver.solve_warm(lp, None, None)
    }
}

/// After a primal ray, the feasibility run (`c = 0`) decides: a feasible LP with a ray is
/// unbounded (the feasible point replaces the ray's), an infeasible one is infeasible. Folds the
/// feasibility run's counters into the run's.
fn settle_primal_ray(
    sol: &mut LpSolution,
    stats: &mut PdlpStats,
    feasibility: LpSolution,
    fstats: &PdlpStats,
) {
    stats.iterations += fstats.iterations;
    stats.restarts += fstats.restarts;
    sol.info.iterations = stats.iterations;
    sol.status = match feasibility.status {
        LpStatus::Optimal => {
            sol.x = feasibility.x;
            LpStatus::Unbounded
        }
        LpStatus::Infeasible => LpStatus::Infeasible,
        _ => LpStatus::InfeasibleOrUnbounded,
    };
}

fn check_shapes(
    lp: &LinearProgram,
    x0: Option<&[f64]>,
    y0: Option<&[f64]>,
) -> Result<(), SolveError> {
    let (n, m) = (lp.ncols(), lp.nrows());
    let ok = lp.c.len() == n
        && lp.col_lower.len() == n
        && lp.col_upper.len() == n
        && lp.row_lower.len() == m
        && lp.row_upper.len() == m;
    if !ok {
        return Err(SolveError::Unsupported(
            "the LP's vectors disagree in length with its matrix; build it with LinearProgram::new"
                .into(),
        ));
    }
    for (what, v, len) in [("x0", x0, n), ("y0", y0, m)] {
        if let Some(v) = v {
            if v.len() != len {
                return Err(SolveError::Settings(format!(
                    "the warm start {what} has length {}, the LP needs {len}",
                    v.len()
                )));
            }
            if let Some(k) = v.iter().position(|v| !v.is_finite()) {
                return Err(SolveError::Settings(format!(
                    "the warm start {what} holds {} at position {k}; every number must be finite",
                    v[k]
                )));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Deterministic parallel kernels.

/// Splits the equally long `outs` into chunks of `chunk` elements and runs `f(range, chunks)` on
/// each, in parallel when there is more than one; returns the per-chunk results in order.
fn par_mut<const N: usize, R: Send>(
    outs: [&mut [f64]; N],
    chunk: usize,
    f: impl Fn(Range<usize>, [&mut [f64]; N]) -> R + Sync,
) -> Vec<R> {
    let len = outs[0].len();
    debug_assert!(outs.iter().all(|o| o.len() == len));
    let nchunks = len.div_ceil(chunk);
    let mut iters = outs.map(|s| s.chunks_mut(chunk));
    let parts: Vec<[&mut [f64]; N]> = (0..nchunks)
        .map(|_| std::array::from_fn(|t| iters[t].next().expect("equal lengths")))
        .collect();
    let run = |(k, p): (usize, [&mut [f64]; N])| {
        let s = k * chunk;
        let e = s + p[0].len();
        f(s..e, p)
    };
    if nchunks <= 1 {
        parts.into_iter().enumerate().map(run).collect()
    } else {
        parts.into_par_iter().enumerate().map(run).collect()
    }
}

/// Runs `f` on the chunks of `0..len`, in parallel when there is more than one; results in order.
fn par_ro<R: Send>(len: usize, chunk: usize, f: impl Fn(Range<usize>) -> R + Sync) -> Vec<R> {
    let nchunks = len.div_ceil(chunk);
    let run = |k: usize| f(k * chunk..((k + 1) * chunk).min(len));
    if nchunks <= 1 {
        (0..nchunks).map(run).collect()
    } else {
        (0..nchunks).into_par_iter().map(run).collect()
    }
}

/// A compressed sparse matrix (rows of `ptr`); the scaled `A` is kept twice, by rows and by
/// columns, so that both `A x` and `Aᵀ y` are gathers.
#[derive(Debug, Clone)]
pub(crate) struct Csr {
    pub(crate) ptr: Vec<usize>,
    pub(crate) idx: Vec<u32>,
    pub(crate) val: Vec<f64>,
}

impl Csr {
    /// Row `i` times `x`, with four accumulators in a fixed order (short rows are bound by
    /// the latency of the additions; the order is set by the code, not by the threads).
    #[inline]
    fn dot(&self, i: usize, x: &[f64]) -> f64 {
        let (s, e) = (self.ptr[i], self.ptr[i + 1]);
        let (idx, val) = (&self.idx[s..e], &self.val[s..e]);
        let mut acc = [0.0f64; 4];
        let (ic, vc) = (idx.chunks_exact(4), val.chunks_exact(4));
        let (ir, vr) = (ic.remainder(), vc.remainder());
        for (i4, v4) in ic.zip(vc) {
            acc[0] += v4[0] * x[i4[0] as usize];
            acc[1] += v4[1] * x[i4[1] as usize];
            acc[2] += v4[2] * x[i4[2] as usize];
            acc[3] += v4[3] * x[i4[3] as usize];
        }
        let mut tail = 0.0;
        for (k, a) in ir.iter().zip(vr) {
            tail += a * x[*k as usize];
        }
        (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
    }

    fn transpose(&self, ncols: usize) -> Csr {
        let mut ptr = vec![0usize; ncols + 1];
        for &c in &self.idx {
            ptr[c as usize + 1] += 1;
        }
        for j in 0..ncols {
            ptr[j + 1] += ptr[j];
        }
        let mut next = ptr.clone();
        let mut idx = vec![0u32; self.idx.len()];
        let mut val = vec![0.0; self.val.len()];
        for i in 0..self.ptr.len() - 1 {
            for k in self.ptr[i]..self.ptr[i + 1] {
                let c = self.idx[k] as usize;
                idx[next[c]] = i as u32;
                val[next[c]] = self.val[k];
                next[c] += 1;
            }
        }
        Csr { ptr, idx, val }
    }

    /// `out = M v`, deterministic.
    fn mul(&self, v: &[f64], out: &mut [f64], chunk: usize) {
        par_mut([out], chunk, |r, [o]| {
            for (k, i) in r.enumerate() {
                o[k] = self.dot(i, v);
            }
        });
    }
}

/// Dual proximal step of one row: `argmax_v p_i(v) − (v − w)²/(2σ)` with `w = y − σ(A x̄)_i`.
#[inline]
fn dual_prox(w: f64, sigma: f64, lo: f64, hi: f64) -> f64 {
    // Branch-free: with a = w + σ·lo ≤ b = w + σ·hi, the answer is a if a > 0, b if b < 0,
    // else 0, which is max(a, 0) + min(b, 0) (an infinite bound gives 0 in its term).
    (w + sigma * lo).max(0.0) + (w + sigma * hi).min(0.0)
}

/// A point of the scaled problem with its products: `x`, `y`, `Ãx`, `Ãᵀy`.
#[derive(Debug, Clone)]
struct Point {
    x: Vec<f64>,
    y: Vec<f64>,
    ax: Vec<f64>,
    aty: Vec<f64>,
}

impl Point {
    fn zeros(n: usize, m: usize) -> Self {
        Self {
            x: vec![0.0; n],
            y: vec![0.0; m],
            ax: vec![0.0; m],
            aty: vec![0.0; n],
        }
    }

    fn copy_from(&mut self, o: &Point) {
        self.x.copy_from_slice(&o.x);
        self.y.copy_from_slice(&o.y);
        self.ax.copy_from_slice(&o.ax);
        self.aty.copy_from_slice(&o.aty);
    }
}

/// The KKT measures of a scaled point: squared primal and dual residual norms, objectives.
fn kkt_parts(p: &Scaled<'_>, z: &Point) -> [f64; 4] {
    let chunk = p.f.vec_chunk;
    let rows = p.f.row_sum(
        par_ro(p.m, chunk, |rg| {
            let mut pr = 0.0;
            let mut dobj = 0.0;
            for i in rg {
                let a = z.ax[i];
                let v = a - a.max(p.lr[i]).min(p.ur[i]);
                pr += v * v;
                let y = z.y[i];
                if y > 0.0 {
                    dobj += y * p.lr[i];
                } else if y < 0.0 {
                    dobj += y * p.ur[i];
                }
            }
            [pr, dobj]
        }),
        chunk,
    );
    let cols = p.f.col_sum(
        par_ro(p.n, chunk, |rg| {
            let mut dr = 0.0;
            let mut dobj = 0.0;
            let mut pobj = 0.0;
            for j in rg {
                let zj = p.c[j] - z.aty[j];
                pobj += p.c[j] * z.x[j];
                if zj > 0.0 {
                    if p.lc[j].is_finite() {
                        dobj += zj * p.lc[j];
                    } else {
                        dr += zj * zj;
                    }
                } else if zj < 0.0 {
                    if p.uc[j].is_finite() {
                        dobj += zj * p.uc[j];
                    } else {
                        dr += zj * zj;
                    }
                }
            }
            [dr, dobj, pobj]
        }),
        chunk,
    );
    [rows[0], cols[0], cols[2], rows[1] + cols[1]]
}

/// KKT error with primal weight ω: `√(ω‖r_p‖² + ‖r_d‖²/ω + gap²)`.
fn kkt_error(p: &Scaled<'_>, z: &Point, omega: f64) -> f64 {
    let [pr, dr, pobj, dobj] = kkt_parts(p, z);
    let gap = pobj - dobj;
    (omega * pr + dr / omega + gap * gap).sqrt()
}

/// The certificate of a scaled point, measured on the LP exactly as `certify` measures it, from
/// the cached products (no extra matrix–vector product); and the largest row violation
/// relative to `1 +` the magnitude of the violated bound.
fn evaluate(p: &Scaled<'_>, z: &Point) -> (Certificate, f64) {
    let (tb, tc, lp, chunk) = (p.theta_b, p.theta_c, &p.orig, p.f.vec_chunk);
    let rows = par_ro(p.m, chunk, |rg| {
        let (mut primal, mut dual, mut dobj, mut own) = (0.0f64, 0.0f64, 0.0, 0.0f64);
        for i in rg {
            let ax = z.ax[i] / (p.r[i] * tb);
            let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
            primal = primal.max(lo - ax).max(ax - hi);
            if lo > ax {
                own = own.max((lo - ax) / (1.0 + lo.abs()));
            } else if ax > hi {
                own = own.max((ax - hi) / (1.0 + hi.abs()));
            }
            let y = p.r[i] * z.y[i] / tc;
            let (term, bad) = crate::lp::bound_term(y, lo, hi);
            dobj += term;
            dual = dual.max(bad);
        }
        [primal, dual, dobj, own]
    });
    let cols = par_ro(p.n, chunk, |rg| {
        let (mut dual, mut dobj, mut pobj) = (0.0f64, 0.0, 0.0);
        for j in rg {
            let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
            let x = (p.d[j] * z.x[j] / tb).max(lo).min(hi);
            pobj += lp.c[j] * x;
            let zj = p.c_min[j] - z.aty[j] / (p.d[j] * tc);
            let (term, bad) = crate::lp::bound_term(zj, lo, hi);
            dobj += term;
            dual = dual.max(bad);
        }
        [0.0, dual, dobj, pobj]
    });
    // Maxima on this rank, then over all ranks; sums chunk by chunk in the global order.
    let (mut primal, mut dual, mut own) = (0.0f64, 0.0f64, 0.0f64);
    for [a, b, _, d] in &rows {
        primal = primal.max(*a);
        dual = dual.max(*b);
        own = own.max(*d);
    }
    for [_, b, _, _] in &cols {
        dual = dual.max(*b);
    }
    let [primal, dual, own] = p.f.max([primal, dual, own]);
    let [row_dobj] = p.f.row_sum(rows.iter().map(|r| [r[2]]).collect(), chunk);
    let [col_dobj, pobj] =
        p.f.col_sum(cols.iter().map(|c| [c[2], c[3]]).collect(), chunk);
    let dobj = p.s * p.offset + row_dobj + col_dobj;
    let primal_obj = pobj + p.offset;
    let dual_obj = p.s * dobj;
    let cert = Certificate::of(
        primal,
        dual,
        primal_obj,
        dual_obj,
        p.bound_scale,
        p.cost_scale,
    );
    (cert, own)
}

/// Which ray, if any, the run found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ray {
    None,
    Dual,
    Primal,
}

/// Tests the difference `cur − base` for a certificate of infeasibility (dual ray) or of
/// unboundedness (primal ray), on the unscaled LP.
fn find_ray(p: &Scaled<'_>, cur: &Point, base: &Point, eps: f64) -> Ray {
    let (lp, chunk) = (&p.orig, p.f.vec_chunk);
    // Dual ray d (in min form) with g = Aᵀd: objective p(d) − Σ h_j(g_j) must be positive.
    let rows = par_ro(p.m, chunk, |rg| {
        let (mut obj, mut viol, mut ax_viol) = (0.0, 0.0f64, 0.0f64);
        for i in rg {
            let d = p.r[i] * (cur.y[i] - base.y[i]);
            let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
            let (term, bad) = crate::lp::bound_term(d, lo, hi);
            obj += term;
            viol = viol.max(bad);
            // Primal ray part: A r must lie in the recession cone of [lo, hi].
            let ar = (cur.ax[i] - base.ax[i]) / p.r[i];
            if ar > 0.0 && hi.is_finite() {
                ax_viol = ax_viol.max(ar);
            } else if ar < 0.0 && lo.is_finite() {
                ax_viol = ax_viol.max(-ar);
            }
        }
        [obj, viol, ax_viol]
    });
    let cols = par_ro(p.n, chunk, |rg| {
        let (mut h, mut viol, mut cr, mut r_viol, mut r_max) = (0.0, 0.0f64, 0.0, 0.0f64, 0.0f64);
        for j in rg {
            let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
            let g = (cur.aty[j] - base.aty[j]) / p.d[j];
            // The support function of [lo, hi] at g: the bound term of −g, negated.
            let (term, bad) = crate::lp::bound_term(-g, lo, hi);
            h -= term;
            viol = viol.max(bad);
            let r = p.d[j] * (cur.x[j] - base.x[j]);
            cr += p.c_min[j] * r;
            r_max = r_max.max(r.abs());
            if r > 0.0 && hi.is_finite() {
                r_viol = r_viol.max(r);
            } else if r < 0.0 && lo.is_finite() {
                r_viol = r_viol.max(-r);
            }
        }
        [h, viol, cr, r_viol, r_max]
    });
    let (mut dviol, mut ax_viol) = (0.0f64, 0.0f64);
    for [_, b, c] in &rows {
        dviol = dviol.max(*b);
        ax_viol = ax_viol.max(*c);
    }
    let (mut rviol, mut rmax) = (0.0f64, 0.0f64);
    for [_, b, _, d, e] in &cols {
        dviol = dviol.max(*b);
        rviol = rviol.max(*d);
        rmax = rmax.max(*e);
    }
    let [dviol, ax_viol, rviol, rmax] = p.f.max([dviol, ax_viol, rviol, rmax]);
    let [pd] = p.f.row_sum(rows.iter().map(|r| [r[0]]).collect(), chunk);
    let [h, cr] =
        p.f.col_sum(cols.iter().map(|c| [c[0], c[2]]).collect(), chunk);
    let dual_obj = pd - h;
    if dual_obj > 0.0 && dviol <= eps * dual_obj && dual_obj.is_finite() {
        return Ray::Dual;
    }
    let viol = rviol.max(ax_viol);
    if rmax > 0.0 && cr < 0.0 && viol <= eps * (-cr) && cr.is_finite() {
        return Ray::Primal;
    }
    Ray::None
}

/// The solution of the LP at a scaled point.
fn solution(p: &Scaled<'_>, z: &Point) -> (Vec<f64>, Vec<f64>) {
    let lp = &p.orig;
    let x: Vec<f64> = (0..p.n)
        .map(|j| {
            (p.d[j] * z.x[j] / p.theta_b)
                .max(lp.col_lower[j])
                .min(lp.col_upper[j])
        })
        .collect();
    let y: Vec<f64> = (0..p.m)
        .map(|i| p.s * p.r[i] * z.y[i] / p.theta_c)
        .collect();
    (x, y)
}

/// The solution at `(x, y)` (this rank's parts), certified: on the whole LP by [`certify`]
/// when the process holds it (`whole`), else across the ranks by [`Scaled::solution_at`].
fn finish(
    whole: Option<&LinearProgram>,
    p: &Scaled<'_>,
    x: Vec<f64>,
    y: Vec<f64>,
    status: LpStatus,
    iterations: usize,
    start: Instant,
) -> LpSolution {
    // Never report an optimum with non-finite numbers (NaN passes every comparison test).
    let non_finite = p.f.any(!(x.iter().chain(&y).all(|v| v.is_finite())));
    let status = if status == LpStatus::Optimal && non_finite {
        LpStatus::NumericalTrouble
    } else {
        status
    };
    let seconds = start.elapsed().as_secs_f64();
    match whole {
        Some(lp) => LpSolution::at(lp, x, y, status, iterations, seconds, "pdlp"),
        None => p.solution_at(x, y, status, iterations, seconds),
    }
}

/// The starting point in the scaled space: the warm start (or 0) projected onto the bounds and
/// onto the dual signs the row bounds allow, with its products.
fn start_point(p: &Scaled<'_>, x0: Option<&[f64]>, y0: Option<&[f64]>) -> Point {
    let mut z = Point::zeros(p.n, p.m);
    for j in 0..p.n {
        let v = x0.map_or(0.0, |x| x[j] * p.theta_b / p.d[j]);
        z.x[j] = v.max(p.lc[j]).min(p.uc[j]);
    }
    for i in 0..p.m {
        let mut v = y0.map_or(0.0, |y| p.s * y[i] * p.theta_c / p.r[i]);
        if p.lr[i] == f64::NEG_INFINITY {
            v = v.min(0.0);
        }
        if p.ur[i] == f64::INFINITY {
            v = v.max(0.0);
        }
        z.y[i] = v;
    }
    p.mul_rows(&z.x, &mut z.ax);
    p.mul_cols(&z.y, &mut z.aty);
    z
}

/// The step `ẑ = T(z)` (primal, then dual with extrapolation), writing `ẑ.x`, `ẑ.y`, `ẑ.ax`;
/// returns `[‖x̂ − x‖², ‖ŷ − y‖², (ŷ − y)ᵀÃ(x̂ − x)]`. `ẑ.aty` is left to the caller.
fn pdhg_step(p: &Scaled<'_>, z: &Point, zh: &mut Point, tau: f64, sigma: f64) -> [f64; 3] {
    let (f, comm) = (&p.f, p.f.comm());
    let px = f.col_sum(
        par_mut([&mut zh.x[..]], f.vec_chunk, |rg, [xh]| {
            let mut dx2 = 0.0;
            for (k, j) in rg.enumerate() {
                let v = (z.x[j] - tau * (p.c[j] - z.aty[j]))
                    .max(p.lc[j])
                    .min(p.uc[j]);
                let d = v - z.x[j];
                dx2 += d * d;
                xh[k] = v;
            }
            [dx2]
        }),
        f.vec_chunk,
    );
    let py = f.x_ghosts.with_ghosts(comm, &zh.x, |xh| {
        f.row_sum(
            par_mut(
                [&mut zh.ax[..], &mut zh.y[..]],
                f.mat_chunk,
                |rg, [axh, yh]| {
                    let (mut dy2, mut inter) = (0.0, 0.0);
                    for (k, i) in rg.enumerate() {
                        let a = p.by_rows.dot(i, xh);
                        axh[k] = a;
                        let v = dual_prox(
                            z.y[i] - sigma * (2.0 * a - z.ax[i]),
                            sigma,
                            p.lr[i],
                            p.ur[i],
                        );
                        yh[k] = v;
                        let dy = v - z.y[i];
                        dy2 += dy * dy;
                        inter += dy * (a - z.ax[i]);
                    }
                    [dy2, inter]
                },
            ),
            f.mat_chunk,
        )
    });
    [px[0], py[0], py[1]]
}

/// The work of one crossover on `lp` in PDHG iterations, a deterministic stand-in for its
/// time. An iteration is two sparse products, about `4·nnz` operations; a crossover scores and
/// sorts the candidates and computes activities (about `20·nnz`), and factors a basis of at
/// most `m` columns (`2m³/3` operations, which a blocked, vectorised LU runs about 30 times
/// faster per operation than sparse products) unless `m` is over the `limit` it may factor.
fn crossover_work(lp: &LinearProgram, limit: usize) -> f64 {
    let nnz = (lp.columns.nnz() as f64).max(1.0);
    let m = lp.nrows();
    let lu = if m <= limit {
        (2.0 / 3.0) * (m as f64).powi(3) / 30.0
    } else {
        0.0
    };
    (lu + 20.0 * nnz) / (4.0 * nnz)
}

/// The common scale of primal distances and duals for a crossover (see
/// [`crossover`](super::crossover::crossover)): the preconditioner's column and row factors.
type Factors = (Vec<f64>, Vec<f64>);

fn crossover_factors(p: &Scaled<'_>) -> Factors {
    let q = (p.theta_c / p.theta_b).sqrt();
    let colf = p.d.iter().map(|d| d * q).collect();
    let rowf = p.r.iter().map(|r| r / q).collect();
    (colf, rowf)
}

/// Tries a crossover from the scaled point `cand`. Returns the vertex as a solution when it is
/// optimal and its certificate passes `tol`; `None` at once when crossovers are off (no
/// `factors`).
#[allow(clippy::too_many_arguments)]
fn try_crossover(
    lp: &LinearProgram,
    p: &Scaled<'_>,
    factors: Option<&(Factors, usize)>,
    cand: &Point,
    tol: f64,
    iter: usize,
    start: Instant,
    stats: &mut PdlpStats,
) -> Option<LpSolution> {
    let (factors, limit) = factors?;
    let t = Instant::now();
    stats.crossover_attempts += 1;
    let (x, y) = solution(p, cand);
    let result = super::crossover::crossover(
        lp,
        &x,
        &y,
        &factors.0,
        &factors.1,
        &super::crossover::CrossoverSettings {
            dense_limit: *limit,
            ..Default::default()
        },
    );
    stats.crossover_seconds += t.elapsed().as_secs_f64();
    stats.crossover_work += crossover_work(lp, *limit);
    match result {
        Ok(v) => {
            let mut sol = finish(Some(lp), p, v.x, v.y, LpStatus::Optimal, iter, start);
            sol.info.method = "pdlp+crossover".into();
            if sol.status == LpStatus::Optimal && sol.info.certificate.passes(tol) {
                stats.crossover_failure.clear();
                Some(sol)
            } else {
                stats.crossover_failure = format!(
                    "the vertex's certificate did not pass: {:?}",
                    sol.info.certificate
                );
                None
            }
        }
        Err(e) => {
            stats.crossover_failure = e.to_string();
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> LinearProgram {
        crate::lp::small_example()
    }

    #[test]
    fn evaluate_matches_certify() {
        let lp = small();
        let p = Scaled::new(&lp, &PdlpSettings::default());
        let z = start_point(&p, Some(&[2.5, 1.25]), Some(&[1.5, 0.25]));
        let (x, y) = solution(&p, &z);
        let (a, _) = evaluate(&p, &z);
        let b = certify(&lp, &x, &y);
        for (u, v) in [
            (a.primal_residual, b.primal_residual),
            (a.dual_residual, b.dual_residual),
            (a.relative_gap, b.relative_gap),
            (a.primal_objective, b.primal_objective),
            (a.dual_objective, b.dual_objective),
        ] {
            assert!((u - v).abs() <= 1e-12 * (1.0 + v.abs()), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_small_example_solves_with_both_schemes() {
        for scheme in [PdhgScheme::Halpern, PdhgScheme::Adaptive] {
            let s = Pdlp::new(PdlpSettings {
                scheme,
                ..Default::default()
            });
            let sol = s.solve_warm(&small(), None, None).unwrap();
            assert_eq!(sol.status, LpStatus::Optimal, "{scheme:?}: {sol:?}");
            assert!((sol.objective - 11.0).abs() < 1e-5, "{sol:?}");
            // The vertex (3, 1) is degenerate (both rows and x ≤ 3 are active), so the row
            // duals are any y ≥ 0 with y₁ + 3y₂ = 2 (column y is basic) and y₁ + y₂ ≤ 3; (2, 0)
            // is one of them. Their sign follows the LP's sense: positive for a binding ≤ row
            // of a maximisation.
            assert!(sol.y.iter().all(|&v| v >= -1e-6), "{sol:?}");
            assert!((sol.y[0] + 3.0 * sol.y[1] - 2.0).abs() < 1e-4, "{sol:?}");
            assert!(sol.info.certificate.passes(1e-6));
        }
    }
}
