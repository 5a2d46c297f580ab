//! Stages from the board (R2.3): add one at the end, edit (name, probability, won, folded,
//! requirements, stale days, required fields), fold and unfold, delete asking where its
//! records go. Reordering is a drag that `board.js` sends to the JSON API. The settings
//! page for pipelines uses the same dialogs.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::AppError;
use sen_domain::errors::FieldErrors;
use sen_domain::pipeline::{REQUIRABLE_FIELDS, StageValues};
use sen_store::pipelines::Stage;

use super::board::board_url;
use super::forms::{BackQuery, FieldView, FormData, attach_errors, local_path_or};
use super::page::{PageCtx, PageId, Shell, Signed, dialog, error_page, go};
use crate::i18n::Tr;
use crate::state::AppState;

/// `POST /pipeline/{id}/stages`: a new stage at the end, named in the form.
pub async fn add_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(pipeline_id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let values = StageValues {
        name: form.get("name").unwrap_or_default(),
        probability: form.id("probability").unwrap_or(10),
        ..Default::default()
    };
    match state.app.add_stage(&actor, pipeline_id, values).await {
        Ok(_) => Redirect::to(&form.back_or(&board_url(pipeline_id))).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "board/stage_edit.html")]
pub struct StageDialog {
    pub shell: Shell,
    pub stage_id: i64,
    pub version: i64,
    pub fields: Vec<FieldView>,
    pub errors: Vec<String>,
    pub back: String,
}

fn stage_fields(tr: Tr<'_>, v: &StageValues) -> Vec<FieldView> {
    let f = |name: &'static str, kind: &'static str, value: String| {
        FieldView::new(
            name,
            tr.t(&format!("stage-{}", name.replace('_', "-"))),
            kind,
            value,
        )
    };
    vec![
        f("name", "text", v.name.clone()).required(),
        f("probability", "number", v.probability.to_string()),
        f("is_won", "checkbox", v.is_won.to_string()).hint(tr.t("stage-is-won-hint")),
        f("folded", "checkbox", v.folded.to_string()),
        f(
            "stale_after_days",
            "number",
            v.stale_after_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        )
        .hint(tr.t("stage-stale-after-days-hint")),
        f("required_fields", "multi", String::new()).options(
            REQUIRABLE_FIELDS
                .iter()
                .map(|r| {
                    (
                        r.to_string(),
                        tr.t(&format!("lead-{}", r.replace('_', "-"))),
                        v.required_fields.iter().any(|x| x == r),
                    )
                })
                .collect(),
        ),
        f(
            "requirements",
            "textarea",
            v.requirements.clone().unwrap_or_default(),
        )
        .hint(tr.t("stage-requirements-hint")),
    ]
}

fn stage_dialog(
    ctx: &PageCtx,
    stage: &Stage,
    values: &StageValues,
    errors: Option<&FieldErrors>,
    back: String,
) -> Response {
    let tr = ctx.tr();
    let mut fields = stage_fields(tr, values);
    let errors = errors
        .map(|e| attach_errors(&mut fields, e, tr))
        .unwrap_or_default();
    let title = tr.t1("stage-edit-title", "name", &stage.name);
    let body = StageDialog {
        shell: ctx.shell("board", title.clone()),
        stage_id: stage.id,
        version: stage.version,
        fields,
        errors,
        back,
    };
    dialog(ctx, "board", title, &body)
}

/// `GET /stages/{id}/edit?back=`: from the board or the settings page.
pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    PageId(id): PageId,
    Query(q): Query<BackQuery>,
) -> Response {
    match state.app.get_stage(id).await {
        Ok(s) => {
            let back = local_path_or(q.back, &board_url(s.pipeline_id));
            stage_dialog(&ctx, &s, &s.values(), None, back)
        }
        Err(e) => error_page(&ctx, e),
    }
}

fn number(form: &FormData, key: &str, e: &mut FieldErrors) -> Option<i64> {
    let raw = form.get(key).filter(|v| !v.is_empty())?;
    match raw.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            e.add(
                key,
                sen_domain::errors::Invalid::Type {
                    expected: "integer".into(),
                },
            );
            None
        }
    }
}

