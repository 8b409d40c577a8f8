//! The HiGHS backend: a small LP with known primal and dual, the sign convention of the duals
//! for both senses, the objective constant, infeasible and unbounded LPs, the iteration limit,
//! the netlib instances at their published optima, and agreement with plenty's PDLP on a
//! planning LP.

use plenty_core::generate::GeneratorSettings;
use plenty_core::lp::pdlp::{Pdlp, PdlpSettings};
use plenty_core::lp::synthetic::{planning_lp, PlanningLpSettings};
use plenty_core::lp::{certify, LinearProgram, LpBackend, LpSettings, LpStatus, Sense};
use plenty_core::CsrMatrix;
use plenty_highs::{Highs, HighsSettings, HighsSolver};
use plenty_io::mps::read_mps;
use std::path::PathBuf;

const INF: f64 = f64::INFINITY;

/// The known optimal objectives of the netlib instances (netlib's `readme`), as in
/// `plenty-io/tests/io/mps.rs`.
const NETLIB: [(&str, f64); 5] = [
    ("afiro", -464.7531428571),
    ("adlittle", 225494.96316),
    ("sc50a", -64.575077059),
    ("kb2", -1749.9001299),
    ("blend", -30.812149846),
];

fn netlib(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../plenty-io/tests/data/lp")
        .join(format!("{name}.mps"))
}

fn highs(solver: HighsSolver) -> Highs {
    Highs::new(HighsSettings {
        solver,
        ..Default::default()
    })
}

fn lp_settings(tolerance: f64) -> LpSettings {
    LpSettings {
        tolerance,
        ..Default::default()
    }
}

/// `sense 3x + 2y  s.t.  x + y ≤ 4, x + 3y ≤ row2, 0 ≤ x ≤ 3, y ≥ 0`, times `scale` in the
/// objective. The optimum is `(3, 1)` for `row2 ≥ 6`. With `row2 = 6` (plenty's
/// `small_example`) it is degenerate: both rows and the bound on `x` are active, and every `y`
/// on the segment `y₁ + 3y₂ = 2`, `y ≥ 0` is an optimal dual; with `row2 = 7` the dual `(2, 0)`
/// is unique.
fn small_with(sense: Sense, scale: f64, row2: f64) -> LinearProgram {
    let cols = CsrMatrix::try_from_triplets(
        2,
        2,
        vec![(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 3.0)],
    )
    .unwrap();
    LinearProgram::new(
        sense,
        vec![3.0 * scale, 2.0 * scale],
        vec![0.0, 0.0],
        vec![3.0, INF],
        vec![-INF; 2],
        vec![4.0, row2],
        cols,
        vec!["x".into(), "y".into()],
        vec!["r1".into(), "r2".into()],
    )
    .unwrap()
}

/// plenty's `small_example`: degenerate (see [`small_with`]).
fn small(sense: Sense, scale: f64) -> LinearProgram {
    small_with(sense, scale, 6.0)
}

/// The non-degenerate variant, whose dual is unique.
fn small_unique(sense: Sense, scale: f64) -> LinearProgram {
    small_with(sense, scale, 7.0)
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    plenty_test_support::all_close(a, b, tol, 0.0)
}

const ALL: [HighsSolver; 4] = [
    HighsSolver::Choose,
    HighsSolver::Simplex,
    HighsSolver::Ipm,
    HighsSolver::Pdlp,
];

/// The non-degenerate LP pins the sign convention: HiGHS's row duals are already plenty's (a
/// binding `≤` row of a maximisation has `y ≥ 0`), with no flip.
#[test]
fn the_small_lp_has_its_known_primal_and_dual() {
    for solver in ALL {
        let s = highs(solver)
            .solve(&small_unique(Sense::Maximize, 1.0), &lp_settings(1e-9))
            .unwrap();
        assert_eq!(s.status, LpStatus::Optimal, "{solver:?}");
        assert!(
            (s.objective - 11.0).abs() <= 1e-9,
            "{solver:?}: {}",
            s.objective
        );
        assert!(close(&s.x, &[3.0, 1.0], 1e-9), "{solver:?}: {:?}", s.x);
        assert!(close(&s.y, &[2.0, 0.0], 1e-9), "{solver:?}: {:?}", s.y);
        // c − Aᵀy: the column at its upper bound keeps a reduced cost of 1.
        assert!(close(&s.reduced_costs, &[1.0, 0.0], 1e-9), "{solver:?}");
        assert!(s.info.certificate.passes(1e-9), "{solver:?}: {:?}", s.info);
    }
    let method = |solver| {
        highs(solver)
            .solve(&small_unique(Sense::Maximize, 1.0), &lp_settings(1e-9))
            .unwrap()
            .info
            .method
    };
    assert_eq!(method(HighsSolver::Choose), "highs-simplex");
    assert_eq!(method(HighsSolver::Simplex), "highs-simplex");
    assert_eq!(method(HighsSolver::Ipm), "highs-ipm");
    assert_eq!(method(HighsSolver::Pdlp), "highs-pdlp");
}

