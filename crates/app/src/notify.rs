//! Followers and notifications (R6.2). A change to a record tells its followers (and the
//! followers of its team) who chose to hear about that topic — never someone who may not see
//! the record, never the person who made the change. Each notification shows under the
//! bell, and goes out by e-mail at once or in the daily digest, as each user chose.

use chrono::{DateTime, Timelike, Utc};
use sen_domain::activity::RecordType;
use sen_domain::notify::{self as rules, Kind, Topic};
use sen_domain::user::{NotifyEmail, Role};
use sen_store::Tx;
use sen_store::followers::{self, Follower};
use sen_store::jobs::{self, NewJob};
use sen_store::notifications::{self, NewNotification, Notification};
use sen_store::users;

use crate::App;
use crate::access::Actor;
use crate::clock::{now, parse_tz};
use crate::error::{AppError, AppResult};
use crate::jobs::JobError;
use crate::mail::Outgoing;

pub const EMAIL_JOB: &str = "notify.email";
pub const DIGEST_JOB: &str = "notify.digest";
/// Local hour at which digests go out.
const DIGEST_HOUR: u32 = 8;

/// Texts in the reader's language, for mail written by the worker (implemented by `web`
/// with its Fluent catalogs, so app code never holds user-facing words).
pub trait Texts: Send + Sync {
    fn text(&self, lang: &str, id: &str, args: &[(&str, String)]) -> String;
}

/// Something that happened to a record, as followers hear of it.
pub(crate) struct News<'a> {
    pub kind: Kind,
    pub record_type: &'a str,
    pub record_id: i64,
    pub record_name: &'a str,
    /// The record's team, whose followers hear too.
    pub team_id: Option<i64>,
    pub actor_id: i64,
    pub detail: Option<&'a str>,
}

/// One line about a notification, in the reader's language.
pub fn describe(texts: &dyn Texts, lang: &str, n: &Notification) -> String {
    let actor = n.actor_name.clone().unwrap_or_default();
    let record = n.record_name.clone().unwrap_or_default();
    let detail = n.detail.clone().unwrap_or_default();
    let key = match n.kind.as_str() {
        "outcome" => format!("notify-outcome-{detail}"),
        other => format!("notify-{other}"),
    };
    texts.text(
        lang,
        &key,
        &[("actor", actor), ("record", record), ("detail", detail)],
    )
}

/// A follow as the API shows it.
#[derive(Debug, Clone)]
pub struct FollowView {
    pub follower: Follower,
    pub user_name: String,
}

impl App {
    /// Whether `user_id` may see the record as it stands in `tx` (the rules of reading it).
    pub(crate) async fn user_may_see(
        &self,
        tx: &mut Tx,
        user_id: i64,
        record_type: &str,
        record_id: i64,
    ) -> AppResult<bool> {
        let Some(u) = users::by_id(&mut *tx, user_id).await? else {
            return Ok(false);
        };
        if !u.active {
            return Ok(false);
        }
        let actor = Actor {
            user_id: u.id,
            role: Role::parse(&u.role).unwrap_or(Role::Salesperson),
            language: u.language,
            time_zone: u.time_zone,
            seen_settings: None,
        };
        Ok(match record_type {
            "lead" => {
                let scope = Self::lead_scope_in(&mut *tx, &actor).await?;
                sen_store::leads::get(&mut *tx, record_id, &scope)
                    .await?
                    .is_some()
            }
            "contact" => {
                sen_store::contacts::get(&mut *tx, record_id, &crate::access::contacts_read(&actor))
                    .await?
                    .is_some()
            }
            _ => false,
        })
    }

    /// Notifies one user (unless they made the change or may not see the record), and
    /// queues the e-mail if they want it at once.
    pub(crate) async fn notify_user(
        &self,
        tx: &mut Tx,
        user_id: i64,
        n: &News<'_>,
    ) -> AppResult<()> {
        if user_id == n.actor_id
            || !self
                .user_may_see(tx, user_id, n.record_type, n.record_id)
                .await?
        {
            return Ok(());
        }
        let id = notifications::insert(
            tx,
            NewNotification {
                user_id,
                kind: n.kind.as_str(),
                record: Some((n.record_type, n.record_id)),
                record_name: Some(n.record_name),
                actor_id: Some(n.actor_id),
                detail: n.detail,
            },
            now(),
        )
        .await?;
        let wants = users::by_id(&mut *tx, user_id)
            .await?
            .map(|u| u.notify_email)
            .unwrap_or_default();
        if wants == NotifyEmail::Immediate.as_str() {
            jobs::enqueue(
                tx,
                NewJob {
                    kind: EMAIL_JOB,
                    payload: serde_json::json!({ "notification_id": id }).to_string(),
                    unique_key: Some(format!("notification:{id}")),
                    run_at: now(),
                    max_attempts: 5,
                },
                now(),
            )
            .await?;
            self.wake_worker();
        }
        Ok(())
    }

