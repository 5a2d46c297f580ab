//! Activities (R5.2) on leads, opportunities and contacts: schedule, edit, cancel, mark done
//! with feedback (posted to the timeline), and "done and schedule next". States are decided
//! in the assignee's time zone (see `sen_domain::activity`).
//!
//! Who may: anyone who may change the record schedules on it; the assignee, the creator,
//! anyone who may change the record, and managers edit, cancel and finish an activity.

use chrono::NaiveDate;
use sen_domain::activity::{self as rules, ActivityValues, NextMode, RecordType, State};
use sen_domain::errors::{FieldErrors, Invalid};
use sen_store::activities::{self as store, Activity, ActivityRow, ListSpec};
use sen_store::messages::{self, NewMessage};
use sen_store::{Tx, users};

use crate::App;
use crate::access::{self, Actor};
use crate::activity_types::values_of;
use crate::clock::{day_bounds, now, today_in};
use crate::error::{AppError, AppResult, Current};

/// What a user gives to schedule an activity; empty parts take the type's defaults.
#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub activity_type_id: i64,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub user_id: Option<i64>,
}

/// A partial change of an open activity (absent = keep).
#[derive(Debug, Clone, Default)]
pub struct ActivityPatch {
    pub activity_type_id: Option<i64>,
    pub summary: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub due_date: Option<NaiveDate>,
    pub user_id: Option<i64>,
}

/// Which activities a list shows.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    /// Someone else's (managers only); default: the reader's own.
    pub user_id: Option<i64>,
    pub record: Option<(RecordType, i64)>,
    /// `overdue`, `today`, `planned` or `done`.
    pub state: Option<State>,
    pub limit: Option<i64>,
}

/// An activity with its state now.
pub fn state_of(a: &Activity) -> State {
    if a.done_at.is_some() {
        State::Done
    } else {
        rules::state_at(now(), a.day_start, a.day_end)
    }
}

/// "My activities": open ones by state.
#[derive(Debug, Clone, Default)]
pub struct MyActivities {
    pub overdue: Vec<Activity>,
    pub today: Vec<Activity>,
    pub planned: Vec<Activity>,
}

impl App {
    /// Checks the actor may see (and, with `write`, change) the record.
    pub(crate) async fn check_record(
        &self,
        actor: &Actor,
        record_type: RecordType,
        id: i64,
        write: bool,
    ) -> AppResult<()> {
        match record_type {
            RecordType::Lead => {
                self.get_lead(actor, id).await?;
            }
            RecordType::Contact => {
                self.get_contact(actor, id).await?;
                if write
                    && !sen_store::contacts::allowed(
                        &mut &self.db,
                        id,
                        &access::contacts_write(actor),
                    )
                    .await?
                {
                    return Err(AppError::Forbidden);
                }
            }
        }
        Ok(())
    }

    /// The activity, if the actor may see its record.
    pub async fn get_activity(&self, actor: &Actor, id: i64) -> AppResult<Activity> {
        let a = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let rt = RecordType::parse(&a.record_type).ok_or(AppError::NotFound)?;
        match self.check_record(actor, rt, a.record_id, false).await {
            Ok(()) => Ok(a),
            // The assignee always sees what they were given to do.
            Err(AppError::NotFound) if a.user_id == actor.user_id => Ok(a),
            Err(e) => Err(e),
        }
    }

    /// The activity for a change, if the actor may make it.
    async fn activity_for_change(&self, actor: &Actor, id: i64) -> AppResult<Activity> {
        let a = self.get_activity(actor, id).await?;
        let own = a.user_id == actor.user_id || a.created_by == Some(actor.user_id);
        if !own && !actor.role.sees_all() {
            let rt = RecordType::parse(&a.record_type).ok_or(AppError::NotFound)?;
            self.check_record(actor, rt, a.record_id, true).await?;
        }
        if a.done_at.is_some() {
            return Err(AppError::Conflict("activity_done"));
        }
        Ok(a)
    }

