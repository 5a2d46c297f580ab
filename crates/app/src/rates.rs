//! Exchange rates an admin or manager sets, so the board counts other currencies in the
//! workspace currency (issue #3 item 9).

use sen_domain::errors::Invalid;
use sen_domain::money::{CurrencyCode, parse_rate};
use sen_store::rates::{self, Rate};

use crate::App;
use crate::access::{Actor, require_manager};
use crate::clock::now;
use crate::error::{AppError, AppResult};

impl App {
    pub async fn list_rates(&self) -> AppResult<Vec<Rate>> {
        Ok(rates::list(&mut &self.db).await?)
    }

    /// Sets the rate of `currency` (workspace units per one unit of it, a decimal string).
    pub async fn set_rate(&self, actor: &Actor, currency: &str, rate: &str) -> AppResult<Rate> {
        require_manager(actor)?;
        let code = CurrencyCode::parse(currency).ok_or_else(|| {
            AppError::field(
                "currency",
                Invalid::Message(format!("`{currency}` is not an ISO 4217 currency")),
            )
        })?;
        let workspace = self
            .workspace()
            .await?
            .map(|w| w.currency)
            .unwrap_or_default();
        if code.code() == workspace {
            return Err(AppError::field(
                "currency",
                Invalid::Message("the workspace currency needs no rate".into()),
            ));
        }
        let micro = parse_rate(rate).ok_or_else(|| {
            AppError::field(
                "rate",
                Invalid::Message("a positive decimal with at most 6 decimals, e.g. 25400".into()),
            )
        })?;
        let mut tx = self.db.begin().await?;
        rates::set(&mut tx, &code.code(), micro, actor.user_id, now()).await?;
        tx.commit().await?;
        self.list_rates()
            .await?
            .into_iter()
            .find(|r| r.currency == code.code())
            .ok_or(AppError::NotFound)
    }

    pub async fn delete_rate(&self, actor: &Actor, currency: &str) -> AppResult<()> {
        require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        if !rates::delete(&mut tx, currency).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}
