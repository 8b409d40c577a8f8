//! Round trips and error messages of the exchange formats: Matrix Market, vectors, triplets and
//! pymrio folders. Tests that need pymrio, SciPy or the peer script run the Python of the peer
//! benchmark (`.venv-peer` at the workspace root, or `$PLENTY_PEER_PYTHON`) and are skipped,
//! with a line saying so, when it is not installed.

use plenty_core::{CsrMatrix, DenseMatrix};
use plenty_io::pymrio::{self, Extension, PymrioSystem};
use plenty_io::{mtx, triplets, vectors};
use plenty_test_support::{peer_python, run_python, scratch, scratch_file as file_with};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Helpers.

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest().join("tests/data/formats").join(name)
}

fn data_dir() -> PathBuf {
    manifest().join("../../data")
}

fn err_text<T: std::fmt::Debug>(r: plenty_io::Result<T>) -> String {
    r.expect_err("an error was expected").to_string()
}

fn assert_contains(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{p:?} not in:\n{text}");
    }
}

fn sparse(n: usize, entries: &[(u32, u32, f64)]) -> CsrMatrix {
    CsrMatrix::try_from_triplets(n, n, entries.to_vec()).unwrap()
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

// ---------------------------------------------------------------------------------------------
// Matrix Market.

#[test]
fn mtx_round_trip_is_exact_and_row_ordered() {
    let d = scratch("mtx-round-trip");
    let a = sparse(
        4,
        &[
            (0, 0, 0.1),
            (0, 3, 1.0 / 3.0),
            (2, 1, 1e-300),
            (2, 2, 6.02214076e23),
            (3, 0, -2.5e-7),
            (3, 3, 123456789.12345679),
        ],
    );
    let p = d.join("a.mtx");
    mtx::write_matrix_with_comment(
        &p,
        &a,
        &["plenty 0.1.0, seed 7".into(), "two\nlines".into()],
    )
    .unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "%%MatrixMarket matrix coordinate real general");
    assert_eq!(lines[1], "% plenty 0.1.0, seed 7");
    assert_eq!(lines[2], "% two");
    assert_eq!(lines[3], "% lines");
    assert_eq!(lines[4], "4 4 6");
    assert_eq!(lines[5], "1 1 0.1");
    assert_eq!(lines[7], "3 2 1e-300");
    let b = mtx::read_matrix(&p).unwrap();
    assert_eq!(a, b, "the round trip must keep every bit");

    // A generated economy.
    let s = plenty_core::generate::GeneratorSettings {
        n: 3000,
        k: 7,
        ..Default::default()
    };
    let e = plenty_core::generate::generate(&s).unwrap();
    let p = d.join("gen.mtx");
    mtx::write_matrix(&p, &e.a).unwrap();
    assert_eq!(mtx::read_matrix(&p).unwrap(), e.a);
}

#[test]
fn mtx_reads_what_scipy_writes() {
    // Written by scipy.io.mmwrite (1.17): exponents in capitals, a `%` comment.
    let a = mtx::read_matrix(&fixture("scipy_general.mtx")).unwrap();
    assert_eq!(
        a,
        sparse(3, &[(0, 0, 0.5), (0, 2, 0.25), (1, 2, 0.125), (2, 0, 0.75)])
    );
    // Symmetric: the lower triangle is mirrored.
    let s = mtx::read_matrix(&fixture("scipy_symmetric.mtx")).unwrap();
    assert_eq!(
        s.to_dense(),
        DenseMatrix::try_from_row_major(3, 3, vec![1.0, 2.0, 0.0, 2.0, 0.0, 3.5, 0.0, 3.5, 4.0])
            .unwrap()
    );
    // Dense, column by column; the zero is not stored.
    let d = mtx::read_matrix(&fixture("scipy_array.mtx")).unwrap();
    assert_eq!((d.nrows(), d.ncols(), d.nnz()), (3, 2, 5));
    assert_eq!(
        d.to_dense(),
        DenseMatrix::try_from_row_major(3, 2, vec![1.0, 2.0, 3.0, 4.5, 0.0, -1e-7]).unwrap()
    );
}

