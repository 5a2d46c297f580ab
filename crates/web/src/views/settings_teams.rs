//! Settings → sales teams (R2.4): name, leader, members (a user may be in several teams),
//! active; the team leader sees the team's records.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::Actor;
use sen_app::sales_setup::TeamInput;
use sen_domain::errors::FieldErrors;
use sen_store::teams::Team;

use super::forms::{FieldView, FormData, attach_errors};
use super::page::{PageCtx, PageId, Signed, error_page};
use super::settings::{Outcome, Row, SettingsPage, editor, outcome};
use crate::i18n::Tr;
use crate::state::AppState;

const BASE: &str = "/settings/teams";

fn team_fields(tr: Tr<'_>, t: &TeamInput, users: &[(i64, String)]) -> Vec<FieldView> {
    let mut leaders = vec![(
        String::new(),
        tr.t("settings-no-leader"),
        t.leader_id.is_none(),
    )];
    leaders.extend(
        users
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone(), t.leader_id == Some(*id))),
    );
    vec![
        FieldView::new("name", tr.t("settings-name"), "text", t.name.clone()).required(),
        FieldView::new("leader_id", tr.t("settings-team-leader"), "select", "").options(leaders),
        FieldView::new("member_ids", tr.t("settings-team-members"), "multi", "").options(
            users
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone(), t.member_ids.contains(id)))
                .collect(),
        ),
        FieldView::new(
            "active",
            tr.t("field-active"),
            "checkbox",
            t.active.to_string(),
        ),
    ]
}

fn team_input(form: &FormData) -> TeamInput {
    TeamInput {
        name: form.get("name").unwrap_or_default(),
        leader_id: form.id("leader_id"),
        member_ids: form
            .all("member_ids")
            .iter()
            .filter_map(|m| m.parse().ok())
            .collect(),
        active: form.checked("active"),
    }
}

fn input_of(t: &Team) -> TeamInput {
    TeamInput {
        name: t.name.clone(),
        leader_id: t.leader_id,
        member_ids: t.member_ids.clone(),
        active: t.active,
    }
}

struct TeamForm<'a> {
    /// The version the person's form was based on, kept through a refusal.
    version: Option<i64>,
    editing: Option<&'a Team>,
    input: TeamInput,
    errors: FieldErrors,
    other: Vec<String>,
}

impl TeamForm<'_> {
    fn blank() -> Self {
        TeamForm {
            version: None,
            editing: None,
            input: TeamInput {
                active: true,
                ..Default::default()
            },
            errors: FieldErrors::new(),
            other: Vec::new(),
        }
    }
}

fn name_of(users: &[(i64, String)], id: i64) -> String {
    users
        .iter()
        .find(|(u, _)| *u == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| "—".into())
}

async fn teams_page(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    form: TeamForm<'_>,
) -> Response {
    let tr = ctx.tr();
    let (teams, users) = match (state.app.list_teams().await, state.app.user_names().await) {
        (Ok(t), Ok(u)) => (t, u),
        (Err(e), _) | (_, Err(e)) => return error_page(ctx, e),
    };
    let mut page = SettingsPage::new(ctx, actor, "teams");
    page.headers = vec![
        tr.t("settings-name"),
        tr.t("settings-team-leader"),
        tr.t("settings-team-members"),
        tr.t("field-active"),
    ];
    page.rows = teams
        .iter()
        .map(|t| Row {
            href: format!("{BASE}/{}", t.id),
            cells: vec![
                t.name.clone(),
                t.leader_id
                    .map(|l| name_of(&users, l))
                    .unwrap_or_else(|| "—".into()),
                t.member_ids
                    .iter()
                    .map(|m| name_of(&users, *m))
                    .collect::<Vec<_>>()
                    .join(", "),
                if t.active { "✓" } else { "—" }.into(),
            ],
            active: t.active,
            swatch: None,
            selected: form.editing.is_some_and(|e| e.id == t.id),
        })
        .collect();
    if SettingsPage::may_change(actor) {
        let mut fields = team_fields(tr, &form.input, &users);
        let mut errors = attach_errors(&mut fields, &form.errors, tr);
        errors.extend(form.other);
        let editing = form
            .editing
            .map(|t| (t.id, form.version.unwrap_or(t.version), t.name.as_str()));
        page.editor = Some(editor(tr, BASE, editing, fields, errors));
    }
    page.respond()
}

/// `GET /settings/teams`.
pub async fn list_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    teams_page(&state, &ctx, &actor, TeamForm::blank()).await
}

/// `POST /settings/teams`.
pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let input = team_input(&FormData::parse(&body));
    match state.app.create_team(&actor, input.clone()).await {
        Ok(_) => Redirect::to(BASE).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = TeamForm {
                    input,
                    errors,
                    other,
                    ..TeamForm::blank()
                };
                teams_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `GET /settings/teams/{id}`.
pub async fn edit_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    let team = match state.app.get_team(id).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let form = TeamForm {
        editing: Some(&team),
        input: input_of(&team),
        ..TeamForm::blank()
    };
    teams_page(&state, &ctx, &actor, form).await
}

/// `POST /settings/teams/{id}`.
pub async fn update_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let team = match state.app.get_team(id).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let form = FormData::parse(&body);
    let input = team_input(&form);
    // A form without a version cannot prove it saw the current values.
    let version = form.id("version").unwrap_or(0);
    match state
        .app
        .update_team(&actor, id, version, input.clone())
        .await
    {
        Ok(_) => Redirect::to(BASE).into_response(),
        Err(e) => match outcome(&ctx, e) {
            Outcome::Form(errors, other) => {
                let form = TeamForm {
                    version: Some(version),
                    editing: Some(&team),
                    input,
                    errors,
                    other,
                };
                teams_page(&state, &ctx, &actor, form).await
            }
            Outcome::Page(r) => r,
        },
    }
}

/// `POST /settings/teams/{id}/delete`: its records keep their salesperson, without a team.
pub async fn delete_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    match state.app.delete_team(&actor, id).await {
        Ok(()) => Redirect::to(BASE).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}
