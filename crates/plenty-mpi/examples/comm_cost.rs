//! `mpirun -np P comm_cost`: what the collectives of a distributed solve cost on this machine
//! and network — the latency and bandwidth terms of the performance model in
//! `bench/RESULTS.md`. Prints one JSON line (from rank 0): the median seconds of
//!
//! * `gather_1`: an all-gather of one number per rank (a reduction's latency);
//! * `gather_chunks_N`: an all-gather of the chunk sums of a reduction at `N` products
//!   (`N / 16384` numbers in all), as `Space::sum` does;
//! * `exchange_B`: a personalised exchange of `B` bytes from every rank to every other (a ghost
//!   exchange), from which the bandwidth follows.
#![allow(clippy::print_stdout)]

use plenty_core::dist::Communicator;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let c = plenty_mpi::MpiComm::init().expect("MPI initialised once");
    let (me, p) = (c.rank(), c.size());
    let time = |reps: usize, f: &mut dyn FnMut()| -> f64 {
        f();
        let mut t = Vec::with_capacity(reps);
        for _ in 0..reps {
            let s = Instant::now();
            f();
            t.push(s.elapsed().as_secs_f64());
        }
        // Every rank's median; the slowest is what a collective costs.
        let mine = median(t);
        let mut all = vec![0.0; p];
        c.all_gather_f64(&[mine], &vec![1; p], &mut all);
        all.into_iter().fold(0.0, f64::max)
    };
    let mut out = serde_json::Map::new();
    out.insert("ranks".into(), p.into());
    out.insert("mpi".into(), plenty_mpi::MpiComm::library_version().into());
    let one = vec![1.0; 1];
    let ones = vec![1; p];
    let mut all = vec![0.0; p];
    out.insert(
        "gather_1".into(),
        time(2000, &mut || c.all_gather_f64(&one, &ones, &mut all)).into(),
    );
    for n in [1_000_000usize, 10_000_000, 100_000_000] {
        let chunks = n.div_ceil(16384);
        let counts: Vec<usize> = (0..p)
            .map(|r| chunks / p + usize::from(r < chunks % p))
            .collect();
        let local = vec![1.0; counts[me]];
        let mut buf = vec![0.0; chunks];
        out.insert(
            format!("gather_chunks_{n}"),
            time(500, &mut || c.all_gather_f64(&local, &counts, &mut buf)).into(),
        );
    }
    for bytes in [8usize * 1024, 1 << 20, 8 << 20, 64 << 20] {
        let per = bytes / 8;
        let send_counts: Vec<usize> = (0..p).map(|r| if r == me { 0 } else { per }).collect();
        let send = vec![1.0; per * (p - 1)];
        let mut recv = vec![0.0; per * (p - 1)];
        let reps = if bytes > (8 << 20) { 10 } else { 100 };
        out.insert(
            format!("exchange_{bytes}"),
            time(reps, &mut || {
                c.exchange_f64(&send, &send_counts, &mut recv, &send_counts)
            })
            .into(),
        );
    }
    if me == 0 {
        println!("{}", serde_json::Value::Object(out));
    }
}
