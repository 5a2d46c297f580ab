//! Notes, mentions, followers, notifications, outgoing mail and the job queue (issue #5),
//! with a real SMTP server on 127.0.0.1.

use std::sync::Arc;
use std::time::Duration;

use sen_app::jobs::{Outcome, Worker};
use sen_app::leads::Placement;
use sen_app::mail::MailConfig;
use sen_app::notes::EmailInput;
use sen_app::notify::Texts;
use sen_domain::activity::RecordType;
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};

use super::smtp_server::{SmtpServer, closed_port};
use super::*;

/// Texts that show their id and arguments (the real catalogs live in `web`).
struct Plain;
impl Texts for Plain {
    fn text(&self, _lang: &str, id: &str, args: &[(&str, String)]) -> String {
        let mut s = id.to_string();
        for (k, v) in args {
            s.push_str(&format!(" {k}={v}"));
        }
        s
    }
}

fn worker(app: &App) -> Worker {
    Worker::new(app.clone(), Arc::new(Plain)).with_backoff(Duration::ZERO)
}

fn smtp(url: &str) -> MailConfig {
    MailConfig::new(Some(url), Some("Sen CRM <crm@sen.example>")).unwrap()
}

async fn opportunity(
    app: &App,
    me: &Actor,
    name: &str,
    owner: Option<i64>,
) -> sen_store::leads::Lead {
    app.create_lead(
        me,
        Placement {
            kind: Some(LeadType::Opportunity),
            ..Default::default()
        },
        LeadValues {
            name: name.into(),
            user_id: owner,
            email: Some("mike@tshirts.example".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .lead
}

/// A stage of `o`'s pipeline other than its own, not the won one.
async fn next_open_stage(app: &App, o: &sen_store::leads::Lead) -> sen_store::pipelines::Stage {
    let p = app.get_pipeline(o.pipeline_id).await.unwrap();
    p.stages
        .into_iter()
        .find(|s| s.id != o.stage_id && !s.is_won)
        .unwrap()
}

/// An active team made by `me`.
async fn team(
    app: &App,
    me: &Actor,
    name: &str,
    leader_id: Option<i64>,
    member_ids: Vec<i64>,
) -> sen_store::teams::Team {
    app.create_team(
        me,
        sen_app::sales_setup::TeamInput {
            name: name.into(),
            leader_id,
            member_ids,
            active: true,
        },
    )
    .await
    .unwrap()
}

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default().parse(raw).unwrap()
}

story!(
    a_note_is_stored_sanitised_and_its_mention_notifies,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let an = member(&app, &me, "an@example.com", "salesperson").await;
        let o = opportunity(&app, &me, "200 áo thun", Some(an.user_id)).await;
        let before = app.unread_notifications(&an).await.unwrap();
        let m = app
            .post_note(
                &me,
                RecordType::Lead,
                o.id,
                Some("<p onclick=\"x()\">Gọi lại nhé @an <script>alert(1)</script><b>gấp</b></p>"),
            )
            .await
            .unwrap();
        let body = m.body.unwrap();
        assert!(
            !body.contains("script") && !body.contains("onclick"),
            "{body}"
        );
        assert!(body.contains("<b>gấp</b>"), "{body}");
        let mine = app.list_notifications(&an, true, None, None).await.unwrap();
        assert_eq!(app.unread_notifications(&an).await.unwrap(), before + 1);
        assert_eq!(mine[0].kind, "mention");
        assert_eq!(mine[0].record_id, Some(o.id));
        // The author is not told about their own note.
        assert!(
            app.list_notifications(&me, true, None, None)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

story!(
    a_mention_of_nobody_is_refused_and_nothing_is_posted,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let o = opportunity(&app, &me, "Linda Wu", None).await;
        let e = app
            .post_note(&me, RecordType::Lead, o.id, Some("Hỏi @nobody giúp"))
            .await
            .unwrap_err();
        match e {
            AppError::Invalid(f) => assert_eq!(
                f.0["body"],
                vec![Invalid::Mention {
                    name: "@nobody".into()
                }]
            ),
            other => panic!("{other:?}"),
        }
        let e = app
            .post_note(&me, RecordType::Lead, o.id, Some("<script>x</script>"))
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), vec!["body"]);
        let (items, _) = app
            .record_timeline(&me, RecordType::Lead, o.id, None, None)
            .await
            .unwrap();
        assert!(
            items
                .iter()
                .all(|i| !matches!(i, sen_app::timeline::TimelineItem::Message(_)))
        );
    }
);

story!(
    followers_hear_the_topics_they_chose_and_never_their_own_changes,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let boss = member(&app, &me, "boss@example.com", "manager").await;
        let lan = member(&app, &me, "lan@example.com", "manager").await;
        let o = opportunity(&app, &me, "Mike", None).await;
        app.follow(&boss, "lead", o.id, None, None).await.unwrap();
        app.follow(&lan, "lead", o.id, None, Some(&["outcome".to_string()]))
            .await
            .unwrap();
        let next = next_open_stage(&app, &o).await;
        app.update_lead(&me, o.id, o.version, LeadPatch::default(), Some(next.id))
            .await
            .unwrap();
        let heard = app
            .list_notifications(&boss, false, None, None)
            .await
            .unwrap();
        assert_eq!(heard.len(), 1);
        assert_eq!(
            (heard[0].kind.as_str(), heard[0].detail.as_deref()),
            ("stage", Some(next.name.as_str()))
        );
        assert!(
            app.list_notifications(&lan, false, None, None)
                .await
                .unwrap()
                .is_empty()
        );
        app.mark_won(&boss, o.id).await.unwrap();
        let lan_heard = app
            .list_notifications(&lan, false, None, None)
            .await
            .unwrap();
        assert_eq!(lan_heard.len(), 1);
        assert_eq!(lan_heard[0].detail.as_deref(), Some("won"));
        // boss won it: boss is not told of their own change.
        assert_eq!(
            app.list_notifications(&boss, false, None, None)
                .await
                .unwrap()
                .len(),
            1
        );
        // Mark read, one and then all.
        assert_eq!(
            app.mark_notifications_read(&lan, Some(lan_heard[0].id))
                .await
                .unwrap(),
            1
        );
        assert_eq!(app.unread_notifications(&lan).await.unwrap(), 0);
        assert!(matches!(
            app.mark_notifications_read(&boss, Some(lan_heard[0].id))
                .await,
            Err(AppError::NotFound)
        ));
    }
);

