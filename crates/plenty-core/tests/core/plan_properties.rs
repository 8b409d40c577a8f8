//! Property tests on random small economies, against a second method:
//!
//! * when labour is the only scarce input, λ from the LP (dense simplex) equals λ from policy
//!   iteration to 1e-7 relative, and both certify;
//! * the chosen techniques do not change with the target assortment (non-substitution);
//! * with resources and capacities, the LP's valuations satisfy complementary slackness.

use crate::plan_support::{approx_eq, DenseSimplex};
use plenty_core::lp::ipm::Ipm;
use plenty_core::lp::{LpSettings, LpStatus};
use plenty_core::plan::*;
use proptest::prelude::*;

/// A random economy: `n` products, `t[i]` single-output techniques for product `i`, each with
/// input coefficients per unit of output summing below 0.8 (so every technique choice is
/// productive), one labour type, optionally resources and capacities.
/// One technique: output, inputs per run, hours, resource use, capacity factor.
type Technique = (f64, Vec<f64>, f64, f64, f64);

#[derive(Debug, Clone)]
struct Spec {
    n: usize,
    techniques: Vec<Vec<Technique>>,
    targets: Vec<f64>,
    committed: Vec<f64>,
    hours: f64,
    land: f64,
}

fn spec(with_limits: bool) -> impl Strategy<Value = Spec> {
    (2usize..=5).prop_flat_map(move |n| {
        let technique = (
            0.5f64..2.0,
            prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..1.0], n),
            0.1f64..3.0,
            0.0f64..1.0,
            0.5f64..3.0,
        );
        (
            Just(n),
            prop::collection::vec(prop::collection::vec(technique, 1..=3), n),
            prop::collection::vec(prop_oneof![Just(0.0), 0.1f64..1.0], n),
            prop::collection::vec(prop_oneof![3 => Just(0.0), 1 => 0.0f64..2.0], n),
            20.0f64..200.0,
            if with_limits {
                (1.0f64..50.0).boxed()
            } else {
                Just(f64::INFINITY).boxed()
            },
        )
            .prop_map(|(n, mut techniques, mut targets, committed, hours, land)| {
                for (i, ts) in techniques.iter_mut().enumerate() {
                    for t in ts.iter_mut() {
                        let out = t.0;
                        let sum: f64 = t.1.iter().sum();
                        let scale = if sum > 0.0 {
                            0.8 * out / sum * 0.9
                        } else {
                            0.0
                        };
                        t.1.iter_mut().for_each(|a| *a *= scale.min(1.0));
                        // No technique uses as much of its own product as it makes.
                        t.1[i] = t.1[i].min(0.5 * out);
                    }
                }
                if targets.iter().all(|d| *d == 0.0) {
                    targets[0] = 1.0;
                }
                Spec {
                    n,
                    techniques,
                    targets,
                    committed,
                    hours,
                    land,
                }
            })
    })
}

fn build(s: &Spec, limits: bool) -> PlanningEconomy {
    let mut b = PlanningEconomyBuilder::new();
    for i in 0..s.n {
        b.add_product(Product {
            target: s.targets[i],
            committed: s.committed[i],
            ..Product::new(format!("p{i}"))
        });
    }
    let h = b.add_labour(LabourType {
        name: "labour".into(),
        hours: s.hours,
    });
    let land = limits.then(|| {
        b.add_resource(Resource {
            name: "land".into(),
            unit: None,
            limit: s.land,
        })
    });
    for (i, ts) in s.techniques.iter().enumerate() {
        for (k, (out, inputs, hours, res, cap)) in ts.iter().enumerate() {
            b.add_process(ProcessSpec {
                outputs: vec![(i, *out)],
                inputs: inputs
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, a)| *a > 0.0)
                    .collect(),
                labour: vec![(h, *hours)],
                resources: land.map(|l| vec![(l, *res)]).unwrap_or_default(),
                capacity: if limits && k == 0 {
                    cap * 10.0
                } else {
                    UNLIMITED
                },
                ..ProcessSpec::new(format!("p{i}_t{k}"))
            })
            .unwrap();
        }
    }
    b.build().unwrap()
}

fn lp_settings() -> LpSettings {
    LpSettings {
        tolerance: 1e-9,
        ..Default::default()
    }
}

