//! `plenty plan` and `plenty generate-plan`: load a planning economy, solve Kantorovich's
//! problem (or harmony) with the chosen backend, and render the plan with its provenance.
//! Exit code 1 when there is no optimal plan (infeasible, unbounded, not converged), with the
//! explanation; 2 for bad input.

use crate::args::{
    BackendArg, FamilyArg, GeneratePlanArgs, Global, ObjectiveArg, PlanArgs, PlanTableArg,
    StructureArg,
};
use crate::commands::{emit, provenance, write_generator_provenance};
use crate::progress::Progress;
use crate::NoAnswer;
use anyhow::{bail, Context, Result};
use plenty_core::generate::Structure;
use plenty_core::lp::pdlp::PdlpSettings;
use plenty_core::lp::synthetic::{multi_year_economy_with_base, MultiYearLpSettings};
use plenty_core::lp::{LinearProgram, LpSettings};
use plenty_core::plan::{
    generate_plan as generate_economy, solve_plan, KantorovichLp, LpSolver, Objective, Plan,
    PlanGeneratorSettings, PlanMethod, PlanReport, PlanRequest, PlanSolution, PlanStart,
    PlanningEconomy,
};
use plenty_io::open::open_planning;
use plenty_io::output::{Column, Report, ResultTable};
use plenty_io::planning_file::write_planning_folder;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The LP limits of `plenty plan`'s options, `default_tolerance` when `--tolerance` is absent.
pub(crate) fn limits(a: &PlanArgs, default_tolerance: f64) -> Result<LpSettings> {
    let limits = LpSettings {
        tolerance: a.tolerance.unwrap_or(default_tolerance),
        max_iterations: a.max_iterations,
        time_limit: a.time_limit,
    };
    limits
        .validate()
        .context("--tolerance, --max-iterations or --time-limit")?;
    Ok(limits)
}