/// plenty's degenerate `small_example`: the primal is `(3, 1)` and objective 11; `(2, 0)` is
/// one optimal dual among the segment `y₁ + 3y₂ = 2`, `y ≥ 0` (HiGHS's simplex returns the
/// other end, `(0, 2/3)`). Every method's dual lies on it and certifies to 1e-9.
#[test]
fn the_degenerate_small_lp_has_an_optimal_dual() {
    for solver in ALL {
        let s = highs(solver)
            .solve(&small(Sense::Maximize, 1.0), &lp_settings(1e-9))
            .unwrap();
        assert_eq!(s.status, LpStatus::Optimal, "{solver:?}");
        assert!(
            (s.objective - 11.0).abs() <= 1e-9,
            "{solver:?}: {}",
            s.objective
        );
        assert!(close(&s.x, &[3.0, 1.0], 1e-9), "{solver:?}: {:?}", s.x);
        let y = &s.y;
        assert!(
            y[0] >= -1e-9 && y[1] >= -1e-9 && (y[0] + 3.0 * y[1] - 2.0).abs() <= 1e-9,
            "{solver:?}: {y:?}"
        );
        assert!(s.info.certificate.passes(1e-9), "{solver:?}: {:?}", s.info);
    }
    // plenty's dual of reference certifies too.
    assert!(certify(&small(Sense::Maximize, 1.0), &[3.0, 1.0], &[2.0, 0.0]).passes(1e-12));
}

/// The same LPs as minimisations of `−3x − 2y`: the objective falls by 2 per unit of the first
/// row's bound, so its dual is −2.
#[test]
fn duals_follow_the_sense_of_a_minimisation() {
    for solver in ALL {
        let s = highs(solver)
            .solve(&small_unique(Sense::Minimize, -1.0), &lp_settings(1e-9))
            .unwrap();
        assert_eq!(s.status, LpStatus::Optimal, "{solver:?}");
        assert!((s.objective + 11.0).abs() <= 1e-9);
        assert!(close(&s.y, &[-2.0, 0.0], 1e-9), "{solver:?}: {:?}", s.y);
        assert!(close(&s.reduced_costs, &[-1.0, 0.0], 1e-9), "{solver:?}");
        let s = highs(solver)
            .solve(&small(Sense::Minimize, -1.0), &lp_settings(1e-9))
            .unwrap();
        assert_eq!(s.status, LpStatus::Optimal, "{solver:?}");
        let y = &s.y;
        assert!(
            y[0] <= 1e-9 && y[1] <= 1e-9 && (y[0] + 3.0 * y[1] + 2.0).abs() <= 1e-9,
            "{solver:?}: {y:?}"
        );
    }
}

#[test]
fn the_objective_constant_is_carried() {
    let mut lp = small(Sense::Maximize, 1.0);
    lp.offset = 5.0;
    let s = highs(HighsSolver::Simplex)
        .solve(&lp, &lp_settings(1e-9))
        .unwrap();
    assert_eq!(s.status, LpStatus::Optimal);
    assert!((s.objective - 16.0).abs() <= 1e-9);
    assert!((s.info.certificate.dual_objective - 16.0).abs() <= 1e-9);
}

#[test]
fn an_infeasible_lp_is_a_status() {
    // x + y ≤ 4 and x + y ≥ 5.
    let cols = CsrMatrix::try_from_triplets(
        2,
        2,
        vec![(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 1.0)],
    )
    .unwrap();
    let lp = LinearProgram::new(
        Sense::Maximize,
        vec![1.0, 1.0],
        vec![0.0; 2],
        vec![INF; 2],
        vec![-INF, 5.0],
        vec![4.0, INF],
        cols,
        vec!["x".into(), "y".into()],
        vec!["cap".into(), "floor".into()],
    )
    .unwrap();
    for presolve in [true, false] {
        let h = Highs::new(HighsSettings {
            presolve,
            ..Default::default()
        });
        let s = h.solve(&lp, &LpSettings::default()).unwrap();
        assert_eq!(s.status, LpStatus::Infeasible, "presolve {presolve}");
    }
}

#[test]
fn an_unbounded_lp_is_a_status() {
    // max x + y with only x − y ≤ 1: feasible, and x = y → ∞ improves without end. HiGHS's
    // presolve can only tell "infeasible or unbounded"; HiGHS then re-solves without presolve,
    // which finds the primal ray, so both settings report Unbounded.
    let cols = CsrMatrix::try_from_triplets(2, 1, vec![(0, 0, 1.0), (1, 0, -1.0)]).unwrap();
    let lp = LinearProgram::new(
        Sense::Maximize,
        vec![1.0, 1.0],
        vec![0.0; 2],
        vec![INF; 2],
        vec![-INF],
        vec![1.0],
        cols,
        vec!["x".into(), "y".into()],
        vec!["r".into()],
    )
    .unwrap();
    for presolve in [true, false] {
        let h = Highs::new(HighsSettings {
            presolve,
            ..Default::default()
        });
        let s = h.solve(&lp, &LpSettings::default()).unwrap();
        assert_eq!(s.status, LpStatus::Unbounded, "presolve {presolve}");
    }
}

