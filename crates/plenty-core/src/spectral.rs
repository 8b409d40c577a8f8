//! The spectral radius `ρ(A)` and the productivity verdict (Hawkins–Simon: the economy can
//! deliver every non-negative final demand iff `ρ(A) < 1`).
//!
//! Power iteration on the shifted matrix `A + αI` (the shift breaks the periodicity that cyclic
//! economies have, and keeps every iterate strictly positive). For any positive vector `x` the
//! Collatz–Wielandt bounds hold for a non-negative `A`:
//!
//! ```text
//!   min_i (A x)_i / x_i  ≤  ρ(A)  ≤  max_i (A x)_i / x_i
//! ```
//!
//! so the verdict is *certified* whenever the upper bound is below 1 (productive) or the lower
//! bound is at least 1 (not productive). When the economy is not productive, the strongly
//! connected components of the input graph with `ρ ≥ 1` name the sectors responsible: `ρ(A)` is
//! the largest `ρ` of the diagonal blocks of its block-triangular (Frobenius) form.

use crate::dist::Space;
use crate::matrix::{CsrMatrix, TechnicalCoefficients};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Within this distance of 1, `ρ(A)` counts as 1: the economy is on the boundary of
/// productivity, `I − A` is numerically singular, and no solve can be trusted.
pub const BOUNDARY: f64 = 1e-9;

/// Settings of the spectral-radius estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpectralSettings {
    /// Stop when `(upper − lower) ≤ tolerance · upper`, or when the estimate has moved less than
    /// `tolerance` (relative) for 20 iterations. Default `1e-9`.
    pub tolerance: f64,
    /// Iteration limit. Default 20 000.
    pub max_iterations: usize,
    /// The shift `α` in `A + αI`. Default 0.1: large enough to damp periodic cycles, small enough
    /// not to slow convergence much.
    pub shift: f64,
}

impl Default for SpectralSettings {
    fn default() -> Self {
        Self {
            tolerance: 1e-9,
            max_iterations: 20_000,
            shift: 0.1,
        }
    }
}

/// Can the economy deliver any non-negative final demand?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Productivity {
    /// `ρ(A) < 1`.
    Productive,
    /// `ρ(A) ≥ 1`: some demand cannot be met by any non-negative output.
    NotProductive,
}

impl fmt::Display for Productivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Productivity::Productive => "productive",
            Productivity::NotProductive => "not productive",
        })
    }
}

/// The estimate of `ρ(A)`, with certified bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpectralEstimate {
    /// Best estimate of `ρ(A)`.
    pub rho: f64,
    /// Collatz–Wielandt lower bound (certain).
    pub lower: f64,
    /// Collatz–Wielandt upper bound (certain).
    pub upper: f64,
    /// Iterations used.
    pub iterations: usize,
    /// Whether the iteration met its tolerance.
    pub converged: bool,
    /// The verdict.
    pub productivity: Productivity,
    /// Whether the verdict follows from the bounds alone (not only from the estimate).
    pub certified: bool,
}

/// A strongly connected group of sectors whose own spectral radius is at least 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffendingComponent {
    /// The sectors (0-based indices), in increasing order.
    pub sectors: Vec<usize>,
    /// `ρ` of the block.
    pub rho: f64,
    /// Collatz–Wielandt lower bound of the block's `ρ` (certain; for an irreducible block it
    /// converges to `ρ`, so `lower ≥ 1` certifies that the whole economy is not productive,
    /// since `ρ(A) ≥ ρ(block)`).
    pub lower: f64,
}

/// Estimates `ρ(A)`.
pub fn spectral_radius(a: &TechnicalCoefficients, settings: &SpectralSettings) -> SpectralEstimate {
    let n = a.n();
    power_iteration(n, settings, PowerStart::Ones, |x, y| a.mul_vec(x, y))
}

/// Where the power iteration starts, and when it may stop.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PowerStart<'v> {
    /// From the all-ones vector, to the full estimate (converged bounds or a steady estimate).
    Ones,
    /// From a positive vector (a Leontief solution is close to the Perron vector's cone), and
    /// stop as soon as the bounds certify the verdict: the full estimate only when they
    /// straddle 1.
    UntilCertain(&'v [f64]),
}

