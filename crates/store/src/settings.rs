//! The settings stamp (migration 0017): a value the database changes, in the same transaction,
//! with every change to the pipelines, their stages and teams, the workspace row or the
//! currency rates. The application keeps those settings in memory and reads them again only when
//! the stamp it sees is not the one its copy was read under.

use crate::conn::Conn;
use crate::error::Result;
use crate::pipelines::{self, Pipeline};
use crate::rates::{self, Rate};
use crate::sql::Sql;
use crate::users::{self, Workspace};

/// The settings as of one stamp.
#[derive(Debug, Clone)]
pub struct Settings {
    pub stamp: i64,
    /// In board order (sequence, id), each with its stages in order.
    pub pipelines: Vec<Pipeline>,
    pub workspace: Option<Workspace>,
    pub rates: Vec<Rate>,
}

/// The current stamp; `None` if its row is missing (then nothing may be kept).
pub async fn stamp(conn: &mut impl Conn) -> Result<Option<i64>> {
    let (stamp,): (Option<i64>,) = conn
        .one(&Sql::new(
            "SELECT (SELECT stamp FROM settings_stamp WHERE id = 1)",
        ))
        .await?;
    Ok(stamp)
}

/// Reads all the settings and the stamp they belong to; `settled` is false when they changed
/// while being read (or the stamp's row is missing), and then they must not be kept. Its parts are separate statements, possibly on
/// different connections: the stamp read before and after them is the same only if no
/// change committed in between (every change moves the stamp in its own transaction).
pub async fn load(conn: &mut impl Conn) -> Result<(Settings, bool)> {
    let before = stamp(conn).await?;
    let pipelines = pipelines::list(conn).await?;
    let workspace = users::workspace(conn).await?;
    let rates = rates::list(conn).await?;
    let after = stamp(conn).await?;
    let settings = Settings {
        stamp: after.unwrap_or_default(),
        pipelines,
        workspace,
        rates,
    };
    Ok((settings, before.is_some() && before == after))
}
