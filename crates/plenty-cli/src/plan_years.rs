//! `plenty plan` on a multi-year economy (a planning file with `[years]`, or Cockshott's
//! five-year-plan spreadsheets): read it, let the core build and solve the staircase LP, and
//! render the years side by side; re-plan after the first year; compare variants; draw plots.

use crate::args::{BackendArg, Global, ObjectiveArg, PlanArgs, PlanTableArg};
use crate::commands::{emit, provenance};
use crate::progress::Progress;
use crate::NoAnswer;
use anyhow::{bail, Context, Result};
use plenty_core::lp::LpStatus;
use plenty_core::plan::multiyear::{
    compare_variants, multi_year_lp_with, replan_economy, shifted_start, solve_multi_year,
    solve_multi_year_from, MultiYearEconomy, MultiYearReport, Variant, YearsObjective,
};
use plenty_io::open::{detect, InputKind};
use plenty_io::output::{Column, Report, ResultTable};
use plenty_plot::{Chart, Series};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The four spreadsheets of Cockshott's multi-year economy.
const SHEETS: [&str; 4] = ["cap.csv", "dep.csv", "flows.csv", "labtarg.csv"];

/// A multi-year economy as read, with what the report needs.
struct Loaded {
    economy: MultiYearEconomy,
    first_year: i64,
    inputs: Vec<PathBuf>,
}

fn load(path: &Path) -> Result<Loaded> {
    Ok(match detect(path)? {
        InputKind::MultiYearSpreadsheets => Loaded {
            economy: plenty_io::cockshott::read_cockshott_plan(path)?,
            first_year: 1,
            inputs: SHEETS.iter().map(|f| path.join(f)).collect(),
        },
        _ => {
            let l = plenty_io::multiyear_file::load_multi_year(path)?;
            Loaded {
                economy: l.economy,
                first_year: l.first_year,
                inputs: vec![path.to_path_buf()],
            }
        }
    })
}

fn objective_of(a: &PlanArgs) -> YearsObjective {
    match a.objective {
        ObjectiveArg::Lambda => YearsObjective::SumLambda,
        ObjectiveArg::MinLambda => YearsObjective::MinLambda,
        ObjectiveArg::Discounted => YearsObjective::Discounted { rate: a.discount },
        ObjectiveArg::Harmony => YearsObjective::Harmony,
    }
}

