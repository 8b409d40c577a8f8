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

use super::assemble::{place_halves, with_ghosts};
use super::comm::Communicator;
use super::ghosts::GhostPlan;
use super::hubs::{HubPart, HubRows};
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
    /// The hub rows, when split over the ranks.
    hubs: Option<HubPart>,
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
        Self::assemble(comm, layout, entries, HubRows::Ghosts)
    }

    /// [`DistMatrix::from_triplets`], with the hub rows multiplied as `hubs` says
    /// ([`super::hubs`]). Collective.
    pub fn assemble(
        comm: &'c dyn Communicator,
        layout: &Layout,
        entries: Triplets,
        hubs: HubRows,
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
        let me = comm.rank();
        let range = layout.range(me);
        let (lo, own) = (range.start, range.len());
        let block = block_size(n);
        let nb = n.div_ceil(block).max(1);
        // The tiled kernel sums row i over the tiles c = r(i), r(i)+1, … (wrapping) and column
        // j over r = c(j), c(j)−1, …, each tile in index order: the key is the distance in
        // tiles (the index breaks ties).
        let tile = |k: u32| k as usize / block;
        let row_order = move |i: u32, j: u32| ((tile(j) + nb - tile(i)) % nb) as u64;
        let col_order = move |j: u32, i: u32| ((tile(j) + nb - tile(i)) % nb) as u64;
        let (mut rows, cols) = place_halves(comm, layout, layout, entries, &row_order, &col_order)?;
        let mut diagonal = vec![0.0; own];
        for (r, d) in diagonal.iter_mut().enumerate() {
            for k in rows.ptr[r]..rows.ptr[r + 1] {
                if rows.idx[k] as usize == lo + r {
                    *d += rows.val[k];
                }
            }
        }
        let hubs = match hubs {
            HubRows::Ghosts => None,
            HubRows::Split => HubPart::split(comm, layout, &mut rows, &cols),
        };
        Ok(Self {
            layout: layout.clone(),
            comm,
            lo,
            own,
            rows: with_ghosts(comm, layout, rows),
            cols: with_ghosts(comm, layout, cols),
            hubs,
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

    /// Non-zeros of the rows stored on this rank (the columns hold as many again), hub rows'
    /// entries in its columns included.
    pub fn local_nnz(&self) -> usize {
        self.rows.val.len() + self.hubs.as_ref().map_or(0, HubPart::nnz)
    }

    /// Hub rows split over the ranks (0 unless assembled with [`HubRows::Split`] and the
    /// matrix has hubs).
    pub fn hub_rows(&self) -> usize {
        self.hubs.as_ref().map_or(0, HubPart::count)
    }

    /// Ghost entries this rank receives per product with `A` and with `Aᵀ`.
    pub fn ghosts(&self) -> (usize, usize) {
        (self.rows.ghosts.received(), self.cols.ghosts.received())
    }

    /// Bytes this rank sends in one product with `A` and one with `Aᵀ`.
    pub fn bytes_per_product_pair(&self) -> usize {
        8 * (self.rows.ghosts.sent()
            + self.cols.ghosts.sent()
            + self.hubs.as_ref().map_or(0, HubPart::sent))
    }

    /// Bytes held (matrix, exchange plans, scratch).
    pub fn heap_bytes(&self) -> usize {
        self.rows.heap_bytes()
            + self.cols.heap_bytes()
            + self.hubs.as_ref().map_or(0, HubPart::heap_bytes)
            + 8 * self.diagonal.len()
    }
}

impl Half {
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
        self.rows.product(self.comm, p, y);
        if let Some(h) = &self.hubs {
            h.multiply(self.comm, p, y);
        }
    }
    fn mul_transpose(&self, q: &[f64], z: &mut [f64]) {
        self.cols.product(self.comm, q, z)
    }
    fn diagonal(&self) -> Vec<f64> {
        self.diagonal.clone()
    }
}
