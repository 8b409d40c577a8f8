//! Issue #17: RAS and GRAS on a real table, against independent NumPy implementations of the
//! published formulas (Miller & Blair, 3rd ed., §7.4 for RAS; Lenzen, Wood & Gallego 2007,
//! eq. 7–9, for GRAS). The prior is BEA's 2012 summary use table (73 commodities × 71
//! industries, producer prices, `data/bea_useeior`), updated to the row and column sums of the
//! 2017 table. The real table has negative entries (the "Used" commodity row, and one
//! government column), which only GRAS takes.

use plenty_core::balancing::{gras, ras, BalancingSettings, BalancingStatus};
use plenty_core::DenseMatrix;
use plenty_test_support::{data_dir, peer_python, run_python, scratch};

/// The intermediate block (73 × 71) of a BEA summary use table.
fn use_block(year: u32) -> DenseMatrix {
    let path = data_dir().join(format!(
        "bea_useeior/Summary_Use_{year}_PRO_BeforeRedef_17sch.csv"
    ));
    let mut r = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<Vec<f64>> = r
        .records()
        .take(73)
        .map(|rec| {
            let rec = rec.unwrap();
            (1..=71).map(|j| rec[j].parse::<f64>().unwrap()).collect()
        })
        .collect();
    DenseMatrix::try_from_row_major(73, 71, rows.concat()).unwrap()
}

fn margins(z: &DenseMatrix) -> (Vec<f64>, Vec<f64>) {
    (
        (0..z.nrows()).map(|i| z.row(i).iter().sum()).collect(),
        z.column_sums(),
    )
}

fn non_negative(z: &DenseMatrix) -> DenseMatrix {
    DenseMatrix::from_fn(z.nrows(), z.ncols(), |i, j| z.get(i, j).max(0.0))
}

const NUMPY: &str = r#"
import sys, numpy as np
method, prior, u, v = sys.argv[1], np.loadtxt(sys.argv[2], delimiter=','), np.loadtxt(sys.argv[3]), np.loadtxt(sys.argv[4])
if method == 'ras':
    # Miller & Blair 3rd ed. 7.4: Z = diag(r) Z0 diag(s), rows then columns.
    r, s = np.ones(len(u)), np.ones(len(v))
    for _ in range(100000):
        r = u / (prior @ s)
        s = v / (r @ prior)
        z = r[:, None] * prior * s[None, :]
        if max(abs(z.sum(1) - u).max(), abs(z.sum(0) - v).max()) < 1e-9: break
else:
    # Lenzen, Wood & Gallego (2007): Z0 = P - N, z = r p s - n / (r s);
    # r_i = (u_i + sqrt(u_i^2 + 4 p_i(s) n_i(s))) / (2 p_i(s)), and the same for columns.
    P, N = np.where(prior > 0, prior, 0), np.where(prior < 0, -prior, 0)
    r, s = np.ones(len(u)), np.ones(len(v))
    def root(p, n, t):
        # An empty row or column (p = n = 0) keeps the multiplier 1.
        out = np.where(p > 0, (t + np.sqrt(t * t + 4 * p * n)) / (2 * np.where(p > 0, p, 1)), -n / np.where(t != 0, t, 1))
        return np.where((p == 0) & (n == 0), 1.0, out)
    for _ in range(100000):
        r = root(P @ s, N @ (1 / s), u)
        s = root(r @ P, (1 / r) @ N, v)
        z = r[:, None] * P * s[None, :] - N / (r[:, None] * s[None, :])
        if max(abs(z.sum(1) - u).max(), abs(z.sum(0) - v).max()) < 1e-9: break
np.savetxt(sys.stdout, z, delimiter=',', fmt='%.17g')
"#;

