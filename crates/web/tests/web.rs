//! HTTP tests through the real router, for the JSON API and the pages, on SQLite and
//! PostgreSQL.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use sen_app::App;
use sen_store::{Db, story};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Client {
    router: Router,
    cookie: Option<String>,
    csrf: Option<String>,
    bearer: Option<String>,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
    fn is_problem(&self) -> bool {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            == Some("application/problem+json")
    }
    /// The problem's `errors` map keys.
    fn error_fields(&self) -> Vec<String> {
        assert!(
            self.is_problem(),
            "not a problem: {} {}",
            self.status,
            self.text
        );
        self.json()["errors"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
}

impl Client {
    fn new(db: Db) -> Self {
        Self::with_app(App::new(db))
    }

    fn with_app(app: App) -> Self {
        Client {
            router: sen_web::router(app, false),
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    async fn raw(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = to_bytes(res.into_body(), 8 * 1024 * 1024).await.unwrap();
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost");
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, format!("sen_session={c}"));
        }
        if let Some(t) = &self.csrf {
            b = b.header("x-csrf-token", t);
        }
        if let Some(t) = &self.bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let b = self.request(method, path);
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        };
        self.raw(req.unwrap()).await
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    async fn form(&self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let req = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.raw(req).await
    }

    /// Sets the workspace up through the API and keeps the admin's session.
    async fn setup(&mut self) -> Value {
        let a = self.post("/api/v1/setup", setup_body()).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        self.take_session(&a);
        a.json()
    }

    fn take_session(&mut self, a: &Answer) {
        let cookie = a
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        self.cookie = Some(
            cookie
                .split(';')
                .next()
                .unwrap()
                .trim_start_matches("sen_session=")
                .to_string(),
        );
        self.csrf = a.json()["csrf_token"].as_str().map(String::from);
    }
}

fn setup_body() -> Value {
    json!({"workspace_name": "Sen Việt", "language": "vi", "currency": "VND", "time_zone": "Asia/Ho_Chi_Minh",
           "admin": {"name": "Phạm Thu Chi", "email": "chi@sen.vn", "password": "mat-khau-dai"}})
}

story!(setup_answers_201_then_409, |db: Db| async move {
    let mut c = Client::new(db);
    let body = c.setup().await;
    assert_eq!(body["user"]["role"], "admin");
    let again = c.post("/api/v1/setup", setup_body()).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.is_problem());
    let me = c.get("/api/v1/me").await;
    assert_eq!(me.json()["email"], "chi@sen.vn");
    assert!(
        me.json()
            .as_object()
            .unwrap()
            .contains_key("calendar_feed_url")
    );
});

story!(
    contact_bodies_are_checked_field_by_field,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let a = c.post("/api/v1/contacts", json!({})).await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_string()])
        );
        let a = c.post("/api/v1/contacts", json!({"name": "  "})).await;
        assert_eq!(a.error_fields(), vec!["name"]);
        let a = c
            .post(
                "/api/v1/contacts",
                json!({"name": "An", "email": "an.example.com"}),
            )
            .await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["email".to_string()])
        );
        let a = c.post("/api/v1/contacts", json!({"name": 5})).await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_string()])
        );
        let a = c
            .post(
                "/api/v1/contacts",
                json!({"name": "An", "nickname": "x", "fax": 1}),
            )
            .await;
        assert_eq!(
            (a.status, a.error_fields()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["fax".to_string(), "nickname".to_string()]
            )
        );
        let raw = c
            .request(Method::POST, "/api/v1/contacts")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"name\": "))
            .unwrap();
        let a = c.raw(raw).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.is_problem());
        let huge = json!({"name": "x".repeat(2 * 1024 * 1024)});
        let a = c.post("/api/v1/contacts", huge).await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(a.is_problem());
        let list = c.get("/api/v1/contacts").await.json();
        assert_eq!(list["total"], 0, "no bad input was half-written");
    }
);

story!(
    contacts_round_trip_with_location_duplicates_and_versions,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let a = c
            .post(
                "/api/v1/contacts",
                json!({"name": "Nguyễn Văn An", "phone": "+84 912 345 678", "city": "Hà Nội"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let id = a.json()["id"].as_i64().unwrap();
        assert_eq!(
            a.headers[header::LOCATION],
            format!("/api/v1/contacts/{id}")
        );
        assert_eq!(a.json()["duplicates"], json!([]));
        let b = c
            .post(
                "/api/v1/contacts",
                json!({"name": "An (mobile)", "mobile": "0912.345.678"}),
            )
            .await;
        assert_eq!(b.json()["duplicates"][0]["id"], id);
        assert_eq!(b.json()["duplicates"][0]["reason"], "phone");

        let found = c.get("/api/v1/contacts?q=nguyen%20van%20an").await.json();
        assert_eq!(found["total"], 1);
        assert_eq!(found["items"][0]["name"], "Nguyễn Văn An");

        let ok = c
            .send(
                Method::PATCH,
                &format!("/api/v1/contacts/{id}"),
                Some(json!({"version": 1, "city": null, "job_position": "Giám đốc"})),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert_eq!(ok.json()["city"], Value::Null);
        assert_eq!(ok.json()["version"], 2);
        let stale = c
            .send(
                Method::PATCH,
                &format!("/api/v1/contacts/{id}"),
                Some(json!({"version": 1, "city": "Huế"})),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json()["current"]["version"], 2);
        assert_eq!(stale.json()["current"]["job_position"], "Giám đốc");
        let no_version = c
            .send(
                Method::PATCH,
                &format!("/api/v1/contacts/{id}"),
                Some(json!({"city": "Huế"})),
            )
            .await;
        assert_eq!(no_version.error_fields(), vec!["version"]);

        let archived = c
            .post(&format!("/api/v1/contacts/{id}/archive"), json!({}))
            .await;
        assert!(archived.json()["archived_at"].is_string());
        assert_eq!(c.get("/api/v1/contacts").await.json()["total"], 1);
        assert_eq!(
            c.get("/api/v1/contacts?filter=archived").await.json()["total"],
            1
        );
        assert_eq!(
            c.post(&format!("/api/v1/contacts/{id}/restore"), json!({}))
                .await
                .json()["archived_at"],
            Value::Null
        );
        assert_eq!(
            c.send(Method::DELETE, &format!("/api/v1/contacts/{id}"), None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            c.get(&format!("/api/v1/contacts/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/api/v1/contacts/not-a-number").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/api/v1/contacts/999999").await.status,
            StatusCode::NOT_FOUND
        );
    }
);

story!(
    list_parameters_answer_400_naming_the_bad_part,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let a = c.get("/api/v1/contacts?filter=foo%20%3D%201").await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(
            a.json()["errors"]["filter"][0]
                .as_str()
                .unwrap()
                .contains("`foo`"),
            "{}",
            a.text
        );
        let a = c.get("/api/v1/contacts?filter=name%20%3D%20").await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(
            a.json()["errors"]["filter"][0]
                .as_str()
                .unwrap()
                .contains("position"),
            "{}",
            a.text
        );
        let a = c
            .get("/api/v1/contacts?filter=name%20%3D%20%22x%22%20or")
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        let a = c.get("/api/v1/contacts?sort=password").await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::BAD_REQUEST, vec!["sort".to_string()])
        );
        let a = c.get("/api/v1/contacts?limit=100000").await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::BAD_REQUEST, vec!["limit".to_string()])
        );
        let a = c.get("/api/v1/contacts?limit=abc").await;
        assert_eq!(
            (a.status, a.error_fields()),
            (StatusCode::BAD_REQUEST, vec!["limit".to_string()])
        );
        let deep = format!("/api/v1/contacts?filter={}", "(".repeat(5000));
        assert_eq!(c.get(&deep).await.status, StatusCode::BAD_REQUEST);
        for q in [
            "%25",
            "_",
            "%27%3B%20DROP%20TABLE%20contacts%3B%20--",
            "%5C",
        ] {
            let a = c.get(&format!("/api/v1/contacts?q={q}")).await;
            assert_eq!(
                (a.status, a.json()["total"].as_i64()),
                (StatusCode::OK, Some(0)),
                "q={q}"
            );
        }
        c.post("/api/v1/contacts", json!({"name": "100% Cotton"}))
            .await;
        c.post("/api/v1/contacts", json!({"name": "1000 Cotton"}))
            .await;
        let a = c.get("/api/v1/contacts?q=100%25").await.json();
        assert_eq!(a["total"], 1);
        let page = c
            .get("/api/v1/contacts?limit=1&sort=-created_at")
            .await
            .json();
        assert_eq!(page["items"][0]["name"], "1000 Cotton");
        let next = page["next_cursor"].as_str().unwrap().to_string();
        let page2 = c
            .get(&format!(
                "/api/v1/contacts?limit=1&sort=-created_at&cursor={next}"
            ))
            .await
            .json();
        assert_eq!(page2["items"][0]["name"], "100% Cotton");
        assert_eq!(page2["next_cursor"], Value::Null);
    }
);

