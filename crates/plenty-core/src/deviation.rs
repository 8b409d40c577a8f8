//! How far prices lie from labour values: direct prices, prices of production with a uniform
//! profit rate, and the non-regression deviation measures between price vectors, with the
//! conventions of the `clptheory` R package (Basu and Moraitis 2023, "Alternative Approaches to
//! Labor Values and Prices of Production: Theory and Evidence", UMass Amherst Economics Working
//! Paper 347), so that its published figures can be reproduced.
//!
//! ## The three price vectors
//!
//! Gross output `Q` is recorded in money at market prices, so the quantity unit of every product
//! is "one money unit's worth at market prices", and the **market prices** are `MP = 1`.
//!
//! * **Direct prices** are labour values `λ = l (I − A)⁻¹` (see [`LeontiefSolver`]) rescaled so
//!   that gross output costs the same at direct prices as at market prices:
//!
//!   ```text
//!   DP = λ / α,   α = (λ · Q) / Σ_j Q_j        (so DP · Q = Σ_j Q_j)
//!   ```
//!
//! * **Prices of production** (the Standard Interpretation, circulating capital): workers are
//!   paid the real-wage bundle `b` per hour, so the capitalists advance, per unit of output, the
//!   inputs and the wage goods of the *augmented input matrix* `M = A + b l`, and every sector
//!   earns the same profit rate `r` on what it advances:
//!
//!   ```text
//!   p = (1 + r) p M     ⇔     p M = ρ(M) p,     r = 1/ρ(M) − 1
//!   ```
//!
//!   `p` is the left Perron–Frobenius eigenvector of `M` (positive when `M` is irreducible), found
//!   by [power iteration](left_perron_vector), and normalised like direct prices:
//!   `PP · Q = Σ_j Q_j`. A negative `r` means `ρ(M) > 1`: the economy cannot pay its wage bill
//!   out of its net product at these units (clptheory's WIOD figures mix a USD flow table with
//!   gross output in national currency, which gives exactly that for Australia 2010).
//!
//! The **New Interpretation** fixes the profit rate instead by the wage share of the net product;
//! see [`new_interpretation_profit_rate`].
//!
//! ## The deviation measures
//!
//! For a price vector `x` measured against a reference `y` (`MP = 1`, or `DP`), clptheory's
//! `nonregdist` compares the ratios `r_j = x_j / y_j` with 1; see [`deviation_measures`].
//!
//! ## Heterogeneous labour
//!
//! clptheory reduces hours of different pay to hours of "simple" (least paid) labour with the
//! relative wage: `l_j = H_j (w_j / w_min) / Q_j`; see [`simple_labour_coefficients`].

use crate::error::{ModelError, SolveError};
use crate::kernels::dot;
use crate::matrix::{CsrMatrix, DenseMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, SolveReport, SolverSettings};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Non-regression measures of the deviation of a price vector `x` from a reference `y`, as
/// clptheory's `nonregdist` defines them. All of them are zero when `x = y`.
///
/// With the ratios `r_j = x_j / y_j` over the `n` products and the gross-output weights
/// `ω_j = Q_j / Σ_k Q_k`:
///
/// ```text
/// RMSE  = √( (1/n) Σ_j (r_j − 1)² )
/// MAD   = (1/n) Σ_j |r_j − 1|
/// MAWD  = Σ_j ω_j |r_j − 1|
/// θ     = atan( s(r) / r̄ )            in degrees, r̄ = (1/n) Σ_j r_j,
///                                     s(r)² = Σ_j (r_j − r̄)² / (n − 1)
/// d     = √( 2 (1 − cos θ) ) = 2 sin(θ/2)
/// ```
///
/// `θ` is the angle between the ratio vector `r` and the unit vector `1`, in clptheory's
/// convention: the exact angle has `tan θ = σ(r) / r̄` with the *population* standard deviation
/// `σ(r)² = Σ_j (r_j − r̄)² / n`, while clptheory (R's `sd`) uses the sample standard deviation,
/// which makes the tangent larger by the factor `√(n / (n − 1))`. We follow clptheory so that its
/// published figures are reproduced. `d` is the distance of Steedman and Tomkins (1998): the
/// length of the chord between the two vectors scaled to unit length, `‖r/‖r‖ − 1/‖1‖‖`, for
/// the angle `θ`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeviationMeasures {
    /// Root mean squared error of the ratios from 1.
    pub rmse: f64,
    /// Mean absolute deviation of the ratios from 1.
    pub mad: f64,
    /// Mean absolute deviation of the ratios from 1, weighted by gross output.
    pub mawd: f64,
    /// The angle between the ratio vector and the unit vector, in degrees (clptheory's
    /// sample-standard-deviation convention).
    pub angle_degrees: f64,
    /// The d-distance `2 sin(θ/2)` for that angle (Steedman and Tomkins).
    pub d_distance: f64,
}

/// Computes the [`DeviationMeasures`] of `prices` from `reference`, with gross output as weights.
///
/// Every price and reference price must be finite and strictly positive (clptheory silently
/// drops products whose price of production is zero; here that is an error, so nothing is
/// dropped unseen). The weights must be finite, non-negative and not all zero, and there must be
/// at least two products (the sample standard deviation divides by `n − 1`). Errors name the
/// position.
pub fn deviation_measures(
    prices: &[f64],
    reference: &[f64],
    gross_output: &[f64],
) -> Result<DeviationMeasures, ModelError> {
    let n = prices.len();
    check_len("reference prices", n, reference.len())?;
    check_len("gross output", n, gross_output.len())?;
    if n < 2 {
        return Err(ModelError::Invalid(format!(
            "deviation measures need at least two products, got {n}"
        )));
    }
    check_positive("price", prices)?;
    check_positive("reference price", reference)?;
    check_non_negative("gross output", gross_output)?;
    let total: f64 = gross_output.iter().sum();
    if total <= 0.0 {
        return Err(ModelError::Invalid(
            "gross output is zero in every sector; the weights Q / ΣQ are undefined".into(),
        ));
    }
    let ratios: Vec<f64> = prices.iter().zip(reference).map(|(x, y)| x / y).collect();
    let nf = n as f64;
    let rmse = (ratios.iter().map(|r| (r - 1.0).powi(2)).sum::<f64>() / nf).sqrt();
    let mad = ratios.iter().map(|r| (r - 1.0).abs()).sum::<f64>() / nf;
    let mawd = ratios
        .iter()
        .zip(gross_output)
        .map(|(r, q)| (r - 1.0).abs() * q)
        .sum::<f64>()
        / total;
    let mean = ratios.iter().sum::<f64>() / nf;
    let sample_sd = (ratios.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    let theta = (sample_sd / mean).atan();
    Ok(DeviationMeasures {
        rmse,
        mad,
        mawd,
        angle_degrees: theta.to_degrees(),
        // 2 sin(θ/2) = √(2 (1 − cos θ)) without the cancellation of 1 − cos θ for small θ.
        d_distance: 2.0 * (0.5 * theta).sin(),
    })
}

/// The three comparisons clptheory reports: prices of production against market prices (`MP =
/// 1`), direct prices against market prices, and prices of production against direct prices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PriceDeviations {
    /// Prices of production against market prices: the ratios are `PP_j / 1`.
    pub pp_mp: DeviationMeasures,
    /// Direct prices against market prices: the ratios are `DP_j / 1`.
    pub dp_mp: DeviationMeasures,
    /// Prices of production against direct prices: the ratios are `PP_j / DP_j`.
    pub pp_dp: DeviationMeasures,
}

