//! Satellites and gross output: where their values come from, and reading them from another
//! file.
//!
//! A `[[satellite]]` or `[gross_output]` names rows (or a column) of the table, or another file:
//! long (one line per sector, `key` and `value`) or wide (one line per account, one column per
//! sector, `row` or `rows`). [`SourceFields::source`] decides which, and refuses combinations
//! that make no sense. [`file_values`] reads another file: each key (or column) is matched to a
//! sector by name, row label or column header ([`Products`]); keys that match no sector are
//! then sorted out: added to a sector (`add_to`), left out on purpose (`ignore`), an excluded
//! sector's, a total, zero, or else a warning, because their values would silently be lost.

use super::messages::short;
use super::sheet::Sheet;
use super::{GrossOutputSection, SatelliteSection};
use crate::error::{IoError, Result};
use crate::table::suggest;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where a satellite's or the gross output's values come from.
pub(super) enum Source<'a> {
    /// Rows of the table, added up.
    TableRows(Vec<&'a str>),
    /// A column of the table (gross output only).
    TableColumn(&'a str),
    /// Another file.
    File(FileSource<'a>),
}

/// Another file: long (`key`, `value`) or wide (`rows`).
pub(super) struct FileSource<'a> {
    file: &'a Path,
    long: Option<(&'a str, &'a str)>,
    rows: Vec<&'a str>,
    labels: Option<&'a str>,
    filter: &'a BTreeMap<String, String>,
    delimiter: Option<u8>,
    ignore: &'a [String],
    add_to: &'a BTreeMap<String, String>,
}

/// The fields a satellite and the gross output share.
pub(super) struct SourceFields<'a> {
    what: String,
    column: Option<&'a str>,
    row: Option<&'a str>,
    rows: Option<&'a [String]>,
    file: Option<&'a Path>,
    key: Option<&'a str>,
    value: Option<&'a str>,
    labels: Option<&'a str>,
    filter: &'a BTreeMap<String, String>,
    delimiter: Option<u8>,
    ignore: &'a [String],
    add_to: &'a BTreeMap<String, String>,
}

impl<'a> SourceFields<'a> {
    /// The fields of a `[[satellite]]`.
    pub(super) fn satellite(s: &'a SatelliteSection) -> Self {
        Self {
            what: format!("satellite {:?}", s.name),
            column: None,
            row: s.row.as_deref(),
            rows: s.rows.as_deref(),
            file: s.file.as_deref(),
            key: s.key.as_deref(),
            value: s.value.as_deref(),
            labels: s.labels.as_deref(),
            filter: &s.filter,
            delimiter: s.delimiter,
            ignore: &s.ignore,
            add_to: &s.add_to,
        }
    }

    /// The fields of `[gross_output]`.
    pub(super) fn gross_output(g: &'a GrossOutputSection) -> Self {
        Self {
            what: "[gross_output]".into(),
            column: g.column.as_deref(),
            row: g.row.as_deref(),
            rows: None,
            file: g.file.as_deref(),
            key: g.key.as_deref(),
            value: g.value.as_deref(),
            labels: g.labels.as_deref(),
            filter: &g.filter,
            delimiter: g.delimiter,
            ignore: &g.ignore,
            add_to: &g.add_to,
        }
    }

    /// The error for a combination of fields that makes no sense, naming the specification.
    fn error(&self, spec_path: &Path, m: String) -> IoError {
        IoError::file(spec_path, format!("{}: {m}", self.what))
    }

