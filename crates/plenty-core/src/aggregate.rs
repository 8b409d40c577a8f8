//! Aggregation of sectors (and regions) and disaggregation of a sector by shares.
//!
//! **Aggregation** (Miller & Blair, *Input-Output Analysis*, 3rd ed., 2022, §4.4 and
//! Appendix 4.2). With the `k × n` aggregation matrix `S` (`s_gj = 1` when sector `j` belongs
//! to group `g`), flows `Z = A diag(x)`, gross output `x`, final demand `Y` and satellite
//! totals `F = diag(f) x` (per-unit intensity `f` times output):
//!
//! * `Z* = S Z Sᵀ`, `x* = S x`, `Y* = S Y`, `F* = S F` (sums);
//! * the coefficients are recomputed from the aggregated flows, `A* = Z* diag(x*)⁻¹`, and the
//!   intensities `f*_g = F*_g / x*_g` — never averaged from the coefficients;
//! * total output `1ᵀx`, value added `x − Zᵀ1` summed over each group, and each satellite's
//!   total are preserved. If `x` balances the table (`x = Z 1 + Y 1`) then so does `x*`, so the
//!   identity `v* · d* = l* · x*` (labour values times net output = direct labour) holds on
//!   the aggregate; the aggregated labour values `v*` are in general *not* the output-weighted
//!   averages of `v` (that holds only when the grouped sectors sell in the same proportions —
//!   Miller & Blair's aggregation bias).
//!
//! **Disaggregation** of sector `k` into parts `k₁ … k_m` with shares `w_p` (`Σ w_p = 1`),
//! assuming every part has `k`'s technology (the same input structure per unit of output) and
//! `k`'s sales structure (the same destinations in the same proportions):
//! `x_{k_p} = w_p x_k`, `z_{k_p, j} = w_p z_kj`, `z_{i, k_p} = w_p z_ik`,
//! `z_{k_p, k_q} = w_p w_q z_kk`, `y_{k_p} = w_p y_k`, satellite totals split by `w_p` (the
//! intensities are `k`'s). Hence `a_{i, k_p} = a_ik`, `a_{k_p, j} = w_p a_kj`, and each part's
//! labour value equals `k`'s. Totals of output, value added and satellites are preserved.
//!
//! MRIO labels are `region/sector`. A mapping may name a whole label, a region (every sector
//! of that region moves to the new region) or a sector (that sector is renamed in every
//! region); [`SectorMap::from_pairs`] resolves them.

use crate::economy::{Economy, FinalDemand, Satellite};
use crate::error::ModelError;
use crate::matrix::{CsrMatrix, DenseMatrix, TechnicalCoefficients};
use std::collections::HashMap;

/// Which group each sector belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectorMap {
    /// Labels of the groups, in the order of their first member.
    pub groups: Vec<String>,
    /// For each sector of the economy, its group's index into `groups`.
    pub group_of: Vec<usize>,
}

/// A mapping names a label that is neither a sector, nor a region, nor a sector name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLabel {
    /// Index of the offending pair in the mapping.
    pub pair: usize,
    /// The label.
    pub label: String,
}

/// A mapping names the same label twice with different targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingError {
    /// A `from` label matches nothing.
    Unknown(UnknownLabel),
    /// A `from` label is mapped to two different groups.
    Conflict {
        /// Index of the second pair.
        pair: usize,
        /// The label.
        label: String,
        /// The first target.
        first: String,
        /// The second target.
        second: String,
    },
}

impl SectorMap {
    /// Resolves `(from, to)` pairs against the economy's labels.
    ///
    /// For a label `L`: if some pair's `from` is `L`, its group is that pair's `to`. Otherwise,
    /// if `L` is `region/sector`, the region and the sector are each replaced by their
    /// mapping's target where one is given (`r/s → r'/s'`). Labels no pair touches keep their
    /// own group. A `from` that is neither a label, a region nor a sector name is an error.
    pub fn from_pairs(labels: &[String], pairs: &[(String, String)]) -> Result<Self, MappingError> {
        let mut to: HashMap<&str, &str> = HashMap::new();
        for (k, (from, target)) in pairs.iter().enumerate() {
            match to.get(from.as_str()) {
                Some(first) if *first != target.as_str() => {
                    return Err(MappingError::Conflict {
                        pair: k,
                        label: from.clone(),
                        first: first.to_string(),
                        second: target.clone(),
                    });
                }
                _ => {
                    to.insert(from, target);
                }
            }
        }
        let mut used: HashMap<&str, bool> = to.keys().map(|k| (*k, false)).collect();
        let mut groups: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut group_of = Vec::with_capacity(labels.len());
        for label in labels {
            let target = if let Some(t) = to.get(label.as_str()) {
                used.insert(label, true);
                t.to_string()
            } else if let Some((region, sector)) = label.split_once('/') {
                let r = to.get(region).map_or(region, |t| {
                    used.insert(region, true);
                    t
                });
                let s = to.get(sector).map_or(sector, |t| {
                    used.insert(sector, true);
                    t
                });
                format!("{r}/{s}")
            } else {
                label.clone()
            };
            let next = groups.len();
            let g = *index.entry(target.clone()).or_insert_with(|| {
                groups.push(target);
                next
            });
            group_of.push(g);
        }
        if let Some((k, (from, _))) = pairs
            .iter()
            .enumerate()
            .find(|(_, (from, _))| !used.get(from.as_str()).copied().unwrap_or(false))
        {
            return Err(MappingError::Unknown(UnknownLabel {
                pair: k,
                label: from.clone(),
            }));
        }
        Ok(Self { groups, group_of })
    }
}