/// Computes [`PriceDeviations`] from prices of production `pp`, direct prices `dp` and gross
/// output `Q` (the weights of MAWD), each by [`deviation_measures`].
pub fn price_deviations(
    pp: &[f64],
    dp: &[f64],
    gross_output: &[f64],
) -> Result<PriceDeviations, ModelError> {
    let market = vec![1.0; pp.len()];
    Ok(PriceDeviations {
        pp_mp: deviation_measures(pp, &market, gross_output)?,
        dp_mp: deviation_measures(dp, &market, gross_output)?,
        pp_dp: deviation_measures(pp, dp, gross_output)?,
    })
}

/// Rescales a price vector so that gross output costs as much at these prices as at market
/// prices: returns `p / β` with `β = (p · Q) / Σ_j Q_j`, so that the result satisfies
/// `p · Q = Σ_j Q_j`.
///
/// The prices and output must be finite and non-negative, and `p · Q` must be positive.
pub fn normalise_to_gross_output(
    prices: &[f64],
    gross_output: &[f64],
) -> Result<Vec<f64>, ModelError> {
    check_len("gross output", prices.len(), gross_output.len())?;
    check_non_negative("price", prices)?;
    check_non_negative("gross output", gross_output)?;
    let value = dot(prices, gross_output);
    let total: f64 = gross_output.iter().sum();
    if value <= 0.0 || total <= 0.0 {
        return Err(ModelError::Invalid(format!(
            "gross output is worth {value} at these prices and {total} at market prices; \
             prices cannot be normalised to it"
        )));
    }
    let beta = value / total;
    Ok(prices.iter().map(|p| p / beta).collect())
}

/// Direct prices from labour values: `DP = λ / α` with `α = (λ · Q) / Σ_j Q_j`, so that
/// `DP · Q = Σ_j Q_j` (clptheory's normalisation: the same total price as at market prices).
/// `α` is the labour time that one money unit of gross output embodies on average.
pub fn direct_prices(values: &[f64], gross_output: &[f64]) -> Result<Vec<f64>, ModelError> {
    normalise_to_gross_output(values, gross_output)
}

/// Labour values with the direct prices made from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectPrices {
    /// The labour values `λ = l (I − A)⁻¹`.
    pub values: Vec<f64>,
    /// The direct prices `DP = λ / α`.
    pub prices: Vec<f64>,
    /// `α = (λ · Q) / Σ_j Q_j`: hours per money unit of gross output, on average.
    pub alpha: f64,
    /// How the Leontief solve for `λ` went; check its status before using the prices.
    pub report: SolveReport,
}

/// Solves for the labour values `λ = l (I − A)⁻¹` (by `(I − A)ᵀ λᵀ = lᵀ` with the prepared
/// `solver`; no inverse is formed) and rescales them to [`direct_prices`].
pub fn direct_prices_from_labour(
    solver: &LeontiefSolver<'_>,
    labour: &[f64],
    gross_output: &[f64],
) -> Result<DirectPrices, PriceError> {
    let solved = solver.solve_values(labour)?;
    let prices = direct_prices(&solved.x, gross_output)?;
    let total: f64 = gross_output.iter().sum();
    let alpha = dot(&solved.x, gross_output) / total;
    Ok(DirectPrices {
        values: solved.x,
        prices,
        alpha,
        report: solved.report,
    })
}

/// Direct labour per unit of output in hours of simple labour (clptheory's `l_simple`): each
/// sector's hours `H_j` are weighted by its wage relative to the reference wage,
///
/// ```text
/// l_j = H_j · (w_j / w_ref) / Q_j
/// ```
///
/// so that an hour paid twice the reference wage counts as two hours of simple labour. clptheory
/// takes `w_j = COMP_j / NOMEXCH / H_j` (compensation of employees converted to USD, per hour
/// worked by employees) and `w_ref = min_k w_k`, the lowest wage of the country and year over
/// *all* industries with hours (including the ones it then drops from the table, such as public
/// administration O84). With `w_ref` the least wage, every `l_j ≥ H_j / Q_j`.
///
/// `hours` and `gross_output` are totals per sector; `wages` must be finite and positive where
/// hours are positive, `reference_wage` finite and positive, and `gross_output` positive (a
/// sector without output has no coefficient; leave it out of the table).
pub fn simple_labour_coefficients(
    hours: &[f64],
    wages: &[f64],
    reference_wage: f64,
    gross_output: &[f64],
) -> Result<Vec<f64>, ModelError> {
    let n = hours.len();
    check_len("wages", n, wages.len())?;
    check_len("gross output", n, gross_output.len())?;
    check_non_negative("hours", hours)?;
    check_positive("gross output", gross_output)?;
    if !(reference_wage.is_finite() && reference_wage > 0.0) {
        return Err(ModelError::Invalid(format!(
            "the reference wage is {reference_wage}; it must be finite and positive"
        )));
    }
    (0..n)
        .map(|j| {
            if hours[j] == 0.0 {
                return Ok(0.0);
            }
            let w = wages[j];
            if !(w.is_finite() && w > 0.0) {
                return Err(ModelError::Invalid(format!(
                    "the wage of sector {j} is {w} although it works {} hours; \
                     it must be finite and positive",
                    hours[j]
                )));
            }
            Ok(hours[j] * (w / reference_wage) / gross_output[j])
        })
        .collect()
}

