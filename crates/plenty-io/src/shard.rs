//! Sharded economies (issue #18): an economy too large for one machine, written in `K` shards
//! of consecutive products, so that each rank of a distributed solve reads only its shards.
//!
//! ```text
//! DIR/economy.toml                  the manifest (below)
//! DIR/shard-0000-entries.parquet    the entries of A in the shard's columns: row, column, value
//! DIR/shard-0000-products.parquet   the shard's products: product, labour, demand
//! …
//! ```
//!
//! Both shard files are plain Parquet tables (uncompressed), readable by pandas, polars, DuckDB
//! or Arrow. Indices are global and count from 0; product `i` is labelled `p{i}`, as in a
//! matrix folder without `labels.csv`. The manifest:
//!
//! ```toml
//! format = "plenty sharded economy"
//! version = 1
//! n = 70000                # products
//! nnz = 420000             # non-zeros of A
//! generator = { n = 70000, k = 6, … }   # the generator's settings, when generated
//!
//! [[shard]]
//! first = 0                # products first..end
//! end = 16384
//! nnz = 98304
//! entries = "shard-0000-entries.parquet"
//! entries_sha256 = "…"
//! products = "shard-0000-products.parquet"
//! products_sha256 = "…"
//! ```
//!
//! Shards cover `0..n` in order without gaps; a reader checks every shard file against its
//! hash, its products against its range and its entries against its columns, and names the
//! file in every error.

use crate::error::{IoError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest's file name in a sharded economy's folder.
pub const MANIFEST: &str = "economy.toml";
/// The manifest's `format`.
pub const FORMAT: &str = "plenty sharded economy";
/// The manifest's `version` this reader understands.
pub const VERSION: u32 = 1;

/// The manifest of a sharded economy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// Number of products.
    pub n: usize,
    /// Non-zeros of `A` over all shards.
    pub nnz: usize,
    /// The generator's settings, for a generated economy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<plenty_core::generate::GeneratorSettings>,
    /// The shards, in product order.
    pub shard: Vec<ShardEntry>,
}

/// One shard in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardEntry {
    /// First product of the shard.
    pub first: usize,
    /// One past its last product.
    pub end: usize,
    /// Non-zeros in its columns.
    pub nnz: usize,
    /// Its entries file, relative to the folder.
    pub entries: String,
    /// Hex SHA-256 of the entries file.
    pub entries_sha256: String,
    /// Its products file, relative to the folder.
    pub products: String,
    /// Hex SHA-256 of the products file.
    pub products_sha256: String,
}

/// One shard as read: entries `(i, j, a_ij)` of its columns, labour and demand of its products.
#[derive(Debug, Clone, PartialEq)]
pub struct Shard {
    /// First product.
    pub first: usize,
    /// Entries with global indices.
    pub entries: Vec<(u32, u32, f64)>,
    /// Hours per unit of its products.
    pub labour: Vec<f64>,
    /// Final demand of its products.
    pub demand: Vec<f64>,
}

/// Whether `dir` is a sharded economy's folder (holds [`MANIFEST`]).
pub fn is_sharded(dir: &Path) -> bool {
    dir.is_dir() && dir.join(MANIFEST).is_file()
}

/// Reads and checks the manifest of the sharded economy in `dir`: format, version, and shards
/// covering `0..n` in order.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = crate::error::read_text(&path)?;
    let m: Manifest = toml::from_str(&text).map_err(|e| IoError::file(&path, e.to_string()))?;
    if m.format != FORMAT {
        return Err(IoError::file(
            &path,
            format!("format is {:?}, expected {FORMAT:?}", m.format),
        ));
    }
    if m.version != VERSION {
        return Err(IoError::file(
            &path,
            format!(
                "version {} is not understood by this plenty (it reads version {VERSION}); use a newer plenty",
                m.version
            ),
        ));
    }
    let mut at = 0;
    for (s, e) in m.shard.iter().enumerate() {
        if e.first != at || e.end < e.first {
            return Err(IoError::file(
                &path,
                format!(
                    "shard {s} covers products {}..{}, but the shards before it end at {at}: shards must cover 0..n in order",
                    e.first, e.end
                ),
            ));
        }
        at = e.end;
    }
    if at != m.n {
        return Err(IoError::file(
            &path,
            format!(
                "the shards cover products 0..{at}, but n = {}; a shard is missing",
                m.n
            ),
        ));
    }
    let total: usize = m.shard.iter().map(|e| e.nnz).sum();
    if total != m.nnz {
        return Err(IoError::file(
            &path,
            format!("the shards hold {total} non-zeros, but nnz = {}", m.nnz),
        ));
    }
    Ok(m)
}

