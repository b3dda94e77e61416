//! The store's error: the database's, classified as unavailable (retry later: 503) or not, and data kairo cannot
//! read.

/// A store error: the database's, or data in it that kairo cannot read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// The database cannot take the request now (out of disk or memory, an I/O error, locked or busy, down or
    /// unreachable, no connection free in time, a deadlock or serialization failure): nothing of the request was
    /// written, and the same request may succeed later (HTTP 503 with `Retry-After`).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The seed's tables differ from what kairo needs (every difference found, each named): nothing was migrated.
    #[error("the database's tables do not fit kairo: {}", .0.join("; "))]
    Schema(Vec<String>),
    /// A stored row does not hold a valid value.
    #[error("stored data: {0}")]
    Corrupt(String),
    /// A trade's `external_id` is already stored for another user (nothing of the request is written).
    #[error("external_id {0:?} is already used by a trade of another user")]
    ExternalIdTaken(String),
    /// A trade's `id` is already stored as a trade of another user (nothing of the request is written).
    #[error("trade id {0:?} is already a trade of another user")]
    TradeIdTaken(String),
    /// A group commit failed (every request of the group gets this error).
    #[error("commit: {0}")]
    Failed(String),
}

/// A result of the store.
pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if transient(&e) {
            StoreError::Unavailable(e.to_string())
        } else {
            StoreError::Database(e)
        }
    }
}

/// Whether `e` says the database cannot serve now rather than that the request is wrong: SQLite's full disk
/// (`SQLITE_FULL`), I/O errors (`SQLITE_IOERR*`), busy or locked database, out of memory, a file it cannot open;
/// PostgreSQL's insufficient resources (class 53: disk full, out of memory, too many connections), operator
/// intervention (class 57: shutdown, cannot connect now), connection exceptions (class 08), serialization
/// failures and deadlocks (40001, 40P01), and on either backend a lost or refused connection or a pool that had
/// no connection free within its acquire timeout.
fn transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            let code = code.as_deref().unwrap_or("");
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The primary result code is the low byte of the extended one.
                let primary = code.parse::<i32>().map(|c| c & 0xff).unwrap_or(0);
                // BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, FULL 13, CANTOPEN 14, PROTOCOL 15
                matches!(primary, 5 | 6 | 7 | 8 | 10 | 13 | 14 | 15)
            } else {
                code.starts_with("53")
                    || code.starts_with("57")
                    || code.starts_with("08")
                    || code == "40001"
                    || code == "40P01"
            }
        }
        _ => false,
    }
}

impl StoreError {
    /// Whether the database could not serve the request now (see [`StoreError::Unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        // (`From<sqlx::Error>` sorts transient errors into `Unavailable`; it is the only way a `Database` is made)
        matches!(self, StoreError::Unavailable(_))
    }

    /// Whether the database refused a row that repeats a unique key (an email, a Stripe customer or subscription
    /// already linked to another user).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }

    /// Whether the database refused a row whose reference (a trade's user) does not exist.
    pub fn is_foreign_key_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_foreign_key_violation(),
            _ => false,
        }
    }
}
