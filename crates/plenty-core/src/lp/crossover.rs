//! Crossover: from an approximate primal–dual pair to an exact vertex.
//!
//! A first-order method (PDLP) approaches the optimum slowly in its last digits, while the
//! *set of active constraints* is usually settled long before. Once it is, the optimum is a
//! basic solution that two linear solves give exactly. For a point `(x, y)` of the LP
//!
//! ```text
//!   min cᵀx   s.t.  l_r ≤ A x ≤ u_r,   l_c ≤ x ≤ u_c          (m rows)
//! ```
//!
//! 1. **Guess the basis.** Every column with `l_c < u_c` and every row with `l_r < u_r` is a
//!    candidate. Its *basicness* is its distance from its nearest bound minus the size of its
//!    dual (the reduced cost `zⱼ = cⱼ − (Aᵀy)ⱼ` of a column, `yᵢ` of a row), both measured in
//!    the solver's scaled space, where primal and dual quantities are comparable. Complementary
//!    slackness says one of the two is zero at the optimum, so the sign tells basic (interior)
//!    from non-basic (at a bound). The `m` candidates of largest basicness form the basis `B`
//!    (columns `B_c`, and rows `B_r` whose constraint is slack); every other column sits at the
//!    bound its reduced cost points to, every other row ("tight", `T`) at the bound its dual
//!    points to.
//! 2. **Primal.** `A_{T,B_c} x_B = β_T − A_{T,N} x_N`: a square system (`|T| = |B_c|`).
//! 3. **Dual.** `A_{T,B_c}ᵀ y_T = c_B`, `y = 0` on slack rows; then `z_N = c_N − A_{:,N}ᵀ y`.
//! 4. **Check.** The vertex is optimal when `x_B` and the slack rows lie within their bounds
//!    (primal feasibility) and every `z_N` and `y_T` has the sign of the bound it sits on (dual
//!    feasibility), each to `feasibility_tolerance` relative to `1 + |bound|` and `1 + ‖c‖∞`.
//!    Then the duality gap is zero up to rounding. Anything else is reported as a
//!    [`CrossoverFailure`], and the caller keeps its approximate point.
//!
//! **The linear solves** use a dense LU with partial pivoting and one step of iterative
//! refinement, so crossover is tried on bases of up to [`CrossoverSettings::dense_limit`]
//! columns (PDLP's `crossover_limit`; at 10 001 columns the LU takes about 4 s and 800 MB, and
//! gave the exact vertex of the baseline's planning LP at n = 10⁴). A sparse LU does not help
//! on larger ones: a basis of a random economy fills in like
//! `I − A` itself (SuperLU took 279 s on `I − A` at `n = 10⁴`), and an iterative solve (GMRES,
//! with rows matched to columns for a unit diagonal) stalled on planning bases, where about a
//! tenth of the products run both techniques and another tenth none, so a tenth of the rows
//! pair with small off-diagonal entries.

use super::LinearProgram;
use std::fmt;

/// Settings of [`crossover`].
#[derive(Debug, Clone, PartialEq)]
pub struct CrossoverSettings {
    /// A vertex is accepted when its bound violations are within this, relative to
    /// `1 + |bound|`, and its dual sign violations within this relative to `1 + ‖c‖∞`.
    /// Default 1e-9.
    pub feasibility_tolerance: f64,
    /// Bases of more columns than this are not tried: the dense LU costs `2k³/3` operations
    /// and `8k²` bytes (3 000 columns: 0.12–0.14 s and 72 MB on this project's 2 cores, where
    /// faer's LU ran at 130–150 GFlop/s). Default 3 000.
    pub dense_limit: usize,
}

impl Default for CrossoverSettings {
    fn default() -> Self {
        Self {
            feasibility_tolerance: 1e-9,
            dense_limit: 3000,
        }
    }
}

/// Why a crossover did not end at an optimal vertex.
#[derive(Debug, Clone, PartialEq)]
pub enum CrossoverFailure {
    /// Fewer candidates than rows: the LP has too many fixed columns and equality rows.
    TooFewCandidates,
    /// The basis has more columns than [`CrossoverSettings::dense_limit`].
    TooLarge {
        /// Its columns.
        columns: usize,
    },
    /// The guessed basis is structurally singular (no perfect matching).
    Singular,
    /// The vertex violates a bound: the guess was wrong.
    PrimalInfeasible {
        /// Largest relative violation.
        violation: f64,
    },
    /// A reduced cost or row dual has the wrong sign: the guess was wrong.
    DualInfeasible {
        /// Largest relative violation.
        violation: f64,
    },
}

