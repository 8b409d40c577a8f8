//! The subcommands: each loads its input, calls the core, and renders a [`Report`].

use crate::args::*;
use crate::input;
use crate::progress::Progress;
use crate::NoAnswer;
use anyhow::{bail, Context, Result};
use plenty_core::economy::{output_multipliers, satellite_effects, BalanceCheck};
use plenty_core::generate::{generate, GeneratorSettings, Structure};
use plenty_core::spectral::{diagnose, name_list};
use plenty_core::{
    Answer, Economy, IdentityCheck, LeontiefSolver, Method, Productivity, ProductivityProof,
    RightHandSide, Side, SolveReport, SolverSettings, SpectralSettings, TechnicalCoefficients,
};
use plenty_io::hash::hash_inputs;
use plenty_io::output::{
    join_levels, render_table, write_report, Column, Format, Provenance, ProvenancePlacement,
    Report, ResultTable, WriteOptions, LEVEL_SEPARATOR,
};
use plenty_io::spec::LoadedEconomy;
use plenty_io::{mtx, pymrio, triplets, vectors};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs the chosen subcommand.
pub fn dispatch(cli: Cli) -> Result<()> {
    let g = &cli.global;
    match &cli.command {
        Command::Values(a) => values(g, a),
        Command::Multipliers(a) => multipliers(g, a),
        Command::Leontief(a) => leontief(g, a),
        Command::Coefficients(a) => coefficients(g, a),
        Command::Check(a) => check(g, a),
        Command::Generate(a) => generate_cmd(g, a),
        Command::Convert(a) => convert(g, a),
        Command::Plan(a) => crate::plan::plan(g, a),
        Command::GeneratePlan(a) => crate::plan::generate_plan(g, a),
        Command::Lp(a) => crate::lp::lp(g, a),
        Command::Serve(a) => crate::serve::serve(a),
        Command::Audit(a) => crate::serve::audit(a),
        Command::Vote(a) => crate::vote::vote(a),
        Command::Simulate(a) => crate::simulate::simulate(g, a),
        // The IO analyses of issue #17.
        Command::Ghosh(a) => crate::analysis::ghosh(g, a),
        Command::Linkages(a) => crate::analysis::linkages(g, a),
        Command::Partition(a) => crate::spread::partition(g, a),
        Command::Type2(a) => crate::analysis::type2(g, a),
        Command::Prices(a) => crate::analysis::prices(g, a),
        Command::Extract(a) => crate::analysis::extract(g, a),
        Command::Influence(a) => crate::analysis::influence(g, a),
        Command::Sda(a) => crate::analysis::sda(g, a),
        // Issue #17: aggregation and disaggregation.
        Command::Aggregate(a) => crate::reshape::aggregate(g, a),
        Command::Disaggregate(a) => crate::reshape::disaggregate(g, a),
        // Issue #17, multi-regional tables.
        Command::Footprint(a) => crate::footprint::footprint(g.quiet, a),
    }
}

pub(crate) fn solver_settings(s: &SolverArgs) -> SolverSettings {
    SolverSettings {
        method: match s.method {
            MethodArg::Auto => Method::Auto,
            MethodArg::DenseLu => Method::DenseLu,
            MethodArg::Bicgstab => Method::BiCgStab,
            MethodArg::Jacobi => Method::Jacobi,
        },
        tolerance: s.tolerance,
        max_iterations: s.max_iterations,
        dense_limit: s.dense_limit,
    }
}

fn command_line() -> String {
    std::env::args().skip(1).collect::<Vec<_>>().join(" ")
}

pub(crate) fn provenance(inputs: &[PathBuf], settings: Value) -> Result<Provenance> {
    let (files, combined) = hash_inputs(inputs)?;
    Ok(Provenance {
        plenty_version: plenty_core::VERSION.to_string(),
        command: command_line(),
        input_hash: combined,
        inputs: files,
        settings,
    })
}

pub(crate) fn load(
    g: &Global,
    args: &InputArgs,
    progress: &Progress,
) -> Result<(LoadedEconomy, SolverSettings)> {
    progress.stage("reading the economy");
    let settings = solver_settings(&args.solver);
    settings.validate()?;
    let loaded = input::load(args)?;
    let _ = g;
    Ok((loaded, settings))
}

pub(crate) fn economy_summary(l: &LoadedEconomy) -> Value {
    let e = &l.economy;
    json!({
        "products": e.n(),
        "nonzero_coefficients": e.a.nnz(),
        "storage": match e.a { TechnicalCoefficients::Dense(_) => "dense", TechnicalCoefficients::Sparse(_) => "sparse" },
        "unit": l.unit,
        "labour": e.labour_satellite().map(|s| &s.name),
        "final_demand_categories": e.final_demand.iter().map(|f| &f.name).collect::<Vec<_>>(),
        "notes": l.notes,
        "warnings": l.warnings,
    })
}

