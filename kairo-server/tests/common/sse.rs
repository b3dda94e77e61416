//! A Server-Sent Events client for the tests: opens `/events` or `/users/{id}/events` with a token and an optional
//! `Last-Event-ID`, and reads events (`id`, `event`, `data`) off the response as they come, skipping comments.

use std::time::Duration;

use serde_json::Value;

/// One event as sent.
#[derive(Debug, Clone)]
pub struct Sse {
    /// The `id:` line.
    pub id: i64,
    /// The `event:` line (the type).
    pub kind: String,
    /// The `data:` line, parsed.
    pub data: Value,
}

/// An open stream.
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
    /// Comment lines seen (heartbeats).
    pub comments: usize,
}

/// Opens `path` with `token`, resuming after `last` when given: the status, and the stream when it is 200.
pub async fn open(base: &str, path: &str, token: &str, last: Option<i64>) -> (u16, Option<Stream>) {
    let mut req = reqwest::Client::new().get(format!("{base}{path}")).bearer_auth(token);
    if let Some(id) = last {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let response = req.send().await.unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        return (status, None);
    }
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(kind.starts_with("text/event-stream"), "content type {kind}");
    (status, Some(Stream { response, buffer: String::new(), comments: 0 }))
}

impl Stream {
    /// The next event, or `None` when none comes within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, String::new(), String::new());
                for line in block.lines() {
                    if line.starts_with(':') {
                        self.comments += 1;
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        kind = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(id) = id {
                    return Some(Sse { id, kind, data: serde_json::from_str(&data).unwrap() });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Events until `done` holds for the ones read (or `wait` passes between two of them).
    pub async fn until(&mut self, wait: Duration, done: impl Fn(&[Sse]) -> bool) -> Vec<Sse> {
        let mut out = Vec::new();
        while !done(&out) {
            match self.next(wait).await {
                Some(e) => out.push(e),
                None => break,
            }
        }
        out
    }
}
