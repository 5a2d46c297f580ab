//! Sen CRM use cases: one function per user action. Each runs in one transaction and does
//! the access check, validation and change tracking; the web pages and the JSON API both
//! call these and nothing else.

pub mod access;
pub mod activities;
pub mod activity_types;
pub mod attachments;
pub mod auth;
pub mod backup;
pub mod board;
pub mod bulk;
pub mod clock;
pub mod contacts;
pub mod convert;
pub mod demo;
pub mod error;
pub mod events;
pub mod feed;
pub mod generate;
pub mod import;
pub mod jobs;
pub mod lead_sums;
pub mod leads;
pub mod limiter;
pub mod mail;
pub mod meetings;
pub mod notes;
pub mod notify;
pub mod rates;
pub mod reminders;
pub mod reports;
pub mod sales_setup;
pub mod saved_views;
pub mod secrets;
pub mod settings;
pub mod timeline;
pub mod users;
pub mod workspace_file;

use std::sync::Arc;

pub use access::Actor;
pub use error::{AppError, AppResult, Current};
pub use sen_store::Db;

/// The application: the database plus process-wide state (the sign-in limiter, the mail
/// settings, the live-event channel, the worker's wake-up).
#[derive(Clone)]
pub struct App {
    pub db: Db,
    limiter: Arc<limiter::LoginLimiter>,
    events: tokio::sync::broadcast::Sender<events::Event>,
    mail: Arc<mail::MailConfig>,
    wake: Arc<tokio::sync::Notify>,
    settings_cache: Arc<settings::SettingsCache>,
}

impl App {
    pub fn new(db: Db) -> Self {
        App {
            db,
            limiter: Arc::default(),
            events: events::channel(),
            mail: Arc::default(),
            wake: Arc::default(),
            settings_cache: Arc::default(),
        }
    }

    /// The same application sending mail with these settings.
    pub fn with_mail(mut self, config: mail::MailConfig) -> Self {
        self.mail = Arc::new(config);
        self
    }

    pub fn mail_config(&self) -> &mail::MailConfig {
        &self.mail
    }

    /// Tells a sleeping worker of this process that a job was queued.
    pub(crate) fn wake_worker(&self) {
        self.wake.notify_one();
    }
}