#[test]
fn mtx_reads_unsorted_integer_skew_and_symmetric_arrays() {
    let p = file_with(
        "mtx-variants",
        "u.mtx",
        b"%%MatrixMarket matrix coordinate integer general\n% comment\n\n3 3 4\n3 1 7\n1 2 -1\n1 1 0\n2 3  4 \n",
    );
    let a = mtx::read_matrix(&p).unwrap();
    assert_eq!(a, sparse(3, &[(0, 1, -1.0), (1, 2, 4.0), (2, 0, 7.0)]));
    let p = file_with(
        "mtx-variants-skew",
        "s.mtx",
        b"%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 0.5\n",
    );
    assert_eq!(
        mtx::read_matrix(&p).unwrap(),
        sparse(2, &[(0, 1, -0.5), (1, 0, 0.5)])
    );
    let p = file_with(
        "mtx-variants-array",
        "a.mtx",
        b"%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n",
    );
    assert_eq!(
        mtx::read_matrix(&p).unwrap().to_dense(),
        DenseMatrix::try_from_row_major(2, 2, vec![1.0, 2.0, 2.0, 3.0]).unwrap()
    );
    // CRLF line endings and a size line with an explicit zero entry.
    let p = file_with(
        "mtx-variants-crlf",
        "c.mtx",
        b"%%MatrixMarket matrix coordinate real general\r\n2 2 2\r\n1 1 0\r\n2 2 1.5\r\n",
    );
    assert_eq!(mtx::read_matrix(&p).unwrap(), sparse(2, &[(1, 1, 1.5)]));
}

#[test]
fn mtx_errors_name_the_line_and_say_what_to_do() {
    let case = |name: &str, content: &[u8]| {
        let p = file_with(&format!("mtx-err-{name}"), "m.mtx", content);
        err_text(mtx::read_matrix(&p))
    };
    let head = "%%MatrixMarket matrix coordinate real general\n";

    let e = case("banner", b"1 1 1\n1 1 1\n");
    assert_contains(
        &e,
        &[
            "m.mtx:1:",
            "not a Matrix Market file",
            "%%MatrixMarket matrix coordinate real general",
        ],
    );
    let e = case("binary", b"\x00\x01\x02\xff\xfe garbage\n\x00");
    assert_contains(&e, &["m.mtx:1:", "binary data"]);
    let e = case("empty", b"");
    assert_contains(&e, &["m.mtx: the file is empty"]);
    let e = case(
        "pattern",
        b"%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1\n",
    );
    assert_contains(
        &e,
        &["m.mtx:1:", "pattern", "needs the coefficients", "real"],
    );
    let e = case(
        "complex",
        b"%%MatrixMarket matrix coordinate complex general\n",
    );
    assert_contains(&e, &["complex matrices are not supported"]);
    let e = case("vector", b"%%MatrixMarket vector coordinate real general\n");
    assert_contains(&e, &["reads only matrices"]);
    let e = case("no-size", head.as_bytes());
    assert_contains(&e, &["ends before the size line"]);
    let e = case("bad-size", format!("{head}3 3\n").as_bytes());
    assert_contains(
        &e,
        &["m.mtx:2:", "size line must hold 3", "rows columns entries"],
    );

    // Fewer entries than declared.
    let e = case(
        "few",
        format!("{head}% c\n3 3 3\n1 1 1\n2 2 1\n").as_bytes(),
    );
    assert_contains(
        &e,
        &["m.mtx:3:", "declares 3 entries", "holds 2", "cut short"],
    );
    // More.
    let e = case(
        "many",
        format!("{head}3 3 1\n1 1 1\n2 2 1\n3 3 1\n").as_bytes(),
    );
    assert_contains(&e, &["m.mtx:4:", "declares 1 entries", "holds 3"]);
    // Index out of range, with its line and field.
    let e = case(
        "row-range",
        format!("{head}3 3 2\n1 1 1\n4 1 1\n").as_bytes(),
    );
    assert_contains(
        &e,
        &[
            "m.mtx:4:1 (column \"row index\")",
            "row index 4 is outside 1..=3",
            "declares 3 rows",
        ],
    );
    let e = case("col-range", format!("{head}3 2 1\n1 3 1\n").as_bytes());
    assert_contains(
        &e,
        &[
            "m.mtx:3:2 (column \"column index\")",
            "column index 3 is outside 1..=2",
        ],
    );
    let e = case("zero-index", format!("{head}3 3 1\n0 1 1\n").as_bytes());
    assert_contains(&e, &["m.mtx:3:1", "indices start at 1, not 0"]);
    let e = case("neg-index", format!("{head}3 3 1\n-1 1 1\n").as_bytes());
    assert_contains(&e, &["m.mtx:3:1", "\"-1\" is not a row index"]);
    // NaN and infinities.
    let e = case("nan", format!("{head}3 3 2\n1 1 1\n2 2 NaN\n").as_bytes());
    assert_contains(&e, &["m.mtx:4:3 (column \"value\")", "NaN", "finite"]);
    let e = case("inf", format!("{head}3 3 1\n2 2 1e400\n").as_bytes());
    assert_contains(&e, &["m.mtx:3:3", "inf", "finite"]);
    let e = case("text", format!("{head}3 3 1\n2 2 abc\n").as_bytes());
    assert_contains(&e, &["m.mtx:3:3", "\"abc\" is not a number"]);
    let e = case("two-fields", format!("{head}3 3 1\n2 2\n").as_bytes());
    assert_contains(&e, &["m.mtx:3:3", "needs 3 fields"]);
    let e = case("four-fields", format!("{head}3 3 1\n2 2 1 0\n").as_bytes());
    assert_contains(&e, &["m.mtx:3:4", "complex values are not supported"]);
    // Duplicates: adjacent (sorted file) and far apart (unsorted file), both lines named.
    let e = case(
        "dup-sorted",
        format!("{head}3 3 3\n1 1 1\n2 2 1\n2 2 3\n").as_bytes(),
    );
    assert_contains(
        &e,
        &[
            "m.mtx:5:",
            "entry (2, 2) is given twice, on lines 4 and 5",
            "remove one",
        ],
    );
    let e = case(
        "dup-unsorted",
        format!("{head}3 3 4\n2 2 1\n1 1 1\n3 3 1\n2 2 5\n").as_bytes(),
    );
    assert_contains(
        &e,
        &["m.mtx:6:", "entry (2, 2) is given twice", "lines 3 and 6"],
    );
    // A symmetric file must hold one triangle only.
    let e = case(
        "sym-upper",
        b"%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n",
    );
    assert_contains(
        &e,
        &["m.mtx:3:", "outside the stored triangle", "row ≥ column"],
    );
    // Array files count values too.
    let e = case(
        "array-few",
        b"%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n",
    );
    assert_contains(&e, &["m.mtx:2:", "declares 4 (2 × 2) values", "holds 3"]);
    // A missing file.
    let e = err_text(mtx::read_matrix(Path::new("/nonexistent/plenty/a.mtx")));
    assert_contains(&e, &["/nonexistent/plenty/a.mtx", "check the path"]);
}

