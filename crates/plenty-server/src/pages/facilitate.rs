//! `/facilitate`: what a facilitator does, on a page instead of the API (issue #15): the
//! current round (deadlines, moving it on with the turnout in view, abandoning it), the needs
//! and proposals to review (hiding one with a reason), opening the next round, admitting
//! applicants, invitations, councils, and importing the economy. Every form posts to the API
//! that the rules of the ledger guard; the page only shows what a facilitator can do now.

use super::{esc, hours, layout, num, percent, Ctx};
use crate::api::AppState;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use plenty_ledger::state::RoundState;
use plenty_ledger::{Ledger, Phase};
use std::fmt::Write;

/// A form posting typed JSON to the API ([`SCRIPT`] builds the body from `data-kind`).
fn form(id: &str, api: &str, inner: &str, button: &str) -> String {
    format!(
        "<form id={id} data-typed data-post=\"{api}\">{inner}<button type=submit>{button}</button><p class=status role=status></p></form>"
    )
}

/// A date input in the member's local time (the script sends milliseconds since 1970, UTC).
fn date_input(name: &str, label: &str, at_ms: Option<u64>) -> String {
    format!(
        "<label>{label} <input type=datetime-local name={name} data-kind=ms required{}></label>",
        at_ms
            .map(|ms| format!(" data-value-ms={ms}"))
            .unwrap_or_default()
    )
}

/// The current round: turnout, deadlines, the next phase, abandoning.
fn current_round(l: &Ledger, r: &RoundState) -> String {
    let mut b = String::new();
    let eligible = l.eligible();
    let ballots = r.ballots.len() as u64;
    let _ = write!(
        b,
        "<h2>Round {}: {}</h2><p>Phase: <span class=phase>{}</span>. {} of {} members have voted ({}); the quorum needs {} of the members and at least {} ballots.</p>",
        r.id,
        esc(&r.title),
        r.phase.name(),
        ballots,
        eligible,
        percent(if eligible > 0 { ballots as f64 / eligible as f64 } else { 0.0 }),
        percent(r.quorum.min_turnout),
        r.quorum.min_ballots
    );
    if r.abandoned.is_some() || r.phase >= Phase::Plan {
        return b;
    }
    // Deadlines of the phases still to come.
    let mut dates = String::new();
    for phase in [Phase::Needs, Phase::Voting] {
        if r.phase > phase {
            continue;
        }
        let what = match phase {
            Phase::Needs => "The needs phase ends (the vote opens)",
            _ => "Voting closes (the vote is counted and the plan computed)",
        };
        dates.push_str(&form(
            &format!("deadline-{}", phase.name()),
            &format!("/api/v1/rounds/{}/deadline", r.id),
            &format!(
                "<input type=hidden name=phase value={}>{}",
                phase.name(),
                date_input("at_ms", what, r.deadlines.get(&phase).map(|d| d.at_ms))
            ),
            "Set the date",
        ));
    }
    let _ = write!(
        b,
        "<h3>Deadlines</h3><p class=muted>At a deadline the service moves the round on by itself; members see the dates on the round page and in the calendar.</p>{dates}"
    );
    if let Some(next) = r.phase.next() {
        let confirm = if next == Phase::Plan {
            format!(
                "<label><input type=checkbox required name=confirm data-kind=skip> I close the vote now, with {ballots} ballots from {eligible} members. This cannot be undone.</label>"
            )
        } else {
            String::new()
        };
        b.push_str(&form(
            "facilitate-advance",
            &format!("/api/v1/rounds/{}/advance", r.id),
            &format!("<input type=hidden name=to value={}>{confirm}", next.name()),
            &format!("Move to the {} phase now", next.name()),
        ));
    }
    b.push_str(&form(
        "facilitate-abandon",
        &format!("/api/v1/rounds/{}/abandon", r.id),
        "<label>Why the round cannot go on (every member reads it) <input name=reason required maxlength=1000></label><label><input type=checkbox required name=confirm data-kind=skip> I abandon the round; it closes without a plan.</label>",
        "Abandon the round",
    ));
    b
}

