//! One way to open an input: [`detect`] tells what a path holds, once, for every command;
//! [`open_economy`] reads an input-output economy from it and [`open_planning`] a planning
//! economy, each refusing with a clear message what it cannot use.
//!
//! | path | [`InputKind`] |
//! |---|---|
//! | `.toml` with `[table]` or `[make_use]` | [`InputKind::ImportSpecification`] |
//! | other `.toml` (`[[product]]`, `[[process]]`) | [`InputKind::EconomyFile`]: an economy and a planning file alike |
//! | folder with `economy.toml` | [`InputKind::ShardedEconomy`] (written by `plenty generate --shards K`) |
//! | folder with `A.mtx` | [`InputKind::MatrixFolder`] (written by `plenty generate`, `convert --to mtx`) |
//! | folder with `Z.txt` or `Z.csv` | [`InputKind::PymrioFolder`] |
//! | folder with `products.csv` and `processes.csv` | [`InputKind::PlanningFolder`] (written by `plenty generate-plan`) |
//! | folder with `flows.csv`, `cap.csv`, `dep.csv`, `labtarg.csv` | [`InputKind::MultiYearSpreadsheets`] (Cockshott's five-year plan) |
//! | `.toml` with a `[years]` table | [`InputKind::MultiYearFile`] (a multi-year plan) |
//! | `.mtx` | [`InputKind::MatrixMarket`] |
//! | `.csv`, `.tsv`, `.txt` with header `row,col,value` | [`InputKind::Triplets`] |
//! | other `.csv`, `.tsv`, `.txt` | [`InputKind::LabelledMatrix`] |

use crate::error::{IoError, Result};
use crate::planning_file::{is_planning_folder, load_planning, LoadedPlanning};
use crate::spec::LoadedEconomy;
use crate::table::RawTable;
use crate::{economy_file, mtx, pymrio, spec, triplets, vectors};
use plenty_core::{CsrMatrix, DenseMatrix, Economy, FinalDemand, Satellite, TechnicalCoefficients};
use std::path::{Path, PathBuf};

/// What a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// An import specification of a real table (`[table]` or `[make_use]`).
    ImportSpecification,
    /// A hand-written economy (`[[product]]`, `[[process]]`): an input-output economy and a
    /// planning economy alike.
    EconomyFile,
    /// `A.mtx`, with optional `l.csv`, `d.csv`, `labels.csv`.
    MatrixFolder,
    /// A pymrio folder (`Z.txt` …).
    PymrioFolder,
    /// A sharded economy (`economy.toml` and Parquet shards, [`crate::shard`]).
    ShardedEconomy,
    /// A planning folder (`products.csv`, `processes.csv`, matrices).
    PlanningFolder,
    /// Cockshott's five-year-plan spreadsheets (`flows.csv`, `cap.csv`, `dep.csv`,
    /// `labtarg.csv`): a multi-year plan ([`crate::cockshott`]).
    MultiYearSpreadsheets,
    /// A planning file with a `[years]` table: a multi-year plan ([`crate::multiyear_file`]).
    MultiYearFile,
    /// A Matrix Market file of coefficients.
    MatrixMarket,
    /// Sparse triplets `row,col,value`.
    Triplets,
    /// A labelled square CSV of coefficients (or flows).
    LabelledMatrix,
}

/// Options of [`open_economy`].
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// A labelled CSV holds flows, not coefficients, and this file holds gross output.
    pub flows_with_output: Option<PathBuf>,
}

/// What `path` holds, from its kind (file or folder), extension, the sections of a TOML file and
/// the header of a CSV file.
pub fn detect(path: &Path) -> Result<InputKind> {
    if !path.exists() {
        return Err(IoError::file(path, "no such file or folder"));
    }
    if path.is_dir() {
        if crate::shard::is_sharded(path) {
            return Ok(InputKind::ShardedEconomy);
        }
        if path.join("A.mtx").exists() {
            return Ok(InputKind::MatrixFolder);
        }
        if path.join("Z.txt").exists() || path.join("Z.csv").exists() {
            return Ok(InputKind::PymrioFolder);
        }
        if is_planning_folder(path) {
            return Ok(InputKind::PlanningFolder);
        }
        if ["flows.csv", "cap.csv", "dep.csv", "labtarg.csv"]
            .iter()
            .all(|f| path.join(f).exists())
        {
            return Ok(InputKind::MultiYearSpreadsheets);
        }
        return Err(IoError::file(
            path,
            "this folder holds neither economy.toml (a sharded economy), A.mtx (a plenty matrix folder), Z.txt (a pymrio folder), products.csv and processes.csv (a planning folder), nor flows.csv, cap.csv, dep.csv and labtarg.csv (a multi-year plan)",
        ));
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => {
            // Invalid UTF-8 is an error at its line, as in every reader.
            let text = crate::error::read_text(path)?;
            let is_spec = text
                .lines()
                .any(|l| matches!(l.trim(), "[table]" | "[make_use]"));
            Ok(if is_spec {
                InputKind::ImportSpecification
            } else if crate::multiyear_file::is_multi_year(&text) {
                InputKind::MultiYearFile
            } else {
                InputKind::EconomyFile
            })
        }
        Some("mtx") => Ok(InputKind::MatrixMarket),
        Some("csv") | Some("tsv") | Some("txt") => Ok(if is_triplets(path)? {
            InputKind::Triplets
        } else {
            InputKind::LabelledMatrix
        }),
        _ => Err(IoError::file(
            path,
            "cannot tell what this is from its extension; give a .toml economy or import specification, a folder, a .mtx matrix, or a .csv matrix",
        )),
    }
}

