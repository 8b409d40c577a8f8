//! MPS files: round trips, both dialects, the standard's semantics (ranges, bounds, objective
//! constant), errors with line numbers, the netlib instances (shape, and solved by PDLP to
//! their known optima), and HiGHS (through highspy) reading what we write and agreeing on the
//! optimum. Tests that need highspy run the Python of the peer benchmark (`.venv-peer` at the
//! workspace root, or `$PLENTY_PEER_PYTHON`) and are skipped, with a line saying so, when it is
//! not installed, unless `PLENTY_REQUIRE_PEERS` is set (as in CI), in which case they fail.

use plenty_core::lp::pdlp::{PdhgScheme, Pdlp, PdlpSettings};
use plenty_core::lp::synthetic::random_feasible_lp;
use plenty_core::lp::{LinearProgram, LpSettings, LpStatus, Sense};
use plenty_core::CsrMatrix;
use plenty_io::mps::{read_mps, read_mps_as, write_mps, MpsFormat};
use plenty_test_support::{peer_python, scratch};
use std::path::{Path, PathBuf};

const INF: f64 = f64::INFINITY;

// ---------------------------------------------------------------------------------------------
// Helpers.

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn netlib(name: &str) -> PathBuf {
    manifest().join("tests/data/lp").join(format!("{name}.mps"))
}

fn file_with(test: &str, content: &str) -> plenty_test_support::ScratchFile {
    plenty_test_support::scratch_file(test, "model.mps", content.as_bytes())
}

fn err_text(r: plenty_io::Result<LinearProgram>) -> String {
    r.expect_err("an error was expected").to_string()
}

fn assert_contains(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "{p:?} not in:\n{text}");
    }
}

/// The known optimal objectives of the netlib instances (netlib's `readme`).
const NETLIB: [(&str, usize, usize, usize, f64); 5] = [
    ("afiro", 27, 32, 83, -464.7531428571),
    ("adlittle", 56, 97, 383, 225494.96316),
    ("sc50a", 50, 48, 130, -64.575077059),
    ("kb2", 43, 41, 286, -1749.9001299),
    ("blend", 74, 83, 491, -30.812149846),
];

/// An LP with every feature the writer has to express: maximisation, an objective constant,
/// `≤`, `≥`, `=`, ranged and free rows, every kind of column bound, an empty column, and names
/// with blanks.
fn showcase() -> LinearProgram {
    // Columns: a (default), b [−2, 5], c (−∞, −1], d free, e fixed 3, f [−4, ∞), g empty.
    let cols = CsrMatrix::try_from_triplets(
        7,
        5,
        vec![
            (0, 0, 1.0),
            (0, 1, 2.0),
            (1, 0, -1.5),
            (1, 2, 1.0),
            (2, 1, 0.25),
            (2, 3, 1.0),
            (3, 2, -1.0),
            (3, 4, 1.0),
            (4, 3, 1e-7),
            (5, 0, 3.0),
            (5, 4, -2.0),
        ],
    )
    .unwrap();
    let mut lp = LinearProgram::new(
        Sense::Maximize,
        vec![1.0, -0.5, 2.0, 0.0, 1.0 / 3.0, 0.75, 0.0],
        vec![0.0, -2.0, -INF, -INF, 3.0, -4.0, 0.0],
        vec![INF, 5.0, -1.0, INF, 3.0, INF, INF],
        vec![-INF, 1.0, -3.0, -2.0, -INF],
        vec![10.0, INF, 7.0, -2.0, INF],
        cols,
        vec![
            "steel mill".into(),
            "b".into(),
            "c".into(),
            "d".into(),
            "e".into(),
            "f".into(),
            "g".into(),
        ],
        vec![
            "labour".into(),
            "coal min".into(),
            "ranged".into(),
            "eq".into(),
            "free".into(),
        ],
    )
    .unwrap();
    lp.offset = -12.5;
    lp
}