/// `plenty plan`.
pub fn plan(g: &Global, a: &PlanArgs) -> Result<()> {
    use plenty_io::open::InputKind;
    if matches!(
        plenty_io::open::detect(&a.economy)?,
        InputKind::MultiYearSpreadsheets | InputKind::MultiYearFile
    ) {
        return crate::plan_years::plan_multi_year(g, a);
    }
    if a.replan.is_some() || a.compare.is_some() || a.plots.is_some() {
        bail!("--replan, --compare and --plots are for multi-year plans (a planning file with [years], or Cockshott's spreadsheets)");
    }
    let progress = Progress::new(g.quiet);
    progress.stage("reading the planning economy");
    let t0 = std::time::Instant::now();
    let loaded = open_planning(&a.economy)?;
    let t_read = t0.elapsed().as_secs_f64();
    let t1 = std::time::Instant::now();
    let e = &loaded.economy;
    let lp_settings = limits(a, 1e-6)?;
    if let Some(path) = &a.mps {
        progress.stage("writing the LP as MPS");
        let k = KantorovichLp::build(e)?;
        plenty_io::mps::write_mps(path, &k.lp)?;
    }
    let start = match &a.warm_start {
        None => None,
        Some(path) => Some(read_start(path, e)?),
    };
    let highs = match a.backend {
        BackendArg::Highs => Some(crate::highs::backend()?),
        _ => None,
    };
    let request = PlanRequest {
        objective: match a.objective {
            ObjectiveArg::Lambda => Objective::Lambda,
            ObjectiveArg::Harmony => Objective::Harmony,
            ObjectiveArg::MinLambda | ObjectiveArg::Discounted => bail!(
                "--objective {} is for multi-year plans (a folder with flows.csv, cap.csv, dep.csv and labtarg.csv); a single-year plan maximises lambda or harmony",
                if a.objective == ObjectiveArg::MinLambda { "min-lambda" } else { "discounted" }
            ),
        },
        method: match a.backend {
            BackendArg::Auto => PlanMethod::Auto,
            BackendArg::Policy => PlanMethod::Policy,
            BackendArg::Ipm | BackendArg::Pdlp | BackendArg::Native | BackendArg::Highs => {
                PlanMethod::Lp
            }
        },
        limits: lp_settings.clone(),
        crossover_limit: Some(a.crossover_limit),
        lp_solver: match (&highs, a.backend) {
            (Some(h), _) => LpSolver::External(h.as_ref()),
            (None, BackendArg::Ipm) => LpSolver::InteriorPoint,
            (None, BackendArg::Pdlp | BackendArg::Native) => LpSolver::Pdlp,
            (None, _) => LpSolver::Auto,
        },
        start,
        observer: progress.pdlp_observer(PdlpSettings::default().row_scaled_feasibility),
    };
    progress.stage(match (request.objective, request.method) {
        (Objective::Harmony, _) => "maximising harmony (a sequence of LPs)",
        (_, PlanMethod::Lp) => "solving the LP",
        _ => "solving: policy iteration where it applies, else the LP",
    });
    let solved = solve_plan(e, &request)?;
    progress.finish();
    let t_solve = t1.elapsed().as_secs_f64();
    let plan = solved.plan();
    let mut tables = vec![
        products_table(e, &solved),
        processes_table(e, plan),
        limits_table(e, plan),
    ];
    let first = match a.table {
        PlanTableArg::Products => 0,
        PlanTableArg::Processes => 1,
        PlanTableArg::Limits => 2,
        PlanTableArg::Years | PlanTableArg::Goods | PlanTableArg::Capital => {
            bail!("--table years, goods and capital are a multi-year plan's; this plan has products, processes and limits")
        }
    };
    let chosen = tables.remove(first);
    tables.insert(0, chosen);
    let mut inputs: Vec<PathBuf> = loaded.inputs.clone();
    // The start changes the path to the answer, so it is an input of the result.
    inputs.extend(a.warm_start.iter().cloned());
    inputs.sort();
    let settings = json!({
        "objective": format!("{:?}", a.objective).to_lowercase(),
        "backend": format!("{:?}", a.backend).to_lowercase(),
        "lp": lp_settings,
    });
    let report = Report {
        provenance: provenance(&inputs, settings)?,
        summary: {
            let mut v = summary(e, &solved, loaded.name.as_deref());
            v["seconds_total"] = json!({"read": t_read, "solve": t_solve});
            v
        },
        tables,
    };
    let headline = headline(e, &solved, loaded.name.as_deref());
    if let Some(reason) = solved.no_plan_reason() {
        if a.output.output.is_some() {
            emit(&report, &a.output, &[])?;
        }
        return Err(NoAnswer(reason).into());
    }
    emit(&report, &a.output, &headline)
}

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

fn products_table(e: &PlanningEconomy, s: &PlanReport) -> ResultTable {
    let p = s.plan();
    let mut columns = vec![
        Column::new("target", e.targets()),
        Column::new("committed", e.committed()),
        Column::new("gross_output", p.gross_output.clone()),
        Column::new("net_output", p.net_output.clone()),
        Column::new("surplus", p.surplus.clone()),
        Column::new("valuation", p.product_valuation.clone()),
        Column::new("binds", p.product_binds.iter().map(|b| flag(*b)).collect()),
    ];
    match &s.solution {
        PlanSolution::Policy(pp) if !pp.labour_values.is_empty() => {
            columns.push(Column::new("labour_value", pp.labour_values.clone()));
        }
        PlanSolution::Harmony(h) => {
            columns.push(Column::new("fulfilment", h.fulfilment.clone()));
            columns.push(Column::new(
                "weight",
                e.products().iter().map(|p| p.weight).collect(),
            ));
        }
        _ => {}
    }
    ResultTable {
        name: "products".into(),
        row_header: "product".into(),
        rows: e.products().iter().map(|p| p.name.clone()).collect(),
        columns,
    }
}

fn processes_table(e: &PlanningEconomy, p: &Plan) -> ResultTable {
    ResultTable {
        name: "processes".into(),
        row_header: "process".into(),
        rows: e.process_names().to_vec(),
        columns: vec![
            Column::new("intensity", p.intensity.clone()),
            Column::new(
                "capacity",
                e.capacities()
                    .iter()
                    .map(|c| if c.is_finite() { *c } else { f64::NAN })
                    .collect(),
            ),
            Column::new(
                "at_capacity",
                p.at_capacity.iter().map(|b| flag(*b)).collect(),
            ),
            Column::new("profit", p.profit.clone()),
        ],
    }
}

