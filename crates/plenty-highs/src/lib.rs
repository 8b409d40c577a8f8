//! # plenty-highs
//!
//! A [`LpBackend`] that hands plenty's linear programs to [HiGHS](https://highs.dev), the
//! open-source simplex, interior-point and PDLP solver whose boxed form plenty's
//! [`LinearProgram`] copies.
//!
//! ## Why it exists
//!
//! plenty's own solver is PDLP, a first-order method in pure Rust: light to build and fast on
//! large sparse plans, but approximate until its crossover succeeds. HiGHS's dual simplex
//! returns exact vertices, and interior point with crossover does too, so HiGHS serves as
//! the *exact reference*: tests and benchmarks compare PDLP's λ and shadow prices with it,
//! and a user who needs a vertex can ask for it.
//!
//! ## What it costs
//!
//! The `highs-sys` crate compiles HiGHS (C++) from source with cmake and generates its bindings
//! with bindgen: a cold build takes about 7 minutes on two cores and needs `cmake`, a C++
//! compiler and `libclang-dev`. No other crate of the workspace depends on this one, so the
//! binary only pays for it behind a Cargo feature.
//!
//! ## How it maps
//!
//! The model goes through HiGHS's C API in one `Highs_passLp` call, with plenty's
//! column-major storage passed as HiGHS's compressed sparse columns, the sense and the objective
//! constant unchanged. The answer comes back as:
//!
//! * `x`: HiGHS's column values;
//! * `y`: HiGHS's row duals, which already follow plenty's convention (the change of the
//!   objective per unit increase of the row's binding bound, for minimisation and maximisation
//!   alike; a binding `≤` row of a maximisation has `y ≥ 0`);
//! * the reduced costs `c − Aᵀy`, the objective `cᵀx + offset`, and the
//!   [`plenty_core::lp::certify`] certificate of `(x, y)`, all recomputed from the problem
//!   ([`LpSolution::at`]) rather than taken from HiGHS.
//!
//! [`LpStatus::Optimal`] is reported only when HiGHS says optimal *and* the certificate passes
//! [`LpSettings::tolerance`]; otherwise [`LpStatus::NumericalTrouble`].
//!
//! [`LpSettings::max_iterations`] caps each of HiGHS's simplex, interior-point and PDLP
//! iteration counts, [`LpSettings::time_limit`] becomes HiGHS's `time_limit`, and
//! [`plenty_core::lp::LpInfo::iterations`] reports the sum of the simplex, interior-point, crossover and PDLP
//! iterations that ran.
//!
//! ## Threads and determinism
//!
//! HiGHS runs on one thread unless [`HighsSettings::threads`] says otherwise, so that a solve
//! is reproducible bit for bit. HiGHS's thread pool is global to the process and sized by the
//! first solve; a later solve in the same process that asks for another count gets a
//! [`SolveError::Settings`] instead of HiGHS's error.

#![deny(missing_docs)]
// The C API needs `unsafe`; it is confined to the `Model` wrapper below, each block with the
// reason it is sound.

use highs_sys as ffi;
use plenty_core::error::SolveError;
use plenty_core::lp::{LinearProgram, LpBackend, LpSettings, LpSolution, LpStatus, Sense};
use std::ffi::{c_void, CStr};
use std::sync::Mutex;
use std::time::Instant;

type HighsInt = ffi::HighsInt;

/// Which HiGHS method solves the LP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HighsSolver {
    /// HiGHS chooses (its default; dual simplex for LPs).
    #[default]
    Choose,
    /// Dual simplex: an exact vertex.
    Simplex,
    /// Interior point (IPX) followed by crossover: an exact vertex.
    Ipm,
    /// HiGHS's own PDLP (cuPDLP-C): approximate, to a relative tolerance of a tenth of
    /// [`LpSettings::tolerance`].
    Pdlp,
}

impl HighsSolver {
    /// The value of HiGHS's `solver` option.
    fn option(self) -> &'static CStr {
        match self {
            HighsSolver::Choose => c"choose",
            HighsSolver::Simplex => c"simplex",
            HighsSolver::Ipm => c"ipm",
            HighsSolver::Pdlp => c"pdlp",
        }
    }
}

/// Settings of the HiGHS backend, beyond the shared [`LpSettings`].
#[derive(Debug, Clone, PartialEq)]
pub struct HighsSettings {
    /// The method. Default [`HighsSolver::Choose`].
    pub solver: HighsSolver,
    /// Threads of HiGHS's (process-global) pool, at least 1. Default `None`, which means 1: a
    /// deterministic solve.
    pub threads: Option<usize>,
    /// Run HiGHS's presolve. Default true.
    pub presolve: bool,
}