    /// Tells the record's followers and its team's followers who hear about this topic.
    /// `except` are users already told (e.g. mentioned in the same note).
    pub(crate) async fn tell_followers(
        &self,
        tx: &mut Tx,
        n: &News<'_>,
        except: &[i64],
    ) -> AppResult<()> {
        let Some(topic) = n.kind.topic() else {
            return Ok(());
        };
        let all =
            followers::of_record_and_team(&mut *tx, n.record_type, n.record_id, n.team_id).await?;
        let mut told: Vec<i64> = except.to_vec();
        for f in all {
            if told.contains(&f.user_id) || !rules::hears(&f.topics, topic) {
                continue;
            }
            told.push(f.user_id);
            self.notify_user(tx, f.user_id, n).await?;
        }
        Ok(())
    }

    /// Tells a lead's followers (and its team's) about a change to it.
    pub(crate) async fn tell_about_lead(
        &self,
        tx: &mut Tx,
        l: &sen_store::leads::Lead,
        kind: Kind,
        actor: &Actor,
        detail: Option<&str>,
    ) -> AppResult<()> {
        let news = News {
            kind,
            record_type: "lead",
            record_id: l.id,
            record_name: &l.name,
            team_id: l.team_id,
            actor_id: actor.user_id,
            detail,
        };
        self.tell_followers(tx, &news, &[]).await
    }

    /// A lead's new salesperson follows it and, unless they assigned it themselves, is told.
    pub(crate) async fn lead_assigned(
        &self,
        tx: &mut Tx,
        l: &sen_store::leads::Lead,
        user_id: i64,
        actor: &Actor,
    ) -> AppResult<()> {
        self.auto_follow(tx, "lead", l.id, user_id).await?;
        let news = News {
            kind: Kind::Assigned,
            record_type: "lead",
            record_id: l.id,
            record_name: &l.name,
            team_id: l.team_id,
            actor_id: actor.user_id,
            detail: None,
        };
        self.notify_user(tx, user_id, &news).await
    }

    /// Makes a user follow a record with every topic, unless they already follow it.
    pub(crate) async fn auto_follow(
        &self,
        tx: &mut Tx,
        record_type: &str,
        record_id: i64,
        user_id: i64,
    ) -> AppResult<()> {
        followers::add_if_missing(
            tx,
            record_type,
            record_id,
            user_id,
            &rules::all_topics(),
            now(),
        )
        .await?;
        Ok(())
    }

    async fn check_followable(&self, actor: &Actor, record_type: &str, id: i64) -> AppResult<()> {
        match record_type {
            "lead" => self.get_lead(actor, id).await.map(drop),
            "contact" => self.get_contact(actor, id).await.map(drop),
            "team" => sen_store::teams::get(&mut &self.db, id)
                .await?
                .map(drop)
                .ok_or(AppError::NotFound),
            _ => Err(AppError::field(
                "record_type",
                sen_domain::errors::Invalid::Choice {
                    allowed: vec!["lead".into(), "contact".into(), "team".into()],
                },
            )),
        }
    }

