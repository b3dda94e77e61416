//! Corporate actions of the cached symbols (`kairo_corporate_actions`): the splits and cash dividends that make the
//! raw closes in `benchmarks` a total return, and name changes. Written in the transaction of the closes they came
//! with, so a symbol's closes are never stored without its splits.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Row};

use super::sqlite::parse_dec;
use super::{Store, StoreError, StoreResult};
use crate::alpaca::CorporateAction;

/// The row of an action: (symbol, kind, ex-date, value, new symbol).
fn row(a: &CorporateAction) -> (&str, &'static str, NaiveDate, Option<Decimal>, Option<&str>) {
    match a {
        CorporateAction::Split { symbol, ex_date, ratio } => (symbol, "split", *ex_date, Some(*ratio), None),
        CorporateAction::CashDividend { symbol, ex_date, per_share } => {
            (symbol, "cash_dividend", *ex_date, Some(*per_share), None)
        }
        CorporateAction::NameChange { symbol, date, new_symbol } => {
            (symbol, "name_change", *date, None, Some(new_symbol))
        }
    }
}

/// An action from its row.
fn action(
    symbol: String,
    kind: &str,
    date: NaiveDate,
    value: Option<Decimal>,
    new: Option<String>,
) -> StoreResult<CorporateAction> {
    let corrupt = || StoreError::Corrupt(format!("corporate action {kind} of {symbol} on {date}"));
    Ok(match kind {
        "split" => CorporateAction::Split { ratio: value.ok_or_else(corrupt)?, symbol, ex_date: date },
        "cash_dividend" => {
            CorporateAction::CashDividend { per_share: value.ok_or_else(corrupt)?, symbol, ex_date: date }
        }
        "name_change" => CorporateAction::NameChange { new_symbol: new.ok_or_else(corrupt)?, symbol, date },
        _ => return Err(corrupt()),
    })
}

const UPSERT_TAIL: &str =
    " ON CONFLICT (symbol, kind, ex_date) DO UPDATE SET value = excluded.value, new_symbol = excluded.new_symbol";

/// Stores `actions` (replacing those of the same symbol, kind and date) in `tx`.
pub(super) async fn write_sqlite(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    actions: &[CorporateAction],
) -> StoreResult<()> {
    for chunk in actions.chunks(1000) {
        let mut q =
            QueryBuilder::new("INSERT INTO kairo_corporate_actions (symbol, kind, ex_date, value, new_symbol) ");
        q.push_values(chunk, |mut b, a| {
            let (symbol, kind, date, value, new) = row(a);
            b.push_bind(symbol.to_owned())
                .push_bind(kind)
                .push_bind(date.to_string())
                .push_bind(value.map(|v| v.to_string()))
                .push_bind(new.map(str::to_owned));
        });
        q.push(UPSERT_TAIL);
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// [`write_sqlite`] on PostgreSQL.
pub(super) async fn write_postgres(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    actions: &[CorporateAction],
) -> StoreResult<()> {
    for chunk in actions.chunks(1000) {
        let mut q =
            QueryBuilder::new("INSERT INTO kairo_corporate_actions (symbol, kind, ex_date, value, new_symbol) ");
        q.push_values(chunk, |mut b, a| {
            let (symbol, kind, date, value, new) = row(a);
            b.push_bind(symbol.to_owned())
                .push_bind(kind)
                .push_bind(date)
                .push_bind(value)
                .push_bind(new.map(str::to_owned));
        });
        q.push(UPSERT_TAIL);
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// The stored corporate actions of `symbols`, by symbol and date.
    pub async fn corporate_actions(&self, symbols: &[String]) -> StoreResult<Vec<CorporateAction>> {
        if symbols.is_empty() {
            return Ok(Vec::new());
        }
        let head = "SELECT symbol, kind, ex_date, value, new_symbol FROM kairo_corporate_actions WHERE symbol IN (";
        let mut out = Vec::new();
        match self {
            Store::Sqlite(p) => {
                let mut q = QueryBuilder::new(head);
                let mut list = q.separated(", ");
                for s in symbols {
                    list.push_bind(s);
                }
                q.push(") ORDER BY symbol, ex_date, kind");
                for r in q.build().fetch_all(&p.pool).await? {
                    let date: String = r.try_get("ex_date")?;
                    let date = date.parse().map_err(|e| StoreError::Corrupt(format!("date {date:?}: {e}")))?;
                    let value: Option<String> = r.try_get("value")?;
                    let value = value.as_deref().map(parse_dec).transpose()?;
                    let kind: String = r.try_get("kind")?;
                    out.push(action(r.try_get("symbol")?, &kind, date, value, r.try_get("new_symbol")?)?);
                }
            }
            Store::Postgres(p) => {
                let rows = sqlx::query(
                    "SELECT symbol, kind, ex_date, value, new_symbol FROM kairo_corporate_actions \
                     WHERE symbol = ANY($1) ORDER BY symbol, ex_date, kind",
                )
                .bind(symbols)
                .fetch_all(p)
                .await?;
                for r in rows {
                    let kind: String = r.try_get("kind")?;
                    out.push(action(
                        r.try_get("symbol")?,
                        &kind,
                        r.try_get("ex_date")?,
                        r.try_get("value")?,
                        r.try_get("new_symbol")?,
                    )?);
                }
            }
        }
        Ok(out)
    }
}
