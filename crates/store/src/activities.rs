//! Activity types and activities, and the summary each lead keeps of its most urgent open
//! activity (`leads.activity_*`), rewritten in the transaction of every activity change.

use chrono::{DateTime, NaiveDate, Utc};
use sen_domain::activity::TypeValues;

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::{Arg, Sql};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityType {
    pub id: i64,
    pub name: String,
    pub icon: String,
    pub category: String,
    pub delay_count: i64,
    pub delay_unit: String,
    pub delay_from: String,
    pub default_user_id: Option<i64>,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub next_type_id: Option<i64>,
    pub next_mode: String,
    pub sequence: i64,
    pub active: bool,
    pub version: i64,
}

const TYPE_COLUMNS: &str = "id, name, icon, category, delay_count, delay_unit, delay_from, \
    default_user_id, summary, note, next_type_id, next_mode, sequence, active, version";

pub async fn list_types(conn: &mut impl Conn) -> Result<Vec<ActivityType>> {
    conn.all(&Sql::new(format!(
        "SELECT {TYPE_COLUMNS} FROM activity_types ORDER BY sequence, id"
    )))
    .await
}

pub async fn get_type(conn: &mut impl Conn, id: i64) -> Result<Option<ActivityType>> {
    conn.optional(&Sql::with(
        format!("SELECT {TYPE_COLUMNS} FROM activity_types WHERE id = $1"),
        vec![id.into()],
    ))
    .await
}

pub async fn type_named(conn: &mut impl Conn, name: &str) -> Result<Option<ActivityType>> {
    conn.optional(&Sql::with(
        format!("SELECT {TYPE_COLUMNS} FROM activity_types WHERE name = $1"),
        vec![name.into()],
    ))
    .await
}

fn type_columns(v: &TypeValues) -> Vec<(&'static str, Arg)> {
    vec![
        ("name", v.name.clone().into()),
        ("icon", v.icon.clone().into()),
        ("category", v.category.as_str().into()),
        ("delay_count", v.delay_count.into()),
        ("delay_unit", v.delay_unit.as_str().into()),
        ("delay_from", v.delay_from.as_str().into()),
        ("default_user_id", v.default_user_id.into()),
        ("summary", v.summary.clone().into()),
        ("note", v.note.clone().into()),
        ("next_type_id", v.next_type_id.into()),
        ("next_mode", v.next_mode.as_str().into()),
        ("sequence", v.sequence.into()),
        ("active", v.active.into()),
    ]
}

pub async fn insert_type(tx: &mut Tx, v: &TypeValues, now: DateTime<Utc>) -> Result<i64> {
    let mut cols = type_columns(v);
    cols.push(("created_at", now.into()));
    cols.push(("updated_at", now.into()));
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id("activity_types", cols))
        .await?;
    Ok(id)
}

/// Writes new values if the row still has `version`.
pub async fn update_type(
    tx: &mut Tx,
    id: i64,
    version: i64,
    v: &TypeValues,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE activity_types SET ");
    sql.assignments(type_columns(v));
    sql.push("updated_at = ")
        .bind(now)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version);
    Ok(tx.execute(&sql).await? > 0)
}

/// How many activities (open or done) use a type: a used type is deactivated, not deleted.
pub async fn type_uses(conn: &mut impl Conn, id: i64) -> Result<i64> {
    let (n,): (i64,) = conn
        .one(&Sql::with(
            "SELECT COUNT(*) FROM activities WHERE activity_type_id = $1",
            vec![id.into()],
        ))
        .await?;
    Ok(n)
}

pub async fn delete_type(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM activity_types WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub activity_type_id: i64,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub due_date: NaiveDate,
    pub user_id: i64,
    pub day_start: DateTime<Utc>,
    pub day_end: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<i64>,
    pub feedback: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
}

const COLUMNS: &str = "a.id, a.record_type, a.record_id, a.activity_type_id, a.summary, a.note, \
    a.due_date, a.user_id, a.day_start, a.day_end, a.done_at, a.done_by, a.feedback, a.version, \
    a.created_at, a.created_by, a.updated_at, a.updated_by";

/// The values written for an activity; the due day's bounds are in UTC.
pub struct ActivityRow<'a> {
    pub activity_type_id: i64,
    pub summary: Option<&'a str>,
    pub note: Option<&'a str>,
    pub due_date: NaiveDate,
    pub user_id: i64,
    pub day_start: DateTime<Utc>,
    pub day_end: DateTime<Utc>,
}

impl ActivityRow<'_> {
    fn columns(&self) -> Vec<(&'static str, Arg)> {
        vec![
            ("activity_type_id", self.activity_type_id.into()),
            ("summary", self.summary.into()),
            ("note", self.note.into()),
            ("due_date", self.due_date.into()),
            ("user_id", self.user_id.into()),
            ("day_start", self.day_start.into()),
            ("day_end", self.day_end.into()),
        ]
    }
}

pub async fn insert(
    tx: &mut Tx,
    record_type: &str,
    record_id: i64,
    row: &ActivityRow<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut cols = row.columns();
    cols.extend([
        ("record_type", record_type.into()),
        ("record_id", record_id.into()),
        ("created_at", now.into()),
        ("created_by", by.into()),
        ("updated_at", now.into()),
        ("updated_by", by.into()),
    ]);
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id("activities", cols))
        .await?;
    Ok(id)
}

