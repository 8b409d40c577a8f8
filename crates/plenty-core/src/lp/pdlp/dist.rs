//! PDLP across ranks: the same run ([`super::run`]) on this rank's rows and columns of an LP
//! that no rank holds whole.
//!
//! The rows `0..m` and the columns `0..n` are spread by two [`Layout`]s. A rank gets any subset
//! of the entries of `A` (each entry on exactly one rank: the shard it read) and the costs and
//! bounds of its own columns and rows; the entries are routed to the owners of their rows and
//! of their columns ([`crate::dist`]), and every product is a gather after one ghost exchange.
//! Dense parts (the planning LP's λ column and labour rows) are ordinary rows and columns: the
//! rank that owns them receives every entry of the other vector they touch.
//!
//! # Determinism
//!
//! Every pass works in chunks that lie on one rank, and every sum adds its chunks in the
//! global order, so a run has the same bits on any number of ranks (with the same granule).
//! With a granule that is a multiple of 4 096 the chunks are the single-process solver's, and
//! the iterates follow it; the decisions differ only where the certificate is measured: on the
//! whole LP by [`certify`](crate::lp::certify) in one process, from the ranks' parts here (the
//! same measures, rounded differently), so an answer agrees with the single-process one to the
//! tolerance, not always bit for bit.
//!
//! Not distributed: the crossover (it factors a basis of the whole LP) and warm starts.

use super::run::run;
use super::scaled::{Frame, LocalLp, Scaled, MAT_CHUNK, VEC_CHUNK};
use super::{Csr, PdlpSettings, PdlpStats, Ray};
use crate::dist::assemble::assemble_halves;
use crate::dist::matrix::{Half, Triplets};
use crate::dist::values::agree_on_error;
use crate::dist::{CommStats, Communicator, Layout, Space};
use crate::error::SolveError;
use crate::lp::{LpSolution, Sense};
use std::time::Instant;

/// This rank's share of an LP spread over ranks.
#[derive(Debug, Clone, PartialEq)]
pub struct LpShare {
    /// Direction (the same on every rank).
    pub sense: Sense,
    /// Constant added to the objective (the same on every rank).
    pub offset: f64,
    /// Entries `(row, column, a)` with global indices: any part of `A`, each entry on exactly
    /// one rank.
    pub entries: Triplets,
    /// Costs of this rank's columns (`cols.range(rank)`).
    pub c: Vec<f64>,
    /// Lower bounds of this rank's columns.
    pub col_lower: Vec<f64>,
    /// Upper bounds of this rank's columns.
    pub col_upper: Vec<f64>,
    /// Lower bounds of this rank's rows (`rows.range(rank)`).
    pub row_lower: Vec<f64>,
    /// Upper bounds of this rank's rows.
    pub row_upper: Vec<f64>,
}

/// What a distributed PDLP run cost this rank.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DistLpReport {
    /// Number of ranks.
    pub ranks: usize,
    /// This rank.
    pub rank: usize,
    /// Rows this rank owns.
    pub local_rows: usize,
    /// Columns this rank owns.
    pub local_cols: usize,
    /// Non-zeros of `A` this rank holds (its rows and its columns each hold them once).
    pub local_nnz: usize,
    /// Ghost entries received per product with `Ã` (entries of `x`) and with `Ãᵀ` (of `y`).
    pub ghosts: (usize, usize),
    /// Bytes this rank sends in the ghost exchanges of one iteration (one product each way).
    pub ghost_bytes_per_iteration: usize,
    /// Communication of the whole run, set-up included.
    pub comm: CommStats,
    /// Bytes the matrix parts and exchange plans hold on this rank.
    pub matrix_bytes: usize,
}

/// This rank's part of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DistLpSolved {
    /// Status, objective and certificate (the same on every rank); `x` and the reduced costs
    /// are this rank's columns, `y` its rows.
    pub solution: LpSolution,
    /// The run's counters (the same on every rank).
    pub stats: PdlpStats,
    /// `A x` of the answer on this rank's rows (the row activities).
    pub row_activity: Vec<f64>,
    /// This rank's costs.
    pub report: DistLpReport,
}