pub(crate) fn demand(e: &Economy) -> Result<Vec<f64>> {
    if e.final_demand.is_empty() {
        bail!("the economy has no final demand; give --demand FILE (one number per product) or declare [final_demand] in the specification");
    }
    Ok(e.total_final_demand())
}

pub(crate) fn labour(e: &Economy) -> Result<Vec<f64>> {
    match e.labour_satellite() {
        Some(s) => Ok(s.intensity.clone()),
        None => bail!(
            "the economy has no labour account; give --labour FILE (hours per unit of output), --labour-account NAME, or mark a satellite with labour = true{}",
            if e.satellites.is_empty() {
                String::new()
            } else {
                format!(" (it has: {})", e.satellites.iter().map(|s| format!("{:?}", s.name)).collect::<Vec<_>>().join(", "))
            }
        ),
    }
}

/// Reports answers only when the core vouches for them: the economy is productive, every solve
/// converged, and no sign is impossible. Otherwise exit 1 with the core's reasons (for an
/// unproductive economy, `check`'s diagnosis).
pub(crate) fn vouch(
    solver: &LeontiefSolver<'_>,
    answers: &[Answer<'_>],
    labels: &[String],
) -> Result<ProductivityProof> {
    solver
        .vouch(answers, &SpectralSettings::default())
        .map_err(|refusal| NoAnswer(refusal.lines(labels).join("\n")).into())
}

pub(crate) fn emit(report: &Report, out: &OutputArgs, headline: &[String]) -> Result<()> {
    let split;
    let report = if input::mrio_labels() {
        split = split_region_labels(report);
        &split
    } else {
        report
    };
    let selected;
    let report = if out.columns.is_empty() {
        report
    } else {
        selected = select_columns(report, &out.columns)?;
        &selected
    };
    if let Some(path) = &out.output {
        let format = Format::from_path(path).with_context(|| {
            format!(
                "{}: give the output file an extension .csv, .json or .parquet",
                path.display()
            )
        })?;
        let options = WriteOptions {
            provenance: match out.provenance {
                ProvenanceArg::Inline => ProvenancePlacement::Inline,
                ProvenanceArg::Sidecar => ProvenancePlacement::Sidecar,
            },
        };
        let written = write_report(path, format, report, &options)?;
        let stderr = std::io::stderr();
        let mut w = stderr.lock();
        for h in headline {
            writeln!(w, "{h}")?;
        }
        for p in written {
            writeln!(w, "wrote {}", p.display())?;
        }
        return Ok(());
    }
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    for h in headline {
        writeln!(w, "{h}")?;
    }
    let width = terminal_width();
    for t in &report.tables {
        writeln!(w)?;
        write!(w, "{}", render_table(t, out.max_rows, width))?;
    }
    writeln!(
        w,
        "input sha256 {}  plenty {}",
        report.provenance.input_hash, report.provenance.plenty_version
    )?;
    Ok(())
}

/// Issue #17: the tables of products of a multi-regional economy (labels `region/sector`) with
/// region and sector as two label levels, so every output has them in separate columns.
fn split_region_labels(report: &Report) -> Report {
    let mut out = report.clone();
    for t in &mut out.tables {
        if t.row_header == "product" && t.rows.iter().all(|r| r.contains('/')) {
            t.row_header = join_levels(&["region", "sector"]);
            for r in &mut t.rows {
                *r = r.replacen('/', &LEVEL_SEPARATOR.to_string(), 1);
            }
        }
    }
    out
}

/// The terminal's width, or 100 characters when standard output is not a terminal.
fn terminal_width() -> usize {
    console::Term::stdout()
        .size_checked()
        .map_or(100, |(_, cols)| usize::from(cols).max(40))
}

/// The report with only the named columns in each table that has any of them; a name that no
/// table has is an error listing the names there are.
fn select_columns(report: &Report, names: &[String]) -> Result<Report> {
    let known: Vec<&str> = report
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().map(|c| c.name.as_str()))
        .collect();
    if let Some(bad) = names.iter().find(|n| !known.contains(&n.as_str())) {
        bail!(
            "--columns: no result column is called {bad:?}; the columns are: {}",
            known.join(", ")
        );
    }
    let mut out = report.clone();
    out.tables.retain_mut(|t| {
        t.columns.retain(|c| names.contains(&c.name));
        !t.columns.is_empty()
    });
    Ok(out)
}

fn report_json(r: &SolveReport) -> Value {
    json!({"method": r.method, "iterations": r.iterations, "relative_residual": r.relative_residual, "status": r.status})
}

fn solve_line(what: &str, r: &SolveReport) -> String {
    format!(
        "{what}: {} in {} iterations, relative residual {:.2e}",
        r.method, r.iterations, r.relative_residual
    )
}