impl Default for HighsSettings {
    fn default() -> Self {
        Self {
            solver: HighsSolver::Choose,
            threads: None,
            presolve: true,
        }
    }
}

impl HighsSettings {
    /// Checks ranges: `threads` at least 1 and representable by HiGHS.
    pub fn validate(&self) -> Result<(), SolveError> {
        if let Some(t) = self.threads {
            if t == 0 || HighsInt::try_from(t).is_err() {
                return Err(SolveError::Settings(format!(
                    "threads must lie in [1, {}], got {t}",
                    HighsInt::MAX
                )));
            }
        }
        Ok(())
    }

    /// The thread count HiGHS is given.
    fn thread_count(&self) -> usize {
        self.threads.unwrap_or(1)
    }
}

/// The HiGHS backend. See the [crate documentation](crate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highs {
    /// Settings.
    pub settings: HighsSettings,
}

impl Highs {
    /// A backend with these settings.
    pub fn new(settings: HighsSettings) -> Self {
        Self { settings }
    }
}

/// The thread count the process-global HiGHS pool was first sized with.
static POOL_THREADS: Mutex<Option<usize>> = Mutex::new(None);

/// Claims the global pool for `threads`, or explains why a different count cannot be had.
fn claim_pool(threads: usize) -> Result<(), SolveError> {
    let mut pool = POOL_THREADS.lock().unwrap_or_else(|e| e.into_inner());
    match *pool {
        None => {
            *pool = Some(threads);
            Ok(())
        }
        Some(t) if t == threads => Ok(()),
        Some(t) => Err(SolveError::Settings(format!(
            "HiGHS's thread pool is global to the process and already runs {t} thread(s); \
             this solve asks for {threads}"
        ))),
    }
}

