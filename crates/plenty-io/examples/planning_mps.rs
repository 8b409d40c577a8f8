//! Writes the synthetic planning LP (`plenty_core::lp::synthetic::planning_lp`, the instance of
//! `crates/plenty-core/examples/pdlp_timing.rs`) as MPS, for HiGHS or any other solver, and
//! reads it back to check the round trip:
//!
//! ```text
//! cargo run --release -p plenty-io --example planning_mps -- N TECHNIQUES OUT.mps
//! .venv-peer/bin/python bench/peer/peer.py lp --mps OUT.mps --solver pdlp --sense max
//! ```
//!
//! Defaults: N = 1000, TECHNIQUES = 2, OUT = plan.mps.

use plenty_core::generate::GeneratorSettings;
use plenty_core::lp::synthetic::{planning_lp, PlanningLpSettings};
use plenty_io::mps::{read_mps, write_mps};
use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(Ok(1000), |v| v.parse())?;
    let techniques: usize = args.get(1).map_or(Ok(2), |v| v.parse())?;
    let out = args.get(2).cloned().unwrap_or_else(|| "plan.mps".into());
    let lp = planning_lp(&PlanningLpSettings {
        economy: GeneratorSettings {
            n,
            ..Default::default()
        },
        techniques,
    })?;
    let t = Instant::now();
    write_mps(Path::new(&out), &lp)?;
    let written = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let back = read_mps(Path::new(&out))?;
    println!(
        "{out}: {} rows, {} columns, {} nonzeros; written in {written:.3} s, read in {:.3} s",
        lp.nrows(),
        lp.ncols(),
        lp.columns.nnz(),
        t.elapsed().as_secs_f64()
    );
    if back != lp {
        return Err("the MPS file does not read back as the LP written".into());
    }
    Ok(())
}
