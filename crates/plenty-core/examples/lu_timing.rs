//! Times faer's dense LU (partial pivoting, in place, on all cores) at the sizes a crossover's
//! basis may have: `cargo run --release -p plenty-core --example lu_timing`.
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::lu::partial_pivoting::factor;
use std::time::Instant;

fn main() {
    faer::set_global_parallelism(faer::Par::rayon(0));
    let par = faer::get_global_parallelism();
    for k in [1000usize, 2000, 3000, 4000, 5000] {
        let mut m = faer::Mat::<f64>::from_fn(k, k, |i, j| {
            if i == j {
                4.0
            } else {
                ((i * 7 + j * 13) % 17) as f64 / 170.0
            }
        });
        let (mut fwd, mut bwd) = (vec![0usize; k], vec![0usize; k]);
        let mut mem = MemBuffer::new(factor::lu_in_place_scratch::<usize, f64>(
            k,
            k,
            par,
            Default::default(),
        ));
        let t = Instant::now();
        factor::lu_in_place(
            m.as_mut(),
            &mut fwd,
            &mut bwd,
            par,
            MemStack::new(&mut mem),
            Default::default(),
        );
        let s = t.elapsed().as_secs_f64();
        println!(
            "k = {k}: {s:.3} s, {:.1} GFlop/s, {:.0} MB",
            (k as f64).powi(3) * 2.0 / 3.0 / s / 1e9,
            (k * k * 8) as f64 / 1e6
        );
    }
}
