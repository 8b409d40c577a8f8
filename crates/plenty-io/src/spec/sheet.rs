//! A table file as a specification reads it: the [`Sheet`]. It keeps the lines the filter
//! selects, knows each kept line's label, resolves selections of rows and columns, reads cells
//! (with the policies for negative flows and gross output), and describes a range of rows or
//! columns for an error message.
//!
//! Row indices in this module and its users are indices of *kept* rows (after the filter);
//! `kept[r]` maps one to the raw table's row, and `line(r)` to the line of the file.

use super::messages::{aggregate_message, join_numbers};
use super::{NegativeFlows, Selection};
use crate::aggregates;
use crate::error::{IoError, Result};
use crate::table::{suggest, RawTable};
use plenty_core::DenseMatrix;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A table read for the specification: its row labels after filtering.
pub(super) struct Sheet {
    /// The table as read, every line.
    pub(super) raw: RawTable,
    /// Indices into raw.rows kept by the filter.
    pub(super) kept: Vec<usize>,
    /// The label of each kept row.
    pub(super) labels: Vec<String>,
    /// The column of the row labels.
    pub(super) label_col: usize,
    /// The columns of the filter.
    pub(super) filter_cols: Vec<usize>,
}

impl Sheet {
    /// Reads `path` with `header_rows` header lines, keeps the lines that match `filter`, and
    /// takes the labels from `label_col` (default: the first column). No line matching is an
    /// error naming the filter.
    pub(super) fn read(
        path: &Path,
        label_col: Option<&str>,
        header_rows: usize,
        filter: &BTreeMap<String, String>,
        delimiter: Option<u8>,
    ) -> Result<Self> {
        let raw = RawTable::read_with(path, header_rows, delimiter)?;
        let lc = match label_col {
            Some(c) => raw.column(c)?,
            None => 0,
        };
        let mut conds = Vec::new();
        for (col, val) in filter {
            conds.push((raw.column(col)?, val.as_str()));
        }
        let kept: Vec<usize> = (0..raw.rows.len())
            .filter(|&r| conds.iter().all(|&(c, v)| raw.rows[r].cells[c] == v))
            .collect();
        if kept.is_empty() {
            return Err(IoError::file(
                path,
                format!("no line matches the filter {filter:?}; check the column names and values"),
            ));
        }
        let labels = kept
            .iter()
            .map(|&r| raw.rows[r].cells[lc].clone())
            .collect();
        Ok(Self {
            raw,
            kept,
            labels,
            label_col: lc,
            filter_cols: conds.iter().map(|c| c.0).collect(),
        })
    }

    /// The line of kept row r.
    pub(super) fn line(&self, r: usize) -> usize {
        self.raw.rows[self.kept[r]].line
    }

