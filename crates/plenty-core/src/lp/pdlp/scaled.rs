//! The preconditioned problem PDLP iterates on, and the frame it lives in: one process holding
//! the whole LP, or one rank holding its rows and columns of an LP spread over several
//! ([`crate::dist`]).
//!
//! A rank owns a contiguous range of the rows (duals `y`, activities `Ãx`) and one of the
//! columns (primal `x`, reduced costs, `Ãᵀy`). It keeps the rows of `A` whose output it owns
//! and the columns of `A` whose output it owns, both with indices into `[own | ghosts]` of the
//! other vector, so that both products are gathers. On one process there are no ghosts and
//! the two parts are the whole matrix by rows and by columns.
//!
//! Everything that crosses ranks goes through the frame: ghost exchanges before products and
//! inside Ruiz scaling, chunked sums added in the global chunk order, maxima. Every chunk lies
//! on one rank (rank boundaries are multiples of the chunk), so a run has the same bits on any
//! number of ranks with the same chunks.

use super::{par_ro, Csr, PdlpSettings};
use crate::dist::ghosts::GhostPlan;
use crate::dist::{Communicator, Space};
use crate::lp::LinearProgram;
use rayon::prelude::*;

/// Elements per task in element-wise passes. Fixed, so results do not depend on thread count.
pub(super) const VEC_CHUNK: usize = 4096;
/// Rows (or columns) per task in a matrix–vector product.
pub(super) const MAT_CHUNK: usize = 512;

/// Where the vectors of a run live: the rows' and the columns' spaces, the ghost exchanges of
/// the two products, and the chunks of every pass.
pub(crate) struct Frame<'c> {
    /// Rows (`m`): `y`, `Ãx`, row bounds.
    pub(super) rows: Space<'c>,
    /// Columns (`n`): `x`, `Ãᵀy`, costs, column bounds.
    pub(super) cols: Space<'c>,
    /// Ghost entries of `x` that this rank's rows refer to.
    pub(super) x_ghosts: GhostPlan,
    /// Ghost entries of `y` that this rank's columns refer to.
    pub(super) y_ghosts: GhostPlan,
    /// Chunk of element-wise passes and of their sums.
    pub(super) vec_chunk: usize,
    /// Rows (or columns) per task of a product, and the chunk of the sums taken with it.
    pub(super) mat_chunk: usize,
    /// First column of this rank, and the LP's number of columns.
    pub(super) col_first: usize,
    pub(super) n_total: usize,
}

impl Frame<'static> {
    /// The whole LP in one process.
    pub(super) fn single(m: usize, n: usize) -> Self {
        Frame {
            rows: Space::single_with_chunk(m, VEC_CHUNK),
            cols: Space::single_with_chunk(n, VEC_CHUNK),
            x_ghosts: GhostPlan::default(),
            y_ghosts: GhostPlan::default(),
            vec_chunk: VEC_CHUNK,
            mat_chunk: MAT_CHUNK,
            col_first: 0,
            n_total: n,
        }
    }
}

impl<'c> Frame<'c> {
    pub(super) fn comm(&self) -> &'c dyn Communicator {
        self.cols.comm()
    }

    /// Sum over the rows of per-chunk parts taken in chunks of `chunk`.
    pub(super) fn row_sum<const K: usize>(&self, parts: Vec<[f64; K]>, chunk: usize) -> [f64; K] {
        self.rows.sum_chunked(parts, chunk)
    }

    /// Sum over the columns of per-chunk parts taken in chunks of `chunk`.
    pub(super) fn col_sum<const K: usize>(&self, parts: Vec<[f64; K]>, chunk: usize) -> [f64; K] {
        self.cols.sum_chunked(parts, chunk)
    }

    /// The largest of every rank's values.
    pub(super) fn max<const K: usize>(&self, local: [f64; K]) -> [f64; K] {
        self.cols.max(local)
    }

    /// `Σ a_i b_i` over the rows (`rows = true`) or the columns, in fixed chunks.
    pub(super) fn dot(&self, rows: bool, a: &[f64], b: &[f64]) -> f64 {
        let parts = par_ro(a.len(), self.vec_chunk, |r| {
            let mut s = 0.0;
            for k in r {
                s += a[k] * b[k];
            }
            [s]
        });
        self.sum(rows, parts)
    }

    /// `‖a − b‖₂` over the rows or the columns.
    pub(super) fn dist(&self, rows: bool, a: &[f64], b: &[f64]) -> f64 {
        let parts = par_ro(a.len(), self.vec_chunk, |r| {
            let mut s = 0.0;
            for k in r {
                let d = a[k] - b[k];
                s += d * d;
            }
            [s]
        });
        self.sum(rows, parts).sqrt()
    }

    fn sum(&self, rows: bool, parts: Vec<[f64; 1]>) -> f64 {
        if rows {
            self.row_sum(parts, self.vec_chunk)[0]
        } else {
            self.col_sum(parts, self.vec_chunk)[0]
        }
    }

    /// Whether `local` holds on any rank.
    pub(super) fn any(&self, local: bool) -> bool {
        self.max([if local { 1.0 } else { 0.0 }])[0] > 0.0
    }
}

