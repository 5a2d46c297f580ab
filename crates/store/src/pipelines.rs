//! Pipelines and their ordered stages.

use chrono::{DateTime, Utc};
use sen_domain::pipeline::{PipelineValues, StageValues};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pipeline {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub number_prefix: String,
    pub lost_reason_required: bool,
    pub sequence: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub team_ids: Vec<i64>,
    #[sqlx(skip)]
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stage {
    pub id: i64,
    pub pipeline_id: i64,
    pub name: String,
    pub sequence: i64,
    pub probability: i64,
    pub is_won: bool,
    pub folded: bool,
    pub requirements: Option<String>,
    pub stale_after_days: Option<i64>,
    /// Comma separated; see `required_fields()`.
    pub required_fields: String,
    pub version: i64,
    #[sqlx(skip)]
    pub team_ids: Vec<i64>,
}

impl Stage {
    pub fn required_fields(&self) -> Vec<String> {
        self.required_fields
            .split(',')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect()
    }
}

const PIPELINE_COLS: &str = "id, name, kind, number_prefix, lost_reason_required, sequence, version, created_at, updated_at";
const STAGE_COLS: &str = "id, pipeline_id, name, sequence, probability, is_won, folded, requirements, \
    stale_after_days, required_fields, version";

async fn links(conn: &mut impl Conn, table: &str, owner: &str) -> Result<Vec<(i64, i64)>> {
    conn.all(&Sql::new(format!(
        "SELECT {owner}, team_id FROM {table} ORDER BY team_id"
    )))
    .await
}

async fn complete(conn: &mut impl Conn, mut pipelines: Vec<Pipeline>) -> Result<Vec<Pipeline>> {
    let mut stages: Vec<Stage> = conn
        .all(&Sql::new(format!(
            "SELECT {STAGE_COLS} FROM stages ORDER BY pipeline_id, sequence, id"
        )))
        .await?;
    let stage_teams = links(conn, "stage_teams", "stage_id").await?;
    for s in stages.iter_mut() {
        s.team_ids = stage_teams
            .iter()
            .filter(|(id, _)| *id == s.id)
            .map(|(_, t)| *t)
            .collect();
    }
    let pipeline_teams = links(conn, "pipeline_teams", "pipeline_id").await?;
    for p in pipelines.iter_mut() {
        p.team_ids = pipeline_teams
            .iter()
            .filter(|(id, _)| *id == p.id)
            .map(|(_, t)| *t)
            .collect();
        p.stages = stages
            .iter()
            .filter(|s| s.pipeline_id == p.id)
            .cloned()
            .collect();
    }
    Ok(pipelines)
}

pub async fn list(conn: &mut impl Conn) -> Result<Vec<Pipeline>> {
    let p = conn
        .all(&Sql::new(format!(
            "SELECT {PIPELINE_COLS} FROM pipelines ORDER BY sequence, id"
        )))
        .await?;
    complete(conn, p).await
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Pipeline>> {
    let p: Vec<Pipeline> = conn
        .all(&Sql::with(
            format!("SELECT {PIPELINE_COLS} FROM pipelines WHERE id = $1"),
            vec![id.into()],
        ))
        .await?;
    Ok(complete(conn, p).await?.into_iter().next())
}

pub async fn stage(conn: &mut impl Conn, id: i64) -> Result<Option<Stage>> {
    let mut s: Option<Stage> = conn
        .optional(&Sql::with(
            format!("SELECT {STAGE_COLS} FROM stages WHERE id = $1"),
            vec![id.into()],
        ))
        .await?;
    if let Some(st) = s.as_mut() {
        let rows: Vec<(i64,)> = conn
            .all(&Sql::with(
                "SELECT team_id FROM stage_teams WHERE stage_id = $1 ORDER BY team_id",
                vec![id.into()],
            ))
            .await?;
        st.team_ids = rows.into_iter().map(|(t,)| t).collect();
    }
    Ok(s)
}

async fn set_links(tx: &mut Tx, table: &str, owner: &str, id: i64, team_ids: &[i64]) -> Result<()> {
    tx.execute(&Sql::with(
        format!("DELETE FROM {table} WHERE {owner} = $1"),
        vec![id.into()],
    ))
    .await?;
    for t in team_ids {
        tx.execute(&Sql::with(
            format!("INSERT INTO {table} ({owner}, team_id) VALUES ($1, $2)"),
            vec![id.into(), (*t).into()],
        ))
        .await?;
    }
    Ok(())
}

pub async fn insert(tx: &mut Tx, v: &PipelineValues, now: DateTime<Utc>) -> Result<i64> {
    let kind = v.kind.map(|k| k.as_str()).unwrap_or("deal");
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO pipelines (name, kind, number_prefix, lost_reason_required, sequence, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(sequence), 0) + 1 FROM pipelines), $5, $6) RETURNING id",
            vec![v.name.clone().into(), kind.into(), v.number_prefix.clone().into(), v.lost_reason_required.into(), now.into(), now.into()],
        ))
        .await?;
    set_links(tx, "pipeline_teams", "pipeline_id", id, &v.team_ids).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    v: &PipelineValues,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = tx
        .execute(&Sql::with(
            "UPDATE pipelines SET name = $1, number_prefix = $2, lost_reason_required = $3, updated_at = $4, \
             version = version + 1 WHERE id = $5 AND version = $6",
            vec![v.name.clone().into(), v.number_prefix.clone().into(), v.lost_reason_required.into(), now.into(), id.into(), version.into()],
        ))
        .await?;
    if n == 0 {
        return Ok(false);
    }
    set_links(tx, "pipeline_teams", "pipeline_id", id, &v.team_ids).await?;
    Ok(true)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM pipelines WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}

