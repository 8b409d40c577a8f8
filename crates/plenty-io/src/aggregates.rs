//! Aggregates counted twice: a member of a selection (a final-demand column, a sector row or
//! column, a satellite row) that equals the sum of other members of the same selection.
//!
//! Real tables put totals and sub-totals next to their parts: `P3` (final consumption) beside
//! `P3_S13`, `P3_S14` and `P3_S15`; `TFU` and `TU` at the end of the final-demand block;
//! Slovakia's `CPA_C10-12` among `CPA_C10`, `CPA_C11` and `CPA_C12`. A selection by range takes
//! them all, and every total is then counted twice. Testing every subset is exponential, so a
//! member is tested against the sums that real tables use:
//!
//! * the members whose label extends its label (`P3` → `P3_S13`, `P3_S14`, `P3_S15`), all of
//!   them or, when there are at most 14, any subset (`P5` = `P51G` + `P5M`, not `P52`);
//! * optionally a base vector alone (for final demand: the intermediate use `Z·1`);
//! * when there are at most 14 other members (final demand), any subset of them, fewest first,
//!   with or without the base (`TFU` = `P3_S13` + … + `P6`; `TU` = `Z·1` + `TFU`);
//! * otherwise (sectors) every contiguous run of the other members, in selection order,
//!   skipping the member itself (`CPA_C10`, `CPA_C11`, `CPA_C12` around `CPA_C10-12`), with or
//!   without the base; the whole run is "all the others". Above 200 members, runs are limited
//!   to 64 members near the member, and "all the others" is tested on its own.
//!
//! Every candidate is first compared by its grand total (prefix sums for runs, O(1) a run), and
//! only a candidate whose total agrees is compared entry by entry. Found aggregates leave the
//! selection and the search repeats, so that a total of sub-totals is found once the sub-totals
//! are gone.
//!
//! Published tables are rounded, so an entry agrees when it is within half a unit of the last
//! printed digit for each number added (`unit`, the finest last place among the selection's
//! cells) plus 1e-6 relative; a match must also be significant: the member's mass must be at
//! least 100 times the tolerance granted, so that small columns of rounding noise do not match
//! each other. All-zero members are neither aggregates nor parts.

/// Relative tolerance of an entry.
const REL: f64 = 1e-6;
/// The member's mass must exceed the total tolerance granted by this factor.
const SIGNIFICANCE: f64 = 100.0;
/// Above this many members, runs are limited to [`MAX_RUN`] members starting within
/// [`MAX_RUN`] positions of the member (so the search stays near O(m)).
const ALL_RUNS_UP_TO: usize = 200;
/// See [`ALL_RUNS_UP_TO`].
const MAX_RUN: usize = 64;

/// What an aggregate equals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Parts {
    /// The sum of these members (one member: a duplicate).
    Members(Vec<usize>),
    /// The base vector alone.
    Base,
    /// The base vector plus these members.
    BasePlus(Vec<usize>),
}

/// An aggregate found in a selection.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    /// The member that is a sum of others.
    pub aggregate: usize,
    /// What it equals.
    pub parts: Parts,
}

/// Whether `v` equals the sum of `parts` (see the module documentation).
fn equals_sum(v: &[f64], parts: &[&[f64]], unit: f64) -> bool {
    let half = 0.5 * unit * (parts.len() as f64 + 1.0);
    let (mut noise, mut mass) = (0.0, 0.0);
    for i in 0..v.len() {
        let (mut s, mut a) = (0.0, 0.0);
        for p in parts {
            s += p[i];
            a += p[i].abs();
        }
        if v[i] == 0.0 && a == 0.0 {
            continue;
        }
        let tol = REL * (v[i].abs() + a) + half;
        if (v[i] - s).abs() > tol {
            return false;
        }
        noise += tol;
        mass += v[i].abs();
    }
    mass > 0.0 && mass >= SIGNIFICANCE * noise
}

