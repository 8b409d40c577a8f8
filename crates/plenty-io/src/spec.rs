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
//! # header_rows = 1
//!
//! [sectors]                         # the intermediate block, matched by position
//! rows = { first = "agriculture_group", last = "other_services_group" }
//! # columns = […]                   # default: the same labels as the rows
//! # exclude = ["T", "U"]            # drop sectors (rows and columns)
//!
//! [final_demand]
//! columns = { first = "consumption_expenditure_household", last = "export_goods_services" }
//!
//! [gross_output]                    # omit to use row sums Z·1 + Y·1
//! column = "output_bp"              # or: row = "output_bp"
//!
//! [[satellite]]
//! name = "employment"
//! row = "employment_total"          # a row of the table, under the sector columns
//! unit = "1000 persons"
//! labour = true                     # this satellite gives the labour values
//! ```
//!
//! A selection is a list of labels, `{ first = "…", last = "…" }` (a contiguous range in file
//! order), or `{ prefix = "…" }`. A satellite or the gross output may also come from another
//! file in long form: `file = "sea.csv"`, `key = "code"`, `value = "H_EMPE"`, `filter = {…}`.
//!
//! Competitive-import tables (imports recorded as negative final demand) add
//! `[imports] columns = […]` and `exports = […]`; the economy is then the domestic one,
//! `A_d = (I − M) A`. Make and use tables replace `[table]` and `[sectors]` by `[make_use]`.

use crate::error::{IoError, Result};
use crate::table::{suggest, RawTable};
use plenty_core::economy::domestic_coefficients;
use plenty_core::make_use::{symmetric_table, TechnologyAssumption};
use plenty_core::{DenseMatrix, Economy, FinalDemand, ModelError, TechnicalCoefficients};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
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

/// `[table]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSection {
    /// The table file, relative to the specification.
    pub file: PathBuf,
    /// The column holding row labels (header name, or `"#n"` for the n-th column). Default: the
    /// first column.
    pub labels: Option<String>,
    /// Number of header lines. Default 1.
    #[serde(default = "one")]
    pub header_rows: usize,
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
    /// The intermediate columns, by header; default: the same labels as the rows.
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

/// A vector from another file in long form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalColumn {
    /// The file, relative to the specification.
    pub file: PathBuf,
    /// The column holding sector labels.
    pub key: String,
    /// The column holding the values.
    pub value: String,
    /// Keep only lines whose column equals the value.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
}

/// `[gross_output]`: exactly one of `column`, `row` or `file`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrossOutputSection {
    /// A column of the table (values on the sector rows).
    pub column: Option<String>,
    /// A row of the table (values under the sector columns).
    pub row: Option<String>,
    /// Another file in long form.
    #[serde(flatten)]
    pub external: Option<ExternalColumn>,
}

/// `[[satellite]]`: totals per sector, from a row of the table or from another file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SatelliteSection {
    /// Name of the account, e.g. `"hours"`.
    pub name: String,
    /// Unit of the totals.
    pub unit: Option<String>,
    /// A row of the table.
    pub row: Option<String>,
    /// Several rows of the table, added up (e.g. the parts of value added).
    pub rows: Option<Vec<String>>,
    /// Another file in long form.
    #[serde(flatten)]
    pub external: Option<ExternalColumn>,
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