/// Solves the LP across the ranks with PDLP. Collective: every rank calls it with the same
/// layouts and settings. The layouts must have the same granule; a multiple of 4 096 gives the
/// single-process solver's chunks, a smaller one (to spread a small LP) the same bits on any
/// rank count with that granule. `settings.crossover` is ignored (no crossover across ranks).
///
/// Errors (the same on every rank) name a vector of the wrong length, an entry out of range or
/// given twice, or bad settings.
pub fn solve_lp(
    comm: &dyn Communicator,
    rows: &Layout,
    cols: &Layout,
    share: LpShare,
    settings: &PdlpSettings,
) -> Result<DistLpSolved, SolveError> {
    solve_lp_checkpointed(comm, rows, cols, share, settings, None)
}

/// [`solve_lp`], saving its state every `checkpoints.every` iterations and optionally resuming
/// from a saved state: the answer has the bits of an uninterrupted run
/// ([`super::checkpoint`]). The feasibility run that settles a primal ray (rare) is not
/// checkpointed.
pub fn solve_lp_checkpointed(
    comm: &dyn Communicator,
    rows: &Layout,
    cols: &Layout,
    share: LpShare,
    settings: &PdlpSettings,
    checkpoints: Option<&mut super::checkpoint::LpCheckpoints<'_>>,
) -> Result<DistLpSolved, SolveError> {
    let start = Instant::now();
    let mut set = settings.clone();
    set.crossover = false;
    let bad = |e: String| SolveError::Settings(e);
    agree_on_error(comm, set.validate().err().map(|e| e.to_string())).map_err(bad)?;
    agree_on_error(comm, check_share(comm.rank(), rows, cols, &share)).map_err(bad)?;
    let granule = rows.granule();
    let vec_chunk = if granule.is_multiple_of(VEC_CHUNK) {
        VEC_CHUNK
    } else {
        granule
    };
    let mat_chunk = if vec_chunk.is_multiple_of(MAT_CHUNK) {
        MAT_CHUNK
    } else {
        vec_chunk
    };
    let n_range = cols.range(comm.rank());
    // Rows in column order and columns in row order: the order of the single-process CSR.
    let mut entries = share.entries;
    entries.retain(|e| e.2 != 0.0);
    let by_index = |_: u32, _: u32| 0;
    let (rows_half, cols_half) =
        assemble_halves(comm, rows, cols, entries, &by_index, &by_index).map_err(bad)?;
    let local_nnz = rows_half.val.len();
    let split = |h: Half| {
        (
            Csr {
                ptr: h.ptr,
                idx: h.idx,
                val: h.val,
            },
            h.ghosts,
        )
    };
    let (by_rows, x_ghosts) = split(rows_half);
    let (by_cols, y_ghosts) = split(cols_half);
    let frame = Frame {
        rows: Space::new(rows, comm),
        cols: Space::new(cols, comm),
        x_ghosts,
        y_ghosts,
        vec_chunk,
        mat_chunk,
        col_first: n_range.start,
        n_total: cols.n(),
    };
    let orig = LocalLp {
        sense: share.sense.sign(),
        offset: share.offset,
        c: share.c,
        col_lower: share.col_lower,
        col_upper: share.col_upper,
        row_lower: share.row_lower,
        row_upper: share.row_upper,
    };
    let mut p = Scaled::build(frame, orig, by_rows, by_cols, &set);
    let matrix_bytes = p.heap_bytes();
    let ghosts = (p.f.x_ghosts.received(), p.f.y_ghosts.received());
    let ghost_bytes_per_iteration = 8 * (p.f.x_ghosts.sent() + p.f.y_ghosts.sent());
    let observer = super::Observer::default();
    let (mut sol, mut stats, ray) = run(None, &p, &set, None, None, start, &observer, checkpoints)?;
    if ray == Ray::Primal {
        // As in one process: a primal ray shows unboundedness once the LP is feasible.
        let x = sol.x.clone();
        p.zero_costs(&set);
        let (fsol, fstats, _) = run(None, &p, &set, Some(&x), None, start, &observer, None)?;
        super::settle_primal_ray(&mut sol, &mut stats, fsol, &fstats);
    }
    let row_activity = p.activity(&sol.x);
    sol.info.seconds = start.elapsed().as_secs_f64();
    sol.info.method = "pdlp (distributed)".into();
    let report = DistLpReport {
        ranks: comm.size(),
        rank: comm.rank(),
        local_rows: p.m,
        local_cols: p.n,
        local_nnz,
        ghosts,
        ghost_bytes_per_iteration,
        comm: comm.stats(),
        matrix_bytes,
    };
    Ok(DistLpSolved {
        solution: sol,
        stats,
        row_activity,
        report,
    })
}

