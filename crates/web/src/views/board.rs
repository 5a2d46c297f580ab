//! The pipeline board (R3.1): columns of stages with their figures, cards, loading more as
//! a column scrolls, and the fragments `board.js` asks for after a move or an event (the
//! column heads, one card). Moving, quick create and stars are in `board_actions.rs`; stage
//! settings in `stage_admin.rs`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use sen_app::board::{BoardParams, Column};
use sen_app::{Actor, AppError};
use sen_store::leads::Lead;
use sen_store::pipelines::{Pipeline, Stage};

use super::contacts::query_pairs;
use super::display::format_money;
use super::lead_fields::LeadOptions;
use super::lead_search::LeadSearch;
use super::page::{PageCtx, Shell, Signed, error_page, render};
use super::search_bar::{SearchBar, search_bar};
use crate::state::AppState;

/// One card on the board.
pub struct CardView {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub customer: String,
    pub revenue: String,
    pub tags: Vec<(String, i64)>,
    pub priority: i64,
    pub user_name: String,
    pub user_initials: String,
    pub stale: bool,
    pub color: i64,
    pub version: i64,
    pub stage_id: i64,
    pub outcome: String,
    /// The most urgent open activity's state (`overdue`, `today`, `planned`), or empty.
    pub activity: String,
    /// The stages it can be moved to (id, name, current).
    pub stages: Vec<(i64, String, bool)>,
}

impl CardView {
    pub fn stars(&self) -> Vec<(i64, bool)> {
        (1..=3).map(|p| (p, p <= self.priority)).collect()
    }
}

pub fn card_view(l: &Lead, pipeline: &Pipeline, o: &LeadOptions) -> CardView {
    let stage = pipeline.stages.iter().find(|s| s.id == l.stage_id);
    let stale = stage.and_then(|s| s.stale_after_days).is_some_and(|d| {
        l.outcome == "open" && l.stage_changed_at < Utc::now() - Duration::days(d)
    });
    CardView {
        id: l.id,
        number: l.number.clone(),
        name: l.name.clone(),
        customer: l
            .company_name
            .clone()
            .or_else(|| l.contact_name.clone())
            .unwrap_or_default(),
        revenue: l
            .expected_revenue()
            .filter(|m| m.minor != 0)
            .map(|m| format_money(&m))
            .unwrap_or_default(),
        tags: o.tag_chips(&l.tag_ids),
        priority: l.priority,
        user_name: o.user_name(l.user_id),
        user_initials: o.user_initials(l.user_id),
        stale,
        color: l.color.rem_euclid(12),
        version: l.version,
        stage_id: l.stage_id,
        outcome: l.outcome.clone(),
        activity: l
            .activity_state(Utc::now())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        stages: pipeline
            .stages
            .iter()
            .map(|s| (s.id, s.name.clone(), s.id == l.stage_id))
            .collect(),
    }
}

/// A column's head: name, count, sums, activity bar, stale count.
pub struct HeadView {
    pub stage: Stage,
    pub count: i64,
    pub sum: String,
    pub weighted: String,
    pub others: Vec<String>,
    pub stale: i64,
    pub activity: (i64, i64, i64),
}

impl HeadView {
    /// Widths (percent) of the activity bar's overdue / today / planned parts.
    pub fn activity_widths(&self) -> (i64, i64, i64) {
        let (o, t, p) = self.activity;
        let total = (o + t + p).max(1);
        (o * 100 / total, t * 100 / total, p * 100 / total)
    }
}

fn head_view(c: &Column) -> HeadView {
    HeadView {
        stage: c.stage.clone(),
        count: c.count,
        sum: format_money(&c.expected_revenue),
        weighted: format_money(&c.weighted_revenue),
        others: c
            .other_currencies
            .iter()
            .map(|(e, _)| format_money(e))
            .collect(),
        stale: c.stale,
        activity: c.activity,
    }
}

pub struct ColumnView {
    pub head: HeadView,
    pub cards: Vec<CardView>,
    pub more_url: String,
}

#[derive(Template)]
#[template(path = "board/page.html")]
pub struct BoardPage {
    pub shell: Shell,
    pub pipelines: Vec<(i64, String, bool)>,
    pub pipeline: Pipeline,
    pub columns: Vec<ColumnView>,
    pub bar: SearchBar,
    pub query: String,
    pub can_manage: bool,
    pub error: String,
    pub is_empty: bool,
}

