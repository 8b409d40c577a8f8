//! Variants of a plan side by side: faster growth against more consumption now, heavy
//! industry first against a balanced plan.

use super::economy::{MultiYearEconomy, TerminalCondition};
use super::model::YearsObjective;
use super::solve::{solve_multi_year, MultiYearError, MultiYearReport};
use crate::lp::LpSettings;
use serde::{Deserialize, Serialize};

/// One variant: what it changes in the economy and the objective (`None`: as the base).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Variant {
    /// Its name.
    pub name: String,
    /// The objective.
    pub objective: Option<YearsObjective>,
    /// Targets growing at this yearly rate from the first year's.
    pub target_growth: Option<f64>,
    /// The terminal condition.
    pub terminal: Option<TerminalCondition>,
    /// The least fulfilment every year must reach.
    pub least_fulfilment: Option<f64>,
}

impl Variant {
    /// The economy of this variant.
    pub fn apply(&self, base: &MultiYearEconomy) -> MultiYearEconomy {
        let mut e = base.clone();
        if let Some(g) = self.target_growth {
            let first = base.targets[0].clone();
            for (t, row) in e.targets.iter_mut().enumerate() {
                *row = first.iter().map(|d| d * (1.0 + g).powi(t as i32)).collect();
            }
        }
        if let Some(terminal) = self.terminal {
            e.terminal = terminal;
        }
        if let Some(least) = self.least_fulfilment {
            e.least_fulfilment = least;
        }
        e
    }
}

/// Plans every variant of `base` (whose own objective is `objective`), in order.
pub fn compare_variants(
    base: &MultiYearEconomy,
    objective: YearsObjective,
    variants: &[Variant],
    limits: &LpSettings,
) -> Result<Vec<MultiYearReport>, MultiYearError> {
    variants
        .iter()
        .map(|v| {
            let e = v.apply(base);
            solve_multi_year(&e, v.objective.unwrap_or(objective), limits).map(|s| s.report)
        })
        .collect()
}
