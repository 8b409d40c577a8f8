//! Structural decomposition of the change in gross output between two tables (M&B 13.1–13.2;
//! Dietzenbacher and Los 1998).
//!
//! With `x_t = L_t y_t` for years `t = 0, 1`, `ΔL = L_1 − L_0` and `Δy = y_1 − y_0`, the two
//! *polar* decompositions are `Δx = ΔL y_0 + L_1 Δy` and `Δx = ΔL y_1 + L_0 Δy`; their average
//! (M&B eq. 13.12) is the **additive two-polar decomposition**
//!
//! ```text
//! Δx = ½ (ΔL y_0 + ΔL y_1)  +  ½ (L_0 Δy + L_1 Δy)
//!      └── technology ───┘     └── final demand ──┘
//! ```
//!
//! which is exact: the parts sum to `x_1 − x_0` (the result reports the residual, a check of
//! the solves). Four solves (`L_0 y_0`, `L_0 y_1`, `L_1 y_0`, `L_1 y_1`) on two
//! factorisations; no inverse is formed.
//!
//! For a satellite (hours) with intensities `e_t`, `h_t = ê_t L_t y_t` per sector, the
//! three-factor two-polar average is
//! `½ [Δê (x_00 + x_11)] + ½ [ê_1 ΔL y_0 + ê_0 ΔL y_1] + ½ [ê_1 L_1 Δy + ê_0 L_0 Δy]`
//! with `x_st = L_s y_t`: intensity, technology and final-demand effects, again exact.
//!
//! Both tables must be in the same prices for the effects to mean volumes; the decomposition
//! itself is an identity whatever the units.

use super::{check_finite, check_len, AnalysisError, NamedReport};
use crate::economy::Economy;
use crate::matrix::TechnicalCoefficients;
use crate::solve::{LeontiefSolver, SolverSettings};
use serde::{Deserialize, Serialize};

/// The decomposition of a satellite's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatelliteDecomposition {
    /// Satellite name.
    pub name: String,
    /// `ê_0 L_0 y_0` per sector.
    pub total_0: Vec<f64>,
    /// `ê_1 L_1 y_1` per sector.
    pub total_1: Vec<f64>,
    /// The change `total_1 − total_0`.
    pub change: Vec<f64>,
    /// Intensity effect.
    pub intensity: Vec<f64>,
    /// Technology effect.
    pub technology: Vec<f64>,
    /// Final-demand effect.
    pub final_demand: Vec<f64>,
    /// `max_j |change − parts| / max_j |change|`.
    pub relative_residual: f64,
}

/// The decomposition of the change in gross output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decomposition {
    /// Sector labels.
    pub products: Vec<String>,
    /// `x_0 = L_0 y_0`.
    pub output_0: Vec<f64>,
    /// `x_1 = L_1 y_1`.
    pub output_1: Vec<f64>,
    /// `x_1 − x_0`.
    pub change: Vec<f64>,
    /// `½ (ΔL y_0 + ΔL y_1)`.
    pub technology: Vec<f64>,
    /// `½ (L_0 Δy + L_1 Δy)`.
    pub final_demand: Vec<f64>,
    /// `max_j |Δx_j − technology_j − final_demand_j| / max_j |Δx_j|`: the identity's error.
    pub relative_residual: f64,
    /// The satellite's decomposition, if asked for.
    pub satellite: Option<SatelliteDecomposition>,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

fn relative_residual(change: &[f64], parts: &[&[f64]]) -> f64 {
    let scale = change.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = (0..change.len()).fold(0.0f64, |m, j| {
        let s: f64 = parts.iter().map(|p| p[j]).sum();
        m.max((change[j] - s).abs())
    });
    if scale > 0.0 {
        worst / scale
    } else {
        worst
    }
}

