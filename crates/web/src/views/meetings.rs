//! The calendar (day / week / month, drag to reschedule; FullCalendar, vendored) and the
//! meeting dialog: schedule (from an opportunity, prefilled and linked), change this
//! occurrence or all, cancel, reminders, repeating.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use sen_app::meetings::{AttendeeInput, MeetingInput};
use sen_app::{Actor, AppError};
use sen_domain::activity::RecordType;
use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::meeting::{Alarm, Channel, MeetingValues, Scope};
use serde::Deserialize;

use super::chatter::record_url;
use super::forms::{FieldView, FormData, attach_errors, local_path_or};
use super::page::{PageCtx, PageId, Shell, Signed, dialog, error_page, go, render, render_form};
use crate::api::meetings::parse_when;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "meetings/calendar.html")]
struct CalendarPage {
    shell: Shell,
    locale: &'static str,
    time_zone: String,
    feed_url: String,
}

/// `GET /calendar`.
pub async fn calendar_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    headers: axum::http::HeaderMap,
) -> Response {
    let token = match state.app.calendar_feed_token(&actor).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let tr = ctx.tr();
    render(&CalendarPage {
        shell: ctx.shell("calendar", tr.t("calendar-title")),
        locale: match ctx.lang {
            "vi" => "vi",
            "zh-TW" => "zh-tw",
            _ => "en",
        },
        time_zone: actor.time_zone.clone(),
        feed_url: crate::api::meetings::feed_url(&headers, state.secure_cookies, &token),
    })
}

/// What the meeting form holds (as typed).
#[derive(Default, Clone)]
struct Draft {
    name: String,
    start: String,
    stop: String,
    all_day: bool,
    location: String,
    description: String,
    attendees: Vec<i64>,
    /// Contacts that may attend (id, name) and those chosen.
    contact_options: Vec<(i64, String)>,
    contacts: Vec<i64>,
    /// Answers given so far, by user (shown beside their names).
    answers: Vec<(i64, String)>,
    repeat: String,
    /// Weekdays of a weekly rule (MO … SU).
    byday: Vec<String>,
    interval: String,
    count: String,
    until: String,
    alarm: String,
    alarm_channel: String,
}

#[derive(Template)]
#[template(path = "meetings/form.html")]
struct MeetingForm {
    shell: Shell,
    action: String,
    record_type: String,
    record_id: String,
    version: i64,
    occurrence: String,
    recurring: bool,
    can_delete: bool,
    ics_url: String,
    /// For an invitee: where to answer, and their answer so far.
    answer_action: String,
    my_answer: String,
    fields: Vec<FieldView>,
    errors: Vec<String>,
    back: String,
}

fn local(t: DateTime<Utc>, tz: &str) -> String {
    let zone = tz.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    t.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
}

fn choice(
    tr: crate::i18n::Tr<'_>,
    values: &[&str],
    prefix: &str,
    chosen: &str,
) -> Vec<(String, String, bool)> {
    values
        .iter()
        .map(|v| {
            (
                v.to_string(),
                tr.t(&format!(
                    "{prefix}-{}",
                    if v.is_empty() { "none" } else { v }
                )),
                *v == chosen,
            )
        })
        .collect()
}

