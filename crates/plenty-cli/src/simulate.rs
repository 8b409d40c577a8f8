//! `plenty simulate`: runs a scenario file year by year and writes the report: the runs side
//! by side, the historical series, what drives the difference, how far each conclusion
//! survives a sensitivity sweep; series as CSV and Parquet, plots as SVG and PNG.
//!
//! Every decision (the runs, the summaries, the conclusions and whether they hold) is made by
//! `plenty_core::sim`; this file parses arguments, runs batches over the cores with a progress
//! bar and renders.

use crate::args::Global;
use crate::commands::provenance;
use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use plenty_core::sim::{
    ablation, run_batch, sensitivity, with_behaviour, Ablation, Conclusion, RunSummary, Scenario,
    Sensitivity, SimRun,
};
use plenty_io::output::{write_report, Column, Format, Report, ResultTable, WriteOptions};
use plenty_plot::{Chart, Series};
use serde_json::json;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Arguments of `plenty simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The scenario file (TOML; see examples/simulate/ and docs/simulation.md).
    pub scenario: PathBuf,
    /// Write the report here: report.md, series.csv, series.parquet, summary.csv, plots.svg,
    /// plots.png and run.json.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also run every scenario with this many seeds (the file's seed and the next ones) and
    /// report the spread.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seeds: u64,
    /// Sweep a behaviour parameter over values: `--set effort_response=0.2,0.5,0.8`
    /// (repeatable; every combination with every scenario and seed is run).
    #[arg(long, value_name = "PARAM=V1,V2,…")]
    pub set: Vec<String>,
    /// Factors of the sensitivity sweep (each behaviour parameter multiplied by each, in both
    /// the command and the democratic scenario).
    #[arg(long, value_delimiter = ',', default_value = "0.5,0.75,1.25,1.5")]
    pub factors: Vec<f64>,
    /// Keep every product's planned, made and consumed quantities in run.json even above
    /// 1 000 products (by default they are left out there: 10^4 products over 100 years are
    /// 200 MB of JSON; the series keep every year's measures).
    #[arg(long)]
    pub per_product: bool,
}

/// One run of the batch and what it varies from the file.
struct Job {
    scenario: Scenario,
    label: String,
}

/// Runs the command.
pub fn simulate(g: &Global, a: &SimulateArgs) -> Result<()> {
    let scenarios = plenty_io::scenario_file::read_scenarios(&a.scenario)?;
    if a.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let jobs = jobs(&scenarios, a)?;
    let bar = progress(g.quiet, jobs.len());
    let batch: Vec<Scenario> = jobs.iter().map(|j| j.scenario.clone()).collect();
    let runs = run_batch(&batch, &|| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    });
    let mut done = Vec::with_capacity(runs.len());
    for (job, run) in jobs.iter().zip(runs) {
        done.push(run.with_context(|| format!("{}: {}", a.scenario.display(), job.label))?);
    }
    // The file's own runs come first in the batch, one per scenario.
    let main: Vec<&SimRun> = done.iter().take(scenarios.len()).collect();
    let find = |kind: &str| scenarios.iter().find(|s| s.regime.kind() == kind);
    let study = match (find("command"), find("democratic")) {
        (Some(c), Some(d)) => {
            if let Some(b) = &bar {
                b.set_message("sensitivity sweep");
            }
            let sweep = sensitivity(c, d, &a.factors, &|| {})?;
            let levers = ablation(c)?.unwrap_or_default();
            Some((c.name.clone(), d.name.clone(), sweep, levers))
        }
        _ => None,
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let prov = provenance(
        std::slice::from_ref(&a.scenario),
        json!({"seeds": a.seeds, "set": a.set, "factors": a.factors}),
    )?;
    let report = render_markdown(
        &scenarios,
        &main,
        &jobs,
        &done,
        study.as_ref(),
        &prov.input_hash,
    );
    match &a.out {
        None => print!("{report}"),
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
            let per_product = a.per_product || main.iter().all(|r| r.products.len() <= 1000);
            write_files(
                dir,
                &report,
                &scenarios,
                &main,
                &jobs,
                &done,
                prov,
                per_product,
            )?;
        }
    }
    Ok(())
}

/// The batch: every scenario of the file, then the other seeds, then the `--set` sweeps.
fn jobs(scenarios: &[Scenario], a: &SimulateArgs) -> Result<Vec<Job>> {
    let mut sets: Vec<Vec<(String, f64)>> = vec![vec![]];
    for spec in &a.set {
        let (name, values) = spec
            .split_once('=')
            .with_context(|| format!("--set {spec}: write PARAM=V1,V2,…"))?;
        let values: Vec<f64> = values
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .with_context(|| format!("--set {spec}: {v:?} is not a number"))
            })
            .collect::<Result<_>>()?;
        sets = sets
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push((name.trim().to_string(), *v));
                    p
                })
            })
            .collect();
    }
    let mut jobs: Vec<Job> = scenarios
        .iter()
        .map(|s| Job {
            scenario: s.clone(),
            label: s.name.clone(),
        })
        .collect();
    for set in &sets {
        for offset in 0..a.seeds {
            if set.is_empty() && offset == 0 {
                continue;
            }
            for s in scenarios {
                let mut scenario = s.clone();
                scenario.seed = s.seed.wrapping_add(offset);
                let mut label = format!("{} seed {}", s.name, scenario.seed);
                for (name, value) in set {
                    scenario = with_behaviour(&scenario, name, *value)?;
                    let _ = write!(label, " {name}={value}");
                }
                jobs.push(Job { scenario, label });
            }
        }
    }
    Ok(jobs)
}

fn progress(quiet: bool, n: usize) -> Option<ProgressBar> {
    (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = ProgressBar::new(n as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} runs {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    })
}

fn pct(v: f64) -> String {
    format!("{:.1} %", 100.0 * v)
}

/// A row of the comparison table: its name and how to render it from a run's summary.
type SummaryRow = (&'static str, fn(&RunSummary) -> String);

/// The summary measures, in the order of the comparison table.
fn summary_rows() -> Vec<SummaryRow> {
    vec![
        ("grain eaten per person, worst year", |s| {
            format!("{:.3}", s.grain_per_person_min)
        }),
        ("grain eaten per person, mean", |s| {
            format!("{:.3}", s.grain_per_person_mean)
        }),
        ("working week (hours), mean", |s| {
            format!("{:.1}", s.working_week_mean)
        }),
        ("heavy industry, last year / first", |s| {
            format!("{:.2}", s.heavy_growth)
        }),
        ("needs met, mean", |s| pct(s.needs_met_mean)),
        ("needs met, worst group and year", |s| pct(s.needs_met_min)),
        ("people hungry (< 80 % of grain need), person-years", |s| {
            format!("{:.1}", s.hungry_person_years)
        }),
        ("Gini of consumption, mean", |s| {
            format!("{:.3}", s.gini_mean)
        }),
        ("share of the top tenth, mean", |s| pct(s.top_tenth_mean)),
        ("herd, last year / first", |s| {
            format!("{:.2}", s.herd_change)
        }),
        ("accounting identities hold every year", |s| {
            if s.identities_hold { "yes" } else { "NO" }.to_string()
        }),
    ]
}

fn render_markdown(
    scenarios: &[Scenario],
    main: &[&SimRun],
    jobs: &[Job],
    done: &[SimRun],
    study: Option<&(String, String, Sensitivity, Vec<Ablation>)>,
    input_hash: &str,
) -> String {
    let mut r = String::new();
    let first = &scenarios[0];
    let title = if first.study.is_empty() {
        &first.name
    } else {
        &first.study
    };
    let _ = writeln!(r, "# Simulation: {title}\n");
    if !first.description.is_empty() {
        let _ = writeln!(r, "{}\n", first.description);
    }
    let last_year = first.start_year + first.years as i32 - 1;
    let _ = writeln!(
        r,
        "{} years ({}–{}), seed {}, inputs sha256 `{input_hash}`.\n",
        first.years, first.start_year, last_year, first.seed
    );
    let _ = writeln!(r, "## Side by side\n");
    let _ = write!(r, "| measure |");
    for run in main {
        let _ = write!(r, " {} ({}) |", run.name, run.regime);
    }
    let _ = write!(r, "\n|---|");
    for _ in main {
        let _ = write!(r, "---:|");
    }
    r.push('\n');
    for (name, f) in summary_rows() {
        let _ = write!(r, "| {name} |");
        for run in main {
            let _ = write!(r, " {} |", f(&run.summary));
        }
        r.push('\n');
    }
    history_section(&mut r, first, main);
    if let Some((command, democratic, sweep, levers)) = study {
        drivers_section(&mut r, command, democratic, main, levers);
        sensitivity_section(&mut r, command, democratic, sweep);
    }
    if jobs.len() > main.len() {
        let _ = writeln!(r, "\n## Other seeds and parameter values\n");
        let _ = writeln!(
            r,
            "| run | grain per person, worst year | needs met, mean | hungry person-years | heavy industry growth |\n|---|---:|---:|---:|---:|"
        );
        for (job, run) in jobs.iter().zip(done).skip(main.len()) {
            let s = &run.summary;
            let _ = writeln!(
                r,
                "| {} | {:.3} | {} | {:.1} | {:.2} |",
                job.label,
                s.grain_per_person_min,
                pct(s.needs_met_mean),
                s.hungry_person_years,
                s.heavy_growth
            );
        }
    }
    let _ = writeln!(
        r,
        "\nThe model, its parameters and what is a modelling choice: docs/simulation.md. Grain in the grain sector's unit per person a year."
    );
    r
}

fn history_section(r: &mut String, s: &Scenario, main: &[&SimRun]) {
    if s.history.is_empty() {
        return;
    }
    let _ = writeln!(r, "\n## Against the historical series\n");
    for (series, values) in &s.history {
        let _ = write!(r, "**{series}**\n\n| year | history |");
        for run in main {
            let _ = write!(r, " {} |", run.name);
        }
        let _ = write!(r, "\n|---|---:|");
        for _ in main {
            let _ = write!(r, "---:|");
        }
        r.push('\n');
        for (year, value) in values {
            let _ = write!(r, "| {year} | {value} |");
            for run in main {
                let simulated = year
                    .parse::<i32>()
                    .ok()
                    .and_then(|y| run.years.iter().find(|r| r.year == y))
                    .and_then(|y| simulated_series(series, y));
                match simulated {
                    Some(v) => {
                        let _ = write!(r, " {v:.1} |");
                    }
                    None => r.push_str(" – |"),
                }
            }
            r.push('\n');
        }
        r.push('\n');
    }
}

/// The simulated counterpart of a historical series, by its name's first word.
fn simulated_series(series: &str, y: &plenty_core::sim::YearRecord) -> Option<f64> {
    match series.split('_').next()? {
        "harvest" => Some(y.harvest),
        "procurement" => Some(y.procurement),
        "livestock" | "herd" => Some(y.herd),
        _ => None,
    }
}

fn drivers_section(
    r: &mut String,
    command: &str,
    democratic: &str,
    main: &[&SimRun],
    levers: &[Ablation],
) {
    let find = |name: &str| main.iter().find(|m| m.name == name).map(|m| m.summary);
    let (Some(c), Some(d)) = (find(command), find(democratic)) else {
        return;
    };
    let _ = writeln!(r, "## What drives the difference\n");
    let _ = writeln!(
        r,
        "Each lever of the command regime set, one at a time, to the value that does no harm, everything else unchanged (same economy, people, behaviour and shocks).\n"
    );
    let _ = writeln!(
        r,
        "| run | hungry person-years | grain per person, worst year | herd, last / first | heavy industry growth |\n|---|---:|---:|---:|---:|"
    );
    let row = |r: &mut String, name: &str, s: &RunSummary| {
        let _ = writeln!(
            r,
            "| {name} | {:.1} | {:.3} | {:.2} | {:.2} |",
            s.hungry_person_years, s.grain_per_person_min, s.herd_change, s.heavy_growth
        );
    };
    row(r, &format!("{command} as written"), &c);
    for l in levers {
        row(r, &format!("{command} with {}", l.lever), &l.summary);
    }
    row(r, democratic, &d);
    // The lever whose removal closes most of the gap in hunger, said plainly.
    let gap = c.hungry_person_years - d.hungry_person_years;
    if let Some(best) = levers.iter().max_by(|a, b| {
        (c.hungry_person_years - a.summary.hungry_person_years)
            .total_cmp(&(c.hungry_person_years - b.summary.hungry_person_years))
    }) {
        let closed = c.hungry_person_years - best.summary.hungry_person_years;
        if gap > 0.0 && closed > 0.0 {
            let _ = writeln!(
                r,
                "\nThe assumption that drives the difference in hunger most: **{}** closes {:.0} % of the gap ({:.1} of {:.1} person-years).",
                best.lever,
                100.0 * closed / gap,
                closed,
                gap
            );
        } else {
            let _ = writeln!(
                r,
                "\nNo single lever closes the gap in hunger on its own ({:.1} person-years).",
                gap
            );
        }
    }
}

fn sensitivity_section(r: &mut String, command: &str, democratic: &str, sweep: &Sensitivity) {
    let factors: Vec<String> = {
        let mut f: Vec<f64> = sweep.rows.iter().map(|r| r.factor).collect();
        f.sort_by(f64::total_cmp);
        f.dedup();
        f.iter().map(|x| format!("×{x}")).collect()
    };
    let _ = writeln!(r, "\n## How far each conclusion survives\n");
    let _ = writeln!(
        r,
        "Every behaviour parameter multiplied by {} in both {command} and {democratic} ({} pairs of runs).\n",
        factors.join(", "),
        sweep.rows.len()
    );
    let _ = writeln!(r, "| conclusion | holds in |\n|---|---:|");
    for (c, share) in Conclusion::ALL.iter().zip(&sweep.survival) {
        let _ = writeln!(r, "| {} | {} |", c.sentence(), pct(*share));
    }
    let broken: Vec<String> = sweep
        .rows
        .iter()
        .filter(|row| row.holds.iter().any(|h| !h))
        .map(|row| {
            let failed: Vec<&str> = Conclusion::ALL
                .iter()
                .zip(&row.holds)
                .filter(|(_, h)| !**h)
                .map(|(c, _)| c.sentence())
                .collect();
            format!(
                "{} ×{}: not {}",
                row.parameter,
                row.factor,
                failed.join("; not ")
            )
        })
        .collect();
    if broken.is_empty() {
        let _ = writeln!(r, "\nEvery conclusion holds in every run of the sweep.");
    } else {
        let _ = writeln!(r, "\nWhere a conclusion fails:\n");
        for b in broken {
            let _ = writeln!(r, "- {b}");
        }
    }
}

/// The measures of the series table, by column name.
type Measure = (&'static str, fn(&plenty_core::sim::YearRecord) -> f64);

fn measures() -> Vec<Measure> {
    vec![
        ("year", |y| f64::from(y.year)),
        ("lambda", |y| y.lambda),
        ("harvest", |y| y.harvest),
        ("procurement", |y| y.procurement),
        ("exports", |y| y.exports),
        ("herd", |y| y.herd),
        ("heavy_output", |y| y.heavy_output),
        ("grain_per_person", |y| y.grain_per_person),
        ("working_week", |y| y.working_week),
        ("needs_met", |y| y.needs_met),
        ("needs_met_worst", |y| y.needs_met_worst),
        ("hungry_people", |y| y.hungry_people),
        ("gini", |y| y.gini),
        ("top_tenth", |y| y.top_tenth),
        ("unmet_hours", |y| y.unmet_hours),
        ("hours_worked", |y| y.hours_worked),
        ("deductions", |y| y.deductions),
        ("credits", |y| y.credits),
        ("consumption_hours", |y| y.consumption_hours),
        ("investment_hours", |y| y.investment_hours),
        ("solve_sweeps", |y| y.solve_sweeps as f64),
    ]
}

fn series_table(jobs: &[Job], done: &[SimRun]) -> ResultTable {
    let mut rows = Vec::new();
    let ms = measures();
    let mut columns: Vec<Column> = ms.iter().map(|(n, _)| Column::new(n, vec![])).collect();
    for (job, run) in jobs.iter().zip(done) {
        for y in &run.years {
            rows.push(format!("{} {}", job.label, y.year));
            for (c, (_, f)) in columns.iter_mut().zip(&ms) {
                c.values.push(f(y));
            }
        }
    }
    ResultTable {
        name: "series".into(),
        row_header: "run and year".into(),
        rows,
        columns,
    }
}

fn summary_table(main: &[&SimRun]) -> ResultTable {
    type SummaryColumn = (&'static str, fn(&RunSummary) -> f64);
    let columns: [SummaryColumn; 11] = [
        ("grain_per_person_min", |s| s.grain_per_person_min),
        ("grain_per_person_mean", |s| s.grain_per_person_mean),
        ("working_week_mean", |s| s.working_week_mean),
        ("heavy_growth", |s| s.heavy_growth),
        ("needs_met_mean", |s| s.needs_met_mean),
        ("needs_met_min", |s| s.needs_met_min),
        ("hungry_person_years", |s| s.hungry_person_years),
        ("gini_mean", |s| s.gini_mean),
        ("top_tenth_mean", |s| s.top_tenth_mean),
        ("herd_change", |s| s.herd_change),
        ("identities_hold", |s| {
            f64::from(u8::from(s.identities_hold))
        }),
    ];
    ResultTable {
        name: "summary".into(),
        row_header: "run".into(),
        rows: main.iter().map(|r| r.name.clone()).collect(),
        columns: columns
            .iter()
            .map(|(name, f)| Column::new(name, main.iter().map(|r| f(&r.summary)).collect()))
            .collect(),
    }
}

// The report's parts, each needed by one file; a struct holding them would only rename them.
#[allow(clippy::too_many_arguments)]
fn write_files(
    dir: &Path,
    markdown: &str,
    scenarios: &[Scenario],
    main: &[&SimRun],
    jobs: &[Job],
    done: &[SimRun],
    prov: plenty_io::output::Provenance,
    per_product: bool,
) -> Result<()> {
    let mut written = Vec::new();
    let md = dir.join("report.md");
    std::fs::write(&md, markdown).with_context(|| format!("{}: cannot write", md.display()))?;
    written.push(md);
    let series = Report {
        provenance: prov.clone(),
        summary: json!({"runs": jobs.len()}),
        tables: vec![series_table(jobs, done)],
    };
    for (name, format) in [
        ("series.csv", Format::Csv),
        ("series.parquet", Format::Parquet),
    ] {
        written.extend(write_report(
            &dir.join(name),
            format,
            &series,
            &WriteOptions::default(),
        )?);
    }
    let summary = Report {
        provenance: prov.clone(),
        summary: json!({}),
        tables: vec![summary_table(main)],
    };
    written.extend(write_report(
        &dir.join("summary.csv"),
        Format::Csv,
        &summary,
        &WriteOptions::default(),
    )?);
    let run_json = dir.join("run.json");
    let runs: Vec<SimRun> = main
        .iter()
        .map(|r| {
            let mut r = (*r).clone();
            if !per_product {
                for y in &mut r.years {
                    for v in [
                        &mut y.planned,
                        &mut y.produced,
                        &mut y.consumed,
                        &mut y.targets,
                        &mut y.stocks,
                        &mut y.capacity,
                        &mut y.price_ratio,
                    ] {
                        v.clear();
                    }
                }
            }
            r
        })
        .collect();
    let file = std::fs::File::create(&run_json)
        .with_context(|| format!("{}: cannot write", run_json.display()))?;
    // Written straight from the runs (no JSON tree in memory between them and the file).
    #[derive(serde::Serialize)]
    struct RunFile<'a> {
        provenance: &'a plenty_io::output::Provenance,
        per_product: bool,
        runs: &'a [SimRun],
    }
    serde_json::to_writer(
        std::io::BufWriter::new(file),
        &RunFile {
            provenance: &prov,
            per_product,
            runs: &runs,
        },
    )?;
    written.push(run_json);
    let charts = charts(&scenarios[0], main);
    let svg = dir.join("plots.svg");
    std::fs::write(&svg, plenty_plot::svg_panels(&charts)?)?;
    let png = dir.join("plots.png");
    std::fs::write(&png, plenty_plot::png_panels(&charts)?)?;
    written.extend([svg, png]);
    for p in written {
        eprintln!("wrote {}", p.display());
    }
    Ok(())
}

fn charts(s: &Scenario, main: &[&SimRun]) -> Vec<Chart> {
    let first_year = s.start_year;
    let years = s.years;
    let per_run = |f: fn(&plenty_core::sim::YearRecord) -> f64| -> Vec<Series> {
        main.iter()
            .map(|run| Series {
                name: run.name.clone(),
                values: run.years.iter().map(f).collect(),
            })
            .collect()
    };
    let history = |name: &str| -> Option<Series> {
        let values = s.history.get(name)?;
        let mut v = vec![f64::NAN; years];
        for (year, value) in values {
            if let Ok(y) = year.parse::<i32>() {
                let t = y - first_year;
                if t >= 0 && (t as usize) < years {
                    v[t as usize] = *value;
                }
            }
        }
        Some(Series {
            name: format!("history: {name}"),
            values: v,
        })
    };
    let with_history = |mut series: Vec<Series>, names: &[&str]| {
        series.extend(names.iter().filter_map(|n| history(n)));
        series
    };
    let chart = |title: &str, y_label: &str, series: Vec<Series>| Chart {
        title: title.into(),
        y_label: y_label.into(),
        first_year,
        series,
    };
    let mut charts = vec![
        chart(
            "Grain eaten per person",
            "per person a year",
            per_run(|y| y.grain_per_person),
        ),
        chart(
            "Share of needs met",
            "share of needs",
            per_run(|y| y.needs_met),
        ),
        chart("Working week", "hours a week", per_run(|y| y.working_week)),
        chart(
            "Heavy industry output",
            "gross output",
            per_run(|y| y.heavy_output),
        ),
        chart(
            "Harvest",
            "grain made",
            with_history(per_run(|y| y.harvest), &["harvest", "harvest_low"]),
        ),
        chart(
            "Procurement (or grain marketed)",
            "grain",
            with_history(per_run(|y| y.procurement), &["procurement"]),
        ),
        chart(
            "Herd at the start of the year",
            "head",
            with_history(per_run(|y| y.herd), &["livestock"]),
        ),
        chart("Gini of consumption", "Gini", per_run(|y| y.gini)),
    ];
    // A chart whose lines are all zero says nothing (an economy without grain or a herd).
    charts.retain(|c| {
        c.series
            .iter()
            .any(|s| s.values.iter().any(|v| v.is_finite() && *v != 0.0))
    });
    charts
}
