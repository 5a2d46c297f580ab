//! Reads every write makes (its lead's pipeline, the followers to tell), each folded into
//! fewer statements: they must still give the same answers.

use chrono::Utc;
use sen_domain::pipeline::{PipelineValues, StageValues};
use sen_store::teams::{self, TeamValues};
use sen_store::{Db, followers, pipelines, story};

use super::user;

pub(super) async fn team(db: &Db, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = teams::insert(
        &mut tx,
        &TeamValues {
            name,
            leader_id: None,
            active: true,
            member_ids: &[],
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

pub(super) fn stage(name: &str, team_ids: Vec<i64>) -> StageValues {
    StageValues {
        name: name.into(),
        probability: 10,
        is_won: false,
        folded: false,
        requirements: None,
        team_ids,
        stale_after_days: None,
        required_fields: vec![],
    }
}

story!(
    a_pipeline_reads_with_its_teams_and_its_stages_in_board_order,
    |db: Db| async move {
        let north = team(&db, "Miền Bắc").await;
        let south = team(&db, "Miền Nam").await;
        let mut tx = db.begin().await.unwrap();
        let values = PipelineValues {
            name: "Tuyển sinh 2027".into(),
            kind: None,
            team_ids: vec![south, north],
            number_prefix: "TS-".into(),
            lost_reason_required: false,
        };
        let id = pipelines::insert(&mut tx, &values, Utc::now())
            .await
            .unwrap();
        let both =
            pipelines::insert_stage(&mut tx, id, &stage("Mới", vec![south, north]), Utc::now())
                .await
                .unwrap();
        let none = pipelines::insert_stage(&mut tx, id, &stage("Đã hẹn", vec![]), Utc::now())
            .await
            .unwrap();
        let one = pipelines::insert_stage(&mut tx, id, &stage("Nhập học", vec![north]), Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let p = pipelines::get(&mut &db, id).await.unwrap().unwrap();
        assert_eq!(p.name, "Tuyển sinh 2027");
        let (low, high) = (north.min(south), north.max(south));
        assert_eq!(p.team_ids, vec![low, high]);
        let stages: Vec<(i64, Vec<i64>)> = p
            .stages
            .iter()
            .map(|s| (s.id, s.team_ids.clone()))
            .collect();
        assert_eq!(
            stages,
            vec![(both, vec![low, high]), (none, vec![]), (one, vec![north])]
        );

        // The whole list gives each pipeline its own stages and teams, the same as `get`.
        let all = pipelines::list(&mut &db).await.unwrap();
        let listed = all.iter().find(|q| q.id == id).unwrap();
        assert_eq!(listed.team_ids, p.team_ids);
        assert_eq!(listed.stages.len(), 3);
        assert!(
            all.iter()
                .all(|q| q.stages.iter().all(|s| s.pipeline_id == q.id))
        );
        assert!(pipelines::get(&mut &db, id + 1000).await.unwrap().is_none());
    }
);

story!(
    a_records_followers_come_before_its_teams_in_one_read,
    |db: Db| async move {
        let (an, binh, chi) = (
            user(&db, "an@x.vn").await,
            user(&db, "binh@x.vn").await,
            user(&db, "chi@x.vn").await,
        );
        let sales = team(&db, "Kinh doanh").await;
        let other = team(&db, "Khác").await;
        let mut tx = db.begin().await.unwrap();
        let now = Utc::now();
        followers::upsert(&mut tx, "team", sales, an, "all", now)
            .await
            .unwrap();
        followers::upsert(&mut tx, "lead", 7, binh, "all", now)
            .await
            .unwrap();
        followers::upsert(&mut tx, "team", sales, binh, "all", now)
            .await
            .unwrap();
        followers::upsert(&mut tx, "lead", 8, chi, "all", now)
            .await
            .unwrap();
        followers::upsert(&mut tx, "team", other, chi, "all", now)
            .await
            .unwrap();
        followers::upsert(&mut tx, "lead", 7, an, "all", now)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let read = followers::of_record_and_team(&mut &db, "lead", 7, Some(sales))
            .await
            .unwrap();
        let who: Vec<(&str, i64)> = read
            .iter()
            .map(|f| (f.record_type.as_str(), f.user_id))
            .collect();
        // The lead's own followers in the order they followed, then the team's.
        assert_eq!(
            who,
            vec![("lead", binh), ("lead", an), ("team", an), ("team", binh)]
        );
        let mut separately = followers::of_record(&mut &db, "lead", 7).await.unwrap();
        separately.extend(followers::of_record(&mut &db, "team", sales).await.unwrap());
        let ids = |fs: &[followers::Follower]| fs.iter().map(|f| f.id).collect::<Vec<_>>();
        assert_eq!(ids(&read), ids(&separately));
        // Without a team, only the record's own followers.
        let teamless = followers::of_record_and_team(&mut &db, "lead", 7, None)
            .await
            .unwrap();
        let own = followers::of_record(&mut &db, "lead", 7).await.unwrap();
        assert_eq!(ids(&teamless), ids(&own));
        assert_eq!(teamless.len(), 2);
    }
);
