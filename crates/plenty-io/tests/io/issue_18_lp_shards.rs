//! Sharded linear programs (issue #18): written in K shards and read back whole, they are the
//! same LP bit for bit; a damaged, missing or inconsistent shard is an error naming the file.

use plenty_core::lp::synthetic::random_feasible_lp;
use plenty_core::lp::{LinearProgram, Sense};
use plenty_io::lp_shard::{open_sharded_lp, read_lp_manifest, read_lp_shard, write_sharded_lp};
use plenty_test_support::scratch;

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn same(a: &LinearProgram, b: &LinearProgram) {
    assert_eq!(a.sense, b.sense);
    assert_eq!(a.offset.to_bits(), b.offset.to_bits());
    for (x, y) in [
        (&a.c, &b.c),
        (&a.col_lower, &b.col_lower),
        (&a.col_upper, &b.col_upper),
        (&a.row_lower, &b.row_lower),
        (&a.row_upper, &b.row_upper),
    ] {
        assert_eq!(bits(x), bits(y));
    }
    assert_eq!(a.col_names, b.col_names);
    assert_eq!(a.row_names, b.row_names);
    assert_eq!(a.columns.row_ptr(), b.columns.row_ptr());
    assert_eq!(a.columns.col_idx(), b.columns.col_idx());
    assert_eq!(bits(a.columns.values()), bits(b.columns.values()));
}

#[test]
fn issue_18_a_sharded_lp_reads_back_as_the_same_lp() {
    let mut lp = random_feasible_lp(18, 13, 21, 0.3);
    lp.sense = Sense::Maximize;
    lp.offset = 2.5;
    for k in [1, 3, 7] {
        let dir = scratch("issue_18_lp_shards");
        let m = write_sharded_lp(&dir, &lp, k).unwrap();
        assert_eq!(m.shard.len(), k);
        assert_eq!(m.nnz, lp.columns.nnz());
        let back = open_sharded_lp(&dir, true).unwrap();
        same(&lp, &back);
        // Without the matrix: the vectors and names only.
        let vectors = open_sharded_lp(&dir, false).unwrap();
        assert_eq!(vectors.columns.nnz(), 0);
        assert_eq!(bits(&vectors.c), bits(&lp.c));
        // Every shard's entries lie in its columns.
        let m = read_lp_manifest(&dir).unwrap();
        for s in 0..k {
            let sh = read_lp_shard(&dir, &m, s, true).unwrap();
            let cols = m.shard[s].first_column..m.shard[s].end_column;
            assert!(sh.entries.iter().all(|e| cols.contains(&(e.1 as usize))));
        }
    }
}

#[test]
fn issue_18_a_damaged_or_missing_lp_shard_is_an_error_naming_the_file() {
    let lp = random_feasible_lp(7, 9, 12, 0.4);
    let dir = scratch("issue_18_lp_shards_bad");
    let m = write_sharded_lp(&dir, &lp, 3).unwrap();
    // Damaged: the hash no longer matches.
    let cols = dir.join(&m.shard[1].columns);
    let mut bytes = std::fs::read(&cols).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(&cols, bytes).unwrap();
    let e = open_sharded_lp(&dir, true).unwrap_err().to_string();
    assert!(
        e.contains("shard-0001-columns.parquet") && e.contains("SHA-256"),
        "{e}"
    );
    // Missing.
    std::fs::remove_file(dir.join(&m.shard[2].entries)).unwrap();
    let e = read_lp_shard(&dir, &m, 2, true).unwrap_err().to_string();
    assert!(
        e.contains("shard-0002-entries.parquet") && e.contains("missing"),
        "{e}"
    );
    // A manifest whose shards leave a gap.
    let text = std::fs::read_to_string(dir.join("lp.toml")).unwrap();
    let gap = text.replacen(
        &format!("first_column = {}", m.shard[1].first_column),
        &format!("first_column = {}", m.shard[1].first_column + 1),
        1,
    );
    std::fs::write(dir.join("lp.toml"), gap).unwrap();
    let e = read_lp_manifest(&dir).unwrap_err().to_string();
    assert!(e.contains("lp.toml") && e.contains("shard 1"), "{e}");
}
