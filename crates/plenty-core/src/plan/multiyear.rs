//! Multi-year plans with capital: Cockshott's N-year model (the staircase LP of a five-year plan).
//!
//! # The model
//!
//! `n` goods, each made by one industry. Industry `i` uses `a_ji` of good `j` and `l_i` hours
//! per unit of output, and needs capital: a *cell* `(s, i)` holds `K_si` units of capital good
//! `s` in industry `i`, of which one unit of output needs `b_si`; the stock depreciates at
//! `δ_si` a year. Investment `A_si,t` of good `s` in year `t` adds to the stock of year `t + 1`
//! (a construction lag of one year). Year `t` has a consumption target `d_jt` for each good and
//! `L_t` hours of labour. The plan chooses, for every year, output `x_t`, consumption `C_t`,
//! stocks `K_t`, investment `A_t` and the fulfilment `λ_t`, to
//!
//! ```text
//!   maximise   Σ_t λ_t
//!   subject to C_jt + Σ_i a_ji x_it + Σ_i A_ji,t ≤ x_jt     (balance of good j)
//!              λ_t d_jt ≤ C_jt                           (fulfilment, goods with d_jt > 0)
//!              Σ_i l_i x_it ≤ L_t                         (labour)
//!              b_si x_it ≤ K_si,t                         (capacity of each cell)
//!              K_si,1 ≤ K⁰_si,   K_si,t ≤ (1 − δ_si) K_si,t−1 + A_si,t−1   (stocks)
//!              everything ≥ 0;  no investment in the last year (no terminal condition).
//! ```
//!
//! This is the LP of Cockshott's `nyearplan.java` (see `data/cockshott_5yearplan_toy/`); on his
//! toy economy its optimum is `Σ λ_t = 8.797299129`.
//!
//! # Layout
//!
//! Columns year by year (`x`, `C`, `λ`, `K`, then `A` except in the last year), rows year by
//! year (balance, fulfilment, labour, capacity, stock): the years are coupled only through the
//! stocks, so the constraint matrix is a staircase.

use crate::error::{ModelError, SolveError};
use crate::lp::choose::{solve_auto, ChoiceSettings, LpAttempt};
use crate::lp::pdlp::Pdlp;
use crate::lp::{Certificate, LinearProgram, LpSettings, LpSolution, LpStatus, Sense};
use crate::matrix::CsrMatrix;
use serde::{Deserialize, Serialize};

/// One capital cell: the stock of capital good `good` held by industry `industry`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapitalCell {
    /// The capital good `s`.
    pub good: usize,
    /// The industry `i` that holds it.
    pub industry: usize,
    /// Units of stock per unit of the industry's output (`b_si`).
    pub per_unit: f64,
    /// Yearly depreciation rate (`δ_si`, in `[0, 1]`).
    pub depreciation: f64,
    /// Stock at the start of the plan (`K⁰_si`).
    pub initial_stock: f64,
}

/// A multi-year economy: technology, capital and the path of targets and labour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiYearEconomy {
    /// Names of the goods (and of the industries that make them).
    pub goods: Vec<String>,
    /// For each industry `i`, its inputs `(j, a_ji)` per unit of output.
    pub inputs: Vec<Vec<(usize, f64)>>,
    /// Hours per unit of output of each industry (`l_i`).
    pub labour: Vec<f64>,
    /// The capital cells (cells needing no stock may be left out: they never bind).
    pub cells: Vec<CapitalCell>,
    /// Consumption targets, `targets[t][j]` for year `t` (0-based) and good `j`.
    pub targets: Vec<Vec<f64>>,
    /// Hours of labour available in each year.
    pub labour_available: Vec<f64>,
}

impl MultiYearEconomy {
    /// Number of goods.
    pub fn n(&self) -> usize {
        self.goods.len()
    }

    /// Number of years.
    pub fn years(&self) -> usize {
        self.targets.len()
    }

