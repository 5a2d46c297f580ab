//! Sessions and personal API tokens. Only hashes of the secrets are stored.

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub async fn insert_session(tx: &mut Tx, s: &Session) -> Result<()> {
    tx.execute(&Sql::with(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            s.id.clone().into(),
            s.user_id.into(),
            s.csrf_token.clone().into(),
            s.created_at.into(),
            s.expires_at.into(),
            s.last_seen_at.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A live session and its user, read together (every signed-in request starts here, so
/// one statement instead of two).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    #[sqlx(flatten)]
    pub user: crate::users::User,
    pub session_id: String,
    pub session_csrf_token: String,
    pub session_created_at: DateTime<Utc>,
    pub session_expires_at: DateTime<Utc>,
    pub session_last_seen_at: DateTime<Utc>,
    /// The settings stamp as this statement saw it (`settings`), so the request can tell
    /// whether the application's copy of the settings is current without another round
    /// trip. `None` if the stamp's row is missing.
    pub settings_stamp: Option<i64>,
}

impl SessionUser {
    pub fn session(&self) -> Session {
        Session {
            id: self.session_id.clone(),
            user_id: self.user.id,
            csrf_token: self.session_csrf_token.clone(),
            created_at: self.session_created_at,
            expires_at: self.session_expires_at,
            last_seen_at: self.session_last_seen_at,
        }
    }
}

pub async fn session_with_user(
    conn: &mut impl Conn,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>> {
    conn.optional(&Sql::with(
        "SELECT u.id, u.name, u.email, u.password_hash, u.role, u.language, u.time_zone, u.active, \
         u.notify_email, u.version, u.created_at, u.updated_at, s.id AS session_id, \
         s.csrf_token AS session_csrf_token, s.created_at AS session_created_at, \
         s.expires_at AS session_expires_at, s.last_seen_at AS session_last_seen_at, \
         (SELECT stamp FROM settings_stamp WHERE id = 1) AS settings_stamp \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > $2",
        vec![id_hash.into(), now.into()],
    ))
    .await
}

/// Slides a session's expiry forward (called at most once a minute per session).
pub async fn touch_session(
    tx: &mut Tx,
    id_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3",
        vec![now.into(), expires_at.into(), id_hash.into()],
    ))
    .await?;
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM sessions WHERE id = $1",
        vec![id_hash.into()],
    ))
    .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change or deactivation).
pub async fn delete_user_sessions(tx: &mut Tx, user_id: i64, keep: Option<&str>) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM sessions WHERE user_id = $1 AND id <> $2",
        vec![user_id.into(), keep.unwrap_or("").into()],
    ))
    .await?;
    Ok(())
}

pub async fn delete_expired_sessions(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    tx.execute(&Sql::with(
        "DELETE FROM sessions WHERE expires_at <= $1",
        vec![now.into()],
    ))
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const TOKEN_COLS: &str = "id, user_id, name, created_at, last_used_at, revoked_at";

pub async fn insert_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            vec![user_id.into(), name.into(), hash.into(), now.into()],
        ))
        .await?;
    Ok(id)
}

/// The live token with this hash.
pub async fn token_by_hash(conn: &mut impl Conn, hash: &str) -> Result<Option<ApiToken>> {
    conn.optional(&Sql::with(
        format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"),
        vec![hash.into()],
    ))
    .await
}

pub async fn tokens_of(conn: &mut impl Conn, user_id: i64) -> Result<Vec<ApiToken>> {
    conn.all(&Sql::with(
        format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id"),
        vec![user_id.into()],
    ))
    .await
}

/// Revokes a token of this user; false when there is no such live token.
pub async fn revoke_token(tx: &mut Tx, user_id: i64, id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            vec![now.into(), id.into(), user_id.into()],
        ))
        .await?
        > 0)
}

pub async fn touch_token(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
        vec![now.into(), id.into()],
    ))
    .await?;
    Ok(())
}
