//! Matrix Market (`.mtx`) files of real matrices, for exchange with numerical tools (SciPy's
//! `scipy.io.mmread`/`mmwrite`, MATLAB, Julia, the SuiteSparse collection).
//!
//! Read: `%%MatrixMarket matrix coordinate real|integer general|symmetric|skew-symmetric` and
//! `%%MatrixMarket matrix array real|integer general|symmetric|skew-symmetric` (dense, column by
//! column). Indices in the file are 1-based. A symmetric file lists one triangle; the other is
//! mirrored (negated for skew-symmetric). `pattern` files are rejected, because plenty needs the
//! coefficients, and so are `complex` and `hermitian` ones.
//!
//! Written: `coordinate real general`, row by row, with the shortest decimal form of each value
//! that reads back to the same bits.
//!
//! ```text
//!  %%MatrixMarket matrix coordinate real general
//!  % plenty 0.1.0            ← comment lines (provenance)
//!  3 3 4                     ← rows, columns, entries
//!  1 1 0.25                  ← row, column (1-based), value
//!  1 3 0.5
//!  2 2 0.125
//!  3 1 1e-7
//! ```
//!
//! The reader streams the file through a buffer (it never holds the whole text), and when the
//! entries come row by row, as plenty and most tools write them, it fills the compressed-row
//! arrays directly, without an intermediate list of triplets. Only unsorted or symmetric files
//! go through triplets and a sort. Each problem is reported with its line and, for an entry,
//! the field (row index, column index or value).

use crate::error::{IoError, Result};
use plenty_core::{CsrMatrix, ModelError};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// The banner of every file this module writes.
pub const BANNER: &str = "%%MatrixMarket matrix coordinate real general";

/// What to do about a file that is not a Matrix Market file.
const BANNER_HINT: &str = "a Matrix Market file starts with a banner such as \
\"%%MatrixMarket matrix coordinate real general\"";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Coordinate,
    Array,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symmetry {
    General,
    Symmetric,
    SkewSymmetric,
}

/// Above this many rows, a coordinate file must hold at least one entry per 64 rows.
const MAX_EMPTY_ROWS: u64 = 1 << 24;

/// The parsed banner and size line.
#[derive(Debug, Clone, Copy)]
struct Header {
    layout: Layout,
    symmetry: Symmetry,
    nrows: usize,
    ncols: usize,
    /// Declared number of entries (coordinate) or of values (array).
    count: usize,
    /// 1-based line of the size line.
    size_line: usize,
}

/// Reads lines into one reused buffer; yields each line without its line ending.
struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    line: usize,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R) -> Self {
        Self {
            reader,
            buf: Vec::with_capacity(256),
            line: 0,
        }
    }

    /// The next line and its 1-based number, or `None` at the end of the file.
    fn next_line(&mut self) -> std::io::Result<Option<(usize, &[u8])>> {
        self.buf.clear();
        if self.reader.read_until(b'\n', &mut self.buf)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        let mut end = self.buf.len();
        while end > 0 && (self.buf[end - 1] == b'\n' || self.buf[end - 1] == b'\r') {
            end -= 1;
        }
        Ok(Some((self.line, &self.buf[..end])))
    }
}

/// Splits a line into whitespace-separated fields without allocating.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn new(line: &'a [u8]) -> Self {
        Self { rest: line }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let rest = &self.rest[start..];
        let end = rest
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        self.rest = &rest[end..];
        Some(&rest[..end])
    }
}

/// Text of a field for a message: printable ASCII, shortened.
fn shown(bytes: &[u8]) -> String {
    let mut s: String = bytes.escape_ascii().to_string();
    if s.chars().count() > 40 {
        s = s.chars().take(40).collect::<String>() + "…";
    }
    s
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(k) => line[k] == b'%',
    }
}

