//! The state of a PDLP run between two iterations, so that a long run can be saved at
//! intervals and resumed after a failure with the **same final bits** as an uninterrupted run.
//!
//! A run is a deterministic function of its scaled problem (rebuilt identically from the same
//! inputs and settings) and of what it carries from one iteration to the next: the iterate, its
//! PDHG image, the restart point and the average (each with its products `Ãx` and `Ãᵀy`), the
//! step size and primal weight, the restart bookkeeping, the termination target and the
//! counters. [`PdlpState`] holds all of it, for this rank's rows and columns; on several ranks
//! each rank saves and resumes its own part, all at the same iteration.
//!
//! The encoding is the little-endian layout of [`crate::checkpoint`] with its own magic,
//! `PLENTYLP`: a version, then the fields in declaration order.

use super::{PdhgScheme, PdlpStats};
use crate::checkpoint::{get_f64, get_u64, get_usize, get_vec, put_u64, put_vec, short};
use std::io::{Read, Write};

/// How a checkpointed PDLP run saves and resumes.
pub struct LpCheckpoints<'h> {
    /// Save every this many iterations, at least 1.
    pub every: usize,
    /// The state to resume from (made by the same run: same inputs, settings and ranks).
    pub resume: Option<PdlpState>,
    /// Receives the state every `every` iterations, on every rank at the same iteration. An
    /// error stops the run with [`crate::error::SolveError::Checkpoint`].
    pub save: &'h mut dyn FnMut(&PdlpState) -> Result<(), String>,
}

/// One point of the scaled problem: `x`, `y`, `Ãx`, `Ãᵀy` (this rank's parts).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct PointState {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub ax: Vec<f64>,
    pub aty: Vec<f64>,
}

/// Everything a PDLP run carries from one iteration to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct PdlpState {
    /// The scheme of the run.
    pub scheme: PdhgScheme,
    /// Iterations done (PDHG steps, rejected ones included).
    pub iteration: usize,
    /// Iterations since the last restart, and accepted steps (Adaptive).
    pub epoch: usize,
    /// Accepted steps.
    pub accepted: usize,
    /// Primal weight ω and step size η.
    pub omega: f64,
    /// Step size η.
    pub eta: f64,
    /// Adaptive: the weight of the average.
    pub avg_weight: f64,
    /// Restart error at the restart point and at the previous check.
    pub err_anchor: f64,
    /// Restart error at the previous check.
    pub err_last: f64,
    /// Halpern's PID controller: integral and previous error.
    pub pid_integral: f64,
    /// Previous error of the PID controller.
    pub pid_prev: f64,
    /// The accuracy the termination test asks for.
    pub target: f64,
    /// The accuracy at which the next crossover would be tried.
    pub crossover_at: f64,
    /// The counters so far.
    pub stats: PdlpStats,
    /// Iterate, PDHG image, restart point, average.
    pub points: [PointState; 4],
}

const MAGIC: &[u8; 8] = b"PLENTYLP";
const VERSION: u32 = 1;

impl PdlpState {
    /// Writes the state in the binary layout of the module's documentation.
    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(MAGIC)?;
        w.write_all(&VERSION.to_le_bytes())?;
        put_u64(w, u64::from(self.scheme == PdhgScheme::Halpern))?;
        let s = &self.stats;
        for v in [
            self.iteration,
            self.epoch,
            self.accepted,
            s.iterations,
            s.rejected_steps,
            s.restarts,
            s.crossover_attempts,
        ] {
            put_u64(w, v as u64)?;
        }
        for f in [
            self.omega,
            self.eta,
            self.avg_weight,
            self.err_anchor,
            self.err_last,
            self.pid_integral,
            self.pid_prev,
            self.target,
            self.crossover_at,
            s.norm_estimate,
            s.crossover_work,
        ] {
            w.write_all(&f.to_le_bytes())?;
        }
        for p in &self.points {
            for v in [&p.x, &p.y, &p.ax, &p.aty] {
                put_vec(w, v)?;
            }
        }
        Ok(())
    }

    /// Reads a state written by [`PdlpState::write_to`]; errors say what is wrong.
    pub fn read_from(rd: &mut dyn Read) -> Result<Self, String> {
        let mut magic = [0u8; 8];
        rd.read_exact(&mut magic).map_err(short)?;
        if &magic != MAGIC {
            return Err("not a plenty PDLP checkpoint (wrong magic bytes)".into());
        }
        let mut v = [0u8; 4];
        rd.read_exact(&mut v).map_err(short)?;
        let version = u32::from_le_bytes(v);
        if version != VERSION {
            return Err(format!(
                "PDLP checkpoint format version {version}; this plenty reads version {VERSION}"
            ));
        }
        let scheme = match get_u64(rd)? {
            0 => PdhgScheme::Adaptive,
            1 => PdhgScheme::Halpern,
            c => return Err(format!("unknown scheme code {c}")),
        };
        let mut counts = [0usize; 7];
        for c in &mut counts {
            *c = get_usize(rd)?;
        }
        let mut reals = [0.0f64; 11];
        for f in &mut reals {
            *f = get_f64(rd)?;
        }
        let mut point = || -> Result<PointState, String> {
            Ok(PointState {
                x: get_vec(rd)?,
                y: get_vec(rd)?,
                ax: get_vec(rd)?,
                aty: get_vec(rd)?,
            })
        };
        let points = [point()?, point()?, point()?, point()?];
        let [iteration, epoch, accepted, iterations, rejected_steps, restarts, crossover_attempts] =
            counts;
        let [omega, eta, avg_weight, err_anchor, err_last, pid_integral, pid_prev, target, crossover_at, norm_estimate, crossover_work] =
            reals;
        Ok(PdlpState {
            scheme,
            iteration,
            epoch,
            accepted,
            omega,
            eta,
            avg_weight,
            err_anchor,
            err_last,
            pid_integral,
            pid_prev,
            target,
            crossover_at,
            stats: PdlpStats {
                iterations,
                rejected_steps,
                restarts,
                norm_estimate,
                crossover_attempts,
                crossover_work,
                ..Default::default()
            },
            points,
        })
    }

    /// Checks that the state fits a run of `scheme` on `n` local columns and `m` local rows.
    pub(super) fn check_fits(&self, scheme: PdhgScheme, n: usize, m: usize) -> Result<(), String> {
        if self.scheme != scheme {
            return Err(format!(
                "the checkpoint is of a {:?} run, this run uses {scheme:?}",
                self.scheme
            ));
        }
        let fits = self
            .points
            .iter()
            .all(|p| p.x.len() == n && p.aty.len() == n && p.y.len() == m && p.ax.len() == m);
        if !fits {
            return Err(format!(
                "the checkpoint's vectors do not have this rank's {n} columns and {m} rows \
                 (another LP, or another number of ranks)"
            ));
        }
        Ok(())
    }
}
