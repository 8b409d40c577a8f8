//! The round page: what to do next, needs, proposals, the ballot, the count and the
//! project vote round by round; and the archive of rounds.

use super::explain::{explain, Named};
use super::home::{has_voted, next_step};
use super::{capped_needs_html, esc, fixed, hours, layout, num, percent, Ctx, RoundQuery};
use crate::api::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use plenty_ledger::state::RoundState;
use plenty_ledger::{Ledger, Phase, RoundAction, Topic};
use std::collections::BTreeMap;
use std::fmt::Write;

fn round_body(
    st: &AppState,
    l: &Ledger,
    r: &RoundState,
    cx: &Ctx,
    read_only: bool,
    delegates: &BTreeMap<Topic, String>,
) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1><p>{}: <span class=phase id=phase>{}</span> · {} · {}</p>",
        cx.tv(
            "round-heading",
            &[("number", &r.id.to_string()), ("title", &r.title)]
        ),
        cx.t("phase-label"),
        cx.t(&format!("phase-{}", r.phase.name())),
        cx.tv("round-ballots", &[("count", &r.ballots.len().to_string())]),
        cx.lang.tvh(
            "round-quorum-rule",
            &[
                ("turnout", &fixed(r.quorum.min_turnout * 100.0, 1, true)),
                ("ballots", &r.quorum.min_ballots.to_string()),
            ],
            &[(
                "rule",
                &cx.t(match r.rule {
                    plenty_ledger::ProjectRule::EqualShares => "rule-mes",
                    plenty_ledger::ProjectRule::GreedyApproval => "rule-greedy",
                })
            )]
        ),
    );
    if read_only {
        let _ = write!(
            b,
            "<p id=past-round class=muted>{} <a href=\"/plan?round={}\">{}</a></p>",
            cx.t("round-past"),
            r.id,
            cx.t("round-see-its-plan")
        );
    } else {
        b.push_str(&next_step(cx, l, Some(r), has_voted(st, cx, r)));
        b.push_str(&super::round_extras::deadline(cx, r));
    }
    if let Some(why) = &r.abandoned {
        let _ = write!(
            b,
            "<p class=err>{}</p>",
            cx.tv("round-abandoned", &[("why", why)])
        );
    }
    let Some(e) = l.economy.as_ref().map(|x| &x.parsed) else {
        let _ = write!(b, "<p>{}</p>", cx.t("round-no-economy"));
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
    let unit_of = |name: &str| {
        e.products()
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.unit.clone())
            .unwrap_or_default()
    };
    let at = b.len();
    if years.is_some() {
        let _ = write!(
            b,
            "<h2>{}</h2><table id=needs><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            cx.t("round-needs"),
            cx.t("table-product"),
            cx.t("table-year"),
            cx.t("table-registered"),
            cx.t("table-unit")
        );
        for ((p, year), t) in r.needs_by_product_and_year() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
                esc(p),
                year.map_or(cx.t("form-every-year"), |y| y.to_string()),
                num(t.quantity),
                esc(&unit_of(p))
            );
        }
    } else {
        let _ = write!(
            b,
            "<h2>{}</h2><table id=needs><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            cx.t("round-needs"),
            cx.t("table-product"),
            cx.t("table-registered"),
            cx.t("table-unit")
        );
        for (p, t) in r.needs_by_product() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
                esc(p),
                num(t.quantity),
                esc(&unit_of(p))
            );
        }
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, &cx.t("round-needs"));
    if let Ok(counted) = l.counted_needs(r) {
        b.push_str(&capped_needs_html(&counted.capped));
    }
    b.push_str(&super::round_extras::my_needs(st, cx, l, r));
    b.push_str(&super::round_extras::removed(cx, r));
    // Proposals.
    let at = b.len();
    let _ = write!(
        b,
        "<h2>{}</h2><table id=proposals><tr><th>#</th><th>{}</th><th>{}</th>",
        cx.t("round-proposals"),
        cx.t("table-project"),
        cx.t("table-hours")
    );
    if r.tally.is_some() {
        let _ = write!(
            b,
            "<th>{}</th><th>{}</th>",
            cx.t("table-approvals"),
            cx.t("table-funded")
        );
    }
    b.push_str("</tr>");
    for p in r.proposals.values() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td><a href=\"/proposal?round={}&amp;id={}\">{}</a></td><td class=n>{}</td>",
            p.id,
            r.id,
            p.id,
            esc(&p.title),
            hours(p.cost_hours)
        );
        if let Some(t) = &r.tally {
            let _ = write!(
                b,
                "<td class=n>{}</td><td>{}</td>",
                t.projects.approvals_of(p.id),
                if t.projects.is_funded(p.id) {
                    cx.t("yes")
                } else {
                    cx.t("no")
                }
            );
        }
        b.push_str("</tr>");
    }
    b.push_str("</table>");
    super::scroll_since(&mut b, at, &cx.t("round-proposals"));
    b.push_str(&super::round_extras::project_rule(cx, r));
    let signed_in = cx.who.0.is_some();
    if signed_in && !read_only && r.open_for(RoundAction::RegisterNeed) {
        let year_field = years
            .map(|y| {
                format!(
                    "<label>{} <select name=year><option value=\"\">{}</option>{}</select></label>",
                    cx.t("form-year"),
                    cx.t("form-every-year"),
                    (y.first_year..=y.last_year())
                        .map(|k| format!("<option>{k}</option>"))
                        .collect::<String>()
                )
            })
            .unwrap_or_default();
        let _ = write!(
            b,
            "<h2>{h_need}</h2><form id=need-form data-api=/api/v1/rounds/{0}/needs><label>{product} <select name=product>{products}</select></label><label>{quantity} <input name=quantity type=number step=any min=0 required></label>{year_field}<button type=submit>{h_need}</button><p class=status role=status></p></form>\
             <h2>{h_prop}</h2><form id=proposal-form data-api=/api/v1/rounds/{0}/proposals><label>{title} <input name=title required maxlength=200></label><label>{cost} <input name=cost_hours type=number step=any min=0 required></label><label>What it is, where, why, for whom <textarea name=description rows=3 maxlength=4000></textarea></label><label><input type=checkbox name=signed checked> Show my name as its author</label><button type=submit>{h_prop}</button><p class=status role=status></p></form>",
            r.id,
            h_need = cx.t("round-register-need"),
            h_prop = cx.t("round-propose"),
            product = cx.t("form-product"),
            quantity = cx.t("form-quantity"),
            title = cx.t("form-title"),
            cost = cx.t("form-cost-hours"),
        );
    }
    if signed_in && !read_only && r.open_for(RoundAction::Vote) {
        b.push_str(&ballot_form(cx, l, r, e, delegates));
    }
    if let Some(c) = &cx.who.0 {
        // Who may run the calendar is the ledger's rule.
        if !read_only && l.require_facilitator(c.member).is_ok() {
            if let Some(next) = r.phase.next() {
                let _ = write!(
                    b,
                    "<h2>{}</h2><form id=advance-form data-api=/api/v1/rounds/{}/advance><input type=hidden name=to value={}><button type=submit>{}</button><p class=status role=status></p></form>",
                    cx.t("round-facilitator"),
                    r.id,
                    next.name(),
                    cx.lang.tvh("round-move-to", &[], &[("phase", &cx.t(&format!("phase-{}", next.name())))])
                );
            }
        }
    }
    if let Some(t) = &r.tally {
        let name_of = |p: &u64| {
            r.proposals
                .get(p)
                .map(|x| esc(&x.title))
                .unwrap_or_else(|| format!("#{p}"))
        };
        let _ =
            write!(
            b,
            "<h2>{}</h2><p id=quorum>{}{}</p><p id=split-result>{}</p><p id=projects-result>{}</p>",
            cx.t("round-count"),
            cx.tv(
                if t.quorum.met { "round-quorum-met" } else { "round-quorum-not-met" },
                &[
                    ("represented", &t.quorum.represented.to_string()),
                    ("eligible", &t.quorum.eligible.to_string()),
                    ("ballots", &t.quorum.ballots.to_string()),
                ]
            ),
            // Each member once per topic (rounds with the rules of issue #15).
            t.quorum
                .by_topic
                .map(|w| format!(
                    " {}",
                    cx.tv(
                        "round-quorum-topics",
                        &[
                            ("projects", &w.projects.to_string()),
                            ("priorities", &w.priorities.to_string()),
                            ("split", &w.split.to_string()),
                        ]
                    )
                ))
                .unwrap_or_default(),
            cx.tv(
                if t.split.default_used { "round-split-default" } else { "round-split" },
                &[
                    ("consumption", &percent(t.split.shares.consumption)),
                    ("investment", &percent(t.split.shares.investment)),
                    ("funds", &percent(t.split.shares.common_funds)),
                ]
            ),
            cx.lang.tvh(
                "round-projects-result",
                &[
                    ("budget", &hours(t.projects.budget_hours)),
                    ("spent", &hours(t.projects.spent_hours)),
                ],
                &[(
                    "funded",
                    &if t.projects.funded.is_empty() {
                        cx.t("round-none")
                    } else {
                        t.projects.funded.iter().map(name_of).collect::<Vec<_>>().join(", ")
                    }
                )]
            ),
        );
        b.push_str(&super::round_extras::why_funded(cx, r, t));
        b.push_str(&super::round_extras::priorities(cx, t));
        if let Some(d) = &t.discount {
            let _ = write!(
                b,
                "<p id=discount>{} {}.</p>",
                cx.tv(
                    if d.default_used {
                        "round-discount-default"
                    } else {
                        "round-discount"
                    },
                    &[("rate", &percent(d.rate))]
                ),
                esc(&d.explanation)
            );
        }
    }
    b
}

