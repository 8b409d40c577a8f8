//! `plenty`: democratic economic planning from the command line.
//!
//! `main` only calls [`run`]; errors are printed once, with their causes, and mapped to exit
//! codes: 0 success, 1 when the economy is not productive or a solve has no answer, 2 for bad
//! input or usage.

mod analysis;
mod args;
#[cfg(feature = "mpi")]
mod checkpoint_dir;
mod commands;
mod distributed;
#[cfg(feature = "mpi")]
mod distributed_lp;
mod footprint;
mod highs;
mod input;
mod lp;
mod plan;
mod plan_years;
mod progress;
mod reshape;
mod serve;
mod simulate;
mod spread;
mod vote;

use std::process::ExitCode;

/// An outcome that is an answer, not a failure: the economy is not productive, or a solve did
/// not converge. Exit code 1.
#[derive(Debug)]
pub struct NoAnswer(pub String);

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for NoAnswer {}

/// A failure that another process reports: a rank other than 0 of a distributed run, whose
/// rank 0 prints the same error. Exit code 2, nothing printed.
#[derive(Debug)]
pub struct Silent(pub String);

impl std::fmt::Display for Silent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Silent {}

/// An error already printed (by rank 0 of a distributed run, before the ranks finish); the
/// process exits with this code and prints nothing more.
#[derive(Debug)]
pub struct Reported(pub u8);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reported (exit code {})", self.0)
    }
}
impl std::error::Error for Reported {}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(report(&e)),
    }
}

/// Prints `e` as plenty reports errors, and returns the exit code: 0 for a closed pipe, 1 for
/// [`NoAnswer`], 2 otherwise; nothing printed for [`Silent`] and [`Reported`].
pub fn report(e: &anyhow::Error) -> u8 {
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return 0;
        }
    }
    if e.downcast_ref::<Silent>().is_some() {
        return 2;
    }
    if let Some(r) = e.downcast_ref::<Reported>() {
        return r.0;
    }
    if let Some(n) = e.downcast_ref::<NoAnswer>() {
        eprintln!("plenty: {n}");
        return 1;
    }
    eprintln!("plenty: error: {e:#}");
    2
}

fn run() -> anyhow::Result<()> {
    let cli = <args::Cli as clap::Parser>::parse();
    if let Some(t) = cli.global.threads {
        // Results do not depend on the thread count (fixed chunking); this only sets speed.
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .ok();
    }
    commands::dispatch(cli)
}
