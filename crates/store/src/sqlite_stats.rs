//! The SQLite planner's statistics: the per-index averages of `sqlite_stat1`, without the
//! value samples of `sqlite_stat4`.
//!
//! Why no samples: the bundled SQLite is built with `SQLITE_ENABLE_STAT4`. With samples
//! present, a prepared statement whose plan could depend on a bound value (an `=` or a
//! range on an indexed column — nearly every statement we run) is marked to be prepared
//! again whenever that parameter is bound, so sqlx's statement cache stopped saving
//! anything: every read of one lead parsed and planned its 55-column query anew (~0.1 ms
//! of the 0.18 ms it took), and `perf` showed `sqlite3Reprepare` under every `step`.
//! Without samples the planner uses `sqlite_stat1`'s per-index averages for every binding,
//! and a cached statement is reused (a bound `LIMIT` still expires one: see `Sql::limit`).

use crate::conn::Conn;
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::sql::Sql;

/// Whether `sqlite_stat4` exists (the first `ANALYZE` of a STAT4 build creates it).
async fn has_samples_table(conn: &mut impl Conn) -> Result<bool> {
    let found: Option<(i64,)> = conn
        .optional(&Sql::new(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'",
        ))
        .await?;
    Ok(found.is_some())
}

/// Drops the value samples inside `tx` and makes this connection's planner reload the
/// statistics (other connections load them with the schema).
async fn drop_samples(tx: &mut Tx) -> Result<()> {
    if has_samples_table(tx).await? {
        tx.execute(&Sql::new("DELETE FROM sqlite_stat4")).await?;
        // "ANALYZE sqlite_schema" only re-reads the statistics tables.
        tx.execute(&Sql::new("ANALYZE sqlite_schema")).await?;
    }
    Ok(())
}

/// Gathers fresh statistics for the whole file, keeping only the averages.
pub async fn analyze(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(&Sql::new("ANALYZE")).await?;
    drop_samples(&mut tx).await?;
    tx.commit().await
}

/// Removes samples an earlier version left in the file; run on the writing connection
/// before the readers connect, so none of them loads samples with its schema. A file
/// without samples is only read (no write transaction on every start).
pub async fn forget_samples(db: &Db) -> Result<()> {
    if sample_rows(db).await? == 0 {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    drop_samples(&mut tx).await?;
    tx.commit().await
}

/// Rows of value samples the file holds (0 when it has no samples table).
pub async fn sample_rows(db: &Db) -> Result<i64> {
    if !has_samples_table(&mut &*db).await? {
        return Ok(0);
    }
    let (n,): (i64,) = db
        .fetch_one(&Sql::new("SELECT COUNT(*) FROM sqlite_stat4"))
        .await?;
    Ok(n)
}
