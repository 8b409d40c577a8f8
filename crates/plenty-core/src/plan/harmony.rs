//! Cockshott's harmony objective, solved with a certified bound on the distance to the optimum.
//!
//! For each product with a target `d_i > 0`, let `z_i = ((B − A) x)_i − d0_i` be the net output
//! left after the committed needs and `s_i = z_i / d_i − 1` its relative deviation from the
//! target. The harmony of the plan is
//!
//! ```text
//!   Σ_i w_i H(s_i),     H(s) = s − s²/2   for s < 0   (shortfall),
//!                       H(s) = ln(1 + s)  for s ≥ 0   (surplus),
//! ```
//!
//! maximised over the same constraints as Kantorovich's problem (`(B − A) x ≥ d0`, labour,
//! resources, capacities). `H` is concave and continuously differentiable (`H'(s) = 1 − s`
//! below 0 and `1/(1 + s)` above, both 1 at 0): shortfalls hurt more than surpluses help.
//!
//! ## The method: outer approximation by tangents, with a Lagrangian bound
//!
//! Because `H` is concave, every tangent lies above it, and so does their lower envelope
//! `T(s) = min_k [H(σ_k) + H'(σ_k)(s − σ_k)]` over tangent points `−1 = σ_1 < … < σ_K`. `T` is
//! piecewise linear and concave, with slopes `H'(σ_k)` between the points `τ_k` where
//! consecutive tangents cross. Each round maximises `Σ w_i T(s_i)` as an LP in which the net
//! output taken for product `i` is split into segments `z_i = Σ_k δ_ik`,
//! `0 ≤ δ_ik ≤ d_i (τ_k − τ_{k−1})`, each earning its tangent's slope (the slopes fall, so the
//! LP fills the segments in order). The segments are bounded columns: no rows are added.
//!
//! Two bounds certify each round's plan `x` with the LP's valuations `(p, w, ρ)`:
//!
//! * **lower**: the true harmony `L = Σ w_i H(s_i(x))` of the plan, which is feasible;
//! * **upper**: the Lagrangian dual function (weak duality: no plan has more harmony)
//!
//!   ```text
//!   U = Σ_i max_{z ≥ 0} [w_i H(z/d_i − 1) − p_i z] − p·d0 + w·hours + ρ·limits + Σ_j cap_j π_j⁺,
//!   ```
//!
//!   with `π_j = p·(b_j − a_j) − w·l_j − ρ·r_j`; the inner maximum has a closed form
//!   (`H'(s) = p_i d_i / w_i`). A process without capacity and with `π_j > 0` would make `U`
//!   infinite; such violations (of the size of the LP's dual residual) are reported as
//!   `bound_residual` instead.
//!
//! Each round then adds the tangents at the deviations `s_i` where `T` overestimates `H`
//! (Kelley's cutting planes), until `(U − L)/(1 + |L|)` is within the tolerance. The gap is the
//! certificate: it does not depend on how good the approximation was.
//!
//! The plan's fulfilment `λ_h = min_i z_i / d_i` is compared with the optimum `λ*` of
//! Kantorovich's problem: harmony trades some of the worst-served product's share for the
//! others'.

use super::economy::PlanningEconomy;
use super::kantorovich::WarmStart;
use super::kantorovich::{
    check_targets, judge, process_columns, shared_rows, LpParts, Plan, PlanParts,
};
use crate::error::SolveError;
use crate::lp::{Certificate, LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus, Sense};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// `H(s)`: `s − s²/2` below 0, `ln(1 + s)` above (defined for `s > −1`; `H(−1) = −1.5`).
pub fn harmony(s: f64) -> f64 {
    if s < 0.0 {
        s - 0.5 * s * s
    } else {
        s.ln_1p()
    }
}

/// `H'(s)`: `1 − s` below 0, `1 / (1 + s)` above.
pub fn harmony_gradient(s: f64) -> f64 {
    if s < 0.0 {
        1.0 - s
    } else {
        1.0 / (1.0 + s)
    }
}