    /// A record's activities (open first, by due date; then done ones).
    pub async fn record_activities(
        &self,
        actor: &Actor,
        record_type: RecordType,
        id: i64,
        include_done: bool,
    ) -> AppResult<Vec<Activity>> {
        self.check_record(actor, record_type, id, false).await?;
        Ok(store::of_record(&mut &self.db, record_type.as_str(), id, include_done).await?)
    }

    pub async fn list_activities(
        &self,
        actor: &Actor,
        q: &ActivityQuery,
    ) -> AppResult<Vec<Activity>> {
        let limit = sen_domain::list::check_limit(q.limit)?;
        if let Some((rt, id)) = q.record {
            self.check_record(actor, rt, id, false).await?;
        }
        let user_id = match (q.user_id, q.record) {
            (Some(u), _) if u != actor.user_id && !actor.role.sees_all() => {
                return Err(AppError::Forbidden);
            }
            (Some(u), _) => Some(u),
            (None, Some(_)) => None,
            (None, None) => Some(actor.user_id),
        };
        let all = store::list(
            &mut &self.db,
            ListSpec {
                user_id,
                record: q.record.map(|(t, id)| (t.as_str(), id)),
                open_only: q.state.is_some_and(|s| s != State::Done),
                limit: if q.state.is_some() { 10_000 } else { limit },
            },
        )
        .await?;
        Ok(all
            .into_iter()
            .filter(|a| q.state.is_none_or(|s| state_of(a) == s))
            .take(limit as usize)
            .collect())
    }

    /// The actor's open activities: overdue, today, upcoming.
    pub async fn my_activities(&self, actor: &Actor) -> AppResult<MyActivities> {
        let open = store::list(
            &mut &self.db,
            ListSpec {
                user_id: Some(actor.user_id),
                record: None,
                open_only: true,
                limit: 1_000,
            },
        )
        .await?;
        let mut out = MyActivities::default();
        for a in open {
            match state_of(&a) {
                State::Overdue => out.overdue.push(a),
                State::Today => out.today.push(a),
                _ => out.planned.push(a),
            }
        }
        Ok(out)
    }

    /// Fills the type's defaults, checks everything, and returns the row to write.
    async fn resolve(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        input: ActivityInput,
        previous_due: Option<NaiveDate>,
        creating: bool,
    ) -> AppResult<(ActivityValues, String)> {
        let mut e = FieldErrors::new();
        let ty = store::get_type(tx, input.activity_type_id).await?;
        match &ty {
            None => e.add("activity_type_id", Invalid::NotFound),
            Some(t) if !t.active && creating => e.add(
                "activity_type_id",
                Invalid::Message("this activity type is no longer used".into()),
            ),
            _ => {}
        }
        let mut defaults = ty.as_ref().map(values_of).unwrap_or_default();
        if !creating {
            // A change keeps what the person cleared: the type's texts fill new ones only.
            defaults.summary = None;
            defaults.note = None;
        }
        let user_id = input
            .user_id
            .or(defaults.default_user_id)
            .unwrap_or(actor.user_id);
        let assignee = users::by_id(tx, user_id).await?.filter(|u| u.active);
        if assignee.is_none() {
            e.add("user_id", Invalid::NotFound);
        }
        let tz = assignee
            .as_ref()
            .map(|u| u.time_zone.clone())
            .unwrap_or_else(|| actor.time_zone.clone());
        let v = ActivityValues {
            activity_type_id: input.activity_type_id,
            summary: input.summary.or(defaults.summary.clone()),
            note: input.note.or(defaults.note.clone()),
            due_date: input
                .due_date
                .or_else(|| Some(defaults.default_due(today_in(&tz), previous_due))),
            user_id: Some(user_id),
        }
        .cleaned();
        if let Err(ve) = v.validate() {
            e.merge(ve);
        }
        e.into_result()?;
        Ok((v, tz))
    }

