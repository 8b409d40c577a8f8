//! What a simulated year leaves behind: the measures of the report and the checks of the
//! accounting identities.

use serde::{Deserialize, Serialize};

/// One simulated year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearRecord {
    /// Calendar year.
    pub year: i32,
    /// The plan's fulfilment of its consumption targets (democratic regime; 1 elsewhere).
    pub lambda: f64,
    /// What bound the plan: a sector's capacity, "labour", or "" when the targets were met.
    pub binding: String,
    /// Gross output planned, per product.
    pub planned: Vec<f64>,
    /// Gross output made, per product.
    pub produced: Vec<f64>,
    /// Consumed, per product (everyone together).
    pub consumed: Vec<f64>,
    /// Consumption targets of the plan, per product.
    pub targets: Vec<f64>,
    /// Stocks carried into next year, per product.
    pub stocks: Vec<f64>,
    /// Capacity at the start of the year, per product.
    pub capacity: Vec<f64>,
    /// Price over labour value (1 at value; above: scarce; below: surplus), per product.
    pub price_ratio: Vec<f64>,
    /// The harvest (gross output of the grain sector), 0 without one.
    pub harvest: f64,
    /// Grain taken by procurement (or marketed, under the market regime).
    pub procurement: f64,
    /// Grain exported.
    pub exports: f64,
    /// The herd (livestock sector's capacity) at the start of the year.
    pub herd: f64,
    /// Gross output of heavy industry.
    pub heavy_output: f64,
    /// Grain eaten per person.
    pub grain_per_person: f64,
    /// Hours worked, everyone together.
    pub hours_worked: f64,
    /// The working week: hours worked per worker per working week.
    pub working_week: f64,
    /// Share of needs met, valued at labour values (everyone together).
    pub needs_met: f64,
    /// Share of needs met of the worst-off group.
    pub needs_met_worst: f64,
    /// People in groups that ate less than 80 % of their grain need.
    pub hungry_people: f64,
    /// Gini coefficient of consumption per person (valued at labour values).
    pub gini: f64,
    /// Share of consumption of the top tenth of people.
    pub top_tenth: f64,
    /// Demand at labour value that the supply could not meet, in hours (queues).
    pub unmet_hours: f64,
    /// Labour-time accounting: hours deducted (investment, common goods, care together).
    pub deductions: f64,
    /// Credits issued.
    pub credits: f64,
    /// Labour value of what was consumed.
    pub consumption_hours: f64,
    /// Labour value of the investment goods delivered.
    pub investment_hours: f64,
    /// Per group: consumption per person, valued at labour values.
    pub group_consumption: Vec<f64>,
    /// Per group: share of needs met.
    pub group_needs_met: Vec<f64>,
    /// Per group: effort (1 = full).
    pub group_effort: Vec<f64>,
    /// Sweeps of the year's Leontief solves (warm-started from the last year).
    pub solve_sweeps: usize,
    /// The accounting identities, checked.
    pub identities: Identities,
}

/// The accounting identities of a year, as residuals (0 when they hold).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Identities {
    /// `|credits issued − (hours worked − deductions)|`, summed over groups.
    pub credits_gap: f64,
    /// The largest excess of a good's uses over what was made plus stocks, relative to the
    /// latter (0 when goods consumed ≤ goods produced + stocks holds).
    pub overuse: f64,
    /// `|v · net output − hours worked| / hours worked`: the labour values of net output sum
    /// to the hours worked.
    pub value_gap: f64,
}

impl Identities {
    /// Whether all three hold to rounding (`tol` relative to the year's hours).
    pub fn hold(&self, hours: f64, tol: f64) -> bool {
        self.credits_gap <= tol * hours.max(1.0) && self.overuse <= tol && self.value_gap <= tol
    }
}
