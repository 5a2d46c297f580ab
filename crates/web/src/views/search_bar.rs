//! The search bar above the board and the lists, and favourites (saved views): what the
//! template needs to draw chips, the filter builder and the favourites menu, and the form
//! routes that save, mark as default and delete a favourite.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::Actor;
use sen_app::saved_views::ViewInput;
use sen_store::pipelines::Pipeline;

use super::forms::FormData;
use super::lead_fields::LeadOptions;
use super::lead_search::{CHIPS, GROUPS, LeadSearch};
use super::page::{PageCtx, PageId, Signed, error_page};
use crate::state::AppState;

pub struct Favourite {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub shared: bool,
    pub is_default: bool,
    pub mine: bool,
}

/// Everything the search bar template shows.
pub struct SearchBar {
    /// `board`, `leads` or `opportunities`.
    pub page: &'static str,
    pub action: String,
    /// Hidden inputs that keep the page's own state (the pipeline of the board).
    pub hidden: Vec<(String, String)>,
    pub q: String,
    pub filter: String,
    pub chips: Vec<(String, String, bool)>,
    /// The chips switched on, kept when the form is submitted.
    pub active_chips: Vec<String>,
    pub tags: Vec<(i64, String, bool)>,
    pub sources: Vec<(i64, String, bool)>,
    pub groups: Vec<(String, String, bool)>,
    pub fields: Vec<(String, String, &'static str)>,
    pub favourites: Vec<Favourite>,
    /// The query string of what is shown now (saved by "Save current search").
    pub query: String,
    /// Where this page is, to come back after saving.
    pub here: String,
}

/// The path of a page that views are saved for.
pub fn page_path(page: &str) -> &'static str {
    match page {
        "board" => "/pipeline",
        "opportunities" => "/opportunities",
        _ => "/leads",
    }
}

/// Fields the advanced filter builder offers: (name, label key, kind for quoting).
const BUILDER_FIELDS: &[(&str, &str)] = &[
    ("name", "text"),
    ("company_name", "text"),
    ("contact_name", "text"),
    ("email", "text"),
    ("phone", "text"),
    ("city", "text"),
    ("expected_revenue", "number"),
    ("probability", "number"),
    ("priority", "number"),
    ("expected_closing", "date"),
    ("created_at", "date"),
    ("tags", "text"),
    ("outcome", "text"),
];

pub async fn search_bar(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    page: &'static str,
    search: &LeadSearch,
    pipeline: &Pipeline,
    opts: &LeadOptions,
) -> SearchBar {
    let tr = ctx.tr();
    let path = page_path(page);
    let mut hidden = Vec::new();
    let mut base: Vec<(&str, String)> = Vec::new();
    if page == "board" {
        hidden.push(("pipeline".to_string(), pipeline.id.to_string()));
        base.push(("pipeline", pipeline.id.to_string()));
    }
    let href = |s: &LeadSearch| {
        let mut pairs = base.clone();
        pairs.extend(s.pairs());
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let chips = CHIPS
        .iter()
        .map(|(c, _)| {
            (
                tr.t(&format!("search-chip-{c}")),
                href(&search.toggled(c)),
                search.has_chip(c),
            )
        })
        .collect();
    let query = {
        let mut pairs = base.clone();
        pairs.extend(search.pairs());
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    };
    let favourites = state
        .app
        .saved_views(actor, Some(page))
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|v| Favourite {
            href: format!("{path}?{}", v.query),
            mine: v.user_id == actor.user_id,
            id: v.id,
            name: v.name,
            shared: v.shared,
            is_default: v.is_default && v.user_id == actor.user_id,
        })
        .collect();
    SearchBar {
        page,
        action: path.to_string(),
        hidden,
        q: search.q.clone(),
        filter: search.filter.clone(),
        chips,
        active_chips: search.chips.clone(),
        tags: opts
            .tags
            .iter()
            .map(|t| (t.0, t.1.clone(), search.tag == Some(t.0)))
            .collect(),
        sources: opts
            .sources
            .iter()
            .map(|s| (s.0, s.1.clone(), search.source == Some(s.0)))
            .collect(),
        groups: if page == "board" {
            Vec::new()
        } else {
            GROUPS
                .iter()
                .map(|g| {
                    (
                        g.to_string(),
                        tr.t(&format!("search-group-{}", g.replace('_', "-"))),
                        search.group == *g,
                    )
                })
                .collect()
        },
        fields: BUILDER_FIELDS
            .iter()
            .map(|(f, kind)| {
                (
                    f.to_string(),
                    tr.t(&format!("lead-{}", f.replace('_', "-"))),
                    *kind,
                )
            })
            .collect(),
        favourites,
        here: format!("{path}?{query}"),
        query,
    }
}

/// Where a bare page should go: the user's default favourite of it, if any.
pub async fn default_view_url(state: &AppState, actor: &Actor, page: &str) -> Option<String> {
    let v = state.app.default_view(actor, page).await.ok()??;
    Some(format!("{}?{}", page_path(page), v.query))
}

/// `POST /views`: saves the current search as a favourite.
pub async fn save_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let page = form.get("page").unwrap_or_default();
    let input = ViewInput {
        name: form.get("name").unwrap_or_default(),
        query: form.get("query").unwrap_or_default(),
        shared: form.checked("shared"),
        is_default: form.checked("is_default"),
        page: page.clone(),
    };
    match state.app.save_view(&actor, input).await {
        Ok(v) => Redirect::to(&format!("{}?{}", page_path(&v.page), v.query)).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /views/{id}/default`: makes it (or stops it being) the page's default.
pub async fn default_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let on = form.get("on").as_deref() != Some("false");
    match state
        .app
        .update_view(&actor, id, None, None, Some(on))
        .await
    {
        Ok(v) => Redirect::to(&form.back_or(page_path(&v.page))).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /views/{id}/delete`.
pub async fn delete_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    match state.app.delete_view(&actor, id).await {
        Ok(()) => Redirect::to(&form.back_or("/pipeline")).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}