/// Parses an unsigned decimal integer field.
#[inline]
fn parse_uint(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in field {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// Parses a finite real field; the error text says what was found.
#[inline]
fn parse_real(field: &[u8]) -> std::result::Result<f64, String> {
    let parsed = std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<f64>().ok());
    match parsed {
        Some(v) if v.is_finite() => Ok(v),
        Some(v) => Err(format!(
            "the value {:?} is {v}; every entry must be a finite number",
            shown(field)
        )),
        None => Err(format!("{:?} is not a number", shown(field))),
    }
}

const FIELD_NAMES: [&str; 3] = ["row index", "column index", "value"];

fn field_error(path: &Path, line: usize, k: usize, msg: String) -> IoError {
    IoError::at_cell(path, line, k + 1, Some(FIELD_NAMES[k]), msg)
}

fn open(path: &Path) -> Result<(Lines<BufReader<File>>, u64)> {
    let file = File::open(path).map_err(|e| IoError::os(path, &e))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((Lines::new(BufReader::with_capacity(1 << 20, file)), len))
}

/// Reads the banner, the comments and the size line.
fn read_header<R: BufRead>(path: &Path, lines: &mut Lines<R>) -> Result<Header> {
    let os = |e: std::io::Error| IoError::os(path, &e);
    let (line, banner) = match lines.next_line().map_err(os)? {
        Some(l) => l,
        None => {
            return Err(IoError::file(
                path,
                format!("the file is empty; {BANNER_HINT}"),
            ))
        }
    };
    let banner = banner.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(banner);
    let words: Vec<String> = Fields::new(banner)
        .map(|w| String::from_utf8_lossy(w).to_lowercase())
        .collect();
    if words.first().map(String::as_str) != Some("%%matrixmarket") {
        let what = if banner.iter().take(4096).any(|&b| b == 0) {
            "this is binary data, not a Matrix Market file".to_string()
        } else {
            format!(
                "this is not a Matrix Market file: the first line is {:?}",
                shown(banner)
            )
        };
        return Err(IoError::at_line(
            path,
            line,
            format!("{what}; {BANNER_HINT}"),
        ));
    }
    let word = |k: usize| words.get(k).map(String::as_str).unwrap_or("");
    let bad = |msg: String| Err(IoError::at_line(path, line, msg));
    if word(1) != "matrix" {
        return bad(format!(
            "the banner describes a {:?}; plenty reads only matrices (\"%%MatrixMarket matrix …\")",
            word(1)
        ));
    }
    let layout = match word(2) {
        "coordinate" => Layout::Coordinate,
        "array" => Layout::Array,
        other => {
            return bad(format!(
                "the storage format {other:?} is not known; use \"coordinate\" (sparse) or \"array\" (dense)"
            ))
        }
    };
    match word(3) {
        "real" | "double" | "integer" => {}
        "pattern" => return bad(
            "this is a \"pattern\" file: it gives where the non-zeros are, but not their values, \
                 and plenty needs the coefficients; write the matrix with field \"real\""
                .into(),
        ),
        "complex" => {
            return bad(
                "complex matrices are not supported; write the real matrix (field \"real\")".into(),
            )
        }
        other => {
            return bad(format!(
                "the field {other:?} is not known; use \"real\" or \"integer\""
            ))
        }
    }
    let symmetry = match word(4) {
        "general" => Symmetry::General,
        "symmetric" => Symmetry::Symmetric,
        "skew-symmetric" => Symmetry::SkewSymmetric,
        "hermitian" => {
            return bad("hermitian matrices are complex and not supported; write a real matrix".into())
        }
        other => {
            return bad(format!(
                "the symmetry {other:?} is not known; use \"general\", \"symmetric\" or \"skew-symmetric\""
            ))
        }
    };
    // Comments, then the size line.
    loop {
        let (line, text) =
            match lines.next_line().map_err(os)? {
                Some(l) => l,
                None => return Err(IoError::file(
                    path,
                    "the file ends before the size line (\"rows columns entries\" for coordinate, \
                     \"rows columns\" for array)",
                )),
            };
        if is_blank_or_comment(text) {
            continue;
        }
        let want = if layout == Layout::Coordinate { 3 } else { 2 };
        let fields: Vec<&[u8]> = Fields::new(text).collect();
        let nums: Vec<Option<u64>> = fields.iter().map(|f| parse_uint(f)).collect();
        if fields.len() != want || nums.iter().any(Option::is_none) {
            let form = if layout == Layout::Coordinate {
                "\"rows columns entries\""
            } else {
                "\"rows columns\""
            };
            return Err(IoError::at_line(
                path,
                line,
                format!(
                    "the size line must hold {want} non-negative integers, {form}; found {:?}",
                    shown(text)
                ),
            ));
        }
        let nrows = nums[0].unwrap_or(0);
        let ncols = nums[1].unwrap_or(0);
        for (v, what) in [(nrows, "rows"), (ncols, "columns")] {
            if v > u64::from(u32::MAX) {
                return Err(IoError::at_line(
                    path,
                    line,
                    format!("{v} {what} exceed plenty's limit of 2^32 − 1"),
                ));
            }
        }
        let (nrows, ncols) = (nrows as usize, ncols as usize);
        if symmetry != Symmetry::General && nrows != ncols {
            return Err(IoError::at_line(
                path,
                line,
                format!(
                    "a symmetric matrix must be square, but the size line says {nrows} × {ncols}"
                ),
            ));
        }
        // Row pointers cost 8 bytes per row before a single entry is read: refuse sizes far
        // beyond what the file's entries can describe (a truncated or corrupted size line).
        if layout == Layout::Coordinate {
            let declared = nums[2].unwrap_or(0);
            let rows = nrows.max(ncols) as u64;
            if rows > MAX_EMPTY_ROWS && rows > 64 * declared.saturating_add(1) {
                return Err(IoError::at_line(
                    path,
                    line,
                    format!(
                        "the size line declares {nrows} × {ncols} with only {declared} entries; a matrix that large and that empty is almost surely a corrupted size line (plenty accepts at most 64 rows per entry above {MAX_EMPTY_ROWS} rows)"
                    ),
                ));
            }
        }
        let count = match layout {
            Layout::Coordinate => usize::try_from(nums[2].unwrap_or(0)).unwrap_or(usize::MAX),
            Layout::Array => match symmetry {
                Symmetry::General => nrows.saturating_mul(ncols),
                Symmetry::Symmetric => nrows.saturating_mul(nrows + 1) / 2,
                Symmetry::SkewSymmetric => nrows.saturating_mul(nrows.saturating_sub(1)) / 2,
            },
        };
        return Ok(Header {
            layout,
            symmetry,
            nrows,
            ncols,
            count,
            size_line: line,
        });
    }
}

/// Calls `entry(line, row, col, value)` (0-based indices, as in the file, before mirroring) for
/// every entry after the size line; returns the number of entries.
fn for_each_entry<R: BufRead>(
    path: &Path,
    h: &Header,
    lines: &mut Lines<R>,
    mut entry: impl FnMut(usize, u32, u32, f64) -> Result<()>,
) -> Result<usize> {
    let os = |e: std::io::Error| IoError::os(path, &e);
    let mut count = 0usize;
    // For the array layout: the position of the next value, column by column.
    let (mut ai, mut aj) = (0usize, 0usize);
    if h.layout == Layout::Array {
        ai = match h.symmetry {
            Symmetry::General | Symmetry::Symmetric => 0,
            Symmetry::SkewSymmetric => 1,
        };
    }
    while let Some((line, text)) = lines.next_line().map_err(os)? {
        if is_blank_or_comment(text) {
            continue;
        }
        count += 1;
        if count > h.count {
            // Count the rest, so the message can say how many there are.
            let mut extra = 1usize;
            while let Some((_, t)) = lines.next_line().map_err(os)? {
                if !is_blank_or_comment(t) {
                    extra += 1;
                }
            }
            let what = if h.layout == Layout::Coordinate {
                "entries"
            } else {
                "values"
            };
            return Err(IoError::at_line(
                path,
                line,
                format!(
                    "the size line (line {}) declares {} {what}, but the file holds {} (the first extra one is here); \
                     correct the size line or remove the extra lines",
                    h.size_line,
                    h.count,
                    h.count + extra
                ),
            ));
        }
        let mut fields = Fields::new(text);
        match h.layout {
            Layout::Coordinate => {
                let mut idx = [0u32; 2];
                for (k, limit) in [h.nrows, h.ncols].into_iter().enumerate() {
                    let f = fields.next().ok_or_else(|| {
                        field_error(
                            path,
                            line,
                            k,
                            format!(
                                "an entry needs 3 fields, \"row column value\"; this line has {k}"
                            ),
                        )
                    })?;
                    let v = parse_uint(f).ok_or_else(|| {
                        field_error(
                            path,
                            line,
                            k,
                            format!(
                                "{:?} is not a {}; indices are whole numbers from 1",
                                shown(f),
                                FIELD_NAMES[k]
                            ),
                        )
                    })?;
                    if v == 0 || v > limit as u64 {
                        let dim = if k == 0 { "rows" } else { "columns" };
                        let hint = if v == 0 {
                            " (Matrix Market indices start at 1, not 0)"
                        } else {
                            ""
                        };
                        return Err(field_error(
                            path,
                            line,
                            k,
                            format!(
                                "{} {v} is outside 1..={limit}: the size line (line {}) declares {limit} {dim}{hint}",
                                FIELD_NAMES[k], h.size_line
                            ),
                        ));
                    }
                    idx[k] = (v - 1) as u32;
                }
                let f = fields.next().ok_or_else(|| {
                    field_error(
                        path,
                        line,
                        2,
                        "an entry needs 3 fields, \"row column value\"; this line has 2 (is this a \
                         pattern file with a wrong banner?)"
                            .into(),
                    )
                })?;
                let v = parse_real(f).map_err(|m| field_error(path, line, 2, m))?;
                if let Some(extra) = fields.next() {
                    return Err(IoError::at_cell(
                        path,
                        line,
                        4,
                        None,
                        format!(
                            "an entry has 3 fields, \"row column value\", but this line has more ({:?}); \
                             complex values are not supported",
                            shown(extra)
                        ),
                    ));
                }
                entry(line, idx[0], idx[1], v)?;
            }
            Layout::Array => {
                let f = fields.next().unwrap_or_default();
                let v = parse_real(f).map_err(|m| IoError::at_cell(path, line, 1, None, m))?;
                if fields.next().is_some() {
                    return Err(IoError::at_line(
                        path,
                        line,
                        "an array file holds one value per line; this line has more",
                    ));
                }
                entry(line, ai as u32, aj as u32, v)?;
                ai += 1;
                if ai == h.nrows {
                    aj += 1;
                    ai = match h.symmetry {
                        Symmetry::General => 0,
                        Symmetry::Symmetric => aj,
                        Symmetry::SkewSymmetric => aj + 1,
                    };
                }
            }
        }
    }
    if count != h.count {
        let what = if h.layout == Layout::Coordinate {
            "entries"
        } else {
            "values"
        };
        let size = if h.layout == Layout::Array {
            format!(" ({} × {})", h.nrows, h.ncols)
        } else {
            String::new()
        };
        return Err(IoError::at_line(
            path,
            h.size_line,
            format!(
                "this size line declares {}{size} {what}, but the file holds {count}; \
                 the file may be cut short, or the size line is wrong",
                h.count
            ),
        ));
    }
    Ok(count)
}

/// Accumulates the entries: straight into compressed rows while they come row by row, else as
/// triplets.
struct Builder {
    nrows: usize,
    ncols: usize,
    /// `counts[r + 1]` = stored entries of row `r`.
    counts: Vec<usize>,
    col_idx: Vec<u32>,
    values: Vec<f64>,
    /// Set once the order breaks (or for symmetric files).
    triplets: Option<Vec<(u32, u32, f64)>>,
    last: Option<(u32, u32, usize)>,
    /// Zeros stored in the compressed rows (kept so a later out-of-order duplicate of a zero
    /// entry is still caught; removed at the end).
    zeros: usize,
}

impl Builder {
    fn new(nrows: usize, ncols: usize, reserve: usize, sorted_mode: bool) -> Self {
        if sorted_mode {
            Self {
                nrows,
                ncols,
                counts: vec![0; nrows + 1],
                col_idx: Vec::with_capacity(reserve),
                values: Vec::with_capacity(reserve),
                triplets: None,
                last: None,
                zeros: 0,
            }
        } else {
            Self {
                nrows,
                ncols,
                counts: Vec::new(),
                col_idx: Vec::new(),
                values: Vec::new(),
                triplets: Some(Vec::with_capacity(reserve)),
                last: None,
                zeros: 0,
            }
        }
    }

    /// Turns the rows filled so far into triplets.
    fn switch_to_triplets(&mut self) {
        let mut t = Vec::with_capacity(self.col_idx.capacity().max(self.col_idx.len() * 2));
        let mut k = 0;
        for r in 0..self.nrows {
            for _ in 0..self.counts[r + 1] {
                t.push((r as u32, self.col_idx[k], self.values[k]));
                k += 1;
            }
        }
        self.counts = Vec::new();
        self.col_idx = Vec::new();
        self.values = Vec::new();
        self.triplets = Some(t);
    }

    #[inline]
    fn push(&mut self, path: &Path, line: usize, r: u32, c: u32, v: f64) -> Result<()> {
        if let Some(t) = &mut self.triplets {
            t.push((r, c, v));
            return Ok(());
        }
        if let Some((lr, lc, lline)) = self.last {
            if (r, c) == (lr, lc) {
                return Err(IoError::at_line(
                    path,
                    line,
                    format!(
                        "entry ({}, {}) is given twice, on lines {lline} and {line}; remove one \
                         (plenty does not add up duplicate entries)",
                        r as u64 + 1,
                        c as u64 + 1
                    ),
                ));
            }
            if (r, c) < (lr, lc) {
                self.switch_to_triplets();
                return self.push(path, line, r, c, v);
            }
        }
        self.last = Some((r, c, line));
        self.zeros += usize::from(v == 0.0);
        self.counts[r as usize + 1] += 1;
        self.col_idx.push(c);
        self.values.push(v);
        Ok(())
    }

    fn finish(self) -> std::result::Result<CsrMatrix, ModelError> {
        match self.triplets {
            Some(t) => CsrMatrix::try_from_triplets(self.nrows, self.ncols, t),
            None => {
                let (mut counts, mut col_idx, mut values) =
                    (self.counts, self.col_idx, self.values);
                if self.zeros > 0 {
                    // Drop stored zeros in place, row by row.
                    let mut src = 0;
                    let mut dst = 0;
                    for r in 0..self.nrows {
                        let len = counts[r + 1];
                        let mut kept = 0;
                        for k in src..src + len {
                            if values[k] != 0.0 {
                                col_idx[dst] = col_idx[k];
                                values[dst] = values[k];
                                dst += 1;
                                kept += 1;
                            }
                        }
                        src += len;
                        counts[r + 1] = kept;
                    }
                    col_idx.truncate(dst);
                    values.truncate(dst);
                }
                for i in 0..self.nrows {
                    counts[i + 1] += counts[i];
                }
                CsrMatrix::try_from_parts(self.nrows, self.ncols, counts, col_idx, values)
            }
        }
    }
}

/// Reads a Matrix Market file into a sparse matrix.
///
/// Accepts `coordinate` and `array` files of `real` or `integer` values, `general`,
/// `symmetric` or `skew-symmetric`. Entries that are zero are not stored. Errors name the line
/// (and the field) and say what to do: a missing or unknown banner, a `pattern` file, a size
/// line that declares more or fewer entries than the file holds, an index outside the declared
/// size, NaN or an infinity, an entry given twice (with both lines).
pub fn read_matrix(path: &Path) -> Result<CsrMatrix> {
    let (mut lines, len) = open(path)?;
    let h = read_header(path, &mut lines)?;
    // Never trust the declared count for an allocation: an entry takes at least 6 bytes
    // ("1 1 1\n"), a value of an array at least 2.
    let per_entry = if h.layout == Layout::Coordinate { 6 } else { 2 };
    let bound = usize::try_from(len / per_entry).unwrap_or(usize::MAX);
    let mirrored = h.symmetry != Symmetry::General;
    let reserve = h
        .count
        .min(bound)
        .saturating_mul(if mirrored { 2 } else { 1 });
    // Row-by-row order is the common case for coordinate files; array files are column-major.
    let sorted_mode = h.layout == Layout::Coordinate && !mirrored;
    let mut b = Builder::new(h.nrows, h.ncols, reserve, sorted_mode);
    for_each_entry(path, &h, &mut lines, |line, r, c, v| {
        match h.symmetry {
            Symmetry::General => {}
            Symmetry::Symmetric | Symmetry::SkewSymmetric => {
                let strict = h.symmetry == Symmetry::SkewSymmetric;
                if r < c || (strict && r == c) {
                    let which = if strict {
                        "strictly below the diagonal (row > column)"
                    } else {
                        "on or below the diagonal (row ≥ column)"
                    };
                    return Err(IoError::at_line(
                        path,
                        line,
                        format!(
                            "entry ({}, {}) lies outside the stored triangle: a {} file lists only the entries {which}",
                            r as u64 + 1,
                            c as u64 + 1,
                            if strict { "skew-symmetric" } else { "symmetric" }
                        ),
                    ));
                }
                if r != c {
                    let mirror = if strict { -v } else { v };
                    b.push(path, line, c, r, mirror)?;
                }
            }
        }
        b.push(path, line, r, c, v)
    })?;
    drop(lines);
    b.finish().map_err(|e| model_error(path, &h, e))
}

/// Turns an error of the matrix constructor into one that names lines, re-reading the file
/// to find them (this path is taken only for errors).
fn model_error(path: &Path, h: &Header, e: ModelError) -> IoError {
    match e {
        ModelError::DuplicateEntry { row, col } => {
            let mut found = Vec::new();
            if let Ok((mut lines, _)) = open(path) {
                if read_header(path, &mut lines).is_ok() {
                    let _ = for_each_entry(path, h, &mut lines, |line, r, c, _| {
                        let (r, c) = (r as usize, c as usize);
                        if (r, c) == (row, col)
                            || (h.symmetry != Symmetry::General && (c, r) == (row, col))
                        {
                            found.push(line);
                        }
                        Ok(())
                    });
                }
            }
            let by_symmetry = if h.symmetry != Symmetry::General {
                " (directly or as the mirror image of a symmetric entry)"
            } else {
                ""
            };
            let msg = format!(
                "entry ({}, {}) is given twice{by_symmetry}; remove one (plenty does not add up duplicate entries)",
                row + 1,
                col + 1
            );
            match found.as_slice() {
                [a, b, ..] => IoError::at_line(path, *b, format!("{msg}: lines {a} and {b}")),
                [a] => IoError::at_line(path, *a, msg),
                [] => IoError::file(path, msg),
            }
        }
        other => IoError::file(path, format!("{other}")),
    }
}

/// Writes a sparse matrix as `coordinate real general`, row by row (so reading it back needs no
/// sort), with values in the shortest form that reads back to the same bits.
pub fn write_matrix(path: &Path, a: &CsrMatrix) -> Result<()> {
    write_matrix_with_comment(path, a, &[])
}

/// As [`write_matrix`], with comment lines after the banner (e.g. `plenty 0.1.0, seed 7`).
/// A `%` is put in front of each line that does not start with one; a line holding line breaks
/// becomes several comment lines.
pub fn write_matrix_with_comment(
    path: &Path,
    a: &CsrMatrix,
    comment_lines: &[String],
) -> Result<()> {
    let os = |e: std::io::Error| IoError::os(path, &e);
    let file = File::create(path).map_err(os)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    write_body(&mut w, a, comment_lines).map_err(os)?;
    w.into_inner().map_err(|e| os(e.into_error()))?;
    Ok(())
}

fn write_body<W: Write>(w: &mut W, a: &CsrMatrix, comment_lines: &[String]) -> std::io::Result<()> {
    writeln!(w, "{BANNER}")?;
    for c in comment_lines {
        for l in c.lines() {
            if l.starts_with('%') {
                writeln!(w, "{l}")?;
            } else {
                writeln!(w, "% {l}")?;
            }
        }
    }
    writeln!(w, "{} {} {}", a.nrows(), a.ncols(), a.nnz())?;
    let (row_ptr, col_idx, values) = (a.row_ptr(), a.col_idx(), a.values());
    let mut num = String::with_capacity(32);
    for i in 0..a.nrows() {
        for k in row_ptr[i]..row_ptr[i + 1] {
            num.clear();
            push_f64(&mut num, values[k]);
            writeln!(w, "{} {} {num}", i + 1, col_idx[k] as u64 + 1)?;
        }
    }
    w.flush()
}

/// Appends the shortest decimal text of `v` that parses back to the same bits: plain notation
/// for magnitudes in `[1e-5, 1e16)` and zero, scientific notation (`1.5e-7`) otherwise, so
/// tiny and huge numbers stay short. Python, pandas, SciPy and Rust all read both forms.
pub(crate) fn push_f64(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    let a = v.abs();
    // Writing to a String cannot fail.
    let _ = if v == 0.0 || (1e-5..1e16).contains(&a) {
        write!(out, "{v}")
    } else {
        write!(out, "{v:e}")
    };
}

/// The text of `v` as written by [`push_f64`].
pub(crate) fn format_f64(v: f64) -> String {
    let mut s = String::new();
    push_f64(&mut s, v);
    s
}