impl LpBackend for Highs {
    fn solve(&self, lp: &LinearProgram, settings: &LpSettings) -> Result<LpSolution, SolveError> {
        settings.validate()?;
        self.settings.validate()?;
        let start = Instant::now();
        let (n, m, nnz) = (lp.ncols(), lp.nrows(), lp.columns.nnz());
        let size = |what: &str, v: usize| {
            HighsInt::try_from(v).map_err(|_| {
                SolveError::Unsupported(format!(
                    "the LP has {v} {what}; HiGHS (built with 32-bit indices) takes at most {}",
                    HighsInt::MAX
                ))
            })
        };
        let (n_h, m_h, nnz_h) = (
            size("columns", n)?,
            size("rows", m)?,
            size("non-zeros", nnz)?,
        );
        // Fits: every entry is at most `nnz` (starts) or below `m` (indices).
        let a_start: Vec<HighsInt> = lp.columns.row_ptr()[..n]
            .iter()
            .map(|&p| p as HighsInt)
            .collect();
        let a_index: Vec<HighsInt> = lp
            .columns
            .col_idx()
            .iter()
            .map(|&i| i as HighsInt)
            .collect();

        let threads = self.settings.thread_count();
        claim_pool(threads)?;
        let mut model = Model::new()?;
        // First, so that nothing below prints.
        model.set_bool(c"output_flag", false)?;
        model.set_bool(c"log_to_console", false)?;
        model.set_int(c"threads", threads as HighsInt)?;
        model.set_string(
            c"presolve",
            if self.settings.presolve {
                c"on"
            } else {
                c"off"
            },
        )?;
        model.set_string(c"solver", self.settings.solver.option())?;
        // Entries are what the user wrote: let none below HiGHS's default 1e-9 be dropped.
        model.set_double(c"small_matrix_value", 1e-12)?;
        let limit = HighsInt::try_from(settings.max_iterations).unwrap_or(HighsInt::MAX);
        for name in [
            c"simplex_iteration_limit",
            c"ipm_iteration_limit",
            c"pdlp_iteration_limit",
        ] {
            model.set_int(name, limit)?;
        }
        if let Some(t) = settings.time_limit {
            model.set_double(c"time_limit", t)?;
        }
        if self.settings.solver == HighsSolver::Pdlp {
            // HiGHS measures PDLP's residuals in its own norms; aim below the certificate's.
            model.set_double(c"pdlp_optimality_tolerance", settings.tolerance / 10.0)?;
        }

        model.pass_lp(n_h, m_h, nnz_h, lp, &a_start, &a_index)?;
        let run_failed = model.run() == ffi::STATUS_ERROR;
        let highs_status = model.model_status();
        if run_failed
            && matches!(
                highs_status,
                ffi::MODEL_STATUS_NOTSET
                    | ffi::MODEL_STATUS_LOAD_ERROR
                    | ffi::MODEL_STATUS_MODEL_ERROR
            )
        {
            return Err(SolveError::Unsupported(format!(
                "HiGHS could not run the model (model status {})",
                status_name(highs_status)
            )));
        }

        let (x, y) = model.solution(n, m);
        let count = |name: &CStr| model.int_info(name).max(0) as usize;
        let (simplex, ipm, pdlp, crossover) = (
            count(c"simplex_iteration_count"),
            count(c"ipm_iteration_count"),
            count(c"pdlp_iteration_count"),
            count(c"crossover_iteration_count"),
        );
        // The method that ran; when none did (presolve solved the LP, or a limit came first),
        // the one asked for, HiGHS's choice for an LP being simplex.
        let method = if pdlp > 0 {
            "highs-pdlp"
        } else if ipm > 0 {
            "highs-ipm"
        } else if simplex > 0 {
            "highs-simplex"
        } else {
            match self.settings.solver {
                HighsSolver::Choose | HighsSolver::Simplex => "highs-simplex",
                HighsSolver::Ipm => "highs-ipm",
                HighsSolver::Pdlp => "highs-pdlp",
            }
        };
        // Reduced costs, objective and certificate come from the LP itself; the status is
        // HiGHS's, with an optimum that fails the certificate demoted.
        let mut sol = LpSolution::at(
            lp,
            x,
            y,
            LpStatus::NumericalTrouble,
            simplex + ipm + pdlp + crossover,
            start.elapsed().as_secs_f64(),
            method,
        );
        let certificate = sol.info.certificate;
        sol.status = match highs_status {
            ffi::MODEL_STATUS_OPTIMAL if certificate.passes(settings.tolerance) => {
                LpStatus::Optimal
            }
            // No columns: optimal if the rows admit x = (), infeasible otherwise.
            ffi::MODEL_STATUS_MODEL_EMPTY => {
                if certificate.primal_residual <= settings.tolerance {
                    LpStatus::Optimal
                } else {
                    LpStatus::Infeasible
                }
            }
            ffi::MODEL_STATUS_INFEASIBLE => LpStatus::Infeasible,
            ffi::MODEL_STATUS_UNBOUNDED => LpStatus::Unbounded,
            ffi::MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE => LpStatus::InfeasibleOrUnbounded,
            ffi::MODEL_STATUS_REACHED_TIME_LIMIT => LpStatus::TimeLimit,
            ffi::MODEL_STATUS_REACHED_ITERATION_LIMIT => LpStatus::IterationLimit,
            _ => LpStatus::NumericalTrouble,
        };

        Ok(sol)
    }
}

/// HiGHS's name of a model status, for error messages.
fn status_name(status: HighsInt) -> String {
    match status {
        ffi::MODEL_STATUS_NOTSET => "not set".into(),
        ffi::MODEL_STATUS_LOAD_ERROR => "load error".into(),
        ffi::MODEL_STATUS_MODEL_ERROR => "model error".into(),
        s => s.to_string(),
    }
}

/// An owned HiGHS instance. Every `unsafe` of the crate is in its methods.
struct Model(*mut c_void);

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from `Highs_create`, is not null, and is destroyed once.
        unsafe { ffi::Highs_destroy(self.0) }
    }
}

impl Model {
    fn new() -> Result<Self, SolveError> {
        // SAFETY: no arguments; the result is checked for null before use.
        let p = unsafe { ffi::Highs_create() };
        if p.is_null() {
            Err(SolveError::Unsupported(
                "HiGHS could not create an instance".into(),
            ))
        } else {
            Ok(Self(p))
        }
    }

    fn check(status: HighsInt, what: &str, name: &CStr) -> Result<(), SolveError> {
        if status == ffi::STATUS_ERROR {
            Err(SolveError::Settings(format!(
                "HiGHS rejected {what} {}",
                name.to_string_lossy()
            )))
        } else {
            Ok(())
        }
    }

    fn set_bool(&mut self, name: &CStr, v: bool) -> Result<(), SolveError> {
        // SAFETY: a live instance and a NUL-terminated name.
        let s = unsafe { ffi::Highs_setBoolOptionValue(self.0, name.as_ptr(), HighsInt::from(v)) };
        Self::check(s, "the option", name)
    }

