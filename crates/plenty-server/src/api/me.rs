//! The signed-in member's own account (issue #15): their profile and whether notices are
//! e-mailed to them, their notices, their receipts, and deleting their account.
//!
//! Deleting an account erases what the accounts store holds of the member (name, e-mail,
//! password hash, sessions, API tokens, reset tokens) and appends `member_left` to the log:
//! the log keeps its entries, so it still verifies, and the member's past ballots stay in it
//! under their round pseudonyms, which nobody can link to them without the service's key.

use super::accounts::{bounded_password, slow_down, text_field};
use super::{ApiError, ApiJson, AppState, Applicant, Described, ErrorCode, SESSION_COOKIE};
use crate::auth;
use crate::notices::NoticeKind;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use plenty_ledger::{MemberId, Phase, RoundId};
use serde::{Deserialize, Serialize};

/// The routes of this feature (`DELETE /me` is beside `GET /me`, in [`super::accounts`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/profile", get(profile).post(set_profile))
        .route("/me/notices", get(notices))
        .route("/me/notices/seen", post(notices_seen))
        .route("/me/receipts", get(receipts))
}

/// Most notices listed.
pub const NOTICES_SHOWN: usize = 100;

/// A member's profile.
#[derive(Debug, Serialize)]
pub struct Profile {
    /// Their number.
    pub member: MemberId,
    /// Their display name.
    pub name: String,
    /// Their e-mail (sign-in and notices).
    pub email: String,
    /// Whether notices are e-mailed to them.
    pub notify_email: bool,
    /// Whether this service sends e-mail at all (an SMTP server is configured).
    pub mail_configured: bool,
}

impl Described for Profile {
    const NAME: &'static str = "Profile";
    fn examples() -> Vec<Self> {
        vec![Profile {
            member: 5,
            name: "Di".into(),
            email: "di@example.org".into(),
            notify_email: true,
            mail_configured: true,
        }]
    }
}

fn no_account() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "this member has no account (signed in by an API token of a member without one)",
    )
}

async fn profile_of(st: &AppState, member: MemberId) -> Result<Profile, ApiError> {
    let account = st.log.store.account(member).await?.ok_or_else(no_account)?;
    let prefs = st
        .log
        .store
        .preferences(member)
        .await?
        .ok_or_else(no_account)?;
    Ok(Profile {
        member,
        name: account.name,
        email: account.email,
        notify_email: prefs.notify_email,
        mail_configured: st.mail.is_some(),
    })
}

/// `GET /me/profile`: the caller's name, e-mail and notice preference.
pub async fn profile(
    State(st): State<AppState>,
    Applicant(c): Applicant,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(profile_of(&st, c.member).await?))
}

/// Profile body: what changes (a field left out stays).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    notify_email: Option<bool>,
}

/// `POST /me/profile`: changes the caller's display name and whether notices are e-mailed to
/// them.
pub async fn set_profile(
    State(st): State<AppState>,
    Applicant(c): Applicant,
    ApiJson(b): ApiJson<ProfileChange>,
) -> Result<Json<Profile>, ApiError> {
    let now = profile_of(&st, c.member).await?;
    let name = match b.name {
        Some(n) => {
            let n = n.trim().to_string();
            let max = super::accounts::limits::NAME;
            if n.is_empty() || n.chars().count() > max {
                return Err(ApiError::bad(format!("name: use 1 to {max} characters")));
            }
            text_field("name", &n, max)?;
            n
        }
        None => now.name,
    };
    let notify = b.notify_email.unwrap_or(now.notify_email);
    st.log.store.set_profile(c.member, &name, notify).await?;
    Ok(Json(profile_of(&st, c.member).await?))
}

/// One notice as a member sees it.
#[derive(Debug, Serialize)]
pub struct NoticeView {
    /// The log entry it comes from.
    pub entry: u64,
    /// When, milliseconds since the epoch.
    pub at: u64,
    /// What happened.
    pub kind: NoticeKind,
    /// The round.
    pub round: RoundId,
    /// The new phase (a phase change), else null.
    pub phase: Option<Phase>,
    /// What it says, in English (the pages translate).
    pub text: String,
    /// Where to look, a path of the service.
    pub link: String,
    /// Whether the member has seen it.
    pub seen: bool,
}

/// The caller's notices.
#[derive(Debug, Serialize)]
pub struct NoticeList {
    /// Newest first, at most 100.
    pub notices: Vec<NoticeView>,
    /// How many of them are unseen.
    pub unseen: u64,
}

