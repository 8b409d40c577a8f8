//! Studies over runs: summaries, batches over both cores, the regimes' parameters swapped,
//! the 2 × 2 decomposition of a difference, and the sensitivity of each conclusion.

use super::record::YearRecord;
use super::scenario::{Behaviour, CommandRegime, Regime, Scenario};
use super::{simulate, SimError, SimRun};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A run in a few numbers (the report's comparison table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct RunSummary {
    /// Grain eaten per person in the worst year.
    pub grain_per_person_min: f64,
    /// Mean over the years of grain eaten per person.
    pub grain_per_person_mean: f64,
    /// Mean working week.
    pub working_week_mean: f64,
    /// Heavy industry's output in the last year over the first.
    pub heavy_growth: f64,
    /// Mean share of needs met.
    pub needs_met_mean: f64,
    /// Worst group's share of needs met in the worst year.
    pub needs_met_min: f64,
    /// Sum over the years of the people who ate less than 80 % of their grain need.
    pub hungry_person_years: f64,
    /// Mean Gini of consumption.
    pub gini_mean: f64,
    /// Mean share of the top tenth.
    pub top_tenth_mean: f64,
    /// The herd at the start of the last year over the first.
    pub herd_change: f64,
    /// Whether the accounting identities held every year.
    pub identities_hold: bool,
}

impl RunSummary {
    /// Summarises the years.
    pub fn of(years: &[YearRecord]) -> Self {
        if years.is_empty() {
            return Self::default();
        }
        let count = years.len() as f64;
        let mean = |f: fn(&YearRecord) -> f64| years.iter().map(f).sum::<f64>() / count;
        let (first, last) = (&years[0], &years[years.len() - 1]);
        let ratio = |a: f64, b: f64| if a > 0.0 { b / a } else { 0.0 };
        Self {
            grain_per_person_min: years
                .iter()
                .map(|y| y.grain_per_person)
                .fold(f64::INFINITY, f64::min),
            grain_per_person_mean: mean(|y| y.grain_per_person),
            working_week_mean: mean(|y| y.working_week),
            heavy_growth: ratio(first.heavy_output, last.heavy_output),
            needs_met_mean: mean(|y| y.needs_met),
            needs_met_min: years
                .iter()
                .map(|y| y.needs_met_worst)
                .fold(f64::INFINITY, f64::min),
            hungry_person_years: years.iter().map(|y| y.hungry_people).sum(),
            gini_mean: mean(|y| y.gini),
            top_tenth_mean: mean(|y| y.top_tenth),
            herd_change: ratio(first.herd, last.herd),
            identities_hold: years
                .iter()
                .all(|y| y.identities.hold(y.hours_worked, 1e-9)),
        }
    }
}

/// Runs scenarios over all cores; results in the order given, each the same as a run alone.
/// `progress` is called once per finished run (from any thread).
pub fn run_batch(
    scenarios: &[Scenario],
    progress: &(dyn Fn() + Sync),
) -> Vec<Result<SimRun, SimError>> {
    scenarios
        .par_iter()
        .map(|s| {
            let run = simulate(s);
            progress();
            run
        })
        .collect()
}

/// Two scenarios with their regimes and behaviours exchanged: `a` keeps its economy, shocks,
/// seed and name, and takes `b`'s regime and behaviour, and the other way round. If the
/// engine treated a regime by its name rather than by its parameters, the swapped runs would
/// not be the mirror of the originals.
pub fn swap_regimes(a: &Scenario, b: &Scenario) -> (Scenario, Scenario) {
    let mut a2 = a.clone();
    let mut b2 = b.clone();
    a2.regime = b.regime.clone();
    a2.behaviour = b.behaviour.clone();
    b2.regime = a.regime.clone();
    b2.behaviour = a.behaviour.clone();
    (a2, b2)
}

/// One lever of the command regime set to its neutral value, and the run that gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ablation {
    /// The lever, in words.
    pub lever: String,
    /// The run with that lever neutral and the others as they were.
    pub summary: RunSummary,
}

