//! Multi-regional input-output (MRIO) systems and their footprint accounts.
//!
//! An MRIO system has `R` regions, each with its sectors; the rows and columns of `Z` and `A`
//! are `(region, sector)` pairs, and final demand `Y` has one column per `(region, category)`
//! (Miller & Blair, *Input-Output Analysis*, 3rd ed., 2022, ch. 3, §3.3 "Multiregional
//! input-output models"). Satellite **extensions** (emissions, employment, value added) have
//! stressor rows `k` with totals `F` per sector and `F_Y` per final-demand column, in their own
//! unit each (Miller & Blair, ch. 10, §10.2 "Generalized input-output analysis: environmental
//! extensions" and §10.5 on "pollution embodied in trade").
//!
//! ## The accounts, as pymrio 0.7 defines them (`pymrio.tools.iomath.calc_accounts`)
//!
//! With `A = Z · diag(x)⁻¹`, `L = (I − A)⁻¹`, stressor intensities `S = F · diag(x)⁻¹` (zero
//! where `x_j = 0`) and multipliers `M = S L`:
//!
//! * `y_r` is the final demand of region `r` summed over its categories (a column of `n`), and
//!   `Y_diag[:, (r, p)]` keeps only the entries of `y_r` for product `p` (from any region of
//!   origin): the demand of region `r` for product `p`.
//! * **consumption-based** `D_cba[k, (r, p)] = Σ_i M[k, i] · Y_diag[i, (r, p)]`: everything
//!   emitted anywhere to satisfy region `r`'s final demand for product `p`, summed by product
//!   consumed (not by sector of origin), exactly as pymrio's `D_cba`;
//! * **production-based** `D_pba[k, (q, i)] = S[k, (q, i)] · x̂[(q, i)]` with `x̂ = L · Σ_r y_r`:
//!   the stressors of region `q`'s sector `i` (equal to `F` when the table is balanced,
//!   `x = L y`);
//! * **imports** `D_imp[k, (r, p)]`: the part of `D_cba[k, (r, p)]` emitted outside `r`
//!   (pymrio sets the domestic blocks of `L · Y_diag` to zero);
//! * **exports** `D_exp[k, (q, i)] = S[k, (q, i)] · Σ_{r ≠ q} (L y_r)[(q, i)]`: the stressors of
//!   region `q` made for other regions' final demand.
//!
//! Per region, pymrio's `D_cba_reg` and `D_pba_reg` add the direct stressors of the region's
//! final demand, `F_Y` summed over the region's categories; `D_imp_reg` and `D_exp_reg` do not.
//! Two identities follow and are checked for every stressor:
//!
//! * `Σ_r D_cba_reg[k, r] = Σ_r D_pba_reg[k, r]` (every stressor is attributed to one consumer);
//! * `D_cba_reg[k, r] − D_pba_reg[k, r] = D_imp_reg[k, r] − D_exp_reg[k, r]` (the balance of
//!   stressors embodied in trade), since both sides equal the domestic part subtracted out.
//!
//! ## How it is computed
//!
//! The inverse is never formed. One factorisation of `I − A` ([`LeontiefSolver`]) serves:
//! one transposed solve per stressor for `M[k, ·] = S[k, ·] L`, one per stressor and region for
//! the multipliers of the stressor restricted to region `r`, `M⁽ʳ⁾[k, ·] = (S[k, ·] restricted to
//! r) L` (so the domestic part is `Σ_i M⁽ʳ⁾[k, i] Y_diag[i, (r, p)]` and the imports the rest),
//! and one solve per region for `L y_r`. That is `K (R + 1) + R + 1` solves for `K` stressors,
//! where pymrio multiplies `S` by the `n × n` matrix `L · Y_diag`.

use crate::error::{ModelError, SolveError};
use crate::matrix::{DenseMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, SolveReport, SolveStatus, SolverSettings};
use std::collections::HashMap;
use thiserror::Error;

