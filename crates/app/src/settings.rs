//! The settings that the busy requests read on every call and people change rarely — the
//! pipelines with their stages, the workspace row, the currency rates — kept in memory.
//! Safe because the database moves its settings stamp in the same transaction as any change
//! to those tables (`store::settings`), and the copy is used only when its stamp is the one
//! the request saw: a signed-in request sees it in its session read, other work asks.

use std::sync::{Arc, RwLock};

use sen_domain::money::CurrencyCode;
use sen_store::pipelines::Pipeline;
use sen_store::settings::{self as store, Settings};

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};

/// How many times a read that overlapped a settings change is tried again before its answer
/// is used as it is (uncached; as good as reading each part when needed).
const SETTLE_TRIES: usize = 3;

/// The kept copy (at most one: the latest read).
#[derive(Default)]
pub(crate) struct SettingsCache(RwLock<Option<Arc<Settings>>>);

impl SettingsCache {
    fn kept(&self, stamp: i64) -> Option<Arc<Settings>> {
        let kept = self.0.read().unwrap_or_else(|e| e.into_inner());
        kept.as_ref().filter(|s| s.stamp == stamp).cloned()
    }

    fn keep(&self, settings: Arc<Settings>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(settings);
    }
}

impl App {
    /// The settings as this request sees them: the kept copy when its stamp is the one `actor`'s
    /// session read saw (or, without a session, the current one), else read again.
    pub async fn settings(&self, actor: &Actor) -> AppResult<Arc<Settings>> {
        let seen = match actor.seen_settings {
            Some(stamp) => stamp,
            None => store::stamp(&mut &self.db).await?,
        };
        if let Some(kept) = self.settings_cache.kept(seen) {
            return Ok(kept);
        }
        let mut tries = 0;
        loop {
            let (settings, settled) = store::load(&mut &self.db).await?;
            let settings = Arc::new(settings);
            tries += 1;
            if settled {
                self.settings_cache.keep(settings.clone());
                return Ok(settings);
            }
            if tries == SETTLE_TRIES {
                return Ok(settings);
            }
        }
    }
}

/// What the requests ask of the settings.
pub trait SettingsExt {
    /// The pipeline with this id, with its stages in order.
    fn pipeline(&self, id: i64) -> Option<&Pipeline>;
    /// The first deal pipeline (the board's and a new opportunity's default).
    fn deal_pipeline(&self) -> Option<&Pipeline>;
    /// The workspace currency (VND before the workspace exists).
    fn currency(&self) -> AppResult<CurrencyCode>;
}

impl SettingsExt for Settings {
    fn pipeline(&self, id: i64) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.id == id)
    }

    fn deal_pipeline(&self) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.kind == "deal")
    }

    fn currency(&self) -> AppResult<CurrencyCode> {
        self.workspace
            .as_ref()
            .and_then(|w| CurrencyCode::parse(&w.currency))
            .or_else(|| CurrencyCode::parse("VND"))
            .ok_or_else(|| AppError::Internal("no currency".into()))
    }
}
