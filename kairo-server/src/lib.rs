//! The kairo service: an axum server over kairo-core with SQLite (embedded default) or PostgreSQL persistence, a
//! durable job queue for compliance and metric recomputation, OpenAPI docs and Prometheus metrics.
//!
//! Every number and every rule decision comes from kairo-core; this crate stores, schedules and serves.

pub mod alpaca;
pub mod api;
pub mod audit;
pub mod broker_activities;
pub mod changes;
pub mod comparisons;
pub mod config;
pub mod error;
pub mod error_schema;
pub mod jobs;
pub mod load;
pub mod market;
pub mod price_cache;
pub mod serve;
pub mod services;
pub mod store;
pub mod stripe;
pub mod trackers;
pub mod webhook_delivery;

use std::net::SocketAddr;
use std::sync::Arc;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::sync::{watch, Notify};

use crate::api::AppState;
use crate::config::Config;
use crate::store::Store;

/// The Prometheus recorder (installed once per process).
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (an embedding application's); then ours only renders.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// A started server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Stops accepting, finishes in-flight requests and the running jobs, closes the pool.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }

    /// Waits until the server stops (after a signal).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database cannot be reached or migrated.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// `host:port`.
        addr: String,
        /// The failure.
        source: std::io::Error,
    },
    /// The market-data client cannot be built from its configuration.
    #[error(transparent)]
    Market(#[from] alpaca::AlpacaError),
}

/// Connects, migrates, starts the workers and the HTTP server. `token` is the service token callers present.
pub async fn start(config: Config, token: String) -> Result<Server, StartError> {
    let store = Store::connect(&config.database_url, config.pool_min, config.pool_max).await?;
    // Tables that do not fit are named at once, and the service starts anyway so that `/health` says what is wrong
    // (503) rather than each request failing on its own.
    let schema = match store.migrate().await {
        Ok(()) => Vec::new(),
        Err(store::StoreError::Schema(problems)) => {
            tracing::error!(problems = %problems.join("; "), "the database's tables do not fit kairo; nothing migrated");
            problems
        }
        Err(e) => return Err(e.into()),
    };
    let listen = |source| StartError::Listen { addr: format!("{}:{}", config.host, config.port), source };
    let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await.map_err(listen)?;
    let addr = listener.local_addr().map_err(listen)?;
    let (tx, rx) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    let market = Arc::new(market::MarketData::new(store.clone(), &config)?);
    let (audit, audit_writer) = audit::AuditLog::start(store.clone(), rx.clone());
    let prices = Arc::new(price_cache::PriceCache::new(config.price_cache_closes));
    let changes = Arc::new(changes::Changes::default());
    let trackers = Arc::new(trackers::Trackers::new(config.tracked_trades));
    changes.clone().listen(&store, rx.clone());
    let endpoints = config.webhooks.iter().map(|w| w.url.clone()).collect();
    let events = Arc::new(services::events::Events::start(store.clone(), endpoints));
    let live = Arc::new(services::live::Live::new(config.live_accounts));
    let ranker = Arc::new(services::leaderboards::Ranker::default());
    let state = AppState {
        store: store.clone(),
        config: Arc::new(config.clone()),
        token: token.into(),
        jwt: config.jwt_secret.as_deref().map(|secret| api::auth::JwtVerifier::new(secret, &config.jwt_user_claim)),
        limits: api::limits::Limits::new(&config),
        wake: wake.clone(),
        market: market.clone(),
        prices: prices.clone(),
        comparisons: Arc::new(comparisons::Comparisons::new(config.comparison_cache_bytes)),
        changes,
        trackers: trackers.clone(),
        audit,
        prometheus: prometheus(),
        schema: Arc::new(schema),
        events: events.clone(),
        live,
        ranker: ranker.clone(),
        shutdown: rx.clone(),
    };
    let mut workers = Vec::new();
    for _ in 0..config.workers.max(1) {
        let context = jobs::Context {
            trackers: trackers.clone(),
            prices: prices.clone(),
            changes: state.changes.clone(),
            events: events.clone(),
            config: state.config.clone(),
            ranker: ranker.clone(),
        };
        workers.push(tokio::spawn(jobs::worker(store.clone(), context, wake.clone(), rx.clone())));
    }
    if state.schema.is_empty() && store.backend() == "postgres" {
        workers.push(tokio::spawn(jobs::sweeper(store.clone(), wake.clone(), rx.clone())));
    }
    if market.configured() && config.benchmark_refresh_seconds > 0 {
        let every = std::time::Duration::from_secs(config.benchmark_refresh_seconds);
        workers.push(tokio::spawn(market::refresher(market, every, rx.clone())));
    }
    workers.push(audit_writer);
    if state.schema.is_empty() {
        workers.push(tokio::spawn(ranker.clone().run(store.clone(), rx.clone())));
    }
    if !config.webhooks.is_empty() {
        workers.push(tokio::spawn(webhook_delivery::deliverer(
            store.clone(),
            config.webhooks.clone(),
            events.subscribe(),
            rx.clone(),
        )));
    }
    let app = api::router(state);
    let stop = rx.clone();
    let limits = serve::ConnectionLimits {
        max_connections: config.max_connections,
        header_timeout: std::time::Duration::from_secs(config.header_timeout_seconds),
    };
    let task = tokio::spawn(async move {
        serve::serve(listener, app, limits, stop).await;
        for w in workers {
            let _ = w.await;
        }
        store.close().await;
    });
    Ok(Server { addr, shutdown: tx, task })
}

/// Turns SIGTERM/SIGINT into a shutdown of `server`.
pub async fn run_until_signal(server: Server) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: finishing in-flight requests and jobs");
    server.shutdown().await;
}
