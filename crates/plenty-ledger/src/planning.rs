//! The plan of a round: what it is computed from ([`PlanInputs`]), how ([`compute_plan`]), and
//! what members see of it ([`PlanOutcome`]).
//!
//! The hours of the plan period are split by the vote: a share `c` for consumption goods (the
//! plan proper), `i` for common projects (the budget of the project vote) and `f` for common
//! funds (care for those who cannot work, reserves). The plan maximises Kantorovich's `λ`
//! with each labour type's hours scaled by `c`, resources reduced by what the funded projects
//! use, and targets equal to the economy's baseline targets plus the needs members registered.
//! The working week the plan needs is
//!
//! ```text
//!   week = (hours the plan uses + hours of funded projects + common-fund hours) / (members · weeks)
//! ```
//!
//! The computation is deterministic: no time limits, a fixed iteration budget, and solvers whose
//! results do not depend on the thread count; [`compute_plan`] on the same inputs gives the same
//! bits, which is what `plenty audit verify` checks.
//!
//! **Warm starts.** From one round to the next a few needs change, so the last round's optimal
//! plan is a good start for this round's solve (see `plenty_core::plan::solve_lambda_warm`).
//! The start is an input like any other: [`PlanInputs::warm_start`] names the round whose
//! recorded plan it is and that plan's hash, and the verifier starts from the same recorded plan,
//! so the bits still follow from the log. A start changes the path of the solve, never what
//! counts as an answer: the plan must pass the same certificate.

use crate::chain::{canonical_json, sha256_hex};
use plenty_core::lp::{LpSettings, LpStatus};
use plenty_core::plan::multiyear::{solve_multi_year, MultiYearEconomy, YearsObjective};
use plenty_core::plan::{
    solve_plan, LpSolver, PlanReport, PlanRequest, PlanStart, PlanningEconomy,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Everything a plan is computed from, recorded in the log beside the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInputs {
    /// SHA-256 of the planning file (an `economy_imported` entry holds its text).
    pub economy_sha256: String,
    /// Target per product: the file's baseline plus registered needs.
    pub targets: BTreeMap<String, f64>,
    /// Hours per labour type given to the plan: the file's hours times the consumption share.
    pub labour_hours: BTreeMap<String, f64>,
    /// Resource limits left for the plan after the funded projects.
    pub resource_limits: BTreeMap<String, f64>,
    /// The split of hours: consumption, investment, common funds.
    pub split: crate::event::HoursSplit,
    /// Funded projects.
    pub projects: Vec<u64>,
    /// Hours of the funded projects.
    pub project_hours: f64,
    /// Hours set aside as common funds.
    pub common_fund_hours: f64,
    /// Members who share the work.
    pub members: u64,
    /// Weeks in the plan period.
    pub weeks_per_period: f64,
    /// Relative accuracy of the solve.
    pub tolerance: f64,
    /// The plenty version that computed it.
    pub code_version: String,
    /// The earlier plan the solve started from, if any. Absent in logs written before warm
    /// starts (the field is then left out of the canonical JSON, so their hashes still hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_start: Option<WarmStartRef>,
    /// How the LP is solved when a plan needs one. Absent in logs written by 0.1.0, whose
    /// plans PDLP solved: `verify` recomputes those with PDLP, so their bits still hold. New
    /// plans record [`RecordedLpSolver::Auto`], the core's own choice (deterministic: it
    /// depends on the LP alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lp_solver: Option<RecordedLpSolver>,
}

/// The LP solver a plan's inputs name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordedLpSolver {
    /// The interior-point method where its factor fits, PDLP otherwise (and with a warm start).
    Auto,
    /// PDLP.
    Pdlp,
}

/// The recorded plan a solve starts from: the latest earlier round whose plan is optimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarmStartRef {
    /// The round whose plan it is.
    pub round: u64,
    /// SHA-256 of that plan (the `result_sha256` of its `plan_recorded` entry).
    pub result_sha256: String,
}

