//! The staircase LP of a multi-year plan, and where each variable and row sits.

use super::economy::{MultiYearEconomy, TerminalCondition};
use crate::error::ModelError;
use crate::lp::{LinearProgram, Sense};
use crate::matrix::CsrMatrix;
use crate::plan::harmony::tangent_segments;
use serde::{Deserialize, Serialize};

/// What a multi-year plan maximises. Only the objective's value is unique in general: how the
/// fulfilment is split over the years may not be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum YearsObjective {
    /// `Σ_t λ_t` (Cockshott's).
    #[default]
    SumLambda,
    /// `min_t λ_t`: the worst year as good as it can be (an extra variable `μ ≤ λ_t`); then,
    /// by [`super::solve_multi_year`], the greatest `Σ λ_t` with every year at that level.
    MinLambda,
    /// `Σ_t λ_t / (1 + rate)^(t−1)`: earlier years count more.
    Discounted {
        /// The yearly discount rate (`≥ 0`).
        rate: f64,
    },
    /// Cockshott's harmony summed over goods and years, `Σ_t Σ_j w H(z_jt / d_jt − 1)` with
    /// `z_jt` the consumption above the committed needs (see [`crate::plan::harmony`](mod@crate::plan::harmony)):
    /// shortfalls hurt more than surpluses help, in every year.
    Harmony,
}

/// Where each variable and row of a [`MultiYearLp`] sits.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiYearLayout {
    pub(crate) n: usize,
    pub(crate) m: usize,
    pub(crate) cells: usize,
    pub(crate) years: usize,
    col0: Vec<usize>,
    row0: Vec<usize>,
    /// For each year, the fulfilment row of each good (`None` where nothing is targeted).
    fulfilment: Vec<Vec<Option<usize>>>,
    /// For each year, the row of each resource (`None` where it has no limit).
    resource_rows: Vec<Vec<Option<usize>>>,
    /// For each year, the investment column of each cell (`None` where it would land too late).
    investment: Vec<Vec<Option<usize>>>,
    /// The terminal row of each cell (when there is a terminal condition).
    terminal: Vec<usize>,
    /// Harmony's segment columns: for each year and good, the range of its segments.
    pub(crate) segments: Vec<Vec<std::ops::Range<usize>>>,
}

impl MultiYearLayout {
    /// Column of the runs of technique `p` in year `t`.
    pub fn activity(&self, t: usize, p: usize) -> usize {
        self.col0[t] + p
    }
    /// Column of the consumption of good `j` in year `t`.
    pub fn consumption(&self, t: usize, j: usize) -> usize {
        self.col0[t] + self.m + j
    }
    /// Column of `λ_t`.
    pub fn lambda(&self, t: usize) -> usize {
        self.col0[t] + self.m + self.n
    }
    /// Column of cell `c`'s stock in year `t`.
    pub fn stock(&self, t: usize, c: usize) -> usize {
        self.col0[t] + self.m + self.n + 1 + c
    }
    /// Column of the investment in cell `c` made in year `t`, if it can land in time.
    pub fn investment(&self, t: usize, c: usize) -> Option<usize> {
        self.investment[t][c]
    }
    /// Row of the balance of good `j` in year `t`.
    pub fn balance_row(&self, t: usize, j: usize) -> usize {
        self.row0[t] + j
    }
    /// Row of the fulfilment of good `j` in year `t`, if it has a target or a committed need.
    pub fn fulfilment_row(&self, t: usize, j: usize) -> Option<usize> {
        self.fulfilment[t][j]
    }
    /// Row of year `t`'s labour.
    pub fn labour_row(&self, t: usize) -> usize {
        self.row0[t] + self.n + self.fulfilment[t].iter().flatten().count()
    }
    /// Row of resource `q` in year `t`, if it has a limit.
    pub fn resource_row(&self, t: usize, q: usize) -> Option<usize> {
        self.resource_rows[t][q]
    }
    fn resource_count(&self, t: usize) -> usize {
        self.resource_rows[t].iter().flatten().count()
    }
    /// Row of the capacity of cell `c` in year `t`.
    pub fn capacity_row(&self, t: usize, c: usize) -> usize {
        self.labour_row(t) + 1 + self.resource_count(t) + c
    }
    /// Row of the stock of cell `c` in year `t`.
    pub fn stock_row(&self, t: usize, c: usize) -> usize {
        self.capacity_row(t, 0) + self.cells + c
    }
    /// The terminal row of cell `c`, if there is a terminal condition.
    pub fn terminal_row(&self, c: usize) -> Option<usize> {
        self.terminal.get(c).copied()
    }
}

