//! Meetings (R5.4, seed 004 "安排會議"): scheduling with attendees and reminders, repeating
//! series with "this one / all" changes, the calendar's occurrences in a range, and the
//! meeting on its opportunity's timeline.

use chrono::{DateTime, Utc};
use sen_domain::activity::RecordType;
use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::meeting::{self as rules, Alarm, Answer, MeetingValues, Scope};
use sen_store::Tx;
use sen_store::meetings::{self as store, AlarmRow, Attendee, Links, Meeting, Row};
use sen_store::users;

use crate::App;
use crate::access::Actor;
use crate::clock::now;
use crate::error::{AppError, AppResult, Current};

/// Most occurrences the calendar returns for one range.
const MAX_OCCURRENCES: usize = 2000;
/// Longest range the calendar asks for at once.
const MAX_RANGE_DAYS: i64 = 400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeInput {
    pub user_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub status: Option<String>,
}

/// A meeting to create or (in full) to change.
#[derive(Debug, Clone)]
pub struct MeetingInput {
    pub values: MeetingValues,
    pub organizer_id: Option<i64>,
    pub attendees: Vec<AttendeeInput>,
    pub record: Option<(RecordType, i64)>,
}

/// A meeting with its people and reminders.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub meeting: Meeting,
    pub attendees: Vec<Attendee>,
    pub alarms: Vec<AlarmRow>,
}

/// One occurrence on the calendar.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The row it comes from (the series, or an edited occurrence).
    pub meeting: Meeting,
    /// The series it belongs to, and its start in the series (for "this one" changes).
    pub series_id: i64,
    pub recurrence_start: Option<DateTime<Utc>>,
    pub start: DateTime<Utc>,
    pub stop: DateTime<Utc>,
}

fn stale(m: Meeting) -> AppError {
    AppError::Stale(Current::Meeting(Box::new(m)))
}

impl App {
    /// Whether the actor may see a meeting: managers all; others their own (organiser or
    /// attendee) and those on records they can see.
    async fn may_see_meeting(&self, actor: &Actor, m: &Meeting) -> AppResult<bool> {
        if actor.role.sees_all() || m.organizer_id == actor.user_id {
            return Ok(true);
        }
        let series = m.parent_id.unwrap_or(m.id);
        let people = store::attendees(&mut &self.db, &[series, m.id]).await?;
        if people.iter().any(|a| a.user_id == Some(actor.user_id)) {
            return Ok(true);
        }
        if let (Some(rt), Some(id)) = (
            m.record_type.as_deref().and_then(RecordType::parse),
            m.record_id,
        ) {
            return Ok(self.check_record(actor, rt, id, false).await.is_ok());
        }
        Ok(false)
    }

    fn may_change_meeting(actor: &Actor, m: &Meeting) -> bool {
        actor.role.sees_all() || m.organizer_id == actor.user_id
    }

    pub async fn get_meeting(&self, actor: &Actor, id: i64) -> AppResult<MeetingView> {
        let m = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self.may_see_meeting(actor, &m).await? {
            return Err(AppError::NotFound);
        }
        self.meeting_view(m).await
    }

    async fn meeting_view(&self, m: Meeting) -> AppResult<MeetingView> {
        let attendees = store::attendees(&mut &self.db, &[m.id]).await?;
        let alarms = store::alarms(&mut &self.db, &[m.id]).await?;
        Ok(MeetingView {
            meeting: m,
            attendees,
            alarms,
        })
    }

    /// Checks people and the record, and gives the attendee rows to store: the organiser
    /// always attends (accepted).
    async fn checked_people(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        organizer: i64,
        attendees: &[AttendeeInput],
        previous: &[Attendee],
        e: &mut FieldErrors,
    ) -> AppResult<Vec<(Option<i64>, Option<i64>, String)>> {
        if attendees.len() > rules::MAX_ATTENDEES {
            e.add(
                "attendees",
                Invalid::Range {
                    min: 0,
                    max: rules::MAX_ATTENDEES as i64,
                },
            );
        }
        let mut rows: Vec<(Option<i64>, Option<i64>, String)> =
            vec![(Some(organizer), None, Answer::Accepted.as_str().into())];
        let known = |u: Option<i64>, c: Option<i64>| {
            previous
                .iter()
                .find(|p| (u.is_some() && p.user_id == u) || (c.is_some() && p.contact_id == c))
                .and_then(|p| Answer::parse(&p.status))
        };
        for a in attendees {
            let status = match a.status.as_deref() {
                None => known(a.user_id, a.contact_id).unwrap_or(Answer::NeedsAction),
                Some(s) => match Answer::parse(s) {
                    Some(x) => x,
                    None => {
                        e.add(
                            "attendees.status",
                            Invalid::Choice {
                                allowed: Answer::choices(),
                            },
                        );
                        continue;
                    }
                },
            };
            match (a.user_id, a.contact_id) {
                (Some(u), None) => {
                    if !users::by_id(&mut *tx, u).await?.is_some_and(|x| x.active) {
                        e.add("attendees.user_id", Invalid::NotFound);
                    } else if u != organizer && !rows.iter().any(|r| r.0 == Some(u)) {
                        rows.push((Some(u), None, status.as_str().into()));
                    }
                }
                (None, Some(c)) => {
                    if self.get_contact(actor, c).await.is_err() {
                        e.add("attendees.contact_id", Invalid::NotFound);
                    } else if !rows.iter().any(|r| r.1 == Some(c)) {
                        rows.push((None, Some(c), status.as_str().into()));
                    }
                }
                _ => e.add(
                    "attendees",
                    Invalid::Message("each attendee is a user_id or a contact_id".into()),
                ),
            }
        }
        Ok(rows)
    }

