//! `/proposals` and `/proposal`: what Decidim and CONSUL members expect of proposals (issue
//! #15): a list to search, filter and sort; each proposal's page with its description, author
//! (when signed), earlier versions, the count's verdict on it, and the discussion. The
//! proposer amends or withdraws it there in the needs phase; a facilitator hides a comment
//! with a reason.

use super::{esc, hours, layout, Ctx};
use crate::api::AppState;
use crate::auth::Signing;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use plenty_ledger::state::RoundState;
use plenty_ledger::tally::FundingStep;
use plenty_ledger::{MemberId, Phase, ProposalId, Role};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The list's query: round, search words, filter, order.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    round: Option<u64>,
    /// Words to find in the title or description (case-insensitive).
    q: Option<String>,
    /// `all` (default), `mine`, `funded`.
    show: Option<String>,
    /// `newest` (default), `cost`, `comments`, `supports`, `approvals`.
    sort: Option<String>,
}

/// One row of the list.
struct Row {
    id: ProposalId,
    title: String,
    cost: f64,
    description: String,
    author: Option<MemberId>,
    comments: usize,
    supports: usize,
    approvals: Option<u64>,
    funded: Option<bool>,
    mine: bool,
}

fn rows(r: &RoundState, mine_as: Option<&String>) -> Vec<Row> {
    r.proposals
        .values()
        .map(|p| {
            let d = r.discussion.get(&p.id);
            Row {
                id: p.id,
                title: p.title.clone(),
                cost: p.cost_hours,
                description: d.map(|d| d.description.clone()).unwrap_or_default(),
                author: d.and_then(|d| d.signed_by),
                comments: d.map_or(0, |d| {
                    d.comments
                        .iter()
                        .filter(|k| r.comments.get(k).is_some_and(|c| c.hidden.is_none()))
                        .count()
                }),
                supports: d.map_or(0, |d| d.supporters.len()),
                approvals: r.tally.as_ref().map(|t| t.projects.approvals_of(p.id)),
                funded: r.tally.as_ref().map(|t| t.projects.is_funded(p.id)),
                mine: mine_as == Some(&p.by),
            }
        })
        .collect()
}

/// The rows the query asks for, in its order.
fn select(mut rows: Vec<Row>, q: &ListQuery) -> Vec<Row> {
    if let Some(words) = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        let words = words.to_lowercase();
        rows.retain(|r| {
            let text = format!("{} {}", r.title, r.description).to_lowercase();
            words.split_whitespace().all(|w| text.contains(w))
        });
    }
    match q.show.as_deref() {
        Some("mine") => rows.retain(|r| r.mine),
        Some("funded") => rows.retain(|r| r.funded == Some(true)),
        _ => {}
    }
    match q.sort.as_deref() {
        Some("cost") => rows.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.id.cmp(&b.id))),
        Some("comments") => rows.sort_by(|a, b| b.comments.cmp(&a.comments).then(a.id.cmp(&b.id))),
        Some("supports") => rows.sort_by(|a, b| b.supports.cmp(&a.supports).then(a.id.cmp(&b.id))),
        Some("approvals") => {
            rows.sort_by(|a, b| b.approvals.cmp(&a.approvals).then(a.id.cmp(&b.id)))
        }
        _ => rows.sort_by_key(|r| std::cmp::Reverse(r.id)),
    }
    rows
}

async fn names(
    st: &AppState,
    members: impl Iterator<Item = MemberId>,
) -> BTreeMap<MemberId, String> {
    let mut out = BTreeMap::new();
    for m in members {
        if out.contains_key(&m) {
            continue;
        }
        if let Ok(Some(a)) = st.log.store.account(m).await {
            out.insert(m, a.name);
        }
    }
    out
}

fn option(value: &str, label: &str, chosen: Option<&str>, default: bool) -> String {
    let selected = chosen == Some(value) || (chosen.is_none() && default);
    format!(
        "<option value={value}{}>{label}</option>",
        if selected { " selected" } else { "" }
    )
}

