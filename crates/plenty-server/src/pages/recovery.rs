//! A forgotten password (issue #15): `/forgot` asks for the e-mail, `/reset?token=…` (the link
//! of the e-mail) sets a new password. Without an SMTP server, `/forgot` says to ask a
//! facilitator.

use super::{esc, layout, Ctx};
use crate::api::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

/// `GET /forgot`.
pub async fn forgot(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let body = if st.mail.is_some() {
        format!(
            "<h1>{h}</h1><p>{text}</p><form id=forgot-form data-api=/api/v1/password/forgot data-done=\"{sent}\"><label>{email} <input name=email type=email required maxlength=254 autocomplete=username></label><button type=submit>{send}</button><p class=status role=status></p></form>",
            h = cx.t("forgot-heading"),
            text = cx.t("forgot-text"),
            sent = cx.t("forgot-sent"),
            email = cx.t("form-email"),
            send = cx.t("forgot-send"),
        )
    } else {
        format!(
            "<h1>{}</h1><p class=next id=no-mail>{}</p>",
            cx.t("forgot-heading"),
            cx.t("forgot-no-mail")
        )
    };
    layout(&cx, &cx.t("forgot-heading"), &body)
}

/// The token of a reset link.
#[derive(Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

/// `GET /reset?token=…`.
pub async fn reset(cx: Ctx, Query(q): Query<ResetQuery>) -> Html<String> {
    let token = q
        .token
        .filter(|t| !t.is_empty() && t.len() <= 128 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let body = match token {
        Some(token) => format!(
            "<h1>{h}</h1><p>{text}</p><form id=reset-form data-api=/api/v1/password/reset data-next=\"/login?reset=1\"><input type=hidden name=token value=\"{token}\"><label>{new} <input name=new type=password minlength=10 maxlength=1024 required autocomplete=new-password></label><button type=submit>{save}</button><p class=status role=status></p></form>",
            h = cx.t("reset-heading"),
            text = cx.t("reset-text"),
            token = esc(&token),
            new = cx.t("reset-new"),
            save = cx.t("reset-save"),
        ),
        None => format!(
            "<h1>{}</h1><p>{} <a href=/forgot>{}</a></p>",
            cx.t("reset-heading"),
            cx.t("reset-no-token"),
            cx.t("login-forgot")
        ),
    };
    layout(&cx, &cx.t("reset-heading"), &body)
}
