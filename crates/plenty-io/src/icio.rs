//! The OECD Inter-Country Input-Output (ICIO) tables in the CSV layout of their releases
//! (2016 to 2023), read as pymrio 0.7's `parse_oecd` reads them:
//!
//! ```text
//! V1       ,AUS_A01,AUS_A02,…,USA_T ,AUS_HFCE,AUS_NPISH,AUS_GGFC,AUS_GFCF,AUS_INVNT,AUS_DPABR,…,OUT
//! AUS_A01  , 1234.5,   12.0,…,   0.0,  5678.9,      0.0,     1.2,    34.5,      -2.0,      0.0,…,9999.9
//! …
//! TLS      ,   12.3,    1.1,…,   0.4,   456.7,        …                                        ,   …
//! VA       , 4321.0,  123.4,…,   7.0,       0,        …
//! OUT      , 9999.9,  222.2,…,  11.1,       0,        …
//! ```
//!
//! * rows and columns `CCC_SECTOR` are the sectors: the region is the part before the first
//!   `_`, the sector the rest (sector codes such as `A01_02` keep their own `_`);
//! * a column whose label contains one of the final-demand codes `HFCE`, `NPISH`, `NPS`, `GGFC`,
//!   `GFCF`, `INVNT`, `INV`, `DIRP`, `DPABR`, `FD`, `P33`, `DISC` is final demand of the region
//!   before its `_` (a label without `_`, e.g. a discrepancy column, belongs to region `ALL`);
//! * rows `TLS` (taxes less subsidies on products) and `VA` (value added), and rows whose label
//!   contains `VALU` or `TAX`, are factor inputs: the extension `factor_inputs` in million USD,
//!   with their values in final-demand columns as `F_Y`;
//! * the row `OUT`/`OUTPUT` and the column `OUT`/`TOTAL` are gross output. pymrio drops them and
//!   takes `x = Z·1 + Y·1`; plenty takes the column `OUT` as `x` when it is there (the table's
//!   own total; the two agree on a balanced table) and reports both in the notes of a check.
//!
//! Empty cells are zero. Money is in million US dollars. Unlike pymrio, plenty does not merge
//! the sub-regions `CN1`, `CN2`, `MX1`, `MX2` of some releases into `CHN` and `MEX`: they stay
//! regions of their own.

use crate::error::{IoError, Result};
use crate::pymrio::{Extension, PymrioSystem};
use crate::table::parse_number;
use plenty_core::DenseMatrix;
use std::path::Path;

/// The final-demand codes of the ICIO releases (pymrio's `parse_oecd`).
const FINAL_DEMAND: [&str; 12] = [
    "HFCE", "NPISH", "NPS", "GGFC", "GFCF", "INVNT", "INV", "DIRP", "DPABR", "FD", "P33", "DISC",
];

enum RowKind {
    Sector(String, String),
    Factor(String),
    Output,
}

enum ColKind {
    Sector(String, String),
    Demand(String, String),
    Output,
}

fn split_label(label: &str) -> (String, String) {
    match label.split_once('_') {
        Some((r, s)) => (r.to_string(), s.to_string()),
        None => ("ALL".to_string(), label.to_string()),
    }
}

fn row_kind(label: &str) -> RowKind {
    match label {
        "OUT" | "OUTPUT" => RowKind::Output,
        "TLS" | "VA" => RowKind::Factor(label.to_string()),
        l if l.contains("VALU") || l.contains("TAX") => RowKind::Factor(l.to_string()),
        l => {
            let (r, s) = split_label(l);
            RowKind::Sector(r, s)
        }
    }
}

fn col_kind(label: &str) -> ColKind {
    match label {
        "OUT" | "TOTAL" => ColKind::Output,
        l if FINAL_DEMAND.iter().any(|c| l.contains(c)) => {
            let (r, c) = split_label(l);
            ColKind::Demand(r, c)
        }
        l => {
            let (r, s) = split_label(l);
            ColKind::Sector(r, s)
        }
    }
}

