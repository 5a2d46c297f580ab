//! A workspace's rows in a form both databases read and write alike (the workspace export,
//! the PostgreSQL backup and every restore): each value as JSON by its column's kind —
//! integers, text, booleans, UTC instants to the microsecond, dates, JSON documents and
//! bytes (base64) — whatever the database stores underneath (SQLite keeps booleans as
//! integers and instants as text). Rows are read in key order from one snapshot, so an
//! export taken while the server writes is still one consistent moment.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{Connection, Postgres, Row as _, SqliteConnection, Transaction};

use crate::db::{Backend, Db, Tx, pg_query, sqlite_query};
use crate::error::{Result, StoreError};
use crate::sql::{Arg, Sql};

pub use crate::portable_schema::TABLES;

/// How a column's values are written in the portable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Bool,
    /// An instant, as `2026-11-24T08:15:58.235299Z` (the application keeps microseconds).
    Time,
    /// A calendar day, as `2026-11-24`.
    Date,
    /// A JSON document, as itself.
    Json,
    /// Bytes, as standard base64.
    Blob,
}

/// One table of the export.
#[derive(Debug)]
pub struct TableSpec {
    pub name: &'static str,
    /// The primary key: rows are exported in its order.
    pub key: &'static [&'static str],
    /// A column pointing at another row of the same table: the importer inserts the row
    /// it points at first.
    pub self_ref: Option<&'static str>,
    /// Ids are never given twice, so the highest ever given travels with the rows.
    pub keeps_ids: bool,
    pub columns: &'static [(&'static str, Kind)],
}

impl TableSpec {
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(n, _)| *n).collect()
    }

    pub fn position(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|(n, _)| *n == column)
    }

    /// Whether the table's ids are never reused (its key is one integer `id`).
    fn has_id(&self) -> bool {
        self.keeps_ids && self.key == ["id"]
    }

    /// Rows per INSERT, under both databases' limits on bound parameters.
    pub fn batch_rows(&self) -> usize {
        (30_000 / self.columns.len().max(1)).clamp(1, 500)
    }

    /// Rows per page read while exporting: few where a row may hold a 10 MiB file.
    pub fn page_rows(&self) -> i64 {
        if self.columns.iter().any(|(_, k)| *k == Kind::Blob) {
            8
        } else {
            2_000
        }
    }
}

/// The table named `name`, if the export carries it.
pub fn table(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The portable text of an instant.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.format(TIME_FORMAT).to_string()
}

fn bad(table: &str, column: &str, want: &str, got: &Value) -> StoreError {
    let shown: String = got.to_string().chars().take(60).collect();
    StoreError::Corrupt(format!("{table}.{column}: expected {want}, found {shown}"))
}

/// The argument that stores portable value `v` in a column of `kind`.
pub fn to_arg(table: &str, column: &str, kind: Kind, v: &Value) -> Result<Arg> {
    let text = || v.as_str().ok_or_else(|| bad(table, column, "text", v));
    Ok(match (kind, v) {
        (Kind::Int, Value::Null) => Arg::I64(None),
        (Kind::Text, Value::Null) => Arg::Text(None),
        (Kind::Bool, Value::Null) => Arg::Bool(None),
        (Kind::Time, Value::Null) => Arg::Time(None),
        (Kind::Date, Value::Null) => Arg::Date(None),
        (Kind::Json, Value::Null) => Arg::Json(None),
        (Kind::Blob, Value::Null) => Arg::Bytes(None),
        (Kind::Int, _) => Arg::I64(Some(
            v.as_i64()
                .ok_or_else(|| bad(table, column, "an integer", v))?,
        )),
        (Kind::Text, _) => Arg::Text(Some(text()?.to_string())),
        (Kind::Bool, _) => Arg::Bool(Some(
            v.as_bool()
                .ok_or_else(|| bad(table, column, "true or false", v))?,
        )),
        (Kind::Time, _) => Arg::Time(Some(
            DateTime::parse_from_rfc3339(text()?)
                .map_err(|_| bad(table, column, "an RFC 3339 instant", v))?
                .with_timezone(&Utc),
        )),
        (Kind::Date, _) => Arg::Date(Some(
            NaiveDate::parse_from_str(text()?, "%Y-%m-%d")
                .map_err(|_| bad(table, column, "a YYYY-MM-DD date", v))?,
        )),
        (Kind::Json, _) => Arg::Json(Some(v.clone())),
        (Kind::Blob, _) => Arg::Bytes(Some(
            BASE64
                .decode(text()?)
                .map_err(|_| bad(table, column, "base64", v))?,
        )),
    })
}