    /// Checks dimensions, signs and finiteness; errors name the good, cell or year.
    pub fn validate(&self) -> Result<(), ModelError> {
        let n = self.n();
        let bad = |what: String| Err(ModelError::Invalid(what));
        if n == 0 || self.years() == 0 {
            return bad("a multi-year economy needs at least one good and one year".into());
        }
        if self.inputs.len() != n || self.labour.len() != n {
            return bad(format!(
                "{n} goods but {} input columns and {} labour coefficients",
                self.inputs.len(),
                self.labour.len()
            ));
        }
        if self.labour_available.len() != self.years() {
            return bad(format!(
                "{} years of targets but {} years of labour",
                self.years(),
                self.labour_available.len()
            ));
        }
        for (i, col) in self.inputs.iter().enumerate() {
            for &(j, a) in col {
                if j >= n || !a.is_finite() || a < 0.0 {
                    return bad(format!(
                        "industry {}: input coefficient {a} of good #{j} must be a finite non-negative number of a known good",
                        self.goods[i]
                    ));
                }
            }
            if !self.labour[i].is_finite() || self.labour[i] < 0.0 {
                return bad(format!(
                    "industry {}: labour coefficient {}",
                    self.goods[i], self.labour[i]
                ));
            }
        }
        for c in &self.cells {
            let ok = c.good < n
                && c.industry < n
                && c.per_unit.is_finite()
                && c.per_unit >= 0.0
                && (0.0..=1.0).contains(&c.depreciation)
                && c.initial_stock.is_finite()
                && c.initial_stock >= 0.0;
            if !ok {
                return bad(format!("capital cell {c:?}: indices within the goods, b ≥ 0, δ in [0, 1], K⁰ ≥ 0 and finite"));
            }
        }
        for (t, row) in self.targets.iter().enumerate() {
            if row.len() != n || row.iter().any(|d| !d.is_finite() || *d < 0.0) {
                return bad(format!(
                    "year {}: {n} finite non-negative targets expected",
                    t + 1
                ));
            }
            let hours = self.labour_available[t];
            if !hours.is_finite() || hours < 0.0 {
                return bad(format!("year {}: labour available {hours}", t + 1));
            }
        }
        Ok(())
    }
}

/// Where each variable and row of a [`MultiYearLp`] sits.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiYearLayout {
    n: usize,
    cells: usize,
    years: usize,
    /// First column of each year.
    col0: Vec<usize>,
    /// First row of each year.
    row0: Vec<usize>,
    /// For each year, the fulfilment row of each good (`None` where the target is zero).
    fulfilment: Vec<Vec<Option<usize>>>,
}

impl MultiYearLayout {
    fn output(&self, t: usize) -> usize {
        self.col0[t]
    }
    fn consumption(&self, t: usize) -> usize {
        self.col0[t] + self.n
    }
    /// Column of `λ_t`.
    pub fn lambda(&self, t: usize) -> usize {
        self.col0[t] + 2 * self.n
    }
    fn stock(&self, t: usize) -> usize {
        self.col0[t] + 2 * self.n + 1
    }
    fn investment(&self, t: usize) -> Option<usize> {
        (t + 1 < self.years).then(|| self.col0[t] + 2 * self.n + 1 + self.cells)
    }
    /// Row of the balance of good `j` in year `t`.
    pub fn balance_row(&self, t: usize, j: usize) -> usize {
        self.row0[t] + j
    }
    /// Row of year `t`'s labour.
    pub fn labour_row(&self, t: usize) -> usize {
        self.row0[t] + self.n + self.fulfilment_rows(t)
    }
    /// Row of the capacity of cell `c` in year `t`.
    pub fn capacity_row(&self, t: usize, c: usize) -> usize {
        self.labour_row(t) + 1 + c
    }
    /// Row of the stock of cell `c` in year `t`.
    pub fn stock_row(&self, t: usize, c: usize) -> usize {
        self.labour_row(t) + 1 + self.cells + c
    }
    fn fulfilment_rows(&self, t: usize) -> usize {
        self.fulfilment[t].iter().flatten().count()
    }
}

