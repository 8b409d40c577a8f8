//! Council membership after admission (issue #15): a member asks to join a council or leaves
//! one; a facilitator approves or refuses the requests. Every step is an entry of the log.

use super::{ApiError, ApiJson, AppState, Caller, Described};
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use plenty_ledger::{CouncilId, Event, MemberId};
use serde::{Deserialize, Serialize};

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/councils/requests", get(requests))
        .route("/councils/{council}/join", post(join))
        .route("/councils/{council}/leave", post(leave))
        .route("/councils/{council}/requests/{member}", post(decide))
}

/// Where a request or membership stands.
#[derive(Debug, Serialize)]
pub struct MembershipChanged {
    /// The member.
    pub member: MemberId,
    /// The council.
    pub council: CouncilId,
    /// `requested`, `approved`, `refused` or `left`.
    pub state: &'static str,
}

impl Described for MembershipChanged {
    const NAME: &'static str = "MembershipChanged";
    fn examples() -> Vec<Self> {
        vec![MembershipChanged {
            member: 4,
            council: 2,
            state: "requested",
        }]
    }
}

/// Appends one step of a membership and answers where it now stands: the log's rules (one
/// request at a time, only facilitators decide, …) accept or refuse the event.
async fn step(
    st: &AppState,
    member: MemberId,
    council: CouncilId,
    event: Event,
    state: &'static str,
) -> Result<Json<MembershipChanged>, ApiError> {
    st.log.append(event).await?;
    Ok(Json(MembershipChanged {
        member,
        council,
        state,
    }))
}

/// `POST /councils/{council}/join`: the caller asks to join a council.
pub async fn join(
    State(st): State<AppState>,
    c: Caller,
    Path(council): Path<CouncilId>,
) -> Result<Json<MembershipChanged>, ApiError> {
    let member = c.member;
    let event = Event::CouncilJoinRequested { member, council };
    step(&st, member, council, event, "requested").await
}

/// `POST /councils/{council}/leave`: the caller leaves a council.
pub async fn leave(
    State(st): State<AppState>,
    c: Caller,
    Path(council): Path<CouncilId>,
) -> Result<Json<MembershipChanged>, ApiError> {
    let member = c.member;
    let event = Event::CouncilLeft { member, council };
    step(&st, member, council, event, "left").await
}

/// A facilitator's decision.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    approved: bool,
}

/// `POST /councils/{council}/requests/{member}` (facilitator): approves or refuses a request.
pub async fn decide(
    State(st): State<AppState>,
    c: Caller,
    Path((council, member)): Path<(CouncilId, MemberId)>,
    ApiJson(b): ApiJson<Decision>,
) -> Result<Json<MembershipChanged>, ApiError> {
    let event = Event::CouncilJoinDecided {
        member,
        council,
        approved: b.approved,
        by: c.member,
    };
    let state = if b.approved { "approved" } else { "refused" };
    step(&st, member, council, event, state).await
}

/// One request waiting.
#[derive(Debug, Serialize)]
pub struct JoinRequest {
    /// Who asks.
    pub member: MemberId,
    /// Their name, from the accounts store.
    pub name: Option<String>,
    /// The council.
    pub council: CouncilId,
    /// Its name.
    pub council_name: String,
}

/// The requests waiting.
#[derive(Debug, Serialize)]
pub struct JoinRequests {
    /// In order of member, then council.
    pub requests: Vec<JoinRequest>,
}

impl Described for JoinRequests {
    const NAME: &'static str = "JoinRequests";
    fn examples() -> Vec<Self> {
        vec![JoinRequests {
            requests: vec![JoinRequest {
                member: 4,
                name: Some("Cy".into()),
                council: 2,
                council_name: "Farms and flocks".into(),
            }],
        }]
    }
}

/// The requests to join a council that wait for a facilitator, with names.
pub async fn waiting(st: &AppState) -> Result<Vec<JoinRequest>, ApiError> {
    let pending: Vec<(MemberId, CouncilId, String)> = st.log.read(|ch| {
        ch.ledger
            .council_requests
            .iter()
            .map(|(m, k)| {
                let name = ch
                    .ledger
                    .councils
                    .get(k)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                (*m, *k, name)
            })
            .collect()
    });
    let mut out = Vec::new();
    for (member, council, council_name) in pending {
        out.push(JoinRequest {
            member,
            name: st.log.store.account(member).await?.map(|a| a.name),
            council,
            council_name,
        });
    }
    Ok(out)
}

/// `GET /councils/requests` (facilitator): the requests to join a council that wait.
pub async fn requests(
    State(st): State<AppState>,
    c: Caller,
) -> Result<Json<JoinRequests>, ApiError> {
    st.log.read(|ch| ch.ledger.require_facilitator(c.member))?;
    Ok(Json(JoinRequests {
        requests: waiting(&st).await?,
    }))
}
