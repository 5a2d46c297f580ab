//! `sen bench`: benchmark.md's workload. Generates the data through the store's bulk path,
//! starts a real `sen` server process on a free loopback port, times each operation through
//! HTTP from this process, and in the same run the hand-written SQL for the same answer
//! (`sen_store::bench`), so the overhead ratio is measured, not guessed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use sen_app::App;
use sen_store::Db;
use serde_json::{Value, json};
use tokio::net::TcpStream;

#[derive(clap::Args, Clone)]
pub struct BenchArgs {
    /// How many opportunities the workload has (benchmark.md: 100,000; 1,000,000 for L).
    #[arg(long, default_value_t = 100_000)]
    pub records: usize,
    /// `sqlite` (a fresh file in a temporary directory) or `postgres` (`--database-url`,
    /// an empty database).
    #[arg(long, default_value = "sqlite")]
    pub database: String,
    /// Repetitions of each operation after the warm-up.
    #[arg(long, default_value_t = 30)]
    pub reps: usize,
    /// Write the results as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The data's seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// How long the mixed load runs, in seconds (0 skips it).
    #[arg(long, default_value_t = 60)]
    pub load_seconds: u64,
    /// Connections of the mixed load.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Leads in the imported CSV file (0 skips the import).
    #[arg(long, default_value_t = 100_000)]
    pub import_records: usize,
}

/// p50 and p95 of a set of durations, in milliseconds.
fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

