//! The sections of an import specification, as serde reads them from TOML: `[table]`,
//! `[sectors]`, `[final_demand]`, `[gross_output]`, `[[satellite]]`, `[imports]` and
//! `[make_use]`, and the [`Selection`] of labels they all use.
//!
//! These are plain data: every section denies unknown fields, so a misspelt key is an error at
//! its line rather than a silently ignored setting. What the fields mean together (which
//! combinations make sense) is decided where they are used, in `symmetric.rs`,
//! `make_use.rs` and `external.rs`.

use plenty_core::make_use::TechnologyAssumption;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

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
    /// Make table: industries in rows, commodities in columns (the older layout). Exactly one
    /// of `make` and `supply`.
    pub make: Option<PathBuf>,
    /// Supply table in the SNA layout: products in rows, industries in columns (BEA since
    /// 2018, Eurostat). Other columns (imports, margins, taxes) are not read.
    pub supply: Option<PathBuf>,
    /// Use table: commodities in rows, industries and final demand in columns.
    #[serde(rename = "use")]
    pub use_: PathBuf,
    /// Industries (row labels of the make table, column headers of the supply table).
    pub industries: Selection,
    /// Commodities (column headers of the make table, row labels of the supply table).
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
    /// Where industry output comes from. Default: `"all-products"`.
    #[serde(default)]
    pub industry_output: IndustryOutput,
}

/// `industry_output` of `[make_use]`: the output `g_i` of each industry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum IndustryOutput {
    /// `"all-products"` or `"selected-products"`.
    Rule(IndustryOutputRule),
    /// `{ total = "LABEL" }`: the table's own total, a column of the make table or a row of
    /// the supply table.
    Total {
        /// The label of the total.
        total: String,
    },
}

impl Default for IndustryOutput {
    fn default() -> Self {
        Self::Rule(IndustryOutputRule::AllProducts)
    }
}

/// The rules of [`IndustryOutput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndustryOutputRule {
    /// `g_i = Σ_c V_ic` over every product of the make or supply table (numbers, not totals),
    /// including those left out of `commodities`.
    AllProducts,
    /// `g_i = Σ_{c selected} V_ic` (plenty before issue #17).
    SelectedProducts,
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
