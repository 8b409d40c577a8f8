//! Both halves of a matrix spread over ranks, assembled from entries that arrive from anywhere,
//! in bounded memory.
//!
//! A rank holds its rows of `A` (for `y = A p`) and its columns (for `z = Aᵀ q`), 12 bytes per
//! non-zero each. The entries come from wherever they were read, 16 bytes each. Assembling by
//! routing whole copies and sorting them held up to 44 bytes per non-zero of a rank's share at
//! once (the source, two routed copies and the half being built), plus exchange buffers of a
//! quarter gigabyte: the set-up, not the solve, set the peak memory of a run.
//!
//! Here each half is placed straight into its final arrays, in two passes over the source:
//!
//! 1. every entry's local index is sent to its owner, who counts the entries of each of its
//!    rows (or columns) and so knows where each row starts;
//! 2. the entries are sent again, and each lands in its row's next free slot;
//! 3. each row is sorted in place into the order in which the product adds its terms.
//!
//! The rows are placed from the source, the columns from the rows. Both passes go in rounds of
//! at most [`ROUND`] entries per rank, so the peak is the source (16 bytes) and the rows (12)
//! while the rows are placed, then both halves (24 bytes), plus a few tens of megabytes of
//! buffers.

use super::comm::{offsets, Communicator};
use super::ghosts::GhostPlan;
use super::matrix::Half;
use super::values::agree_on_error;
use super::Layout;
use rayon::prelude::*;
use std::ops::Range;

/// Entries sent per round, per rank (16 bytes each in the batch, 16 in the send buffers and
/// 16 received): bounds the buffers to some 50 MB whatever the size of the matrix. (Small in
/// the unit tests, so that they go through many rounds.)
const ROUND: usize = if cfg!(test) { 1 << 10 } else { 1 << 20 };

/// Rows per parallel task when sorting rows.
const ROWS_PER_TASK: usize = 1024;

/// A half before its ghost plan: row `r` (local) holds `idx[ptr[r]..ptr[r+1]]` (global indices
/// of the other dimension) and their values, in the order of the product.
pub(crate) struct Placed {
    pub(crate) ptr: Vec<usize>,
    pub(crate) idx: Vec<u32>,
    pub(crate) val: Vec<f64>,
}

/// The order in which a product adds the terms of one row (or column): a key of `(own
/// index, other index)`, both global, whose ties are broken by the other index.
pub(crate) type TermOrder<'a> = &'a (dyn Fn(u32, u32) -> u64 + Sync);

/// Builds this rank's rows of `A` (outputs spread by `rows`, inputs by `cols`) and its columns,
/// from `entries` `(i, j, a_ij)` spread over the ranks in any way. Rows add their terms in the
/// order `row_order(i, j)`, columns in `col_order(j, i)`. Collective.
///
/// Errors (on every rank alike) name an entry given twice.
pub(crate) fn assemble_halves(
    comm: &dyn Communicator,
    rows: &Layout,
    cols: &Layout,
    entries: Vec<(u32, u32, f64)>,
    row_order: TermOrder<'_>,
    col_order: TermOrder<'_>,
) -> Result<(Half, Half), String> {
    let (by_rows, by_cols) = place_halves(comm, rows, cols, entries, row_order, col_order)?;
    Ok((
        with_ghosts(comm, cols, by_rows),
        with_ghosts(comm, rows, by_cols),
    ))
}

/// [`assemble_halves`] before the ghost plans: both halves with global indices.
pub(crate) fn place_halves(
    comm: &dyn Communicator,
    rows: &Layout,
    cols: &Layout,
    entries: Vec<(u32, u32, f64)>,
    row_order: TermOrder<'_>,
    col_order: TermOrder<'_>,
) -> Result<(Placed, Placed), String> {
    let source = |r: Range<usize>| entries[r].to_vec();
    let by_rows = place(comm, rows, entries.len(), &source, row_order, false)?;
    drop(entries);
    let lo = rows.range(comm.rank()).start;
    let from_rows = |r: Range<usize>| {
        // Entry k of the rows is in the row whose range holds it.
        let mut row = by_rows.ptr.partition_point(|&p| p <= r.start) - 1;
        r.map(|k| {
            while by_rows.ptr[row + 1] <= k {
                row += 1;
            }
            (by_rows.idx[k], (lo + row) as u32, by_rows.val[k])
        })
        .collect()
    };
    let by_cols = place(comm, cols, by_rows.val.len(), &from_rows, col_order, true)?;
    Ok((by_rows, by_cols))
}

/// Rewrites a placed half's indices into positions of `[own | ghosts]` and plans the exchange.
pub(crate) fn with_ghosts(comm: &dyn Communicator, input: &Layout, p: Placed) -> Half {
    let Placed { ptr, mut idx, val } = p;
    let ghosts = GhostPlan::build(comm, input, &mut idx);
    Half {
        ptr,
        idx,
        val,
        ghosts,
    }
}