    /// Schedules a meeting (from an opportunity when `record` is given).
    pub async fn create_meeting(
        &self,
        actor: &Actor,
        input: MeetingInput,
    ) -> AppResult<MeetingView> {
        let MeetingInput {
            mut values,
            organizer_id,
            attendees,
            record,
        } = input;
        let mut e = FieldErrors::new();
        if let Err(ve) = values.validate() {
            e.merge(ve);
        }
        let organizer = organizer_id.unwrap_or(actor.user_id);
        if organizer != actor.user_id && !actor.role.sees_all() {
            e.add(
                "organizer_id",
                Invalid::Message("only managers schedule for others".into()),
            );
        }
        if let Some((rt, id)) = record {
            match self.check_record(actor, rt, id, true).await {
                Ok(()) => {}
                Err(AppError::NotFound) => e.add("record_id", Invalid::NotFound),
                Err(other) => return Err(other),
            }
        }
        let mut tx = self.db.begin().await?;
        if !users::by_id(&mut tx, organizer)
            .await?
            .is_some_and(|u| u.active)
        {
            e.add("organizer_id", Invalid::NotFound);
        }
        let people = self
            .checked_people(&mut tx, actor, organizer, &attendees, &[], &mut e)
            .await?;
        e.into_result()?;
        let row = row_of(&values, organizer);
        let id = store::insert(
            &mut tx,
            &row,
            Links {
                record: record.map(|(rt, id)| (rt.as_str(), id)),
                ..Default::default()
            },
            actor.user_id,
            now(),
        )
        .await?;
        store::set_attendees(&mut tx, id, &people).await?;
        store::set_alarms(&mut tx, id, &alarm_rows(&values.alarms)).await?;
        if let Some((rt, rid)) = record {
            self.tell_meeting(&mut tx, actor, rt, rid, &values.name)
                .await?;
        }
        tx.commit().await?;
        self.reschedule_reminders().await;
        self.get_meeting(actor, id).await
    }

    async fn tell_meeting(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        rt: RecordType,
        rid: i64,
        name: &str,
    ) -> AppResult<()> {
        let r = self.record_ref_any(&mut *tx, rt, rid).await?;
        let detail = name.to_string();
        let news = crate::notify::News {
            kind: sen_domain::notify::Kind::Activity,
            record_type: rt.as_str(),
            record_id: rid,
            record_name: &r.name,
            team_id: r.team_id,
            actor_id: actor.user_id,
            detail: Some(&detail),
        };
        self.tell_followers(tx, &news, &[]).await
    }

