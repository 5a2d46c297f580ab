//! Meetings: `/api/v1/meetings` (the calendar's occurrences in a range, schedule, read,
//! change "this one" or "all", delete), an attendee's answer, one meeting's `.ics`, and the
//! secret iCalendar feed `GET /api/v1/calendar.ics?token=`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use sen_app::meetings::{AttendeeInput, MeetingInput, MeetingView, Occurrence};
use sen_domain::activity::RecordType;
use sen_domain::meeting::{Alarm, Channel, MeetingValues, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Auth, IdPath, JsonBody};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
pub struct AttendeeIo {
    /// A user, or …
    pub user_id: Option<i64>,
    /// … a contact.
    pub contact_id: Option<i64>,
    /// `needs_action`, `accepted`, `declined` or `tentative`.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
pub struct AlarmIo {
    /// Minutes before the start (0 to 40320, four weeks).
    pub minutes_before: Option<i64>,
    /// `in_app` or `email`.
    pub channel: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingOut {
    pub id: i64,
    pub name: String,
    pub start: DateTime<Utc>,
    pub stop: DateTime<Utc>,
    pub all_day: bool,
    /// The zone the meeting repeats in (the organiser's by default).
    pub time_zone: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub organizer_id: i64,
    pub attendees: Vec<AttendeeIo>,
    pub alarms: Vec<AlarmIo>,
    /// RFC 5545 RRULE, normalised; null when it does not repeat.
    pub rrule: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    /// For an edited occurrence: its series, and its start in the series.
    pub parent_id: Option<i64>,
    pub recurrence_start: Option<DateTime<Utc>>,
    pub version: i64,
    /// This meeting as an iCalendar file.
    pub ics_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<MeetingView> for MeetingOut {
    fn from(v: MeetingView) -> Self {
        let m = v.meeting;
        MeetingOut {
            ics_url: format!("/api/v1/meetings/{}/ics", m.id),
            id: m.id,
            name: m.name,
            start: m.start_at,
            stop: m.stop_at,
            all_day: m.all_day,
            time_zone: m.time_zone,
            location: m.location,
            description: m.description,
            organizer_id: m.organizer_id,
            attendees: v
                .attendees
                .into_iter()
                .map(|a| AttendeeIo {
                    user_id: a.user_id,
                    contact_id: a.contact_id,
                    status: Some(a.status),
                })
                .collect(),
            alarms: v
                .alarms
                .into_iter()
                .map(|a| AlarmIo {
                    minutes_before: Some(a.minutes_before),
                    channel: Some(a.channel),
                })
                .collect(),
            rrule: m.rrule,
            record_type: m.record_type,
            record_id: m.record_id,
            parent_id: m.parent_id,
            recurrence_start: m.recurrence_start,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct MeetingIn {
    pub name: Option<String>,
    /// RFC 3339 (`2026-12-01T09:00:00+07:00`), a local time in `time_zone`
    /// (`2026-12-01T09:00`), or a date for all-day meetings.
    pub start: Option<String>,
    pub stop: Option<String>,
    pub all_day: Option<bool>,
    /// IANA zone; yours by default.
    pub time_zone: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    /// Someone else (managers); you by default. The organiser always attends.
    pub organizer_id: Option<i64>,
    pub attendees: Option<Vec<AttendeeIo>>,
    pub alarms: Option<Vec<AlarmIo>>,
    /// RFC 5545 RRULE, e.g. `FREQ=WEEKLY;BYDAY=MO;COUNT=10` (COUNT or UNTIL, not both).
    pub rrule: Option<String>,
    /// Schedule it on a lead, an opportunity (`lead`) or a contact.
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct MeetingPatchIn {
    /// Required: the version read.
    pub version: Option<i64>,
    /// `all` (default) or `this` — one occurrence of a repeating meeting, named by
    /// `occurrence`.
    pub scope: Option<String>,
    /// The occurrence's start in the series (as listed by `GET /meetings`).
    pub occurrence: Option<DateTime<Utc>>,
    pub name: Option<String>,
    pub start: Option<String>,
    pub stop: Option<String>,
    pub all_day: Option<bool>,
    pub time_zone: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub attendees: Option<Vec<AttendeeIo>>,
    pub alarms: Option<Vec<AlarmIo>>,
    /// A new rule, or `""` to stop repeating.
    pub rrule: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrenceOut {
    /// The meeting to read or change (`GET/PATCH /meetings/{id}`): the series, or the
    /// edited occurrence's own meeting.
    pub id: i64,
    /// The same as `id` (kept for clarity beside `series_id`).
    pub meeting_id: i64,
    pub series_id: i64,
    /// Its start in the series (give it as `occurrence` to change only this one).
    pub recurrence_start: Option<DateTime<Utc>>,
    pub name: String,
    pub start: DateTime<Utc>,
    pub stop: DateTime<Utc>,
    pub all_day: bool,
    pub location: Option<String>,
    pub description: Option<String>,
    pub time_zone: String,
    /// The series' rule (this occurrence is one of it), or null.
    pub rrule: Option<String>,
    pub recurring: bool,
    pub organizer_id: i64,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub version: i64,
}

impl From<Occurrence> for OccurrenceOut {
    fn from(o: Occurrence) -> Self {
        OccurrenceOut {
            id: o.meeting.id,
            meeting_id: o.meeting.id,
            series_id: o.series_id,
            recurrence_start: o.recurrence_start,
            recurring: o.recurrence_start.is_some(),
            name: o.meeting.name,
            start: o.start,
            stop: o.stop,
            all_day: o.meeting.all_day,
            location: o.meeting.location,
            description: o.meeting.description,
            time_zone: o.meeting.time_zone,
            rrule: o.meeting.rrule,
            organizer_id: o.meeting.organizer_id,
            record_type: o.meeting.record_type,
            record_id: o.meeting.record_id,
            version: o.meeting.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrenceList {
    /// Each occurrence in the range, by start.
    pub items: Vec<OccurrenceOut>,
    pub total: i64,
    /// Always null: a range is answered whole (at most 2,000 occurrences).
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct RangeQuery {
    /// From (RFC 3339 or a date); today by default.
    pub from: Option<String>,
    /// To (exclusive); 31 days after `from` by default; at most 400 days.
    pub to: Option<String>,
    /// Someone else's calendar (managers).
    pub user_id: Option<i64>,
}

/// Reads a time: RFC 3339, a local date-time in `tz`, or a date (its midnight in `tz`).
pub fn parse_when(field: &str, s: &str, tz: &str) -> ApiResult<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let zone = tz.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        });
    local
        .and_then(|l| zone.from_local_datetime(&l).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            ApiError::unprocessable(
                field,
                "not a date or time (use RFC 3339, e.g. 2026-12-01T09:00:00+07:00)",
            )
        })
}

fn alarms_of(list: Option<Vec<AlarmIo>>) -> ApiResult<Vec<Alarm>> {
    list.unwrap_or_default()
        .into_iter()
        .map(|a| {
            let minutes_before = a
                .minutes_before
                .ok_or_else(|| ApiError::unprocessable("alarms.minutes_before", "required"))?;
            let channel = match a.channel.as_deref() {
                None => Channel::InApp,
                Some(c) => Channel::parse(c).ok_or_else(|| {
                    ApiError::unprocessable("alarms.channel", "one of: in_app, email")
                })?,
            };
            Ok(Alarm {
                minutes_before,
                channel,
            })
        })
        .collect()
}

fn attendees_of(list: Option<Vec<AttendeeIo>>) -> Vec<AttendeeInput> {
    list.unwrap_or_default()
        .into_iter()
        .map(|a| AttendeeInput {
            user_id: a.user_id,
            contact_id: a.contact_id,
            status: a.status,
        })
        .collect()
}

fn clean(s: Option<String>) -> Option<String> {
    s.map(|x| x.trim().to_string()).filter(|x| !x.is_empty())
}

fn ics_response(name: &str, body: String, download: bool) -> Response {
    let mut headers = vec![(
        header::CONTENT_TYPE,
        "text/calendar; charset=utf-8".to_string(),
    )];
    if download {
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        headers.push((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.ics\"", safe.trim_matches('-')),
        ));
    }
    let mut res = (StatusCode::OK, body).into_response();
    for (k, v) in headers {
        if let Ok(v) = v.parse() {
            res.headers_mut().insert(k, v);
        }
    }
    res
}

/// The occurrences in a range of your meetings (or, for managers, someone's).
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings", params(RangeQuery),
    responses((status = 200, description = "OK", body = OccurrenceList), (status = 400, description = "Malformed query (problem+json)", body = Problem),
              (status = 403, description = "Someone else's calendar, for a salesperson (problem+json)", body = Problem),
              (status = 422, description = "A range of more than 400 days (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<OccurrenceList>> {
    let q = super::query::QueryPairs::parse(query.as_deref())?;
    let get = |k: &str| q.text(k);
    let tz = auth.actor().time_zone.clone();
    let bad = |f: &str| ApiError::bad_request(f, "not a date or time");
    let from = match get("from") {
        Some(f) => parse_when("from", &f, &tz).map_err(|_| bad("from"))?,
        None => parse_when("from", &sen_app::clock::today_in(&tz).to_string(), &tz)?,
    };
    let to = match get("to") {
        Some(t) => parse_when("to", &t, &tz).map_err(|_| bad("to"))?,
        None => from + chrono::Duration::days(31),
    };
    let user_id = q.number("user_id")?;
    let items = state.app.calendar(auth.actor(), user_id, from, to).await?;
    Ok(Json(OccurrenceList {
        total: items.len() as i64,
        items: items.into_iter().map(OccurrenceOut::from).collect(),
        next_cursor: None,
    }))
}

/// Schedule a meeting (with `record_type`/`record_id`: on that record's timeline).
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = MeetingIn,
    responses((status = 201, description = "Created", body = MeetingOut), (status = 401, description = "Not signed in (problem+json)", body = Problem),
              (status = 403, description = "You may not change that record (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named: a stop before the start, a bad RRULE … (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<MeetingIn>,
) -> ApiResult<Response> {
    let actor = auth.actor();
    let tz = clean(b.time_zone).unwrap_or_else(|| actor.time_zone.clone());
    let start = parse_when(
        "start",
        b.start
            .as_deref()
            .ok_or_else(|| ApiError::unprocessable("start", "required"))?,
        &tz,
    )?;
    let stop = match b.stop.as_deref() {
        Some(s) => parse_when("stop", s, &tz)?,
        None => start + chrono::Duration::hours(1),
    };
    let record = match (clean(b.record_type), b.record_id) {
        (None, None) => None,
        (Some(t), Some(id)) => Some((
            RecordType::parse(&t)
                .ok_or_else(|| ApiError::unprocessable("record_type", "one of: lead, contact"))?,
            id,
        )),
        (Some(_), None) => {
            return Err(ApiError::unprocessable(
                "record_id",
                "give it with record_type",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::unprocessable(
                "record_type",
                "give it with record_id",
            ));
        }
    };
    let input = MeetingInput {
        values: MeetingValues {
            name: b.name.unwrap_or_default(),
            start,
            stop,
            all_day: b.all_day.unwrap_or(false),
            time_zone: tz,
            location: clean(b.location),
            description: clean(b.description),
            rrule: clean(b.rrule),
            alarms: alarms_of(b.alarms)?,
        },
        organizer_id: b.organizer_id,
        attendees: attendees_of(b.attendees),
        record,
    };
    let m = state.app.create_meeting(actor, input).await?;
    let location = format!("/api/v1/meetings/{}", m.meeting.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(MeetingOut::from(m)),
    )
        .into_response())
}

/// One meeting, with its attendees and reminders.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = MeetingOut), (status = 404, description = "No such meeting, or one you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<MeetingOut>> {
    Ok(Json(state.app.get_meeting(auth.actor(), id).await?.into()))
}

/// Change a meeting (`version` required): all of a series, or `scope: "this"` for one
/// occurrence (`occurrence` = its start in the series).
#[utoipa::path(patch, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), request_body = MeetingPatchIn,
    responses((status = 200, description = "OK (for `this`: the occurrence's own meeting)", body = MeetingOut), (status = 404, description = "No such meeting (problem+json)", body = Problem),
              (status = 403, description = "Only the organiser and managers change it (problem+json)", body = Problem),
              (status = 409, description = "Changed meanwhile (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<MeetingPatchIn>,
) -> ApiResult<Json<MeetingOut>> {
    let actor = auth.actor();
    let version = b
        .version
        .ok_or_else(|| ApiError::unprocessable("version", "required"))?;
    let scope = match b.scope.as_deref() {
        None => Scope::All,
        Some(s) => {
            Scope::parse(s).ok_or_else(|| ApiError::unprocessable("scope", "one of: this, all"))?
        }
    };
    let mut cur = state.app.get_meeting(actor, id).await?;
    // Changing an occurrence already edited starts from its own values.
    if let (Scope::This, Some(o), Some(_)) = (scope, b.occurrence, &cur.meeting.rrule)
        && let Some(own) = state.app.occurrence_meeting(actor, id, o).await?
    {
        cur = own;
    }
    let m = &cur.meeting;
    let tz = clean(b.time_zone).unwrap_or_else(|| m.time_zone.clone());
    let length = m.stop_at - m.start_at;
    // "This one" starts from the occurrence's own times.
    let base_start = match (scope, b.occurrence, &m.rrule) {
        (Scope::This, Some(o), Some(_)) => o,
        _ => m.start_at,
    };
    let rule_of_series = m.rrule.clone().or(cur.meeting.rrule.clone());
    let start = match b.start.as_deref() {
        Some(s) => parse_when("start", s, &tz)?,
        None => base_start,
    };
    let stop = match b.stop.as_deref() {
        Some(s) => parse_when("stop", s, &tz)?,
        None => start + length,
    };
    let attendees = match b.attendees {
        Some(a) => attendees_of(Some(a)),
        None => cur
            .attendees
            .iter()
            .map(|a| AttendeeInput {
                user_id: a.user_id,
                contact_id: a.contact_id,
                status: Some(a.status.clone()),
            })
            .collect(),
    };
    let alarms = match b.alarms {
        Some(a) => alarms_of(Some(a))?,
        None => cur
            .alarms
            .iter()
            .filter_map(|a| {
                Channel::parse(&a.channel).map(|channel| Alarm {
                    minutes_before: a.minutes_before,
                    channel,
                })
            })
            .collect(),
    };
    let rrule = match b.rrule {
        Some(r) => clean(Some(r)),
        None => rule_of_series,
    };
    let input = MeetingInput {
        values: MeetingValues {
            name: b.name.unwrap_or_else(|| m.name.clone()),
            start,
            stop,
            all_day: b.all_day.unwrap_or(m.all_day),
            time_zone: tz,
            location: b
                .location
                .map(|l| l.trim().to_string())
                .or(m.location.clone())
                .filter(|l| !l.is_empty()),
            description: b
                .description
                .map(|d| d.trim().to_string())
                .or(m.description.clone())
                .filter(|d| !d.is_empty()),
            rrule,
            alarms,
        },
        organizer_id: None,
        attendees,
        record: None,
    };
    let v = state
        .app
        .update_meeting(actor, id, version, scope, b.occurrence, input)
        .await?;
    Ok(Json(v.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query in the OpenAPI document; read by hand
pub struct DeleteQuery {
    /// `all` (default) or `this`.
    pub scope: Option<String>,
    /// With `this`: the occurrence's start in the series.
    pub occurrence: Option<String>,
}

/// Delete a meeting, or cancel one occurrence (`scope=this&occurrence=…`).
#[utoipa::path(delete, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path), DeleteQuery),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such meeting (problem+json)", body = Problem),
              (status = 403, description = "Only the organiser and managers delete it (problem+json)", body = Problem),
              (status = 422, description = "A bad scope or occurrence (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    RawQuery(query): RawQuery,
) -> ApiResult<StatusCode> {
    let q = super::query::QueryPairs::parse(query.as_deref())?;
    let get = |k: &str| q.text(k);
    let scope = match get("scope").as_deref() {
        None | Some("") => Scope::All,
        Some(s) => {
            Scope::parse(s).ok_or_else(|| ApiError::unprocessable("scope", "one of: this, all"))?
        }
    };
    let occurrence = match get("occurrence").filter(|o| !o.is_empty()) {
        Some(o) => Some(parse_when("occurrence", &o, "UTC")?),
        None => None,
    };
    state
        .app
        .delete_meeting(auth.actor(), id, scope, occurrence)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerIn {
    /// `accepted`, `declined`, `tentative` or `needs_action`.
    pub status: Option<String>,
}

/// Answer an invitation (attendees).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/answer", tag = "meetings", params(("id" = i64, Path)), request_body = AnswerIn,
    responses((status = 200, description = "OK", body = MeetingOut), (status = 403, description = "Not invited (problem+json)", body = Problem),
              (status = 404, description = "No such meeting (problem+json)", body = Problem),
              (status = 422, description = "Not an answer (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<AnswerIn>,
) -> ApiResult<Json<MeetingOut>> {
    let status = b
        .status
        .ok_or_else(|| ApiError::unprocessable("status", "required"))?;
    Ok(Json(
        state
            .app
            .answer_meeting(auth.actor(), id, &status)
            .await?
            .into(),
    ))
}

/// One meeting as an iCalendar file (with its repeat rule and cancelled occurrences).
#[utoipa::path(get, path = "/api/v1/meetings/{id}/ics", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar"), (status = 404, description = "No such meeting (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn ics(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Response> {
    let (name, body) = state.app.meeting_ics(auth.actor(), id).await?;
    Ok(ics_response(&name, body, true))
}

/// The secret calendar feed (no sign-in: the token is the key). Calendar apps subscribe
/// to `calendar_feed_url` from `GET /api/v1/me`.
#[utoipa::path(get, path = "/api/v1/calendar.ics", tag = "meetings", security(()), params(("token" = String, Query, description = "The feed's secret")),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar"), (status = 404, description = "Unknown or revoked secret (problem+json)", body = Problem)))]
pub async fn feed(State(state): State<AppState>, RawQuery(query): RawQuery) -> ApiResult<Response> {
    let token = super::query::QueryPairs::parse(query.as_deref())
        .ok()
        .and_then(|q| q.text("token"))
        .ok_or_else(ApiError::not_found)?;
    let body = state.app.calendar_feed(&token).await?;
    Ok(ics_response("sen-crm", body, false))
}

/// Revoke your calendar feed: its address stops working; `GET /me` then gives a new one.
#[utoipa::path(delete, path = "/api/v1/me/calendar-feed", tag = "session",
    responses((status = 204, description = "Revoked"), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn revoke_feed(State(state): State<AppState>, auth: Auth) -> ApiResult<StatusCode> {
    state.app.revoke_calendar_feed(auth.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The feed's address as seen by the client that asked (`SEN_PUBLIC_URL` wins).
pub fn feed_url(headers: &HeaderMap, secure: bool, token: &str) -> String {
    let base = std::env::var("SEN_PUBLIC_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1:8080");
            let proto = headers
                .get("x-forwarded-proto")
                .and_then(|h| h.to_str().ok())
                .unwrap_or(if secure { "https" } else { "http" });
            format!("{proto}://{host}")
        });
    format!(
        "{}/api/v1/calendar.ics?token={token}",
        base.trim_end_matches('/')
    )
}
