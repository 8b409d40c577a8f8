//! Results as CSV, JSON or Parquet, each with its provenance: the plenty version, the command,
//! the settings and the hashes of the inputs.
//!
//! * CSV: `# key: value` provenance lines, then a header and one line per row. Readers that
//!   skip `#` comments (pandas `read_csv(f, comment="#")`, plenty's own) read it as a plain
//!   table; with [`ProvenancePlacement::Sidecar`] the provenance goes to a JSON file beside it
//!   and the CSV starts with its header. One table per file: a report's further tables go
//!   beside the first ([`companion_path`]).
//! * JSON: `{"provenance": …, "summary": …, "tables": {name: {"row_header", "rows", "columns"}}}`.
//! * Parquet: one row-label column and one `f64` column per result column; the provenance and
//!   summary are in the file's key-value metadata (`plenty.provenance`, `plenty.summary`).

use crate::error::{IoError, Result};
use crate::hash::InputFile;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// Where a result came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The plenty version.
    pub plenty_version: String,
    /// The command (subcommand and arguments).
    pub command: String,
    /// The combined SHA-256 of the inputs.
    pub input_hash: String,
    /// Every input file with its hash.
    pub inputs: Vec<InputFile>,
    /// The settings in force.
    pub settings: serde_json::Value,
}

/// One named column of numbers (NaN means "no value" and is written as an empty cell/null).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Header.
    pub name: String,
    /// Values, one per row.
    pub values: Vec<f64>,
}

impl Column {
    /// A column named `name` holding `values`.
    pub fn new(name: &str, values: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            values,
        }
    }
}

/// A labelled table of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultTable {
    /// Name, e.g. `"labour_values"`.
    pub name: String,
    /// Header of the label column, e.g. `"product"`.
    pub row_header: String,
    /// Row labels.
    pub rows: Vec<String>,
    /// Columns.
    pub columns: Vec<Column>,
}

/// The separator of the levels of a multi-level row label (ASCII unit separator). A table whose
/// `row_header` is `"region␟sector"` has rows `"reg1␟food"`, and every writer gives each level
/// its own column: `region,sector` in CSV, two text columns in Parquet, arrays in JSON. Tables of
/// one level (e.g. `"product"`) are written as before.
pub const LEVEL_SEPARATOR: char = '\u{1f}';

/// Joins the levels of a row label (or of a row header) with [`LEVEL_SEPARATOR`].
pub fn join_levels<S: AsRef<str>>(levels: &[S]) -> String {
    let mut out = String::new();
    for (k, l) in levels.iter().enumerate() {
        if k > 0 {
            out.push(LEVEL_SEPARATOR);
        }
        out.push_str(l.as_ref());
    }
    out
}

impl ResultTable {
    /// The names of the row-label levels: `["product"]`, or `["region", "sector"]`.
    pub fn row_levels(&self) -> Vec<&str> {
        self.row_header.split(LEVEL_SEPARATOR).collect()
    }

    /// The labels of row `i`, one per level (missing levels are empty).
    pub fn row_label_parts(&self, i: usize) -> Vec<&str> {
        let k = self.row_levels().len();
        let mut parts: Vec<&str> = self.rows[i].splitn(k, LEVEL_SEPARATOR).collect();
        parts.resize(k, "");
        parts
    }
}

/// Everything a command produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Provenance.
    pub provenance: Provenance,
    /// Scalars and small structured results (ρ, the identity check, solver reports, notes).
    pub summary: serde_json::Value,
    /// Tables.
    pub tables: Vec<ResultTable>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// The format for a file name's extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// Where the provenance of a CSV, JSON or Parquet output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProvenancePlacement {
    /// Inside the file: `#` lines at the top of a CSV (read it with pandas'
    /// `read_csv(f, comment="#")`), the `provenance` key of JSON, Parquet's key-value metadata.
    #[default]
    Inline,
    /// Also in `STEM.provenance.json` beside the output (with the summary and the files
    /// written), and CSV files start with their header line, for tools that know no comments.
    Sidecar,
}

/// How to write a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Where the provenance goes. Default: inline.
    pub provenance: ProvenancePlacement,
}

/// The file beside `path` for a table other than the first: `out.csv` and table `gross_output`
/// give `out.gross_output.csv`.
pub fn companion_path(path: &Path, table: &str) -> std::path::PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{table}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{table}"),
    };
    path.with_file_name(name)
}

