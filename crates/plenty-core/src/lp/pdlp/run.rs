//! One run of PDLP as a state machine: [`Run::new`] scales the problem and chooses the first
//! step size and primal weight; each turn of [`run`]'s loop takes one PDHG step and hands it to
//! the scheme's update ([`Run::halpern_update`] or [`Run::adaptive_update`]); every
//! `check_frequency` iterations the scheme's check decides whether to stop (optimal, a
//! crossover to the vertex, infeasible, numerical trouble) and whether to restart.
//!
//! The arithmetic is the same, in the same order, whichever function holds it: splitting the
//! run changed no bit of any answer.

use super::checkpoint::{LpCheckpoints, PdlpState, PointState};
use super::*;

/// What a run ends with: the solution, the counters, and whether a primal ray (possible
/// unboundedness, to be settled by the caller) ended it.
pub(super) type Outcome = (LpSolution, PdlpStats, Ray);

/// The run: scaling, iterations, checks.
///
/// `whole` is the LP when this process holds all of it (answers are then certified on it by
/// [`certify`], and crossovers are possible); `p` is this rank's part of the scaled problem.
/// With `checkpoints`, the state is saved every `every` iterations, and a run resumed from a
/// saved state goes on exactly as the uninterrupted one did.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    whole: Option<&LinearProgram>,
    p: &Scaled<'_>,
    set: &PdlpSettings,
    x0: Option<&[f64]>,
    y0: Option<&[f64]>,
    start: Instant,
    observer: &Observer,
    mut checkpoints: Option<&mut LpCheckpoints<'_>>,
) -> Result<Outcome, SolveError> {
    let mut r = Run::new(whole, p, set, x0, y0, start, observer);
    if r.p.f.n_total == 0 {
        return Ok(r.empty());
    }
    let resume = checkpoints.as_mut().and_then(|c| c.resume.take());
    let mut saved_at = None;
    if let Some(state) = resume {
        // Every rank checks its own part; all resume, or none does.
        let fits = state.check_fits(set.scheme, p.n, p.m);
        if r.p.f.any(fits.is_err()) {
            return Err(SolveError::Checkpoint(fits.err().unwrap_or_else(|| {
                "another rank's checkpoint does not fit this run".into()
            })));
        }
        saved_at = Some(state.iteration);
        r.restore(state);
    } else if x0.is_some() || y0.is_some() {
        if let Some(done) = r.answer_at_warm_start() {
            return Ok(done);
        }
    }
    loop {
        if let Some(status) = r.limit_status() {
            return Ok(r.at_limit(status));
        }
        if let Some(c) = checkpoints.as_mut() {
            if r.iter > 0 && r.iter.is_multiple_of(c.every.max(1)) && saved_at != Some(r.iter) {
                (c.save)(&r.snapshot()).map_err(SolveError::Checkpoint)?;
                saved_at = Some(r.iter);
            }
        }
        let (tau, sigma) = (r.eta / r.omega, r.eta * r.omega);
        let [dx2, dy2, inter] = pdhg_step(r.p, &r.z, &mut r.zh, tau, sigma);
        r.iter += 1;
        r.stats.iterations = r.iter;
        let done = if r.halpern {
            r.halpern_update(dx2, dy2, inter, tau, sigma)
        } else {
            r.adaptive_update(dx2, dy2, inter)
        };
        if let Some(done) = done {
            return Ok(done);
        }
    }
}

/// The state of a run.
struct Run<'a> {
    /// The whole LP, when this process holds it.
    lp: Option<&'a LinearProgram>,
    set: &'a PdlpSettings,
    start: Instant,
    observer: &'a Observer,
    /// The scaled problem (this rank's part).
    p: &'a Scaled<'a>,
    tol: f64,
    halpern: bool,
    stats: PdlpStats,
    /// Primal weight ω and step size η.
    omega: f64,
    eta: f64,
    /// The iterate z and its PDHG image ẑ = T(z).
    z: Point,
    zh: Point,
    /// The last restart point (Halpern's anchor).
    anchor: Point,
    /// Adaptive: the step-weighted average since the restart, and its weight.
    avg: Point,
    avg_weight: f64,
    /// Iterations since the restart.
    epoch: usize,
    /// Adaptive: accepted steps.
    accepted: usize,
    /// Restart error at the restart point, and at the previous check.
    err_anchor: f64,
    err_last: f64,
    /// Halpern: the PID controller of the primal weight.
    pid_integral: f64,
    pid_prev: f64,
    /// The accuracy the termination test asks for (halved when a candidate passes in the
    /// scaled problem but not in the original one).
    target: f64,
    iter: usize,
    /// The preconditioner's factors and the basis size limit, `None` when crossovers are off.
    factors: Option<(Factors, usize)>,
    /// The accuracy (worst certificate measure, or row violation) at which the next crossover
    /// is tried before the end; halved after each try, and tried only while crossovers have
    /// taken at most a fifth of the run's work. Work, not seconds: a rule on the clock would
    /// let the machine's speed decide between a vertex and PDLP's point, and a verifier
    /// recomputing a plan on another machine would get other bits.
    crossover_at: f64,
}

