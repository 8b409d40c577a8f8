//! What the pages read about the signed-in member: their own ballot in a round.

use super::{ApiError, AppState, Caller, Described};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use plenty_ledger::{RoundBallot, RoundId};
use serde::Serialize;

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new().route("/rounds/{id}/my-ballot", get(my_ballot))
}

/// The caller's ballot in a round, as counted (the last one cast).
#[derive(Debug, Serialize)]
pub struct MyBallot {
    /// The round.
    pub round: RoundId,
    /// Whether the caller has cast a ballot in it.
    pub voted: bool,
    /// The ballot (`null` before the first): `approve`, `scores`, `split` and, in a
    /// multi-year round, `discount_rate`; an empty part abstains (the delegate votes on it).
    pub ballot: Option<RoundBallot>,
}

impl Described for MyBallot {
    const NAME: &'static str = "MyBallot";
    fn examples() -> Vec<Self> {
        vec![
            MyBallot {
                round: 1,
                voted: true,
                ballot: Some(RoundBallot {
                    approve: vec![1, 3],
                    scores: [("bread".to_string(), 4)].into_iter().collect(),
                    split: Some(plenty_ledger::HoursSplit::DEFAULT),
                    discount_rate: None,
                }),
            },
            MyBallot {
                round: 1,
                voted: false,
                ballot: None,
            },
        ]
    }
}

/// `GET /rounds/{id}/my-ballot`: the signed-in member's own ballot, found under their ballot
/// pseudonym in the round.
pub async fn my_ballot(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
) -> Result<Json<MyBallot>, ApiError> {
    let me = st.ballot_pseudonym(id, c.member);
    let ballot = st
        .log
        .read(|l| l.ledger.round(id).map(|r| r.ballots.get(&me).cloned()))?;
    Ok(Json(MyBallot {
        round: id,
        voted: ballot.is_some(),
        ballot,
    }))
}