#[derive(Template)]
#[template(path = "board/heads.html")]
pub struct HeadsFragment {
    pub shell: Shell,
    pub pipeline: Pipeline,
    pub heads: Vec<HeadView>,
    pub query: String,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "board/cards.html")]
pub struct CardsFragment {
    pub shell: Shell,
    pub pipeline: Pipeline,
    pub cards: Vec<CardView>,
    pub more_url: String,
}

/// The board's search, resolved against a pipeline: the filter expression and query.
pub struct BoardQuery {
    pub search: LeadSearch,
    pub params: BoardParams,
}

fn board_query(uri: &Uri, ctx: &PageCtx, pipeline: &Pipeline) -> BoardQuery {
    let search = LeadSearch::from_pairs(&query_pairs(uri));
    let mut filter = search.filter_expr(&pipeline.stages, ctx.today());
    // Lost and unqualified records leave the board, as in Odoo, unless asked for.
    if !search.has_chip("lost") {
        let open = "outcome != \"lost\" and outcome != \"unqualified\"";
        filter = if filter.is_empty() {
            open.to_string()
        } else {
            format!("({filter}) and {open}")
        };
    }
    let params = BoardParams {
        pipeline_id: Some(pipeline.id),
        filter: (!filter.is_empty()).then_some(filter),
        q: (!search.q.is_empty()).then(|| search.q.clone()),
        per_stage: Some(40),
        ..Default::default()
    };
    BoardQuery { search, params }
}

/// The pipeline named by `?pipeline=`, else the first deal pipeline.
async fn chosen_pipeline(
    state: &AppState,
    uri: &Uri,
) -> Result<(Pipeline, Vec<Pipeline>), AppError> {
    let all = state.app.list_pipelines().await?;
    let wanted: Option<i64> = super::contacts::param(&query_pairs(uri), "pipeline")
        .parse()
        .ok();
    let chosen = wanted
        .and_then(|id| all.iter().find(|p| p.id == id))
        .or_else(|| all.iter().find(|p| p.kind == "deal"))
        .or(all.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((chosen, all))
}

/// The board of a pipeline, where its forms come back to.
pub fn board_url(pipeline_id: i64) -> String {
    format!("/pipeline?pipeline={pipeline_id}")
}

pub fn can_manage(actor: &Actor) -> bool {
    actor.role.sees_all()
}

pub async fn board_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let tr = ctx.tr();
    // A bare `/pipeline` opens the user's default favourite, if they have one.
    if uri.query().is_none_or(str::is_empty)
        && let Some(url) = super::search_bar::default_view_url(&state, &actor, "board").await
    {
        return Redirect::to(&url).into_response();
    }
    let (pipeline, all) = match chosen_pipeline(&state, &uri).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let bq = board_query(&uri, &ctx, &pipeline);
    let opts = LeadOptions::load(&state.app).await;
    let (board, error) = match state.app.board(&actor, &bq.params).await {
        Ok(b) => (Some(b), String::new()),
        Err(AppError::Invalid(_)) => (None, tr.t("search-bad-filter")),
        Err(e) => return error_page(&ctx, e),
    };
    let query = bq.search.query_string();
    let columns: Vec<ColumnView> = match &board {
        Some(b) => b
            .columns
            .iter()
            .map(|c| ColumnView {
                head: head_view(c),
                cards: c
                    .cards
                    .iter()
                    .map(|l| card_view(l, &pipeline, &opts))
                    .collect(),
                more_url: more_url(&pipeline, c, &query),
            })
            .collect(),
        None => pipeline
            .stages
            .iter()
            .map(|s| ColumnView {
                head: HeadView {
                    stage: s.clone(),
                    count: 0,
                    sum: String::new(),
                    weighted: String::new(),
                    others: vec![],
                    stale: 0,
                    activity: (0, 0, 0),
                },
                cards: vec![],
                more_url: String::new(),
            })
            .collect(),
    };
    let is_empty =
        error.is_empty() && bq.search.is_empty() && columns.iter().all(|c| c.head.count == 0);
    let bar = search_bar(&state, &ctx, &actor, "board", &bq.search, &pipeline, &opts).await;
    render(&BoardPage {
        shell: ctx.shell("board", pipeline.name.clone()),
        pipelines: all
            .iter()
            .map(|p| (p.id, p.name.clone(), p.id == pipeline.id))
            .collect(),
        columns,
        bar,
        query,
        can_manage: can_manage(&actor),
        error,
        is_empty,
        pipeline,
    })
}

