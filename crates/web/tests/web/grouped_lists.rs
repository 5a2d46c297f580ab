//! Grouped lists count and sum every matching record, not only the rows the page shows.

use super::*;

story!(
    grouped_lists_count_and_sum_every_record_beyond_the_rows_shown,
    |db: Db| async move {
        let mut c = Client::new(db.clone());
        c.setup().await;
        let generated = App::new(db).generate_workload(2_100, 7).await.unwrap();
        assert_eq!(generated.opportunities, 2_100);
        let page = c.get("/opportunities?group=stage").await;
        assert_eq!(page.status, StatusCode::OK);
        // The exact count of each stage, from the API, appears in that stage's group row.
        let pipeline = c
            .get(&format!("/api/v1/pipelines/{}", generated.pipeline_id))
            .await
            .json();
        let mut seen = 0;
        for stage in pipeline["stages"].as_array().unwrap() {
            let filter = format!("stage_id = {}", stage["id"]);
            let q =
                serde_urlencoded::to_string([("filter", filter.as_str()), ("limit", "1")]).unwrap();
            let total = c.get(&format!("/api/v1/leads?{q}")).await.json()["total"]
                .as_i64()
                .unwrap();
            if total == 0 {
                continue;
            }
            seen += total;
            let name = stage["name"].as_str().unwrap();
            let row = page
                .text
                .split("class=\"group-row\"")
                .skip(1)
                .find(|r| r.contains(name))
                .unwrap_or_else(|| panic!("no group for {name}"));
            assert!(
                row.contains(&format!("badge badge-muted\">{total}<")),
                "{name} should count {total}: {row}"
            );
        }
        assert_eq!(seen, 2_100, "every record is in a stage group");
        // Stage groups come in the pipeline's order, not alphabetically.
        let groups: Vec<&str> = page.text.split("class=\"group-row\"").skip(1).collect();
        let order: Vec<usize> = pipeline["stages"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| {
                let name = s["name"].as_str().unwrap();
                groups.iter().position(|g| g.contains(name))
            })
            .collect();
        assert!(
            order.len() >= 3 && order.windows(2).all(|w| w[0] < w[1]),
            "{order:?}"
        );
        assert!(
            page.text.contains("dòng đầu"),
            "groups say they show their first rows"
        );
    }
);