/// The augmented input matrix `M = A + b l`: the inputs `A` and the wage goods `b l` (the
/// real-wage bundle `b` per hour times the hours `l` per unit of output) that producing one unit
/// of each product takes. Dense, `n × n`.
pub fn augmented_matrix(
    a: &TechnicalCoefficients,
    wage_bundle: &[f64],
    labour: &[f64],
) -> Result<DenseMatrix, ModelError> {
    let n = a.n();
    check_len("real-wage bundle", n, wage_bundle.len())?;
    check_len("labour coefficients", n, labour.len())?;
    check_non_negative("real-wage bundle", wage_bundle)?;
    check_non_negative("labour coefficients", labour)?;
    let mut m = a.to_dense();
    for (i, bi) in wage_bundle.iter().enumerate() {
        for (j, lj) in labour.iter().enumerate() {
            m.set(i, j, m.get(i, j) + bi * lj);
        }
    }
    Ok(m)
}

/// Settings of the power iteration for a left Perron–Frobenius eigenvector. `Default` gives the
/// documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PerronSettings {
    /// Stop when the Collatz–Wielandt bounds agree: `upper − lower ≤ tolerance · upper` (for the
    /// shifted matrix). Default `1e-12`; range `(0, 1)`. Below about `1e-15` rounding keeps the
    /// bounds apart and the iteration ends at the limit.
    pub tolerance: f64,
    /// Iteration limit. Default 100 000.
    pub max_iterations: usize,
    /// Relative shift: the iteration runs on `M + α I` with `α = shift · (Σ_ij m_ij) / n` (the
    /// mean row sum of `M`, a scale of `ρ(M)`). The shift keeps every iterate strictly positive
    /// and damps the cycles of a periodic matrix; it does not change the eigenvector. Default
    /// `0.1`; must be finite and non-negative.
    pub shift: f64,
}

impl Default for PerronSettings {
    fn default() -> Self {
        Self {
            tolerance: 1e-12,
            max_iterations: 100_000,
            shift: 0.1,
        }
    }
}

impl PerronSettings {
    /// Checks every field's range.
    pub fn validate(&self) -> Result<(), SolveError> {
        if !(self.tolerance > 0.0 && self.tolerance < 1.0) {
            return Err(SolveError::Settings(format!(
                "tolerance must lie in (0, 1), got {}",
                self.tolerance
            )));
        }
        if self.max_iterations == 0 {
            return Err(SolveError::Settings(
                "max_iterations must be at least 1".into(),
            ));
        }
        if !(self.shift.is_finite() && self.shift >= 0.0) {
            return Err(SolveError::Settings(format!(
                "shift must be finite and non-negative, got {}",
                self.shift
            )));
        }
        Ok(())
    }
}

/// What the power iteration achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PerronStatus {
    /// The Collatz–Wielandt bounds agree within the tolerance.
    Converged = 0,
    /// The iteration limit was reached first (the eigenvalue lies between the bounds reported).
    IterationLimit = 1,
    /// An iterate became zero or not finite: `p M = 0` for a non-negative `p` (e.g. `M = 0`), so
    /// there is no positive eigenvalue to find.
    Degenerate = 2,
}

impl PerronStatus {
    /// True when the answer can be used.
    pub fn is_converged(self) -> bool {
        self == PerronStatus::Converged
    }
}

impl fmt::Display for PerronStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PerronStatus::Converged => "converged",
            PerronStatus::IterationLimit => "iteration limit reached",
            PerronStatus::Degenerate => "degenerate (the iterate vanished)",
        })
    }
}

/// A left Perron–Frobenius eigenvector `p M = ρ(M) p` of a non-negative matrix, with the
/// certified bounds on `ρ(M)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerronVector {
    /// The estimate of `ρ(M)`: `Σ_j (p M)_j / Σ_j p_j` at the last iterate (never negative).
    pub eigenvalue: f64,
    /// Collatz–Wielandt lower bound `min_j (p M)_j / p_j` at the last iterate.
    pub lower: f64,
    /// Collatz–Wielandt upper bound `max_j (p M)_j / p_j` at the last iterate.
    pub upper: f64,
    /// The eigenvector, non-negative and scaled to `Σ_j p_j = 1`.
    pub vector: Vec<f64>,
    /// Iterations used.
    pub iterations: usize,
    /// The outcome.
    pub status: PerronStatus,
}

/// The left Perron–Frobenius eigenvector of a square non-negative matrix `M`, by power iteration
/// on the transpose:
///
/// ```text
/// p₀ = 1/n,    p_{k+1} = p_k (M + α I) / ‖p_k (M + α I)‖₁
/// ```
///
/// For a positive `p` and non-negative `M` the Collatz–Wielandt bounds
/// `min_j (p M)_j / p_j ≤ ρ(M) ≤ max_j (p M)_j / p_j` hold, and they meet at the eigenvector; the
/// iteration stops when they agree within [`PerronSettings::tolerance`]. It converges when `M` is
/// irreducible (at the rate `|λ₂ + α| / (ρ + α)`); the shift `α` (see [`PerronSettings::shift`])
/// removes the oscillation of periodic matrices. The matrix must be square, finite and
/// non-negative.
pub fn left_perron_vector(
    m: &DenseMatrix,
    settings: &PerronSettings,
) -> Result<PerronVector, PriceError> {
    settings.validate()?;
    if m.nrows() != m.ncols() {
        return Err(ModelError::NotSquare {
            rows: m.nrows(),
            cols: m.ncols(),
        }
        .into());
    }
    // Validates finiteness and signs.
    let m = TechnicalCoefficients::dense(m.clone())?;
    let n = m.n();
    let total: f64 = m.column_sums().iter().sum();
    Ok(power_iteration_left(n, total, settings, |p, y| {
        m.mul_vec_transpose(p, y)
    }))
}

