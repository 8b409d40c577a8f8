//! Issue #17, section 3: supply tables in the SNA layout (products in rows, industries in
//! columns) and industry output that counts the products left out of the selection.
//!
//! The SNA supply table is built from BEA's 2017 summary make table (`data/bea_useeior`, public
//! domain via USEPA/useeior, MIT) by transposing it, with an import column (`MCIF`) beside the
//! industries as BEA's supply tables have since 2018: the reader must take the industries'
//! columns only.

use plenty_io::spec;
use plenty_test_support::{data_dir, scratch};
use std::path::Path;

const MAKE: &str = "bea_useeior/Summary_Make_2017_BeforeRedef_17sch.csv";
const USE: &str = "bea_useeior/Summary_Use_2017_PRO_BeforeRedef_17sch.csv";

/// The make table as cells (header row first).
fn make_cells() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(data_dir().join(MAKE)).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The SNA supply table: the make table transposed (products in rows, industries in columns),
/// with an import column `MCIF` of 10 % of each product's total.
// The loop walks the make table's columns, which are the supply table's rows.
#[allow(clippy::needless_range_loop)]
fn write_supply(dir: &Path) -> std::path::PathBuf {
    let m = make_cells();
    let (rows, cols) = (m.len(), m[0].len());
    let mut out = String::new();
    for c in 0..cols {
        let mut line: Vec<String> = (0..rows).map(|r| m[r][c].clone()).collect();
        line.push(if c == 0 {
            "MCIF".into()
        } else {
            let total: f64 = m[rows - 1][c].parse().unwrap_or(0.0);
            format!("{}", (total * 0.1).round())
        });
        out.push_str(&line.join(","));
        out.push('\n');
    }
    let p = dir.join("supply.csv");
    std::fs::write(&p, out).unwrap();
    p
}

fn spec_text(file_key: &str, file: &Path, commodities: &str, extra: &str, a: &str) -> String {
    format!(
        "[make_use]\n{file_key} = {file:?}\nuse = {:?}\nindustries = {{ first = \"111CA\", last = \"GSLE\" }}\ncommodities = {commodities}\nfinal_demand = {{ first = \"F010\", last = \"F10N\" }}\nassumption = \"{a}\"\nnegative_flows = \"zero\"\n{extra}\n[[satellite]]\nname = \"compensation\"\nrow = \"V001\"\nlabour = true\n",
        data_dir().join(USE)
    )
}

