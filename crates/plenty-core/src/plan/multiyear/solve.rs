//! Solving a multi-year plan: the method the core chooses, the two stages of `min λ`, the
//! rounds of harmony, and infeasible paths explained.

use super::economy::MultiYearEconomy;
use super::model::{default_breaks, extend, multi_year_lp_shaped, MultiYearLp, YearsObjective};
use super::report::{read_plan, MultiYearPlan};
use crate::error::{ModelError, SolveError};
use crate::lp::choose::{solve_auto, solve_auto_from, ChoiceSettings, LpAttempt};
use crate::lp::pdlp::Pdlp;
use crate::lp::{Certificate, LinearProgram, LpSettings, LpSolution, LpStatus};
use crate::plan::harmony::{harmony, harmony_gradient};
use serde::{Deserialize, Serialize};

/// A solved multi-year plan: the plan, how it was solved and its certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiYearReport {
    /// The LP's status. The plan is an optimum only when this is optimal.
    pub status: LpStatus,
    /// The plan read from the solution.
    pub plan: MultiYearPlan,
    /// The methods tried, why, and their outcomes.
    pub attempts: Vec<LpAttempt>,
    /// The certificate of the solution (primal and dual residuals, gap).
    pub certificate: Certificate,
    /// Iterations of the methods that answered, summed over the LPs solved.
    pub iterations: usize,
    /// What was maximised, and its optimal value.
    pub objective: YearsObjective,
    /// The objective's value (`Σ λ_t`, `min λ_t`, the discounted sum, or the plan's harmony).
    pub objective_value: f64,
    /// For a harmony plan: its bounds.
    pub harmony: Option<HarmonyBounds>,
    /// For an infeasible plan: what falls short, year by year.
    pub shortfalls: Vec<YearShortfall>,
}

/// How close a harmony plan is to the greatest harmony.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HarmonyBounds {
    /// The plan's harmony `Σ_t Σ_j H(s_jt)` (a lower bound on the optimum).
    pub harmony: f64,
    /// No plan has more harmony than this: the optimum of the last envelope LP (every tangent
    /// lies above `H`).
    pub upper_bound: f64,
    /// `(upper_bound − harmony) / (1 + |harmony|)`.
    pub gap: f64,
    /// LPs solved.
    pub rounds: usize,
    /// Tangent points of the last envelope.
    pub tangents: usize,
}

/// Where the capital, labour or a resource falls short of an infeasible plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearShortfall {
    /// The year (0-based), or `None` for the capital left after the plan.
    pub year: Option<usize>,
    /// What falls short, in the economy's words.
    pub what: String,
    /// By how much (hours, units of the resource or of the capital good).
    pub short_by: f64,
    /// How much there is.
    pub available: f64,
}

impl std::fmt::Display for YearShortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.year {
            Some(t) => write!(
                f,
                "year {}: {} short by {:.6}",
                t + 1,
                self.what,
                self.short_by
            )?,
            None => write!(
                f,
                "after the plan: {} short by {:.6}",
                self.what, self.short_by
            )?,
        }
        if self.available > 0.0 {
            write!(
                f,
                " ({:.1} % more than the {:.6} there is)",
                100.0 * self.short_by / self.available,
                self.available
            )?;
        }
        Ok(())
    }
}

