//! The import specification: a small TOML file that says how a real table's rows and columns
//! are classified (intermediate, final demand, gross output, satellites, imports), so that any
//! table in the Eurostat, ONS, WIOD, BEA, or a home-made layout can be read without code.
//!
//! ```toml
//! # Germany 1995, Eurostat Manual table 15.4
//! [table]
//! file = "Beutel_15_4.csv"          # relative to this specification's folder
//! labels = "iotables_row"           # the column that holds row labels (default: the first)
//! # filter = { Year = "2014" }      # keep only lines whose column has this value
//! # header_rows = 2                 # header lines (default 1); see below
//! # delimiter = ";"                 # default: tab for .tsv/.txt, else ";" if the first line
//! #                                 # has semicolons and no comma, else ","
//!
//! [sectors]                         # the intermediate block
//! rows = { first = "agriculture_group", last = "other_services_group" }
//! # columns = { first = "A01", last = "U" }  # only when column labels differ from row labels
//! # exclude = ["T", "U"]            # drop sectors (rows and columns)
//!
//! [final_demand]
//! columns = { first = "consumption_expenditure_household", last = "export_goods_services" }
//!
//! [gross_output]                    # omit to use row sums Z·1 + Y·1
//! column = "output_bp"              # or: row = "output_bp"; or another file, as satellites
//!
//! [[satellite]]
//! name = "employment"
//! row = "employment_total"          # a row of the table, under the sector columns
//! unit = "1000 persons"
//! labour = true                     # this satellite gives the labour values
//! ```
//!
//! A selection is a list of labels, `{ first = "…", last = "…" }` (a contiguous range in file
//! order), or `{ prefix = "…" }`.
//!
//! **Header lines.** `header_rows = n` reads the first n lines that are not blank or comments
//! as the header; each column's name is its cells in those lines that are not empty, joined
//! with `|` (pymrio's multi-index columns: `region|sector`). Columns are then named that way
//! in the specification (`columns = { first = "AT|A01", last = "AT|U" }`).
//!
//! **Rows and columns of the intermediate block.** Without `columns`, the columns are found by
//! the row labels, so the block is square by label: a row whose label heads no column, or a
//! column among the sector columns that no row is labelled by, is an error naming both and
//! where the missing one belongs (a column can be left out on purpose with `exclude`). With
//! `columns` (labels that differ from the rows', e.g. CPA rows and NACE columns), rows and
//! columns are matched by position: the two selections must have the same length, and an error
//! names both ranges and the first position where their codes stop corresponding.
//!
//! **Satellites and gross output from other files.** `file = "…"` with `key` and `value` reads a
//! long file (one line per sector: `key` names the column of sector labels, `value` the column
//! of values; `filter = {…}` keeps matching lines). `file` with `row` (or `rows`, added up)
//! reads a wide file, the Eurostat/iotables layout: one line per account, one column per
//! sector, headed by the sector labels (`labels` names the column holding the line labels,
//! default the first). Such files may have their own `delimiter`. A key (or column) of the file
//! is matched to a sector by the sector's name, or else by its row label or column header. Every
//! key that matches no sector is reported: a warning with the values left out, unless it is
//! zero, belongs to an excluded sector, holds the total of the others, or the specification says
//! what it is: `ignore = ["CPA_T"]` (left out on purpose, noted) or
//! `add_to = { "CPA_G47" = "CPA_G46" }` (its value added to that sector's, noted).
//!
//! **Aggregates.** A final-demand column, a sector row or column, or one of a satellite's
//! `rows` that equals the sum of others of the same selection (a total beside its parts, as
//! `P3` beside `P3_S13`, `P3_S14`, `P3_S15`) is counted twice; it is reported as a warning
//! naming it and its parts (see `aggregates.rs` for how it is found).
//!
//! What the loader noticed comes back in two lists: `warnings` (something is probably wrong:
//! the results may not be what was meant; the command line's `--strict` makes them errors) and
//! `notes` (a quirk of the data, handled as documented).
//!
//! Competitive-import tables (imports recorded as negative final demand) add
//! `[imports] columns = […]` and `exports = […]`; the economy is then the domestic one,
//! `A_d = (I − M) A`. Make and use tables replace `[table]` and `[sectors]` by `[make_use]`.

use crate::aggregates::{self, Found, Parts};
use crate::error::{IoError, Result};
use crate::table::{suggest, RawTable};
use plenty_core::economy::domestic_coefficients;
use plenty_core::make_use::{symmetric_table, TechnologyAssumption};
use plenty_core::{DenseMatrix, Economy, FinalDemand, ModelError, TechnicalCoefficients};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A set of labels chosen from a table's rows or columns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Selection {
    /// Exactly these labels, in this order.
    List(Vec<String>),
    /// A contiguous range in file order, both ends included.
    Range {
        /// First label.
        first: String,
        /// Last label.
        last: String,
    },
    /// Every label that starts with this prefix, in file order.
    Prefix {
        /// The prefix.
        prefix: String,
    },
}

/// What to do with a negative flow inside the intermediate block (real tables have a few, e.g.
/// BEA's government industries record sales of commodity credit as negative purchases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NegativeFlows {
    /// Stop with an error naming the cell (default).
    #[default]
    Reject,
    /// Set it to zero and say so in the notes.
    Zero,
}

/// A `delimiter = "…"` value: one character, or `"tab"`.
fn de_delimiter<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<u8>, D::Error> {
    let s = String::deserialize(d)?;
    match s.as_str() {
        "tab" | "\t" => Ok(Some(b'\t')),
        _ if s.len() == 1
            && s.is_ascii()
            && !matches!(s.as_bytes()[0], b'"' | b'#' | b'\n' | b'\r') =>
        {
            Ok(Some(s.as_bytes()[0]))
        }
        _ => Err(serde::de::Error::custom(format!(
            "delimiter {s:?} is not one character; write \",\", \";\", \"tab\" or another single character (not a quote or #)"
        ))),
    }
}

/// `[table]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSection {
    /// The table file, relative to the specification.
    pub file: PathBuf,
    /// The column holding row labels (header name, or `"#n"` for the n-th column). Default: the
    /// first column.
    pub labels: Option<String>,
    /// Number of header lines (default 1). With more than one, a column's name is its header
    /// cells that are not empty, joined with `|` (how pymrio writes multi-index columns).
    #[serde(default = "one")]
    pub header_rows: usize,
    /// The delimiter: one character or `"tab"`. Default: tab for `.tsv`, `.txt` and `.tab`;
    /// otherwise a semicolon when the first line holds semicolons and no comma; else a comma.
    #[serde(default, deserialize_with = "de_delimiter")]
    pub delimiter: Option<u8>,
    /// Keep only lines whose column equals the value.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    /// Free text describing the table and its source.
    pub description: Option<String>,
    /// Unit of the flows, e.g. `"MIO EUR"`.
    pub unit: Option<String>,
}

fn one() -> usize {
    1
}

/// `[sectors]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectorsSection {
    /// The intermediate rows, by row label.
    pub rows: Selection,
    /// The intermediate columns, by header, matched to the rows by position; default: the
    /// columns headed by the row labels (matched by label).
    pub columns: Option<Selection>,
    /// Sectors to leave out (by the names the economy uses).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Name sectors by their column headers instead of their row labels.
    #[serde(default)]
    pub names_from_columns: bool,
    /// Negative flows: `"reject"` (default) or `"zero"`.
    #[serde(default)]
    pub negative_flows: NegativeFlows,
}

/// `[final_demand]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalDemandSection {
    /// The final-demand columns.
    pub columns: Selection,
}

/// `[gross_output]`: exactly one of `column`, `row`, or another `file` (long: `key` and
/// `value`; wide: `row`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrossOutputSection {
    /// A column of the table (values on the sector rows).
    pub column: Option<String>,
    /// A row of the table (values under the sector columns), or of `file` (wide).
    pub row: Option<String>,
    /// Another file, relative to the specification.
    pub file: Option<PathBuf>,
    /// Long file: the column holding sector labels.
    pub key: Option<String>,
    /// Long file: the column holding the values.
    pub value: Option<String>,
    /// Wide file: the column holding the line labels (default: the first).
    pub labels: Option<String>,
    /// Keep only lines of `file` whose column equals the value.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    /// The delimiter of `file` (as in `[table]`).
    #[serde(default, deserialize_with = "de_delimiter")]
    pub delimiter: Option<u8>,
    /// Keys of `file` that are no sector of the table, left out on purpose.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Keys of `file` whose value belongs to a sector of another name: key → sector.
    #[serde(default)]
    pub add_to: BTreeMap<String, String>,
}