/// A satellite extension of an MRIO system (emissions, employment…): stressor rows with their
/// totals per sector and per final-demand column.
#[derive(Debug, Clone, PartialEq)]
pub struct MrioExtension {
    /// The extension's name, e.g. `"emissions"`.
    pub name: String,
    /// The stressors (rows), e.g. `"emission_type1/air"`.
    pub stressors: Vec<String>,
    /// The unit of each stressor, if known.
    pub units: Vec<Option<String>>,
    /// Totals `F` (stressors × sectors, sectors in the order of the system's rows).
    pub f: DenseMatrix,
    /// Direct stressors of final demand `F_Y` (stressors × final-demand columns), if given.
    pub f_y: Option<DenseMatrix>,
}

/// A multi-regional system ready for analysis: coefficients, gross output, final demand and
/// extensions, with regions and sectors kept apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Mrio {
    /// The regions, in order of first appearance among the rows.
    pub regions: Vec<String>,
    /// The distinct sector (product) names, in order of first appearance.
    pub sectors: Vec<String>,
    /// For each row of `A`: `(region index, sector index)` into [`Mrio::regions`] and
    /// [`Mrio::sectors`].
    pub rows: Vec<(usize, usize)>,
    /// Technical coefficients `A = Z · diag(x)⁻¹`.
    pub a: TechnicalCoefficients,
    /// Gross output `x` (as recorded, or `Z·1 + Y·1`).
    pub x: Vec<f64>,
    /// Final demand `Y` (sectors × final-demand columns).
    pub y: DenseMatrix,
    /// For each column of `Y`: its region (index into [`Mrio::regions`]) and its category.
    pub y_columns: Vec<(usize, String)>,
    /// Satellite extensions.
    pub extensions: Vec<MrioExtension>,
}

/// Why an MRIO system could not be built or analysed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum MrioError {
    /// The system is malformed (sizes, labels, values).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A solve could not be carried out.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// A region named in a final-demand column has no sectors.
    #[error("the final-demand column {region}/{category} names the region {region:?}, which has no sectors; every column's region must be a region of the rows")]
    UnknownDemandRegion {
        /// The region named.
        region: String,
        /// The category of the column.
        category: String,
    },
}

impl Mrio {
    /// Builds a system from flows: `rows` are the `(region, sector)` labels of `Z`'s rows and
    /// columns, `x` the gross output (`None`: `Z·1 + Y·1`, as pymrio's `calc_x`), `y_columns`
    /// the `(region, category)` labels of `Y`'s columns. `A = Z · diag(x)⁻¹` with a zero
    /// column where `x_j = 0` (Miller & Blair, §2.2). Errors name the position of a negative or
    /// non-finite flow, a label given twice, or sizes that disagree.
    pub fn from_flows(
        rows: &[(String, String)],
        z: &DenseMatrix,
        x: Option<&[f64]>,
        y: &DenseMatrix,
        y_columns: &[(String, String)],
        extensions: Vec<MrioExtension>,
    ) -> Result<Self, MrioError> {
        let n = rows.len();
        if n == 0 {
            return Err(ModelError::Empty.into());
        }
        if z.nrows() != n || z.ncols() != n {
            return Err(ModelError::Invalid(format!(
                "Z is {} × {}, but there are {n} (region, sector) labels",
                z.nrows(),
                z.ncols()
            ))
            .into());
        }
        if y.nrows() != n || y.ncols() != y_columns.len() {
            return Err(ModelError::Invalid(format!(
                "Y is {} × {}, but there are {n} sectors and {} final-demand columns",
                y.nrows(),
                y.ncols(),
                y_columns.len()
            ))
            .into());
        }
        let mut regions: Vec<String> = Vec::new();
        let mut sectors: Vec<String> = Vec::new();
        let mut region_ix: HashMap<&str, usize> = HashMap::new();
        let mut sector_ix: HashMap<&str, usize> = HashMap::new();
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        let mut pairs = Vec::with_capacity(n);
        for (r, s) in rows {
            if seen.insert((r.as_str(), s.as_str()), pairs.len()).is_some() {
                return Err(ModelError::DuplicateLabel {
                    label: format!("{r}/{s}"),
                }
                .into());
            }
            let ri = *region_ix.entry(r.as_str()).or_insert_with(|| {
                regions.push(r.clone());
                regions.len() - 1
            });
            let si = *sector_ix.entry(s.as_str()).or_insert_with(|| {
                sectors.push(s.clone());
                sectors.len() - 1
            });
            pairs.push((ri, si));
        }
        let mut cols = Vec::with_capacity(y_columns.len());
        for (r, c) in y_columns {
            let Some(&ri) = region_ix.get(r.as_str()) else {
                return Err(MrioError::UnknownDemandRegion {
                    region: r.clone(),
                    category: c.clone(),
                });
            };
            cols.push((ri, c.clone()));
        }
        for j in 0..y.ncols() {
            for i in 0..n {
                let v = y.get(i, j);
                if !v.is_finite() {
                    return Err(ModelError::NotFinite {
                        what: "final demand".into(),
                        row: i,
                        col: j,
                        value: v,
                    }
                    .into());
                }
            }
        }
        let x: Vec<f64> = match x {
            Some(x) => {
                if x.len() != n {
                    return Err(ModelError::DimensionMismatch {
                        what: "gross output".into(),
                        expected: n,
                        found: x.len(),
                    }
                    .into());
                }
                x.to_vec()
            }
            None => (0..n)
                .map(|i| z.row(i).iter().sum::<f64>() + y.row(i).iter().sum::<f64>())
                .collect(),
        };
        let labels: Vec<String> = rows.iter().map(|(r, s)| format!("{r}/{s}")).collect();
        let economy = crate::Economy::from_flows(labels, z, &x)?;
        for ext in &extensions {
            check_extension(ext, n, y_columns.len())?;
        }
        Ok(Self {
            regions,
            sectors,
            rows: pairs,
            a: economy.a,
            x,
            y: y.clone(),
            y_columns: cols,
            extensions,
        })
    }