impl fmt::Display for CrossoverFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewCandidates => f.write_str("fewer basis candidates than rows"),
            Self::Singular => f.write_str("the guessed basis is singular"),
            Self::TooLarge { columns } => {
                write!(
                    f,
                    "the basis has {columns} columns, more than the dense limit"
                )
            }
            Self::PrimalInfeasible { violation } => {
                write!(f, "the vertex violates a bound by {violation:.1e}")
            }
            Self::DualInfeasible { violation } => {
                write!(
                    f,
                    "the vertex's duals violate their signs by {violation:.1e}"
                )
            }
        }
    }
}

/// The optimal vertex a crossover found.
#[derive(Debug, Clone, PartialEq)]
pub struct Vertex {
    /// Primal values, one per column.
    pub x: Vec<f64>,
    /// Row duals in the LP's sense convention (as [`super::LpSolution::y`]).
    pub y: Vec<f64>,
    /// Basic columns.
    pub basic_columns: usize,
}

/// Where a non-basic column or a tight row sits.
#[derive(Debug, Clone, Copy, PartialEq)]
enum At {
    Lower,
    Upper,
}

/// The bound a non-basic entry sits on: the one its dual `g` (minimisation form) points to,
/// else the nearest finite one.
fn side(g: f64, v: f64, lo: f64, hi: f64) -> At {
    let by_sign = if g > 0.0 {
        Some(At::Lower)
    } else if g < 0.0 {
        Some(At::Upper)
    } else {
        None
    };
    match by_sign {
        Some(At::Lower) if lo.is_finite() => At::Lower,
        Some(At::Upper) if hi.is_finite() => At::Upper,
        _ => {
            if !hi.is_finite() || (lo.is_finite() && (v - lo) <= (hi - v)) {
                At::Lower
            } else {
                At::Upper
            }
        }
    }
}

/// Attempts a crossover from `(x, y)` (`y` in the LP's sense convention).
///
/// `col_factor[j]` and `row_factor[i]` put primal distances and duals on a common scale: a
/// column's distance from its bound is divided by `col_factor[j]` and its reduced cost
/// multiplied by it; a row's distance is multiplied by `row_factor[i]` and its dual divided by
/// it. PDLP passes the factors of its preconditioned problem; all ones work for a well-scaled
/// LP.
// Columns are indexed in parallel arrays.
#[allow(clippy::needless_range_loop)]
pub fn crossover(
    lp: &LinearProgram,
    x: &[f64],
    y: &[f64],
    col_factor: &[f64],
    row_factor: &[f64],
    settings: &CrossoverSettings,
) -> Result<Vertex, CrossoverFailure> {
    let (n, m) = (lp.ncols(), lp.nrows());
    let s = lp.sense.sign();
    let ym: Vec<f64> = y.iter().map(|v| s * v).collect();
    let aty = lp.column_activity(&ym);
    let ax = lp.row_activity(x);
    let z: Vec<f64> = (0..n).map(|j| s * lp.c[j] - aty[j]).collect();

    // 1. Basicness of every candidate: (is_row, index, score).
    let mut cand: Vec<(f64, bool, usize)> = Vec::with_capacity(n + m);
    for j in 0..n {
        let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
        if lo == hi {
            continue;
        }
        let dist = (x[j] - lo).min(hi - x[j]).max(0.0);
        cand.push((dist / col_factor[j] - z[j].abs() * col_factor[j], false, j));
    }
    for i in 0..m {
        let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
        if lo == hi {
            continue;
        }
        let dist = (ax[i] - lo).min(hi - ax[i]).max(0.0);
        cand.push((dist * row_factor[i] - ym[i].abs() / row_factor[i], true, i));
    }
    if cand.len() < m {
        return Err(CrossoverFailure::TooFewCandidates);
    }
    // Largest basicness first; ties by kind and index, so the choice is deterministic.
    cand.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let first = vertex(lp, x, &ym, &z, &ax, s, &cand[..m], settings);
    if first != Err(CrossoverFailure::Singular) || m > settings.dense_limit {
        return first;
    }
    // Degenerate LPs (netlib's) tie many candidates at zero basicness, and the top m can be
    // dependent. Choose again in the same order, keeping only candidates independent of those
    // already kept.
    let chosen = independent_selection(lp, &cand, m).ok_or(CrossoverFailure::Singular)?;
    vertex(lp, x, &ym, &z, &ax, s, &chosen, settings)
}

