//! Labelled delimited tables (CSV, or tab-separated for `.tsv`/`.txt`), read with their line
//! numbers so every later error can point at a cell.
//!
//! Handled quirks of real tables: a UTF-8 BOM; `#` comment lines; quoted fields; integer cells;
//! `---`, `...`, `..`, `NA` and empty cells as missing values; files separated by semicolons
//! (recognised from the first line, see [`sniff_delimiter`]). Rejected with the cell's position:
//! ragged lines, NaN and infinities, text where a number belongs, binary data.

use crate::error::{IoError, Result};
use std::path::{Path, PathBuf};

/// One data line of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line number in the file.
    pub line: usize,
    /// The cells, as text.
    pub cells: Vec<String>,
}

/// A delimited table: a header line and data lines.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    /// The file it came from.
    pub path: PathBuf,
    /// 1-based line number of the header.
    pub header_line: usize,
    /// Header cells.
    pub header: Vec<String>,
    /// Data lines.
    pub rows: Vec<Row>,
    /// The delimiter the file was read with.
    pub delimiter: u8,
}

/// Calls `f(line, record)` for every non-blank record of a comma-separated text (skipping `#`
/// comment lines), with its true 1-based line; a record the reader cannot parse is an error at
/// its line. Shared by the vector, triplet and pymrio readers.
pub(crate) fn each_record(
    path: &Path,
    bytes: &[u8],
    mut f: impl FnMut(usize, &csv::StringRecord) -> Result<()>,
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let mut rec = csv::StringRecord::new();
    let mut lines = LineCounter::new(bytes, true);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = lines.line_of(e.position());
                return Err(IoError::at_line(
                    path,
                    line,
                    format!("cannot read this line: {e}"),
                ));
            }
        }
        let line = lines.line_of(rec.position());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        f(line, &rec)?;
    }
}

/// Tokens that real tables use for a missing value.
pub const MISSING_TOKENS: &[&str] = &["", "---", "...", "..", "NA", "N/A", "-"];

/// The delimiter for a path: tab for `.tsv` and `.txt`, comma otherwise.
pub fn delimiter_for(path: &Path) -> u8 {
    match path.extension().and_then(|e| e.to_str()) {
        Some("tsv") | Some("txt") | Some("tab") => b'\t',
        _ => b',',
    }
}

/// The delimiter of a file: tab for `.tsv`, `.txt` and `.tab` (as [`delimiter_for`]); otherwise
/// a semicolon when the first line that is not blank or a `#` comment holds semicolons but no
/// comma outside quotes (as spreadsheets write CSV in locales with a decimal comma), a tab when
/// it holds tabs but neither, else a comma.
pub fn sniff_delimiter(path: &Path, bytes: &[u8]) -> u8 {
    let by_name = delimiter_for(path);
    if by_name != b',' {
        return by_name;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes
        .split(|&b| b == b'\n' || b == b'\r')
        .find(|l| {
            let t = l.trim_ascii();
            !t.is_empty() && !t.starts_with(b"#")
        })
        .unwrap_or(&[]);
    let (mut commas, mut semicolons, mut tabs, mut quoted) = (0, 0, 0, false);
    for &b in first {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    match (commas, semicolons, tabs) {
        (0, s, _) if s > 0 => b';',
        (0, 0, t) if t > 0 => b'\t',
        _ => b',',
    }
}

/// The name of a delimiter in messages.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        b',' => "comma".to_string(),
        b';' => "semicolon".to_string(),
        d => format!("{:?}", d as char),
    }
}

impl RawTable {
    /// Reads a file. `header_rows` lines after comments form the header (the last is kept as the
    /// column names; with 2 or more, the others are returned as data-less header rows and
    /// joined into the names with `|`, which is how pymrio writes multi-index columns). The
    /// delimiter is found by [`sniff_delimiter`].
    pub fn read(path: &Path, header_rows: usize) -> Result<Self> {
        Self::read_with(path, header_rows, None)
    }

