//! Issue #13 (five-year plans): Cockshott's spreadsheets read as they are, his toy optimum, the
//! invariants of every multi-year plan, and agreement with HiGHS on generated instances.

use plenty_core::lp::ipm::{Ipm, IpmSettings};
use plenty_core::lp::pdlp::{Pdlp, PdlpSettings};
use plenty_core::lp::synthetic::{multi_year_economy, MultiYearLpSettings};
use plenty_core::lp::{LpBackend, LpSettings, LpSolution, LpStatus};
use plenty_core::plan::multiyear::{
    multi_year_lp, read_plan, MultiYearEconomy, MultiYearLp, TerminalCondition,
};
use plenty_io::cockshott::read_cockshott_plan;
use plenty_test_support::{data_dir, peer_python, scratch};

/// Σλ of the toy's optimum, as `data/cockshott_5yearplan_toy/README.txt` gives it (HiGHS 1.16;
/// lp_solve prints 8.79729913 on the repository's own LP file).
const TOY_OPTIMUM: f64 = 8.797299129;

fn toy() -> MultiYearEconomy {
    read_cockshott_plan(&data_dir().join("cockshott_5yearplan_toy")).unwrap()
}

fn ipm(lp: &plenty_core::lp::LinearProgram) -> LpSolution {
    Ipm::new(IpmSettings {
        lp: LpSettings {
            tolerance: 1e-10,
            ..Default::default()
        },
        ..Default::default()
    })
    .solve_with_stats(lp)
    .unwrap()
    .0
}

/// The invariants of issue #13 on a solved plan: capital accumulates exactly as the stock rows
/// allow (no stock above last year's, depreciated, plus the investment made a year before), no
/// year uses more labour than it has, and no cell's capacity is exceeded.
fn check_invariants(e: &MultiYearEconomy, m: &MultiYearLp, sol: &LpSolution, tol: f64) {
    let plan = read_plan(e, m, sol);
    for (t, year) in plan.years.iter().enumerate() {
        assert!(
            year.labour_used <= e.labour_available[t] * (1.0 + tol) + tol,
            "year {t}: {} hours used of {}",
            year.labour_used,
            e.labour_available[t]
        );
        for (c, cell) in e.cells.iter().enumerate() {
            let need = cell.per_unit * year.activity[cell.process];
            assert!(
                need <= year.stocks[c] + tol * (1.0 + need),
                "year {t}, cell {c}"
            );
            let allowed = if t == 0 {
                cell.initial_stock
            } else {
                // Investment in year t − lag becomes capacity in year t.
                let prev = &plan.years[t - 1];
                let landed = t
                    .checked_sub(cell.lag)
                    .and_then(|s| m.layout.investment(s, c))
                    .map_or(0.0, |col| sol.x[col]);
                (1.0 - cell.depreciation) * prev.stocks[c] + landed
            };
            assert!(
                year.stocks[c] <= allowed + tol * (1.0 + allowed),
                "year {t}, cell {c}"
            );
        }
    }
}