/// Why a multi-year plan could not be computed at all (an infeasible plan is a status, not
/// an error).
#[derive(Debug, thiserror::Error)]
pub enum MultiYearError {
    /// The economy is invalid.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The solver refused its settings or the LP.
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Relative gap at which the rounds of a harmony plan stop.
const HARMONY_GAP: f64 = 1e-6;
/// Most envelope LPs of a harmony plan.
const HARMONY_ROUNDS: usize = 20;

fn solve_lp(
    lp: &LinearProgram,
    limits: &LpSettings,
) -> Result<(LpSolution, Vec<LpAttempt>), SolveError> {
    solve_auto(lp, limits, &Pdlp::default(), &ChoiceSettings::default())
}

/// A solved multi-year plan with the LP it came from and the LP's solution (from which a
/// re-plan starts).
#[derive(Debug, Clone)]
pub struct SolvedYears {
    /// The LP that answered (for `min λ`, the second stage's).
    pub lp: MultiYearLp,
    /// Its solution.
    pub solution: LpSolution,
    /// The plan and how it was found.
    pub report: MultiYearReport,
}

/// Builds and solves the plan of `economy` under `objective` with the method the core
/// chooses for its LP ([`solve_auto`]). An infeasible plan comes back with its shortfalls.
pub fn solve_multi_year(
    economy: &MultiYearEconomy,
    objective: YearsObjective,
    limits: &LpSettings,
) -> Result<SolvedYears, MultiYearError> {
    solve_multi_year_from(economy, objective, limits, None)
}

/// [`solve_multi_year`] from a start for PDLP (see [`solve_auto_from`]); a re-plan starts from
/// the plan before it ([`super::shifted_start`]).
pub fn solve_multi_year_from(
    economy: &MultiYearEconomy,
    objective: YearsObjective,
    limits: &LpSettings,
    start: Option<(&[f64], &[f64])>,
) -> Result<SolvedYears, MultiYearError> {
    if objective == YearsObjective::Harmony {
        return solve_harmony_years(economy, limits);
    }
    let mut mlp = multi_year_lp_shaped(economy, objective, &[])?;
    let (mut sol, mut attempts) = solve_auto_from(
        &mlp.lp,
        limits,
        &Pdlp::default(),
        &ChoiceSettings::default(),
        start,
    )?;
    let objective_value = sol.objective;
    let mut iterations = sol.info.iterations;
    if objective == YearsObjective::MinLambda && sol.status == LpStatus::Optimal {
        // The smallest λ alone leaves the other years wherever the solver stops. A second LP
        // keeps every year at that level (less the tolerance) and maximises Σλ on top.
        let mu = mlp.lp.ncols() - 1;
        let mut second = mlp.clone();
        second.lp.col_lower[mu] =
            objective_value - limits.tolerance * (1.0 + objective_value.abs());
        second.lp.c[mu] = 0.0;
        for t in 0..economy.years() {
            second.lp.c[second.layout.lambda(t)] = 1.0;
        }
        let (then, more) = solve_lp(&second.lp, limits)?;
        attempts.extend(more);
        iterations += then.info.iterations;
        if then.status == LpStatus::Optimal {
            sol = then;
            mlp = second;
        }
    }
    let shortfalls = if matches!(
        sol.status,
        LpStatus::Infeasible | LpStatus::InfeasibleOrUnbounded
    ) {
        explain_years(economy, &mlp, limits)?
    } else {
        Vec::new()
    };
    let report = MultiYearReport {
        status: sol.status,
        plan: read_plan(economy, &mlp, &sol),
        attempts,
        certificate: sol.info.certificate,
        iterations,
        objective,
        objective_value,
        harmony: None,
        shortfalls,
    };
    Ok(SolvedYears {
        lp: mlp,
        solution: sol,
        report,
    })
}

/// `Σ_t Σ_j H(z_jt / d_jt − 1)` of a plan, with `z` the consumption above the committed needs,
/// and each targeted deviation `s_jt` with its index `t · n + j`.
fn plan_harmony(e: &MultiYearEconomy, plan: &MultiYearPlan) -> (f64, Vec<(usize, f64)>) {
    let mut total = 0.0;
    let mut deviations = Vec::new();
    for (t, year) in plan.years.iter().enumerate() {
        for j in 0..e.n() {
            let d = e.targets[t][j];
            if d > 0.0 {
                let s = (year.consumption[j] - e.committed_of(j)) / d - 1.0;
                total += harmony(s);
                deviations.push((t * e.n() + j, s));
            }
        }
    }
    (total, deviations)
}

/// The envelope of `H`'s tangents at `breaks`, at `s`.
fn envelope(breaks: &[f64], s: f64) -> f64 {
    breaks
        .iter()
        .map(|&p| harmony(p) + harmony_gradient(p) * (s - p))
        .fold(f64::INFINITY, f64::min)
}

/// Harmony by Kelley's cutting planes: each round solves the envelope LP (its optimum bounds
/// the greatest harmony from above, the plan's true harmony from below) and adds, for every
/// good and year where the envelope overestimates `H`, the tangent at the plan's deviation,
/// until the gap closes.
fn solve_harmony_years(
    e: &MultiYearEconomy,
    limits: &LpSettings,
) -> Result<SolvedYears, MultiYearError> {
    let mut breaks = vec![default_breaks(); e.years() * e.n()];
    let mut attempts = Vec::new();
    let mut iterations = 0;
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mlp = multi_year_lp_shaped(e, YearsObjective::Harmony, &breaks)?;
        let (sol, more) = solve_lp(&mlp.lp, limits)?;
        attempts.extend(more);
        iterations += sol.info.iterations;
        let plan = read_plan(e, &mlp, &sol);
        let (value, deviations) = plan_harmony(e, &plan);
        let upper = sol.objective;
        let gap = (upper - value) / (1.0 + value.abs());
        let mut added = 0;
        for &(k, s) in &deviations {
            let points = &mut breaks[k];
            let over = envelope(points, s) - harmony(s);
            if over > 1e-12 && s > -1.0 && points.iter().all(|p| (p - s).abs() > 1e-9) {
                points.push(s);
                points.sort_by(f64::total_cmp);
                added += 1;
            }
        }
        let done = sol.status != LpStatus::Optimal
            || gap <= HARMONY_GAP
            || added == 0
            || rounds == HARMONY_ROUNDS;
        if done {
            let bounds = (sol.status == LpStatus::Optimal).then(|| HarmonyBounds {
                harmony: value,
                upper_bound: upper,
                gap,
                rounds,
                tangents: deviations
                    .iter()
                    .map(|(k, _)| breaks[*k].len())
                    .sum::<usize>()
                    - added,
            });
            let report = MultiYearReport {
                status: sol.status,
                plan,
                attempts,
                certificate: sol.info.certificate,
                iterations,
                objective: YearsObjective::Harmony,
                objective_value: value,
                harmony: bounds,
                shortfalls: Vec::new(),
            };
            return Ok(SolvedYears {
                lp: mlp,
                solution: sol,
                report,
            });
        }
    }
}

