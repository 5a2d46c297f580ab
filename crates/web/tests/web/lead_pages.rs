//! The record form reads amounts the way people type them in their language.

use super::*;

story!(
    the_record_form_reads_amounts_as_people_type_them,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        let csrf = c.csrf.clone().unwrap();
        let made = c
            .form(
                "/leads/new",
                &[
                    ("_csrf", &csrf),
                    ("type", "opportunity"),
                    ("name", "Mike đặt 200 áo thun"),
                    ("expected_revenue", "78.000"),
                    ("currency", "VND"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
        let id = made.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let lead = c.get(&format!("/api/v1/leads/{id}")).await.json();
        assert_eq!(
            lead["expected_revenue"],
            json!({"amount": "78000", "currency": "VND"})
        );
        let before = c.get("/api/v1/leads").await.json()["total"].clone();
        let bad = c
            .form(
                "/leads/new",
                &[
                    ("_csrf", &csrf),
                    ("type", "opportunity"),
                    ("name", "Sai số tiền"),
                    ("expected_revenue", "78k"),
                    ("currency", "VND"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("Nhập một con số"), "{}", bad.text);
        assert!(
            bad.text.contains("value=\"Sai số tiền\""),
            "what was typed stays"
        );
        assert_eq!(c.get("/api/v1/leads").await.json()["total"], before);
    }
);
