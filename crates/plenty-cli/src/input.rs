//! Turns the INPUT argument (and --labour/--demand overrides) into an economy.

use crate::args::InputArgs;
use anyhow::{bail, Context, Result};
use plenty_core::{CsrMatrix, Economy, FinalDemand, Satellite, TechnicalCoefficients};
use plenty_io::spec::LoadedEconomy;
use plenty_io::{economy_file, mtx, pymrio, spec, table::RawTable, triplets, vectors};
use std::path::{Path, PathBuf};

/// Loads the economy an INPUT names, then applies the overrides.
pub fn load(args: &InputArgs) -> Result<LoadedEconomy> {
    let path = &args.input;
    let mut loaded = load_path(path, args)?;
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

fn read_vector_for(e: &Economy, path: &Path, flag: &str) -> Result<Vec<f64>> {
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

fn plain(economy: Economy, inputs: Vec<PathBuf>) -> LoadedEconomy {
    LoadedEconomy {
        economy,
        inputs,
        notes: Vec::new(),
        warnings: Vec::new(),
        unit: None,
    }
}

fn load_path(path: &Path, args: &InputArgs) -> Result<LoadedEconomy> {
    if !path.exists() {
        bail!("{}: no such file or folder", path.display());
    }
    if path.is_dir() {
        if path.join("A.mtx").exists() {
            return load_matrix_folder(path);
        }
        if path.join("Z.txt").exists() || path.join("Z.csv").exists() {
            let sys = pymrio::read_pymrio(path)?;
            let e = pymrio::to_economy(&sys)?;
            let inputs = ["Z.txt", "Y.txt", "x.txt", "Z.csv", "Y.csv", "x.csv"]
                .iter()
                .map(|f| path.join(f))
                .filter(|p| p.exists())
                .collect();
            return Ok(plain(e, inputs));
        }
        bail!(
            "{}: this folder holds neither A.mtx (a plenty matrix folder) nor Z.txt (a pymrio folder)",
            path.display()
        );
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => {
            // Invalid UTF-8 is an error at its line, as in every reader.
            let text = plenty_io::error::read_text(path)?;
            let is_spec = text.lines().any(|l| {
                let t = l.trim();
                t == "[table]" || t == "[make_use]"
            });
            if is_spec {
                Ok(spec::load(path)?)
            } else {
                Ok(plain(economy_file::parse_economy(path, &text)?, vec![path.to_path_buf()]))
            }
        }
        Some("mtx") => {
            let a = mtx::read_matrix(path)?;
            let n = a.nrows();
            let labels = (0..n).map(|i| format!("p{i}")).collect();
            let e = Economy::new(labels, TechnicalCoefficients::sparse(a).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)?;
            Ok(plain(e, vec![path.to_path_buf()]))
        }
        Some("csv") | Some("tsv") | Some("txt") => {
            if is_triplets(path)? {
                let (labels, a) = triplets::read_triplets(path)?;
                let e = Economy::new(labels, TechnicalCoefficients::sparse(a).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)?;
                return Ok(plain(e, vec![path.to_path_buf()]));
            }
            let raw = RawTable::read(path, 1)?;
            load_labelled_matrix(path, raw, args)
        }
        _ => bail!(
            "{}: cannot tell what this is from its extension; give a .toml economy or import specification, a folder, a .mtx matrix, or a .csv matrix",
            path.display()
        ),
    }
}

/// A square labelled CSV: first column row labels, header column labels (which must match).
fn load_labelled_matrix(path: &Path, raw: RawTable, args: &InputArgs) -> Result<LoadedEconomy> {
    let n = raw.rows.len();
    if raw.header.len() != n + 1 {
        bail!(
            "{}:{}: a labelled matrix needs one label column and one column per row: found {} rows and {} columns after the label column",
            path.display(),
            raw.header_line,
            n,
            raw.header.len() - 1
        );
    }
    let labels: Vec<String> = raw.rows.iter().map(|r| r.cells[0].clone()).collect();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &raw.rows {
        if let Some(first) = seen.insert(r.cells[0].as_str(), r.line) {
            bail!(
                "{}:{}: the row label {:?} is given twice, on lines {first} and {}; every product needs its own row and column",
                path.display(),
                r.line,
                r.cells[0],
                r.line
            );
        }
    }
    for (j, l) in labels.iter().enumerate() {
        if &raw.header[j + 1] != l {
            bail!(
                "{}:{}:{}: column {} is headed {:?} but row {} is labelled {:?}; rows and columns must list the same products in the same order (use an import specification to map differing labels)",
                path.display(),
                raw.header_line,
                j + 2,
                j + 1,
                raw.header[j + 1],
                j + 1,
                l
            );
        }
    }
    let mut data = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            data.push(raw.number_or_zero(i, j + 1)?);
        }
    }
    let m = plenty_core::DenseMatrix::try_from_row_major(n, n, data)?;
    let mut inputs = vec![path.to_path_buf()];
    let e = match &args.flows_with_output {
        Some(xf) => {
            let x = vectors::read_vector(xf)?.values;
            inputs.push(xf.clone());
            Economy::from_flows(labels, &m, &x)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => {
            for i in 0..n {
                for j in 0..n {
                    if m.get(i, j) < 0.0 {
                        return Err(raw.cell_error(i, j + 1, format!("the coefficient {} is negative; technical coefficients cannot be negative", m.get(i, j))).into());
                    }
                }
            }
            Economy::new(labels, TechnicalCoefficients::dense(m)?)?
        }
    };
    Ok(LoadedEconomy {
        economy: e,
        inputs,
        notes: Vec::new(),
        warnings: Vec::new(),
        unit: None,
    })
}

/// A folder written by `plenty generate` / `convert --to mtx`.
fn load_matrix_folder(dir: &Path) -> Result<LoadedEconomy> {
    let a_path = dir.join("A.mtx");
    let a: CsrMatrix = mtx::read_matrix(&a_path)?;
    let n = a.nrows();
    let mut inputs = vec![a_path.clone()];
    let labels_path = dir.join("labels.csv");
    let labels: Vec<String> = if labels_path.exists() {
        inputs.push(labels_path.clone());
        let t = std::fs::read_to_string(&labels_path)
            .with_context(|| labels_path.display().to_string())?;
        let l: Vec<String> = t
            .lines()
            .skip(1)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if l.len() != n {
            bail!(
                "{}: {} labels for a matrix of {n} products",
                labels_path.display(),
                l.len()
            );
        }
        l
    } else {
        (0..n).map(|i| format!("p{i}")).collect()
    };
    let coefficients = TechnicalCoefficients::sparse(a)
        .map_err(|e| anyhow::anyhow!("{}: {e}", a_path.display()))?;
    let mut e = Economy::new(labels, coefficients)?;
    let l_path = dir.join("l.csv");
    if l_path.exists() {
        let v = vectors::read_vector(&l_path)?.values;
        e.add_satellite(Satellite {
            name: "labour".into(),
            unit: Some("hours".into()),
            intensity: v,
        })
        .map_err(|err| anyhow::anyhow!("{}: {err}", l_path.display()))?;
        e.set_labour("labour")?;
        inputs.push(l_path);
    }
    let d_path = dir.join("d.csv");
    if d_path.exists() {
        let v = vectors::read_vector(&d_path)?.values;
        e.add_final_demand(FinalDemand {
            name: "demand".into(),
            values: v,
        })
        .map_err(|err| anyhow::anyhow!("{}: {err}", d_path.display()))?;
        inputs.push(d_path);
    }
    Ok(LoadedEconomy {
        economy: e,
        inputs,
        notes: Vec::new(),
        warnings: Vec::new(),
        unit: None,
    })
}

/// Whether the first non-comment line is the triplet header `row,col,value`.
fn is_triplets(path: &Path) -> Result<bool> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).with_context(|| path.display().to_string())?;
    for line in std::io::BufReader::new(f).lines().take(1000) {
        let Ok(line) = line else { return Ok(false) };
        let t = line.trim_start_matches('\u{feff}').trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let cells: Vec<String> = t
            .split([',', '\t'])
            .map(|c| c.trim().trim_matches('"').to_lowercase())
            .collect();
        return Ok(cells == ["row", "col", "value"]);
    }
    Ok(false)
}
