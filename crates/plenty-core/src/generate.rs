//! Synthetic economies for experiments, seeded and documented.
//!
//! For each product `j` (column of `A`):
//!
//! * `k` distinct input products `i ≠ j` are drawn. With [`Structure::Random`] they are uniform
//!   over all other products (the worst case for sparse LU fill-in). With [`Structure::Local`],
//!   2 of the `k` inputs come from the first `max(n/1000, 1)` "basic" goods (energy-like inputs
//!   everyone uses) and the rest from products within ±`bandwidth` positions of `j` (sector
//!   locality).
//! * Weights `w ~ U(0, 1) + 0.05` are drawn for the inputs and scaled so the column sum of `A`
//!   is `s_j ~ U(column_sum_low, column_sum_high)`. With the default `U(0.6, 0.9)`, every column
//!   sum is below 1, hence `ρ(A) ≤ max_j s_j < 1`: the economy is productive.
//! * Labour `l_j ~ U(0.1, 1.0)` hours per unit, final demand `d_j ~ U(0, 1)`.
//!
//! These are the distributions of `bench/peer/baseline.py`, so peers are run on the same
//! kind of instance; the generator itself is plenty's own (xoshiro256**), and a seed gives the
//! same bits on any machine and any number of threads.

use crate::matrix::CsrMatrix;
use crate::rng::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a product's inputs come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Structure {
    /// Uniformly random inputs.
    #[default]
    Random,
    /// Basic goods plus neighbours (sector locality).
    Local,
}

/// Parameters of a synthetic economy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneratorSettings {
    /// Number of products. Default 1 000.
    pub n: usize,
    /// Inputs per product (non-zeros per column of `A`). Default 10; at most `n − 1`.
    pub k: usize,
    /// Lower end of the column-sum distribution. Default 0.6.
    pub column_sum_low: f64,
    /// Upper end of the column-sum distribution. Default 0.9.
    pub column_sum_high: f64,
    /// Input structure. Default random.
    pub structure: Structure,
    /// Neighbourhood half-width for [`Structure::Local`]. Default 50.
    pub bandwidth: usize,
    /// Seed. Default 1.
    pub seed: u64,
}

impl Default for GeneratorSettings {
    fn default() -> Self {
        Self {
            n: 1000,
            k: 10,
            column_sum_low: 0.6,
            column_sum_high: 0.9,
            structure: Structure::Random,
            bandwidth: 50,
            seed: 1,
        }
    }
}

impl GeneratorSettings {
    /// Checks ranges: `n ≥ 2`, `1 ≤ k < n`, `0 ≤ low ≤ high`, finite.
    pub fn validate(&self) -> Result<(), String> {
        if self.n < 2 {
            return Err(format!("n must be at least 2, got {}", self.n));
        }
        if self.n > u32::MAX as usize {
            return Err(format!("n must be below 2^32, got {}", self.n));
        }
        if self.k == 0 || self.k >= self.n {
            return Err(format!("k must lie in 1..{}, got {}", self.n - 1, self.k));
        }
        if !(self.column_sum_low >= 0.0
            && self.column_sum_low <= self.column_sum_high
            && self.column_sum_high.is_finite())
        {
            return Err(format!(
                "column sums need 0 ≤ low ≤ high < ∞, got U({}, {})",
                self.column_sum_low, self.column_sum_high
            ));
        }
        if self.structure == Structure::Local && (self.bandwidth == 0 || self.k < 3) {
            return Err("local structure needs bandwidth ≥ 1 and k ≥ 3".into());
        }
        Ok(())
    }
}

/// A generated economy: `A` (CSR), labour `l` and final demand `d`.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticEconomy {
    /// Technical coefficients.
    pub a: CsrMatrix,
    /// Hours per unit of output.
    pub labour: Vec<f64>,
    /// Final demand.
    pub demand: Vec<f64>,
}

/// One generated block: triplets, labour and demand.
type Block = (Vec<(u32, u32, f64)>, Vec<f64>, Vec<f64>);

/// Products per independently seeded block (fixed, so output does not depend on threads).
const BLOCK: usize = 4096;

/// Generates an economy. Columns are generated in parallel blocks, each with its own stream
/// derived from the seed, so the result is the same for any thread count.
pub fn generate(settings: &GeneratorSettings) -> Result<SyntheticEconomy, String> {
    let part = generate_products(settings, 0..settings.n)?;
    let a = CsrMatrix::try_from_triplets(settings.n, settings.n, part.entries)
        .map_err(|e| e.to_string())?;
    Ok(SyntheticEconomy {
        a,
        labour: part.labour,
        demand: part.demand,
    })
}

/// The products `range` of a generated economy: their columns of `A`, labour and final demand.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedProducts {
    /// Entries `(i, j, a_ij)` of the columns `j` in the range (global indices).
    pub entries: Vec<(u32, u32, f64)>,
    /// Hours per unit of the products in the range.
    pub labour: Vec<f64>,
    /// Final demand of the products in the range.
    pub demand: Vec<f64>,
}

/// Products per seeded block: a range given to [`generate_products`] starts at a multiple.
pub const GENERATOR_BLOCK: usize = BLOCK;