    /// Number of `(region, sector)` rows.
    pub fn n(&self) -> usize {
        self.rows.len()
    }

    /// The final demand of each region summed over its categories: `R` columns of length `n`.
    pub fn regional_demand(&self) -> Vec<Vec<f64>> {
        let n = self.n();
        let mut yr = vec![vec![0.0; n]; self.regions.len()];
        for (j, (r, _)) in self.y_columns.iter().enumerate() {
            for (i, v) in yr[*r].iter_mut().enumerate() {
                *v += self.y.get(i, j);
            }
        }
        yr
    }
}

fn check_extension(ext: &MrioExtension, n: usize, m: usize) -> Result<(), ModelError> {
    let k = ext.stressors.len();
    let what = |t: &str| format!("{t} of extension {:?}", ext.name);
    if ext.f.nrows() != k || ext.f.ncols() != n {
        return Err(ModelError::Invalid(format!(
            "{} is {} × {}, but it has {k} stressors and the system {n} sectors",
            what("F"),
            ext.f.nrows(),
            ext.f.ncols()
        )));
    }
    if ext.units.len() != k {
        return Err(ModelError::Invalid(format!(
            "{} name {} stressors, there are {k}",
            what("the units"),
            ext.units.len()
        )));
    }
    if let Some(fy) = &ext.f_y {
        if fy.nrows() != k || fy.ncols() != m {
            return Err(ModelError::Invalid(format!(
                "{} is {} × {}, but it has {k} stressors and the system {m} final-demand columns",
                what("F_Y"),
                fy.nrows(),
                fy.ncols()
            )));
        }
    }
    for (name, mat) in [("F", Some(&ext.f)), ("F_Y", ext.f_y.as_ref())] {
        let Some(mat) = mat else { continue };
        for i in 0..mat.nrows() {
            for (j, &v) in mat.row(i).iter().enumerate() {
                if !v.is_finite() {
                    return Err(ModelError::NotFinite {
                        what: what(name),
                        row: i,
                        col: j,
                        value: v,
                    });
                }
            }
        }
    }
    Ok(())
}

