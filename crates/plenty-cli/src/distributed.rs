//! `plenty values` across the ranks of an MPI job (a build with `--features mpi`):
//! `mpirun -np P plenty values ECONOMY`. Every rank reads the input (or its shards of a sharded
//! economy), keeps its products, and the core solves x and v across the ranks; rank 0 gathers
//! the answers and writes the same report as one process, with a `distributed` block. Only
//! rank 0 prints.

use crate::args::{Global, LpArgs, ValuesArgs};
use anyhow::Result;

/// The MPI world of this process.
#[cfg(feature = "mpi")]
pub type World = plenty_mpi::MpiComm;

/// No MPI in this build.
#[cfg(not(feature = "mpi"))]
pub enum World {}

/// Environment variables that MPI launchers (OpenMPI's mpirun, MPICH's hydra, Slurm's srun with
/// PMI or PMIx) set in the processes they start.
#[cfg(feature = "mpi")]
const LAUNCHER_VARIABLES: [&str; 4] = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"];

/// The MPI world to solve across, if this run is distributed: when `--distributed` is given, or
/// when an MPI launcher started more than one rank. `None` means one process, as usual.
#[cfg(feature = "mpi")]
pub fn world(distributed: bool) -> Result<Option<World>> {
    let launched = LAUNCHER_VARIABLES
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if !distributed && !launched {
        return Ok(None);
    }
    let Some(comm) = plenty_mpi::MpiComm::init() else {
        anyhow::bail!("MPI was already initialised in this process");
    };
    use plenty_core::dist::Communicator;
    Ok((distributed || comm.size() > 1).then_some(comm))
}

/// This build has no MPI: `--distributed` says how to get one.
#[cfg(not(feature = "mpi"))]
pub fn world(distributed: bool) -> Result<Option<World>> {
    if distributed {
        anyhow::bail!(
            "--distributed: this plenty was built without MPI; build it with `cargo build --release -p plenty-cli --features mpi` (needs libopenmpi-dev, openmpi-bin and libclang-dev), then run `mpirun -np P plenty values …`"
        );
    }
    Ok(None)
}

/// Without MPI there is no world to solve across.
#[cfg(not(feature = "mpi"))]
pub fn values(_: &Global, _: &ValuesArgs, world: World) -> Result<()> {
    match world {}
}

/// Without MPI there is no world to solve across.
#[cfg(not(feature = "mpi"))]
pub fn lp(_: &Global, _: &LpArgs, world: World) -> Result<()> {
    match world {}
}

/// `values` across the ranks of `comm`.
#[cfg(feature = "mpi")]
pub fn values(g: &Global, args: &ValuesArgs, comm: World) -> Result<()> {
    on_ranks(comm, |c| run::values(g, args, c))
}

/// `lp` across the ranks of `comm` (PDLP, `crate::distributed_lp`).
#[cfg(feature = "mpi")]
pub fn lp(g: &Global, args: &LpArgs, comm: World) -> Result<()> {
    on_ranks(comm, |c| crate::distributed_lp::lp(g, args, c))
}

/// Runs `f` on this rank. On ranks other than 0 an error is returned as [`crate::Silent`]:
/// rank 0 reports the same error (every failure is agreed on by all ranks).
#[cfg(feature = "mpi")]
fn on_ranks(comm: World, f: impl FnOnce(&World) -> Result<()>) -> Result<()> {
    use plenty_core::dist::Communicator;
    let rank = comm.rank();
    if rank != 0 {
        crate::input::silence_warnings();
    }
    let result = f(&comm);
    // A rank that exits with an error ends the job (mpirun stops the others), so rank 0 prints
    // its error before any rank may leave: every rank learns whether one failed, and waits
    // for rank 0's report.
    let (failed, _) = comm.all_gather_u64(&[u64::from(result.is_err())]);
    if failed.contains(&1) {
        let code = match (&result, rank) {
            (Err(e), 0) => Some(crate::report(e)),
            _ => None,
        };
        let _ = comm.all_gather_u64(&[0]);
        drop(comm);
        return match (result, code) {
            (Err(_), Some(code)) => Err(crate::Reported(code).into()),
            (Err(e), None) => Err(crate::Silent(e.to_string()).into()),
            (ok, _) => ok,
        };
    }
    drop(comm);
    result
}