    /// Schedules an activity on a record.
    pub async fn schedule_activity(
        &self,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
        input: ActivityInput,
    ) -> AppResult<Activity> {
        self.check_record(actor, record_type, record_id, true)
            .await?;
        let mut tx = self.db.begin().await?;
        let id = self
            .insert_activity(&mut tx, actor, record_type, record_id, input, None)
            .await?;
        tx.commit().await?;
        self.after_activity_change(record_type, record_id).await;
        self.get_activity(actor, id).await
    }

    async fn insert_activity(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
        input: ActivityInput,
        previous_due: Option<NaiveDate>,
    ) -> AppResult<i64> {
        let (v, tz) = self.resolve(tx, actor, input, previous_due, true).await?;
        let row = row_of(&v, &tz);
        let id = store::insert(
            tx,
            record_type.as_str(),
            record_id,
            &row,
            actor.user_id,
            now(),
        )
        .await?;
        if record_type == RecordType::Lead {
            store::refresh_lead(tx, record_id).await?;
        }
        // The assignee is told of work given by someone else; followers of activities too.
        let ty = store::get_type(&mut *tx, v.activity_type_id).await?;
        let detail = v.summary.clone().or(ty.map(|t| t.name));
        let assignee = v.user_id.filter(|u| *u != actor.user_id);
        self.tell_activity(
            tx,
            actor,
            record_type,
            record_id,
            detail.as_deref(),
            assignee,
        )
        .await?;
        Ok(id)
    }

    async fn tell_activity(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
        detail: Option<&str>,
        assignee: Option<i64>,
    ) -> AppResult<()> {
        let r = self.record_ref_any(tx, record_type, record_id).await?;
        let news = crate::notify::News {
            kind: sen_domain::notify::Kind::Activity,
            record_type: record_type.as_str(),
            record_id,
            record_name: &r.name,
            team_id: r.team_id,
            actor_id: actor.user_id,
            detail,
        };
        if let Some(u) = assignee {
            self.notify_user(tx, u, &news).await?;
        }
        self.tell_followers(tx, &news, assignee.as_slice()).await
    }

    /// Changes an open activity if `version` is still current.
    pub async fn update_activity(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        patch: ActivityPatch,
    ) -> AppResult<Activity> {
        let a = self.activity_for_change(actor, id).await?;
        if a.version != version {
            return Err(AppError::Stale(Current::Activity(Box::new(a))));
        }
        let input = ActivityInput {
            activity_type_id: patch.activity_type_id.unwrap_or(a.activity_type_id),
            summary: patch.summary.unwrap_or(a.summary.clone()),
            note: patch.note.unwrap_or(a.note.clone()),
            due_date: Some(patch.due_date.unwrap_or(a.due_date)),
            user_id: Some(patch.user_id.unwrap_or(a.user_id)),
        };
        let mut tx = self.db.begin().await?;
        let (v, tz) = self.resolve(&mut tx, actor, input, None, false).await?;
        let row = row_of(&v, &tz);
        if !store::update(&mut tx, id, version, &row, actor.user_id, now()).await? {
            let current = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
            return Err(AppError::Stale(Current::Activity(Box::new(current))));
        }
        if a.record_type == RecordType::Lead.as_str() {
            store::refresh_lead(&mut tx, a.record_id).await?;
        }
        tx.commit().await?;
        self.after_activity_change(record_type_of(&a), a.record_id)
            .await;
        self.get_activity(actor, id).await
    }

    /// Cancels (removes) an open activity.
    pub async fn cancel_activity(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let a = self.activity_for_change(actor, id).await?;
        let mut tx = self.db.begin().await?;
        if !store::delete(&mut tx, id).await? {
            return Err(AppError::Conflict("activity_done"));
        }
        if a.record_type == RecordType::Lead.as_str() {
            store::refresh_lead(&mut tx, a.record_id).await?;
        }
        tx.commit().await?;
        self.after_activity_change(record_type_of(&a), a.record_id)
            .await;
        Ok(())
    }

