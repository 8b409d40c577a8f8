//! Sharded linear programs (issue #18): a planning LP written in `K` shards, each a contiguous
//! range of columns (with their entries, costs and bounds) and a contiguous range of rows (their
//! bounds), so that each rank of a distributed PDLP run reads only its shards.
//!
//! ```text
//! DIR/lp.toml                        the manifest (below)
//! DIR/shard-0000-entries.parquet     the entries of A in the shard's columns: row, column, value
//! DIR/shard-0000-columns.parquet     the shard's columns: column, name, cost, lower, upper
//! DIR/shard-0000-rows.parquet        the shard's rows: row, name, lower, upper
//! …
//! ```
//!
//! Plain Parquet tables (uncompressed; infinite bounds as IEEE infinities), readable by pandas,
//! polars, DuckDB or Arrow. Indices are global and count from 0. The manifest:
//!
//! ```toml
//! format = "plenty sharded LP"
//! version = 1
//! sense = "maximize"
//! offset = 0.0
//! rows = 100001
//! columns = 200001
//! nnz = 2500000
//!
//! [[shard]]
//! first_column = 0
//! end_column = 100001
//! first_row = 0
//! end_row = 50001
//! nnz = 1250000
//! entries = "shard-0000-entries.parquet"
//! entries_sha256 = "…"
//! columns = "shard-0000-columns.parquet"
//! columns_sha256 = "…"
//! rows = "shard-0000-rows.parquet"
//! rows_sha256 = "…"
//! ```
//!
//! Shards cover the columns `0..columns` and the rows `0..rows` in order without gaps; a reader
//! checks every file against its hash, its indices against its ranges and its entries against
//! its columns, and names the file in every error.

use crate::error::{IoError, Result};
use crate::shard::check_hash;
use plenty_core::lp::{LinearProgram, Sense};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The manifest's file name in a sharded LP's folder.
pub const MANIFEST: &str = "lp.toml";
/// The manifest's `format`.
pub const FORMAT: &str = "plenty sharded LP";
/// The manifest's `version` this reader understands.
pub const VERSION: u32 = 1;

/// The manifest of a sharded LP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LpManifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// Direction of the objective.
    pub sense: Sense,
    /// Constant added to the objective.
    pub offset: f64,
    /// Rows of `A`.
    pub rows: usize,
    /// Columns of `A`.
    pub columns: usize,
    /// Non-zeros of `A` over all shards.
    pub nnz: usize,
    /// The shards, in order.
    pub shard: Vec<LpShardEntry>,
}

/// One shard in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LpShardEntry {
    /// Its columns `first_column..end_column`.
    pub first_column: usize,
    /// One past its last column.
    pub end_column: usize,
    /// Its rows `first_row..end_row`.
    pub first_row: usize,
    /// One past its last row.
    pub end_row: usize,
    /// Non-zeros in its columns.
    pub nnz: usize,
    /// Its entries file, relative to the folder.
    pub entries: String,
    /// Hex SHA-256 of the entries file.
    pub entries_sha256: String,
    /// Its columns file.
    pub columns: String,
    /// Hex SHA-256 of the columns file.
    pub columns_sha256: String,
    /// Its rows file.
    pub rows: String,
    /// Hex SHA-256 of the rows file.
    pub rows_sha256: String,
}

/// One shard as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LpShard {
    /// First column and first row of the shard.
    pub first_column: usize,
    /// First row of the shard.
    pub first_row: usize,
    /// Entries `(row, column, a)` with global indices (its columns).
    pub entries: Vec<(u32, u32, f64)>,
    /// Names, costs and bounds of its columns.
    pub column_names: Vec<String>,
    /// Costs of its columns.
    pub c: Vec<f64>,
    /// Lower bounds of its columns.
    pub col_lower: Vec<f64>,
    /// Upper bounds of its columns.
    pub col_upper: Vec<f64>,
    /// Names of its rows.
    pub row_names: Vec<String>,
    /// Lower bounds of its rows.
    pub row_lower: Vec<f64>,
    /// Upper bounds of its rows.
    pub row_upper: Vec<f64>,
}