/// One product in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductLine {
    /// Product name.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// Target (needs and baseline).
    pub target: f64,
    /// Committed need, met before anything else.
    pub committed: f64,
    /// Net output of the plan.
    pub net_output: f64,
    /// Gross output.
    pub gross_output: f64,
    /// Whether the net output covers committed need plus the whole target.
    pub met_in_full: bool,
    /// Valuation: what one more unit would be worth (in units of `λ`).
    pub valuation: f64,
}

/// One process (what a workplace is asked to do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessLine {
    /// Process name.
    pub name: String,
    /// Intensity: runs of the process.
    pub intensity: f64,
    /// Its capacity, if limited.
    pub capacity: Option<f64>,
    /// Whether it runs at capacity.
    pub at_capacity: bool,
    /// Hours per labour type.
    pub hours: BTreeMap<String, f64>,
    /// What it makes: product and quantity.
    pub makes: BTreeMap<String, f64>,
}

/// A plan's status as the log records it: the words of [`LpStatus`]'s `Display` (`"optimal"`,
/// `"infeasible"`, `"iteration limit reached"`, …), the form logs have always had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStatus(pub LpStatus);

impl PlanStatus {
    const ALL: [LpStatus; 7] = [
        LpStatus::Optimal,
        LpStatus::Infeasible,
        LpStatus::Unbounded,
        LpStatus::InfeasibleOrUnbounded,
        LpStatus::IterationLimit,
        LpStatus::TimeLimit,
        LpStatus::NumericalTrouble,
    ];

    /// Whether the plan is optimal.
    pub fn is_optimal(self) -> bool {
        self.0 == LpStatus::Optimal
    }
}

impl std::fmt::Display for PlanStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Compares with the words the log holds (`status == "optimal"`).
impl PartialEq<&str> for PlanStatus {
    fn eq(&self, other: &&str) -> bool {
        self.0.to_string() == *other
    }
}

impl Serialize for PlanStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PlanStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::ALL
            .into_iter()
            .find(|st| st.to_string() == text)
            .map(PlanStatus)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown plan status {text:?}")))
    }
}

/// What a [`LimitLine`] limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitKind {
    /// Hours of a labour type.
    Labour,
    /// A resource.
    Resource,
}

/// One limit (a labour type or a resource).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitLine {
    /// Its name.
    pub name: String,
    /// A labour type or a resource (`"labour"` or `"resource"` in the log).
    pub kind: LimitKind,
    /// Available to the plan (`None`: unlimited).
    pub available: Option<f64>,
    /// Used by the plan.
    pub used: f64,
    /// Whether it binds.
    pub binds: bool,
    /// Valuation of one more unit.
    pub valuation: f64,
}

/// The plan as members see it. Holds no timings, so that recomputing it gives the same bits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanOutcome {
    /// `optimal`, `infeasible`, … (the words of `LpStatus`'s `Display`).
    pub status: PlanStatus,
    /// The method that solved it.
    pub method: String,
    /// Plan fulfilment: bundles of the target assortment produced on top of committed needs.
    pub lambda: f64,
    /// Products.
    pub products: Vec<ProductLine>,
    /// Processes.
    pub processes: Vec<ProcessLine>,
    /// Labour types and resources.
    pub limits: Vec<LimitLine>,
    /// Hours the plan uses.
    pub plan_hours: f64,
    /// Hours of funded projects.
    pub project_hours: f64,
    /// Hours of common funds.
    pub common_fund_hours: f64,
    /// The working week the plan needs, hours per member per week.
    pub working_week: f64,
    /// What binds, in words.
    pub binding: Vec<String>,
    /// Why there is no plan, when there is none.
    pub explanation: Option<String>,
    /// The certificate's measures.
    pub certificate: CertificateMeasures,
    /// Iterations of the solver.
    pub iterations: usize,
}

