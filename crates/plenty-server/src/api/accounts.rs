//! Accounts and authentication: sign-up (by invitation, or as an applicant a facilitator
//! admits), sign-in and out, who is signed in, passwords, API tokens and invitations.
//!
//! Every input is bounded before it is used ([`limits`]); sign-in attempts are counted per
//! client address and per account before the password is verified, and slowed down, never
//! refused outright to a browser the account has signed in from ([`login`]); password hashes
//! are computed a few at a time ([`AppState::hashing`]).

use super::{
    cookie, now_ms, ApiError, ApiJson, AppState, Applicant, Caller, Created, Described, ErrorCode,
    SESSION_COOKIE,
};
use crate::auth;
use crate::net::ClientAddr;
use crate::store::{Account, ApiToken, Invitation, Session, StoreError};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use plenty_ledger::text::check_text;
use plenty_ledger::{CouncilId, MemberId, Role, RoundId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The bounds of every input of this feature.
pub mod limits {
    /// Longest e-mail address, characters (RFC 5321's path limit).
    pub const EMAIL: usize = 254;
    /// Shortest password, characters.
    pub const PASSWORD_MIN: usize = 10;
    /// Longest password, characters (and at most 4 bytes each).
    pub const PASSWORD_MAX: usize = 1024;
    /// Longest display name, characters.
    pub const NAME: usize = 100;
    /// Longest invitation code or token sent, characters (they are 64 hex digits).
    pub const CODE: usize = 128;
    /// Longest label of an API token, characters.
    pub const LABEL: usize = 100;
    /// Longest life of an API token, days.
    pub const TOKEN_DAYS: u32 = 365;
    /// Longest life of an invitation, days.
    pub const INVITATION_DAYS: u32 = 90;
    /// Largest request body of these endpoints, bytes.
    pub const BODY: usize = 16 * 1024;
    /// Longest wait for a free password hasher before answering 503, seconds.
    pub const HASH_WAIT_S: u64 = 10;
}

/// The routes of this feature. Their bodies are small: at most [`limits::BODY`] bytes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me).delete(super::me::delete_account))
        .route("/password", post(change_password))
        .route("/tokens", post(create_token).get(list_tokens))
        .route("/tokens/{token}", delete(revoke_token))
        .route("/invitations", post(invite))
        .route("/applicants", get(applicants))
        .route("/applicants/{id}/admit", post(admit))
        .layer(DefaultBodyLimit::max(limits::BODY))
}

/// Device cookie name (see [`auth::device_cookie`]).
pub const DEVICE_COOKIE: &str = "plenty_device";

/// Computes a password hash (or verifies one) with one of the service's few hashing permits:
/// argon2 takes 19 MiB each, so a flood of sign-ins waits here instead of exhausting memory,
/// and after [`limits::HASH_WAIT_S`] seconds gets 503 with `Retry-After`.
pub async fn hashing<T: Send + 'static>(
    st: &AppState,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let wait = std::time::Duration::from_secs(limits::HASH_WAIT_S);
    let permit = tokio::time::timeout(wait, st.hashing.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::busy("the service is busy checking passwords; try again", 2))?
        .map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
    .map_err(ApiError::internal)
}

/// A text field of an account: the ledger's rule ([`check_text`]) answered as 400.
pub(crate) fn text_field(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    check_text(field, value, max).map_err(|r| ApiError::bad(r.message))
}

pub(crate) fn check_password(field: &str, p: &str) -> Result<(), ApiError> {
    let n = p.chars().count();
    if !(limits::PASSWORD_MIN..=limits::PASSWORD_MAX).contains(&n) {
        return Err(ApiError::bad(format!(
            "{field}: use {} to {} characters",
            limits::PASSWORD_MIN,
            limits::PASSWORD_MAX
        )));
    }
    text_field(field, p, limits::PASSWORD_MAX)
}

/// A password sent to be verified: only bounded (one chosen before these rules still works).
pub(crate) fn bounded_password(p: &str) -> Result<(), ApiError> {
    if p.len() > 4 * limits::PASSWORD_MAX {
        return Err(ApiError::bad(format!(
            "password: use at most {} characters",
            limits::PASSWORD_MAX
        )));
    }
    Ok(())
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

/// Sign-up body. Councils are not chosen here: an invitation carries them, and an applicant of
/// open sign-up is assigned them by the facilitator who admits them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    email: String,
    password: String,
    name: String,
    #[serde(default)]
    invitation: Option<String>,
}

