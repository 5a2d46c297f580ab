//! Meetings, the calendar feed and attachments through the API (issue #5).

use super::*;

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1,
];

async fn raw_upload(c: &Client, path: &str, content_type: &str, data: Vec<u8>) -> Answer {
    let req = c
        .request(Method::POST, path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(data))
        .unwrap();
    c.raw(req).await
}

story!(
    meetings_refuse_bad_times_and_rules_by_field,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let a = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Gặp Mike", "start": "2026-12-01T10:00:00+07:00", "stop": "2026-12-01T09:00:00+07:00"}),
            )
            .await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["stop".to_string()])
        );
        let a = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Gặp Mike", "start": "2026-12-01T10:00:00+07:00", "rrule": "FREQ=WEEKLY;COUNT=2;UNTIL=20270101"}),
            )
            .await;
        assert_eq!(a.error_fields(), vec!["rrule"]);
        assert!(a.text.contains("COUNT and UNTIL"), "{}", a.text);
        let a = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Gặp Mike", "start": "2026-12-01T10:00:00+07:00", "rrule": "FREQ=DAILY;INTERVAL=0"}),
            )
            .await;
        assert_eq!(a.error_fields(), vec!["rrule"]);
        let a = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Gặp Mike", "start": "next monday"}),
            )
            .await;
        assert_eq!(a.error_fields(), vec!["start"]);
        let a = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Gặp Mike", "start": "2026-12-01T10:00", "alarms": [{"minutes_before": 15, "channel": "pigeon"}]}),
            )
            .await;
        assert_eq!(a.error_fields(), vec!["alarms.channel"]);
        let list = c
            .get("/api/v1/meetings?from=2026-11-01&to=2027-01-01")
            .await
            .json();
        assert_eq!(
            list["items"].as_array().unwrap().len(),
            0,
            "nothing half-written"
        );
    }
);