/// The LP of a multi-year plan and its layout.
#[derive(Debug, Clone)]
pub struct MultiYearLp {
    /// The LP.
    pub lp: LinearProgram,
    /// Where its variables and rows sit.
    pub layout: MultiYearLayout,
}

/// Columns, bounds and rows as they are added.
#[derive(Default)]
pub(super) struct Builder {
    triplets: Vec<(u32, u32, f64)>,
    pub(super) c: Vec<f64>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    col_names: Vec<String>,
    row_upper: Vec<f64>,
    row_names: Vec<String>,
}

impl Builder {
    pub(super) fn col(&mut self, name: String, lower: f64, upper: f64) -> usize {
        self.c.push(0.0);
        self.col_lower.push(lower);
        self.col_upper.push(upper);
        self.col_names.push(name);
        self.c.len() - 1
    }
    /// A row `… ≤ upper`.
    fn row(&mut self, name: String, upper: f64) -> usize {
        self.row_upper.push(upper);
        self.row_names.push(name);
        self.row_upper.len() - 1
    }
    pub(super) fn put(&mut self, col: usize, row: usize, v: f64) {
        if v != 0.0 {
            self.triplets.push((col as u32, row as u32, v));
        }
    }
    fn finish(self) -> Result<LinearProgram, ModelError> {
        let (ncols, nrows) = (self.c.len(), self.row_upper.len());
        let columns = CsrMatrix::try_from_triplets(ncols, nrows, self.triplets)?;
        LinearProgram::new(
            Sense::Maximize,
            self.c,
            self.col_lower,
            self.col_upper,
            vec![f64::NEG_INFINITY; nrows],
            self.row_upper,
            columns,
            self.col_names,
            self.row_names,
        )
    }
}