story!(
    the_salesperson_and_creator_follow_and_a_team_follower_hears_its_records,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let an = member(&app, &me, "an@example.com", "salesperson").await;
        let lead = member(&app, &me, "leader@example.com", "team_leader").await;
        let team = team(
            &app,
            &me,
            "Hà Nội",
            Some(lead.user_id),
            vec![an.user_id, lead.user_id],
        )
        .await;
        app.follow(&lead, "team", team.id, None, None)
            .await
            .unwrap();
        let o = opportunity(&app, &me, "Áo đồng phục", Some(an.user_id)).await;
        assert_eq!(o.team_id, Some(team.id));
        let fs = app.list_followers(&me, "lead", o.id).await.unwrap();
        let ids: Vec<i64> = fs.iter().map(|f| f.follower.user_id).collect();
        assert!(
            ids.contains(&me.user_id) && ids.contains(&an.user_id),
            "{ids:?}"
        );
        // An was told the record was given to them.
        let told = app
            .list_notifications(&an, false, None, None)
            .await
            .unwrap();
        assert_eq!(told[0].kind, "assigned");
        app.post_note(&an, RecordType::Lead, o.id, Some("Khách hẹn thứ Hai"))
            .await
            .unwrap();
        let leader_heard = app
            .list_notifications(&lead, false, None, None)
            .await
            .unwrap();
        assert_eq!(leader_heard.len(), 1);
        assert_eq!(leader_heard[0].kind, "note");
    }
);

