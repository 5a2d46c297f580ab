//! Issue #7 part 5: the portable workspace file moves a workspace from SQLite to
//! PostgreSQL and back with nothing lost (every table, the change log, the ids a deleted
//! record had), a bad or cut-off file changes nothing, and backups taken while the server
//! writes restore whole — into either database.

use std::io::Cursor;
use std::path::Path;

use chrono::{Duration, Utc};
use sen_app::attachments::Upload;
use sen_app::backup::{self, BackupKind, Restored};
use sen_app::leads::Placement;
use sen_app::meetings::{AttendeeInput, MeetingInput};
use sen_app::saved_views::ViewInput;
use sen_app::workspace_file::{self, WorkspaceFileError};
use sen_domain::activity::RecordType;
use sen_domain::lead::{LeadType, LeadValues};
use sen_domain::meeting::{Alarm, Channel, MeetingValues};
use sen_store::sql::Sql;
use sen_store::testing;

use super::*;

/// A workspace that puts rows in every table a real one uses: generated opportunities
/// with tags and activities, a note, a file, a meeting with people and a reminder, a view,
/// a rate, a token, a won deal (change log) and a deleted one (so an id was given and
/// taken back).
async fn fill(app: &App) -> Actor {
    app.ensure_demo_workspace().await.unwrap();
    app.generate_workload(120, 3).await.unwrap();
    let admin = app.system_actor().await.unwrap();
    let lead = app
        .create_lead(
            &admin,
            Placement {
                kind: Some(LeadType::Opportunity),
                pipeline_id: None,
                stage_id: None,
            },
            LeadValues {
                name: "Đơn hàng đồng phục — 團體制服 👕".into(),
                user_id: Some(admin.user_id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .lead;
    app.post_note(
        &admin,
        RecordType::Lead,
        lead.id,
        Some("<p>Gọi lại cho anh <b>Nguyễn</b> — 明天再聯絡</p>"),
    )
    .await
    .unwrap();
    app.attach(
        &admin,
        RecordType::Lead,
        lead.id,
        Upload {
            file_name: "báo giá.pdf".into(),
            content_type: Some("application/pdf".into()),
            data: b"%PDF-1.4\n".iter().copied().chain(0..=255u8).collect(),
        },
    )
    .await
    .unwrap();
    let start = Utc::now() + Duration::days(2);
    app.create_meeting(
        &admin,
        MeetingInput {
            values: MeetingValues {
                name: "Gặp khách hàng".into(),
                start,
                stop: start + Duration::hours(1),
                all_day: false,
                time_zone: "Asia/Ho_Chi_Minh".into(),
                location: Some("Quận 1".into()),
                description: None,
                rrule: Some("FREQ=WEEKLY;COUNT=3".into()),
                alarms: vec![Alarm {
                    minutes_before: 30,
                    channel: Channel::InApp,
                }],
            },
            organizer_id: Some(admin.user_id),
            attendees: vec![AttendeeInput {
                user_id: Some(admin.user_id),
                contact_id: None,
                status: None,
            }],
            record: Some((RecordType::Lead, lead.id)),
        },
    )
    .await
    .unwrap();
    app.save_view(
        &admin,
        ViewInput {
            name: "Cơ hội của tôi".into(),
            page: "leads".into(),
            query: "filter=user_id%3Dme".into(),
            shared: true,
            is_default: false,
        },
    )
    .await
    .unwrap();
    app.set_rate(&admin, "USD", "25400").await.unwrap();
    app.create_token(&admin, Some("máy chủ")).await.unwrap();
    app.mark_won(&admin, lead.id).await.unwrap();
    let gone = app
        .create_lead(
            &admin,
            Placement::default(),
            LeadValues {
                name: "Bị xoá".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .lead;
    app.delete_lead(&admin, gone.id).await.unwrap();
    // Rows of the tables only a running server (mail, the worker) or settings not used
    // above fill, written as they would be, so every table is carried.
    let now = Utc::now();
    let mut tx = app.db.begin().await.unwrap();
    for (text, args) in [
        (
            "INSERT INTO contact_tags (contact_id, tag_id) VALUES (1, 1)",
            vec![],
        ),
        (
            "INSERT INTO mediums (name, created_at) VALUES ('Zalo', $1)",
            vec![now.into()],
        ),
        (
            "INSERT INTO campaigns (name, created_at) VALUES ('Tết 2027', $1)",
            vec![now.into()],
        ),
        (
            "INSERT INTO pipeline_teams (pipeline_id, team_id) SELECT MIN(id), (SELECT MIN(id) FROM teams) FROM pipelines",
            vec![],
        ),
        (
            "INSERT INTO stage_teams (stage_id, team_id) SELECT MIN(id), (SELECT MIN(id) FROM teams) FROM stages",
            vec![],
        ),
        (
            "INSERT INTO notifications (user_id, kind, record_type, record_id, record_name, actor_id, detail, created_at) \
             VALUES (1, 'mention', 'lead', $1, 'Đơn hàng', 1, '「明天」', $2)",
            vec![lead.id.into(), now.into()],
        ),
        (
            "INSERT INTO jobs (kind, payload, unique_key, state, run_at, created_at, finished_at) \
             VALUES ('digest', '{\"user_id\":1}', 'digest:1', 'done', $1, $1, $1)",
            vec![now.into()],
        ),
        (
            "INSERT INTO mails (to_addrs, subject, body_text, body_html, message_id, state, created_at) \
             VALUES ('chi@example.com', 'Nhắc lịch', 'Xin chào', '<p>Xin chào</p>', '<m1@sen>', 'outbox', $1)",
            vec![now.into()],
        ),
    ] {
        tx.execute(&Sql::with(text, args)).await.unwrap();
    }
    tx.commit().await.unwrap();
    admin
}

/// Two files hold the same data (their first lines, when and where from, aside); on a
/// difference, the first differing lines are shown rather than whole files.
fn assert_same_data(a: &str, b: &str, what: &str) {
    let (a, b) = (body(a), body(b));
    if a == b {
        return;
    }
    let diff = a
        .lines()
        .zip(b.lines())
        .find(|(x, y)| x != y)
        .map(|(x, y)| format!("{x}\n  vs\n{y}"))
        .unwrap_or_else(|| "one file is longer".into());
    panic!("{what}: {diff}");
}

async fn export(db: &Db) -> String {
    let mut out = Vec::new();
    workspace_file::export(db, &mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

/// The file without its first line (which says when and from which database).
fn body(file: &str) -> &str {
    file.split_once('\n').map(|(_, rest)| rest).unwrap_or("")
}

/// Rows per table, from a file's closing lines.
fn row_counts(file: &str) -> Vec<(String, u64)> {
    file.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("end").is_some())
        .map(|v| {
            (
                v["end"].as_str().unwrap().to_string(),
                v["rows"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The maintained sums equal the records and the search finds the accented names: what
/// the triggers rebuild as rows go in.
async fn assert_derived_data_rebuilt(db: &Db) {
    let sums: Vec<(i64, i64)> = db
        .fetch_all(&Sql::new(
            "SELECT stage_id, CAST(SUM(count) AS BIGINT) FROM lead_sums GROUP BY stage_id \
             HAVING SUM(count) <> 0 ORDER BY stage_id",
        ))
        .await
        .unwrap();
    let scan: Vec<(i64, i64)> = db
        .fetch_all(&Sql::new(
            "SELECT stage_id, COUNT(*) FROM leads WHERE archived_at IS NULL \
             GROUP BY stage_id ORDER BY stage_id",
        ))
        .await
        .unwrap();
    assert_eq!(sums, scan);
    let app = App::new(db.clone());
    let admin = app.system_actor().await.unwrap();
    let found = app
        .list_leads(
            &admin,
            &sen_app::contacts::ListParams {
                q: Some("nguyen".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!found.items.is_empty(), "the search index was rebuilt");
}

async fn import_text(db: &Db, file: &str, replace: bool) -> Result<(), WorkspaceFileError> {
    workspace_file::import(db, Cursor::new(file.as_bytes()), replace)
        .await
        .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_moves_from_sqlite_to_postgres_and_back_with_nothing_lost() {
    let (source, source_dir) = testing::sqlite_db().await;
    fill(&App::new(source.clone())).await;
    let first = export(&source).await;
    let counts = row_counts(&first);
    assert_eq!(counts.len(), sen_store::portable::TABLES.len());
    // Tables only a running server's mail or sign-in flow fills may be empty here.
    let empty: Vec<&str> = counts
        .iter()
        .filter(|(t, rows)| *rows == 0 && t != "sessions")
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(
        empty.is_empty(),
        "the test workspace has no rows in {empty:?}"
    );
    let high_water_before: (i64,) = source
        .fetch_one(&Sql::new("SELECT CAST(MAX(id) AS BIGINT) FROM leads"))
        .await
        .unwrap();

    // SQLite → PostgreSQL (when the run has one) → a fresh SQLite.
    let (back, back_dir) = testing::sqlite_db().await;
    let pg = testing::postgres_db().await;
    let middle = match &pg {
        Some((pg_db, _, _)) => {
            import_text(pg_db, &first, false).await.unwrap();
            let second = export(pg_db).await;
            assert!(second.starts_with(r#"{"database":"postgres""#));
            assert_same_data(&first, &second, "SQLite → PostgreSQL");
            assert_derived_data_rebuilt(pg_db).await;
            second
        }
        None => first.clone(),
    };
    import_text(&back, &middle, false).await.unwrap();
    let third = export(&back).await;
    assert_same_data(&first, &third, "→ SQLite");
    assert_derived_data_rebuilt(&back).await;

    // A deleted record's id is not given again after the move.
    for db in [Some(&back), pg.as_ref().map(|p| &p.0)]
        .into_iter()
        .flatten()
    {
        let app = App::new(db.clone());
        let admin = app.system_actor().await.unwrap();
        let new = app
            .create_lead(
                &admin,
                Placement::default(),
                LeadValues {
                    name: "Sau khi chuyển".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .lead;
        assert!(new.id > high_water_before.0 + 1, "id {} reused", new.id);
    }

    source.close().await;
    back.close().await;
    std::fs::remove_dir_all(source_dir).ok();
    std::fs::remove_dir_all(back_dir).ok();
    if let Some((pg_db, admin, name)) = pg {
        pg_db.close().await;
        testing::drop_database(&admin, &name).await;
    }
}

story!(
    a_cut_off_or_damaged_workspace_file_leaves_the_database_as_it_was,
    |db: Db| async move {
        let app = App::new(db.clone());
        app.ensure_demo_workspace().await.unwrap();
        app.generate_workload(30, 9).await.unwrap();
        let before = export(&db).await;

        // Without --replace a database that holds a workspace is refused.
        assert!(matches!(
            import_text(&db, &before, false).await,
            Err(WorkspaceFileError::NotEmpty)
        ));

        // Cut off: the last lines are missing.
        let lines: Vec<&str> = before.lines().collect();
        let cut = lines[..lines.len() - 3].join("\n");
        match import_text(&db, &cut, true).await {
            Err(WorkspaceFileError::Format { why, .. }) => {
                assert!(why.contains("incomplete"), "{why}")
            }
            other => panic!("expected a format error, got {other:?}"),
        }

        // A value of the wrong kind, deep in the leads.
        let at = lines
            .iter()
            .position(|l| l.starts_with(r#"{"columns":["id","number""#))
            .unwrap()
            + 5;
        let mut damaged: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut row: Vec<serde_json::Value> = serde_json::from_str(&damaged[at]).unwrap();
        let created = sen_store::portable::table("leads")
            .unwrap()
            .position("created_at")
            .unwrap();
        row[created] = "yesterday".into();
        damaged[at] = serde_json::to_string(&row).unwrap();
        match import_text(&db, &damaged.join("\n"), true).await {
            Err(WorkspaceFileError::Format { line, why }) => {
                assert!(why.contains("leads.created_at"), "{why}");
                assert!(line > at, "line {line}");
            }
            other => panic!("expected a format error, got {other:?}"),
        }

        // From another version of the schema.
        let other_version = before.replacen(
            &format!("\"schema_version\":{}", workspace_file::schema_version()),
            "\"schema_version\":1",
            1,
        );
        assert!(matches!(
            import_text(&db, &other_version, true).await,
            Err(WorkspaceFileError::Schema { found: 1, .. })
        ));

        assert_same_data(&before, &export(&db).await, "after refused imports");
        // And the whole file, replacing, gives the same workspace back, its board sums
        // rebuilt from the new rows alone.
        import_text(&db, &before, true).await.unwrap();
        assert_same_data(&before, &export(&db).await, "after a replacing import");
        assert_derived_data_rebuilt(&db).await;
    }
);

async fn leads_count(db: &Db) -> i64 {
    db.fetch_one::<(i64,)>(&Sql::new("SELECT COUNT(*) FROM leads"))
        .await
        .unwrap()
        .0
}

/// Creates leads one by one until told to stop; returns how many were answered.
fn keep_creating(
    app: App,
    stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<i64> {
    tokio::spawn(async move {
        let admin = app.system_actor().await.unwrap();
        let mut n = 0;
        while !*stop.borrow() {
            app.create_lead(
                &admin,
                Placement::default(),
                LeadValues {
                    name: format!("Trong lúc sao lưu {n}"),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            n += 1;
        }
        n
    })
}

fn file_in(dir: &Path, name: &str) -> std::path::PathBuf {
    dir.join(name)
}

story!(
    a_backup_taken_while_records_are_written_restores_one_whole_moment,
    |db: Db| async move {
        let app = App::new(db.clone());
        fill(&app).await;
        let dir = std::env::temp_dir().join(format!(
            "sen-backup-test-{}-{}",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let before = leads_count(&db).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let writer = keep_creating(app.clone(), stopped);
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let file = file_in(&dir, "backup");
        let kind = backup::backup(&db, &file).await.unwrap();
        stop.send(true).unwrap();
        let written = writer.await.unwrap();
        assert!(written > 0);
        match db.backend() {
            sen_store::Backend::Sqlite => assert_eq!(kind, BackupKind::SqliteFile),
            sen_store::Backend::Postgres => {
                assert!(matches!(kind, BackupKind::WorkspaceFile(_)))
            }
        }
        assert!(!file_in(&dir, "backup.partial").exists());

        // Restored into a fresh SQLite data directory: one moment between before and after.
        let target = file_in(&dir, "sen.db");
        let fresh = Db::open_sqlite(&target).await.unwrap();
        fresh.migrate().await.unwrap();
        let restored = backup::restore(&fresh, Some(&target), &file).await.unwrap();
        fresh.close().await;
        match db.backend() {
            sen_store::Backend::Sqlite => {
                assert!(matches!(restored, Restored::SqliteFile { .. }))
            }
            sen_store::Backend::Postgres => {
                assert!(matches!(restored, Restored::WorkspaceFile(_)))
            }
        }
        let back = Db::open_sqlite(&target).await.unwrap();
        let n = leads_count(&back).await;
        assert!(
            (before..=before + written).contains(&n),
            "{n} leads, between {before} and {}",
            before + written
        );
        assert_derived_data_rebuilt(&back).await;

        // The same backup restored into the other kind of database reads alike.
        let snapshot = export(&back).await;
        if let Some((pg, admin, name)) = testing::postgres_db().await {
            backup::restore(&pg, None, &file).await.unwrap();
            assert_same_data(&snapshot, &export(&pg).await, "one backup, two databases");
            pg.close().await;
            testing::drop_database(&admin, &name).await;
        }
        back.close().await;
        std::fs::remove_dir_all(dir).ok();
    }
);

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
}
