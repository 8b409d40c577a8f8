//! The member's own pages (issue #15): `/account` (profile, notices by e-mail, password,
//! receipts, deleting the account) and `/notices`.

use super::{esc, layout, Ctx};
use crate::api::me::{notices_of, receipts_of};
use crate::api::AppState;
use crate::notices::NoticeKind;
use axum::extract::State;
use axum::response::Html;
use std::fmt::Write;

/// The member's labour-time account (issue #16): hours confirmed, the deductions, credits,
/// what was consumed and what is left, and the reports awaiting confirmation. Private: it is
/// read for the signed-in member only, from the ledger's own statement.
fn statement(st: &AppState, cx: &Ctx, member: plenty_ledger::MemberId, b: &mut String) {
    let account = crate::api::accounting::account_of(st, member);
    let s = st.log.read(|ch| ch.ledger.statement(&account));
    let _ = write!(b, "<h2 id=statement>{}</h2>", cx.t("statement-title"));
    if s.lines.is_empty() && s.pending.is_empty() {
        let _ = write!(b, "<p id=statement-none>{}</p>", cx.t("statement-none"));
        return;
    }
    let _ = write!(b, "<p class=muted>{}</p>", cx.t("statement-text"));
    let rows = [
        ("statement-hours", s.balance.hours),
        ("statement-investment", s.balance.investment),
        ("statement-common-goods", s.balance.common_goods),
        ("statement-care", s.balance.care),
        ("statement-credits", s.balance.credits),
        ("statement-consumption", s.balance.consumption),
        ("statement-available", s.available),
    ];
    let mut t = String::from("<table id=statement-table>");
    for (key, value) in rows {
        let _ = write!(
            t,
            "<tr><th scope=row>{}</th><td class=n>{}</td></tr>",
            cx.t(key),
            super::hours(value)
        );
    }
    t.push_str("</table>");
    b.push_str(&super::scroll(&cx.t("statement-title"), &t));
    if !s.pending.is_empty() {
        let _ = write!(
            b,
            "<p id=statement-pending>{} {}</p>",
            s.pending.len(),
            cx.t("statement-pending")
        );
    }
}

fn signed_out(cx: &Ctx, title: &str) -> Html<String> {
    layout(
        cx,
        title,
        &format!(
            "<h1>{title}</h1><p>{} <a href=/login>{}</a></p>",
            cx.t("account-signin"),
            cx.t("nav-sign-in")
        ),
    )
}