/// This rank's part of the LP as given (unscaled, in the LP's own sense).
#[derive(Debug, Clone)]
pub(crate) struct LocalLp {
    /// `+1` to minimise, `−1` to maximise.
    pub(crate) sense: f64,
    /// Constant added to the objective.
    pub(crate) offset: f64,
    /// Costs and bounds of this rank's columns.
    pub(crate) c: Vec<f64>,
    pub(crate) col_lower: Vec<f64>,
    pub(crate) col_upper: Vec<f64>,
    /// Bounds of this rank's rows.
    pub(crate) row_lower: Vec<f64>,
    pub(crate) row_upper: Vec<f64>,
}

impl LocalLp {
    /// The whole of `lp`.
    pub(super) fn whole(lp: &LinearProgram) -> Self {
        LocalLp {
            sense: lp.sense.sign(),
            offset: lp.offset,
            c: lp.c.clone(),
            col_lower: lp.col_lower.clone(),
            col_upper: lp.col_upper.clone(),
            row_lower: lp.row_lower.clone(),
            row_upper: lp.row_upper.clone(),
        }
    }
}

/// The preconditioned minimisation problem (this rank's part) and the maps back to the LP.
pub(crate) struct Scaled<'c> {
    pub(super) f: Frame<'c>,
    /// Local columns and rows.
    pub(super) n: usize,
    pub(super) m: usize,
    /// `Ã` by rows (this rank's rows, indices into `[x own | x ghosts]`).
    pub(super) by_rows: Csr,
    /// `Ã` by columns (this rank's columns, indices into `[y own | y ghosts]`).
    pub(super) by_cols: Csr,
    pub(super) c: Vec<f64>,
    pub(super) lc: Vec<f64>,
    pub(super) uc: Vec<f64>,
    pub(super) lr: Vec<f64>,
    pub(super) ur: Vec<f64>,
    /// Column factors `D_c` and row factors `D_r`.
    pub(super) d: Vec<f64>,
    pub(super) r: Vec<f64>,
    pub(super) theta_b: f64,
    pub(super) theta_c: f64,
    /// `s·c` of the LP.
    pub(super) c_min: Vec<f64>,
    /// `1 + ‖bounds‖∞` and `1 + ‖c‖∞` of the LP, as in `certify`.
    pub(super) bound_scale: f64,
    pub(super) cost_scale: f64,
    pub(super) s: f64,
    pub(super) offset: f64,
    pub(super) max_abs: f64,
    /// The LP's own data for this rank.
    pub(super) orig: LocalLp,
}

impl Scaled<'static> {
    /// The whole of `lp` in one process.
    pub(super) fn new(lp: &LinearProgram, set: &PdlpSettings) -> Self {
        let (n, m) = (lp.ncols(), lp.nrows());
        let cols = &lp.columns;
        let by_cols = Csr {
            ptr: cols.row_ptr().to_vec(),
            idx: cols.col_idx().to_vec(),
            val: cols.values().to_vec(),
        };
        let by_rows = by_cols.transpose(m);
        Scaled::build(
            Frame::single(m, n),
            LocalLp::whole(lp),
            by_rows,
            by_cols,
            set,
        )
    }
}

