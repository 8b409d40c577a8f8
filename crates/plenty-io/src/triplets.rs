//! Sparse square matrices (technical coefficients `A` of product-level economies) as CSV
//! triplets.
//!
//! ```text
//!  # optional comment lines
//!  row,col,value          ← a header line (any names; its third cell is not a number)
//!  steel,coal,0.4         ← labels …
//!  coal,coal,0.05
//!  0,3,0.25               ← … or 0-based indices (not both)
//! ```
//!
//! `row` and `col` are either all 0-based whole numbers, giving an `n × n` matrix with
//! `n = largest index + 1`, or labels: as soon as one row or column cell is not a whole number,
//! every cell is a label (`"7"` included). Rows and columns share one set of labels, numbered in
//! order of first appearance, since `A` is square. Zeros are not stored. An entry given twice is
//! an error that names both lines.

use crate::error::{IoError, Result};
use crate::mtx::push_f64;
use crate::table::parse_number;
use crate::vectors::csv_cell;
use plenty_core::{CsrMatrix, ModelError};
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;

const CELL_NAMES: [&str; 3] = ["row", "col", "value"];

/// Calls `f(line, cells)` for each data line (after comments, blank lines and the header);
/// returns the header's line.
fn for_each_record(
    path: &Path,
    text: &[u8],
    mut f: impl FnMut(usize, &csv::StringRecord) -> Result<()>,
) -> Result<Option<usize>> {
    let mut header: Option<usize> = None;
    crate::table::each_record(path, text, |line, rec| {
        if rec.len() != 3 {
            let what = if header.is_none() {
                "the header"
            } else {
                "an entry"
            };
            return Err(IoError::at_line(
                path,
                line,
                format!(
                    "this line has {} cell{}, but {what} has 3: `row,col,value`",
                    rec.len(),
                    if rec.len() == 1 { "" } else { "s" }
                ),
            ));
        }
        if header.is_none() {
            let third = rec.get(2).unwrap_or("").trim();
            if third.parse::<f64>().is_ok() {
                return Err(IoError::at_line(
                    path,
                    line,
                    "the first line must be the header `row,col,value`; this one holds an entry",
                ));
            }
            header = Some(line);
            return Ok(());
        }
        f(line, rec)
    })?;
    Ok(header)
}