/// The ballot: each question answered here or left to the member's delegate (an absent part
/// abstains, and the delegate on that topic votes for the member); the project budget with
/// the running sum of the ticked projects; the split's running total. The script pre-fills
/// it from `GET /api/v1/rounds/{id}/my-ballot`.
fn ballot_form(
    cx: &Ctx,
    l: &Ledger,
    r: &RoundState,
    e: &plenty_core::plan::PlanningEconomy,
    delegates: &BTreeMap<Topic, String>,
) -> String {
    let total = l.total_hours();
    let default = r.default_split;
    let proposed: f64 = r.proposals.values().map(|p| p.cost_hours).sum();
    let choice = |part: &str, topic: Topic| {
        format!(
            "<div class=choice><label><input type=radio name=answer-{part} value=answer> {}</label><label><input type=radio name=answer-{part} value=leave checked> {}</label></div><p class=muted id=delegate-{part}>{}</p>",
            cx.t("ballot-answer"),
            cx.t("ballot-leave"),
            match delegates.get(&topic) {
                Some(name) => cx.tv("ballot-your-delegate", &[("name", name)]),
                None => cx.t("ballot-no-delegate"),
            }
        )
    };
    let approvals: String = r
        .proposals
        .values()
        .map(|p| {
            format!(
                "<label><input type=checkbox name=approve value={} data-hours={}> {} ({})</label>",
                p.id,
                p.cost_hours,
                esc(&p.title),
                hours(p.cost_hours)
            )
        })
        .collect();
    let scores: String = e
        .products()
        .iter()
        .map(|p| {
            format!(
                "<label>{0} <select name=\"score:{0}\"><option value=\"\">{2}</option>{1}</select></label>",
                esc(&p.name),
                (0..=5).map(|s| format!("<option>{s}</option>")).collect::<String>(),
                cx.t("ballot-no-opinion")
            )
        })
        .collect();
    let present = if l.economy_years().is_some() {
        format!(
            "<fieldset id=q-discount data-part=discount><legend>{}</legend>{}<label>{} <input name=discount_rate type=number step=0.005 min=0 max={max} placeholder={default}></label></fieldset>",
            cx.t("ballot-discount"),
            choice("discount", Topic::Split),
            cx.tv("ballot-discount-label", &[("max", &plenty_ledger::MAX_DISCOUNT_RATE.to_string())]),
            max = plenty_ledger::MAX_DISCOUNT_RATE,
            default = plenty_ledger::DEFAULT_DISCOUNT_RATE
        )
    } else {
        String::new()
    };
    let split_input = |k: usize, key: &str, v: f64| {
        format!(
            "<label>{} <input name=split{k} type=number step=0.01 min=0 max=1 value={:.2}></label>",
            cx.t(key),
            v
        )
    };
    format!(
        "<h2>{h}</h2><p>{intro}</p><form id=ballot-form data-api=/api/v1/rounds/{id}/ballot data-round={id} data-total-hours={total} data-t-ticked=\"{t_ticked}\" data-t-total=\"{t_total}\" data-t-total-ok=\"{t_total_ok}\">\
         <fieldset id=q-projects data-part=projects><legend>{lp}</legend>{cp}<p id=project-budget>{budget}</p>{approvals}<p class=total><output id=approved-total>{ticked}</output></p></fieldset>\
         <fieldset id=q-split data-part=split><legend>{ls}</legend>{cs}{s0}{s1}{s2}<p class=total><output id=split-total>{stotal}</output></p></fieldset>\
         <fieldset id=q-priorities data-part=priorities><legend>{lpr}</legend>{cpr}{scores}</fieldset>{present}\
         <button type=submit>{cast}</button><p class=status role=status></p></form><p class=muted>{again}</p>",
        h = cx.t("ballot-heading"),
        intro = cx.t("ballot-intro"),
        id = r.id,
        lp = cx.t("ballot-projects"),
        cp = choice("projects", Topic::Projects),
        budget = cx.tv(
            "ballot-budget",
            &[
                ("available", &hours(total * default.investment)),
                ("share", &percent(default.investment)),
                ("total", &hours(total)),
                ("proposed", &hours(proposed)),
            ]
        ),
        ticked = cx.tv(
            "ballot-ticked",
            &[
                ("hours", "0 h"),
                ("budget", &hours(total * default.investment))
            ]
        ),
        t_ticked = cx.t("ballot-ticked"),
        t_total = cx.t("ballot-split-total"),
        t_total_ok = cx.t("ballot-split-ok"),
        ls = cx.t("ballot-split"),
        cs = choice("split", Topic::Split),
        s0 = split_input(0, "ballot-consumption", default.consumption),
        s1 = split_input(1, "ballot-investment", default.investment),
        s2 = split_input(2, "ballot-funds", default.common_funds),
        stotal = {
            let sum = default.consumption + default.investment + default.common_funds;
            cx.tv(
                if (sum - 1.0).abs() < 0.005 {
                    "ballot-split-ok"
                } else {
                    "ballot-split-total"
                },
                &[("total", &fixed(sum, 2, false))],
            )
        },
        lpr = cx.t("ballot-priorities"),
        cpr = choice("priorities", Topic::Priorities),
        cast = cx.t("ballot-cast"),
        again = cx.t("ballot-again"),
    )
}

