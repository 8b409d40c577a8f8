//! The participatory service of plenty: members register needs and proposals, vote, and see
//! the plan; every decision is an entry of a hash-chained log ([`plenty_ledger`]) kept in
//! SQLite or PostgreSQL ([`store`]).
//!
//! Layers: [`store`] (storage trait, two backends, schema migrations) → [`log`] (the replayed
//! ledger and the group-commit writer) → [`api`] (one JSON router per feature, under
//! `/api/v1`) and [`pages`] (HTML with SVG plots) → [`router`] → [`serve`].
//!
//! Beside them: [`notices`] (phase changes and ready plans, read from the log) and [`mail`]
//! (sending them, and password reset links, through an SMTP server).
//!
//! The library logs with `tracing`; `plenty serve` installs a subscriber that prints it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod demo;
pub mod keys;
pub mod log;
pub mod log_key;
pub mod mail;
pub mod net;
pub mod notices;
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
    let secrets = match &settings.secret_file {
        None => keys::Secrets::single(store.secret().await?),
        Some(path) => {
            // The key plenty 0.1 kept in the database moves into the file, once.
            let legacy = if path.exists() {
                None
            } else {
                store.legacy_secret().await?
            };
            let moved = legacy.is_some();
            let (secrets, made) = keys::Secrets::open_or_create(path, legacy)?;
            if made && moved {
                store.forget_secret().await?;
                tracing::info!(file = %path.display(), "the secret key moved from the database into its file");
            }
            secrets
        }
    };
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
    let hashers = settings.hash_concurrency.max(1);
    let mail = match (&settings.smtp, &settings.mail_from) {
        (Some(url), Some(from)) => {
            if settings.public_url.is_none() {
                tracing::warn!("--smtp without --public-url: the links in e-mails are bare paths");
            }
            Some(mail::Mailer::start(url, from)?)
        }
        (Some(_), None) => anyhow::bail!("--smtp needs --mail-from (the sender's address)"),
        (None, _) => None,
    };
    let durable = log.read(|c| c.seq);
    let st = api::AppState {
        log,
        secret: Arc::new(secrets.newest().to_vec()),
        secrets: Arc::new(secrets),
        settings: Arc::new(settings),
        // Five free failures, then 1 s, 2 s, 4 s … at most 15 min; forgotten after a quiet
        // hour; at most 10 000 keys each (a few MB), whatever is sent.
        address_throttle: Arc::new(auth::Throttle::new(5, 1000, 900_000, 3_600_000, 10_000)),
        account_throttle: Arc::new(auth::Throttle::new(5, 1000, 900_000, 3_600_000, 10_000)),
        hashing: Arc::new(tokio::sync::Semaphore::new(hashers)),
        plans: Arc::new(Mutex::new(HashMap::new())),
        signups: Arc::new(Mutex::new(Default::default())),
        heavy: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(1, |n| n.get()),
        )),
        verified: Arc::new(tokio::sync::Mutex::new(None)),
        mail,
        notices: Arc::new(notices::Notices::new(durable)),
    };
    // A round that was counted but whose plan was not recorded (the service stopped while it
    // computed) gets its plan now.
    let pending: Vec<u64> = st.log.read(|c| {
        c.ledger
            .rounds
            .values()
            .filter(|r| r.tally.is_some() && r.plan.is_none() && r.abandoned.is_none())
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
    // The pages depend on the language asked for and on who is signed in.
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login))
        .route("/signup", get(pages::signup))
        .route("/forgot", get(pages::forgot))
        .route("/reset", get(pages::reset))
        .route("/account", get(pages::account_page))
        .route("/notices", get(pages::notices_page))
        .route("/round", get(pages::round))
        .route("/rounds", get(pages::rounds))
        .route("/members", get(pages::members))
        .route("/facilitate", get(pages::facilitate))
        .route("/calendar", get(pages::calendar))
        .route("/proposals", get(pages::proposals))
        .route("/proposal", get(pages::proposal))
        .route("/audit/log", get(pages::log_page))
        .route("/audit/receipt", get(pages::receipt_page))
        .route("/calendar.ics", get(pages::calendar_ics))
        .route("/static/facilitate.js", get(pages::facilitate_script))
        .route("/plan", get(pages::plan))
        .route("/plan/about", get(pages::plan_about))
        .route("/audit", get(pages::audit))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(pages::localise))
        .layer(axum::middleware::map_response(pages::vary));
    Router::new()
        .merge(pages)
        .route("/static/app.js", get(pages::script))
        .nest(api::PREFIX, api::routes())
        .nest(
            api::LEGACY_PREFIX,
            api::routes().layer(axum::middleware::map_response(api::deprecated)),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            st.clone(),
            net::request_timeout,
        ))
        .layer(axum::middleware::map_response(net::security_headers))
        .with_state(st)
}

/// How often expired sessions, API tokens and invitations are deleted.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// A background task that ends with its owner (also when the owner's future is dropped).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often the service looks for phases whose deadline has passed (a read of the state:
/// cheap).
pub const DEADLINE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

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
    // Expired credentials are deleted now and then, for as long as the service runs.
    let store = st.log.store.clone();
    let purge = tokio::spawn(async move {
        let mut every = tokio::time::interval(PURGE_EVERY);
        loop {
            every.tick().await;
            match store.purge_expired(api::now_ms()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(rows = n, "expired sessions, tokens and invitations deleted")
                }
                Err(e) => tracing::warn!(error = %e, "purging expired credentials failed"),
            }
        }
    });
    // Phases end at their deadlines without a facilitator at hand.
    let keeper_state = st.clone();
    let deadlines = AbortOnDrop(tokio::spawn(async move {
        let mut every = tokio::time::interval(DEADLINE_CHECK_EVERY);
        loop {
            every.tick().await;
            api::rounds::keep_deadlines(&keeper_state).await;
        }
    }));
    let listener = net::Limited::new(listener, &st.settings);
    let app = router(st).into_make_service_with_connect_info::<net::PeerAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purge.abort();
    drop(deadlines);
    served
}
