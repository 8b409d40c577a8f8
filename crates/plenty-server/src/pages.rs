//! Web pages: server-rendered HTML with SVG plots, and one small script that sends the forms
//! to the JSON API (with the CSRF token from `GET /api/v1/me`). Everything a page does, the API
//! does.

use crate::api::{AppState, MaybeCaller};
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use plenty_ledger::planning::PlanOutcome;
use plenty_ledger::state::RoundState;
use plenty_ledger::{Ledger, Phase, Role, RoundAction};
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

/// `GET /login`.
pub async fn login(who: MaybeCaller) -> Html<String> {
    layout(
        "Sign in",
        &who,
        "<h1>Sign in</h1><form id=login-form data-api=/api/v1/login data-next=/round><label>E-mail <input name=email type=email required autocomplete=username></label><label>Password <input name=password type=password required autocomplete=current-password></label><button type=submit>Sign in</button><p class=status role=status></p></form>",
    )
}

/// `GET /signup`. Councils are not chosen here: an invitation carries them, or the
/// facilitator who admits an applicant assigns them.
pub async fn signup(State(st): State<AppState>, who: MaybeCaller) -> Html<String> {
    let how = if st.settings.open_signup {
        "<p>Join with the invitation code a facilitator gave you. Without one, you sign up as an applicant: a facilitator admits you and assigns your councils before you can take part.</p>"
    } else {
        "<p>This federation admits members by invitation: enter the code a facilitator gave you. It carries your councils.</p>"
    };
    layout(
        "Join",
        &who,
        &format!("<h1>Join the federation</h1>{how}<form id=signup-form data-api=/api/v1/signup data-next=/login><label>Name <input name=name required maxlength=100></label><label>E-mail <input name=email type=email required maxlength=254></label><label>Password (10 characters or more) <input name=password type=password minlength=10 maxlength=1024 required></label><label>Invitation code <input name=invitation maxlength=128></label><button type=submit>Join</button><p class=status role=status></p></form>"),
    )
}