/// The envelope of `H`'s tangents at the sorted points `breaks` (the first is −1, where the
/// envelope equals `H`), as `(H(breaks[0]), [(width, slope)])`: the envelope rises by `slope`
/// per unit of deviation over each piece, in order; the last piece is unbounded (`width = ∞`).
pub(crate) fn tangent_segments(breaks: &[f64]) -> (f64, Vec<(f64, f64)>) {
    let mut from = breaks[0];
    let mut pieces = Vec::with_capacity(breaks.len());
    for pair in breaks.windows(2) {
        let (g0, g1) = (harmony_gradient(pair[0]), harmony_gradient(pair[1]));
        // Where the tangents at pair[0] and pair[1] cross.
        let cross = (harmony(pair[1]) - harmony(pair[0]) + g0 * pair[0] - g1 * pair[1]) / (g0 - g1);
        let to = cross.clamp(from, pair[1]);
        pieces.push((to - from, g0));
        from = to;
    }
    let last = breaks[breaks.len() - 1];
    pieces.push((f64::INFINITY, harmony_gradient(last)));
    (harmony(breaks[0]), pieces)
}

/// Settings of the harmony solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HarmonySettings {
    /// Settings of each LP. Default [`LpSettings::default`].
    pub lp: LpSettings,
    /// Relative gap `(U − L)/(1 + |L|)` at which to stop. Default `1e-6`.
    pub gap_tolerance: f64,
    /// Most rounds (LP solves). Default 100.
    pub max_rounds: usize,
    /// Also solve Kantorovich's problem to compare `λ`. Default true.
    pub compare_lambda: bool,
}

impl Default for HarmonySettings {
    fn default() -> Self {
        Self {
            lp: LpSettings::default(),
            gap_tolerance: 1e-6,
            max_rounds: 100,
            compare_lambda: true,
        }
    }
}

/// A harmony plan with its bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HarmonyPlan {
    /// The plan. `lambda` is the fulfilment `min_i z_i / d_i`; valuations are marginal harmony
    /// per unit; the certificate is that of the last LP.
    pub plan: Plan,
    /// The plan's harmony `Σ w_i H(s_i)` (a lower bound on the optimum).
    pub harmony: f64,
    /// No plan has more harmony than this.
    pub upper_bound: f64,
    /// `(upper_bound − harmony) / (1 + |harmony|)`.
    pub gap: f64,
    /// Violation of dual feasibility left out of `upper_bound` (relative; of the order of the
    /// LP's dual residual).
    pub bound_residual: f64,
    /// LP solves.
    pub rounds: usize,
    /// Tangent points in the last LP.
    pub segments: usize,
    /// `z_i / d_i` per product (NaN where there is no target).
    pub fulfilment: Vec<f64>,
    /// `λ*` of Kantorovich's problem, when compared.
    pub lambda_optimum: Option<f64>,
}

impl HarmonyPlan {
    /// `λ_h / λ*`: how much of the max-min fulfilment the harmony plan keeps.
    pub fn lambda_ratio(&self) -> Option<f64> {
        self.lambda_optimum
            .filter(|l| *l > 0.0)
            .map(|l| self.plan.lambda / l)
    }
}

/// Maximises harmony (see the [module](self) documentation); every LP is solved from scratch.
pub fn solve_harmony(
    e: &PlanningEconomy,
    backend: &dyn LpBackend,
    settings: &HarmonySettings,
) -> Result<HarmonyPlan, SolveError> {
    harmony_with(e, backend, settings, &|lp, lps, _, _| {
        backend.solve(lp, lps)
    })
}

/// As [`solve_harmony`], but each round's LP starts from the previous round's plan and
/// valuations (the rows do not change between rounds; the new segments are filled in order up
/// to the net output taken before), which saves most of a first-order method's iterations.
pub fn solve_harmony_warm<B: WarmStart>(
    e: &PlanningEconomy,
    backend: &B,
    settings: &HarmonySettings,
) -> Result<HarmonyPlan, SolveError> {
    harmony_with(e, backend, settings, &|lp, lps, x0, y0| {
        backend.solve_from(lp, lps, x0, y0)
    })
}

/// One LP solve, with its settings, from an optional start.
type Solve<'a> = dyn Fn(
        &LinearProgram,
        &LpSettings,
        Option<&[f64]>,
        Option<&[f64]>,
    ) -> Result<LpSolution, SolveError>
    + 'a;

/// A warm start for a round's LP: the previous intensities, and each product's previous take
/// `z_k` poured into its segments in order.
fn warm_primal(
    lp: &LinearProgram,
    m: usize,
    x: &[f64],
    z: &[f64],
    seg_cols: &[Range<usize>],
) -> Vec<f64> {
    let mut x0 = vec![0.0; lp.ncols()];
    x0[..m].copy_from_slice(x);
    for (k, cols) in seg_cols.iter().enumerate() {
        let mut left = z[k].max(0.0);
        for c in cols.clone() {
            let take = left.min(lp.col_upper[c]);
            x0[c] = take;
            left -= take;
        }
    }
    x0
}