pub(crate) fn power_iteration(
    n: usize,
    settings: &SpectralSettings,
    start: PowerStart<'_>,
    mul: impl Fn(&[f64], &mut [f64]),
) -> SpectralEstimate {
    power_iteration_in(&Space::single(n), settings, start, mul)
}

/// The power iteration on this rank's part of the vectors (`start` and `mul` are local): the
/// bounds, the estimate's sums and the normalisation are reductions over `space`, so every rank
/// gets the same estimate, with the bits of one process when the chunks are the same.
pub(crate) fn power_iteration_in(
    space: &Space<'_>,
    settings: &SpectralSettings,
    start: PowerStart<'_>,
    mul: impl Fn(&[f64], &mut [f64]),
) -> SpectralEstimate {
    let n = space.local_len();
    let alpha = settings.shift;
    let (mut x, stop_when_certain) = match start {
        PowerStart::Ones => (vec![1.0; n], false),
        PowerStart::UntilCertain(v) => (v.to_vec(), true),
    };
    let mut y = vec![0.0; n];
    let (mut lower, mut upper) = (0.0f64, f64::INFINITY);
    let mut estimate = f64::NAN;
    let mut steady = 0;
    let mut iterations = 0;
    let mut converged = false;
    for it in 1..=settings.max_iterations {
        iterations = it;
        mul(&x, &mut y);
        let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
        for (yi, xi) in y.iter().zip(&x) {
            let r = yi / xi;
            lo = lo.min(r);
            hi = hi.max(r);
        }
        let [neg_lo, hi] = space.max([-lo, hi]);
        // Bounds are valid at every step; keep the tightest seen.
        lower = lower.max(-neg_lo);
        upper = upper.min(hi);
        let previous = estimate;
        let [sum_y, sum_x] = space.sum(
            y.par_chunks(space.chunk())
                .zip(x.par_chunks(space.chunk()))
                .map(|(y, x)| [y.iter().sum(), x.iter().sum()])
                .collect(),
        );
        estimate = sum_y / sum_x;
        if stop_when_certain && (upper < 1.0 || lower >= 1.0) {
            break;
        }
        if upper - lower <= settings.tolerance * upper.max(f64::MIN_POSITIVE) {
            converged = true;
            break;
        }
        if (estimate - previous).abs() <= settings.tolerance * estimate.abs() {
            steady += 1;
            if steady >= 20 {
                converged = true;
                break;
            }
        } else {
            steady = 0;
        }
        // x ← (A + αI) x, normalised so the largest entry is 1.
        let mut m = 0.0f64;
        for (xi, yi) in x.iter_mut().zip(&y) {
            *xi = yi + alpha * *xi;
            m = m.max(*xi);
        }
        let [m] = space.max([m]);
        if m <= 0.0 || !m.is_finite() {
            break;
        }
        x.iter_mut().for_each(|v| *v /= m);
    }
    let rho = if upper - lower <= settings.tolerance * upper.max(f64::MIN_POSITIVE) {
        0.5 * (upper + lower)
    } else {
        estimate.clamp(lower, upper)
    };
    let (productivity, certified) = if upper < 1.0 {
        (Productivity::Productive, true)
    } else if lower >= 1.0 {
        (Productivity::NotProductive, true)
    } else if rho < 1.0 - BOUNDARY {
        (Productivity::Productive, false)
    } else {
        (Productivity::NotProductive, false)
    };
    SpectralEstimate {
        rho,
        lower,
        upper,
        iterations,
        converged,
        productivity,
        certified,
    }
}

