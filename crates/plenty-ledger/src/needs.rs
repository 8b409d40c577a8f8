//! How the needs members register become the plan's targets, so that no single member can
//! sink the plan (issue #14: one member registered 10¹² bread three times, and the plan came
//! out "optimal" with λ = 0 for everyone).
//!
//! ## The rule (published with every round that uses it)
//!
//! A round opened with [`MemberLimits`] limits each member (each need pseudonym) to
//! [`MemberLimits::needs_per_member`] need registrations and
//! [`MemberLimits::proposals_per_member`] proposals, and aggregates needs per product (and, in
//! a multi-year round, per year) as follows. Let `t_m` be member `m`'s total need for the
//! product, `b = baseline / members` the file's baseline target for it per member (0 without
//! one), and `med_{−m}` the lower median of the *other* members' totals for it (0 if no other
//! member registered it). Member `m`'s need counts as
//!
//! ```text
//!   counted_m = min(t_m, cap_m),   cap_m = F · max(b, med_{−m})
//! ```
//!
//! with `F` = [`MemberLimits::need_cap_factor`] (10 by default). So a member may ask for up to
//! `F` times what the baseline gives each member, or `F` times what the typical other member
//! asks for, whichever is more; a member's own figure never raises their own cap, so no one
//! can dominate a product by a large registration. A need for a product that has no baseline
//! and that no other member registered has a cap of 0: the common plan counts needs that the
//! baseline or at least one other member backs. The target is the baseline plus the counted
//! needs. Every capped need is reported ([`CappedNeed`]) with its cap and why, and the plan
//! page shows it.
//!
//! Rounds opened without limits (every round before this rule, whose log entries have no
//! `limits` field) add needs up as registered, so old logs verify unchanged.

use crate::event::Pseudonym;
use crate::state::Need;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A round's limits on each member's needs and proposals, and its need cap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberLimits {
    /// Need registrations per member in the round.
    pub needs_per_member: u32,
    /// Proposals per member in the round.
    pub proposals_per_member: u32,
    /// `F`: a member's need counts up to `F · max(baseline per member, median of the others)`.
    pub need_cap_factor: f64,
}

impl Default for MemberLimits {
    fn default() -> Self {
        MemberLimits {
            needs_per_member: 50,
            proposals_per_member: 5,
            need_cap_factor: 10.0,
        }
    }
}

/// The bounds a facilitator may set the limits within.
pub const NEED_CAP_FACTOR_RANGE: (f64, f64) = (1.0, 1000.0);
/// At most this many needs per member a facilitator may allow.
pub const MAX_NEEDS_PER_MEMBER: u32 = 500;
/// At most this many proposals per member a facilitator may allow.
pub const MAX_PROPOSALS_PER_MEMBER: u32 = 50;

impl MemberLimits {
    /// Whether the limits are within the bounds; the message says which is not.
    pub fn check(&self) -> Result<(), String> {
        let (lo, hi) = NEED_CAP_FACTOR_RANGE;
        if !(self.need_cap_factor.is_finite() && (lo..=hi).contains(&self.need_cap_factor)) {
            return Err(format!(
                "limits.need_cap_factor must be between {lo} and {hi}; got {}",
                self.need_cap_factor
            ));
        }
        if self.needs_per_member == 0 || self.needs_per_member > MAX_NEEDS_PER_MEMBER {
            return Err(format!(
                "limits.needs_per_member must be between 1 and {MAX_NEEDS_PER_MEMBER}"
            ));
        }
        if self.proposals_per_member == 0 || self.proposals_per_member > MAX_PROPOSALS_PER_MEMBER {
            return Err(format!(
                "limits.proposals_per_member must be between 1 and {MAX_PROPOSALS_PER_MEMBER}"
            ));
        }
        Ok(())
    }
}

/// A product and year (`None`: every year, or a single-year round).
pub type NeedKey = (String, Option<i64>);

/// One member's need that counted for less than was registered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CappedNeed {
    /// The product.
    pub product: String,
    /// The year, in a multi-year round.
    pub year: Option<i64>,
    /// What the member registered in all (the member is not named).
    pub registered: f64,
    /// What counted: the cap.
    pub counted: f64,
    /// Why: the rule's terms for this need.
    pub why: String,
}

/// The needs as they count: totals per product and year, and the needs that were capped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CountedNeeds {
    /// What counts on top of the baseline, per product and year.
    pub totals: BTreeMap<NeedKey, f64>,
    /// The capped needs, by product and year, the largest first.
    pub capped: Vec<CappedNeed>,
}

