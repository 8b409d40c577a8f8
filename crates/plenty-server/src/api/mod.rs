//! The JSON API, one router per feature, served under `/api/v1` (and, as aliases kept for
//! existing clients, under `/api`). Every page of the service is built on these endpoints;
//! [`crate::openapi`] describes them, from the response types declared beside each handler.
//!
//! * [`accounts`]: sign-up, sign-in, sessions, API tokens, invitations;
//! * [`federation`]: the federation, its councils and its economy;
//! * [`rounds`]: planning rounds, needs, proposals, ballots, the count and the plan;
//! * [`delegation`]: delegating a topic and taking it back;
//! * [`mine`]: what the pages read about the signed-in member (their own ballot);
//! * [`me`]: the member's own account: profile, notices, receipts, deleting it;
//! * [`recovery`]: a forgotten password, reset by e-mail;
//! * [`accounting`]: labour-time accounting: hours, deductions, prices, purchases, statements;
//! * [`audit`]: the log's export, its verification, and the service's health;
//! * [`transparency`]: the log's key, signed checkpoints, inclusion and consistency proofs.
//!
//! Handlers parse and answer; every decision (who may do what, what closing a vote records)
//! is the ledger's ([`plenty_ledger::Ledger`]'s functions in `actions`).
//!
//! Errors are JSON: `{"error": code, "message": what is wrong and what to do}` with a fitting
//! status (400 bad input, 401 not signed in, 403 forbidden, CSRF or awaiting admission, 404,
//! 409 wrong phase or conflict, 413 too large, 422 a rule refused it, 429 too many sign-in
//! failures, 503 busy; 429 and 503 with `Retry-After`).

pub mod accounting;
pub mod accounts;
pub mod audit;
pub mod delegation;
pub mod discussion;
pub mod federation;
pub mod me;
pub mod membership;
pub mod mine;
pub mod recovery;
pub mod rounds;
pub mod transparency;

use crate::auth::{self, CsrfError};
use crate::log::{AppendError, Log, StorageFailure};
use crate::store::StoreError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use plenty_ledger::{MemberId, RejectCode, Rejected, Role, RoundId, VerifyReport};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use rounds::spawn_plan;

/// The prefix of the current version of the API.
pub const PREFIX: &str = "/api/v1";
/// The prefix of the unversioned paths of plenty 0.1.0, kept as aliases of [`PREFIX`].
pub const LEGACY_PREFIX: &str = "/api";

/// The API's routes, relative to a prefix: every feature's router, and the description.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .merge(federation::router())
        .merge(rounds::router())
        .merge(delegation::router())
        .merge(discussion::router())
        .merge(membership::router())
        .merge(mine::router())
        .merge(me::router())
        .merge(recovery::router())
        .merge(audit::router())
        .merge(accounting::router())
        .merge(transparency::router())
        .route("/openapi.json", axum::routing::get(crate::openapi::spec))
}

/// Marks an answer on a path of [`LEGACY_PREFIX`] as deprecated (RFC 9745's `Deprecation`
/// header) and names its successor, the same path under [`PREFIX`].
pub async fn deprecated(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert("deprecation", HeaderValue::from_static("true"));
    h.insert(
        "link",
        HeaderValue::from_static("</api/v1>; rel=\"successor-version\""),
    );
    r
}