/// The strongly connected components of the sectors' input graph (an edge `i → j` when
/// `a_ij > 0`), in no particular order. Tarjan's algorithm, iterative (no recursion limit).
pub fn strongly_connected_components(a: &CsrMatrix) -> Vec<Vec<usize>> {
    let n = a.nrows();
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    let mut call: Vec<(usize, usize)> = Vec::new(); // (node, next edge position)
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        call.push((root, a.row_ptr()[root]));
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let end = a.row_ptr()[v + 1];
            if *pos < end {
                let w = a.col_idx()[*pos] as usize;
                let value = a.values()[*pos];
                *pos += 1;
                if value <= 0.0 {
                    continue;
                }
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, a.row_ptr()[w]));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp.sort_unstable();
                    components.push(comp);
                }
            }
        }
    }
    components
}

/// The productivity diagnosis: `ρ(A)` with its certified bounds and, when the economy is not
/// productive, the groups of sectors responsible. `plenty check` prints it, and so does every
/// command whose solve is refused because the economy cannot deliver its final demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The estimate of `ρ(A)`. When a responsible group's own lower bound is at least 1, the
    /// economy's lower bound is raised to it (`ρ(A) ≥ ρ(block)`) and the verdict is certain.
    pub estimate: SpectralEstimate,
    /// The strongly connected groups with `ρ ≥ 1`, largest first (empty when productive).
    pub offending: Vec<OffendingComponent>,
}

impl Diagnosis {
    /// The diagnosis in words, one line each, naming sectors by `labels` (at most 12 per group).
    pub fn lines(&self, labels: &[String]) -> Vec<String> {
        let e = &self.estimate;
        let mut out = vec![format!(
            "ρ(A) = {:.6} (certain bounds [{:.6}, {:.6}], {} iterations): {}{}",
            e.rho,
            e.lower,
            e.upper,
            e.iterations,
            e.productivity,
            if e.certified {
                ""
            } else {
                " (by the estimate; the bounds straddle 1)"
            }
        )];
        for c in &self.offending {
            out.push(format!(
                "not productive: the cycle among {} has ρ = {:.6} ≥ 1{}",
                name_list(labels, &c.sectors, 12),
                c.rho,
                if c.lower >= 1.0 {
                    format!(" (certain: its own lower bound is {:.6})", c.lower)
                } else {
                    " (by the estimate)".to_string()
                }
            ));
        }
        out
    }
}

/// `a, b, c … and k more`: at most `max` labels of the given indices.
pub fn name_list(labels: &[String], idx: &[usize], max: usize) -> String {
    let mut s: Vec<String> = idx
        .iter()
        .take(max)
        .map(|&k| labels.get(k).cloned().unwrap_or_else(|| format!("#{k}")))
        .collect();
    if idx.len() > max {
        s.push(format!("… and {} more", idx.len() - max));
    }
    s.join(", ")
}

/// The full diagnosis of `A`: the estimate of `ρ(A)`, and the responsible groups when it is
/// at least 1.
pub fn diagnose(a: &TechnicalCoefficients, settings: &SpectralSettings) -> Diagnosis {
    diagnose_with(
        a.n(),
        settings,
        |x, y| a.mul_vec(x, y),
        || match a {
            TechnicalCoefficients::Sparse(s) => std::borrow::Cow::Borrowed(s),
            TechnicalCoefficients::Dense(d) => std::borrow::Cow::Owned(d.to_csr()),
        },
    )
}

/// [`diagnose`] for a matrix known only by its product and, when needed, its compressed rows.
pub(crate) fn diagnose_with<'m>(
    n: usize,
    settings: &SpectralSettings,
    mul: impl Fn(&[f64], &mut [f64]),
    csr: impl FnOnce() -> std::borrow::Cow<'m, CsrMatrix>,
) -> Diagnosis {
    let mut estimate = power_iteration(n, settings, PowerStart::Ones, mul);
    let offending = if estimate.productivity == Productivity::NotProductive {
        offending_in(&csr(), settings)
    } else {
        Vec::new()
    };
    // ρ(A) ≥ ρ(block) ≥ the block's own lower bound: a group that is certainly unproductive
    // makes the whole verdict certain, so the two lines never disagree about certainty.
    if let Some(best) = offending.iter().map(|c| c.lower).reduce(f64::max) {
        if best > estimate.lower {
            estimate.lower = best;
            estimate.rho = estimate.rho.max(best);
        }
        if estimate.lower >= 1.0 {
            estimate.certified = true;
            estimate.productivity = Productivity::NotProductive;
        }
    }
    Diagnosis {
        estimate,
        offending,
    }
}