/// Places the `len` entries of `source` (each `(own index a, other index b, value)`, global;
/// `source(range)` yields entries `range` of this rank) on the owners of `a` under `layout`, row
/// `a` sorted by `order(a, b)`. `transposed` says that `(a, b)` is the entry `(b, a)` of the
/// matrix (for the error message). Collective.
fn place(
    comm: &dyn Communicator,
    layout: &Layout,
    len: usize,
    source: &(dyn Fn(Range<usize>) -> Vec<(u32, u32, f64)> + Sync),
    order: TermOrder<'_>,
    transposed: bool,
) -> Result<Placed, String> {
    let range = layout.range(comm.rank());
    let (lo, own) = (range.start, range.len());
    let (lens, _) = comm.all_gather_u64(&[len as u64]);
    let rounds = (lens.iter().copied().max().unwrap_or(0) as usize)
        .div_ceil(ROUND)
        .max(1);
    let batch_of = |round: usize| source((round * ROUND).min(len)..((round + 1) * ROUND).min(len));

    // Pass 1: the owners count their rows' entries.
    let mut ptr = vec![0usize; own + 1];
    for round in 0..rounds {
        let batch = batch_of(round);
        let (keys, counts) = by_owner(layout, &batch, |e| u64::from(e.0));
        let (got, _) = comm.exchange_u64(&keys, &counts);
        for a in got {
            ptr[a as usize - lo + 1] += 1;
        }
    }
    for r in 0..own {
        ptr[r + 1] += ptr[r];
    }

    // Pass 2: every entry to its row's next free slot.
    let total = ptr[own];
    let mut idx = vec![0u32; total];
    let mut val = vec![0.0f64; total];
    let mut next = ptr[..own].to_vec();
    for round in 0..rounds {
        let batch = batch_of(round);
        let (keys, counts) = by_owner(layout, &batch, |e| (u64::from(e.0) << 32) | u64::from(e.1));
        let (values, _) = by_owner(layout, &batch, |e| e.2);
        drop(batch);
        let (got, recv_counts) = comm.exchange_u64(&keys, &counts);
        drop(keys);
        let mut vals = vec![0.0; got.len()];
        comm.exchange_f64(&values, &counts, &mut vals, &recv_counts);
        for (k, v) in got.into_iter().zip(vals) {
            let slot = &mut next[(k >> 32) as usize - lo];
            idx[*slot] = k as u32;
            val[*slot] = v;
            *slot += 1;
        }
    }
    drop(next);

    sort_rows(&ptr, &mut idx, &mut val, lo, order);
    // Sorted by the order, whose ties are broken by the other index: an entry given twice
    // sits next to itself.
    let twice = (0..own).find_map(|r| {
        let row = &idx[ptr[r]..ptr[r + 1]];
        row.windows(2).find(|w| w[0] == w[1]).map(|w| {
            let (a, b) = ((lo + r) as u32, w[0]);
            let (i, j) = if transposed { (b, a) } else { (a, b) };
            format!("entry ({i}, {j}) is given twice")
        })
    });
    agree_on_error(comm, twice)?;
    Ok(Placed { ptr, idx, val })
}

/// The batch's field `f`, grouped by the owner of each entry's own index (in rank order), and
/// the counts per owner.
fn by_owner<T: Copy + Default>(
    layout: &Layout,
    batch: &[(u32, u32, f64)],
    f: impl Fn(&(u32, u32, f64)) -> T,
) -> (Vec<T>, Vec<usize>) {
    let mut counts = vec![0usize; layout.ranks()];
    for e in batch {
        counts[layout.owner(e.0 as usize)] += 1;
    }
    let mut at = offsets(&counts);
    let mut out = vec![T::default(); batch.len()];
    for e in batch {
        let k = &mut at[layout.owner(e.0 as usize)];
        out[*k] = f(e);
        *k += 1;
    }
    (out, counts)
}