story!(
    cookie_requests_need_the_csrf_token_and_same_origin,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let good = c.csrf.take();
        let a = c.post("/api/v1/contacts", json!({"name": "X"})).await;
        assert_eq!(
            (a.status, a.json()["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("csrf"))
        );
        c.csrf = Some("wrong".into());
        assert_eq!(
            c.post("/api/v1/contacts", json!({"name": "X"}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        c.csrf = good;
        let req = c
            .request(Method::POST, "/api/v1/contacts")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"name\":\"X\"}"))
            .unwrap();
        assert_eq!(c.raw(req).await.status, StatusCode::FORBIDDEN);
        let req = c
            .request(Method::POST, "/api/v1/contacts")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"name\":\"X\"}"))
            .unwrap();
        assert_eq!(c.raw(req).await.status, StatusCode::FORBIDDEN);
        // Reads need no token.
        assert_eq!(c.get("/api/v1/contacts").await.status, StatusCode::OK);
        assert_eq!(
            c.post("/api/v1/contacts", json!({"name": "X"}))
                .await
                .status,
            StatusCode::CREATED
        );
    }
);

story!(
    bearer_tokens_work_without_csrf_until_revoked,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let t = c
            .post("/api/v1/api-tokens", json!({"name": "script"}))
            .await;
        assert_eq!(t.status, StatusCode::CREATED);
        let (id, secret) = (
            t.json()["id"].as_i64().unwrap(),
            t.json()["token"].as_str().unwrap().to_string(),
        );
        let listed = c.get("/api/v1/api-tokens").await;
        assert!(
            !listed.text.contains(&secret),
            "the secret is shown once only"
        );
        let script = Client {
            router: c.router.clone(),
            cookie: None,
            csrf: None,
            bearer: Some(secret.clone()),
        };
        assert_eq!(
            script
                .post("/api/v1/contacts", json!({"name": "From a script"}))
                .await
                .status,
            StatusCode::CREATED
        );
        assert_eq!(
            c.send(Method::DELETE, &format!("/api/v1/api-tokens/{id}"), None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        let a = script.get("/api/v1/contacts").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(a.is_problem());
        let anon = Client {
            router: c.router.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
        };
        assert_eq!(
            anon.get("/api/v1/contacts").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
);

story!(login_logout_and_ten_wrong_passwords, |db: Db| async move {
    let mut c = Client::new(db);
    c.setup().await;
    let mut anon = Client {
        router: c.router.clone(),
        cookie: None,
        csrf: None,
        bearer: None,
    };
    let ok = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "chi@sen.vn", "password": "mat-khau-dai"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    anon.take_session(&ok);
    assert_eq!(
        anon.post("/api/v1/auth/logout", json!({})).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        anon.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(
            anon.post(
                "/api/v1/auth/login",
                json!({"email": "chi@sen.vn", "password": "wrong-password"}),
            )
            .await,
        );
    }
    assert_eq!(statuses[0].status, StatusCode::UNAUTHORIZED);
    let last = statuses.last().unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.headers.contains_key(header::RETRY_AFTER));
});

story!(users_api_is_for_admins, |db: Db| async move {
    let mut c = Client::new(db);
    c.setup().await;
    let u = c.post("/api/v1/users", json!({"name": "An", "email": "an@sen.vn", "password": "password-1", "role": "salesperson"})).await;
    assert_eq!(u.status, StatusCode::CREATED, "{}", u.text);
    let bad = c
        .post(
            "/api/v1/users",
            json!({"name": "B", "email": "b@sen.vn", "password": "password-1", "role": "king"}),
        )
        .await;
    assert_eq!(bad.error_fields(), vec!["role"]);
    let mut an = Client {
        router: c.router.clone(),
        cookie: None,
        csrf: None,
        bearer: None,
    };
    let s = an
        .post(
            "/api/v1/auth/login",
            json!({"email": "an@sen.vn", "password": "password-1"}),
        )
        .await;
    an.take_session(&s);
    assert_eq!(an.get("/api/v1/users").await.status, StatusCode::FORBIDDEN);
    let me = an
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"language": "zh-TW", "time_zone": "Asia/Taipei"})),
        )
        .await;
    assert_eq!(me.json()["language"], "zh-TW");
    let id = u.json()["id"].as_i64().unwrap();
    let p = c
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(json!({"role": "manager"})),
        )
        .await;
    assert_eq!(p.json()["role"], "manager");
    assert_eq!(c.get("/api/v1/users").await.json()["total"], 2);
});

story!(health_readiness_and_metrics_answer, |db: Db| async move {
    let c = Client::new(db);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let m = c.get("/metrics").await;
    assert!(m.text.contains("http_requests_total"), "{}", m.text);
    assert!(m.text.contains("route=\"/readyz\""));
});

story!(
    hostile_input_never_causes_a_server_error,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let bodies = [
            json!({"name": "nul\u{0}inside", "notes": "\u{0}"}),
            json!({"name": "🦀 \u{202e}RTL\u{202c} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "city": "ﾊﾝｶｸ"}),
            json!({"name": "x".repeat(201)}),
            json!({"name": "ok", "tag_ids": [1, 2, 3], "company_id": -1, "owner_id": 9_223_372_036_854_775_807_i64}),
            json!({"name": "ok", "tag_ids": "not a list"}),
            json!({"name": ["a"]}),
            json!([1, 2, 3]),
            json!("just a string"),
            json!({"name": "ok", "email": "a@b.c\u{0}"}),
        ];
        for b in bodies {
            let a = c.post("/api/v1/contacts", b.clone()).await;
            assert!(a.status.as_u16() < 500, "{b}: {} {}", a.status, a.text);
            assert!(
                a.status == StatusCode::CREATED || a.is_problem(),
                "{b}: {}",
                a.text
            );
        }
        let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let req = c
            .request(Method::POST, "/api/v1/contacts")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(nested))
            .unwrap();
        assert_eq!(c.raw(req).await.status, StatusCode::BAD_REQUEST);
        let bad_utf8 = c
            .request(Method::POST, "/api/v1/contacts")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(vec![b'{', 0xff, 0xfe, b'}']))
            .unwrap();
        assert_eq!(c.raw(bad_utf8).await.status, StatusCode::BAD_REQUEST);
        let queries = [
            "q=%00",
            "q=%F0%9F%A6%80",
            "q=%25%25%25",
            "filter=name%20%3D%20%22%00%22",
            "filter=name%20contains%20%22%5C%25%22",
            "sort=-",
            "sort=,,,",
            "limit=-1",
            "limit=99999999999999999999",
            "cursor=%00",
            "cursor=W10",
            "filter=created_at%20%3E%3D%20%2299999-01-01%22",
            "filter=id%20%3D%2099999999999999999999",
            "filter=tags%20has%20%22%27%3B--%22",
        ];
        for q in queries {
            let a = c.get(&format!("/api/v1/contacts?{q}")).await;
            assert!(a.status.as_u16() < 500, "{q}: {} {}", a.status, a.text);
            assert!(
                a.status == StatusCode::OK || a.is_problem(),
                "{q}: {}",
                a.text
            );
        }
        let a = c
            .send(Method::PUT, "/api/v1/contacts", Some(json!({})))
            .await;
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(a.is_problem());
    }
);

