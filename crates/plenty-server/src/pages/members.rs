//! The member directory, with the signed-in member's delegations.

use super::{esc, layout, Ctx};
use crate::api::AppState;
use axum::extract::State;
use axum::response::Html;
use plenty_ledger::{MemberId, Topic};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The most members the directory lists (names come from the accounts store one by one).
const LISTED_AT_MOST: usize = 2_000;

fn topic_key(t: Topic) -> &'static str {
    match t {
        Topic::Projects => "topic-projects",
        Topic::Priorities => "topic-priorities",
        Topic::Split => "topic-split",
    }
}

fn topic_name(t: Topic) -> &'static str {
    match t {
        Topic::Projects => "projects",
        Topic::Priorities => "priorities",
        Topic::Split => "split",
    }
}

/// The signed-in member's delegate on each topic they delegated, by name.
pub(super) async fn my_delegates(st: &AppState, cx: &Ctx) -> BTreeMap<Topic, String> {
    let Some(me) = cx.who.0.as_ref().map(|c| c.member) else {
        return BTreeMap::new();
    };
    let to: Vec<(Topic, MemberId)> = st.log.read(|c| {
        Topic::ALL
            .iter()
            .filter_map(|t| c.ledger.delegations.get(&(me, *t)).map(|to| (*t, *to)))
            .collect()
    });
    let mut out = BTreeMap::new();
    for (t, m) in to {
        let name = match st.log.store.account(m).await {
            Ok(Some(a)) => a.name,
            _ => cx
                .lang
                .tv("nav-member-number", &[("number", &m.to_string())]),
        };
        out.insert(t, name);
    }
    out
}