fn stage_args(v: &StageValues) -> Vec<crate::sql::Arg> {
    vec![
        v.name.clone().into(),
        v.probability.into(),
        v.is_won.into(),
        v.folded.into(),
        (&v.requirements).into(),
        v.stale_after_days.into(),
        v.required_fields.join(",").into(),
    ]
}

/// Adds a stage at the end of its pipeline.
pub async fn insert_stage(
    tx: &mut Tx,
    pipeline_id: i64,
    v: &StageValues,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut args = stage_args(v);
    args.extend([
        pipeline_id.into(),
        now.into(),
        now.into(),
        pipeline_id.into(),
    ]);
    let (id,): (i64,) = tx
        .fetch_one(&Sql::with(
            "INSERT INTO stages (name, probability, is_won, folded, requirements, stale_after_days, required_fields, \
             pipeline_id, created_at, updated_at, sequence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             (SELECT COALESCE(MAX(sequence), 0) + 1 FROM stages WHERE pipeline_id = $11)) RETURNING id",
            args,
        ))
        .await?;
    set_links(tx, "stage_teams", "stage_id", id, &v.team_ids).await?;
    Ok(id)
}

pub async fn update_stage(
    tx: &mut Tx,
    id: i64,
    version: i64,
    v: &StageValues,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut args = stage_args(v);
    args.extend([now.into(), id.into(), version.into()]);
    let n = tx
        .execute(&Sql::with(
            "UPDATE stages SET name = $1, probability = $2, is_won = $3, folded = $4, requirements = $5, \
             stale_after_days = $6, required_fields = $7, updated_at = $8, version = version + 1 \
             WHERE id = $9 AND version = $10",
            args,
        ))
        .await?;
    if n == 0 {
        return Ok(false);
    }
    set_links(tx, "stage_teams", "stage_id", id, &v.team_ids).await?;
    Ok(true)
}

/// Gives the stages of a pipeline the order of `ids` (which the caller checked is exactly
/// that pipeline's stages).
pub async fn reorder(tx: &mut Tx, pipeline_id: i64, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        tx.execute(&Sql::with(
            "UPDATE stages SET sequence = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND pipeline_id = $4",
            vec![(i as i64 + 1).into(), now.into(), (*id).into(), pipeline_id.into()],
        ))
        .await?;
    }
    Ok(())
}

pub async fn delete_stage(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM stages WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}
