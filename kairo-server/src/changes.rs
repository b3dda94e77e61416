//! Versions of what the caches were computed from: one per user (their trades and activities) and one for loaded
//! closes, raised by every change whoever makes it, so that a read served from memory knows nothing changed.
//!
//! - PostgreSQL: the database's triggers announce each change on the channel `kairo_changes` (migration 0005); a
//!   task listens and keeps the versions in memory, so checking them costs no query. A write made by this process
//!   raises its user's version itself before it is answered, so a caller reads its own writes; another process's
//!   write is seen when its notification arrives (milliseconds). While the listening connection is down nothing is
//!   known: [`Changes::version`] answers `None` (no read is served from memory) and, once listening again, every
//!   version moves on (notifications of the gap may be lost).
//! - SQLite: triggers raise a version row in `kairo_versions` in the writing transaction (migration 0010), read with
//!   one indexed lookup.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use uuid::Uuid;

use crate::store::{Store, StoreResult};

/// The channel the triggers notify on.
pub const CHANNEL: &str = "kairo_changes";

/// The payload of a load of closes.
const PRICES: &str = "*prices";

/// What a cached answer was computed from: comparable, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    listening: u64,
    user: u64,
    prices: u64,
}

/// The versions known to this process (PostgreSQL); unused on SQLite.
#[derive(Default)]
pub struct Changes {
    /// Listening on the channel now.
    live: AtomicBool,
    /// Raised each time listening (re)starts.
    listening: AtomicU64,
    /// The source of versions: each change takes the next number.
    clock: AtomicU64,
    prices: AtomicU64,
    users: Mutex<HashMap<Uuid, u64>>,
}

impl Changes {
    /// The version of `user`'s data and of the closes now; `None` when it cannot be known (PostgreSQL while not
    /// listening).
    pub async fn version(&self, store: &Store, user: Uuid) -> StoreResult<Option<Version>> {
        if let Store::Sqlite(_) = store {
            let (user, prices) = store.versions(&user.to_string(), PRICES).await?;
            return Ok(Some(Version { listening: 0, user, prices }));
        }
        if !self.live.load(Ordering::Acquire) {
            return Ok(None);
        }
        let user = self.users.lock().unwrap_or_else(|e| e.into_inner()).get(&user).copied().unwrap_or(0);
        Ok(Some(Version {
            listening: self.listening.load(Ordering::Acquire),
            user,
            prices: self.prices.load(Ordering::Acquire),
        }))
    }

    /// `user`'s data changed (a write of this process, committed): what reads it next see.
    pub fn touch(&self, user: Uuid) {
        let v = self.clock.fetch_add(1, Ordering::AcqRel) + 1;
        self.users.lock().unwrap_or_else(|e| e.into_inner()).insert(user, v);
    }

    /// A notification's payload: a user's id or `*prices`.
    fn notified(&self, payload: &str) {
        if payload == PRICES {
            self.prices.store(self.clock.fetch_add(1, Ordering::AcqRel) + 1, Ordering::Release);
        } else if let Ok(user) = payload.parse::<Uuid>() {
            self.touch(user);
        }
    }

    /// Listens on [`CHANNEL`] until `stop` turns true (PostgreSQL; does nothing on SQLite), reconnecting after a
    /// lost connection.
    pub fn listen(self: std::sync::Arc<Self>, store: &Store, mut stop: tokio::sync::watch::Receiver<bool>) {
        let Store::Postgres(pool) = store else { return };
        let pool = pool.clone();
        let task = async move {
            loop {
                match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(mut listener) => {
                        if listener.listen(CHANNEL).await.is_ok() {
                            self.listening.store(self.clock.fetch_add(1, Ordering::AcqRel) + 1, Ordering::Release);
                            self.live.store(true, Ordering::Release);
                            // `try_recv` answers `None` when the connection is lost.
                            while let Ok(Some(n)) = listener.try_recv().await {
                                self.notified(n.payload());
                            }
                        }
                        self.live.store(false, Ordering::Release);
                        tracing::warn!("stopped listening for changes; reconnecting");
                    }
                    Err(e) => tracing::warn!("cannot listen for changes: {e}"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        };
        tokio::spawn(async move {
            tokio::select! {
                () = task => {}
                _ = stop.wait_for(|stopped| *stopped) => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_moves_only_its_users_version() {
        let c = Changes::default();
        c.live.store(true, Ordering::Release);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let read = |u| {
            let users = c.users.lock().unwrap();
            (users.get(&u).copied().unwrap_or(0), c.prices.load(Ordering::Acquire))
        };
        let (a0, b0) = (read(a), read(b));
        c.notified(&a.to_string());
        assert_ne!(read(a), a0);
        assert_eq!(read(b), b0);
        let a1 = read(a);
        c.notified(PRICES);
        assert_ne!(read(a).1, a1.1, "a load of closes moves every version");
        c.notified("not a user");
        assert_eq!(read(a).0, a1.0);
    }
}