/// Whether `dir` is a sharded LP's folder (holds [`MANIFEST`]).
pub fn is_sharded_lp(dir: &Path) -> bool {
    dir.is_dir() && dir.join(MANIFEST).is_file()
}

/// `0..n` cut into `k` contiguous ranges, as even as possible (the first get one more).
fn cut(n: usize, k: usize, s: usize) -> Range<usize> {
    let (base, extra) = (n / k, n % k);
    let first = s * base + s.min(extra);
    first..first + base + usize::from(s < extra)
}

/// Reads and checks the manifest of the sharded LP in `dir`: format, version, shards covering
/// the columns and the rows in order, and the non-zeros adding up.
pub fn read_lp_manifest(dir: &Path) -> Result<LpManifest> {
    let path = dir.join(MANIFEST);
    let text = crate::error::read_text(&path)?;
    let m: LpManifest = toml::from_str(&text).map_err(|e| IoError::file(&path, e.to_string()))?;
    let bad = |msg: String| Err(IoError::file(&path, msg));
    if m.format != FORMAT {
        return bad(format!("format is {:?}, expected {FORMAT:?}", m.format));
    }
    if m.version != VERSION {
        return bad(format!(
            "version {} is not understood by this plenty (it reads version {VERSION}); use a newer plenty",
            m.version
        ));
    }
    let (mut col, mut row) = (0, 0);
    for (s, e) in m.shard.iter().enumerate() {
        if e.first_column != col || e.end_column < col || e.first_row != row || e.end_row < row {
            return bad(format!(
                "shard {s} covers columns {}..{} and rows {}..{}, but the shards before it end at column {col} and row {row}: shards must cover the columns and the rows in order",
                e.first_column, e.end_column, e.first_row, e.end_row
            ));
        }
        (col, row) = (e.end_column, e.end_row);
    }
    if col != m.columns || row != m.rows {
        return bad(format!(
            "the shards cover {col} columns and {row} rows, but the LP has {} and {}; a shard is missing",
            m.columns, m.rows
        ));
    }
    let total: usize = m.shard.iter().map(|e| e.nnz).sum();
    if total != m.nnz {
        return bad(format!(
            "the shards hold {total} non-zeros, but nnz = {}",
            m.nnz
        ));
    }
    Ok(m)
}

/// The files of the sharded LP in `dir`: the manifest, then every shard's files (the inputs a
/// report's provenance names).
pub fn lp_files(dir: &Path, m: &LpManifest) -> Vec<PathBuf> {
    let mut f = vec![dir.join(MANIFEST)];
    for e in &m.shard {
        f.extend([&e.entries, &e.columns, &e.rows].map(|n| dir.join(n)));
    }
    f
}

#[cfg(feature = "parquet")]
mod parquet_io {
    use super::*;
    use crate::shard::parquet_io::{col, read_batches, read_entries, write_entries, write_table};
    use arrow_array::{ArrayRef, Float64Array, StringArray, UInt64Array};
    use arrow_schema::{DataType, Field};
    use std::sync::Arc;

    /// Writes one table of the rows or the columns: the global index (`first + r`) under
    /// `index`, the name, then one `Float64` column per `(field, values)`.
    fn write_named(
        path: &Path,
        index: &str,
        first: usize,
        names: &[String],
        values: &[(&str, &[f64])],
    ) -> Result<()> {
        let mut fields = vec![
            Field::new(index, DataType::UInt64, false),
            Field::new("name", DataType::Utf8, false),
        ];
        fields.extend(
            values
                .iter()
                .map(|(f, _)| Field::new(*f, DataType::Float64, false)),
        );
        write_table(path, fields, names.len(), |c, r| -> ArrayRef {
            match c {
                0 => Arc::new(UInt64Array::from_iter_values(r.map(|i| (first + i) as u64))),
                1 => Arc::new(StringArray::from_iter_values(&names[r])),
                _ => Arc::new(Float64Array::from_iter_values(
                    values[c - 2].1[r].iter().copied(),
                )),
            }
        })
    }

