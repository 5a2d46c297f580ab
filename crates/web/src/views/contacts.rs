//! The contact list: search as you type, quick filters, sort, paging (htmx fragments, and
//! plain links and forms without JavaScript).

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use sen_app::AppError;
use sen_app::contacts::ListParams;

use super::page::{Shell, Signed, error_page, render};
use crate::state::AppState;

/// The quick filters above the list, each a filter-language expression.
const CHIPS: &[(&str, &str)] = &[
    ("all", ""),
    ("companies", "is_company"),
    ("people", "not is_company"),
    ("mine", "owner = me"),
    ("archived", "archived"),
];

pub struct Row {
    pub id: i64,
    pub name: String,
    pub is_company: bool,
    pub company: String,
    pub email: String,
    pub phone: String,
    pub city: String,
    pub owner: String,
    pub tags: Vec<(String, i64)>,
    pub archived: bool,
}

#[derive(Template)]
#[template(path = "contacts/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub q: String,
    pub chip: String,
    pub sort: String,
    pub chips: Vec<(String, String, bool)>,
    pub sorts: Vec<(String, String, bool)>,
    pub rows: Vec<Row>,
    pub total: i64,
    pub capped: bool,
    pub more_url: String,
    pub error: String,
    pub append: bool,
}

#[derive(Template)]
#[template(path = "contacts/rows.html")]
pub struct RowsFragment {
    pub shell: Shell,
    pub rows: Vec<Row>,
    pub total: i64,
    pub capped: bool,
    pub more_url: String,
    pub append: bool,
}

pub(super) fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default()
}

pub(super) fn param(pairs: &[(String, String)], key: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

pub async fn list_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let tr = ctx.tr();
    let pairs = query_pairs(&uri);
    let q = param(&pairs, "q");
    let chip = param(&pairs, "chip");
    let chip = if CHIPS.iter().any(|(c, _)| *c == chip) {
        chip
    } else {
        "all".to_string()
    };
    let sort = param(&pairs, "sort");
    let sort = if ["name", "-created_at", "-updated_at", "city"].contains(&sort.as_str()) {
        sort
    } else {
        "name".to_string()
    };
    let cursor = param(&pairs, "cursor");
    let filter = CHIPS
        .iter()
        .find(|(c, _)| *c == chip)
        .map(|(_, f)| f.to_string())
        .unwrap_or_default();
    let params = ListParams {
        q: Some(q.clone()),
        filter: Some(filter),
        sort: Some(sort.clone()),
        limit: Some(50),
        cursor: (!cursor.is_empty()).then_some(cursor.clone()),
    };
    let (page, error) = match state.app.list_contacts(&actor, &params).await {
        Ok(p) => (p, String::new()),
        Err(AppError::Invalid(_)) => (
            sen_store::Page {
                items: vec![],
                next_cursor: None,
                total: 0,
                total_capped: false,
            },
            tr.t("contacts-bad-search"),
        ),
        Err(e) => return error_page(&ctx, e),
    };
    let tags = state.app.list_tags().await.unwrap_or_default();
    let rows: Vec<Row> = page
        .items
        .into_iter()
        .map(|c| Row {
            id: c.id,
            tags: c
                .tag_ids
                .iter()
                .filter_map(|t| tags.iter().find(|x| x.id == *t))
                .map(|t| (t.name.clone(), t.color % 12))
                .collect(),
            name: c.name,
            is_company: c.is_company,
            company: c.company_name.unwrap_or_default(),
            email: c.email.unwrap_or_default(),
            phone: c.mobile.or(c.phone).unwrap_or_default(),
            city: c.city.unwrap_or_default(),
            owner: c.owner_name.unwrap_or_default(),
            archived: c.archived_at.is_some(),
        })
        .collect();
    let base = |extra: &[(&str, &str)]| {
        let mut p: Vec<(&str, &str)> = vec![
            ("q", q.as_str()),
            ("chip", chip.as_str()),
            ("sort", sort.as_str()),
        ];
        p.extend_from_slice(extra);
        format!(
            "/contacts?{}",
            serde_urlencoded::to_string(&p).unwrap_or_default()
        )
    };
    let more_url = page
        .next_cursor
        .as_deref()
        .map(|c| base(&[("cursor", c)]))
        .unwrap_or_default();
    if ctx.is_htmx {
        return render(&RowsFragment {
            shell: ctx.shell("contacts", String::new()),
            rows,
            total: page.total,
            capped: page.total_capped,
            more_url,
            append: !cursor.is_empty(),
        });
    }
    let chips = CHIPS
        .iter()
        .map(|(c, _)| {
            (
                c.to_string(),
                tr.t(&format!("contacts-chip-{c}")),
                *c == chip,
            )
        })
        .collect();
    let sorts = [
        ("name", "contacts-sort-name"),
        ("-created_at", "contacts-sort-newest"),
        ("-updated_at", "contacts-sort-updated"),
        ("city", "contacts-sort-city"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), tr.t(k), *v == sort))
    .collect();
    render(&ListPage {
        shell: ctx.shell("contacts", tr.t("contacts-title")),
        q,
        chip,
        sort,
        chips,
        sorts,
        rows,
        total: page.total,
        capped: page.total_capped,
        more_url,
        error,
        append: false,
    })
}

#[derive(Template)]
#[template(path = "contacts/suggest.html")]
pub struct Suggestions {
    pub list: String,
    pub options: Vec<String>,
}

/// `GET /contacts/suggest?customer=…&list=…`: a `<datalist>` of matching contacts for a
/// customer field (search as you type); picking one writes "Name (#id)".
pub async fn suggest(
    State(state): State<AppState>,
    Signed { actor, .. }: Signed,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let list: String = param(&pairs, "list")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let text = ["customer", "q", "contact"]
        .iter()
        .map(|k| param(&pairs, k))
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    let mut options = Vec::new();
    if !text.is_empty() && !text.contains("(#") {
        let params = ListParams {
            q: Some(text),
            limit: Some(8),
            ..Default::default()
        };
        if let Ok(page) = state.app.list_contacts(&actor, &params).await {
            options = page
                .items
                .into_iter()
                .map(|c| format!("{} (#{})", c.name, c.id))
                .collect();
        }
    }
    render(&Suggestions { list, options })
}
