//! Reading through either a pool or an open transaction with one set of functions.

use std::future::Future;

use crate::db::{Backend, Db, Row, Tx};
use crate::error::Result;
use crate::sql::Sql;

/// Something queries can be read from: `&Db` (the read pool) or a write transaction.
pub trait Conn: Send {
    fn backend(&self) -> Backend;
    fn all<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<Vec<T>>> + Send;
    fn optional<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<Option<T>>> + Send;
    fn one<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<T>> + Send;
}

impl Conn for &Db {
    fn backend(&self) -> Backend {
        Db::backend(self)
    }
    fn all<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<Vec<T>>> + Send {
        self.fetch_all(sql)
    }
    fn optional<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<Option<T>>> + Send {
        self.fetch_optional(sql)
    }
    fn one<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<T>> + Send {
        self.fetch_one(sql)
    }
}

impl Conn for Tx {
    fn backend(&self) -> Backend {
        Tx::backend(self)
    }
    fn all<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<Vec<T>>> + Send {
        self.fetch_all(sql)
    }
    fn optional<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<Option<T>>> + Send {
        self.fetch_optional(sql)
    }
    fn one<T: Row>(&mut self, sql: &Sql) -> impl Future<Output = Result<T>> + Send {
        self.fetch_one(sql)
    }
}
