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
    /// Its values as a form or an update takes them (to change some and keep the rest).
    pub fn values(&self) -> StageValues {
        StageValues {
            name: self.name.clone(),
            probability: self.probability,
            is_won: self.is_won,
            folded: self.folded,
            requirements: self.requirements.clone(),
            team_ids: self.team_ids.clone(),
            stale_after_days: self.stale_after_days,
            required_fields: self.required_fields(),
        }
    }

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

/// A pipeline with one of its teams (none: `team_id` is NULL), as the join reads it.
#[derive(sqlx::FromRow)]
struct PipelineTeam {
    #[sqlx(flatten)]
    pipeline: Pipeline,
    team_id: Option<i64>,
}

/// A stage with one of its teams, likewise.
#[derive(sqlx::FromRow)]
struct StageTeam {
    #[sqlx(flatten)]
    stage: Stage,
    team_id: Option<i64>,
}

/// Folds a join's rows (ordered so one owner's rows are adjacent) into owners with their
/// team ids.
fn fold_teams<T>(
    rows: Vec<(T, Option<i64>)>,
    id: impl Fn(&T) -> i64,
    teams: impl Fn(&mut T) -> &mut Vec<i64>,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for (owner, team) in rows {
        if out.last().is_none_or(|last| id(last) != id(&owner)) {
            out.push(owner);
        }
        if let (Some(t), Some(last)) = (team, out.last_mut()) {
            teams(last).push(t);
        }
    }
    out
}

/// Pipelines (all, or the one `id`) with their teams and their stages in board order, in
/// two statements: a write reads its lead's pipeline, and on PostgreSQL every statement is
/// a round trip.
async fn load(conn: &mut impl Conn, id: Option<i64>) -> Result<Vec<Pipeline>> {
    let (only_pipeline, only_stages, args) = match id {
        Some(id) => (
            "WHERE p.id = $1",
            "WHERE s.pipeline_id = $1",
            vec![id.into()],
        ),
        None => ("", "", vec![]),
    };
    let cols = |alias: &str, list: &str| {
        list.split(", ")
            .map(|c| format!("{alias}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pipelines: Vec<PipelineTeam> = conn
        .all(&Sql::with(
            format!(
                "SELECT {}, pt.team_id FROM pipelines p \
                 LEFT JOIN pipeline_teams pt ON pt.pipeline_id = p.id {only_pipeline} \
                 ORDER BY p.sequence, p.id, pt.team_id",
                cols("p", PIPELINE_COLS)
            ),
            args.clone(),
        ))
        .await?;
    let stages: Vec<StageTeam> = conn
        .all(&Sql::with(
            format!(
                "SELECT {}, st.team_id FROM stages s \
                 LEFT JOIN stage_teams st ON st.stage_id = s.id {only_stages} \
                 ORDER BY s.pipeline_id, s.sequence, s.id, st.team_id",
                cols("s", STAGE_COLS)
            ),
            args,
        ))
        .await?;
    let stages = fold_teams(
        stages.into_iter().map(|r| (r.stage, r.team_id)).collect(),
        |s| s.id,
        |s| &mut s.team_ids,
    );
    let mut pipelines = fold_teams(
        pipelines
            .into_iter()
            .map(|r| (r.pipeline, r.team_id))
            .collect(),
        |p| p.id,
        |p| &mut p.team_ids,
    );
    for p in pipelines.iter_mut() {
        p.stages = stages
            .iter()
            .filter(|s| s.pipeline_id == p.id)
            .cloned()
            .collect();
    }
    Ok(pipelines)
}

pub async fn list(conn: &mut impl Conn) -> Result<Vec<Pipeline>> {
    load(conn, None).await
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Pipeline>> {
    Ok(load(conn, Some(id)).await?.into_iter().next())
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
