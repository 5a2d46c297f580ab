//! The background worker: claims due jobs from the durable queue (`sen_store::jobs`) and
//! runs them — sending mail, notification e-mails and digests. A job that fails is retried
//! with growing back-off, then kept as failed with its error for the admins to see.
//!
//! Delivery is at least once: a job is marked done after its work, so a worker killed in
//! between does it again when the lease runs out. A worker asked to stop finishes the job in
//! hand first, so an orderly restart repeats nothing.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use rand::RngCore;
use sen_store::jobs::{self, Job};
use sen_store::mails;
use tokio::sync::watch;

use crate::App;
use crate::access::{Actor, require_admin};
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::mail::{self, SEND_JOB};
use crate::notify::{self, Texts};

/// How a job's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Will run again at this time.
    Retry(DateTime<Utc>),
    Failed(String),
}

/// What a job handler reports when it could not do its work.
pub(crate) struct JobError {
    pub reason: String,
    /// Retrying cannot help.
    pub permanent: bool,
}

impl From<AppError> for JobError {
    fn from(e: AppError) -> Self {
        JobError {
            reason: e.to_string(),
            permanent: false,
        }
    }
}

pub struct Worker {
    app: App,
    texts: Arc<dyn Texts>,
    name: String,
    lease: Duration,
    backoff: Duration,
}

impl Worker {
    pub fn new(app: App, texts: Arc<dyn Texts>) -> Self {
        let mut id = [0_u8; 4];
        rand::rng().fill_bytes(&mut id);
        Worker {
            app,
            texts,
            name: format!(
                "{}-{:02x}{:02x}{:02x}{:02x}",
                std::process::id(),
                id[0],
                id[1],
                id[2],
                id[3]
            ),
            lease: Duration::from_secs(300),
            backoff: Duration::from_secs(30),
        }
    }

    /// The first retry's delay (each further one doubles it, up to an hour).
    pub fn with_backoff(mut self, first_retry: Duration) -> Self {
        self.backoff = first_retry;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn retry_delay(&self, attempts: i64) -> chrono::Duration {
        let factor = 2_u32.saturating_pow(attempts.clamp(1, 16) as u32 - 1);
        let d = self
            .backoff
            .saturating_mul(factor)
            .min(Duration::from_secs(3600));
        chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
    }

    /// Claims and runs one due job; `None` when nothing is due.
    pub async fn run_once(&self) -> AppResult<Option<(Job, Outcome)>> {
        let t = now();
        let lease_until = t + chrono::Duration::from_std(self.lease).unwrap_or_default();
        let Some(job) = jobs::claim(&self.app.db, &self.name, t, lease_until).await? else {
            return Ok(None);
        };
        // A panicking handler fails its job instead of stopping the worker.
        let ran = std::panic::AssertUnwindSafe(self.handle(&job))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| {
                Err(JobError {
                    reason: "the job panicked".into(),
                    permanent: true,
                })
            });
        let outcome = match ran {
            Ok(()) => {
                jobs::finish(&self.app.db, job.id, &self.name, now()).await?;
                Outcome::Done
            }
            Err(e) if !e.permanent && job.attempts < job.max_attempts => {
                let at = now() + self.retry_delay(job.attempts);
                jobs::fail(&self.app.db, job.id, &self.name, &e.reason, Some(at), now()).await?;
                tracing::warn!(job = job.id, kind = %job.kind, error = %e.reason, "job will be retried");
                Outcome::Retry(at)
            }
            Err(e) => {
                jobs::fail(&self.app.db, job.id, &self.name, &e.reason, None, now()).await?;
                self.after_final_failure(&job, &e.reason).await?;
                tracing::error!(job = job.id, kind = %job.kind, error = %e.reason, "job failed");
                Outcome::Failed(e.reason)
            }
        };
        Ok(Some((job, outcome)))
    }

    /// Runs jobs until none is due (tests, and the worker loop).
    pub async fn drain(&self) -> AppResult<usize> {
        let mut n = 0;
        while self.run_once().await?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    /// Works until `stop` turns true; a job in hand is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut last_tick: Option<DateTime<Utc>> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            if last_tick.is_none_or(|t| now() - t >= chrono::Duration::seconds(60)) {
                last_tick = Some(now());
                if let Err(e) = self.app.schedule_due_work().await {
                    tracing::error!(error = %e, "scheduling due work");
                }
            }
            let ran = match self.run_once().await {
                Ok(r) => r.is_some(),
                Err(e) => {
                    tracing::error!(error = %e, "job queue");
                    false
                }
            };
            if ran {
                continue;
            }
            let wait = self.idle_wait().await;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.app.wake.notified() => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Until the next job falls due, at most 30 s (other workers may queue jobs too).
    async fn idle_wait(&self) -> Duration {
        let cap = Duration::from_secs(30);
        match jobs::next_run_at(&mut &self.app.db).await {
            Ok(Some(at)) => (at - now())
                .to_std()
                .unwrap_or(Duration::from_millis(50))
                .clamp(Duration::from_millis(50), cap),
            _ => cap,
        }
    }