fn round_body(l: &Ledger, r: &RoundState, who: &MaybeCaller) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Round {}: {}</h1><p>Phase: <span class=phase id=phase>{}</span> · {} ballots · quorum: {}% of members and at least {} ballots · projects chosen by {}</p>",
        r.id,
        esc(&r.title),
        r.phase.name(),
        r.ballots.len(),
        num(r.quorum.min_turnout * 100.0),
        r.quorum.min_ballots,
        match r.rule {
            plenty_ledger::ProjectRule::EqualShares => "the Method of Equal Shares",
            plenty_ledger::ProjectRule::GreedyApproval => "greedy approval",
        }
    );
    let Some(e) = l.economy.as_ref().map(|x| &x.parsed) else {
        b.push_str("<p>No economy imported yet.</p>");
        return b;
    };
    let products: String = e
        .products()
        .iter()
        .map(|p| format!("<option value=\"{0}\">{0}</option>", esc(&p.name)))
        .collect();
    let years = l.economy_years();
    if let Some(y) = years {
        let _ = write!(
            b,
            "<p id=round-years>A multi-year round: the plan covers the years {} ({} years). Needs can be for one year or every year; ballots give the weight on the present.</p>",
            y.span(),
            y.count()
        );
    }
    // Needs.
    if years.is_some() {
        b.push_str("<h2>Needs registered</h2><table id=needs><tr><th>product</th><th>year</th><th>registered</th></tr>");
        for ((p, year), t) in r.needs_by_product_and_year() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
                esc(p),
                year.map_or("every year".to_string(), |y| y.to_string()),
                num(t.quantity)
            );
        }
    } else {
        b.push_str("<h2>Needs registered</h2><table><tr><th>product</th><th>registered</th></tr>");
        for (p, t) in r.needs_by_product() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td class=n>{}</td></tr>",
                esc(p),
                num(t.quantity)
            );
        }
    }
    b.push_str("</table>");
    if let Ok(counted) = l.counted_needs(r) {
        b.push_str(&capped_needs_html(&counted.capped));
    }
    // Proposals.
    b.push_str("<h2>Proposed common projects</h2><table id=proposals><tr><th>#</th><th>project</th><th>hours</th>");
    if let Some(t) = &r.tally {
        b.push_str("<th>approvals</th><th>funded</th>");
        let _ = t;
    }
    b.push_str("</tr>");
    for p in r.proposals.values() {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td>",
            p.id,
            esc(&p.title),
            num(p.cost_hours)
        );
        if let Some(t) = &r.tally {
            let _ = write!(
                b,
                "<td class=n>{}</td><td>{}</td>",
                t.projects.approvals_of(p.id),
                if t.projects.is_funded(p.id) {
                    "yes"
                } else {
                    "no"
                }
            );
        }
        b.push_str("</tr>");
    }
    b.push_str("</table>");
    let signed_in = who.0.is_some();
    if !signed_in {
        b.push_str("<p><a href=/login>Sign in</a> to take part.</p>");
    }
    if signed_in && r.open_for(RoundAction::RegisterNeed) {
        let year_field = years
            .map(|y| {
                format!(
                    "<label>Year <select name=year><option value=\"\">every year</option>{}</select></label>",
                    (y.first_year..=y.last_year())
                        .map(|k| format!("<option>{k}</option>"))
                        .collect::<String>()
                )
            })
            .unwrap_or_default();
        let _ = write!(
            b,
            "<h2>Register a need</h2><form id=need-form data-api=/api/v1/rounds/{0}/needs><label>Product <select name=product>{products}</select></label><label>Quantity <input name=quantity type=number step=any min=0 required></label>{year_field}<button type=submit>Register need</button><p class=status role=status></p></form>\
             <h2>Propose a project</h2><form id=proposal-form data-api=/api/v1/rounds/{0}/proposals><label>Title <input name=title required maxlength=200></label><label>Cost in hours <input name=cost_hours type=number step=any min=0 required></label><button type=submit>Propose</button><p class=status role=status></p></form>",
            r.id
        );
    }
    if signed_in && r.open_for(RoundAction::Vote) {
        let approvals: String = r
            .proposals
            .values()
            .map(|p| {
                format!(
                    "<label><input type=checkbox name=approve value={}> {} ({} h)</label>",
                    p.id,
                    esc(&p.title),
                    num(p.cost_hours)
                )
            })
            .collect();
        let scores: String = e
            .products()
            .iter()
            .map(|p| {
                format!(
                    "<label>{0} <select name=\"score:{0}\"><option value=\"\">no opinion</option>{1}</select></label>",
                    esc(&p.name),
                    (0..=5).map(|s| format!("<option>{s}</option>")).collect::<String>()
                )
            })
            .collect();
        let present = if years.is_some() {
            format!(
                "<fieldset><legend>Weight on the present</legend><label>Yearly discount rate, 0 to {max} (0 weighs every year alike; higher rates favour consumption now over investment for later years) <input name=discount_rate type=number step=0.005 min=0 max={max} placeholder={default}></label><p class=muted>The plan maximises λ discounted at the median of the ballots' rates (the lower median for an even number; {default} without ballots).</p></fieldset>",
                max = plenty_ledger::MAX_DISCOUNT_RATE,
                default = plenty_ledger::DEFAULT_DISCOUNT_RATE
            )
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<h2>Your ballot</h2><form id=ballot-form data-api=/api/v1/rounds/{}/ballot><fieldset><legend>Projects you approve</legend>{approvals}</fieldset>{present}\
             <fieldset><legend>Split of hours (shares summing to 1)</legend><label>Consumption <input name=split0 type=number step=0.01 min=0 max=1 value=0.8></label><label>Investment (common projects) <input name=split1 type=number step=0.01 min=0 max=1 value=0.15></label><label>Common funds <input name=split2 type=number step=0.01 min=0 max=1 value=0.05></label></fieldset>\
             <fieldset><legend>Priorities (0 to 5)</legend>{scores}</fieldset><button type=submit>Cast ballot</button><p class=status role=status></p></form><p class=muted>You can vote again until voting closes: your last ballot counts, and both are in the log.</p>",
            r.id
        );
    }
    if let Some(c) = &who.0 {
        // Who may run the calendar is the ledger's rule.
        if l.require_facilitator(c.member).is_ok() {
            if let Some(next) = r.phase.next() {
                let _ = write!(
                    b,
                    "<h2>Facilitator</h2><form id=advance-form data-api=/api/v1/rounds/{}/advance><input type=hidden name=to value={}><button type=submit>Move to the {} phase</button><p class=status role=status></p></form>",
                    r.id,
                    next.name(),
                    next.name()
                );
            }
        }
    }
    if let Some(t) = &r.tally {
        let _ = write!(
            b,
            "<h2>The count</h2><p id=quorum>{}: {} of {} members represented by {} ballots.</p><p>Split of hours: consumption {}, investment {}, common funds {}{}.</p><p>Budget for projects: {} hours; funded: {} ({} hours).</p>",
            if t.quorum.met { "Quorum met" } else { "No quorum" },
            t.quorum.represented,
            t.quorum.eligible,
            t.quorum.ballots,
            num(t.split.shares.consumption),
            num(t.split.shares.investment),
            num(t.split.shares.common_funds),
            if t.split.default_used { " (the default)" } else { "" },
            num(t.projects.budget_hours),
            if t.projects.funded.is_empty() {
                "none".to_string()
            } else {
                t.projects
                    .funded
                    .iter()
                    .map(|p| format!("#{p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            num(t.projects.spent_hours)
        );
        if let Some(d) = &t.discount {
            let _ = write!(
                b,
                "<p id=discount>Weight on the present: the plan maximises λ discounted at <strong>{}</strong> a year{}. {}.</p>",
                d.rate,
                if d.default_used { " (the default)" } else { " (the median of the ballots)" },
                esc(&d.explanation)
            );
        }
    }
    b
}

/// `GET /round`.
pub async fn round(State(st): State<AppState>, who: MaybeCaller) -> Html<String> {
    let (mut body, tally) = st.log.read(|c| match c.ledger.latest_round() {
        Some(r) => (round_body(&c.ledger, r, &who), r.tally.clone()),
        None => ("<h1>No round yet</h1>".into(), None),
    });
    // The count's explanation can be long (every payment of every round): drawn after the
    // lock is released.
    if let Some(t) = tally {
        let _ = write!(
            body,
            "<details><summary>Round by round</summary><pre>{}</pre></details>",
            esc(&serde_json::to_string_pretty(&t.projects.explanation).unwrap_or_default())
        );
    }
    layout("Round", &who, &body)
}

/// Round selection.
#[derive(Deserialize)]
pub struct RoundQuery {
    round: Option<u64>,
}

/// A horizontal bar chart: one row per label, one or two bars per row.
pub fn bar_chart(id: &str, title: &str, rows: &[(String, Vec<f64>)], series: &[&str]) -> String {
    let colours = ["#9fb3d9", "#24407a", "#d98c3f"];
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter())
        .fold(0.0f64, |m, x| if x.is_finite() { m.max(*x) } else { m })
        .max(1e-12);
    let bar = 14.0;
    let row_h = bar * series.len() as f64 + 10.0;
    let left = 170.0;
    let width = 640.0;
    let height = 40.0 + row_h * rows.len() as f64 + 20.0;
    let mut s = format!(
        "<figure><svg id=\"{id}\" role=img aria-label=\"{}\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\"><text x=0 y=16 font-weight=bold>{}</text>",
        esc(title),
        width + left + 80.0,
        width + left + 80.0,
        esc(title)
    );
    for (k, name) in series.iter().enumerate() {
        let _ = write!(
            s,
            "<rect x=\"{}\" y=24 width=10 height=10 fill=\"{}\"/><text x=\"{}\" y=33>{}</text>",
            left + 160.0 * k as f64,
            colours[k % 3],
            left + 14.0 + 160.0 * k as f64,
            esc(name)
        );
    }
    for (r, (label, values)) in rows.iter().enumerate() {
        let y0 = 44.0 + row_h * r as f64;
        let _ = write!(s, "<text x=0 y=\"{}\">{}</text>", y0 + bar, esc(label));
        for (k, v) in values.iter().enumerate() {
            let w = if v.is_finite() {
                (v / max * width).max(0.0)
            } else {
                0.0
            };
            let y = y0 + bar * k as f64;
            let _ = write!(
                s,
                "<rect class=bar x=\"{left}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{}\">{}</text>",
                bar - 2.0,
                colours[k % 3],
                esc(series.get(k).copied().unwrap_or("")),
                num(*v),
                left + w + 4.0,
                y + bar - 3.0,
                num(*v)
            );
        }
    }
    s.push_str("</svg></figure>");
    s
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

fn plan_body(
    round: u64,
    inputs: &plenty_ledger::PlanInputs,
    p: &PlanOutcome,
    councils: &std::collections::BTreeMap<u64, plenty_ledger::state::CouncilState>,
    mine: &[u64],
) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>The plan of round {}</h1><p id=plan-status>Status: <strong>{}</strong> ({}). Plan fulfilment λ = <strong>{}</strong>: the plan makes {} times the target assortment on top of committed needs.</p>",
        round,
        esc(&p.status.to_string()),
        esc(&p.method),
        num(p.lambda),
        num(p.lambda)
    );
    if let Some(x) = &p.explanation {
        let _ = write!(b, "<p class=err>{}</p>", esc(x));
    }
    let _ = write!(
        b,
        "<h2>Hours and the working week</h2><p id=working-week>The plan needs <strong>{} hours per member per week</strong>: {} hours of production, {} for common projects and {} for common funds.</p>",
        num(p.working_week),
        num(p.plan_hours),
        num(p.project_hours),
        num(p.common_fund_hours)
    );
    b.push_str(&bar_chart(
        "plot-hours",
        "Hours of the plan period",
        &[
            ("production".into(), vec![p.plan_hours]),
            ("common projects".into(), vec![p.project_hours]),
            ("common funds".into(), vec![p.common_fund_hours]),
        ],
        &["hours"],
    ));
    b.push_str("<h2>What is produced</h2>");
    b.push_str(&bar_chart(
        "plot-products",
        "Needs (committed + target) against net output",
        &p.products
            .iter()
            .map(|x| (x.name.clone(), vec![x.committed + x.target, x.net_output]))
            .collect::<Vec<_>>(),
        &["needed", "produced (net)"],
    ));
    b.push_str("<table id=products><tr><th>product</th><th>unit</th><th>needed</th><th>net output</th><th>met in full</th><th>valuation</th></tr>");
    for x in &p.products {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td></tr>",
            esc(&x.name),
            esc(&x.unit),
            num(x.committed + x.target),
            num(x.net_output),
            if x.met_in_full { "yes" } else { "no" },
            num(x.valuation)
        );
    }
    b.push_str("</table><h2>What each workplace is asked to do</h2>");
    b.push_str(&bar_chart(
        "plot-processes",
        "Intensity of each process (runs)",
        &p.processes
            .iter()
            .map(|x| (x.name.clone(), vec![x.intensity]))
            .collect::<Vec<_>>(),
        &["runs"],
    ));
    // Each workplace council's processes, then the processes no council has taken on.
    let process_row = |x: &plenty_ledger::planning::ProcessLine| {
        let list = |m: &std::collections::BTreeMap<String, f64>| {
            m.iter()
                .map(|(k, v)| format!("{} {}", num(*v), esc(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "<tr><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.name),
            num(x.intensity),
            list(&x.makes),
            list(&x.hours),
            match x.capacity {
                Some(c) if x.at_capacity => format!("{} (at capacity)", num(c)),
                Some(c) => num(c),
                None => "—".into(),
            }
        )
    };
    const HEAD: &str =
        "<tr><th>process</th><th>runs</th><th>makes</th><th>hours</th><th>capacity</th></tr>";
    let mut taken = std::collections::BTreeSet::new();
    for (k, council) in councils {
        if council.processes.is_empty() {
            continue;
        }
        let rows: Vec<_> = p
            .processes
            .iter()
            .filter(|x| council.processes.contains(&x.name))
            .collect();
        taken.extend(rows.iter().map(|x| x.name.clone()));
        let yours = mine.contains(k);
        let _ = write!(
            b,
            "<h3{}>{}{}</h3><table class=processes>{HEAD}{}</table>",
            if yours { " id=your-workplace" } else { "" },
            esc(&council.name),
            if yours { " — your workplace" } else { "" },
            rows.iter().map(|x| process_row(x)).collect::<String>()
        );
    }
    let rest: Vec<_> = p
        .processes
        .iter()
        .filter(|x| !taken.contains(&x.name))
        .collect();
    if !rest.is_empty() {
        let _ = write!(
            b,
            "<h3>{}</h3><table class=processes>{HEAD}{}",
            if taken.is_empty() {
                "Processes"
            } else {
                "Processes no council has taken on"
            },
            rest.iter().map(|x| process_row(x)).collect::<String>()
        );
    } else {
        b.push_str("<table>");
    }
    b.push_str("</table><h2>What binds</h2>");
    b.push_str(&bar_chart(
        "plot-limits",
        "Labour and resources: available against used",
        &p.limits
            .iter()
            .filter_map(|x| x.available.map(|a| (x.name.clone(), vec![a, x.used])))
            .collect::<Vec<_>>(),
        &["available", "used"],
    ));
    if p.binding.is_empty() {
        b.push_str("<p>Nothing binds.</p>");
    } else {
        b.push_str("<ul id=binding>");
        for x in &p.binding {
            let _ = write!(b, "<li>{}</li>", esc(x));
        }
        b.push_str("</ul>");
    }
    // Say where the solve started: a start from the last round's plan explains few iterations.
    let started = inputs
        .warm_start
        .as_ref()
        .map(|w| format!(", started from the plan of round {}", w.round))
        .unwrap_or_default();
    let _ = write!(
        b,
        "<h2>What your votes changed</h2><div id=effect data-round={}><p class=muted>Sign in to see what your ballot changed.</p></div><p class=muted>Certificate: primal residual {:.1e}, dual residual {:.1e}, gap {:.1e}; {} iterations{}.</p>",
        round, p.certificate.primal_residual, p.certificate.dual_residual, p.certificate.relative_gap, p.iterations, started
    );
    b
}

fn opt(x: Option<f64>) -> String {
    x.map_or("—".into(), num)
}

/// The plots of a multi-year plan (λ, consumption, investment, capital by year), as inline
/// SVG drawn by plenty-plot.
fn years_plots(y: &plenty_ledger::YearsOutcome) -> String {
    let Ok(first_year) = i32::try_from(y.first_year) else {
        return String::new();
    };
    let series = |name: &str, f: &dyn Fn(&plenty_ledger::planning::YearLine) -> Option<f64>| {
        vec![plenty_plot::Series {
            name: name.into(),
            values: y.years.iter().map(|l| f(l).unwrap_or(f64::NAN)).collect(),
        }]
    };
    let chart = |title: &str, y_label: &str, series| plenty_plot::Chart {
        title: title.into(),
        y_label: y_label.into(),
        first_year,
        series,
    };
    let charts = [
        chart(
            "Plan fulfilment λ",
            "λ",
            series("plan", &|l| Some(l.lambda)),
        ),
        chart(
            "Consumption (share of the first year's targets)",
            "consumption index",
            series("plan", &|l| l.consumption_index),
        ),
        chart(
            "Share of final output invested",
            "share invested",
            series("plan", &|l| l.share_invested),
        ),
        chart(
            "Capital stock (share of the stock at the start)",
            "capital index",
            series("plan", &|l| l.capital_index),
        ),
    ];
    match plenty_plot::svg_panels(&charts) {
        // Inline: from the <svg> element on (no XML declaration inside HTML).
        Ok(svg) => match svg.find("<svg") {
            Some(k) => format!("<figure id=plot-years>{}</figure>", &svg[k..]),
            None => String::new(),
        },
        Err(e) => format!(
            "<p class=muted>The plots could not be drawn: {}</p>",
            esc(&e.to_string())
        ),
    }
}

/// The plan page of a multi-year round: the years side by side, the plots, the goods year by
/// year, and what the member's ballot changed over the years.
fn years_body(round: u64, p: &plenty_ledger::RecordedPlan) -> String {
    let mut b = String::new();
    let Some(years) = &p.years else {
        return b;
    };
    let y = &years.result;
    let o = &p.outcome;
    let span = match (y.years.first(), y.years.last()) {
        (Some(a), Some(z)) if a.year != z.year => format!("{} to {}", a.year, z.year),
        (Some(a), _) => a.year.to_string(),
        _ => String::new(),
    };
    let _ = write!(
        b,
        "<h1>The plan of round {round}: {span}</h1><p id=plan-status>Status: <strong>{}</strong> ({}). Σλ = <strong>{}</strong> over {} years; the plan maximises λ discounted at <strong>{}</strong> a year (the rate of the count), Σ_t λ_t / (1 + r)^(t−1) = {}.</p>",
        esc(&o.status.to_string()),
        esc(&o.method),
        num(y.total_lambda),
        y.years.len(),
        y.discount_rate,
        num(y.objective_value)
    );
    if let Some(x) = &o.explanation {
        let _ = write!(b, "<p class=err>{}</p>", esc(x));
    }
    b.push_str("<h2>The years side by side</h2><table id=years><tr><th>year</th><th>λ</th><th>consumption index</th><th>share invested</th><th>capital index</th><th>hours used</th><th>hours for the plan</th><th>working week</th><th>what binds</th></tr>");
    for l in &y.years {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            l.year,
            num(l.lambda),
            opt(l.consumption_index),
            opt(l.share_invested),
            opt(l.capital_index),
            num(l.labour_used),
            num(l.labour_available),
            num(l.working_week),
            if l.binding.is_empty() {
                "nothing".to_string()
            } else {
                l.binding.iter().map(|x| esc(x)).collect::<Vec<_>>().join("; ")
            }
        );
    }
    b.push_str("</table><p class=muted>λ: bundles of the year's targets consumed on top of committed needs. Consumption index: consumption as a share of the first year's targets, averaged over the goods. Share invested: investment's share of final output, valued in labour hours. Working week: (hours of the plan + common projects + common funds) / (members × weeks).</p>");
    b.push_str(&years_plots(y));
    // The goods, year by year.
    b.push_str("<h2>The goods, year by year</h2><table id=goods><tr><th>good</th><th></th>");
    for l in &y.years {
        let _ = write!(b, "<th>{}</th>", l.year);
    }
    b.push_str("</tr>");
    for g in &y.goods {
        let rows: [(&str, &Vec<f64>); 4] = [
            ("target", &g.target),
            ("consumed", &g.consumption),
            ("produced", &g.output),
            ("invested", &g.investment),
        ];
        for (k, (what, values)) in rows.iter().enumerate() {
            let name = if k == 0 {
                format!(
                    "{}{}",
                    esc(&g.name),
                    if g.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", esc(&g.unit))
                    }
                )
            } else {
                String::new()
            };
            let _ = write!(b, "<tr><td>{name}</td><td>{what}</td>");
            for v in values.iter() {
                let _ = write!(b, "<td class=n>{}</td>", num(*v));
            }
            b.push_str("</tr>");
        }
    }
    b.push_str("</table>");
    if !y.shortfalls.is_empty() {
        b.push_str("<h2>What falls short</h2><ul id=shortfalls>");
        for x in &y.shortfalls {
            let _ = write!(b, "<li>{}</li>", esc(x));
        }
        b.push_str("</ul>");
    }
    let _ = write!(
        b,
        "<h2>What your ballot changed</h2><div id=effect data-round={}><p class=muted>Sign in to see what your ballot changed: the plan with your ballot against the plan without it, year by year.</p></div><p class=muted>Certificate: primal residual {:.1e}, dual residual {:.1e}, gap {:.1e}; {} iterations.</p>",
        round, o.certificate.primal_residual, o.certificate.dual_residual, o.certificate.relative_gap, o.iterations
    );
    b
}