/// Writes a report and returns every file written. JSON holds every table. CSV and Parquet hold
/// one table per file: the first table goes to `path`, every other one beside it
/// ([`companion_path`]), so no table is ever dropped.
pub fn write_report(
    path: &Path,
    format: Format,
    report: &Report,
    options: &WriteOptions,
) -> Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    match format {
        Format::Json => {
            let f = std::fs::File::create(path).map_err(|e| IoError::os(path, &e))?;
            let mut w = std::io::BufWriter::new(f);
            // Streamed: a table of a million rows is written without building a JSON tree.
            serde_json::to_writer(&mut w, &JsonReport(report))
                .map_err(|e| IoError::file(path, e.to_string()))?;
            w.write_all(b"\n")
                .and_then(|_| w.flush())
                .map_err(|e| IoError::os(path, &e))?;
            written.push(path.to_path_buf());
        }
        Format::Csv | Format::Parquet => {
            if report.tables.is_empty() {
                return Err(IoError::file(
                    path,
                    "this command produced no table to write; use a .json output",
                ));
            }
            for (k, t) in report.tables.iter().enumerate() {
                let target = if k == 0 {
                    path.to_path_buf()
                } else {
                    companion_path(path, &t.name)
                };
                if format == Format::Csv {
                    let f = std::fs::File::create(&target).map_err(|e| IoError::os(&target, &e))?;
                    let mut w = std::io::BufWriter::new(f);
                    let inline = options.provenance == ProvenancePlacement::Inline;
                    write_csv(&mut w, inline.then_some(report), t)
                        .map_err(|e| IoError::os(&target, &e))?;
                } else {
                    write_parquet(&target, report, t)?;
                }
                written.push(target);
            }
        }
    }
    if options.provenance == ProvenancePlacement::Sidecar {
        let sidecar = companion_path(path, "provenance").with_extension("json");
        let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "provenance": report.provenance,
            "summary": report.summary,
            "files": files,
        }))
        .map_err(|e| IoError::file(&sidecar, e.to_string()))?;
        std::fs::write(&sidecar, text + "\n").map_err(|e| IoError::os(&sidecar, &e))?;
        written.push(sidecar);
    }
    Ok(written)
}

/// The JSON form of a report, serialised as a stream: `{"provenance", "summary", "tables":
/// {name: {"row_header", "rows", "columns": {name: [numbers or null]}}}}`.
struct JsonReport<'a>(&'a Report);
struct JsonTables<'a>(&'a [ResultTable]);
struct JsonTable<'a>(&'a ResultTable);
struct JsonColumns<'a>(&'a [Column]);
struct JsonNumbers<'a>(&'a [f64]);

impl serde::Serialize for JsonReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("provenance", &self.0.provenance)?;
        m.serialize_entry("summary", &self.0.summary)?;
        m.serialize_entry("tables", &JsonTables(&self.0.tables))?;
        m.end()
    }
}

impl serde::Serialize for JsonTables<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for t in self.0 {
            m.serialize_entry(&t.name, &JsonTable(t))?;
        }
        m.end()
    }
}

impl serde::Serialize for JsonTable<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(3))?;
        let t = self.0;
        if t.row_levels().len() > 1 {
            m.serialize_entry("row_header", &t.row_levels())?;
            let rows: Vec<Vec<&str>> = (0..t.rows.len()).map(|i| t.row_label_parts(i)).collect();
            m.serialize_entry("rows", &rows)?;
        } else {
            m.serialize_entry("row_header", &t.row_header)?;
            m.serialize_entry("rows", &t.rows)?;
        }
        m.serialize_entry("columns", &JsonColumns(&t.columns))?;
        m.end()
    }
}

impl serde::Serialize for JsonColumns<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for c in self.0 {
            m.serialize_entry(&c.name, &JsonNumbers(&c.values))?;
        }
        m.end()
    }
}

impl serde::Serialize for JsonNumbers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut q = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            if v.is_finite() {
                q.serialize_element(v)?;
            } else {
                q.serialize_element(&Option::<f64>::None)?;
            }
        }
        q.end()
    }
}

