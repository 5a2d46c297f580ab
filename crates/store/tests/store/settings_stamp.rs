//! The settings stamp (migration 0017): it must move with every committed change to what
//! the application keeps in memory, or a server would answer from a stale copy.

use chrono::Utc;
use sen_domain::pipeline::PipelineValues;
use sen_store::sql::Sql;
use sen_store::users::Workspace;
use sen_store::{Db, auth, leads, pipelines, rates, settings, story, teams, users};

use super::setup_reads::{stage, team};
use super::user;

/// The stamp as last seen, to check each committed step against.
struct Seen<'a> {
    db: &'a Db,
    last: Option<i64>,
}

impl Seen<'_> {
    async fn moved(&mut self, what: &str) {
        let now = settings::stamp(&mut self.db).await.unwrap();
        assert!(now.is_some(), "the stamp's row is there");
        assert_ne!(now, self.last, "{what} must move the settings stamp");
        self.last = now;
    }

    async fn kept(&mut self, what: &str) {
        let now = settings::stamp(&mut self.db).await.unwrap();
        assert_eq!(now, self.last, "{what} must leave the settings stamp alone");
    }
}

fn pipeline(name: &str, team_ids: Vec<i64>) -> PipelineValues {
    PipelineValues {
        name: name.into(),
        kind: None,
        team_ids,
        number_prefix: "TS-".into(),
        lost_reason_required: false,
    }
}

