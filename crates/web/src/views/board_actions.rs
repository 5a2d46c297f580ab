//! What a salesperson does on the board besides dragging (which `board.js` sends to the
//! JSON API): quick create at the top of a column, priority stars, "move to stage" without
//! JavaScript, and the dialog that asks for the fields a stage requires.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::leads::Placement;
use sen_app::{Actor, AppError, Current};
use sen_domain::errors::FieldErrors;
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};
use sen_domain::pipeline::REQUIRABLE_FIELDS;
use sen_store::pipelines::Pipeline;

use super::board::{CardView, CardsFragment, board_url, card_view, pipeline_of};
use super::contacts::{param, query_pairs};
use super::forms::{FieldView, FormData, attach_errors};
use super::lead_fields::{LeadOptions, add_new_tags, currency_choices, field, patch_from_form};
use super::page::{PageCtx, PageId, Shell, Signed, dialog, error_page, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "board/quick.html")]
pub struct QuickForm {
    pub shell: Shell,
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub name: FieldView,
    pub customer: String,
    pub amount: String,
    pub currencies: Vec<(String, String, bool)>,
    pub priority: i64,
    pub errors: Vec<String>,
    /// After a successful create: the new card, put at the top of its column.
    pub created: Option<CardView>,
    pub pipeline: Option<Pipeline>,
}

fn quick_form(ctx: &PageCtx, o: &LeadOptions, pipeline_id: i64, stage_id: i64) -> QuickForm {
    let tr = ctx.tr();
    QuickForm {
        shell: ctx.shell("board", String::new()),
        pipeline_id,
        stage_id,
        name: FieldView::new("name", tr.t("lead-name"), "text", "").required(),
        customer: String::new(),
        amount: String::new(),
        currencies: currency_choices(&o.workspace_currency, &o.workspace_currency),
        priority: 0,
        errors: vec![],
        created: None,
        pipeline: None,
    }
}

/// `GET /pipeline/{id}/quick?stage_id=`: the small form at the top of a column.
pub async fn quick_page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let pipeline = match pipeline_of(&state, &id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let stage_id = param(&query_pairs(&uri), "stage_id")
        .parse()
        .ok()
        .filter(|s| pipeline.stages.iter().any(|x| x.id == *s))
        .or(pipeline.stages.first().map(|s| s.id))
        .unwrap_or_default();
    let opts = LeadOptions::load(&state.app).await;
    render(&quick_form(&ctx, &opts, pipeline.id, stage_id))
}

/// `POST /pipeline/{id}/quick`: creates the record in that column.
pub async fn quick_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let pipeline = match pipeline_of(&state, &id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let form = FormData::parse(&body);
    let opts = LeadOptions::load(&state.app).await;
    let stage_id = form.id("stage_id").unwrap_or_default();
    let mut view = quick_form(&ctx, &opts, pipeline.id, stage_id);
    view.name.value = form.get("name").unwrap_or_default();
    view.customer = form.get("customer").unwrap_or_default();
    view.amount = form.get("expected_revenue").unwrap_or_default();
    view.priority = form.id("priority").unwrap_or(0).clamp(0, 3);
    let currency = form.get("currency").unwrap_or_default();
    view.currencies = currency_choices(&currency, &opts.workspace_currency);

    let patch = match patch_from_form(&form, &["name", "expected_revenue", "priority"]) {
        Ok(p) => p,
        Err(e) => return quick_errors(view, &e, &ctx),
    };
    let (contact_id, contact_name) = customer_of(&view.customer);
    let mut values = patch.apply(&LeadValues::default());
    values.contact_id = contact_id;
    values.contact_name = contact_name;
    values.user_id = Some(actor.user_id);
    let placement = Placement {
        kind: Some(if pipeline.kind == "lead" {
            LeadType::Lead
        } else {
            LeadType::Opportunity
        }),
        pipeline_id: Some(pipeline.id),
        stage_id: Some(stage_id),
    };
    match state.app.create_lead(&actor, placement, values).await {
        Ok(saved) => {
            let mut fresh = quick_form(&ctx, &opts, pipeline.id, stage_id);
            fresh.created = Some(card_view(&saved.lead, &pipeline, &opts));
            fresh.pipeline = Some(pipeline);
            let mut res = render(&fresh);
            res.headers_mut()
                .insert("HX-Trigger", HeaderValue::from_static("board-changed"));
            res
        }
        Err(AppError::Invalid(e)) => quick_errors(view, &e, &ctx),
        Err(e) => error_page(&ctx, e),
    }
}

