//! The multi-year economy: technology, capital, and the path of targets, labour and resources.

use crate::error::ModelError;
use serde::{Deserialize, Serialize};

/// One technique (process): what a run of it makes and uses. With one technique per good and
/// each making one unit of its own good, the economy is Leontief's (and Cockshott's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Technique {
    /// Its name.
    pub name: String,
    /// `(good, b)`: units of each good made per run (several: joint production).
    pub outputs: Vec<(usize, f64)>,
    /// `(good, a)`: units of each good used per run.
    pub inputs: Vec<(usize, f64)>,
    /// Hours of labour per run.
    pub labour: f64,
    /// `(resource, r)`: units of each scarce resource per run.
    #[serde(default)]
    pub resources: Vec<(usize, f64)>,
    /// Most runs in any one year, if limited by something other than capital.
    #[serde(default)]
    pub capacity: Option<f64>,
}

/// One capital cell: the stock of capital good `good` that technique `process` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapitalCell {
    /// The capital good `s`.
    pub good: usize,
    /// The technique `i` that holds it (for Cockshott's economies, the industry of good `i`).
    #[serde(alias = "industry")]
    pub process: usize,
    /// Units of stock per run of the technique (`b_si`).
    pub per_unit: f64,
    /// Yearly depreciation rate (`δ_si`, in `[0, 1]`).
    pub depreciation: f64,
    /// Stock at the start of the plan (`K⁰_si`).
    pub initial_stock: f64,
    /// Construction lag in years (`≥ 1`): investment in year `t` is capacity from year `t + lag`.
    #[serde(default = "one_year")]
    pub lag: usize,
}

fn one_year() -> usize {
    1
}

/// What the capital stock must be after the last year, so that the plan does not eat its seed
/// corn. The stock after the plan is `(1 − δ) K_T + A`, where `A` is the investment that lands
/// just after the last year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum TerminalCondition {
    /// No condition (Cockshott's model): nothing is invested for the years after the plan.
    #[default]
    None,
    /// Every cell's stock after the plan is at least its stock at the start.
    AtLeastStart,
    /// Every cell's stock after the plan is at least `(1 + rate)` times its stock in the last
    /// year: the economy can go on growing at `rate` (the targets' own growth rate, by default).
    Growing {
        /// The growth rate (`≥ 0`; 0.03 is 3 % a year).
        rate: f64,
    },
}

/// A multi-year economy: technology, capital and the path of targets, labour and resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiYearEconomy {
    /// Names of the goods.
    pub goods: Vec<String>,
    /// The techniques.
    pub processes: Vec<Technique>,
    /// Names of the scarce resources (land, emissions allowances …).
    #[serde(default)]
    pub resources: Vec<String>,
    /// The capital cells (techniques needing no stock of a good leave its cell out).
    pub cells: Vec<CapitalCell>,
    /// Consumption targets, `targets[t][j]` for year `t` (0-based) and good `j`: the plan
    /// provides `λ_t` bundles of them.
    pub targets: Vec<Vec<f64>>,
    /// Committed consumption of each good, met in full every year (empty: none).
    #[serde(default)]
    pub committed: Vec<f64>,
    /// Hours of labour available in each year.
    pub labour_available: Vec<f64>,
    /// `resource_limits[t][q]`: units of resource `q` available in year `t` (`None`: no limit;
    /// empty when there are no resources).
    #[serde(default)]
    pub resource_limits: Vec<Vec<Option<f64>>>,
    /// Investment made before the plan that lands in the plan's years: `in_construction[t][c]`
    /// units join cell `c`'s stock in year `t` (empty: none). A re-plan carries the plan's
    /// investment under way here.
    #[serde(default)]
    pub in_construction: Vec<Vec<f64>>,
    /// The condition on the capital left after the last year.
    #[serde(default)]
    pub terminal: TerminalCondition,
    /// Every year's fulfilment must be at least this (`λ_t ≥ least_fulfilment`; 1 makes the
    /// targets binding, and an economy that cannot meet them is infeasible and explained).
    #[serde(default)]
    pub least_fulfilment: f64,
    /// People who share the work, per year (empty: not given), for the working week.
    #[serde(default)]
    pub workers: Vec<f64>,
    /// Weeks of work in a year, for the working week (default 52).
    #[serde(default = "weeks_in_a_year")]
    pub weeks_per_year: f64,
}

fn weeks_in_a_year() -> f64 {
    52.0
}

