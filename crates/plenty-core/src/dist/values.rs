//! What a shell needs around [`crate::dist::solve_leontief`] to run `values` across ranks: a rank's
//! rows of a whole table, vectors moved from whoever read them to the ranks that own them,
//! answers gathered in product order, and every rank's costs in one table.

use crate::dist::comm::offsets;
use crate::dist::leontief::DistSolveReport;
use crate::dist::matrix::Triplets;
use crate::dist::{Communicator, Layout};
use crate::matrix::TechnicalCoefficients;
use std::ops::Range;

/// The entries of the rows `range` of `A` as global triplets (the part of a whole table that
/// the rank owning `range` keeps). Zeros of a dense table are left out.
pub fn rows_of(a: &TechnicalCoefficients, range: Range<usize>) -> Triplets {
    let mut t = Vec::new();
    match a {
        TechnicalCoefficients::Sparse(m) => {
            for i in range {
                t.extend(m.row(i).map(|(j, v)| (i as u32, j as u32, v)));
            }
        }
        TechnicalCoefficients::Dense(m) => {
            for i in range {
                t.extend(
                    m.row(i)
                        .iter()
                        .enumerate()
                        .filter(|&(_, &v)| v != 0.0)
                        .map(|(j, &v)| (i as u32, j as u32, v)),
                );
            }
        }
    }
    t
}

/// Moves the pieces of a vector of length `layout.n()` that this rank holds (`(first, values)`:
/// entries `first..first + values.len()`) to the ranks that own them, and returns this rank's
/// part (`layout.range(rank)`). Every entry must be held by exactly one rank. Collective.
///
/// Errors (on every rank alike) name an entry that is held twice or by nobody.
pub fn redistribute(
    comm: &dyn Communicator,
    layout: &Layout,
    pieces: &[(usize, &[f64])],
) -> Result<Vec<f64>, String> {
    let p = comm.size();
    // Fragments per destination: (global first, values).
    let mut out: Vec<Vec<(usize, &[f64])>> = vec![Vec::new(); p];
    let mut bad = None;
    for &(first, values) in pieces {
        let end = first + values.len();
        if end > layout.n() {
            bad.get_or_insert(format!(
                "entries {first}..{end} lie beyond the {} products",
                layout.n()
            ));
            continue;
        }
        let mut at = first;
        while at < end {
            let r = layout.owner(at);
            let stop = layout.range(r).end.min(end);
            out[r].push((at, &values[at - first..stop - first]));
            at = stop;
        }
    }
    let mut headers = Vec::new();
    let mut header_counts = Vec::with_capacity(p);
    let mut send = Vec::new();
    let mut send_counts = Vec::with_capacity(p);
    for frags in &out {
        header_counts.push(2 * frags.len());
        send_counts.push(frags.iter().map(|f| f.1.len()).sum());
        for &(first, v) in frags {
            headers.extend([first as u64, v.len() as u64]);
            send.extend_from_slice(v);
        }
    }
    let (got, got_counts) = comm.exchange_u64(&headers, &header_counts);
    let mut recv_counts = vec![0usize; p];
    let mut at = 0;
    for (r, &c) in got_counts.iter().enumerate() {
        recv_counts[r] = got[at..at + c].chunks_exact(2).map(|h| h[1] as usize).sum();
        at += c;
    }
    let mut recv = vec![0.0; recv_counts.iter().sum()];
    comm.exchange_f64(&send, &send_counts, &mut recv, &recv_counts);
    let range = layout.range(comm.rank());
    let mut local = vec![0.0; range.len()];
    let mut seen = vec![false; range.len()];
    let mut at = 0;
    for h in got.chunks_exact(2) {
        let (first, len) = (h[0] as usize, h[1] as usize);
        for k in 0..len {
            let i = first + k - range.start;
            if std::mem::replace(&mut seen[i], true) {
                bad.get_or_insert(format!("entry {} is given twice", first + k));
            }
            local[i] = recv[at + k];
        }
        at += len;
    }
    if let Some(k) = seen.iter().position(|s| !s) {
        bad.get_or_insert(format!("entry {} is missing", range.start + k));
    }
    agree_on_error(comm, bad)?;
    Ok(local)
}

