//! First-run setup, sign-in, sessions and personal API tokens.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use sen_domain::errors::{FieldErrors, Invalid, check_required};
use sen_domain::user::{self, Currency, Language, Role};
use sen_store::auth::{self as store_auth, ApiToken, Session};
use sen_store::users::{self as store_users, NewUser, Workspace};
use sen_store::{StoreError, Tx};

use crate::App;
use crate::access::{Actor, require_admin};
use crate::clock::{now, parse_tz};
use crate::error::{AppError, AppResult};
use crate::limiter::Verdict;
use crate::secrets::{dummy_hash, hash_password, random_token, sha256_hex, verify_password};
use crate::users::UserView;

/// Sessions end after this long without use …
pub const SESSION_IDLE: Duration = Duration::days(14);
/// … and at the latest this long after sign-in.
pub const SESSION_MAX: Duration = Duration::days(30);

#[derive(Debug, Clone, Default)]
pub struct SetupInput {
    pub workspace_name: Option<String>,
    pub language: Option<String>,
    pub currency: Option<String>,
    pub time_zone: Option<String>,
    pub admin_name: Option<String>,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
}

/// A new session: the cookie value (shown once, never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie_value: String,
    pub csrf_token: String,
    pub user: UserView,
    pub expires_at: DateTime<Utc>,
}

/// A request's verified identity.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    /// Present for cookie sessions (they need CSRF checks); absent for API tokens.
    pub session: Option<Session>,
}

pub fn check_time_zone(errors: &mut FieldErrors, field: &str, tz: Option<&str>) {
    match tz {
        None | Some("") => errors.add(field, Invalid::Required),
        Some(t) if parse_tz(t).is_none() => errors.add(
            field,
            Invalid::Message(format!(
                "`{t}` is not a known time zone (e.g. Asia/Ho_Chi_Minh, Asia/Taipei)"
            )),
        ),
        Some(_) => {}
    }
}

pub(crate) fn actor_of(u: &store_users::User) -> AppResult<Actor> {
    Ok(Actor {
        user_id: u.id,
        role: Role::parse(&u.role)
            .ok_or_else(|| AppError::Internal(format!("bad role {}", u.role)))?,
        language: u.language.clone(),
        time_zone: u.time_zone.clone(),
        seen_settings: None,
    })
}

impl App {
    /// Is the workspace set up yet (decides whether the first visit shows the setup page)?
    pub async fn is_set_up(&self) -> AppResult<bool> {
        Ok(store_users::workspace(&mut &self.db).await?.is_some())
    }

    pub async fn workspace(&self) -> AppResult<Option<Workspace>> {
        Ok(store_users::workspace(&mut &self.db).await?)
    }