/// The needs and proposals of a round in its needs (or voting) phase, each with a form to hide
/// it with a reason.
fn review(l: &Ledger, r: &RoundState) -> String {
    let mut b = String::from("<h2>Needs and proposals to review</h2><p class=muted>Hide a typo or an abuse with a reason: it stops counting, and every member reads why. Needs can be hidden until voting closes, proposals until it opens.</p>");
    let unit = |product: &str| {
        l.economy
            .as_ref()
            .and_then(|e| {
                let e = &e.parsed;
                e.product_index(product)
                    .and_then(|k| e.products()[k].unit.clone())
            })
            .unwrap_or_default()
    };
    let hide = |kind: &str, key: &str, number: u64| {
        form(
            &format!("hide-{kind}-{number}"),
            &format!("/api/v1/rounds/{}/hide", r.id),
            &format!("<input type=hidden name=item.kind value={kind}><input type=hidden name=item.{key} value={number} data-kind=number><label>Reason <input name=reason required maxlength=1000></label>"),
            "Hide",
        )
    };
    if r.phase <= Phase::Voting && !r.needs.is_empty() {
        b.push_str("<table id=review-needs class=stack><tr><th>need</th><th>product</th><th>quantity</th><th><span class=vh>hide it</span></th></tr>");
        for n in &r.needs {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=n>{} {}</td><td>{}</td></tr>",
                n.number,
                esc(&n.product),
                num(n.quantity),
                esc(&unit(&n.product)),
                hide("need", "need", n.number)
            );
        }
        b.push_str("</table>");
    }
    if r.phase == Phase::Needs && !r.proposals.is_empty() {
        b.push_str("<table id=review-proposals class=stack><tr><th>proposal</th><th>title</th><th>cost</th><th><span class=vh>hide it</span></th></tr>");
        for p in r.proposals.values() {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
                p.id,
                esc(&p.title),
                hours(p.cost_hours),
                hide("proposal", "proposal", p.id)
            );
        }
        b.push_str("</table>");
    }
    b
}

/// Opening the next round, with its rules.
fn open_round() -> String {
    form(
        "open-round",
        "/api/v1/rounds",
        "<label>Title <input name=title required maxlength=200></label>\
         <label>Project rule <select name=rule><option value=equal_shares>the Method of Equal Shares</option><option value=greedy_approval>greedy approval</option></select></label>\
         <label>Quorum: share of the members who must be represented (%) <input name=quorum.min_turnout type=number min=0 max=66 step=1 value=40 data-kind=percent></label>\
         <label>Quorum: fewest ballots <input name=quorum.min_ballots type=number min=0 step=1 value=2 data-kind=number></label>\
         <label><input type=checkbox name=rules.fund_unapproved data-kind=bool> Fund projects no member approved when the budget has room (usually off: a project without a single approval is not funded)</label>",
        "Open the round",
    )
}

fn council_checkboxes(l: &Ledger, name: &str) -> String {
    l.councils
        .iter()
        .map(|(k, c)| {
            format!(
                "<label><input type=checkbox name={name} value={k} data-kind=ids> {}</label>",
                esc(&c.name)
            )
        })
        .collect()
}

/// Requests to join a council, each with approve and refuse forms.
fn join_requests(requests: &[crate::api::membership::JoinRequest]) -> String {
    if requests.is_empty() {
        return "<p id=no-join-requests>No request to join a council waits.</p>".into();
    }
    let mut b = String::from("<h3>Requests to join a council</h3><ul id=join-requests>");
    for r in requests {
        let decide = |approved: bool, label: &str| {
            form(
                &format!(
                    "{}-{}-{}",
                    if approved { "approve" } else { "refuse" },
                    r.member,
                    r.council
                ),
                &format!("/api/v1/councils/{}/requests/{}", r.council, r.member),
                &format!("<input type=hidden name=approved value={approved} data-kind=json>"),
                label,
            )
        };
        let _ = write!(
            b,
            "<li>{} asks to join {}{}{}</li>",
            esc(r.name.as_deref().unwrap_or("a member")),
            esc(&r.council_name),
            decide(true, "Approve"),
            decide(false, "Refuse")
        );
    }
    b.push_str("</ul>");
    b
}

