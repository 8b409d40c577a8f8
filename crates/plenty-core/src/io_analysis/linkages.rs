//! Rasmussen's backward and forward linkages and key sectors (M&B 12.2).
//!
//! * **Backward**, direct: the column sums of `A`, `1' A`; total: the column sums of
//!   `L = (I − A)⁻¹`, `1' L` (the output multipliers; one transposed solve).
//! * **Forward**, direct: the row sums of `A` (Leontief basis) or of `B = diag(x)⁻¹ A diag(x)`
//!   (Ghosh basis); total: the row sums of `L`, `L 1` (one solve), or of the Ghosh inverse
//!   `G`, `diag(x)⁻¹ L x` (one solve). M&B 12.2.3 argue for the Ghosh basis for forward
//!   linkages; ioanalysis' `linkages` and `key.sector` use it, and so does the default here.
//! * **Normalised** (Rasmussen 1956; M&B eq. 12.14–12.15): each linkage divided by the average
//!   of all of them, `n · BL_j / Σ_k BL_k` — the *power of dispersion* (backward) and the
//!   *sensitivity of dispersion* (forward), which average 1. (ioanalysis writes this as
//!   `(1/n) Σ_i l_ij / ((1/n²) Σ_ij l_ij)`, the same number.)
//! * **Key sectors**: both normalised linkages above a critical value (1), ioanalysis'
//!   `key.sector` classes I–IV.

use super::ghosh::{allocation_row_sums, ghosh_forward_linkages};
use super::{check_finite, check_len, row_sums, AnalysisError, NamedReport};
use crate::matrix::TechnicalCoefficients;
use crate::solve::LeontiefSolver;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which matrix the forward linkages come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardBasis {
    /// Row sums of `B` and `G` (supply side; ioanalysis, M&B 12.2.3). Needs gross output.
    #[default]
    Ghosh,
    /// Row sums of `A` and `L` (Rasmussen's original).
    Leontief,
}

/// Whether key sectors are classified on direct or total linkages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum LinkageKind {
    /// Direct and indirect: `L` and `G`.
    #[default]
    Total,
    /// Direct only: `A` and `B`.
    Direct,
}

/// Settings of [`linkages`]. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkageSettings {
    /// Forward linkages from the Ghosh (default) or the Leontief side.
    pub forward: ForwardBasis,
    /// Classify on total (default) or direct linkages.
    pub kind: LinkageKind,
    /// The critical value of the normalised linkages (ioanalysis' `crit`). Default 1.
    pub critical: f64,
}

impl Default for LinkageSettings {
    fn default() -> Self {
        Self {
            forward: ForwardBasis::Ghosh,
            kind: LinkageKind::Total,
            critical: 1.0,
        }
    }
}

/// ioanalysis' `key.sector` classes, by the normalised backward (BL) and forward (FL) linkage
/// against the critical value `c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkageClass {
    /// I: BL ≤ c, FL ≤ c — generally independent.
    Independent,
    /// II: BL ≤ c, FL > c — dependent on interindustry demand (a strong supplier).
    DependentOnDemand,
    /// III: BL > c, FL > c — generally dependent: a **key sector**.
    Key,
    /// IV: BL > c, FL ≤ c — dependent on interindustry supply (a strong buyer).
    DependentOnSupply,
}

impl LinkageClass {
    /// The class of a sector with normalised linkages `bl`, `fl` against `critical`.
    pub fn of(bl: f64, fl: f64, critical: f64) -> Self {
        match (bl > critical, fl > critical) {
            (false, false) => Self::Independent,
            (false, true) => Self::DependentOnDemand,
            (true, true) => Self::Key,
            (true, false) => Self::DependentOnSupply,
        }
    }

    /// The Roman numeral ioanalysis prints.
    pub fn numeral(self) -> &'static str {
        match self {
            Self::Independent => "I",
            Self::DependentOnDemand => "II",
            Self::Key => "III",
            Self::DependentOnSupply => "IV",
        }
    }
}

impl fmt::Display for LinkageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Independent => "independent",
            Self::DependentOnDemand => "dependent on interindustry demand",
            Self::Key => "key sector",
            Self::DependentOnSupply => "dependent on interindustry supply",
        })
    }
}

/// Backward and forward linkages of every sector, raw and normalised, with key sectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Linkages {
    /// Sector labels.
    pub products: Vec<String>,
    /// The settings used.
    pub settings: LinkageSettings,
    /// Direct backward linkages `1' A`.
    pub backward_direct: Vec<f64>,
    /// Total backward linkages `1' L` (output multipliers).
    pub backward_total: Vec<f64>,
    /// Direct forward linkages: row sums of `B` (Ghosh) or `A` (Leontief).
    pub forward_direct: Vec<f64>,
    /// Total forward linkages: row sums of `G` (Ghosh) or `L` (Leontief).
    pub forward_total: Vec<f64>,
    /// Normalised backward linkages of the classified kind (power of dispersion for total).
    pub backward_normalised: Vec<f64>,
    /// Normalised forward linkages of the classified kind (sensitivity of dispersion).
    pub forward_normalised: Vec<f64>,
    /// ioanalysis' class of every sector.
    pub classes: Vec<LinkageClass>,
    /// Indices of the key sectors (class III).
    pub key_sectors: Vec<usize>,
    /// The solves.
    pub solves: Vec<NamedReport>,
}

