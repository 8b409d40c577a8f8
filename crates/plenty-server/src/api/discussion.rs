//! Discussion of proposals (issue #15): a proposal's description and author (when the
//! proposer signs it), its earlier versions, and members' comments, which a facilitator may
//! hide with a reason. Every part is an entry of the log; names come from the accounts store.

use super::{ApiError, ApiJson, AppState, Caller, Described};
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use plenty_ledger::state::ProposalVersion;
use plenty_ledger::{Event, MemberId, ProposalId, RoundId};
use serde::{Deserialize, Serialize};

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rounds/{id}/proposals/{proposal}/comments", post(comment))
        .route("/rounds/{id}/proposals/{proposal}/support", post(support))
        .route("/rounds/{id}/comments/{comment}/hide", post(hide_comment))
}

/// A comment as members read it.
#[derive(Debug, Serialize)]
pub struct CommentView {
    /// Its number.
    pub id: u64,
    /// Who (member number).
    pub by: MemberId,
    /// Their name, from the accounts store (null if the account is gone).
    pub name: Option<String>,
    /// What they said (null when hidden).
    pub text: Option<String>,
    /// Why a facilitator hid it (null when shown).
    pub hidden_because: Option<String>,
}

/// One proposal with its discussion.
#[derive(Debug, Serialize)]
pub struct ProposalDetail {
    /// Its number.
    pub id: ProposalId,
    /// The round.
    pub round: RoundId,
    /// Its title.
    pub title: String,
    /// Its cost in hours.
    pub cost_hours: f64,
    /// The proposer's description (empty if none).
    pub description: String,
    /// The author's name, if the proposer signed it.
    pub author: Option<String>,
    /// Whether the caller proposed it.
    pub mine: bool,
    /// Earlier versions, oldest first.
    pub versions: Vec<ProposalVersion>,
    /// Comments, in order.
    pub comments: Vec<CommentView>,
    /// Whether members may still comment and support it (until voting closes).
    pub open_for_comments: bool,
    /// How many members support it.
    pub supports: usize,
    /// Whether the caller supports it.
    pub i_support: bool,
    /// Weighted approvals, once counted.
    pub approvals: Option<u64>,
    /// Whether it was funded, once counted.
    pub funded: Option<bool>,
}

impl Described for ProposalDetail {
    const NAME: &'static str = "ProposalDetail";
    fn examples() -> Vec<Self> {
        let comment = |id, by, text: Option<&str>, hidden: Option<&str>| CommentView {
            id,
            by,
            name: Some("Ada".into()),
            text: text.map(Into::into),
            hidden_because: hidden.map(Into::into),
        };
        vec![
            ProposalDetail {
                id: 1,
                round: 1,
                title: "A clinic in the valley".into(),
                cost_hours: 900.0,
                description: "Two rooms and a nurse's flat by the mill.".into(),
                author: Some("Bo".into()),
                mine: false,
                versions: vec![ProposalVersion {
                    title: "A clinic".into(),
                    cost_hours: 1200.0,
                    description: String::new(),
                }],
                comments: vec![
                    comment(1, 2, Some("Who staffs it?"), None),
                    comment(2, 3, None, Some("personal data")),
                ],
                open_for_comments: true,
                supports: 4,
                i_support: true,
                approvals: None,
                funded: None,
            },
            ProposalDetail {
                id: 2,
                round: 1,
                title: "A rail halt".into(),
                cost_hours: 700.0,
                description: String::new(),
                author: None,
                mine: true,
                versions: vec![],
                comments: vec![],
                open_for_comments: false,
                supports: 0,
                i_support: false,
                approvals: Some(3),
                funded: Some(true),
            },
        ]
    }
}

