//! Issue #18 on the command line, without MPI: `plenty partition` counts the ghost entries a
//! layout costs, checked against a direct count over the Matrix Market file.

use crate::common::{json_of, plenty, temp, text};
use std::collections::HashSet;

/// The entries of a Matrix Market coordinate file (1-based), read here without plenty.
fn entries(path: &std::path::Path) -> (usize, Vec<(usize, usize)>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('%'));
    let n: usize = lines
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let e = lines
        .map(|l| {
            let mut f = l.split_whitespace();
            let i: usize = f.next().unwrap().parse().unwrap();
            let j: usize = f.next().unwrap().parse().unwrap();
            (i - 1, j - 1)
        })
        .collect();
    (n, e)
}

#[test]
fn issue_18_partition_counts_ghosts_as_a_direct_count_does() {
    let d = temp("issue18-partition");
    let econ = d.join("econ");
    let o = plenty(&[
        "generate",
        "--n",
        "30000",
        "--k",
        "5",
        "--seed",
        "4",
        "-q",
        "--out",
        econ.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let out = d.join("spread.json");
    let o = plenty(&[
        "partition",
        econ.to_str().unwrap(),
        "--ranks",
        "2,3",
        "--granule",
        "1000",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let report = json_of(&out);
    let (n, a) = entries(&econ.join("A.mtx"));
    for ranks in [2usize, 3] {
        // Contiguous ranges of whole granules of 1000, the first ranks one granule more.
        let granules = n.div_ceil(1000);
        let mut bounds = vec![0usize];
        for r in 0..ranks {
            let take = granules / ranks + usize::from(r < granules % ranks);
            bounds.push((bounds[r] + take * 1000).min(n));
        }
        let owner = |i: usize| bounds.iter().rposition(|&b| b <= i).unwrap().min(ranks - 1);
        let mut need: Vec<(HashSet<usize>, HashSet<usize>)> =
            vec![(HashSet::new(), HashSet::new()); ranks];
        for &(i, j) in &a {
            if owner(i) != owner(j) {
                need[owner(i)].0.insert(j);
                need[owner(j)].1.insert(i);
            }
        }
        let per_rank: Vec<usize> = need.iter().map(|(p, q)| p.len() + q.len()).collect();
        let m = report["summary"]["spread"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["ranks"] == ranks && s["ordering"] == "identity")
            .unwrap();
        assert_eq!(m["total_ghosts"], per_rank.iter().sum::<usize>());
        assert_eq!(m["max_ghosts"], *per_rank.iter().max().unwrap());
        let local = a.iter().filter(|&&(i, j)| owner(i) == owner(j)).count();
        let share = m["local_share"].as_f64().unwrap();
        assert!((share - local as f64 / a.len() as f64).abs() < 1e-12);
    }
    let bad = plenty(&["partition", econ.to_str().unwrap(), "--ranks", "0"]);
    assert!(!bad.status.success());
    assert!(text(&bad).1.contains("--ranks"), "{}", text(&bad).1);
}