    /// Marks an activity done with optional feedback, posted to the record's timeline, and
    /// schedules the next one: the one given, else the type's triggered next type.
    pub async fn finish_activity(
        &self,
        actor: &Actor,
        id: i64,
        feedback: Option<String>,
        next: Option<ActivityInput>,
    ) -> AppResult<(Activity, Option<Activity>)> {
        let a = self.activity_for_change(actor, id).await?;
        let feedback = sen_domain::errors::clean(feedback);
        if let Some(f) = &feedback {
            let mut e = FieldErrors::new();
            sen_domain::errors::check_len(&mut e, "feedback", f, rules::MAX_FEEDBACK);
            e.into_result()?;
        }
        let rt = record_type_of(&a);
        let mut tx = self.db.begin().await?;
        let ty = store::get_type(&mut tx, a.activity_type_id).await?;
        let triggers = ty
            .as_ref()
            .is_some_and(|t| t.next_mode == NextMode::Trigger.as_str() && t.next_type_id.is_some());
        if next.is_some() {
            // Planning the next step is scheduling on the record: the same rule as schedule.
            self.check_record(actor, rt, a.record_id, true).await?;
        }
        let now = now();
        if !store::mark_done(
            &mut tx,
            id,
            a.version,
            feedback.as_deref(),
            actor.user_id,
            now,
        )
        .await?
        {
            return Err(AppError::Conflict("activity_done"));
        }
        let subject = a
            .summary
            .clone()
            .or_else(|| ty.as_ref().map(|t| t.name.clone()));
        messages::insert(
            &mut tx,
            NewMessage {
                record_type: &a.record_type,
                record_id: a.record_id,
                kind: "activity",
                author_id: actor.user_id,
                activity_type_id: Some(a.activity_type_id),
                subject: subject.as_deref(),
                body: feedback.as_deref(),
            },
            now,
        )
        .await?;
        self.tell_activity(&mut tx, actor, rt, a.record_id, subject.as_deref(), None)
            .await?;
        let triggered = match ty
            .as_ref()
            .and_then(|t| t.next_type_id)
            .filter(|_| triggers)
        {
            Some(next_type) => {
                // The next type's own default assignee, else the same person while active.
                let default = store::get_type(&mut tx, next_type)
                    .await?
                    .and_then(|n| n.default_user_id);
                let same = users::by_id(&mut tx, a.user_id)
                    .await?
                    .filter(|u| u.active)
                    .map(|u| u.id);
                Some(ActivityInput {
                    activity_type_id: next_type,
                    user_id: default.or(same).or(Some(actor.user_id)),
                    ..Default::default()
                })
            }
            None => None,
        };
        let next_id = match next.or(triggered) {
            Some(input) => Some(
                self.insert_activity(&mut tx, actor, rt, a.record_id, input, Some(a.due_date))
                    .await
                    .map_err(|e| prefix_fields(e, "next"))?,
            ),
            None => None,
        };
        if rt == RecordType::Lead {
            store::refresh_lead(&mut tx, a.record_id).await?;
        }
        tx.commit().await?;
        self.after_activity_change(rt, a.record_id).await;
        let done = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let next = match next_id {
            Some(n) => store::get(&mut &self.db, n).await?,
            None => None,
        };
        Ok((done, next))
    }

    /// The next activity a done one suggests: its type's next type with defaults counted
    /// from the done one's due date (for "done and schedule next" forms).
    pub async fn suggested_next(&self, a: &Activity) -> AppResult<Option<ActivityInput>> {
        let Some(ty) = store::get_type(&mut &self.db, a.activity_type_id).await? else {
            return Ok(None);
        };
        let Some(next_type) = ty.next_type_id.filter(|_| ty.next_mode != "none") else {
            return Ok(None);
        };
        let Some(n) = store::get_type(&mut &self.db, next_type).await? else {
            return Ok(None);
        };
        let assignee = users::by_id(&mut &self.db, a.user_id).await?;
        let tz = assignee.map(|u| u.time_zone).unwrap_or_default();
        let v = values_of(&n);
        Ok(Some(ActivityInput {
            activity_type_id: n.id,
            summary: v.summary.clone(),
            note: v.note.clone(),
            due_date: Some(v.default_due(today_in(&tz), Some(a.due_date))),
            user_id: Some(v.default_user_id.unwrap_or(a.user_id)),
        }))
    }

