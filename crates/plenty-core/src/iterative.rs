//! Iterative Leontief solves, two systems in lockstep.
//!
//! Gross output `(I − A) x = d` and labour values `(I − A)ᵀ vᵀ = lᵀ` need products with `A` and
//! with `Aᵀ`. They run side by side (an operator that can serve both products in one pass says
//! so through [`LinearOperator::mul_pair`]), and each iteration's vector updates are fused so
//! every vector is read once per update. The solvers only see the [`LinearOperator`] trait, so a distributed
//! operator can be added without touching them.
//!
//! Every reduction (dot product, norm) is computed in fixed chunks and added in a fixed order,
//! so the iterates are the same bits on any number of threads.

use crate::checkpoint::{Checkpoints, IterationState, SystemState};
use crate::dist::Space;
use crate::error::SolveError;
use crate::matrix::DenseMatrix;
use crate::solve::{Method, SolveReport, SolveStatus, Solved, SolverSettings};
use crate::tiled::TiledMatrix;
use rayon::prelude::*;

/// The products an iterative Leontief solve needs: `y = A p` and `z = Aᵀ q`.
pub trait LinearOperator: Sync {
    /// Order of `A`.
    fn n(&self) -> usize;
    /// `y = A p`.
    fn mul(&self, p: &[f64], y: &mut [f64]);
    /// `z = Aᵀ q`.
    fn mul_transpose(&self, q: &[f64], z: &mut [f64]);
    /// Both products; an operator that can share one pass over `A` overrides this. Must give
    /// the same bits as the two separate products.
    fn mul_pair(&self, p: &[f64], y: &mut [f64], q: &[f64], z: &mut [f64]) {
        self.mul(p, y);
        self.mul_transpose(q, z);
    }
    /// The diagonal of `A`.
    fn diagonal(&self) -> Vec<f64>;
}

impl LinearOperator for TiledMatrix {
    fn n(&self) -> usize {
        TiledMatrix::n(self)
    }
    fn mul(&self, p: &[f64], y: &mut [f64]) {
        self.mul_vec(p, y)
    }
    fn mul_transpose(&self, q: &[f64], z: &mut [f64]) {
        self.mul_vec_transpose(q, z)
    }
    fn diagonal(&self) -> Vec<f64> {
        TiledMatrix::diagonal(self)
    }
}

impl LinearOperator for DenseMatrix {
    fn n(&self) -> usize {
        self.nrows()
    }
    fn mul(&self, p: &[f64], y: &mut [f64]) {
        self.mul_vec(p, y)
    }
    fn mul_transpose(&self, q: &[f64], z: &mut [f64]) {
        self.mul_vec_transpose(q, z)
    }
    fn diagonal(&self) -> Vec<f64> {
        (0..self.nrows()).map(|i| self.get(i, i)).collect()
    }
}

/// Which system: `(I − A) x = b` or `(I − A)ᵀ x = b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// `(I − A) x = b`: gross output for a final demand, or a column of the inverse.
    Output,
    /// `(I − A)ᵀ x = b`, i.e. `x = b (I − A)⁻¹`: labour values, satellite effects, multipliers.
    Values,
}

/// Applies `A` or `Aᵀ` to the inputs of the given systems (in place of their outputs), sharing
/// one pass when there is one system of each side.
fn apply(op: &dyn LinearOperator, jobs: &mut [(Side, &[f64], &mut [f64])]) {
    if let [(s0, p0, y0), (s1, p1, y1)] = jobs {
        if *s0 != *s1 {
            let (p, y, q, z) = if *s0 == Side::Output {
                (&**p0, &mut **y0, &**p1, &mut **y1)
            } else {
                (&**p1, &mut **y1, &**p0, &mut **y0)
            };
            op.mul_pair(p, y, q, z);
            return;
        }
    }
    for (s, p, y) in jobs.iter_mut() {
        match s {
            Side::Output => op.mul(p, y),
            Side::Values => op.mul_transpose(p, y),
        }
    }
}

