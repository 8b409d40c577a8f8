//! `A` spread over ranks: each rank keeps the rows and the columns of its own products, and
//! exchanges ghost entries before each product.
//!
//! ```text
//!   rank r owns products lo..hi           y = A p:   rows lo..hi of A,    needs p_j of
//!                                                    every column j they touch (ghosts:
//!   ┌───────────────┐                                the j outside lo..hi)
//!   │   rows lo..hi │  ← y_lo..hi
//!   └───────────────┘                     z = Aᵀ q:  columns lo..hi of A, needs q_i of
//!         ┌──┐                                       every row i they touch
//!         │co│
//!         │ls│  ← z_lo..hi
//!         └──┘
//! ```
//!
//! Keeping both the rows and the columns doubles the matrix (24 bytes per non-zero per rank
//! instead of 12) and makes both products gathers: every output entry is summed on one rank, by
//! one thread, in an order fixed by the matrix alone. That order is the tiled kernel's
//! ([`crate::tiled`]): tile by tile starting at the diagonal tile, so the products have the bits
//! of the single-process solve. A transposed product by scattering from the rows would have
//! sent partial sums to their owners, whose order of arrival depends on the rank count.

use super::comm::{offsets, Communicator};
use super::ghosts::GhostPlan;
use super::values::agree_on_error;
use super::Layout;
use crate::iterative::LinearOperator;
use crate::tiled::block_size;
use rayon::prelude::*;

/// Rows per parallel task (fixed: the result does not depend on it, only the scheduling).
const ROWS_PER_TASK: usize = 1024;

/// One direction of the products: local rows (or columns) with indices into
/// `[own entries | ghosts]`, and the plan of the ghost exchange.
#[derive(Debug)]
pub(crate) struct Half {
    pub(crate) ptr: Vec<usize>,
    pub(crate) idx: Vec<u32>,
    pub(crate) val: Vec<f64>,
    pub(crate) ghosts: GhostPlan,
}

/// This rank's part of a square sparse matrix `A` of order `n`.
pub struct DistMatrix<'c> {
    layout: Layout,
    comm: &'c dyn Communicator,
    lo: usize,
    own: usize,
    rows: Half,
    cols: Half,
    diagonal: Vec<f64>,
}

impl std::fmt::Debug for DistMatrix<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistMatrix")
            .field("rank", &self.comm.rank())
            .field("first", &self.lo)
            .field("own", &self.own)
            .field("nnz", &self.local_nnz())
            .field("ghosts", &self.ghosts())
            .finish()
    }
}

/// Entries `(i, j, a_ij)` with global indices.
pub type Triplets = Vec<(u32, u32, f64)>;

impl<'c> DistMatrix<'c> {
    /// Builds the parts from entries spread over the ranks in any way (each entry on exactly
    /// one rank; a rank may hold none). The entries are routed to the owners of their rows and
    /// of their columns. Collective.
    ///
    /// Errors (on every rank alike) name an entry out of range, not finite, or given twice.
    pub fn from_triplets(
        comm: &'c dyn Communicator,
        layout: &Layout,
        entries: Triplets,
    ) -> Result<Self, String> {
        let n = layout.n();
        let bad = entries
            .iter()
            .find(|&&(i, j, v)| i as usize >= n || j as usize >= n || !v.is_finite())
            .map(|&(i, j, v)| format!("entry ({i}, {j}) = {v} is out of range or not finite"));
        agree_on_error(comm, bad)?;
        // Stored zeros add nothing; the single-process matrices drop them too.
        let mut entries = entries;
        entries.retain(|e| e.2 != 0.0);
        // Rows first, then the columns from the rows, so that at most two copies of this
        // rank's entries (16 bytes each) are alive, plus bounded exchange buffers.
        let by_row = route(comm, layout, &entries, |&(i, _, _)| i as usize);
        drop(entries);
        let by_col = route(comm, layout, &by_row, |&(_, j, _)| j as usize);
        let me = comm.rank();
        let range = layout.range(me);
        let (lo, own) = (range.start, range.len());
        let block = block_size(n);
        let nb = n.div_ceil(block).max(1);
        let rows = Half::build(comm, layout, lo, own, by_row, true, block, nb)?;
        let cols = Half::build(comm, layout, lo, own, by_col, false, block, nb)?;
        let mut diagonal = vec![0.0; own];
        for (r, d) in diagonal.iter_mut().enumerate() {
            for k in rows.ptr[r]..rows.ptr[r + 1] {
                if rows.idx[k] as usize == r {
                    *d += rows.val[k];
                }
            }
        }
        Ok(Self {
            layout: layout.clone(),
            comm,
            lo,
            own,
            rows,
            cols,
            diagonal,
        })
    }

