//! `plenty lp` across the ranks of an MPI job (a build with `--features mpi`):
//! `mpirun -np P plenty lp PLAN.mps` or `mpirun -np P plenty lp DIR/lp-shards`.
//!
//! From an MPS file every rank reads the file and keeps its share (the entries of its columns,
//! the costs and bounds of its columns and rows). From a sharded LP (`generate-plan --shards`)
//! rank `r` reads the shards `s` with `s % P == r` and sends their costs and bounds to the
//! ranks that own them, so the matrix is never whole on one rank. The core routes the entries
//! and runs PDLP across the ranks (`plenty_core::dist::solve_lp`); rank 0 gathers the answer
//! and writes the same report as one process, with a `distributed` block. No crossover: it
//! factors a basis of the whole LP.

use crate::args::{Global, LpArgs, LpBackendArg};
use crate::distributed::run::{
    agree, distributed_block, open_checkpoints, peak_memory_bytes, Noun,
};
use crate::lp::{input_files, pdlp_settings, read, render, Extras};
use crate::progress::Progress;
use anyhow::{anyhow, bail, Result};
use plenty_core::dist::values::{gather, gather_costs, redistribute, shards_of_rank};
use plenty_core::dist::{
    solve_lp, solve_lp_checkpointed, Communicator, DistSolveReport, Layout, LpShare,
};
use plenty_core::lp::pdlp::checkpoint::{LpCheckpoints, PdlpState};
use plenty_core::lp::LinearProgram;
use plenty_io::lp_shard::{self, is_sharded_lp};
use serde_json::json;
use std::time::Instant;

/// What a rank read: its share, the layouts, and (on rank 0) the LP's vectors and names for
/// the report.
struct Input {
    share: LpShare,
    rows: Layout,
    cols: Layout,
    report_lp: Option<LinearProgram>,
    nnz: usize,
}

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
    let mut settings = pdlp_settings(a)?;
    settings.crossover = false;
    progress.stage("reading the LP");
    let t0 = Instant::now();
    let input = if is_sharded_lp(&a.mps) {
        read_shards(a, comm)
    } else {
        read_whole(a, comm)
    };
    agree(comm, input.as_ref().err().map(|e| format!("{e:#}")))?;
    let input = input?;
    let t_read = t0.elapsed().as_secs_f64();
    let (nrows, ncols) = (input.rows.n(), input.cols.n());
    progress.stage(&format!(
        "solving ({nrows} rows, {ncols} columns, {} non-zeros) with PDLP across {ranks} ranks",
        input.nnz
    ));
    let t1 = Instant::now();
    let (rows, cols) = (input.rows, input.cols);
    let solved = match &a.checkpoint {
        None => solve_lp(comm, &rows, &cols, input.share, &settings)?,
        Some(dir) => {
            let (files, resume) = open_checkpoints(
                comm,
                dir,
                &input_files(a)?,
                format!(
                    "granule={}/{}",
                    a.granule,
                    serde_json::to_string(&settings)?
                ),
                a.resume,
                |r| PdlpState::read_from(r),
            )?;
            let mut save =
                |state: &PdlpState| files.save_with(comm, state.iteration, |w| state.write_to(w));
            let mut checkpoints = LpCheckpoints {
                every: a.checkpoint_every.max(1),
                resume,
                save: &mut save,
            };
            solve_lp_checkpointed(
                comm,
                &rows,
                &cols,
                input.share,
                &settings,
                Some(&mut checkpoints),
            )?
        }
    };
    let t_solve = t1.elapsed().as_secs_f64();
    let mut sol = solved.solution;
    sol.x = gather(comm, &cols, &sol.x);
    sol.y = gather(comm, &rows, &sol.y);
    sol.reduced_costs = gather(comm, &cols, &sol.reduced_costs);
    let activity = gather(comm, &rows, &solved.row_activity);
    let r = &solved.report;
    let as_solve = DistSolveReport {
        ranks: r.ranks,
        rank: r.rank,
        local_products: r.local_cols,
        local_nnz: r.local_nnz,
        ghosts: r.ghosts,
        ghost_bytes_per_product_pair: r.ghost_bytes_per_iteration,
        hub_rows: 0,
        comm: r.comm,
        iterations: solved.stats.iterations,
    };
    let costs = gather_costs(comm, &as_solve, peak_memory_bytes());
    progress.finish();
    let Some(lp) = input.report_lp else {
        // Rank 0 reports; the status is the same on every rank.
        return Ok(());
    };
    let (mut block, lines) =
        distributed_block(&cols, solved.stats.iterations, &costs, Noun::Columns);
    block["row_boundaries"] = json!(rows.offsets());
    block["granule"] = json!(a.granule);
    block["sharded_input"] = json!(is_sharded_lp(&a.mps));
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
            activity: Some(activity),
            nnz: Some(input.nnz),
        },
    )
}

