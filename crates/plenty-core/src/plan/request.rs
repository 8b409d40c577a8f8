//! The one way to plan: [`solve_plan`] takes a [`PlanningEconomy`] and a [`PlanRequest`] and
//! returns a [`PlanReport`]. The command line (`plenty plan`) and the participatory service
//! both call it, so they choose the method, fall back, explain and name what binds the same way,
//! and give the same bits for the same economy and request.
//!
//! ## The strategy ([`PlanMethod::Auto`])
//!
//! * **Harmony** is a sequence of LPs: the LP solver.
//! * **λ with a warm start** goes to the LP solver, which starts from the earlier plan.
//! * **λ** by policy iteration when the non-substitution theorem applies (one labour type, no
//!   limited resource, no capacities, single-output processes): one Leontief solve per round,
//!   exact to the solves. If policy iteration does not finish (numerical trouble or its round
//!   limit), the LP solver takes over.
//! * **λ** by the LP solver otherwise.
//!
//! The LP solver is chosen by [`crate::lp::choose`]: plenty's interior-point method
//! ([`crate::lp::ipm`]) where its factorisation fits, PDLP ([`crate::lp::pdlp`]: restarted PDHG
//! with a crossover to the exact vertex where the basis is small enough) above that or with a
//! warm start, each falling back to the other when it does not finish. Each method can also be
//! asked for by name, or an external [`LpBackend`] given (HiGHS, through `plenty-highs`). The
//! report's `strategy` names every method that ran and why.

use super::economy::PlanningEconomy;
use super::harmony::{solve_harmony, solve_harmony_warm, HarmonyPlan, HarmonySettings};
use super::kantorovich::{solve_lambda, solve_lambda_warm, KantorovichLp, Plan, PlanStart};
use super::policy::{non_substitution_applies, solve_policy, PolicyPlan, PolicySettings};
use crate::error::SolveError;
use crate::lp::choose::{choose, solve_auto, ChoiceSettings, LpMethod};
use crate::lp::ipm::Ipm;
use crate::lp::pdlp::{Observer, Pdlp, PdlpSettings};
use crate::lp::{LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fmt;

/// What the plan maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// Kantorovich's `λ`: whole bundles of the target assortment on top of the committed needs.
    #[default]
    Lambda,
    /// Cockshott's harmony: `Σ w_i H(net_i / target_i)`, shortfalls hurting more than surpluses
    /// help.
    Harmony,
}

/// How the plan is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanMethod {
    /// The strategy of the module documentation.
    #[default]
    Auto,
    /// Policy iteration only: an error when the non-substitution theorem does not apply.
    Policy,
    /// The LP solver only.
    Lp,
}

/// Which LP solver [`solve_plan`] uses when it needs one.
#[derive(Clone, Copy, Default)]
pub enum LpSolver<'a> {
    /// The interior-point method where its factorisation fits, PDLP otherwise, and the other
    /// one when the first does not finish ([`crate::lp::choose`]); PDLP when a warm start is
    /// given (the interior-point method takes none).
    #[default]
    Auto,
    /// plenty's PDLP, with a crossover to the exact vertex where the basis is small enough.
    Pdlp,
    /// plenty's interior-point method.
    InteriorPoint,
    /// Another backend (HiGHS). It takes no warm start.
    External(&'a dyn LpBackend),
}

impl fmt::Debug for LpSolver<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LpSolver::Auto => f.write_str("Auto"),
            LpSolver::Pdlp => f.write_str("Pdlp"),
            LpSolver::InteriorPoint => f.write_str("InteriorPoint"),
            LpSolver::External(_) => f.write_str("External"),
        }
    }
}

/// Everything [`solve_plan`] needs besides the economy.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest<'a> {
    /// What to maximise. Default λ.
    pub objective: Objective,
    /// How. Default [`PlanMethod::Auto`].
    pub method: PlanMethod,
    /// Tolerance (of every certificate: LP, policy iteration, harmony's gap), iteration and
    /// time limits of the LP solver. Default [`LpSettings::default`].
    pub limits: LpSettings,
    /// The largest basis the native solver's crossover factors. Default: that of
    /// [`PdlpSettings::default`].
    pub crossover_limit: Option<usize>,
    /// The LP solver. Default: the native one.
    pub lp_solver: LpSolver<'a>,
    /// An earlier plan to start from (λ with the native LP solver only).
    pub start: Option<PlanStart>,
    /// Watches the native LP solver's progress; changes no bit of the answer.
    pub observer: Observer,
}

/// The answer, whichever way it was made.
#[derive(Debug, Clone)]
pub enum PlanSolution {
    /// Kantorovich's λ by an LP solver.
    Lambda(Plan),
    /// Kantorovich's λ by policy iteration (with its techniques and labour values).
    Policy(PolicyPlan),
    /// Harmony.
    Harmony(HarmonyPlan),
}

