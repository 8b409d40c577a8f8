//! Multi-regional input-output systems in the folder layouts of
//! [pymrio](https://github.com/IndEcol/pymrio) (tested against pymrio 0.7.0).
//!
//! Two layouts are read:
//!
//! * the folder that `IOSystem.save_all(path)` writes (text format): tab-separated `Z.txt`,
//!   `Y.txt`, optionally `x.txt`, `A.txt`, `L.txt`, `unit.txt`, a `file_parameters.json` that
//!   gives each file's name and its numbers of index columns and header lines, a
//!   `metadata.json`, and one subfolder per satellite extension (`emissions/`,
//!   `factor_inputs/`) holding `F.txt` and optionally `F_Y.txt`, `S.txt`, `M.txt`, `unit.txt`
//!   and its own `file_parameters.json`;
//! * a flat CSV export (`Z.csv`, `Y.csv`, `x.csv`, `F_<extension>.csv`,
//!   `F_Y_<extension>.csv`), as in `data/pymrio_test`.
//!
//! Both store pandas frames with multi-level labels the way `DataFrame.to_csv` writes them:
//!
//! ```text
//!  region    ␉          ␉reg1 ␉reg1   ␉…     ← one header line per column level; the level
//!  sector    ␉          ␉food ␉mining ␉…       name comes first
//!  region    ␉sector    ␉     ␉       ␉…     ← the names of the row levels (only with 2 or
//!  reg1      ␉food      ␉23697.2␉57.49 ␉…       more header lines), then the data lines,
//!  reg1      ␉mining    ␉257.18 ␉2341.1␉…       each led by its row labels
//! ```
//!
//! Sectors are `(region, sector)` pairs and become the plenty labels `"region/sector"`;
//! final-demand columns are `(region, category)`. Rows of an extension have one or more levels
//! (`stressor`, `compartment`). Labels are matched, not assumed in order: `Y`, `x` and the
//! columns of `F` are put in the order of the rows of `Z`, and an unknown or missing label is an
//! error that names its line. An empty cell or a missing-value mark counts as zero, as pandas
//! writes a missing value as an empty cell.
//!
//! [`write_pymrio`] writes the `save_all` layout, which `pymrio.load`/`pymrio.load_all` read
//! and on which `calc_all()` runs, with every number in the shortest form that reads back to the
//! same bits (pymrio itself writes 12 significant digits).

use crate::error::{IoError, Result};
use crate::mtx::push_f64;
use crate::table::parse_number;
use crate::table::LineCounter;
use plenty_core::mrio::{Mrio, MrioError, MrioExtension};
use plenty_core::{DenseMatrix, Economy, FinalDemand, ModelError};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A satellite extension of a pymrio system (emissions, factor inputs, employment…), as totals
/// per sector.
#[derive(Debug, Clone, PartialEq)]
pub struct Extension {
    /// The extension's folder name, e.g. `"emissions"` (pymrio's attribute name); satellites in
    /// plenty are named `"<name>/<row label>"`.
    pub name: String,
    /// pymrio's display name of the extension (the `name` in its `file_parameters.json`, e.g.
    /// `"Emissions"`), if known.
    pub title: Option<String>,
    /// Names of the row levels, e.g. `["stressor", "compartment"]`.
    pub row_levels: Vec<String>,
    /// The rows (stressors): one label per row level each.
    pub rows: Vec<Vec<String>>,
    /// Totals per row and sector (`F`, stressors × sectors), sectors in the order of
    /// [`PymrioSystem::regions_sectors`].
    pub f: DenseMatrix,
    /// Totals per row and final-demand column (`F_Y`, stressors × columns of `Y`), if given.
    pub f_y: Option<DenseMatrix>,
    /// The unit of each row, if given.
    pub units: Option<Vec<String>>,
}

impl Extension {
    /// The label of row `i`: its levels joined by `/`, e.g. `"emission_type1/air"`.
    pub fn row_label(&self, i: usize) -> String {
        self.rows[i].join("/")
    }
}

/// A multi-regional input-output system: flows, final demand, gross output and extensions.
#[derive(Debug, Clone, PartialEq)]
pub struct PymrioSystem {
    /// The folder it was read from, used in messages (`None` for a system built in memory).
    pub source: Option<PathBuf>,
    /// The sectors, as `(region, sector)`, in the order of the rows and columns of `z`.
    pub regions_sectors: Vec<(String, String)>,
    /// Inter-industry flows `Z` (sectors × sectors; row = supplier, column = user).
    pub z: DenseMatrix,
    /// Final demand `Y` (sectors × final-demand columns).
    pub y: DenseMatrix,
    /// The final-demand columns, as `(region, category)`.
    pub y_columns: Vec<(String, String)>,
    /// Gross output `x`, if the folder holds it (else pymrio and plenty use `Z·1 + Y·1`).
    pub x: Option<Vec<f64>>,
    /// The unit of each sector's row (pymrio's `unit.txt`), if given.
    pub units: Option<Vec<String>>,
    /// Satellite extensions.
    pub extensions: Vec<Extension>,
}

impl PymrioSystem {
    /// The plenty labels of the sectors, `"region/sector"`.
    pub fn sector_labels(&self) -> Vec<String> {
        self.regions_sectors
            .iter()
            .map(|(r, s)| format!("{r}/{s}"))
            .collect()
    }

    /// Gross output: `x` if given, else `Z·1 + Y·1` as pymrio computes it.
    pub fn gross_output(&self) -> Vec<f64> {
        match &self.x {
            Some(x) => x.clone(),
            None => (0..self.z.nrows())
                .map(|i| {
                    self.z.row(i).iter().sum::<f64>()
                        + if self.y.ncols() > 0 {
                            self.y.row(i).iter().sum::<f64>()
                        } else {
                            0.0
                        }
                })
                .collect(),
        }
    }

    fn origin(&self) -> PathBuf {
        self.source
            .clone()
            .unwrap_or_else(|| PathBuf::from("<pymrio system>"))
    }
}

// ---------------------------------------------------------------------------------------------
// Reading one pandas frame.

/// A frame as pandas writes it: header lines, optional row-level names, data lines.
#[derive(Debug)]
struct Frame {
    path: PathBuf,
    /// 1-based line of each header line.
    header_lines: Vec<usize>,
    /// Per column: one label per header line.
    cols: Vec<Vec<String>>,
    /// Names of the row levels (empty strings when the file does not give them).
    index_names: Vec<String>,
    /// Per data line: its row labels.
    rows: Vec<Vec<String>>,
    /// 1-based line of each data line.
    row_lines: Vec<usize>,
    /// Data, row-major (numeric frames).
    numbers: Vec<f64>,
    /// Data, row-major (text frames such as `unit.txt`).
    text: Vec<String>,
}

