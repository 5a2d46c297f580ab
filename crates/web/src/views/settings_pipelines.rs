//! Settings → pipelines and their stages (R2.1–R2.3): add, rename, change the number
//! prefix, teams and "lost reason required", delete; a pipeline's stages in order with
//! up/down buttons (the board also reorders by dragging), add, edit and delete through the
//! same dialogs as the board.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::{Actor, AppError};
use sen_domain::errors::FieldErrors;
use sen_domain::pipeline::{PipelineKind, PipelineValues};
use sen_store::pipelines::{Pipeline, Stage};

use super::forms::{FieldView, FormData, attach_errors};
use super::page::{PageCtx, PageId, Shell, Signed, error_page};
use super::settings::{Outcome, Row, SettingsPage, editor, outcome};
use crate::i18n::Tr;
use crate::state::AppState;

const BASE: &str = "/settings/pipelines";

fn kind_options(tr: Tr<'_>, selected: Option<PipelineKind>) -> Vec<(String, String, bool)> {
    PipelineKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                tr.t(&format!("pipeline-kind-{}", k.as_str())),
                Some(*k) == selected,
            )
        })
        .collect()
}

fn pipeline_fields(
    tr: Tr<'_>,
    v: &PipelineValues,
    teams: &[(i64, String)],
    creating: bool,
) -> Vec<FieldView> {
    let mut fields =
        vec![FieldView::new("name", tr.t("settings-name"), "text", v.name.clone()).required()];
    if creating {
        fields.push(
            FieldView::new("kind", tr.t("settings-pipeline-kind"), "select", "")
                .options(kind_options(tr, v.kind)),
        );
    }
    fields.push(
        FieldView::new(
            "number_prefix",
            tr.t("settings-number-prefix"),
            "text",
            v.number_prefix.clone(),
        )
        .hint(tr.t("settings-number-prefix-hint")),
    );
    fields.push(
        FieldView::new("team_ids", tr.t("settings-pipeline-teams"), "multi", "").options(
            teams
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone(), v.team_ids.contains(id)))
                .collect(),
        ),
    );
    fields.push(FieldView::new(
        "lost_reason_required",
        tr.t("settings-lost-reason-required"),
        "checkbox",
        v.lost_reason_required.to_string(),
    ));
    fields
}

fn pipeline_values(form: &FormData, kind: Option<PipelineKind>) -> PipelineValues {
    PipelineValues {
        name: form.get("name").unwrap_or_default(),
        kind: kind.or_else(|| form.get("kind").and_then(|k| PipelineKind::parse(&k))),
        team_ids: form
            .all("team_ids")
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect(),
        number_prefix: form.get("number_prefix").unwrap_or_default(),
        lost_reason_required: form.checked("lost_reason_required"),
    }
}

fn values_of(p: &Pipeline) -> PipelineValues {
    PipelineValues {
        name: p.name.clone(),
        kind: PipelineKind::parse(&p.kind),
        team_ids: p.team_ids.clone(),
        number_prefix: p.number_prefix.clone(),
        lost_reason_required: p.lost_reason_required,
    }
}

/// A pipeline's stages below the table, with the actions a manager has.
#[derive(Template)]
#[template(path = "settings/stages.html")]
pub struct StagesView {
    pub shell: Shell,
    pub pipeline_id: i64,
    pub name: String,
    pub stages: Vec<(Stage, String)>,
    pub may_change: bool,
    pub back: String,
    pub stage_error: String,
}

fn stage_summary(tr: Tr<'_>, s: &Stage) -> String {
    let mut parts = vec![format!("{} %", s.probability)];
    if s.is_won {
        parts.push(tr.t("settings-stage-won"));
    }
    if s.folded {
        parts.push(tr.t("settings-stage-folded"));
    }
    if let Some(d) = s.stale_after_days {
        parts.push(tr.n("settings-stage-stale-days", d));
    }
    for f in s.required_fields() {
        parts.push(tr.t1(
            "settings-stage-requires",
            "field",
            &tr.t(&format!("lead-{}", f.replace('_', "-"))),
        ));
    }
    parts.join(" · ")
}

struct PipelineForm<'a> {
    /// The version the person's form was based on, kept through a refusal.
    version: Option<i64>,
    editing: Option<&'a Pipeline>,
    values: PipelineValues,
    errors: FieldErrors,
    other: Vec<String>,
    /// Why the new stage's name was refused.
    stage_error: String,
}

impl PipelineForm<'_> {
    fn blank() -> Self {
        PipelineForm {
            version: None,
            editing: None,
            values: PipelineValues {
                kind: Some(PipelineKind::Deal),
                ..Default::default()
            },
            errors: FieldErrors::new(),
            other: Vec::new(),
            stage_error: String::new(),
        }
    }
}

