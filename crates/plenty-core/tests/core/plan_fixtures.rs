//! Hand-checkable planning fixtures, one per outcome: feasible, joint production, a technique
//! switch as a limit changes, degenerate, infeasible (with the short limit named), nothing
//! makes a committed product, unbounded. Each expected number is worked out in the comments.

use crate::plan_support::{approx_eq, DenseSimplex};
use plenty_core::lp::{LpSettings, LpStatus};
use plenty_core::plan::*;

fn settings() -> LpSettings {
    LpSettings {
        tolerance: 1e-9,
        ..Default::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    approx_eq(a, b, 1e-9, 1e-9)
}

/// corn and iron. farm: 1 corn from 0.1 corn, 0.2 iron, 1 h. mine: 1 iron from 0.1 corn, 2 h.
/// 100 hours; target 1 corn.
///
/// v_iron = 2 + 0.1 v_corn, v_corn = 1 + 0.1 v_corn + 0.2 v_iron = 1.4 + 0.12 v_corn, so
/// v_corn = 1.4/0.88 and v_iron = 2 + 0.14/0.88. λ = 100 / v_corn = 88/1.4 = 62.857142…
/// Valuations: w = 1/v_corn per hour, p_corn = 1, p_iron = v_iron/v_corn = 1.9/1.4.
fn corn_and_iron() -> PlanningEconomy {
    let mut b = PlanningEconomyBuilder::new();
    let corn = b.add_product(Product {
        target: 1.0,
        ..Product::new("corn")
    });
    let iron = b.add_product(Product::new("iron"));
    let h = b.add_labour(LabourType {
        name: "labour".into(),
        hours: 100.0,
    });
    b.add_process(ProcessSpec {
        outputs: vec![(corn, 1.0)],
        inputs: vec![(corn, 0.1), (iron, 0.2)],
        labour: vec![(h, 1.0)],
        ..ProcessSpec::new("farm")
    })
    .unwrap();
    b.add_process(ProcessSpec {
        outputs: vec![(iron, 1.0)],
        inputs: vec![(corn, 0.1)],
        labour: vec![(h, 2.0)],
        ..ProcessSpec::new("mine")
    })
    .unwrap();
    b.build().unwrap()
}

#[test]
fn feasible_plan_by_lp_and_by_policy_iteration() {
    let e = corn_and_iron();
    let v_corn = 1.4 / 0.88;
    let lambda = 100.0 / v_corn;
    for plan in [
        solve_lambda(&e, &DenseSimplex, &settings()).unwrap(),
        solve_policy(&e, &PolicySettings::default()).unwrap().plan,
    ] {
        assert_eq!(plan.status, LpStatus::Optimal, "{}", plan.method);
        assert!(close(plan.lambda, lambda), "{} {}", plan.lambda, lambda);
        assert!(close(plan.labour_valuation[0], 1.0 / v_corn));
        assert!(close(plan.product_valuation[0], 1.0));
        assert!(close(plan.product_valuation[1], 1.9 / 1.4));
        assert!(close(plan.labour_used[0], 100.0));
        assert!(plan.labour_binds[0] && plan.product_binds[0] && plan.product_binds[1]);
        // Net output is exactly λ d: corn λ, iron 0.
        assert!(close(plan.net_output[0], lambda));
        assert!(approx_eq(plan.net_output[1], 0.0, 1e-9, 0.0));
        assert!(plan.profit.iter().all(|p| approx_eq(*p, 0.0, 1e-9, 0.0)));
        assert!(plan.certificate.passes(1e-9), "{:?}", plan.certificate);
    }
}

/// grain from "plough" (1 h, 1 ha) or "garden" (4 h, no land); 100 hours, `land` ha.
///
/// land ≥ 100: plough only, λ = 100, land worth 0, an hour worth 1.
/// land < 100: plough at land, garden at (100 − land)/4, λ = 25 + 0.75·land; an hour is
/// worth 0.25 (the garden's 1/4) and a hectare 0.75 (saves 3 hours of gardening).
fn grain(land: f64, committed: f64) -> PlanningEconomy {
    let mut b = PlanningEconomyBuilder::new();
    let g = b.add_product(Product {
        target: 1.0,
        committed,
        unit: Some("t".into()),
        ..Product::new("grain")
    });
    let h = b.add_labour(LabourType {
        name: "labour".into(),
        hours: 100.0,
    });
    let l = b.add_resource(Resource {
        name: "land".into(),
        unit: Some("ha".into()),
        limit: land,
    });
    b.add_process(ProcessSpec {
        outputs: vec![(g, 1.0)],
        labour: vec![(h, 1.0)],
        resources: vec![(l, 1.0)],
        ..ProcessSpec::new("plough")
    })
    .unwrap();
    b.add_process(ProcessSpec {
        outputs: vec![(g, 1.0)],
        labour: vec![(h, 4.0)],
        ..ProcessSpec::new("garden")
    })
    .unwrap();
    b.build().unwrap()
}

#[test]
fn technique_switch_as_the_land_limit_changes() {
    let plentiful = solve_lambda(&grain(150.0, 0.0), &DenseSimplex, &settings()).unwrap();
    assert_eq!(plentiful.status, LpStatus::Optimal);
    assert!(close(plentiful.lambda, 100.0));
    assert!(close(plentiful.intensity[0], 100.0) && close(plentiful.intensity[1], 0.0));
    assert!(!plentiful.resource_binds[0]);
    assert!(close(plentiful.resource_valuation[0], 0.0));
    assert!(close(plentiful.labour_valuation[0], 1.0));
    // The garden would lose 3 hours' worth per tonne.
    assert!(close(plentiful.profit[1], -3.0));

    let scarce = solve_lambda(&grain(40.0, 0.0), &DenseSimplex, &settings()).unwrap();
    assert_eq!(scarce.status, LpStatus::Optimal);
    assert!(close(scarce.lambda, 55.0));
    assert!(close(scarce.intensity[0], 40.0) && close(scarce.intensity[1], 15.0));
    assert!(scarce.resource_binds[0] && scarce.labour_binds[0]);
    assert!(close(scarce.resource_valuation[0], 0.75));
    assert!(close(scarce.labour_valuation[0], 0.25));
    assert!(scarce.profit.iter().all(|p| approx_eq(*p, 0.0, 1e-9, 0.0)));
    // Policy iteration refuses: land is a second scarce input.
    let err = solve_policy(&grain(40.0, 0.0), &PolicySettings::default()).unwrap_err();
    assert!(
        err.to_string().contains("resource \"land\" has a limit"),
        "{err}"
    );
}

#[test]
fn degenerate_vertex_still_certifies() {
    // land = 100: plough at 100 uses all land and all hours at once, and the garden sits at 0:
    // three constraints meet at a point of a two-dimensional problem. λ = 100; the duals are
    // not unique (any ρ ∈ [0, 0.75] with w = 1 − ρ), but every choice certifies.
    let plan = solve_lambda(&grain(100.0, 0.0), &DenseSimplex, &settings()).unwrap();
    assert_eq!(plan.status, LpStatus::Optimal);
    assert!(close(plan.lambda, 100.0));
    assert!(plan.resource_binds[0] && plan.labour_binds[0]);
    let rho = plan.resource_valuation[0];
    let w = plan.labour_valuation[0];
    assert!((-1e-9..=0.75 + 1e-9).contains(&rho), "{rho}");
    assert!(close(rho + w, 1.0));
    assert!(plan.certificate.passes(1e-9));

    // Two identical techniques: the primal optimum is not unique either.
    let mut b = PlanningEconomyBuilder::new();
    let g = b.add_product(Product {
        target: 2.0,
        ..Product::new("grain")
    });
    let h = b.add_labour(LabourType {
        name: "labour".into(),
        hours: 10.0,
    });
    for name in ["left", "right"] {
        b.add_process(ProcessSpec {
            outputs: vec![(g, 1.0)],
            labour: vec![(h, 1.0)],
            ..ProcessSpec::new(name)
        })
        .unwrap();
    }
    let e = b.build().unwrap();
    let lp = solve_lambda(&e, &DenseSimplex, &settings()).unwrap();
    let pi = solve_policy(&e, &PolicySettings::default()).unwrap();
    assert!(close(lp.lambda, 5.0) && close(pi.plan.lambda, 5.0));
    assert_eq!(pi.plan.status, LpStatus::Optimal);
    assert_eq!(pi.technique, vec![0]);
}

/// sheep: 1 wool + 1 mutton for 1.5 h; synthetic: 1 wool for 1 h; goat: 1 mutton for 1 h.
/// Targets wool 2, mutton 1; 10 hours.
///
/// Sheep for the mutton (x = λ) and synthetic wool for the rest (x = λ): 2.5 λ = 10, λ = 4
/// (sheep for all the wool would take 3 λ hours). Both balances bind: 2 p_w + p_m = 1,
/// p_w = w (synthetic), p_w + p_m = 1.5 w (sheep), so w = 0.4, p_w = 0.4, p_m = 0.2; the goat
/// loses 0.2.
#[test]
fn joint_production() {
    let mut b = PlanningEconomyBuilder::new();
    let wool = b.add_product(Product {
        target: 2.0,
        ..Product::new("wool")
    });
    let mutton = b.add_product(Product {
        target: 1.0,
        ..Product::new("mutton")
    });
    let h = b.add_labour(LabourType {
        name: "labour".into(),
        hours: 10.0,
    });
    for (name, outputs, hours) in [
        ("sheep", vec![(wool, 1.0), (mutton, 1.0)], 1.5),
        ("synthetic", vec![(wool, 1.0)], 1.0),
        ("goat", vec![(mutton, 1.0)], 1.0),
    ] {
        b.add_process(ProcessSpec {
            outputs,
            labour: vec![(h, hours)],
            ..ProcessSpec::new(name)
        })
        .unwrap();
    }
    let e = b.build().unwrap();
    let plan = solve_lambda(&e, &DenseSimplex, &settings()).unwrap();
    assert_eq!(plan.status, LpStatus::Optimal);
    assert!(close(plan.lambda, 4.0));
    assert!(close(plan.intensity[0], 4.0) && close(plan.intensity[1], 4.0));
    assert!(close(plan.intensity[2], 0.0));
    assert!(close(plan.labour_valuation[0], 0.4));
    assert!(close(plan.product_valuation[wool], 0.4));
    assert!(close(plan.product_valuation[mutton], 0.2));
    assert!(close(plan.profit[2], -0.2));
    let err = solve_policy(&e, &PolicySettings::default()).unwrap_err();
    assert!(err.to_string().contains("joint production"), "{err}");
}

/// Committed 80 t of grain with 50 ha and 100 hours. Over-using land by a hectare saves
/// 3 hours of gardening. With plough at x and garden at 80 − x, land over-use is (x − 50)/50
/// and labour over-use (320 − 3x − 100)/100; the sum falls in x until the hours suffice at
/// x = 220/3. So land is short by 220/3 − 50 = 23.33 ha (46.67%) and labour not at all.
#[test]
fn infeasible_committed_needs_name_the_short_resource() {
    let e = grain(50.0, 80.0);
    let plan = solve_lambda(&e, &DenseSimplex, &settings()).unwrap();
    assert_eq!(plan.status, LpStatus::Infeasible);
    let ex = plan.explanation.expect("explained");
    assert_eq!(ex.kind, ExplanationKind::Shortfall);
    assert_eq!(ex.shortfalls.len(), 1, "{ex}");
    let s = &ex.shortfalls[0];
    assert_eq!(s.kind, ShortfallKind::Resource);
    assert_eq!(s.name, "land");
    assert!(
        approx_eq(s.short_by(), 220.0 / 3.0 - 50.0, 1e-7, 1e-7),
        "{s}"
    );
    assert_eq!(
        s.to_string(),
        "resource \"land\" short by 23.33 ha (46.67%)"
    );
    assert!(ex
        .to_string()
        .contains("resource \"land\" short by 23.33 ha"));

    // Labour alone short: one technique, no land. Policy iteration says so exactly.
    let mut b = PlanningEconomyBuilder::new();
    let g = b.add_product(Product {
        target: 1.0,
        committed: 30.0,
        ..Product::new("grain")
    });
    let h = b.add_labour(LabourType {
        name: "skilled".into(),
        hours: 100.0,
    });
    b.add_process(ProcessSpec {
        outputs: vec![(g, 1.0)],
        labour: vec![(h, 4.0)],
        ..ProcessSpec::new("garden")
    })
    .unwrap();
    let e = b.build().unwrap();
    let by_lp = solve_lambda(&e, &DenseSimplex, &settings()).unwrap();
    let by_pi = solve_policy(&e, &PolicySettings::default()).unwrap().plan;
    for plan in [by_lp, by_pi] {
        assert_eq!(plan.status, LpStatus::Infeasible);
        let ex = plan.explanation.unwrap();
        assert!(
            ex.to_string()
                .contains("labour type \"skilled\" short by 20 hours (20%)"),
            "{ex}"
        );
    }
}

#[test]
fn a_committed_product_that_nothing_makes() {
    let mut b = PlanningEconomyBuilder::new();
    let g = b.add_product(Product {
        target: 1.0,
        ..Product::new("grain")
    });
    let salt = b.add_product(Product {
        committed: 5.0,
        unit: Some("kg".into()),
        ..Product::new("salt")
    });
    let tools = b.add_product(Product {
        target: 1.0,
        ..Product::new("tools")
    });
    let iron = b.add_product(Product::new("iron"));
    let h = b.add_labour(LabourType {
        name: "labour".into(),
        hours: 10.0,
    });
    b.add_process(ProcessSpec {
        outputs: vec![(g, 1.0)],
        inputs: vec![(salt, 0.0)],
        labour: vec![(h, 1.0)],
        ..ProcessSpec::new("farm")
    })
    .unwrap();
    b.add_process(ProcessSpec {
        outputs: vec![(tools, 1.0)],
        inputs: vec![(iron, 1.0)],
        labour: vec![(h, 1.0)],
        ..ProcessSpec::new("smithy")
    })
    .unwrap();
    let e = b.build().unwrap();
    let plan = solve_lambda(&e, &DenseSimplex, &settings()).unwrap();
    assert_eq!(plan.status, LpStatus::Infeasible);
    let ex = plan.explanation.unwrap();
    assert_eq!(ex.kind, ExplanationKind::CannotMake);
    assert_eq!(
        ex.to_string(),
        "the committed need for \"salt\" (5 kg) cannot be met: no technique makes it"
    );
    // Without the committed salt, λ = 0 because tools need iron, which nothing makes.
    let mut e2 = e.clone();
    e2.set_committed(&[0.0; 4]).unwrap();
    let plan = solve_lambda(&e2, &DenseSimplex, &settings()).unwrap();
    assert_eq!(plan.status, LpStatus::Optimal);
    assert!(close(plan.lambda, 0.0));
    assert!(
        plan.notes[0].contains("\"tools\" has a target but cannot be made (process \"smithy\" needs \"iron\", which nothing can make)"),
        "{:?}",
        plan.notes
    );
}

#[test]
fn unbounded_without_a_limit_on_hours() {
    let mut e = corn_and_iron();
    e.set_labour_hours(0, UNLIMITED).unwrap();
    let plan = solve_lambda(&e, &DenseSimplex, &settings()).unwrap();
    assert_eq!(plan.status, LpStatus::Unbounded);
    let ex = plan.explanation.unwrap();
    assert!(
        ex.to_string()
            .contains("labour type \"labour\" has no limit on hours"),
        "{ex}"
    );
    let pi = solve_policy(&e, &PolicySettings::default()).unwrap();
    assert_eq!(pi.plan.status, LpStatus::Unbounded);
    assert!(close(pi.hours_per_bundle, 1.4 / 0.88));
    assert!(pi
        .plan
        .explanation
        .unwrap()
        .to_string()
        .contains("one bundle of the target assortment takes 1.5909 hours"));
}

#[test]
fn no_target_is_an_error_and_bad_limits_name_the_field() {
    let mut e = corn_and_iron();
    e.set_targets(&[0.0, 0.0]).unwrap();
    let err = solve_lambda(&e, &DenseSimplex, &settings()).unwrap_err();
    assert!(err.to_string().contains("no product has a target"), "{err}");
    let err = e.set_resource_limit(0, 1.0).unwrap_err();
    assert!(matches!(err, PlanError::UnknownIndex { .. }));
    let err = e.set_labour_hours(0, -5.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "labour type \"labour\": hours is -5; it must be zero or more (leave it out for no limit)"
    );
    let err = e.set_targets(&[f64::NAN, 0.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "product \"corn\": target is NaN; it must be a finite number"
    );
}

#[test]
fn the_lp_has_readable_names() {
    let k = KantorovichLp::build(&grain(40.0, 0.0)).unwrap();
    assert_eq!(
        k.lp.row_names,
        vec!["balance:grain", "labour:labour", "resource:land"]
    );
    assert_eq!(k.lp.col_names, vec!["run:plough", "run:garden", "lambda"]);
    assert_eq!(k.lambda_col, 2);
}

/// Issue #3, warm starts: the plan with 40 ha (λ = 55) starts the plan with 42 ha. The basis
/// stays optimal (plough at the land limit, garden with the rest of the hours), so the
/// crossover answers from the start before any PDLP iteration: plough 42, garden
/// (100 − 42)/4 = 14.5, λ = 56.5. A start of the wrong shape is an error naming what is wrong.
#[test]
fn warm_start_from_the_last_rounds_plan() {
    let pdlp = plenty_core::lp::pdlp::Pdlp::default();
    let before = solve_lambda(&grain(40.0, 0.0), &pdlp, &settings()).unwrap();
    assert!(close(before.lambda, 55.0));
    let start = PlanStart::from_plan(&before);
    let after = solve_lambda_warm(&grain(42.0, 0.0), &pdlp, &settings(), &start).unwrap();
    assert_eq!(after.status, LpStatus::Optimal);
    assert_eq!(after.iterations, 0, "{after:?}");
    assert!(close(after.lambda, 56.5), "{}", after.lambda);
    assert!(close(after.intensity[0], 42.0) && close(after.intensity[1], 14.5));
    let cold = solve_lambda(&grain(42.0, 0.0), &DenseSimplex, &settings()).unwrap();
    assert!(close(after.lambda, cold.lambda));

    let short = PlanStart {
        intensity: vec![1.0],
        ..start
    };
    let err = solve_lambda_warm(&grain(42.0, 0.0), &pdlp, &settings(), &short).unwrap_err();
    assert!(
        err.to_string()
            .contains("the warm start has 1 intensities, the economy needs 2"),
        "{err}"
    );
}