/// The JSON form of a report as a value (tables as column maps), for callers that want a tree.
pub fn json_value(report: &Report) -> serde_json::Value {
    let mut tables = serde_json::Map::new();
    for t in &report.tables {
        let mut cols = serde_json::Map::new();
        for c in &t.columns {
            cols.insert(
                c.name.clone(),
                serde_json::Value::Array(c.values.iter().map(|v| num(*v)).collect()),
            );
        }
        let (header, rows) = if t.row_levels().len() > 1 {
            let rows: Vec<Vec<&str>> = (0..t.rows.len()).map(|i| t.row_label_parts(i)).collect();
            (serde_json::json!(t.row_levels()), serde_json::json!(rows))
        } else {
            (serde_json::json!(t.row_header), serde_json::json!(t.rows))
        };
        tables.insert(
            t.name.clone(),
            serde_json::json!({"row_header": header, "rows": rows, "columns": cols}),
        );
    }
    serde_json::json!({
        "provenance": report.provenance,
        "summary": report.summary,
        "tables": tables,
    })
}

fn num(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Writes one table as CSV, after `#` provenance lines when a report is given.
pub fn write_csv(
    w: &mut impl Write,
    provenance_of: Option<&Report>,
    t: &ResultTable,
) -> std::io::Result<()> {
    if let Some(report) = provenance_of {
        for line in provenance_lines(&report.provenance) {
            writeln!(w, "# {line}")?;
        }
    }
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<String> = t.row_levels().iter().map(|l| l.to_string()).collect();
    header.extend(t.columns.iter().map(|c| c.name.clone()));
    out.write_record(&header)?;
    let mut rec: Vec<String> = Vec::with_capacity(header.len());
    for i in 0..t.rows.len() {
        rec.clear();
        rec.extend(t.row_label_parts(i).iter().map(|l| l.to_string()));
        for c in &t.columns {
            let v = c.values[i];
            rec.push(if v.is_nan() {
                String::new()
            } else {
                format!("{v}")
            });
        }
        out.write_record(&rec)?;
    }
    out.flush()
}

/// The provenance as short `key: value` lines.
pub fn provenance_lines(p: &Provenance) -> Vec<String> {
    let mut v = vec![
        format!("plenty {}", p.plenty_version),
        format!("command: {}", p.command),
        format!("input_sha256: {}", p.input_hash),
    ];
    for f in &p.inputs {
        v.push(format!("input: {} sha256:{}", f.path.display(), f.sha256));
    }
    v.push(format!("settings: {}", p.settings));
    v
}

#[cfg(feature = "parquet")]
fn write_parquet(path: &Path, report: &Report, t: &ResultTable) -> Result<()> {
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let levels = t.row_levels();
    let mut fields: Vec<Field> = levels
        .iter()
        .map(|l| Field::new(*l, DataType::Utf8, false))
        .collect();
    let mut arrays: Vec<ArrayRef> = if levels.len() == 1 {
        vec![Arc::new(StringArray::from(t.rows.clone()))]
    } else {
        (0..levels.len())
            .map(|k| {
                let parts: Vec<&str> = (0..t.rows.len()).map(|i| t.row_label_parts(i)[k]).collect();
                Arc::new(StringArray::from(parts)) as ArrayRef
            })
            .collect()
    };
    for c in &t.columns {
        fields.push(Field::new(&c.name, DataType::Float64, true));
        arrays.push(Arc::new(Float64Array::from(
            c.values
                .iter()
                .map(|v| if v.is_nan() { None } else { Some(*v) })
                .collect::<Vec<_>>(),
        )));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| IoError::file(path, e.to_string()))?;
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![
            KeyValue::new(
                "plenty.provenance".to_string(),
                serde_json::to_string(&report.provenance).unwrap_or_default(),
            ),
            KeyValue::new("plenty.summary".to_string(), report.summary.to_string()),
        ]))
        .build();
    let f = std::fs::File::create(path).map_err(|e| IoError::os(path, &e))?;
    let mut w = ArrowWriter::try_new(f, schema, Some(props))
        .map_err(|e| IoError::file(path, e.to_string()))?;
    w.write(&batch)
        .map_err(|e| IoError::file(path, e.to_string()))?;
    w.close().map_err(|e| IoError::file(path, e.to_string()))?;
    Ok(())
}

/// Without the `parquet` feature a Parquet output is refused, naming the feature.
#[cfg(not(feature = "parquet"))]
fn write_parquet(path: &Path, _report: &Report, _t: &ResultTable) -> Result<()> {
    Err(IoError::file(
        path,
        "this build of plenty-io has no Parquet writer (the `parquet` feature); write .csv or .json",
    ))
}