fn triplets(lp: &LinearProgram) -> Vec<(usize, usize, u64)> {
    lp.columns
        .triplets()
        .map(|(j, i, v)| (j, i, v.to_bits()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Round trip and the written text.

#[test]
fn a_round_trip_preserves_the_lp_with_names_made_safe() {
    let lp = showcase();
    let tmp = scratch("round-trip");
    let p = tmp.join("showcase.mps");
    write_mps(&p, &lp).unwrap();
    let back = read_mps(&p).unwrap();
    assert_eq!(back.sense, lp.sense);
    assert_eq!(back.offset, lp.offset);
    assert_eq!(back.c, lp.c);
    assert_eq!(back.col_lower, lp.col_lower);
    assert_eq!(back.col_upper, lp.col_upper);
    assert_eq!(back.row_lower, lp.row_lower);
    assert_eq!(back.row_upper, lp.row_upper);
    assert_eq!(triplets(&back), triplets(&lp));
    assert_eq!(back.col_names[0], "steel_mill");
    assert_eq!(back.row_names[1], "coal_min");
    assert_eq!(&back.col_names[1..], &lp.col_names[1..]);
    // Both dialects read our file the same way (our names have no blanks).
    let free = read_mps_as(&p, MpsFormat::Free).unwrap();
    assert_eq!(free, back);
}

#[test]
fn the_written_text_has_the_sections_highs_reads() {
    let tmp = scratch("text");
    let p = tmp.join("showcase.mps");
    write_mps(&p, &showcase()).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    assert_contains(
        &text,
        &[
            "OBJSENSE\n    MAX\n",
            "ROWS\n N  OBJ\n L  labour\n G  coal_min\n L  ranged\n E  eq\n N  free\n",
            "RHS\n",
            "    RHS  OBJ  12.5\n",
            "RANGES\n    RNG  ranged  10\n",
            " MI BND  c\n UP BND  c  -1\n",
            " FR BND  d\n",
            " FX BND  e  3\n",
            " LO BND  f  -4\n",
            "    g  OBJ  0\n",
            "    e  eq  1e-7\n",
            "ENDATA\n",
        ],
    );
    assert!(!text.contains("OBJSENSE") || text.find("OBJSENSE") < text.find("ROWS"));
}

#[test]
fn names_that_collide_once_made_safe_are_refused() {
    let mut lp = showcase();
    lp.col_names[1] = "steel_mill".into();
    let tmp = scratch("collide");
    let p = tmp.join("x.mps");
    let e = write_mps(&p, &lp).unwrap_err().to_string();
    assert_contains(
        &e,
        &["\"steel_mill\"", "\"steel mill\"", "cannot contain blanks"],
    );
}

// ---------------------------------------------------------------------------------------------
// Reading: dialects and semantics.

#[test]
fn fixed_mps_with_blanks_in_names_is_read_by_column() {
    let text = "\
NAME          FIXED
ROWS
 N  COST
 L  LIM 1
 G  LIM 2
COLUMNS
    X ONE     COST               1.0   LIM 1              1.0
    X ONE     LIM 2              1.0
    X TWO     COST               2.0   LIM 1              1.0
RHS
    RHS       LIM 1              4.0   LIM 2              1.0
BOUNDS
 UP BND       X TWO              3.0
ENDATA
";
    let p = file_with("fixed", text);
    let lp = read_mps(&p).unwrap();
    assert_eq!(lp.col_names, ["X ONE", "X TWO"]);
    assert_eq!(lp.row_names, ["LIM 1", "LIM 2"]);
    assert_eq!(lp.c, [1.0, 2.0]);
    assert_eq!(lp.row_upper, [4.0, INF]);
    assert_eq!(lp.row_lower, [-INF, 1.0]);
    assert_eq!(lp.col_upper, [INF, 3.0]);
    // Free MPS cannot read it: the error of the dialect that got further is reported.
    let e = err_text(read_mps_as(&p, MpsFormat::Free));
    assert_contains(&e, &["model.mps:4:", "a ROWS line has a type"]);
}

#[test]
fn ranges_follow_the_mps_standard() {
    let text = "\
NAME r
ROWS
 N obj
 L l
 G g
 E ep
 E en
 E e0
COLUMNS
 x obj 1 l 1
 x g 1 ep 1
 x en 1 e0 1
RHS
 rhs l 10 g 2
 rhs ep 5 en 5
 rhs e0 5
RANGES
 rng l 4 g -3
 rng ep 2 en -2
 rng e0 0
ENDATA
";
    let lp = read_mps(&file_with("ranges", text)).unwrap();
    // L: [b − |R|, b]; G: [b, b + |R|]; E: [b, b + R] if R ≥ 0, [b + R, b] if R < 0.
    assert_eq!(lp.row_lower, [6.0, 2.0, 5.0, 3.0, 5.0]);
    assert_eq!(lp.row_upper, [10.0, 5.0, 7.0, 5.0, 5.0]);
}

#[test]
fn bounds_objective_constant_and_sense() {
    let text = "\
NAME b
OBJSENSE MAXIMIZE
ROWS
 N obj
 N note
 L r
COLUMNS
 up obj 1 r 1
 neg obj 1 r 1
 lo obj 1 r 1
 mi obj 1 r 1
 pl obj 1 r 1
 fr obj 1 r 1
 fx obj 1 r 1
 both obj 1 note 5
RHS
 rhs obj 7.5 r 1
 rhs note 3
BOUNDS
 UP bnd up 4
 UP bnd neg -2
 LO bnd lo -1
 MI bnd mi
 UP bnd pl 3
 PL bnd pl
 FR bnd fr
 FX bnd fx 2.5
 LO bnd both 1
 UP bnd both 1e30
ENDATA
";
    let lp = read_mps(&file_with("bounds", text)).unwrap();
    assert_eq!(lp.sense, Sense::Maximize);
    // The RHS of the objective row is the negated constant (as HiGHS reads it).
    assert_eq!(lp.offset, -7.5);
    assert_eq!(
        lp.col_lower,
        [0.0, -INF, -1.0, -INF, 0.0, -INF, 2.5, 1.0],
        "UP < 0 on a column with the default lower bound makes it −∞"
    );
    assert_eq!(lp.col_upper, [4.0, -2.0, INF, INF, INF, INF, 2.5, INF]);
    // A second N row is kept as a free row; its entries are coefficients, its RHS ignored.
    assert_eq!(lp.row_names, ["note", "r"]);
    assert_eq!(lp.row_lower, [-INF, -INF]);
    assert_eq!(lp.row_upper, [INF, 1.0]);
    assert_eq!(lp.columns.row(7).collect::<Vec<_>>(), [(0, 5.0)]);
}

#[test]
fn errors_name_the_file_and_line() {
    let cases: [(&str, &str, &[&str]); 9] = [
        (
            "NAME m\nROWS\n N obj\n L r\nCOLUMNS\n    MARKER 'MARKER' 'INTORG'\n x r 1\nENDATA\n",
            "marker",
            &[":6:", "integer variables are not supported"],
        ),
        (
            "NAME m\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n BV bnd x\nENDATA\n",
            "bv",
            &[":7:", "integer variables are not supported"],
        ),
        (
            "NAME m\nROWS\n N obj\n L r\nCOLUMNS\n x nope 1\nENDATA\n",
            "unknown-row",
            &[":6:", "row \"nope\" is not declared in ROWS"],
        ),
        (
            "NAME m\nROWS\n N obj\n L r\nCOLUMNS\n x r one\nENDATA\n",
            "number",
            &[":6:", "\"one\" is not a number"],
        ),
        (
            "NAME m\nROWS\n N obj\n L r\nCOLUMNS\n x r 1\n",
            "no-endata",
            &["without ENDATA"],
        ),
        (
            "NAME m\nROWS\n N obj\n Q r\nENDATA\n",
            "row-type",
            &[":4:", "row type \"Q\""],
        ),
        (
            "NAME m\nROWS\n N obj\nCOLUMNS\n x obj 1\nQUADOBJ\n x x 1\nENDATA\n",
            "quadratic",
            &[":6:", "quadratic programs are not supported"],
        ),
        (
            "NAME m\nROWS\n N obj\n L r\nCOLUMNS\n x r 1 r 2\nENDATA\n",
            "twice",
            &[":6:", "second entry in row \"r\""],
        ),
        (
            "NAME m\nROWS\n N obj\n L r\nCOLUMNS\n x r 1\nBOUNDS\n LO bnd x 5\n UP bnd x 1\nENDATA\n",
            "crossed",
            &["\"x\" has bounds [5, 1]"],
        ),
    ];
    for (text, name, parts) in cases {
        let p = file_with(name, text);
        let e = err_text(read_mps(&p));
        assert_contains(&e, &["model.mps"]);
        assert_contains(&e, parts);
    }
    let e = err_text(read_mps(Path::new("/nonexistent/plenty.mps")));
    assert_contains(&e, &["plenty.mps", "check the path"]);
}

// ---------------------------------------------------------------------------------------------
// Netlib.

#[test]
fn netlib_instances_read_with_their_published_shapes() {
    for (name, rows, cols, nnz, _) in NETLIB {
        let lp = read_mps(&netlib(name)).unwrap();
        assert_eq!(
            (lp.nrows(), lp.ncols(), lp.columns.nnz()),
            (rows, cols, nnz),
            "{name}"
        );
        assert_eq!(lp.sense, Sense::Minimize);
        // Written and read again, the LP is unchanged (netlib has no ranges).
        let tmp = scratch(&format!("netlib-{name}"));
        let p = tmp.join("again.mps");
        write_mps(&p, &lp).unwrap();
        let again = read_mps(&p).unwrap();
        assert_eq!(again, lp, "{name}");
    }
}

/// The netlib instances solved by PDLP to their known optima, to 1e-6 relative. The solves run
/// at tolerance 1e-8: the certificate's measures are relative to `1 + ‖bounds‖∞` and to
/// `1 + |primal| + |dual|`, so a 1e-6 certificate can leave the objective a few 1e-6 away (on
/// adlittle, 1.7e-6 with the Halpern scheme).
#[test]
fn netlib_instances_solve_to_their_known_optima() {
    for (name, _, _, _, optimum) in NETLIB {
        let lp = read_mps(&netlib(name)).unwrap();
        for scheme in [PdhgScheme::Halpern, PdhgScheme::Adaptive] {
            let solver = Pdlp::new(PdlpSettings {
                scheme,
                lp: LpSettings {
                    tolerance: 1e-8,
                    max_iterations: 500_000,
                    time_limit: None,
                },
                ..Default::default()
            });
            let s = solver.solve_warm(&lp, None, None).unwrap();
            assert_eq!(s.status, LpStatus::Optimal, "{name} {scheme:?}");
            let rel = (s.objective - optimum).abs() / optimum.abs();
            assert!(
                rel <= 1e-6,
                "{name} {scheme:?}: {} vs {optimum}",
                s.objective
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HiGHS.

/// Reads each MPS file with highspy, solves it with the dual simplex, and prints one JSON line
/// per file: the LP as HiGHS sees it (numbers as Python's shortest round-trip text, which Rust
/// parses exactly; serde_json's default float parsing may be off by an ulp) and the optimum.
const HIGHS_SCRIPT: &str = r#"
import json, sys
import highspy
def fin(v):
    return [repr(float(x)) for x in v]
for path in sys.argv[1:]:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    st = h.readModel(path)
    if st not in (highspy.HighsStatus.kOk, highspy.HighsStatus.kWarning):
        print(json.dumps({"path": path, "read": str(st)})); continue
    lp = h.getLp()
    h.run()
    a = lp.a_matrix_
    print(json.dumps({
        "path": path, "read": "ok",
        "status": h.modelStatusToString(h.getModelStatus()),
        "objective": h.getInfo().objective_function_value,
        "maximize": lp.sense_ == highspy.ObjSense.kMaximize,
        "offset": repr(float(lp.offset_)),
        "cost": fin(lp.col_cost_), "col_lower": fin(lp.col_lower_), "col_upper": fin(lp.col_upper_),
        "row_lower": fin(lp.row_lower_), "row_upper": fin(lp.row_upper_),
        "colwise": a.format_ == highspy.MatrixFormat.kColwise,
        "start": list(a.start_), "index": list(a.index_), "value": fin(a.value_),
    }))
"#;

pub(crate) fn highs(python: &Path, files: &[PathBuf]) -> Vec<serde_json::Value> {
    let args: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    plenty_test_support::run_python(python, HIGHS_SCRIPT, &args)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().parse::<f64>().unwrap())
        .collect()
}

/// Checks that HiGHS sees exactly our LP (free rows, which HiGHS drops, aside).
fn assert_highs_sees(lp: &LinearProgram, h: &serde_json::Value) {
    let what = h["path"].as_str().unwrap();
    assert_eq!(h["read"], "ok", "{what}");
    assert_eq!(
        h["maximize"].as_bool().unwrap(),
        lp.sense == Sense::Maximize,
        "{what}"
    );
    let offset: f64 = h["offset"].as_str().unwrap().parse().unwrap();
    assert_eq!(offset, lp.offset, "{what}");
    assert_eq!(floats(&h["cost"]), lp.c, "{what}");
    assert_eq!(floats(&h["col_lower"]), lp.col_lower, "{what}");
    assert_eq!(floats(&h["col_upper"]), lp.col_upper, "{what}");
    let kept: Vec<usize> = (0..lp.nrows())
        .filter(|&i| lp.row_lower[i].is_finite() || lp.row_upper[i].is_finite())
        .collect();
    let (hl, hu) = (floats(&h["row_lower"]), floats(&h["row_upper"]));
    assert_eq!(hl.len(), kept.len(), "{what}");
    for (k, &i) in kept.iter().enumerate() {
        let (lo, hi) = (lp.row_lower[i], lp.row_upper[i]);
        assert_eq!(hu[k], hi, "{what} row {i}");
        if lo.is_finite() && hi.is_finite() && lo != hi {
            // A ranged row is written as (b = upper, R = upper − lower) and its lower bound
            // read back as b − R: exact up to one rounding.
            assert!(
                (hl[k] - lo).abs() <= 4.0 * f64::EPSILON * hi.abs().max(lo.abs()),
                "{what} row {i}"
            );
        } else {
            assert_eq!(hl[k], lo, "{what} row {i}");
        }
    }
    assert!(h["colwise"].as_bool().unwrap());
    let start: Vec<usize> = h["start"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let index: Vec<usize> = h["index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let value = floats(&h["value"]);
    let mut theirs = Vec::new();
    for j in 0..lp.ncols() {
        for k in start[j]..start[j + 1] {
            theirs.push((j, kept[index[k]], value[k].to_bits()));
        }
    }
    theirs.sort_unstable();
    let ours: Vec<_> = triplets(lp)
        .into_iter()
        .filter(|&(_, i, _)| kept.contains(&i))
        .collect();
    assert_eq!(theirs, ours, "{what}");
}

#[test]
fn highs_reads_what_we_write_and_agrees_on_the_optimum() {
    let Some(python) = peer_python("highs_reads_what_we_write_and_agrees_on_the_optimum") else {
        return;
    };
    let dir = scratch("highs");
    let mut lps: Vec<(String, LinearProgram, Option<f64>)> = Vec::new();
    // The showcase LP is feasible and bounded; its optimum is checked against PDLP below.
    lps.push(("showcase".into(), showcase(), None));
    for (name, _, _, _, optimum) in NETLIB {
        lps.push((name.into(), read_mps(&netlib(name)).unwrap(), Some(optimum)));
    }
    for seed in 0..12u64 {
        lps.push((
            format!("random{seed}"),
            random_feasible_lp(1000 + seed, 6 + seed as usize, 9 + seed as usize, 0.4),
            None,
        ));
    }
    let files: Vec<PathBuf> = lps
        .iter()
        .map(|(name, lp, _)| {
            let p = dir.join(format!("{name}.mps"));
            write_mps(&p, lp).unwrap();
            p
        })
        .collect();
    let answers = highs(&python, &files);
    assert_eq!(answers.len(), lps.len());
    let pdlp = Pdlp::new(PdlpSettings {
        lp: LpSettings {
            tolerance: 1e-8,
            max_iterations: 500_000,
            time_limit: None,
        },
        ..Default::default()
    });
    for ((name, lp, known), h) in lps.iter().zip(&answers) {
        assert_highs_sees(lp, h);
        let ours = pdlp.solve_warm(lp, None, None).unwrap();
        let status = h["status"].as_str().unwrap();
        if status == "Unbounded" {
            assert_eq!(ours.status, LpStatus::Unbounded, "{name}");
            continue;
        }
        assert_eq!(status, "Optimal", "{name}");
        assert_eq!(ours.status, LpStatus::Optimal, "{name}");
        let theirs = h["objective"].as_f64().unwrap();
        if let Some(opt) = known {
            assert!(
                (theirs - opt).abs() <= 1e-9 * opt.abs(),
                "{name}: HiGHS {theirs} vs {opt}"
            );
        }
        assert!(
            (ours.objective - theirs).abs() <= 1e-6 * (1.0 + theirs.abs()),
            "{name}: PDLP {} vs HiGHS {theirs}",
            ours.objective
        );
        // Issue #12: the interior-point method agrees with HiGHS to 1e-8 relative.
        let (ipm, _) = plenty_core::lp::ipm::Ipm::new(plenty_core::lp::ipm::IpmSettings {
            lp: LpSettings {
                tolerance: 1e-9,
                ..Default::default()
            },
            ..Default::default()
        })
        .solve_with_stats(lp)
        .unwrap();
        assert_eq!(ipm.status, LpStatus::Optimal, "{name}: {ipm:?}");
        assert!(
            (ipm.objective - theirs).abs() <= 1e-8 * theirs.abs().max(1.0),
            "{name}: interior point {} vs HiGHS {theirs}",
            ipm.objective
        );
    }
}

/// Issue #3, crossover: with row-by-row feasibility, PDLP followed by the crossover reaches the
/// exact vertex of three of the five netlib instances, and that vertex has the published
/// optimum to all its printed digits (netlib prints 10 or 11). afiro and adlittle are
/// degenerate enough that the guessed basis is not optimal; PDLP's own answer stands there, to
/// its tolerance.
#[test]
fn issue_3_netlib_crosses_over_to_the_published_optima() {
    for (name, _, _, _, optimum) in NETLIB {
        let lp = read_mps(&netlib(name)).unwrap();
        let sol = Pdlp::new(PdlpSettings {
            row_scaled_feasibility: true,
            ..Default::default()
        })
        .solve_warm(&lp, None, None)
        .unwrap();
        assert_eq!(sol.status, LpStatus::Optimal, "{name}");
        let err = (sol.objective - optimum).abs() / optimum.abs();
        if ["sc50a", "kb2", "blend"].contains(&name) {
            assert_eq!(sol.info.method, "pdlp+crossover", "{name}");
            assert!(
                sol.info.certificate.passes(1e-12),
                "{name}: {:?}",
                sol.info.certificate
            );
            // 11 significant digits printed: a relative error below 1e-10 is all digits.
            assert!(
                err < 1e-10,
                "{name}: {} vs {optimum} ({err:.1e})",
                sol.objective
            );
        } else {
            assert!(
                err < 1e-6,
                "{name}: {} vs {optimum} ({err:.1e})",
                sol.objective
            );
        }
    }
}

/// Issue #12: the interior-point method reaches the published optima of the netlib instances
/// to 1e-8 relative, and its answer passes the certificate at 1e-8.
#[test]
fn issue_12_interior_point_reaches_the_netlib_optima() {
    use plenty_core::lp::ipm::{Ipm, IpmSettings};
    for (name, _, _, _, optimum) in NETLIB {
        let lp = read_mps(&netlib(name)).unwrap();
        let ipm = Ipm::new(IpmSettings {
            lp: LpSettings {
                tolerance: 1e-9,
                ..Default::default()
            },
            ..Default::default()
        });
        let (sol, stats) = ipm.solve_with_stats(&lp).unwrap();
        let err = (sol.objective - optimum).abs() / optimum.abs();
        println!(
            "{name}: {} in {} iterations, objective {} ({err:.1e}), certificate {:?}",
            sol.status, stats.iterations, sol.objective, sol.info.certificate
        );
        assert_eq!(sol.status, LpStatus::Optimal, "{name}: {stats:?}");
        assert!(sol.info.certificate.passes(1e-8), "{name}");
        assert!(
            err < 1e-8,
            "{name}: {} vs {optimum} ({err:.1e})",
            sol.objective
        );
    }
}

/// Harder netlib LPs (badly scaled, degenerate, with fixed columns, singleton and duplicate
/// rows, dense columns) and the optimum HiGHS 1.16 reaches on the same files; two of them
/// infeasible. See `tests/data/lp/README.md`.
const NETLIB_HARDER: [(&str, Option<f64>); 13] = [
    ("25fv47", Some(5501.84588828675)),
    ("e226", Some(-11.638929066370553)),
    ("etamacro", Some(-755.7152333005279)),
    ("israel", Some(-896644.8218630457)),
    ("perold", Some(-9380.755278235376)),
    ("scrs8", Some(904.2969538007912)),
    ("shell", Some(1208825346.0)),
    ("stair", Some(-251.26695119296335)),
    ("standata", Some(1257.6995)),
    ("standgub", Some(1257.6995)),
    ("standmps", Some(1406.0175)),
    ("klein1", None),
    ("woodinfe", None),
];

/// Whether `y` proves `lp` infeasible (minimisation form): with no objective, the dual
/// objective of `(0, y)` is positive while its dual residual is negligible against it.
fn proves_infeasible(lp: &LinearProgram, y: &[f64]) -> bool {
    let mut feasibility = lp.clone();
    feasibility.c.iter_mut().for_each(|c| *c = 0.0);
    let cert = plenty_core::lp::certify(&feasibility, &vec![0.0; lp.ncols()], y);
    cert.dual_objective > 0.0 && cert.dual_residual <= 1e-8 * cert.dual_objective
}

/// Issue #12: the interior-point method, with its presolve, agrees with HiGHS on the harder
/// netlib LPs to 1e-8 relative, certifies each optimum at 1e-8 on the original LP (not the
/// reduced one), and proves the infeasible ones infeasible with a Farkas ray.
#[test]
fn issue_12_interior_point_solves_the_harder_netlib_lps() {
    use plenty_core::lp::ipm::{Ipm, IpmSettings};
    let ipm = Ipm::new(IpmSettings {
        lp: LpSettings {
            tolerance: 1e-9,
            ..Default::default()
        },
        ..Default::default()
    });
    let mut presolved = 0;
    for (name, optimum) in NETLIB_HARDER {
        let lp = read_mps(&netlib(name)).unwrap();
        let (sol, stats) = ipm.solve_with_stats(&lp).unwrap();
        println!(
            "{name}: {} in {} iterations, objective {}, presolve {:?}",
            sol.status, stats.iterations, sol.objective, stats.presolve
        );
        presolved += usize::from(!stats.presolve.is_empty());
        match optimum {
            Some(optimum) => {
                assert_eq!(sol.status, LpStatus::Optimal, "{name}: {stats:?}");
                let cert = plenty_core::lp::certify(&lp, &sol.x, &sol.y);
                assert!(cert.passes(1e-8), "{name}: {cert:?}");
                let err = (sol.objective - optimum).abs() / optimum.abs();
                assert!(
                    err < 1e-8,
                    "{name}: {} vs {optimum} ({err:.1e})",
                    sol.objective
                );
            }
            None => {
                assert_eq!(sol.status, LpStatus::Infeasible, "{name}");
                assert!(
                    proves_infeasible(&lp, &sol.y),
                    "{name}: {:?}",
                    sol.info.certificate
                );
            }
        }
    }
    assert!(
        presolved >= 10,
        "presolve reduced only {presolved} of the LPs"
    );
}

/// Issue #12: presolve changes nothing but the route. With and without it the interior-point
/// method reaches the same optimum on LPs full of fixed columns and singleton rows (to 1e-7:
/// the unreduced LP's certificate at 1e-9 leaves its objective up to 5e-8 from HiGHS's on
/// scrs8, whose bounds are large), and the postsolved answer certifies on the original LP.
#[test]
fn issue_12_presolve_and_postsolve_keep_the_optimum() {
    use plenty_core::lp::ipm::{Ipm, IpmSettings};
    for name in ["etamacro", "standata", "scrs8", "25fv47"] {
        let lp = read_mps(&netlib(name)).unwrap();
        let solve = |presolve: bool| {
            Ipm::new(IpmSettings {
                presolve,
                lp: LpSettings {
                    tolerance: 1e-9,
                    ..Default::default()
                },
                ..Default::default()
            })
            .solve_with_stats(&lp)
            .unwrap()
        };
        let ((with, stats), (without, _)) = (solve(true), solve(false));
        assert!(stats.presolve.columns_removed() + stats.presolve.rows_removed() > 0);
        assert!(
            !stats.presolve_undone,
            "{name}: the postsolved answer did not certify"
        );
        assert!(
            plenty_core::lp::certify(&lp, &with.x, &with.y).passes(1e-9),
            "{name}"
        );
        assert_eq!(with.x.len(), lp.ncols());
        assert_eq!(with.y.len(), lp.nrows());
        let gap = (with.objective - without.objective).abs() / (1.0 + without.objective.abs());
        assert!(
            gap < 1e-7,
            "{name}: {} vs {}",
            with.objective,
            without.objective
        );
    }
}
