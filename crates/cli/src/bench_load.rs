//! The two throughput operations of `sen bench` (benchmark.md 6 and 7): the CSV import of
//! many leads through `POST /api/v1/leads/import`, and the mixed load — many keep-alive
//! connections for a fixed time, 70 % reads (board, list, search) and 30 % writes (create,
//! change one's own lead), counting every answer that is not a success as an error.

use std::time::{Duration, Instant};

use anyhow::Result;
use hyper::body::Bytes;
use sen_app::generate::Seeded;
use serde_json::{Value, json};

use crate::bench::Client;

/// What the load run measured.
pub struct LoadResult {
    pub seconds: f64,
    pub connections: usize,
    pub requests: usize,
    pub errors: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl LoadResult {
    pub fn json(&self) -> Value {
        json!({
            "seconds": self.seconds,
            "connections": self.connections,
            "requests": self.requests,
            "requests_per_s": self.requests as f64 / self.seconds.max(1e-9),
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
        })
    }
}

/// One connection's share: latencies in ms and errors.
async fn worker(
    port: u16,
    session: (String, String),
    pipeline: i64,
    until: Instant,
    seed: u64,
) -> Result<(Vec<f64>, usize)> {
    let mut client = Client::connect(port).await?;
    (client.cookie, client.csrf) = session;
    let mut rng = Seeded::new(seed);
    let mine = client
        .ok(
            "POST",
            "/api/v1/leads",
            Some(json!({"name": format!("Load {seed}"), "type": "opportunity"})),
        )
        .await?;
    let id = mine["id"].as_i64().unwrap_or_default();
    let mut version = mine["version"].as_i64().unwrap_or(1);
    let (mut ms, mut errors) = (Vec::new(), 0);
    let board = format!("/api/v1/board?pipeline_id={pipeline}");
    while Instant::now() < until {
        let roll = rng.range(0, 99);
        let started = Instant::now();
        // Reads take their answers as bytes (only writes need theirs read).
        let answer = match roll {
            0..=23 => status_only(client.send_raw("GET", &board, None).await),
            24..=46 => status_only(client.send_raw("GET", "/api/v1/leads?limit=50", None).await),
            47..=69 => status_only(
                client
                    .send_raw("GET", "/api/v1/leads?q=nguyen&limit=80", None)
                    .await,
            ),
            70..=84 => {
                let body = json!({"name": format!("Load {seed}-{}", rng.next_u64() % 1_000_000), "type": "opportunity"});
                client.call("POST", "/api/v1/leads", Some(body)).await
            }
            _ => {
                let body = json!({"version": version, "priority": rng.range(0, 3)});
                let r = client
                    .call("PATCH", &format!("/api/v1/leads/{id}"), Some(body))
                    .await;
                if let Ok((200, v, _)) = &r {
                    version = v["version"].as_i64().unwrap_or(version + 1);
                }
                r
            }
        };
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
        match answer {
            Ok((status, _, _)) if (200..300).contains(&status) => {}
            Ok(_) => errors += 1,
            Err(_) => {
                errors += 1;
                // The connection is gone: open another and go on.
                let session = (client.cookie.clone(), client.csrf.clone());
                client = Client::connect(port).await?;
                (client.cookie, client.csrf) = session;
            }
        }
    }
    Ok((ms, errors))
}

/// A read's answer with its body left unread, in the shape of a write's.
fn status_only(answer: Result<(u16, Bytes, String)>) -> Result<(u16, Value, String)> {
    answer.map(|(status, _, cookie)| (status, Value::Null, cookie))
}

/// Runs the mixed load for `seconds` over `connections` connections.
pub async fn load(
    port: u16,
    session: (String, String),
    pipeline: i64,
    seconds: u64,
    connections: usize,
) -> Result<LoadResult> {
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            tokio::spawn(worker(
                port,
                session.clone(),
                pipeline,
                until,
                1_000 + i as u64,
            ))
        })
        .collect();
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        match t.await? {
            Ok((ms, e)) => {
                all.extend(ms);
                errors += e;
            }
            Err(_) => errors += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        all.get(((all.len().max(1) - 1) as f64 * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(LoadResult {
        seconds,
        connections,
        requests: all.len(),
        errors,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
    })
}

/// A CSV of `n` leads as a sales team would export them from a spreadsheet (fixed seed):
/// name, contact, e-mail, phone, revenue, tags and salesperson by e-mail.
pub fn import_csv(n: usize, seed: u64, tags: &[String], salespeople: &[String]) -> String {
    let mut rng = Seeded::new(seed ^ 0x5EED);
    let mut out = String::with_capacity(n * 110);
    out.push_str("Tên,Người liên hệ,Email,Điện thoại,Doanh thu dự kiến,Thẻ,Nhân viên kinh doanh\n");
    for i in 1..=n {
        let tag = if tags.is_empty() || rng.chance(50) {
            String::new()
        } else {
            tags[rng.range(0, tags.len() as i64 - 1) as usize].clone()
        };
        let user = if salespeople.is_empty() {
            String::new()
        } else {
            salespeople[rng.range(0, salespeople.len() as i64 - 1) as usize].clone()
        };
        out.push_str(&format!(
            "Tiềm năng nhập {i},Khách {i},khach{i}@example.vn,09{:08},{},{tag},{user}\n",
            rng.range(0, 99_999_999),
            rng.range(1_000, 100_000) * 1_000,
        ));
    }
    out
}

/// Imports `csv` through the API; (rows created, seconds).
pub async fn import(client: &mut Client, csv: String) -> Result<(usize, f64)> {
    let started = Instant::now();
    let (status, v, _) = client
        .send(
            "POST",
            "/api/v1/leads/import?type=lead",
            Some(("text/csv", Bytes::from(csv))),
        )
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    if status != 201 {
        anyhow::bail!("the import answered {status}: {v}");
    }
    Ok((v["created"].as_u64().unwrap_or(0) as usize, seconds))
}