/// Complementary slackness of a plan's valuations, up to `tol` (relative to sizes).
fn complementary_slackness(e: &PlanningEconomy, p: &Plan, tol: f64) -> Result<(), String> {
    for i in 0..e.n_products() {
        let (s, v) = (p.surplus[i], p.product_valuation[i]);
        if v < -tol
            || (s > tol * (1.0 + p.gross_output[i]) && v.abs() > tol)
            || s < -tol * (1.0 + p.gross_output[i])
        {
            return Err(format!("product {i}: surplus {s}, valuation {v}"));
        }
    }
    for (h, l) in e.labour_types().iter().enumerate() {
        let (u, w) = (p.labour_used[h], p.labour_valuation[h]);
        if w < -tol || (l.hours - u > tol * (1.0 + l.hours) && w.abs() > tol) {
            return Err(format!("labour: used {u} of {}, valuation {w}", l.hours));
        }
    }
    for (q, r) in e.resources().iter().enumerate() {
        let (u, w) = (p.resource_used[q], p.resource_valuation[q]);
        if w < -tol || (r.limit - u > tol * (1.0 + r.limit) && w.abs() > tol) {
            return Err(format!("resource: used {u} of {}, valuation {w}", r.limit));
        }
    }
    for j in 0..e.n_processes() {
        let (x, pi, cap) = (p.intensity[j], p.profit[j], e.capacities()[j]);
        let scale = 1.0
            + p.product_valuation
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()))
                * 10.0;
        let above_zero = x > tol * (1.0 + x);
        let below_cap = !cap.is_finite() || cap - x > tol * (1.0 + cap);
        if (pi > tol * scale && below_cap) || (pi < -tol * scale && above_zero) {
            return Err(format!(
                "process {j}: intensity {x} (capacity {cap}), profit {pi}"
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn lp_and_policy_iteration_agree(s in spec(false)) {
        let e = build(&s, false);
        let lp = solve_lambda(&e, &DenseSimplex, &lp_settings()).unwrap();
        let pi = solve_policy(&e, &PolicySettings::default()).unwrap();
        prop_assert_eq!(lp.status, pi.plan.status, "{:?} / {:?}", lp.explanation, pi.plan.explanation);
        if lp.status == LpStatus::Optimal {
            prop_assert!(approx_eq(lp.lambda, pi.plan.lambda, 1e-12, 1e-7), "{} vs {}", lp.lambda, pi.plan.lambda);
            prop_assert!(lp.certificate.passes(1e-9));
            prop_assert!(pi.plan.certificate.passes(1e-9), "{:?}", pi.plan.certificate);
            complementary_slackness(&e, &lp, 1e-7).map_err(TestCaseError::fail)?;
            complementary_slackness(&e, &pi.plan, 1e-7).map_err(TestCaseError::fail)?;
            // Labour values are the valuations in hours: p = w·v.
            let w = pi.plan.labour_valuation[0];
            for (pv, v) in pi.plan.product_valuation.iter().zip(&pi.labour_values) {
                prop_assert!(approx_eq(*pv, w * v, 1e-12, 1e-9));
            }
        } else {
            prop_assert_eq!(lp.status, LpStatus::Infeasible);
            let a = &lp.explanation.as_ref().unwrap().shortfalls[0];
            let b = &pi.plan.explanation.as_ref().unwrap().shortfalls[0];
            prop_assert!(approx_eq(a.short_by(), b.short_by(), 1e-9, 1e-7), "{} vs {}", a, b);
        }
    }

    #[test]
    fn techniques_do_not_change_with_the_target(s in spec(false), d2 in prop::collection::vec(0.01f64..1.0, 5)) {
        let mut e = build(&s, false);
        e.set_committed(&vec![0.0; s.n]).unwrap();
        let first = solve_policy(&e, &PolicySettings::default()).unwrap();
        e.set_targets(&d2[..s.n]).unwrap();
        let second = solve_policy(&e, &PolicySettings::default()).unwrap();
        prop_assert_eq!(&first.technique, &second.technique);
        prop_assert_eq!(&first.labour_values, &second.labour_values);
        // And the LP with the new target agrees on λ.
        let lp = solve_lambda(&e, &DenseSimplex, &lp_settings()).unwrap();
        prop_assert!(approx_eq(lp.lambda, second.plan.lambda, 1e-12, 1e-7));
    }

    #[test]
    fn valuations_with_resources_and_capacities_are_complementary(s in spec(true)) {
        let e = build(&s, true);
        let lp = solve_lambda(&e, &DenseSimplex, &lp_settings()).unwrap();
        match lp.status {
            LpStatus::Optimal => {
                prop_assert!(lp.certificate.passes(1e-9));
                complementary_slackness(&e, &lp, 1e-7).map_err(TestCaseError::fail)?;
                // A whole bundle of the assortment is worth one unit of λ.
                let pd: f64 = lp.product_valuation.iter().zip(e.targets()).map(|(p, d)| p * d).sum();
                prop_assert!(approx_eq(pd, 1.0, 1e-9, 1e-9), "p·d = {}", pd);
            }
            LpStatus::Infeasible => {
                let ex = lp.explanation.unwrap();
                prop_assert!(ex.is_shortfall(), "{}", ex);
            }
            other => prop_assert!(false, "status {other}"),
        }
    }

    /// Issue #12: the interior-point method gives the dense simplex's λ on random planning
    /// economies with resources and capacities, and the same verdict when there is no plan.
    #[test]
    fn interior_point_agrees_with_the_dense_simplex(s in spec(true)) {
        let e = build(&s, true);
        let reference = solve_lambda(&e, &DenseSimplex, &lp_settings()).unwrap();
        let ipm = solve_lambda(&e, &Ipm::default(), &LpSettings { tolerance: 1e-9, ..lp_settings() }).unwrap();
        prop_assert_eq!(ipm.status, reference.status, "{:?}", ipm.explanation);
        if reference.status == LpStatus::Optimal {
            prop_assert!(approx_eq(ipm.lambda, reference.lambda, 1e-12, 1e-8), "{} vs {}", ipm.lambda, reference.lambda);
            prop_assert!(ipm.certificate.passes(1e-9), "{:?}", ipm.certificate);
        }
    }
}