/// The true relative residuals `‖b − (I − A) x‖ / ‖b‖` of several systems.
pub(crate) fn residuals(
    op: &dyn LinearOperator,
    space: &Space<'_>,
    systems: &[(Side, &[f64], &[f64])],
) -> Vec<f64> {
    let n = op.n();
    let ch = space.chunk();
    let mut outs: Vec<Vec<f64>> = systems.iter().map(|_| vec![0.0; n]).collect();
    {
        let mut jobs: Vec<(Side, &[f64], &mut [f64])> = systems
            .iter()
            .zip(outs.iter_mut())
            .map(|((s, _, x), o)| (*s, *x, o.as_mut_slice()))
            .collect();
        apply(op, &mut jobs);
    }
    systems
        .iter()
        .zip(&outs)
        .map(|((_, b, x), ax)| {
            // r = b − x + A x
            let parts: Vec<[f64; 1]> = b
                .par_chunks(ch)
                .zip(x.par_chunks(ch).zip(ax.par_chunks(ch)))
                .map(|(b, (x, ax))| {
                    let mut s = 0.0;
                    for ((b, x), ax) in b.iter().zip(x).zip(ax) {
                        let r = b - x + ax;
                        s += r * r;
                    }
                    [s]
                })
                .collect();
            let nb = space.norm2(b);
            let nr = space.sum(parts)[0].sqrt();
            if nb == 0.0 {
                nr
            } else {
                nr / nb
            }
        })
        .collect()
}

/// Solves with an iterative `method` (Jacobi or BiCGSTAB; with `settings.method` at
/// [`Method::Auto`], a system BiCGSTAB leaves unconverged is tried again with Jacobi, which
/// cannot break down when `ρ(A) < 1`, and the better answer is kept). The one place this choice
/// is made, for one process and for many ranks alike.
///
/// With `checkpoints`, the state is saved every `every` steps of the first method, and a solve
/// can resume from a saved state; a fallback from a resumed BiCGSTAB repeats deterministically.
pub(crate) fn solve(
    op: &dyn LinearOperator,
    space: &Space<'_>,
    method: Method,
    systems: &[(Side, &[f64])],
    settings: &SolverSettings,
    checkpoints: Option<&mut Checkpoints<'_>>,
) -> Result<Vec<Solved>, SolveError> {
    if method == Method::Jacobi {
        return jacobi(op, space, systems, settings, checkpoints);
    }
    let first = bicgstab(op, space, systems, settings, checkpoints)?;
    if settings.method != Method::Auto {
        return Ok(first);
    }
    let mut out = Vec::with_capacity(first.len());
    for (s, &(side, b)) in first.into_iter().zip(systems) {
        if s.report.status.is_converged() {
            out.push(s);
            continue;
        }
        let j = jacobi(op, space, &[(side, b)], settings, None)?.remove(0);
        out.push(if j.report.relative_residual < s.report.relative_residual {
            j
        } else {
            s
        });
    }
    Ok(out)
}

/// State of one BiCGSTAB system. `r` also holds `s` within an iteration.
struct Bicg<'b> {
    side: Side,
    b: &'b [f64],
    nb: f64,
    x: Vec<f64>,
    r: Vec<f64>,
    /// The shadow residual r̂; `None` means `b` itself (the first residual, as x₀ = 0), which
    /// saves a vector until a breakdown restart needs a fresh one.
    r_hat: Option<Vec<f64>>,
    p: Vec<f64>,
    v: Vec<f64>,
    t: Vec<f64>,
    rho: f64,
    alpha: f64,
    omega: f64,
    /// `r̂ · r` of the current residual.
    rho_next: f64,
    iterations: usize,
    restarts: usize,
    status: Option<SolveStatus>,
}

impl<'b> Bicg<'b> {
    fn new(side: Side, b: &'b [f64], space: &Space<'_>) -> Self {
        let n = b.len();
        let nb = space.norm2(b);
        // x₀ = 0, r₀ = r̂ = b.
        Self {
            side,
            b,
            nb,
            x: vec![0.0; n],
            r: b.to_vec(),
            r_hat: None,
            p: vec![0.0; n],
            v: vec![0.0; n],
            t: vec![0.0; n],
            rho: 1.0,
            alpha: 1.0,
            omega: 1.0,
            rho_next: nb * nb,
            iterations: 0,
            restarts: 0,
            status: if nb == 0.0 {
                Some(SolveStatus::Converged)
            } else {
                None
            },
        }
    }

    fn active(&self) -> bool {
        self.status.is_none()
    }

    /// Moves the state out (the vectors are left empty until [`Bicg::restore`]).
    fn take_state(&mut self) -> SystemState {
        SystemState::BiCgStab {
            side: self.side,
            x: std::mem::take(&mut self.x),
            r: std::mem::take(&mut self.r),
            r_hat: self.r_hat.take(),
            p: std::mem::take(&mut self.p),
            v: std::mem::take(&mut self.v),
            rho: self.rho,
            alpha: self.alpha,
            omega: self.omega,
            rho_next: self.rho_next,
            iterations: self.iterations,
            restarts: self.restarts,
            status: self.status,
        }
    }

