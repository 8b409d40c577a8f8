//! The scenario: an economy, a planning regime, how people respond, shocks, a seed and a
//! number of years. Every parameter of every model is a field here, with its default; the
//! engine has no other knobs, so two scenarios that differ only in their regime and behaviour
//! sections differ in nothing else.

use crate::accounting::{DeductionRates, PriceFeedback};
use crate::generate::GeneratorSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole simulation scenario (the TOML file of `plenty simulate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name for reports.
    pub name: String,
    /// The study it belongs to (the name of a file with several regimes; empty otherwise).
    #[serde(default)]
    pub study: String,
    /// What the scenario shows and where its figures come from.
    #[serde(default)]
    pub description: String,
    /// The seed of every random draw (harvest noise). Same seed, same run, bit for bit.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Number of years to simulate.
    pub years: usize,
    /// The calendar year of the first simulated year (for reports).
    #[serde(default)]
    pub start_year: i32,
    /// Working weeks in a year (for the working week).
    #[serde(default = "default_weeks")]
    pub weeks_per_year: f64,
    /// The economy.
    pub economy: SimEconomy,
    /// How the plan is made and the product shared.
    pub regime: Regime,
    /// How people respond.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// What happens to the economy from outside.
    #[serde(default)]
    pub shocks: Vec<Shock>,
    /// Random variation of the harvest.
    #[serde(default)]
    pub noise: Noise,
    /// Historical series to set beside the simulated ones in the report: series name (one of
    /// `harvest`, `procurement`, `livestock`) to `year → value`.
    #[serde(default)]
    pub history: BTreeMap<String, BTreeMap<String, f64>>,
}

fn default_seed() -> u64 {
    1
}
fn default_weeks() -> f64 {
    50.0
}

/// The economy: sectors (one product each) and the people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimEconomy {
    /// The sectors, written out. Either these or `generate`.
    #[serde(default)]
    pub sectors: Vec<Sector>,
    /// A synthetic economy of many products instead of written-out sectors (for benchmarks):
    /// every product is a consumer good and a capital good of its own sector.
    #[serde(default)]
    pub generate: Option<GeneratedEconomy>,
    /// Groups of people.
    pub groups: Vec<Group>,
}

/// A synthetic economy for scale: the core's generator plus capacities and needs that the
/// economy can just meet at the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratedEconomy {
    /// The generator's settings (products, inputs per product, seed).
    #[serde(flatten)]
    pub settings: GeneratorSettings,
    /// Spare capacity at the start, as a share of what the first year's needs take (0.1).
    #[serde(default = "default_headroom")]
    pub headroom: f64,
}

fn default_headroom() -> f64 {
    0.1
}

/// What a sector is for the behaviour models and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Grain: the harvest (weather shocks, procurement, draft power).
    Grain,
    /// Livestock: its capacity is the herd (slaughter under procurement pressure).
    Livestock,
    /// Heavy industry (capital goods; the command regime's quotas).
    Heavy,
    /// Light industry (consumer goods).
    Light,
    /// Defence.
    Defence,
    /// Construction.
    Construction,
    /// Anything else.
    #[default]
    Other,
}

/// One sector making one product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    /// Product name.
    pub name: String,
    /// Unit of the product (for reports).
    #[serde(default)]
    pub unit: String,
    /// Role in the behaviour models.
    #[serde(default)]
    pub role: Role,
    /// Hours of labour per unit of output.
    pub labour: f64,
    /// Inputs per unit of output: product name → units (the column of `A`).
    #[serde(default)]
    pub inputs: BTreeMap<String, f64>,
    /// Output the sector can make in the first year (its capital stock, in units of output a
    /// year). For livestock: the herd.
    pub capacity: f64,
    /// Capital goods per unit of capacity added: product name → units.
    #[serde(default)]
    pub capital: BTreeMap<String, f64>,
    /// Share of capacity worn out each year.
    #[serde(default)]
    pub depreciation: f64,
    /// Whether what is not used this year can be kept for the next.
    #[serde(default)]
    pub storable: bool,
    /// For grain: the elasticity of the harvest to draft power (the herd relative to its
    /// start), 0 for none.
    #[serde(default)]
    pub draft: f64,
}

/// A group of people who live alike (peasants, workers, officials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Name.
    pub name: String,
    /// Number of people (any unit; the report says per person).
    pub people: f64,
    /// Share of them who work.
    pub workers: f64,
    /// Most hours a worker can give in a year.
    pub hours: f64,
    /// The sectors they work in (their effort moves these sectors' output); `"*"` for all.
    #[serde(default)]
    pub works_in: Vec<String>,
    /// Needs per person per year: product name → units.
    #[serde(default)]
    pub needs: BTreeMap<String, f64>,
    /// Weight in a distribution by rank (the command regime's rations); 1 for everyone alike.
    #[serde(default = "one")]
    pub privilege: f64,
    /// Whether they live off the land (they keep what procurement leaves of the harvest).
    #[serde(default)]
    pub rural: bool,
}

fn one() -> f64 {
    1.0
}

/// How the plan is made and the product is shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Regime {
    /// Targets from members' needs, re-planned every year from the real stocks, labour-time
    /// accounting and consumer feedback (Dapprich).
    Democratic(DemocraticRegime),
    /// Output quotas set from the top, revised upward when met; a fixed procurement of grain
    /// whatever the harvest; no feedback from consumption.
    Command(CommandRegime),
    /// The NEP as a reference: prices move with excess demand, producers follow profit,
    /// peasants market grain by the terms of trade.
    Market(MarketRegime),
}

/// The democratic feedback regime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemocraticRegime {
    /// The deduction rates the members voted.
    pub deductions: DeductionRates,
    /// How prices of scarce or surplus goods move the next targets.
    #[serde(default)]
    pub feedback: PriceFeedback,
    /// The growth of capacity the plan aims for each year, beyond replacing wear (0.02).
    #[serde(default = "default_growth")]
    pub growth: f64,
    /// The reserve of storable consumer goods the members keep against a bad year, as a share
    /// of a year's target (0.15); it is made when there is capacity and eaten when the
    /// harvest fails.
    #[serde(default = "default_reserve")]
    pub reserve: f64,
}

fn default_reserve() -> f64 {
    0.15
}

fn default_growth() -> f64 {
    0.02
}

/// The command regime of the First Five-Year Plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandRegime {
    /// Yearly growth factor of the output quota of each heavy-industry sector (1.3 = +30 %).
    pub quota_growth: f64,
    /// Extra raise of a quota after a year it was met (0.1 = +10 % more).
    #[serde(default)]
    pub quota_revision: f64,
    /// Grain taken by procurement each year, whatever the harvest, in the grain sector's unit.
    pub procurement: f64,
    /// Procurement as a fixed share of the harvest (as the planner believes it) instead of a
    /// fixed quantity, from `procurement_from` on; `procurement` is then ignored in those years.
    /// The 1930–33 quotas were quantities (the harvest fell, the quota did not): the shipped
    /// scenario uses `procurement`.
    #[serde(default)]
    pub procurement_share: Option<f64>,
    /// The first year of forced procurement (before it, the procurement of `procurement_before`).
    #[serde(default)]
    pub procurement_from: i32,
    /// Procurement before `procurement_from`.
    #[serde(default)]
    pub procurement_before: f64,
    /// The most procurement may take of the harvest, even by force (0.45).
    #[serde(default = "default_max_take")]
    pub max_take: f64,
    /// Exports, taken before anyone eats: product name → units a year.
    #[serde(default)]
    pub exports: BTreeMap<String, f64>,
    /// How far the planner overrates the harvest (0.2: sees 20 % more than there is).
    #[serde(default)]
    pub information_error: f64,
    /// Coercion: the share of lost effort that force recovers is `behaviour.coercion_recovery`
    /// times this (0 to 1).
    #[serde(default)]
    pub coercion: f64,
    /// Extra hours force extracts, as a share of the normal hours (0.1).
    #[serde(default)]
    pub overtime: f64,
    /// Whether farming is collectivised by force (from `procurement_from`): incentives are cut
    /// (`behaviour.incentive_loss`) and peasants slaughter livestock.
    #[serde(default)]
    pub forced_collectivisation: bool,
}

fn default_max_take() -> f64 {
    0.45
}

/// The market-led reference (NEP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketRegime {
    /// How strongly prices follow excess demand: `p' = p · (demand / supply)^k` (0.5).
    #[serde(default = "default_half")]
    pub price_adjustment: f64,
    /// Share of the value of output saved and invested where profit is highest (0.12).
    #[serde(default = "default_saving")]
    pub saving: f64,
    /// The grain price the state pays, relative to the market's, at the start (1: none of the
    /// 1927 "scissors").
    #[serde(default = "one")]
    pub terms_of_trade: f64,
}

