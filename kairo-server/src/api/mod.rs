//! The HTTP API: routes, authentication, OpenAPI document and Swagger UI.

mod activities;
mod analytics;
mod app;
mod audit_log;
pub mod auth;
mod benchmarks;
mod compliance;
mod custom_benchmarks;
mod events;
mod leaderboards;
pub mod limits;
mod ops;
mod optimize;
mod plans;
mod report;
mod schemas;
use schemas::ResponseSchemas;
mod trades;
mod users;
mod webhooks;

use std::sync::Arc;

use axum::extract::{FromRequest, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Notify;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::error::ApiError;
use crate::store::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The configuration.
    pub config: Arc<Config>,
    /// The bearer token callers present.
    pub token: Arc<str>,
    /// Verifies end users' JWTs (`None` without `KAIRO_JWT_SECRET`: only the service token is accepted).
    pub jwt: Option<auth::JwtVerifier>,
    /// Request rate limits per caller.
    pub limits: limits::Limits,
    /// The market-data cache (Alpaca, imported closes).
    pub market: Arc<crate::market::MarketData>,
    /// The closes and corporate actions held in memory.
    pub prices: Arc<crate::price_cache::PriceCache>,
    /// The comparisons kept in memory.
    pub comparisons: Arc<crate::comparisons::Comparisons>,
    /// The versions of the users' data and of the closes, for the caches (see [`crate::changes`]).
    pub changes: Arc<crate::changes::Changes>,
    /// The accounts' trackers the jobs keep (their trades spare a comparison the reading of a long history).
    pub trackers: Arc<crate::trackers::Trackers>,
    /// Wakes the workers when jobs are queued.
    pub wake: Arc<Notify>,
    /// The audit log's writer.
    pub audit: crate::audit::AuditLog,
    /// The Prometheus registry.
    pub prometheus: PrometheusHandle,
    /// The event log's writer, which wakes the open streams.
    pub events: Arc<crate::services::events::Events>,
    /// The warm engines of the live check of posted trades.
    pub live: Arc<crate::services::live::Live>,
    /// The leaderboards' ranking pass.
    pub ranker: Arc<crate::services::leaderboards::Ranker>,
    /// Turns true when the service stops (the event streams end).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// The incompatibilities of the database's tables found at start-up (nothing was migrated; `/health` answers
    /// 503 naming them).
    pub schema: Arc<Vec<String>>,
}

/// A JSON body whose rejections use the API's error shape.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be sent with Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|r| {
            ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", r.body_text())
        })?;
        if let Some(field) = nul_in_json(&bytes) {
            // (the kind is kairo-core's for the same fault: `TradeError::kind` of `InvalidText`)
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("{field} must not contain a NUL character (\\u0000)"),
            )
            .with_details(serde_json::json!({ "field": field, "kind": "invalid_text" })));
        }
        let axum::Json(v) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Json(v))
    }
}

/// Whether the request says its body is JSON (`application/json`, or `application/*+json`).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The path (`trades[3].external_id`) of the first string or key of a JSON body that holds a NUL character, which
/// no database text column can store. The body is parsed a second time only when its text has a `\u0000` escape.
pub(crate) fn nul_in_json(bytes: &[u8]) -> Option<String> {
    let escaped = bytes.windows(6).any(|w| w[0] == b'\\' && w[1] == b'u' && &w[2..] == b"0000");
    if !escaped {
        return None;
    }
    fn walk(v: &serde_json::Value, path: &str) -> Option<String> {
        match v {
            serde_json::Value::String(s) if s.contains('\0') => {
                Some(if path.is_empty() { "body".into() } else { path.into() })
            }
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, x)| walk(x, &format!("{path}[{i}]")))
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
                let here = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                if k.contains('\0') {
                    Some(here)
                } else {
                    walk(x, &here)
                }
            }),
            _ => None,
        }
    }
    walk(&serde_json::from_slice(bytes).ok()?, "")
}