/// Which assumptions drive the command regime's outcome: each of its levers set, one at a
/// time, to the value that does no harm (procurement at its pre-collectivisation level, no
/// forced collectivisation, no information error, no coercion, no exports, quotas that do not
/// grow), everything else unchanged. `None` for a scenario that is not under command.
pub fn ablation(command: &Scenario) -> Result<Option<Vec<Ablation>>, SimError> {
    let Regime::Command(c) = &command.regime else {
        return Ok(None);
    };
    let levers: Vec<(&str, CommandRegime)> = vec![
        (
            "procurement kept at its level before collectivisation",
            CommandRegime {
                procurement: c.procurement_before,
                procurement_share: None,
                ..c.clone()
            },
        ),
        (
            "no forced collectivisation",
            CommandRegime {
                forced_collectivisation: false,
                ..c.clone()
            },
        ),
        (
            "a planner who sees the true harvest",
            CommandRegime {
                information_error: 0.0,
                ..c.clone()
            },
        ),
        (
            "no grain exports",
            CommandRegime {
                exports: Default::default(),
                ..c.clone()
            },
        ),
        (
            "quotas that do not grow",
            CommandRegime {
                quota_growth: 1.0,
                quota_revision: 0.0,
                ..c.clone()
            },
        ),
    ];
    let scenarios: Vec<Scenario> = levers
        .iter()
        .map(|(_, regime)| {
            let mut s = command.clone();
            s.regime = Regime::Command(regime.clone());
            s
        })
        .collect();
    let runs = run_batch(&scenarios, &|| {});
    let mut out = Vec::with_capacity(levers.len());
    for ((lever, _), run) in levers.iter().zip(runs) {
        out.push(Ablation {
            lever: lever.to_string(),
            summary: run?.summary,
        });
    }
    Ok(Some(out))
}

/// The behaviour parameters a sensitivity sweep varies, by name.
pub const BEHAVIOUR_PARAMETERS: [&str; 7] = [
    "effort_response",
    "coercion_recovery",
    "incentive_loss",
    "slaughter_response",
    "collectivisation_slaughter",
    "tolerated_procurement",
    "herd_growth",
];

fn parameter<'a>(b: &'a mut Behaviour, name: &str) -> Option<&'a mut f64> {
    Some(match name {
        "effort_response" => &mut b.effort_response,
        "coercion_recovery" => &mut b.coercion_recovery,
        "incentive_loss" => &mut b.incentive_loss,
        "slaughter_response" => &mut b.slaughter_response,
        "collectivisation_slaughter" => &mut b.collectivisation_slaughter,
        "tolerated_procurement" => &mut b.tolerated_procurement,
        "herd_growth" => &mut b.herd_growth,
        _ => return None,
    })
}

/// The scenario with one behaviour parameter set to `value` (a `--set` sweep).
pub fn with_behaviour(s: &Scenario, name: &str, value: f64) -> Result<Scenario, SimError> {
    let mut out = s.clone();
    match parameter(&mut out.behaviour, name) {
        Some(p) if value.is_finite() => {
            *p = value;
            Ok(out)
        }
        Some(_) => Err(SimError::field(
            &format!("behaviour.{name}"),
            "give a finite number",
        )),
        None => Err(SimError::field(
            &format!("behaviour.{name}"),
            &format!(
                "no such behaviour parameter; the parameters are {}",
                BEHAVIOUR_PARAMETERS.join(", ")
            ),
        )),
    }
}

/// A conclusion of the comparison of run `a` (say, command) with run `b` (democratic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conclusion {
    /// `b`'s worst year has more grain per person than `a`'s.
    MoreGrainInTheWorstYear,
    /// `b` meets a larger share of needs on average.
    MoreNeedsMet,
    /// `b` has fewer hungry person-years.
    FewerHungry,
    /// `b`'s consumption is more equal (lower mean Gini).
    MoreEqual,
    /// `a`'s heavy industry grows more.
    FasterHeavyIndustryUnderA,
}