impl<'a> Run<'a> {
    fn new(
        lp: Option<&'a LinearProgram>,
        p: &'a Scaled<'a>,
        set: &'a PdlpSettings,
        x0: Option<&[f64]>,
        y0: Option<&[f64]>,
        start: Instant,
        observer: &'a Observer,
    ) -> Self {
        let mut stats = PdlpStats::default();
        let (n, m) = (p.n, p.m);
        let z = start_point(p, x0, y0);
        let omega = if set.bound_objective_rescaling {
            1.0
        } else {
            let c = p.f.dot(false, &p.c, &p.c).sqrt();
            let b = super::scaled::bound_norm2(&p.f, &p.lr, &p.ur).sqrt();
            (1.0 + c) / (1.0 + b)
        };
        let halpern = set.scheme == PdhgScheme::Halpern;
        let eta = if halpern {
            stats.norm_estimate = p.norm_estimate();
            if stats.norm_estimate > 0.0 {
                set.step_size_factor / stats.norm_estimate
            } else {
                1.0
            }
        } else if p.max_abs > 0.0 {
            1.0 / p.max_abs
        } else {
            1.0
        };
        stats.setup_seconds = start.elapsed().as_secs_f64();
        // A crossover factors a basis of the whole LP: only where the process holds it.
        let factors =
            (set.crossover && lp.is_some()).then(|| (crossover_factors(p), set.crossover_limit));
        Self {
            lp,
            set,
            start,
            observer,
            tol: set.lp.tolerance,
            halpern,
            stats,
            omega,
            eta,
            zh: Point::zeros(n, m),
            anchor: z.clone(),
            avg: z.clone(),
            z,
            avg_weight: 0.0,
            epoch: 0,
            accepted: 0,
            err_anchor: f64::NAN,
            err_last: f64::INFINITY,
            pid_integral: 0.0,
            pid_prev: 0.0,
            target: set.lp.tolerance,
            iter: 0,
            p,
            factors,
            crossover_at: set.crossover_start,
        }
    }

    // ── Checkpoints ────────────────────────────────────────────────────────────────────────

    /// Everything the run carries to the next iteration.
    fn snapshot(&self) -> PdlpState {
        let point = |z: &Point| PointState {
            x: z.x.clone(),
            y: z.y.clone(),
            ax: z.ax.clone(),
            aty: z.aty.clone(),
        };
        PdlpState {
            scheme: self.set.scheme,
            iteration: self.iter,
            epoch: self.epoch,
            accepted: self.accepted,
            omega: self.omega,
            eta: self.eta,
            avg_weight: self.avg_weight,
            err_anchor: self.err_anchor,
            err_last: self.err_last,
            pid_integral: self.pid_integral,
            pid_prev: self.pid_prev,
            target: self.target,
            crossover_at: self.crossover_at,
            stats: self.stats.clone(),
            points: [
                point(&self.z),
                point(&self.zh),
                point(&self.anchor),
                point(&self.avg),
            ],
        }
    }

    /// Puts the run where [`Run::snapshot`] found it.
    fn restore(&mut self, s: PdlpState) {
        let [z, zh, anchor, avg] = s.points;
        for (to, from) in [
            (&mut self.z, z),
            (&mut self.zh, zh),
            (&mut self.anchor, anchor),
            (&mut self.avg, avg),
        ] {
            *to = Point {
                x: from.x,
                y: from.y,
                ax: from.ax,
                aty: from.aty,
            };
        }
        self.iter = s.iteration;
        self.epoch = s.epoch;
        self.accepted = s.accepted;
        self.omega = s.omega;
        self.eta = s.eta;
        self.avg_weight = s.avg_weight;
        self.err_anchor = s.err_anchor;
        self.err_last = s.err_last;
        self.pid_integral = s.pid_integral;
        self.pid_prev = s.pid_prev;
        self.target = s.target;
        self.crossover_at = s.crossover_at;
        let setup = self.stats.setup_seconds;
        self.stats = s.stats;
        self.stats.setup_seconds = setup;
    }