/// Settings of the service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether anyone may sign up without an invitation. Off by default: members are admitted
    /// by invitation. When on, a sign-up without an invitation makes an applicant, who may
    /// do nothing until a facilitator admits them and assigns their councils.
    pub open_signup: bool,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (default none: the
    /// header is ignored and sign-in limits are keyed on the connection's address).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Longest time a request may take, milliseconds (default 30 s); then 503.
    pub request_timeout_ms: u64,
    /// A connection on which nothing is read or written for this long is closed,
    /// milliseconds (default 60 s; at least the request timeout).
    pub idle_timeout_ms: u64,
    /// Most connections open at once (default 512); more wait in the listen queue.
    pub max_connections: usize,
    /// Most password hashes computed at once (argon2 takes 19 MiB each; default: the
    /// number of cores, at most 4). Further sign-ins wait up to 10 s, then get 503.
    pub hash_concurrency: usize,
    /// How long an API token lasts unless its owner asks for less, days (default 90).
    pub token_ttl_days: u32,
    /// How long an invitation lasts unless the facilitator asks for less, days (default 14).
    pub invitation_ttl_days: u32,
    /// How long a CSRF token is valid, milliseconds.
    pub csrf_ttl_ms: i64,
    /// How long a session lasts, milliseconds.
    pub session_ttl_ms: i64,
    /// Whether cookies carry `Secure` (off only for plain-HTTP deployments behind a proxy that
    /// is not localhost).
    pub secure_cookies: bool,
    /// Relative accuracy of plans.
    pub plan_tolerance: f64,
    /// The file of the secret keys ([`crate::keys`]); `None` keeps the key in the database
    /// (tests, and plenty 0.1's way). `plenty serve` always gives one.
    pub secret_file: Option<std::path::PathBuf>,
    /// The file of the key that signs the log's checkpoints ([`crate::log_key`]), made on
    /// first start. `None`: next to the database (see [`crate::state`]).
    pub log_key: Option<std::path::PathBuf>,
    /// The name of a new log key (the checkpoints' origin); `None`: `plenty-log/` and the
    /// start of the public key.
    pub log_name: Option<String>,
    /// The SMTP server that sends e-mail ([`crate::mail`]): `smtp://host:port`,
    /// `smtp://host:port?tls=required` (STARTTLS) or `smtps://host:port`. `None`: no e-mail is
    /// sent, and the pages say so.
    pub smtp: Option<String>,
    /// The sender of e-mails, `Name <address>` (needed with [`Settings::smtp`]).
    pub mail_from: Option<String>,
    /// The service's address as members reach it (`https://plan.example.org`): the links in
    /// e-mails start with it.
    pub public_url: Option<String>,
    /// How long a password reset link lasts, milliseconds (default one hour).
    pub password_reset_ttl_ms: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            open_signup: false,
            trusted_proxies: Vec::new(),
            request_timeout_ms: 30_000,
            idle_timeout_ms: 60_000,
            max_connections: 512,
            hash_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 4),
            token_ttl_days: 90,
            invitation_ttl_days: 14,
            csrf_ttl_ms: 2 * 3600 * 1000,
            session_ttl_ms: 7 * 24 * 3600 * 1000,
            secure_cookies: true,
            plan_tolerance: 1e-7,
            secret_file: None,
            log_key: None,
            log_name: None,
            smtp: None,
            mail_from: None,
            public_url: None,
            password_reset_ttl_ms: 3600 * 1000,
        }
    }
}

/// Where a round's plan computation stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PlanJob {
    /// Running since this time (ms).
    Computing {
        /// Started, ms since the epoch.
        since: i64,
    },
    /// Done and recorded.
    Done,
    /// Failed; the round stays in its plan phase.
    Failed {
        /// Why.
        message: String,
    },
}

impl PlanJob {
    /// Whether a plan in the ledger may be shown. The in-memory ledger holds a new plan as soon
    /// as it is applied, a moment before the database has it; until the job that recorded it
    /// has heard the write is durable, the plan is still being computed (a reader shown the
    /// plan must find it in the exported log). With no job (after a restart), a plan in the
    /// ledger came from the database.
    pub(crate) fn shows_recorded_plan(job: Option<&PlanJob>) -> bool {
        !matches!(job, Some(PlanJob::Computing { .. }))
    }

    /// What a reader is told about a round's plan: the job's state (`done` once the plan may
    /// be shown), and whether it may be shown.
    pub(crate) fn reported(job: Option<&PlanJob>, has_plan: bool) -> (Option<PlanJob>, bool) {
        let shown = has_plan && Self::shows_recorded_plan(job);
        let state = if shown {
            Some(PlanJob::Done)
        } else {
            job.cloned()
        };
        (state, shown)
    }
}