fn harmony_with(
    e: &PlanningEconomy,
    backend: &dyn LpBackend,
    settings: &HarmonySettings,
    solve: &Solve<'_>,
) -> Result<HarmonyPlan, SolveError> {
    settings.lp.validate()?;
    if !(settings.gap_tolerance > 0.0 && settings.gap_tolerance < 1.0) {
        return Err(SolveError::Settings(format!(
            "gap_tolerance must lie in (0, 1), got {}",
            settings.gap_tolerance
        )));
    }
    if settings.max_rounds == 0 {
        return Err(SolveError::Settings("max_rounds must be at least 1".into()));
    }
    check_targets(e)?;
    let t0 = std::time::Instant::now();
    let method = "harmony (tangent-envelope LPs)";
    let lambda_optimum = if settings.compare_lambda {
        let p = super::kantorovich::solve_lambda(e, backend, &settings.lp)?;
        if p.status != LpStatus::Optimal {
            // No λ plan means no harmony plan either (same constraints); report it as such.
            return Ok(HarmonyPlan {
                fulfilment: vec![f64::NAN; e.n_products()],
                plan: p,
                harmony: f64::NAN,
                upper_bound: f64::NAN,
                gap: f64::NAN,
                bound_residual: f64::NAN,
                rounds: 0,
                segments: 0,
                lambda_optimum: None,
            });
        }
        Some(p.lambda)
    } else {
        None
    };
    let products = e.products();
    let targeted: Vec<usize> = (0..e.n_products())
        .filter(|&i| products[i].target > 0.0 && products[i].weight > 0.0)
        .collect();
    let grid = [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0];
    let mut breaks: Vec<Vec<f64>> = vec![grid.to_vec(); targeted.len()];
    let m = e.n_processes();
    let mut best: Option<(f64, PlanParts, Certificate)> = None;
    let mut upper = f64::INFINITY;
    let mut previous: Option<(Vec<f64>, Vec<f64>, Vec<f64>)> = None;
    let mut lp_settings = settings.lp.clone();
    let mut tightened = 0;
    let mut bound_residual = f64::NAN;
    let mut rounds = 0;
    let mut status = LpStatus::IterationLimit;
    let mut iterations = 0;
    let mut segments = 0;
    while rounds < settings.max_rounds {
        rounds += 1;
        let (lp, rows, seg_cols, row_div) = harmony_lp(e, &targeted, &breaks)?;
        segments = breaks.iter().map(|b| b.len()).sum();
        let (x0, y0) = match &previous {
            Some((x, y, z)) => (Some(warm_primal(&lp, m, x, z, &seg_cols)), Some(y.clone())),
            None => (None, None),
        };
        let sol = solve(&lp, &lp_settings, x0.as_deref(), y0.as_deref())?;
        iterations += sol.info.iterations;
        let (st, cert) = judge(&lp, &sol, lp_settings.tolerance);
        if st != LpStatus::Optimal {
            status = st;
            break;
        }
        let x = &sol.x[..m];
        let taken: Vec<f64> = seg_cols
            .iter()
            .map(|cols| cols.clone().map(|c| sol.x[c]).sum())
            .collect();
        previous = Some((x.to_vec(), sol.y.clone(), taken));
        let net = e.net_output(x);
        let s: Vec<f64> = targeted
            .iter()
            .map(|&i| ((net[i] - products[i].committed) / products[i].target - 1.0).max(-1.0))
            .collect();
        let lower: f64 = targeted
            .iter()
            .zip(&s)
            .map(|(&i, &s)| products[i].weight * harmony(s))
            .sum();
        let n = e.n_products();
        let p: Vec<f64> = sol.y[..n]
            .iter()
            .zip(&row_div)
            .map(|(v, s)| -v / s)
            .collect();
        let pick = |r: &[Option<usize>]| -> Vec<f64> {
            r.iter()
                .map(|r| r.map_or(0.0, |r| sol.y[r] / row_div[r]))
                .collect()
        };
        let (w, rho) = (pick(&rows.0), pick(&rows.1));
        let (u, residual) = lagrangian_bound(e, &targeted, &p, &w, &rho);
        if u < upper {
            upper = u;
            bound_residual = residual;
        }
        if best.as_ref().is_none_or(|b| lower > b.0) {
            let lambda = targeted
                .iter()
                .map(|&i| (net[i] - products[i].committed) / products[i].target)
                .fold(f64::INFINITY, f64::min);
            best = Some((
                lower,
                PlanParts {
                    intensity: x.to_vec(),
                    lambda: if lambda.is_finite() {
                        lambda.max(0.0)
                    } else {
                        0.0
                    },
                    product_valuation: p,
                    labour_valuation: w,
                    resource_valuation: rho,
                    tolerance: settings.lp.tolerance,
                },
                cert,
            ));
        }
        let lb = best.as_ref().map_or(lower, |b| b.0);
        if (upper - lb) / (1.0 + lb.abs()) <= settings.gap_tolerance {
            status = LpStatus::Optimal;
            break;
        }
        // Add the tangent at each deviation where the envelope overestimates H.
        let mut added = 0;
        for (k, &sk) in s.iter().enumerate() {
            let b = &mut breaks[k];
            let envelope = b
                .iter()
                .map(|&q| harmony(q) + harmony_gradient(q) * (sk - q))
                .fold(f64::INFINITY, f64::min);
            if envelope - harmony(sk) <= 1e-12 * (1.0 + harmony(sk).abs()) {
                continue;
            }
            let pos = b.partition_point(|v| *v < sk);
            let near = |q: usize| {
                b.get(q)
                    .is_some_and(|v| (v - sk).abs() <= 1e-9 * (1.0 + sk.abs()))
            };
            if !(near(pos) || (pos > 0 && near(pos - 1))) {
                b.insert(pos, sk);
                added += 1;
            }
        }
        if added == 0 {
            // The tangents are all in place: what is left of the gap is the LPs' own accuracy.
            // Solve them more accurately, up to twice.
            if tightened < 2 && lp_settings.tolerance > 1e-12 {
                lp_settings.tolerance /= 10.0;
                tightened += 1;
            } else {
                status = LpStatus::NumericalTrouble;
                break;
            }
        }
    }
    let Some((lower, parts, cert)) = best else {
        let mut plan = Plan::without_answer(e, status, method.into());
        if matches!(
            status,
            LpStatus::Infeasible | LpStatus::InfeasibleOrUnbounded
        ) {
            let ex = super::explain::explain_infeasible(e, backend, &settings.lp)?;
            plan.status = if ex.is_shortfall() {
                LpStatus::Infeasible
            } else {
                LpStatus::Unbounded
            };
            plan.explanation = Some(if ex.is_shortfall() {
                ex
            } else {
                super::explain::unbounded(e)
            });
        } else if status == LpStatus::Unbounded {
            plan.explanation = Some(super::explain::unbounded(e));
        }
        plan.iterations = iterations;
        plan.seconds = t0.elapsed().as_secs_f64();
        return Ok(HarmonyPlan {
            plan,
            harmony: f64::NAN,
            upper_bound: f64::NAN,
            gap: f64::NAN,
            bound_residual: f64::NAN,
            rounds,
            segments,
            fulfilment: vec![f64::NAN; e.n_products()],
            lambda_optimum,
        });
    };
    let net = e.net_output(&parts.intensity);
    let fulfilment = products
        .iter()
        .zip(&net)
        .map(|(p, v)| {
            if p.target > 0.0 {
                (v - p.committed) / p.target
            } else {
                f64::NAN
            }
        })
        .collect();
    let mut plan = Plan::from_parts(e, parts);
    plan.status = status;
    plan.certificate = cert;
    plan.method = method.into();
    plan.iterations = iterations;
    plan.seconds = t0.elapsed().as_secs_f64();
    plan.notes.extend(super::explain::notes(e));
    // With approximate valuations the bound can fall a rounding below the plan's harmony.
    let gap = ((upper - lower) / (1.0 + lower.abs())).max(0.0);
    Ok(HarmonyPlan {
        plan,
        harmony: lower,
        upper_bound: upper.max(lower),
        gap,
        bound_residual,
        rounds,
        segments,
        fulfilment,
        lambda_optimum,
    })
}

