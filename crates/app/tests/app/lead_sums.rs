//! The maintained aggregates (`lead_sums`, kept by triggers) always give the board's column
//! figures and the pipeline report exactly as a scan of the leads does: after generated
//! data, after hundreds of random writes of every kind straight to the table, after
//! compaction and after a rebuild.

use chrono::{Duration, Utc};
use sen_app::generate::Seeded;
use sen_domain::filter::Cond;
use sen_domain::search::parse_query;
use sen_domain::user::Role;
use sen_store::board::{self, BoardSpec};
use sen_store::sql::{Arg, Sql};
use sen_store::{lead_sums, pipelines, reports};

use super::*;

type BoardRow = (
    i64,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
    i64,
);

fn board_rows(rows: Vec<board::StageSums>) -> Vec<BoardRow> {
    let mut v: Vec<BoardRow> = rows
        .into_iter()
        .map(|r| {
            (
                r.stage_id,
                r.currency,
                r.count,
                r.revenue_minor,
                r.weighted_centi_minor,
                r.stale,
                r.overdue,
                r.today,
                r.planned,
            )
        })
        .collect();
    v.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    v
}

/// Stale figures per stage (the scan spreads them over currency rows, the aggregates put
/// them on one row of the stage).
fn without_stale(rows: &[BoardRow]) -> (Vec<BoardRow>, Vec<(i64, i64)>) {
    let mut stale: std::collections::BTreeMap<i64, i64> = Default::default();
    let rows = rows
        .iter()
        .map(|r| {
            *stale.entry(r.0).or_default() += r.5;
            let mut r = r.clone();
            r.5 = 0;
            r
        })
        .collect();
    (rows, stale.into_iter().filter(|(_, n)| *n > 0).collect())
}