/// Members: invitations and applicants.
fn members(l: &Ledger, applicants: &[(u64, String, String)]) -> String {
    let mut b = String::from("<h2>Members</h2>");
    b.push_str(&form(
        "invite-form",
        "/api/v1/invitations",
        &format!(
            "<fieldset><legend>Councils of the new member</legend>{}</fieldset><label>Role <select name=role><option value=member>member</option><option value=facilitator>facilitator</option></select></label><label>Valid for (days) <input name=days type=number min=1 max=90 value=14 data-kind=number></label>",
            council_checkboxes(l, "councils")
        ),
        "Create an invitation code",
    ));
    if applicants.is_empty() {
        b.push_str("<p id=no-applicants>No one is waiting for admission.</p>");
    } else {
        b.push_str("<h3>Waiting for admission</h3>");
        for (member, name, email) in applicants {
            let _ = write!(
                b,
                "<p>{} &lt;{}&gt;</p>{}",
                esc(name),
                esc(email),
                form(
                    &format!("admit-{member}"),
                    &format!("/api/v1/applicants/{member}/admit"),
                    &format!(
                        "<fieldset><legend>Councils</legend>{}</fieldset>",
                        council_checkboxes(l, "councils")
                    ),
                    "Admit",
                )
            );
        }
    }
    b
}

/// Councils and the economy.
fn federation() -> String {
    let mut b = String::from("<h2>Councils</h2>");
    b.push_str(&form(
        "council-form",
        "/api/v1/councils",
        "<label>Name <input name=name required maxlength=200></label><label>Kind <select name=kind><option value=workplace>workplace</option><option value=consumer>consumer</option></select></label><label>Processes it runs (one per line, as in the economy) <textarea name=processes rows=3 data-kind=lines></textarea></label>",
        "Found the council",
    ));
    b.push_str("<h2>The economy</h2><p class=muted>A planning file (TOML), as in examples/plans: products, processes, labour and resources. Importing it again replaces it; a file that would leave an open round's needs without their product is refused.</p>");
    b.push_str(&form(
        "economy-form",
        "/api/v1/economy",
        "<label>Planning file <textarea name=text required rows=8></textarea></label>",
        "Import the economy",
    ));
    b
}

/// `GET /facilitate`.
pub async fn facilitate(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let Some(me) = cx.who.0.clone() else {
        return layout(
            &cx,
            "Facilitate",
            "<h1>Facilitate</h1><p><a href=/login>Sign in</a> as a facilitator to run the federation's rounds.</p>",
        );
    };
    let allowed = st
        .log
        .read(|ch| ch.ledger.require_facilitator(me.member).is_ok());
    if !allowed {
        return layout(
            &cx,
            "Facilitate",
            "<h1>Facilitate</h1><p>This page is for the federation's facilitators. Members take part on the <a href=/round>round page</a>.</p>",
        );
    }
    let waiting = st.log.read(|ch| ch.ledger.applicants());
    let mut applicants = Vec::new();
    for member in waiting {
        if let Ok(Some(a)) = st.log.store.account(member).await {
            applicants.push((member, a.name, a.email));
        }
    }
    let requests = crate::api::membership::waiting(&st)
        .await
        .unwrap_or_default();
    let body = st.log.read(|ch| {
        let l = &ch.ledger;
        let mut b = format!("<h1>{}</h1><p class=next>Run the calendar, review what members registered, admit members and keep the economy up to date. Every step is an entry of the log.</p>", cx.t("facilitate-heading"));
        match l.latest_round() {
            Some(r) => {
                b.push_str(&current_round(l, r));
                b.push_str(&review(l, r));
                if r.phase == Phase::FollowUp {
                    b.push_str("<h2>Open the next round</h2>");
                    b.push_str(&open_round());
                }
            }
            None => {
                b.push_str("<h2>Open the first round</h2>");
                if l.economy.is_none() {
                    b.push_str("<p>Import the economy first (below).</p>");
                }
                b.push_str(&open_round());
            }
        }
        b.push_str(&members(l, &applicants));
        b.push_str(&join_requests(&requests));
        b.push_str(&federation());
        b
    });
    layout(
        &cx,
        "Facilitate",
        &format!("{body}<script src=/static/facilitate.js></script>"),
    )
}