fn limits_table(e: &PlanningEconomy, p: &Plan) -> ResultTable {
    let mut rows = Vec::new();
    let (mut avail, mut used, mut val, mut binds) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let finite = |v: f64| if v.is_finite() { v } else { f64::NAN };
    for (h, l) in e.labour_types().iter().enumerate() {
        rows.push(format!("labour:{}", l.name));
        avail.push(finite(l.hours));
        used.push(p.labour_used[h]);
        val.push(p.labour_valuation[h]);
        binds.push(flag(p.labour_binds[h]));
    }
    for (q, r) in e.resources().iter().enumerate() {
        rows.push(format!("resource:{}", r.name));
        avail.push(finite(r.limit));
        used.push(p.resource_used[q]);
        val.push(p.resource_valuation[q]);
        binds.push(flag(p.resource_binds[q]));
    }
    ResultTable {
        name: "limits".into(),
        row_header: "limit".into(),
        rows,
        columns: vec![
            Column::new("available", avail),
            Column::new("used", used),
            Column::new("valuation", val),
            Column::new("binds", binds),
        ],
    }
}

fn summary(e: &PlanningEconomy, s: &PlanReport, name: Option<&str>) -> Value {
    let p = s.plan();
    let num = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
    let mut v = json!({
        "economy": {
            "name": name,
            "products": e.n_products(),
            "processes": e.n_processes(),
            "labour_types": e.labour_types().iter().map(|l| &l.name).collect::<Vec<_>>(),
            "resources": e.resources().iter().map(|r| &r.name).collect::<Vec<_>>(),
        },
        "status": p.status,
        "method": p.method,
        "lambda": num(p.lambda),
        "iterations": p.iterations,
        "seconds": p.seconds,
        "certificate": crate::commands::certificate_json(&p.certificate),
        "binding": s.binding,
        "strategy": s.strategy,
        "explanation": p.explanation,
        "notes": p.notes,
    });
    match &s.solution {
        PlanSolution::Policy(pp) => {
            v["policy_iteration"] = json!({
                "rounds": pp.rounds,
                "switches": pp.switches,
                "hours_per_bundle": num(pp.hours_per_bundle),
                "hours_committed": num(pp.hours_committed),
                "technique": pp.technique.iter().enumerate().map(|(i, &j)| (e.products()[i].name.clone(), Value::from(e.process_names()[j].clone()))).collect::<serde_json::Map<_, _>>(),
            });
        }
        PlanSolution::Harmony(h) => {
            v["harmony"] = json!({
                "harmony": num(h.harmony),
                "upper_bound": num(h.upper_bound),
                "gap": num(h.gap),
                "rounds": h.rounds,
                "breakpoints": h.segments,
                "bound_residual": num(h.bound_residual),
                "lambda_optimum": h.lambda_optimum,
                "lambda_ratio": h.lambda_ratio(),
            });
        }
        PlanSolution::Lambda(_) => {}
    }
    v
}

fn g6(v: f64) -> String {
    plenty_io::output::fmt_num(v)
}

