//! The economy model: products, technical coefficients, satellite rows and final demand, and
//! the analyses on it (gross output, labour values, multipliers, the identity check).

use crate::error::{ModelError, SolveError};
use crate::kernels::dot;
use crate::matrix::{CsrMatrix, DenseMatrix, TechnicalCoefficients};
use crate::solve::{LeontiefSolver, SolveReport};
use serde::{Deserialize, Serialize};

/// A satellite account expressed per unit of each product's gross output (hours, persons,
/// compensation, value added, emissions…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Satellite {
    /// Name, e.g. `"hours"`.
    pub name: String,
    /// Unit of the account's totals, e.g. `"millions of hours"`, if known.
    pub unit: Option<String>,
    /// Direct intensity `s_j` per unit of gross output of product `j`.
    pub intensity: Vec<f64>,
}

/// One category of final demand (households, government, exports…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalDemand {
    /// Name of the category.
    pub name: String,
    /// Demand for each product.
    pub values: Vec<f64>,
}

/// A coefficient matrix could not be built from flows.
pub type CoefficientError = ModelError;

/// An input-output economy with one process per product.
#[derive(Debug, Clone, PartialEq)]
pub struct Economy {
    /// Product (sector) labels, unique.
    pub products: Vec<String>,
    /// Technical coefficients `A`.
    pub a: TechnicalCoefficients,
    /// Satellite accounts, per unit of output.
    pub satellites: Vec<Satellite>,
    /// Final-demand categories (their sum is the demand `d` used by default).
    pub final_demand: Vec<FinalDemand>,
    /// Gross output as recorded in the source table, if any (used for the balance check).
    pub recorded_output: Option<Vec<f64>>,
    /// Index into `satellites` of the labour account, if any.
    pub labour: Option<usize>,
    /// Sectors with zero recorded output (their column of `A` is zero).
    pub zero_output_sectors: Vec<usize>,
}

impl Economy {
    /// An economy from coefficients. Labels must be unique and match `A`'s size.
    pub fn new(products: Vec<String>, a: TechnicalCoefficients) -> Result<Self, ModelError> {
        check_labels(&products, a.n())?;
        Ok(Self {
            products,
            a,
            satellites: Vec::new(),
            final_demand: Vec::new(),
            recorded_output: None,
            labour: None,
            zero_output_sectors: Vec::new(),
        })
    }

    /// An economy from a dense flow matrix `Z` and gross output `x`: `A = Z · diag(x)⁻¹`, with a
    /// zero column for every sector whose output is zero. Negative flows and negative output are
    /// rejected with their position.
    pub fn from_flows(
        products: Vec<String>,
        z: &DenseMatrix,
        x: &[f64],
    ) -> Result<Self, ModelError> {
        let n = products.len();
        if z.nrows() != z.ncols() {
            return Err(ModelError::NotSquare {
                rows: z.nrows(),
                cols: z.ncols(),
            });
        }
        check_len("gross output", n, x.len())?;
        check_len("flow matrix", n, z.nrows())?;
        check_vector("gross output", x, false)?;
        let mut zero = Vec::new();
        for (j, &xj) in x.iter().enumerate() {
            if xj == 0.0 {
                zero.push(j);
            }
        }
        let mut a = DenseMatrix::zeros(n, n);
        for i in 0..n {
            for (j, &xj) in x.iter().enumerate() {
                let v = z.get(i, j);
                if !v.is_finite() {
                    return Err(ModelError::NotFinite {
                        what: "flow".into(),
                        row: i,
                        col: j,
                        value: v,
                    });
                }
                if v < 0.0 {
                    return Err(ModelError::Negative {
                        what: "flow".into(),
                        row: i,
                        col: j,
                        value: v,
                    });
                }
                if xj > 0.0 {
                    a.set(i, j, v / xj);
                }
            }
        }
        let mut e = Self::new(products, TechnicalCoefficients::dense(a)?)?;
        e.recorded_output = Some(x.to_vec());
        e.zero_output_sectors = zero;
        Ok(e)
    }

    /// An economy from sparse flows given as a matrix and gross output.
    pub fn from_sparse_flows(
        products: Vec<String>,
        z: &CsrMatrix,
        x: &[f64],
    ) -> Result<Self, ModelError> {
        let n = products.len();
        check_len("gross output", n, x.len())?;
        check_vector("gross output", x, false)?;
        let mut triplets = Vec::with_capacity(z.nnz());
        for (i, j, v) in z.triplets() {
            if v < 0.0 {
                return Err(ModelError::Negative {
                    what: "flow".into(),
                    row: i,
                    col: j,
                    value: v,
                });
            }
            if x[j] > 0.0 {
                triplets.push((i as u32, j as u32, v / x[j]));
            }
        }
        let a = CsrMatrix::try_from_triplets(n, n, triplets)?;
        let mut e = Self::new(products, TechnicalCoefficients::sparse(a)?)?;
        e.zero_output_sectors = (0..n).filter(|&j| x[j] == 0.0).collect();
        e.recorded_output = Some(x.to_vec());
        Ok(e)
    }