/// `plenty plan` on a multi-year economy.
pub fn plan_multi_year(g: &Global, a: &PlanArgs) -> Result<()> {
    let objective = objective_of(a);
    if a.warm_start.is_some() {
        bail!("--warm-start is for single-year plans; a multi-year re-plan (--replan) starts from its plan by itself");
    }
    if a.backend != BackendArg::Auto {
        bail!("a multi-year plan's method is chosen by the core (--backend auto); leave out --backend");
    }
    let progress = Progress::new(g.quiet);
    progress.stage("reading the multi-year economy");
    let t0 = std::time::Instant::now();
    let loaded = load(&a.economy)?;
    let economy = &loaded.economy;
    let t_read = t0.elapsed().as_secs_f64();
    let limits = crate::plan::limits(a, 1e-9)?;
    if let Some(path) = &a.mps {
        progress.stage("writing the LP as MPS");
        plenty_io::mps::write_mps(path, &multi_year_lp_with(economy, objective)?.lp)?;
    }
    let mut inputs = loaded.inputs.clone();
    inputs.extend(a.replan.iter().cloned());
    inputs.extend(a.compare.iter().cloned());
    let settings = json!({"objective": objective, "backend": "auto", "lp": limits});
    if let Some(file) = &a.compare {
        let variants = plenty_io::multiyear_file::load_variants(file)?;
        progress.stage("planning every variant");
        let reports = compare_variants(economy, objective, &variants, &limits)?;
        progress.finish();
        if let Some(dir) = &a.plots {
            let named: Vec<(&str, &MultiYearReport, usize)> = variants
                .iter()
                .zip(&reports)
                .map(|(v, r)| (v.name.as_str(), r, 0))
                .collect();
            write_plots(dir, loaded.first_year, &named)?;
        }
        let report = Report {
            provenance: provenance(&inputs, settings)?,
            summary: json!({"variants": variants.iter().zip(&reports).map(|(v, r)| json!({"name": v.name, "variant": v, "summary": summary(economy, r)})).collect::<Vec<_>>()}),
            tables: vec![variants_table(&variants, &reports)],
        };
        let lines = variants
            .iter()
            .zip(&reports)
            .map(|(v, r)| format!("{}: {}", v.name, headline(economy, r, loaded.first_year)[0]))
            .collect::<Vec<_>>();
        return emit(&report, &a.output, &lines);
    }
    progress.stage("solving the multi-year LP");
    let t1 = std::time::Instant::now();
    let solved = solve_multi_year(economy, objective, &limits)?;
    let t_solve = t1.elapsed().as_secs_f64();
    let mut seconds = json!({"read": t_read, "solve": t_solve});
    let (shown_economy, shown, first_year, mut lines, changes) = match &a.replan {
        None => (
            economy.clone(),
            solved.report.clone(),
            loaded.first_year,
            Vec::new(),
            None,
        ),
        Some(file) => {
            if solved.report.status != LpStatus::Optimal {
                bail!(
                    "the plan to re-plan from has no optimum ({}); fix the plan first",
                    solved.report.status
                );
            }
            let (outcome, horizon) = plenty_io::multiyear_file::load_outcome(file, economy)?;
            let next = replan_economy(economy, &solved.report.plan, &outcome, horizon)?;
            progress.stage("re-planning from what happened in the first year");
            let t2 = std::time::Instant::now();
            let start_lp = multi_year_lp_with(&next, objective)?;
            let (x0, y0) = shifted_start(&solved.lp, &solved.solution, &start_lp);
            let again = solve_multi_year_from(&next, objective, &limits, Some((&x0, &y0)))?;
            seconds["replan"] = json!(t2.elapsed().as_secs_f64());
            let lines = replan_lines(
                economy,
                &solved.report,
                &again.report,
                &outcome,
                loaded.first_year,
            );
            let table = changes_table(&solved.report, &again.report, loaded.first_year);
            (
                next,
                again.report,
                loaded.first_year + 1,
                lines,
                Some(table),
            )
        }
    };
    progress.finish();
    if let Some(dir) = &a.plots {
        if a.replan.is_some() {
            let both = [("plan", &solved.report, 0), ("re-plan", &shown, 1)];
            write_plots(dir, loaded.first_year, &both)?;
        } else {
            write_plots(dir, loaded.first_year, &[("plan", &solved.report, 0)])?;
        }
    }
    let mut tables = vec![
        years_table(&shown_economy, &shown, first_year),
        goods_table(&shown_economy, &shown, first_year),
        capital_table(&shown_economy, &shown, first_year),
    ];
    let first = match a.table {
        PlanTableArg::Goods => 1,
        PlanTableArg::Capital => 2,
        _ => 0,
    };
    let chosen = tables.remove(first);
    tables.insert(0, chosen);
    tables.extend(changes);
    let report = Report {
        provenance: provenance(&inputs, settings)?,
        summary: {
            let mut v = summary(&shown_economy, &shown);
            v["seconds_total"] = seconds;
            v
        },
        tables,
    };
    let mut all = headline(&shown_economy, &shown, first_year);
    all.append(&mut lines);
    if shown.status != LpStatus::Optimal {
        for s in &shown.shortfalls {
            all.push(format!("short: {s}"));
        }
        emit(&report, &a.output, &all)?;
        let why = match shown.shortfalls.as_slice() {
            [] => String::new(),
            [first] => format!("; {first}"),
            [first, rest @ ..] => format!("; {first} (and {} more shortfalls above)", rest.len()),
        };
        return Err(NoAnswer(format!("no optimal multi-year plan: {}{why}", shown.status)).into());
    }
    emit(&report, &a.output, &all)
}

fn year_label(first_year: i64, t: usize) -> String {
    format!("{}", first_year + t as i64)
}

