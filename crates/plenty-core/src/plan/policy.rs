//! Choice of technique by policy iteration, when labour is the only scarce primary input.
//!
//! **Non-substitution theorem** (Samuelson 1951): with one primary input (labour), no joint
//! production and constant returns, one technique per product is optimal for *every* final
//! demand. With the chosen techniques' coefficients `A` (column `i` = inputs per unit of
//! product `i`) and labour `l`, the labour values `v = l (I − A)⁻¹` are the least hours that
//! any technique choice needs per unit of each product.
//!
//! **Policy iteration** (Howard 1960, as in dynamic programming) finds them with one Leontief
//! solve per round:
//!
//! 1. start with, for each product, the technique with the least direct labour per unit;
//! 2. compute `v = l (I − A)⁻¹` ([`LeontiefSolver::solve_values`]);
//! 3. switch each product `i` to the technique `t` that minimises `(l_t + v·a_t) / b_t`
//!    (only on a strict improvement, so rounding cannot make it cycle);
//! 4. repeat until no product switches. Each round lowers `v`, and there are finitely many
//!    choices, so it ends; at the end no technique is cheaper at the values it induces, which
//!    is the LP's dual feasibility.
//!
//! **λ in closed form.** With hours `H`, the plan uses `l·x = v·(λd + d0)` hours, so the
//! largest fulfilment is `λ = (H − v·d0) / (v·d)`, then `x = (I − A)⁻¹ (λd + d0)` (one more
//! solve). The valuations are `w = 1/(v·d)` per hour and `p = w·v` per product (so `p·d = 1`).
//! `H < v·d0` means the committed needs alone take more labour than there is: labour is short
//! by exactly `v·d0 − H` hours.
//!
//! The answer is certified with [`crate::lp::certify`] against the full Kantorovich LP, with
//! every technique, so the non-substitution argument is checked, not assumed.

use super::economy::PlanningEconomy;
use super::explain::{self, Explanation, ExplanationKind, Shortfall, ShortfallKind};
use super::kantorovich::{check_targets, KantorovichLp, Plan, PlanParts};
use crate::error::SolveError;
use crate::lp::{certify, LpStatus};
use crate::matrix::{CsrMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, SolveReport, SolverSettings};
use serde::{Deserialize, Serialize};

/// Settings of policy iteration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicySettings {
    /// The Leontief solves. Default: [`SolverSettings::default`] with tolerance `1e-12`.
    pub leontief: SolverSettings,
    /// Most rounds before giving up (status `IterationLimit`). Default 100.
    pub max_rounds: usize,
    /// Tolerance of the certificate against the full LP. Default `1e-6`, as
    /// [`crate::lp::LpSettings`]; range `(0, 1)`. The answer is exact up to the Leontief
    /// solves, so small economies certify far below it.
    pub tolerance: f64,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            leontief: SolverSettings {
                tolerance: 1e-12,
                ..Default::default()
            },
            max_rounds: 100,
            tolerance: 1e-6,
        }
    }
}

/// The plan from policy iteration, with the technique choice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyPlan {
    /// The plan, certified against the full LP.
    pub plan: Plan,
    /// For each product, the process chosen to make it.
    pub technique: Vec<usize>,
    /// Rounds (Leontief solves for `v`).
    pub rounds: usize,
    /// Products that switched technique in each round.
    pub switches: Vec<usize>,
    /// Labour values `v` (hours per unit) under the chosen techniques.
    pub labour_values: Vec<f64>,
    /// Hours one bundle of the target assortment takes, `v·d`.
    pub hours_per_bundle: f64,
    /// Hours the committed needs take, `v·d0`.
    pub hours_committed: f64,
    /// Report of every Leontief solve.
    pub solves: Vec<SolveReport>,
}

/// Whether the non-substitution theorem applies: one labour type, no limited resource, no
/// capacities, every process with exactly one output, and every product made by some
/// technique whose inputs can all be made. `Err` says what breaks it.
pub fn non_substitution_applies(e: &PlanningEconomy) -> Result<(), String> {
    if e.labour_types().len() != 1 {
        return Err(format!(
            "policy iteration needs exactly one labour type; this economy has {}",
            e.labour_types().len()
        ));
    }
    if let Some(r) = e.resources().iter().find(|r| r.limit.is_finite()) {
        return Err(format!(
            "policy iteration needs labour to be the only scarce input, but resource {:?} has a limit",
            r.name
        ));
    }
    if let Some(j) = e.capacities().iter().position(|c| c.is_finite()) {
        return Err(format!(
            "policy iteration needs labour to be the only scarce input, but process {:?} has a capacity",
            e.process_names()[j]
        ));
    }
    if let Some(p) = e.processes().find(|p| p.outputs().count() != 1) {
        return Err(format!(
            "policy iteration needs one output per process, but process {:?} makes {} products (joint production)",
            p.name(),
            p.outputs().count()
        ));
    }
    let makeable = e.makeable();
    if let Some(i) = makeable.iter().position(|m| !m) {
        return Err(format!(
            "policy iteration needs every product to be made, but {:?} cannot be",
            e.products()[i].name
        ));
    }
    Ok(())
}