    /// Puts a state in place (checked by [`IterationState::check_fits`] first).
    fn restore(&mut self, state: SystemState) {
        if let SystemState::BiCgStab {
            x,
            r,
            r_hat,
            p,
            v,
            rho,
            alpha,
            omega,
            rho_next,
            iterations,
            restarts,
            status,
            ..
        } = state
        {
            (self.x, self.r, self.r_hat, self.p, self.v) = (x, r, r_hat, p, v);
            (self.rho, self.alpha, self.omega, self.rho_next) = (rho, alpha, omega, rho_next);
            (self.iterations, self.restarts, self.status) = (iterations, restarts, status);
        }
    }
}

/// BiCGSTAB (van der Vorst 1992) on one or two systems in lockstep. Returns one answer per
/// system, in order, each judged by its true residual.
pub(crate) fn bicgstab(
    op: &dyn LinearOperator,
    space: &Space<'_>,
    systems: &[(Side, &[f64])],
    settings: &SolverSettings,
    mut checkpoints: Option<&mut Checkpoints<'_>>,
) -> Result<Vec<Solved>, SolveError> {
    let tol = settings.tolerance;
    let ch = space.chunk();
    let mut sys: Vec<Bicg<'_>> = systems
        .iter()
        .map(|&(s, b)| Bicg::new(s, b, space))
        .collect();
    let mut step = 0;
    let sides: Vec<Side> = systems.iter().map(|s| s.0).collect();
    if let Some(state) = resumable(space, &mut checkpoints, Method::BiCgStab, &sides, op.n())? {
        step = state.step;
        for (s, saved) in sys.iter_mut().zip(state.systems) {
            s.restore(saved);
        }
    }
    let resumed_at = step;
    loop {
        while sys.iter().any(Bicg::active) {
            if let Some(c) = checkpoints.as_deref_mut() {
                if step != resumed_at && step % c.every.max(1) == 0 {
                    save_bicg(space, c, step, &mut sys)?;
                }
            }
            step += 1;
            // p = r + β (p − ω v), per active system.
            for s in sys.iter_mut().filter(|s| s.active()) {
                s.iterations += 1;
                let rho_new = s.rho_next;
                if rho_new == 0.0 || s.omega == 0.0 || !rho_new.is_finite() {
                    // Breakdown: restart from the current iterate with a fresh shadow residual.
                    if s.restarts >= 5 || !rho_new.is_finite() {
                        s.status = Some(SolveStatus::IterationLimit);
                        continue;
                    }
                    restart(op, space, s);
                    continue;
                }
                let beta = (rho_new / s.rho) * (s.alpha / s.omega);
                s.rho = rho_new;
                let omega = s.omega;
                s.p.par_chunks_mut(ch)
                    .zip(s.r.par_chunks(ch).zip(s.v.par_chunks(ch)))
                    .for_each(|(p, (r, v))| {
                        for ((p, r), v) in p.iter_mut().zip(r).zip(v) {
                            *p = r + beta * (*p - omega * v);
                        }
                    });
            }
            // v = (I − A) p, and r̂ · v.
            {
                let mut jobs: Vec<(Side, &[f64], &mut [f64])> = sys
                    .iter_mut()
                    .filter(|s| s.active())
                    .map(|s| (s.side, s.p.as_slice(), s.v.as_mut_slice()))
                    .collect();
                apply(op, &mut jobs);
            }
            for s in sys.iter_mut().filter(|s| s.active()) {
                let parts: Vec<[f64; 1]> =
                    s.v.par_chunks_mut(ch)
                        .zip(
                            s.p.par_chunks(ch)
                                .zip(s.r_hat.as_deref().unwrap_or(s.b).par_chunks(ch)),
                        )
                        .map(|(v, (p, rh))| {
                            let mut d = 0.0;
                            for ((v, p), rh) in v.iter_mut().zip(p).zip(rh) {
                                *v = p - *v;
                                d += rh * *v;
                            }
                            [d]
                        })
                        .collect();
                let rv = space.sum(parts)[0];
                if rv == 0.0 || !rv.is_finite() {
                    restart(op, space, s);
                    continue;
                }
                s.alpha = s.rho / rv;
                // s = r − α v (in r), and ‖s‖².
                let alpha = s.alpha;
                let parts: Vec<[f64; 1]> =
                    s.r.par_chunks_mut(ch)
                        .zip(s.v.par_chunks(ch))
                        .map(|(r, v)| {
                            let mut n2 = 0.0;
                            for (r, v) in r.iter_mut().zip(v) {
                                *r -= alpha * v;
                                n2 += *r * *r;
                            }
                            [n2]
                        })
                        .collect();
                let ns = space.sum(parts)[0].sqrt();
                if ns / s.nb <= tol {
                    axpy(&mut s.x, alpha, &s.p, ch);
                    s.status = Some(SolveStatus::Converged);
                }
            }
            // t = (I − A) s, and t·s, t·t.
            {
                let mut jobs: Vec<(Side, &[f64], &mut [f64])> = sys
                    .iter_mut()
                    .filter(|s| s.active())
                    .map(|s| (s.side, s.r.as_slice(), s.t.as_mut_slice()))
                    .collect();
                apply(op, &mut jobs);
            }
            for s in sys.iter_mut().filter(|s| s.active()) {
                let parts: Vec<[f64; 2]> =
                    s.t.par_chunks_mut(ch)
                        .zip(s.r.par_chunks(ch))
                        .map(|(t, sv)| {
                            let (mut ts, mut tt) = (0.0, 0.0);
                            for (t, sv) in t.iter_mut().zip(sv) {
                                *t = sv - *t;
                                ts += *t * sv;
                                tt += *t * *t;
                            }
                            [ts, tt]
                        })
                        .collect();
                let [ts, tt] = space.sum(parts);
                s.omega = if tt > 0.0 { ts / tt } else { 0.0 };
                let (alpha, omega) = (s.alpha, s.omega);
                // x += α p + ω s; r = s − ω t; ‖r‖² and r̂·r.
                let Bicg {
                    x,
                    r,
                    r_hat,
                    p,
                    t,
                    b,
                    ..
                } = s;
                let parts: Vec<[f64; 2]> = x
                    .par_chunks_mut(ch)
                    .zip(r.par_chunks_mut(ch))
                    .zip(
                        p.par_chunks(ch).zip(
                            t.par_chunks(ch)
                                .zip(r_hat.as_deref().unwrap_or(b).par_chunks(ch)),
                        ),
                    )
                    .map(|((x, r), (p, (t, rh)))| {
                        let (mut n2, mut d) = (0.0, 0.0);
                        for ((((x, r), p), t), rh) in
                            x.iter_mut().zip(r.iter_mut()).zip(p).zip(t).zip(rh)
                        {
                            *x += alpha * p + omega * *r;
                            *r -= omega * t;
                            n2 += *r * *r;
                            d += rh * *r;
                        }
                        [n2, d]
                    })
                    .collect();
                let [n2, d] = space.sum(parts);
                s.rho_next = d;
                let rel = n2.sqrt() / s.nb;
                if !rel.is_finite() || rel > 1e12 {
                    s.status = Some(SolveStatus::Diverged);
                } else if rel <= tol {
                    s.status = Some(SolveStatus::Converged);
                } else if s.iterations >= settings.max_iterations {
                    s.status = Some(SolveStatus::IterationLimit);
                }
            }
        }
        // Judge by the true residual: the recurrence drifts from it in rounding. A converged
        // system whose true residual is above the tolerance restarts from where it is.
        let checks: Vec<(Side, &[f64], &[f64])> =
            sys.iter().map(|s| (s.side, s.b, s.x.as_slice())).collect();
        let true_rel = residuals(op, space, &checks);
        let mut again = false;
        for (s, rel) in sys.iter_mut().zip(&true_rel) {
            if s.status == Some(SolveStatus::Converged)
                && *rel > tol
                && s.restarts < 5
                && s.iterations < settings.max_iterations
            {
                s.status = None;
                restart(op, space, s);
                again = true;
            }
        }
        if !again {
            return Ok(sys
                .into_iter()
                .zip(true_rel)
                .map(|(s, rel)| {
                    let status = match s.status {
                        Some(SolveStatus::Converged) if rel <= tol => SolveStatus::Converged,
                        Some(SolveStatus::Diverged) => SolveStatus::Diverged,
                        _ if !rel.is_finite() => SolveStatus::Diverged,
                        _ => SolveStatus::IterationLimit,
                    };
                    Solved {
                        x: s.x,
                        report: SolveReport {
                            method: Method::BiCgStab,
                            iterations: s.iterations,
                            relative_residual: rel,
                            status,
                        },
                    }
                })
                .collect());
        }
    }
}

