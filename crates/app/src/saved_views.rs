//! Favourites (R3.4): a user saves the current search and view of a page, privately or
//! shared with everyone, and may mark one as the page's default. Only the owner (or an
//! admin) changes or deletes a view; shared views are read by all.

use sen_domain::errors::{FieldErrors, Invalid, check_len, check_required};
use sen_domain::user::Role;
use sen_store::saved_views::{self as store, NewView, SavedView};

use crate::App;
use crate::access::Actor;
use crate::clock::now;
use crate::error::{AppError, AppResult};

/// The pages a view can be saved for.
pub const PAGES: &[&str] = &["board", "leads", "opportunities"];
const MAX_QUERY: usize = 8_000;

#[derive(Debug, Clone, Default)]
pub struct ViewInput {
    pub name: String,
    pub page: String,
    pub query: String,
    pub shared: bool,
    pub is_default: bool,
}

fn check(v: &ViewInput) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    check_required(&mut e, "name", Some(&v.name), 100);
    if !PAGES.contains(&v.page.as_str()) {
        e.add(
            "page",
            Invalid::Choice {
                allowed: PAGES.iter().map(|p| p.to_string()).collect(),
            },
        );
    }
    check_len(&mut e, "query", &v.query, MAX_QUERY);
    // The query becomes part of a redirect's Location header.
    if v.query.chars().any(|c| c.is_control() || c.is_whitespace()) {
        e.add(
            "query",
            Invalid::Message("a URL query string has no spaces or control characters".into()),
        );
    }
    e.into_result()
}

impl App {
    /// The user's own views and the shared ones, of one page or of all.
    pub async fn saved_views(
        &self,
        actor: &Actor,
        page: Option<&str>,
    ) -> AppResult<Vec<SavedView>> {
        Ok(store::visible(&mut &self.db, actor.user_id, page).await?)
    }

    /// The query of the user's default view of a page, if they marked one.
    pub async fn default_view(&self, actor: &Actor, page: &str) -> AppResult<Option<SavedView>> {
        Ok(self
            .saved_views(actor, Some(page))
            .await?
            .into_iter()
            .find(|v| v.is_default && v.user_id == actor.user_id))
    }

    pub async fn save_view(&self, actor: &Actor, input: ViewInput) -> AppResult<SavedView> {
        let input = ViewInput {
            name: input.name.trim().to_string(),
            query: input.query.trim().trim_start_matches('?').to_string(),
            ..input
        };
        check(&input)?;
        let mut tx = self.db.begin().await?;
        let id = store::create(
            &mut tx,
            NewView {
                user_id: actor.user_id,
                name: &input.name,
                page: &input.page,
                query: &input.query,
                shared: input.shared,
            },
            now(),
        )
        .await?;
        if input.is_default {
            store::set_default(&mut tx, actor.user_id, &input.page, id, true).await?;
        }
        tx.commit().await?;
        self.saved_view(actor, id).await
    }

    pub async fn saved_view(&self, actor: &Actor, id: i64) -> AppResult<SavedView> {
        match store::get(&mut &self.db, id).await? {
            Some(v) if v.user_id == actor.user_id || v.shared => Ok(v),
            _ => Err(AppError::NotFound),
        }
    }

    /// Renames, shares or unshares, and marks or unmarks the default.
    pub async fn update_view(
        &self,
        actor: &Actor,
        id: i64,
        name: Option<String>,
        shared: Option<bool>,
        is_default: Option<bool>,
    ) -> AppResult<SavedView> {
        let v = self.saved_view(actor, id).await?;
        let owner = v.user_id == actor.user_id;
        if !owner && (name.is_some() || shared.is_some()) && actor.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let input = ViewInput {
            name: name.unwrap_or(v.name.clone()).trim().to_string(),
            page: v.page.clone(),
            query: v.query.clone(),
            shared: shared.unwrap_or(v.shared),
            is_default: false,
        };
        check(&input)?;
        let mut tx = self.db.begin().await?;
        store::update(&mut tx, id, &input.name, input.shared).await?;
        if let Some(on) = is_default {
            if !owner {
                // Defaults are per user; to default to a colleague's view, save it as one's own.
                return Err(AppError::Forbidden);
            }
            store::set_default(&mut tx, actor.user_id, &v.page, id, on).await?;
        }
        tx.commit().await?;
        self.saved_view(actor, id).await
    }

    pub async fn delete_view(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let v = self.saved_view(actor, id).await?;
        if v.user_id != actor.user_id && actor.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        store::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }
}