/// How to read a frame.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Number of row-label columns, if known.
    index_cols: Option<usize>,
    /// Number of header lines.
    header: usize,
    /// Number of data columns, if known (then `index_cols` follows from the width).
    data_cols: Option<usize>,
    /// Whether the data cells are numbers.
    numeric: bool,
}

impl Frame {
    fn ncols(&self) -> usize {
        self.cols.len()
    }

    fn nrows(&self) -> usize {
        self.rows.len()
    }

    /// The pair of labels of column `j` (needs 2 header lines).
    fn col_pair(&self, j: usize) -> (String, String) {
        let c = &self.cols[j];
        (c[0].clone(), c.get(1).cloned().unwrap_or_default())
    }

    fn row_pair(&self, i: usize) -> (String, String) {
        let r = &self.rows[i];
        (r[0].clone(), r.get(1).cloned().unwrap_or_default())
    }
}

fn read_frame(path: &Path, shape: Shape) -> Result<Frame> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    parse_frame(path, &bytes, shape)
}

fn parse_frame(path: &Path, bytes: &[u8], shape: Shape) -> Result<Frame> {
    let bytes = crate::error::text_of(
        path,
        bytes,
        "a text table (it contains NUL bytes); save the pymrio system in text format \
         (`save_all(path)` with the default table_format=\"txt\")",
    )?
    .as_bytes();
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::StringRecord::new();
    let mut headers: Vec<(usize, Vec<String>)> = Vec::new();
    let mut k = 0usize;
    let mut width = 0usize;
    let mut frame = Frame {
        path: path.to_path_buf(),
        header_lines: Vec::new(),
        cols: Vec::new(),
        index_names: Vec::new(),
        rows: Vec::new(),
        row_lines: Vec::new(),
        numbers: Vec::new(),
        text: Vec::new(),
    };
    let mut expect_names = false;
    let mut lines = LineCounter::new(bytes, false);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = lines.line_of(e.position());
                return Err(IoError::at_line(
                    path,
                    line,
                    format!("cannot read this line: {e}"),
                ));
            }
        }
        let line = lines.line_of(rec.position());
        if rec.iter().all(|c| c.trim().is_empty()) && rec.len() <= 1 {
            continue; // a blank line
        }
        if headers.len() < shape.header {
            headers.push((line, rec.iter().map(|c| c.trim().to_string()).collect()));
            if headers.len() == shape.header {
                (k, width) = frame_columns(path, &headers, shape)?;
                frame.header_lines = headers.iter().map(|h| h.0).collect();
                frame.cols = (k..width)
                    .map(|j| headers.iter().map(|h| h.1[j].clone()).collect())
                    .collect();
                if shape.header == 1 {
                    frame.index_names = headers[0].1[..k].to_vec();
                } else {
                    expect_names = true;
                }
            }
            continue;
        }
        if rec.len() != width {
            return Err(IoError::at_line(
                path,
                line,
                format!(
                    "this line has {} cells but the header (line {}) has {width}; every line needs \
                     {k} label{} and one cell per column",
                    rec.len(),
                    frame.header_lines[0],
                    if k == 1 { "" } else { "s" }
                ),
            ));
        }
        if expect_names {
            expect_names = false;
            if rec.iter().skip(k).all(|c| c.trim().is_empty()) {
                frame.index_names = rec.iter().take(k).map(|c| c.trim().to_string()).collect();
                continue;
            }
        }
        let labels: Vec<String> = rec.iter().take(k).map(|c| c.trim().to_string()).collect();
        if let Some(p) = labels.iter().position(String::is_empty) {
            return Err(IoError::at_cell(
                path,
                line,
                p + 1,
                None,
                "this row label is empty; every data line starts with its labels",
            ));
        }
        frame.rows.push(labels);
        frame.row_lines.push(line);
        for (j, cell) in rec.iter().enumerate().skip(k) {
            if shape.numeric {
                let v = match parse_number(cell) {
                    Ok(v) => v.unwrap_or(0.0),
                    Err(msg) => {
                        return Err(IoError::at_cell(
                            path,
                            line,
                            j + 1,
                            Some(&frame.cols[j - k].join("/")),
                            msg,
                        ))
                    }
                };
                frame.numbers.push(v);
            } else {
                frame.text.push(cell.trim().to_string());
            }
        }
    }
    if headers.len() < shape.header {
        let msg = if headers.is_empty() {
            "the file is empty; a pymrio table has header lines and data lines".to_string()
        } else {
            format!(
                "the file ends after {} header line{}; it should have {} and then data lines",
                headers.len(),
                if headers.len() == 1 { "" } else { "s" },
                shape.header
            )
        };
        return Err(IoError::file(path, msg));
    }
    if frame.index_names.is_empty() {
        frame.index_names = vec![String::new(); k];
    }
    if frame.rows.is_empty() {
        return Err(IoError::at_line(
            path,
            frame.header_lines[0],
            "the table has header lines but no data lines",
        ));
    }
    Ok(frame)
}

/// The number of label columns and the width of a frame, from its header lines.
fn frame_columns(
    path: &Path,
    headers: &[(usize, Vec<String>)],
    shape: Shape,
) -> Result<(usize, usize)> {
    let (line0, first) = &headers[0];
    let width = first.len();
    for (line, h) in headers {
        if h.len() != width {
            return Err(IoError::at_line(
                path,
                *line,
                format!(
                    "this header line has {} cells but the first (line {line0}) has {width}",
                    h.len()
                ),
            ));
        }
    }
    let k = match (shape.index_cols, shape.data_cols) {
        (Some(k), _) => k,
        (None, Some(n)) if width > n => width - n,
        (None, Some(n)) => {
            return Err(IoError::at_line(
                path,
                *line0,
                format!(
                    "the header has {width} cells, but {n} data columns (one per sector) and their \
                     row labels are needed"
                ),
            ))
        }
        // pandas: the level name, then a blank cell for every further label column.
        (None, None) => 1 + first.iter().skip(1).take_while(|c| c.is_empty()).count(),
    };
    if k == 0 || k >= width {
        return Err(IoError::at_line(
            path,
            *line0,
            format!(
                "the header has {width} cells, which leaves no data column after {k} label column{}",
                if k == 1 { "" } else { "s" }
            ),
        ));
    }
    Ok((k, width))
}