/// The aggregates among `vectors` (all of one length), labelled by `labels`; `unit` is the
/// rounding unit of the printed numbers (0 for exact data); `base` an optional vector that
/// members may also equal, alone or plus other members.
pub(crate) fn find(
    labels: &[&str],
    vectors: &[&[f64]],
    unit: f64,
    base: Option<&[f64]>,
) -> Vec<Found> {
    let m = vectors.len();
    let len = vectors.first().map_or(0, |v| v.len());
    if m == 0 || len == 0 || vectors.iter().any(|v| v.len() != len) {
        return Vec::new();
    }
    let unit = if unit.is_finite() && unit > 0.0 {
        unit
    } else {
        0.0
    };
    let total: Vec<f64> = vectors.iter().map(|v| v.iter().sum()).collect();
    let mass: Vec<f64> = vectors
        .iter()
        .map(|v| v.iter().map(|x| x.abs()).sum())
        .collect();
    let base = base.filter(|b| b.len() == len && b.iter().any(|&x| x != 0.0));
    let (base_total, base_mass) = base.map_or((0.0, 0.0), |b| {
        (b.iter().sum(), b.iter().map(|x| x.abs()).sum())
    });
    let mut live: Vec<bool> = vectors
        .iter()
        .map(|v| v.iter().any(|&x| x != 0.0))
        .collect();
    let mut found = Vec::new();
    loop {
        let mut changed = false;
        for k in 0..m {
            if !live[k] {
                continue;
            }
            // Whether member k equals the sum of `idx` (plus the base): the grand totals first,
            // then entry by entry.
            let scalar = |t: f64, a: f64, count: usize| -> bool {
                let bound = REL * (mass[k] + a) + len as f64 * 0.5 * unit * (count as f64 + 1.0);
                (total[k] - t).abs() <= bound
            };
            let full = |idx: &[usize], with_base: bool| -> bool {
                let mut parts: Vec<&[f64]> = idx.iter().map(|&j| vectors[j]).collect();
                if with_base {
                    match base {
                        Some(b) => parts.push(b),
                        None => return false,
                    }
                }
                equals_sum(vectors[k], &parts, unit)
            };
            let test = |idx: &[usize], with_base: bool| -> bool {
                if idx.is_empty() && !with_base {
                    return false;
                }
                let (mut t, mut a) = if with_base {
                    (base_total, base_mass)
                } else {
                    (0.0, 0.0)
                };
                for &j in idx {
                    t += total[j];
                    a += mass[j];
                }
                scalar(t, a, idx.len() + usize::from(with_base)) && full(idx, with_base)
            };
            let others: Vec<usize> = (0..m).filter(|&j| j != k && live[j]).collect();
            let hit = find_parts(
                k,
                labels,
                &others,
                base.is_some(),
                m,
                &test,
                &|p, q, run, wb| {
                    scalar(
                        p + if wb { base_total } else { 0.0 },
                        q + if wb { base_mass } else { 0.0 },
                        run + usize::from(wb),
                    )
                },
                &full,
                &total,
                &mass,
            );
            if let Some(parts) = hit {
                live[k] = false;
                changed = true;
                found.push(Found {
                    aggregate: k,
                    parts,
                });
            }
        }
        if !changed {
            break;
        }
    }
    found.sort_by_key(|f| f.aggregate);
    found
}

/// Above this many candidates, subsets are not enumerated.
const ALL_SUBSETS_UP_TO: usize = 14;

/// Subsets of `set` (as index lists), fewest members first.
fn subsets(set: &[usize]) -> Vec<Vec<usize>> {
    let s = set.len();
    let mut masks: Vec<u32> = (1..(1u32 << s)).collect();
    masks.sort_by_key(|m| m.count_ones());
    masks
        .into_iter()
        .map(|mask| {
            (0..s)
                .filter(|&b| mask & (1 << b) != 0)
                .map(|b| set[b])
                .collect()
        })
        .collect()
}

