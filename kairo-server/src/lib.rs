//! The kairo service: an axum server over kairo-core with SQLite or PostgreSQL persistence.
