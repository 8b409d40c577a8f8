//! Living with the plan: a plan carried out year after year, under shocks and the responses of
//! the people who carry it out.
//!
//! A [`Scenario`] names an economy, a planning [`Regime`], how people respond ([`Behaviour`]),
//! shocks, a seed and a number of years. [`simulate`] runs it year by year:
//!
//! 1. **plan** — the regime decides gross output `x`, consumption targets, investment;
//! 2. **produce** — output is `min(x, capacity · draft · effort) · weather` for the harvest and
//!    `min(x, capacity · effort)` elsewhere, cut where an input runs out (fixed proportions);
//! 3. **pay** — hours worked `l · x` are paid in credits, less the voted deductions
//!    ([`crate::accounting::Pay`]);
//! 4. **consume** — goods are shared out by the regime's rule;
//! 5. **measure** — the [`YearRecord`]: grain per person, the working week, heavy industry,
//!    needs met, Gini, the top tenth, queues, and the accounting identities;
//! 6. **re-plan** — capacities, the herd and stocks carry over as they turned out, and the next
//!    year's Leontief solves start from this year's solutions.
//!
//! # The economy
//!
//! `n` sectors, one product each: `a_ij` of product `i` and `l_j` hours per unit of `j`,
//! capacity `K_j` (units a year), capital goods `c_ij` per unit of capacity added, wear `δ_j`.
//! Technology does not change in a run, so the labour values `v = l (I − A)⁻¹` are computed
//! once and the identity `v · (I − A) x = l · x` holds every year. Groups of people (peasants,
//! workers, officials) have a size, a share who work, hours a worker can give, the sectors they
//! work in and needs per person.
//!
//! # The regimes (all drive the same engine)
//!
//! * **Democratic feedback.** Targets `N_i` are the members' needs times the consumer
//!   feedback of last year. Investment is what the voted investment deduction funds:
//!   `v · I = r · hours`. The plan takes the largest fulfilment `λ ≤ 1` with
//!   `λ x_N + x_I + x_D ≤ capacity` and `l · x ≤ hours available`, where `x_N, x_I, x_D` are
//!   the gross outputs of needs, investment and defence (`(I − A)⁻¹` of each). With one
//!   technique per product this is the exact optimum of Kantorovich's `max λ`: the least gross
//!   output for a final demand is `(I − A)⁻¹` of it, and every constraint bounds gross output
//!   from above. When the needs are met with capacity to spare, the hours fall instead: the
//!   working week is what the plan needs. Shortfalls are shared by the same `λ` for everyone.
//!   Members buy at labour values with credits; where demand at value `q` differs from the
//!   supply `s`, the price clears at `p = v (q/s)^(1/−ε)` and next year's target is scaled by
//!   `(p/v)^gain` (Dapprich's consumer feedback; [`crate::accounting::PriceFeedback`]).
//! * **Command.** Every sector is ordered to its full capacity as the planner believes it
//!   (the harvest overrated by the `information_error`); heavy-industry quotas grow by
//!   `quota_growth` a year, and by `quota_revision` more after a year they were met, and
//!   investment goes first to reaching them; procurement takes a fixed quantity of grain,
//!   whatever the harvest (up to `max_take` of it), before anyone eats; exports are taken from
//!   it; the countryside keeps the rest of the harvest and the towns get the procured grain
//!   and every other good by rank (`privilege`). Nothing flows back from consumption.
//! * **Market (the NEP).** Producers run at capacity and invest `saving` of the value of
//!   their output where price stands highest over value; prices follow excess demand,
//!   `p' = p (demand/supply)^k`; peasants market grain by Allen's rule (retained / marketed
//!   `= 1.5043 (p_grain/p_goods)^−0.9298`, *Farm to Factory*, eq. 8A-3); goods go by income.
//!
//! # Behaviour (each parameter is in the scenario file)
//!
//! * **Effort**: a group's effort is `1 − effort_response · (1 − coercion_recovery ·
//!   coercion) · shortfall − incentive_loss`, where `shortfall` is the share of its needs not
//!   met last year and `incentive_loss` applies to producers collectivised by force. Coercion
//!   recovers only part of the lost effort.
//! * **Livestock**: the herd grows by `herd_growth` and wears by the sector's `δ`; peasants
//!   slaughter `slaughter_response · max(0, procurement / harvest − tolerated_procurement)`
//!   more, plus `collectivisation_slaughter` in a year of forced collectivisation. Slaughtered
//!   animals are eaten that year and missing from the herd after. Draft power: the harvest's
//!   capacity is scaled by `(herd / herd at the start)^draft`.
//! * **Shocks**: harvest factors by year, defence demand from a year on, loss of a sector's
//!   capital, and random harvest noise from the seed.
//!
//! # Accounting identities (checked every year, [`Identities`])
//!
//! credits issued = hours worked − deductions; goods used ≤ goods made + stocks; the labour
//! values of net output sum to the hours worked.
//!
//! # Reproducibility
//!
//! One random stream from the seed, one draw a year; every kernel is deterministic on any
//! number of threads, and a batch runs each scenario on its own, so the same seed gives the
//! same run bit for bit.