story!(
    a_stage_change_in_the_same_edit_as_a_new_team_and_salesperson_tells_whom_the_edit_brought,
    |db: Db| async move {
        // The followers a stage change tells are those after the whole edit: the new
        // team's followers and the new salesperson too.
        let app = App::new(db);
        let me = admin(&app).await;
        let an = member(&app, &me, "an@example.com", "manager").await;
        let watcher = member(&app, &me, "watcher@example.com", "manager").await;
        let team = team(&app, &me, "Đài Bắc", None, vec![]).await;
        app.follow(&watcher, "team", team.id, None, None)
            .await
            .unwrap();
        let o = opportunity(&app, &me, "Linda Wu", None).await;
        assert_eq!(o.team_id, None);
        let next = next_open_stage(&app, &o).await;
        let patch = LeadPatch {
            team_id: Some(Some(team.id)),
            user_id: Some(Some(an.user_id)),
            ..Default::default()
        };
        app.update_lead(&me, o.id, o.version, patch, Some(next.id))
            .await
            .unwrap();
        let kinds = |n: Vec<sen_store::notifications::Notification>| {
            let mut k: Vec<String> = n.into_iter().map(|n| n.kind).collect();
            k.sort();
            k
        };
        let watcher_heard = app
            .list_notifications(&watcher, false, None, None)
            .await
            .unwrap();
        assert_eq!(kinds(watcher_heard), ["stage"]);
        let an_heard = app
            .list_notifications(&an, false, None, None)
            .await
            .unwrap();
        assert_eq!(kinds(an_heard), ["assigned", "stage"]);
    }
);

story!(
    a_follower_who_may_not_see_the_record_is_not_told,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let an = member(&app, &me, "an@example.com", "salesperson").await;
        let binh = member(&app, &me, "binh@example.com", "salesperson").await;
        // Unassigned: both salespeople see it, and Binh follows.
        let o = opportunity(&app, &me, "Bí mật", None).await;
        app.follow(&binh, "lead", o.id, None, None).await.unwrap();
        // Given to An: Binh no longer sees it.
        let o = app
            .update_lead(
                &me,
                o.id,
                o.version,
                LeadPatch {
                    user_id: Some(Some(an.user_id)),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap()
            .lead;
        app.post_note(&me, RecordType::Lead, o.id, Some("Giá đặc biệt"))
            .await
            .unwrap();
        app.mark_won(&me, o.id).await.unwrap();
        assert!(
            app.list_notifications(&binh, false, None, None)
                .await
                .unwrap()
                .is_empty()
        );
        // Mentioning Binh there does not tell Binh either.
        app.post_note(&me, RecordType::Lead, o.id, Some("@binh xem giúp"))
            .await
            .unwrap();
        assert!(
            app.list_notifications(&binh, false, None, None)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

story!(
    an_email_from_the_record_reaches_the_smtp_server_with_its_vietnamese_subject,
    |db: Db| async move {
        let server = SmtpServer::start();
        let app = App::new(db).with_mail(smtp(&server.url()));
        let me = admin(&app).await;
        let o = opportunity(&app, &me, "Mike — 200 áo thun", None).await;
        let subject = "Báo giá 200 áo thun — tổng 78.000 (đã gồm thuế)";
        let m = app
            .send_record_email(
                &me,
                RecordType::Lead,
                o.id,
                EmailInput {
                    to: None,
                    subject: Some(subject.into()),
                    body: Some("<p>Chào anh Mike,</p><p>Gửi anh <b>báo giá</b>.</p>".into()),
                },
            )
            .await
            .unwrap();
        let mid = m.message_id.clone().unwrap();
        assert!(
            mid.starts_with('<') && mid.ends_with("@sen.example>"),
            "{mid}"
        );
        assert_eq!(m.recipients.as_deref(), Some("mike@tshirts.example"));
        let w = worker(&app);
        w.drain().await.unwrap();
        let got = server.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].to, vec!["mike@tshirts.example".to_string()]);
        assert_eq!(got[0].from, "crm@sen.example");
        let raw = String::from_utf8_lossy(&got[0].data).to_string();
        assert!(
            raw.is_ascii(),
            "headers and body are encoded for 7-bit transport"
        );
        let parsed = parse(&got[0].data);
        assert_eq!(parsed.subject(), Some(subject));
        assert_eq!(
            parsed.message_id(),
            Some(mid.trim_matches(|c| c == '<' || c == '>'))
        );
        assert!(parsed.body_text(0).unwrap().contains("báo giá"));
        let sent = app.list_mails(&me, Some("sent")).await.unwrap();
        assert_eq!(sent.len(), 1);
        // Bad input: no subject, a wrong address.
        let e = app
            .send_record_email(
                &me,
                RecordType::Lead,
                o.id,
                EmailInput {
                    to: Some(vec!["not-an-address".into()]),
                    subject: None,
                    body: Some("x".into()),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), vec!["subject", "to"]);
    }
);

story!(
    without_smtp_mail_waits_in_the_outbox_for_admins,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let an = member(&app, &me, "an@example.com", "salesperson").await;
        let o = opportunity(&app, &me, "Linda Wu", None).await;
        app.send_record_email(
            &me,
            RecordType::Lead,
            o.id,
            EmailInput {
                to: None,
                subject: Some("Xin chào".into()),
                body: Some("Chào chị".into()),
            },
        )
        .await
        .unwrap();
        worker(&app).drain().await.unwrap();
        let outbox = app.list_mails(&me, Some("outbox")).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].subject, "Xin chào");
        assert!(matches!(
            app.list_mails(&an, None).await,
            Err(AppError::Forbidden)
        ));
        // Once a server is configured, the outbox goes out.
        let server = SmtpServer::start();
        let app = app.with_mail(smtp(&server.url()));
        assert_eq!(app.requeue_outbox().await.unwrap(), 1);
        worker(&app).drain().await.unwrap();
        assert_eq!(server.received().len(), 1);
        assert!(
            app.list_mails(&me, Some("outbox"))
                .await
                .unwrap()
                .is_empty()
        );
    }
);