/// A new member, or an applicant awaiting a facilitator.
#[derive(Debug, Serialize)]
pub struct Joined {
    /// Their number.
    pub member: MemberId,
    /// Whether they may take part now (joined by invitation); false for an applicant of open
    /// sign-up until a facilitator admits them.
    pub admitted: bool,
}

impl Described for Joined {
    const NAME: &'static str = "Joined";
    fn examples() -> Vec<Self> {
        vec![
            Joined {
                member: 6,
                admitted: true,
            },
            Joined {
                member: 7,
                admitted: false,
            },
        ]
    }
}

/// An e-mail address as stored: trimmed, lowercased, at most [`limits::EMAIL`] characters,
/// one `@` with a dotted domain, no spaces or control characters.
pub(crate) fn check_email(e: &str) -> Result<String, ApiError> {
    let bad = || ApiError::bad("email: not an e-mail address");
    if e.len() > 4 * limits::EMAIL {
        return Err(bad());
    }
    let e = e.trim().to_lowercase();
    let ok = e.chars().count() <= limits::EMAIL
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(a, b)| {
            !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.contains('@')
        });
    if !ok {
        return Err(bad());
    }
    text_field("email", &e, limits::EMAIL)?;
    Ok(e)
}

fn invitation_refused() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Invitation,
        "this invitation is unknown, used or expired; ask a facilitator for a new one",
    )
}

/// `POST /signup`: with an invitation, a member in its councils with its role; without one,
/// only when open sign-up is on, an applicant (no councils, no vote) until a facilitator
/// admits them. The invitation is checked before the e-mail, so that without a valid
/// invitation every e-mail gets the same answer.
pub async fn signup(
    State(st): State<AppState>,
    ApiJson(b): ApiJson<SignUp>,
) -> Result<Created<Joined>, ApiError> {
    let email = check_email(&b.email)?;
    check_password("password", &b.password)?;
    let name = b.name.trim().to_string();
    if name.is_empty() || name.chars().count() > limits::NAME {
        return Err(ApiError::bad(format!(
            "name: use 1 to {} characters",
            limits::NAME
        )));
    }
    text_field("name", &name, limits::NAME)?;
    let now = now_ms();
    let code_hash = match &b.invitation {
        Some(code) => {
            let code = code.trim();
            if code.len() > limits::CODE {
                return Err(invitation_refused());
            }
            let hash = auth::token_hash(code);
            if st.log.store.invitation(&hash, now).await?.is_none() {
                return Err(invitation_refused());
            }
            Some(hash)
        }
        None if st.settings.open_signup => None,
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Invitation,
                "this federation admits members by invitation; ask a facilitator",
            ))
        }
    };
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
    let password = b.password.clone();
    let hash = hashing(&st, move || auth::hash_password(&password))
        .await?
        .map_err(ApiError::internal)?;
    // Used up only now, when nothing else can refuse the sign-up.
    let invitation = match &code_hash {
        Some(h) => match st.log.store.take_invitation(h, now_ms()).await {
            Ok(inv) => Some(inv),
            Err(StoreError::NotFound(_)) => return Err(invitation_refused()),
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    // The member number and the account are written with the entry, in one transaction.
    let member = st.log.read(|c| c.ledger.next_member());
    let account = Account {
        member,
        email: email.clone(),
        password_hash: hash,
        name,
    };
    let admitted = invitation.is_some();
    st.log
        .append_with(vec![account], move |l| {
            let e = match invitation {
                Some(inv) => l.join(member, inv.councils, inv.role)?,
                None => l.apply_to_join(member)?,
            };
            Ok((vec![e], ()))
        })
        .await
        .map_err(ApiError::from)?;
    // The notices before they joined are not news to them.
    let seen = st.log.read(|c| c.seq);
    if let Err(e) = st.log.store.set_notices_seen(member, seen).await {
        tracing::warn!(error = %e, member, "the new member's notices could not be marked seen");
    }
    Ok(Created(Joined { member, admitted }))
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

pub(crate) fn slow_down(wait: i64) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("too many failed sign-ins; try again in {wait} s"),
    );
    e.retry_after = Some(wait);
    e
}

