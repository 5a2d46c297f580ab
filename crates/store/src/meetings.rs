//! Meetings, their attendees and reminders; an edited or cancelled occurrence of a series
//! is a row of its own (`parent_id`, `recurrence_start`).

use chrono::{DateTime, Utc};

use crate::conn::Conn;
use crate::db::Tx;
use crate::error::Result;
use crate::sql::{Arg, Sql};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    pub id: i64,
    pub name: String,
    pub start_at: DateTime<Utc>,
    pub stop_at: DateTime<Utc>,
    pub all_day: bool,
    pub time_zone: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub organizer_id: i64,
    pub rrule: Option<String>,
    pub series_end: Option<DateTime<Utc>>,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub recurrence_start: Option<DateTime<Utc>>,
    pub cancelled: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
}

const COLUMNS: &str = "m.id, m.name, m.start_at, m.stop_at, m.all_day, m.time_zone, m.location, \
    m.description, m.organizer_id, m.rrule, m.series_end, m.record_type, m.record_id, \
    m.parent_id, m.recurrence_start, m.cancelled, m.version, m.created_at, m.created_by, \
    m.updated_at, m.updated_by";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attendee {
    pub meeting_id: i64,
    pub user_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub status: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlarmRow {
    pub meeting_id: i64,
    pub minutes_before: i64,
    pub channel: String,
}

/// The stored columns of a meeting (all but ids, links and audit).
pub struct Row<'a> {
    pub name: &'a str,
    pub start_at: DateTime<Utc>,
    pub stop_at: DateTime<Utc>,
    pub all_day: bool,
    pub time_zone: &'a str,
    pub location: Option<&'a str>,
    pub description: Option<&'a str>,
    pub organizer_id: i64,
    pub rrule: Option<&'a str>,
    pub series_end: Option<DateTime<Utc>>,
}

fn columns(r: &Row<'_>) -> Vec<(&'static str, Arg)> {
    vec![
        ("name", r.name.into()),
        ("start_at", r.start_at.into()),
        ("stop_at", r.stop_at.into()),
        ("all_day", r.all_day.into()),
        ("time_zone", r.time_zone.into()),
        ("location", r.location.into()),
        ("description", r.description.into()),
        ("organizer_id", r.organizer_id.into()),
        ("rrule", r.rrule.into()),
        ("series_end", r.series_end.into()),
    ]
}

/// Where a new row belongs: a record, and for an occurrence its series.
#[derive(Default, Clone, Copy)]
pub struct Links<'a> {
    pub record: Option<(&'a str, i64)>,
    pub parent: Option<(i64, DateTime<Utc>)>,
    pub cancelled: bool,
}

pub async fn insert(
    tx: &mut Tx,
    r: &Row<'_>,
    links: Links<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut cols = columns(r);
    cols.extend([
        ("record_type", links.record.map(|x| x.0).into()),
        ("record_id", links.record.map(|x| x.1).into()),
        ("parent_id", links.parent.map(|p| p.0).into()),
        ("recurrence_start", links.parent.map(|p| p.1).into()),
        ("cancelled", links.cancelled.into()),
        ("created_at", now.into()),
        ("created_by", by.into()),
        ("updated_at", now.into()),
        ("updated_by", by.into()),
    ]);
    let (id,): (i64,) = tx
        .fetch_one(&Sql::insert_returning_id("meetings", cols))
        .await?;
    Ok(id)
}

/// Writes a meeting if `version` is still current; false otherwise.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    r: &Row<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut cols = columns(r);
    cols.extend([("updated_at", now.into()), ("updated_by", by.into())]);
    let mut sql = Sql::new("UPDATE meetings SET ");
    sql.assignments(cols)
        .push("version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version);
    Ok(tx.execute(&sql).await? == 1)
}

pub async fn get(conn: &mut impl Conn, id: i64) -> Result<Option<Meeting>> {
    conn.optional(&Sql::with(
        format!("SELECT {COLUMNS} FROM meetings m WHERE m.id = $1"),
        vec![id.into()],
    ))
    .await
}

/// Cancels an edited occurrence (its series then skips it).
pub async fn cancel(tx: &mut Tx, id: i64) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE meetings SET cancelled = TRUE, version = version + 1 WHERE id = $1",
        vec![id.into()],
    ))
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM meetings WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}

/// The occurrence row of a series at `recurrence_start`, if one was edited or cancelled.
pub async fn occurrence_row(
    conn: &mut impl Conn,
    parent_id: i64,
    recurrence_start: DateTime<Utc>,
) -> Result<Option<Meeting>> {
    conn.optional(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM meetings m WHERE m.parent_id = $1 AND m.recurrence_start = $2"
        ),
        vec![parent_id.into(), recurrence_start.into()],
    ))
    .await
}

/// The edited and cancelled occurrences of series.
pub async fn exceptions_of(conn: &mut impl Conn, parent_ids: &[i64]) -> Result<Vec<Meeting>> {
    if parent_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(format!(
        "SELECT {COLUMNS} FROM meetings m WHERE m.parent_id IN ("
    ));
    for (i, id) in parent_ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(") ORDER BY m.recurrence_start");
    conn.all(&sql).await
}