#[test]
fn scipy_reads_what_we_write() {
    let Some(py) = peer_python("scipy_reads_what_we_write") else {
        return;
    };
    let d = scratch("mtx-scipy");
    let a = sparse(
        3,
        &[
            (0, 0, 0.1),
            (0, 2, 1.0 / 3.0),
            (1, 1, 1e-300),
            (2, 0, 6.02214076e23),
        ],
    );
    let p = d.join("a.mtx");
    mtx::write_matrix_with_comment(&p, &a, &["plenty test".into()]).unwrap();
    let out = run_python(
        &py,
        "import sys, scipy.io, scipy.sparse as sp\n\
         m = sp.csr_matrix(scipy.io.mmread(sys.argv[1]))\n\
         print(m.shape[0], m.shape[1], m.nnz)\n\
         for i, j, v in zip(*sp.find(m)): print(i, j, v.hex())",
        &[&p],
    );
    let mut lines = out.lines();
    assert_eq!(lines.next().unwrap(), "3 3 4");
    let mut got: Vec<(usize, usize, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let v = hex_float(f[2]);
            (f[0].parse().unwrap(), f[1].parse().unwrap(), v)
        })
        .collect();
    got.sort_by_key(|t| (t.0, t.1));
    let want: Vec<(usize, usize, f64)> = a.triplets().collect();
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((g.0, g.1), (w.0, w.1));
        assert_eq!(
            g.2.to_bits(),
            w.2.to_bits(),
            "SciPy must read the same bits"
        );
    }
}

/// Parses Python's `float.hex()` output (e.g. `0x1.999999999999ap-4`).
fn hex_float(s: &str) -> f64 {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let s = s.strip_prefix("0x").unwrap();
    let (mant, exp) = s.split_once('p').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = u64::from_str_radix(int, 16).unwrap() as f64;
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16).unwrap() as f64 * scale;
        scale /= 16.0;
    }
    let v = v * 2f64.powi(exp);
    if neg {
        -v
    } else {
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Vectors.

#[test]
fn vector_round_trips() {
    let d = scratch("vec-round-trip");
    let labels: Vec<String> = ["steel", "grain, wheat", "#hash", "say \"hi\""]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let values = [0.1, 1.0 / 3.0, -2.5e-9, 1e22];
    let p = d.join("l.csv");
    vectors::write_vector(
        &p,
        "hours",
        Some(&labels),
        &values,
        &["plenty 0.1.0".into()],
    )
    .unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.starts_with("# plenty 0.1.0\nlabel,hours\nsteel,0.1\n\"grain, wheat\",0.3333333333333333\n\"#hash\","), "{text}");
    let v = vectors::read_vector(&p).unwrap();
    assert_eq!(v.labels.as_deref(), Some(&labels[..]));
    assert_eq!(v.values, values);

    let p = d.join("d.csv");
    vectors::write_vector(&p, "d", None, &values, &[]).unwrap();
    assert!(std::fs::read_to_string(&p).unwrap().starts_with("d\n0.1\n"));
    let v = vectors::read_vector(&p).unwrap();
    assert_eq!((v.labels, v.values), (None, values.to_vec()));

    // No header at all.
    let p = d.join("bare.csv");
    vectors::write_vector(&p, "", None, &values, &[]).unwrap();
    assert_eq!(vectors::read_vector(&p).unwrap().values, values);
}

