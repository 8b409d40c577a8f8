//! The IO analyses of issue #17 (`ghosh`, `linkages`, `type2`, `prices`, `extract`,
//! `influence`, `sda`) run as a user would, on real tables from `data/`, each checked against
//! an independent computation in the peer Python: pymrio's `calc_B`/`calc_G` for the Ghosh
//! model, MARIO's `linkages_calculation` and NumPy for the linkages, and NumPy following Miller
//! & Blair's formulas on the tables read straight from their CSV files for the rest.

use crate::common::{json_of, plenty, temp, text};
use plenty_test_support::{mario_python, peer_python_with, run_python};
use std::path::Path;

/// Reads a result table of a JSON report, the UK 2010 table (ONS) and the WIOD USA table
/// straight from their CSV files, without plenty.
const PRELUDE: &str = r#"
import json, sys, numpy as np, pandas as pd
ROOT = sys.argv[1]
def table(path, name):
    t = json.load(open(path))["tables"][name]
    rows = t["rows"]
    # A multi-regional table's rows are [region, sector] pairs.
    index = pd.MultiIndex.from_tuples([tuple(r) for r in rows]) if rows and isinstance(rows[0], list) else rows
    return pd.DataFrame({k: [np.nan if v is None else v for v in vs] for k, vs in t["columns"].items()}, index=index)
def coeff(Z, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x[None, :] > 0, Z / np.where(x == 0, 1, x)[None, :], 0.0)
def uk():
    df = pd.read_csv(ROOT + "/data/uk_ons_ioat_2010/iot_domestic_bp_product_by_product.csv", dtype={"row_code": str}).set_index("row_code")
    cols = list(df.columns)
    s = cols[cols.index("01"):cols.index("NPISH_96") + 1]
    fd = cols[cols.index("Households"):cols.index("Exports of services") + 1]
    Z = df.loc[s, s].astype(float).to_numpy()
    x = df.loc["Total output", s].astype(float).to_numpy()
    return dict(labels=s, Z=Z, x=x, A=coeff(Z, x), y=df.loc[s, fd].astype(float).to_numpy().sum(1),
                C=df.loc[s, "Households"].astype(float).to_numpy(),
                comp=df.loc["Compensation of employees", s].astype(float).to_numpy())
def wiod(year):
    df = pd.read_csv(ROOT + "/data/wiod2016_usa_aus_clptheory/usaiot.csv", dtype={"Year": str})
    df = df[(df.Year == str(year)) & (df.Origin == "Domestic")].set_index("Code")
    cols = list(df.columns)
    s = cols[cols.index("A01"):cols.index("U") + 1]
    fd = cols[cols.index("CONS_h"):cols.index("EXP") + 1]
    Z = df.loc[s, s].astype(float).to_numpy()
    x = df.loc[s, "GO"].astype(float).to_numpy()
    sea = pd.read_csv(ROOT + "/data/wiod2016_usa_aus_clptheory/usasea.csv", dtype={"year": str})
    h = sea[sea.year == str(year)].set_index("code").reindex(s)["H_EMPE"].fillna(0).astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(x > 0, h / np.where(x == 0, 1, x), 0.0)
    return dict(labels=s, A=coeff(Z, x), x=x, y=df.loc[s, fd].astype(float).to_numpy().sum(1), hours=e)
def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))
def L(A):
    return np.linalg.inv(np.eye(A.shape[0]) - A)
"#;

const UK: &str = "examples/specs/uk_2010.toml";

/// Runs `plenty ARGS` and expects success.
fn ok(args: &[&str]) -> String {
    let o = plenty(args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "plenty {args:?} failed:\n{out}\n{err}");
    format!("{out}{err}")
}

/// Runs `plenty ARGS` and expects exit code 2 with all of `needles` in the error.
fn bad(args: &[&str], needles: &[&str]) {
    let o = plenty(args);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "plenty {args:?}:\n{out}\n{err}");
    for n in needles {
        assert!(err.contains(n), "plenty {args:?}: {n:?} not in:\n{err}");
    }
}

/// Runs the peer script (PRELUDE + body) with the workspace root and the files, and parses the
/// JSON object it prints.
fn python(test: &str, modules: &[&str], body: &str, files: &[&Path]) -> Option<serde_json::Value> {
    let py = peer_python_with(test, modules)?;
    Some(python_at(&py, body, files))
}

