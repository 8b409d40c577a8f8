//! `mpirun -np P plenty values …` (issue #18), in a build with `--features mpi`: on 1 rank
//! (`--distributed`), 2 and 4 ranks, against the single-process `plenty values` run in the
//! same test. A generated economy above four reduction chunks has the same bits; a golden table
//! (which one process solves with a dense LU) agrees to 1e-8.
//!
//! As root, OpenMPI wants `OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1` in the
//! environment (CI sets them); `--oversubscribe` lets 4 ranks run on 2 cores.

use crate::common::{json_of, plenty, temp, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `mpirun --oversubscribe -np P plenty ARGS` in the workspace root.
pub(crate) fn mpirun(ranks: usize, args: &[&str]) -> Output {
    Command::new("mpirun")
        .args(["--oversubscribe", "-np", &ranks.to_string()])
        .arg(env!("CARGO_BIN_EXE_plenty"))
        .args(args)
        .current_dir(crate::common::root())
        // One thread per rank: 4 ranks share 2 cores (the bits do not depend on it).
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("mpirun runs (install openmpi-bin)")
}

/// A column of a `values` JSON report.
fn column(report: &Value, name: &str) -> Vec<f64> {
    report["tables"]["labour_values"]["columns"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no column {name}"))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

pub(crate) fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// `plenty generate ARGS --out DIR/NAME`, checked; the economy's folder.
fn generate_economy(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend(["--out", out.to_str().unwrap()]);
    let o = plenty(&all);
    assert!(o.status.success(), "{}", text(&o).1);
    out
}

/// `plenty values INPUT ARGS -o OUT` in one process, checked; its JSON report.
fn single_values(input: &str, args: &[&str], out: &Path) -> Value {
    let mut all = vec!["values", input];
    all.extend_from_slice(args);
    all.extend(["-o", out.to_str().unwrap()]);
    let o = plenty(&all);
    assert!(o.status.success(), "{}", text(&o).1);
    json_of(out)
}

/// Runs `values INPUT -o OUT.json EXTRA` on `ranks` ranks (1 rank with `--distributed`) and
/// checks what any distributed report must hold.
fn distributed(ranks: usize, input: &str, out: &Path, extra: &[&str]) -> Value {
    let out_s = out.to_str().unwrap();
    let mut args = vec!["values", input, "-o", out_s];
    args.extend_from_slice(extra);
    if ranks == 1 {
        args.push("--distributed");
    }
    let o = mpirun(ranks, &args);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{ranks} ranks: {stderr}");
    // Only rank 0 prints: one headline (on standard error when the report goes to a file).
    let printed = format!("{stdout}{stderr}");
    assert_eq!(
        printed.matches("distributed over").count(),
        1,
        "{ranks} ranks printed:\n{printed}"
    );
    let r = json_of(out);
    let block = &r["summary"]["distributed"];
    assert_eq!(block["ranks"], ranks, "{block}");
    let per_rank = block["per_rank"].as_array().unwrap();
    assert_eq!(per_rank.len(), ranks);
    let products: u64 = per_rank
        .iter()
        .map(|c| c["products"].as_u64().unwrap())
        .sum();
    assert_eq!(products as usize, column(&r, "labour_value").len());
    assert!(per_rank
        .iter()
        .all(|c| c["peak_memory_bytes"].as_u64().unwrap() > 0));
    if ranks > 1 && per_rank[1]["products"].as_u64().unwrap() > 0 {
        assert!(block["bytes_sent_per_iteration"].as_f64().unwrap() > 0.0);
        assert!(per_rank
            .iter()
            .all(|c| c["ghosts"][0].as_u64().unwrap() + c["ghosts"][1].as_u64().unwrap() > 0));
    }
    r
}

#[test]
fn issue_18_mpirun_values_on_a_generated_economy_has_the_bits_of_one_process() {
    let d = temp("mpi-generated");
    let args = ["--n", "70000", "--k", "6", "--seed", "18"];
    let eco = generate_economy(&d, "economy", &args);
    let eco = eco.to_str().unwrap();
    let single = single_values(eco, &["--method", "bicgstab"], &d.join("single.json"));
    for ranks in [1, 2, 4] {
        let out = d.join(format!("{ranks}.json"));
        let r = distributed(ranks, eco, &out, &["--method", "bicgstab"]);
        for name in [
            "labour_value",
            "gross_output",
            "direct_labour",
            "final_demand",
        ] {
            assert_eq!(
                bits(&column(&r, name)),
                bits(&column(&single, name)),
                "{name} on {ranks} ranks"
            );
        }
        assert_eq!(
            r["provenance"]["input_hash"], single["provenance"]["input_hash"],
            "the same inputs"
        );
        assert_eq!(
            r["tables"]["labour_values"]["rows"],
            single["tables"]["labour_values"]["rows"]
        );
        for solve in ["gross_output_solve", "labour_values_solve"] {
            assert_eq!(
                r["summary"][solve]["iterations"], single["summary"][solve]["iterations"],
                "{solve} on {ranks} ranks"
            );
        }
        // The answers prove ρ(A) < 1 across ranks with the bound of one process.
        assert_eq!(
            r["summary"]["productivity"], single["summary"]["productivity"],
            "productivity on {ranks} ranks"
        );
        assert_eq!(r["summary"]["productivity"]["by"], "solution");
        // 70 000 products are five chunks of 16 384: every rank owns some.
        let per_rank = r["summary"]["distributed"]["per_rank"].as_array().unwrap();
        assert!(per_rank.iter().all(|c| c["products"].as_u64().unwrap() > 0));
    }

    // The same economy in 3 shards (so shards ≠ ranks): on 1 process without MPI, and on 1,
    // 2 and 4 ranks, each reading the shards s with s % P == rank.
    let sharded = generate_economy(&d, "sharded", &[&args[..], &["--shards", "3"]].concat());
    let sharded = sharded.to_str().unwrap();
    let whole = single_values(
        sharded,
        &["--method", "bicgstab"],
        &d.join("sharded-single.json"),
    );
    let mut runs = vec![("one process".to_string(), whole)];
    for ranks in [1, 2, 4] {
        let out = d.join(format!("sharded-{ranks}.json"));
        runs.push((
            format!("{ranks} ranks"),
            distributed(ranks, sharded, &out, &["--method", "bicgstab"]),
        ));
    }
    for (what, r) in &runs {
        for name in [
            "labour_value",
            "gross_output",
            "direct_labour",
            "final_demand",
        ] {
            assert_eq!(
                bits(&column(r, name)),
                bits(&column(&single, name)),
                "{name} of the sharded economy on {what}"
            );
        }
        assert_eq!(
            r["provenance"]["input_hash"], runs[0].1["provenance"]["input_hash"],
            "{what}: the shards are the inputs"
        );
    }
}

#[test]
fn issue_18_a_damaged_or_missing_shard_is_an_error_naming_the_file() {
    let d = temp("mpi-bad-shard");
    let args = ["--n", "40000", "--k", "4", "--shards", "3"];
    let eco = generate_economy(&d, "economy", &args);
    let eco_s = eco.to_str().unwrap();
    // Shard 1 is read by rank 1 of 2: the error reaches rank 0, which reports it.
    let damaged = eco.join("shard-0001-entries.parquet");
    let mut bytes = std::fs::read(&damaged).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&damaged, &bytes).unwrap();
    for ranks in [1, 2] {
        let mut args = vec!["values", eco_s];
        if ranks == 1 {
            args.push("--distributed");
        }
        let o = mpirun(ranks, &args);
        let (_, stderr) = text(&o);
        assert!(!o.status.success(), "{ranks} ranks");
        assert!(
            stderr.contains("shard-0001-entries.parquet") && stderr.contains("SHA-256 mismatch"),
            "{ranks} ranks: {stderr}"
        );
    }
    // One process without MPI names it too.
    let (_, stderr) = text(&plenty(&["values", eco_s]));
    assert!(stderr.contains("shard-0001-entries.parquet"), "{stderr}");
    std::fs::remove_file(eco.join("shard-0002-products.parquet")).unwrap();
    std::fs::write(&damaged, {
        bytes[middle] ^= 0xff;
        &bytes
    })
    .unwrap();
    let o = mpirun(2, &["values", eco_s]);
    let (_, stderr) = text(&o);
    assert!(!o.status.success());
    assert!(
        stderr.contains("shard-0002-products.parquet") && stderr.contains("missing"),
        "{stderr}"
    );
    // A manifest whose n its shards do not cover names the manifest and both numbers.
    let manifest = eco.join("economy.toml");
    let written = std::fs::read_to_string(&manifest).unwrap();
    assert!(written.contains("n = 40000\n"), "{written}");
    std::fs::write(&manifest, written.replacen("n = 40000\n", "n = 50000\n", 1)).unwrap();
    let o = mpirun(2, &["values", eco_s]);
    let (_, stderr) = text(&o);
    assert!(!o.status.success());
    assert!(
        stderr.contains("economy.toml") && stderr.contains("n = 50000"),
        "{stderr}"
    );
}

#[test]
fn issue_18_mpirun_values_on_a_golden_table_agrees_with_one_process() {
    let d = temp("mpi-golden");
    let table = "examples/specs/uk_2010.toml";
    let single = single_values(table, &[], &d.join("single.json"));
    let close = |a: &[f64], b: &[f64], what: &str| {
        assert_eq!(a.len(), b.len());
        for (k, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                (x - y).abs() <= 1e-8 * y.abs().max(1e-300),
                "{what}[{k}]: {x} against one process's {y}"
            );
        }
    };
    for ranks in [1, 2, 4] {
        let out = d.join(format!("{ranks}.json"));
        let r = distributed(ranks, table, &out, &[]);
        close(
            &column(&r, "labour_value"),
            &column(&single, "labour_value"),
            "labour_value",
        );
        close(
            &column(&r, "gross_output"),
            &column(&single, "gross_output"),
            "gross_output",
        );
        assert_eq!(
            r["provenance"]["input_hash"],
            single["provenance"]["input_hash"]
        );
        assert_eq!(
            r["summary"]["labour_values_solve"]["method"], "bicgstab",
            "a dense LU is not distributed"
        );
    }
    // --method dense-lu is refused, with the core's reason, on every rank count.
    let o = mpirun(2, &["values", table, "--method", "dense-lu"]);
    let (_, stderr) = text(&o);
    assert!(!o.status.success());
    assert!(stderr.contains("a dense LU is not distributed"), "{stderr}");
    // An unproductive economy is refused across ranks as in one process, with the estimate
    // of the power iteration run across them; the groups responsible are left to `check`.
    let o = mpirun(
        2,
        &[
            "values",
            "crates/plenty-cli/tests/data/unproductive.toml",
            "--distributed",
        ],
    );
    let (stdout, stderr) = text(&o);
    assert!(!o.status.success(), "{stdout}");
    assert!(stderr.contains("the economy is not productive"), "{stderr}");
    assert!(stderr.contains("ρ(A) = 1.039230"), "{stderr}");
    assert!(stderr.contains("plenty check"), "{stderr}");
    assert!(!stdout.contains("labour_value"), "{stdout}");
}

/// Runs `plenty ARGS` on 2 ranks and SIGKILLs rank 1 as soon as checkpoint `ck` has its first
/// complete save; asserts that the job failed, and returns the path of `latest.json`.
pub(crate) fn kill_a_rank_once_checkpointed(args: &[String], ck: &Path) -> PathBuf {
    let mut job = Command::new("mpirun")
        .args(["--oversubscribe", "-np", "2"])
        .arg(env!("CARGO_BIN_EXE_plenty"))
        .args(args)
        .current_dir(crate::common::root())
        .env("RAYON_NUM_THREADS", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("mpirun runs");
    let latest = ck.join("latest.json");
    let t = std::time::Instant::now();
    while !latest.exists() {
        assert!(t.elapsed().as_secs() < 300, "no checkpoint appeared");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let victims = ranks_of(ck.to_str().unwrap());
    assert_eq!(victims.len(), 2, "two ranks running: {victims:?}");
    let kill = Command::new("kill")
        .args(["-9", &victims[1].to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = job.wait().unwrap();
    assert!(!status.success(), "the job ended normally: killed too late");
    latest
}

/// The `plenty` ranks of a running job whose command line mentions `marker`.
pub(crate) fn ranks_of(marker: &str) -> Vec<u32> {
    let me = std::fs::canonicalize(env!("CARGO_BIN_EXE_plenty")).unwrap();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let exe = std::fs::read_link(entry.path().join("exe"));
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if exe.is_ok_and(|e| e == me) && String::from_utf8_lossy(&cmdline).contains(marker) {
            pids.push(pid);
        }
    }
    pids
}

#[test]
fn issue_18_a_rank_killed_mid_solve_resumes_from_the_checkpoint_with_the_uninterrupted_bits() {
    let d = temp("issue18-resume");
    // Column sums near 1: Jacobi needs hundreds of steps, long enough to be killed mid-solve.
    let args = [
        "--n",
        "200000",
        "--k",
        "6",
        "--column-sum-low",
        "0.95",
        "--column-sum-high",
        "0.98",
        "--seed",
        "8",
        "-q",
    ];
    let econ = generate_economy(&d, "econ", &args);
    let econ = econ.to_str().unwrap();
    let (ck_whole, ck_killed) = (d.join("ck-whole"), d.join("ck-killed"));
    let run_args = |ck: &Path| {
        vec![
            "--method".to_string(),
            "jacobi".into(),
            "--checkpoint".into(),
            ck.to_str().unwrap().into(),
            "--checkpoint-every".into(),
            "25".into(),
        ]
    };
    let whole_args = run_args(&ck_whole);
    let whole_args: Vec<&str> = whole_args.iter().map(String::as_str).collect();
    let whole = distributed(2, econ, &d.join("whole.json"), &whole_args);
    let steps = whole["summary"]["labour_values_solve"]["iterations"]
        .as_u64()
        .unwrap();
    assert!(steps > 200, "too quick to be killed: {steps} steps");

    // The same run, killed (one rank, SIGKILL) once it has saved a checkpoint.
    let killed_out = d.join("killed.json");
    let mut args: Vec<String> = vec!["values".into(), econ.into(), "-o".into()];
    args.push(killed_out.to_str().unwrap().into());
    args.extend(run_args(&ck_killed));
    let latest = kill_a_rank_once_checkpointed(&args, &ck_killed);
    let marker = ck_killed.to_str().unwrap();
    assert!(!killed_out.exists(), "the killed job wrote its report");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&latest).unwrap()).unwrap();
    assert!(saved["step"].as_u64().unwrap() < steps);

    // Resumed on 2 ranks: the bits of the uninterrupted run.
    let mut resume_args = run_args(&ck_killed);
    resume_args.push("--resume".into());
    let resume_args: Vec<&str> = resume_args.iter().map(String::as_str).collect();
    let resumed = distributed(2, econ, &d.join("resumed.json"), &resume_args);
    for name in ["labour_value", "gross_output"] {
        assert_eq!(
            bits(&column(&resumed, name)),
            bits(&column(&whole, name)),
            "{name}"
        );
    }
    assert_eq!(
        resumed["summary"]["labour_values_solve"]["iterations"],
        whole["summary"]["labour_values_solve"]["iterations"]
    );

    // A checkpoint of this run refuses another number of ranks, and another run.
    let o = mpirun(
        1,
        &[
            "values",
            econ,
            "--distributed",
            "--method",
            "jacobi",
            "--checkpoint",
            marker,
            "--resume",
        ],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).1.contains("same number of ranks"),
        "{}",
        text(&o).1
    );
    let o = mpirun(
        2,
        &[
            "values",
            econ,
            "--method",
            "bicgstab",
            "--checkpoint",
            marker,
            "--resume",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o).1.contains("another run"), "{}", text(&o).1);
}

#[test]
fn issue_18_mpirun_values_with_split_hub_rows_cuts_the_ghosts_and_agrees_with_one_process() {
    let d = temp("mpi-hubs");
    let args = [
        "--n",
        "70000",
        "--k",
        "6",
        "--structure",
        "local",
        "--seed",
        "18",
    ];
    let eco = generate_economy(&d, "economy", &args);
    let eco = eco.to_str().unwrap();
    let single = single_values(eco, &["--tolerance", "1e-12"], &d.join("single.json"));
    let busiest = |r: &Value| {
        r["summary"]["distributed"]["per_rank"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ghosts"][0].as_u64().unwrap())
            .max()
            .unwrap()
    };
    let kept = distributed(2, eco, &d.join("kept.json"), &["--tolerance", "1e-12"]);
    assert_eq!(kept["summary"]["distributed"]["hub_rows"]["mode"], "ghosts");
    for ranks in [2, 4] {
        let out = d.join(format!("split-{ranks}.json"));
        let args = ["--tolerance", "1e-12", "--hub-rows", "split"];
        let r = distributed(ranks, eco, &out, &args);
        let hubs = &r["summary"]["distributed"]["hub_rows"];
        assert_eq!(hubs["mode"], "split", "{hubs}");
        // The 70 basic goods.
        assert_eq!(hubs["rows"], 70, "{hubs}");
        for name in ["labour_value", "gross_output"] {
            let worst = column(&r, name)
                .iter()
                .zip(column(&single, name))
                .map(|(a, b)| (a - b).abs() / b.abs())
                .fold(0.0, f64::max);
            assert!(worst < 1e-9, "{name} on {ranks} ranks: {worst:e}");
        }
        if ranks == 2 {
            assert!(
                10 * busiest(&r) < busiest(&kept),
                "ghosts {} split against {} kept",
                busiest(&r),
                busiest(&kept)
            );
        }
    }
    // One process has no hubs to split.
    let o = plenty(&["values", eco, "--hub-rows", "split"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    assert!(
        text(&o).1.contains("applies across ranks"),
        "{}",
        text(&o).1
    );
}
