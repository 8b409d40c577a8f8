//! The JSON API. Every page of the service is built on these endpoints; `openapi.json`
//! describes them.
//!
//! Errors are JSON: `{"error": code, "message": what is wrong and what to do}` with a fitting
//! status (400 bad input, 401 not signed in, 403 forbidden or CSRF, 404, 409 wrong phase or
//! conflict, 413 too large, 422 a rule refused it, 429 too many sign-in failures).

use crate::auth::{self, CsrfError};
use crate::core::{AppendError, Log};
use crate::store::{Account, Invitation, Session};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use plenty_ledger::planning::{compute_plan, digest};
use plenty_ledger::tally::compute_tally;
use plenty_ledger::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Settings of the service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether anyone may sign up without an invitation (councils chosen at sign-up).
    pub open_signup: bool,
    /// How long a CSRF token is valid, milliseconds.
    pub csrf_ttl_ms: i64,
    /// How long a session lasts, milliseconds.
    pub session_ttl_ms: i64,
    /// Whether cookies carry `Secure` (off only for plain-HTTP deployments behind a proxy that
    /// is not localhost).
    pub secure_cookies: bool,
    /// Relative accuracy of plans.
    pub plan_tolerance: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            open_signup: true,
            csrf_ttl_ms: 2 * 3600 * 1000,
            session_ttl_ms: 7 * 24 * 3600 * 1000,
            secure_cookies: true,
            plan_tolerance: 1e-7,
        }
    }
}

/// Where a round's plan computation stands.
#[derive(Debug, Clone, serde::Serialize)]
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
    fn reported(job: Option<&PlanJob>, has_plan: bool) -> (Value, bool) {
        let shown = has_plan && Self::shows_recorded_plan(job);
        let state = if shown {
            json!({"state": "done"})
        } else {
            job.map_or(Value::Null, |j| {
                serde_json::to_value(j).unwrap_or(Value::Null)
            })
        };
        (state, shown)
    }
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The log.
    pub log: Arc<Log>,
    /// The secret key.
    pub secret: Arc<Vec<u8>>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// Sign-in failures.
    pub limiter: Arc<auth::RateLimiter>,
    /// Plan computations.
    pub plans: Arc<Mutex<HashMap<RoundId, PlanJob>>>,
    /// E-mails being signed up now. A duplicate must be refused before its account reaches
    /// the writer: a failed write stops the service (see [`crate::core`]).
    pub signups: Arc<Mutex<std::collections::HashSet<String>>>,
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

/// An API error.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<i64>,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", message)
    }
    fn internal(e: impl std::fmt::Display) -> Self {
        // The detail goes to the operator's terminal, not to the client.
        eprintln!("plenty serve: internal error: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service failed; nothing was changed",
        )
    }
}

impl From<Rejected> for ApiError {
    fn from(r: Rejected) -> Self {
        let status = match r.code {
            "forbidden" => StatusCode::FORBIDDEN,
            "not_found" => StatusCode::NOT_FOUND,
            "wrong_phase" | "conflict" => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, r.code, r.message)
    }
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Rejected(r) => r.into(),
            AppendError::Storage => ApiError::internal("storage"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (
            self.status,
            Json(json!({"error": self.code, "message": self.message})),
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

/// JSON bodies with our error format for malformed input.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the request body is larger than {} bytes", crate::MAX_BODY),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content_type",
                "send JSON with Content-Type: application/json",
            )),
            Err(e) => Err(ApiError::bad(format!("malformed JSON: {}", e.body_text()))),
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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
}

/// Session cookie name.
pub const SESSION_COOKIE: &str = "plenty_session";

