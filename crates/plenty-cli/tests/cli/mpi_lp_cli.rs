//! `mpirun -np P plenty lp …` (issue #18, PDLP across ranks), in a build with `--features mpi`:
//! a generated planning LP on 1 rank (`--distributed`), 2 and 4 ranks has the same bits, and
//! agrees with one process (PDLP without crossover, and the exact vertex of the default
//! solver) to the tolerance; the same LP written in shards (`generate-plan --shards`), each rank
//! reading only its own, has the same bits again; a damaged shard stops every rank.

use crate::common::{json_of, plenty, temp, text};
use crate::mpi_cli::{bits, mpirun};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn column(report: &Value, table: &str, name: &str) -> Vec<f64> {
    report["tables"][table]["columns"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no column {name} in {table}"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// `plenty generate-plan ARGS --out DIR/plan`; returns the plan's folder.
fn generate_plan(dir: &Path, args: &[&str]) -> PathBuf {
    let plan = dir.join("plan");
    let mut all = vec!["generate-plan"];
    all.extend_from_slice(args);
    all.extend(["--out", plan.to_str().unwrap(), "-q"]);
    let o = plenty(&all);
    assert!(o.status.success(), "{}", text(&o).1);
    plan
}

#[test]
fn issue_18_mpirun_lp_has_the_same_bits_on_1_2_and_4_ranks_and_agrees_with_one_process() {
    let dir = temp("issue_18_mpirun_lp");
    let plan = generate_plan(&dir, &["--n", "300", "--seed", "18", "--shards", "3"]);
    let mps = plan.join("plan.mps");
    let mps = mps.to_str().unwrap();
    let mut reports = Vec::new();
    for ranks in [1usize, 2, 4] {
        let out = dir.join(format!("lp-{ranks}.json"));
        let out_s = out.to_str().unwrap();
        // A granule of 32 spreads the 301 rows and 601 columns over every rank.
        let mut args = vec!["lp", mps, "--granule", "32", "-o", out_s];
        if ranks == 1 {
            args.push("--distributed");
        }
        let o = mpirun(ranks, &args);
        let (stdout, stderr) = text(&o);
        assert!(o.status.success(), "{ranks} ranks: {stderr}");
        let printed = format!("{stdout}{stderr}");
        assert_eq!(printed.matches("distributed over").count(), 1, "{printed}");
        let r = json_of(&out);
        let block = &r["summary"]["distributed"];
        assert_eq!(block["ranks"], ranks, "{block}");
        let per_rank = block["per_rank"].as_array().unwrap();
        let cols: u64 = per_rank
            .iter()
            .map(|c| c["products"].as_u64().unwrap())
            .sum();
        assert_eq!(cols, 601);
        assert!(per_rank.iter().all(|c| c["products"].as_u64().unwrap() > 0));
        if ranks > 1 {
            assert!(block["bytes_sent_per_iteration"].as_f64().unwrap() > 0.0);
        }
        assert_eq!(r["summary"]["status"], "optimal", "{}", r["summary"]);
        reports.push(r);
    }
    let one = &reports[0];
    for r in &reports[1..] {
        for (table, name) in [("columns", "value"), ("rows", "dual")] {
            assert_eq!(
                bits(&column(r, table, name)),
                bits(&column(one, table, name)),
                "{table}.{name}"
            );
        }
        assert_eq!(r["summary"]["iterations"], one["summary"]["iterations"]);
    }
    // One process: the exact vertex (the default solver) and PDLP's own point.
    let exact = dir.join("exact.json");
    let o = plenty(&["lp", mps, "-o", exact.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let exact = json_of(&exact);
    let want = exact["summary"]["objective"].as_f64().unwrap();
    let got = one["summary"]["objective"].as_f64().unwrap();
    assert!(
        (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
        "{got} against {want}"
    );
    let c = &one["summary"]["certificate"];
    for m in ["primal_residual", "dual_residual", "relative_gap"] {
        assert!(c[m].as_f64().unwrap() <= 1e-6, "{m}: {c}");
    }
    // The same LP in 3 shards, read by 2 ranks (shards 0 and 2 on rank 0, 1 on rank 1): the
    // bits of the MPS file's run.
    let shards = plan.join("lp-shards");
    let out = dir.join("lp-sharded-2.json");
    let o = mpirun(
        2,
        &[
            "lp",
            shards.to_str().unwrap(),
            "--granule",
            "32",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o).1);
    let r = json_of(&out);
    assert_eq!(r["summary"]["distributed"]["sharded_input"], true);
    for (table, name) in [("columns", "value"), ("rows", "dual"), ("rows", "activity")] {
        assert_eq!(
            bits(&column(&r, table, name)),
            bits(&column(&reports[1], table, name)),
            "sharded {table}.{name}"
        );
    }
    assert_eq!(
        r["summary"]["max_row_violation"],
        reports[1]["summary"]["max_row_violation"]
    );
    // One process reads the shards whole: the same optimum as from the MPS file.
    let whole = dir.join("whole.json");
    let o = plenty(&[
        "lp",
        shards.to_str().unwrap(),
        "-o",
        whole.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(
        json_of(&whole)["summary"]["objective"].as_f64().unwrap(),
        want
    );
}

#[test]
fn issue_18_mpirun_lp_stops_every_rank_on_a_damaged_shard() {
    let dir = temp("issue_18_mpirun_lp_damaged");
    let plan = generate_plan(&dir, &["--n", "40", "--shards", "2"]);
    let damaged = plan.join("lp-shards").join("shard-0001-entries.parquet");
    let mut bytes = std::fs::read(&damaged).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&damaged, bytes).unwrap();
    let shards = plan.join("lp-shards");
    let o = mpirun(2, &["lp", shards.to_str().unwrap(), "--granule", "8"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    let stderr = text(&o).1;
    // Rank 1 read the damaged shard; rank 0 says so, once, naming the file.
    assert_eq!(
        stderr.matches("shard-0001-entries.parquet").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("SHA-256"), "{stderr}");
}

#[test]
fn issue_18_mpirun_lp_refuses_a_backend_that_does_not_run_across_ranks() {
    let dir = temp("issue_18_mpirun_lp_backend");
    let plan = generate_plan(&dir, &["--n", "40"]);
    let mps = plan.join("plan.mps");
    let o = mpirun(2, &["lp", mps.to_str().unwrap(), "--backend", "ipm"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    let stderr = text(&o).1;
    assert_eq!(
        stderr.matches("across ranks plenty runs PDLP only").count(),
        1,
        "{stderr}"
    );
}

fn as_str(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn issue_18_an_lp_run_killed_mid_solve_resumes_from_the_checkpoint_with_the_uninterrupted_bits() {
    use crate::mpi_cli::kill_a_rank_once_checkpointed;
    let dir = temp("issue_18_mpirun_lp_resume");
    let plan = generate_plan(&dir, &["--n", "300", "--seed", "18"]);
    let mps = plan.join("plan.mps");
    let mps = mps.to_str().unwrap();
    let args = |ck: &std::path::Path, out: &std::path::Path| -> Vec<String> {
        [
            "lp",
            mps,
            "--granule",
            "32",
            "--checkpoint",
            ck.to_str().unwrap(),
            "--checkpoint-every",
            "1000",
            "-o",
            out.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec()
    };
    let (ck_whole, ck_killed) = (dir.join("ck-whole"), dir.join("ck-killed"));
    let whole_out = dir.join("whole.json");
    let o = mpirun(2, &as_str(&args(&ck_whole, &whole_out)));
    assert!(o.status.success(), "{}", text(&o).1);
    let whole = json_of(&whole_out);
    let iterations = whole["summary"]["iterations"].as_u64().unwrap();
    assert!(
        iterations > 4000,
        "too quick to be killed: {iterations} iterations"
    );

    // The same run, one rank killed (SIGKILL) once a checkpoint is complete.
    let killed_out = dir.join("killed.json");
    let latest = kill_a_rank_once_checkpointed(&args(&ck_killed, &killed_out), &ck_killed);
    assert!(!killed_out.exists(), "the killed job wrote its report");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&latest).unwrap()).unwrap();
    assert!(saved["step"].as_u64().unwrap() < iterations);

    // Resumed on 2 ranks: the bits of the uninterrupted run.
    let resumed_out = dir.join("resumed.json");
    let mut resume = args(&ck_killed, &resumed_out);
    resume.push("--resume".into());
    let o = mpirun(2, &as_str(&resume));
    assert!(o.status.success(), "{}", text(&o).1);
    let resumed = json_of(&resumed_out);
    assert_eq!(
        resumed["summary"]["iterations"],
        whole["summary"]["iterations"]
    );
    for (table, name) in [("columns", "value"), ("rows", "dual")] {
        assert_eq!(
            bits(&column(&resumed, table, name)),
            bits(&column(&whole, table, name)),
            "{table}.{name}"
        );
    }
    // A resume on another number of ranks is refused, naming the reason.
    let o = mpirun(
        1,
        &as_str(&[resume.clone(), vec!["--distributed".into()]].concat()),
    );
    assert!(!o.status.success());
    assert!(
        text(&o).1.contains("same number of ranks"),
        "{}",
        text(&o).1
    );
}