    /// Errors about columns point at the header line.
    fn header_err(&self) -> impl Fn(String) -> IoError + '_ {
        move |m| IoError::at_line(&self.raw.path, self.raw.header_line, m)
    }

    /// Errors about rows name the file (the rows may be anywhere in it).
    fn rows_err(&self) -> impl Fn(String) -> IoError + '_ {
        move |m| IoError::file(&self.raw.path, m)
    }

    /// Rows by label; a label found twice, in the file or in the selection, is an error naming
    /// both lines.
    pub(super) fn select_rows(&self, sel: &Selection, what: &str) -> Result<Vec<usize>> {
        let v = select(
            sel,
            &self.labels,
            what,
            &self.rows_err(),
            &|ks| {
                format!(
                    "on lines {}",
                    join_numbers(ks.iter().map(|&k| self.line(k)))
                )
            },
            &self.raw.delimiter_hint(),
        )?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for &r in &v {
            if let Some(first) = seen.insert(self.labels[r].as_str(), r) {
                return Err(IoError::at_line(
                    &self.raw.path,
                    self.line(r),
                    format!(
                        "the {what} {:?} is selected twice, on lines {} and {}; labels must be unique",
                        self.labels[r],
                        self.line(first),
                        self.line(r)
                    ),
                ));
            }
        }
        Ok(v)
    }

    /// Columns by header; a header found twice is an error naming both columns.
    pub(super) fn select_columns(&self, sel: &Selection, what: &str) -> Result<Vec<usize>> {
        let v = select(
            sel,
            &self.raw.header,
            what,
            &self.header_err(),
            &|ks| {
                format!(
                    "in columns {} of line {}",
                    join_numbers(ks.iter().map(|&k| k + 1)),
                    self.raw.header_line
                )
            },
            &self.raw.delimiter_hint(),
        )?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for &c in &v {
            if let Some(first) = seen.insert(self.raw.header[c].as_str(), c) {
                return Err(IoError::at_line(
                    &self.raw.path,
                    self.raw.header_line,
                    format!(
                        "the {what} {:?} is selected twice, in columns {} and {}; labels must be unique",
                        self.raw.header[c],
                        first + 1,
                        c + 1
                    ),
                ));
            }
        }
        Ok(v)
    }

    /// The one row labelled `label`.
    pub(super) fn row_by_label(&self, label: &str) -> Result<usize> {
        self.select_rows(&Selection::List(vec![label.to_string()]), "row")
            .map(|v| v[0])
    }

    /// Number at (kept row r, column c), missing = 0.
    pub(super) fn num(&self, r: usize, c: usize) -> Result<f64> {
        self.raw.number_or_zero(self.kept[r], c)
    }

    /// A gross-output cell: a number, zero or more.
    pub(super) fn output_cell(&self, r: usize, c: usize) -> Result<f64> {
        let v = self.num(r, c)?;
        if v < 0.0 {
            return Err(self.raw.cell_error(
                self.kept[r],
                c,
                format!("gross output {v} is negative; output cannot be negative"),
            ));
        }
        Ok(v)
    }

    /// A flow cell under the negative-flow policy: a negative value is an error naming the
    /// cell, or, under `negative_flows = "zero"`, zero, recorded in `zeroed` for the notes.
    pub(super) fn non_negative(
        &self,
        r: usize,
        c: usize,
        what: &str,
        policy: NegativeFlows,
        zeroed: &mut Vec<String>,
    ) -> Result<f64> {
        let v = self.num(r, c)?;
        if v < 0.0 && policy == NegativeFlows::Zero {
            zeroed.push(format!("{} × {} = {v}", self.labels[r], self.raw.header[c]));
            return Ok(0.0);
        }
        if v < 0.0 {
            return Err(self.raw.cell_error(
                self.kept[r],
                c,
                format!("{what} {v} is negative; flows between sectors cannot be negative (record imports and subsidies outside the intermediate block, or set negative_flows = \"zero\" in the specification)"),
            ));
        }
        Ok(v)
    }

    /// The cells `rows` × `cols` as a matrix, each under the negative-flow policy (see
    /// [`Sheet::non_negative`]; `what` names an entry in the error).
    pub(super) fn entries(
        &self,
        rows: &[usize],
        cols: &[usize],
        what: &str,
        policy: NegativeFlows,
        zeroed: &mut Vec<String>,
    ) -> Result<DenseMatrix> {
        let mut m = DenseMatrix::zeros(rows.len(), cols.len());
        for (i, &r) in rows.iter().enumerate() {
            for (j, &c) in cols.iter().enumerate() {
                m.set(i, j, self.non_negative(r, c, what, policy, zeroed)?);
            }
        }
        Ok(m)
    }

    /// The finest last printed place among the cells (kept rows × columns): the rounding unit
    /// of the numbers, for the aggregate test.
    pub(super) fn finest_place(&self, rows: &[usize], cols: &[usize]) -> f64 {
        let mut unit = f64::INFINITY;
        for &r in rows {
            let cells = &self.raw.rows[self.kept[r]].cells;
            for &c in cols {
                if let Some(u) = aggregates::last_place(&cells[c]) {
                    unit = unit.min(u);
                }
            }
        }
        if unit.is_finite() {
            unit
        } else {
            0.0
        }
    }

    /// Warnings for the rows of one selection (a satellite's `rows`) that add up others of
    /// it: a total beside its parts would be counted twice. `vectors` holds each row's values
    /// under `cols`; `what` names the selection ("satellite \"hours\""), `path` the file.
    pub(super) fn row_aggregate_warnings(
        &self,
        path: &Path,
        what: &str,
        rows: &[usize],
        cols: &[usize],
        vectors: &[Vec<f64>],
    ) -> Vec<String> {
        let labels: Vec<&str> = rows.iter().map(|&r| self.labels[r].as_str()).collect();
        let refs: Vec<&[f64]> = vectors.iter().map(Vec::as_slice).collect();
        let unit = self.finest_place(rows, cols);
        aggregates::find(&labels, &refs, unit, None)
            .into_iter()
            .map(|f| {
                format!(
                    "{}:{}: {what}: {}",
                    path.display(),
                    self.line(rows[f.aggregate]),
                    aggregate_message("row", &labels, &f, "rows")
                )
            })
            .collect()
    }

    /// `"A" … "B" (lines 2–65)`.
    pub(super) fn describe_rows(&self, rows: &[usize]) -> String {
        match rows {
            [] => "none".into(),
            [r] => format!("{:?} (line {})", self.labels[*r], self.line(*r)),
            [a, .., b] => format!(
                "{:?} … {:?} (lines {}–{})",
                self.labels[*a],
                self.labels[*b],
                self.line(*a),
                self.line(*b)
            ),
        }
    }

    /// `"A01" … "U" (columns 3–65 of line 1)`.
    pub(super) fn describe_columns(&self, cols: &[usize]) -> String {
        let h = &self.raw.header;
        match cols {
            [] => "none".into(),
            [c] => format!(
                "{:?} (column {} of line {})",
                h[*c],
                c + 1,
                self.raw.header_line
            ),
            [a, .., b] => format!(
                "{:?} … {:?} (columns {}–{} of line {})",
                h[*a],
                h[*b],
                a + 1,
                b + 1,
                self.raw.header_line
            ),
        }
    }
}

