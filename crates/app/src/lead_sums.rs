//! Upkeep of the maintained aggregates behind the board and the report
//! (`sen_store::lead_sums`): triggers append rows on every write; this folds them together
//! once enough have piled up, so readers sum a few thousand rows whatever the write rate.

use std::time::Duration;

use sen_store::lead_sums;
use tokio::sync::watch;

use crate::App;
use crate::error::AppResult;

/// Appended rows tolerated before a compaction (each costs readers a little).
const COMPACT_AFTER_ROWS: i64 = 2_000;

/// How often the table's size is looked at.
const CHECK_EVERY: Duration = Duration::from_secs(1);

impl App {
    /// Folds the appended rows into one per key.
    pub async fn compact_lead_sums(&self) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        lead_sums::compact(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Recomputes the aggregates from the leads themselves (`sen rebuild-sums`).
    pub async fn rebuild_lead_sums(&self) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        lead_sums::rebuild(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Compacts whenever the table has grown by [`COMPACT_AFTER_ROWS`] since the last time,
    /// until `stop` turns true (run beside the server).
    pub async fn keep_lead_sums_compact(self, mut stop: watch::Receiver<bool>) {
        let mut after_last = -1;
        loop {
            if *stop.borrow() {
                return;
            }
            match self.compact_if_grown(after_last).await {
                Ok(rows) => after_last = rows,
                Err(e) => tracing::error!(error = %e, "compacting the board sums"),
            }
            tokio::select! {
                _ = tokio::time::sleep(CHECK_EVERY) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Compacts if the table holds [`COMPACT_AFTER_ROWS`] more rows than `after_last` (or
    /// always when `after_last` is negative); the rows it holds afterwards.
    pub async fn compact_if_grown(&self, after_last: i64) -> AppResult<i64> {
        let rows = lead_sums::row_count(&self.db).await?;
        if after_last >= 0 && rows < after_last + COMPACT_AFTER_ROWS {
            return Ok(rows);
        }
        self.compact_lead_sums().await?;
        Ok(lead_sums::row_count(&self.db).await?)
    }
}