/// The LP of a multi-year plan and its layout.
#[derive(Debug, Clone)]
pub struct MultiYearLp {
    /// The LP (maximise `Σ λ_t`).
    pub lp: LinearProgram,
    /// Where its variables and rows sit.
    pub layout: MultiYearLayout,
}

/// What a multi-year plan maximises. Only the objective's value is unique in general: how the
/// fulfilment is split over the years may not be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum YearsObjective {
    /// `Σ_t λ_t` (Cockshott's).
    #[default]
    SumLambda,
    /// `min_t λ_t`: the worst year as good as it can be (an extra variable `μ ≤ λ_t`); then,
    /// by [`solve_multi_year`], the greatest `Σ λ_t` with every year at that level.
    MinLambda,
    /// `Σ_t λ_t / (1 + rate)^(t−1)`: earlier years count more.
    Discounted {
        /// The yearly discount rate (`≥ 0`).
        rate: f64,
    },
}

/// The LP of `economy` under `objective`: [`multi_year_lp`]'s, with the objective changed
/// (discounted weights on `λ_t`), or with one more column `μ` and rows `μ − λ_t ≤ 0` (the
/// smallest `λ_t`).
pub fn multi_year_lp_with(
    economy: &MultiYearEconomy,
    objective: YearsObjective,
) -> Result<MultiYearLp, ModelError> {
    let mut m = multi_year_lp(economy)?;
    match objective {
        YearsObjective::SumLambda => {}
        YearsObjective::Discounted { rate } => {
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(ModelError::Invalid(format!(
                    "the discount rate is {rate}; give a finite rate of 0 or more (0.03 is 3 % a year)"
                )));
            }
            for t in 0..economy.years() {
                m.lp.c[m.layout.lambda(t)] = (1.0 + rate).powi(-(t as i32));
            }
        }
        YearsObjective::MinLambda => {
            let lp = &m.lp;
            let (ncols, nrows, years) = (lp.ncols(), lp.nrows(), economy.years());
            let mut triplets: Vec<(u32, u32, f64)> = lp
                .columns
                .triplets()
                .map(|(j, i, v)| (j as u32, i as u32, v))
                .collect();
            for t in 0..years {
                let row = (nrows + t) as u32;
                triplets.push((ncols as u32, row, 1.0));
                triplets.push((m.layout.lambda(t) as u32, row, -1.0));
            }
            let columns = CsrMatrix::try_from_triplets(ncols + 1, nrows + years, triplets)?;
            let mut c = vec![0.0; ncols + 1];
            c[ncols] = 1.0;
            let extend = |v: &[f64], x: f64, k: usize| {
                v.iter()
                    .copied()
                    .chain(std::iter::repeat_n(x, k))
                    .collect::<Vec<f64>>()
            };
            let mut col_names = lp.col_names.clone();
            col_names.push("min_lambda".into());
            let mut row_names = lp.row_names.clone();
            row_names.extend((0..years).map(|t| format!("min_lambda_{t}")));
            m.lp = LinearProgram::new(
                Sense::Maximize,
                c,
                extend(&lp.col_lower, 0.0, 1),
                extend(&lp.col_upper, f64::INFINITY, 1),
                extend(&lp.row_lower, f64::NEG_INFINITY, years),
                extend(&lp.row_upper, 0.0, years),
                columns,
                col_names,
                row_names,
            )?;
        }
    }
    Ok(m)
}