fn parse_index(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Reads a triplet file. Returns the labels (for a file of indices, `"0"`, `"1"`, … up to the
/// largest index) and the `n × n` matrix.
///
/// Errors name the line and cell: a missing header, a line without 3 cells, a value that is not
/// a finite number, an entry given twice (with both lines), an empty file, binary data.
pub fn read_triplets(path: &Path) -> Result<(Vec<String>, CsrMatrix)> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    parse_triplets(path, &bytes)
}

fn parse_triplets(path: &Path, bytes: &[u8]) -> Result<(Vec<String>, CsrMatrix)> {
    let bytes = crate::error::text_of(
        path,
        bytes,
        "a triplet file (it contains NUL bytes); give a CSV file `row,col,value`",
    )?
    .as_bytes();
    // Labels in order of first appearance, each with its value as an index when it is one.
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut labels: Vec<String> = Vec::new();
    let mut as_index: Vec<Option<u64>> = Vec::new();
    let mut label_lines: Vec<usize> = Vec::new();
    let mut triplets: Vec<(u32, u32, f64)> = Vec::new();
    let header = for_each_record(path, bytes, |line, rec| {
        let mut idx = [0u32; 2];
        for (k, slot) in idx.iter_mut().enumerate() {
            let cell = rec.get(k).unwrap_or("").trim();
            if cell.is_empty() {
                return Err(IoError::at_cell(
                    path,
                    line,
                    k + 1,
                    Some(CELL_NAMES[k]),
                    format!(
                        "the {} is empty; give a label or a 0-based index",
                        CELL_NAMES[k]
                    ),
                ));
            }
            *slot = match ids.get(cell) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(labels.len()).map_err(|_| {
                        IoError::at_line(path, line, "more than 2^32 − 1 distinct labels")
                    })?;
                    ids.insert(cell.to_string(), id);
                    labels.push(cell.to_string());
                    as_index.push(parse_index(cell));
                    label_lines.push(line);
                    id
                }
            };
        }
        let cell = rec.get(2).unwrap_or("").trim();
        let v = match parse_number(cell) {
            Ok(Some(v)) => v,
            Ok(None) => {
                return Err(IoError::at_cell(
                    path,
                    line,
                    3,
                    Some("value"),
                    format!("a number is needed here, found the missing-value mark {cell:?}; leave out entries that are zero"),
                ))
            }
            Err(msg) => return Err(IoError::at_cell(path, line, 3, Some("value"), msg)),
        };
        triplets.push((idx[0], idx[1], v));
        Ok(())
    })?;
    let header_line = match header {
        Some(l) => l,
        None => return Err(IoError::file(
            path,
            "the file is empty; a triplet file has a header `row,col,value` and one line per entry",
        )),
    };
    if triplets.is_empty() {
        return Err(IoError::at_line(
            path,
            header_line,
            "the file has a header but no entries; give one line `row,col,value` per non-zero entry",
        ));
    }
    // Indices or labels?
    let indices: Option<Vec<u64>> = as_index.iter().copied().collect();
    let (labels, remap) = match indices {
        Some(ix) => {
            let max = ix.iter().copied().max().unwrap_or(0);
            if max >= u64::from(u32::MAX) {
                return Err(IoError::file(
                    path,
                    format!("the largest index, {max}, exceeds plenty's limit of 2^32 − 2"),
                ));
            }
            let n = max as usize + 1;
            // Labels cost memory per product before any entry is used: refuse an index far
            // beyond what the file's entries can describe.
            if n > (1 << 24) && n > 64 * (triplets.len() + 1) {
                let k = ix.iter().position(|&v| v == max).unwrap_or(0);
                return Err(IoError::at_line(
                    path,
                    label_lines.get(k).copied().unwrap_or(header_line),
                    format!("the index {max} would make an economy of {n} products from {} entries; indices are 0-based positions (use labels for sparse numbering)", triplets.len()),
                ));
            }
            let labels = (0..n).map(|i| i.to_string()).collect();
            (labels, Some(ix))
        }
        None => (labels, None),
    };
    if let Some(ix) = &remap {
        for t in &mut triplets {
            t.0 = ix[t.0 as usize] as u32;
            t.1 = ix[t.1 as usize] as u32;
        }
    }
    let n = labels.len();
    let a = CsrMatrix::try_from_triplets(n, n, triplets).map_err(|e| match e {
        ModelError::DuplicateEntry { row, col } => {
            duplicate_error(path, bytes, &ids, remap.as_deref(), &labels, row, col)
        }
        other => IoError::file(path, other.to_string()),
    })?;
    Ok((labels, a))
}

/// The error for an entry given twice, naming both lines (the file is parsed again to find them).
fn duplicate_error(
    path: &Path,
    bytes: &[u8],
    ids: &HashMap<String, u32>,
    remap: Option<&[u64]>,
    labels: &[String],
    row: usize,
    col: usize,
) -> IoError {
    let resolve = |cell: &str| -> Option<usize> {
        let id = *ids.get(cell.trim())? as usize;
        Some(match remap {
            Some(ix) => ix[id] as usize,
            None => id,
        })
    };
    let mut lines = Vec::new();
    let _ = for_each_record(path, bytes, |line, rec| {
        let r = resolve(rec.get(0).unwrap_or(""));
        let c = resolve(rec.get(1).unwrap_or(""));
        if r == Some(row) && c == Some(col) {
            lines.push(line);
        }
        Ok(())
    });
    let msg = format!(
        "the entry ({}, {}) is given twice{}; give each entry once (plenty does not add up duplicates)",
        labels[row],
        labels[col],
        match lines.as_slice() {
            [a, b, ..] => format!(", on lines {a} and {b}"),
            _ => String::new(),
        }
    );
    match lines.get(1) {
        Some(&l) => IoError::at_line(path, l, msg),
        None => IoError::file(path, msg),
    }
}