/// Why this rank's share does not fit the layouts, if it does not.
fn check_share(rank: usize, rows: &Layout, cols: &Layout, s: &LpShare) -> Option<String> {
    if rows.granule() != cols.granule() || rows.ranks() != cols.ranks() {
        return Some("the row and column layouts must have the same granule and ranks".into());
    }
    let (m, n) = (rows.range(rank).len(), cols.range(rank).len());
    for (what, len, want) in [
        ("costs", s.c.len(), n),
        ("column lower bounds", s.col_lower.len(), n),
        ("column upper bounds", s.col_upper.len(), n),
        ("row lower bounds", s.row_lower.len(), m),
        ("row upper bounds", s.row_upper.len(), m),
    ] {
        if len != want {
            return Some(format!(
                "this rank holds {len} {what}; it owns {want} (its range of the layout)"
            ));
        }
    }
    for (what, lo, hi) in [
        ("column", &s.col_lower, &s.col_upper),
        ("row", &s.row_lower, &s.row_upper),
    ] {
        if let Some(k) = (0..lo.len()).find(|&k| lo[k] > hi[k] || lo[k].is_nan() || hi[k].is_nan())
        {
            return Some(format!(
                "{what} {k} of this rank has bounds [{}, {}]; the lower must not exceed the upper",
                lo[k], hi[k]
            ));
        }
    }
    if let Some(k) = s.c.iter().position(|c| !c.is_finite()) {
        return Some(format!(
            "cost {k} of this rank is {}; costs must be finite",
            s.c[k]
        ));
    }
    let (mt, nt) = (rows.n(), cols.n());
    s.entries
        .iter()
        .find(|&&(i, j, v)| i as usize >= mt || j as usize >= nt || !v.is_finite())
        .map(|&(i, j, v)| {
            format!("entry ({i}, {j}) = {v} lies outside the {mt} × {nt} LP or is not finite")
        })
}