#[test]
fn vector_reader_handles_real_files() {
    // BOM, a comment, CRLF, a quoted label with a comma, a blank line.
    let v = vectors::read_vector(&fixture("labelled_vector.csv")).unwrap();
    assert_eq!(
        v.labels.unwrap(),
        vec!["steel".to_string(), "grain, wheat".into(), "coal".into()]
    );
    assert_eq!(v.values, vec![1.5, 2.0, 0.25]);
    // Integers, no header, spaces.
    let p = file_with("vec-plain", "v.csv", b"1\n 2 \n3e0\n");
    let v = vectors::read_vector(&p).unwrap();
    assert_eq!((v.labels, v.values), (None, vec![1.0, 2.0, 3.0]));
}

#[test]
fn vector_errors_name_the_line() {
    let case = |name: &str, content: &[u8]| {
        let p = file_with(&format!("vec-err-{name}"), "v.csv", content);
        err_text(vectors::read_vector(&p))
    };
    let e = case("nan", b"d\n1\nNaN\n");
    assert_contains(&e, &["v.csv:3:1", "NaN", "finite"]);
    let e = case("inf", b"a,1\nb,inf\n");
    assert_contains(&e, &["v.csv:2:2 (column \"value\")", "inf"]);
    let e = case("text", b"d\n1\nx\n");
    assert_contains(&e, &["v.csv:3:1", "\"x\" is not a number"]);
    let e = case("thousands", b"d\n\"1,234\"\n");
    assert_contains(&e, &["v.csv:2:1", "thousands separators"]);
    let e = case("ragged", b"label,d\na,1\n2\n");
    assert_contains(
        &e,
        &["v.csv:3:", "1 cell but the first value line (line 2) has 2"],
    );
    let e = case("wide", b"a,b,1\n");
    assert_contains(&e, &["v.csv:1:", "3 cells", "one value per line"]);
    let e = case("dup", b"a,1\nb,2\na,3\n");
    assert_contains(
        &e,
        &[
            "v.csv:3:1 (column \"label\")",
            "\"a\" is given twice, on lines 1 and 3",
        ],
    );
    let e = case("missing", b"1\n---\n");
    assert_contains(&e, &["v.csv:2:1", "missing-value mark \"---\"", "write 0"]);
    let e = case("empty", b"");
    assert_contains(&e, &["v.csv: the file is empty"]);
    let e = case("comments-only", b"# nothing\n\n");
    assert_contains(&e, &["the file is empty"]);
    let e = case("header-only", b"demand\n");
    assert_contains(&e, &["v.csv:1:", "header line but no values"]);
    let e = case("binary", b"\x7fELF\x02\x01\x01\x00\x00\x00");
    assert_contains(&e, &["binary data"]);
    // Line numbers count comments, blank lines and CRLF ends (the csv crate's own do not).
    let e = case("crlf", b"# c\r\n# d\r\nd\r\n\r\n1\r\n\r\nx\r\n");
    assert_contains(&e, &["v.csv:7:1", "\"x\" is not a number"]);
    let e = case("utf8", b"d\n1\n\xff\xfe\n");
    assert_contains(&e, &["v.csv:3:", "not valid UTF-8"]);

    // Writing refuses what would not read back.
    let d = scratch("vec-err-write");
    let p = d.join("w.csv");
    let e = err_text(vectors::write_vector(&p, "2010", None, &[1.0], &[]));
    assert_contains(&e, &["reads as a number"]);
    let e = err_text(vectors::write_vector(&p, "d", None, &[1.0, f64::NAN], &[]));
    assert_contains(&e, &["value 2 is NaN"]);
    let l = vec!["a".to_string()];
    let e = err_text(vectors::write_vector(&p, "d", Some(&l), &[1.0, 2.0], &[]));
    assert_contains(&e, &["1 labels for 2 values"]);
}