impl<'c> Scaled<'c> {
    /// Scales this rank's part: `by_rows` and `by_cols` hold the unscaled `A` (rows in column
    /// order, columns in row order), with indices into the other vector's `[own | ghosts]`.
    pub(crate) fn build(
        f: Frame<'c>,
        orig: LocalLp,
        mut by_rows: Csr,
        mut by_cols: Csr,
        set: &PdlpSettings,
    ) -> Self {
        let (n, m) = (orig.c.len(), orig.row_lower.len());
        let s = orig.sense;
        let comm = f.comm();
        let mut d = vec![1.0f64; n];
        let mut r = vec![1.0f64; m];
        // |r_i a_ij d_j| of every entry of a column (with r over [own | ghosts]) or of a row
        // (with d over [own | ghosts]), folded by `fold`. The product is formed in one order,
        // (r_i a_ij) d_j, in both parts, so that both see the same bits of every entry.
        let col_fold = |r_ext: &[f64], d: &[f64], fold: fn(f64, f64) -> f64| -> Vec<f64> {
            (0..n)
                .into_par_iter()
                .map(|j| {
                    let (lo, hi) = (by_cols.ptr[j], by_cols.ptr[j + 1]);
                    let mut acc = 0.0f64;
                    for k in lo..hi {
                        let i = by_cols.idx[k] as usize;
                        acc = fold(acc, (r_ext[i] * by_cols.val[k] * d[j]).abs());
                    }
                    acc
                })
                .collect()
        };
        let row_fold = |r: &[f64], d_ext: &[f64], fold: fn(f64, f64) -> f64| -> Vec<f64> {
            (0..m)
                .into_par_iter()
                .map(|i| {
                    let (lo, hi) = (by_rows.ptr[i], by_rows.ptr[i + 1]);
                    let mut acc = 0.0f64;
                    for k in lo..hi {
                        let j = by_rows.idx[k] as usize;
                        acc = fold(acc, (r[i] * by_rows.val[k] * d_ext[j]).abs());
                    }
                    acc
                })
                .collect()
        };
        let passes = set.ruiz_iterations + usize::from(set.pock_chambolle);
        for pass in 0..passes {
            // Ruiz divides by the square root of each row's and column's largest magnitude;
            // the last pass, with Pock–Chambolle (α = 1), by the square root of its ℓ₁ norm.
            let fold: fn(f64, f64) -> f64 = if pass < set.ruiz_iterations {
                f64::max
            } else {
                |a, b| a + b
            };
            let colv = f
                .y_ghosts
                .with_ghosts(comm, &r, |r_ext| col_fold(r_ext, &d, fold));
            let rowv = f
                .x_ghosts
                .with_ghosts(comm, &d, |d_ext| row_fold(&r, d_ext, fold));
            for (dj, v) in d.iter_mut().zip(&colv) {
                if *v > 0.0 {
                    *dj /= v.sqrt();
                }
            }
            for (ri, v) in r.iter_mut().zip(&rowv) {
                if *v > 0.0 {
                    *ri /= v.sqrt();
                }
            }
        }
        let scale = |csr: &mut Csr, outer: &[f64], inner_ext: &[f64], rows: bool| {
            let (ptr, idx) = (&csr.ptr, &csr.idx);
            csr.val
                .par_chunks_mut(1 << 14)
                .enumerate()
                .for_each(|(t, vals)| {
                    let first = t << 14;
                    // The outer index of the first entry of this chunk.
                    let mut o = ptr.partition_point(|&p| p <= first) - 1;
                    for (k, v) in vals.iter_mut().enumerate() {
                        let k = first + k;
                        while ptr[o + 1] <= k {
                            o += 1;
                        }
                        let inner = inner_ext[idx[k] as usize];
                        *v = if rows {
                            outer[o] * *v * inner
                        } else {
                            inner * *v * outer[o]
                        };
                    }
                });
        };
        f.x_ghosts
            .with_ghosts(comm, &d, |d_ext| scale(&mut by_rows, &r, d_ext, true));
        f.y_ghosts
            .with_ghosts(comm, &r, |r_ext| scale(&mut by_cols, &d, r_ext, false));
        let local_max = by_cols.val.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let c_min: Vec<f64> = orig.c.iter().map(|c| s * c).collect();
        let mut c: Vec<f64> = (0..n).map(|j| c_min[j] * d[j]).collect();
        let mut lr: Vec<f64> = (0..m).map(|i| orig.row_lower[i] * r[i]).collect();
        let mut ur: Vec<f64> = (0..m).map(|i| orig.row_upper[i] * r[i]).collect();
        let mut lc: Vec<f64> = (0..n).map(|j| orig.col_lower[j] / d[j]).collect();
        let mut uc: Vec<f64> = (0..n).map(|j| orig.col_upper[j] / d[j]).collect();
        let (mut theta_b, mut theta_c) = (1.0, 1.0);
        if set.bound_objective_rescaling {
            let b2 = bound_norm2(&f, &lr, &ur);
            theta_b = 1.0 / (1.0 + b2.sqrt());
            theta_c = 1.0 / (1.0 + f.dot(false, &c, &c).sqrt());
            for v in lr.iter_mut().chain(&mut ur).chain(&mut lc).chain(&mut uc) {
                *v *= theta_b;
            }
            for v in &mut c {
                *v *= theta_c;
            }
        }
        let finite_max = |vs: &[&Vec<f64>]| {
            vs.iter()
                .flat_map(|v| v.iter())
                .filter(|v| v.is_finite())
                .fold(0.0f64, |a, v| a.max(v.abs()))
        };
        let [bounds, costs, max_abs] = f.max([
            finite_max(&[
                &orig.col_lower,
                &orig.col_upper,
                &orig.row_lower,
                &orig.row_upper,
            ]),
            orig.c.iter().fold(0.0f64, |a, v| a.max(v.abs())),
            local_max,
        ]);
        Scaled {
            n,
            m,
            by_rows,
            by_cols,
            c,
            lc,
            uc,
            lr,
            ur,
            d,
            r,
            theta_b,
            theta_c,
            c_min,
            bound_scale: 1.0 + bounds,
            cost_scale: 1.0 + costs,
            s,
            offset: orig.offset,
            max_abs,
            orig,
            f,
        }
    }