/// `GET /rounds/{id}/proposals/{proposal}`: one proposal with its discussion (a proposal
/// withdrawn or hidden is not found: the round's `removed` says why).
pub async fn proposal(
    State(st): State<AppState>,
    super::MaybeCaller(me): super::MaybeCaller,
    Path((id, pid)): Path<(RoundId, ProposalId)>,
) -> Result<Json<ProposalDetail>, ApiError> {
    let mine_as = me
        .as_ref()
        .map(|c| st.pseudonym(crate::auth::Signing::Proposal, id, c.member));
    let my_support = me
        .as_ref()
        .map(|c| st.pseudonym(crate::auth::Signing::Support, id, c.member));
    let (mut detail, authors) = st.log.read(|ch| {
        let r = ch.ledger.round(id)?;
        let p = r.proposals.get(&pid).ok_or_else(|| {
            plenty_ledger::Rejected::new(
                plenty_ledger::RejectCode::NotFound,
                format!("round {id} has no proposal {pid} that is a candidate"),
            )
        })?;
        let d = r.discussion.get(&pid).cloned().unwrap_or_default();
        let comments: Vec<CommentView> = d
            .comments
            .iter()
            .filter_map(|k| r.comments.get(k))
            .map(|c| CommentView {
                id: c.id,
                by: c.by,
                name: None,
                text: c.hidden.is_none().then(|| c.text.clone()),
                hidden_because: c.hidden.clone(),
            })
            .collect();
        let mut authors: Vec<MemberId> = comments.iter().map(|c| c.by).collect();
        authors.extend(d.signed_by);
        Ok::<_, plenty_ledger::Rejected>((
            ProposalDetail {
                id: pid,
                round: id,
                title: p.title.clone(),
                cost_hours: p.cost_hours,
                description: d.description.clone(),
                author: d.signed_by.map(|m| m.to_string()),
                mine: mine_as.as_ref() == Some(&p.by),
                versions: d.versions.clone(),
                comments,
                open_for_comments: r.phase <= plenty_ledger::Phase::Voting,
                supports: d.supporters.len(),
                i_support: my_support
                    .as_ref()
                    .is_some_and(|p| d.supporters.contains(p)),
                approvals: r.tally.as_ref().map(|t| t.projects.approvals_of(pid)),
                funded: r.tally.as_ref().map(|t| t.projects.is_funded(pid)),
            },
            authors,
        ))
    })?;
    // Names are in the accounts store, never in the log.
    let mut names = std::collections::BTreeMap::new();
    for m in authors {
        if let std::collections::btree_map::Entry::Vacant(v) = names.entry(m) {
            v.insert(st.log.store.account(m).await?.map(|a| a.name));
        }
    }
    for c in &mut detail.comments {
        c.name = names.get(&c.by).cloned().flatten();
    }
    if let Some(m) = detail
        .author
        .as_ref()
        .and_then(|m| m.parse::<MemberId>().ok())
    {
        detail.author = names.get(&m).cloned().flatten();
    }
    Ok(Json(detail))
}

/// A comment to post.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    text: String,
}

/// A comment posted.
#[derive(Debug, Serialize)]
pub struct CommentPosted {
    /// Its number.
    pub comment: u64,
}

impl Described for CommentPosted {
    const NAME: &'static str = "CommentPosted";
    fn examples() -> Vec<Self> {
        vec![CommentPosted { comment: 7 }]
    }
}

/// `POST /rounds/{id}/proposals/{proposal}/comments`: a member comments (until voting closes).
pub async fn comment(
    State(st): State<AppState>,
    c: Caller,
    Path((id, pid)): Path<(RoundId, ProposalId)>,
    ApiJson(b): ApiJson<NewComment>,
) -> Result<super::Created<CommentPosted>, ApiError> {
    let text = b.text.trim().to_string();
    let comment = st
        .log
        .append_with(Vec::new(), move |l| {
            let comment = l.last_comment + 1;
            Ok((
                vec![Event::CommentPosted {
                    round: id,
                    proposal: pid,
                    comment,
                    by: c.member,
                    text,
                }],
                comment,
            ))
        })
        .await?;
    Ok(super::Created(CommentPosted { comment }))
}

/// Why a comment is hidden.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HideComment {
    reason: String,
}

/// A comment hidden.
#[derive(Debug, Serialize)]
pub struct CommentHiddenView {
    /// The comment.
    pub comment: u64,
    /// Always true.
    pub hidden: bool,
}

impl Described for CommentHiddenView {
    const NAME: &'static str = "CommentHidden";
    fn examples() -> Vec<Self> {
        vec![CommentHiddenView {
            comment: 7,
            hidden: true,
        }]
    }
}

/// `POST /rounds/{id}/comments/{comment}/hide` (facilitator): hides a comment with a reason
/// every member reads.
pub async fn hide_comment(
    State(st): State<AppState>,
    c: Caller,
    Path((id, comment)): Path<(RoundId, u64)>,
    ApiJson(b): ApiJson<HideComment>,
) -> Result<Json<CommentHiddenView>, ApiError> {
    st.log
        .append(Event::CommentHidden {
            round: id,
            comment,
            reason: b.reason.trim().to_string(),
            by: c.member,
        })
        .await?;
    Ok(Json(CommentHiddenView {
        comment,
        hidden: true,
    }))
}

/// A support given or taken back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Support {
    supported: bool,
}

/// Where the caller's support stands.
#[derive(Debug, Serialize)]
pub struct SupportRecorded {
    /// The proposal.
    pub proposal: ProposalId,
    /// Whether the caller supports it now.
    pub supported: bool,
}

impl Described for SupportRecorded {
    const NAME: &'static str = "SupportRecorded";
    fn examples() -> Vec<Self> {
        vec![SupportRecorded {
            proposal: 1,
            supported: true,
        }]
    }
}

/// `POST /rounds/{id}/proposals/{proposal}/support`: the caller supports a proposal before
/// the vote, or takes their support back. Signed by a pseudonym of its own, so that a support
/// cannot be linked to the member's needs, proposals or ballot.
pub async fn support(
    State(st): State<AppState>,
    c: Caller,
    Path((id, pid)): Path<(RoundId, ProposalId)>,
    ApiJson(b): ApiJson<Support>,
) -> Result<Json<SupportRecorded>, ApiError> {
    st.log
        .append(Event::ProposalSupported {
            round: id,
            proposal: pid,
            by: st.pseudonym(crate::auth::Signing::Support, id, c.member),
            supported: b.supported,
        })
        .await?;
    Ok(Json(SupportRecorded {
        proposal: pid,
        supported: b.supported,
    }))
}
