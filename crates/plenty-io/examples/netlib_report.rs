//! Iterations, restarts and times of both PDHG schemes on the netlib instances the tests use,
//! at two tolerances, against the published optima:
//!
//! ```text
//! cargo run --release -p plenty-io --example netlib_report
//! ```

use plenty_core::lp::pdlp::{PdhgScheme, Pdlp, PdlpSettings};
use plenty_core::lp::LpSettings;
use plenty_io::mps::read_mps;
use std::path::Path;

/// The instances and their published optima (netlib's own figures).
const NETLIB: [(&str, f64); 5] = [
    ("afiro", -464.7531428571),
    ("adlittle", 225494.96316),
    ("sc50a", -64.575077059),
    ("kb2", -1749.9001299),
    ("blend", -30.812149846),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lp");
    for tolerance in [1e-6, 1e-8] {
        for (name, optimum) in NETLIB {
            let lp = read_mps(&dir.join(format!("{name}.mps")))?;
            for scheme in [PdhgScheme::Halpern, PdhgScheme::Adaptive] {
                let s = Pdlp::new(PdlpSettings {
                    scheme,
                    lp: LpSettings {
                        tolerance,
                        max_iterations: 10_000_000,
                        time_limit: Some(120.0),
                    },
                    ..Default::default()
                });
                let (sol, st) = s.solve_with_stats(&lp, None, None)?;
                println!(
                    "tol {tolerance:.0e} {name:9} {scheme:8?} {:8} iterations {:7} restarts {:3} {:8.4} s  objective {:.10} (rel. error {:.1e})",
                    sol.status.to_string(),
                    st.iterations,
                    st.restarts,
                    sol.info.seconds,
                    sol.objective,
                    (sol.objective - optimum).abs() / optimum.abs()
                );
            }
        }
    }
    Ok(())
}
