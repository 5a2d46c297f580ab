//! Exchange rates into the workspace currency.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Rate {
    pub currency: String,
    /// Workspace major units per one major unit of `currency`, × 1,000,000.
    pub rate_micro: i64,
    pub updated_at: DateTime<Utc>,
}

pub async fn list(conn: &mut impl Conn) -> Result<Vec<Rate>> {
    conn.all(&Sql::new(
        "SELECT currency, rate_micro, updated_at FROM currency_rates ORDER BY currency",
    ))
    .await
}

pub async fn set(
    tx: &mut Tx,
    currency: &str,
    rate_micro: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM currency_rates WHERE currency = $1",
        vec![currency.into()],
    ))
    .await?;
    tx.execute(&Sql::with(
        "INSERT INTO currency_rates (currency, rate_micro, updated_at, updated_by) VALUES ($1, $2, $3, $4)",
        vec![currency.into(), rate_micro.into(), now.into(), by.into()],
    ))
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, currency: &str) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM currency_rates WHERE currency = $1",
            vec![currency.into()],
        ))
        .await?
        > 0)
}
