//! The `plenty` binary, run as a user would: in a temporary folder, on real files.

use std::path::Path;

use crate::common::{json_of, plenty, temp, text};

#[test]
fn values_on_the_built_in_example() {
    let o = plenty(&["values", "examples/village.toml"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("labour_value"), "{out}");
    assert!(out.contains("identity: v·d ="), "{out}");
    assert!(out.contains("input sha256 "), "{out}");
}

#[test]
fn json_csv_and_parquet_outputs_carry_provenance_and_agree() {
    let d = temp("formats");
    let j = d.join("v.json");
    let c = d.join("v.csv");
    let p = d.join("v.parquet");
    for f in [&j, &c, &p] {
        let o = plenty(&["values", "examples/village.toml", "-o", f.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o).1);
    }
    let v = json_of(&j);
    assert_eq!(v["provenance"]["plenty_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["provenance"]["input_hash"].as_str().unwrap().len(), 64);
    let rel = v["summary"]["identity"]["relative_difference"]
        .as_f64()
        .unwrap();
    assert!(rel < 1e-12, "{rel}");
    let lv: Vec<f64> = v["tables"]["labour_values"]["columns"]["labour_value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(lv.len(), 5);
    let csv = std::fs::read_to_string(&c).unwrap();
    assert!(csv.starts_with("# plenty "), "{csv}");
    assert!(csv.contains("# input_sha256: "));
    let data: Vec<&str> = csv.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        data[0],
        "product,direct_labour,labour_value,final_demand,gross_output"
    );
    let bread: f64 = data[2].split(',').nth(2).unwrap().parse().unwrap();
    assert_eq!(bread, lv[1]);
    let (table, meta) = plenty_io::output::read_parquet(&p).unwrap();
    assert_eq!(table.rows[1], "bread");
    assert_eq!(table.columns[1].values, lv);
    assert!(meta
        .iter()
        .any(|(k, v)| k == "plenty.provenance" && v.contains("input_hash")));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn generated_economy_round_trip_with_every_method() {
    let d = temp("generate");
    let dir = d.join("eco");
    let o = plenty(&[
        "generate",
        "--n",
        "3000",
        "--k",
        "8",
        "--seed",
        "7",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let mut lv = Vec::new();
    for method in ["dense-lu", "bicgstab", "jacobi"] {
        let out = d.join(format!("{method}.json"));
        let o = plenty(&[
            "values",
            dir.to_str().unwrap(),
            "--method",
            method,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
        let v = json_of(&out);
        assert_eq!(v["summary"]["labour_values_solve"]["method"], method);
        assert!(
            v["summary"]["labour_values_solve"]["relative_residual"]
                .as_f64()
                .unwrap()
                <= 1e-10
        );
        assert!(
            v["summary"]["identity"]["relative_difference"]
                .as_f64()
                .unwrap()
                < 1e-9
        );
        lv.push(v["tables"]["labour_values"]["columns"]["labour_value"].clone());
    }
    let a: Vec<f64> = lv[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for other in &lv[1..] {
        for (x, y) in a.iter().zip(other.as_array().unwrap()) {
            let y = y.as_f64().unwrap();
            assert!((x - y).abs() <= 1e-8 * x.abs(), "{x} vs {y}");
        }
    }
    // The same seed gives the same bits.
    let dir2 = d.join("eco2");
    let o = plenty(&[
        "generate",
        "--n",
        "3000",
        "--k",
        "8",
        "--seed",
        "7",
        "--out",
        dir2.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(dir.join("A.mtx")).unwrap(),
        std::fs::read(dir2.join("A.mtx")).unwrap()
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn results_are_the_same_bits_on_one_thread_or_two() {
    let d = temp("threads");
    let dir = d.join("eco");
    assert!(plenty(&[
        "generate",
        "--n",
        "40000",
        "--k",
        "10",
        "--out",
        dir.to_str().unwrap()
    ])
    .status
    .success());
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        for method in ["bicgstab", "jacobi"] {
            let out = d.join(format!("{threads}-{method}.csv"));
            let o = plenty(&[
                "values",
                dir.to_str().unwrap(),
                "--threads",
                threads,
                "--method",
                method,
                "-o",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", text(&o).1);
            let body: String = std::fs::read_to_string(&out)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("# command"))
                .collect::<Vec<_>>()
                .join("\n");
            outs.push((method, body));
        }
    }
    assert!(
        outs[0] == outs[2],
        "bicgstab differs between 1 and 2 threads"
    );
    assert!(outs[1] == outs[3], "jacobi differs between 1 and 2 threads");
    // Dense LU too, large enough for the factorisation to run in parallel.
    let small = d.join("eco-small");
    assert!(plenty(&[
        "generate",
        "--n",
        "2500",
        "--k",
        "10",
        "--out",
        small.to_str().unwrap()
    ])
    .status
    .success());
    let mut dense = Vec::new();
    for threads in ["1", "2"] {
        let out = d.join(format!("{threads}-lu.csv"));
        let o = plenty(&[
            "values",
            small.to_str().unwrap(),
            "--method",
            "dense-lu",
            "--threads",
            threads,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
        dense.push(
            std::fs::read_to_string(&out)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("# command"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    assert!(
        dense[0] == dense[1],
        "the dense LU differs between 1 and 2 threads"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn an_unproductive_economy_is_an_answer_with_the_sectors_named() {
    let o = plenty(&["check", "crates/plenty-cli/tests/data/unproductive.toml"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(out.contains("not productive"), "{out}");
    assert!(
        out.contains("the cycle among steel, coal has ρ = 1.039230"),
        "{out}"
    );
    assert!(err.contains("ρ(A) = 1.0392"), "{err}");
    // Issue #10: the verdict and the cycle agree about certainty (the cycle's own lower bound
    // is a lower bound of ρ(A)).
    assert!(
        out.contains("ρ(A) = 1.039230 (certain bounds [1.039230, 1.039230]"),
        "{out}"
    );
    assert!(!out.contains("straddle"), "{out}");
    let o = plenty(&[
        "values",
        "crates/plenty-cli/tests/data/unproductive.toml",
        "--method",
        "jacobi",
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("the cycle among steel, coal"), "{err}");
}

/// Issue #10, 1: every command that solves `(I − A)` refuses an unproductive economy with
/// `check`'s diagnosis and exit code 1, whatever the method, and prints no table.
#[test]
fn issue_10_unproductive_economies_are_refused_by_every_solving_command() {
    let d = temp("issue-10-unproductive");
    let unproductive = "crates/plenty-cli/tests/data/unproductive.toml";
    let pymrio = d.join("pymrio");
    let runs: Vec<Vec<&str>> = vec![
        vec!["values", unproductive],
        vec!["values", unproductive, "--method", "bicgstab"],
        vec!["values", unproductive, "--method", "jacobi"],
        vec!["multipliers", unproductive],
        vec!["leontief", unproductive],
        vec!["leontief", unproductive, "--inverse"],
        vec![
            "convert",
            unproductive,
            "--to",
            "pymrio",
            "--out",
            pymrio.to_str().unwrap(),
        ],
    ];
    for args in runs {
        let o = plenty(&args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out}{err}");
        assert!(
            err.contains("the economy is not productive"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("ρ(A) = 1.039230 (certain bounds [1.039230, 1.039230]"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("the cycle among steel, coal has ρ = 1.039230 ≥ 1 (certain"),
            "{args:?}: {err}"
        );
        assert!(
            !out.contains("labour_value") && !out.contains("gross_output"),
            "{args:?}: {out}"
        );
    }
    assert!(!pymrio.join("Z.txt").exists());

    // A two-sector labelled CSV with ρ = 0.4 + sqrt(0.7 · 0.8) = 1.148.
    let a = d.join("A.csv");
    std::fs::write(&a, "product,iron,coke\niron,0.4,0.7\ncoke,0.8,0.4\n").unwrap();
    let l = d.join("l.csv");
    std::fs::write(&l, "1\n2\n").unwrap();
    for cmd in ["values", "multipliers", "leontief"] {
        let o = plenty(&[
            cmd,
            a.to_str().unwrap(),
            "--labour",
            l.to_str().unwrap(),
            "--demand",
            l.to_str().unwrap(),
        ]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {out}{err}");
        assert!(err.contains("ρ(A) = 1.148331"), "{cmd}: {err}");
        assert!(err.contains("the cycle among iron, coke"), "{cmd}: {err}");
    }

    // A real table with one flow set to 1e20: the column's coefficient explodes.
    let spec =
        std::fs::read_to_string(crate::common::root().join("examples/specs/germany_1995.toml"))
            .unwrap()
            .replace("../../data/eurostat_manual_examples/", "");
    std::fs::write(d.join("germany.toml"), spec).unwrap();
    let table = std::fs::read_to_string(
        crate::common::root().join("data/eurostat_manual_examples/Beutel_15_4.csv"),
    )
    .unwrap();
    let mut lines: Vec<String> = table.lines().map(String::from).collect();
    let row = lines.iter().position(|l| l.starts_with("cpa_c,")).unwrap();
    let mut cells: Vec<String> = lines[row].split(',').map(String::from).collect();
    // Manufacturing's use of its own products.
    cells[6] = "1e20".into();
    lines[row] = cells.join(",");
    std::fs::write(d.join("Beutel_15_4.csv"), lines.join("\n") + "\n").unwrap();
    let o = plenty(&["values", d.join("germany.toml").to_str().unwrap()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("the economy is not productive"), "{err}");
    assert!(err.contains("manufacturing_group"), "{err}");
    std::fs::remove_dir_all(&d).ok();
}

/// Issue #10, 1: a productive economy's answers name how productivity was certified, at the
/// cost of one product with `A` when the right-hand side is positive.
#[test]
fn issue_10_productive_answers_carry_their_certificate() {
    let d = temp("issue-10-certificate");
    let j = d.join("v.json");
    let o = plenty(&[
        "values",
        "examples/specs/uk_2010.toml",
        "-o",
        j.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&j);
    // Some UK products have no final demand and some no compensation of their own: the
    // answers alone give a bound of 1, and a few products from them settle it.
    let proof = &v["summary"]["productivity"];
    assert_eq!(proof["by"], "bounds", "{proof}");
    assert!(proof["iterations"].as_u64().unwrap() <= 10, "{proof}");
    let bound = proof["upper_bound"].as_f64().unwrap();
    assert!(bound < 1.0, "{proof}");
    // Output multipliers solve against 1 > 0: the answer certifies by itself.
    let m = d.join("m.json");
    let o = plenty(&[
        "multipliers",
        "examples/specs/uk_2010.toml",
        "-o",
        m.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let proof = &json_of(&m)["summary"]["productivity"];
    assert_eq!(proof["by"], "solution", "{proof}");
    assert_eq!(proof["answer"], "output multipliers", "{proof}");
    assert!(proof["upper_bound"].as_f64().unwrap() < 1.0, "{proof}");
    // The certificate is a bound on ρ(A): check reports ρ itself, which must lie below it.
    let c = d.join("check.json");
    let o = plenty(&[
        "check",
        "examples/specs/uk_2010.toml",
        "-o",
        c.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let rho = json_of(&c)["summary"]["spectral_radius"]["rho"]
        .as_f64()
        .unwrap();
    assert!(rho <= bound, "ρ = {rho}, certified bound {bound}");
    std::fs::remove_dir_all(&d).ok();
}

/// Issue #10, 2: `leontief --inverse` writes the whole inverse, wide, in every format, and the
/// gross-output table beside it rather than dropping either.
#[test]
fn issue_10_the_whole_inverse_is_written_in_every_format() {
    let d = temp("issue-10-inverse");
    let spec = "examples/specs/germany_1995.toml";
    let json = d.join("L.json");
    let o = plenty(&["leontief", spec, "--inverse", "-o", json.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let reference = json_of(&json)["tables"]["leontief_inverse"].clone();
    let products: Vec<String> = reference["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert_eq!(products.len(), 6);
    let entry = |i: usize, j: usize| reference["columns"][&products[j]][i].as_f64().unwrap();
    // The published diagonal of the Eurostat Manual's table 15.4 (4 digits).
    assert_eq!((entry(0, 0) * 1e4).round() / 1e4, 1.0339);

    let csv = d.join("L.csv");
    let o = plenty(&["leontief", spec, "--inverse", "-o", csv.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("L.gross_output.csv"), "{err}");
    let text_csv = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<String>> = text_csv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 7, "{text_csv}");
    assert_eq!(rows[0][1..], products[..]);
    for i in 0..6 {
        for j in 0..6 {
            assert_eq!(rows[i + 1][j + 1].parse::<f64>().unwrap(), entry(i, j));
        }
    }
    let beside = std::fs::read_to_string(d.join("L.gross_output.csv")).unwrap();
    assert!(beside.contains("gross_output"), "{beside}");

    let pq = d.join("L.parquet");
    let o = plenty(&["leontief", spec, "--inverse", "-o", pq.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let (table, _) = plenty_io::output::read_parquet(&pq).unwrap();
    assert_eq!(table.columns.len(), 6);
    for (j, c) in table.columns.iter().enumerate() {
        assert_eq!(c.name, products[j]);
        for i in 0..6 {
            assert_eq!(c.values[i], entry(i, j));
        }
    }
    let (gross, _) = plenty_io::output::read_parquet(&d.join("L.gross_output.parquet")).unwrap();
    assert!(gross.columns.iter().any(|c| c.name == "gross_output"));
    std::fs::remove_dir_all(&d).ok();
}

/// Issue #10, smaller things: a plain CSV with the provenance beside it, chosen columns, and
/// terminal tables that fit their width.
#[test]
fn issue_10_sidecar_provenance_chosen_columns_and_stacked_tables() {
    let d = temp("issue-10-output");
    let csv = d.join("m.csv");
    let o = plenty(&[
        "multipliers",
        "examples/specs/uk_2010.toml",
        "-o",
        csv.to_str().unwrap(),
        "--provenance",
        "sidecar",
        "--columns",
        "output_multiplier,gva_effect",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let body = std::fs::read_to_string(&csv).unwrap();
    assert!(
        body.starts_with("product,output_multiplier,gva_effect\n"),
        "{body}"
    );
    assert_eq!(body.lines().count(), 128);
    let side = json_of(&d.join("m.provenance.json"));
    assert_eq!(side["provenance"]["input_hash"].as_str().unwrap().len(), 64);
    assert_eq!(side["files"][0], csv.to_str().unwrap());

    let o = plenty(&[
        "multipliers",
        "examples/specs/uk_2010.toml",
        "--columns",
        "gva_typo",
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no result column is called \"gva_typo\""),
        "{err}"
    );
    assert!(err.contains("gva_type_i"), "{err}");

    // Not a terminal: 100 characters, so the seven multiplier columns are stacked.
    let o = plenty(&[
        "multipliers",
        "examples/specs/uk_2010.toml",
        "--max-rows",
        "3",
    ]);
    let (out, _) = text(&o);
    assert!(o.status.success());
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    assert_eq!(out.matches("\nproduct ").count(), 2, "{out}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn bad_input_exits_2_with_the_place_named() {
    let d = temp("bad");
    let cases: Vec<(String, &str)> = vec![
        (
            "[[product]]\nname = \"a\"\n[[process]]\nproduct = \"b\"\nlabour = 1\n".into(),
            "bad.toml:4:11: the process's product \"b\" is not a [[product]]",
        ),
        (
            "[[product]]\nname = \"a\"\n[[process]]\nproduct = \"a\"\nlabour = inf\n".into(),
            "bad.toml:5:10: labour is inf",
        ),
    ];
    for (body, want) in cases {
        let p = d.join("bad.toml");
        std::fs::write(&p, body).unwrap();
        let o = plenty(&["values", p.to_str().unwrap()]);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}\nwanted: {want}");
    }
    let p = d.join("m.csv");
    std::fs::write(&p, "product,a,b\na,0.1,0.2\nc,0.3,0.1\n").unwrap();
    let o = plenty(&["values", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("m.csv:1:3: column 2 is headed \"b\" but row 2 is labelled \"c\""),
        "{}",
        text(&o).1
    );
    let o = plenty(&["values", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("no such file"));
    let o = plenty(&["values", "examples/village.toml", "--tolerance", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("tolerance must lie in [1e-15, 1)"));
    let o = plenty(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn every_real_table_runs_end_to_end() {
    for spec in [
        "germany_1995",
        "uk_2010",
        "wiod_usa_2014",
        "japan_2011",
        "bea_detail_2017",
    ] {
        let path = format!("examples/specs/{spec}.toml");
        for cmd in ["values", "multipliers", "check"] {
            let o = plenty(&[cmd, &path, "--max-rows", "3"]);
            let (out, err) = text(&o);
            assert!(o.status.success(), "{cmd} {spec}: {err}");
            assert!(!out.is_empty());
        }
    }
}

fn labour_values(v: &serde_json::Value) -> Vec<f64> {
    v["tables"]["labour_values"]["columns"]["labour_value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn every_format_carries_the_same_economy() {
    // A hand-written TOML economy and a real table, converted to every format and read back,
    // give the same labour values.
    let d = temp("convert");
    for (name, input, account) in [
        ("village", "examples/village.toml", "satellites/labour"),
        (
            "germany",
            "examples/specs/germany_1995.toml",
            "satellites/employment",
        ),
    ] {
        let reference = d.join(format!("{name}.json"));
        let o = plenty(&["values", input, "-o", reference.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o).1);
        let want = labour_values(&json_of(&reference));
        let mtx = d.join(format!("{name}-mtx"));
        let trip = d.join(format!("{name}.triplets.csv"));
        let csv = d.join(format!("{name}.coefficients.csv"));
        let pym = d.join(format!("{name}-pymrio"));
        for (to, out) in [
            ("mtx", &mtx),
            ("triplets", &trip),
            ("csv", &csv),
            ("pymrio", &pym),
        ] {
            let o = plenty(&["convert", input, "--to", to, "--out", out.to_str().unwrap()]);
            assert!(o.status.success(), "convert --to {to}: {}", text(&o).1);
        }
        let l = mtx.join("l.csv");
        let dd = mtx.join("d.csv");
        let cases: Vec<Vec<String>> = vec![
            vec![mtx.to_str().unwrap().into()],
            vec![
                trip.to_str().unwrap().into(),
                "--labour".into(),
                l.to_str().unwrap().into(),
                "--demand".into(),
                dd.to_str().unwrap().into(),
            ],
            vec![
                csv.to_str().unwrap().into(),
                "--labour".into(),
                l.to_str().unwrap().into(),
                "--demand".into(),
                dd.to_str().unwrap().into(),
            ],
        ];
        for args in cases {
            let out = d.join("back.json");
            let mut argv: Vec<&str> = vec!["values"];
            argv.extend(args.iter().map(String::as_str));
            argv.extend(["-o", out.to_str().unwrap()]);
            let o = plenty(&argv);
            assert!(o.status.success(), "{argv:?}: {}", text(&o).1);
            let got = labour_values(&json_of(&out));
            for (a, b) in got.iter().zip(&want) {
                assert!((a - b).abs() <= 1e-12 * b.abs(), "{argv:?}: {a} vs {b}");
            }
        }
        // The pymrio folder carries the satellites as totals; name the labour one.
        let out = d.join("back-pymrio.json");
        let o = plenty(&[
            "values",
            pym.to_str().unwrap(),
            "--labour-account",
            account,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
        for (a, b) in labour_values(&json_of(&out)).iter().zip(&want) {
            assert!((a - b).abs() <= 1e-9 * b.abs(), "pymrio {name}: {a} vs {b}");
        }
        let o = plenty(&["values", pym.to_str().unwrap(), "--labour-account", "hours"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            text(&o)
                .1
                .contains(&format!("the economy's satellites are \"{account}\"")),
            "{}",
            text(&o).1
        );
        // The pymrio folder carries the satellites as totals; its multipliers match.
        let m1 = d.join("m1.json");
        let m2 = d.join("m2.json");
        assert!(plenty(&["multipliers", input, "-o", m1.to_str().unwrap()])
            .status
            .success());
        let o = plenty(&[
            "multipliers",
            pym.to_str().unwrap(),
            "-o",
            m2.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
        let om = |p: &Path| -> Vec<f64> {
            json_of(p)["tables"]["multipliers"]["columns"]["output_multiplier"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        for (a, b) in om(&m1).iter().zip(om(&m2).iter()) {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs(),
                "{name} pymrio output multiplier {a} vs {b}"
            );
        }
    }
    std::fs::remove_dir_all(&d).ok();
}

/// A copy of the Czech specification whose final demand takes the whole block, totals and all
/// (issue #10: P3 beside P3_S13, P3_S14, P3_S15, and TFU, TU).
fn czech_with_totals(d: &Path) -> std::path::PathBuf {
    let root = crate::common::root();
    let s = std::fs::read_to_string(root.join("examples/specs/czech_2015.toml"))
        .unwrap()
        .replace("../../data/", &format!("{}/", root.join("data").display()))
        .replace(
            "columns = [\"P3_S14\", \"P3_S15\", \"P3_S13\", \"P51G\", \"P52\", \"P53\", \"P6\"]",
            "columns = { first = \"P3_S14\", last = \"P53\" }",
        );
    let p = d.join("czech_totals.toml");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn issue_10_warnings_are_on_stderr_for_every_command_and_strict_makes_them_exit_2() {
    let d = temp("strict");
    let spec = czech_with_totals(&d);
    let spec = spec.to_str().unwrap();
    let want = "plenty: warning: ";
    let p3 = "final-demand column \"P3\" equals the sum of \"P3_S14\", \"P3_S15\", \"P3_S13\": it is counted twice";
    for cmd in ["values", "multipliers", "leontief", "coefficients", "check"] {
        let o = plenty(&[cmd, spec, "--max-rows", "2"]);
        let (out, err) = text(&o);
        assert!(o.status.success(), "{cmd}: {err}");
        assert!(err.contains(want) && err.contains(p3), "{cmd}: {err}");
        assert!(
            !out.contains(want),
            "{cmd}: warnings belong on standard error: {out}"
        );
        let o = plenty(&[cmd, spec, "--max-rows", "2", "--strict"]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd} --strict: {out}{err}");
        assert!(err.contains(p3), "{cmd} --strict: {err}");
        assert!(
            err.contains(
                "plenty: error: 5 warnings about the input (above); --strict makes warnings errors"
            ),
            "{cmd} --strict: {err}"
        );
        assert!(out.is_empty(), "{cmd} --strict printed results: {out}");
    }
    // The JSON summary records them, apart from the notes.
    let j = d.join("v.json");
    let o = plenty(&["values", spec, "-o", j.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let v = json_of(&j);
    let warnings = v["summary"]["economy"]["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    assert!(warnings[0].as_str().unwrap().contains(p3), "{warnings:?}");
    assert!(v["summary"]["economy"]["notes"].is_array());
    // The specifications as shipped pass --strict.
    for spec in ["czech_2015", "slovakia_2015", "croatia_2010", "uk_2010"] {
        let o = plenty(&[
            "values",
            &format!("examples/specs/{spec}.toml"),
            "--strict",
            "--max-rows",
            "2",
        ]);
        let (_, err) = text(&o);
        assert!(o.status.success(), "{spec}: {err}");
        assert!(!err.contains(want), "{spec}: {err}");
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn issue_10_a_label_twice_in_a_csv_matrix_names_both_lines() {
    let d = temp("dup-label");
    let p = d.join("m.csv");
    std::fs::write(&p, "product,a,b,a\na,0.1,0.2,0\nb,0.3,0.1,0\na,0,0,0.1\n").unwrap();
    let o = plenty(&["values", p.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("m.csv:4: the row label \"a\" is given twice, on lines 2 and 4"),
        "{err}"
    );
    // A matrix separated by semicolons is read as one with commas.
    std::fs::write(&p, "product;a;b\na;0.1;0.2\nb;0.3;0.1\n").unwrap();
    let l = d.join("l.csv");
    std::fs::write(&l, "1\n1\n").unwrap();
    let dm = d.join("d.csv");
    std::fs::write(&dm, "1\n1\n").unwrap();
    let o = plenty(&[
        "values",
        p.to_str().unwrap(),
        "--labour",
        l.to_str().unwrap(),
        "--demand",
        dm.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn issue_10_a_specification_not_in_utf8_names_the_line_on_the_command_line() {
    let d = temp("latin1");
    let p = d.join("spec.toml");
    std::fs::write(&p, b"# Germany\n# \xe4\n[table]\nfile = \"t.csv\"\n").unwrap();
    let o = plenty(&["values", p.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("spec.toml:2: this line is not valid UTF-8; save the file as UTF-8 text"),
        "{err}"
    );
    std::fs::remove_dir_all(&d).ok();
}