async fn fields(state: &AppState, ctx: &PageCtx, d: &Draft) -> Vec<FieldView> {
    let tr = ctx.tr();
    let users = state.app.user_names().await.unwrap_or_default();
    vec![
        FieldView::new("name", tr.t("meeting-name"), "text", d.name.clone()).required(),
        FieldView::new(
            "start",
            tr.t("meeting-start"),
            "datetime-local",
            d.start.clone(),
        )
        .required(),
        FieldView::new(
            "stop",
            tr.t("meeting-stop"),
            "datetime-local",
            d.stop.clone(),
        )
        .required(),
        FieldView::new(
            "all_day",
            tr.t("meeting-all-day"),
            "checkbox",
            if d.all_day { "true" } else { "" },
        ),
        FieldView::new(
            "location",
            tr.t("meeting-location"),
            "text",
            d.location.clone(),
        ),
        FieldView::new("attendees", tr.t("meeting-attendees"), "multi", "").options(
            users
                .into_iter()
                .map(|(id, name)| {
                    let label = match d.answers.iter().find(|(u, _)| *u == id) {
                        Some((_, a)) if a != "needs_action" => {
                            format!("{name} · {}", tr.t(&format!("meeting-answer-{a}")))
                        }
                        _ => name,
                    };
                    (id.to_string(), label, d.attendees.contains(&id))
                })
                .collect(),
        ),
        FieldView::new("contacts", tr.t("meeting-contacts"), "multi", "").options(
            d.contact_options
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone(), d.contacts.contains(id)))
                .collect(),
        ),
        FieldView::new("alarm", tr.t("meeting-reminder"), "select", "").options(choice(
            tr,
            &["", "0", "5", "15", "30", "60", "1440"],
            "meeting-reminder",
            &d.alarm,
        )),
        FieldView::new(
            "alarm_channel",
            tr.t("meeting-reminder-channel"),
            "select",
            "",
        )
        .options(choice(
            tr,
            &["in_app", "email"],
            "meeting-channel",
            &d.alarm_channel,
        )),
        FieldView::new("repeat", tr.t("meeting-repeat"), "select", "").options(choice(
            tr,
            &["", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"],
            "meeting-repeat",
            &d.repeat,
        )),
        FieldView::new("byday", tr.t("meeting-weekdays"), "multi", "").options(
            WEEKDAYS
                .iter()
                .map(|w| {
                    (
                        w.to_string(),
                        tr.t(&format!("weekday-{w}")),
                        d.byday.iter().any(|b| b == w),
                    )
                })
                .collect(),
        ),
        FieldView::new(
            "interval",
            tr.t("meeting-interval"),
            "number",
            d.interval.clone(),
        ),
        FieldView::new("count", tr.t("meeting-count"), "number", d.count.clone())
            .hint(tr.t("meeting-count-hint")),
        FieldView::new("until", tr.t("meeting-until"), "date", d.until.clone()),
        FieldView::new(
            "description",
            tr.t("meeting-description"),
            "textarea",
            d.description.clone(),
        ),
    ]
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// The rule the repeat fields describe (`None`: does not repeat).
fn rrule_of(d: &Draft) -> Option<String> {
    if d.repeat.is_empty() {
        return None;
    }
    let mut r = format!("FREQ={}", d.repeat);
    if d.repeat == "WEEKLY" && !d.byday.is_empty() {
        let days: Vec<&str> = WEEKDAYS
            .iter()
            .copied()
            .filter(|w| d.byday.iter().any(|b| b == w))
            .collect();
        r.push_str(&format!(";BYDAY={}", days.join(",")));
    }
    let interval = d.interval.trim();
    if !interval.is_empty() && interval != "1" {
        r.push_str(&format!(";INTERVAL={interval}"));
    }
    if !d.count.trim().is_empty() {
        r.push_str(&format!(";COUNT={}", d.count.trim()));
    }
    if !d.until.trim().is_empty() {
        r.push_str(&format!(";UNTIL={}", d.until.trim().replace('-', "")));
    }
    Some(r)
}

/// The repeat fields of a stored rule; UNTIL is shown as its date in the meeting's zone.
fn draft_of_rrule(d: &mut Draft, rule: &str, tz: &str) {
    let zone = tz.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    for part in rule.split(';') {
        match part.split_once('=') {
            Some(("FREQ", v)) => d.repeat = v.into(),
            Some(("INTERVAL", v)) => d.interval = v.into(),
            Some(("COUNT", v)) => d.count = v.into(),
            Some(("BYDAY", v)) if v.split(',').all(|x| WEEKDAYS.contains(&x)) => {
                d.byday = v.split(',').map(String::from).collect();
            }
            Some(("UNTIL", v)) => {
                if let Ok(t) =
                    chrono::NaiveDateTime::parse_from_str(v.trim_end_matches('Z'), "%Y%m%dT%H%M%S")
                {
                    d.until = t
                        .and_utc()
                        .with_timezone(&zone)
                        .format("%Y-%m-%d")
                        .to_string();
                } else if v.len() >= 8 {
                    d.until = format!("{}-{}-{}", &v[0..4], &v[4..6], &v[6..8]);
                }
            }
            _ => {}
        }
    }
}

