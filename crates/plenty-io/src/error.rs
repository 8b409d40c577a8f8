//! Errors of the readers and writers. Each names the file and, where it can, the line and
//! column, and says what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with an input or output file.
#[derive(Debug, Clone, PartialEq)]
pub struct IoError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known, with the column's header when there is one.
    pub column: Option<(usize, Option<String>)>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl IoError {
    /// An error about a whole file.
    pub fn file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self {
            file: file.as_ref().to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An error at a line.
    pub fn at_line(file: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            ..Self::file(file, message)
        }
    }

    /// An error at a cell.
    pub fn at_cell(
        file: impl AsRef<Path>,
        line: usize,
        column: usize,
        header: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            line: Some(line),
            column: Some((column, header.map(str::to_string))),
            ..Self::file(file, message)
        }
    }

    /// Wraps an operating-system error.
    pub fn os(file: impl AsRef<Path>, e: &std::io::Error) -> Self {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => ": check the path (relative paths in a specification are relative to the specification's folder)",
            std::io::ErrorKind::PermissionDenied => ": check the file's permissions",
            _ => "",
        };
        Self::file(file, format!("{e}{hint}"))
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some((col, header)) = &self.column {
            write!(f, ":{col}")?;
            if let Some(h) = header {
                write!(f, " (column {h:?})")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for IoError {}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, IoError>;

/// Reads a text file; invalid UTF-8 is an error at the line of the first bad byte.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..valid]
            .iter()
            .filter(|&&c| c == b'\n')
            .count();
        IoError::at_line(
            path,
            line,
            "this line is not valid UTF-8; save the file as UTF-8 text",
        )
    })
}

/// The 1-based line and column (in characters) of a byte offset in a text.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    let before = &text[..o];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |k| k + 1);
    (line, before[start..].chars().count() + 1)
}

/// The text of a file's bytes: a UTF-8 byte-order mark is dropped; NUL bytes (binary data) and
/// invalid UTF-8 are errors, the latter at the line of the first bad byte. `binary` completes
/// "this is binary data, not …" with what the file should have been and what to give instead.
pub(crate) fn text_of<'a>(path: &Path, bytes: &'a [u8], binary: &str) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(IoError::file(
            path,
            format!("this is binary data, not {binary}"),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        IoError::at_line(
            path,
            crate::table::LineCounter::new(bytes, false).line_at(e.valid_up_to()),
            "this line is not valid UTF-8; save the file as UTF-8 text",
        )
    })
}