/// Runs `$body` three times to warm up, then `$reps` times timed; gives (p50, p95) in ms.
/// (A macro, not a closure: the body borrows the client mutably and awaits.)
macro_rules! timed {
    ($reps:expr, |$i:ident| $body:expr) => {{
        for warm in 0..3usize {
            let $i = usize::MAX - warm;
            $body;
        }
        let mut ms = Vec::with_capacity($reps);
        for $i in 0..$reps {
            let started = Instant::now();
            $body;
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        percentiles(ms)
    }};
}

/// One keep-alive HTTP/1.1 connection to the server, with the session's cookie and token.
pub(crate) struct Client {
    send: SendRequest<Full<Bytes>>,
    host: String,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl Client {
    pub(crate) async fn connect(port: u16) -> Result<Client> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Client {
            send,
            host: format!("127.0.0.1:{port}"),
            cookie: String::new(),
            csrf: String::new(),
        })
    }

    pub(crate) async fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value, String)> {
        let body = body.map(|v| ("application/json", Bytes::from(v.to_string())));
        self.send(method, path, body).await
    }

    /// A request with any body (`(content type, bytes)`), its answer's JSON read.
    pub(crate) async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, Bytes)>,
    ) -> Result<(u16, Value, String)> {
        let (status, bytes, cookie) = self.send_raw(method, path, body).await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            cookie,
        ))
    }

    /// A request whose answer is taken as bytes: the operations are timed to the answer's
    /// last byte, and reading 135 KB of JSON into values is the client's work, not the
    /// server's (on two cores the load's own parsing also took CPU from the server).
    pub(crate) async fn send_raw(
        &mut self,
        method: &str,
        path: &str,
        body: Option<(&str, Bytes)>,
    ) -> Result<(u16, Bytes, String)> {
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host)
            .header("origin", format!("http://{}", self.host));
        if !self.cookie.is_empty() {
            req = req
                .header("cookie", &self.cookie)
                .header("x-csrf-token", &self.csrf);
        }
        let body = match body {
            Some((content_type, bytes)) => {
                req = req.header("content-type", content_type);
                Full::new(bytes)
            }
            None => Full::new(Bytes::new()),
        };
        self.send.ready().await?;
        let res = self.send.send_request(req.body(body)?).await?;
        let status = res.status().as_u16();
        let cookie = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .map(String::from)
            .unwrap_or_default();
        let bytes = res.into_body().collect().await?.to_bytes();
        Ok((status, bytes, cookie))
    }

    /// A GET that must succeed, its answer as bytes.
    pub(crate) async fn fetch(&mut self, path: &str) -> Result<Bytes> {
        let (status, bytes, _) = self.send_raw("GET", path, None).await?;
        if !(200..300).contains(&status) {
            bail!(
                "GET {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        Ok(bytes)
    }

    pub(crate) async fn ok(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let (status, v, _) = self.call(method, path, body).await?;
        if !(200..300).contains(&status) {
            bail!("{method} {path} answered {status}: {v}");
        }
        Ok(v)
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The server's peak resident memory, from /proc (Linux).
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn run(
    db: Db,
    args: BenchArgs,
    data_dir: PathBuf,
    database_url: Option<String>,
) -> Result<()> {
    let app = App::new(db.clone());
    let fail = |e: sen_app::AppError| anyhow::anyhow!("{e}");
    app.ensure_demo_workspace().await.map_err(fail)?;
    println!("generating {} opportunities…", args.records);
    let generated = app
        .generate_workload(args.records, args.seed)
        .await
        .map_err(fail)?;
    let bulk = json!({
        "records": generated.opportunities,
        "seconds": generated.seconds,
        "records_per_s": generated.opportunities as f64 / generated.seconds.max(1e-9),
    });

    let port = free_port()?;
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(&data_dir)
    .env("SEN_LOG", "warn")
    .stdout(std::process::Stdio::null());
    if let Some(url) = &database_url {
        cmd.args(["--database-url", url]);
    }
    let server = Server(cmd.spawn().context("starting the sen server")?);
    let pid = server.0.id();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut client = loop {
        if let Ok(mut c) = Client::connect(port).await
            && c.call("GET", "/healthz", None)
                .await
                .is_ok_and(|r| r.0 == 200)
        {
            break c;
        }
        if Instant::now() > deadline {
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (status, login, cookie) = client
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": sen_app::demo::DEMO_ADMIN_EMAIL, "password": sen_app::demo::DEMO_PASSWORD})),
        )
        .await?;
    if status != 200 {
        bail!("signing in answered {status}: {login}");
    }
    client.cookie = cookie;
    client.csrf = login["csrf_token"].as_str().unwrap_or_default().to_string();

    let pipeline = generated.pipeline_id;
    let stages: Vec<i64> = client
        .ok("GET", &format!("/api/v1/pipelines/{pipeline}/stages"), None)
        .await?
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|s| s["is_won"] != true)
                .filter_map(|s| s["id"].as_i64())
                .collect()
        })
        .unwrap_or_default();
    let reps = args.reps;
    let mut ops = serde_json::Map::new();
    let mut record = |name: &str, api: (f64, f64), sql: Option<(f64, f64)>| {
        let ratio = sql.map(|s| api.0 / s.0.max(1e-6));
        ops.insert(
            name.into(),
            json!({"p50_ms": api.0, "p95_ms": api.1, "sql_p50_ms": sql.map(|s| s.0), "ratio": ratio}),
        );
    };
    // What the same figures cost by scanning every lead (the aggregates replace this).
    let mut scans = serde_json::Map::new();

    // board
    let path = format!("/api/v1/board?pipeline_id={pipeline}");
    let api = timed!(reps, |_i| client.fetch(&path).await?);
    let sql = timed!(reps, |_i| sen_store::bench::board(
        &db,
        pipeline,
        40,
        chrono::Utc::now()
    )
    .await?);
    record("board", api, Some(sql));
    let scan = timed!(reps, |_i| sen_store::bench::board_scan(
        &db,
        pipeline,
        40,
        chrono::Utc::now()
    )
    .await?);
    scans.insert("board".into(), json!(scan.0));

    // search: a term every fold finds, and one nothing matches
    for (name, term) in [("search", "nguyen"), ("search_none", "zzqxjw")] {
        let path = format!("/api/v1/leads?q={term}&limit=80");
        let api = timed!(reps, |_i| client.fetch(&path).await?);
        let sql = timed!(reps, |_i| sen_store::bench::search(&db, term, 80).await?);
        record(name, api, Some(sql));
    }

    // report: stage × salesperson over every record
    let path = "/api/v1/reports/pipeline?group_by=stage,user&measures=count,expected_revenue";
    let api = timed!(reps, |_i| client.fetch(path).await?);
    let sql = timed!(reps, |_i| sen_store::bench::report(&db).await?);
    record("report", api, Some(sql));
    let scan = timed!(reps, |_i| sen_store::bench::report_scan(&db).await?);
    scans.insert("report".into(), json!(scan.0));

    // create
    let api = timed!(reps, |i| client
        .ok(
            "POST",
            "/api/v1/leads",
            Some(json!({"name": format!("Bench {i}"), "type": "opportunity"}))
        )
        .await?);
    let first_stage = stages.first().copied().unwrap_or(0);
    let sql = timed!(reps, |i| sen_store::bench::create(
        &db,
        pipeline,
        first_stage,
        &format!("Bench SQL {i}"),
        chrono::Utc::now()
    )
    .await?);
    record("create", api, Some(sql));

    // move: one opportunity back and forth between two stages
    let lead = client
        .ok(
            "POST",
            "/api/v1/leads",
            Some(json!({"name": "Bench move", "type": "opportunity"})),
        )
        .await?;
    let id = lead["id"].as_i64().unwrap_or_default();
    let mut version = lead["version"].as_i64().unwrap_or(1);
    let (a, b) = (
        stages.first().copied().unwrap_or(0),
        stages.get(1).copied().unwrap_or(0),
    );
    let api = timed!(reps, |i| {
        let target = if i % 2 == 0 { b } else { a };
        let moved = client
            .ok(
                "PATCH",
                &format!("/api/v1/leads/{id}"),
                Some(json!({"version": version, "stage_id": target})),
            )
            .await?;
        version = moved["version"].as_i64().unwrap_or(version + 1);
    });
    let sql = timed!(reps, |i| {
        let (v, _) = sen_store::bench::version_of(&db, id)
            .await?
            .unwrap_or((1, a));
        let target = if i % 2 == 0 { a } else { b };
        sen_store::bench::move_stage(&db, id, v, target, chrono::Utc::now()).await?;
    });
    record("move", api, Some(sql));

    let load = if args.load_seconds > 0 {
        println!(
            "mixed load: {} s at {} connections…",
            args.load_seconds, args.connections
        );
        let l = crate::bench_load::load(
            port,
            (client.cookie.clone(), client.csrf.clone()),
            pipeline,
            args.load_seconds,
            args.connections,
        )
        .await?;
        l.json()
    } else {
        Value::Null
    };

    let import = if args.import_records > 0 {
        let tags: Vec<String> = client.ok("GET", "/api/v1/tags", None).await?["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t["name"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let people: Vec<String> = client.ok("GET", "/api/v1/users", None).await?["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| {
                        u["email"]
                            .as_str()
                            .filter(|e| e.ends_with("@bench.sen"))
                            .map(String::from)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let csv = crate::bench_load::import_csv(args.import_records, args.seed, &tags, &people);
        println!(
            "importing {} leads from a {:.1} MB CSV…",
            args.import_records,
            csv.len() as f64 / 1e6
        );
        match crate::bench_load::import(&mut client, csv).await {
            Ok((created, seconds)) => json!({"records": created, "seconds": seconds,
                "records_per_s": created as f64 / seconds.max(1e-9)}),
            Err(e) => json!({"records": 0, "error": e.to_string()}),
        }
    } else {
        Value::Null
    };

    let rss = peak_rss_mb(pid);
    drop(server);
    let result = json!({
        "records": args.records,
        "database": args.database,
        "machine": {"cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1), "os": std::env::consts::OS},
        "operations": ops,
        "scan_p50_ms": scans,
        "bulk_insert": bulk,
        "import": import,
        "load": load,
        "server_rss_mb": rss,
    });
    println!(
        "\n{:<12} {:>9} {:>9} {:>9} {:>7}",
        "operation", "p50 ms", "p95 ms", "SQL p50", "ratio"
    );
    if let Some(o) = result["operations"].as_object() {
        for (name, v) in o {
            let f = |k: &str| {
                v[k].as_f64()
                    .map(|x| format!("{x:.2}"))
                    .unwrap_or_else(|| "—".into())
            };
            println!(
                "{name:<12} {:>9} {:>9} {:>9} {:>7}",
                f("p50_ms"),
                f("p95_ms"),
                f("sql_p50_ms"),
                f("ratio")
            );
        }
    }
    println!(
        "bulk insert: {} records in {:.1} s ({:.0}/s); server peak RSS {} MB",
        generated.opportunities,
        generated.seconds,
        generated.opportunities as f64 / generated.seconds.max(1e-9),
        rss.map(|r| format!("{r:.0}")).unwrap_or_else(|| "?".into())
    );
    if !result["load"].is_null() {
        let l = &result["load"];
        println!(
            "load: {} requests in {:.0} s at {} connections = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, {} errors",
            l["requests"],
            l["seconds"].as_f64().unwrap_or(0.0),
            l["connections"],
            l["requests_per_s"].as_f64().unwrap_or(0.0),
            l["p50_ms"].as_f64().unwrap_or(0.0),
            l["p99_ms"].as_f64().unwrap_or(0.0),
            l["errors"]
        );
    }
    if !result["import"].is_null() {
        let i = &result["import"];
        println!(
            "import: {} leads in {:.1} s ({:.0}/s)",
            i["records"],
            i["seconds"].as_f64().unwrap_or(0.0),
            i["records_per_s"].as_f64().unwrap_or(0.0)
        );
    }
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&result)?)
            .with_context(|| format!("writing {}", out.display()))?;
        println!("results written to {}", out.display());
    }
    Ok(())
}