/// The rule the form describes, keeping the parts the form does not show (BYDAY …) from
/// the stored rule.
fn merged_rrule(d: &Draft, stored: Option<&str>) -> Option<String> {
    let mut rule = rrule_of(d)?;
    for part in stored.unwrap_or("").split(';') {
        let key = part.split('=').next().unwrap_or("");
        let shown = ["FREQ", "INTERVAL", "COUNT", "UNTIL"].contains(&key)
            || (key == "BYDAY" && d.repeat == "WEEKLY");
        if !part.is_empty() && !shown {
            rule.push(';');
            rule.push_str(part);
        }
    }
    Some(rule)
}

fn draft_of_form(f: &FormData) -> Draft {
    Draft {
        name: f.get("name").unwrap_or_default(),
        start: f.get("start").unwrap_or_default(),
        stop: f.get("stop").unwrap_or_default(),
        all_day: f.get("all_day").is_some(),
        location: f.get("location").unwrap_or_default(),
        description: f.get("description").unwrap_or_default(),
        attendees: f
            .all("attendees")
            .iter()
            .filter_map(|a| a.parse().ok())
            .collect(),
        repeat: f.get("repeat").unwrap_or_default(),
        byday: f.all("byday"),
        contacts: f
            .all("contacts")
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect(),
        answers: Vec::new(),
        contact_options: f
            .all("contact_option")
            .iter()
            .filter_map(|o| {
                let (id, name) = o.split_once(':')?;
                Some((id.parse().ok()?, name.to_string()))
            })
            .collect(),
        interval: f.get("interval").unwrap_or_default(),
        count: f.get("count").unwrap_or_default(),
        until: f.get("until").unwrap_or_default(),
        alarm: f.get("alarm").unwrap_or_default(),
        alarm_channel: f.get("alarm_channel").unwrap_or_else(|| "in_app".into()),
    }
}

/// The form's values as a meeting; unreadable times are named.
fn input_of(d: &Draft, actor: &Actor, e: &mut FieldErrors) -> MeetingValues {
    let tz = actor.time_zone.clone();
    let mut when = |field: &str, v: &str| match parse_when(field, v, &tz) {
        Ok(t) => Some(t),
        Err(_) => {
            e.add(
                field,
                if v.trim().is_empty() {
                    Invalid::Required
                } else {
                    Invalid::Message("not a date or time".into())
                },
            );
            None
        }
    };
    let start = when("start", &d.start);
    let stop = when("stop", &d.stop);
    let now = Utc::now();
    let alarms = match d.alarm.parse::<i64>() {
        Ok(m) => vec![Alarm {
            minutes_before: m,
            channel: Channel::parse(&d.alarm_channel).unwrap_or(Channel::InApp),
        }],
        Err(_) => vec![],
    };
    MeetingValues {
        name: d.name.clone(),
        start: start.unwrap_or(now),
        stop: stop.or(start).unwrap_or(now),
        all_day: d.all_day,
        time_zone: tz.clone(),
        location: Some(d.location.trim().to_string()).filter(|s| !s.is_empty()),
        description: Some(d.description.trim().to_string()).filter(|s| !s.is_empty()),
        rrule: rrule_of(d),
        alarms,
    }
}

