//! Type II multipliers: households made endogenous (M&B 6.1–6.2).
//!
//! The model is closed with respect to households by appending a row and a column to `A`:
//!
//! ```text
//!      ┌ A    h_c ┐     h_r = labour income per unit of output (compensation_j / x_j),
//! Ā =  │          │     h_c = household consumption per unit of household income
//!      └ h_r   0  ┘           (C_i / Σ_j compensation_j), M&B eq. 6.2–6.3,
//! ```
//!
//! and `L̄ = (I − Ā)⁻¹`. Its upper-left `n × n` block holds the direct, indirect and *induced*
//! requirements. Per sector `j` (M&B 6.2.2–6.2.4):
//!
//! * **Type I output multiplier** `m(o)_j = Σ_i l_ij`; **Type II** (simple household, the
//!   households' row excluded) `m̄(o)_j = Σ_{i≤n} l̄_ij`, and the total one including the
//!   household row `Σ_{i≤n+1} l̄_ij`;
//! * **income effects** `(h_r L)_j` (Type I) and `l̄_{n+1,j}` (Type II); **income
//!   multipliers** are these divided by the direct `h_r,j`; the ratio Type II / Type I income
//!   multiplier is the same for every sector (M&B 6.2.3), which the result reports;
//! * **employment effects** `(e L)_j` and `Σ_{i≤n} e_i l̄_ij` for employment per unit of output
//!   `e`, and multipliers over the direct `e_j`.
//!
//! Each is one transposed solve with `Ā`: `1' L̄` restricted to the first `n` rows is the
//! solve with right-hand side `(1, …, 1, 0)`, the household row is the solve with `e_{n+1}`.

use super::{check_finite, check_len, AnalysisError, NamedReport};
use crate::matrix::{CsrMatrix, DenseMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, SolverSettings};
use serde::{Deserialize, Serialize};

/// The household sector that closes the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Households<'a> {
    /// Labour income per unit of output, `h_r,j = compensation_j / x_j`.
    pub labour_income: &'a [f64],
    /// Household consumption of each product (totals, same unit as the table's flows).
    pub consumption: &'a [f64],
    /// Total household income the consumption is divided by. `None`: total compensation
    /// `Σ_j h_r,j x_j` (needs `gross_output`).
    pub income: Option<f64>,
    /// Gross output `x` (to total the compensation when `income` is `None`).
    pub gross_output: Option<&'a [f64]>,
    /// Employment (hours or persons) per unit of output, for employment multipliers.
    pub employment: Option<&'a [f64]>,
}

/// Type I and Type II employment effects and multipliers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeIIEmployment {
    /// Employment per unit of output `e_j`.
    pub direct: Vec<f64>,
    /// `(e L)_j`.
    pub type_i_effect: Vec<f64>,
    /// `Σ_{i≤n} e_i l̄_ij`.
    pub type_ii_effect: Vec<f64>,
    /// `(e L)_j / e_j` (NaN where `e_j = 0`).
    pub type_i_multiplier: Vec<f64>,
    /// Type II effect over `e_j` (NaN where `e_j = 0`).
    pub type_ii_multiplier: Vec<f64>,
}

/// Type I and Type II multipliers per sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeII {
    /// Sector labels.
    pub products: Vec<String>,
    /// The household income the consumption coefficients divide by.
    pub household_income: f64,
    /// Household consumption coefficients `h_c`.
    pub consumption_coefficients: Vec<f64>,
    /// Type I output multipliers `1' L`.
    pub output_type_i: Vec<f64>,
    /// Type II (simple household) output multipliers `Σ_{i≤n} l̄_ij`.
    pub output_type_ii: Vec<f64>,
    /// Type II total output multipliers including the household row.
    pub output_type_ii_total: Vec<f64>,
    /// Direct labour income `h_r`.
    pub income_direct: Vec<f64>,
    /// Type I income effects `(h_r L)_j`.
    pub income_type_i_effect: Vec<f64>,
    /// Type II income effects `l̄_{n+1,j}`.
    pub income_type_ii_effect: Vec<f64>,
    /// Type I income multipliers (effect / direct; NaN where `h_r,j = 0`).
    pub income_type_i_multiplier: Vec<f64>,
    /// Type II income multipliers (NaN where `h_r,j = 0`).
    pub income_type_ii_multiplier: Vec<f64>,
    /// Type II / Type I income multiplier per sector: the same number in every sector (M&B
    /// 6.2.3), a check of the computation.
    pub income_ratio: Vec<f64>,
    /// Type II / Type I output multiplier per sector.
    pub output_ratio: Vec<f64>,
    /// Employment, if given.
    pub employment: Option<TypeIIEmployment>,
    /// The solves (Type I on `A`, Type II on `Ā`).
    pub solves: Vec<NamedReport>,
}

fn ratio(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(a, b)| if *b != 0.0 { a / b } else { f64::NAN })
        .collect()
}

