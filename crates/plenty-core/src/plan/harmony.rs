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
//! ## The method: outer approximation by tangents (Kelley's cutting planes)
//!
//! Because `H` is concave, every tangent lies above it: `H(s) ≤ H(σ) + H'(σ)(s − σ)` for all
//! `σ`. Replacing each `H(s_i)` by a variable `t_i` bounded by a few tangents gives an LP whose
//! optimum is an **upper bound** `U` on the best harmony; the plan `x` it returns is feasible, so
//! its true harmony is a **lower bound** `L`. Each round adds the tangents at the current `s_i`
//! and solves again; it stops when the relative gap `(U − L) / (1 + |L|)` is within the
//! tolerance. The gap is the certificate: no plan has more harmony than `U`. `U` is taken as the
//! LP's certified dual objective, so it is a valid bound up to the LP's own tolerance.
//!
//! The plan's fulfilment `λ_h = min_i z_i / d_i` is compared with the optimum `λ*` of
//! Kantorovich's problem: harmony trades some of the worst-served product's share for the
//! others'.

use super::economy::PlanningEconomy;
use super::kantorovich::{
    check_targets, judge, process_columns, shared_rows, LpParts, Plan, PlanParts,
};
use crate::error::SolveError;
use crate::lp::{LpBackend, LpSettings, LpStatus, Sense};
use serde::{Deserialize, Serialize};

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
    /// LP solves.
    pub rounds: usize,
    /// Tangents in the last LP.
    pub cuts: usize,
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

/// Maximises harmony (see the [module](self) documentation).
pub fn solve_harmony(
    e: &PlanningEconomy,
    backend: &dyn LpBackend,
    settings: &HarmonySettings,
) -> Result<HarmonyPlan, SolveError> {
    settings.lp.validate()?;
    if !(settings.gap_tolerance > 0.0 && settings.gap_tolerance < 1.0) {
        return Err(SolveError::Settings(format!(
            "gap_tolerance must lie in (0, 1), got {}",
            settings.gap_tolerance
        )));
    }
    check_targets(e)?;
    let t0 = std::time::Instant::now();
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
                rounds: 0,
                cuts: 0,
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
    let mut points: Vec<Vec<f64>> =
        vec![vec![-0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0]; targeted.len()];
    let mut best: Option<(Vec<f64>, f64, PlanParts, crate::lp::Certificate, LpStatus)> = None;
    let mut upper = f64::INFINITY;
    let mut rounds = 0;
    let mut status = LpStatus::IterationLimit;
    let mut iterations = 0;
    let mut cuts = 0;
    while rounds < settings.max_rounds {
        rounds += 1;
        let (lp, z_cols, t_cols, rows) = harmony_lp(e, &targeted, &points)?;
        cuts = points.iter().map(Vec::len).sum();
        let sol = backend.solve(&lp, &settings.lp)?;
        iterations += sol.info.iterations;
        let (st, cert) = judge(&lp, &sol, settings.lp.tolerance);
        if st != LpStatus::Optimal {
            status = st;
            break;
        }
        let m = e.n_processes();
        let x = sol.x[..m].to_vec();
        let net = e.net_output(&x);
        let s: Vec<f64> = targeted
            .iter()
            .map(|&i| ((net[i] - products[i].committed) / products[i].target - 1.0).max(-1.0))
            .collect();
        let lower: f64 = targeted
            .iter()
            .zip(&s)
            .map(|(&i, &s)| products[i].weight * harmony(s))
            .sum();
        upper = upper.min(cert.dual_objective.max(lower));
        let better = best.as_ref().is_none_or(|b| lower > b.1);
        if better {
            let n = e.n_products();
            let p: Vec<f64> = sol.y[..n].iter().map(|v| -v).collect();
            let pick = |r: &[Option<usize>]| -> Vec<f64> {
                r.iter().map(|r| r.map_or(0.0, |r| sol.y[r])).collect()
            };
            let lambda = targeted
                .iter()
                .map(|&i| (net[i] - products[i].committed) / products[i].target)
                .fold(f64::INFINITY, f64::min);
            best = Some((
                x,
                lower,
                PlanParts {
                    intensity: sol.x[..m].to_vec(),
                    lambda: if lambda.is_finite() {
                        lambda.max(0.0)
                    } else {
                        0.0
                    },
                    product_valuation: p,
                    labour_valuation: pick(&rows.0),
                    resource_valuation: pick(&rows.1),
                    tolerance: settings.lp.tolerance,
                },
                cert,
                st,
            ));
        }
        let lb = best.as_ref().map_or(lower, |b| b.1);
        if (upper - lb) / (1.0 + lb.abs()) <= settings.gap_tolerance {
            status = LpStatus::Optimal;
            break;
        }
        // Add the tangent at the current deviation wherever the LP overestimates H.
        let mut added = 0;
        for (k, &i) in targeted.iter().enumerate() {
            let t = sol.x[t_cols[k]];
            let z = sol.x[z_cols[k]];
            let sk = (z / products[i].target - 1.0).max(-1.0);
            if t > harmony(sk) + 1e-12 * (1.0 + t.abs())
                && points[k].iter().all(|p| (p - sk).abs() > 1e-12)
            {
                points[k].push(sk);
                added += 1;
            }
        }
        if added == 0 {
            // No tangent left to add: the bound cannot tighten further at this LP accuracy.
            status = LpStatus::Optimal;
            break;
        }
    }
    let Some((x, lower, parts, cert, _)) = best else {
        let mut plan = Plan::without_answer(e, status, "harmony (tangent cuts)".into());
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
            rounds,
            cuts,
            fulfilment: vec![f64::NAN; e.n_products()],
            lambda_optimum,
        });
    };
    let net = e.net_output(&x);
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
    plan.method = "harmony (tangent cuts)".into();
    plan.iterations = iterations;
    plan.seconds = t0.elapsed().as_secs_f64();
    plan.notes.extend(super::explain::notes(e));
    let gap = (upper - lower) / (1.0 + lower.abs());
    Ok(HarmonyPlan {
        plan,
        harmony: lower,
        upper_bound: upper,
        gap,
        rounds,
        cuts,
        fulfilment,
        lambda_optimum,
    })
}