/// Reads an OECD ICIO CSV file into a multi-regional system (see the module documentation for
/// the layout). Errors name the file, line and column: a ragged line, text where a number
/// belongs, sector rows and columns that differ, a missing sector block.
pub fn read_icio(path: &Path) -> Result<PymrioSystem> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    let text = crate::error::text_of(path, &bytes, "a CSV text file")?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(IoError::at_line(
                path,
                1,
                format!("cannot read this line: {e}"),
            ))
        }
        None => {
            return Err(IoError::file(
                path,
                "the file is empty; an ICIO table has a header line of column labels",
            ))
        }
    };
    let cols: Vec<ColKind> = header.iter().skip(1).map(|c| col_kind(c.trim())).collect();
    let width = header.len();
    let sector_cols: Vec<usize> = (0..cols.len())
        .filter(|&j| matches!(cols[j], ColKind::Sector(..)))
        .collect();
    let demand_cols: Vec<usize> = (0..cols.len())
        .filter(|&j| matches!(cols[j], ColKind::Demand(..)))
        .collect();
    let out_col = cols.iter().position(|c| matches!(c, ColKind::Output));
    let mut sectors: Vec<(String, String)> = Vec::new();
    let mut z_rows: Vec<Vec<f64>> = Vec::new();
    let mut factors: Vec<(String, Vec<f64>)> = Vec::new();
    let mut row_lines = Vec::new();
    for (k, rec) in records.enumerate() {
        let line = k + 2;
        let rec =
            rec.map_err(|e| IoError::at_line(path, line, format!("cannot read this line: {e}")))?;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != width {
            return Err(IoError::at_line(
                path,
                line,
                format!(
                    "this line has {} cells but the header has {width}; every line needs its label and one cell per column",
                    rec.len()
                ),
            ));
        }
        let label = rec[0].trim();
        let mut values = Vec::with_capacity(width - 1);
        for (j, cell) in rec.iter().enumerate().skip(1) {
            let v = parse_number(cell)
                .map_err(|msg| IoError::at_cell(path, line, j + 1, Some(header[j].trim()), msg))?
                .unwrap_or(0.0);
            values.push(v);
        }
        match row_kind(label) {
            RowKind::Output => {}
            RowKind::Factor(name) => factors.push((name, values)),
            RowKind::Sector(r, s) => {
                sectors.push((r, s));
                z_rows.push(values);
                row_lines.push(line);
            }
        }
    }
    if sectors.is_empty() {
        return Err(IoError::file(
            path,
            "no sector rows (labelled CCC_SECTOR, e.g. AUS_A01) were found; is this an OECD ICIO table?",
        ));
    }
    // The sector columns must be the sector rows, in the same order.
    let col_sectors: Vec<(String, String)> = sector_cols
        .iter()
        .map(|&j| match &cols[j] {
            ColKind::Sector(r, s) => (r.clone(), s.clone()),
            _ => unreachable!("sector_cols holds sector columns only"),
        })
        .collect();
    if col_sectors != sectors {
        let k = (0..sectors.len().max(col_sectors.len()))
            .find(|&k| sectors.get(k) != col_sectors.get(k))
            .unwrap_or(0);
        let show = |v: Option<&(String, String)>| {
            v.map_or("nothing".to_string(), |(r, s)| format!("{r}_{s}"))
        };
        return Err(IoError::at_line(
            path,
            row_lines.get(k).copied().unwrap_or(1),
            format!(
                "the sector rows and columns differ: row {} is {}, column {} is {}; an ICIO table has the same CCC_SECTOR labels on both, in the same order",
                k + 1,
                show(sectors.get(k)),
                k + 1,
                show(col_sectors.get(k))
            ),
        ));
    }
    let n = sectors.len();
    let m = demand_cols.len();
    let z = DenseMatrix::from_fn(n, n, |i, j| z_rows[i][sector_cols[j]]);
    let y = DenseMatrix::from_fn(n, m, |i, c| z_rows[i][demand_cols[c]]);
    let y_columns: Vec<(String, String)> = demand_cols
        .iter()
        .map(|&j| match &cols[j] {
            ColKind::Demand(r, c) => (r.clone(), c.clone()),
            _ => unreachable!("demand_cols holds final-demand columns only"),
        })
        .collect();
    let x = out_col.map(|j| z_rows.iter().map(|r| r[j]).collect::<Vec<f64>>());
    let mut extensions = Vec::new();
    if !factors.is_empty() {
        let k = factors.len();
        extensions.push(Extension {
            name: "factor_inputs".into(),
            title: Some("Factor Inputs".into()),
            row_levels: vec!["inputtype".into()],
            rows: factors.iter().map(|(name, _)| vec![name.clone()]).collect(),
            f: DenseMatrix::from_fn(k, n, |i, j| factors[i].1[sector_cols[j]]),
            f_y: Some(DenseMatrix::from_fn(k, m, |i, c| {
                factors[i].1[demand_cols[c]]
            })),
            units: Some(vec!["Million USD".into(); k]),
        });
    }
    Ok(PymrioSystem {
        source: Some(path.to_path_buf()),
        regions_sectors: sectors,
        z,
        y,
        y_columns,
        x,
        units: Some(vec!["Million USD".into(); n]),
        extensions,
    })
}
