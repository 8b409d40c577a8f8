//! The ghost exchange of one sparse product: which entries of the input vector this rank needs
//! from other ranks, and which of its own it sends them, planned once and run before every
//! product.
//!
//! A rank's rows of a matrix refer to input entries by global index. [`GhostPlan::build`]
//! rewrites those indices into positions of the extended vector `[own entries | ghosts]`
//! (ghosts sorted by global index, hence grouped by owner in rank order), and asks every owner
//! for its part. [`GhostPlan::with_ghosts`] then fills the extended vector with one personalised
//! exchange.

use super::comm::Communicator;
use super::Layout;
use rayon::prelude::*;
use std::sync::Mutex;

/// The plan of one product's ghost exchange, with its reusable buffers.
#[derive(Debug, Default)]
pub(crate) struct GhostPlan {
    /// Own local indices to send, grouped by destination rank.
    send_idx: Vec<u32>,
    send_counts: Vec<usize>,
    /// Ghosts received from each rank (they fill `ext[own..]` in rank order).
    recv_counts: Vec<usize>,
    /// `[own entries | ghosts]` and the send buffer, reused by every product.
    scratch: Mutex<(Vec<f64>, Vec<f64>)>,
}

impl GhostPlan {
    /// Plans the exchange for input indices `idx` (global, into `input`), rewriting them in
    /// place into positions of `[own | ghosts]`, where `own` is this rank's range of `input`.
    /// Collective.
    pub(crate) fn build(comm: &dyn Communicator, input: &Layout, idx: &mut [u32]) -> GhostPlan {
        let range = input.range(comm.rank());
        let (lo, own) = (range.start, range.len());
        let outside = |b: usize| b < lo || b >= lo + own;
        let mut ghosts: Vec<usize> = idx
            .iter()
            .map(|&b| b as usize)
            .filter(|&b| outside(b))
            .collect();
        ghosts.par_sort_unstable();
        ghosts.dedup();
        let p = comm.size();
        let mut recv_counts = vec![0usize; p];
        for &g in &ghosts {
            recv_counts[input.owner(g)] += 1;
        }
        idx.par_iter_mut().for_each(|b| {
            let g = *b as usize;
            *b = if outside(g) {
                (own + ghosts.partition_point(|&h| h < g)) as u32
            } else {
                (g - lo) as u32
            };
        });
        // Tell every owner which of its entries this rank needs.
        let wanted: Vec<u64> = ghosts.iter().map(|&g| g as u64).collect();
        let (asked, send_counts) = comm.exchange_u64(&wanted, &recv_counts);
        let send_idx: Vec<u32> = asked.iter().map(|&g| (g as usize - lo) as u32).collect();
        let ext = vec![0.0; own + ghosts.len()];
        let send = vec![0.0; send_idx.len()];
        GhostPlan {
            send_idx,
            send_counts,
            recv_counts,
            scratch: Mutex::new((ext, send)),
        }
    }

    /// Ghost entries received per product.
    pub(crate) fn received(&self) -> usize {
        self.recv_counts.iter().sum()
    }

    /// Entries sent per product.
    pub(crate) fn sent(&self) -> usize {
        self.send_idx.len()
    }

    /// Bytes held by the plan and its buffers.
    pub(crate) fn heap_bytes(&self) -> usize {
        let s = self
            .scratch
            .lock()
            .map(|s| s.0.len() + s.1.len())
            .unwrap_or(0);
        4 * self.send_idx.len() + 8 * s
    }

    /// Runs `f` on `[own | ghosts]` after the exchange (on one rank, on `own` itself: no copy).
    /// Collective when there is more than one rank.
    pub(crate) fn with_ghosts<R>(
        &self,
        comm: &dyn Communicator,
        own: &[f64],
        f: impl FnOnce(&[f64]) -> R,
    ) -> R {
        if comm.size() == 1 {
            return f(own);
        }
        let mut guard = self.scratch.lock().unwrap_or_else(|p| p.into_inner());
        let (ext, send) = &mut *guard;
        let n = own.len();
        ext[..n].copy_from_slice(own);
        for (s, &k) in send.iter_mut().zip(&self.send_idx) {
            *s = own[k as usize];
        }
        comm.exchange_f64(send, &self.send_counts, &mut ext[n..], &self.recv_counts);
        f(ext)
    }
}
