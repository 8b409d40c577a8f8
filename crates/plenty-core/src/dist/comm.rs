//! The communication a distributed solve needs, as a trait with two engines in the core: one
//! rank ([`SingleRank`]) and several ranks as threads of one process ([`LocalRanks`]). The MPI
//! engine lives outside the core (`plenty-mpi`), so the core stays pure Rust.
//!
//! Every operation is collective: all ranks call it, in the same order. Buffers are laid out by
//! rank: `counts[r]` values for (or from) rank `r`, one after the other in rank order. That is
//! the layout of `MPI_Allgatherv` and `MPI_Alltoallv`, so an MPI engine passes them through.
//!
//! Determinism does not depend on the engine: the solvers never ask for a reduction whose
//! result depends on the order in which ranks arrive. They gather per-chunk partial sums and add
//! them in the global order themselves (see [`crate::dist::Space`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// What a rank has communicated so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CommStats {
    /// Bytes this rank sent to other ranks (its own part of a collective is not counted).
    pub bytes_sent: u64,
    /// Collective operations called.
    pub collectives: u64,
    /// Seconds spent inside collectives, waiting for other ranks included.
    pub seconds: f64,
}

/// Collective operations between the ranks of one solve.
pub trait Communicator: Sync {
    /// This rank, `0..size()`.
    fn rank(&self) -> usize;
    /// Number of ranks.
    fn size(&self) -> usize;
    /// Every rank's `local` (rank `r` contributes `counts[r]` values), concatenated in rank
    /// order into `out` (length `Σ counts`).
    fn all_gather_f64(&self, local: &[f64], counts: &[usize], out: &mut [f64]);
    /// Personalised exchange: `send` holds `send_counts[r]` values for rank `r`, in rank order;
    /// `recv` receives `recv_counts[r]` values from rank `r`, in rank order.
    fn exchange_f64(
        &self,
        send: &[f64],
        send_counts: &[usize],
        recv: &mut [f64],
        recv_counts: &[usize],
    );
    /// As [`Communicator::exchange_f64`] for indices, when the receiver does not know the
    /// counts yet (set-up only): returns what was received and the counts per source rank.
    fn exchange_u64(&self, send: &[u64], send_counts: &[usize]) -> (Vec<u64>, Vec<usize>);
    /// Every rank's `local` (any length), concatenated in rank order, with the counts.
    fn all_gather_u64(&self, local: &[u64]) -> (Vec<u64>, Vec<usize>);
    /// What this rank has communicated so far.
    fn stats(&self) -> CommStats;
}

/// One rank: every collective is a copy.
#[derive(Debug, Default)]
pub struct SingleRank {
    collectives: AtomicU64,
}

impl SingleRank {
    /// A fresh communicator of one rank.
    pub const fn new() -> Self {
        Self {
            collectives: AtomicU64::new(0),
        }
    }
}

impl Communicator for SingleRank {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn all_gather_f64(&self, local: &[f64], _counts: &[usize], out: &mut [f64]) {
        self.collectives.fetch_add(1, Ordering::Relaxed);
        out.copy_from_slice(local);
    }
    fn exchange_f64(&self, send: &[f64], _: &[usize], recv: &mut [f64], _: &[usize]) {
        self.collectives.fetch_add(1, Ordering::Relaxed);
        recv.copy_from_slice(send);
    }
    fn exchange_u64(&self, send: &[u64], send_counts: &[usize]) -> (Vec<u64>, Vec<usize>) {
        self.collectives.fetch_add(1, Ordering::Relaxed);
        (send.to_vec(), send_counts.to_vec())
    }
    fn all_gather_u64(&self, local: &[u64]) -> (Vec<u64>, Vec<usize>) {
        self.collectives.fetch_add(1, Ordering::Relaxed);
        (local.to_vec(), vec![local.len()])
    }
    fn stats(&self) -> CommStats {
        CommStats {
            collectives: self.collectives.load(Ordering::Relaxed),
            ..CommStats::default()
        }
    }
}

/// Several ranks as threads of one process, exchanging through shared memory. A real engine
/// (the results are those of MPI with the same number of ranks, bit for bit), used to test and
/// to measure partitions without an MPI installation.
pub struct LocalRanks;