/// The project vote round by round, in words, with the JSON behind a link.
fn round_by_round(
    cx: &Ctx,
    id: u64,
    x: &serde_json::Value,
    names: &BTreeMap<u64, Named>,
    funded: &[u64],
) -> String {
    let words = explain(cx, x, names, funded)
        .unwrap_or_else(|| format!("<p>{}</p>", cx.t("explain-unknown")));
    format!(
        "<section id=explanation><h2>{}</h2>{words}<p><a href=\"/api/v1/rounds/{id}/tally\">{}</a></p></section>",
        cx.t("explain-heading"),
        cx.t("explain-json"),
    )
}

/// Whether to recompute the full explanation (with every payment) of a count recorded as a
/// summary: only for elections small enough to explain in well under a second (ballots ×
/// proposals); larger ones show the summary (each winner and the most a supporter paid).
const EXPLAIN_AT_MOST: usize = 20_000;

/// `GET /round`, `GET /round?round=N` (a past round, read-only).
pub async fn round(
    State(st): State<AppState>,
    cx: Ctx,
    Query(q): Query<RoundQuery>,
) -> Html<String> {
    let delegates = super::members::my_delegates(&st, &cx).await;
    let (mut body, tally, names, election) = st.log.read(|c| {
        let latest = c.ledger.latest_round().map(|r| r.id);
        let r = match q.round {
            Some(id) => c.ledger.rounds.get(&id),
            None => c.ledger.latest_round(),
        };
        match r {
            Some(r) => {
                let names: BTreeMap<u64, Named> = r
                    .proposals
                    .values()
                    .map(|p| {
                        (
                            p.id,
                            Named {
                                title: p.title.clone(),
                                cost: p.cost_hours,
                            },
                        )
                    })
                    .collect();
                // A summary records each winner's ρ, not the payments: explain small votes
                // in full again (the same rule on the same ballots).
                let summary = r.tally.as_ref().is_some_and(|t| {
                    t.projects.explanation["rounds"]
                        .as_array()
                        .is_some_and(|rs| rs.first().is_some_and(|x| x.get("payments").is_none()))
                });
                let election = (summary
                    && r.rule == plenty_ledger::ProjectRule::EqualShares
                    && r.ballots.len().saturating_mul(r.proposals.len().max(1)) <= EXPLAIN_AT_MOST)
                    .then(|| c.ledger.round_election(r.id))
                    .flatten();
                (
                    round_body(&st, &c.ledger, r, &cx, Some(r.id) != latest, &delegates),
                    r.tally.clone().map(|t| (r.id, t)),
                    names,
                    election,
                )
            }
            None => (
                format!(
                    "<h1>{}</h1>{}",
                    cx.t("round-none-yet"),
                    next_step(&cx, &c.ledger, None, false)
                ),
                None,
                BTreeMap::new(),
                None,
            ),
        }
    });
    // The explanation can be long (every payment of every round): drawn after the lock.
    if let Some((id, t)) = tally {
        let funded = t.projects.funded.clone();
        let mut x = t.projects.explanation.clone();
        // One of the few heavy jobs at a time (the count's own limit); when all are taken,
        // the summary is shown as recorded.
        let permit = st.heavy_permit().ok();
        if let (Some(e), Some(permit)) = (election, permit) {
            let full = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let o = plenty_core::vote::method_of_equal_shares(
                    &e.election,
                    plenty_core::vote::Satisfaction::Cost,
                    &e.completion,
                )
                .ok()?;
                let ids: Vec<u64> = o
                    .selected
                    .iter()
                    .filter_map(|k| e.election.projects.get(*k)?.id.parse().ok())
                    .collect();
                Some((ids, serde_json::to_value(&o.explanation).ok()?))
            })
            .await
            .ok()
            .flatten();
            // Only if it is the count's result, project for project.
            if let Some((ids, full)) = full {
                if ids == funded {
                    x = full;
                }
            }
        }
        body.push_str(&round_by_round(&cx, id, &x, &names, &funded));
    }
    layout(&cx, &cx.t("nav-round"), &body)
}