story!(
    a_meeting_is_in_the_secret_feed_until_it_is_revoked,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let m = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Weekly review", "start": "2026-10-26T09:00", "stop": "2026-10-26T10:00",
                       "time_zone": "America/New_York", "rrule": "FREQ=WEEKLY;COUNT=3",
                       "alarms": [{"minutes_before": 30, "channel": "email"}]}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
        assert_eq!(m.json()["start"], "2026-10-26T13:00:00Z");
        let id = m.json()["id"].as_i64().unwrap();
        let occ = c
            .get("/api/v1/meetings?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z")
            .await
            .json();
        let starts: Vec<&str> = occ["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["start"].as_str().unwrap())
            .collect();
        assert_eq!(
            starts,
            vec![
                "2026-10-26T13:00:00Z",
                "2026-11-02T14:00:00Z",
                "2026-11-09T14:00:00Z"
            ]
        );
        let me = c.get("/api/v1/me").await.json();
        let url = me["calendar_feed_url"].as_str().unwrap().to_string();
        assert!(url.contains("/api/v1/calendar.ics?token="), "{url}");
        let path = &url[url.find("/api/").unwrap()..];
        let anonymous = Client {
            router: c.router.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
        };
        let feed = anonymous.get(path).await;
        assert_eq!(feed.status, StatusCode::OK);
        assert!(
            feed.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        assert!(feed.text.contains("RRULE:FREQ=WEEKLY;COUNT=3"));
        assert!(
            feed.text
                .contains("DTSTART;TZID=America/New_York:20261026T090000")
        );
        let ics = c.get(&format!("/api/v1/meetings/{id}/ics")).await;
        assert!(
            ics.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert!(ics.text.contains("BEGIN:VEVENT"));
        assert_eq!(
            c.send(Method::DELETE, "/api/v1/me/calendar-feed", None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(anonymous.get(path).await.status, StatusCode::NOT_FOUND);
        assert_ne!(
            c.get("/api/v1/me").await.json()["calendar_feed_url"]
                .as_str()
                .unwrap(),
            url
        );
        // This one only: cancel the second occurrence.
        let gone = c
            .send(
                Method::DELETE,
                &format!("/api/v1/meetings/{id}?scope=this&occurrence=2026-11-02T14:00:00Z"),
                None,
            )
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
        let occ = c
            .get("/api/v1/meetings?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z")
            .await
            .json();
        assert_eq!(occ["items"].as_array().unwrap().len(), 2);
        let page = c.get("/calendar").await;
        assert!(page.text.contains("fullcalendar-6.1.21.min.js"));
    }
);

story!(
    attachments_are_checked_and_only_people_who_see_the_record_get_them,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        let boss = c.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
        let deal = c
            .post(
                "/api/v1/leads",
                json!({"name": "Bí mật", "type": "opportunity", "user_id": boss}),
            )
            .await
            .json();
        let id = deal["id"].as_i64().unwrap();
        let url = format!("/api/v1/records/lead/{id}/attachments?file_name=logo.png");
        let ok = raw_upload(&c, &url, "image/png", PNG.to_vec()).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
        let att = ok.json()["id"].as_i64().unwrap();
        let lying = raw_upload(&c, &url, "application/pdf", PNG.to_vec()).await;
        assert_eq!(
            (lying.status, lying.error_fields()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["content_type".to_string()]
            )
        );
        let big = raw_upload(&c, &url, "text/plain", vec![b'a'; 10 * 1024 * 1024 + 10]).await;
        assert_eq!(big.error_fields(), vec!["file"]);
        let huge = raw_upload(&c, &url, "text/plain", vec![b'a'; 12 * 1024 * 1024]).await;
        assert_eq!(
            (huge.status, huge.error_fields()),
            (StatusCode::PAYLOAD_TOO_LARGE, vec!["file".to_string()])
        );
        let got = c.get(&format!("/api/v1/attachments/{att}")).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.headers[header::CONTENT_TYPE], "image/png");
        assert!(
            got.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("logo.png")
        );
        // The salesperson may not see the record: no list, no download.
        assert_eq!(
            sales
                .get(&format!("/api/v1/attachments/{att}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            sales
                .get(&format!("/api/v1/records/lead/{id}/attachments"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let list = c
            .get(&format!("/api/v1/records/lead/{id}/attachments"))
            .await
            .json();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        // An HTML file is only ever a download.
        let html = raw_upload(
            &c,
            &format!("/api/v1/records/lead/{id}/attachments?file_name=x.html"),
            "text/html",
            b"<script>alert(1)</script>".to_vec(),
        )
        .await;
        let h = c
            .get(&format!("/api/v1/attachments/{}", html.json()["id"]))
            .await;
        assert_eq!(h.headers[header::CONTENT_TYPE], "application/octet-stream");
    }
);

story!(
    a_meeting_reminder_reaches_smtp_with_a_readable_vietnamese_subject,
    |db: Db| async move {
        let server = super::smtp_server::SmtpServer::start();
        let config =
            sen_app::mail::MailConfig::new(Some(&server.url()), Some("Sen CRM <crm@sen.vn>"))
                .unwrap();
        let app = App::new(db).with_mail(config);
        let mut c = Client::with_app(app.clone());
        c.setup().await;
        let lan = member(&c, "lan@sen.vn", "salesperson").await;
        let lan_id = lan.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
        lan.send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"language": "vi", "time_zone": "Asia/Ho_Chi_Minh"})),
        )
        .await;
        let start = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
        let m = c
            .post(
                "/api/v1/meetings",
                json!({"name": "Gặp anh Mike ở xưởng in", "start": start, "location": "Quận 7",
                       "attendees": [{"user_id": lan_id}],
                       "alarms": [{"minutes_before": 10, "channel": "email"}]}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
        sen_app::jobs::Worker::new(app.clone(), sen_web::i18n::worker_texts())
            .drain()
            .await
            .unwrap();
        let got = server.received();
        let mut to: Vec<String> = got.iter().flat_map(|r| r.to.clone()).collect();
        to.sort();
        assert_eq!(
            to,
            vec!["chi@sen.vn".to_string(), "lan@sen.vn".to_string()],
            "the organiser too"
        );
        for r in &got {
            let parsed = mail_parser::MessageParser::default()
                .parse(&r.data)
                .unwrap();
            let subject = parsed.subject().unwrap().to_string();
            assert!(
                subject.starts_with("Nhắc lịch: Gặp anh Mike ở xưởng in lúc "),
                "{subject}"
            );
            assert!(
                String::from_utf8_lossy(&r.data).is_ascii(),
                "encoded for 7-bit transport"
            );
        }
    }
);

story!(
    the_meeting_dialog_repeats_on_weekdays_invites_the_customer_and_takes_answers,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let lan = member(&c, "lan@sen.vn", "manager").await;
        let lan_id = lan.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
        let mike = c
            .post(
                "/api/v1/contacts",
                json!({"name": "Mike Nguyễn", "email": "mike@tshirts.example"}),
            )
            .await
            .json();
        let deal = c
            .post(
                "/api/v1/leads",
                json!({"name": "200 áo thun", "type": "opportunity", "contact_id": mike["id"]}),
            )
            .await
            .json();
        let id = deal["id"].as_i64().unwrap();
        let dialog = c
            .get(&format!("/meetings/new?record_type=lead&record_id={id}"))
            .await;
        assert!(
            dialog.text.contains("Mike Nguyễn"),
            "the customer is offered"
        );
        let me = c.get("/api/v1/me").await.json()["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let lan_s = lan_id.to_string();
        let mike_s = mike["id"].as_i64().unwrap().to_string();
        let made = c
            .form(
                "/meetings",
                &[
                    ("name", "Giao ban với Mike"),
                    ("start", "2026-12-07T09:00"),
                    ("stop", "2026-12-07T10:00"),
                    ("record_type", "lead"),
                    ("record_id", &id.to_string()),
                    ("attendees", &me),
                    ("attendees", &lan_s),
                    ("contacts", &mike_s),
                    ("repeat", "WEEKLY"),
                    ("byday", "MO"),
                    ("byday", "TH"),
                    ("count", "4"),
                    ("alarm", "15"),
                    ("alarm_channel", "in_app"),
                ],
            )
            .await;
        assert!(
            made.status.is_redirection(),
            "{} {}",
            made.status,
            made.text
        );
        let occ = c
            .get("/api/v1/meetings?from=2026-12-01&to=2027-01-01")
            .await
            .json();
        let items = occ["items"].as_array().unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0]["rrule"], "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4");
        let mid = items[0]["meeting_id"].as_i64().unwrap();
        let m = c.get(&format!("/api/v1/meetings/{mid}")).await.json();
        assert!(
            m["attendees"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["contact_id"] == mike["id"])
        );
        // Lan is invited: the dialog asks for an answer; declining is kept.
        let hers = lan.get(&format!("/meetings/{mid}/edit")).await;
        assert!(
            hers.text.contains(&format!("/meetings/{mid}/answer")),
            "{}",
            hers.text
        );
        let answered = lan
            .form(
                &format!("/meetings/{mid}/answer"),
                &[("status", "declined")],
            )
            .await;
        assert!(answered.status.is_redirection());
        let m = c.get(&format!("/api/v1/meetings/{mid}")).await.json();
        let lan_row = m["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["user_id"] == lan_id)
            .unwrap()
            .clone();
        assert_eq!(lan_row["status"], "declined");
        // The organiser's edit keeps Lan's answer.
        let edit = c.get(&format!("/meetings/{mid}/edit")).await;
        assert!(edit.text.contains("Từ chối"), "answers show beside names");
    }
);