/// What a plan means for the members, decided once here for every page and answer (issue #15:
/// a plan with λ = 0 came out "optimal" and "Nothing binds", and was shown as a success).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum PlanVerdict {
    /// Every need is met in full: the committed needs, and the targets `lambda` times over
    /// (`lambda ≥ 1`).
    MeetsEveryNeed {
        /// Plan fulfilment λ.
        lambda: f64,
    },
    /// The committed needs are met, and the targets only in part: `lambda` of each (`0 < λ <
    /// 1`). What binds says why.
    MeetsPartOfTheTargets {
        /// Plan fulfilment λ.
        lambda: f64,
    },
    /// Nothing of the targets can be made on top of the committed needs (λ = 0): the needs
    /// registered are out of reach, or a quantity is wrong. Never a success.
    MeetsNoTarget,
    /// No plan: the solver found the targets infeasible or stopped without an answer.
    NoPlan,
}

/// Below this λ, a plan makes nothing of the targets in any quantity a member would notice
/// (λ is at most the solver's tolerance away from 0).
pub const LAMBDA_ZERO: f64 = 1e-6;

impl PlanOutcome {
    /// The plan's verdict for the members ([`PlanVerdict`]).
    pub fn verdict(&self) -> PlanVerdict {
        if !self.status.is_optimal() || !self.lambda.is_finite() {
            PlanVerdict::NoPlan
        } else if self.lambda <= LAMBDA_ZERO {
            PlanVerdict::MeetsNoTarget
        } else if self.lambda < 1.0 {
            PlanVerdict::MeetsPartOfTheTargets {
                lambda: self.lambda,
            }
        } else {
            PlanVerdict::MeetsEveryNeed {
                lambda: self.lambda,
            }
        }
    }

    /// Whether the plan can be presented as meeting the members' needs: optimal, with every
    /// target met in full.
    pub fn is_success(&self) -> bool {
        matches!(self.verdict(), PlanVerdict::MeetsEveryNeed { .. })
    }
}

/// A plan's certificate as the log records it: three numbers, written as the JSON array
/// `[primal_residual, dual_residual, relative_gap]` (the form logs have always had).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CertificateMeasures {
    /// Relative primal residual.
    pub primal_residual: f64,
    /// Relative dual residual.
    pub dual_residual: f64,
    /// Relative duality gap.
    pub relative_gap: f64,
}

impl Serialize for CertificateMeasures {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.primal_residual, self.dual_residual, self.relative_gap].serialize(s)
    }
}

impl<'de> Deserialize<'de> for CertificateMeasures {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let [primal_residual, dual_residual, relative_gap] = <[f64; 3]>::deserialize(d)?;
        Ok(Self {
            primal_residual,
            dual_residual,
            relative_gap,
        })
    }
}

/// Errors in the inputs of a plan (the economy does not parse, a name is unknown).
#[derive(Debug, thiserror::Error)]
pub enum PlanInputError {
    /// The planning file does not parse.
    #[error("the economy does not parse: {0}")]
    Economy(String),
    /// A name in the inputs is not in the economy.
    #[error("{0}")]
    Unknown(String),
    /// The solver refused the problem.
    #[error("the solver refused the problem: {0}")]
    Solver(String),
}

/// Parses a planning file's text.
pub fn parse_economy(text: &str) -> Result<PlanningEconomy, PlanInputError> {
    plenty_io::planning_file::parse_planning(Path::new("economy.toml"), text)
        .map(|(e, _)| e)
        .map_err(|e| PlanInputError::Economy(e.to_string()))
}

/// SHA-256 of the canonical JSON of a value.
pub fn digest<T: Serialize>(value: &T) -> String {
    sha256_hex(&canonical_json(value))
}

