//! Outgoing e-mail over SMTP (lettre). Configured by `SEN_SMTP_URL` and `SEN_MAIL_FROM`;
//! without a server, mail waits in the outbox (`mails.state = 'outbox'`), never dropped.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::RngCore;
use sen_store::Tx;
use sen_store::jobs::{self, NewJob};
use sen_store::mails::{self, Mail, NewMail};

use crate::App;
use crate::clock::now;
use crate::error::{AppError, AppResult};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `smtps://`: TLS from the first byte.
    Wrapper,
    /// STARTTLS, refusing to send in the clear (the default for `smtp://`).
    Required,
    /// STARTTLS when the server offers it (the default for a server on this machine).
    Opportunistic,
    /// In the clear (`?tls=none`), for a relay on a trusted network.
    None,
}

/// Where mail goes.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<String>,
    pub tls: TlsMode,
}

impl std::fmt::Debug for SmtpServer {
    // The password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("tls", &self.tls)
            .finish()
    }
}

impl SmtpServer {
    /// Reads `smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465` (TLS);
    /// `?tls=required|opportunistic|none` overrides the protection of `smtp://`.
    pub fn parse(url: &str) -> Result<SmtpServer, String> {
        let u = url::Url::parse(url).map_err(|e| format!("SEN_SMTP_URL: {e}"))?;
        let (default_port, wrapper) = match u.scheme() {
            "smtp" => (587, false),
            "smtps" => (465, true),
            other => {
                return Err(format!(
                    "SEN_SMTP_URL: scheme {other:?} is not smtp or smtps"
                ));
            }
        };
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("SEN_SMTP_URL: no host")?
            .trim_matches(|c| c == '[' || c == ']')
            .to_string();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let user = Some(decode(u.username())).filter(|s| !s.is_empty());
        let password = u.password().map(decode);
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let mut tls = if wrapper {
            TlsMode::Wrapper
        } else if loopback {
            TlsMode::Opportunistic
        } else {
            TlsMode::Required
        };
        for (k, v) in u.query_pairs() {
            if k == "tls" && !wrapper {
                tls = match v.as_ref() {
                    "required" => TlsMode::Required,
                    "opportunistic" => TlsMode::Opportunistic,
                    "none" => TlsMode::None,
                    other => return Err(format!("SEN_SMTP_URL: tls={other:?} is not known")),
                };
            }
        }
        Ok(SmtpServer {
            port: u.port().unwrap_or(default_port),
            host,
            user,
            password,
            tls,
        })
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let params = || TlsParameters::new(self.host.clone()).map_err(|e| e.to_string());
        let tls = match self.tls {
            TlsMode::Wrapper => Tls::Wrapper(params()?),
            TlsMode::Required => Tls::Required(params()?),
            TlsMode::Opportunistic => Tls::Opportunistic(params()?),
            TlsMode::None => Tls::None,
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(self.host.clone())
            .port(self.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &self.user {
            b = b.credentials(Credentials::new(
                user.clone(),
                self.password.clone().unwrap_or_default(),
            ));
        }
        Ok(b.build())
    }
}

/// The mail settings of this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub smtp: Option<SmtpServer>,
    /// The sender, e.g. `Sen CRM <crm@example.com>`.
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp: None,
            from: "Sen CRM <sen@localhost>".into(),
        }
    }
}

impl MailConfig {
    /// From `SEN_SMTP_URL` and `SEN_MAIL_FROM` (both optional).
    pub fn new(smtp_url: Option<&str>, from: Option<&str>) -> Result<MailConfig, String> {
        let smtp = match smtp_url.map(str::trim).filter(|s| !s.is_empty()) {
            Some(url) => Some(SmtpServer::parse(url)?),
            None => None,
        };
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            Some(f) => {
                f.parse::<Mailbox>()
                    .map_err(|e| format!("SEN_MAIL_FROM {f:?}: {e}"))?;
                f.to_string()
            }
            None => MailConfig::default().from,
        };
        Ok(MailConfig { smtp, from })
    }

    fn domain(&self) -> String {
        self.from
            .parse::<Mailbox>()
            .map(|m| m.email.domain().to_string())
            .unwrap_or_else(|_| "localhost".into())
    }
}

/// Why a mail was not sent.
#[derive(Debug)]
pub struct SendFailure {
    pub reason: String,
    /// Retrying cannot help (the server refused the message or an address is invalid).
    pub permanent: bool,
}

