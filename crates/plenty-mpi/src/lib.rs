//! plenty's MPI engine: [`MpiComm`], the [`Communicator`] of a distributed solve over MPI
//! (rsmpi, so OpenMPI or MPICH, started by `mpirun`, `mpiexec` or Slurm's `srun`).
//!
//! The core's buffers are already laid out by rank (`counts[r]` values for or from rank `r`, in
//! rank order), so every operation is one `MPI_Allgatherv` or `MPI_Alltoallv`, preceded for the
//! set-up calls on indices (whose receivers do not know the counts yet) by one `MPI_Alltoall` or
//! `MPI_Allgather` of the counts. No reduction is left to MPI: the core adds partial sums in its
//! own fixed order, so the results do not depend on the MPI library or the network.
//!
//! ```no_run
//! use plenty_core::dist::Communicator;
//! let comm = plenty_mpi::MpiComm::init().expect("MPI is initialised once per process");
//! println!("rank {} of {}", comm.rank(), comm.size());
//! ```

#![deny(missing_docs)]
#![forbid(clippy::print_stdout, clippy::print_stderr)]

use mpi::datatype::{Partition, PartitionMut};
use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator as _, CommunicatorCollectives, Equivalence};
use mpi::Count;
use plenty_core::dist::{CommStats, Communicator};
use std::sync::Mutex;
use std::time::Instant;

/// The world communicator of an MPI job. Created once per process ([`MpiComm::init`]); MPI is
/// finalised when it is dropped.
///
/// Its [`CommStats`] count what goes through MPI: the bytes this rank sends to *other* ranks
/// (its own part of a collective is a local copy, not counted; the counts exchanged before an
/// index exchange are counted), every MPI collective called (so an index exchange counts two),
/// and the wall-clock seconds spent inside them, waiting for other ranks included.
pub struct MpiComm {
    inner: Mutex<Inner>,
    rank: usize,
    size: usize,
}

struct Inner {
    world: SimpleCommunicator,
    stats: CommStats,
    // Dropped after `world` (fields drop in declaration order): finalises MPI.
    _universe: Universe,
}

// SAFETY: the MPI handles are only used under the mutex, one call at a time, and MPI is
// initialised with at least `MPI_THREAD_SERIALIZED` support requested; every collective is
// issued by whichever thread runs the solve, never by two threads at once.
unsafe impl Send for Inner {}

impl std::fmt::Debug for MpiComm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MpiComm")
            .field("rank", &self.rank)
            .field("size", &self.size)
            .finish()
    }
}

impl MpiComm {
    /// Initialises MPI and returns the world communicator, or `None` if MPI was initialised
    /// already in this process. Outside `mpirun`, OpenMPI starts a world of one rank
    /// (a "singleton").
    pub fn init() -> Option<Self> {
        let (universe, _provided) = mpi::initialize_with_threading(mpi::Threading::Serialized)?;
        let world = universe.world();
        let rank = usize::try_from(world.rank()).unwrap_or(0);
        let size = usize::try_from(world.size()).unwrap_or(1).max(1);
        Some(Self {
            inner: Mutex::new(Inner {
                world,
                stats: CommStats::default(),
                _universe: universe,
            }),
            rank,
            size,
        })
    }

    /// The MPI library's version string (for reports).
    pub fn library_version() -> String {
        mpi::environment::library_version()
            .map(|v| v.trim_end_matches(['\0', '\n', ' ']).to_string())
            .unwrap_or_else(|_| "unknown MPI library".into())
    }

    /// Runs one MPI collective under the lock, and counts it.
    fn collective<T>(&self, bytes_sent: usize, f: impl FnOnce(&SimpleCommunicator) -> T) -> T {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let start = Instant::now();
        let out = f(&inner.world);
        inner.stats.seconds += start.elapsed().as_secs_f64();
        inner.stats.collectives += 1;
        inner.stats.bytes_sent += bytes_sent as u64;
        out
    }

    /// Bytes of `counts[r]` values of `T` to every rank `r` but this one.
    fn bytes_to_others<T>(&self, counts: &[usize]) -> usize {
        counts
            .iter()
            .enumerate()
            .filter(|&(r, _)| r != self.rank)
            .map(|(_, c)| c * std::mem::size_of::<T>())
            .sum()
    }

