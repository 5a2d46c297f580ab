//! The lists of leads and of opportunities (R3.2): chosen columns, sort, group by with
//! counts and sums, selecting rows (or everything that matches) for bulk actions, and the
//! visible columns exported as CSV.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::bulk::BulkAction;
use sen_app::contacts::ListParams;
use sen_app::{Actor, AppError};
use sen_store::leads::Lead;
use sen_store::pipelines::Pipeline;

use super::contacts::query_pairs;
use super::display::{format_date, format_money, format_time};
use super::forms::FormData;
use super::lead_fields::LeadOptions;
use super::lead_search::{COLUMNS, LeadSearch};
use super::list_groups::{self, Group, Labels, Row};
use super::page::{PageCtx, Shell, Signed, error_page, render};
use super::search_bar::{SearchBar, search_bar};
use crate::state::AppState;

/// Rows read to fill a grouped list's groups; counts and sums always cover every record.
const GROUP_CAP: usize = 2_000;
const SORTABLE: &[(&str, &str)] = &[
    ("number", "number"),
    ("name", "name"),
    ("expected_revenue", "expected_revenue"),
    ("probability", "probability"),
    ("expected_closing", "expected_closing"),
    ("next_activity", "next_activity"),
    ("priority", "priority"),
    ("created_at", "created_at"),
];

#[derive(Template)]
#[template(path = "leads/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub kind: &'static str,
    pub bar: SearchBar,
    /// (key, label, sort link, sorted: "", "asc", "desc")
    pub headers: Vec<(String, String, String, String)>,
    pub all_columns: Vec<(String, String, bool)>,
    pub groups: Vec<Group>,
    pub grouped: bool,
    pub total: i64,
    /// More matched a free-text search than were counted.
    pub capped: bool,
    /// Managers and admins see "Import".
    pub can_import: bool,
    pub partial: bool,
    pub more_url: String,
    pub query: String,
    pub error: String,
    pub users: Vec<(i64, String)>,
    pub tags: Vec<(i64, String)>,
    pub stages: Vec<(i64, String)>,
    pub notice: String,
}

fn kind_of(uri: &Uri) -> &'static str {
    if uri.path().starts_with("/opportunities") {
        "opportunities"
    } else {
        "leads"
    }
}

fn params(
    search: &LeadSearch,
    ctx: &PageCtx,
    kind: &str,
    stages: &[sen_store::pipelines::Stage],
) -> ListParams {
    let t = if kind == "leads" {
        "lead"
    } else {
        "opportunity"
    };
    let mut filter = search.filter_expr(stages, ctx.today());
    let k = format!("type = \"{t}\"");
    filter = if filter.is_empty() {
        k
    } else {
        format!("({filter}) and {k}")
    };
    ListParams {
        q: (!search.q.is_empty()).then(|| search.q.clone()),
        filter: Some(filter),
        sort: (!search.sort.is_empty()).then(|| search.sort.clone()),
        limit: Some(100),
        cursor: None,
    }
}

fn cell(col: &str, l: &Lead, o: &LeadOptions, stage: &str, lang: &str, tz: &str) -> String {
    let t = |v: &Option<String>| v.clone().unwrap_or_default();
    match col {
        "number" => l.number.clone(),
        "name" => l.name.clone(),
        "customer" => l
            .company_name
            .clone()
            .or_else(|| l.contact_name.clone())
            .unwrap_or_default(),
        "stage" => stage.to_string(),
        "user" => o.user_name(l.user_id),
        "team" => o.team_name(l.team_id),
        "source" => o.source_name(l.source_id),
        "expected_revenue" => l
            .expected_revenue()
            .map(|m| format_money(&m))
            .unwrap_or_default(),
        "probability" => format!("{} %", l.probability),
        "expected_closing" => l
            .expected_closing
            .map(|d| format_date(d, lang))
            .unwrap_or_default(),
        "next_activity" => l
            .activity_due
            .map(|d| format_date(d, lang))
            .unwrap_or_default(),
        "priority" => "★".repeat(l.priority.clamp(0, 3) as usize),
        "tags" => o
            .tag_chips(&l.tag_ids)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>()
            .join(", "),
        "email" => t(&l.email),
        "phone" => l
            .mobile
            .clone()
            .or_else(|| l.phone.clone())
            .unwrap_or_default(),
        "city" => t(&l.city),
        "created_at" => format_time(l.created_at, tz, lang),
        _ => String::new(),
    }
}

