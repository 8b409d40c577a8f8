//! `plenty footprint`: consumption-based, production-based, import and export accounts of every
//! stressor of a multi-regional system, per region (and per region × sector with
//! `--by-sector`), from [`plenty_core::mrio::footprints`]. The formulas are in that module and
//! in docs/mrio.md.

use crate::args::{OutputArgs, SolverArgs};
use crate::commands::{emit, provenance, solver_settings};
use crate::NoAnswer;
use anyhow::{bail, Result};
use clap::Args;
use plenty_core::mrio::{footprints, FootprintAccounts, FootprintSettings, StressorAccounts};
use plenty_io::output::{join_levels, Column, Report, ResultTable};
use plenty_io::pymrio::{self, PymrioSystem};
use plenty_io::table::suggest;
use serde_json::json;
use std::path::{Path, PathBuf};

/// `footprint`.
#[derive(Debug, Args, Clone)]
pub struct FootprintArgs {
    /// The multi-regional system: a pymrio folder (`save_all`, text, or its CSV export) or an
    /// OECD ICIO CSV file.
    pub input: PathBuf,
    /// Also give the accounts per region × sector (D_cba and D_imp by product consumed, D_pba
    /// and D_exp by producing sector).
    #[arg(long)]
    pub by_sector: bool,
    /// Only these regions in the output (repeatable; the accounts are always computed on the
    /// whole system).
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Only these extensions (repeatable), e.g. "emissions".
    #[arg(long, value_name = "NAME")]
    pub extension: Vec<String>,
    /// Solver settings.
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Reads the system an INPUT names and the files it read (for the input hash).
pub(crate) fn read_system(path: &Path) -> Result<(PymrioSystem, Vec<PathBuf>)> {
    if path.is_dir() {
        let sys = pymrio::read_pymrio(path)?;
        let mut files = Vec::new();
        collect_files(path, &mut files)?;
        files.sort();
        return Ok((sys, files));
    }
    if path.is_file() {
        let sys = plenty_io::icio::read_icio(path)?;
        return Ok((sys, vec![path.to_path_buf()]));
    }
    bail!(
        "{}: there is no such file or folder; give a pymrio folder or an OECD ICIO CSV file",
        path.display()
    )
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            collect_files(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// The regions a `--region` list selects: exact names, or every region that starts with the
/// given prefix; an unknown name is an error with the nearest region.
pub(crate) fn select_regions(known: &[String], asked: &[String], flag: &str) -> Result<Vec<bool>> {
    if asked.is_empty() {
        return Ok(vec![true; known.len()]);
    }
    let mut keep = vec![false; known.len()];
    for a in asked {
        let exact: Vec<usize> = (0..known.len()).filter(|&r| &known[r] == a).collect();
        let matched: Vec<usize> = if exact.is_empty() {
            (0..known.len())
                .filter(|&r| known[r].starts_with(a.as_str()))
                .collect()
        } else {
            exact
        };
        if matched.is_empty() {
            bail!(
                "{flag} {a:?}: no region is called so or starts so{}; the regions are {}",
                suggest(a, known.iter().map(String::as_str)),
                known.join(", ")
            );
        }
        for r in matched {
            keep[r] = true;
        }
    }
    Ok(keep)
}

/// Runs `footprint`.
pub fn footprint(quiet: bool, args: &FootprintArgs) -> Result<()> {
    let progress = crate::progress::Progress::new(quiet);
    progress.stage("reading the system");
    let settings = solver_settings(&args.solver);
    settings.validate()?;
    let (mut sys, inputs) = read_system(&args.input)?;
    if !args.extension.is_empty() {
        let names: Vec<String> = sys.extensions.iter().map(|e| e.name.clone()).collect();
        for a in &args.extension {
            if !names.contains(a) {
                bail!(
                    "--extension {a:?}: the system has no such extension{}; its extensions are {}",
                    suggest(a, names.iter().map(String::as_str)),
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                );
            }
        }
        sys.extensions.retain(|e| args.extension.contains(&e.name));
    }
    if sys.extensions.is_empty() {
        bail!(
            "{}: the system has no extension (no stressor rows such as emissions or hours), so \
             there is no footprint to compute",
            args.input.display()
        );
    }
    let mrio = pymrio::to_mrio(&sys)?;
    let keep = select_regions(&mrio.regions, &args.region, "--region")?;
    progress.stage("solving");
    let acc = footprints(
        &mrio,
        &FootprintSettings {
            solver: settings.clone(),
        },
    )?;
    if !acc.solve.status.is_converged() {
        return Err(NoAnswer(format!(
            "a solve did not converge ({}, relative residual {:.2e}); the footprints are not given",
            acc.solve.status, acc.solve.relative_residual
        ))
        .into());
    }
    let mut tables = vec![by_region(&acc, &keep)];
    if args.by_sector {
        tables.push(by_sector(&acc, &keep));
    }
    let identities: Vec<_> = acc
        .stressors
        .iter()
        .map(|s| {
            json!({
                "extension": s.extension,
                "stressor": s.stressor,
                "unit": s.unit,
                "sum_cba": s.identity.cba_total,
                "sum_pba": s.identity.pba_total,
                "relative_gap": s.identity.relative_gap,
                "trade_balance_gap": s.identity.trade_balance_gap,
                "pba_vs_F": s.identity.pba_vs_f,
            })
        })
        .collect();
    let summary = json!({
        "regions": acc.regions,
        "sectors": acc.sectors.len(),
        "extensions": sys.extensions.iter().map(|e| json!({
            "name": e.name,
            "stressors": e.rows.len(),
            "units": e.units,
        })).collect::<Vec<_>>(),
        "definitions": "pymrio 0.7 calc_accounts: D_cba = S L diag-by-product(Y_r) + F_Y of r; D_pba = S diag(L y) + F_Y of r; D_imp = the part of D_cba emitted outside r; D_exp = S diag(L Σ_{s≠r} y_s) in r",
        "identities": identities,
        "output_gap": acc.output_gap,
        "solve": {
            "method": acc.solve.method,
            "solves": acc.solves,
            "iterations": acc.solve.iterations,
            "relative_residual": acc.solve.relative_residual,
            "status": acc.solve.status,
        },
    });
    let report = Report {
        provenance: provenance(
            &inputs,
            json!({"solver": settings, "by_sector": args.by_sector, "region": args.region, "extension": args.extension}),
        )?,
        summary,
        tables,
    };
    let worst_gap = acc
        .stressors
        .iter()
        .map(|s| s.identity.relative_gap)
        .fold(0.0f64, f64::max);
    let headline = vec![
        format!(
            "footprints of {} stressors in {} regions × {} sectors ({} solves, {}, relative residual {:.1e})",
            acc.stressors.len(),
            acc.regions.len(),
            acc.sectors.len(),
            acc.solves,
            acc.solve.method,
            acc.solve.relative_residual
        ),
        format!(
            "identity Σ_r D_cba = Σ_r D_pba holds to {worst_gap:.1e} (relative, worst stressor)"
        ),
    ];
    progress.finish();
    emit(&report, &args.output, &headline)
}

fn unit(s: &StressorAccounts) -> String {
    s.unit.clone().unwrap_or_default()
}

fn by_region(acc: &FootprintAccounts, keep: &[bool]) -> ResultTable {
    let mut rows = Vec::new();
    let mut cols: [Vec<f64>; 5] = Default::default();
    for s in &acc.stressors {
        for (r, region) in acc.regions.iter().enumerate() {
            if !keep[r] {
                continue;
            }
            let u = unit(s);
            rows.push(join_levels(&[
                region.as_str(),
                s.extension.as_str(),
                s.stressor.as_str(),
                u.as_str(),
            ]));
            for (c, v) in cols
                .iter_mut()
                .zip([s.cba[r], s.pba[r], s.imp[r], s.exp[r], s.f_y[r]])
            {
                c.push(v);
            }
        }
    }
    let [cba, pba, imp, exp, fy] = cols;
    ResultTable {
        name: "footprints".into(),
        row_header: join_levels(&["region", "extension", "stressor", "unit"]),
        rows,
        columns: vec![
            Column::new("D_cba", cba),
            Column::new("D_pba", pba),
            Column::new("D_imp", imp),
            Column::new("D_exp", exp),
            Column::new("F_Y", fy),
        ],
    }
}

fn by_sector(acc: &FootprintAccounts, keep: &[bool]) -> ResultTable {
    let mut rows = Vec::new();
    let mut cols: [Vec<f64>; 4] = Default::default();
    for s in &acc.stressors {
        for (r, region) in acc.regions.iter().enumerate() {
            if !keep[r] {
                continue;
            }
            for (p, sector) in acc.sectors.iter().enumerate() {
                let u = unit(s);
                rows.push(join_levels(&[
                    region.as_str(),
                    sector.as_str(),
                    s.extension.as_str(),
                    s.stressor.as_str(),
                    u.as_str(),
                ]));
                let values = [
                    s.cba_by_sector.get(r, p),
                    s.pba_by_sector.get(r, p),
                    s.imp_by_sector.get(r, p),
                    s.exp_by_sector.get(r, p),
                ];
                for (c, v) in cols.iter_mut().zip(values) {
                    c.push(v);
                }
            }
        }
    }
    let [cba, pba, imp, exp] = cols;
    ResultTable {
        name: "footprints_by_sector".into(),
        row_header: join_levels(&["region", "sector", "extension", "stressor", "unit"]),
        rows,
        columns: vec![
            Column::new("D_cba", cba),
            Column::new("D_pba", pba),
            Column::new("D_imp", imp),
            Column::new("D_exp", exp),
        ],
    }
}