#[test]
fn peer_reads_our_vectors() {
    let Some(py) = peer_python("peer_reads_our_vectors") else {
        return;
    };
    let bench = manifest().join("../../bench/peer");
    assert!(bench.join("peer.py").exists(), "no bench/peer/peer.py");
    let d = scratch("vec-peer");
    let labels: Vec<String> = ["a", "b, c", "d"].iter().map(|s| s.to_string()).collect();
    let values = [0.1, 1.0 / 3.0, 1e-300];
    let with_labels = d.join("l.csv");
    vectors::write_vector(&with_labels, "hours", Some(&labels), &values, &[]).unwrap();
    let plain = d.join("d.csv");
    vectors::write_vector(&plain, "d", None, &values, &[]).unwrap();
    let out = run_python(
        &py,
        "import sys\n\
         sys.path.insert(0, sys.argv[1])\n\
         import peer\n\
         for p in sys.argv[2:]: print(' '.join(float(v).hex() for v in peer.read_vector(p)))",
        &[&bench, &with_labels, &plain],
    );
    for line in out.lines() {
        let got: Vec<f64> = line.split(' ').map(hex_float).collect();
        assert_eq!(got.len(), 3);
        for (g, w) in got.iter().zip(&values) {
            assert_eq!(g.to_bits(), w.to_bits());
        }
    }
    assert_eq!(out.lines().count(), 2);
}

// ---------------------------------------------------------------------------------------------
// Triplets.

#[test]
fn triplets_with_labels() {
    let (labels, a) = triplets::read_triplets(&fixture("labelled_triplets.csv")).unwrap();
    assert_eq!(labels, vec!["steel", "coal", "grain"]);
    assert_eq!(
        a,
        sparse(
            3,
            &[
                (0, 1, 0.4),
                (1, 1, 0.05),
                (0, 0, 0.1),
                (2, 0, 0.02),
                (1, 2, 0.3)
            ]
        )
    );
    // One label that is not a number makes every cell a label.
    let p = file_with("trip-mixed", "t.csv", b"row,col,value\n7,x,1\nx,7,2\n");
    let (labels, a) = triplets::read_triplets(&p).unwrap();
    assert_eq!(labels, vec!["7", "x"]);
    assert_eq!(a, sparse(2, &[(0, 1, 1.0), (1, 0, 2.0)]));
}

#[test]
fn triplets_with_indices() {
    let p = file_with(
        "trip-idx",
        "t.csv",
        b"# comment\nrow,col,value\n3,0,0.5\n0,2,0.25\n1,1,0\n",
    );
    let (labels, a) = triplets::read_triplets(&p).unwrap();
    assert_eq!(labels, vec!["0", "1", "2", "3"]);
    assert_eq!(a, sparse(4, &[(3, 0, 0.5), (0, 2, 0.25)]));
}