fn values(g: &Global, args: &ValuesArgs) -> Result<()> {
    if let Some(comm) = crate::distributed::world(args.distributed)? {
        return crate::distributed::values(g, args, comm);
    }
    if args.checkpoint.is_some() {
        bail!(
            "--checkpoint saves the state of a distributed solve: run under mpirun (a plenty built \
             with --features mpi), or add --distributed; a single-process solve of 10^6 products \
             takes seconds"
        );
    }
    if args.hub_rows != crate::args::HubRowsArg::Ghosts {
        bail!(
            "--hub-rows split applies across ranks: run under mpirun (a plenty built with \
             --features mpi), or add --distributed"
        );
    }
    let args = &args.analysis;
    let progress = Progress::new(g.quiet);
    let t0 = Instant::now();
    let (mut loaded, settings) = load(g, &args.input, &progress)?;
    let summary_economy = economy_summary(&loaded);
    // Moved out of the economy rather than copied: at 10^6 products every vector is 8 MB.
    let d = if loaded.economy.final_demand.len() == 1 {
        std::mem::take(&mut loaded.economy.final_demand[0].values)
    } else {
        demand(&loaded.economy)?
    };
    let l = match loaded.economy.labour {
        Some(k) => std::mem::take(&mut loaded.economy.satellites[k].intensity),
        None => labour(&loaded.economy)?,
    };
    let nnz = loaded.economy.a.nnz();
    let t_read = t0.elapsed().as_secs_f64();
    progress.stage("preparing the Leontief system");
    let t1 = Instant::now();
    // The solver takes the coefficients over, so a large sparse matrix is held once (as the
    // tiles the iteration uses), not twice.
    let a = std::mem::replace(
        &mut loaded.economy.a,
        TechnicalCoefficients::Dense(plenty_core::DenseMatrix::zeros(0, 0)),
    );
    let solver = LeontiefSolver::from_owned(a, settings.clone())?;
    // Preparing (the LU, or the tiles an iteration uses) is timed apart from solving, as the
    // peer benchmark times SciPy's solves after its own format conversions.
    let t_prepare = t1.elapsed().as_secs_f64();
    let t1 = Instant::now();
    progress.stage(&format!(
        "solving (I − A) x = d and v (I − A) = l by {}",
        solver.method()
    ));
    let (x, v) = solver.solve_both(&d, &l)?;
    let t_solve = t1.elapsed().as_secs_f64();
    progress.stage("vouching for the answers (productivity, convergence, signs)");
    let t2 = Instant::now();
    let proof = vouch(
        &solver,
        &[
            Answer::of("gross output", Side::Output, &d, &x),
            Answer::of("labour values", Side::Values, &l, &v),
        ],
        &loaded.economy.products,
    )?;
    let t_vouch = t2.elapsed().as_secs_f64();
    drop(solver);
    progress.finish();
    let e = &loaded.economy;
    emit_values(
        ValuesRun {
            products: &e.products,
            labour_name: e
                .labour_satellite()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            recorded_output: e.recorded_output.as_deref(),
            inputs: &loaded.inputs,
            summary_economy,
            settings: &settings,
            nnz,
            l,
            d,
            x: x.x,
            v: v.x,
            x_report: &x.report,
            v_report: &v.report,
            productivity: (serde_json::to_value(&proof)?, proof.describe()),
            seconds: (
                json!({"read": t_read, "prepare": t_prepare, "solve_x_and_v": t_solve, "vouch": t_vouch}),
                format!("time: read {t_read:.3} s, prepare {t_prepare:.3} s, solve x and v {t_solve:.3} s, vouch {t_vouch:.3} s"),
            ),
            distributed: None,
        },
        &args.output,
    )
}

/// What `values` found, by one process or across ranks, to render.
pub(crate) struct ValuesRun<'a> {
    pub products: &'a [String],
    pub labour_name: String,
    pub recorded_output: Option<&'a [f64]>,
    pub inputs: &'a [PathBuf],
    pub summary_economy: Value,
    pub settings: &'a SolverSettings,
    pub nnz: usize,
    pub l: Vec<f64>,
    pub d: Vec<f64>,
    pub x: Vec<f64>,
    pub v: Vec<f64>,
    pub x_report: &'a SolveReport,
    pub v_report: &'a SolveReport,
    /// The productivity block of the summary, and its headline line.
    pub productivity: (Value, String),
    /// The seconds block of the summary, and its headline line.
    pub seconds: (Value, String),
    /// The distributed block of the summary, and its headline lines.
    pub distributed: Option<(Value, Vec<String>)>,
}

