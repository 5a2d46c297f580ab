//! The iCalendar side of meetings: each user's secret feed (meetings they organise or
//! attend, and their open activities as all-day events), revocable, and one meeting's
//! `.ics` download.

use chrono::{Duration, Utc};
use sen_domain::ical::{self, Event, Person, When};
use sen_domain::meeting::Answer;
use sen_store::meetings::{self as store, AlarmRow, Attendee, Meeting};
use sen_store::users;

use crate::App;
use crate::access::Actor;
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::secrets::random_token;

fn partstat(status: &str) -> &'static str {
    match Answer::parse(status) {
        Some(Answer::Accepted) => "ACCEPTED",
        Some(Answer::Declined) => "DECLINED",
        Some(Answer::Tentative) => "TENTATIVE",
        _ => "NEEDS-ACTION",
    }
}

/// Names and addresses of users and contacts, for ORGANIZER and ATTENDEE lines.
struct People {
    users: Vec<users::User>,
    contacts: Vec<(i64, String, Option<String>)>,
}

impl People {
    fn user(&self, id: i64) -> Option<(String, String)> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .map(|u| (u.name.clone(), u.email.clone()))
    }

    fn of(&self, a: &Attendee) -> Option<Person> {
        let (name, email) = match (a.user_id, a.contact_id) {
            (Some(u), _) => self.user(u)?,
            (_, Some(c)) => {
                let (_, name, email) = self.contacts.iter().find(|x| x.0 == c)?;
                (name.clone(), email.clone()?)
            }
            _ => return None,
        };
        Some(Person {
            name,
            email,
            partstat: partstat(&a.status),
        })
    }
}

fn when_of(m: &Meeting, start: chrono::DateTime<Utc>, stop: chrono::DateTime<Utc>) -> When {
    let tz = m
        .time_zone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::UTC);
    if m.all_day {
        let s = start.with_timezone(&tz).date_naive();
        let e = stop.with_timezone(&tz).date_naive();
        When::Days {
            start: s,
            end: e.succ_opt().unwrap_or(e).max(s.succ_opt().unwrap_or(s)),
            tz,
        }
    } else {
        When::Zoned {
            tz,
            start,
            end: stop,
        }
    }
}

fn event_of(
    m: &Meeting,
    people: &People,
    attendees: &[Attendee],
    alarms: &[AlarmRow],
    exdates: Vec<chrono::DateTime<Utc>>,
) -> Event {
    let series = m.parent_id.unwrap_or(m.id);
    Event {
        uid: format!("meeting-{series}@sen-crm"),
        stamp: m.updated_at,
        sequence: m.version - 1,
        when: when_of(m, m.start_at, m.stop_at),
        summary: m.name.clone(),
        location: m.location.clone(),
        description: m.description.clone(),
        rrule: m.rrule.clone(),
        exdates,
        recurrence_id: m.recurrence_start,
        organizer: people.user(m.organizer_id).map(|(name, email)| Person {
            name,
            email,
            partstat: "ACCEPTED",
        }),
        attendees: attendees
            .iter()
            .filter(|a| a.meeting_id == m.id)
            .filter_map(|a| people.of(a))
            .collect(),
        alarms: alarms
            .iter()
            .filter(|a| a.meeting_id == m.id)
            .map(|a| a.minutes_before)
            .collect(),
    }
}

impl App {
    async fn people(&self, attendees: &[Attendee]) -> AppResult<People> {
        let mut contacts = Vec::new();
        for id in attendees.iter().filter_map(|a| a.contact_id) {
            if let Some(c) =
                sen_store::contacts::get(&mut &self.db, id, &crate::access::all()).await?
            {
                contacts.push((c.id, c.name, c.email));
            }
        }
        Ok(People {
            users: users::list(&mut &self.db).await?,
            contacts,
        })
    }

