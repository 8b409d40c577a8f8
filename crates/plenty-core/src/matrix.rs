//! Matrices: a compressed sparse row matrix for large sparse economies, a row-major dense matrix
//! for real tables, and [`TechnicalCoefficients`], which holds either.

use crate::error::ModelError;
use crate::kernels::CHUNK;
use rayon::prelude::*;

/// Rows per parallel task in a sparse mat-vec. Fixed, so results do not depend on thread count
/// (each output element is computed by one task in a fixed order anyway).
const ROWS_PER_TASK: usize = 2048;

/// A sparse matrix in compressed sparse row form with 32-bit column indices.
///
/// Entries of a row are sorted by column and unique. Validated on construction.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrMatrix {
    nrows: usize,
    ncols: usize,
    row_ptr: Vec<usize>,
    col_idx: Vec<u32>,
    values: Vec<f64>,
}

impl CsrMatrix {
    /// Builds a matrix from triplets `(row, col, value)` in any order. Zeros are dropped.
    ///
    /// Errors name the offending entry: out of bounds, not finite, or given twice.
    pub fn try_from_triplets(
        nrows: usize,
        ncols: usize,
        mut triplets: Vec<(u32, u32, f64)>,
    ) -> Result<Self, ModelError> {
        if nrows > u32::MAX as usize || ncols > u32::MAX as usize {
            return Err(ModelError::TooLarge(nrows.max(ncols)));
        }
        for &(r, c, v) in &triplets {
            if r as usize >= nrows || c as usize >= ncols {
                return Err(ModelError::OutOfBounds {
                    row: r as usize,
                    col: c as usize,
                    rows: nrows,
                    cols: ncols,
                });
            }
            if !v.is_finite() {
                return Err(ModelError::NotFinite {
                    what: "matrix entry".into(),
                    row: r as usize,
                    col: c as usize,
                    value: v,
                });
            }
        }
        let sorted = triplets
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1));
        if !sorted {
            triplets.par_sort_unstable_by_key(|&(r, c, _)| (r, c));
            if let Some(w) = triplets
                .windows(2)
                .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
            {
                return Err(ModelError::DuplicateEntry {
                    row: w[0].0 as usize,
                    col: w[0].1 as usize,
                });
            }
        }
        let mut row_ptr = vec![0usize; nrows + 1];
        let mut col_idx = Vec::with_capacity(triplets.len());
        let mut values = Vec::with_capacity(triplets.len());
        for (r, c, v) in triplets {
            if v != 0.0 {
                row_ptr[r as usize + 1] += 1;
                col_idx.push(c);
                values.push(v);
            }
        }
        for i in 0..nrows {
            row_ptr[i + 1] += row_ptr[i];
        }
        Ok(Self {
            nrows,
            ncols,
            row_ptr,
            col_idx,
            values,
        })
    }

    /// Builds a matrix from CSR arrays, checking every invariant.
    pub fn try_from_parts(
        nrows: usize,
        ncols: usize,
        row_ptr: Vec<usize>,
        col_idx: Vec<u32>,
        values: Vec<f64>,
    ) -> Result<Self, ModelError> {
        if row_ptr.len() != nrows + 1
            || row_ptr[0] != 0
            || row_ptr[nrows] != col_idx.len()
            || col_idx.len() != values.len()
        {
            return Err(ModelError::Invalid(
                "inconsistent compressed-row arrays".into(),
            ));
        }
        for i in 0..nrows {
            if row_ptr[i] > row_ptr[i + 1] {
                return Err(ModelError::Invalid(format!(
                    "row pointer decreases at row {i}"
                )));
            }
            let cols = &col_idx[row_ptr[i]..row_ptr[i + 1]];
            for (k, &c) in cols.iter().enumerate() {
                if c as usize >= ncols {
                    return Err(ModelError::OutOfBounds {
                        row: i,
                        col: c as usize,
                        rows: nrows,
                        cols: ncols,
                    });
                }
                if k > 0 && cols[k - 1] >= c {
                    return Err(ModelError::DuplicateEntry {
                        row: i,
                        col: c as usize,
                    });
                }
                let v = values[row_ptr[i] + k];
                if !v.is_finite() {
                    return Err(ModelError::NotFinite {
                        what: "matrix entry".into(),
                        row: i,
                        col: c as usize,
                        value: v,
                    });
                }
            }
        }
        Ok(Self {
            nrows,
            ncols,
            row_ptr,
            col_idx,
            values,
        })
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }
    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.ncols
    }
    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }
    /// Row pointers (`nrows + 1` entries).
    pub fn row_ptr(&self) -> &[usize] {
        &self.row_ptr
    }
    /// Column index of each stored entry.
    pub fn col_idx(&self) -> &[u32] {
        &self.col_idx
    }
    /// Value of each stored entry.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
    /// The three arrays `(row_ptr, col_idx, values)`, consuming the matrix.
    pub fn into_parts(self) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
        (self.row_ptr, self.col_idx, self.values)
    }

    /// Bytes held by the three arrays.
    pub fn heap_bytes(&self) -> usize {
        self.row_ptr.len() * 8 + self.col_idx.len() * 4 + self.values.len() * 8
    }

    /// The stored entries of row `i` as `(column, value)`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.row_ptr[i]..self.row_ptr[i + 1];
        self.col_idx[r.clone()]
            .iter()
            .zip(&self.values[r])
            .map(|(&c, &v)| (c as usize, v))
    }

    /// `y = A x`, in parallel over rows; bit-for-bit deterministic.
    pub fn mul_vec(&self, x: &[f64], y: &mut [f64]) {
        assert_eq!(x.len(), self.ncols);
        assert_eq!(y.len(), self.nrows);
        y.par_chunks_mut(ROWS_PER_TASK)
            .enumerate()
            .for_each(|(chunk, out)| {
                let first = chunk * ROWS_PER_TASK;
                for (k, yi) in out.iter_mut().enumerate() {
                    let i = first + k;
                    let (s, e) = (self.row_ptr[i], self.row_ptr[i + 1]);
                    let cols = &self.col_idx[s..e];
                    let vals = &self.values[s..e];
                    let mut acc = 0.0;
                    for (c, v) in cols.iter().zip(vals) {
                        acc += v * x[*c as usize];
                    }
                    *yi = acc;
                }
            });
    }

    /// The transpose, also in CSR form (i.e. `A` in compressed sparse columns).
    pub fn transpose(&self) -> CsrMatrix {
        let mut counts = vec![0usize; self.ncols + 1];
        for &c in &self.col_idx {
            counts[c as usize + 1] += 1;
        }
        for j in 0..self.ncols {
            counts[j + 1] += counts[j];
        }
        let row_ptr = counts.clone();
        let mut next = counts;
        let mut col_idx = vec![0u32; self.nnz()];
        let mut values = vec![0.0; self.nnz()];
        for i in 0..self.nrows {
            for k in self.row_ptr[i]..self.row_ptr[i + 1] {
                let c = self.col_idx[k] as usize;
                let dst = next[c];
                next[c] += 1;
                col_idx[dst] = i as u32;
                values[dst] = self.values[k];
            }
        }
        CsrMatrix {
            nrows: self.ncols,
            ncols: self.nrows,
            row_ptr,
            col_idx,
            values,
        }
    }

    /// Column sums `1ᵀ A`.
    pub fn column_sums(&self) -> Vec<f64> {
        let mut s = vec![0.0; self.ncols];
        for (c, v) in self.col_idx.iter().zip(&self.values) {
            s[*c as usize] += v;
        }
        s
    }

    /// The diagonal (zeros where nothing is stored).
    pub fn diagonal(&self) -> Vec<f64> {
        (0..self.nrows.min(self.ncols))
            .map(|i| {
                self.row(i)
                    .find(|&(c, _)| c == i)
                    .map(|(_, v)| v)
                    .unwrap_or(0.0)
            })
            .collect()
    }

    /// All stored entries as `(row, col, value)`, row by row.
    pub fn triplets(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        (0..self.nrows).flat_map(move |i| self.row(i).map(move |(c, v)| (i, c, v)))
    }

    /// The dense equivalent.
    pub fn to_dense(&self) -> DenseMatrix {
        let mut d = DenseMatrix::zeros(self.nrows, self.ncols);
        for (i, j, v) in self.triplets() {
            d.set(i, j, v);
        }
        d
    }
}