/// Builds the staircase LP of `economy` (see the [module documentation](self)).
pub fn multi_year_lp(economy: &MultiYearEconomy) -> Result<MultiYearLp, ModelError> {
    economy.validate()?;
    let (n, years, ncell) = (economy.n(), economy.years(), economy.cells.len());
    let year_cols = |t: usize| 2 * n + 1 + ncell + if t + 1 < years { ncell } else { 0 };
    let col0: Vec<usize> = (0..years)
        .scan(0usize, |acc, t| {
            let c = *acc;
            *acc += year_cols(t);
            Some(c)
        })
        .collect();
    let ncols = col0[years - 1] + year_cols(years - 1);
    // Fulfilment rows only for goods with a positive target (the others would read 0 ≤ C).
    let fulfilment_count = |t: usize| economy.targets[t].iter().filter(|d| **d > 0.0).count();
    let year_rows_of = |t: usize| n + fulfilment_count(t) + 1 + 2 * ncell;
    let row0: Vec<usize> = (0..years)
        .scan(0usize, |acc, t| {
            let r = *acc;
            *acc += year_rows_of(t);
            Some(r)
        })
        .collect();
    let nrows = row0[years - 1] + year_rows_of(years - 1);
    let mut fulfilment = Vec::with_capacity(years);
    let mut triplets: Vec<(u32, u32, f64)> = Vec::new();
    let mut row_upper = vec![0.0; nrows];
    let mut c = vec![0.0; ncols];
    let mut col_names = vec![String::new(); ncols];
    let mut row_names = vec![String::new(); nrows];
    for t in 0..years {
        let cb = col0[t];
        let (x, cons, lam, k, inv) = (
            cb,
            cb + n,
            cb + 2 * n,
            cb + 2 * n + 1,
            cb + 2 * n + 1 + ncell,
        );
        let bal = row0[t];
        let ful = bal + n;
        let lab = ful + fulfilment_count(t);
        let (cap, stock) = (lab + 1, lab + 1 + ncell);
        let mut put = |col: usize, row: usize, v: f64| triplets.push((col as u32, row as u32, v));
        c[lam] = 1.0;
        col_names[lam] = format!("lambda_{t}");
        let mut ful_rows = vec![None; n];
        let mut next_ful = ful;
        for j in 0..n {
            col_names[x + j] = format!("x_{t}_{j}");
            col_names[cons + j] = format!("c_{t}_{j}");
            row_names[bal + j] = format!("balance_{t}_{j}");
            put(cons + j, bal + j, 1.0);
            // Output less the industry's use of its own good.
            let own: f64 = economy.inputs[j]
                .iter()
                .filter(|(g, _)| *g == j)
                .map(|(_, v)| v)
                .sum();
            put(x + j, bal + j, own - 1.0);
            let target = economy.targets[t][j];
            if target > 0.0 {
                row_names[next_ful] = format!("fulfil_{t}_{j}");
                put(lam, next_ful, target);
                put(cons + j, next_ful, -1.0);
                ful_rows[j] = Some(next_ful);
                next_ful += 1;
            }
        }
        fulfilment.push(ful_rows);
        for (i, col) in economy.inputs.iter().enumerate() {
            for &(g, v) in col {
                if g != i && v != 0.0 {
                    put(x + i, bal + g, v);
                }
            }
            if economy.labour[i] != 0.0 {
                put(x + i, lab, economy.labour[i]);
            }
        }
        row_names[lab] = format!("labour_{t}");
        row_upper[lab] = economy.labour_available[t];
        for (cell, cc) in economy.cells.iter().enumerate() {
            let (g, i) = (cc.good, cc.industry);
            col_names[k + cell] = format!("k_{t}_{g}_{i}");
            row_names[cap + cell] = format!("capacity_{t}_{g}_{i}");
            row_names[stock + cell] = format!("stock_{t}_{g}_{i}");
            if cc.per_unit != 0.0 {
                put(x + i, cap + cell, cc.per_unit);
            }
            put(k + cell, cap + cell, -1.0);
            put(k + cell, stock + cell, 1.0);
            if t == 0 {
                row_upper[stock + cell] = cc.initial_stock;
            } else {
                let (k_prev, inv_prev) = (col0[t - 1] + 2 * n + 1, col0[t - 1] + 2 * n + 1 + ncell);
                if cc.depreciation != 1.0 {
                    put(k_prev + cell, stock + cell, -(1.0 - cc.depreciation));
                }
                put(inv_prev + cell, stock + cell, -1.0);
            }
            if t + 1 < years {
                col_names[inv + cell] = format!("invest_{t}_{g}_{i}");
                // The investment good g is drawn from year t's balance of good g.
                put(inv + cell, bal + g, 1.0);
            }
        }
    }
    let columns = CsrMatrix::try_from_triplets(ncols, nrows, triplets)?;
    let lp = LinearProgram::new(
        Sense::Maximize,
        c,
        vec![0.0; ncols],
        vec![f64::INFINITY; ncols],
        vec![f64::NEG_INFINITY; nrows],
        row_upper,
        columns,
        col_names,
        row_names,
    )?;
    let layout = MultiYearLayout {
        n,
        cells: ncell,
        years,
        col0,
        row0,
        fulfilment,
    };
    Ok(MultiYearLp { lp, layout })
}

