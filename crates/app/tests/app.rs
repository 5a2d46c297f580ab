//! The use cases' test binary: each story runs on SQLite and on PostgreSQL.

use sen_app::auth::SetupInput;
use sen_app::contacts::ListParams;
use sen_app::users::{NewUserInput, UserChanges};
use sen_app::{Actor, App, AppError, Current};
use sen_domain::contact::{ContactPatch, ContactValues};
use sen_domain::errors::Invalid;
use sen_store::{Db, story};

fn setup_input() -> SetupInput {
    SetupInput {
        workspace_name: Some("Công ty Sen".into()),
        language: Some("vi".into()),
        currency: Some("VND".into()),
        time_zone: Some("Asia/Ho_Chi_Minh".into()),
        admin_name: Some("Phạm Thu Chi".into()),
        admin_email: Some("Chi@Example.com".into()),
        admin_password: Some("mật-khẩu-dài".into()),
    }
}

async fn admin(app: &App) -> Actor {
    let s = app.setup(setup_input()).await.unwrap();
    let actor = app
        .authenticate_session(&s.cookie_value)
        .await
        .unwrap()
        .actor;
    across_requests(actor)
}

/// A request's actor carries the settings stamp its session read saw, which holds for that
/// one request; a test's actor acts across many calls, as a new request each time would.
fn across_requests(actor: Actor) -> Actor {
    Actor {
        seen_settings: None,
        ..actor
    }
}

async fn member(app: &App, admin: &Actor, email: &str, role: &str) -> Actor {
    let u = app
        .create_user(
            admin,
            NewUserInput {
                name: Some(email.into()),
                email: Some(email.into()),
                password: Some("password-123".into()),
                role: Some(role.into()),
                language: Some("en".into()),
                time_zone: Some("Asia/Taipei".into()),
            },
        )
        .await
        .unwrap();
    let s = app.login(email, "password-123", "test").await.unwrap();
    let actor = app
        .authenticate_session(&s.cookie_value)
        .await
        .unwrap()
        .actor;
    assert_eq!(actor.user_id, u.id);
    across_requests(actor)
}

fn contact(name: &str, owner: Option<i64>) -> ContactValues {
    ContactValues {
        name: name.into(),
        owner_id: owner,
        ..Default::default()
    }
}

fn invalid_fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(f) => f.0.keys().cloned().collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

story!(setup_runs_once_then_answers_conflict, |db: Db| async move {
    let app = App::new(db);
    assert!(!app.is_set_up().await.unwrap());
    let s = app.setup(setup_input()).await.unwrap();
    assert_eq!(s.user.role, "admin");
    assert_eq!(s.user.email, "chi@example.com");
    assert!(app.is_set_up().await.unwrap());
    assert!(matches!(
        app.setup(setup_input()).await,
        Err(AppError::Conflict("already_set_up"))
    ));
    let ws = app.workspace().await.unwrap().unwrap();
    assert_eq!((ws.language.as_str(), ws.currency.as_str()), ("vi", "VND"));
});

story!(setup_names_every_wrong_field, |db: Db| async move {
    let app = App::new(db);
    let bad = SetupInput {
        workspace_name: Some(" ".into()),
        language: Some("fr".into()),
        currency: Some("EUR".into()),
        time_zone: Some("Mars/Olympus".into()),
        admin_name: None,
        admin_email: Some("no-at-sign".into()),
        admin_password: Some("short".into()),
    };
    let fields = invalid_fields(app.setup(bad).await.unwrap_err());
    assert_eq!(
        fields,
        vec![
            "admin.email",
            "admin.name",
            "admin.password",
            "currency",
            "language",
            "time_zone",
            "workspace_name"
        ]
    );
    assert!(!app.is_set_up().await.unwrap(), "nothing half-written");
});

story!(
    each_login_gets_a_fresh_session_and_logout_revokes_it,
    |db: Db| async move {
        let app = App::new(db);
        admin(&app).await;
        let a = app
            .login("chi@example.com", "mật-khẩu-dài", "1.2.3.4")
            .await
            .unwrap();
        let b = app
            .login(" CHI@example.com ", "mật-khẩu-dài", "1.2.3.4")
            .await
            .unwrap();
        assert_ne!(a.cookie_value, b.cookie_value);
        assert_ne!(a.csrf_token, b.csrf_token);
        app.logout(&a.cookie_value).await.unwrap();
        assert!(matches!(
            app.authenticate_session(&a.cookie_value).await,
            Err(AppError::Unauthenticated)
        ));
        assert!(app.authenticate_session(&b.cookie_value).await.is_ok());
        assert!(matches!(
            app.authenticate_session("forged").await,
            Err(AppError::Unauthenticated)
        ));
    }
);

