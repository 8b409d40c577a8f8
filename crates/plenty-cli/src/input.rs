//! Turns the INPUT argument into an economy (`plenty_io::open` tells what it is), then applies
//! the --labour, --labour-account, --demand and --category overrides and shows the warnings.

use crate::args::InputArgs;
use anyhow::{bail, Result};
use plenty_core::{Economy, FinalDemand, Satellite};
use plenty_io::open::{open_economy, OpenOptions};
use plenty_io::spec::LoadedEconomy;
use plenty_io::vectors;
use std::path::Path;

/// Loads the economy an INPUT names, then applies the overrides.
pub fn load(args: &InputArgs) -> Result<LoadedEconomy> {
    let path = &args.input;
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
        for c in &args.category {
            if !e.final_demand.iter().any(|f| &f.name == c) {
                bail!(
                    "--category {c:?}: the economy's final-demand categories are {}",
                    e.final_demand
                        .iter()
                        .map(|f| format!("{:?}", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        e.final_demand.retain(|f| args.category.contains(&f.name));
    }
    // Warnings (something is probably wrong) are shown by every command that loads an
    // economy; --strict makes them errors (exit code 2). Notes (quirks handled) are not.
    for w in &loaded.warnings {
        eprintln!("plenty: warning: {w}");
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