/// Computes the plan from its inputs and the economy they name. `start` is the recorded plan
/// that [`PlanInputs::warm_start`] names (it must be given exactly when that field is set, and
/// its hash must match); it steers the LP solve and is unused when labour is the only scarce
/// input (policy iteration needs no start).
pub fn compute_plan(
    economy: &PlanningEconomy,
    inputs: &PlanInputs,
    start: Option<&PlanOutcome>,
) -> Result<PlanOutcome, PlanInputError> {
    let start = match (&inputs.warm_start, start) {
        (None, None) => None,
        (Some(r), Some(o)) if digest(o) == r.result_sha256 => Some(o),
        (Some(r), Some(_)) => {
            return Err(PlanInputError::Unknown(format!(
                "the warm start given is not the plan of round {} with hash {}",
                r.round, r.result_sha256
            )))
        }
        (Some(r), None) => {
            return Err(PlanInputError::Unknown(format!(
                "the plan starts from the plan of round {}, which was not given",
                r.round
            )))
        }
        (None, Some(_)) => {
            return Err(PlanInputError::Unknown(
                "a warm start was given, but the plan's inputs name none".into(),
            ))
        }
    };
    let mut e = economy.clone();
    let mut d = vec![0.0; e.n_products()];
    for (name, q) in &inputs.targets {
        let i = e
            .product_index(name)
            .ok_or_else(|| PlanInputError::Unknown(format!("unknown product {name:?}")))?;
        d[i] = *q;
    }
    e.set_targets(&d)
        .map_err(|x| PlanInputError::Unknown(x.to_string()))?;
    for (name, h) in &inputs.labour_hours {
        let k = e
            .labour_index(name)
            .ok_or_else(|| PlanInputError::Unknown(format!("unknown labour type {name:?}")))?;
        e.set_labour_hours(k, *h)
            .map_err(|x| PlanInputError::Unknown(x.to_string()))?;
    }
    for (name, r) in &inputs.resource_limits {
        let k = e
            .resource_index(name)
            .ok_or_else(|| PlanInputError::Unknown(format!("unknown resource {name:?}")))?;
        e.set_resource_limit(k, *r)
            .map_err(|x| PlanInputError::Unknown(x.to_string()))?;
    }
    // The service's request: no time limit and a fixed iteration budget, so that the bits
    // follow from the log alone; everything else (method, fallbacks, what binds) is decided by
    // the core's one planning entry point, as for `plenty plan`.
    let request = PlanRequest {
        limits: LpSettings {
            tolerance: inputs.tolerance,
            max_iterations: 2_000_000,
            time_limit: None,
        },
        start: start.map(|o| start_from(&e, o)),
        lp_solver: match inputs.lp_solver {
            None | Some(RecordedLpSolver::Pdlp) => LpSolver::Pdlp,
            Some(RecordedLpSolver::Auto) => LpSolver::Auto,
        },
        ..Default::default()
    };
    let report = solve_plan(&e, &request).map_err(|x| PlanInputError::Solver(x.to_string()))?;
    Ok(outcome(&e, inputs, &report))
}

/// The solver's start from a recorded plan, matched to this economy by name: a process,
/// product, labour type or resource the recorded plan lacks starts at 0.
fn start_from(e: &PlanningEconomy, o: &PlanOutcome) -> PlanStart {
    let intensity: BTreeMap<&str, f64> = o
        .processes
        .iter()
        .map(|p| (p.name.as_str(), p.intensity))
        .collect();
    let product: BTreeMap<&str, f64> = o
        .products
        .iter()
        .map(|p| (p.name.as_str(), p.valuation))
        .collect();
    let limit = |kind: LimitKind, name: &str| {
        o.limits
            .iter()
            .find(|l| l.kind == kind && l.name == name)
            .map(|l| l.valuation)
    };
    PlanStart::by_name(
        e,
        o.lambda,
        &|n| intensity.get(n).copied(),
        &|n| product.get(n).copied(),
        &|n| limit(LimitKind::Labour, n),
        &|n| limit(LimitKind::Resource, n),
    )
}