async fn pipelines_page(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    form: PipelineForm<'_>,
) -> Response {
    let tr = ctx.tr();
    let (pipelines, teams) = match (
        state.app.list_pipelines().await,
        state.app.list_teams().await,
    ) {
        (Ok(p), Ok(t)) => (p, t),
        (Err(e), _) | (_, Err(e)) => return error_page(ctx, e),
    };
    let team_names: Vec<(i64, String)> = teams.into_iter().map(|t| (t.id, t.name)).collect();
    let mut page = SettingsPage::new(ctx, actor, "pipelines");
    page.headers = vec![
        tr.t("settings-name"),
        tr.t("settings-pipeline-kind"),
        tr.t("settings-stages"),
        tr.t("settings-number-prefix"),
    ];
    page.rows = pipelines
        .iter()
        .map(|p| Row {
            href: format!("{BASE}/{}", p.id),
            cells: vec![
                p.name.clone(),
                tr.t(&format!("pipeline-kind-{}", p.kind)),
                p.stages
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" → "),
                p.number_prefix.clone(),
            ],
            active: true,
            swatch: None,
            selected: form.editing.is_some_and(|e| e.id == p.id),
        })
        .collect();
    let may_change = SettingsPage::may_change(actor);
    if let Some(p) = form.editing {
        let view = StagesView {
            shell: ctx.shell("settings", String::new()),
            pipeline_id: p.id,
            name: p.name.clone(),
            stages: p
                .stages
                .iter()
                .map(|s| (s.clone(), stage_summary(tr, s)))
                .collect(),
            may_change,
            back: format!("{BASE}/{}", p.id),
            stage_error: form.stage_error.clone(),
        };
        page.refused = !form.stage_error.is_empty();
        page.extra = match view.render() {
            Ok(html) => html,
            Err(e) => return error_page(ctx, AppError::Internal(e.to_string())),
        };
    }
    if may_change {
        let mut fields = pipeline_fields(tr, &form.values, &team_names, form.editing.is_none());
        let mut errors = attach_errors(&mut fields, &form.errors, tr);
        errors.extend(form.other);
        let editing = form
            .editing
            .map(|p| (p.id, form.version.unwrap_or(p.version), p.name.as_str()));
        page.editor = Some(editor(tr, BASE, editing, fields, errors));
    }
    page.respond()
}

/// `GET /settings/pipelines`.
pub async fn list_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    pipelines_page(&state, &ctx, &actor, PipelineForm::blank()).await
}

/// `POST /settings/pipelines`: a new pipeline with its kind's default stages.
pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let values = pipeline_values(&FormData::parse(&body), None);
    match state
        .app
        .create_pipeline(&actor, values.clone(), None)
        .await
    {
        Ok(p) => Redirect::to(&format!("{BASE}/{}", p.id)).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = PipelineForm {
                    values,
                    errors,
                    other,
                    ..PipelineForm::blank()
                };
                pipelines_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `GET /settings/pipelines/{id}`: the pipeline in the editor and its stages below.
pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    let p = match state.app.get_pipeline(id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let form = PipelineForm {
        editing: Some(&p),
        values: values_of(&p),
        ..PipelineForm::blank()
    };
    pipelines_page(&state, &ctx, &actor, form).await
}

/// `POST /settings/pipelines/{id}`.
pub async fn update_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let p = match state.app.get_pipeline(id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let form = FormData::parse(&body);
    let values = pipeline_values(&form, PipelineKind::parse(&p.kind));
    // A form without a version cannot prove it saw the current values.
    let version = form.id("version").unwrap_or(0);
    match state
        .app
        .update_pipeline(&actor, id, version, values.clone())
        .await
    {
        Ok(_) => Redirect::to(&format!("{BASE}/{id}")).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = PipelineForm {
                    version: Some(version),
                    editing: Some(&p),
                    values,
                    errors,
                    other,
                    stage_error: String::new(),
                };
                pipelines_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `POST /settings/pipelines/{id}/delete`: refused while it holds records or is the last
/// of its kind, with the reason above the form.
pub async fn delete_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    let p = match state.app.get_pipeline(id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    match state.app.delete_pipeline(&actor, id).await {
        Ok(()) => Redirect::to(BASE).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = PipelineForm {
                    editing: Some(&p),
                    values: values_of(&p),
                    errors,
                    other,
                    ..PipelineForm::blank()
                };
                pipelines_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `POST /settings/pipelines/{id}/stages/{stage}/{up|down}`: moves a stage one place, the
/// keyboard's way of reordering (the board drags).
pub async fn move_stage(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path((id, stage, direction)): Path<(String, String, String)>,
) -> Response {
    let (Ok(id), Ok(stage)) = (id.parse::<i64>(), stage.parse::<i64>()) else {
        return error_page(&ctx, AppError::NotFound);
    };
    let p = match state.app.get_pipeline(id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let mut ids: Vec<i64> = p.stages.iter().map(|s| s.id).collect();
    let Some(at) = ids.iter().position(|s| *s == stage) else {
        return error_page(&ctx, AppError::NotFound);
    };
    match direction.as_str() {
        "up" if at > 0 => ids.swap(at, at - 1),
        "down" if at + 1 < ids.len() => ids.swap(at, at + 1),
        "up" | "down" => {}
        _ => return error_page(&ctx, AppError::NotFound),
    }
    match state.app.reorder_stages(&actor, id, &ids).await {
        Ok(_) => Redirect::to(&format!("{BASE}/{id}#stage-{stage}")).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /settings/pipelines/{id}/stages`: a new stage at the end; a refused name is shown
/// beside the field on this page.
pub async fn add_stage(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let values = sen_domain::pipeline::StageValues {
        name: form.get("name").unwrap_or_default(),
        probability: 10,
        ..Default::default()
    };
    let refusal = match state.app.add_stage(&actor, id, values).await {
        Ok(_) => return Redirect::to(&format!("{BASE}/{id}")).into_response(),
        Err(AppError::Invalid(e)) => super::lead_dialogs::problem_text(&ctx, &AppError::Invalid(e)),
        Err(e) => return error_page(&ctx, e),
    };
    let p = match state.app.get_pipeline(id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, e),
    };
    let form = PipelineForm {
        editing: Some(&p),
        values: values_of(&p),
        stage_error: refusal,
        ..PipelineForm::blank()
    };
    pipelines_page(&state, &ctx, &actor, form).await
}
