//! The SQLite database as a file: an online backup and the checks a file must pass before
//! it replaces the workspace's database.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::db::Db;
use crate::error::{Result, StoreError};

/// The first bytes of every SQLite database file.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an SQLite database (by its header).
pub fn is_sqlite_file(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut head)?;
    Ok(n == 16 && &head == MAGIC)
}

/// Writes a consistent copy of the database to `path` while others keep reading and
/// writing (`VACUUM INTO` reads one snapshot; the copy is compact and needs no WAL).
pub async fn backup_into(db: &Db, path: &Path) -> Result<()> {
    let Db::Sqlite { read, .. } = db else {
        return Err(StoreError::Corrupt(
            "an SQLite backup needs an SQLite database".into(),
        ));
    };
    let target = path.to_string_lossy().to_string();
    sqlx::query("VACUUM INTO ?1")
        .bind(target)
        .execute(read)
        .await?;
    Ok(())
}

/// Checks that the file at `path` is a sound Sen database and gives the schema version
/// its migrations reached.
pub async fn check(path: &Path) -> Result<i64> {
    // Immutable: nothing writes the file meanwhile, and no -wal or -shm file is left behind.
    // The whole-file check is slow on a big workspace by nature; it is not a slow query.
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .disable_statement_logging();
    let mut conn = SqliteConnection::connect_with(&opts).await?;
    let verdict: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    if verdict.len() != 1 || verdict[0].0 != "ok" {
        let first = verdict.first().map(|v| v.0.clone()).unwrap_or_default();
        return Err(StoreError::Corrupt(format!(
            "the database file is damaged: {first}"
        )));
    }
    let version: Result<(Option<i64>,), sqlx::Error> =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await;
    conn.close().await?;
    match version {
        Ok((Some(v),)) => Ok(v),
        _ => Err(StoreError::Corrupt(
            "the file is an SQLite database but not a Sen workspace".into(),
        )),
    }
}
