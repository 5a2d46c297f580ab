//! The dialogs of a record: convert to an opportunity (seed 001: convert or merge with the
//! listed duplicates, salesperson and team, customer link / create / none), lost (reason
//! from the configured list, feedback), unqualified (reason), and merge (pick the record to
//! keep, preview of the merged values).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::convert::{ConvertInput, Customer};
use sen_app::{Actor, AppError};
use sen_domain::lookup::AppliesTo;
use sen_domain::merge::merge_values;
use sen_store::lookups::LookupKind;

use super::board_actions::customer_of;
use super::contacts::{param, query_pairs};
use super::display::format_money;
use super::forms::FormData;
use super::lead_fields::LeadOptions;
use super::page::{PageCtx, PageId, Shell, Signed, dialog, error_page};
use crate::state::AppState;

/// A refused action, in one sentence of the reader's language.
pub fn problem_text(ctx: &PageCtx, e: &AppError) -> String {
    match e {
        AppError::Invalid(errors) => errors
            .0
            .values()
            .flatten()
            .map(|w| ctx.tr().i18n.invalid(ctx.lang, w))
            .collect::<Vec<_>>()
            .join(" "),
        AppError::Conflict(_) => ctx.tr().t("lead-closed-conflict"),
        AppError::Forbidden => ctx.tr().t("error-page-forbidden"),
        _ => ctx.tr().t("error-page-bad-request"),
    }
}

#[derive(Template)]
#[template(path = "leads/reason.html")]
pub struct ReasonDialog {
    pub shell: Shell,
    pub id: i64,
    pub name: String,
    /// `lost` or `unqualified`.
    pub action: String,
    pub reasons: Vec<(i64, String)>,
    pub required: bool,
    pub error: String,
    pub feedback: String,
}

async fn reason_dialog(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    id: i64,
    action: &str,
    error: String,
    feedback: String,
) -> Response {
    let tr = ctx.tr();
    let lead = match state.app.get_lead(actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(ctx, e),
    };
    let pipeline = state.app.get_pipeline(lead.pipeline_id).await.ok();
    let applies = if lead.kind == "lead" {
        AppliesTo::Lead
    } else {
        AppliesTo::Deal
    };
    let reasons = state
        .app
        .list_lookups(LookupKind::LostReason)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.active)
        .filter(|r| {
            r.applies_to
                .as_deref()
                .and_then(AppliesTo::parse)
                .is_none_or(|a| a == AppliesTo::Both || a == applies)
        })
        .map(|r| (r.id, r.name))
        .collect();
    let title = tr.t1(&format!("lead-{action}-title"), "name", &lead.name);
    let body = ReasonDialog {
        shell: ctx.shell("opportunities", title.clone()),
        id,
        name: lead.name,
        action: action.to_string(),
        reasons,
        required: pipeline.is_some_and(|p| p.lost_reason_required),
        error,
        feedback,
    };
    dialog(ctx, "opportunities", title, &body)
}

/// `GET /leads/{id}/lost` and `/unqualified`.
pub async fn lost_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    reason_dialog(
        &state,
        &ctx,
        &actor,
        id,
        "lost",
        String::new(),
        String::new(),
    )
    .await
}

pub async fn unqualified_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    reason_dialog(
        &state,
        &ctx,
        &actor,
        id,
        "unqualified",
        String::new(),
        String::new(),
    )
    .await
}

async fn reason_submit(
    state: AppState,
    ctx: PageCtx,
    actor: Actor,
    id: i64,
    action: &str,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let reason = form.id("reason_id");
    let feedback = form.get("feedback").filter(|f| !f.is_empty());
    let result = if action == "lost" {
        state
            .app
            .mark_lost(&actor, id, reason, feedback.clone())
            .await
    } else {
        state.app.mark_unqualified(&actor, id, reason).await
    };
    match result {
        Ok(l) => Redirect::to(&format!("/leads/{}", l.id)).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let msg = problem_text(&ctx, &e);
            reason_dialog(
                &state,
                &ctx,
                &actor,
                id,
                action,
                msg,
                feedback.unwrap_or_default(),
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn lost_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    reason_submit(state, ctx, actor, id, "lost", body).await
}

pub async fn unqualified_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    reason_submit(state, ctx, actor, id, "unqualified", body).await
}

#[derive(Template)]
#[template(path = "leads/convert.html")]
pub struct ConvertDialog {
    pub shell: Shell,
    pub id: i64,
    pub name: String,
    pub duplicates: Vec<(i64, String, String, String)>,
    pub users: Vec<(i64, String, bool)>,
    pub teams: Vec<(i64, String, bool)>,
    pub pipelines: Vec<(i64, String)>,
    pub customer_name: String,
    pub company_name: String,
    pub error: String,
}

async fn convert_dialog(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    id: i64,
    error: String,
) -> Response {
    let tr = ctx.tr();
    let lead = match state.app.get_lead(actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(ctx, e),
    };
    let opts = LeadOptions::load(&state.app).await;
    let duplicates = state
        .app
        .lead_duplicates(actor, id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            (
                d.id,
                d.number,
                d.name,
                tr.t(&format!("duplicate-reason-{}", d.reason)),
            )
        })
        .collect();
    let title = tr.t1("convert-title", "name", &lead.name);
    let body = ConvertDialog {
        shell: ctx.shell("leads", title.clone()),
        id,
        users: opts
            .users
            .iter()
            .map(|(i, n)| (*i, n.clone(), Some(*i) == lead.user_id))
            .collect(),
        teams: opts
            .teams
            .iter()
            .map(|(i, n)| (*i, n.clone(), Some(*i) == lead.team_id))
            .collect(),
        pipelines: state
            .app
            .list_pipelines()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.kind == "deal")
            .map(|p| (p.id, p.name))
            .collect(),
        customer_name: lead.contact_name.clone().unwrap_or_default(),
        company_name: lead.company_name.clone().unwrap_or_default(),
        name: lead.name,
        duplicates,
        error,
    };
    dialog(ctx, "leads", title, &body)
}

