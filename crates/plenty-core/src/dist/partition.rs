//! Orderings that keep the products a rank needs on that rank, and the count of ghost entries
//! a layout costs.
//!
//! A rank exchanges, before each product, the entries of the vector that its rows and columns
//! of `A` refer to but other ranks own. With contiguous ranges of the products' own numbering,
//! that is small when the numbering follows the economy's structure (products that supply each
//! other have nearby numbers) and about `k · n/P` per rank when it does not. [`locality_order`]
//! renumbers the products so that contiguous ranges become good parts of the supply graph:
//!
//! 1. The graph: products are vertices, `a_ij ≠ 0` or `a_ji ≠ 0` joins `i` and `j`.
//! 2. *Hubs* are set aside: products whose degree exceeds 8 times the mean (energy, transport:
//!    the basic goods every sector uses). Every rank needs them whatever the order, and
//!    through them every product is two steps from every other, which would flatten the
//!    breadth-first levels below. They go last.
//! 3. The rest is numbered in Cuthill–McKee order (George & Liu, *Computer Solution of Large
//!    Sparse Positive Definite Systems*, 1981, §4.3): breadth first from a vertex of least
//!    degree, neighbours in order of increasing degree, component after component. Vertices
//!    in one breadth-first level are numbered together, so a contiguous range holds a few
//!    consecutive levels and its ghosts are the boundary levels.
//!
//! It is a sequential pass over the graph (`O(nnz log k)` time, `O(nnz)` memory), for economies
//! held whole by one process before they are spread; every rank may run it and gets the same
//! order. A distributed multilevel partitioner (ParMETIS-like) would be the next step; the
//! measured savings are in `bench/RESULTS.md`.

use super::Layout;
use crate::matrix::CsrMatrix;
use rayon::prelude::*;
use std::collections::VecDeque;

/// A renumbering of the products: `order[new] = old`, `inverse[old] = new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordering {
    /// The old number of each new position.
    pub order: Vec<u32>,
    /// The new position of each old number.
    pub inverse: Vec<u32>,
}

impl Ordering {
    /// The identity (the products' own numbering).
    pub fn identity(n: usize) -> Self {
        let order: Vec<u32> = (0..n as u32).collect();
        Self {
            inverse: order.clone(),
            order,
        }
    }

    /// From `order[new] = old`; `None` unless it is a permutation of `0..n`.
    pub fn from_order(order: Vec<u32>) -> Option<Self> {
        let n = order.len();
        let mut inverse = vec![u32::MAX; n];
        for (new, &old) in order.iter().enumerate() {
            let slot = inverse.get_mut(old as usize)?;
            if *slot != u32::MAX {
                return None;
            }
            *slot = new as u32;
        }
        Some(Self { order, inverse })
    }

    /// `v` in the new numbering: `out[new] = v[order[new]]`.
    pub fn to_new(&self, v: &[f64]) -> Vec<f64> {
        self.order.iter().map(|&o| v[o as usize]).collect()
    }

    /// `v` back in the old numbering: `out[old] = v[inverse[old]]`.
    pub fn to_old(&self, v: &[f64]) -> Vec<f64> {
        self.inverse.iter().map(|&i| v[i as usize]).collect()
    }
}

/// The symmetric graph of `A` without self-loops, as adjacency lists (sorted, unique).
fn supply_graph(a: &CsrMatrix) -> (Vec<usize>, Vec<u32>) {
    let n = a.nrows();
    let t = a.transpose();
    let lists: Vec<Vec<u32>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut l: Vec<u32> = a
                .row(i)
                .chain(t.row(i))
                .map(|(j, _)| j as u32)
                .filter(|&j| j as usize != i)
                .collect();
            l.sort_unstable();
            l.dedup();
            l
        })
        .collect();
    let mut ptr = Vec::with_capacity(n + 1);
    ptr.push(0);
    for l in &lists {
        ptr.push(ptr[ptr.len() - 1] + l.len());
    }
    (ptr, lists.concat())
}

