//! Activity stories (issue #5), on SQLite and PostgreSQL.

use chrono::{Days, NaiveDate};
use sen_app::activities::{ActivityInput, ActivityPatch, ActivityQuery, state_of};
use sen_app::clock::{day_bounds, today_in};
use sen_app::leads::Placement;
use sen_app::timeline::TimelineItem;
use sen_domain::activity::{Category, DelayFrom, NextMode, RecordType, State, TypeValues};
use sen_domain::lead::{LeadType, LeadValues};

use super::*;

async fn opportunity(app: &App, me: &Actor, name: &str, owner: Option<i64>) -> i64 {
    app.create_lead(
        me,
        Placement {
            kind: Some(LeadType::Opportunity),
            ..Default::default()
        },
        LeadValues {
            name: name.into(),
            user_id: owner,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .lead
    .id
}

async fn type_named(app: &App, name: &str) -> i64 {
    app.activity_types()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name}"))
        .id
}

fn on(type_id: i64, due: NaiveDate, user: i64) -> ActivityInput {
    ActivityInput {
        activity_type_id: type_id,
        due_date: Some(due),
        user_id: Some(user),
        ..Default::default()
    }
}

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap()
    } else {
        d.checked_sub_days(Days::new((-n) as u64)).unwrap()
    }
}

story!(
    a_new_workspace_has_the_usual_activity_types_in_its_language,
    |db: Db| async move {
        let app = App::new(db);
        admin(&app).await;
        let names: Vec<String> = app
            .activity_types()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(
            names,
            [
                "Gọi điện",
                "Gửi email",
                "Cuộc họp",
                "Việc cần làm",
                "Tải tài liệu lên"
            ]
        );
        // Asking again (a restart) adds nothing.
        app.ensure_activity_types().await.unwrap();
        assert_eq!(app.activity_types().await.unwrap().len(), 5);
    }
);