/// Prices of production of the Standard Interpretation (circulating capital, uniform wage and
/// profit rates), as clptheory's `ppstdint1` computes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricesOfProduction {
    /// The prices of production, normalised so that `PP · Q = Σ_j Q_j`.
    pub prices: Vec<f64>,
    /// The uniform profit rate `r = 1/ρ(M) − 1` (a fraction; negative when `ρ(M) > 1`, infinite
    /// when `ρ(M) = 0`).
    pub profit_rate: f64,
    /// The eigenvector computation on `M = A + b l` (its `eigenvalue` is `ρ(M)`); check its
    /// status before using the prices.
    pub perron: PerronVector,
}

/// Computes [`PricesOfProduction`]: the left Perron–Frobenius eigenvector of the augmented input
/// matrix `M = A + b l` (found as in [`left_perron_vector`]), `r = 1/ρ(M) − 1`, and the prices
/// scaled to `PP · Q = Σ_j Q_j`.
///
/// `M` is never formed: each step computes `p M = p A + (p · b) l`, one transposed product with
/// `A` (dense or sparse) and a rank-one update, so large sparse economies work too.
///
/// `b` is the real-wage bundle per hour of (simple) labour, `l` the labour per unit of output,
/// `Q` gross output; all finite and non-negative, with lengths equal to `A`'s size.
pub fn prices_of_production(
    a: &TechnicalCoefficients,
    wage_bundle: &[f64],
    labour: &[f64],
    gross_output: &[f64],
    settings: &PerronSettings,
) -> Result<PricesOfProduction, PriceError> {
    settings.validate()?;
    let n = a.n();
    check_len("real-wage bundle", n, wage_bundle.len())?;
    check_len("labour coefficients", n, labour.len())?;
    check_len("gross output", n, gross_output.len())?;
    check_non_negative("real-wage bundle", wage_bundle)?;
    check_non_negative("labour coefficients", labour)?;
    check_non_negative("gross output", gross_output)?;
    // Σ_ij m_ij = Σ_j (1ᵀ A)_j + (Σ_i b_i)(Σ_j l_j).
    let total = a.column_sums().iter().sum::<f64>()
        + wage_bundle.iter().sum::<f64>() * labour.iter().sum::<f64>();
    // The transposed product p A: dense in place; sparse through an explicit transpose, built
    // once (the parallel row product on Aᵀ instead of a serial scatter).
    let transpose = match a {
        TechnicalCoefficients::Sparse(s) => Some(s.transpose()),
        TechnicalCoefficients::Dense(_) => None,
    };
    let perron = power_iteration_left(n, total, settings, |p, y| {
        match (&transpose, a) {
            (Some(t), _) => t.mul_vec(p, y),
            (None, a) => a.mul_vec_transpose(p, y),
        }
        let pb = dot(p, wage_bundle);
        for (y, l) in y.iter_mut().zip(labour) {
            *y += pb * l;
        }
    });
    let prices = if perron.status == PerronStatus::Degenerate {
        vec![f64::NAN; n]
    } else {
        normalise_to_gross_output(&perron.vector, gross_output)?
    };
    Ok(PricesOfProduction {
        prices,
        profit_rate: 1.0 / perron.eigenvalue - 1.0,
        perron,
    })
}

/// Settings of the root search for the New Interpretation's profit rate. `Default` gives the
/// documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfitRateSettings {
    /// Absolute tolerance on `r` of Brent's method: it stops when the bracket's half-width is at
    /// most `2 ε |r| + tolerance / 2`. Default `1e-13`; must be positive and finite.
    ///
    /// clptheory finds the rate with R's `uniroot` at its default tolerance `ε^{1/4} ≈ 1.22e-4`,
    /// so its published rates are Brent's iterate at that tolerance, which can differ from the
    /// root in the sixth digit. Pass `f64::EPSILON.powf(0.25)` to reproduce them.
    pub tolerance: f64,
    /// Iteration limit (function evaluations after the two ends). Default 1 000, as `uniroot`.
    pub max_iterations: usize,
    /// The search runs on `[0, R − margin]`, `R = 1/ρ(A) − 1` the maximum profit rate, where the
    /// equation has its pole. Default `1e-5`, as clptheory; must be positive and finite.
    pub margin: f64,
    /// Settings of the power iteration for `ρ(A)`. Default: [`PerronSettings`] with tolerance
    /// `1e-14`, because the upper end `R − margin` lies close to the pole and so shapes the
    /// first steps of the search.
    pub perron: PerronSettings,
}

impl Default for ProfitRateSettings {
    fn default() -> Self {
        Self {
            tolerance: 1e-13,
            max_iterations: 1000,
            margin: 1e-5,
            perron: PerronSettings {
                tolerance: 1e-14,
                ..Default::default()
            },
        }
    }
}

impl ProfitRateSettings {
    /// Checks every field's range.
    pub fn validate(&self) -> Result<(), SolveError> {
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(SolveError::Settings(format!(
                "tolerance must be positive and finite, got {}",
                self.tolerance
            )));
        }
        if !(self.margin > 0.0 && self.margin.is_finite()) {
            return Err(SolveError::Settings(format!(
                "margin must be positive and finite, got {}",
                self.margin
            )));
        }
        self.perron.validate()
    }
}

/// What the root search for a profit rate achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RootStatus {
    /// The bracket shrank to the tolerance.
    Converged = 0,
    /// The iteration limit was reached first.
    IterationLimit = 1,
    /// The equation has the same sign at both ends of `[0, R − margin]`: no profit rate in it.
    NoSignChange = 2,
    /// A Leontief solve inside the search did not converge, or `ρ(A)` was not found.
    SolveFailed = 3,
}

impl RootStatus {
    /// True when the answer can be used.
    pub fn is_converged(self) -> bool {
        self == RootStatus::Converged
    }
}

impl fmt::Display for RootStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RootStatus::Converged => "converged",
            RootStatus::IterationLimit => "iteration limit reached",
            RootStatus::NoSignChange => "no sign change: no profit rate in [0, R)",
            RootStatus::SolveFailed => "a Leontief solve or the spectral radius failed",
        })
    }
}