#[test]
fn the_iteration_limit_is_a_status() {
    let lp = read_mps(&netlib("adlittle")).unwrap();
    let h = Highs::new(HighsSettings {
        solver: HighsSolver::Simplex,
        presolve: false,
        ..Default::default()
    });
    let s = h
        .solve(
            &lp,
            &LpSettings {
                max_iterations: 1,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(s.status, LpStatus::IterationLimit);
}

#[test]
fn bad_settings_are_errors() {
    let h = Highs::new(HighsSettings {
        threads: Some(0),
        ..Default::default()
    });
    let e = h
        .solve(&small(Sense::Maximize, 1.0), &LpSettings::default())
        .unwrap_err();
    assert!(e.to_string().contains("threads"), "{e}");
    let e = highs(HighsSolver::Simplex)
        .solve(&small(Sense::Maximize, 1.0), &lp_settings(0.0))
        .unwrap_err();
    assert!(e.to_string().contains("tolerance"), "{e}");
}

/// Each netlib instance, by simplex and by interior point with crossover, at its published
/// optimum to 1e-8 relative (the published values carry 10–11 digits).
#[test]
fn netlib_instances_reach_their_known_optima() {
    for (name, optimum) in NETLIB {
        let lp = read_mps(&netlib(name)).unwrap();
        for solver in [HighsSolver::Simplex, HighsSolver::Ipm] {
            let s = highs(solver).solve(&lp, &lp_settings(1e-7)).unwrap();
            assert_eq!(s.status, LpStatus::Optimal, "{name} {solver:?}");
            let rel = (s.objective - optimum).abs() / optimum.abs();
            assert!(
                rel <= 1e-8,
                "{name} {solver:?}: {} vs {optimum}",
                s.objective
            );
            assert!(
                s.info.certificate.passes(1e-7),
                "{name} {solver:?}: {:?}",
                s.info.certificate
            );
        }
    }
}

/// The planning LP (n = 200, two techniques) solved by plenty's PDLP at 1e-9 with row-scaled
/// feasibility and by HiGHS's simplex and interior point: the same λ to 1e-7 relative, and
/// HiGHS's duals close the gap (complementary slackness) to 1e-9.
#[test]
fn highs_agrees_with_pdlp_on_a_planning_lp() {
    let lp = planning_lp(&PlanningLpSettings {
        economy: GeneratorSettings {
            n: 200,
            ..Default::default()
        },
        techniques: 2,
    })
    .unwrap();
    let pdlp = Pdlp::new(PdlpSettings {
        lp: LpSettings {
            tolerance: 1e-9,
            ..Default::default()
        },
        row_scaled_feasibility: true,
        ..Default::default()
    })
    .solve(&lp, &lp_settings(1e-9))
    .unwrap();
    assert_eq!(pdlp.status, LpStatus::Optimal);
    let lambda_pdlp = pdlp.x[lp.ncols() - 1];
    assert!(lambda_pdlp > 0.0);
    for solver in [HighsSolver::Simplex, HighsSolver::Ipm] {
        let s = highs(solver).solve(&lp, &lp_settings(1e-9)).unwrap();
        assert_eq!(s.status, LpStatus::Optimal, "{solver:?}: {:?}", s.info);
        let lambda = s.x[lp.ncols() - 1];
        assert!(
            (lambda - lambda_pdlp).abs() <= 1e-7 * lambda_pdlp.abs(),
            "{solver:?}: λ {lambda} vs PDLP {lambda_pdlp}"
        );
        let cert = certify(&lp, &s.x, &s.y);
        assert!(cert.relative_gap < 1e-9, "{solver:?}: {cert:?}");
        assert!(cert.passes(1e-9), "{solver:?}: {cert:?}");
        assert_eq!(cert, s.info.certificate);
    }
}

/// Two solves of the same LP give the same bits.
#[test]
fn solves_are_deterministic() {
    let lp = read_mps(&netlib("blend")).unwrap();
    let h = highs(HighsSolver::Choose);
    let a = h.solve(&lp, &LpSettings::default()).unwrap();
    let b = h.solve(&lp, &LpSettings::default()).unwrap();
    assert_eq!(a.x, b.x);
    assert_eq!(a.y, b.y);
}

/// A time limit HiGHS cannot meet. (HiGHS's own PDLP without presolve does not look at the
/// clock before it has finished blend, so it is left out.)
#[test]
fn the_time_limit_is_a_status() {
    let lp = read_mps(&netlib("blend")).unwrap();
    for solver in [HighsSolver::Simplex, HighsSolver::Ipm] {
        for presolve in [true, false] {
            let h = Highs::new(HighsSettings {
                solver,
                presolve,
                ..Default::default()
            });
            let s = h
                .solve(
                    &lp,
                    &LpSettings {
                        time_limit: Some(1e-12),
                        ..Default::default()
                    },
                )
                .unwrap();
            assert_eq!(
                s.status,
                LpStatus::TimeLimit,
                "{solver:?}, presolve {presolve}"
            );
        }
    }
}
