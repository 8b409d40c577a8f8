//! # plenty-core
//!
//! The pure numerical core of plenty: input-output economies, Leontief solves, labour values,
//! multipliers, productivity checks and synthetic economies. It does no I/O, prints nothing and
//! holds no global state; the `plenty-io` crate reads and writes files, and the `plenty` binary
//! talks to people.
//!
//! ## The mathematics
//!
//! An economy has `n` products, each made by one process. Process `j` uses `a_ij` units of
//! product `i` and `l_j` hours of labour per unit of its output. With the technical
//! coefficients `A = Z · diag(x)⁻¹` (flows `Z`, gross output `x`; a sector with `x_j = 0` gets a
//! zero column):
//!
//! * **gross output** for final demand `d` solves `(I − A) x = d`;
//! * **labour values** (vertically integrated labour coefficients) solve `(I − A)ᵀ vᵀ = lᵀ`, i.e.
//!   `v = l (I − A)⁻¹`, and satisfy the identity `v · d = l · x`;
//! * any **satellite** row `s` (hours, wages, emissions, value added per unit of output) has
//!   effects `s (I − A)⁻¹` computed the same way; **output multipliers** are the column sums of
//!   `(I − A)⁻¹`, i.e. the effects of `s = 1`;
//! * the economy is **productive** (can deliver any `d ≥ 0`) iff the spectral radius `ρ(A) < 1`
//!   (Hawkins–Simon). Column sums above 1 occur in real tables, so they are not the test.
//!
//! The inverse is never formed to get a result: [`LeontiefSolver`] factors `I − A` once (dense LU)
//! or runs a Krylov or Jacobi iteration on a sparse `A`, and solves as many right-hand sides as
//! asked. Every solve reports its method, iterations and relative residual.
//!
//! ## Layout of a sparse matrix
//!
//! ```text
//!  CSR (compressed sparse rows), n = 3:        row_ptr = [0, 2, 3, 5]
//!      ┌ a00  .  a02 ┐                         col_idx = [0, 2, 1, 0, 2]
//!  A = │  .  a11  .  │                         values  = [a00, a02, a11, a20, a22]
//!      └ a20  .  a22 ┘
//! ```
//!
//! ## Determinism
//!
//! Every kernel splits its work into chunks whose size does not depend on the number of threads
//! and adds partial sums in a fixed order, so a result has the same bits on one core or many.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod accounting;
pub mod aggregate;
pub mod balancing;
pub mod checkpoint;
pub mod deviation;
pub mod dist;
// Declared here, not in `dist/mod.rs`, while that file is being edited elsewhere: when merged,
// it becomes `dist::values` (one `pub mod values;` line in `dist/mod.rs`).
pub mod economy;
pub mod error;
pub mod generate;
pub mod io_analysis;
pub mod iterative;
pub mod kernels;
pub mod lp;
pub mod make_use;
pub mod matrix;
pub mod mrio;
pub mod plan;
pub mod productivity;
pub mod rng;
pub mod sim;
pub mod solve;
pub mod spectral;
pub mod tiled;
pub mod vote;

pub use economy::{
    CoefficientError, Economy, FinalDemand, IdentityCheck, Satellite, SatelliteEffects,
};
pub use error::{ModelError, SolveError};
pub use iterative::Side;
pub use matrix::{CsrMatrix, DenseMatrix, TechnicalCoefficients};
pub use productivity::{Answer, ProductivityProof, Refusal, RightHandSide};
pub use solve::{LeontiefSolver, Method, SolveReport, SolveStatus, Solved, SolverSettings};
pub use spectral::{Diagnosis, Productivity, SpectralEstimate, SpectralSettings};

/// The version of this crate, recorded in every output so a result names the code that made it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
