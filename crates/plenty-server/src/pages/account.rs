//! Signing in and joining.

use super::layout;
use super::Ctx;
use crate::api::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

/// What brought the visitor to the sign-in page.
#[derive(Deserialize, Default)]
pub struct LoginQuery {
    /// After a sign-up: `member` (joined by invitation) or `applicant` (awaits admission).
    joined: Option<String>,
}

/// `GET /login` (after a sign-up, `?joined=member|applicant` says what happened).
pub async fn login(cx: Ctx, Query(q): Query<LoginQuery>) -> Html<String> {
    let joined = match q.joined.as_deref() {
        Some("member") => "<p class=next id=joined>Your account is ready and you are a member of the federation. Sign in to take part.</p>",
        Some("applicant") => "<p class=next id=joined>Your application is recorded. A facilitator admits applicants and assigns their councils; sign in to see when you are admitted. Until then you can read everything but not take part.</p>",
        _ => "",
    };
    layout(
        &cx,
        &cx.t("nav-sign-in"),
        &format!(
            "{joined}<h1>{0}</h1><form id=login-form data-api=/api/v1/login data-next=/round><label>{1} <input name=email type=email required autocomplete=username></label><label>{2} <input name=password type=password required autocomplete=current-password></label><button type=submit>{0}</button><p class=status role=status></p></form><p>{3} <a href=/signup>{4}</a></p>",
            cx.t("nav-sign-in"),
            cx.t("form-email"),
            cx.t("form-password"),
            cx.t("login-no-account"),
            cx.t("nav-join"),
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