/// The last verification of the log and the head it verified.
pub type LastVerdict = Option<(String, Arc<VerifyReport>)>;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The log.
    pub log: Arc<Log>,
    /// The newest secret key (CSRF tokens).
    pub secret: Arc<Vec<u8>>,
    /// Every secret key, by the rounds it serves (pseudonyms).
    pub secrets: Arc<crate::keys::Secrets>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// Sign-in attempts per client address.
    pub address_throttle: Arc<auth::Throttle>,
    /// Sign-in attempts per account (e-mail), from browsers without the account's device
    /// cookie.
    pub account_throttle: Arc<auth::Throttle>,
    /// Permits to compute a password hash (argon2 takes 19 MiB each).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Plan computations.
    pub plans: Arc<Mutex<HashMap<RoundId, PlanJob>>>,
    /// The work a request may start that costs a count or a whole-log verification
    /// (`/rounds/{id}/effect`, `/audit/verify`): at most this many at once; more are told to
    /// come back (429), so that no client can keep the cores busy.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// The last verification of the log, by the head it verified (`/audit/verify` answers from
    /// it until the log grows).
    pub verified: Arc<tokio::sync::Mutex<LastVerdict>>,
    /// E-mails being signed up now. A duplicate must be refused before its account reaches
    /// the writer: a failed write stops the service (see [`crate::log`]).
    pub signups: Arc<Mutex<std::collections::HashSet<String>>>,
    /// The queue to the SMTP server, when one is configured ([`Settings::smtp`]).
    pub mail: Option<crate::mail::Mailer>,
    /// Notices and receipts' entries, read from the log ([`crate::notices`]).
    pub notices: Arc<crate::notices::Notices>,
}

impl AppState {
    /// A member's pseudonym of one kind in a round.
    pub fn pseudonym(&self, kind: auth::Signing, round: RoundId, member: MemberId) -> String {
        auth::pseudonym(self.secrets.for_round(round), kind, round, member)
    }

    /// A member's ballot pseudonym in a round (their receipt).
    pub fn ballot_pseudonym(&self, round: RoundId, member: MemberId) -> String {
        self.pseudonym(auth::Signing::Ballot, round, member)
    }

    /// A permit for heavy work ([`AppState::heavy`]), or 429 with `Retry-After`.
    pub fn heavy_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.heavy.clone().try_acquire_owned().map_err(|_| {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                "the service is busy with other counts and verifications; try again in a few seconds",
            );
            e.retry_after = Some(2);
            e
        })
    }

    /// The plan job of a round, if one ran since the service started.
    pub fn plan_job(&self, round: RoundId) -> Option<PlanJob> {
        self.plans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&round)
            .cloned()
    }
}

/// The code of an API error: a stable word a client can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed or a value is not acceptable.
    Invalid,
    /// The body is too large.
    TooLarge,
    /// The body is not JSON.
    ContentType,
    /// Not signed in, or the session or token is not valid.
    Unauthorized,
    /// The CSRF token is missing or forged.
    Csrf,
    /// The CSRF token has expired.
    CsrfExpired,
    /// The caller may not do this.
    Forbidden,
    /// The invitation is unknown or used, or one is needed.
    Invitation,
    /// Too many failed sign-ins: wait the `Retry-After` seconds.
    RateLimited,
    /// The caller signed up and awaits admission by a facilitator.
    Pending,
    /// The service is busy (hashing passwords, or the request took too long); try again.
    Busy,
    /// What the request names does not exist.
    NotFound,
    /// It conflicts with what exists.
    Conflict,
    /// The round is not in the phase this needs.
    WrongPhase,
    /// A ballot names a proposal the round does not have.
    UnknownProject,
    /// A recorded result does not match its inputs.
    Mismatch,
    /// The quantity is far outside what the economy can make: send it again with
    /// `"confirm": true` to register it anyway.
    NeedsConfirmation,
    /// The database could not save the request (unreachable, full, or refusing it); nothing
    /// of it was saved, or it could not be confirmed. Try again later.
    Unavailable,
    /// The service failed.
    Internal,
}

impl From<RejectCode> for ErrorCode {
    fn from(c: RejectCode) -> Self {
        match c {
            RejectCode::WrongPhase => ErrorCode::WrongPhase,
            RejectCode::UnknownProject => ErrorCode::UnknownProject,
            RejectCode::Forbidden => ErrorCode::Forbidden,
            RejectCode::Invalid => ErrorCode::Invalid,
            RejectCode::NotFound => ErrorCode::NotFound,
            RejectCode::Conflict => ErrorCode::Conflict,
            RejectCode::Mismatch => ErrorCode::Mismatch,
            RejectCode::NeedsConfirmation => ErrorCode::NeedsConfirmation,
        }
    }
}

/// The body of every error.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What kind of error.
    pub error: ErrorCode,
    /// What is wrong and what to do.
    pub message: String,
}

impl Described for ErrorBody {
    const NAME: &'static str = "Error";
    fn examples() -> Vec<Self> {
        vec![ErrorBody {
            error: ErrorCode::WrongPhase,
            message: "round 1 is in its needs phase; voting is only possible in the voting phase"
                .into(),
        }]
    }
}

