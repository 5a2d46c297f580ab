//! Users: the admin's list, and everyone's own profile.

use chrono::{DateTime, Utc};
use sen_domain::errors::{FieldErrors, Invalid, check_required};
use sen_domain::user::{self, Language, NotifyEmail, Role};
use sen_store::StoreError;
use sen_store::auth as store_auth;
use sen_store::sql::Arg;
use sen_store::users::{self as store_users, NewUser};

use crate::App;
use crate::access::{Actor, require_admin};
use crate::auth::check_time_zone;
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::secrets::{hash_password, sha256_hex};

/// A user as others may see it (never the password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub language: String,
    pub time_zone: String,
    pub active: bool,
    /// How the user hears of notifications by e-mail: none, immediate or digest.
    pub notify_email: String,
    pub created_at: DateTime<Utc>,
}

impl From<store_users::User> for UserView {
    fn from(u: store_users::User) -> Self {
        UserView {
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role,
            language: u.language,
            time_zone: u.time_zone,
            active: u.active,
            notify_email: u.notify_email,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

/// Changes to a user; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    /// Required with a new password when a user changes their own.
    pub current_password: Option<String>,
    pub role: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub active: Option<bool>,
    pub notify_email: Option<String>,
}

fn taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::field("email", Invalid::Taken),
        other => other.into(),
    }
}

impl App {
    pub async fn user_view(&self, id: i64) -> AppResult<UserView> {
        store_users::by_id(&mut &self.db, id)
            .await?
            .map(UserView::from)
            .ok_or(AppError::NotFound)
    }

    pub async fn list_users(&self, actor: &Actor) -> AppResult<Vec<UserView>> {
        require_admin(actor)?;
        Ok(store_users::list(&mut &self.db)
            .await?
            .into_iter()
            .map(UserView::from)
            .collect())
    }

