//! Issue #7 part 3 through HTTP: two PATCHes of one record sent at once from the same
//! version — one answers 200, the other 409 with the record as it now is, and the record
//! holds exactly the winner's change.

use super::*;

story!(
    two_patches_of_one_lead_at_once_answer_200_and_409,
    |db: Db| async move {
        let mut c = Client::new(db);
        c.setup().await;
        for round in 0..10 {
            let lead = c
                .post(
                    "/api/v1/leads",
                    json!({"name": format!("Cơ hội {round}"), "type": "opportunity"}),
                )
                .await
                .json();
            let path = format!("/api/v1/leads/{}", lead["id"]);
            let (a, b) = tokio::join!(
                c.send(
                    Method::PATCH,
                    &path,
                    Some(json!({"version": 1, "name": "Bản của An"}))
                ),
                c.send(
                    Method::PATCH,
                    &path,
                    Some(json!({"version": 1, "name": "Bản của Bình"}))
                ),
            );
            let mut statuses = [a.status.as_u16(), b.status.as_u16()];
            statuses.sort();
            assert_eq!(
                statuses,
                [200, 409],
                "round {round}: {} / {}",
                a.text,
                b.text
            );
            let (won, lost) = if a.status == StatusCode::OK {
                (a, b)
            } else {
                (b, a)
            };
            assert!(lost.is_problem());
            let now = c.get(&path).await.json();
            assert_eq!(now["name"], won.json()["name"]);
            assert_eq!(now["version"], 2);
        }
    }
);