    /// [`RawTable::read`] with a given delimiter (`None`: found by [`sniff_delimiter`]).
    pub fn read_with(path: &Path, header_rows: usize, delimiter: Option<u8>) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
        let d = delimiter.unwrap_or_else(|| sniff_delimiter(path, &bytes));
        Self::parse(path, &bytes, d, header_rows)
    }

    /// A hint for a label or header that is not found: when the header or a label holds the
    /// semicolons or tabs of another delimiter, the file is probably separated by that one.
    pub fn delimiter_hint(&self) -> String {
        let cells = self
            .header
            .iter()
            .chain(self.rows.iter().filter_map(|r| r.cells.first()));
        for (d, key) in [(b';', "\";\""), (b'\t', "\"\\t\""), (b',', "\",\"")] {
            if d != self.delimiter && cells.clone().any(|c| c.contains(d as char)) {
                return format!(
                    "; the file is read as {}-separated, but its labels hold {}s: if it is {}-separated, set delimiter = {key} in the specification",
                    delimiter_name(self.delimiter),
                    delimiter_name(d),
                    delimiter_name(d),
                );
            }
        }
        String::new()
    }

    /// Parses bytes already read (the `path` is used in messages).
    pub fn parse(path: &Path, bytes: &[u8], delimiter: u8, header_rows: usize) -> Result<Self> {
        let text = crate::error::text_of(
            path,
            bytes,
            "a text table (it contains NUL bytes); give a CSV or tab-separated file",
        )?;
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let mut header: Option<(usize, Vec<String>)> = None;
        let mut header_parts: Vec<Vec<String>> = Vec::new();
        let mut last_line = 0;
        let mut rows = Vec::new();
        // The `csv` crate's own line numbers are wrong after CRLF line ends, comment lines and
        // blank lines, so lines are counted here from the records' byte offsets.
        let mut lines = LineCounter::new(text.as_bytes(), true);
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = lines.line_of(e.position());
                IoError::at_line(path, line, format!("cannot read this line: {e}"))
            })?;
            let line = lines.line_of(rec.position());
            let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            last_line = line;
            if header.is_none() {
                header_parts.push(cells);
                if header_parts.len() == header_rows.max(1) {
                    let width = header_parts.iter().map(Vec::len).max().unwrap_or(0);
                    let names = (0..width)
                        .map(|j| {
                            let parts: Vec<&str> = header_parts
                                .iter()
                                .map(|p| p.get(j).map(String::as_str).unwrap_or(""))
                                .filter(|s| !s.is_empty())
                                .collect();
                            parts.join("|")
                        })
                        .collect();
                    header = Some((line, names));
                }
                continue;
            }
            let width = header.as_ref().map(|h| h.1.len()).unwrap_or(0);
            if cells.len() != width {
                // Every line needs exactly one cell per header column.
                return Err(IoError::at_line(
                    path,
                    line,
                    format!(
                        "this line has {} cell{} but the header has {width}; every line needs one cell per column",
                        cells.len(),
                        if cells.len() == 1 { "" } else { "s" }
                    ),
                ));
            }
            rows.push(Row { line, cells });
        }
        let (header_line, header) = match header {
            Some(h) => h,
            None if header_parts.is_empty() => {
                return Err(IoError::file(
                    path,
                    "the file is empty: a table needs a header line and data lines",
                ))
            }
            None => {
                return Err(IoError::at_line(
                    path,
                    last_line,
                    format!(
                        "the file ends within the header: it should have {} header lines, but has only {} lines",
                        header_rows,
                        header_parts.len()
                    ),
                ))
            }
        };
        if rows.is_empty() {
            return Err(IoError::at_line(
                path,
                header_line,
                "the table has a header but no data lines",
            ));
        }
        Ok(Self {
            path: path.to_path_buf(),
            header_line,
            header,
            rows,
            delimiter,
        })
    }

    /// Index of a column by header name, or by 1-based number written as `"#3"`.
    pub fn column(&self, name: &str) -> Result<usize> {
        if let Some(num) = name.strip_prefix('#') {
            if let Ok(k) = num.parse::<usize>() {
                if k >= 1 && k <= self.header.len() {
                    return Ok(k - 1);
                }
            }
        }
        let hits: Vec<usize> = (0..self.header.len())
            .filter(|&j| self.header[j] == name)
            .collect();
        match hits.as_slice() {
            [j] => Ok(*j),
            [] => Err(IoError::at_line(
                &self.path,
                self.header_line,
                format!(
                    "no column is headed {name:?}{}{}",
                    suggest(name, self.header.iter().map(String::as_str)),
                    self.delimiter_hint()
                ),
            )),
            _ => Err(IoError::at_line(
                &self.path,
                self.header_line,
                format!(
                    "{} columns are headed {name:?} (columns {}); name the column by number, e.g. \"#{}\"",
                    hits.len(),
                    hits.iter().map(|j| (j + 1).to_string()).collect::<Vec<_>>().join(", "),
                    hits[0] + 1
                ),
            )),
        }
    }

    /// Parses cell `(row, col)` as a number; missing-value tokens give `None`.
    pub fn number(&self, row: usize, col: usize) -> Result<Option<f64>> {
        let r = &self.rows[row];
        let text = r.cells[col].as_str();
        parse_number(text).map_err(|msg| {
            IoError::at_cell(&self.path, r.line, col + 1, Some(&self.header[col]), msg)
        })
    }

    /// Parses a cell as a number, treating a missing value as zero (as input-output tables do:
    /// an empty cell in a flow table means no flow).
    pub fn number_or_zero(&self, row: usize, col: usize) -> Result<f64> {
        Ok(self.number(row, col)?.unwrap_or(0.0))
    }

    /// Parses a cell that must hold a number.
    pub fn required_number(&self, row: usize, col: usize) -> Result<f64> {
        self.number(row, col)?.ok_or_else(|| {
            let r = &self.rows[row];
            IoError::at_cell(
                &self.path,
                r.line,
                col + 1,
                Some(&self.header[col]),
                format!(
                    "a number is needed here, found the missing-value mark {:?}",
                    r.cells[col]
                ),
            )
        })
    }

    /// The error for a cell.
    pub fn cell_error(&self, row: usize, col: usize, msg: impl Into<String>) -> IoError {
        let r = &self.rows[row];
        IoError::at_cell(&self.path, r.line, col + 1, Some(&self.header[col]), msg)
    }
}