/// One year of a multi-year plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanYear {
    /// The fulfilment `λ_t`: consumption is at least `λ_t` times the year's targets.
    pub lambda: f64,
    /// Gross output of each good.
    pub output: Vec<f64>,
    /// Final consumption of each good.
    pub consumption: Vec<f64>,
    /// Investment drawn from each good this year (capacity from next year on).
    pub investment: Vec<f64>,
    /// The stock of each capital cell this year.
    pub stocks: Vec<f64>,
    /// Hours of labour the plan uses.
    pub labour_used: f64,
    /// What limits this year's plan, in the economy's words: labour when all of it is used and
    /// worth something, and each capital cell at its capacity with a positive valuation.
    pub binding: Vec<String>,
}

/// A multi-year plan read from a solution of its LP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiYearPlan {
    /// `Σ_t λ_t`.
    pub total_lambda: f64,
    /// The years, in order.
    pub years: Vec<PlanYear>,
}

/// A valuation (dual) below this counts as zero when naming what binds.
const BINDING_DUAL: f64 = 1e-9;

/// Reads the plan from a solution of `mlp`.
pub fn read_plan(economy: &MultiYearEconomy, mlp: &MultiYearLp, sol: &LpSolution) -> MultiYearPlan {
    let l = &mlp.layout;
    let (x, y) = (&sol.x, &sol.y);
    let years = (0..l.years)
        .map(|t| {
            let output = x[l.output(t)..l.output(t) + l.n].to_vec();
            let consumption = x[l.consumption(t)..l.consumption(t) + l.n].to_vec();
            let mut investment = vec![0.0; l.n];
            if let Some(inv) = l.investment(t) {
                for (cell, cc) in economy.cells.iter().enumerate() {
                    investment[cc.good] += x[inv + cell];
                }
            }
            let stocks = x[l.stock(t)..l.stock(t) + l.cells].to_vec();
            let labour_used = economy.labour.iter().zip(&output).map(|(a, b)| a * b).sum();
            let mut binding = Vec::new();
            if y[l.labour_row(t)].abs() > BINDING_DUAL {
                binding.push(format!(
                    "labour ({:.6} of {:.6} hours)",
                    labour_used, economy.labour_available[t]
                ));
            }
            for (c, cell) in economy.cells.iter().enumerate() {
                if y[l.capacity_row(t, c)].abs() > BINDING_DUAL {
                    binding.push(format!(
                        "{}'s stock of {}",
                        economy.goods[cell.industry], economy.goods[cell.good]
                    ));
                }
            }
            PlanYear {
                lambda: x[l.lambda(t)],
                output,
                consumption,
                investment,
                stocks,
                labour_used,
                binding,
            }
        })
        .collect::<Vec<_>>();
    MultiYearPlan {
        total_lambda: years.iter().map(|y| y.lambda).sum(),
        years,
    }
}