    /// Writes `lp` into `dir` (which must exist) as `shards` shards and the manifest; returns
    /// the manifest.
    pub fn write_sharded_lp(dir: &Path, lp: &LinearProgram, shards: usize) -> Result<LpManifest> {
        let k = shards.max(1);
        let (m, n) = (lp.nrows(), lp.ncols());
        let mut entries_list = Vec::with_capacity(k);
        for s in 0..k {
            let (cols, rows) = (cut(n, k, s), cut(m, k, s));
            let mut t = Vec::new();
            for j in cols.clone() {
                t.extend(lp.columns.row(j).map(|(i, v)| (i as u32, j as u32, v)));
            }
            let entries = format!("shard-{s:04}-entries.parquet");
            let ep = dir.join(&entries);
            write_entries(&ep, &t)?;
            let columns = format!("shard-{s:04}-columns.parquet");
            let cp = dir.join(&columns);
            let g = cols.clone();
            write_named(
                &cp,
                "column",
                g.start,
                &lp.col_names[g.clone()],
                &[
                    ("cost", &lp.c[g.clone()]),
                    ("lower", &lp.col_lower[g.clone()]),
                    ("upper", &lp.col_upper[g]),
                ],
            )?;
            let rows_file = format!("shard-{s:04}-rows.parquet");
            let rp = dir.join(&rows_file);
            let g = rows.clone();
            write_named(
                &rp,
                "row",
                g.start,
                &lp.row_names[g.clone()],
                &[
                    ("lower", &lp.row_lower[g.clone()]),
                    ("upper", &lp.row_upper[g]),
                ],
            )?;
            entries_list.push(LpShardEntry {
                first_column: cols.start,
                end_column: cols.end,
                first_row: rows.start,
                end_row: rows.end,
                nnz: t.len(),
                entries_sha256: crate::hash::hash_file(&ep)?.sha256,
                entries,
                columns_sha256: crate::hash::hash_file(&cp)?.sha256,
                columns,
                rows_sha256: crate::hash::hash_file(&rp)?.sha256,
                rows: rows_file,
            });
        }
        let manifest = LpManifest {
            format: FORMAT.into(),
            version: VERSION,
            sense: lp.sense,
            offset: lp.offset,
            rows: m,
            columns: n,
            nnz: lp.columns.nnz(),
            shard: entries_list,
        };
        let path = dir.join(MANIFEST);
        let text = toml::to_string(&manifest).map_err(|e| IoError::file(&path, e.to_string()))?;
        std::fs::write(&path, text).map_err(|e| IoError::os(&path, &e))?;
        Ok(manifest)
    }

    /// Checks that the index column of a table runs `first, first + 1, …`.
    fn in_order(path: &Path, k: usize, got: u64, want: usize, what: &str) -> Result<()> {
        if got != want as u64 {
            return Err(IoError::file(
                path,
                format!("row {k} is {what} {got}, expected {want}: {what}s must run in order over the shard's range"),
            ));
        }
        Ok(())
    }

