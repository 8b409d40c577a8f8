//! Presolve: the reductions that planning LPs and public test LPs carry, undone exactly after
//! the solve.
//!
//! Four reductions, repeated until none applies (duplicate rows last, once):
//!
//! - **Fixed and empty columns.** A column with `l = u` is the constant `u`: it leaves the LP,
//!   its cost `c_j u` goes to the objective's constant and its entries to the row bounds
//!   (`row − a_ij u`). A column with no entries sits at the bound its cost prefers (when that
//!   bound is finite; otherwise it stays, and the solver reports the LP unbounded).
//! - **Empty rows.** A row with no entries is `0 ∈ [l, u]`: it leaves, or it proves the LP
//!   infeasible.
//! - **Singleton rows.** A row `l ≤ a x_j ≤ u` is a bound on `x_j`: `[l/a, u/a]` (swapped when
//!   `a < 0`), intersected with the column's own.
//! - **Duplicate rows.** A row that is `k` times another (same pattern, `a_i = k a_r`) is the
//!   other's bounds `[l_i/k, u_i/k]` (swapped when `k < 0`); the intersection stays, the copy
//!   leaves.
//!
//! # Postsolve
//!
//! The reductions are undone in reverse order. Primal values: a fixed column gets its constant.
//! Duals, in the LP's convention `z = c − Aᵀy`: a removed empty row has `y_i = 0`; a singleton
//! row that supplied the column's active bound takes the column's reduced cost, `y_i = z_j / a`
//! (so that `z_j` becomes `0`); a duplicate that supplied the merged row's active bound takes
//! its dual, `y_i = y_r / k` (and `y_r` becomes `0`). Either way `Aᵀy` is unchanged where it
//! matters and the signs stay those of the active bound, so the certificate of the original LP
//! holds at the solution of the reduced one. The caller checks that with
//! [`certify`](crate::lp::certify) all the same.
//!
//! Infeasibility found here is only reported: the caller solves the original LP, whose solver
//! returns the certificate (the Farkas ray) that the reductions would have to rebuild.

use crate::lp::LinearProgram;
use crate::matrix::CsrMatrix;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What presolve removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresolveStats {
    /// Rows with no entries.
    pub empty_rows: usize,
    /// Rows with one entry, turned into column bounds.
    pub singleton_rows: usize,
    /// Rows that repeat another row up to a factor.
    pub duplicate_rows: usize,
    /// Columns with equal bounds (given, or made equal by singleton rows).
    pub fixed_columns: usize,
    /// Columns with no entries, set at the bound their cost prefers.
    pub empty_columns: usize,
}

impl PresolveStats {
    /// Rows removed.
    pub fn rows_removed(&self) -> usize {
        self.empty_rows + self.singleton_rows + self.duplicate_rows
    }

    /// Columns removed.
    pub fn columns_removed(&self) -> usize {
        self.fixed_columns + self.empty_columns
    }

    /// True when presolve removed nothing.
    pub fn is_empty(&self) -> bool {
        self.rows_removed() + self.columns_removed() == 0
    }
}

/// The outcome of [`presolve`].
#[derive(Debug, Clone)]
pub enum PresolveOutcome {
    /// The reduced LP and what undoes the reductions.
    Reduced(Box<Presolved>),
    /// The reductions proved the LP infeasible; the reason names the row or column.
    Infeasible(String),
}

/// A reduced LP with its postsolve.
#[derive(Debug, Clone)]
pub struct Presolved {
    /// The reduced LP (same sense; the constant of fixed columns in its offset).
    pub lp: LinearProgram,
    /// What was removed.
    pub stats: PresolveStats,
    /// Original index of each reduced column and row.
    kept_cols: Vec<usize>,
    kept_rows: Vec<usize>,
    /// The reductions in the order they were made.
    ops: Vec<Reduction>,
    /// Original dimensions.
    ncols: usize,
    nrows: usize,
}

#[derive(Debug, Clone)]
enum Reduction {
    FixedColumn {
        col: usize,
        value: f64,
    },
    EmptyRow,
    SingletonRow {
        row: usize,
        col: usize,
        a: f64,
        gave_lower: bool,
        gave_upper: bool,
    },
    DuplicateRow {
        kept: usize,
        removed: usize,
        k: f64,
        gave_lower: bool,
        gave_upper: bool,
    },
}