/// `GET /plan`.
pub async fn plan(
    State(st): State<AppState>,
    who: MaybeCaller,
    Query(q): Query<RoundQuery>,
) -> Html<String> {
    let job = |id: u64| st.plan_job(id);
    // A recorded plan is taken out under the lock (shared, not copied) and drawn after it.
    let mut recorded = None;
    let body = st.log.read(|c| {
        let r = match q.round {
            Some(id) => c.ledger.rounds.get(&id),
            None => c.ledger.latest_round(),
        };
        match r {
            None => "<h1>No round yet</h1>".to_string(),
            Some(r) => {
                let job = job(r.id);
                match &r.plan {
                    // Drawn once durable, as the API reports it.
                    Some(p) if crate::api::PlanJob::shows_recorded_plan(job.as_ref()) => {
                        let mine = who
                            .0
                            .as_ref()
                            .and_then(|me| c.ledger.members.get(&me.member))
                            .map(|m| m.councils.clone())
                            .unwrap_or_default();
                        recorded = Some((r.id, p.clone(), c.ledger.councils.clone(), mine));
                        c.ledger
                            .counted_needs(r)
                            .map(|n| capped_needs_html(&n.capped))
                            .unwrap_or_default()
                    }
                    _ if r.phase >= Phase::Plan => match job {
                        Some(crate::api::PlanJob::Failed { message }) => format!(
                            "<h1>The plan of round {}</h1><p class=err id=plan-status>The plan could not be computed: {}</p>",
                            r.id,
                            esc(&message)
                        ),
                        _ => format!(
                            "<h1>The plan of round {}</h1><p id=plan-status data-computing=1>The plan is being computed… this page refreshes itself.</p>",
                            r.id
                        ),
                    },
                    _ => format!(
                        "<h1>The plan of round {}</h1><p id=plan-status>The plan is computed when voting closes (the round is in its {} phase).</p>",
                        r.id,
                        r.phase.name()
                    ),
                }
            }
        }
    });
    let body = match recorded {
        Some((round, p, _, _)) if p.years.is_some() => years_body(round, &p) + &body,
        Some((round, p, councils, mine)) => {
            plan_body(round, &p.inputs, &p.outcome, &councils, &mine) + &body
        }
        None => body,
    };
    layout("Plan", &who, &body)
}

