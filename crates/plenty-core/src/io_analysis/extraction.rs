//! Hypothetical extraction of sectors (M&B 13.1; Dietzenbacher, van der Linden and
//! Steenge 1993).
//!
//! With `S` the extracted sectors, final demand `y` and `x = L y`:
//!
//! * **complete** (M&B 13.1.1): delete the rows and columns `S` of `A` and the entries `S` of
//!   `y` — the economy without those sectors — and solve `x̄ = (I − Ā)⁻¹ ȳ`. (Zeroing them
//!   instead of deleting gives the same `x̄` with `x̄_S = 0`, which is how it is computed.)
//! * **backward** (M&B 13.1.2): the sectors `S` buy no intermediate inputs from the economy
//!   (columns `S` of `A` zeroed, `y` unchanged): `x̄ = (I − Ā)⁻¹ y`.
//! * **forward** (M&B 13.1.2, supply side): the sectors `S` sell no intermediate output (rows
//!   `S` of `B` zeroed), with the base year's primary inputs `v`: `x̄' = v' (I − B̄)⁻¹`. Since
//!   rows of `B` are zero exactly where rows of `A` are, `x̄_j = x_j (v_c' L̄)_j` with `Ā` the
//!   matrix with rows `S` zeroed and `v_c = v / x`: one transposed solve.
//!
//! The **total loss** `T = 1' (x − x̄)` measures the sectors' importance; it is reported
//! absolutely and relative to `1' x` (M&B eq. 13.3).

use super::{check_finite, check_len, check_sector, filtered, AnalysisError, NamedReport};
use crate::matrix::TechnicalCoefficients;
use crate::solve::{LeontiefSolver, SolverSettings};
use serde::{Deserialize, Serialize};

/// Which hypothetical extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ExtractionKind {
    /// Rows and columns removed, and the sectors' final demand.
    #[default]
    Complete,
    /// Columns removed: the sectors buy no domestic intermediate inputs.
    Backward,
    /// Rows of the allocation matrix removed: the sectors sell no intermediate output.
    Forward,
}

/// The outcome of an extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// Sector labels.
    pub products: Vec<String>,
    /// The extracted sectors (0-based).
    pub extracted: Vec<usize>,
    /// Which extraction.
    pub kind: ExtractionKind,
    /// Output before: `L y` (complete, backward) or `x` (forward).
    pub base_output: Vec<f64>,
    /// Output after extraction `x̄`.
    pub extracted_output: Vec<f64>,
    /// `x − x̄` per sector.
    pub loss: Vec<f64>,
    /// `T = 1'(x − x̄)`.
    pub total_loss: f64,
    /// `T / 1'x`.
    pub relative_loss: f64,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

