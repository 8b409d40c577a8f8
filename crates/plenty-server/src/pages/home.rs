//! The home page.

use super::{esc, layout};
use crate::api::{AppState, MaybeCaller};
use axum::extract::State;
use axum::response::Html;
use std::fmt::Write;

/// `GET /`.
pub async fn home(State(st): State<AppState>, who: MaybeCaller) -> Html<String> {
    let body = st.log.read(|c| {
        let l = &c.ledger;
        let mut b = String::new();
        let _ = write!(
            b,
            "<h1>{}</h1><p>{} members in {} councils. The log has {} entries; its head is <code>{}</code>.</p>",
            esc(l.name.as_deref().unwrap_or("A new federation")),
            l.eligible(),
            l.councils.len(),
            c.seq,
            &c.head[..16]
        );
        b.push_str("<h2>Councils</h2><ul>");
        for (k, co) in &l.councils {
            let _ = write!(b, "<li>{} — {:?} council (#{k})</li>", esc(&co.name), co.kind);
        }
        b.push_str("</ul>");
        match l.latest_round() {
            Some(r) => {
                let _ = write!(
                    b,
                    "<h2>Round {}: {}</h2><p>Phase: <span class=phase>{}</span>. <a href=/round>Take part</a> · <a href=/plan>See the plan</a></p>",
                    r.id,
                    esc(&r.title),
                    r.phase.name()
                );
            }
            None => b.push_str("<p>No planning round yet.</p>"),
        }
        b.push_str("<h2>How decisions are made</h2><p>Needs become the plan's targets. Projects are chosen from the voted investment hours by the Method of Equal Shares. The split of hours is the weighted median of the ballots. Every input, ballot, count and plan is an entry of a hash-chained log that anyone can <a href=/audit>download and verify</a>.</p>");
        b
    });
    layout("Home", &who, &body)
}
