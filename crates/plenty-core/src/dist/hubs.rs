//! Hub rows split over the ranks: the rows of the products nearly every product uses.
//!
//! A hub's row of `A` touches columns on every rank. Kept on its owner like any row, it makes
//! that rank receive nearly the whole input vector as ghosts before every product, and hold
//! far more non-zeros than the others (the basic goods of a generated economy of 10⁷ products
//! put 60 % of the rows' non-zeros and n/2 ghosts on rank 0 of 2).
//!
//! Split, each rank sums every hub row over its own columns (it already holds those entries
//! among its columns), and sends the partial sums to the hubs' owners, which add them in rank
//! order:
//!
//! ```text
//!   y_h = Σ_r s_{h,r},   s_{h,r} = Σ_{j owned by r} a_hj p_j    (j ascending; r ascending)
//! ```
//!
//! Each rank then sends `|H|` numbers per product instead of its share of the vector, and the
//! hubs' non-zeros are spread with their columns. The price: a hub's sum is cut where the rank
//! boundaries fall, so **its bits depend on the number of ranks** (they are the same for a
//! given number of ranks, and agree across rank counts to the solver's tolerance). The default,
//! [`HubRows::Ghosts`], keeps the bits of one process on every rank count.

use super::assemble::Placed;
use super::comm::Communicator;
use super::Layout;
use rayon::prelude::*;
use std::sync::Mutex;

/// How the rows of the hubs are multiplied across ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubRows {
    /// Like every row, on its owner, with the ghosts of every column it touches: the same bits
    /// on any number of ranks, and as one process.
    #[default]
    Ghosts,
    /// Rows with at least [`HUB_FACTOR`] times the mean number of entries per row (and at
    /// least [`HUB_MIN`]) are summed by every rank over its own columns and the partial sums
    /// added by the owner in rank order: few ghosts and balanced non-zeros, but bits that depend
    /// on the number of ranks.
    Split,
}

/// A row is a hub when it has at least this many times the mean entries per row…
pub const HUB_FACTOR: usize = 32;
/// … and at least this many entries.
pub const HUB_MIN: usize = 64;

/// This rank's share of the hub rows and the plan of their partial sums' exchange.
#[derive(Debug)]
pub(crate) struct HubPart {
    /// Local rows of the hubs this rank owns, ascending.
    mine: Vec<usize>,
    /// Entries of every hub `h` (of all `|H|`, in global order) in this rank's columns:
    /// `col[ptr[h]..ptr[h+1]]` (local columns, ascending) and their values.
    ptr: Vec<usize>,
    col: Vec<u32>,
    val: Vec<f64>,
    /// Partial sums sent to each rank (the hubs it owns) and received from each (`mine.len()`).
    send_counts: Vec<usize>,
    recv_counts: Vec<usize>,
    /// Partial sums, and the ones received, reused by every product.
    scratch: Mutex<(Vec<f64>, Vec<f64>)>,
}