async fn caller_of(parts: &Parts, st: &AppState) -> Result<Caller, ApiError> {
    let role_of = |m: MemberId| st.log.read(|c| c.ledger.members.get(&m).map(|s| s.role));
    if let Some(h) = parts.headers.get(AUTHORIZATION) {
        let t = h
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Authorization must be `Bearer <token>`",
                )
            })?;
        let member = st
            .log
            .store
            .api_token(&auth::token_hash(t.trim()))
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "unknown API token",
                )
            })?;
        let role = role_of(member).ok_or_else(|| ApiError::internal("token of no member"))?;
        return Ok(Caller {
            member,
            role,
            session: None,
        });
    }
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in first (POST /api/login), or send an API token",
        ));
    };
    let hash = auth::token_hash(&token);
    let s = st
        .log
        .store
        .session(&hash)
        .await
        .map_err(ApiError::internal)?
        .filter(|s| s.expires > now_ms())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this session is not valid (expired, signed out or forged); sign in again",
            )
        })?;
    if parts.method != Method::GET && parts.method != Method::HEAD {
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        match auth::check_csrf(&st.secret, &hash, sent, now_ms(), st.settings.csrf_ttl_ms) {
            Ok(()) => {}
            Err(CsrfError::Missing) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "missing X-CSRF-Token header (GET /api/me gives one)",
                ))
            }
            Err(CsrfError::Invalid) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "the CSRF token is not valid for this session",
                ))
            }
            Err(CsrfError::Expired) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_expired",
                    "the CSRF token has expired; reload the page (or GET /api/me) and try again",
                ))
            }
        }
    }
    let role = role_of(s.member).ok_or_else(|| ApiError::internal("session of no member"))?;
    Ok(Caller {
        member: s.member,
        role,
        session: Some(hash),
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        caller_of(parts, st).await
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

fn facilitator(c: &Caller) -> Result<(), ApiError> {
    if c.role != Role::Facilitator {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only a facilitator can do this",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- accounts

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

/// `POST /api/signup`.
pub async fn signup(
    State(st): State<AppState>,
    ApiJson(b): ApiJson<SignUp>,
) -> Result<Response, ApiError> {
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
            "conflict",
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
    if st
        .log
        .store
        .account_by_email(&email)
        .await
        .map_err(ApiError::internal)?
        .is_some()
    {
        return Err(conflict());
    }
    let (councils, role) = match &b.invitation {
        Some(code) => {
            let inv = st
                .log
                .store
                .take_invitation(&auth::token_hash(code.trim()))
                .await
                .map_err(ApiError::internal)?
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "invitation",
                        "this invitation is unknown or already used",
                    )
                })?;
            let councils = inv
                .councils
                .split(',')
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect::<Vec<CouncilId>>();
            let role = if inv.role == "facilitator" {
                Role::Facilitator
            } else {
                Role::Member
            };
            (councils, role)
        }
        None => {
            if !st.settings.open_signup {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "invitation",
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
    let member = {
        let next = st
            .log
            .read(|c| c.ledger.members.keys().next_back().copied().unwrap_or(0) + 1);
        let account = Account {
            member: next,
            email: email.clone(),
            password_hash: hash,
            name,
        };
        st.log
            .append_with(vec![account], move |l| {
                let m = l.members.keys().next_back().copied().unwrap_or(0) + 1;
                if m != next {
                    return Err(Rejected {
                        code: "conflict",
                        message: "another member joined at the same moment; try again".into(),
                    });
                }
                Ok((
                    vec![Event::MemberJoined {
                        member: m,
                        councils,
                        role,
                    }],
                    m,
                ))
            })
            .await
            .map_err(|e| match e {
                // The unique e-mail index refuses a duplicate sign-up racing this one.
                AppendError::Storage => ApiError::internal("storage"),
                other => other.into(),
            })?
    };
    Ok((StatusCode::CREATED, Json(json!({"member": member}))).into_response())
}

/// Sign-in body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

fn client_key(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("local")
        .to_string()
}

/// `POST /api/login`.
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
                "rate_limited",
                format!("too many failed sign-ins; try again in {wait} s"),
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
    }
    let account = st
        .log
        .store
        .account_by_email(&email)
        .await
        .map_err(ApiError::internal)?;
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
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong e-mail or password",
        ));
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
        .await
        .map_err(ApiError::internal)?;
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
    let mut r = Json(json!({"member": account.member, "csrf_token": csrf})).into_response();
    r.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(r)
}