/// [`python`] with the given interpreter (MARIO's venv of its own).
fn python_at(py: &Path, body: &str, files: &[&Path]) -> serde_json::Value {
    let root = crate::common::root().canonicalize().unwrap();
    let mut args: Vec<&Path> = vec![&root];
    args.extend_from_slice(files);
    let out = run_python(py, &format!("{PRELUDE}\n{body}"), &args);
    serde_json::from_str(out.trim().lines().last().unwrap()).unwrap()
}

fn at_most(v: &serde_json::Value, key: &str, tol: f64) {
    let x = v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"));
    assert!(x <= tol, "{key} = {x:e} > {tol:e} ({v})");
}

#[test]
fn issue_17_ghosh_matches_pymrio_calc_g_on_its_test_system_and_the_uk_2010_table() {
    let d = temp("i17-ghosh");
    let g_test = d.join("ghosh-test.json");
    let out = ok(&[
        "ghosh",
        "data/pymrio_test",
        "--inverse",
        "-o",
        g_test.to_str().unwrap(),
    ]);
    assert!(
        out.contains("identity: the table's primary inputs give x' = x"),
        "{out}"
    );
    let g_uk = d.join("ghosh-uk.json");
    ok(&["ghosh", UK, "--inverse", "-o", g_uk.to_str().unwrap()]);
    let report = json_of(&g_uk);
    assert!(report["provenance"]["input_hash"].as_str().unwrap().len() == 64);
    assert!(report["summary"]["identity_error"].as_f64().unwrap() < 1e-10);
    let Some(r) = python(
        "issue_17_ghosh_matches_pymrio_calc_g",
        &["pymrio"],
        r#"
from pymrio.tools import iomath
res = {}
# pymrio's own test system, from its CSV export.
Z = pd.read_csv(ROOT + "/data/pymrio_test/Z.csv", index_col=[0, 1], header=[0, 1]).to_numpy()
x = pd.read_csv(ROOT + "/data/pymrio_test/x.csv", index_col=[0, 1]).to_numpy().ravel()
B = iomath.calc_B(Z, x)
G = iomath.calc_G(B)                                     # inv(I − B)
G2 = iomath.calc_G(B, L=iomath.calc_L(iomath.calc_A(Z, x)), x=x)  # diag(x)⁻¹ L diag(x)
gi = table(sys.argv[2], "ghosh_inverse").to_numpy()
gh = table(sys.argv[2], "ghosh")
res["test_G"] = rel(gi, G)
res["test_G_via_L"] = rel(gi, G2)
res["test_rows"] = rel(gh["total_forward"], G.sum(1))
res["test_direct"] = rel(gh["direct_forward"], B.sum(1))
v = x - Z.sum(0)
res["test_output"] = rel(gh["output"], v @ G)
# The UK 2010 table (ONS), read from its CSV.
u = uk()
B = iomath.calc_B(u["Z"], u["x"])
G = iomath.calc_G(B)
gi = table(sys.argv[3], "ghosh_inverse").to_numpy()
gh = table(sys.argv[3], "ghosh")
res["uk_G"] = rel(gi, G)
res["uk_rows"] = rel(gh["total_forward"], G.sum(1))
res["uk_normalised"] = rel(gh["total_forward_normalised"], G.sum(1) / G.sum(1).mean())
res["uk_output"] = rel(gh["output"], (u["x"] - u["Z"].sum(0)) @ G)
res["uk_identity"] = rel(gh["output"], u["x"])
print(json.dumps(res))
"#,
        &[&g_test, &g_uk],
    ) else {
        return;
    };
    for k in [
        "test_G",
        "test_G_via_L",
        "test_rows",
        "test_direct",
        "test_output",
    ] {
        at_most(&r, k, 1e-9);
    }
    for k in [
        "uk_G",
        "uk_rows",
        "uk_normalised",
        "uk_output",
        "uk_identity",
    ] {
        at_most(&r, k, 1e-9);
    }
}