#[allow(clippy::too_many_arguments)]
async fn form(
    state: &AppState,
    ctx: &PageCtx,
    form: MeetingForm,
    draft: &Draft,
    errors: Option<&FieldErrors>,
) -> Response {
    let mut fields = fields(state, ctx, draft).await;
    let other = errors
        .map(|e| attach_errors(&mut fields, e, ctx.tr()))
        .unwrap_or_default();
    let refused = errors.is_some();
    let body = MeetingForm {
        fields,
        errors: other,
        ..form
    };
    if refused {
        return render_form(&body, true);
    }
    let title = body.shell.title.clone();
    dialog(ctx, "calendar", title, &body)
}

#[derive(Deserialize)]
pub struct NewQuery {
    record_type: Option<String>,
    record_id: Option<String>,
    start: Option<String>,
    all_day: Option<String>,
}

/// `GET /meetings/new[?record_type=lead&record_id=…][&start=…]`: prefilled from the record.
pub async fn new_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Query(q): Query<NewQuery>,
) -> Response {
    let tr = ctx.tr();
    let record = q
        .record_type
        .as_deref()
        .and_then(RecordType::parse)
        .zip(q.record_id.as_deref().and_then(|i| i.parse::<i64>().ok()));
    let start = q
        .start
        .as_deref()
        .and_then(|s| parse_when("start", s, &actor.time_zone).ok())
        .unwrap_or_else(|| {
            // The next whole hour.
            let t = Utc::now() + chrono::Duration::hours(1);
            t - chrono::Duration::seconds(t.timestamp() % 3600)
        });
    let mut draft = Draft {
        start: local(start, &actor.time_zone),
        stop: local(start + chrono::Duration::hours(1), &actor.time_zone),
        all_day: q.all_day.as_deref() == Some("true"),
        attendees: vec![actor.user_id],
        alarm: "15".into(),
        alarm_channel: "in_app".into(),
        ..Default::default()
    };
    let mut back = "/calendar".to_string();
    if let Some((rt, id)) = record {
        back = record_url(rt, id);
        if rt == RecordType::Lead {
            match state.app.get_lead(&actor, id).await {
                Ok(l) => {
                    draft.name = tr.t1("meeting-name-for", "name", &l.name);
                    if let Some(c) = l.contact_id
                        && let Ok(contact) = state.app.get_contact(&actor, c).await
                    {
                        draft.contact_options.push((c, contact.name));
                        draft.contacts.push(c);
                    }
                    if let Some(u) = l.user_id.filter(|u| !draft.attendees.contains(u)) {
                        draft.attendees.push(u);
                    }
                }
                Err(e) => return error_page(&ctx, e),
            }
        }
    }
    let shell = ctx.shell("calendar", tr.t("meeting-new"));
    let page = MeetingForm {
        shell,
        action: "/meetings".into(),
        record_type: record.map(|r| r.0.as_str().to_string()).unwrap_or_default(),
        record_id: record.map(|r| r.1.to_string()).unwrap_or_default(),
        version: 0,
        occurrence: String::new(),
        recurring: false,
        can_delete: false,
        ics_url: String::new(),
        answer_action: String::new(),
        my_answer: String::new(),
        fields: vec![],
        errors: vec![],
        back,
    };
    form(&state, &ctx, page, &draft, None).await
}

/// `POST /meetings`.
pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let draft = draft_of_form(&f);
    let mut e = FieldErrors::new();
    let values = input_of(&draft, &actor, &mut e);
    let record = f
        .get("record_type")
        .and_then(|t| RecordType::parse(&t))
        .zip(f.id("record_id"));
    let back = local_path_or(f.get("back"), "/calendar");
    let result = if e.is_empty() {
        state
            .app
            .create_meeting(
                &actor,
                MeetingInput {
                    values,
                    organizer_id: None,
                    attendees: attendees(&draft, &actor),
                    record,
                },
            )
            .await
    } else {
        Err(AppError::Invalid(e))
    };
    match result {
        Ok(_) => go(&ctx, &back),
        Err(AppError::Invalid(e)) => {
            let page = MeetingForm {
                shell: ctx.shell("calendar", ctx.tr().t("meeting-new")),
                action: "/meetings".into(),
                record_type: record.map(|r| r.0.as_str().to_string()).unwrap_or_default(),
                record_id: record.map(|r| r.1.to_string()).unwrap_or_default(),
                version: 0,
                occurrence: String::new(),
                recurring: false,
                can_delete: false,
                ics_url: String::new(),
                answer_action: String::new(),
                my_answer: String::new(),
                fields: vec![],
                errors: vec![],
                back,
            };
            form(&state, &ctx, page, &draft, Some(&e)).await
        }
        Err(e) => error_page(&ctx, e),
    }
}