fn quick_errors(mut view: QuickForm, e: &FieldErrors, ctx: &PageCtx) -> Response {
    let mut fields = [view.name.clone()];
    let mut other = attach_errors(&mut fields, e, ctx.tr());
    view.name = fields[0].clone();
    other.iter_mut().for_each(|o| {
        if o.starts_with("expected_revenue") {
            *o = o.replacen("expected_revenue", &ctx.tr().t("lead-expected-revenue"), 1);
        }
    });
    view.errors = other;
    render(&view)
}

/// "麥克 (#12)" picked from the suggestions links contact 12; any other text is the
/// customer's name on the record.
pub fn customer_of(text: &str) -> (Option<i64>, Option<String>) {
    let text = text.trim();
    if text.is_empty() {
        return (None, None);
    }
    if let Some(open) = text.rfind("(#")
        && let Some(id) = text[open + 2..]
            .strip_suffix(')')
            .and_then(|n| n.parse::<i64>().ok())
    {
        let name = text[..open].trim();
        return (Some(id), (!name.is_empty()).then(|| name.to_string()));
    }
    (None, Some(text.to_string()))
}

async fn lead_card(state: &AppState, ctx: &PageCtx, actor: &Actor, id: i64) -> Response {
    let lead = match state.app.get_lead(actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(ctx, e),
    };
    let pipeline = match state.app.get_pipeline(lead.pipeline_id).await {
        Ok(p) => p,
        Err(e) => return error_page(ctx, e),
    };
    let opts = LeadOptions::load(&state.app).await;
    render(&CardsFragment {
        shell: ctx.shell("board", String::new()),
        cards: vec![card_view(&lead, &pipeline, &opts)],
        more_url: String::new(),
        pipeline,
    })
}

/// `POST /leads/{id}/priority`: the stars on a card (the last click wins: only the
/// priority changes, so the current version is used).
pub async fn priority_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let priority = form.id("priority").unwrap_or(0).clamp(0, 3);
    let lead = match state.app.get_lead(&actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(&ctx, e),
    };
    // Clicking the star that is already the priority clears it, as in Odoo.
    let priority = if priority == lead.priority {
        0
    } else {
        priority
    };
    let patch = LeadPatch {
        priority: Some(priority),
        ..Default::default()
    };
    if let Err(e) = state
        .app
        .update_lead(&actor, id, lead.version, patch, None)
        .await
    {
        return error_page(&ctx, e);
    }
    if ctx.is_htmx {
        let mut res = lead_card(&state, &ctx, &actor, id).await;
        res.headers_mut()
            .insert("HX-Trigger", HeaderValue::from_static("board-changed"));
        return res;
    }
    Redirect::to(&form.back_or(&board_url(lead.pipeline_id))).into_response()
}

#[derive(Template)]
#[template(path = "board/requirements.html")]
pub struct RequirementsDialog {
    pub shell: Shell,
    pub id: i64,
    pub name: String,
    pub stage_id: i64,
    pub stage_name: String,
    pub requirements: String,
    pub version: i64,
    pub fields: Vec<FieldView>,
    pub errors: Vec<String>,
    pub back: String,
}

