//! How much fill a year-by-year ordering saves on a five-year plan's KKT matrix (issue #13):
//! `cargo run --release -p plenty-core --example staged_ordering -- 1000`.
//!
//! Builds the pattern of `[[I, Aᵀ], [A, −I]]` for the staircase LP of
//! `plenty generate-plan --family multi-year` (every row kept; the interior-point method also
//! eliminates the rows that only bound a column, which changes little here) and counts the
//! non-zeros of its Cholesky factor under three orderings:
//!
//! * AMD on the whole matrix (what the interior-point method uses);
//! * the years in order, AMD's order within each year (a block-by-year elimination);
//! * the years in reverse order, likewise.
//!
//! Each variable's year is read from its name in the LP (`x_3_g7`, `stock_2_g1_g5`, …).
use faer::perm::PermRef;
use faer::sparse::linalg::cholesky::{
    factorize_symbolic_cholesky, CholeskySymbolicParams, SymmetricOrdering,
};
use faer::sparse::SymbolicSparseColMatRef;
use faer::Side;
use plenty_core::lp::synthetic::{multi_year_lp, MultiYearLpSettings};

fn year_of(name: &str) -> usize {
    name.split('_')
        .find_map(|part| part.parse::<usize>().ok())
        .unwrap_or(usize::MAX / 2)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let lp = multi_year_lp(&MultiYearLpSettings {
        n,
        ..Default::default()
    })
    .expect("a generated plan");
    let (ncols, nrows) = (lp.ncols(), lp.nrows());
    let size = ncols + nrows;
    // Upper triangle by columns: the identity block, then each row r of A as column ncols + r.
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); nrows];
    for (j, i, _) in lp.columns.triplets() {
        rows_of[i].push(j);
    }
    let mut col_ptr = vec![0usize];
    let mut row_idx = Vec::new();
    for j in 0..ncols {
        row_idx.push(j);
        col_ptr.push(row_idx.len());
    }
    for (r, cols) in rows_of.iter_mut().enumerate() {
        cols.sort_unstable();
        cols.dedup();
        row_idx.extend(cols.iter().copied());
        row_idx.push(ncols + r);
        col_ptr.push(row_idx.len());
    }
    let pattern = SymbolicSparseColMatRef::new_checked(size, size, &col_ptr, None, &row_idx);
    let amd = analyse(pattern, SymmetricOrdering::Amd);
    println!(
        "n = {n}: KKT {size} × {size}, {} non-zeros in A",
        lp.columns.nnz()
    );
    println!(
        "  AMD:                  factor {:>12} non-zeros",
        amd.len_val()
    );
    let amd_perm = amd.perm().expect("AMD gives a permutation");
    let (fwd, _) = amd_perm.arrays();
    let stage: Vec<usize> = lp
        .col_names
        .iter()
        .chain(&lp.row_names)
        .map(|s| year_of(s))
        .collect();
    // Position of each variable in AMD's order, then a stable sort by year.
    for (label, reverse) in [("years in order", false), ("years reversed", true)] {
        let mut order: Vec<usize> = fwd.to_vec();
        order.sort_by_key(|&v| {
            if reverse {
                usize::MAX - stage[v]
            } else {
                stage[v]
            }
        });
        let mut inv = vec![0usize; size];
        for (k, &v) in order.iter().enumerate() {
            inv[v] = k;
        }
        let perm = PermRef::new_checked(&order, &inv, size);
        let staged = analyse(pattern, SymmetricOrdering::Custom(perm));
        println!("  {label:<21} factor {:>12} non-zeros", staged.len_val());
    }
}

fn analyse(
    pattern: SymbolicSparseColMatRef<'_, usize>,
    ordering: SymmetricOrdering<'_, usize>,
) -> faer::sparse::linalg::cholesky::SymbolicCholesky<usize> {
    factorize_symbolic_cholesky(
        pattern,
        Side::Upper,
        ordering,
        CholeskySymbolicParams::default(),
    )
    .expect("the pattern orders")
}