/// An API error.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    pub(crate) retry_after: Option<i64>,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, message)
    }

    pub(crate) fn busy(message: impl Into<String>, retry_after: i64) -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Busy, message);
        e.retry_after = Some(retry_after);
        e
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    pub(crate) fn not_counted() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            ErrorCode::WrongPhase,
            "the round is not counted yet",
        )
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        // The detail goes to the operator's log, not to the client.
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "the service failed; nothing was changed",
        )
    }

    /// A request the database did not save (see [`crate::log`]): 503 with `Retry-After`
    /// when it could not be reached, 507 when it is full, 500 when it refused the rows.
    pub(crate) fn storage(f: &StorageFailure) -> Self {
        let (status, message) = match f {
            StorageFailure::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database cannot be reached, so this request was not saved (or could not be \
                 confirmed as saved); try again in a moment. A ballot sent again replaces the first"
                    .to_string(),
            ),
            StorageFailure::Dropped(why) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "this request was not saved: a request before it failed to save, and without it this one is refused ({why}); send it again"
                ),
            ),
            full if full.is_full() => (
                StatusCode::INSUFFICIENT_STORAGE,
                "the service's disk is full, so this request was not saved; tell the operator, \
                 and try again once space is freed"
                    .to_string(),
            ),
            StorageFailure::Refused(why) => {
                tracing::error!(reason = %why, "the database refused a request's rows");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the database refused to save this request, so nothing of it was saved; \
                     the operator's log has the reason"
                        .to_string(),
                )
            }
        };
        let mut e = Self::new(status, ErrorCode::Unavailable, message);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            e.retry_after = Some(2);
        }
        e
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<Rejected> for ApiError {
    fn from(r: Rejected) -> Self {
        let status = match r.code {
            RejectCode::Forbidden => StatusCode::FORBIDDEN,
            RejectCode::NotFound => StatusCode::NOT_FOUND,
            RejectCode::WrongPhase | RejectCode::Conflict | RejectCode::NeedsConfirmation => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, r.code.into(), r.message)
    }
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Rejected(r) => r.into(),
            AppendError::Storage(f) => ApiError::storage(&f),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, m),
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, m),
            // The database cannot be reached (restarting, network): the client may try again.
            StoreError::Database(e) if StorageFailure::is_unreachable(&e) => {
                tracing::warn!(error = %e, "the database cannot be reached");
                ApiError::storage(&StorageFailure::Unavailable)
            }
            StoreError::Database(sqlx::Error::Database(d))
                if StorageFailure::Refused(d.message().to_string()).is_full() =>
            {
                ApiError::storage(&StorageFailure::Refused(d.message().to_string()))
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (
            self.status,
            Json(ErrorBody {
                error: self.code,
                message: self.message,
            }),
        )
            .into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert("retry-after", v);
            }
        }
        r
    }
}

/// A response with status 201 Created.
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, Json(self.0)).into_response()
    }
}

/// JSON bodies with our error format for malformed input.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                format!(
                    "the request body is larger than this endpoint accepts ({} bytes for accounts, sign-in and tokens; {} for the others)",
                    accounts::limits::BODY,
                    crate::MAX_BODY
                ),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::ContentType,
                "send JSON with Content-Type: application/json",
            )),
            Err(e) => Err(ApiError::bad(format!("malformed JSON: {}", e.body_text()))),
        }
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The signed-in member of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Their number.
    pub member: MemberId,
    /// Their role.
    pub role: Role,
    /// The session's token hash, when signed in by cookie.
    pub session: Option<String>,
    /// Whether they are an admitted member (not an applicant awaiting a facilitator).
    pub admitted: bool,
}

/// Session cookie name.
pub const SESSION_COOKIE: &str = "plenty_session";