/// Renders the report of `values`: the same columns and provenance however it was solved.
pub(crate) fn emit_values(run: ValuesRun<'_>, out: &OutputArgs) -> Result<()> {
    let id = IdentityCheck::new(&run.v, &run.d, &run.l, &run.x);
    let mut columns = vec![
        Column {
            name: "direct_labour".into(),
            values: run.l,
        },
        Column {
            name: "labour_value".into(),
            values: run.v,
        },
        Column {
            name: "final_demand".into(),
            values: run.d,
        },
        Column {
            name: "gross_output".into(),
            values: run.x,
        },
    ];
    if let Some(rec) = run.recorded_output {
        columns.push(Column {
            name: "recorded_output".into(),
            values: rec.to_vec(),
        });
    }
    let mut summary = json!({
        "economy": run.summary_economy,
        "labour_account": run.labour_name,
        "gross_output_solve": report_json(run.x_report),
        "labour_values_solve": report_json(run.v_report),
        "identity": {"v_dot_d": id.v_dot_d, "l_dot_x": id.l_dot_x, "relative_difference": id.relative_difference},
        "productivity": run.productivity.0,
        "seconds": run.seconds.0,
    });
    let mut headline = vec![
        format!(
            "{} products, {} non-zero coefficients; labour account {:?}",
            run.products.len(),
            run.nnz,
            run.labour_name
        ),
        solve_line("gross output x", run.x_report),
        solve_line("labour values v", run.v_report),
        format!(
            "identity: v·d = {:.10e}, l·x = {:.10e}, relative difference {:.2e}",
            id.v_dot_d, id.l_dot_x, id.relative_difference
        ),
        run.productivity.1,
        run.seconds.1,
    ];
    if let Some((block, lines)) = run.distributed {
        summary["distributed"] = block;
        headline.extend(lines);
    }
    let report = Report {
        provenance: provenance(run.inputs, json!({"solver": run.settings}))?,
        summary,
        tables: vec![ResultTable {
            name: "labour_values".into(),
            row_header: "product".into(),
            rows: run.products.to_vec(),
            columns,
        }],
    };
    emit(&report, out, &headline)
}

fn multipliers(g: &Global, args: &AnalysisArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let t0 = Instant::now();
    let (loaded, settings) = load(g, &args.input, &progress)?;
    let t_read = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let e = &loaded.economy;
    progress.stage("preparing the Leontief system");
    let solver = LeontiefSolver::new(&e.a, settings.clone())?;
    progress.stage("output multipliers");
    let om = output_multipliers(&solver)?;
    let ones = vec![1.0; e.n()];
    let mut columns = vec![Column {
        name: "output_multiplier".into(),
        values: om.x.clone(),
    }];
    let mut reports = vec![json!({"output_multiplier": report_json(&om.report)})];
    let mut headline = vec![
        format!(
            "{} products; effects per unit of final demand (s (I − A)⁻¹), Type I = effect / direct",
            e.n()
        ),
        solve_line("output multipliers", &om.report),
    ];
    let mut effects = Vec::with_capacity(e.satellites.len());
    for s in &e.satellites {
        progress.stage(&format!("effects of {}", s.name));
        effects.push((
            format!("{} effects", s.name),
            satellite_effects(&solver, s)?,
        ));
    }
    let mut answers = vec![Answer::of("output multipliers", Side::Values, &ones, &om)];
    for (what, eff) in &effects {
        answers.push(Answer {
            what,
            side: Side::Values,
            rhs: RightHandSide::Vector(&eff.direct),
            x: &eff.total,
            report: &eff.report,
        });
    }
    let proof = vouch(&solver, &answers, &e.products)?;
    headline.push(proof.describe());
    for (s, (_, eff)) in e.satellites.iter().zip(effects) {
        headline.push(solve_line(&format!("{} effects", s.name), &eff.report));
        reports.push(json!({ s.name.clone(): report_json(&eff.report) }));
        columns.push(Column {
            name: format!("{}_direct", s.name),
            values: eff.direct.clone(),
        });
        columns.push(Column {
            name: format!("{}_effect", s.name),
            values: eff.total.clone(),
        });
        columns.push(Column {
            name: format!("{}_type_i", s.name),
            values: eff.type_i.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        });
    }
    progress.finish();
    let t_solve = t1.elapsed().as_secs_f64();
    headline.push(format!(
        "time: read {t_read:.3} s, factor and solve {t_solve:.3} s"
    ));
    let report = Report {
        provenance: provenance(&loaded.inputs, json!({"solver": settings}))?,
        summary: json!({"economy": economy_summary(&loaded), "solves": reports, "productivity": proof, "seconds": {"read": t_read, "solve": t_solve}}),
        tables: vec![ResultTable {
            name: "multipliers".into(),
            row_header: "product".into(),
            rows: e.products.clone(),
            columns,
        }],
    };
    emit(&report, &args.output, &headline)
}