/// `max_{s ≥ −1} [w H(s) − p d (1 + s)]`, the inner maximum of the Lagrangian for one product
/// (`+∞` when `p ≤ 0`).
fn best_take(w: f64, p: f64, d: f64) -> f64 {
    if p <= 0.0 {
        return f64::INFINITY;
    }
    let r = p * d / w;
    let s = if r >= 2.0 {
        -1.0
    } else if r > 1.0 {
        1.0 - r
    } else {
        1.0 / r - 1.0
    };
    w * harmony(s) - p * d * (1.0 + s)
}

/// The Lagrangian dual bound `U` for valuations `(p, w, ρ)` and the largest violation of dual
/// feasibility left out of it (positive profits of processes without capacity, negative
/// valuations of products without a target), relative to `1 + max |p|`.
fn lagrangian_bound(
    e: &PlanningEconomy,
    targeted: &[usize],
    p: &[f64],
    w: &[f64],
    rho: &[f64],
) -> (f64, f64) {
    let products = e.products();
    let scale = 1.0 + p.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut residual: f64 = 0.0;
    let mut u = 0.0;
    let mut is_target = vec![false; e.n_products()];
    for &i in targeted {
        is_target[i] = true;
        u += best_take(products[i].weight, p[i], products[i].target);
    }
    for (i, pr) in products.iter().enumerate() {
        u -= p[i] * pr.committed;
        if !is_target[i] && p[i] < 0.0 {
            residual = residual.max(-p[i] / scale);
        }
    }
    for (h, l) in e.labour_types().iter().enumerate() {
        if l.hours.is_finite() {
            u += w[h].max(0.0) * l.hours;
        }
    }
    for (q, r) in e.resources().iter().enumerate() {
        if r.limit.is_finite() {
            u += rho[q].max(0.0) * r.limit;
        }
    }
    for pr in e.processes() {
        let pi = pr.outputs().map(|(i, b)| p[i] * b).sum::<f64>()
            - pr.inputs().map(|(i, a)| p[i] * a).sum::<f64>()
            - pr.labour().map(|(h, l)| w[h].max(0.0) * l).sum::<f64>()
            - pr.resources()
                .map(|(q, r)| rho[q].max(0.0) * r)
                .sum::<f64>();
        if pi > 0.0 {
            let cap = pr.capacity();
            if cap.is_finite() {
                u += cap * pi;
            } else {
                residual = residual.max(pi / scale);
            }
        }
    }
    (u, residual)
}