/// The four accounts of one stressor, per region and per region × sector.
#[derive(Debug, Clone, PartialEq)]
pub struct StressorAccounts {
    /// The extension the stressor belongs to.
    pub extension: String,
    /// The stressor, e.g. `"emission_type1/air"`.
    pub stressor: String,
    /// Its unit, if known.
    pub unit: Option<String>,
    /// Consumption-based account per region, with the direct stressors of the region's final
    /// demand (pymrio's `D_cba_reg`).
    pub cba: Vec<f64>,
    /// Production-based account per region, with the direct stressors of the region's final
    /// demand (pymrio's `D_pba_reg`).
    pub pba: Vec<f64>,
    /// Stressors emitted abroad for the region's final demand (pymrio's `D_imp_reg`).
    pub imp: Vec<f64>,
    /// Stressors emitted in the region for other regions' final demand (`D_exp_reg`).
    pub exp: Vec<f64>,
    /// Direct stressors of each region's final demand (`F_Y` summed over its categories).
    pub f_y: Vec<f64>,
    /// `D_cba` by region (rows) × product consumed (columns, [`FootprintAccounts::sectors`]),
    /// without `F_Y`.
    pub cba_by_sector: DenseMatrix,
    /// `D_pba` by region × producing sector, without `F_Y`.
    pub pba_by_sector: DenseMatrix,
    /// `D_imp` by region × product consumed.
    pub imp_by_sector: DenseMatrix,
    /// `D_exp` by region × producing sector.
    pub exp_by_sector: DenseMatrix,
    /// The identities checked on this stressor.
    pub identity: AccountIdentity,
}

/// The identities of the accounts of one stressor (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AccountIdentity {
    /// `Σ_r D_cba_reg`.
    pub cba_total: f64,
    /// `Σ_r D_pba_reg`.
    pub pba_total: f64,
    /// `|Σ cba − Σ pba| / max(|Σ pba|, tiny)`.
    pub relative_gap: f64,
    /// `max_r |(cba − pba) − (imp − exp)| / max(Σ |pba|, tiny)`: the trade balance of the
    /// stressor, per region.
    pub trade_balance_gap: f64,
    /// `max_j |S_j x̂_j − F_j| / max(Σ |F|, tiny)` with `x̂ = L y`: how far the production-based
    /// account is from the recorded `F` (zero for a balanced table).
    pub pba_vs_f: f64,
}

/// Footprint accounts of every stressor of every extension.
#[derive(Debug, Clone, PartialEq)]
pub struct FootprintAccounts {
    /// The regions (the order of the per-region vectors and of the rows of the matrices).
    pub regions: Vec<String>,
    /// The sectors (the order of the matrices' columns).
    pub sectors: Vec<String>,
    /// One entry per stressor, extension by extension.
    pub stressors: Vec<StressorAccounts>,
    /// The largest relative residual of all solves, with the worst status.
    pub solve: SolveReport,
    /// Number of solves carried out.
    pub solves: usize,
    /// `max_i |x̂_i − x_i| / max(‖x‖_∞, tiny)` with `x̂ = L Σ_r y_r`: whether the table is
    /// balanced (pymrio's accounts use `x̂`).
    pub output_gap: f64,
}

/// Settings of [`footprints`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FootprintSettings {
    /// How to solve the Leontief systems.
    pub solver: SolverSettings,
}

const TINY: f64 = 1e-300;

