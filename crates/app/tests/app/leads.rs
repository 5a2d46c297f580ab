//! Lead and opportunity stories (issue #3), on SQLite and PostgreSQL. Included by app.rs so
//! the crate keeps one test binary.

use sen_app::leads::Placement;
use sen_app::sales_setup::TeamInput;
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};
use sen_domain::lookup::{AppliesTo, LookupValues};
use sen_domain::money::Money;
use sen_domain::pipeline::StageValues;
use sen_store::lookups::LookupKind;

use super::*;

fn lead(name: &str) -> LeadValues {
    LeadValues {
        name: name.into(),
        ..Default::default()
    }
}

fn vnd(amount: &str) -> Option<Money> {
    Some(Money::parse(amount, "VND").unwrap())
}

fn opportunity() -> Placement {
    Placement {
        kind: Some(LeadType::Opportunity),
        ..Default::default()
    }
}

async fn deal_pipeline(app: &App) -> sen_store::pipelines::Pipeline {
    app.list_pipelines()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.kind == "deal")
        .unwrap()
}

story!(
    a_new_lead_gets_its_pipeline_stage_number_and_probability,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let saved = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    user_id: Some(me.user_id),
                    ..lead("Linda Wu")
                },
            )
            .await
            .unwrap();
        let l = saved.lead;
        let pipeline = app.get_pipeline(l.pipeline_id).await.unwrap();
        assert_eq!(
            (pipeline.kind.as_str(), l.kind.as_str(), l.number.as_str()),
            ("lead", "lead", "L-1")
        );
        assert_eq!(l.stage_id, pipeline.stages[0].id);
        assert_eq!(l.probability, pipeline.stages[0].probability);
        assert_eq!(l.outcome, "open");
        assert!(l.assigned_at.is_some());
        let o = app
            .create_lead(
                &me,
                opportunity(),
                LeadValues {
                    expected_revenue: vnd("78000"),
                    ..lead("Mike: 200 T-shirts")
                },
            )
            .await
            .unwrap()
            .lead;
        assert_eq!((o.kind.as_str(), o.number.as_str()), ("opportunity", "D-1"));
        assert_eq!(o.expected_revenue().unwrap().amount(), "78000");
    }
);

story!(
    concurrent_creates_get_distinct_consecutive_numbers,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let mut tasks = Vec::new();
        for i in 0..50 {
            let app = app.clone();
            let me = me.clone();
            tasks.push(tokio::spawn(async move {
                app.create_lead(&me, opportunity(), lead(&format!("Deal {i}")))
                    .await
                    .unwrap()
                    .lead
                    .number
            }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap());
        }
        let mut n: Vec<i64> = numbers
            .iter()
            .map(|s| s.trim_start_matches("D-").parse().unwrap())
            .collect();
        n.sort();
        assert_eq!(n, (1..=50).collect::<Vec<_>>());
    }
);

story!(
    a_stage_refuses_records_missing_its_required_fields,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let p = deal_pipeline(&app).await;
        let proposition = &p.stages[2];
        let stage = StageValues {
            required_fields: vec!["expected_revenue".into()],
            ..proposition.values()
        };
        app.update_stage(&me, proposition.id, proposition.version, stage)
            .await
            .unwrap();
        let o = app
            .create_lead(&me, opportunity(), lead("Mike"))
            .await
            .unwrap()
            .lead;
        let refused = app
            .update_lead(
                &me,
                o.id,
                o.version,
                LeadPatch::default(),
                Some(proposition.id),
            )
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(refused), vec!["expected_revenue"]);
        let patch = LeadPatch {
            expected_revenue: Some(vnd("78000")),
            ..Default::default()
        };
        let moved = app
            .update_lead(&me, o.id, o.version, patch, Some(proposition.id))
            .await
            .unwrap()
            .lead;
        assert_eq!(
            (moved.stage_id, moved.probability),
            (proposition.id, proposition.probability)
        );
    }
);