/// The uniform profit rate of the New Interpretation, with how it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewInterpretationRate {
    /// The uniform profit rate `r` (a fraction).
    pub profit_rate: f64,
    /// The maximum profit rate `R = 1/ρ(A) − 1` (the rate when wages are zero).
    pub maximum_profit_rate: f64,
    /// `f(r)` at the answer (see [`new_interpretation_profit_rate`]), in hours.
    pub residual: f64,
    /// Evaluations of `f` after the two ends of the bracket.
    pub iterations: usize,
    /// The outcome.
    pub status: RootStatus,
}

/// The uniform profit rate of the New Interpretation (circulating capital, uniform wage), as
/// clptheory's `ppnewint1` defines it. Prices of production with a money wage `w` per hour are
/// `p = (1 + r) w l (I − (1 + r) A)⁻¹`; the New Interpretation fixes `r` by asking that wages take
/// the share `v` (the value of labour power) of the net product `y = (I − A) Q` at these prices,
/// `w l · Q = v · p y`. The wage cancels, and `r` is the root in `[0, R)` of
///
/// ```text
/// f(r) = (1 + r) · l (I − (1 + r) A)⁻¹ y − (l · Q) / v,      R = 1/ρ(A) − 1,
/// ```
///
/// which rises from `f(0) = l·Q (1 − 1/v) < 0` to `+∞` at `R`. Each evaluation is one transposed
/// Leontief solve `(I − (1 + r) A)ᵀ zᵀ = lᵀ` (no inverse is formed); the root is found by Brent's
/// method (Brent 1973, the `zeroin` that R's `uniroot` runs) on `[0, R − margin]`. `ρ(A)` comes
/// from [`left_perron_vector`]'s power iteration.
///
/// `v` must lie in `(0, 1)`; `A`, `l`, `Q` finite and non-negative.
pub fn new_interpretation_profit_rate(
    a: &TechnicalCoefficients,
    labour: &[f64],
    gross_output: &[f64],
    value_of_labour_power: f64,
    solver: &SolverSettings,
    settings: &ProfitRateSettings,
) -> Result<NewInterpretationRate, PriceError> {
    settings.validate()?;
    solver.validate()?;
    let n = a.n();
    check_len("labour coefficients", n, labour.len())?;
    check_len("gross output", n, gross_output.len())?;
    check_non_negative("labour coefficients", labour)?;
    check_non_negative("gross output", gross_output)?;
    let v = value_of_labour_power;
    if !(v > 0.0 && v < 1.0) {
        return Err(ModelError::Invalid(format!(
            "the value of labour power is {v}; it must lie in (0, 1)"
        ))
        .into());
    }
    // ρ(A) by the left power iteration on A itself (b = 0 in `prices_of_production`).
    let zeros = vec![0.0; n];
    let rho = prices_of_production(a, &zeros, &zeros, gross_output, &settings.perron)?.perron;
    let mut out = NewInterpretationRate {
        profit_rate: f64::NAN,
        maximum_profit_rate: 1.0 / rho.eigenvalue - 1.0,
        residual: f64::NAN,
        iterations: 0,
        status: RootStatus::SolveFailed,
    };
    if rho.status == PerronStatus::Degenerate || rho.eigenvalue.is_nan() || rho.eigenvalue <= 0.0 {
        return Ok(out);
    }
    let upper = out.maximum_profit_rate - settings.margin;
    if upper <= 0.0 {
        out.status = RootStatus::NoSignChange;
        return Ok(out);
    }
    // y = (I − A) Q.
    let mut aq = vec![0.0; n];
    a.mul_vec(gross_output, &mut aq);
    let y: Vec<f64> = gross_output.iter().zip(&aq).map(|(q, aq)| q - aq).collect();
    let target = dot(labour, gross_output) / v;
    let mut failed = false;
    let mut f = |r: f64| -> Result<f64, PriceError> {
        let scaled = scale_coefficients(a, 1.0 + r)?;
        let z = LeontiefSolver::new(&scaled, solver.clone())?.solve_values(labour)?;
        if !z.report.status.is_converged() {
            failed = true;
        }
        Ok((1.0 + r) * dot(&z.x, &y) - target)
    };
    let (f0, fu) = (f(0.0)?, f(upper)?);
    if f0.signum() == fu.signum() && f0 != 0.0 {
        out.status = RootStatus::NoSignChange;
        return Ok(out);
    }
    let (root, froot, iterations, converged) = brent(
        &mut f,
        0.0,
        upper,
        f0,
        fu,
        settings.tolerance,
        settings.max_iterations,
    )?;
    out.profit_rate = root;
    out.residual = froot;
    out.iterations = iterations;
    out.status = if failed {
        RootStatus::SolveFailed
    } else if converged {
        RootStatus::Converged
    } else {
        RootStatus::IterationLimit
    };
    Ok(out)
}

/// `s · A` in the same storage.
fn scale_coefficients(
    a: &TechnicalCoefficients,
    s: f64,
) -> Result<TechnicalCoefficients, ModelError> {
    match a {
        TechnicalCoefficients::Dense(d) => {
            TechnicalCoefficients::dense(DenseMatrix::from_fn(d.nrows(), d.ncols(), |i, j| {
                s * d.get(i, j)
            }))
        }
        TechnicalCoefficients::Sparse(c) => {
            let t = c
                .triplets()
                .map(|(i, j, v)| (i as u32, j as u32, s * v))
                .collect();
            TechnicalCoefficients::sparse(CsrMatrix::try_from_triplets(c.nrows(), c.ncols(), t)?)
        }
    }
}

