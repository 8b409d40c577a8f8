//! # plenty-py
//!
//! The native module `plenty._plenty` of the `plenty` Python package (PyO3, abi3: one wheel for
//! every CPython from 3.9 on). It is thin on purpose: every reading decision is made by
//! `plenty-io` (the same [`plenty_io::open::open_economy`] and
//! [`plenty_io::open::open_planning`] the command line calls) and every number by
//! `plenty-core`. The Python layer (`python/plenty/__init__.py`) turns what this module returns
//! into labelled pandas objects.
//!
//! Numbers cross the boundary as little-endian `f64` bytes (`numpy.frombuffer` reads them
//! without a copy), not as Python lists: a 5 000-sector matrix is 25 million numbers. Results
//! that are small (vectors, reports) cross as JSON, which keeps every bit (`serde_json`'s
//! `float_roundtrip`).
//!
//! Every solve runs with the GIL released ([`Python::detach`], formerly `allow_threads`), so
//! other Python threads run meanwhile.
//!
//! Errors are Python exceptions: [`InputError`] for an input that cannot be read or does not
//! describe an economy (with the same message as the CLI's, and its file, line and column as
//! attributes), [`SolveError`] for a solve that failed or did not converge, [`PlanError`] when
//! there is no optimal plan.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use plenty_core::plan::{solve_plan, PlanRequest, PlanningEconomy};
use plenty_core::{
    CsrMatrix, DenseMatrix, Economy, FinalDemand, IdentityCheck, LeontiefSolver, Satellite,
    SolveReport, SolverSettings, TechnicalCoefficients,
};
use plenty_io::open::{open_economy, open_planning, OpenOptions};
use plenty_io::IoError;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::{json, Value};
use std::path::PathBuf;

create_exception!(
    _plenty,
    PlentyError,
    PyException,
    "Base class of plenty's errors."
);
create_exception!(
    _plenty,
    InputError,
    PlentyError,
    "An input cannot be read or does not describe an economy. Attributes: file, line, column, header, message (None where unknown)."
);
create_exception!(
    _plenty,
    SolveError,
    PlentyError,
    "A solve failed or did not converge (the economy is probably not productive)."
);
create_exception!(
    _plenty,
    PlanError,
    SolveError,
    "No optimal plan: infeasible, unbounded or not converged; the message says why."
);

/// An [`IoError`] as an [`InputError`] whose attributes name its position.
fn input_error(py: Python<'_>, e: &IoError) -> PyErr {
    let err = InputError::new_err(e.to_string());
    let v = err.value(py);
    let (column, header) = match &e.column {
        Some((c, h)) => (Some(*c), h.clone()),
        None => (None, None),
    };
    // Setting attributes on a fresh exception object cannot fail short of memory exhaustion;
    // the error itself is what matters, so a failure here is not reported over it.
    let _ = v.setattr("file", e.file.display().to_string());
    let _ = v.setattr("line", e.line);
    let _ = v.setattr("column", column);
    let _ = v.setattr("header", header);
    let _ = v.setattr("message", e.message.clone());
    err
}

/// A [`plenty_core::ModelError`] (bad numbers or sizes given from Python) as an [`InputError`]
/// without a file.
fn model_error(what: &str, e: impl std::fmt::Display) -> PyErr {
    InputError::new_err(format!("{what}: {e}"))
}

fn solve_error(e: impl std::fmt::Display) -> PyErr {
    SolveError::new_err(e.to_string())
}

/// Reads little-endian `f64` bytes.
fn floats(what: &str, b: &[u8]) -> PyResult<Vec<f64>> {
    if !b.len().is_multiple_of(8) {
        return Err(InputError::new_err(format!(
            "{what}: {} bytes is not a whole number of float64 values",
            b.len()
        )));
    }
    Ok(b.chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

/// Reads little-endian `i64` bytes as indices.
fn indices(what: &str, b: &[u8]) -> PyResult<Vec<usize>> {
    if !b.len().is_multiple_of(8) {
        return Err(InputError::new_err(format!(
            "{what}: {} bytes is not a whole number of int64 values",
            b.len()
        )));
    }
    b.chunks_exact(8)
        .map(|c| {
            let v = i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            usize::try_from(v)
                .map_err(|_| InputError::new_err(format!("{what}: negative index {v}")))
        })
        .collect()
}

fn to_bytes<'py>(py: Python<'py>, v: &[f64]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(v.len() * 8);
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
    PyBytes::new(py, &out)
}

fn usize_bytes<'py>(py: Python<'py>, v: impl Iterator<Item = usize>) -> Bound<'py, PyBytes> {
    let mut out = Vec::new();
    for x in v {
        out.extend_from_slice(&(x as i64).to_le_bytes());
    }
    PyBytes::new(py, &out)
}

/// The solver settings from their JSON (the fields of [`SolverSettings`], each optional).
fn settings(json_text: &str) -> PyResult<SolverSettings> {
    let s: SolverSettings = serde_json::from_str(json_text)
        .map_err(|e| InputError::new_err(format!("solver settings: {e}")))?;
    s.validate().map_err(solve_error)?;
    Ok(s)
}

fn report_json(r: &SolveReport) -> Value {
    json!({
        "method": r.method.to_string(),
        "iterations": r.iterations,
        "relative_residual": r.relative_residual,
        "status": r.status.to_string(),
        "converged": r.status.is_converged(),
    })
}