/// The groups of sectors responsible for `ρ(A) ≥ 1`: every strongly connected component whose
/// own block has spectral radius at least `1 −` [`BOUNDARY`], largest `ρ` first.
pub fn offending_components(
    a: &TechnicalCoefficients,
    settings: &SpectralSettings,
) -> Vec<OffendingComponent> {
    offending_in(&a.to_csr(), settings)
}

fn offending_in(csr: &CsrMatrix, settings: &SpectralSettings) -> Vec<OffendingComponent> {
    let mut out = Vec::new();
    for comp in strongly_connected_components(csr) {
        let m = comp.len();
        let self_loop = m == 1 && csr.row(comp[0]).any(|(c, v)| c == comp[0] && v > 0.0);
        if m == 1 && !self_loop {
            continue;
        }
        let mut local = vec![usize::MAX; csr.nrows()];
        for (k, &s) in comp.iter().enumerate() {
            local[s] = k;
        }
        let mut triplets = Vec::new();
        for (k, &s) in comp.iter().enumerate() {
            for (c, v) in csr.row(s) {
                if local[c] != usize::MAX {
                    triplets.push((k as u32, local[c] as u32, v));
                }
            }
        }
        let block = CsrMatrix::try_from_triplets(m, m, triplets).expect("sub-block is valid");
        let est = power_iteration(m, settings, PowerStart::Ones, |x, y| block.mul_vec(x, y));
        if est.rho >= 1.0 - BOUNDARY {
            out.push(OffendingComponent {
                sectors: comp,
                rho: est.rho,
                lower: est.lower,
            });
        }
    }
    out.sort_by(|a, b| b.rho.total_cmp(&a.rho));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::DenseMatrix;

    #[test]
    fn two_by_two_radius_is_exact() {
        // eigenvalues of [[0.2,0.3],[0.4,0.1]]: 0.15 ± sqrt(0.0025 + 0.12) → 0.5
        let a = TechnicalCoefficients::dense(
            DenseMatrix::try_from_row_major(2, 2, vec![0.2, 0.3, 0.4, 0.1]).unwrap(),
        )
        .unwrap();
        let e = spectral_radius(&a, &SpectralSettings::default());
        assert!((e.rho - 0.5).abs() < 1e-9, "{e:?}");
        assert!(e.certified);
        assert_eq!(e.productivity, Productivity::Productive);
    }

    #[test]
    fn periodic_and_reducible_economies() {
        // A pure 2-cycle (periodic): eigenvalues ±sqrt(0.6·0.5).
        let a = TechnicalCoefficients::dense(
            DenseMatrix::try_from_row_major(
                3,
                3,
                vec![0.0, 0.6, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.2],
            )
            .unwrap(),
        )
        .unwrap();
        let e = spectral_radius(&a, &SpectralSettings::default());
        assert!((e.rho - 0.3f64.sqrt()).abs() < 1e-8, "{e:?}");
    }

    #[test]
    fn the_offending_cycle_is_named() {
        // Sectors 1 and 2 form a cycle with ρ = sqrt(1.2·0.9) > 1; sector 0 is fine.
        let a = TechnicalCoefficients::dense(
            DenseMatrix::try_from_row_major(
                3,
                3,
                vec![0.1, 0.2, 0.0, 0.0, 0.0, 1.2, 0.0, 0.9, 0.0],
            )
            .unwrap(),
        )
        .unwrap();
        let e = spectral_radius(&a, &SpectralSettings::default());
        assert_eq!(e.productivity, Productivity::NotProductive);
        let bad = offending_components(&a, &SpectralSettings::default());
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].sectors, vec![1, 2]);
        assert!((bad[0].rho - 1.08f64.sqrt()).abs() < 1e-8);
    }
}