fn load(dir: &Path, name: &str, text: &str) -> spec::LoadedEconomy {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    spec::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

const SQUARE: &str = "{ first = \"111CA\", last = \"GSLE\" }";
const ALL: &str = "{ first = \"111CA\", last = \"Other\" }";

#[test]
fn issue_17_supply_layout_gives_bit_identical_coefficients() {
    let dir = scratch("issue17-supply");
    let supply = write_supply(&dir);
    let make = data_dir().join(MAKE);
    for a in ["industry-technology", "industry-by-industry"] {
        for (commodities, extra) in [
            (SQUARE, ""),
            (ALL, ""),
            (SQUARE, "industry_output = \"selected-products\""),
        ] {
            let m = load(
                &dir,
                "m.toml",
                &spec_text("make", &make, commodities, extra, a),
            );
            let s = load(
                &dir,
                "s.toml",
                &spec_text("supply", &supply, commodities, extra, a),
            );
            assert_eq!(m.economy.products, s.economy.products);
            assert_eq!(m.economy.a, s.economy.a, "{a} {commodities} {extra}");
            assert_eq!(m.economy.recorded_output, s.economy.recorded_output);
            assert_eq!(m.economy.satellites, s.economy.satellites);
            assert_eq!(m.economy.final_demand, s.economy.final_demand);
        }
    }
    // The commodity-technology assumption refuses both alike (negative coefficients).
    let e = |key: &str, f: &Path| {
        let p = dir.join("ct.toml");
        std::fs::write(&p, spec_text(key, f, SQUARE, "", "commodity-technology")).unwrap();
        spec::load(&p).unwrap_err().to_string()
    };
    let (em, es) = (e("make", &make), e("supply", &supply));
    assert!(em.contains("negative coefficients"), "{em}");
    let tail = |s: &str| s[s.find("gives").unwrap()..].to_string();
    assert_eq!(tail(&em), tail(&es));
    // Naming both files, or neither, is an error that says what to give.
    let p = dir.join("both.toml");
    std::fs::write(
        &p,
        spec_text("make", &make, SQUARE, "", "industry-technology").replace(
            "[make_use]\n",
            &format!("[make_use]\nsupply = {supply:?}\n"),
        ),
    )
    .unwrap();
    let err = spec::load(&p).unwrap_err().to_string();
    assert!(err.contains("exactly one of make"), "{err}");
}

#[test]
fn issue_17_industry_output_counts_the_products_left_out() {
    let dir = scratch("issue17-output");
    let make = data_dir().join(MAKE);
    let a = "industry-technology";
    let old = load(
        &dir,
        "old.toml",
        &spec_text(
            "make",
            &make,
            SQUARE,
            "industry_output = \"selected-products\"",
            a,
        ),
    );
    let new = load(&dir, "new.toml", &spec_text("make", &make, SQUARE, "", a));
    let total = load(
        &dir,
        "total.toml",
        &spec_text(
            "make",
            &make,
            SQUARE,
            "industry_output = { total = \"Total Industry Output\" }",
            a,
        ),
    );
    // The table's own total column, read independently of the loader.
    let m = make_cells();
    let tcol = m[0]
        .iter()
        .position(|h| h == "Total Industry Output")
        .unwrap();
    let published: Vec<f64> = m[1..72].iter().map(|r| r[tcol].parse().unwrap()).collect();
    let used = m[0].iter().position(|h| h == "Used").unwrap();
    let other = m[0].iter().position(|h| h == "Other").unwrap();
    let left_out: Vec<f64> = m[1..72]
        .iter()
        .map(|r| r[used].parse::<f64>().unwrap() + r[other].parse::<f64>().unwrap())
        .collect();
    assert!(left_out.iter().any(|v| *v != 0.0));
    // The new convention: the total column (to BEA's rounding, 1 per cell), not the selection.
    let note = new
        .notes
        .iter()
        .find(|n| n.starts_with("industry output from all"))
        .unwrap();
    assert!(
        note.contains("Used, Other") && note.contains("Total Industry Output"),
        "{note}"
    );
    // The industry-by-industry output is g itself.
    let ixi = |extra: &str, name: &str| {
        load(
            &dir,
            name,
            &spec_text("make", &make, SQUARE, extra, "industry-by-industry"),
        )
        .economy
        .recorded_output
        .unwrap()
    };
    let g_new = ixi("", "gn.toml");
    let g_old = ixi("industry_output = \"selected-products\"", "go.toml");
    let g_total = ixi(
        "industry_output = { total = \"Total Industry Output\" }",
        "gt.toml",
    );
    assert_eq!(g_total, published);
    let mut differ = 0;
    for k in 0..71 {
        assert!(
            (g_new[k] - published[k]).abs() <= 72.0,
            "{k}: {} vs {}",
            g_new[k],
            published[k]
        );
        assert!((g_new[k] - g_old[k] - left_out[k]).abs() < 1e-6);
        if left_out[k] != 0.0 {
            differ += 1;
        }
    }
    assert!(differ > 0);
    // Coefficients differ where the left-out products are: a = u / g.
    let (ao, an, at) = (&old.economy.a, &new.economy.a, &total.economy.a);
    let mut changed = 0;
    for i in 0..71 {
        for j in 0..71 {
            if (ao.get(i, j) - an.get(i, j)).abs() > 1e-12 * ao.get(i, j).abs() {
                changed += 1;
            }
            assert!((an.get(i, j) - at.get(i, j)).abs() <= 1e-3 * at.get(i, j).abs() + 1e-12);
        }
    }
    assert!(changed > 0);
}