    /// Changes a meeting: the whole series (`All`), or one occurrence (`This`, naming its
    /// start in the series) which then keeps its own values.
    pub async fn update_meeting(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        scope: Scope,
        occurrence: Option<DateTime<Utc>>,
        input: MeetingInput,
    ) -> AppResult<MeetingView> {
        let current = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self.may_see_meeting(actor, &current).await? {
            return Err(AppError::NotFound);
        }
        if !Self::may_change_meeting(actor, &current) {
            return Err(AppError::Forbidden);
        }
        let MeetingInput {
            mut values,
            attendees,
            ..
        } = input;
        let mut e = FieldErrors::new();
        let one = scope == Scope::This && current.rrule.is_some();
        if one {
            // An occurrence does not repeat by itself.
            values.rrule = None;
            match occurrence {
                None => e.add("occurrence", Invalid::Required),
                Some(o) if !self.is_occurrence(&current, o) => e.add(
                    "occurrence",
                    Invalid::Message("not an occurrence of this meeting".into()),
                ),
                _ => {}
            }
        }
        if let Err(ve) = values.validate() {
            e.merge(ve);
        }
        let mut tx = self.db.begin().await?;
        // Answers already given stay (from the occurrence's own row if it has one).
        let own = match (one, occurrence) {
            (true, Some(o)) => store::occurrence_row(&mut tx, current.id, o).await?,
            _ => None,
        };
        let previous =
            store::attendees(&mut tx, &[own.as_ref().map_or(current.id, |x| x.id)]).await?;
        let previous = if previous.is_empty() {
            store::attendees(&mut tx, &[current.id]).await?
        } else {
            previous
        };
        let people = self
            .checked_people(
                &mut tx,
                actor,
                current.organizer_id,
                &attendees,
                &previous,
                &mut e,
            )
            .await?;
        e.into_result()?;
        let row = row_of(&values, current.organizer_id);
        let target = if let (true, Some(o)) = (one, occurrence) {
            match store::occurrence_row(&mut tx, current.id, o).await? {
                Some(x) => {
                    store::update(&mut tx, x.id, x.version, &row, actor.user_id, now()).await?;
                    x.id
                }
                None => {
                    if current.version != version {
                        return Err(stale(current));
                    }
                    store::insert(
                        &mut tx,
                        &row,
                        Links {
                            parent: Some((current.id, o)),
                            ..Default::default()
                        },
                        actor.user_id,
                        now(),
                    )
                    .await?
                }
            }
        } else {
            if !store::update(&mut tx, id, version, &row, actor.user_id, now()).await? {
                return Err(stale(current));
            }
            if current.start_at != row.start_at || current.rrule.as_deref() != row.rrule {
                // The series' occurrences moved: edits of the old ones no longer apply.
                store::delete_exceptions(&mut tx, id).await?;
            }
            id
        };
        store::set_attendees(&mut tx, target, &people).await?;
        store::set_alarms(&mut tx, target, &alarm_rows(&values.alarms)).await?;
        tx.commit().await?;
        self.reschedule_reminders().await;
        self.get_meeting(actor, target).await
    }

    /// Queues reminders now due after a change; a failure is logged, never the change's.
    async fn reschedule_reminders(&self) {
        if let Err(e) = self.schedule_due_work().await {
            tracing::error!(error = %e, "scheduling reminders");
        }
    }

    pub(crate) fn is_occurrence(&self, m: &Meeting, at: DateTime<Utc>) -> bool {
        rules::occurrences(
            m.start_at,
            m.stop_at,
            &m.time_zone,
            m.rrule.as_deref(),
            at,
            at + chrono::Duration::seconds(1),
            400,
        )
        .contains(&at)
    }

    /// The edited occurrence of a series at `at`, if one exists (its own values are the
    /// starting point of another change to it).
    pub async fn occurrence_meeting(
        &self,
        actor: &Actor,
        series_id: i64,
        at: DateTime<Utc>,
    ) -> AppResult<Option<MeetingView>> {
        match store::occurrence_row(&mut &self.db, series_id, at).await? {
            Some(x) if !x.cancelled => Ok(Some(self.get_meeting(actor, x.id).await?)),
            _ => Ok(None),
        }
    }

