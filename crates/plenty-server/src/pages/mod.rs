//! Web pages: server-rendered HTML with SVG plots, and one small script that sends the forms
//! to the JSON API (with the CSRF token from `GET /api/v1/me`). Everything a page does, the API
//! does.

mod account;
mod audit;
mod calendar;
mod chart;
mod explain;
mod facilitate;
mod home;
pub mod i18n;
mod logbook;
mod members;
mod plan;
mod profile;
mod proposals;
mod recovery;
mod round;
mod round_extras;
mod script;

pub use account::{login, signup};
pub use audit::audit;
pub use calendar::{calendar, ics as calendar_ics, utc};
pub use chart::bar_chart;
pub use facilitate::{facilitate, script as facilitate_script};
pub use home::{home, not_found};
pub use logbook::{describe, log_page, receipt_page};
pub use members::members;
pub use plan::{plan, plan_about, plan_status};
pub use profile::{account as account_page, notices as notices_page};
pub use proposals::{list as proposals, one as proposal};
pub use recovery::{forgot, reset};
pub use round::{round, rounds};
pub use script::script;

use crate::api::{AppState, MaybeCaller};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
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

/// A number for people: no float noise (`1.2000000000000002` is 1.2), no negative zero
/// (`-0.000` is 0), thousands separators (`1,275`); up to 2 decimals from 1 on, 3 below.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        return "—".into();
    }
    if !x.is_finite() {
        return if x > 0.0 { "∞" } else { "−∞" }.into();
    }
    let decimals = if x.abs() >= 1000.0 {
        0
    } else if x.abs() >= 100.0 {
        1
    } else if x.abs() >= 1.0 {
        2
    } else {
        3
    };
    fixed(x, decimals, true)
}

/// `x` with `decimals` decimals and thousands separators; trailing zeros dropped when `trim`.
/// A value that rounds to zero is `0`, never `-0`.
pub fn fixed(x: f64, decimals: usize, trim: bool) -> String {
    if !x.is_finite() {
        return num(x);
    }
    let (thousands, decimal) = NUMBERS.try_with(|n| *n).unwrap_or((",", '.'));
    let mut s = format!("{:.*}", decimals, x.abs());
    if trim && s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), format!("{decimal}{f}")),
        None => (s.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push_str(thousands);
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && !zero { "−" } else { "" };
    format!("{sign}{grouped}{frac}")
}

tokio::task_local! {
    /// How the page being drawn writes numbers (thousands separator, decimal mark): set
    /// for each page request by [`localise`]; English outside a page.
    static NUMBERS: (&'static str, char);
}

/// Draws a page with the numbers of its language (`1,275.5` in English, `1 275,5` in French).
pub async fn localise(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lang = i18n::of_request(req.uri(), req.headers());
    NUMBERS
        .scope((lang.thousands, lang.decimal), next.run(req))
        .await
}

/// Hours with their unit: `1,275 h`.
pub fn hours(x: f64) -> String {
    format!("{} h", num(x))
}

/// A share as a percentage: `85 %`, `72.5 %`, `804 %` (one decimal below 100 %, so that
/// shares that sum to 1 show a sum of 100 %).
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    format!(
        "{} %",
        if p.abs() >= 100.0 {
            fixed(p, 0, true)
        } else {
            fixed(p, 1, true)
        }
    )
}