#[test]
fn issue_17_linkages_match_mario_and_the_textbook_formula_on_the_uk_2010_table() {
    let d = temp("i17-linkages");
    let ghosh = d.join("l-ghosh.json");
    let out = ok(&["linkages", UK, "-o", ghosh.to_str().unwrap()]);
    assert!(out.contains("key sectors"), "{out}");
    let leontief = d.join("l-leontief.json");
    ok(&[
        "linkages",
        UK,
        "--forward",
        "leontief",
        "-o",
        leontief.to_str().unwrap(),
    ]);
    let direct = d.join("l-direct.json");
    ok(&[
        "linkages",
        UK,
        "--kind",
        "direct",
        "-o",
        direct.to_str().unwrap(),
    ]);
    let Some(mario) = mario_python("issue_17_linkages_match_mario") else {
        return;
    };
    let r = python_at(
        &mario,
        r#"
from mario.compute import primitives as P
u = uk(); A = u["A"]; x = u["x"]; n = len(x)
Lm = L(A)
with np.errstate(divide="ignore", invalid="ignore"):
    B = np.where(x[:, None] > 0, A * x[None, :] / np.where(x == 0, 1, x)[:, None], 0.0)
G = np.linalg.inv(np.eye(n) - B)
res = {}
# Miller & Blair 12.2: power and sensitivity of dispersion, n · sum / total.
bl = Lm.sum(0) / (Lm.sum() / n)
fl_g = G.sum(1) / (G.sum() / n)
fl_l = Lm.sum(1) / (Lm.sum() / n)
g = table(sys.argv[2], "linkages"); l = table(sys.argv[3], "linkages"); dd = table(sys.argv[4], "linkages")
res["bl"] = rel(g["backward_normalised"], bl)
res["fl_ghosh"] = rel(g["forward_normalised"], fl_g)
res["fl_leontief"] = rel(l["forward_normalised"], fl_l)
res["direct_b"] = rel(dd["backward_normalised"], A.sum(0) / A.sum(0).mean())
res["direct_f"] = rel(dd["forward_normalised"], B.sum(1) / B.sum(1).mean())
key = (bl > 1) & (fl_g > 1)
res["key_mismatch"] = float(np.sum(key != (g["key_sector"].to_numpy() == 1)))
res["key_count"] = float(key.sum())
# MARIO's linkages on the same matrices (diagonal kept, as Rasmussen and ioanalysis do).
idx = pd.MultiIndex.from_tuples([("UK", "Sector", s) for s in u["labels"]])
f = lambda m: pd.DataFrame(m, index=idx, columns=idx)
E = P._ENUM
m = P.linkages_calculation(False, {E.g: f(G), E.w: f(Lm), E.b: f(B), E.z: f(A)}, False, True)
res["mario_total_forward"] = rel(g["forward_normalised"], m["Total Forward"])
res["mario_total_backward"] = rel(g["backward_normalised"], m["Total Backward"])
res["mario_direct_forward"] = rel(dd["forward_normalised"], m["Direct Forward"])
res["mario_direct_backward"] = rel(dd["backward_normalised"], m["Direct Backward"])
print(json.dumps(res))
"#,
        &[&ghosh, &leontief, &direct],
    );
    for k in [
        "bl",
        "fl_ghosh",
        "fl_leontief",
        "direct_b",
        "direct_f",
        "mario_total_forward",
        "mario_total_backward",
        "mario_direct_forward",
        "mario_direct_backward",
    ] {
        at_most(&r, k, 1e-9);
    }
    assert_eq!(r["key_mismatch"].as_f64(), Some(0.0), "{r}");
    assert!(r["key_count"].as_f64().unwrap() > 0.0, "{r}");
}