/// Generates only the products `range` of the economy [`generate`] makes, with the same bits:
/// each block of [`GENERATOR_BLOCK`] products has its own stream, so a shard of a very large
/// economy is made without the rest. `range.start` must be a multiple of the block (and
/// `range.end` one too, or `n`).
pub fn generate_products(
    settings: &GeneratorSettings,
    range: std::ops::Range<usize>,
) -> Result<GeneratedProducts, String> {
    settings.validate()?;
    let n = settings.n;
    if !range.start.is_multiple_of(BLOCK)
        || (!range.end.is_multiple_of(BLOCK) && range.end != n)
        || range.start > range.end
        || range.end > n
    {
        return Err(format!(
            "a generated range must run between multiples of {BLOCK} within 0..{n}, got {}..{}",
            range.start, range.end
        ));
    }
    let k = settings.k;
    let blocks: Vec<Block> = (range.start / BLOCK..range.end.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| generate_block(settings, b))
        .collect();
    let len = range.len();
    let mut part = GeneratedProducts {
        entries: Vec::with_capacity(len * k),
        labour: Vec::with_capacity(len),
        demand: Vec::with_capacity(len),
    };
    for (t, l, d) in blocks {
        part.entries.extend(t);
        part.labour.extend(l);
        part.demand.extend(d);
    }
    Ok(part)
}

/// Block `b` of the economy: products `b·BLOCK..`, from the block's own stream.
fn generate_block(settings: &GeneratorSettings, b: usize) -> Block {
    let (n, k) = (settings.n, settings.k);
    let mut rng = Rng::fork(settings.seed, b as u64);
    let lo = b * BLOCK;
    let hi = (lo + BLOCK).min(n);
    let mut triplets = Vec::with_capacity((hi - lo) * k);
    let mut labour = Vec::with_capacity(hi - lo);
    let mut demand = Vec::with_capacity(hi - lo);
    let mut rows: Vec<usize> = Vec::with_capacity(k);
    let mut weights: Vec<f64> = Vec::with_capacity(k);
    for j in lo..hi {
        rows.clear();
        weights.clear();
        let mut attempts = 0;
        while rows.len() < k {
            // A narrow neighbourhood may hold fewer than k distinct inputs: after
            // enough attempts, draw from all products (always terminates, k < n).
            attempts += 1;
            let i = if attempts > 32 * k {
                rng.below(n)
            } else {
                draw_input(&mut rng, settings, j, rows.len())
            };
            if i != j && !rows.contains(&i) {
                rows.push(i);
            }
        }
        let s = rng.range(settings.column_sum_low, settings.column_sum_high);
        for _ in 0..k {
            weights.push(rng.uniform() + 0.05);
        }
        let total: f64 = weights.iter().sum();
        for (&i, &w) in rows.iter().zip(&weights) {
            triplets.push((i as u32, j as u32, w * s / total));
        }
        labour.push(rng.range(0.1, 1.0));
        demand.push(rng.uniform());
    }
    (triplets, labour, demand)
}

fn draw_input(rng: &mut Rng, s: &GeneratorSettings, j: usize, slot: usize) -> usize {
    let n = s.n;
    match s.structure {
        Structure::Random => rng.below(n),
        Structure::Local => {
            let basic = (n / 1000).max(1);
            if slot < 2 && basic > 2 {
                rng.below(basic)
            } else if slot < 2 {
                // Too few basic goods for two distinct ones: draw any product.
                rng.below(n)
            } else {
                let off = 1 + rng.below(s.bandwidth);
                if rng.below(2) == 0 {
                    j.saturating_sub(off)
                } else {
                    (j + off).min(n - 1)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_columns_have_the_promised_shape() {
        for structure in [Structure::Random, Structure::Local] {
            let s = GeneratorSettings {
                n: 5000,
                k: 7,
                structure,
                seed: 3,
                ..Default::default()
            };
            let e = generate(&s).unwrap();
            assert_eq!(e.a.nnz(), 5000 * 7);
            let sums = e.a.column_sums();
            assert!(sums.iter().all(|&c| (0.6..0.9).contains(&c)));
            assert!(e.a.diagonal().iter().all(|&d| d == 0.0));
            assert!(e.labour.iter().all(|&l| (0.1..1.0).contains(&l)));
            // Same seed, same bits, whatever the thread count.
            let again = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap()
                .install(|| generate(&s).unwrap());
            assert_eq!(again, e);
        }
        // A part is the same bits as the whole's products.
        let s = GeneratorSettings {
            n: 10_000,
            ..Default::default()
        };
        let whole = generate(&s).unwrap();
        let part = generate_products(&s, 4096..10_000).unwrap();
        assert_eq!(&part.labour[..], &whole.labour[4096..]);
        let a = CsrMatrix::try_from_triplets(10_000, 10_000, part.entries).unwrap();
        let tail: Vec<_> = whole.a.triplets().filter(|t| t.1 >= 4096).collect();
        let got: Vec<_> = a.triplets().collect();
        assert_eq!(got, tail);
        assert_eq!(a.nnz(), 10 * (10_000 - 4096));
        assert!(generate_products(&s, 100..200).is_err());
        assert!(generate(&GeneratorSettings {
            k: 0,
            ..Default::default()
        })
        .is_err());
    }
}
