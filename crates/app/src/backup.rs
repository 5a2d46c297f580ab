//! `sen backup` and `sen restore`. SQLite is backed up as a database file (an online,
//! consistent copy); PostgreSQL as the portable workspace file read in one snapshot. A
//! restore takes either kind into either database and replaces the workspace whole: an
//! SQLite file into SQLite by swapping the file after checking it, everything else through
//! one transaction. Nothing is half-restored: a failure leaves the old workspace.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use sen_store::{Backend, Db, sqlite_file};

use crate::workspace_file::{self, FileResult, Summary, WorkspaceFileError, schema_version};

/// What a backup wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// A copy of the SQLite database file.
    SqliteFile,
    /// The portable workspace file.
    WorkspaceFile(Summary),
}

/// What a restore read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restored {
    /// An SQLite file put in place of the database (schema version it came with).
    SqliteFile {
        schema_version: i64,
    },
    WorkspaceFile(Summary),
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A new file only its owner can read (a backup holds password hashes and mail settings).
pub fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// A new directory only its owner can enter, with a name nobody can guess.
fn private_dir(prefix: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}",
        std::process::id(),
        crate::secrets::random_token(12)
    ));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir)?;
    Ok(dir)
}

/// Makes a finished file and its directory entry durable before it is relied on.
fn sync_file_and_dir(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Directories can be opened and synced on Unix; elsewhere this is best effort.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes a backup of the running workspace to `path` (replacing it only once the backup
/// is complete).
pub async fn backup(db: &Db, path: &Path) -> FileResult<BackupKind> {
    let partial = sibling(path, ".partial");
    remove_if_there(&partial)?;
    let written = async {
        let kind = match db.backend() {
            Backend::Sqlite => {
                // Created empty and private first; VACUUM INTO fills an empty file.
                drop(private_file(&partial)?);
                sqlite_file::backup_into(db, &partial).await?;
                sqlite_file::check(&partial).await?;
                BackupKind::SqliteFile
            }
            Backend::Postgres => {
                let mut out = BufWriter::new(private_file(&partial)?);
                let summary = workspace_file::export(db, &mut out).await?;
                out.into_inner().map_err(|e| e.into_error())?;
                BackupKind::WorkspaceFile(summary)
            }
        };
        // VACUUM INTO does not sync its output: a power cut must not leave a torn file
        // in the place of the previous good backup.
        sync_file_and_dir(&partial)?;
        FileResult::Ok(kind)
    }
    .await;
    match written {
        Ok(kind) => {
            std::fs::rename(&partial, path)?;
            sync_file_and_dir(path)?;
            Ok(kind)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Replaces the workspace in `db` with the backup or workspace file at `file`.
/// `sqlite_path` is the database file when `db` is SQLite. An SQLite file restored into
/// SQLite replaces the database file itself, so that closes `db`: open it again after.
pub async fn restore(db: &Db, sqlite_path: Option<&Path>, file: &Path) -> FileResult<Restored> {
    if sqlite_file::is_sqlite_file(file)? {
        match sqlite_path {
            Some(target) => swap_sqlite_file(db, target, file).await,
            None => sqlite_file_into(db, file).await,
        }
    } else {
        let input = BufReader::new(File::open(file)?);
        workspace_file::import(db, input, true)
            .await
            .map(Restored::WorkspaceFile)
    }
}

/// A copy of `file`, brought to this build's schema, checked; refuses newer files.
async fn migrated_copy(file: &Path, copy: &Path) -> FileResult<i64> {
    // A database copied while in use keeps recent transactions in its -wal file, which
    // neither the check nor the copy would read: refuse rather than restore without them.
    if std::fs::metadata(sibling(file, "-wal")).is_ok_and(|m| m.len() > 0) {
        return Err(WorkspaceFileError::Io(std::io::Error::other(format!(
            "{} has a -wal file beside it: it was copied while in use; make the backup with `sen backup`",
            file.display()
        ))));
    }
    let found = sqlite_file::check(file).await?;
    if found > schema_version() {
        return Err(WorkspaceFileError::Schema {
            found,
            expected: schema_version(),
        });
    }
    for suffix in ["", "-wal", "-shm"] {
        remove_if_there(&sibling(copy, suffix))?;
    }
    std::fs::copy(file, copy)?;
    let db = Db::open_sqlite(copy).await?;
    let migrated = db.migrate().await;
    db.close().await;
    migrated?;
    Ok(found)
}

async fn swap_sqlite_file(db: &Db, target: &Path, file: &Path) -> FileResult<Restored> {
    let restoring = sibling(target, ".restoring");
    let found = match migrated_copy(file, &restoring).await {
        Ok(found) => found,
        Err(e) => {
            let _ = std::fs::remove_file(&restoring);
            return Err(e);
        }
    };
    sync_file_and_dir(&restoring)?;
    // Closing the last connection checkpoints the WAL into the file and removes it; a WAL
    // still there means another process has the database open.
    db.close().await;
    let wal = sibling(target, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        remove_if_there(&restoring)?;
        return Err(WorkspaceFileError::Io(std::io::Error::other(
            "the database is open in another process (is sen still serving?); stop it first",
        )));
    }
    remove_if_there(&wal)?;
    remove_if_there(&sibling(target, "-shm"))?;
    std::fs::rename(&restoring, target)?;
    sync_file_and_dir(target)?;
    Ok(Restored::SqliteFile {
        schema_version: found,
    })
}

/// An SQLite backup restored into PostgreSQL: the file is opened (a migrated copy) and its
/// workspace moved over through the portable form.
async fn sqlite_file_into(db: &Db, file: &Path) -> FileResult<Restored> {
    let dir = private_dir("sen-restore")?;
    let result = async {
        let copy = dir.join("backup.db");
        migrated_copy(file, &copy).await?;
        let source = Db::open_sqlite(&copy).await?;
        let portable = dir.join("workspace.jsonl");
        let exported = async {
            let mut out = BufWriter::new(private_file(&portable)?);
            workspace_file::export(&source, &mut out).await
        }
        .await;
        source.close().await;
        exported?;
        let input = BufReader::new(File::open(&portable)?);
        workspace_file::import(db, input, true).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result.map(Restored::WorkspaceFile)
}