/// Reads one row's columns (selected in the spec's order) as portable values.
macro_rules! portable_row {
    ($row:expr, $spec:expr) => {{
        let row = $row;
        let mut out = Vec::with_capacity($spec.columns.len());
        for (i, (_, kind)) in $spec.columns.iter().enumerate() {
            let v = match kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::from),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::from),
                Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::from),
                Kind::Time => row
                    .try_get::<Option<DateTime<Utc>>, _>(i)?
                    .map(|t| Value::from(time_text(t))),
                Kind::Date => row
                    .try_get::<Option<NaiveDate>, _>(i)?
                    .map(|d| Value::from(d.to_string())),
                Kind::Json => row
                    .try_get::<Option<sqlx::types::Json<Value>>, _>(i)?
                    .map(|j| j.0),
                Kind::Blob => row
                    .try_get::<Option<Vec<u8>>, _>(i)?
                    .map(|b| Value::from(BASE64.encode(b))),
            };
            out.push(v.unwrap_or(Value::Null));
        }
        out
    }};
}

/// One read-only view of the whole database at one moment.
pub enum Snapshot {
    /// A connection of its own (closed when dropped) inside `BEGIN`.
    Sqlite(SqliteConnection),
    Postgres(Transaction<'static, Postgres>),
}

impl Db {
    /// Opens a snapshot: everything read through it sees the same committed state.
    pub async fn snapshot(&self) -> Result<Snapshot> {
        Ok(match self {
            Db::Sqlite { read, .. } => {
                let mut conn = read.acquire().await?.detach();
                sqlx::query("BEGIN").execute(&mut conn).await?;
                // A deferred transaction's snapshot begins with its first read.
                sqlx::query("SELECT COUNT(*) FROM workspace")
                    .execute(&mut conn)
                    .await?;
                Snapshot::Sqlite(conn)
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                Snapshot::Postgres(tx)
            }
        })
    }
}

fn select_page(spec: &TableSpec, after: Option<&[Value]>, limit: i64) -> Result<Sql> {
    let cols: Vec<String> = spec
        .columns
        .iter()
        .map(|(n, k)| match k {
            // `workspace.id` is a SMALLINT on PostgreSQL.
            Kind::Int => format!("CAST({n} AS BIGINT) AS {n}"),
            _ => n.to_string(),
        })
        .collect();
    let mut sql = Sql::new(format!("SELECT {} FROM {}", cols.join(", "), spec.name));
    if let Some(last) = after {
        sql.push(&format!(" WHERE ({}) > (", spec.key.join(", ")));
        for (i, v) in last.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            match v {
                Value::String(s) => sql.bind(s.clone()),
                other => sql.bind(other.as_i64()),
            };
        }
        sql.push(")");
    }
    sql.push(&format!(" ORDER BY {}", spec.key.join(", ")));
    sql.limit(limit);
    Ok(sql)
}

