//! Whether the answers of a Leontief solve may be reported: the economy is productive, every
//! solve converged, and no entry has a sign that theory forbids.
//!
//! For `A ≥ 0` the economy is productive (`ρ(A) < 1`) exactly when `(I − A)⁻¹` exists and is
//! non-negative. A solve of an unproductive economy can still return finite numbers (a dense LU
//! does), and they are garbage: negative labour values, multipliers below zero. So no answer is
//! reported before productivity is settled, at the least cost that settles it:
//!
//! 1. **From the answer itself.** If `y > 0` solves `(I − A) y = b` with `b > 0`, then
//!    `A y = y − b < y`, and the Collatz–Wielandt bound gives
//!
//!    ```text
//!      ρ(A) ≤ max_i (A y)_i / y_i < 1.
//!    ```
//!
//!    One product with `A` (or `Aᵀ` for values, since `ρ(Aᵀ) = ρ(A)`) checks it, with a margin
//!    for the rounding of that product (`n + 2` units in the last place; every term is
//!    non-negative, so the computed bound is within that factor of the exact one).
//! 2. **Collatz–Wielandt bounds** of a power iteration started from the answer, which stops as
//!    soon as the bounds certify the verdict. A right-hand side with zeros (sectors without final
//!    demand or without labour) makes step 1 end at exactly 1, and a few products settle it.
//! 3. **The full estimate**, only when those bounds straddle 1; the verdict then rests on the
//!    estimate, and says so.
//!
//! When the economy is not productive, the answer is refused with the same diagnosis as
//! `plenty check`: `ρ(A)` with its bounds and the strongly connected sectors responsible.
//!
//! Signs: for a productive economy and `b ≥ 0`, `(I − A)⁻¹ b ≥ b ≥ 0`. An entry below
//! `−10 · max(tolerance, 10⁻¹²) · ‖y‖∞` cannot be rounding; the answer is refused.

use crate::dist::Space;
use crate::iterative::Side;
use crate::kernels;
use crate::solve::{LeontiefSolver, SolveReport, Solved};
use crate::spectral::{
    diagnose_with, name_list, power_iteration_in, Diagnosis, PowerStart, Productivity,
    SpectralEstimate, SpectralSettings,
};
use serde::{Deserialize, Serialize};

/// One answer of a Leontief solve, to be vouched for before it is reported.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// What it is, in the economy's words: `"labour values"`, `"gross output"`.
    pub what: &'a str,
    /// Which system it solves.
    pub side: Side,
    /// The right-hand side `b`.
    pub rhs: RightHandSide<'a>,
    /// The solution `y`.
    pub x: &'a [f64],
    /// How it was obtained.
    pub report: &'a SolveReport,
}

/// The right-hand side of an answer's system.
#[derive(Debug, Clone, Copy)]
pub enum RightHandSide<'a> {
    /// A vector `b`.
    Vector(&'a [f64]),
    /// The unit vector `e_j` (a column of the inverse), without storing it.
    Unit(usize),
}

impl RightHandSide<'_> {
    pub(crate) fn all_positive(&self) -> bool {
        match self {
            RightHandSide::Vector(b) => b.iter().all(|&v| v > 0.0),
            RightHandSide::Unit(_) => false,
        }
    }

    pub(crate) fn non_negative(&self) -> bool {
        match self {
            RightHandSide::Vector(b) => b.iter().all(|&v| v >= 0.0),
            RightHandSide::Unit(_) => true,
        }
    }
}

impl<'a> Answer<'a> {
    /// The answer of a solve with right-hand side `rhs`.
    pub fn of(what: &'a str, side: Side, rhs: &'a [f64], solved: &'a Solved) -> Self {
        Self {
            what,
            side,
            rhs: RightHandSide::Vector(rhs),
            x: &solved.x,
            report: &solved.report,
        }
    }

    /// Column `j` of `(I − A)⁻¹`, the solution of `(I − A) y = e_j`.
    pub fn inverse_column(what: &'a str, j: usize, solved: &'a Solved) -> Self {
        Self {
            what,
            side: Side::Output,
            rhs: RightHandSide::Unit(j),
            x: &solved.x,
            report: &solved.report,
        }
    }
}