/// Sorts every row's `(idx, val)` by `(order(a, b), b)`, rows in parallel.
fn sort_rows(ptr: &[usize], idx: &mut [u32], val: &mut [f64], lo: usize, order: TermOrder<'_>) {
    let own = ptr.len() - 1;
    // Cut the arrays into tasks of whole rows.
    let mut tasks = Vec::new();
    let (mut idx_rest, mut val_rest) = (idx, val);
    for first in (0..own).step_by(ROWS_PER_TASK) {
        let last = (first + ROWS_PER_TASK).min(own);
        let len = ptr[last] - ptr[first];
        let (i, ir) = idx_rest.split_at_mut(len);
        let (v, vr) = val_rest.split_at_mut(len);
        tasks.push((first..last, i, v));
        (idx_rest, val_rest) = (ir, vr);
    }
    tasks.into_par_iter().for_each(|(rows, idx, val)| {
        let base = ptr[rows.start];
        let mut terms: Vec<(u64, u32, f64)> = Vec::new();
        for r in rows {
            let span = ptr[r] - base..ptr[r + 1] - base;
            let a = (lo + r) as u32;
            terms.clear();
            terms.extend(
                idx[span.clone()]
                    .iter()
                    .zip(&val[span.clone()])
                    .map(|(&b, &v)| (order(a, b), b, v)),
            );
            terms.sort_unstable_by_key(|&(key, b, _)| (key, b));
            for ((t, i), v) in terms.iter().zip(&mut idx[span.clone()]).zip(&mut val[span]) {
                *i = t.1;
                *v = t.2;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::LocalRanks;

    /// The global `(row, column, value)` triplets a half holds, in its stored order, with
    /// ghost positions turned back into global indices through `ghost_of`.
    fn stored(
        h: &Half,
        lo: usize,
        transposed: bool,
        global: impl Fn(u32) -> u32,
    ) -> Vec<(u32, u32, u64)> {
        let mut out = Vec::new();
        for r in 0..h.ptr.len() - 1 {
            for k in h.ptr[r]..h.ptr[r + 1] {
                let (a, b) = ((lo + r) as u32, global(h.idx[k]));
                let (i, j) = if transposed { (b, a) } else { (a, b) };
                out.push((i, j, h.val[k].to_bits()));
            }
        }
        out
    }

    #[test]
    fn issue_18_assembled_halves_hold_every_entry_once_in_the_products_order() {
        // A 300 × 200 matrix, 6 000 entries dealt to the ranks in a scrambled way, so that the
        // placing runs many rounds (ROUND = 1 024 in tests) from every rank to every rank.
        let (m, n) = (300usize, 200usize);
        let mut all = Vec::new();
        let mut s = 7u64;
        for k in 0..6000u64 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (i, j) = (
                (k * 37 + (s >> 40)) % m as u64,
                (k * 11 + (s >> 50)) % n as u64,
            );
            all.push((
                i as u32,
                j as u32,
                (s >> 11) as f64 / (1u64 << 53) as f64 + 0.5,
            ));
        }
        all.sort_by_key(|e| (e.0, e.1));
        all.dedup_by_key(|e| (e.0, e.1));
        // A reverse order for the rows, the natural one for the columns.
        let row_order = |_: u32, j: u32| u64::from(u32::MAX - j);
        let col_order = |_: u32, _: u32| 0;
        for ranks in [1usize, 2, 3] {
            let (rows, cols) = (
                Layout::contiguous(m, ranks, 16),
                Layout::contiguous(n, ranks, 16),
            );
            let got = LocalRanks::run(ranks, |comm| {
                let mine: Vec<_> = all
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| (k * 7919) % ranks == comm.rank())
                    .map(|(_, e)| *e)
                    .collect();
                let (rh, ch) =
                    assemble_halves(comm, &rows, &cols, mine, &row_order, &col_order).unwrap();
                (
                    rows.range(comm.rank()).start,
                    cols.range(comm.rank()).start,
                    rh,
                    ch,
                )
            });
            let mut by_rows = Vec::new();
            let mut by_cols = Vec::new();
            for (r, (rlo, clo, rh, ch)) in got.iter().enumerate() {
                // Ghost positions back to global indices: own entries, then the ghosts sorted.
                let (own_r, own_c) = (rows.range(r), cols.range(r));
                type Pick<'a> = &'a dyn Fn(&(u32, u32, f64)) -> Option<u32>;
                let ghosts = |mine: Pick<'_>| {
                    let mut g: Vec<u32> = all.iter().filter_map(mine).collect();
                    g.sort_unstable();
                    g.dedup();
                    g
                };
                let gc = ghosts(&|e| {
                    (own_r.contains(&(e.0 as usize)) && !own_c.contains(&(e.1 as usize)))
                        .then_some(e.1)
                });
                let gr = ghosts(&|e| {
                    (own_c.contains(&(e.1 as usize)) && !own_r.contains(&(e.0 as usize)))
                        .then_some(e.0)
                });
                let back = |own: &Range<usize>, g: &[u32], p: u32| {
                    let p = p as usize;
                    if p < own.len() {
                        (own.start + p) as u32
                    } else {
                        g[p - own.len()]
                    }
                };
                let rows_seen = stored(rh, *rlo, false, |p| back(&own_c, &gc, p));
                // Every row is in the reverse order of its columns.
                for w in rows_seen.windows(2) {
                    assert!(
                        w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 > w[1].1),
                        "{w:?}"
                    );
                }
                by_rows.extend(rows_seen);
                by_cols.extend(stored(ch, *clo, true, |p| back(&own_r, &gr, p)));
            }
            let want: Vec<_> = all.iter().map(|&(i, j, v)| (i, j, v.to_bits())).collect();
            by_rows.sort_unstable();
            assert_eq!(by_rows, want, "rows on {ranks} ranks");
            // The columns are stored column by column, rows ascending within a column.
            let mut want_cols = want.clone();
            want_cols.sort_by_key(|e| (e.1, e.0));
            assert_eq!(by_cols, want_cols, "columns on {ranks} ranks");
        }
    }
}