/// A dense matrix stored row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseMatrix {
    nrows: usize,
    ncols: usize,
    data: Vec<f64>,
}

impl DenseMatrix {
    /// A matrix of zeros.
    pub fn zeros(nrows: usize, ncols: usize) -> Self {
        Self {
            nrows,
            ncols,
            data: vec![0.0; nrows * ncols],
        }
    }

    /// Builds from row-major data, checking the length and that every value is finite.
    pub fn try_from_row_major(
        nrows: usize,
        ncols: usize,
        data: Vec<f64>,
    ) -> Result<Self, ModelError> {
        if data.len() != nrows * ncols {
            return Err(ModelError::DimensionMismatch {
                what: "dense matrix data".into(),
                expected: nrows * ncols,
                found: data.len(),
            });
        }
        if let Some(k) = data.iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NotFinite {
                what: "matrix entry".into(),
                row: k / ncols.max(1),
                col: k % ncols.max(1),
                value: data[k],
            });
        }
        Ok(Self { nrows, ncols, data })
    }

    /// Builds from a function of (row, col).
    pub fn from_fn(nrows: usize, ncols: usize, f: impl Fn(usize, usize) -> f64) -> Self {
        let mut data = Vec::with_capacity(nrows * ncols);
        for i in 0..nrows {
            for j in 0..ncols {
                data.push(f(i, j));
            }
        }
        Self { nrows, ncols, data }
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }
    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.ncols
    }
    /// Entry (i, j).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.ncols + j]
    }
    /// Sets entry (i, j).
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.ncols + j] = v;
    }
    /// Row `i` as a slice.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.ncols..(i + 1) * self.ncols]
    }
    /// The row-major data.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// `y = A x`, in parallel over rows; deterministic.
    pub fn mul_vec(&self, x: &[f64], y: &mut [f64]) {
        assert_eq!(x.len(), self.ncols);
        assert_eq!(y.len(), self.nrows);
        let rows_per_task = (CHUNK / self.ncols.max(1)).max(1);
        y.par_chunks_mut(rows_per_task)
            .enumerate()
            .for_each(|(chunk, out)| {
                for (k, yi) in out.iter_mut().enumerate() {
                    let i = chunk * rows_per_task + k;
                    *yi = crate::kernels::dot(self.row(i), x);
                }
            });
    }

    /// `y = Aᵀ x`, deterministic: each output is accumulated over rows in order.
    pub fn mul_vec_transpose(&self, x: &[f64], y: &mut [f64]) {
        assert_eq!(x.len(), self.nrows);
        assert_eq!(y.len(), self.ncols);
        let cols_per_task = 64usize;
        y.par_chunks_mut(cols_per_task)
            .enumerate()
            .for_each(|(chunk, out)| {
                let first = chunk * cols_per_task;
                out.iter_mut().for_each(|v| *v = 0.0);
                for (i, xi) in x.iter().enumerate() {
                    let row = &self.row(i)[first..first + out.len()];
                    for (o, a) in out.iter_mut().zip(row) {
                        *o += a * xi;
                    }
                }
            });
    }

    /// Column sums `1ᵀ A`.
    pub fn column_sums(&self) -> Vec<f64> {
        let ones = vec![1.0; self.nrows];
        let mut s = vec![0.0; self.ncols];
        self.mul_vec_transpose(&ones, &mut s);
        s
    }

    /// The stored nonzeros in CSR form.
    pub fn to_csr(&self) -> CsrMatrix {
        let mut row_ptr = Vec::with_capacity(self.nrows + 1);
        let mut col_idx = Vec::new();
        let mut values = Vec::new();
        row_ptr.push(0);
        for i in 0..self.nrows {
            for (j, &v) in self.row(i).iter().enumerate() {
                if v != 0.0 {
                    col_idx.push(j as u32);
                    values.push(v);
                }
            }
            row_ptr.push(col_idx.len());
        }
        CsrMatrix {
            nrows: self.nrows,
            ncols: self.ncols,
            row_ptr,
            col_idx,
            values,
        }
    }

    /// Number of nonzero entries.
    pub fn nnz(&self) -> usize {
        self.data.iter().filter(|v| **v != 0.0).count()
    }
}