    /// Bytes held by the matrix parts and the exchange plans.
    pub(super) fn heap_bytes(&self) -> usize {
        let csr = |c: &Csr| 8 * c.ptr.len() + 4 * c.idx.len() + 8 * c.val.len();
        csr(&self.by_rows)
            + csr(&self.by_cols)
            + self.f.x_ghosts.heap_bytes()
            + self.f.y_ghosts.heap_bytes()
    }

    /// `out = Ã x` on this rank's rows (`x` this rank's columns), deterministic.
    pub(super) fn mul_rows(&self, x: &[f64], out: &mut [f64]) {
        self.f.x_ghosts.with_ghosts(self.f.comm(), x, |ext| {
            self.by_rows.mul(ext, out, self.f.mat_chunk)
        })
    }

    /// `out = Ãᵀ y` on this rank's columns (`y` this rank's rows), deterministic.
    pub(super) fn mul_cols(&self, y: &[f64], out: &mut [f64]) {
        self.f.y_ghosts.with_ghosts(self.f.comm(), y, |ext| {
            self.by_cols.mul(ext, out, self.f.mat_chunk)
        })
    }

    /// Sets the costs to zero (the feasibility problem that settles a primal ray), as if the
    /// problem had been built with `c = 0`: the scaling of `A` does not depend on `c`.
    pub(crate) fn zero_costs(&mut self, set: &PdlpSettings) {
        for v in self
            .c
            .iter_mut()
            .chain(&mut self.c_min)
            .chain(&mut self.orig.c)
        {
            *v = 0.0;
        }
        if set.bound_objective_rescaling {
            self.theta_c = 1.0;
        }
        self.cost_scale = 1.0;
    }

    /// Estimates `‖Ã‖₂` by power iteration on `ÃᵀÃ` from a fixed start (a lower bound that
    /// converges quadratically in the Rayleigh quotient).
    pub(super) fn norm_estimate(&self) -> f64 {
        if self.max_abs == 0.0 {
            return 0.0;
        }
        let first = self.f.col_first;
        let mut v = vec![1.0 / (self.f.n_total as f64).sqrt(); self.n];
        // A fixed, deterministic perturbation so the start is not orthogonal to the top vector
        // by symmetry.
        for (j, vj) in v.iter_mut().enumerate() {
            *vj *= 1.0 + 0.1 * ((((first + j) * 7919) % 101) as f64 / 101.0);
        }
        let mut u = vec![0.0; self.m];
        let mut w = vec![0.0; self.n];
        let mut est = 0.0;
        for _ in 0..500 {
            let nv = self.f.dot(false, &v, &v).sqrt();
            v.iter_mut().for_each(|x| *x /= nv);
            self.mul_rows(&v, &mut u);
            let lambda = self.f.dot(true, &u, &u);
            self.mul_cols(&u, &mut w);
            std::mem::swap(&mut v, &mut w);
            let new = lambda.sqrt();
            if (new - est).abs() <= 1e-7 * new {
                est = new;
                break;
            }
            est = new;
        }
        est
    }
}