fn leontief(g: &Global, args: &LeontiefArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.input, &progress)?;
    let e = &loaded.economy;
    let d = demand(e)?;
    let n = e.n();
    let columns_wanted = args.inverse || args.diagonal;
    if columns_wanted && n > 5000 {
        bail!("--inverse and --diagonal need one solve per product; this economy has {n} products (at most 5 000). Solve for the demands you need instead");
    }
    progress.stage("preparing the Leontief system");
    let solver = LeontiefSolver::new(&e.a, settings.clone())?;
    progress.stage("solving (I − A) x = d");
    let x = solver.solve_output(&d)?;
    let inv = if columns_wanted {
        progress.stage("columns of (I − A)⁻¹");
        solver.inverse_columns(&(0..n).collect::<Vec<_>>())?
    } else {
        Vec::new()
    };
    progress.stage("vouching for the answers (productivity, convergence, signs)");
    let column_names: Vec<String> = if columns_wanted {
        e.products
            .iter()
            .map(|p| format!("the inverse's column for {p}"))
            .collect()
    } else {
        Vec::new()
    };
    let mut answers = vec![Answer::of("gross output", Side::Output, &d, &x)];
    answers.extend(
        inv.iter()
            .enumerate()
            .map(|(j, c)| Answer::inverse_column(&column_names[j], j, c)),
    );
    let proof = vouch(&solver, &answers, &e.products)?;
    progress.finish();
    let worst_inverse_residual = inv
        .iter()
        .map(|c| c.report.relative_residual)
        .fold(0.0f64, f64::max);
    let mut columns = vec![
        Column {
            name: "final_demand".into(),
            values: d.clone(),
        },
        Column {
            name: "gross_output".into(),
            values: x.x.clone(),
        },
    ];
    if let Some(rec) = &e.recorded_output {
        columns.push(Column {
            name: "recorded_output".into(),
            values: rec.clone(),
        });
    }
    if columns_wanted {
        columns.push(Column {
            name: "leontief_diagonal".into(),
            values: (0..n).map(|j| inv[j].x[j]).collect(),
        });
    }
    let gross_output = ResultTable {
        name: "gross_output".into(),
        row_header: "product".into(),
        rows: e.products.clone(),
        columns,
    };
    // The table asked for comes first: it is the one `--output FILE.csv|.parquet` writes to
    // FILE; the others go beside it (FILE stem + table name), never dropped.
    let tables = if args.inverse {
        let inverse = ResultTable {
            name: "leontief_inverse".into(),
            row_header: "product".into(),
            rows: e.products.clone(),
            columns: inv
                .into_iter()
                .zip(&e.products)
                .map(|(c, p)| Column {
                    name: p.clone(),
                    values: c.x,
                })
                .collect(),
        };
        vec![inverse, gross_output]
    } else {
        vec![gross_output]
    };
    let mut headline = vec![
        format!("{} products", n),
        solve_line("gross output x", &x.report),
    ];
    if columns_wanted {
        headline.push(format!(
            "(I − A)⁻¹ by {} solves with unit vectors; worst relative residual {:.2e}",
            n, worst_inverse_residual
        ));
    }
    headline.push(proof.describe());
    let report = Report {
        provenance: provenance(
            &loaded.inputs,
            json!({"solver": settings, "inverse": args.inverse, "diagonal": args.diagonal}),
        )?,
        summary: json!({"economy": economy_summary(&loaded), "gross_output_solve": report_json(&x.report), "inverse_worst_relative_residual": worst_inverse_residual, "productivity": proof}),
        tables,
    };
    emit(&report, &args.output, &headline)
}

fn coefficients(g: &Global, args: &AnalysisArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, _) = load(g, &args.input, &progress)?;
    progress.finish();
    let e = &loaded.economy;
    let n = e.n();
    if n > 5000 {
        bail!("A has {n} columns, too many for a table; write it with `plenty convert --to mtx` or `--to triplets`");
    }
    let dense = e.a.to_dense();
    let columns = (0..n)
        .map(|j| Column {
            name: e.products[j].clone(),
            values: (0..n).map(|i| dense.get(i, j)).collect(),
        })
        .collect();
    let sums = e.a.column_sums();
    let report = Report {
        provenance: provenance(&loaded.inputs, json!({}))?,
        summary: json!({"economy": economy_summary(&loaded), "max_column_sum": sums.iter().cloned().fold(0.0, f64::max)}),
        tables: vec![ResultTable {
            name: "coefficients".into(),
            row_header: "product".into(),
            rows: e.products.clone(),
            columns,
        }],
    };
    emit(
        &report,
        &args.output,
        &[format!(
            "technical coefficients A ({n} × {n}, {} non-zeros)",
            e.a.nnz()
        )],
    )
}

