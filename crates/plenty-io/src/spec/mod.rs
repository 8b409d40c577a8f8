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
//!
//! ## Where things are
//!
//! One concern a file, in the order a table is read:
//!
//! * `sections.rs`: the TOML sections as serde reads them ([`ImportSpec`] and its parts);
//! * `sheet.rs`: a table file as the specification sees it: rows kept by the filter, labels,
//!   selections of rows and columns, cells, and how to describe a range in an error;
//! * `sectors.rs`: which rows and columns are the sectors, matched by label or by position,
//!   and the checks that the block is square;
//! * `external.rs`: satellites and gross output, from the table or from other files (wide or
//!   long), and what to say about a file's keys that match no sector;
//! * `symmetric.rs`: the loader of a symmetric table, step by step;
//! * `make_use.rs`: the loader of make and use tables;
//! * `messages.rs`: the wording the loaders share (lists, numbers, aggregates, model errors).

mod external;
mod make_use;
mod messages;
mod sections;
mod sectors;
mod sheet;
mod symmetric;

pub use sections::{
    FinalDemandSection, GrossOutputSection, ImportSpec, ImportsSection, IndustryOutput,
    IndustryOutputRule, MakeUseSection, NegativeFlows, SatelliteSection, SectorsSection, Selection,
    TableSection,
};

use crate::error::{IoError, Result};
use plenty_core::Economy;
use std::path::{Path, PathBuf};

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
        make_use::load_make_use(spec_path, base, &spec, mu)?
    } else {
        symmetric::load_symmetric(spec_path, base, &spec)?
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