/// Technical coefficients `A` (square, non-negative, finite), dense or sparse.
#[derive(Debug, Clone, PartialEq)]
pub enum TechnicalCoefficients {
    /// Dense storage, for real tables up to about 10^4 sectors.
    Dense(DenseMatrix),
    /// Sparse storage, for large product-level economies.
    Sparse(CsrMatrix),
}

impl TechnicalCoefficients {
    /// Validates a dense `A`: square, finite, non-negative.
    pub fn dense(a: DenseMatrix) -> Result<Self, ModelError> {
        check_square(a.nrows(), a.ncols())?;
        for i in 0..a.nrows() {
            for (j, &v) in a.row(i).iter().enumerate() {
                check_coefficient(i, j, v)?;
            }
        }
        Ok(Self::Dense(a))
    }

    /// Validates a sparse `A`: square, finite, non-negative.
    pub fn sparse(a: CsrMatrix) -> Result<Self, ModelError> {
        check_square(a.nrows(), a.ncols())?;
        for (i, j, v) in a.triplets() {
            check_coefficient(i, j, v)?;
        }
        Ok(Self::Sparse(a))
    }

    /// Number of products.
    pub fn n(&self) -> usize {
        match self {
            Self::Dense(a) => a.nrows(),
            Self::Sparse(a) => a.nrows(),
        }
    }