/// `GET /members`: admitted members by name with their councils (signed-in members only:
/// names are not public), your delegate per topic and who delegated to you.
pub async fn members(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let title = cx.t("members-heading");
    let Some(me) = cx.who.0.as_ref().map(|c| c.member) else {
        let body = format!(
            "<h1>{title}</h1><p id=next-step>{} <a href=/login>{}</a></p>",
            cx.t("members-sign-in"),
            cx.t("nav-sign-in")
        );
        return layout(&cx, &title, &body);
    };
    type Row = (MemberId, Vec<String>, bool);
    type Read = (
        Vec<Row>,
        Vec<(Topic, MemberId)>,
        Vec<(MemberId, Topic)>,
        usize,
    );
    let (rows, mine, to_me, councils): Read = st.log.read(|c| {
        let l = &c.ledger;
        let rows = l
            .members
            .iter()
            .filter(|(_, m)| m.admitted)
            .take(LISTED_AT_MOST)
            .map(|(id, m)| {
                (
                    *id,
                    m.councils
                        .iter()
                        .filter_map(|k| l.councils.get(k).map(|co| co.name.clone()))
                        .collect(),
                    m.role == plenty_ledger::Role::Facilitator,
                )
            })
            .collect();
        let mine = Topic::ALL
            .iter()
            .filter_map(|t| l.delegations.get(&(me, *t)).map(|to| (*t, *to)))
            .collect();
        let to_me = l
            .delegations
            .iter()
            .filter(|(_, to)| **to == me)
            .map(|((from, t), _)| (*from, *t))
            .collect();
        (rows, mine, to_me, l.councils.len())
    });
    let mut names: BTreeMap<MemberId, String> = BTreeMap::new();
    for id in rows
        .iter()
        .map(|r| r.0)
        .chain(mine.iter().map(|m| m.1))
        .chain(to_me.iter().map(|m| m.0))
    {
        if let std::collections::btree_map::Entry::Vacant(v) = names.entry(id) {
            if let Ok(Some(a)) = st.log.store.account(id).await {
                v.insert(a.name);
            }
        }
    }
    let name = |id: &MemberId| {
        names
            .get(id)
            .map(|n| esc(n))
            .unwrap_or_else(|| cx.tv("nav-member-number", &[("number", &id.to_string())]))
    };
    let mut b = format!(
        "<h1>{title}</h1><p>{}</p>",
        cx.tv(
            "members-summary",
            &[
                ("members", &rows.len().to_string()),
                ("councils", &councils.to_string())
            ]
        )
    );
    // Your delegations.
    let _ = write!(
        b,
        "<h2>{}</h2><table id=my-delegations><tr><th>{}</th><th>{}</th></tr>",
        cx.t("members-your-delegates"),
        cx.t("members-topic"),
        cx.t("members-delegate")
    );
    for t in Topic::ALL {
        let to = mine.iter().find(|(x, _)| *x == t).map(|(_, to)| to);
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td></tr>",
            cx.t(topic_key(t)),
            match to {
                Some(to) => name(to),
                None => cx.t("members-no-delegate"),
            }
        );
    }
    b.push_str("</table>");
    let _ = write!(b, "<h2>{}</h2>", cx.t("members-delegators"));
    if to_me.is_empty() {
        let _ = write!(
            b,
            "<p id=my-delegators>{}</p>",
            cx.t("members-no-delegators")
        );
    } else {
        b.push_str("<ul id=my-delegators>");
        for (from, t) in &to_me {
            let _ = write!(b, "<li>{} — {}</li>", name(from), cx.t(topic_key(*t)));
        }
        b.push_str("</ul>");
    }
    // Delegate a topic.
    let options: String = rows
        .iter()
        .filter(|r| r.0 != me)
        .map(|r| format!("<option value={}>{}</option>", r.0, name(&r.0)))
        .collect();
    let topics: String = Topic::ALL
        .iter()
        .map(|t| {
            format!(
                "<option value={}>{}</option>",
                topic_name(*t),
                cx.t(topic_key(*t))
            )
        })
        .collect();
    let _ = write!(
        b,
        "<h2>{}</h2><p class=muted>{}</p><form id=delegate-form data-api=/api/v1/delegations><label>{} <select name=topic>{topics}</select></label><label>{} <select name=to>{options}</select></label><button type=submit>{}</button><p class=status role=status></p></form>",
        cx.t("members-delegate-heading"),
        cx.t("members-delegate-how"),
        cx.t("members-topic"),
        cx.t("members-delegate"),
        cx.t("members-delegate-button"),
    );
    // The directory.
    let _ = write!(
        b,
        "<h2>{}</h2><table id=members><tr><th>{}</th><th>{}</th></tr>",
        cx.t("members-directory"),
        cx.t("members-name"),
        cx.t("home-councils")
    );
    for (id, cs, fac) in &rows {
        let _ = write!(
            b,
            "<tr><td>{}{}{}</td><td>{}</td></tr>",
            name(id),
            if *fac {
                format!(" ({})", cx.t("nav-facilitator"))
            } else {
                String::new()
            },
            if *id == me {
                format!(" — {}", cx.t("members-you"))
            } else {
                String::new()
            },
            cs.iter().map(|c| esc(c)).collect::<Vec<_>>().join(", ")
        );
    }
    b.push_str("</table>");
    b.push_str(&councils_section(&st, me));
    b.push_str(&delegates_section(&st, me).await);
    layout(&cx, &title, &b)
}