/// A solve whose status is not `converged` is an error here, as in the CLI (whose `vouch`
/// refuses to print such an answer): a Python caller gets no silently wrong numbers.
fn converged(what: &str, r: &SolveReport) -> Result<(), String> {
    if r.status.is_converged() {
        Ok(())
    } else {
        Err(format!(
            "{what}: {} after {} iterations (relative residual {:.2e}, method {}); the economy is probably not productive (spectral radius of A ≥ 1)",
            r.status, r.iterations, r.relative_residual, r.method
        ))
    }
}

/// An input-output economy held by the native module: products, technical coefficients `A`,
/// satellites (per unit of output), final-demand categories and the recorded gross output.
#[pyclass(module = "plenty._plenty", name = "NativeEconomy", frozen)]
pub struct NativeEconomy {
    economy: Economy,
    inputs: Vec<PathBuf>,
    notes: Vec<String>,
    warnings: Vec<String>,
}

impl NativeEconomy {
    fn plain(economy: Economy) -> Self {
        Self {
            economy,
            inputs: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn vector_or(&self, given: Option<&[u8]>, what: &str, default: Vec<f64>) -> PyResult<Vec<f64>> {
        match given {
            None => Ok(default),
            Some(b) => {
                let v = floats(what, b)?;
                if v.len() != self.economy.n() {
                    return Err(InputError::new_err(format!(
                        "{what} has {} numbers but the economy has {} products",
                        v.len(),
                        self.economy.n()
                    )));
                }
                Ok(v)
            }
        }
    }

    fn demand(&self, d: Option<&[u8]>) -> PyResult<Vec<f64>> {
        if d.is_none() && self.economy.final_demand.is_empty() {
            return Err(InputError::new_err(
                "the economy has no final demand; give a demand vector (d=…)",
            ));
        }
        self.vector_or(d, "final demand", self.economy.total_final_demand())
    }

    fn labour(&self, l: Option<&[u8]>) -> PyResult<Vec<f64>> {
        match (l, self.economy.labour_satellite()) {
            (None, Some(s)) => Ok(s.intensity.clone()),
            (None, None) => Err(InputError::new_err(format!(
                "the economy has no labour account; give one (l=…) or name a satellite as labour; its satellites are {}",
                if self.economy.satellites.is_empty() {
                    "none".to_string()
                } else {
                    self.economy
                        .satellites
                        .iter()
                        .map(|s| format!("{:?}", s.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))),
            (Some(b), _) => self.vector_or(Some(b), "labour", Vec::new()),
        }
    }
}

#[pymethods]
impl NativeEconomy {
    /// Product labels.
    fn labels(&self) -> Vec<String> {
        self.economy.products.clone()
    }

    /// Number of products.
    fn n(&self) -> usize {
        self.economy.n()
    }

    /// Whether `A` is held sparse.
    fn is_sparse(&self) -> bool {
        matches!(self.economy.a, TechnicalCoefficients::Sparse(_))
    }

    /// Number of non-zero coefficients.
    fn nnz(&self) -> usize {
        self.economy.a.nnz()
    }

    /// `A` row-major as `f64` bytes (dense; a sparse `A` is expanded).
    fn a_dense<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let n = self.economy.n();
        let mut v = vec![0.0; n * n];
        match &self.economy.a {
            TechnicalCoefficients::Dense(m) => {
                for i in 0..n {
                    v[i * n..(i + 1) * n].copy_from_slice(m.row(i));
                }
            }
            TechnicalCoefficients::Sparse(m) => {
                for (i, j, x) in m.triplets() {
                    v[i * n + j] = x;
                }
            }
        }
        to_bytes(py, &v)
    }

    /// `A` as CSR: `(indptr, indices, data)`, int64, int64 and float64 bytes.
    fn a_csr<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
        Bound<'py, PyBytes>,
    ) {
        let n = self.economy.n();
        let mut indptr = vec![0usize; n + 1];
        let mut idx = Vec::new();
        let mut data = Vec::new();
        let mut push_row = |i: usize, row: &mut dyn Iterator<Item = (usize, f64)>| {
            for (j, x) in row {
                idx.push(j);
                data.push(x);
            }
            indptr[i + 1] = idx.len();
        };
        match &self.economy.a {
            TechnicalCoefficients::Dense(m) => {
                for i in 0..n {
                    let r = m.row(i);
                    push_row(i, &mut (0..n).filter(|&j| r[j] != 0.0).map(|j| (j, r[j])));
                }
            }
            TechnicalCoefficients::Sparse(m) => {
                let mut by_row: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
                for (i, j, x) in m.triplets() {
                    by_row[i].push((j, x));
                }
                for (i, r) in by_row.into_iter().enumerate() {
                    push_row(i, &mut r.into_iter());
                }
            }
        }
        (
            usize_bytes(py, indptr.into_iter()),
            usize_bytes(py, idx.into_iter()),
            to_bytes(py, &data),
        )
    }

    /// The satellites: `[(name, unit, intensity bytes)]`.
    fn satellites<'py>(
        &self,
        py: Python<'py>,
    ) -> Vec<(String, Option<String>, Bound<'py, PyBytes>)> {
        self.economy
            .satellites
            .iter()
            .map(|s| (s.name.clone(), s.unit.clone(), to_bytes(py, &s.intensity)))
            .collect()
    }

    /// The final-demand categories: `[(name, bytes)]`.
    fn final_demand<'py>(&self, py: Python<'py>) -> Vec<(String, Bound<'py, PyBytes>)> {
        self.economy
            .final_demand
            .iter()
            .map(|f| (f.name.clone(), to_bytes(py, &f.values)))
            .collect()
    }

    /// The gross output the table records, if any.
    fn recorded_output<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.economy
            .recorded_output
            .as_ref()
            .map(|x| to_bytes(py, x))
    }