/// Relative slack of the feasibility checks made here.
const FEASIBILITY_SLACK: f64 = 1e-9;
/// Relative agreement of two rows' entries for them to count as duplicates.
const DUPLICATE_AGREEMENT: f64 = 1e-12;

/// Reduces `lp`. Deterministic: rows and columns are visited in index order.
pub fn presolve(lp: &LinearProgram) -> PresolveOutcome {
    let mut state = State::new(lp);
    match state.run() {
        Ok(()) => PresolveOutcome::Reduced(Box::new(state.finish())),
        Err(reason) => PresolveOutcome::Infeasible(reason),
    }
}

impl Presolved {
    /// Magnitudes of each reduced row's bounds for a per-row feasibility test that is as strict
    /// as on the original LP: the smaller of the reduced bound and the original one (a bound
    /// shifted by fixed columns is often far larger than the original).
    pub fn row_scales(&self, original: &LinearProgram) -> (Vec<f64>, Vec<f64>) {
        let scale = |reduced: &[f64], orig: &[f64]| -> Vec<f64> {
            self.kept_rows
                .iter()
                .enumerate()
                .map(|(k, &i)| reduced[k].abs().min(orig[i].abs()))
                .collect()
        };
        (
            scale(&self.lp.row_lower, &original.row_lower),
            scale(&self.lp.row_upper, &original.row_upper),
        )
    }

    /// The original LP's `(x, y)` from the reduced LP's.
    pub fn postsolve(
        &self,
        original: &LinearProgram,
        x: &[f64],
        y: &[f64],
    ) -> (Vec<f64>, Vec<f64>) {
        let mut xo = vec![0.0; self.ncols];
        let mut yo = vec![0.0; self.nrows];
        for (k, &j) in self.kept_cols.iter().enumerate() {
            xo[j] = x[k];
        }
        for (k, &i) in self.kept_rows.iter().enumerate() {
            yo[i] = y[k];
        }
        let sign = original.sense.sign();
        for op in self.ops.iter().rev() {
            match *op {
                Reduction::FixedColumn { col, value } => xo[col] = value,
                Reduction::EmptyRow => {}
                Reduction::SingletonRow {
                    row,
                    col,
                    a,
                    gave_lower,
                    gave_upper,
                } => {
                    let aty: f64 = original.columns.row(col).map(|(i, v)| v * yo[i]).sum();
                    let z = original.c[col] - aty;
                    if (sign * z > 0.0 && gave_lower) || (sign * z < 0.0 && gave_upper) {
                        yo[row] = z / a;
                    }
                }
                Reduction::DuplicateRow {
                    kept,
                    removed,
                    k,
                    gave_lower,
                    gave_upper,
                } => {
                    let y = sign * yo[kept];
                    if (y > 0.0 && gave_lower) || (y < 0.0 && gave_upper) {
                        yo[removed] = yo[kept] / k;
                        yo[kept] = 0.0;
                    }
                }
            }
        }
        (xo, yo)
    }
}

/// The working copy of the LP's bounds, with the rows stored by rows and counts of the
/// entries that are still alive.
struct State<'a> {
    lp: &'a LinearProgram,
    rows: CsrMatrix,
    row_lo: Vec<f64>,
    row_hi: Vec<f64>,
    col_lo: Vec<f64>,
    col_hi: Vec<f64>,
    row_alive: Vec<bool>,
    col_alive: Vec<bool>,
    row_count: Vec<usize>,
    col_count: Vec<usize>,
    offset: f64,
    ops: Vec<Reduction>,
    stats: PresolveStats,
}

/// Bounds that cross by rounding only (checked with [`exceeds`] first) meet in the middle.
fn meet(lo: f64, hi: f64) -> (f64, f64) {
    if lo > hi {
        let mid = 0.5 * (lo + hi);
        (mid, mid)
    } else {
        (lo, hi)
    }
}

fn exceeds(a: f64, b: f64) -> bool {
    a - b > FEASIBILITY_SLACK * (1.0 + a.abs().min(b.abs()))
}

