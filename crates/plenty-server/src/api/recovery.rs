//! A forgotten password (issue #15): a link by e-mail, with a single-use token that lasts an
//! hour ([`crate::api::Settings::password_reset_ttl_ms`]); the database keeps only its SHA-256.
//!
//! `POST /password/forgot` answers the same (202, the same body) for every well-formed e-mail,
//! with or without an account, and does its work after answering, so that neither the answer
//! nor its time tells whether an address has an account. Requests are counted per client
//! address and per e-mail like sign-ins, and slowed down the same way.

use super::accounts::{check_email, check_password, slow_down};
use super::{now_ms, ApiError, ApiJson, AppState, Described, ErrorCode};
use crate::auth;
use crate::mail::{link, Mail};
use crate::net::ClientAddr;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// The routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", post(forgot))
        .route("/password/reset", post(reset))
}

/// Forgot body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forgot {
    email: String,
}

/// The answer to a forgotten password: always the same.
#[derive(Debug, Serialize)]
pub struct ResetRequested {
    /// Whether this service sends e-mail (false: ask a facilitator).
    pub mail_configured: bool,
    /// What happens now.
    pub message: String,
}

impl Described for ResetRequested {
    const NAME: &'static str = "ResetRequested";
    fn examples() -> Vec<Self> {
        vec![
            ResetRequested {
                mail_configured: true,
                message: SENT.into(),
            },
            ResetRequested {
                mail_configured: false,
                message: NO_MAIL.into(),
            },
        ]
    }
}

const SENT: &str = "If an account has this e-mail, a link to choose a new password is on its way to it. It works once, within an hour.";
const NO_MAIL: &str =
    "This service does not send e-mail: ask a facilitator to help you back into your account.";

/// `POST /password/forgot`: e-mails a link to reset the password, if the address has an
/// account. Always 202 with the same body.
pub async fn forgot(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(b): ApiJson<Forgot>,
) -> Result<Response, ApiError> {
    let email = check_email(&b.email)?;
    let now = now_ms();
    // Counted, never forgiven: each request is an attempt (5 free, then 1 s, 2 s, 4 s …).
    let _by_address = st
        .address_throttle
        .begin(&format!("forgot:addr:{addr}"), now, false)
        .map_err(slow_down)?;
    let _by_email = st
        .account_throttle
        .begin(
            &format!("forgot:email:{}", auth::token_hash(&email)),
            now,
            false,
        )
        .map_err(slow_down)?;
    let answer = ResetRequested {
        mail_configured: st.mail.is_some(),
        message: if st.mail.is_some() { SENT } else { NO_MAIL }.into(),
    };
    if st.mail.is_some() {
        let st = st.clone();
        tokio::spawn(async move {
            if let Err(e) = send_reset(&st, &email).await {
                tracing::warn!(error = %e, "a password reset could not be prepared");
            }
        });
    }
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

async fn send_reset(st: &AppState, email: &str) -> Result<(), crate::store::StoreError> {
    let Some(mailer) = &st.mail else {
        return Ok(());
    };
    let Some(account) = st.log.store.account_by_email(email).await? else {
        return Ok(());
    };
    let token = auth::random_token();
    let ttl = st.settings.password_reset_ttl_ms;
    st.log
        .store
        .create_password_reset(&auth::token_hash(&token), account.member, now_ms() + ttl)
        .await?;
    let url = link(
        st.settings.public_url.as_deref(),
        &format!("/reset?token={token}"),
    );
    let minutes = ttl / 60_000;
    mailer.send(Mail {
        to: account.email,
        name: Some(account.name),
        subject: "plenty: choose a new password".into(),
        body: format!(
            "Someone (you, we hope) asked to reset the password of your plenty account.\n\nChoose a new password here (the link works once, within {minutes} minutes):\n{url}\n\nIf it was not you, ignore this e-mail: your password stays as it is.\n"
        ),
    });
    Ok(())
}

/// Reset body: the token from the e-mail, and the new password.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reset {
    token: String,
    new: String,
}

/// A password reset.
#[derive(Debug, Serialize)]
pub struct PasswordReset {
    /// Sessions ended (all of the account's).
    pub sessions_ended: u64,
    /// API tokens revoked (all of them).
    pub tokens_revoked: u64,
}

impl Described for PasswordReset {
    const NAME: &'static str = "PasswordReset";
    fn examples() -> Vec<Self> {
        vec![PasswordReset {
            sessions_ended: 2,
            tokens_revoked: 0,
        }]
    }
}

/// `POST /password/reset`: sets a new password with the token of a reset e-mail (once, within
/// its hour), then ends every session of the account and revokes its API tokens.
pub async fn reset(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(b): ApiJson<Reset>,
) -> Result<Json<PasswordReset>, ApiError> {
    check_password("new", &b.new)?;
    let attempt = st
        .address_throttle
        .begin(&format!("reset:addr:{addr}"), now_ms(), false)
        .map_err(slow_down)?;
    let token = b.token.trim();
    let refused = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this link is unknown, used or expired; ask for a new one (Forgot your password?)",
        )
    };
    if token.len() > super::accounts::limits::CODE {
        return Err(refused());
    }
    // Hashed before the token is used up, so that a busy hasher does not waste it.
    let new = b.new.clone();
    let hash = super::accounts::hashing(&st, move || auth::hash_password(&new))
        .await?
        .map_err(ApiError::internal)?;
    let Some(member) = st
        .log
        .store
        .take_password_reset(&auth::token_hash(token), now_ms())
        .await?
    else {
        return Err(refused());
    };
    attempt.succeeded();
    st.log.store.set_password(member, &hash).await?;
    let sessions_ended = st.log.store.delete_sessions_of(member, None).await?;
    let tokens_revoked = st.log.store.revoke_api_tokens_of(member).await?;
    tracing::info!(member, "a password was reset by e-mail");
    Ok(Json(PasswordReset {
        sessions_ended,
        tokens_revoked,
    }))
}