/// The files of the sharded economy in `dir`: the manifest, then every shard's entries and
/// products files (the inputs a report's provenance names).
pub fn files(dir: &Path, m: &Manifest) -> Vec<PathBuf> {
    let mut f = vec![dir.join(MANIFEST)];
    for e in &m.shard {
        f.push(dir.join(&e.entries));
        f.push(dir.join(&e.products));
    }
    f
}

/// Checks a file against the hash the manifest gives for it.
pub(crate) fn check_hash(path: &Path, expected: &str) -> Result<()> {
    if !path.is_file() {
        return Err(IoError::file(
            path,
            format!("this shard file is missing (listed in {MANIFEST})"),
        ));
    }
    let got = crate::hash::hash_file(path)?;
    if got.sha256 != expected {
        return Err(IoError::file(
            path,
            format!(
                "SHA-256 mismatch: the file's is {}, {MANIFEST} says {expected}; the shard was changed or damaged, write the economy again",
                got.sha256
            ),
        ));
    }
    Ok(())
}

#[cfg(feature = "parquet")]
pub(crate) mod parquet_io {
    use super::*;
    use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, UInt32Array, UInt64Array};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ArrowWriter;
    use std::sync::Arc;

    /// Rows per record batch and row group when writing.
    const BATCH: usize = 1 << 20;

    pub(crate) fn write_table(
        path: &Path,
        fields: Vec<Field>,
        len: usize,
        column: impl Fn(usize, std::ops::Range<usize>) -> ArrayRef,
    ) -> Result<()> {
        let schema = Arc::new(Schema::new(fields));
        let f = std::fs::File::create(path).map_err(|e| IoError::os(path, &e))?;
        let mut w = ArrowWriter::try_new(f, schema.clone(), None)
            .map_err(|e| IoError::file(path, e.to_string()))?;
        let mut at = 0;
        while at < len || (len == 0 && at == 0) {
            let r = at..(at + BATCH).min(len);
            let arrays = (0..schema.fields().len())
                .map(|c| column(c, r.clone()))
                .collect();
            let batch = RecordBatch::try_new(schema.clone(), arrays)
                .map_err(|e| IoError::file(path, e.to_string()))?;
            w.write(&batch)
                .map_err(|e| IoError::file(path, e.to_string()))?;
            at = r.end.max(1);
        }
        w.close().map_err(|e| IoError::file(path, e.to_string()))?;
        Ok(())
    }

    /// Writes `(row, column, value)` triplets as the entries table shared by sharded
    /// economies and sharded LPs.
    pub(crate) fn write_entries(path: &Path, t: &[(u32, u32, f64)]) -> Result<()> {
        write_table(
            path,
            vec![
                Field::new("row", DataType::UInt32, false),
                Field::new("column", DataType::UInt32, false),
                Field::new("value", DataType::Float64, false),
            ],
            t.len(),
            |c, r| match c {
                0 => Arc::new(UInt32Array::from_iter_values(t[r].iter().map(|e| e.0))),
                1 => Arc::new(UInt32Array::from_iter_values(t[r].iter().map(|e| e.1))),
                _ => Arc::new(Float64Array::from_iter_values(t[r].iter().map(|e| e.2))),
            },
        )
    }

    /// Writes shard `index` (products `first..first + labour.len()`) into `dir` and returns
    /// its manifest entry (with the files' hashes).
    pub fn write_shard(dir: &Path, index: usize, shard: &Shard) -> Result<ShardEntry> {
        let entries = format!("shard-{index:04}-entries.parquet");
        let products = format!("shard-{index:04}-products.parquet");
        let ep = dir.join(&entries);
        write_entries(&ep, &shard.entries)?;
        let pp = dir.join(&products);
        let first = shard.first as u64;
        write_table(
            &pp,
            vec![
                Field::new("product", DataType::UInt64, false),
                Field::new("labour", DataType::Float64, false),
                Field::new("demand", DataType::Float64, false),
            ],
            shard.labour.len(),
            |c, r| match c {
                0 => Arc::new(UInt64Array::from_iter_values(r.map(|i| first + i as u64))),
                1 => Arc::new(Float64Array::from_iter_values(
                    shard.labour[r].iter().copied(),
                )),
                _ => Arc::new(Float64Array::from_iter_values(
                    shard.demand[r].iter().copied(),
                )),
            },
        )?;
        Ok(ShardEntry {
            first: shard.first,
            end: shard.first + shard.labour.len(),
            nnz: shard.entries.len(),
            entries_sha256: crate::hash::hash_file(&ep)?.sha256,
            entries,
            products_sha256: crate::hash::hash_file(&pp)?.sha256,
            products,
        })
    }

    /// The record batches of a Parquet file, read one at a time (so that a large table is
    /// never held twice: as Arrow columns and as what the caller makes of them).
    pub(crate) fn read_batches(
        path: &Path,
    ) -> Result<impl Iterator<Item = Result<RecordBatch>> + '_> {
        let f = std::fs::File::open(path).map_err(|e| IoError::os(path, &e))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(f)
            .and_then(|b| b.build())
            .map_err(|e| IoError::file(path, format!("not a readable Parquet file: {e}")))?;
        Ok(reader.map(move |b| b.map_err(|e| IoError::file(path, e.to_string()))))
    }

    pub(crate) fn col<'a, T: 'static>(
        path: &Path,
        b: &'a RecordBatch,
        name: &str,
    ) -> Result<&'a T> {
        b.column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<T>())
            .ok_or_else(|| {
                IoError::file(
                    path,
                    format!("no column {name:?} of the expected type (see docs/distributed.md)"),
                )
            })
    }

    /// Reads an entries table (`row`, `column`, `value`, global indices) and checks it: rows
    /// below `rows`, columns in this shard's `cols`, and `nnz` entries as `manifest` says.
    pub(crate) fn read_entries(
        path: &Path,
        rows: usize,
        cols: std::ops::Range<usize>,
        nnz: usize,
        manifest: &str,
    ) -> Result<Vec<(u32, u32, f64)>> {
        let mut entries = Vec::with_capacity(nnz);
        for b in read_batches(path)? {
            let b = b?;
            let (r, c, v) = (
                col::<UInt32Array>(path, &b, "row")?,
                col::<UInt32Array>(path, &b, "column")?,
                col::<Float64Array>(path, &b, "value")?,
            );
            for k in 0..b.num_rows() {
                entries.push((r.value(k), c.value(k), v.value(k)));
            }
        }
        if let Some(&(i, j, _)) = entries
            .iter()
            .find(|&&(i, j, _)| i as usize >= rows || !cols.contains(&(j as usize)))
        {
            return Err(IoError::file(
                path,
                format!(
                    "entry ({i}, {j}) lies outside this shard's columns {}..{} or beyond the {rows} rows",
                    cols.start, cols.end
                ),
            ));
        }
        if entries.len() != nnz {
            return Err(IoError::file(
                path,
                format!("{} entries, but {manifest} says {nnz}", entries.len()),
            ));
        }
        Ok(entries)
    }

    /// Reads shard `index` of the economy in `dir`, after checking both its files against the
    /// manifest's hashes; errors name the file and what is wrong.
    pub fn read_shard(dir: &Path, m: &Manifest, index: usize) -> Result<Shard> {
        let e = m.shard.get(index).ok_or_else(|| {
            IoError::file(
                dir.join(MANIFEST),
                format!("there is no shard {index} ({} shards)", m.shard.len()),
            )
        })?;
        let ep = dir.join(&e.entries);
        let pp = dir.join(&e.products);
        check_hash(&ep, &e.entries_sha256)?;
        check_hash(&pp, &e.products_sha256)?;
        let entries = read_entries(&ep, m.n, e.first..e.end, e.nnz, MANIFEST)?;
        let mut labour = Vec::with_capacity(e.end - e.first);
        let mut demand = Vec::with_capacity(e.end - e.first);
        for b in read_batches(&pp)? {
            let b = b?;
            let (p, l, d) = (
                col::<UInt64Array>(&pp, &b, "product")?,
                col::<Float64Array>(&pp, &b, "labour")?,
                col::<Float64Array>(&pp, &b, "demand")?,
            );
            for k in 0..b.num_rows() {
                let want = (e.first + labour.len()) as u64;
                if p.value(k) != want {
                    return Err(IoError::file(
                        &pp,
                        format!("row {k} is product {}, expected {want}: products must run in order over the shard's range {}..{}", p.value(k), e.first, e.end),
                    ));
                }
                labour.push(l.value(k));
                demand.push(d.value(k));
            }
        }
        if labour.len() != e.end - e.first {
            return Err(IoError::file(
                &pp,
                format!(
                    "{} products, but the shard's range {}..{} has {}",
                    labour.len(),
                    e.first,
                    e.end,
                    e.end - e.first
                ),
            ));
        }
        Ok(Shard {
            first: e.first,
            entries,
            labour,
            demand,
        })
    }
}