/// `[[satellite]]`: totals per sector, from rows of the table or from another file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SatelliteSection {
    /// Name of the account, e.g. `"hours"`.
    pub name: String,
    /// Unit of the totals.
    pub unit: Option<String>,
    /// A row of the table, or of `file` (wide).
    pub row: Option<String>,
    /// Several rows of the table or of `file`, added up (e.g. the parts of value added).
    pub rows: Option<Vec<String>>,
    /// Another file, relative to the specification.
    pub file: Option<PathBuf>,
    /// Long file: the column holding sector labels.
    pub key: Option<String>,
    /// Long file: the column holding the values.
    pub value: Option<String>,
    /// Wide file: the column holding the line labels (default: the first).
    pub labels: Option<String>,
    /// Keep only lines of `file` whose column equals the value.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    /// The delimiter of `file` (as in `[table]`).
    #[serde(default, deserialize_with = "de_delimiter")]
    pub delimiter: Option<u8>,
    /// Keys of `file` that are no sector of the table, left out on purpose.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Keys of `file` whose value belongs to a sector of another name: key → sector.
    #[serde(default)]
    pub add_to: BTreeMap<String, String>,
    /// Whether this account is the labour that labour values count.
    #[serde(default)]
    pub labour: bool,
}

/// `[imports]` for competitive-import tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportsSection {
    /// Columns recording imports as negative final demand.
    pub columns: Selection,
    /// Final-demand columns that are exports (not part of domestic absorption).
    pub exports: Option<Selection>,
}

/// `[make_use]`: supply (make) and use tables converted to a symmetric table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MakeUseSection {
    /// Make table: industries in rows, commodities in columns.
    pub make: PathBuf,
    /// Use table: commodities in rows, industries and final demand in columns.
    #[serde(rename = "use")]
    pub use_: PathBuf,
    /// Industries (row labels of the make table).
    pub industries: Selection,
    /// Commodities (column headers of the make table).
    pub commodities: Selection,
    /// Final-demand columns of the use table.
    pub final_demand: Option<Selection>,
    /// Technology assumption. Default: industry technology (commodity by commodity).
    #[serde(default)]
    pub assumption: TechnologyAssumption,
    /// Negative entries of make or use: `"reject"` (default) or `"zero"`.
    #[serde(default)]
    pub negative_flows: NegativeFlows,
    /// The delimiter of both files (as in `[table]`).
    #[serde(default, deserialize_with = "de_delimiter")]
    pub delimiter: Option<u8>,
}

/// A whole specification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSpec {
    /// The table.
    pub table: Option<TableSection>,
    /// The intermediate block.
    pub sectors: Option<SectorsSection>,
    /// Final demand.
    pub final_demand: Option<FinalDemandSection>,
    /// Gross output.
    pub gross_output: Option<GrossOutputSection>,
    /// Satellites.
    #[serde(default)]
    pub satellite: Vec<SatelliteSection>,
    /// Competitive imports.
    pub imports: Option<ImportsSection>,
    /// Make and use tables instead of a symmetric table.
    pub make_use: Option<MakeUseSection>,
}

/// An economy read from real data, with what was noticed on the way.
#[derive(Debug, Clone)]
pub struct LoadedEconomy {
    /// The economy.
    pub economy: Economy,
    /// Every file read (for the input hash), the specification first.
    pub inputs: Vec<PathBuf>,
    /// Data quirks found and how they were handled.
    pub notes: Vec<String>,
    /// Things that are probably wrong: the results may not be what was meant (an aggregate
    /// counted twice, satellite values that match no sector). Each names the file and what to
    /// do; the command line prints them and `--strict` makes them errors.
    pub warnings: Vec<String>,
    /// Unit of the flows, if the specification gives it.
    pub unit: Option<String>,
}

/// Reads a specification file and the tables it names.
pub fn load(spec_path: &Path) -> Result<LoadedEconomy> {
    let text = crate::error::read_text(spec_path)?;
    let spec: ImportSpec = toml::from_str(&text).map_err(|e| toml_error(spec_path, &text, &e))?;
    let base = spec_path.parent().unwrap_or(Path::new("."));
    let mut loaded = if let Some(mu) = &spec.make_use {
        if spec.table.is_some() || spec.sectors.is_some() {
            return Err(IoError::file(
                spec_path,
                "[make_use] replaces [table] and [sectors]; give one or the other",
            ));
        }
        load_make_use(spec_path, base, &spec, mu)?
    } else {
        load_symmetric(spec_path, base, &spec)?
    };
    loaded.inputs.insert(0, spec_path.to_path_buf());
    Ok(loaded)
}