/// `POST /api/logout`.
pub async fn logout(State(st): State<AppState>, c: Caller) -> Result<Response, ApiError> {
    if let Some(h) = &c.session {
        st.log
            .store
            .delete_session(h)
            .await
            .map_err(ApiError::internal)?;
    }
    let mut r = Json(json!({"signed_out": true})).into_response();
    r.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_static("plenty_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(r)
}

/// `GET /api/me`: who is signed in, a fresh CSRF token, and their receipts.
pub async fn me(State(st): State<AppState>, c: Caller) -> Result<Json<Value>, ApiError> {
    let account = st
        .log
        .store
        .account(c.member)
        .await
        .map_err(ApiError::internal)?;
    let csrf = c
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
            .map(|((_, t), to)| (format!("{t:?}").to_lowercase(), *to))
            .collect();
        (councils, delegations, l.latest_round().map(|r| r.id))
    });
    Ok(Json(json!({
        "member": c.member,
        "name": account.map(|a| a.name),
        "role": c.role,
        "councils": councils,
        "delegations": delegations,
        "csrf_token": csrf,
        "receipt": round.map(|r| json!({"round": r, "pseudonym": auth::pseudonym(&st.secret, r, c.member)})),
    })))
}

/// `POST /api/tokens`: a new API token for the caller, shown once.
pub async fn create_token(State(st): State<AppState>, c: Caller) -> Result<Response, ApiError> {
    let token = auth::random_token();
    st.log
        .store
        .create_api_token(&auth::token_hash(&token), c.member)
        .await
        .map_err(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(json!({"token": token}))).into_response())
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

/// `POST /api/invitations` (facilitator).
pub async fn invite(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Invite>,
) -> Result<Response, ApiError> {
    facilitator(&c)?;
    let missing = st.log.read(|ch| {
        b.councils
            .iter()
            .find(|k| !ch.ledger.councils.contains_key(k))
            .copied()
    });
    if let Some(k) = missing {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no council {k}"),
        ));
    }
    let code = auth::random_token();
    let inv = Invitation {
        councils: b
            .councils
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(","),
        role: if b.role == Some(Role::Facilitator) {
            "facilitator".into()
        } else {
            "member".into()
        },
    };
    st.log
        .store
        .create_invitation(&auth::token_hash(&code), &inv)
        .await
        .map_err(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(json!({"invitation": code}))).into_response())
}

// ---------------------------------------------------------------- federation

/// `GET /api/federation`: the federation, councils, economy and rounds.
pub async fn federation(State(st): State<AppState>) -> Json<Value> {
    Json(st.log.read(|ch| {
        let l = &ch.ledger;
        let economy = l.economy.as_ref().map(|(_, sha, e)| {
            json!({
                "sha256": sha,
                "products": e.products().iter().map(|p| json!({"name": p.name, "unit": p.unit, "target": p.target, "committed": p.committed})).collect::<Vec<_>>(),
                "processes": e.process_names(),
                "labour": e.labour_types().iter().map(|x| json!({"name": x.name, "hours": x.hours})).collect::<Vec<_>>(),
                "resources": e.resources().iter().map(|x| json!({"name": x.name, "unit": x.unit, "limit": if x.limit.is_finite() { json!(x.limit) } else { Value::Null }})).collect::<Vec<_>>(),
            })
        });
        json!({
            "name": l.name,
            "weeks_per_period": l.weeks_per_period,
            "members": l.members.len(),
            "councils": l.councils.iter().map(|(k, c)| json!({"id": k, "name": c.name, "kind": c.kind, "processes": c.processes})).collect::<Vec<_>>(),
            "economy": economy,
            "rounds": l.rounds.values().map(|r| json!({"id": r.id, "title": r.title, "phase": r.phase})).collect::<Vec<_>>(),
            "entries": ch.seq,
            "head": ch.head,
        })
    }))
}

/// Council body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCouncil {
    name: String,
    kind: CouncilKind,
    #[serde(default)]
    processes: Vec<String>,
}