impl<'a> State<'a> {
    fn new(lp: &'a LinearProgram) -> Self {
        let rows = lp.columns.transpose();
        let row_count = (0..lp.nrows())
            .map(|i| rows.row(i).filter(|(_, a)| *a != 0.0).count())
            .collect();
        let col_count = (0..lp.ncols())
            .map(|j| lp.columns.row(j).filter(|(_, a)| *a != 0.0).count())
            .collect();
        Self {
            lp,
            rows,
            row_lo: lp.row_lower.clone(),
            row_hi: lp.row_upper.clone(),
            col_lo: lp.col_lower.clone(),
            col_hi: lp.col_upper.clone(),
            row_alive: vec![true; lp.nrows()],
            col_alive: vec![true; lp.ncols()],
            row_count,
            col_count,
            offset: 0.0,
            ops: Vec::new(),
            stats: PresolveStats::default(),
        }
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            let mut changed = false;
            for j in 0..self.lp.ncols() {
                changed |= self.column(j)?;
            }
            for i in 0..self.lp.nrows() {
                changed |= self.row(i)?;
            }
            if !changed {
                break;
            }
        }
        self.duplicate_rows()
    }

    /// Removes column `j` if it is fixed or empty.
    fn column(&mut self, j: usize) -> Result<bool, String> {
        if !self.col_alive[j] {
            return Ok(false);
        }
        let (lo, hi) = (self.col_lo[j], self.col_hi[j]);
        if lo == hi {
            self.stats.fixed_columns += 1;
            self.fix(j, lo);
            return Ok(true);
        }
        if self.col_count[j] == 0 {
            let cost = self.lp.sense.sign() * self.lp.c[j];
            let value = if cost > 0.0 {
                lo
            } else if cost < 0.0 {
                hi
            } else {
                0.0f64.max(lo).min(hi)
            };
            if value.is_finite() {
                self.stats.empty_columns += 1;
                self.fix(j, value);
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn fix(&mut self, j: usize, value: f64) {
        for (i, a) in self.lp.columns.row(j) {
            if a != 0.0 && self.row_alive[i] {
                // −∞ and +∞ stay as they are.
                self.row_lo[i] -= a * value;
                self.row_hi[i] -= a * value;
                self.row_count[i] -= 1;
            }
        }
        self.offset += self.lp.c[j] * value;
        self.col_alive[j] = false;
        self.ops.push(Reduction::FixedColumn { col: j, value });
    }

    /// Removes row `i` if it is empty or a singleton.
    fn row(&mut self, i: usize) -> Result<bool, String> {
        if !self.row_alive[i] || self.row_count[i] > 1 {
            return Ok(false);
        }
        let name = &self.lp.row_names[i];
        if self.row_count[i] == 0 {
            if exceeds(self.row_lo[i], 0.0) || exceeds(0.0, self.row_hi[i]) {
                return Err(format!(
                    "row {name} has no variables left but needs a value in [{}, {}]",
                    self.row_lo[i], self.row_hi[i]
                ));
            }
            self.row_alive[i] = false;
            self.stats.empty_rows += 1;
            self.ops.push(Reduction::EmptyRow);
            return Ok(true);
        }
        let (j, a) = self
            .rows
            .row(i)
            .find(|&(j, a)| a != 0.0 && self.col_alive[j])
            .expect("a singleton row has one live entry");
        let (lo, hi) = if a > 0.0 {
            (self.row_lo[i] / a, self.row_hi[i] / a)
        } else {
            (self.row_hi[i] / a, self.row_lo[i] / a)
        };
        let gave_lower = lo > self.col_lo[j];
        let gave_upper = hi < self.col_hi[j];
        let new_lo = self.col_lo[j].max(lo);
        let new_hi = self.col_hi[j].min(hi);
        if exceeds(new_lo, new_hi) {
            return Err(format!(
                "row {name} bounds column {} to [{lo}, {hi}], outside its bounds [{}, {}]",
                self.lp.col_names[j], self.col_lo[j], self.col_hi[j]
            ));
        }
        let (new_lo, new_hi) = meet(new_lo, new_hi);
        self.col_lo[j] = new_lo;
        self.col_hi[j] = new_hi;
        self.row_alive[i] = false;
        self.col_count[j] -= 1;
        self.stats.singleton_rows += 1;
        self.ops.push(Reduction::SingletonRow {
            row: i,
            col: j,
            a,
            gave_lower,
            gave_upper,
        });
        Ok(true)
    }

    /// The live entries of row `i`.
    fn live_entries(&self, i: usize) -> Vec<(usize, f64)> {
        self.rows
            .row(i)
            .filter(|&(j, a)| a != 0.0 && self.col_alive[j])
            .collect()
    }

    /// Merges every row that is a multiple of an earlier one into it.
    fn duplicate_rows(&mut self) -> Result<(), String> {
        // Rows by their pattern; looked up, never iterated, so the order stays the rows'.
        let mut by_pattern: HashMap<Vec<usize>, Vec<usize>> = HashMap::new();
        for i in 0..self.lp.nrows() {
            if !self.row_alive[i] {
                continue;
            }
            let entries = self.live_entries(i);
            if entries.len() < 2 {
                continue;
            }
            let pattern: Vec<usize> = entries.iter().map(|&(j, _)| j).collect();
            let candidates = by_pattern.entry(pattern).or_default();
            let found = candidates.iter().find_map(|&r| {
                let first = self.live_entries(r);
                let k = entries[0].1 / first[0].1;
                let same = entries.iter().zip(&first).all(|(&(_, a), &(_, b))| {
                    (a - k * b).abs() <= DUPLICATE_AGREEMENT * a.abs().max((k * b).abs())
                });
                same.then_some((r, k))
            });
            match found {
                None => candidates.push(i),
                Some((r, k)) => self.merge(r, i, k)?,
            }
        }
        Ok(())
    }

    /// Row `i` is `k` times row `r`: its bounds, in `r`'s terms, tighten `r`'s; `i` leaves.
    fn merge(&mut self, r: usize, i: usize, k: f64) -> Result<(), String> {
        let (lo, hi) = if k > 0.0 {
            (self.row_lo[i] / k, self.row_hi[i] / k)
        } else {
            (self.row_hi[i] / k, self.row_lo[i] / k)
        };
        let gave_lower = lo > self.row_lo[r];
        let gave_upper = hi < self.row_hi[r];
        let new_lo = self.row_lo[r].max(lo);
        let new_hi = self.row_hi[r].min(hi);
        if exceeds(new_lo, new_hi) {
            return Err(format!(
                "rows {} and {} are multiples of each other with bounds that exclude each other",
                self.lp.row_names[r], self.lp.row_names[i]
            ));
        }
        let (new_lo, new_hi) = meet(new_lo, new_hi);
        self.row_lo[r] = new_lo;
        self.row_hi[r] = new_hi;
        self.row_alive[i] = false;
        self.stats.duplicate_rows += 1;
        self.ops.push(Reduction::DuplicateRow {
            kept: r,
            removed: i,
            k,
            gave_lower,
            gave_upper,
        });
        Ok(())
    }

    fn finish(self) -> Presolved {
        let lp = self.lp;
        let kept_cols: Vec<usize> = (0..lp.ncols()).filter(|&j| self.col_alive[j]).collect();
        let kept_rows: Vec<usize> = (0..lp.nrows()).filter(|&i| self.row_alive[i]).collect();
        let mut new_row = vec![u32::MAX; lp.nrows()];
        for (k, &i) in kept_rows.iter().enumerate() {
            new_row[i] = k as u32;
        }
        let mut row_ptr = Vec::with_capacity(kept_cols.len() + 1);
        let mut col_idx = Vec::new();
        let mut values = Vec::new();
        row_ptr.push(0);
        for &j in &kept_cols {
            for (i, a) in lp.columns.row(j) {
                if a != 0.0 && self.row_alive[i] {
                    col_idx.push(new_row[i]);
                    values.push(a);
                }
            }
            row_ptr.push(col_idx.len());
        }
        let columns =
            CsrMatrix::try_from_parts(kept_cols.len(), kept_rows.len(), row_ptr, col_idx, values)
                .expect("a sub-matrix of a valid matrix is valid");
        let pick = |v: &[f64], idx: &[usize]| idx.iter().map(|&k| v[k]).collect::<Vec<f64>>();
        let names = |v: &[String], idx: &[usize]| idx.iter().map(|&k| v[k].clone()).collect();
        let mut reduced = LinearProgram::new(
            lp.sense,
            pick(&lp.c, &kept_cols),
            pick(&self.col_lo, &kept_cols),
            pick(&self.col_hi, &kept_cols),
            pick(&self.row_lo, &kept_rows),
            pick(&self.row_hi, &kept_rows),
            columns,
            names(&lp.col_names, &kept_cols),
            names(&lp.row_names, &kept_rows),
        )
        .expect("presolve keeps bounds ordered and entries finite");
        reduced.offset = lp.offset + self.offset;
        Presolved {
            lp: reduced,
            stats: self.stats,
            kept_cols,
            kept_rows,
            ops: self.ops,
            ncols: lp.ncols(),
            nrows: lp.nrows(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lp::{certify, Sense};

    /// min x + 2y + 3w  s.t.  r0: x + y ≥ 2,  r1: 2x + 2y ≥ 3 (a weaker copy of r0),
    /// r2: 2y ≥ 1 (a singleton: y ≥ 1/2),  r3: w ≤ 5 with w fixed at 1, r4: empty (0 ≤ 0 ≤ 1).
    fn small() -> LinearProgram {
        let columns = CsrMatrix::try_from_triplets(
            3,
            5,
            vec![
                (0, 0, 1.0),
                (0, 1, 2.0),
                (1, 0, 1.0),
                (1, 1, 2.0),
                (1, 2, 2.0),
                (2, 3, 1.0),
            ],
        )
        .unwrap();
        LinearProgram::new(
            Sense::Minimize,
            vec![1.0, 2.0, 3.0],
            vec![0.0, 0.0, 1.0],
            vec![f64::INFINITY, f64::INFINITY, 1.0],
            vec![2.0, 3.0, 1.0, f64::NEG_INFINITY, 0.0],
            vec![f64::INFINITY; 3]
                .into_iter()
                .chain([5.0, 1.0])
                .collect(),
            columns,
            vec!["x".into(), "y".into(), "w".into()],
            (0..5).map(|i| format!("r{i}")).collect(),
        )
        .unwrap()
    }

    #[test]
    fn reductions_and_postsolve_give_a_certified_optimum() {
        let lp = small();
        let PresolveOutcome::Reduced(p) = presolve(&lp) else {
            panic!("feasible");
        };
        assert_eq!(p.stats.fixed_columns, 1);
        // r3 loses w when w is fixed, so it is empty by the time the rows are looked at.
        assert_eq!(p.stats.singleton_rows, 1, "{:?}", p.stats);
        assert_eq!(p.stats.empty_rows, 2);
        assert_eq!(p.stats.duplicate_rows, 1);
        // Left: min x + 2y s.t. x + y ≥ 2, y ≥ 1/2. Optimum x = 1.5, y = 0.5, row dual 1.
        assert_eq!((p.lp.nrows(), p.lp.ncols()), (1, 2));
        assert_eq!(p.lp.col_lower[1], 0.5);
        let (x, y) = p.postsolve(&lp, &[1.5, 0.5], &[1.0]);
        assert_eq!(x, vec![1.5, 0.5, 1.0]);
        let cert = certify(&lp, &x, &y);
        assert!(cert.passes(1e-12), "{cert:?}, y = {y:?}");
        // The singleton row r2 (2y ≥ 1) carries y's reduced cost 2 − 1 = 1: y₂ = 1/2.
        assert_eq!(y[2], 0.5);
        assert!((cert.primal_objective - (1.5 + 1.0 + 3.0)).abs() < 1e-12);
    }

    #[test]
    fn a_duplicate_that_binds_takes_the_dual() {
        let mut lp = small();
        lp.row_lower[1] = 6.0; // 2x + 2y ≥ 6: x + y ≥ 3, stronger than r0
        let PresolveOutcome::Reduced(p) = presolve(&lp) else {
            panic!("feasible");
        };
        assert_eq!(p.lp.row_lower[0], 3.0);
        // Optimum of the reduced LP: x = 2.5, y = 0.5, dual 1 on the merged row.
        let (x, y) = p.postsolve(&lp, &[2.5, 0.5], &[1.0]);
        assert_eq!((y[0], y[1]), (0.0, 0.5));
        assert!(certify(&lp, &x, &y).passes(1e-12));
    }

    #[test]
    fn contradicting_rows_are_reported() {
        let mut lp = small();
        lp.row_lower[4] = 0.5; // the empty row needs 0 ≥ 0.5
        let PresolveOutcome::Infeasible(reason) = presolve(&lp) else {
            panic!("infeasible");
        };
        assert!(reason.contains("r4"), "{reason}");
    }
}
