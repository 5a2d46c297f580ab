//! The two databases behind one code path.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, Postgres, Sqlite, Transaction};

use crate::error::{Result, StoreError};
use crate::sql::{Arg, Sql};

/// Which database a `Db` talks to; also used by callers that must word SQL differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection to the workspace's database. SQLite gets a pool of readers and a separate
/// single-connection writer pool, so writers queue in-process instead of failing on
/// `SQLITE_BUSY`.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// A row type that can be read from either database.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// Rows sqlx's SQLite worker thread may hand over before it waits for the reader (sqlx's
/// default is 50). A board's 120 cards or a page of 80 searched leads then cross in one go
/// instead of the two threads waking each other every few rows: board 8.4 → 7.8 ms and
/// search 2.9 → 2.7 ms through HTTP (100k bench file, alternating runs of 300). At most a
/// few hundred rows of a few KB each wait per connection.
const ROW_BUFFER: usize = 256;

fn sqlite_options(path: &Path) -> SqliteConnectOptions {
    // busy_timeout first so the pragmas below never fail on a locked file.
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .busy_timeout(Duration::from_secs(10))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .row_buffer_size(ROW_BUFFER)
    // No memory map: SQLite maps the file in each connection (there were nine) and the
    // server's RSS counts every map (bench peak 232 MB → 169 MB without), and under
    // the mixed load reads by system call served more requests (266 vs 219 a second).
}

/// Pages the one writing connection may cache (KiB, as SQLite's negative `cache_size`):
/// a bulk load otherwise spills dirty pages to the WAL mid-transaction and reads index
/// pages back one system call at a time. Filled only by large writes; 8 MB because 16 MB
/// put the server's peak RSS at 153 MB at 1,000,000 leads (the target is 150).
const WRITER_CACHE_KIB: &str = "-8192";

/// Reading connections. The pool hands them out in turn, so each sees every n-th read:
/// with eight and SQLite's default 2 MB each, a search or a board found its pages gone and
/// read them back one system call at a time (a quarter of the benchmark's CPU; the search's
/// SQL took 7.7 ms instead of 3.5). Four with 8 MB each keep the hot pages of the board,
/// lists and searches, and four are plenty on a machine whose reads are CPU-bound.
const READERS: u32 = 4;
const READER_CACHE_KIB: &str = "-8192";

/// The writing connection's own settings.
fn writer_options(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts.pragma("cache_size", WRITER_CACHE_KIB)
        // A multi-row INSERT inside a transaction keeps a statement journal so it can be
        // undone alone; on disk that was an eighth of a bulk load's time, in pwrite calls.
        .pragma("temp_store", "memory")
}

/// How long a PostgreSQL connection may have sat in the pool and still be handed out
/// without a ping first. sqlx pings every connection it hands out by default: one more
/// round trip before each statement read through the pool and before every `BEGIN`, a
/// fifth of a card move's time (decision 020). A connection used this recently is taken
/// to be alive; one the server dropped since fails its statement, which answers an error
/// and is not handed out again.
const PG_TRUSTED_IDLE: Duration = Duration::from_secs(30);

