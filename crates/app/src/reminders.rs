//! Meeting reminders: each alarm of each occurrence becomes one job, queued once (its key
//! names the meeting, the occurrence and the alarm) shortly before it is due, and run at
//! its time — in the bell, or by e-mail in each person's language and time zone.

use chrono::{DateTime, Utc};
use sen_domain::meeting::{Answer, Channel};
use sen_store::jobs::{self, NewJob};
use sen_store::meetings as store;
use sen_store::notifications::{self, NewNotification};
use sen_store::users;

use crate::App;
use crate::clock::{now, parse_tz};
use crate::error::{AppError, AppResult};
use crate::jobs::JobError;
use crate::mail::Outgoing;
use crate::notify::Texts;

pub const REMINDER_JOB: &str = "meeting.reminder";
/// Reminders missed by up to this long (the server was down) still go out; older ones not.
const GRACE_MINUTES: i64 = 60;
/// How far ahead the scheduler queues reminders (it runs every minute).
const LOOKAHEAD_MINUTES: i64 = 2;

impl App {
    /// Queues the reminders that fall due in the next minutes (once each): only meetings
    /// with alarms are expanded, each as far ahead as its longest alarm. An edited
    /// occurrence rings with its own alarms at its own time.
    pub(crate) async fn schedule_reminders(&self, at: DateTime<Utc>) -> AppResult<usize> {
        let from = at - chrono::Duration::minutes(GRACE_MINUTES);
        let until = at + chrono::Duration::minutes(LOOKAHEAD_MINUTES);
        let horizon = until + chrono::Duration::minutes(sen_domain::meeting::MAX_ALARM_MINUTES);
        let series = store::with_alarms(&mut &self.db, from, horizon).await?;
        if series.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = series.iter().map(|m| m.id).collect();
        let exceptions = store::exceptions_of(&mut &self.db, &ids).await?;
        let all: Vec<i64> = ids
            .iter()
            .copied()
            .chain(exceptions.iter().map(|x| x.id))
            .collect();
        let alarms = store::alarms(&mut &self.db, &all).await?;
        let alarms_of = |id: i64| alarms.iter().filter(move |a| a.meeting_id == id);
        // (row, occurrence start, alarm)
        let mut due: Vec<(i64, DateTime<Utc>, &store::AlarmRow)> = Vec::new();
        for m in &series {
            let longest = alarms_of(m.id).map(|a| a.minutes_before).max().unwrap_or(0);
            let starts = sen_domain::meeting::occurrences(
                m.start_at,
                m.stop_at,
                &m.time_zone,
                m.rrule.as_deref(),
                from,
                until + chrono::Duration::minutes(longest),
                10_000,
            );
            for s in starts {
                if exceptions
                    .iter()
                    .any(|x| x.parent_id == Some(m.id) && x.recurrence_start == Some(s))
                {
                    continue;
                }
                due.extend(alarms_of(m.id).map(|a| (m.id, s, a)));
            }
        }
        for x in exceptions.iter().filter(|x| !x.cancelled) {
            due.extend(alarms_of(x.id).map(|a| (x.id, x.start_at, a)));
        }
        let mut tx = self.db.begin().await?;
        let mut queued = 0;
        for (row, start, a) in due {
            let ring = start - chrono::Duration::minutes(a.minutes_before);
            if ring <= from || ring > until {
                continue;
            }
            // Keyed on the actual start: a meeting moved after its reminder rang rings again.
            let key = format!(
                "reminder:{row}:{}:{}:{}",
                start.timestamp(),
                a.minutes_before,
                a.channel
            );
            let payload = serde_json::json!({
                "meeting_id": row,
                "start": start.to_rfc3339(),
                "channel": a.channel,
            });
            if jobs::enqueue(
                &mut tx,
                NewJob {
                    kind: REMINDER_JOB,
                    payload: payload.to_string(),
                    unique_key: Some(key),
                    run_at: ring,
                    max_attempts: 5,
                },
                at,
            )
            .await?
            .is_some()
            {
                queued += 1;
            }
        }
        tx.commit().await?;
        if queued > 0 {
            self.wake_worker();
        }
        Ok(queued)
    }