#[test]
fn triplet_round_trips() {
    let d = scratch("trip-round-trip");
    // Row-by-row order would name "c" before "b", and "d" has no entry at all.
    let labels: Vec<String> = ["a", "b", "c, with comma", "d"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let a = sparse(4, &[(0, 2, 0.1), (1, 0, 1.0 / 3.0), (2, 2, 1e-300)]);
    let p = d.join("l.csv");
    triplets::write_triplets(&p, Some(&labels), &a, &["plenty".into()]).unwrap();
    let (l2, a2) = triplets::read_triplets(&p).unwrap();
    assert_eq!((l2, a2), (labels.clone(), a.clone()));

    // In natural order, the file is plain row by row.
    let b = sparse(3, &[(0, 0, 0.5), (0, 1, 0.25), (1, 2, 0.125), (2, 2, 1.0)]);
    let l3: Vec<String> = labels[..3].to_vec();
    triplets::write_triplets(&p, Some(&l3), &b, &[]).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(
        text,
        "row,col,value\na,a,0.5\na,b,0.25\nb,\"c, with comma\",0.125\n\"c, with comma\",\"c, with comma\",1\n"
    );
    assert_eq!(triplets::read_triplets(&p).unwrap(), (l3, b));

    // Without labels, the size survives an empty last row and column.
    let p = d.join("i.csv");
    triplets::write_triplets(&p, None, &a, &[]).unwrap();
    let (l4, a4) = triplets::read_triplets(&p).unwrap();
    assert_eq!(l4.len(), 4);
    assert_eq!(a4, a);

    // Labels that would read back as indices are refused.
    let numeric: Vec<String> = ["10", "20", "30", "40"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let e = err_text(triplets::write_triplets(&p, Some(&numeric), &a, &[]));
    assert_contains(&e, &["every label is a whole number"]);
}

#[test]
fn triplet_errors_name_lines() {
    let case = |name: &str, content: &[u8]| {
        let p = file_with(&format!("trip-err-{name}"), "t.csv", content);
        err_text(triplets::read_triplets(&p))
    };
    let e = case("dup-labels", b"row,col,value\na,b,1\nb,b,2\n\na,b,3\n");
    assert_contains(&e, &["t.csv:5:", "(a, b) is given twice, on lines 2 and 5"]);
    let e = case(
        "dup-crlf",
        b"# c\r\nrow,col,value\r\n\r\na,b,1\r\n# mid\r\n\"a\",b,2\r\n",
    );
    assert_contains(&e, &["t.csv:6:", "on lines 4 and 6"]);
    let e = case("dup-index", b"row,col,value\n0,1,1\n1,1,2\n0,1,0\n");
    assert_contains(&e, &["t.csv:4:", "(0, 1) is given twice, on lines 2 and 4"]);
    let e = case("no-header", b"0,1,0.5\n");
    assert_contains(&e, &["t.csv:1:", "header `row,col,value`"]);
    let e = case("ragged", b"row,col,value\na,b,1\na,c\n");
    assert_contains(&e, &["t.csv:3:", "2 cells, but an entry has 3"]);
    let e = case("nan", b"row,col,value\na,b,nan\n");
    assert_contains(&e, &["t.csv:2:3 (column \"value\")", "NaN"]);
    let e = case("text", b"row,col,value\na,b,lots\n");
    assert_contains(&e, &["t.csv:2:3", "\"lots\" is not a number"]);
    let e = case("empty-label", b"row,col,value\n,b,1\n");
    assert_contains(&e, &["t.csv:2:1 (column \"row\")", "empty"]);
    let e = case("missing", b"row,col,value\na,b,\n");
    assert_contains(&e, &["t.csv:2:3", "missing-value mark"]);
    let e = case("empty", b"");
    assert_contains(&e, &["t.csv: the file is empty"]);
    let e = case("header-only", b"row,col,value\n");
    assert_contains(&e, &["t.csv:1:", "no entries"]);
    let e = case("binary", b"\x00\x00\x00\x01PK");
    assert_contains(&e, &["binary data"]);
}

// ---------------------------------------------------------------------------------------------
// pymrio.

fn pymrio_export() -> PathBuf {
    data_dir().join("pymrio_test")
}

/// Reads `x.csv` of the export by hand, as plain numbers.
fn x_column(path: &Path) -> Vec<f64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn pymrio_csv_export_is_read() {
    let dir = pymrio_export();
    assert!(dir.exists(), "the data folder {} is missing", dir.display());
    let sys = pymrio::read_pymrio(&dir).unwrap();
    assert_eq!(sys, pymrio::read_pymrio_csv_export(&dir).unwrap());
    assert_eq!(sys.regions_sectors.len(), 48);
    assert_eq!(sys.regions_sectors[0], ("reg1".into(), "food".into()));
    assert_eq!(sys.regions_sectors[47], ("reg6".into(), "other".into()));
    assert_eq!((sys.z.nrows(), sys.z.ncols()), (48, 48));
    assert_eq!((sys.y.nrows(), sys.y.ncols()), (48, 42));
    assert_eq!(sys.y_columns[0].0, "reg1");
    assert_eq!(
        sys.y_columns[0].1,
        "Final consumption expenditure by households"
    );
    assert_eq!(sys.z.get(0, 0), 23697.221);
    let names: Vec<&str> = sys.extensions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, vec!["emissions", "factor_inputs"]);
    let em = &sys.extensions[0];
    assert_eq!(em.row_levels, vec!["stressor", "compartment"]);
    assert_eq!(em.row_label(0), "emission_type1/air");
    assert_eq!(em.f.get(0, 0), 1848064.8);
    assert!(em.f_y.is_some());
    let fi = &sys.extensions[1];
    assert_eq!(fi.row_levels, vec!["inputtype"]);
    assert_eq!(fi.rows, vec![vec!["Value Added".to_string()]]);

    // x: as exported, and equal to Z·1 + Y·1 up to the order of summation.
    let x = sys.x.clone().unwrap();
    assert_eq!(x, x_column(&dir.join("x.csv")));
    let mut computed = sys.clone();
    computed.x = None;
    for (a, b) in computed.gross_output().iter().zip(&x) {
        assert!(rel_close(*a, *b, 1e-13), "{a} vs {b}");
    }
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reference_numbers.json")).unwrap())
            .unwrap();
    for (i, r) in reference["x"].as_array().unwrap().iter().enumerate() {
        assert!(rel_close(r.as_f64().unwrap(), x[i], 1e-15));
    }

    // As an economy.
    let e = pymrio::to_economy(&sys).unwrap();
    assert_eq!(e.n(), 48);
    assert_eq!(e.products[1], "reg1/mining");
    assert_eq!(e.final_demand.len(), 42);
    assert_eq!(
        e.final_demand[0].name,
        "reg1/Final consumption expenditure by households"
    );
    let sat: Vec<&str> = e.satellites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        sat,
        vec![
            "emissions/emission_type1/air",
            "emissions/emission_type2/water",
            "factor_inputs/Value Added"
        ]
    );
    assert_eq!(e.satellites[2].intensity[0], fi.f.get(0, 0) / x[0]);
    assert_eq!(e.a.get(0, 1), sys.z.get(0, 1) / x[1]);
}

