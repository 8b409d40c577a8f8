//! The plan read back from a solution of its LP: year by year, and a summary.

use super::economy::MultiYearEconomy;
use super::model::MultiYearLp;
use crate::lp::LpSolution;
use serde::{Deserialize, Serialize};

/// One year of a multi-year plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanYear {
    /// The fulfilment `λ_t`: consumption is at least the committed needs plus `λ_t` times the
    /// year's targets (for a harmony plan, the least such multiple the plan reaches).
    pub lambda: f64,
    /// Runs of each technique.
    pub activity: Vec<f64>,
    /// Gross output of each good.
    pub output: Vec<f64>,
    /// Final consumption of each good.
    pub consumption: Vec<f64>,
    /// Investment drawn from each good this year (capacity `lag` years on).
    pub investment: Vec<f64>,
    /// Investment in each capital cell made this year.
    pub invested: Vec<f64>,
    /// The stock of each capital cell this year.
    pub stocks: Vec<f64>,
    /// The share of each cell's stock the plan uses (`b x / K`; NaN for an empty stock).
    pub capacity_used: Vec<f64>,
    /// Hours of labour the plan uses.
    pub labour_used: f64,
    /// Hours a week each worker works if the hours are shared equally (when workers are given).
    pub working_week: Option<f64>,
    /// Units of each resource used.
    pub resources_used: Vec<f64>,
    /// Objectively determined valuations (duals) of this year's goods: the gain in the objective
    /// from one more unit of each good in this year.
    pub goods_valuation: Vec<f64>,
    /// The valuation of one more hour of labour in this year.
    pub labour_valuation: f64,
    /// The valuation of one more unit of each capital cell's stock in this year.
    pub capital_valuation: Vec<f64>,
    /// What limits this year's plan, in the economy's words: labour, resources and capital
    /// cells that are used up and worth something.
    pub binding: Vec<String>,
}

/// A multi-year plan read from a solution of its LP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiYearPlan {
    /// `Σ_t λ_t`.
    pub total_lambda: f64,
    /// The years, in order.
    pub years: Vec<PlanYear>,
    /// The stock of each cell left after the last year (`(1 − δ) K_T` plus what lands then).
    pub stocks_after: Vec<f64>,
    /// The trade-off the plan made, in a few figures.
    pub summary: PlanSummary,
}

/// The plan in a few figures: how consumption grows and how much is invested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// Consumption in each year as a share of the first year's targets, averaged over the
    /// targeted goods (`mean_j C_jt / d_j1`).
    pub consumption_index: Vec<f64>,
    /// Yearly growth of that index, from the first year to the last (`NaN` for one year or a
    /// first year without consumption).
    pub consumption_growth: f64,
    /// Share of final output invested in each year, `v·A / v·(C + A)`, valued at the goods'
    /// labour values `v` ([`MultiYearEconomy::labour_values`]), or where there are none at the
    /// year's objectively determined valuations (`NaN` when nothing final has value).
    pub share_invested: Vec<f64>,
    /// The capital stock in each year as a share of the stock at the start, averaged over the
    /// cells that start with some (`mean_c K_ct / K⁰_c`).
    pub capital_index: Vec<f64>,
    /// Hours of labour used in each year.
    pub labour_used: Vec<f64>,
    /// The share of all the plan's hours left idle, `1 − Σ_t used / Σ_t available`.
    pub labour_idle: f64,
    /// What binds in each year (see [`PlanYear::binding`]).
    pub binding: Vec<Vec<String>>,
}

/// A valuation (dual) below this counts as zero when naming what binds.
const BINDING_DUAL: f64 = 1e-9;