#[test]
fn issue_17_type2_matches_the_closed_model_built_with_numpy_on_the_uk_2010_table() {
    let d = temp("i17-type2");
    let t = d.join("t.json");
    let out = ok(&[
        "type2",
        UK,
        "--income",
        "compensation",
        "--households",
        "Households",
        "-o",
        t.to_str().unwrap(),
    ]);
    assert!(out.contains("Type II / Type I income multiplier"), "{out}");
    let Some(r) = python(
        "issue_17_type2_matches_numpy",
        &[],
        r#"
u = uk(); A = u["A"]; x = u["x"]; n = len(x)
with np.errstate(divide="ignore", invalid="ignore"):
    hr = np.where(x > 0, u["comp"] / np.where(x == 0, 1, x), 0.0)
hc = u["C"] / u["comp"].sum()               # M&B 6.2: consumption per unit of household income
Abar = np.zeros((n + 1, n + 1)); Abar[:n, :n] = A; Abar[:n, n] = hc; Abar[n, :n] = hr
Lbar = L(Abar); Lm = L(A)
t = table(sys.argv[2], "type_ii")
res = {}
res["output_i"] = rel(t["output_type_i"], Lm.sum(0))
res["output_ii"] = rel(t["output_type_ii"], Lbar[:n, :n].sum(0))
res["output_ii_total"] = rel(t["output_type_ii_total"], Lbar[:, :n].sum(0))
res["income_ii"] = rel(t["income_type_ii_effect"], Lbar[n, :n])
ok = hr > 0
res["income_mult_ii"] = rel(t["income_type_ii"][ok], Lbar[n, :n][ok] / hr[ok])
res["ratio"] = rel(t["income_ratio"][ok], (Lbar[n, :n][ok] / hr[ok]) / ((hr @ Lm)[ok] / hr[ok]))
res["ratio_spread"] = float(np.nanmax(t["income_ratio"]) - np.nanmin(t["income_ratio"]))
res["ii_above_i"] = float(np.sum(t["output_type_ii"] < t["output_type_i"]))
print(json.dumps(res))
"#,
        &[&t],
    ) else {
        return;
    };
    for k in [
        "output_i",
        "output_ii",
        "output_ii_total",
        "income_ii",
        "income_mult_ii",
        "ratio",
    ] {
        at_most(&r, k, 1e-9);
    }
    at_most(&r, "ratio_spread", 1e-9);
    assert_eq!(r["ii_above_i"].as_f64(), Some(0.0), "{r}");
}

#[test]
fn issue_17_prices_cost_push_and_profit_rate_match_numpy_on_real_tables() {
    let d = temp("i17-prices");
    // +5 % of output value in the cost of electricity (35-1), nothing elsewhere.
    let labels: Vec<String> = {
        let csv = std::fs::read_to_string(
            crate::common::root()
                .join("data/uk_ons_ioat_2010/iot_domestic_bp_product_by_product.csv"),
        )
        .unwrap();
        let mut v = Vec::new();
        let mut on = false;
        for line in csv.lines().skip(1) {
            let code = line
                .split(',')
                .next()
                .unwrap()
                .trim_matches('"')
                .to_string();
            on |= code == "01";
            if on {
                v.push(code.clone());
            }
            if code == "NPISH_96" {
                break;
            }
        }
        v
    };
    let change: String = labels
        .iter()
        .map(|c| format!("{c},{}\n", if c == "35-1" { 0.05 } else { 0.0 }))
        .collect();
    let cp = d.join("change.csv");
    std::fs::write(&cp, format!("product,change\n{change}")).unwrap();
    let c = d.join("cost.json");
    let out = ok(&[
        "prices",
        UK,
        "--cost-push",
        cp.to_str().unwrap(),
        "-o",
        c.to_str().unwrap(),
    ]);
    assert!(out.contains("identity: base prices are 1"), "{out}");
    let report = json_of(&c);
    assert!(report["summary"]["identity_error"].as_f64().unwrap() < 1e-12);
    // The change file is an input, hashed in the provenance.
    let inputs = report["provenance"]["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i["path"].as_str().unwrap().ends_with("change.csv")
                && i["sha256"].as_str().unwrap().len() == 64),
        "{}",
        report["provenance"]
    );
    let p = d.join("pp.json");
    ok(&[
        "prices",
        "examples/specs/wiod_usa_2014.toml",
        "--profit-rate",
        "0.1",
        "-o",
        p.to_str().unwrap(),
    ]);
    let Some(r) = python(
        "issue_17_prices_match_numpy",
        &[],
        r#"
u = uk(); A = u["A"]; n = len(u["x"])
vc = 1 - A.sum(0)
delta = np.array([0.05 if s == "35-1" else 0.0 for s in u["labels"]])
Lm = L(A)
t = table(sys.argv[2], "cost_push")
res = {"base": rel(t["base_price"], vc @ Lm), "prices": rel(t["price"], (vc + delta) @ Lm),
       "change": rel(t["price_change"], delta @ Lm)}
w = wiod(2014)
pp = table(sys.argv[3], "prices")
res["profit"] = rel(pp["price"], w["hours"] @ np.linalg.inv(np.eye(len(w["x"])) - 1.1 * w["A"]))
res["values"] = rel(pp["labour_value"], w["hours"] @ L(w["A"]))
print(json.dumps(res))
"#,
        &[&c, &p],
    ) else {
        return;
    };
    for k in ["base", "prices", "change", "profit", "values"] {
        at_most(&r, k, 1e-9);
    }
}