/// Every rank's text (any may be empty), on every rank, in rank order. Collective.
fn gather_texts(comm: &dyn Communicator, text: &str) -> Vec<String> {
    let (all, counts) = comm.all_gather_u64(&text.bytes().map(u64::from).collect::<Vec<_>>());
    let o = offsets(&counts);
    (0..counts.len())
        .map(|r| {
            let bytes: Vec<u8> = all[o[r]..o[r + 1]].iter().map(|&b| b as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .collect()
}

/// Rank 0's `text`, on every rank (the others' are ignored). Collective.
pub fn from_rank_0(comm: &dyn Communicator, text: &str) -> String {
    let mine = if comm.rank() == 0 { text } else { "" };
    gather_texts(comm, mine).swap_remove(0)
}

/// Makes every rank return the same error if any rank found one (the first rank's, in order).
/// Collective: a shell calls it after work that may fail on some ranks only (reading a shard).
pub fn agree_on_error(comm: &dyn Communicator, local: Option<String>) -> Result<(), String> {
    let texts = gather_texts(comm, local.as_deref().unwrap_or(""));
    match texts.iter().position(|t| !t.is_empty()) {
        None => Ok(()),
        Some(r) if r == comm.rank() => Err(local.unwrap_or_default()),
        Some(r) => Err(format!("rank {r}: {}", texts[r])),
    }
}

/// Every rank's part of a vector (`layout.range(rank)`), concatenated in product order, on
/// every rank. Collective.
pub fn gather(comm: &dyn Communicator, layout: &Layout, local: &[f64]) -> Vec<f64> {
    let counts: Vec<usize> = (0..comm.size()).map(|r| layout.range(r).len()).collect();
    let mut all = vec![0.0; layout.n()];
    comm.all_gather_f64(local, &counts, &mut all);
    all
}

/// What one rank held and spent in a distributed solve.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RankCost {
    /// The rank.
    pub rank: usize,
    /// Products it owns.
    pub products: usize,
    /// Non-zeros of `A` it holds.
    pub nonzeros: usize,
    /// Ghost entries it receives per product with `A` and with `Aᵀ`.
    pub ghosts: (usize, usize),
    /// Bytes it sent during the solves.
    pub bytes_sent: u64,
    /// Bytes it sent per matrix-vector product (`bytes_sent / iterations`), ghost exchanges
    /// and reductions included.
    pub bytes_per_iteration: f64,
    /// Collectives it called during the solves.
    pub collectives: u64,
    /// Seconds it spent inside collectives.
    pub seconds_communicating: f64,
    /// Its peak resident memory in bytes, as the shell measured it (0 if unknown).
    pub peak_memory_bytes: u64,
}

/// Fields of a [`RankCost`] sent as `f64` (exact below 2⁵³).
const COST_FIELDS: usize = 9;

/// Gathers every rank's costs (its [`DistSolveReport`] and its peak memory), in rank order, on
/// every rank. Collective.
pub fn gather_costs(
    comm: &dyn Communicator,
    report: &DistSolveReport,
    peak_memory_bytes: u64,
) -> Vec<RankCost> {
    let c = &report.comm;
    let mine = [
        report.rank as f64,
        report.local_products as f64,
        report.local_nnz as f64,
        report.ghosts.0 as f64,
        report.ghosts.1 as f64,
        c.bytes_sent as f64,
        c.collectives as f64,
        c.seconds,
        peak_memory_bytes as f64,
    ];
    let p = comm.size();
    let mut all = vec![0.0; p * COST_FIELDS];
    comm.all_gather_f64(&mine, &vec![COST_FIELDS; p], &mut all);
    let iterations = report.iterations.max(1) as f64;
    all.chunks_exact(COST_FIELDS)
        .map(|f| RankCost {
            rank: f[0] as usize,
            products: f[1] as usize,
            nonzeros: f[2] as usize,
            ghosts: (f[3] as usize, f[4] as usize),
            bytes_sent: f[5] as u64,
            bytes_per_iteration: f[5] / iterations,
            collectives: f[6] as u64,
            seconds_communicating: f[7],
            peak_memory_bytes: f[8] as u64,
        })
        .collect()
}

/// The ranks that read shard `s` of `shards`: shard `s` goes to rank `s % ranks`, so any
/// number of shards works on any number of ranks.
pub fn shards_of_rank(shards: usize, rank: usize, ranks: usize) -> Vec<usize> {
    (0..shards).filter(|s| s % ranks == rank).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::LocalRanks;

    #[test]
    fn issue_18_pieces_move_to_their_owners_whoever_read_them() {
        let n = 50;
        let whole: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let layout = Layout::contiguous(n, 3, 8);
        // Shards of 7 products, read by rank s % 3.
        let parts = LocalRanks::run(3, |c| {
            let pieces: Vec<(usize, &[f64])> = shards_of_rank(n.div_ceil(7), c.rank(), 3)
                .into_iter()
                .map(|s| (7 * s, &whole[7 * s..(7 * s + 7).min(n)]))
                .collect();
            let local = redistribute(c, &layout, &pieces).unwrap();
            assert_eq!(local, whole[layout.range(c.rank())]);
            gather(c, &layout, &local)
        });
        assert!(parts.iter().all(|p| *p == whole));
        let errors = LocalRanks::run(2, |c| {
            let layout = Layout::contiguous(10, 2, 4);
            let pieces: Vec<(usize, &[f64])> = vec![(0, &whole[..6])];
            redistribute(c, &layout, &pieces).unwrap_err()
        });
        assert!(
            errors.iter().all(|e| e.contains("given twice")),
            "{errors:?}"
        );
    }
}