/// Reads a Parquet file written by [`write_report`] back into a table and its metadata (used by
/// tests and by anyone checking an output's provenance).
#[cfg(feature = "parquet")]
pub fn read_parquet(path: &Path) -> Result<(ResultTable, Vec<(String, String)>)> {
    use arrow_array::{Array, Float64Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let f = std::fs::File::open(path).map_err(|e| IoError::os(path, &e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f)
        .map_err(|e| IoError::file(path, e.to_string()))?;
    let meta: Vec<(String, String)> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .map(|kv| {
            kv.iter()
                .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let schema = builder.schema().clone();
    let reader = builder
        .build()
        .map_err(|e| IoError::file(path, e.to_string()))?;
    let mut rows = Vec::new();
    // The leading text columns are the levels of the row labels.
    let k = schema
        .fields()
        .iter()
        .take_while(|f| f.data_type() == &arrow_schema::DataType::Utf8)
        .count()
        .max(1);
    let mut columns: Vec<Column> = schema
        .fields()
        .iter()
        .skip(k)
        .map(|f| Column {
            name: f.name().clone(),
            values: Vec::new(),
        })
        .collect();
    for batch in reader {
        let batch = batch.map_err(|e| IoError::file(path, e.to_string()))?;
        let mut levels = Vec::with_capacity(k);
        for j in 0..k {
            levels.push(
                batch
                    .column(j)
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| IoError::file(path, "the first column is not text"))?,
            );
        }
        rows.extend((0..batch.num_rows()).map(|i| {
            let parts: Vec<&str> = levels.iter().map(|l| l.value(i)).collect();
            join_levels(&parts)
        }));
        for (c_ix, c) in columns.iter_mut().enumerate() {
            let a = batch
                .column(c_ix + k)
                .as_any()
                .downcast_ref::<Float64Array>()
                .ok_or_else(|| IoError::file(path, format!("column {:?} is not f64", c.name)))?;
            c.values
                .extend((0..a.len()).map(|i| if a.is_null(i) { f64::NAN } else { a.value(i) }));
        }
    }
    Ok((
        ResultTable {
            name: String::new(),
            row_header: join_levels(
                &schema.fields()[..k]
                    .iter()
                    .map(|f| f.name().as_str())
                    .collect::<Vec<_>>(),
            ),
            rows,
            columns,
        },
        meta,
    ))
}

/// Renders a table for a terminal: aligned columns, at most `max_rows` rows (with a note on how
/// many were left out), every column in one number format ([`ColumnFormat`]). A table wider
/// than `width` characters is stacked: the columns are cut into groups that fit, each printed
/// under the row labels.
pub fn render_table(t: &ResultTable, max_rows: usize, width: usize) -> String {
    let shown = t.rows.len().min(max_rows);
    let labels: Vec<String> = if t.row_levels().len() > 1 {
        // One aligned column per level.
        let cells: Vec<Vec<String>> =
            std::iter::once(t.row_levels().iter().map(|l| l.to_string()).collect())
                .chain((0..shown).map(|i| {
                    t.row_label_parts(i)
                        .iter()
                        .map(|p| truncate(p, 40))
                        .collect()
                }))
                .collect();
        let widths: Vec<usize> = (0..t.row_levels().len())
            .map(|k| {
                cells
                    .iter()
                    .map(|c| c[k].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        cells
            .iter()
            .map(|c| {
                c.iter()
                    .zip(&widths)
                    .map(|(s, &w)| format!("{s:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
            })
            .collect()
    } else {
        std::iter::once(t.row_header.clone())
            .chain(t.rows[..shown].iter().map(|r| truncate(r, 40)))
            .collect()
    };
    let label_width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    // Each column's cells (header first) and width.
    let columns: Vec<(Vec<String>, usize)> = t
        .columns
        .iter()
        .map(|c| {
            let format = ColumnFormat::for_values(&c.values[..shown]);
            let cells: Vec<String> = std::iter::once(c.name.clone())
                .chain(c.values[..shown].iter().map(|&v| format.render(v)))
                .collect();
            let w = cells.iter().map(|x| x.chars().count()).max().unwrap_or(0);
            (cells, w)
        })
        .collect();
    // Groups of consecutive columns that fit beside the labels (at least one per group).
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut used = label_width;
    for (j, (_, w)) in columns.iter().enumerate() {
        if j > start && used + 2 + w > width {
            groups.push(start..j);
            start = j;
            used = label_width;
        }
        used += 2 + w;
    }
    groups.push(start..columns.len());
    let mut out = String::new();
    for (g, range) in groups.iter().enumerate() {
        if g > 0 {
            out.push('\n');
        }
        let total = label_width
            + columns[range.clone()]
                .iter()
                .map(|(_, w)| 2 + w)
                .sum::<usize>();
        for (k, label) in labels.iter().enumerate() {
            let mut line = format!("{label:<label_width$}");
            for (cells, w) in &columns[range.clone()] {
                line.push_str(&format!("  {:>w$}", cells[k]));
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if k == 0 {
                out.push_str(&"─".repeat(total));
                out.push('\n');
            }
        }
    }
    if shown < t.rows.len() {
        out.push_str(&format!(
            "… {} more rows (write them all with --output FILE.csv|.json|.parquet)\n",
            t.rows.len() - shown
        ));
    }
    out
}

/// One number format for a whole column, so that its digits line up: fixed decimals chosen for
/// six significant digits on the column's largest magnitude, or scientific notation when the
/// column spans magnitudes that fixed decimals would show with fewer than three significant
/// digits (or beyond 10⁹).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFormat {
    /// This many decimals.
    Fixed(usize),
    /// `d.ddddde±x`.
    Scientific,
}

impl ColumnFormat {
    /// The format for these values (NaN is ignored).
    pub fn for_values(values: &[f64]) -> Self {
        let magnitudes = values.iter().filter(|v| v.is_finite()).map(|v| v.abs());
        let largest = magnitudes.clone().fold(0.0f64, f64::max);
        let smallest = magnitudes
            .filter(|&a| a > 0.0)
            .fold(f64::INFINITY, f64::min);
        if largest == 0.0 {
            return ColumnFormat::Fixed(0);
        }
        if largest >= 1e9 {
            return ColumnFormat::Scientific;
        }
        let decimals = (5 - largest.log10().floor() as i32).clamp(0, 9) as usize;
        // The smallest non-zero value keeps at least three significant digits.
        if smallest < 10f64.powi(2 - decimals as i32) {
            return ColumnFormat::Scientific;
        }
        ColumnFormat::Fixed(decimals)
    }

    /// One value in this format (NaN as a dash).
    pub fn render(self, v: f64) -> String {
        if v.is_nan() {
            return "—".into();
        }
        match self {
            ColumnFormat::Fixed(d) => format!("{v:.d$}"),
            ColumnFormat::Scientific => format!("{v:.5e}"),
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Formats a number for people: 6 significant digits, scientific when very large or small.
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        return "—".into();
    }
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e9).contains(&a) {
        format!("{v:.5e}")
    } else {
        let digits = if a == 0.0 {
            0
        } else {
            (5 - a.log10().floor() as i32).clamp(0, 9) as usize
        };
        format!("{v:.digits$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: Vec<(&str, Vec<f64>)>) -> ResultTable {
        let n = columns[0].1.len();
        ResultTable {
            name: "t".into(),
            row_header: "product".into(),
            rows: (0..n).map(|i| format!("p{i}")).collect(),
            columns: columns
                .into_iter()
                .map(|(name, values)| Column {
                    name: name.into(),
                    values,
                })
                .collect(),
        }
    }

    #[test]
    fn issue_10_one_number_format_per_column() {
        assert_eq!(
            ColumnFormat::for_values(&[0.0249601, 0.00776417]),
            ColumnFormat::Fixed(7)
        );
        assert_eq!(
            ColumnFormat::for_values(&[15219.0, 619342.0]),
            ColumnFormat::Fixed(0)
        );
        // Fixed decimals would show 1e-6 with one digit: the whole column is scientific.
        assert_eq!(
            ColumnFormat::for_values(&[1.5, 1e-6]),
            ColumnFormat::Scientific
        );
        assert_eq!(ColumnFormat::for_values(&[2e10]), ColumnFormat::Scientific);
        assert_eq!(
            ColumnFormat::for_values(&[f64::NAN, 0.0]),
            ColumnFormat::Fixed(0)
        );
        let out = render_table(&table(vec![("v", vec![0.0249601, 0.00776417])]), 10, 80);
        assert!(
            out.contains("0.0249601") && out.contains("0.0077642"),
            "{out}"
        );
    }

    #[test]
    fn issue_10_wide_tables_are_stacked_to_the_width() {
        let t = table(
            (0..12)
                .map(|k| ("a_rather_long_column_name", vec![k as f64, 1.0]))
                .collect(),
        );
        let out = render_table(&t, 10, 80);
        assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
        // Every column is shown once, and every block repeats the row labels.
        assert_eq!(out.matches("a_rather_long_column_name").count(), 12);
        let blocks = out.matches("product").count();
        assert!(blocks >= 4, "{out}");
        assert_eq!(
            out.matches("\np1 ").count() + usize::from(out.starts_with("p1 ")),
            blocks
        );
    }
}