/// The parts that member k equals, if any (see the module documentation for the order).
#[allow(clippy::too_many_arguments)]
fn find_parts(
    k: usize,
    labels: &[&str],
    others: &[usize],
    has_base: bool,
    m: usize,
    test: &dyn Fn(&[usize], bool) -> bool,
    scalar_run: &dyn Fn(f64, f64, usize, bool) -> bool,
    full: &dyn Fn(&[usize], bool) -> bool,
    total: &[f64],
    mass: &[f64],
) -> Option<Parts> {
    let with_base = |idx: Vec<usize>, wb: bool| -> Parts {
        match (wb, idx.is_empty()) {
            (false, _) => Parts::Members(idx),
            (true, true) => Parts::Base,
            (true, false) => Parts::BasePlus(idx),
        }
    };
    // The members whose label extends this one's: all of them, or (few) any subset.
    let extending: Vec<usize> = others
        .iter()
        .copied()
        .filter(|&j| labels[j].len() > labels[k].len() && labels[j].starts_with(labels[k]))
        .collect();
    if !extending.is_empty() {
        if test(&extending, false) {
            return Some(Parts::Members(extending));
        }
        if extending.len() <= ALL_SUBSETS_UP_TO {
            for sub in subsets(&extending) {
                if sub.len() < extending.len() && test(&sub, false) {
                    return Some(Parts::Members(sub));
                }
            }
        }
    }
    if has_base && test(&[], true) {
        return Some(Parts::Base);
    }
    if others.is_empty() {
        return None;
    }
    // Few members: any subset of the others (plus the base), fewest first.
    if others.len() <= ALL_SUBSETS_UP_TO {
        for sub in subsets(others) {
            for wb in [false, true] {
                if (!wb || has_base) && test(&sub, wb) {
                    return Some(with_base(sub, wb));
                }
            }
        }
        return None;
    }
    // Many: contiguous runs of the others (plus the base), shortest first.
    let n = others.len();
    let mut p = vec![0.0; n + 1];
    let mut q = vec![0.0; n + 1];
    for (r, &j) in others.iter().enumerate() {
        p[r + 1] = p[r] + total[j];
        q[r + 1] = q[r] + mass[j];
    }
    let here = others.partition_point(|&j| j < k);
    let limited = m > ALL_RUNS_UP_TO;
    let longest = if limited { MAX_RUN.min(n) } else { n };
    for run in 1..=longest {
        let (lo, hi) = if limited {
            (here.saturating_sub(MAX_RUN), (here + MAX_RUN).min(n - run))
        } else {
            (0, n - run)
        };
        for a in lo..=hi.max(lo) {
            if a + run > n {
                break;
            }
            for wb in [false, true] {
                if (!wb || has_base)
                    && scalar_run(p[a + run] - p[a], q[a + run] - q[a], run, wb)
                    && full(&others[a..a + run], wb)
                {
                    return Some(with_base(others[a..a + run].to_vec(), wb));
                }
            }
        }
    }
    // With the runs limited, "all the others" on its own.
    if limited && n > MAX_RUN {
        for wb in [false, true] {
            if (!wb || has_base) && scalar_run(p[n], q[n], n, wb) && full(others, wb) {
                return Some(with_base(others.to_vec(), wb));
            }
        }
    }
    None
}