/// How the member's delegates voted in the latest round (when they show it), and the
/// member's own choice to show their ballots to their delegators.
async fn delegates_section(st: &AppState, me: MemberId) -> String {
    let (round, shown) = st.log.read(|c| {
        (
            c.ledger.latest_round().map(|r| r.id),
            c.ledger
                .members
                .get(&me)
                .is_some_and(|m| m.shows_ballots_to_delegators),
        )
    });
    let mut b = String::from("<h2>How your delegates voted</h2>");
    match round {
        Some(id) => match crate::api::delegation::votes_of_delegates(st, id, me).await {
            Ok(v) if v.topics.is_empty() => b.push_str("<p id=delegates-votes>In the latest round you answer every question yourself, or nobody votes for you.</p>"),
            Ok(v) => {
                b.push_str("<ul id=delegates-votes>");
                for t in &v.topics {
                    let who = t
                        .name
                        .as_deref()
                        .map(esc)
                        .unwrap_or_else(|| format!("member {}", t.delegate));
                    let _ = write!(
                        b,
                        "<li>{}: your vote follows {who}'s ballot; {}</li>",
                        topic_name(t.topic),
                        match &t.answer {
                            Some(a) => format!("they answered: {}", answer_in_words(st, id, t.topic, a)),
                            None if t.shown => "they have not answered this question".into(),
                            None => "they keep their ballot to themselves".into(),
                        }
                    );
                }
                b.push_str("</ul>");
            }
            Err(_) => b.push_str("<p>Not available now.</p>"),
        },
        None => b.push_str("<p>No round yet.</p>"),
    }
    let _ = write!(
        b,
        "<form id=openness-form data-api=/api/v1/delegations/openness><p>{}</p><label><input type=checkbox name=shown{}> Let the members who delegate to me see how I vote</label><button type=submit>Save</button><p class=status role=status></p></form>",
        if shown {
            "The members who delegate to you see your ballots on the topics they delegate."
        } else {
            "Your ballots are yours alone: the members who delegate to you do not see them."
        },
        if shown { " checked" } else { "" }
    );
    b
}

/// A delegate's answer on a topic in words: project titles, the split in percent, scores.
fn answer_in_words(st: &AppState, round: u64, topic: Topic, a: &serde_json::Value) -> String {
    match topic {
        Topic::Projects => {
            let ids: Vec<u64> = a
                .as_array()
                .map(|v| v.iter().filter_map(|x| x.as_u64()).collect())
                .unwrap_or_default();
            if ids.is_empty() {
                return "no project".into();
            }
            st.log.read(|c| {
                let r = c.ledger.rounds.get(&round);
                ids.iter()
                    .map(|id| {
                        r.and_then(|r| r.proposals.get(id))
                            .map(|p| esc(&p.title))
                            .unwrap_or_else(|| format!("project {id}"))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        }
        Topic::Split => match a.as_array() {
            Some(v) if v.len() == 3 => {
                let p = |k: usize| super::percent(v[k].as_f64().unwrap_or(0.0));
                format!(
                    "consumption {}, investment {}, common funds {}",
                    p(0),
                    p(1),
                    p(2)
                )
            }
            _ => "no split".into(),
        },
        Topic::Priorities => match a.as_object() {
            Some(o) if !o.is_empty() => o
                .iter()
                .map(|(k, v)| format!("{} {}", esc(k), v))
                .collect::<Vec<_>>()
                .join(", "),
            _ => "no scores".into(),
        },
    }
}

/// The councils: the member's own, with a form to leave; the others, with a form to ask to
/// join (a facilitator decides) or the note that the request waits.
fn councils_section(st: &AppState, me: MemberId) -> String {
    st.log.read(|c| {
        let l = &c.ledger;
        let mine: Vec<plenty_ledger::CouncilId> = l
            .members
            .get(&me)
            .map(|m| m.councils.clone())
            .unwrap_or_default();
        let mut b = String::from("<h2>Your councils</h2><ul id=my-councils>");
        for (k, co) in &l.councils {
            let form = |what: &str, label: &str| {
                let api = if what == "join" {
                    format!("/api/v1/councils/{k}/join")
                } else {
                    format!("/api/v1/councils/{k}/leave")
                };
                format!(
                    "<form id=council-{what}-{k} data-api={api} data-next=/members><button type=submit>{label}</button><p class=status role=status></p></form>"
                )
            };
            let action = if mine.contains(k) {
                form("leave", "Leave")
            } else if l.council_requests.contains(&(me, *k)) {
                "<em>your request waits for a facilitator</em>".to_string()
            } else {
                form("join", "Ask to join")
            };
            let _ = write!(
                b,
                "<li>{}{} {action}</li>",
                esc(&co.name),
                if mine.contains(k) { " (yours)" } else { "" }
            );
        }
        b.push_str("</ul>");
        b
    })
}