/// Writes a square matrix as triplets with the header `row,col,value`: with labels when given,
/// else with 0-based indices; then one line per stored entry, row by row.
///
/// The file reads back to the same labels and matrix with [`read_triplets`]. To make sure, when
/// the natural row-by-row order would introduce the labels in another order than `labels` (or
/// leave out a product without entries), the diagonal entries of all products come first, zeros
/// included, then the rest row by row; and without labels, an explicit zero is written at the
/// last diagonal position when nothing else names the last index.
///
/// Errors: a matrix that is not square, labels of another length than the matrix, a label given
/// twice, empty or padded with spaces, or labels that are all whole numbers other than
/// `0, 1, …, n − 1` (they would read back as indices).
pub fn write_triplets(
    path: &Path,
    labels: Option<&[String]>,
    a: &CsrMatrix,
    comment_lines: &[String],
) -> Result<()> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(IoError::file(
            path,
            format!(
                "the matrix is {} × {}; the triplet format holds square matrices",
                n,
                a.ncols()
            ),
        ));
    }
    if let Some(l) = labels {
        check_labels(path, l, n)?;
    }
    let (row_ptr, col_idx, values) = (a.row_ptr(), a.col_idx(), a.values());
    // In label mode, does plain row-by-row order introduce the labels in order?
    let diagonal_first = labels.is_some() && !appearance_in_order(a);
    let os = |e: std::io::Error| IoError::os(path, &e);
    let file = std::fs::File::create(path).map_err(os)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let body = (|| -> std::io::Result<()> {
        for c in comment_lines {
            for l in c.lines() {
                if l.starts_with('#') {
                    writeln!(w, "{l}")?;
                } else {
                    writeln!(w, "# {l}")?;
                }
            }
        }
        writeln!(w, "row,col,value")?;
        let quoted: Option<Vec<String>> = labels.map(|l| l.iter().map(|s| csv_cell(s)).collect());
        let mut num = String::with_capacity(32);
        let mut put = |w: &mut BufWriter<std::fs::File>, i: usize, j: usize, v: f64| {
            num.clear();
            push_f64(&mut num, v);
            match &quoted {
                Some(q) => writeln!(w, "{},{},{num}", q[i], q[j]),
                None => writeln!(w, "{i},{j},{num}"),
            }
        };
        if diagonal_first {
            let diag = a.diagonal();
            for (i, &d) in diag.iter().enumerate() {
                put(&mut w, i, i, d)?;
            }
        }
        let mut names_last = false;
        for i in 0..n {
            for k in row_ptr[i]..row_ptr[i + 1] {
                let j = col_idx[k] as usize;
                if diagonal_first && j == i {
                    continue;
                }
                names_last |= i + 1 == n || j + 1 == n;
                put(&mut w, i, j, values[k])?;
            }
        }
        if labels.is_none() && n > 0 && !names_last {
            put(&mut w, n - 1, n - 1, 0.0)?;
        }
        w.flush()
    })();
    body.map_err(os)
}

fn check_labels(path: &Path, labels: &[String], n: usize) -> Result<()> {
    if labels.len() != n {
        return Err(IoError::file(
            path,
            format!(
                "{} labels for a {n} × {n} matrix; give one label per product",
                labels.len()
            ),
        ));
    }
    let mut seen = HashMap::with_capacity(n);
    for (i, s) in labels.iter().enumerate() {
        if s.trim().is_empty() || s.trim() != s {
            return Err(IoError::file(
                path,
                format!(
                    "label {} ({s:?}) is empty or has surrounding spaces, which do not read back; trim the labels",
                    i + 1
                ),
            ));
        }
        if let Some(j) = seen.insert(s.as_str(), i) {
            return Err(IoError::file(
                path,
                format!(
                    "the label {s:?} is given twice (products {} and {}); labels must be unique",
                    j + 1,
                    i + 1
                ),
            ));
        }
    }
    let all_numbers = labels.iter().all(|s| parse_index(s).is_some());
    let canonical = labels.iter().enumerate().all(|(i, s)| *s == i.to_string());
    if n > 0 && all_numbers && !canonical {
        return Err(IoError::file(
            path,
            "every label is a whole number, and the triplet format reads whole numbers as 0-based \
             indices; write without labels, or use labels that are not numbers",
        ));
    }
    Ok(())
}

/// Whether writing `a` row by row names products `0, 1, …, n − 1` in this order for the first
/// time, every one of them.
fn appearance_in_order(a: &CsrMatrix) -> bool {
    let n = a.nrows();
    let mut next = 0usize; // every product below `next` has appeared
    let mut seen = vec![false; n];
    for (i, j, _) in a.triplets() {
        for p in [i, j] {
            if !seen[p] {
                if p != next {
                    return false;
                }
                seen[p] = true;
                next += 1;
            }
        }
    }
    next == n
}