    /// The name of the labour satellite, if any.
    fn labour_name(&self) -> Option<String> {
        self.economy.labour_satellite().map(|s| s.name.clone())
    }

    /// The files read.
    fn inputs(&self) -> Vec<String> {
        self.inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    /// Warnings about the input (something is probably wrong), as the CLI shows them.
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// Notes about the input (quirks handled).
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// The provenance of results on this economy: plenty's version and the SHA-256 of every
    /// input file and of them together, as the CLI writes it (JSON).
    fn provenance(&self, py: Python<'_>) -> PyResult<String> {
        let (files, combined) =
            plenty_io::hash::hash_inputs(&self.inputs).map_err(|e| input_error(py, &e))?;
        Ok(json!({
            "plenty_version": plenty_core::VERSION,
            "input_hash": combined,
            "inputs": files,
        })
        .to_string())
    }

    /// A copy with one more satellite (per unit of output).
    #[pyo3(signature = (name, unit, intensity, labour=false))]
    fn with_satellite(
        &self,
        name: String,
        unit: Option<String>,
        intensity: &[u8],
        labour: bool,
    ) -> PyResult<Self> {
        let mut e = self.economy.clone();
        let v = floats("satellite", intensity)?;
        e.satellites.retain(|s| s.name != name);
        e.labour = None;
        if let Some(l) = self.economy.labour_satellite() {
            if l.name != name {
                // Indices shift when a satellite is dropped: find labour again by name.
                e.labour = e.satellites.iter().position(|s| s.name == l.name);
            }
        }
        e.add_satellite(Satellite {
            name: name.clone(),
            unit,
            intensity: v,
        })
        .map_err(|err| model_error(&format!("satellite {name:?}"), err))?;
        if labour {
            e.set_labour(&name)
                .map_err(|err| model_error(&format!("satellite {name:?}"), err))?;
        }
        Ok(Self {
            economy: e,
            inputs: self.inputs.clone(),
            notes: self.notes.clone(),
            warnings: self.warnings.clone(),
        })
    }

    /// A copy with one more final-demand category.
    fn with_final_demand(&self, name: String, values: &[u8]) -> PyResult<Self> {
        let mut e = self.economy.clone();
        e.final_demand.retain(|f| f.name != name);
        e.add_final_demand(FinalDemand {
            name: name.clone(),
            values: floats("final demand", values)?,
        })
        .map_err(|err| model_error(&format!("final demand {name:?}"), err))?;
        Ok(Self {
            economy: e,
            inputs: self.inputs.clone(),
            notes: self.notes.clone(),
            warnings: self.warnings.clone(),
        })
    }

    /// A copy whose labour account is the satellite `name`.
    fn with_labour(&self, name: &str) -> PyResult<Self> {
        let mut e = self.economy.clone();
        if e.satellite(name).is_none() {
            return Err(InputError::new_err(format!(
                "labour account {name:?}: the economy's satellites are {}",
                e.satellites
                    .iter()
                    .map(|s| format!("{:?}", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        e.set_labour(name)
            .map_err(|err| model_error("labour account", err))?;
        Ok(Self {
            economy: e,
            inputs: self.inputs.clone(),
            notes: self.notes.clone(),
            warnings: self.warnings.clone(),
        })
    }

    /// Gross output `x = (I − A)⁻¹ d` (Miller & Blair 2022, §2.3), and with `inverse` the
    /// Leontief inverse `L = (I − A)⁻¹` column by column (one LU, n solves with unit vectors;
    /// at most 10 000 products). Returns `(json, L bytes or None)`; the JSON holds
    /// `final_demand`, `gross_output` and the reports.
    #[pyo3(signature = (settings_json, d=None, inverse=false))]
    fn leontief<'py>(
        &self,
        py: Python<'py>,
        settings_json: &str,
        d: Option<&[u8]>,
        inverse: bool,
    ) -> PyResult<(String, Option<Bound<'py, PyBytes>>)> {
        let s = settings(settings_json)?;
        let d = self.demand(d)?;
        let n = self.economy.n();
        if inverse && n > 10_000 {
            return Err(SolveError::new_err(format!(
                "the inverse needs one solve per product and 8 n² bytes; this economy has {n} products (at most 10 000). Solve for the demands you need instead"
            )));
        }
        let a = &self.economy.a;
        let result = py.detach(|| -> Result<(Value, Option<Vec<f64>>), String> {
            let solver = LeontiefSolver::new(a, s).map_err(|e| e.to_string())?;
            let x = solver.solve_output(&d).map_err(|e| e.to_string())?;
            converged("gross output", &x.report)?;
            let mut worst = 0.0f64;
            let l = if inverse {
                let cols = solver
                    .inverse_columns(&(0..n).collect::<Vec<_>>())
                    .map_err(|e| e.to_string())?;
                let mut l = vec![0.0; n * n];
                for (j, c) in cols.iter().enumerate() {
                    converged("the inverse's column", &c.report)?;
                    worst = worst.max(c.report.relative_residual);
                    for i in 0..n {
                        l[i * n + j] = c.x[i];
                    }
                }
                Some(l)
            } else {
                None
            };
            Ok((
                json!({
                    "method": solver.method().to_string(),
                    "final_demand": d,
                    "gross_output": x.x,
                    "gross_output_solve": report_json(&x.report),
                    "inverse_worst_relative_residual": worst,
                }),
                l,
            ))
        });
        let (v, l) = result.map_err(SolveError::new_err)?;
        Ok((v.to_string(), l.map(|l| to_bytes(py, &l))))
    }

    /// Labour values `v = l (I − A)⁻¹` and gross output `x = (I − A)⁻¹ d`, with the identity
    /// `v·d = l·x` checked, as `plenty values` computes them (JSON).
    #[pyo3(signature = (settings_json, l=None, d=None))]
    fn values(
        &self,
        py: Python<'_>,
        settings_json: &str,
        l: Option<&[u8]>,
        d: Option<&[u8]>,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let d = self.demand(d)?;
        let l = self.labour(l)?;
        let a = &self.economy.a;
        let out = py.detach(|| -> Result<Value, String> {
            let solver = LeontiefSolver::new(a, s).map_err(|e| e.to_string())?;
            let (x, v) = solver.solve_both(&d, &l).map_err(|e| e.to_string())?;
            converged("gross output", &x.report)?;
            converged("labour values", &v.report)?;
            let id = IdentityCheck::new(&v.x, &d, &l, &x.x);
            Ok(json!({
                "direct_labour": l,
                "labour_value": v.x,
                "final_demand": d,
                "gross_output": x.x,
                "gross_output_solve": report_json(&x.report),
                "labour_values_solve": report_json(&v.report),
                "identity": {"v_dot_d": id.v_dot_d, "l_dot_x": id.l_dot_x, "relative_difference": id.relative_difference},
            }))
        });
        Ok(out.map_err(SolveError::new_err)?.to_string())
    }

    /// Output multipliers `1 (I − A)⁻¹` and, for every satellite `s`, its total effects
    /// `s (I − A)⁻¹` and Type I multipliers (total / direct), as `plenty multipliers` computes
    /// them (Miller & Blair 2022, §6.2–6.3) (JSON).
    fn multipliers(&self, py: Python<'_>, settings_json: &str) -> PyResult<String> {
        let s = settings(settings_json)?;
        let e = &self.economy;
        let out = py.detach(|| -> Result<Value, String> {
            let solver = LeontiefSolver::new(&e.a, s).map_err(|e| e.to_string())?;
            let om =
                plenty_core::economy::output_multipliers(&solver).map_err(|e| e.to_string())?;
            converged("output multipliers", &om.report)?;
            let mut sats = Vec::new();
            for sat in &e.satellites {
                let eff = plenty_core::economy::satellite_effects(&solver, sat)
                    .map_err(|e| e.to_string())?;
                converged(&format!("{} effects", sat.name), &eff.report)?;
                sats.push(json!({
                    "name": sat.name,
                    "unit": sat.unit,
                    "direct": eff.direct,
                    "total": eff.total,
                    "type_i": eff.type_i,
                    "solve": report_json(&eff.report),
                }));
            }
            Ok(json!({
                "output_multiplier": om.x,
                "output_multiplier_solve": report_json(&om.report),
                "satellites": sats,
            }))
        });
        Ok(out.map_err(SolveError::new_err)?.to_string())
    }

    /// Ghosh's supply-side model (Miller & Blair 2022, §12.1): allocation coefficients
    /// `B = diag(x)⁻¹ Z`, direct and total forward linkages (row sums of `B` and of
    /// `G = (I − B)⁻¹`, normalised), and the output for given primary inputs (default: the
    /// base year's). `plenty_core::io_analysis::ghosh`, serialised (JSON).
    #[pyo3(signature = (settings_json, primary_inputs=None))]
    fn ghosh(
        &self,
        py: Python<'_>,
        settings_json: &str,
        primary_inputs: Option<&[u8]>,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let v = match primary_inputs {
            Some(b) => Some(self.vector_or(Some(b), "primary inputs", Vec::new())?),
            None => None,
        };
        let e = &self.economy;
        let out = py.detach(|| -> Result<String, String> {
            let solver = LeontiefSolver::new(&e.a, s).map_err(|e| e.to_string())?;
            let g = plenty_core::io_analysis::ghosh(e, &solver, v.as_deref())
                .map_err(|e| e.to_string())?;
            serde_json::to_string(&g).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }

    /// The allocation coefficients `B = diag(x)⁻¹ Z` and the Ghosh inverse
    /// `G = (I − B)⁻¹ = diag(x)⁻¹ L diag(x)` (Miller & Blair 2022, §12.1), row-major bytes,
    /// with `x` the recorded gross output (else solved from the final demand). At most
    /// the core's dense-result limit of products.
    fn ghosh_matrices<'py>(
        &self,
        py: Python<'py>,
        settings_json: &str,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let s = settings(settings_json)?;
        let e = &self.economy;
        let n = e.n();
        let out = py.detach(|| -> Result<(Vec<f64>, Vec<f64>), String> {
            let solver = LeontiefSolver::new(&e.a, s).map_err(|e| e.to_string())?;
            let x = match &e.recorded_output {
                Some(x) => x.clone(),
                None => {
                    let r = solver
                        .solve_output(&e.total_final_demand())
                        .map_err(|e| e.to_string())?;
                    converged("gross output", &r.report)?;
                    r.x
                }
            };
            let b = plenty_core::io_analysis::allocation_coefficients(&e.a, &x)
                .map_err(|e| e.to_string())?;
            let (g, reports) =
                plenty_core::io_analysis::ghosh_inverse(&solver, &x).map_err(|e| e.to_string())?;
            for r in &reports {
                converged(&r.what, &r.report)?;
            }
            let mut bd = vec![0.0; n * n];
            match &b {
                TechnicalCoefficients::Dense(m) => bd.copy_from_slice(m.as_slice()),
                TechnicalCoefficients::Sparse(m) => {
                    for (i, j, v) in m.triplets() {
                        bd[i * n + j] = v;
                    }
                }
            }
            Ok((bd, g.as_slice().to_vec()))
        });
        let (b, g) = out.map_err(SolveError::new_err)?;
        Ok((to_bytes(py, &b), to_bytes(py, &g)))
    }

    /// Rasmussen's backward and forward linkages, normalised, with key sectors as ioanalysis'
    /// `linkages` and `key.sector` define them (Miller & Blair 2022, §12.2).
    /// `linkage_json`: the fields of `LinkageSettings` (`forward`, `kind`, `critical`).
    fn linkages(
        &self,
        py: Python<'_>,
        settings_json: &str,
        linkage_json: &str,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let ls: plenty_core::io_analysis::LinkageSettings = serde_json::from_str(linkage_json)
            .map_err(|e| InputError::new_err(format!("linkage settings: {e}")))?;
        let e = &self.economy;
        let out = py.detach(|| -> Result<String, String> {
            let solver = LeontiefSolver::new(&e.a, s).map_err(|e| e.to_string())?;
            let x = match &e.recorded_output {
                Some(x) => x.clone(),
                None => {
                    let d = e.total_final_demand();
                    let r = solver.solve_output(&d).map_err(|e| e.to_string())?;
                    converged("gross output", &r.report)?;
                    r.x
                }
            };
            let l = plenty_core::io_analysis::linkages(&e.products, &e.a, &solver, Some(&x), &ls)
                .map_err(|e| e.to_string())?;
            serde_json::to_string(&l).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }

    /// Type I and Type II multipliers with households endogenous (Miller & Blair 2022, §6.2):
    /// the closed matrix with a household row of labour-income coefficients (satellite
    /// `income`) and a household column of consumption coefficients (final-demand category
    /// `households`). `plenty_core::io_analysis::type_ii`, serialised (JSON).
    #[pyo3(signature = (settings_json, income, households, employment=None))]
    fn type2(
        &self,
        py: Python<'_>,
        settings_json: &str,
        income: &str,
        households: &str,
        employment: Option<&str>,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let e = &self.economy;
        let out = py.detach(|| -> Result<String, String> {
            let t = plenty_core::io_analysis::type_ii(e, income, households, employment, &s)
                .map_err(|e| e.to_string())?;
            serde_json::to_string(&t).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }

    /// Cost-push prices `p = (v_c + Δ)(I − A)⁻¹` for a change `Δ` of each sector's
    /// value-added coefficient (Miller & Blair 2022, §2.6), as indices relative to the base
    /// year's prices of 1. `plenty_core::io_analysis::cost_push`, serialised (JSON).
    fn cost_push(&self, py: Python<'_>, settings_json: &str, change: &[u8]) -> PyResult<String> {
        let s = settings(settings_json)?;
        let change = self.vector_or(Some(change), "cost-push change", Vec::new())?;
        let e = &self.economy;
        let out = py.detach(|| -> Result<String, String> {
            let solver = LeontiefSolver::new(&e.a, s).map_err(|e| e.to_string())?;
            let c = plenty_core::io_analysis::cost_push(e, &solver, &change)
                .map_err(|e| e.to_string())?;
            serde_json::to_string(&c).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }

    /// Prices of production at a uniform profit rate `r`, in wage units:
    /// `p = l (I − (1 + r) A)⁻¹`, with the labour values and the price-to-value ratios.
    /// `plenty_core::io_analysis::prices_at_profit_rate`, serialised (JSON).
    #[pyo3(signature = (settings_json, profit_rate, labour=None))]
    fn profit_rate_prices(
        &self,
        py: Python<'_>,
        settings_json: &str,
        profit_rate: f64,
        labour: Option<&[u8]>,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let l = self.labour(labour)?;
        let e = &self.economy;
        let out = py.detach(|| -> Result<String, String> {
            let p = plenty_core::io_analysis::prices_at_profit_rate(e, &l, profit_rate, &s)
                .map_err(|e| e.to_string())?;
            serde_json::to_string(&p).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }

    /// Hypothetical extraction of the sectors at `sectors` (Miller & Blair 2022, §12.2.5):
    /// `kind` is "complete", "backward" or "forward"; the final demand is the economy's total
    /// (none for a forward extraction of a table without one). Serialised (JSON).
    fn extract(
        &self,
        py: Python<'_>,
        settings_json: &str,
        sectors: Vec<usize>,
        kind: &str,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let kind: plenty_core::io_analysis::ExtractionKind = serde_json::from_value(json!(kind))
            .map_err(|_| {
                InputError::new_err(format!(
                    "extraction kind {kind:?}: use \"complete\", \"backward\" or \"forward\""
                ))
            })?;
        let e = &self.economy;
        let out = py.detach(|| -> Result<String, String> {
            let forward = kind == plenty_core::io_analysis::ExtractionKind::Forward;
            let y = if forward && e.final_demand.is_empty() {
                vec![0.0; e.n()]
            } else {
                e.total_final_demand()
            };
            let x = match &e.recorded_output {
                Some(x) => Some(x.clone()),
                None if forward => {
                    let solver = LeontiefSolver::new(&e.a, s.clone()).map_err(|e| e.to_string())?;
                    Some(
                        plenty_core::io_analysis::gross_output(e, &solver)
                            .map_err(|e| e.to_string())?
                            .0,
                    )
                }
                None => None,
            };
            let r = plenty_core::io_analysis::extract(
                &e.products,
                &e.a,
                &y,
                x.as_deref(),
                &sectors,
                kind,
                &s,
            )
            .map_err(|e| e.to_string())?;
            serde_json::to_string(&r).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }

    /// The additive two-polar structural decomposition of the change in gross output from
    /// this economy to `later` into technology and final demand (and, with `satellite`, of
    /// that satellite's total into intensity, technology and final demand), Miller & Blair
    /// 2022, §13.1. Serialised (JSON).
    #[pyo3(signature = (later, settings_json, satellite=None))]
    fn sda(
        &self,
        py: Python<'_>,
        later: &NativeEconomy,
        settings_json: &str,
        satellite: Option<&str>,
    ) -> PyResult<String> {
        let s = settings(settings_json)?;
        let (e0, e1) = (&self.economy, &later.economy);
        let out = py.detach(|| -> Result<String, String> {
            let d = plenty_core::io_analysis::structural_decomposition_of(e0, e1, satellite, &s)
                .map_err(|e| e.to_string())?;
            serde_json::to_string(&d).map_err(|e| e.to_string())
        });
        out.map_err(SolveError::new_err)
    }
}

/// RAS (`gras = false`) or GRAS (`gras = true`) balancing of a prior matrix to row and column
/// targets (Miller & Blair 2022, §7.4; Junius & Oosterhaven 2003). Returns
/// `(balanced bytes, json)`; the JSON holds the multipliers, iterations, the largest margin
/// error and the status.
#[pyfunction]
#[pyo3(signature = (rows, cols, prior, row_targets, column_targets, gras, tolerance=1e-10, max_iterations=10_000))]
#[allow(clippy::too_many_arguments)]
fn balance<'py>(
    py: Python<'py>,
    rows: usize,
    cols: usize,
    prior: &[u8],
    row_targets: &[u8],
    column_targets: &[u8],
    gras: bool,
    tolerance: f64,
    max_iterations: usize,
) -> PyResult<(Bound<'py, PyBytes>, String)> {
    let m = DenseMatrix::try_from_row_major(rows, cols, floats("prior", prior)?)
        .map_err(|e| model_error("prior", e))?;
    let u = floats("row targets", row_targets)?;
    let v = floats("column targets", column_targets)?;
    let st = plenty_core::balancing::BalancingSettings {
        tolerance,
        max_iterations,
    };
    let b = py
        .detach(|| {
            if gras {
                plenty_core::balancing::gras(&m, &u, &v, &st)
            } else {
                plenty_core::balancing::ras(&m, &u, &v, &st)
            }
        })
        .map_err(|e| model_error(if gras { "GRAS" } else { "RAS" }, e))?;
    let j = json!({
        "row_multipliers": b.row_multipliers,
        "column_multipliers": b.column_multipliers,
        "iterations": b.iterations,
        "max_margin_error": b.max_margin_error,
        "status": b.status,
    });
    Ok((to_bytes(py, b.matrix.as_slice()), j.to_string()))
}

/// Footprint accounts of a multi-regional system (pymrio 0.7's `D_cba`, `D_pba`, `D_imp`,
/// `D_exp` per region, with the direct emissions of final demand `F_Y`; Miller & Blair 2022,
/// §10.5), by `plenty_core::mrio::footprints`. `rows`: the `(region, sector)` of each row of
/// `Z`; `y_columns`: the `(region, category)` of each column of `Y`; `extensions`:
/// `(name, stressors, units, F bytes, F_Y bytes or None)`. Returns JSON.
#[pyfunction]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn footprints(
    py: Python<'_>,
    settings_json: &str,
    rows: Vec<(String, String)>,
    z: &[u8],
    x: Option<&[u8]>,
    y: &[u8],
    y_columns: Vec<(String, String)>,
    extensions: Vec<(
        String,
        Vec<String>,
        Vec<Option<String>>,
        Vec<u8>,
        Option<Vec<u8>>,
    )>,
) -> PyResult<String> {
    use plenty_core::mrio::{FootprintSettings, Mrio, MrioExtension};
    let s = settings(settings_json)?;
    let n = rows.len();
    let m = y_columns.len();
    let z =
        DenseMatrix::try_from_row_major(n, n, floats("Z", z)?).map_err(|e| model_error("Z", e))?;
    let y =
        DenseMatrix::try_from_row_major(n, m, floats("Y", y)?).map_err(|e| model_error("Y", e))?;
    let x = match x {
        Some(b) => Some(floats("x", b)?),
        None => None,
    };
    let mut exts = Vec::new();
    for (name, stressors, units, f, f_y) in extensions {
        let k = stressors.len();
        let f = DenseMatrix::try_from_row_major(k, n, floats("F", &f)?)
            .map_err(|e| model_error(&format!("F of {name}"), e))?;
        let f_y = match f_y {
            Some(b) => Some(
                DenseMatrix::try_from_row_major(k, m, floats("F_Y", &b)?)
                    .map_err(|e| model_error(&format!("F_Y of {name}"), e))?,
            ),
            None => None,
        };
        exts.push(MrioExtension {
            name,
            stressors,
            units,
            f,
            f_y,
        });
    }
    let mrio = Mrio::from_flows(&rows, &z, x.as_deref(), &y, &y_columns, exts)
        .map_err(|e| model_error("the multi-regional system", e))?;
    let acc = py
        .detach(|| plenty_core::mrio::footprints(&mrio, &FootprintSettings { solver: s }))
        .map_err(solve_error)?;
    let mat =
        |d: &DenseMatrix| -> Vec<Vec<f64>> { (0..d.nrows()).map(|i| d.row(i).to_vec()).collect() };
    let stressors: Vec<Value> = acc
        .stressors
        .iter()
        .map(|a| {
            json!({
                "extension": a.extension,
                "stressor": a.stressor,
                "unit": a.unit,
                "cba": a.cba, "pba": a.pba, "imp": a.imp, "exp": a.exp, "f_y": a.f_y,
                "cba_by_sector": mat(&a.cba_by_sector),
                "pba_by_sector": mat(&a.pba_by_sector),
                "imp_by_sector": mat(&a.imp_by_sector),
                "exp_by_sector": mat(&a.exp_by_sector),
                "identity": {
                    "relative_gap": a.identity.relative_gap,
                    "trade_balance_gap": a.identity.trade_balance_gap,
                    "pba_vs_f": a.identity.pba_vs_f,
                },
            })
        })
        .collect();
    Ok(json!({
        "regions": acc.regions,
        "sectors": acc.sectors,
        "stressors": stressors,
        "solve": report_json(&acc.solve),
        "solves": acc.solves,
        "output_gap": acc.output_gap,
    })
    .to_string())
}

/// Reads the input-output economy at `path` with the CLI's reader (any kind it accepts: an
/// economy file, an import specification, a pymrio folder, a matrix folder, Matrix Market,
/// triplets, a labelled CSV).
#[pyfunction]
#[pyo3(signature = (path, flows_with_output=None))]
fn read(
    py: Python<'_>,
    path: PathBuf,
    flows_with_output: Option<PathBuf>,
) -> PyResult<NativeEconomy> {
    let options = OpenOptions { flows_with_output };
    let loaded = py
        .detach(|| open_economy(&path, &options))
        .map_err(|e| input_error(py, &e))?;
    Ok(NativeEconomy {
        economy: loaded.economy,
        inputs: loaded.inputs,
        notes: loaded.notes,
        warnings: loaded.warnings,
    })
}

/// An economy from dense coefficients (`kind = "coefficients"`) or flows and gross output
/// (`kind = "flows"`, `A = Z diag(x)⁻¹`), row-major `f64` bytes.
#[pyfunction]
#[pyo3(signature = (labels, kind, m, x=None))]
fn from_dense(
    labels: Vec<String>,
    kind: &str,
    m: &[u8],
    x: Option<&[u8]>,
) -> PyResult<NativeEconomy> {
    let n = labels.len();
    let data = floats("matrix", m)?;
    if data.len() != n * n {
        return Err(InputError::new_err(format!(
            "the matrix has {} numbers, but {n} labels need {n} × {n}",
            data.len()
        )));
    }
    let mat = DenseMatrix::try_from_row_major(n, n, data).map_err(|e| model_error("matrix", e))?;
    let e = match (kind, x) {
        ("flows", Some(x)) => Economy::from_flows(labels, &mat, &floats("gross output", x)?)
            .map_err(|e| model_error("flows Z", e))?,
        ("coefficients", None) => {
            check_coefficients(mat.as_slice().iter().copied(), n)?;
            Economy::new(
                labels,
                TechnicalCoefficients::dense(mat).map_err(|e| model_error("coefficients A", e))?,
            )
            .map_err(|e| model_error("coefficients A", e))?
        }
        _ => {
            return Err(InputError::new_err(
                "give flows with gross output, or coefficients without",
            ))
        }
    };
    Ok(NativeEconomy::plain(e))
}

/// Coefficients must be finite and not negative, as the CLI's readers require.
fn check_coefficients(values: impl Iterator<Item = f64>, n: usize) -> PyResult<()> {
    for (k, v) in values.enumerate() {
        if !v.is_finite() || v < 0.0 {
            let (i, j) = match k.checked_div(n) {
                Some(i) => (i, k % n),
                None => (k, 0),
            };
            return Err(InputError::new_err(format!(
                "coefficients A at row {i}, column {j} (0-based) is {v}; technical coefficients must be finite and not negative"
            )));
        }
    }
    Ok(())
}

/// An economy from sparse (CSR) coefficients or flows.
#[pyfunction]
#[pyo3(signature = (labels, kind, indptr, indices_, data, x=None))]
fn from_csr(
    labels: Vec<String>,
    kind: &str,
    indptr: &[u8],
    indices_: &[u8],
    data: &[u8],
    x: Option<&[u8]>,
) -> PyResult<NativeEconomy> {
    let n = labels.len();
    let indptr = indices("indptr", indptr)?;
    let idx = indices("indices", indices_)?;
    let data = floats("data", data)?;
    if indptr.len() != n + 1 || idx.len() != data.len() || indptr[n] != data.len() {
        return Err(InputError::new_err(format!(
            "a CSR matrix for {n} labels needs {} row pointers ending at the number of entries; got {} pointers and {} entries",
            n + 1,
            indptr.len(),
            data.len()
        )));
    }
    let mut triplets = Vec::with_capacity(data.len());
    for i in 0..n {
        for k in indptr[i]..indptr[i + 1].min(data.len()) {
            let j = idx[k];
            if j >= n {
                return Err(InputError::new_err(format!(
                    "column index {j} in row {i} lies outside {n} products"
                )));
            }
            triplets.push((i as u32, j as u32, data[k]));
        }
    }
    let m = CsrMatrix::try_from_triplets(n, n, triplets).map_err(|e| model_error("matrix", e))?;
    let e = match (kind, x) {
        ("flows", Some(x)) => Economy::from_sparse_flows(labels, &m, &floats("gross output", x)?)
            .map_err(|e| model_error("flows Z", e))?,
        ("coefficients", None) => {
            check_coefficients(m.triplets().map(|(_, _, v)| v), 0)?;
            Economy::new(
                labels,
                TechnicalCoefficients::sparse(m).map_err(|e| model_error("coefficients A", e))?,
            )
            .map_err(|e| model_error("coefficients A", e))?
        }
        _ => {
            return Err(InputError::new_err(
                "give flows with gross output, or coefficients without",
            ))
        }
    };
    Ok(NativeEconomy::plain(e))
}

/// A planning economy (products with targets, processes, labour types, resources) read by the
/// CLI's reader.
#[pyclass(module = "plenty._plenty", name = "NativePlanning", frozen)]
pub struct NativePlanning {
    economy: PlanningEconomy,
    name: Option<String>,
    inputs: Vec<PathBuf>,
}

#[pymethods]
impl NativePlanning {
    /// The economy's name, if given.
    fn name(&self) -> Option<String> {
        self.name.clone()
    }

    /// Names: `(products, processes, labour types, resources)`.
    fn names(&self) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
        let e = &self.economy;
        (
            e.products().iter().map(|p| p.name.clone()).collect(),
            e.process_names().to_vec(),
            e.labour_types().iter().map(|l| l.name.clone()).collect(),
            e.resources().iter().map(|r| r.name.clone()).collect(),
        )
    }

    /// The files read.
    fn inputs(&self) -> Vec<String> {
        self.inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    /// Solves Kantorovich's problem (maximise λ, the fulfilment of the plan's targets) as
    /// `plenty plan` does with its defaults, the GIL released. Returns the plan as JSON:
    /// λ, the process intensities, the valuations (dual prices) of products, labour and
    /// resources, and the certificate (primal and dual residuals, relative gap). A plan that
    /// is not optimal raises [`PlanError`] with the explanation.
    fn plan(&self, py: Python<'_>) -> PyResult<String> {
        let e = &self.economy;
        let solved = py
            .detach(|| solve_plan(e, &PlanRequest::default()).map_err(|e| e.to_string()))
            .map_err(SolveError::new_err)?;
        if let Some(reason) = solved.no_plan_reason() {
            return Err(PlanError::new_err(reason));
        }
        let p = solved.plan();
        let finite = |v: &[f64]| -> Vec<Option<f64>> {
            v.iter().map(|x| x.is_finite().then_some(*x)).collect()
        };
        let c = &p.certificate;
        Ok(json!({
            "status": p.status,
            "method": p.method,
            "lambda": p.lambda,
            "iterations": p.iterations,
            "seconds": p.seconds,
            "targets": e.targets(),
            "gross_output": p.gross_output,
            "net_output": p.net_output,
            "surplus": p.surplus,
            "product_valuation": p.product_valuation,
            "product_binds": p.product_binds,
            "intensity": p.intensity,
            "capacity": finite(e.capacities()),
            "at_capacity": p.at_capacity,
            "profit": p.profit,
            "labour_available": finite(&e.labour_types().iter().map(|l| l.hours).collect::<Vec<_>>()),
            "labour_used": p.labour_used,
            "labour_valuation": p.labour_valuation,
            "labour_binds": p.labour_binds,
            "resource_available": finite(&e.resources().iter().map(|r| r.limit).collect::<Vec<_>>()),
            "resource_used": p.resource_used,
            "resource_valuation": p.resource_valuation,
            "resource_binds": p.resource_binds,
            "certificate": {
                "primal_residual": c.primal_residual.is_finite().then_some(c.primal_residual),
                "dual_residual": c.dual_residual.is_finite().then_some(c.dual_residual),
                "relative_gap": c.relative_gap.is_finite().then_some(c.relative_gap),
                "primal_objective": c.primal_objective.is_finite().then_some(c.primal_objective),
                "dual_objective": c.dual_objective.is_finite().then_some(c.dual_objective),
            },
            "notes": p.notes,
        })
        .to_string())
    }
}

/// Reads a planning economy (a planning file `.toml` or a planning folder) with the reader of
/// `plenty plan`.
#[pyfunction]
fn read_planning(py: Python<'_>, path: PathBuf) -> PyResult<NativePlanning> {
    let loaded = py
        .detach(|| open_planning(&path))
        .map_err(|e| input_error(py, &e))?;
    Ok(NativePlanning {
        economy: loaded.economy,
        name: loaded.name,
        inputs: loaded.inputs,
    })
}

/// The native module.
#[pymodule]
fn _plenty(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PlentyError", py.get_type::<PlentyError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("SolveError", py.get_type::<SolveError>())?;
    m.add("PlanError", py.get_type::<PlanError>())?;
    m.add("VERSION", plenty_core::VERSION)?;
    m.add_class::<NativeEconomy>()?;
    m.add_class::<NativePlanning>()?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(read_planning, m)?)?;
    m.add_function(wrap_pyfunction!(from_dense, m)?)?;
    m.add_function(wrap_pyfunction!(from_csr, m)?)?;
    m.add_function(wrap_pyfunction!(balance, m)?)?;
    m.add_function(wrap_pyfunction!(footprints, m)?)?;
    Ok(())
}
