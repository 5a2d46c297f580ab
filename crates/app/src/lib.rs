//! Sen CRM use cases: one function per user action. Each runs in one transaction and does
//! the access check, validation and change tracking; the web pages and the JSON API both
//! call these and nothing else.

pub mod access;
pub mod activities;
pub mod activity_types;
pub mod auth;
pub mod board;
pub mod bulk;
pub mod clock;
pub mod contacts;
pub mod convert;
pub mod demo;
pub mod error;
pub mod events;
pub mod generate;
pub mod leads;
pub mod limiter;
pub mod rates;
pub mod sales_setup;
pub mod saved_views;
pub mod secrets;
pub mod timeline;
pub mod users;

use std::sync::Arc;

pub use access::Actor;
pub use error::{AppError, AppResult, Current};
pub use sen_store::Db;

/// The application: the database plus process-wide state (the sign-in limiter).
#[derive(Clone)]
pub struct App {
    pub db: Db,
    limiter: Arc<limiter::LoginLimiter>,
    events: tokio::sync::broadcast::Sender<events::Event>,
}

impl App {
    pub fn new(db: Db) -> Self {
        App {
            db,
            limiter: Arc::default(),
            events: events::channel(),
        }
    }
}