/// How productivity was established.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum ProductivityProof {
    /// An answer `y > 0` with `max_i (M y)_i / y_i < 1` (`M = A` or `Aᵀ`): the bound, with the
    /// rounding margin, is at least `ρ(A)`.
    Solution {
        /// The answer that proved it.
        answer: String,
        /// The Collatz–Wielandt upper bound on `ρ(A)`.
        upper_bound: f64,
    },
    /// Collatz–Wielandt bounds of a power iteration started from an answer.
    Bounds {
        /// The upper bound on `ρ(A)`.
        upper_bound: f64,
        /// Products with `A` used.
        iterations: usize,
    },
    /// The full estimate of `ρ(A)` (its `certified` field says whether the bounds alone give
    /// the verdict, or only the estimate).
    Estimate(SpectralEstimate),
}

impl ProductivityProof {
    /// The proof in one line.
    pub fn describe(&self) -> String {
        match self {
            ProductivityProof::Solution {
                answer,
                upper_bound,
            } => format!("productive: ρ(A) ≤ {upper_bound:.6}, certified by the {answer} (Collatz–Wielandt)"),
            ProductivityProof::Bounds {
                upper_bound,
                iterations,
            } => format!(
                "productive: ρ(A) ≤ {upper_bound:.6}, certified by Collatz–Wielandt bounds after {iterations} products"
            ),
            ProductivityProof::Estimate(e) if e.certified => format!(
                "productive: ρ(A) = {:.6}, certified bounds [{:.6}, {:.6}]",
                e.rho, e.lower, e.upper
            ),
            ProductivityProof::Estimate(e) => format!(
                "productive by the estimate only: ρ(A) = {:.6}, but the bounds [{:.6}, {:.6}] straddle 1",
                e.rho, e.lower, e.upper
            ),
        }
    }
}

/// The first line of a refusal for an unproductive economy.
const NOT_PRODUCTIVE: &str = "the economy is not productive (ρ(A) ≥ 1): no non-negative gross output delivers its final demand, so no labour value, multiplier or output can be reported";

/// Why answers are refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// `ρ(A) ≥ 1`: no non-negative output delivers every final demand.
    NotProductive(Diagnosis),
    /// `ρ(A) ≥ 1`, found by the power iteration across ranks. The groups of sectors
    /// responsible (strongly connected components of the whole matrix) are found on one
    /// process: `plenty check`.
    NotProductiveAcrossRanks(SpectralEstimate),
    /// The economy is productive, but a solve did not reach its tolerance.
    NotConverged {
        /// The answer.
        what: String,
        /// Its report.
        report: SolveReport,
    },
    /// The economy is productive and the right-hand side non-negative, yet an entry is negative
    /// beyond rounding: the solve is not accurate enough to report.
    ForbiddenSign {
        /// The answer.
        what: String,
        /// The most negative entry.
        index: usize,
        /// Its value.
        value: f64,
        /// `‖y‖∞`, for scale.
        scale: f64,
    },
}

impl Refusal {
    /// The refusal in words, naming products by `labels`.
    pub fn lines(&self, labels: &[String]) -> Vec<String> {
        match self {
            Refusal::NotProductive(d) => {
                let mut v = vec![NOT_PRODUCTIVE.to_string()];
                v.extend(d.lines(labels));
                if d.offending.is_empty() {
                    v.push("no single group of sectors has ρ ≥ 1 on its own; check the coefficients with the largest column sums".into());
                }
                v
            }
            Refusal::NotProductiveAcrossRanks(estimate) => {
                let diagnosis = Diagnosis {
                    estimate: estimate.clone(),
                    offending: Vec::new(),
                };
                let mut v = vec![NOT_PRODUCTIVE.to_string()];
                v.extend(diagnosis.lines(labels));
                v.push("the groups of sectors responsible need the whole matrix on one process: run `plenty check` on the economy".into());
                v
            }
            Refusal::NotConverged { what, report } => vec![format!(
                "{what}: the {} solve {} after {} iterations (relative residual {:.3e}), although the economy is productive; try --method dense-lu, or raise --max-iterations",
                report.method, report.status, report.iterations, report.relative_residual
            )],
            Refusal::ForbiddenSign {
                what,
                index,
                value,
                scale,
            } => vec![format!(
                "{what}: the entry for {} is {value:.6e} (largest magnitude {scale:.6e}), but a productive economy with non-negative inputs cannot give a negative one; the solve is not accurate enough: try --method dense-lu or a smaller --tolerance",
                name_list(labels, &[*index], 1)
            )],
        }
    }
}

