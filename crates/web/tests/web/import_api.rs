//! Importing leads from CSV over HTTP: the raw-body API and the page's multipart form.

use super::*;

fn csv_request(c: &Client, path: &str, body: &'static str) -> Request<Body> {
    c.request(Method::POST, path)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body))
        .unwrap()
}

story!(
    leads_are_imported_from_a_csv_body_and_bad_rows_are_named,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let file = "name,contact_name,email,expected_revenue,currency\n\
                    Áo thun 200 cái,Mike,mike@sen.tw,78000,TWD\n\
                    Linda Wu làm tóc,Linda Wu,linda@wu.tw,,\n";
        let checked = c
            .raw(csv_request(
                &c,
                "/api/v1/leads/import?dry_run=true&type=opportunity",
                file,
            ))
            .await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
        let v = checked.json();
        assert_eq!(
            (v["rows"].as_i64(), v["created"].as_i64()),
            (Some(2), Some(0))
        );
        assert_eq!(
            v["columns"][2],
            json!({"header": "email", "field": "email"})
        );
        assert_eq!(
            v["preview"][0]["expected_revenue"],
            json!({"amount": "78000.00", "currency": "TWD"})
        );
        assert_eq!(c.get("/api/v1/leads").await.json()["total"], 0);

        let done = c
            .raw(csv_request(
                &c,
                "/api/v1/leads/import?type=opportunity",
                file,
            ))
            .await;
        assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
        assert_eq!(done.json()["created"], 2);
        let listed = c.get("/api/v1/leads?q=linda").await.json();
        assert_eq!(listed["items"][0]["type"], "opportunity");
        assert_eq!(listed["items"][0]["email"], "linda@wu.tw");

        let bad = c
            .raw(csv_request(
                &c,
                "/api/v1/leads/import",
                "name,email\nOK,ok@sen.vn\nX,not-mail\n",
            ))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["rows[3].email"]);
        assert_eq!(
            c.get("/api/v1/leads").await.json()["total"],
            2,
            "nothing half-imported"
        );
        let bad = c
            .raw(csv_request(
                &c,
                "/api/v1/leads/import?columns=name,shoe_size",
                "a,b\nx,y\n",
            ))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["columns"]);
        let bad = c
            .raw(csv_request(
                &c,
                "/api/v1/leads/import?dry_run=maybe",
                "name\nx\n",
            ))
            .await;
        assert_eq!(bad.error_fields(), ["dry_run"]);
    }
);

story!(
    the_import_page_checks_then_imports_a_multipart_upload,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let page = c.get("/leads/import").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("id=\"import-file\""));
        let multipart = |dry_run: &str, file: &str| {
            let b = "sen-boundary";
            let body = format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nlead\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n{dry_run}\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leads.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
                 --{b}--\r\n"
            );
            c.request(Method::POST, "/leads/import")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={b}"),
                )
                .header("hx-request", "true")
                .body(Body::from(body))
                .unwrap()
        };
        let checked = c
            .raw(multipart("true", "Tên,Email\nChị Lan,lan@sen.vn\n"))
            .await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.text);
        assert!(
            checked.text.contains("id=\"import-ready\""),
            "{}",
            checked.text
        );
        assert!(checked.text.contains("name=\"col_1\""));
        assert!(checked.text.contains("Chị Lan"));
        let refused = c.raw(multipart("false", "Tên,Email\nChị Lan,lan@\n")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text.contains("Dòng 2"), "{}", refused.text);
        let done = c
            .raw(multipart("false", "Tên,Email\nChị Lan,lan@sen.vn\n"))
            .await;
        assert!(done.text.contains("id=\"import-done\""), "{}", done.text);
        assert_eq!(c.get("/api/v1/leads?q=lan").await.json()["total"], 1);
    }
);

story!(
    a_search_counts_up_to_a_thousand_matches_and_says_when_there_are_more,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let mut file = String::from("name,contact_name\n");
        for i in 1..=1005 {
            file.push_str(&format!("Lead {i},Nguyễn Khách {i}\n"));
        }
        file.push_str("Other,Trần Bình\n");
        let req = c
            .request(Method::POST, "/api/v1/leads/import")
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(file))
            .unwrap();
        assert_eq!(c.raw(req).await.status, StatusCode::CREATED);
        let many = c.get("/api/v1/leads?q=nguyen&limit=80").await.json();
        assert_eq!(
            (many["total"].as_i64(), many["total_capped"].as_bool()),
            (Some(1000), Some(true))
        );
        assert_eq!(many["items"].as_array().map(Vec::len), Some(80));
        assert_eq!(many["items"][0]["name"], "Lead 1005", "newest first");
        let few = c.get("/api/v1/leads?q=tran").await.json();
        assert_eq!(
            (few["total"].as_i64(), few["total_capped"].as_bool()),
            (Some(1), Some(false))
        );
        let all = c.get("/api/v1/leads?limit=5").await.json();
        assert_eq!(
            (all["total"].as_i64(), all["total_capped"].as_bool()),
            (Some(1006), Some(false))
        );
        let page = c.get("/leads?q=nguyen").await;
        assert!(
            page.text.contains("Hơn 1000 bản ghi") || page.text.contains("Hơn 1.000 bản ghi"),
            "the list says there are more"
        );
    }
);

story!(
    salespeople_may_not_import_and_do_not_see_the_import_page,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let seller = member(&c, "ban@sen.vn", "salesperson").await;
        let refused = seller
            .raw(csv_request(&seller, "/api/v1/leads/import", "name\nx\n"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.is_problem());
        assert_eq!(
            seller.get("/leads/import").await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            !seller
                .get("/leads")
                .await
                .text
                .contains("href=\"/leads/import\"")
        );
        assert!(
            c.get("/leads")
                .await
                .text
                .contains("href=\"/leads/import\"")
        );
        assert_eq!(seller.get("/api/v1/leads").await.json()["total"], 0);
    }
);