    // ── Termination ────────────────────────────────────────────────────────────────────────

    /// Reports progress to the observer.
    fn report(&self, cert: &Certificate, own: f64) {
        self.observer.report(&PdlpProgress {
            iterations: self.iter,
            seconds: self.start.elapsed().as_secs_f64(),
            primal_residual: cert.primal_residual,
            dual_residual: cert.dual_residual,
            relative_gap: cert.relative_gap,
            row_violation: own,
            tolerance: self.tol,
        })
    }

    /// The termination test: the certificate's measures and, if asked, the row-scaled residual.
    fn accept(&self, (cert, own): (Certificate, f64), t: f64) -> bool {
        cert.passes(t) && (!self.set.row_scaled_feasibility || own <= t)
    }

    /// The iteration or time limit, when reached.
    fn limit_status(&self) -> Option<LpStatus> {
        if self.iter >= self.set.lp.max_iterations {
            Some(LpStatus::IterationLimit)
        } else if self.set.lp.time_limit.is_some_and(|t| {
            // Every rank must stop at the same iteration: the clock of any rank decides.
            self.p.f.any(self.start.elapsed().as_secs_f64() >= t)
        }) {
            Some(LpStatus::TimeLimit)
        } else {
            None
        }
    }

    /// Whether a crossover is due on the way (see [`Run::crossover_at`]).
    fn crossover_due(&mut self, cert: &Certificate, own: f64) -> bool {
        if self.factors.is_none() {
            return false;
        }
        let worst = cert
            .primal_residual
            .max(cert.dual_residual)
            .max(cert.relative_gap)
            .max(own);
        if worst > self.crossover_at {
            return false;
        }
        self.crossover_at = worst * 0.5;
        self.stats.crossover_work <= 0.2 * self.iter as f64
    }

    /// A crossover from the scaled point `cand` (the anchor, the iterate, its image or the
    /// average).
    fn crossover(&mut self, cand: Candidate) -> Option<LpSolution> {
        let point = match cand {
            Candidate::Iterate => &self.z,
            Candidate::Image => &self.zh,
            Candidate::Average => &self.avg,
        };
        try_crossover(
            self.lp?,
            self.p,
            self.factors.as_ref(),
            point,
            self.tol,
            self.iter,
            self.start,
            &mut self.stats,
        )
    }

    /// The run's answer, with the final primal weight and step size in the counters.
    fn done(&mut self, sol: LpSolution, ray: Ray) -> Outcome {
        self.stats.primal_weight = self.omega;
        self.stats.step_size = self.eta;
        (sol, std::mem::take(&mut self.stats), ray)
    }

    /// The solution at `point` (unscaled, with its certificate) reported with `status`.
    fn answer(&self, point: &Point, status: LpStatus) -> LpSolution {
        let (x, y) = solution(self.p, point);
        finish(self.lp, self.p, x, y, status, self.iter, self.start)
    }

    /// Numerical trouble: the anchor is returned, and the weights are not recorded.
    fn trouble(&mut self) -> Outcome {
        let sol = self.answer(&self.anchor, LpStatus::NumericalTrouble);
        (sol, std::mem::take(&mut self.stats), Ray::None)
    }

    /// An LP without columns: optimal at once unless a row's bounds exclude 0.
    fn empty(&mut self) -> Outcome {
        let (lp, p) = (self.lp, self.p);
        let mut sol = finish(
            lp,
            p,
            vec![],
            vec![0.0; p.m],
            LpStatus::Optimal,
            0,
            self.start,
        );
        if !sol.info.certificate.passes(self.tol) {
            sol.status = LpStatus::Infeasible;
        }
        (sol, std::mem::take(&mut self.stats), Ray::None)
    }