/// Restarts a system from its current iterate: r = r̂ = b − (I − A) x.
fn restart(op: &dyn LinearOperator, space: &Space<'_>, s: &mut Bicg<'_>) {
    let ch = space.chunk();
    s.restarts += 1;
    let n = s.b.len();
    let mut ax = vec![0.0; n];
    apply(op, &mut [(s.side, s.x.as_slice(), ax.as_mut_slice())]);
    let b = s.b;
    s.r.par_chunks_mut(ch)
        .zip(
            b.par_chunks(ch)
                .zip(s.x.par_chunks(ch).zip(ax.par_chunks(ch))),
        )
        .for_each(|(r, (b, (x, ax)))| {
            for (((r, b), x), ax) in r.iter_mut().zip(b).zip(x).zip(ax) {
                *r = b - x + ax;
            }
        });
    s.r_hat = Some(s.r.clone());
    s.p.iter_mut().for_each(|v| *v = 0.0);
    s.v.iter_mut().for_each(|v| *v = 0.0);
    let n2 = space.dot(&s.r, &s.r);
    s.rho_next = n2;
    (s.rho, s.alpha, s.omega) = (1.0, 1.0, 1.0);
    if n2 == 0.0 {
        s.status = Some(SolveStatus::Converged);
    }
}

/// The state to resume from, once every rank agrees that each has one and that it fits the
/// solve (collective whenever checkpoints are on, so that no rank waits for another).
fn resumable(
    space: &Space<'_>,
    checkpoints: &mut Option<&mut Checkpoints<'_>>,
    method: Method,
    sides: &[Side],
    n: usize,
) -> Result<Option<IterationState>, SolveError> {
    let Some(c) = checkpoints.as_mut() else {
        return Ok(None);
    };
    let state = c.resume.take();
    let fits = match &state {
        Some(s) => s.check_fits(method, sides, n),
        None => Ok(()),
    };
    let (some, none) = (space.any(state.is_some()), space.any(state.is_none()));
    if space.any(fits.is_err()) {
        return Err(SolveError::Checkpoint(fits.err().unwrap_or_else(|| {
            "another rank's checkpoint does not fit this solve".into()
        })));
    }
    if some && none {
        return Err(SolveError::Checkpoint(
            "only some ranks have a checkpoint to resume from".into(),
        ));
    }
    Ok(state)
}

