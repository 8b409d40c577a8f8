//! Test support for the planning tests: a slow, exact dense simplex (the reference backend),
//! small hand-made economies and a tolerance helper.

#![allow(dead_code, clippy::needless_range_loop)]

use plenty_core::lp::{
    certify, LinearProgram, LpBackend, LpInfo, LpSettings, LpSolution, LpStatus, Sense,
};
use plenty_core::SolveError;

pub use plenty_test_support::approx_eq;

/// Two-phase primal simplex on a dense tableau with Bland's rule (no cycling), for small LPs
/// in any boxed form. Exact to rounding on the tiny problems of the tests.
pub struct DenseSimplex;

/// How an original column maps to non-negative variables.
#[derive(Clone, Copy)]
enum ColMap {
    /// `x = lo + u`.
    Shift(f64, usize),
    /// `x = up − u`.
    Mirror(f64, usize),
    /// `x = u⁺ − u⁻`.
    Free(usize, usize),
}

impl LpBackend for DenseSimplex {
    fn solve(&self, lp: &LinearProgram, _settings: &LpSettings) -> Result<LpSolution, SolveError> {
        let t0 = std::time::Instant::now();
        let (n, m) = (lp.ncols(), lp.nrows());
        let s = if lp.sense == Sense::Minimize {
            1.0
        } else {
            -1.0
        };
        // Columns → non-negative variables.
        let mut maps = Vec::with_capacity(n);
        let mut nv = 0;
        let mut bound_rows: Vec<(usize, f64)> = Vec::new(); // u_k ≤ value
        for j in 0..n {
            let (lo, up) = (lp.col_lower[j], lp.col_upper[j]);
            if lo.is_finite() {
                maps.push(ColMap::Shift(lo, nv));
                if up.is_finite() {
                    bound_rows.push((nv, up - lo));
                }
                nv += 1;
            } else if up.is_finite() {
                maps.push(ColMap::Mirror(up, nv));
                nv += 1;
            } else {
                maps.push(ColMap::Free(nv, nv + 1));
                nv += 2;
            }
        }
        // Dense A by rows.
        let mut a = vec![vec![0.0; n]; m];
        for j in 0..n {
            for (i, v) in lp.columns.row(j) {
                a[i][j] = v;
            }
        }
        // A row of a·x in u: coefficients and constant.
        let row_in_u = |coef: &[f64]| -> (Vec<f64>, f64) {
            let mut g = vec![0.0; nv];
            let mut k = 0.0;
            for j in 0..n {
                let v = coef[j];
                if v == 0.0 {
                    continue;
                }
                match maps[j] {
                    ColMap::Shift(lo, u) => {
                        g[u] += v;
                        k += v * lo;
                    }
                    ColMap::Mirror(up, u) => {
                        g[u] -= v;
                        k += v * up;
                    }
                    ColMap::Free(p, q) => {
                        g[p] += v;
                        g[q] -= v;
                    }
                }
            }
            (g, k)
        };
        // Standard rows: g·u + slack_sign·s = h. Kinds: +1 (≤), -1 (≥), 0 (=).
        struct Std {
            g: Vec<f64>,
            h: f64,
            kind: i8,
            origin: Option<usize>,
        }
        let mut rows: Vec<Std> = Vec::new();
        for i in 0..m {
            let (g, k) = row_in_u(&a[i]);
            let (lo, up) = (lp.row_lower[i], lp.row_upper[i]);
            if lo.is_finite() && up.is_finite() && lo == up {
                rows.push(Std {
                    g,
                    h: lo - k,
                    kind: 0,
                    origin: Some(i),
                });
                continue;
            }
            if up.is_finite() {
                rows.push(Std {
                    g: g.clone(),
                    h: up - k,
                    kind: 1,
                    origin: Some(i),
                });
            }
            if lo.is_finite() {
                rows.push(Std {
                    g,
                    h: lo - k,
                    kind: -1,
                    origin: Some(i),
                });
            }
        }
        for &(u, v) in &bound_rows {
            let mut g = vec![0.0; nv];
            g[u] = 1.0;
            rows.push(Std {
                g,
                h: v,
                kind: 1,
                origin: None,
            });
        }
        let r = rows.len();
        let nslack = rows.iter().filter(|x| x.kind != 0).count();
        // Columns of the tableau: u (nv), slacks (nslack), artificials (r), rhs.
        let width = nv + nslack + r + 1;
        let rhs = width - 1;
        let mut t = vec![vec![0.0; width]; r];
        let mut sign = vec![1.0; r];
        let mut sk = 0;
        for (k, row) in rows.iter().enumerate() {
            let flip = if row.h < 0.0 { -1.0 } else { 1.0 };
            sign[k] = flip;
            for (c, v) in row.g.iter().enumerate() {
                t[k][c] = flip * v;
            }
            if row.kind != 0 {
                t[k][nv + sk] = flip * f64::from(row.kind);
                sk += 1;
            }
            t[k][nv + nslack + k] = 1.0;
            t[k][rhs] = flip * row.h;
        }
        let art0 = nv + nslack;
        let mut basis: Vec<usize> = (0..r).map(|k| art0 + k).collect();
        // Cost in u: min s·c.
        let mut cost = vec![0.0; width - 1];
        for j in 0..n {
            let v = s * lp.c[j];
            match maps[j] {
                ColMap::Shift(_, u) => cost[u] += v,
                ColMap::Mirror(_, u) => cost[u] -= v,
                ColMap::Free(p, q) => {
                    cost[p] += v;
                    cost[q] -= v;
                }
            }
        }
        let mut phase1 = vec![0.0; width - 1];
        for c in phase1.iter_mut().skip(art0) {
            *c = 1.0;
        }
        let mut iterations = 0;
        let run = |t: &mut Vec<Vec<f64>>,
                   basis: &mut Vec<usize>,
                   cost: &[f64],
                   allowed: usize,
                   iterations: &mut usize|
         -> Result<(), ()> {
            loop {
                *iterations += 1;
                if *iterations > 100_000 {
                    return Err(());
                }
                // Reduced costs d_c = cost_c − c_B · column.
                let mut enter = None;
                for c in 0..allowed {
                    if basis.contains(&c) {
                        continue;
                    }
                    let mut d = cost[c];
                    for (k, &b) in basis.iter().enumerate() {
                        d -= cost[b] * t[k][c];
                    }
                    if d < -1e-10 {
                        enter = Some(c);
                        break;
                    }
                }
                let Some(c) = enter else { return Ok(()) };
                // A pivot must be large next to the rest of its column: a tiny one
                // (round-off left by earlier pivots) would blow the tableau up.
                let column_size = t.iter().fold(1.0f64, |m, row| m.max(row[c].abs()));
                let mut leave: Option<(usize, f64)> = None;
                for k in 0..t.len() {
                    if t[k][c] > 1e-9 * column_size {
                        let ratio = t[k][rhs] / t[k][c];
                        let better = match leave {
                            None => true,
                            Some((l, best)) => {
                                ratio < best - 1e-13
                                    || (ratio <= best + 1e-13 && basis[k] < basis[l])
                            }
                        };
                        if better {
                            leave = Some((k, ratio));
                        }
                    }
                }
                let Some((k, _)) = leave else { return Err(()) };
                pivot(t, k, c);
                basis[k] = c;
            }
        };
        let done = |status: LpStatus, iterations: usize| LpSolution {
            status,
            x: Vec::new(),
            y: Vec::new(),
            reduced_costs: Vec::new(),
            objective: f64::NAN,
            info: LpInfo {
                iterations,
                seconds: t0.elapsed().as_secs_f64(),
                certificate: Default::default(),
                method: "dense simplex (test)".into(),
            },
        };
        if run(&mut t, &mut basis, &phase1, width - 1, &mut iterations).is_err() {
            return Ok(done(LpStatus::NumericalTrouble, iterations));
        }
        let infeas: f64 = basis
            .iter()
            .enumerate()
            .filter(|(_, &b)| b >= art0)
            .map(|(k, _)| t[k][rhs])
            .sum();
        if infeas > 1e-9 {
            return Ok(done(LpStatus::Infeasible, iterations));
        }
        // Drive artificials out of the basis where possible.
        for k in 0..r {
            if basis[k] >= art0 {
                // The largest candidate pivot in the row, for the same reason.
                let best = (0..art0)
                    .filter(|&c| !basis.contains(&c))
                    .max_by(|&p, &q| t[k][p].abs().total_cmp(&t[k][q].abs()));
                if let Some(c) = best.filter(|&c| t[k][c].abs() > 1e-9) {
                    pivot(&mut t, k, c);
                    basis[k] = c;
                }
            }
        }
        if run(&mut t, &mut basis, &cost, art0, &mut iterations).is_err() {
            return Ok(done(LpStatus::Unbounded, iterations));
        }
        // Primal.
        let mut u = vec![0.0; nv];
        for (k, &b) in basis.iter().enumerate() {
            if b < nv {
                u[b] = t[k][rhs];
            }
        }
        let x: Vec<f64> = maps
            .iter()
            .map(|m| match *m {
                ColMap::Shift(lo, u0) => lo + u[u0],
                ColMap::Mirror(up, u0) => up - u[u0],
                ColMap::Free(p, q) => u[p] - u[q],
            })
            .collect();
        // Duals of the standard rows: π = c_B B⁻¹, with B⁻¹ in the artificial columns.
        let mut pi = vec![0.0; r];
        for (kk, p) in pi.iter_mut().enumerate() {
            for (k, &b) in basis.iter().enumerate() {
                *p += cost[b] * t[k][art0 + kk];
            }
        }
        let mut y = vec![0.0; m];
        for (k, row) in rows.iter().enumerate() {
            if let Some(i) = row.origin {
                // π is ∂(min objective)/∂(flipped rhs); undo the flip, then the sense.
                y[i] += s * sign[k] * pi[k];
            }
        }
        let aty = lp.column_activity(&y);
        let reduced_costs = lp.c.iter().zip(&aty).map(|(c, a)| c - a).collect();
        let certificate = certify(lp, &x, &y);
        Ok(LpSolution {
            status: LpStatus::Optimal,
            objective: lp.objective(&x),
            x,
            y,
            reduced_costs,
            info: LpInfo {
                iterations,
                seconds: t0.elapsed().as_secs_f64(),
                certificate,
                method: "dense simplex (test)".into(),
            },
        })
    }
}

fn pivot(t: &mut [Vec<f64>], k: usize, c: usize) {
    let p = t[k][c];
    for v in t[k].iter_mut() {
        *v /= p;
    }
    let prow = t[k].clone();
    for (i, row) in t.iter_mut().enumerate() {
        if i != k {
            let f = row[c];
            if f != 0.0 {
                for (v, pv) in row.iter_mut().zip(&prow) {
                    *v -= f * pv;
                }
            }
        }
    }
}
