//! Synthetic linear programs for tests and benchmarks, seeded and reproducible bit for bit.
//!
//! * [`planning_lp`]: the Kantorovich planning LP of `bench/peer/baseline.py` on a
//!   [`generate`](crate::generate)d economy with `T` techniques per product:
//!
//!   ```text
//!     max λ   s.t.  Σ_t (I − A_t) x_t − λ d ≥ 0        (n balance rows)
//!                   Σ_t l_t · x_t ≤ L                   (labour row)
//!                   0 ≤ x_t ≤ cap_t,  λ ≥ 0
//!   ```
//!
//!   With `x⁰ = (I − A_0)⁻¹ d` (Jacobi) the reference plan of technique 0: for `T = 1`,
//!   `L = l_0 · x⁰` and `cap = x⁰ ⊙ f` with `f ~ U(1.05, 3)` except 0.5 % of products with
//!   `f ~ U(0.9, 1)`; for `T ≥ 2`, `L = 0.8 · l_0 · x⁰` and `cap_t = x⁰ ⊙ U(0.3, 1.2)`.
//! * [`random_feasible_lp`]: a small dense-ish LP with every kind of row and column bound, built
//!   around a feasible point and a dual-feasible point so that it has an optimum.

use super::{LinearProgram, Sense};
use crate::generate::{generate, GeneratorSettings};
use crate::matrix::CsrMatrix;
use crate::plan::multiyear::{multi_year_lp as multi_year_lp_of, CapitalCell, MultiYearEconomy};
use crate::rng::Rng;

/// Parameters of [`planning_lp`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlanningLpSettings {
    /// The economy of technique 0 (`n`, `k`, structure, seed); technique `t` uses seed
    /// `seed + t`.
    pub economy: GeneratorSettings,
    /// Techniques per product. Default 2.
    pub techniques: usize,
}

impl Default for PlanningLpSettings {
    fn default() -> Self {
        Self {
            economy: GeneratorSettings::default(),
            techniques: 2,
        }
    }
}

/// The planning LP described in the [module documentation](self): `T·n + 1` columns (the
/// intensities `x_t`, then `λ`), `n + 1` rows (the balances, then labour).
pub fn planning_lp(s: &PlanningLpSettings) -> Result<LinearProgram, String> {
    if s.techniques == 0 {
        return Err("techniques must be at least 1".into());
    }
    let n = s.economy.n;
    let t_count = s.techniques;
    let mut economies = Vec::with_capacity(t_count);
    for t in 0..t_count {
        economies.push(generate(&GeneratorSettings {
            seed: s.economy.seed.wrapping_add(t as u64),
            ..s.economy.clone()
        })?);
    }
    let d = economies[0].demand.clone();
    // x⁰ = (I − A₀)⁻¹ d by Jacobi: x ← d + A₀ x (ρ(A₀) ≤ 0.9).
    let a0 = &economies[0].a;
    let mut x0 = d.clone();
    let mut next = vec![0.0; n];
    for _ in 0..10_000 {
        a0.mul_vec(&x0, &mut next);
        let mut change = 0.0f64;
        let mut size = 0.0f64;
        for i in 0..n {
            let v = d[i] + next[i];
            change = change.max((v - x0[i]).abs());
            size = size.max(v.abs());
            x0[i] = v;
        }
        if change <= 1e-14 * size {
            break;
        }
    }
    let lab0: f64 = economies[0]
        .labour
        .iter()
        .zip(&x0)
        .map(|(l, x)| l * x)
        .sum();
    let mut rng = Rng::fork(s.economy.seed, 0x9e37_79b9);
    let (labour_limit, caps): (f64, Vec<Vec<f64>>) = if t_count == 1 {
        let caps = x0
            .iter()
            .map(|x| {
                let f = if rng.uniform() < 0.005 {
                    rng.range(0.9, 1.0)
                } else {
                    rng.range(1.05, 3.0)
                };
                x * f
            })
            .collect();
        (lab0, vec![caps])
    } else {
        let caps = (0..t_count)
            .map(|_| x0.iter().map(|x| x * rng.range(0.3, 1.2)).collect())
            .collect();
        (0.8 * lab0, caps)
    };
    let ncols = t_count * n + 1;
    let mut triplets = Vec::with_capacity(t_count * (n * (s.economy.k + 2)) + n);
    for (t, e) in economies.iter().enumerate() {
        let base = (t * n) as u32;
        for j in 0..n {
            triplets.push((base + j as u32, j as u32, 1.0));
            triplets.push((base + j as u32, n as u32, e.labour[j]));
        }
        for i in 0..n {
            for (j, a) in e.a.row(i) {
                triplets.push((base + j as u32, i as u32, -a));
            }
        }
    }
    let lambda = (t_count * n) as u32;
    for (i, di) in d.iter().enumerate() {
        triplets.push((lambda, i as u32, -di));
    }
    let columns =
        CsrMatrix::try_from_triplets(ncols, n + 1, triplets).map_err(|e| e.to_string())?;
    let mut c = vec![0.0; ncols];
    c[ncols - 1] = 1.0;
    let mut col_upper: Vec<f64> = caps.into_iter().flatten().collect();
    col_upper.push(f64::INFINITY);
    let mut row_lower = vec![0.0; n];
    row_lower.push(f64::NEG_INFINITY);
    let mut row_upper = vec![f64::INFINITY; n];
    row_upper.push(labour_limit);
    let mut col_names: Vec<String> = (0..t_count)
        .flat_map(|t| (0..n).map(move |j| format!("x{t}_{j}")))
        .collect();
    col_names.push("lambda".into());
    let mut row_names: Vec<String> = (0..n).map(|i| format!("balance_{i}")).collect();
    row_names.push("labour".into());
    LinearProgram::new(
        Sense::Maximize,
        c,
        vec![0.0; ncols],
        col_upper,
        row_lower,
        row_upper,
        columns,
        col_names,
        row_names,
    )
    .map_err(|e| e.to_string())
}