fn outcome(e: &PlanningEconomy, inputs: &PlanInputs, report: &PlanReport) -> PlanOutcome {
    let p = report.plan();
    let optimal = p.status == LpStatus::Optimal;
    let d = e.targets();
    let d0 = e.committed();
    let products: Vec<ProductLine> = e
        .products()
        .iter()
        .enumerate()
        .map(|(i, prod)| {
            let net = finite(p.net_output.get(i).copied().unwrap_or(0.0));
            let need = d0[i] + d[i];
            ProductLine {
                name: prod.name.clone(),
                unit: prod.unit.clone().unwrap_or_default(),
                target: d[i],
                committed: d0[i],
                net_output: net,
                gross_output: finite(p.gross_output.get(i).copied().unwrap_or(0.0)),
                met_in_full: optimal && net >= need * (1.0 - 1e-6) - 1e-9,
                valuation: finite(p.product_valuation.get(i).copied().unwrap_or(0.0)),
            }
        })
        .collect();
    let labour_names: Vec<String> = e.labour_types().iter().map(|l| l.name.clone()).collect();
    let product_names: Vec<String> = e.products().iter().map(|x| x.name.clone()).collect();
    let processes = e
        .processes()
        .map(|pr| {
            let j = pr.index();
            let x = finite(p.intensity.get(j).copied().unwrap_or(0.0));
            let cap = pr.capacity();
            ProcessLine {
                name: pr.name().to_string(),
                intensity: x,
                capacity: cap.is_finite().then_some(cap),
                at_capacity: p.at_capacity.get(j).copied().unwrap_or(false),
                hours: pr
                    .labour()
                    .map(|(h, l)| (labour_names[h].clone(), l * x))
                    .collect(),
                makes: pr
                    .outputs()
                    .map(|(i, b)| (product_names[i].clone(), b * x))
                    .collect(),
            }
        })
        .collect();
    let mut limits = Vec::new();
    for (h, l) in e.labour_types().iter().enumerate() {
        limits.push(LimitLine {
            name: l.name.clone(),
            kind: LimitKind::Labour,
            available: l.hours.is_finite().then_some(l.hours),
            used: finite(p.labour_used.get(h).copied().unwrap_or(0.0)),
            binds: p.labour_binds.get(h).copied().unwrap_or(false),
            valuation: finite(p.labour_valuation.get(h).copied().unwrap_or(0.0)),
        });
    }
    for (q, r) in e.resources().iter().enumerate() {
        limits.push(LimitLine {
            name: r.name.clone(),
            kind: LimitKind::Resource,
            available: r.limit.is_finite().then_some(r.limit),
            used: finite(p.resource_used.get(q).copied().unwrap_or(0.0)),
            binds: p.resource_binds.get(q).copied().unwrap_or(false),
            valuation: finite(p.resource_valuation.get(q).copied().unwrap_or(0.0)),
        });
    }
    let binding = report.binding.clone();
    let plan_hours: f64 = finite(p.labour_used.iter().sum());
    let total = plan_hours + inputs.project_hours + inputs.common_fund_hours;
    let working_week = if inputs.members > 0 && inputs.weeks_per_period > 0.0 {
        total / (inputs.members as f64 * inputs.weeks_per_period)
    } else {
        0.0
    };
    PlanOutcome {
        status: PlanStatus(p.status),
        method: p.method.clone(),
        lambda: finite(p.lambda),
        products,
        processes,
        limits,
        plan_hours,
        project_hours: inputs.project_hours,
        common_fund_hours: inputs.common_fund_hours,
        working_week,
        binding,
        explanation: p.explanation.as_ref().map(|x| x.to_string()),
        certificate: CertificateMeasures {
            primal_residual: finite(p.certificate.primal_residual),
            dual_residual: finite(p.certificate.dual_residual),
            relative_gap: finite(p.certificate.relative_gap),
        },
        iterations: p.iterations,
    }
}

/// A number the log can hold: JSON has no infinities or NaN, and the log must read back
/// exactly; a limit that is not finite is recorded as `None` by the callers, other values
/// that are not finite (a λ of an unbounded plan) as 0 with the status saying why.
fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

// ---------------------------------------------------------------------------------------------
// Multi-year rounds (issue #13).

/// The published discount rate of a multi-year round without a valid rate vote (no quorum, or
/// no ballot gives a rate): 3 % a year.
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.03;
/// The highest discount rate a ballot may give: 20 % a year.
pub const MAX_DISCOUNT_RATE: f64 = 0.2;