/// Consumption-based, production-based, import and export accounts of every stressor, per
/// region and per region × sector, as pymrio 0.7's `calc_accounts` and `D_*_reg` define them
/// (formulas in the module documentation; Miller & Blair, §10.5).
pub fn footprints(
    mrio: &Mrio,
    settings: &FootprintSettings,
) -> Result<FootprintAccounts, MrioError> {
    let n = mrio.n();
    let nr = mrio.regions.len();
    let ns = mrio.sectors.len();
    let solver = LeontiefSolver::new(&mrio.a, settings.solver.clone())?;
    let mut worst = Worst::default();
    // L y_r for each region, and x̂ = Σ_r L y_r.
    let yr = mrio.regional_demand();
    let mut x_by_region = Vec::with_capacity(nr);
    for y in &yr {
        let s = solver.solve_output(y)?;
        worst.add(&s.report);
        x_by_region.push(s.x);
    }
    let x_hat: Vec<f64> = (0..n)
        .map(|i| x_by_region.iter().map(|x| x[i]).sum())
        .collect();
    let x_norm = mrio.x.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(TINY);
    let output_gap = x_hat
        .iter()
        .zip(&mrio.x)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()))
        / x_norm;
    // x_exp[(q, i)] = Σ_{r ≠ q} (L y_r)[(q, i)].
    let x_exp: Vec<f64> = (0..n)
        .map(|i| {
            let q = mrio.rows[i].0;
            x_hat[i] - x_by_region[q][i]
        })
        .collect();
    let mut out = Vec::new();
    for ext in &mrio.extensions {
        for k in 0..ext.stressors.len() {
            let f = ext.f.row(k);
            let s: Vec<f64> = f
                .iter()
                .zip(&mrio.x)
                .map(|(f, x)| if *x != 0.0 { f / x } else { 0.0 })
                .collect();
            let m = solver.solve_values(&s)?;
            worst.add(&m.report);
            let mut cba_by = DenseMatrix::zeros(nr, ns);
            let mut imp_by = DenseMatrix::zeros(nr, ns);
            let mut pba_by = DenseMatrix::zeros(nr, ns);
            let mut exp_by = DenseMatrix::zeros(nr, ns);
            for (i, &(q, p)) in mrio.rows.iter().enumerate() {
                pba_by.set(q, p, pba_by.get(q, p) + s[i] * x_hat[i]);
                exp_by.set(q, p, exp_by.get(q, p) + s[i] * x_exp[i]);
            }
            for (r, y) in yr.iter().enumerate() {
                // M⁽ʳ⁾: the multipliers of the stressor restricted to region r.
                let s_r: Vec<f64> = s
                    .iter()
                    .zip(&mrio.rows)
                    .map(|(v, &(q, _))| if q == r { *v } else { 0.0 })
                    .collect();
                let m_r = solver.solve_values(&s_r)?;
                worst.add(&m_r.report);
                for (i, &(_, p)) in mrio.rows.iter().enumerate() {
                    let total = m.x[i] * y[i];
                    let domestic = m_r.x[i] * y[i];
                    cba_by.set(r, p, cba_by.get(r, p) + total);
                    imp_by.set(r, p, imp_by.get(r, p) + (total - domestic));
                }
            }
            let mut f_y = vec![0.0; nr];
            if let Some(fy) = &ext.f_y {
                for (j, (r, _)) in mrio.y_columns.iter().enumerate() {
                    f_y[*r] += fy.get(k, j);
                }
            }
            let row_sums = |d: &DenseMatrix| -> Vec<f64> {
                (0..nr).map(|r| d.row(r).iter().sum::<f64>()).collect()
            };
            let cba: Vec<f64> = row_sums(&cba_by)
                .iter()
                .zip(&f_y)
                .map(|(a, b)| a + b)
                .collect();
            let pba: Vec<f64> = row_sums(&pba_by)
                .iter()
                .zip(&f_y)
                .map(|(a, b)| a + b)
                .collect();
            let imp = row_sums(&imp_by);
            let exp = row_sums(&exp_by);
            let cba_total: f64 = cba.iter().sum();
            let pba_total: f64 = pba.iter().sum();
            let pba_abs: f64 = pba.iter().map(|v| v.abs()).sum::<f64>().max(TINY);
            let trade_balance_gap = (0..nr)
                .map(|r| ((cba[r] - pba[r]) - (imp[r] - exp[r])).abs())
                .fold(0.0f64, f64::max)
                / pba_abs;
            let f_abs: f64 = f.iter().map(|v| v.abs()).sum::<f64>().max(TINY);
            let pba_vs_f = (0..n)
                .map(|i| (s[i] * x_hat[i] - f[i]).abs())
                .fold(0.0f64, f64::max)
                / f_abs;
            out.push(StressorAccounts {
                extension: ext.name.clone(),
                stressor: ext.stressors[k].clone(),
                unit: ext.units[k].clone(),
                identity: AccountIdentity {
                    cba_total,
                    pba_total,
                    relative_gap: (cba_total - pba_total).abs() / pba_total.abs().max(TINY),
                    trade_balance_gap,
                    pba_vs_f,
                },
                cba,
                pba,
                imp,
                exp,
                f_y,
                cba_by_sector: cba_by,
                pba_by_sector: pba_by,
                imp_by_sector: imp_by,
                exp_by_sector: exp_by,
            });
        }
    }
    Ok(FootprintAccounts {
        regions: mrio.regions.clone(),
        sectors: mrio.sectors.clone(),
        stressors: out,
        solves: worst.count,
        solve: worst.report(solver.method()),
        output_gap,
    })
}