/// Converts a TOML error into one with the line and column.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> IoError {
    let msg = e.message().to_string();
    match e.span() {
        Some(span) => {
            let (line, col) = crate::error::line_column(text, span.start);
            IoError::at_cell(path, line, col, None, msg)
        }
        None => IoError::file(path, msg),
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

/// "3 and 9" / "3, 9 and 12".
fn join_numbers(numbers: impl Iterator<Item = usize>) -> String {
    let v: Vec<String> = numbers.map(|k| k.to_string()).collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// Labels quoted and joined, at most `max` of them ("… and 7 more").
fn quoted_list<'a>(labels: impl Iterator<Item = &'a str>, max: usize) -> String {
    let v: Vec<&str> = labels.collect();
    let shown: Vec<String> = v.iter().take(max).map(|l| format!("{l:?}")).collect();
    if v.len() > max {
        format!("{} and {} more", shown.join(", "), v.len() - max)
    } else {
        shown.join(", ")
    }
}

/// A number as a person writes it: up to 6 significant digits, no trailing zeros.
fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let digits = (6 - 1 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A table read for the specification: its row labels after filtering.
struct Sheet {
    raw: RawTable,
    /// Indices into raw.rows kept by the filter.
    kept: Vec<usize>,
    labels: Vec<String>,
    /// The column of the row labels.
    label_col: usize,
    /// The columns of the filter.
    filter_cols: Vec<usize>,
}

impl Sheet {
    fn read(
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
    fn line(&self, r: usize) -> usize {
        self.raw.rows[self.kept[r]].line
    }

    fn header_err(&self) -> impl Fn(String) -> IoError + '_ {
        move |m| IoError::at_line(&self.raw.path, self.raw.header_line, m)
    }

    fn rows_err(&self) -> impl Fn(String) -> IoError + '_ {
        move |m| IoError::file(&self.raw.path, m)
    }

    /// Rows by label; a label found twice, in the file or in the selection, is an error naming
    /// both lines.
    fn select_rows(&self, sel: &Selection, what: &str) -> Result<Vec<usize>> {
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
    fn select_columns(&self, sel: &Selection, what: &str) -> Result<Vec<usize>> {
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

    fn row_by_label(&self, label: &str) -> Result<usize> {
        self.select_rows(&Selection::List(vec![label.to_string()]), "row")
            .map(|v| v[0])
    }

    /// Number at (kept row r, column c), missing = 0.
    fn num(&self, r: usize, c: usize) -> Result<f64> {
        self.raw.number_or_zero(self.kept[r], c)
    }

    /// A gross-output cell: a number, zero or more.
    fn output_cell(&self, r: usize, c: usize) -> Result<f64> {
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

    fn non_negative(
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

    /// The finest last printed place among the cells (kept rows × columns): the rounding unit
    /// of the numbers, for the aggregate test.
    fn finest_place(&self, rows: &[usize], cols: &[usize]) -> f64 {
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

    /// `"A" … "B" (lines 2–65)`.
    fn describe_rows(&self, rows: &[usize]) -> String {
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
    fn describe_columns(&self, cols: &[usize]) -> String {
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

/// The columns of the sector rows, found by the rows' labels (no `columns` in `[sectors]`): one
/// per row (`None` for an excluded row that has none). Errors: a row without a column, a row
/// label heading two columns, a column among the sector columns without a row (unless
/// excluded). Returns the columns and the excluded columns without a row.
fn columns_by_label(
    sheet: &Sheet,
    rows: &[usize],
    exclude: &[String],
) -> Result<(Vec<Option<usize>>, Vec<usize>)> {
    let raw = &sheet.raw;
    let mut by_header: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, h) in raw.header.iter().enumerate() {
        if j != sheet.label_col {
            by_header.entry(h.as_str()).or_default().push(j);
        }
    }
    let mut cols: Vec<Option<usize>> = Vec::with_capacity(rows.len());
    for &r in rows {
        let l = sheet.labels[r].as_str();
        match by_header.get(l).map(Vec::as_slice) {
            Some([c]) => cols.push(Some(*c)),
            Some(many) => {
                return Err(IoError::at_line(
                    &raw.path,
                    raw.header_line,
                    format!(
                        "the sector row {l:?} (line {}) matches {} columns headed {l:?} (columns {}); every sector needs exactly one column",
                        sheet.line(r),
                        many.len(),
                        many.iter().map(|c| (c + 1).to_string()).collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
            None => cols.push(None),
        }
    }
    let missing: Vec<usize> = (0..rows.len())
        .filter(|&k| cols[k].is_none() && !exclude.contains(&sheet.labels[rows[k]]))
        .collect();
    if !missing.is_empty() && cols.iter().all(Option::is_none) {
        return Err(IoError::at_line(
            &raw.path,
            raw.header_line,
            format!(
                "none of the {} sector rows ({}) has a column of the same name in the header; if the columns are labelled differently (e.g. CPA rows and NACE columns), name them in [sectors] with columns = {{ first = \"…\", last = \"…\" }}, and rows and columns are then matched by position{}",
                rows.len(),
                sheet.describe_rows(rows),
                raw.delimiter_hint()
            ),
        ));
    }
    if let Some(&k) = missing.first() {
        let l = sheet.labels[rows[k]].as_str();
        let before = (0..k).rev().find_map(|i| cols[i].map(|c| (i, c)));
        let after = (k + 1..rows.len()).find_map(|i| cols[i].map(|c| (i, c)));
        let name =
            |(i, c): (usize, usize)| format!("{:?} (column {})", sheet.labels[rows[i]], c + 1);
        let place = match (before, after) {
            (Some(b), Some(a)) => format!("between the columns {} and {}", name(b), name(a)),
            (Some(b), None) => format!("after the column {}", name(b)),
            (None, Some(a)) => format!("before the column {}", name(a)),
            (None, None) => "among the sector columns".into(),
        };
        let more = if missing.len() > 1 {
            format!(
                " ({} more rows have no column: {})",
                missing.len() - 1,
                quoted_list(
                    missing[1..].iter().map(|&i| sheet.labels[rows[i]].as_str()),
                    8
                )
            )
        } else {
            String::new()
        };
        return Err(IoError::at_line(
            &raw.path,
            sheet.line(rows[k]),
            format!(
                "the sector row {l:?} has no column: no column of the header (line {}) is headed {l:?}{}; as the rows are ordered, its column belongs {place}{more}. Restore the column, or leave the sector out with exclude = [{l:?}] in [sectors]{}",
                raw.header_line,
                suggest(l, raw.header.iter().map(String::as_str)),
                raw.delimiter_hint()
            ),
        ));
    }
    // Every column between the first and the last sector column must be a sector's.
    let found: Vec<(usize, usize)> = (0..rows.len())
        .filter_map(|k| cols[k].map(|c| (c, k)))
        .collect();
    let mut orphans = Vec::new();
    if let (Some(lo), Some(hi)) = (
        found.iter().map(|f| f.0).min(),
        found.iter().map(|f| f.0).max(),
    ) {
        let owner: HashMap<usize, usize> = found.iter().copied().collect();
        for j in lo..=hi {
            if owner.contains_key(&j) || j == sheet.label_col {
                continue;
            }
            let h = raw.header[j].as_str();
            if exclude.iter().any(|x| x == h) {
                orphans.push(j);
                continue;
            }
            let before = (lo..j).rev().find_map(|c| owner.get(&c).map(|&k| rows[k]));
            let after = (j + 1..=hi).find_map(|c| owner.get(&c).map(|&k| rows[k]));
            let name = |r: usize| format!("{:?} (line {})", sheet.labels[r], sheet.line(r));
            let place = match (before, after) {
                (Some(b), Some(a)) => format!("between the rows {} and {}", name(b), name(a)),
                (Some(b), None) => format!("after the row {}", name(b)),
                (None, Some(a)) => format!("before the row {}", name(a)),
                (None, None) => "among the sector rows".into(),
            };
            return Err(IoError::at_cell(
                &raw.path,
                raw.header_line,
                j + 1,
                Some(h),
                format!(
                    "the column {h:?} lies among the sector columns, but no sector row is labelled {h:?}{}: its row is missing, and its flows would be dropped. As the columns are ordered, its row belongs {place}. Restore the row; or, to leave the column out on purpose, add exclude = [{h:?}] in [sectors]",
                    suggest(h, rows.iter().map(|&r| sheet.labels[r].as_str()))
                ),
            ));
        }
    }
    Ok((cols, orphans))
}

/// A sector code's class and number, for matching rows and columns that are labelled
/// differently: the letters before the first digit and the first run of digits, after the
/// prefix common to all labels of its side ("CPA_C10-12" with prefix "CPA_" → ("C", "10")).
fn code_key(label: &str, prefix_len: usize) -> (String, Option<String>) {
    let s = label.get(prefix_len..).unwrap_or(label);
    let letters: String = s
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (letters, (!digits.is_empty()).then_some(digits))
}

fn codes_correspond(a: &(String, Option<String>), b: &(String, Option<String>)) -> bool {
    a.0 == b.0
        && match (&a.1, &b.1) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// The length of the prefix all labels share, cut back to a character boundary; not the whole
/// of any label.
fn common_prefix_len(labels: &[&str]) -> usize {
    let Some(first) = labels.first() else {
        return 0;
    };
    let mut n = first.len();
    for l in &labels[1..] {
        n = n.min(
            first
                .bytes()
                .zip(l.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    let shortest = labels.iter().map(|l| l.len()).min().unwrap_or(0);
    n = n.min(shortest.saturating_sub(1));
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// For rows and columns matched by position: the first position where their codes stop
/// corresponding, when they correspond before it (None: no correspondence to be seen, or all
/// correspond).
fn first_mismatch(row_labels: &[&str], col_labels: &[&str]) -> Option<usize> {
    let pr = common_prefix_len(row_labels);
    let pc = common_prefix_len(col_labels);
    let n = row_labels.len().min(col_labels.len());
    let k = (0..n)
        .find(|&k| !codes_correspond(&code_key(row_labels[k], pr), &code_key(col_labels[k], pc)))?;
    (k > 0).then_some(k)
}

/// Where a satellite's or the gross output's values come from.
enum Source<'a> {
    /// Rows of the table, added up.
    TableRows(Vec<&'a str>),
    /// A column of the table (gross output only).
    TableColumn(&'a str),
    /// Another file.
    File(FileSource<'a>),
}

/// Another file: long (`key`, `value`) or wide (`rows`).
struct FileSource<'a> {
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
struct SourceFields<'a> {
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
    fn satellite(s: &'a SatelliteSection) -> Self {
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

    fn gross_output(g: &'a GrossOutputSection) -> Self {
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

    /// The source these fields describe; a combination that makes no sense is an error naming
    /// the specification.
    fn source(&self, spec_path: &Path) -> Result<Source<'a>> {
        let what = &self.what;
        let err = |m: String| IoError::file(spec_path, format!("{what}: {m}"));
        let rows: Vec<&'a str> = match (self.row, self.rows) {
            (Some(_), Some(_)) => return Err(err("give row or rows, not both".into())),
            (Some(r), None) => vec![r],
            (None, Some(l)) => {
                if l.is_empty() {
                    return Err(err("rows = [] names no row; give at least one".into()));
                }
                l.iter().map(String::as_str).collect()
            }
            (None, None) => Vec::new(),
        };
        let Some(file) = self.file else {
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
                return Err(err(format!(
                    "{k} belongs to another file; give file = \"…\" too (the table's own rows need only row or rows)"
                )));
            }
            return match (self.column, rows.is_empty()) {
                (Some(c), true) => Ok(Source::TableColumn(c)),
                (None, false) => Ok(Source::TableRows(rows)),
                _ => Err(err(if what == "[gross_output]" {
                    "give exactly one of column, row, or file (with key and value for a long file, or row for a wide one)".into()
                } else {
                    "give exactly one of row, rows, or file (with key and value for a long file, or row for a wide one)".into()
                })),
            };
        };
        if self.column.is_some() {
            return Err(err(
                "with file, give key and value (a long file: one line per sector) or row (a wide file: one column per sector); column names a column of the table".into(),
            ));
        }
        let long = match (self.key, self.value, rows.is_empty()) {
            (Some(k), Some(v), true) => Some((k, v)),
            (None, None, false) => None,
            (Some(_), Some(_), false) => {
                return Err(err(
                    "give key and value (a long file: one line per sector) or row (a wide file: one column per sector), not both".into(),
                ))
            }
            (Some(_), None, _) | (None, Some(_), _) => {
                return Err(err(
                    "a long file needs both key (the column of sector labels) and value (the column of values)".into(),
                ))
            }
            (None, None, true) => {
                return Err(err(
                    "with file, give key and value (a long file: one line per sector) or row (a wide file: one line per account, one column per sector)".into(),
                ))
            }
        };
        if long.is_some() && self.labels.is_some() {
            return Err(err(
                "labels names the label column of a wide file; in a long file, key names the column of sector labels".into(),
            ));
        }
        Ok(Source::File(FileSource {
            file,
            long,
            rows,
            labels: self.labels,
            filter: self.filter,
            delimiter: self.delimiter,
            ignore: self.ignore,
            add_to: self.add_to,
        }))
    }
}

/// The sectors of the economy, for matching the keys of another file: by name first, then by
/// row label or column header; excluded sectors are known, to be left out with a note.
struct Products<'a> {
    names: &'a [String],
    by_key: HashMap<&'a str, usize>,
    excluded: HashSet<&'a str>,
}

impl<'a> Products<'a> {
    fn new(
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
struct FileValues {
    path: PathBuf,
    values: Vec<f64>,
    notes: Vec<String>,
    warnings: Vec<String>,
}

fn file_values(
    base: &Path,
    src: &FileSource,
    products: &Products,
    what: &str,
    spec_path: &Path,
) -> Result<FileValues> {
    let path = base.join(src.file);
    let n = products.names.len();
    let mut values: Vec<Option<f64>> = vec![None; n];
    let mut unmatched: Vec<Unmatched> = Vec::new();
    let mut warnings = Vec::new();
    let sheet;
    match src.long {
        Some((key, value)) => {
            sheet = Sheet::read(&path, Some(key), 1, src.filter, src.delimiter)?;
            let vc = sheet.raw.column(value)?;
            let mut first_line: HashMap<&str, usize> = HashMap::new();
            for (k, l) in sheet.labels.iter().enumerate() {
                if let Some(prev) = first_line.insert(l.as_str(), sheet.line(k)) {
                    return Err(IoError::at_line(
                        &path,
                        sheet.line(k),
                        format!("the key {l:?} appears twice after filtering, on lines {prev} and {}; add a filter so each sector has one line", sheet.line(k)),
                    ));
                }
            }
            let mut from: Vec<Option<usize>> = vec![None; n];
            for (k, l) in sheet.labels.iter().enumerate() {
                let row = sheet.kept[k];
                match products.by_key.get(l.as_str()) {
                    Some(&i) => {
                        if let Some(other) = from[i] {
                            return Err(IoError::at_line(
                                &path,
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
                    &path,
                    format!(
                        "{what}: no line has {key:?} = {s:?}{}{}",
                        suggest(s, sheet.labels.iter().map(String::as_str)),
                        sheet.raw.delimiter_hint()
                    ),
                ));
            }
        }
        None => {
            sheet = Sheet::read(&path, src.labels, 1, src.filter, src.delimiter)?;
            let rows = src
                .rows
                .iter()
                .map(|r| sheet.row_by_label(r))
                .collect::<Result<Vec<_>>>()?;
            let mut from: Vec<Option<usize>> = vec![None; n];
            let mut cols: Vec<usize> = vec![0; n];
            for (j, h) in sheet.raw.header.iter().enumerate() {
                if j == sheet.label_col || sheet.filter_cols.contains(&j) {
                    continue;
                }
                match products.by_key.get(h.as_str()) {
                    Some(&i) => {
                        if let Some(other) = from[i] {
                            return Err(IoError::at_line(
                                &path,
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
                        for &r in &rows {
                            acc += sheet.raw.required_number(sheet.kept[r], j)?;
                        }
                        values[i] = Some(acc);
                    }
                    None => {
                        // A text column (a description, a unit) holds no value.
                        let mut acc = Some(0.0);
                        for &r in &rows {
                            match crate::table::parse_number(
                                &sheet.raw.rows[sheet.kept[r]].cells[j],
                            ) {
                                Ok(v) => acc = acc.map(|a| a + v.unwrap_or(0.0)),
                                Err(_) => acc = None,
                            }
                        }
                        if acc.is_some() {
                            unmatched.push(Unmatched {
                                key: h.clone(),
                                place: format!("column {}", j + 1),
                                value: acc,
                            });
                        }
                    }
                }
            }
            if let Some(i) = (0..n).find(|&i| values[i].is_none()) {
                let s = &products.names[i];
                return Err(IoError::at_line(
                    &path,
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
                let labels: Vec<&str> = rows.iter().map(|&r| sheet.labels[r].as_str()).collect();
                let unit = sheet.finest_place(&rows, &cols);
                let refs: Vec<&[f64]> = vectors.iter().map(Vec::as_slice).collect();
                for f in aggregates::find(&labels, &refs, unit, None) {
                    warnings.push(format!(
                        "{}:{}: {what}: {}",
                        path.display(),
                        sheet.line(rows[f.aggregate]),
                        aggregate_message("row", &labels, &f, "rows")
                    ));
                }
            }
        }
    }
    let mut values: Vec<f64> = values.into_iter().map(|v| v.unwrap_or(0.0)).collect();
    let mut notes = Vec::new();
    // What the specification says about keys that are no sector.
    let position = |key: &str| unmatched.iter().position(|u| u.key == key);
    let not_a_key = |key: &str, field: &str| -> IoError {
        let m = if products.by_key.contains_key(key) {
            format!("{what}: {field} names {key:?}, which is a sector of the table; {field} is for keys of the file that are not")
        } else {
            format!(
                "{what}: {field} names {key:?}, which is not a key of {}{}",
                path.display(),
                suggest(key, unmatched.iter().map(|u| u.key.as_str()))
            )
        };
        IoError::file(spec_path, m)
    };
    let mut handled = vec![false; unmatched.len()];
    for (key, target) in src.add_to {
        let k = position(key).ok_or_else(|| not_a_key(key, "add_to"))?;
        let &i = products.by_key.get(target.as_str()).ok_or_else(|| {
            IoError::file(
                spec_path,
                format!(
                    "{what}: add_to adds {key:?} to {target:?}, which is not a sector{}",
                    suggest(target, products.names.iter().map(String::as_str))
                ),
            )
        })?;
        let u = &unmatched[k];
        let v = u.value.ok_or_else(|| {
            IoError::file(
                &path,
                format!("{what}: the value of {key:?} ({}) is not a number", u.place),
            )
        })?;
        values[i] += v;
        handled[k] = true;
        notes.push(format!(
            "{what}: the value of {key:?} in {} ({}) is added to {:?} (add_to)",
            path.display(),
            short(v),
            products.names[i]
        ));
    }
    let mut ignored = Vec::new();
    for key in src.ignore {
        let k = position(key).ok_or_else(|| not_a_key(key, "ignore"))?;
        if handled[k] {
            return Err(IoError::file(
                spec_path,
                format!("{what}: {key:?} is in both add_to and ignore; give one"),
            ));
        }
        handled[k] = true;
        ignored.push(k);
    }
    let listed = |ks: &[usize]| -> String {
        let shown: Vec<String> = ks
            .iter()
            .take(20)
            .map(|&k| {
                let u = &unmatched[k];
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
    };
    let sum_of = |ks: &[usize]| -> f64 { ks.iter().filter_map(|&k| unmatched[k].value).sum() };
    if !ignored.is_empty() {
        notes.push(format!(
            "{what}: keys of {} left out on purpose (ignore): {} — {} in all",
            path.display(),
            listed(&ignored),
            short(sum_of(&ignored))
        ));
    }
    let rest: Vec<usize> = (0..unmatched.len()).filter(|&k| !handled[k]).collect();
    let (excluded, rest): (Vec<usize>, Vec<usize>) = rest
        .into_iter()
        .partition(|&k| products.excluded.contains(unmatched[k].key.as_str()));
    if !excluded.is_empty() {
        notes.push(format!(
            "{what}: the values of excluded sectors in {} are left out: {} — {} in all",
            path.display(),
            listed(&excluded),
            short(sum_of(&excluded))
        ));
    }
    let matched_total: f64 = values.iter().sum();
    let matched_mass: f64 = values.iter().map(|v| v.abs()).sum();
    let (totals, rest): (Vec<usize>, Vec<usize>) = rest.into_iter().partition(|&k| {
        unmatched[k].value.is_some_and(|v| {
            // Within 0.01 %: a published total of rounded values need not add up exactly.
            v != 0.0 && (v - matched_total).abs() <= 1e-4 * matched_mass.max(v.abs())
        })
    });
    if !totals.is_empty() {
        notes.push(format!(
            "{what}: {} of {} holds the total of the sectors' values and is left out",
            listed(&totals),
            path.display()
        ));
    }
    let (zeros, rest): (Vec<usize>, Vec<usize>) = rest
        .into_iter()
        .partition(|&k| unmatched[k].value == Some(0.0));
    if !zeros.is_empty() {
        notes.push(format!(
            "{what}: keys of {} that match no sector, all zero: {}",
            path.display(),
            listed(&zeros)
        ));
    }
    if !rest.is_empty() {
        let dropped = sum_of(&rest);
        let share = if (matched_mass + dropped.abs()) > 0.0 {
            format!(
                ", {:.1}% of all the file's values",
                100.0 * dropped.abs() / (matched_mass + dropped.abs())
            )
        } else {
            String::new()
        };
        let example = unmatched[rest[0]].key.as_str();
        warnings.push(format!(
            "{}: {what}: {} {}{} of the file match{} no sector of the table, and {} left out: {} — {} in all{share}. If {} belongs to a sector of another name, add it with add_to = {{ {example:?} = \"…\" }}; if it is left out on purpose, say so with ignore = [{example:?}]",
            path.display(),
            rest.len(),
            if src.long.is_some() { "key" } else { "column" },
            if rest.len() == 1 { "" } else { "s" },
            if rest.len() == 1 { "es" } else { "" },
            if rest.len() == 1 { "its value is" } else { "their values are" },
            listed(&rest),
            short(dropped),
            if rest.len() == 1 { "it" } else { "a key" },
        ));
    }
    Ok(FileValues {
        path,
        values,
        notes,
        warnings,
    })
}

/// `final-demand column "P3" equals the sum of "P3_S13", "P3_S14", "P3_S15": it is counted
/// twice; leave it out of the selection`. `kind` names a member ("final-demand column"),
/// `plural` the members ("columns").
fn aggregate_message(kind: &str, labels: &[&str], f: &Found, plural: &str) -> String {
    let name = labels[f.aggregate];
    let list = |idx: &[usize]| quoted_list(idx.iter().map(|&j| labels[j]), 12);
    let equals = match &f.parts {
        Parts::Members(p) if p.len() == 1 => format!("equals {}", list(p)),
        Parts::Members(p) => format!("equals the sum of {}", list(p)),
        Parts::Base => "equals the total intermediate use (the sum of the sector columns)".into(),
        Parts::BasePlus(p) => format!(
            "equals the total use: the intermediate use (the sum of the sector columns) plus {}",
            list(p)
        ),
    };
    format!(
        "{kind} {name:?} {equals}: it is counted twice; leave it out of the selection (or leave out its parts: a table's {plural} must not overlap)"
    )
}

fn model_error(path: &Path, e: ModelError, sectors: &[String]) -> IoError {
    let name = |i: usize| {
        sectors
            .get(i)
            .map(|s| format!("{s:?}"))
            .unwrap_or(i.to_string())
    };
    let msg = match &e {
        ModelError::Negative {
            what,
            row,
            col,
            value,
        } => format!(
            "{what} of {} in {} is {value}; it cannot be negative",
            name(*row),
            name(*col)
        ),
        ModelError::NotFinite {
            what, row, value, ..
        } => {
            format!("{what} for {} is {value}; it must be finite", name(*row))
        }
        ModelError::DuplicateLabel { label } => {
            format!("the sector {label:?} appears twice; sector labels must be unique")
        }
        _ => e.to_string(),
    };
    IoError::file(path, msg)
}

/// With `columns` given, rows and columns are matched by position: their counts must agree,
/// and where the codes can be compared, a mismatch is named.
fn check_positions(
    sheet: &Sheet,
    rows: &[usize],
    cols: &[usize],
    spec_path: &Path,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let rl: Vec<&str> = rows.iter().map(|&r| sheet.labels[r].as_str()).collect();
    let cl: Vec<&str> = cols.iter().map(|&c| sheet.raw.header[c].as_str()).collect();
    let (pr, pc) = (common_prefix_len(&rl), common_prefix_len(&cl));
    let corr = |i: usize, j: usize| codes_correspond(&code_key(rl[i], pr), &code_key(cl[j], pc));
    let row = |i: usize| format!("the row {:?} (line {})", rl[i], sheet.line(rows[i]));
    let col = |j: usize| format!("the column {:?} (column {})", cl[j], cols[j] + 1);
    let n = rl.len().min(cl.len());
    if rl.len() != cl.len() {
        let at = match first_mismatch(&rl, &cl) {
            Some(k) if rl.len() < cl.len() && k + 1 < cl.len() && corr(k, k + 1) => format!(
                " Their codes correspond up to position {k}, and then {} has no row: {} corresponds to the column after it. Restore the row, or leave the column out of the selection.",
                col(k),
                row(k)
            ),
            Some(k) if rl.len() > cl.len() && k + 1 < rl.len() && corr(k + 1, k) => format!(
                " Their codes correspond up to position {k}, and then {} has no column: {} corresponds to the row after it. Restore the column, or leave the row out of the selection.",
                row(k),
                col(k)
            ),
            Some(k) => format!(
                " They stop lining up at position {}: {} would be matched with {}.",
                k + 1,
                row(k),
                col(k)
            ),
            None if n > 0 && (0..n).all(|k| corr(k, k)) => {
                if rl.len() > cl.len() {
                    format!(
                        " The first {n} correspond; the last {} rows have no column: {}.",
                        rl.len() - n,
                        quoted_list(rl[n..].iter().copied(), 8)
                    )
                } else {
                    format!(
                        " The first {n} correspond; the last {} columns have no row: {}.",
                        cl.len() - n,
                        quoted_list(cl[n..].iter().copied(), 8)
                    )
                }
            }
            None => String::new(),
        };
        return Err(IoError::file(
            spec_path,
            format!(
                "[sectors] selects {} rows, {}, but {} columns, {}; rows and columns are matched by position, so there must be as many of each.{at}",
                rl.len(),
                sheet.describe_rows(rows),
                cl.len(),
                sheet.describe_columns(cols)
            ),
        ));
    }
    // Codes that correspond one position off: the ranges are shifted.
    let agree = (0..n).filter(|&i| corr(i, i)).count();
    let after = (0..n.saturating_sub(1)).filter(|&i| corr(i, i + 1)).count();
    let before = (0..n.saturating_sub(1)).filter(|&i| corr(i + 1, i)).count();
    if n >= 3 && agree * 2 < n && after.max(before) * 10 >= (n - 1) * 9 {
        let k = if after >= before {
            (0..n - 1).find(|&i| corr(i, i + 1))
        } else {
            (0..n - 1).find(|&i| corr(i + 1, i))
        }
        .unwrap_or(0);
        // Column c corresponds to row r, but is matched with row c.
        let (r, c) = if after >= before {
            (k, k + 1)
        } else {
            (k + 1, k)
        };
        warnings.push(format!(
            "{}: [sectors] matches rows and columns by position, but their codes correspond one position off: {} is matched with {}, but corresponds to {}, and so on for {} of {n} pairs. Check the first and last labels of the rows and columns",
            spec_path.display(),
            col(c),
            row(c),
            row(r),
            after.max(before)
        ));
        return Ok(());
    }
    if let Some(k) = first_mismatch(&rl, &cl) {
        if agree * 10 >= n * 9 {
            warnings.push(format!(
                "{}: [sectors] matches rows and columns by position, and their codes correspond up to position {k}, but then {} is matched with {} ({} of {n} pairs differ); check that rows and columns list the same sectors in the same order",
                spec_path.display(),
                row(k),
                col(k),
                n - agree
            ));
        }
    }
    Ok(())
}

fn load_symmetric(spec_path: &Path, base: &Path, spec: &ImportSpec) -> Result<LoadedEconomy> {
    let table = spec.table.as_ref().ok_or_else(|| {
        IoError::file(
            spec_path,
            "the specification needs a [table] section (or [make_use])",
        )
    })?;
    let sectors_sec = spec.sectors.as_ref().ok_or_else(|| {
        IoError::file(
            spec_path,
            "the specification needs a [sectors] section naming the intermediate rows",
        )
    })?;
    let path = base.join(&table.file);
    let sheet = Sheet::read(
        &path,
        table.labels.as_deref(),
        table.header_rows,
        &table.filter,
        table.delimiter,
    )?;
    let mut inputs = vec![path.clone()];
    let mut notes = Vec::new();
    let mut warnings = Vec::new();

    let rows = sheet.select_rows(&sectors_sec.rows, "sector row")?;
    let (cols, orphans) = match &sectors_sec.columns {
        None => columns_by_label(&sheet, &rows, &sectors_sec.exclude)?,
        Some(sel) => {
            let cols = sheet.select_columns(sel, "sector column")?;
            check_positions(&sheet, &rows, &cols, spec_path, &mut warnings)?;
            (cols.into_iter().map(Some).collect(), Vec::new())
        }
    };
    let all_names: Vec<String> = (0..rows.len())
        .map(|k| match (sectors_sec.names_from_columns, cols[k]) {
            (true, Some(c)) => sheet.raw.header[c].clone(),
            _ => sheet.labels[rows[k]].clone(),
        })
        .collect();
    let orphan_names: Vec<&str> = orphans
        .iter()
        .map(|&c| sheet.raw.header[c].as_str())
        .collect();
    for x in &sectors_sec.exclude {
        if !all_names.contains(x) && !orphan_names.contains(&x.as_str()) {
            return Err(IoError::file(
                spec_path,
                format!(
                    "[sectors] exclude names {x:?}, which is not a sector{}",
                    suggest(x, all_names.iter().map(String::as_str))
                ),
            ));
        }
    }
    if !orphan_names.is_empty() {
        notes.push(format!(
            "columns among the sector columns without a row, left out (exclude): {}",
            quoted_list(orphan_names.iter().copied(), 20)
        ));
    }
    let keep: Vec<usize> = (0..rows.len())
        .filter(|&k| !sectors_sec.exclude.contains(&all_names[k]))
        .collect();
    let names: Vec<String> = keep.iter().map(|&k| all_names[k].clone()).collect();
    let excluded: Vec<usize> = (0..rows.len())
        .filter(|&k| sectors_sec.exclude.contains(&all_names[k]))
        .collect();
    let rows_all = rows;
    let rows: Vec<usize> = keep.iter().map(|&k| rows_all[k]).collect();
    // Every kept sector has its column (columns_by_label refuses the others).
    let cols_all = cols;
    let cols: Vec<usize> = keep.iter().filter_map(|&k| cols_all[k]).collect();
    let n = names.len();
    let row_labels: Vec<String> = rows.iter().map(|&r| sheet.labels[r].clone()).collect();
    let col_labels: Vec<String> = cols.iter().map(|&c| sheet.raw.header[c].clone()).collect();
    let mut excluded_keys: Vec<&str> = Vec::new();
    for &k in &excluded {
        excluded_keys.push(all_names[k].as_str());
        excluded_keys.push(sheet.labels[rows_all[k]].as_str());
        if let Some(c) = cols_all[k] {
            excluded_keys.push(sheet.raw.header[c].as_str());
        }
    }
    excluded_keys.extend(orphan_names.iter().copied());
    let products = Products::new(
        &names,
        &[&row_labels, &col_labels],
        excluded_keys.iter().copied(),
    );

    let mut z = DenseMatrix::zeros(n, n);
    let mut zeroed = Vec::new();
    for (i, &r) in rows.iter().enumerate() {
        for (j, &c) in cols.iter().enumerate() {
            z.set(
                i,
                j,
                sheet.non_negative(r, c, "the flow", sectors_sec.negative_flows, &mut zeroed)?,
            );
        }
    }
    note_zeroed(&mut notes, &zeroed);
    // Sectors that are sums of others (Slovakia's CPA_C10-12 beside CPA_C10, CPA_C11, CPA_C12).
    if n >= 2 {
        let unit = sheet.finest_place(&rows, &cols);
        let by_row: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| z.get(i, j)).collect())
            .collect();
        let by_col: Vec<Vec<f64>> = (0..n)
            .map(|j| (0..n).map(|i| z.get(i, j)).collect())
            .collect();
        let labels: Vec<&str> = names.iter().map(String::as_str).collect();
        let row_refs: Vec<&[f64]> = by_row.iter().map(Vec::as_slice).collect();
        let col_refs: Vec<&[f64]> = by_col.iter().map(Vec::as_slice).collect();
        let in_rows = aggregates::find(&labels, &row_refs, unit, None);
        let in_cols = aggregates::find(&labels, &col_refs, unit, None);
        let mut flagged: Vec<usize> = in_rows
            .iter()
            .chain(&in_cols)
            .map(|f| f.aggregate)
            .collect();
        flagged.sort_unstable();
        flagged.dedup();
        for k in flagged {
            let r = in_rows.iter().find(|f| f.aggregate == k);
            let c = in_cols.iter().find(|f| f.aggregate == k);
            let parts = match r.or(c).map(|f| &f.parts) {
                Some(Parts::Members(p)) => quoted_list(p.iter().map(|&j| labels[j]), 12),
                _ => continue,
            };
            let name = labels[k];
            let what = match (r, c) {
                (Some(_), Some(_)) => format!(
                    "sector {name:?} (line {}, column {}): its row and its column equal the sums of those of {parts}",
                    sheet.line(rows[k]),
                    cols[k] + 1
                ),
                (Some(_), None) => format!(
                    "sector {name:?} (line {}): its row equals the sum of the rows of {parts}",
                    sheet.line(rows[k])
                ),
                _ => format!(
                    "sector {name:?} (column {}): its column equals the sum of the columns of {parts}",
                    cols[k] + 1
                ),
            };
            warnings.push(format!(
                "{}: {what}: it is counted twice; leave it out with exclude = [{name:?}] in [sectors], or leave out its parts (a table's sectors must not overlap)",
                path.display()
            ));
        }
    }
    // Final demand, by category.
    let mut fd: Vec<FinalDemand> = Vec::new();
    if let Some(f) = &spec.final_demand {
        let fd_cols = sheet.select_columns(&f.columns, "final-demand column")?;
        for &c in &fd_cols {
            let values = rows
                .iter()
                .map(|&r| sheet.num(r, c))
                .collect::<Result<Vec<_>>>()?;
            if values.iter().any(|v| *v < 0.0) {
                notes.push(format!(
                    "final demand {:?} has negative entries (imports or inventory changes recorded as negative final demand)",
                    sheet.raw.header[c]
                ));
            }
            fd.push(FinalDemand {
                name: sheet.raw.header[c].clone(),
                values,
            });
        }
        // Totals beside their parts (P3 beside P3_S13, P3_S14, P3_S15; TFU; TU).
        let intermediate_use: Vec<f64> =
            (0..n).map(|i| (0..n).map(|j| z.get(i, j)).sum()).collect();
        let labels: Vec<&str> = fd.iter().map(|f| f.name.as_str()).collect();
        let vectors: Vec<&[f64]> = fd.iter().map(|f| f.values.as_slice()).collect();
        let unit = sheet.finest_place(&rows, &fd_cols);
        for found in aggregates::find(&labels, &vectors, unit, Some(&intermediate_use)) {
            let c = fd_cols[found.aggregate];
            warnings.push(
                IoError::at_cell(
                    &path,
                    sheet.raw.header_line,
                    c + 1,
                    None,
                    aggregate_message(
                        "final-demand column",
                        &labels,
                        &found,
                        "final-demand columns",
                    ),
                )
                .to_string(),
            );
        }
    }
    // Gross output.
    let row_sums: Vec<f64> = (0..n)
        .map(|i| {
            (0..n).map(|j| z.get(i, j)).sum::<f64>() + fd.iter().map(|f| f.values[i]).sum::<f64>()
        })
        .collect();
    let x: Vec<f64> = match &spec.gross_output {
        None => {
            notes.push(
                "gross output computed as row sums Z·1 + Y·1 (no [gross_output] given)".into(),
            );
            row_sums.clone()
        }
        Some(g) => match SourceFields::gross_output(g).source(spec_path)? {
            Source::TableColumn(c) => {
                let c = sheet.raw.column(c)?;
                rows.iter()
                    .map(|&r| sheet.output_cell(r, c))
                    .collect::<Result<_>>()?
            }
            Source::TableRows(rl) => {
                let r = sheet.row_by_label(rl[0])?;
                cols.iter()
                    .map(|&c| sheet.output_cell(r, c))
                    .collect::<Result<_>>()?
            }
            Source::File(src) => {
                let got = file_values(base, &src, &products, "gross output", spec_path)?;
                inputs.push(got.path);
                notes.extend(got.notes);
                warnings.extend(got.warnings);
                got.values
            }
        },
    };
    for (i, v) in x.iter().enumerate() {
        if *v < 0.0 {
            return Err(IoError::file(
                &path,
                format!(
                    "gross output of {:?} is {v}; output cannot be negative",
                    names[i]
                ),
            ));
        }
    }
    if spec.gross_output.is_some() && !fd.is_empty() && spec.imports.is_none() {
        let worst = (0..n)
            .map(|i| ((row_sums[i] - x[i]).abs() / x[i].abs().max(1e-300), i))
            .filter(|(d, i)| x[*i] != 0.0 && *d > 1e-6)
            .collect::<Vec<_>>();
        if !worst.is_empty() {
            notes.push(format!(
                "{} sectors' recorded gross output differs from Z·1 + Y·1 by more than 1e-6 (relative); largest for {:?}",
                worst.len(),
                names[worst.iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|w| w.1).unwrap_or(0)]
            ));
        }
    }
    let mut economy =
        Economy::from_flows(names.clone(), &z, &x).map_err(|e| model_error(&path, e, &names))?;
    if !economy.zero_output_sectors.is_empty() {
        notes.push(format!(
            "{} sectors have zero output and get a zero column in A: {}",
            economy.zero_output_sectors.len(),
            economy
                .zero_output_sectors
                .iter()
                .map(|&k| names[k].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let cs = economy.a.column_sums();
    let above: Vec<&str> = (0..n)
        .filter(|&j| cs[j] > 1.0)
        .map(|j| names[j].as_str())
        .collect();
    if !above.is_empty() {
        notes.push(format!(
            "{} sectors use more intermediate inputs than they produce (column sum of A above 1, negative value added): {}",
            above.len(),
            above.join(", ")
        ));
    }
    // Competitive imports: switch to the domestic economy.
    if let Some(imp) = &spec.imports {
        let imp_cols = sheet.select_columns(&imp.columns, "import column")?;
        let exp_cols = match &imp.exports {
            Some(s) => sheet.select_columns(s, "export column")?,
            None => Vec::new(),
        };
        let imp_names: Vec<&str> = imp_cols
            .iter()
            .map(|&c| sheet.raw.header[c].as_str())
            .collect();
        let exp_names: Vec<&str> = exp_cols
            .iter()
            .map(|&c| sheet.raw.header[c].as_str())
            .collect();
        let imports: Vec<f64> = (0..n)
            .map(|i| {
                fd.iter()
                    .filter(|f| imp_names.contains(&f.name.as_str()))
                    .map(|f| f.values[i])
                    .sum()
            })
            .collect();
        if imp_names.iter().any(|c| !fd.iter().any(|f| f.name == *c)) {
            return Err(IoError::file(
                spec_path,
                "[imports] columns must also be listed in [final_demand]",
            ));
        }
        let domestic_fd: Vec<f64> = (0..n)
            .map(|i| {
                fd.iter()
                    .filter(|f| {
                        !imp_names.contains(&f.name.as_str())
                            && !exp_names.contains(&f.name.as_str())
                    })
                    .map(|f| f.values[i])
                    .sum()
            })
            .collect();
        let intermediate: Vec<f64> = (0..n).map(|i| (0..n).map(|j| z.get(i, j)).sum()).collect();
        for i in 0..n {
            let absorption = intermediate[i] + domestic_fd[i];
            if imports[i].abs() > absorption {
                return Err(IoError::file(
                    &path,
                    format!(
                        "the imports of {:?} ({}) exceed its domestic absorption (intermediate use + domestic final demand = {absorption}); check the [imports] and exports columns",
                        names[i], imports[i]
                    ),
                ));
            }
        }
        let (ad, m) = domestic_coefficients(&economy.a, &intermediate, &domestic_fd, &imports)
            .map_err(|e| model_error(&path, e, &names))?;
        economy.a = ad;
        // Final demand met from domestic production: (1 − m_i) of domestic demand, plus exports.
        economy.final_demand = fd
            .iter()
            .filter(|f| !imp_names.contains(&f.name.as_str()))
            .map(|f| {
                let export = exp_names.contains(&f.name.as_str());
                FinalDemand {
                    name: f.name.clone(),
                    values: f
                        .values
                        .iter()
                        .zip(&m)
                        .map(|(v, m)| if export { *v } else { (1.0 - m) * v })
                        .collect(),
                }
            })
            .collect();
        notes.push(format!(
            "competitive-import table: domestic coefficients (I − M)·A with import ratios from {} (largest {:.4})",
            imp_names.join(", "),
            m.iter().cloned().fold(0.0, f64::max)
        ));
    } else {
        for f in fd {
            economy
                .add_final_demand(f)
                .map_err(|e| model_error(&path, e, &names))?;
        }
    }
    // Satellites.
    for s in &spec.satellite {
        let what = format!("satellite {:?}", s.name);
        let totals = match SourceFields::satellite(s).source(spec_path)? {
            Source::TableRows(list) => {
                let idx = list
                    .iter()
                    .map(|rl| sheet.row_by_label(rl))
                    .collect::<Result<Vec<_>>>()?;
                let vectors = idx
                    .iter()
                    .map(|&r| {
                        cols.iter()
                            .map(|&c| sheet.num(r, c))
                            .collect::<Result<Vec<_>>>()
                    })
                    .collect::<Result<Vec<_>>>()?;
                if idx.len() > 1 {
                    let labels: Vec<&str> = list.clone();
                    let refs: Vec<&[f64]> = vectors.iter().map(Vec::as_slice).collect();
                    let unit = sheet.finest_place(&idx, &cols);
                    for f in aggregates::find(&labels, &refs, unit, None) {
                        warnings.push(format!(
                            "{}:{}: {what}: {}",
                            path.display(),
                            sheet.line(idx[f.aggregate]),
                            aggregate_message("row", &labels, &f, "rows")
                        ));
                    }
                }
                (0..n)
                    .map(|k| vectors.iter().map(|v| v[k]).sum())
                    .collect::<Vec<f64>>()
            }
            Source::TableColumn(_) => unreachable!("a satellite has no column"),
            Source::File(src) => {
                let got = file_values(base, &src, &products, &what, spec_path)?;
                inputs.push(got.path);
                notes.extend(got.notes);
                warnings.extend(got.warnings);
                got.values
            }
        };
        economy
            .add_satellite_totals(&s.name, s.unit.clone(), &totals)
            .map_err(|e| model_error(&path, e, &names))?;
        if s.labour {
            economy
                .set_labour(&s.name)
                .map_err(|e| model_error(spec_path, e, &names))?;
        }
    }
    if spec.satellite.iter().filter(|s| s.labour).count() > 1 {
        return Err(IoError::file(
            spec_path,
            "only one satellite can be labour = true",
        ));
    }
    Ok(LoadedEconomy {
        economy,
        inputs,
        notes,
        warnings,
        unit: table.unit.clone(),
    })
}

fn load_make_use(
    spec_path: &Path,
    base: &Path,
    spec: &ImportSpec,
    mu: &MakeUseSection,
) -> Result<LoadedEconomy> {
    let make_path = base.join(&mu.make);
    let use_path = base.join(&mu.use_);
    let make = Sheet::read(&make_path, None, 1, &BTreeMap::new(), mu.delimiter)?;
    let use_ = Sheet::read(&use_path, None, 1, &BTreeMap::new(), mu.delimiter)?;
    let ind_rows = make.select_rows(&mu.industries, "industry")?;
    let com_cols = make.select_columns(&mu.commodities, "commodity")?;
    let industries: Vec<String> = ind_rows.iter().map(|&r| make.labels[r].clone()).collect();
    let commodities: Vec<String> = com_cols
        .iter()
        .map(|&c| make.raw.header[c].clone())
        .collect();
    let (ni, nc) = (industries.len(), commodities.len());
    let mut zeroed = Vec::new();
    let mut v = DenseMatrix::zeros(ni, nc);
    for (i, &r) in ind_rows.iter().enumerate() {
        for (c, &col) in com_cols.iter().enumerate() {
            v.set(
                i,
                c,
                make.non_negative(r, col, "the make entry", mu.negative_flows, &mut zeroed)?,
            );
        }
    }
    // The use table's rows and columns are found by the make table's labels.
    let u_rows = use_.select_rows(&Selection::List(commodities.clone()), "commodity row")?;
    let u_cols = use_.select_columns(&Selection::List(industries.clone()), "industry column")?;
    let mut u = DenseMatrix::zeros(nc, ni);
    for (c, &r) in u_rows.iter().enumerate() {
        for (i, &col) in u_cols.iter().enumerate() {
            u.set(
                c,
                i,
                use_.non_negative(r, col, "the use entry", mu.negative_flows, &mut zeroed)?,
            );
        }
    }
    let sym = symmetric_table(&v, &u, mu.assumption).map_err(|e| match e {
        ModelError::NegativeResult { what, count, row, col, value } => IoError::file(
            spec_path,
            format!(
                "{what} gives {count} negative coefficients (the most negative is {value:.4}: {:?} used per unit of {:?}); use assumption = \"industry-technology\"",
                commodities[row], commodities[col]
            ),
        ),
        ModelError::NotFinite { what, row, .. } if what == "industry output" => IoError::file(
            &make_path,
            format!("the output of industry {:?} (the sum of its make-table row) is not a finite number; check its entries", industries[row]),
        ),
        ModelError::NotFinite { what, row, .. } if what == "commodity output" => IoError::file(
            &make_path,
            format!("the output of commodity {:?} (the sum of its make-table column) is not a finite number; check its entries", commodities[row]),
        ),
        e => IoError::file(spec_path, e.to_string()),
    })?;
    let by_industry = mu.assumption == TechnologyAssumption::IndustryByIndustry;
    let names = if by_industry {
        industries.clone()
    } else {
        commodities.clone()
    };
    let a = TechnicalCoefficients::dense(sym.a.clone())
        .map_err(|e| model_error(spec_path, e, &names))?;
    let mut economy =
        Economy::new(names.clone(), a).map_err(|e| model_error(spec_path, e, &names))?;
    let output = if by_industry {
        sym.industry_output.clone()
    } else {
        sym.commodity_output.clone()
    };
    economy.zero_output_sectors = (0..output.len()).filter(|&k| output[k] == 0.0).collect();
    economy.recorded_output = Some(output);
    let mut notes = Vec::new();
    note_zeroed(&mut notes, &zeroed);
    notes.push(format!(
        "make and use tables converted to a {} table under the {} assumption ({ni} industries, {nc} commodities)",
        if by_industry { "industry-by-industry" } else { "commodity-by-commodity" },
        match mu.assumption {
            TechnologyAssumption::CommodityTechnology => "commodity-technology",
            _ => "industry-technology",
        }
    ));
    let mut warnings = Vec::new();
    if let Some(sel) = &mu.final_demand {
        let fd_cols = use_.select_columns(sel, "final-demand column")?;
        // Totals beside their parts, on the use table's own numbers (by commodity).
        let by_commodity = fd_cols
            .iter()
            .map(|&c| {
                u_rows
                    .iter()
                    .map(|&r| use_.num(r, c))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        let labels: Vec<&str> = fd_cols
            .iter()
            .map(|&c| use_.raw.header[c].as_str())
            .collect();
        let refs: Vec<&[f64]> = by_commodity.iter().map(Vec::as_slice).collect();
        let intermediate_use: Vec<f64> = (0..nc)
            .map(|k| (0..ni).map(|i| u.get(k, i)).sum())
            .collect();
        let unit = use_.finest_place(&u_rows, &fd_cols);
        for found in aggregates::find(&labels, &refs, unit, Some(&intermediate_use)) {
            warnings.push(
                IoError::at_cell(
                    &use_path,
                    use_.raw.header_line,
                    fd_cols[found.aggregate] + 1,
                    None,
                    aggregate_message(
                        "final-demand column",
                        &labels,
                        &found,
                        "final-demand columns",
                    ),
                )
                .to_string(),
            );
        }
        for c in fd_cols {
            let by_commodity = u_rows
                .iter()
                .map(|&r| use_.num(r, c))
                .collect::<Result<Vec<_>>>()?;
            // Final demand is for commodities; in an industry-by-industry table it is moved to
            // the industries that make them, by market share: D · f.
            let values = if by_industry {
                (0..ni)
                    .map(|i| {
                        (0..nc)
                            .map(|k| sym.market_shares.get(i, k) * by_commodity[k])
                            .sum()
                    })
                    .collect()
            } else {
                by_commodity
            };
            economy
                .add_final_demand(FinalDemand {
                    name: use_.raw.header[c].clone(),
                    values,
                })
                .map_err(|e| model_error(&use_path, e, &names))?;
        }
    }
    for s in &spec.satellite {
        let source = SourceFields::satellite(s).source(spec_path)?;
        let rows: Vec<String> = match source {
            Source::TableRows(l) => l.iter().map(|r| r.to_string()).collect(),
            _ => {
                return Err(IoError::file(
                    spec_path,
                    format!(
                        "satellite {:?}: with [make_use], give row or rows of the use table (another file is not read for make and use tables)",
                        s.name
                    ),
                ))
            }
        };
        let mut totals = vec![0.0; ni];
        for rl in &rows {
            let r = use_.row_by_label(rl)?;
            for (i, &c) in u_cols.iter().enumerate() {
                totals[i] += use_.num(r, c)?;
            }
        }
        let intensity = sym.satellite_intensity(&totals, mu.assumption);
        economy
            .add_satellite(plenty_core::Satellite {
                name: s.name.clone(),
                unit: s.unit.clone(),
                intensity,
            })
            .map_err(|e| model_error(&use_path, e, &names))?;
        if s.labour {
            economy
                .set_labour(&s.name)
                .map_err(|e| model_error(spec_path, e, &names))?;
        }
    }
    let cs = economy.a.column_sums();
    let above: Vec<&str> = (0..economy.n())
        .filter(|&j| cs[j] > 1.0)
        .map(|j| economy.products[j].as_str())
        .collect();
    if !above.is_empty() {
        notes.push(format!(
            "{} sectors have a column sum of A above 1 (inputs exceed output): {}",
            above.len(),
            above.join(", ")
        ));
    }
    Ok(LoadedEconomy {
        economy,
        inputs: vec![make_path, use_path],
        notes,
        warnings,
        unit: None,
    })
}

fn note_zeroed(notes: &mut Vec<String>, zeroed: &[String]) {
    if !zeroed.is_empty() {
        notes.push(format!(
            "{} negative flows set to zero (negative_flows = \"zero\"): {}",
            zeroed.len(),
            zeroed.join("; ")
        ));
    }
}
