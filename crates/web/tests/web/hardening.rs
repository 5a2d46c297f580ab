//! Issue #7 part 6: hostile `q`, `filter`, `sort` and `group_by` on every list, board and
//! report are refused with problem+json or taken literally, never a server error; known
//! XSS payloads leave nothing active in a note; the security headers are on every answer,
//! HSTS only over TLS.

use super::*;

/// Strings that break naive SQL, parsers, encoders or stacks.
fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "' OR '1'='1",
        "'; DROP TABLE leads; --",
        "\" OR \"\"=\"",
        "1) OR (1=1",
        "name = \"x\" OR 1=1 --",
        "name = 'x'",
        "%",
        "_",
        "\\",
        "\\%\\_",
        "%00",
        "\u{0}",
        "ﾊﾝｶｸ Nguyễn 阮 🦀 \u{202e}",
        "$1",
        "?1",
        "name ~ '.*'",
        "id = 1; SELECT pg_sleep(10)",
        "id in ()",
        "id in (1,",
        "((((",
        "))))",
        "name =",
        "= = =",
        "created_at >= \"99999-99-99\"",
        "revenue > 1e309",
        "not not not not",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("(".repeat(15_000));
    v.push(format!(
        "{}name = \"x\"{}",
        "(".repeat(5_000),
        ")".repeat(5_000)
    ));
    v.push("a".repeat(50_000));
    v.push("nguyen ".repeat(5_000));
    v.push(format!("id in ({})", vec!["1"; 5_000].join(",")));
    v
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn assert_refused_or_answered(c: &Client, url: &str) {
    let a = c.get(url).await;
    let shown: String = url.chars().take(120).collect();
    assert!(a.status.as_u16() < 500, "{shown}: {} {}", a.status, a.text);
    let page_refusal = url.starts_with("/leads") && a.status == StatusCode::BAD_REQUEST;
    assert!(
        a.status == StatusCode::OK || a.is_problem() || page_refusal,
        "{shown}: {} {}",
        a.status,
        a.text.chars().take(300).collect::<String>()
    );
}

story!(
    hostile_q_filter_sort_and_group_by_are_refused_or_taken_literally_everywhere,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        for name in ["Nguyễn Văn An", "' OR '1'='1", "100% đúng_hạn"] {
            let a = c
                .post(
                    "/api/v1/leads",
                    json!({"name": name, "type": "opportunity"}),
                )
                .await;
            assert_eq!(a.status, StatusCode::CREATED);
        }
        let lists = [
            "/api/v1/leads?",
            "/api/v1/contacts?",
            "/api/v1/board?",
            "/api/v1/reports/pipeline?group_by=stage&",
            "/leads/export.csv?",
            "/leads?",
        ];
        for list in lists {
            assert_eq!(c.get(list).await.status, StatusCode::OK, "{list}");
        }
        for s in hostile() {
            let e = encode(&s);
            for list in lists {
                for param in ["q", "filter", "sort"] {
                    assert_refused_or_answered(&c, &format!("{list}{param}={e}")).await;
                }
            }
            assert_refused_or_answered(&c, &format!("/api/v1/reports/pipeline?group_by={e}")).await;
            assert_refused_or_answered(&c, &format!("/api/v1/reports/pipeline?measures={e}")).await;
        }
        // Bytes that are not UTF-8 at all.
        for raw in ["%FF", "%C3%28", "%ED%A0%80", "%F8%88%80%80%80"] {
            for list in lists {
                for param in ["q", "filter", "sort"] {
                    assert_refused_or_answered(&c, &format!("{list}{param}={raw}")).await;
                }
            }
        }
        // Taken literally: the quote-laden name is found as text, nothing more.
        let found = c
            .get(&format!("/api/v1/leads?q={}", encode("' OR '1'='1")))
            .await
            .json();
        assert_eq!(found["total"], 1, "{found}");
        let all = c.get("/api/v1/leads").await.json();
        assert_eq!(all["total"], 3, "nothing was dropped or added");
        let nested = c
            .get(&format!(
                "/api/v1/leads?filter={}",
                encode(&"(".repeat(15_000))
            ))
            .await;
        assert_eq!(nested.status, StatusCode::BAD_REQUEST);
        assert_eq!(nested.error_fields(), vec!["filter"]);
    }
);