fn default_half() -> f64 {
    0.5
}
fn default_saving() -> f64 {
    0.12
}

/// How people respond: each a documented, simple model (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    /// Effort lost per unit of the producers' shortfall of food last year: output of their
    /// sectors is multiplied by `1 − effort_response · shortfall` (0.5).
    pub effort_response: f64,
    /// Share of that loss force recovers at full coercion (0.4): "coercion recovers only part".
    pub coercion_recovery: f64,
    /// Share of output lost when producers are collectivised by force (no link from effort to
    /// pay): 0.1.
    pub incentive_loss: f64,
    /// Share of the herd slaughtered each year beyond normal use, per unit of procurement
    /// pressure (the share of the harvest taken above `tolerated_procurement`): 1.5.
    pub slaughter_response: f64,
    /// Extra slaughter in a year of forced collectivisation (0.1): animals killed rather than
    /// handed over.
    pub collectivisation_slaughter: f64,
    /// The share of the harvest peasants give up without resistance (0.15).
    pub tolerated_procurement: f64,
    /// Natural growth of the herd a year, before use and slaughter (0.04).
    pub herd_growth: f64,
    /// Allen's NEP marketing rule: retained / marketed grain = `scale · (p_grain / p_goods)^elasticity`
    /// (Allen 2003, eq. 8A-3: 1.5043 and −0.9298).
    pub marketing_scale: f64,
    /// The elasticity of the same rule.
    pub marketing_elasticity: f64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            effort_response: 0.5,
            coercion_recovery: 0.4,
            incentive_loss: 0.1,
            slaughter_response: 1.5,
            collectivisation_slaughter: 0.1,
            tolerated_procurement: 0.15,
            herd_growth: 0.04,
            marketing_scale: 1.5043,
            marketing_elasticity: -0.9298,
        }
    }
}