/// The worst of many solve reports.
#[derive(Default)]
struct Worst {
    count: usize,
    iterations: usize,
    residual: f64,
    status: Option<SolveStatus>,
}

impl Worst {
    fn add(&mut self, r: &SolveReport) {
        self.count += 1;
        self.iterations = self.iterations.max(r.iterations);
        self.residual = self.residual.max(r.relative_residual);
        // The first status, replaced by the first failure.
        if self.status.is_none_or(SolveStatus::is_converged) {
            self.status = Some(r.status);
        }
    }

    fn report(&self, method: crate::Method) -> SolveReport {
        SolveReport {
            method,
            iterations: self.iterations,
            relative_residual: self.residual,
            status: self.status.unwrap_or(SolveStatus::Converged),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-region, two-sector system small enough to check by hand.
    fn two_regions() -> Mrio {
        let rows: Vec<(String, String)> =
            [("A", "food"), ("A", "steel"), ("B", "food"), ("B", "steel")]
                .iter()
                .map(|(r, s)| (r.to_string(), s.to_string()))
                .collect();
        let z = DenseMatrix::try_from_row_major(
            4,
            4,
            vec![
                10.0, 5.0, 2.0, 1.0, //
                4.0, 20.0, 3.0, 6.0, //
                1.0, 2.0, 8.0, 4.0, //
                3.0, 1.0, 5.0, 12.0,
            ],
        )
        .unwrap();
        let y = DenseMatrix::try_from_row_major(
            4,
            3,
            vec![
                50.0, 5.0, 10.0, //
                20.0, 2.0, 4.0, //
                6.0, 1.0, 40.0, //
                8.0, 0.0, 30.0,
            ],
        )
        .unwrap();
        let y_columns: Vec<(String, String)> = [("A", "hh"), ("A", "gov"), ("B", "hh")]
            .iter()
            .map(|(r, s)| (r.to_string(), s.to_string()))
            .collect();
        let ext = MrioExtension {
            name: "emissions".into(),
            stressors: vec!["co2".into(), "hours".into()],
            units: vec![Some("kg".into()), None],
            f: DenseMatrix::try_from_row_major(
                2,
                4,
                vec![7.0, 30.0, 2.0, 11.0, 100.0, 40.0, 80.0, 25.0],
            )
            .unwrap(),
            f_y: Some(
                DenseMatrix::try_from_row_major(2, 3, vec![3.0, 0.0, 5.0, 0.0, 1.0, 0.0]).unwrap(),
            ),
        };
        Mrio::from_flows(&rows, &z, None, &y, &y_columns, vec![ext]).unwrap()
    }

    /// The Leontief inverse by Gauss–Jordan elimination, independent of the solver.
    fn inverse(a: &DenseMatrix) -> Vec<Vec<f64>> {
        let n = a.nrows();
        let mut m: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                let mut row: Vec<f64> = (0..n)
                    .map(|j| if i == j { 1.0 } else { 0.0 } - a.get(i, j))
                    .collect();
                row.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
                row
            })
            .collect();
        for c in 0..n {
            let p = (c..n)
                .max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))
                .unwrap();
            m.swap(c, p);
            let d = m[c][c];
            m[c].iter_mut().for_each(|v| *v /= d);
            for i in 0..n {
                if i != c {
                    let f = m[i][c];
                    let pivot = m[c].clone();
                    m[i].iter_mut().zip(&pivot).for_each(|(v, p)| *v -= f * p);
                }
            }
        }
        m.into_iter().map(|r| r[n..].to_vec()).collect()
    }

    #[test]
    fn issue_17_accounts_follow_pymrio_definitions_on_an_explicit_inverse() {
        let mrio = two_regions();
        let acc = footprints(&mrio, &FootprintSettings::default()).unwrap();
        let a = mrio.a.to_dense();
        let l = inverse(&a);
        let n = 4;
        let yr = mrio.regional_demand();
        // x_diag[i][(r, p)] = Σ_j L[i][j] Y_diag[j][(r, p)], pymrio's L · Y_diag.
        let x_diag = |i: usize, r: usize, p: usize| -> f64 {
            (0..n)
                .filter(|&j| mrio.rows[j].1 == p)
                .map(|j| l[i][j] * yr[r][j])
                .sum()
        };
        for (k, st) in acc.stressors.iter().enumerate() {
            let ext = &mrio.extensions[0];
            let s: Vec<f64> = (0..n).map(|j| ext.f.get(k, j) / mrio.x[j]).collect();
            let x_tot: Vec<f64> = (0..n)
                .map(|i| {
                    (0..2)
                        .flat_map(|r| (0..2).map(move |p| (r, p)))
                        .map(|(r, p)| x_diag(i, r, p))
                        .sum()
                })
                .collect();
            for r in 0..2 {
                for p in 0..2 {
                    let cba: f64 = (0..n).map(|i| s[i] * x_diag(i, r, p)).sum();
                    let imp: f64 = (0..n)
                        .filter(|&i| mrio.rows[i].0 != r)
                        .map(|i| s[i] * x_diag(i, r, p))
                        .sum();
                    let i = 2 * r + p;
                    let pba = s[i] * x_tot[i];
                    let exp: f64 = s[i]
                        * (0..2)
                            .filter(|&q| q != r)
                            .flat_map(|q| (0..2).map(move |pp| (q, pp)))
                            .map(|(q, pp)| x_diag(i, q, pp))
                            .sum::<f64>();
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
                    assert!(close(st.cba_by_sector.get(r, p), cba), "cba {r} {p}");
                    assert!(close(st.imp_by_sector.get(r, p), imp), "imp {r} {p}");
                    assert!(close(st.pba_by_sector.get(r, p), pba), "pba {r} {p}");
                    assert!(close(st.exp_by_sector.get(r, p), exp), "exp {r} {p}");
                }
            }
            assert!(st.identity.relative_gap < 1e-12, "{:?}", st.identity);
            assert!(st.identity.trade_balance_gap < 1e-12, "{:?}", st.identity);
            // The table is balanced (x = Z1 + Y1), so D_pba reproduces F.
            assert!(st.identity.pba_vs_f < 1e-12, "{:?}", st.identity);
        }
        // F_Y goes to the region of its column, in both cba and pba.
        assert_eq!(acc.stressors[0].f_y, vec![3.0, 5.0]);
        assert_eq!(acc.stressors[1].f_y, vec![1.0, 0.0]);
        assert_eq!(acc.stressors[0].unit.as_deref(), Some("kg"));
        assert_eq!(acc.regions, vec!["A", "B"]);
        assert_eq!(acc.sectors, vec!["food", "steel"]);
        assert!(acc.output_gap < 1e-12);
        assert_eq!(acc.solves, 2 + 2 * (1 + 2));
    }

    #[test]
    fn issue_17_a_demand_column_of_an_unknown_region_is_refused() {
        let m = two_regions();
        let rows: Vec<(String, String)> = vec![("A".into(), "x".into())];
        let z = DenseMatrix::zeros(1, 1);
        let y = DenseMatrix::zeros(1, 1);
        let err = Mrio::from_flows(&rows, &z, None, &y, &[("C".into(), "hh".into())], vec![])
            .unwrap_err();
        assert!(err.to_string().contains("\"C\""), "{err}");
        assert_eq!(m.regions.len(), 2);
        let dup = vec![("A".to_string(), "x".to_string()); 2];
        let err = Mrio::from_flows(
            &dup,
            &DenseMatrix::zeros(2, 2),
            None,
            &DenseMatrix::zeros(2, 0),
            &[],
            vec![],
        )
        .unwrap_err();
        assert!(err.to_string().contains("A/x"), "{err}");
    }
}
