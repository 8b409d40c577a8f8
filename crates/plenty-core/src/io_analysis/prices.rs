//! The price model (M&B 2.6): cost-push prices, and prices at a given uniform profit rate.
//!
//! **Cost-push prices.** With value-added (primary-input) coefficients `v_c`, the price of a
//! unit of each product satisfies `p' = p' A + v_c'`, so `p' = v_c' L` (M&B eq. 2.35). With
//! the base year's coefficients `v_c,j = 1 − Σ_i a_ij` the prices are all 1 (an identity the
//! result checks); a change `Δ` in the coefficients (higher wages in one sector, a tax) gives
//! the index `p̃' = (v_c + Δ)' L` relative to the base 1, and the change `Δp' = Δ' L`: one
//! transposed solve each. A relative change `g_j` of labour cost per unit of output `w_j` is
//! `Δ_j = g_j w_j` ([`labour_cost_change`]).
//!
//! **Prices at a uniform profit rate** `r` (Sraffa; Pasinetti 1977, ch. 5; the circulating
//! capital model of M&B 2.6 with a mark-up on inputs): `p = (1 + r) p A + w l`, so with the
//! wage as numéraire (`w = 1`) `p = l (I − (1 + r) A)⁻¹`, one transposed solve with the
//! scaled matrix. At `r = 0` these are the labour values. They exist (non-negative) only up to
//! the maximum profit rate `R = 1/ρ(A) − 1`; above it the result's status says so. The other
//! closure — a real-wage bundle given, `r` found as an eigenvalue — is
//! [`crate::deviation::prices_of_production`].

use super::{check_finite, check_len, gross_output, scaled, AnalysisError, NamedReport};
use crate::economy::Economy;
use crate::matrix::TechnicalCoefficients;
use crate::solve::{LeontiefSolver, SolverSettings};
use serde::{Deserialize, Serialize};

pub use super::ghosh::primary_input_coefficients as value_added_coefficients;

/// Cost-push prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostPush {
    /// Sector labels.
    pub products: Vec<String>,
    /// The base value-added coefficients `v_c`.
    pub base_coefficients: Vec<f64>,
    /// The change `Δ` of the coefficients.
    pub change: Vec<f64>,
    /// `v_c' L`: 1 for every sector with the base year's coefficients.
    pub base_prices: Vec<f64>,
    /// `(v_c + Δ)' L`: the price index after the change (base = 1).
    pub prices: Vec<f64>,
    /// `Δ' L`: the change of the price index.
    pub price_change: Vec<f64>,
    /// `max_j |base_price_j − 1|`: the identity's error when the base coefficients are
    /// `1 − 1'A` (`None` when other base coefficients were given).
    pub identity_error: Option<f64>,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

/// `Δ_j = rate_j · labour_cost_j`: the coefficient change from relative changes of labour cost
/// per unit of output (e.g. `rate = 0.1` for 10 % higher wages).
pub fn labour_cost_change(labour_cost: &[f64], rates: &[f64]) -> Result<Vec<f64>, AnalysisError> {
    check_len("relative changes", labour_cost.len(), rates.len())?;
    check_finite("labour cost coefficients", labour_cost, true)?;
    check_finite("relative changes", rates, true)?;
    Ok(labour_cost.iter().zip(rates).map(|(w, g)| w * g).collect())
}

/// Cost-push prices `(v_c + Δ)' L` for base coefficients `v_c` and a change `Δ` (two
/// transposed solves).
pub fn cost_push_prices(
    products: &[String],
    solver: &LeontiefSolver<'_>,
    base_coefficients: &[f64],
    change: &[f64],
) -> Result<CostPush, AnalysisError> {
    let n = solver.n();
    check_len("sector labels", n, products.len())?;
    check_len("base value-added coefficients", n, base_coefficients.len())?;
    check_len("cost change", n, change.len())?;
    check_finite("base value-added coefficients", base_coefficients, true)?;
    check_finite("cost change", change, true)?;
    let base = solver.solve_values(base_coefficients)?;
    let delta = solver.solve_values(change)?;
    let prices = base.x.iter().zip(&delta.x).map(|(b, d)| b + d).collect();
    Ok(CostPush {
        products: products.to_vec(),
        base_coefficients: base_coefficients.to_vec(),
        change: change.to_vec(),
        base_prices: base.x,
        prices,
        price_change: delta.x,
        identity_error: None,
        solves: vec![
            NamedReport::new("base prices v_c' L", base.report),
            NamedReport::new("price change Δ' L", delta.report),
        ],
    })
}

/// Cost-push prices of an economy from the base year's coefficients `v_c = 1 − 1'A` (every
/// base price is 1; the identity's error is reported).
pub fn cost_push(
    economy: &Economy,
    solver: &LeontiefSolver<'_>,
    change: &[f64],
) -> Result<CostPush, AnalysisError> {
    let base = value_added_coefficients(&economy.a);
    let mut r = cost_push_prices(&economy.products, solver, &base, change)?;
    r.identity_error = Some(
        r.base_prices
            .iter()
            .fold(0.0f64, |m, p| m.max((p - 1.0).abs())),
    );
    Ok(r)
}

/// Whether prices at a profit rate are meaningful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceStatus {
    /// The solve converged and every price is non-negative.
    Valid,
    /// Some price is negative or the solve failed: the profit rate is at or above the maximum
    /// `R = 1/ρ(A) − 1`, where `(1 + r) A` is no longer productive.
    AboveMaximumProfitRate,
}

