//! The settings kept in memory (pipelines and their stages, the workspace, the currency
//! rates): each request must see them as of its own session read, whichever server or use
//! case changed them.

use sen_app::board::BoardParams;
use sen_app::leads::Placement;
use sen_app::reports::ReportParams;
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};
use sen_domain::money::Money;
use sen_domain::pipeline::StageValues;
use sen_store::pipelines::Stage;
use sen_store::sql::Sql;

use super::*;

/// What every HTTP request does first: read its session, and with it the settings stamp.
async fn request(app: &App, cookie: &str) -> Actor {
    app.authenticate_session(cookie).await.unwrap().actor
}

fn opportunity(name: &str) -> LeadValues {
    LeadValues {
        name: name.into(),
        ..Default::default()
    }
}

fn opp() -> Placement {
    Placement {
        kind: Some(LeadType::Opportunity),
        ..Default::default()
    }
}

async fn first_column(app: &App, cookie: &str) -> Stage {
    let me = request(app, cookie).await;
    let board = app.board(&me, &BoardParams::default()).await.unwrap();
    board.columns[0].stage.clone()
}

story!(
    the_next_request_after_a_stage_change_sees_it_on_the_board_and_can_move_into_a_new_stage,
    |db: Db| async move {
        let app = App::new(db);
        let cookie = app.setup(setup_input()).await.unwrap().cookie_value;
        let first = first_column(&app, &cookie).await;

        let me = request(&app, &cookie).await;
        let values = StageValues {
            name: "Khách mới".into(),
            ..first.values()
        };
        app.update_stage(&me, first.id, first.version, values)
            .await
            .unwrap();
        assert_eq!(first_column(&app, &cookie).await.name, "Khách mới");

        let me = request(&app, &cookie).await;
        let added = app
            .add_stage(
                &me,
                first.pipeline_id,
                StageValues {
                    name: "Đã hẹn gặp".into(),
                    ..first.values()
                },
            )
            .await
            .unwrap();
        let me = request(&app, &cookie).await;
        let lead = app
            .create_lead(&me, opp(), opportunity("Linda Wu"))
            .await
            .unwrap()
            .lead;
        let me = request(&app, &cookie).await;
        let moved = app
            .update_lead(
                &me,
                lead.id,
                lead.version,
                LeadPatch::default(),
                Some(added.id),
            )
            .await
            .unwrap();
        assert_eq!(moved.lead.stage_id, added.id);
    }
);

story!(
    a_settings_change_another_server_commits_is_seen_by_the_next_request_here,
    |db: Db| async move {
        let app = App::new(db.clone());
        let cookie = app.setup(setup_input()).await.unwrap().cookie_value;
        let me = request(&app, &cookie).await;
        let usd = LeadValues {
            expected_revenue: Some(Money::parse("1000", "USD").unwrap()),
            ..opportunity("Mike: 200 áo thun")
        };
        let lead = app.create_lead(&me, opp(), usd).await.unwrap().lead;
        let report = |actor: Actor| {
            let app = app.clone();
            async move {
                let params = ReportParams {
                    pipeline_id: None,
                    group_by: vec!["stage".into()],
                    measures: vec!["count".into(), "expected_revenue".into()],
                    filter: None,
                };
                app.pipeline_report(&actor, &params).await.unwrap().total
            }
        };
        let before = report(request(&app, &cookie).await).await;
        assert_eq!(before.expected_revenue.minor, 0);
        assert_eq!(before.other_currencies.len(), 1);
        let second = app
            .board(&request(&app, &cookie).await, &BoardParams::default())
            .await
            .unwrap()
            .columns[1]
            .stage
            .clone();

        // A second server on the same database: its own memory, its own use cases.
        let other = App::new(db.clone());
        let admin = other.authenticate_session(&cookie).await.unwrap().actor;
        other.set_rate(&admin, "USD", "25000").await.unwrap();
        let values = StageValues {
            required_fields: vec!["email".into()],
            ..second.values()
        };
        other
            .update_stage(&admin, second.id, second.version, values)
            .await
            .unwrap();

        let after = report(request(&app, &cookie).await).await;
        assert_eq!(after.expected_revenue.minor, 25_000_000);
        assert!(after.other_currencies.is_empty());
        let refused = app
            .update_lead(
                &request(&app, &cookie).await,
                lead.id,
                lead.version,
                LeadPatch::default(),
                Some(second.id),
            )
            .await;
        let Err(AppError::Invalid(e)) = refused else {
            panic!("the stage now asks for an e-mail: {refused:?}");
        };
        assert!(e.0.contains_key("email"), "{e:?}");
    }
);

story!(
    the_kept_settings_are_read_again_only_when_the_stamp_moves,
    |db: Db| async move {
        let app = App::new(db.clone());
        let cookie = app.setup(setup_input()).await.unwrap().cookie_value;
        let first = first_column(&app, &cookie).await;
        let stamp = sen_store::settings::stamp(&mut &db).await.unwrap().unwrap();
        // Behind the application's back, and with the stamp put back as it was: a request
        // that sees the old stamp is answered from memory, the old name.
        let mut tx = db.begin().await.unwrap();
        tx.execute(&Sql::with(
            "UPDATE stages SET name = 'Đổi tên' WHERE id = $1",
            vec![first.id.into()],
        ))
        .await
        .unwrap();
        // (A transaction of its own: PostgreSQL moves the stamp when the first one commits.)
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        tx.execute(&Sql::with(
            "UPDATE settings_stamp SET stamp = $1",
            vec![stamp.into()],
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(first_column(&app, &cookie).await.name, first.name);

        // Once the stamp moves, the next request reads them again.
        let mut tx = db.begin().await.unwrap();
        tx.execute(&Sql::new("UPDATE settings_stamp SET stamp = stamp + 1"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(first_column(&app, &cookie).await.name, "Đổi tên");
    }
);