    /// Reads shard `index` of the LP in `dir`, after checking its files against the manifest's
    /// hashes. `matrix: false` skips the entries (the vectors only, for the rank that writes
    /// the report). Errors name the file and what is wrong.
    pub fn read_lp_shard(
        dir: &Path,
        m: &LpManifest,
        index: usize,
        matrix: bool,
    ) -> Result<LpShard> {
        let e = m.shard.get(index).ok_or_else(|| {
            IoError::file(
                dir.join(MANIFEST),
                format!("there is no shard {index} ({} shards)", m.shard.len()),
            )
        })?;
        let (ep, cp, rp) = (
            dir.join(&e.entries),
            dir.join(&e.columns),
            dir.join(&e.rows),
        );
        if matrix {
            check_hash(&ep, &e.entries_sha256)?;
        }
        check_hash(&cp, &e.columns_sha256)?;
        check_hash(&rp, &e.rows_sha256)?;
        let mut sh = LpShard {
            first_column: e.first_column,
            first_row: e.first_row,
            ..Default::default()
        };
        if matrix {
            sh.entries = read_entries(&ep, m.rows, e.first_column..e.end_column, e.nnz, MANIFEST)?;
        }
        for b in read_batches(&cp)? {
            let b = b?;
            let (j, name, c, lo, hi) = (
                col::<UInt64Array>(&cp, &b, "column")?,
                col::<StringArray>(&cp, &b, "name")?,
                col::<Float64Array>(&cp, &b, "cost")?,
                col::<Float64Array>(&cp, &b, "lower")?,
                col::<Float64Array>(&cp, &b, "upper")?,
            );
            for k in 0..b.num_rows() {
                in_order(&cp, k, j.value(k), e.first_column + sh.c.len(), "column")?;
                sh.column_names.push(name.value(k).to_string());
                sh.c.push(c.value(k));
                sh.col_lower.push(lo.value(k));
                sh.col_upper.push(hi.value(k));
            }
        }
        for b in read_batches(&rp)? {
            let b = b?;
            let (i, name, lo, hi) = (
                col::<UInt64Array>(&rp, &b, "row")?,
                col::<StringArray>(&rp, &b, "name")?,
                col::<Float64Array>(&rp, &b, "lower")?,
                col::<Float64Array>(&rp, &b, "upper")?,
            );
            for k in 0..b.num_rows() {
                in_order(&rp, k, i.value(k), e.first_row + sh.row_lower.len(), "row")?;
                sh.row_names.push(name.value(k).to_string());
                sh.row_lower.push(lo.value(k));
                sh.row_upper.push(hi.value(k));
            }
        }
        for (path, got, want, what) in [
            (&cp, sh.c.len(), e.end_column - e.first_column, "columns"),
            (&rp, sh.row_lower.len(), e.end_row - e.first_row, "rows"),
        ] {
            if got != want {
                return Err(IoError::file(
                    path,
                    format!("{got} {what}, but the shard's range has {want}"),
                ));
            }
        }
        Ok(sh)
    }
}

#[cfg(feature = "parquet")]
pub use parquet_io::{read_lp_shard, write_sharded_lp};

/// Without Parquet, sharded LPs cannot be read.
#[cfg(not(feature = "parquet"))]
pub fn read_lp_shard(dir: &Path, _m: &LpManifest, _index: usize, _matrix: bool) -> Result<LpShard> {
    Err(IoError::file(
        dir,
        "this build of plenty-io has no Parquet reader (the `parquet` feature), which sharded LPs need",
    ))
}

/// Reads every shard of the LP in `dir` into one [`LinearProgram`] (one process: a sharded
/// folder is a valid input of `plenty lp` everywhere). With `matrix: false` the LP has no
/// entries (its vectors and names only: what the rank that writes a distributed report needs).
pub fn open_sharded_lp(dir: &Path, matrix: bool) -> Result<LinearProgram> {
    let m = read_lp_manifest(dir)?;
    let mut whole = LpShard::default();
    for s in 0..m.shard.len() {
        let sh = read_lp_shard(dir, &m, s, matrix)?;
        whole.entries.extend(sh.entries);
        whole.column_names.extend(sh.column_names);
        whole.c.extend(sh.c);
        whole.col_lower.extend(sh.col_lower);
        whole.col_upper.extend(sh.col_upper);
        whole.row_names.extend(sh.row_names);
        whole.row_lower.extend(sh.row_lower);
        whole.row_upper.extend(sh.row_upper);
    }
    let manifest = dir.join(MANIFEST);
    let model = |e: plenty_core::ModelError| IoError::file(&manifest, e.to_string());
    // A row of `columns` is a column of A.
    let by_columns = whole
        .entries
        .into_iter()
        .map(|(i, j, v)| (j, i, v))
        .collect();
    let columns =
        plenty_core::CsrMatrix::try_from_triplets(m.columns, m.rows, by_columns).map_err(model)?;
    let mut lp = LinearProgram::new(
        m.sense,
        whole.c,
        whole.col_lower,
        whole.col_upper,
        whole.row_lower,
        whole.row_upper,
        columns,
        whole.column_names,
        whole.row_names,
    )
    .map_err(model)?;
    lp.offset = m.offset;
    Ok(lp)
}