/// `GET /rounds`: every round, with its phase and result.
pub async fn rounds(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let body = st.log.read(|c| {
        let l = &c.ledger;
        let mut b = format!("<h1>{}</h1>", cx.t("rounds-heading"));
        if l.rounds.is_empty() {
            let _ = write!(b, "<p>{}</p>", cx.t("rounds-empty"));
            b.push_str(&next_step(&cx, l, None, false));
            return b;
        }
        let at = b.len();
        let _ = write!(
            b,
            "<table id=rounds><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            cx.t("rounds-title"),
            cx.t("phase-label"),
            cx.t("rounds-result"),
            cx.t("nav-plan")
        );
        for r in l.rounds.values().rev() {
            let result = match (&r.abandoned, &r.tally, &r.plan) {
                (Some(_), _, _) => cx.t("rounds-abandoned"),
                (_, Some(t), Some(p)) => cx.tv(
                    "rounds-result-plan",
                    &[
                        ("funded", &t.projects.funded.len().to_string()),
                        ("week", &hours(p.outcome.working_week)),
                    ],
                ),
                (_, Some(t), None) => cx.tv(
                    "rounds-result-count",
                    &[("funded", &t.projects.funded.len().to_string())],
                ),
                _ if r.phase == Phase::Needs || r.phase == Phase::Voting => {
                    cx.t("rounds-under-way")
                }
                _ => String::new(),
            };
            let _ = write!(
                b,
                "<tr><td>{0}</td><td><a href=\"/round?round={0}\">{1}</a></td><td>{2}</td><td>{3}</td><td>{4}</td></tr>",
                r.id,
                esc(&r.title),
                cx.t(&format!("phase-{}", r.phase.name())),
                result,
                if r.plan.is_some() {
                    format!("<a href=\"/plan?round={}\">{}</a>", r.id, cx.t("rounds-see-plan"))
                } else {
                    "—".into()
                }
            );
        }
        b.push_str("</table>");
        super::scroll_since(&mut b, at, &cx.t("nav-rounds"));
        b
    });
    layout(&cx, &cx.t("nav-rounds"), &body)
}
