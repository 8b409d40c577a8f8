//! The state of an iterative Leontief solve between two iterations, so that a long solve can
//! be saved at intervals and resumed after a failure with the **same final bits** as an
//! uninterrupted run.
//!
//! The iterations are deterministic functions of their state (see [`crate::kernels`] and
//! [`crate::dist`]), so a solve resumed from the state of step `k` repeats exactly what the
//! uninterrupted solve did after step `k`. The state holds every vector and scalar the
//! iteration carries (for BiCGSTAB `x, r, r̂, p, v` and `ρ, α, ω`); on several ranks each rank
//! saves and resumes its own part, and all ranks save at the same step.
//!
//! The encoding ([`IterationState::write_to`]) is a small binary layout, little-endian, so that a
//! checkpoint of 10⁷ products is written at disk speed: the magic `PLENTYCK`, a version, then
//! the fields in declaration order (vectors as a `u64` length and the raw `f64`s). The core
//! produces and checks bytes; where they are stored is the caller's affair.

use crate::iterative::Side;
use crate::solve::{Method, SolveStatus};
use std::io::{Read, Write};

/// How a checkpointed solve saves and resumes.
pub struct Checkpoints<'h> {
    /// Save every this many steps (iterations of the method), at least 1.
    pub every: usize,
    /// The state to resume from (made by the same solve: same inputs, settings and ranks).
    pub resume: Option<IterationState>,
    /// Receives the state every `every` steps, on every rank at the same step. An error stops
    /// the solve on every rank with [`crate::error::SolveError::Checkpoint`].
    pub save: &'h mut dyn FnMut(&IterationState) -> Result<(), String>,
}

/// Everything an iterative solve carries from one step to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct IterationState {
    /// The method (BiCGSTAB or Jacobi).
    pub method: Method,
    /// Steps done (the step at which the state was saved).
    pub step: usize,
    /// One state per system solved in lockstep.
    pub systems: Vec<SystemState>,
}

/// One system's state.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum SystemState {
    /// BiCGSTAB (van der Vorst 1992): iterate, residual, shadow residual (absent while it is
    /// still `b`), search direction, `v = (I − A) p`, and the recurrence's scalars.
    BiCgStab {
        side: Side,
        x: Vec<f64>,
        r: Vec<f64>,
        r_hat: Option<Vec<f64>>,
        p: Vec<f64>,
        v: Vec<f64>,
        rho: f64,
        alpha: f64,
        omega: f64,
        rho_next: f64,
        iterations: usize,
        restarts: usize,
        status: Option<SolveStatus>,
    },
    /// Jacobi: iterate and residual.
    Jacobi {
        side: Side,
        x: Vec<f64>,
        r: Vec<f64>,
        iterations: usize,
        relative_residual: f64,
        status: SolveStatus,
        done: bool,
    },
}

const MAGIC: &[u8; 8] = b"PLENTYCK";
const VERSION: u32 = 1;