fn headline(e: &PlanningEconomy, s: &PlanReport, name: Option<&str>) -> Vec<String> {
    let p = s.plan();
    let mut out = vec![format!(
        "{}{} products, {} processes, {} labour type{}, {} resource{}",
        name.map(|n| format!("{n}: ")).unwrap_or_default(),
        e.n_products(),
        e.n_processes(),
        e.labour_types().len(),
        if e.labour_types().len() == 1 { "" } else { "s" },
        e.resources().len(),
        if e.resources().len() == 1 { "" } else { "s" },
    )];
    out.push(format!(
        "{} by {} in {} iteration{}, {:.3} s",
        p.status,
        p.method,
        p.iterations,
        if p.iterations == 1 { "" } else { "s" },
        p.seconds
    ));
    match &s.solution {
        PlanSolution::Harmony(h) => {
            out.push(format!(
                "harmony {} (no plan exceeds {}; relative gap {:.1e}) after {} LPs",
                g6(h.harmony),
                g6(h.upper_bound),
                h.gap,
                h.rounds
            ));
            match (h.lambda_optimum, h.lambda_ratio()) {
                (Some(l), Some(r)) => out.push(format!(
                    "fulfilment of the worst-served product λ = {} against the λ optimum {} ({:.1}%)",
                    g6(p.lambda),
                    g6(l),
                    100.0 * r
                )),
                _ => out.push(format!("fulfilment of the worst-served product λ = {}", g6(p.lambda))),
            }
        }
        _ => out.push(format!(
            "λ = {}: bundles of the target assortment on top of the committed needs",
            g6(p.lambda)
        )),
    }
    if let PlanSolution::Policy(pp) = &s.solution {
        out.push(format!(
            "techniques chosen in {} round{} (switches per round {:?}); one bundle takes {} hours",
            pp.rounds,
            if pp.rounds == 1 { "" } else { "s" },
            pp.switches,
            g6(pp.hours_per_bundle)
        ));
    }
    out.push(format!(
        "certificate: primal residual {:.2e}, dual residual {:.2e}, relative gap {:.2e}",
        p.certificate.primal_residual, p.certificate.dual_residual, p.certificate.relative_gap
    ));
    let shown: Vec<&str> = s.binding.iter().take(10).map(String::as_str).collect();
    out.push(format!(
        "binding: {}{}",
        if shown.is_empty() {
            "nothing".to_string()
        } else {
            shown.join(", ")
        },
        match s.binding.len().saturating_sub(10) {
            0 => String::new(),
            more => format!(" … and {more} more (all of them in --output FILE.json)"),
        }
    ));
    for n in &p.notes {
        out.push(format!("note: {n}"));
    }
    out
}

/// `plenty generate-plan`.
pub fn generate_plan(g: &Global, a: &GeneratePlanArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    if a.family == FamilyArg::MultiYear {
        return generate_multi_year(&progress, a);
    }
    let settings = PlanGeneratorSettings {
        n: a.n,
        techniques: a.techniques,
        k: a.k,
        resources: a.resources,
        structure: match a.structure {
            StructureArg::Random => Structure::Random,
            StructureArg::Local => Structure::Local,
        },
        bandwidth: a.bandwidth,
        capacities: !a.no_capacities,
        tightness: a.tightness,
        committed: a.committed,
        seed: a.seed,
    };
    settings
        .validate()
        .map_err(|e| anyhow::anyhow!("generate-plan: {e}"))?;
    progress.stage("generating");
    let e = generate_economy(&settings).map_err(|e| anyhow::anyhow!("generate-plan: {e}"))?;
    progress.stage("writing the planning folder");
    let comment = vec![format!(
        "plenty {} generate-plan {}",
        plenty_core::VERSION,
        serde_json::to_string(&settings)?
    )];
    write_planning_folder(&a.out, &e, &comment)?;
    progress.stage("writing plan.mps");
    let k = KantorovichLp::build(&e)?;
    plenty_io::mps::write_mps(&a.out.join("plan.mps"), &k.lp)?;
    write_lp_shards(&progress, a, &k.lp)?;
    let prov = write_generator_provenance(
        &a.out,
        &[
            "products.csv",
            "labour.csv",
            "resources.csv",
            "processes.csv",
            "outputs.mtx",
            "inputs.mtx",
            "labour.mtx",
            "resources.mtx",
            "plan.mps",
        ],
        serde_json::to_value(&settings)?,
    )?;
    progress.finish();
    eprintln!(
        "wrote {} ({} products, {} processes; LP {} rows × {} columns, {} non-zeros; input sha256 {})",
        a.out.display(),
        e.n_products(),
        e.n_processes(),
        k.lp.nrows(),
        k.lp.ncols(),
        k.lp.columns.nnz(),
        prov.input_hash
    );
    Ok(())
}

