//! Vector kernels shared by the iterative solvers.
//!
//! Reductions (dot products, norms) split the vectors into chunks of [`CHUNK`] elements, sum each
//! chunk in order, and add the chunk sums in order. The chunk size does not depend on the number
//! of threads, so the result has the same bits on any machine and any thread count; that is what
//! makes a plan reproducible bit for bit.

use rayon::prelude::*;

/// Elements per parallel chunk. Large enough to amortise scheduling, small enough to balance.
pub const CHUNK: usize = 1 << 14;

/// `Σ x_i y_i`, deterministic.
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    debug_assert_eq!(x.len(), y.len());
    if x.len() <= CHUNK {
        return dot_serial(x, y);
    }
    let partial: Vec<f64> = x
        .par_chunks(CHUNK)
        .zip(y.par_chunks(CHUNK))
        .map(|(a, b)| dot_serial(a, b))
        .collect();
    partial.iter().sum()
}

/// Two dot products in one pass over memory: `(a·b, c·d)`.
pub fn dot2(a: &[f64], b: &[f64], c: &[f64], d: &[f64]) -> (f64, f64) {
    let partial: Vec<(f64, f64)> = a
        .par_chunks(CHUNK)
        .zip(b.par_chunks(CHUNK))
        .zip(c.par_chunks(CHUNK).zip(d.par_chunks(CHUNK)))
        .map(|((a, b), (c, d))| (dot_serial(a, b), dot_serial(c, d)))
        .collect();
    partial
        .iter()
        .fold((0.0, 0.0), |acc, p| (acc.0 + p.0, acc.1 + p.1))
}

/// Euclidean norm, deterministic.
pub fn norm2(x: &[f64]) -> f64 {
    dot(x, x).sqrt()
}

/// `Σ x_i`, deterministic.
pub fn sum(x: &[f64]) -> f64 {
    if x.len() <= CHUNK {
        return x.iter().sum();
    }
    let partial: Vec<f64> = x.par_chunks(CHUNK).map(|c| c.iter().sum()).collect();
    partial.iter().sum()
}

/// Serial dot product with four accumulators (lets the compiler vectorise without reordering
/// differently across runs: the order is fixed by the code, not by the thread count).
fn dot_serial(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let xc = x.chunks_exact(4);
    let yc = y.chunks_exact(4);
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (a, b) in xc.zip(yc) {
        acc[0] += a[0] * b[0];
        acc[1] += a[1] * b[1];
        acc[2] += a[2] * b[2];
        acc[3] += a[3] * b[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (a, b) in xr.iter().zip(yr) {
        s += a * b;
    }
    s
}

/// Applies `f` element-wise over three equally long slices in parallel (`out` is written).
pub fn zip_map(out: &mut [f64], a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64 + Sync) {
    out.par_chunks_mut(CHUNK)
        .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
        .for_each(|(o, (a, b))| {
            for ((o, a), b) in o.iter_mut().zip(a).zip(b) {
                *o = f(*a, *b);
            }
        });
}

/// Maximum of `|x_i|`.
pub fn norm_inf(x: &[f64]) -> f64 {
    x.par_chunks(CHUNK)
        .map(|c| c.iter().fold(0.0f64, |m, v| m.max(v.abs())))
        .reduce(|| 0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_is_independent_of_thread_count() {
        let n = 3 * CHUNK + 17;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 997.0).collect();
        let y: Vec<f64> = (0..n)
            .map(|i| ((i * 104729) % 1000) as f64 / 991.0)
            .collect();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| dot(&x, &y));
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(|| dot(&x, &y));
        assert_eq!(one.to_bits(), many.to_bits());
        let reference: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
        assert!((one - reference).abs() <= 1e-9 * reference.abs());
    }
}