// ---------------------------------------------------------------------------------------------
// Matching labels.

/// For each of `labels` (the `what`s of a table), its position in `order` (the `known`
/// labels). Errors name the label's line (and column, for column labels).
fn permutation(
    order: &HashMap<(String, String), usize>,
    labels: &[(String, String)],
    locate: impl Fn(usize) -> IoError,
    what: &str,
    known: &str,
) -> Result<Vec<usize>> {
    let mut perm = Vec::with_capacity(labels.len());
    let mut seen = vec![usize::MAX; order.len()];
    for (k, l) in labels.iter().enumerate() {
        let Some(&p) = order.get(l) else {
            let mut e = locate(k);
            e.message = format!(
                "{what} {}/{} is not {known}; the labels of every table must match",
                l.0, l.1
            );
            return Err(e);
        };
        if seen[p] != usize::MAX {
            let mut e = locate(k);
            e.message = format!("{what} {}/{} is given twice", l.0, l.1);
            return Err(e);
        }
        seen[p] = k;
        perm.push(p);
    }
    if let Some(missing) = seen.iter().position(|&s| s == usize::MAX) {
        let label = order
            .iter()
            .find(|(_, &p)| p == missing)
            .map(|(l, _)| format!("{}/{}", l.0, l.1))
            .unwrap_or_default();
        let mut e = locate(0);
        e.line = None;
        e.column = None;
        e.message = format!("this table lacks {label}, which is {known}; give every one of them");
        return Err(e);
    }
    Ok(perm)
}

fn sector_index(sectors: &[(String, String)]) -> HashMap<(String, String), usize> {
    sectors
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), i))
        .collect()
}

/// Rows of a frame put in sector order: returns the matrix with its rows permuted.
fn rows_in_sector_order(
    f: &mut Frame,
    sectors: &HashMap<(String, String), usize>,
) -> Result<DenseMatrix> {
    let labels: Vec<(String, String)> = (0..f.nrows()).map(|i| f.row_pair(i)).collect();
    let perm = permutation(
        sectors,
        &labels,
        |k| IoError::at_cell(&f.path, f.row_lines[k], 1, None, ""),
        "the row",
        "a sector of Z",
    )?;
    let m = f.ncols();
    let data = if perm.iter().enumerate().all(|(k, &p)| k == p) {
        std::mem::take(&mut f.numbers) // already in order: no copy
    } else {
        let mut data = vec![0.0; sectors.len() * m];
        for (k, &p) in perm.iter().enumerate() {
            data[p * m..(p + 1) * m].copy_from_slice(&f.numbers[k * m..(k + 1) * m]);
        }
        data
    };
    DenseMatrix::try_from_row_major(sectors.len(), m, data)
        .map_err(|e| IoError::file(&f.path, e.to_string()))
}