/// The unit of the last printed digit of a number's text: 1 for `"25949.0"` and `"12"`, 0.01
/// for `"1265.21"`, 1e-9 for `"4.5e-9"`; `None` for zero, a missing value or text.
pub(crate) fn last_place(text: &str) -> Option<f64> {
    let t = text.trim();
    let v: f64 = t.parse().ok()?;
    if v == 0.0 || !v.is_finite() {
        return None;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(k) => (&t[..k], t[k + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let decimals = match mantissa.split_once('.') {
        Some((_, frac)) => frac.trim_end_matches('0').len() as i32,
        None => 0,
    };
    Some(10f64.powi(exponent - decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(labels: &[&str], cols: &[Vec<f64>], unit: f64, base: Option<&[f64]>) -> Vec<Found> {
        let v: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        find(labels, &v, unit, base)
    }

    #[test]
    fn a_total_beside_its_parts_is_found() {
        // P3 = P3_S13 + P3_S14 + P3_S15, rounded to whole units.
        let labels = ["P3_S14", "P3_S15", "P3_S13", "P3", "P51G"];
        let cols = vec![
            vec![58338.0, 3929.0, 100.0],
            vec![66.0, 20.0, 3.0],
            vec![178.0, 84.0, 7.0],
            vec![58582.0, 4033.0, 111.0],
            vec![3143.0, 0.0, 12.0],
        ];
        let f = run(&labels, &cols, 1.0, None);
        assert_eq!(
            f,
            vec![Found {
                aggregate: 3,
                parts: Parts::Members(vec![0, 1, 2])
            }]
        );
    }

    #[test]
    fn rounding_is_allowed_but_not_more() {
        let labels = ["a", "b", "t"];
        let cols = vec![
            vec![1000.0, 2000.0],
            vec![3000.0, 4000.0],
            vec![4001.0, 6001.0],
        ];
        // Printed to whole units: 1000 + 3000 = 4000 against 4001 is within rounding (1.5).
        assert_eq!(run(&labels, &cols, 1.0, None).len(), 1);
        // Printed to 0.1, the tolerance is 0.15: 4000.1 is within it, 4001.0 is not.
        assert!(run(&labels, &cols, 0.1, None).is_empty());
        let cols2 = vec![cols[0].clone(), cols[1].clone(), vec![4000.1, 5999.9]];
        assert_eq!(run(&labels, &cols2, 0.1, None).len(), 1);
    }

    #[test]
    fn sub_totals_inside_a_run_and_totals_of_totals_are_found() {
        // Slovakia's order: the aggregate sits among its parts; TOT is the sum of everything.
        let labels = ["C10", "C10-12", "C11", "C12", "C13", "TOT"];
        let c10 = vec![5.0, 7.0, 1.0];
        let c11 = vec![2.0, 0.0, 4.0];
        let c12 = vec![1.0, 3.0, 3.0];
        let c13 = vec![9.0, 1.0, 2.0];
        let agg: Vec<f64> = (0..3).map(|i| c10[i] + c11[i] + c12[i]).collect();
        let tot: Vec<f64> = (0..3).map(|i| agg[i] + c13[i]).collect();
        let cols = vec![c10, agg, c11, c12, c13, tot];
        let f = run(&labels, &cols, 0.0, None);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].aggregate, 1);
        assert_eq!(f[0].parts, Parts::Members(vec![0, 2, 3]));
        assert_eq!(f[1].aggregate, 5);
    }

    #[test]
    fn distinct_columns_and_noise_are_not_aggregates() {
        let labels = ["a", "b", "c"];
        let cols = vec![
            vec![1.0, 2.0, 3.0],
            vec![4.0, 1.0, 0.0],
            vec![5.0, 3.0, 3.5],
        ];
        assert!(run(&labels, &cols, 0.0, None).is_empty());
        // Small columns within rounding of each other: not significant.
        let cols = vec![
            vec![1.0, 0.0, 2.0],
            vec![0.0, 1.0, 0.0],
            vec![1.0, 1.0, 1.0],
        ];
        assert!(run(&labels, &cols, 1.0, None).is_empty());
        // All-zero columns are neither.
        let cols = vec![vec![0.0; 3], vec![0.0; 3], vec![1.0, 2.0, 3.0]];
        assert!(run(&labels, &cols, 0.0, None).is_empty());
    }

    #[test]
    fn total_use_is_found_with_the_base() {
        let labels = ["hh", "exp", "tu"];
        let z1 = vec![10.0, 20.0];
        let hh = vec![3.0, 4.0];
        let exp = vec![1.0, 2.0];
        let tu = vec![14.0, 26.0];
        let f = run(&labels, &[hh, exp, tu], 0.0, Some(&z1));
        assert_eq!(
            f,
            vec![Found {
                aggregate: 2,
                parts: Parts::BasePlus(vec![0, 1])
            }]
        );
        let f = run(&labels[..1], std::slice::from_ref(&z1), 0.0, Some(&z1));
        assert_eq!(f[0].parts, Parts::Base);
    }

    #[test]
    fn long_selections_stay_fast() {
        let m = 2000;
        let cols: Vec<Vec<f64>> = (0..m)
            .map(|j| {
                (0..50)
                    .map(|i| ((i * 7919 + j * 104729) % 1000) as f64 + 1.0)
                    .collect()
            })
            .collect();
        let labels: Vec<String> = (0..m).map(|j| format!("s{j}")).collect();
        let l: Vec<&str> = labels.iter().map(String::as_str).collect();
        let t = std::time::Instant::now();
        let _ = run(&l, &cols, 1.0, None);
        assert!(t.elapsed().as_secs_f64() < 20.0, "{:?}", t.elapsed());
    }

    #[test]
    fn last_places() {
        assert_eq!(last_place("25949.0"), Some(1.0));
        assert_eq!(last_place("12"), Some(1.0));
        assert_eq!(last_place("1265.21"), Some(0.01));
        assert_eq!(last_place("4.5e-9"), Some(1e-10));
        assert_eq!(last_place("0.0"), None);
        assert_eq!(last_place("---"), None);
    }
}