/// For each value of a list, the lower median of the *other* values (0 for a list of one), in
/// `O(n log n)`: with the list sorted, removing the element at sorted position `i` leaves the
/// lower median of the `n − 1` others at position `m = (n − 2) / 2` of what remains, which is
/// `sorted[m]` when `m < i` and `sorted[m + 1]` otherwise. (Equal values are interchangeable,
/// so which copy is removed does not matter.)
fn medians_of_others(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n < 2 {
        return vec![0.0; n];
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let sorted: Vec<f64> = order.iter().map(|&k| values[k]).collect();
    let m = (n - 2) / 2;
    let mut out = vec![0.0; n];
    for (i, &k) in order.iter().enumerate() {
        out[k] = if m < i { sorted[m] } else { sorted[m + 1] };
    }
    out
}

/// Aggregates needs by the rule of the [module documentation](self): with `limits`, each
/// member's total is capped at `F · max(baseline / members, median of the others)`; without,
/// needs add up as registered. `baseline(product, year)` is the file's target.
pub fn count_needs(
    needs: &[Need],
    limits: Option<&MemberLimits>,
    members: u64,
    baseline: impl Fn(&str, Option<i64>) -> f64,
) -> CountedNeeds {
    // Totals per product and year, then per member, in a fixed order (bit-for-bit sums).
    let mut by_key: BTreeMap<NeedKey, BTreeMap<&Pseudonym, f64>> = BTreeMap::new();
    for n in needs {
        *by_key
            .entry((n.product.clone(), n.year))
            .or_default()
            .entry(&n.by)
            .or_insert(0.0) += n.quantity;
    }
    let mut out = CountedNeeds::default();
    for (key, per_member) in by_key {
        let Some(limits) = limits else {
            out.totals.insert(key, per_member.values().sum());
            continue;
        };
        let per_capita = baseline(&key.0, key.1).max(0.0) / members.max(1) as f64;
        let totals: Vec<f64> = per_member.values().copied().collect();
        let medians = medians_of_others(&totals);
        let mut counted = 0.0;
        for (&t, &median) in totals.iter().zip(&medians) {
            let cap = limits.need_cap_factor * per_capita.max(median);
            if t > cap {
                out.capped.push(CappedNeed {
                    product: key.0.clone(),
                    year: key.1,
                    registered: t,
                    counted: cap,
                    why: if cap == 0.0 {
                        "no other member registered this product and the economy has no baseline target for it: a need counts when the baseline or another member backs it".into()
                    } else {
                        format!(
                            "a member's need counts up to {} × the larger of the baseline per member ({per_capita}) and the median of the other members' needs ({median})",
                            limits.need_cap_factor
                        )
                    },
                });
            }
            counted += t.min(cap);
        }
        out.totals.insert(key, counted);
    }
    out.capped.sort_by(|a, b| {
        (&a.product, a.year)
            .cmp(&(&b.product, b.year))
            .then(b.registered.total_cmp(&a.registered))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(by: &str, product: &str, quantity: f64) -> Need {
        Need {
            number: 0,
            by: by.into(),
            product: product.into(),
            quantity,
            year: None,
        }
    }

    fn bread_baseline(p: &str, _: Option<i64>) -> f64 {
        if p == "bread" {
            100.0
        } else {
            0.0
        }
    }

    /// The attack of issue #14: one member registers 10¹² bread three times. Four members
    /// and a baseline of 100 give 25 per member; the others ask for 10, 20 and 30 (median of
    /// the others for the attacker: 20), so the attacker counts for 10 · max(25, 20) = 250.
    #[test]
    fn issue_14_one_member_cannot_sink_the_plan() {
        let mut needs = vec![
            need("a", "bread", 10.0),
            need("b", "bread", 20.0),
            need("c", "bread", 30.0),
        ];
        for _ in 0..3 {
            needs.push(need("x", "bread", 1e12));
        }
        let c = count_needs(&needs, Some(&MemberLimits::default()), 4, bread_baseline);
        assert_eq!(
            c.totals[&("bread".to_string(), None)],
            10.0 + 20.0 + 30.0 + 250.0
        );
        assert_eq!(c.capped.len(), 1);
        assert_eq!(c.capped[0].registered, 3e12);
        assert_eq!(c.capped[0].counted, 250.0);
        // Without limits (old rounds), needs add up as registered.
        let old = count_needs(&needs, None, 4, bread_baseline);
        assert_eq!(old.totals[&("bread".to_string(), None)], 60.0 + 3e12);
        assert!(old.capped.is_empty());
    }

    #[test]
    fn ordinary_needs_are_not_capped_and_a_lone_unbacked_need_is() {
        let needs = vec![
            need("a", "bread", 30.0),
            need("b", "bread", 40.0),
            need("a", "tools", 5.0),
        ];
        let c = count_needs(&needs, Some(&MemberLimits::default()), 4, bread_baseline);
        assert_eq!(c.totals[&("bread".to_string(), None)], 70.0);
        // Tools: no baseline, no other member: cap 0, reported with its reason.
        assert_eq!(c.totals[&("tools".to_string(), None)], 0.0);
        assert_eq!(c.capped.len(), 1);
        assert!(c.capped[0].why.contains("no baseline"));
    }

    #[test]
    fn a_members_own_figure_never_raises_their_cap() {
        // Two members: each one's cap is 10 × max(0, the other's total).
        let needs = vec![need("a", "tools", 1.0), need("b", "tools", 1e9)];
        let c = count_needs(&needs, Some(&MemberLimits::default()), 2, bread_baseline);
        assert_eq!(c.totals[&("tools".to_string(), None)], 1.0 + 10.0);
    }

    #[test]
    fn the_median_of_the_others_is_the_one_computed_by_hand() {
        let v = [5.0, 1.0, 3.0, 3.0, 9.0];
        let naive: Vec<f64> = (0..v.len())
            .map(|k| {
                let mut o: Vec<f64> = (0..v.len()).filter(|&j| j != k).map(|j| v[j]).collect();
                o.sort_by(f64::total_cmp);
                o[(o.len() - 1) / 2]
            })
            .collect();
        assert_eq!(medians_of_others(&v), naive);
        assert_eq!(medians_of_others(&[4.0]), vec![0.0]);
        assert_eq!(medians_of_others(&[4.0, 7.0]), vec![7.0, 4.0]);
    }

    #[test]
    fn limits_are_bounded() {
        assert!(MemberLimits::default().check().is_ok());
        for bad in [
            MemberLimits {
                need_cap_factor: 0.5,
                ..Default::default()
            },
            MemberLimits {
                need_cap_factor: f64::NAN,
                ..Default::default()
            },
            MemberLimits {
                needs_per_member: 0,
                ..Default::default()
            },
            MemberLimits {
                proposals_per_member: 51,
                ..Default::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
