//! Meetings (issue #5): bad input, a weekly New York meeting across the DST change (in
//! the calendar and in the iCalendar feed read by an independent parser), "this one / all"
//! changes, the opportunity's timeline, and reminders delivered once over SMTP.

use std::io::BufReader;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sen_app::jobs::Worker;
use sen_app::leads::Placement;
use sen_app::mail::MailConfig;
use sen_app::meetings::{AttendeeInput, MeetingInput};
use sen_app::notify::Texts;
use sen_app::timeline::TimelineItem;
use sen_domain::activity::RecordType;
use sen_domain::lead::{LeadType, LeadValues};
use sen_domain::meeting::{Alarm, Channel, MeetingValues, Scope};

use super::smtp_server::SmtpServer;
use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn meeting(name: &str, start: &str, stop: &str, tz: &str) -> MeetingValues {
    MeetingValues {
        name: name.into(),
        start: at(start),
        stop: at(stop),
        all_day: false,
        time_zone: tz.into(),
        location: None,
        description: None,
        rrule: None,
        alarms: vec![],
    }
}

fn input(values: MeetingValues) -> MeetingInput {
    MeetingInput {
        values,
        organizer_id: None,
        attendees: vec![],
        record: None,
    }
}

struct Vietnamese;
impl Texts for Vietnamese {
    fn text(&self, _lang: &str, id: &str, args: &[(&str, String)]) -> String {
        let arg = |k: &str| {
            args.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        match id {
            "mail-reminder-subject" => format!("Nhắc lịch: {} lúc {}", arg("meeting"), arg("when")),
            _ => format!("{id}: {}", arg("meeting")),
        }
    }
}

story!(bad_meetings_are_refused_by_field, |db: Db| async move {
    let app = App::new(db);
    let me = admin(&app).await;
    let mut backwards = meeting(
        "Gặp Mike",
        "2026-12-01T03:00:00Z",
        "2026-12-01T02:00:00Z",
        "Asia/Ho_Chi_Minh",
    );
    backwards.rrule = Some("FREQ=WEEKLY;COUNT=3;UNTIL=20270101".into());
    let e = app.create_meeting(&me, input(backwards)).await.unwrap_err();
    assert_eq!(invalid_fields(e), vec!["rrule", "stop"]);
    let mut zero = meeting(
        "Gặp Mike",
        "2026-12-01T03:00:00Z",
        "2026-12-01T04:00:00Z",
        "Asia/Ho_Chi_Minh",
    );
    zero.rrule = Some("FREQ=DAILY;INTERVAL=0".into());
    assert_eq!(
        invalid_fields(app.create_meeting(&me, input(zero)).await.unwrap_err()),
        vec!["rrule"]
    );
    let mut nobody = input(meeting(
        "Gặp Mike",
        "2026-12-01T03:00:00Z",
        "2026-12-01T04:00:00Z",
        "Asia/Ho_Chi_Minh",
    ));
    nobody.attendees = vec![AttendeeInput {
        user_id: Some(9999),
        contact_id: None,
        status: None,
    }];
    assert_eq!(
        invalid_fields(app.create_meeting(&me, nobody).await.unwrap_err()),
        vec!["attendees.user_id"]
    );
    let all = app
        .calendar(
            &me,
            None,
            at("2026-11-01T00:00:00Z"),
            at("2027-01-01T00:00:00Z"),
        )
        .await
        .unwrap();
    assert!(all.is_empty(), "nothing half-written");
});

story!(
    a_weekly_new_york_meeting_stays_at_nine_across_the_dst_change,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let mut weekly = meeting(
            "Weekly pipeline review",
            "2026-10-26T13:00:00Z",
            "2026-10-26T14:00:00Z",
            "America/New_York",
        );
        weekly.rrule = Some("FREQ=WEEKLY;BYDAY=MO;COUNT=4".into());
        weekly.alarms = vec![Alarm {
            minutes_before: 15,
            channel: Channel::InApp,
        }];
        let m = app.create_meeting(&me, input(weekly)).await.unwrap();
        let cal = app
            .calendar(
                &me,
                None,
                at("2026-10-01T00:00:00Z"),
                at("2026-12-31T00:00:00Z"),
            )
            .await
            .unwrap();
        let starts: Vec<DateTime<Utc>> = cal.iter().map(|o| o.start).collect();
        assert_eq!(
            starts,
            vec![
                at("2026-10-26T13:00:00Z"),
                at("2026-11-02T14:00:00Z"),
                at("2026-11-09T14:00:00Z"),
                at("2026-11-16T14:00:00Z")
            ],
            "09:00 in New York before and after clocks go back"
        );
        // The feed, read by an independent iCalendar parser, keeps the rule and the zone.
        let url = app.calendar_feed_token(&me).await.unwrap();
        let ics = app.calendar_feed(&url).await.unwrap();
        let cal = ical::IcalParser::new(BufReader::new(ics.as_bytes()))
            .next()
            .unwrap()
            .unwrap();
        let event = cal
            .events
            .iter()
            .find(|e| {
                e.properties.iter().any(|p| {
                    p.name == "SUMMARY" && p.value.as_deref() == Some("Weekly pipeline review")
                })
            })
            .expect("the meeting is in the feed");
        let prop = |n: &str| event.properties.iter().find(|p| p.name == n).unwrap();
        assert_eq!(
            prop("RRULE").value.as_deref(),
            Some("FREQ=WEEKLY;BYDAY=MO;COUNT=4")
        );
        let dtstart = prop("DTSTART");
        assert_eq!(dtstart.value.as_deref(), Some("20261026T090000"));
        let tzid = dtstart
            .params
            .as_ref()
            .unwrap()
            .iter()
            .find(|(k, _)| k == "TZID")
            .unwrap();
        assert_eq!(tzid.1, vec!["America/New_York".to_string()]);
        assert_eq!(event.alarms.len(), 1);
        assert!(cal.timezones.iter().any(|z| {
            z.properties
                .iter()
                .any(|p| p.value.as_deref() == Some("America/New_York"))
        }));
        // Expanding what the parser read gives the same instants.
        let set: rrule::RRuleSet = format!(
            "DTSTART;TZID=America/New_York:{}\nRRULE:{}",
            dtstart.value.as_deref().unwrap(),
            prop("RRULE").value.as_deref().unwrap()
        )
        .parse()
        .unwrap();
        let expanded: Vec<DateTime<Utc>> = set
            .all(10)
            .dates
            .iter()
            .map(|d| d.with_timezone(&Utc))
            .collect();
        assert_eq!(expanded, starts);
        // Revoked, the old feed address stops working.
        app.revoke_calendar_feed(&me).await.unwrap();
        assert!(matches!(
            app.calendar_feed(&url).await,
            Err(AppError::NotFound)
        ));
        assert_ne!(app.calendar_feed_token(&me).await.unwrap(), url);
        let _ = m;
    }
);