    /// The layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// First product this rank owns.
    pub fn first(&self) -> usize {
        self.lo
    }

    /// Non-zeros stored on this rank (rows and columns each hold them once).
    pub fn local_nnz(&self) -> usize {
        self.rows.val.len()
    }

    /// Ghost entries this rank receives per product with `A` and with `Aᵀ`.
    pub fn ghosts(&self) -> (usize, usize) {
        (self.rows.ghosts.received(), self.cols.ghosts.received())
    }

    /// Bytes this rank sends in one product with `A` and one with `Aᵀ`.
    pub fn bytes_per_product_pair(&self) -> usize {
        8 * (self.rows.ghosts.sent() + self.cols.ghosts.sent())
    }

    /// Bytes held (matrix, exchange plans, scratch).
    pub fn heap_bytes(&self) -> usize {
        self.rows.heap_bytes() + self.cols.heap_bytes() + 8 * self.diagonal.len()
    }
}

/// Entries sent per round of [`route`]: bounds its buffers (32 bytes per entry, both ways) to
/// a few hundred megabytes whatever the size of the economy. (Small in the unit tests, so that
/// they go through many rounds.)
const ROUTE_ROUND: usize = if cfg!(test) { 1 << 12 } else { 1 << 23 };

/// Sends every entry to the rank that `key` names, and returns what this rank received (in
/// the order of the sending ranks). Entries go in rounds of at most [`ROUTE_ROUND`] per rank;
/// every rank takes part in every round.
pub(crate) fn route(
    comm: &dyn Communicator,
    layout: &Layout,
    entries: &[(u32, u32, f64)],
    key: impl Fn(&(u32, u32, f64)) -> usize,
) -> Triplets {
    let p = comm.size();
    let (all, _) = comm.all_gather_u64(&[entries.len() as u64]);
    let most = all.iter().copied().max().unwrap_or(0) as usize;
    let rounds = most.div_ceil(ROUTE_ROUND).max(1);
    let mut received = Triplets::new();
    for round in 0..rounds {
        let from = (round * ROUTE_ROUND).min(entries.len());
        let batch = &entries[from..(from + ROUTE_ROUND).min(entries.len())];
        let mut counts = vec![0usize; p];
        for e in batch {
            counts[layout.owner(key(e))] += 1;
        }
        let mut at = offsets(&counts);
        let mut idx = vec![0u64; batch.len()];
        let mut val = vec![0.0; batch.len()];
        for e in batch {
            let k = &mut at[layout.owner(key(e))];
            idx[*k] = (u64::from(e.0) << 32) | u64::from(e.1);
            val[*k] = e.2;
            *k += 1;
        }
        let (got, recv_counts) = comm.exchange_u64(&idx, &counts);
        drop(idx);
        let mut vals = vec![0.0; got.len()];
        comm.exchange_f64(&val, &counts, &mut vals, &recv_counts);
        received.extend(
            got.into_iter()
                .zip(vals)
                .map(|(k, v)| ((k >> 32) as u32, k as u32, v)),
        );
    }
    received
}

