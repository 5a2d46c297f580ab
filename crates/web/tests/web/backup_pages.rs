//! Settings → Backup: an admin downloads the whole workspace as the portable file (the
//! page and `GET /api/v1/workspace/export`); nobody else sees the page.

use super::*;

story!(
    an_admin_downloads_the_workspace_from_settings,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let lead = c
            .post(
                "/api/v1/leads",
                json!({"name": "Đồng phục 麥克", "type": "opportunity"}),
            )
            .await;
        assert_eq!(lead.status, StatusCode::CREATED);
        let page = c.get("/settings/backup").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("href=\"/settings/backup/download\""));
        assert!(page.text.contains("sen restore"));
        for path in ["/settings/backup/download", "/api/v1/workspace/export"] {
            let file = c.get(path).await;
            assert_eq!(file.status, StatusCode::OK, "{path}");
            assert!(
                file.headers[header::CONTENT_DISPOSITION]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment; filename=\"sen-workspace-")
            );
            assert!(
                file.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/x-ndjson")
            );
            let lines: Vec<&str> = file.text.lines().collect();
            assert!(
                lines[0].contains("\"format\":\"sen-workspace\""),
                "{}",
                lines[0]
            );
            assert!(lines.last().unwrap().contains("end_of_export"));
            assert!(file.text.contains("Đồng phục 麥克"));
        }
        let manager = member(&c, "quanly@sen.vn", "manager").await;
        assert_eq!(
            manager.get("/settings/backup").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            manager.get("/settings/backup/download").await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            !manager
                .get("/settings/pipelines")
                .await
                .text
                .contains("/settings/backup")
        );
    }
);
