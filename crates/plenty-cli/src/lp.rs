//! `plenty lp`: solve any linear program in an MPS file with the native solver (PDLP, then a
//! crossover to the exact vertex where the basis is small enough), and report the solution, the
//! row duals and the certificate. This is how a plan's LP written by `plenty plan --mps`, or any
//! other solver's model, is checked by plenty; it is also how the benchmarks run plenty and HiGHS
//! on the very same file.
//!
//! Exit code 1 when there is no optimum (infeasible, unbounded, a limit reached), 2 for bad input.

use crate::args::{Global, LpArgs, LpBackendArg, LpFeasibilityArg, LpTableArg, SchemeArg};
use crate::commands::{emit, provenance};
use crate::progress::Progress;
use crate::NoAnswer;
use anyhow::{bail, Context, Result};
use plenty_core::lp::choose::{solve_auto, ChoiceSettings, LpAttempt};
use plenty_core::lp::ipm::{Ipm, IpmSettings, IpmStats};
use plenty_core::lp::pdlp::{PdhgScheme, Pdlp, PdlpSettings, PdlpStats};
use plenty_core::lp::{LinearProgram, LpSettings, LpSolution, LpStatus, Sense};
use plenty_io::lp_shard::is_sharded_lp;
use plenty_io::output::{Column, Report, ResultTable};
use serde_json::json;

/// `plenty lp`.
pub fn lp(g: &Global, a: &LpArgs) -> Result<()> {
    if let Some(world) = crate::distributed::world(a.distributed)? {
        return crate::distributed::lp(g, a, world);
    }
    if a.checkpoint.is_some() {
        bail!(
            "--checkpoint saves the state of a run across ranks: run under mpirun (a plenty built \
             with --features mpi), or add --distributed"
        );
    }
    let progress = Progress::new(g.quiet);
    progress.stage("reading the MPS file");
    let t0 = std::time::Instant::now();
    let lp = read(a)?;
    let t_read = t0.elapsed().as_secs_f64();
    let settings = pdlp_settings(a)?;
    progress.stage(&format!(
        "solving ({} rows, {} columns, {} non-zeros)",
        lp.nrows(),
        lp.ncols(),
        lp.columns.nnz()
    ));
    let t1 = std::time::Instant::now();
    // PDLP's and the interior-point method's own counters (HiGHS has none), and the methods
    // that ran with the reason for each.
    let mut pdlp_stats = None;
    let mut ipm_stats = None;
    let mut attempts: Vec<LpAttempt> = Vec::new();
    let pdlp = Pdlp::new(settings.clone())
        .with_observer(progress.pdlp_observer(settings.row_scaled_feasibility));
    let sol = match a.backend {
        LpBackendArg::Native | LpBackendArg::Pdlp => {
            let (sol, stats) = pdlp.solve_with_stats(&lp, None, None)?;
            pdlp_stats = Some(stats);
            sol
        }
        LpBackendArg::Ipm => {
            let (sol, stats) = Ipm::new(IpmSettings {
                lp: settings.lp.clone(),
                ..Default::default()
            })
            .solve_with_stats(&lp)?;
            ipm_stats = Some(stats);
            sol
        }
        LpBackendArg::Auto => {
            let (sol, tried) = solve_auto(&lp, &settings.lp, &pdlp, &ChoiceSettings::default())?;
            attempts = tried;
            sol
        }
        LpBackendArg::Highs => crate::highs::backend()?.solve(&lp, &settings.lp)?,
    };
    let t_solve = t1.elapsed().as_secs_f64();
    progress.finish();
    render(
        a,
        &lp,
        &sol,
        &Extras {
            pdlp_stats,
            ipm_stats,
            attempts,
            seconds: json!({"read": t_read, "solve": t_solve}),
            t_solve,
            distributed: None,
            settings: json!(settings),
            activity: None,
            nnz: None,
        },
    )
}

/// Reads the MPS file (or the sharded LP's folder, whole), with the sense override.
pub(crate) fn read(a: &LpArgs) -> Result<LinearProgram> {
    let mut lp = if is_sharded_lp(&a.mps) {
        plenty_io::lp_shard::open_sharded_lp(&a.mps, true)?
    } else if a.mps.is_file() {
        plenty_io::mps::read_mps(&a.mps)?
    } else {
        bail!(
            "{}: no such file (an MPS file, or a sharded LP's folder with {})",
            a.mps.display(),
            plenty_io::lp_shard::MANIFEST
        );
    };
    if let Some(sense) = a.sense {
        lp.sense = sense.into();
    }
    Ok(lp)
}

/// The input files a report names: the MPS file, or a sharded LP's manifest and shards.
pub(crate) fn input_files(a: &LpArgs) -> Result<Vec<std::path::PathBuf>> {
    if is_sharded_lp(&a.mps) {
        let m = plenty_io::lp_shard::read_lp_manifest(&a.mps)?;
        Ok(plenty_io::lp_shard::lp_files(&a.mps, &m))
    } else {
        Ok(vec![a.mps.clone()])
    }
}

/// PDLP's settings from the flags.
pub(crate) fn pdlp_settings(a: &LpArgs) -> Result<PdlpSettings> {
    let settings = PdlpSettings {
        lp: LpSettings {
            tolerance: a.tolerance,
            max_iterations: a.max_iterations,
            time_limit: a.time_limit,
        },
        scheme: match a.scheme {
            SchemeArg::Adaptive => PdhgScheme::Adaptive,
            SchemeArg::Halpern => PdhgScheme::Halpern,
        },
        row_scaled_feasibility: a.feasibility == LpFeasibilityArg::Row,
        crossover: !a.no_crossover,
        crossover_limit: a.crossover_limit,
        ..Default::default()
    };
    settings
        .validate()
        .context("--tolerance, --max-iterations or --time-limit")?;
    Ok(settings)
}

