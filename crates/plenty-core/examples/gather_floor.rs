//! How fast can this machine multiply by the benchmark's sparse matrix, whatever the layout?
//!
//! ```text
//! cargo run --release -p plenty-core --example gather_floor --features avx512-example -- [n] [repeats]
//! ```
//!
//! On the benchmark economy (`plenty generate` defaults: k = 10 random inputs per product), times
//! on one core, in nanoseconds per non-zero (the median of `repeats`):
//!
//! * compressed rows, `y = A p` by gathers: four accumulators, one accumulator, software
//!   prefetch of `p` 64 entries ahead, and AVX-512 hardware gathers (with `--features
//!   avx512-example`, Rust ≥ 1.89, when the processor has them);
//! * compressed rows, `z = Aᵀ q` by scatters (no transposed copy);
//! * both products in one pass, with `p` and the `z` accumulator interleaved so that one cache
//!   line serves the gather and the scatter of an entry;
//! * square tiles in coordinate form (16-bit local row and column, as `plenty_core::tiled`) of 4 096,
//!   16 384 and 65 536, whose slices of `p` and `y` stay in the core's cache;
//! * the gathers and the scatter on a matrix of n = 20 000, whose vectors fit in the cache, for
//!   contrast.
//!
//! On both cores: plenty's tiled products, the gathers on two fixed halves of the rows, and the
//! one-pass `A p` + `Aᵀ q` with an accumulator per half. Then what the fastest products on two
//! cores mean for the benchmark's x and v solve: full GMRES needs 19 products per system
//! (`examples/roofline.rs`).

use plenty_core::generate::{generate, GeneratorSettings};
use plenty_core::matrix::CsrMatrix;
use std::time::Instant;

/// The compressed rows of a generated economy's `A`, borrowed from its [`CsrMatrix`].
struct Csr<'a> {
    ptr: &'a [usize],
    idx: &'a [u32],
    val: &'a [f64],
    n: usize,
}

impl<'a> Csr<'a> {
    fn of(m: &'a CsrMatrix) -> Self {
        Csr {
            ptr: m.row_ptr(),
            idx: m.col_idx(),
            val: m.values(),
            n: m.nrows(),
        }
    }
}

fn economy(n: usize) -> CsrMatrix {
    generate(&GeneratorSettings {
        n,
        ..Default::default()
    })
    .expect("generate")
    .a
}

/// Median seconds of `reps` runs of `f`.
fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[reps / 2]
}

fn gather4(a: &Csr<'_>, p: &[f64], y: &mut [f64]) {
    gather4_at(a, 0, p, y)
}