    /// Number of products.
    pub fn n(&self) -> usize {
        self.products.len()
    }

    /// Adds a satellite given per unit of output. Returns its index.
    pub fn add_satellite(&mut self, satellite: Satellite) -> Result<usize, ModelError> {
        check_len(
            &format!("satellite {:?}", satellite.name),
            self.n(),
            satellite.intensity.len(),
        )?;
        check_vector(
            &format!("satellite {:?}", satellite.name),
            &satellite.intensity,
            true,
        )?;
        if self.satellites.iter().any(|s| s.name == satellite.name) {
            return Err(ModelError::DuplicateLabel {
                label: satellite.name,
            });
        }
        self.satellites.push(satellite);
        Ok(self.satellites.len() - 1)
    }

    /// Adds a satellite given as totals per sector: the intensity is `total_j / x_j` (zero where
    /// `x_j = 0`). Needs the recorded gross output.
    pub fn add_satellite_totals(
        &mut self,
        name: &str,
        unit: Option<String>,
        totals: &[f64],
    ) -> Result<usize, ModelError> {
        let x = self.recorded_output.as_ref().ok_or_else(|| {
            ModelError::Invalid(format!(
                "satellite {name:?} is given as totals, but the economy has no gross output to divide by"
            ))
        })?;
        check_len(&format!("satellite {name:?}"), self.n(), totals.len())?;
        let intensity = totals
            .iter()
            .zip(x)
            .map(|(t, x)| if *x > 0.0 { t / x } else { 0.0 })
            .collect();
        self.add_satellite(Satellite {
            name: name.to_string(),
            unit,
            intensity,
        })
    }

    /// Declares which satellite is labour.
    pub fn set_labour(&mut self, name: &str) -> Result<(), ModelError> {
        let k = self
            .satellites
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| ModelError::Invalid(format!("no satellite called {name:?}")))?;
        self.labour = Some(k);
        Ok(())
    }

    /// Adds a final-demand category.
    pub fn add_final_demand(&mut self, demand: FinalDemand) -> Result<(), ModelError> {
        check_len(
            &format!("final demand {:?}", demand.name),
            self.n(),
            demand.values.len(),
        )?;
        check_vector(
            &format!("final demand {:?}", demand.name),
            &demand.values,
            true,
        )?;
        self.final_demand.push(demand);
        Ok(())
    }

    /// The labour satellite, if declared.
    pub fn labour_satellite(&self) -> Option<&Satellite> {
        self.labour.map(|k| &self.satellites[k])
    }

    /// A satellite by name.
    pub fn satellite(&self, name: &str) -> Option<&Satellite> {
        self.satellites.iter().find(|s| s.name == name)
    }

    /// Total final demand `d` (the sum over categories; imports recorded as negative final
    /// demand reduce it).
    pub fn total_final_demand(&self) -> Vec<f64> {
        let mut d = vec![0.0; self.n()];
        for c in &self.final_demand {
            for (d, v) in d.iter_mut().zip(&c.values) {
                *d += v;
            }
        }
        d
    }

    /// Index of a product by label.
    pub fn product_index(&self, label: &str) -> Option<usize> {
        self.products.iter().position(|p| p == label)
    }
}

/// The effects of one satellite row: `s (I − A)⁻¹`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatelliteEffects {
    /// Satellite name.
    pub name: String,
    /// Direct intensity `s_j`.
    pub direct: Vec<f64>,
    /// Total (direct and indirect) intensity `(s (I − A)⁻¹)_j`: the effect of one unit of final
    /// demand for product `j`. For labour these are the labour values.
    pub total: Vec<f64>,
    /// Type I multiplier `total_j / direct_j` (None where the direct intensity is zero).
    pub type_i: Vec<Option<f64>>,
    /// How the solve went.
    pub report: SolveReport,
}

/// Computes `s (I − A)⁻¹` for a satellite.
pub fn satellite_effects(
    solver: &LeontiefSolver<'_>,
    satellite: &Satellite,
) -> Result<SatelliteEffects, SolveError> {
    let solved = solver.solve_values(&satellite.intensity)?;
    let type_i = solved
        .x
        .iter()
        .zip(&satellite.intensity)
        .map(|(t, d)| if *d != 0.0 { Some(t / d) } else { None })
        .collect();
    Ok(SatelliteEffects {
        name: satellite.name.clone(),
        direct: satellite.intensity.clone(),
        total: solved.x,
        type_i,
        report: solved.report,
    })
}

/// Output multipliers: the column sums of `(I − A)⁻¹`, i.e. `1 (I − A)⁻¹`, by one transposed
/// solve (the inverse is never formed).
pub fn output_multipliers(solver: &LeontiefSolver<'_>) -> Result<crate::Solved, SolveError> {
    solver.solve_values(&vec![1.0; solver.n()])
}