    fn set_int(&mut self, name: &CStr, v: HighsInt) -> Result<(), SolveError> {
        // SAFETY: as in `set_bool`.
        let s = unsafe { ffi::Highs_setIntOptionValue(self.0, name.as_ptr(), v) };
        Self::check(s, "the option", name)
    }

    fn set_double(&mut self, name: &CStr, v: f64) -> Result<(), SolveError> {
        // SAFETY: as in `set_bool`.
        let s = unsafe { ffi::Highs_setDoubleOptionValue(self.0, name.as_ptr(), v) };
        Self::check(s, "the option", name)
    }

    fn set_string(&mut self, name: &CStr, v: &CStr) -> Result<(), SolveError> {
        // SAFETY: as in `set_bool`; both strings are NUL-terminated and outlive the call.
        let s = unsafe { ffi::Highs_setStringOptionValue(self.0, name.as_ptr(), v.as_ptr()) };
        Self::check(s, "the option", name)
    }

    /// `Highs_passLp` with `lp`'s sense, offset and vectors and the column-wise matrix
    /// `(a_start, a_index, lp.columns.values())`.
    fn pass_lp(
        &mut self,
        n: HighsInt,
        m: HighsInt,
        nnz: HighsInt,
        lp: &LinearProgram,
        a_start: &[HighsInt],
        a_index: &[HighsInt],
    ) -> Result<(), SolveError> {
        let sense = match lp.sense {
            Sense::Minimize => ffi::OBJECTIVE_SENSE_MINIMIZE,
            Sense::Maximize => ffi::OBJECTIVE_SENSE_MAXIMIZE,
        };
        let values = lp.columns.values();
        // The lengths HiGHS reads; a `LinearProgram` guarantees them, this guards the FFI.
        let ok = [&lp.c, &lp.col_lower, &lp.col_upper]
            .iter()
            .all(|v| v.len() == n as usize)
            && lp.row_lower.len() == m as usize
            && lp.row_upper.len() == m as usize
            && a_start.len() == n as usize
            && a_index.len() == nnz as usize
            && values.len() == nnz as usize;
        if !ok {
            return Err(SolveError::Unsupported(
                "the LP's arrays disagree with its dimensions".into(),
            ));
        }
        // SAFETY: a live instance; every array has the length HiGHS reads (checked above) and
        // lives until the call returns (HiGHS copies the data).
        let s = unsafe {
            ffi::Highs_passLp(
                self.0,
                n,
                m,
                nnz,
                ffi::MATRIX_FORMAT_COLUMN_WISE,
                sense,
                lp.offset,
                lp.c.as_ptr(),
                lp.col_lower.as_ptr(),
                lp.col_upper.as_ptr(),
                lp.row_lower.as_ptr(),
                lp.row_upper.as_ptr(),
                a_start.as_ptr(),
                a_index.as_ptr(),
                values.as_ptr(),
            )
        };
        if s == ffi::STATUS_ERROR {
            Err(SolveError::Unsupported(
                "HiGHS rejected the LP (Highs_passLp failed)".into(),
            ))
        } else {
            Ok(())
        }
    }

    fn run(&mut self) -> HighsInt {
        // SAFETY: a live instance with a model.
        unsafe { ffi::Highs_run(self.0) }
    }

    fn model_status(&self) -> HighsInt {
        // SAFETY: a live instance.
        unsafe { ffi::Highs_getModelStatus(self.0) }
    }

    /// An integer info value, or −1 when HiGHS does not know it.
    fn int_info(&self, name: &CStr) -> HighsInt {
        let mut v: HighsInt = -1;
        // SAFETY: a live instance, a NUL-terminated name and a valid out-pointer.
        let s = unsafe { ffi::Highs_getIntInfoValue(self.0, name.as_ptr(), &mut v) };
        if s == ffi::STATUS_ERROR {
            -1
        } else {
            v
        }
    }

    /// Column values and row duals (zeros where HiGHS has none). `n`, `m` are the dimensions
    /// of the model passed.
    fn solution(&self, n: usize, m: usize) -> (Vec<f64>, Vec<f64>) {
        let mut col_value = vec![0.0; n];
        let mut col_dual = vec![0.0; n];
        let mut row_value = vec![0.0; m];
        let mut row_dual = vec![0.0; m];
        // SAFETY: a live instance whose model has `n` columns and `m` rows; each buffer has
        // the length HiGHS writes.
        unsafe {
            ffi::Highs_getSolution(
                self.0,
                col_value.as_mut_ptr(),
                col_dual.as_mut_ptr(),
                row_value.as_mut_ptr(),
                row_dual.as_mut_ptr(),
            );
        }
        (col_value, row_dual)
    }
}