/// `n v_j / Σ_k v_k` (NaN when the sum is 0).
fn normalise(v: &[f64]) -> Vec<f64> {
    let total: f64 = v.iter().sum();
    let n = v.len() as f64;
    v.iter()
        .map(|x| {
            if total != 0.0 {
                n * x / total
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Rasmussen's linkages (see the module). `gross_output` is needed for the Ghosh basis only.
/// Two solves (`1' L` and `L 1` or `L x`); no inverse is formed.
pub fn linkages(
    products: &[String],
    a: &TechnicalCoefficients,
    solver: &LeontiefSolver<'_>,
    gross_output: Option<&[f64]>,
    settings: &LinkageSettings,
) -> Result<Linkages, AnalysisError> {
    let n = a.n();
    check_len("sector labels", n, products.len())?;
    check_len("the solver's economy", n, solver.n())?;
    if !settings.critical.is_finite() {
        return Err(AnalysisError::Invalid(format!(
            "the critical value of the linkages must be finite, got {}",
            settings.critical
        )));
    }
    let mut solves = Vec::new();
    let backward_direct = a.column_sums();
    let bl = solver.solve_values(&vec![1.0; n])?;
    solves.push(NamedReport::new("column sums of L", bl.report.clone()));
    let (forward_direct, forward_total) = match settings.forward {
        ForwardBasis::Leontief => {
            let fl = solver.solve_output(&vec![1.0; n])?;
            solves.push(NamedReport::new("row sums of L", fl.report.clone()));
            (row_sums(a), fl.x)
        }
        ForwardBasis::Ghosh => {
            let x = gross_output.ok_or_else(|| {
                AnalysisError::Invalid(
                    "forward linkages on the Ghosh basis need gross output; give a table with \
                     gross output or final demand, or use the Leontief basis"
                        .into(),
                )
            })?;
            check_len("gross output", n, x.len())?;
            check_finite("gross output", x, false)?;
            let fl = ghosh_forward_linkages(solver, x)?;
            solves.push(NamedReport::new("row sums of G", fl.report.clone()));
            (allocation_row_sums(a, x), fl.x)
        }
    };
    let (backward_normalised, forward_normalised) = match settings.kind {
        LinkageKind::Total => (normalise(&bl.x), normalise(&forward_total)),
        LinkageKind::Direct => (normalise(&backward_direct), normalise(&forward_direct)),
    };
    let classes: Vec<LinkageClass> = backward_normalised
        .iter()
        .zip(&forward_normalised)
        .map(|(&b, &f)| LinkageClass::of(b, f, settings.critical))
        .collect();
    let key_sectors = (0..n)
        .filter(|&j| classes[j] == LinkageClass::Key)
        .collect();
    Ok(Linkages {
        products: products.to_vec(),
        settings: settings.clone(),
        backward_direct,
        backward_total: bl.x,
        forward_direct,
        forward_total,
        backward_normalised,
        forward_normalised,
        classes,
        key_sectors,
        solves,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::solve::SolverSettings;

    #[test]
    fn issue_17_linkages_follow_the_textbook_formula() {
        let n = 12;
        let a = random_economy(n, 3);
        let x: Vec<f64> = (0..n).map(|k| 5.0 + (k * k) as f64).collect();
        let labels: Vec<String> = (0..n).map(|k| format!("s{k}")).collect();
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        let l = inverse(&a);
        let total: f64 = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .map(|(i, j)| l.get(i, j))
            .sum();
        for basis in [ForwardBasis::Leontief, ForwardBasis::Ghosh] {
            let s = LinkageSettings {
                forward: basis,
                ..LinkageSettings::default()
            };
            let r = linkages(&labels, &a, &solver, Some(&x), &s).unwrap();
            for j in 0..n {
                let col: f64 = (0..n).map(|i| l.get(i, j)).sum();
                assert!((r.backward_normalised[j] - col / (total / n as f64)).abs() < 1e-12);
            }
            let fwd: Vec<f64> = (0..n)
                .map(|i| match basis {
                    ForwardBasis::Leontief => (0..n).map(|j| l.get(i, j)).sum(),
                    ForwardBasis::Ghosh => (0..n).map(|j| l.get(i, j) * x[j] / x[i]).sum(),
                })
                .collect();
            assert_close(&r.forward_total, &fwd, 1e-12, "forward totals");
            for j in 0..n {
                let key = r.backward_normalised[j] > 1.0 && r.forward_normalised[j] > 1.0;
                assert_eq!(r.key_sectors.contains(&j), key);
            }
        }
    }

    #[test]
    fn issue_17_linkage_classes_follow_ioanalysis() {
        assert_eq!(LinkageClass::of(0.9, 0.9, 1.0), LinkageClass::Independent);
        assert_eq!(
            LinkageClass::of(0.9, 1.1, 1.0),
            LinkageClass::DependentOnDemand
        );
        assert_eq!(LinkageClass::of(1.1, 1.1, 1.0), LinkageClass::Key);
        assert_eq!(
            LinkageClass::of(1.1, 0.9, 1.0),
            LinkageClass::DependentOnSupply
        );
        let a = random_economy(3, 1);
        let solver = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        let labels = vec!["a".into(), "b".into(), "c".into()];
        assert!(matches!(
            linkages(&labels, &a, &solver, None, &LinkageSettings::default()),
            Err(AnalysisError::Invalid(_))
        ));
    }
}