story!(a_company_page_lists_its_people, |db: Db| async move {
    let mut c = Client::new(db);
    c.setup().await;
    let co = c
        .post(
            "/api/v1/contacts",
            json!({"name": "高雄織品股份有限公司", "is_company": true}),
        )
        .await
        .json();
    let person =
        json!({"name": "Mike Lin 林麥克", "company_id": co["id"], "job_position": "Owner"});
    assert_eq!(
        c.post("/api/v1/contacts", person).await.status,
        StatusCode::CREATED
    );
    let page = c.get(&format!("/contacts/{}", co["id"])).await;
    assert!(page.text.contains("class=\"card people\""));
    assert!(page.text.contains("Mike Lin 林麥克"));
    let check = c
        .get("/contacts/check?name=mike%20lin%20%E6%9E%97%E9%BA%A5%E5%85%8B")
        .await;
    assert!(check.text.contains("Mike Lin 林麥克") && !check.text.contains("<html"));
    assert!(
        !c.get("/contacts/check?name=Nobody")
            .await
            .text
            .contains("duplicates")
    );
    let not_company = c
        .post("/api/v1/contacts", json!({"name": "X", "company_id": 999}))
        .await;
    assert_eq!(not_company.error_fields(), vec!["company_id"]);
});

/// A second, signed-in client with the given role.
async fn member(admin: &Client, email: &str, role: &str) -> Client {
    let body = json!({"name": email, "email": email, "password": "password-123", "role": role});
    assert_eq!(
        admin.post("/api/v1/users", body).await.status,
        StatusCode::CREATED
    );
    let mut c = Client {
        router: admin.router.clone(),
        cookie: None,
        csrf: None,
        bearer: None,
    };
    let s = c
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": "password-123"}),
        )
        .await;
    c.take_session(&s);
    c
}

story!(
    a_new_workspace_has_the_default_pipelines_in_its_language,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let list = c.get("/api/v1/pipelines").await.json();
        assert_eq!(list["total"], 2);
        let deal = &list["items"][0];
        assert_eq!(
            (deal["kind"].as_str(), deal["number_prefix"].as_str()),
            (Some("deal"), Some("D-"))
        );
        let names: Vec<&str> = deal["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Mới", "Đã xác định", "Đề xuất", "Thành công"]);
        assert_eq!(deal["stages"][3]["is_won"], true);
        let lead = &list["items"][1];
        assert_eq!(lead["kind"], "lead");
        assert_eq!(lead["stages"].as_array().unwrap().len(), 2);
    }
);

