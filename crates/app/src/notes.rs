//! Posting on a record's timeline: notes (sanitised rich text with `@mentions`) and e-mails
//! to the customer, sent over SMTP with their Message-ID kept for threading replies.

use sen_domain::activity::RecordType;
use sen_domain::errors::{FieldErrors, Invalid, check_len};
use sen_domain::note::{self, Mentionable};
use sen_domain::notify::Kind;
use sen_domain::validate::is_valid_email;
use sen_store::Tx;
use sen_store::messages::{self, Message, NewMessage};
use sen_store::users;

use crate::App;
use crate::access::Actor;
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::mail::Outgoing;
use crate::notify::News;

/// Longest e-mail subject, in characters.
const MAX_SUBJECT_CHARS: usize = 300;
/// Most recipients of one e-mail.
const MAX_RECIPIENTS: usize = 20;

/// A record as the timeline's writers need it.
pub(crate) struct RecordRef {
    pub record_type: RecordType,
    pub id: i64,
    pub name: String,
    pub team_id: Option<i64>,
    pub email: Option<String>,
}

/// An e-mail to send from a record.
#[derive(Debug, Clone, Default)]
pub struct EmailInput {
    /// Recipients; none means the record's own address.
    pub to: Option<Vec<String>>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl App {
    /// The record, if the actor may see it (404 otherwise); with `write`, also change it.
    pub(crate) async fn record_ref(
        &self,
        actor: &Actor,
        record_type: RecordType,
        id: i64,
        write: bool,
    ) -> AppResult<RecordRef> {
        self.check_record(actor, record_type, id, write).await?;
        self.record_ref_any(&mut &self.db, record_type, id).await
    }

    /// The record whoever asks (for code that already checked access).
    pub(crate) async fn record_ref_any(
        &self,
        conn: &mut impl sen_store::Conn,
        record_type: RecordType,
        id: i64,
    ) -> AppResult<RecordRef> {
        let all = crate::access::all();
        Ok(match record_type {
            RecordType::Lead => {
                let l = sen_store::leads::get(conn, id, &all)
                    .await?
                    .ok_or(AppError::NotFound)?;
                RecordRef {
                    record_type,
                    id,
                    name: l.name,
                    team_id: l.team_id,
                    email: l.email,
                }
            }
            RecordType::Contact => {
                let c = sen_store::contacts::get(conn, id, &all)
                    .await?
                    .ok_or(AppError::NotFound)?;
                RecordRef {
                    record_type,
                    id,
                    name: c.name,
                    team_id: None,
                    email: c.email,
                }
            }
        })
    }

    /// Posts a note. Every `@mention` must name an active user; those who may see the
    /// record are notified, and followers of notes hear of it too.
    pub async fn post_note(
        &self,
        actor: &Actor,
        record_type: RecordType,
        id: i64,
        body: Option<&str>,
    ) -> AppResult<Message> {
        let r = self.record_ref(actor, record_type, id, false).await?;
        let body = clean_body("body", body)?;
        let people = users::list(&mut &self.db).await?;
        let mentionable: Vec<Mentionable<'_>> = people
            .iter()
            .filter(|u| u.active)
            .map(|u| Mentionable {
                id: u.id,
                name: &u.name,
                email: &u.email,
            })
            .collect();
        let mentioned = note::mentions(&note::plain_text(&body), &mentionable)?;
        let mut tx = self.db.begin().await?;
        let message_id = messages::insert(
            &mut tx,
            NewMessage {
                record_type: record_type.as_str(),
                record_id: id,
                kind: "note",
                author_id: actor.user_id,
                activity_type_id: None,
                subject: None,
                body: Some(&body),
            },
            now(),
        )
        .await?;
        let excerpt = note::excerpt(&body, 140);
        let mut news = news(&r, Kind::Mention, actor, Some(&excerpt));
        for user_id in &mentioned {
            self.notify_user(&mut tx, *user_id, &news).await?;
        }
        news.kind = Kind::Note;
        self.tell_followers(&mut tx, &news, &mentioned).await?;
        tx.commit().await?;
        self.message(message_id).await
    }

    /// Sends an e-mail to the customer from the record (to its address unless others are
    /// given). It is queued in the same transaction as its timeline post, with the
    /// Message-ID kept on both.
    pub async fn send_record_email(
        &self,
        actor: &Actor,
        record_type: RecordType,
        id: i64,
        input: EmailInput,
    ) -> AppResult<Message> {
        let r = self.record_ref(actor, record_type, id, true).await?;
        let mut e = FieldErrors::new();
        let to: Vec<String> = match input.to {
            Some(list) => list
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            None => r.email.clone().into_iter().collect(),
        };
        if to.is_empty() {
            e.add("to", Invalid::Required);
        } else if to.len() > MAX_RECIPIENTS {
            e.add(
                "to",
                Invalid::Range {
                    min: 1,
                    max: MAX_RECIPIENTS as i64,
                },
            );
        } else if to.iter().any(|a| !is_valid_email(a)) {
            e.add("to", Invalid::Email);
        }
        let subject = input
            .subject
            .as_deref()
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        if subject.is_empty() {
            e.add("subject", Invalid::Required);
        } else {
            check_len(&mut e, "subject", &subject, MAX_SUBJECT_CHARS);
        }
        let body = match clean_body("body", input.body.as_deref()) {
            Ok(b) => Some(b),
            Err(be) => {
                e.merge(be);
                None
            }
        };
        e.into_result()?;
        let body = body.unwrap_or_default();
        let mut tx = self.db.begin().await?;
        let (_, message_id) = self
            .queue_mail(
                &mut tx,
                Outgoing {
                    to: &to,
                    subject: &subject,
                    text: &note::plain_text(&body),
                    html: Some(&body),
                    record: Some((record_type.as_str(), id)),
                },
            )
            .await?;
        let posted = insert_email(&mut tx, &r, actor, &to, &subject, &body, &message_id).await?;
        self.tell_followers(
            &mut tx,
            &news(&r, Kind::Message, actor, Some(&subject)),
            &[],
        )
        .await?;
        tx.commit().await?;
        self.message(posted).await
    }

    async fn message(&self, id: i64) -> AppResult<Message> {
        messages::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }
}

fn news<'a>(r: &'a RecordRef, kind: Kind, actor: &Actor, detail: Option<&'a str>) -> News<'a> {
    News {
        kind,
        record_type: r.record_type.as_str(),
        record_id: r.id,
        record_name: &r.name,
        team_id: r.team_id,
        actor_id: actor.user_id,
        detail,
    }
}

/// A body sanitised, required and within the size limit.
fn clean_body(field: &str, body: Option<&str>) -> Result<String, FieldErrors> {
    let clean = note::sanitize(body.unwrap_or(""));
    let mut e = FieldErrors::new();
    if note::plain_text(&clean).trim().is_empty() {
        e.add(field, Invalid::Required);
    } else {
        check_len(&mut e, field, &clean, note::MAX_BODY_CHARS);
    }
    e.into_result().map(|()| clean)
}

async fn insert_email(
    tx: &mut Tx,
    r: &RecordRef,
    actor: &Actor,
    to: &[String],
    subject: &str,
    body: &str,
    message_id: &str,
) -> AppResult<i64> {
    let id = messages::insert(
        tx,
        NewMessage {
            record_type: r.record_type.as_str(),
            record_id: r.id,
            kind: "email",
            author_id: actor.user_id,
            activity_type_id: None,
            subject: Some(subject),
            body: Some(body),
        },
        now(),
    )
    .await?;
    messages::set_email_headers(tx, id, message_id, &to.join(", ")).await?;
    Ok(id)
}