story!(
    entering_a_won_stage_wins_and_reopening_steps_back,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let p = deal_pipeline(&app).await;
        let won_stage = p.stages.iter().find(|s| s.is_won).unwrap().id;
        let o = app
            .create_lead(&me, opportunity(), lead("Order"))
            .await
            .unwrap()
            .lead;
        let w = app
            .update_lead(&me, o.id, o.version, LeadPatch::default(), Some(won_stage))
            .await
            .unwrap()
            .lead;
        assert_eq!((w.outcome.as_str(), w.closed_by), ("won", Some(me.user_id)));
        assert!(matches!(
            app.mark_won(&me, o.id).await,
            Err(AppError::Conflict(_))
        ));
        let r = app.reopen_lead(&me, o.id).await.unwrap();
        assert_eq!(r.outcome, "open");
        assert_ne!(r.stage_id, won_stage);
        assert!(r.closed_at.is_none());
        let w = app.mark_won(&me, o.id).await.unwrap();
        assert_eq!(
            (w.outcome.as_str(), w.stage_id, w.probability),
            ("won", won_stage, 100)
        );
    }
);

story!(
    losing_needs_a_reason_of_the_right_kind_when_the_pipeline_says_so,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let p = deal_pipeline(&app).await;
        let pv = sen_domain::pipeline::PipelineValues {
            name: p.name.clone(),
            kind: sen_domain::pipeline::PipelineKind::parse(&p.kind),
            team_ids: vec![],
            number_prefix: p.number_prefix.clone(),
            lost_reason_required: true,
        };
        app.update_pipeline(&me, p.id, p.version, pv).await.unwrap();
        let lv = |name: &str, a: AppliesTo| LookupValues {
            name: name.into(),
            active: true,
            color: None,
            applies_to: Some(a),
        };
        let for_leads = app
            .create_lookup(
                &me,
                LookupKind::LostReason,
                lv("Sai số điện thoại", AppliesTo::Lead),
            )
            .await
            .unwrap();
        let too_expensive = app
            .create_lookup(
                &me,
                LookupKind::LostReason,
                lv("Giá quá cao", AppliesTo::Deal),
            )
            .await
            .unwrap();
        let o = app
            .create_lead(&me, opportunity(), lead("Deal"))
            .await
            .unwrap()
            .lead;
        assert_eq!(
            invalid_fields(app.mark_lost(&me, o.id, None, None).await.unwrap_err()),
            vec!["reason_id"]
        );
        assert_eq!(
            invalid_fields(
                app.mark_lost(&me, o.id, Some(for_leads.id), None)
                    .await
                    .unwrap_err()
            ),
            vec!["reason_id"]
        );
        let lost = app
            .mark_lost(
                &me,
                o.id,
                Some(too_expensive.id),
                Some("  Chọn đối thủ rẻ hơn  ".into()),
            )
            .await
            .unwrap();
        assert_eq!(
            (
                lost.outcome.as_str(),
                lost.outcome_reason_id,
                lost.probability
            ),
            ("lost", Some(too_expensive.id), 0)
        );
        assert_eq!(lost.feedback.as_deref(), Some("Chọn đối thủ rẻ hơn"));
        let (timeline, _) = app.lead_timeline(&me, o.id, None, None).await.unwrap();
        let fields: Vec<&str> = timeline.iter().take(3).map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec!["feedback", "outcome_reason_id", "outcome"]);
        assert_eq!(timeline[2].new_value.as_deref(), Some("lost"));
    }
);

story!(
    caresoft_lead_flows_end_converted_or_unqualified,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let leads = app
            .list_pipelines()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == "lead")
            .unwrap();
        let working = leads.stages[1].id;
        let l = app
            .create_lead(&me, Placement::default(), lead("Khách từ Zalo"))
            .await
            .unwrap()
            .lead;
        let w = app
            .update_lead(&me, l.id, l.version, LeadPatch::default(), Some(working))
            .await
            .unwrap()
            .lead;
        assert_eq!(w.stage_id, working);
        let u = app.mark_unqualified(&me, l.id, None).await.unwrap();
        assert_eq!(u.outcome, "unqualified");
        assert_eq!(
            app.reopen_lead(&me, l.id).await.unwrap().outcome,
            "open",
            "unqualified may come back"
        );
    }
);