/// One step of the strategy: what was tried, why, and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrategyStep {
    /// The method: `"policy iteration"`, `"interior point"`, `"PDLP"`, `"PDLP from a warm
    /// start"`, `"harmony"`, `"external LP solver"`.
    pub method: String,
    /// Why it ran.
    #[serde(default)]
    pub reason: String,
    /// Its outcome.
    pub status: LpStatus,
}

/// What [`solve_plan`] found.
#[derive(Debug, Clone)]
pub struct PlanReport {
    /// The plan.
    pub solution: PlanSolution,
    /// The steps taken, in order (the last one made the plan).
    pub strategy: Vec<StrategyStep>,
    /// What binds the plan, in the economy's words (empty unless the plan is optimal).
    pub binding: Vec<String>,
}

impl PlanReport {
    /// The plan common to every method.
    pub fn plan(&self) -> &Plan {
        match &self.solution {
            PlanSolution::Lambda(p) => p,
            PlanSolution::Policy(p) => &p.plan,
            PlanSolution::Harmony(h) => &h.plan,
        }
    }

    /// Whether the plan is optimal (its certificate passed).
    pub fn is_optimal(&self) -> bool {
        self.plan().status == LpStatus::Optimal
    }

    /// Why there is no optimal plan, in words, with the explanation and the notes; `None` for
    /// an optimal plan.
    pub fn no_plan_reason(&self) -> Option<String> {
        let plan = self.plan();
        if plan.status == LpStatus::Optimal {
            return None;
        }
        let mut msg = format!("no optimal plan: {}", plan.status);
        if let Some(ex) = &plan.explanation {
            msg.push('\n');
            msg.push_str(&ex.to_string());
        } else if matches!(
            plan.status,
            LpStatus::IterationLimit | LpStatus::TimeLimit | LpStatus::NumericalTrouble
        ) {
            msg.push_str(&format!(
                " after {} iterations (certificate: primal residual {:.2e}, dual residual {:.2e}, gap {:.2e}); raise the iteration or time limit, or loosen the tolerance",
                plan.iterations,
                plan.certificate.primal_residual,
                plan.certificate.dual_residual,
                plan.certificate.relative_gap
            ));
        }
        for n in &plan.notes {
            msg.push_str(&format!("\nnote: {n}"));
        }
        Some(msg)
    }
}

/// Solves the plan the request asks for. `Err` only when the request cannot be carried out
/// (bad settings, a method that does not apply); an infeasible or unfinished plan is a status in
/// the report.
pub fn solve_plan(
    e: &PlanningEconomy,
    request: &PlanRequest<'_>,
) -> Result<PlanReport, SolveError> {
    request.limits.validate()?;
    let mut pdlp_settings = PdlpSettings {
        lp: request.limits.clone(),
        ..Default::default()
    };
    if let Some(limit) = request.crossover_limit {
        pdlp_settings.crossover_limit = limit;
    }
    let pdlp = Pdlp::new(pdlp_settings).with_observer(request.observer.clone());
    let lp = Recorder {
        solver: request.lp_solver,
        pdlp: &pdlp,
        steps: RefCell::new(Vec::new()),
    };
    let applies = non_substitution_applies(e);
    let solution = match (request.objective, request.method, &request.start) {
        (_, _, Some(_))
            if request.objective != Objective::Lambda
                || request.method == PlanMethod::Policy
                || matches!(
                    request.lp_solver,
                    LpSolver::External(_) | LpSolver::InteriorPoint
                ) =>
        {
            return Err(SolveError::Settings(
                "a warm start starts PDLP: use it with the λ objective, the auto or PDLP solver, and the auto or lp method".into(),
            ));
        }
        (_, _, Some(start)) => {
            // A start helps PDLP only; where the interior-point method is chosen, it is faster
            // from its own start (a dozen or two factorisations) and the start is set aside.
            let pdlp_chosen = matches!(request.lp_solver, LpSolver::Pdlp)
                || choose(&KantorovichLp::build(e)?.lp, &ChoiceSettings::default()).method
                    == LpMethod::Pdlp;
            if pdlp_chosen {
                let p = solve_lambda_warm(e, &pdlp, &request.limits, start)?;
                lp.record(
                    "PDLP from a warm start",
                    "an earlier plan is given to start from, and PDLP is the method for this size",
                    p.status,
                );
                PlanSolution::Lambda(p)
            } else {
                let p = solve_lambda(e, &lp, &request.limits)?;
                lp.record(
                    "warm start set aside",
                    "the interior-point method is chosen for this size, and it takes no start",
                    p.status,
                );
                PlanSolution::Lambda(p)
            }
        }
        (Objective::Harmony, PlanMethod::Policy, None) => {
            return Err(SolveError::Settings(
                "the harmony objective needs an LP solver; use the auto or lp method".into(),
            ));
        }
        (Objective::Harmony, _, None) => {
            let settings = HarmonySettings {
                lp: request.limits.clone(),
                gap_tolerance: request.limits.tolerance,
                ..Default::default()
            };
            let h = match request.lp_solver {
                // PDLP starts each of harmony's LPs from the last one's answer.
                LpSolver::Pdlp => solve_harmony_warm(e, &pdlp, &settings)?,
                _ => solve_harmony(e, &lp, &settings)?,
            };
            lp.record(
                "harmony",
                "the harmony objective: a sequence of LPs",
                h.plan.status,
            );
            PlanSolution::Harmony(h)
        }
        (Objective::Lambda, PlanMethod::Policy, None) => {
            if let Err(why) = &applies {
                return Err(SolveError::Settings(format!(
                    "policy iteration: {why}; use the LP solver"
                )));
            }
            let p = solve_policy(e, &policy_settings(request))?;
            lp.record("policy iteration", "requested", p.plan.status);
            PlanSolution::Policy(p)
        }
        (Objective::Lambda, PlanMethod::Auto, None) if applies.is_ok() => {
            let p = solve_policy(e, &policy_settings(request))?;
            lp.record(
                "policy iteration",
                "labour is the only scarce input and every technique makes one product: the non-substitution theorem applies",
                p.plan.status,
            );
            if matches!(
                p.plan.status,
                LpStatus::NumericalTrouble | LpStatus::IterationLimit
            ) {
                PlanSolution::Lambda(solve_lambda(e, &lp, &request.limits)?)
            } else {
                PlanSolution::Policy(p)
            }
        }
        (Objective::Lambda, _, None) => {
            PlanSolution::Lambda(solve_lambda(e, &lp, &request.limits)?)
        }
    };
    let mut report = PlanReport {
        solution,
        strategy: lp.steps.into_inner(),
        binding: Vec::new(),
    };
    report.binding = binding(e, report.plan());
    Ok(report)
}