/// The LP of `economy` with `Σ λ_t` as its objective (see the [module documentation](super)).
pub fn multi_year_lp(economy: &MultiYearEconomy) -> Result<MultiYearLp, ModelError> {
    economy.validate()?;
    let e = economy;
    let (n, m, ncell, years) = (e.n(), e.processes.len(), e.cells.len(), e.years());
    let mut b = Builder::default();
    let mut col0 = Vec::with_capacity(years);
    let mut investment = Vec::with_capacity(years);
    for t in 0..years {
        col0.push(b.c.len());
        for p in &e.processes {
            b.col(
                format!("x_{t}_{}", p.name),
                0.0,
                p.capacity.unwrap_or(f64::INFINITY),
            );
        }
        for j in 0..n {
            b.col(format!("c_{t}_{}", e.goods[j]), 0.0, f64::INFINITY);
        }
        let lam = b.col(format!("lambda_{t}"), e.least_fulfilment, f64::INFINITY);
        b.c[lam] = 1.0;
        for cell in &e.cells {
            b.col(
                format!(
                    "k_{t}_{}_{}",
                    e.goods[cell.good], e.processes[cell.process].name
                ),
                0.0,
                f64::INFINITY,
            );
        }
        let inv: Vec<Option<usize>> = (0..ncell)
            .map(|c| {
                let cell = &e.cells[c];
                e.invests_in(t, c).then(|| {
                    b.col(
                        format!(
                            "invest_{t}_{}_{}",
                            e.goods[cell.good], e.processes[cell.process].name
                        ),
                        0.0,
                        f64::INFINITY,
                    )
                })
            })
            .collect();
        investment.push(inv);
    }
    let mut layout = MultiYearLayout {
        n,
        m,
        cells: ncell,
        years,
        col0,
        row0: Vec::with_capacity(years),
        fulfilment: Vec::with_capacity(years),
        resource_rows: Vec::with_capacity(years),
        investment,
        terminal: Vec::new(),
        segments: Vec::new(),
    };
    for t in 0..years {
        layout.row0.push(b.row_upper.len());
        let bal: Vec<usize> = (0..n)
            .map(|j| b.row(format!("balance_{t}_{}", e.goods[j]), 0.0))
            .collect();
        // Balance of good j: consumption + inputs + investment drawn − output ≤ 0.
        for (j, &row) in bal.iter().enumerate() {
            b.put(layout.consumption(t, j), row, 1.0);
        }
        for (p, tech) in e.processes.iter().enumerate() {
            let x = layout.activity(t, p);
            // Net use per run: one entry per good, inputs less outputs.
            let mut net: Vec<(usize, f64)> = tech.inputs.clone();
            net.extend(tech.outputs.iter().map(|&(j, v)| (j, -v)));
            net.sort_by_key(|&(j, _)| j);
            for chunk in net.chunk_by(|a, b| a.0 == b.0) {
                b.put(x, bal[chunk[0].0], chunk.iter().map(|(_, v)| v).sum());
            }
        }
        for c in 0..ncell {
            if let Some(col) = layout.investment[t][c] {
                b.put(col, bal[e.cells[c].good], 1.0);
            }
        }
        // Fulfilment: λ_t d_jt − C_jt ≤ −d0_j.
        let ful: Vec<Option<usize>> = (0..n)
            .map(|j| {
                let (d, d0) = (e.targets[t][j], e.committed_of(j));
                (d > 0.0 || d0 > 0.0).then(|| {
                    let r = b.row(format!("fulfil_{t}_{}", e.goods[j]), -d0);
                    b.put(layout.lambda(t), r, d);
                    b.put(layout.consumption(t, j), r, -1.0);
                    r
                })
            })
            .collect();
        layout.fulfilment.push(ful);
        let lab = b.row(format!("labour_{t}"), e.labour_available[t]);
        for (p, tech) in e.processes.iter().enumerate() {
            b.put(layout.activity(t, p), lab, tech.labour);
        }
        let res: Vec<Option<usize>> = (0..e.resources.len())
            .map(|q| {
                e.resource_limit(t, q)
                    .map(|limit| b.row(format!("resource_{t}_{}", e.resources[q]), limit))
            })
            .collect();
        for (p, tech) in e.processes.iter().enumerate() {
            for &(q, r) in &tech.resources {
                if let Some(row) = res[q] {
                    b.put(layout.activity(t, p), row, r);
                }
            }
        }
        layout.resource_rows.push(res);
        for (c, cell) in e.cells.iter().enumerate() {
            let r = b.row(
                format!(
                    "capacity_{t}_{}_{}",
                    e.goods[cell.good], e.processes[cell.process].name
                ),
                0.0,
            );
            b.put(layout.activity(t, cell.process), r, cell.per_unit);
            b.put(layout.stock(t, c), r, -1.0);
        }
        // Stock: K_t − (1 − δ) K_{t−1} − A_{t−lag} ≤ arrivals (K_0 ≤ K⁰ + arrivals).
        for (c, cell) in e.cells.iter().enumerate() {
            let upper = e.arriving(t, c) + if t == 0 { cell.initial_stock } else { 0.0 };
            let r = b.row(
                format!(
                    "stock_{t}_{}_{}",
                    e.goods[cell.good], e.processes[cell.process].name
                ),
                upper,
            );
            b.put(layout.stock(t, c), r, 1.0);
            if t > 0 {
                b.put(layout.stock(t - 1, c), r, -(1.0 - cell.depreciation));
            }
            if let Some(col) = t
                .checked_sub(cell.lag)
                .and_then(|s| layout.investment[s][c])
            {
                b.put(col, r, -1.0);
            }
        }
    }
    terminal_rows(e, &mut b, &mut layout);
    let lp = b.finish()?;
    Ok(MultiYearLp { lp, layout })
}

/// The terminal condition, one row per cell on the stock left after the last year `T`:
/// `−(1 − δ) K_T − A ≤ −K⁰` (at least the start) or `(g + δ) K_T − A ≤ 0` (growing at `g`).
fn terminal_rows(e: &MultiYearEconomy, b: &mut Builder, layout: &mut MultiYearLayout) {
    let last = e.years() - 1;
    for (c, cell) in e.cells.iter().enumerate() {
        let (k_coef, upper) = match e.terminal {
            TerminalCondition::None => return,
            TerminalCondition::AtLeastStart => (-(1.0 - cell.depreciation), -cell.initial_stock),
            TerminalCondition::Growing { rate } => (rate + cell.depreciation, 0.0),
        };
        let r = b.row(
            format!(
                "terminal_{}_{}",
                e.goods[cell.good], e.processes[cell.process].name
            ),
            upper,
        );
        b.put(layout.stock(last, c), r, k_coef);
        if let Some(col) = (last + 1)
            .checked_sub(cell.lag)
            .and_then(|s| layout.investment[s][c])
        {
            b.put(col, r, -1.0);
        }
        layout.terminal.push(r);
    }
}

/// The LP of `economy` under `objective` (for harmony, the first envelope: the tangents of
/// `H` at the same points for every good and year).
pub fn multi_year_lp_with(
    economy: &MultiYearEconomy,
    objective: YearsObjective,
) -> Result<MultiYearLp, ModelError> {
    multi_year_lp_shaped(economy, objective, &[])
}

