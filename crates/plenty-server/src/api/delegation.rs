//! Delegation: a member lets another member vote for them on one topic, and takes it back.

use super::{ApiError, ApiJson, AppState, Caller, Created, Described};
use axum::extract::{Path, State};
use axum::routing::{delete, post};
use axum::{Json, Router};
use plenty_ledger::{Event, MemberId, Topic};
use serde::{Deserialize, Serialize};

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/delegations", post(delegate))
        .route("/delegations/{topic}", delete(revoke))
        .route("/delegations/openness", post(openness))
        .route(
            "/rounds/{id}/delegates",
            axum::routing::get(delegates_votes),
        )
}

/// Delegation body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegate {
    topic: Topic,
    to: MemberId,
}

/// A delegation granted.
#[derive(Debug, Serialize)]
pub struct Delegated {
    /// On what.
    pub topic: Topic,
    /// To whom.
    pub to: MemberId,
}

impl Described for Delegated {
    const NAME: &'static str = "Delegated";
    fn examples() -> Vec<Self> {
        vec![Delegated {
            topic: Topic::Projects,
            to: 2,
        }]
    }
}

/// `POST /delegations`: delegate a topic (replaces an earlier delegation on it).
pub async fn delegate(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Delegate>,
) -> Result<Created<Delegated>, ApiError> {
    st.log
        .append(Event::DelegationGranted {
            member: c.member,
            topic: b.topic,
            to: b.to,
        })
        .await?;
    Ok(Created(Delegated {
        topic: b.topic,
        to: b.to,
    }))
}

/// A delegation taken back.
#[derive(Debug, Serialize)]
pub struct Revoked {
    /// The topic.
    pub revoked: Topic,
}

impl Described for Revoked {
    const NAME: &'static str = "Revoked";
    fn examples() -> Vec<Self> {
        vec![Revoked {
            revoked: Topic::Split,
        }]
    }
}

/// `DELETE /delegations/{topic}`: revoke.
pub async fn revoke(
    State(st): State<AppState>,
    c: Caller,
    Path(topic): Path<String>,
) -> Result<Json<Revoked>, ApiError> {
    let topic: Topic = topic.parse().map_err(ApiError::bad)?;
    st.log
        .append(Event::DelegationRevoked {
            member: c.member,
            topic,
        })
        .await?;
    Ok(Json(Revoked { revoked: topic }))
}

/// Whether the caller's delegators see the caller's ballots.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Openness {
    shown: bool,
}

/// The caller's choice, recorded.
#[derive(Debug, Serialize)]
pub struct OpennessRecorded {
    /// Whether the members who delegate to the caller see the caller's ballots.
    pub shown: bool,
}

impl Described for OpennessRecorded {
    const NAME: &'static str = "OpennessRecorded";
    fn examples() -> Vec<Self> {
        vec![OpennessRecorded { shown: true }]
    }
}

/// `POST /delegations/openness`: whether the members who delegate to the caller may see how
/// the caller voted (on the topics they delegate). Off until the caller turns it on: a
/// delegation alone never reveals a ballot (anyone may delegate to anyone).
pub async fn openness(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Openness>,
) -> Result<Json<OpennessRecorded>, ApiError> {
    st.log
        .append(Event::DelegateBallotsShown {
            member: c.member,
            shown: b.shown,
        })
        .await?;
    Ok(Json(OpennessRecorded { shown: b.shown }))
}

/// How the caller's delegate voted on one topic.
#[derive(Debug, Serialize)]
pub struct DelegateVote {
    /// The topic.
    pub topic: Topic,
    /// The member whose ballot the caller follows on it (the end of the delegation chain).
    pub delegate: MemberId,
    /// Their name, from the accounts store.
    pub name: Option<String>,
    /// Whether the delegate shows their ballots to their delegators.
    pub shown: bool,
    /// Their answer on the topic, when shown: the approved proposals, the split, or the
    /// scores.
    pub answer: Option<serde_json::Value>,
}

/// What `GET /rounds/{id}/delegates` answers.
#[derive(Debug, Serialize)]
pub struct DelegatesVotes {
    /// The round.
    pub round: u64,
    /// One line per topic on which the caller follows someone else's ballot.
    pub topics: Vec<DelegateVote>,
}

impl Described for DelegatesVotes {
    const NAME: &'static str = "DelegatesVotes";
    fn examples() -> Vec<Self> {
        vec![DelegatesVotes {
            round: 1,
            topics: vec![
                DelegateVote {
                    topic: Topic::Projects,
                    delegate: 2,
                    name: Some("Ada".into()),
                    shown: true,
                    answer: Some(serde_json::json!([1, 3])),
                },
                DelegateVote {
                    topic: Topic::Split,
                    delegate: 3,
                    name: None,
                    shown: false,
                    answer: None,
                },
            ],
        }]
    }
}

/// `GET /rounds/{id}/delegates`: on each topic the caller did not vote on themselves, whose
/// ballot they follow, and, if that member shows their ballots to their delegators, how they
/// voted on it.
pub async fn delegates_votes(
    State(st): State<AppState>,
    c: Caller,
    axum::extract::Path(id): axum::extract::Path<u64>,
) -> Result<Json<DelegatesVotes>, ApiError> {
    Ok(Json(votes_of_delegates(&st, id, c.member).await?))
}

/// On each topic `member` did not vote on in round `id`: whose ballot they follow, and how
/// that member voted if they show their ballots to their delegators (for the API and the
/// members page alike).
pub async fn votes_of_delegates(
    st: &AppState,
    id: u64,
    me: MemberId,
) -> Result<DelegatesVotes, ApiError> {
    let c = Me { member: me };
    let members: Vec<MemberId> = st
        .log
        .read(|ch| ch.ledger.members.keys().copied().collect());
    let pseudonyms: std::collections::HashMap<MemberId, String> = members
        .into_iter()
        .map(|m| (m, st.ballot_pseudonym(id, m)))
        .collect();
    let pseudonym = |m: MemberId| pseudonyms.get(&m).cloned().unwrap_or_default();
    let mut topics = st.log.read(|ch| {
        let l = &ch.ledger;
        let r = l.round(id)?;
        Ok::<_, plenty_ledger::Rejected>(
            Topic::ALL
                .iter()
                .filter_map(|t| {
                    let d = l.delegate_of(id, c.member, *t, pseudonym)?;
                    (d != c.member).then_some((*t, d))
                })
                .map(|(t, d)| {
                    let shown = l
                        .members
                        .get(&d)
                        .is_some_and(|m| m.shows_ballots_to_delegators);
                    let answer = shown
                        .then(|| r.ballots.get(&pseudonym(d)))
                        .flatten()
                        .map(|b| match t {
                            Topic::Projects => serde_json::json!(b.approve),
                            Topic::Split => serde_json::json!(b.split),
                            Topic::Priorities => serde_json::json!(b.scores),
                        });
                    DelegateVote {
                        topic: t,
                        delegate: d,
                        name: None,
                        shown,
                        answer,
                    }
                })
                .collect::<Vec<_>>(),
        )
    })?;
    for t in &mut topics {
        t.name = st.log.store.account(t.delegate).await?.map(|a| a.name);
    }
    Ok(DelegatesVotes { round: id, topics })
}

/// The member asking (named so, to read like the handler).
struct Me {
    member: MemberId,
}