/// Reads the input-output economy a path holds.
pub fn open_economy(path: &Path, options: &OpenOptions) -> Result<LoadedEconomy> {
    let model = |e: plenty_core::ModelError| IoError::file(path, e.to_string());
    let one_file = || vec![path.to_path_buf()];
    match detect(path)? {
        InputKind::ImportSpecification => spec::load(path),
        InputKind::EconomyFile => {
            let text = crate::error::read_text(path)?;
            Ok(plain(economy_file::parse_economy(path, &text)?, one_file()))
        }
        InputKind::MatrixFolder => open_matrix_folder(path),
        InputKind::ShardedEconomy => crate::shard::open_sharded(path),
        InputKind::PymrioFolder => {
            let sys = pymrio::read_pymrio(path)?;
            let e = pymrio::to_economy(&sys)?;
            let inputs = ["Z.txt", "Y.txt", "x.txt", "Z.csv", "Y.csv", "x.csv"]
                .iter()
                .map(|f| path.join(f))
                .filter(|p| p.exists())
                .collect();
            Ok(plain(e, inputs))
        }
        InputKind::PlanningFolder => Err(IoError::file(
            path,
            "this is a planning folder (written by plenty generate-plan); give it to plenty plan, or give an input-output economy here",
        )),
        InputKind::MultiYearSpreadsheets | InputKind::MultiYearFile => Err(IoError::file(
            path,
            "this is a multi-year plan; give it to plenty plan, or give an input-output economy here",
        )),
        InputKind::MatrixMarket => {
            let a = mtx::read_matrix(path)?;
            let labels = (0..a.nrows()).map(|i| format!("p{i}")).collect();
            let e = Economy::new(labels, TechnicalCoefficients::sparse(a).map_err(model)?)
                .map_err(model)?;
            Ok(plain(e, one_file()))
        }
        InputKind::Triplets => {
            let (labels, a) = triplets::read_triplets(path)?;
            let e = Economy::new(labels, TechnicalCoefficients::sparse(a).map_err(model)?)
                .map_err(model)?;
            Ok(plain(e, one_file()))
        }
        InputKind::LabelledMatrix => {
            let raw = RawTable::read(path, 1)?;
            open_labelled_matrix(path, raw, options)
        }
    }
}

/// Reads the planning economy a path holds: a planning file or folder.
pub fn open_planning(path: &Path) -> Result<LoadedPlanning> {
    match detect(path)? {
        InputKind::EconomyFile | InputKind::PlanningFolder => load_planning(path),
        InputKind::MultiYearSpreadsheets | InputKind::MultiYearFile => Err(IoError::file(
            path,
            "this is a multi-year plan: read it with plenty_io::cockshott::read_cockshott_plan or plenty_io::multiyear_file::load_multi_year; plenty plan does",
        )),
        InputKind::ImportSpecification => Err(IoError::file(
            path,
            "this is an import specification of an input-output table; planning needs a planning file (.toml with [[product]] and [[process]]) or a planning folder: see examples/plans/README.md",
        )),
        _ => Err(IoError::file(
            path,
            "this is an input-output table; planning needs a planning file (.toml with [[product]] and [[process]]) or a planning folder: see examples/plans/README.md",
        )),
    }
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

/// A square labelled CSV: first column row labels, header column labels (which must match).
fn open_labelled_matrix(
    path: &Path,
    raw: RawTable,
    options: &OpenOptions,
) -> Result<LoadedEconomy> {
    let n = raw.rows.len();
    if raw.header.len() != n + 1 {
        return Err(IoError::at_line(
            path,
            raw.header_line,
            format!(
                "a labelled matrix needs one label column and one column per row: found {} rows and {} columns after the label column",
                n,
                raw.header.len() - 1
            ),
        ));
    }
    let labels: Vec<String> = raw.rows.iter().map(|r| r.cells[0].clone()).collect();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &raw.rows {
        if let Some(first) = seen.insert(r.cells[0].as_str(), r.line) {
            return Err(IoError::at_line(
                path,
                r.line,
                format!(
                    "the row label {:?} is given twice, on lines {first} and {}; every product needs its own row and column",
                    r.cells[0], r.line
                ),
            ));
        }
    }
    for (j, l) in labels.iter().enumerate() {
        if &raw.header[j + 1] != l {
            return Err(IoError::at_cell(
                path,
                raw.header_line,
                j + 2,
                None,
                format!(
                    "column {} is headed {:?} but row {} is labelled {:?}; rows and columns must list the same products in the same order (use an import specification to map differing labels)",
                    j + 1,
                    raw.header[j + 1],
                    j + 1,
                    l
                ),
            ));
        }
    }
    let mut data = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            data.push(raw.number_or_zero(i, j + 1)?);
        }
    }
    let model = |e: plenty_core::ModelError| IoError::file(path, e.to_string());
    let m = DenseMatrix::try_from_row_major(n, n, data).map_err(model)?;
    let mut inputs = vec![path.to_path_buf()];
    let e = match &options.flows_with_output {
        Some(xf) => {
            let x = vectors::read_vector(xf)?.values;
            inputs.push(xf.clone());
            Economy::from_flows(labels, &m, &x).map_err(|e| IoError::file(path, e.to_string()))?
        }
        None => {
            for i in 0..n {
                for j in 0..n {
                    if m.get(i, j) < 0.0 {
                        return Err(raw.cell_error(
                            i,
                            j + 1,
                            format!(
                                "the coefficient {} is negative; technical coefficients cannot be negative",
                                m.get(i, j)
                            ),
                        ));
                    }
                }
            }
            Economy::new(labels, TechnicalCoefficients::dense(m).map_err(model)?).map_err(model)?
        }
    };
    Ok(plain(e, inputs))
}