/// A solved multi-year plan: the plan, how it was solved and its certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiYearReport {
    /// The LP's status. The plan is an optimum only when this is optimal.
    pub status: LpStatus,
    /// The plan read from the solution.
    pub plan: MultiYearPlan,
    /// The methods tried, why, and their outcomes.
    pub attempts: Vec<LpAttempt>,
    /// The certificate of the solution (primal and dual residuals, gap).
    pub certificate: Certificate,
    /// Iterations of the method that answered.
    pub iterations: usize,
    /// What was maximised, and its optimal value.
    pub objective: YearsObjective,
    /// The objective's value (`Σ λ_t`, `min λ_t` or the discounted sum).
    pub objective_value: f64,
}

/// Why a multi-year plan could not be computed at all (an infeasible plan is a status, not
/// an error).
#[derive(Debug, thiserror::Error)]
pub enum MultiYearError {
    /// The economy is invalid.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The solver refused its settings or the LP.
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Builds and solves the plan of `economy` under `objective` with the method the core
/// chooses for its LP ([`solve_auto`]).
pub fn solve_multi_year(
    economy: &MultiYearEconomy,
    objective: YearsObjective,
    limits: &LpSettings,
) -> Result<(MultiYearLp, MultiYearReport), MultiYearError> {
    let mlp = multi_year_lp_with(economy, objective)?;
    let solve =
        |lp: &LinearProgram| solve_auto(lp, limits, &Pdlp::default(), &ChoiceSettings::default());
    let (mut sol, mut attempts) = solve(&mlp.lp)?;
    let objective_value = sol.objective;
    let mut mlp = mlp;
    if objective == YearsObjective::MinLambda && sol.status == LpStatus::Optimal {
        // The smallest λ alone leaves the other years wherever the solver stops. A second LP
        // keeps every year at that level (less the tolerance) and maximises Σλ on top.
        let mu = mlp.lp.ncols() - 1;
        let mut second = mlp.clone();
        second.lp.col_lower[mu] =
            objective_value - limits.tolerance * (1.0 + objective_value.abs());
        second.lp.c[mu] = 0.0;
        for t in 0..economy.years() {
            second.lp.c[second.layout.lambda(t)] = 1.0;
        }
        let (then, more) = solve(&second.lp)?;
        attempts.extend(more);
        if then.status == LpStatus::Optimal {
            sol = then;
            mlp = second;
        }
    }
    let report = MultiYearReport {
        status: sol.status,
        plan: read_plan(economy, &mlp, &sol),
        attempts,
        certificate: sol.info.certificate,
        iterations: sol.info.iterations,
        objective,
        objective_value,
    };
    Ok((mlp, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One good that is its own capital: the hand-checkable economy of the tests.
    fn one_good(years: usize) -> MultiYearEconomy {
        MultiYearEconomy {
            goods: vec!["corn".into()],
            inputs: vec![vec![(0, 0.5)]],
            labour: vec![1.0],
            cells: vec![CapitalCell {
                good: 0,
                industry: 0,
                per_unit: 1.0,
                depreciation: 0.0,
                initial_stock: 10.0,
            }],
            targets: vec![vec![1.0]; years],
            labour_available: vec![100.0; years],
        }
    }

    #[test]
    fn the_layout_names_every_variable_of_a_year() {
        let e = one_good(2);
        let m = multi_year_lp(&e).unwrap();
        // Year 0: x, C, λ, K, A; year 1: x, C, λ, K.
        assert_eq!(m.lp.ncols(), 5 + 4);
        assert_eq!(m.lp.col_names[m.layout.lambda(1)], "lambda_1");
        // Rows per year: balance, fulfilment, labour, capacity, stock.
        assert_eq!(m.lp.nrows(), 10);
        assert_eq!(m.lp.row_names[m.layout.labour_row(1)], "labour_1");
        assert_eq!(m.layout.balance_row(1, 0), 5);
        assert_eq!(m.lp.row_names[m.layout.stock_row(1, 0)], "stock_1_0_0");
        assert_eq!(
            m.lp.row_names[m.layout.capacity_row(0, 0)],
            "capacity_0_0_0"
        );
    }

    /// The one-good economy solved on paper. Corn needs half a unit of corn and one unit of
    /// corn stock per unit (no depreciation, 10 units of stock, labour never short), so a year
    /// with stock `K` has a surplus of `K/2` to eat or to invest, and each unit invested is one
    /// more unit of stock from the next year on. With `v_t` the worth in `Σλ` of a unit of stock
    /// in year `t`: the last year eats its surplus, `v_T = 1/2`; a year invests all when
    /// `v_{t+1} > 1`, giving `v_t = 3/2 · v_{t+1}`, and eats all when `v_{t+1} < 1`, giving
    /// `v_t = 1/2 + v_{t+1}`. For `T = 5`: `v = (3.375, 2.25, 1.5, 1, 1/2)`, so the optimum is
    /// `Σλ = 10 · 3.375 = 33.75`, with nothing eaten in years 1 and 2 (investing is strictly
    /// better there; later years tie, so only their sum is unique).
    #[test]
    fn the_one_good_economy_invests_while_it_pays() {
        use crate::lp::ipm::{Ipm, IpmSettings};
        let e = one_good(5);
        let m = multi_year_lp(&e).unwrap();
        let (sol, _) = Ipm::new(IpmSettings {
            lp: LpSettings {
                tolerance: 1e-10,
                ..Default::default()
            },
            ..Default::default()
        })
        .solve_with_stats(&m.lp)
        .unwrap();
        assert_eq!(sol.status, LpStatus::Optimal);
        let plan = read_plan(&e, &m, &sol);
        assert!(
            (plan.total_lambda - 33.75).abs() < 1e-8,
            "{}",
            plan.total_lambda
        );
        assert!(plan.years[0].lambda.abs() < 1e-7 && plan.years[1].lambda.abs() < 1e-7);
        // Everything is invested in years 1 and 2: the stock grows by half each time.
        assert!((plan.years[1].stocks[0] - 15.0).abs() < 1e-6);
        assert!((plan.years[2].stocks[0] - 22.5).abs() < 1e-6);
        // The last year invests nothing: there is no terminal condition.
        assert_eq!(plan.years[4].investment, vec![0.0]);
    }

    /// The same economy with the other objectives. The smallest λ: year 1 can eat at most its
    /// surplus, 5, and eating the whole surplus every year gives 5 in every year, so
    /// `max min_t λ_t = 5`. Discounting at 100 % a year makes a unit eaten in
    /// year 1 worth more than the 0.5 + 0.25 + … that investing it returns: nothing is invested.
    #[test]
    fn other_objectives_change_the_path() {
        use crate::lp::ipm::{Ipm, IpmSettings};
        let e = one_good(5);
        let solve = |objective| {
            let m = multi_year_lp_with(&e, objective).unwrap();
            let (sol, _) = Ipm::new(IpmSettings::default())
                .solve_with_stats(&m.lp)
                .unwrap();
            assert_eq!(sol.status, LpStatus::Optimal);
            (read_plan(&e, &m, &sol), sol.objective)
        };
        let (plan, mu) = solve(YearsObjective::MinLambda);
        assert!((mu - 5.0).abs() < 1e-6, "{mu}");
        assert!(plan.years.iter().all(|y| y.lambda >= mu - 1e-6));
        assert!(plan.total_lambda <= 33.75 + 1e-6);
        let (plan, _) = solve(YearsObjective::Discounted { rate: 1.0 });
        for y in &plan.years {
            assert!((y.lambda - 5.0).abs() < 1e-5, "{:?}", plan.years);
        }
        assert!(multi_year_lp_with(&e, YearsObjective::Discounted { rate: -1.0 }).is_err());
    }

    #[test]
    fn bad_economies_are_refused_with_the_place() {
        let mut e = one_good(2);
        e.cells[0].depreciation = 1.5;
        let err = multi_year_lp(&e).unwrap_err().to_string();
        assert!(err.contains("δ in [0, 1]"), "{err}");
        let mut e = one_good(2);
        e.labour_available.pop();
        assert!(multi_year_lp(&e)
            .unwrap_err()
            .to_string()
            .contains("2 years of targets"));
    }
}