/// A random LP with `m` rows and `n` columns that has an optimum. Each column gets one of the
/// bound kinds `[0, ∞)`, `[l, u]`, `(−∞, u]`, `[l, ∞)`, free or fixed, each row one of `≤`,
/// `≥`, `=`, ranged or free; entries are nonzero with probability `density`, values in
/// `(−1, 1)` rounded to multiples of 1/8 (so some ties and degeneracy occur). The row bounds
/// are placed around `A x*` for a point `x*` within the column bounds, and the costs are
/// `Aᵀ ȳ + z̄` (in the minimisation form) for duals whose signs the bounds allow, so both the
/// LP and its dual are feasible. The sense is random.
pub fn random_feasible_lp(seed: u64, m: usize, n: usize, density: f64) -> LinearProgram {
    let mut rng = Rng::new(seed);
    let eighths = |rng: &mut Rng, lo: f64, hi: f64| (rng.range(lo, hi) * 8.0).round() / 8.0;
    let mut col_lower = Vec::with_capacity(n);
    let mut col_upper = Vec::with_capacity(n);
    let mut xstar = Vec::with_capacity(n);
    for _ in 0..n {
        let (lo, hi) = match rng.below(6) {
            0 => (0.0, f64::INFINITY),
            1 => {
                let l = eighths(&mut rng, -2.0, 1.0);
                (l, l + eighths(&mut rng, 0.5, 3.0))
            }
            2 => (f64::NEG_INFINITY, eighths(&mut rng, -1.0, 2.0)),
            3 => (eighths(&mut rng, -2.0, 1.0), f64::INFINITY),
            4 => (f64::NEG_INFINITY, f64::INFINITY),
            _ => {
                let v = eighths(&mut rng, -1.0, 1.0);
                (v, v)
            }
        };
        let x = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => lo + (hi - lo) * rng.uniform(),
            (true, false) => lo + 2.0 * rng.uniform(),
            (false, true) => hi - 2.0 * rng.uniform(),
            (false, false) => rng.range(-2.0, 2.0),
        };
        col_lower.push(lo);
        col_upper.push(hi);
        xstar.push(x);
    }
    let mut triplets = Vec::new();
    for j in 0..n {
        for i in 0..m {
            if rng.uniform() < density {
                let v = eighths(&mut rng, -1.0, 1.0);
                if v != 0.0 {
                    triplets.push((j as u32, i as u32, v));
                }
            }
        }
    }
    let columns = CsrMatrix::try_from_triplets(n, m, triplets).expect("valid triplets");
    let mut ax = vec![0.0; m];
    for (j, xj) in xstar.iter().enumerate() {
        for (i, a) in columns.row(j) {
            ax[i] += a * xj;
        }
    }
    let mut row_lower = Vec::with_capacity(m);
    let mut row_upper = Vec::with_capacity(m);
    let mut ybar = Vec::with_capacity(m);
    for &a in ax.iter() {
        let (lo, hi, y) = match rng.below(9) {
            0..=2 => (
                f64::NEG_INFINITY,
                a + rng.range(0.0, 1.0),
                -rng.range(0.0, 1.0),
            ),
            3..=4 => (a - rng.range(0.0, 1.0), f64::INFINITY, rng.range(0.0, 1.0)),
            5..=6 => (a, a, rng.range(-1.0, 1.0)),
            7 => (
                a - rng.range(0.0, 1.0),
                a + rng.range(0.0, 1.0),
                rng.range(-1.0, 1.0),
            ),
            _ => (f64::NEG_INFINITY, f64::INFINITY, 0.0),
        };
        row_lower.push(lo);
        row_upper.push(hi);
        ybar.push(y);
    }
    // Minimisation costs c = Aᵀȳ + z̄ with z̄ⱼ ≥ 0 allowed by a finite lower bound, ≤ 0 by a
    // finite upper one.
    let mut c = vec![0.0; n];
    for (j, cj) in c.iter_mut().enumerate() {
        let aty: f64 = columns.row(j).map(|(i, a)| a * ybar[i]).sum();
        let z = match (col_lower[j].is_finite(), col_upper[j].is_finite()) {
            (true, true) => rng.range(-1.0, 1.0),
            (true, false) => rng.range(0.0, 1.0),
            (false, true) => -rng.range(0.0, 1.0),
            (false, false) => 0.0,
        };
        *cj = aty + z;
    }
    let sense = if rng.below(2) == 0 {
        Sense::Minimize
    } else {
        for v in &mut c {
            *v = -*v;
        }
        Sense::Maximize
    };
    LinearProgram::new(
        sense,
        c,
        col_lower,
        col_upper,
        row_lower,
        row_upper,
        columns,
        (0..n).map(|j| format!("c{j}")).collect(),
        (0..m).map(|i| format!("r{i}")).collect(),
    )
    .expect("a valid LP")
}