impl Described for NoticeList {
    const NAME: &'static str = "NoticeList";
    fn examples() -> Vec<Self> {
        vec![
            NoticeList {
                notices: vec![
                    NoticeView {
                        entry: 41,
                        at: 1_767_225_600_000,
                        kind: NoticeKind::PlanReady,
                        round: 1,
                        phase: None,
                        text: "The plan of round 1 “Spring” is computed and recorded in the log."
                            .into(),
                        link: "/plan?round=1".into(),
                        seen: false,
                    },
                    NoticeView {
                        entry: 39,
                        at: 1_767_225_500_000,
                        kind: NoticeKind::PhaseChanged,
                        round: 1,
                        phase: Some(Phase::Plan),
                        text: "Round 1 “Spring” moved to its plan phase.".into(),
                        link: "/round?round=1".into(),
                        seen: true,
                    },
                ],
                unseen: 1,
            },
            NoticeList {
                notices: vec![],
                unseen: 0,
            },
        ]
    }
}

/// The notices of a member and how many are unseen.
pub async fn notices_of(st: &AppState, member: MemberId) -> Result<NoticeList, ApiError> {
    let seen = st
        .log
        .store
        .preferences(member)
        .await?
        .map_or(0, |p| p.notices_seen);
    let list: Vec<_> = st
        .notices
        .read(st, |ix| {
            ix.notices()
                .take(NOTICES_SHOWN)
                .cloned()
                .collect::<Vec<_>>()
        })
        .await?;
    let notices: Vec<NoticeView> = list
        .into_iter()
        .map(|n| {
            let (_, text, link) = crate::notices::describe(st, &n);
            NoticeView {
                entry: n.seq,
                at: n.at,
                kind: n.kind,
                round: n.round,
                phase: n.phase,
                text,
                link,
                seen: n.seq <= seen,
            }
        })
        .collect();
    let unseen = notices.iter().filter(|n| !n.seen).count() as u64;
    Ok(NoticeList { notices, unseen })
}

/// How many notices a member has not seen (the count in the pages' navigation).
pub async fn unseen(st: &AppState, member: MemberId) -> Result<u64, ApiError> {
    let seen = st
        .log
        .store
        .preferences(member)
        .await?
        .map_or(0, |p| p.notices_seen);
    Ok(st
        .notices
        .read(st, |ix| {
            ix.notices()
                .take(NOTICES_SHOWN)
                .filter(|n| n.seq > seen)
                .count() as u64
        })
        .await?)
}

/// `GET /me/notices`: phase changes, abandoned rounds and ready plans, newest first, each
/// marked seen or not.
pub async fn notices(
    State(st): State<AppState>,
    Applicant(c): Applicant,
) -> Result<Json<NoticeList>, ApiError> {
    Ok(Json(notices_of(&st, c.member).await?))
}

/// Notices marked seen.
#[derive(Debug, Serialize)]
pub struct NoticesSeen {
    /// Every notice up to this log position is seen.
    pub seen: u64,
}

impl Described for NoticesSeen {
    const NAME: &'static str = "NoticesSeen";
    fn examples() -> Vec<Self> {
        vec![NoticesSeen { seen: 41 }]
    }
}

/// `POST /me/notices/seen`: marks every notice so far as seen.
pub async fn notices_seen(
    State(st): State<AppState>,
    Applicant(c): Applicant,
) -> Result<Json<NoticesSeen>, ApiError> {
    let upto = st.notices.read(&st, |ix| ix.scanned()).await?;
    st.log.store.set_notices_seen(c.member, upto).await?;
    Ok(Json(NoticesSeen { seen: upto }))
}

/// One receipt: the pseudonym under which the member's ballot of a round is in the log.
#[derive(Debug, Serialize)]
pub struct ReceiptEntry {
    /// The round.
    pub round: RoundId,
    /// Its title.
    pub title: String,
    /// The member's ballot pseudonym in it (the receipt): the `voter` of their ballot entries.
    pub pseudonym: String,
    /// The log position of their last ballot in the round (the one that counts).
    pub entry: Option<u64>,
}

/// The caller's receipts.
#[derive(Debug, Serialize)]
pub struct Receipts {
    /// One per round the member voted in, oldest round first.
    pub receipts: Vec<ReceiptEntry>,
}

impl Described for Receipts {
    const NAME: &'static str = "Receipts";
    fn examples() -> Vec<Self> {
        vec![
            Receipts {
                receipts: vec![ReceiptEntry {
                    round: 1,
                    title: "Spring".into(),
                    pseudonym: "99724d9c7eff3fc2fe000c0b326bf3da".into(),
                    entry: Some(27),
                }],
            },
            // A ballot whose entry the service has not read yet (a moment after it is cast).
            Receipts {
                receipts: vec![ReceiptEntry {
                    round: 2,
                    title: "Autumn".into(),
                    pseudonym: "5d41402abc4b2a765d41402abc4b2a76".into(),
                    entry: None,
                }],
            },
            Receipts { receipts: vec![] },
        ]
    }
}

