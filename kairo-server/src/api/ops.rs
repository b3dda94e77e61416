//! `GET /health`, `GET /metrics` (Prometheus) and the JSON 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;
use crate::error::ApiError;

/// Liveness, a database round trip, the job queue (length, age of the oldest job), the connection pool and the
/// market-data cache (Alpaca configured or not, symbols loaded, stale, failing, oldest load).
#[utoipa::path(get, path = "/health", security(()),
    responses((status = 200, description = "{ status: ok, database, jobs: { queued, oldest_age_seconds }, pool: { open, idle }, market_data, stripe: { unmapped_prices: [{ price, events, last_received_at }] }, webhooks: { endpoints, pending, failing, oldest_age_seconds, last_error } }"),
        (status = 503, description = "database unreachable, or its tables do not fit kairo (`schema_incompatible`, every problem named in `details.problems`)")))]
pub async fn health(State(s): State<AppState>) -> impl IntoResponse {
    if !s.schema.is_empty() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "error": {
                "code": "schema_incompatible",
                "message": format!("the database's tables do not fit kairo: {}", s.schema.join("; ")),
                "details": { "problems": *s.schema },
            } })),
        )
            .into_response();
    }
    // Answered within a second whatever the database does: a database that does not answer in time is down.
    let probe = async {
        let queue = s.store.queue().await?;
        let market = s.market.health().await.ok();
        let unmapped = s.store.unmapped_prices().await?;
        let webhooks = s.store.delivery_queue().await?;
        Ok::<_, crate::store::StoreError>((queue, market, unmapped, webhooks))
    };
    let outcome = match tokio::time::timeout(HEALTH_DEADLINE, probe).await {
        Ok(outcome) => outcome,
        Err(_) => {
            Err(crate::store::StoreError::Unavailable(format!("no answer within {} ms", HEALTH_DEADLINE.as_millis())))
        }
    };
    match outcome {
        Ok(((queued, oldest, failing), market, unmapped, webhooks)) => {
            let unmapped: Vec<_> = unmapped
                .into_iter()
                .map(|(price, events, last)| json!({ "price": price, "events": events, "last_received_at": last }))
                .collect();
            let (open, idle) = s.store.pool();
            (
                StatusCode::OK,
                axum::Json(json!({
                    "status": "ok",
                    "database": s.store.backend(),
                    "jobs": { "queued": queued, "oldest_age_seconds": oldest.map(age_seconds), "failing": failing },
                    "pool": { "open": open, "idle": idle },
                    "market_data": market,
                    // Stripe prices with no tier in STRIPE_PRICE_TIERS: their subscribers got the free plan
                    "stripe": { "unmapped_prices": unmapped },
                    // events waiting for their webhook endpoints; `failing` ones are retried with backoff
                    "webhooks": {
                        "endpoints": s.config.webhooks.len(),
                        "pending": webhooks.pending,
                        "failing": webhooks.failing,
                        "oldest_age_seconds": webhooks.oldest.map(age_seconds),
                        "last_error": webhooks.last_error,
                    },
                })),
            )
                .into_response()
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "1")],
            axum::Json(
                json!({ "error": { "code": "database_unavailable", "message": e.to_string(), "details": null } }),
            ),
        )
            .into_response(),
    }
}

/// The longest `/health` waits for the database before it answers 503.
const HEALTH_DEADLINE: std::time::Duration = std::time::Duration::from_millis(800);

fn age_seconds(t: chrono::DateTime<chrono::Utc>) -> f64 {
    (chrono::Utc::now() - t).num_milliseconds().max(0) as f64 / 1e3
}

/// Prometheus metrics; the queue and pool gauges are read at each scrape.
pub async fn prometheus(State(s): State<AppState>) -> impl IntoResponse {
    if let Ok(Ok((n, oldest, failing))) = tokio::time::timeout(HEALTH_DEADLINE, s.store.queue()).await {
        metrics::gauge!("kairo_jobs_pending").set(n as f64);
        metrics::gauge!("kairo_jobs_failing").set(failing as f64);
        metrics::gauge!("kairo_jobs_oldest_age_seconds").set(oldest.map_or(0.0, age_seconds));
    }
    if let Ok(Ok(q)) = tokio::time::timeout(HEALTH_DEADLINE, s.store.delivery_queue()).await {
        metrics::gauge!("kairo_webhook_deliveries_pending").set(q.pending as f64);
        metrics::gauge!("kairo_webhook_deliveries_failing").set(q.failing as f64);
    }
    let (open, idle) = s.store.pool();
    metrics::gauge!("kairo_db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("kairo_db_pool_connections", "state" => "in_use").set(open.saturating_sub(idle as u32) as f64);
    ([("content-type", "text/plain; version=0.0.4")], s.prometheus.render())
}

/// Unknown paths.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}