/// The closed coefficient matrix `Ā` (`n + 1` square), in `A`'s storage.
pub fn closed_matrix(
    a: &TechnicalCoefficients,
    labour_income: &[f64],
    consumption_coefficients: &[f64],
) -> Result<TechnicalCoefficients, AnalysisError> {
    let n = a.n();
    check_len("labour income coefficients", n, labour_income.len())?;
    check_len(
        "consumption coefficients",
        n,
        consumption_coefficients.len(),
    )?;
    let m = n + 1;
    Ok(match a {
        TechnicalCoefficients::Dense(d) => {
            TechnicalCoefficients::dense(DenseMatrix::from_fn(m, m, |i, j| match (i < n, j < n) {
                (true, true) => d.get(i, j),
                (true, false) => consumption_coefficients[i],
                (false, true) => labour_income[j],
                (false, false) => 0.0,
            }))?
        }
        TechnicalCoefficients::Sparse(s) => {
            let mut t: Vec<(u32, u32, f64)> = s
                .triplets()
                .map(|(i, j, v)| (i as u32, j as u32, v))
                .collect();
            t.extend(
                consumption_coefficients
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(|(i, v)| (i as u32, n as u32, *v)),
            );
            t.extend(
                labour_income
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(|(j, v)| (n as u32, j as u32, *v)),
            );
            TechnicalCoefficients::sparse(CsrMatrix::try_from_triplets(m, m, t)?)?
        }
    })
}

/// Type I and Type II multipliers for `A` and the household sector (see the module). Six
/// solves at most (three on `A`, three on `Ā`), one factorisation of each.
pub fn type_ii_multipliers(
    products: &[String],
    a: &TechnicalCoefficients,
    households: &Households<'_>,
    settings: &SolverSettings,
) -> Result<TypeII, AnalysisError> {
    let n = a.n();
    check_len("sector labels", n, products.len())?;
    let hr = households.labour_income;
    check_len("labour income coefficients", n, hr.len())?;
    check_finite("labour income coefficients", hr, false)?;
    check_len("household consumption", n, households.consumption.len())?;
    check_finite("household consumption", households.consumption, false)?;
    let income = match (households.income, households.gross_output) {
        (Some(y), _) => y,
        (None, Some(x)) => {
            check_len("gross output", n, x.len())?;
            hr.iter().zip(x).map(|(h, x)| h * x).sum()
        }
        (None, None) => {
            return Err(AnalysisError::Invalid(
                "Type II multipliers need the total household income: give it, or gross \
                 output to total the compensation"
                    .into(),
            ))
        }
    };
    if !(income.is_finite() && income > 0.0) {
        return Err(AnalysisError::Invalid(format!(
            "total household income must be positive, got {income}; is the labour income \
             (compensation) account empty?"
        )));
    }
    let hc: Vec<f64> = households.consumption.iter().map(|c| c / income).collect();
    if let Some(e) = households.employment {
        check_len("employment coefficients", n, e.len())?;
        check_finite("employment coefficients", e, false)?;
    }
    let mut solves = Vec::new();
    // Type I on A.
    let solver = LeontiefSolver::new(a, settings.clone())?;
    let ti = solver.solve_values(&vec![1.0; n])?;
    solves.push(NamedReport::new("column sums of L", ti.report.clone()));
    let ii = solver.solve_values(hr)?;
    solves.push(NamedReport::new("income effects h_r L", ii.report.clone()));
    let ei = match households.employment {
        Some(e) => {
            let s = solver.solve_values(e)?;
            solves.push(NamedReport::new("employment effects e L", s.report.clone()));
            Some(s.x)
        }
        None => None,
    };
    drop(solver);
    // Type II on Ā.
    let closed = closed_matrix(a, hr, &hc)?;
    let solver = LeontiefSolver::new(&closed, settings.clone())?;
    let mut ones = vec![1.0; n + 1];
    ones[n] = 0.0;
    let to = solver.solve_values(&ones)?;
    solves.push(NamedReport::new(
        "column sums of L̄ (sectors)",
        to.report.clone(),
    ));
    let mut unit = vec![0.0; n + 1];
    unit[n] = 1.0;
    let th = solver.solve_values(&unit)?;
    solves.push(NamedReport::new("household row of L̄", th.report.clone()));
    let output_type_ii: Vec<f64> = to.x[..n].to_vec();
    let income_type_ii_effect: Vec<f64> = th.x[..n].to_vec();
    let output_type_ii_total: Vec<f64> = output_type_ii
        .iter()
        .zip(&income_type_ii_effect)
        .map(|(o, h)| o + h)
        .collect();
    let employment = match (households.employment, ei) {
        (Some(e), Some(ei)) => {
            let mut rhs = e.to_vec();
            rhs.push(0.0);
            let s = solver.solve_values(&rhs)?;
            solves.push(NamedReport::new("employment effects ē L̄", s.report.clone()));
            let type_ii_effect = s.x[..n].to_vec();
            Some(TypeIIEmployment {
                direct: e.to_vec(),
                type_i_multiplier: ratio(&ei, e),
                type_ii_multiplier: ratio(&type_ii_effect, e),
                type_i_effect: ei,
                type_ii_effect,
            })
        }
        _ => None,
    };
    let income_type_i_multiplier = ratio(&ii.x, hr);
    let income_type_ii_multiplier = ratio(&income_type_ii_effect, hr);
    Ok(TypeII {
        products: products.to_vec(),
        household_income: income,
        consumption_coefficients: hc,
        output_ratio: ratio(&output_type_ii, &ti.x),
        income_ratio: ratio(&income_type_ii_multiplier, &income_type_i_multiplier),
        output_type_i: ti.x,
        output_type_ii,
        output_type_ii_total,
        income_direct: hr.to_vec(),
        income_type_i_effect: ii.x,
        income_type_ii_effect,
        income_type_i_multiplier,
        income_type_ii_multiplier,
        employment,
        solves,
    })
}