/// The tangent points harmony's envelope starts from.
pub(crate) fn default_breaks() -> Vec<f64> {
    vec![-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]
}

/// The LP of `economy` under `objective`; for harmony, with the envelope of `H`'s tangents at
/// `breaks[t · n + j]` (sorted points, the first −1) for good `j` in year `t`, or at
/// [`default_breaks`] for all when `breaks` is empty.
pub(crate) fn multi_year_lp_shaped(
    economy: &MultiYearEconomy,
    objective: YearsObjective,
    breaks: &[Vec<f64>],
) -> Result<MultiYearLp, ModelError> {
    let m = multi_year_lp(economy)?;
    match objective {
        YearsObjective::SumLambda => Ok(m),
        YearsObjective::Discounted { rate } => {
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(ModelError::Invalid(format!(
                    "the discount rate is {rate}; give a finite rate of 0 or more (0.03 is 3 % a year)"
                )));
            }
            let mut m = m;
            for t in 0..economy.years() {
                m.lp.c[m.layout.lambda(t)] = (1.0 + rate).powi(-(t as i32));
            }
            Ok(m)
        }
        YearsObjective::MinLambda => with_min_lambda(m),
        YearsObjective::Harmony => with_harmony(economy, m, breaks),
    }
}

/// Rebuilds `m` with the extra columns and rows `add` appends (the LP's own are kept).
pub(super) fn extend<R>(
    m: MultiYearLp,
    add: impl FnOnce(&mut Builder, &MultiYearLayout) -> R,
) -> Result<(MultiYearLp, R), ModelError> {
    let lp = m.lp;
    let mut b = Builder {
        triplets: lp
            .columns
            .triplets()
            .map(|(j, i, v)| (j as u32, i as u32, v))
            .collect(),
        c: lp.c,
        col_lower: lp.col_lower,
        col_upper: lp.col_upper,
        col_names: lp.col_names,
        row_upper: lp.row_upper,
        row_names: lp.row_names,
    };
    let extra = add(&mut b, &m.layout);
    Ok((
        MultiYearLp {
            lp: b.finish()?,
            layout: m.layout,
        },
        extra,
    ))
}

/// One more column `μ` with rows `μ − λ_t ≤ 0`, maximised instead of `Σ λ_t`.
fn with_min_lambda(m: MultiYearLp) -> Result<MultiYearLp, ModelError> {
    let (m, ()) = extend(m, |b, layout| {
        b.c.iter_mut().for_each(|c| *c = 0.0);
        let mu = b.col("min_lambda".into(), 0.0, f64::INFINITY);
        b.c[mu] = 1.0;
        for t in 0..layout.years {
            let r = b.row(format!("min_lambda_{t}"), 0.0);
            b.put(mu, r, 1.0);
            b.put(layout.lambda(t), r, -1.0);
        }
    })?;
    Ok(m)
}

/// Harmony's outer approximation: for each year and targeted good, segment columns `δ_k`
/// (bounded, each earning its tangent's slope) with `Σ_k δ_k − C_jt ≤ −d0_j`; `λ_t` earns nothing
/// and is read back as the plan's least fulfilment.
fn with_harmony(
    e: &MultiYearEconomy,
    m: MultiYearLp,
    breaks: &[Vec<f64>],
) -> Result<MultiYearLp, ModelError> {
    let default = default_breaks();
    let mut offset = 0.0;
    let (mut out, ranges) = extend(m, |b, layout| {
        b.c.iter_mut().for_each(|c| *c = 0.0);
        let mut ranges = Vec::with_capacity(layout.years);
        for t in 0..layout.years {
            let mut year = Vec::with_capacity(layout.n);
            for j in 0..layout.n {
                let d = e.targets[t][j];
                let first = b.c.len();
                if d > 0.0 {
                    let points = breaks.get(t * layout.n + j).unwrap_or(&default);
                    let (start, segments) = tangent_segments(points);
                    offset += start;
                    let r = b.row(format!("harmony_{t}_{}", e.goods[j]), -e.committed_of(j));
                    b.put(layout.consumption(t, j), r, -1.0);
                    for (k, &(width, slope)) in segments.iter().enumerate() {
                        let col = b.col(format!("take_{t}_{}#{k}", e.goods[j]), 0.0, d * width);
                        b.c[col] = slope / d;
                        b.put(col, r, 1.0);
                    }
                }
                year.push(first..b.c.len());
            }
            ranges.push(year);
        }
        ranges
    })?;
    out.layout.segments = ranges;
    out.lp.offset = offset;
    Ok(out)
}
