//! Solves spread over several ranks (processes, or nodes of a cluster).
//!
//! # The scheme
//!
//! The products `0..n` are cut into contiguous ranges, one per rank ([`Layout`]). A rank holds
//! the entries of its range of every vector, the rows of `A` whose output it owns and the
//! columns of `A` whose input it owns ([`DistMatrix`]), and the *ghost* entries: the entries of
//! another rank's range that its rows or columns refer to. Before each product the ghosts are
//! exchanged, once, in one personalised exchange.
//!
//! # Determinism across rank counts
//!
//! The single-process kernels already promise the same bits on any number of threads: vectors
//! are reduced in fixed chunks whose sums are added in order. The distributed solves keep that
//! promise across ranks:
//!
//! * rank boundaries fall on chunk boundaries (the layout's `granule`), so every chunk lies on
//!   one rank and its partial sum has the same bits wherever it is computed;
//! * a reduction gathers every chunk's partial sum to every rank, which adds them in the global
//!   order ([`Space::sum`]): `n / granule` numbers per reduction instead of one, which is a few
//!   kilobytes even at `n = 10⁸`;
//! * a product `y_i = Σ_j a_ij p_j` adds its terms in an order fixed by the matrix alone (the
//!   order of the tiled single-process kernel, [`crate::tiled`]), whoever owns `p_j`.
//!
//! So with the default granule ([`crate::kernels::CHUNK`]) a solve has the same bits on 1, 2 or
//! 4 ranks, on any number of threads, and as the single-process iterative solve. A smaller
//! granule (to spread a small table over several ranks) gives the same bits on any rank count
//! with that granule, and agrees with the single-process solve to the tolerance.

pub(crate) mod assemble;
pub mod comm;
pub(crate) mod ghosts;
pub mod hubs;
pub mod leontief;
pub mod matrix;
pub mod partition;
pub mod productivity;
pub mod values;

pub use crate::lp::pdlp::{solve_lp, solve_lp_checkpointed, DistLpReport, DistLpSolved, LpShare};
pub use comm::{CommStats, Communicator, LocalComm, LocalRanks, SingleRank};
pub use hubs::HubRows;
pub use leontief::{solve_leontief, solve_leontief_checkpointed, DistSolveReport, DistSolved};
pub use matrix::DistMatrix;
pub use partition::{ghost_counts, locality_order, measure_spread, Ordering, SpreadMeasure};

use crate::kernels::CHUNK;

/// How the products `0..n` are spread over the ranks: rank `r` owns `offsets[r]..offsets[r+1]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    n: usize,
    granule: usize,
    offsets: Vec<usize>,
}

impl Layout {
    /// Contiguous ranges of whole granules, as even as the granule allows (the first ranks get
    /// one granule more). `granule` is also the chunk of every reduction; the default
    /// [`crate::kernels::CHUNK`] gives the single-process solver's bits.
    pub fn contiguous(n: usize, ranks: usize, granule: usize) -> Self {
        assert!(ranks >= 1 && granule >= 1);
        let granules = n.div_ceil(granule);
        let (base, extra) = (granules / ranks, granules % ranks);
        let mut offsets = Vec::with_capacity(ranks + 1);
        offsets.push(0);
        for r in 0..ranks {
            let take = base + usize::from(r < extra);
            offsets.push((offsets[r] + take * granule).min(n));
        }
        Self {
            n,
            granule,
            offsets,
        }
    }

    /// The layout with the default granule.
    pub fn even(n: usize, ranks: usize) -> Self {
        Self::contiguous(n, ranks, CHUNK)
    }

    /// Builds a layout from explicit rank boundaries (as read from a sharded economy).
    /// Boundaries must start at 0, end at `n`, not decrease, and be multiples of `granule`
    /// (except `n`).
    pub fn from_offsets(n: usize, granule: usize, offsets: Vec<usize>) -> Result<Self, String> {
        if granule == 0 {
            return Err("the granule must be at least 1".into());
        }
        if offsets.first() != Some(&0) || offsets.last() != Some(&n) {
            return Err(format!("rank boundaries must run from 0 to {n}"));
        }
        if offsets.windows(2).any(|w| w[0] > w[1]) {
            return Err("rank boundaries must not decrease".into());
        }
        if let Some(o) = offsets
            .iter()
            .find(|&&o| o != n && !o.is_multiple_of(granule))
        {
            return Err(format!(
                "rank boundary {o} is not a multiple of the granule {granule}"
            ));
        }
        Ok(Self {
            n,
            granule,
            offsets,
        })
    }