    /// A warm start from the optimum of a slightly different LP (the last round's plan)
    /// usually has the new optimum's basis: one crossover then answers exactly; failing that, a
    /// start that already passes needs no iteration.
    fn answer_at_warm_start(&mut self) -> Option<Outcome> {
        let found = self.crossover(Candidate::Iterate).or_else(|| {
            self.accept(evaluate(self.p, &self.z), self.tol)
                .then(|| {
                    let (x, y) = solution(self.p, &self.z);
                    finish(self.lp, self.p, x, y, LpStatus::Optimal, 0, self.start)
                })
                .filter(|sol| {
                    sol.status == LpStatus::Optimal && sol.info.certificate.passes(self.tol)
                })
        })?;
        Some(self.done(found, Ray::None))
    }

    /// The iteration or time limit: return a point within the bounds, Halpern's last PDHG
    /// output (its iterate is a reflection and may leave the box), Adaptive's current iterate.
    fn at_limit(&mut self, status: LpStatus) -> Outcome {
        let cand = if self.iter == 0 || !self.halpern {
            &self.z
        } else {
            &self.zh
        };
        let sol = self.answer(cand, status);
        self.done(sol, Ray::None)
    }

    /// Whether the run is infeasible (a dual ray) or possibly unbounded (a primal ray), judged
    /// from the candidate's displacement from the anchor.
    fn infeasibility(&mut self, cand: Candidate) -> Option<Outcome> {
        if !(self.set.detect_infeasibility && self.epoch > 1) {
            return None;
        }
        let point = match cand {
            Candidate::Image => &self.zh,
            _ => &self.z,
        };
        let ray = find_ray(
            self.p,
            point,
            &self.anchor,
            self.set.infeasibility_tolerance,
        );
        if ray == Ray::None {
            return None;
        }
        let status = if ray == Ray::Dual {
            LpStatus::Infeasible
        } else {
            LpStatus::InfeasibleOrUnbounded
        };
        let sol = self.answer(point, status);
        Some(self.done(sol, ray))
    }

    // ── Halpern ────────────────────────────────────────────────────────────────────────────

    /// The reflected Halpern update `z ← w (2γ ẑ + (1 − 2γ) z) + (1 − w) anchor` after a PDHG
    /// step, and the check when one is due.
    fn halpern_update(
        &mut self,
        dx2: f64,
        dy2: f64,
        inter: f64,
        tau: f64,
        sigma: f64,
    ) -> Option<Outcome> {
        // Fixed-point error of z in the PDHG metric.
        let err = (dx2 / tau + dy2 / sigma + 2.0 * inter).max(0.0).sqrt();
        if self.epoch == 0 {
            self.err_anchor = err;
        }
        let w = (self.epoch as f64 + 1.0) / (self.epoch as f64 + 2.0);
        let g = self.set.reflection;
        let (a_new, a_old) = (w * 2.0 * g, w * (1.0 - 2.0 * g));
        let a_anchor = 1.0 - w;
        let (p, z, zh, anchor) = (self.p, &mut self.z, &mut self.zh, &self.anchor);
        // Rows: y and Ãx move to the Halpern combination.
        par_mut(
            [&mut z.y[..], &mut z.ax[..]],
            p.f.vec_chunk,
            |rg, [y, ax]| {
                for (k, i) in rg.enumerate() {
                    y[k] = a_new * zh.y[i] + a_old * y[k] + a_anchor * anchor.y[i];
                    ax[k] = a_new * zh.ax[i] + a_old * ax[k] + a_anchor * anchor.ax[i];
                }
            },
        );
        // Columns: Ãᵀŷ, then x and Ãᵀy.
        p.f.y_ghosts.with_ghosts(p.f.comm(), &zh.y, |yh| {
            par_mut(
                [&mut zh.aty[..], &mut z.x[..], &mut z.aty[..]],
                p.f.mat_chunk,
                |rg, [atyh, x, aty]| {
                    for (k, j) in rg.enumerate() {
                        let a = p.by_cols.dot(j, yh);
                        atyh[k] = a;
                        x[k] = a_new * zh.x[j] + a_old * x[k] + a_anchor * anchor.x[j];
                        aty[k] = a_new * a + a_old * aty[k] + a_anchor * anchor.aty[j];
                    }
                },
            );
        });
        self.epoch += 1;
        if (self.iter - 1).is_multiple_of(self.set.check_frequency) {
            return self.halpern_check(err);
        }
        None
    }