async fn stage_names(state: &AppState) -> (Vec<Pipeline>, Vec<(i64, String)>) {
    let pipelines = state.app.list_pipelines().await.unwrap_or_default();
    let names = pipelines
        .iter()
        .flat_map(|p| {
            p.stages
                .iter()
                .map(move |s| (s.id, format!("{} · {}", p.name, s.name)))
        })
        .collect();
    (pipelines, names)
}

/// Reads every matching record (up to `cap`) page by page.
async fn read_all(
    state: &AppState,
    actor: &Actor,
    mut p: ListParams,
    cap: usize,
) -> Result<(Vec<Lead>, i64), AppError> {
    let mut out = Vec::new();
    p.limit = Some(500);
    loop {
        let page = state.app.list_leads(actor, &p).await?;
        out.extend(page.items);
        if out.len() >= cap || page.next_cursor.is_none() {
            return Ok((out, page.total));
        }
        p.cursor = page.next_cursor;
    }
}

pub async fn list_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let tr = ctx.tr();
    let kind = kind_of(&uri);
    let pairs = query_pairs(&uri);
    if pairs.is_empty()
        && let Some(url) = super::search_bar::default_view_url(&state, &actor, kind).await
    {
        return Redirect::to(&url).into_response();
    }
    let mut search = LeadSearch::from_pairs(&pairs);
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "col")
        .map(|(_, v)| v.clone())
        .filter(|c| COLUMNS.contains(&c.as_str()))
        .collect();
    if !chosen.is_empty() {
        search.cols = chosen;
    }
    let (pipelines, stages) = stage_names(&state).await;
    let all_stages: Vec<_> = pipelines.iter().flat_map(|p| p.stages.clone()).collect();
    let mut p = params(&search, &ctx, kind, &all_stages);
    let cursor = super::contacts::param(&pairs, "cursor");
    let opts = LeadOptions::load(&state.app).await;
    let stage_of = |id: i64| {
        stages
            .iter()
            .find(|s| s.0 == id)
            .map(|s| s.1.clone())
            .unwrap_or_default()
    };
    let tz = ctx.time_zone();
    let columns = search.columns();
    let mut capped = false;
    let (items, total, next, error) = if search.group.is_empty() {
        p.cursor = (!cursor.is_empty()).then_some(cursor);
        match state.app.list_leads(&actor, &p).await {
            Ok(page) => {
                capped = page.total_capped;
                (page.items, page.total, page.next_cursor, String::new())
            }
            Err(AppError::Invalid(_)) => (vec![], 0, None, tr.t("search-bad-filter")),
            Err(e) => return error_page(&ctx, e),
        }
    } else {
        match read_all(&state, &actor, p.clone(), GROUP_CAP).await {
            Ok((items, total)) => (items, total, None, String::new()),
            Err(AppError::Invalid(_)) => (vec![], 0, None, tr.t("search-bad-filter")),
            Err(e) => return error_page(&ctx, e),
        }
    };
    let none = tr.t("value-none");
    let row = |l: &Lead| Row {
        id: l.id,
        cells: columns
            .iter()
            .map(|c| cell(c, l, &opts, &stage_of(l.stage_id), ctx.lang, &tz))
            .collect(),
        archived: l.archived_at.is_some(),
    };
    let groups = if items.is_empty() && search.group.is_empty() {
        Vec::new()
    } else if search.group.is_empty() {
        vec![Group {
            label: String::new(),
            count: total,
            sums: String::new(),
            rows: items.iter().map(row).collect(),
            shown: items.len() as i64,
        }]
    } else {
        let sums = match state.app.lead_group_sums(&actor, &p, &search.group).await {
            Ok(s) => s,
            Err(AppError::Invalid(_)) => Vec::new(),
            Err(e) => return error_page(&ctx, e),
        };
        let labels = Labels {
            options: &opts,
            stage_of: &stage_of,
            stage_rank: &|id| stages.iter().position(|s| s.0 == id).unwrap_or(usize::MAX),
            none: &none,
        };
        list_groups::build(&search.group, &sums, &items, &labels, &row)
    };
    let query = search.query_string();
    let path = if kind == "leads" {
        "/leads"
    } else {
        "/opportunities"
    };
    let headers = columns
        .iter()
        .map(|c| {
            let sorted = if search.sort == *c {
                "asc"
            } else if search.sort == format!("-{c}") {
                "desc"
            } else {
                ""
            };
            let link = match SORTABLE.iter().find(|(k, _)| k == c) {
                Some((_, f)) => {
                    let mut s = search.clone();
                    s.sort = if sorted == "asc" {
                        format!("-{f}")
                    } else {
                        f.to_string()
                    };
                    format!("{path}?{}", s.query_string())
                }
                None => String::new(),
            };
            (
                c.clone(),
                tr.t(&format!("list-col-{}", c.replace('_', "-"))),
                link,
                sorted.to_string(),
            )
        })
        .collect();
    let more_url = next
        .map(|c| {
            let mut pairs = search.pairs();
            pairs.push(("cursor", c));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let first = pipelines
        .iter()
        .find(|p| p.kind == if kind == "leads" { "lead" } else { "deal" })
        .cloned()
        .unwrap_or_else(|| pipelines.first().cloned().unwrap_or_else(empty_pipeline));
    let bar = search_bar(&state, &ctx, &actor, kind, &search, &first, &opts).await;
    let notice = match super::contacts::param(&pairs, "done").parse::<i64>() {
        Ok(n) => tr.n("list-bulk-done", n),
        Err(_) => String::new(),
    };
    render(&ListPage {
        shell: ctx.shell(kind, tr.t(&format!("nav-{kind}"))),
        kind,
        bar,
        headers,
        all_columns: COLUMNS
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    tr.t(&format!("list-col-{}", c.replace('_', "-"))),
                    columns.iter().any(|x| x == c),
                )
            })
            .collect(),
        grouped: !search.group.is_empty(),
        capped,
        can_import: state.app.may_import(&actor).is_ok(),
        partial: !search.group.is_empty() && (items.len() as i64) < total,
        groups,
        total,
        more_url,
        query,
        error,
        users: opts.users.clone(),
        tags: opts.tags.iter().map(|t| (t.0, t.1.clone())).collect(),
        stages,
        notice,
    })
}

