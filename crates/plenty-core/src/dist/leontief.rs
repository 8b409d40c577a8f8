//! Leontief solves across ranks: gross output `(I − A) x = d` and labour values
//! `(I − A)ᵀ vᵀ = lᵀ`, by the same BiCGSTAB and Jacobi iterations as one process
//! ([`crate::iterative`]), on a [`DistMatrix`] and a [`Space`].

use super::{CommStats, DistMatrix, Space};
use crate::checkpoint::Checkpoints;
use crate::error::SolveError;
use crate::iterative::{self, Side};
use crate::solve::{Method, SolverSettings};

/// This rank's part of one answer: `x` holds the entries of the solution this rank owns
/// (products `first..first + len`); `report`, how the solve went, is the same on every rank.
pub type DistSolved = crate::solve::Solved;

/// What a distributed solve cost this rank.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DistSolveReport {
    /// Number of ranks.
    pub ranks: usize,
    /// This rank.
    pub rank: usize,
    /// Products this rank owns.
    pub local_products: usize,
    /// Non-zeros of `A` this rank holds.
    pub local_nnz: usize,
    /// Ghost entries received per product with `A` and with `Aᵀ`.
    pub ghosts: (usize, usize),
    /// Bytes this rank sends in the ghost exchanges of one product with `A` and one with `Aᵀ`
    /// (the hub rows' partial sums included).
    pub ghost_bytes_per_product_pair: usize,
    /// Hub rows split over the ranks ([`super::HubRows::Split`]); 0 otherwise.
    #[serde(default)]
    pub hub_rows: usize,
    /// Communication during the solves (this rank's sends, collectives, seconds waited).
    pub comm: CommStats,
    /// Matrix-vector products with `A` or `Aᵀ` (one per iteration for Jacobi, two for
    /// BiCGSTAB), summed over the systems.
    pub iterations: usize,
}

/// Solves the given systems (each right-hand side is this rank's part) across the ranks.
/// Collective: every rank calls it with the same settings and the same number of systems.
///
/// [`Method::Auto`] means BiCGSTAB with Jacobi as the fallback, as for one process above the
/// dense limit; a dense LU is not distributed (the iterations are what scale).
pub fn solve_leontief(
    a: &DistMatrix<'_>,
    space: &Space<'_>,
    systems: &[(Side, &[f64])],
    settings: &SolverSettings,
) -> Result<(Vec<DistSolved>, DistSolveReport), SolveError> {
    solve_leontief_checkpointed(a, space, systems, settings, None)
}

