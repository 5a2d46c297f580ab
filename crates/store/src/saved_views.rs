//! Favourites: saved searches and views of a page, private or shared with everyone.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SavedView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub page: String,
    pub query: String,
    pub shared: bool,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, user_id, name, page, query, shared, is_default, created_at";

/// The user's own views of a page and the ones others share, own first, by name.
pub async fn visible(
    conn: &mut impl Conn,
    user_id: i64,
    page: Option<&str>,
) -> Result<Vec<SavedView>> {
    let mut sql = Sql::with(
        format!("SELECT {COLUMNS} FROM saved_views WHERE (user_id = $1 OR shared)"),
        vec![user_id.into()],
    );
    if let Some(p) = page {
        sql.push(" AND page = ");
        sql.bind(p);
    }
    sql.push(" ORDER BY CASE WHEN user_id = ");
    sql.bind(user_id);
    sql.push(" THEN 0 ELSE 1 END, name, id");
    conn.all(&sql).await
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<SavedView>> {
    conn.optional(&Sql::with(
        format!("SELECT {COLUMNS} FROM saved_views WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

pub struct NewView<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub page: &'a str,
    pub query: &'a str,
    pub shared: bool,
}

pub async fn create(tx: &mut Tx, v: NewView<'_>, now: DateTime<Utc>) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id(
            "saved_views",
            vec![
                ("user_id", v.user_id.into()),
                ("name", v.name.into()),
                ("page", v.page.into()),
                ("query", v.query.into()),
                ("shared", v.shared.into()),
                ("is_default", false.into()),
                ("created_at", now.into()),
            ],
        ))
        .await?;
    Ok(id)
}

pub async fn update(tx: &mut Tx, id: i64, name: &str, shared: bool) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE saved_views SET name = $1, shared = $2 WHERE id = $3",
        vec![name.into(), shared.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Makes `id` the user's one default view of its page (or none when `on` is false).
pub async fn set_default(tx: &mut Tx, user_id: i64, page: &str, id: i64, on: bool) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE saved_views SET is_default = $1 WHERE user_id = $2 AND page = $3 AND is_default",
        vec![false.into(), user_id.into(), page.into()],
    ))
    .await?;
    if on {
        tx.execute(&Sql::with(
            "UPDATE saved_views SET is_default = $1 WHERE id = $2",
            vec![true.into(), id.into()],
        ))
        .await?;
    }
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM saved_views WHERE id = $1",
        vec![id.into()],
    ))
    .await?;
    Ok(())
}
