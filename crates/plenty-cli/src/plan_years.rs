//! `plenty plan` on a multi-year economy (Cockshott's five-year-plan spreadsheets): read it,
//! let the core build and solve the staircase LP, and render the years side by side.

use crate::args::{BackendArg, Global, ObjectiveArg, PlanArgs};
use crate::commands::{emit, provenance};
use crate::progress::Progress;
use crate::NoAnswer;
use anyhow::{bail, Result};
use plenty_core::lp::LpStatus;
use plenty_core::plan::multiyear::{
    multi_year_lp_with, solve_multi_year, MultiYearEconomy, MultiYearReport, YearsObjective,
};
use plenty_io::cockshott::read_cockshott_plan;
use plenty_io::output::{Column, Report, ResultTable};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The four spreadsheets of a multi-year economy.
const SHEETS: [&str; 4] = ["cap.csv", "dep.csv", "flows.csv", "labtarg.csv"];

/// `plenty plan DIR` where DIR holds Cockshott's spreadsheets.
pub fn plan_multi_year(g: &Global, a: &PlanArgs) -> Result<()> {
    let objective = match a.objective {
        ObjectiveArg::Lambda => YearsObjective::SumLambda,
        ObjectiveArg::MinLambda => YearsObjective::MinLambda,
        ObjectiveArg::Discounted => YearsObjective::Discounted { rate: a.discount },
        ObjectiveArg::Harmony => bail!(
            "harmony is for single-year plans for now; a multi-year plan maximises lambda (Σλ), min-lambda or discounted"
        ),
    };
    if a.warm_start.is_some() {
        bail!("--warm-start is for single-year plans; a multi-year plan is solved cold");
    }
    if a.backend != BackendArg::Auto {
        bail!("a multi-year plan's method is chosen by the core (--backend auto); leave out --backend");
    }
    let progress = Progress::new(g.quiet);
    progress.stage("reading the multi-year economy");
    let t0 = std::time::Instant::now();
    let economy = read_cockshott_plan(&a.economy)?;
    let t_read = t0.elapsed().as_secs_f64();
    let limits = crate::plan::limits(a, 1e-9)?;
    if let Some(path) = &a.mps {
        progress.stage("writing the LP as MPS");
        plenty_io::mps::write_mps(path, &multi_year_lp_with(&economy, objective)?.lp)?;
    }
    progress.stage("solving the multi-year LP");
    let t1 = std::time::Instant::now();
    let (_, r) = solve_multi_year(&economy, objective, &limits)?;
    progress.finish();
    let t_solve = t1.elapsed().as_secs_f64();
    let inputs: Vec<PathBuf> = SHEETS.iter().map(|f| a.economy.join(f)).collect();
    let settings = json!({"objective": objective, "backend": "auto", "lp": limits});
    let report = Report {
        provenance: provenance(&inputs, settings)?,
        summary: {
            let mut v = summary(&economy, &r);
            v["seconds_total"] = json!({"read": t_read, "solve": t_solve});
            v
        },
        tables: vec![years_table(&economy, &r), goods_table(&economy, &r)],
    };
    let headline = headline(&economy, &r);
    if r.status != LpStatus::Optimal {
        if a.output.output.is_some() {
            emit(&report, &a.output, &[])?;
        }
        return Err(NoAnswer(format!("no optimal multi-year plan: {}", r.status)).into());
    }
    emit(&report, &a.output, &headline)
}

/// One row per year: λ, labour, totals of consumption and investment.
fn years_table(e: &MultiYearEconomy, r: &MultiYearReport) -> ResultTable {
    let ys = &r.plan.years;
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    ResultTable {
        name: "years".into(),
        row_header: "year".into(),
        rows: (1..=ys.len()).map(|t| format!("year {t}")).collect(),
        columns: vec![
            Column::new("lambda", ys.iter().map(|y| y.lambda).collect()),
            Column::new("labour_used", ys.iter().map(|y| y.labour_used).collect()),
            Column::new("labour_available", e.labour_available.clone()),
            Column::new(
                "consumption",
                ys.iter().map(|y| sum(&y.consumption)).collect(),
            ),
            Column::new(
                "investment",
                ys.iter().map(|y| sum(&y.investment)).collect(),
            ),
        ],
    }
}

/// One row per year and good: output, consumption against target, investment.
fn goods_table(e: &MultiYearEconomy, r: &MultiYearReport) -> ResultTable {
    let mut rows = Vec::new();
    let (mut output, mut consumption, mut target, mut investment) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (t, y) in r.plan.years.iter().enumerate() {
        for (j, good) in e.goods.iter().enumerate() {
            rows.push(format!("year {} {good}", t + 1));
            output.push(y.output[j]);
            consumption.push(y.consumption[j]);
            target.push(e.targets[t][j]);
            investment.push(y.investment[j]);
        }
    }
    ResultTable {
        name: "goods".into(),
        row_header: "year and good".into(),
        rows,
        columns: vec![
            Column::new("output", output),
            Column::new("consumption", consumption),
            Column::new("target", target),
            Column::new("investment", investment),
        ],
    }
}

fn summary(e: &MultiYearEconomy, r: &MultiYearReport) -> Value {
    let num = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
    json!({
        "economy": {"goods": e.goods, "years": e.years(), "capital_cells": e.cells.len()},
        "status": r.status,
        "objective": r.objective,
        "objective_value": num(r.objective_value),
        "sum_lambda": num(r.plan.total_lambda),
        "lambda": r.plan.years.iter().map(|y| num(y.lambda)).collect::<Vec<_>>(),
        "binding": r.plan.years.iter().map(|y| &y.binding).collect::<Vec<_>>(),
        "iterations": r.iterations,
        "strategy": r.attempts,
        "certificate": crate::commands::certificate_json(&r.certificate),
    })
}

fn headline(e: &MultiYearEconomy, r: &MultiYearReport) -> Vec<String> {
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
    };
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
    for (t, y) in r.plan.years.iter().enumerate() {
        let binds = if y.binding.is_empty() {
            "nothing".to_string()
        } else {
            y.binding.join(", ")
        };
        lines.push(format!(
            "year {}: λ = {:.6}; binds: {binds}",
            t + 1,
            y.lambda
        ));
    }
    lines
}
