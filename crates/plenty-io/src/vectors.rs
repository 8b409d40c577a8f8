//! Vectors as one-column CSV files (final demand `d`, labour `l`, results), optionally labelled.
//!
//! ```text
//!  # plenty 0.1.0, seed 7        ← optional comment lines
//!  label,hours                   ← optional header (its last cell is not a number)
//!  steel,0.25                    ← one value per line, optionally after a label
//!  "grain, wheat",1.5            ← labels are quoted when they hold a comma or a quote
//! ```
//!
//! A file without labels holds just the numbers, one per line, with an optional header line.
//! A UTF-8 byte-order mark and blank lines are ignored.
//!
//! This is the format that the peer benchmark (`bench/peer.py`, function `read_vector`) reads.
//! That reader takes the last comma-separated cell of each line and skips the non-numeric lines
//! that come before the first number, and it knows nothing of comments or quotes. So a file for
//! the peer is safe when written with no comment lines (or comments whose last comma-separated
//! piece is not a number) and a header that is not itself a number; [`write_vector`] refuses a
//! numeric header, and files for the peer should be written with empty `comment_lines`.

use crate::error::{IoError, Result};
use crate::mtx::push_f64;
use crate::table::parse_number;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A vector read from a file, with its labels when the file has a label column.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledVector {
    /// One label per value, when the file has a first label column.
    pub labels: Option<Vec<String>>,
    /// The values, in file order.
    pub values: Vec<f64>,
}

impl LabelledVector {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Reads a vector: one number per line, or `label,number` per line; an optional header line
/// (recognised by its last cell not being a number); `#` comment lines and blank lines
/// skipped; a UTF-8 BOM allowed. Errors name the line: text where a number belongs, NaN or an
/// infinity, a missing value, a line with another number of cells than the first, a label given
/// twice, an empty file, binary data.
pub fn read_vector(path: &Path) -> Result<LabelledVector> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    parse_vector(path, &bytes)
}

fn parse_vector(path: &Path, bytes: &[u8]) -> Result<LabelledVector> {
    let bytes = crate::error::text_of(
        path,
        bytes,
        "a vector (it contains NUL bytes); give a text file with one number per line",
    )?
    .as_bytes();
    let mut header: Option<(usize, usize)> = None; // (line, cells)
    let mut width: Option<(usize, usize)> = None; // (cells, line of the first data line)
    let mut labels: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut values = Vec::new();
    crate::table::each_record(path, bytes, |line, rec| {
        let cells = rec.len();
        let last = rec.get(cells - 1).unwrap_or("").trim();
        if header.is_none() && width.is_none() && parse_number(last).is_err() {
            // NaN and infinities parse as floats: they are bad values, not a header.
            let reads_as_float = last.parse::<f64>().is_ok();
            if !reads_as_float {
                if cells > 2 {
                    return Err(too_wide(path, line, cells));
                }
                header = Some((line, cells));
                return Ok(());
            }
        }
        match width {
            None => {
                if cells > 2 {
                    return Err(too_wide(path, line, cells));
                }
                if let Some((hline, hcells)) = header {
                    if hcells > cells {
                        return Err(IoError::at_line(
                            path,
                            line,
                            format!(
                                "the header (line {hline}) has {hcells} cells but this first value line has {cells}; \
                                 give every line a label, or none"
                            ),
                        ));
                    }
                }
                width = Some((cells, line));
            }
            Some((w, first)) if w != cells => {
                return Err(IoError::at_line(
                    path,
                    line,
                    format!(
                        "this line has {cells} cell{} but the first value line (line {first}) has {w}; \
                         give every line a label, or none",
                        if cells == 1 { "" } else { "s" }
                    ),
                ));
            }
            Some(_) => {}
        }
        let header_name = if cells == 2 { "value" } else { "" };
        let v = match parse_number(last) {
            Ok(Some(v)) => v,
            Ok(None) => {
                return Err(IoError::at_cell(
                    path,
                    line,
                    cells,
                    Some(header_name).filter(|h| !h.is_empty()),
                    format!(
                        "a number is needed here, found the missing-value mark {last:?}; write 0 if the value is zero"
                    ),
                ))
            }
            Err(msg) => {
                return Err(IoError::at_cell(
                    path,
                    line,
                    cells,
                    Some(header_name).filter(|h| !h.is_empty()),
                    msg,
                ))
            }
        };
        if cells == 2 {
            let label = rec.get(0).unwrap_or("").trim().to_string();
            if label.is_empty() {
                return Err(IoError::at_cell(
                    path,
                    line,
                    1,
                    Some("label"),
                    "the label is empty; give every value a label, or drop the label column",
                ));
            }
            if let Some(prev) = seen.insert(label.clone(), line) {
                return Err(IoError::at_cell(
                    path,
                    line,
                    1,
                    Some("label"),
                    format!("the label {label:?} is given twice, on lines {prev} and {line}"),
                ));
            }
            labels.push(label);
        }
        values.push(v);
        Ok(())
    })?;
    if values.is_empty() {
        let msg = match header {
            Some((line, _)) => {
                return Err(IoError::at_line(
                    path,
                    line,
                    "the file has a header line but no values; a vector file holds one number per line",
                ))
            }
            None => "the file is empty; a vector file holds one number per line (optionally `label,number`)",
        };
        return Err(IoError::file(path, msg));
    }
    Ok(LabelledVector {
        labels: (width.map(|w| w.0) == Some(2)).then_some(labels),
        values,
    })
}

