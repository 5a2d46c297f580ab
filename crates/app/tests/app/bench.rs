//! The benchmark's hand-written SQL (`sen_store::bench`) gives the same answers as the API's
//! use cases on the generated workload, so `sen bench` compares like with like.

use sen_app::board::BoardParams;

use super::*;

story!(
    the_bench_baseline_answers_like_the_board_and_the_search,
    |db: Db| async move {
        let app = App::new(db.clone());
        app.ensure_demo_workspace().await.unwrap();
        let g = app.generate_workload(400, 7).await.unwrap();
        let admin = app.system_actor().await.unwrap();
        let board = app
            .board(
                &admin,
                &BoardParams {
                    pipeline_id: Some(g.pipeline_id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (counts, _) = sen_store::bench::board(&db, g.pipeline_id, 40, chrono::Utc::now())
            .await
            .unwrap();
        for column in &board.columns {
            let sql = counts
                .iter()
                .find(|(s, _)| *s == column.stage.id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            assert_eq!(column.count, sql, "stage {}", column.stage.name);
        }
        let api: std::collections::BTreeSet<i64> = app
            .list_leads(
                &admin,
                &sen_app::contacts::ListParams {
                    q: Some("nguyen".into()),
                    limit: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .iter()
            .map(|l| l.id)
            .collect();
        let sql: std::collections::BTreeSet<i64> = sen_store::bench::search(&db, "nguyen", 500)
            .await
            .unwrap()
            .into_iter()
            .collect();
        assert!(!api.is_empty(), "the workload has Nguyễn records");
        assert_eq!(api, sql);
        assert!(
            sen_store::bench::search(&db, "zzqxjw", 80)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