/// Hypothetical extraction of `sectors` (see the module). `final_demand` drives the complete
/// and backward variants; `gross_output` (with the base primary inputs `x_j (1 − Σ_i a_ij)`)
/// the forward one. Two solves; no inverse is formed.
pub fn extract(
    products: &[String],
    a: &TechnicalCoefficients,
    final_demand: &[f64],
    gross_output: Option<&[f64]>,
    sectors: &[usize],
    kind: ExtractionKind,
    settings: &SolverSettings,
) -> Result<Extraction, AnalysisError> {
    let n = a.n();
    check_len("sector labels", n, products.len())?;
    check_len("final demand", n, final_demand.len())?;
    check_finite("final demand", final_demand, true)?;
    if sectors.is_empty() {
        return Err(AnalysisError::Invalid(
            "name at least one sector to extract".into(),
        ));
    }
    for &k in sectors {
        check_sector("an extracted sector", k, n)?;
    }
    let mut out = vec![false; n];
    for &k in sectors {
        out[k] = true;
    }
    let mut solves = Vec::new();
    let (base, after) = match kind {
        ExtractionKind::Complete | ExtractionKind::Backward => {
            let solver = LeontiefSolver::new(a, settings.clone())?;
            let x = solver.solve_output(final_demand)?;
            solves.push(NamedReport::new("x = L y", x.report.clone()));
            drop(solver);
            let (abar, ybar) = if kind == ExtractionKind::Complete {
                let ybar: Vec<f64> = (0..n)
                    .map(|i| if out[i] { 0.0 } else { final_demand[i] })
                    .collect();
                (filtered(a, |i, j| !out[i] && !out[j])?, ybar)
            } else {
                (filtered(a, |_, j| !out[j])?, final_demand.to_vec())
            };
            let solver = LeontiefSolver::new(&abar, settings.clone())?;
            let xbar = solver.solve_output(&ybar)?;
            solves.push(NamedReport::new("x̄ = L̄ ȳ", xbar.report.clone()));
            (x.x, xbar.x)
        }
        ExtractionKind::Forward => {
            let x = gross_output.ok_or_else(|| {
                AnalysisError::Invalid(
                    "forward extraction works on the supply side and needs gross output; give a \
                     table with gross output"
                        .into(),
                )
            })?;
            check_len("gross output", n, x.len())?;
            check_finite("gross output", x, false)?;
            let vc = super::ghosh::primary_input_coefficients(a);
            let abar = filtered(a, |i, _| !out[i])?;
            let solver = LeontiefSolver::new(&abar, settings.clone())?;
            let w = solver.solve_values(&vc)?;
            solves.push(NamedReport::new("v_c' L̄", w.report.clone()));
            let xbar = w.x.iter().zip(x).map(|(w, x)| w * x).collect();
            (x.to_vec(), xbar)
        }
    };
    let loss: Vec<f64> = base.iter().zip(&after).map(|(b, a)| b - a).collect();
    let total_loss: f64 = loss.iter().sum();
    let total: f64 = base.iter().sum();
    let mut extracted = sectors.to_vec();
    extracted.sort_unstable();
    extracted.dedup();
    Ok(Extraction {
        products: products.to_vec(),
        extracted,
        kind,
        base_output: base,
        extracted_output: after,
        loss,
        total_loss,
        relative_loss: if total != 0.0 {
            total_loss / total
        } else {
            f64::NAN
        },
        solves,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::matrix::DenseMatrix;

    #[test]
    fn issue_17_complete_extraction_equals_the_reduced_economy() {
        let n = 9;
        let a = random_economy(n, 21);
        let y: Vec<f64> = (0..n).map(|k| 1.0 + k as f64).collect();
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let r = extract(
            &labels,
            &a,
            &y,
            None,
            &[2, 5],
            ExtractionKind::Complete,
            &SolverSettings::default(),
        )
        .unwrap();
        // The reduced (n − 2) economy, inverted independently.
        let keep: Vec<usize> = (0..n).filter(|k| *k != 2 && *k != 5).collect();
        let m = keep.len();
        let ar = TechnicalCoefficients::dense(DenseMatrix::from_fn(m, m, |i, j| {
            a.get(keep[i], keep[j])
        }))
        .unwrap();
        let lr = inverse(&ar);
        for (p, &k) in keep.iter().enumerate() {
            let xk: f64 = (0..m).map(|q| lr.get(p, q) * y[keep[q]]).sum();
            assert!((r.extracted_output[k] - xk).abs() < 1e-10 * xk);
        }
        assert_eq!(r.extracted_output[2], 0.0);
        assert!(r.total_loss > r.base_output[2] + r.base_output[5]);
    }

    #[test]
    fn issue_17_forward_extraction_of_nothing_changes_nothing_and_bad_sector_fails() {
        let n = 5;
        let a = random_economy(n, 4);
        let x = vec![10.0; n];
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let r = extract(
            &labels,
            &a,
            &[1.0; 5],
            Some(&x),
            &[1],
            ExtractionKind::Forward,
            &SolverSettings::default(),
        )
        .unwrap();
        assert!(r.loss.iter().all(|l| *l >= -1e-12));
        assert!(r.total_loss > 0.0);
        let err = extract(
            &labels,
            &a,
            &[1.0; 5],
            Some(&x),
            &[7],
            ExtractionKind::Backward,
            &SolverSettings::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("sector 7"), "{err}");
    }
}
