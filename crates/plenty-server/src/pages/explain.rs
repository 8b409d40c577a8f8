//! The project vote, round by round, in words: each round's winner by name, what its
//! supporters paid in hours, and why the other projects were not funded.
//!
//! The count records the rule's explanation as JSON (`plenty_core::vote`'s `MesExplanation`,
//! its summary `MesSummary`, or `GreedyExplanation`, with exact rationals as strings such as
//! `"1717/4"`). Those types only serialise, so the JSON is walked here, field by field; any
//! shape this does not know is not guessed at: the page points to the JSON instead.

use super::{fixed, Ctx};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A proposal as the explanation names it: its title and cost in hours.
pub struct Named {
    /// The title.
    pub title: String,
    /// Its cost in hours.
    pub cost: f64,
}

/// An exact rational of the explanation (`"a/b"`, `"a"`, or a JSON number) as a float.
fn ratio(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.split_once('/') {
            Some((a, b)) => {
                let (a, b) = (a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?);
                (b != 0.0).then(|| a / b)
            }
            None => s.trim().parse().ok(),
        },
        _ => None,
    }
}

/// Hours with one decimal: `318.8 h`.
fn h1(x: f64) -> String {
    format!("{} h", fixed(x, 1, false))
}

/// A proposal's number from the explanation's id (`"000000000003"` is proposal 3).
fn pid(v: &Value) -> Option<u64> {
    v.as_str()?.trim().parse().ok()
}

struct Names<'a>(&'a BTreeMap<u64, Named>);

impl Names<'_> {
    fn of(&self, cx: &Ctx, id: u64) -> String {
        match self.0.get(&id) {
            Some(n) => format!("<strong>{}</strong>", super::esc(&n.title)),
            None => cx.tv("explain-project-number", &[("number", &id.to_string())]),
        }
    }
}