impl Snapshot {
    /// Up to `limit` rows of `spec` after the key values `after`, in key order.
    pub async fn page(
        &mut self,
        spec: &TableSpec,
        after: Option<&[Value]>,
        limit: i64,
    ) -> Result<Vec<Vec<Value>>> {
        let sql = select_page(spec, after, limit)?;
        let mut out = Vec::new();
        match self {
            Snapshot::Sqlite(conn) => {
                for row in sqlite_query(&sql).fetch_all(&mut *conn).await? {
                    out.push(portable_row!(&row, spec));
                }
            }
            Snapshot::Postgres(tx) => {
                for row in pg_query(&sql).fetch_all(&mut **tx).await? {
                    out.push(portable_row!(&row, spec));
                }
            }
        }
        Ok(out)
    }

    /// The highest id a table that never reuses ids ever gave (deleted rows included), so
    /// a move never hands a deleted record's id to a new one.
    pub async fn high_water(&mut self, spec: &TableSpec) -> Result<Option<i64>> {
        if !spec.has_id() {
            return Ok(None);
        }
        let max_id = Sql::new(format!(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {}",
            spec.name
        ));
        let (max, issued): (i64, Option<i64>) = match self {
            Snapshot::Sqlite(conn) => {
                let max: i64 = sqlite_query(&max_id)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                let seq = Sql::with(
                    "SELECT CAST(seq AS BIGINT) FROM sqlite_sequence WHERE name = $1",
                    vec![Arg::from(spec.name)],
                );
                let issued = match sqlite_query(&seq).fetch_optional(&mut *conn).await? {
                    Some(r) => r.try_get(0)?,
                    None => None,
                };
                (max, issued)
            }
            Snapshot::Postgres(tx) => {
                let max: i64 = pg_query(&max_id).fetch_one(&mut **tx).await?.try_get(0)?;
                let seq = Sql::with(
                    "SELECT s.last_value FROM pg_sequences s \
                     WHERE quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) = pg_get_serial_sequence($1, 'id')",
                    vec![Arg::from(spec.name)],
                );
                let issued = match pg_query(&seq).fetch_optional(&mut **tx).await? {
                    Some(r) => r.try_get(0)?,
                    None => None,
                };
                (max, issued)
            }
        };
        Ok(Some(max.max(issued.unwrap_or(0))))
    }