/// [`solve_leontief`], saving its state every `checkpoints.every` steps and optionally resuming
/// from a saved state: the answer has the bits of an uninterrupted solve
/// ([`crate::checkpoint`]).
pub fn solve_leontief_checkpointed(
    a: &DistMatrix<'_>,
    space: &Space<'_>,
    systems: &[(Side, &[f64])],
    settings: &SolverSettings,
    checkpoints: Option<&mut Checkpoints<'_>>,
) -> Result<(Vec<DistSolved>, DistSolveReport), SolveError> {
    settings.validate()?;
    let method = match settings.method {
        Method::DenseLu => {
            return Err(SolveError::Unsupported(
                "a dense LU is not distributed; use --method bicgstab or jacobi (or auto)".into(),
            ))
        }
        Method::Auto => Method::BiCgStab,
        m => m,
    };
    let own = crate::iterative::LinearOperator::n(a);
    let first = a.first();
    let mut bad = None;
    for &(_, b) in systems {
        if b.len() != own {
            return Err(SolveError::DimensionMismatch {
                expected: own,
                found: b.len(),
            });
        }
        if let Some(k) = b.iter().position(|v| !v.is_finite()) {
            bad.get_or_insert(SolveError::NotFinite {
                index: first + k,
                value: b[k],
            });
        }
    }
    // Every rank must leave together, or the others would wait for it forever.
    if space.any(bad.is_some()) {
        return Err(bad.unwrap_or_else(|| {
            SolveError::Unsupported(
                "another rank holds a right-hand side that is not finite".into(),
            )
        }));
    }
    let before = space.comm().stats();
    let solved = iterative::solve(a, space, method, systems, settings, checkpoints)?;
    let after = space.comm().stats();
    let iterations = solved
        .iter()
        .map(|s| match s.report.method {
            Method::BiCgStab => 2 * s.report.iterations,
            _ => s.report.iterations,
        })
        .sum();
    let report = DistSolveReport {
        ranks: space.comm().size(),
        rank: space.comm().rank(),
        local_products: own,
        local_nnz: a.local_nnz(),
        ghosts: a.ghosts(),
        ghost_bytes_per_product_pair: a.bytes_per_product_pair(),
        hub_rows: a.hub_rows(),
        comm: CommStats {
            bytes_sent: after.bytes_sent - before.bytes_sent,
            collectives: after.collectives - before.collectives,
            seconds: after.seconds - before.seconds,
        },
        iterations,
    };
    Ok((solved, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::{Communicator, HubRows, Layout, LocalRanks};
    use crate::generate::{generate, GeneratorSettings};
    use crate::matrix::{CsrMatrix, TechnicalCoefficients};
    use crate::solve::LeontiefSolver;

    /// Rank `r`'s entries when every rank reads the whole table: its own rows.
    fn rows_of(a: &CsrMatrix, layout: &Layout, rank: usize) -> Vec<(u32, u32, f64)> {
        let a = TechnicalCoefficients::sparse(a.clone()).unwrap();
        crate::dist::values::rows_of(&a, layout.range(rank))
    }

    fn solve_on(
        ranks: usize,
        granule: usize,
        a: &CsrMatrix,
        d: &[f64],
        l: &[f64],
        settings: &SolverSettings,
    ) -> (Vec<f64>, Vec<f64>, Vec<DistSolveReport>) {
        solve_with(ranks, granule, HubRows::Ghosts, a, d, l, settings)
    }

    fn solve_with(
        ranks: usize,
        granule: usize,
        hubs: HubRows,
        a: &CsrMatrix,
        d: &[f64],
        l: &[f64],
        settings: &SolverSettings,
    ) -> (Vec<f64>, Vec<f64>, Vec<DistSolveReport>) {
        let layout = Layout::contiguous(a.nrows(), ranks, granule);
        let parts = LocalRanks::run(ranks, |c| {
            let m = DistMatrix::assemble(c, &layout, rows_of(a, &layout, c.rank()), hubs).unwrap();
            let space = Space::new(&layout, c);
            let range = layout.range(c.rank());
            let (mut s, rep) = solve_leontief(
                &m,
                &space,
                &[(Side::Output, &d[range.clone()]), (Side::Values, &l[range])],
                settings,
            )
            .unwrap();
            assert!(s.iter().all(|s| s.report.status.is_converged()));
            let v = s.pop().unwrap().x;
            let x = s.pop().unwrap().x;
            (x, v, rep)
        });
        let mut x = Vec::new();
        let mut v = Vec::new();
        let mut reps = Vec::new();
        for (xp, vp, r) in parts {
            x.extend(xp);
            v.extend(vp);
            reps.push(r);
        }
        (x, v, reps)
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn issue_18_distributed_leontief_has_the_bits_of_one_process_on_1_2_and_4_ranks() {
        // Above four chunks, so that four ranks each get a part with the default granule.
        let e = crate::dist::tests::local_economy_70k();
        for method in [Method::BiCgStab, Method::Jacobi] {
            let settings = SolverSettings {
                method,
                ..Default::default()
            };
            let tc = TechnicalCoefficients::sparse(e.a.clone()).unwrap();
            let single = LeontiefSolver::new(&tc, settings.clone()).unwrap();
            let (x1, v1) = single.solve_both(&e.demand, &e.labour).unwrap();
            for ranks in [1, 2, 4] {
                let (x, v, reps) = solve_on(
                    ranks,
                    crate::kernels::CHUNK,
                    &e.a,
                    &e.demand,
                    &e.labour,
                    &settings,
                );
                assert_eq!(bits(&x), bits(&x1.x), "{method} x on {ranks} ranks");
                assert_eq!(bits(&v), bits(&v1.x), "{method} v on {ranks} ranks");
                if ranks > 1 {
                    assert!(reps.iter().all(|r| r.comm.bytes_sent > 0));
                }
            }
        }
    }

    #[test]
    fn issue_18_split_hub_rows_balance_the_ranks_cut_the_ghosts_and_agree_with_one_process() {
        // 70 basic goods, each an input of 2 000 products: hubs, all on rank 0.
        let e = crate::dist::tests::local_economy_70k();
        let tc = TechnicalCoefficients::sparse(e.a.clone()).unwrap();
        for method in [Method::BiCgStab, Method::Jacobi] {
            let settings = SolverSettings {
                method,
                tolerance: 1e-12,
                ..Default::default()
            };
            let single = LeontiefSolver::new(&tc, settings.clone()).unwrap();
            let (x1, v1) = single.solve_both(&e.demand, &e.labour).unwrap();
            let close = |a: &[f64], b: &[f64]| {
                a.iter()
                    .zip(b)
                    .map(|(p, q)| (p - q).abs() / q.abs().max(1e-300))
                    .fold(0.0, f64::max)
            };
            let g = crate::kernels::CHUNK / 4;
            for ranks in [1, 2, 4] {
                let run = || {
                    solve_with(
                        ranks,
                        g,
                        HubRows::Split,
                        &e.a,
                        &e.demand,
                        &e.labour,
                        &settings,
                    )
                };
                let (x, v, reps) = run();
                assert!(
                    reps.iter().all(|r| r.hub_rows == 70),
                    "{}",
                    reps[0].hub_rows
                );
                assert!(
                    close(&x, &x1.x) < 1e-9,
                    "{method} x on {ranks} ranks: {}",
                    close(&x, &x1.x)
                );
                assert!(
                    close(&v, &v1.x) < 1e-9,
                    "{method} v on {ranks} ranks: {}",
                    close(&v, &v1.x)
                );
                // For a given number of ranks, the same bits again.
                let (x2, v2, _) = run();
                assert_eq!((bits(&x2), bits(&v2)), (bits(&x), bits(&v)));
                if ranks == 1 {
                    continue;
                }
                // Against the hubs kept on their owner: the busiest rank receives a small part
                // of the ghosts, and the non-zeros are balanced.
                let (_, _, kept) = solve_with(
                    ranks,
                    g,
                    HubRows::Ghosts,
                    &e.a,
                    &e.demand,
                    &e.labour,
                    &settings,
                );
                let busiest = |r: &[DistSolveReport]| r.iter().map(|r| r.ghosts.0).max().unwrap();
                assert!(
                    10 * busiest(&reps) < busiest(&kept),
                    "{ranks} ranks: ghosts {} split against {} kept",
                    busiest(&reps),
                    busiest(&kept)
                );
                // Non-zeros per product owned, busiest rank against the least busy.
                let spread = |r: &[DistSolveReport]| {
                    let per = r
                        .iter()
                        .map(|r| r.local_nnz as f64 / r.local_products as f64);
                    per.clone().fold(0.0, f64::max) / per.fold(f64::INFINITY, f64::min)
                };
                assert!(
                    spread(&reps) < 1.1,
                    "{ranks} ranks: non-zeros spread {}",
                    spread(&reps)
                );
                assert!(
                    spread(&kept) > 1.2,
                    "{ranks} ranks: kept spread {}",
                    spread(&kept)
                );
                let total = |r: &[DistSolveReport]| r.iter().map(|r| r.local_nnz).sum::<usize>();
                assert_eq!(total(&reps), e.a.nnz());
            }
        }
    }

    #[test]
    fn issue_18_a_small_granule_spreads_a_small_table_with_the_same_bits_on_any_rank_count() {
        let e = generate(&GeneratorSettings {
            n: 300,
            k: 5,
            seed: 7,
            ..Default::default()
        })
        .unwrap();
        let settings = SolverSettings {
            method: Method::BiCgStab,
            ..Default::default()
        };
        let (x1, v1, _) = solve_on(1, 16, &e.a, &e.demand, &e.labour, &settings);
        for ranks in [2, 3, 4] {
            let (x, v, reps) = solve_on(ranks, 16, &e.a, &e.demand, &e.labour, &settings);
            assert_eq!(bits(&x), bits(&x1));
            assert_eq!(bits(&v), bits(&v1));
            assert!(reps.iter().all(|r| r.local_products > 0));
        }
        // Against the dense LU: the textbook identity v·d = l·x and the residual.
        let tc = TechnicalCoefficients::sparse(e.a.clone()).unwrap();
        let lu = LeontiefSolver::new(&tc, SolverSettings::default()).unwrap();
        let (xr, vr) = lu.solve_both(&e.demand, &e.labour).unwrap();
        for (a, b) in x1.iter().zip(&xr.x).chain(v1.iter().zip(&vr.x)) {
            assert!((a - b).abs() <= 1e-8 * b.abs().max(1.0), "{a} vs {b}");
        }
        let vd: f64 = v1.iter().zip(&e.demand).map(|(a, b)| a * b).sum();
        let lx: f64 = e.labour.iter().zip(&x1).map(|(a, b)| a * b).sum();
        assert!((vd - lx).abs() <= 1e-8 * lx);
    }

    #[test]
    fn issue_18_bad_entries_are_the_same_error_on_every_rank() {
        let layout = Layout::contiguous(40, 2, 8);
        let errors = LocalRanks::run(2, |c| {
            let t = if c.rank() == 1 {
                vec![(3, 4, 0.1), (3, 4, 0.2)]
            } else {
                vec![(30, 2, 0.1)]
            };
            DistMatrix::from_triplets(c, &layout, t).unwrap_err()
        });
        assert!(
            errors.iter().all(|e| e.contains("(3, 4) is given twice")),
            "{errors:?}"
        );
    }

    #[test]
    fn issue_18_a_solve_resumed_from_its_checkpoint_has_the_uninterrupted_bits() {
        use crate::checkpoint::{Checkpoints, IterationState};
        let e = generate(&GeneratorSettings {
            n: 3000,
            k: 6,
            seed: 5,
            ..Default::default()
        })
        .unwrap();
        let layout = Layout::contiguous(e.a.nrows(), 2, 64);
        for method in [Method::BiCgStab, Method::Jacobi] {
            let settings = SolverSettings {
                method,
                tolerance: 1e-13,
                ..Default::default()
            };
            // Per rank: the answers, and every checkpoint as bytes.
            let run = |resume: Option<&Vec<Vec<u8>>>| {
                LocalRanks::run(2, |c| {
                    let m = DistMatrix::from_triplets(c, &layout, rows_of(&e.a, &layout, c.rank()))
                        .unwrap();
                    let space = Space::new(&layout, c);
                    let range = layout.range(c.rank());
                    let mut saved: Vec<(usize, Vec<u8>)> = Vec::new();
                    let mut save = |st: &IterationState| {
                        let mut bytes = Vec::new();
                        st.write_to(&mut bytes).map_err(|e| e.to_string())?;
                        saved.push((st.step, bytes));
                        Ok(())
                    };
                    let mut cp = Checkpoints {
                        every: 4,
                        resume: resume
                            .map(|r| IterationState::read_from(&mut &r[c.rank()][..]).unwrap()),
                        save: &mut save,
                    };
                    let (s, _) = solve_leontief_checkpointed(
                        &m,
                        &space,
                        &[
                            (Side::Output, &e.demand[range.clone()]),
                            (Side::Values, &e.labour[range]),
                        ],
                        &settings,
                        Some(&mut cp),
                    )
                    .unwrap();
                    (s, saved)
                })
            };
            let whole = run(None);
            // The second checkpoint of each rank, as if the run had been killed after it.
            let steps: Vec<usize> = whole[0].1.iter().map(|s| s.0).collect();
            assert!(steps.len() >= 2, "{method}: checkpoints at {steps:?}");
            let second: Vec<Vec<u8>> = whole.iter().map(|w| w.1[1].1.clone()).collect();
            let resumed = run(Some(&second));
            for (w, r) in whole.iter().zip(&resumed) {
                assert_eq!(w.0, r.0, "{method}: answers and reports after resuming");
                // It saved the later checkpoints again, the same bytes.
                assert_eq!(&w.1[2..], &r.1[..], "{method}: later checkpoints");
            }
        }
    }

    #[test]
    fn issue_18_a_checkpoint_of_another_solve_is_refused_on_every_rank() {
        use crate::checkpoint::{Checkpoints, IterationState, SystemState};
        let e = generate(&GeneratorSettings {
            n: 500,
            k: 4,
            ..Default::default()
        })
        .unwrap();
        let layout = Layout::contiguous(500, 2, 16);
        let errors = LocalRanks::run(2, |c| {
            let m =
                DistMatrix::from_triplets(c, &layout, rows_of(&e.a, &layout, c.rank())).unwrap();
            let space = Space::new(&layout, c);
            let range = layout.range(c.rank());
            // Rank 1 resumes from a state of the wrong length; rank 0 from none at all.
            let resume = (c.rank() == 1).then(|| IterationState {
                method: Method::Jacobi,
                step: 3,
                systems: vec![SystemState::Jacobi {
                    side: Side::Output,
                    x: vec![0.0; 7],
                    r: vec![0.0; 7],
                    iterations: 3,
                    relative_residual: 0.5,
                    status: crate::solve::SolveStatus::IterationLimit,
                    done: false,
                }],
            });
            let mut save = |_: &IterationState| Ok(());
            let mut cp = Checkpoints {
                every: 2,
                resume,
                save: &mut save,
            };
            let settings = SolverSettings {
                method: Method::Jacobi,
                ..Default::default()
            };
            solve_leontief_checkpointed(
                &m,
                &space,
                &[(Side::Output, &e.demand[range])],
                &settings,
                Some(&mut cp),
            )
            .unwrap_err()
            .to_string()
        });
        assert!(errors[1].contains("this rank's"), "{errors:?}");
        assert!(errors[0].contains("another rank"), "{errors:?}");
    }
}