async fn requirements_dialog(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    id: i64,
    stage_id: i64,
    form: Option<(&FormData, &FieldErrors)>,
) -> Response {
    let tr = ctx.tr();
    let lead = match state.app.get_lead(actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(ctx, e),
    };
    let stage = match state.app.get_stage(stage_id).await {
        Ok(s) => s,
        Err(e) => return error_page(ctx, e),
    };
    let opts = LeadOptions::load(&state.app).await;
    let mut values = lead.values();
    if let Some((f, _)) = form
        && let Ok(p) = patch_from_form(f, REQUIRABLE_FIELDS)
    {
        values = p.apply(&values);
    }
    let missing = lead.values().missing(&stage.required_fields());
    let mut fields: Vec<FieldView> = missing
        .iter()
        .filter_map(|m| REQUIRABLE_FIELDS.iter().find(|r| *r == m))
        .map(|m| field(tr, &opts, &values, m).required())
        .collect();
    let errors = match form {
        Some((_, e)) => attach_errors(&mut fields, e, tr),
        None => vec![],
    };
    let body = RequirementsDialog {
        shell: ctx.shell("board", tr.t("board-requirements-title")),
        id,
        name: lead.name.clone(),
        stage_id,
        stage_name: stage.name.clone(),
        requirements: stage.requirements.clone().unwrap_or_default(),
        version: lead.version,
        fields,
        errors,
        back: board_url(lead.pipeline_id),
    };
    dialog(ctx, "board", tr.t("board-requirements-title"), &body)
}

/// `GET /leads/{id}/requirements?stage_id=`: asks for what the stage needs.
pub async fn requirements_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    uri: Uri,
) -> Response {
    let stage_id = param(&query_pairs(&uri), "stage_id").parse().unwrap_or(0);
    requirements_dialog(&state, &ctx, &actor, id, stage_id, None).await
}

/// `POST /leads/{id}/move`: moves to `stage_id`, saving the fields the stage requires
/// that came with the form. htmx gets 204 + `board-moved`; plain forms go back.
pub async fn move_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let stage_id = form.id("stage_id").unwrap_or(0);
    let present: Vec<&str> = REQUIRABLE_FIELDS
        .iter()
        .copied()
        .filter(|f| form.get(f).is_some())
        .collect();
    let mut patch = match patch_from_form(&form, &present) {
        Ok(p) => p,
        Err(e) => {
            return requirements_dialog(&state, &ctx, &actor, id, stage_id, Some((&form, &e)))
                .await;
        }
    };
    if let Err(e) = add_new_tags(&state.app, &actor, &form, &mut patch).await {
        return error_page(&ctx, e);
    }
    let version = match form.id("version") {
        Some(v) => v,
        None => match state.app.get_lead(&actor, id).await {
            Ok(l) => l.version,
            Err(e) => return error_page(&ctx, e),
        },
    };
    let mut result = state
        .app
        .update_lead(&actor, id, version, patch.clone(), Some(stage_id))
        .await;
    // Someone saved the record meanwhile: a move only sets the stage and the fields asked
    // for, so it is retried once on the current version instead of failing.
    if let Err(AppError::Stale(Current::Lead(cur))) = &result {
        let current = cur.version;
        result = state
            .app
            .update_lead(&actor, id, current, patch, Some(stage_id))
            .await;
    }
    match result {
        Ok(saved) => {
            if headers.contains_key("hx-request") {
                let trigger = format!(
                    "{{\"board-moved\":{{\"id\":{},\"stage\":{},\"won\":{}}}}}",
                    saved.lead.id,
                    saved.lead.stage_id,
                    saved.lead.outcome == "won"
                );
                let mut res = StatusCode::NO_CONTENT.into_response();
                if let Ok(v) = HeaderValue::from_str(&trigger) {
                    res.headers_mut().insert("HX-Trigger", v);
                }
                return res;
            }
            Redirect::to(&form.back_or(&board_url(saved.lead.pipeline_id))).into_response()
        }
        Err(AppError::Invalid(e)) => {
            requirements_dialog(&state, &ctx, &actor, id, stage_id, Some((&form, &e))).await
        }
        Err(e) => error_page(&ctx, e),
    }
}
