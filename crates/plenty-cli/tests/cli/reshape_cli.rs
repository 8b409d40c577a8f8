//! Issue #17: `plenty aggregate` and `plenty disaggregate` on BEA's 2017 summary table
//! (71 commodities, `examples/specs/bea_summary_2017.toml`), against a NumPy aggregation of the
//! same flows (`Z* = S Z Sᵀ`, `x* = S x`, `Y* = S Y`, `F* = S F`, Miller & Blair 3rd ed.
//! §4.4), and the top-level help's list of inputs.

use crate::common::{json_of, plenty, temp, text};
use plenty_test_support::{peer_python, run_python};

const SPEC: &str = "examples/specs/bea_summary_2017.toml";

/// The 71 sector codes, from the make table's header.
fn codes() -> Vec<String> {
    let t = std::fs::read_to_string(
        crate::common::root().join("data/bea_useeior/Summary_Make_2017_BeforeRedef_17sch.csv"),
    )
    .unwrap();
    let header: Vec<String> = t
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    let a = header.iter().position(|h| h == "111CA").unwrap();
    let b = header.iter().position(|h| h == "GSLE").unwrap();
    header[a..=b].to_vec()
}

const NUMPY: &str = r#"
import sys, numpy as np, pandas as pd
orig, agg, mapping = sys.argv[1], sys.argv[2], sys.argv[3]
def rd(d, f, cols=2):
    return pd.read_csv(f"{d}/{f}", sep="\t", index_col=[0, 1], header=list(range(cols)) if cols > 1 else 0)
m = dict(l.split(",") for l in open(mapping).read().split("\n")[1:] if l)
Z, Y = rd(orig, "Z.txt"), rd(orig, "Y.txt")
x = rd(orig, "x.txt", 1).iloc[:, 0].values
F = pd.read_csv(f"{orig}/satellites/F.txt", sep="\t", index_col=0, header=[0, 1])
sectors = [s for (_, s) in Z.index]
groups = list(dict.fromkeys(m.get(s, s) for s in sectors))
S = np.array([[1.0 if m.get(s, s) == g else 0.0 for s in sectors] for g in groups])
Zs, xs, Ys, Fs = S @ Z.values @ S.T, S @ x, S @ Y.values, F.values @ S.T
Za, Ya = rd(agg, "Z.txt"), rd(agg, "Y.txt")
xa = rd(agg, "x.txt", 1).iloc[:, 0].values
Fa = pd.read_csv(f"{agg}/satellites/F.txt", sep="\t", index_col=0, header=[0, 1]).values
assert [s for (_, s) in Za.index] == groups, (list(Za.index), groups)
rel = lambda a, b: float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1.0)))
print("Z", rel(Za.values, Zs)); print("x", rel(xa, xs)); print("Y", rel(Ya.values, Ys)); print("F", rel(Fa, Fs))
# Value added x - Z'1 per group and in total; total output.
print("va", rel(xa - Za.values.sum(0), S @ (x - Z.values.sum(0))))
print("total_output", abs(xa.sum() - x.sum()) / x.sum())
# Labour values on the aggregate (compensation as labour): v* = l* (I - A*)^-1.
A = Zs / np.where(xs > 0, xs, 1)
l = Fs[0] / np.where(xs > 0, xs, 1)
v = np.linalg.solve((np.eye(len(xs)) - A).T, l)
d = Ys.sum(1)
xsol = np.linalg.solve(np.eye(len(xs)) - A, d)
print("identity", abs(v @ d - l @ xsol) / abs(l @ xsol))
# The output-weighted average of the original labour values, for comparison.
A0 = Z.values / np.where(x > 0, x, 1)
l0 = F.values[0] / np.where(x > 0, x, 1)
v0 = np.linalg.solve((np.eye(len(x)) - A0).T, l0)
avg = (S @ (v0 * x)) / xs
print("weighted_average_gap", float(np.max(np.abs(avg - v) / v)))
print("v", " ".join(repr(float(t)) for t in v))
"#;

