//! Activities through the API and the pages (issue #5): bad input named, done with feedback
//! and the next one, states on the board, the card's dialog and "My activities".

use super::*;

async fn opportunity(c: &Client, name: &str) -> i64 {
    let a = c
        .post(
            "/api/v1/leads",
            json!({"name": name, "type": "opportunity"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.json()["id"].as_i64().unwrap()
}

async fn call_type(c: &Client) -> i64 {
    c.get("/api/v1/activity-types").await.json()["items"][0]["id"]
        .as_i64()
        .unwrap()
}

story!(
    activities_through_the_api_refuse_bad_input_by_name,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Mike đặt 200 áo thun").await;
        let call = call_type(&c).await;
        let bad_date = c
            .post(
                "/api/v1/activities",
                json!({"record_type": "lead", "record_id": deal, "activity_type_id": call, "due_date": "next tuesday"}),
            )
            .await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad_date.json()["errors"]["due_date"].is_array(),
            "{}",
            bad_date.text
        );
        let bad_kind = c
            .post(
                "/api/v1/activities",
                json!({"record_type": "invoice", "record_id": deal, "activity_type_id": call}),
            )
            .await;
        assert!(bad_kind.json()["errors"]["record_type"].is_array());
        let no_type = c
            .post(
                "/api/v1/activities",
                json!({"record_type": "lead", "record_id": deal}),
            )
            .await;
        assert!(no_type.json()["errors"]["activity_type_id"].is_array());
        let unknown = c
            .post(
                "/api/v1/activities",
                json!({"record_type": "lead", "record_id": deal, "activity_type_id": call, "colour": "red"}),
            )
            .await;
        assert!(unknown.json()["errors"]["colour"].is_array());
        // Nothing was half-written.
        let list = c
            .get(&format!(
                "/api/v1/activities?record_type=lead&record_id={deal}"
            ))
            .await;
        assert_eq!(list.json()["total"], 0, "{}", list.text);
        assert_eq!(
            c.get("/api/v1/activities?state=soon").await.status,
            StatusCode::BAD_REQUEST
        );
        // A type with an unknown category and a delay of -1 names both.
        let t = c
            .post(
                "/api/v1/activity-types",
                json!({"name": "Gặp mặt", "category": "lunch", "delay_count": -1}),
            )
            .await;
        assert_eq!(t.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(t.json()["errors"]["category"].is_array(), "{}", t.text);
    }
);

story!(
    done_with_feedback_schedules_the_next_and_the_board_counts_states,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let deal = opportunity(&c, "Linda Wu").await;
        let call = call_type(&c).await;
        let made = c
            .post(
                "/api/v1/activities",
                json!({"record_type": "lead", "record_id": deal, "activity_type_id": call, "due_date": "2020-01-02", "summary": "Gọi lại cho Linda"}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let a = made.json();
        assert_eq!(a["state"], "overdue");
        let board = c.get("/api/v1/board").await.json();
        assert_eq!(
            board["stages"][0]["activity"],
            json!({"overdue": 1, "today": 0, "planned": 0})
        );
        assert_eq!(board["stages"][0]["cards"][0]["activity_state"], "overdue");
        let bad_next = c
            .post(
                &format!("/api/v1/activities/{}/done", a["id"]),
                json!({"feedback": "Đã gọi", "next": {"activity_type_id": call, "due_date": "2027-13-45"}}),
            )
            .await;
        assert_eq!(bad_next.status, StatusCode::UNPROCESSABLE_ENTITY);
        let done = c
            .post(
                &format!("/api/v1/activities/{}/done", a["id"]),
                json!({"feedback": "Khách muốn báo giá", "next": {"activity_type_id": call, "due_date": "2099-01-01", "summary": "Gửi báo giá"}}),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        let d = done.json();
        assert_eq!(
            (&d["activity"]["state"], &d["next"]["state"]),
            (&json!("done"), &json!("planned"))
        );
        let again = c
            .post(&format!("/api/v1/activities/{}/done", a["id"]), json!({}))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let timeline = c
            .get(&format!("/api/v1/records/lead/{deal}/timeline"))
            .await
            .json();
        assert_eq!(timeline["items"][0]["kind"], "activity");
        assert_eq!(timeline["items"][0]["body"], "Khách muốn báo giá");
        let leads = c
            .get("/api/v1/leads?filter=activity_state%20%3D%20%22planned%22&sort=next_activity")
            .await;
        assert_eq!(leads.json()["total"], 1, "{}", leads.text);
    }
);

story!(
    the_card_dialog_and_my_activities_pages_plan_and_finish_work,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let csrf = c.csrf.clone().unwrap();
        let deal = opportunity(&c, "運動賽事專案").await;
        let call = call_type(&c).await.to_string();
        let dialog = c.get(&format!("/leads/{deal}/activities")).await;
        assert_eq!(dialog.status, StatusCode::OK);
        assert!(dialog.text.contains("/activities/new?record_type=lead"));
        let deal_s = deal.to_string();
        // A due date that is not a date comes back beside the field, nothing scheduled.
        let bad = c
            .form(
                "/activities",
                &[
                    ("_csrf", &csrf),
                    ("record_type", "lead"),
                    ("record_id", &deal_s),
                    ("activity_type_id", &call),
                    ("due_date", "31/02/2027"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
        assert!(bad.text.contains("e-due_date"), "{}", bad.text);
        let ok = c
            .form(
                "/activities",
                &[
                    ("_csrf", &csrf),
                    ("record_type", "lead"),
                    ("record_id", &deal_s),
                    ("activity_type_id", &call),
                    ("summary", "打電話給麥克"),
                    ("back", "/pipeline"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
        assert_eq!(ok.headers[header::LOCATION], "/pipeline");
        let mine = c.get("/activities").await;
        assert!(mine.text.contains("打電話給麥克"), "{}", mine.text);
        let id = c.get("/api/v1/activities").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let board = c.get("/pipeline").await.text;
        assert!(board.contains("activity-dot dot-planned"), "{board}");
        // Done in one click from "My activities".
        let done = c
            .form(
                &format!("/activities/{id}/done"),
                &[("_csrf", &csrf), ("then", "done"), ("back", "/activities")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
        assert!(!c.get("/activities").await.text.contains("打電話給麥克"));
        assert!(
            c.get(&format!("/leads/{deal}"))
                .await
                .text
                .contains("打電話給麥克")
        );
    }
);