/// `POST /stages/{id}/edit`.
pub async fn edit_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let stage = match state.app.get_stage(id).await {
        Ok(s) => s,
        Err(e) => return error_page(&ctx, e),
    };
    let mut e = FieldErrors::new();
    let values = StageValues {
        name: form.get("name").unwrap_or_default(),
        probability: number(&form, "probability", &mut e).unwrap_or(0),
        is_won: form.checked("is_won"),
        folded: form.checked("folded"),
        requirements: form.get("requirements").filter(|r| !r.is_empty()),
        team_ids: stage.team_ids.clone(),
        stale_after_days: number(&form, "stale_after_days", &mut e),
        required_fields: form.all("required_fields"),
    };
    let back = form.back_or(&board_url(stage.pipeline_id));
    if !e.is_empty() {
        return stage_dialog(&ctx, &stage, &values, Some(&e), back);
    }
    let version = form.id("version").unwrap_or(stage.version);
    match state
        .app
        .update_stage(&actor, id, version, values.clone())
        .await
    {
        Ok(_) => go(&ctx, &back),
        Err(AppError::Invalid(e)) => stage_dialog(&ctx, &stage, &values, Some(&e), back),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /stages/{id}/fold`: folds an open column, unfolds a folded one.
pub async fn fold_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let stage = match state.app.get_stage(id).await {
        Ok(s) => s,
        Err(e) => return error_page(&ctx, e),
    };
    let mut values = stage.values();
    values.folded = !stage.folded;
    match state
        .app
        .update_stage(&actor, id, stage.version, values)
        .await
    {
        Ok(_) => Redirect::to(&form.back_or(&board_url(stage.pipeline_id))).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "board/stage_delete.html")]
pub struct DeleteDialog {
    pub shell: Shell,
    pub stage_id: i64,
    pub name: String,
    pub targets: Vec<(i64, String)>,
    pub back: String,
    pub error: String,
}

async fn delete_dialog(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    back: Option<String>,
    error: String,
) -> Response {
    let tr = ctx.tr();
    let stage = match state.app.get_stage(id).await {
        Ok(s) => s,
        Err(e) => return error_page(ctx, e),
    };
    let pipeline = match state.app.get_pipeline(stage.pipeline_id).await {
        Ok(p) => p,
        Err(e) => return error_page(ctx, e),
    };
    let title = tr.t1("stage-delete-title", "name", &stage.name);
    let body = DeleteDialog {
        shell: ctx.shell("board", title.clone()),
        stage_id: id,
        name: stage.name.clone(),
        targets: pipeline
            .stages
            .iter()
            .filter(|s| s.id != id)
            .map(|s| (s.id, s.name.clone()))
            .collect(),
        back: local_path_or(back, &board_url(pipeline.id)),
        error,
    };
    dialog(ctx, "board", title, &body)
}

/// `GET /stages/{id}/delete?back=`: asks where the stage's records go.
pub async fn delete_page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    PageId(id): PageId,
    Query(q): Query<BackQuery>,
) -> Response {
    delete_dialog(&state, &ctx, id, q.back, String::new()).await
}

/// `POST /stages/{id}/delete`.
pub async fn delete_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let stage = match state.app.get_stage(id).await {
        Ok(s) => s,
        Err(e) => return error_page(&ctx, e),
    };
    match state.app.delete_stage(&actor, id, form.id("target")).await {
        Ok(()) => Redirect::to(&form.back_or(&board_url(stage.pipeline_id))).into_response(),
        Err(e @ AppError::Invalid(_)) => {
            let msg = super::lead_dialogs::problem_text(&ctx, &e);
            delete_dialog(&state, &ctx, id, form.get("back"), msg).await
        }
        Err(AppError::Conflict(_)) => {
            let msg = ctx.tr().t("stage-delete-last");
            delete_dialog(&state, &ctx, id, form.get("back"), msg).await
        }
        Err(e) => error_page(&ctx, e),
    }
}
