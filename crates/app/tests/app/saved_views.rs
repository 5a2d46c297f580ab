//! Favourites (issue #4, R3.4), included by app.rs.

use sen_app::saved_views::ViewInput;

use super::*;

fn view(name: &str, page: &str, query: &str, shared: bool, is_default: bool) -> ViewInput {
    ViewInput {
        name: name.into(),
        page: page.into(),
        query: query.into(),
        shared,
        is_default,
    }
}

story!(
    favourites_are_private_or_shared_with_one_default_per_user_and_page,
    |db: Db| async move {
        let app = App::new(db);
        let chi = admin(&app).await;
        let an = member(&app, &chi, "an@example.com", "salesperson").await;
        let binh = member(&app, &chi, "binh@example.com", "salesperson").await;

        let mine = app
            .save_view(
                &an,
                view("Mine", "board", "?chip=mine&pipeline=1", false, true),
            )
            .await
            .unwrap();
        assert_eq!(
            mine.query, "chip=mine&pipeline=1",
            "the leading ? is dropped"
        );
        let open = app
            .save_view(
                &an,
                view(
                    "Open by stage",
                    "opportunities",
                    "chip=open&group=stage",
                    true,
                    false,
                ),
            )
            .await
            .unwrap();

        // Binh sees only the shared one; An sees both.
        let names = |v: Vec<sen_store::saved_views::SavedView>| {
            v.into_iter().map(|v| v.name).collect::<Vec<_>>()
        };
        assert_eq!(
            names(app.saved_views(&binh, None).await.unwrap()),
            vec!["Open by stage"]
        );
        assert_eq!(
            names(app.saved_views(&an, Some("board")).await.unwrap()),
            vec!["Mine"]
        );
        assert!(matches!(
            app.saved_view(&binh, mine.id).await,
            Err(AppError::NotFound)
        ));

        // One default per user and page: marking another moves it.
        assert_eq!(
            app.default_view(&an, "board").await.unwrap().unwrap().id,
            mine.id
        );
        let second = app
            .save_view(&an, view("All", "board", "pipeline=1", false, true))
            .await
            .unwrap();
        assert_eq!(
            app.default_view(&an, "board").await.unwrap().unwrap().id,
            second.id
        );
        assert!(app.default_view(&binh, "board").await.unwrap().is_none());

        // Others may read a shared view but not change, default or delete it.
        assert!(matches!(
            app.update_view(&binh, open.id, Some("Mine now".into()), None, None)
                .await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.update_view(&binh, open.id, None, None, Some(true))
                .await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.delete_view(&binh, open.id).await,
            Err(AppError::Forbidden)
        ));
        app.delete_view(&chi, open.id).await.unwrap();
        assert!(matches!(
            app.saved_view(&an, open.id).await,
            Err(AppError::NotFound)
        ));
    }
);

story!(
    a_favourite_without_a_name_or_for_an_unknown_page_is_refused,
    |db: Db| async move {
        let app = App::new(db);
        let chi = admin(&app).await;
        let e = app
            .save_view(
                &chi,
                view("  ", "reports", &"x".repeat(9_000), false, false),
            )
            .await
            .unwrap_err();
        assert_eq!(invalid_fields(e), vec!["name", "page", "query"]);
        assert!(
            app.saved_views(&chi, None).await.unwrap().is_empty(),
            "nothing half-written"
        );
    }
);
