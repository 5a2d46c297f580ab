//! The settings pages (issue #4): forms that change pipelines, stages, teams and lookups,
//! refusals shown beside the field, read-only for salespeople.

use super::*;

fn location(a: &Answer) -> String {
    a.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

story!(
    settings_pages_change_pipelines_stages_teams_and_lookups,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let csrf = c.csrf.clone().unwrap();
        let index = c.get("/settings").await;
        assert_eq!(location(&index), "/settings/pipelines");
        let page = c.get("/settings/pipelines").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("Quy trình và giai đoạn"), "vi tabs");

        // A pipeline without a name is refused beside the field, nothing is created.
        let before = c.get("/api/v1/pipelines").await.json()["total"].clone();
        let bad = c
            .form(
                "/settings/pipelines",
                &[("_csrf", &csrf), ("name", " "), ("kind", "deal")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("field-error"), "{}", bad.text);
        assert_eq!(c.get("/api/v1/pipelines").await.json()["total"], before);

        let made = c
            .form(
                "/settings/pipelines",
                &[
                    ("_csrf", &csrf),
                    ("name", "Đại lý"),
                    ("kind", "deal"),
                    ("number_prefix", "DL-"),
                    ("lost_reason_required", "on"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        let path = location(&made);
        let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let api = c.get(&format!("/api/v1/pipelines/{id}")).await.json();
        assert_eq!(
            (&api["number_prefix"], &api["lost_reason_required"]),
            (&json!("DL-"), &json!(true))
        );
        let stages: Vec<i64> = api["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert!(stages.len() >= 2, "default stages");

        // The second stage moves up; the first cannot move further up.
        let moved = c
            .form(
                &format!("/settings/pipelines/{id}/stages/{}/up", stages[1]),
                &[("_csrf", &csrf)],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        let after = c.get(&format!("/api/v1/pipelines/{id}")).await.json();
        assert_eq!(after["stages"][0]["id"], json!(stages[1]));
        assert_eq!(after["stages"][1]["id"], json!(stages[0]));

        // A stage added from the settings page comes back to it; the edit dialog too.
        let back = format!("/settings/pipelines/{id}");
        let added = c
            .form(
                &format!("{back}/stages"),
                &[("_csrf", &csrf), ("name", "Ký hợp đồng")],
            )
            .await;
        assert_eq!(location(&added), back);
        let shown = c.get(&back).await;
        assert!(shown.text.contains("Ký hợp đồng") && shown.text.contains("DL-"));
        // A name of spaces only is refused beside the field, and no stage is added.
        let count = |p: &Value| p["stages"].as_array().unwrap().len();
        let before = count(&c.get(&format!("/api/v1/pipelines/{id}")).await.json());
        let blank = c
            .form(
                &format!("{back}/stages"),
                &[("_csrf", &csrf), ("name", "   ")],
            )
            .await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(blank.text.contains("id=\"e-new-stage\""), "{}", blank.text);
        assert!(blank.text.contains("Trường này là bắt buộc"));
        assert_eq!(
            count(&c.get(&format!("/api/v1/pipelines/{id}")).await.json()),
            before
        );
        let edit = c
            .get(&format!("/stages/{}/edit?back={back}", stages[0]))
            .await;
        assert!(edit.text.contains(&format!("value=\"{back}\"")));
        let evil = c
            .get(&format!("/stages/{}/edit?back=//evil.example", stages[0]))
            .await;
        assert!(!evil.text.contains("evil.example"));
        let slash = c
            .get(&format!("/stages/{}/edit?back=/%5Cevil.example", stages[0]))
            .await;
        assert!(
            !slash.text.contains("evil.example"),
            "/\\host is another site"
        );

        // Rename keeps the kind; a stale version is refused with a message.
        let version = after["version"].as_i64().unwrap().to_string();
        let renamed = c
            .form(
                &back,
                &[
                    ("_csrf", &csrf),
                    ("version", &version),
                    ("name", "Đại lý cấp 1"),
                    ("kind", "lead"),
                    ("number_prefix", "DL-"),
                ],
            )
            .await;
        assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text);
        let api = c.get(&format!("/api/v1/pipelines/{id}")).await.json();
        assert_eq!(
            (&api["name"], &api["kind"]),
            (&json!("Đại lý cấp 1"), &json!("deal"))
        );
        let stale = c
            .form(
                &back,
                &[("_csrf", &csrf), ("version", &version), ("name", "Cũ")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            stale.text.contains("Người khác vừa thay đổi"),
            "{}",
            stale.text
        );
        // The refused form keeps the version it was based on: saving it again stays refused.
        assert!(
            stale
                .text
                .contains(&format!("name=\"version\" value=\"{version}\""))
        );
        let no_version = c.form(&back, &[("_csrf", &csrf), ("name", "Cũ")]).await;
        assert_eq!(no_version.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The last lead pipeline is not deleted; the reason is shown on the page.
        let pipelines = c.get("/api/v1/pipelines").await.json();
        let lead_pipeline = pipelines["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "lead")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let kept = c
            .form(
                &format!("/settings/pipelines/{lead_pipeline}/delete"),
                &[("_csrf", &csrf)],
            )
            .await;
        assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(kept.text.contains("quy trình cuối cùng"), "{}", kept.text);
        let gone = c.form(&format!("{back}/delete"), &[("_csrf", &csrf)]).await;
        assert_eq!(location(&gone), "/settings/pipelines");
        assert_eq!(
            c.get(&format!("/api/v1/pipelines/{id}")).await.status,
            StatusCode::NOT_FOUND
        );

        // Teams: leader and members from the users.
        let an = member(&c, "an@sen.vn", "salesperson").await;
        let an_id = an.get("/api/v1/me").await.json()["id"].to_string();
        let team = c
            .form(
                "/settings/teams",
                &[
                    ("_csrf", &csrf),
                    ("name", "Hà Nội"),
                    ("leader_id", "1"),
                    ("member_ids", &an_id),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(location(&team), "/settings/teams");
        let teams = c.get("/api/v1/teams").await.json();
        assert_eq!(
            teams["items"][0]["member_ids"],
            json!([an_id.parse::<i64>().unwrap()])
        );
        assert!(c.get("/settings/teams").await.text.contains("Hà Nội"));

        // Lookups: a lost reason for opportunities, a coloured tag, a duplicate name refused.
        let reason = c
            .form(
                "/settings/lost-reasons",
                &[
                    ("_csrf", &csrf),
                    ("name", "Giá cao"),
                    ("applies_to", "deal"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(location(&reason), "/settings/lost-reasons");
        let reasons = c.get("/api/v1/lost-reasons").await.json();
        let giá = reasons["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Giá cao")
            .unwrap();
        assert_eq!(giá["applies_to"], "deal");
        let tag = c
            .form(
                "/settings/tags",
                &[
                    ("_csrf", &csrf),
                    ("name", "VIP"),
                    ("color", "3"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(location(&tag), "/settings/tags");
        let twice = c
            .form(
                "/settings/tags",
                &[("_csrf", &csrf), ("name", "VIP"), ("color", "3")],
            )
            .await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        let tags = c.get("/api/v1/tags").await.json();
        let vip = tags["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["name"] == "VIP")
            .collect::<Vec<_>>();
        assert_eq!((vip.len(), &vip[0]["color"]), (1, &json!(3)));
        let vip_id = vip[0]["id"].as_i64().unwrap();
        let off = c
            .form(
                &format!("/settings/tags/{vip_id}"),
                &[
                    ("_csrf", &csrf),
                    ("version", "1"),
                    ("name", "VIP"),
                    ("color", "5"),
                ],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text);
        let t = c.get(&format!("/api/v1/tags/{vip_id}")).await.json();
        assert_eq!((&t["active"], &t["color"]), (&json!(false), &json!(5)));
        for kind in ["sources", "mediums", "campaigns"] {
            let a = c
                .form(
                    &format!("/settings/{kind}"),
                    &[("_csrf", &csrf), ("name", "Zalo"), ("active", "on")],
                )
                .await;
            assert_eq!(location(&a), format!("/settings/{kind}"), "{kind}");
            assert!(
                c.get(&format!("/settings/{kind}"))
                    .await
                    .text
                    .contains("Zalo")
            );
        }
        let deleted = c
            .form(
                &format!("/settings/tags/{vip_id}/delete"),
                &[("_csrf", &csrf)],
            )
            .await;
        assert_eq!(location(&deleted), "/settings/tags");
        assert_eq!(
            c.get(&format!("/api/v1/tags/{vip_id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/settings/colours").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/settings/tags/abc").await.status,
            StatusCode::NOT_FOUND
        );
    }
);

story!(
    salespeople_read_the_settings_but_cannot_change_them,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let an = member(&c, "an@sen.vn", "salesperson").await;
        let page = an.get("/settings/pipelines").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.text.contains("id=\"settings-form\""));
        assert!(
            !page.text.contains("href=\"/users\""),
            "users tab is for admins"
        );
        let csrf = an.csrf.clone().unwrap();
        let refused = an
            .form(
                "/settings/sources",
                &[("_csrf", &csrf), ("name", "Hội chợ")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(c.get("/api/v1/sources").await.json()["total"], 0);
        assert!(
            c.get("/settings/teams")
                .await
                .text
                .contains("href=\"/users\"")
        );
    }
);