    /// Follows a record (or a team's records) for the actor, or — managers — for another
    /// user; `topics` `None` means all. Following again changes the topics.
    pub async fn follow(
        &self,
        actor: &Actor,
        record_type: &str,
        record_id: i64,
        user_id: Option<i64>,
        topics: Option<&[String]>,
    ) -> AppResult<Follower> {
        self.check_followable(actor, record_type, record_id).await?;
        let user_id = user_id.unwrap_or(actor.user_id);
        let topics = match topics {
            Some(t) => rules::topics_text("topics", t)?,
            None => rules::all_topics(),
        };
        let mut tx = self.db.begin().await?;
        if users::by_id(&mut tx, user_id)
            .await?
            .is_none_or(|u| !u.active)
        {
            return Err(AppError::field(
                "user_id",
                sen_domain::errors::Invalid::NotFound,
            ));
        }
        if user_id != actor.user_id {
            crate::access::require_manager(actor)?;
            let sees = record_type == "team"
                || self
                    .user_may_see(&mut tx, user_id, record_type, record_id)
                    .await?;
            if !sees {
                return Err(AppError::field(
                    "user_id",
                    sen_domain::errors::Invalid::NotFound,
                ));
            }
        }
        followers::upsert(&mut tx, record_type, record_id, user_id, &topics, now())
            .await
            .map_err(|e| match e {
                sen_store::StoreError::Conflict(_) => {
                    AppError::field("user_id", sen_domain::errors::Invalid::NotFound)
                }
                other => other.into(),
            })?;
        tx.commit().await?;
        followers::get(&mut &self.db, record_type, record_id, user_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Stops following (the actor, or — managers — another user).
    pub async fn unfollow(
        &self,
        actor: &Actor,
        record_type: &str,
        record_id: i64,
        user_id: Option<i64>,
    ) -> AppResult<()> {
        self.check_followable(actor, record_type, record_id).await?;
        let user_id = user_id.unwrap_or(actor.user_id);
        if user_id != actor.user_id {
            crate::access::require_manager(actor)?;
        }
        let mut tx = self.db.begin().await?;
        let removed = followers::remove(&mut tx, record_type, record_id, user_id).await?;
        tx.commit().await?;
        if removed {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// A record's followers with their names.
    pub async fn list_followers(
        &self,
        actor: &Actor,
        record_type: &str,
        record_id: i64,
    ) -> AppResult<Vec<FollowView>> {
        self.check_followable(actor, record_type, record_id).await?;
        let fs = followers::of_record(&mut &self.db, record_type, record_id).await?;
        let people = users::list(&mut &self.db).await?;
        Ok(fs
            .into_iter()
            .map(|f| FollowView {
                user_name: people
                    .iter()
                    .find(|u| u.id == f.user_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                follower: f,
            })
            .collect())
    }

    /// Whether the actor follows the record (and with which topics).
    pub async fn my_follow(
        &self,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
    ) -> AppResult<Option<Follower>> {
        Ok(followers::get(
            &mut &self.db,
            record_type.as_str(),
            record_id,
            actor.user_id,
        )
        .await?)
    }

    /// The actor's notifications, newest first.
    pub async fn list_notifications(
        &self,
        actor: &Actor,
        unread_only: bool,
        before: Option<i64>,
        limit: Option<i64>,
    ) -> AppResult<Vec<Notification>> {
        let limit = sen_domain::list::check_limit(limit)?;
        Ok(
            notifications::of_user(&mut &self.db, actor.user_id, unread_only, before, limit)
                .await?,
        )
    }

    pub async fn unread_notifications(&self, actor: &Actor) -> AppResult<i64> {
        Ok(notifications::unread_count(&mut &self.db, actor.user_id).await?)
    }

    /// One of the actor's notifications.
    pub async fn get_notification(&self, actor: &Actor, id: i64) -> AppResult<Notification> {
        notifications::get(&mut &self.db, id)
            .await?
            .filter(|n| n.user_id == actor.user_id)
            .ok_or(AppError::NotFound)
    }

    /// Marks one notification (or all, with `None`) of the actor read; answers how many.
    pub async fn mark_notifications_read(&self, actor: &Actor, id: Option<i64>) -> AppResult<u64> {
        if let Some(id) = id {
            let n = self.get_notification(actor, id).await?;
            if n.read_at.is_some() {
                return Ok(0);
            }
        }
        let mut tx = self.db.begin().await?;
        let n = notifications::mark_read(&mut tx, actor.user_id, id, now()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The worker's job: one notification by e-mail.
    pub(crate) async fn email_notification(
        &self,
        texts: &dyn Texts,
        notification_id: i64,
    ) -> Result<(), JobError> {
        let Some(n) = notifications::get(&mut &self.db, notification_id)
            .await
            .map_err(AppError::from)?
        else {
            return Ok(());
        };
        if n.emailed_at.is_some() || n.read_at.is_some() {
            return Ok(());
        }
        let Some(u) = users::by_id(&mut &self.db, n.user_id)
            .await
            .map_err(AppError::from)?
        else {
            return Ok(());
        };
        // Deactivated, or changed their mind since: no mail.
        if !u.active || u.notify_email != NotifyEmail::Immediate.as_str() {
            return Ok(());
        }
        let line = describe(texts, &u.language, &n);
        let subject = texts.text(
            &u.language,
            "mail-notification-subject",
            &[("line", line.clone())],
        );
        let body = texts.text(
            &u.language,
            "mail-notification-body",
            &[("name", u.name.clone()), ("line", line)],
        );
        let mut tx = self.db.begin().await.map_err(AppError::from)?;
        self.queue_mail(
            &mut tx,
            Outgoing {
                to: std::slice::from_ref(&u.email),
                subject: &subject,
                text: &body,
                html: None,
                record: n.record_type.as_deref().zip(n.record_id),
            },
        )
        .await?;
        notifications::mark_emailed(&mut tx, &[n.id], now())
            .await
            .map_err(AppError::from)?;
        tx.commit().await.map_err(AppError::from)?;
        Ok(())
    }

    /// The worker's job: the day's unread, un-mailed notifications of one user in one mail.
    pub(crate) async fn email_digest(
        &self,
        texts: &dyn Texts,
        user_id: i64,
    ) -> Result<(), JobError> {
        let Some(u) = users::by_id(&mut &self.db, user_id)
            .await
            .map_err(AppError::from)?
        else {
            return Ok(());
        };
        let mut tx = self.db.begin().await.map_err(AppError::from)?;
        let items = notifications::for_digest(&mut tx, user_id)
            .await
            .map_err(AppError::from)?;
        if items.is_empty() || !u.active {
            return Ok(());
        }
        let lines: Vec<String> = items
            .iter()
            .map(|n| format!("• {}", describe(texts, &u.language, n)))
            .collect();
        let subject = texts.text(
            &u.language,
            "mail-digest-subject",
            &[("count", items.len().to_string())],
        );
        let body = texts.text(
            &u.language,
            "mail-digest-body",
            &[("name", u.name.clone()), ("lines", lines.join("\n"))],
        );
        self.queue_mail(
            &mut tx,
            Outgoing {
                to: std::slice::from_ref(&u.email),
                subject: &subject,
                text: &body,
                html: None,
                record: None,
            },
        )
        .await?;
        let ids: Vec<i64> = items.iter().map(|n| n.id).collect();
        notifications::mark_emailed(&mut tx, &ids, now())
            .await
            .map_err(AppError::from)?;
        tx.commit().await.map_err(AppError::from)?;
        Ok(())
    }

    /// Queues the work that falls due by the clock: meeting reminders, and each digest
    /// user's daily mail once their local morning has come. Safe to call often (each job is
    /// queued once).
    pub async fn schedule_due_work(&self) -> AppResult<usize> {
        self.schedule_due_work_at(now()).await
    }

    /// The same, as if the clock said `at` (tests; catching up after downtime).
    pub async fn schedule_due_work_at(&self, at: DateTime<Utc>) -> AppResult<usize> {
        Ok(self.schedule_digests(at).await? + self.schedule_reminders(at).await?)
    }

    async fn schedule_digests(&self, at: DateTime<Utc>) -> AppResult<usize> {
        let people = users::list(&mut &self.db).await?;
        let mut tx = self.db.begin().await?;
        let mut queued = 0;
        for u in people
            .iter()
            .filter(|u| u.active && u.notify_email == NotifyEmail::Digest.as_str())
        {
            let local = at.with_timezone(&parse_tz(&u.time_zone).unwrap_or(chrono_tz::UTC));
            if local.hour() < DIGEST_HOUR {
                continue;
            }
            let key = format!("digest:{}:{}", u.id, local.date_naive());
            if jobs::enqueue(
                &mut tx,
                NewJob {
                    kind: DIGEST_JOB,
                    payload: serde_json::json!({ "user_id": u.id }).to_string(),
                    unique_key: Some(key),
                    run_at: at,
                    max_attempts: 5,
                },
                at,
            )
            .await?
            .is_some()
            {
                queued += 1;
            }
        }
        tx.commit().await?;
        if queued > 0 {
            self.wake_worker();
        }
        Ok(queued)
    }
}

/// A kind's topic name for the API (`None` for kinds addressed to one user).
pub fn topic_of(kind: &str) -> Option<Topic> {
    Kind::parse(kind).and_then(Kind::topic)
}