impl IterationState {
    /// Writes the state in the binary layout of the module's documentation.
    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(MAGIC)?;
        w.write_all(&VERSION.to_le_bytes())?;
        put_u64(w, method_code(self.method))?;
        put_u64(w, self.step as u64)?;
        put_u64(w, self.systems.len() as u64)?;
        for s in &self.systems {
            match s {
                SystemState::BiCgStab {
                    side,
                    x,
                    r,
                    r_hat,
                    p,
                    v,
                    rho,
                    alpha,
                    omega,
                    rho_next,
                    iterations,
                    restarts,
                    status,
                } => {
                    put_u64(w, 0)?;
                    put_u64(w, side_code(*side))?;
                    for vec in [x, r] {
                        put_vec(w, vec)?;
                    }
                    put_u64(w, u64::from(r_hat.is_some()))?;
                    if let Some(rh) = r_hat {
                        put_vec(w, rh)?;
                    }
                    put_vec(w, p)?;
                    put_vec(w, v)?;
                    for f in [rho, alpha, omega, rho_next] {
                        w.write_all(&f.to_le_bytes())?;
                    }
                    put_u64(w, *iterations as u64)?;
                    put_u64(w, *restarts as u64)?;
                    put_u64(w, status.map_or(u64::MAX, status_code))?;
                }
                SystemState::Jacobi {
                    side,
                    x,
                    r,
                    iterations,
                    relative_residual,
                    status,
                    done,
                } => {
                    put_u64(w, 1)?;
                    put_u64(w, side_code(*side))?;
                    put_vec(w, x)?;
                    put_vec(w, r)?;
                    put_u64(w, *iterations as u64)?;
                    w.write_all(&relative_residual.to_le_bytes())?;
                    put_u64(w, status_code(*status))?;
                    put_u64(w, u64::from(*done))?;
                }
            }
        }
        Ok(())
    }

    /// Reads a state written by [`IterationState::write_to`]; errors say what is wrong.
    pub fn read_from(rd: &mut dyn Read) -> Result<Self, String> {
        let mut magic = [0u8; 8];
        rd.read_exact(&mut magic).map_err(short)?;
        if &magic != MAGIC {
            return Err("not a plenty checkpoint (wrong magic bytes)".into());
        }
        let mut v = [0u8; 4];
        rd.read_exact(&mut v).map_err(short)?;
        let version = u32::from_le_bytes(v);
        if version != VERSION {
            return Err(format!(
                "checkpoint format version {version}; this plenty reads version {VERSION}"
            ));
        }
        let method = match get_u64(rd)? {
            0 => Method::BiCgStab,
            1 => Method::Jacobi,
            m => return Err(format!("unknown method code {m}")),
        };
        let step = get_usize(rd)?;
        let count = get_usize(rd)?;
        if count > 16 {
            return Err(format!(
                "{count} systems in one checkpoint is not plausible"
            ));
        }
        let mut systems = Vec::with_capacity(count);
        for _ in 0..count {
            let kind = get_u64(rd)?;
            let side = side_of(get_u64(rd)?)?;
            systems.push(match kind {
                0 => {
                    let x = get_vec(rd)?;
                    let r = get_vec(rd)?;
                    let r_hat = match get_u64(rd)? {
                        0 => None,
                        _ => Some(get_vec(rd)?),
                    };
                    let p = get_vec(rd)?;
                    let v = get_vec(rd)?;
                    let (rho, alpha, omega, rho_next) =
                        (get_f64(rd)?, get_f64(rd)?, get_f64(rd)?, get_f64(rd)?);
                    let iterations = get_usize(rd)?;
                    let restarts = get_usize(rd)?;
                    let status = match get_u64(rd)? {
                        u64::MAX => None,
                        c => Some(status_of(c)?),
                    };
                    SystemState::BiCgStab {
                        side,
                        x,
                        r,
                        r_hat,
                        p,
                        v,
                        rho,
                        alpha,
                        omega,
                        rho_next,
                        iterations,
                        restarts,
                        status,
                    }
                }
                1 => SystemState::Jacobi {
                    side,
                    x: get_vec(rd)?,
                    r: get_vec(rd)?,
                    iterations: get_usize(rd)?,
                    relative_residual: get_f64(rd)?,
                    status: status_of(get_u64(rd)?)?,
                    done: get_u64(rd)? != 0,
                },
                k => return Err(format!("unknown system kind {k}")),
            });
        }
        Ok(Self {
            method,
            step,
            systems,
        })
    }

    /// Checks that the state fits a solve of `systems` (sides in order) on `n` local entries
    /// with `method`.
    pub(crate) fn check_fits(
        &self,
        method: Method,
        sides: &[Side],
        n: usize,
    ) -> Result<(), String> {
        if self.method != method {
            return Err(format!(
                "the checkpoint is of a {} solve, this solve uses {method}",
                self.method
            ));
        }
        if self.systems.len() != sides.len() {
            return Err(format!(
                "the checkpoint holds {} systems, this solve has {}",
                self.systems.len(),
                sides.len()
            ));
        }
        for (s, &side) in self.systems.iter().zip(sides) {
            let (sd, lens) = match s {
                SystemState::BiCgStab {
                    side,
                    x,
                    r,
                    r_hat,
                    p,
                    v,
                    ..
                } => (
                    *side,
                    vec![
                        x.len(),
                        r.len(),
                        p.len(),
                        v.len(),
                        r_hat.as_ref().map_or(n, Vec::len),
                    ],
                ),
                SystemState::Jacobi { side, x, r, .. } => (*side, vec![x.len(), r.len()]),
            };
            if sd != side {
                return Err("the checkpoint's systems are in another order".into());
            }
            if lens.iter().any(|&l| l != n) {
                return Err(format!(
                    "the checkpoint's vectors do not have this rank's {n} entries (another \
                     economy, or another number of ranks)"
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn short(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "the checkpoint is cut short (a write was interrupted?)".into()
    } else {
        e.to_string()
    }
}

pub(crate) fn put_u64(w: &mut dyn Write, v: u64) -> std::io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

pub(crate) fn put_vec(w: &mut dyn Write, v: &[f64]) -> std::io::Result<()> {
    put_u64(w, v.len() as u64)?;
    // In blocks, so that a large vector needs no byte copy of itself.
    let mut buf = Vec::with_capacity(8 * 8192);
    for c in v.chunks(8192) {
        buf.clear();
        for x in c {
            buf.extend_from_slice(&x.to_le_bytes());
        }
        w.write_all(&buf)?;
    }
    Ok(())
}

pub(crate) fn get_u64(r: &mut dyn Read) -> Result<u64, String> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).map_err(short)?;
    Ok(u64::from_le_bytes(b))
}

pub(crate) fn get_usize(r: &mut dyn Read) -> Result<usize, String> {
    usize::try_from(get_u64(r)?).map_err(|_| "a count does not fit this machine".to_string())
}

pub(crate) fn get_f64(r: &mut dyn Read) -> Result<f64, String> {
    Ok(f64::from_bits(get_u64(r)?))
}

pub(crate) fn get_vec(r: &mut dyn Read) -> Result<Vec<f64>, String> {
    let len = get_usize(r)?;
    if len > 1 << 34 {
        return Err(format!("a vector of {len} entries is not plausible"));
    }
    let mut out = Vec::with_capacity(len);
    let mut buf = vec![0u8; 8 * 8192];
    let mut left = len;
    while left > 0 {
        let take = left.min(8192);
        r.read_exact(&mut buf[..8 * take]).map_err(short)?;
        out.extend(
            buf[..8 * take]
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
        );
        left -= take;
    }
    Ok(out)
}

fn method_code(m: Method) -> u64 {
    match m {
        Method::Jacobi => 1,
        _ => 0,
    }
}

fn side_code(s: Side) -> u64 {
    match s {
        Side::Output => 0,
        Side::Values => 1,
    }
}

fn side_of(c: u64) -> Result<Side, String> {
    match c {
        0 => Ok(Side::Output),
        1 => Ok(Side::Values),
        _ => Err(format!("unknown side code {c}")),
    }
}

fn status_code(s: SolveStatus) -> u64 {
    s as u64
}

fn status_of(c: u64) -> Result<SolveStatus, String> {
    Ok(match c {
        0 => SolveStatus::Converged,
        1 => SolveStatus::IterationLimit,
        2 => SolveStatus::Diverged,
        3 => SolveStatus::Singular,
        _ => return Err(format!("unknown status code {c}")),
    })
}