    /// Ends the snapshot.
    pub async fn finish(self) -> Result<()> {
        match self {
            Snapshot::Sqlite(mut conn) => {
                sqlx::query("ROLLBACK").execute(&mut conn).await?;
                conn.close().await?;
            }
            Snapshot::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// Every table of the schema, derived ones included, children first (for emptying).
fn all_tables_children_first() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = TABLES.iter().rev().map(|t| t.name).collect();
    // Last: deleting the leads appends their −1 rows here (triggers), which must go too.
    names.push("lead_sums");
    names
}

/// Empties every table (a restore replaces the whole workspace), in the caller's
/// transaction so a failed restore leaves the old data in place.
pub async fn clear_all(tx: &mut Tx) -> Result<()> {
    match tx.backend() {
        Backend::Postgres => {
            let list = all_tables_children_first().join(", ");
            tx.execute(&Sql::new(format!(
                "TRUNCATE {list} RESTART IDENTITY CASCADE"
            )))
            .await?;
        }
        Backend::Sqlite => {
            for name in all_tables_children_first() {
                tx.execute(&Sql::new(format!("DELETE FROM {name}"))).await?;
            }
            tx.execute(&Sql::new("DELETE FROM sqlite_sequence")).await?;
        }
    }
    Ok(())
}

/// Inserts portable rows (each in the spec's column order) into `spec`'s table.
pub async fn insert(tx: &mut Tx, spec: &TableSpec, rows: &[Vec<Value>]) -> Result<()> {
    for chunk in rows.chunks(spec.batch_rows()) {
        let mut args = Vec::with_capacity(chunk.len());
        for row in chunk {
            if row.len() != spec.columns.len() {
                return Err(StoreError::Corrupt(format!(
                    "{}: a row has {} values for {} columns",
                    spec.name,
                    row.len(),
                    spec.columns.len()
                )));
            }
            let mut one = Vec::with_capacity(row.len());
            for ((name, kind), v) in spec.columns.iter().zip(row) {
                one.push(to_arg(spec.name, name, *kind, v)?);
            }
            args.push(one);
        }
        let sql = Sql::insert_rows(spec.name, &spec.column_names(), args, "");
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// Sets `column` (a reference to a row of the same table) of each `(id, target)` once all
/// the table's rows are in, so rows may point at later rows or at each other.
pub async fn link_rows(
    tx: &mut Tx,
    spec: &TableSpec,
    column: &str,
    links: &[(i64, i64)],
) -> Result<()> {
    for (id, target) in links {
        let sql = Sql::with(
            format!("UPDATE {} SET {column} = $1 WHERE id = $2", spec.name),
            vec![Arg::from(*target), Arg::from(*id)],
        );
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// After a table's rows went in with their own ids: its next id comes after every row
/// and, for a table that never reuses ids, after `high_water` too.
pub async fn continue_ids(tx: &mut Tx, spec: &TableSpec, high_water: Option<i64>) -> Result<()> {
    let high_water = high_water.filter(|_| spec.has_id()).unwrap_or(0);
    match tx.backend() {
        // Every integer id is an identity column whose sequence knows nothing of the rows
        // inserted with explicit ids.
        Backend::Postgres if spec.key == ["id"] && spec.columns.contains(&("id", Kind::Int)) => {
            let sql = Sql::with(
                format!(
                    "SELECT CAST(setval(pg_get_serial_sequence($1, 'id'), \
                     GREATEST($2, (SELECT COALESCE(MAX(id), 0) FROM {}), 1), \
                     GREATEST($2, (SELECT COALESCE(MAX(id), 0) FROM {})) > 0) AS BIGINT)",
                    spec.name, spec.name
                ),
                vec![Arg::from(spec.name), Arg::from(high_water)],
            );
            // NULL for a table whose id has no sequence (the one-row `workspace`).
            tx.fetch_one::<(Option<i64>,)>(&sql).await?;
        }
        // AUTOINCREMENT remembers the largest id inserted; only ids given and deleted
        // before the export need saying.
        Backend::Sqlite if high_water > 0 => {
            let sql = Sql::with(
                "UPDATE sqlite_sequence SET seq = MAX(seq, $2) WHERE name = $1",
                vec![Arg::from(spec.name), Arg::from(high_water)],
            );
            if tx.execute(&sql).await? == 0 {
                tx.execute(&Sql::with(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)",
                    vec![Arg::from(spec.name), Arg::from(high_water)],
                ))
                .await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether the database holds a workspace (set up, or users in it); the default activity
/// types a new database gets do not count.
pub async fn holds_workspace(db: &Db) -> Result<bool> {
    let (n,): (i64,) = db
        .fetch_one(&Sql::new(
            "SELECT CAST((SELECT COUNT(*) FROM workspace) + (SELECT COUNT(*) FROM users) AS BIGINT)",
        ))
        .await?;
    Ok(n > 0)
}

/// The column names of `table` as the database has them (for the schema check).
pub async fn database_columns(db: &Db, table: &str) -> Result<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => Sql::with(
            "SELECT name FROM pragma_table_info($1) ORDER BY cid",
            vec![Arg::from(table)],
        ),
        Backend::Postgres => Sql::with(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            vec![Arg::from(table)],
        ),
    };
    let rows: Vec<(String,)> = db.fetch_all(&sql).await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The tables declared AUTOINCREMENT on SQLite (for the schema check).
pub async fn sqlite_autoincrement_tables(db: &Db) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = db
        .fetch_all(&Sql::new(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' ORDER BY name",
        ))
        .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The ordinary tables of the database (for the schema check).
pub async fn database_tables(db: &Db) -> Result<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => Sql::new(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE '%_fts%' ORDER BY name",
        ),
        Backend::Postgres => Sql::new(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        ),
    };
    let rows: Vec<(String,)> = db.fetch_all(&sql).await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}
