//! Cross-check of plenty's participatory budgeting rules against pabutools (from PyPI), on the
//! hand-made `.pb` files in `tests/data/pabulib/` and on seeded random elections with ties,
//! unequal and decimal costs, and weighted ballots. For every file and rule the projects
//! selected, in the order selected, must be the same.
//!
//! pabutools runs in the Python of the peer benchmark (`.venv-peer` at the workspace root, or
//! `$PLENTY_PEER_PYTHON`), via `tests/pabutools_reference.py`. Without it the test is skipped
//! with a line saying so, unless `PLENTY_REQUIRE_PEERS` is set (as in CI): then it fails.

use num_rational::BigRational;
use plenty_core::rng::Rng;
use plenty_core::vote::{
    greedy, method_of_equal_shares, Ballot, Completion, Election, Project, Satisfaction,
};
use plenty_io::pabulib::{read_pabulib, write_pabulib, Pabulib, VoteType};
use plenty_test_support::peer_python_with;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The rule names of `pabutools_reference.py`, with plenty's computation of each.
fn plenty_rules(e: &Election) -> BTreeMap<String, Vec<String>> {
    let one = || BigRational::from_integer(1.into());
    let mut out = BTreeMap::new();
    for (key, sat) in [
        ("cost", Satisfaction::Cost),
        ("cardinality", Satisfaction::Cardinality),
    ] {
        let g = greedy(e, sat).expect("greedy");
        out.insert(format!("greedy-{key}"), e.ids_of(&g.selected));
        for (suffix, completion) in [
            ("", Completion::None),
            ("+increment", Completion::Increment { step: one() }),
            ("+greedy", Completion::Greedy),
            (
                "+increment+greedy",
                Completion::IncrementThenGreedy { step: one() },
            ),
        ] {
            let m = method_of_equal_shares(e, sat, &completion).expect("mes");
            assert!(m.total_cost <= e.budget);
            out.insert(format!("mes-{key}{suffix}"), e.ids_of(&m.selected));
        }
    }
    out
}

/// A seeded random approval election: few distinct costs (some decimal) and small approval
/// sets, so that ties are common; ids mixing digits and letters, listed out of order.
fn random_election(seed: u64) -> Pabulib {
    let mut rng = Rng::new(seed);
    let mut pick = |n: usize| (rng.next_u64() % n as u64) as usize;
    let costs = ["10", "20", "25", "12.5", "30", "7.75", "40", "20"];
    let m = 3 + pick(8);
    let n = 3 + pick(20);
    let mut ids: Vec<String> = (0..m)
        .map(|j| {
            if j % 3 == 0 {
                format!("{}", 5 + 3 * j)
            } else {
                format!("p{j}")
            }
        })
        .collect();
    ids.reverse();
    let projects: Vec<Project> = ids
        .iter()
        .map(|id| Project {
            id: id.clone(),
            cost: plenty_io::pabulib::parse_decimal(costs[pick(costs.len())]).unwrap(),
            name: format!("project {id}"),
        })
        .collect();
    let total = projects
        .iter()
        .fold(BigRational::from_integer(0.into()), |a, p| a + &p.cost);
    // Between 30% and 70% of the total cost, in tenths.
    let budget = total * BigRational::new((3 + pick(5) as i64).into(), 10.into());
    let weighted = seed.is_multiple_of(3);
    let ballots = (0..n)
        .map(|_| {
            let k = 1 + pick(3);
            let set: Vec<usize> = (0..k).map(|_| pick(m)).collect();
            let w = if weighted { 1 + pick(3) as u64 } else { 1 };
            Ballot::approval(set).with_weight(w)
        })
        .collect();
    Pabulib {
        meta: vec![(
            "description".into(),
            format!("random election, seed {seed}"),
        )],
        vote_type: VoteType::Approval,
        election: Election {
            budget,
            projects,
            ballots,
        },
        voter_ids: (1..=n).map(|i| i.to_string()).collect(),
    }
}

#[test]
fn rules_agree_with_pabutools() {
    let Some(python) = peer_python_with("rules_agree_with_pabutools", &["pabutools"]) else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest().join("tests/data/pabulib"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the fixtures are missing");
    let dir = std::env::temp_dir().join(format!("plenty-io-pabutools-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for seed in 1..=20 {
        let pb = random_election(seed);
        let p = dir.join(format!("random-{seed:02}.pb"));
        write_pabulib(&p, &pb).unwrap();
        // The file reads back as written.
        assert_eq!(read_pabulib(&p).unwrap().election, pb.election);
        files.push(p);
    }
    let out = Command::new(&python)
        .arg(manifest().join("tests/pabutools_reference.py"))
        .args(&files)
        .env("OPENBLAS_NUM_THREADS", "1")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pabutools_reference.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), files.len());
    let (mut agreed, mut differed) = (0, Vec::new());
    // How often a completion changes the outcome and a tie is broken, so that the agreement
    // is known to cover them.
    let (mut completed, mut tied) = (0, 0);
    for (file, line) in files.iter().zip(lines) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let reference: BTreeMap<String, Vec<String>> =
            serde_json::from_value(v["rules"].clone()).unwrap();
        let pb = read_pabulib(file).unwrap();
        let ours = plenty_rules(&pb.election);
        completed += usize::from(ours["mes-cost"] != ours["mes-cost+increment"]);
        let mut costs_approvals: Vec<_> = pb
            .election
            .projects
            .iter()
            .enumerate()
            .map(|(j, p)| {
                let a: u64 = pb
                    .election
                    .ballots
                    .iter()
                    .filter(|b| b.supports(j))
                    .map(|b| b.weight)
                    .sum();
                (p.cost.clone(), a)
            })
            .collect();
        let before = costs_approvals.len();
        costs_approvals.sort();
        costs_approvals.dedup();
        tied += usize::from(costs_approvals.len() < before);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>()
        );
        for (rule, ids) in &ours {
            if reference[rule] == *ids {
                agreed += 1;
            } else {
                differed.push(format!(
                    "{} {rule}: plenty {ids:?}, pabutools {:?}",
                    file.display(),
                    reference[rule]
                ));
            }
        }
    }
    println!(
        "pabutools agreement: {agreed} of {} (file, rule) pairs on {} files ({completed} where \
         the increment completion changes MES, {tied} with projects of equal cost and support)",
        agreed + differed.len(),
        files.len()
    );
    assert!(
        completed >= 3 && tied >= 3,
        "the elections do not exercise completions and ties"
    );
    assert!(differed.is_empty(), "{}", differed.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}
