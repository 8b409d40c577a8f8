//! Issue #17, multi-regional tables: the footprint accounts (`plenty_core::mrio::footprints`)
//! of pymrio's test system (`data/pymrio_test`) and of the two-region USA–Australia 2014 system
//! built from the WIOD national tables (`data/mrio_usa_aus_2014`), against pymrio 0.7's
//! `calc_all` run in the peer Python, and against the reference CSVs exported by pymrio.

use plenty_core::mrio::{footprints, FootprintAccounts, FootprintSettings};
use plenty_io::pymrio;
use plenty_test_support::{data_dir, peer_python_with, workspace_root};
use serde_json::Value;
use std::path::Path;

fn accounts_of(dir: &Path) -> FootprintAccounts {
    let sys = pymrio::read_pymrio(dir).unwrap();
    let mrio = pymrio::to_mrio(&sys).unwrap();
    footprints(&mrio, &FootprintSettings::default()).unwrap()
}

/// `|a − b| ≤ tol · scale`, the scale being the size of the account being compared.
fn check(what: &str, ours: f64, theirs: f64, scale: f64, tol: f64) {
    assert!(
        (ours - theirs).abs() <= tol * scale.max(1e-300),
        "{what}: plenty {ours} vs pymrio {theirs} (scale {scale})"
    );
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Compares every account of every stressor with pymrio's, per region and per region × sector.
fn compare_with_pymrio(acc: &FootprintAccounts, reference: &Value, tol: f64) -> usize {
    let regions: Vec<String> = reference["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let sectors: Vec<String> = reference["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert_eq!(acc.regions, regions);
    assert_eq!(acc.sectors, sectors);
    let mut compared = 0;
    for st in &acc.stressors {
        let r = &reference["accounts"][&st.extension][&st.stressor];
        assert!(
            r.is_object(),
            "pymrio has no {}/{}",
            st.extension,
            st.stressor
        );
        // The CSV export of the test system has no units (pymrio's own folders do).
        if let (Some(unit), Some(ours)) = (r["unit"].as_str(), st.unit.as_deref()) {
            assert_eq!(ours, unit, "{}", st.stressor);
        }
        let scale: f64 = st.pba.iter().map(|v| v.abs()).sum();
        let by_region = [
            ("D_cba_reg", &st.cba),
            ("D_pba_reg", &st.pba),
            ("D_imp_reg", &st.imp),
            ("D_exp_reg", &st.exp),
        ];
        for (key, ours) in by_region {
            for (k, theirs) in numbers(&r[key]).iter().enumerate() {
                check(
                    &format!("{} {key} {}", st.stressor, regions[k]),
                    ours[k],
                    *theirs,
                    scale,
                    tol,
                );
                compared += 1;
            }
        }
        let by_sector = [
            ("D_cba", &st.cba_by_sector),
            ("D_pba", &st.pba_by_sector),
            ("D_imp", &st.imp_by_sector),
            ("D_exp", &st.exp_by_sector),
        ];
        for (key, ours) in by_sector {
            for (i, row) in r[key].as_array().unwrap().iter().enumerate() {
                for (j, theirs) in numbers(row).iter().enumerate() {
                    check(
                        &format!("{} {key} {}/{}", st.stressor, regions[i], sectors[j]),
                        ours.get(i, j),
                        *theirs,
                        scale,
                        tol,
                    );
                    compared += 1;
                }
            }
        }
        // The identities hold to rounding.
        assert!(st.identity.relative_gap < 1e-10, "{:?}", st.identity);
        assert!(st.identity.trade_balance_gap < 1e-10, "{:?}", st.identity);
    }
    compared
}

fn pymrio_reference(python: &Path, arg: &Path) -> Value {
    let script = workspace_root().join("crates/plenty-io/tests/pymrio_footprints.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(arg)
        .env("OPENBLAS_NUM_THREADS", "1")
        .output()
        .expect("the peer Python runs");
    assert!(
        out.status.success(),
        "pymrio failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Reads one of the `D_*_reg_emissions.csv` files pymrio exported: stressor, compartment, then
/// one number per region.
fn exported_reg(path: &Path) -> Vec<(String, Vec<f64>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                format!("{}/{}", cells[0], cells[1]),
                cells[2..].iter().map(|c| c.parse().unwrap()).collect(),
            )
        })
        .collect()
}

#[test]
fn issue_17_footprints_of_the_pymrio_test_system_match_the_exported_reference() {
    let dir = data_dir().join("pymrio_test");
    let acc = accounts_of(&dir);
    assert_eq!(acc.regions.len(), 6);
    assert_eq!(acc.sectors.len(), 8);
    assert!(acc.solve.status.is_converged());
    for (file, cba) in [
        ("D_cba_reg_emissions.csv", true),
        ("D_pba_reg_emissions.csv", false),
    ] {
        let rows = exported_reg(&dir.join(file));
        assert_eq!(rows.len(), 2);
        for (stressor, values) in rows {
            let st = acc
                .stressors
                .iter()
                .find(|s| s.extension == "emissions" && s.stressor == stressor)
                .unwrap();
            let ours = if cba { &st.cba } else { &st.pba };
            let scale: f64 = values.iter().map(|v| v.abs()).sum();
            for (k, v) in values.iter().enumerate() {
                check(
                    &format!("{file} {stressor} reg{}", k + 1),
                    ours[k],
                    *v,
                    scale,
                    1e-10,
                );
            }
        }
    }
    // F_Y is counted in the region of its column (reg1's households emit 62 335 321 kg of
    // emission_type1 directly, in F_Y_emissions.csv).
    let e1 = &acc.stressors[0];
    assert_eq!(e1.stressor, "emission_type1/air");
    assert_eq!(e1.f_y[0], 62335321.0);
}

#[test]
fn issue_17_footprints_of_the_pymrio_test_system_match_pymrio_calc_all() {
    let Some(python) = peer_python_with(
        "issue_17_footprints_of_the_pymrio_test_system_match_pymrio_calc_all",
        &["pymrio"],
    ) else {
        return;
    };
    let acc = accounts_of(&data_dir().join("pymrio_test"));
    let reference = pymrio_reference(&python, Path::new("test"));
    let compared = compare_with_pymrio(&acc, &reference, 1e-10);
    // 3 stressors × (4 accounts × 6 regions + 4 × 48 region × sector cells).
    assert_eq!(compared, 3 * (4 * 6 + 4 * 48));
}

#[test]
fn issue_17_footprints_of_the_built_usa_aus_mrio_match_pymrio_calc_all() {
    let dir = data_dir().join("mrio_usa_aus_2014/pymrio");
    let acc = accounts_of(&dir);
    assert_eq!(acc.regions, vec!["USA", "AUS"]);
    assert_eq!(acc.sectors.len(), 56);
    let hours = &acc.stressors[0];
    assert_eq!(
        (
            hours.extension.as_str(),
            hours.stressor.as_str(),
            hours.unit.as_deref()
        ),
        (
            "employment",
            "hours of employees",
            Some("millions of hours")
        )
    );
    // The production-based hours are the SEA's hours (the table is balanced: x = L y).
    assert!(hours.identity.pba_vs_f < 1e-9, "{:?}", hours.identity);
    let Some(python) = peer_python_with(
        "issue_17_footprints_of_the_built_usa_aus_mrio_match_pymrio_calc_all",
        &["pymrio"],
    ) else {
        return;
    };
    let reference = pymrio_reference(&python, &dir);
    let compared = compare_with_pymrio(&acc, &reference, 1e-9);
    assert_eq!(compared, 2 * (4 * 2 + 4 * 2 * 56));
}

/// The OECD ICIO layout: the extract of the USA–Australia system written in that layout
/// (`data/mrio_usa_aus_2014/icio`, by `build_icio.py`) reads back to the same flows and final
/// demand as the pymrio folder, and to what pymrio's own `parse_oecd` makes of the file.
#[test]
fn issue_17_icio_extract_is_read_as_pymrio_parse_oecd_reads_it() {
    let root = data_dir().join("mrio_usa_aus_2014");
    let file = root.join("icio/ICIO_extract_USA_AUS_2014.csv");
    let icio = plenty_io::icio::read_icio(&file).unwrap();
    let sys = pymrio::read_pymrio(&root.join("pymrio")).unwrap();
    assert_eq!(icio.regions_sectors, sys.regions_sectors);
    assert_eq!(icio.z, sys.z);
    assert_eq!(icio.x, sys.x);
    // USA_HFCE is the households' column of the USA (CONS_h); ROW_HFCE the exports to the rest
    // of the world of both regions.
    let hfce = icio
        .y_columns
        .iter()
        .position(|c| c == &("USA".to_string(), "HFCE".to_string()))
        .unwrap();
    let cons_h = sys
        .y_columns
        .iter()
        .position(|c| c == &("USA".to_string(), "CONS_h".to_string()))
        .unwrap();
    let row = icio.y_columns.iter().position(|c| c.0 == "ROW").unwrap();
    for i in 0..sys.z.nrows() {
        assert_eq!(icio.y.get(i, hfce), sys.y.get(i, cons_h));
        let exp_row: f64 = (0..sys.y.ncols())
            .filter(|&j| sys.y_columns[j].1 == "EXP_ROW")
            .map(|j| sys.y.get(i, j))
            .sum();
        assert!((icio.y.get(i, row) - exp_row).abs() <= 1e-9 * exp_row.abs().max(1.0));
    }
    let fi = &icio.extensions[0];
    assert_eq!(
        fi.rows,
        vec![vec!["TLS".to_string()], vec!["VA".to_string()]]
    );
    assert_eq!(fi.units.as_ref().unwrap()[1], "Million USD");
    // Footprints of value added: the rest of the world is a consumer without sectors.
    let mrio = pymrio::to_mrio(&icio).unwrap();
    assert_eq!(mrio.regions, vec!["USA", "AUS", "ROW"]);
    let acc = footprints(&mrio, &FootprintSettings::default()).unwrap();
    let va = &acc.stressors[1];
    assert!(va.identity.relative_gap < 1e-10, "{:?}", va.identity);
    assert!(va.identity.trade_balance_gap < 1e-10, "{:?}", va.identity);
    assert_eq!(va.pba[2], 0.0);
    assert!(va.imp[2] > 0.0 && va.cba[2] == va.imp[2]);

    let Some(python) = peer_python_with(
        "issue_17_icio_extract_is_read_as_pymrio_parse_oecd_reads_it",
        &["pymrio"],
    ) else {
        return;
    };
    let script = r#"
import sys, json, pymrio
io = pymrio.parse_oecd(sys.argv[1])
print(json.dumps({
    "sectors": [list(s) for s in io.Z.index],
    "z_sum": float(io.Z.to_numpy().sum()),
    "y_cols": [list(c) for c in io.Y.columns],
    "y_sum": float(io.Y.to_numpy().sum()),
    "f_rows": [str(r) for r in io.factor_inputs.F.index],
    "va": [[r, s, float(v)] for (r, s), v in io.factor_inputs.F.loc["VA"].items()],
}))
"#;
    let out: Value =
        serde_json::from_str(&plenty_test_support::run_python(&python, script, &[&file])).unwrap();
    // pymrio sorts the sectors (Index.difference); compare as sets.
    let mut theirs: Vec<(String, String)> = out["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect();
    theirs.sort();
    let mut ours = icio.regions_sectors.clone();
    ours.sort();
    assert_eq!(theirs, ours);
    let mut ycols: Vec<(String, String)> = out["y_cols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect();
    ycols.sort();
    let mut our_cols = icio.y_columns.clone();
    our_cols.sort();
    assert_eq!(ycols, our_cols);
    let z_sum: f64 = icio.z.as_slice().iter().sum();
    let y_sum: f64 = icio.y.as_slice().iter().sum();
    check(
        "sum of Z",
        z_sum,
        out["z_sum"].as_f64().unwrap(),
        z_sum,
        1e-12,
    );
    check(
        "sum of Y",
        y_sum,
        out["y_sum"].as_f64().unwrap(),
        y_sum,
        1e-12,
    );
    assert_eq!(out["f_rows"], serde_json::json!(["TLS", "VA"]));
    let va_theirs = out["va"].as_array().unwrap();
    assert_eq!(va_theirs.len(), icio.regions_sectors.len());
    for t in va_theirs {
        let key = (
            t[0].as_str().unwrap().to_string(),
            t[1].as_str().unwrap().to_string(),
        );
        let j = icio.regions_sectors.iter().position(|p| p == &key).unwrap();
        assert_eq!(fi.f.get(1, j), t[2].as_f64().unwrap(), "{key:?}");
    }
}