#[cfg(feature = "mpi")]
pub(crate) mod run {
    use crate::args::{Global, HubRowsArg, ValuesArgs};
    use crate::checkpoint_dir::CheckpointDir;
    use crate::commands::provenance;
    use crate::commands::{demand, economy_summary, emit_values, labour, load, ValuesRun};
    use crate::progress::Progress;
    use crate::NoAnswer;
    use anyhow::{anyhow, Result};
    use plenty_core::checkpoint::{Checkpoints, IterationState};
    use plenty_core::dist::productivity::vouch;
    use plenty_core::dist::values::{from_rank_0, gather, gather_costs, rows_of, RankCost};
    use plenty_core::dist::{
        solve_leontief, solve_leontief_checkpointed, Communicator, DistMatrix, HubRows, Layout,
        Space,
    };
    use plenty_core::productivity::{Answer, Refusal};
    use plenty_core::spectral::SpectralSettings;
    use plenty_core::Side;
    use serde_json::json;
    use std::time::Instant;

    /// What a rank read: its part of the system, and (on rank 0) what the report names.
    struct Input {
        n: usize,
        nnz: usize,
        /// Entries of `A` this rank read (its rows, or its shards' columns).
        entries: Vec<(u32, u32, f64)>,
        /// This rank's part of d and l (`layout.range(rank)`).
        d: Vec<f64>,
        l: Vec<f64>,
        products: Vec<String>,
        labour_name: String,
        recorded_output: Option<Vec<f64>>,
        inputs: Vec<std::path::PathBuf>,
        summary_economy: serde_json::Value,
        settings: plenty_core::SolverSettings,
    }

