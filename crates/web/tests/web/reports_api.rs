//! The pipeline report (api.md `GET /api/v1/reports/pipeline`).

use super::*;

story!(
    the_pipeline_report_groups_counts_and_revenue_by_stage_and_salesperson,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        let an = sales.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
        let me = c.get("/api/v1/me").await.json()["id"].as_i64().unwrap();
        for (name, amount, owner) in [("A", "78000", me), ("B", "22000", me), ("C", "50000", an)] {
            let a = c
                .post(
                    "/api/v1/leads",
                    json!({"name": name, "type": "opportunity", "user_id": owner,
                           "expected_revenue": {"amount": amount, "currency": "VND"}}),
                )
                .await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        }
        let r = c
            .get("/api/v1/reports/pipeline?group_by=stage,user&measures=count,expected_revenue")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = r.json();
        assert_eq!(r["total"]["count"], 3);
        assert_eq!(
            r["total"]["expected_revenue"],
            json!({"amount": "150000", "currency": "VND"})
        );
        let rows = r["rows"].as_array().unwrap();
        let mine = rows.iter().find(|x| x["user_id"] == me).unwrap();
        assert_eq!(mine["count"], 2);
        assert_eq!(mine["expected_revenue"]["amount"], "100000");
        assert!(mine["stage_id"].is_i64());
        assert!(
            mine.get("weighted_revenue").is_none(),
            "only the measures asked for"
        );
        // A salesperson's report covers what they may see.
        let theirs = sales
            .get("/api/v1/reports/pipeline?group_by=user")
            .await
            .json();
        assert_eq!(theirs["total"]["count"], 1);
        // Bad input names the field.
        let bad = c.get("/api/v1/reports/pipeline?group_by=colour").await;
        assert_eq!(bad.error_fields(), vec!["group_by"]);
        let bad = c
            .get("/api/v1/reports/pipeline?group_by=stage&measures=profit")
            .await;
        assert_eq!(bad.error_fields(), vec!["measures"]);
        let filtered = c
            .get("/api/v1/reports/pipeline?group_by=outcome&filter=expected_revenue%20%3E%2030000")
            .await
            .json();
        assert_eq!(filtered["total"]["count"], 2, "{filtered}");
    }
);
