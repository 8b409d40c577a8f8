//! Results as CSV, JSON or Parquet, each with its provenance: the plenty version, the command,
//! the settings and the hashes of the inputs.
//!
//! * CSV: `# key: value` provenance lines, then a header and one line per row. Readers that
//!   skip `#` comments (pandas `comment="#"`, plenty's own) read it as a plain table.
//! * JSON: `{"provenance": …, "summary": …, "tables": {name: {"row_header", "rows", "columns"}}}`.
//! * Parquet: one row-label column and one `f64` column per result column; the provenance and
//!   summary are in the file's key-value metadata (`plenty.provenance`, `plenty.summary`).

use crate::error::{IoError, Result};
use crate::hash::InputFile;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

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

/// Writes a report. CSV and Parquet hold one table: the first, unless `table` names another.
pub fn write_report(
    path: &Path,
    format: Format,
    report: &Report,
    table: Option<&str>,
) -> Result<()> {
    match format {
        Format::Json => {
            let f = std::fs::File::create(path).map_err(|e| IoError::os(path, &e))?;
            let mut w = std::io::BufWriter::new(f);
            // Streamed: a table of a million rows is written without building a JSON tree.
            serde_json::to_writer(&mut w, &JsonReport(report))
                .map_err(|e| IoError::file(path, e.to_string()))?;
            w.write_all(b"\n")
                .and_then(|_| w.flush())
                .map_err(|e| IoError::os(path, &e))
        }
        Format::Csv => {
            let t = pick(report, table, path)?;
            let f = std::fs::File::create(path).map_err(|e| IoError::os(path, &e))?;
            let mut w = std::io::BufWriter::new(f);
            write_csv(&mut w, report, t).map_err(|e| IoError::os(path, &e))
        }
        Format::Parquet => {
            let t = pick(report, table, path)?;
            write_parquet(path, report, t)
        }
    }
}

fn pick<'a>(report: &'a Report, table: Option<&str>, path: &Path) -> Result<&'a ResultTable> {
    match table {
        None => report.tables.first().ok_or_else(|| {
            IoError::file(
                path,
                "this command produced no table to write; use a .json output",
            )
        }),
        Some(name) => report
            .tables
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| IoError::file(path, format!("no table called {name:?}"))),
    }
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
        m.serialize_entry("row_header", &self.0.row_header)?;
        m.serialize_entry("rows", &self.0.rows)?;
        m.serialize_entry("columns", &JsonColumns(&self.0.columns))?;
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
        tables.insert(
            t.name.clone(),
            serde_json::json!({"row_header": t.row_header, "rows": t.rows, "columns": cols}),
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

/// Writes provenance comment lines and one table as CSV.
pub fn write_csv(w: &mut impl Write, report: &Report, t: &ResultTable) -> std::io::Result<()> {
    for line in provenance_lines(&report.provenance) {
        writeln!(w, "# {line}")?;
    }
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec![t.row_header.clone()];
    header.extend(t.columns.iter().map(|c| c.name.clone()));
    out.write_record(&header)?;
    let mut rec: Vec<String> = Vec::with_capacity(header.len());
    for (i, label) in t.rows.iter().enumerate() {
        rec.clear();
        rec.push(label.clone());
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

fn write_parquet(path: &Path, report: &Report, t: &ResultTable) -> Result<()> {
    use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;

    let mut fields = vec![Field::new(&t.row_header, DataType::Utf8, false)];
    let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from(t.rows.clone()))];
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

/// Reads a Parquet file written by [`write_report`] back into a table and its metadata (used by
/// tests and by anyone checking an output's provenance).
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
    let mut columns: Vec<Column> = schema
        .fields()
        .iter()
        .skip(1)
        .map(|f| Column {
            name: f.name().clone(),
            values: Vec::new(),
        })
        .collect();
    for batch in reader {
        let batch = batch.map_err(|e| IoError::file(path, e.to_string()))?;
        let labels = batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| IoError::file(path, "the first column is not text"))?;
        rows.extend((0..labels.len()).map(|i| labels.value(i).to_string()));
        for (k, c) in columns.iter_mut().enumerate() {
            let a = batch
                .column(k + 1)
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
            row_header: schema.field(0).name().clone(),
            rows,
            columns,
        },
        meta,
    ))
}

/// Renders a table for a terminal: aligned columns, at most `max_rows` rows (with a note on how
/// many were left out).
pub fn render_table(t: &ResultTable, max_rows: usize) -> String {
    let shown = t.rows.len().min(max_rows);
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(shown + 1);
    let mut header = vec![t.row_header.clone()];
    header.extend(t.columns.iter().map(|c| c.name.clone()));
    cells.push(header);
    for i in 0..shown {
        let mut row = vec![truncate(&t.rows[i], 40)];
        row.extend(t.columns.iter().map(|c| fmt_num(c.values[i])));
        cells.push(row);
    }
    let ncols = cells[0].len();
    let widths: Vec<usize> = (0..ncols)
        .map(|j| {
            cells
                .iter()
                .map(|r| r[j].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (k, row) in cells.iter().enumerate() {
        let mut line = String::new();
        for (j, cell) in row.iter().enumerate() {
            let pad = widths[j] - cell.chars().count();
            if j == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if k == 0 {
            out.push_str(&"─".repeat(widths.iter().sum::<usize>() + 2 * (ncols - 1)));
            out.push('\n');
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