impl Db {
    /// Opens (creating if needed) the SQLite file at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Db> {
        let opts = sqlite_options(path);
        // No ping before handing out a connection: an embedded one cannot be dropped by a
        // server, and sqlx's ping is one more trip to the connection's thread.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(writer_options(opts.clone()))
            .await?;
        let db = Db::Sqlite {
            read: write.clone(),
            write: write.clone(),
        };
        crate::sqlite_stats::forget_samples(&db).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(READERS)
            .test_before_acquire(false)
            .connect_with(opts.read_only(true).pragma("cache_size", READER_CACHE_KIB))
            .await?;
        Ok(Db::Sqlite { read, write })
    }

    /// Connects to PostgreSQL at `url` (`postgres://…`).
    pub async fn open_postgres(url: &str) -> Result<Db> {
        let opts = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > PG_TRUSTED_IDLE {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Db::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this database kind that are not applied yet.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// The migration versions each database kind knows, for the test that keeps them alike.
    pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
        let s = sqlx::migrate!("./migrations/sqlite");
        let p = sqlx::migrate!("./migrations/postgres");
        (
            s.iter().map(|m| m.version).collect(),
            p.iter().map(|m| m.version).collect(),
        )
    }

    /// Answers whether the database is reachable (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        self.fetch_optional::<(i64,)>(&Sql::new("SELECT CAST(1 AS BIGINT)"))
            .await?;
        Ok(())
    }

    /// Closes the pools; on SQLite this also lets the WAL be checkpointed.
    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite so the write lock is taken up
    /// front and a transaction never fails half-way on a lock upgrade).
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub async fn fetch_all<T: Row>(&self, sql: &Sql) -> Result<Vec<T>> {
        match self {
            Db::Sqlite { read, .. } => Ok(sqlite_as::<T>(sql).fetch_all(read).await?),
            Db::Postgres(pool) => Ok(pg_as::<T>(sql).fetch_all(pool).await?),
        }
    }

    pub async fn fetch_optional<T: Row>(&self, sql: &Sql) -> Result<Option<T>> {
        match self {
            Db::Sqlite { read, .. } => Ok(sqlite_as::<T>(sql).fetch_optional(read).await?),
            Db::Postgres(pool) => Ok(pg_as::<T>(sql).fetch_optional(pool).await?),
        }
    }

    pub async fn fetch_one<T: Row>(&self, sql: &Sql) -> Result<T> {
        match self {
            Db::Sqlite { read, .. } => Ok(sqlite_as::<T>(sql).fetch_one(read).await?),
            Db::Postgres(pool) => Ok(pg_as::<T>(sql).fetch_one(pool).await?),
        }
    }

    /// Runs one statement in its own transaction (for writes outside a use case, e.g.
    /// touching a session's last-seen time).
    pub async fn execute(&self, sql: &Sql) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = tx.execute(sql).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// A write transaction on either database. Dropped without `commit` it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Runs a statement; returns the number of rows it touched.
    pub async fn execute(&mut self, sql: &Sql) -> Result<u64> {
        let res = match self {
            Tx::Sqlite(tx) => sqlite_query(sql)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
            Tx::Postgres(tx) => pg_query(sql)
                .execute(&mut **tx)
                .await
                .map(|r| r.rows_affected()),
        };
        res.map_err(StoreError::classify)
    }

    pub async fn fetch_all<T: Row>(&mut self, sql: &Sql) -> Result<Vec<T>> {
        let res = match self {
            Tx::Sqlite(tx) => sqlite_as::<T>(sql).fetch_all(&mut **tx).await,
            Tx::Postgres(tx) => pg_as::<T>(sql).fetch_all(&mut **tx).await,
        };
        res.map_err(StoreError::classify)
    }

    pub async fn fetch_optional<T: Row>(&mut self, sql: &Sql) -> Result<Option<T>> {
        let res = match self {
            Tx::Sqlite(tx) => sqlite_as::<T>(sql).fetch_optional(&mut **tx).await,
            Tx::Postgres(tx) => pg_as::<T>(sql).fetch_optional(&mut **tx).await,
        };
        res.map_err(StoreError::classify)
    }

    pub async fn fetch_one<T: Row>(&mut self, sql: &Sql) -> Result<T> {
        let res = match self {
            Tx::Sqlite(tx) => sqlite_as::<T>(sql).fetch_one(&mut **tx).await,
            Tx::Postgres(tx) => pg_as::<T>(sql).fetch_one(&mut **tx).await,
        };
        res.map_err(StoreError::classify)
    }
}

type SqliteArgs = sqlx::sqlite::SqliteArguments;
type PgArgs = sqlx::postgres::PgArguments;

/// Binds every argument with its own Rust type (so NULLs keep their column type).
macro_rules! bind_args {
    ($query:expr, $sql:expr) => {{
        let mut q = $query;
        for arg in &$sql.args {
            q = match arg.clone() {
                Arg::I64(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Date(v) => q.bind(v),
                Arg::Json(v) => q.bind(v.map(sqlx::types::Json)),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

pub(crate) fn sqlite_query(sql: &Sql) -> sqlx::query::Query<'static, Sqlite, SqliteArgs> {
    bind_args!(sqlx::query(AssertSqlSafe(sql.sqlite_text())), sql)
}

pub(crate) fn pg_query(sql: &Sql) -> sqlx::query::Query<'static, Postgres, PgArgs> {
    bind_args!(sqlx::query(AssertSqlSafe(sql.text.clone())), sql)
}

fn sqlite_as<T: Row>(sql: &Sql) -> sqlx::query::QueryAs<'static, Sqlite, T, SqliteArgs> {
    bind_args!(
        sqlx::query_as::<Sqlite, T>(AssertSqlSafe(sql.sqlite_text())),
        sql
    )
}

fn pg_as<T: Row>(sql: &Sql) -> sqlx::query::QueryAs<'static, Postgres, T, PgArgs> {
    bind_args!(
        sqlx::query_as::<Postgres, T>(AssertSqlSafe(sql.text.clone())),
        sql
    )
}

/// The advisory lock key that says "a `sen` serves this PostgreSQL database".
const SERVING_LOCK: i64 = 7_007_001;

impl Db {
    /// On PostgreSQL, holds a shared advisory lock for as long as the returned connection
    /// lives: every serving `sen` holds one, so a restore (which needs it exclusively)
    /// cannot run under them. Nothing on SQLite (its data directory has a lock file).
    pub async fn hold_serving_lock(&self) -> Result<Option<sqlx::PgConnection>> {
        let Db::Postgres(pool) = self else {
            return Ok(None);
        };
        let mut conn = pool.acquire().await?.detach();
        sqlx::query("SELECT pg_advisory_lock_shared($1)")
            .bind(SERVING_LOCK)
            .execute(&mut conn)
            .await?;
        Ok(Some(conn))
    }

    /// On PostgreSQL, takes the serving lock exclusively if no `sen` serves the database:
    /// `Err` names the reason, `Ok(Some)` holds the lock until dropped.
    pub async fn lock_out_servers(&self) -> Result<Option<sqlx::PgConnection>> {
        let Db::Postgres(pool) = self else {
            return Ok(None);
        };
        let mut conn = pool.acquire().await?.detach();
        let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
            .bind(SERVING_LOCK)
            .fetch_one(&mut conn)
            .await?;
        if got {
            Ok(Some(conn))
        } else {
            Err(StoreError::Busy(
                "a sen is serving this database; stop it first".into(),
            ))
        }
    }
}
