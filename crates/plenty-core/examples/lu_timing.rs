//! Times the dense LU with partial pivoting (faer's, in place, on all cores) that both the
//! Leontief solver and a crossover's basis use, at the sizes a crossover may factor:
//! `cargo run --release -p plenty-core --example lu_timing`. It prepares `I − A` of a generated
//! economy with `Method::DenseLu`, which factors it (`2k³/3` operations, `8k²` bytes).
use plenty_core::generate::{generate, GeneratorSettings};
use plenty_core::{LeontiefSolver, Method, SolverSettings, TechnicalCoefficients};
use std::time::Instant;

fn main() {
    for k in [1000usize, 2000, 3000, 4000, 5000] {
        let e = generate(&GeneratorSettings {
            n: k,
            ..Default::default()
        })
        .expect("the generator's defaults are valid");
        let a = TechnicalCoefficients::Sparse(e.a);
        let t = Instant::now();
        let solver = LeontiefSolver::new(
            &a,
            SolverSettings {
                method: Method::DenseLu,
                dense_limit: k,
                ..Default::default()
            },
        )
        .expect("a productive economy factors");
        let s = t.elapsed().as_secs_f64();
        std::hint::black_box(&solver);
        println!(
            "k = {k}: {s:.3} s, {:.1} GFlop/s, {:.0} MB",
            (k as f64).powi(3) * 2.0 / 3.0 / s / 1e9,
            (k * k * 8) as f64 / 1e6
        );
    }
}
