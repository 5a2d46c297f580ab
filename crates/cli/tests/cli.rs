//! The `sen` binary itself (issue #7 parts 4 and 5): killed with SIGKILL in the middle of a
//! burst of creates and of an import, it loses nothing it acknowledged and keeps nothing
//! half-imported; `sen backup` works while it serves, `sen restore` refuses to run under
//! it and brings the workspace back afterwards. Each runs on SQLite and, when the test run
//! has one, on PostgreSQL.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sen_store::Db;
use sen_store::sql::Sql;
use serde_json::{Value, json};

/// Where a test's workspace lives: a data directory, and a PostgreSQL database or not.
struct Place {
    dir: PathBuf,
    database_url: Option<String>,
}

impl Place {
    fn sqlite(test: &str) -> Place {
        let dir = std::env::temp_dir().join(format!("sen-cli-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Place {
            dir,
            database_url: None,
        }
    }

    /// A fresh database on the test run's PostgreSQL server, if it has one.
    async fn postgres(test: &str) -> Option<Place> {
        let (db, _, name) = sen_store::testing::postgres_db().await?;
        db.close().await;
        let admin = std::env::var(sen_store::testing::PG_URL_VAR).unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
        let mut place = Place::sqlite(&format!("{test}-pg"));
        place.database_url = Some(format!("{base}/{name}"));
        Some(place)
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sen"));
        cmd.arg("--data-dir").arg(&self.dir);
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd.env("SEN_LOG", "warn");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    async fn db(&self) -> Db {
        match &self.database_url {
            Some(url) => Db::open_postgres(url).await.unwrap(),
            None => Db::open_sqlite(&self.dir.join("sen.db")).await.unwrap(),
        }
    }
}

/// A running `sen serve`.
struct Server {
    child: Child,
    port: u16,
    /// The thread copying the log; done once the server's output is closed.
    log_copier: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(place: &Place) -> Server {
        Server::start_logging(place, "warn", None)
    }

    /// Starts with log filter `level`, its log (on standard output) copied to `log`. The
    /// server picks its own port (`--listen 127.0.0.1:0`) and the test reads it from the
    /// log: a port found free and released here could be taken by another test's server
    /// before this one binds it, and then both tests would talk to the same server.
    fn start_logging(place: &Place, level: &str, log: Option<std::fs::File>) -> Server {
        let filter = if level == "trace" {
            level.to_string()
        } else {
            format!("{level},sen=info")
        };
        let mut child = place
            .command()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("SEN_LOG", filter)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (found, port) = std::sync::mpsc::channel();
        let log_copier = std::thread::spawn(move || copy_log_finding_port(stdout, log, found));
        let port = port
            .recv_timeout(Duration::from_secs(30))
            .expect("sen did not start");
        let server = Server {
            child,
            port,
            log_copier: Some(log_copier),
        };
        let until = Instant::now() + Duration::from_secs(30);
        while http(port, "GET", "/healthz", None, &[]).map(|r| r.0).ok() != Some(200) {
            assert!(Instant::now() < until, "sen did not answer");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// SIGKILL: no shutdown, no flushing, as a power cut or the OOM killer would.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        // Its whole log is copied before the caller reads it.
        if let Some(copier) = self.log_copier.take() {
            let _ = copier.join();
        }
    }
}

/// Copies the server's log to `log` (if any) and sends the port of its
/// "Sen CRM at http://127.0.0.1:<port>" line.
fn copy_log_finding_port(
    stdout: std::process::ChildStdout,
    mut log: Option<std::fs::File>,
    found: std::sync::mpsc::Sender<u16>,
) {
    use std::io::BufRead;
    for line in std::io::BufReader::new(stdout).lines() {
        let Ok(line) = line else { return };
        if let Some(file) = log.as_mut() {
            let _ = writeln!(file, "{line}");
        }
        if let Some((_, rest)) = line.split_once("Sen CRM at http://127.0.0.1:") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(port) = digits.parse() {
                let _ = found.send(port);
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on its own connection: (status, JSON body or Null).
fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
    headers: &[(&str, &str)],
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let (content_type, bytes) = body.unwrap_or(("application/json", b""));
    if body.is_some() {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(bytes)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    Ok((status, json))
}

fn cookie_of(port: u16, path: &str, body: &Value) -> (u16, String, Value) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let bytes = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{bytes}",
        bytes.len()
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let cookie = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .to_string();
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, cookie, json)
}

/// Sets the workspace up through the API and gives an admin's API token.
fn set_up(port: u16) -> String {
    let admin =
        json!({"name": "Trần Minh", "email": "minh@example.vn", "password": "mật-khẩu-an-toàn"});
    let (status, _, _) = cookie_of(
        port,
        "/api/v1/setup",
        &json!({"workspace_name": "Công ty Sen", "language": "vi", "currency": "VND",
                "time_zone": "Asia/Ho_Chi_Minh", "admin": admin}),
    );
    assert_eq!(status, 201);
    let (status, cookie, login) = cookie_of(
        port,
        "/api/v1/auth/login",
        &json!({"email": "minh@example.vn", "password": "mật-khẩu-an-toàn"}),
    );
    assert_eq!(status, 200);
    let csrf = login["csrf_token"].as_str().unwrap().to_string();
    let body = json!({"name": "kiểm thử"}).to_string();
    let (status, token) = http(
        port,
        "POST",
        "/api/v1/api-tokens",
        Some(("application/json", body.as_bytes())),
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    )
    .unwrap();
    assert_eq!(status, 201, "{token}");
    format!("Bearer {}", token["token"].as_str().unwrap())
}

fn create(port: u16, token: &str, name: &str) -> std::io::Result<(u16, Value)> {
    let body = json!({"name": name, "type": "opportunity"}).to_string();
    http(
        port,
        "POST",
        "/api/v1/leads",
        Some(("application/json", body.as_bytes())),
        &[("Authorization", token)],
    )
}

/// The maintained board sums equal the records after a restart.
async fn assert_sums_equal_records(db: &Db) {
    let q = |text: &str| Sql::new(text);
    let sums: Vec<(i64, i64)> = db
        .fetch_all(&q(
            "SELECT stage_id, CAST(SUM(count) AS BIGINT) FROM lead_sums GROUP BY stage_id \
             HAVING SUM(count) <> 0 ORDER BY stage_id",
        ))
        .await
        .unwrap();
    let scan: Vec<(i64, i64)> = db
        .fetch_all(&q(
            "SELECT stage_id, COUNT(*) FROM leads WHERE archived_at IS NULL GROUP BY stage_id ORDER BY stage_id",
        ))
        .await
        .unwrap();
    assert_eq!(sums, scan);
}

async fn killed_during_a_burst_of_creates(place: Place) {
    let server = Server::start(&place);
    let port = server.port;
    let token = set_up(port);
    let acknowledged = Arc::new(Mutex::new(Vec::<(i64, String, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let (token, acknowledged, stop) = (token.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let name = format!("Khách {w}-{i} 客戶");
                    match create(port, &token, &name) {
                        Ok((201, v)) => acknowledged.lock().unwrap().push((
                            v["id"].as_i64().unwrap(),
                            v["number"].as_str().unwrap().to_string(),
                            name,
                        )),
                        Ok((status, v)) => panic!("create answered {status}: {v}"),
                        // The server is gone: the request was not acknowledged.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "only {} creates before the kill",
        acknowledged.len()
    );
    eprintln!("{} creates acknowledged before SIGKILL", acknowledged.len());

    // Restarted, every acknowledged create is there, whole, with its change log.
    let server = Server::start(&place);
    for (id, number, name) in &acknowledged {
        let (status, lead) = http(
            server.port,
            "GET",
            &format!("/api/v1/leads/{id}"),
            None,
            &[("Authorization", &token)],
        )
        .unwrap();
        assert_eq!(status, 200, "lead {id} acknowledged but lost");
        assert_eq!(lead["name"], name.as_str());
        assert_eq!(lead["number"], number.as_str());
    }
    drop(server);
    let db = place.db().await;
    let logged: Vec<(i64,)> = db
        .fetch_all(&Sql::new(
            "SELECT record_id FROM change_log WHERE record_type = 'lead' AND field = 'created'",
        ))
        .await
        .unwrap();
    let logged: std::collections::HashSet<i64> = logged.into_iter().map(|r| r.0).collect();
    for (id, _, _) in &acknowledged {
        assert!(logged.contains(id), "lead {id} has no change-log row");
    }
    assert_sums_equal_records(&db).await;
    db.close().await;
    if place.database_url.is_none() {
        sen_store::sqlite_file::check(&place.dir.join("sen.db"))
            .await
            .unwrap();
    }
}

async fn killed_during_an_import(place: Place) {
    let server = Server::start(&place);
    let port = server.port;
    let token = set_up(port);
    let rows = 40_000;
    let mut csv = String::from("Tên,Email,Doanh thu dự kiến\n");
    for i in 0..rows {
        csv.push_str(&format!("Nhập {i},nhap{i}@example.vn,{}\n", 1000 + i));
    }
    let answer = Arc::new(Mutex::new(None));
    let importer = {
        let (token, answer) = (token.clone(), answer.clone());
        std::thread::spawn(move || {
            let r = http(
                port,
                "POST",
                "/api/v1/leads/import?type=lead",
                Some(("text/csv", csv.as_bytes())),
                &[("Authorization", &token)],
            );
            *answer.lock().unwrap() = r.ok().map(|(s, _)| s);
        })
    };
    std::thread::sleep(Duration::from_millis(700));
    server.kill();
    importer.join().unwrap();
    let answered = *answer.lock().unwrap();
    eprintln!("the import was answered {answered:?} before SIGKILL");

    let server = Server::start(&place);
    drop(server);
    let db = place.db().await;
    let (imported,): (i64,) = db
        .fetch_one(&Sql::new(
            "SELECT COUNT(*) FROM leads WHERE name LIKE 'Nhập %'",
        ))
        .await
        .unwrap();
    match answered {
        Some(201) => assert_eq!(imported, rows, "acknowledged but not all there"),
        None => assert_eq!(imported, 0, "half an import was kept"),
        Some(other) => panic!("the import answered {other}"),
    }
    assert_sums_equal_records(&db).await;
    db.close().await;
}

async fn backup_while_serving_and_restore_after(place: Place) {
    let server = Server::start(&place);
    let token = set_up(server.port);
    for i in 0..25 {
        assert_eq!(
            create(server.port, &token, &format!("Sao lưu {i}"))
                .unwrap()
                .0,
            201
        );
    }
    let file = place.dir.join("workspace.backup");
    let out = place.run(&["backup", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Refused under a serving sen: the data directory's lock on SQLite, an advisory lock
    // on PostgreSQL.
    let out = place.run(&["restore", file.to_str().unwrap()]);
    assert!(!out.status.success(), "restore ran under a serving sen");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stop it first"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for i in 0..5 {
        assert_eq!(
            create(server.port, &token, &format!("Sau sao lưu {i}"))
                .unwrap()
                .0,
            201
        );
    }
    drop(server);
    let out = place.run(&["restore", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = place.db().await;
    let (kept, after): (i64, i64) = db
        .fetch_one(&Sql::new(
            "SELECT (SELECT COUNT(*) FROM leads WHERE name LIKE 'Sao lưu %'), \
             (SELECT COUNT(*) FROM leads WHERE name LIKE 'Sau sao lưu %')",
        ))
        .await
        .unwrap();
    assert_eq!(
        (kept, after),
        (25, 0),
        "the workspace as it was at the backup"
    );
    assert_sums_equal_records(&db).await;
    db.close().await;
    // The restored workspace serves, and the token from before the backup still works.
    let server = Server::start(&place);
    assert_eq!(
        create(server.port, &token, "Sau khi khôi phục").unwrap().0,
        201
    );
}

/// Everything logged at the most verbose level while passwords travel (setup, a wrong and
/// a right sign-in, a new user, a password change) holds none of them.
async fn passwords_never_reach_the_log(place: Place) {
    let log_path = place.dir.join("sen.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = Server::start_logging(&place, "trace", Some(log));
    let port = server.port;
    let token = set_up(port);
    let wrong = "sai-mật-khẩu-Q7x";
    let (status, _, _) = cookie_of(
        port,
        "/api/v1/auth/login",
        &json!({"email": "minh@example.vn", "password": wrong}),
    );
    assert_eq!(status, 401);
    let new_user = "mật-khẩu-của-an-Z9";
    let body = json!({"name": "An", "email": "an@example.vn", "password": new_user,
                      "role": "salesperson", "language": "vi", "time_zone": "Asia/Ho_Chi_Minh"})
    .to_string();
    let (status, v) = http(
        port,
        "POST",
        "/api/v1/users",
        Some(("application/json", body.as_bytes())),
        &[("Authorization", &token)],
    )
    .unwrap();
    assert_eq!(status, 201, "{v}");
    let changed = "mật-khẩu-mới-K2p";
    let body = json!({"password": changed, "current_password": "mật-khẩu-an-toàn"}).to_string();
    let (status, v) = http(
        port,
        "PATCH",
        "/api/v1/me",
        Some(("application/json", body.as_bytes())),
        &[("Authorization", &token)],
    )
    .unwrap();
    assert!(status < 500, "{status} {v}");
    server.kill();
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logged.len() > 1000,
        "the log at trace level is nearly empty"
    );
    for secret in ["mật-khẩu-an-toàn", wrong, new_user, changed] {
        assert!(!logged.contains(secret), "{secret} is in the log");
        let escaped = serde_json::to_string(secret).unwrap();
        assert!(
            !logged.contains(escaped.trim_matches('"')),
            "{secret} is in the log"
        );
    }
}

fn cleanup(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

macro_rules! on_both {
    ($name:ident, $body:ident) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let place = Place::sqlite(stringify!($name));
                let dir = place.dir.clone();
                $body(place).await;
                cleanup(&dir);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(place) = Place::postgres(stringify!($name)).await {
                    let dir = place.dir.clone();
                    $body(place).await;
                    cleanup(&dir);
                }
            }
        }
    };
}

on_both!(
    a_burst_of_creates_killed_with_sigkill_loses_nothing_acknowledged,
    killed_during_a_burst_of_creates
);
on_both!(
    an_import_killed_with_sigkill_leaves_nothing_half_imported,
    killed_during_an_import
);
on_both!(
    a_backup_taken_while_serving_restores_after_the_server_stops,
    backup_while_serving_and_restore_after
);
on_both!(
    passwords_are_never_written_to_the_log,
    passwords_never_reach_the_log
);