story!(
    one_occurrence_changes_alone_and_a_cancelled_one_disappears,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let mut daily = meeting(
            "Họp đầu ngày",
            "2026-12-01T01:00:00Z",
            "2026-12-01T01:30:00Z",
            "Asia/Ho_Chi_Minh",
        );
        daily.rrule = Some("FREQ=DAILY;COUNT=5".into());
        let m = app
            .create_meeting(&me, input(daily.clone()))
            .await
            .unwrap()
            .meeting;
        // Move the third one an hour later, only that one.
        let third = at("2026-12-03T01:00:00Z");
        let mut moved = daily.clone();
        moved.start = at("2026-12-03T02:00:00Z");
        moved.stop = at("2026-12-03T02:30:00Z");
        let one = app
            .update_meeting(&me, m.id, m.version, Scope::This, Some(third), input(moved))
            .await
            .unwrap();
        assert_eq!(one.meeting.parent_id, Some(m.id));
        // Cancel the fourth.
        app.delete_meeting(&me, m.id, Scope::This, Some(at("2026-12-04T01:00:00Z")))
            .await
            .unwrap();
        let cal = app
            .calendar(
                &me,
                None,
                at("2026-11-30T00:00:00Z"),
                at("2026-12-10T00:00:00Z"),
            )
            .await
            .unwrap();
        let starts: Vec<DateTime<Utc>> = cal.iter().map(|o| o.start).collect();
        assert_eq!(
            starts,
            vec![
                at("2026-12-01T01:00:00Z"),
                at("2026-12-02T01:00:00Z"),
                at("2026-12-03T02:00:00Z"),
                at("2026-12-05T01:00:00Z")
            ]
        );
        // Rename them all: the series changes, the moved one keeps its own time.
        let mut renamed = daily.clone();
        renamed.name = "Họp sáng".into();
        app.update_meeting(&me, m.id, m.version, Scope::All, None, input(renamed))
            .await
            .unwrap();
        let cal = app
            .calendar(
                &me,
                None,
                at("2026-11-30T00:00:00Z"),
                at("2026-12-10T00:00:00Z"),
            )
            .await
            .unwrap();
        assert_eq!(cal[0].meeting.name, "Họp sáng");
        // A stale change answers with the current meeting.
        assert!(matches!(
            app.update_meeting(&me, m.id, m.version, Scope::All, None, input(daily.clone()))
                .await,
            Err(AppError::Stale(_))
        ));
        // Deleting the moved occurrence cancels it: the original does not come back.
        app.delete_meeting(&me, one.meeting.id, Scope::This, None)
            .await
            .unwrap();
        let cal = app
            .calendar(
                &me,
                None,
                at("2026-11-30T00:00:00Z"),
                at("2026-12-10T00:00:00Z"),
            )
            .await
            .unwrap();
        assert_eq!(
            cal.len(),
            3,
            "{:?}",
            cal.iter().map(|o| o.start).collect::<Vec<_>>()
        );
        // Not an occurrence of the series.
        let e = app
            .delete_meeting(&me, m.id, Scope::This, Some(at("2026-12-03T05:00:00Z")))
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), vec!["occurrence"]);
    }
);

