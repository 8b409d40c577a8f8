//! Accounts and authentication: sign-up, sign-in and out, who is signed in, API tokens and
//! invitations.

use super::{
    now_ms, ApiError, ApiJson, AppState, Caller, Created, Described, ErrorCode, SESSION_COOKIE,
};
use crate::auth;
use crate::store::{Account, Invitation, Session, StoreError};
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use plenty_ledger::{CouncilId, MemberId, Role, RoundId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/tokens", post(create_token))
        .route("/invitations", post(invite))
}

/// Holds an e-mail reserved while its sign-up is written.
struct Reservation<'a>(&'a Mutex<std::collections::HashSet<String>>, String);

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

/// Sign-up body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    email: String,
    password: String,
    name: String,
    #[serde(default)]
    councils: Vec<CouncilId>,
    #[serde(default)]
    invitation: Option<String>,
}

/// A new member.
#[derive(Debug, Serialize)]
pub struct Joined {
    /// Their number.
    pub member: MemberId,
}

impl Described for Joined {
    const NAME: &'static str = "Joined";
    fn examples() -> Vec<Self> {
        vec![Joined { member: 6 }]
    }
}

fn check_email(e: &str) -> Result<String, ApiError> {
    let e = e.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'));
    if !ok {
        return Err(ApiError::bad("email: not an e-mail address"));
    }
    Ok(e)
}

/// `POST /signup`.
pub async fn signup(
    State(st): State<AppState>,
    ApiJson(b): ApiJson<SignUp>,
) -> Result<Created<Joined>, ApiError> {
    let email = check_email(&b.email)?;
    if b.password.chars().count() < 10 || b.password.len() > 1024 {
        return Err(ApiError::bad("password: use 10 to 1024 characters"));
    }
    let name = b.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad("name: use 1 to 100 characters"));
    }
    // The e-mail first, so that a refused sign-up does not use up an invitation.
    let conflict = || {
        ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "an account with this e-mail exists; sign in instead",
        )
    };
    if !st
        .signups
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(email.clone())
    {
        return Err(conflict());
    }
    let _reserved = Reservation(&st.signups, email.clone());
    if st.log.store.account_by_email(&email).await?.is_some() {
        return Err(conflict());
    }
    let (councils, role) = match &b.invitation {
        Some(code) => {
            let inv = match st
                .log
                .store
                .take_invitation(&auth::token_hash(code.trim()))
                .await
            {
                Ok(inv) => inv,
                Err(StoreError::NotFound(_)) => {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        ErrorCode::Invitation,
                        "this invitation is unknown or already used",
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            (inv.councils, inv.role)
        }
        None => {
            if !st.settings.open_signup {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::Invitation,
                    "this federation admits members by invitation; ask a facilitator",
                ));
            }
            (b.councils.clone(), Role::Member)
        }
    };
    let password = b.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    // The member number and the account are written with the entry, in one transaction.
    let member = st.log.read(|c| c.ledger.next_member());
    let account = Account {
        member,
        email: email.clone(),
        password_hash: hash,
        name,
    };
    st.log
        .append_with(vec![account], move |l| {
            Ok((vec![l.join(member, councils, role)?], ()))
        })
        .await
        .map_err(ApiError::from)?;
    Ok(Created(Joined { member }))
}

/// Sign-in body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

/// A new session (its token is in the `Set-Cookie` header).
#[derive(Debug, Serialize)]
pub struct SignedIn {
    /// The member signed in.
    pub member: MemberId,
    /// The CSRF token to send as `X-CSRF-Token` with every change.
    pub csrf_token: String,
}

impl Described for SignedIn {
    const NAME: &'static str = "SignedIn";
    fn examples() -> Vec<Self> {
        vec![SignedIn {
            member: 2,
            csrf_token: "1767225600000.6f1c…".into(),
        }]
    }
}

fn client_key(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("local")
        .to_string()
}