/// Two-polar structural decomposition (see the module) for coefficient matrices and final
/// demands of two years; `satellite` gives a name and the intensities `e_0`, `e_1`.
pub fn structural_decomposition(
    products: &[String],
    a0: &TechnicalCoefficients,
    y0: &[f64],
    a1: &TechnicalCoefficients,
    y1: &[f64],
    satellite: Option<(&str, &[f64], &[f64])>,
    settings: &SolverSettings,
) -> Result<Decomposition, AnalysisError> {
    let n = a0.n();
    check_len("sector labels", n, products.len())?;
    check_len("the second table", n, a1.n())?;
    check_len("final demand of the first table", n, y0.len())?;
    check_len("final demand of the second table", n, y1.len())?;
    check_finite("final demand of the first table", y0, true)?;
    check_finite("final demand of the second table", y1, true)?;
    if let Some((name, e0, e1)) = satellite {
        check_len(
            &format!("satellite {name:?} of the first table"),
            n,
            e0.len(),
        )?;
        check_len(
            &format!("satellite {name:?} of the second table"),
            n,
            e1.len(),
        )?;
        check_finite(&format!("satellite {name:?} of the first table"), e0, true)?;
        check_finite(&format!("satellite {name:?} of the second table"), e1, true)?;
    }
    let mut solves = Vec::new();
    let mut pair =
        |a: &TechnicalCoefficients, t: usize| -> Result<(Vec<f64>, Vec<f64>), AnalysisError> {
            let s = LeontiefSolver::new(a, settings.clone())?;
            let u = s.solve_output(y0)?;
            let v = s.solve_output(y1)?;
            solves.push(NamedReport::new(&format!("L_{t} y_0"), u.report));
            solves.push(NamedReport::new(&format!("L_{t} y_1"), v.report));
            Ok((u.x, v.x))
        };
    let (x00, x01) = pair(a0, 0)?;
    let (x10, x11) = pair(a1, 1)?;
    let change: Vec<f64> = (0..n).map(|j| x11[j] - x00[j]).collect();
    let technology: Vec<f64> = (0..n)
        .map(|j| 0.5 * ((x10[j] - x00[j]) + (x11[j] - x01[j])))
        .collect();
    let final_demand: Vec<f64> = (0..n)
        .map(|j| 0.5 * ((x01[j] - x00[j]) + (x11[j] - x10[j])))
        .collect();
    let residual = relative_residual(&change, &[&technology, &final_demand]);
    let satellite = satellite.map(|(name, e0, e1)| {
        let total_0: Vec<f64> = (0..n).map(|j| e0[j] * x00[j]).collect();
        let total_1: Vec<f64> = (0..n).map(|j| e1[j] * x11[j]).collect();
        let change: Vec<f64> = (0..n).map(|j| total_1[j] - total_0[j]).collect();
        let intensity: Vec<f64> = (0..n)
            .map(|j| 0.5 * (e1[j] - e0[j]) * (x00[j] + x11[j]))
            .collect();
        let technology: Vec<f64> = (0..n)
            .map(|j| 0.5 * (e1[j] * (x10[j] - x00[j]) + e0[j] * (x11[j] - x01[j])))
            .collect();
        let final_demand: Vec<f64> = (0..n)
            .map(|j| 0.5 * (e1[j] * (x11[j] - x10[j]) + e0[j] * (x01[j] - x00[j])))
            .collect();
        let relative_residual =
            relative_residual(&change, &[&intensity, &technology, &final_demand]);
        SatelliteDecomposition {
            name: name.to_string(),
            total_0,
            total_1,
            change,
            intensity,
            technology,
            final_demand,
            relative_residual,
        }
    });
    Ok(Decomposition {
        products: products.to_vec(),
        output_0: x00,
        output_1: x11,
        change,
        technology,
        final_demand,
        relative_residual: residual,
        satellite,
        solves,
    })
}

/// [`structural_decomposition`] of two economies with the same sectors in the same order, on
/// their total final demands, optionally with the satellite named `satellite` in both.
pub fn structural_decomposition_of(
    first: &Economy,
    second: &Economy,
    satellite: Option<&str>,
    settings: &SolverSettings,
) -> Result<Decomposition, AnalysisError> {
    if first.products != second.products {
        let k = first
            .products
            .iter()
            .zip(&second.products)
            .position(|(a, b)| a != b);
        return Err(AnalysisError::Invalid(match k {
            Some(k) => format!(
                "the two tables' sectors differ: sector {} is {:?} in the first and {:?} in the \
                 second; both must list the same sectors in the same order (aggregate first)",
                k + 1,
                first.products[k],
                second.products[k]
            ),
            None => format!(
                "the two tables have {} and {} sectors; both must list the same sectors",
                first.n(),
                second.n()
            ),
        }));
    }
    for (e, which) in [(first, "first"), (second, "second")] {
        if e.final_demand.is_empty() {
            return Err(AnalysisError::Invalid(format!(
                "the {which} table has no final demand to decompose"
            )));
        }
    }
    let sat = match satellite {
        Some(name) => {
            let get = |e: &Economy, which: &str| {
                e.satellite(name)
                    .map(|s| s.intensity.clone())
                    .ok_or_else(|| {
                        AnalysisError::Invalid(format!(
                            "the {which} table has no satellite called {name:?}"
                        ))
                    })
            };
            Some((get(first, "first")?, get(second, "second")?))
        }
        None => None,
    };
    structural_decomposition(
        &first.products,
        &first.a,
        &first.total_final_demand(),
        &second.a,
        &second.total_final_demand(),
        sat.as_ref()
            .zip(satellite)
            .map(|((e0, e1), name)| (name, e0.as_slice(), e1.as_slice())),
        settings,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn issue_17_two_polar_parts_sum_to_the_change() {
        let n = 15;
        let a0 = random_economy(n, 1);
        let a1 = random_economy(n, 2);
        let y0: Vec<f64> = (0..n).map(|k| 10.0 + k as f64).collect();
        let y1: Vec<f64> = (0..n).map(|k| 12.0 + 0.5 * k as f64).collect();
        let e0 = vec![0.3; n];
        let e1: Vec<f64> = (0..n).map(|k| 0.2 + 0.01 * k as f64).collect();
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let d = structural_decomposition(
            &labels,
            &a0,
            &y0,
            &a1,
            &y1,
            Some(("hours", &e0, &e1)),
            &SolverSettings::default(),
        )
        .unwrap();
        assert!(d.relative_residual < 1e-12);
        assert!(d.satellite.as_ref().unwrap().relative_residual < 1e-12);
        // Against inverses computed independently: ½(L1 − L0)(y0 + y1).
        let (l0, l1) = (inverse(&a0), inverse(&a1));
        let tech: Vec<f64> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| 0.5 * (l1.get(i, j) - l0.get(i, j)) * (y0[j] + y1[j]))
                    .sum()
            })
            .collect();
        assert_close(&d.technology, &tech, 1e-10, "technology");
    }
}