story!(
    a_refusing_smtp_server_fails_the_mail_with_its_reason,
    |db: Db| async move {
        let server = SmtpServer::refusing();
        let app = App::new(db).with_mail(smtp(&server.url()));
        let me = admin(&app).await;
        let o = opportunity(&app, &me, "Mike", None).await;
        app.send_record_email(
            &me,
            RecordType::Lead,
            o.id,
            EmailInput {
                to: None,
                subject: Some("Báo giá".into()),
                body: Some("x".into()),
            },
        )
        .await
        .unwrap();
        let (_, outcome) = worker(&app).run_once().await.unwrap().unwrap();
        assert!(
            matches!(outcome, Outcome::Failed(_)),
            "a refusal is not retried: {outcome:?}"
        );
        let failed = app.list_mails(&me, Some("failed")).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert!(
            failed[0].error.as_deref().unwrap().contains("550"),
            "{:?}",
            failed[0].error
        );
        let jobs = app.list_jobs(&me, Some("failed")).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert!(jobs[0].last_error.is_some());
    }
);

story!(
    an_smtp_server_that_is_down_is_retried_then_the_mail_fails,
    |db: Db| async move {
        let url = format!("smtp://127.0.0.1:{}", closed_port());
        let app = App::new(db).with_mail(smtp(&url));
        let me = admin(&app).await;
        let o = opportunity(&app, &me, "Mike", None).await;
        app.send_record_email(
            &me,
            RecordType::Lead,
            o.id,
            EmailInput {
                to: None,
                subject: Some("Báo giá".into()),
                body: Some("x".into()),
            },
        )
        .await
        .unwrap();
        let w = worker(&app);
        let mut outcomes = Vec::new();
        while let Some((_, o)) = w.run_once().await.unwrap() {
            outcomes.push(o);
        }
        assert_eq!(outcomes.len(), 5, "{outcomes:?}");
        assert!(outcomes[..4].iter().all(|o| matches!(o, Outcome::Retry(_))));
        assert!(matches!(outcomes[4], Outcome::Failed(_)));
        let failed = app.list_mails(&me, Some("failed")).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert!(failed[0].error.is_some());
        // An admin can put it back in the queue.
        let job = app.list_jobs(&me, Some("failed")).await.unwrap().remove(0);
        app.retry_job(&me, job.id).await.unwrap();
        assert_eq!(app.list_mails(&me, Some("queued")).await.unwrap().len(), 1);
    }
);

