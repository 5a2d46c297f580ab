//! Pure types and rules of Sen CRM: no I/O, no async, no SQL.
//!
//! Everything here is deterministic and unit-testable; `store` turns these types into SQL
//! and `app` applies them inside transactions.

#[macro_use]
mod choice;

pub mod activity;
pub mod attachment;
pub mod contact;
pub mod errors;
pub mod filter;
pub mod ical;
pub mod import;
pub mod lead;
pub mod list;
pub mod lookup;
pub mod markup;
pub mod meeting;
pub mod merge;
pub mod money;
pub mod note;
pub mod notify;
pub mod pipeline;
pub mod search;
pub mod user;
pub mod validate;