/// Reads the plan from a solution of `mlp`.
pub fn read_plan(economy: &MultiYearEconomy, mlp: &MultiYearLp, sol: &LpSolution) -> MultiYearPlan {
    let e = economy;
    let l = &mlp.layout;
    let (x, y) = (&sol.x, &sol.y);
    let dual = |r: usize| y.get(r).copied().unwrap_or(f64::NAN);
    let harmony = !l.segments.is_empty();
    let years: Vec<PlanYear> = (0..l.years)
        .map(|t| {
            let activity: Vec<f64> = (0..l.m).map(|p| x[l.activity(t, p)]).collect();
            let mut output = vec![0.0; l.n];
            let mut resources_used = vec![0.0; e.resources.len()];
            for (p, tech) in e.processes.iter().enumerate() {
                for &(j, v) in &tech.outputs {
                    output[j] += v * activity[p];
                }
                for &(q, v) in &tech.resources {
                    resources_used[q] += v * activity[p];
                }
            }
            let consumption: Vec<f64> = (0..l.n).map(|j| x[l.consumption(t, j)]).collect();
            let invested: Vec<f64> = (0..l.cells)
                .map(|c| l.investment(t, c).map_or(0.0, |col| x[col]))
                .collect();
            let mut investment = vec![0.0; l.n];
            for (cell, a) in e.cells.iter().zip(&invested) {
                investment[cell.good] += a;
            }
            let stocks: Vec<f64> = (0..l.cells).map(|c| x[l.stock(t, c)]).collect();
            let capacity_used = e
                .cells
                .iter()
                .zip(&stocks)
                .map(|(cell, k)| {
                    if *k > 0.0 {
                        cell.per_unit * activity[cell.process] / k
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            let labour_used: f64 = e
                .processes
                .iter()
                .zip(&activity)
                .map(|(p, a)| p.labour * a)
                .sum();
            let working_week = e.workers.get(t).map(|w| labour_used / w / e.weeks_per_year);
            let labour_valuation = dual(l.labour_row(t));
            let mut binding = Vec::new();
            if labour_valuation.abs() > BINDING_DUAL {
                binding.push(format!(
                    "labour ({:.6} of {:.6} hours)",
                    labour_used, e.labour_available[t]
                ));
            }
            for (q, name) in e.resources.iter().enumerate() {
                if let Some(r) = l.resource_row(t, q) {
                    if dual(r).abs() > BINDING_DUAL {
                        binding.push(format!(
                            "{name} ({:.6} of {:.6})",
                            resources_used[q],
                            e.resource_limit(t, q).unwrap_or(f64::NAN)
                        ));
                    }
                }
            }
            for (c, cell) in e.cells.iter().enumerate() {
                if dual(l.capacity_row(t, c)).abs() > BINDING_DUAL {
                    binding.push(format!(
                        "{}'s stock of {}",
                        e.processes[cell.process].name, e.goods[cell.good]
                    ));
                }
            }
            let lambda = if harmony {
                least_fulfilment(e, t, &consumption)
            } else {
                x[l.lambda(t)]
            };
            PlanYear {
                lambda,
                activity,
                output,
                consumption,
                investment,
                invested,
                stocks,
                capacity_used,
                labour_used,
                working_week,
                resources_used,
                goods_valuation: (0..l.n).map(|j| dual(l.balance_row(t, j))).collect(),
                labour_valuation,
                capital_valuation: (0..l.cells).map(|c| dual(l.stock_row(t, c))).collect(),
                binding,
            }
        })
        .collect();
    let last = l.years - 1;
    let stocks_after = e
        .cells
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            let landing = (last + 1)
                .checked_sub(cell.lag)
                .and_then(|s| l.investment(s, c));
            (1.0 - cell.depreciation) * years[last].stocks[c] + landing.map_or(0.0, |col| x[col])
        })
        .collect();
    let summary = summarise(e, &years);
    MultiYearPlan {
        total_lambda: years.iter().map(|y| y.lambda).sum(),
        years,
        stocks_after,
        summary,
    }
}

/// `min_j (C_jt − d0_j) / d_jt` over the targeted goods (0 when nothing is targeted).
fn least_fulfilment(e: &MultiYearEconomy, t: usize, consumption: &[f64]) -> f64 {
    let least = (0..e.n())
        .filter(|&j| e.targets[t][j] > 0.0)
        .map(|j| (consumption[j] - e.committed_of(j)) / e.targets[t][j])
        .fold(f64::INFINITY, f64::min);
    if least.is_finite() {
        least.max(0.0)
    } else {
        0.0
    }
}

fn summarise(e: &MultiYearEconomy, years: &[PlanYear]) -> PlanSummary {
    let targeted: Vec<usize> = (0..e.n()).filter(|&j| e.targets[0][j] > 0.0).collect();
    let consumption_index: Vec<f64> = years
        .iter()
        .map(|y| {
            let sum: f64 = targeted
                .iter()
                .map(|&j| y.consumption[j] / e.targets[0][j])
                .sum();
            if targeted.is_empty() {
                f64::NAN
            } else {
                sum / targeted.len() as f64
            }
        })
        .collect();
    let span = years.len().saturating_sub(1);
    let consumption_growth = match (consumption_index.first(), consumption_index.last()) {
        (Some(&a), Some(&b)) if span > 0 && a > 0.0 => (b / a).powf(1.0 / span as f64) - 1.0,
        _ => f64::NAN,
    };
    let values = e.labour_values();
    let share_invested = years
        .iter()
        .map(|y| {
            let prices = values.as_ref().unwrap_or(&y.goods_valuation);
            let value = |v: &[f64]| v.iter().zip(prices).map(|(a, p)| a * p).sum::<f64>();
            let (inv, cons) = (value(&y.investment), value(&y.consumption));
            if inv + cons > 0.0 {
                inv / (inv + cons)
            } else {
                f64::NAN
            }
        })
        .collect();
    let started: Vec<(usize, f64)> = e
        .cells
        .iter()
        .map(|c| c.initial_stock)
        .enumerate()
        .filter(|(_, k)| *k > 0.0)
        .collect();
    let capital_index = years
        .iter()
        .map(|y| {
            let sum: f64 = started.iter().map(|&(c, k0)| y.stocks[c] / k0).sum();
            if started.is_empty() {
                f64::NAN
            } else {
                sum / started.len() as f64
            }
        })
        .collect();
    PlanSummary {
        capital_index,
        consumption_index,
        consumption_growth,
        share_invested,
        labour_used: years.iter().map(|y| y.labour_used).collect(),
        labour_idle: {
            let available: f64 = e.labour_available.iter().sum();
            let used: f64 = years.iter().map(|y| y.labour_used).sum();
            if available > 0.0 {
                1.0 - used / available
            } else {
                f64::NAN
            }
        },
        binding: years.iter().map(|y| y.binding.clone()).collect(),
    }
}