/// The multi-year side of an imported planning file (one with a `[years]` table): the economy
/// of `plenty_core::plan::multiyear` and the number of its first year.
#[derive(Debug, Clone)]
pub struct ImportedYears {
    /// The multi-year economy as the file gives it (targets, labour and resources per year).
    pub economy: MultiYearEconomy,
    /// The number of the first year (`[years] first`, default 1).
    pub first_year: i64,
}

impl ImportedYears {
    /// How many years the plan has.
    pub fn count(&self) -> usize {
        self.economy.years()
    }

    /// The number of the last year.
    pub fn last_year(&self) -> i64 {
        self.first_year + self.count() as i64 - 1
    }

    /// The position (0-based) of a year given by its number, if it is one of the plan's.
    pub fn index_of(&self, year: i64) -> Option<usize> {
        (self.first_year..=self.last_year())
            .contains(&year)
            .then(|| (year - self.first_year) as usize)
    }

    /// The plan's years in words: `2027 to 2031`.
    pub fn span(&self) -> String {
        if self.count() == 1 {
            format!("{}", self.first_year)
        } else {
            format!("{} to {}", self.first_year, self.last_year())
        }
    }
}

/// Reads the multi-year side of a planning file: `None` for a single-year file (no `[years]`
/// table), an error if its `[years]` or `[[capital]]` do not parse.
pub fn parse_years(text: &str) -> Result<Option<ImportedYears>, PlanInputError> {
    if !plenty_io::multiyear_file::is_multi_year(text) {
        return Ok(None);
    }
    plenty_io::multiyear_file::parse_multi_year(Path::new("economy.toml"), text)
        .map(|l| {
            Some(ImportedYears {
                economy: l.economy,
                first_year: l.first_year,
            })
        })
        .map_err(|e| PlanInputError::Economy(e.to_string()))
}

/// What a multi-year plan is computed from, beside [`PlanInputs`] (which holds the split,
/// the funded projects, the members, the tolerance and the first year's figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearsInputs {
    /// The number of the first year.
    pub first_year: i64,
    /// Targets per year and product: the file's targets for the year plus the needs registered
    /// for that year or for every year.
    pub targets: Vec<BTreeMap<String, f64>>,
    /// Hours given to the plan in each year: the year's hours times the consumption share.
    pub labour_hours: Vec<f64>,
    /// Resource limits per year (limited resources only); the first year's are reduced by
    /// what the funded projects use.
    pub resource_limits: Vec<BTreeMap<String, f64>>,
    /// Hours for common projects in each year: the funded projects' hours in the first year,
    /// the investment share of the year's hours (held for the common projects of the rounds to
    /// come) in the later ones.
    pub project_hours: Vec<f64>,
    /// Hours set aside as common funds in each year.
    pub common_fund_hours: Vec<f64>,
    /// The yearly discount rate the plan maximises `Σ_t λ_t / (1 + r)^(t−1)` with: the count's
    /// median rate ([`crate::tally::DiscountResult`]).
    pub discount_rate: f64,
}

/// One year of a multi-year plan as members see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearLine {
    /// Its number.
    pub year: i64,
    /// Plan fulfilment `λ_t`.
    pub lambda: f64,
    /// Consumption as a share of the first year's targets, averaged over the goods (`None`:
    /// nothing is targeted).
    pub consumption_index: Option<f64>,
    /// Share of final output invested, valued in labour hours (`None`: nothing final has
    /// value).
    pub share_invested: Option<f64>,
    /// The capital stock as a share of the stock at the start, averaged over the cells
    /// (`None`: no cell starts with a stock).
    pub capital_index: Option<f64>,
    /// Hours the plan uses.
    pub labour_used: f64,
    /// Hours given to the plan.
    pub labour_available: f64,
    /// The working week: (plan hours + project hours + common-fund hours) / (members × weeks).
    pub working_week: f64,
    /// What binds, in the economy's words.
    pub binding: Vec<String>,
}