fn attendees(d: &Draft, actor: &Actor) -> Vec<AttendeeInput> {
    let users = d
        .attendees
        .iter()
        .filter(|u| **u != actor.user_id)
        .map(|u| AttendeeInput {
            user_id: Some(*u),
            contact_id: None,
            status: None,
        });
    let contacts = d.contacts.iter().map(|c| AttendeeInput {
        user_id: None,
        contact_id: Some(*c),
        status: None,
    });
    users.chain(contacts).collect()
}

#[derive(Deserialize)]
pub struct EditQuery {
    occurrence: Option<String>,
}

/// `GET /meetings/{id}/edit[?occurrence=…]`.
pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    Query(q): Query<EditQuery>,
) -> Response {
    let v = match state.app.get_meeting(&actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(&ctx, e),
    };
    let m = &v.meeting;
    let occurrence = q
        .occurrence
        .as_deref()
        .and_then(|o| DateTime::parse_from_rfc3339(o).ok())
        .map(|o| o.with_timezone(&Utc))
        .filter(|_| m.rrule.is_some());
    let start = occurrence.unwrap_or(m.start_at);
    let mut draft = Draft {
        name: m.name.clone(),
        start: local(start, &actor.time_zone),
        stop: local(start + (m.stop_at - m.start_at), &actor.time_zone),
        all_day: m.all_day,
        location: m.location.clone().unwrap_or_default(),
        description: m.description.clone().unwrap_or_default(),
        attendees: v.attendees.iter().filter_map(|a| a.user_id).collect(),
        answers: v
            .attendees
            .iter()
            .filter_map(|a| a.user_id.map(|u| (u, a.status.clone())))
            .collect(),
        contacts: v.attendees.iter().filter_map(|a| a.contact_id).collect(),
        alarm: v
            .alarms
            .first()
            .map(|a| a.minutes_before.to_string())
            .unwrap_or_default(),
        alarm_channel: v
            .alarms
            .first()
            .map(|a| a.channel.clone())
            .unwrap_or_else(|| "in_app".into()),
        ..Default::default()
    };
    if let Some(r) = &m.rrule {
        draft_of_rrule(&mut draft, r, &m.time_zone);
    }
    for c in draft.contacts.clone() {
        if let Ok(contact) = state.app.get_contact(&actor, c).await {
            draft.contact_options.push((c, contact.name));
        }
    }
    let mine = v
        .attendees
        .iter()
        .find(|a| a.user_id == Some(actor.user_id))
        .map(|a| a.status.clone());
    let tr = ctx.tr();
    let page = MeetingForm {
        shell: ctx.shell("calendar", tr.t("meeting-edit")),
        action: format!("/meetings/{id}"),
        record_type: m.record_type.clone().unwrap_or_default(),
        record_id: m.record_id.map(|r| r.to_string()).unwrap_or_default(),
        version: m.version,
        occurrence: occurrence.map(|o| o.to_rfc3339()).unwrap_or_default(),
        recurring: m.rrule.is_some(),
        can_delete: actor.role.sees_all() || m.organizer_id == actor.user_id,
        ics_url: format!("/api/v1/meetings/{id}/ics"),
        answer_action: if m.organizer_id != actor.user_id && mine.is_some() {
            format!("/meetings/{id}/answer")
        } else {
            String::new()
        },
        my_answer: mine.unwrap_or_default(),
        fields: vec![],
        errors: vec![],
        back: "/calendar".into(),
    };
    form(&state, &ctx, page, &draft, None).await
}