    /// Names of all users, for pickers (every signed-in user may see colleagues' names).
    pub async fn user_names(&self) -> AppResult<Vec<(i64, String)>> {
        Ok(store_users::list(&mut &self.db)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.name))
            .collect())
    }

    pub async fn get_user(&self, actor: &Actor, id: i64) -> AppResult<UserView> {
        require_admin(actor)?;
        self.user_view(id).await
    }

    pub async fn create_user(&self, actor: &Actor, input: NewUserInput) -> AppResult<UserView> {
        require_admin(actor)?;
        let ws = self.workspace().await?;
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", input.name.as_deref(), user::MAX_NAME_CHARS);
        user::check_email(&mut e, "email", input.email.as_deref());
        user::check_password(&mut e, "password", input.password.as_deref());
        let role = user::check_choice(
            &mut e,
            "role",
            input.role.as_deref(),
            Role::parse,
            Role::choices,
        )
        .unwrap_or(Role::Salesperson);
        let language = user::check_choice(
            &mut e,
            "language",
            input.language.as_deref(),
            Language::parse,
            Language::choices,
        );
        let language = language
            .map(|l| l.as_str().to_string())
            .or_else(|| ws.as_ref().map(|w| w.language.clone()));
        let tz = input
            .time_zone
            .clone()
            .or_else(|| ws.as_ref().map(|w| w.time_zone.clone()));
        check_time_zone(&mut e, "time_zone", tz.as_deref());
        e.into_result()?;
        let hash = hash_password(input.password.unwrap_or_default()).await?;
        let email = user::normalize_email(&input.email.unwrap_or_default());
        let name = input.name.unwrap_or_default();
        let mut tx = self.db.begin().await?;
        let id = store_users::insert(
            &mut tx,
            &NewUser {
                name: name.trim(),
                email: &email,
                password_hash: &hash,
                role: role.as_str(),
                language: language.as_deref().unwrap_or("en"),
                time_zone: tz.as_deref().unwrap_or("UTC"),
            },
            now(),
        )
        .await
        .map_err(taken)?;
        tx.commit().await?;
        self.user_view(id).await
    }

    /// An admin changes a user (name, e-mail, role, language, time zone, active, password).
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: i64,
        changes: UserChanges,
    ) -> AppResult<UserView> {
        require_admin(actor)?;
        self.user_view(id).await?;
        let demotes_self = actor.user_id == id
            && (changes.active == Some(false)
                || changes.role.as_deref().is_some_and(|r| r != "admin"));
        if demotes_self {
            return Err(AppError::field(
                "role",
                Invalid::Message(
                    "you cannot remove your own admin rights or deactivate yourself".into(),
                ),
            ));
        }
        self.apply_user_changes(id, changes, true, None).await
    }

    /// Anyone changes their own name, language, time zone or password.
    pub async fn update_me(
        &self,
        actor: &Actor,
        changes: UserChanges,
        session_cookie: Option<&str>,
    ) -> AppResult<UserView> {
        if changes.role.is_some() || changes.active.is_some() || changes.email.is_some() {
            let mut e = FieldErrors::new();
            for (f, set) in [
                ("role", changes.role.is_some()),
                ("active", changes.active.is_some()),
                ("email", changes.email.is_some()),
            ] {
                if set {
                    e.add(f, Invalid::Message("only an admin can change this".into()));
                }
            }
            return Err(e.into());
        }
        if changes.password.is_some() {
            let current = store_users::by_id(&mut &self.db, actor.user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let given = changes.current_password.clone().unwrap_or_default();
            if !crate::secrets::verify_password(given, current.password_hash).await {
                return Err(AppError::field(
                    "current_password",
                    Invalid::Message("the current password is wrong".into()),
                ));
            }
        }
        self.apply_user_changes(
            actor.user_id,
            changes,
            false,
            session_cookie.map(sha256_hex),
        )
        .await
    }

    async fn apply_user_changes(
        &self,
        id: i64,
        c: UserChanges,
        by_admin: bool,
        keep_session: Option<String>,
    ) -> AppResult<UserView> {
        let mut e = FieldErrors::new();
        let mut sets: Vec<(&'static str, Arg)> = Vec::new();
        if let Some(name) = &c.name {
            check_required(&mut e, "name", Some(name), user::MAX_NAME_CHARS);
            sets.push(("name", name.trim().into()));
        }
        if let Some(email) = &c.email {
            user::check_email(&mut e, "email", Some(email));
            sets.push(("email", user::normalize_email(email).into()));
        }
        if let Some(lang) = &c.language
            && user::check_choice(
                &mut e,
                "language",
                Some(lang),
                Language::parse,
                Language::choices,
            )
            .is_some()
        {
            sets.push(("language", lang.as_str().into()));
        }
        if let Some(tz) = &c.time_zone {
            check_time_zone(&mut e, "time_zone", Some(tz));
            sets.push(("time_zone", tz.as_str().into()));
        }
        if let Some(ne) = &c.notify_email
            && user::check_choice(
                &mut e,
                "notify_email",
                Some(ne),
                NotifyEmail::parse,
                NotifyEmail::choices,
            )
            .is_some()
        {
            sets.push(("notify_email", ne.as_str().into()));
        }
        if by_admin {
            if let Some(role) = &c.role
                && user::check_choice(&mut e, "role", Some(role), Role::parse, Role::choices)
                    .is_some()
            {
                sets.push(("role", role.as_str().into()));
            }
            if let Some(active) = c.active {
                sets.push(("active", active.into()));
            }
        }
        if let Some(p) = &c.password {
            user::check_password(&mut e, "password", Some(p));
        }
        e.into_result()?;
        let ends_sessions = c.password.is_some() || c.active == Some(false);
        if let Some(p) = c.password {
            sets.push(("password_hash", hash_password(p).await?.into()));
        }
        let mut tx = self.db.begin().await?;
        if !sets.is_empty()
            && !store_users::update(&mut tx, id, sets, now())
                .await
                .map_err(taken)?
        {
            return Err(AppError::NotFound);
        }
        if ends_sessions {
            // A new password or a deactivation ends the user's other sessions.
            store_auth::delete_user_sessions(&mut tx, id, keep_session.as_deref()).await?;
        }
        if let Some(tz) = &c.time_zone {
            // "Overdue" and "today" follow the assignee to their new zone.
            self.rezone_activities(&mut tx, id, tz).await?;
        }
        tx.commit().await?;
        self.user_view(id).await
    }
}