    /// Number of products.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Number of ranks.
    pub fn ranks(&self) -> usize {
        self.offsets.len() - 1
    }
    /// Chunk of every reduction (rank boundaries are multiples of it).
    pub fn granule(&self) -> usize {
        self.granule
    }
    /// Rank boundaries, `ranks() + 1` of them.
    pub fn offsets(&self) -> &[usize] {
        &self.offsets
    }
    /// The products rank `r` owns.
    pub fn range(&self, r: usize) -> std::ops::Range<usize> {
        self.offsets[r]..self.offsets[r + 1]
    }
    /// The rank that owns product `i`.
    pub fn owner(&self, i: usize) -> usize {
        // The last boundary ≤ i whose range is not empty.
        self.offsets.partition_point(|&o| o <= i) - 1
    }
    /// Reduction chunks on each rank.
    fn chunk_counts(&self) -> Vec<usize> {
        (0..self.ranks())
            .map(|r| self.range(r).len().div_ceil(self.granule))
            .collect()
    }
}

/// The local part of the vector space of a solve: the layout, this rank's communicator, and
/// the deterministic reductions over all ranks.
pub struct Space<'c> {
    chunk: usize,
    comm: &'c dyn Communicator,
    /// Chunks per rank (to gather the chunk sums).
    chunk_counts: Vec<usize>,
    /// Entries per rank.
    lens: Vec<usize>,
}

/// The space of a single-process solve.
pub(crate) static SINGLE_RANK: SingleRank = SingleRank::new();

impl<'c> Space<'c> {
    /// This rank's part of `layout`.
    pub fn new(layout: &Layout, comm: &'c dyn Communicator) -> Self {
        assert_eq!(layout.ranks(), comm.size(), "one layout range per rank");
        let chunk_counts = layout.chunk_counts();
        Self {
            chunk: layout.granule,
            comm,
            chunk_counts,
            lens: (0..layout.ranks()).map(|r| layout.range(r).len()).collect(),
        }
    }