impl Conclusion {
    /// Every conclusion.
    pub const ALL: [Conclusion; 5] = [
        Conclusion::MoreGrainInTheWorstYear,
        Conclusion::MoreNeedsMet,
        Conclusion::FewerHungry,
        Conclusion::MoreEqual,
        Conclusion::FasterHeavyIndustryUnderA,
    ];

    /// Whether it holds for the summaries of `a` and `b`.
    pub fn holds(self, a: &RunSummary, b: &RunSummary) -> bool {
        match self {
            Conclusion::MoreGrainInTheWorstYear => b.grain_per_person_min > a.grain_per_person_min,
            Conclusion::MoreNeedsMet => b.needs_met_mean > a.needs_met_mean,
            Conclusion::FewerHungry => b.hungry_person_years < a.hungry_person_years,
            Conclusion::MoreEqual => b.gini_mean < a.gini_mean,
            Conclusion::FasterHeavyIndustryUnderA => a.heavy_growth > b.heavy_growth,
        }
    }

    /// In words, for the report.
    pub fn sentence(self) -> &'static str {
        match self {
            Conclusion::MoreGrainInTheWorstYear => {
                "feedback planning leaves more grain per person in the worst year"
            }
            Conclusion::MoreNeedsMet => "feedback planning meets a larger share of needs",
            Conclusion::FewerHungry => "feedback planning leaves fewer people hungry",
            Conclusion::MoreEqual => "consumption is more equal under feedback planning",
            Conclusion::FasterHeavyIndustryUnderA => "heavy industry grows faster under command",
        }
    }
}

/// One cell of a sensitivity sweep: a parameter scaled by a factor in both scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    /// The behaviour parameter.
    pub parameter: String,
    /// The factor it was multiplied by.
    pub factor: f64,
    /// Summary of `a`.
    pub a: RunSummary,
    /// Summary of `b`.
    pub b: RunSummary,
    /// Which conclusions held, in the order of [`Conclusion::ALL`].
    pub holds: Vec<bool>,
}

/// A sensitivity sweep and how far each conclusion survives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// Every run pair.
    pub rows: Vec<SensitivityRow>,
    /// Per conclusion (order of [`Conclusion::ALL`]): the share of the rows where it held.
    pub survival: Vec<f64>,
}

/// Multiplies each behaviour parameter by each factor, in both scenarios alike, and checks
/// every conclusion on each pair. The runs go over all cores; `progress` is called per run.
pub fn sensitivity(
    a: &Scenario,
    b: &Scenario,
    factors: &[f64],
    progress: &(dyn Fn() + Sync),
) -> Result<Sensitivity, SimError> {
    let mut cells = Vec::new();
    let mut scenarios = Vec::new();
    for name in BEHAVIOUR_PARAMETERS {
        for &factor in factors {
            let mut pair = [a.clone(), b.clone()];
            for s in &mut pair {
                if let Some(p) = parameter(&mut s.behaviour, name) {
                    *p *= factor;
                }
            }
            cells.push((name.to_string(), factor));
            scenarios.extend(pair);
        }
    }
    let runs = run_batch(&scenarios, progress);
    let mut rows = Vec::with_capacity(cells.len());
    let mut runs = runs.into_iter();
    for (parameter, factor) in cells {
        let (ra, rb) = match (runs.next(), runs.next()) {
            (Some(ra), Some(rb)) => (ra?.summary, rb?.summary),
            _ => break,
        };
        let holds = Conclusion::ALL.iter().map(|c| c.holds(&ra, &rb)).collect();
        rows.push(SensitivityRow {
            parameter,
            factor,
            a: ra,
            b: rb,
            holds,
        });
    }
    let survival = (0..Conclusion::ALL.len())
        .map(|k| {
            let held = rows.iter().filter(|r| r.holds[k]).count();
            held as f64 / rows.len().max(1) as f64
        })
        .collect();
    Ok(Sensitivity { rows, survival })
}