/// One row per year: λ, labour, the working week, consumption, investment and capital.
fn years_table(e: &MultiYearEconomy, r: &MultiYearReport, first_year: i64) -> ResultTable {
    let ys = &r.plan.years;
    let s = &r.plan.summary;
    let mut columns = vec![
        Column::new("lambda", ys.iter().map(|y| y.lambda).collect()),
        Column::new("consumption_index", s.consumption_index.clone()),
        Column::new("share_invested", s.share_invested.clone()),
        Column::new("capital_index", s.capital_index.clone()),
        Column::new("labour_used", ys.iter().map(|y| y.labour_used).collect()),
        Column::new("labour_available", e.labour_available.clone()),
        Column::new(
            "labour_valuation",
            ys.iter().map(|y| y.labour_valuation).collect(),
        ),
    ];
    if !e.workers.is_empty() {
        columns.push(Column::new(
            "working_week_hours",
            ys.iter()
                .map(|y| y.working_week.unwrap_or(f64::NAN))
                .collect(),
        ));
    }
    for (q, name) in e.resources.iter().enumerate() {
        columns.push(Column::new(
            &format!("{name}_used"),
            ys.iter().map(|y| y.resources_used[q]).collect(),
        ));
    }
    ResultTable {
        name: "years".into(),
        row_header: "year".into(),
        rows: (0..ys.len()).map(|t| year_label(first_year, t)).collect(),
        columns,
    }
}

/// One row per year and good: output, consumption against target, investment, valuation.
fn goods_table(e: &MultiYearEconomy, r: &MultiYearReport, first_year: i64) -> ResultTable {
    let mut rows = Vec::new();
    let mut cols: [Vec<f64>; 5] = Default::default();
    for (t, y) in r.plan.years.iter().enumerate() {
        for (j, good) in e.goods.iter().enumerate() {
            rows.push(format!("{} {good}", year_label(first_year, t)));
            let values = [
                y.output[j],
                y.consumption[j],
                e.targets[t][j],
                y.investment[j],
                y.goods_valuation[j],
            ];
            for (c, v) in cols.iter_mut().zip(values) {
                c.push(v);
            }
        }
    }
    let [output, consumption, target, investment, valuation] = cols;
    ResultTable {
        name: "goods".into(),
        row_header: "year and good".into(),
        rows,
        columns: vec![
            Column::new("output", output),
            Column::new("consumption", consumption),
            Column::new("target", target),
            Column::new("investment", investment),
            Column::new("valuation", valuation),
        ],
    }
}

/// One row per year and capital cell: stock, capacity used, investment, valuation.
fn capital_table(e: &MultiYearEconomy, r: &MultiYearReport, first_year: i64) -> ResultTable {
    let mut rows = Vec::new();
    let mut cols: [Vec<f64>; 4] = Default::default();
    for (t, y) in r.plan.years.iter().enumerate() {
        for (c, cell) in e.cells.iter().enumerate() {
            rows.push(format!(
                "{} {} in {}",
                year_label(first_year, t),
                e.goods[cell.good],
                e.processes[cell.process].name
            ));
            let values = [
                y.stocks[c],
                y.capacity_used[c],
                y.invested[c],
                y.capital_valuation[c],
            ];
            for (col, v) in cols.iter_mut().zip(values) {
                col.push(v);
            }
        }
    }
    let [stock, used, invested, valuation] = cols;
    ResultTable {
        name: "capital".into(),
        row_header: "year, capital good and technique".into(),
        rows,
        columns: vec![
            Column::new("stock", stock),
            Column::new("capacity_used", used),
            Column::new("invested", invested),
            Column::new("valuation", valuation),
        ],
    }
}

/// One row per variant: the objective, the fulfilment, growth and investment.
fn variants_table(variants: &[Variant], reports: &[MultiYearReport]) -> ResultTable {
    let col = |f: &dyn Fn(&MultiYearReport) -> f64| reports.iter().map(f).collect::<Vec<f64>>();
    let mean = |v: &[f64]| v.iter().filter(|x| x.is_finite()).sum::<f64>() / v.len().max(1) as f64;
    ResultTable {
        name: "variants".into(),
        row_header: "variant".into(),
        rows: variants.iter().map(|v| v.name.clone()).collect(),
        columns: vec![
            Column::new(
                "optimal",
                col(&|r| f64::from(u8::from(r.status == LpStatus::Optimal))),
            ),
            Column::new("objective_value", col(&|r| r.objective_value)),
            Column::new("sum_lambda", col(&|r| r.plan.total_lambda)),
            Column::new(
                "min_lambda",
                col(&|r| {
                    r.plan
                        .years
                        .iter()
                        .map(|y| y.lambda)
                        .fold(f64::INFINITY, f64::min)
                }),
            ),
            Column::new("first_year_lambda", col(&|r| r.plan.years[0].lambda)),
            Column::new(
                "consumption_growth",
                col(&|r| r.plan.summary.consumption_growth),
            ),
            Column::new(
                "mean_share_invested",
                col(&|r| mean(&r.plan.summary.share_invested)),
            ),
            Column::new(
                "final_capital_index",
                col(&|r| {
                    r.plan
                        .summary
                        .capital_index
                        .last()
                        .copied()
                        .unwrap_or(f64::NAN)
                }),
            ),
        ],
    }
}