fn permanent(reason: String) -> SendFailure {
    SendFailure {
        reason,
        permanent: true,
    }
}

/// A mail to queue.
pub struct Outgoing<'a> {
    pub to: &'a [String],
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub record: Option<(&'a str, i64)>,
}

/// A new, unique Message-ID (`<random@sender's domain>`).
pub fn new_message_id(config: &MailConfig) -> String {
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{}>", config.domain())
}

/// Sends one stored mail.
pub async fn deliver(
    config: &MailConfig,
    server: &SmtpServer,
    m: &Mail,
) -> Result<(), SendFailure> {
    let mut b = Message::builder()
        .from(
            config
                .from
                .parse::<Mailbox>()
                .map_err(|e| permanent(format!("sender: {e}")))?,
        )
        .subject(m.subject.clone())
        .message_id(Some(m.message_id.clone()));
    for to in m
        .to_addrs
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        b = b.to(to
            .parse::<Mailbox>()
            .map_err(|e| permanent(format!("recipient {to}: {e}")))?);
    }
    let text = SinglePart::plain(m.body_text.clone());
    let msg = match &m.body_html {
        Some(html) => b.multipart(
            MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::html(html.clone())),
        ),
        None => b.singlepart(text),
    }
    .map_err(|e| permanent(format!("message: {e}")))?;
    let transport = server.transport().map_err(permanent)?;
    transport
        .send(msg)
        .await
        .map(|_| ())
        .map_err(|e| SendFailure {
            permanent: e.is_permanent(),
            reason: e.to_string(),
        })
}

/// Where the settings page's mail settings come from, and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettingsView {
    /// `environment` (SEN_SMTP_URL), `settings` or `none`.
    pub source: &'static str,
    /// The saved URL, its password replaced by `****`.
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub effective_from: String,
    /// host:port of the server in force.
    pub server: Option<String>,
}

const HIDDEN: &str = "****";

/// The URL with its password replaced by `****`.
fn hide_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some(HIDDEN));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// `new` with the password of `old` where `new` shows the hidden mark.
fn keep_password(new: &str, old: &str) -> String {
    let old_password = url::Url::parse(old)
        .ok()
        .and_then(|u| u.password().map(String::from));
    match (url::Url::parse(new), old_password) {
        (Ok(mut u), Some(p)) => {
            let _ = u.set_password(Some(&p));
            u.to_string()
        }
        _ => new.to_string(),
    }
}

/// The job kind that sends a stored mail.
pub const SEND_JOB: &str = "mail.send";

impl App {
    /// Stores a mail and queues its sending in the caller's transaction, so it goes out
    /// exactly when the change it reports is committed. Answers (mail id, Message-ID).
    pub(crate) async fn queue_mail(
        &self,
        tx: &mut Tx,
        m: Outgoing<'_>,
    ) -> AppResult<(i64, String)> {
        let message_id = new_message_id(&self.effective_mail().await?);
        let to = m.to.join(", ");
        let now = now();
        let id = mails::insert(
            tx,
            NewMail {
                to_addrs: &to,
                subject: m.subject,
                body_text: m.text,
                body_html: m.html,
                message_id: &message_id,
                record: m.record,
            },
            now,
        )
        .await?;
        self.enqueue_mail_job(tx, id).await?;
        Ok((id, message_id))
    }

    pub(crate) async fn enqueue_mail_job(&self, tx: &mut Tx, mail_id: i64) -> AppResult<()> {
        jobs::enqueue(
            tx,
            NewJob {
                kind: SEND_JOB,
                payload: serde_json::json!({ "mail_id": mail_id }).to_string(),
                unique_key: None,
                run_at: now(),
                max_attempts: 5,
            },
            now(),
        )
        .await?;
        self.wake_worker();
        Ok(())
    }

    /// Queues the outbox again (at start-up, once an SMTP server is configured).
    pub async fn requeue_outbox(&self) -> AppResult<usize> {
        if self.effective_mail().await?.smtp.is_none() {
            return Ok(0);
        }
        let waiting = mails::list(&mut &self.db, Some("outbox"), i64::MAX).await?;
        let mut tx = self.db.begin().await?;
        for m in &waiting {
            // Keyed on the mail and its attempts: instances starting together queue it once.
            jobs::enqueue(
                &mut tx,
                NewJob {
                    kind: SEND_JOB,
                    payload: serde_json::json!({ "mail_id": m.id }).to_string(),
                    unique_key: Some(format!("outbox:{}:{}", m.id, m.attempts)),
                    run_at: now(),
                    max_attempts: 5,
                },
                now(),
            )
            .await?;
        }
        let ids = waiting;
        tx.commit().await?;
        self.wake_worker();
        Ok(ids.len())
    }