    /// Whether `m` still has an occurrence starting at `start` (not moved nor cancelled
    /// since the reminder was queued).
    async fn still_starts_at(&self, m: &store::Meeting, start: DateTime<Utc>) -> AppResult<bool> {
        if m.cancelled {
            return Ok(false);
        }
        if m.parent_id.is_some() || m.rrule.is_none() {
            return Ok(m.start_at == start);
        }
        Ok(self.is_occurrence(m, start)
            && store::occurrence_row(&mut &self.db, m.id, start)
                .await?
                .is_none())
    }

    /// The worker's job: one reminder of one occurrence, to the organiser and every user
    /// attending who has not declined.
    pub(crate) async fn send_reminder(
        &self,
        texts: &dyn Texts,
        payload: &serde_json::Value,
    ) -> Result<(), JobError> {
        let bad = |what: &str| JobError {
            reason: format!("payload lacks {what}"),
            permanent: true,
        };
        let id = payload["meeting_id"]
            .as_i64()
            .ok_or_else(|| bad("meeting_id"))?;
        let start = payload["start"]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| bad("start"))?;
        let channel = payload["channel"]
            .as_str()
            .and_then(Channel::parse)
            .ok_or_else(|| bad("channel"))?;
        // A meeting deleted, moved or cancelled since: nothing to remind.
        let Some(m) = store::get(&mut &self.db, id)
            .await
            .map_err(AppError::from)?
        else {
            return Ok(());
        };
        if !self.still_starts_at(&m, start).await? {
            return Ok(());
        }
        let series = m.parent_id.unwrap_or(m.id);
        let people = store::attendees(&mut &self.db, &[m.id])
            .await
            .map_err(AppError::from)?;
        let people = if people.is_empty() {
            store::attendees(&mut &self.db, &[series])
                .await
                .map_err(AppError::from)?
        } else {
            people
        };
        let mut tx = self.db.begin().await.map_err(AppError::from)?;
        // The organiser always; the others unless they declined.
        let mut told: Vec<i64> = Vec::new();
        let others = people
            .iter()
            .filter(|a| a.status != Answer::Declined.as_str())
            .filter_map(|a| a.user_id);
        for user_id in std::iter::once(m.organizer_id).chain(others) {
            if told.contains(&user_id) {
                continue;
            }
            told.push(user_id);
            let Some(u) = users::by_id(&mut tx, user_id)
                .await
                .map_err(AppError::from)?
            else {
                continue;
            };
            if !u.active {
                continue;
            }
            let tz = parse_tz(&u.time_zone).unwrap_or(chrono_tz::UTC);
            let when = start
                .with_timezone(&tz)
                .format("%d/%m/%Y %H:%M")
                .to_string();
            let detail = format!("{} — {when}", m.name);
            match channel {
                Channel::InApp => {
                    notifications::insert(
                        &mut tx,
                        NewNotification {
                            user_id,
                            kind: "reminder",
                            record: Some(("meeting", series)),
                            record_name: Some(&m.name),
                            actor_id: None,
                            detail: Some(&detail),
                        },
                        now(),
                    )
                    .await
                    .map_err(AppError::from)?;
                }
                Channel::Email => {
                    let args = [
                        ("name", u.name.clone()),
                        ("meeting", m.name.clone()),
                        ("when", when.clone()),
                        ("location", m.location.clone().unwrap_or_default()),
                    ];
                    let subject = texts.text(&u.language, "mail-reminder-subject", &args);
                    let body = texts.text(&u.language, "mail-reminder-body", &args);
                    self.queue_mail(
                        &mut tx,
                        Outgoing {
                            to: std::slice::from_ref(&u.email),
                            subject: &subject,
                            text: &body,
                            html: None,
                            record: m.record_type.as_deref().zip(m.record_id),
                        },
                    )
                    .await?;
                }
            }
        }
        tx.commit().await.map_err(AppError::from)?;
        Ok(())
    }
}
