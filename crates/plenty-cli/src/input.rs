//! Turns the INPUT argument into an economy (`plenty_io::open` tells what it is), then applies
//! the --labour, --labour-account, --demand and --category overrides and shows the warnings.

use crate::args::InputArgs;
use anyhow::{bail, Result};
use plenty_core::{Economy, FinalDemand, Satellite};
use plenty_io::open::{open_economy, OpenOptions};
use plenty_io::spec::LoadedEconomy;
use plenty_io::vectors;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the economy of this run was read from a multi-regional table, whose product labels
/// are `region/sector` (set once by [`load`]; one command runs per process).
static MRIO_LABELS: AtomicBool = AtomicBool::new(false);

/// Whether outputs should show region and sector as separate columns (issue #17).
pub(crate) fn mrio_labels() -> bool {
    MRIO_LABELS.load(Ordering::Relaxed)
}

/// Whether warnings about the input are left unprinted (ranks other than 0 of a distributed
/// run, whose rank 0 prints them).
static SILENT_WARNINGS: AtomicBool = AtomicBool::new(false);

/// Leaves the input's warnings to another process (see [`SILENT_WARNINGS`]).
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
pub(crate) fn silence_warnings() {
    SILENT_WARNINGS.store(true, Ordering::Relaxed);
}

/// Loads the economy an INPUT names, then applies the overrides.
pub fn load(args: &InputArgs) -> Result<LoadedEconomy> {
    let path = &args.input;
    if plenty_io::open::detect(path).ok() == Some(plenty_io::open::InputKind::PymrioFolder) {
        MRIO_LABELS.store(true, Ordering::Relaxed);
    }
    let options = OpenOptions {
        flows_with_output: args.flows_with_output.clone(),
    };
    let mut loaded = open_economy(path, &options)?;
    if let Some(l) = &args.labour {
        let v = read_vector_for(&loaded.economy, l, "--labour")?;
        let e = &mut loaded.economy;
        e.satellites.retain(|s| s.name != "labour");
        e.labour = None;
        e.add_satellite(Satellite {
            name: "labour".into(),
            unit: None,
            intensity: v,
        })?;
        e.set_labour("labour")?;
        loaded.inputs.push(l.clone());
    }
    if let Some(name) = &args.labour_account {
        let e = &mut loaded.economy;
        if e.satellite(name).is_none() {
            bail!(
                "--labour-account {name:?}: the economy's satellites are {}",
                if e.satellites.is_empty() {
                    "none".to_string()
                } else {
                    e.satellites
                        .iter()
                        .map(|s| format!("{:?}", s.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        }
        e.set_labour(name)?;
    }
    if let Some(d) = &args.demand {
        let v = read_vector_for(&loaded.economy, d, "--demand")?;
        loaded.economy.final_demand = vec![FinalDemand {
            name: "demand".into(),
            values: v,
        }];
        loaded.inputs.push(d.clone());
    }
    if !args.category.is_empty() {
        let e = &mut loaded.economy;
        let keep = select_categories(e, &args.category)?;
        let mut k = 0;
        e.final_demand.retain(|_| {
            k += 1;
            keep[k - 1]
        });
    }
    // Warnings (something is probably wrong) are shown by every command that loads an
    // economy; --strict makes them errors (exit code 2). Notes (quirks handled) are not.
    if !SILENT_WARNINGS.load(Ordering::Relaxed) {
        for w in &loaded.warnings {
            eprintln!("plenty: warning: {w}");
        }
    }
    if args.strict && !loaded.warnings.is_empty() {
        bail!(
            "{} about the input (above); --strict makes warnings errors",
            if loaded.warnings.len() == 1 {
                "1 warning".to_string()
            } else {
                format!("{} warnings", loaded.warnings.len())
            }
        );
    }
    Ok(loaded)
}

pub(crate) fn read_vector_for(e: &Economy, path: &Path, flag: &str) -> Result<Vec<f64>> {
    let v = vectors::read_vector(path)?;
    if v.values.len() != e.n() {
        bail!(
            "{}: {flag} has {} numbers but the economy has {} products",
            path.display(),
            v.values.len(),
            e.n()
        );
    }
    if let Some(labels) = &v.labels {
        if let Some(k) = (0..labels.len()).find(|&k| labels[k] != e.products[k]) {
            bail!(
                "{}: {flag} line for product {} is labelled {:?}, but the economy's product {} is {:?}; put the numbers in the economy's order",
                path.display(),
                k + 1,
                labels[k],
                k + 1,
                e.products[k]
            );
        }
    }
    Ok(v.values)
}

/// The final-demand categories `--category` selects: each name is a category, or the region of
/// a multi-regional table (`--category reg1` selects every `reg1/…` column). An unknown name is
/// an error naming the nearest category or region (edit distance).
fn select_categories(e: &Economy, asked: &[String]) -> Result<Vec<bool>> {
    let names: Vec<&str> = e.final_demand.iter().map(|f| f.name.as_str()).collect();
    let mut keep = vec![false; names.len()];
    for c in asked {
        let exact: Vec<usize> = (0..names.len())
            .filter(|&k| names[k] == c.as_str())
            .collect();
        let prefix = format!("{c}/");
        let matched: Vec<usize> = if exact.is_empty() {
            (0..names.len())
                .filter(|&k| names[k].starts_with(&prefix))
                .collect()
        } else {
            exact
        };
        if matched.is_empty() {
            let mut candidates: Vec<&str> = names.clone();
            for n in &names {
                if let Some((region, _)) = n.split_once('/') {
                    if !candidates.contains(&region) {
                        candidates.push(region);
                    }
                }
            }
            bail!(
                "--category {c:?}: no final-demand category or region is called so{}; the economy's final-demand categories are {}",
                plenty_io::table::suggest(c, candidates.iter().copied()),
                names
                    .iter()
                    .map(|f| format!("{f:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for k in matched {
            keep[k] = true;
        }
    }
    Ok(keep)
}
