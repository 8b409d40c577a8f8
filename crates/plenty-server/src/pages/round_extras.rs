//! Parts of the round page from the ledger's rules of issue #15: the phase's deadline, the
//! member's own needs (to change or withdraw), what was withdrawn or hidden and why, the
//! round's project rule, why each funded project was funded, and the priorities' results.

use super::calendar::utc;
use super::{esc, fixed, hours, num, Ctx};
use crate::api::AppState;
use crate::auth::Signing;
use plenty_ledger::state::{Removal, RoundState};
use plenty_ledger::tally::{FundingStep, RoundTally};
use plenty_ledger::{Ledger, Phase};
use std::fmt::Write;

/// When the current phase ends, if a facilitator set it.
pub fn deadline(cx: &Ctx, r: &RoundState) -> String {
    let Some(d) = r.current_deadline() else {
        return String::new();
    };
    let at = utc(d.at_ms);
    let key = match r.phase {
        Phase::Needs => "deadline-needs",
        _ => "deadline-voting",
    };
    format!(
        "<p id=deadline>{} <a href=/calendar>{}</a></p>",
        cx.lang.tvh(
            key,
            &[],
            &[(
                "when",
                &format!("<time datetime={}>{}</time>", at.rfc3339(), at.words())
            )]
        ),
        cx.t("nav-calendar")
    )
}

/// The signed-in member's needs that count, each with a form to change or withdraw it (needs
/// phase).
pub fn my_needs(st: &AppState, cx: &Ctx, l: &Ledger, r: &RoundState) -> String {
    let Some(me) = cx.who.0.as_ref() else {
        return String::new();
    };
    if r.phase != Phase::Needs {
        return String::new();
    }
    let by = st.pseudonym(Signing::Need, r.id, me.member);
    let mine: Vec<_> = r.needs.iter().filter(|n| n.by == by).collect();
    if mine.is_empty() {
        return String::new();
    }
    let unit = |p: &str| {
        l.economy
            .as_ref()
            .and_then(|e| {
                let e = &e.parsed;
                e.product_index(p)
                    .and_then(|k| e.products()[k].unit.clone())
            })
            .unwrap_or_default()
    };
    let mut b = format!(
        "<h2>{}</h2><p class=muted>{}</p>",
        cx.t("your-needs-heading"),
        cx.t("your-needs-intro"),
    );
    let _ = write!(
        b,
        "<table id=your-needs class=stack><tr><th>{}</th><th>{}</th><th><span class=vh>{}</span></th></tr>",
        cx.t("table-product"),
        cx.t("table-registered"),
        cx.t("your-needs-withdraw")
    );
    for n in mine {
        let _ = write!(
            b,
            "<tr><td>{}</td><td><form id=change-need-{num} data-api=\"/api/v1/rounds/{r}/needs/{num}\" data-method=PATCH data-next=/round><label>{} ({}) <input name=quantity type=number step=any min=0 required value=\"{}\"></label><button type=submit>{change}</button><p class=status role=status></p></form></td><td><form id=withdraw-need-{num} data-api=\"/api/v1/rounds/{r}/needs/{num}\" data-method=DELETE data-next=/round><button type=submit>{withdraw}</button><p class=status role=status></p></form></td></tr>",
            esc(&n.product),
            esc(&n.product),
            esc(&unit(&n.product)),
            n.quantity,
            num = n.number,
            r = r.id,
            change = cx.t("your-needs-change"),
            withdraw = cx.t("your-needs-withdraw"),
        );
    }
    b.push_str("</table>");
    b
}

/// What no longer counts, and why.
pub fn removed(cx: &Ctx, r: &RoundState) -> String {
    if r.removed_needs.is_empty() && r.removed_proposals.is_empty() {
        return String::new();
    }
    let why = |w: &Removal| match w {
        Removal::Withdrawn => cx.t("removed-withdrawn"),
        Removal::Hidden { reason } => cx.tv("removed-hidden", &[("reason", reason)]),
    };
    let mut b = format!("<h2>{}</h2><ul id=removed>", cx.t("removed-heading"));
    for (n, w) in &r.removed_needs {
        let _ = write!(
            b,
            "<li>{}</li>",
            cx.lang.tvh(
                "removed-need",
                &[
                    ("number", &n.number.to_string()),
                    ("quantity", &num(n.quantity)),
                    ("product", &n.product)
                ],
                &[("why", &why(w))]
            )
        );
    }
    for (p, w) in r.removed_proposals.values() {
        let _ = write!(
            b,
            "<li>{}</li>",
            cx.lang.tvh(
                "removed-project",
                &[("title", &p.title)],
                &[("why", &why(w))]
            )
        );
    }
    b.push_str("</ul>");
    b
}

/// The round's published rule on projects no member approved.
pub fn project_rule(cx: &Ctx, r: &RoundState) -> String {
    match r.rules {
        Some(rules) if rules.fund_unapproved => format!(
            "<p id=unapproved-rule>{}</p>",
            cx.t("rule-unapproved-funded")
        ),
        Some(_) => format!(
            "<p id=unapproved-rule class=muted>{}</p>",
            cx.t("rule-unapproved-never")
        ),
        None => String::new(),
    }
}

/// Why each funded project was funded.
pub fn why_funded(cx: &Ctx, r: &RoundState, t: &RoundTally) -> String {
    if t.projects.why_funded.is_empty() {
        return String::new();
    }
    let mut b = format!("<h3>{}</h3><ul id=why-funded>", cx.t("why-funded-heading"));
    for w in &t.projects.why_funded {
        let title = r
            .proposals
            .get(&w.proposal)
            .map(|p| format!("{} ({})", esc(&p.title), hours(p.cost_hours)))
            .unwrap_or_else(|| format!("project {}", w.proposal));
        let how = match w.step {
            FundingStep::EqualSharesRound { round } => {
                cx.tv("why-funded-round", &[("round", &round.to_string())])
            }
            FundingStep::Completion => cx.t("why-funded-completion"),
            FundingStep::GreedyApproval => cx.t("why-funded-greedy"),
        };
        let _ = write!(b, "<li>{title}: {how}.</li>");
    }
    b.push_str("</ul>");
    b
}

/// The priorities' results: each product's mean score over the members who scored it.
pub fn priorities(cx: &Ctx, t: &RoundTally) -> String {
    let scored: Vec<_> = t
        .priorities
        .iter()
        .filter(|p| p.scored_by.map_or(p.total > 0, |w| w > 0))
        .collect();
    if scored.is_empty() {
        return format!(
            "<h3>{}</h3><p id=priorities-empty>{}</p>",
            cx.t("priorities-heading"),
            cx.t("priorities-empty")
        );
    }
    let mut b = format!(
        "<h3>{}</h3><p class=muted>{}</p>",
        cx.t("priorities-heading"),
        cx.t("priorities-intro"),
    );
    let at = b.len();
    let _ = write!(
        b,
        "<table id=priorities><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        cx.t("table-product"),
        cx.t("priorities-mean"),
        cx.t("priorities-scored-by")
    );
    for p in scored {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&p.product),
            fixed(p.mean, 2, true),
            p.scored_by.map_or_else(
                || "—".to_string(),
                |w| {
                    if w == 1 {
                        cx.t("priorities-members-one")
                    } else {
                        cx.tv("priorities-members", &[("count", &w.to_string())])
                    }
                }
            )
        );
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, &cx.t("priorities-heading"));
    b
}
