//! `plenty aggregate` and `plenty disaggregate`: an economy regrouped by a mapping file or
//! split by a shares file (the mathematics is in `plenty_core::aggregate`), written as a
//! pymrio folder (Z, Y, x and the satellites as totals) that every analysis command reads.

use crate::args::{Global, InputArgs};
use crate::commands::{demand, load, provenance, vouch};
use crate::progress::Progress;
use anyhow::{Context, Result};
use clap::Args;
use plenty_core::{Answer, DenseMatrix, Economy, LeontiefSolver, Side, SolverSettings};
use plenty_io::pymrio;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// `aggregate`.
#[derive(Debug, Args, Clone)]
pub struct AggregateArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The mapping: a CSV with the header `from,to`. `from` is a sector label, or, for
    /// `region/sector` labels, a region (all its sectors move to the new region) or a sector
    /// name (renamed in every region). Sectors not named keep their own group.
    #[arg(long, value_name = "FILE")]
    pub map: PathBuf,
    /// The folder to write (a pymrio folder: Z.txt, Y.txt, x.txt, satellites).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

/// `disaggregate`.
#[derive(Debug, Args, Clone)]
pub struct DisaggregateArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The shares: a CSV with the header `sector,part,share`; the shares of a sector add up
    /// to 1. Each part gets the sector's technology and sales structure.
    #[arg(long, value_name = "FILE")]
    pub shares: PathBuf,
    /// The folder to write (a pymrio folder: Z.txt, Y.txt, x.txt, satellites).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
}

/// Gross output: as recorded, or `x = (I − A)⁻¹ d` when the input has none.
fn gross_output(e: &Economy, settings: &SolverSettings) -> Result<Vec<f64>> {
    if let Some(x) = &e.recorded_output {
        return Ok(x.clone());
    }
    let d = demand(e)?;
    let solver = LeontiefSolver::new(&e.a, settings.clone())?;
    let s = solver.solve_output(&d)?;
    vouch(
        &solver,
        &[Answer::of("gross output", Side::Output, &d, &s)],
        &e.products,
    )?;
    Ok(s.x)
}

/// `plenty aggregate`.
pub fn aggregate(g: &Global, a: &AggregateArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &a.input, &progress)?;
    let e = &loaded.economy;
    let x = gross_output(e, &settings)?;
    let map = plenty_io::reshape_file::read_sector_map(&a.map, &e.products)?;
    let out = plenty_core::aggregate::aggregate(e, &x, &map)?;
    let mut inputs = loaded.inputs.clone();
    inputs.push(a.map.clone());
    progress.stage("writing");
    write(&out, &a.out, &inputs, json!({"map": a.map}))?;
    progress.finish();
    eprintln!(
        "aggregated {} sectors into {}; wrote {}",
        e.n(),
        out.n(),
        a.out.display()
    );
    Ok(())
}

/// `plenty disaggregate`.
pub fn disaggregate(g: &Global, a: &DisaggregateArgs) -> Result<()> {
    let progress = Progress::new(g.quiet);
    let (loaded, settings) = load(g, &a.input, &progress)?;
    let e = &loaded.economy;
    let x = gross_output(e, &settings)?;
    let splits = plenty_io::reshape_file::read_shares(&a.shares, &e.products)?;
    let out = plenty_core::aggregate::disaggregate(e, &x, &splits)?;
    let mut inputs = loaded.inputs.clone();
    inputs.push(a.shares.clone());
    progress.stage("writing");
    write(&out, &a.out, &inputs, json!({"shares": a.shares}))?;
    progress.finish();
    eprintln!(
        "split {} sectors into {}; wrote {}",
        e.n(),
        out.n(),
        a.out.display()
    );
    Ok(())
}

/// Writes the economy as a pymrio folder (a `region/sector` label keeps its region; others go
/// to region `all`) with `provenance.json` naming the inputs' hash.
fn write(e: &Economy, dir: &Path, inputs: &[PathBuf], settings: Value) -> Result<()> {
    let x = e
        .recorded_output
        .clone()
        .context("the regrouped economy records its output")?;
    let n = e.n();
    let dense = e.a.to_dense();
    let z = DenseMatrix::from_fn(n, n, |i, j| dense.get(i, j) * x[j]);
    let y = DenseMatrix::from_fn(n, e.final_demand.len(), |i, k| e.final_demand[k].values[i]);
    let split = |l: &str| match l.split_once('/') {
        Some((r, s)) => (r.to_string(), s.to_string()),
        None => ("all".to_string(), l.to_string()),
    };
    let extensions = if e.satellites.is_empty() {
        Vec::new()
    } else {
        vec![pymrio::Extension {
            name: "satellites".into(),
            title: Some("Satellites".into()),
            row_levels: vec!["stressor".into()],
            rows: e.satellites.iter().map(|s| vec![s.name.clone()]).collect(),
            f: DenseMatrix::from_fn(e.satellites.len(), n, |k, j| {
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
        regions_sectors: e.products.iter().map(|p| split(p)).collect(),
        z,
        y,
        y_columns: e.final_demand.iter().map(|f| split(&f.name)).collect(),
        x: Some(x),
        units: None,
        extensions,
    };
    pymrio::write_pymrio(dir, &sys)?;
    let prov = provenance(inputs, settings)?;
    std::fs::write(
        dir.join("provenance.json"),
        serde_json::to_string_pretty(&prov)? + "\n",
    )?;
    Ok(())
}
