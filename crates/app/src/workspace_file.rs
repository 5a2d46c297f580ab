//! The portable workspace file (`sen export-workspace`, `sen import-workspace`, the
//! PostgreSQL backup, and restores): JSON Lines that either database writes and reads.
//!
//! ```text
//! {"format":"sen-workspace","version":1,"schema_version":14,"database":"sqlite","exported_at":"…"}
//! {"table":"workspace","columns":["id","name",…]}
//! [1,"Công ty Sen",…]
//! {"end":"workspace","rows":1,"high_water":1}
//! …
//! {"end_of_export":true,"tables":33,"rows":123456}
//! ```
//!
//! Every table comes in the schema's order (parents first) and every row in key order, so
//! two exports of the same data are the same bytes whatever database they came from. The
//! last line proves the file is whole; an import checks everything as it goes and writes
//! in one transaction, so a bad or cut-off file leaves the target as it was.

use std::io::{BufRead, Write};

use sen_store::portable::{self, Snapshot, TABLES, TableSpec};
use sen_store::{Backend, Db, StoreError, Tx};
use serde_json::{Value, json};
use thiserror::Error;

pub const FORMAT: &str = "sen-workspace";
pub const FORMAT_VERSION: i64 = 1;
/// Bytes of row lines the importer gathers before it writes them (rows with files are
/// large: a batch is cut by size as well as by count).
const BATCH_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum WorkspaceFileError {
    #[error("line {line}: {why}")]
    Format { line: usize, why: String },
    #[error(
        "the file was written by a Sen whose database schema is version {found}; this Sen has version {expected}: use the same version of Sen to move it"
    )]
    Schema { found: i64, expected: i64 },
    #[error(
        "the target database already holds a workspace; import into an empty database, or replace it on purpose (--replace)"
    )]
    NotEmpty,
    #[error("reading or writing the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

pub type FileResult<T> = Result<T, WorkspaceFileError>;

/// What an export wrote or an import read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub tables: usize,
    pub rows: u64,
}