/// What the report names beyond the solution.
pub(crate) struct Extras {
    /// The solver's settings, as the provenance records them.
    pub settings: serde_json::Value,
    pub pdlp_stats: Option<PdlpStats>,
    pub ipm_stats: Option<IpmStats>,
    pub attempts: Vec<LpAttempt>,
    /// The `seconds_total` block.
    pub seconds: serde_json::Value,
    pub t_solve: f64,
    /// Across ranks: the `distributed` block and its headline lines.
    pub distributed: Option<(serde_json::Value, Vec<String>)>,
    /// The row activities `A x`, when the caller computed them (across ranks the report's LP
    /// holds no matrix); else computed here.
    pub activity: Option<Vec<f64>>,
    /// Non-zeros of `A`, when the report's LP does not hold them.
    pub nnz: Option<usize>,
}

/// Writes the report of a solved LP (the same from one process and from rank 0 of many).
pub(crate) fn render(a: &LpArgs, lp: &LinearProgram, sol: &LpSolution, x: &Extras) -> Result<()> {
    let (stats, ipm_stats, attempts, t_solve) =
        (&x.pdlp_stats, &x.ipm_stats, &x.attempts, x.t_solve);
    let c = sol.info.certificate;
    let activity = match &x.activity {
        Some(a) => a.clone(),
        None => lp.row_activity(&sol.x),
    };
    let violation = lp.max_row_violation(&activity);
    let summary = json!({
        "status": sol.status,
        "objective": sol.objective,
        "sense": lp.sense,
        "method": sol.info.method,
        "iterations": sol.info.iterations,
        "restarts": stats.as_ref().map(|s| s.restarts),
        "crossover": stats.as_ref().map(|s| json!({
            "attempts": s.crossover_attempts,
            "seconds": s.crossover_seconds,
            "failure": s.crossover_failure,
        })),
        "certificate": c,
        "interior_point": ipm_stats,
        "method_choice": attempts,
        "max_row_violation": violation,
        "rows": lp.nrows(),
        "columns": lp.ncols(),
        "nonzeros": x.nnz.unwrap_or_else(|| lp.columns.nnz()),
        "seconds_total": x.seconds,
        "distributed": x.distributed.as_ref().map(|d| &d.0),
    });
    let report = Report {
        provenance: provenance(
            &input_files(a)?,
            json!({
                "backend": format!("{:?}", a.backend).to_lowercase(),
                "pdlp": x.settings,
                "sense_override": a.sense.map(|s| format!("{s:?}").to_lowercase()),
            }),
        )?,
        summary,
        tables: {
            let (columns, rows) = (columns_table(lp, sol), rows_table(lp, sol, activity));
            match a.table {
                LpTableArg::Columns => vec![columns, rows],
                LpTableArg::Rows => vec![rows, columns],
            }
        },
    };
    let mut headline = vec![
        format!(
            "{}: {} ({}), objective {} ({})",
            a.mps.display(),
            sol.status,
            sol.info.method,
            sol.objective,
            match lp.sense {
                Sense::Minimize => "minimised",
                Sense::Maximize => "maximised",
            }
        ),
        format!(
            "certificate: primal residual {:.2e}, dual residual {:.2e}, gap {:.2e}; largest row violation {:.2e}; {} iterations, {:.3} s",
            c.primal_residual,
            c.dual_residual,
            c.relative_gap,
            violation,
            sol.info.iterations,
            t_solve
        ),
    ];
    for t in attempts {
        headline.push(format!(
            "method: {} ({}): {} in {} iterations",
            t.method, t.reason, t.status, t.iterations
        ));
    }
    if let Some((_, lines)) = &x.distributed {
        headline.extend(lines.iter().cloned());
    }
    if sol.status != LpStatus::Optimal {
        if a.output.output.is_some() {
            emit(&report, &a.output, &[])?;
        }
        let hint = match sol.status {
            LpStatus::IterationLimit | LpStatus::TimeLimit | LpStatus::NumericalTrouble => {
                "; raise --max-iterations or --time-limit, or loosen --tolerance"
            }
            _ => "",
        };
        return Err(NoAnswer(format!(
            "{}: no optimum: {}{hint}\n{}",
            a.mps.display(),
            sol.status,
            headline[1]
        ))
        .into());
    }
    emit(&report, &a.output, &headline)
}

fn columns_table(lp: &LinearProgram, sol: &LpSolution) -> ResultTable {
    ResultTable {
        name: "columns".into(),
        row_header: "column".into(),
        rows: lp.col_names.clone(),
        columns: vec![
            Column::new("value", sol.x.clone()),
            Column::new("reduced_cost", sol.reduced_costs.clone()),
            Column::new("cost", lp.c.clone()),
            Column::new("lower", lp.col_lower.clone()),
            Column::new("upper", lp.col_upper.clone()),
        ],
    }
}

fn rows_table(lp: &LinearProgram, sol: &LpSolution, activity: Vec<f64>) -> ResultTable {
    ResultTable {
        name: "rows".into(),
        row_header: "row".into(),
        rows: lp.row_names.clone(),
        columns: vec![
            Column::new("activity", activity),
            Column::new("dual", sol.y.clone()),
            Column::new("lower", lp.row_lower.clone()),
            Column::new("upper", lp.row_upper.clone()),
        ],
    }
}
