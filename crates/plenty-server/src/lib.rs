//! The participatory service of plenty: members register needs and proposals, vote, and see
//! the plan; every decision is an entry of a hash-chained log ([`plenty_ledger`]) kept in
//! SQLite or PostgreSQL ([`store`]).
//!
//! Layers: [`store`] (storage trait, two backends, schema migrations) → [`log`] (the replayed
//! ledger and the group-commit writer) → [`api`] (one JSON router per feature, under
//! `/api/v1`) and [`pages`] (HTML with SVG plots) → [`router`] → [`serve`].
//!
//! The library logs with `tracing`; `plenty serve` installs a subscriber that prints it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod demo;
pub mod log;
pub mod log_key;
pub mod openapi;
pub mod pages;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Largest request body accepted, bytes (an economy file is the largest thing sent).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Opens the store, replays the log, loads the log's signing key (from
/// [`api::Settings::log_key`], by default the file [`log_key::default_path`] names), resumes
/// unfinished plans, and returns the state.
pub async fn state(url: &str, mut settings: api::Settings) -> anyhow::Result<api::AppState> {
    let store = store::open(url).await?;
    if settings.log_key.is_none() {
        settings.log_key = Some(log_key::default_path(url));
    }
    state_with_store(store, settings).await
}

/// As [`state`], over a store already open. Without [`api::Settings::log_key`] the log's key
/// is made for this process only (for tests and embedding: checkpoints it signs cannot be
/// verified after a restart).
pub async fn state_with_store(
    store: Arc<dyn store::Store>,
    settings: api::Settings,
) -> anyhow::Result<api::AppState> {
    let secret = store.secret().await?;
    let (path, name) = (settings.log_key.clone(), settings.log_name.clone());
    let log = log::Log::open(store, move || match path {
        Some(p) => log_key::load_or_create(&p, name.as_deref()),
        None => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            tracing::warn!("the log's checkpoints are signed with a key of this process only");
            Ok(plenty_ledger::LogSigningKey::from_seed(
                name.as_deref().unwrap_or("plenty-log/ephemeral"),
                seed,
            )?)
        }
    })
    .await?;
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
        tracing::info!(round = id, "resuming the plan of a counted round");
        api::spawn_plan(st.clone(), id);
    }
    Ok(st)
}

/// The routes: pages, and the JSON API with its OpenAPI description under
/// [`api::PREFIX`] (`/api/v1`) and, as aliases, under [`api::LEGACY_PREFIX`] (`/api`).
pub fn router(st: api::AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login))
        .route("/signup", get(pages::signup))
        .route("/round", get(pages::round))
        .route("/plan", get(pages::plan))
        .route("/audit", get(pages::audit))
        .route("/static/app.js", get(pages::script))
        .nest(api::PREFIX, api::routes())
        .nest(
            api::LEGACY_PREFIX,
            api::routes().layer(axum::middleware::map_response(api::deprecated)),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(st)
}

/// Serves the service on a bound listener until `shutdown` completes, then finishes the
/// requests under way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    st: api::AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(local) = listener.local_addr() {
        tracing::info!(
            address = %local,
            backend = st.log.store.backend(),
            entries = st.log.read(|c| c.seq),
            "listening"
        );
    }
    axum::serve(listener, router(st))
        .with_graceful_shutdown(shutdown)
        .await
}