/// `GET /account`.
pub async fn account(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let title = cx.t("account-heading");
    let Some(c) = cx.who.0.clone() else {
        return signed_out(&cx, &title);
    };
    let mut b = format!("<h1>{title}</h1>");
    let account = st.log.store.account(c.member).await.ok().flatten();
    let prefs = st.log.store.preferences(c.member).await.ok().flatten();
    if let (Some(a), Some(p)) = (&account, prefs) {
        let _ = write!(
            b,
            "<h2>{h}</h2><form id=profile-form data-api=/api/v1/me/profile><p>{email}: <strong>{addr}</strong></p><label>{name} <input name=name required maxlength=100 value=\"{n}\"></label><label><input type=checkbox name=notify_email{checked}> {notify}</label>{nomail}<button type=submit>{save}</button><p class=status role=status></p></form>",
            h = cx.t("account-profile"),
            email = cx.t("form-email"),
            addr = esc(&a.email),
            name = cx.t("account-name"),
            n = esc(&a.name),
            checked = if p.notify_email { " checked" } else { "" },
            notify = cx.t("account-notify"),
            nomail = if st.mail.is_none() {
                format!("<p class=muted id=no-mail>{}</p>", cx.t("account-no-mail"))
            } else {
                String::new()
            },
            save = cx.t("account-save"),
        );
        let _ = write!(
            b,
            "<h2>{h}</h2><form id=password-form data-api=/api/v1/password><label>{cur} <input name=current type=password required autocomplete=current-password></label><label>{new} <input name=new type=password minlength=10 maxlength=1024 required autocomplete=new-password></label><button type=submit>{save}</button><p class=status role=status></p></form>",
            h = cx.t("account-password"),
            cur = cx.t("account-current"),
            new = cx.t("reset-new"),
            save = cx.t("account-save"),
        );
    }
    let _ = write!(b, "<h2>{}</h2>", cx.t("account-receipts"));
    match receipts_of(&st, c.member).await {
        Ok(r) if r.receipts.is_empty() => {
            let _ = write!(
                b,
                "<p id=receipts-none>{}</p>",
                cx.t("account-receipts-none")
            );
        }
        Ok(r) => {
            let _ = write!(b, "<p class=muted>{}</p>", cx.t("account-receipts-text"));
            let mut t = format!(
                "<table id=receipts><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
                cx.t("account-round"),
                cx.t("account-pseudonym"),
                cx.t("account-entry")
            );
            for e in r.receipts {
                let _ = write!(
                    t,
                    "<tr><td><a href=\"/round?round={0}\">{0}</a> {1}</td><td><a href=\"/audit/receipt?receipt={2}\"><code>{2}</code></a></td><td class=n>{3}</td></tr>",
                    e.round,
                    esc(&e.title),
                    esc(&e.pseudonym),
                    e.entry.map_or("—".to_string(), |s| s.to_string())
                );
            }
            t.push_str("</table>");
            b.push_str(&super::scroll(&cx.t("account-receipts"), &t));
        }
        Err(_) => b.push_str("<p class=err>—</p>"),
    }
    statement(&st, &cx, c.member, &mut b);
    if account.is_some() {
        let _ = write!(
            b,
            "<h2>{h}</h2><p>{text}</p><form id=delete-form data-api=/api/v1/me data-method=DELETE data-next=/><label>{pw} <input name=password type=password required autocomplete=current-password></label><label><input type=checkbox name=confirm required> {confirm}</label><button type=submit>{button}</button><p class=status role=status></p></form>",
            h = cx.t("account-delete"),
            text = cx.t("account-delete-text"),
            pw = cx.t("form-password"),
            confirm = cx.t("account-delete-confirm"),
            button = cx.t("account-delete-button"),
        );
    }
    layout(&cx, &title, &b)
}

/// `GET /notices`.
pub async fn notices(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let title = cx.t("notices-heading");
    let Some(c) = cx.who.0.clone() else {
        return signed_out(&cx, &title);
    };
    let mut b = format!("<h1>{title}</h1>");
    match notices_of(&st, c.member).await {
        Ok(list) if list.notices.is_empty() => {
            let _ = write!(b, "<p id=notices-none>{}</p>", cx.t("notices-none"));
        }
        Ok(list) => {
            b.push_str("<ul id=notices>");
            for n in &list.notices {
                let title = st.log.read(|c| {
                    c.ledger
                        .rounds
                        .get(&n.round)
                        .map(|r| r.title.clone())
                        .unwrap_or_default()
                });
                let round = n.round.to_string();
                let vars = [("round", round.as_str()), ("title", title.as_str())];
                let text = match n.kind {
                    NoticeKind::PhaseChanged => {
                        let phase = n
                            .phase
                            .map(|p| cx.t(&format!("phase-{}", p.name())))
                            .unwrap_or_default();
                        cx.lang.tvh("notice-phase", &vars, &[("phase", &phase)])
                    }
                    NoticeKind::RoundAbandoned => cx.tv("notice-abandoned", &vars),
                    NoticeKind::PlanReady => cx.tv("notice-plan", &vars),
                };
                let _ = write!(
                    b,
                    "<li{cls}>{new}<a href=\"{link}\">{text}</a> <span class=muted>(#{entry})</span></li>",
                    cls = if n.seen { "" } else { " class=unseen" },
                    new = if n.seen {
                        String::new()
                    } else {
                        format!("<strong>{}</strong> ", cx.t("notices-new"))
                    },
                    link = esc(&n.link),
                    entry = n.entry,
                );
            }
            b.push_str("</ul>");
            if list.unseen > 0 {
                let _ = write!(
                    b,
                    "<form id=notices-seen-form data-api=/api/v1/me/notices/seen data-next=/notices><button type=submit>{}</button><p class=status role=status></p></form>",
                    cx.t("notices-mark")
                );
            }
        }
        Err(_) => b.push_str("<p class=err>—</p>"),
    }
    layout(&cx, &title, &b)
}