/// The names a mapping may use for these labels: every label, and for `region/sector` labels
/// each region and each sector name (for "did you mean" suggestions).
pub fn mappable_names(labels: &[String]) -> Vec<String> {
    let mut names: Vec<String> = labels.to_vec();
    for l in labels {
        if let Some((r, s)) = l.split_once('/') {
            names.push(r.to_string());
            names.push(s.to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The flows `z_ij = a_ij x_j` as triplets.
fn flows(economy: &Economy, x: &[f64]) -> Vec<(usize, usize, f64)> {
    match &economy.a {
        TechnicalCoefficients::Dense(a) => (0..a.nrows())
            .flat_map(|i| {
                a.row(i)
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0.0)
                    .map(move |(j, v)| (i, j, v * x[j]))
            })
            .collect(),
        TechnicalCoefficients::Sparse(a) => {
            a.triplets().map(|(i, j, v)| (i, j, v * x[j])).collect()
        }
    }
}

fn check_output(economy: &Economy, x: &[f64]) -> Result<(), ModelError> {
    if x.len() != economy.n() {
        return Err(ModelError::DimensionMismatch {
            what: "gross output".into(),
            expected: economy.n(),
            found: x.len(),
        });
    }
    if let Some(k) = x.iter().position(|v| !v.is_finite() || *v < 0.0) {
        return Err(ModelError::Invalid(format!(
            "gross output of {:?} is {}; it must be finite and non-negative",
            economy.products[k], x[k]
        )));
    }
    Ok(())
}

/// Builds an economy from flow triplets, output, final demand and satellite totals, keeping
/// `A` dense or sparse as the source was.
fn rebuild(
    source: &Economy,
    products: Vec<String>,
    z: Vec<(usize, usize, f64)>,
    x: Vec<f64>,
    final_demand: Vec<FinalDemand>,
    satellite_totals: Vec<Vec<f64>>,
) -> Result<Economy, ModelError> {
    let n = products.len();
    let coefficient = |(i, j, v): (usize, usize, f64)| {
        if x[j] > 0.0 {
            (i, j, v / x[j])
        } else {
            (i, j, 0.0)
        }
    };
    let a = match &source.a {
        TechnicalCoefficients::Dense(_) => {
            let mut a = DenseMatrix::zeros(n, n);
            for t in z {
                let (i, j, v) = coefficient(t);
                a.set(i, j, a.get(i, j) + v);
            }
            TechnicalCoefficients::dense(a)?
        }
        TechnicalCoefficients::Sparse(_) => {
            let triplets: Vec<(u32, u32, f64)> = z
                .into_iter()
                .map(coefficient)
                .filter(|t| t.2 != 0.0)
                .map(|(i, j, v)| (i as u32, j as u32, v))
                .collect();
            TechnicalCoefficients::sparse(CsrMatrix::try_from_triplets(n, n, triplets)?)?
        }
    };
    let mut e = Economy::new(products, a)?;
    for (s, totals) in source.satellites.iter().zip(satellite_totals) {
        let intensity = totals
            .iter()
            .zip(&x)
            .map(|(t, x)| if *x > 0.0 { t / x } else { 0.0 })
            .collect();
        e.add_satellite(Satellite {
            name: s.name.clone(),
            unit: s.unit.clone(),
            intensity,
        })?;
    }
    e.labour = source.labour;
    for d in final_demand {
        e.add_final_demand(d)?;
    }
    e.zero_output_sectors = (0..n).filter(|&j| x[j] == 0.0).collect();
    e.recorded_output = Some(x);
    Ok(e)
}

/// Aggregates an economy with gross output `x` by `map`: `Z* = S Z Sᵀ`, `x* = S x`,
/// `Y* = S Y`, satellite totals `S (f ∘ x)`, and `A* = Z* diag(x*)⁻¹` (see the module
/// documentation). The result records `x*` as its output.
pub fn aggregate(economy: &Economy, x: &[f64], map: &SectorMap) -> Result<Economy, ModelError> {
    check_output(economy, x)?;
    if map.group_of.len() != economy.n() {
        return Err(ModelError::DimensionMismatch {
            what: "the sector map".into(),
            expected: economy.n(),
            found: map.group_of.len(),
        });
    }
    let k = map.groups.len();
    let g = &map.group_of;
    let sum = |values: &[f64]| {
        let mut out = vec![0.0; k];
        for (j, v) in values.iter().enumerate() {
            out[g[j]] += v;
        }
        out
    };
    let z = flows(economy, x)
        .into_iter()
        .map(|(i, j, v)| (g[i], g[j], v))
        .collect();
    let final_demand = economy
        .final_demand
        .iter()
        .map(|d| FinalDemand {
            name: d.name.clone(),
            values: sum(&d.values),
        })
        .collect();
    let totals = economy
        .satellites
        .iter()
        .map(|s| {
            let t: Vec<f64> = s.intensity.iter().zip(x).map(|(f, x)| f * x).collect();
            sum(&t)
        })
        .collect();
    rebuild(economy, map.groups.clone(), z, sum(x), final_demand, totals)
}

/// One sector split into parts by shares of its output.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The sector's index in the economy.
    pub sector: usize,
    /// The parts' labels and shares (each share positive, summing to 1).
    pub parts: Vec<(String, f64)>,
}

/// Splits sectors by output shares, assuming each part has the technology and the sales
/// structure of the sector it comes from (see the module documentation). The parts take the
/// sector's place, in the order given; the result records the split output.
pub fn disaggregate(economy: &Economy, x: &[f64], splits: &[Split]) -> Result<Economy, ModelError> {
    check_output(economy, x)?;
    let n = economy.n();
    // For each old sector: its new indices and shares.
    let mut parts: Vec<Option<&Split>> = vec![None; n];
    for s in splits {
        if s.sector >= n {
            return Err(ModelError::Invalid(format!(
                "a split names sector {} but the economy has {n}",
                s.sector
            )));
        }
        if parts[s.sector].is_some() {
            return Err(ModelError::Invalid(format!(
                "sector {:?} is split twice",
                economy.products[s.sector]
            )));
        }
        if s.parts.is_empty() {
            return Err(ModelError::Invalid(format!(
                "the split of {:?} has no parts",
                economy.products[s.sector]
            )));
        }
        if let Some((l, w)) = s.parts.iter().find(|(_, w)| !(w.is_finite() && *w > 0.0)) {
            return Err(ModelError::Invalid(format!(
                "the share of {l:?} in {:?} is {w}; shares must be positive",
                economy.products[s.sector]
            )));
        }
        let total: f64 = s.parts.iter().map(|p| p.1).sum();
        if (total - 1.0).abs() > 1e-9 {
            return Err(ModelError::Invalid(format!(
                "the shares of {:?} add up to {total}; they must add up to 1",
                economy.products[s.sector]
            )));
        }
        parts[s.sector] = Some(s);
    }
    let mut products = Vec::new();
    let mut new: Vec<Vec<(usize, f64)>> = Vec::with_capacity(n);
    for (j, p) in parts.iter().enumerate() {
        match p {
            Some(s) => new.push(
                s.parts
                    .iter()
                    .map(|(l, w)| {
                        products.push(l.clone());
                        (products.len() - 1, *w)
                    })
                    .collect(),
            ),
            None => {
                products.push(economy.products[j].clone());
                new.push(vec![(products.len() - 1, 1.0)]);
            }
        }
    }
    let m = products.len();
    let spread = |values: &[f64]| {
        let mut out = vec![0.0; m];
        for (j, v) in values.iter().enumerate() {
            for &(p, w) in &new[j] {
                out[p] = w * v;
            }
        }
        out
    };
    let mut z = Vec::new();
    for (i, j, v) in flows(economy, x) {
        for &(p, wp) in &new[i] {
            for &(q, wq) in &new[j] {
                z.push((p, q, wp * wq * v));
            }
        }
    }
    let final_demand = economy
        .final_demand
        .iter()
        .map(|d| FinalDemand {
            name: d.name.clone(),
            values: spread(&d.values),
        })
        .collect();
    let totals = economy
        .satellites
        .iter()
        .map(|s| {
            let t: Vec<f64> = s.intensity.iter().zip(x).map(|(f, x)| f * x).collect();
            spread(&t)
        })
        .collect();
    rebuild(economy, products, z, spread(x), final_demand, totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn economy() -> (Economy, Vec<f64>) {
        let labels: Vec<String> = ["a/x", "a/y", "b/x", "b/y"].map(String::from).to_vec();
        let z = DenseMatrix::try_from_row_major(
            4,
            4,
            vec![
                10., 5., 2., 1., 3., 8., 0., 2., 4., 1., 6., 3., 0., 2., 5., 7.,
            ],
        )
        .unwrap();
        let d = [30.0, 20.0, 25.0, 15.0];
        let x: Vec<f64> = (0..4)
            .map(|i| z.row(i).iter().sum::<f64>() + d[i])
            .collect();
        let mut e = Economy::from_flows(labels, &z, &x).unwrap();
        e.add_final_demand(FinalDemand {
            name: "households".into(),
            values: d.to_vec(),
        })
        .unwrap();
        e.add_satellite_totals("hours", None, &[5.0, 3.0, 4.0, 2.0])
            .unwrap();
        e.set_labour("hours").unwrap();
        (e, x)
    }

    #[test]
    fn issue_17_mapping_resolves_labels_regions_and_sectors() {
        let (e, _) = economy();
        let p = |a: &str, b: &str| (a.to_string(), b.to_string());
        let m = SectorMap::from_pairs(&e.products, &[p("x", "t"), p("y", "t")]).unwrap();
        assert_eq!(m.groups, ["a/t", "b/t"]);
        assert_eq!(m.group_of, [0, 0, 1, 1]);
        let m = SectorMap::from_pairs(&e.products, &[p("a", "w"), p("b", "w")]).unwrap();
        assert_eq!(m.groups, ["w/x", "w/y"]);
        let m = SectorMap::from_pairs(&e.products, &[p("a/x", "ax")]).unwrap();
        assert_eq!(m.groups, ["ax", "a/y", "b/x", "b/y"]);
        assert!(matches!(
            SectorMap::from_pairs(&e.products, &[p("z", "t")]),
            Err(MappingError::Unknown(UnknownLabel { pair: 0, .. }))
        ));
        assert!(matches!(
            SectorMap::from_pairs(&e.products, &[p("x", "t"), p("x", "u")]),
            Err(MappingError::Conflict { pair: 1, .. })
        ));
    }

    #[test]
    fn issue_17_aggregation_preserves_output_value_added_and_labour() {
        let (e, x) = economy();
        let map = SectorMap {
            groups: vec!["ab".into(), "c".into()],
            group_of: vec![0, 0, 1, 0],
        };
        let g = aggregate(&e, &x, &map).unwrap();
        let xs = g.recorded_output.clone().unwrap();
        assert!((xs.iter().sum::<f64>() - x.iter().sum::<f64>()).abs() < 1e-9);
        let va = |e: &Economy, x: &[f64]| {
            let cs = e.a.column_sums();
            x.iter().zip(cs).map(|(x, c)| x * (1.0 - c)).sum::<f64>()
        };
        assert!((va(&g, &xs) - va(&e, &x)).abs() < 1e-9);
        let l = |e: &Economy, x: &[f64]| {
            let s = e.labour_satellite().unwrap();
            s.intensity.iter().zip(x).map(|(a, b)| a * b).sum::<f64>()
        };
        assert!((l(&g, &xs) - 14.0).abs() < 1e-12);
    }

    #[test]
    fn issue_17_disaggregation_keeps_technology_and_totals() {
        let (e, x) = economy();
        let s = Split {
            sector: 1,
            parts: vec![("a/y1".into(), 0.25), ("a/y2".into(), 0.75)],
        };
        let d = disaggregate(&e, &x, &[s]).unwrap();
        assert_eq!(d.products, ["a/x", "a/y1", "a/y2", "b/x", "b/y"]);
        let xd = d.recorded_output.clone().unwrap();
        assert!((xd[1] - 0.25 * x[1]).abs() < 1e-12);
        for i in 0..4 {
            let old = [0, 1, 3, 4][i];
            assert!((d.a.get(old, 1) - d.a.get(old, 2)).abs() < 1e-15);
        }
        // Aggregating the parts back gives the original economy.
        let map = SectorMap {
            groups: e.products.clone(),
            group_of: vec![0, 1, 1, 2, 3],
        };
        let back = aggregate(&d, &xd, &map).unwrap();
        for i in 0..4 {
            for j in 0..4 {
                assert!((back.a.get(i, j) - e.a.get(i, j)).abs() < 1e-12);
            }
        }
    }
}