fn scope_of(f: &FormData) -> (Scope, Option<DateTime<Utc>>) {
    let occurrence = f
        .get("occurrence")
        .and_then(|o| DateTime::parse_from_rfc3339(&o).ok())
        .map(|o| o.with_timezone(&Utc));
    match (f.get("scope").as_deref(), occurrence) {
        (Some("this"), Some(o)) => (Scope::This, Some(o)),
        _ => (Scope::All, None),
    }
}

/// `POST /meetings/{id}`: change (this occurrence or all).
pub async fn edit_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let draft = draft_of_form(&f);
    let (scope, occurrence) = scope_of(&f);
    let version = f.id("version").unwrap_or(0);
    let cur = match state.app.get_meeting(&actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(&ctx, e),
    };
    let mut e = FieldErrors::new();
    let mut values = input_of(&draft, &actor, &mut e);
    // The meeting keeps its zone; the form's times were read in the editor's.
    values.time_zone = cur.meeting.time_zone.clone();
    values.rrule = merged_rrule(&draft, cur.meeting.rrule.as_deref());
    // "All" from one occurrence moves the series by as much as that occurrence moved.
    let opened_at = f
        .get("occurrence")
        .and_then(|o| DateTime::parse_from_rfc3339(&o).ok())
        .map(|o| o.with_timezone(&Utc));
    if let (Scope::All, Some(at), Some(_)) = (scope, opened_at, &cur.meeting.rrule) {
        let length = values.stop - values.start;
        values.start = cur.meeting.start_at + (values.start - at);
        values.stop = values.start + length;
    }
    // Reminders and contacts the form does not show stay.
    values
        .alarms
        .extend(cur.alarms.iter().skip(1).filter_map(|a| {
            Channel::parse(&a.channel).map(|channel| Alarm {
                minutes_before: a.minutes_before,
                channel,
            })
        }));
    let people = attendees(&draft, &actor);
    let result = if e.is_empty() {
        state
            .app
            .update_meeting(
                &actor,
                id,
                version,
                scope,
                occurrence,
                MeetingInput {
                    values,
                    organizer_id: None,
                    attendees: people,
                    record: None,
                },
            )
            .await
    } else {
        Err(AppError::Invalid(e))
    };
    match result {
        Ok(_) => go(&ctx, &local_path_or(f.get("back"), "/calendar")),
        Err(AppError::Invalid(e)) => {
            let page = MeetingForm {
                shell: ctx.shell("calendar", ctx.tr().t("meeting-edit")),
                action: format!("/meetings/{id}"),
                record_type: String::new(),
                record_id: String::new(),
                version,
                occurrence: f.get("occurrence").unwrap_or_default(),
                recurring: occurrence.is_some() || !draft.repeat.is_empty(),
                can_delete: true,
                ics_url: format!("/api/v1/meetings/{id}/ics"),
                answer_action: String::new(),
                my_answer: String::new(),
                fields: vec![],
                errors: vec![],
                back: local_path_or(f.get("back"), "/calendar"),
            };
            form(&state, &ctx, page, &draft, Some(&e)).await
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /meetings/{id}/delete`: this occurrence or all.
pub async fn delete_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let (scope, occurrence) = scope_of(&f);
    match state
        .app
        .delete_meeting(&actor, id, scope, occurrence)
        .await
    {
        Ok(()) => go(&ctx, &local_path_or(f.get("back"), "/calendar")),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /meetings/{id}/answer`: an invitee's answer.
pub async fn answer_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    match state
        .app
        .answer_meeting(&actor, id, &f.get("status").unwrap_or_default())
        .await
    {
        Ok(_) => go(&ctx, "/calendar"),
        Err(e) => error_page(&ctx, e),
    }
}