/// `POST /login`.
///
/// Every attempt is counted before its password is verified, per client address (the
/// connection's, or the one a trusted proxy forwards) and per account, and after 5 failures
/// each further attempt waits twice as long as the one before (1 s, 2 s, … at most 15
/// minutes; `429` with `Retry-After`). The account's count does not apply to a browser that
/// holds the account's device cookie (set by its last sign-in), so a guesser can slow down
/// sign-ins from new devices but never lock a member out of their own.
pub async fn login(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let refused = || ApiError::unauthorized("wrong e-mail or password");
    // Bounded before anything is kept or computed.
    let Ok(email) = check_email(&b.email) else {
        return Err(refused());
    };
    bounded_password(&b.password)?;
    let now = now_ms();
    let by_address = st
        .address_throttle
        .begin(&format!("addr:{addr}"), now, false)
        .map_err(slow_down)?;
    let account = st.log.store.account_by_email(&email).await?;
    let trusted_device = account.as_ref().is_some_and(|a| {
        cookie(&headers, DEVICE_COOKIE)
            .is_some_and(|c| auth::check_device_cookie(&st.secret, a.member, &c))
    });
    let by_account = if trusted_device {
        None
    } else {
        Some(
            st.account_throttle
                .begin(&format!("email:{}", auth::token_hash(&email)), now, true)
                .map_err(slow_down)?,
        )
    };
    let password = b.password.clone();
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let ok = hashing(&st, move || match stored {
        Some(h) => auth::verify_password(&password, &h),
        None => {
            // Spend the same time on unknown e-mails, so timing does not reveal accounts.
            let _ = auth::hash_password(&password);
            false
        }
    })
    .await?;
    // Dropped without success, the attempts count as failures.
    let Some(account) = account.filter(|_| ok) else {
        return Err(refused());
    };
    by_address.succeeded();
    if let Some(a) = by_account {
        a.succeeded();
    }
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
    let device = format!(
        "{DEVICE_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        auth::device_cookie(&st.secret, account.member),
        365 * 24 * 3600
    );
    let mut r = Json(SignedIn {
        member: account.member,
        csrf_token: csrf,
    })
    .into_response();
    for c in [cookie, device] {
        r.headers_mut().append(
            SET_COOKIE,
            HeaderValue::from_str(&c).map_err(ApiError::internal)?,
        );
    }
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
pub async fn logout(
    State(st): State<AppState>,
    Applicant(c): Applicant,
) -> Result<Response, ApiError> {
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
    /// Whether they are admitted (false: an applicant awaiting a facilitator).
    pub admitted: bool,
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
                admitted: true,
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
                admitted: true,
                councils: vec![],
                delegations: BTreeMap::new(),
                csrf_token: None,
                receipt: None,
            },
        ]
    }
}

/// `GET /me`: who is signed in, a fresh CSRF token, and their receipts.
pub async fn me(State(st): State<AppState>, Applicant(c): Applicant) -> Result<Json<Me>, ApiError> {
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
        admitted: c.admitted,
        councils,
        delegations,
        csrf_token,
        receipt: round.map(|round| Receipt {
            round,
            pseudonym: st.ballot_pseudonym(round, c.member),
        }),
    }))
}

/// A body that may be left out (no bytes): its defaults then.
async fn optional_body<T: serde::de::DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::ContentType,
            "send JSON with Content-Type: application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad(format!("malformed JSON: {e}")))
}

/// Token body (optional).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    days: Option<u32>,
}

/// A new API token, shown once.
#[derive(Debug, Serialize)]
pub struct TokenIssued {
    /// The token: send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// Its public name, to list and revoke it by.
    pub id: String,
    /// When it ends, milliseconds since the epoch.
    pub expires: i64,
}

impl Described for TokenIssued {
    const NAME: &'static str = "TokenIssued";
    fn examples() -> Vec<Self> {
        vec![TokenIssued {
            token: "9c0e…".into(),
            id: "5d41402abc4b2a76".into(),
            expires: 1_775_001_600_000,
        }]
    }
}

