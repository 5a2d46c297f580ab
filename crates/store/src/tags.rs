//! Tags (name, colour) shared by contacts and, later, leads.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub color: i64,
}

pub async fn list(conn: &mut impl Conn) -> Result<Vec<Tag>> {
    conn.all(&Sql::new(
        "SELECT id, name, color FROM tags ORDER BY name, id",
    ))
    .await
}

/// Which of `ids` exist.
pub async fn existing(conn: &mut impl Conn, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id FROM tags WHERE id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(")");
    let rows: Vec<(i64,)> = conn.all(&sql).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The tag with this name, created if missing.
pub async fn ensure(tx: &mut Tx, name: &str, color: i64, now: DateTime<Utc>) -> Result<i64> {
    if let Some((id,)) = tx
        .fetch_optional::<(i64,)>(&Sql::with(
            "SELECT id FROM tags WHERE name = $1",
            vec![name.into()],
        ))
        .await?
    {
        return Ok(id);
    }
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO tags (name, color, created_at) VALUES ($1, $2, $3) RETURNING id",
            vec![name.into(), color.into(), now.into()],
        ))
        .await?;
    Ok(id)
}