/// One good over the years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoodYears {
    /// The good.
    pub name: String,
    /// Its unit.
    pub unit: String,
    /// Target per year (on top of committed needs).
    pub target: Vec<f64>,
    /// Consumption per year.
    pub consumption: Vec<f64>,
    /// Gross output per year.
    pub output: Vec<f64>,
    /// Investment drawn from the good per year.
    pub investment: Vec<f64>,
}

/// A multi-year plan as members see it. Holds no timings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearsOutcome {
    /// The number of the first year.
    pub first_year: i64,
    /// The discount rate maximised with.
    pub discount_rate: f64,
    /// The objective's value, `Σ_t λ_t / (1 + r)^(t−1)`.
    pub objective_value: f64,
    /// `Σ_t λ_t`.
    pub total_lambda: f64,
    /// The years, in order.
    pub years: Vec<YearLine>,
    /// The goods, year by year.
    pub goods: Vec<GoodYears>,
    /// For an infeasible plan: what falls short, year by year, in words.
    pub shortfalls: Vec<String>,
}

/// The multi-year part of a `plan_recorded` entry: its inputs and outcome with their digests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearsPlan {
    /// What the years were computed from.
    pub inputs: YearsInputs,
    /// SHA-256 of the canonical JSON of `inputs`.
    pub inputs_sha256: String,
    /// The plan year by year.
    pub result: YearsOutcome,
    /// SHA-256 of the canonical JSON of `result`.
    pub result_sha256: String,
}

impl YearsPlan {
    /// The record of a multi-year plan, with its digests.
    pub fn new(inputs: YearsInputs, result: YearsOutcome) -> Self {
        YearsPlan {
            inputs_sha256: digest(&inputs),
            result_sha256: digest(&result),
            inputs,
            result,
        }
    }
}