/// Series and single meetings that may touch `[from, to)`, of one user (organiser or
/// attendee) or of everyone.
pub async fn in_range(
    conn: &mut impl Conn,
    user_id: Option<i64>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Meeting>> {
    let mut sql = Sql::new(format!(
        "SELECT {COLUMNS} FROM meetings m WHERE m.parent_id IS NULL AND m.start_at < "
    ));
    sql.bind(to)
        .push(" AND (m.series_end IS NULL OR m.series_end > ")
        .bind(from)
        .push(")");
    if let Some(u) = user_id {
        sql.push(" AND (m.organizer_id = ")
            .bind(u)
            .push(" OR EXISTS (SELECT 1 FROM meeting_attendees a WHERE a.meeting_id = m.id AND a.user_id = ")
            .bind(u)
            .push("))");
    }
    sql.push(" ORDER BY m.start_at, m.id");
    conn.all(&sql).await
}

/// A record's meetings (series and singles), newest first.
pub async fn of_record(
    conn: &mut impl Conn,
    record_type: &str,
    record_id: i64,
) -> Result<Vec<Meeting>> {
    conn.all(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM meetings m WHERE m.record_type = $1 AND m.record_id = $2 \
             AND m.parent_id IS NULL ORDER BY m.start_at DESC, m.id DESC"
        ),
        vec![record_type.into(), record_id.into()],
    ))
    .await
}

/// Series and singles with reminders (on them or on one of their edited occurrences) that
/// may still ring after `from`.
pub async fn with_alarms(
    conn: &mut impl Conn,
    from: DateTime<Utc>,
    horizon: DateTime<Utc>,
) -> Result<Vec<Meeting>> {
    conn.all(&Sql::with(
        format!(
            "SELECT {COLUMNS} FROM meetings m WHERE m.parent_id IS NULL AND m.start_at <= $1 \
             AND (m.series_end IS NULL OR m.series_end >= $2) \
             AND EXISTS (SELECT 1 FROM meeting_alarms x JOIN meetings c ON c.id = x.meeting_id \
             WHERE c.id = m.id OR c.parent_id = m.id)"
        ),
        vec![horizon.into(), from.into()],
    ))
    .await
}

pub async fn attendees(conn: &mut impl Conn, meeting_ids: &[i64]) -> Result<Vec<Attendee>> {
    if meeting_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT meeting_id, user_id, contact_id, status FROM meeting_attendees WHERE meeting_id IN (",
    );
    for (i, id) in meeting_ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(") ORDER BY id");
    conn.all(&sql).await
}

pub async fn alarms(conn: &mut impl Conn, meeting_ids: &[i64]) -> Result<Vec<AlarmRow>> {
    if meeting_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT meeting_id, minutes_before, channel FROM meeting_alarms WHERE meeting_id IN (",
    );
    for (i, id) in meeting_ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(") ORDER BY minutes_before DESC, id");
    conn.all(&sql).await
}

/// Replaces a meeting's attendees: (user, contact, status).
pub async fn set_attendees(
    tx: &mut Tx,
    meeting_id: i64,
    people: &[(Option<i64>, Option<i64>, String)],
) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM meeting_attendees WHERE meeting_id = $1",
        vec![meeting_id.into()],
    ))
    .await?;
    for (user, contact, status) in people {
        tx.execute(&Sql::insert_returning_id(
            "meeting_attendees",
            vec![
                ("meeting_id", meeting_id.into()),
                ("user_id", (*user).into()),
                ("contact_id", (*contact).into()),
                ("status", status.as_str().into()),
            ],
        ))
        .await?;
    }
    Ok(())
}

pub async fn set_alarms(tx: &mut Tx, meeting_id: i64, alarms: &[(i64, &str)]) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM meeting_alarms WHERE meeting_id = $1",
        vec![meeting_id.into()],
    ))
    .await?;
    for (minutes, channel) in alarms {
        tx.execute(&Sql::insert_returning_id(
            "meeting_alarms",
            vec![
                ("meeting_id", meeting_id.into()),
                ("minutes_before", (*minutes).into()),
                ("channel", (*channel).into()),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// One attendee's answer.
pub async fn set_answer(tx: &mut Tx, meeting_id: i64, user_id: i64, status: &str) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "UPDATE meeting_attendees SET status = $1 WHERE meeting_id = $2 AND user_id = $3",
            vec![status.into(), meeting_id.into(), user_id.into()],
        ))
        .await?
        > 0)
}

/// Ends a series before `until` (an edit of "this and the following" would start a new one;
/// here it is used when a series' first occurrence is moved).
pub async fn delete_exceptions(tx: &mut Tx, parent_id: i64) -> Result<()> {
    tx.execute(&Sql::with(
        "DELETE FROM meetings WHERE parent_id = $1",
        vec![parent_id.into()],
    ))
    .await?;
    Ok(())
}

/// Gives a merged record's meetings to the record kept.
pub async fn move_to(tx: &mut Tx, record_type: &str, from_id: i64, to_id: i64) -> Result<()> {
    crate::shared::move_record_rows(tx, "meetings", record_type, from_id, to_id).await
}

/// Unlinks a deleted record's meetings (the meetings themselves stay in the calendars).
pub async fn unlink_record(tx: &mut Tx, record_type: &str, record_id: i64) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE meetings SET record_type = NULL, record_id = NULL WHERE record_type = $1 AND record_id = $2",
        vec![record_type.into(), record_id.into()],
    ))
    .await?;
    Ok(())
}

/// The user whose calendar feed this secret opens.
pub async fn user_of_feed(conn: &mut impl Conn, token: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = conn
        .optional(&Sql::with(
            "SELECT id FROM users WHERE calendar_token = $1 AND active = TRUE",
            vec![token.into()],
        ))
        .await?;
    Ok(row.map(|r| r.0))
}

pub async fn feed_token(conn: &mut impl Conn, user_id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> = conn
        .optional(&Sql::with(
            "SELECT calendar_token FROM users WHERE id = $1",
            vec![user_id.into()],
        ))
        .await?;
    Ok(row.and_then(|r| r.0))
}

pub async fn set_feed_token(tx: &mut Tx, user_id: i64, token: Option<&str>) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE users SET calendar_token = $1 WHERE id = $2",
        vec![token.into(), user_id.into()],
    ))
    .await?;
    Ok(())
}