/// How far gross output recomputed from final demand, `x = (I − A)⁻¹ d`, is from the output the
/// table records (useeior's validation: a table whose flows, final demand and output do not
/// add up shows here). Sectors more than [`BalanceCheck::TOLERANCE`] off are listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceCheck {
    /// `(recomputed − recorded) / recorded` per sector (0 when both are 0, infinite when only
    /// the recorded output is 0).
    pub relative_difference: Vec<f64>,
    /// Sectors whose `|relative difference|` exceeds the tolerance.
    pub off: Vec<usize>,
    /// The largest `|relative difference|`.
    pub worst: f64,
}

impl BalanceCheck {
    /// 1%, useeior's threshold.
    pub const TOLERANCE: f64 = 0.01;

    /// Compares recomputed with recorded output.
    pub fn new(recomputed: &[f64], recorded: &[f64]) -> Self {
        let relative_difference: Vec<f64> = recomputed
            .iter()
            .zip(recorded)
            .map(|(a, b)| {
                if *b != 0.0 {
                    (a - b) / b
                } else if *a == 0.0 {
                    0.0
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        let off = (0..relative_difference.len())
            .filter(|&i| relative_difference[i].abs() > Self::TOLERANCE)
            .collect();
        let worst = relative_difference
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()));
        Self {
            relative_difference,
            off,
            worst,
        }
    }
}

/// The textbook identity `v · d = l · x`: labour embodied in final demand equals the labour
/// that producing the gross output takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityCheck {
    /// `v · d`.
    pub v_dot_d: f64,
    /// `l · x`.
    pub l_dot_x: f64,
    /// `|v·d − l·x| / max(|l·x|, tiny)`.
    pub relative_difference: f64,
}

impl IdentityCheck {
    /// Computes both sides.
    pub fn new(v: &[f64], d: &[f64], l: &[f64], x: &[f64]) -> Self {
        let v_dot_d = dot(v, d);
        let l_dot_x = dot(l, x);
        let relative_difference = (v_dot_d - l_dot_x).abs() / l_dot_x.abs().max(f64::MIN_POSITIVE);
        Self {
            v_dot_d,
            l_dot_x,
            relative_difference,
        }
    }
}

/// Competitive-import tables (e.g. Japan) record imports as negative final demand. The domestic
/// coefficients are `(I − M) A` with `M = diag(m)`, where the import ratio of product `i` is
/// `m_i = imports_i / (intermediate use_i + domestic final demand_i)`.
/// Returns the domestic coefficient matrix and the import ratios.
pub fn domestic_coefficients(
    a: &TechnicalCoefficients,
    intermediate_use: &[f64],
    domestic_final_demand: &[f64],
    imports: &[f64],
) -> Result<(TechnicalCoefficients, Vec<f64>), ModelError> {
    let n = a.n();
    check_len("intermediate use", n, intermediate_use.len())?;
    check_len("domestic final demand", n, domestic_final_demand.len())?;
    check_len("imports", n, imports.len())?;
    let mut m = Vec::with_capacity(n);
    for i in 0..n {
        let absorption = intermediate_use[i] + domestic_final_demand[i];
        let imp = imports[i].abs();
        m.push(if absorption > 0.0 {
            imp / absorption
        } else {
            0.0
        });
    }
    if let Some(i) = m.iter().position(|&r| r > 1.0) {
        return Err(ModelError::Invalid(format!(
            "product {i}: imports ({}) exceed domestic absorption; the import ratio would be {:.3} > 1",
            imports[i], m[i]
        )));
    }
    let scaled = match a {
        TechnicalCoefficients::Dense(d) => {
            TechnicalCoefficients::Dense(DenseMatrix::from_fn(n, n, |i, j| {
                (1.0 - m[i]) * d.get(i, j)
            }))
        }
        TechnicalCoefficients::Sparse(s) => {
            let t = s
                .triplets()
                .map(|(i, j, v)| (i as u32, j as u32, (1.0 - m[i]) * v))
                .collect();
            TechnicalCoefficients::Sparse(CsrMatrix::try_from_triplets(n, n, t)?)
        }
    };
    Ok((scaled, m))
}

fn check_labels(labels: &[String], n: usize) -> Result<(), ModelError> {
    check_len("product labels", n, labels.len())?;
    if n == 0 {
        return Err(ModelError::Empty);
    }
    let mut seen = std::collections::HashSet::with_capacity(n);
    for l in labels {
        if !seen.insert(l.as_str()) {
            return Err(ModelError::DuplicateLabel { label: l.clone() });
        }
    }
    Ok(())
}

pub(crate) fn check_len(what: &str, expected: usize, found: usize) -> Result<(), ModelError> {
    if expected != found {
        return Err(ModelError::DimensionMismatch {
            what: what.to_string(),
            expected,
            found,
        });
    }
    Ok(())
}

pub(crate) fn check_vector(what: &str, v: &[f64], allow_negative: bool) -> Result<(), ModelError> {
    for (i, &x) in v.iter().enumerate() {
        if !x.is_finite() {
            return Err(ModelError::NotFinite {
                what: what.to_string(),
                row: i,
                col: 0,
                value: x,
            });
        }
        if !allow_negative && x < 0.0 {
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