#[cfg(feature = "parquet")]
pub use parquet_io::{read_shard, write_shard};

/// Without Parquet, shards cannot be read.
#[cfg(not(feature = "parquet"))]
pub fn read_shard(dir: &Path, _m: &Manifest, _index: usize) -> Result<Shard> {
    Err(IoError::file(
        dir,
        "this build of plenty-io has no Parquet reader (the `parquet` feature), which sharded economies need",
    ))
}

/// Writes the manifest into `dir`.
pub fn write_manifest(dir: &Path, m: &Manifest) -> Result<()> {
    let path = dir.join(MANIFEST);
    let text = toml::to_string(m).map_err(|e| IoError::file(&path, e.to_string()))?;
    std::fs::write(&path, text).map_err(|e| IoError::os(&path, &e))
}

/// Reads every shard of the economy in `dir` into one economy (one process without MPI: a
/// sharded folder is a valid input everywhere). Products are labelled `p{i}`.
pub fn open_sharded(dir: &Path) -> Result<crate::spec::LoadedEconomy> {
    use plenty_core::{CsrMatrix, Economy, FinalDemand, Satellite, TechnicalCoefficients};
    let m = read_manifest(dir)?;
    let mut entries = Vec::with_capacity(m.nnz);
    let mut labour = Vec::with_capacity(m.n);
    let mut demand = Vec::with_capacity(m.n);
    for s in 0..m.shard.len() {
        let sh = read_shard(dir, &m, s)?;
        entries.extend(sh.entries);
        labour.extend(sh.labour);
        demand.extend(sh.demand);
    }
    let manifest = dir.join(MANIFEST);
    let model = |e: plenty_core::ModelError| IoError::file(&manifest, e.to_string());
    let a = CsrMatrix::try_from_triplets(m.n, m.n, entries).map_err(model)?;
    let labels = (0..m.n).map(|i| format!("p{i}")).collect();
    let mut e =
        Economy::new(labels, TechnicalCoefficients::sparse(a).map_err(model)?).map_err(model)?;
    e.add_satellite(Satellite {
        name: "labour".into(),
        unit: Some("hours".into()),
        intensity: labour,
    })
    .map_err(model)?;
    e.set_labour("labour").map_err(model)?;
    e.add_final_demand(FinalDemand {
        name: "demand".into(),
        values: demand,
    })
    .map_err(model)?;
    Ok(crate::spec::LoadedEconomy {
        economy: e,
        inputs: files(dir, &m),
        notes: Vec::new(),
        warnings: Vec::new(),
        unit: None,
    })
}