    pub fn values(g: &Global, args: &ValuesArgs, comm: &plenty_mpi::MpiComm) -> Result<()> {
        let (rank, ranks) = (comm.rank(), comm.size());
        let progress = Progress::new(g.quiet || rank != 0);
        let t0 = Instant::now();
        let input = &args.analysis.input;
        let read = if plenty_io::shard::is_sharded(&input.input) {
            read_shards(input, comm)
        } else {
            read_whole(g, input, comm, &progress)
        };
        agree(comm, read.as_ref().err().map(|e| format!("{e:#}")))?;
        let input = read?;
        let n = input.n;
        let layout = Layout::even(n, ranks);
        let range = layout.range(rank);
        let t_read = t0.elapsed().as_secs_f64();
        progress.stage("distributing A over the ranks");
        let t1 = Instant::now();
        let hubs = match args.hub_rows {
            HubRowsArg::Ghosts => HubRows::Ghosts,
            HubRowsArg::Split => HubRows::Split,
        };
        let a = DistMatrix::assemble(comm, &layout, input.entries, hubs).map_err(|e| anyhow!(e))?;
        let space = Space::new(&layout, comm);
        let t_prepare = t1.elapsed().as_secs_f64();
        progress.stage(&format!(
            "solving (I − A) x = d and v (I − A) = l across {ranks} ranks"
        ));
        let t1 = Instant::now();
        let systems = [(Side::Output, &input.d[..]), (Side::Values, &input.l[..])];
        let (mut solved, report) = match &args.checkpoint {
            None => solve_leontief(&a, &space, &systems, &input.settings)?,
            Some(dir) => {
                let s = &input.settings;
                let (files, resume) = open_checkpoints(
                    comm,
                    dir,
                    &input.inputs,
                    format!(
                        "n={n}/{}/tol={:e}/max={}{}",
                        s.method,
                        s.tolerance,
                        s.max_iterations,
                        // The hubs' mode changes the bits; the default keeps older keys.
                        if hubs == HubRows::Split {
                            "/hubs=split"
                        } else {
                            ""
                        }
                    ),
                    args.resume,
                    |r| IterationState::read_from(r),
                )?;
                let mut save = |state: &IterationState| files.save(comm, state);
                let mut checkpoints = Checkpoints {
                    every: args.checkpoint_every.max(1),
                    resume,
                    save: &mut save,
                };
                solve_leontief_checkpointed(
                    &a,
                    &space,
                    &systems,
                    &input.settings,
                    Some(&mut checkpoints),
                )?
            }
        };
        let t_solve = t1.elapsed().as_secs_f64();
        let t2 = Instant::now();
        let [xs, vs] = &solved[..] else {
            anyhow::bail!("the distributed solve returned another number of answers than systems");
        };
        let verdict = vouch(
            &a,
            &space,
            &[
                Answer::of("gross output", Side::Output, &input.d, xs),
                Answer::of("labour values", Side::Values, &input.l, vs),
            ],
            &SpectralSettings::default(),
            input.settings.tolerance,
        );
        let t_vouch = t2.elapsed().as_secs_f64();
        drop(a);
        debug_assert_eq!(input.d.len(), range.len());
        let v_local = solved.pop().map(|s| (s.x, s.report));
        let x_local = solved.pop().map(|s| (s.x, s.report));
        let (Some((x_local, x_report)), Some((v_local, v_report))) = (x_local, v_local) else {
            anyhow::bail!("the distributed solve returned fewer answers than systems");
        };
        let x = gather(comm, &layout, &x_local);
        let v = gather(comm, &layout, &v_local);
        let d = gather(comm, &layout, &input.d);
        let l = gather(comm, &layout, &input.l);
        let costs = gather_costs(comm, &report, peak_memory_bytes());
        progress.finish();
        let numbered: Vec<String>;
        let products = if input.products.len() == n || rank != 0 {
            &input.products
        } else {
            numbered = (0..n).map(|i| format!("p{i}")).collect();
            &numbered
        };
        // An unproductive economy is named as such before any solve is called unconverged; an
        // unconverged solve gets the advice of a distributed run (no dense LU across ranks).
        let proof = match verdict {
            Ok(proof) => Some(proof),
            Err(Refusal::NotConverged { .. }) => None,
            Err(refusal) => return Err(NoAnswer(refusal.lines(products).join("\n")).into()),
        };
        for (what, r) in [("gross output", &x_report), ("labour values", &v_report)] {
            if !r.status.is_converged() {
                return Err(NoAnswer(format!(
                    "{what}: {} did not converge across {ranks} ranks ({} iterations, relative residual {:.2e}); raise --max-iterations or try --method jacobi",
                    r.method, r.iterations, r.relative_residual
                ))
                .into());
            }
        }
        let Some(proof) = proof else {
            anyhow::bail!("the answers were refused as unconverged, yet both solves converged");
        };
        if rank != 0 {
            return Ok(());
        }
        let productivity = (serde_json::to_value(&proof)?, proof.describe());
        emit_values(
            ValuesRun {
                products,
                labour_name: input.labour_name,
                recorded_output: input.recorded_output.as_deref(),
                inputs: &input.inputs,
                summary_economy: input.summary_economy,
                settings: &input.settings,
                nnz: input.nnz,
                l,
                d,
                x,
                v,
                x_report: &x_report,
                v_report: &v_report,
                productivity,
                seconds: (
                    json!({"read": t_read, "prepare": t_prepare, "solve_x_and_v": t_solve, "vouch": t_vouch}),
                    format!("time: read {t_read:.3} s, distribute {t_prepare:.3} s, solve x and v {t_solve:.3} s, vouch {t_vouch:.3} s"),
                ),
                distributed: Some(hub_rows(
                    distributed_block(&layout, report.iterations, &costs, Noun::Products),
                    hubs,
                    report.hub_rows,
                )),
            },
            &args.analysis.output,
        )
    }

    /// Adds the hub rows' mode to a `values` run's distributed block.
    fn hub_rows(
        (mut block, mut lines): (serde_json::Value, Vec<String>),
        mode: HubRows,
        count: usize,
    ) -> (serde_json::Value, Vec<String>) {
        block["hub_rows"] = json!({"mode": mode, "rows": count});
        if mode == HubRows::Split {
            lines.push(format!(
                "hub rows: {count} split over the ranks (partial sums added in rank order: the bits depend on the number of ranks)"
            ));
        }
        (block, lines)
    }