/// A folder written by `plenty generate` / `convert --to mtx`.
fn open_matrix_folder(dir: &Path) -> Result<LoadedEconomy> {
    let a_path = dir.join("A.mtx");
    let a: CsrMatrix = mtx::read_matrix(&a_path)?;
    let n = a.nrows();
    let mut inputs = vec![a_path.clone()];
    let labels_path = dir.join("labels.csv");
    let labels: Vec<String> = if labels_path.exists() {
        inputs.push(labels_path.clone());
        let t = crate::error::read_text(&labels_path)?;
        let l: Vec<String> = t
            .lines()
            .skip(1)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if l.len() != n {
            return Err(IoError::file(
                &labels_path,
                format!("{} labels for a matrix of {n} products", l.len()),
            ));
        }
        l
    } else {
        (0..n).map(|i| format!("p{i}")).collect()
    };
    let coefficients = TechnicalCoefficients::sparse(a).map_err(|e| model_error(&a_path, e))?;
    let mut e = Economy::new(labels, coefficients).map_err(|e| model_error(&a_path, e))?;
    let l_path = dir.join("l.csv");
    if l_path.exists() {
        let v = vectors::read_vector(&l_path)?.values;
        e.add_satellite(Satellite {
            name: "labour".into(),
            unit: Some("hours".into()),
            intensity: v,
        })
        .map_err(|e| model_error(&l_path, e))?;
        e.set_labour("labour")
            .map_err(|e| model_error(&l_path, e))?;
        inputs.push(l_path);
    }
    let d_path = dir.join("d.csv");
    if d_path.exists() {
        let v = vectors::read_vector(&d_path)?.values;
        e.add_final_demand(FinalDemand {
            name: "demand".into(),
            values: v,
        })
        .map_err(|e| model_error(&d_path, e))?;
        inputs.push(d_path);
    }
    Ok(plain(e, inputs))
}

fn model_error(path: &Path, e: plenty_core::ModelError) -> IoError {
    IoError::file(path, e.to_string())
}

/// Whether the first non-comment line is the triplet header `row,col,value`.
fn is_triplets(path: &Path) -> Result<bool> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(|e| IoError::os(path, &e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    #[test]
    fn issue_11_one_detection_for_every_input() {
        let r = root();
        let cases = [
            (
                "examples/specs/germany_1995.toml",
                InputKind::ImportSpecification,
            ),
            ("examples/village.toml", InputKind::EconomyFile),
            ("examples/plans/valley.toml", InputKind::EconomyFile),
            ("data/pymrio_test", InputKind::PymrioFolder),
            (
                "crates/plenty-io/tests/data/formats/scipy_general.mtx",
                InputKind::MatrixMarket,
            ),
            (
                "crates/plenty-io/tests/data/formats/labelled_triplets.csv",
                InputKind::Triplets,
            ),
        ];
        for (p, kind) in cases {
            assert_eq!(detect(&r.join(p)).unwrap(), kind, "{p}");
        }
        let e = detect(&r.join("no/such/file.toml")).unwrap_err();
        assert!(e.to_string().contains("no such file or folder"), "{e}");
        // The planning reader refuses a table, naming what it needs.
        let e = open_planning(&r.join("examples/specs/germany_1995.toml")).unwrap_err();
        assert!(
            e.to_string().contains("this is an import specification"),
            "{e}"
        );
        // A hand-written economy is both.
        assert!(open_planning(&r.join("examples/village.toml")).is_ok());
        assert!(open_economy(&r.join("examples/village.toml"), &OpenOptions::default()).is_ok());
    }
}