/// Resolves a selection against labels in file order; errors name the missing label.
fn select(
    sel: &Selection,
    labels: &[String],
    what: &str,
    err: &dyn Fn(String) -> IoError,
) -> Result<Vec<usize>> {
    let find = |l: &str| -> Result<usize> {
        let hits: Vec<usize> = (0..labels.len()).filter(|&k| labels[k] == l).collect();
        match hits.as_slice() {
            [k] => Ok(*k),
            [] => Err(err(format!(
                "the {what} {l:?} is not in the table{}",
                suggest(l, labels.iter().map(String::as_str))
            ))),
            _ => Err(err(format!(
                "the {what} {l:?} appears {} times; labels must be unique",
                hits.len()
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
                return Err(err(format!("no {what} starts with {prefix:?}")));
            }
            Ok(v)
        }
    }
}

/// A table read for the specification: its row labels after filtering.
struct Sheet {
    raw: RawTable,
    /// Indices into raw.rows kept by the filter.
    kept: Vec<usize>,
    labels: Vec<String>,
}

impl Sheet {
    fn read(
        path: &Path,
        label_col: Option<&str>,
        header_rows: usize,
        filter: &BTreeMap<String, String>,
    ) -> Result<Self> {
        let raw = RawTable::read(path, header_rows)?;
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
        Ok(Self { raw, kept, labels })
    }

    fn header_err(&self) -> impl Fn(String) -> IoError + '_ {
        move |m| IoError::at_line(&self.raw.path, self.raw.header_line, m)
    }

    fn rows_err(&self) -> impl Fn(String) -> IoError + '_ {
        move |m| IoError::file(&self.raw.path, m)
    }

    fn select_rows(&self, sel: &Selection, what: &str) -> Result<Vec<usize>> {
        select(sel, &self.labels, what, &self.rows_err())
    }

    fn select_columns(&self, sel: &Selection, what: &str) -> Result<Vec<usize>> {
        select(sel, &self.raw.header, what, &self.header_err())
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
}

fn external_values(
    base: &Path,
    ext: &ExternalColumn,
    sectors: &[String],
    what: &str,
) -> Result<(PathBuf, Vec<f64>)> {
    let path = base.join(&ext.file);
    let sheet = Sheet::read(&path, Some(&ext.key), 1, &ext.filter)?;
    let vc = sheet.raw.column(&ext.value)?;
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    for (k, l) in sheet.labels.iter().enumerate() {
        if by_label.insert(l.as_str(), k).is_some() {
            return Err(IoError::at_line(
                &path,
                sheet.raw.rows[sheet.kept[k]].line,
                format!("the key {l:?} appears twice after filtering; add a filter so each sector has one line"),
            ));
        }
    }
    let mut out = Vec::with_capacity(sectors.len());
    for s in sectors {
        let k = *by_label.get(s.as_str()).ok_or_else(|| {
            IoError::file(
                &path,
                format!(
                    "{what}: no line has {:?} = {s:?}{}",
                    ext.key,
                    suggest(s, sheet.labels.iter().map(String::as_str))
                ),
            )
        })?;
        out.push(sheet.raw.required_number(sheet.kept[k], vc)?);
    }
    Ok((path, out))
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
    )?;
    let mut inputs = vec![path.clone()];
    let mut notes = Vec::new();

    let rows = sheet.select_rows(&sectors_sec.rows, "sector row")?;
    let col_sel = sectors_sec.columns.clone().unwrap_or_else(|| {
        Selection::List(rows.iter().map(|&r| sheet.labels[r].clone()).collect())
    });
    let cols = sheet.select_columns(&col_sel, "sector column")?;
    if rows.len() != cols.len() {
        return Err(IoError::file(
            spec_path,
            format!(
                "[sectors] selects {} rows but {} columns; the intermediate block must be square",
                rows.len(),
                cols.len()
            ),
        ));
    }
    let all_names: Vec<String> = if sectors_sec.names_from_columns {
        cols.iter().map(|&c| sheet.raw.header[c].clone()).collect()
    } else {
        rows.iter().map(|&r| sheet.labels[r].clone()).collect()
    };
    for x in &sectors_sec.exclude {
        if !all_names.contains(x) {
            return Err(IoError::file(
                spec_path,
                format!(
                    "[sectors] exclude names {x:?}, which is not a sector{}",
                    suggest(x, all_names.iter().map(String::as_str))
                ),
            ));
        }
    }
    let keep: Vec<usize> = (0..rows.len())
        .filter(|&k| !sectors_sec.exclude.contains(&all_names[k]))
        .collect();
    let names: Vec<String> = keep.iter().map(|&k| all_names[k].clone()).collect();
    let rows: Vec<usize> = keep.iter().map(|&k| rows[k]).collect();
    let cols: Vec<usize> = keep.iter().map(|&k| cols[k]).collect();
    let n = names.len();

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
    // Final demand, by category.
    let mut fd: Vec<FinalDemand> = Vec::new();
    if let Some(f) = &spec.final_demand {
        for c in sheet.select_columns(&f.columns, "final-demand column")? {
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
        Some(g) => match (&g.column, &g.row, &g.external) {
            (Some(c), None, None) => {
                let c = sheet.raw.column(c)?;
                rows.iter()
                    .map(|&r| sheet.output_cell(r, c))
                    .collect::<Result<_>>()?
            }
            (None, Some(rl), None) => {
                let r = sheet.row_by_label(rl)?;
                cols.iter()
                    .map(|&c| sheet.output_cell(r, c))
                    .collect::<Result<_>>()?
            }
            (None, None, Some(ext)) => {
                let (p, v) = external_values(base, ext, &names, "gross output")?;
                inputs.push(p);
                v
            }
            _ => {
                return Err(IoError::file(
                    spec_path,
                    "[gross_output] takes exactly one of column, row, or file/key/value",
                ))
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
        let totals = match (&s.row, &s.rows, &s.external) {
            (Some(r), None, None) => {
                let r = sheet.row_by_label(r)?;
                cols.iter()
                    .map(|&c| sheet.num(r, c))
                    .collect::<Result<Vec<_>>>()?
            }
            (None, Some(list), None) => {
                let mut acc = vec![0.0; n];
                for rl in list {
                    let r = sheet.row_by_label(rl)?;
                    for (k, &c) in cols.iter().enumerate() {
                        acc[k] += sheet.num(r, c)?;
                    }
                }
                acc
            }
            (None, None, Some(ext)) => {
                let (p, v) = external_values(
                    base,
                    ext,
                    &economy.products,
                    &format!("satellite {:?}", s.name),
                )?;
                inputs.push(p);
                v
            }
            _ => {
                return Err(IoError::file(
                    spec_path,
                    format!(
                        "satellite {:?} needs exactly one of row, rows, or file/key/value",
                        s.name
                    ),
                ))
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
    let make = Sheet::read(&make_path, None, 1, &BTreeMap::new())?;
    let use_ = Sheet::read(&use_path, None, 1, &BTreeMap::new())?;
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
    if let Some(sel) = &mu.final_demand {
        for c in use_.select_columns(sel, "final-demand column")? {
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
        let rows: Vec<String> = match (&s.row, &s.rows) {
            (Some(r), None) => vec![r.clone()],
            (None, Some(l)) => l.clone(),
            _ => {
                return Err(IoError::file(
                    spec_path,
                    format!(
                        "satellite {:?}: with [make_use], give row or rows of the use table",
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
