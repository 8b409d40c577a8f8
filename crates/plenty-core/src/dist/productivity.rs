//! Vouching for the answers of a solve across ranks, as one process does
//! ([`crate::productivity`]): productivity first, then convergence, then signs.
//!
//! 1. If `y > 0` solves `(I − A) y = b` with `b > 0`, then `A y = y − b < y` and the
//!    Collatz–Wielandt bound gives `ρ(A) ≤ max_i (A y)_i / y_i < 1` (with `Aᵀ` for labour
//!    values, since `ρ(Aᵀ) = ρ(A)`). One distributed product and one reduction of the ratios'
//!    maximum check it, with the same rounding margin as one process (every term is
//!    non-negative, whatever order a rank adds them in).
//! 2. Otherwise (a right-hand side with zeros), the power iteration of one process runs on the
//!    ranks' parts, from the first answer with a positive start: its bounds, sums and
//!    normalisation are reductions across ranks, so every rank reaches the same verdict.
//! 3. An unproductive verdict is refused with the estimate; the groups of sectors responsible
//!    (strongly connected components of the whole matrix) are left to `plenty check` on one
//!    process.

use super::{DistMatrix, Space};
use crate::iterative::{LinearOperator, Side};
use crate::productivity::{
    power_estimate, ratio_max, sign_floor, with_rounding_margin, Answer, ProductivityProof, Refusal,
};
use crate::spectral::{Productivity, SpectralSettings};

