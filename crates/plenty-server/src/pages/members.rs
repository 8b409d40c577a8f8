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
    layout(&cx, &title, &b)
}