/// `POST /login`.
pub async fn login(
    State(st): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let email = b.email.trim().to_lowercase();
    let now = now_ms();
    let keys = [
        format!("email:{email}"),
        format!("addr:{}", client_key(&headers)),
    ];
    for k in &keys {
        if let Some(wait) = st.limiter.blocked(k, now) {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!("too many failed sign-ins; try again in {wait} s"),
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
    }
    let account = st.log.store.account_by_email(&email).await?;
    let password = b.password.clone();
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || match stored {
        Some(h) => auth::verify_password(&password, &h),
        None => {
            // Spend the same time on unknown e-mails, so timing does not reveal accounts.
            let _ = auth::hash_password(&password);
            false
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(account) = account.filter(|_| ok) else {
        for k in &keys {
            st.limiter.fail(k, now);
        }
        return Err(ApiError::unauthorized("wrong e-mail or password"));
    };
    let token = auth::random_token();
    let hash = auth::token_hash(&token);
    st.log
        .store
        .create_session(&Session {
            token_hash: hash.clone(),
            member: account.member,
            expires: now + st.settings.session_ttl_ms,
        })
        .await?;
    let csrf = auth::csrf_token(&st.secret, &hash, now);
    let secure = if st.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        st.settings.session_ttl_ms / 1000
    );
    let mut r = Json(SignedIn {
        member: account.member,
        csrf_token: csrf,
    })
    .into_response();
    r.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(r)
}

/// A session ended.
#[derive(Debug, Serialize)]
pub struct SignedOut {
    /// Always true.
    pub signed_out: bool,
}

impl Described for SignedOut {
    const NAME: &'static str = "SignedOut";
    fn examples() -> Vec<Self> {
        vec![SignedOut { signed_out: true }]
    }
}

/// `POST /logout`.
pub async fn logout(State(st): State<AppState>, c: Caller) -> Result<Response, ApiError> {
    if let Some(h) = &c.session {
        st.log.store.delete_session(h).await?;
    }
    let mut r = Json(SignedOut { signed_out: true }).into_response();
    r.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("plenty_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(r)
}

/// A member's receipt in a round: the pseudonym their ballot is under in the log.
#[derive(Debug, Serialize)]
pub struct Receipt {
    /// The round.
    pub round: RoundId,
    /// The pseudonym.
    pub pseudonym: String,
}

/// The signed-in member.
#[derive(Debug, Serialize)]
pub struct Me {
    /// Their number.
    pub member: MemberId,
    /// Their display name.
    pub name: Option<String>,
    /// Their role.
    pub role: Role,
    /// Their councils.
    pub councils: Vec<CouncilId>,
    /// Their delegations: topic → member.
    pub delegations: BTreeMap<String, MemberId>,
    /// A fresh CSRF token (signed in by cookie).
    pub csrf_token: Option<String>,
    /// Their receipt in the latest round.
    pub receipt: Option<Receipt>,
}

impl Described for Me {
    const NAME: &'static str = "Me";
    fn examples() -> Vec<Self> {
        vec![
            Me {
                member: 5,
                name: Some("Di".into()),
                role: Role::Member,
                councils: vec![2, 3],
                delegations: [("projects".to_string(), 2)].into_iter().collect(),
                csrf_token: Some("1767225600000.6f1c…".into()),
                receipt: Some(Receipt {
                    round: 1,
                    pseudonym: "99724d9c7eff3fc2fe000c0b326bf3da".into(),
                }),
            },
            // Signed in by API token (no CSRF token), before any round, without an account row.
            Me {
                member: 7,
                name: None,
                role: Role::Facilitator,
                councils: vec![],
                delegations: BTreeMap::new(),
                csrf_token: None,
                receipt: None,
            },
        ]
    }
}

/// `GET /me`: who is signed in, a fresh CSRF token, and their receipts.
pub async fn me(State(st): State<AppState>, c: Caller) -> Result<Json<Me>, ApiError> {
    let account = st.log.store.account(c.member).await?;
    let csrf_token = c
        .session
        .as_ref()
        .map(|h| auth::csrf_token(&st.secret, h, now_ms()));
    let (councils, delegations, round) = st.log.read(|ch| {
        let l = &ch.ledger;
        let councils = l
            .members
            .get(&c.member)
            .map(|m| m.councils.clone())
            .unwrap_or_default();
        let delegations: BTreeMap<String, MemberId> = l
            .delegations
            .iter()
            .filter(|((m, _), _)| *m == c.member)
            .map(|((_, t), to)| (t.name().to_string(), *to))
            .collect();
        (councils, delegations, l.latest_round().map(|r| r.id))
    });
    Ok(Json(Me {
        member: c.member,
        name: account.map(|a| a.name),
        role: c.role,
        councils,
        delegations,
        csrf_token,
        receipt: round.map(|round| Receipt {
            round,
            pseudonym: st.ballot_pseudonym(round, c.member),
        }),
    }))
}

/// A new API token, shown once.
#[derive(Debug, Serialize)]
pub struct TokenIssued {
    /// The token: send it as `Authorization: Bearer <token>`.
    pub token: String,
}

impl Described for TokenIssued {
    const NAME: &'static str = "TokenIssued";
    fn examples() -> Vec<Self> {
        vec![TokenIssued {
            token: "9c0e…".into(),
        }]
    }
}

/// `POST /tokens`: a new API token for the caller, shown once.
pub async fn create_token(
    State(st): State<AppState>,
    c: Caller,
) -> Result<Created<TokenIssued>, ApiError> {
    let token = auth::random_token();
    st.log
        .store
        .create_api_token(&auth::token_hash(&token), c.member)
        .await?;
    Ok(Created(TokenIssued { token }))
}

/// Invitation body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    #[serde(default)]
    councils: Vec<CouncilId>,
    #[serde(default)]
    role: Option<Role>,
}

/// A new invitation code, shown once.
#[derive(Debug, Serialize)]
pub struct InvitationIssued {
    /// The code the new member signs up with.
    pub invitation: String,
}

impl Described for InvitationIssued {
    const NAME: &'static str = "InvitationIssued";
    fn examples() -> Vec<Self> {
        vec![InvitationIssued {
            invitation: "4b7d…".into(),
        }]
    }
}

/// `POST /invitations` (facilitator).
pub async fn invite(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Invite>,
) -> Result<Created<InvitationIssued>, ApiError> {
    st.log.read(|ch| {
        ch.ledger.require_facilitator(c.member)?;
        ch.ledger.require_councils(&b.councils)
    })?;
    let code = auth::random_token();
    let inv = Invitation {
        councils: b.councils,
        role: b.role.unwrap_or(Role::Member),
    };
    st.log
        .store
        .create_invitation(&auth::token_hash(&code), &inv)
        .await?;
    Ok(Created(InvitationIssued { invitation: code }))
}
