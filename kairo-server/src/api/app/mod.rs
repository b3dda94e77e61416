//! `GET /app`: a small dashboard served from the binary (one HTML page, its style and script inline; it requests
//! nothing but this service's own endpoints). Sign in with the service token or a user's JWT, pick a benchmark
//! (blends included) and a period: the comparison's figures, the compliance summary and the tear sheet of
//! `/users/{id}/report`, with the JSON endpoints one click away.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("index.html");

/// The dashboard page (public: the data it shows is fetched with the token typed into it).
pub async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // its own origin only; the inline style and script are the page's own
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; \
                 img-src 'self' data:; frame-src 'self'; base-uri 'none'; form-action 'none'",
            ),
        ],
        PAGE,
    )
        .into_response()
}
