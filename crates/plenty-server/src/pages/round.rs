//! The round page: needs, proposals, the ballot and the count.

use super::{capped_needs_html, esc, layout, num};
use crate::api::{AppState, MaybeCaller};
use axum::extract::State;
use axum::response::Html;
use plenty_ledger::state::RoundState;
use plenty_ledger::{Ledger, RoundAction};
use std::fmt::Write;

fn round_body(l: &Ledger, r: &RoundState, who: &MaybeCaller) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Round {}: {}</h1><p>Phase: <span class=phase id=phase>{}</span> · {} ballots · quorum: {}% of members and at least {} ballots · projects chosen by {}</p>",
        r.id,
        esc(&r.title),
        r.phase.name(),
        r.ballots.len(),
        num(r.quorum.min_turnout * 100.0),
        r.quorum.min_ballots,
        match r.rule {
            plenty_ledger::ProjectRule::EqualShares => "the Method of Equal Shares",
            plenty_ledger::ProjectRule::GreedyApproval => "greedy approval",
        }
    );
    let Some(e) = l.economy.as_ref().map(|x| &x.parsed) else {
        b.push_str("<p>No economy imported yet.</p>");
        return b;
    };
    let products: String = e
        .products()
        .iter()
        .map(|p| format!("<option value=\"{0}\">{0}</option>", esc(&p.name)))
        .collect();
    let years = l.economy_years();
    if let Some(y) = years {
        let _ = write!(
            b,
            "<p id=round-years>A multi-year round: the plan covers the years {} ({} years). Needs can be for one year or every year; ballots give the weight on the present.</p>",
            y.span(),
            y.count()
        );
    }
    // Needs.
    if years.is_some() {
        b.push_str("<h2>Needs registered</h2><table id=needs><tr><th>product</th><th>year</th><th>registered</th></tr>");
        for ((p, year), t) in r.needs_by_product_and_year() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
                esc(p),
                year.map_or("every year".to_string(), |y| y.to_string()),
                num(t.quantity)
            );
        }
    } else {
        b.push_str("<h2>Needs registered</h2><table><tr><th>product</th><th>registered</th></tr>");
        for (p, t) in r.needs_by_product() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td class=n>{}</td></tr>",
                esc(p),
                num(t.quantity)
            );
        }
    }
    b.push_str("</table>");
    if let Ok(counted) = l.counted_needs(r) {
        b.push_str(&capped_needs_html(&counted.capped));
    }
    // Proposals.
    b.push_str("<h2>Proposed common projects</h2><table id=proposals><tr><th>#</th><th>project</th><th>hours</th>");
    if let Some(t) = &r.tally {
        b.push_str("<th>approvals</th><th>funded</th>");
        let _ = t;
    }
    b.push_str("</tr>");
    for p in r.proposals.values() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td>",
            p.id,
            esc(&p.title),
            num(p.cost_hours)
        );
        if let Some(t) = &r.tally {
            let _ = write!(
                b,
                "<td class=n>{}</td><td>{}</td>",
                t.projects.approvals_of(p.id),
                if t.projects.is_funded(p.id) {
                    "yes"
                } else {
                    "no"
                }
            );
        }
        b.push_str("</tr>");
    }
    b.push_str("</table>");
    let signed_in = who.0.is_some();
    if !signed_in {
        b.push_str("<p><a href=/login>Sign in</a> to take part.</p>");
    }
    if signed_in && r.open_for(RoundAction::RegisterNeed) {
        let year_field = years
            .map(|y| {
                format!(
                    "<label>Year <select name=year><option value=\"\">every year</option>{}</select></label>",
                    (y.first_year..=y.last_year())
                        .map(|k| format!("<option>{k}</option>"))
                        .collect::<String>()
                )
            })
            .unwrap_or_default();
        let _ = write!(
            b,
            "<h2>Register a need</h2><form id=need-form data-api=/api/v1/rounds/{0}/needs><label>Product <select name=product>{products}</select></label><label>Quantity <input name=quantity type=number step=any min=0 required></label>{year_field}<button type=submit>Register need</button><p class=status role=status></p></form>\
             <h2>Propose a project</h2><form id=proposal-form data-api=/api/v1/rounds/{0}/proposals><label>Title <input name=title required maxlength=200></label><label>Cost in hours <input name=cost_hours type=number step=any min=0 required></label><button type=submit>Propose</button><p class=status role=status></p></form>",
            r.id
        );
    }
    if signed_in && r.open_for(RoundAction::Vote) {
        let approvals: String = r
            .proposals
            .values()
            .map(|p| {
                format!(
                    "<label><input type=checkbox name=approve value={}> {} ({} h)</label>",
                    p.id,
                    esc(&p.title),
                    num(p.cost_hours)
                )
            })
            .collect();
        let scores: String = e
            .products()
            .iter()
            .map(|p| {
                format!(
                    "<label>{0} <select name=\"score:{0}\"><option value=\"\">no opinion</option>{1}</select></label>",
                    esc(&p.name),
                    (0..=5).map(|s| format!("<option>{s}</option>")).collect::<String>()
                )
            })
            .collect();
        let present = if years.is_some() {
            format!(
                "<fieldset><legend>Weight on the present</legend><label>Yearly discount rate, 0 to {max} (0 weighs every year alike; higher rates favour consumption now over investment for later years) <input name=discount_rate type=number step=0.005 min=0 max={max} placeholder={default}></label><p class=muted>The plan maximises λ discounted at the median of the ballots' rates (the lower median for an even number; {default} without ballots).</p></fieldset>",
                max = plenty_ledger::MAX_DISCOUNT_RATE,
                default = plenty_ledger::DEFAULT_DISCOUNT_RATE
            )
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<h2>Your ballot</h2><form id=ballot-form data-api=/api/v1/rounds/{}/ballot><fieldset><legend>Projects you approve</legend>{approvals}</fieldset>{present}\
             <fieldset><legend>Split of hours (shares summing to 1)</legend><label>Consumption <input name=split0 type=number step=0.01 min=0 max=1 value=0.8></label><label>Investment (common projects) <input name=split1 type=number step=0.01 min=0 max=1 value=0.15></label><label>Common funds <input name=split2 type=number step=0.01 min=0 max=1 value=0.05></label></fieldset>\
             <fieldset><legend>Priorities (0 to 5)</legend>{scores}</fieldset><button type=submit>Cast ballot</button><p class=status role=status></p></form><p class=muted>You can vote again until voting closes: your last ballot counts, and both are in the log.</p>",
            r.id
        );
    }
    if let Some(c) = &who.0 {
        // Who may run the calendar is the ledger's rule.
        if l.require_facilitator(c.member).is_ok() {
            if let Some(next) = r.phase.next() {
                let _ = write!(
                    b,
                    "<h2>Facilitator</h2><form id=advance-form data-api=/api/v1/rounds/{}/advance><input type=hidden name=to value={}><button type=submit>Move to the {} phase</button><p class=status role=status></p></form>",
                    r.id,
                    next.name(),
                    next.name()
                );
            }
        }
    }
    if let Some(t) = &r.tally {
        let _ = write!(
            b,
            "<h2>The count</h2><p id=quorum>{}: {} of {} members represented by {} ballots.</p><p>Split of hours: consumption {}, investment {}, common funds {}{}.</p><p>Budget for projects: {} hours; funded: {} ({} hours).</p>",
            if t.quorum.met { "Quorum met" } else { "No quorum" },
            t.quorum.represented,
            t.quorum.eligible,
            t.quorum.ballots,
            num(t.split.shares.consumption),
            num(t.split.shares.investment),
            num(t.split.shares.common_funds),
            if t.split.default_used { " (the default)" } else { "" },
            num(t.projects.budget_hours),
            if t.projects.funded.is_empty() {
                "none".to_string()
            } else {
                t.projects
                    .funded
                    .iter()
                    .map(|p| format!("#{p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            num(t.projects.spent_hours)
        );
        if let Some(d) = &t.discount {
            let _ = write!(
                b,
                "<p id=discount>Weight on the present: the plan maximises λ discounted at <strong>{}</strong> a year{}. {}.</p>",
                d.rate,
                if d.default_used { " (the default)" } else { " (the median of the ballots)" },
                esc(&d.explanation)
            );
        }
    }
    b
}

/// `GET /round`.
pub async fn round(State(st): State<AppState>, who: MaybeCaller) -> Html<String> {
    let (mut body, tally) = st.log.read(|c| match c.ledger.latest_round() {
        Some(r) => (round_body(&c.ledger, r, &who), r.tally.clone()),
        None => ("<h1>No round yet</h1>".into(), None),
    });
    // The count's explanation can be long (every payment of every round): drawn after the
    // lock is released.
    if let Some(t) = tally {
        let _ = write!(
            body,
            "<details><summary>Round by round</summary><pre>{}</pre></details>",
            esc(&serde_json::to_string_pretty(&t.projects.explanation).unwrap_or_default())
        );
    }
    layout("Round", &who, &body)
}
