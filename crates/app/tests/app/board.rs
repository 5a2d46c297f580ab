//! Board stories (issue #3 item 9), included by app.rs.

use sen_app::board::BoardParams;
use sen_app::leads::Placement;
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};
use sen_domain::money::{Money, round_div};

use super::*;

fn opp() -> Placement {
    Placement {
        kind: Some(LeadType::Opportunity),
        ..Default::default()
    }
}

story!(
    the_boards_sums_equal_the_sums_of_the_records_it_counts,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let mut expected_vnd = 0_i64;
        let mut weighted_centi = 0_i128;
        for i in 0..25_i64 {
            let amount = 1_000_000 + i * 333_333;
            let v = LeadValues {
                name: format!("Deal {i}"),
                expected_revenue: Some(Money::parse(&amount.to_string(), "VND").unwrap()),
                probability: Some(i * 4),
                priority: i % 4,
                ..Default::default()
            };
            app.create_lead(&me, opp(), v).await.unwrap();
            expected_vnd += amount;
            weighted_centi += i128::from(amount) * i128::from(i * 4);
        }
        let usd = LeadValues {
            name: "US deal".into(),
            expected_revenue: Some(Money::parse("1234.50", "USD").unwrap()),
            ..Default::default()
        };
        app.create_lead(&me, opp(), usd).await.unwrap();
        let b = app
            .board(
                &me,
                &BoardParams {
                    per_stage: Some(10),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let first = &b.columns[0];
        assert_eq!(first.count, 26);
        assert_eq!(first.expected_revenue.minor, expected_vnd);
        assert_eq!(first.weighted_revenue.minor, round_div(weighted_centi, 100));
        assert_eq!(
            first.other_currencies.len(),
            1,
            "USD is summed on its own line"
        );
        assert_eq!(first.other_currencies[0].0.amount(), "1234.50");
        assert_eq!(first.cards.len(), 10);
        assert!(
            first
                .cards
                .windows(2)
                .all(|w| w[0].priority >= w[1].priority),
            "best first"
        );
        // The rest of the column, page by page, ends with every record exactly once.
        let mut seen: Vec<i64> = first.cards.iter().map(|c| c.id).collect();
        let mut cursor = first.next_cursor.clone();
        while let Some(c) = cursor {
            let more = app
                .board(
                    &me,
                    &BoardParams {
                        per_stage: Some(10),
                        stage_id: Some(first.stage.id),
                        cursor: Some(c),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            seen.extend(more.columns[0].cards.iter().map(|c| c.id));
            cursor = more.columns[0].next_cursor.clone();
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 26);
        let total: i64 = b.columns.iter().map(|c| c.count).sum();
        assert_eq!(
            total,
            app.list_leads(
                &me,
                &ListParams {
                    filter: Some("type = \"opportunity\"".into()),
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .total
        );
    }
);

story!(
    the_board_marks_stale_records_and_skips_cards_of_folded_stages,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let p = app
            .list_pipelines()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.kind == "deal")
            .unwrap();
        let s = &p.stages[0];
        let stale = sen_domain::pipeline::StageValues {
            name: s.name.clone(),
            probability: s.probability,
            stale_after_days: Some(1),
            ..Default::default()
        };
        app.update_stage(&me, s.id, s.version, stale).await.unwrap();
        let l = app
            .create_lead(
                &me,
                opp(),
                LeadValues {
                    name: "Fresh".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        let b = app.board(&me, &BoardParams::default()).await.unwrap();
        assert_eq!(b.columns[0].stale, 0, "changed just now");
        let won_stage = p.stages.iter().find(|s| s.is_won).unwrap();
        assert!(won_stage.folded, "the default won stage is folded");
        app.update_lead(
            &me,
            l.id,
            l.version,
            LeadPatch::default(),
            Some(won_stage.id),
        )
        .await
        .unwrap();
        let b = app.board(&me, &BoardParams::default()).await.unwrap();
        let won_col = b
            .columns
            .iter()
            .find(|c| c.stage.id == won_stage.id)
            .unwrap();
        assert_eq!((won_col.count, won_col.cards.len()), (1, 0));
        let b = app
            .board(
                &me,
                &BoardParams {
                    include_folded: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            b.columns
                .iter()
                .find(|c| c.stage.id == won_stage.id)
                .unwrap()
                .cards
                .len(),
            1
        );
        assert!(
            app.board(
                &me,
                &BoardParams {
                    per_stage: Some(0),
                    ..Default::default()
                }
            )
            .await
            .is_err()
        );
    }
);

story!(
    a_salespersons_board_counts_only_what_they_may_see,
    |db: Db| async move {
        let app = App::new(db);
        let boss = admin(&app).await;
        let an = member(&app, &boss, "an@sen.vn", "salesperson").await;
        app.create_lead(
            &boss,
            opp(),
            LeadValues {
                name: "Boss's".into(),
                user_id: Some(boss.user_id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        app.create_lead(
            &an,
            opp(),
            LeadValues {
                name: "An's".into(),
                user_id: Some(an.user_id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let b = app.board(&an, &BoardParams::default()).await.unwrap();
        assert_eq!(b.columns[0].count, 1);
        assert_eq!(b.columns[0].cards[0].name, "An's");
        let q = app
            .board(
                &boss,
                &BoardParams {
                    q: Some("boss".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(q.columns[0].count, 1);
    }
);
