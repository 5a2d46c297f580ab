//! The store's test binary: every story runs on SQLite and on PostgreSQL.

use chrono::Utc;
use sen_domain::contact::ContactValues;
use sen_domain::filter::{self, Cond, Context};
use sen_domain::list::SortKey;
use sen_domain::search::parse_query;
use sen_store::contacts::{self, ListSpec};
use sen_store::users::{self, NewUser};
use sen_store::{Db, story};

#[path = "store/bulk.rs"]
mod bulk;
#[path = "store/lead_writes.rs"]
mod lead_writes;
#[path = "store/settings_stamp.rs"]
mod settings_stamp;
#[path = "store/setup_reads.rs"]
mod setup_reads;

fn all() -> Cond {
    Cond::And(vec![])
}

async fn user(db: &Db, email: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = users::insert(
        &mut tx,
        &NewUser {
            name: email,
            email,
            password_hash: "x",
            role: "salesperson",
            language: "vi",
            time_zone: "Asia/Ho_Chi_Minh",
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn add(db: &Db, by: i64, v: ContactValues) -> i64 {
    let v = v.cleaned();
    let mut tx = db.begin().await.unwrap();
    let id = contacts::insert(&mut tx, &v, &v.derived(), by, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn named(name: &str) -> ContactValues {
    ContactValues {
        name: name.into(),
        ..Default::default()
    }
}

async fn search(db: &Db, q: &str) -> Vec<String> {
    list(db, q, None, &[], 100)
        .await
        .into_iter()
        .map(|c| c.name)
        .collect()
}

async fn list(
    db: &Db,
    q: &str,
    filter: Option<&Cond>,
    sort: &[SortKey],
    limit: i64,
) -> Vec<contacts::Contact> {
    let scope = all();
    let query = parse_query(q);
    let spec = ListSpec {
        scope: &scope,
        filter,
        query: &query,
        sort,
        limit,
        cursor: None,
    };
    contacts::list(db, &spec).await.unwrap().unwrap().items
}

fn ctx(me: i64) -> Context {
    let now = Utc::now();
    Context {
        user_id: me,
        now,
        today: now.date_naive(),
        today_start: now,
    }
}

#[test]
fn migrations_of_both_databases_list_the_same_versions() {
    let (sqlite, postgres) = Db::migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

story!(
    search_ignores_vietnamese_accents_and_keeps_short_syllables,
    |db: Db| async move {
        let me = user(&db, "a@x.vn").await;
        add(&db, me, named("Nguyễn Văn An")).await;
        add(&db, me, named("Đặng Thị Hoa")).await;
        add(&db, me, named("Trần Bình")).await;
        add(&db, me, named("Lý Hoa")).await;
        assert_eq!(search(&db, "nguyen van an").await, vec!["Nguyễn Văn An"]);
        assert_eq!(search(&db, "NGUYỄN").await, vec!["Nguyễn Văn An"]);
        assert_eq!(search(&db, "dang").await, vec!["Đặng Thị Hoa"]);
        // "an" is a whole syllable in Vietnamese: kept (and found inside "Đặng", "Trần" too).
        assert_eq!(
            search(&db, "an").await,
            vec!["Đặng Thị Hoa", "Nguyễn Văn An", "Trần Bình"]
        );
        assert_eq!(search(&db, "ly").await, vec!["Lý Hoa"]);
        assert_eq!(search(&db, "zzz").await, Vec::<String>::new());
    }
);

story!(search_finds_chinese_by_any_part, |db: Db| async move {
    let me = user(&db, "a@x.tw").await;
    add(&db, me, named("客戶關係管理有限公司")).await;
    add(&db, me, named("高雄織品股份有限公司")).await;
    assert_eq!(search(&db, "關係").await, vec!["客戶關係管理有限公司"]);
    assert_eq!(
        search(&db, "客戶關係管理").await,
        vec!["客戶關係管理有限公司"]
    );
    assert_eq!(search(&db, "有限公司").await.len(), 2);
});

story!(
    search_matches_phones_in_any_common_form,
    |db: Db| async move {
        let me = user(&db, "a@x.vn").await;
        add(
            &db,
            me,
            ContactValues {
                name: "An".into(),
                phone: Some("+84 912 345 678".into()),
                ..Default::default()
            },
        )
        .await;
        add(
            &db,
            me,
            ContactValues {
                name: "Linda".into(),
                mobile: Some("0912-345-679".into()),
                ..Default::default()
            },
        )
        .await;
        for q in [
            "+84 912 345 678",
            "0912345678",
            "0912.345.678",
            "84912345678",
        ] {
            assert_eq!(search(&db, q).await, vec!["An"], "query {q}");
        }
        for q in ["+886 912 345 679", "0912 345 679"] {
            assert_eq!(search(&db, q).await, vec!["Linda"], "query {q}");
        }
    }
);

story!(
    search_treats_like_wildcards_and_quotes_literally,
    |db: Db| async move {
        let me = user(&db, "a@x.vn").await;
        add(&db, me, named("100% Cotton")).await;
        add(&db, me, named("1000 Cotton")).await;
        add(&db, me, named("snake_case Ltd")).await;
        add(&db, me, named("snakeXcase Ltd")).await;
        add(&db, me, named("O'Brien \"Quotes\"")).await;
        assert_eq!(search(&db, "100%").await, vec!["100% Cotton"]);
        assert_eq!(search(&db, "snake_case").await, vec!["snake_case Ltd"]);
        assert_eq!(search(&db, "o'brien").await, vec!["O'Brien \"Quotes\""]);
        assert_eq!(search(&db, "\"quotes\"").await, vec!["O'Brien \"Quotes\""]);
        assert!(search(&db, "'; DROP TABLE contacts; --").await.is_empty());
        assert_eq!(search(&db, "cotton").await.len(), 2);
    }
);

story!(
    search_is_answered_from_the_trigram_index,
    |db: Db| async move {
        let me = user(&db, "a@x.vn").await;
        add(&db, me, named("Nguyễn Văn An")).await;
        let plan = sen_store::testing::contact_search_plan(&db, "nguyen").await;
        match db.backend() {
            sen_store::Backend::Sqlite => assert!(plan.contains("contacts_fts"), "{plan}"),
            sen_store::Backend::Postgres => assert!(plan.contains("contacts_search"), "{plan}"),
        }
    }
);

story!(
    keyset_pages_return_every_row_exactly_once,
    |db: Db| async move {
        let me = user(&db, "a@x.vn").await;
        let mut ids = Vec::new();
        for i in 0..23 {
            let city = if i % 3 == 0 {
                None
            } else {
                Some(format!("City {}", i % 4))
            };
            ids.push(
                add(
                    &db,
                    me,
                    ContactValues {
                        name: format!("Contact {:02}", (i * 7) % 23),
                        city,
                        ..Default::default()
                    },
                )
                .await,
            );
        }
        ids.sort();
        for sort in ["name", "-name", "-created_at", "city,-name", "-city"] {
            let keys =
                sen_domain::list::parse_sort(Some(sort), sen_domain::contact::SORTABLE).unwrap();
            let scope = all();
            let query = parse_query("");
            let mut cursor: Option<String> = None;
            let mut seen = Vec::new();
            loop {
                let spec = ListSpec {
                    scope: &scope,
                    filter: None,
                    query: &query,
                    sort: &keys,
                    limit: 5,
                    cursor: cursor.as_deref(),
                };
                let page = contacts::list(&db, &spec).await.unwrap().unwrap();
                assert_eq!(page.total, 23);
                seen.extend(page.items.iter().map(|c| c.id));
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            let mut sorted = seen.clone();
            sorted.sort();
            assert_eq!(sorted, ids, "sort {sort}");
        }
    }
);

async fn filtered(db: &Db, me: i64, text: &str) -> Vec<String> {
    let cond =
        filter::parse_and_check(text, &sen_domain::contact::filter_fields(), &ctx(me)).unwrap();
    let mut n: Vec<String> = list(db, "", Some(&cond), &[], 100)
        .await
        .into_iter()
        .map(|c| c.name)
        .collect();
    n.sort();
    n
}

story!(
    filters_compile_to_the_same_answers_on_both_databases,
    |db: Db| async move {
        let me = user(&db, "me@x.vn").await;
        let other = user(&db, "other@x.vn").await;
        let company = add(
            &db,
            me,
            ContactValues {
                name: "Sen Việt".into(),
                is_company: true,
                owner_id: Some(me),
                ..Default::default()
            },
        )
        .await;
        add(
            &db,
            me,
            ContactValues {
                name: "Nguyễn An".into(),
                company_id: Some(company),
                city: Some("Hà Nội".into()),
                owner_id: Some(other),
                ..Default::default()
            },
        )
        .await;
        add(
            &db,
            me,
            ContactValues {
                name: "Lê Bình".into(),
                email: Some("binh@x.vn".into()),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(filtered(&db, me, "is_company").await, vec!["Sen Việt"]);
        assert_eq!(
            filtered(&db, me, "not is_company").await,
            vec!["Lê Bình", "Nguyễn An"]
        );
        assert_eq!(filtered(&db, me, "owner = me").await, vec!["Sen Việt"]);
        assert_eq!(filtered(&db, me, "owner = null").await, vec!["Lê Bình"]);
        assert_eq!(
            filtered(&db, me, "owner != me").await,
            vec!["Lê Bình", "Nguyễn An"]
        );
        assert_eq!(
            filtered(&db, me, "city in [\"Hà Nội\", \"Huế\"]").await,
            vec!["Nguyễn An"]
        );
        assert_eq!(
            filtered(&db, me, "name contains \"nguyen\"").await,
            vec!["Nguyễn An"]
        );
        assert_eq!(
            filtered(&db, me, "email = null and not is_company").await,
            vec!["Nguyễn An"]
        );
        assert_eq!(
            filtered(&db, me, &format!("company_id = {company}")).await,
            vec!["Nguyễn An"]
        );
        assert_eq!(filtered(&db, me, "created_at >= today - 1d").await.len(), 3);
        assert_eq!(filtered(&db, me, "created_at < today - 30d").await.len(), 0);
        assert_eq!(filtered(&db, me, "archived").await.len(), 0);
    }
);

story!(
    archived_contacts_are_hidden_unless_the_filter_asks,
    |db: Db| async move {
        let me = user(&db, "me@x.vn").await;
        let id = add(&db, me, named("Old Customer")).await;
        add(&db, me, named("New Customer")).await;
        let mut tx = db.begin().await.unwrap();
        contacts::set_archived(&mut tx, id, Some(Utc::now()), me, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(search(&db, "customer").await, vec!["New Customer"]);
        let fields = sen_domain::contact::filter_fields();
        let cond = filter::parse_and_check("archived", &fields, &ctx(me)).unwrap();
        let names: Vec<String> = list(&db, "", Some(&cond), &[], 10)
            .await
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, vec!["Old Customer"]);
    }
);

story!(
    duplicates_are_found_by_email_phone_and_folded_name,
    |db: Db| async move {
        let me = user(&db, "me@x.vn").await;
        let a = add(
            &db,
            me,
            ContactValues {
                name: "Nguyễn Văn An".into(),
                email: Some("AN@x.vn".into()),
                ..Default::default()
            },
        )
        .await;
        let b = add(
            &db,
            me,
            ContactValues {
                name: "Someone".into(),
                mobile: Some("0912 345 678".into()),
                ..Default::default()
            },
        )
        .await;
        let probe = ContactValues {
            name: "nguyen van an".into(),
            email: Some("an@x.vn".into()),
            phone: Some("+84 912 345 678".into()),
            ..Default::default()
        };
        let mut dups = contacts::duplicates(&mut &db, None, &probe.derived())
            .await
            .unwrap();
        dups.sort_by_key(|d| d.id);
        assert_eq!(dups.len(), 2);
        assert_eq!(
            (dups[0].id, dups[0].reason),
            (a, sen_domain::contact::DuplicateReason::Email)
        );
        assert_eq!(
            (dups[1].id, dups[1].reason),
            (b, sen_domain::contact::DuplicateReason::Phone)
        );
        let only_name = named("NGUYỄN văn AN");
        let dups = contacts::duplicates(&mut &db, None, &only_name.derived())
            .await
            .unwrap();
        assert_eq!(
            dups.iter().map(|d| (d.id, d.reason)).collect::<Vec<_>>(),
            vec![(a, sen_domain::contact::DuplicateReason::Name)]
        );
        assert!(
            contacts::duplicates(&mut &db, Some(a), &only_name.derived())
                .await
                .unwrap()
                .is_empty()
        );
    }
);

story!(
    an_update_with_a_stale_version_changes_nothing,
    |db: Db| async move {
        let me = user(&db, "me@x.vn").await;
        let id = add(&db, me, named("Linda Wu")).await;
        let renamed = named("Linda Wu (Taipei)");
        let mut tx = db.begin().await.unwrap();
        assert!(
            contacts::update(&mut tx, id, 1, &renamed, &renamed.derived(), me, Utc::now())
                .await
                .unwrap()
        );
        assert!(
            !contacts::update(
                &mut tx,
                id,
                1,
                &named("Stale"),
                &named("Stale").derived(),
                me,
                Utc::now()
            )
            .await
            .unwrap()
        );
        tx.commit().await.unwrap();
        let c = contacts::get(&mut &db, id, &all()).await.unwrap().unwrap();
        assert_eq!((c.name.as_str(), c.version), ("Linda Wu (Taipei)", 2));
        assert_eq!(search(&db, "taipei").await, vec!["Linda Wu (Taipei)"]);
    }
);

story!(tags_are_stored_and_filtered_by_name, |db: Db| async move {
    let me = user(&db, "me@x.vn").await;
    let mut tx = db.begin().await.unwrap();
    let vip = sen_store::tags::ensure(&mut tx, "VIP", 3, Utc::now())
        .await
        .unwrap();
    let again = sen_store::tags::ensure(&mut tx, "VIP", 3, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(vip, again);
    let id = add(
        &db,
        me,
        ContactValues {
            name: "Tagged".into(),
            tag_ids: vec![vip],
            ..Default::default()
        },
    )
    .await;
    add(&db, me, named("Plain")).await;
    let c = contacts::get(&mut &db, id, &all()).await.unwrap().unwrap();
    assert_eq!(c.tag_ids, vec![vip]);
    let cond = filter::parse_and_check(
        "tags has \"VIP\"",
        &sen_domain::contact::filter_fields(),
        &ctx(me),
    )
    .unwrap();
    let names: Vec<String> = list(&db, "", Some(&cond), &[], 10)
        .await
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, vec!["Tagged"]);
});

story!(
    the_portable_schema_matches_both_databases,
    |db: Db| async move {
        use sen_store::portable::{self, Kind, TABLES};
        let mut tables = portable::database_tables(&db).await.unwrap();
        tables.retain(|t| t != "_sqlx_migrations" && t != "lead_sums" && t != "settings_stamp");
        let mut listed: Vec<String> = TABLES.iter().map(|t| t.name.to_string()).collect();
        listed.sort();
        assert_eq!(
            tables, listed,
            "a table the workspace export does not carry"
        );
        for spec in TABLES {
            let mut columns = portable::database_columns(&db, spec.name).await.unwrap();
            let mut names: Vec<String> =
                spec.column_names().iter().map(|c| c.to_string()).collect();
            columns.sort();
            names.sort();
            assert_eq!(columns, names, "the columns of {}", spec.name);
        }
        match db.backend() {
            sen_store::Backend::Sqlite => {
                let mut keeps: Vec<String> = TABLES
                    .iter()
                    .filter(|t| t.keeps_ids)
                    .map(|t| t.name.to_string())
                    .collect();
                keeps.sort();
                assert_eq!(
                    portable::sqlite_autoincrement_tables(&db).await.unwrap(),
                    keeps
                );
            }
            sen_store::Backend::Postgres => {
                let types: Vec<(String, String, String)> = db
                    .fetch_all(&sen_store::Sql::new(
                        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(data_type AS TEXT) \
                         FROM information_schema.columns WHERE table_schema = current_schema()",
                    ))
                    .await
                    .unwrap();
                for spec in TABLES {
                    for (column, kind) in spec.columns {
                        let (_, _, ty) = types
                            .iter()
                            .find(|(t, c, _)| t == spec.name && c == column)
                            .unwrap();
                        let expected = match ty.as_str() {
                            "bigint" | "smallint" | "integer" => Kind::Int,
                            "text" => Kind::Text,
                            "boolean" => Kind::Bool,
                            "timestamp with time zone" => Kind::Time,
                            "date" => Kind::Date,
                            "jsonb" => Kind::Json,
                            "bytea" => Kind::Blob,
                            other => panic!("{}.{column}: no portable kind for {other}", spec.name),
                        };
                        assert_eq!(*kind, expected, "{}.{column}", spec.name);
                    }
                }
            }
        }
    }
);

/// A file with a few users, analysed with SQLite's plain `ANALYZE` (which, in a STAT4
/// build, also writes value samples).
async fn sqlite_file_with_samples() -> (Db, std::path::PathBuf) {
    let (db, dir) = sen_store::testing::sqlite_db().await;
    for i in 0..30 {
        user(&db, &format!("u{i}@example.com")).await;
    }
    db.execute(&sen_store::Sql::new("ANALYZE")).await.unwrap();
    (db, dir)
}

#[tokio::test]
async fn sqlite_analyze_keeps_the_averages_but_no_value_samples() {
    let (db, _dir) = sqlite_file_with_samples().await;
    assert!(sen_store::sqlite_stats::sample_rows(&db).await.unwrap() > 0);
    sen_store::lead_bulk::analyze(&db).await.unwrap();
    assert_eq!(sen_store::sqlite_stats::sample_rows(&db).await.unwrap(), 0);
    let (averages,): (i64,) = db
        .fetch_one(&sen_store::Sql::new("SELECT COUNT(*) FROM sqlite_stat1"))
        .await
        .unwrap();
    assert!(averages > 0, "ANALYZE still records the per-index averages");
}

#[tokio::test]
async fn opening_an_sqlite_file_forgets_value_samples_an_earlier_version_left() {
    let (db, dir) = sqlite_file_with_samples().await;
    assert!(sen_store::sqlite_stats::sample_rows(&db).await.unwrap() > 0);
    db.close().await;
    let reopened = Db::open_sqlite(&dir.join("sen.db")).await.unwrap();
    assert_eq!(
        sen_store::sqlite_stats::sample_rows(&reopened)
            .await
            .unwrap(),
        0
    );
}