/// Columns of a frame put in the order of `order`.
fn cols_in_order(
    f: &mut Frame,
    order: &HashMap<(String, String), usize>,
    known: &str,
) -> Result<DenseMatrix> {
    if f.cols.first().map(Vec::len).unwrap_or(0) < 2 {
        return Err(IoError::at_line(
            &f.path,
            f.header_lines[0],
            "the columns need 2 header lines (region and sector or category)",
        ));
    }
    let labels: Vec<(String, String)> = (0..f.ncols()).map(|j| f.col_pair(j)).collect();
    let k = f.rows.first().map(Vec::len).unwrap_or(0);
    let perm = permutation(
        order,
        &labels,
        |j| IoError::at_cell(&f.path, f.header_lines[0], k + j + 1, None, ""),
        "the column",
        known,
    )?;
    let (r, m) = (f.nrows(), order.len());
    let data = if perm.iter().enumerate().all(|(j, &p)| j == p) {
        std::mem::take(&mut f.numbers) // already in order: no copy
    } else {
        let mut data = vec![0.0; r * m];
        for i in 0..r {
            for (j, &p) in perm.iter().enumerate() {
                data[i * m + p] = f.numbers[i * f.ncols() + j];
            }
        }
        data
    };
    DenseMatrix::try_from_row_major(r, m, data).map_err(|e| IoError::file(&f.path, e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Reading systems.

/// Where a table is and how it is laid out, from `file_parameters.json` or the defaults.
#[derive(Debug, Clone)]
struct FileEntry {
    path: PathBuf,
    index_cols: Option<usize>,
    header: usize,
}

/// The `files` of a `file_parameters.json`, and its `systemtype` and `name`.
struct FileParameters {
    files: HashMap<String, FileEntry>,
    systemtype: Option<String>,
    name: Option<String>,
}

fn read_file_parameters(dir: &Path) -> Result<Option<FileParameters>> {
    let path = dir.join("file_parameters.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| IoError::os(&path, &e))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        IoError::at_cell(
            &path,
            e.line(),
            e.column(),
            None,
            format!("this is not valid JSON: {e}"),
        )
    })?;
    let number = |x: &Value| -> Option<usize> {
        match x {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_u64().map(|n| n as usize),
            _ => None,
        }
    };
    let mut files = HashMap::new();
    if let Some(map) = v.get("files").and_then(Value::as_object) {
        for (key, entry) in map {
            let name = entry.get("name").and_then(Value::as_str).ok_or_else(|| {
                IoError::file(
                    &path,
                    format!("the entry {key:?} in \"files\" has no \"name\""),
                )
            })?;
            let bad = |field: &str| {
                IoError::file(
                    &path,
                    format!(
                        "the entry {key:?} has no valid {field:?} (a whole number, e.g. \"2\")"
                    ),
                )
            };
            let index_cols = entry
                .get("nr_index_col")
                .map(|x| number(x).ok_or_else(|| bad("nr_index_col")))
                .transpose()?;
            let header = entry
                .get("nr_header")
                .map(|x| number(x).ok_or_else(|| bad("nr_header")))
                .transpose()?;
            files.insert(
                key.clone(),
                FileEntry {
                    path: dir.join(name),
                    index_cols,
                    header: header.unwrap_or(1),
                },
            );
        }
    } else {
        return Err(IoError::file(
            &path,
            "there is no \"files\" object; pymrio's file_parameters.json lists each table with its \
             \"name\", \"nr_index_col\" and \"nr_header\"",
        ));
    }
    Ok(Some(FileParameters {
        files,
        systemtype: v
            .get("systemtype")
            .and_then(Value::as_str)
            .map(str::to_string),
        name: v.get("name").and_then(Value::as_str).map(str::to_string),
    }))
}

/// The table `key` of a folder: from its file parameters, or `<key>.txt` with the default
/// layout when there are none. `None` when absent.
fn locate(
    dir: &Path,
    params: Option<&FileParameters>,
    key: &str,
    index_cols: Option<usize>,
    header: usize,
) -> Option<FileEntry> {
    match params {
        Some(p) => p.files.get(key).cloned(),
        None => {
            let path = dir.join(format!("{key}.txt"));
            path.is_file().then_some(FileEntry {
                path,
                index_cols,
                header,
            })
        }
    }
}

/// Reads a pymrio system from a folder: the `save_all` layout (with or without its
/// `file_parameters.json`), or, when the folder holds `Z.csv` instead, the flat CSV export
/// (see [`read_pymrio_csv_export`]).
///
/// `Z` is read from `Z.txt`, or, when only `A.txt` and `x.txt` are there, computed as
/// `A · diag(x)`; an extension without `F.txt` but with `S.txt` gets `F = S · diag(x)`.
/// Errors name the file, line and column: a missing table, a ragged line, text where a number
/// belongs, NaN, a label that is not a sector of `Z`, a sector missing from a table.
pub fn read_pymrio(dir: &Path) -> Result<PymrioSystem> {
    if !dir.is_dir() {
        return Err(IoError::file(
            dir,
            "this is not a folder; give the folder that pymrio's save_all wrote",
        ));
    }
    let params = read_file_parameters(dir)?;
    if params.is_none() && !dir.join("Z.txt").is_file() && dir.join("Z.csv").is_file() {
        return read_pymrio_csv_export(dir);
    }
    if let Some(p) = &params {
        match p.systemtype.as_deref() {
            Some("IOSystem") | None => {}
            Some("Extension") => {
                return Err(IoError::file(
                    dir.join("file_parameters.json"),
                    "this folder holds a pymrio extension, not a system; give its parent folder",
                ))
            }
            Some(other) => {
                return Err(IoError::file(
                    dir.join("file_parameters.json"),
                    format!("the systemtype is {other:?}; plenty reads pymrio folders of systemtype \"IOSystem\""),
                ))
            }
        }
    }
    let p = params.as_ref();
    let core = |key: &str, header: usize| locate(dir, p, key, Some(2), header);
    let numeric = |e: &FileEntry, data_cols: Option<usize>| {
        read_frame(
            &e.path,
            Shape {
                index_cols: e.index_cols,
                header: e.header,
                data_cols,
                numeric: true,
            },
        )
    };
    // The sectors and Z (or A and x).
    let x_entry = core("x", 1);
    let (sectors, z, x) =
        match (core("Z", 2), core("A", 2)) {
            (Some(ze), _) => {
                let mut f = numeric(&ze, None)?;
                let (sectors, z) = square_flows(&mut f)?;
                let idx = sector_index(&sectors);
                let x = match &x_entry {
                    Some(xe) => Some(read_x(&mut numeric(xe, Some(1))?, &idx)?),
                    None => None,
                };
                (sectors, z, x)
            }
            (None, Some(ae)) => {
                let mut f = numeric(&ae, None)?;
                let (sectors, a) = square_flows(&mut f)?;
                let idx = sector_index(&sectors);
                let Some(xe) = &x_entry else {
                    return Err(IoError::file(
                        dir,
                        "the folder has A but neither Z nor x; plenty needs Z, or A and x",
                    ));
                };
                let x = read_x(&mut numeric(xe, Some(1))?, &idx)?;
                let n = sectors.len();
                let z = DenseMatrix::from_fn(n, n, |i, j| a.get(i, j) * x[j]);
                (sectors, z, Some(x))
            }
            (None, None) => return Err(IoError::file(
                dir,
                "the folder holds no Z (and no A); give the folder that pymrio's save_all wrote \
                 (it has Z.txt, Y.txt and file_parameters.json)",
            )),
        };
    let idx = sector_index(&sectors);
    // Final demand.
    let Some(ye) = core("Y", 2) else {
        return Err(IoError::file(
            dir,
            "the folder holds no final demand Y (Y.txt)",
        ));
    };
    let mut yf = numeric(&ye, None)?;
    if yf.rows.first().map(Vec::len) != Some(2) || yf.header_lines.len() != 2 {
        return Err(IoError::at_line(
            &yf.path,
            yf.header_lines[0],
            "Y needs 2 label columns (region, sector) and 2 header lines (region, category)",
        ));
    }
    let y = rows_in_sector_order(&mut yf, &idx)?;
    let y_columns: Vec<(String, String)> = (0..yf.ncols()).map(|j| yf.col_pair(j)).collect();
    // Units of the sectors.
    let units = match core("unit", 1) {
        Some(ue) => Some(read_units(&ue, &idx)?),
        None => None,
    };
    let mut sys = PymrioSystem {
        source: Some(dir.to_path_buf()),
        regions_sectors: sectors,
        z,
        y,
        y_columns,
        x,
        units,
        extensions: Vec::new(),
    };
    // Extensions, in folder-name order.
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| IoError::os(dir, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        if let Some(ext) = read_extension_folder(&sub, &sys)? {
            sys.extensions.push(ext);
        }
    }
    Ok(sys)
}

/// Checks that a frame is a square table of sectors (2 label columns, 2 header lines, the same
/// labels on rows and columns) and returns the sectors and the matrix in row order.
fn square_flows(f: &mut Frame) -> Result<(Vec<(String, String)>, DenseMatrix)> {
    if f.rows.first().map(Vec::len) != Some(2) || f.header_lines.len() != 2 {
        return Err(IoError::at_line(
            &f.path,
            f.header_lines[0],
            format!(
                "a pymrio flow table has 2 label columns (region, sector) and 2 header lines; this one has {} and {}",
                f.rows.first().map(Vec::len).unwrap_or(0),
                f.header_lines.len()
            ),
        ));
    }
    if f.nrows() != f.ncols() {
        return Err(IoError::file(
            &f.path,
            format!(
                "the table has {} rows and {} columns; it must be square (one row and one column per sector)",
                f.nrows(),
                f.ncols()
            ),
        ));
    }
    let sectors: Vec<(String, String)> = (0..f.nrows()).map(|i| f.row_pair(i)).collect();
    let mut idx = HashMap::with_capacity(sectors.len());
    for (i, s) in sectors.iter().enumerate() {
        if let Some(prev) = idx.insert(s.clone(), i) {
            return Err(IoError::at_line(
                &f.path,
                f.row_lines[i],
                format!(
                    "the sector {}/{} is given twice (also on line {})",
                    s.0, s.1, f.row_lines[prev]
                ),
            ));
        }
    }
    let m = cols_in_order(f, &idx, "a sector of Z")?;
    Ok((sectors, m))
}

fn read_x(f: &mut Frame, idx: &HashMap<(String, String), usize>) -> Result<Vec<f64>> {
    if f.ncols() != 1 || f.rows.first().map(Vec::len) != Some(2) {
        return Err(IoError::at_line(
            &f.path,
            f.header_lines[0],
            "x needs 2 label columns (region, sector) and one column of gross output (\"indout\")",
        ));
    }
    let m = rows_in_sector_order(f, idx)?;
    Ok((0..m.nrows()).map(|i| m.get(i, 0)).collect())
}

fn read_units(e: &FileEntry, idx: &HashMap<(String, String), usize>) -> Result<Vec<String>> {
    let f = read_frame(
        &e.path,
        Shape {
            index_cols: e.index_cols,
            header: e.header,
            data_cols: Some(1),
            numeric: false,
        },
    )?;
    let labels: Vec<(String, String)> = (0..f.nrows()).map(|i| f.row_pair(i)).collect();
    let perm = permutation(
        idx,
        &labels,
        |k| IoError::at_cell(&f.path, f.row_lines[k], 1, None, ""),
        "the row",
        "a sector of Z",
    )?;
    let mut units = vec![String::new(); idx.len()];
    for (k, &p) in perm.iter().enumerate() {
        units[p] = f.text[k].clone();
    }
    Ok(units)
}

/// Reads one extension folder; `None` when the folder is not an extension.
fn read_extension_folder(dir: &Path, sys: &PymrioSystem) -> Result<Option<Extension>> {
    let params = read_file_parameters(dir)?;
    let p = params.as_ref();
    match p.and_then(|p| p.systemtype.as_deref()) {
        Some("Extension") | None => {}
        Some(_) => return Ok(None),
    }
    let (f_entry, s_entry) = (locate(dir, p, "F", None, 2), locate(dir, p, "S", None, 2));
    if p.is_none() && f_entry.is_none() {
        return Ok(None); // some other folder
    }
    let name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = sys.regions_sectors.len();
    let idx = sector_index(&sys.regions_sectors);
    let numeric = |e: &FileEntry, data_cols: usize| {
        read_frame(
            &e.path,
            Shape {
                index_cols: e.index_cols,
                header: e.header,
                data_cols: Some(data_cols),
                numeric: true,
            },
        )
    };
    let (frame, f) = match (f_entry, s_entry) {
        (Some(fe), _) => {
            let mut frame = numeric(&fe, n)?;
            let f = cols_in_order(&mut frame, &idx, "a sector of Z")?;
            (frame, f)
        }
        (None, Some(se)) => {
            let mut frame = numeric(&se, n)?;
            let s = cols_in_order(&mut frame, &idx, "a sector of Z")?;
            let x = sys.gross_output();
            let f = DenseMatrix::from_fn(s.nrows(), n, |i, j| s.get(i, j) * x[j]);
            (frame, f)
        }
        (None, None) => return Err(IoError::file(
            dir,
            "this extension has neither F (totals) nor S (coefficients); plenty needs one of them",
        )),
    };
    let rows = frame.rows.clone();
    let row_levels = frame.index_names.clone();
    // pymrio before 0.4 called F_Y "FY".
    let f_y_entry = locate(dir, p, "F_Y", None, 2).or_else(|| locate(dir, p, "FY", None, 2));
    let f_y = match f_y_entry {
        Some(e) => {
            let mut fy = numeric(&e, sys.y_columns.len())?;
            let order: HashMap<(String, String), usize> = sys
                .y_columns
                .iter()
                .enumerate()
                .map(|(j, c)| (c.clone(), j))
                .collect();
            let m = cols_in_order(&mut fy, &order, "a final-demand column of Y")?;
            Some(rows_in_order(&fy, &rows, m)?)
        }
        None => None,
    };
    let units = match locate(dir, p, "unit", None, 1) {
        Some(e) => {
            let uf = read_frame(
                &e.path,
                Shape {
                    index_cols: e.index_cols,
                    header: e.header,
                    data_cols: Some(1),
                    numeric: false,
                },
            )?;
            let mut units = vec![None; rows.len()];
            let pos: HashMap<&Vec<String>, usize> =
                rows.iter().enumerate().map(|(i, r)| (r, i)).collect();
            for (k, r) in uf.rows.iter().enumerate() {
                match pos.get(r) {
                    Some(&i) => units[i] = Some(uf.text[k].clone()),
                    None => {
                        return Err(IoError::at_line(
                            &uf.path,
                            uf.row_lines[k],
                            format!("the row {} is not a row of F", r.join("/")),
                        ))
                    }
                }
            }
            Some(units.into_iter().map(Option::unwrap_or_default).collect())
        }
        None => None,
    };
    Ok(Some(Extension {
        name,
        title: params.and_then(|p| p.name),
        row_levels,
        rows,
        f,
        f_y,
        units,
    }))
}

/// Puts the rows of `m` (read from frame `f`) in the order of `rows`.
fn rows_in_order(f: &Frame, rows: &[Vec<String>], m: DenseMatrix) -> Result<DenseMatrix> {
    if f.rows == rows {
        return Ok(m);
    }
    if f.rows.len() != rows.len() {
        return Err(IoError::file(
            &f.path,
            format!(
                "this table has {} rows, F has {}; they must have the same rows",
                f.rows.len(),
                rows.len()
            ),
        ));
    }
    let pos: HashMap<&Vec<String>, usize> =
        f.rows.iter().enumerate().map(|(i, r)| (r, i)).collect();
    let mut data = Vec::with_capacity(rows.len() * m.ncols());
    for r in rows {
        match pos.get(r) {
            Some(&k) => data.extend_from_slice(m.row(k)),
            None => {
                return Err(IoError::file(
                    &f.path,
                    format!("the row {} of F is missing here", r.join("/")),
                ))
            }
        }
    }
    DenseMatrix::try_from_row_major(rows.len(), m.ncols(), data)
        .map_err(|e| IoError::file(&f.path, e.to_string()))
}

/// Reads the flat CSV export of a pymrio system: `Z.csv`, `Y.csv`, optionally `x.csv`, and for
/// each extension `F_<name>.csv` and optionally `F_Y_<name>.csv` (comma-separated, 2 label
/// columns for sectors, 2 header lines for sector and final-demand columns, and the line of
/// row-level names that pandas writes). Other files (`A.csv`, `L.csv`, `S_*`, `M_*`, `D_*`)
/// are results and are ignored.
pub fn read_pymrio_csv_export(dir: &Path) -> Result<PymrioSystem> {
    let shape = |header: usize, index_cols: Option<usize>, data_cols: Option<usize>| Shape {
        index_cols,
        header,
        data_cols,
        numeric: true,
    };
    let z_path = dir.join("Z.csv");
    if !z_path.is_file() {
        return Err(IoError::file(
            &z_path,
            "there is no Z.csv; a pymrio CSV export holds Z.csv, Y.csv and optionally x.csv and F_<extension>.csv",
        ));
    }
    let mut zf = read_frame(&z_path, shape(2, Some(2), None))?;
    let (sectors, z) = square_flows(&mut zf)?;
    let idx = sector_index(&sectors);
    let n = sectors.len();
    let mut yf = read_frame(&dir.join("Y.csv"), shape(2, Some(2), None))?;
    let y = rows_in_sector_order(&mut yf, &idx)?;
    let y_columns: Vec<(String, String)> = (0..yf.ncols()).map(|j| yf.col_pair(j)).collect();
    let x_path = dir.join("x.csv");
    let x = if x_path.is_file() {
        Some(read_x(
            &mut read_frame(&x_path, shape(1, Some(2), None))?,
            &idx,
        )?)
    } else {
        None
    };
    let mut sys = PymrioSystem {
        source: Some(dir.to_path_buf()),
        regions_sectors: sectors,
        z,
        y,
        y_columns,
        x,
        units: None,
        extensions: Vec::new(),
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| IoError::os(dir, &e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|f| {
            let stem = f.strip_suffix(".csv")?;
            let name = stem.strip_prefix("F_")?;
            (!name.starts_with("Y_") && !name.is_empty()).then(|| name.to_string())
        })
        .collect();
    names.sort();
    let y_order: HashMap<(String, String), usize> = sys
        .y_columns
        .iter()
        .enumerate()
        .map(|(j, c)| (c.clone(), j))
        .collect();
    for name in names {
        let mut ff = read_frame(&dir.join(format!("F_{name}.csv")), shape(2, None, Some(n)))?;
        let f = cols_in_order(&mut ff, &idx, "a sector of Z")?;
        let fy_path = dir.join(format!("F_Y_{name}.csv"));
        let f_y = if fy_path.is_file() {
            let mut fy = read_frame(&fy_path, shape(2, None, Some(sys.y_columns.len())))?;
            let m = cols_in_order(&mut fy, &y_order, "a final-demand column of Y")?;
            Some(rows_in_order(&fy, &ff.rows, m)?)
        } else {
            None
        };
        sys.extensions.push(Extension {
            name,
            title: None,
            row_levels: ff.index_names.clone(),
            rows: ff.rows.clone(),
            f,
            f_y,
            units: None,
        });
    }
    Ok(sys)
}

// ---------------------------------------------------------------------------------------------
// To an economy.

/// Builds a plenty economy: `A = Z · diag(x)⁻¹` with `x` from the system or `Z·1 + Y·1`
/// ([`Economy::from_flows`]); one final-demand category per column of `Y`, named
/// `"region/category"`; one satellite per row of each extension, named `"extension/row"` (e.g.
/// `"emissions/emission_type1/air"`), from its totals `F`.
///
/// Errors (negative flows or output, labels given twice, sizes that disagree) name the sectors.
pub fn to_economy(sys: &PymrioSystem) -> Result<Economy> {
    let labels = sys.sector_labels();
    let origin = sys.origin();
    check_sizes(&origin, sys)?;
    let x = sys.gross_output();
    let explain = |e: ModelError, table: &str, cols: &[String]| -> IoError {
        let name = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_else(|| i.to_string());
        let msg = match &e {
            ModelError::Negative {
                row, col, value, ..
            }
            | ModelError::NotFinite {
                row, col, value, ..
            } => {
                if cols.is_empty() {
                    format!("{table} of {} is {value}: {e}", name(&labels, *row))
                } else {
                    format!(
                        "{table} at row {}, column {} is {value}: {e}",
                        name(&labels, *row),
                        name(cols, *col)
                    )
                }
            }
            _ => format!("{table}: {e}"),
        };
        IoError::file(&origin, msg)
    };
    // from_flows checks x before Z; name the culprit.
    if let Some(j) = x.iter().position(|v| !v.is_finite() || *v < 0.0) {
        let how = if sys.x.is_some() { "x" } else { "Z·1 + Y·1" };
        return Err(IoError::file(
            &origin,
            format!(
                "the gross output ({how}) of {} is {}; it must be finite and not negative \
                 (check the imports recorded as negative final demand)",
                labels[j], x[j]
            ),
        ));
    }
    let mut e =
        Economy::from_flows(labels.clone(), &sys.z, &x).map_err(|e| explain(e, "Z", &labels))?;
    for (j, (r, c)) in sys.y_columns.iter().enumerate() {
        let values = (0..sys.y.nrows()).map(|i| sys.y.get(i, j)).collect();
        e.add_final_demand(FinalDemand {
            name: format!("{r}/{c}"),
            values,
        })
        .map_err(|e| explain(e, &format!("Y column {r}/{c}"), &[]))?;
    }
    for ext in &sys.extensions {
        for i in 0..ext.rows.len() {
            let name = format!("{}/{}", ext.name, ext.row_label(i));
            let unit = ext
                .units
                .as_ref()
                .map(|u| u[i].clone())
                .filter(|u| !u.is_empty());
            e.add_satellite_totals(&name, unit, ext.f.row(i))
                .map_err(|err| explain(err, &format!("extension row {name}"), &[]))?;
        }
    }
    Ok(e)
}

/// The system as a core [`Mrio`], regions and sectors kept apart, one [`MrioExtension`] per
/// extension with its own units (the stressor names are the row levels joined by `/`), for
/// [`plenty_core::mrio::footprints`]. Errors name the folder and say what is wrong.
pub fn to_mrio(sys: &PymrioSystem) -> Result<Mrio> {
    let origin = sys.origin();
    check_sizes(&origin, sys)?;
    let extensions = sys
        .extensions
        .iter()
        .map(|ext| MrioExtension {
            name: ext.name.clone(),
            stressors: (0..ext.rows.len()).map(|i| ext.row_label(i)).collect(),
            units: (0..ext.rows.len())
                .map(|i| {
                    ext.units
                        .as_ref()
                        .map(|u| u[i].clone())
                        .filter(|u| !u.is_empty())
                })
                .collect(),
            f: ext.f.clone(),
            f_y: ext.f_y.clone(),
        })
        .collect();
    Mrio::from_flows(
        &sys.regions_sectors,
        &sys.z,
        sys.x.as_deref(),
        &sys.y,
        &sys.y_columns,
        extensions,
    )
    .map_err(|e| {
        let labels = sys.sector_labels();
        let name = |i: usize| labels.get(i).cloned().unwrap_or_else(|| i.to_string());
        let msg = match &e {
            MrioError::Model(ModelError::Negative {
                what,
                row,
                col,
                value,
            })
            | MrioError::Model(ModelError::NotFinite {
                what,
                row,
                col,
                value,
            }) if what == "flow" => {
                format!(
                    "Z at row {}, column {} is {value}: {e}",
                    name(*row),
                    name(*col)
                )
            }
            MrioError::Model(ModelError::NotFinite {
                what,
                row,
                col,
                value,
            }) if what == "final demand" => {
                let c = sys
                    .y_columns
                    .get(*col)
                    .map(|(r, c)| format!("{r}/{c}"))
                    .unwrap_or_default();
                format!("Y at row {}, column {c} is {value}: {e}", name(*row))
            }
            _ => e.to_string(),
        };
        IoError::file(&origin, msg)
    })
}

fn check_sizes(origin: &Path, sys: &PymrioSystem) -> Result<()> {
    let n = sys.regions_sectors.len();
    let m = sys.y_columns.len();
    let mut problems = Vec::new();
    if sys.z.nrows() != n || sys.z.ncols() != n {
        problems.push(format!(
            "Z is {} × {}, but there are {n} sectors",
            sys.z.nrows(),
            sys.z.ncols()
        ));
    }
    if sys.y.nrows() != n || sys.y.ncols() != m {
        problems.push(format!(
            "Y is {} × {}, but there are {n} sectors and {m} final-demand columns",
            sys.y.nrows(),
            sys.y.ncols()
        ));
    }
    if let Some(x) = &sys.x {
        if x.len() != n {
            problems.push(format!("x has {} values for {n} sectors", x.len()));
        }
    }
    if let Some(u) = &sys.units {
        if u.len() != n {
            problems.push(format!("the units name {} sectors, there are {n}", u.len()));
        }
    }
    for ext in &sys.extensions {
        let r = ext.rows.len();
        if ext.f.nrows() != r || ext.f.ncols() != n {
            problems.push(format!(
                "F of extension {:?} is {} × {}, but it has {r} rows and there are {n} sectors",
                ext.name,
                ext.f.nrows(),
                ext.f.ncols()
            ));
        }
        if let Some(fy) = &ext.f_y {
            if fy.nrows() != r || fy.ncols() != m {
                problems.push(format!(
                    "F_Y of extension {:?} is {} × {}, but it has {r} rows and there are {m} final-demand columns",
                    ext.name,
                    fy.nrows(),
                    fy.ncols()
                ));
            }
        }
        if let Some(u) = &ext.units {
            if u.len() != r {
                problems.push(format!(
                    "extension {:?} has {} units for {r} rows",
                    ext.name,
                    u.len()
                ));
            }
        }
        if ext.rows.iter().any(|row| row.len() != ext.rows[0].len())
            || ext.rows.iter().any(Vec::is_empty)
        {
            problems.push(format!(
                "the rows of extension {:?} have different numbers of labels",
                ext.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(IoError::file(origin, problems.join("; ")))
    }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// A cell of a tab-separated file, quoted the way pandas reads it back when it holds a tab, a
/// quote or a line break.
fn tsv_cell(s: &str) -> String {
    if s.contains(['\t', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

struct Table<'a> {
    /// Name and label per column level (first line: regions; second: sectors or categories).
    col_levels: [(&'a str, Vec<&'a str>); 2],
    row_levels: Vec<&'a str>,
    rows: Vec<Vec<&'a str>>,
    values: &'a DenseMatrix,
}

fn write_table(path: &Path, t: &Table<'_>) -> Result<()> {
    let os = |e: std::io::Error| IoError::os(path, &e);
    let file = std::fs::File::create(path).map_err(os)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let k = t.row_levels.len();
    let body = (|| -> std::io::Result<()> {
        for (name, labels) in &t.col_levels {
            w.write_all(tsv_cell(name).as_bytes())?;
            for _ in 1..k {
                w.write_all(b"\t")?;
            }
            for l in labels {
                w.write_all(b"\t")?;
                w.write_all(tsv_cell(l).as_bytes())?;
            }
            w.write_all(b"\n")?;
        }
        let names: Vec<String> = t.row_levels.iter().map(|s| tsv_cell(s)).collect();
        w.write_all(names.join("\t").as_bytes())?;
        for _ in 0..t.values.ncols() {
            w.write_all(b"\t")?;
        }
        w.write_all(b"\n")?;
        let mut num = String::with_capacity(32);
        for (i, row) in t.rows.iter().enumerate() {
            let labels: Vec<String> = row.iter().map(|s| tsv_cell(s)).collect();
            w.write_all(labels.join("\t").as_bytes())?;
            for &v in t.values.row(i) {
                num.clear();
                push_f64(&mut num, v);
                w.write_all(b"\t")?;
                w.write_all(num.as_bytes())?;
            }
            w.write_all(b"\n")?;
        }
        w.flush()
    })();
    body.map_err(os)
}

fn write_text_column(
    path: &Path,
    row_levels: &[&str],
    header: &str,
    rows: &[Vec<&str>],
    cells: &[String],
) -> Result<()> {
    let mut out = String::new();
    let names: Vec<String> = row_levels.iter().map(|s| tsv_cell(s)).collect();
    out.push_str(&names.join("\t"));
    out.push('\t');
    out.push_str(header);
    out.push('\n');
    for (row, cell) in rows.iter().zip(cells) {
        let labels: Vec<String> = row.iter().map(|s| tsv_cell(s)).collect();
        out.push_str(&labels.join("\t"));
        out.push('\t');
        out.push_str(&tsv_cell(cell));
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| IoError::os(path, &e))
}

fn write_json(path: &Path, v: &Value) -> Result<()> {
    let text = serde_json::to_string_pretty(v).map_err(|e| IoError::file(path, e.to_string()))?;
    std::fs::write(path, text + "\n").map_err(|e| IoError::os(path, &e))
}

fn file_entry(name: &str, index_cols: usize, header: usize) -> Value {
    json!({
        "name": name,
        "nr_index_col": index_cols.to_string(),
        "nr_header": header.to_string(),
    })
}

/// Writes a pymrio folder in the layout of `save_all` (text format): `Z.txt`, `Y.txt`,
/// `x.txt` (when the system has `x`), `unit.txt` (when it has units), `file_parameters.json`,
/// `metadata.json`, and one subfolder per extension with `F.txt`, `F_Y.txt` and `unit.txt` when
/// given, and its own `file_parameters.json`. `pymrio.load(dir)` (core only) and
/// `pymrio.load_all(dir)` (with extensions) read it, and `calc_all()` runs on the result.
///
/// Errors: sizes that disagree, an empty label, an extension name that is not a plain folder
/// name, and any failure to create the files.
pub fn write_pymrio(dir: &Path, sys: &PymrioSystem) -> Result<()> {
    check_sizes(dir, sys)?;
    let empty_label = sys
        .regions_sectors
        .iter()
        .map(|(r, s)| (r, s))
        .chain(sys.y_columns.iter().map(|(r, c)| (r, c)))
        .find(|(a, b)| a.trim().is_empty() || b.trim().is_empty());
    if let Some((a, b)) = empty_label {
        return Err(IoError::file(
            dir,
            format!("the label ({a:?}, {b:?}) has an empty part; pandas would read it as missing"),
        ));
    }
    for ext in &sys.extensions {
        let bad_name = ext.name.is_empty()
            || ext.name == "."
            || ext.name == ".."
            || ext.name.contains(['/', '\\'])
            || ext.name.trim() != ext.name;
        if bad_name {
            return Err(IoError::file(
                dir,
                format!(
                    "the extension name {:?} cannot be a folder name; use e.g. \"emissions\"",
                    ext.name
                ),
            ));
        }
        if let Some(r) = ext
            .rows
            .iter()
            .find(|r| r.iter().any(|l| l.trim().is_empty()))
        {
            return Err(IoError::file(
                dir,
                format!("extension {:?} has a row with an empty label ({r:?}); pandas would read it as missing", ext.name),
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| IoError::os(dir, &e))?;
    let regions: Vec<&str> = sys.regions_sectors.iter().map(|p| p.0.as_str()).collect();
    let sectors: Vec<&str> = sys.regions_sectors.iter().map(|p| p.1.as_str()).collect();
    let rows: Vec<Vec<&str>> = sys
        .regions_sectors
        .iter()
        .map(|(r, s)| vec![r.as_str(), s.as_str()])
        .collect();
    let y_regions: Vec<&str> = sys.y_columns.iter().map(|p| p.0.as_str()).collect();
    let y_categories: Vec<&str> = sys.y_columns.iter().map(|p| p.1.as_str()).collect();
    write_table(
        &dir.join("Z.txt"),
        &Table {
            col_levels: [("region", regions.clone()), ("sector", sectors.clone())],
            row_levels: vec!["region", "sector"],
            rows: rows.clone(),
            values: &sys.z,
        },
    )?;
    write_table(
        &dir.join("Y.txt"),
        &Table {
            col_levels: [
                ("region", y_regions.clone()),
                ("category", y_categories.clone()),
            ],
            row_levels: vec!["region", "sector"],
            rows: rows.clone(),
            values: &sys.y,
        },
    )?;
    let mut files = serde_json::Map::new();
    files.insert("Z".into(), file_entry("Z.txt", 2, 2));
    files.insert("Y".into(), file_entry("Y.txt", 2, 2));
    if let Some(x) = &sys.x {
        let cells: Vec<String> = x.iter().map(|&v| crate::mtx::format_f64(v)).collect();
        write_text_column(
            &dir.join("x.txt"),
            &["region", "sector"],
            "indout",
            &rows,
            &cells,
        )?;
        files.insert("x".into(), file_entry("x.txt", 2, 1));
    }
    if let Some(units) = &sys.units {
        write_text_column(
            &dir.join("unit.txt"),
            &["region", "sector"],
            "unit",
            &rows,
            units,
        )?;
        files.insert("unit".into(), file_entry("unit.txt", 2, 1));
    }
    write_json(
        &dir.join("file_parameters.json"),
        &json!({ "files": files, "systemtype": "IOSystem" }),
    )?;
    write_json(
        &dir.join("metadata.json"),
        &json!({
            "description": "written by plenty",
            "name": "plenty",
            "system": null,
            "version": null,
            "history": [format!("FILEIO - written by plenty {}", env!("CARGO_PKG_VERSION"))],
        }),
    )?;
    for ext in &sys.extensions {
        let sub = dir.join(&ext.name);
        std::fs::create_dir_all(&sub).map_err(|e| IoError::os(&sub, &e))?;
        let k = ext.rows.first().map(Vec::len).unwrap_or(1);
        let mut levels: Vec<&str> = ext.row_levels.iter().map(String::as_str).collect();
        levels.resize(k, "");
        let default_names = ["stressor", "compartment"];
        let levels: Vec<&str> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if l.trim().is_empty() {
                    default_names.get(i).copied().unwrap_or("level")
                } else {
                    l
                }
            })
            .collect();
        let erows: Vec<Vec<&str>> = ext
            .rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let mut files = serde_json::Map::new();
        write_table(
            &sub.join("F.txt"),
            &Table {
                col_levels: [("region", regions.clone()), ("sector", sectors.clone())],
                row_levels: levels.clone(),
                rows: erows.clone(),
                values: &ext.f,
            },
        )?;
        files.insert("F".into(), file_entry("F.txt", k, 2));
        if let Some(fy) = &ext.f_y {
            write_table(
                &sub.join("F_Y.txt"),
                &Table {
                    col_levels: [
                        ("region", y_regions.clone()),
                        ("category", y_categories.clone()),
                    ],
                    row_levels: levels.clone(),
                    rows: erows.clone(),
                    values: fy,
                },
            )?;
            files.insert("F_Y".into(), file_entry("F_Y.txt", k, 2));
        }
        if let Some(units) = &ext.units {
            write_text_column(&sub.join("unit.txt"), &levels, "unit", &erows, units)?;
            files.insert("unit".into(), file_entry("unit.txt", k, 1));
        }
        write_json(
            &sub.join("file_parameters.json"),
            &json!({
                "files": files,
                "systemtype": "Extension",
                "name": ext.title.clone().unwrap_or_else(|| ext.name.clone()),
            }),
        )?;
    }
    Ok(())
}