    /// Deletes a meeting, or (`This`) cancels one occurrence of a series.
    pub async fn delete_meeting(
        &self,
        actor: &Actor,
        id: i64,
        scope: Scope,
        occurrence: Option<DateTime<Utc>>,
    ) -> AppResult<()> {
        let m = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self.may_see_meeting(actor, &m).await? {
            return Err(AppError::NotFound);
        }
        if !Self::may_change_meeting(actor, &m) {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        if let Some(parent) = m.parent_id {
            // An edited occurrence: "this one" cancels it (its series would otherwise show
            // the original again); "all" deletes the series.
            match scope {
                Scope::This => store::cancel(&mut tx, m.id).await?,
                Scope::All => {
                    store::delete(&mut tx, parent).await?;
                }
            }
            tx.commit().await?;
            return Ok(());
        }
        match (scope, m.rrule.is_some(), occurrence) {
            (Scope::This, true, Some(o)) => {
                if !self.is_occurrence(&m, o) {
                    return Err(AppError::field(
                        "occurrence",
                        Invalid::Message("not an occurrence of this meeting".into()),
                    ));
                }
                if let Some(x) = store::occurrence_row(&mut tx, m.id, o).await? {
                    store::delete(&mut tx, x.id).await?;
                }
                let row = Row {
                    rrule: None,
                    series_end: Some(o),
                    start_at: o,
                    stop_at: o + (m.stop_at - m.start_at),
                    ..row_of_meeting(&m)
                };
                store::insert(
                    &mut tx,
                    &row,
                    Links {
                        parent: Some((m.id, o)),
                        cancelled: true,
                        ..Default::default()
                    },
                    actor.user_id,
                    now(),
                )
                .await?;
            }
            (Scope::This, true, None) => {
                return Err(AppError::field("occurrence", Invalid::Required));
            }
            _ => {
                store::delete(&mut tx, m.id).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The actor's answer to an invitation.
    pub async fn answer_meeting(
        &self,
        actor: &Actor,
        id: i64,
        status: &str,
    ) -> AppResult<MeetingView> {
        let answer = Answer::parse(status).ok_or_else(|| {
            AppError::field(
                "status",
                Invalid::Choice {
                    allowed: Answer::choices(),
                },
            )
        })?;
        let m = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self.may_see_meeting(actor, &m).await? {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        if !store::set_answer(&mut tx, id, actor.user_id, answer.as_str()).await? {
            return Err(AppError::Forbidden);
        }
        tx.commit().await?;
        self.get_meeting(actor, id).await
    }

    /// Occurrences in `[from, to)` of the actor's meetings (or, for managers, `user_id`'s).
    pub async fn calendar(
        &self,
        actor: &Actor,
        user_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Vec<Occurrence>> {
        if to <= from || to - from > chrono::Duration::days(MAX_RANGE_DAYS) {
            return Err(AppError::field(
                "to",
                Invalid::Message(format!("the range must be 1 to {MAX_RANGE_DAYS} days")),
            ));
        }
        let who = user_id.unwrap_or(actor.user_id);
        if who != actor.user_id && !actor.role.sees_all() {
            return Err(AppError::Forbidden);
        }
        self.occurrences_between(Some(who), from, to).await
    }

    pub(crate) async fn occurrences_between(
        &self,
        user_id: Option<i64>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> AppResult<Vec<Occurrence>> {
        let series = store::in_range(&mut &self.db, user_id, from, to).await?;
        let ids: Vec<i64> = series
            .iter()
            .filter(|m| m.rrule.is_some())
            .map(|m| m.id)
            .collect();
        let exceptions = store::exceptions_of(&mut &self.db, &ids).await?;
        let mut out = Vec::new();
        for m in series {
            let starts = rules::occurrences(
                m.start_at,
                m.stop_at,
                &m.time_zone,
                m.rrule.as_deref(),
                from,
                to,
                MAX_OCCURRENCES,
            );
            let length = m.stop_at - m.start_at;
            for s in starts {
                if m.rrule.is_some()
                    && exceptions
                        .iter()
                        .any(|x| x.parent_id == Some(m.id) && x.recurrence_start == Some(s))
                {
                    continue;
                }
                out.push(Occurrence {
                    series_id: m.id,
                    recurrence_start: m.rrule.as_ref().map(|_| s),
                    start: s,
                    stop: s + length,
                    meeting: m.clone(),
                });
            }
        }
        for x in exceptions {
            if !x.cancelled && x.start_at < to && x.stop_at > from {
                out.push(Occurrence {
                    series_id: x.parent_id.unwrap_or(x.id),
                    recurrence_start: x.recurrence_start,
                    start: x.start_at,
                    stop: x.stop_at,
                    meeting: x,
                });
            }
        }
        out.sort_by_key(|o| (o.start, o.meeting.id));
        out.truncate(MAX_OCCURRENCES);
        Ok(out)
    }

    /// A record's meetings, newest first (for its page and timeline).
    pub async fn record_meetings(
        &self,
        actor: &Actor,
        rt: RecordType,
        id: i64,
    ) -> AppResult<Vec<Meeting>> {
        self.check_record(actor, rt, id, false).await?;
        Ok(store::of_record(&mut &self.db, rt.as_str(), id).await?)
    }
}

fn row_of(v: &MeetingValues, organizer: i64) -> Row<'_> {
    Row {
        name: &v.name,
        start_at: v.start,
        stop_at: v.stop,
        all_day: v.all_day,
        time_zone: &v.time_zone,
        location: v.location.as_deref(),
        description: v.description.as_deref(),
        organizer_id: organizer,
        rrule: v.rrule.as_deref(),
        series_end: rules::series_end(v.start, v.stop, &v.time_zone, v.rrule.as_deref()),
    }
}

fn row_of_meeting(m: &Meeting) -> Row<'_> {
    Row {
        name: &m.name,
        start_at: m.start_at,
        stop_at: m.stop_at,
        all_day: m.all_day,
        time_zone: &m.time_zone,
        location: m.location.as_deref(),
        description: m.description.as_deref(),
        organizer_id: m.organizer_id,
        rrule: m.rrule.as_deref(),
        series_end: m.series_end,
    }
}

fn alarm_rows(alarms: &[Alarm]) -> Vec<(i64, &'static str)> {
    alarms
        .iter()
        .map(|a| (a.minutes_before, a.channel.as_str()))
        .collect()
}