/// Parameters of [`multi_year_lp`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MultiYearLpSettings {
    /// Goods (and industries). Default 200.
    pub n: usize,
    /// Years. Default 5.
    pub years: usize,
    /// Produced inputs per industry. Default 5.
    pub inputs: usize,
    /// Capital goods per industry (capital cells). Default 7.
    pub capital_goods: usize,
    /// Seed. Default 1.
    pub seed: u64,
}

impl Default for MultiYearLpSettings {
    fn default() -> Self {
        Self {
            n: 200,
            years: 5,
            inputs: 5,
            capital_goods: 7,
            seed: 1,
        }
    }
}

/// Cockshott's N-year plan (`nyearplan.java`, see `data/cockshott_5yearplan_toy/README.txt`)
/// on a seeded random economy: the staircase LP of a multi-year plan, built by
/// [`crate::plan::multiyear::multi_year_lp`] like the plan of a real economy.
///
/// The economy: `n` goods; industry `i` uses `inputs` random goods with coefficients that sum
/// to `U(0.3, 0.6)`, `l_i ~ U(0.2, 1)` hours, and `capital_goods` random capital goods `s` with
/// `b_si ~ U(0.05, 0.6)` units of stock per unit of output, depreciating at `δ_si ~ U(0.03,
/// 0.15)` a year. The base year produces `x⁰ = (I − A)⁻¹ c⁰` (`c⁰ ~ U(0.5, 1.5)`) at capacity:
/// `K⁰ = b ⊙ x⁰`; labour `L⁰ = l·x⁰`. Year `t` (1-based) targets `0.8 c⁰ · 1.02ᵗ` and has
/// `L⁰ · 1.01ᵗ` hours.
///
/// ```text
///   max Σ_t λ_t   subject to, for every year t:
///     C_jt + Σ_i a_ji x_it + Σ_i A_jit − x_jt ≤ 0        (balance, n rows)
///     λ_t target_jt − C_jt ≤ 0                         (fulfilment, n rows)
///     Σ_i l_i x_it ≤ L_t                               (labour, 1 row)
///     b_si x_it − K_sit ≤ 0                             (capacity, one row per cell)
///     K_si1 ≤ K⁰_si;  K_sit − (1 − δ_si) K_si,t−1 − A_si,t−1 ≤ 0   (stock, one row per cell)
///   all variables ≥ 0; investment A in years 1 … T − 1 (no terminal condition).
/// ```
///
/// Columns are ordered year by year (`x`, `C`, `λ`, `K`, `A` of year 1, then year 2, …) and so
/// are rows: the years are coupled only through the stocks.
pub fn multi_year_lp(s: &MultiYearLpSettings) -> Result<LinearProgram, String> {
    let economy = multi_year_economy(s)?;
    multi_year_lp_of(&economy)
        .map(|m| m.lp)
        .map_err(|e| e.to_string())
}