    /// The source these fields describe; a combination that makes no sense is an error naming
    /// the specification.
    pub(super) fn source(&self, spec_path: &Path) -> Result<Source<'a>> {
        let rows = self.rows_named(spec_path)?;
        match self.file {
            None => self.table_source(rows, spec_path),
            Some(file) => self.file_source(file, rows, spec_path).map(Source::File),
        }
    }

    /// The rows named by `row` or `rows` (none, for a column or a long file).
    fn rows_named(&self, spec_path: &Path) -> Result<Vec<&'a str>> {
        match (self.row, self.rows) {
            (Some(_), Some(_)) => Err(self.error(spec_path, "give row or rows, not both".into())),
            (Some(r), None) => Ok(vec![r]),
            (None, Some(l)) => {
                if l.is_empty() {
                    return Err(self.error(
                        spec_path,
                        "rows = [] names no row; give at least one".into(),
                    ));
                }
                Ok(l.iter().map(String::as_str).collect())
            }
            (None, None) => Ok(Vec::new()),
        }
    }

    /// Without `file`: rows or a column of the table, and none of the fields of another file.
    fn table_source(&self, rows: Vec<&'a str>, spec_path: &Path) -> Result<Source<'a>> {
        let file_only = [
            ("key", self.key.is_some()),
            ("value", self.value.is_some()),
            ("labels", self.labels.is_some()),
            ("filter", !self.filter.is_empty()),
            ("delimiter", self.delimiter.is_some()),
            ("ignore", !self.ignore.is_empty()),
            ("add_to", !self.add_to.is_empty()),
        ];
        if let Some((k, _)) = file_only.iter().find(|f| f.1) {
            return Err(self.error(spec_path, format!(
                "{k} belongs to another file; give file = \"…\" too (the table's own rows need only row or rows)"
            )));
        }
        match (self.column, rows.is_empty()) {
            (Some(c), true) => Ok(Source::TableColumn(c)),
            (None, false) => Ok(Source::TableRows(rows)),
            _ => Err(self.error(spec_path, if self.what == "[gross_output]" {
                "give exactly one of column, row, or file (with key and value for a long file, or row for a wide one)".into()
            } else {
                "give exactly one of row, rows, or file (with key and value for a long file, or row for a wide one)".into()
            })),
        }
    }

    /// With `file`: a long file (`key` and `value`) or a wide one (`row` or `rows`), not both.
    fn file_source(
        &self,
        file: &'a Path,
        rows: Vec<&'a str>,
        spec_path: &Path,
    ) -> Result<FileSource<'a>> {
        let err = |m: &str| Err(self.error(spec_path, m.into()));
        if self.column.is_some() {
            return err(
                "with file, give key and value (a long file: one line per sector) or row (a wide file: one column per sector); column names a column of the table",
            );
        }
        let long = match (self.key, self.value, rows.is_empty()) {
            (Some(k), Some(v), true) => Some((k, v)),
            (None, None, false) => None,
            (Some(_), Some(_), false) => {
                return err(
                    "give key and value (a long file: one line per sector) or row (a wide file: one column per sector), not both",
                )
            }
            (Some(_), None, _) | (None, Some(_), _) => {
                return err(
                    "a long file needs both key (the column of sector labels) and value (the column of values)",
                )
            }
            (None, None, true) => {
                return err(
                    "with file, give key and value (a long file: one line per sector) or row (a wide file: one line per account, one column per sector)",
                )
            }
        };
        if long.is_some() && self.labels.is_some() {
            return err(
                "labels names the label column of a wide file; in a long file, key names the column of sector labels",
            );
        }
        Ok(FileSource {
            file,
            long,
            rows,
            labels: self.labels,
            filter: self.filter,
            delimiter: self.delimiter,
            ignore: self.ignore,
            add_to: self.add_to,
        })
    }
}

/// The sectors of the economy, for matching the keys of another file: by name first, then by
/// row label or column header; excluded sectors are known, to be left out with a note.
pub(super) struct Products<'a> {
    names: &'a [String],
    by_key: HashMap<&'a str, usize>,
    excluded: HashSet<&'a str>,
}

impl<'a> Products<'a> {
    /// The sectors `names`, also known by `other_labels` (each a list in the order of `names`),
    /// and the keys of excluded sectors.
    pub(super) fn new(
        names: &'a [String],
        other_labels: &[&'a [String]],
        excluded: impl Iterator<Item = &'a str>,
    ) -> Self {
        let mut by_key: HashMap<&str, usize> = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            by_key.insert(n.as_str(), i);
        }
        for labels in other_labels {
            for (i, l) in labels.iter().enumerate() {
                by_key.entry(l.as_str()).or_insert(i);
            }
        }
        let excluded = excluded.filter(|x| !by_key.contains_key(x)).collect();
        Self {
            names,
            by_key,
            excluded,
        }
    }
}