#[test]
fn issue_17_extraction_matches_a_numpy_recompute_on_the_uk_2010_table() {
    let d = temp("i17-extract");
    let files: Vec<_> = ["complete", "backward", "forward"]
        .iter()
        .map(|k| {
            let f = d.join(format!("{k}.json"));
            let out = ok(&[
                "extract",
                UK,
                "--sector",
                "35-1,64",
                "--kind",
                k,
                "-o",
                f.to_str().unwrap(),
            ]);
            assert!(out.contains("total output loss"), "{out}");
            f
        })
        .collect();
    let Some(r) = python(
        "issue_17_extraction_matches_numpy",
        &[],
        r#"
u = uk(); A = u["A"]; y = u["y"]; x = u["x"]; n = len(x)
S = [u["labels"].index("35-1"), u["labels"].index("64")]
keep = [k for k in range(n) if k not in S]
x0 = L(A) @ y
res = {}
# Complete (M&B 13.1.1): delete the rows and columns, solve the smaller system.
xr = L(A[np.ix_(keep, keep)]) @ y[keep]
t = table(sys.argv[2], "extraction")
res["complete"] = rel(t["extracted_output"].to_numpy()[keep], xr)
res["complete_T"] = abs(t["loss"].sum() - (x0.sum() - xr.sum())) / x0.sum()
# Backward: columns S of A zeroed.
Ab = A.copy(); Ab[:, S] = 0
t = table(sys.argv[3], "extraction")
res["backward"] = rel(t["extracted_output"], L(Ab) @ y)
# Forward: rows S of B zeroed, x' = v' (I − B̄)⁻¹ with the base primary inputs.
with np.errstate(divide="ignore", invalid="ignore"):
    B = np.where(x[:, None] > 0, A * x[None, :] / np.where(x == 0, 1, x)[:, None], 0.0)
B[S, :] = 0
v = x * (1 - A.sum(0))
t = table(sys.argv[4], "extraction")
res["forward"] = rel(t["extracted_output"], v @ np.linalg.inv(np.eye(n) - B))
print(json.dumps(res))
"#,
        &[&files[0], &files[1], &files[2]],
    ) else {
        return;
    };
    for k in ["complete", "complete_T", "backward", "forward"] {
        at_most(&r, k, 1e-9);
    }
}

#[test]
fn issue_17_field_of_influence_matches_the_recomputed_inverse_on_the_uk_2010_table() {
    let d = temp("i17-influence");
    let f = d.join("f.json");
    ok(&[
        "influence",
        UK,
        "--row",
        "35-1",
        "--column",
        "24-1-3",
        "--epsilon",
        "0.02",
        "--matrix",
        "-o",
        f.to_str().unwrap(),
    ]);
    let small = d.join("small.json");
    ok(&[
        "influence",
        UK,
        "--row",
        "35-1",
        "--column",
        "24-1-3",
        "--epsilon",
        "1e-7",
        "-o",
        small.to_str().unwrap(),
    ]);
    let Some(r) = python(
        "issue_17_influence_matches_numpy",
        &[],
        r#"
u = uk(); A = u["A"]; n = len(u["x"]); y = u["y"]
i = u["labels"].index("35-1"); j = u["labels"].index("24-1-3")
L0 = L(A)
res = {}
for path, eps, key in [(sys.argv[2], 0.02, "exact"), (sys.argv[3], 1e-7, "small")]:
    A1 = A.copy(); A1[i, j] += eps
    dL = L(A1) - L0
    t = table(path, "influence")
    res[key + "_multipliers"] = rel(t["output_multiplier_change"], dL.sum(0))
    res[key + "_output"] = rel(t["output_change"], dL @ y)
    if key == "exact":
        res["matrix"] = rel(table(path, "leontief_change").to_numpy(), dL)
    else:
        # Field of influence F = L(·,i) L(j,·) against the finite difference (L(ε) − L)/ε.
        F = np.outer(t["leontief_column_i"], t["leontief_row_j"])
        res["field_vs_fd"] = rel(F, dL / eps)
print(json.dumps(res))
"#,
        &[&f, &small],
    ) else {
        return;
    };
    for k in ["exact_multipliers", "exact_output", "matrix"] {
        at_most(&r, k, 1e-9);
    }
    // A finite difference at ε = 1e-7 agrees with the first-order field to O(ε) and rounding.
    at_most(&r, "field_vs_fd", 1e-5);
    at_most(&r, "small_multipliers", 1e-5);
}