/// Row maps of the shared rows: labour and resources.
type RowMaps = (Vec<Option<usize>>, Vec<Option<usize>>);

/// The outer-approximation LP for the given tangent points. Returns the LP, the columns of
/// `z_k` and `t_k` for each targeted product, and the labour/resource row maps.
fn harmony_lp(
    e: &PlanningEconomy,
    targeted: &[usize],
    points: &[Vec<f64>],
) -> Result<(crate::lp::LinearProgram, Vec<usize>, Vec<usize>, RowMaps), SolveError> {
    let products = e.products();
    let mut parts = LpParts::new();
    let rows = shared_rows(e, &mut parts, &e.committed());
    // Tangent at σ:  t − H'(σ)/d · z ≤ H(σ) − H'(σ)(1 + σ).
    let mut cut_rows: Vec<Vec<(usize, f64)>> = Vec::with_capacity(targeted.len());
    for (k, &i) in targeted.iter().enumerate() {
        let mut r = Vec::with_capacity(points[k].len());
        for (c, &sigma) in points[k].iter().enumerate() {
            let g = harmony_gradient(sigma);
            let row = parts.add_row(
                "tangent",
                &format!("{}#{c}", products[i].name),
                f64::NEG_INFINITY,
                harmony(sigma) - g * (1.0 + sigma),
            );
            r.push((row, g / products[i].target));
        }
        cut_rows.push(r);
    }
    process_columns(e, &mut parts, &rows.0, &rows.1, true);
    let mut z_cols = Vec::with_capacity(targeted.len());
    let mut t_cols = Vec::with_capacity(targeted.len());
    for (k, &i) in targeted.iter().enumerate() {
        let mut entries = vec![(i, -1.0)];
        entries.extend(cut_rows[k].iter().map(|&(r, g)| (r, -g)));
        z_cols.push(parts.add_col("take", &products[i].name, 0.0, 0.0, f64::INFINITY, entries));
        t_cols.push(parts.add_col(
            "harmony",
            &products[i].name,
            products[i].weight,
            f64::NEG_INFINITY,
            f64::INFINITY,
            cut_rows[k].iter().map(|&(r, _)| (r, 1.0)),
        ));
    }
    Ok((parts.finish(Sense::Maximize)?, z_cols, t_cols, rows))
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