/// The receipts of a member.
pub async fn receipts_of(st: &AppState, member: MemberId) -> Result<Receipts, ApiError> {
    let rounds: Vec<(RoundId, String)> = st.log.read(|c| {
        c.ledger
            .rounds
            .values()
            .map(|r| (r.id, r.title.clone()))
            .collect()
    });
    let mut voted = Vec::new();
    for (round, title) in rounds {
        let pseudonym = st.ballot_pseudonym(round, member);
        let cast = st.log.read(|c| {
            c.ledger
                .rounds
                .get(&round)
                .is_some_and(|r| r.ballots.contains_key(&pseudonym))
        });
        if cast {
            voted.push((round, title, pseudonym));
        }
    }
    let receipts = st
        .notices
        .read(st, |ix| {
            voted
                .into_iter()
                .map(|(round, title, pseudonym)| ReceiptEntry {
                    entry: ix.last_ballot(round, &pseudonym),
                    round,
                    title,
                    pseudonym,
                })
                .collect()
        })
        .await?;
    Ok(Receipts { receipts })
}

/// `GET /me/receipts`: for each round the caller voted in, their ballot pseudonym and the log
/// position of their ballot. Anyone can find that entry in the published log; only the member
/// knows it is theirs.
pub async fn receipts(
    State(st): State<AppState>,
    Applicant(c): Applicant,
) -> Result<Json<Receipts>, ApiError> {
    Ok(Json(receipts_of(&st, c.member).await?))
}

/// Deletion body: the password, to confirm.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccount {
    password: String,
}

/// An account deleted.
#[derive(Debug, Serialize)]
pub struct AccountDeleted {
    /// The member who left.
    pub member: MemberId,
    /// The log position of their `member_left` entry.
    pub entry: u64,
}

impl Described for AccountDeleted {
    const NAME: &'static str = "AccountDeleted";
    fn examples() -> Vec<Self> {
        vec![AccountDeleted {
            member: 5,
            entry: 58,
        }]
    }
}

/// `DELETE /me` with the password: erases the caller's account (name, e-mail, password hash,
/// sessions, API tokens) and records `member_left` in the log. Refused (409) for the last
/// facilitator while other members remain. Wrong passwords count like failed sign-ins.
pub async fn delete_account(
    State(st): State<AppState>,
    Applicant(c): Applicant,
    ApiJson(b): ApiJson<DeleteAccount>,
) -> Result<Response, ApiError> {
    bounded_password(&b.password)?;
    let account = st
        .log
        .store
        .account(c.member)
        .await?
        .ok_or_else(no_account)?;
    // A member whose leaving is in the log but whose account is still here (the erasure failed
    // after the entry was written) only needs the erasure.
    let left = st
        .log
        .read(|ch| ch.ledger.members.get(&c.member).is_some_and(|m| m.left));
    // The rules first: a refusal must not cost the password check.
    if !left {
        st.log.read(|ch| ch.ledger.leave(c.member))?;
    }
    let attempt = st
        .account_throttle
        .begin(
            &format!("email:{}", auth::token_hash(&account.email)),
            super::now_ms(),
            true,
        )
        .map_err(slow_down)?;
    let (password, stored) = (b.password.clone(), account.password_hash.clone());
    let ok =
        super::accounts::hashing(&st, move || auth::verify_password(&password, &stored)).await?;
    if !ok {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "the password is wrong",
        ));
    }
    attempt.succeeded();
    let member = c.member;
    let entry = if left {
        st.notices
            .read(&st, |ix| ix.left_at(member))
            .await?
            .unwrap_or(0)
    } else {
        let appended = st
            .log
            .append_sealed(Vec::new(), move |l| Ok((vec![l.leave(member)?], ())))
            .await?
            .1;
        appended.entries.last().map_or(0, |(seq, _)| *seq)
    };
    // The entry is durable: now the personal data goes.
    st.log.store.delete_account(member).await?;
    tracing::info!(member, entry, "a member deleted their account");
    let mut r = Json(AccountDeleted { member, entry }).into_response();
    let gone = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    r.headers_mut().append(
        SET_COOKIE,
        HeaderValue::from_str(&gone).map_err(ApiError::internal)?,
    );
    Ok(r)
}