/// Prices at a uniform profit rate, in wage units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfitRatePrices {
    /// Sector labels.
    pub products: Vec<String>,
    /// The profit rate `r` (a fraction).
    pub profit_rate: f64,
    /// `p = l (I − (1 + r) A)⁻¹` (hours of wage per unit of product when `l` is hours).
    pub prices: Vec<f64>,
    /// `l (I − A)⁻¹`, the labour values (the prices at `r = 0`).
    pub labour_values: Vec<f64>,
    /// `p_j / value_j` (NaN where the value is 0).
    pub price_to_value: Vec<f64>,
    /// Total price of gross output over its total value, `p·x / v·x`, when gross output is
    /// known (`None` otherwise).
    pub aggregate_ratio: Option<f64>,
    /// Whether the prices are meaningful.
    pub status: PriceStatus,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

/// Prices at a uniform profit rate `r` (see the module), with the labour values for
/// comparison. `labour` is labour per unit of output.
pub fn prices_at_profit_rate(
    economy: &Economy,
    labour: &[f64],
    profit_rate: f64,
    settings: &SolverSettings,
) -> Result<ProfitRatePrices, AnalysisError> {
    let n = economy.n();
    check_len("labour coefficients", n, labour.len())?;
    check_finite("labour coefficients", labour, false)?;
    if !(profit_rate.is_finite() && profit_rate > -1.0) {
        return Err(AnalysisError::Invalid(format!(
            "the profit rate must be a finite fraction above −1 (0.1 for 10 %), got {profit_rate}"
        )));
    }
    let base = LeontiefSolver::new(&economy.a, settings.clone())?;
    let values = base.solve_values(labour)?;
    let mut solves = vec![NamedReport::new("labour values l L", values.report.clone())];
    let x = gross_output(economy, &base).ok().map(|(x, r)| {
        solves.extend(r);
        x
    });
    drop(base);
    let a: TechnicalCoefficients = scaled(&economy.a, |_, _| 1.0 + profit_rate)?;
    let solver = LeontiefSolver::new(&a, settings.clone())?;
    let p = solver.solve_values(labour)?;
    solves.push(NamedReport::new(
        "prices l (I − (1+r) A)⁻¹",
        p.report.clone(),
    ));
    let status = if p.report.status.is_converged() && p.x.iter().all(|v| *v >= 0.0) {
        PriceStatus::Valid
    } else {
        PriceStatus::AboveMaximumProfitRate
    };
    let aggregate_ratio = x.map(|x| {
        let px: f64 = p.x.iter().zip(&x).map(|(a, b)| a * b).sum();
        let vx: f64 = values.x.iter().zip(&x).map(|(a, b)| a * b).sum();
        px / vx
    });
    Ok(ProfitRatePrices {
        products: economy.products.clone(),
        profit_rate,
        price_to_value: p
            .x
            .iter()
            .zip(&values.x)
            .map(|(p, v)| if *v != 0.0 { p / v } else { f64::NAN })
            .collect(),
        prices: p.x,
        labour_values: values.x,
        aggregate_ratio,
        status,
        solves,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn issue_17_cost_push_base_is_one_and_change_is_delta_l() {
        let n = 10;
        let a = random_economy(n, 5);
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let e = Economy::new(labels, a.clone()).unwrap();
        let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
        let mut delta = vec![0.0; n];
        delta[3] = 0.05;
        let r = cost_push(&e, &solver, &delta).unwrap();
        assert!(r.identity_error.unwrap() < 1e-12);
        let l = inverse(&a);
        let want: Vec<f64> = (0..n).map(|j| 0.05 * l.get(3, j)).collect();
        assert_close(&r.price_change, &want, 1e-12, "Δ' L");
        assert!(r.prices[3] > 1.05 - 1e-12);
    }

    #[test]
    fn issue_17_profit_rate_zero_gives_labour_values() {
        let n = 6;
        let a = random_economy(n, 9);
        let e = Economy::new((0..n).map(|k| format!("s{k}")).collect(), a.clone()).unwrap();
        let l = vec![0.5; n];
        let r0 = prices_at_profit_rate(&e, &l, 0.0, &SolverSettings::default()).unwrap();
        assert_close(&r0.prices, &r0.labour_values, 1e-14, "r = 0");
        let r = prices_at_profit_rate(&e, &l, 0.1, &SolverSettings::default()).unwrap();
        assert_eq!(r.status, PriceStatus::Valid);
        let scaled = scaled(&a, |_, _| 1.1).unwrap();
        let inv = inverse(&scaled);
        let want: Vec<f64> = (0..n)
            .map(|j| (0..n).map(|i| l[i] * inv.get(i, j)).sum())
            .collect();
        assert_close(&r.prices, &want, 1e-12, "l (I − 1.1 A)⁻¹");
        // Far above the maximum profit rate the prices are refused as invalid.
        let bad = prices_at_profit_rate(&e, &l, 50.0, &SolverSettings::default()).unwrap();
        assert_eq!(bad.status, PriceStatus::AboveMaximumProfitRate);
        assert!(prices_at_profit_rate(&e, &l, f64::NAN, &SolverSettings::default()).is_err());
    }
}
