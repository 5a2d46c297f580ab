//! `/api/v1/saved-views`: favourites through the API, with the search bar's rules.

use super::*;

story!(
    favourites_through_the_api_are_private_or_shared,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let an = member(&c, "an@sen.vn", "salesperson").await;
        let made = c
            .post(
                "/api/v1/saved-views",
                json!({"name": "Mở theo giai đoạn", "page": "opportunities", "query": "?chip=open&group=stage", "shared": true, "is_default": true}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let v = made.json();
        assert_eq!(
            (&v["query"], &v["url"], &v["is_default"]),
            (
                &json!("chip=open&group=stage"),
                &json!("/opportunities?chip=open&group=stage"),
                &json!(true)
            )
        );
        let id = v["id"].as_i64().unwrap();
        // The bare page opens the default view.
        let bare = c.get("/opportunities").await;
        assert_eq!(
            bare.headers[header::LOCATION],
            "/opportunities?chip=open&group=stage"
        );
        // A colleague sees the shared view but may not change or delete it.
        assert_eq!(
            an.get("/api/v1/saved-views?page=opportunities")
                .await
                .json()["total"],
            1
        );
        let path = format!("/api/v1/saved-views/{id}");
        assert_eq!(
            an.send(Method::PATCH, &path, Some(json!({"name": "Của tôi"})))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            an.send(Method::DELETE, &path, None).await.status,
            StatusCode::FORBIDDEN
        );
        // Unshared, it disappears for the colleague.
        let private = c
            .send(
                Method::PATCH,
                &path,
                Some(json!({"shared": false, "is_default": false})),
            )
            .await;
        assert_eq!(private.status, StatusCode::OK, "{}", private.text);
        assert_eq!(private.json()["is_default"], false);
        assert_eq!(an.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(an.get("/api/v1/saved-views").await.json()["total"], 0);
        // Bad input names the fields and saves nothing.
        let bad = c
            .post(
                "/api/v1/saved-views",
                json!({"name": " ", "page": "calendar", "query": "a b"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), vec!["name", "page", "query"]);
        let wrong_type = c
            .post("/api/v1/saved-views", json!({"name": 5, "page": "leads"}))
            .await;
        assert_eq!(wrong_type.error_fields(), vec!["name"]);
        assert_eq!(c.get("/api/v1/saved-views").await.json()["total"], 1);
        let odd = c.get("/api/v1/saved-views?page=calendar&page=x").await;
        assert_eq!(
            (odd.status, odd.error_fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["page".to_string()])
        );
        assert_eq!(
            c.send(Method::DELETE, &path, None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
    }
);