const STYLE: &str = r#"
@media (max-width:40rem){table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}table.stack tr:first-child{display:none}table.stack tr{border-bottom:1px solid #ccd;padding:.3rem 0}}
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem 3rem;color:#1d2330;line-height:1.45}
nav{display:flex;gap:1rem;padding:.8rem 0;border-bottom:1px solid #ccd;margin-bottom:1rem;flex-wrap:wrap}
nav a{color:#24407a;text-decoration:none;font-weight:600}
h1{font-size:1.6rem} h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;display:block;max-width:100%;overflow-x:auto} .scroll{max-width:100%;overflow-x:auto;margin:.5rem 0} .scroll>table{display:table;max-width:none;overflow:visible;margin:0} .scroll:focus-visible{outline:2px solid #24407a;outline-offset:2px} code{overflow-wrap:anywhere} td,th{padding:.25rem .6rem;border-bottom:1px solid #e3e5ea;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
form{background:#f5f6f8;padding:.8rem;border-radius:.4rem;margin:.6rem 0}
label{display:block;margin:.3rem 0}
input,select,button{font:inherit;padding:.25rem .4rem} input,select,textarea,button{max-width:100%;box-sizing:border-box}
button{background:#24407a;color:#fff;border:0;border-radius:.3rem;padding:.35rem .9rem;cursor:pointer}
.status{min-height:1.4rem;font-weight:600}
.ok{color:#1b6e2a} .err{color:#a4161a}
.phase{display:inline-block;background:#24407a;color:#fff;border-radius:1rem;padding:.05rem .7rem}
figure{margin:1rem 0} figure svg{width:100%;height:auto;display:block} svg text{font-size:12px;fill:#1d2330}
nav .end{margin-left:auto} .langs a,.langs span{margin-left:.4rem;font-weight:400} .langs a{text-decoration:underline}
fieldset{border:1px solid #ccd;border-radius:.3rem;margin:.6rem 0} .choice{display:flex;gap:1rem;flex-wrap:wrap}
.total{font-weight:600} .next{background:#eef2fa;border-left:4px solid #24407a;padding:.5rem .8rem}
.muted{color:#667}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
"#;

/// What every page knows about its request: who asks (and their name, from the accounts
/// store: names are never in the log) and in which language to answer.
pub struct Ctx {
    /// The caller, if signed in.
    pub who: MaybeCaller,
    /// The caller's display name.
    pub name: Option<String>,
    /// The language of the page.
    pub lang: &'static i18n::Lang,
    /// The page's path and query without `lang=` (for the language links).
    pub here: String,
    /// How many notices the caller has not seen (signed in).
    pub unseen: Option<u64>,
}

impl Ctx {
    /// A message of the page's language, HTML-escaped.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with variables, HTML-escaped.
    pub fn tv(&self, key: &str, vars: &[(&str, &str)]) -> String {
        self.lang.tv(key, vars)
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let who = MaybeCaller::from_request_parts(parts, st)
            .await
            .unwrap_or(MaybeCaller(None));
        let name = match &who.0 {
            Some(c) => st
                .log
                .store
                .account(c.member)
                .await
                .ok()
                .flatten()
                .map(|a| a.name),
            None => None,
        };
        let lang = i18n::of_request(&parts.uri, &parts.headers);
        let rest: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
            .collect();
        let here = if rest.is_empty() {
            format!("{}?", parts.uri.path())
        } else {
            format!("{}?{}&", parts.uri.path(), rest.join("&"))
        };
        let unseen = match &who.0 {
            Some(c) => crate::api::me::unseen(st, c.member).await.ok(),
            None => None,
        };
        Ok(Ctx {
            who,
            name,
            lang,
            here,
            unseen,
        })
    }
}

/// A page: the navigation (with the member's name), the language links, and the body.
/// `title` is HTML-escaped text (as [`Ctx::t`] gives it).
fn layout(cx: &Ctx, title: &str, body: &str) -> Html<String> {
    let account = match &cx.who.0 {
        Some(c) => format!(
            "<a href=/notices id=nav-notices>{}</a> <a href=/account id=nav-account><span class=muted id=who>{}{}</span></a> <a href=# id=logout>{}</a>",
            cx.tv(
                "nav-notices",
                &[("count", &cx.unseen.unwrap_or(0).to_string())]
            ),
            match &cx.name {
                Some(n) => esc(n),
                None => cx.tv("nav-member-number", &[("number", &c.member.to_string())]),
            },
            if !c.admitted {
                format!(" ({})", cx.t("nav-awaiting"))
            } else if c.role == Role::Facilitator {
                format!(" ({})", cx.t("nav-facilitator"))
            } else {
                String::new()
            },
            cx.t("nav-sign-out")
        ),
        None => format!(
            "<a href=/login>{}</a> <a href=/signup>{}</a>",
            cx.t("nav-sign-in"),
            cx.t("nav-join")
        ),
    };
    let langs: String = i18n::all()
        .iter()
        .map(|l| {
            if l.code == cx.lang.code {
                format!(
                    "<span lang={0} aria-current=true>{1}</span>",
                    l.code,
                    esc(l.name)
                )
            } else {
                format!(
                    "<a href=\"{2}lang={0}\" data-lang={0} lang={0} hreflang={0}>{1}</a>",
                    l.code,
                    esc(l.name),
                    esc(&cx.here)
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    Html(format!(
        "<!doctype html><html lang={lang}><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><title>{title} · plenty</title><style>{STYLE}</style></head><body><nav aria-label=\"{main}\"><a href=/>plenty</a><a href=/round>{round}</a><a href=/plan>{plan}</a><a href=/proposals>{proposals}</a><a href=/rounds>{rounds}</a><a href=/calendar>{calendar}</a><a href=/members>{members}</a><a href=/audit>{audit}</a>{facilitate}<span class=end>{account} <span class=langs>{langs}</span></span></nav><main>{body}</main><script src=/static/app.js></script></body></html>",
        lang = cx.lang.code,
        main = cx.t("nav-main"),
        round = cx.t("nav-round"),
        plan = cx.t("nav-plan"),
        rounds = cx.t("nav-rounds"),
        members = cx.t("nav-members"),
        audit = cx.t("nav-audit"),
        facilitate = match &cx.who.0 {
            Some(c) if c.role == Role::Facilitator =>
                format!("<a href=/facilitate>{}</a>", cx.t("nav-facilitate")),
            _ => String::new(),
        },
        proposals = cx.t("nav-proposals"),
        calendar = cx.t("nav-calendar"),
    ))
}

/// Marks a page as depending on the language asked for and on the session (`Vary`), and
/// as not to be stored by shared caches.
pub async fn vary(mut r: axum::response::Response) -> axum::response::Response {
    let h = r.headers_mut();
    h.insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("Accept-Language, Cookie"),
    );
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-cache"),
    );
    r
}

/// Round selection.
#[derive(Deserialize)]
pub struct RoundQuery {
    round: Option<u64>,
}

/// A wide table in a region of its own that scrolls sideways on a narrow screen, and that a
/// keyboard can reach (`tabindex=0`) to scroll it. `label` is HTML-escaped text naming the
/// table (as [`Ctx::t`] gives it).
pub fn scroll(label: &str, table: &str) -> String {
    format!("<div class=scroll role=region aria-label=\"{label}\" tabindex=0>{table}</div>")
}

/// Wraps in [`scroll`] the table that `b` ends with, the one whose `<table` is the first at or
/// after `from` (for tables written row by row into a page).
pub fn scroll_since(b: &mut String, from: usize, label: &str) {
    if let Some(k) = b[from..].find("<table") {
        let table = b.split_off(from + k);
        b.push_str(&scroll(label, &table));
    }
}

/// The needs that counted for less than was registered, and why (issue #14: the plan page
/// says when a need was capped).
fn capped_needs_html(capped: &[plenty_ledger::CappedNeed]) -> String {
    if capped.is_empty() {
        return String::new();
    }
    let mut b = String::from(
        "<h2>Needs capped</h2><p class=muted>No member's need can dominate the plan: each member's need for a product counts up to ten times the larger of the baseline per member and the median of the other members' needs (the round's published rule).</p>",
    );
    let mut t = String::from(
        "<table id=needs-capped><tr><th>product</th><th>year</th><th>one member registered</th><th>counted</th><th>why</th></tr>",
    );
    for c in capped {
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            esc(&c.product),
            c.year.map_or("every year".to_string(), |y| y.to_string()),
            num(c.registered),
            num(c.counted),
            esc(&c.why)
        );
    }
    t.push_str("</table>");
    b.push_str(&scroll("Needs capped", &t));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_15_numbers_without_noise() {
        assert_eq!(num(1275.0), "1,275");
        assert_eq!(num(1_234_567.8), "1,234,568");
        assert_eq!(num(1.2000000000000002), "1.2");
        assert_eq!(num(0.30000000000000004), "0.3");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-0.0000001), "0");
        assert_eq!(num(-12.5), "−12.5");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(f64::INFINITY), "∞");
        assert_eq!(num(f64::NAN), "—");
        assert_eq!(hours(1275.0), "1,275 h");
        assert_eq!(percent(8.934), "893 %");
        assert_eq!(percent(0.05), "5 %");
        assert_eq!(percent(0.0123), "1.2 %");
        assert_eq!(percent(0.725), "72.5 %");
        assert_eq!(fixed(-0.04, 1, false), "0.0");
        assert_eq!(fixed(0.8, 2, false), "0.80");
    }
}
