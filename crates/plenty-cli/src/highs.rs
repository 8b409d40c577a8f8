//! The HiGHS backend, present in a build with `--features highs` (it compiles HiGHS from
//! source), and a clear error naming that build otherwise.

use anyhow::Result;
use plenty_core::lp::LpBackend;

/// HiGHS with its default method, one thread (a deterministic solve).
#[cfg(feature = "highs")]
pub fn backend() -> Result<Box<dyn LpBackend>> {
    Ok(Box::new(plenty_highs::Highs::default()))
}

/// This build has no HiGHS: say how to get one.
#[cfg(not(feature = "highs"))]
pub fn backend() -> Result<Box<dyn LpBackend>> {
    anyhow::bail!(
        "--backend highs: this plenty was built without HiGHS; build it with `cargo build --release -p plenty-cli --features highs` (this compiles HiGHS from source and needs cmake, a C++ compiler and libclang-dev; 7 to 11 minutes on two cores), or use --backend native"
    )
}
