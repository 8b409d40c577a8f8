//! Golden tests: plenty's results against figures published by others (the Eurostat Manual, the
//! ONS, WIOD, BEA), read from the repository's data/ folder through the import specifications in
//! examples/specs.

#![allow(clippy::needless_range_loop)] // matrix entries read clearest by index

use plenty_core::economy::{output_multipliers, satellite_effects};
use plenty_core::spectral::{spectral_radius, SpectralSettings};
use plenty_core::{Economy, IdentityCheck, LeontiefSolver, Method, SolverSettings};
use plenty_io::spec;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data() -> PathBuf {
    root().join("data")
}

fn load(spec_name: &str) -> spec::LoadedEconomy {
    let p = root().join("examples/specs").join(spec_name);
    spec::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Rounds to `digits` decimals, as a publication prints.
fn printed(x: f64, digits: i32) -> f64 {
    let s = 10f64.powi(digits);
    (x * s).round() / s
}

fn every_method() -> Vec<SolverSettings> {
    [Method::DenseLu, Method::BiCgStab, Method::Jacobi]
        .into_iter()
        .map(|method| SolverSettings {
            method,
            tolerance: 1e-13,
            ..Default::default()
        })
        .collect()
}

#[test]
fn germany_1995_reproduces_the_eurostat_manual() {
    let loaded = load("germany_1995.toml");
    let e = &loaded.economy;
    let refs = json(&data().join("eurostat_manual_examples/reference_values.json"));
    let r = &refs["germany_1995_beutel_table_15_4"];
    assert_eq!(e.n(), 6);
    for settings in every_method() {
        let solver = LeontiefSolver::new(&e.a, settings.clone()).unwrap();
        // The published Leontief diagonal (Beutel table 15.10), to the 4 printed digits.
        let inv = solver.inverse_columns(&[0, 1, 2]).unwrap();
        for (k, want) in floats(&r["published_L_diag_first3"]).iter().enumerate() {
            assert_eq!(
                printed(inv[k].x[k], 4),
                *want,
                "{:?}: L[{k},{k}] = {}",
                settings.method,
                inv[k].x[k]
            );
        }
        // GVA multipliers (GVA per unit of final demand) and employment multipliers, which are
        // the labour values in 1000 persons per MIO EUR.
        let gva = satellite_effects(&solver, e.satellite("gva").unwrap()).unwrap();
        for (k, want) in floats(&r["published_gva_multipliers"]).iter().enumerate() {
            assert_eq!(
                printed(gva.total[k], 4),
                *want,
                "GVA multiplier {k}: {}",
                gva.total[k]
            );
        }
        let emp = satellite_effects(&solver, e.labour_satellite().unwrap()).unwrap();
        for (k, want) in floats(&r["published_employment_multipliers_1000persons_per_MIO_EUR"])
            .iter()
            .enumerate()
        {
            assert_eq!(
                printed(emp.total[k], 4),
                *want,
                "employment multiplier {k}: {}",
                emp.total[k]
            );
        }
        // v·y = total employment (36 428 thousand persons), the identity the manual states.
        let d = e.total_final_demand();
        let x = solver.solve_output(&d).unwrap();
        let id = IdentityCheck::new(&emp.total, &d, &emp.direct, &x.x);
        assert!(id.relative_difference < 1e-12, "{id:?}");
        assert!((id.v_dot_d - 36428.0).abs() < 1e-6 * 36428.0, "{id:?}");
    }
}

/// Reads one of the ONS's own published matrices (row_code,row_label + one column per code).
fn ons_matrix(file: &str, codes: &[String]) -> Vec<Vec<f64>> {
    let t =
        plenty_io::table::RawTable::read(&data().join("uk_ons_ioat_2010").join(file), 1).unwrap();
    let cols: Vec<usize> = codes.iter().map(|c| t.column(c).unwrap()).collect();
    codes
        .iter()
        .map(|c| {
            let r = t.rows.iter().position(|r| &r.cells[0] == c).unwrap();
            cols.iter()
                .map(|&j| t.number_or_zero(r, j).unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn uk_2010_equals_the_ons_published_leontief_inverse_and_effects() {
    let loaded = load("uk_2010.toml");
    let e = &loaded.economy;
    assert_eq!(e.n(), 127);
    let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
    // The ONS's own Leontief inverse, every entry, to 1e-10.
    let ons_l = ons_matrix("ons_leontief_inverse_product_by_product.csv", &e.products);
    let cols: Vec<usize> = (0..e.n()).collect();
    let inv = solver.inverse_columns(&cols).unwrap();
    let mut worst = 0.0f64;
    for j in 0..e.n() {
        for i in 0..e.n() {
            worst = worst.max((inv[j].x[i] - ons_l[i][j]).abs());
        }
    }
    assert!(
        worst < 1e-10,
        "largest difference from the ONS inverse: {worst:e}"
    );
    // Published output multipliers, employment-cost effects and GVA effects, per product.
    let t = plenty_io::table::RawTable::read(
        &data().join("uk_ons_ioat_2010/ons_published_multipliers_and_effects_product.csv"),
        1,
    )
    .unwrap();
    assert_eq!(t.rows.len(), e.n());
    let col = |name: &str| -> Vec<f64> {
        let c = t.column(name).unwrap();
        (0..t.rows.len())
            .map(|r| t.required_number(r, c).unwrap())
            .collect()
    };
    let om = output_multipliers(&solver).unwrap();
    let comp = satellite_effects(&solver, e.satellite("compensation").unwrap()).unwrap();
    let gva = satellite_effects(&solver, e.satellite("gva").unwrap()).unwrap();
    for (ours, theirs, what) in [
        (&om.x, col("Output multiplier"), "output multiplier"),
        (
            &comp.total,
            col("Employment cost effects"),
            "employment-cost effect",
        ),
        (&gva.total, col("GVA effects"), "GVA effect"),
    ] {
        for k in 0..e.n() {
            assert!(
                (ours[k] - theirs[k]).abs() < 1e-10,
                "{what} of {}: plenty {} vs ONS {}",
                e.products[k],
                ours[k],
                theirs[k]
            );
        }
    }
    // Type I multipliers = effect / direct coefficient.
    let pub_comp_mult = col("Employment cost multiplier");
    let pub_gva_mult = col("GVA multiplier");
    for k in 0..e.n() {
        if let Some(m) = comp.type_i[k] {
            assert!(
                (m - pub_comp_mult[k]).abs() < 1e-9 * m.abs().max(1.0),
                "employment-cost multiplier {k}"
            );
        }
        if let Some(m) = gva.type_i[k] {
            assert!(
                (m - pub_gva_mult[k]).abs() < 1e-9 * m.abs().max(1.0),
                "GVA multiplier {k}"
            );
        }
    }
}

#[test]
fn wiod_usa_2014_labour_embodied_in_final_demand_equals_hours_worked() {
    let loaded = load("wiod_usa_2014.toml");
    let e: &Economy = &loaded.economy;
    assert_eq!(e.n(), 56);
    let d = e.total_final_demand();
    let l = e.labour_satellite().unwrap().intensity.clone();
    for settings in every_method() {
        let solver = LeontiefSolver::new(&e.a, settings.clone()).unwrap();
        let (x, v) = solver.solve_both(&d, &l).unwrap();
        let vd: f64 = v.x.iter().zip(&d).map(|(a, b)| a * b).sum();
        // Total hours worked by employees in 2014 (SEA): 262 614.229 million.
        let want = 262_614.229;
        assert!(
            (vd - want).abs() / want < 1e-9,
            "{:?}: v·d = {vd}",
            settings.method
        );
        let id = IdentityCheck::new(&v.x, &d, &l, &x.x);
        assert!(id.relative_difference < 1e-10, "{id:?}");
    }
    // Labour values agree with the folder's independently computed ones (hours per USD).
    let t = plenty_io::table::RawTable::read(
        &data().join("wiod2016_usa_aus_clptheory/computed_usa_2014_labour_values_rawhours.csv"),
        1,
    )
    .unwrap();
    let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
    let v = solver.solve_values(&l).unwrap();
    let c = t.column("labour_value_hours_per_usd").unwrap();
    for (r, row) in t.rows.iter().enumerate() {
        let k = e.product_index(&row.cells[0]).unwrap();
        let want = t.required_number(r, c).unwrap();
        assert!(
            (v.x[k] - want).abs() <= 1e-7 * want.abs().max(1e-12),
            "{}: {} vs {want}",
            row.cells[0],
            v.x[k]
        );
    }
}

#[test]
fn bea_detail_2017_spectral_radius() {
    let loaded = load("bea_detail_2017.toml");
    let e = &loaded.economy;
    assert_eq!(e.n(), 402);
    let est = spectral_radius(&e.a, &SpectralSettings::default());
    assert_eq!(printed(est.rho, 4), 0.4887, "{est:?}");
    assert!(est.certified);
    // Industry by industry: S00201 (state and local government passenger transit) uses more
    // inputs than it makes (column sum 1.59), yet ρ is the same (B D and D B share their
    // non-zero eigenvalues) and the economy is productive.
    let text = std::fs::read_to_string(root().join("examples/specs/bea_detail_2017.toml"))
        .unwrap()
        .replace("../../data", data().to_str().unwrap())
        .replace("\"industry-technology\"", "\"industry-by-industry\"");
    let dir = std::env::temp_dir().join(format!("plenty-golden-bea-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("bea_ixi.toml");
    std::fs::write(&p, text).unwrap();
    let ixi = spec::load(&p).unwrap();
    let k = ixi.economy.product_index("S00201").unwrap();
    let sum = ixi.economy.a.column_sums()[k];
    assert_eq!(printed(sum, 2), 1.59, "{sum}");
    let est2 = spectral_radius(&ixi.economy.a, &SpectralSettings::default());
    assert!(
        (est2.rho - est.rho).abs() < 1e-8,
        "{} vs {}",
        est2.rho,
        est.rho
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn japan_2011_domestic_inverse_reproduces_gross_output() {
    let loaded = load("japan_2011.toml");
    let e = &loaded.economy;
    assert_eq!(e.n(), 13);
    // Recorded output: the row totals of the competitive-import table balance exactly, so the
    // domestic inverse applied to domestic final demand must give back gross output.
    let x_rec = e.recorded_output.clone().unwrap();
    let d = e.total_final_demand();
    let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
    let x = solver.solve_output(&d).unwrap();
    for k in 0..13 {
        assert!(
            (x.x[k] - x_rec[k]).abs() <= 1e-10 * x_rec[k],
            "{}: {} vs {}",
            e.products[k],
            x.x[k],
            x_rec[k]
        );
    }
}

/// Reads a pymrio CSV export table (2 header lines, 2 index columns, then a 3rd header line of
/// index names) as rows of numbers.
fn pymrio_rows(file: &str) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(data().join("pymrio_test").join(file)).unwrap();
    text.lines()
        .skip(3)
        .map(|l| {
            l.split(',')
                .skip(2)
                .map(|c| c.parse::<f64>().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn pymrio_test_system_matches_pymrio_calc_all() {
    let sys = plenty_io::pymrio::read_pymrio(&data().join("pymrio_test")).unwrap();
    let e = plenty_io::pymrio::to_economy(&sys).unwrap();
    assert_eq!(e.n(), 48);
    let refs = json(&data().join("pymrio_test/reference_numbers.json"));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1e-12);
    // x
    let x = e.recorded_output.clone().unwrap();
    for (k, want) in floats(&refs["x"]).iter().enumerate() {
        assert!(close(x[k], *want), "x[{k}]: {} vs {want}", x[k]);
    }
    // L: every entry of pymrio's Leontief inverse (L.csv), and its diagonal and column sums.
    let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
    let cols: Vec<usize> = (0..48).collect();
    let inv = solver.inverse_columns(&cols).unwrap();
    let l_ref = pymrio_rows("L.csv");
    for i in 0..48 {
        for j in 0..48 {
            assert!(
                (inv[j].x[i] - l_ref[i][j]).abs() <= 1e-9 * l_ref[i][j].abs().max(1.0),
                "L[{i},{j}]"
            );
        }
    }
    for (k, want) in floats(&refs["L_diag"]).iter().enumerate() {
        assert!(close(inv[k].x[k], *want), "L diag {k}");
    }
    let om = output_multipliers(&solver).unwrap();
    for (k, want) in floats(&refs["L_colsum"]).iter().enumerate() {
        assert!(
            close(om.x[k], *want),
            "L column sum {k}: {} vs {want}",
            om.x[k]
        );
    }
    // Multipliers M = S L for value added and both emissions.
    let va = e
        .satellites
        .iter()
        .find(|s| s.name.ends_with("Value Added"))
        .expect("value added");
    let m = satellite_effects(&solver, va).unwrap();
    for (k, want) in floats(&refs["va_M"]).iter().enumerate() {
        assert!(
            close(m.total[k], *want),
            "VA multiplier {k}: {} vs {want}",
            m.total[k]
        );
    }
    let m_em = pymrio_rows("M_emissions.csv");
    for (row, name) in ["emission_type1/air", "emission_type2/water"]
        .iter()
        .enumerate()
    {
        let s = e
            .satellites
            .iter()
            .find(|s| s.name.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"));
        let m = satellite_effects(&solver, s).unwrap();
        for k in 0..48 {
            assert!(
                close(m.total[k], m_em[row][k]),
                "{name} multiplier {k}: {} vs {}",
                m.total[k],
                m_em[row][k]
            );
        }
    }
}

#[test]
fn netherlands_2000_compensation_multipliers_match_iotables() {
    let loaded = load("netherlands_2000.toml");
    let e = &loaded.economy;
    let refs = json(&data().join("eurostat_manual_examples/reference_values.json"));
    let r = &refs["netherlands_2000"];
    let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
    let comp = satellite_effects(&solver, e.satellite("compensation").unwrap()).unwrap();
    // Published to 3 or 4 significant digits (e.g. 1.84 is printed without a trailing zero).
    for (k, want) in floats(&r["published_total_compensation_effects_cL"])
        .iter()
        .enumerate()
    {
        assert_eq!(
            printed(comp.total[k], 3),
            *want,
            "compensation effect {k}: {}",
            comp.total[k]
        );
    }
    for (k, want) in floats(&r["published_compensation_typeI_multipliers"])
        .iter()
        .enumerate()
    {
        let m = comp.type_i[k].unwrap();
        assert!(
            (m - want).abs() <= 5e-4,
            "Type I multiplier {k}: {m} vs {want}"
        );
    }
}

#[test]
fn bea_summary_2017_both_technology_assumptions() {
    let loaded = load("bea_summary_2017.toml");
    let e = &loaded.economy;
    assert_eq!(e.n(), 71);
    let est = spectral_radius(&e.a, &SpectralSettings::default());
    assert!(est.certified && est.rho < 1.0, "{est:?}");
    // Recomputed output from final demand matches BEA's commodity output within 1%.
    let solver = LeontiefSolver::new(&e.a, SolverSettings::default()).unwrap();
    let x = solver.solve_output(&e.total_final_demand()).unwrap();
    let rec = e.recorded_output.as_ref().unwrap();
    for k in 0..e.n() {
        assert!(
            (x.x[k] - rec[k]).abs() <= 0.01 * rec[k],
            "{}: {} vs {}",
            e.products[k],
            x.x[k],
            rec[k]
        );
    }
    // The commodity-technology assumption is defined here (square make table) but gives
    // negative coefficients on real data: an error that names the commodities.
    let text = std::fs::read_to_string(root().join("examples/specs/bea_summary_2017.toml"))
        .unwrap()
        .replace("../../data", data().to_str().unwrap())
        .replace("\"industry-technology\"", "\"commodity-technology\"");
    let dir = std::env::temp_dir().join(format!("plenty-golden-bea-ct-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("bea_ct.toml");
    std::fs::write(&p, text).unwrap();
    let err = spec::load(&p).unwrap_err().to_string();
    assert!(
        err.contains("the commodity-technology assumption gives"),
        "{err}"
    );
    assert!(err.contains("used per unit of"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