fn check(g: &Global, args: &AnalysisArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &args.input, &progress)?;
    let e = &loaded.economy;
    let n = e.n();
    progress.stage("estimating ρ(A) by power iteration");
    let spectral = SpectralSettings::default();
    let diagnosis = diagnose(&e.a, &spectral);
    let est = &diagnosis.estimate;
    let sums = e.a.column_sums();
    let above: Vec<usize> = (0..n).filter(|&j| sums[j] > 1.0).collect();
    let mut headline = vec![format!("{n} products, {} non-zero coefficients", e.a.nnz())];
    let mut lines = diagnosis.lines(&e.products).into_iter();
    headline.extend(lines.next());
    if !above.is_empty() {
        headline.push(format!(
            "{} sectors have column sums of A above 1 (this alone does not make the economy unproductive): {}",
            above.len(),
            names(e, &above, 10)
        ));
    }
    for note in &loaded.notes {
        headline.push(format!("note: {note}"));
    }
    headline.extend(lines);
    let offending_json: Vec<Value> = diagnosis
        .offending
        .iter()
        .map(|c| json!({"rho": c.rho, "lower_bound": c.lower, "sectors": c.sectors.iter().map(|&k| &e.products[k]).collect::<Vec<_>>()}))
        .collect();
    let mut columns = vec![Column {
        name: "column_sum".into(),
        values: sums.clone(),
    }];
    let mut balance = Value::Null;
    if est.productivity == Productivity::Productive {
        if let (Some(rec), false) = (&e.recorded_output, e.final_demand.is_empty()) {
            // useeior-style validation: recompute output from final demand and compare.
            progress.stage("recomputing gross output from final demand");
            let solver = LeontiefSolver::new(&e.a, settings.clone())?;
            let x = solver.solve_output(&e.total_final_demand())?;
            let check = BalanceCheck::new(&x.x, rec);
            let off = &check.off;
            headline.push(if off.is_empty() {
                format!("balance: gross output recomputed from final demand matches the recorded output within 1% for every sector (worst {:.2e})", check.worst)
            } else {
                format!("balance: {} sectors' recomputed output is more than 1% off the recorded output: {}", off.len(), names(e, off, 10))
            });
            balance = json!({"sectors_over_1_percent": off.iter().map(|&k| &e.products[k]).collect::<Vec<_>>(), "solve": report_json(&x.report)});
            let rel = check.relative_difference;
            columns.push(Column {
                name: "recorded_output".into(),
                values: rec.clone(),
            });
            columns.push(Column {
                name: "recomputed_output".into(),
                values: x.x,
            });
            columns.push(Column {
                name: "relative_difference".into(),
                values: rel,
            });
        }
    }
    progress.finish();
    let report = Report {
        provenance: provenance(
            &loaded.inputs,
            json!({"spectral": spectral, "solver": settings}),
        )?,
        summary: json!({
            "economy": economy_summary(&loaded),
            "spectral_radius": est,
            "column_sums_above_one": above.iter().map(|&k| &e.products[k]).collect::<Vec<_>>(),
            "zero_output_sectors": e.zero_output_sectors.iter().map(|&k| &e.products[k]).collect::<Vec<_>>(),
            "offending_components": offending_json,
            "balance": balance,
        }),
        tables: vec![ResultTable {
            name: "check".into(),
            row_header: "product".into(),
            rows: e.products.clone(),
            columns,
        }],
    };
    emit(&report, &args.output, &headline)?;
    if est.productivity == Productivity::NotProductive {
        return Err(NoAnswer(format!(
            "the economy is not productive: ρ(A) = {:.6} ≥ 1",
            est.rho
        ))
        .into());
    }
    Ok(())
}

fn names(e: &Economy, idx: &[usize], max: usize) -> String {
    name_list(&e.products, idx, max)
}

fn generate_cmd(g: &Global, a: &GenerateArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let settings = GeneratorSettings {
        n: a.n,
        k: a.k,
        column_sum_low: a.column_sum_low,
        column_sum_high: a.column_sum_high,
        structure: match a.structure {
            StructureArg::Random => Structure::Random,
            StructureArg::Local => Structure::Local,
        },
        bandwidth: a.bandwidth,
        seed: a.seed,
    };
    settings
        .validate()
        .map_err(|e| anyhow::anyhow!("generate: {e}"))?;
    if a.pymrio && a.n > 20_000 {
        bail!("--pymrio writes dense tables; at most 20 000 products");
    }
    if let Some(shards) = a.shards {
        return generate_sharded(g, a, &settings, shards);
    }
    progress.stage("generating");
    let eco = generate(&settings).map_err(|e| anyhow::anyhow!(e))?;
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    progress.stage("writing A.mtx");
    let comment = vec![format!(
        "plenty {} generate n={} k={} seed={} column sums U({}, {}) structure={:?}",
        plenty_core::VERSION,
        a.n,
        a.k,
        a.seed,
        a.column_sum_low,
        a.column_sum_high,
        settings.structure
    )];
    mtx::write_matrix_with_comment(&a.out.join("A.mtx"), &eco.a, &comment)?;
    // The vectors carry no comment lines: the peer benchmark reads them as plain numbers.
    vectors::write_vector(&a.out.join("l.csv"), "l", None, &eco.labour, &[])?;
    vectors::write_vector(&a.out.join("d.csv"), "d", None, &eco.demand, &[])?;
    let prov = write_generator_provenance(
        &a.out,
        &["A.mtx", "l.csv", "d.csv"],
        serde_json::to_value(&settings)?,
    )?;
    if a.pymrio {
        progress.stage("writing the pymrio folder");
        let labels: Vec<String> = (0..a.n).map(|i| format!("p{i}")).collect();
        let mut e = Economy::new(labels, TechnicalCoefficients::Sparse(eco.a.clone()))?;
        e.add_satellite(plenty_core::Satellite {
            name: "labour".into(),
            unit: Some("hours".into()),
            intensity: eco.labour.clone(),
        })?;
        e.set_labour("labour")?;
        e.add_final_demand(plenty_core::FinalDemand {
            name: "demand".into(),
            values: eco.demand.clone(),
        })?;
        write_pymrio_from_economy(&e, &a.out.join("pymrio"), &SolverSettings::default())?;
    }
    progress.finish();
    eprintln!(
        "wrote {} (n = {}, {} non-zeros; input sha256 {})",
        a.out.display(),
        a.n,
        eco.a.nnz(),
        prov.input_hash
    );
    Ok(())
}

