//! `plenty simulate` run as a user would (issue #16): the 1928–1933 scenarios side by side,
//! the files of the report, the same bits on one thread or two, sweeps, and bad input.

use crate::common::{plenty, temp, text};
use std::path::Path;

const USSR: &str = "examples/simulate/ussr_1928.toml";

/// The data lines of a CSV written with its provenance inline (`#` lines differ with the
/// command line).
fn data_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn issue_16_simulate_writes_the_report_the_series_and_the_plots() {
    let dir = temp("simulate");
    let out = dir.join("one");
    let o = plenty(&[
        "--threads",
        "1",
        "simulate",
        USSR,
        "--out",
        out.to_str().unwrap(),
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for section in [
        "# Simulation: USSR 1928–1933",
        "## Side by side",
        "## Against the historical series",
        "## What drives the difference",
        "## How far each conclusion survives",
        "| command (command) | democratic (democratic) | nep (market) |",
        "| accounting identities hold every year | yes | yes | yes |",
    ] {
        assert!(report.contains(section), "{section} missing from\n{report}");
    }
    // Six years of three regimes, one row each, in CSV and in Parquet alike.
    let csv = data_lines(&out.join("series.csv"));
    assert_eq!(csv.len(), 1 + 18, "{csv:?}");
    let (table, metadata) = plenty_io::output::read_parquet(&out.join("series.parquet")).unwrap();
    assert_eq!(table.rows.len(), 18);
    assert!(metadata
        .iter()
        .any(|(k, _)| k.contains("provenance") || k.contains("input")));
    let header: Vec<&str> = csv[0].split(',').collect();
    let harvest = header.iter().position(|h| *h == "harvest").unwrap();
    let first: Vec<&str> = csv[1].split(',').collect();
    let column = table.columns.iter().find(|c| c.name == "harvest").unwrap();
    let from_csv: f64 = first[harvest].parse().unwrap();
    assert!((column.values[0] - from_csv).abs() <= 1e-9 * from_csv.abs());
    let png = std::fs::read(out.join("plots.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(out.join("plots.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Grain eaten per person"));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["runs"].as_array().unwrap().len(), 3);
    assert_eq!(
        run["provenance"]["input_hash"].as_str().unwrap().len(),
        64,
        "every output names the hash of its inputs"
    );

    // The same scenario on two threads: the same series, bit for bit.
    let two = dir.join("two");
    let o = plenty(&[
        "--threads",
        "2",
        "simulate",
        USSR,
        "--out",
        two.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(csv, data_lines(&two.join("series.csv")));
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        std::fs::read_to_string(two.join("report.md")).unwrap()
    );
}

#[test]
fn issue_16_simulate_sweeps_seeds_and_parameters() {
    let dir = temp("simulate-sweep");
    let o = plenty(&[
        "simulate",
        USSR,
        "--seeds",
        "3",
        "--set",
        "effort_response=0.2,0.8",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    // 3 file runs + 3 scenarios × 2 values × 3 seeds.
    let csv = data_lines(&dir.join("series.csv"));
    assert_eq!(csv.len(), 1 + 6 * (3 + 18));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("## Other seeds and parameter values"));
    assert!(
        report.contains("command seed 1930 effort_response=0.8"),
        "{report}"
    );
}

#[test]
fn issue_16_simulate_bad_input_names_the_line() {
    let dir = temp("simulate-bad");
    let example = std::fs::read_to_string(crate::common::root().join(USSR)).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        example.replace("depreciation = 0.05\n", "depreciation = 1.5\n"),
    )
    .unwrap();
    let o = plenty(&["simulate", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let (_, err) = text(&o);
    let line = example
        .lines()
        .position(|l| l == "name = \"light industry\"")
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("bad.toml:{line}")) && err.contains("(light industry).depreciation"),
        "{err}"
    );
    let o = plenty(&["simulate", USSR, "--set", "bravery=2"]);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("effort_response"), "{}", text(&o).1);
}