/// `GET /audit`.
pub async fn audit(State(st): State<AppState>, who: MaybeCaller) -> Html<String> {
    let (seq, head) = st.log.read(|c| (c.seq, c.head.clone()));
    layout(
        "Audit",
        &who,
        &format!("<h1>Audit</h1><p>The log has {seq} entries. Its head (the hash of the last entry) is <code id=head>{head}</code>.</p>\
        <p><a href=/api/v1/audit/export download>Download the log</a> and check it yourself with <code>plenty audit verify plenty-log.jsonl</code>: it checks the hash chain, recomputes every count from the ballots and every plan from its recorded inputs, bit for bit.</p>\
        <form id=verify-form data-api=/api/v1/audit/verify data-method=GET><button type=submit>Verify the database now</button><p class=status role=status></p></form>\
        <h2>What the log shows, and what it does not</h2><p>Every ballot is in the log under a pseudonym that changes from round to round, so anyone can recount every vote, but no one without the service's secret key can tell who cast which ballot. Your pseudonym is your receipt: find it in the export to check that your ballot was counted as cast. Names, e-mails and passwords are never in the log.</p>"),
    )
}

/// `GET /static/app.js`: sends forms to the API.
pub async fn script() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT).into_response()
}

const SCRIPT: &str = r#"
async function csrf(){ const r = await fetch('/api/v1/me'); if(!r.ok) return null; return (await r.json()).csrf_token; }
function body(form){
  const o = {}; const fd = new FormData(form);
  if(form.id==='ballot-form'){
    o.approve = fd.getAll('approve').map(Number);
    o.split = [0,1,2].map(k=>Number(fd.get('split'+k)));
    const dr = fd.get('discount_rate'); if(dr!==null && dr!=='') o.discount_rate = Number(dr);
    o.scores = {};
    for(const [k,v] of fd.entries()){ if(k.startsWith('score:') && v!=='') o.scores[k.slice(6)] = Number(v); }
    return o;
  }
  for(const [k,v] of fd.entries()){
    if(v==='') continue;
    o[k] = (k==='quantity'||k==='cost_hours'||k==='year') ? Number(v) : v;
  }
  return o;
}
document.querySelectorAll('form[data-api]').forEach(form=>{
  form.addEventListener('submit', async ev=>{
    ev.preventDefault();
    const status = form.querySelector('.status');
    status.className='status'; status.textContent='…';
    const method = form.dataset.method || 'POST';
    const headers = {'Content-Type':'application/json'};
    if(method!=='GET' && !['login-form','signup-form'].includes(form.id)){ const t = await csrf(); if(t) headers['X-CSRF-Token']=t; }
    const r = await fetch(form.dataset.api, {method, headers, body: method==='GET'?undefined:JSON.stringify(body(form))});
    let j = {}; try { j = await r.json(); } catch(e) {}
    if(r.ok){
      status.classList.add(form.id==='verify-form' && !j.ok ? 'err' : 'ok');
      status.textContent = form.id==='verify-form' ? (j.ok ? 'The log verifies: '+j.report.entries+' entries, '+j.report.tallies_checked+' counts recomputed.' : 'The log does NOT verify: entry '+j.report.first_bad[0]+': '+j.report.first_bad[1])
        : j.receipt ? 'Ballot recorded'+(j.replaces?' (it replaces your earlier ballot)':'')+'. Your receipt: '+j.receipt : 'Done.';
      if(form.dataset.next){ location.href = form.dataset.next; }
      else if(['need-form','proposal-form','advance-form'].includes(form.id)){ setTimeout(()=>location.reload(), 400); }
    } else {
      status.classList.add('err');
      status.textContent = (j.message || ('Error '+r.status));
    }
  });
});
const lo = document.getElementById('logout');
if(lo) lo.addEventListener('click', async ev=>{ ev.preventDefault(); const t = await csrf(); await fetch('/api/v1/logout',{method:'POST',headers:{'X-CSRF-Token':t||''}}); location.href='/'; });
const ps = document.getElementById('plan-status');
if(ps && ps.dataset.computing){ setTimeout(()=>location.reload(), 1000); }
const ef = document.getElementById('effect');
if(ef){ fetch('/api/v1/rounds/'+ef.dataset.round+'/effect').then(r=>r.ok?r.json():null).then(j=>{
  if(!j) return;
  if(!j.voted){ ef.innerHTML='<p>'+j.note+'</p>'; return; }
  const w=j.with_your_ballot, o=j.without_your_ballot;
  let html = '<p>With your ballot (weight '+(j.weight||[1])[0]+'): projects '+JSON.stringify(w.funded)+', split '+w.split.map(x=>x.toFixed(3)).join(' / ')+'.</p><p>Without it: projects '+JSON.stringify(o.funded)+', split '+o.split.map(x=>x.toFixed(3)).join(' / ')+'.</p>';
  let changed = j.changed.funded||j.changed.split||j.changed.quorum;
  const y = j.years;
  if(y){
    changed = changed || y.changed;
    html += '<p>Discount rate: '+y.rate_with+' with your ballot, '+y.rate_without+' without it. Σλ: '+y.total_lambda_with.toFixed(4)+' with, '+y.total_lambda_without.toFixed(4)+' without.</p><table id=effect-years><tr><th>year</th><th>λ with your ballot</th><th>λ without it</th><th>difference</th></tr>'
      + y.years.map(r=>'<tr><td>'+r.year+'</td><td class=n>'+r.lambda_with.toFixed(4)+'</td><td class=n>'+r.lambda_without.toFixed(4)+'</td><td class=n>'+(r.lambda_with-r.lambda_without).toFixed(4)+'</td></tr>').join('') + '</table>';
  }
  ef.innerHTML = html + '<p><strong>'+(changed?'Your ballot changed the outcome.':'Your ballot did not change the outcome this time.')+'</strong></p>';
}); }
"#;