fn numpy(method: &str, prior: &DenseMatrix, u: &[f64], v: &[f64]) -> Option<Vec<Vec<f64>>> {
    let py = peer_python(&format!("issue_17_{method}_numpy"))?;
    let dir = scratch("issue17-ras");
    let write = |name: &str, text: String| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let m = write(
        "prior.csv",
        (0..prior.nrows())
            .map(|i| {
                prior
                    .row(i)
                    .iter()
                    .map(|x| format!("{x:e}"))
                    .collect::<Vec<_>>()
                    .join(",")
                    + "\n"
            })
            .collect(),
    );
    let vec = |x: &[f64]| x.iter().map(|v| format!("{v:e}\n")).collect::<String>();
    let (pu, pv) = (write("u.txt", vec(u)), write("v.txt", vec(v)));
    let out = run_python(&py, NUMPY, &[std::path::Path::new(method), &m, &pu, &pv]);
    Some(
        out.lines()
            .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
            .collect(),
    )
}

fn assert_close(ours: &DenseMatrix, theirs: &[Vec<f64>], rel: f64) -> f64 {
    let mut worst: f64 = 0.0;
    for (i, row) in theirs.iter().enumerate() {
        for (j, t) in row.iter().enumerate() {
            let d = (ours.get(i, j) - t).abs() / t.abs().max(1.0);
            worst = worst.max(d);
        }
    }
    assert!(worst < rel, "largest relative difference {worst:e}");
    worst
}

fn assert_margins(z: &DenseMatrix, u: &[f64], v: &[f64], tol: f64) {
    let (ru, rv) = margins(z);
    for (got, want) in ru.iter().zip(u).chain(rv.iter().zip(v)) {
        assert!(
            (got - want).abs() <= tol * want.abs().max(1.0),
            "{got} ≠ {want}"
        );
    }
}

#[test]
fn issue_17_ras_updates_bea_2012_to_2017_margins_as_numpy_does() {
    let prior = non_negative(&use_block(2012));
    let (u, v) = margins(&non_negative(&use_block(2017)));
    let s = BalancingSettings::default();
    let b = ras(&prior, &u, &v, &s).unwrap();
    assert_eq!(b.status, BalancingStatus::Converged);
    assert!(b.max_margin_error <= s.tolerance);
    assert_margins(&b.matrix, &u, &v, 1e-9);
    // The negatives of the real table are refused by RAS.
    assert!(ras(&use_block(2012), &u, &v, &s).is_err());
    if let Some(theirs) = numpy("ras", &prior, &u, &v) {
        let worst = assert_close(&b.matrix, &theirs, 1e-7);
        println!(
            "RAS: {} sweeps; largest difference from NumPy {worst:e}",
            b.iterations
        );
    }
    // RAS and GRAS agree on a non-negative table.
    let g = gras(&prior, &u, &v, &s).unwrap();
    assert_eq!(g.status, BalancingStatus::Converged);
    for (a, b) in g.matrix.as_slice().iter().zip(b.matrix.as_slice()) {
        assert!((a - b).abs() <= 1e-8 * b.abs().max(1.0), "{a} ≠ {b}");
    }
}

#[test]
fn issue_17_gras_updates_the_bea_table_with_negative_entries_as_numpy_does() {
    let prior = use_block(2012);
    assert!(prior.as_slice().iter().any(|x| *x < 0.0));
    let (u, v) = margins(&use_block(2017));
    let b = gras(&prior, &u, &v, &BalancingSettings::default()).unwrap();
    assert_eq!(b.status, BalancingStatus::Converged, "{b:?}");
    assert_margins(&b.matrix, &u, &v, 1e-9);
    // GRAS keeps the sign of every entry.
    for (z, z0) in b.matrix.as_slice().iter().zip(prior.as_slice()) {
        assert!(z * z0 > 0.0 || (*z == 0.0 && *z0 == 0.0), "{z} vs {z0}");
    }
    if let Some(theirs) = numpy("gras", &prior, &u, &v) {
        let worst = assert_close(&b.matrix, &theirs, 1e-7);
        println!(
            "GRAS: {} sweeps; largest difference from NumPy {worst:e}",
            b.iterations
        );
    }
}