fn empty_pipeline() -> Pipeline {
    Pipeline {
        id: 0,
        name: String::new(),
        kind: String::new(),
        number_prefix: String::new(),
        lost_reason_required: false,
        sequence: 0,
        version: 0,
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
        team_ids: vec![],
        stages: vec![],
    }
}

/// `POST /leads/bulk` (form): one action on the selected rows, or on every row matching
/// the list's search when "all matching" is ticked.
pub async fn bulk_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let kind = if form.get("kind").as_deref() == Some("leads") {
        "leads"
    } else {
        "opportunities"
    };
    // Re-written from its parts: the redirect below never carries what was not a search.
    let query = LeadSearch::from_pairs(
        &serde_urlencoded::from_str::<Vec<(String, String)>>(
            &form.get("query").unwrap_or_default(),
        )
        .unwrap_or_default(),
    )
    .query_string();
    let back = if kind == "leads" {
        "/leads"
    } else {
        "/opportunities"
    };
    let mut ids: Vec<i64> = form
        .all("ids")
        .iter()
        .filter_map(|i| i.parse().ok())
        .collect();
    if form.checked("all") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap_or_default();
        let search = LeadSearch::from_pairs(&pairs);
        let stages: Vec<_> = state
            .app
            .list_pipelines()
            .await
            .unwrap_or_default()
            .into_iter()
            .flat_map(|p| p.stages)
            .collect();
        match read_all(
            &state,
            &actor,
            params(&search, &ctx, kind, &stages),
            sen_app::bulk::MAX_BULK,
        )
        .await
        {
            Ok((items, _)) => {
                ids = items
                    .into_iter()
                    .take(sen_app::bulk::MAX_BULK)
                    .map(|l| l.id)
                    .collect()
            }
            Err(e) => return error_page(&ctx, e),
        }
    }
    let action = match form.get("action").as_deref() {
        Some("merge") => {
            let list = ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",");
            return Redirect::to(&format!("/leads/merge?ids={list}")).into_response();
        }
        Some("assign") => BulkAction::Assign {
            user_id: Some(form.id("user_id")),
            team_id: None,
        },
        Some("tag") => match form.id("tag_id") {
            Some(t) => BulkAction::AddTag(t),
            None => return Redirect::to(&format!("{back}?{query}")).into_response(),
        },
        Some("stage") => match form.id("stage_id") {
            Some(s) => BulkAction::MoveStage(s),
            None => return Redirect::to(&format!("{back}?{query}")).into_response(),
        },
        Some("archive") => BulkAction::Archive,
        Some("delete") => BulkAction::Delete,
        _ => return Redirect::to(&format!("{back}?{query}")).into_response(),
    };
    match state.app.bulk_leads(&actor, &ids, &action).await {
        Ok(results) => {
            let done = results.iter().filter(|(_, r)| r.is_ok()).count();
            let sep = if query.is_empty() { "" } else { "&" };
            Redirect::to(&format!("{back}?{query}{sep}done={done}")).into_response()
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `GET /leads/export.csv?…`: the visible columns of every matching record.
pub async fn export_csv(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let kind = if super::contacts::param(&pairs, "kind") == "leads" {
        "leads"
    } else {
        "opportunities"
    };
    let search = LeadSearch::from_pairs(&pairs);
    let (pipelines, stages) = stage_names(&state).await;
    let all_stages: Vec<_> = pipelines.iter().flat_map(|p| p.stages.clone()).collect();
    let opts = LeadOptions::load(&state.app).await;
    let tr = ctx.tr();
    let tz = ctx.time_zone();
    let (items, _) = match read_all(
        &state,
        &actor,
        params(&search, &ctx, kind, &all_stages),
        100_000,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return error_page(&ctx, e),
    };
    let columns = search.columns();
    let mut w = csv_line(
        columns
            .iter()
            .map(|c| tr.t(&format!("list-col-{}", c.replace('_', "-")))),
    );
    for l in &items {
        let stage = stages
            .iter()
            .find(|s| s.0 == l.stage_id)
            .map(|s| s.1.clone())
            .unwrap_or_default();
        w.push_str(&csv_line(
            columns
                .iter()
                .map(|c| cell(c, l, &opts, &stage, ctx.lang, &tz)),
        ));
    }
    let mut res = format!("\u{feff}{w}").into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{kind}.csv\""))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    res
}

/// One CSV line (RFC 4180 quoting); a leading `=`, `+`, `-`, `@` is defused so a
/// spreadsheet never runs a cell as a formula.
fn csv_line(cells: impl Iterator<Item = String>) -> String {
    let mut out = cells
        .map(|c| {
            let c = if c.starts_with(['=', '+', '-', '@']) {
                format!("'{c}")
            } else {
                c
            };
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::csv_line;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        let line = csv_line(
            [
                "a,b".to_string(),
                "say \"hi\"".into(),
                "=SUM(A1)".into(),
                "78.000 ₫".into(),
            ]
            .into_iter(),
        );
        assert_eq!(line, "\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),78.000 ₫\r\n");
    }
}