    /// The mail settings in force: `SEN_SMTP_URL` when given, else those saved in the
    /// settings page, else none (the outbox).
    pub async fn effective_mail(&self) -> AppResult<MailConfig> {
        if self.mail.smtp.is_some() {
            return Ok((*self.mail).clone());
        }
        let (url, from) = sen_store::users::mail_settings(&mut &self.db).await?;
        let from = from.or_else(|| Some(self.mail.from.clone()));
        Ok(MailConfig::new(url.as_deref(), from.as_deref())
            .unwrap_or_else(|_| (*self.mail).clone()))
    }

    /// What the settings page shows: where the settings come from, the server with its
    /// password hidden, the sender.
    pub async fn mail_settings(&self, actor: &crate::Actor) -> AppResult<MailSettingsView> {
        crate::access::require_admin(actor)?;
        let (url, from) = sen_store::users::mail_settings(&mut &self.db).await?;
        let effective = self.effective_mail().await?;
        let source = if self.mail.smtp.is_some() {
            "environment"
        } else if effective.smtp.is_some() {
            "settings"
        } else {
            "none"
        };
        Ok(MailSettingsView {
            source,
            smtp_url: url.as_deref().map(hide_password),
            mail_from: from,
            effective_from: effective.from.clone(),
            server: effective.smtp.map(|s| format!("{}:{}", s.host, s.port)),
        })
    }

    /// Saves the SMTP server and sender (admins); a URL whose password is the hidden mark
    /// keeps the saved password. Mail waiting in the outbox is then queued.
    pub async fn set_mail_settings(
        &self,
        actor: &crate::Actor,
        smtp_url: Option<String>,
        mail_from: Option<String>,
    ) -> AppResult<MailSettingsView> {
        crate::access::require_admin(actor)?;
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (old_url, _) = sen_store::users::mail_settings(&mut &self.db).await?;
        let mut url = clean(smtp_url);
        if let (Some(u), Some(old)) = (&url, &old_url)
            && u.contains(HIDDEN)
        {
            url = Some(keep_password(u, old));
        }
        let from = clean(mail_from);
        let mut e = sen_domain::errors::FieldErrors::new();
        if let Some(u) = &url
            && SmtpServer::parse(u).is_err()
        {
            // The parser's words name the environment variable; here it is a form field.
            e.add(
                "smtp_url",
                sen_domain::errors::Invalid::Message("not an smtp:// or smtps:// address".into()),
            );
        }
        if let Some(f) = &from
            && f.parse::<Mailbox>().is_err()
        {
            e.add("mail_from", sen_domain::errors::Invalid::Email);
        }
        e.into_result()?;
        let mut tx = self.db.begin().await?;
        sen_store::users::set_mail_settings(&mut tx, url.as_deref(), from.as_deref()).await?;
        tx.commit().await?;
        self.requeue_outbox().await?;
        self.mail_settings(actor).await
    }

    /// Queues a test mail to the admin.
    pub async fn send_test_mail(
        &self,
        actor: &crate::Actor,
        subject: &str,
        text: &str,
    ) -> AppResult<i64> {
        crate::access::require_admin(actor)?;
        let me = sen_store::users::by_id(&mut &self.db, actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = self.db.begin().await?;
        let (id, _) = self
            .queue_mail(
                &mut tx,
                Outgoing {
                    to: std::slice::from_ref(&me.email),
                    subject,
                    text,
                    html: None,
                    record: None,
                },
            )
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Mails for the admins' outbox view, newest first.
    pub async fn list_mails(
        &self,
        actor: &crate::Actor,
        state: Option<&str>,
    ) -> AppResult<Vec<Mail>> {
        crate::access::require_admin(actor)?;
        if let Some(s) = state
            && !["queued", "sent", "outbox", "failed"].contains(&s)
        {
            return Err(AppError::field(
                "state",
                sen_domain::errors::Invalid::Choice {
                    allowed: vec![
                        "queued".into(),
                        "sent".into(),
                        "outbox".into(),
                        "failed".into(),
                    ],
                },
            ));
        }
        Ok(mails::list(&mut &self.db, state, 200).await?)
    }
}