impl HubPart {
    /// Finds the hub rows among this rank's `rows` (global column indices, before the ghost
    /// plan), moves their entries out of the rows, and gathers every hub's entries in this
    /// rank's `cols` (global row indices). `None` when the matrix has no hub (on every rank
    /// alike). Collective.
    pub(crate) fn split(
        comm: &dyn Communicator,
        layout: &Layout,
        rows: &mut Placed,
        cols: &Placed,
    ) -> Option<HubPart> {
        let lo = layout.range(comm.rank()).start;
        let own = rows.ptr.len() - 1;
        let (nnz, _) = comm.all_gather_u64(&[rows.val.len() as u64]);
        let mean = (nnz.iter().sum::<u64>() as usize).div_ceil(layout.n().max(1));
        let least = (HUB_FACTOR * mean).max(HUB_MIN);
        let mine: Vec<usize> = (0..own)
            .filter(|&r| rows.ptr[r + 1] - rows.ptr[r] >= least)
            .collect();
        let global: Vec<u64> = mine.iter().map(|&r| (lo + r) as u64).collect();
        let (hubs, per_rank) = comm.all_gather_u64(&global);
        if hubs.is_empty() {
            return None;
        }
        drop_rows(rows, &mine);
        // Every hub's entries in this rank's columns, columns ascending.
        let hub_of = |i: u32| hubs.binary_search(&u64::from(i)).ok();
        let mut ptr = vec![0usize; hubs.len() + 1];
        for &i in &cols.idx {
            if let Some(h) = hub_of(i) {
                ptr[h + 1] += 1;
            }
        }
        for h in 0..hubs.len() {
            ptr[h + 1] += ptr[h];
        }
        let mut next = ptr[..hubs.len()].to_vec();
        let mut col = vec![0u32; ptr[hubs.len()]];
        let mut val = vec![0.0; ptr[hubs.len()]];
        for c in 0..cols.ptr.len() - 1 {
            for k in cols.ptr[c]..cols.ptr[c + 1] {
                if let Some(h) = hub_of(cols.idx[k]) {
                    col[next[h]] = c as u32;
                    val[next[h]] = cols.val[k];
                    next[h] += 1;
                }
            }
        }
        let recv_counts = vec![mine.len(); comm.size()];
        let scratch = Mutex::new((vec![0.0; hubs.len()], vec![0.0; mine.len() * comm.size()]));
        Some(HubPart {
            mine,
            ptr,
            col,
            val,
            send_counts: per_rank,
            recv_counts,
            scratch,
        })
    }

    /// Number of hub rows (of the whole matrix).
    pub(crate) fn count(&self) -> usize {
        self.ptr.len() - 1
    }

    /// Hub entries held by this rank.
    pub(crate) fn nnz(&self) -> usize {
        self.val.len()
    }

    /// Partial sums this rank sends per product.
    pub(crate) fn sent(&self) -> usize {
        self.count()
    }

    /// Bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        8 * (self.ptr.len() + self.mine.len() + self.val.len())
            + 4 * self.col.len()
            + 8 * (self.count() + self.mine.len() * self.recv_counts.len())
    }

    /// Writes `y_h = Σ_r s_{h,r}` into this rank's hub rows of `y` (own entries of `A p`), from
    /// this rank's own `p`. Collective.
    pub(crate) fn multiply(&self, comm: &dyn Communicator, p: &[f64], y: &mut [f64]) {
        let mut guard = self.scratch.lock().unwrap_or_else(|e| e.into_inner());
        let (partial, received) = &mut *guard;
        partial.par_iter_mut().enumerate().for_each(|(h, s)| {
            let range = self.ptr[h]..self.ptr[h + 1];
            *s = self.col[range.clone()]
                .iter()
                .zip(&self.val[range])
                .fold(0.0, |acc, (&c, &v)| acc + v * p[c as usize]);
        });
        comm.exchange_f64(partial, &self.send_counts, received, &self.recv_counts);
        let m = self.mine.len();
        for (k, &r) in self.mine.iter().enumerate() {
            y[r] = (0..self.recv_counts.len()).fold(0.0, |acc, rank| acc + received[rank * m + k]);
        }
    }
}

/// Empties the rows `gone` (ascending local rows) of `rows`, compacting its arrays.
fn drop_rows(rows: &mut Placed, gone: &[usize]) {
    let own = rows.ptr.len() - 1;
    let mut at = 0;
    let mut g = gone.iter().peekable();
    let mut start = rows.ptr[0];
    for r in 0..own {
        let end = rows.ptr[r + 1];
        if g.peek() == Some(&&r) {
            g.next();
        } else {
            rows.idx.copy_within(start..end, at);
            rows.val.copy_within(start..end, at);
            at += end - start;
        }
        start = end;
        rows.ptr[r + 1] = at;
    }
    rows.idx.truncate(at);
    rows.val.truncate(at);
    rows.idx.shrink_to_fit();
    rows.val.shrink_to_fit();
}