/// Brent's method for a root of `f` in `[a, b]` with `f(a) = fa`, `f(b) = fb` of opposite signs
/// (Brent 1973, ch. 4): keep a bracket `[b, c]` with `b` the best point, try inverse quadratic
/// interpolation (or the secant when only two points are known), and fall back to bisection
/// when the step would leave the bracket or shrink too slowly. Stops when
/// `|c − b| / 2 ≤ 2 ε |b| + tol / 2` or `f(b) = 0`. Returns `(b, f(b), evaluations, converged)`.
fn brent<E>(
    f: &mut impl FnMut(f64) -> Result<f64, E>,
    a: f64,
    b: f64,
    fa: f64,
    fb: f64,
    tol: f64,
    max_iterations: usize,
) -> Result<(f64, f64, usize, bool), E> {
    let (mut a, mut b, mut fa, mut fb) = (a, b, fa, fb);
    if fa == 0.0 {
        return Ok((a, fa, 0, true));
    }
    if fb == 0.0 {
        return Ok((b, fb, 0, true));
    }
    // c is the far end of the bracket: f(b) and f(c) have opposite signs.
    let (mut c, mut fc) = (a, fa);
    for evaluations in 0..=max_iterations {
        let previous_step = b - a;
        if fc.abs() < fb.abs() {
            // Make b the best point so far.
            (a, b, c) = (b, c, b);
            (fa, fb, fc) = (fb, fc, fb);
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut step = (c - b) / 2.0;
        if step.abs() <= tol_act || fb == 0.0 {
            return Ok((b, fb, evaluations, true));
        }
        if evaluations == max_iterations {
            return Ok((b, fb, evaluations, false));
        }
        // Interpolate when the previous step was large enough and decreased |f|.
        if previous_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                // Two distinct points: the secant.
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                // Inverse quadratic interpolation through (a, fa), (b, fb), (c, fc).
                let qa = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0));
                q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            // Accept p/q if it stays well inside the bracket and shrinks faster than halving
            // the step before last.
            if p < 0.75 * cb * q - (tol_act * q).abs() / 2.0 && p < (previous_step * q / 2.0).abs()
            {
                step = p / q;
            }
        }
        if step.abs() < tol_act {
            step = if step > 0.0 { tol_act } else { -tol_act };
        }
        (a, fa) = (b, fb);
        b += step;
        fb = f(b)?;
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            (c, fc) = (a, fa);
        }
    }
    unreachable!("the loop returns at its last iteration")
}

/// A price computation could not be carried out at all.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PriceError {
    /// The input does not describe a valid economy, vector or matrix.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The settings are out of range, or the Leontief solve could not run.
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Power iteration `p ← p (M + αI)` for the left Perron vector, with `y = p M` computed by
/// `apply(p, y)`. `total` is `Σ_ij m_ij` (it sets the shift's scale).
fn power_iteration_left(
    n: usize,
    total: f64,
    settings: &PerronSettings,
    apply: impl Fn(&[f64], &mut [f64]),
) -> PerronVector {
    let alpha = settings.shift * total / n as f64;
    let mut p = vec![1.0 / n as f64; n];
    let mut y = vec![0.0; n];
    let mut out = PerronVector {
        eigenvalue: f64::NAN,
        lower: 0.0,
        upper: f64::INFINITY,
        vector: Vec::new(),
        iterations: 0,
        status: PerronStatus::IterationLimit,
    };
    for it in 1..=settings.max_iterations {
        out.iterations = it;
        apply(&p, &mut y);
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        let mut sum = 0.0;
        for (yj, pj) in y.iter_mut().zip(&p) {
            *yj += alpha * pj;
            sum += *yj;
            if *pj > 0.0 {
                let r = *yj / pj;
                lo = lo.min(r);
                hi = hi.max(r);
            } else if *yj > 0.0 {
                // A zero entry that is about to grow: no upper bound from this iterate.
                hi = f64::INFINITY;
            }
        }
        if !(sum > 0.0 && sum.is_finite()) {
            out.status = PerronStatus::Degenerate;
            out.eigenvalue = 0.0;
            out.lower = 0.0;
            out.upper = 0.0;
            break;
        }
        // Σ_j p_j = 1, so Σ_j (p (M + αI))_j is the eigenvalue estimate of M + αI.
        out.eigenvalue = (sum - alpha).max(0.0);
        out.lower = (lo - alpha).max(0.0);
        out.upper = hi - alpha;
        p.iter_mut().zip(&y).for_each(|(p, y)| *p = y / sum);
        if hi - lo <= settings.tolerance * hi {
            out.status = PerronStatus::Converged;
            break;
        }
    }
    out.vector = p;
    out
}

fn check_len(what: &str, expected: usize, found: usize) -> Result<(), ModelError> {
    if expected != found {
        return Err(ModelError::DimensionMismatch {
            what: what.to_string(),
            expected,
            found,
        });
    }
    Ok(())
}

fn check_non_negative(what: &str, v: &[f64]) -> Result<(), ModelError> {
    for (i, &x) in v.iter().enumerate() {
        if !x.is_finite() {
            return Err(ModelError::NotFinite {
                what: what.to_string(),
                row: i,
                col: 0,
                value: x,
            });
        }
        if x < 0.0 {
            return Err(ModelError::Negative {
                what: what.to_string(),
                row: i,
                col: 0,
                value: x,
            });
        }
    }
    Ok(())
}