    /// The events of some series and single meetings (with their edited and cancelled
    /// occurrences).
    async fn events_of(&self, series: Vec<Meeting>) -> AppResult<Vec<Event>> {
        let ids: Vec<i64> = series.iter().map(|m| m.id).collect();
        let exceptions = store::exceptions_of(&mut &self.db, &ids).await?;
        let all_ids: Vec<i64> = ids
            .iter()
            .copied()
            .chain(exceptions.iter().map(|x| x.id))
            .collect();
        let attendees = store::attendees(&mut &self.db, &all_ids).await?;
        let alarms = store::alarms(&mut &self.db, &all_ids).await?;
        let people = self.people(&attendees).await?;
        let mut events = Vec::new();
        for m in &series {
            let exdates = exceptions
                .iter()
                .filter(|x| x.parent_id == Some(m.id) && x.cancelled)
                .filter_map(|x| x.recurrence_start)
                .collect();
            events.push(event_of(m, &people, &attendees, &alarms, exdates));
            for x in exceptions
                .iter()
                .filter(|x| x.parent_id == Some(m.id) && !x.cancelled)
            {
                // An edited occurrence has no people of its own unless it was given some.
                let own: Vec<Attendee> = if attendees.iter().any(|a| a.meeting_id == x.id) {
                    attendees.clone()
                } else {
                    attendees
                        .iter()
                        .filter(|a| a.meeting_id == m.id)
                        .map(|a| Attendee {
                            meeting_id: x.id,
                            ..a.clone()
                        })
                        .collect()
                };
                events.push(event_of(x, &people, &own, &alarms, Vec::new()));
            }
        }
        Ok(events)
    }

    /// One meeting as an `.ics` file.
    pub async fn meeting_ics(&self, actor: &Actor, id: i64) -> AppResult<(String, String)> {
        let v = self.get_meeting(actor, id).await?;
        let series = match v.meeting.parent_id {
            Some(p) => store::get(&mut &self.db, p)
                .await?
                .ok_or(AppError::NotFound)?,
            None => v.meeting,
        };
        let name = series.name.clone();
        let events = self.events_of(vec![series]).await?;
        Ok((name.clone(), ical::calendar(&name, &events)))
    }

    /// The actor's feed secret, made on first use.
    pub async fn calendar_feed_token(&self, actor: &Actor) -> AppResult<String> {
        if let Some(t) = store::feed_token(&mut &self.db, actor.user_id).await? {
            return Ok(t);
        }
        let token = random_token(24);
        let mut tx = self.db.begin().await?;
        store::set_feed_token(&mut tx, actor.user_id, Some(&token)).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes the actor's feed: the old address stops working; a new one is made when
    /// next asked for.
    pub async fn revoke_calendar_feed(&self, actor: &Actor) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        store::set_feed_token(&mut tx, actor.user_id, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The feed behind a secret: the user's meetings from a year back, and their open
    /// activities. `NotFound` for an unknown or revoked secret.
    pub async fn calendar_feed(&self, token: &str) -> AppResult<String> {
        if token.len() < 16 {
            return Err(AppError::NotFound);
        }
        let user_id = store::user_of_feed(&mut &self.db, token)
            .await?
            .ok_or(AppError::NotFound)?;
        let u = users::by_id(&mut &self.db, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let t = now();
        let series = store::in_range(
            &mut &self.db,
            Some(user_id),
            t - Duration::days(365),
            t + Duration::days(3650),
        )
        .await?;
        let mut events = self.events_of(series).await?;
        let types = sen_store::activities::list_types(&mut &self.db).await?;
        for a in sen_store::activities::open_of_user(&mut &self.db, user_id).await? {
            let ty = types
                .iter()
                .find(|x| x.id == a.activity_type_id)
                .map(|x| x.name.clone());
            events.push(Event {
                uid: format!("activity-{}@sen-crm", a.id),
                stamp: a.updated_at,
                sequence: a.version - 1,
                when: When::Days {
                    start: a.due_date,
                    end: a.due_date.succ_opt().unwrap_or(a.due_date),
                    tz: chrono_tz::UTC,
                },
                summary: a.summary.clone().or(ty).unwrap_or_default(),
                location: None,
                description: a.note.clone(),
                rrule: None,
                exdates: Vec::new(),
                recurrence_id: None,
                organizer: None,
                attendees: Vec::new(),
                alarms: Vec::new(),
            });
        }
        Ok(ical::calendar(&format!("Sen CRM — {}", u.name), &events))
    }
}