/// `Σ` of the squares of the finite row bounds (a two-sided equality counted once), over all
/// ranks in fixed chunks.
pub(super) fn bound_norm2(f: &Frame<'_>, lr: &[f64], ur: &[f64]) -> f64 {
    let parts = par_ro(lr.len(), f.vec_chunk, |rg| {
        let mut b2 = 0.0;
        for i in rg {
            if lr[i].is_finite() {
                b2 += lr[i] * lr[i];
            }
            if ur[i].is_finite() && ur[i] != lr[i] {
                b2 += ur[i] * ur[i];
            }
        }
        [b2]
    });
    f.row_sum(parts, f.vec_chunk)[0]
}

impl Scaled<'_> {
    /// `A x` on this rank's rows for this rank's columns `x` of the LP (unscaled):
    /// `D_r⁻¹ Ã D_c⁻¹ x`. Collective.
    pub(crate) fn activity(&self, x: &[f64]) -> Vec<f64> {
        let u: Vec<f64> = x.iter().zip(&self.d).map(|(x, d)| x / d).collect();
        let mut ax = vec![0.0; self.m];
        self.mul_rows(&u, &mut ax);
        ax.iter_mut().zip(&self.r).for_each(|(a, r)| *a /= r);
        ax
    }

    /// The solution at this rank's `(x, y)` with its certificate, measured across the ranks as
    /// [`crate::lp::certify`] measures it on a whole LP: `A x = D_r⁻¹ Ã D_c⁻¹ x` and
    /// `Aᵀ y = D_c⁻¹ Ãᵀ D_r⁻¹ y` from the scaled parts, maxima over all ranks, sums chunk by chunk
    /// in the global order (so the same bits on any number of ranks). `x`, `y` and the reduced
    /// costs of the answer are this rank's parts.
    pub(super) fn solution_at(
        &self,
        x: Vec<f64>,
        y: Vec<f64>,
        status: crate::lp::LpStatus,
        iterations: usize,
        seconds: f64,
    ) -> crate::lp::LpSolution {
        use crate::lp::{bound_term, Certificate, LpInfo, LpSolution};
        let (lp, s, chunk) = (&self.orig, self.s, self.f.vec_chunk);
        let ax = self.activity(&x);
        let w: Vec<f64> = y.iter().zip(&self.r).map(|(y, r)| y / r).collect();
        let mut aty = vec![0.0; self.n];
        self.mul_cols(&w, &mut aty);
        aty.iter_mut().zip(&self.d).for_each(|(a, d)| *a /= d);
        let rows = par_ro(self.m, chunk, |rg| {
            let (mut primal, mut dual, mut dobj) = (0.0f64, 0.0f64, 0.0);
            for i in rg {
                let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
                primal = primal.max(lo - ax[i]).max(ax[i] - hi);
                let (term, bad) = bound_term(s * y[i], lo, hi);
                dobj += term;
                dual = dual.max(bad);
            }
            [primal, dual, dobj]
        });
        let cols = par_ro(self.n, chunk, |rg| {
            let (mut primal, mut dual, mut dobj, mut pobj) = (0.0f64, 0.0f64, 0.0, 0.0);
            for j in rg {
                let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
                primal = primal.max(lo - x[j]).max(x[j] - hi);
                let zj = s * lp.c[j] - s * aty[j];
                let (term, bad) = bound_term(zj, lo, hi);
                dobj += term;
                dual = dual.max(bad);
                pobj += lp.c[j] * x[j];
            }
            [primal, dual, dobj, pobj]
        });
        let (mut primal, mut dual) = (0.0f64, 0.0f64);
        for r in &rows {
            primal = primal.max(r[0]);
            dual = dual.max(r[1]);
        }
        for c in &cols {
            primal = primal.max(c[0]);
            dual = dual.max(c[1]);
        }
        let [primal, dual] = self.f.max([primal, dual]);
        let [row_dobj] = self.f.row_sum(rows.iter().map(|r| [r[2]]).collect(), chunk);
        let [col_dobj, pobj] = self
            .f
            .col_sum(cols.iter().map(|c| [c[2], c[3]]).collect(), chunk);
        let primal_obj = pobj + lp.offset;
        let dual_obj = s * (s * lp.offset + row_dobj + col_dobj);
        let certificate = Certificate::of(
            primal,
            dual,
            primal_obj,
            dual_obj,
            self.bound_scale,
            self.cost_scale,
        );
        let reduced_costs = lp.c.iter().zip(&aty).map(|(c, a)| c - a).collect();
        LpSolution {
            status,
            objective: primal_obj,
            x,
            y,
            reduced_costs,
            info: LpInfo {
                iterations,
                seconds,
                certificate,
                method: "pdlp".into(),
            },
        }
    }
}
