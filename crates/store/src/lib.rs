//! Persistence for Sen CRM on SQLite and PostgreSQL. The only crate that writes SQL.

pub mod activities;
pub mod attachments;
pub mod auth;
pub mod bench;
pub mod board;
pub mod change_log;
pub mod conn;
pub mod contacts;
pub mod db;
pub mod error;
pub mod filter_sql;
pub mod followers;
pub mod jobs;
pub mod lead_sums;
pub mod leads;
pub mod listing;
pub mod lookups;
pub mod mails;
pub mod meetings;
pub mod messages;
pub mod notifications;
pub mod pipelines;
pub mod rates;
pub mod reports;
pub mod saved_views;
pub mod shared;
pub mod sql;
pub mod tags;
pub mod teams;
pub mod testing;
pub mod users;

pub use conn::Conn;
pub use db::{Backend, Db, Tx};
pub use error::{Result, StoreError};
pub use listing::{BadCursor, Page};
pub use sql::Sql;