/// `POST /tokens`: a new API token for the caller, shown once. Body (optional): `label`, and
/// `days` it lasts (1 to 365; default 90).
pub async fn create_token(
    State(st): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Created<TokenIssued>, ApiError> {
    let b: NewToken = optional_body(&headers, &body).await?;
    let label = b.label.unwrap_or_default().trim().to_string();
    text_field("label", &label, limits::LABEL)?;
    let days = b.days.unwrap_or(st.settings.token_ttl_days);
    if !(1..=limits::TOKEN_DAYS).contains(&days) {
        return Err(ApiError::bad(format!(
            "days: a token lasts 1 to {} days",
            limits::TOKEN_DAYS
        )));
    }
    let token = auth::random_token();
    let now = now_ms();
    let t = ApiToken {
        token_hash: auth::token_hash(&token),
        member: c.member,
        label,
        created: now,
        expires: now + i64::from(days) * 24 * 3600 * 1000,
    };
    st.log.store.create_api_token(&t).await?;
    Ok(Created(TokenIssued {
        token,
        id: t.id().to_string(),
        expires: t.expires,
    }))
}

/// One API token as its owner sees it (never the token itself).
#[derive(Debug, Serialize)]
pub struct TokenInfo {
    /// Its public name.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Issued, milliseconds since the epoch (0: before plenty recorded it).
    pub created: i64,
    /// Ends, milliseconds since the epoch.
    pub expires: i64,
}

/// The caller's API tokens.
#[derive(Debug, Serialize)]
pub struct Tokens {
    /// Oldest first; expired ones are left out.
    pub tokens: Vec<TokenInfo>,
}

impl Described for Tokens {
    const NAME: &'static str = "Tokens";
    fn examples() -> Vec<Self> {
        vec![Tokens {
            tokens: vec![TokenInfo {
                id: "5d41402abc4b2a76".into(),
                label: "vote script".into(),
                created: 1_767_225_600_000,
                expires: 1_775_001_600_000,
            }],
        }]
    }
}

/// `GET /tokens`: the caller's API tokens.
pub async fn list_tokens(State(st): State<AppState>, c: Caller) -> Result<Json<Tokens>, ApiError> {
    let now = now_ms();
    let tokens = st
        .log
        .store
        .api_tokens_of(c.member)
        .await?
        .into_iter()
        .filter(|t| t.expires > now)
        .map(|t| TokenInfo {
            id: t.id().to_string(),
            label: t.label,
            created: t.created,
            expires: t.expires,
        })
        .collect();
    Ok(Json(Tokens { tokens }))
}

/// A token revoked.
#[derive(Debug, Serialize)]
pub struct TokenRevoked {
    /// Its public name.
    pub revoked: String,
}

impl Described for TokenRevoked {
    const NAME: &'static str = "TokenRevoked";
    fn examples() -> Vec<Self> {
        vec![TokenRevoked {
            revoked: "5d41402abc4b2a76".into(),
        }]
    }
}

/// `DELETE /tokens/{token}`: revokes one of the caller's API tokens by its id.
pub async fn revoke_token(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> Result<Json<TokenRevoked>, ApiError> {
    let well_formed = id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed || !st.log.store.revoke_api_token(c.member, &id).await? {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "you have no API token with this id (GET /api/v1/tokens lists them)",
        ));
    }
    Ok(Json(TokenRevoked { revoked: id }))
}

/// Password change body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    current: String,
    new: String,
}

/// A password changed.
#[derive(Debug, Serialize)]
pub struct PasswordChanged {
    /// Other sessions ended (this one goes on).
    pub sessions_ended: u64,
    /// API tokens revoked (all of them).
    pub tokens_revoked: u64,
}

impl Described for PasswordChanged {
    const NAME: &'static str = "PasswordChanged";
    fn examples() -> Vec<Self> {
        vec![PasswordChanged {
            sessions_ended: 2,
            tokens_revoked: 1,
        }]
    }
}

/// `POST /password`: changes the caller's password, given the current one; ends every other
/// session and revokes every API token (whoever learnt the old password may have made them).
/// Wrong current passwords count against the account like failed sign-ins.
pub async fn change_password(
    State(st): State<AppState>,
    Applicant(c): Applicant,
    ApiJson(b): ApiJson<NewPassword>,
) -> Result<Json<PasswordChanged>, ApiError> {
    bounded_password(&b.current)?;
    check_password("new", &b.new)?;
    let account = st.log.store.account(c.member).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "this member has no account with a password",
        )
    })?;
    let attempt = st
        .account_throttle
        .begin(
            &format!("email:{}", auth::token_hash(&account.email)),
            now_ms(),
            true,
        )
        .map_err(slow_down)?;
    let (current, new, stored) = (b.current.clone(), b.new.clone(), account.password_hash);
    let hash = hashing(&st, move || {
        if auth::verify_password(&current, &stored) {
            auth::hash_password(&new).map(Some)
        } else {
            Ok(None)
        }
    })
    .await?
    .map_err(ApiError::internal)?;
    let Some(hash) = hash else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "the current password is wrong",
        ));
    };
    attempt.succeeded();
    st.log.store.set_password(c.member, &hash).await?;
    let sessions_ended = st
        .log
        .store
        .delete_sessions_of(c.member, c.session.as_deref())
        .await?;
    let tokens_revoked = st.log.store.revoke_api_tokens_of(c.member).await?;
    Ok(Json(PasswordChanged {
        sessions_ended,
        tokens_revoked,
    }))
}

