//! Storing an account's imported history: its fills as trades (a repeated broker id returns the stored trade) and
//! its activities (a repeated id is stored once), so an import run twice stores nothing twice. Every record was
//! validated before anything is written.

use serde::Serialize;
use uuid::Uuid;

use crate::broker_activities::{Imported, Rejected};
use crate::store::{NewTrade, Store, StoreResult};

/// What an import stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Fills read.
    pub trades: usize,
    /// Fills stored now (the others were there already).
    pub trades_created: usize,
    /// Activities read.
    pub activities: usize,
    /// Activities stored now.
    pub activities_created: usize,
    /// Records left out on purpose, each with why.
    #[schema(value_type = Vec<Object>)]
    pub skipped: Vec<Rejected>,
}

/// Stores `imported` for `user`: the trades in one transaction, then the activities in one.
pub async fn store(store: &Store, user: Uuid, imported: Imported) -> StoreResult<ImportSummary> {
    let trades: Vec<NewTrade> = imported
        .trades
        .into_iter()
        .map(|(mut trade, raw)| {
            trade.id = Uuid::new_v4().to_string();
            NewTrade { trade, raw: Some(raw) }
        })
        .collect();
    let stored = if trades.is_empty() { Vec::new() } else { store.insert_trades(user, &trades).await? };
    let activities_created = store.insert_activities(user, &imported.activities).await?;
    Ok(ImportSummary {
        trades: trades.len(),
        trades_created: stored.iter().filter(|s| s.created).count(),
        activities: imported.activities.len(),
        activities_created,
        skipped: imported.skipped,
    })
}