/// `POST /api/councils` (facilitator).
pub async fn create_council(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<NewCouncil>,
) -> Result<Response, ApiError> {
    facilitator(&c)?;
    let id = st
        .log
        .append_with(Vec::new(), |l| {
            let id = l.councils.keys().next_back().copied().unwrap_or(0) + 1;
            Ok((
                vec![Event::CouncilFounded {
                    council: id,
                    name: b.name.trim().to_string(),
                    kind: b.kind,
                    processes: b.processes,
                }],
                id,
            ))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"council": id}))).into_response())
}

/// Economy body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportEconomy {
    text: String,
}

/// `POST /api/economy` (facilitator): imports a planning file (TOML).
pub async fn import_economy(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<ImportEconomy>,
) -> Result<Response, ApiError> {
    facilitator(&c)?;
    let sha = plenty_ledger::chain::sha256_hex(b.text.as_bytes());
    st.log
        .append(Event::EconomyImported {
            by: c.member,
            text: b.text,
            sha256: sha.clone(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"sha256": sha}))).into_response())
}

// ---------------------------------------------------------------- rounds

/// New round body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    title: String,
    #[serde(default)]
    rule: Option<ProjectRule>,
    #[serde(default)]
    quorum: Option<Quorum>,
    #[serde(default)]
    default_split: Option<[f64; 3]>,
}

/// `POST /api/rounds` (facilitator).
pub async fn open_round(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<NewRound>,
) -> Result<Response, ApiError> {
    facilitator(&c)?;
    let id = st
        .log
        .append_with(Vec::new(), |l| {
            let id = l.rounds.keys().next_back().copied().unwrap_or(0) + 1;
            Ok((
                vec![Event::RoundOpened {
                    round: id,
                    title: b.title.trim().to_string(),
                    by: c.member,
                    rule: b.rule.unwrap_or(ProjectRule::EqualShares),
                    quorum: b.quorum.unwrap_or_default(),
                    default_split: b.default_split.unwrap_or([0.8, 0.15, 0.05]),
                }],
                id,
            ))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"round": id}))).into_response())
}

fn round_json(
    st: &AppState,
    l: &Ledger,
    r: &plenty_ledger::state::RoundState,
    me: Option<&Caller>,
) -> Value {
    let mut needs: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for n in &r.needs {
        let e = needs.entry(n.product.as_str()).or_insert((0.0, 0));
        e.0 += n.quantity;
        e.1 += 1;
    }
    let my = me.map(|c| auth::pseudonym(&st.secret, r.id, c.member));
    let plan_job = st
        .plans
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&r.id)
        .cloned();
    let (plan_job, durable) = PlanJob::reported(plan_job.as_ref(), r.plan.is_some());
    json!({
        "id": r.id,
        "title": r.title,
        "phase": r.phase,
        "rule": r.rule,
        "quorum": r.quorum,
        "default_split": r.default_split,
        "needs": needs.iter().map(|(p, (q, k))| json!({"product": p, "quantity": q, "registrations": k})).collect::<Vec<_>>(),
        "proposals": r.proposals.values().map(|p| json!({"id": p.id, "title": p.title, "cost_hours": p.cost_hours, "resources": p.resources, "mine": my.as_ref() == Some(&p.by)})).collect::<Vec<_>>(),
        "ballots": r.ballots.len(),
        "ballots_cast": r.ballots_cast,
        "eligible": l.members.len(),
        "total_hours": l.total_hours(),
        // The count without its round-by-round explanation, which is at /api/rounds/{id}/tally.
        "tally": r.tally.as_ref().map(|t| json!({
            "quorum": t.quorum,
            "split": t.split,
            // The ten highest; all of them (one per product) at /api/rounds/{id}/tally.
            "priorities": t.priorities.iter().take(10).collect::<Vec<_>>(),
            "projects": {
                "rule": t.projects.rule,
                "budget_hours": t.projects.budget_hours,
                "funded": t.projects.funded,
                "spent_hours": t.projects.spent_hours,
                "approvals": t.projects.approvals,
            },
            "href": format!("/api/rounds/{}/tally", r.id),
        })),
        "plan_job": plan_job,
        // The plan itself is at /api/rounds/{id}/plan: it can be large, and this is read often.
        "plan": r.plan.as_ref().filter(|_| durable).map(|p| json!({
            "status": p.1.status,
            "lambda": p.1.lambda,
            "working_week": p.1.working_week,
            "href": format!("/api/rounds/{}/plan", r.id),
        })),
        "my_pseudonym": my,
        "my_ballot": my.as_ref().and_then(|p| r.ballots.get(p)),
    })
}

