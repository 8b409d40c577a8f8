//! Issue #17, multi-regional tables on the command line: `plenty footprint` on pymrio's test
//! system against the accounts pymrio exported (data/pymrio_test/D_*_reg_emissions.csv), region
//! and sector as separate columns, region prefixes in `--category` and `--region`, and "did you
//! mean" for unknown names.

use crate::common::{json_of, plenty, temp, text};

/// pymrio's exported per-region accounts: stressor/compartment, then one number per region.
fn exported(file: &str) -> Vec<(String, Vec<f64>)> {
    std::fs::read_to_string(crate::common::root().join("data/pymrio_test").join(file))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                format!("{}/{}", c[0], c[1]),
                c[2..].iter().map(|v| v.parse().unwrap()).collect(),
            )
        })
        .collect()
}

#[test]
fn issue_17_footprint_command_matches_pymrio_on_its_test_system() {
    let d = temp("issue17-footprint");
    let out = d.join("fp.json");
    let o = plenty(&[
        "footprint",
        "data/pymrio_test",
        "--by-sector",
        "-o",
        out.to_str().unwrap(),
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("identity Σ_r D_cba = Σ_r D_pba holds"),
        "{err}"
    );
    let j = json_of(&out);
    assert_eq!(j["provenance"]["input_hash"].as_str().unwrap().len(), 64);
    let t = &j["tables"]["footprints"];
    assert_eq!(
        t["row_header"],
        serde_json::json!(["region", "extension", "stressor", "unit"])
    );
    let rows = t["rows"].as_array().unwrap();
    // 3 stressors (2 emissions, value added) × 6 regions.
    assert_eq!(rows.len(), 18);
    for (file, column) in [
        ("D_cba_reg_emissions.csv", "D_cba"),
        ("D_pba_reg_emissions.csv", "D_pba"),
    ] {
        for (stressor, values) in exported(file) {
            for (r, v) in values.iter().enumerate() {
                let region = format!("reg{}", r + 1);
                let k = rows
                    .iter()
                    .position(|row| {
                        row[0] == region.as_str()
                            && row[1] == "emissions"
                            && row[2] == stressor.as_str()
                    })
                    .unwrap();
                let ours = t["columns"][column][k].as_f64().unwrap();
                assert!(
                    (ours - v).abs() <= 1e-9 * v.abs(),
                    "{column} {stressor} {region}: {ours} vs {v}"
                );
            }
        }
    }
    let s = &j["tables"]["footprints_by_sector"];
    assert_eq!(s["row_header"][0], "region");
    assert_eq!(s["row_header"][1], "sector");
    assert_eq!(s["rows"].as_array().unwrap().len(), 3 * 6 * 8);
    assert_eq!(s["rows"][1][1], "mining");

    // CSV: region and sector are columns of their own.
    let csv = d.join("fp.csv");
    let o = plenty(&[
        "footprint",
        "data/pymrio_test",
        "--by-sector",
        "--region",
        "reg2",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut lines = body.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(
        lines.next().unwrap(),
        "region,extension,stressor,unit,D_cba,D_pba,D_imp,D_exp,F_Y"
    );
    assert!(lines.all(|l| l.starts_with("reg2,")));
    let by_sector = std::fs::read_to_string(d.join("fp.footprints_by_sector.csv")).unwrap();
    let header = by_sector.lines().find(|l| !l.starts_with('#')).unwrap();
    assert_eq!(
        header,
        "region,sector,extension,stressor,unit,D_cba,D_pba,D_imp,D_exp"
    );
}

#[test]
fn issue_17_region_prefixes_and_did_you_mean() {
    // --region: a prefix selects every region it starts; an unknown name names the nearest.
    let d = temp("issue17-prefix");
    let out = d.join("fp.json");
    let o = plenty(&[
        "footprint",
        "data/pymrio_test",
        "--region",
        "reg",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(
        json_of(&out)["tables"]["footprints"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        18
    );
    let o = plenty(&["footprint", "data/pymrio_test", "--region", "rgg1"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o).1;
    assert!(err.contains("did you mean \"reg1\"?"), "{err}");
    let o = plenty(&["footprint", "data/pymrio_test", "--extension", "emision"]);
    assert!(
        text(&o).1.contains("did you mean \"emissions\"?"),
        "{}",
        text(&o).1
    );

    // --category reg1 selects reg1's seven final-demand columns: the same gross output as
    // naming them one by one.
    let by_prefix = d.join("prefix.json");
    let o = plenty(&[
        "leontief",
        "data/pymrio_test",
        "--category",
        "reg1",
        "-o",
        by_prefix.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let names = [
        "Final consumption expenditure by households",
        "Final consumption expenditure by non-profit organisations serving households (NPISH)",
        "Final consumption expenditure by government",
        "Gross fixed capital formation",
        "Changes in inventories",
        "Changes in valuables",
        "Export",
    ];
    let mut args: Vec<String> = vec!["leontief".into(), "data/pymrio_test".into()];
    for n in names {
        args.push("--category".into());
        args.push(format!("reg1/{n}"));
    }
    let explicit = d.join("explicit.json");
    args.push("-o".into());
    args.push(explicit.to_str().unwrap().into());
    let o = plenty(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", text(&o).1);
    let (a, b) = (json_of(&by_prefix), json_of(&explicit));
    assert_eq!(a["tables"], b["tables"]);
    let o = plenty(&["leontief", "data/pymrio_test", "--category", "regg1"]);
    let err = text(&o).1;
    assert!(err.contains("did you mean \"reg1\"?"), "{err}");
}

/// `convert --to pymrio` of a pymrio folder writes a folder that pymrio reads back with the same
/// regions, sectors, extensions, stressors, units and numbers as the source (compared in pymrio
/// itself, in the peer Python).
#[test]
fn issue_17_convert_to_pymrio_keeps_regions_extensions_and_units() {
    let d = temp("issue17-convert");
    let out = d.join("back");
    let src = crate::common::root().join("data/mrio_usa_aus_2014/pymrio");
    let o = plenty(&[
        "convert",
        src.to_str().unwrap(),
        "--to",
        "pymrio",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(out.join("employment/F.txt").exists());
    let unit = std::fs::read_to_string(out.join("employment/unit.txt")).unwrap();
    assert!(
        unit.contains("millions of hours") && unit.contains("thousands"),
        "{unit}"
    );
    let Some(python) = plenty_test_support::peer_python_with(
        "issue_17_convert_to_pymrio_keeps_regions_extensions_and_units",
        &["pymrio"],
    ) else {
        return;
    };
    let script = r#"
import sys, numpy as np, pymrio
a, b = pymrio.load_all(sys.argv[1]), pymrio.load_all(sys.argv[2])
assert list(a.get_regions()) == list(b.get_regions()), (a.get_regions(), b.get_regions())
assert list(a.get_sectors()) == list(b.get_sectors())
assert list(a.get_Y_categories()) == list(b.get_Y_categories())
assert list(a.get_extensions()) == list(b.get_extensions()), (list(a.get_extensions()), list(b.get_extensions()))
for name in ["Z", "Y", "x"]:
    pa, pb = getattr(a, name), getattr(b, name)
    assert pa.index.equals(pb.index) and pa.columns.equals(pb.columns), name
    assert np.allclose(pa.to_numpy(float), pb.to_numpy(float), rtol=1e-11, atol=0), name
ea, eb = a.employment, b.employment
assert ea.F.index.equals(eb.F.index) and ea.F.columns.equals(eb.F.columns)
assert np.allclose(ea.F.to_numpy(), eb.F.to_numpy(), rtol=1e-11, atol=0)
assert list(ea.unit["unit"]) == list(eb.unit["unit"]) == ["millions of hours", "thousands"], (ea.unit, eb.unit)
b.calc_all()
print(len(b.get_regions()), len(b.get_sectors()), float(b.employment.D_cba_reg.sum().sum()))
"#;
    let printed = plenty_test_support::run_python(&python, script, &[&src, &out]);
    assert!(printed.starts_with("2 56 "), "{printed}");
}

/// Every output of a multi-regional economy has region and sector as separate columns; a
/// single-region economy keeps its one `product` column.
#[test]
fn issue_17_mrio_outputs_have_region_and_sector_columns() {
    let d = temp("issue17-labels");
    let csv = d.join("x.csv");
    let o = plenty(&["leontief", "data/pymrio_test", "-o", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut lines = body.lines().filter(|l| !l.starts_with('#'));
    assert!(
        lines.next().unwrap().starts_with("region,sector,"),
        "{body}"
    );
    assert!(lines.next().unwrap().starts_with("reg1,food,"), "{body}");
    let o = plenty(&["leontief", "data/pymrio_test"]);
    let (out, _) = text(&o);
    assert!(
        out.contains("region") && out.contains("sector") && out.contains("manufactoring"),
        "{out}"
    );
    let one = d.join("one.csv");
    let o = plenty(&[
        "leontief",
        "examples/village.toml",
        "-o",
        one.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let body = std::fs::read_to_string(&one).unwrap();
    assert!(
        body.lines()
            .find(|l| !l.starts_with('#'))
            .unwrap()
            .starts_with("product,"),
        "{body}"
    );
}