impl LocalRanks {
    /// Runs `f` on `ranks` threads, each with its own communicator, and returns the results in
    /// rank order. If a rank panics, the ranks waiting for it in a collective panic too (as an
    /// MPI job aborts), and the first panic is propagated.
    pub fn run<T: Send>(ranks: usize, f: impl Fn(&LocalComm) -> T + Sync) -> Vec<T> {
        assert!(ranks >= 1, "at least one rank");
        let shared = Arc::new(Shared {
            barrier: AbortableBarrier::new(ranks),
            f64s: (0..ranks * ranks).map(|_| Mutex::new(Vec::new())).collect(),
            u64s: (0..ranks * ranks).map(|_| Mutex::new(Vec::new())).collect(),
        });
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..ranks)
                .map(|rank| {
                    let comm = LocalComm {
                        rank,
                        size: ranks,
                        shared: Arc::clone(&shared),
                        bytes: AtomicU64::new(0),
                        collectives: AtomicU64::new(0),
                        nanos: AtomicU64::new(0),
                    };
                    let f = &f;
                    scope.spawn(move || {
                        let out =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&comm)));
                        if out.is_err() {
                            comm.shared.barrier.abort();
                        }
                        out.unwrap_or_else(|e| std::panic::resume_unwind(e))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    }
}

/// A barrier that a panicking rank can break, so that the others do not wait forever.
struct AbortableBarrier {
    size: usize,
    /// (ranks arrived in this generation, generation, aborted)
    state: Mutex<(usize, u64, bool)>,
    cv: Condvar,
}

impl AbortableBarrier {
    fn new(size: usize) -> Self {
        Self {
            size,
            state: Mutex::new((0, 0, false)),
            cv: Condvar::new(),
        }
    }