async fn caller_of(parts: &Parts, st: &AppState) -> Result<Caller, ApiError> {
    let role_of = |m: MemberId| {
        st.log
            .read(|c| c.ledger.members.get(&m).map(|s| (s.role, s.admitted)))
    };
    if let Some(h) = parts.headers.get(AUTHORIZATION) {
        let t = h
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("Authorization must be `Bearer <token>`"))?;
        let t = t.trim();
        if t.len() > 128 {
            return Err(ApiError::unauthorized("unknown API token"));
        }
        let token = st
            .log
            .store
            .api_token(&auth::token_hash(t))
            .await?
            .filter(|k| k.expires > now_ms())
            .ok_or_else(|| ApiError::unauthorized("unknown, expired or revoked API token"))?;
        let (role, admitted) =
            role_of(token.member).ok_or_else(|| ApiError::internal("token of no member"))?;
        return Ok(Caller {
            member: token.member,
            role,
            session: None,
            admitted,
        });
    }
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Err(ApiError::unauthorized(
            "sign in first (POST /api/v1/login), or send an API token",
        ));
    };
    if token.len() > 128 {
        return Err(ApiError::unauthorized(
            "this session is not valid (expired, signed out or forged); sign in again",
        ));
    }
    let hash = auth::token_hash(&token);
    let s = st
        .log
        .store
        .session(&hash)
        .await?
        .filter(|s| s.expires > now_ms())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "this session is not valid (expired, signed out or forged); sign in again",
            )
        })?;
    if parts.method != Method::GET && parts.method != Method::HEAD {
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        let refused = |code, message: &str| ApiError::new(StatusCode::FORBIDDEN, code, message);
        match auth::check_csrf(&st.secret, &hash, sent, now_ms(), st.settings.csrf_ttl_ms) {
            Ok(()) => {}
            Err(CsrfError::Missing) => {
                return Err(refused(
                    ErrorCode::Csrf,
                    "missing X-CSRF-Token header (GET /api/v1/me gives one)",
                ))
            }
            Err(CsrfError::Invalid) => {
                return Err(refused(
                    ErrorCode::Csrf,
                    "the CSRF token is not valid for this session",
                ))
            }
            Err(CsrfError::Expired) => {
                return Err(refused(
                    ErrorCode::CsrfExpired,
                    "the CSRF token has expired; reload the page (or GET /api/v1/me) and try again",
                ))
            }
        }
    }
    let (role, admitted) =
        role_of(s.member).ok_or_else(|| ApiError::internal("session of no member"))?;
    Ok(Caller {
        member: s.member,
        role,
        session: Some(hash),
        admitted,
    })
}

/// A signed-in admitted member: an applicant of open sign-up is refused (403 `pending`)
/// until a facilitator admits them, for everything but [`Applicant`]'s few endpoints.
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let c = caller_of(parts, st).await?;
        if !c.admitted {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Pending,
                "your sign-up awaits a facilitator's approval; until then you can only see your account, change your password and sign out",
            ));
        }
        Ok(c)
    }
}

/// A signed-in account, admitted or still an applicant: for `/me`, `/logout` and
/// `/password`.
pub struct Applicant(pub Caller);

impl FromRequestParts<AppState> for Applicant {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Applicant(caller_of(parts, st).await?))
    }
}

/// A caller who may be anonymous.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(caller_of(parts, st).await.ok()))
    }
}

/// A response type of the API, with an example of each of its shapes: the OpenAPI
/// description's response schemas and examples are made from these, so they cannot drift
/// from what the handlers send.
pub trait Described: Serialize {
    /// The schema's name in the description.
    const NAME: &'static str;
    /// Examples: every shape the type can take (each `Option` once filled, when it can be).
    fn examples() -> Vec<Self>
    where
        Self: Sized;
}

#[cfg(test)]
mod tests {
    use super::PlanJob;

    /// The CI failure of stop 8: a reader was told "done" while the plan's log entry was
    /// still on its way to PostgreSQL, and the export it read next had no plan.
    #[test]
    fn issue_4_a_plan_is_reported_done_only_once_durable() {
        let state = |j: Option<PlanJob>| serde_json::to_value(j).unwrap();
        let computing = PlanJob::Computing { since: 0 };
        let (s, durable) = PlanJob::reported(Some(&computing), true);
        assert_eq!(state(s)["state"], "computing");
        assert!(
            !durable,
            "applied in memory, not yet acknowledged by the store"
        );
        let (s, durable) = PlanJob::reported(Some(&PlanJob::Done), true);
        assert_eq!(state(s)["state"], "done");
        assert!(durable);
        // After a restart there is no job: a plan in the ledger was replayed from the store.
        let (s, durable) = PlanJob::reported(None, true);
        assert_eq!(state(s)["state"], "done");
        assert!(durable);
        let (s, durable) = PlanJob::reported(None, false);
        assert!(state(s).is_null() && !durable);
        let failed = PlanJob::Failed {
            message: "no economy".into(),
        };
        let (s, durable) = PlanJob::reported(Some(&failed), false);
        assert_eq!(state(s)["state"], "failed");
        assert!(!durable);
    }
}
