//! The `plenty` binary's tests, in one binary (one link instead of six): the analysis commands
//! run as a user would, plans, votes, the service's audit, a server killed mid-write, and the
//! pages in a real browser.

mod analysis_cli;
mod audit_cli;
mod browser;
mod cli;
mod common;
mod issue_17_cli;
mod issue_18_cli;
#[cfg(feature = "mpi")]
mod mpi_cli;
#[cfg(feature = "mpi")]
mod mpi_lp_cli;
mod plan_cli;
mod reshape_cli;
mod serve_crash;
mod serve_faults;
mod simulate_cli;
mod transparency_cli;
mod vote_cli;
