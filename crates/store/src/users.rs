//! Users and the workspace row.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::{Arg, Sql};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub language: String,
    pub time_zone: String,
    pub active: bool,
    pub notify_email: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub language: &'a str,
    pub time_zone: &'a str,
}

const SELECT: &str = "SELECT id, name, email, password_hash, role, language, time_zone, active, notify_email, version, created_at, updated_at FROM users";

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64> {
    let sql = Sql::with(
        "INSERT INTO users (name, email, password_hash, role, language, time_zone, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        vec![
            u.name.into(),
            u.email.into(),
            u.password_hash.into(),
            u.role.into(),
            u.language.into(),
            u.time_zone.into(),
            true.into(),
            now.into(),
            now.into(),
        ],
    );
    let (id,): (i64,) = tx.fetch_one(&sql).await?;
    Ok(id)
}

pub async fn by_id(conn: &mut impl Conn, id: i64) -> Result<Option<User>> {
    conn.optional(&Sql::with(
        format!("{SELECT} WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

pub async fn by_email(conn: &mut impl Conn, email: &str) -> Result<Option<User>> {
    conn.optional(&Sql::with(
        format!("{SELECT} WHERE email = $1"),
        vec![email.into()],
    ))
    .await
}

pub async fn list(conn: &mut impl Conn) -> Result<Vec<User>> {
    conn.all(&Sql::new(format!("{SELECT} ORDER BY name, id")))
        .await
}

pub async fn count(conn: &mut impl Conn) -> Result<i64> {
    let (n,): (i64,) = conn.one(&Sql::new("SELECT COUNT(*) FROM users")).await?;
    Ok(n)
}

pub async fn count_active_admins(conn: &mut impl Conn) -> Result<i64> {
    let (n,): (i64,) = conn
        .one(&Sql::new(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE",
        ))
        .await?;
    Ok(n)
}

/// Sets the given columns (names come from code, never from input) and bumps the version.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    sets: Vec<(&'static str, Arg)>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE users SET ");
    sql.assignments(sets);
    sql.push("updated_at = ")
        .bind(now)
        .push(", version = version + 1 WHERE id = ")
        .bind(id);
    Ok(tx.execute(&sql).await? > 0)
}

/// The workspace's settings, set once by the first-run setup.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Workspace {
    pub name: String,
    pub language: String,
    pub currency: String,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

pub async fn workspace(conn: &mut impl Conn) -> Result<Option<Workspace>> {
    conn.optional(&Sql::new(
        "SELECT name, language, currency, time_zone, created_at FROM workspace WHERE id = 1",
    ))
    .await
}

/// Creates the workspace row; a second call fails with a unique violation (→ 409).
pub async fn create_workspace(tx: &mut Tx, w: &Workspace) -> Result<()> {
    tx.execute(&Sql::with(
        "INSERT INTO workspace (id, name, language, currency, time_zone, created_at) VALUES (1, $1, $2, $3, $4, $5)",
        vec![
            w.name.clone().into(),
            w.language.clone().into(),
            w.currency.clone().into(),
            w.time_zone.clone().into(),
            w.created_at.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The outgoing mail settings kept in the workspace row: (SMTP URL, sender).
pub async fn mail_settings(conn: &mut impl Conn) -> Result<(Option<String>, Option<String>)> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .optional(&Sql::new(
            "SELECT smtp_url, mail_from FROM workspace WHERE id = 1",
        ))
        .await?;
    Ok(row.unwrap_or((None, None)))
}

pub async fn set_mail_settings(
    tx: &mut Tx,
    smtp_url: Option<&str>,
    mail_from: Option<&str>,
) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE workspace SET smtp_url = $1, mail_from = $2 WHERE id = 1",
        vec![smtp_url.into(), mail_from.into()],
    ))
    .await?;
    Ok(())
}