/// `GET /proposals`.
pub async fn list(State(st): State<AppState>, cx: Ctx, Query(q): Query<ListQuery>) -> Html<String> {
    let me = cx.who.0.as_ref().map(|c| c.member);
    let found = st.log.read(|ch| {
        let r = match q.round {
            Some(id) => ch.ledger.rounds.get(&id),
            None => ch.ledger.latest_round(),
        }?;
        let mine_as = me.map(|m| st.pseudonym(Signing::Proposal, r.id, m));
        Some((r.id, r.title.clone(), r.phase, rows(r, mine_as.as_ref())))
    });
    let Some((round, title, phase, all)) = found else {
        return layout(
            &cx,
            &cx.t("nav-proposals"),
            &format!(
                "<h1>{}</h1><p class=next>{}</p>",
                cx.t("nav-proposals"),
                cx.t("proposals-none-yet")
            ),
        );
    };
    let total = all.len();
    let shown = select(all, &q);
    let authors = names(&st, shown.iter().filter_map(|r| r.author)).await;
    let mut b = format!(
        "<h1>{}</h1><form method=get action=/proposals id=proposal-search><input type=hidden name=round value={round}><label>{} <input name=q value=\"{}\" maxlength=200></label><label>{} <select name=show>{}{}{}</select></label><label>{} <select name=sort>{}{}{}{}{}</select></label><button type=submit>{}</button></form>",
        cx.tv(
            "proposals-heading",
            &[("number", &round.to_string()), ("title", &title)]
        ),
        cx.t("proposals-search"),
        esc(q.q.as_deref().unwrap_or("")),
        cx.t("proposals-show"),
        option("all", &cx.t("proposals-all"), q.show.as_deref(), true),
        option("mine", &cx.t("proposals-mine"), q.show.as_deref(), false),
        option("funded", &cx.t("proposals-funded"), q.show.as_deref(), false),
        cx.t("proposals-order"),
        option("newest", &cx.t("proposals-newest"), q.sort.as_deref(), true),
        option("cost", &cx.t("proposals-cheapest"), q.sort.as_deref(), false),
        option("comments", &cx.t("proposals-discussed"), q.sort.as_deref(), false),
        option("supports", &cx.t("proposals-supported"), q.sort.as_deref(), false),
        option("approvals", &cx.t("proposals-approved"), q.sort.as_deref(), false),
        cx.t("proposals-find"),
    );
    if total == 0 {
        let _ = if phase == Phase::Needs {
            write!(
                b,
                "<p class=next id=proposals-empty>{} <a href=/round>{}</a></p>",
                cx.t("proposals-empty-needs"),
                cx.t("nav-round")
            )
        } else {
            write!(b, "<p id=proposals-empty>{}</p>", cx.t("proposals-empty"))
        };
        return layout(&cx, &cx.t("nav-proposals"), &b);
    }
    let _ = write!(
        b,
        "<p id=proposals-count>{}</p><ul id=proposal-list>",
        cx.tv(
            "proposals-count",
            &[
                ("shown", &shown.len().to_string()),
                ("total", &total.to_string())
            ]
        )
    );
    for r in &shown {
        let snippet: String = r.description.chars().take(200).collect();
        let _ = write!(
            b,
            "<li><a href=\"/proposal?round={round}&amp;id={}\"><strong>{}</strong></a> — {}{}{}. {}{}<br><span class=muted>{}</span></li>",
            r.id,
            esc(&r.title),
            hours(r.cost),
            r.author
                .and_then(|m| authors.get(&m))
                .map(|n| cx.tv("proposals-by", &[("name", n)]))
                .unwrap_or_default(),
            if r.mine {
                format!(" {}", cx.t("proposals-yours"))
            } else {
                String::new()
            },
            cx.tv(
                "proposals-counts",
                &[
                    ("comments", &r.comments.to_string()),
                    ("supports", &r.supports.to_string())
                ]
            ),
            match (r.approvals, r.funded) {
                (Some(a), Some(true)) => {
                    cx.tv("proposals-approved-funded", &[("approvals", &a.to_string())])
                }
                (Some(a), _) => cx.tv(
                    "proposals-approved-not-funded",
                    &[("approvals", &a.to_string())]
                ),
                _ => String::new(),
            },
            esc(&snippet)
        );
    }
    b.push_str("</ul>");
    layout(&cx, &cx.t("nav-proposals"), &b)
}

