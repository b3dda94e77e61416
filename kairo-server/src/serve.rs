//! The HTTP server loop: connections are accepted up to a cap, each served by hyper (HTTP/1.1 and HTTP/2) with a
//! deadline for a request's headers that is also the idle timeout of a keep-alive connection, and the client's
//! address is handed to the router (per-address rate limits). A request whose body the service did not read (a
//! refusal before the body: 401, 413, 415, 429, ...) is answered with `Connection: close`, so that a pooled client
//! never sends its next request on a connection whose unread bytes the server would take for a new request.
//! Shutdown stops accepting and lets the open connections finish their requests.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, Response, Version};
use axum::Router;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower_service::Service;

/// Limits of the connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Most open connections.
    pub max_connections: usize,
    /// Longest wait for a request's headers, idle time between requests included.
    pub header_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` turns true, then waits for the open connections' requests.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, mut shutdown: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    // What a client is told of the idle timeout (a second less, so that it closes first and never sends a
    // request on a connection the server is closing).
    let keep_alive =
        HeaderValue::from_str(&format!("timeout={}", limits.header_timeout.as_secs().saturating_sub(1).max(1)))
            .unwrap_or(HeaderValue::from_static("timeout=1"));
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = stopped(&mut shutdown) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before it was accepted: wait a little.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = stopped(&mut shutdown) => break,
        };
        let _ = stream.set_nodelay(true);
        let (app, keep_alive, watcher) = (app.clone(), keep_alive.clone(), graceful.watcher());
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let (mut app, keep_alive) = (app.clone(), keep_alive.clone());
                async move {
                    let http1 = matches!(req.version(), Version::HTTP_10 | Version::HTTP_11);
                    let had_body = !req.body().is_end_stream();
                    let read = Arc::new(AtomicBool::new(false));
                    let mut req = req.map(|inner| Body::new(Tracked { inner, read: read.clone() }));
                    req.extensions_mut().insert(ConnectInfo(peer));
                    let mut response: Response<Body> = app.call(req).await?;
                    if http1 {
                        let headers = response.headers_mut();
                        if had_body && !read.load(Ordering::Acquire) {
                            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
                        } else if !headers.contains_key(header::CONNECTION) {
                            headers.insert(header::HeaderName::from_static("keep-alive"), keep_alive);
                        }
                    }
                    Ok::<_, std::convert::Infallible>(response)
                }
            });
            let mut builder = Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Resolves when `shutdown` turns true (or its sender is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|s| *s).await;
}

/// A request body that records whether it was read to its end.
struct Tracked {
    inner: Incoming,
    read: Arc<AtomicBool>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The client's address as the router sees it (absent in tests that call the router directly).
pub fn peer(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}