    /// Number of nonzero coefficients.
    pub fn nnz(&self) -> usize {
        match self {
            Self::Dense(a) => a.nnz(),
            Self::Sparse(a) => a.nnz(),
        }
    }

    /// Entry `a_ij` (a search in the row for sparse storage).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        match self {
            Self::Dense(a) => a.get(i, j),
            Self::Sparse(a) => a.row(i).find(|&(c, _)| c == j).map_or(0.0, |(_, v)| v),
        }
    }

    /// `y = A x`.
    pub fn mul_vec(&self, x: &[f64], y: &mut [f64]) {
        match self {
            Self::Dense(a) => a.mul_vec(x, y),
            Self::Sparse(a) => a.mul_vec(x, y),
        }
    }

    /// Column sums of `A` (the direct input requirement per unit of each product).
    pub fn column_sums(&self) -> Vec<f64> {
        match self {
            Self::Dense(a) => a.column_sums(),
            Self::Sparse(a) => a.column_sums(),
        }
    }

    /// A dense copy.
    pub fn to_dense(&self) -> DenseMatrix {
        match self {
            Self::Dense(a) => a.clone(),
            Self::Sparse(a) => a.to_dense(),
        }
    }

    /// A sparse copy.
    pub fn to_csr(&self) -> CsrMatrix {
        match self {
            Self::Dense(a) => a.to_csr(),
            Self::Sparse(a) => a.clone(),
        }
    }

    /// The transposed operator's product `y = Aᵀ x` without building a transpose (slow for
    /// sparse storage: serial scatter). Solvers keep an explicit transpose instead.
    pub fn mul_vec_transpose(&self, x: &[f64], y: &mut [f64]) {
        match self {
            Self::Dense(a) => a.mul_vec_transpose(x, y),
            Self::Sparse(a) => {
                y.iter_mut().for_each(|v| *v = 0.0);
                for (i, j, v) in a.triplets() {
                    y[j] += v * x[i];
                }
            }
        }
    }
}

fn check_square(rows: usize, cols: usize) -> Result<(), ModelError> {
    if rows != cols {
        return Err(ModelError::NotSquare { rows, cols });
    }
    if rows == 0 {
        return Err(ModelError::Empty);
    }
    Ok(())
}

fn check_coefficient(i: usize, j: usize, v: f64) -> Result<(), ModelError> {
    if !v.is_finite() {
        return Err(ModelError::NotFinite {
            what: "technical coefficient".into(),
            row: i,
            col: j,
            value: v,
        });
    }
    if v < 0.0 {
        return Err(ModelError::Negative {
            what: "technical coefficient".into(),
            row: i,
            col: j,
            value: v,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triplets_round_trip_and_transpose() {
        let a = CsrMatrix::try_from_triplets(
            3,
            3,
            vec![(2, 0, 0.5), (0, 2, 0.25), (0, 0, 0.1), (1, 1, 0.2)],
        )
        .unwrap();
        assert_eq!(a.row_ptr(), &[0, 2, 3, 4]);
        let t = a.transpose();
        let mut y = vec![0.0; 3];
        t.mul_vec(&[1.0, 2.0, 3.0], &mut y);
        // Aᵀ [1,2,3] = [0.1*1 + 0.5*3, 0.2*2, 0.25*1]
        assert_eq!(y, vec![0.1 + 1.5, 0.4, 0.25]);
        assert_eq!(a.to_dense().to_csr(), a);
    }

    #[test]
    fn bad_triplets_are_named() {
        let e = CsrMatrix::try_from_triplets(2, 2, vec![(0, 0, 1.0), (0, 0, 2.0)]).unwrap_err();
        assert_eq!(e, ModelError::DuplicateEntry { row: 0, col: 0 });
        let e = CsrMatrix::try_from_triplets(2, 2, vec![(0, 5, 1.0)]).unwrap_err();
        assert!(matches!(e, ModelError::OutOfBounds { col: 5, .. }));
        let e = CsrMatrix::try_from_triplets(2, 2, vec![(1, 0, f64::NAN)]).unwrap_err();
        assert!(matches!(e, ModelError::NotFinite { row: 1, col: 0, .. }));
        let e = TechnicalCoefficients::sparse(
            CsrMatrix::try_from_triplets(2, 2, vec![(1, 0, -0.5)]).unwrap(),
        )
        .unwrap_err();
        assert!(matches!(e, ModelError::Negative { row: 1, col: 0, .. }));
    }
}
