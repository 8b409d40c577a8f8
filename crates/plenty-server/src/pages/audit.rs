//! The audit page.

use super::Ctx;
use super::{esc, layout};
use crate::api::AppState;
use axum::extract::State;
use axum::response::Html;

/// `GET /audit`.
pub async fn audit(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let (seq, head) = st.log.read(|c| (c.seq, c.head.clone()));
    let title = cx.t("nav-audit");
    layout(
        &cx,
        &title,
        &format!(
            "<h1>{title}</h1><p>{}</p><p><a href=/api/v1/audit/export download>{}</a> {}</p>\
             <form id=verify-form data-api=/api/v1/audit/verify data-method=GET><button type=submit>{}</button><p class=status role=status></p></form>\
             <h2>{}</h2><p>{}</p>",
            cx.lang.tvh(
                "audit-entries",
                &[("entries", &seq.to_string())],
                &[("head", &format!("<code id=head>{}</code>", esc(&head)))]
            ),
            cx.t("audit-download"),
            cx.lang.tvh(
                "audit-check",
                &[],
                &[("command", "<code>plenty audit verify plenty-log.jsonl</code>")]
            ),
            cx.t("audit-verify-now"),
            cx.t("audit-shows-heading"),
            cx.t("audit-shows"),
        ),
    )
}