impl LpShare {
    /// The share of rank `rank` of a whole LP: the entries of its columns, the costs and bounds
    /// of its columns and rows. (For an LP that one process could read whole; a sharded reader
    /// builds shares without it.)
    pub fn of_whole(
        lp: &crate::lp::LinearProgram,
        rows: &Layout,
        cols: &Layout,
        rank: usize,
    ) -> Self {
        let (mr, nr) = (rows.range(rank), cols.range(rank));
        let mut entries = Triplets::new();
        for j in nr.clone() {
            entries.extend(lp.columns.row(j).map(|(i, v)| (i as u32, j as u32, v)));
        }
        LpShare {
            sense: lp.sense,
            offset: lp.offset,
            entries,
            c: lp.c[nr.clone()].to_vec(),
            col_lower: lp.col_lower[nr.clone()].to_vec(),
            col_upper: lp.col_upper[nr].to_vec(),
            row_lower: lp.row_lower[mr.clone()].to_vec(),
            row_upper: lp.row_upper[mr].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::values::gather;
    use crate::dist::LocalRanks;
    use crate::generate::GeneratorSettings;
    use crate::lp::pdlp::{PdhgScheme, Pdlp};
    use crate::lp::synthetic::{planning_lp, PlanningLpSettings};
    use crate::lp::{LinearProgram, LpStatus};

    fn plan(n: usize) -> LinearProgram {
        planning_lp(&PlanningLpSettings {
            economy: GeneratorSettings {
                n,
                seed: 18,
                ..Default::default()
            },
            techniques: 2,
        })
        .unwrap()
    }

    /// Solves on `ranks` ranks (threads), each starting from the share of its columns, with
    /// the entries dealt round-robin over the ranks so that none starts with its own rows;
    /// returns the whole x and y (gathered), status, objective and iterations.
    fn solve_on(
        lp: &LinearProgram,
        ranks: usize,
        granule: usize,
        set: &PdlpSettings,
    ) -> Vec<Gathered> {
        let rows = Layout::contiguous(lp.nrows(), ranks, granule);
        let cols = Layout::contiguous(lp.ncols(), ranks, granule);
        let all: Triplets = (0..lp.ncols())
            .flat_map(|j| lp.columns.row(j).map(move |(i, v)| (i as u32, j as u32, v)))
            .collect();
        LocalRanks::run(ranks, |c| {
            let mut share = LpShare::of_whole(lp, &rows, &cols, c.rank());
            share.entries = all
                .iter()
                .enumerate()
                .filter(|(k, _)| k % ranks == c.rank())
                .map(|(_, e)| *e)
                .collect();
            let s = solve_lp(c, &rows, &cols, share, set).unwrap();
            let x = gather(c, &cols, &s.solution.x);
            let y = gather(c, &rows, &s.solution.y);
            (
                x,
                y,
                s.solution.status,
                s.solution.objective,
                s.stats.iterations,
                s.report,
            )
        })
    }

    /// x, y, status, objective, iterations and the rank's report.
    type Gathered = (Vec<f64>, Vec<f64>, LpStatus, f64, usize, DistLpReport);

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn issue_18_pdlp_has_the_same_bits_on_1_2_and_4_ranks() {
        let lp = plan(300);
        for scheme in [PdhgScheme::Adaptive, PdhgScheme::Halpern] {
            let set = PdlpSettings {
                scheme,
                ..Default::default()
            };
            let one = solve_on(&lp, 1, 32, &set).remove(0);
            assert_eq!(one.2, LpStatus::Optimal, "{scheme:?}");
            // An independent reference: the single-process solver with its crossover to the
            // exact vertex.
            let exact = Pdlp::default().solve_warm(&lp, None, None).unwrap();
            assert_eq!(exact.status, LpStatus::Optimal);
            let rel = (one.3 - exact.objective).abs() / (1.0 + exact.objective.abs());
            assert!(
                rel < 1e-5,
                "{scheme:?}: {} against {}",
                one.3,
                exact.objective
            );
            for ranks in [2, 4] {
                for got in solve_on(&lp, ranks, 32, &set) {
                    assert_eq!(got.2, one.2, "{scheme:?} on {ranks} ranks");
                    assert_eq!(got.4, one.4, "{scheme:?} on {ranks} ranks: iterations");
                    assert_eq!(bits(&got.0), bits(&one.0), "{scheme:?} x on {ranks} ranks");
                    assert_eq!(bits(&got.1), bits(&one.1), "{scheme:?} y on {ranks} ranks");
                    assert_eq!(got.3.to_bits(), one.3.to_bits());
                    // The λ column and the labour row touch everything: their owners receive
                    // ghosts, so the exchange is really used.
                    assert!(got.5.ghosts.0 + got.5.ghosts.1 > 0, "{:?}", got.5);
                }
            }
        }
    }

    #[test]
    fn issue_18_pdlp_across_ranks_agrees_with_one_process_to_the_tolerance() {
        // The single-process chunks (a granule of 4 096): the same iterates, certified from the
        // ranks' parts instead of the whole LP.
        let lp = plan(2500);
        let set = PdlpSettings {
            crossover: false,
            ..Default::default()
        };
        let single = Pdlp::new(set.clone()).solve_warm(&lp, None, None).unwrap();
        let dist = solve_on(&lp, 2, 4096, &set);
        for got in dist {
            assert_eq!(got.2, single.status);
            let rel = (got.3 - single.objective).abs() / (1.0 + single.objective.abs());
            assert!(rel < 1e-6, "{} against {}", got.3, single.objective);
            let c = crate::lp::certify(&lp, &got.0, &got.1);
            assert!(c.passes(1e-6), "{c:?}");
        }
    }

    #[test]
    fn issue_18_a_resumed_pdlp_run_has_the_uninterrupted_bits() {
        use crate::lp::pdlp::checkpoint::{LpCheckpoints, PdlpState};
        let lp = plan(200);
        let rows = Layout::contiguous(lp.nrows(), 2, 16);
        let cols = Layout::contiguous(lp.ncols(), 2, 16);
        for scheme in [PdhgScheme::Adaptive, PdhgScheme::Halpern] {
            let set = PdlpSettings {
                scheme,
                ..Default::default()
            };
            // Each rank: the answer (gathered), its iterations, and the states it saved (or
            // the state to resume from).
            let solve = |resume: Option<&[Vec<u8>]>| {
                LocalRanks::run(2, |c| {
                    let mut saved: Vec<Vec<u8>> = Vec::new();
                    let mut save = |s: &PdlpState| {
                        let mut bytes = Vec::new();
                        s.write_to(&mut bytes).map_err(|e| e.to_string())?;
                        saved.push(bytes);
                        Ok(())
                    };
                    let resume = resume
                        .map(|states| PdlpState::read_from(&mut &states[c.rank()][..]).unwrap());
                    let mut ck = LpCheckpoints {
                        every: 300,
                        resume,
                        save: &mut save,
                    };
                    let share = LpShare::of_whole(&lp, &rows, &cols, c.rank());
                    let s =
                        solve_lp_checkpointed(c, &rows, &cols, share, &set, Some(&mut ck)).unwrap();
                    let x = gather(c, &cols, &s.solution.x);
                    let y = gather(c, &rows, &s.solution.y);
                    (x, y, s.stats.iterations, saved)
                })
            };
            let whole = solve(None);
            let saved = &whole[0].3;
            assert!(saved.len() >= 4, "{scheme:?}: {} states", saved.len());
            // Resume both ranks from the state of the middle save.
            let k = saved.len() / 2;
            let states: Vec<Vec<u8>> = whole.iter().map(|w| w.3[k].clone()).collect();
            // The encoding reads back to the same bytes.
            let again = PdlpState::read_from(&mut &states[0][..]).unwrap();
            let mut bytes = Vec::new();
            again.write_to(&mut bytes).unwrap();
            assert_eq!(bytes, states[0]);
            assert_eq!(again.iteration, 300 * (k + 1));
            let resumed = solve(Some(&states));
            for (r, w) in resumed.iter().zip(&whole) {
                assert_eq!(r.2, w.2, "{scheme:?}: iterations");
                assert_eq!(bits(&r.0), bits(&w.0), "{scheme:?}: x");
                assert_eq!(bits(&r.1), bits(&w.1), "{scheme:?}: y");
                // The resumed run saved only the states after the one it resumed from.
                assert_eq!(r.3.len(), saved.len() - k - 1);
            }
        }
        // A state of the other rank count does not fit, on every rank.
        let set = PdlpSettings::default();
        let state = {
            let one = Layout::contiguous(lp.nrows(), 1, 16);
            let one_c = Layout::contiguous(lp.ncols(), 1, 16);
            let mut got = None;
            let mut save = |s: &PdlpState| {
                got.get_or_insert_with(|| s.clone());
                Ok(())
            };
            let mut ck = LpCheckpoints {
                every: 300,
                resume: None,
                save: &mut save,
            };
            let share = LpShare::of_whole(&lp, &one, &one_c, 0);
            let c = crate::dist::SingleRank::new();
            solve_lp_checkpointed(&c, &one, &one_c, share, &set, Some(&mut ck)).unwrap();
            got.unwrap()
        };
        let errs = LocalRanks::run(2, |c| {
            let mut save = |_: &PdlpState| Ok(());
            let mut ck = LpCheckpoints {
                every: 300,
                resume: Some(state.clone()),
                save: &mut save,
            };
            let share = LpShare::of_whole(&lp, &rows, &cols, c.rank());
            solve_lp_checkpointed(c, &rows, &cols, share, &set, Some(&mut ck))
                .unwrap_err()
                .to_string()
        });
        for e in errs {
            assert!(e.contains("checkpoint"), "{e}");
        }
    }

    #[test]
    fn issue_18_an_infeasible_lp_is_an_answer_on_every_rank() {
        // x + y ≥ 10 and x + y ≤ 4 cannot both hold.
        let cols = crate::matrix::CsrMatrix::try_from_triplets(
            2,
            2,
            vec![(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 1.0)],
        )
        .unwrap();
        let lp = LinearProgram::new(
            Sense::Maximize,
            vec![1.0, 1.0],
            vec![0.0; 2],
            vec![f64::INFINITY; 2],
            vec![10.0, f64::NEG_INFINITY],
            vec![f64::INFINITY, 4.0],
            cols,
            vec!["x".into(), "y".into()],
            vec!["at_least".into(), "at_most".into()],
        )
        .unwrap();
        for ranks in [1, 2] {
            for got in solve_on(&lp, ranks, 1, &PdlpSettings::default()) {
                assert_eq!(got.2, LpStatus::Infeasible, "{ranks} ranks");
            }
        }
    }

    #[test]
    fn issue_18_a_bad_share_is_refused_on_every_rank() {
        let lp = plan(40);
        let rows = Layout::contiguous(lp.nrows(), 2, 8);
        let cols = Layout::contiguous(lp.ncols(), 2, 8);
        let errs = LocalRanks::run(2, |c| {
            let mut share = LpShare::of_whole(&lp, &rows, &cols, c.rank());
            if c.rank() == 1 {
                share.c.pop();
            }
            solve_lp(c, &rows, &cols, share, &PdlpSettings::default())
                .unwrap_err()
                .to_string()
        });
        for e in errs {
            assert!(e.contains("rank 1") || e.contains("costs"), "{e}");
            assert!(e.contains("costs"), "{e}");
        }
    }
}