story!(
    teams_pipelines_and_stages_are_configured_by_managers,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        let an_id = sales.get("/api/v1/me").await.json()["id"].clone();
        let team = c
            .post(
                "/api/v1/teams",
                json!({"name": "Hà Nội", "leader_id": 1, "member_ids": [an_id, an_id]}),
            )
            .await;
        assert_eq!(team.status, StatusCode::CREATED, "{}", team.text);
        assert_eq!(team.json()["member_ids"], json!([an_id]));
        let tid = team.json()["id"].as_i64().unwrap();
        assert_eq!(
            sales
                .post("/api/v1/teams", json!({"name": "X"}))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(sales.get("/api/v1/teams").await.json()["total"], 1);
        let bad_team = c
            .post("/api/v1/teams", json!({"name": "", "member_ids": [424242]}))
            .await;
        assert_eq!(bad_team.error_fields(), vec!["member_ids", "name"]);

        let p = c.post("/api/v1/pipelines", json!({"name": "Tuyển sinh", "kind": "deal", "number_prefix": "TS-", "team_ids": [tid],
        "stages": [{"name": "Tiếp nhận", "probability": 10}, {"name": "Tư vấn", "probability": 40, "required_fields": ["expected_revenue"]},
                   {"name": "Nhập học", "probability": 100, "is_won": true}]})).await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
        let pid = p.json()["id"].as_i64().unwrap();
        let stage_ids: Vec<i64> = p.json()["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            p.json()["stages"][1]["required_fields"],
            json!(["expected_revenue"])
        );
        let bad = c
            .post(
                "/api/v1/pipelines",
                json!({"name": "X", "kind": "project", "team_ids": [999]}),
            )
            .await;
        assert_eq!(bad.error_fields(), vec!["kind"]);
        let bad = c
            .post(
                "/api/v1/pipelines",
                json!({"name": "X", "stages": [{"name": "A", "probability": 101}]}),
            )
            .await;
        assert_eq!(bad.error_fields(), vec!["stages[0].probability"]);

        let added = c
            .post(
                &format!("/api/v1/pipelines/{pid}/stages"),
                json!({"name": "Học bổng", "probability": 80, "stale_after_days": 14}),
            )
            .await;
        assert_eq!(added.status, StatusCode::CREATED);
        let new_id = added.json()["id"].as_i64().unwrap();
        assert_eq!(added.json()["sequence"], 4);
        let order = vec![stage_ids[0], stage_ids[1], new_id, stage_ids[2]];
        let r = c
            .post(
                &format!("/api/v1/pipelines/{pid}/stages/reorder"),
                json!({"stage_ids": order}),
            )
            .await;
        let got: Vec<i64> = r.json()["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert_eq!(got, order);
        let missing = c
            .post(
                &format!("/api/v1/pipelines/{pid}/stages/reorder"),
                json!({"stage_ids": [stage_ids[0]]}),
            )
            .await;
        assert_eq!(missing.error_fields(), vec!["stage_ids"]);

        let st = c.get(&format!("/api/v1/stages/{new_id}")).await.json();
        let too_high = c
            .send(
                Method::PATCH,
                &format!("/api/v1/stages/{new_id}"),
                Some(json!({"version": st["version"], "probability": 101})),
            )
            .await;
        assert_eq!(too_high.error_fields(), vec!["probability"]);
        let neg = c
            .send(
                Method::PATCH,
                &format!("/api/v1/stages/{new_id}"),
                Some(json!({"version": st["version"], "probability": -1})),
            )
            .await;
        assert_eq!(neg.error_fields(), vec!["probability"]);
        let ok = c
            .send(
                Method::PATCH,
                &format!("/api/v1/stages/{new_id}"),
                Some(json!({"version": st["version"], "folded": true, "stale_after_days": null})),
            )
            .await;
        assert_eq!(
            (
                ok.json()["folded"].as_bool(),
                ok.json()["stale_after_days"].is_null()
            ),
            (Some(true), true)
        );
        let stale = c
            .send(
                Method::PATCH,
                &format!("/api/v1/stages/{new_id}"),
                Some(json!({"version": st["version"], "name": "Old"})),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json()["current"]["folded"], true);

        let wrong_target = c
            .send(
                Method::DELETE,
                &format!("/api/v1/stages/{new_id}?target_stage_id={new_id}"),
                None,
            )
            .await;
        assert_eq!(wrong_target.error_fields(), vec!["target_stage_id"]);
        let default_deal = c.get("/api/v1/pipelines").await.json()["items"][0]["stages"][0]["id"]
            .as_i64()
            .unwrap();
        let foreign = c
            .send(
                Method::DELETE,
                &format!("/api/v1/stages/{new_id}?target_stage_id={default_deal}"),
                None,
            )
            .await;
        assert_eq!(foreign.error_fields(), vec!["target_stage_id"]);
        assert_eq!(
            c.send(
                Method::DELETE,
                &format!("/api/v1/stages/{new_id}?target_stage_id={}", stage_ids[0]),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            c.get(&format!("/api/v1/pipelines/{pid}/stages"))
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            3
        );

        let pv = c.get(&format!("/api/v1/pipelines/{pid}")).await.json()["version"].clone();
        let renamed = c
            .send(
                Method::PATCH,
                &format!("/api/v1/pipelines/{pid}"),
                Some(
                    json!({"version": pv, "name": "Tuyển sinh 2027", "lost_reason_required": true}),
                ),
            )
            .await;
        assert_eq!(
            (
                renamed.json()["name"].as_str(),
                renamed.json()["lost_reason_required"].as_bool()
            ),
            (Some("Tuyển sinh 2027"), Some(true))
        );
        assert_eq!(
            sales
                .send(Method::DELETE, &format!("/api/v1/pipelines/{pid}"), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            c.send(Method::DELETE, &format!("/api/v1/pipelines/{pid}"), None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        let lead_pipeline = c.get("/api/v1/pipelines").await.json()["items"][1]["id"]
            .as_i64()
            .unwrap();
        assert_eq!(
            c.send(
                Method::DELETE,
                &format!("/api/v1/pipelines/{lead_pipeline}"),
                None
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            c.send(Method::DELETE, &format!("/api/v1/teams/{tid}"), None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
    }
);

story!(
    lookups_are_kept_by_managers_and_tags_by_anyone,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        for path in [
            "/api/v1/lost-reasons",
            "/api/v1/sources",
            "/api/v1/mediums",
            "/api/v1/campaigns",
        ] {
            let a = c.post(path, json!({"name": "Zalo OA"})).await;
            assert_eq!(a.status, StatusCode::CREATED, "{path}: {}", a.text);
            assert_eq!(
                c.post(path, json!({"name": "Zalo OA"}))
                    .await
                    .error_fields(),
                vec!["name"],
                "{path} names are unique"
            );
            assert_eq!(
                sales.post(path, json!({"name": "Facebook"})).await.status,
                StatusCode::FORBIDDEN
            );
            assert_eq!(sales.get(path).await.json()["total"], 1);
        }
        let reason = c
            .post(
                "/api/v1/lost-reasons",
                json!({"name": "Giá quá cao", "applies_to": "deal"}),
            )
            .await
            .json();
        assert_eq!(reason["applies_to"], "deal");
        assert_eq!(
            c.post(
                "/api/v1/lost-reasons",
                json!({"name": "X", "applies_to": "both-ish"})
            )
            .await
            .error_fields(),
            vec!["applies_to"]
        );
        let tag = sales
            .post("/api/v1/tags", json!({"name": "VIP", "color": 3}))
            .await;
        assert_eq!(tag.status, StatusCode::CREATED);
        assert_eq!(
            c.post(
                "/api/v1/tags",
                json!({"name": "Too colourful", "color": 12})
            )
            .await
            .error_fields(),
            vec!["color"]
        );
        let id = tag.json()["id"].as_i64().unwrap();
        assert_eq!(
            sales
                .send(Method::DELETE, &format!("/api/v1/tags/{id}"), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let off = c
            .send(
                Method::PATCH,
                &format!("/api/v1/tags/{id}"),
                Some(json!({"version": 1, "active": false})),
            )
            .await;
        assert_eq!(
            (off.json()["active"].as_bool(), off.json()["color"].as_i64()),
            (Some(false), Some(3))
        );
        assert_eq!(
            c.send(Method::DELETE, &format!("/api/v1/tags/{id}"), None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            c.get(&format!("/api/v1/tags/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

story!(
    leads_through_the_api_with_money_stages_and_outcomes,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let mike = c.post("/api/v1/leads", json!({"type": "opportunity", "name": "Mike orders 200 T-shirts",
        "expected_revenue": {"amount": "78000", "currency": "VND"}, "priority": 2, "contact_name": "Mike Lin"})).await;
        assert_eq!(mike.status, StatusCode::CREATED, "{}", mike.text);
        let m = mike.json();
        assert_eq!(
            m["expected_revenue"],
            json!({"amount": "78000", "currency": "VND"})
        );
        assert_eq!(
            m["weighted_revenue"],
            json!({"amount": "7800", "currency": "VND"}),
            "78000 × 10 %"
        );
        assert_eq!(
            (
                m["type"].as_str(),
                m["number"].as_str(),
                m["outcome"].as_str()
            ),
            (Some("opportunity"), Some("D-1"), Some("open"))
        );
        let id = m["id"].as_i64().unwrap();
        assert_eq!(
            mike.headers[header::LOCATION],
            format!("/api/v1/leads/{id}")
        );

        for (body, field) in [
            (
                json!({"name": "x", "expected_revenue": {"amount": "abc", "currency": "VND"}}),
                "expected_revenue",
            ),
            (
                json!({"name": "x", "expected_revenue": {"amount": "-5", "currency": "VND"}}),
                "expected_revenue",
            ),
            (
                json!({"name": "x", "expected_revenue": {"amount": "5", "currency": "XYZ"}}),
                "expected_revenue",
            ),
            (json!({"name": "x", "probability": 101}), "probability"),
            (json!({"name": "x", "probability": -1}), "probability"),
            (json!({"name": "x", "type": "deal"}), "type"),
            (json!({"name": "x", "pipeline_id": 9999}), "pipeline_id"),
            (json!({"name": "x", "user_id": 9999}), "user_id"),
            (json!({"name": "x", "team_id": 9999}), "team_id"),
            (
                json!({"name": "x", "expected_closing": "tomorrow"}),
                "expected_closing",
            ),
        ] {
            let a = c.post("/api/v1/leads", body.clone()).await;
            assert_eq!(
                (a.status, a.error_fields()),
                (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_string()]),
                "{body}"
            );
        }

        let pipelines = c.get("/api/v1/pipelines").await.json();
        let deal = &pipelines["items"][0];
        let (qualified, won) = (
            deal["stages"][1]["id"].as_i64().unwrap(),
            deal["stages"][3]["id"].as_i64().unwrap(),
        );
        let moved = c
            .send(
                Method::PATCH,
                &format!("/api/v1/leads/{id}"),
                Some(json!({"version": 1, "stage_id": qualified})),
            )
            .await;
        assert_eq!(
            moved.json()["probability"],
            deal["stages"][1]["probability"]
        );
        let stale = c
            .send(
                Method::PATCH,
                &format!("/api/v1/leads/{id}"),
                Some(json!({"version": 1, "priority": 3})),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json()["current"]["stage_id"], qualified);
        let lead_stage = pipelines["items"][1]["stages"][0]["id"].as_i64().unwrap();
        let foreign = c
            .send(
                Method::PATCH,
                &format!("/api/v1/leads/{id}"),
                Some(json!({"version": 2, "stage_id": lead_stage})),
            )
            .await;
        assert_eq!(foreign.error_fields(), vec!["stage_id"]);

        let won_lead = c
            .post(&format!("/api/v1/leads/{id}/won"), json!({}))
            .await
            .json();
        assert_eq!(
            (won_lead["outcome"].as_str(), won_lead["stage_id"].as_i64()),
            (Some("won"), Some(won))
        );
        assert_eq!(
            c.post(&format!("/api/v1/leads/{id}/lost"), json!({}))
                .await
                .status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            c.post(&format!("/api/v1/leads/{id}/reopen"), json!({}))
                .await
                .json()["outcome"],
            "open"
        );
        let lost = c
            .post(
                &format!("/api/v1/leads/{id}/lost"),
                json!({"feedback": "Giá cao"}),
            )
            .await
            .json();
        assert_eq!(
            (lost["outcome"].as_str(), lost["feedback"].as_str()),
            (Some("lost"), Some("Giá cao"))
        );
        let timeline = c
            .get(&format!("/api/v1/records/lead/{id}/timeline?limit=2"))
            .await
            .json();
        assert_eq!(timeline["items"].as_array().unwrap().len(), 2);
        assert_eq!(timeline["items"][0]["field"], "feedback");
        let next = timeline["next_cursor"].as_str().unwrap().to_string();
        let older = c
            .get(&format!(
                "/api/v1/records/lead/{id}/timeline?limit=50&cursor={next}"
            ))
            .await
            .json();
        assert_eq!(
            older["items"].as_array().unwrap().last().unwrap()["field"],
            "created"
        );
        assert_eq!(
            c.get(&format!("/api/v1/records/planet/{id}/timeline"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        let archived = c
            .post(&format!("/api/v1/leads/{id}/archive"), json!({}))
            .await;
        assert!(archived.json()["archived_at"].is_string());
        assert_eq!(c.get("/api/v1/leads").await.json()["total"], 0);
        assert_eq!(
            c.get("/api/v1/leads?filter=archived").await.json()["total"],
            1
        );
        c.post(&format!("/api/v1/leads/{id}/restore"), json!({}))
            .await;

        let sales = member(&c, "an@sen.vn", "salesperson").await;
        assert_eq!(
            sales.get(&format!("/api/v1/leads/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "a colleague's deal is invisible"
        );
        let walk_in = c
            .post(
                "/api/v1/leads",
                json!({"name": "Walk-in", "user_id": null, "email": "walk@in.vn"}),
            )
            .await
            .json();
        assert_eq!(
            sales
                .get(&format!("/api/v1/leads/{}", walk_in["id"]))
                .await
                .status,
            StatusCode::OK,
            "unassigned ones are visible"
        );
        let dup = c
            .post(
                "/api/v1/leads",
                json!({"name": "Walk-in again", "email": "WALK@in.vn"}),
            )
            .await
            .json();
        assert_eq!(dup["duplicates"][0]["reason"], "email");
        assert_eq!(
            sales
                .send(
                    Method::DELETE,
                    &format!("/api/v1/leads/{}", walk_in["id"]),
                    None
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            c.send(
                Method::DELETE,
                &format!("/api/v1/leads/{}", walk_in["id"]),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        let filtered = c.get("/api/v1/leads?filter=expected_revenue%20%3E%3D%2050000%20and%20type%20%3D%20%22opportunity%22").await.json();
        assert_eq!(filtered["total"], 1);
    }
);

story!(
    converting_and_merging_through_the_api,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let linda = c.post("/api/v1/leads", json!({"name": "Linda Wu", "company_name": "客戶關係管理有限公司", "contact_name": "吳琳達 Linda Wu",
        "email": "linda@crm.tw"})).await.json();
        let twin = c
            .post(
                "/api/v1/leads",
                json!({"name": "Linda (LINE)", "email": "LINDA@crm.tw", "priority": 3}),
            )
            .await
            .json();
        assert_eq!(twin["duplicates"][0]["id"], linda["id"]);
        let id = linda["id"].as_i64().unwrap();
        let bad = c
            .post(
                &format!("/api/v1/leads/{id}/convert"),
                json!({"action": "merge"}),
            )
            .await;
        assert_eq!(bad.error_fields(), vec!["merge_with"]);
        let bad = c
            .post(
                &format!("/api/v1/leads/{id}/convert"),
                json!({"customer": {"mode": "link"}}),
            )
            .await;
        assert_eq!(bad.error_fields(), vec!["customer.contact_id"]);
        let opp = c.post(&format!("/api/v1/leads/{id}/convert"), json!({"action": "merge", "merge_with": [twin["id"]], "customer": {"mode": "create"}})).await;
        assert_eq!(opp.status, StatusCode::OK, "{}", opp.text);
        let o = opp.json();
        assert_eq!(
            (
                o["type"].as_str(),
                o["number"].as_str(),
                o["priority"].as_i64()
            ),
            (Some("opportunity"), Some("D-1"), Some(3))
        );
        assert!(o["converted_at"].is_string() && o["contact_id"].is_i64());
        assert_eq!(
            c.get(&format!("/api/v1/leads/{}", twin["id"])).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.post(&format!("/api/v1/leads/{id}/convert"), json!({}))
                .await
                .status,
            StatusCode::CONFLICT
        );

        let a = c.post("/api/v1/leads", json!({"name": "A"})).await.json()["id"].clone();
        let b = c
            .post("/api/v1/leads", json!({"name": "B", "city": "Huế"}))
            .await
            .json()["id"]
            .clone();
        assert_eq!(
            c.post("/api/v1/leads/merge", json!({"ids": [a]}))
                .await
                .error_fields(),
            vec!["ids"]
        );
        assert_eq!(
            c.post("/api/v1/leads/merge", json!({"ids": [a, a]}))
                .await
                .error_fields(),
            vec!["ids"]
        );
        let merged = c
            .post("/api/v1/leads/merge", json!({"ids": [a, b], "keep_id": a}))
            .await
            .json();
        assert_eq!(
            (merged["id"].clone(), merged["city"].as_str()),
            (a, Some("Huế"))
        );
    }
);

story!(the_board_answers_in_one_call, |db: Db| async move {
    let mut c = Client::new(db);
    c.setup().await;
    for (name, amount) in [("A", "78000"), ("B", "22000")] {
        let body = json!({"type": "opportunity", "name": name, "expected_revenue": {"amount": amount, "currency": "VND"}, "probability": 50});
        assert_eq!(
            c.post("/api/v1/leads", body).await.status,
            StatusCode::CREATED
        );
    }
    let b = c.get("/api/v1/board?per_stage=1").await.json();
    assert_eq!(b["pipeline"]["kind"], "deal");
    let first = &b["stages"][0];
    assert_eq!(first["count"], 2);
    assert_eq!(
        first["expected_revenue"],
        json!({"amount": "100000", "currency": "VND"})
    );
    assert_eq!(
        first["weighted_revenue"],
        json!({"amount": "50000", "currency": "VND"})
    );
    assert_eq!(
        first["activity"],
        json!({"overdue": 0, "today": 0, "planned": 0})
    );
    assert_eq!(first["cards"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_str().unwrap();
    let stage = first["stage"]["id"].as_i64().unwrap();
    let more = c
        .get(&format!(
            "/api/v1/board?per_stage=1&stage_id={stage}&cursor={cursor}"
        ))
        .await
        .json();
    assert_eq!(more["stages"][0]["cards"].as_array().unwrap().len(), 1);
    assert_eq!(more["stages"][0]["next_cursor"], Value::Null);
    assert_eq!(
        c.get("/api/v1/board?per_stage=0").await.error_fields(),
        vec!["per_stage"]
    );
    assert_eq!(
        c.get("/api/v1/board?pipeline_id=abc").await.error_fields(),
        vec!["pipeline_id"]
    );
    assert_eq!(
        c.get("/api/v1/board?filter=bogus%20%3D%201")
            .await
            .error_fields(),
        vec!["filter"]
    );
    let filtered = c.get("/api/v1/board?q=a").await.json();
    assert_eq!(filtered["stages"][0]["count"], 1);
});

story!(
    bulk_actions_answer_per_id_and_never_stop_at_a_refusal,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        let an_id = sales.get("/api/v1/me").await.json()["id"].clone();
        let mine = sales
            .post("/api/v1/leads", json!({"name": "Mine"}))
            .await
            .json()["id"]
            .clone();
        let boss = c
            .post("/api/v1/leads", json!({"name": "Boss's"}))
            .await
            .json()["id"]
            .clone();
        let free = c
            .post("/api/v1/leads", json!({"name": "Free", "user_id": null}))
            .await
            .json()["id"]
            .clone();
        let tag = c.post("/api/v1/tags", json!({"name": "VIP"})).await.json()["id"].clone();
        let r = sales
            .post(
                "/api/v1/leads/bulk",
                json!({"ids": [mine, boss, free, 424242], "action": "tag", "tag_id": tag}),
            )
            .await
            .json();
        let statuses: Vec<i64> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["status"].as_i64().unwrap())
            .collect();
        assert_eq!(statuses, vec![200, 404, 200, 404]);
        assert_eq!(
            (r["succeeded"].as_i64(), r["failed"].as_i64()),
            (Some(2), Some(2))
        );
        assert_eq!(
            c.get(&format!("/api/v1/leads/{free}")).await.json()["tag_ids"],
            json!([tag])
        );
        let assigned = c
            .post(
                "/api/v1/leads/bulk",
                json!({"ids": [free], "action": "assign", "user_id": an_id}),
            )
            .await
            .json();
        assert_eq!(assigned["succeeded"], 1);
        assert_eq!(
            c.get(&format!("/api/v1/leads/{free}")).await.json()["user_id"],
            an_id
        );
        let del = sales
            .post(
                "/api/v1/leads/bulk",
                json!({"ids": [mine], "action": "delete"}),
            )
            .await
            .json();
        assert_eq!(del["results"][0]["status"], 403);
        let too_many: Vec<i64> = (1..=1001).collect();
        assert_eq!(
            c.post(
                "/api/v1/leads/bulk",
                json!({"ids": too_many, "action": "archive"})
            )
            .await
            .error_fields(),
            vec!["ids"]
        );
        assert_eq!(
            c.post(
                "/api/v1/leads/bulk",
                json!({"ids": [1], "action": "explode"})
            )
            .await
            .error_fields(),
            vec!["action"]
        );
        assert_eq!(
            c.post("/api/v1/leads/bulk", json!({"ids": [1], "action": "stage"}))
                .await
                .error_fields(),
            vec!["stage_id"]
        );
    }
);

/// Reads server-sent events until one of `kind` arrives (5 s at most).
async fn next_event(body: &mut Body, kind: &str) -> Value {
    use http_body_util::BodyExt;
    let mut buf = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("an event in time")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            buf.push_str(&String::from_utf8_lossy(&data));
        }
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.contains(&format!("event: {kind}")) {
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("null");
                return serde_json::from_str(data).unwrap();
            }
        }
    }
}

story!(
    the_event_stream_tells_each_user_the_changes_they_may_see,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        let req = sales
            .request(Method::GET, "/api/v1/events")
            .body(Body::empty())
            .unwrap();
        let res = sales.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let mut body = res.into_body();
        let boss_id = c.get("/api/v1/me").await.json()["id"].clone();
        c.post(
            "/api/v1/leads",
            json!({"name": "Boss's secret deal", "type": "opportunity", "user_id": boss_id}),
        )
        .await;
        let mine = sales
            .post(
                "/api/v1/leads",
                json!({"name": "Mine", "type": "opportunity"}),
            )
            .await
            .json();
        let event = next_event(&mut body, "lead.created").await;
        assert_eq!(
            event["record_id"], mine["id"],
            "the boss's deal is not told to a salesperson"
        );
        assert_eq!(event["stage_id"], mine["stage_id"]);
        c.send(
            Method::DELETE,
            &format!("/api/v1/leads/{}", mine["id"]),
            None,
        )
        .await;
        let gone = next_event(&mut body, "lead.deleted").await;
        assert_eq!(gone["record_id"], mine["id"]);
    }
);

story!(review_findings_stay_fixed, |db: Db| async move {
    let mut c = Client::new(db);
    c.setup().await;
    let vip = c.post("/api/v1/tags", json!({"name": "VIP"})).await.json()["id"].clone();
    let a = c
        .post(
            "/api/v1/leads",
            json!({"name": "Tagged", "tag_ids": [vip], "company_name": "Sen Việt",
        "expected_revenue": {"amount": "78000", "currency": "VND"}}),
        )
        .await
        .json();
    let tagged = c.get("/api/v1/leads?filter=tags%20has%20%22VIP%22").await;
    assert_eq!(
        (tagged.status, tagged.json()["total"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{}",
        tagged.text
    );
    let board = c.get("/api/v1/board?filter=tags%20has%20%22VIP%22").await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.text);
    let inlist = c
        .get("/api/v1/leads?filter=expected_revenue%20in%20%5B78000%2C%201%5D")
        .await;
    assert_eq!(
        (inlist.status, inlist.json()["total"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{}",
        inlist.text
    );
    let archived = c
        .get("/api/v1/leads?filter=archived%20in%20%5Bfalse%5D")
        .await;
    assert_eq!(
        (archived.status, archived.json()["total"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{}",
        archived.text
    );
    // Same company only: reported as "company".
    let same_co = c
        .post(
            "/api/v1/leads",
            json!({"name": "Another need", "company_name": "SEN VIỆT"}),
        )
        .await
        .json();
    assert_eq!(same_co["duplicates"][0]["reason"], "company");
    // A deleted record's id and history are never given to a new one.
    let gone = c
        .post("/api/v1/leads", json!({"name": "Short-lived"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    c.send(Method::DELETE, &format!("/api/v1/leads/{gone}"), None)
        .await;
    let next = c.post("/api/v1/leads", json!({"name": "New"})).await.json()["id"]
        .as_i64()
        .unwrap();
    assert!(next > gone);
    let t = c
        .get(&format!("/api/v1/records/lead/{next}/timeline"))
        .await
        .json();
    assert_eq!(t["items"].as_array().unwrap().len(), 1);
    // A prefix change that would repeat a number answers 409, not 500.
    let pipelines = c.get("/api/v1/pipelines").await.json();
    let lead_p = &pipelines["items"][1];
    let pid = lead_p["id"].as_i64().unwrap();
    c.send(
        Method::PATCH,
        &format!("/api/v1/pipelines/{pid}"),
        Some(json!({"version": lead_p["version"], "number_prefix": "L"})),
    )
    .await;
    for _ in 0..12 {
        let r = c.post("/api/v1/leads", json!({"name": "n"})).await;
        assert!(
            r.status == StatusCode::CREATED || r.status == StatusCode::CONFLICT,
            "{}",
            r.text
        );
    }
    let _ = a;
    let huge: Vec<i64> = (1..40_000).collect();
    let r = c
        .post("/api/v1/leads", json!({"name": "x", "tag_ids": huge}))
        .await;
    assert_eq!(r.error_fields(), vec!["tag_ids"]);
});

story!(
    other_currencies_count_on_the_board_at_the_rate_an_admin_sets,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        c.post("/api/v1/leads", json!({"type": "opportunity", "name": "VN", "expected_revenue": {"amount": "1000000", "currency": "VND"}, "probability": 100})).await;
        c.post("/api/v1/leads", json!({"type": "opportunity", "name": "US", "expected_revenue": {"amount": "100", "currency": "USD"}, "probability": 50})).await;
        let before = c.get("/api/v1/board").await.json();
        assert_eq!(before["stages"][0]["expected_revenue"]["amount"], "1000000");
        assert_eq!(
            before["stages"][0]["other_currencies"][0]["expected_revenue"],
            json!({"amount": "100.00", "currency": "USD"})
        );
        let set = c
            .send(
                Method::PUT,
                "/api/v1/currency-rates/USD",
                Some(json!({"rate": "25400"})),
            )
            .await;
        assert_eq!(
            (set.status, set.json()["rate"].as_str()),
            (StatusCode::OK, Some("25400")),
            "{}",
            set.text
        );
        let after = c.get("/api/v1/board").await.json();
        assert_eq!(
            after["stages"][0]["expected_revenue"]["amount"], "3540000",
            "1,000,000 + 100 × 25,400"
        );
        assert_eq!(
            after["stages"][0]["weighted_revenue"]["amount"], "2270000",
            "1,000,000 + 50 × 25,400"
        );
        assert_eq!(after["stages"][0]["other_currencies"], json!([]));
        assert_eq!(
            c.send(
                Method::PUT,
                "/api/v1/currency-rates/VND",
                Some(json!({"rate": "1"}))
            )
            .await
            .error_fields(),
            vec!["currency"]
        );
        assert_eq!(
            c.send(
                Method::PUT,
                "/api/v1/currency-rates/XYZ",
                Some(json!({"rate": "1"}))
            )
            .await
            .error_fields(),
            vec!["currency"]
        );
        assert_eq!(
            c.send(
                Method::PUT,
                "/api/v1/currency-rates/EUR",
                Some(json!({"rate": "-2"}))
            )
            .await
            .error_fields(),
            vec!["rate"]
        );
        let sales = member(&c, "an@sen.vn", "salesperson").await;
        assert_eq!(
            sales
                .send(
                    Method::PUT,
                    "/api/v1/currency-rates/EUR",
                    Some(json!({"rate": "27000"}))
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            c.send(Method::DELETE, "/api/v1/currency-rates/USD", None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            c.get("/api/v1/currency-rates").await.json()["items"],
            json!([])
        );
    }
);

const API_ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/activity-types"),
    ("post", "/api/v1/activity-types"),
    ("get", "/api/v1/activity-types/{id}"),
    ("patch", "/api/v1/activity-types/{id}"),
    ("delete", "/api/v1/activity-types/{id}"),
    ("get", "/api/v1/activities"),
    ("post", "/api/v1/activities"),
    ("get", "/api/v1/activities/{id}"),
    ("patch", "/api/v1/activities/{id}"),
    ("delete", "/api/v1/activities/{id}"),
    ("post", "/api/v1/activities/{id}/done"),
    ("post", "/api/v1/records/{type}/{id}/notes"),
    ("get", "/api/v1/records/{type}/{id}/attachments"),
    ("post", "/api/v1/records/{type}/{id}/attachments"),
    ("get", "/api/v1/attachments/{id}"),
    ("delete", "/api/v1/attachments/{id}"),
    ("post", "/api/v1/records/{type}/{id}/messages"),
    ("get", "/api/v1/followers"),
    ("post", "/api/v1/followers"),
    ("delete", "/api/v1/followers"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/{id}/read"),
    ("post", "/api/v1/notifications/read-all"),
    ("get", "/api/v1/meetings"),
    ("post", "/api/v1/meetings"),
    ("get", "/api/v1/meetings/{id}"),
    ("patch", "/api/v1/meetings/{id}"),
    ("delete", "/api/v1/meetings/{id}"),
    ("post", "/api/v1/meetings/{id}/answer"),
    ("get", "/api/v1/meetings/{id}/ics"),
    ("get", "/api/v1/calendar.ics"),
    ("delete", "/api/v1/me/calendar-feed"),
    ("get", "/api/v1/reports/pipeline"),
    ("get", "/api/v1/mails"),
    ("get", "/api/v1/settings/mail"),
    ("put", "/api/v1/settings/mail"),
    ("get", "/api/v1/jobs"),
    ("post", "/api/v1/jobs/{id}/retry"),
    ("get", "/api/v1/saved-views"),
    ("post", "/api/v1/saved-views"),
    ("get", "/api/v1/saved-views/{id}"),
    ("patch", "/api/v1/saved-views/{id}"),
    ("delete", "/api/v1/saved-views/{id}"),
    ("post", "/api/v1/setup"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("get", "/api/v1/api-tokens"),
    ("post", "/api/v1/api-tokens"),
    ("delete", "/api/v1/api-tokens/{id}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("get", "/api/v1/contacts"),
    ("post", "/api/v1/contacts"),
    ("get", "/api/v1/contacts/{id}"),
    ("patch", "/api/v1/contacts/{id}"),
    ("delete", "/api/v1/contacts/{id}"),
    ("post", "/api/v1/contacts/{id}/archive"),
    ("post", "/api/v1/contacts/{id}/restore"),
    ("get", "/api/v1/contacts/{id}/duplicates"),
    ("get", "/api/v1/leads"),
    ("post", "/api/v1/leads"),
    ("get", "/api/v1/leads/{id}"),
    ("patch", "/api/v1/leads/{id}"),
    ("delete", "/api/v1/leads/{id}"),
    ("post", "/api/v1/leads/{id}/won"),
    ("post", "/api/v1/leads/{id}/lost"),
    ("post", "/api/v1/leads/{id}/unqualified"),
    ("post", "/api/v1/leads/{id}/reopen"),
    ("post", "/api/v1/leads/{id}/archive"),
    ("post", "/api/v1/leads/{id}/restore"),
    ("get", "/api/v1/leads/{id}/duplicates"),
    ("post", "/api/v1/leads/{id}/convert"),
    ("post", "/api/v1/leads/merge"),
    ("get", "/api/v1/board"),
    ("post", "/api/v1/leads/bulk"),
    ("post", "/api/v1/leads/import"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/currency-rates"),
    ("put", "/api/v1/currency-rates/{currency}"),
    ("delete", "/api/v1/currency-rates/{currency}"),
    ("get", "/api/v1/records/{type}/{id}/timeline"),
    ("get", "/api/v1/teams"),
    ("post", "/api/v1/teams"),
    ("get", "/api/v1/teams/{id}"),
    ("patch", "/api/v1/teams/{id}"),
    ("delete", "/api/v1/teams/{id}"),
    ("get", "/api/v1/pipelines"),
    ("post", "/api/v1/pipelines"),
    ("get", "/api/v1/pipelines/{id}"),
    ("patch", "/api/v1/pipelines/{id}"),
    ("delete", "/api/v1/pipelines/{id}"),
    ("get", "/api/v1/pipelines/{id}/stages"),
    ("post", "/api/v1/pipelines/{id}/stages"),
    ("post", "/api/v1/pipelines/{id}/stages/reorder"),
    ("get", "/api/v1/stages/{id}"),
    ("patch", "/api/v1/stages/{id}"),
    ("delete", "/api/v1/stages/{id}"),
    ("get", "/api/v1/tags"),
    ("post", "/api/v1/tags"),
    ("get", "/api/v1/tags/{id}"),
    ("patch", "/api/v1/tags/{id}"),
    ("delete", "/api/v1/tags/{id}"),
    ("get", "/api/v1/lost-reasons"),
    ("post", "/api/v1/lost-reasons"),
    ("get", "/api/v1/lost-reasons/{id}"),
    ("patch", "/api/v1/lost-reasons/{id}"),
    ("delete", "/api/v1/lost-reasons/{id}"),
    ("get", "/api/v1/sources"),
    ("post", "/api/v1/sources"),
    ("get", "/api/v1/sources/{id}"),
    ("patch", "/api/v1/sources/{id}"),
    ("delete", "/api/v1/sources/{id}"),
    ("get", "/api/v1/mediums"),
    ("post", "/api/v1/mediums"),
    ("get", "/api/v1/mediums/{id}"),
    ("patch", "/api/v1/mediums/{id}"),
    ("delete", "/api/v1/mediums/{id}"),
    ("get", "/api/v1/campaigns"),
    ("post", "/api/v1/campaigns"),
    ("get", "/api/v1/campaigns/{id}"),
    ("patch", "/api/v1/campaigns/{id}"),
    ("delete", "/api/v1/campaigns/{id}"),
    ("get", "/api/v1/workspace/export"),
];

story!(
    openapi_describes_every_route_with_its_errors,
    |db: Db| async move {
        let c = Client::new(db);
        let doc = c.get("/api/openapi.json").await.json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = doc["paths"].as_object().unwrap();
        for (method, path) in API_ROUTES {
            let op = &paths.get(*path).unwrap_or_else(|| panic!("{path} missing"))[*method];
            assert!(op.is_object(), "{method} {path} missing");
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
        }
        let count: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(
            count,
            API_ROUTES.len(),
            "every documented route is known to this test"
        );
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                // Errors are documented as what they are: application/problem+json.
                for (status, answer) in op["responses"].as_object().unwrap() {
                    if let Some(content) = answer["content"]
                        .as_object()
                        .filter(|_| status >= &"400".to_string())
                    {
                        assert!(
                            content.keys().all(|k| k == "application/problem+json"),
                            "{method} {path} {status}: {:?}",
                            content.keys()
                        );
                    }
                }
                // A parameter said to be in the path is in the path's template.
                for p in op["parameters"].as_array().into_iter().flatten() {
                    if p["in"] == "path" {
                        let name = p["name"].as_str().unwrap();
                        assert!(
                            path.contains(&format!("{{{name}}}")),
                            "{method} {path}: {name} is a query parameter"
                        );
                    }
                }
                // Whatever reads a JSON body documents what the body reader answers.
                if op["requestBody"]["content"]
                    .get("application/json")
                    .is_some()
                {
                    for status in ["400", "413", "415", "422"] {
                        assert!(
                            op["responses"].get(status).is_some(),
                            "{method} {path} lacks {status}"
                        );
                    }
                }
            }
        }
        // Every documented route really exists: none answers "no such route".
        for (method, path) in API_ROUTES {
            let real = path
                .replace("{id}", "1")
                .replace("{type}", "lead")
                .replace("{currency}", "USD");
            let a = c
                .send(method.to_uppercase().parse().unwrap(), &real, None)
                .await;
            assert_ne!(a.json()["code"], "no_route", "{method} {path}");
            assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
);

story!(pages_walk_from_setup_to_a_contact, |db: Db| async move {
    let mut c = Client::new(db);
    let home = c.get("/").await;
    assert_eq!(home.headers[header::LOCATION], "/setup");
    let req = c
        .request(Method::GET, "/setup")
        .header(header::ACCEPT_LANGUAGE, "vi-VN,vi;q=0.9")
        .body(Body::empty())
        .unwrap();
    let page = c.raw(req).await;
    assert!(page.text.contains("lang=\"vi\""));
    assert!(
        page.text.contains("Tạo không gian làm việc") || page.text.contains("không gian"),
        "setup page in Vietnamese"
    );
    let bad = c
        .form(
            "/setup",
            &[
                ("workspace_name", ""),
                ("language", "vi"),
                ("currency", "VND"),
                ("time_zone", "Asia/Ho_Chi_Minh"),
                ("name", "Chi"),
                ("email", "x"),
                ("password", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("field-error"));
    let done = c
        .form(
            "/setup",
            &[
                ("workspace_name", "Sen"),
                ("language", "vi"),
                ("currency", "VND"),
                ("time_zone", "Asia/Ho_Chi_Minh"),
                ("name", "Chi"),
                ("email", "chi@sen.vn"),
                ("password", "mat-khau-dai"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let cookie = done.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sen_session=")
        .to_string();
    c.cookie = Some(cookie);
    let list = c.get("/contacts").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.text.contains("Danh bạ") || list.text.contains("Liên hệ"),
        "contacts page in Vietnamese"
    );
    let csrf = list
        .text
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // A form post without the token is refused.
    assert_eq!(
        c.form("/contacts/new", &[("name", "Linda Wu")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let created = c
        .form(
            "/contacts/new",
            &[
                ("_csrf", &csrf),
                ("name", "Linda Wu"),
                ("email", "linda@crm.tw"),
                ("owner_id", ""),
                ("new_tags", "VIP, Khách sỉ"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let at = created.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let id: i64 = at
        .trim_start_matches("/contacts/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let shown = c.get(&at).await;
    assert!(shown.text.contains("linda@crm.tw"));
    assert_eq!(
        shown.text.matches("checked> VIP").count()
            + shown.text.matches("checked> Khách sỉ").count(),
        2
    );

    // htmx asks for the rows only.
    let req = c
        .request(Method::GET, "/contacts?q=linda")
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let frag = c.raw(req).await;
    assert!(!frag.text.contains("<html"));
    assert!(frag.text.contains("Linda Wu"));

    // An edit based on an old version shows the conflict and keeps the typed values.
    let path = format!("/contacts/{id}");
    let first = c
        .form(
            &path,
            &[
                ("_csrf", &csrf),
                ("version", "1"),
                ("name", "Linda Wu"),
                ("city", "Taipei"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = c
        .form(
            &path,
            &[
                ("_csrf", &csrf),
                ("version", "1"),
                ("name", "Linda Wu"),
                ("city", "Kaohsiung"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.text.contains("Taipei") && second.text.contains("Kaohsiung"));
    assert!(second.text.contains("name=\"version\" value=\"2\""));

    // Archive, restore and delete from the page's buttons.
    let archived = c
        .form(&format!("{path}/archive"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(
        archived.headers[header::LOCATION],
        format!("{path}?archived=1")
    );
    assert!(c.get(&path).await.text.contains("badge-muted"));
    let restored = c
        .form(&format!("{path}/restore"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(
        restored.headers[header::LOCATION],
        format!("{path}?restored=1")
    );
    assert_eq!(
        c.form(&format!("{path}/explode"), &[("_csrf", &csrf)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.form(&format!("{path}/delete"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let deleted = c.form(&format!("{path}/delete"), &[("_csrf", &csrf)]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
});

story!(
    pages_need_a_session_and_answer_unknown_paths_with_a_page,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let anon = Client {
            router: c.router.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
        };
        let a = anon.get("/contacts").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert!(
            a.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login?next=")
        );
        let missing = c.get("/no-such-page").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.text.contains("<html"));
        let api = c.get("/api/v1/no-such-thing").await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert!(api.is_problem());
        let page = c.get("/contacts/424242").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        for p in ["/users", "/profile", "/contacts/new"] {
            assert_eq!(c.get(p).await.status, StatusCode::OK, "{p}");
        }
        let headers = c.get("/contacts").await.headers;
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'")
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
);

#[test]
fn every_catalog_has_every_message_and_every_used_key_exists() {
    let i18n = sen_web::i18n::I18n::load();
    let mut en = i18n.message_ids("en");
    en.sort();
    for lang in ["vi", "zh-TW"] {
        let mut other = i18n.message_ids(lang);
        other.sort();
        assert_eq!(other, en, "{lang} differs from en");
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = std::collections::BTreeSet::new();
    let mut dirs = vec![root.join("templates"), root.join("src/views")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in ["t(\"", "t1(\"", "n(\""] {
                for part in text.split(call).skip(1) {
                    used.insert(part.split('"').next().unwrap().to_string());
                }
            }
        }
    }
    let missing: Vec<_> = used
        .iter()
        .filter(|k| {
            k.contains('-')
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .filter(|k| !i18n.has("en", k))
        .collect();
    assert!(missing.is_empty(), "keys used but missing: {missing:?}");
}

#[path = "web/settings_pages.rs"]
mod settings_pages;

#[path = "web/grouped_lists.rs"]
mod grouped_lists;

#[test]
fn rule_messages_are_shown_in_the_readers_language() {
    use sen_domain::errors::Invalid;
    let i18n = sen_web::i18n::I18n::load();
    let nan = Invalid::Message("not a number".into());
    assert_eq!(i18n.invalid("vi", &nan), "Nhập một con số, VD: 78.000.");
    assert_eq!(i18n.invalid("zh-TW", &nan), "請輸入數字，例如 78,000。");
    let int = Invalid::Type {
        expected: "integer".into(),
    };
    assert_eq!(i18n.invalid("vi", &int), "Nhập một số nguyên.");
    // A message the catalogs do not know stays as the rule wrote it.
    let other = Invalid::Message("something new".into());
    assert_eq!(i18n.invalid("vi", &other), "something new");
}

#[path = "web/lead_pages.rs"]
mod lead_pages;

#[path = "web/saved_views_api.rs"]
mod saved_views_api;

#[path = "web/activities_api.rs"]
mod activities_api;

// The app tests' SMTP server, shared; this binary uses only part of it.
#[allow(dead_code)]
#[path = "../../app/tests/app/smtp_server.rs"]
mod smtp_server;

#[path = "web/messaging_api.rs"]
mod messaging_api;

#[path = "web/meetings_api.rs"]
mod meetings_api;

#[path = "web/reports_api.rs"]
mod reports_api;

#[path = "web/import_api.rs"]
mod import_api;

#[path = "web/hardening.rs"]
mod hardening;

#[path = "web/access_matrix.rs"]
mod access_matrix;

#[path = "web/concurrency_api.rs"]
mod concurrency_api;

#[path = "web/backup_pages.rs"]
mod backup_pages;
