//! Error types of the core. A failed call is an error; what we learned about an economy (not
//! productive, not converged) is a status inside a result, never an error.

use thiserror::Error;

/// The input does not describe a valid economy or matrix. Each variant names where.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A matrix is not square where it must be.
    #[error("the matrix is {rows} × {cols}; technical coefficients must be square")]
    NotSquare {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// Two objects that must agree in size do not.
    #[error("{what} has length {found}, but the economy has {expected} products")]
    DimensionMismatch {
        /// What was measured.
        what: String,
        /// The size the economy needs.
        expected: usize,
        /// The size found.
        found: usize,
    },
    /// An entry lies outside the matrix.
    #[error("entry ({row}, {col}) lies outside a {rows} × {cols} matrix")]
    OutOfBounds {
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        col: usize,
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// NaN or an infinity.
    #[error("{what} at ({row}, {col}) is {value}; every number must be finite")]
    NotFinite {
        /// Which object.
        what: String,
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based; 0 for vectors).
        col: usize,
        /// The value found.
        value: f64,
    },
    /// A negative flow or coefficient where none is allowed.
    #[error(
        "{what} at ({row}, {col}) is {value}; input coefficients and flows cannot be negative"
    )]
    Negative {
        /// Which object.
        what: String,
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        col: usize,
        /// The value found.
        value: f64,
    },
    /// The same (row, col) given twice.
    #[error("entry ({row}, {col}) is given twice")]
    DuplicateEntry {
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        col: usize,
    },
    /// The same label given twice.
    #[error("the label {label:?} is given twice")]
    DuplicateLabel {
        /// The label.
        label: String,
    },
    /// An economy with no products.
    #[error("the economy has no products")]
    Empty,
    /// A matrix too large for 32-bit column indices.
    #[error("a dimension of {0} exceeds the supported maximum of 2^32 − 1")]
    TooLarge(usize),
    /// A derived matrix has negative entries where none may be (e.g. the commodity-technology
    /// assumption on real make and use tables).
    #[error("{what} gives {count} negative coefficients (the most negative is {value:.4} in row {row}, column {col})")]
    NegativeResult {
        /// What produced them.
        what: String,
        /// How many.
        count: usize,
        /// Row of the most negative (0-based).
        row: usize,
        /// Column of the most negative (0-based).
        col: usize,
        /// Its value.
        value: f64,
    },
    /// Something else, explained.
    #[error("{0}")]
    Invalid(String),
}

/// A solve could not be carried out at all (as opposed to not converging, which is a status).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SolveError {
    /// The right-hand side does not match the matrix.
    #[error("the right-hand side has length {found}, the matrix has {expected} rows")]
    DimensionMismatch {
        /// Rows of the matrix.
        expected: usize,
        /// Length of the right-hand side.
        found: usize,
    },
    /// The right-hand side holds NaN or an infinity.
    #[error("the right-hand side holds {value} at position {index}; every number must be finite")]
    NotFinite {
        /// Position in the vector.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Settings out of range.
    #[error("invalid solver settings: {0}")]
    Settings(String),
    /// The method asked for cannot run on this matrix (e.g. a dense LU of 10^6 products).
    #[error("{0}")]
    Unsupported(String),
    /// A checkpoint could not be saved, or does not fit the solve resumed from it.
    #[error("checkpoint: {0}")]
    Checkpoint(String),
}
