//! Test support: a fresh, migrated database of each kind per test (atuin's "story" pattern:
//! one test body, run on SQLite and on PostgreSQL). Used by the test binaries of `store`,
//! `app` and `web`; nothing here runs in production.

use std::future::Future;
use std::path::PathBuf;
use std::str::FromStr;

use rand::Rng;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};

use crate::db::Db;

/// The environment variable naming an admin connection to a PostgreSQL server for tests.
pub const PG_URL_VAR: &str = "SEN_TEST_DATABASE_URL";

fn unique_name(prefix: &str) -> String {
    let n: u64 = rand::rng().random();
    format!("{prefix}_{}_{n:016x}", std::process::id())
}

/// A migrated SQLite database in a file of its own under the system temp dir.
pub async fn sqlite_db() -> (Db, PathBuf) {
    let dir = std::env::temp_dir().join(unique_name("sen_test"));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let db = Db::open_sqlite(&dir.join("sen.db"))
        .await
        .expect("open sqlite");
    db.migrate().await.expect("migrate sqlite");
    (db, dir)
}

/// A fresh migrated PostgreSQL database, or None when no server is configured and the run
/// does not require one (`SEN_TEST_REQUIRE_POSTGRES=1`, set by scripts/test, makes it fail).
pub async fn postgres_db() -> Option<(Db, PgConnectOptions, String)> {
    let Ok(url) = std::env::var(PG_URL_VAR) else {
        if std::env::var("SEN_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("{PG_URL_VAR} is not set but PostgreSQL tests are required");
        }
        eprintln!("skipping the PostgreSQL half: {PG_URL_VAR} is not set");
        return None;
    };
    let admin = PgConnectOptions::from_str(&url).expect("parse SEN_TEST_DATABASE_URL");
    let name = unique_name("sen_t");
    let mut conn = PgConnection::connect_with(&admin)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
    )))
    .execute(&mut conn)
    .await
    .expect("create test database");
    conn.close().await.ok();
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(admin.clone().database(&name))
        .await
        .expect("connect test database");
    let db = Db::Postgres(pool);
    db.migrate().await.expect("migrate postgres");
    Some((db, admin, name))
}

/// Runs `body` on a fresh SQLite database and removes it afterwards.
pub async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let (db, dir) = sqlite_db().await;
    body(db.clone()).await;
    db.close().await;
    std::fs::remove_dir_all(dir).ok();
}

/// Runs `body` on a fresh PostgreSQL database and drops it afterwards.
pub async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some((db, admin, name)) = postgres_db().await else {
        return;
    };
    body(db.clone()).await;
    db.close().await;
    drop_database(&admin, &name).await;
}

pub async fn drop_database(admin: &PgConnectOptions, name: &str) {
    if let Ok(mut conn) = PgConnection::connect_with(admin).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
    }
}

/// Declares one test body that runs as `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! story {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::testing::on_sqlite($body).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::testing::on_postgres($body).await
            }
        }
    };
}

/// The query plan of a contact search, for the test that proves search uses the trigram
/// index (FTS5 on SQLite, pg_trgm GIN on PostgreSQL) instead of scanning the table.
pub async fn contact_search_plan(db: &Db, q: &str) -> String {
    let query = sen_domain::search::parse_query(q);
    let mut sql = crate::sql::Sql::new("SELECT c.id FROM contacts c WHERE 1 = 1");
    crate::contacts::push_search(&mut sql, db.backend(), &query);
    let mut tx = db.begin().await.expect("begin");
    let lines: Vec<String> = match db.backend() {
        crate::db::Backend::Sqlite => {
            let mut explain = crate::sql::Sql::new("EXPLAIN QUERY PLAN ");
            explain.append(sql);
            let rows: Vec<(i64, i64, i64, String)> = tx.fetch_all(&explain).await.expect("explain");
            rows.into_iter().map(|r| r.3).collect()
        }
        crate::db::Backend::Postgres => {
            // The test table is tiny; forbid sequential scans so the planner shows whether
            // an index can answer the query at all.
            tx.execute(&crate::sql::Sql::new("SET LOCAL enable_seqscan = off"))
                .await
                .expect("set");
            let mut explain = crate::sql::Sql::new("EXPLAIN ");
            explain.append(sql);
            let rows: Vec<(String,)> = tx.fetch_all(&explain).await.expect("explain");
            rows.into_iter().map(|r| r.0).collect()
        }
    };
    lines.join("\n")
}