story!(
    the_settings_stamp_moves_with_every_settings_change_and_not_with_a_new_records_number,
    |db: Db| async move {
        let by = user(&db, "chi@x.vn").await;
        let mut seen = Seen {
            db: &db,
            last: settings::stamp(&mut &db).await.unwrap(),
        };
        let south = team(&db, "Miền Nam").await;
        seen.kept("a new team").await;

        let mut tx = db.begin().await.unwrap();
        users::create_workspace(
            &mut tx,
            &Workspace {
                name: "Trường Sen".into(),
                language: "vi".into(),
                currency: "VND".into(),
                time_zone: "Asia/Ho_Chi_Minh".into(),
                created_at: Utc::now(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        seen.moved("creating the workspace").await;

        let mut tx = db.begin().await.unwrap();
        users::set_mail_settings(&mut tx, Some("smtp://127.0.0.1:2525"), None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        seen.moved("the workspace's mail settings").await;

        let mut tx = db.begin().await.unwrap();
        let id = pipelines::insert(&mut tx, &pipeline("Tuyển sinh", vec![south]), Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        seen.moved("a new pipeline").await;

        let mut tx = db.begin().await.unwrap();
        leads::next_number(&mut tx, id).await.unwrap();
        leads::reserve_numbers(&mut tx, id, 50).await.unwrap();
        tx.commit().await.unwrap();
        seen.kept("taking record numbers").await;

        let mut tx = db.begin().await.unwrap();
        pipelines::update(
            &mut tx,
            id,
            1,
            &pipeline("Tuyển sinh 2027", vec![]),
            Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        seen.moved("renaming a pipeline").await;

        let mut tx = db.begin().await.unwrap();
        let first = pipelines::insert_stage(&mut tx, id, &stage("Mới", vec![south]), Utc::now())
            .await
            .unwrap();
        let second = pipelines::insert_stage(&mut tx, id, &stage("Đã hẹn", vec![]), Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        seen.moved("new stages").await;

        let mut tx = db.begin().await.unwrap();
        pipelines::update_stage(
            &mut tx,
            first,
            1,
            &stage("Khách mới", vec![south]),
            Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        seen.moved("renaming a stage").await;

        let mut tx = db.begin().await.unwrap();
        pipelines::reorder(&mut tx, id, &[second, first], Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        seen.moved("reordering stages").await;

        let mut tx = db.begin().await.unwrap();
        rates::set(&mut tx, "USD", 25_000_000_000, by, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        seen.moved("a currency rate").await;

        let mut tx = db.begin().await.unwrap();
        rates::delete(&mut tx, "USD").await.unwrap();
        tx.commit().await.unwrap();
        seen.moved("removing a rate").await;

        // The team's stage link goes with it (ON DELETE CASCADE).
        let mut tx = db.begin().await.unwrap();
        teams::delete(&mut tx, south).await.unwrap();
        tx.commit().await.unwrap();
        seen.moved("deleting a team that a stage names").await;
        let p = pipelines::get(&mut &db, id).await.unwrap().unwrap();
        assert!(p.stages.iter().all(|s| s.team_ids.is_empty()));

        let mut tx = db.begin().await.unwrap();
        pipelines::delete_stage(&mut tx, second).await.unwrap();
        tx.commit().await.unwrap();
        seen.moved("deleting a stage").await;

        let mut tx = db.begin().await.unwrap();
        pipelines::delete(&mut tx, id).await.unwrap();
        tx.commit().await.unwrap();
        seen.moved("deleting a pipeline").await;

        // A change rolled back (its transaction dropped) leaves it as it was.
        let mut tx = db.begin().await.unwrap();
        pipelines::insert(&mut tx, &pipeline("Nháp", vec![]), Utc::now())
            .await
            .unwrap();
        drop(tx);
        seen.kept("a rolled-back pipeline").await;
    }
);

story!(
    the_settings_read_together_carry_the_stamp_a_session_read_sees,
    |db: Db| async move {
        let by = user(&db, "an@x.vn").await;
        let mut tx = db.begin().await.unwrap();
        let id = pipelines::insert(&mut tx, &pipeline("Bán hàng", vec![]), Utc::now())
            .await
            .unwrap();
        pipelines::insert_stage(&mut tx, id, &stage("Mới", vec![]), Utc::now())
            .await
            .unwrap();
        rates::set(&mut tx, "TWD", 800_000_000, by, Utc::now())
            .await
            .unwrap();
        let now = Utc::now();
        auth::insert_session(
            &mut tx,
            &auth::Session {
                id: "hash".into(),
                user_id: by,
                csrf_token: "csrf".into(),
                created_at: now,
                expires_at: now + chrono::Duration::hours(1),
                last_seen_at: now,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let (read, settled) = settings::load(&mut &db).await.unwrap();
        assert!(settled, "nothing changed while it was read");
        assert_eq!(Some(read.stamp), settings::stamp(&mut &db).await.unwrap());
        let listed = pipelines::list(&mut &db).await.unwrap();
        let ids = |ps: &[pipelines::Pipeline]| -> Vec<(i64, Vec<i64>)> {
            ps.iter()
                .map(|p| (p.id, p.stages.iter().map(|s| s.id).collect()))
                .collect()
        };
        assert_eq!(ids(&read.pipelines), ids(&listed));
        assert!(read.workspace.is_none());
        let rates: Vec<(String, i64)> = read
            .rates
            .iter()
            .map(|r| (r.currency.clone(), r.rate_micro))
            .collect();
        assert_eq!(rates, vec![("TWD".to_string(), 800_000_000)]);

        let session = auth::session_with_user(&mut &db, "hash", Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(session.settings_stamp, Some(read.stamp));
    }
);

story!(
    every_pipeline_column_but_the_next_number_moves_the_settings_stamp,
    |db: Db| async move {
        // The triggers name the columns; one added later must be named too.
        let mut tx = db.begin().await.unwrap();
        let id = pipelines::insert(&mut tx, &pipeline("Bán hàng", vec![]), Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut seen = Seen {
            db: &db,
            last: settings::stamp(&mut &db).await.unwrap(),
        };
        let columns = sen_store::portable::database_columns(&db, "pipelines")
            .await
            .unwrap();
        assert!(columns.len() > 5, "{columns:?}");
        for column in columns {
            let mut tx = db.begin().await.unwrap();
            tx.execute(&Sql::with(
                format!("UPDATE pipelines SET {column} = {column} WHERE id = $1"),
                vec![id.into()],
            ))
            .await
            .unwrap();
            tx.commit().await.unwrap();
            if column == "next_number" {
                seen.kept("writing next_number").await;
            } else {
                seen.moved(&format!("writing pipelines.{column}")).await;
            }
        }
    }
);