/// One row per re-planned year: λ before and after.
fn changes_table(
    before: &MultiYearReport,
    after: &MultiYearReport,
    first_year: i64,
) -> ResultTable {
    let rows = (0..after.plan.years.len())
        .map(|t| year_label(first_year + 1, t))
        .collect();
    let old = |t: usize| before.plan.years.get(t + 1).map_or(f64::NAN, |y| y.lambda);
    ResultTable {
        name: "changes".into(),
        row_header: "year".into(),
        rows,
        columns: vec![
            Column::new(
                "lambda_planned",
                (0..after.plan.years.len()).map(old).collect(),
            ),
            Column::new(
                "lambda_replanned",
                after.plan.years.iter().map(|y| y.lambda).collect(),
            ),
        ],
    }
}

/// What the re-plan changed and why, in words.
fn replan_lines(
    e: &MultiYearEconomy,
    before: &MultiYearReport,
    after: &MultiYearReport,
    outcome: &plenty_core::plan::multiyear::YearOutcome,
    first_year: i64,
) -> Vec<String> {
    let mut lines = vec!["re-plan after the first year:".to_string()];
    for &(p, share) in &outcome.delivered {
        lines.push(format!(
            "  {} delivered {:.1} % of its planned output",
            e.processes[p].name,
            100.0 * share
        ));
    }
    for &(c, share) in &outcome.capital_lost {
        let cell = &e.cells[c];
        lines.push(format!(
            "  {}'s stock of {} lost {:.1} %",
            e.processes[cell.process].name,
            e.goods[cell.good],
            100.0 * share
        ));
    }
    if outcome.delivered.is_empty() && outcome.capital_lost.is_empty() {
        lines.push("  nothing went wrong: the re-plan keeps the plan's path".into());
    }
    for (t, y) in after.plan.years.iter().enumerate() {
        if let Some(old) = before.plan.years.get(t + 1) {
            if (old.lambda - y.lambda).abs() > 1e-6 * (1.0 + old.lambda.abs()) {
                lines.push(format!(
                    "  {}: λ {:.6} → {:.6}",
                    year_label(first_year + 1, t),
                    old.lambda,
                    y.lambda
                ));
            }
        }
    }
    lines
}

fn summary(e: &MultiYearEconomy, r: &MultiYearReport) -> Value {
    let num = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
    let nums = |v: &[f64]| v.iter().map(|x| num(*x)).collect::<Vec<_>>();
    let s = &r.plan.summary;
    json!({
        "economy": {"goods": e.goods, "techniques": e.processes.len(), "years": e.years(), "capital_cells": e.cells.len(), "terminal": e.terminal},
        "status": r.status,
        "objective": r.objective,
        "objective_value": num(r.objective_value),
        "sum_lambda": num(r.plan.total_lambda),
        "lambda": r.plan.years.iter().map(|y| num(y.lambda)).collect::<Vec<_>>(),
        "consumption_growth": num(s.consumption_growth),
        "consumption_index": nums(&s.consumption_index),
        "share_invested": nums(&s.share_invested),
        "capital_index": nums(&s.capital_index),
        "labour_idle": num(s.labour_idle),
        "stocks_after": nums(&r.plan.stocks_after),
        "binding": s.binding,
        "harmony": r.harmony,
        "shortfalls": r.shortfalls,
        "iterations": r.iterations,
        "strategy": r.attempts,
        "certificate": crate::commands::certificate_json(&r.certificate),
    })
}