/// Solves and checks the vertex of the basis `chosen` (`m` entries of `(basicness, is_row,
/// index)`: basic columns and rows whose constraint is slack). Rows and columns are indexed in
/// parallel arrays; the negated comparisons make a NaN fail.
#[allow(
    clippy::too_many_arguments,
    clippy::needless_range_loop,
    clippy::neg_cmp_op_on_partial_ord
)]
fn vertex(
    lp: &LinearProgram,
    x: &[f64],
    ym: &[f64],
    z: &[f64],
    ax: &[f64],
    s: f64,
    chosen: &[(f64, bool, usize)],
    settings: &CrossoverSettings,
) -> Result<Vertex, CrossoverFailure> {
    let (n, m) = (lp.ncols(), lp.nrows());
    let mut col_basic = vec![false; n];
    let mut row_slack = vec![false; m];
    for &(_, is_row, k) in chosen {
        if is_row {
            row_slack[k] = true;
        } else {
            col_basic[k] = true;
        }
    }

    // Non-basic columns at their bounds; tight rows at theirs.
    let mut xv = vec![0.0; n];
    let mut col_at = vec![At::Lower; n];
    for j in 0..n {
        if !col_basic[j] {
            let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
            col_at[j] = side(z[j], x[j], lo, hi);
            xv[j] = match col_at[j] {
                At::Lower => lo,
                At::Upper => hi,
            };
            if !xv[j].is_finite() {
                // A free column left non-basic: the guess cannot be a vertex.
                return Err(CrossoverFailure::Singular);
            }
        }
    }
    let tight: Vec<usize> = (0..m).filter(|&i| !row_slack[i]).collect();
    let basic: Vec<usize> = (0..n).filter(|&j| col_basic[j]).collect();
    debug_assert_eq!(tight.len(), basic.len());
    let k = tight.len();
    if k > settings.dense_limit {
        return Err(CrossoverFailure::TooLarge { columns: k });
    }
    let mut row_pos = vec![u32::MAX; m];
    for (t, &i) in tight.iter().enumerate() {
        row_pos[i] = t as u32;
    }
    let mut row_at = vec![At::Lower; m];
    let ax_n = lp.row_activity(&xv);
    let mut rhs = vec![0.0; k];
    for (t, &i) in tight.iter().enumerate() {
        let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
        row_at[i] = side(ym[i], ax[i], lo, hi);
        let beta = match row_at[i] {
            At::Lower => lo,
            At::Upper => hi,
        };
        if !beta.is_finite() {
            return Err(CrossoverFailure::Singular);
        }
        rhs[t] = beta - ax_n[i];
    }

    // 2–3. The basis matrix M = A_{T,B_c} by columns, and its two solves.
    let cols = &lp.columns;
    let mut mcols: Vec<Vec<(u32, f64)>> = Vec::with_capacity(k);
    for &j in &basic {
        let entries: Vec<(u32, f64)> = cols
            .row(j)
            .filter(|&(i, a)| row_pos[i] != u32::MAX && a != 0.0)
            .map(|(i, a)| (row_pos[i], a))
            .collect();
        mcols.push(entries);
    }
    let cb: Vec<f64> = basic.iter().map(|&j| s * lp.c[j]).collect();
    let (xb, yt) = dense_solves(&mcols, &rhs, &cb)?;
    for (b, &j) in basic.iter().enumerate() {
        xv[j] = xb[b];
    }
    let mut ymv = vec![0.0; m];
    for (t, &i) in tight.iter().enumerate() {
        ymv[i] = yt[t];
    }

    // 4. Checks.
    let tol = settings.feasibility_tolerance;
    let rel = |v: f64, b: f64| v / (1.0 + b.abs());
    let mut pviol = 0.0f64;
    for &j in &basic {
        let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
        pviol = pviol.max(rel(lo - xv[j], lo)).max(rel(xv[j] - hi, hi));
    }
    let ax_v = lp.row_activity(&xv);
    for i in 0..m {
        let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
        if lo.is_finite() {
            pviol = pviol.max(rel(lo - ax_v[i], lo));
        }
        if hi.is_finite() {
            pviol = pviol.max(rel(ax_v[i] - hi, hi));
        }
    }
    if !(pviol <= tol) {
        return Err(CrossoverFailure::PrimalInfeasible { violation: pviol });
    }
    let cost_scale = 1.0 + lp.c.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let aty_v = lp.column_activity(&ymv);
    let mut dviol = 0.0f64;
    for j in 0..n {
        if col_basic[j] || lp.col_lower[j] == lp.col_upper[j] {
            continue;
        }
        let zj = s * lp.c[j] - aty_v[j];
        dviol = dviol.max(match col_at[j] {
            At::Lower => -zj,
            At::Upper => zj,
        });
    }
    for &i in &tight {
        if lp.row_lower[i] == lp.row_upper[i] {
            continue;
        }
        dviol = dviol.max(match row_at[i] {
            At::Lower => -ymv[i],
            At::Upper => ymv[i],
        });
    }
    let dviol = dviol / cost_scale;
    if !(dviol <= tol) {
        return Err(CrossoverFailure::DualInfeasible { violation: dviol });
    }
    // Rounding may leave a basic value a hair outside its bound; the check above bounded it.
    for &j in &basic {
        xv[j] = xv[j].max(lp.col_lower[j]).min(lp.col_upper[j]);
    }
    Ok(Vertex {
        x: xv,
        y: ymv.iter().map(|v| s * v).collect(),
        basic_columns: basic.len(),
    })
}

