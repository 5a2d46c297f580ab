//! Writing many contacts at once (the benchmark's generator).

use chrono::Utc;
use sen_domain::contact::ContactValues;
use sen_store::{Db, contacts, story};

use super::{all, search, user};

story!(
    contacts_written_many_at_a_time_get_ids_in_the_order_given,
    |db: Db| async move {
        let me = user(&db, "me@x.vn").await;
        // More than one statement's worth, so the chunks' ids must line up too.
        let given: Vec<(ContactValues, _)> = (0..1_234)
            .map(|i| {
                let v = ContactValues {
                    name: format!("Công ty Sen {i}"),
                    is_company: true,
                    ..Default::default()
                }
                .cleaned();
                let d = v.derived();
                (v, d)
            })
            .collect();
        let mut tx = db.begin().await.unwrap();
        let ids = contacts::insert_many(&mut tx, &given, me, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(ids.len(), given.len());
        for (i, id) in ids.iter().enumerate().step_by(97) {
            let c = contacts::get(&mut &db, *id, &all()).await.unwrap().unwrap();
            assert_eq!(c.name, format!("Công ty Sen {i}"));
        }
        // Their search keys were written: an accent-free query finds them.
        assert_eq!(
            search(&db, "cong ty sen 1233").await,
            vec!["Công ty Sen 1233"]
        );
    }
);
