//! Re-planning on a rolling horizon: after the first year, what actually happened becomes the
//! start of a new plan for the years that remain.

use super::economy::MultiYearEconomy;
use super::model::MultiYearLp;
use super::report::MultiYearPlan;
use crate::error::ModelError;
use crate::lp::LpSolution;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What happened in the first year of a plan, where it differs from the plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct YearOutcome {
    /// `(technique, share)`: the share of its planned output it delivered (a bad harvest:
    /// 0.7). What is missing is taken from the investment in the goods it makes, then from
    /// consumption.
    #[serde(default)]
    pub delivered: Vec<(usize, f64)>,
    /// `(cell, share)`: the share of the cell's stock lost by the end of the year (a flood, a
    /// fire).
    #[serde(default)]
    pub capital_lost: Vec<(usize, f64)>,
}

/// Which years the re-plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Horizon {
    /// Years `2..T+1`: the horizon rolls on by a year, whose targets, labour and resources
    /// continue the last year's growth.
    #[default]
    Roll,
    /// Years `2..T`: the rest of the same plan (with no shock, the optimum of the rest is the
    /// rest of the optimum).
    Keep,
}

/// The economy of the re-plan: stocks at the start of year 2 as they turned out, investment
/// still under construction, and the years of `horizon`.
pub fn replan_economy(
    economy: &MultiYearEconomy,
    plan: &MultiYearPlan,
    outcome: &YearOutcome,
    horizon: Horizon,
) -> Result<MultiYearEconomy, ModelError> {
    economy.validate()?;
    let e = economy;
    let share = |v: f64, what: &str| {
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(ModelError::Invalid(format!(
                "{what} is {v}; give a share between 0 and 1"
            )))
        }
    };
    let first = &plan.years[0];
    // What each good fell short by in year 1.
    let mut short = vec![0.0; e.n()];
    for &(p, delivered) in &outcome.delivered {
        let tech = e
            .processes
            .get(p)
            .ok_or_else(|| ModelError::Invalid(format!("technique #{p} does not exist")))?;
        let delivered = share(delivered, &format!("the share of {} delivered", tech.name))?;
        for &(j, b) in &tech.outputs {
            short[j] += (1.0 - delivered) * b * first.activity[p];
        }
    }
    // The shortfall of a good cuts its investment first, in proportion over its cells.
    let cut: Vec<f64> = (0..e.n())
        .map(|j| {
            if first.investment[j] > 0.0 {
                (short[j] / first.investment[j]).min(1.0)
            } else {
                0.0
            }
        })
        .collect();
    let invested: Vec<f64> = first
        .invested
        .iter()
        .zip(&e.cells)
        .map(|(a, cell)| a * (1.0 - cut[cell.good]))
        .collect();
    let mut lost = vec![0.0; e.cells.len()];
    for &(c, l) in &outcome.capital_lost {
        let cell = e
            .cells
            .get(c)
            .ok_or_else(|| ModelError::Invalid(format!("capital cell #{c} does not exist")))?;
        lost[c] = share(
            l,
            &format!(
                "the share of {}'s stock of {} lost",
                e.processes[cell.process].name, e.goods[cell.good]
            ),
        )?;
    }
    let years = e.years();
    let new_years = match horizon {
        Horizon::Roll => years,
        Horizon::Keep => years - 1,
    };
    if new_years == 0 {
        return Err(ModelError::Invalid(
            "a one-year plan has no years left to re-plan; roll the horizon on".into(),
        ));
    }
    // Year t of the new plan is year t + 1 of the old; the rolled-on year continues the growth.
    let extend = |v: &[f64]| -> Vec<f64> {
        let mut out = v[1..].to_vec();
        if new_years == years {
            let last = v[years - 1];
            let growth = if years >= 2 && v[years - 2] > 0.0 {
                last / v[years - 2]
            } else {
                1.0
            };
            out.push(last * growth);
        }
        out
    };
    let by_good = |t: usize| -> Vec<f64> { e.targets.iter().map(|row| row[t]).collect() };
    let columns: Vec<Vec<f64>> = (0..e.n()).map(|j| extend(&by_good(j))).collect();
    let targets = (0..new_years)
        .map(|t| columns.iter().map(|c| c[t]).collect())
        .collect();
    let mut next = e.clone();
    next.targets = targets;
    next.labour_available = extend(&e.labour_available);
    if !e.workers.is_empty() {
        next.workers = extend(&e.workers);
    }
    if !e.resource_limits.is_empty() {
        let mut limits = e.resource_limits[1..].to_vec();
        if new_years == years {
            limits.push(e.resource_limits[years - 1].clone());
        }
        next.resource_limits = limits;
    }
    let mut arriving = vec![vec![0.0; e.cells.len()]; new_years];
    for (c, cell) in e.cells.iter().enumerate() {
        next.cells[c].initial_stock = ((1.0 - cell.depreciation) * first.stocks[c]
            + e.arriving(1, c)
            + if cell.lag == 1 { invested[c] } else { 0.0 })
            * (1.0 - lost[c]);
        for (t, row) in arriving.iter_mut().enumerate() {
            // New year t is old year t + 1 (whose arrivals are in the starting stock); what was
            // under way for the later years still arrives, and year 1's investment with a
            // longer lag lands in old year `lag`, new year `lag − 1`.
            let under_way = if t == 0 { 0.0 } else { e.arriving(t + 1, c) };
            row[c] = under_way
                + if cell.lag >= 2 && t == cell.lag - 1 {
                    invested[c]
                } else {
                    0.0
                };
        }
    }
    next.in_construction = arriving;
    next.validate()?;
    Ok(next)
}

/// A start for the re-plan's LP from the plan's solution: every column and row of new year `t`
/// takes the value of its namesake in old year `t + 1` (zero where there is none).
pub fn shifted_start(
    old: &MultiYearLp,
    sol: &LpSolution,
    new: &MultiYearLp,
) -> (Vec<f64>, Vec<f64>) {
    let shift = |names: &[String], values: &[f64], wanted: &[String]| -> Vec<f64> {
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(k, s)| (s.as_str(), k))
            .collect();
        wanted
            .iter()
            .map(|name| {
                older(name)
                    .and_then(|o| index.get(o.as_str()))
                    .map_or(0.0, |&k| values[k])
            })
            .collect()
    };
    (
        shift(&old.lp.col_names, &sol.x, &new.lp.col_names),
        shift(&old.lp.row_names, &sol.y, &new.lp.row_names),
    )
}

/// `kind_t_rest` → `kind_{t+1}_rest` (names without a year stay as they are).
fn older(name: &str) -> Option<String> {
    let (kind, rest) = name.split_once('_')?;
    let (year, tail) = rest.split_once('_').unwrap_or((rest, ""));
    let t: usize = year.parse().ok()?;
    Some(if tail.is_empty() {
        format!("{kind}_{}", t + 1)
    } else {
        format!("{kind}_{}_{tail}", t + 1)
    })
}