impl MultiYearEconomy {
    /// Leontief's (and Cockshott's) economy: one technique per good, making one unit of it.
    /// `inputs[i]` holds `(j, a_ji)` for industry `i`; cells name industries as processes.
    pub fn leontief(
        goods: Vec<String>,
        inputs: Vec<Vec<(usize, f64)>>,
        labour: Vec<f64>,
        cells: Vec<CapitalCell>,
        targets: Vec<Vec<f64>>,
        labour_available: Vec<f64>,
    ) -> Self {
        let processes = goods
            .iter()
            .zip(inputs)
            .zip(labour)
            .enumerate()
            .map(|(i, ((name, inputs), labour))| Technique {
                name: name.clone(),
                outputs: vec![(i, 1.0)],
                inputs,
                labour,
                resources: Vec::new(),
                capacity: None,
            })
            .collect();
        Self {
            goods,
            processes,
            resources: Vec::new(),
            cells,
            targets,
            committed: Vec::new(),
            labour_available,
            resource_limits: Vec::new(),
            in_construction: Vec::new(),
            terminal: TerminalCondition::None,
            least_fulfilment: 0.0,
            workers: Vec::new(),
            weeks_per_year: weeks_in_a_year(),
        }
    }

    /// Number of goods.
    pub fn n(&self) -> usize {
        self.goods.len()
    }

    /// Number of years.
    pub fn years(&self) -> usize {
        self.targets.len()
    }

    /// Committed consumption of good `j` (0 when none is given).
    pub fn committed_of(&self, j: usize) -> f64 {
        self.committed.get(j).copied().unwrap_or(0.0)
    }

    /// The limit of resource `q` in year `t`, if any.
    pub fn resource_limit(&self, t: usize, q: usize) -> Option<f64> {
        self.resource_limits
            .get(t)
            .and_then(|r| r.get(q).copied().flatten())
    }

    /// Units of cell `c` under construction that land in year `t`.
    pub fn arriving(&self, t: usize, c: usize) -> f64 {
        self.in_construction
            .get(t)
            .and_then(|r| r.get(c).copied())
            .unwrap_or(0.0)
    }

    /// The year after the last in which investment in cell `c` may still be made: investment in
    /// year `t` lands in `t + lag`, which must be within the plan, or just after it when a
    /// terminal condition counts the stock left.
    pub(crate) fn invests_in(&self, t: usize, c: usize) -> bool {
        let last_landing = match self.terminal {
            TerminalCondition::None => self.years() - 1,
            _ => self.years(),
        };
        t + self.cells[c].lag <= last_landing
    }