    /// Every rank reads the whole input (any format `values` reads) and keeps its rows; only
    /// rank 0 keeps the rest (it writes the report).
    fn read_whole(
        g: &Global,
        input: &crate::args::InputArgs,
        comm: &dyn Communicator,
        progress: &Progress,
    ) -> Result<Input> {
        let (mut loaded, settings) = load(g, input, progress)?;
        let summary_economy = economy_summary(&loaded);
        let e = &mut loaded.economy;
        let d = if e.final_demand.len() == 1 {
            std::mem::take(&mut e.final_demand[0].values)
        } else {
            demand(e)?
        };
        let l = match e.labour {
            Some(k) => std::mem::take(&mut e.satellites[k].intensity),
            None => labour(e)?,
        };
        let n = e.n();
        let range = Layout::even(n, comm.size()).range(comm.rank());
        let rank0 = comm.rank() == 0;
        Ok(Input {
            n,
            nnz: e.a.nnz(),
            entries: rows_of(&e.a, range.clone()),
            d: d[range.clone()].to_vec(),
            l: l[range].to_vec(),
            labour_name: e
                .labour_satellite()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            recorded_output: if rank0 {
                e.recorded_output.take()
            } else {
                None
            },
            products: if rank0 {
                std::mem::take(&mut e.products)
            } else {
                Vec::new()
            },
            inputs: std::mem::take(&mut loaded.inputs),
            summary_economy,
            settings,
        })
    }

    /// Rank `r` reads the shards `s` with `s % P == r` and sends their labour and demand to the
    /// ranks that own those products (the entries are routed by the distributed matrix).
    fn read_shards(input: &crate::args::InputArgs, comm: &dyn Communicator) -> Result<Input> {
        use plenty_core::dist::values::{redistribute, shards_of_rank};
        use plenty_io::shard;
        if input.labour.is_some()
            || input.demand.is_some()
            || input.labour_account.is_some()
            || !input.category.is_empty()
            || input.flows_with_output.is_some()
        {
            anyhow::bail!(
                "{}: a sharded economy holds its own labour and demand; --labour, --demand, --labour-account, --category and --flows-with-output are not read across ranks",
                input.input.display()
            );
        }
        let settings = crate::commands::solver_settings(&input.solver);
        settings.validate()?;
        let dir = &input.input;
        let m = shard::read_manifest(dir)?;
        let (rank, ranks) = (comm.rank(), comm.size());
        let mine = shards_of_rank(m.shard.len(), rank, ranks);
        let total: usize = mine.iter().map(|&s| m.shard[s].nnz).sum();
        let mut entries = Vec::new();
        let mut parts = Vec::new();
        let mut failed = None;
        for s in mine {
            match shard::read_shard(dir, &m, s) {
                Ok(sh) => {
                    // The first shard's entries are kept as read; the others are appended
                    // into room reserved once (no doubling of a large vector).
                    if entries.is_empty() {
                        entries = sh.entries;
                    } else {
                        entries.reserve_exact(total - entries.len());
                        entries.extend_from_slice(&sh.entries);
                    }
                    parts.push((sh.first, sh.labour, sh.demand));
                }
                Err(e) => {
                    failed = Some(e.to_string());
                    break;
                }
            }
        }
        agree(comm, failed)?;
        let layout = Layout::even(m.n, ranks);
        let labour: Vec<(usize, &[f64])> = parts.iter().map(|p| (p.0, &p.1[..])).collect();
        let demand: Vec<(usize, &[f64])> = parts.iter().map(|p| (p.0, &p.2[..])).collect();
        let l = redistribute(comm, &layout, &labour).map_err(|e| anyhow!(e))?;
        let d = redistribute(comm, &layout, &demand).map_err(|e| anyhow!(e))?;
        Ok(Input {
            n: m.n,
            nnz: m.nnz,
            entries,
            d,
            l,
            // Named p0, p1, … by rank 0 when it writes the report, after the solve: at 10⁷
            // products the names alone take 400 MB.
            products: Vec::new(),
            labour_name: "labour".into(),
            recorded_output: None,
            inputs: shard::files(dir, &m),
            summary_economy: json!({
                "products": m.n,
                "nonzero_coefficients": m.nnz,
                "storage": "sparse",
                "shards": m.shard.len(),
                "unit": null,
                "labour": "labour",
                "final_demand_categories": ["demand"],
                "notes": [],
                "warnings": [],
            }),
            settings,
        })
    }

