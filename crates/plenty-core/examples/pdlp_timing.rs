//! Times the PDLP solver on the planning-shaped LP of `bench/peer/baseline.py`
//! (`max λ` s.t. `Σ_t (I − A_t) x_t − λ d ≥ 0`, `Σ_t l_t·x_t ≤ L`, `0 ≤ x_t ≤ cap_t`).
//!
//! ```text
//! cargo run --release -p plenty-core --example pdlp_timing -- [n] [techniques] [scheme] [tolerance] [k] [seed]
//! ```
//!
//! `scheme` is `halpern` (default) or `adaptive`. Prints one JSON line. Set `RAYON_NUM_THREADS`
//! to fix the thread count. The same LP is written as MPS for HiGHS by the ignored test
//! `planning_lp_against_highs` of `crates/plenty-io/tests/io/mps.rs`.

use plenty_core::generate::GeneratorSettings;
use plenty_core::lp::pdlp::{PdhgScheme, Pdlp, PdlpSettings};
use plenty_core::lp::synthetic::{planning_lp, PlanningLpSettings};
use plenty_core::lp::LpSettings;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |k: usize, default: &str| args.get(k).cloned().unwrap_or_else(|| default.to_string());
    let n: usize = arg(0, "1000").parse().expect("n");
    let techniques: usize = arg(1, "2").parse().expect("techniques");
    let scheme = match arg(2, "halpern").as_str() {
        "adaptive" => PdhgScheme::Adaptive,
        _ => PdhgScheme::Halpern,
    };
    let tolerance: f64 = arg(3, "1e-6").parse().expect("tolerance");
    let k: usize = arg(4, "10").parse().expect("k");
    let seed: u64 = arg(5, "1").parse().expect("seed");
    let t = Instant::now();
    let lp = planning_lp(&PlanningLpSettings {
        economy: GeneratorSettings {
            n,
            k,
            seed,
            ..Default::default()
        },
        techniques,
    })
    .expect("generate");
    let t_gen = t.elapsed().as_secs_f64();
    let solver = Pdlp::new(PdlpSettings {
        scheme,
        lp: LpSettings {
            tolerance,
            max_iterations: 10_000_000,
            time_limit: Some(600.0),
        },
        ..Default::default()
    });
    // Experiment knobs: PDLP_NECESSARY, PDLP_SUFFICIENT, PDLP_SMOOTHING, PDLP_PC, PDLP_BOR,
    // PDLP_REFLECTION, PDLP_CHECK, PDLP_RUIZ, PDLP_ARTIFICIAL, PDLP_TRACE, PDLP_XLIMIT (crossover), PDLP_ROWS=1
    // (row-scaled feasibility).
    let mut solver = solver;
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
    if let Some(v) = env("PDLP_NECESSARY") {
        solver.settings.restart_necessary = v;
    }
    if let Some(v) = env("PDLP_REFLECTION") {
        solver.settings.reflection = v;
    }
    if let Some(v) = env("PDLP_CHECK") {
        solver.settings.check_frequency = v as usize;
    }
    if let Some(v) = env("PDLP_RUIZ") {
        solver.settings.ruiz_iterations = v as usize;
    }
    if env("PDLP_ROWS").is_some() {
        solver.settings.row_scaled_feasibility = true;
    }
    if env("PDLP_NO_CROSSOVER").is_some() {
        solver.settings.crossover = false;
    }
    if let Some(v) = env("PDLP_SMOOTHING") {
        solver.settings.primal_weight_smoothing = v;
    }
    if let Some(v) = env("PDLP_SUFFICIENT") {
        solver.settings.restart_sufficient = v;
    }
    if let Some(v) = env("PDLP_PC") {
        solver.settings.pock_chambolle = v != 0.0;
    }
    if let Some(v) = env("PDLP_BOR") {
        solver.settings.bound_objective_rescaling = v != 0.0;
    }
    if let Some(v) = env("PDLP_XLIMIT") {
        solver.settings.crossover_limit = v as usize;
    }
    if let Some(v) = env("PDLP_ARTIFICIAL") {
        solver.settings.restart_artificial = v;
    }
    // PDLP_TRACE=k: one line on standard error at the first check after every k iterations.
    if let Some(every) = env("PDLP_TRACE").map(|v| v.max(1.0) as usize) {
        let last = std::sync::atomic::AtomicUsize::new(0);
        solver.observer = plenty_core::lp::pdlp::Observer::new(move |p| {
            if p.iterations / every > last.load(std::sync::atomic::Ordering::Relaxed) {
                last.store(p.iterations / every, std::sync::atomic::Ordering::Relaxed);
                eprintln!(
                    "{:>8} its {:>8.3} s  primal {:.2e}  dual {:.2e}  gap {:.2e}  rows {:.2e}",
                    p.iterations,
                    p.seconds,
                    p.primal_residual,
                    p.dual_residual,
                    p.relative_gap,
                    p.row_violation
                );
            }
        });
    }
    let (sol, stats) = solver.solve_with_stats(&lp, None, None).expect("solve");
    let c = sol.info.certificate;
    println!(
        "{{\"n\": {n}, \"techniques\": {techniques}, \"k\": {k}, \"seed\": {seed}, \"scheme\": \"{scheme:?}\", \"rows\": {}, \"cols\": {}, \"nnz\": {}, \"threads\": {}, \"t_gen\": {t_gen:.3}, \"status\": \"{}\", \"lambda\": {}, \"seconds\": {:.3}, \"setup_seconds\": {:.3}, \"iterations\": {}, \"restarts\": {}, \"rejected\": {}, \"omega\": {:.4e}, \"eta\": {:.4e}, \"norm\": {:.4e}, \"primal_residual\": {:.3e}, \"dual_residual\": {:.3e}, \"gap\": {:.3e}, \"method\": \"{}\", \"crossover_attempts\": {}, \"crossover_seconds\": {:.3}, \"crossover_failure\": {:?}}}",
        lp.nrows(),
        lp.ncols(),
        lp.columns.nnz(),
        rayon::current_num_threads(),
        sol.status,
        sol.objective,
        sol.info.seconds,
        stats.setup_seconds,
        stats.iterations,
        stats.restarts,
        stats.rejected_steps,
        stats.primal_weight,
        stats.step_size,
        stats.norm_estimate,
        c.primal_residual,
        c.dual_residual,
        c.relative_gap,
        sol.info.method,
        stats.crossover_attempts,
        stats.crossover_seconds,
        stats.crossover_failure
    );
}
