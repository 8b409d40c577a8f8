//! `plenty lp` across the ranks of an MPI job (a build with `--features mpi`):
//! `mpirun -np P plenty lp PLAN.mps`. Every rank reads the MPS file and keeps its share (the
//! entries of its columns, the costs and bounds of its columns and rows); the core routes the
//! entries and runs PDLP across the ranks (`plenty_core::dist::solve_lp`); rank 0 gathers the
//! answer and writes the same report as one process, with a `distributed` block. No crossover:
//! it factors a basis of the whole LP.

use crate::args::{Global, LpArgs, LpBackendArg};
use crate::distributed::run::{agree, distributed_block, peak_memory_bytes, Noun};
use crate::lp::{pdlp_settings, read, render, Extras};
use crate::progress::Progress;
use anyhow::{bail, Result};
use plenty_core::dist::values::{gather, gather_costs};
use plenty_core::dist::{solve_lp, Communicator, DistSolveReport, Layout, LpShare};
use serde_json::json;
use std::time::Instant;

/// `lp` on this rank of `comm`.
pub fn lp(g: &Global, a: &LpArgs, comm: &plenty_mpi::MpiComm) -> Result<()> {
    let (rank, ranks) = (comm.rank(), comm.size());
    let progress = Progress::new(g.quiet || rank != 0);
    if !matches!(
        a.backend,
        LpBackendArg::Auto | LpBackendArg::Pdlp | LpBackendArg::Native
    ) {
        bail!("--backend: across ranks plenty runs PDLP only; the interior-point method and HiGHS run in one process (leave out --distributed and mpirun)");
    }
    if a.granule == 0 {
        bail!("--granule must be at least 1");
    }
    progress.stage("reading the MPS file");
    let t0 = Instant::now();
    let lp = read(a);
    agree(comm, lp.as_ref().err().map(|e| format!("{e:#}")))?;
    let lp = lp?;
    let mut settings = pdlp_settings(a)?;
    settings.crossover = false;
    let t_read = t0.elapsed().as_secs_f64();
    let rows = Layout::contiguous(lp.nrows(), ranks, a.granule);
    let cols = Layout::contiguous(lp.ncols(), ranks, a.granule);
    let share = LpShare::of_whole(&lp, &rows, &cols, rank);
    progress.stage(&format!(
        "solving ({} rows, {} columns, {} non-zeros) with PDLP across {ranks} ranks",
        lp.nrows(),
        lp.ncols(),
        lp.columns.nnz()
    ));
    let t1 = Instant::now();
    let solved = solve_lp(comm, &rows, &cols, share, &settings)?;
    let settings = json!(settings);
    let t_solve = t1.elapsed().as_secs_f64();
    let mut sol = solved.solution;
    sol.x = gather(comm, &cols, &sol.x);
    sol.y = gather(comm, &rows, &sol.y);
    sol.reduced_costs = gather(comm, &cols, &sol.reduced_costs);
    let r = &solved.report;
    let as_solve = DistSolveReport {
        ranks: r.ranks,
        rank: r.rank,
        local_products: r.local_cols,
        local_nnz: r.local_nnz,
        ghosts: r.ghosts,
        ghost_bytes_per_product_pair: r.ghost_bytes_per_iteration,
        comm: r.comm,
        iterations: solved.stats.iterations,
    };
    let costs = gather_costs(comm, &as_solve, peak_memory_bytes());
    progress.finish();
    if rank != 0 {
        // Rank 0 reports; the status is the same on every rank.
        return Ok(());
    }
    let (mut block, lines) =
        distributed_block(&cols, solved.stats.iterations, &costs, Noun::Columns);
    block["row_boundaries"] = json!(rows.offsets());
    block["granule"] = json!(a.granule);
    block["crossover"] = json!("not across ranks");
    render(
        a,
        &lp,
        &sol,
        &Extras {
            pdlp_stats: Some(solved.stats),
            ipm_stats: None,
            attempts: Vec::new(),
            seconds: json!({"read": t_read, "solve": t_solve}),
            t_solve,
            distributed: Some((block, lines)),
            settings: json!({"granule": a.granule, "ranks": ranks, "pdlp": settings}),
        },
    )
}