    /// `MPI_Allgatherv` of `local` (this rank's `counts[rank]` values).
    fn gather_into<T: Equivalence>(&self, local: &[T], counts: &[usize], out: &mut [T]) {
        let (counts, displs) = counts_and_displs(counts);
        let bytes = std::mem::size_of_val(local) * (self.size - 1);
        self.collective(bytes, |w| {
            let mut part = PartitionMut::new(out, &counts[..], &displs[..]);
            w.all_gather_varcount_into(local, &mut part);
        });
    }

    /// `MPI_Alltoallv`: `send_counts[r]` values to rank `r`, `recv_counts[r]` from it.
    fn exchange_into<T: Equivalence>(
        &self,
        send: &[T],
        send_counts: &[usize],
        recv: &mut [T],
        recv_counts: &[usize],
    ) {
        let bytes = self.bytes_to_others::<T>(send_counts);
        let (sc, sd) = counts_and_displs(send_counts);
        let (rc, rd) = counts_and_displs(recv_counts);
        self.collective(bytes, |w| {
            let part = Partition::new(send, &sc[..], &sd[..]);
            let mut out = PartitionMut::new(recv, &rc[..], &rd[..]);
            w.all_to_all_varcount_into(&part, &mut out);
        });
    }
}

/// MPI's `int` counts and displacements of consecutive runs of the given lengths.
///
/// # Panics
///
/// If a buffer holds more than `i32::MAX` values: MPI's counts are C `int`s. A rank's part
/// of a vector or a ghost exchange reaches that only beyond 2·10⁹ products per rank.
fn counts_and_displs(counts: &[usize]) -> (Vec<Count>, Vec<Count>) {
    let int = |v: usize| {
        Count::try_from(v).unwrap_or_else(|_| {
            panic!("an MPI message of {v} values exceeds MPI's int counts; use more ranks")
        })
    };
    let mut displs = Vec::with_capacity(counts.len());
    let mut at = 0usize;
    for &c in counts {
        displs.push(int(at));
        at += c;
    }
    int(at);
    (counts.iter().map(|&c| int(c)).collect(), displs)
}

impl Communicator for MpiComm {
    fn rank(&self) -> usize {
        self.rank
    }

    fn size(&self) -> usize {
        self.size
    }

    fn all_gather_f64(&self, local: &[f64], counts: &[usize], out: &mut [f64]) {
        debug_assert_eq!(local.len(), counts[self.rank]);
        self.gather_into(local, counts, out);
    }

    fn exchange_f64(
        &self,
        send: &[f64],
        send_counts: &[usize],
        recv: &mut [f64],
        recv_counts: &[usize],
    ) {
        self.exchange_into(send, send_counts, recv, recv_counts);
    }

    fn exchange_u64(&self, send: &[u64], send_counts: &[usize]) -> (Vec<u64>, Vec<usize>) {
        let mine: Vec<u64> = send_counts.iter().map(|&c| c as u64).collect();
        let mut theirs = vec![0u64; self.size];
        let bytes = 8 * (self.size - 1);
        self.collective(bytes, |w| w.all_to_all_into(&mine[..], &mut theirs[..]));
        let recv_counts: Vec<usize> = theirs.iter().map(|&c| c as usize).collect();
        let mut recv = vec![0u64; recv_counts.iter().sum()];
        self.exchange_into(send, send_counts, &mut recv, &recv_counts);
        (recv, recv_counts)
    }

    fn all_gather_u64(&self, local: &[u64]) -> (Vec<u64>, Vec<usize>) {
        let mine = local.len() as u64;
        let mut lens = vec![0u64; self.size];
        let bytes = 8 * (self.size - 1);
        self.collective(bytes, |w| w.all_gather_into(&mine, &mut lens[..]));
        let counts: Vec<usize> = lens.iter().map(|&c| c as usize).collect();
        let mut out = vec![0u64; counts.iter().sum()];
        self.gather_into(local, &counts, &mut out);
        (out, counts)
    }

    fn stats(&self) -> CommStats {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).stats
    }
}

#[cfg(test)]
mod tests {
    use super::counts_and_displs;

    #[test]
    fn displacements_are_running_sums() {
        let (c, d) = counts_and_displs(&[2, 0, 3]);
        assert_eq!(c, vec![2, 0, 3]);
        assert_eq!(d, vec![0, 2, 2]);
    }
}