story!(
    repeated_wrong_passwords_are_slowed_then_refused,
    |db: Db| async move {
        let app = App::new(db);
        admin(&app).await;
        let mut refused = 0;
        for _ in 0..10 {
            match app
                .login("chi@example.com", "wrong password", "5.6.7.8")
                .await
            {
                Err(AppError::Unauthenticated) => {}
                Err(AppError::TooManyAttempts { retry_after_secs }) => {
                    assert!(retry_after_secs > 0);
                    refused += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(refused >= 2, "the last attempts are refused");
        // Even the right password is refused while the account is locked out.
        assert!(matches!(
            app.login("chi@example.com", "mật-khẩu-dài", "9.9.9.9")
                .await,
            Err(AppError::TooManyAttempts { .. })
        ));
    }
);

story!(
    api_tokens_are_shown_once_stored_hashed_and_revocable,
    |db: Db| async move {
        let app = App::new(db.clone());
        let me = admin(&app).await;
        let (token, secret) = app.create_token(&me, Some("Zalo sync")).await.unwrap();
        assert!(secret.starts_with("sen_"));
        let who = app.authenticate_token(&secret).await.unwrap();
        assert_eq!(who.actor.user_id, me.user_id);
        assert!(who.session.is_none());
        let listed = app.list_tokens(&me).await.unwrap();
        assert_eq!(listed.len(), 1);
        app.revoke_token(&me, token.id).await.unwrap();
        assert!(matches!(
            app.authenticate_token(&secret).await,
            Err(AppError::Unauthenticated)
        ));
        assert!(matches!(
            app.revoke_token(&me, token.id).await,
            Err(AppError::NotFound)
        ));
        assert!(
            invalid_fields(app.create_token(&me, Some("  ")).await.unwrap_err())
                .contains(&"name".to_string())
        );
    }
);

story!(users_are_managed_by_admins_only, |db: Db| async move {
    let app = App::new(db);
    let boss = admin(&app).await;
    let sales = member(&app, &boss, "an@sen.vn", "salesperson").await;
    assert!(matches!(
        app.list_users(&sales).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        app.create_user(
            &sales,
            NewUserInput {
                name: Some("x".into()),
                ..Default::default()
            }
        )
        .await,
        Err(AppError::Forbidden)
    ));
    let dup = app
        .create_user(
            &boss,
            NewUserInput {
                name: Some("Again".into()),
                email: Some("AN@sen.vn".into()),
                password: Some("password-123".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(&dup, AppError::Invalid(f) if f.0["email"] == vec![Invalid::Taken]));
    let changed = app
        .update_user(
            &boss,
            sales.user_id,
            UserChanges {
                role: Some("manager".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.role, "manager");
    // An admin cannot lock themselves out.
    assert!(
        app.update_user(
            &boss,
            boss.user_id,
            UserChanges {
                active: Some(false),
                ..Default::default()
            }
        )
        .await
        .is_err()
    );
});

story!(
    deactivating_a_user_ends_their_sessions,
    |db: Db| async move {
        let app = App::new(db);
        let boss = admin(&app).await;
        member(&app, &boss, "bao@sen.vn", "salesperson").await;
        let s = app.login("bao@sen.vn", "password-123", "x").await.unwrap();
        app.update_user(
            &boss,
            s.user.id,
            UserChanges {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(matches!(
            app.authenticate_session(&s.cookie_value).await,
            Err(AppError::Unauthenticated)
        ));
        assert!(matches!(
            app.login("bao@sen.vn", "password-123", "x").await,
            Err(AppError::Unauthenticated)
        ));
    }
);

story!(
    changing_ones_password_needs_the_current_one_and_ends_other_sessions,
    |db: Db| async move {
        let app = App::new(db);
        admin(&app).await;
        let here = app
            .login("chi@example.com", "mật-khẩu-dài", "x")
            .await
            .unwrap();
        let elsewhere = app
            .login("chi@example.com", "mật-khẩu-dài", "y")
            .await
            .unwrap();
        let me = app
            .authenticate_session(&here.cookie_value)
            .await
            .unwrap()
            .actor;
        let wrong = UserChanges {
            password: Some("new-password-1".into()),
            current_password: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(
            invalid_fields(
                app.update_me(&me, wrong, Some(&here.cookie_value))
                    .await
                    .unwrap_err()
            ),
            vec!["current_password"]
        );
        let right = UserChanges {
            password: Some("new-password-1".into()),
            current_password: Some("mật-khẩu-dài".into()),
            language: Some("zh-TW".into()),
            ..Default::default()
        };
        let u = app
            .update_me(&me, right, Some(&here.cookie_value))
            .await
            .unwrap();
        assert_eq!(u.language, "zh-TW");
        assert!(app.authenticate_session(&here.cookie_value).await.is_ok());
        assert!(
            app.authenticate_session(&elsewhere.cookie_value)
                .await
                .is_err()
        );
        assert!(
            app.login("chi@example.com", "new-password-1", "x")
                .await
                .is_ok()
        );
        let role = UserChanges {
            role: Some("admin".into()),
            ..Default::default()
        };
        assert_eq!(
            invalid_fields(app.update_me(&me, role, None).await.unwrap_err()),
            vec!["role"]
        );
    }
);

story!(
    salespeople_edit_own_and_unowned_contacts_only,
    |db: Db| async move {
        let app = App::new(db);
        let boss = admin(&app).await;
        let an = member(&app, &boss, "an@sen.vn", "salesperson").await;
        let binh = member(&app, &boss, "binh@sen.vn", "salesperson").await;
        let manager = member(&app, &boss, "sarah@sen.vn", "manager").await;
        let mine = app
            .create_contact(&an, contact("An's customer", Some(an.user_id)))
            .await
            .unwrap()
            .contact;
        let nobodys = app
            .create_contact(&an, contact("Walk-in", None))
            .await
            .unwrap()
            .contact;
        let theirs = app
            .create_contact(&binh, contact("Bình's customer", Some(binh.user_id)))
            .await
            .unwrap()
            .contact;
        let rename = |n: &str| ContactPatch {
            name: Some(n.into()),
            ..Default::default()
        };

        // Everyone reads every contact.
        assert_eq!(
            app.list_contacts(&an, &ListParams::default())
                .await
                .unwrap()
                .total,
            3
        );
        assert!(
            app.update_contact(&an, mine.id, 1, rename("A"))
                .await
                .is_ok()
        );
        assert!(
            app.update_contact(&an, nobodys.id, 1, rename("B"))
                .await
                .is_ok()
        );
        assert!(matches!(
            app.update_contact(&an, theirs.id, 1, rename("C")).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.delete_contact(&an, theirs.id).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.set_contact_archived(&an, nobodys.id, true).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.update_contact(&an, 999_999, 1, rename("D")).await,
            Err(AppError::NotFound)
        ));
        // Managers and admins change and delete all.
        assert!(
            app.update_contact(&manager, theirs.id, 1, rename("E"))
                .await
                .is_ok()
        );
        assert!(
            app.set_contact_archived(&manager, theirs.id, true)
                .await
                .is_ok()
        );
        assert!(app.delete_contact(&boss, theirs.id).await.is_ok());
        assert!(matches!(
            app.get_contact(&an, theirs.id).await,
            Err(AppError::NotFound)
        ));
        // A salesperson deletes their own.
        assert!(app.delete_contact(&an, mine.id).await.is_ok());
    }
);

story!(
    a_stale_version_answers_the_current_record_and_changes_nothing,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let c = app
            .create_contact(&me, contact("Linda Wu", None))
            .await
            .unwrap()
            .contact;
        let first = ContactPatch {
            city: Some(Some("Taipei".into())),
            ..Default::default()
        };
        let saved = app
            .update_contact(&me, c.id, c.version, first)
            .await
            .unwrap()
            .contact;
        assert_eq!(saved.version, c.version + 1);
        let late = ContactPatch {
            city: Some(Some("Kaohsiung".into())),
            ..Default::default()
        };
        match app.update_contact(&me, c.id, c.version, late).await {
            Err(AppError::Stale(Current::Contact(current))) => {
                assert_eq!(current.city.as_deref(), Some("Taipei"));
                assert_eq!(current.version, saved.version);
            }
            other => panic!("expected stale, got {other:?}"),
        }
        assert_eq!(
            app.get_contact(&me, c.id).await.unwrap().city.as_deref(),
            Some("Taipei")
        );
    }
);

story!(
    every_contact_change_is_logged_with_old_and_new_values,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let c = app
            .create_contact(&me, contact("Mike", None))
            .await
            .unwrap()
            .contact;
        let patch = ContactPatch {
            email: Some(Some("mike@shirts.tw".into())),
            name: Some("Mike Lin".into()),
            ..Default::default()
        };
        app.update_contact(&me, c.id, c.version, patch)
            .await
            .unwrap();
        app.set_contact_archived(&me, c.id, true).await.unwrap();
        let log = app.contact_history(&me, c.id).await.unwrap();
        let fields: Vec<&str> = log.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["created", "name", "email", "archived_at"]);
        assert_eq!(log[1].old_value.as_deref(), Some("Mike"));
        assert_eq!(log[1].new_value.as_deref(), Some("Mike Lin"));
        assert!(log.iter().all(|e| e.changed_by == Some(me.user_id)));
    }
);

story!(
    contact_input_is_validated_and_references_checked,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let person = app
            .create_contact(&me, contact("A person", None))
            .await
            .unwrap()
            .contact;
        let bad = ContactValues {
            name: "".into(),
            email: Some("no-at".into()),
            website: Some("not a site".into()),
            company_id: Some(person.id),
            owner_id: Some(424_242),
            tag_ids: vec![9_999],
            ..Default::default()
        };
        let fields = invalid_fields(app.create_contact(&me, bad).await.unwrap_err());
        assert_eq!(fields, vec!["email", "name", "website"]);
        let refs = ContactValues {
            company_id: Some(person.id),
            owner_id: Some(424_242),
            tag_ids: vec![9_999],
            ..contact("X", None)
        };
        assert_eq!(
            invalid_fields(app.create_contact(&me, refs).await.unwrap_err()),
            vec!["company_id", "owner_id", "tag_ids"]
        );
        assert_eq!(
            app.list_contacts(&me, &ListParams::default())
                .await
                .unwrap()
                .total,
            1,
            "nothing half-written"
        );
    }
);

story!(
    creating_a_lookalike_contact_reports_the_duplicates,
    |db: Db| async move {
        let app = App::new(db);
        let me = admin(&app).await;
        let first = app
            .create_contact(
                &me,
                ContactValues {
                    email: Some("an@sen.vn".into()),
                    ..contact("Nguyễn Văn An", None)
                },
            )
            .await
            .unwrap();
        assert!(first.duplicates.is_empty());
        let second = app
            .create_contact(&me, contact("nguyen van an", None))
            .await
            .unwrap();
        assert_eq!(second.duplicates.len(), 1);
        assert_eq!(second.duplicates[0].id, first.contact.id);
    }
);

story!(list_parameters_are_checked, |db: Db| async move {
    let app = App::new(db);
    let me = admin(&app).await;
    let bad = |p: ListParams| {
        let app = app.clone();
        let me = me.clone();
        async move { invalid_fields(app.list_contacts(&me, &p).await.unwrap_err()) }
    };
    assert_eq!(
        bad(ListParams {
            limit: Some(100_000),
            ..Default::default()
        })
        .await,
        vec!["limit"]
    );
    assert_eq!(
        bad(ListParams {
            sort: Some("password_hash".into()),
            ..Default::default()
        })
        .await,
        vec!["sort"]
    );
    assert_eq!(
        bad(ListParams {
            filter: Some("foo = 1".into()),
            ..Default::default()
        })
        .await,
        vec!["filter"]
    );
    assert_eq!(
        bad(ListParams {
            cursor: Some("garbage".into()),
            ..Default::default()
        })
        .await,
        vec!["cursor"]
    );
});

story!(
    the_demo_loads_once_with_accents_and_chinese,
    |db: Db| async move {
        let app = App::new(db);
        let first = app.load_demo().await.unwrap();
        assert!(first.created_workspace);
        assert!(first.contacts >= 10);
        let again = app.load_demo().await.unwrap();
        assert_eq!((again.users, again.contacts), (0, 0));
        let admin = app.system_actor().await.unwrap();
        let found = app
            .list_contacts(
                &admin,
                &ListParams {
                    q: Some("關係".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.items[0].name, "客戶關係管理有限公司");
        let found = app
            .list_contacts(
                &admin,
                &ListParams {
                    q: Some("dang minh duc".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.items[0].name, "Đặng Minh Đức");
    }
);

story!(an_expired_session_is_refused, |db: Db| async move {
    let app = App::new(db.clone());
    let me = admin(&app).await;
    let past = chrono::Utc::now() - chrono::Duration::days(31);
    let cookie = "expired-cookie-value";
    let mut tx = db.begin().await.unwrap();
    sen_store::auth::insert_session(
        &mut tx,
        &sen_store::auth::Session {
            id: sen_app::secrets::sha256_hex(cookie),
            user_id: me.user_id,
            csrf_token: "t".into(),
            created_at: past,
            expires_at: past + chrono::Duration::days(14),
            last_seen_at: past,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(
        app.authenticate_session(cookie).await,
        Err(AppError::Unauthenticated)
    ));
});

#[path = "app/leads.rs"]
mod leads;

#[path = "app/convert.rs"]
mod convert;

#[path = "app/board.rs"]
mod board;

#[path = "app/saved_views.rs"]
mod saved_views;

#[path = "app/activities.rs"]
mod activities;

#[path = "app/smtp_server.rs"]
mod smtp_server;

#[path = "app/messaging.rs"]
mod messaging;

#[path = "app/meetings.rs"]
mod meetings;

#[path = "app/bench.rs"]
mod bench;

#[path = "app/lead_sums.rs"]
mod lead_sums;

#[path = "app/settings_cache.rs"]
mod settings_cache;

#[path = "app/import.rs"]
mod import;

#[path = "app/workspace_move.rs"]
mod workspace_move;

#[path = "app/concurrency.rs"]
mod concurrency;
