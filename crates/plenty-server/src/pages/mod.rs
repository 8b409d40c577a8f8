//! Web pages: server-rendered HTML with SVG plots, and one small script that sends the forms
//! to the JSON API (with the CSRF token from `GET /api/v1/me`). Everything a page does, the API
//! does.

mod account;
mod audit;
mod chart;
mod home;
mod plan;
mod round;
mod script;

pub use account::{login, signup};
pub use audit::audit;
pub use chart::bar_chart;
pub use home::home;
pub use plan::plan;
pub use round::round;
pub use script::script;

use crate::api::MaybeCaller;
use axum::response::Html;
use plenty_ledger::Role;
use serde::Deserialize;
use std::fmt::Write;

/// HTML-escapes text.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn num(x: f64) -> String {
    if !x.is_finite() {
        return "∞".into();
    }
    if x == x.round() && x.abs() < 1e12 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

const STYLE: &str = r#"
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem 3rem;color:#1d2330;line-height:1.45}
nav{display:flex;gap:1rem;padding:.8rem 0;border-bottom:1px solid #ccd;margin-bottom:1rem;flex-wrap:wrap}
nav a{color:#24407a;text-decoration:none;font-weight:600}
h1{font-size:1.6rem} h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;display:block;max-width:100%;overflow-x:auto} code{overflow-wrap:anywhere} td,th{padding:.25rem .6rem;border-bottom:1px solid #e3e5ea;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
form{background:#f5f6f8;padding:.8rem;border-radius:.4rem;margin:.6rem 0}
label{display:block;margin:.3rem 0}
input,select,button{font:inherit;padding:.25rem .4rem}
button{background:#24407a;color:#fff;border:0;border-radius:.3rem;padding:.35rem .9rem;cursor:pointer}
.status{min-height:1.4rem;font-weight:600}
.ok{color:#1b6e2a} .err{color:#a4161a}
.phase{display:inline-block;background:#24407a;color:#fff;border-radius:1rem;padding:.05rem .7rem}
figure{margin:1rem 0;overflow-x:auto} svg text{font-size:12px;fill:#1d2330}
.muted{color:#667}
"#;

fn layout(title: &str, who: &MaybeCaller, body: &str) -> Html<String> {
    let account = match &who.0 {
        Some(c) => format!(
            "<span class=muted>member {}{}</span> <a href=# id=logout>Sign out</a>",
            c.member,
            if !c.admitted {
                " (awaiting a facilitator's approval)"
            } else if c.role == Role::Facilitator {
                " (facilitator)"
            } else {
                ""
            }
        ),
        None => "<a href=/login>Sign in</a> <a href=/signup>Join</a>".into(),
    };
    Html(format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><title>{} · plenty</title><style>{STYLE}</style></head><body><nav><a href=/>plenty</a><a href=/round>Round</a><a href=/plan>Plan</a><a href=/audit>Audit</a><span style=\"margin-left:auto\">{account}</span></nav>{body}<script src=/static/app.js></script></body></html>",
        esc(title)
    ))
}

/// Round selection.
#[derive(Deserialize)]
pub struct RoundQuery {
    round: Option<u64>,
}

/// The needs that counted for less than was registered, and why (issue #14: the plan page
/// says when a need was capped).
fn capped_needs_html(capped: &[plenty_ledger::CappedNeed]) -> String {
    if capped.is_empty() {
        return String::new();
    }
    let mut b = String::from(
        "<h2>Needs capped</h2><p class=muted>No member's need can dominate the plan: each member's need for a product counts up to ten times the larger of the baseline per member and the median of the other members' needs (the round's published rule).</p><table id=needs-capped><tr><th>product</th><th>year</th><th>one member registered</th><th>counted</th><th>why</th></tr>",
    );
    for c in capped {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            esc(&c.product),
            c.year.map_or("every year".to_string(), |y| y.to_string()),
            num(c.registered),
            num(c.counted),
            esc(&c.why)
        );
    }
    b.push_str("</table>");
    b
}