    /// Halpern's check on the PDHG output ẑ: stop, or restart at ẑ.
    fn halpern_check(&mut self, err: f64) -> Option<Outcome> {
        let (cert, own) = evaluate(self.p, &self.zh);
        self.report(&cert, own);
        if !(cert.primal_residual.is_finite()
            && cert.dual_residual.is_finite()
            && cert.relative_gap.is_finite()
            && err.is_finite())
        {
            return Some(self.trouble());
        }
        if self.crossover_due(&cert, own) {
            if let Some(sol) = self.crossover(Candidate::Image) {
                return Some(self.done(sol, Ray::None));
            }
        }
        if self.accept((cert, own), self.target) {
            let sol = self.answer(&self.zh, LpStatus::Optimal);
            if sol.info.certificate.passes(self.tol) {
                // Polish to the exact vertex when the guessed basis is optimal.
                let sol = self.crossover(Candidate::Image).unwrap_or(sol);
                return Some(self.done(sol, Ray::None));
            }
            self.target *= 0.5;
        }
        if let Some(done) = self.infeasibility(Candidate::Image) {
            return Some(done);
        }
        let set = self.set;
        let restart = err <= set.restart_sufficient * self.err_anchor
            || (err <= set.restart_necessary * self.err_anchor && err > self.err_last)
            || self.epoch as f64 >= set.restart_artificial * self.iter as f64;
        self.err_last = err;
        if restart && self.epoch > 1 {
            self.halpern_restart();
        }
        None
    }

    /// Restarts at ẑ, moving the primal weight by a PID controller on the log-imbalance of the
    /// scaled displacements.
    fn halpern_restart(&mut self) {
        let ddx = self.p.f.dist(false, &self.zh.x, &self.anchor.x);
        let ddy = self.p.f.dist(true, &self.zh.y, &self.anchor.y);
        if (1e-16..1e12).contains(&ddx) && (1e-16..1e12).contains(&ddy) {
            let e = (self.omega * ddx / ddy).ln();
            self.pid_integral = 0.3 * self.pid_integral + e;
            let step = 0.99 * e + 0.01 * self.pid_integral + 0.0 * (e - self.pid_prev);
            self.pid_prev = e;
            self.omega = (self.omega.ln() - step).exp().clamp(1e-8, 1e8);
        }
        self.anchor.copy_from(&self.zh);
        self.z.copy_from(&self.zh);
        self.epoch = 0;
        self.err_last = f64::INFINITY;
        self.stats.restarts += 1;
    }

    // ── Adaptive ───────────────────────────────────────────────────────────────────────────

    /// PDLP's adaptive step: accept the PDHG step when `η ≤ ‖Δz‖²_ω / (2|ΔyᵀÃΔx|)`, fold it into
    /// the average, and check when one is due; a rejected step only shrinks `η`.
    fn adaptive_update(&mut self, dx2: f64, dy2: f64, inter: f64) -> Option<Outcome> {
        let movement = self.omega * dx2 + dy2 / self.omega;
        let eta_max = if inter != 0.0 {
            movement / (2.0 * inter.abs())
        } else {
            f64::INFINITY
        };
        // PDLP's rule with k + 1 = accepted steps + 2 (never 1, so the first factor is > 0).
        let k1 = (self.accepted + 2) as f64;
        let grow = (1.0 + k1.powf(-0.6)) * self.eta;
        let eta_next = if eta_max.is_finite() {
            ((1.0 - k1.powf(-0.3)) * eta_max).min(grow)
        } else {
            grow
        };
        if self.eta > eta_max {
            self.stats.rejected_steps += 1;
            self.eta = eta_next;
            return None;
        }
        self.accepted += 1;
        self.avg_weight += self.eta;
        let alpha = self.eta / self.avg_weight;
        let (p, zh, avg) = (self.p, &mut self.zh, &mut self.avg);
        p.f.y_ghosts.with_ghosts(p.f.comm(), &zh.y, |yh| {
            let xh = &zh.x;
            par_mut(
                [&mut zh.aty[..], &mut avg.x[..], &mut avg.aty[..]],
                p.f.mat_chunk,
                |rg, [atyh, xa, atya]| {
                    for (k, j) in rg.enumerate() {
                        let a = p.by_cols.dot(j, yh);
                        atyh[k] = a;
                        xa[k] += alpha * (xh[j] - xa[k]);
                        atya[k] += alpha * (a - atya[k]);
                    }
                },
            );
        });
        par_mut(
            [&mut avg.y[..], &mut avg.ax[..]],
            p.f.vec_chunk,
            |rg, [ya, axa]| {
                for (k, i) in rg.enumerate() {
                    ya[k] += alpha * (zh.y[i] - ya[k]);
                    axa[k] += alpha * (zh.ax[i] - axa[k]);
                }
            },
        );
        std::mem::swap(&mut self.z, &mut self.zh);
        self.eta = eta_next;
        self.epoch += 1;
        if (self.accepted - 1).is_multiple_of(self.set.check_frequency) {
            return self.adaptive_check();
        }
        None
    }

