//! Sales teams: a leader and members (a user may be in several teams).

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub leader_id: Option<i64>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub member_ids: Vec<i64>,
}

const SELECT: &str =
    "SELECT id, name, leader_id, active, version, created_at, updated_at FROM teams";

async fn with_members(conn: &mut impl Conn, mut teams: Vec<Team>) -> Result<Vec<Team>> {
    let rows: Vec<(i64, i64)> = conn
        .all(&Sql::new(
            "SELECT team_id, user_id FROM team_members ORDER BY user_id",
        ))
        .await?;
    for t in teams.iter_mut() {
        t.member_ids = rows
            .iter()
            .filter(|(team, _)| *team == t.id)
            .map(|(_, u)| *u)
            .collect();
    }
    Ok(teams)
}

pub async fn list(conn: &mut impl Conn) -> Result<Vec<Team>> {
    let teams = conn
        .all(&Sql::new(format!("{SELECT} ORDER BY name, id")))
        .await?;
    with_members(conn, teams).await
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Team>> {
    let teams: Vec<Team> = conn
        .all(&Sql::with(
            format!("{SELECT} WHERE id = $1"),
            vec![id.into()],
        ))
        .await?;
    Ok(with_members(conn, teams).await?.into_iter().next())
}

/// The teams a user leads or belongs to (the team leader rule reads it).
pub async fn of_user(conn: &mut impl Conn, user_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = conn
        .all(&Sql::with(
            "SELECT id FROM teams WHERE leader_id = $1 UNION SELECT team_id FROM team_members WHERE user_id = $2 ORDER BY 1",
            vec![user_id.into(), user_id.into()],
        ))
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub struct TeamValues<'a> {
    pub name: &'a str,
    pub leader_id: Option<i64>,
    pub active: bool,
    pub member_ids: &'a [i64],
}

async fn set_members(tx: &mut Tx, id: i64, members: &[i64]) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM team_members WHERE team_id = $1",
        vec![id.into()],
    ))
    .await?;
    for m in members {
        tx.execute(&Sql::with(
            "INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)",
            vec![id.into(), (*m).into()],
        ))
        .await?;
    }
    Ok(())
}

pub async fn insert(tx: &mut Tx, v: &TeamValues<'_>, now: DateTime<Utc>) -> Result<i64> {
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO teams (name, leader_id, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            vec![v.name.into(), v.leader_id.into(), v.active.into(), now.into(), now.into()],
        ))
        .await?;
    set_members(tx, id, v.member_ids).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    v: &TeamValues<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = tx
        .execute(&Sql::with(
            "UPDATE teams SET name = $1, leader_id = $2, active = $3, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND version = $6",
            vec![v.name.into(), v.leader_id.into(), v.active.into(), now.into(), id.into(), version.into()],
        ))
        .await?;
    if n == 0 {
        return Ok(false);
    }
    set_members(tx, id, v.member_ids).await?;
    Ok(true)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM teams WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}