/// Compares both ways of answering for several readers, filters and groupings.
async fn assert_agree(app: &App, db: &Db, pipeline_id: i64, actors: &[Actor], when: &str) {
    let pipeline = pipelines::get(&mut &*db, pipeline_id)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let no_text = parse_query("");
    for actor in actors {
        let scope = app.lead_scope(actor).await.unwrap();
        for text in [
            None,
            Some("outcome != \"lost\" and outcome != \"unqualified\""),
            Some("user_id = me"),
            Some("activity_state = \"overdue\""),
            Some("type = \"opportunity\" and team_id != null"),
            Some("priority >= 2"),
        ] {
            let filter: Option<Cond> =
                sen_app::contacts::user_filter(actor, text, &sen_domain::lead::filter_fields())
                    .unwrap();
            let spec = BoardSpec {
                pipeline_id,
                scope: &scope,
                filter: filter.as_ref(),
                query: &no_text,
                per_stage: 40,
                now,
            };
            // The list's total comes from the sums too; the scan's report counts the same.
            let listed = app
                .list_leads(
                    actor,
                    &sen_app::contacts::ListParams {
                        filter: text.map(String::from),
                        limit: Some(1),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let scanned: i64 =
                reports::pipeline_scan(db, &["pipeline"], None, &scope, filter.as_ref())
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.count)
                    .sum();
            assert_eq!(listed.total, scanned, "list total {when}, filter {text:?}");
            let fast = board_rows(board::sums(db, &spec, &pipeline.stages).await.unwrap());
            let scan = board_rows(board::sums_scan(db, &spec, &pipeline.stages).await.unwrap());
            assert_eq!(
                without_stale(&fast),
                without_stale(&scan),
                "board {when}, {:?} reading, filter {text:?}",
                actor.role
            );
            for groups in [
                &["stage", "user"][..],
                &["team"],
                &["outcome", "type"],
                &["pipeline"],
                &["source"],
            ] {
                for p in [None, Some(pipeline_id)] {
                    let fast = reports::pipeline(db, groups, p, &scope, filter.as_ref())
                        .await
                        .unwrap();
                    let scan = reports::pipeline_scan(db, groups, p, &scope, filter.as_ref())
                        .await
                        .unwrap();
                    let key = |r: &reports::Row| {
                        (
                            r.k1.clone(),
                            r.k2.clone(),
                            r.currency.clone(),
                            r.count,
                            r.revenue_minor,
                            r.weighted_centi_minor,
                        )
                    };
                    let mut fast: Vec<_> = fast.iter().map(key).collect();
                    let mut scan: Vec<_> = scan.iter().map(key).collect();
                    fast.sort();
                    scan.sort();
                    assert_eq!(fast, scan, "report {groups:?} {when}, filter {text:?}");
                }
            }
        }
    }
}

/// One random write straight to the leads table (what any code path might do).
async fn random_write(
    db: &Db,
    rng: &mut Seeded,
    ids: &[i64],
    stages: &[i64],
    users: &[i64],
    teams: &[i64],
) {
    let id = rng.pick(ids);
    let now = Utc::now();
    let day = |rng: &mut Seeded| {
        let start = (now + Duration::days(rng.range(-3, 3)))
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        (start, start + Duration::days(1))
    };
    let maybe = |rng: &mut Seeded, items: &[i64]| -> Arg {
        if rng.chance(20) {
            Arg::I64(None)
        } else {
            rng.pick(items).into()
        }
    };
    let sql = match rng.range(0, 9) {
        0 => Sql::with(
            "UPDATE leads SET stage_id = $1 WHERE id = $2",
            vec![rng.pick(stages).into(), id.into()],
        ),
        1 => Sql::with(
            "UPDATE leads SET outcome = $1 WHERE id = $2",
            vec![rng.pick(&["open", "won", "lost"]).into(), id.into()],
        ),
        2 => Sql::with(
            "UPDATE leads SET user_id = $1 WHERE id = $2",
            vec![maybe(rng, users), id.into()],
        ),
        3 => Sql::with(
            "UPDATE leads SET team_id = $1 WHERE id = $2",
            vec![maybe(rng, teams), id.into()],
        ),
        4 => {
            let (minor, cur): (Arg, Arg) = match rng.range(0, 2) {
                0 => (Arg::I64(None), Arg::Text(None)),
                1 => (rng.range(1, 9_999_999).into(), "VND".into()),
                _ => (rng.range(1, 99_999).into(), "USD".into()),
            };
            Sql::with(
                "UPDATE leads SET revenue_minor = $1, currency = $2 WHERE id = $3",
                vec![minor, cur, id.into()],
            )
        }
        5 => {
            let at: Arg = if rng.chance(50) {
                now.into()
            } else {
                Arg::Time(None)
            };
            Sql::with(
                "UPDATE leads SET archived_at = $1 WHERE id = $2",
                vec![at, id.into()],
            )
        }
        6 => {
            let (s, e): (Arg, Arg) = if rng.chance(25) {
                (Arg::Time(None), Arg::Time(None))
            } else {
                let (s, e) = day(rng);
                (s.into(), e.into())
            };
            Sql::with(
                "UPDATE leads SET activity_day_start = $1, activity_day_end = $2 WHERE id = $3",
                vec![s, e, id.into()],
            )
        }
        7 => Sql::with(
            "UPDATE leads SET probability = $1 WHERE id = $2",
            vec![rng.range(0, 100).into(), id.into()],
        ),
        8 => Sql::with(
            "UPDATE leads SET stage_changed_at = $1, name = name WHERE id = $2",
            vec![(now - Duration::days(rng.range(0, 60))).into(), id.into()],
        ),
        _ => Sql::with(
            "UPDATE leads SET type = $1 WHERE id = $2",
            vec![rng.pick(&["lead", "opportunity"]).into(), id.into()],
        ),
    };
    let mut tx = db.begin().await.unwrap();
    tx.execute(&sql).await.unwrap();
    tx.commit().await.unwrap();
}

story!(
    the_maintained_sums_always_equal_a_scan_of_the_leads,
    |db: Db| async move {
        let app = App::new(db.clone());
        app.ensure_demo_workspace().await.unwrap();
        let g = app.generate_workload(300, 11).await.unwrap();
        let admin = app.system_actor().await.unwrap();
        let pipeline = pipelines::get(&mut &db, g.pipeline_id)
            .await
            .unwrap()
            .unwrap();
        // A stale limit on one stage, so the stale count is exercised too.
        let stale_stage = pipeline.stages[1].id;
        let mut tx = db.begin().await.unwrap();
        tx.execute(&Sql::with(
            "UPDATE stages SET stale_after_days = 10 WHERE id = $1",
            vec![stale_stage.into()],
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let stages: Vec<i64> = pipeline.stages.iter().map(|s| s.id).collect();
        let rows: Vec<(i64, Option<i64>, Option<i64>)> = db
            .fetch_all(&Sql::new(
                "SELECT id, user_id, team_id FROM leads ORDER BY id",
            ))
            .await
            .unwrap();
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut users: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
        users.sort();
        users.dedup();
        let mut teams: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
        teams.sort();
        teams.dedup();
        let seller = Actor {
            user_id: users[0],
            role: Role::Salesperson,
            language: "vi".into(),
            time_zone: "Asia/Ho_Chi_Minh".into(),
            seen_settings: None,
        };
        let leader = Actor {
            user_id: users[1],
            role: Role::TeamLeader,
            ..seller.clone()
        };
        let actors = [admin.clone(), seller, leader];

        assert_agree(&app, &db, g.pipeline_id, &actors, "after generating").await;
        let mut rng = Seeded::new(99);
        for round in 0..4 {
            for _ in 0..60 {
                random_write(&db, &mut rng, &ids, &stages, &users, &teams).await;
            }
            // Deleting and creating through the use cases as well.
            let victim = ids[round * 7];
            let _ = app.delete_lead(&admin, victim).await;
            assert_agree(
                &app,
                &db,
                g.pipeline_id,
                &actors,
                &format!("after round {round}"),
            )
            .await;
        }
        let before = lead_sums::row_count(&db).await.unwrap();
        app.compact_lead_sums().await.unwrap();
        let after = lead_sums::row_count(&db).await.unwrap();
        assert!(after < before, "compaction folds rows ({before} → {after})");
        assert_agree(&app, &db, g.pipeline_id, &actors, "after compaction").await;
        // A key left with one row is not rewritten: compacting again, or after one write,
        // keeps every other row as it was.
        let sum_ids = || async {
            let rows: Vec<(i64,)> = db
                .fetch_all(&Sql::new("SELECT id FROM lead_sums ORDER BY id"))
                .await
                .unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<i64>>()
        };
        let kept = sum_ids().await;
        app.compact_lead_sums().await.unwrap();
        assert_eq!(sum_ids().await, kept, "nothing to fold, nothing rewritten");
        random_write(&db, &mut rng, &ids, &stages, &users, &teams).await;
        app.compact_lead_sums().await.unwrap();
        let after_write = sum_ids().await;
        let untouched = kept.iter().filter(|id| after_write.contains(id)).count();
        assert!(
            untouched + 2 >= kept.len(),
            "one write rewrites at most its two keys ({untouched} of {} kept)",
            kept.len()
        );
        assert_agree(
            &app,
            &db,
            g.pipeline_id,
            &actors,
            "after a small compaction",
        )
        .await;
        app.rebuild_lead_sums().await.unwrap();
        assert_eq!(
            lead_sums::row_count(&db).await.unwrap(),
            after,
            "a rebuild gives the compacted rows"
        );
        assert_agree(&app, &db, g.pipeline_id, &actors, "after a rebuild").await;
    }
);