/// Records what a generator wrote: `generator.json` in `dir` holds the provenance (the settings
/// and the hash of every file written), and is returned.
/// `generate --shards K`: each shard made by itself (the generator's blocks are seeded apart), written
/// and dropped before the next, then the manifest with every file's hash.
fn generate_sharded(
    g: &Global,
    a: &GenerateArgs,
    settings: &GeneratorSettings,
    shards: usize,
) -> Result<()> {
    use plenty_core::dist::Layout;
    use plenty_io::shard;
    let most = a.n.div_ceil(plenty_core::kernels::CHUNK);
    if shards == 0 || shards > most {
        bail!(
            "--shards {shards}: shard boundaries are multiples of {} products, so {} products make 1 to {most} shards",
            plenty_core::kernels::CHUNK,
            a.n
        );
    }
    let progress = Progress::new(g.quiet);
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    let layout = Layout::even(a.n, shards);
    let t0 = Instant::now();
    let (mut t_generate, mut t_write, mut bytes) = (0.0, 0.0, 0u64);
    let mut entries = Vec::with_capacity(shards);
    for s in 0..shards {
        progress.stage(&format!(
            "generating and writing shard {} of {shards}",
            s + 1
        ));
        let range = layout.range(s);
        let t = Instant::now();
        let part = plenty_core::generate::generate_products(settings, range.clone())
            .map_err(|e| anyhow::anyhow!("generate: {e}"))?;
        t_generate += t.elapsed().as_secs_f64();
        let t = Instant::now();
        entries.push(shard::write_shard(
            &a.out,
            s,
            &shard::Shard {
                first: range.start,
                entries: part.entries,
                labour: part.labour,
                demand: part.demand,
            },
        )?);
        t_write += t.elapsed().as_secs_f64();
        if let Some(e) = entries.last() {
            for f in [&e.entries, &e.products] {
                bytes += std::fs::metadata(a.out.join(f)).map_or(0, |m| m.len());
            }
        }
    }
    let manifest = shard::Manifest {
        format: shard::FORMAT.into(),
        version: shard::VERSION,
        n: a.n,
        nnz: entries.iter().map(|e| e.nnz).sum(),
        generator: Some(settings.clone()),
        shard: entries,
    };
    shard::write_manifest(&a.out, &manifest)?;
    progress.finish();
    eprintln!(
        "wrote {} products, {} non-zeros in {shards} shards to {} in {:.2} s (generating {t_generate:.2} s; writing and hashing {t_write:.2} s, {:.1} MB)",
        a.n,
        manifest.nnz,
        a.out.display(),
        t0.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );
    Ok(())
}

pub(crate) fn write_generator_provenance(
    dir: &Path,
    files: &[&str],
    settings: Value,
) -> Result<Provenance> {
    let files: Vec<PathBuf> = files.iter().map(|f| dir.join(f)).collect();
    let prov = provenance(&files, settings)?;
    std::fs::write(
        dir.join("generator.json"),
        serde_json::to_string_pretty(&prov)? + "\n",
    )?;
    Ok(prov)
}

