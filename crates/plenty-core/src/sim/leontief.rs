//! The Leontief solve of the simulation, warm-started.
//!
//! `(I − A) x = f` by the fixed point `x ← f + A x` (the Neumann series, which converges at the
//! rate `ρ(A)` on a productive economy), started from a guess. A re-plan starts from last
//! year's solution: the error shrinks by `ρ(A)` per sweep whatever the start, so a start that is
//! already close to the answer saves the sweeps the cold start needs to get there. The residual
//! of the iterate `x` is `f − (I − A) x = (f + A x) − x`, the step itself, so the test is free.

use crate::matrix::CsrMatrix;

/// Relative residual at which the solve stops: `‖f − (I − A) x‖₁ ≤ TOL · ‖f‖₁`.
pub const TOL: f64 = 1e-13;
/// Sweeps before the solve gives up (the economy is not productive).
const MAX_SWEEPS: usize = 100_000;

/// A solution and the sweeps it took.
#[derive(Debug, Clone)]
pub(crate) struct Warm {
    pub x: Vec<f64>,
    pub iterations: usize,
}

/// Solves `(I − A) x = f` from `start` (or from `f`, a cold start).
pub(crate) fn solve_warm(a: &CsrMatrix, f: &[f64], start: Option<&[f64]>) -> Result<Warm, String> {
    let n = f.len();
    let scale: f64 = f.iter().map(|v| v.abs()).sum();
    if scale == 0.0 {
        return Ok(Warm {
            x: vec![0.0; n],
            iterations: 0,
        });
    }
    let mut x = match start {
        Some(s) if s.len() == n => s.to_vec(),
        _ => f.to_vec(),
    };
    let mut ax = vec![0.0; n];
    for sweep in 1..=MAX_SWEEPS {
        a.mul_vec(&x, &mut ax);
        let mut step = 0.0;
        for i in 0..n {
            let next = f[i] + ax[i];
            step += (next - x[i]).abs();
            x[i] = next;
        }
        if !step.is_finite() {
            break;
        }
        if step <= TOL * scale {
            return Ok(Warm {
                x,
                iterations: sweep,
            });
        }
    }
    Err("the Leontief solve does not converge: the economy is not productive (ρ(A) ≥ 1); check the sectors' inputs".into())
}
