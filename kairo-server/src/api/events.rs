//! `GET /users/{id}/events` and `GET /events`: the event log as Server-Sent Events.
//!
//! Each event is sent as `id: <id>`, `event: <type>` and `data: {"id", "type", "user_id", "created_at", "data"}`.
//! A stream starts after the id in the `Last-Event-ID` header (what a browser's `EventSource` sends when it
//! reconnects) or the `after` parameter, else with the events written from then on; it reads the durable log, so a
//! client that reconnects with the last id it saw, to this process or to another after a restart, misses nothing
//! and sees nothing twice. A comment line is sent every `KAIRO_EVENT_HEARTBEAT_SECONDS` (15) so that proxies keep
//! the connection open. The streams wake when this process appends events, and look at the log every second for
//! those other replicas append.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::watch;
use uuid::Uuid;

use super::{AppState, Query};
use crate::error::{ApiError, ApiResult};
use crate::services::events::envelope;
use crate::store::events::EventRow;
use crate::store::Store;

/// Events read from the log at a time.
const PAGE: i64 = 500;

/// How often a stream looks at the log without being woken (events appended by other replicas).
const POLL: Duration = Duration::from_secs(1);

/// An event as the streams send it in `data` and the webhooks POST it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EventEnvelope {
    /// The event's id: increasing in the order of the log (resume after it with `Last-Event-ID`).
    pub id: i64,
    /// `compliance.fail`, `compliance.flag`, `wash_sale`, `pdt.status_changed`, `metrics.updated` or
    /// `subscription.changed`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whose event it is.
    pub user_id: Uuid,
    /// When it was written.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The compliance events: the audit row (`trade_id`, `check_name`, `status`, `reason`, `metadata`);
    /// `pdt.status_changed`: `trade_id`, `is_pattern_day_trader`, `day_trades_in_window`, `total_trades_in_window`,
    /// `window_start`, `window_end`; `metrics.updated`: `trades`; `subscription.changed`: `plan`, `status`,
    /// `stripe_event_id`, `stripe_event_type`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// Where a stream starts.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Start after this event id (as `Last-Event-ID`, which wins when both are given); `0` replays the whole log.
    pub after: Option<i64>,
}

/// One open stream.
struct Cursor {
    store: Store,
    user: Option<Uuid>,
    after: i64,
    buffer: VecDeque<EventRow>,
    wake: watch::Receiver<i64>,
    shutdown: watch::Receiver<bool>,
}

impl Cursor {
    /// The next event, waiting for one; `None` when the service stops.
    async fn next(&mut self) -> Option<EventRow> {
        loop {
            if let Some(e) = self.buffer.pop_front() {
                self.after = e.id;
                return Some(e);
            }
            // Marked seen before the read: an event appended during it wakes the wait below at once.
            self.wake.borrow_and_update();
            match self.store.events_after(self.after, self.user, PAGE).await {
                Ok(rows) if !rows.is_empty() => {
                    self.buffer.extend(rows);
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "an event stream could not read the log; retrying"),
            }
            if *self.shutdown.borrow() {
                return None;
            }
            tokio::select! {
                _ = self.wake.changed() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = self.shutdown.changed() => {}
            }
        }
    }
}

/// The id to resume after: `Last-Event-ID`, else `after`, else the newest event now (only new ones are sent).
async fn start(store: &Store, headers: &HeaderMap, after: Option<i64>, user: Option<Uuid>) -> ApiResult<i64> {
    if let Some(v) = headers.get("last-event-id") {
        let text = v.to_str().unwrap_or("");
        return text.trim().parse::<i64>().map_err(|_| {
            ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_header", "Last-Event-ID must be an event id")
                .with_details(serde_json::json!({ "field": "Last-Event-ID" }))
        });
    }
    if let Some(a) = after {
        return Ok(a);
    }
    Ok(store.last_event_id(user).await?)
}

fn stream(state: &AppState, user: Option<Uuid>, after: i64) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let cursor = Cursor {
        store: state.store.clone(),
        user,
        after,
        buffer: VecDeque::new(),
        wake: state.events.subscribe(),
        shutdown: state.shutdown.clone(),
    };
    metrics::gauge!("kairo_event_streams").increment(1.0);
    let events = futures_util::stream::unfold(Open(cursor), |mut open| async move {
        let e = open.0.next().await?;
        let event = Event::default().id(e.id.to_string()).event(e.kind.clone()).data(envelope(&e));
        Some((Ok(event), open))
    });
    let every = Duration::from_secs(state.config.event_heartbeat_seconds.max(1));
    Sse::new(events).keep_alive(KeepAlive::new().interval(every).text("heartbeat"))
}

/// A stream's cursor, counted in `kairo_event_streams` while it is open.
struct Open(Cursor);

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!("kairo_event_streams").decrement(1.0);
    }
}

/// The user's events as Server-Sent Events (service token, or the user's own token).
#[utoipa::path(get, path = "/users/{id}/events", params(("id" = Uuid, Path, description = "The user"), EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses((status = 200, content_type = "text/event-stream",
        description = "Server-Sent Events: `id`, `event` (the type) and `data` (the event's JSON: `{id, type, user_id, created_at, data}`), a `: heartbeat` comment between",
        body = EventEnvelope),
        (status = 404, body = crate::error_schema::ErrorBody)))]
pub async fn user_events(
    State(s): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    if s.store.user(id).await?.is_none() {
        return Err(ApiError::not_found(format!("no user {id}")));
    }
    let after = start(&s.store, &headers, q.after, Some(id)).await?;
    Ok(stream(&s, Some(id), after))
}

/// Every user's events as Server-Sent Events (service token).
#[utoipa::path(get, path = "/events", params(EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses((status = 200, content_type = "text/event-stream",
        description = "Server-Sent Events of every user, as `/users/{id}/events` sends them",
        body = EventEnvelope)))]
pub async fn all_events(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let after = start(&s.store, &headers, q.after, None).await?;
    Ok(stream(&s, None, after))
}