    async fn handle(&self, job: &Job) -> Result<(), JobError> {
        let payload: serde_json::Value =
            serde_json::from_str(&job.payload).map_err(|e| JobError {
                reason: format!("bad payload: {e}"),
                permanent: true,
            })?;
        let id = |key: &str| {
            payload[key].as_i64().ok_or(JobError {
                reason: format!("payload lacks {key}"),
                permanent: true,
            })
        };
        match job.kind.as_str() {
            SEND_JOB => self.send_mail(id("mail_id")?, job).await,
            notify::EMAIL_JOB => {
                self.app
                    .email_notification(self.texts.as_ref(), id("notification_id")?)
                    .await
            }
            crate::reminders::REMINDER_JOB => {
                self.app.send_reminder(self.texts.as_ref(), &payload).await
            }
            notify::DIGEST_JOB => {
                self.app
                    .email_digest(self.texts.as_ref(), id("user_id")?)
                    .await
            }
            other => Err(JobError {
                reason: format!("unknown job kind {other}"),
                permanent: true,
            }),
        }
    }

    async fn send_mail(&self, mail_id: i64, job: &Job) -> Result<(), JobError> {
        let db = &self.app.db;
        let Some(m) = mails::get(&mut &*db, mail_id)
            .await
            .map_err(AppError::from)?
        else {
            return Ok(());
        };
        if m.state == "sent" {
            return Ok(());
        }
        let config = self.app.effective_mail().await?;
        let Some(server) = &config.smtp else {
            mails::set_state(db, m.id, "outbox", None, now())
                .await
                .map_err(AppError::from)?;
            return Ok(());
        };
        match mail::deliver(&config, server, &m).await {
            Ok(()) => {
                mails::set_state(db, m.id, "sent", None, now())
                    .await
                    .map_err(AppError::from)?;
                Ok(())
            }
            Err(f) => {
                let last = f.permanent || job.attempts >= job.max_attempts;
                let state = if last { "failed" } else { "queued" };
                mails::set_state(db, m.id, state, Some(&f.reason), now())
                    .await
                    .map_err(AppError::from)?;
                Err(JobError {
                    reason: f.reason,
                    permanent: f.permanent,
                })
            }
        }
    }

    async fn after_final_failure(&self, job: &Job, reason: &str) -> AppResult<()> {
        if job.kind == SEND_JOB
            && let Ok(p) = serde_json::from_str::<serde_json::Value>(&job.payload)
            && let Some(id) = p["mail_id"].as_i64()
            && let Some(m) = mails::get(&mut &self.app.db, id).await?
            && m.state != "failed"
            && m.state != "sent"
        {
            mails::set_state(&self.app.db, id, "failed", Some(reason), now()).await?;
        }
        Ok(())
    }
}

impl App {
    /// Jobs for the admins' view: failed ones (with their errors), or any state.
    pub async fn list_jobs(&self, actor: &Actor, state: Option<&str>) -> AppResult<Vec<Job>> {
        require_admin(actor)?;
        if let Some(s) = state
            && !["queued", "running", "done", "failed"].contains(&s)
        {
            return Err(AppError::field(
                "state",
                sen_domain::errors::Invalid::Choice {
                    allowed: ["queued", "running", "done", "failed"]
                        .map(String::from)
                        .to_vec(),
                },
            ));
        }
        Ok(jobs::list(&mut &self.db, state, 200).await?)
    }

    /// An admin puts a failed job back in the queue.
    pub async fn retry_job(&self, actor: &Actor, id: i64) -> AppResult<Job> {
        require_admin(actor)?;
        let job = jobs::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !jobs::retry(&self.db, id, now()).await? {
            return Err(AppError::Conflict("job_not_failed"));
        }
        if job.kind == SEND_JOB
            && let Ok(p) = serde_json::from_str::<serde_json::Value>(&job.payload)
            && let Some(mail_id) = p["mail_id"].as_i64()
        {
            mails::set_state(&self.db, mail_id, "queued", None, now()).await?;
        }
        self.wake_worker();
        jobs::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }
}
