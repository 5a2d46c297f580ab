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

/// How many reads in all a request makes while each overlaps a settings change, before it
/// uses the last one as it is (for itself only, never kept).
const SETTLE_TRIES: usize = 3;

/// Stamps remembered as older than the kept copy (a request that saw one of them may use
/// the copy: it is what a fresh read would give it).
const OLDER_KEPT: usize = 16;

/// The kept copy (at most one: the latest read) and stamps known to be older than it.
#[derive(Default)]
pub(crate) struct SettingsCache(RwLock<Option<Kept>>);

struct Kept {
    settings: Arc<Settings>,
    older: Vec<i64>,
}

impl SettingsCache {
    fn kept(&self, seen: i64) -> Option<Arc<Settings>> {
        let kept = self.0.read().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|k| k.settings.stamp == seen || k.older.contains(&seen))
            .map(|k| k.settings.clone())
    }

    /// Keeps `settings`, read after a request saw `seen`: that stamp and the one kept before
    /// are older than it (unless they are its own).
    fn keep(&self, settings: Arc<Settings>, seen: Option<i64>) {
        let mut kept = self.0.write().unwrap_or_else(|e| e.into_inner());
        let mut older = match kept.take() {
            Some(k) => {
                let mut older = k.older;
                older.push(k.settings.stamp);
                older
            }
            None => Vec::new(),
        };
        older.extend(seen);
        older.retain(|s| *s != settings.stamp);
        if older.len() > OLDER_KEPT {
            older.drain(..older.len() - OLDER_KEPT);
        }
        *kept = Some(Kept { settings, older });
    }
}

impl App {
    /// The settings as this request sees them: the kept copy when the stamp `actor`'s
    /// session read saw (or, without a session, the current one) is its stamp or an older
    /// one, else read again.
    pub async fn settings(&self, actor: &Actor) -> AppResult<Arc<Settings>> {
        let seen = match actor.seen_settings {
            Some(stamp) => Some(stamp),
            None => store::stamp(&mut &self.db).await?,
        };
        if let Some(kept) = seen.and_then(|s| self.settings_cache.kept(s)) {
            return Ok(kept);
        }
        let mut tries = 0;
        loop {
            let (settings, settled) = store::load(&mut &self.db).await?;
            let settings = Arc::new(settings);
            tries += 1;
            if settled {
                self.settings_cache.keep(settings.clone(), seen);
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