/// The ordering of the module's documentation (hubs last, the rest in Cuthill–McKee order).
/// Deterministic: ties are broken by the product's number.
pub fn locality_order(a: &CsrMatrix) -> Ordering {
    let n = a.nrows();
    let (ptr, adj) = supply_graph(a);
    let degree = |i: usize| ptr[i + 1] - ptr[i];
    let mean = adj.len() as f64 / n.max(1) as f64;
    let hub_limit = (8.0 * mean).max(16.0);
    let is_hub: Vec<bool> = (0..n).map(|i| degree(i) as f64 > hub_limit).collect();
    // Start vertices: non-hubs by increasing degree, then number.
    let mut starts: Vec<u32> = (0..n as u32).filter(|&i| !is_hub[i as usize]).collect();
    starts.sort_by_key(|&i| (degree(i as usize), i));
    let mut seen = is_hub.clone();
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut queue = VecDeque::new();
    let mut next: Vec<u32> = Vec::new();
    for &s in &starts {
        if seen[s as usize] {
            continue;
        }
        seen[s as usize] = true;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            order.push(v);
            next.clear();
            next.extend(
                adj[ptr[v as usize]..ptr[v as usize + 1]]
                    .iter()
                    .copied()
                    .filter(|&w| !seen[w as usize]),
            );
            next.sort_by_key(|&w| (degree(w as usize), w));
            for &w in &next {
                seen[w as usize] = true;
                queue.push_back(w);
            }
        }
    }
    order.extend((0..n as u32).filter(|&i| is_hub[i as usize]));
    Ordering::from_order(order).expect("every product is numbered once")
}

/// Ghost entries each rank receives per product with `A` and with `Aᵀ`, for `a` renumbered by
/// `ordering` and cut by `layout` (what [`super::DistMatrix::ghosts`] would report, without
/// building it).
pub fn ghost_counts(a: &CsrMatrix, layout: &Layout, ordering: &Ordering) -> Vec<(usize, usize)> {
    let p = layout.ranks();
    // (rank that needs it, entry): rows of rank r need p_j for their columns j; columns of
    // rank r need q_i for their rows i.
    let mut need_p: Vec<Vec<u32>> = vec![Vec::new(); p];
    let mut need_q: Vec<Vec<u32>> = vec![Vec::new(); p];
    for old_i in 0..a.nrows() {
        let i = ordering.inverse[old_i] as usize;
        let ri = layout.owner(i);
        for (old_j, _) in a.row(old_i) {
            let j = ordering.inverse[old_j] as usize;
            let rj = layout.owner(j);
            if ri != rj {
                need_p[ri].push(j as u32);
                need_q[rj].push(i as u32);
            }
        }
    }
    let distinct = |mut v: Vec<u32>| {
        v.par_sort_unstable();
        v.dedup();
        v.len()
    };
    need_p
        .into_iter()
        .zip(need_q)
        .map(|(np, nq)| (distinct(np), distinct(nq)))
        .collect()
}

/// How one ordering spreads over one number of ranks.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpreadMeasure {
    /// Number of ranks.
    pub ranks: usize,
    /// `"identity"` (the products' own numbering) or `"locality"` ([`locality_order`]).
    pub ordering: String,
    /// Ghost entries received per product with `A` and with `Aᵀ`, summed over the ranks.
    pub total_ghosts: usize,
    /// The largest per-rank count (what the slowest exchange waits for).
    pub max_ghosts: usize,
    /// Bytes the busiest rank receives for one product with `A` and one with `Aᵀ`.
    pub max_bytes_per_product_pair: usize,
    /// The share of the non-zeros whose row and column lie on the same rank.
    pub local_share: f64,
}