    fn wait(&self) {
        let mut s = lock(&self.state);
        if s.2 {
            panic!("another rank panicked");
        }
        let generation = s.1;
        s.0 += 1;
        if s.0 == self.size {
            (s.0, s.1) = (0, generation + 1);
            self.cv.notify_all();
            return;
        }
        while s.1 == generation && !s.2 {
            s = self.cv.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        if s.2 {
            panic!("another rank panicked");
        }
    }

    fn abort(&self) {
        lock(&self.state).2 = true;
        self.cv.notify_all();
    }
}

struct Shared {
    barrier: AbortableBarrier,
    /// Mailbox `from * size + to`.
    f64s: Vec<Mutex<Vec<f64>>>,
    u64s: Vec<Mutex<Vec<u64>>>,
}

/// The communicator of one rank of [`LocalRanks`].
pub struct LocalComm {
    rank: usize,
    size: usize,
    shared: Arc<Shared>,
    bytes: AtomicU64,
    collectives: AtomicU64,
    nanos: AtomicU64,
}

impl LocalComm {
    /// Posts `parts[to]` to every rank, waits, and collects what every rank posted for this one,
    /// in rank order.
    fn post<T: Clone>(
        &self,
        boxes: impl Fn(&Shared) -> &Vec<Mutex<Vec<T>>>,
        parts: impl Fn(usize) -> Vec<T>,
    ) -> Vec<Vec<T>> {
        let start = Instant::now();
        let shared = &*self.shared;
        let mailboxes = boxes(shared);
        for to in 0..self.size {
            let part = parts(to);
            if to != self.rank {
                let bytes = (part.len() * std::mem::size_of::<T>()) as u64;
                self.bytes.fetch_add(bytes, Ordering::Relaxed);
            }
            *lock(&mailboxes[self.rank * self.size + to]) = part;
        }
        shared.barrier.wait();
        let got = (0..self.size)
            .map(|from| std::mem::take(&mut *lock(&mailboxes[from * self.size + self.rank])))
            .collect();
        // Nobody posts again before everyone has taken their mail.
        shared.barrier.wait();
        self.collectives.fetch_add(1, Ordering::Relaxed);
        self.nanos
            .fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        got
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned mailbox means another rank panicked mid-exchange; its data is still whole
    // (a Vec is replaced, never half-written), and that rank's panic is reported by `run`.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Offsets of consecutive runs of the given lengths: `[0, c0, c0 + c1, …]`.
pub fn offsets(counts: &[usize]) -> Vec<usize> {
    let mut o = Vec::with_capacity(counts.len() + 1);
    o.push(0);
    for c in counts {
        o.push(o[o.len() - 1] + c);
    }
    o
}

impl Communicator for LocalComm {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.size
    }
    fn all_gather_f64(&self, local: &[f64], counts: &[usize], out: &mut [f64]) {
        debug_assert_eq!(local.len(), counts[self.rank]);
        let got = self.post(|s| &s.f64s, |_| local.to_vec());
        let mut at = 0;
        for part in got {
            out[at..at + part.len()].copy_from_slice(&part);
            at += part.len();
        }
    }
    fn exchange_f64(
        &self,
        send: &[f64],
        send_counts: &[usize],
        recv: &mut [f64],
        _recv_counts: &[usize],
    ) {
        let o = offsets(send_counts);
        let got = self.post(|s| &s.f64s, |to| send[o[to]..o[to + 1]].to_vec());
        let mut at = 0;
        for part in got {
            recv[at..at + part.len()].copy_from_slice(&part);
            at += part.len();
        }
    }
    fn exchange_u64(&self, send: &[u64], send_counts: &[usize]) -> (Vec<u64>, Vec<usize>) {
        let o = offsets(send_counts);
        let got = self.post(|s| &s.u64s, |to| send[o[to]..o[to + 1]].to_vec());
        let counts = got.iter().map(Vec::len).collect();
        (got.concat(), counts)
    }
    fn all_gather_u64(&self, local: &[u64]) -> (Vec<u64>, Vec<usize>) {
        let got = self.post(|s| &s.u64s, |_| local.to_vec());
        let counts = got.iter().map(Vec::len).collect();
        (got.concat(), counts)
    }
    fn stats(&self) -> CommStats {
        CommStats {
            bytes_sent: self.bytes.load(Ordering::Relaxed),
            collectives: self.collectives.load(Ordering::Relaxed),
            seconds: self.nanos.load(Ordering::Relaxed) as f64 * 1e-9,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_ranks_gather_and_exchange_in_rank_order() {
        let results = LocalRanks::run(3, |c| {
            let me = c.rank() as f64;
            let counts = [1, 2, 3];
            let local: Vec<f64> = (0..counts[c.rank()])
                .map(|k| me * 10.0 + k as f64)
                .collect();
            let mut all = vec![0.0; 6];
            c.all_gather_f64(&local, &counts, &mut all);
            // Rank r sends r + to values to rank `to`.
            let send_counts: Vec<usize> = (0..3).map(|to| c.rank() + to).collect();
            let send: Vec<f64> = (0..3)
                .flat_map(|to| (0..c.rank() + to).map(move |_| (10 * to) as f64 + me))
                .collect();
            let recv_counts: Vec<usize> = (0..3).map(|from| from + c.rank()).collect();
            let mut recv = vec![0.0; recv_counts.iter().sum()];
            c.exchange_f64(&send, &send_counts, &mut recv, &recv_counts);
            let (idx, counts) = c.all_gather_u64(&[c.rank() as u64; 2]);
            assert_eq!(counts, vec![2, 2, 2]);
            assert_eq!(idx, vec![0, 0, 1, 1, 2, 2]);
            (all, recv, c.stats())
        });
        for (rank, (all, recv, stats)) in results.into_iter().enumerate() {
            assert_eq!(all, vec![0.0, 10.0, 11.0, 20.0, 21.0, 22.0]);
            let expect: Vec<f64> = (0..3)
                .flat_map(|from| (0..from + rank).map(move |_| (10 * rank + from) as f64))
                .collect();
            assert_eq!(recv, expect);
            assert_eq!(stats.collectives, 3);
            assert!(stats.bytes_sent > 0);
        }
    }

    #[test]
    fn a_rank_that_panics_releases_the_others() {
        let outcome = std::panic::catch_unwind(|| {
            LocalRanks::run(3, |c| {
                if c.rank() == 1 {
                    panic!("rank 1 fails");
                }
                c.all_gather_u64(&[1]);
            })
        });
        assert!(outcome.is_err());
    }
}