/// Payloads from the usual XSS filter-evasion lists.
const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"behavior:url(x.htc)\">x</p>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "\"><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    "<img src=\"x` `<script>alert(1)</script>\"` `>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<b onmouseover=alert(1)>bold</b>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
];

/// Nothing in the cleaned HTML can run or load anything (`sen_domain::markup`).
fn assert_inert(html: &str, payload: &str) {
    if let Some(active) = sen_domain::markup::active_markup(html) {
        panic!("{payload} → {html}: {active}");
    }
}

story!(
    known_xss_payloads_leave_nothing_active_in_a_note,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let lead = c
            .post(
                "/api/v1/leads",
                json!({"name": "Khách", "type": "opportunity"}),
            )
            .await
            .json();
        let id = lead["id"].as_i64().unwrap();
        for payload in XSS {
            let a = c
                .post(
                    &format!("/api/v1/records/lead/{id}/notes"),
                    json!({"body": format!("<p>xin chào</p>{payload}")}),
                )
                .await;
            if a.status == StatusCode::UNPROCESSABLE_ENTITY {
                // Nothing left to post once cleaned: refused, which is also safe.
                continue;
            }
            assert_eq!(a.status, StatusCode::CREATED, "{payload}: {}", a.text);
            assert_inert(a.json()["body"].as_str().unwrap_or_default(), payload);
        }
        let page = c.get(&format!("/leads/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.text.contains("alert(1)</script>"));
        assert!(!page.text.to_lowercase().contains("onerror=alert"));
    }
);

story!(
    security_headers_are_on_every_answer_and_hsts_only_over_tls,
    |db: Db| async move {
        let mut c = Client::new(db.clone());
        c.setup().await;
        for path in [
            "/leads",
            "/api/v1/leads",
            "/assets/sen.js",
            "/no-such-page",
            "/login",
        ] {
            let h = c.get(path).await.headers;
            let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            let script_src = csp
                .split(';')
                .find(|d| d.trim().starts_with("script-src"))
                .unwrap();
            assert!(!script_src.contains("unsafe"), "{path}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}");
            assert!(csp.contains("object-src 'none'"), "{path}");
            assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
            assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{path}");
            assert!(
                h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
                "{path}: HSTS over plain HTTP"
            );
        }
        let behind_tls = c
            .raw(
                c.request(Method::GET, "/login")
                    .header("x-forwarded-proto", "https")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(
            behind_tls.headers[header::STRICT_TRANSPORT_SECURITY]
                .to_str()
                .unwrap()
                .starts_with("max-age=")
        );
        let secure = Client {
            router: sen_web::router(App::new(db), true),
            cookie: None,
            csrf: None,
            bearer: None,
        };
        let h = secure.get("/login").await.headers;
        assert!(h.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }
);

story!(
    a_pipeline_without_stages_and_an_unreadable_date_are_named_in_the_error,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let p = c
            .post(
                "/api/v1/pipelines",
                json!({"name": "Trống", "kind": "lead", "stages": []}),
            )
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
        let id = p.json()["id"].as_i64().unwrap();
        let lead = c
            .post("/api/v1/leads", json!({"name": "x", "pipeline_id": id}))
            .await;
        assert_eq!(
            lead.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            lead.text
        );
        assert_eq!(lead.error_fields(), vec!["pipeline_id"]);
        let import = c
            .raw(
                c.request(
                    Method::POST,
                    &format!("/api/v1/leads/import?pipeline_id={id}"),
                )
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from("Tên\nAn\n"))
                .unwrap(),
            )
            .await;
        assert_eq!(
            import.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            import.text
        );
        assert!(import.text.contains("no stages"), "{}", import.text);
        let bad_date = c
            .post("/api/v1/leads", json!({"name": "x", "due_date": ""}))
            .await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_date.error_fields(), vec!["due_date"]);
        assert!(!bad_date.text.contains("premature"), "{}", bad_date.text);
    }
);
