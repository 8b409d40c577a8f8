//! The participatory service of plenty: members register needs and proposals, vote, and see
//! the plan; every decision is an entry of a hash-chained log ([`plenty_ledger`]) kept in
//! SQLite or PostgreSQL ([`store`]).
//!
//! Layers: [`store`] (storage trait, two backends) → [`core`] (the replayed ledger and the
//! group-commit writer) → [`api`] (JSON handlers, authentication) and [`pages`] (HTML with SVG
//! plots) → [`router`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod core;
pub mod demo;
pub mod openapi;
pub mod pages;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Largest request body accepted, bytes (an economy file is the largest thing sent).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Opens the store, replays the log, resumes unfinished plans, and returns the state.
pub async fn state(url: &str, settings: api::Settings) -> anyhow::Result<api::AppState> {
    let store = store::open(url).await?;
    let secret = store.secret().await?;
    let log = core::Log::open(store).await?;
    let st = api::AppState {
        log,
        secret: Arc::new(secret),
        settings: Arc::new(settings),
        limiter: Arc::new(auth::RateLimiter::new(5, 60_000)),
        plans: Arc::new(Mutex::new(HashMap::new())),
        signups: Arc::new(Mutex::new(Default::default())),
    };
    // A round that was counted but whose plan was not recorded (the service stopped while it
    // computed) gets its plan now.
    let pending: Vec<u64> = st.log.read(|c| {
        c.ledger
            .rounds
            .values()
            .filter(|r| r.tally.is_some() && r.plan.is_none())
            .map(|r| r.id)
            .collect()
    });
    for id in pending {
        api::spawn_plan(st.clone(), id);
    }
    Ok(st)
}

/// The routes: pages, the JSON API and its OpenAPI description.
pub fn router(st: api::AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login))
        .route("/signup", get(pages::signup))
        .route("/round", get(pages::round))
        .route("/plan", get(pages::plan))
        .route("/audit", get(pages::audit))
        .route("/static/app.js", get(pages::script))
        .route("/api/openapi.json", get(openapi::spec))
        .route("/api/health", get(api::health))
        .route("/api/signup", post(api::signup))
        .route("/api/login", post(api::login))
        .route("/api/logout", post(api::logout))
        .route("/api/me", get(api::me))
        .route("/api/tokens", post(api::create_token))
        .route("/api/invitations", post(api::invite))
        .route("/api/federation", get(api::federation))
        .route("/api/councils", post(api::create_council))
        .route("/api/economy", post(api::import_economy))
        .route("/api/rounds", post(api::open_round))
        .route("/api/rounds/current", get(api::current_round))
        .route("/api/rounds/{id}", get(api::round))
        .route("/api/rounds/{id}/needs", post(api::register_need))
        .route("/api/rounds/{id}/proposals", post(api::submit_proposal))
        .route("/api/rounds/{id}/ballot", post(api::cast_ballot))
        .route("/api/rounds/{id}/advance", post(api::advance))
        .route("/api/rounds/{id}/plan", get(api::plan))
        .route("/api/rounds/{id}/effect", get(api::my_effect))
        .route("/api/rounds/{id}/tally", get(api::tally))
        .route("/api/rounds/{id}/election.pb", get(api::election_pb))
        .route("/api/delegations", post(api::delegate))
        .route("/api/delegations/{topic}", delete(api::revoke))
        .route("/api/audit/export", get(api::export))
        .route("/api/audit/verify", get(api::verify_now))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(st)
}

/// Serves on `addr` until Ctrl-C; prints the address once listening.
pub async fn serve(
    url: &str,
    addr: &str,
    settings: api::Settings,
    demo: bool,
) -> anyhow::Result<()> {
    let st = state(url, settings).await?;
    if demo {
        demo::load(&st).await?;
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    println!(
        "plenty serve: listening on http://{local} ({} store, {} log entries)",
        st.log.store.backend(),
        st.log.read(|c| c.seq)
    );
    axum::serve(listener, router(st))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