/// Writes an economy as a pymrio folder: Z = A diag(x) with x = (I − A)⁻¹ d, Y = the final
/// demand categories, and one extension "satellites" with the totals s_j x_j.
fn write_pymrio_from_economy(e: &Economy, dir: &Path, settings: &SolverSettings) -> Result<()> {
    let d = demand(e)?;
    let x = match &e.recorded_output {
        Some(x) => x.clone(),
        None => {
            let solver = LeontiefSolver::new(&e.a, settings.clone())?;
            let s = solver.solve_output(&d)?;
            vouch(
                &solver,
                &[Answer::of("gross output", Side::Output, &d, &s)],
                &e.products,
            )?;
            s.x
        }
    };
    let n = e.n();
    let dense = e.a.to_dense();
    let z = plenty_core::DenseMatrix::from_fn(n, n, |i, j| dense.get(i, j) * x[j]);
    let y = plenty_core::DenseMatrix::from_fn(n, e.final_demand.len(), |i, k| {
        e.final_demand[k].values[i]
    });
    let region = "all".to_string();
    let extensions = if e.satellites.is_empty() {
        Vec::new()
    } else {
        vec![pymrio::Extension {
            name: "satellites".into(),
            title: Some("Satellites".into()),
            row_levels: vec!["stressor".into()],
            rows: e.satellites.iter().map(|s| vec![s.name.clone()]).collect(),
            f: plenty_core::DenseMatrix::from_fn(e.satellites.len(), n, |k, j| {
                e.satellites[k].intensity[j] * x[j]
            }),
            f_y: None,
            units: Some(
                e.satellites
                    .iter()
                    .map(|s| s.unit.clone().unwrap_or_default())
                    .collect(),
            ),
        }]
    };
    let sys = pymrio::PymrioSystem {
        source: None,
        regions_sectors: e
            .products
            .iter()
            .map(|p| (region.clone(), p.clone()))
            .collect(),
        z,
        y,
        y_columns: e
            .final_demand
            .iter()
            .map(|f| (region.clone(), f.name.clone()))
            .collect(),
        x: Some(x),
        units: None,
        extensions,
    };
    pymrio::write_pymrio(dir, &sys)?;
    Ok(())
}

fn convert(g: &Global, a: &ConvertArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &a.input, &progress)?;
    let e = &loaded.economy;
    let prov = provenance(&loaded.inputs, json!({"to": format!("{:?}", a.to)}))?;
    let comment = vec![format!(
        "plenty {} convert; input sha256 {}",
        prov.plenty_version, prov.input_hash
    )];
    progress.stage("writing");
    match a.to {
        ConvertTo::Mtx => {
            std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
            mtx::write_matrix_with_comment(&a.out.join("A.mtx"), &e.a.to_csr(), &comment)?;
            if let Some(l) = e.labour_satellite() {
                vectors::write_vector(&a.out.join("l.csv"), "l", None, &l.intensity, &[])?;
            }
            if !e.final_demand.is_empty() {
                vectors::write_vector(
                    &a.out.join("d.csv"),
                    "d",
                    None,
                    &e.total_final_demand(),
                    &[],
                )?;
            }
            let mut labels = String::from("product\n");
            for p in &e.products {
                labels.push_str(p);
                labels.push('\n');
            }
            std::fs::write(a.out.join("labels.csv"), labels)?;
            std::fs::write(
                a.out.join("provenance.json"),
                serde_json::to_string_pretty(&prov)? + "\n",
            )?;
        }
        ConvertTo::Triplets => {
            triplets::write_triplets(&a.out, Some(&e.products), &e.a.to_csr(), &comment)?
        }
        ConvertTo::Csv => {
            if e.n() > 20_000 {
                bail!(
                    "a labelled CSV of {} × {} is too large; use --to mtx or --to triplets",
                    e.n(),
                    e.n()
                );
            }
            let dense = e.a.to_dense();
            let report = Report {
                provenance: prov.clone(),
                summary: Value::Null,
                tables: vec![ResultTable {
                    name: "coefficients".into(),
                    row_header: "product".into(),
                    rows: e.products.clone(),
                    columns: (0..e.n())
                        .map(|j| Column {
                            name: e.products[j].clone(),
                            values: (0..e.n()).map(|i| dense.get(i, j)).collect(),
                        })
                        .collect(),
                }],
            };
            write_report(&a.out, Format::Csv, &report, &WriteOptions::default())?;
        }
        ConvertTo::Pymrio => {
            // Issue #17: a pymrio folder converted as it is keeps its regions, extensions and
            // units; an economy (or a pymrio folder with overrides) is written flattened.
            let i = &a.input;
            let as_read = i.labour.is_none()
                && i.labour_account.is_none()
                && i.demand.is_none()
                && i.category.is_empty()
                && plenty_io::open::detect(&i.input)? == plenty_io::open::InputKind::PymrioFolder;
            if as_read {
                pymrio::write_pymrio(&a.out, &pymrio::read_pymrio(&i.input)?)?;
            } else {
                write_pymrio_from_economy(e, &a.out, &settings)?
            }
        }
    }
    progress.finish();
    eprintln!("wrote {}", a.out.display());
    Ok(())
}

/// A certificate in a JSON summary (non-finite measures as null).
pub(crate) fn certificate_json(c: &plenty_core::lp::Certificate) -> serde_json::Value {
    let num = |v: f64| {
        if v.is_finite() {
            serde_json::json!(v)
        } else {
            serde_json::Value::Null
        }
    };
    serde_json::json!({
        "primal_residual": num(c.primal_residual),
        "dual_residual": num(c.dual_residual),
        "relative_gap": num(c.relative_gap),
        "primal_objective": num(c.primal_objective),
        "dual_objective": num(c.dual_objective),
    })
}