fn more_url(pipeline: &Pipeline, c: &Column, query: &str) -> String {
    c.next_cursor
        .as_deref()
        .map(|cur| {
            let p = serde_urlencoded::to_string([
                ("stage_id", c.stage.id.to_string()),
                ("cursor", cur.to_string()),
            ])
            .unwrap_or_default();
            format!("/pipeline/{}/more?{p}&{query}", pipeline.id)
        })
        .unwrap_or_default()
}

/// The pipeline of a page path's `{id}` (anything but a number is "not found").
pub async fn pipeline_of(state: &AppState, id: &str) -> Result<Pipeline, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    state.app.get_pipeline(id).await
}

/// `GET /pipeline/{id}/heads`: every column head, refreshed after a move or an event.
pub async fn heads(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let pipeline = match pipeline_of(&state, &id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let mut bq = board_query(&uri, &ctx, &pipeline);
    bq.params.without_cards = true;
    match state.app.board(&actor, &bq.params).await {
        Ok(b) => render(&HeadsFragment {
            shell: ctx.shell("board", String::new()),
            heads: b.columns.iter().map(head_view).collect(),
            query: bq.search.query_string(),
            can_manage: can_manage(&actor),
            pipeline,
        }),
        Err(e) => error_page(&ctx, e),
    }
}

/// `GET /pipeline/{id}/more?stage_id=&cursor=`: the next cards of one column.
pub async fn more(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let pipeline = match pipeline_of(&state, &id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let pairs = query_pairs(&uri);
    let mut bq = board_query(&uri, &ctx, &pipeline);
    bq.params.stage_id = super::contacts::param(&pairs, "stage_id").parse().ok();
    // No cursor: the column's first cards (a column filtered by an activity colour).
    bq.params.cursor = Some(super::contacts::param(&pairs, "cursor")).filter(|c| !c.is_empty());
    // A colour of the column's activity bar: only the records in that state.
    let activity = super::contacts::param(&pairs, "activity");
    let mut query = bq.search.query_string();
    if let Some(st) = sen_domain::activity::State::parse(&activity)
        .filter(|s| *s != sen_domain::activity::State::Done)
    {
        let cond = format!("activity_state = \"{}\"", st.as_str());
        bq.params.filter = Some(match bq.params.filter.take() {
            Some(f) => format!("({f}) and {cond}"),
            None => cond,
        });
        query = format!("{query}&activity={}", st.as_str());
    }
    let opts = LeadOptions::load(&state.app).await;
    match state.app.board(&actor, &bq.params).await {
        Ok(b) => {
            let Some(c) = b.columns.first() else {
                return StatusCode::NO_CONTENT.into_response();
            };
            render(&CardsFragment {
                shell: ctx.shell("board", String::new()),
                cards: c
                    .cards
                    .iter()
                    .map(|l| card_view(l, &pipeline, &opts))
                    .collect(),
                more_url: more_url(&pipeline, c, &query),
                pipeline,
            })
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `GET /pipeline/{id}/card/{lead}`: one card as the board shows it, or 404 when the
/// record is no longer on this board for this user (moved away, filtered out, deleted).
pub async fn card(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path((id, lead_id)): Path<(String, String)>,
    uri: Uri,
) -> Response {
    let (Ok(pipeline), Ok(lead_id)) = (pipeline_of(&state, &id).await, lead_id.parse::<i64>())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let bq = board_query(&uri, &ctx, &pipeline);
    let mut filter = format!("id = {lead_id} and pipeline_id = {}", pipeline.id);
    if let Some(f) = &bq.params.filter {
        filter = format!("({filter}) and ({f})");
    }
    let params = sen_app::contacts::ListParams {
        q: bq.params.q.clone(),
        filter: Some(filter),
        limit: Some(1),
        ..Default::default()
    };
    let lead = match state.app.list_leads(&actor, &params).await {
        Ok(page) => page.items.into_iter().next(),
        Err(_) => None,
    };
    let Some(lead) = lead else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let opts = LeadOptions::load(&state.app).await;
    render(&CardsFragment {
        shell: ctx.shell("board", String::new()),
        cards: vec![card_view(&lead, &pipeline, &opts)],
        more_url: String::new(),
        pipeline,
    })
}