/// A key of another file that matched no sector: its label, where it is, and its value (None:
/// not a number).
struct Unmatched {
    key: String,
    place: String,
    value: Option<f64>,
}

/// Values per sector read from another file, with what was noticed.
pub(super) struct FileValues {
    /// The file, for the inputs of the result.
    pub(super) path: PathBuf,
    /// One value per sector, in the order of the sectors.
    pub(super) values: Vec<f64>,
    /// Keys that match no sector, handled as the specification says or as the data shows.
    pub(super) notes: Vec<String>,
    /// Keys whose values are left out without being accounted for, and aggregate rows.
    pub(super) warnings: Vec<String>,
}

/// What reading a file's lines (long) or columns (wide) gave: a value per sector (None: no key
/// names it), the keys that match no sector, and warnings.
struct Read {
    values: Vec<Option<f64>>,
    unmatched: Vec<Unmatched>,
    warnings: Vec<String>,
}

/// Reads the values of a satellite or the gross output (`what`) from another file, one per
/// sector of `products`, and says what became of the keys that match no sector. Errors: a
/// sector that no key names, two keys that name one sector, and an `add_to` or `ignore` that
/// names no such key.
pub(super) fn file_values(
    base: &Path,
    src: &FileSource<'_>,
    products: &Products<'_>,
    what: &str,
    spec_path: &Path,
) -> Result<FileValues> {
    let path = base.join(src.file);
    let Read {
        values,
        unmatched,
        mut warnings,
    } = match src.long {
        Some((key, value)) => read_long(&path, src, key, value, products, what)?,
        None => read_wide(&path, src, products, what)?,
    };
    let mut values: Vec<f64> = values.into_iter().map(|v| v.unwrap_or(0.0)).collect();
    let mut notes = Vec::new();
    let keys = Leftovers {
        path: &path,
        what,
        products,
        unmatched: &unmatched,
        spec_path,
    };
    let mut handled = vec![false; unmatched.len()];
    keys.add_to(src.add_to, &mut values, &mut handled, &mut notes)?;
    let ignored = keys.ignore(src.ignore, &mut handled)?;
    let rest = keys.account_for(&ignored, &handled, &values, &mut notes);
    if !rest.is_empty() {
        warnings.push(keys.left_out_warning(&rest, &values, src.long.is_some()));
    }
    Ok(FileValues {
        path,
        values,
        notes,
        warnings,
    })
}

/// A long file: one line per key, `key` naming the column of keys and `value` that of values.
fn read_long(
    path: &Path,
    src: &FileSource<'_>,
    key: &str,
    value: &str,
    products: &Products<'_>,
    what: &str,
) -> Result<Read> {
    let n = products.names.len();
    let sheet = Sheet::read(path, Some(key), 1, src.filter, src.delimiter)?;
    let vc = sheet.raw.column(value)?;
    one_line_per_key(path, &sheet)?;
    let mut values: Vec<Option<f64>> = vec![None; n];
    let mut unmatched: Vec<Unmatched> = Vec::new();
    let mut from: Vec<Option<usize>> = vec![None; n];
    for (k, l) in sheet.labels.iter().enumerate() {
        let row = sheet.kept[k];
        match products.by_key.get(l.as_str()) {
            Some(&i) => {
                if let Some(other) = from[i] {
                    return Err(IoError::at_line(
                        path,
                        sheet.line(k),
                        format!(
                            "{what}: the keys {:?} (line {}) and {l:?} (line {}) both name the sector {:?}; keep one",
                            sheet.labels[other],
                            sheet.line(other),
                            sheet.line(k),
                            products.names[i]
                        ),
                    ));
                }
                from[i] = Some(k);
                values[i] = Some(sheet.raw.required_number(row, vc)?);
            }
            None => unmatched.push(Unmatched {
                key: l.clone(),
                place: format!("line {}", sheet.line(k)),
                value: crate::table::parse_number(&sheet.raw.rows[row].cells[vc])
                    .ok()
                    .map(|v| v.unwrap_or(0.0)),
            }),
        }
    }
    if let Some(i) = (0..n).find(|&i| values[i].is_none()) {
        let s = &products.names[i];
        return Err(IoError::file(
            path,
            format!(
                "{what}: no line has {key:?} = {s:?}{}{}",
                suggest(s, sheet.labels.iter().map(String::as_str)),
                sheet.raw.delimiter_hint()
            ),
        ));
    }
    Ok(Read {
        values,
        unmatched,
        warnings: Vec::new(),
    })
}