impl Half {
    /// Builds one direction from the entries this rank received: its rows of `A` (`by_rows`)
    /// or its columns, sorted into the tiled kernel's order, with local indices.
    #[allow(clippy::too_many_arguments)]
    fn build(
        comm: &dyn Communicator,
        layout: &Layout,
        lo: usize,
        own: usize,
        entries: Vec<(u32, u32, f64)>,
        by_rows: bool,
        block: usize,
        nb: usize,
    ) -> Result<Half, String> {
        // The tiled kernel sums row i over the tiles c = r(i), r(i)+1, … (wrapping) and column
        // j over r = c(j), c(j)−1, …, each tile in index order: the key is the distance in
        // tiles, then the index. `e` holds (own index a, other index b, value).
        let mut e = entries;
        if !by_rows {
            e.par_iter_mut().for_each(|t| *t = (t.1, t.0, t.2));
        }
        e.par_sort_unstable_by_key(|&(a, b, _)| {
            let (ta, tb) = (a as usize / block, b as usize / block);
            let distance = if by_rows {
                (tb + nb - ta) % nb
            } else {
                (ta + nb - tb) % nb
            };
            (a, distance, b)
        });
        Half::from_sorted(comm, layout, lo, own, e, !by_rows)
    }

    /// Builds one direction from entries `(own index a, input index b, value)`, sorted by `a`
    /// and, within `a`, in the order the product must add them; `lo..lo + own` are this
    /// rank's outputs, `input` spreads the input vector. `transposed` says that `(a, b)` is the
    /// entry `(b, a)` of the matrix (for the error message). Collective.
    pub(crate) fn from_sorted(
        comm: &dyn Communicator,
        input: &Layout,
        lo: usize,
        own: usize,
        e: Vec<(u32, u32, f64)>,
        transposed: bool,
    ) -> Result<Half, String> {
        // Sorted by a, and an entry given twice has one key: duplicates are neighbours.
        let twice = e
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
            .map(|w| {
                let (i, j) = if transposed {
                    (w[0].1, w[0].0)
                } else {
                    (w[0].0, w[0].1)
                };
                format!("entry ({i}, {j}) is given twice")
            });
        agree_on_error(comm, twice)?;
        let mut ptr = vec![0usize; own + 1];
        for t in &e {
            ptr[t.0 as usize - lo + 1] += 1;
        }
        for r in 0..own {
            ptr[r + 1] += ptr[r];
        }
        let mut idx: Vec<u32> = e.iter().map(|t| t.1).collect();
        let val: Vec<f64> = e.iter().map(|t| t.2).collect();
        drop(e);
        let ghosts = GhostPlan::build(comm, input, &mut idx);
        Ok(Half {
            ptr,
            idx,
            val,
            ghosts,
        })
    }

    fn heap_bytes(&self) -> usize {
        8 * self.ptr.len() + 4 * self.idx.len() + 8 * self.val.len() + self.ghosts.heap_bytes()
    }

    /// `out_r = Σ_k val_k · x_ext[idx_k]` over this rank's rows (or columns), after the ghost
    /// exchange.
    fn product(&self, comm: &dyn Communicator, x: &[f64], out: &mut [f64]) {
        self.ghosts.with_ghosts(comm, x, |ext| {
            out.par_chunks_mut(ROWS_PER_TASK)
                .enumerate()
                .for_each(|(t, block)| {
                    let first = t * ROWS_PER_TASK;
                    for (r, o) in block.iter_mut().enumerate() {
                        let range = self.ptr[first + r]..self.ptr[first + r + 1];
                        let mut s = 0.0;
                        for (&j, &v) in self.idx[range.clone()].iter().zip(&self.val[range]) {
                            s += v * ext[j as usize];
                        }
                        *o = s;
                    }
                });
        })
    }
}

impl LinearOperator for DistMatrix<'_> {
    fn n(&self) -> usize {
        self.own
    }
    fn mul(&self, p: &[f64], y: &mut [f64]) {
        self.rows.product(self.comm, p, y)
    }
    fn mul_transpose(&self, q: &[f64], z: &mut [f64]) {
        self.cols.product(self.comm, q, z)
    }
    fn diagonal(&self) -> Vec<f64> {
        self.diagonal.clone()
    }
}