/// Invitation body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    #[serde(default)]
    councils: Vec<CouncilId>,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    days: Option<u32>,
}

/// A new invitation code, shown once.
#[derive(Debug, Serialize)]
pub struct InvitationIssued {
    /// The code the new member signs up with.
    pub invitation: String,
    /// When it ends unused, milliseconds since the epoch.
    pub expires: i64,
}

impl Described for InvitationIssued {
    const NAME: &'static str = "InvitationIssued";
    fn examples() -> Vec<Self> {
        vec![InvitationIssued {
            invitation: "4b7d…".into(),
            expires: 1_768_435_200_000,
        }]
    }
}

/// `POST /invitations` (facilitator). Body: `councils`, `role`, and `days` it lasts (1 to
/// 90; default 14).
pub async fn invite(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Invite>,
) -> Result<Created<InvitationIssued>, ApiError> {
    st.log.read(|ch| {
        ch.ledger.require_facilitator(c.member)?;
        ch.ledger.require_councils(&b.councils)
    })?;
    let days = b.days.unwrap_or(st.settings.invitation_ttl_days);
    if !(1..=limits::INVITATION_DAYS).contains(&days) {
        return Err(ApiError::bad(format!(
            "days: an invitation lasts 1 to {} days",
            limits::INVITATION_DAYS
        )));
    }
    let code = auth::random_token();
    let inv = Invitation {
        councils: b.councils,
        role: b.role.unwrap_or(Role::Member),
        expires: now_ms() + i64::from(days) * 24 * 3600 * 1000,
    };
    st.log
        .store
        .create_invitation(&auth::token_hash(&code), &inv)
        .await?;
    Ok(Created(InvitationIssued {
        invitation: code,
        expires: inv.expires,
    }))
}

/// An applicant awaiting a facilitator.
#[derive(Debug, Serialize)]
pub struct ApplicantInfo {
    /// Their number.
    pub member: MemberId,
    /// Their display name.
    pub name: String,
    /// Their e-mail (shown to facilitators only, to recognise them).
    pub email: String,
}

/// The applicants of open sign-up.
#[derive(Debug, Serialize)]
pub struct Applicants {
    /// In order of sign-up.
    pub applicants: Vec<ApplicantInfo>,
}

impl Described for Applicants {
    const NAME: &'static str = "Applicants";
    fn examples() -> Vec<Self> {
        vec![Applicants {
            applicants: vec![ApplicantInfo {
                member: 7,
                name: "Ed".into(),
                email: "ed@example.org".into(),
            }],
        }]
    }
}

/// `GET /applicants` (facilitator): who signed up and awaits admission.
pub async fn applicants(
    State(st): State<AppState>,
    c: Caller,
) -> Result<Json<Applicants>, ApiError> {
    let waiting = st.log.read(|ch| {
        ch.ledger.require_facilitator(c.member)?;
        Ok::<_, plenty_ledger::Rejected>(ch.ledger.applicants())
    })?;
    let mut applicants = Vec::new();
    for member in waiting {
        if let Some(a) = st.log.store.account(member).await? {
            applicants.push(ApplicantInfo {
                member,
                name: a.name,
                email: a.email,
            });
        }
    }
    Ok(Json(Applicants { applicants }))
}

/// Admission body: the councils the facilitator assigns.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Admit {
    councils: Vec<CouncilId>,
}

/// An applicant admitted.
#[derive(Debug, Serialize)]
pub struct Admitted {
    /// The member.
    pub member: MemberId,
    /// Their councils.
    pub councils: Vec<CouncilId>,
}

impl Described for Admitted {
    const NAME: &'static str = "Admitted";
    fn examples() -> Vec<Self> {
        vec![Admitted {
            member: 7,
            councils: vec![3],
        }]
    }
}

/// `POST /applicants/{id}/admit` (facilitator): admits an applicant into the councils given;
/// the log records it (`member_admitted`, by whom).
pub async fn admit(
    State(st): State<AppState>,
    c: Caller,
    Path(member): Path<MemberId>,
    ApiJson(b): ApiJson<Admit>,
) -> Result<Json<Admitted>, ApiError> {
    let councils = b.councils.clone();
    st.log
        .append_with(Vec::new(), move |l| {
            Ok((vec![l.admit(c.member, member, councils)?], ()))
        })
        .await?;
    Ok(Json(Admitted {
        member,
        councils: b.councils,
    }))
}