/// Resolves a selection against labels in file order; errors name the missing label, or the
/// places (`place(&[k, …])`: "on lines 4 and 7", "in columns 2 and 5") of a label found more
/// than once.
fn select(
    sel: &Selection,
    labels: &[String],
    what: &str,
    err: &dyn Fn(String) -> IoError,
    place: &dyn Fn(&[usize]) -> String,
    hint: &str,
) -> Result<Vec<usize>> {
    let find = |l: &str| -> Result<usize> {
        let hits: Vec<usize> = (0..labels.len()).filter(|&k| labels[k] == l).collect();
        match hits.as_slice() {
            [k] => Ok(*k),
            [] => Err(err(format!(
                "the {what} {l:?} is not in the table{}{hint}",
                suggest(l, labels.iter().map(String::as_str))
            ))),
            _ => Err(err(format!(
                "the {what} {l:?} appears {} times, {}; labels must be unique",
                hits.len(),
                place(&hits)
            ))),
        }
    };
    match sel {
        Selection::List(list) => list.iter().map(|l| find(l)).collect(),
        Selection::Range { first, last } => {
            let (a, b) = (find(first)?, find(last)?);
            if a > b {
                return Err(err(format!(
                    "the {what} range runs backwards: {first:?} comes after {last:?} in the file"
                )));
            }
            Ok((a..=b).collect())
        }
        Selection::Prefix { prefix } => {
            let v: Vec<usize> = (0..labels.len())
                .filter(|&k| labels[k].starts_with(prefix.as_str()))
                .collect();
            if v.is_empty() {
                return Err(err(format!("no {what} starts with {prefix:?}{hint}")));
            }
            Ok(v)
        }
    }
}