    /// One process holding vectors of length `n`, with the kernels' chunk.
    pub(crate) fn single(n: usize) -> Space<'static> {
        Space {
            chunk: CHUNK,
            comm: &SINGLE_RANK,
            chunk_counts: vec![n.div_ceil(CHUNK)],
            lens: vec![n],
        }
    }

    /// One process holding vectors of length `n`, reducing in chunks of `chunk`.
    pub(crate) fn single_with_chunk(n: usize, chunk: usize) -> Space<'static> {
        Space {
            chunk,
            comm: &SINGLE_RANK,
            chunk_counts: vec![n.div_ceil(chunk)],
            lens: vec![n],
        }
    }

    /// Entries this rank holds.
    pub fn local_len(&self) -> usize {
        self.lens[self.comm.rank()]
    }

    /// Adds per-chunk partial sums over chunks of `chunk` entries (a divisor of the granule, so
    /// that every chunk lies on one rank) in the global chunk order, as [`Space::sum`] does.
    pub fn sum_chunked<const K: usize>(&self, parts: Vec<[f64; K]>, chunk: usize) -> [f64; K] {
        debug_assert!(self.chunk.is_multiple_of(chunk));
        let mut acc = [0.0; K];
        if self.comm.size() == 1 {
            for p in parts {
                for k in 0..K {
                    acc[k] += p[k];
                }
            }
            return acc;
        }
        let counts: Vec<usize> = self.lens.iter().map(|l| l.div_ceil(chunk) * K).collect();
        debug_assert_eq!(parts.len() * K, counts[self.comm.rank()]);
        let local: Vec<f64> = parts.iter().flatten().copied().collect();
        let mut all = vec![0.0; counts.iter().sum()];
        self.comm.all_gather_f64(&local, &counts, &mut all);
        for p in all.chunks_exact(K) {
            for k in 0..K {
                acc[k] += p[k];
            }
        }
        acc
    }

    /// The largest of every rank's `local[k]`, for each `k` (`f64::max`, so a NaN loses to a
    /// number, as in a local fold).
    pub fn max<const K: usize>(&self, local: [f64; K]) -> [f64; K] {
        if self.comm.size() == 1 {
            return local;
        }
        let p = self.comm.size();
        let mut all = vec![0.0; K * p];
        self.comm.all_gather_f64(&local, &vec![K; p], &mut all);
        let mut out = [f64::NEG_INFINITY; K];
        for r in all.chunks_exact(K) {
            for k in 0..K {
                out[k] = out[k].max(r[k]);
            }
        }
        out
    }

    /// Elements per reduction chunk.
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// The communicator.
    pub fn comm(&self) -> &'c dyn Communicator {
        self.comm
    }

    /// Adds per-chunk partial sums (this rank's chunks, in order) over all ranks, in the global
    /// chunk order: the same bits on any number of ranks.
    pub fn sum<const K: usize>(&self, parts: Vec<[f64; K]>) -> [f64; K] {
        self.sum_chunked(parts, self.chunk)
    }

    /// Whether `local` holds on any rank (every rank gets the same answer).
    pub fn any(&self, local: bool) -> bool {
        let mine = self.chunk_counts[self.comm.rank()];
        let parts: Vec<[f64; 1]> = (0..mine)
            .map(|k| [if k == 0 && local { 1.0 } else { 0.0 }])
            .collect();
        self.sum(parts)[0] > 0.0
    }

    /// `Σ x_i y_i` over all ranks, chunk by chunk as [`crate::kernels::dot`] does.
    pub fn dot(&self, x: &[f64], y: &[f64]) -> f64 {
        use rayon::prelude::*;
        let parts: Vec<[f64; 1]> = x
            .par_chunks(self.chunk)
            .zip(y.par_chunks(self.chunk))
            .map(|(a, b)| [crate::kernels::dot(a, b)])
            .collect();
        self.sum(parts)[0]
    }

    /// Euclidean norm over all ranks.
    pub fn norm2(&self, x: &[f64]) -> f64 {
        self.dot(x, x).sqrt()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The generated economy of the distributed tests: 70 000 products (above four reduction
    /// chunks, so that four ranks each get a part with the default granule), 6 inputs each,
    /// with sector locality and 70 basic goods.
    pub(crate) fn local_economy_70k() -> crate::generate::SyntheticEconomy {
        use crate::generate::{generate, GeneratorSettings, Structure};
        generate(&GeneratorSettings {
            n: 70_000,
            k: 6,
            structure: Structure::Local,
            seed: 18,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn layouts_cut_on_granules_and_find_owners() {
        let l = Layout::contiguous(100, 3, 16);
        assert_eq!(l.offsets(), &[0, 48, 80, 100]);
        for i in 0..100 {
            assert!(l.range(l.owner(i)).contains(&i));
        }
        let tiny = Layout::contiguous(10, 4, 16);
        assert_eq!(tiny.offsets(), &[0, 10, 10, 10, 10]);
        assert_eq!(tiny.owner(9), 0);
        assert!(Layout::from_offsets(100, 16, vec![0, 40, 100]).is_err());
        assert!(Layout::from_offsets(100, 16, vec![0, 48, 100]).is_ok());
    }

    #[test]
    fn sums_have_the_same_bits_on_any_rank_count() {
        let n = 1000;
        let x: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + i as f64)).collect();
        let reference = {
            let l = Layout::contiguous(n, 1, 8);
            let s = Space::new(&l, &SINGLE_RANK);
            s.dot(&x, &x)
        };
        for ranks in [2, 3, 4] {
            let l = Layout::contiguous(n, ranks, 8);
            let got = LocalRanks::run(ranks, |c| {
                let s = Space::new(&l, c);
                let mine = &x[l.range(c.rank())];
                s.dot(mine, mine)
            });
            for g in got {
                assert_eq!(g.to_bits(), reference.to_bits());
            }
        }
    }
}
