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
pub fn deadline(r: &RoundState) -> String {
    let Some(d) = r.current_deadline() else {
        return String::new();
    };
    let at = utc(d.at_ms);
    let what = match r.phase {
        Phase::Needs => "The needs phase ends, and the vote opens,",
        _ => "Voting closes",
    };
    format!(
        "<p id=deadline>{what} on <time datetime={}>{}</time>. <a href=/calendar>Calendar</a></p>",
        at.rfc3339(),
        at.words()
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
    let mut b = String::from("<h2>Your needs</h2><p class=muted>Only you see this list. Change or withdraw a need until the vote opens.</p>");
    let at = b.len();
    b.push_str("<table id=your-needs><tr><th>product</th><th>quantity</th><th><span class=vh>withdraw it</span></th></tr>");
    for n in mine {
        let _ = write!(
            b,
            "<tr><td>{}</td><td><form id=change-need-{num} data-api=\"/api/v1/rounds/{r}/needs/{num}\" data-method=PATCH data-next=/round><label>{} ({}) <input name=quantity type=number step=any min=0 required value=\"{}\"></label><button type=submit>Change</button><p class=status role=status></p></form></td><td><form id=withdraw-need-{num} data-api=\"/api/v1/rounds/{r}/needs/{num}\" data-method=DELETE data-next=/round><button type=submit>Withdraw</button><p class=status role=status></p></form></td></tr>",
            esc(&n.product),
            esc(&n.product),
            esc(&unit(&n.product)),
            n.quantity,
            num = n.number,
            r = r.id,
        );
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, "Your needs");
    b
}

/// What no longer counts, and why.
pub fn removed(r: &RoundState) -> String {
    if r.removed_needs.is_empty() && r.removed_proposals.is_empty() {
        return String::new();
    }
    let why = |w: &Removal| match w {
        Removal::Withdrawn => "withdrawn by its member".to_string(),
        Removal::Hidden { reason } => format!("hidden by a facilitator: {}", esc(reason)),
    };
    let mut b = String::from("<h2>Withdrawn or hidden</h2><ul id=removed>");
    for (n, w) in &r.removed_needs {
        let _ = write!(
            b,
            "<li>Need {}: {} {} — {}</li>",
            n.number,
            num(n.quantity),
            esc(&n.product),
            why(w)
        );
    }
    for (p, w) in r.removed_proposals.values() {
        let _ = write!(b, "<li>Project “{}” — {}</li>", esc(&p.title), why(w));
    }
    b.push_str("</ul>");
    b
}

/// The round's published rule on projects no member approved.
pub fn project_rule(r: &RoundState) -> String {
    match r.rules {
        Some(rules) if rules.fund_unapproved => "<p id=unapproved-rule>This federation chose to fund projects no member approved when the budget has room after the approved ones (a published rule of this round).</p>".into(),
        Some(_) => "<p id=unapproved-rule class=muted>A project no member approves is never funded.</p>".into(),
        None => String::new(),
    }
}

/// Why each funded project was funded.
pub fn why_funded(r: &RoundState, t: &RoundTally) -> String {
    if t.projects.why_funded.is_empty() {
        return String::new();
    }
    let mut b = String::from("<h3>Why each project was funded</h3><ul id=why-funded>");
    for w in &t.projects.why_funded {
        let title = r
            .proposals
            .get(&w.proposal)
            .map(|p| format!("{} ({})", esc(&p.title), hours(p.cost_hours)))
            .unwrap_or_else(|| format!("project {}", w.proposal));
        let how = match w.step {
            FundingStep::EqualSharesRound { round } => format!(
                "round {round} of the Method of Equal Shares: its supporters could pay for it from their equal shares of the budget"
            ),
            FundingStep::Completion => {
                "the completion step: the budget had room after the rounds of equal shares".into()
            }
            FundingStep::GreedyApproval => {
                "greedy approval: among the most approved projects that fitted the budget".into()
            }
        };
        let _ = write!(b, "<li>{title}: {how}.</li>");
    }
    b.push_str("</ul>");
    b
}

/// The priorities' results: each product's mean score over the members who scored it.
pub fn priorities(t: &RoundTally) -> String {
    let scored: Vec<_> = t
        .priorities
        .iter()
        .filter(|p| p.scored_by.map_or(p.total > 0, |w| w > 0))
        .collect();
    if scored.is_empty() {
        return "<h3>Priorities</h3><p id=priorities-empty>No ballot scored a product.</p>".into();
    }
    let mut b = String::from("<h3>Priorities</h3><p class=muted>The mean score (0 to 5) of each product, over the members who scored it (“no opinion” does not count as 0). The priorities are published with the count for the federation's councils to weigh; they do not change this round's plan, which meets every need in the same proportion.</p>");
    let at = b.len();
    b.push_str(
        "<table id=priorities><tr><th>product</th><th>mean score</th><th>scored by</th></tr>",
    );
    for p in scored {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&p.product),
            fixed(p.mean, 2, true),
            p.scored_by.map_or_else(
                || "—".to_string(),
                |w| format!("{w} member{}", if w == 1 { "" } else { "s" })
            )
        );
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, "Priorities");
    b
}