/// Issue #13: the four spreadsheets of Cockshott's toy read as they are, and the N-year LP
/// reaches his optimum Σλ = 8.797299129 by the interior-point method and by PDLP.
#[test]
fn issue_13_cockshott_toy_reaches_the_published_optimum() {
    let e = toy();
    assert_eq!(e.goods, ["iron", "coal", "corn", "bread"]);
    assert_eq!(e.years(), 5);
    // a = F / X⁰: 1 unit of coal into coal's 6 units of output (flows.csv); l = L⁰ / X⁰.
    assert!(
        e.processes[1].inputs.contains(&(1, 1.0 / 6.0)),
        "{:?}",
        e.processes[1].inputs
    );
    assert_eq!(e.processes[2].labour, 2.0 / 10.0);
    // Cells with stock: iron and coal in every industry, corn in corn's (cap.csv).
    assert_eq!(e.cells.len(), 9);
    let m = multi_year_lp(&e).unwrap();
    let sol = ipm(&m.lp);
    assert_eq!(sol.status, LpStatus::Optimal);
    let plan = read_plan(&e, &m, &sol);
    let err = (plan.total_lambda - TOY_OPTIMUM).abs() / TOY_OPTIMUM;
    assert!(err < 1e-9, "Σλ = {} ({err:.1e})", plan.total_lambda);
    check_invariants(&e, &m, &sol, 1e-8);

    let pdlp = Pdlp::new(PdlpSettings::default())
        .solve(
            &m.lp,
            &LpSettings {
                tolerance: 1e-8,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(pdlp.status, LpStatus::Optimal);
    let err = (pdlp.objective - TOY_OPTIMUM).abs() / TOY_OPTIMUM;
    assert!(err < 1e-7, "PDLP: Σλ = {} ({err:.1e})", pdlp.objective);
}

/// Issue #13: bad spreadsheets are refused with the file, line and column.
#[test]
fn issue_13_bad_spreadsheets_name_the_cell() {
    let dir = scratch("issue_13_bad_spreadsheets_name_the_cell");
    let src = data_dir().join("cockshott_5yearplan_toy");
    for f in ["flows.csv", "cap.csv", "dep.csv", "labtarg.csv"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let dep = std::fs::read_to_string(dir.join("dep.csv")).unwrap();
    std::fs::write(dir.join("dep.csv"), dep.replace("0.06", "six")).unwrap();
    let err = read_cockshott_plan(&dir).unwrap_err().to_string();
    assert!(
        err.contains("dep.csv:2:5") && err.contains("bread") && err.contains("\"six\""),
        "{err}"
    );
    std::fs::write(dir.join("dep.csv"), dep.replace("0.06", "1.5")).unwrap();
    let err = read_cockshott_plan(&dir).unwrap_err().to_string();
    assert!(err.contains("δ in [0, 1]"), "{err}");
    std::fs::write(dir.join("dep.csv"), dep).unwrap();
    let lt = std::fs::read_to_string(dir.join("labtarg.csv")).unwrap();
    std::fs::write(dir.join("labtarg.csv"), lt.replace(",labour", ",hours")).unwrap();
    let err = read_cockshott_plan(&dir).unwrap_err().to_string();
    assert!(
        err.contains("labtarg.csv:1") && err.contains("labour"),
        "{err}"
    );
}

/// Issue #13: on generated instances of Cockshott's model, plenty's Σλ agrees with HiGHS's
/// to 1e-7 relative (only Σλ: its split over the years is not unique), with Cockshott's
/// one-year lags and no terminal condition, and with plenty's two-year lags and terminal
/// conditions.
#[test]
fn issue_13_generated_plans_agree_with_highs() {
    let Some(python) = peer_python("issue_13_generated_plans_agree_with_highs") else {
        return;
    };
    let dir = scratch("issue_13_generated_plans_agree_with_highs");
    let mut files = Vec::new();
    let mut ours = Vec::new();
    // Cockshott's model, then plenty's own: lags of two years and terminal conditions.
    for (n, years, seed) in [(20, 5, 1), (40, 3, 2), (60, 6, 3), (30, 5, 4), (30, 5, 5)] {
        let mut e = multi_year_economy(&MultiYearLpSettings {
            n,
            years,
            seed,
            ..Default::default()
        })
        .unwrap();
        if seed >= 4 {
            for cell in e.cells.iter_mut().step_by(3) {
                cell.lag = 2;
            }
            e.terminal = if seed == 4 {
                TerminalCondition::AtLeastStart
            } else {
                TerminalCondition::Growing { rate: 0.02 }
            };
        }
        let m = multi_year_lp(&e).unwrap();
        let sol = ipm(&m.lp);
        check_invariants(&e, &m, &sol, 1e-7);
        let lp = m.lp;
        assert_eq!(sol.status, LpStatus::Optimal, "n = {n}");
        let path = dir.join(format!("my_{n}_{years}_{seed}.mps"));
        plenty_io::mps::write_mps(&path, &lp).unwrap();
        files.push(path);
        ours.push(sol.objective);
    }
    let toy_path = dir.join("toy.mps");
    let e = toy();
    let m = multi_year_lp(&e).unwrap();
    plenty_io::mps::write_mps(&toy_path, &m.lp).unwrap();
    files.push(toy_path);
    ours.push(ipm(&m.lp).objective);
    let theirs = super::mps::highs(&python, &files);
    for ((file, ours), theirs) in files.iter().zip(&ours).zip(&theirs) {
        assert_eq!(theirs["status"], "Optimal", "{}", file.display());
        let objective = theirs["objective"].as_f64().unwrap();
        let err = (ours - objective).abs() / objective.abs();
        assert!(
            err < 1e-7,
            "{}: {ours} vs HiGHS {objective}",
            file.display()
        );
    }
    // The toy, by HiGHS on plenty's MPS file, is the README's optimum.
    let toy = theirs[5]["objective"].as_f64().unwrap();
    assert!((toy - TOY_OPTIMUM).abs() < 1e-8, "{toy}");
}

/// Issue #13: a generated economy written as Cockshott's spreadsheets reads back as the same
/// plan (`generate-plan --family multi-year` relies on it).
#[test]
fn issue_13_spreadsheets_round_trip_a_generated_economy() {
    let (e, x0) = plenty_core::lp::synthetic::multi_year_economy_with_base(&MultiYearLpSettings {
        n: 30,
        years: 4,
        seed: 7,
        ..Default::default()
    })
    .unwrap();
    let dir = scratch("issue_13_spreadsheets_round_trip_a_generated_economy");
    plenty_io::cockshott::write_cockshott_plan(&dir, &e, &x0).unwrap();
    let back = read_cockshott_plan(&dir).unwrap();
    assert_eq!(back.goods, e.goods);
    assert_eq!(back.cells.len(), e.cells.len());
    let a = ipm(&multi_year_lp(&e).unwrap().lp).objective;
    let b = ipm(&multi_year_lp(&back).unwrap().lp).objective;
    assert!((a - b).abs() <= 1e-9 * a.abs(), "{a} vs {b}");
    // A planning file's economy with resources does not fit the spreadsheets.
    let mut other = e.clone();
    other.terminal = TerminalCondition::AtLeastStart;
    assert!(plenty_io::cockshott::write_cockshott_plan(&dir, &other, &x0).is_err());
}

/// Issue #13: the multi-year planning file's errors name the line and column.
#[test]
fn issue_13_multi_year_files_name_the_bad_entry() {
    use plenty_io::multiyear_file::parse_multi_year;
    let good = std::fs::read_to_string(
        plenty_test_support::workspace_root().join("examples/plans/five_year.toml"),
    )
    .unwrap();
    let path = std::path::Path::new("five_year.toml");
    let loaded = parse_multi_year(path, &good).unwrap();
    assert_eq!(loaded.first_year, 2027);
    assert_eq!(loaded.economy.years(), 5);
    assert_eq!(loaded.economy.terminal, TerminalCondition::AtLeastStart);
    let machines = loaded.economy.cells.iter().find(|c| c.lag == 2).unwrap();
    assert_eq!(loaded.economy.goods[machines.good], "machines");
    // Targets grow 3 % a year from the products' targets.
    let bread = loaded
        .economy
        .goods
        .iter()
        .position(|g| g == "bread")
        .unwrap();
    assert!((loaded.economy.targets[2][bread] - 40.0 * 1.03f64.powi(2)).abs() < 1e-12);
    for (from, to, expect) in [
        (
            "good = \"machines\"\nper_unit = 0.5",
            "good = \"machnes\"\nper_unit = 0.5",
            "did you mean",
        ),
        ("lag = 2 ", "lag = 0 ", "give whole years"),
        (
            "terminal = \"at-least-start\"",
            "terminal = \"forever\"",
            "\"at-least-start\"",
        ),
        ("count = 5", "count = 0", "count is 0"),
        (
            "depreciation = 0.1\n\n[[capital]]\nprocess = \"bread\"",
            "depreciation = 1.1\n\n[[capital]]\nprocess = \"bread\"",
            "between 0 and 1",
        ),
    ] {
        assert!(good.contains(from), "{from}");
        let bad = good.replacen(from, to, 1);
        let err = parse_multi_year(path, &bad).unwrap_err().to_string();
        assert!(
            err.contains(expect) && err.contains("five_year.toml:"),
            "{err}"
        );
        let line = err.split(':').nth(1).unwrap().parse::<usize>().unwrap();
        assert!(line > 1, "{err}");
    }
}