/// `GET /leads/{id}/convert`.
pub async fn convert_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
) -> Response {
    convert_dialog(&state, &ctx, &actor, id, String::new()).await
}

/// `POST /leads/{id}/convert`.
pub async fn convert_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let merge = form.get("action").as_deref() == Some("merge");
    let customer = match form.get("customer_mode").as_deref() {
        Some("link") => match customer_of(&form.get("customer").unwrap_or_default()).0 {
            Some(c) => Customer::Link(c),
            None => {
                return convert_dialog(
                    &state,
                    &ctx,
                    &actor,
                    id,
                    ctx.tr().t("convert-pick-customer"),
                )
                .await;
            }
        },
        Some("none") => Customer::None,
        _ => Customer::Create,
    };
    let input = ConvertInput {
        merge_with: if merge {
            form.all("merge_with")
                .iter()
                .filter_map(|m| m.parse().ok())
                .collect()
        } else {
            vec![]
        },
        pipeline_id: form.id("pipeline_id"),
        user_id: Some(form.id("user_id")),
        team_id: Some(form.id("team_id")),
        customer,
    };
    match state.app.convert_lead(&actor, id, input).await {
        Ok(l) => Redirect::to(&format!("/leads/{}", l.id)).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let msg = problem_text(&ctx, &e);
            convert_dialog(&state, &ctx, &actor, id, msg).await
        }
        Err(e) => error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "leads/merge.html")]
pub struct MergeDialog {
    pub shell: Shell,
    pub records: Vec<(i64, String, String, String, bool)>,
    /// (field label, merged value)
    pub preview: Vec<(String, String)>,
    pub keep: i64,
    pub ids: String,
    pub error: String,
}

async fn merge_dialog(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    ids: &[i64],
    keep: Option<i64>,
    error: String,
) -> Response {
    let tr = ctx.tr();
    let opts = LeadOptions::load(&state.app).await;
    let mut leads = Vec::new();
    for id in ids {
        match state.app.get_lead(actor, *id).await {
            Ok(l) => leads.push(l),
            Err(e) => return error_page(ctx, e),
        }
    }
    let keep = keep
        .filter(|k| ids.contains(k))
        .or(ids.first().copied())
        .unwrap_or(0);
    let mut ordered: Vec<_> = leads
        .iter()
        .filter(|l| l.id == keep)
        .map(|l| l.values())
        .collect();
    ordered.extend(leads.iter().filter(|l| l.id != keep).map(|l| l.values()));
    let m = merge_values(&ordered);
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let preview = vec![
        (tr.t("lead-name"), m.name.clone()),
        (tr.t("lead-contact-name"), text(&m.contact_name)),
        (tr.t("lead-company-name"), text(&m.company_name)),
        (tr.t("lead-email"), text(&m.email)),
        (tr.t("lead-phone"), text(&m.phone)),
        (tr.t("lead-user-id"), opts.user_name(m.user_id)),
        (
            tr.t("lead-expected-revenue"),
            m.expected_revenue
                .map(|r| format_money(&r))
                .unwrap_or_else(|| "—".into()),
        ),
        (
            tr.t("lead-priority"),
            tr.t(&format!("lead-priority-{}", m.priority)),
        ),
        (
            tr.t("lead-tags"),
            opts.tag_chips(&m.tag_ids)
                .into_iter()
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let title = tr.t("merge-title");
    let body = MergeDialog {
        shell: ctx.shell("opportunities", title.clone()),
        records: leads
            .iter()
            .map(|l| {
                (
                    l.id,
                    l.number.clone(),
                    l.name.clone(),
                    tr.t(&format!("outcome-{}", l.outcome)),
                    l.id == keep,
                )
            })
            .collect(),
        preview,
        keep,
        ids: ids
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(","),
        error,
    };
    dialog(ctx, "opportunities", title, &body)
}

fn ids_of(raw: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = raw
        .split(',')
        .filter_map(|i| i.trim().parse().ok())
        .collect();
    ids.dedup();
    ids
}

/// `GET /leads/merge?ids=1,2,3&keep=2`.
pub async fn merge_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let ids = ids_of(&param(&pairs, "ids"));
    merge_dialog(
        &state,
        &ctx,
        &actor,
        &ids,
        param(&pairs, "keep").parse().ok(),
        String::new(),
    )
    .await
}

/// `POST /leads/merge`.
pub async fn merge_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let ids = ids_of(&form.get("ids").unwrap_or_default());
    let keep = form.id("keep");
    match state.app.merge_leads(&actor, &ids, keep).await {
        Ok(l) => Redirect::to(&format!("/leads/{}", l.id)).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let msg = problem_text(&ctx, &e);
            merge_dialog(&state, &ctx, &actor, &ids, keep, msg).await
        }
        Err(e) => error_page(&ctx, e),
    }
}
