//! Notes, followers, notifications and mail through the API and the pages (issue #5).

use sen_app::jobs::Worker;
use sen_app::mail::MailConfig;

use super::smtp_server::SmtpServer;
use super::*;

async fn opportunity(c: &Client, name: &str) -> Value {
    let a = c
        .post(
            "/api/v1/leads",
            json!({"name": name, "type": "opportunity", "email": "mike@tshirts.example"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.json()
}

story!(
    notes_are_sanitised_and_a_mention_of_nobody_is_refused_by_name,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Linda Wu").await;
        let id = deal["id"].as_i64().unwrap();
        let url = format!("/api/v1/records/lead/{id}/notes");
        let a = c
            .post(
                &url,
                json!({"body": "<p onmouseover=\"steal()\">Khách <b>đồng ý</b><script>alert(1)</script></p>"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let body = a.json()["body"].as_str().unwrap().to_string();
        assert_eq!(a.json()["kind"], "note");
        assert!(
            !body.contains("script") && !body.contains("onmouseover"),
            "{body}"
        );
        assert!(body.contains("<b>đồng ý</b>"));
        let nobody = c.post(&url, json!({"body": "Hỏi @nobody nhé"})).await;
        assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(nobody.error_fields(), vec!["body"]);
        assert!(nobody.text.contains("@nobody"), "{}", nobody.text);
        let empty = c.post(&url, json!({"body": "<script>x</script>"})).await;
        assert_eq!(empty.error_fields(), vec!["body"]);
        let unknown = c.post(&url, json!({"body": "x", "colour": 1})).await;
        assert_eq!(unknown.error_fields(), vec!["colour"]);
        assert_eq!(
            c.post("/api/v1/records/lead/99999/notes", json!({"body": "x"}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let tl = c
            .get(&format!("/api/v1/records/lead/{id}/timeline"))
            .await
            .json();
        let notes: Vec<&Value> = tl["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "note")
            .collect();
        assert_eq!(notes.len(), 1, "only the accepted note was posted");
    }
);

story!(
    a_follower_hears_of_a_stage_change_through_the_bell,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let boss = member(&c, "boss@sen.vn", "manager").await;
        let deal = opportunity(&c, "Mike — 200 áo thun").await;
        let id = deal["id"].as_i64().unwrap();
        let f = boss
            .post(
                "/api/v1/followers",
                json!({"record_type": "lead", "record_id": id, "topics": ["stage", "outcome"]}),
            )
            .await;
        assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
        assert_eq!(f.json()["topics"], json!(["stage", "outcome"]));
        let bad = boss
            .post(
                "/api/v1/followers",
                json!({"record_type": "lead", "record_id": id, "topics": ["gossip"]}),
            )
            .await;
        assert_eq!(bad.error_fields(), vec!["topics"]);
        let nobody = c
            .post(
                "/api/v1/followers",
                json!({"record_type": "team", "record_id": 1, "user_id": 999}),
            )
            .await;
        assert!(
            nobody.status.is_client_error(),
            "{} {}",
            nobody.status,
            nobody.text
        );
        let again = boss
            .post(
                "/api/v1/followers",
                json!({"record_type": "lead", "record_id": id, "topics": ["stage", "outcome"]}),
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "following again changes the topics"
        );
        let list = c
            .get(&format!(
                "/api/v1/followers?record_type=lead&record_id={id}"
            ))
            .await
            .json();
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["user_name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"Phạm Thu Chi") && names.contains(&"boss@sen.vn"),
            "{names:?}"
        );
        assert_eq!(
            boss.get("/api/v1/notifications").await.json()["unread_count"],
            0
        );
        let stages = c
            .get(&format!("/api/v1/pipelines/{}/stages", deal["pipeline_id"]))
            .await
            .json();
        let next = stages[1]["id"].as_i64().unwrap();
        let moved = c
            .send(
                Method::PATCH,
                &format!("/api/v1/leads/{id}"),
                Some(json!({"version": deal["version"], "stage_id": next})),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
        let n = boss.get("/api/v1/notifications").await.json();
        assert_eq!(n["unread_count"], 1, "{n}");
        let item = &n["items"][0];
        assert_eq!(item["kind"], "stage");
        assert_eq!(item["record_id"], id);
        assert!(
            item["text"]
                .as_str()
                .unwrap()
                .contains("Mike — 200 áo thun"),
            "{item}"
        );
        // The bell on the pages shows it too.
        let page = boss.get("/notifications/bell").await;
        assert!(page.text.contains("data-count=\"1\""), "{}", page.text);
        let read = boss
            .post(
                &format!("/api/v1/notifications/{}/read", item["id"]),
                json!({}),
            )
            .await;
        assert_eq!(read.json()["unread_count"], 0);
        assert_eq!(
            c.post(
                &format!("/api/v1/notifications/{}/read", item["id"]),
                json!({})
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "someone else's notification"
        );
        let gone = boss
            .send(
                Method::DELETE,
                &format!("/api/v1/followers?record_type=lead&record_id={id}"),
                None,
            )
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
    }
);

story!(
    a_notification_email_reaches_smtp_in_the_readers_language,
    |db: Db| async move {
        let server = SmtpServer::start();
        let config = MailConfig::new(Some(&server.url()), Some("Sen CRM <crm@sen.vn>")).unwrap();
        let app = App::new(db).with_mail(config);
        let mut c = Client::with_app(app.clone());
        c.setup().await;
        let boss = member(&c, "boss@sen.vn", "manager").await;
        let me = boss
            .send(
                Method::PATCH,
                "/api/v1/me",
                Some(json!({"language": "vi", "notify_email": "immediate"})),
            )
            .await;
        assert_eq!(me.json()["notify_email"], "immediate", "{}", me.text);
        let deal = opportunity(&c, "Áo đồng phục trường Lê Lợi").await;
        let id = deal["id"].as_i64().unwrap();
        boss.post(
            "/api/v1/followers",
            json!({"record_type": "lead", "record_id": id}),
        )
        .await;
        c.post(
            &format!("/api/v1/records/lead/{id}/notes"),
            json!({"body": "Khách hẹn gặp thứ Hai"}),
        )
        .await;
        Worker::new(app.clone(), sen_web::i18n::worker_texts())
            .drain()
            .await
            .unwrap();
        let got = server.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].to, vec!["boss@sen.vn".to_string()]);
        let parsed = mail_parser::MessageParser::default()
            .parse(&got[0].data)
            .unwrap();
        assert_eq!(
            parsed.subject(),
            Some(
                "[Sen CRM] Phạm Thu Chi ghi chú trong “Áo đồng phục trường Lê Lợi”: Khách hẹn gặp thứ Hai"
            )
        );
        assert!(String::from_utf8_lossy(&got[0].data).is_ascii());
        let mails = c.get("/api/v1/mails?state=sent").await.json();
        assert_eq!(mails["items"].as_array().unwrap().len(), 1);
        assert_eq!(mails["smtp_configured"], true);
        assert_eq!(
            boss.get("/api/v1/mails").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            c.get("/api/v1/jobs?state=exploded").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
);

story!(
    an_email_from_a_record_is_queued_with_its_message_id_and_shown_on_the_page,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Mike").await;
        let id = deal["id"].as_i64().unwrap();
        let url = format!("/api/v1/records/lead/{id}/messages");
        let bad = c.post(&url, json!({"to": ["nope"], "body": "x"})).await;
        assert_eq!(bad.error_fields(), vec!["subject", "to"]);
        let a = c
            .post(
                &url,
                json!({"subject": "Báo giá 78.000", "body": "<p>Gửi anh báo giá</p>"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        assert_eq!(a.json()["kind"], "email");
        assert!(a.json()["message_id"].as_str().unwrap().starts_with('<'));
        assert_eq!(a.json()["recipients"], "mike@tshirts.example");
        // No SMTP server here: the admins' outbox keeps it (once the worker has looked).
        let page = c.get(&format!("/leads/{id}")).await;
        assert!(
            page.text.contains("Báo giá 78.000"),
            "the e-mail is on the timeline"
        );
        assert!(page.text.contains("Gửi anh báo giá"));
        let settings = c.get("/settings/mail").await;
        assert_eq!(settings.status, StatusCode::OK);
        assert!(settings.text.contains("Báo giá 78.000"));
    }
);

story!(
    the_record_page_posts_notes_and_follows,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Linda Wu").await;
        let id = deal["id"].as_i64().unwrap();
        let page = c.get(&format!("/leads/{id}")).await;
        assert!(
            page.text.contains("data-rich-editor"),
            "the composer is there"
        );
        assert!(page.text.contains("Đang theo dõi"), "the creator follows");
        let posted = c
            .form(
                &format!("/records/lead/{id}/notes"),
                &[("body", "<p>Chị Linda muốn <i>giao gấp</i></p>")],
            )
            .await;
        assert!(posted.status.is_redirection(), "{}", posted.status);
        let page = c.get(&format!("/leads/{id}")).await;
        assert!(
            page.text.contains("<i>giao gấp</i>"),
            "the note is shown as rich text"
        );
        let unfollow = c
            .form(&format!("/records/lead/{id}/follow"), &[("follow", "0")])
            .await;
        assert!(unfollow.status.is_redirection());
        let page = c.get(&format!("/leads/{id}")).await;
        assert!(page.text.contains(">Theo dõi<"), "{}", page.text);
    }
);

story!(
    smtp_set_in_the_settings_sends_the_outbox_and_hides_its_password,
    |db: Db| async move {
        let server = SmtpServer::start();
        let app = App::new(db);
        let mut c = Client::with_app(app.clone());
        c.setup().await;
        let deal = opportunity(&c, "Mike").await;
        let id = deal["id"].as_i64().unwrap();
        c.post(
            &format!("/api/v1/records/lead/{id}/messages"),
            json!({"subject": "Báo giá", "body": "x"}),
        )
        .await;
        let bad = c
            .send(
                Method::PUT,
                "/api/v1/settings/mail",
                Some(json!({"smtp_url": "ftp://x", "mail_from": "not an address"})),
            )
            .await;
        assert_eq!(bad.error_fields(), vec!["mail_from", "smtp_url"]);
        let url = format!("smtp://crm:s3cret@127.0.0.1:{}", server.port);
        let saved = c
            .send(
                Method::PUT,
                "/api/v1/settings/mail",
                Some(json!({"smtp_url": url, "mail_from": "Sen Việt <crm@sen.vn>"})),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
        assert_eq!(saved.json()["source"], "settings");
        let shown = saved.json()["smtp_url"].as_str().unwrap().to_string();
        assert!(
            shown.contains("****") && !shown.contains("s3cret"),
            "{shown}"
        );
        let page = c.get("/settings/mail").await;
        assert!(!page.text.contains("s3cret"));
        // Saving the shown URL back keeps the password.
        let again = c
            .send(
                Method::PUT,
                "/api/v1/settings/mail",
                Some(json!({"smtp_url": shown, "mail_from": "Sen Việt <crm@sen.vn>"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::OK);
        let member_sees = member(&c, "an@sen.vn", "salesperson").await;
        assert_eq!(
            member_sees.get("/api/v1/settings/mail").await.status,
            StatusCode::FORBIDDEN
        );
        let mails = c.get("/api/v1/mails").await.json();
        assert_eq!(mails["smtp_configured"], true);
        assert_eq!(mails["items"].as_array().unwrap().len(), 1);
        // The test server takes no sign-in: without credentials the waiting mail goes out.
        let plain = format!("smtp://127.0.0.1:{}", server.port);
        c.send(
            Method::PUT,
            "/api/v1/settings/mail",
            Some(json!({"smtp_url": plain, "mail_from": "Sen Việt <crm@sen.vn>"})),
        )
        .await;
        Worker::new(app.clone(), sen_web::i18n::worker_texts())
            .drain()
            .await
            .unwrap();
        let got = server.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].from, "crm@sen.vn");
    }
);

story!(
    a_call_logged_from_the_record_page_is_a_done_call_on_the_timeline,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Mike").await;
        let id = deal["id"].as_i64().unwrap();
        let logged = c
            .form(
                &format!("/records/lead/{id}/call"),
                &[
                    ("summary", "Hỏi size áo"),
                    ("feedback", "Mike chốt size M, chờ báo giá"),
                ],
            )
            .await;
        assert!(
            logged.status.is_redirection(),
            "{} {}",
            logged.status,
            logged.text
        );
        let done = c
            .get(&format!(
                "/api/v1/activities?record_type=lead&record_id={id}&state=done"
            ))
            .await
            .json();
        assert_eq!(done["items"].as_array().unwrap().len(), 1, "{done}");
        assert_eq!(
            done["items"][0]["feedback"],
            "Mike chốt size M, chờ báo giá"
        );
        let tl = c
            .get(&format!("/api/v1/records/lead/{id}/timeline"))
            .await
            .json();
        assert!(
            tl["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["kind"] == "activity" && i["body"] == "Mike chốt size M, chờ báo giá")
        );
        let open = c
            .get(&format!(
                "/api/v1/activities?record_type=lead&record_id={id}"
            ))
            .await
            .json();
        assert!(
            open["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["state"] == "done"),
            "nothing left planned"
        );
    }
);

story!(
    a_refused_note_from_the_page_shows_its_reason_in_place,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Mike").await;
        let id = deal["id"].as_i64().unwrap();
        let body = serde_urlencoded::to_string([("body", "Hỏi @<b>nobody</b>")]).unwrap();
        let req = c
            .request(Method::POST, &format!("/records/lead/{id}/notes"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("hx-request", "true")
            .body(Body::from(body))
            .unwrap();
        let a = c.raw(req).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            a.text.contains("form-errors") && a.text.contains("@nobody"),
            "{}",
            a.text
        );
        assert!(!a.text.contains("<b>"), "escaped: {}", a.text);
        let bad_path = c.form("/records/invoice/1/notes", &[("body", "x")]).await;
        assert_eq!(bad_path.status, StatusCode::NOT_FOUND);
    }
);