    /// Adaptive's check on the iterate and the average: stop, or restart at the better one.
    fn adaptive_check(&mut self) -> Option<Outcome> {
        let mut best: Option<LpSolution> = None;
        for cand in [Candidate::Iterate, Candidate::Average] {
            let point = match cand {
                Candidate::Average => &self.avg,
                _ => &self.z,
            };
            let (cert, own) = evaluate(self.p, point);
            if cand == Candidate::Iterate {
                // The current iterate's measures (the average's are usually worse until the
                // end).
                self.report(&cert, own);
            }
            if !(cert.primal_residual.is_finite()
                && cert.dual_residual.is_finite()
                && cert.relative_gap.is_finite())
            {
                return Some(self.trouble());
            }
            if best.is_none() && self.crossover_due(&cert, own) {
                best = self.crossover(cand);
            }
            if best.is_none() && self.accept((cert, own), self.target) {
                let point = match cand {
                    Candidate::Average => &self.avg,
                    _ => &self.z,
                };
                let sol = self.answer(point, LpStatus::Optimal);
                if sol.info.certificate.passes(self.tol) {
                    // Polish to the exact vertex when the guessed basis is optimal.
                    best = Some(self.crossover(cand).unwrap_or(sol));
                } else {
                    self.target *= 0.5;
                }
            }
        }
        if let Some(sol) = best {
            return Some(self.done(sol, Ray::None));
        }
        if let Some(done) = self.infeasibility(Candidate::Iterate) {
            return Some(done);
        }
        self.adaptive_restart_if_due();
        None
    }

    /// Restarts at the iterate or the average, whichever has the smaller KKT error, when the
    /// error has fallen enough (or stalls, or the epoch is long), and moves the primal weight
    /// towards the ratio of the dual and primal displacements.
    fn adaptive_restart_if_due(&mut self) {
        let (p, omega, set) = (self.p, self.omega, self.set);
        let k_cur = kkt_error(p, &self.z, omega);
        let k_avg = kkt_error(p, &self.avg, omega);
        let use_avg = k_avg < k_cur;
        let err = k_cur.min(k_avg);
        if self.err_anchor.is_nan() {
            self.err_anchor = kkt_error(p, &self.anchor, omega);
        }
        let restart = err <= set.restart_sufficient * self.err_anchor
            || (err <= set.restart_necessary * self.err_anchor && err > self.err_last)
            || self.epoch as f64 >= set.restart_artificial * self.accepted as f64;
        self.err_last = err;
        if !(restart && self.epoch > 1) {
            return;
        }
        if use_avg {
            self.z.copy_from(&self.avg);
        }
        let ddx = self.p.f.dist(false, &self.z.x, &self.anchor.x);
        let ddy = self.p.f.dist(true, &self.z.y, &self.anchor.y);
        if ddx > 1e-10 && ddy > 1e-10 {
            let th = set.primal_weight_smoothing;
            self.omega = (th * (ddy / ddx).ln() + (1.0 - th) * self.omega.ln())
                .exp()
                .clamp(1e-8, 1e8);
        }
        self.anchor.copy_from(&self.z);
        self.avg.copy_from(&self.z);
        self.avg_weight = 0.0;
        self.epoch = 0;
        self.err_anchor = kkt_error(self.p, &self.z, self.omega);
        self.err_last = f64::INFINITY;
        self.stats.restarts += 1;
    }
}

/// Which point of the run a test or a crossover looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    /// The iterate z.
    Iterate,
    /// Its PDHG image ẑ (Halpern's candidate).
    Image,
    /// Adaptive's average since the restart.
    Average,
}
