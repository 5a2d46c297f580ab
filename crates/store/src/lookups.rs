//! Lookups (tags, lost reasons, sources, mediums, campaigns): one repository for the five
//! tables, which share their shape. Table names come from `LookupKind`, never from input.

use chrono::{DateTime, Utc};
use sen_domain::lookup::LookupValues;

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::{Arg, Sql};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    Tag,
    LostReason,
    Source,
    Medium,
    Campaign,
}

impl LookupKind {
    pub fn table(self) -> &'static str {
        match self {
            LookupKind::Tag => "tags",
            LookupKind::LostReason => "lost_reasons",
            LookupKind::Source => "sources",
            LookupKind::Medium => "mediums",
            LookupKind::Campaign => "campaigns",
        }
    }

    fn select(self) -> String {
        let color = if self == LookupKind::Tag {
            "color"
        } else {
            "CAST(NULL AS BIGINT)"
        };
        let applies = if self == LookupKind::LostReason {
            "applies_to"
        } else {
            "CAST(NULL AS TEXT)"
        };
        format!(
            "SELECT id, name, active, version, {color} AS color, {applies} AS applies_to FROM {}",
            self.table()
        )
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Lookup {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub version: i64,
    pub color: Option<i64>,
    pub applies_to: Option<String>,
}

pub async fn list(conn: &mut impl Conn, kind: LookupKind) -> Result<Vec<Lookup>> {
    conn.all(&Sql::new(format!("{} ORDER BY name, id", kind.select())))
        .await
}

pub async fn get(conn: &mut impl Conn, kind: LookupKind, id: i64) -> Result<Option<Lookup>> {
    conn.optional(&Sql::with(
        format!("{} WHERE id = $1", kind.select()),
        vec![id.into()],
    ))
    .await
}

fn columns(kind: LookupKind, v: &LookupValues) -> Vec<(&'static str, Arg)> {
    let mut cols: Vec<(&'static str, Arg)> =
        vec![("name", v.name.clone().into()), ("active", v.active.into())];
    if kind == LookupKind::Tag {
        cols.push(("color", v.color.unwrap_or(0).into()));
    }
    if kind == LookupKind::LostReason {
        cols.push((
            "applies_to",
            v.applies_to.map(|a| a.as_str()).unwrap_or("both").into(),
        ));
    }
    cols
}

pub async fn insert(
    tx: &mut Tx,
    kind: LookupKind,
    v: &LookupValues,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut cols = columns(kind, v);
    cols.push(("created_at", now.into()));
    let sql = Sql::insert_returning_id(kind.table(), cols);
    let (id,): (i64,) = tx.fetch_one(&sql).await?;
    Ok(id)
}

/// Writes new values if the row still has `version`.
pub async fn update(
    tx: &mut Tx,
    kind: LookupKind,
    id: i64,
    version: i64,
    v: &LookupValues,
) -> Result<bool> {
    let mut sql = Sql::new(format!("UPDATE {} SET ", kind.table()));
    sql.assignments(columns(kind, v));
    sql.push("version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version);
    Ok(tx.execute(&sql).await? > 0)
}

pub async fn delete(tx: &mut Tx, kind: LookupKind, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            format!("DELETE FROM {} WHERE id = $1", kind.table()),
            vec![id.into()],
        ))
        .await?
        > 0)
}