    /// The checkpoint folder of a run across ranks, and with `resume` this rank's state of its
    /// last complete checkpoint (read by `read`). A checkpoint must match the inputs' hash
    /// (rank 0 hashes `inputs`) and `settings`; every failure is agreed on by all ranks.
    pub fn open_checkpoints<T>(
        comm: &dyn Communicator,
        dir: &std::path::Path,
        inputs: &[std::path::PathBuf],
        settings: String,
        resume: bool,
        read: impl FnOnce(&mut dyn std::io::Read) -> Result<T, String>,
    ) -> Result<(CheckpointDir, Option<T>)> {
        let key = (comm.rank() == 0)
            .then(|| -> Result<String> {
                let hash = provenance(inputs, json!({}))?.input_hash;
                Ok(format!("{hash}/{settings}"))
            })
            .transpose();
        agree(comm, key.as_ref().err().map(|e| format!("{e:#}")))?;
        let key = from_rank_0(comm, &key?.unwrap_or_default());
        let files = CheckpointDir::new(dir, key);
        agree(comm, files.as_ref().err().map(|e| format!("{e:#}")))?;
        let files = files?;
        let state = resume
            .then(|| files.load_with(comm.rank(), comm.size(), read))
            .transpose();
        agree(comm, state.as_ref().err().map(|e| format!("{e:#}")))?;
        Ok((files, state?))
    }

    /// What a rank's range counts, and what a step is.
    #[derive(Clone, Copy)]
    pub enum Noun {
        /// Products; a step is a matrix-vector product (`values`).
        Products,
        /// An LP's columns; a step is a PDHG iteration, one product with `A` and one with `Aᵀ`.
        Columns,
    }

    /// The report's `distributed` block and its headline lines.
    pub fn distributed_block(
        layout: &Layout,
        iterations: usize,
        costs: &[RankCost],
        noun: Noun,
    ) -> (serde_json::Value, Vec<String>) {
        let (things, steps_key, steps) = match noun {
            Noun::Products => (
                "products",
                "matrix_vector_products",
                "matrix-vector products",
            ),
            Noun::Columns => ("columns", "iterations", "PDHG iterations"),
        };
        let bytes: u64 = costs.iter().map(|c| c.bytes_sent).sum();
        let per_iteration = bytes as f64 / iterations.max(1) as f64;
        let seconds = costs
            .iter()
            .map(|c| c.seconds_communicating)
            .fold(0.0, f64::max);
        let collectives = costs.first().map_or(0, |c| c.collectives);
        let block = json!({
            "engine": "MPI",
            "mpi_library": plenty_mpi::MpiComm::library_version(),
            "ranks": costs.len(),
            "rank_boundaries": layout.offsets(),
            steps_key: iterations,
            "bytes_sent_per_iteration": per_iteration,
            "bytes_sent": bytes,
            "collectives_per_rank": collectives,
            "seconds_communicating_max": seconds,
            "per_rank": costs,
        });
        let mb = |b: u64| b as f64 / 1e6;
        let list =
            |f: &dyn Fn(&RankCost) -> String| costs.iter().map(f).collect::<Vec<_>>().join(", ");
        let lines = vec![
            format!(
                "distributed over {} ranks (MPI): {things} {}; non-zeros {}; ghosts (A, Aᵀ) {}",
                costs.len(),
                list(&|c| c.products.to_string()),
                list(&|c| c.nonzeros.to_string()),
                list(&|c| format!("{}+{}", c.ghosts.0, c.ghosts.1)),
            ),
            format!(
                "communication: {per_iteration:.0} bytes sent per iteration (all ranks, {iterations} {steps}), {collectives} collectives, at most {seconds:.3} s communicating"
            ),
            format!(
                "peak memory per rank: {} MB",
                list(&|c| format!("{:.1}", mb(c.peak_memory_bytes)))
            ),
        ];
        (block, lines)
    }

    /// Makes every rank fail alike when one of them failed.
    pub fn agree(comm: &dyn Communicator, local: Option<String>) -> Result<()> {
        plenty_core::dist::values::agree_on_error(comm, local).map_err(|e| anyhow!(e))
    }

    /// This process's peak resident memory (VmHWM in /proc/self/status), 0 where unknown.
    pub fn peak_memory_bytes() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .map_or(0, |kb| kb * 1024)
    }
}