/// Solves Kantorovich's problem by policy iteration (see the [module](self) documentation).
///
/// Errors: the theorem does not apply ([`non_substitution_applies`]), no target, bad settings.
/// Infeasible and unbounded plans are statuses with explanations.
pub fn solve_policy(
    e: &PlanningEconomy,
    settings: &PolicySettings,
) -> Result<PolicyPlan, SolveError> {
    settings.leontief.validate()?;
    if !(settings.tolerance > 0.0 && settings.tolerance < 1.0) {
        return Err(SolveError::Settings(format!(
            "tolerance must lie in (0, 1), got {}",
            settings.tolerance
        )));
    }
    non_substitution_applies(e).map_err(SolveError::Unsupported)?;
    check_targets(e)?;
    let t0 = std::time::Instant::now();
    let (n, m) = (e.n_products(), e.n_processes());
    let mut product_of = vec![0usize; m];
    let mut out = vec![0.0; m];
    let mut makers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for p in e.processes() {
        let (i, b) = p.outputs().next().expect("one output");
        product_of[p.index()] = i;
        out[p.index()] = b;
        makers[i].push(p.index());
    }
    let hours: Vec<f64> = e
        .processes()
        .map(|p| p.labour().map(|(_, l)| l).sum())
        .collect();
    // A technique that uses at least as much of its own product as it makes can never help.
    let usable = |j: usize| -> bool {
        let own = e
            .process(j)
            .inputs()
            .find(|&(k, _)| k == product_of[j])
            .map_or(0.0, |(_, a)| a);
        own < out[j]
    };
    let first = |key: &dyn Fn(usize) -> f64| -> Vec<usize> {
        makers
            .iter()
            .map(|ts| {
                let mut best = ts[0];
                for &t in ts {
                    let better = usable(t) && (!usable(best) || key(t) < key(best));
                    if better {
                        best = t;
                    }
                }
                best
            })
            .collect()
    };
    let direct = |j: usize| hours[j] / out[j];
    let input_sum = |j: usize| e.process(j).inputs().map(|(_, a)| a).sum::<f64>() / out[j];
    let mut starts = vec![first(&direct), first(&input_sum)];
    let mut solves = Vec::new();
    let mut switches = Vec::new();
    let mut choice = starts.remove(0);
    let mut rounds = 0;
    let mut converged = false;
    let mut last: Option<(LeontiefSolver<'static>, Vec<f64>)> = None;
    while rounds < settings.max_rounds {
        let (solver, l) = system(e, &choice, &product_of, &out, &hours, &settings.leontief)?;
        let v = solver.solve_values(&l)?;
        rounds += 1;
        solves.push(v.report.clone());
        let productive = v.report.status.is_converged()
            && v.x
                .iter()
                .all(|x| x.is_finite() && *x >= -1e-12 * (1.0 + x.abs()));
        if !productive {
            if rounds == 1 && !starts.is_empty() {
                // The first choice is not productive; try the one with the least inputs.
                choice = starts.remove(0);
                continue;
            }
            let mut plan = Plan::without_answer(e, LpStatus::NumericalTrouble, method());
            plan.notes.push(format!(
                "the Leontief solve of the chosen techniques did not give non-negative labour values ({}, relative residual {:.2e}): the choice is not productive (ρ(A) ≥ 1); solve the LP instead",
                v.report.status, v.report.relative_residual
            ));
            plan.iterations = rounds;
            plan.seconds = t0.elapsed().as_secs_f64();
            return Ok(PolicyPlan {
                plan,
                technique: choice,
                rounds,
                switches,
                labour_values: v.x,
                hours_per_bundle: f64::NAN,
                hours_committed: f64::NAN,
                solves,
            });
        }
        let mut changed = 0;
        for i in 0..n {
            let current = choice[i];
            let mut best = current;
            let mut best_cost = v.x[i];
            for &t in &makers[i] {
                if t == current {
                    continue;
                }
                let cost = (hours[t] + e.process(t).inputs().map(|(k, a)| v.x[k] * a).sum::<f64>())
                    / out[t];
                if cost < best_cost - 1e-11 * best_cost.abs() - 1e-300 {
                    best = t;
                    best_cost = cost;
                }
            }
            if best != current {
                choice[i] = best;
                changed += 1;
            }
        }
        switches.push(changed);
        if changed == 0 {
            converged = true;
            last = Some((solver, v.x));
            break;
        }
    }
    let Some((solver, v)) = last.filter(|_| converged) else {
        let mut plan = Plan::without_answer(e, LpStatus::IterationLimit, method());
        plan.iterations = rounds;
        plan.seconds = t0.elapsed().as_secs_f64();
        return Ok(PolicyPlan {
            plan,
            technique: choice,
            rounds,
            switches,
            labour_values: Vec::new(),
            hours_per_bundle: f64::NAN,
            hours_committed: f64::NAN,
            solves,
        });
    };
    let d = e.targets();
    let d0 = e.committed();
    let vd: f64 = v.iter().zip(&d).map(|(a, b)| a * b).sum();
    let vd0: f64 = v.iter().zip(&d0).map(|(a, b)| a * b).sum();
    let labour = &e.labour_types()[0];
    let big_h = labour.hours;
    let finish = |mut plan: Plan, rounds: usize, switches: Vec<usize>, solves: Vec<SolveReport>| {
        plan.iterations = rounds;
        plan.method = method();
        plan.seconds = t0.elapsed().as_secs_f64();
        plan.notes.extend(explain::notes(e));
        PolicyPlan {
            plan,
            technique: choice.clone(),
            rounds,
            switches,
            labour_values: v.clone(),
            hours_per_bundle: vd,
            hours_committed: vd0,
            solves,
        }
    };
    if !big_h.is_finite() || vd <= 0.0 {
        let mut plan = Plan::without_answer(e, LpStatus::Unbounded, method());
        let mut expl = explain::unbounded(e);
        expl.lines.push(format!(
            "  one bundle of the target assortment takes {} hours of {:?}{}",
            fmt(vd),
            labour.name,
            if vd0 > 0.0 {
                format!(", and the committed needs {} hours", fmt(vd0))
            } else {
                String::new()
            }
        ));
        plan.explanation = Some(expl);
        return Ok(finish(plan, rounds, switches, solves));
    }
    if big_h < vd0 * (1.0 - 1e-12) {
        let mut plan = Plan::without_answer(e, LpStatus::Infeasible, method());
        let s = Shortfall {
            kind: ShortfallKind::Labour,
            index: 0,
            name: labour.name.clone(),
            unit: "hours".into(),
            available: big_h,
            needed: vd0,
        };
        plan.explanation = Some(Explanation {
            kind: ExplanationKind::Shortfall,
            lines: vec![
                format!(
                    "the committed needs cannot be met: they take {} hours of {:?} with the least labour-intensive techniques",
                    fmt(vd0),
                    labour.name
                ),
                format!("  {s}"),
            ],
            shortfalls: vec![s],
            cannot_make: Vec::new(),
        });
        return Ok(finish(plan, rounds, switches, solves));
    }
    let lambda = ((big_h - vd0) / vd).max(0.0);
    let rhs: Vec<f64> = d.iter().zip(&d0).map(|(d, d0)| lambda * d + d0).collect();
    let xs = solver.solve_output(&rhs)?;
    solves.push(xs.report.clone());
    let mut x = vec![0.0; m];
    for i in 0..n {
        x[choice[i]] = xs.x[i] / out[choice[i]];
    }
    let w = 1.0 / vd;
    let p: Vec<f64> = v.iter().map(|vi| vi * w).collect();
    let labour_valuation = vec![w];
    let resource_valuation = vec![0.0; e.resources().len()];
    let k = KantorovichLp::build(e)?;
    let cert = certify(
        &k.lp,
        &k.primal(&x, lambda),
        &k.dual(&p, &labour_valuation, &resource_valuation),
    );
    let mut plan = Plan::from_parts(
        e,
        PlanParts {
            intensity: x,
            lambda,
            product_valuation: p,
            labour_valuation,
            resource_valuation,
            tolerance: settings.tolerance,
        },
    );
    plan.status = if xs.report.status.is_converged() && cert.passes(settings.tolerance) {
        LpStatus::Optimal
    } else {
        LpStatus::NumericalTrouble
    };
    plan.certificate = cert;
    Ok(finish(plan, rounds, switches, solves))
}

fn method() -> String {
    "policy iteration".into()
}

fn fmt(v: f64) -> String {
    format!("{}", (v * 1e4).round() / 1e4)
}

/// The Leontief system of a technique choice: `A` (column `i` = inputs per unit of product
/// `i` by its chosen technique) and `l` (hours per unit).
fn system(
    e: &PlanningEconomy,
    choice: &[usize],
    product_of: &[usize],
    out: &[f64],
    hours: &[f64],
    settings: &SolverSettings,
) -> Result<(LeontiefSolver<'static>, Vec<f64>), SolveError> {
    let n = choice.len();
    let mut triplets = Vec::new();
    let mut l = vec![0.0; n];
    for (i, &j) in choice.iter().enumerate() {
        debug_assert_eq!(product_of[j], i);
        l[i] = hours[j] / out[j];
        for (k, a) in e.process(j).inputs() {
            triplets.push((k as u32, i as u32, a / out[j]));
        }
    }
    let a = CsrMatrix::try_from_triplets(n, n, triplets)
        .and_then(TechnicalCoefficients::sparse)
        .map_err(|err| SolveError::Unsupported(format!("technique choice: {err}")))?;
    Ok((LeontiefSolver::from_owned(a, settings.clone())?, l))
}
