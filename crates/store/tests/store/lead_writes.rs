//! A lead's write and what travels with it: its change log, in the same statement on
//! PostgreSQL.

use chrono::Utc;
use sen_domain::lead::LeadValues;
use sen_domain::pipeline::PipelineValues;
use sen_store::change_log::{self, Entry};
use sen_store::leads::{self, Lead, LeadState, Write};
use sen_store::{Db, pipelines, story};

use super::setup_reads::stage;
use super::{all, user};

/// A lead in a new pipeline's only stage, with `team_id`.
async fn lead(db: &Db, by: i64, team_id: Option<i64>) -> Lead {
    let now = Utc::now();
    let mut tx = db.begin().await.unwrap();
    let pipeline = PipelineValues {
        name: "Bán hàng".into(),
        kind: None,
        team_ids: vec![],
        number_prefix: "BH-".into(),
        lost_reason_required: false,
    };
    let p = pipelines::insert(&mut tx, &pipeline, now).await.unwrap();
    let s = pipelines::insert_stage(&mut tx, p, &stage("Mới", vec![]), now)
        .await
        .unwrap();
    let v = LeadValues {
        name: "Áo thun cho Mike".into(),
        team_id,
        ..Default::default()
    };
    let number = leads::next_number(&mut tx, p).await.unwrap();
    let st = LeadState {
        number: &number,
        kind: "opportunity",
        pipeline_id: p,
        stage_id: s,
        outcome: "open",
        probability: 10,
        stage_changed_at: now,
        closed: false,
    };
    let l = leads::insert(&mut tx, &v, &v.derived(&number), &st, by, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    l
}

fn entry(id: i64, field: &'static str, old: &str, new: &str) -> Entry<'static> {
    Entry {
        record_type: "lead",
        record_id: id,
        field,
        old_value: Some(old.into()),
        new_value: Some(new.into()),
    }
}

/// Renames `l` at `version` with the given log entries; whether the row was written.
async fn rename(db: &Db, l: &Lead, version: i64, name: &str, log: Vec<Entry<'_>>) -> bool {
    let mut v = l.values();
    v.name = name.into();
    let mut tx = db.begin().await.unwrap();
    let written = leads::update(
        &mut tx,
        l.id,
        version,
        Write {
            values: &v,
            derived: &v.derived(&l.number),
            extra: vec![],
            stored: l,
            log,
        },
        l.created_by.unwrap_or_default(),
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    written.is_some()
}

story!(
    an_updates_change_log_is_written_with_it_and_never_for_a_stale_version,
    |db: Db| async move {
        let by = user(&db, "mai@x.vn").await;
        let l = lead(&db, by, None).await;
        let logged = |db: Db, id: i64| async move {
            change_log::of_record(&mut &db, "lead", id)
                .await
                .unwrap()
                .into_iter()
                .map(|c| (c.field, c.new_value.unwrap_or_default()))
                .collect::<Vec<_>>()
        };

        // A stale version writes neither the row nor its log.
        let stale = vec![entry(l.id, "name", &l.name, "Cũ")];
        assert!(!rename(&db, &l, l.version + 1, "Cũ", stale).await);
        assert!(logged(db.clone(), l.id).await.is_empty());
        let still = leads::get(&mut &db, l.id, &all()).await.unwrap().unwrap();
        assert_eq!(still.name, l.name);

        // The current version writes the row and every entry, in order.
        let both = vec![
            entry(l.id, "name", &l.name, "Áo thun 200 cái"),
            entry(l.id, "priority", "0", "2"),
        ];
        assert!(rename(&db, &l, l.version, "Áo thun 200 cái", both).await);
        assert_eq!(
            logged(db.clone(), l.id).await,
            vec![
                ("name".to_string(), "Áo thun 200 cái".to_string()),
                ("priority".to_string(), "2".to_string())
            ]
        );

        // No entries: the row alone.
        let now = leads::get(&mut &db, l.id, &all()).await.unwrap().unwrap();
        assert!(rename(&db, &now, now.version, "Áo thun 250 cái", vec![]).await);
        assert_eq!(logged(db.clone(), l.id).await.len(), 2);
        let after = leads::get(&mut &db, l.id, &all()).await.unwrap().unwrap();
        assert_eq!(
            (after.name.as_str(), after.version),
            ("Áo thun 250 cái", now.version + 1)
        );
    }
);