/// [`type_ii_multipliers`] for an economy: labour income from the satellite named
/// `income_satellite` (e.g. `"compensation"`), household consumption from the final-demand
/// category `consumption_category` (e.g. `"Households"`), income = total compensation
/// (`Σ_j h_r,j x_j` over the recorded output), employment from the satellite named
/// `employment_satellite` if given.
pub fn type_ii(
    economy: &crate::economy::Economy,
    income_satellite: &str,
    consumption_category: &str,
    employment_satellite: Option<&str>,
    settings: &SolverSettings,
) -> Result<TypeII, AnalysisError> {
    let names = |v: Vec<&str>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let satellite = |name: &str| {
        economy.satellite(name).ok_or_else(|| {
            AnalysisError::Invalid(format!(
                "no satellite called {name:?}; the economy's satellites are {}",
                names(economy.satellites.iter().map(|s| s.name.as_str()).collect())
            ))
        })
    };
    let hr = satellite(income_satellite)?;
    let employment = employment_satellite.map(satellite).transpose()?;
    let c = economy
        .final_demand
        .iter()
        .find(|f| f.name == consumption_category)
        .ok_or_else(|| {
            AnalysisError::Invalid(format!(
                "no final-demand category called {consumption_category:?}; the economy's \
                 categories are {}",
                names(
                    economy
                        .final_demand
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect()
                )
            ))
        })?;
    let x = economy.recorded_output.as_deref();
    if x.is_none() {
        return Err(AnalysisError::Invalid(
            "Type II multipliers need the table's gross output to total household income; the \
             economy records none"
                .into(),
        ));
    }
    type_ii_multipliers(
        &economy.products,
        &economy.a,
        &Households {
            labour_income: &hr.intensity,
            consumption: &c.values,
            income: None,
            gross_output: x,
            employment: employment.map(|s| s.intensity.as_slice()),
        },
        settings,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    /// M&B section 6.2's three-sector example closed with households: the Type II income
    /// multipliers over the Type I ones give one ratio, and every column sum matches a dense
    /// inverse of the closed matrix.
    #[test]
    fn issue_17_type_ii_matches_the_closed_inverse() {
        let n = 8;
        let a = random_economy(n, 11);
        let x: Vec<f64> = (0..n).map(|k| 100.0 + 10.0 * k as f64).collect();
        let hr: Vec<f64> = (0..n).map(|j| 0.5 * (1.0 - a.column_sums()[j])).collect();
        let c: Vec<f64> = (0..n).map(|k| 5.0 + k as f64).collect();
        let e: Vec<f64> = (0..n).map(|k| 0.01 * (1 + k % 3) as f64).collect();
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let h = Households {
            labour_income: &hr,
            consumption: &c,
            income: None,
            gross_output: Some(&x),
            employment: Some(&e),
        };
        let r = type_ii_multipliers(&labels, &a, &h, &SolverSettings::default()).unwrap();
        let closed = closed_matrix(&a, &hr, &r.consumption_coefficients).unwrap();
        let lbar = inverse(&closed);
        for j in 0..n {
            let col: f64 = (0..n).map(|i| lbar.get(i, j)).sum();
            assert!((r.output_type_ii[j] - col).abs() < 1e-12);
            assert!((r.income_type_ii_effect[j] - lbar.get(n, j)).abs() < 1e-12);
            let emp: f64 = (0..n).map(|i| e[i] * lbar.get(i, j)).sum();
            assert!((r.employment.as_ref().unwrap().type_ii_effect[j] - emp).abs() < 1e-12);
            assert!(r.output_type_ii[j] > r.output_type_i[j]);
        }
        let first = r.income_ratio[0];
        assert!(r
            .income_ratio
            .iter()
            .all(|q| (q - first).abs() < 1e-10 * first));
    }

    #[test]
    fn issue_17_type_ii_rejects_bad_input() {
        let a = random_economy(3, 2);
        let labels: Vec<String> = (0..3).map(|k| format!("s{k}")).collect();
        let h = Households {
            labour_income: &[0.0; 3],
            consumption: &[1.0; 3],
            income: None,
            gross_output: Some(&[1.0; 3]),
            employment: None,
        };
        let err = type_ii_multipliers(&labels, &a, &h, &SolverSettings::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("household income must be positive"),
            "{err}"
        );
    }
}