/// The LP solver of a request, recording every method it runs and why.
struct Recorder<'a> {
    solver: LpSolver<'a>,
    pdlp: &'a Pdlp,
    steps: RefCell<Vec<StrategyStep>>,
}

impl Recorder<'_> {
    /// Records a step; a repeat of the last one (harmony's LPs) only updates its outcome.
    fn record(&self, method: &str, reason: &str, status: LpStatus) {
        let mut steps = self.steps.borrow_mut();
        if let Some(last) = steps.last_mut() {
            if last.method == method && last.reason == reason {
                last.status = status;
                return;
            }
        }
        steps.push(StrategyStep {
            method: method.into(),
            reason: reason.into(),
            status,
        });
    }
}

impl LpBackend for Recorder<'_> {
    fn solve(&self, lp: &LinearProgram, settings: &LpSettings) -> Result<LpSolution, SolveError> {
        match self.solver {
            LpSolver::Auto => {
                let (sol, attempts) =
                    solve_auto(lp, settings, self.pdlp, &ChoiceSettings::default())?;
                for a in attempts {
                    self.record(&a.method.to_string(), &a.reason, a.status);
                }
                Ok(sol)
            }
            LpSolver::Pdlp => {
                let sol = self.pdlp.solve(lp, settings)?;
                self.record("PDLP", "requested", sol.status);
                Ok(sol)
            }
            LpSolver::InteriorPoint => {
                let sol = Ipm::default().solve(lp, settings)?;
                self.record("interior point", "requested", sol.status);
                Ok(sol)
            }
            LpSolver::External(b) => {
                let sol = b.solve(lp, settings)?;
                self.record("external LP solver", "requested", sol.status);
                Ok(sol)
            }
        }
    }
}

fn policy_settings(request: &PlanRequest<'_>) -> PolicySettings {
    PolicySettings {
        tolerance: request.limits.tolerance,
        ..Default::default()
    }
}

/// What binds an optimal plan, in the economy's words: every labour type whose hours are all
/// used, every resource at its limit, every process at its capacity. Empty for a plan that is
/// not optimal (its valuations mean nothing yet).
pub fn binding(e: &PlanningEconomy, p: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    if p.status != LpStatus::Optimal {
        return out;
    }
    for (h, l) in e.labour_types().iter().enumerate() {
        if p.labour_binds.get(h).copied().unwrap_or(false) {
            out.push(format!(
                "all {} hours of {} labour",
                amount(l.hours),
                l.name
            ));
        }
    }
    for (q, r) in e.resources().iter().enumerate() {
        if p.resource_binds.get(q).copied().unwrap_or(false) {
            out.push(format!(
                "the {} limit of {} {}",
                r.name,
                amount(r.limit),
                r.unit.as_deref().unwrap_or("")
            ));
        }
    }
    for pr in e.processes() {
        if p.at_capacity.get(pr.index()).copied().unwrap_or(false) {
            out.push(format!(
                "the capacity of {} ({})",
                pr.name(),
                amount(pr.capacity())
            ));
        }
    }
    out
}

/// A limit as people write it: whole numbers without decimals, others with four.
fn amount(x: f64) -> String {
    if x == x.round() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}