story!(
    a_meeting_scheduled_from_an_opportunity_shows_on_its_timeline,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let an = member(&app, &me, "an@example.com", "salesperson").await;
        let o = app
            .create_lead(
                &me,
                Placement {
                    kind: Some(LeadType::Opportunity),
                    ..Default::default()
                },
                LeadValues {
                    name: "Linda Wu — 團體制服".into(),
                    user_id: Some(me.user_id),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        let mut m = input(meeting(
            "安排會議：Linda Wu",
            "2026-12-02T02:00:00Z",
            "2026-12-02T03:00:00Z",
            "Asia/Taipei",
        ));
        m.record = Some((RecordType::Lead, o.id));
        let made = app.create_meeting(&me, m).await.unwrap();
        let (items, _) = app
            .record_timeline(&me, RecordType::Lead, o.id, None, None)
            .await
            .unwrap();
        assert!(
            items
                .iter()
                .any(|i| matches!(i, TimelineItem::Meeting(x) if x.id == made.meeting.id))
        );
        // A salesperson who may not see the opportunity cannot see the meeting either.
        assert!(matches!(
            app.get_meeting(&an, made.meeting.id).await,
            Err(AppError::NotFound)
        ));
        let mut theirs = input(meeting(
            "x",
            "2026-12-02T02:00:00Z",
            "2026-12-02T03:00:00Z",
            "Asia/Taipei",
        ));
        theirs.record = Some((RecordType::Lead, o.id));
        assert_eq!(
            invalid_fields(app.create_meeting(&an, theirs).await.unwrap_err()),
            vec!["record_id"]
        );
    }
);

story!(
    a_reminder_email_reaches_every_attendee_once_even_across_a_restart,
    |db: Db| async move {
        let server = SmtpServer::start();
        let config = MailConfig::new(Some(&server.url()), Some("Sen CRM <crm@sen.vn>")).unwrap();
        let app = App::new(db).with_mail(config);
        let me = admin(&app).await;
        let lan = member(&app, &me, "lan@example.com", "salesperson").await;
        let binh = member(&app, &me, "binh@example.com", "salesperson").await;
        let start = Utc::now() + chrono::Duration::minutes(30);
        let mut values = MeetingValues {
            name: "Gặp anh Mike ở xưởng in".into(),
            start,
            stop: start + chrono::Duration::hours(1),
            all_day: false,
            time_zone: "Asia/Ho_Chi_Minh".into(),
            location: Some("Quận 7".into()),
            description: None,
            rrule: None,
            alarms: vec![
                Alarm {
                    minutes_before: 30,
                    channel: Channel::Email,
                },
                Alarm {
                    minutes_before: 30,
                    channel: Channel::InApp,
                },
            ],
        };
        values.start = start;
        let mut m = input(values);
        m.attendees = vec![
            AttendeeInput {
                user_id: Some(lan.user_id),
                contact_id: None,
                status: None,
            },
            AttendeeInput {
                user_id: Some(binh.user_id),
                contact_id: None,
                status: Some("declined".into()),
            },
        ];
        app.create_meeting(&me, m).await.unwrap();
        // Scheduling again (every minute, and after a restart) queues nothing new.
        assert_eq!(
            app.schedule_due_work().await.unwrap(),
            0,
            "queued once already, at creation"
        );
        let first = Worker::new(app.clone(), Arc::new(Vietnamese)).with_backoff(Duration::ZERO);
        first.run_once().await.unwrap();
        drop(first);
        app.schedule_due_work().await.unwrap();
        Worker::new(app.clone(), Arc::new(Vietnamese))
            .drain()
            .await
            .unwrap();
        let got = server.received();
        let mut to: Vec<String> = got.iter().flat_map(|r| r.to.clone()).collect();
        to.sort();
        assert_eq!(
            to,
            vec!["chi@example.com".to_string(), "lan@example.com".to_string()],
            "organiser and Lan; Binh declined"
        );
        let parsed = mail_parser::MessageParser::default()
            .parse(&got[0].data)
            .unwrap();
        assert!(
            parsed
                .subject()
                .unwrap()
                .starts_with("Nhắc lịch: Gặp anh Mike ở xưởng in lúc "),
            "{:?}",
            parsed.subject()
        );
        let bell = app
            .list_notifications(&lan, true, None, None)
            .await
            .unwrap();
        assert_eq!(bell.iter().filter(|n| n.kind == "reminder").count(), 1);
    }
);