    /// Checks dimensions, signs and finiteness; errors name the good, technique, cell or year.
    pub fn validate(&self) -> Result<(), ModelError> {
        let (n, years) = (self.n(), self.years());
        let bad = |what: String| Err(ModelError::Invalid(what));
        if n == 0 || years == 0 {
            return bad("a multi-year economy needs at least one good and one year".into());
        }
        let amount = |v: f64| v.is_finite() && v >= 0.0;
        let known =
            |list: &[(usize, f64)], count: usize| list.iter().all(|&(k, v)| k < count && amount(v));
        for p in &self.processes {
            let ok = known(&p.outputs, n)
                && p.outputs.iter().any(|&(_, v)| v > 0.0)
                && known(&p.inputs, n)
                && known(&p.resources, self.resources.len())
                && amount(p.labour)
                && p.capacity.is_none_or(amount);
            if !ok {
                return bad(format!(
                    "technique {}: it must make a positive amount of at least one known good, and its inputs, labour, resources and capacity must be finite non-negative amounts of known goods and resources",
                    p.name
                ));
            }
        }
        for (k, c) in self.cells.iter().enumerate() {
            let ok = c.good < n
                && c.process < self.processes.len()
                && amount(c.per_unit)
                && (0.0..=1.0).contains(&c.depreciation)
                && amount(c.initial_stock)
                && c.lag >= 1;
            if !ok {
                return bad(format!("capital cell #{k} ({c:?}): a known good and technique, b ≥ 0, δ in [0, 1], K⁰ ≥ 0 and finite, lag ≥ 1 year"));
            }
        }
        if self.labour_available.len() != years {
            return bad(format!(
                "{years} years of targets but {} years of labour",
                self.labour_available.len()
            ));
        }
        if !(self.committed.is_empty() || self.committed.len() == n)
            || !self.committed.iter().all(|v| amount(*v))
        {
            return bad(format!(
                "committed consumption: {n} finite non-negative amounts expected"
            ));
        }
        for (t, row) in self.targets.iter().enumerate() {
            if row.len() != n || !row.iter().all(|d| amount(*d)) {
                return bad(format!(
                    "year {}: {n} finite non-negative targets expected",
                    t + 1
                ));
            }
            if !amount(self.labour_available[t]) {
                return bad(format!(
                    "year {}: labour available {}; give the hours as a finite number of 0 or more",
                    t + 1,
                    self.labour_available[t]
                ));
            }
        }
        // Per-year vectors are either empty (not given) or one entry per year.
        let by_year = |name: &str, len: usize| {
            if len != 0 && len != years {
                return bad(format!("{name}: {years} years expected, {len} given"));
            }
            Ok(())
        };
        by_year("resource limits", self.resource_limits.len())?;
        by_year("investment under way", self.in_construction.len())?;
        by_year("workers", self.workers.len())?;
        for (t, row) in self.resource_limits.iter().enumerate() {
            if row.len() != self.resources.len() || !row.iter().flatten().all(|v| amount(*v)) {
                return bad(format!(
                    "year {}: {} resource limits expected, each finite and 0 or more",
                    t + 1,
                    self.resources.len()
                ));
            }
        }
        for (t, row) in self.in_construction.iter().enumerate() {
            if row.len() != self.cells.len() || !row.iter().all(|v| amount(*v)) {
                return bad(format!(
                    "year {}: investment under way for {} cells expected",
                    t + 1,
                    self.cells.len()
                ));
            }
        }
        if !self.workers.iter().all(|w| w.is_finite() && *w > 0.0) {
            return bad("workers: a positive number of people per year".into());
        }
        if !(self.weeks_per_year.is_finite() && self.weeks_per_year > 0.0) {
            return bad(format!(
                "weeks per year is {}; give a positive number",
                self.weeks_per_year
            ));
        }
        if !amount(self.least_fulfilment) {
            return bad(format!(
                "the least fulfilment is {}; give 0 or more (1: the targets must be met)",
                self.least_fulfilment
            ));
        }
        if let TerminalCondition::Growing { rate } = self.terminal {
            if !amount(rate) {
                return bad(format!(
                    "the terminal growth rate is {rate}; give 0 or more"
                ));
            }
        }
        Ok(())
    }

    /// Labour values: the hours each good embodies, directly and through its inputs, made
    /// the cheapest way, `v_j = min_p (l_p + Σ_i a_ip v_i) / b_jp` over the single-output
    /// techniques `p` of `j` (for one technique per good, `v = l (I − A)⁻¹`). Found by value
    /// iteration from zero, which rises to the fixed point for a productive economy; `None` when
    /// some good has no single-output technique or the iteration does not settle.
    pub fn labour_values(&self) -> Option<Vec<f64>> {
        let n = self.n();
        let mut makers: Vec<Vec<&Technique>> = vec![Vec::new(); n];
        for p in &self.processes {
            if let [(j, b)] = p.outputs[..] {
                if b > 0.0 {
                    makers[j].push(p);
                }
            }
        }
        if makers.iter().any(Vec::is_empty) {
            return None;
        }
        let mut v = vec![0.0; n];
        for _ in 0..10_000 {
            let next: Vec<f64> = makers
                .iter()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let inputs: f64 = p.inputs.iter().map(|&(i, a)| a * v[i]).sum();
                            (p.labour + inputs) / p.outputs[0].1
                        })
                        .fold(f64::INFINITY, f64::min)
                })
                .collect();
            let change = next
                .iter()
                .zip(&v)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            let size = next.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            v = next;
            if !size.is_finite() {
                return None;
            }
            if change <= 1e-13 * (1.0 + size) {
                return Some(v);
            }
        }
        None
    }

    /// The yearly growth rate of the targets, `(Σ_j d_jT / Σ_j d_j1)^(1/(T−1)) − 1` (0 for one
    /// year or no targets): the rate at which a [`TerminalCondition::Growing`] plan goes on.
    pub fn target_growth(&self) -> f64 {
        let total = |t: usize| self.targets[t].iter().sum::<f64>();
        let years = self.years();
        if years < 2 || total(0) <= 0.0 {
            return 0.0;
        }
        (total(years - 1) / total(0)).powf(1.0 / (years - 1) as f64) - 1.0
    }
}