    /// First run: creates the workspace and its first admin, and signs them in.
    /// Answers `Conflict` once the workspace exists.
    pub async fn setup(&self, input: SetupInput) -> AppResult<NewSession> {
        if self.is_set_up().await? {
            return Err(AppError::Conflict("already_set_up"));
        }
        let mut e = FieldErrors::new();
        check_required(
            &mut e,
            "workspace_name",
            input.workspace_name.as_deref(),
            200,
        );
        let language = user::check_choice(
            &mut e,
            "language",
            input.language.as_deref(),
            Language::parse,
            Language::choices,
        );
        if input.language.is_none() {
            e.add("language", Invalid::Required);
        }
        let currency = user::check_choice(
            &mut e,
            "currency",
            input.currency.as_deref(),
            Currency::parse,
            Currency::choices,
        );
        if input.currency.is_none() {
            e.add("currency", Invalid::Required);
        }
        check_time_zone(&mut e, "time_zone", input.time_zone.as_deref());
        check_required(
            &mut e,
            "admin.name",
            input.admin_name.as_deref(),
            user::MAX_NAME_CHARS,
        );
        user::check_email(&mut e, "admin.email", input.admin_email.as_deref());
        user::check_password(&mut e, "admin.password", input.admin_password.as_deref());
        e.into_result()?;
        let (Some(language), Some(currency)) = (language, currency) else {
            return Err(AppError::Internal("validated choices missing".into()));
        };
        let tz = input.time_zone.unwrap_or_default();
        let hash = hash_password(input.admin_password.unwrap_or_default()).await?;
        let now = now();
        let mut tx = self.db.begin().await?;
        let ws = Workspace {
            name: input.workspace_name.unwrap_or_default().trim().to_string(),
            language: language.as_str().into(),
            currency: currency.as_str().into(),
            time_zone: tz.clone(),
            created_at: now,
        };
        match store_users::create_workspace(&mut tx, &ws).await {
            Err(StoreError::Conflict(_)) => return Err(AppError::Conflict("already_set_up")),
            other => other?,
        }
        let email = user::normalize_email(&input.admin_email.unwrap_or_default());
        let name = input.admin_name.unwrap_or_default();
        let id = store_users::insert(
            &mut tx,
            &NewUser {
                name: name.trim(),
                email: &email,
                password_hash: &hash,
                role: Role::Admin.as_str(),
                language: language.as_str(),
                time_zone: &tz,
            },
            now,
        )
        .await?;
        self.create_default_pipelines(&mut tx, language.as_str())
            .await?;
        self.create_default_activity_types(&mut tx, language.as_str())
            .await?;
        let session = self.start_session(&mut tx, id, now).await?;
        tx.commit().await?;
        self.finish_session(session, id).await
    }

