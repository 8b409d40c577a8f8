//! The home page, the page of unknown paths, and what to do next.

use super::{esc, layout, Ctx};
use crate::api::AppState;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use plenty_ledger::state::RoundState;
use plenty_ledger::{Ledger, Phase};
use std::fmt::Write;

/// What this member can do next in this round's phase, in a box with `id=next-step`.
pub fn next_step(cx: &Ctx, l: &Ledger, r: Option<&RoundState>, voted: bool) -> String {
    let mut steps: Vec<String> = Vec::new();
    let facilitator = cx
        .who
        .0
        .as_ref()
        .is_some_and(|c| l.require_facilitator(c.member).is_ok());
    match (&cx.who.0, r) {
        (None, _) => steps.push(format!(
            "<a href=/login>{}</a> — {}",
            cx.t("next-sign-in-link"),
            cx.t("next-sign-in")
        )),
        (Some(c), _) if !c.admitted => steps.push(cx.t("next-awaiting")),
        (Some(_), None) => steps.push(cx.t(if facilitator {
            "next-no-round-facilitator"
        } else {
            "next-no-round"
        })),
        (Some(_), Some(r)) => {
            let key = match r.phase {
                _ if r.abandoned.is_some() => "next-abandoned",
                Phase::Needs => "next-needs",
                Phase::Voting if voted => "next-voting-voted",
                Phase::Voting => "next-voting",
                Phase::Plan => "next-plan",
                Phase::FollowUp => "next-follow-up",
            };
            steps.push(cx.t(key));
            if facilitator {
                steps.push(cx.t(match r.phase {
                    Phase::Needs => "next-facilitator-needs",
                    Phase::Voting => "next-facilitator-voting",
                    Phase::Plan => "next-facilitator-plan",
                    Phase::FollowUp => "next-facilitator-follow-up",
                }));
            }
        }
    }
    format!(
        "<section class=next id=next-step aria-labelledby=next-h><h2 id=next-h>{}</h2>{}</section>",
        cx.t("next-heading"),
        steps
            .iter()
            .map(|s| format!("<p>{s}</p>"))
            .collect::<String>()
    )
}

/// Whether the signed-in member has a ballot in the round.
pub fn has_voted(st: &AppState, cx: &Ctx, r: &RoundState) -> bool {
    cx.who
        .0
        .as_ref()
        .is_some_and(|c| r.ballots.contains_key(&st.ballot_pseudonym(r.id, c.member)))
}

/// `GET /`.
pub async fn home(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let body = st.log.read(|c| {
        let l = &c.ledger;
        let mut b = String::new();
        let latest = l.latest_round();
        let _ = write!(
            b,
            "<h1>{}</h1><p>{}</p>",
            esc(l.name.as_deref().unwrap_or("A new federation")),
            cx.tv(
                "home-summary",
                &[
                    ("members", &l.eligible().to_string()),
                    ("councils", &l.councils.len().to_string()),
                    ("entries", &c.seq.to_string()),
                ]
            ),
        );
        let voted = latest.is_some_and(|r| has_voted(&st, &cx, r));
        b.push_str(&next_step(&cx, l, latest, voted));
        match latest {
            Some(r) => {
                let _ = write!(
                    b,
                    "<h2>{}</h2><p>{}: <span class=phase>{}</span>. <a href=/round>{}</a> · <a href=/plan>{}</a> · <a href=/rounds>{}</a></p>",
                    cx.tv("home-round", &[("number", &r.id.to_string()), ("title", &r.title)]),
                    cx.t("phase-label"),
                    cx.t(&format!("phase-{}", r.phase.name())),
                    cx.t("home-take-part"),
                    cx.t("home-see-plan"),
                    cx.t("home-past-rounds"),
                );
            }
            None => {
                let _ = write!(b, "<p>{}</p>", cx.t("home-no-round"));
            }
        }
        let _ = write!(b, "<h2>{}</h2><ul>", cx.t("home-councils"));
        for co in l.councils.values() {
            let _ = write!(
                b,
                "<li>{} — {}</li>",
                esc(&co.name),
                cx.t(match co.kind {
                    plenty_ledger::CouncilKind::Workplace => "council-workplace",
                    plenty_ledger::CouncilKind::Consumer => "council-consumer",
                })
            );
        }
        b.push_str("</ul>");
        let _ = write!(
            b,
            "<h2>{}</h2><p>{}</p><p class=muted>{} <code>{}</code></p>",
            cx.t("home-how-heading"),
            cx.t("home-how"),
            cx.t("home-log-head"),
            esc(c.head.get(..16).unwrap_or(&c.head))
        );
        b
    });
    layout(&cx, &cx.t("title-home"), &body)
}

/// Any path no page or API answers: a page with the navigation, status 404. Under the API's
/// prefixes the answer is the API's JSON error.
pub async fn not_found(uri: Uri, cx: Ctx) -> Response {
    let path = uri.path();
    let api = crate::api::LEGACY_PREFIX;
    if path == api
        || path
            .strip_prefix(api)
            .is_some_and(|rest| rest.starts_with('/'))
    {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({
                "error": "not_found",
                "message": format!("no such path: {path}; the API is described at {}/openapi.json", crate::api::PREFIX),
            })),
        )
            .into_response();
    }
    let body = format!(
        "<h1>{}</h1><p>{}</p><ul id=next-links><li><a href=/>{}</a></li><li><a href=/round>{}</a></li><li><a href=/plan>{}</a></li><li><a href=/rounds>{}</a></li><li><a href=/members>{}</a></li></ul>",
        cx.t("notfound-heading"),
        cx.tv("notfound-text", &[("path", path)]),
        cx.t("notfound-home"),
        cx.t("nav-round"),
        cx.t("nav-plan"),
        cx.t("nav-rounds"),
        cx.t("nav-members"),
    );
    (
        StatusCode::NOT_FOUND,
        layout(&cx, &cx.t("notfound-heading"), &body),
    )
        .into_response()
}