fn too_wide(path: &Path, line: usize, cells: usize) -> IoError {
    IoError::at_line(
        path,
        line,
        format!(
            "this line has {cells} cells; a vector file holds one value per line, optionally after a label \
             (`label,value`); for a table use a table import"
        ),
    )
}

/// Quotes a CSV cell when it needs it: a comma, a quote, a line break, or a leading `#` (which
/// would make the line read as a comment).
pub(crate) fn csv_cell(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with('#') || s.is_empty();
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes a vector: first each comment line as `# …` (a `#` is put in front of a line that
/// lacks one), then the header (`label,<header>` when there are labels, else `<header>`; no
/// header line when `header` is empty), then one line per value (`label,value` or `value`),
/// each value in the shortest form that reads back to the same bits.
///
/// For files that the peer benchmark reads (`bench/peer.py`), pass empty `comment_lines`: its
/// reader does not know comments (see the module documentation).
///
/// Errors: labels of another length than the values, a value that is NaN or infinite, a header
/// that reads as a number (it would be read back as a value), a label given twice.
pub fn write_vector(
    path: &Path,
    header: &str,
    labels: Option<&[String]>,
    values: &[f64],
    comment_lines: &[String],
) -> Result<()> {
    if let Some(l) = labels {
        if l.len() != values.len() {
            return Err(IoError::file(
                path,
                format!(
                    "cannot write {} labels for {} values; give one label per value",
                    l.len(),
                    values.len()
                ),
            ));
        }
        let mut seen = HashMap::with_capacity(l.len());
        for (i, s) in l.iter().enumerate() {
            if s.trim().is_empty() || s.trim() != s {
                return Err(IoError::file(
                    path,
                    format!("label {} ({s:?}) is empty or has surrounding spaces, which do not read back; trim the labels", i + 1),
                ));
            }
            if let Some(j) = seen.insert(s.as_str(), i) {
                return Err(IoError::file(
                    path,
                    format!(
                        "the label {s:?} is given twice (values {} and {}); labels must be unique",
                        j + 1,
                        i + 1
                    ),
                ));
            }
        }
    }
    if header.trim().parse::<f64>().is_ok() {
        return Err(IoError::file(
            path,
            format!("the header {header:?} reads as a number and would be read back as a value; choose a name"),
        ));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(IoError::file(
            path,
            format!(
                "value {} is {}; only finite numbers can be written",
                i + 1,
                values[i]
            ),
        ));
    }
    let os = |e: std::io::Error| IoError::os(path, &e);
    let file = std::fs::File::create(path).map_err(os)?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
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
        if !header.is_empty() {
            match labels {
                Some(_) => writeln!(w, "label,{}", csv_cell(header))?,
                None => writeln!(w, "{}", csv_cell(header))?,
            }
        }
        let mut num = String::with_capacity(32);
        for (i, &v) in values.iter().enumerate() {
            num.clear();
            push_f64(&mut num, v);
            match labels {
                Some(l) => writeln!(w, "{},{num}", csv_cell(&l[i]))?,
                None => writeln!(w, "{num}")?,
            }
        }
        w.flush()
    })();
    body.map_err(os)
}