/// In a long file, each key has one line (after the filter); a key on two lines is an error
/// naming both.
fn one_line_per_key(path: &Path, sheet: &Sheet) -> Result<()> {
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for (k, l) in sheet.labels.iter().enumerate() {
        if let Some(prev) = first_line.insert(l.as_str(), sheet.line(k)) {
            return Err(IoError::at_line(
                path,
                sheet.line(k),
                format!("the key {l:?} appears twice after filtering, on lines {prev} and {}; add a filter so each sector has one line", sheet.line(k)),
            ));
        }
    }
    Ok(())
}

/// A wide file: one line per account, one column per sector headed by its key; the values are
/// the sums of the lines `src.rows`. Several lines are checked for one that adds up others.
fn read_wide(
    path: &Path,
    src: &FileSource<'_>,
    products: &Products<'_>,
    what: &str,
) -> Result<Read> {
    let sheet = Sheet::read(path, src.labels, 1, src.filter, src.delimiter)?;
    let rows = src
        .rows
        .iter()
        .map(|r| sheet.row_by_label(r))
        .collect::<Result<Vec<_>>>()?;
    let (mut read, cols) = wide_columns(path, &sheet, &rows, products, what)?;
    if let Some(i) = (0..read.values.len()).find(|&i| read.values[i].is_none()) {
        let s = &products.names[i];
        return Err(IoError::at_line(
            path,
            sheet.raw.header_line,
            format!(
                "{what}: no column is headed {s:?}{}; a wide file needs one column per sector, headed by its label{}",
                suggest(s, sheet.raw.header.iter().map(String::as_str)),
                sheet.raw.delimiter_hint()
            ),
        ));
    }
    if rows.len() > 1 {
        let vectors: Vec<Vec<f64>> = rows
            .iter()
            .map(|&r| {
                cols.iter()
                    .map(|&c| sheet.num(r, c))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        read.warnings = sheet.row_aggregate_warnings(path, what, &rows, &cols, &vectors);
    }
    Ok(read)
}

/// The columns of a wide file (the label and filter columns aside), in file order: a column
/// headed by a sector's key gives its value, the sum over `rows`; two columns naming one sector
/// are an error; another column is a leftover, unless it holds text. Returns the values and
/// leftovers (no warnings yet), and each sector's column.
fn wide_columns(
    path: &Path,
    sheet: &Sheet,
    rows: &[usize],
    products: &Products<'_>,
    what: &str,
) -> Result<(Read, Vec<usize>)> {
    let n = products.names.len();
    let mut values: Vec<Option<f64>> = vec![None; n];
    let mut unmatched: Vec<Unmatched> = Vec::new();
    let mut from: Vec<Option<usize>> = vec![None; n];
    let mut cols: Vec<usize> = vec![0; n];
    for (j, h) in sheet.raw.header.iter().enumerate() {
        if j == sheet.label_col || sheet.filter_cols.contains(&j) {
            continue;
        }
        let Some(&i) = products.by_key.get(h.as_str()) else {
            if let Some(total) = column_total(sheet, rows, j) {
                unmatched.push(Unmatched {
                    key: h.clone(),
                    place: format!("column {}", j + 1),
                    value: Some(total),
                });
            }
            continue;
        };
        if let Some(other) = from[i] {
            return Err(IoError::at_line(
                path,
                sheet.raw.header_line,
                format!(
                    "{what}: the columns {:?} (column {}) and {h:?} (column {}) both name the sector {:?}; keep one",
                    sheet.raw.header[other],
                    other + 1,
                    j + 1,
                    products.names[i]
                ),
            ));
        }
        from[i] = Some(j);
        cols[i] = j;
        let mut acc = 0.0;
        for &r in rows {
            acc += sheet.raw.required_number(sheet.kept[r], j)?;
        }
        values[i] = Some(acc);
    }
    let read = Read {
        values,
        unmatched,
        warnings: Vec::new(),
    };
    Ok((read, cols))
}

/// The sum of column `j` over `rows`, or None when a cell is not a number: a text column (a
/// description, a unit) holds no value.
fn column_total(sheet: &Sheet, rows: &[usize], j: usize) -> Option<f64> {
    let mut acc = Some(0.0);
    for &r in rows {
        match crate::table::parse_number(&sheet.raw.rows[sheet.kept[r]].cells[j]) {
            Ok(v) => acc = acc.map(|a| a + v.unwrap_or(0.0)),
            Err(_) => acc = None,
        }
    }
    acc
}

/// The keys of a file that match no sector, to be accounted for: what the specification says
/// of them (`add_to`, `ignore`), then what the data shows (an excluded sector's, a total, zero),
/// and what is left is a warning, since its values would be lost.
struct Leftovers<'a> {
    /// The file.
    path: &'a Path,
    /// The satellite or the gross output, for the messages.
    what: &'a str,
    products: &'a Products<'a>,
    unmatched: &'a [Unmatched],
    /// Errors in `add_to` and `ignore` name the specification.
    spec_path: &'a Path,
}

impl Leftovers<'_> {
    fn position(&self, key: &str) -> Option<usize> {
        self.unmatched.iter().position(|u| u.key == key)
    }

    /// The error for an `add_to` or `ignore` (`field`) naming a key that is not a leftover.
    fn not_a_key(&self, key: &str, field: &str) -> IoError {
        let what = self.what;
        let m = if self.products.by_key.contains_key(key) {
            format!("{what}: {field} names {key:?}, which is a sector of the table; {field} is for keys of the file that are not")
        } else {
            format!(
                "{what}: {field} names {key:?}, which is not a key of {}{}",
                self.path.display(),
                suggest(key, self.unmatched.iter().map(|u| u.key.as_str()))
            )
        };
        IoError::file(self.spec_path, m)
    }

    /// `add_to`: each key's value is added to the sector it names, with a note.
    fn add_to(
        &self,
        add_to: &BTreeMap<String, String>,
        values: &mut [f64],
        handled: &mut [bool],
        notes: &mut Vec<String>,
    ) -> Result<()> {
        let what = self.what;
        for (key, target) in add_to {
            let k = self
                .position(key)
                .ok_or_else(|| self.not_a_key(key, "add_to"))?;
            let &i = self.products.by_key.get(target.as_str()).ok_or_else(|| {
                IoError::file(
                    self.spec_path,
                    format!(
                        "{what}: add_to adds {key:?} to {target:?}, which is not a sector{}",
                        suggest(target, self.products.names.iter().map(String::as_str))
                    ),
                )
            })?;
            let u = &self.unmatched[k];
            let v = u.value.ok_or_else(|| {
                IoError::file(
                    self.path,
                    format!("{what}: the value of {key:?} ({}) is not a number", u.place),
                )
            })?;
            values[i] += v;
            handled[k] = true;
            notes.push(format!(
                "{what}: the value of {key:?} in {} ({}) is added to {:?} (add_to)",
                self.path.display(),
                short(v),
                self.products.names[i]
            ));
        }
        Ok(())
    }

    /// `ignore`: the keys left out on purpose (none of them also in `add_to`).
    fn ignore(&self, ignore: &[String], handled: &mut [bool]) -> Result<Vec<usize>> {
        let mut ignored = Vec::new();
        for key in ignore {
            let k = self
                .position(key)
                .ok_or_else(|| self.not_a_key(key, "ignore"))?;
            if handled[k] {
                return Err(IoError::file(
                    self.spec_path,
                    format!(
                        "{}: {key:?} is in both add_to and ignore; give one",
                        self.what
                    ),
                ));
            }
            handled[k] = true;
            ignored.push(k);
        }
        Ok(ignored)
    }

    /// `"CPA_T" (31.6, line 70), …` for at most 20 keys.
    fn listed(&self, ks: &[usize]) -> String {
        let shown: Vec<String> = ks
            .iter()
            .take(20)
            .map(|&k| {
                let u = &self.unmatched[k];
                match u.value {
                    Some(v) => format!("{:?} ({}, {})", u.key, short(v), u.place),
                    None => format!("{:?} (not a number, {})", u.key, u.place),
                }
            })
            .collect();
        let more = if ks.len() > 20 {
            format!(" and {} more", ks.len() - 20)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    }

    fn sum_of(&self, ks: &[usize]) -> f64 {
        ks.iter().filter_map(|&k| self.unmatched[k].value).sum()
    }

    /// Notes for the keys accounted for: ignored, an excluded sector's, a total of the
    /// sectors' `values`, or zero. Returns the others.
    fn account_for(
        &self,
        ignored: &[usize],
        handled: &[bool],
        values: &[f64],
        notes: &mut Vec<String>,
    ) -> Vec<usize> {
        let (what, path) = (self.what, self.path.display());
        if !ignored.is_empty() {
            notes.push(format!(
                "{what}: keys of {path} left out on purpose (ignore): {} — {} in all",
                self.listed(ignored),
                short(self.sum_of(ignored))
            ));
        }
        let rest: Vec<usize> = (0..self.unmatched.len()).filter(|&k| !handled[k]).collect();
        let (excluded, rest): (Vec<usize>, Vec<usize>) = rest.into_iter().partition(|&k| {
            self.products
                .excluded
                .contains(self.unmatched[k].key.as_str())
        });
        if !excluded.is_empty() {
            notes.push(format!(
                "{what}: the values of excluded sectors in {path} are left out: {} — {} in all",
                self.listed(&excluded),
                short(self.sum_of(&excluded))
            ));
        }
        let matched_total: f64 = values.iter().sum();
        let matched_mass: f64 = values.iter().map(|v| v.abs()).sum();
        let (totals, rest): (Vec<usize>, Vec<usize>) = rest.into_iter().partition(|&k| {
            self.unmatched[k].value.is_some_and(|v| {
                // Within 0.01 %: a published total of rounded values need not add up exactly.
                v != 0.0 && (v - matched_total).abs() <= 1e-4 * matched_mass.max(v.abs())
            })
        });
        if !totals.is_empty() {
            notes.push(format!(
                "{what}: {} of {path} holds the total of the sectors' values and is left out",
                self.listed(&totals),
            ));
        }
        let (zeros, rest): (Vec<usize>, Vec<usize>) = rest
            .into_iter()
            .partition(|&k| self.unmatched[k].value == Some(0.0));
        if !zeros.is_empty() {
            notes.push(format!(
                "{what}: keys of {path} that match no sector, all zero: {}",
                self.listed(&zeros)
            ));
        }
        rest
    }

    /// The warning for keys (`rest`) whose values are left out unaccounted for, with their share
    /// of all the file's values and how to say what they are.
    fn left_out_warning(&self, rest: &[usize], values: &[f64], long: bool) -> String {
        let matched_mass: f64 = values.iter().map(|v| v.abs()).sum();
        let dropped = self.sum_of(rest);
        let share = if (matched_mass + dropped.abs()) > 0.0 {
            format!(
                ", {:.1}% of all the file's values",
                100.0 * dropped.abs() / (matched_mass + dropped.abs())
            )
        } else {
            String::new()
        };
        let example = self.unmatched[rest[0]].key.as_str();
        let one = rest.len() == 1;
        format!(
            "{}: {}: {} {}{} of the file match{} no sector of the table, and {} left out: {} — {} in all{share}. If {} belongs to a sector of another name, add it with add_to = {{ {example:?} = \"…\" }}; if it is left out on purpose, say so with ignore = [{example:?}]",
            self.path.display(),
            self.what,
            rest.len(),
            if long { "key" } else { "column" },
            if one { "" } else { "s" },
            if one { "es" } else { "" },
            if one { "its value is" } else { "their values are" },
            self.listed(rest),
            short(dropped),
            if one { "it" } else { "a key" },
        )
    }
}