fn check_positive(what: &str, v: &[f64]) -> Result<(), ModelError> {
    check_non_negative(what, v)?;
    if let Some(i) = v.iter().position(|&x| x == 0.0) {
        return Err(ModelError::Invalid(format!(
            "{what} at position {i} is zero; it must be positive"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rounds to `digits` significant digits, as R prints (`signif`).
    fn signif(x: f64, digits: usize) -> f64 {
        format!("{:.*e}", digits - 1, x).parse().unwrap()
    }

    /// Rounds to `digits` decimals (R prints a vector with one number of decimals for all).
    fn decimals(x: f64, digits: usize) -> f64 {
        format!("{x:.digits$}").parse().unwrap()
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    #[test]
    fn identical_vectors_do_not_deviate() {
        let p = [0.3, 1.7, 2.0, 0.9];
        let q = [10.0, 0.0, 5.0, 1.0];
        let m = deviation_measures(&p, &p, &q).unwrap();
        assert_eq!(
            m,
            DeviationMeasures {
                rmse: 0.0,
                mad: 0.0,
                mawd: 0.0,
                angle_degrees: 0.0,
                d_distance: 0.0
            }
        );
        // Proportional vectors: the ratios are constant, so the angle and d-distance vanish but
        // the level measures do not.
        let twice: Vec<f64> = p.iter().map(|x| 2.0 * x).collect();
        let m = deviation_measures(&twice, &p, &q).unwrap();
        assert_eq!((m.rmse, m.mad, m.mawd), (1.0, 1.0, 1.0));
        assert_eq!((m.angle_degrees, m.d_distance), (0.0, 0.0));
    }

    #[test]
    fn a_two_product_case_by_hand() {
        // Ratios r = (0.5, 1.5) against 1: every |r − 1| is 0.5.
        let m = deviation_measures(&[1.0, 3.0], &[2.0, 2.0], &[3.0, 1.0]).unwrap();
        assert_eq!(m.rmse, 0.5);
        assert_eq!(m.mad, 0.5);
        assert_eq!(m.mawd, 0.5);
        // r̄ = 1, s(r) = √((0.25 + 0.25) / 1) = √0.5, θ = atan(√0.5) = 35.26…°.
        let theta = 0.5f64.sqrt().atan();
        assert!(close(m.angle_degrees, 35.264_389_682_754_654, 1e-15));
        assert!(close(
            m.d_distance,
            (2.0 * (1.0 - theta.cos())).sqrt(),
            1e-15
        ));
        // MAWD weights: r = (1.2, 0.6) with Q = (3, 1): (3·0.2 + 1·0.4) / 4 = 0.25, while
        // MAD = 0.3 and RMSE = √((0.04 + 0.16)/2) = √0.1.
        let m = deviation_measures(&[1.2, 0.6], &[1.0, 1.0], &[3.0, 1.0]).unwrap();
        assert!(close(m.mawd, 0.25, 1e-15));
        assert!(close(m.mad, 0.3, 1e-15));
        assert!(close(m.rmse, 0.1f64.sqrt(), 1e-15));
    }

    #[test]
    fn bad_inputs_are_named() {
        let q = [1.0, 1.0];
        assert!(matches!(
            deviation_measures(&[1.0], &[1.0, 1.0], &q),
            Err(ModelError::DimensionMismatch { .. })
        ));
        assert!(matches!(
            deviation_measures(&[1.0, 0.0], &[1.0, 1.0], &q),
            Err(ModelError::Invalid(_))
        ));
        assert!(matches!(
            deviation_measures(&[1.0, -1.0], &[1.0, 1.0], &q),
            Err(ModelError::Negative { row: 1, .. })
        ));
        assert!(matches!(
            deviation_measures(&[1.0, 1.0], &[1.0, f64::NAN], &q),
            Err(ModelError::NotFinite { row: 1, .. })
        ));
        assert!(deviation_measures(&[1.0, 1.0], &[1.0, 1.0], &[0.0, 0.0]).is_err());
        assert!(deviation_measures(&[1.0], &[1.0], &[1.0]).is_err());
        assert!(normalise_to_gross_output(&[0.0, 0.0], &q).is_err());
        assert!(simple_labour_coefficients(&[1.0], &[0.0], 1.0, &[1.0]).is_err());
        assert!(simple_labour_coefficients(&[1.0], &[1.0], 0.0, &[1.0]).is_err());
        let bad = PerronSettings {
            tolerance: 0.0,
            ..Default::default()
        };
        assert!(matches!(
            left_perron_vector(&DenseMatrix::zeros(2, 2), &bad),
            Err(PriceError::Solve(SolveError::Settings(_)))
        ));
    }

    #[test]
    fn normalisation_preserves_the_value_of_gross_output() {
        let q = [26530.0, 18168.0, 73840.0];
        let p = normalise_to_gross_output(&[3.0, 1.0, 2.0], &q).unwrap();
        let total: f64 = q.iter().sum();
        assert!(close(dot(&p, &q), total, 1e-15));
        // Proportional to the input.
        assert!(close(p[0] / p[1], 3.0, 1e-15));
    }

    #[test]
    fn simple_labour_weights_hours_by_relative_wage() {
        // Wages 10, 20, 15 per hour; the least is 10: hours count 1, 2 and 1.5 times.
        let l = simple_labour_coefficients(
            &[4.0, 3.0, 0.0],
            &[10.0, 20.0, f64::NAN],
            10.0,
            &[8.0, 12.0, 5.0],
        )
        .unwrap();
        assert_eq!(l, vec![0.5, 0.5, 0.0]);
    }

    #[test]
    fn perron_vector_of_a_periodic_matrix() {
        // [[0, 2], [1, 0]] is periodic (eigenvalues ±√2): without a shift the power iteration
        // would oscillate. Left eigenvector for √2: p = (1, √2) / (1 + √2).
        let m = DenseMatrix::try_from_row_major(2, 2, vec![0.0, 2.0, 1.0, 0.0]).unwrap();
        let e = left_perron_vector(&m, &PerronSettings::default()).unwrap();
        assert!(e.status.is_converged(), "{e:?}");
        assert!(close(e.eigenvalue, 2f64.sqrt(), 1e-12), "{e:?}");
        assert!(e.lower <= 2f64.sqrt() + 1e-15 && 2f64.sqrt() <= e.upper + 1e-15);
        assert!(
            close(e.vector[1] / e.vector[0], 2f64.sqrt(), 1e-11),
            "{e:?}"
        );
        // Without the shift it does not converge.
        let e = left_perron_vector(
            &m,
            &PerronSettings {
                shift: 0.0,
                max_iterations: 1000,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(e.status, PerronStatus::IterationLimit);
        // The zero matrix has no positive eigenvalue.
        let e = left_perron_vector(&DenseMatrix::zeros(3, 3), &PerronSettings::default()).unwrap();
        assert_eq!(e.status, PerronStatus::Degenerate);
    }

    /// Ochoa (1984), pp. 46–57, the three-sector example of clptheory's README and of
    /// reference_values.json ("Ochoa_1984_3_sector_example").
    fn ochoa() -> (TechnicalCoefficients, [f64; 3], [f64; 3], [f64; 3]) {
        let a = DenseMatrix::try_from_row_major(
            3,
            3,
            vec![
                0.265, 0.968, 0.00681, //
                0.0121, 0.391, 0.0169, //
                0.0408, 0.808, 0.165,
            ],
        )
        .unwrap();
        let l = [0.193, 3.562, 0.616];
        let b = [0.0109, 0.0275, 0.296];
        let q = [26530.0, 18168.0, 73840.0];
        (TechnicalCoefficients::dense(a).unwrap(), l, b, q)
    }

    #[test]
    fn ochoa_1984_labour_values_direct_prices_and_prices_of_production() {
        let (a, l, b, q) = ochoa();
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        let dp = direct_prices_from_labour(&solver, &l, &q).unwrap();
        assert!(dp.report.status.is_converged());
        // Published labour values (reference_values.json, clptheory README), 7 digits.
        for (k, want) in [0.4398417, 7.739431, 0.8979541].iter().enumerate() {
            assert_eq!(signif(dp.values[k], 7), *want, "λ[{k}] = {}", dp.values[k]);
        }
        // Published direct prices (clptheory README, `si1$dp`).
        for (k, want) in [0.238526, 4.197091, 0.4869603].iter().enumerate() {
            assert_eq!(signif(dp.prices[k], 7), *want, "DP[{k}] = {}", dp.prices[k]);
        }
        let pp = prices_of_production(&a, &b, &l, &q, &PerronSettings::default()).unwrap();
        assert!(pp.perron.status.is_converged(), "{:?}", pp.perron);
        assert_eq!(
            signif(pp.profit_rate, 7),
            0.3877843,
            "r = {}",
            pp.profit_rate
        );
        // Printed as one vector, with 7 decimals for every element.
        for (k, want) in [0.2606593, 4.4614969, 0.4139522].iter().enumerate() {
            assert_eq!(
                decimals(pp.prices[k], 7),
                *want,
                "PP[{k}] = {}",
                pp.prices[k]
            );
        }
        // The bounds bracket ρ(M) and r = 1/ρ − 1.
        assert!(pp.perron.lower <= pp.perron.eigenvalue && pp.perron.eigenvalue <= pp.perron.upper);
        assert!(close(
            1.0 / (1.0 + pp.profit_rate),
            pp.perron.eigenvalue,
            1e-15
        ));
        // p (A + b l) = ρ p, with M formed explicitly, and the same vector from the dense route.
        let m = augmented_matrix(&a, &b, &l).unwrap();
        let mut pm = vec![0.0; 3];
        m.mul_vec_transpose(&pp.prices, &mut pm);
        for (pm, p) in pm.iter().zip(&pp.prices) {
            assert!(close(*pm, pp.perron.eigenvalue * p, 1e-12));
        }
        let dense = left_perron_vector(&m, &PerronSettings::default()).unwrap();
        for k in 0..3 {
            assert!(close(dense.vector[k], pp.perron.vector[k], 1e-12));
        }
        // Sparse storage takes the same path through an explicit transpose.
        let sparse = TechnicalCoefficients::Sparse(a.to_csr());
        let pps = prices_of_production(&sparse, &b, &l, &q, &PerronSettings::default()).unwrap();
        for k in 0..3 {
            assert!(close(pps.prices[k], pp.prices[k], 1e-12));
        }
    }

    #[test]
    fn ochoa_1984_deviation_measures() {
        // clptheory README, "Comparison of SI and NI", column SI (circulating capital):
        // nonregdist(x = pp, y = dp, Q = Q).
        let (a, l, b, q) = ochoa();
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        let dp = direct_prices_from_labour(&solver, &l, &q).unwrap().prices;
        let pp = prices_of_production(&a, &b, &l, &q, &PerronSettings::default())
            .unwrap()
            .prices;
        let d = price_deviations(&pp, &dp, &q).unwrap();
        let published = [
            (d.pp_mp.rmse, 2.071395),
            (d.dp_mp.rmse, 1.920455),
            (d.pp_dp.rmse, 0.1081),
            (d.pp_mp.mad, 1.595628),
            (d.dp_mp.mad, 1.490535),
            (d.pp_dp.mad, 0.1019051),
            (d.pp_mp.mawd, 1.061069),
            (d.dp_mp.mawd, 0.9800192),
            (d.pp_dp.mawd, 0.1238156),
            (d.pp_mp.angle_degrees, 54.29756),
            (d.dp_mp.angle_degrees, 53.49691),
            (d.pp_dp.angle_degrees, 7.526052),
            (d.pp_mp.d_distance, 0.9126053),
            (d.dp_mp.d_distance, 0.9001488),
            (d.pp_dp.d_distance, 0.13126),
        ];
        for (k, (ours, theirs)) in published.iter().enumerate() {
            assert_eq!(signif(*ours, 7), *theirs, "measure {k}: {ours}");
        }
    }

    #[test]
    fn ochoa_1984_new_interpretation_profit_rate() {
        // clptheory README: ppnewint1(A, w = 3.765, v = 2/3, Q, l_simple = l)$urop = 0.2116339,
        // found by uniroot at its default tolerance ε^{1/4}; Brent's method at that tolerance
        // gives the same iterate, while the root itself is 0.2116353 (7 digits).
        let (a, l, _, q) = ochoa();
        let solver = SolverSettings::default();
        let like_uniroot = ProfitRateSettings {
            tolerance: f64::EPSILON.powf(0.25),
            ..Default::default()
        };
        let ni =
            new_interpretation_profit_rate(&a, &l, &q, 2.0 / 3.0, &solver, &like_uniroot).unwrap();
        assert!(ni.status.is_converged(), "{ni:?}");
        assert_eq!(signif(ni.profit_rate, 7), 0.2116339, "{ni:?}");
        let exact =
            new_interpretation_profit_rate(&a, &l, &q, 2.0 / 3.0, &solver, &Default::default())
                .unwrap();
        assert!(exact.status.is_converged(), "{exact:?}");
        assert_eq!(signif(exact.profit_rate, 7), 0.2116353, "{exact:?}");
        // f(r) = 0 to rounding (f is in hours; l·Q/v is about 1e5 here).
        assert!(exact.residual.abs() < 1e-8, "{exact:?}");
        assert!(exact.profit_rate < exact.maximum_profit_rate);
        // The same from sparse storage.
        let sparse = TechnicalCoefficients::Sparse(a.to_csr());
        let s = new_interpretation_profit_rate(
            &sparse,
            &l,
            &q,
            2.0 / 3.0,
            &solver,
            &Default::default(),
        )
        .unwrap();
        assert!(close(s.profit_rate, exact.profit_rate, 1e-12), "{s:?}");
        // v outside (0, 1) is an error.
        assert!(
            new_interpretation_profit_rate(&a, &l, &q, 1.0, &solver, &Default::default()).is_err()
        );
    }
}
