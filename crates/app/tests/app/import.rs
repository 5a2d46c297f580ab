//! Importing leads from CSV: checked in full before anything is written, names resolved,
//! columns guessed from Vietnamese headers, a dry run writes nothing, managers only.

use sen_app::import::ImportOptions;
use sen_domain::import::LeadColumn;
use sen_domain::lead::LeadType;
use sen_domain::lookup::LookupValues;
use sen_store::lookups::LookupKind;

use super::*;

async fn lead_count(db: &Db) -> i64 {
    sen_store::leads::count_all(&mut &*db).await.unwrap()
}

story!(
    a_csv_file_is_checked_then_imported_with_names_resolved,
    |db: Db| async move {
        let app = App::new(db.clone());
        let admin = admin(&app).await;
        let vip = LookupValues {
            name: "VIP".into(),
            active: true,
            color: Some(1),
            applies_to: None,
        };
        let vip = app
            .create_lookup(&admin, LookupKind::Tag, vip)
            .await
            .unwrap();
        let deal = app
            .list_pipelines()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == "deal")
            .unwrap();
        let second = deal.stages[1].clone();
        let csv = format!(
            "Tên cơ hội,Người liên hệ,Email,Điện thoại,Doanh thu dự kiến,Thẻ,Nhân viên kinh doanh,Giai đoạn,Cỡ áo\n\
             Áo thun 200 cái,Mike,mike@sen.tw,0912345678,78.000,VIP,chi@example.com,{},XL\n\
             \n\
             Linda Wu làm tóc,Linda Wu,,,,,,,\n",
            second.name
        );
        let options = |dry_run| ImportOptions {
            dry_run,
            kind: Some(LeadType::Opportunity),
            ..Default::default()
        };

        let checked = app
            .import_leads(&admin, csv.as_bytes(), options(true))
            .await
            .unwrap();
        assert_eq!((checked.rows, checked.created), (2, 0));
        let fields: Vec<Option<LeadColumn>> = checked.columns.iter().map(|c| c.1).collect();
        assert_eq!(
            fields,
            [
                Some(LeadColumn::Name),
                Some(LeadColumn::ContactName),
                Some(LeadColumn::Email),
                Some(LeadColumn::Phone),
                Some(LeadColumn::ExpectedRevenue),
                Some(LeadColumn::Tags),
                Some(LeadColumn::User),
                Some(LeadColumn::Stage),
                None
            ]
        );
        assert_eq!(checked.preview[0].name, "Áo thun 200 cái");
        assert_eq!(lead_count(&db).await, 0, "a dry run writes nothing");

        let done = app
            .import_leads(&admin, csv.as_bytes(), options(false))
            .await
            .unwrap();
        assert_eq!(done.created, 2);
        let listed = app
            .list_leads(
                &admin,
                &ListParams {
                    q: Some("ao thun".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let shirt = &listed.items[0];
        assert_eq!(shirt.stage_id, second.id);
        assert_eq!(shirt.pipeline_id, deal.id);
        assert_eq!(shirt.user_id, Some(admin.user_id));
        assert_eq!(shirt.tag_ids, vec![vip.id]);
        assert_eq!(
            shirt.expected_revenue().map(|m| m.amount()),
            Some("78000".into())
        );
        assert_eq!(shirt.kind, "opportunity");
        assert!(!shirt.number.is_empty());
        // The board counts them at once.
        let board = app
            .board(
                &admin,
                &sen_app::board::BoardParams {
                    pipeline_id: Some(deal.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let count = |id| {
            board
                .columns
                .iter()
                .find(|c| c.stage.id == id)
                .map(|c| c.count)
        };
        assert_eq!(count(second.id), Some(1));
        assert_eq!(count(deal.stages[0].id), Some(1));
    }
);

story!(
    a_file_with_one_bad_row_writes_nothing_and_names_each_problem_by_line,
    |db: Db| async move {
        let app = App::new(db.clone());
        let admin = admin(&app).await;
        let csv = "name,email,tags,priority,expected_closing\n\
                   Good one,good@sen.vn,,1,2026-12-31\n\
                   Bad mail,not-an-email,,2,\n\
                   Bad tag,,Không có thẻ này,9,31/12/2026\n";
        let e = app
            .import_leads(&admin, csv.as_bytes(), ImportOptions::default())
            .await
            .unwrap_err();
        let mut named = invalid_fields(e);
        named.sort();
        assert_eq!(named, ["rows[3].email", "rows[4].priority", "rows[4].tags"]);
        assert_eq!(lead_count(&db).await, 0, "nothing half-imported");

        let e = app
            .import_leads(&admin, b"email\na@b.vn\n", ImportOptions::default())
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), ["columns"], "a name column is required");
        let e = app
            .import_leads(&admin, b"name\n\xff\xfe\n", ImportOptions::default())
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), ["file"]);
        let e = app
            .import_leads(
                &admin,
                b"a,b\nx,y\n",
                ImportOptions {
                    columns: Some(vec![Some(LeadColumn::Name), Some(LeadColumn::Name)]),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), ["columns"], "one field per column");

        let seller = member(&app, &admin, "ban@sen.vn", "salesperson").await;
        assert!(matches!(
            app.import_leads(&seller, b"name\nx\n", ImportOptions::default())
                .await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(lead_count(&db).await, 0);
    }
);

story!(
    a_name_two_salespeople_share_is_refused_and_the_type_follows_the_pipeline,
    |db: Db| async move {
        let app = App::new(db.clone());
        let admin = admin(&app).await;
        for email in ["lan.a@sen.vn", "lan.b@sen.vn"] {
            let u = member(&app, &admin, email, "salesperson").await;
            app.update_user(
                &admin,
                u.user_id,
                UserChanges {
                    name: Some("Lan".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        let e = app
            .import_leads(
                &admin,
                "name,user\nA,Lan\n".as_bytes(),
                ImportOptions::default(),
            )
            .await
            .unwrap_err();
        let AppError::Invalid(fields) = e else {
            panic!("not invalid")
        };
        assert!(matches!(
            fields.0["rows[2].user"][0],
            Invalid::Ambiguous { .. }
        ));
        let deal = app
            .list_pipelines()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == "deal")
            .unwrap();
        let done = app
            .import_leads(
                &admin,
                "name,user\nA,lan.b@sen.vn\n".as_bytes(),
                ImportOptions {
                    pipeline_id: Some(deal.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            done.kind,
            LeadType::Opportunity,
            "a deal pipeline's records are opportunities"
        );
        assert_eq!(done.created, 1);
    }
);

story!(
    a_file_longer_than_one_written_chunk_is_all_or_nothing,
    |db: Db| async move {
        let app = App::new(db.clone());
        let admin = admin(&app).await;
        // Rows are written 2,000 at a time inside one transaction: a problem on line 4,502
        // comes after two chunks were written, and still nothing is kept.
        let mut csv = String::from("name,priority\n");
        for i in 1..=4_600 {
            let priority = if i == 4_501 { "7" } else { "1" };
            csv.push_str(&format!("Khách {i},{priority}\n"));
        }
        let e = app
            .import_leads(&admin, csv.as_bytes(), ImportOptions::default())
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), ["rows[4502].priority"]);
        assert_eq!(lead_count(&db).await, 0, "nothing half-imported");

        let csv = csv.replace("Khách 4501,7", "Khách 4501,2");
        let done = app
            .import_leads(&admin, csv.as_bytes(), ImportOptions::default())
            .await
            .unwrap();
        assert_eq!((done.rows, done.created), (4_600, 4_600));
        assert_eq!(lead_count(&db).await, 4_600);
        // Numbers run on without a gap across the chunks (and the refused import's
        // reservation was rolled back with it).
        let listed = app
            .list_leads(
                &admin,
                &ListParams {
                    sort: Some("number".into()),
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let first = &listed.items[0];
        assert_eq!(first.name, "Khách 1");
        let last = app
            .list_leads(
                &admin,
                &ListParams {
                    q: Some("khach 4600".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let number = |n: &str| -> i64 {
            n.trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .unwrap()
        };
        assert_eq!(number(&last.items[0].number) - number(&first.number), 4_599);
    }
);