fn figures(out: &str) -> std::collections::HashMap<String, String> {
    out.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn issue_17_aggregate_bea_summary_matches_numpy() {
    let d = temp("issue17-aggregate");
    let map = d.join("map.csv");
    // Group the sectors by the first character of their code (1…: agriculture and mining, 3…:
    // manufacturing, …); the GSL… and GF… government sectors into one group.
    let mut text_map = String::from("from,to\n");
    for c in codes() {
        let g = if c.starts_with('G') {
            "government".to_string()
        } else {
            format!("group{}", &c[..1])
        };
        text_map.push_str(&format!("{c},{g}\n"));
    }
    std::fs::write(&map, &text_map).unwrap();
    let (orig, agg) = (d.join("orig"), d.join("agg"));
    let o = plenty(&[
        "convert",
        SPEC,
        "--to",
        "pymrio",
        "-o",
        orig.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let o = plenty(&[
        "aggregate",
        SPEC,
        "--map",
        map.to_str().unwrap(),
        "-o",
        agg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(
        text(&o).1.contains("aggregated 71 sectors into"),
        "{}",
        text(&o).1
    );
    let prov = json_of(&agg.join("provenance.json"));
    assert_eq!(prov["input_hash"].as_str().unwrap().len(), 64);
    // The aggregate is an economy the analysis commands read.
    let v = d.join("v.json");
    let o = plenty(&[
        "values",
        agg.to_str().unwrap(),
        "--labour-account",
        "satellites/compensation",
        "-o",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let vj = json_of(&v);
    let ours: Vec<f64> = vj["tables"]["labour_values"]["columns"]["labour_value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(
        vj["summary"]["identity"]["relative_difference"]
            .as_f64()
            .unwrap()
            < 1e-9,
        "{}",
        vj["summary"]["identity"]
    );
    let Some(py) = peer_python("issue_17_aggregate_bea_summary_matches_numpy") else {
        return;
    };
    let out = run_python(&py, NUMPY, &[&orig, &agg, &map]);
    let f = figures(&out);
    let num = |k: &str| f[k].parse::<f64>().unwrap();
    for k in ["Z", "x", "Y", "F", "va"] {
        assert!(num(k) < 1e-12, "{k}: {out}");
    }
    assert!(num("total_output") < 1e-14, "{out}");
    assert!(num("identity") < 1e-10, "{out}");
    // v* is not the output-weighted average of v (aggregation bias): what holds is the
    // identity on the aggregate, not the averages.
    assert!(num("weighted_average_gap") > 1e-6, "{out}");
    let theirs: Vec<f64> = f["v"].split(' ').map(|t| t.parse().unwrap()).collect();
    assert_eq!(theirs.len(), ours.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
    }
    println!("issue 17 aggregate vs NumPy: {out}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn issue_17_disaggregate_splits_and_aggregates_back() {
    let d = temp("issue17-disaggregate");
    let shares = d.join("shares.csv");
    std::fs::write(
        &shares,
        "sector,part,share\n111CA,crops,0.6\n111CA,animals,0.4\n",
    )
    .unwrap();
    let (split, back, orig) = (d.join("split"), d.join("back"), d.join("orig"));
    let o = plenty(&[
        "convert",
        SPEC,
        "--to",
        "pymrio",
        "-o",
        orig.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let o = plenty(&[
        "disaggregate",
        SPEC,
        "--shares",
        shares.to_str().unwrap(),
        "-o",
        split.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let map = d.join("map.csv");
    std::fs::write(&map, "from,to\ncrops,111CA\nanimals,111CA\n").unwrap();
    let o = plenty(&[
        "aggregate",
        split.to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    // Splitting and aggregating back gives the original flows.
    let z = |dir: &std::path::Path| std::fs::read_to_string(dir.join("Z.txt")).unwrap();
    // Z.txt: two header lines of column labels (region, sector), one of index names.
    let nums = |s: String| -> Vec<f64> {
        s.lines()
            .skip(3)
            .flat_map(|l| {
                l.split('\t')
                    .skip(2)
                    .map(|t| t.parse::<f64>().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let (a, b) = (nums(z(&orig)), nums(z(&back)));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} vs {y}");
    }
    // Errors name the file and line, with a suggestion.
    std::fs::write(&shares, "sector,part,share\n111CB,a,0.5\n111CB,b,0.5\n").unwrap();
    let o = plenty(&[
        "disaggregate",
        SPEC,
        "--shares",
        shares.to_str().unwrap(),
        "-o",
        split.to_str().unwrap(),
    ]);
    let err = text(&o).1;
    assert!(!o.status.success());
    assert!(
        err.contains("shares.csv:2") && err.contains("did you mean \"111CA\""),
        "{err}"
    );
    std::fs::write(&shares, "sector,part,share\n111CA,a,0.5\n111CA,b,0.4\n").unwrap();
    let o = plenty(&[
        "disaggregate",
        SPEC,
        "--shares",
        shares.to_str().unwrap(),
        "-o",
        split.to_str().unwrap(),
    ]);
    assert!(text(&o).1.contains("add up to 0.9"), "{}", text(&o).1);
    std::fs::write(&map, "from,to\n111CB,x\n").unwrap();
    let o = plenty(&[
        "aggregate",
        SPEC,
        "--map",
        map.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    let err = text(&o).1;
    assert!(
        err.contains("map.csv:2") && err.contains("did you mean \"111CA\""),
        "{err}"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn issue_17_top_level_help_lists_the_kinds_of_input() {
    let o = plenty(&["--help"]);
    let (out, _) = text(&o);
    for kind in [
        "economy.toml",
        "spec.toml",
        "pymrio folder",
        "A.mtx",
        "A.csv",
        "planning folder",
        "MPS",
        ".pb",
        "scenario.toml",
        "mapping.csv",
    ] {
        assert!(out.contains(kind), "{kind} missing from:\n{out}");
    }
}
