//! HiGHS's thread pool is global to the process: once sized, a solve that asks for another
//! thread count is a settings error, not a HiGHS failure. In its own test binary (its own
//! process) so that no other test sizes the pool first.

use plenty_core::error::SolveError;
use plenty_core::lp::{LinearProgram, LpBackend, LpSettings, LpStatus, Sense};
use plenty_core::CsrMatrix;
use plenty_highs::{Highs, HighsSettings};

fn tiny() -> LinearProgram {
    // max x s.t. x ≤ 1.
    let cols = CsrMatrix::try_from_triplets(1, 1, vec![(0, 0, 1.0)]).unwrap();
    LinearProgram::new(
        Sense::Maximize,
        vec![1.0],
        vec![0.0],
        vec![f64::INFINITY],
        vec![f64::NEG_INFINITY],
        vec![1.0],
        cols,
        vec!["x".into()],
        vec!["r".into()],
    )
    .unwrap()
}

#[test]
fn the_pool_keeps_its_first_thread_count() {
    let with = |threads| {
        Highs::new(HighsSettings {
            threads,
            ..Default::default()
        })
        .solve(&tiny(), &LpSettings::default())
    };
    let s = with(Some(2)).unwrap();
    assert_eq!(s.status, LpStatus::Optimal);
    assert_eq!(s.y, vec![1.0]);
    assert!(with(Some(2)).is_ok());
    let e = with(None).unwrap_err();
    assert!(matches!(e, SolveError::Settings(_)), "{e}");
    assert!(e.to_string().contains("already runs 2 thread(s)"), "{e}");
}