/// Hands the state to the checkpoint's `save` without copying it (the vectors are moved into
/// the state and back), and stops every rank if any rank's save failed.
fn save_bicg(
    space: &Space<'_>,
    c: &mut Checkpoints<'_>,
    step: usize,
    sys: &mut [Bicg<'_>],
) -> Result<(), SolveError> {
    let state = IterationState {
        method: Method::BiCgStab,
        step,
        systems: sys.iter_mut().map(Bicg::take_state).collect(),
    };
    let saved = (c.save)(&state);
    for (s, st) in sys.iter_mut().zip(state.systems) {
        s.restore(st);
    }
    checkpoint_saved(space, saved)
}

fn checkpoint_saved(space: &Space<'_>, saved: Result<(), String>) -> Result<(), SolveError> {
    if space.any(saved.is_err()) {
        return Err(SolveError::Checkpoint(saved.err().unwrap_or_else(|| {
            "another rank could not save its checkpoint".into()
        })));
    }
    Ok(())
}

fn axpy(y: &mut [f64], a: f64, x: &[f64], ch: usize) {
    y.par_chunks_mut(ch)
        .zip(x.par_chunks(ch))
        .for_each(|(y, x)| {
            for (y, x) in y.iter_mut().zip(x) {
                *y += a * x;
            }
        });
}

/// Jacobi on one or two systems in lockstep: `x ← x + D⁻¹ r`, `r = b − (I − A) x`, with
/// `D = I − diag(A)`. With a zero diagonal this is the Neumann series, which converges at rate
/// `ρ(A)` whenever the economy is productive.
pub(crate) fn jacobi(
    op: &dyn LinearOperator,
    space: &Space<'_>,
    systems: &[(Side, &[f64])],
    settings: &SolverSettings,
    mut checkpoints: Option<&mut Checkpoints<'_>>,
) -> Result<Vec<Solved>, SolveError> {
    let n = op.n();
    let ch = space.chunk();
    let diag = op.diagonal();
    struct J<'b> {
        side: Side,
        b: &'b [f64],
        nb: f64,
        x: Vec<f64>,
        r: Vec<f64>,
        ax: Vec<f64>,
        report: SolveReport,
        done: bool,
    }
    let diverging = space.any(diag.iter().any(|&a| a >= 1.0));
    let mut sys: Vec<J<'_>> = systems
        .iter()
        .map(|&(side, b)| {
            let nb = space.norm2(b);
            let mut report = SolveReport {
                method: Method::Jacobi,
                iterations: 0,
                relative_residual: if nb == 0.0 { 0.0 } else { 1.0 },
                status: SolveStatus::IterationLimit,
            };
            let done = nb == 0.0 || diverging;
            if nb == 0.0 {
                report.status = SolveStatus::Converged;
            } else if diverging {
                // A sector that uses at least its own output per unit: ρ(A) ≥ a_ii ≥ 1.
                report.status = SolveStatus::Diverged;
            }
            J {
                side,
                b,
                nb,
                x: vec![0.0; n],
                r: b.to_vec(),
                ax: vec![0.0; n],
                report,
                done,
            }
        })
        .collect();
    let mut it = 0;
    let sides: Vec<Side> = systems.iter().map(|s| s.0).collect();
    if let Some(state) = resumable(space, &mut checkpoints, Method::Jacobi, &sides, n)? {
        it = state.step;
        for (s, saved) in sys.iter_mut().zip(state.systems) {
            if let SystemState::Jacobi {
                x,
                r,
                iterations,
                relative_residual,
                status,
                done,
                ..
            } = saved
            {
                (s.x, s.r, s.done) = (x, r, done);
                s.report.iterations = iterations;
                s.report.relative_residual = relative_residual;
                s.report.status = status;
            }
        }
    }
    let resumed_at = it;
    while sys.iter().any(|s| !s.done) && it < settings.max_iterations {
        if let Some(c) = checkpoints.as_deref_mut() {
            if it != resumed_at && it % c.every.max(1) == 0 {
                let state = IterationState {
                    method: Method::Jacobi,
                    step: it,
                    systems: sys
                        .iter_mut()
                        .map(|s| SystemState::Jacobi {
                            side: s.side,
                            x: std::mem::take(&mut s.x),
                            r: std::mem::take(&mut s.r),
                            iterations: s.report.iterations,
                            relative_residual: s.report.relative_residual,
                            status: s.report.status,
                            done: s.done,
                        })
                        .collect(),
                };
                let saved = (c.save)(&state);
                for (s, st) in sys.iter_mut().zip(state.systems) {
                    if let SystemState::Jacobi { x, r, .. } = st {
                        (s.x, s.r) = (x, r);
                    }
                }
                checkpoint_saved(space, saved)?;
            }
        }
        it += 1;
        for s in sys.iter_mut().filter(|s| !s.done) {
            s.x.par_chunks_mut(ch)
                .zip(s.r.par_chunks(ch).zip(diag.par_chunks(ch)))
                .for_each(|(x, (r, d))| {
                    for ((x, r), d) in x.iter_mut().zip(r).zip(d) {
                        *x += r / (1.0 - d);
                    }
                });
        }
        {
            let mut jobs: Vec<(Side, &[f64], &mut [f64])> = sys
                .iter_mut()
                .filter(|s| !s.done)
                .map(|s| (s.side, s.x.as_slice(), s.ax.as_mut_slice()))
                .collect();
            apply(op, &mut jobs);
        }
        for s in sys.iter_mut().filter(|s| !s.done) {
            let parts: Vec<[f64; 1]> =
                s.r.par_chunks_mut(ch)
                    .zip(
                        s.b.par_chunks(ch)
                            .zip(s.x.par_chunks(ch).zip(s.ax.par_chunks(ch))),
                    )
                    .map(|(r, (b, (x, ax)))| {
                        let mut n2 = 0.0;
                        for (((r, b), x), ax) in r.iter_mut().zip(b).zip(x).zip(ax) {
                            *r = b - x + ax;
                            n2 += *r * *r;
                        }
                        [n2]
                    })
                    .collect();
            let rel = space.sum(parts)[0].sqrt() / s.nb;
            s.report.iterations = it;
            s.report.relative_residual = rel;
            if !rel.is_finite() || rel > 1e12 {
                s.report.status = SolveStatus::Diverged;
                s.done = true;
            } else if rel <= settings.tolerance {
                s.report.status = SolveStatus::Converged;
                s.done = true;
            }
        }
    }
    Ok(sys
        .into_iter()
        .map(|s| Solved {
            x: s.x,
            report: s.report,
        })
        .collect())
}