/// Row maps of the shared rows: labour and resources.
type RowMaps = (Vec<Option<usize>>, Vec<Option<usize>>);

/// A round's LP, its row maps, the segment columns of each targeted product and the row
/// divisors.
type HarmonyLp = (LinearProgram, RowMaps, Vec<Range<usize>>, Vec<f64>);

/// The outer-approximation LP for the given tangent points. Returns the LP, the labour and
/// resource row maps, and the segment columns of each targeted product.
fn harmony_lp(
    e: &PlanningEconomy,
    targeted: &[usize],
    breaks: &[Vec<f64>],
) -> Result<HarmonyLp, SolveError> {
    let products = e.products();
    let mut parts = LpParts::new();
    let rows = shared_rows(e, &mut parts, &e.committed());
    process_columns(e, &mut parts, &rows.0, &rows.1, true);
    let mut offset = 0.0;
    let mut segments = Vec::with_capacity(targeted.len());
    for (k, &i) in targeted.iter().enumerate() {
        let first = parts.c.len();
        let (w, d) = (products[i].weight, products[i].target);
        let b = &breaks[k];
        let (start, pieces) = tangent_segments(b);
        offset += w * start;
        for (c, &(width, slope)) in pieces.iter().enumerate() {
            parts.add_col(
                "take",
                &format!("{}#{c}", products[i].name),
                w * slope / d,
                0.0,
                d * width,
                [(i, -1.0)],
            );
        }
        segments.push(first..parts.c.len());
    }
    let row_div = parts.row_div.clone();
    let mut lp = parts.finish(Sense::Maximize)?;
    lp.offset = offset;
    Ok((lp, rows, segments, row_div))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h_is_concave_and_smooth_at_zero() {
        assert_eq!(harmony(0.0), 0.0);
        assert_eq!(harmony_gradient(0.0), 1.0);
        assert!((harmony_gradient(-1e-9) - 1.0).abs() < 1e-8);
        assert_eq!(harmony(-1.0), -1.5);
        // Tangents lie above.
        for sigma in [-0.9, -0.3, 0.0, 0.4, 3.0] {
            for s in [-0.95, -0.5, -0.1, 0.0, 0.2, 1.0, 5.0] {
                let t = harmony(sigma) + harmony_gradient(sigma) * (s - sigma);
                assert!(t >= harmony(s) - 1e-15, "σ={sigma} s={s}");
            }
        }
        // Shortfall hurts more than surplus helps.
        assert!(harmony(-0.2).abs() > harmony(0.2));
    }
}