mod engine;
pub(crate) mod leontief;
mod model;
mod record;
mod scenario;
mod study;

pub use record::{Identities, YearRecord};
pub use scenario::{
    Behaviour, CommandRegime, DemocraticRegime, GeneratedEconomy, Group, MarketRegime, Noise,
    Regime, Role, Scenario, ScenarioFile, Sector, Shock, SimEconomy,
};
pub use study::{
    ablation, run_batch, sensitivity, swap_regimes, with_behaviour, Ablation, Conclusion,
    RunSummary, Sensitivity, SensitivityRow, BEHAVIOUR_PARAMETERS,
};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A scenario that cannot run, with the field to fix.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{field}: {message}")]
pub struct SimError {
    /// The field of the scenario (e.g. `economy.sectors[2] (grain).labour`).
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl SimError {
    pub(crate) fn field(field: &str, message: &str) -> Self {
        Self {
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}

/// A finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimRun {
    /// The scenario's name.
    pub name: String,
    /// The regime: `democratic`, `command` or `market`.
    pub regime: String,
    /// Product names.
    pub products: Vec<String>,
    /// Product units.
    pub units: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
    /// Labour values of the products (hours per unit).
    pub values: Vec<f64>,
    /// Sweeps of the cold Leontief solve of the labour values (for the warm-start comparison).
    pub cold_sweeps: usize,
    /// The years.
    pub years: Vec<YearRecord>,
    /// The run in a few numbers.
    pub summary: RunSummary,
}

/// Runs a scenario.
pub fn simulate(scenario: &Scenario) -> Result<SimRun, SimError> {
    let model = model::Model::new(scenario)?;
    let years = engine::run(scenario, &model)?;
    let summary = RunSummary::of(&years);
    Ok(SimRun {
        name: scenario.name.clone(),
        regime: scenario.regime.kind().to_string(),
        products: model.names.clone(),
        units: model.units.clone(),
        groups: model.groups.iter().map(|g| g.name.clone()).collect(),
        values: model.values.clone(),
        cold_sweeps: model.values_iterations,
        years,
        summary,
    })
}

impl Scenario {
    /// Checks every name and number without running: the error names the field to fix.
    pub fn check(&self) -> Result<(), SimError> {
        let model = model::Model::new(self)?;
        engine::validate_regime(self, &model)
    }
}

impl Regime {
    /// The regime's name in the scenario file.
    pub fn kind(&self) -> &'static str {
        match self {
            Regime::Democratic(_) => "democratic",
            Regime::Command(_) => "command",
            Regime::Market(_) => "market",
        }
    }
}

#[cfg(test)]
mod tests;