/// The economy behind [`multi_year_lp`] (to plan it with every objective, or to re-plan it).
pub fn multi_year_economy(s: &MultiYearLpSettings) -> Result<MultiYearEconomy, String> {
    multi_year_economy_with_base(s).map(|(e, _)| e)
}

/// [`multi_year_economy`] with its base-year output `x⁰` (to write it as Cockshott's
/// spreadsheets, whose flows are `a x⁰`).
pub fn multi_year_economy_with_base(
    s: &MultiYearLpSettings,
) -> Result<(MultiYearEconomy, Vec<f64>), String> {
    let (n, years) = (s.n, s.years);
    if n == 0 || years == 0 {
        return Err("n and years must be at least 1".into());
    }
    if s.inputs > n || s.capital_goods > n {
        return Err("inputs and capital_goods must be at most n".into());
    }
    let mut rng = Rng::new(s.seed);
    let pick = |rng: &mut Rng, k: usize| -> Vec<usize> {
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k {
            let g = rng.below(n);
            if !chosen.contains(&g) {
                chosen.push(g);
            }
        }
        chosen.sort_unstable();
        chosen
    };
    // Input coefficients a[i] = [(good, coefficient)], capital cells cells[i] = [(good, b, δ)].
    let mut a: Vec<Vec<(usize, f64)>> = Vec::with_capacity(n);
    let mut cells: Vec<Vec<(usize, f64, f64)>> = Vec::with_capacity(n);
    let mut labour = Vec::with_capacity(n);
    for _ in 0..n {
        let goods = pick(&mut rng, s.inputs);
        let total = rng.range(0.3, 0.6);
        let w: Vec<f64> = goods.iter().map(|_| rng.range(0.1, 1.0)).collect();
        let sum: f64 = w.iter().sum();
        a.push(
            goods
                .into_iter()
                .zip(w)
                .map(|(g, w)| (g, total * w / sum))
                .collect(),
        );
        let caps = pick(&mut rng, s.capital_goods);
        cells.push(
            caps.into_iter()
                .map(|g| (g, rng.range(0.05, 0.6), rng.range(0.03, 0.15)))
                .collect(),
        );
        labour.push(rng.range(0.2, 1.0));
    }
    let c0: Vec<f64> = (0..n).map(|_| rng.range(0.5, 1.5)).collect();
    // x⁰ = (I − A)⁻¹ c⁰ by Jacobi (column sums ≤ 0.6).
    let mut x0 = c0.clone();
    for _ in 0..200 {
        let mut next = c0.clone();
        for (i, col) in a.iter().enumerate() {
            for &(g, v) in col {
                next[g] += v * x0[i];
            }
        }
        x0 = next;
    }
    let l0: f64 = labour.iter().zip(&x0).map(|(l, x)| l * x).sum();
    let cells = cells
        .iter()
        .enumerate()
        .flat_map(|(i, cs)| {
            let x0i = x0[i];
            cs.iter().map(move |&(g, b, d)| CapitalCell {
                good: g,
                process: i,
                per_unit: b,
                depreciation: d,
                initial_stock: b * x0i,
                lag: 1,
            })
        })
        .collect();
    let economy = MultiYearEconomy::leontief(
        (0..n).map(|j| format!("g{j}")).collect(),
        a,
        labour,
        cells,
        (0..years)
            .map(|t| {
                let growth = 1.02f64.powi(t as i32 + 1);
                c0.iter().map(|c| 0.8 * c * growth).collect()
            })
            .collect(),
        (0..years)
            .map(|t| l0 * 1.01f64.powi(t as i32 + 1))
            .collect(),
    );
    Ok((economy, x0))
}