fn get_round<T>(
    st: &AppState,
    id: RoundId,
    f: impl FnOnce(&Ledger, &plenty_ledger::state::RoundState) -> T,
) -> Result<T, ApiError> {
    st.log.read(|ch| {
        let r = ch.ledger.rounds.get(&id).ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no round {id}"))
        })?;
        Ok(f(&ch.ledger, r))
    })
}

/// `GET /api/rounds/{id}`.
pub async fn round(
    State(st): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Path(id): Path<RoundId>,
) -> Result<Json<Value>, ApiError> {
    get_round(&st, id, |l, r| Json(round_json(&st, l, r, c.as_ref())))
}

/// `GET /api/rounds/current`.
pub async fn current_round(
    State(st): State<AppState>,
    MaybeCaller(c): MaybeCaller,
) -> Result<Json<Value>, ApiError> {
    st.log.read(|ch| {
        let r = ch
            .ledger
            .latest_round()
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no round yet"))?;
        Ok(Json(round_json(&st, &ch.ledger, r, c.as_ref())))
    })
}

/// Need body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNeed {
    product: String,
    quantity: f64,
}

/// `POST /api/rounds/{id}/needs`.
pub async fn register_need(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<NewNeed>,
) -> Result<Response, ApiError> {
    st.log
        .append(Event::NeedRegistered {
            round: id,
            by: auth::pseudonym(&st.secret, id, c.member),
            product: b.product,
            quantity: b.quantity,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"registered": true}))).into_response())
}

/// Proposal body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    title: String,
    cost_hours: f64,
    #[serde(default)]
    resources: BTreeMap<String, f64>,
}

/// `POST /api/rounds/{id}/proposals`.
pub async fn submit_proposal(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<NewProposal>,
) -> Result<Response, ApiError> {
    let by = auth::pseudonym(&st.secret, id, c.member);
    let pid = st
        .log
        .append_with(Vec::new(), |l| {
            let pid = l.last_proposal + 1;
            Ok((
                vec![Event::ProposalSubmitted {
                    round: id,
                    proposal: pid,
                    by,
                    title: b.title.trim().to_string(),
                    cost_hours: b.cost_hours,
                    resources: b.resources,
                }],
                pid,
            ))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"proposal": pid}))).into_response())
}

/// `POST /api/rounds/{id}/ballot`. A second ballot replaces the first; both are in the log.
pub async fn cast_ballot(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<Ballot>,
) -> Result<Json<Value>, ApiError> {
    let voter = auth::pseudonym(&st.secret, id, c.member);
    let v2 = voter.clone();
    let replaces = st
        .log
        .append_with(Vec::new(), move |l| {
            let replaces = l
                .rounds
                .get(&id)
                .is_some_and(|r| r.ballots.contains_key(&v2));
            Ok((
                vec![Event::BallotCast {
                    round: id,
                    voter: v2,
                    ballot: b,
                    replaces,
                }],
                replaces,
            ))
        })
        .await?;
    Ok(Json(json!({"receipt": voter, "replaces": replaces})))
}

/// Advance body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    to: Phase,
}

