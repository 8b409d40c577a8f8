//! How fast can any Krylov solver of `(I − A) x = d` and `(I − A)ᵀ v = l` be on this machine?
//!
//! `cargo run --release -p plenty-core --example roofline -- [N] [TOL]` (default 10⁶, 1e-10) on
//! the benchmark's economy (`plenty generate --n N --k 10 --seed 1`, column sums U(0.6, 0.9)).
//! It measures three things and multiplies them:
//!
//! 1. **Products needed.** Full GMRES (no restart; every Krylov basis vector kept) minimises the
//!    residual over the Krylov space, so the number of products with `A` it needs to reach the
//!    tolerance from `x = 0` is a lower bound for every Krylov method (BiCGSTAB, CG on the
//!    normal equations, Chebyshev, Neumann/Jacobi) started from zero.
//! 2. **Time per product.** plenty's tiled `A p` and `Aᵀ q`, median of 7.
//! 3. **Memory bandwidth.** A parallel read of a 512 MB array (the matrix streams through once
//!    per product and cannot stay in cache) and a STREAM triad, median of 5.
//!
//! The lower bounds it prints are `products × time per product` and `products × bytes of the
//! matrix / read bandwidth`. They are what the ratio against SciPy has to be judged
//! against: a Krylov solve cannot be faster than its products.
use plenty_core::generate::{generate, GeneratorSettings};
use plenty_core::kernels::{dot, norm2};
use plenty_core::tiled::TiledMatrix;
use rayon::prelude::*;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Products with `I − A` (or its transpose) full GMRES needs to bring `‖b − (I − A) x‖ / ‖b‖`
/// to `tol` from `x = 0`, with the residual norm of each step (the Arnoldi recurrence's, which
/// equals the true residual up to rounding).
fn gmres_products(a: &TiledMatrix, b: &[f64], tol: f64, transpose: bool) -> (usize, Vec<f64>) {
    let n = b.len();
    let beta = norm2(b);
    let mut basis: Vec<Vec<f64>> = vec![b.iter().map(|x| x / beta).collect()];
    // Givens rotations and the rotated right-hand side g of the least-squares problem.
    let (mut cs, mut sn, mut g): (Vec<f64>, Vec<f64>, Vec<f64>) =
        (Vec::new(), Vec::new(), vec![beta]);
    let mut history = Vec::new();
    let mut ap = vec![0.0; n];
    for k in 0..200 {
        if transpose {
            a.mul_vec_transpose(&basis[k], &mut ap);
        } else {
            a.mul_vec(&basis[k], &mut ap);
        }
        // w = (I − A) v_k
        let mut w: Vec<f64> = basis[k].iter().zip(&ap).map(|(v, av)| v - av).collect();
        let mut h = Vec::with_capacity(k + 2);
        for v in &basis {
            let hij = dot(&w, v);
            w.par_iter_mut().zip(v).for_each(|(wi, vi)| *wi -= hij * vi);
            h.push(hij);
        }
        let hn = norm2(&w);
        h.push(hn);
        for i in 0..k {
            let t = cs[i] * h[i] + sn[i] * h[i + 1];
            h[i + 1] = -sn[i] * h[i] + cs[i] * h[i + 1];
            h[i] = t;
        }
        let r = h[k].hypot(h[k + 1]);
        let (c, s) = (h[k] / r, h[k + 1] / r);
        cs.push(c);
        sn.push(s);
        let gk = g[k];
        g[k] = c * gk;
        g.push(-s * gk);
        let rel = g[k + 1].abs() / beta;
        history.push(rel);
        if rel <= tol || hn == 0.0 {
            return (k + 1, history);
        }
        basis.push(w.iter().map(|x| x / hn).collect());
    }
    (usize::MAX, history)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let tol: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1e-10);
    let e = generate(&GeneratorSettings {
        n,
        ..Default::default()
    })
    .expect("the generator's defaults are valid");
    let tiled = TiledMatrix::from_csr(&e.a);
    let bytes = tiled.heap_bytes() as f64;
    println!(
        "n = {n}, non-zeros = {}, matrix {:.1} MB, {} threads",
        tiled.nnz(),
        bytes / 1e6,
        rayon::current_num_threads()
    );

    // 1. Products needed.
    let (kx, hx) = gmres_products(&tiled, &e.demand, tol, false);
    let (kv, hv) = gmres_products(&tiled, &e.labour, tol, true);
    let show = |h: &[f64]| {
        h.iter()
            .map(|r| format!("{r:.1e}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("full GMRES, x: {kx} products to {tol:e} ({})", show(&hx));
    println!("full GMRES, v: {kv} products to {tol:e} ({})", show(&hv));

    // 2. Time per product.
    let p = vec![1.0; n];
    let mut y = vec![0.0; n];
    let mut times = Vec::new();
    let mut times_t = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        tiled.mul_vec(&p, &mut y);
        times.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        tiled.mul_vec_transpose(&p, &mut y);
        times_t.push(t.elapsed().as_secs_f64());
    }
    let (t_ap, t_atq) = (median(times), median(times_t));
    println!(
        "tiled A p: {:.2} ms ({:.1} GB/s of matrix); Aᵀ q: {:.2} ms ({:.1} GB/s)",
        t_ap * 1e3,
        bytes / t_ap / 1e9,
        t_atq * 1e3,
        bytes / t_atq / 1e9
    );

    // 3. Memory bandwidth.
    let m = 64 << 20; // 64 Mi doubles = 512 MB
    let a: Vec<f64> = (0..m).into_par_iter().map(|i| i as f64).collect();
    let b: Vec<f64> = (0..m).into_par_iter().map(|i| (i % 7) as f64).collect();
    let mut c = vec![0.0; m];
    let mut read = Vec::new();
    let mut triad = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let s: f64 = a.par_iter().sum();
        read.push(t.elapsed().as_secs_f64());
        std::hint::black_box(s);
        let t = Instant::now();
        c.par_iter_mut()
            .zip(&a)
            .zip(&b)
            .for_each(|((ci, ai), bi)| *ci = ai + 3.0 * bi);
        triad.push(t.elapsed().as_secs_f64());
        std::hint::black_box(&c);
    }
    let read_bw = (m * 8) as f64 / median(read);
    let triad_bw = (m * 8 * 3) as f64 / median(triad);
    println!(
        "read bandwidth {:.1} GB/s; triad {:.1} GB/s",
        read_bw / 1e9,
        triad_bw / 1e9
    );

    let by_time = kx as f64 * t_ap + kv as f64 * t_atq;
    let by_bandwidth = (kx + kv) as f64 * bytes / read_bw;
    println!(
        "lower bound for x and v: {:.3} s at plenty's product speed, {:.3} s at the read bandwidth",
        by_time, by_bandwidth
    );
}