fn headline(e: &MultiYearEconomy, r: &MultiYearReport, first_year: i64) -> Vec<String> {
    let method = r
        .attempts
        .last()
        .map(|a| a.method.to_string())
        .unwrap_or_default();
    let goal = match r.objective {
        YearsObjective::SumLambda => String::new(),
        YearsObjective::MinLambda => format!("; smallest λ = {:.9}", r.objective_value),
        YearsObjective::Discounted { rate } => {
            format!("; discounted at {rate}: {:.9}", r.objective_value)
        }
        YearsObjective::Harmony => match &r.harmony {
            Some(h) => format!(
                "; harmony {:.9} (at most {:.9}, gap {:.1e})",
                h.harmony, h.upper_bound, h.gap
            ),
            None => String::new(),
        },
    };
    if r.status != LpStatus::Optimal {
        return vec![format!(
            "{}-year plan of {} goods: no plan ({method}, {})",
            e.years(),
            e.n(),
            r.status
        )];
    }
    let mut lines = vec![format!(
        "{}-year plan of {} goods: Σλ = {:.9}{goal} ({method}, {})",
        e.years(),
        e.n(),
        r.plan.total_lambda,
        r.status
    )];
    lines.push(format!(
        "certificate: primal residual {:.2e}, dual residual {:.2e}, gap {:.2e}; {} iterations",
        r.certificate.primal_residual,
        r.certificate.dual_residual,
        r.certificate.relative_gap,
        r.iterations
    ));
    let s = &r.plan.summary;
    if s.consumption_growth.is_finite() {
        lines.push(format!(
            "consumption grows {:.2} % a year",
            100.0 * s.consumption_growth
        ));
    }
    for (t, y) in r.plan.years.iter().enumerate() {
        // The headline names a few; the JSON summary and the tables hold them all.
        let binds = match y.binding.len() {
            0 => "nothing".to_string(),
            k if k <= 6 => y.binding.join(", "),
            k => format!("{} and {} more", y.binding[..6].join(", "), k - 6),
        };
        let week = y
            .working_week
            .map_or(String::new(), |w| format!("; {w:.1} hours a week"));
        let invested = s.share_invested[t];
        let share = if invested.is_finite() {
            format!("; {:.1} % invested", 100.0 * invested)
        } else {
            String::new()
        };
        lines.push(format!(
            "year {}: λ = {:.6}{share}{week}; binds: {binds}",
            year_label(first_year, t),
            y.lambda
        ));
    }
    lines
}

/// Consumption, investment and capital over the years, one line per plan: `plan.svg` and
/// `plan.png` in `dir`.
fn write_plots(
    dir: &Path,
    first_year: i64,
    plans: &[(&str, &MultiYearReport, usize)],
) -> Result<()> {
    // Each plan starts `late` years after the first (a re-plan: one); all run to the last year.
    let span = plans
        .iter()
        .map(|(_, r, late)| late + r.plan.years.len())
        .max()
        .unwrap_or(0);
    let series = |f: &dyn Fn(&MultiYearReport) -> &Vec<f64>| -> Vec<Series> {
        plans
            .iter()
            .map(|(name, r, late)| {
                let mut values = vec![f64::NAN; *late];
                values.extend(f(r));
                values.resize(span, f64::NAN);
                Series {
                    name: (*name).to_string(),
                    values,
                }
            })
            .collect()
    };
    draw(
        dir,
        first_year,
        [
            series(&|r| &r.plan.summary.consumption_index),
            series(&|r| &r.plan.summary.share_invested),
            series(&|r| &r.plan.summary.capital_index),
        ],
    )
}

fn draw(
    dir: &Path,
    first_year: i64,
    [consumption, invested, capital]: [Vec<Series>; 3],
) -> Result<()> {
    let first_year = i32::try_from(first_year).context("the first year does not fit a plot")?;
    let charts = [
        Chart {
            title: "Consumption (share of the first year's targets)".into(),
            y_label: "consumption index".into(),
            first_year,
            series: consumption,
        },
        Chart {
            title: "Share of final output invested".into(),
            y_label: "share invested".into(),
            first_year,
            series: invested,
        },
        Chart {
            title: "Capital stock (share of the stock at the start)".into(),
            y_label: "capital index".into(),
            first_year,
            series: capital,
        },
    ];
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let svg = plenty_plot::svg_panels(&charts)?;
    let png = plenty_plot::png_panels(&charts)?;
    for (name, bytes) in [("plan.svg", svg.as_bytes()), ("plan.png", png.as_slice())] {
        let path = dir.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
