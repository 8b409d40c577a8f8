//! `plenty plan` and `plenty generate-plan`, run as a user would. Cross-checks against HiGHS
//! (the peer benchmark's Python, `.venv-peer` or `$PLENTY_PEER_PYTHON`) are skipped with a
//! line saying so when it is not installed, unless `PLENTY_REQUIRE_PEERS` is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{json_of, plenty, root, temp, text};
use plenty_test_support::{peer_python, relative_difference as rel};

fn lambda_of(path: &Path) -> f64 {
    json_of(path)["summary"]["lambda"].as_f64().unwrap()
}

/// HiGHS's optimal objective of an MPS file (maximisation).
fn highs_objective(python: &Path, mps: &Path) -> f64 {
    let script = "import sys, highspy\nh = highspy.Highs()\nh.setOptionValue('output_flag', False)\nh.readModel(sys.argv[1])\nh.run()\nassert h.modelStatusToString(h.getModelStatus()) == 'Optimal'\nprint(repr(h.getInfo().objective_function_value))\n";
    let o = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(mps)
        .output()
        .expect("python runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    out.lines().last().unwrap().trim().parse().unwrap()
}

#[test]
fn a_feasible_plan_on_the_terminal() {
    let o = plenty(&["plan", "examples/plans/grain.toml"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("λ = 55.0000"), "{out}");
    assert!(
        out.contains("binding: all 100 hours of labour labour, the land limit of 40 ha"),
        "{out}"
    );
    assert!(out.contains("certificate: primal residual"), "{out}");
    assert!(out.contains("resource:land"), "{out}");
    assert!(out.contains("input sha256 "), "{out}");
}

#[test]
fn infeasible_committed_needs_exit_1_with_the_short_resource() {
    let o = plenty(&["plan", "examples/plans/shortage.toml"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("no optimal plan: infeasible"), "{err}");
    assert!(
        err.contains("resource \"land\" short by 23.33 ha (46.67%)"),
        "{err}"
    );
}

#[test]
fn an_input_output_economy_file_is_unbounded_without_hours() {
    let o = plenty(&["plan", "examples/village.toml"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("unbounded"), "{err}");
    assert!(
        err.contains("labour type \"labour\" has no limit on hours"),
        "{err}"
    );
    assert!(
        err.contains("one bundle of the target assortment takes"),
        "{err}"
    );
}

#[test]
fn policy_iteration_and_the_lp_agree_and_outputs_carry_provenance() {
    let d = temp("agree");
    let policy = d.join("policy.json");
    let native = d.join("native.json");
    for (backend, out) in [("policy", &policy), ("native", &native)] {
        let o = plenty(&[
            "plan",
            "examples/plans/workshop.toml",
            "--backend",
            backend,
            "--tolerance",
            "1e-9",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
    }
    let (lp, lpi) = (lambda_of(&native), lambda_of(&policy));
    assert!(rel(lp, lpi) < 1e-7, "{lp} vs {lpi}");
    let v = json_of(&policy);
    assert_eq!(v["summary"]["method"], "policy iteration");
    assert_eq!(v["summary"]["status"], "optimal");
    assert_eq!(
        v["summary"]["policy_iteration"]["technique"]["steel"],
        "electric arc"
    );
    assert_eq!(v["provenance"]["plenty_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["provenance"]["input_hash"].as_str().unwrap().len(), 64);
    assert_eq!(v["provenance"]["settings"]["backend"], "policy");
    for t in ["products", "processes", "limits"] {
        assert!(v["tables"][t].is_object(), "{t}");
    }
    // CSV and Parquet hold the table asked for.
    let csv = d.join("p.csv");
    let o = plenty(&[
        "plan",
        "examples/plans/workshop.toml",
        "--table",
        "processes",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let c = std::fs::read_to_string(&csv).unwrap();
    assert!(c.starts_with("# plenty "), "{c}");
    let data: Vec<&str> = c.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(data[0], "process,intensity,capacity,at_capacity,profit");
    assert_eq!(data.len(), 9);
    let pq = d.join("p.parquet");
    let o = plenty(&[
        "plan",
        "examples/plans/grain.toml",
        "-o",
        pq.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let (table, meta) = plenty_io::output::read_parquet(&pq).unwrap();
    assert_eq!(table.rows, vec!["grain"]);
    assert!(meta.iter().any(|(k, _)| k == "plenty.provenance"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn harmony_reports_its_bound_and_the_distance_to_lambda() {
    let o = plenty(&[
        "plan",
        "examples/plans/valley.toml",
        "--objective",
        "harmony",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("harmony 12.84"), "{out}");
    assert!(out.contains("against the λ optimum 9.27"), "{out}");
    assert!(out.contains("fulfilment"), "{out}");
    let o = plenty(&[
        "plan",
        "examples/plans/valley.toml",
        "--objective",
        "harmony",
        "--backend",
        "policy",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    let d = temp("bad");
    let grain = std::fs::read_to_string(root().join("examples/plans/grain.toml")).unwrap();
    let cases = [
        (
            "limit = 40",
            "limit = -40",
            "bad.toml:15:9: the limit of resource \"land\" is -40; it must be zero or more",
        ),
        (
            "target = 1",
            "target = nan",
            "the target of \"grain\" is NaN; it must be a finite number",
        ),
        (
            "resources = { land = 1 }",
            "resources = { lnad = 1 }",
            "\"lnad\" is not a [[resource]] (did you mean \"land\"?)",
        ),
        (
            "product = \"grain\"\nlabour = 4",
            "labour = 4",
            "process \"garden\" has no output",
        ),
    ];
    for (from, to, expected) in cases {
        let bad = grain.replacen(from, to, 1);
        assert_ne!(bad, grain, "{from}");
        let path = d.join("bad.toml");
        std::fs::write(&path, &bad).unwrap();
        let o = plenty(&["plan", path.to_str().unwrap()]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(expected), "{err}\nexpected: {expected}");
    }
    let path = d.join("targets.toml");
    std::fs::write(&path, format!("{grain}\n[targets]\ngrian = 2\n")).unwrap();
    let (_, err) = text(&plenty(&["plan", path.to_str().unwrap()]));
    assert!(
        err.contains("\"grian\" is not a [[product]] (did you mean \"grain\"?)"),
        "{err}"
    );
    let o = plenty(&["plan", "examples/plans/grain.toml", "--backend", "policy"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("resource \"land\" has a limit"), "{err}");
    let o = plenty(&["plan", "examples/plans/grain.toml", "--tolerance", "2"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn generated_problems_solve_like_highs_on_the_same_mps() {
    let d = temp("generated");
    let dir = d.join("gen");
    let o = plenty(&[
        "generate-plan",
        "--n",
        "60",
        "--k",
        "4",
        "--resources",
        "2",
        "--seed",
        "3",
        "-o",
        dir.to_str().unwrap(),
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("60 products, 120 processes"), "{err}");
    let out = d.join("plan.json");
    let mps = d.join("again.mps");
    let o = plenty(&[
        "plan",
        dir.to_str().unwrap(),
        "--tolerance",
        "1e-8",
        "--mps",
        mps.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let lambda = lambda_of(&out);
    assert!(lambda > 0.0);
    // The MPS written by `plan` is the one `generate-plan` wrote.
    assert_eq!(
        std::fs::read_to_string(&mps).unwrap(),
        std::fs::read_to_string(dir.join("plan.mps")).unwrap()
    );
    let lp = plenty_io::mps::read_mps(&mps).unwrap();
    assert_eq!(lp.ncols(), 121);
    if let Some(py) = peer_python("generated_problems_solve_like_highs_on_the_same_mps") {
        let h = highs_objective(&py, &mps);
        assert!(rel(h, lambda) < 1e-7, "HiGHS {h} vs plenty {lambda}");
    }
    // One technique, no capacities, no resources: policy iteration applies (auto picks it).
    let dir1 = d.join("one");
    let o = plenty(&[
        "generate-plan",
        "--n",
        "80",
        "--techniques",
        "1",
        "--no-capacities",
        "-o",
        dir1.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let out1 = d.join("one.json");
    let o = plenty(&["plan", dir1.to_str().unwrap(), "-o", out1.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&out1);
    assert_eq!(v["summary"]["method"], "policy iteration");
    // H = l·x0 for the reference plan, so λ = 1 exactly.
    assert!(rel(v["summary"]["lambda"].as_f64().unwrap(), 1.0) < 1e-12);
    if let Some(py) = peer_python("generated_problems_solve_like_highs_on_the_same_mps") {
        let h = highs_objective(&py, &dir1.join("plan.mps"));
        assert!(rel(h, 1.0) < 1e-7, "HiGHS {h}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `plenty generate-plan` with k = 4 inputs and `args` into `d/gen`; returns that folder.
fn generate_small(d: &Path, args: &[&str]) -> PathBuf {
    let dir = d.join("gen");
    let mut all = vec!["generate-plan", "--k", "4", "-o", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = plenty(&all);
    assert!(o.status.success(), "{}", text(&o).1);
    dir
}

/// Issue #3: `plenty lp` reads any MPS file, solves it to the exact vertex (PDLP, then the
/// crossover), and agrees with `plenty plan` on the plan's own LP and with HiGHS on the file.
#[test]
fn issue_3_plenty_lp_solves_an_mps_file_to_its_vertex() {
    let d = temp("lp");
    let dir = generate_small(&d, &["--n", "60", "--resources", "2", "--seed", "5"]);
    let mps = dir.join("plan.mps");
    let plan = d.join("plan.json");
    let o = plenty(&[
        "plan",
        dir.to_str().unwrap(),
        "--tolerance",
        "1e-9",
        "-o",
        plan.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    // `plenty lp` on the file with these options, writing `out`; it must succeed.
    let lp = |extra: &[&str], out: &std::path::Path| {
        let mut args = vec!["lp", mps.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.extend(["-o", out.to_str().unwrap()]);
        let o = plenty(&args);
        assert!(o.status.success(), "{}", text(&o).1);
        o
    };
    let out = d.join("lp.json");
    let (_, err) = text(&lp(&["--backend", "pdlp"], &out));
    assert!(err.contains("optimal (pdlp+crossover)"), "{err}");
    let v = json_of(&out);
    let s = &v["summary"];
    assert_eq!(s["method"], "pdlp+crossover");
    let cert = &s["certificate"];
    for k in ["primal_residual", "dual_residual", "relative_gap"] {
        assert!(cert[k].as_f64().unwrap() < 1e-12, "{k}: {cert}");
    }
    assert!(s["max_row_violation"].as_f64().unwrap() < 1e-12, "{s}");
    let lambda = s["objective"].as_f64().unwrap();
    assert!(
        rel(lambda, lambda_of(&plan)) < 1e-8,
        "{lambda} vs {}",
        lambda_of(&plan)
    );
    assert_eq!(s["sense"], "maximize");
    assert!(v["provenance"]["input_hash"].as_str().unwrap().len() == 64);
    // Tables: columns (value, reduced cost) and rows (activity, dual).
    let tables = v["tables"].as_object().unwrap();
    let names: Vec<&str> = tables.keys().map(String::as_str).collect();
    assert_eq!(names, ["columns", "rows"]);
    if let Some(py) = peer_python("issue_3_plenty_lp_solves_an_mps_file_to_its_vertex") {
        let h = highs_objective(&py, &mps);
        assert!(rel(h, lambda) < 1e-9, "HiGHS {h} vs plenty {lambda}");
    }
    // The rows table as CSV.
    let csv = d.join("rows.csv");
    lp(&["--table", "rows"], &csv);
    let body = std::fs::read_to_string(&csv).unwrap();
    let header = body.lines().find(|l| !l.starts_with('#')).unwrap();
    assert_eq!(header, "row,activity,dual,lower,upper", "{body}");

    // A basis larger than --crossover-limit is not factored: PDLP's own point, which says why.
    let capped = d.join("capped.json");
    lp(&["--backend", "pdlp", "--crossover-limit", "10"], &capped);
    let s = &json_of(&capped)["summary"];
    assert_eq!(s["method"], "pdlp", "{s}");
    assert!(
        s["crossover"]["failure"]
            .as_str()
            .unwrap()
            .contains("more than the dense limit"),
        "{s}"
    );
    assert!(rel(s["objective"].as_f64().unwrap(), lambda) < 1e-5, "{s}");

    // No feasible point: exit 1, saying so.
    let bad = d.join("infeasible.mps");
    std::fs::write(
        &bad,
        "NAME t\nROWS\n N obj\n G r1\n L r2\nCOLUMNS\n x obj 1 r1 1\n x r2 1\nRHS\n RHS r1 2 r2 1\nENDATA\n",
    )
    .unwrap();
    let o = plenty(&["lp", bad.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("no optimum: infeasible"), "{err}");
    // A malformed file: exit 2, naming the line.
    let broken = d.join("broken.mps");
    std::fs::write(
        &broken,
        "NAME t\nROWS\n N obj\nCOLUMNS\n x obj one\nENDATA\n",
    )
    .unwrap();
    let o = plenty(&["lp", broken.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken.mps:5: the value \"one\" is not a number"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue #3: without the `highs` feature, `--backend highs` says how to get a build with it.
#[cfg(not(feature = "highs"))]
#[test]
fn issue_3_highs_backend_names_the_build_that_has_it() {
    for args in [
        &["plan", "examples/plans/grain.toml", "--backend", "highs"][..],
        &[
            "lp",
            "crates/plenty-io/tests/data/lp/afiro.mps",
            "--backend",
            "highs",
        ][..],
    ] {
        let o = plenty(args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("--features highs"), "{err}");
    }
}

/// Issue #3: with the `highs` feature, HiGHS and the native solver agree on plans and on MPS
/// files (`cargo test -p plenty-cli --features highs --test cli plan_cli`).
#[cfg(feature = "highs")]
#[test]
fn issue_3_highs_backend_agrees_with_the_native_solver() {
    let d = temp("highs");
    for plan in ["examples/plans/grain.toml", "examples/plans/valley.toml"] {
        let mut lambdas = Vec::new();
        for backend in ["native", "highs"] {
            let out = d.join(format!("{backend}.json"));
            let o = plenty(&[
                "plan",
                plan,
                "--backend",
                backend,
                "--tolerance",
                "1e-9",
                "-o",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{plan} {backend}: {}", text(&o).1);
            lambdas.push(lambda_of(&out));
        }
        assert!(rel(lambdas[0], lambdas[1]) < 1e-8, "{plan}: {lambdas:?}");
    }
    let out = d.join("afiro.json");
    let o = plenty(&[
        "lp",
        "crates/plenty-io/tests/data/lp/afiro.mps",
        "--backend",
        "highs",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&out);
    // afiro's optimum, from the netlib listing.
    assert!(rel(v["summary"]["objective"].as_f64().unwrap(), -464.753_142_86) < 1e-8);
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue #3: `--warm-start` starts the LP from an earlier plan's report. From the plan of the
/// same economy the crossover answers before any iteration, with the same bits; from the plan
/// of an economy whose targets moved it reaches the same optimum as a cold start.
#[test]
fn issue_3_warm_start_from_an_earlier_plan() {
    let d = temp("warm");
    let dir = generate_small(&d, &["--n", "80", "--seed", "9"]);
    let first = d.join("first.json");
    // PDLP, whose warm starts this tests (the interior-point method, chosen by default at
    // this size, sets a start aside).
    let o = plenty(&[
        "plan",
        dir.to_str().unwrap(),
        "--backend",
        "pdlp",
        "-o",
        first.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&first);
    assert_eq!(v["summary"]["method"], "pdlp+crossover");
    let again = d.join("again.json");
    let o = plenty(&[
        "plan",
        dir.to_str().unwrap(),
        "--backend",
        "pdlp",
        "--warm-start",
        first.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let w = json_of(&again);
    assert_eq!(w["summary"]["iterations"], 0, "{}", w["summary"]);
    assert_eq!(
        w["summary"]["lambda"].as_f64().unwrap().to_bits(),
        v["summary"]["lambda"].as_f64().unwrap().to_bits()
    );
    // The start is an input of the result.
    let inputs = w["provenance"]["inputs"].to_string();
    assert!(inputs.contains("first.json"), "{inputs}");

    // Targets moved: warm and cold agree.
    let products = dir.join("products.csv");
    let text_in = std::fs::read_to_string(&products).unwrap();
    let mut lines: Vec<String> = text_in.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "target").unwrap();
    for line in lines.iter_mut().skip(1).take(3) {
        let mut cells: Vec<String> = line.split(',').map(String::from).collect();
        let t: f64 = cells[col].parse().unwrap();
        cells[col] = format!("{}", t * 1.02);
        *line = cells.join(",");
    }
    std::fs::write(&products, lines.join("\n") + "\n").unwrap();
    let mut lambdas = Vec::new();
    for warm in [false, true] {
        let out = d.join(format!("moved-{warm}.json"));
        let mut args = vec![
            "plan",
            dir.to_str().unwrap(),
            "--backend",
            "pdlp",
            "--tolerance",
            "1e-9",
            "-o",
            out.to_str().unwrap(),
        ];
        if warm {
            args.extend(["--warm-start", first.to_str().unwrap()]);
        }
        let o = plenty(&args);
        assert!(o.status.success(), "{}", text(&o).1);
        lambdas.push(lambda_of(&out));
    }
    assert!(rel(lambdas[0], lambdas[1]) < 1e-8, "{lambdas:?}");
    assert!(lambdas[0] < v["summary"]["lambda"].as_f64().unwrap());

    // Not a report, and not the LP: exit 2, saying what to give.
    let o = plenty(&[
        "plan",
        dir.to_str().unwrap(),
        "--warm-start",
        products.to_str().unwrap(),
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("not a JSON report of `plenty plan -o FILE.json`"),
        "{err}"
    );
    let o = plenty(&[
        "plan",
        dir.to_str().unwrap(),
        "--objective",
        "harmony",
        "--warm-start",
        first.to_str().unwrap(),
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a warm start starts PDLP: use it with the λ objective"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue #11: `plenty plan` and the participatory service plan through one entry point in the
/// core, so the same economy and tolerance give the same bits (λ, every intensity and
/// valuation) and the same words for what binds: by policy iteration (grain), and by the LP
/// solver (valley: two labour types, resources, a capacity, joint production).
#[test]
fn issue_11_plenty_plan_and_the_service_give_the_same_bits() {
    let d = temp("issue-11-same-bits");
    for name in ["grain", "valley", "workshop"] {
        let file = root().join(format!("examples/plans/{name}.toml"));
        let json = d.join(format!("{name}.json"));
        let o = plenty(&["plan", file.to_str().unwrap(), "-o", json.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", text(&o).1);
        let cli = json_of(&json);

        let text_file = std::fs::read_to_string(&file).unwrap();
        let economy = plenty_ledger::planning::parse_economy(&text_file).unwrap();
        let named =
            |names: Vec<String>, values: Vec<f64>| -> std::collections::BTreeMap<String, f64> {
                names.into_iter().zip(values).collect()
            };
        let inputs = plenty_ledger::PlanInputs {
            economy_sha256: String::new(),
            targets: named(
                economy.products().iter().map(|p| p.name.clone()).collect(),
                economy.targets(),
            ),
            labour_hours: named(
                economy
                    .labour_types()
                    .iter()
                    .map(|l| l.name.clone())
                    .collect(),
                economy.labour_types().iter().map(|l| l.hours).collect(),
            ),
            resource_limits: named(
                economy.resources().iter().map(|r| r.name.clone()).collect(),
                economy.resources().iter().map(|r| r.limit).collect(),
            ),
            split: [1.0, 0.0, 0.0].into(),
            projects: Vec::new(),
            project_hours: 0.0,
            common_fund_hours: 0.0,
            members: 1,
            weeks_per_period: 1.0,
            // `plenty plan`'s default tolerance.
            tolerance: 1e-6,
            code_version: String::new(),
            warm_start: None,
            lp_solver: Some(plenty_ledger::RecordedLpSolver::Auto),
        };
        let service = plenty_ledger::compute_plan(&economy, &inputs, None).unwrap();
        assert_eq!(service.status, "optimal", "{name}");
        let summary = &cli["summary"];
        assert_eq!(summary["method"], service.method.as_str(), "{name}");
        assert_eq!(
            summary["lambda"].as_f64().unwrap().to_bits(),
            service.lambda.to_bits(),
            "{name}: λ {} against {}",
            summary["lambda"],
            service.lambda
        );
        let intensity = cli["tables"]["processes"]["columns"]["intensity"]
            .as_array()
            .unwrap();
        assert_eq!(intensity.len(), service.processes.len());
        for (c, s) in intensity.iter().zip(&service.processes) {
            assert_eq!(
                c.as_f64().unwrap().to_bits(),
                s.intensity.to_bits(),
                "{name}: {}",
                s.name
            );
        }
        let valuation = cli["tables"]["products"]["columns"]["valuation"]
            .as_array()
            .unwrap();
        for (c, s) in valuation.iter().zip(&service.products) {
            assert_eq!(
                c.as_f64().unwrap().to_bits(),
                s.valuation.to_bits(),
                "{name}: {}",
                s.name
            );
        }
        let binding: Vec<String> = summary["binding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap().to_string())
            .collect();
        assert_eq!(binding, service.binding, "{name}");
        assert!(!binding.is_empty(), "{name}");
    }
    std::fs::remove_dir_all(&d).ok();
}

/// Issue #13: `plenty plan` reads Cockshott's five-year-plan spreadsheets as they are and
/// reaches his optimum (Σλ = 8.797299129, `data/cockshott_5yearplan_toy/README.txt`), writes
/// the years and the goods, and the MPS it writes gives HiGHS the same optimum.
#[test]
fn issue_13_plenty_plan_reads_cockshotts_spreadsheets() {
    let dir = temp("issue_13_plenty_plan_reads_cockshotts_spreadsheets");
    let (json, mps) = (dir.join("toy.json"), dir.join("toy.mps"));
    let toy = "data/cockshott_5yearplan_toy";
    let o = plenty(&["plan", toy]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("5-year plan of 4 goods: Σλ = 8.79729912"),
        "{out}"
    );
    assert!(out.contains("year 1: λ = 0.500000"), "{out}");
    let o = plenty(&[
        "plan",
        toy,
        "-q",
        "-o",
        json.to_str().unwrap(),
        "--mps",
        mps.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&json);
    let total = v["summary"]["sum_lambda"].as_f64().unwrap();
    assert!(rel(total, 8.797299129) < 1e-9, "{total}");
    let lambdas: Vec<f64> = v["summary"]["lambda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_f64().unwrap())
        .collect();
    assert_eq!(lambdas.len(), 5);
    assert!(rel(lambdas.iter().sum::<f64>(), total) < 1e-12);
    assert_eq!(v["tables"]["years"]["rows"].as_array().unwrap().len(), 5);
    assert_eq!(v["tables"]["goods"]["rows"].as_array().unwrap().len(), 20);
    if let Some(python) = peer_python("issue_13_plenty_plan_reads_cockshotts_spreadsheets") {
        assert!(rel(highs_objective(&python, &mps), 8.797299129) < 1e-9);
    }
    // The worst year as good as it can be: year 1's capital caps it at λ = 1/2, which the Σλ
    // optimum already reaches, so the second stage gets back to that optimum.
    let o = plenty(&[
        "plan",
        toy,
        "-q",
        "--objective",
        "min-lambda",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&json);
    assert!(rel(v["summary"]["objective_value"].as_f64().unwrap(), 0.5) < 1e-7);
    assert!(rel(v["summary"]["sum_lambda"].as_f64().unwrap(), 8.797299129) < 1e-8);
    let o = plenty(&[
        "plan",
        toy,
        "-q",
        "--objective",
        "discounted",
        "--discount",
        "0.1",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&json);
    let (discounted, sum) = (
        v["summary"]["objective_value"].as_f64().unwrap(),
        v["summary"]["sum_lambda"].as_f64().unwrap(),
    );
    assert!(
        discounted < sum && sum <= 8.797299129 * (1.0 + 1e-9),
        "{discounted} {sum}"
    );
    // The multi-year objectives are refused for a single-year plan.
    let o = plenty(&[
        "plan",
        "examples/plans/grain.toml",
        "--objective",
        "min-lambda",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("for multi-year plans"),
        "{}",
        text(&o).1
    );
    // An analysis command refuses the folder and says where it belongs.
    let o = plenty(&["values", toy]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("give it to plenty plan"),
        "{}",
        text(&o).1
    );
}

/// Issue #13: a five-year plan written as a planning file with `[years]` and `[[capital]]`:
/// the plan with its years, goods and capital tables (CSV and Parquet with provenance), the
/// MPS file agreeing with HiGHS, variants compared with plots, a re-plan after a bad
/// harvest, and an infeasible growth target explained.
#[test]
fn issue_13_a_five_year_plan_file_plans_compares_and_replans() {
    let dir = temp("issue_13_a_five_year_plan_file_plans_compares_and_replans");
    let file = "examples/plans/five_year.toml";
    let (json, mps, csv) = (
        dir.join("plan.json"),
        dir.join("plan.mps"),
        dir.join("capital.csv"),
    );
    let o = plenty(&[
        "plan",
        file,
        "-q",
        "-o",
        json.to_str().unwrap(),
        "--mps",
        mps.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&json);
    assert_eq!(v["summary"]["status"], "optimal");
    let total = v["summary"]["sum_lambda"].as_f64().unwrap();
    let years = &v["tables"]["years"];
    assert_eq!(years["rows"][0], "2027");
    assert_eq!(v["tables"]["capital"]["rows"].as_array().unwrap().len(), 25);
    // Nobody works more than the hours there are: 6 people, 46 weeks.
    let week = years["columns"]["working_week_hours"].as_array().unwrap();
    let available = years["columns"]["labour_available"].as_array().unwrap();
    for (w, h) in week.iter().zip(available) {
        assert!(w.as_f64().unwrap() <= h.as_f64().unwrap() / 6.0 / 46.0 * (1.0 + 1e-9));
    }
    if let Some(python) = peer_python("issue_13_a_five_year_plan_file_plans_compares_and_replans") {
        let highs = highs_objective(&python, &mps);
        assert!(rel(highs, total) < 1e-7, "HiGHS {highs} vs {total}");
    }
    let o = plenty(&[
        "plan",
        file,
        "-q",
        "--table",
        "capital",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(
        written.contains("stock,capacity_used,invested,valuation"),
        "{written}"
    );

    // Variants side by side, with plots.
    let plots = dir.join("plots");
    let o = plenty(&[
        "plan",
        file,
        "--compare",
        "examples/plans/five_year_variants.toml",
        "--plots",
        plots.to_str().unwrap(),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&json);
    let t = &v["tables"]["variants"];
    assert_eq!(t["rows"][0], "balanced");
    let min = t["columns"]["min_lambda"].as_array().unwrap();
    let sum = t["columns"]["sum_lambda"].as_array().unwrap();
    let f = |x: &serde_json::Value| x.as_f64().unwrap();
    // The balanced plan has the best worst year; Cockshott's the greatest sum.
    assert!(
        min.iter().all(|m| f(m) <= f(&min[0]) * (1.0 + 1e-7)),
        "{min:?}"
    );
    assert!(
        sum.iter().all(|s| f(s) <= f(&sum[1]) * (1.0 + 1e-7)),
        "{sum:?}"
    );
    assert!(rel(f(&sum[1]), total) < 1e-8);
    let svg = std::fs::read_to_string(plots.join("plan.svg")).unwrap();
    assert!(svg.contains("heavy industry first") && svg.contains("<svg"));
    let png = std::fs::read(plots.join("plan.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    // A bad harvest and a flood: the re-plan starts a year later and says what changed.
    let o = plenty(&[
        "plan",
        file,
        "--replan",
        "examples/plans/bad_harvest.toml",
        "-o",
        json.to_str().unwrap(),
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("grain delivered 70.0 % of its planned output"),
        "{err}"
    );
    assert!(err.contains("2028: λ"), "{err}");
    let v = json_of(&json);
    assert_eq!(v["tables"]["years"]["rows"][0], "2028");
    assert_eq!(v["tables"]["changes"]["rows"].as_array().unwrap().len(), 5);

    // A growth target the valley cannot meet, explained by year.
    let text_of = std::fs::read_to_string(root().join(file)).unwrap();
    let greedy = dir.join("greedy.toml");
    std::fs::write(
        &greedy,
        text_of.replace("growth = 0.03 ", "growth = 0.6 ").replace(
            "terminal = \"at-least-start\"",
            "terminal = \"at-least-start\"\ntargets_required = true",
        ),
    )
    .unwrap();
    let o = plenty(&["plan", greedy.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(out.contains("short: year "), "{out}");
    assert!(
        err.contains("no optimal multi-year plan: infeasible"),
        "{err}"
    );
}