fn optional(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Computes a multi-year round's plan: the economy of the file with the year-by-year targets,
/// hours and resource limits of `years`, solved for the greatest discounted fulfilment
/// `Σ_t λ_t / (1 + r)^(t−1)` at the count's rate (`YearsObjective::Discounted`) by the core's
/// own method choice, with no time limit and a fixed iteration budget (so the bits follow from
/// the log). Gives the plan in the single-year shape (λ is `Σ_t λ_t`; hours, working week and
/// what binds are the first year's; products, processes and limits are left empty: they are
/// in the years) and the years.
pub fn compute_years_plan(
    economy: &PlanningEconomy,
    imported: &ImportedYears,
    inputs: &PlanInputs,
    years: &YearsInputs,
) -> Result<(PlanOutcome, YearsOutcome), PlanInputError> {
    let mut m = imported.economy.clone();
    let count = m.years();
    if years.targets.len() != count
        || years.labour_hours.len() != count
        || years.resource_limits.len() != count
        || years.project_hours.len() != count
        || years.common_fund_hours.len() != count
    {
        return Err(PlanInputError::Unknown(format!(
            "the plan's inputs do not give one value per year for the {count} years of the economy"
        )));
    }
    for (t, targets) in years.targets.iter().enumerate() {
        let mut d = vec![0.0; m.n()];
        for (name, q) in targets {
            let j = m
                .goods
                .iter()
                .position(|g| g == name)
                .ok_or_else(|| PlanInputError::Unknown(format!("unknown product {name:?}")))?;
            d[j] = *q;
        }
        m.targets[t] = d;
    }
    m.labour_available = years.labour_hours.clone();
    if !m.resources.is_empty() {
        m.resource_limits = years
            .resource_limits
            .iter()
            .map(|limits| {
                m.resources
                    .iter()
                    .map(|name| limits.get(name).copied())
                    .collect()
            })
            .collect();
    }
    if let Some(name) = years
        .resource_limits
        .iter()
        .flat_map(|l| l.keys())
        .find(|name| !m.resources.contains(name))
    {
        return Err(PlanInputError::Unknown(format!(
            "unknown resource {name:?}"
        )));
    }
    let limits = LpSettings {
        tolerance: inputs.tolerance,
        max_iterations: 2_000_000,
        time_limit: None,
    };
    let rate = years.discount_rate;
    let solved = solve_multi_year(&m, YearsObjective::Discounted { rate }, &limits)
        .map_err(|x| PlanInputError::Solver(x.to_string()))?;
    let report = &solved.report;
    let plan = &report.plan;
    let s = &plan.summary;
    let week = |t: usize, used: f64| {
        let total = used + years.project_hours[t] + years.common_fund_hours[t];
        if inputs.members > 0 && inputs.weeks_per_period > 0.0 {
            finite(total / (inputs.members as f64 * inputs.weeks_per_period))
        } else {
            0.0
        }
    };
    let lines: Vec<YearLine> = plan
        .years
        .iter()
        .enumerate()
        .map(|(t, y)| YearLine {
            year: imported.first_year + t as i64,
            lambda: finite(y.lambda),
            consumption_index: s.consumption_index.get(t).copied().and_then(optional),
            share_invested: s.share_invested.get(t).copied().and_then(optional),
            capital_index: s.capital_index.get(t).copied().and_then(optional),
            labour_used: finite(y.labour_used),
            labour_available: years.labour_hours[t],
            working_week: week(t, finite(y.labour_used)),
            binding: y.binding.clone(),
        })
        .collect();
    let units: BTreeMap<&str, String> = economy
        .products()
        .iter()
        .map(|p| (p.name.as_str(), p.unit.clone().unwrap_or_default()))
        .collect();
    let per_year = |f: &dyn Fn(&plenty_core::plan::multiyear::PlanYear) -> f64| -> Vec<f64> {
        plan.years.iter().map(|y| finite(f(y))).collect()
    };
    let goods = m
        .goods
        .iter()
        .enumerate()
        .map(|(j, name)| GoodYears {
            name: name.clone(),
            unit: units.get(name.as_str()).cloned().unwrap_or_default(),
            target: (0..count).map(|t| m.targets[t][j]).collect(),
            consumption: per_year(&|y| y.consumption.get(j).copied().unwrap_or(0.0)),
            output: per_year(&|y| y.output.get(j).copied().unwrap_or(0.0)),
            investment: per_year(&|y| y.investment.get(j).copied().unwrap_or(0.0)),
        })
        .collect();
    let years_outcome = YearsOutcome {
        first_year: imported.first_year,
        discount_rate: rate,
        objective_value: finite(report.objective_value),
        total_lambda: finite(plan.total_lambda),
        years: lines,
        goods,
        shortfalls: report.shortfalls.iter().map(|x| x.to_string()).collect(),
    };
    let method = report
        .attempts
        .iter()
        .rev()
        .find(|a| a.status == report.status)
        .or(report.attempts.last())
        .map(|a| a.method.to_string())
        .unwrap_or_default();
    let first = years_outcome.years.first();
    let status = PlanStatus(report.status);
    let explanation = (!status.is_optimal()).then(|| {
        if report.shortfalls.is_empty() {
            format!("the multi-year plan is {}", report.status)
        } else {
            format!(
                "the multi-year plan is {}: {}",
                report.status,
                years_outcome.shortfalls.join("; ")
            )
        }
    });
    let outcome = PlanOutcome {
        status,
        method,
        lambda: years_outcome.total_lambda,
        products: Vec::new(),
        processes: Vec::new(),
        limits: Vec::new(),
        plan_hours: first.map_or(0.0, |y| y.labour_used),
        project_hours: years.project_hours[0],
        common_fund_hours: years.common_fund_hours[0],
        working_week: first.map_or(0.0, |y| y.working_week),
        binding: first.map(|y| y.binding.clone()).unwrap_or_default(),
        explanation,
        certificate: CertificateMeasures {
            primal_residual: finite(report.certificate.primal_residual),
            dual_residual: finite(report.certificate.dual_residual),
            relative_gap: finite(report.certificate.relative_gap),
        },
        iterations: report.iterations,
    };
    Ok((outcome, years_outcome))
}