/// Measures the products' own numbering and the locality order on each rank count, on
/// contiguous layouts of the given granule: the data a user needs to choose how many ranks to
/// run on, and whether to reorder.
pub fn measure_spread(a: &CsrMatrix, ranks: &[usize], granule: usize) -> Vec<SpreadMeasure> {
    let n = a.nrows();
    let identity = Ordering::identity(n);
    let locality = locality_order(a);
    let mut out = Vec::new();
    for &p in ranks {
        let layout = Layout::contiguous(n, p.max(1), granule.max(1));
        for (name, ordering) in [("identity", &identity), ("locality", &locality)] {
            let g = ghost_counts(a, &layout, ordering);
            let local = a
                .triplets()
                .filter(|&(i, j, _)| {
                    layout.owner(ordering.inverse[i] as usize)
                        == layout.owner(ordering.inverse[j] as usize)
                })
                .count();
            out.push(SpreadMeasure {
                ranks: p,
                ordering: name.into(),
                total_ghosts: g.iter().map(|g| g.0 + g.1).sum(),
                max_ghosts: g.iter().map(|g| g.0 + g.1).max().unwrap_or(0),
                max_bytes_per_product_pair: 8 * g.iter().map(|g| g.0 + g.1).max().unwrap_or(0),
                local_share: if a.nnz() == 0 {
                    1.0
                } else {
                    local as f64 / a.nnz() as f64
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::{DistMatrix, LocalRanks};
    use crate::generate::{generate, GeneratorSettings, Structure};
    use crate::rng::Rng;

    /// A local economy whose products are numbered at random: its structure is there, but the
    /// numbering hides it.
    fn shuffled_local(n: usize) -> (CsrMatrix, Vec<u32>) {
        let e = generate(&GeneratorSettings {
            n,
            k: 8,
            structure: Structure::Local,
            bandwidth: 20,
            seed: 3,
            ..Default::default()
        })
        .unwrap();
        let mut label: Vec<u32> = (0..n as u32).collect();
        let mut rng = Rng::fork(99, 0);
        for i in (1..n).rev() {
            label.swap(i, rng.below(i + 1));
        }
        let t: Vec<(u32, u32, f64)> =
            e.a.triplets()
                .map(|(i, j, v)| (label[i], label[j], v))
                .collect();
        (CsrMatrix::try_from_triplets(n, n, t).unwrap(), label)
    }

    #[test]
    fn issue_18_the_locality_order_recovers_hidden_structure_and_saves_ghosts() {
        let n = 40_000;
        let (a, _) = shuffled_local(n);
        let layout = Layout::contiguous(n, 4, 64);
        let identity = ghost_counts(&a, &layout, &Ordering::identity(n));
        let local = locality_order(&a);
        let ordered = ghost_counts(&a, &layout, &local);
        let total = |g: &[(usize, usize)]| g.iter().map(|g| g.0 + g.1).sum::<usize>();
        // Random numbering: most neighbours are elsewhere. The order brings them home.
        assert!(
            total(&ordered) * 5 < total(&identity),
            "ghosts {} with the locality order, {} without",
            total(&ordered),
            total(&identity)
        );
        // The counts are those the distributed matrix reports.
        let order = &local;
        let reported = LocalRanks::run(4, |c| {
            use crate::dist::Communicator;
            let t: Vec<(u32, u32, f64)> = a
                .triplets()
                .filter(|&(i, _, _)| i % 4 == c.rank())
                .map(|(i, j, v)| (order.inverse[i], order.inverse[j], v))
                .collect();
            DistMatrix::from_triplets(c, &layout, t).unwrap().ghosts()
        });
        assert_eq!(reported, ordered);
    }

    #[test]
    fn orderings_are_permutations_and_round_trip() {
        let (a, _) = shuffled_local(5000);
        let o = locality_order(&a);
        let mut sorted = o.order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..5000u32).collect::<Vec<_>>());
        let v: Vec<f64> = (0..5000).map(f64::from).collect();
        assert_eq!(o.to_old(&o.to_new(&v)), v);
        assert!(Ordering::from_order(vec![0, 0]).is_none());
        assert!(Ordering::from_order(vec![0, 2]).is_none());
    }
}
