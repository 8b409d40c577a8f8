//! Signing in and joining.

use super::layout;
use super::Ctx;
use crate::api::AppState;
use axum::extract::{RawQuery, State};
use axum::response::Html;

/// `GET /login`; after a sign-up (`?joined=1`, `?applied=1`) or a password reset
/// (`?reset=1`), it says what happened.
pub async fn login(cx: Ctx, RawQuery(q): RawQuery) -> Html<String> {
    let said = q
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| match kv {
            "joined=1" => Some("login-joined"),
            "applied=1" => Some("login-applied"),
            "reset=1" => Some("login-reset"),
            _ => None,
        })
        .map(|k| format!("<p class=next id=login-said role=status>{}</p>", cx.t(k)))
        .unwrap_or_default();
    layout(
        &cx,
        &cx.t("nav-sign-in"),
        &format!(
            "<h1>{0}</h1>{said}<form id=login-form data-api=/api/v1/login data-next=/round><label>{1} <input name=email type=email required autocomplete=username></label><label>{2} <input name=password type=password required autocomplete=current-password></label><button type=submit>{0}</button><p class=status role=status></p></form><p><a href=/forgot id=forgot-link>{5}</a></p><p>{3} <a href=/signup>{4}</a></p>",
            cx.t("nav-sign-in"),
            cx.t("form-email"),
            cx.t("form-password"),
            cx.t("login-no-account"),
            cx.t("nav-join"),
            cx.t("login-forgot"),
        ),
    )
}

/// `GET /signup`. Councils are not chosen here: an invitation carries them, or the
/// facilitator who admits an applicant assigns them.
pub async fn signup(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let how = cx.t(if st.settings.open_signup {
        "signup-open"
    } else {
        "signup-invitation"
    });
    layout(
        &cx,
        &cx.t("nav-join"),
        &format!(
            "<h1>{}</h1><p>{how}</p><form id=signup-form data-api=/api/v1/signup data-next=/login><label>{} <input name=name required maxlength=100></label><label>{} <input name=email type=email required maxlength=254></label><label>{} <input name=password type=password minlength=10 maxlength=1024 required></label><label>{} <input name=invitation maxlength=128></label><button type=submit>{}</button><p class=status role=status></p></form>",
            cx.t("signup-heading"),
            cx.t("form-name"),
            cx.t("form-email"),
            cx.t("signup-password"),
            cx.t("signup-invitation-code"),
            cx.t("nav-join"),
        ),
    )
}