/// The least over-use of labour, resources and capital (each relative to what there is) that
/// would make an infeasible plan feasible: an elastic copy of the plan's LP, with a column
/// `e ≥ 0` subtracted from every labour, resource, capacity and terminal row, minimising
/// `Σ e / available` (a zero availability weighs `10⁶` per unit). Every `e > 0` is a shortfall.
fn explain_years(
    e: &MultiYearEconomy,
    mlp: &MultiYearLp,
    limits: &LpSettings,
) -> Result<Vec<YearShortfall>, MultiYearError> {
    let l = &mlp.layout;
    // (row, year, what, what there is (NaN for a stock the plan chooses), scale of the row)
    let mut rows: Vec<(usize, Option<usize>, String, f64, f64)> = Vec::new();
    for t in 0..l.years {
        let hours = e.labour_available[t];
        rows.push((
            l.labour_row(t),
            Some(t),
            "labour (hours)".into(),
            hours,
            hours,
        ));
        for (q, name) in e.resources.iter().enumerate() {
            if let Some(r) = l.resource_row(t, q) {
                let limit = e.resource_limit(t, q).unwrap_or(0.0);
                rows.push((r, Some(t), name.clone(), limit, limit));
            }
        }
        for (c, cell) in e.cells.iter().enumerate() {
            let what = format!(
                "{}'s stock of {}",
                e.processes[cell.process].name, e.goods[cell.good]
            );
            rows.push((
                l.capacity_row(t, c),
                Some(t),
                what,
                f64::NAN,
                cell.initial_stock,
            ));
        }
    }
    for (c, cell) in e.cells.iter().enumerate() {
        if let Some(r) = l.terminal_row(c) {
            let what = format!(
                "{}'s stock of {} (the terminal condition)",
                e.processes[cell.process].name, e.goods[cell.good]
            );
            rows.push((r, None, what, f64::NAN, cell.initial_stock));
        }
    }
    let ncols = mlp.lp.ncols();
    let (elastic, ()) = extend(mlp.clone(), |b, _| {
        b.c.iter_mut().for_each(|c| *c = 0.0);
        for (k, (row, _, what, _, scale)) in rows.iter().enumerate() {
            let col = b.col(format!("short_{k}_{what}"), 0.0, f64::INFINITY);
            b.c[col] = if *scale > 0.0 { -1.0 / scale } else { -1e6 };
            b.put(col, *row, -1.0);
        }
    })?;
    let (sol, _) = solve_lp(&elastic.lp, limits)?;
    if sol.status != LpStatus::Optimal {
        return Ok(vec![YearShortfall {
            year: None,
            what: "the committed needs and least fulfilment, with any amount of labour, resources and capital: some targeted good cannot be made at all".into(),
            short_by: f64::INFINITY,
            available: 0.0,
        }]);
    }
    // Amounts within the solver's accuracy of zero are not shortfalls.
    let tol = limits.tolerance.max(1e-7);
    Ok(rows
        .into_iter()
        .enumerate()
        .filter_map(|(k, (_, year, what, available, scale))| {
            let short_by = sol.x[ncols + k];
            (short_by > tol * (1.0 + scale)).then_some(YearShortfall {
                year,
                what,
                short_by,
                available,
            })
        })
        .collect())
}