/// The explanation in words, or `None` when its shape is not one this knows.
pub fn explain(
    cx: &Ctx,
    x: &Value,
    proposals: &BTreeMap<u64, Named>,
    funded: &[u64],
) -> Option<String> {
    let names = Names(proposals);
    let mut b = String::new();
    let obj = x.as_object()?;
    if let Some(note) = obj.get("note").and_then(Value::as_str) {
        let _ = write!(b, "<p>{}</p>", super::esc(note));
        return Some(b);
    }
    if obj.contains_key("error") {
        return None;
    }
    // Why each project not funded was left out: the last word on it wins.
    let mut why: BTreeMap<u64, String> = BTreeMap::new();
    if let Some(u) = obj.get("unsupported").and_then(Value::as_array) {
        for id in u.iter().filter_map(pid) {
            why.insert(id, cx.t("explain-no-supporters"));
        }
    }
    if let Some(rounds) = obj.get("rounds").and_then(Value::as_array) {
        if let Some(share) = obj.get("share").and_then(ratio) {
            let _ = write!(
                b,
                "<p>{}</p>",
                cx.tv("explain-share", &[("share", &h1(share))])
            );
        }
        if let Some(inc) = obj.get("increments").and_then(Value::as_array) {
            if inc.len() > 1 {
                let _ = write!(
                    b,
                    "<p>{}</p>",
                    cx.tv("explain-increments", &[("runs", &inc.len().to_string())])
                );
            }
        }
        b.push_str("<ol id=round-by-round>");
        for r in rounds {
            let winner = r.get("winner_id").and_then(pid)?;
            let cost = proposals.get(&winner).map(|n| n.cost);
            let _ = write!(
                b,
                "<li>{}",
                cx.lang.tvh(
                    "explain-round-winner",
                    &[
                        (
                            "number",
                            &r.get("round")
                                .and_then(Value::as_u64)
                                .unwrap_or(0)
                                .to_string()
                        ),
                        ("cost", &cost.map(h1).unwrap_or_default()),
                    ],
                    &[("project", &names.of(cx, winner))]
                )
            );
            match r.get("payments").and_then(Value::as_array) {
                Some(payments) => {
                    // Group the payments: so many members paid so much each.
                    let mut groups: BTreeMap<(String, bool), u64> = BTreeMap::new();
                    for p in payments {
                        let per = ratio(p.get("per_member")?)?;
                        let left = ratio(p.get("remaining")?)?;
                        let w = p.get("weight").and_then(Value::as_u64).unwrap_or(1);
                        *groups.entry((h1(per), left.abs() < 1e-9)).or_default() += w;
                    }
                    let mut groups: Vec<_> = groups.into_iter().collect();
                    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
                    b.push_str("<ul class=payments>");
                    for ((paid, all), members) in groups.iter().take(6) {
                        let _ = write!(
                            b,
                            "<li>{}</li>",
                            cx.tv(
                                match (*all, *members == 1) {
                                    (true, true) => "explain-paid-all-one",
                                    (true, false) => "explain-paid-all",
                                    (false, true) => "explain-paid-one",
                                    (false, false) => "explain-paid",
                                },
                                &[("members", &members.to_string()), ("paid", paid)]
                            )
                        );
                    }
                    if groups.len() > 6 {
                        let _ = write!(
                            b,
                            "<li>{}</li>",
                            cx.tv(
                                "explain-more-payments",
                                &[("count", &(groups.len() - 6).to_string())]
                            )
                        );
                    }
                    b.push_str("</ul>");
                }
                None => {
                    // The summary: each supporter paid at most ρ · cost (cost satisfaction).
                    if let (Some(rho), Some(cost)) = (r.get("rho").and_then(ratio), cost) {
                        let _ = write!(
                            b,
                            " {}",
                            cx.tv("explain-paid-at-most", &[("paid", &h1(rho * cost))])
                        );
                    }
                }
            }
            if let Some(cands) = r.get("candidates").and_then(Value::as_array) {
                for c in cands {
                    let Some(id) = c.get("id").and_then(pid) else {
                        continue;
                    };
                    if id == winner {
                        continue;
                    }
                    match c.get("status").and_then(Value::as_str) {
                        Some("unaffordable") => {
                            let available = c.get("available").and_then(ratio).unwrap_or(0.0);
                            let cost = c.get("cost").and_then(ratio).unwrap_or(0.0);
                            why.insert(
                                id,
                                cx.tv(
                                    "explain-too-expensive",
                                    &[("available", &h1(available)), ("cost", &h1(cost))],
                                ),
                            );
                        }
                        _ => {
                            why.insert(id, cx.t("explain-outbid"));
                        }
                    }
                }
            }
            b.push_str("</li>");
        }
        b.push_str("</ol>");
    }
    let greedy = obj
        .get("greedy")
        .filter(|g| g.is_object())
        .or_else(|| obj.get("steps").map(|_| x));
    if let Some(g) = greedy {
        let steps = g.get("steps").and_then(Value::as_array)?;
        let start = g.get("start").and_then(ratio);
        let mut added = Vec::new();
        for s in steps {
            let Some(id) = s.get("id").and_then(pid) else {
                continue;
            };
            let selected = s.get("selected").and_then(Value::as_bool).unwrap_or(false);
            if selected {
                added.push(names.of(cx, id));
            } else if s.get("density").and_then(ratio).unwrap_or(0.0) == 0.0 {
                why.insert(id, cx.t("explain-no-supporters"));
            } else {
                let left = s.get("remaining").and_then(ratio).unwrap_or(0.0);
                let cost = s.get("cost").and_then(ratio).unwrap_or(0.0);
                why.insert(
                    id,
                    cx.tv(
                        "explain-budget-exhausted",
                        &[("left", &h1(left)), ("cost", &h1(cost))],
                    ),
                );
            }
        }
        let _ = write!(
            b,
            "<p>{}{}</p>",
            cx.tv(
                "explain-greedy",
                &[("left", &start.map(h1).unwrap_or_default())]
            ),
            if added.is_empty() {
                format!(" {}", cx.t("explain-greedy-none"))
            } else {
                format!(" {}", added.join(", "))
            }
        );
    }
    if b.is_empty() {
        return None;
    }
    let funded: BTreeSet<u64> = funded.iter().copied().collect();
    let left_out: Vec<u64> = proposals
        .keys()
        .copied()
        .filter(|p| !funded.contains(p))
        .collect();
    if !left_out.is_empty() {
        let _ = write!(b, "<h3>{}</h3><ul id=not-funded>", cx.t("explain-why-not"));
        for id in left_out {
            let reason = why
                .get(&id)
                .cloned()
                .unwrap_or_else(|| cx.t("explain-shares-spent"));
            let _ = write!(b, "<li>{}: {}</li>", names.of(cx, id), reason);
        }
        b.push_str("</ul>");
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> Ctx {
        Ctx {
            who: crate::api::MaybeCaller(None),
            name: None,
            lang: super::super::i18n::english(),
            here: "/?".into(),
            unseen: None,
        }
    }

    fn names() -> BTreeMap<u64, Named> {
        [
            (1, "Clinic", 900.0),
            (2, "Rail <halt>", 700.0),
            (3, "Solar", 400.0),
        ]
        .into_iter()
        .map(|(k, t, c)| {
            (
                k,
                Named {
                    title: t.into(),
                    cost: c,
                },
            )
        })
        .collect()
    }

    #[test]
    fn issue_15_the_full_explanation_in_words() {
        let x = serde_json::json!({
            "share": "1275/4",
            "rounds": [{
                "round": 1, "winner": 0, "winner_id": "000000000001", "rho": "1/3",
                "candidates": [
                    {"project": 0, "id": "000000000001", "cost": "900", "status": "affordable", "rho": "1/3", "max_payment": "300"},
                    {"project": 2, "id": "000000000003", "cost": "400", "status": "unaffordable", "available": "637/2"}
                ],
                "payments": [
                    {"ballot": 0, "weight": 2, "per_member": "300", "total": "600", "remaining": "75/4"},
                    {"ballot": 1, "weight": 1, "per_member": "300", "total": "300", "remaining": "75/4"}
                ]
            }],
            "unsupported": ["000000000002"],
            "increments": [],
            "greedy": null
        });
        let w = explain(&cx(), &x, &names(), &[1]).unwrap();
        assert!(
            w.contains("Each member had an equal share of the project budget: 318.8 h."),
            "{w}"
        );
        assert!(
            w.contains("Round 1: <strong>Clinic</strong> (900.0 h) is funded."),
            "{w}"
        );
        assert!(w.contains("3 supporters paid 300.0 h each."), "{w}");
        assert!(
            w.contains("<strong>Rail &lt;halt&gt;</strong>: no member approved it."),
            "{w}"
        );
        assert!(
            w.contains("<strong>Solar</strong>: too expensive for its supporters&#39; remaining budget: they had 318.5 h left together, it costs 400.0 h."),
            "{w}"
        );
    }

    #[test]
    fn issue_15_the_summary_and_greedy_in_words() {
        let x = serde_json::json!({
            "selected": [0, 2], "total_cost": "1300", "satisfaction": "cost",
            "completion": {"kind": "greedy"}, "members": 4, "share": "400",
            "rounds": [{"round": 1, "winner": 0, "winner_id": "000000000001", "rho": "1/3"}],
            "unsupported": [], "increments": [],
            "greedy": {"satisfaction": "cost", "start": "700", "steps": [
                {"project": 2, "id": "000000000003", "cost": "400", "density": "2", "selected": true, "remaining": "300"},
                {"project": 1, "id": "000000000002", "cost": "700", "density": "1/700", "selected": false, "remaining": "300"}
            ]}
        });
        let w = explain(&cx(), &x, &names(), &[1, 3]).unwrap();
        assert!(w.contains("Each supporter paid at most 300.0 h"), "{w}");
        assert!(w.contains("fit: <strong>Solar</strong>"), "{w}");
        assert!(
            w.contains("the budget was exhausted: it costs 700.0 h, and only 300.0 h were left."),
            "{w}"
        );
        // The greedy rule's own explanation.
        let g = serde_json::json!({"satisfaction": "cost", "start": "1000", "steps": [
            {"project": 0, "id": "000000000001", "cost": "900", "density": "3", "selected": true, "remaining": "100"},
            {"project": 1, "id": "000000000002", "cost": "700", "density": "0", "selected": false, "remaining": "100"}
        ]});
        let w = explain(&cx(), &g, &names(), &[1]).unwrap();
        assert!(
            w.contains("Rail &lt;halt&gt;</strong>: no member approved it."),
            "{w}"
        );
    }

    #[test]
    fn issue_15_unknown_shapes_fall_back_to_the_json() {
        let names = names();
        for x in [
            serde_json::json!(null),
            serde_json::json!([1, 2]),
            serde_json::json!({"error": "bad"}),
            serde_json::json!({"rounds": [{"round": 1}]}),
            serde_json::json!({"rounds": [{"winner_id": "x"}]}),
            serde_json::json!({"steps": 3}),
            serde_json::json!({"something": "else"}),
        ] {
            assert!(explain(&cx(), &x, &names, &[]).is_none(), "{x}");
        }
        let note = serde_json::json!({"note": "no quorum: no project is funded"});
        assert!(explain(&cx(), &note, &names, &[])
            .unwrap()
            .contains("no quorum"));
    }

    #[test]
    fn issue_15_rationals_read_as_hours() {
        assert_eq!(ratio(&Value::String("1718/4".into())), Some(429.5));
        assert_eq!(ratio(&Value::String("12".into())), Some(12.0));
        assert_eq!(ratio(&Value::String("1/0".into())), None);
        assert_eq!(h1(429.5), "429.5 h");
        assert_eq!(h1(1275.0), "1,275.0 h");
    }
}