/// The schema version this build's migrations end at (the same on both databases).
pub fn schema_version() -> i64 {
    Db::migration_versions().0.last().copied().unwrap_or(0)
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

fn line(out: &mut impl Write, v: &Value) -> FileResult<()> {
    serde_json::to_writer(&mut *out, v).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the whole workspace, as of one moment, to `out`.
pub async fn export(db: &Db, out: &mut impl Write) -> FileResult<Summary> {
    let mut snap = db.snapshot().await?;
    let result = export_from(&mut snap, db.backend(), out).await;
    snap.finish().await?;
    let summary = result?;
    out.flush()?;
    Ok(summary)
}

async fn export_from(
    snap: &mut Snapshot,
    backend: Backend,
    out: &mut impl Write,
) -> FileResult<Summary> {
    line(
        out,
        &json!({
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "schema_version": schema_version(),
            "database": backend_name(backend),
            "exported_at": portable::time_text(chrono::Utc::now()),
        }),
    )?;
    let mut total = 0u64;
    for spec in TABLES {
        line(
            out,
            &json!({"table": spec.name, "columns": spec.column_names()}),
        )?;
        let key: Vec<usize> = spec.key.iter().filter_map(|k| spec.position(k)).collect();
        let (mut rows, mut after) = (0u64, None::<Vec<Value>>);
        let page_rows = spec.page_rows();
        loop {
            let page = snap.page(spec, after.as_deref(), page_rows).await?;
            for row in &page {
                line(out, &Value::Array(row.clone()))?;
            }
            rows += page.len() as u64;
            match page.last() {
                Some(last) if page.len() as i64 == page_rows => {
                    after = Some(key.iter().map(|&i| last[i].clone()).collect());
                }
                _ => break,
            }
        }
        let high_water = snap.high_water(spec).await?;
        line(
            out,
            &json!({"end": spec.name, "rows": rows, "high_water": high_water}),
        )?;
        total += rows;
    }
    line(
        out,
        &json!({"end_of_export": true, "tables": TABLES.len(), "rows": total}),
    )?;
    Ok(Summary {
        tables: TABLES.len(),
        rows: total,
    })
}

/// Whether the database holds a workspace (one set up through the first visit or a
/// restore); the default activity types every new database gets do not count.
pub async fn holds_workspace(db: &Db) -> FileResult<bool> {
    Ok(portable::holds_workspace(db).await?)
}

/// Reads a workspace file into `db`, replacing what it holds. Without `replace` a database
/// that already holds a workspace is refused. All or nothing: one transaction.
pub async fn import(db: &Db, input: impl BufRead, replace: bool) -> FileResult<Summary> {
    if !replace && holds_workspace(db).await? {
        return Err(WorkspaceFileError::NotEmpty);
    }
    let mut tx = db.begin().await?;
    portable::clear_all(&mut tx).await?;
    let summary = Reader::default().read(&mut tx, input).await?;
    tx.commit().await?;
    Ok(summary)
}

/// The importer's place in the file.
#[derive(Default)]
struct Reader {
    line: usize,
    /// Index in TABLES of the table being read, once its opening line was seen.
    table: Option<usize>,
    next_table: usize,
    rows_in_table: u64,
    total: u64,
    pending: Vec<Vec<Value>>,
    /// The size of the pending rows' lines.
    pending_bytes: usize,
    /// For a table that points at itself: (row id, the id it points at), set once every
    /// row of the table is in (rows may point at later rows, or at each other).
    links: Vec<(i64, i64)>,
    done: bool,
}

impl Reader {
    fn fail<T>(&self, why: impl Into<String>) -> FileResult<T> {
        Err(WorkspaceFileError::Format {
            line: self.line,
            why: why.into(),
        })
    }

    async fn read(mut self, tx: &mut Tx, input: impl BufRead) -> FileResult<Summary> {
        for text in input.lines() {
            let text = text?;
            self.line += 1;
            if text.trim().is_empty() {
                continue;
            }
            if self.done {
                return self.fail("there is more after the end of the export");
            }
            let Ok(v) = serde_json::from_str::<Value>(&text) else {
                return self.fail("this line is not JSON");
            };
            match v {
                Value::Array(row) => self.row(tx, row, text.len()).await?,
                Value::Object(_) if self.line == 1 => self.header(&v)?,
                Value::Object(_) if v.get("table").is_some() => self.open_table(&v)?,
                Value::Object(_) if v.get("end").is_some() => self.close_table(tx, &v).await?,
                Value::Object(_) if v.get("end_of_export").is_some() => self.finish(&v)?,
                _ => return self.fail("a line the format does not have"),
            }
        }
        if self.line == 0 {
            return self.fail("the file is empty");
        }
        if !self.done {
            return self.fail("the file ends before its last line: it is incomplete");
        }
        Ok(Summary {
            tables: TABLES.len(),
            rows: self.total,
        })
    }

    fn header(&self, v: &Value) -> FileResult<()> {
        if v["format"] != FORMAT {
            return self.fail("this is not a Sen workspace file");
        }
        if v["version"] != FORMAT_VERSION {
            return self.fail(format!(
                "the file's format version is {}; this Sen reads version {FORMAT_VERSION}",
                v["version"]
            ));
        }
        let found = v["schema_version"].as_i64().unwrap_or(-1);
        if found != schema_version() {
            return Err(WorkspaceFileError::Schema {
                found,
                expected: schema_version(),
            });
        }
        Ok(())
    }

    fn spec(&self) -> Option<&'static TableSpec> {
        self.table.map(|i| &TABLES[i])
    }

    fn open_table(&mut self, v: &Value) -> FileResult<()> {
        if self.line == 1 || self.table.is_some() {
            return self.fail("a table begins where it cannot");
        }
        let Some(spec) = TABLES.get(self.next_table) else {
            return self.fail("more tables than the schema has");
        };
        if v["table"] != spec.name {
            return self.fail(format!(
                "expected the table {}, found {}",
                spec.name, v["table"]
            ));
        }
        if v["columns"] != json!(spec.column_names()) {
            return self.fail(format!(
                "the columns of {} are not this schema's",
                spec.name
            ));
        }
        self.table = Some(self.next_table);
        self.next_table += 1;
        self.rows_in_table = 0;
        self.links.clear();
        Ok(())
    }

    async fn row(&mut self, tx: &mut Tx, mut row: Vec<Value>, bytes: usize) -> FileResult<()> {
        let Some(spec) = self.spec() else {
            return self.fail("a row outside a table");
        };
        if row.len() != spec.columns.len() {
            return self.fail(format!(
                "a row of {} has {} values for {} columns",
                spec.name,
                row.len(),
                spec.columns.len()
            ));
        }
        if let Some(col) = spec.self_ref.and_then(|c| spec.position(c))
            && let Some(target) = row[col].as_i64()
        {
            let Some(id) = spec.position("id").and_then(|i| row[i].as_i64()) else {
                return self.fail(format!("a row of {} has no id", spec.name));
            };
            self.links.push((id, target));
            row[col] = Value::Null;
        }
        self.rows_in_table += 1;
        self.pending.push(row);
        self.pending_bytes += bytes;
        if self.pending.len() >= spec.batch_rows() || self.pending_bytes >= BATCH_BYTES {
            self.flush(tx, spec).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &mut Tx, spec: &TableSpec) -> FileResult<()> {
        let rows = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        self.insert(tx, spec, &rows).await
    }

    async fn insert(&self, tx: &mut Tx, spec: &TableSpec, rows: &[Vec<Value>]) -> FileResult<()> {
        portable::insert(tx, spec, rows).await.map_err(|e| match e {
            StoreError::Corrupt(why) => WorkspaceFileError::Format {
                line: self.line,
                why,
            },
            other => other.into(),
        })
    }

    async fn close_table(&mut self, tx: &mut Tx, v: &Value) -> FileResult<()> {
        let Some(spec) = self.spec().filter(|s| v["end"] == s.name) else {
            return self.fail("a table ends that did not begin");
        };
        self.flush(tx, spec).await?;
        if let Some(column) = spec.self_ref {
            let links = std::mem::take(&mut self.links);
            portable::link_rows(tx, spec, column, &links)
                .await
                .map_err(|e| match e {
                    StoreError::MissingReference(_) => WorkspaceFileError::Format {
                        line: self.line,
                        why: format!("rows of {} point at rows the file does not have", spec.name),
                    },
                    other => other.into(),
                })?;
        }
        if v["rows"].as_u64() != Some(self.rows_in_table) {
            return self.fail(format!(
                "{} should have {} rows; the file has {}",
                spec.name, v["rows"], self.rows_in_table
            ));
        }
        portable::continue_ids(tx, spec, v["high_water"].as_i64()).await?;
        self.total += self.rows_in_table;
        self.table = None;
        Ok(())
    }

    fn finish(&mut self, v: &Value) -> FileResult<()> {
        if self.table.is_some() || self.next_table != TABLES.len() {
            return self.fail("the export ends before every table was read");
        }
        if v["rows"].as_u64() != Some(self.total) {
            return self.fail(format!(
                "the file should hold {} rows; it has {}",
                v["rows"], self.total
            ));
        }
        self.done = true;
        Ok(())
    }
}

/// A finished export waiting in a temporary file (removed when dropped).
pub struct ExportedFile {
    pub path: std::path::PathBuf,
    pub summary: Summary,
}

impl Drop for ExportedFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl crate::App {
    /// The whole workspace as a portable file, for an admin to download (Settings → Backup
    /// and `GET /api/v1/workspace/export`). Written to a temporary file first, so a slow
    /// download holds neither memory nor a database snapshot.
    pub async fn export_workspace(&self, actor: &crate::Actor) -> crate::AppResult<ExportedFile> {
        crate::access::require_admin(actor)?;
        let path = std::env::temp_dir().join(format!(
            "sen-export-{}-{}.jsonl",
            std::process::id(),
            crate::secrets::random_token(16)
        ));
        let mut file = ExportedFile {
            path,
            summary: Summary { tables: 0, rows: 0 },
        };
        let written = async {
            let mut out = std::io::BufWriter::new(crate::backup::private_file(&file.path)?);
            let summary = export(&self.db, &mut out).await?;
            out.into_inner().map_err(|e| e.into_error())?;
            FileResult::Ok(summary)
        }
        .await;
        match written {
            Ok(summary) => {
                file.summary = summary;
                Ok(file)
            }
            Err(WorkspaceFileError::Store(e)) => Err(e.into()),
            Err(e) => Err(crate::AppError::Internal(e.to_string())),
        }
    }
}