/// Rows `r0..r0 + y.len()`.
fn gather4_at(a: &Csr<'_>, r0: usize, p: &[f64], y: &mut [f64]) {
    for (k, yi) in y.iter_mut().enumerate() {
        let i = r0 + k;
        let (s, e) = (a.ptr[i], a.ptr[i + 1]);
        let (idx, val) = (&a.idx[s..e], &a.val[s..e]);
        let mut acc = [0.0f64; 4];
        let (ic, vc) = (idx.chunks_exact(4), val.chunks_exact(4));
        let (ir, vr) = (ic.remainder(), vc.remainder());
        for (i4, v4) in ic.zip(vc) {
            acc[0] += v4[0] * p[i4[0] as usize];
            acc[1] += v4[1] * p[i4[1] as usize];
            acc[2] += v4[2] * p[i4[2] as usize];
            acc[3] += v4[3] * p[i4[3] as usize];
        }
        let mut tail = 0.0;
        for (k, v) in ir.iter().zip(vr) {
            tail += v * p[*k as usize];
        }
        *yi = (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail;
    }
}

fn gather1(a: &Csr<'_>, p: &[f64], y: &mut [f64]) {
    for (i, yi) in y.iter_mut().enumerate() {
        let (s, e) = (a.ptr[i], a.ptr[i + 1]);
        let mut acc = 0.0;
        for (k, v) in a.idx[s..e].iter().zip(&a.val[s..e]) {
            acc += v * p[*k as usize];
        }
        *yi = acc;
    }
}

#[cfg(target_arch = "x86_64")]
fn gather_prefetch(a: &Csr<'_>, p: &[f64], y: &mut [f64]) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    const AHEAD: usize = 64;
    let nnz = a.idx.len();
    for (i, yi) in y.iter_mut().enumerate() {
        let mut acc = 0.0;
        for q in a.ptr[i]..a.ptr[i + 1] {
            if q + AHEAD < nnz {
                let ahead = a.idx[q + AHEAD] as usize;
                // SAFETY: a prefetch is a hint; the address is inside `p`.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(p.as_ptr().add(ahead) as *const i8) };
            }
            acc += a.val[q] * p[a.idx[q] as usize];
        }
        *yi = acc;
    }
}

/// AVX-512 hardware gathers, eight entries at a time (masked tail).
///
/// # Safety
/// The processor must have AVX-512F; every index of `a` must be below `p.len()`.
#[cfg(all(target_arch = "x86_64", feature = "avx512-example"))]
#[allow(clippy::incompatible_msrv)] // the intrinsics need Rust 1.89; hence the feature
#[target_feature(enable = "avx512f")]
unsafe fn gather_avx512(a: &Csr<'_>, r0: usize, p: &[f64], y: &mut [f64]) {
    use std::arch::x86_64::*;
    for (row, yi) in y.iter_mut().enumerate() {
        let i = r0 + row;
        let (s, e) = (a.ptr[i], a.ptr[i + 1]);
        let len = e - s;
        let ip = a.idx.as_ptr().add(s);
        let vp = a.val.as_ptr().add(s);
        let mut acc = _mm512_setzero_pd();
        let mut k = 0;
        while k + 8 <= len {
            let iv = _mm256_loadu_si256(ip.add(k) as *const __m256i);
            let pv = _mm512_i32gather_pd::<8>(iv, p.as_ptr());
            acc = _mm512_add_pd(acc, _mm512_mul_pd(_mm512_loadu_pd(vp.add(k)), pv));
            k += 8;
        }
        if k < len {
            let mask = ((1u32 << (len - k)) - 1) as __mmask8;
            let iv = _mm256_maskz_loadu_epi32(mask, ip.add(k) as *const i32);
            let pv = _mm512_mask_i32gather_pd::<8>(_mm512_setzero_pd(), mask, iv, p.as_ptr());
            acc = _mm512_add_pd(
                acc,
                _mm512_mul_pd(_mm512_maskz_loadu_pd(mask, vp.add(k)), pv),
            );
        }
        *yi = _mm512_reduce_add_pd(acc);
    }
}

fn scatter(a: &Csr<'_>, q: &[f64], z: &mut [f64]) {
    z.fill(0.0);
    for (i, &qi) in q.iter().enumerate() {
        for k in a.ptr[i]..a.ptr[i + 1] {
            z[a.idx[k] as usize] += a.val[k] * qi;
        }
    }
}

/// `y = A p` and `z = Aᵀ q` in one pass over rows `r0..r0 + y.len()`, adding to `z`;
/// `pz[j] = [p_j, z_j]`.
fn fused_at(a: &Csr<'_>, r0: usize, q: &[f64], pz: &mut [[f64; 2]], y: &mut [f64]) {
    for (row, yi) in y.iter_mut().enumerate() {
        let i = r0 + row;
        let qi = q[i];
        let mut acc = 0.0;
        for k in a.ptr[i]..a.ptr[i + 1] {
            let e = &mut pz[a.idx[k] as usize];
            acc += a.val[k] * e[0];
            e[1] += a.val[k] * qi;
        }
        *yi = acc;
    }
}

/// Tiles in coordinate form: `(ptr over tiles, (row << 16) | col, values)`.
fn tiles(a: &Csr<'_>, block: usize) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    let nb = a.n.div_ceil(block);
    let mut ptr = vec![0usize; nb * nb + 1];
    for i in 0..a.n {
        for &j in &a.idx[a.ptr[i]..a.ptr[i + 1]] {
            ptr[(i / block) * nb + j as usize / block + 1] += 1;
        }
    }
    for t in 0..nb * nb {
        ptr[t + 1] += ptr[t];
    }
    let mut next = ptr.clone();
    let mut packed = vec![0u32; a.idx.len()];
    let mut val = vec![0.0; a.idx.len()];
    for i in 0..a.n {
        for k in a.ptr[i]..a.ptr[i + 1] {
            let j = a.idx[k] as usize;
            let t = (i / block) * nb + j / block;
            packed[next[t]] = (((i % block) as u32) << 16) | (j % block) as u32;
            val[next[t]] = a.val[k];
            next[t] += 1;
        }
    }
    (ptr, packed, val)
}

fn tiled_mul(
    n: usize,
    block: usize,
    t: &(Vec<usize>, Vec<u32>, Vec<f64>),
    p: &[f64],
    y: &mut [f64],
) {
    let nb = n.div_ceil(block);
    y.fill(0.0);
    for r in 0..nb {
        let yr = &mut y[r * block..((r + 1) * block).min(n)];
        for c in 0..nb {
            let pc = &p[c * block..((c + 1) * block).min(n)];
            let tile = r * nb + c;
            for k in t.0[tile]..t.0[tile + 1] {
                let e = t.1[k];
                yr[(e >> 16) as usize] += t.2[k] * pc[(e & 0xFFFF) as usize];
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let reps: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let matrix = economy(n);
    let a = Csr::of(&matrix);
    let nnz = a.idx.len();
    let p: Vec<f64> = (0..n).map(|j| 1.0 + (j % 7) as f64 * 0.1).collect();
    let mut y = vec![0.0; n];
    let per = |s: f64| s * 1e9 / nnz as f64;
    println!("n = {n}, non-zeros = {nnz}, one core, median of {reps}; ns per non-zero");
    // Fastest `A p` and fastest `Aᵀ q` (tiles serve both, as `plenty_core::tiled` does).
    let (mut best_a, mut best_t) = (f64::INFINITY, f64::INFINITY);
    let mut report = |name: &str, s: f64, kind: &str| {
        println!("{name:<44} {:>6.3} ns  ({:.2} ms)", per(s), s * 1e3);
        if kind.contains('a') {
            best_a = best_a.min(s);
        }
        if kind.contains('t') {
            best_t = best_t.min(s);
        }
    };
    report(
        "rows, gather, 4 accumulators",
        time(reps, || gather4(&a, &p, &mut y)),
        "a",
    );
    let reference = y.clone();
    report(
        "rows, gather, 1 accumulator",
        time(reps, || gather1(&a, &p, &mut y)),
        "a",
    );
    #[cfg(target_arch = "x86_64")]
    {
        report(
            "rows, gather, prefetch 64 ahead",
            time(reps, || gather_prefetch(&a, &p, &mut y)),
            "a",
        );
        #[cfg(feature = "avx512-example")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: AVX-512F is present and every index is below n = p.len().
            let s = time(reps, || unsafe { gather_avx512(&a, 0, &p, &mut y) });
            report("rows, gather, AVX-512 hardware gathers", s, "a");
        }
    }
    let agree = y
        .iter()
        .zip(&reference)
        .all(|(a, b)| (a - b).abs() <= 1e-12 * (1.0 + b.abs()));
    assert!(agree, "the kernels disagree");
    let mut z = vec![0.0; n];
    report(
        "rows, scatter (Aᵀ q)",
        time(reps, || scatter(&a, &p, &mut z)),
        "t",
    );
    let mut pz: Vec<[f64; 2]> = p.iter().map(|&v| [v, 0.0]).collect();
    let s = time(reps, || {
        pz.iter_mut().for_each(|e| e[1] = 0.0);
        fused_at(&a, 0, &p, &mut pz, &mut y)
    });
    report("rows, A p and Aᵀ q in one pass (both)", s, "");
    for block in [4096usize, 16384, 65536] {
        let t = tiles(&a, block.min(n));
        let s = time(reps, || tiled_mul(n, block.min(n), &t, &p, &mut y));
        report(&format!("tiles of {block}, coordinate form"), s, "at");
    }
    // The fastest `A p` and `Aᵀ q` on both cores.
    let (mut best2_a, mut best2_t) = (f64::INFINITY, f64::INFINITY);
    // On both cores: plenty's tiled products, and the fused pass with rows in two fixed halves,
    // each scattering into its own accumulator (summed after, so the bits do not depend on
    // the thread count).
    {
        let tiled = plenty_core::tiled::TiledMatrix::from_csr(&matrix);
        let mut z2 = vec![0.0; n];
        let s1 = time(reps, || tiled.mul_vec(&p, &mut y));
        let s2 = time(reps, || tiled.mul_vec_transpose(&p, &mut z2));
        best2_a = best2_a.min(s1);
        best2_t = best2_t.min(s2);
        let half = n / 2;
        let halves = |f: &(dyn Fn(usize, &mut [f64]) + Sync), y: &mut [f64]| {
            let (y0, y1) = y.split_at_mut(half);
            rayon::join(|| f(0, y0), || f(half, y1));
        };
        // A product of `A p` on both cores: printed, and the fastest kept.
        let mut two_cores = |name: &str, s: f64| {
            println!(
                "{name:<44} {:>6.3} ns  ({:.2} ms, two cores)",
                per(s),
                s * 1e3
            );
            best2_a = best2_a.min(s);
        };
        let s = time(reps, || {
            halves(&|r0, yb| gather4_at(&a, r0, &p, yb), &mut y)
        });
        two_cores("rows, gather, 4 accumulators", s);
        #[cfg(all(target_arch = "x86_64", feature = "avx512-example"))]
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: AVX-512F is present and every index is below n = p.len().
            let s = time(reps, || {
                halves(&|r0, yb| unsafe { gather_avx512(&a, r0, &p, yb) }, &mut y)
            });
            two_cores("rows, gather, AVX-512 hardware gathers", s);
        }
        println!(
            "{:<44} {:>6.3} ns  ({:.2} ms A p + {:.2} ms Aᵀ q, two cores)",
            "plenty's tiles, both products",
            per(s1 + s2),
            s1 * 1e3,
            s2 * 1e3
        );
        let mut zs = [vec![[0.0f64; 2]; n], vec![[0.0f64; 2]; n]];
        let mut zsum = vec![0.0; n];
        let s = time(reps, || {
            let (y0, y1) = y.split_at_mut(half);
            let (z0, z1) = zs.split_at_mut(1);
            let run = |r0: usize, yb: &mut [f64], pz: &mut [[f64; 2]]| {
                for (e, &v) in pz.iter_mut().zip(&p) {
                    *e = [v, 0.0];
                }
                fused_at(&a, r0, &p, pz, yb);
            };
            rayon::join(|| run(0, y0, &mut z0[0]), || run(half, y1, &mut z1[0]));
            let (za, zb) = (&zs[0], &zs[1]);
            use rayon::prelude::*;
            zsum.par_chunks_mut(65536).enumerate().for_each(|(c, out)| {
                for (k, o) in out.iter_mut().enumerate() {
                    let j = c * 65536 + k;
                    *o = za[j][1] + zb[j][1];
                }
            });
        });
        println!(
            "{:<44} {:>6.3} ns  ({:.2} ms for both, two cores)",
            "fused pass, two halves",
            per(s),
            s * 1e3
        );
    }
    // The same kernels on an economy whose vectors fit in the core's cache.
    let small_matrix = economy(20_000);
    let small = Csr::of(&small_matrix);
    let ps = vec![1.0; small.n];
    let mut ys = vec![0.0; small.n];
    let snz = small.idx.len() as f64;
    let cached = |name: &str, s: f64| {
        println!(
            "{name:<44} {:>6.3} ns  (n = 20 000, vectors in cache)",
            s * 1e9 / snz
        );
    };
    cached(
        "rows, gather, 4 accumulators",
        time(reps * 50, || gather4(&small, &ps, &mut ys)),
    );
    cached(
        "rows, gather, 1 accumulator",
        time(reps * 50, || gather1(&small, &ps, &mut ys)),
    );
    #[cfg(all(target_arch = "x86_64", feature = "avx512-example"))]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: AVX-512F is present and every index is below n = ps.len().
        let s = time(reps * 50, || unsafe {
            gather_avx512(&small, 0, &ps, &mut ys)
        });
        cached("rows, gather, AVX-512 hardware gathers", s);
    }
    cached(
        "rows, scatter (Aᵀ q)",
        time(reps * 50, || scatter(&small, &ps, &mut ys)),
    );
    // Full GMRES needs 19 of each.
    println!(
        "fastest on one core: A p {:.2} ms, Aᵀ q {:.2} ms; on two cores: A p {:.2} ms, Aᵀ q {:.2} ms; 19 of each on two cores (full GMRES, x and v): {:.3} s",
        best_a * 1e3,
        best_t * 1e3,
        best2_a * 1e3,
        best2_t * 1e3,
        19.0 * (best2_a + best2_t)
    );
}