impl LeontiefSolver<'_> {
    /// Vouches for answers of this solver: productivity first (so that an unproductive
    /// economy is named as such, not as a solve that failed), then convergence, then signs.
    pub fn vouch(
        &self,
        answers: &[Answer<'_>],
        spectral: &SpectralSettings,
    ) -> Result<ProductivityProof, Refusal> {
        let proof = self.productivity(answers, spectral)?;
        for a in answers {
            if !a.report.status.is_converged() {
                return Err(Refusal::NotConverged {
                    what: a.what.to_string(),
                    report: a.report.clone(),
                });
            }
        }
        for a in answers {
            self.check_signs(a)?;
        }
        Ok(proof)
    }

    fn productivity(
        &self,
        answers: &[Answer<'_>],
        spectral: &SpectralSettings,
    ) -> Result<ProductivityProof, Refusal> {
        // 1. An answer with b > 0 and y > 0 certifies by itself.
        for a in answers {
            if !a.rhs.all_positive() {
                continue;
            }
            if let Some(upper_bound) = self.solution_bound(a.side, a.x) {
                if upper_bound < 1.0 {
                    return Ok(ProductivityProof::Solution {
                        answer: a.what.to_string(),
                        upper_bound,
                    });
                }
            }
        }
        // 2 and 3. Power iteration from the most positive answer, stopping when certain.
        let op = self.operator();
        let n = self.n();
        let estimate = power_estimate(
            &Space::single(n),
            answers,
            spectral,
            |x, y| op.mul(x, y),
            |x, y| op.mul_transpose(x, y),
        );
        if estimate.productivity == Productivity::NotProductive {
            let diagnosis =
                diagnose_with(n, spectral, |x, y| op.mul(x, y), || self.coefficients_csr());
            // The full diagnosis may still call a borderline case productive by its estimate;
            // its verdict is the one both `check` and this refusal report.
            if diagnosis.estimate.productivity == Productivity::NotProductive {
                return Err(Refusal::NotProductive(diagnosis));
            }
            return Ok(ProductivityProof::Estimate(diagnosis.estimate));
        }
        Ok(ProductivityProof::of_estimate(estimate))
    }

    /// `max_i (M y)_i / y_i`, enlarged by the rounding margin, when `y > 0`.
    fn solution_bound(&self, side: Side, y: &[f64]) -> Option<f64> {
        if !y.iter().all(|&v| v > 0.0 && v.is_finite()) {
            return None;
        }
        let n = y.len();
        let mut my = vec![0.0; n];
        match side {
            Side::Output => self.operator().mul(y, &mut my),
            Side::Values => self.operator().mul_transpose(y, &mut my),
        }
        Some(with_rounding_margin(ratio_max(&my, y), n))
    }

    fn check_signs(&self, a: &Answer<'_>) -> Result<(), Refusal> {
        if !a.rhs.non_negative() {
            return Ok(());
        }
        let y = a.x;
        let scale = kernels::norm_inf(y);
        let worst = (0..y.len()).min_by(|&i, &j| y[i].total_cmp(&y[j]));
        match worst {
            Some(index) if y[index] < sign_floor(self.settings().tolerance, scale) => {
                Err(Refusal::ForbiddenSign {
                    what: a.what.to_string(),
                    index,
                    value: y[index],
                    scale,
                })
            }
            _ => Ok(()),
        }
    }
}

/// `max_i (M y)_i / y_i` over the entries given (`my = M y`), before the rounding margin.
pub(crate) fn ratio_max(my: &[f64], y: &[f64]) -> f64 {
    my.iter().zip(y).map(|(m, y)| m / y).fold(0.0f64, f64::max)
}

/// The Collatz–Wielandt bound `hi`, computed from products of `n` non-negative terms, raised by
/// their rounding margin (`n + 2` units in the last place) so that it bounds the exact one.
pub(crate) fn with_rounding_margin(hi: f64, n: usize) -> f64 {
    hi * (1.0 + (n as f64 + 2.0) * f64::EPSILON)
}

/// The most negative entry a solve at `tolerance` may leave in an answer of largest magnitude
/// `scale` when theory says it is non-negative: below it, it cannot be rounding.
pub(crate) fn sign_floor(tolerance: f64, scale: f64) -> f64 {
    -10.0 * tolerance.max(1e-12) * scale
}

/// Steps 2 and 3 of the proof when no answer certifies by itself: the power iteration from the
/// first answer with a positive start (near the Perron vector's cone, so it certifies in a few
/// products), or from the all-ones vector, on this rank's part of the vectors. `mul` is `A·x`,
/// `mul_transpose` is `Aᵀ·x` (an answer for labour values starts an iteration on `Aᵀ`, since
/// `ρ(Aᵀ) = ρ(A)`).
pub(crate) fn power_estimate(
    space: &Space<'_>,
    answers: &[Answer<'_>],
    spectral: &SpectralSettings,
    mul: impl Fn(&[f64], &mut [f64]),
    mul_transpose: impl Fn(&[f64], &mut [f64]),
) -> SpectralEstimate {
    let start = answers
        .iter()
        .find_map(|a| positive_start(space, a.x).map(|s| (a.side, s)));
    match &start {
        Some((Side::Output, s)) => {
            power_iteration_in(space, spectral, PowerStart::UntilCertain(s), mul)
        }
        Some((Side::Values, s)) => {
            power_iteration_in(space, spectral, PowerStart::UntilCertain(s), mul_transpose)
        }
        None => power_iteration_in(space, spectral, PowerStart::Ones, mul),
    }
}

impl ProductivityProof {
    /// The proof a productive estimate gives: its bounds when they certified before the
    /// estimate converged, else the estimate itself.
    pub(crate) fn of_estimate(estimate: SpectralEstimate) -> Self {
        if estimate.certified && !estimate.converged {
            ProductivityProof::Bounds {
                upper_bound: estimate.upper,
                iterations: estimate.iterations,
            }
        } else {
            ProductivityProof::Estimate(estimate)
        }
    }
}

/// A strictly positive start for the power iteration near `y` (this rank's part): entries
/// below `10⁻⁶ ‖y‖∞` (over all ranks) are raised to it (the Collatz–Wielandt bounds need every
/// entry positive). `None` when `y` has no positive entry or is not finite, on any rank.
fn positive_start(space: &Space<'_>, y: &[f64]) -> Option<Vec<f64>> {
    let finite = y.iter().all(|v| v.is_finite());
    let top = y.iter().fold(0.0f64, |m, &v| m.max(v));
    let [not_finite, top] = space.max([if finite { 0.0 } else { 1.0 }, top]);
    if not_finite > 0.0 || top <= 0.0 {
        return None;
    }
    let floor = 1e-6 * top;
    Some(y.iter().map(|&v| v.max(floor)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{DenseMatrix, TechnicalCoefficients};
    use crate::solve::{Method, SolverSettings};

    fn economy(rows: usize, values: Vec<f64>) -> TechnicalCoefficients {
        TechnicalCoefficients::dense(DenseMatrix::try_from_row_major(rows, rows, values).unwrap())
            .unwrap()
    }

    fn vouch_values(
        a: &TechnicalCoefficients,
        l: &[f64],
        method: Method,
    ) -> Result<ProductivityProof, Refusal> {
        let s = LeontiefSolver::new(
            a,
            SolverSettings {
                method,
                ..Default::default()
            },
        )
        .unwrap();
        let v = s.solve_values(l).unwrap();
        s.vouch(
            &[Answer::of("labour values", Side::Values, l, &v)],
            &SpectralSettings::default(),
        )
    }

    #[test]
    fn a_positive_answer_certifies_productivity_by_itself() {
        let a = economy(2, vec![0.2, 0.3, 0.4, 0.1]);
        let proof = vouch_values(&a, &[1.0, 2.0], Method::DenseLu).unwrap();
        match proof {
            ProductivityProof::Solution { upper_bound, .. } => {
                // ρ = 0.5 ≤ the bound < 1
                assert!((0.5..1.0).contains(&upper_bound), "{upper_bound}");
            }
            p => panic!("{p:?}"),
        }
    }

    #[test]
    fn zeros_in_the_right_hand_side_fall_back_to_the_bounds() {
        // Sector 1 has no labour of its own; the answer alone gives a bound of exactly 1.
        let a = economy(3, vec![0.1, 0.3, 0.0, 0.2, 0.0, 0.4, 0.0, 0.25, 0.1]);
        let proof = vouch_values(&a, &[1.0, 0.0, 2.0], Method::DenseLu).unwrap();
        match proof {
            ProductivityProof::Bounds {
                upper_bound,
                iterations,
            } => {
                assert!(upper_bound < 1.0);
                assert!(iterations < 20, "{iterations}");
            }
            p => panic!("{p:?}"),
        }
    }

    #[test]
    fn issue_10_a_negative_entry_beyond_rounding_is_refused() {
        let a = economy(2, vec![0.2, 0.3, 0.4, 0.1]);
        let s = LeontiefSolver::new(&a, SolverSettings::default()).unwrap();
        let d = [1.0, 0.0];
        let mut x = s.solve_output(&d).unwrap();
        // Rounding-sized negatives pass; a real one is refused, naming the product.
        x.x[1] = -1e-14;
        let spectral = SpectralSettings::default();
        assert!(s
            .vouch(
                &[Answer::of("gross output", Side::Output, &d, &x)],
                &spectral
            )
            .is_ok());
        x.x[1] = -0.01;
        match s.vouch(
            &[Answer::of("gross output", Side::Output, &d, &x)],
            &spectral,
        ) {
            Err(r @ Refusal::ForbiddenSign { index: 1, .. }) => {
                let text = r.lines(&["grain".into(), "tools".into()]).join(" ");
                assert!(
                    text.contains("gross output: the entry for tools is -1.0"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
        // With a demand that has a negative entry (competitive imports), no sign is implied.
        let d = [1.0, -0.5];
        let x = s.solve_output(&d).unwrap();
        assert!(s
            .vouch(
                &[Answer::of("gross output", Side::Output, &d, &x)],
                &spectral
            )
            .is_ok());
    }

    #[test]
    fn issue_10_an_unconverged_solve_of_a_productive_economy_is_refused() {
        let a = economy(2, vec![0.2, 0.3, 0.4, 0.1]);
        let s = LeontiefSolver::new(
            &a,
            SolverSettings {
                method: Method::Jacobi,
                max_iterations: 2,
                ..Default::default()
            },
        )
        .unwrap();
        let d = [1.0, 1.0];
        let x = s.solve_output(&d).unwrap();
        match s.vouch(
            &[Answer::of("gross output", Side::Output, &d, &x)],
            &SpectralSettings::default(),
        ) {
            Err(Refusal::NotConverged { what, .. }) => assert_eq!(what, "gross output"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unproductive_economy_is_refused_with_its_cycle() {
        // ρ = sqrt(1.2 · 0.9) > 1 on sectors 1 and 2; the LU still returns finite numbers.
        let a = economy(3, vec![0.1, 0.2, 0.0, 0.0, 0.0, 1.2, 0.0, 0.9, 0.0]);
        for method in [Method::DenseLu, Method::BiCgStab, Method::Jacobi] {
            match vouch_values(&a, &[1.0, 1.0, 1.0], method) {
                Err(Refusal::NotProductive(d)) => {
                    assert!(d.estimate.certified, "{method}: {d:?}");
                    assert_eq!(d.offending.len(), 1);
                    assert_eq!(d.offending[0].sectors, vec![1, 2]);
                }
                other => panic!("{method}: {other:?}"),
            }
        }
    }
}