/// Something that happens to the economy from outside, in one year or from a year on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Shock {
    /// The harvest (grain) is multiplied by `factor` in `year` (weather).
    Harvest {
        /// Calendar year.
        year: i32,
        /// 0.85: a drought that takes 15 %.
        factor: f64,
    },
    /// Defence takes `demand` units of `product` a year from `year` on ("outside pressures").
    Defence {
        /// First calendar year.
        year: i32,
        /// Product defence takes.
        product: String,
        /// Units a year.
        demand: f64,
    },
    /// `sector` loses `share` of its capital at the start of `year`.
    CapitalLoss {
        /// Calendar year.
        year: i32,
        /// The sector.
        sector: String,
        /// Share lost (0 to 1).
        share: f64,
    },
}

/// Random variation of the harvest: a normal factor `1 + harvest_sd · z`, drawn from the seed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Noise {
    /// Standard deviation of the harvest factor (0: none).
    pub harvest_sd: f64,
}

/// A scenario file: one scenario (with `[regime]`), or several that share everything but the
/// regime (with `[regimes.NAME]`, run side by side on the same economy and the same shocks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// See [`Scenario::name`].
    pub name: String,
    /// See [`Scenario::description`].
    #[serde(default)]
    pub description: String,
    /// See [`Scenario::seed`].
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// See [`Scenario::years`].
    pub years: usize,
    /// See [`Scenario::start_year`].
    #[serde(default)]
    pub start_year: i32,
    /// See [`Scenario::weeks_per_year`].
    #[serde(default = "default_weeks")]
    pub weeks_per_year: f64,
    /// See [`Scenario::economy`].
    pub economy: SimEconomy,
    /// The regime of a single scenario.
    #[serde(default)]
    pub regime: Option<Regime>,
    /// Several regimes, by name, each a scenario of its own.
    #[serde(default)]
    pub regimes: BTreeMap<String, Regime>,
    /// See [`Scenario::behaviour`].
    #[serde(default)]
    pub behaviour: Behaviour,
    /// See [`Scenario::shocks`].
    #[serde(default)]
    pub shocks: Vec<Shock>,
    /// See [`Scenario::noise`].
    #[serde(default)]
    pub noise: Noise,
    /// See [`Scenario::history`].
    #[serde(default)]
    pub history: BTreeMap<String, BTreeMap<String, f64>>,
}

impl ScenarioFile {
    /// The scenarios of the file, in the order of their names (`regime` alone: one).
    pub fn scenarios(&self) -> Result<Vec<Scenario>, super::SimError> {
        let regimes: Vec<(String, Regime)> = match (&self.regime, self.regimes.is_empty()) {
            (Some(r), true) => vec![(self.name.clone(), r.clone())],
            (None, false) => self
                .regimes
                .iter()
                .map(|(k, r)| (k.clone(), r.clone()))
                .collect(),
            (Some(_), false) => {
                return Err(super::SimError::field(
                    "regime",
                    "give either [regime] or [regimes.NAME], not both",
                ))
            }
            (None, true) => {
                return Err(super::SimError::field(
                    "regime",
                    "the scenario has no regime; add [regime] with kind = \"democratic\", \"command\" or \"market\"",
                ))
            }
        };
        Ok(regimes
            .into_iter()
            .map(|(name, regime)| Scenario {
                name,
                study: self.name.clone(),
                description: self.description.clone(),
                seed: self.seed,
                years: self.years,
                start_year: self.start_year,
                weeks_per_year: self.weeks_per_year,
                economy: self.economy.clone(),
                regime,
                behaviour: self.behaviour.clone(),
                shocks: self.shocks.clone(),
                noise: self.noise,
                history: self.history.clone(),
            })
            .collect())
    }
}