    async fn start_session(
        &self,
        tx: &mut Tx,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> AppResult<(String, Session)> {
        let cookie_value = random_token(32);
        let session = Session {
            id: sha256_hex(&cookie_value),
            user_id,
            csrf_token: random_token(32),
            created_at: now,
            expires_at: now + SESSION_IDLE,
            last_seen_at: now,
        };
        store_auth::insert_session(tx, &session).await?;
        Ok((cookie_value, session))
    }

    async fn finish_session(
        &self,
        (cookie_value, s): (String, Session),
        user_id: i64,
    ) -> AppResult<NewSession> {
        let user = self.user_view(user_id).await?;
        Ok(NewSession {
            cookie_value,
            csrf_token: s.csrf_token,
            user,
            expires_at: s.expires_at,
        })
    }

    /// Signs in with e-mail and password: a fresh session each time. Repeated failures for
    /// one account or one address are first slowed down, then refused.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client_addr: &str,
    ) -> AppResult<NewSession> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "email", Some(email), 254);
        check_required(&mut e, "password", Some(password), user::MAX_PASSWORD_CHARS);
        e.into_result()?;
        let email = user::normalize_email(email);
        let account_key = format!("email:{email}");
        let keys = vec![account_key.clone(), format!("addr:{client_addr}")];
        match self.limiter.check(&keys) {
            Verdict::Refuse { retry_after } => {
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: retry_after.as_secs().max(1),
                });
            }
            Verdict::Go { delay } if delay > StdDuration::ZERO => tokio::time::sleep(delay).await,
            Verdict::Go { .. } => {}
        }
        let found = store_users::by_email(&mut &self.db, &email).await?;
        let hash = match &found {
            Some(u) => u.password_hash.clone(),
            None => dummy_hash().await,
        };
        let ok = verify_password(password.to_string(), hash).await;
        let user = match found {
            Some(u) if ok && u.active => u,
            _ => {
                self.limiter.fail(&keys);
                return Err(AppError::Unauthenticated);
            }
        };
        self.limiter.succeed(&account_key);
        let now = now();
        let mut tx = self.db.begin().await?;
        let session = self.start_session(&mut tx, user.id, now).await?;
        tx.commit().await?;
        self.finish_session(session, user.id).await
    }

    /// Ends the session with this cookie value.
    pub async fn logout(&self, cookie_value: &str) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        store_auth::delete_session(&mut tx, &sha256_hex(cookie_value)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn active_actor(&self, user_id: i64) -> AppResult<Actor> {
        match store_users::by_id(&mut &self.db, user_id).await? {
            Some(u) if u.active => actor_of(&u),
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// The session behind a cookie value, if it is live; slides its expiry (at most once a
    /// minute, so reads stay reads).
    pub async fn authenticate_session(&self, cookie_value: &str) -> AppResult<Authenticated> {
        let id = sha256_hex(cookie_value);
        let now = now();
        let found = store_auth::session_with_user(&mut &self.db, &id, now)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !found.user.active {
            return Err(AppError::Unauthenticated);
        }
        let actor = Actor {
            seen_settings: found.settings_stamp,
            ..actor_of(&found.user)?
        };
        let session = found.session();
        if now - session.last_seen_at > Duration::minutes(1) {
            let expires = (now + SESSION_IDLE).min(session.created_at + SESSION_MAX);
            let mut tx = self.db.begin().await?;
            store_auth::touch_session(&mut tx, &id, now, expires).await?;
            tx.commit().await?;
        }
        Ok(Authenticated {
            actor,
            session: Some(session),
        })
    }

    /// The user behind a personal API token (`Authorization: Bearer …`).
    pub async fn authenticate_token(&self, token: &str) -> AppResult<Authenticated> {
        let t = store_auth::token_by_hash(&mut &self.db, &sha256_hex(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let actor = self.active_actor(t.user_id).await?;
        let now = now();
        if t.last_used_at
            .is_none_or(|at| now - at > Duration::minutes(1))
        {
            let mut tx = self.db.begin().await?;
            store_auth::touch_token(&mut tx, t.id, now).await?;
            tx.commit().await?;
        }
        Ok(Authenticated {
            actor,
            session: None,
        })
    }

    /// Creates a personal API token; the secret is in the answer and nowhere else.
    pub async fn create_token(
        &self,
        actor: &Actor,
        name: Option<&str>,
    ) -> AppResult<(ApiToken, String)> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", name, 100);
        e.into_result()?;
        let secret = format!("sen_{}", random_token(32));
        let now = now();
        let mut tx = self.db.begin().await?;
        let id = store_auth::insert_token(
            &mut tx,
            actor.user_id,
            name.unwrap_or_default().trim(),
            &sha256_hex(&secret),
            now,
        )
        .await?;
        tx.commit().await?;
        let token = ApiToken {
            id,
            user_id: actor.user_id,
            name: name.unwrap_or_default().trim().to_string(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((token, secret))
    }

    pub async fn list_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiToken>> {
        Ok(store_auth::tokens_of(&mut &self.db, actor.user_id).await?)
    }

    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        if !store_auth::revoke_token(&mut tx, actor.user_id, id, now()).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Creates an admin from the command line (`sen user create --admin`): on a workspace
    /// that is not set up yet this also performs the setup with the given settings.
    pub async fn create_admin_cli(&self, setup: SetupInput) -> AppResult<UserView> {
        if !self.is_set_up().await? {
            return Ok(self.setup(setup).await?.user);
        }
        let system = self.system_actor().await?;
        require_admin(&system)?;
        self.create_user(
            &system,
            crate::users::NewUserInput {
                name: setup.admin_name,
                email: setup.admin_email,
                password: setup.admin_password,
                role: Some(Role::Admin.as_str().into()),
                language: setup.language,
                time_zone: setup.time_zone,
            },
        )
        .await
    }

    /// The first active admin, acting for command-line tasks.
    pub async fn system_actor(&self) -> AppResult<Actor> {
        let users = store_users::list(&mut &self.db).await?;
        let admin = users
            .iter()
            .find(|u| u.role == Role::Admin.as_str() && u.active)
            .ok_or(AppError::Conflict("no_admin"))?;
        actor_of(admin)
    }
}