/// A small system with every optional part, in an order that is not Z's in places.
fn small_system() -> PymrioSystem {
    let rs: Vec<(String, String)> = [("north", "grain"), ("north", "steel"), ("south", "grain")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let z = DenseMatrix::try_from_row_major(
        3,
        3,
        vec![1.0, 2.5, 0.0, 0.1, 1.0 / 3.0, 4.0, 0.0, 7.0, 1e-9],
    )
    .unwrap();
    let y = DenseMatrix::try_from_row_major(3, 2, vec![10.0, 1.0, 20.0, -0.5, 30.0, 0.0]).unwrap();
    PymrioSystem {
        source: None,
        regions_sectors: rs,
        z,
        y,
        y_columns: vec![
            ("north".into(), "households".into()),
            ("south".into(), "government, central".into()),
        ],
        x: Some(vec![14.5, 24.43333333333333, 37.000000001]),
        units: Some(vec!["M EUR".into(); 3]),
        extensions: vec![
            Extension {
                name: "employment".into(),
                title: Some("Employment".into()),
                row_levels: vec!["stressor".into()],
                rows: vec![vec!["hours".into()], vec!["persons".into()]],
                f: DenseMatrix::try_from_row_major(2, 3, vec![5.0, 6.0, 7.0, 0.5, 0.6, 0.7])
                    .unwrap(),
                f_y: None,
                units: Some(vec!["1000 h".into(), "persons".into()]),
            },
            Extension {
                name: "emissions".into(),
                title: None,
                row_levels: vec!["stressor".into(), "compartment".into()],
                rows: vec![vec!["CO2".into(), "air".into()]],
                f: DenseMatrix::try_from_row_major(1, 3, vec![1e6, 2e-6, 3.0]).unwrap(),
                f_y: Some(DenseMatrix::try_from_row_major(1, 2, vec![100.0, 0.0]).unwrap()),
                units: None,
            },
        ],
    }
}

#[test]
fn pymrio_round_trip() {
    let d = scratch("pymrio-round-trip");
    let mut sys = small_system();
    pymrio::write_pymrio(&d, &sys).unwrap();
    let back = pymrio::read_pymrio(&d).unwrap();
    assert_eq!(back.source.as_deref(), Some(&*d));
    // Extensions come back in folder-name order; pymrio names them by folder.
    sys.source = Some(d.to_path_buf());
    sys.extensions.sort_by(|a, b| a.name.cmp(&b.name));
    sys.extensions[0].title = Some("emissions".into());
    assert_eq!(back, sys);
    let e = pymrio::to_economy(&back).unwrap();
    assert_eq!(
        e.products,
        vec!["north/grain", "north/steel", "south/grain"]
    );
    assert_eq!(
        e.satellite("employment/hours").unwrap().unit.as_deref(),
        Some("1000 h")
    );
}

#[test]
fn pymrio_tables_are_matched_by_label() {
    // Y and x rows and F columns in another order than Z's rows, as a hand-edited folder may have.
    let d = scratch("pymrio-order");
    let sys = small_system();
    pymrio::write_pymrio(&d, &sys).unwrap();
    let y = std::fs::read_to_string(d.join("Y.txt")).unwrap();
    let mut lines: Vec<&str> = y.lines().collect();
    lines.swap(3, 5);
    std::fs::write(d.join("Y.txt"), lines.join("\n") + "\n").unwrap();
    let back = pymrio::read_pymrio(&d).unwrap();
    assert_eq!(back.y, sys.y);
    // A row that is not a sector.
    std::fs::write(
        d.join("Y.txt"),
        y.replace("south\tgrain\t", "south\tgrian\t"),
    )
    .unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["Y.txt:6:1", "south/grian is not a sector of Z"]);
}

#[test]
fn pymrio_errors_name_the_file() {
    let d = scratch("pymrio-errors");
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["holds no Z"]);
    let sys = small_system();
    pymrio::write_pymrio(&d, &sys).unwrap();
    let z = std::fs::read_to_string(d.join("Z.txt")).unwrap();
    // Ragged.
    std::fs::write(d.join("Z.txt"), z.replacen("\t1\t", "\t1\t9\t", 1)).unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["Z.txt:4:", "6 cells but the header (line 1) has 5"]);
    // Text in a number cell, with the column's labels.
    std::fs::write(d.join("Z.txt"), z.replacen("\t1\t", "\tone\t", 1)).unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(
        &e,
        &[
            "Z.txt:4:3 (column \"north/grain\")",
            "\"one\" is not a number",
        ],
    );
    // NaN.
    std::fs::write(d.join("Z.txt"), z.replacen("\t1\t", "\tnan\t", 1)).unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["Z.txt:4:3", "NaN"]);
    // Binary garbage.
    std::fs::write(d.join("Z.txt"), b"\x00\x01\x02").unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["Z.txt", "binary data"]);
    // Empty.
    std::fs::write(d.join("Z.txt"), b"").unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["Z.txt: the file is empty"]);
    // Negative flows reach the economy with the sectors named.
    std::fs::write(d.join("Z.txt"), z.replacen("\t2.5\t", "\t-2.5\t", 1)).unwrap();
    let bad = pymrio::read_pymrio(&d).unwrap();
    let e = err_text(pymrio::to_economy(&bad));
    assert_contains(
        &e,
        &[
            "Z at row north/grain, column north/steel is -2.5",
            "cannot be negative",
        ],
    );
    // Broken JSON.
    std::fs::write(d.join("file_parameters.json"), "{\"files\": ").unwrap();
    let e = err_text(pymrio::read_pymrio(&d));
    assert_contains(&e, &["file_parameters.json:1:", "not valid JSON"]);
}

