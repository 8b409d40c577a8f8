//! The conic form the interior-point method works on, built from a boxed LP.
//!
//! ```text
//!   minimise   qᵀx   subject to   A x + s = b,   s ∈ K = {0}^{m₀} × ℝ₊^{m − m₀}
//! ```
//!
//! Every finite bound becomes one row: an equality row `aᵢx = u` (or a fixed column) a row of
//! the zero cone; `aᵢx ≤ u` the row `aᵢx + s = u`; `aᵢx ≥ l` the row `−aᵢx + s = −l`; column
//! bounds the same with `eⱼ`. Free rows are dropped. The cost is `q = sense · c`, so the
//! problem is always a minimisation. Zero-cone rows come first.
//!
//! The dual is `q + Aᵀz = 0` with `z ∈ K*` (free on the zero cone, `≥ 0` elsewhere), and the
//! LP's row duals follow: for row `i`, `ŷᵢ = z_lower − z_upper − z_eq` (minimisation form), and
//! `y = sense · ŷ` in the LP's own convention (see [`crate::lp::certify`]).

use crate::lp::LinearProgram;

/// Where a row of the conic form comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// LP row `i`, equality.
    RowEq(usize),
    /// LP row `i`, its upper bound.
    RowUpper(usize),
    /// LP row `i`, its lower bound.
    RowLower(usize),
    /// Column `j` fixed at a value.
    ColFixed(usize),
    /// Column `j`, its upper bound.
    ColUpper(usize),
    /// Column `j`, its lower bound.
    ColLower(usize),
}

/// `A x + s = b`, `s ∈ K`, by rows (each row's entries in column order).
#[derive(Debug, Clone)]
pub(super) struct ConeForm {
    /// Columns (the LP's).
    pub n: usize,
    /// Cost of the minimisation form.
    pub q: Vec<f64>,
    /// Right-hand side.
    pub b: Vec<f64>,
    /// Row pointers into `cols` and `vals`.
    pub row_ptr: Vec<usize>,
    /// Column of each entry.
    pub cols: Vec<usize>,
    /// Value of each entry.
    pub vals: Vec<f64>,
    /// Rows `0..zero` are the zero cone.
    pub zero: usize,
    /// Where each row comes from.
    pub origin: Vec<Origin>,
}

impl ConeForm {
    /// The conic form of `lp`.
    pub(super) fn new(lp: &LinearProgram) -> Self {
        let (n, m) = (lp.ncols(), lp.nrows());
        let s = lp.sense.sign();
        // The LP's rows, gathered from its columns.
        let rows = lp.columns.transpose();
        let mut form = ConeForm {
            n,
            q: lp.c.iter().map(|c| s * c).collect(),
            b: Vec::new(),
            row_ptr: vec![0],
            cols: Vec::new(),
            vals: Vec::new(),
            zero: 0,
            origin: Vec::new(),
        };
        let push = |form: &mut ConeForm, origin: Origin, sign: f64, rhs: f64| {
            match origin {
                Origin::RowEq(i) | Origin::RowUpper(i) | Origin::RowLower(i) => {
                    for (j, a) in rows.row(i) {
                        form.cols.push(j);
                        form.vals.push(sign * a);
                    }
                }
                Origin::ColFixed(j) | Origin::ColUpper(j) | Origin::ColLower(j) => {
                    form.cols.push(j);
                    form.vals.push(sign);
                }
            }
            form.row_ptr.push(form.cols.len());
            form.b.push(sign * rhs);
            form.origin.push(origin);
        };
        // The zero cone first.
        for i in 0..m {
            if lp.row_lower[i] == lp.row_upper[i] {
                push(&mut form, Origin::RowEq(i), 1.0, lp.row_upper[i]);
            }
        }
        for j in 0..n {
            if lp.col_lower[j] == lp.col_upper[j] {
                push(&mut form, Origin::ColFixed(j), 1.0, lp.col_upper[j]);
            }
        }
        form.zero = form.origin.len();
        for i in 0..m {
            let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
            if lo == hi {
                continue;
            }
            if hi.is_finite() {
                push(&mut form, Origin::RowUpper(i), 1.0, hi);
            }
            if lo.is_finite() {
                push(&mut form, Origin::RowLower(i), -1.0, lo);
            }
        }
        for j in 0..n {
            let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
            if lo == hi {
                continue;
            }
            if hi.is_finite() {
                push(&mut form, Origin::ColUpper(j), 1.0, hi);
            }
            if lo.is_finite() {
                push(&mut form, Origin::ColLower(j), -1.0, lo);
            }
        }
        form
    }

    /// For a row that only bounds a column (`±xⱼ + s = b`): the column and the sign.
    pub(super) fn bound_of(&self, r: usize) -> Option<(usize, f64)> {
        match self.origin[r] {
            Origin::ColUpper(j) => Some((j, self.vals[self.row_ptr[r]])),
            Origin::ColLower(j) => Some((j, self.vals[self.row_ptr[r]])),
            _ => None,
        }
    }

    /// Rows.
    pub(super) fn m(&self) -> usize {
        self.b.len()
    }

    /// The entries of row `r`.
    pub(super) fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let k = self.row_ptr[r]..self.row_ptr[r + 1];
        self.cols[k.clone()]
            .iter()
            .copied()
            .zip(self.vals[k].iter().copied())
    }

    /// `out = A x`.
    pub(super) fn mul(&self, x: &[f64], out: &mut [f64]) {
        for (r, o) in out.iter_mut().enumerate() {
            *o = self.row(r).map(|(j, a)| a * x[j]).sum();
        }
    }

    /// `out = Aᵀ z`.
    pub(super) fn mul_transpose(&self, z: &[f64], out: &mut [f64]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        for (r, zr) in z.iter().enumerate() {
            if *zr != 0.0 {
                for (j, a) in self.row(r) {
                    out[j] += a * zr;
                }
            }
        }
    }

    /// Scales rows by `e` and columns by `d` in place: `A ← E A D`, `b ← E b`, `q ← D q`.
    pub(super) fn scale(&mut self, e: &[f64], d: &[f64]) {
        for r in 0..self.m() {
            for k in self.row_ptr[r]..self.row_ptr[r + 1] {
                self.vals[k] *= e[r] * d[self.cols[k]];
            }
            self.b[r] *= e[r];
        }
        for (q, d) in self.q.iter_mut().zip(d) {
            *q *= d;
        }
    }

    /// The LP's row duals (in the LP's own sense, `sense` = ±1) from the cone's dual `z`.
    pub(super) fn lp_duals(&self, z: &[f64], m: usize, sense: f64) -> Vec<f64> {
        let mut y = vec![0.0; m];
        for (r, o) in self.origin.iter().enumerate() {
            match *o {
                Origin::RowEq(i) | Origin::RowUpper(i) => y[i] -= z[r],
                Origin::RowLower(i) => y[i] += z[r],
                _ => {}
            }
        }
        y.iter_mut().for_each(|v| *v *= sense);
        y
    }
}
