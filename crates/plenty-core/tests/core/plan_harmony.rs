//! Harmony on a hand-solved economy, with its bound.
//!
//! bread (1 h each) and beer (2 h each), targets 10 and 10, 20 hours. With deviations
//! `s_1, s_2`: 10(1 + s_1) + 20(1 + s_2) = 20, i.e. `s_1 + 2 s_2 = −1`. At the optimum bread is
//! in surplus and beer short, with `H'(s_2) = 2 H'(s_1)`: `1 − s_2 = 2/(1 + s_1)`. With
//! `u = 1 + s_1` this is `u² + 2u − 4 = 0`, `u = √5 − 1`: `s_1 = √5 − 2 = 0.236…`,
//! `s_2 = −u/2 = −0.618…` (the golden ratio), harmony `ln u + s_2 − s_2²/2 = −0.597082…`.
//! Kantorovich's λ* = 20/30; the harmony plan's fulfilment is min(u, 1 + s_2) = 0.381966.

use crate::plan_support::{approx_eq, DenseSimplex};
use plenty_core::lp::{LpSettings, LpStatus};
use plenty_core::plan::*;

fn bread_and_beer(hours: f64, committed: f64) -> PlanningEconomy {
    let mut b = PlanningEconomyBuilder::new();
    let h = {
        let bread = b.add_product(Product {
            target: 10.0,
            ..Product::new("bread")
        });
        let beer = b.add_product(Product {
            target: 10.0,
            committed,
            ..Product::new("beer")
        });
        let h = b.add_labour(LabourType {
            name: "labour".into(),
            hours,
        });
        for (name, p, l) in [("bakery", bread, 1.0), ("brewery", beer, 2.0)] {
            b.add_process(ProcessSpec {
                outputs: vec![(p, 1.0)],
                labour: vec![(h, l)],
                ..ProcessSpec::new(name)
            })
            .unwrap();
        }
        h
    };
    let _ = h;
    b.build().unwrap()
}

#[test]
fn harmony_optimum_and_its_gap_to_lambda() {
    let e = bread_and_beer(20.0, 0.0);
    let settings = HarmonySettings {
        lp: LpSettings {
            tolerance: 1e-9,
            ..Default::default()
        },
        gap_tolerance: 1e-8,
        ..Default::default()
    };
    let h = solve_harmony(&e, &DenseSimplex, &settings).unwrap();
    let u = 5f64.sqrt() - 1.0;
    let s2 = -u / 2.0;
    let best = u.ln() + s2 - s2 * s2 / 2.0;
    assert_eq!(h.plan.status, LpStatus::Optimal);
    assert!(h.gap <= 1e-8, "gap {}", h.gap);
    assert!(h.upper_bound >= best - 1e-12, "{} < {best}", h.upper_bound);
    assert!(
        approx_eq(h.harmony, best, 1e-7, 0.0),
        "{} vs {best}",
        h.harmony
    );
    // The plan itself is near the optimum (harmony is flat there: errors go as √gap).
    assert!(
        approx_eq(h.fulfilment[0], u, 1e-3, 0.0),
        "{:?}",
        h.fulfilment
    );
    assert!(approx_eq(h.fulfilment[1], 1.0 + s2, 1e-3, 0.0));
    assert!(approx_eq(h.lambda_optimum.unwrap(), 2.0 / 3.0, 1e-9, 1e-9));
    assert!(approx_eq(h.plan.lambda, 1.0 + s2, 1e-3, 0.0));
    assert!(approx_eq(
        h.lambda_ratio().unwrap(),
        (1.0 + s2) * 1.5,
        2e-3,
        0.0
    ));
    // Marginal harmony of an hour: H'(s_1)/10 per bread, one hour per bread.
    assert!(approx_eq(
        h.plan.labour_valuation[0],
        1.0 / (10.0 * u),
        1e-3,
        1e-3
    ));
    assert!(h.rounds > 1 && h.rounds < 60, "{} rounds", h.rounds);
}

#[test]
fn harmony_of_an_infeasible_economy_is_explained() {
    let e = bread_and_beer(20.0, 15.0);
    let h = solve_harmony(&e, &DenseSimplex, &HarmonySettings::default()).unwrap();
    assert_eq!(h.plan.status, LpStatus::Infeasible);
    assert!(h
        .plan
        .explanation
        .unwrap()
        .to_string()
        .contains("labour type \"labour\" short by 10 hours (50%)"));
}