story!(
    a_worker_stopped_mid_queue_and_a_new_one_send_every_mail_once,
    |db: Db| async move {
        let server = SmtpServer::start();
        let app = App::new(db).with_mail(smtp(&server.url()));
        let me = admin(&app).await;
        let boss = member(&app, &me, "boss@example.com", "manager").await;
        let o = opportunity(&app, &me, "Mike", None).await;
        app.follow(&boss, "lead", o.id, None, None).await.unwrap();
        for i in 0..6 {
            app.post_note(&me, RecordType::Lead, o.id, Some(&format!("ghi chú {i}")))
                .await
                .unwrap();
        }
        // The first worker does three jobs and stops.
        let first = worker(&app);
        for _ in 0..3 {
            first.run_once().await.unwrap().unwrap();
        }
        drop(first);
        // Another claims a job and dies holding it (its lease runs out at once).
        let t = sen_app::clock::now();
        let dead = sen_store::jobs::claim(&app.db, "dead", t, t - chrono::Duration::seconds(1))
            .await
            .unwrap();
        assert!(dead.is_some());
        worker(&app).drain().await.unwrap();
        let got = server.received();
        let subjects: std::collections::BTreeSet<String> = got
            .iter()
            .map(|r| parse(&r.data).body_text(0).unwrap().to_string())
            .collect();
        assert_eq!(got.len(), 6, "each note's e-mail exactly once");
        assert_eq!(subjects.len(), 6);
        assert!(
            got.iter()
                .all(|r| r.to == vec!["boss@example.com".to_string()])
        );
    }
);

story!(
    a_digest_user_gets_one_mail_a_day_with_everything_unread,
    |db: Db| async move {
        let server = SmtpServer::start();
        let app = App::new(db).with_mail(smtp(&server.url()));
        let me = admin(&app).await;
        let boss = member(&app, &me, "boss@example.com", "manager").await;
        app.update_own_profile_for_test(&boss, "digest").await;
        let o = opportunity(&app, &me, "Mike", None).await;
        app.follow(&boss, "lead", o.id, None, None).await.unwrap();
        app.post_note(&me, RecordType::Lead, o.id, Some("một"))
            .await
            .unwrap();
        app.post_note(&me, RecordType::Lead, o.id, Some("hai"))
            .await
            .unwrap();
        let w = worker(&app);
        w.drain().await.unwrap();
        assert!(
            server.received().is_empty(),
            "nothing at once for a digest user"
        );
        let q1 = app.schedule_due_work_at(morning_in_taipei()).await.unwrap();
        let q2 = app.schedule_due_work_at(morning_in_taipei()).await.unwrap();
        assert_eq!((q1, q2), (1, 0), "one digest per day");
        w.drain().await.unwrap();
        let got = server.received();
        assert_eq!(got.len(), 1);
        let text = parse(&got[0].data).body_text(0).unwrap().to_string();
        assert!(text.contains("một") && text.contains("hai"), "{text}");
    }
);

fn morning_in_taipei() -> chrono::DateTime<chrono::Utc> {
    // 09:00 in Taipei (UTC+8) on a fixed day.
    chrono::DateTime::parse_from_rfc3339("2026-11-24T01:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

trait ProfileForTest {
    async fn update_own_profile_for_test(&self, who: &Actor, notify_email: &str);
}

impl ProfileForTest for App {
    async fn update_own_profile_for_test(&self, who: &Actor, notify_email: &str) {
        self.update_me(
            who,
            UserChanges {
                notify_email: Some(notify_email.into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    }
}