/// A query string whose rejections use the API's error shape (400 `invalid_query` naming the parameter).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        // A NUL character (`%00`) in a parameter is refused here: no database text column stores one.
        if let Some(pair) = parts.uri.query().and_then(|q| q.split('&').find(|p| p.contains("%00"))) {
            let name = pair.split('=').next().unwrap_or(pair);
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("query parameter {name} must not contain a NUL character (%00)"),
            )
            .with_details(serde_json::json!({ "field": name })));
        }
        let axum::extract::Query(v) = axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|r| ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_query", r.body_text()))?;
        Ok(Query(v))
    }
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "kairo", description = "Trading analytics and compliance service (kairo-core over HTTP)."),
    paths(
        users::create_user, users::get_user, users::update_user, trades::create_trade, trades::create_trades_batch,
        compliance::list, compliance::check, analytics::metrics, analytics::comparative, report::report, ops::health,
        webhooks::stripe, benchmarks::list, benchmarks::update, audit_log::list, activities::create_activity,
        activities::create_activities_batch, activities::list, activities::account, activities::import_alpaca,
        events::user_events, events::all_events, custom_benchmarks::create, custom_benchmarks::list,
        custom_benchmarks::delete, leaderboards::page, leaderboards::get, leaderboards::opt_in, leaderboards::opt_out, optimize::optimize
    ),
    components(schemas(crate::store::User, crate::store::AuditRow, users::NewUser, users::AccountUpdate, trades::TradeIn, trades::TradeOut,
        compliance::OrderIn, crate::error_schema::ErrorBody, webhooks::Received,
        crate::market::Freshness, crate::market::Outcome, crate::store::market::PriceSource, benchmarks::UpdateIn,
        crate::store::audit_log::AuditEntry, events::EventEnvelope, crate::services::benchmarks::BenchmarkIn,
        crate::services::benchmarks::ComponentIn, crate::services::benchmarks::BenchmarkOut,
        crate::services::benchmarks::ComponentOut, crate::services::benchmarks::BenchmarkList, leaderboards::OptIn,
        leaderboards::BoardPage, leaderboards::BoardEntry, leaderboards::Standing, leaderboards::BoardStanding,
        crate::services::optimize::OptimizeIn, crate::services::optimize::RebalanceIn)),
    modifiers(&BearerAuth, &CommonErrors, &ResponseSchemas),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON text (pretty-printed).
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("KAIRO_SERVICE_TOKEN, or a user's HS256 JWT (sub = user id) for /users/{id}/...")
                    .build(),
            ),
        );
    }
}

/// Documents the error answers any operation may give (the middleware's and the extractors'): 400/415/422 for
/// a body that is not the JSON asked for, 413 past the body limit, 401/403 where a token is needed, 429 past the
/// caller's rate limit, 503 past the request deadline.
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                let public = op.security.as_ref().is_some_and(|s| s.iter().all(|r| r == &Default::default()));
                let mut common = vec![
                    ("400", "Malformed JSON or parameters"),
                    ("413", "Body larger than KAIRO_MAX_BODY_BYTES"),
                    ("415", "Body not sent as application/json"),
                    ("422", "Invalid input (the field is named in details)"),
                    ("503", "Past the request deadline, the database unavailable (Retry-After), or a dependency not configured"),
                    ("429", "Past the caller's rate limit, or the client address's limit without a token (Retry-After)"),
                ];
                if !public {
                    common.extend([("401", "No valid token"), ("403", "A user token outside its own /users/{id}/...")]);
                }
                for (status, description) in common {
                    op.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description).into());
                }
            }
        }
    }
}

/// The request id of a request: the caller's `x-request-id` when it is a sensible one (1–128 visible ASCII
/// characters), else a new UUID. Echoed in the response and carried by every log line of the request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// POSTs that change nothing (a pre-trade check), left out of the audit log.
const READ_ONLY_POSTS: &[&str] = &["/users/{id}/compliance/check"];

/// The longest request path an audit-log row keeps (in bytes; longer ones are cut on a character boundary).
const MAX_AUDIT_PATH: usize = 256;

/// Cuts `s` to at most `max` bytes, on a character boundary.
fn truncate_on_char(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// `2xx` .. `5xx`: a bounded label.
fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Request id, the request's tracing span and access log line, and its audit-log entry when it changes state.
async fn context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| (1..=128).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let route = req.extensions().get::<axum::extract::MatchedPath>().map(|p| p.as_str().to_owned());
    let route = route.unwrap_or_else(|| "unmatched".into());
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let start = std::time::Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1e3;
    span.in_scope(|| match status {
        500.. => tracing::error!(status, ms, path, "request failed"),
        400..=499 => tracing::info!(status, ms, path, "request refused"),
        _ => tracing::debug!(status, ms, path, "request"),
    });
    if let Ok(v) = axum::http::HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let changes_state =
        !matches!(method, axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS);
    if changes_state && !READ_ONLY_POSTS.contains(&route.as_str()) {
        let signed =
            response.extensions().get::<crate::audit::AuditDetail>().is_some_and(|d| d.0.get("event_id").is_some());
        let principal = response.extensions().get::<auth::Principal>().copied();
        let actor = match principal {
            _ if route == "/webhooks/stripe" && signed => "stripe".to_owned(),
            Some(auth::Principal::Service) => "service".to_owned(),
            Some(auth::Principal::User(u)) => format!("user:{u}"),
            None => {
                // An anonymous caller changed nothing (every state-changing route needs a token): counted, not
                // written, so that anonymous traffic cannot grow the audit log.
                metrics::counter!("kairo_audit_anonymous_rejects_total", "status" => status_class(status)).increment(1);
                return response;
            }
        };
        let mut path = path;
        truncate_on_char(&mut path, MAX_AUDIT_PATH);
        let detail = response.extensions().get::<crate::audit::AuditDetail>().map(|d| d.0.clone());
        state
            .audit
            .record(crate::store::audit_log::AuditEntry {
                at: chrono::Utc::now(),
                actor,
                action: format!("{} {route}", method_label(&method)),
                target: Some(path),
                status,
                request_id: id,
                detail: detail.unwrap_or_else(|| serde_json::json!({})),
            })
            .await;
    }
    response
}