#[test]
fn issue_17_sda_of_wiod_usa_2010_to_2014_adds_up_and_matches_numpy() {
    let d = temp("i17-sda");
    let f = d.join("sda.json");
    let out = ok(&[
        "sda",
        "examples/specs/wiod_usa_2010.toml",
        "--second",
        "examples/specs/wiod_usa_2014.toml",
        "--satellite",
        "hours",
        "-o",
        f.to_str().unwrap(),
    ]);
    assert!(out.contains("identity residual"), "{out}");
    let report = json_of(&f);
    assert!(report["summary"]["relative_residual"].as_f64().unwrap() < 1e-12);
    assert!(
        report["summary"]["satellite_relative_residual"]
            .as_f64()
            .unwrap()
            < 1e-12
    );
    // Both specifications and their data files are hashed.
    assert!(report["provenance"]["inputs"].as_array().unwrap().len() >= 4);
    let Some(r) = python(
        "issue_17_sda_matches_numpy",
        &[],
        r#"
w0, w1 = wiod(2010), wiod(2014)
L0, L1 = L(w0["A"]), L(w1["A"]); y0, y1 = w0["y"], w1["y"]
dL, dy = L1 - L0, y1 - y0
t = table(sys.argv[2], "decomposition")
tech = 0.5 * (dL @ y0 + dL @ y1); dem = 0.5 * (L0 @ dy + L1 @ dy)
res = {"tech": rel(t["technology"], tech), "demand": rel(t["final_demand"], dem),
       "change": rel(t["change"], L1 @ y1 - L0 @ y0),
       "identity": rel(tech + dem, L1 @ y1 - L0 @ y0)}
e0, e1 = w0["hours"], w1["hours"]
x00, x11, x10, x01 = L0 @ y0, L1 @ y1, L1 @ y0, L0 @ y1
res["hours_tech"] = rel(t["hours_technology"], 0.5 * (e1 * (x10 - x00) + e0 * (x11 - x01)))
res["hours_intensity"] = rel(t["hours_intensity"], 0.5 * (e1 - e0) * (x00 + x11))
print(json.dumps(res))
"#,
        &[&f],
    ) else {
        return;
    };
    for k in [
        "tech",
        "demand",
        "change",
        "identity",
        "hours_tech",
        "hours_intensity",
    ] {
        at_most(&r, k, 1e-9);
    }
}

#[test]
fn issue_17_each_analysis_command_names_bad_input() {
    let d = temp("i17-bad");
    let short = d.join("short.csv");
    std::fs::write(&short, "1\n2\n3\n").unwrap();
    let s = short.to_str().unwrap();
    bad(
        &["ghosh", UK, "--primary-inputs", s],
        &["short.csv", "--primary-inputs has 3 numbers"],
    );
    bad(
        &["linkages", UK, "--critical", "NaN"],
        &["critical value", "finite"],
    );
    bad(
        &["type2", UK, "--households", "Nobody"],
        &[
            "no final-demand category called \"Nobody\"",
            "\"Households\"",
        ],
    );
    bad(
        &["type2", UK, "--income", "wages"],
        &["no satellite called \"wages\"", "\"compensation\""],
    );
    bad(&["prices", UK], &["--cost-push FILE", "--profit-rate R"]);
    bad(
        &["prices", UK, "--cost-push", s],
        &["short.csv", "--cost-push has 3 numbers"],
    );
    bad(
        &[
            "prices",
            "examples/specs/wiod_usa_2014.toml",
            "--profit-rate",
            "-2",
        ],
        &["profit rate must be a finite fraction above −1"],
    );
    bad(
        &["extract", UK, "--sector", "35"],
        &["--sector \"35\"", "did you mean", "35-1"],
    );
    bad(
        &[
            "influence",
            UK,
            "--row",
            "35-1",
            "--column",
            "24-1-3",
            "--epsilon",
            "-5",
        ],
        &["would be negative"],
    );
    bad(
        &["influence", UK, "--row", "nope", "--column", "01"],
        &["--row \"nope\""],
    );
    bad(
        &["sda", UK, "--second", "examples/specs/wiod_usa_2014.toml"],
        &[
            "the two tables' sectors differ",
            "same sectors in the same order",
        ],
    );
}
