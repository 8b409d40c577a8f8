//! Vouching for the answers of a solve across ranks: productivity from the answers themselves,
//! then convergence, then signs ([`crate::productivity`] for one process).
//!
//! If `y > 0` solves `(I − A) y = b` with `b > 0`, then `A y = y − b < y` and the
//! Collatz–Wielandt bound gives `ρ(A) ≤ max_i (A y)_i / y_i < 1` (with `Aᵀ` for labour values,
//! since `ρ(Aᵀ) = ρ(A)`). One distributed product and one reduction of the ratios' maximum
//! check it, with the same rounding margin as one process (every term is non-negative, whatever
//! order a rank adds them in). This is step 1 of the single-process proof. Its steps 2 and 3 (a
//! power iteration, the spectral estimate and the diagnosis of an unproductive economy) are not
//! run across ranks: when no answer certifies, the answers are reported unvouched, and the
//! report says to run `plenty check` on one process.

use super::{DistMatrix, Space};
use crate::iterative::{LinearOperator, Side};
use crate::productivity::{
    ratio_max, sign_floor, with_rounding_margin, Answer, ProductivityProof, Refusal, RightHandSide,
};

/// Vouches for answers whose `rhs` and `x` are this rank's parts: `Ok(Some(proof))` when an
/// answer with `b > 0` and `y > 0` proves `ρ(A) < 1`, `Ok(None)` when none does (productivity
/// is then not established), and a refusal when a solve did not converge or an entry is
/// negative beyond rounding. Collective; every rank gets the same verdict.
pub fn vouch(
    a: &DistMatrix<'_>,
    space: &Space<'_>,
    answers: &[Answer<'_>],
    tolerance: f64,
) -> Result<Option<ProductivityProof>, Refusal> {
    let mut proof = None;
    for ans in answers {
        if let Some(upper_bound) = solution_bound(a, space, ans) {
            if upper_bound < 1.0 {
                proof = Some(ProductivityProof::Solution {
                    answer: ans.what.to_string(),
                    upper_bound,
                });
                break;
            }
        }
    }
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

/// `max_i (M y)_i / y_i` with its rounding margin, when `b > 0` and `y > 0` on every rank.
fn solution_bound(a: &DistMatrix<'_>, space: &Space<'_>, ans: &Answer<'_>) -> Option<f64> {
    let RightHandSide::Vector(b) = ans.rhs else {
        return None;
    };
    let y = ans.x;
    let fit = b.iter().all(|&v| v > 0.0) && y.iter().all(|&v| v > 0.0 && v.is_finite());
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
    let non_negative = match ans.rhs {
        RightHandSide::Vector(b) => b.iter().all(|&v| v >= 0.0),
        RightHandSide::Unit(_) => true,
    };
    if space.any(!non_negative) {
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
    use crate::generate::{generate, GeneratorSettings, Structure};
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
    ) -> Vec<Result<Option<ProductivityProof>, Refusal>> {
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
            let answer = |what, side, rhs, k: usize| Answer {
                what,
                side,
                rhs: RightHandSide::Vector(rhs),
                x: &s[k].x,
                report: &s[k].report,
            };
            let answers = [
                answer("gross output", Side::Output, d, 0),
                answer("labour values", Side::Values, l, 1),
            ];
            vouch(&m, &space, &answers, settings.tolerance)
        })
    }

    #[test]
    fn issue_18_the_answers_prove_productivity_across_ranks_with_the_bound_of_one_process() {
        let e = generate(&GeneratorSettings {
            n: 70_000,
            k: 6,
            structure: Structure::Local,
            seed: 18,
            ..Default::default()
        })
        .unwrap();
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
                assert_eq!(got, Ok(Some(one.clone())), "{ranks} ranks");
            }
        }
    }

    #[test]
    fn issue_18_across_ranks_an_unproductive_economy_is_refused_and_zeros_leave_it_unproved() {
        // ρ(A) = 1.5: (I − A)⁻¹ d is negative, and the solve still converges to it. (With 0.5
        // in the second block, r̂ · (I − A) r̂ = 0 at the start: BiCGSTAB's own breakdown.)
        let a = CsrMatrix::try_from_triplets(
            4,
            4,
            vec![(0, 1, 1.5), (1, 0, 1.5), (2, 3, 0.25), (3, 2, 0.25)],
        )
        .unwrap();
        for got in vouch_on(2, 1, &a, &[1.0; 4], &[1.0; 4]) {
            match got {
                Err(Refusal::ForbiddenSign { index, value, .. }) => {
                    assert!(index < 2 && value < 0.0, "{index} {value}")
                }
                other => panic!("{other:?}"),
            }
        }
        // Productive, but no final demand or labour for product 3: nothing proves it here.
        let a = CsrMatrix::try_from_triplets(4, 4, vec![(0, 1, 0.5), (2, 3, 0.25)]).unwrap();
        let zeros = [1.0, 1.0, 1.0, 0.0];
        for got in vouch_on(2, 1, &a, &zeros, &zeros) {
            assert_eq!(got, Ok(None));
        }
        // With positive right-hand sides it is proved, on 1 and 2 ranks alike.
        let ones = [1.0; 4];
        let (p1, p2) = (
            vouch_on(1, 1, &a, &ones, &ones),
            vouch_on(2, 1, &a, &ones, &ones),
        );
        assert!(matches!(
            p1[0],
            Ok(Some(ProductivityProof::Solution { .. }))
        ));
        assert_eq!(p1[0], p2[1]);
    }
}