/// One proposal's query.
#[derive(Deserialize)]
pub struct OneQuery {
    round: u64,
    id: ProposalId,
}

/// `GET /proposal?round=N&id=P`.
pub async fn one(State(st): State<AppState>, cx: Ctx, Query(q): Query<OneQuery>) -> Response {
    let me = cx.who.0.clone();
    let found = st.log.read(|ch| {
        let r = ch.ledger.rounds.get(&q.round)?;
        let p = r.proposals.get(&q.id)?.clone();
        let d = r.discussion.get(&q.id).cloned().unwrap_or_default();
        let comments: Vec<_> = d
            .comments
            .iter()
            .filter_map(|k| r.comments.get(k).cloned())
            .collect();
        let why = r.tally.as_ref().map(|t| {
            let step = t
                .projects
                .why_funded
                .iter()
                .find(|w| w.proposal == q.id)
                .map(|w| w.step);
            (
                t.projects.approvals_of(q.id),
                t.projects.is_funded(q.id),
                step,
            )
        });
        let mine = me
            .as_ref()
            .is_some_and(|c| st.pseudonym(Signing::Proposal, r.id, c.member) == p.by);
        let i_support = me.as_ref().is_some_and(|c| {
            d.supporters
                .contains(&st.pseudonym(Signing::Support, r.id, c.member))
        });
        let facilitator = me.as_ref().is_some_and(|c| {
            c.role == Role::Facilitator && ch.ledger.require_facilitator(c.member).is_ok()
        });
        Some((r.phase, p, d, comments, why, mine, facilitator, i_support))
    });
    let Some((phase, p, d, comments, why, mine, facilitator, i_support)) = found else {
        let body = format!(
            "<h1>No such proposal</h1><p>Round {} has no proposal {} that is a candidate: it may have been withdrawn or hidden (the round page says why). <a href=\"/proposals?round={}\">All proposals of the round</a>.</p>",
            q.round, q.id, q.round
        );
        return (
            StatusCode::NOT_FOUND,
            layout(&cx, "No such proposal", &body),
        )
            .into_response();
    };
    let people = names(&st, comments.iter().map(|c| c.by).chain(d.signed_by)).await;
    let name = |m: MemberId| {
        people
            .get(&m)
            .map(|n| esc(n))
            .unwrap_or_else(|| format!("member {m}"))
    };
    let here = format!("/proposal?round={}&amp;id={}", q.round, q.id);
    let mut b = format!(
        "<p><a href=\"/proposals?round={}\">{}</a></p><h1 id=proposal-title>{}</h1><p>It costs <strong>{}</strong> of work{}.</p>",
        q.round,
        cx.t("proposal-all"),
        esc(&p.title),
        hours(p.cost_hours),
        d.signed_by
            .map(|m| format!("; proposed by <strong id=proposal-author>{}</strong>", name(m)))
            .unwrap_or_else(|| "; its proposer did not sign it".into())
    );
    if d.description.is_empty() {
        let _ = write!(b, "<p class=muted>{}</p>", cx.t("proposal-no-description"));
    } else {
        let _ = write!(
            b,
            "<div id=proposal-description>{}</div>",
            d.description
                .split("\n\n")
                .map(|para| format!("<p>{}</p>", esc(para).replace('\n', "<br>")))
                .collect::<String>()
        );
    }
    let supports = d.supporters.len();
    let _ = write!(
        b,
        "<p id=supports>{}</p>",
        cx.tv("proposal-supports", &[("count", &supports.to_string())])
    );
    if me.is_some() && phase <= Phase::Voting {
        let _ = write!(
            b,
            "<form id=support-form data-api=\"/api/v1/rounds/{}/proposals/{}/support\" data-next=\"{here}\"><input type=hidden name=supported value={}><button type=submit>{}</button><p class=status role=status></p></form>",
            q.round,
            q.id,
            !i_support,
            cx.t(if i_support {
                "proposal-unsupport"
            } else {
                "proposal-support"
            })
        );
    }
    if let Some((approvals, funded, step)) = why {
        let _ = write!(
            b,
            "<p id=proposal-verdict>The count: approved with a weight of {approvals}; {}.</p>",
            match (funded, step) {
                (true, Some(FundingStep::EqualSharesRound { round })) => format!("funded in round {round} of the Method of Equal Shares: its supporters could pay for it from their equal shares of the budget"),
                (true, Some(FundingStep::Completion)) => "funded by the completion step: the budget had room after the rounds of equal shares".into(),
                (true, Some(FundingStep::GreedyApproval)) => "funded: among the most approved projects that fitted the budget".into(),
                (true, None) => "funded".into(),
                (false, _) => "not funded".into(),
            }
        );
    }
    if !d.versions.is_empty() {
        b.push_str(
            "<details id=proposal-versions><summary>Earlier versions (amendments)</summary><ol>",
        );
        for v in &d.versions {
            let _ = write!(
                b,
                "<li>{} — {}{}</li>",
                esc(&v.title),
                hours(v.cost_hours),
                if v.description.is_empty() {
                    String::new()
                } else {
                    format!(": {}", esc(&v.description))
                }
            );
        }
        b.push_str("</ol></details>");
    }
    if mine && phase == Phase::Needs {
        let _ = write!(
            b,
            "<h2>Your proposal</h2><form id=amend-form data-api=\"/api/v1/rounds/{r}/proposals/{id}\" data-method=PATCH data-next=\"{here}\"><label>Title <input name=title required maxlength=200 value=\"{}\"></label><label>Cost in hours <input name=cost_hours type=number step=any min=0 required value=\"{}\"></label><label>Description <textarea name=description rows=5 maxlength=4000>{}</textarea></label><button type=submit>Amend</button><p class=status role=status></p></form>\
             <form id=withdraw-form data-api=\"/api/v1/rounds/{r}/proposals/{id}\" data-method=DELETE data-next=\"/proposals?round={r}\"><button type=submit>Withdraw this proposal</button><p class=status role=status></p></form>",
            esc(&p.title),
            p.cost_hours,
            esc(&d.description),
            r = q.round,
            id = q.id
        );
    }
    let _ = write!(
        b,
        "<h2>{}</h2>",
        if comments.len() == 1 {
            cx.t("proposal-discussion-one")
        } else {
            cx.tv(
                "proposal-discussion",
                &[("count", &comments.len().to_string())],
            )
        }
    );
    if comments.is_empty() {
        let _ = write!(b, "<p id=no-comments>{}</p>", cx.t("proposal-no-comments"));
    }
    b.push_str("<ol id=comments>");
    for c in &comments {
        match &c.hidden {
            Some(reason) => {
                let _ = write!(
                    b,
                    "<li id=comment-{}><em>{}</em></li>",
                    c.id,
                    cx.tv("proposal-comment-hidden", &[("reason", reason)])
                );
            }
            None => {
                let _ = write!(
                    b,
                    "<li id=comment-{}><strong>{}</strong>: {}{}</li>",
                    c.id,
                    name(c.by),
                    esc(&c.text).replace('\n', "<br>"),
                    if facilitator {
                        format!(
                            "<form id=hide-comment-{0} data-api=\"/api/v1/rounds/{1}/comments/{0}/hide\" data-next=\"{here}\"><label>Reason <input name=reason required maxlength=1000></label><button type=submit>Hide</button><p class=status role=status></p></form>",
                            c.id, q.round
                        )
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
    b.push_str("</ol>");
    if phase > Phase::Voting {
        let _ = write!(
            b,
            "<p class=muted>{}</p>",
            cx.t("proposal-discussion-closed")
        );
    } else if me.is_some() {
        let _ = write!(
            b,
            "<form id=comment-form data-api=\"/api/v1/rounds/{}/proposals/{}/comments\" data-next=\"{here}\"><label>{} <textarea name=text required rows=3 maxlength=2000></textarea></label><button type=submit>{}</button><p class=status role=status></p></form>",
            q.round,
            q.id,
            cx.t("proposal-your-comment"),
            cx.t("proposal-comment")
        );
    } else {
        let _ = write!(b, "<p><a href=/login>{}</a></p>", cx.t("proposal-sign-in"));
    }
    layout(&cx, &esc(&p.title), &b).into_response()
}