/// `POST /api/rounds/{id}/advance` (facilitator). Moving to `plan` closes the vote: the count
/// is recorded with the phase change, and the plan is computed in the background.
pub async fn advance(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
    ApiJson(b): ApiJson<Advance>,
) -> Result<Json<Value>, ApiError> {
    facilitator(&c)?;
    let secret = st.secret.clone();
    let member = c.member;
    st.log
        .append_with(Vec::new(), move |l| {
            let mut events = vec![Event::PhaseAdvanced {
                round: id,
                to: b.to,
                by: member,
            }];
            if b.to == Phase::Plan {
                let r = l.rounds.get(&id).ok_or_else(|| Rejected {
                    code: "not_found",
                    message: format!("no round {id}"),
                })?;
                if r.phase != Phase::Voting {
                    return Ok((events, ()));
                }
                let weights = l.weights(id, |m| auth::pseudonym(&secret, id, m));
                let eligible = l.members.len() as u64;
                let tally = compute_tally(&l.tally_input(r, eligible, &weights)?);
                events.push(Event::TallyRecorded {
                    round: id,
                    eligible,
                    weights,
                    tally: Box::new(tally),
                });
            }
            Ok((events, ()))
        })
        .await?;
    if b.to == Phase::Plan {
        spawn_plan(st.clone(), id);
    }
    Ok(Json(json!({"round": id, "phase": b.to})))
}

/// The threads plans are computed on: all cores but one, so that the service keeps a core
/// for requests while a big plan computes. (Plans are the same bits on any number of threads.)
fn plan_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|k| format!("plenty-plan-{k}"))
            .build()
            .expect("a thread pool for plans")
    })
}

/// Computes a round's plan off the async runtime and records it.
pub fn spawn_plan(st: AppState, id: RoundId) {
    {
        let mut jobs = st.plans.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(jobs.get(&id), Some(PlanJob::Computing { .. })) {
            return;
        }
        jobs.insert(id, PlanJob::Computing { since: now_ms() });
    }
    tokio::spawn(async move {
        let tol = st.settings.plan_tolerance;
        let prepared = st.log.read(|ch| {
            let inputs = ch.ledger.plan_inputs(id, tol, env!("CARGO_PKG_VERSION"))?;
            let e = ch
                .ledger
                .economy
                .as_ref()
                .map(|x| x.2.clone())
                .ok_or_else(|| Rejected {
                    code: "conflict",
                    message: "no economy".into(),
                })?;
            let start = ch.ledger.plan_start(&inputs);
            Ok::<_, Rejected>((inputs, e, start))
        });
        let result = match prepared {
            Err(r) => Err(r.message),
            Ok((inputs, e, start)) => {
                match tokio::task::spawn_blocking(move || {
                    plan_pool().install(|| {
                        compute_plan(&e, &inputs, start.as_ref().map(|p| &p.1)).map(|o| (inputs, o))
                    })
                })
                .await
                {
                    Ok(Ok((inputs, outcome))) => {
                        let ev = Event::PlanRecorded {
                            round: id,
                            inputs_sha256: digest(&inputs),
                            result_sha256: digest(&outcome),
                            inputs: Box::new(inputs),
                            result: Box::new(outcome),
                        };
                        st.log.append(ev).await.map_err(|e| format!("{e:?}"))
                    }
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        let mut jobs = st.plans.lock().unwrap_or_else(|e| e.into_inner());
        jobs.insert(
            id,
            match result {
                Ok(()) => PlanJob::Done,
                Err(message) => PlanJob::Failed { message },
            },
        );
    });
}

/// `GET /api/rounds/{id}/plan`: the plan, or where its computation stands.
pub async fn plan(
    State(st): State<AppState>,
    Path(id): Path<RoundId>,
) -> Result<Json<Value>, ApiError> {
    // Take the shared plan out under the lock; serialise it after.
    let recorded = get_round(&st, id, |_, r| r.plan.clone())?;
    let job = st
        .plans
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&id)
        .cloned();
    let (state, durable) = PlanJob::reported(job.as_ref(), recorded.is_some());
    let (inputs, plan) = match recorded.as_ref().filter(|_| durable) {
        Some(p) => (Some(&p.0), Some(&p.1)),
        None => (None, None),
    };
    Ok(Json(json!({
        "state": state["state"],
        "job": job,
        "inputs": inputs,
        "plan": plan,
    })))
}

/// `GET /api/rounds/{id}/effect`: what the caller's ballot changed. The count is recomputed
/// without the caller's ballot (and the votes delegated to it), and compared.
pub async fn my_effect(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<RoundId>,
) -> Result<Json<Value>, ApiError> {
    let me = auth::pseudonym(&st.secret, id, c.member);
    // Under the lock only gather; the recount (the Method of Equal Shares over every ballot)
    // runs after, off the async runtime.
    let gathered = get_round(&st, id, |l, r| {
        let Some(actual) = r.tally.clone() else {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "wrong_phase",
                "the round is not counted yet",
            ));
        };
        let Some(mine) = r.ballots.keys().position(|p| *p == me) else {
            return Ok(None);
        };
        let mut input = l.tally_input(r, l.members.len() as u64, &r.weights)?;
        // The ballots are in the order of their pseudonyms, as `tally_input` lists them.
        input.ballots.remove(mine);
        Ok(Some((actual, input, r.weights.get(&me).copied())))
    })??;
    let Some((actual, input, weight)) = gathered else {
        return Ok(Json(
            json!({"voted": false, "note": "you did not vote in this round (or your vote went through a delegation)"}),
        ));
    };
    let counter = tokio::task::spawn_blocking(move || compute_tally(&input))
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(json!({
        "voted": true,
        "weight": weight,
        "with_your_ballot": {"funded": actual.projects.funded, "split": actual.split.shares, "quorum_met": actual.quorum.met},
        "without_your_ballot": {"funded": counter.projects.funded, "split": counter.split.shares, "quorum_met": counter.quorum.met},
        "changed": {
            "funded": actual.projects.funded != counter.projects.funded,
            "split": actual.split.shares != counter.split.shares,
            "quorum": actual.quorum.met != counter.quorum.met,
        }
    })))
}