/// The first `m` candidates, in order, whose columns (a row's slack: its unit vector) are
/// linearly independent: modified Gram–Schmidt on dense vectors of length `m`, a candidate kept
/// when at least `1e-9` of its norm is new. `None` when fewer than `m` are independent.
fn independent_selection(
    lp: &LinearProgram,
    cand: &[(f64, bool, usize)],
    m: usize,
) -> Option<Vec<(f64, bool, usize)>> {
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(m);
    let mut kept = Vec::with_capacity(m);
    for &c in cand {
        let (_, is_row, k) = c;
        let mut v = vec![0.0; m];
        if is_row {
            v[k] = 1.0;
        } else {
            for (i, a) in lp.columns.row(k) {
                v[i] += a;
            }
        }
        let norm0 = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm0 == 0.0 {
            continue;
        }
        for q in &basis {
            let d: f64 = v.iter().zip(q).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(q).for_each(|(a, b)| *a -= d * b);
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-9 * norm0 {
            v.iter_mut().for_each(|a| *a /= norm);
            basis.push(v);
            kept.push(c);
            if kept.len() == m {
                return Some(kept);
            }
        }
    }
    None
}

/// `M w = b` and `Mᵀ v = c` for the basis `M` (given by columns over the tight rows) by a dense
/// LU with partial pivoting and one step of iterative refinement each. A residual above `1e-9`
/// of the right-hand side means the guessed basis is (numerically) singular.
fn dense_solves(
    mcols: &[Vec<(u32, f64)>],
    rhs: &[f64],
    cb: &[f64],
) -> Result<(Vec<f64>, Vec<f64>), CrossoverFailure> {
    use crate::iterative::Side;
    let k = rhs.len();
    let mut dense = faer::Mat::<f64>::zeros(k, k);
    for (b, col) in mcols.iter().enumerate() {
        for &(t, a) in col {
            dense[(t as usize, b)] += a;
        }
    }
    let lu = crate::solve::DenseLu::factor(dense);
    let mul = |w: &[f64], transpose: bool| -> Vec<f64> {
        let mut out = vec![0.0; k];
        for (b, col) in mcols.iter().enumerate() {
            for &(t, a) in col {
                if transpose {
                    out[b] += a * w[t as usize];
                } else {
                    out[t as usize] += a * w[b];
                }
            }
        }
        out
    };
    let solve = |b: &[f64], side: Side| -> Result<Vec<f64>, CrossoverFailure> {
        let transpose = side == Side::Values;
        let mut w = faer::Mat::<f64>::from_fn(k, 1, |i, _| b[i]);
        lu.solve_in_place(w.as_mut(), side);
        let mut sol: Vec<f64> = (0..k).map(|i| w[(i, 0)]).collect();
        // One step of refinement: w += M⁻¹ (b − M w).
        let r: Vec<f64> = mul(&sol, transpose)
            .iter()
            .zip(b)
            .map(|(mw, b)| b - mw)
            .collect();
        let mut d = faer::Mat::<f64>::from_fn(k, 1, |i, _| r[i]);
        lu.solve_in_place(d.as_mut(), side);
        for (i, v) in sol.iter_mut().enumerate() {
            *v += d[(i, 0)];
        }
        let res = mul(&sol, transpose)
            .iter()
            .zip(b)
            .map(|(mw, b)| (b - mw).abs())
            .fold(0.0f64, f64::max);
        let scale = 1.0 + b.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        if !(sol.iter().all(|v| v.is_finite()) && res <= 1e-9 * scale) {
            return Err(CrossoverFailure::Singular);
        }
        Ok(sol)
    };
    let xb = solve(rhs, Side::Output)?;
    let yt = solve(cb, Side::Values)?;
    Ok((xb, yt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lp::{certify, small_example};

    #[test]
    fn the_small_example_crosses_over_to_its_vertex() {
        let lp = small_example();
        // A slightly perturbed optimum: x = (3, 1), y = (2, 0).
        let x = [2.999, 1.002];
        let y = [1.998, 0.001];
        let v = crossover(&lp, &x, &y, &[1.0; 2], &[1.0; 2], &Default::default()).unwrap();
        assert_eq!(v.x, vec![3.0, 1.0]);
        assert!(
            (v.y[0] - 2.0).abs() < 1e-14 && v.y[1].abs() < 1e-14,
            "{v:?}"
        );
        let c = certify(&lp, &v.x, &v.y);
        assert!(c.passes(1e-14), "{c:?}");
    }

    #[test]
    fn a_wrong_guess_is_reported_not_returned() {
        let lp = small_example();
        // Far from the optimum: the basis guessed from it is not optimal.
        let e = crossover(
            &lp,
            &[0.5, 0.5],
            &[0.0, 0.0],
            &[1.0; 2],
            &[1.0; 2],
            &Default::default(),
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                CrossoverFailure::DualInfeasible { .. } | CrossoverFailure::PrimalInfeasible { .. }
            ),
            "{e:?}"
        );
    }
}

#[cfg(test)]
mod planning_tests {
    use crate::generate::GeneratorSettings;
    use crate::lp::pdlp::{Pdlp, PdlpSettings};
    use crate::lp::synthetic::{planning_lp, PlanningLpSettings};
    use crate::lp::LpSettings;

    fn pdlp(tolerance: f64, crossover: bool) -> Pdlp {
        Pdlp::new(PdlpSettings {
            lp: LpSettings {
                tolerance,
                ..Default::default()
            },
            row_scaled_feasibility: true,
            crossover,
            ..Default::default()
        })
    }

    /// PDLP to 1e-6 then crossover gives the vertex: residuals at rounding level, and the λ of
    /// PDLP run alone to 1e-9 (a second, independent answer).
    #[test]
    fn a_planning_lp_crosses_over_to_its_exact_vertex() {
        for n in [120, 300] {
            let lp = planning_lp(&PlanningLpSettings {
                economy: GeneratorSettings {
                    n,
                    ..Default::default()
                },
                techniques: 2,
            })
            .unwrap();
            let vertex = pdlp(1e-6, true).solve_warm(&lp, None, None).unwrap();
            assert_eq!(vertex.info.method, "pdlp+crossover", "n = {n}");
            let c = vertex.info.certificate;
            assert!(c.passes(1e-12), "n = {n}: {c:?}");
            let tight = pdlp(1e-9, false).solve_warm(&lp, None, None).unwrap();
            assert_eq!(tight.info.method, "pdlp");
            assert!(
                (vertex.objective - tight.objective).abs() <= 1e-8,
                "n = {n}: {} vs {}",
                vertex.objective,
                tight.objective
            );
        }
    }
}