/// pymrio's own `save_all` of its test system reads to the same numbers as the CSV export.
#[test]
fn pymrio_save_all_is_read() {
    let Some(py) = peer_python("pymrio_save_all_is_read") else {
        return;
    };
    let tmp = scratch("pymrio-save-all");
    let d = tmp.join("testmrio");
    run_python(
        &py,
        "import sys, pymrio\npymrio.load_test().save_all(sys.argv[1])",
        &[&d],
    );
    let ours = pymrio::read_pymrio(&d).unwrap();
    let export = pymrio::read_pymrio(&pymrio_export()).unwrap();
    assert_eq!(ours.regions_sectors, export.regions_sectors);
    assert_eq!(ours.z, export.z, "Z must be exactly the exported Z");
    assert_eq!(ours.y, export.y);
    assert_eq!(ours.y_columns, export.y_columns);
    assert_eq!(ours.x, None, "load_test().save_all() writes no x");
    let x = export.x.clone().unwrap();
    for (a, b) in ours.gross_output().iter().zip(&x) {
        assert!(rel_close(*a, *b, 1e-13), "{a} vs {b}");
    }
    assert_eq!(ours.units.as_ref().unwrap()[0], "Mill USD");
    assert_eq!(ours.extensions.len(), 2);
    for (a, b) in ours.extensions.iter().zip(&export.extensions) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.row_levels, b.row_levels);
        assert_eq!(a.f, b.f);
        assert_eq!(a.f_y, b.f_y);
    }
    assert_eq!(ours.extensions[0].title.as_deref(), Some("Emissions"));
    assert_eq!(ours.extensions[0].units.as_ref().unwrap()[0], "kg");
    let e = pymrio::to_economy(&ours).unwrap();
    assert_eq!(e.n(), 48);
}

/// What we write, pymrio loads, and `calc_all` runs on it with the same numbers.
#[test]
fn pymrio_loads_what_we_write() {
    let Some(py) = peer_python("pymrio_loads_what_we_write") else {
        return;
    };
    let export = pymrio_export();
    let sys = if export.exists() {
        pymrio::read_pymrio(&export).unwrap()
    } else {
        small_system()
    };
    let tmp = scratch("pymrio-write");
    let d = tmp.join("sys");
    pymrio::write_pymrio(&d, &sys).unwrap();
    let out = run_python(
        &py,
        "import sys, pymrio\n\
         io = pymrio.load_all(sys.argv[1])\n\
         io.calc_all()\n\
         print(float(io.Z.values.sum()).hex())\n\
         print(float(io.x.values.sum()).hex())\n\
         print(io.Z.shape[0], io.Y.shape[1])\n\
         for name in sorted(e.name for e in io.get_extensions(data=True)): print(name)\n\
         core = pymrio.load(sys.argv[1])\n\
         core.calc_all()\n\
         print(core.L.shape[0])",
        &[&d],
    );
    let lines: Vec<&str> = out.lines().collect();
    let z_sum: f64 = sys.z.as_slice().iter().sum();
    let x_sum: f64 = sys.gross_output().iter().sum();
    let py_z = hex_float(lines[0]);
    let py_x = hex_float(lines[1]);
    assert!(rel_close(py_z, z_sum, 1e-13), "{py_z} vs {z_sum}");
    assert!(rel_close(py_x, x_sum, 1e-13), "{py_x} vs {x_sum}");
    assert_eq!(lines[2], format!("{} {}", sys.z.nrows(), sys.y.ncols()));
    let mut names: Vec<String> = sys
        .extensions
        .iter()
        .map(|e| e.title.clone().unwrap_or(e.name.clone()))
        .collect();
    names.sort();
    assert_eq!(lines[3..3 + names.len()].to_vec(), names);
    assert_eq!(lines[3 + names.len()], sys.z.nrows().to_string());
}