/// Every rank reads the MPS file and keeps its share; rank 0 keeps the LP for the report.
fn read_whole(a: &LpArgs, comm: &dyn Communicator) -> Result<Input> {
    let (rank, ranks) = (comm.rank(), comm.size());
    let lp = read(a)?;
    let rows = Layout::contiguous(lp.nrows(), ranks, a.granule);
    let cols = Layout::contiguous(lp.ncols(), ranks, a.granule);
    let share = LpShare::of_whole(&lp, &rows, &cols, rank);
    let nnz = lp.columns.nnz();
    Ok(Input {
        share,
        rows,
        cols,
        report_lp: (rank == 0).then_some(lp),
        nnz,
    })
}

/// Rank `r` reads the shards `s % P == r` and sends their costs and bounds to the ranks that
/// own them (the entries are routed by the solver). Rank 0 also reads every shard's vectors
/// and names (not the entries) for the report.
fn read_shards(a: &LpArgs, comm: &dyn Communicator) -> Result<Input> {
    let (rank, ranks) = (comm.rank(), comm.size());
    let dir = &a.mps;
    let m = lp_shard::read_lp_manifest(dir);
    agree(comm, m.as_ref().err().map(|e| e.to_string()))?;
    let m = m?;
    let mut entries = Vec::new();
    let mut shards = Vec::new();
    let mut failed = None;
    for s in shards_of_rank(m.shard.len(), rank, ranks) {
        match lp_shard::read_lp_shard(dir, &m, s, true) {
            Ok(mut sh) => {
                entries.append(&mut sh.entries);
                shards.push(sh);
            }
            Err(e) => {
                failed = Some(e.to_string());
                break;
            }
        }
    }
    agree(comm, failed)?;
    let rows = Layout::contiguous(m.rows, ranks, a.granule);
    let cols = Layout::contiguous(m.columns, ranks, a.granule);
    let spread = |layout: &Layout,
                  first: fn(&lp_shard::LpShard) -> usize,
                  v: fn(&lp_shard::LpShard) -> &Vec<f64>| {
        let pieces: Vec<(usize, &[f64])> = shards.iter().map(|s| (first(s), &v(s)[..])).collect();
        redistribute(comm, layout, &pieces).map_err(|e| anyhow!(e))
    };
    let c = spread(&cols, |s| s.first_column, |s| &s.c)?;
    let col_lower = spread(&cols, |s| s.first_column, |s| &s.col_lower)?;
    let col_upper = spread(&cols, |s| s.first_column, |s| &s.col_upper)?;
    let row_lower = spread(&rows, |s| s.first_row, |s| &s.row_lower)?;
    let row_upper = spread(&rows, |s| s.first_row, |s| &s.row_upper)?;
    drop(shards);
    let sense = a.sense.map_or(m.sense, Into::into);
    let report_lp = if rank == 0 {
        let mut lp = lp_shard::open_sharded_lp(dir, false)?;
        lp.sense = sense;
        Some(lp)
    } else {
        None
    };
    Ok(Input {
        share: LpShare {
            sense,
            offset: m.offset,
            entries,
            c,
            col_lower,
            col_upper,
            row_lower,
            row_upper,
        },
        rows,
        cols,
        report_lp,
        nnz: m.nnz,
    })
}