    /// Moves a user's open activities to the due days of their new time zone.
    pub(crate) async fn rezone_activities(
        &self,
        tx: &mut Tx,
        user_id: i64,
        time_zone: &str,
    ) -> AppResult<()> {
        let open = store::open_of_user(tx, user_id).await?;
        let mut leads = Vec::new();
        for a in &open {
            let (s, e) = day_bounds(a.due_date, time_zone);
            store::set_day(tx, a.id, s, e).await?;
            if a.record_type == RecordType::Lead.as_str() && !leads.contains(&a.record_id) {
                leads.push(a.record_id);
            }
        }
        for l in leads {
            store::refresh_lead(tx, l).await?;
        }
        Ok(())
    }

    /// Tells boards that a lead's activity summary changed.
    async fn after_activity_change(&self, record_type: RecordType, record_id: i64) {
        if record_type != RecordType::Lead {
            return;
        }
        if let Ok(Some(l)) = sen_store::leads::get(&mut &self.db, record_id, &access::all()).await {
            self.publish_lead("updated", &l);
        }
    }
}

/// The row to write for checked values: the due day's bounds in the assignee's zone.
fn row_of<'a>(v: &'a ActivityValues, tz: &str) -> ActivityRow<'a> {
    let due = v.due_date.expect("validated: a due date is required");
    let (day_start, day_end) = day_bounds(due, tz);
    ActivityRow {
        activity_type_id: v.activity_type_id,
        summary: v.summary.as_deref(),
        note: v.note.as_deref(),
        due_date: due,
        user_id: v.user_id.expect("resolved: an assignee is always chosen"),
        day_start,
        day_end,
    }
}

fn record_type_of(a: &Activity) -> RecordType {
    RecordType::parse(&a.record_type).unwrap_or(RecordType::Lead)
}

/// Names the fields of a nested activity `next.<field>`.
fn prefix_fields(e: AppError, prefix: &str) -> AppError {
    match e {
        AppError::Invalid(fe) => AppError::Invalid(FieldErrors(
            fe.0.into_iter()
                .map(|(k, v)| (format!("{prefix}.{k}"), v))
                .collect(),
        )),
        other => other,
    }
}

impl App {
    /// Logs a call that already happened: a call activity due today for the actor, done at
    /// once with what was said (it goes to the timeline like any done activity).
    pub async fn log_call(
        &self,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
        summary: Option<String>,
        feedback: Option<String>,
    ) -> AppResult<Activity> {
        let call = self
            .activity_types()
            .await?
            .into_iter()
            .find(|t| t.active && t.category == sen_domain::activity::Category::Call.as_str())
            .ok_or_else(|| {
                AppError::field(
                    "activity_type_id",
                    Invalid::Message("no call activity type is in use".into()),
                )
            })?;
        let planned = self
            .schedule_activity(
                actor,
                record_type,
                record_id,
                ActivityInput {
                    activity_type_id: call.id,
                    summary,
                    note: None,
                    due_date: Some(today_in(&actor.time_zone)),
                    user_id: Some(actor.user_id),
                },
            )
            .await?;
        match self
            .finish_activity(actor, planned.id, feedback, None)
            .await
        {
            Ok((done, _)) => Ok(done),
            Err(e) => {
                // Nothing half-written: the call planned a moment ago goes again.
                let _ = self.cancel_activity(actor, planned.id).await;
                Err(e)
            }
        }
    }
}