/// A request method as a metric label, from a closed set: the methods the API serves and `other` for any
/// other (an invented method must not become a new time series).
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

/// Counts requests and their latency by route.
async fn observe(req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = method_label(req.method());
    let start = std::time::Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("kairo_http_requests_total", "method" => method, "path" => path.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("kairo_http_request_seconds", "method" => method, "path" => path)
        .record(start.elapsed().as_secs_f64());
    response
}

/// Puts every error answer in the API's JSON shape: the ones axum and its extractors make themselves (a 405 with
/// an empty body, a plain-text 400 for a path that is not UTF-8, a plain-text 413 from a raw body past the limit)
/// become `{ "error": { "code", "message", "details" } }` with the same status and headers.
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).into_owned());
    let message = match text {
        Ok(t) if !t.trim().is_empty() => t.trim().to_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let code = match status.as_u16() {
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "invalid_body",
        429 => "rate_limited",
        503 => "unavailable",
        400..=499 => "bad_request",
        _ => "internal",
    };
    let body = serde_json::json!({ "error": { "code": code, "message": message, "details": null } });
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}

/// Requests without an `Authorization` header (the public endpoints, and anonymous calls that the protected
/// ones refuse) are limited per client address.
async fn anonymous(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.headers().contains_key(axum::http::header::AUTHORIZATION) {
        if let Some(refused) = state.limits.check_address(crate::serve::peer(req.extensions()).map(|a| a.ip())) {
            return refused;
        }
    }
    next.run(req).await
}

/// The application's router.
pub fn router(state: AppState) -> Router {
    let protected = Router::new()
        .route("/users", post(users::create_user))
        .route("/users/{id}", get(users::get_user).patch(users::update_user))
        .route("/trades", post(trades::create_trade))
        .route("/trades/batch", post(trades::create_trades_batch))
        .route("/activities", post(activities::create_activity))
        .route("/activities/batch", post(activities::create_activities_batch))
        .route("/users/{id}/activities", get(activities::list))
        .route("/users/{id}/activities/alpaca", post(activities::import_alpaca))
        .route("/users/{id}/account", get(activities::account))
        .route("/users/{id}/compliance", get(compliance::list))
        .route("/users/{id}/compliance/check", post(compliance::check))
        .route("/users/{id}/metrics", get(analytics::metrics))
        .route("/users/{id}/comparative", get(analytics::comparative))
        .route("/users/{id}/report", get(report::report))
        .route("/users/{id}/events", get(events::user_events))
        .route("/events", get(events::all_events))
        .route("/users/{id}/benchmarks", get(custom_benchmarks::list).post(custom_benchmarks::create))
        .route("/users/{id}/benchmarks/{name}", axum::routing::delete(custom_benchmarks::delete))
        .route("/users/{id}/optimize", post(optimize::optimize))
        .route("/leaderboards", get(leaderboards::page))
        .route(
            "/users/{id}/leaderboards",
            get(leaderboards::get).put(leaderboards::opt_in).delete(leaderboards::opt_out),
        )
        .route("/benchmarks", get(benchmarks::list))
        .route("/benchmarks/update", post(benchmarks::update))
        .route("/audit-log", get(audit_log::list))
        .route("/metrics", get(ops::prometheus))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::require));
    let max_body = state.config.max_body_bytes;
    let cors = cors(&state.config.cors_origins);
    Router::new()
        .merge(protected)
        .route("/health", get(ops::health))
        .route("/app", get(app::page))
        .route("/webhooks/stripe", post(webhooks::stripe))
        .merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
        .fallback(ops::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), deadline))
        .layer(middleware::from_fn_with_state(state.clone(), anonymous))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn(observe))
        .layer(middleware::from_fn_with_state(state.clone(), context))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        // gzip or brotli when the caller accepts them (the comparison's daily series, the audit lists)
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(cors)
        .with_state(state)
}

/// CORS for the configured origins (none: no CORS headers, browsers on other origins are refused).
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let layer = CorsLayer::new()
        .allow_methods([
            axum::http::Method::GET,
            axum::http::Method::POST,
            axum::http::Method::PATCH,
            axum::http::Method::PUT,
            axum::http::Method::DELETE,
        ])
        .allow_headers([axum::http::header::AUTHORIZATION, axum::http::header::CONTENT_TYPE]);
    if origins.iter().any(|o| o == "*") {
        return layer.allow_origin(AllowOrigin::any());
    }
    let list: Vec<axum::http::HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    if list.is_empty() {
        CorsLayer::new()
    } else {
        layer.allow_origin(list)
    }
}

/// Ends a request that runs past `request_timeout_seconds` with 503 `timeout` (a database transaction in flight
/// is rolled back; a trade already committed stays, and a retry with its `external_id` returns it).
async fn deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = std::time::Duration::from_secs(state.config.request_timeout_seconds);
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} s", limit.as_secs()),
        )
        .into_response(),
    }
}