/// `generate-plan --shards K`: the LP also in `K` Parquet shards in `OUT/lp-shards` (for
/// `mpirun -np P plenty lp OUT/lp-shards`, each rank reading its shards).
fn write_lp_shards(progress: &Progress, a: &GeneratePlanArgs, lp: &LinearProgram) -> Result<()> {
    if a.shards == 0 {
        return Ok(());
    }
    progress.stage(&format!("writing the LP in {} shards", a.shards));
    let dir = a.out.join(LP_SHARDS);
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    plenty_io::lp_shard::write_sharded_lp(&dir, lp, a.shards)?;
    Ok(())
}

/// The folder of the sharded LP in a generated plan's folder.
pub const LP_SHARDS: &str = "lp-shards";

/// `plenty generate-plan --family multi-year`: Cockshott's N-year model on a random economy, as
/// his four spreadsheets (for `plenty plan`) and its LP as MPS (built from the spreadsheets as
/// read back, so both are the same plan), with its settings in generator.json.
fn generate_multi_year(progress: &Progress, a: &GeneratePlanArgs) -> Result<()> {
    let settings = MultiYearLpSettings {
        n: a.n,
        years: a.years,
        inputs: a.k.min(a.n),
        capital_goods: a.capital_goods.min(a.n),
        seed: a.seed,
    };
    progress.stage("generating the multi-year economy");
    let (economy, x0) = multi_year_economy_with_base(&settings)
        .map_err(|e| anyhow::anyhow!("generate-plan: {e}"))?;
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    progress.stage("writing the spreadsheets and plan.mps");
    plenty_io::cockshott::write_cockshott_plan(&a.out, &economy, &x0)?;
    let read_back = plenty_io::cockshott::read_cockshott_plan(&a.out)?;
    let lp = plenty_core::plan::multiyear::multi_year_lp(&read_back)?.lp;
    plenty_io::mps::write_mps(&a.out.join("plan.mps"), &lp)?;
    write_lp_shards(progress, a, &lp)?;
    let prov = write_generator_provenance(
        &a.out,
        &["cap.csv", "dep.csv", "flows.csv", "labtarg.csv", "plan.mps"],
        serde_json::to_value(&settings)?,
    )?;
    progress.finish();
    eprintln!(
        "wrote {} (a {}-year plan of {} goods; LP {} rows × {} columns, {} non-zeros; input sha256 {})",
        a.out.display(),
        a.years,
        a.n,
        lp.nrows(),
        lp.ncols(),
        lp.columns.nnz(),
        prov.input_hash
    );
    Ok(())
}

/// Reads a warm start from the JSON report of an earlier `plenty plan`: intensities from its
/// processes table, valuations from its products and limits tables, λ from its summary, each
/// matched to this economy by name. A name the report lacks starts at 0; a name only the report
/// has is ignored.
fn read_start(path: &std::path::Path, e: &PlanningEconomy) -> Result<PlanStart> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--warm-start {}", path.display()))?;
    let v: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "--warm-start {}: not a JSON report of `plenty plan -o FILE.json`",
            path.display()
        )
    })?;
    let table = |name: &str, column: &str| -> Result<std::collections::HashMap<String, f64>> {
        let t = &v["tables"][name];
        let (Some(rows), Some(values)) = (t["rows"].as_array(), t["columns"][column].as_array())
        else {
            bail!(
                "--warm-start {}: no {name} table with a {column:?} column; give the JSON report of `plenty plan -o FILE.json`",
                path.display()
            );
        };
        Ok(rows
            .iter()
            .zip(values)
            .filter_map(|(r, x)| Some((r.as_str()?.to_string(), x.as_f64().unwrap_or(0.0))))
            .collect())
    };
    let intensity = table("processes", "intensity")?;
    let products = table("products", "valuation")?;
    let limits = table("limits", "valuation")?;
    Ok(PlanStart::by_name(
        e,
        v["summary"]["lambda"].as_f64().unwrap_or(0.0),
        &|n| intensity.get(n).copied(),
        &|n| products.get(n).copied(),
        &|n| limits.get(&format!("labour:{n}")).copied(),
        &|n| limits.get(&format!("resource:{n}")).copied(),
    ))
}