/// Vouches for answers whose `rhs` and `x` are this rank's parts: the proof of productivity,
/// or a refusal when the economy is not productive, a solve did not converge or an entry is
/// negative beyond rounding. Collective; every rank gets the same verdict.
pub fn vouch(
    a: &DistMatrix<'_>,
    space: &Space<'_>,
    answers: &[Answer<'_>],
    spectral: &SpectralSettings,
    tolerance: f64,
) -> Result<ProductivityProof, Refusal> {
    let proof = productivity(a, space, answers, spectral)?;
    for ans in answers {
        if !ans.report.status.is_converged() {
            return Err(Refusal::NotConverged {
                what: ans.what.to_string(),
                report: ans.report.clone(),
            });
        }
    }
    for ans in answers {
        check_signs(a, space, ans, tolerance)?;
    }
    Ok(proof)
}

/// Steps 1 to 3 of the module's proof.
fn productivity(
    a: &DistMatrix<'_>,
    space: &Space<'_>,
    answers: &[Answer<'_>],
    spectral: &SpectralSettings,
) -> Result<ProductivityProof, Refusal> {
    for ans in answers {
        if let Some(upper_bound) = solution_bound(a, space, ans) {
            if upper_bound < 1.0 {
                return Ok(ProductivityProof::Solution {
                    answer: ans.what.to_string(),
                    upper_bound,
                });
            }
        }
    }
    let estimate = power_estimate(
        space,
        answers,
        spectral,
        |x, y| a.mul(x, y),
        |x, y| a.mul_transpose(x, y),
    );
    if estimate.productivity == Productivity::NotProductive {
        return Err(Refusal::NotProductiveAcrossRanks(estimate));
    }
    Ok(ProductivityProof::of_estimate(estimate))
}

/// `max_i (M y)_i / y_i` with its rounding margin, when `b > 0` and `y > 0` on every rank.
fn solution_bound(a: &DistMatrix<'_>, space: &Space<'_>, ans: &Answer<'_>) -> Option<f64> {
    let y = ans.x;
    let fit = ans.rhs.all_positive() && y.iter().all(|&v| v > 0.0 && v.is_finite());
    if space.any(!fit) {
        return None;
    }
    let mut my = vec![0.0; y.len()];
    match ans.side {
        Side::Output => a.mul(y, &mut my),
        Side::Values => a.mul_transpose(y, &mut my),
    }
    let [hi] = space.max([ratio_max(&my, y)]);
    Some(with_rounding_margin(hi, a.layout().n()))
}

/// Refuses an answer with a non-negative right-hand side (on every rank) whose most negative
/// entry, anywhere, is below the rounding floor.
fn check_signs(
    a: &DistMatrix<'_>,
    space: &Space<'_>,
    ans: &Answer<'_>,
    tolerance: f64,
) -> Result<(), Refusal> {
    if space.any(!ans.rhs.non_negative()) {
        return Ok(());
    }
    let y = ans.x;
    let local_scale = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = (0..y.len()).min_by(|&i, &j| y[i].total_cmp(&y[j]));
    let local_low = worst.map_or(f64::INFINITY, |k| y[k]);
    // The lowest entry anywhere: the largest negation; ties go to the lowest index.
    let [scale, neg_low] = space.max([local_scale, -local_low]);
    let floor = sign_floor(tolerance, scale);
    let mine = worst.filter(|&k| y[k] == -neg_low && y[k] < floor);
    let index = mine.map_or(f64::INFINITY, |k| (a.first() + k) as f64);
    let [neg_index] = space.max([-index]);
    if -neg_low < floor && neg_index.is_finite() {
        return Err(Refusal::ForbiddenSign {
            what: ans.what.to_string(),
            index: (-neg_index) as usize,
            value: -neg_low,
            scale,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::comm::Communicator;
    use crate::dist::{solve_leontief, Layout, LocalRanks};
    use crate::matrix::{CsrMatrix, TechnicalCoefficients};
    use crate::solve::{LeontiefSolver, Method, SolverSettings};
    use crate::spectral::SpectralSettings;

    /// Solves both systems of `a` on `ranks` ranks and vouches for the answers.
    fn vouch_on(
        ranks: usize,
        granule: usize,
        a: &CsrMatrix,
        d: &[f64],
        l: &[f64],
    ) -> Vec<Result<ProductivityProof, Refusal>> {
        let layout = Layout::contiguous(a.nrows(), ranks, granule);
        let tc = TechnicalCoefficients::sparse(a.clone()).unwrap();
        let settings = SolverSettings {
            method: Method::BiCgStab,
            ..Default::default()
        };
        LocalRanks::run(ranks, |c| {
            let range = layout.range(c.rank());
            let rows = crate::dist::values::rows_of(&tc, range.clone());
            let m = DistMatrix::from_triplets(c, &layout, rows).unwrap();
            let space = Space::new(&layout, c);
            let (d, l) = (&d[range.clone()], &l[range]);
            let (s, _) = solve_leontief(
                &m,
                &space,
                &[(Side::Output, d), (Side::Values, l)],
                &settings,
            )
            .unwrap();
            let answers = [
                Answer::of("gross output", Side::Output, d, &s[0]),
                Answer::of("labour values", Side::Values, l, &s[1]),
            ];
            vouch(
                &m,
                &space,
                &answers,
                &SpectralSettings::default(),
                settings.tolerance,
            )
        })
    }

    #[test]
    fn issue_18_the_answers_prove_productivity_across_ranks_with_the_bound_of_one_process() {
        let e = crate::dist::tests::local_economy_70k();
        assert!(e.demand.iter().all(|&v| v > 0.0));
        let tc = TechnicalCoefficients::sparse(e.a.clone()).unwrap();
        let solver = LeontiefSolver::new(
            &tc,
            SolverSettings {
                method: Method::BiCgStab,
                ..Default::default()
            },
        )
        .unwrap();
        let (x, v) = solver.solve_both(&e.demand, &e.labour).unwrap();
        let one = solver
            .vouch(
                &[
                    Answer::of("gross output", Side::Output, &e.demand, &x),
                    Answer::of("labour values", Side::Values, &e.labour, &v),
                ],
                &SpectralSettings::default(),
            )
            .unwrap();
        assert!(matches!(one, ProductivityProof::Solution { .. }), "{one:?}");
        for ranks in [1, 2, 4] {
            let verdicts = vouch_on(ranks, crate::kernels::CHUNK, &e.a, &e.demand, &e.labour);
            for got in verdicts {
                // The default granule gives the bits of one process: the same bound.
                assert_eq!(got, Ok(one.clone()), "{ranks} ranks");
            }
        }
    }

    /// One process's verdict on the same answers.
    fn vouch_one(a: &CsrMatrix, d: &[f64], l: &[f64]) -> Result<ProductivityProof, Refusal> {
        let tc = TechnicalCoefficients::sparse(a.clone()).unwrap();
        let settings = SolverSettings {
            method: Method::BiCgStab,
            ..Default::default()
        };
        let solver = LeontiefSolver::new(&tc, settings).unwrap();
        let (x, v) = solver.solve_both(d, l).unwrap();
        solver.vouch(
            &[
                Answer::of("gross output", Side::Output, d, &x),
                Answer::of("labour values", Side::Values, l, &v),
            ],
            &SpectralSettings::default(),
        )
    }

    #[test]
    fn issue_18_across_ranks_an_unproductive_economy_is_refused_and_zeros_go_to_the_power_iteration(
    ) {
        // ρ(A) = 1.5 in the first block: (I − A)⁻¹ d is negative, and the solve still converges
        // to it; the power iteration names the economy unproductive before the signs are read.
        // (With 0.5 in the second block, r̂ · (I − A) r̂ = 0 at the start: BiCGSTAB's own
        // breakdown.)
        let a = CsrMatrix::try_from_triplets(
            4,
            4,
            vec![(0, 1, 1.5), (1, 0, 1.5), (2, 3, 0.25), (3, 2, 0.25)],
        )
        .unwrap();
        let ones = [1.0; 4];
        match vouch_one(&a, &ones, &ones) {
            Err(Refusal::NotProductive(d)) => assert_eq!(d.offending[0].sectors, vec![0, 1]),
            other => panic!("one process: {other:?}"),
        }
        for got in vouch_on(2, 1, &a, &ones, &ones) {
            match got {
                Err(Refusal::NotProductiveAcrossRanks(e)) => {
                    // Reducible: the other block keeps the lower bound at 0.25 across ranks
                    // (one process raises it with the block's own bound), so the verdict is
                    // the converged estimate's.
                    assert_eq!(e.productivity, Productivity::NotProductive, "{e:?}");
                    assert!((e.rho - 1.5).abs() < 1e-6, "{e:?}");
                    let lines = Refusal::NotProductiveAcrossRanks(e).lines(&[]);
                    assert!(
                        lines.iter().any(|l| l.contains("plenty check")),
                        "{lines:?}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        // Productive, but no final demand or labour for product 3: no answer proves it by
        // itself, and the power iteration from the gross output does, as in one process.
        let a = CsrMatrix::try_from_triplets(4, 4, vec![(0, 1, 0.5), (2, 3, 0.25)]).unwrap();
        let zeros = [1.0, 1.0, 1.0, 0.0];
        let one = vouch_one(&a, &zeros, &zeros).unwrap();
        assert!(matches!(one, ProductivityProof::Bounds { .. }), "{one:?}");
        for ranks in [1, 2] {
            for got in vouch_on(ranks, 1, &a, &zeros, &zeros) {
                assert_eq!(got, Ok(one.clone()), "{ranks} ranks");
            }
        }
        // With positive right-hand sides an answer proves it, on 1 and 2 ranks alike.
        let (p1, p2) = (
            vouch_on(1, 1, &a, &ones, &ones),
            vouch_on(2, 1, &a, &ones, &ones),
        );
        assert!(matches!(p1[0], Ok(ProductivityProof::Solution { .. })));
        assert_eq!(p1[0], p2[1]);
    }
}