story!(
    states_follow_the_assignees_time_zone_and_the_lead_shows_its_most_urgent,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await; // Asia/Ho_Chi_Minh
        let lan = member(&app, &me, "lan@example.com", "salesperson").await; // Asia/Taipei
        let call = type_named(&app, "Gọi điện").await;
        let deal = opportunity(&app, &me, "Linda Wu", Some(lan.user_id)).await;
        let today = today_in("Asia/Taipei");
        let planned = app
            .schedule_activity(
                &lan,
                RecordType::Lead,
                deal,
                on(call, days(today, 3), lan.user_id),
            )
            .await
            .unwrap();
        assert_eq!(state_of(&planned), State::Planned);
        // The due day is Taipei's day, not the scheduler's.
        assert_eq!(
            (planned.day_start, planned.day_end),
            day_bounds(days(today, 3), "Asia/Taipei")
        );
        let lead = app.get_lead(&lan, deal).await.unwrap();
        assert_eq!(lead.activity_due, Some(days(today, 3)));

        let due_today = app
            .schedule_activity(&me, RecordType::Lead, deal, on(call, today, lan.user_id))
            .await
            .unwrap();
        assert_eq!(state_of(&due_today), State::Today);
        let late = app
            .schedule_activity(
                &me,
                RecordType::Lead,
                deal,
                on(call, days(today, -1), lan.user_id),
            )
            .await
            .unwrap();
        assert_eq!(state_of(&late), State::Overdue);

        // The board counts the record once, by its most urgent activity; a filter finds it.
        let board = app
            .board(&me, &sen_app::board::BoardParams::default())
            .await
            .unwrap();
        let activity: Vec<(i64, i64, i64)> = board.columns.iter().map(|c| c.activity).collect();
        assert_eq!(activity[0], (1, 0, 0));
        let found = app
            .list_leads(
                &me,
                &ListParams {
                    filter: Some("activity_state = \"overdue\"".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.items.len(), 1);
        let none = app
            .list_leads(
                &me,
                &ListParams {
                    filter: Some("activity_state = \"planned\"".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(none.items.is_empty());

        // Cancelling the overdue one leaves "today" as the lead's state.
        app.cancel_activity(&lan, late.id).await.unwrap();
        let board = app
            .board(&me, &sen_app::board::BoardParams::default())
            .await
            .unwrap();
        assert_eq!(board.columns[0].activity, (0, 1, 0));
    }
);

story!(
    moving_to_another_time_zone_moves_the_due_days,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let call = type_named(&app, "Gọi điện").await;
        let deal = opportunity(&app, &me, "Sport event", Some(me.user_id)).await;
        let due: NaiveDate = "2027-03-14".parse().unwrap();
        let a = app
            .schedule_activity(&me, RecordType::Lead, deal, on(call, due, me.user_id))
            .await
            .unwrap();
        assert_eq!(a.day_start, day_bounds(due, "Asia/Ho_Chi_Minh").0);
        app.update_me(
            &me,
            sen_app::users::UserChanges {
                time_zone: Some("America/New_York".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
        let a = app.get_activity(&me, a.id).await.unwrap();
        let (s, e) = day_bounds(due, "America/New_York");
        assert_eq!((a.day_start, a.day_end), (s, e));
        // The day clocks spring forward in New York has 23 hours.
        assert_eq!((e - s).num_hours(), 23);
        let lead = app.get_lead(&me, deal).await.unwrap();
        assert_eq!(lead.activity_day_start, Some(s));
    }
);

story!(
    done_posts_feedback_to_the_timeline_and_the_type_triggers_the_next,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let email = type_named(&app, "Gửi email").await;
        let call = app
            .create_activity_type(
                &me,
                TypeValues {
                    name: "Gọi tư vấn".into(),
                    icon: "phone".into(),
                    category: Category::Call,
                    delay_count: 3,
                    next_type_id: Some(email),
                    next_mode: NextMode::Trigger,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        // The e-mail follows three days after the call was due.
        let e = app.activity_type(email).await.unwrap();
        app.update_activity_type(
            &me,
            email,
            e.version,
            TypeValues {
                delay_count: 3,
                delay_from: DelayFrom::Previous,
                ..sen_app::activity_types::values_of(&e)
            },
        )
        .await
        .unwrap();
        let deal = opportunity(&app, &me, "Tuyển sinh 2027", Some(me.user_id)).await;
        let due: NaiveDate = "2027-01-10".parse().unwrap();
        let a = app
            .schedule_activity(
                &me,
                RecordType::Lead,
                deal,
                ActivityInput {
                    activity_type_id: call.id,
                    summary: Some("Gọi phụ huynh".into()),
                    due_date: Some(due),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (done, next) = app
            .finish_activity(&me, a.id, Some("Phụ huynh muốn học bổng".into()), None)
            .await
            .unwrap();
        assert_eq!(state_of(&done), State::Done);
        let next = next.expect("the type triggers an e-mail");
        assert_eq!(next.activity_type_id, email);
        assert_eq!(next.due_date, "2027-01-13".parse::<NaiveDate>().unwrap());
        let (items, _) = app
            .record_timeline(&me, RecordType::Lead, deal, None, None)
            .await
            .unwrap();
        let TimelineItem::Message(m) = &items[0] else {
            panic!("the newest item is the done activity, got {:?}", items[0]);
        };
        assert_eq!(
            (m.kind.as_str(), m.subject.as_deref(), m.body.as_deref()),
            (
                "activity",
                Some("Gọi phụ huynh"),
                Some("Phụ huynh muốn học bổng")
            )
        );
        // Done twice is refused; the lead now shows the e-mail.
        assert!(matches!(
            app.finish_activity(&me, a.id, None, None).await,
            Err(AppError::NotFound | AppError::Conflict(_))
        ));
        assert_eq!(
            app.get_lead(&me, deal).await.unwrap().activity_due,
            Some(next.due_date)
        );
        // "Done and schedule next" with a bad next names the nested field, and nothing is done.
        let bad = app
            .finish_activity(
                &me,
                next.id,
                None,
                Some(ActivityInput {
                    activity_type_id: 999_999,
                    ..Default::default()
                }),
            )
            .await;
        match bad {
            Err(AppError::Invalid(e)) => assert!(e.0.contains_key("next.activity_type_id")),
            other => panic!("expected invalid, got {other:?}"),
        }
        assert_eq!(
            state_of(&app.get_activity(&me, next.id).await.unwrap()),
            State::Planned
        );
    }
);

story!(
    my_activities_and_access_follow_the_records,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let lan = member(&app, &me, "lan@example.com", "salesperson").await;
        let minh = member(&app, &me, "minh@example.com", "salesperson").await;
        let call = type_named(&app, "Gọi điện").await;
        let mine = opportunity(&app, &me, "Lan's deal", Some(lan.user_id)).await;
        let theirs = opportunity(&app, &me, "Minh's deal", Some(minh.user_id)).await;
        let today = today_in("Asia/Taipei");
        app.schedule_activity(&lan, RecordType::Lead, mine, on(call, today, lan.user_id))
            .await
            .unwrap();
        app.schedule_activity(
            &lan,
            RecordType::Lead,
            mine,
            on(call, days(today, -2), lan.user_id),
        )
        .await
        .unwrap();
        // Lan cannot see Minh's deal, so she cannot plan on it.
        assert!(matches!(
            app.schedule_activity(&lan, RecordType::Lead, theirs, on(call, today, lan.user_id))
                .await,
            Err(AppError::NotFound)
        ));
        let m = app.my_activities(&lan).await.unwrap();
        assert_eq!((m.overdue.len(), m.today.len(), m.planned.len()), (1, 1, 0));
        // Someone else's list is for managers.
        assert!(matches!(
            app.list_activities(
                &lan,
                &ActivityQuery {
                    user_id: Some(minh.user_id),
                    ..Default::default()
                }
            )
            .await,
            Err(AppError::Forbidden)
        ));
        let overdue = app
            .list_activities(
                &me,
                &ActivityQuery {
                    user_id: Some(lan.user_id),
                    state: Some(State::Overdue),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(overdue.len(), 1);
        // Minh may not change Lan's activity on a deal he cannot see.
        assert!(matches!(
            app.update_activity(
                &minh,
                overdue[0].id,
                overdue[0].version,
                ActivityPatch::default()
            )
            .await,
            Err(AppError::NotFound)
        ));
        // Given work on Minh's deal, Lan may finish it but not plan more on a deal she
        // cannot see.
        let given = app
            .schedule_activity(&me, RecordType::Lead, theirs, on(call, today, lan.user_id))
            .await
            .unwrap();
        assert!(matches!(
            app.finish_activity(&lan, given.id, None, Some(on(call, today, lan.user_id)))
                .await,
            Err(AppError::NotFound)
        ));
        app.finish_activity(&lan, given.id, Some("Đã gọi".into()), None)
            .await
            .unwrap();
        assert!(matches!(
            app.cancel_activity(&lan, given.id).await,
            Err(AppError::Conflict("activity_done"))
        ));
        // A deleted deal takes its activities with it.
        app.delete_lead(&me, mine).await.unwrap();
        let m = app.my_activities(&lan).await.unwrap();
        assert_eq!(m.overdue.len() + m.today.len(), 0);
    }
);

story!(
    an_activity_needs_a_known_type_and_an_active_assignee,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let contact = app
            .create_contact(&me, contact("Nguyễn Văn An", None))
            .await
            .unwrap();
        let bad = app
            .schedule_activity(
                &me,
                RecordType::Contact,
                contact.contact.id,
                ActivityInput {
                    activity_type_id: 424_242,
                    user_id: Some(777_777),
                    ..Default::default()
                },
            )
            .await;
        match bad {
            Err(AppError::Invalid(e)) => {
                let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
                assert_eq!(fields, ["activity_type_id", "user_id"]);
            }
            other => panic!("expected invalid, got {other:?}"),
        }
        // A type in use is kept (deactivate it instead).
        let todo = type_named(&app, "Việc cần làm").await;
        let a = app
            .schedule_activity(
                &me,
                RecordType::Contact,
                contact.contact.id,
                ActivityInput {
                    activity_type_id: todo,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        // The type's default delay (5 days) decides the due date.
        assert_eq!(a.due_date, days(today_in("Asia/Ho_Chi_Minh"), 5));
        assert!(matches!(
            app.delete_activity_type(&me, todo).await,
            Err(AppError::Conflict("activity_type_in_use"))
        ));
    }
);
