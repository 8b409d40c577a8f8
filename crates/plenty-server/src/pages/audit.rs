//! The audit page.

use super::layout;
use super::Ctx;
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
        &format!("<h1>{title}</h1><p>The log has {seq} entries. Its head (the hash of the last entry) is <code id=head>{head}</code>.</p>\
        <p><a href=/api/v1/audit/export download>Download the log</a> and check it yourself with <code>plenty audit verify plenty-log.jsonl</code>: it checks the hash chain, recomputes every count from the ballots and every plan from its recorded inputs, bit for bit.</p>\
        <form id=verify-form data-api=/api/v1/audit/verify data-method=GET><button type=submit>Verify the database now</button><p class=status role=status></p></form>\
        <h2>What the log shows, and what it does not</h2><p>Every ballot is in the log under a pseudonym that changes from round to round, so anyone can recount every vote, but no one without the service's secret key can tell who cast which ballot. Your pseudonym is your receipt: find it in the export to check that your ballot was counted as cast. Names, e-mails and passwords are never in the log.</p>"),
    )
}
