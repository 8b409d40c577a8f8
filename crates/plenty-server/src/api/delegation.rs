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