/// `GET /api/rounds/{id}/tally`: the whole count, with the rule's round-by-round explanation.
pub async fn tally(
    State(st): State<AppState>,
    Path(id): Path<RoundId>,
) -> Result<Json<Value>, ApiError> {
    let t = get_round(&st, id, |_, r| r.tally.clone())?.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "wrong_phase",
            "the round is not counted yet",
        )
    })?;
    Ok(Json(
        serde_json::to_value(t.as_ref()).map_err(ApiError::internal)?,
    ))
}

/// `GET /api/rounds/{id}/election.pb`: the counted project vote as a pabulib file, to rerun
/// with pabutools or any other implementation. META names the rule and, for the Method of
/// Equal Shares, the exact per-voter increment of its completion (`plenty_increment`, a
/// fraction); VOTES carry ballot pseudonyms and weights (delegated votes).
pub async fn election_pb(
    State(st): State<AppState>,
    Path(id): Path<RoundId>,
) -> Result<Response, ApiError> {
    let (election, voters, completion, rule) = get_round(&st, id, |l, r| {
        l.round_election(id).map(|(e, v, c)| (e, v, c, r.rule))
    })?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "wrong_phase",
            "the round is not counted yet",
        )
    })?;
    let mut meta = vec![
        (
            "description".to_string(),
            format!("plenty round {id}: common projects"),
        ),
        ("country".to_string(), "plenty".to_string()),
        ("unit".to_string(), "hours".to_string()),
    ];
    match (rule, &completion) {
        (ProjectRule::EqualShares, plenty_core::vote::Completion::IncrementThenGreedy { step }) => {
            meta.push(("rule".into(), "equal-shares".into()));
            meta.push(("plenty_rule".into(), "mes-cost+increment+greedy".into()));
            meta.push(("plenty_increment".into(), step.to_string()));
        }
        (ProjectRule::EqualShares, _) => {
            meta.push(("rule".into(), "equal-shares".into()));
            meta.push(("plenty_rule".into(), "mes-cost+greedy".into()));
        }
        (ProjectRule::GreedyApproval, _) => {
            meta.push(("rule".into(), "greedy".into()));
            meta.push(("plenty_rule".into(), "greedy-cost".into()));
        }
    }
    let pb = plenty_io::pabulib::Pabulib {
        meta,
        vote_type: plenty_io::pabulib::VoteType::Approval,
        election,
        voter_ids: voters,
    };
    let text = plenty_io::pabulib::to_pabulib_string(&pb).map_err(ApiError::internal)?;
    Ok(([("content-type", "text/plain; charset=utf-8")], text).into_response())
}

