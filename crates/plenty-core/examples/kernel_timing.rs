//! Times the kernels on a generated economy: `cargo run --release --example kernel_timing -- N`.
use plenty_core::generate::{generate, GeneratorSettings};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let e = generate(&GeneratorSettings {
        n,
        ..Default::default()
    })
    .unwrap();
    let a = e.a;
    let x = vec![1.0; n];
    let mut y = vec![0.0; n];
    for _ in 0..3 {
        let t = Instant::now();
        a.mul_vec(&x, &mut y);
        println!("mul_vec {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    }
    let t = Instant::now();
    let at = a.transpose();
    println!("transpose {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    for _ in 0..3 {
        let t = Instant::now();
        at.mul_vec(&x, &mut y);
        println!(
            "mul_vec transpose {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let tiled = plenty_core::tiled::TiledMatrix::from_csr(&a);
    println!("tiles {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    let mut z = vec![0.0; n];
    for _ in 0..3 {
        let t = Instant::now();
        tiled.mul_vec(&x, &mut y);
        println!("tiled mul_vec {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        tiled.mul_vec_transpose(&x, &mut z);
        println!(
            "tiled mul_vec_transpose {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let s = plenty_core::kernels::dot(&x, &y);
    println!("dot {:.3} ms {s}", t.elapsed().as_secs_f64() * 1e3);
}