/// Turns the byte offsets that the `csv` crate reports into 1-based line numbers.
///
/// A line ends at `\n`, `\r\n`, or a lone `\r` (old Mac files), the same line ends at which
/// the `csv` reader ends a record. The crate's own `Position::line()` is wrong with CRLF line
/// ends and after blank or comment lines, and a record's `Position::byte()` is where the
/// previous record ended, before the line ends, blank lines and comment lines that the reader
/// skipped; [`LineCounter::line_of`] skips them forward the same way the reader does (a
/// comment runs from a `#` at the start of a record to the next `\n`) and counts the line ends
/// before the record's first byte. A quoted field holding line breaks does not change the line
/// of its own record, which is the line where the record starts. Offsets are expected in
/// increasing order, as records come; then the whole text is scanned once.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    comments: bool,
    /// Every line end before this offset has been counted into `line`.
    offset: usize,
    /// The line on which `offset` lies.
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter over the bytes given to the `csv` reader; `comments` says whether that reader
    /// skips `#` lines.
    pub(crate) fn new(bytes: &'a [u8], comments: bool) -> Self {
        Self {
            bytes,
            comments,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line on which the byte at `offset` lies (the last line for an offset at or
    /// past the end).
    pub(crate) fn line_at(&mut self, offset: usize) -> usize {
        let b = self.bytes;
        let p = offset.min(b.len());
        if p < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        // A line end is counted at its last byte: the `\n` of `\r\n`, a lone `\r` itself.
        self.line += (self.offset..p)
            .filter(|&k| b[k] == b'\n' || (b[k] == b'\r' && b.get(k + 1) != Some(&b'\n')))
            .count();
        self.offset = p;
        self.line
    }

    /// The line on which the record reported at `pos` starts (line 1 without a position).
    pub(crate) fn line_of(&mut self, pos: Option<&csv::Position>) -> usize {
        let b = self.bytes;
        let mut p = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        p = p.min(b.len());
        loop {
            match b.get(p) {
                Some(b'\r' | b'\n') => p += 1,
                Some(b'#') if self.comments => {
                    p = b[p..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(b.len(), |k| p + k + 1)
                }
                _ => break,
            }
        }
        self.line_at(p)
    }
}

/// Parses the text of one cell. Missing-value tokens give `None`; NaN, infinities and text are
/// errors whose message says what was found.
pub fn parse_number(text: &str) -> std::result::Result<Option<f64>, String> {
    let t = text.trim();
    if MISSING_TOKENS.contains(&t) {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(v) => Err(format!(
            "{t:?} is {v}; every number must be finite (write an empty cell or --- for a missing value)"
        )),
        Err(_) => {
            let hint = if t.matches(',').count() == 1 && t.replace(',', ".").parse::<f64>().is_ok()
            {
                // "1,5" or "1,234": a decimal comma, or a thousands separator.
                if t.split(',').nth(1).is_some_and(|f| f.len() == 3) {
                    " (remove the thousands separators; if the comma is a decimal comma, write a decimal point)"
                } else {
                    " (a decimal comma? write a decimal point)"
                }
            } else if t.contains(',') && t.replace(',', "").parse::<f64>().is_ok() {
                " (remove the thousands separators)"
            } else {
                ""
            };
            Err(format!("{t:?} is not a number{hint}"))
        }
    }
}

/// " (did you mean …?)" for the closest candidate by edit distance, or "".
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = name.to_lowercase();
    let best = candidates
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= (name.chars().count() / 3).max(2) => format!(" (did you mean {c:?}?)"),
        _ => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RawTable> {
        RawTable::parse(Path::new("t.csv"), text.as_bytes(), b',', 1)
    }

    #[test]
    fn quirks_are_handled() {
        let t = parse("\u{feff}# a comment\nlabel,a,b\nx,1,---\ny,...,2.5\n").unwrap();
        assert_eq!(t.header, vec!["label", "a", "b"]);
        assert_eq!(t.rows[0].line, 3);
        assert_eq!(t.number(0, 1).unwrap(), Some(1.0));
        assert_eq!(t.number(0, 2).unwrap(), None);
        assert_eq!(t.number(1, 1).unwrap(), None);
        assert_eq!(t.number(1, 2).unwrap(), Some(2.5));
    }

    #[test]
    fn errors_point_at_the_cell() {
        let t = parse("label,a,b\nx,1,NaN\n").unwrap();
        let e = t.number(0, 2).unwrap_err().to_string();
        assert!(
            e.starts_with("t.csv:2:3 (column \"b\"): \"NaN\" is NaN"),
            "{e}"
        );
        let e = parse("label,a,b\nx,1\n").unwrap_err().to_string();
        assert!(
            e.contains("t.csv:2: this line has 2 cells but the header has 3"),
            "{e}"
        );
        let e = parse("").unwrap_err().to_string();
        assert!(e.contains("the file is empty"), "{e}");
        let e = RawTable::parse(Path::new("b.csv"), b"\x00\x01\x02", b',', 1).unwrap_err();
        assert!(e.to_string().contains("binary data"));
        let t = parse("label,alpha,beta\nx,1,2\n").unwrap();
        let e = t.column("alpah").unwrap_err().to_string();
        assert!(e.contains("did you mean \"alpha\""), "{e}");
        let e = t.number(0, 1).map(|_| ()).and_then(|_| {
            parse("l,a\nx,\"1,234\"\n")
                .unwrap()
                .number(0, 1)
                .map(|_| ())
        });
        assert!(e.unwrap_err().to_string().contains("thousands separators"));
    }

    /// The header line and the line of every data row.
    fn lines(text: &str) -> (usize, Vec<usize>) {
        let t = parse(text).unwrap();
        (t.header_line, t.rows.iter().map(|r| r.line).collect())
    }

    #[test]
    fn lines_are_counted_with_lf_line_ends() {
        assert_eq!(lines("label,a\nx,1\ny,2\n"), (1, vec![2, 3]));
        assert_eq!(lines("label,a\nx,1\ny,2"), (1, vec![2, 3]));
    }

    #[test]
    fn lines_are_counted_with_crlf_line_ends() {
        assert_eq!(lines("label,a\r\nx,1\r\n"), (1, vec![2]));
        assert_eq!(lines("label,a\r\nx,1\r\ny,2\r\nz,3"), (1, vec![2, 3, 4]));
        // Mixed line ends, as left by editing a CRLF file on another system.
        assert_eq!(lines("label,a\r\nx,1\ny,2\r\nz,3\n"), (1, vec![2, 3, 4]));
    }

    #[test]
    fn lines_are_counted_with_lone_cr_line_ends() {
        // Old Mac files: the `csv` reader ends a record at a lone CR, so it ends a line too.
        assert_eq!(lines("label,a\rx,1\ry,2\r"), (1, vec![2, 3]));
        assert_eq!(lines("label,a\r\rx,1\r\n\ry,2"), (1, vec![3, 5]));
    }

    #[test]
    fn lines_are_counted_after_comment_lines() {
        assert_eq!(
            lines("# source\n# unit\nlabel,a\n# between\nx,1\n#\ny,2\n"),
            (3, vec![5, 7])
        );
        assert_eq!(
            lines("# source\r\n# unit\r\nlabel,a\r\n# between\r\nx,1\r\n"),
            (3, vec![5])
        );
        // A comment ends only at a line feed: `# a\rb,2` is all comment, but still two lines.
        assert_eq!(lines("label,a\n# a\rb,2\nx,1\n"), (1, vec![4]));
        // `#` inside a line is not a comment.
        assert_eq!(lines("label,a\nx#1,1\n"), (1, vec![2]));
        // With a BOM before the first comment.
        assert_eq!(lines("\u{feff}# c\r\nlabel,a\r\nx,1\r\n"), (2, vec![3]));
    }

    #[test]
    fn lines_are_counted_after_blank_lines() {
        assert_eq!(
            lines("\n\nlabel,a\n\n\nx,1\n   \ny,2\n,\nz,3\n\n"),
            (3, vec![6, 8, 10])
        );
        assert_eq!(
            lines("\r\n\r\nlabel,a\r\n\r\nx,1\r\n\r\n\r\ny,2\r\n"),
            (3, vec![5, 8])
        );
    }

    #[test]
    fn a_quoted_multi_line_field_starts_its_row() {
        assert_eq!(lines("label,a\n\"two\nlines\",1\ny,2\n"), (1, vec![2, 4]));
        assert_eq!(
            lines("label,a\r\n\"three\r\n\r\nlines\",1\r\ny,2\r\n"),
            (1, vec![2, 5])
        );
        // The line break in the quotes is not a comment start or a blank line.
        assert_eq!(lines("\"la\n#bel\",a\nx,\"1\n\n\"\ny,2\n"), (1, vec![3, 6]));
        // A multi-line header: the header line is where it starts.
        let t = RawTable::parse(
            Path::new("t.csv"),
            b"# c\nx,\"a\nb\"\nlabel,c\nr,1\n",
            b',',
            2,
        )
        .unwrap();
        assert_eq!((t.header_line, t.rows[0].line), (4, 5));
        assert_eq!(t.header, vec!["x|label", "a\nb|c"]);
    }

    #[test]
    fn errors_name_the_true_line() {
        let e = parse("# c\r\n\r\nlabel,a,b\r\n\r\nx,1,2\r\ny,1\r\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.csv:6: this line has 2 cells"), "{e}");
        let t = parse("label,a\r\n# c\r\nx,NaN\r\n").unwrap();
        let e = t.number(0, 1).unwrap_err().to_string();
        assert!(e.starts_with("t.csv:3:2 (column \"a\")"), "{e}");
        let e = parse("label\r\n").unwrap_err().to_string();
        assert!(
            e.starts_with("t.csv:1: the table has a header but no data"),
            "{e}"
        );
        let e = parse("\n# c\nlabel\n").unwrap_err().to_string();
        assert!(
            e.starts_with("t.csv:3: the table has a header but no data"),
            "{e}"
        );
        let e = RawTable::parse(Path::new("u.csv"), b"label,a\rx,1\ry,\xff\n", b',', 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("u.csv:3: this line is not valid UTF-8"),
            "{e}"
        );
        let e = RawTable::parse(Path::new("u.csv"), b"label,a\r\nx,1\r\n\xc3", b',', 1)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("u.csv:3: this line is not valid UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn a_file_shorter_than_its_header_says_so() {
        let e = RawTable::parse(Path::new("t.csv"), b"# c\nx,a\r\n\r\nlabel,b\n", b',', 3)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.csv:4: the file ends within the header: it should have 3 header lines, but has only 2"),
            "{e}"
        );
    }

    #[test]
    fn tab_separated_lines_are_counted_too() {
        let t = RawTable::parse(
            Path::new("t.tsv"),
            b"# c\r\nlabel\ta\r\n\r\nx\t1\r\n",
            b'\t',
            1,
        )
        .unwrap();
        assert_eq!((t.header_line, t.rows[0].line), (2, 4));
    }
}