/// `GET /static/facilitate.js`: builds typed JSON from the facilitator's forms.
pub async fn script() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT).into_response()
}

/// Each input's `data-kind` says how it goes into the JSON: `number`, `percent` (a share from
/// a percentage), `ms` (a local date and time, as milliseconds since 1970 UTC), `bool` (a
/// checkbox), `ids` (checked boxes, a list of numbers), `lines` (one string per line), `skip`
/// (a confirmation the browser checks); otherwise text. Dotted names nest (`quorum.min_ballots`).
const SCRIPT: &str = r#"
function put(o, path, v, list){
  const keys = path.split('.'); let at = o;
  for(const k of keys.slice(0,-1)){ at = at[k] = at[k] || {}; }
  const last = keys[keys.length-1];
  if(list){ (at[last] = at[last] || []).push(v); } else { at[last] = v; }
}
function typed(form){
  const o = {};
  for(const el of form.elements){
    if(!el.name) continue;
    const kind = el.dataset.kind || 'text';
    if(kind==='skip') continue;
    if(kind==='bool'){ put(o, el.name, el.checked); continue; }
    if(kind==='ids'){ if(o[el.name]===undefined) put(o, el.name, []); if(el.checked) put(o, el.name, Number(el.value), true); continue; }
    if(el.value==='') continue;
    const v = kind==='json' ? JSON.parse(el.value) : kind==='number' ? Number(el.value) : kind==='percent' ? Number(el.value)/100
      : kind==='ms' ? new Date(el.value).getTime()
      : kind==='lines' ? el.value.split('\n').map(s=>s.trim()).filter(s=>s) : el.value;
    put(o, el.name, v);
  }
  return o;
}
async function token(){ const r = await fetch('/api/v1/me'); return r.ok ? (await r.json()).csrf_token : ''; }
document.querySelectorAll('input[data-value-ms]').forEach(i=>{
  const d = new Date(Number(i.dataset.valueMs)); const p = n=>String(n).padStart(2,'0');
  i.value = d.getFullYear()+'-'+p(d.getMonth()+1)+'-'+p(d.getDate())+'T'+p(d.getHours())+':'+p(d.getMinutes());
});
document.querySelectorAll('form[data-typed]').forEach(form=>{
  form.addEventListener('submit', async ev=>{
    ev.preventDefault();
    const status = form.querySelector('.status'); status.className = 'status'; status.textContent = '…';
    const r = await fetch(form.dataset.post, {method:'POST', headers:{'Content-Type':'application/json','X-CSRF-Token': await token()}, body: JSON.stringify(typed(form))});
    let j = {}; try { j = await r.json(); } catch(e) {}
    if(r.ok){
      status.classList.add('ok');
      if(j.invitation){ status.textContent = 'Invitation code (shown once; give it to the new member): '+j.invitation; return; }
      status.textContent = 'Done.'; setTimeout(()=>location.reload(), 400);
    } else { status.classList.add('err'); status.textContent = j.message || ('Error '+r.status); }
  });
});
"#;