// ---------------------------------------------------------------- delegation

/// Delegation body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegate {
    topic: Topic,
    to: MemberId,
}

/// `POST /api/delegations`: delegate a topic (replaces an earlier delegation on it).
pub async fn delegate(
    State(st): State<AppState>,
    c: Caller,
    ApiJson(b): ApiJson<Delegate>,
) -> Result<Response, ApiError> {
    st.log
        .append(Event::DelegationGranted {
            member: c.member,
            topic: b.topic,
            to: b.to,
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"topic": b.topic, "to": b.to})),
    )
        .into_response())
}

/// `DELETE /api/delegations/{topic}`: revoke.
pub async fn revoke(
    State(st): State<AppState>,
    c: Caller,
    Path(topic): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let topic: Topic = serde_json::from_value(Value::String(topic.clone())).map_err(|_| {
        ApiError::bad(format!(
            "unknown topic {topic:?}; use projects, priorities or split"
        ))
    })?;
    st.log
        .append(Event::DelegationRevoked {
            member: c.member,
            topic,
        })
        .await?;
    Ok(Json(json!({"revoked": topic})))
}

// ---------------------------------------------------------------- audit

/// `GET /api/audit/export`: the whole log, one JSON entry per line. Public: it holds no
/// names, e-mails or passwords, and ballots only under round pseudonyms.
pub async fn export(State(st): State<AppState>) -> Result<Response, ApiError> {
    let entries = st.log.store.log().await.map_err(ApiError::internal)?;
    let mut body = String::new();
    for e in &entries {
        body.push_str(&serde_json::to_string(e).map_err(ApiError::internal)?);
        body.push('\n');
    }
    Ok((
        [
            ("content-type", "application/x-ndjson"),
            (
                "content-disposition",
                "attachment; filename=\"plenty-log.jsonl\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/audit/verify`: verifies what is in the database now (chain, rules, counts).
pub async fn verify_now(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    let entries = st.log.store.log().await.map_err(ApiError::internal)?;
    let report = tokio::task::spawn_blocking(move || plenty_ledger::verify(&entries, false))
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(json!({"ok": report.ok(), "report": report})))
}

/// `GET /api/health`.
pub async fn health(State(st): State<AppState>) -> Json<Value> {
    Json(json!({"ok": true, "backend": st.log.store.backend(), "entries": st.log.read(|c| c.seq)}))
}

#[cfg(test)]
mod tests {
    use super::PlanJob;

    /// The CI failure of stop 8: a reader was told "done" while the plan's log entry was
    /// still on its way to PostgreSQL, and the export it read next had no plan.
    #[test]
    fn issue_4_a_plan_is_reported_done_only_once_durable() {
        let computing = PlanJob::Computing { since: 0 };
        let (state, durable) = PlanJob::reported(Some(&computing), true);
        assert_eq!(state["state"], "computing");
        assert!(
            !durable,
            "applied in memory, not yet acknowledged by the store"
        );
        let (state, durable) = PlanJob::reported(Some(&PlanJob::Done), true);
        assert_eq!(state["state"], "done");
        assert!(durable);
        // After a restart there is no job: a plan in the ledger was replayed from the store.
        let (state, durable) = PlanJob::reported(None, true);
        assert_eq!(state["state"], "done");
        assert!(durable);
        let (state, durable) = PlanJob::reported(None, false);
        assert!(state.is_null() && !durable);
        let failed = PlanJob::Failed {
            message: "no economy".into(),
        };
        let (state, durable) = PlanJob::reported(Some(&failed), false);
        assert_eq!(state["state"], "failed");
        assert!(!durable);
    }
}