story!(
    salespeople_see_their_own_and_unassigned_leads_and_team_leaders_their_teams,
    |db: Db| async move {
        let app = App::new(db);
        let boss = admin(&app).await;
        let an = member(&app, &boss, "an@sen.vn", "salesperson").await;
        let binh = member(&app, &boss, "binh@sen.vn", "salesperson").await;
        let leader = member(&app, &boss, "lead@sen.vn", "team_leader").await;
        app.create_team(
            &boss,
            TeamInput {
                name: "Bắc".into(),
                leader_id: Some(leader.user_id),
                member_ids: vec![binh.user_id],
                active: true,
            },
        )
        .await
        .unwrap();
        let ans = app
            .create_lead(
                &an,
                Placement::default(),
                LeadValues {
                    user_id: Some(an.user_id),
                    ..lead("An's")
                },
            )
            .await
            .unwrap()
            .lead;
        let binhs = app
            .create_lead(
                &binh,
                Placement::default(),
                LeadValues {
                    user_id: Some(binh.user_id),
                    ..lead("Bình's")
                },
            )
            .await
            .unwrap()
            .lead;
        let nobody = app
            .create_lead(&boss, Placement::default(), lead("Walk-in"))
            .await
            .unwrap()
            .lead;
        assert!(
            binhs.team_id.is_some(),
            "the team defaults from the salesperson"
        );
        let names = |a: Actor| {
            let app = app.clone();
            async move {
                let mut n: Vec<String> = app
                    .list_leads(&a, &ListParams::default())
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|l| l.name)
                    .collect();
                n.sort();
                n
            }
        };
        assert_eq!(names(an.clone()).await, vec!["An's", "Walk-in"]);
        assert_eq!(names(leader.clone()).await, vec!["Bình's", "Walk-in"]);
        assert_eq!(names(boss.clone()).await.len(), 3);
        // A search counts only what each may see, whatever index the count reads.
        let found = |a: Actor, q: &'static str| {
            let app = app.clone();
            async move {
                let p = app
                    .list_leads(
                        &a,
                        &ListParams {
                            q: Some(q.into()),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                (p.total, p.items.len())
            }
        };
        assert_eq!(found(leader.clone(), "binh").await, (1, 1), "their team's");
        assert_eq!(found(an.clone(), "binh").await, (0, 0), "another's");
        assert_eq!(found(an.clone(), "walk").await, (1, 1), "unassigned");
        assert_eq!(found(boss.clone(), "binh").await, (1, 1));
        assert_eq!(
            found(an.clone(), "an walk").await,
            (0, 0),
            "short and long terms"
        );
        assert!(matches!(
            app.get_lead(&an, binhs.id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            app.mark_won(&an, binhs.id).await,
            Err(AppError::NotFound)
        ));
        assert!(app.get_lead(&an, nobody.id).await.is_ok());
        assert!(matches!(
            app.delete_lead(&an, ans.id).await,
            Err(AppError::Forbidden)
        ));
        assert!(app.delete_lead(&boss, ans.id).await.is_ok());
    }
);

story!(
    two_edits_from_one_version_conflict_and_lose_nothing,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let l = app
            .create_lead(&me, Placement::default(), lead("Race"))
            .await
            .unwrap()
            .lead;
        let a = LeadPatch {
            city: Some(Some("Huế".into())),
            ..Default::default()
        };
        let b = LeadPatch {
            priority: Some(3),
            ..Default::default()
        };
        let (ra, rb) = tokio::join!(
            app.update_lead(&me, l.id, l.version, a, None),
            app.update_lead(&me, l.id, l.version, b, None)
        );
        let oks = [ra.is_ok(), rb.is_ok()];
        assert_eq!(oks.iter().filter(|x| **x).count(), 1, "exactly one wins");
        let stale = match (ra, rb) {
            (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
            _ => unreachable!("exactly one wins"),
        };
        assert!(matches!(stale, AppError::Stale(_)));
    }
);

story!(
    deleting_a_stage_moves_its_records_to_the_target,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let p = deal_pipeline(&app).await;
        let (first, second) = (p.stages[0].id, p.stages[1].id);
        for i in 0..3 {
            app.create_lead(&me, opportunity(), lead(&format!("D{i}")))
                .await
                .unwrap();
        }
        assert_eq!(
            invalid_fields(app.delete_stage(&me, first, None).await.unwrap_err()),
            vec!["target_stage_id"]
        );
        app.delete_stage(&me, first, Some(second)).await.unwrap();
        let all = app
            .list_leads(
                &me,
                &ListParams {
                    filter: Some(format!("stage_id = {second}")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.total, 3);
        assert!(matches!(
            app.delete_pipeline(&me, p.id).await,
            Err(AppError::Conflict(_))
        ));
    }
);

story!(lead_input_and_references_are_checked, |db: Db| async move {
    let app = App::new(db);
    let me = admin(&app).await;
    let bad = LeadValues {
        probability: Some(101),
        priority: 9,
        user_id: Some(4242),
        team_id: Some(4242),
        source_id: Some(1),
        ..lead("")
    };
    let fields = invalid_fields(
        app.create_lead(
            &me,
            Placement {
                pipeline_id: Some(9999),
                ..Default::default()
            },
            bad,
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        fields,
        vec![
            "name",
            "pipeline_id",
            "priority",
            "probability",
            "source_id",
            "team_id",
            "user_id"
        ]
    );
    let leads = app
        .list_pipelines()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.kind == "lead")
        .unwrap();
    let deal_stage = deal_pipeline(&app).await.stages[0].id;
    let wrong = Placement {
        pipeline_id: Some(leads.id),
        stage_id: Some(deal_stage),
        ..Default::default()
    };
    assert_eq!(
        invalid_fields(app.create_lead(&me, wrong, lead("X")).await.unwrap_err()),
        vec!["stage_id"]
    );
    assert_eq!(
        app.list_leads(&me, &ListParams::default())
            .await
            .unwrap()
            .total,
        0,
        "nothing half-written"
    );
    let l = app
        .create_lead(&me, Placement::default(), lead("Ok"))
        .await
        .unwrap()
        .lead;
    let other = app
        .update_lead(&me, l.id, l.version, LeadPatch::default(), Some(deal_stage))
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(other), vec!["stage_id"]);
});

story!(
    lead_changes_are_logged_and_searchable,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let l = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    phone: Some("0912 345 678".into()),
                    ..lead("Nguyễn Thị Hoa")
                },
            )
            .await
            .unwrap();
        let twin = app
            .create_lead(
                &me,
                Placement::default(),
                LeadValues {
                    mobile: Some("+84 912 345 678".into()),
                    ..lead("Hoa (Zalo)")
                },
            )
            .await
            .unwrap();
        assert_eq!(
            twin.duplicates
                .iter()
                .map(|d| (d.id, d.reason))
                .collect::<Vec<_>>(),
            vec![(l.lead.id, "phone")]
        );
        let patch = LeadPatch {
            expected_revenue: Some(vnd("5000000")),
            priority: Some(2),
            ..Default::default()
        };
        app.update_lead(&me, l.lead.id, l.lead.version, patch, None)
            .await
            .unwrap();
        let (t, _) = app.lead_timeline(&me, l.lead.id, None, None).await.unwrap();
        let fields: Vec<&str> = t.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec!["expected_revenue", "priority", "created"]);
        let found = app
            .list_leads(
                &me,
                &ListParams {
                    q: Some("nguyen thi hoa".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        let rich = app
            .list_leads(
                &me,
                &ListParams {
                    filter: Some("expected_revenue >= 1000000".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(rich.total, 1);
        let by_number = app
            .list_leads(
                &me,
                &ListParams {
                    q: Some("L-2".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(by_number.items[0].name, "Hoa (Zalo)");
    }
);

/// The ids of every page of a search, following the cursors, and each page's total.
async fn every_page(
    app: &App,
    actor: &Actor,
    q: &str,
    sort: Option<&str>,
    limit: i64,
) -> (Vec<i64>, Vec<i64>) {
    let (mut ids, mut totals, mut cursor) = (Vec::new(), Vec::new(), None);
    loop {
        let params = ListParams {
            q: Some(q.into()),
            sort: sort.map(Into::into),
            limit: Some(limit),
            cursor: cursor.take(),
            ..Default::default()
        };
        let page = app.list_leads(actor, &params).await.unwrap();
        ids.extend(page.items.iter().map(|l| l.id));
        totals.push(page.total);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return (ids, totals),
        }
    }
}

story!(
    a_search_pages_newest_first_through_every_match_exactly_once,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let mut matching = Vec::new();
        for i in 0..23 {
            let name = if i % 3 == 0 {
                format!("Trần Bình {i}")
            } else {
                format!("Nguyễn Văn An {i}")
            };
            let id = app
                .create_lead(
                    &me,
                    Placement::default(),
                    LeadValues {
                        user_id: Some(me.user_id),
                        ..lead(&name)
                    },
                )
                .await
                .unwrap()
                .lead
                .id;
            if i % 3 != 0 {
                matching.push(id);
            }
        }
        // An archived match is not listed.
        let archived = matching.remove(4);
        app.set_lead_archived(&me, archived, true).await.unwrap();
        matching.reverse();
        for q in ["nguyen", "nguyen an", "an nguy"] {
            let (seen, totals) = every_page(&app, &me, q, None, 4).await;
            assert!(totals.iter().all(|t| *t == matching.len() as i64), "{q}");
            assert_eq!(seen, matching, "{q}: newest first, each once");
        }
        // Oldest first pages the other way through the same matches.
        let (mut seen, _) = every_page(&app, &me, "nguyen", Some("id"), 5).await;
        seen.reverse();
        assert_eq!(seen, matching, "oldest first");
        // A quote or FTS5 syntax in a term is searched literally.
        for q in ["\"nguyen", "nguyen*", "NEAR(nguyen)", "an:nguyen"] {
            let none = app
                .list_leads(
                    &me,
                    &ListParams {
                        q: Some(q.into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert!(
                none.items.iter().all(|l| matching.contains(&l.id)),
                "{q} finds only matches"
            );
        }
        // A salesperson's search keeps to the leads they may see.
        let seller = member(&app, &me, "ban@sen.vn", "salesperson").await;
        let own = app
            .create_lead(
                &seller,
                Placement::default(),
                LeadValues {
                    user_id: Some(seller.user_id),
                    ..lead("Nguyễn Thị Của Tôi")
                },
            )
            .await
            .unwrap()
            .lead
            .id;
        let mine = app
            .list_leads(
                &seller,
                &ListParams {
                    q: Some("nguyen".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            mine.items.iter().map(|l| l.id).collect::<Vec<_>>(),
            [own],
            "only their own"
        );
        assert_eq!(mine.total, 1);
        // Another order still finds the same matches.
        let by_name = app
            .list_leads(
                &me,
                &ListParams {
                    q: Some("nguyen".into()),
                    sort: Some("name".into()),
                    limit: Some(100),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(by_name.items.len(), matching.len() + 1);
        assert_eq!(by_name.total, matching.len() as i64 + 1);
        // The count checks filters on the narrow index's columns (archived, salesperson)
        // and on any other column alike.
        let seller_filter = format!("user_id = {}", seller.user_id);
        for (filter, expected) in [
            ("archived = true", 1),
            (seller_filter.as_str(), 1),
            ("priority >= 0", matching.len() as i64 + 1),
            ("name contains \"tôi\"", 1),
        ] {
            let found = app
                .list_leads(
                    &me,
                    &ListParams {
                        q: Some("nguyen".into()),
                        filter: Some(filter.into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(found.total, expected, "{filter}");
            assert_eq!(found.items.len() as i64, expected, "{filter}");
        }
    }
);

/// Moves a record to `stage` with no other change; the answer's record.
async fn move_to(
    app: &App,
    me: &Actor,
    id: i64,
    version: i64,
    stage: i64,
) -> sen_store::leads::Lead {
    app.update_lead(me, id, version, LeadPatch::default(), Some(stage))
        .await
        .unwrap()
        .lead
}

/// A tag named `name`, created if missing.
async fn tag(db: &Db, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = sen_store::tags::ensure(&mut tx, name, 1, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Records in `touched` every write of a lead's value columns or its tags (SQLite only;
/// `UPDATE OF` fires for every column an `UPDATE` names, changed or not).
async fn watch_value_writes(db: &Db) {
    for sql in [
        "CREATE TABLE touched (what TEXT NOT NULL)",
        "CREATE TRIGGER watch_values AFTER UPDATE OF name, email, search_text, name_fold ON leads \
         BEGIN INSERT INTO touched VALUES ('values'); END",
        "CREATE TRIGGER watch_tags AFTER DELETE ON lead_tags \
         BEGIN INSERT INTO touched VALUES ('tags'); END",
    ] {
        db.execute(&sen_store::Sql::new(sql)).await.unwrap();
    }
}

async fn touched(db: &Db) -> Vec<String> {
    let rows: Vec<(String,)> = db
        .fetch_all(&sen_store::Sql::new("SELECT what FROM touched"))
        .await
        .unwrap();
    rows.into_iter().map(|(w,)| w).collect()
}

#[tokio::test]
async fn a_stage_move_rewrites_only_the_stage_not_the_values_tags_or_search_index() {
    let (db, _dir) = sen_store::testing::sqlite_db().await;
    let app = App::new(db.clone());
    let me = admin(&app).await;
    let tag = tag(&db, "VIP").await;
    let o = app
        .create_lead(
            &me,
            opportunity(),
            LeadValues {
                email: Some("mike@example.com".into()),
                tag_ids: vec![tag],
                ..lead("Mike")
            },
        )
        .await
        .unwrap()
        .lead;
    let p = app.get_pipeline(o.pipeline_id).await.unwrap();
    watch_value_writes(&db).await;

    let moved = move_to(&app, &me, o.id, o.version, p.stages[1].id).await;
    assert_eq!(moved.stage_id, p.stages[1].id);
    assert_eq!(
        (moved.name.as_str(), moved.tag_ids.clone()),
        ("Mike", vec![tag])
    );
    assert!(touched(&db).await.is_empty(), "{:?}", touched(&db).await);

    // A changed value is still written, and found by search under its new name.
    let patch = LeadPatch {
        name: Some("Mike Nguyễn".into()),
        ..Default::default()
    };
    let renamed = app
        .update_lead(&me, o.id, moved.version, patch, None)
        .await
        .unwrap()
        .lead;
    assert_eq!(renamed.name, "Mike Nguyễn");
    assert_eq!(touched(&db).await, vec!["values"]);
    let params = sen_app::contacts::ListParams {
        q: Some("nguyen".into()),
        ..Default::default()
    };
    let found = app.list_leads(&me, &params).await.unwrap().items;
    assert_eq!(found.iter().map(|l| l.id).collect::<Vec<_>>(), vec![o.id]);
}

/// Two tags, "VIP" and "School": their ids.
async fn vip_and_school(db: &Db) -> (i64, i64) {
    let mut tx = db.begin().await.unwrap();
    let now = chrono::Utc::now();
    let vip = sen_store::tags::ensure(&mut tx, "VIP", 1, now)
        .await
        .unwrap();
    let school = sen_store::tags::ensure(&mut tx, "School", 2, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (vip, school)
}

story!(
    an_edit_answers_the_record_exactly_as_a_fresh_read_finds_it,
    |db: Db| async move {
        let app = App::new(db.clone());
        let me = admin(&app).await;
        let (vip, school) = vip_and_school(&db).await;
        let o = app
            .create_lead(
                &me,
                opportunity(),
                LeadValues {
                    tag_ids: vec![vip],
                    ..lead("Linda Wu")
                },
            )
            .await
            .unwrap()
            .lead;
        let p = app.get_pipeline(o.pipeline_id).await.unwrap();
        let patch = LeadPatch {
            name: Some("Linda Wu (NTU)".into()),
            tag_ids: Some(vec![school, vip]),
            expected_revenue: Some(vnd("78000")),
            ..Default::default()
        };
        let answered = app
            .update_lead(&me, o.id, o.version, patch, Some(p.stages[1].id))
            .await
            .unwrap()
            .lead;
        let read = app.get_lead(&me, o.id).await.unwrap();
        assert_eq!(format!("{answered:?}"), format!("{read:?}"));
        let mut tags = vec![vip, school];
        tags.sort();
        assert_eq!(read.tag_ids, tags);
        assert_eq!(read.version, o.version + 1);

        // A bare move keeps the tags it did not touch, in a fresh read's order.
        let moved = move_to(&app, &me, o.id, read.version, p.stages[2].id).await;
        let read = app.get_lead(&me, o.id).await.unwrap();
        assert_eq!(format!("{moved:?}"), format!("{read:?}"));
        assert_eq!(read.tag_ids, tags);
    }
);

story!(
    a_departed_salespersons_records_can_still_be_moved_but_not_newly_assigned_to_them,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let bao = member(&app, &me, "bao@sen.vn", "salesperson").await;
        let o = app
            .create_lead(
                &me,
                opportunity(),
                LeadValues {
                    user_id: Some(bao.user_id),
                    ..lead("Mike")
                },
            )
            .await
            .unwrap()
            .lead;
        let other = app
            .create_lead(&me, opportunity(), lead("Linda Wu"))
            .await
            .unwrap()
            .lead;
        app.update_user(
            &me,
            bao.user_id,
            sen_app::users::UserChanges {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let p = app.get_pipeline(o.pipeline_id).await.unwrap();

        let moved = move_to(&app, &me, o.id, o.version, p.stages[1].id).await;
        assert_eq!(
            (moved.stage_id, moved.user_id),
            (p.stages[1].id, Some(bao.user_id))
        );

        let assign = LeadPatch {
            user_id: Some(Some(bao.user_id)),
            ..Default::default()
        };
        let refused = app
            .update_lead(&me, other.id, other.version, assign, None)
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(refused), vec!["user_id"]);
    }
);

story!(
    creating_answers_the_record_exactly_as_a_fresh_read_finds_it_even_won_from_the_start,
    |db: Db| async move {
        let app = App::new(db.clone());
        let me = admin(&app).await;
        let (vip, school) = vip_and_school(&db).await;
        let tagged = LeadValues {
            tag_ids: vec![school.max(vip), school.min(vip)],
            ..lead("Mike orders 200 T-shirts")
        };
        let created = app
            .create_lead(&me, opportunity(), tagged.clone())
            .await
            .unwrap()
            .lead;
        let read = app.get_lead(&me, created.id).await.unwrap();
        assert_eq!(format!("{created:?}"), format!("{read:?}"));
        assert_eq!(read.tag_ids, vec![school.min(vip), school.max(vip)]);
        assert_eq!(read.closed_at, None);

        // Created straight into the won stage: closed by its creator, certain, and the
        // answer still equals a fresh read.
        let p = deal_pipeline(&app).await;
        let won = p.stages.iter().find(|s| s.is_won).unwrap();
        let placement = Placement {
            stage_id: Some(won.id),
            ..opportunity()
        };
        // The creator is the salesperson and asked for 40 %: a won lead is certain anyway.
        let mine = LeadValues {
            user_id: Some(me.user_id),
            probability: Some(40),
            ..tagged
        };
        let closed = app.create_lead(&me, placement, mine).await.unwrap().lead;
        let read = app.get_lead(&me, closed.id).await.unwrap();
        assert_eq!(format!("{closed:?}"), format!("{read:?}"));
        assert_eq!(read.outcome, "won");
        assert_eq!(read.probability, 100);
        assert_eq!(read.closed_by, Some(me.user_id));
        assert!(read.closed_at.is_some());
        // Creator and salesperson are one person: they follow it once and are not told.
        let following = app.list_followers(&me, "lead", closed.id).await.unwrap();
        assert_eq!(following.len(), 1);
        assert_eq!(app.unread_notifications(&me).await.unwrap(), 0);
    }
);
