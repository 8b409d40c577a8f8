//! `mpirun -np 3 mpi_smoke`: the MPI engine's collectives against their definitions.
#![allow(clippy::print_stdout)]

use plenty_core::dist::Communicator;

fn main() {
    let c = plenty_mpi::MpiComm::init().expect("MPI initialised once");
    let (me, p) = (c.rank(), c.size());
    let counts: Vec<usize> = (0..p).map(|r| r + 1).collect();
    let local: Vec<f64> = (0..=me).map(|k| (10 * me + k) as f64).collect();
    let mut all = vec![0.0; counts.iter().sum()];
    c.all_gather_f64(&local, &counts, &mut all);
    let expect: Vec<f64> = (0..p)
        .flat_map(|r| (0..=r).map(move |k| (10 * r + k) as f64))
        .collect();
    assert_eq!(all, expect);
    // Rank r sends r + to values (each 100·to + r) to rank `to`.
    let send_counts: Vec<usize> = (0..p).map(|to| me + to).collect();
    let send: Vec<u64> = (0..p)
        .flat_map(|to| std::iter::repeat_n((100 * to + me) as u64, me + to))
        .collect();
    let (recv, got) = c.exchange_u64(&send, &send_counts);
    let want: Vec<u64> = (0..p)
        .flat_map(|from| std::iter::repeat_n((100 * me + from) as u64, from + me))
        .collect();
    assert_eq!(recv, want);
    assert_eq!(got, (0..p).map(|from| from + me).collect::<Vec<_>>());
    let sendf: Vec<f64> = send.iter().map(|&v| v as f64).collect();
    let mut recvf = vec![0.0; want.len()];
    c.exchange_f64(&sendf, &send_counts, &mut recvf, &got);
    assert_eq!(recvf, want.iter().map(|&v| v as f64).collect::<Vec<_>>());
    let (ids, lens) = c.all_gather_u64(&vec![me as u64; me]);
    assert_eq!(lens, (0..p).collect::<Vec<_>>());
    assert_eq!(ids.len(), p * (p - 1) / 2);
    let s = c.stats();
    // One MPI call each for the f64 operations, two (counts, then values) for the u64 ones.
    assert_eq!(s.collectives, 6);
    assert!(p == 1 || s.bytes_sent > 0);
    println!("rank {me} of {p}: ok, {} bytes sent", s.bytes_sent);
}