/// Rewrites an open activity if it still has `version`.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    row: &ActivityRow<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE activities SET ");
    sql.assignments(row.columns());
    sql.push("updated_at = ")
        .bind(now)
        .push(", updated_by = ")
        .bind(by)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version)
        .push(" AND done_at IS NULL");
    Ok(tx.execute(&sql).await? > 0)
}

/// Marks an open activity done; false when it was done or changed meanwhile.
pub async fn mark_done(
    tx: &mut Tx,
    id: i64,
    version: i64,
    feedback: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "UPDATE activities SET done_at = $1, done_by = $2, feedback = $3, updated_at = $1, \
             updated_by = $2, version = version + 1 WHERE id = $4 AND version = $5 AND done_at IS NULL",
            vec![now.into(), by.into(), feedback.into(), id.into(), version.into()],
        ))
        .await?
        > 0)
}

/// Cancels an open activity; false when it was done (or gone) meanwhile.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM activities WHERE id = $1 AND done_at IS NULL",
            vec![id.into()],
        ))
        .await?
        > 0)
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Activity>> {
    conn.optional(&Sql::with(
        format!("SELECT {COLUMNS} FROM activities a WHERE a.id = $1"),
        vec![id.into()],
    ))
    .await
}

/// A record's activities: open ones by due date first, then done ones, newest first.
pub async fn of_record(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
    include_done: bool,
) -> Result<Vec<Activity>> {
    let mut sql = Sql::with(
        format!("SELECT {COLUMNS} FROM activities a WHERE a.record_type = $1 AND a.record_id = $2"),
        vec![record_type.into(), record_id.into()],
    );
    if !include_done {
        sql.push(" AND a.done_at IS NULL");
    }
    sql.push(
        " ORDER BY CASE WHEN a.done_at IS NULL THEN 0 ELSE 1 END, a.day_end, a.done_at DESC, a.id",
    );
    conn.all(&sql).await
}

/// What a list of activities asks for (the caller has checked the reader may see it).
pub struct ListSpec<'a> {
    pub user_id: Option<i64>,
    pub record: Option<(&'a str, i64)>,
    pub open_only: bool,
    pub limit: i64,
}

pub async fn list(conn: &mut impl Conn, spec: ListSpec<'_>) -> Result<Vec<Activity>> {
    let mut sql = Sql::new(format!("SELECT {COLUMNS} FROM activities a WHERE 1 = 1"));
    if let Some(u) = spec.user_id {
        sql.push(" AND a.user_id = ").bind(u);
    }
    if let Some((t, id)) = spec.record {
        sql.push(" AND a.record_type = ")
            .bind(t)
            .push(" AND a.record_id = ")
            .bind(id);
    }
    if spec.open_only {
        sql.push(" AND a.done_at IS NULL");
    }
    sql.push(" ORDER BY CASE WHEN a.done_at IS NULL THEN 0 ELSE 1 END, a.day_end, a.id")
        .limit(spec.limit);
    conn.all(&sql).await
}

/// The open activities assigned to a user (to move their due days to a new time zone).
pub async fn open_of_user(conn: &mut impl Conn, user_id: i64) -> Result<Vec<Activity>> {
    conn.all(&Sql::with(
        format!("SELECT {COLUMNS} FROM activities a WHERE a.user_id = $1 AND a.done_at IS NULL"),
        vec![user_id.into()],
    ))
    .await
}

pub async fn set_day(
    tx: &mut Tx,
    id: i64,
    day_start: DateTime<Utc>,
    day_end: DateTime<Utc>,
) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE activities SET day_start = $1, day_end = $2 WHERE id = $3",
        vec![day_start.into(), day_end.into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Rewrites a lead's summary from its open activities: the one that falls due first.
pub async fn refresh_lead(tx: &mut Tx, lead_id: i64) -> Result<()> {
    // Lock the lead first: on PostgreSQL (READ COMMITTED) two transactions changing the same
    // lead's activities then refresh one after the other, each reading the other's rows.
    tx.execute(&Sql::with(
        "UPDATE leads SET activity_due = activity_due WHERE id = $1",
        vec![lead_id.into()],
    ))
    .await?;
    let first: Option<(NaiveDate, DateTime<Utc>, DateTime<Utc>)> = tx
        .fetch_optional(&Sql::with(
            "SELECT due_date, day_start, day_end FROM activities WHERE record_type = 'lead' \
             AND record_id = $1 AND done_at IS NULL ORDER BY day_end, id LIMIT 1",
            vec![lead_id.into()],
        ))
        .await?;
    let (due, start, end) = match first {
        Some((d, s, e)) => (Some(d), Some(s), Some(e)),
        None => (None, None, None),
    };
    tx.execute(&Sql::with(
        "UPDATE leads SET activity_due = $1, activity_day_start = $2, activity_day_end = $3 WHERE id = $4",
        vec![due.into(), start.into(), end.into(), lead_id.into()],
    ))
    .await?;
    Ok(())
}

/// Gives a record's activities to another record (a merge keeps them on the survivor).
pub async fn move_to(tx: &mut Tx, record_type: &str, from_id: i64, to_id: i64) -> Result<()> {
    crate::shared::move_record_rows(tx, "activities", record_type, from_id, to_id).await
}

/// Removes a deleted record's activities.
pub async fn delete_of_record(tx: &mut Tx, record_type: &str, record_id: i64) -> Result<()> {
    crate::shared::delete_record_rows(tx, "activities", record_type, record_id).await
}
