//! The record page of a lead or opportunity (R3.3): stage status bar, lifecycle buttons by
//! state, fields in sections, duplicate banner, the timeline beside the fields, and
//! previous / next within the list it was opened from. The dialogs are in `lead_dialogs.rs`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::leads::Placement;
use sen_app::timeline::TimelineItem;
use sen_app::{Actor, AppError};
use sen_domain::activity::RecordType;
use sen_domain::errors::FieldErrors;
use sen_domain::lead::{LeadType, LeadValues};
use sen_store::leads::Lead;
use sen_store::pipelines::Pipeline;

use super::board_actions::customer_of;
use super::contacts::{param, query_pairs};
use super::display::{format_money, format_time};
use super::forms::{FieldView, FormData, Section, attach_errors};
use super::lead_fields::{LeadOptions, add_new_tags, field, patch_from_form, typed_over};
use super::page::{PageCtx, PageId, Shell, Signed, error_page, render_form};
use crate::i18n::Tr;
use crate::state::AppState;

/// The fields of the form, by section (title key, fields).
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "lead-section-customer",
        &[
            "name",
            "contact_id",
            "company_name",
            "contact_name",
            "email",
            "phone",
            "mobile",
            "job_position",
        ],
    ),
    (
        "lead-section-deal",
        &[
            "expected_revenue",
            "probability",
            "expected_closing",
            "due_date",
            "priority",
            "user_id",
            "team_id",
            "tag_ids",
            "new_tags",
        ],
    ),
    (
        "lead-section-marketing",
        &[
            "source_id",
            "medium_id",
            "campaign_id",
            "referred_by",
            "website",
        ],
    ),
    (
        "lead-section-address",
        &["street", "ward", "district", "city", "country"],
    ),
    ("lead-section-notes", &["description"]),
];

fn editable_fields() -> Vec<&'static str> {
    SECTIONS
        .iter()
        .flat_map(|(_, f)| f.iter().copied())
        .filter(|f| *f != "new_tags" && *f != "contact_id")
        .collect()
}

#[derive(Template)]
#[template(path = "leads/form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub id: i64,
    pub heading: String,
    pub number: String,
    pub kind: String,
    pub outcome: String,
    pub outcome_label: String,
    pub archived: bool,
    pub version: i64,
    pub pipeline_id: i64,
    pub stages: Vec<(i64, String, bool)>,
    pub sections: Vec<Section>,
    pub other_errors: Vec<String>,
    pub notice: String,
    pub duplicates: Vec<(i64, String, String, String)>,
    /// The conversation panel (follow, composer, timeline), rendered.
    pub chatter: String,
    pub activities: Vec<super::activities::ActivityRow>,
    pub back: String,
    pub one_click: bool,
    pub can_delete: bool,
    pub prev: String,
    pub next: String,
    pub nav: String,
    pub list_href: String,
    pub revenue: String,
}

fn sections(tr: Tr<'_>, o: &LeadOptions, v: &LeadValues, customer: &str) -> Vec<Section> {
    SECTIONS
        .iter()
        .map(|(title, names)| Section {
            title: tr.t(title),
            fields: names
                .iter()
                .map(|n| {
                    if *n == "contact_id" {
                        let mut f = FieldView::new(
                            "customer",
                            tr.t("lead-customer"),
                            "customer",
                            customer.to_string(),
                        );
                        f.hint = tr.t("lead-customer-hint");
                        f
                    } else {
                        field(tr, o, v, n)
                    }
                })
                .collect(),
        })
        .collect()
}

/// Puts each error next to its field in whichever section holds it; returns the rest.
fn section_errors(sections: &mut [Section], e: &FieldErrors, tr: Tr<'_>) -> Vec<String> {
    let mut other = Vec::new();
    for s in sections.iter_mut() {
        other.extend(attach_errors(&mut s.fields, e, tr));
    }
    other.sort();
    other.dedup();
    other.retain(|o| {
        let f = o.split(':').next().unwrap_or_default();
        !sections
            .iter()
            .any(|s| s.fields.iter().any(|x| x.name == f))
    });
    other
}

/// The customer field's text: "Name (#id)" for a linked contact.
async fn customer_text(state: &AppState, actor: &Actor, v: &LeadValues) -> String {
    match v.contact_id {
        Some(id) => match state.app.get_contact(actor, id).await {
            Ok(c) => format!("{} (#{})", c.name, c.id),
            Err(_) => format!("#{id}"),
        },
        None => String::new(),
    }
}

/// A change-log row as people read it: "Stage: New → Qualified".
fn timeline_text(
    tr: Tr<'_>,
    c: &sen_store::change_log::Change,
    o: &LeadOptions,
    p: &Pipeline,
) -> String {
    let value = |raw: &Option<String>| -> String {
        let Some(raw) = raw.as_deref().filter(|r| !r.is_empty()) else {
            return "—".into();
        };
        let id = raw.parse::<i64>().ok();
        match c.field.as_str() {
            "stage_id" => p
                .stages
                .iter()
                .find(|s| Some(s.id) == id)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| raw.to_string()),
            "user_id" => o.user_name(id),
            "team_id" => o.team_name(id),
            "source_id" => o.source_name(id),
            "tag_ids" => {
                let map = o.tag_map();
                raw.split(',')
                    .filter_map(|t| t.parse::<i64>().ok())
                    .map(|t| map.get(&t).cloned().unwrap_or_else(|| format!("#{t}")))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            "outcome" => tr.t(&format!("outcome-{raw}")),
            _ => raw.to_string(),
        }
    };
    let key = format!("lead-{}", c.field.replace('_', "-"));
    let label = if tr.i18n.has(tr.lang, &key) {
        tr.t(&key)
    } else {
        c.field.clone()
    };
    format!("{label}: {} → {}", value(&c.old_value), value(&c.new_value))
}

use super::chatter::TimelineRow;

struct Loaded {
    lead: Lead,
    pipeline: Pipeline,
    opts: LeadOptions,
}

async fn load(state: &AppState, actor: &Actor, id: i64) -> Result<Loaded, AppError> {
    let lead = state.app.get_lead(actor, id).await?;
    let pipeline = state.app.get_pipeline(lead.pipeline_id).await?;
    Ok(Loaded {
        lead,
        pipeline,
        opts: LeadOptions::load(&state.app).await,
    })
}

/// Previous and next ids in the list the record was opened from (`nav` = that list's query).
async fn neighbours(
    state: &AppState,
    actor: &Actor,
    ctx: &PageCtx,
    nav: &str,
    id: i64,
) -> (String, String) {
    if nav.is_empty() {
        return (String::new(), String::new());
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(nav).unwrap_or_default();
    let search = super::lead_search::LeadSearch::from_pairs(&pairs);
    let kind = param(&pairs, "type");
    let mut filter = search.filter_expr(&[], ctx.today());
    if !kind.is_empty() {
        let k = format!(
            "type = \"{}\"",
            if kind == "lead" {
                "lead"
            } else {
                "opportunity"
            }
        );
        filter = if filter.is_empty() {
            k
        } else {
            format!("({filter}) and {k}")
        };
    }
    let params = sen_app::contacts::ListParams {
        q: (!search.q.is_empty()).then(|| search.q.clone()),
        filter: (!filter.is_empty()).then_some(filter),
        sort: (!search.sort.is_empty()).then(|| search.sort.clone()),
        limit: Some(500),
        cursor: None,
    };
    let Ok(page) = state.app.list_leads(actor, &params).await else {
        return (String::new(), String::new());
    };
    let ids: Vec<i64> = page.items.iter().map(|l| l.id).collect();
    let Some(i) = ids.iter().position(|x| *x == id) else {
        return (String::new(), String::new());
    };
    let nav_q = serde_urlencoded::to_string([("nav", nav)]).unwrap_or_default();
    let link = |j: Option<&i64>| j.map(|j| format!("/leads/{j}?{nav_q}")).unwrap_or_default();
    (
        link(i.checked_sub(1).and_then(|p| ids.get(p))),
        link(ids.get(i + 1)),
    )
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    actor: &Actor,
    l: Loaded,
    values: &LeadValues,
    customer: String,
    errors: Option<&FieldErrors>,
    notice: String,
    nav: String,
) -> Response {
    let tr = ctx.tr();
    let refused = errors.is_some();
    let lead = &l.lead;
    let mut sections = sections(tr, &l.opts, values, &customer);
    let other_errors = errors
        .map(|e| section_errors(&mut sections, e, tr))
        .unwrap_or_default();
    let duplicates = state
        .app
        .lead_duplicates(actor, lead.id)
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
    let tz = ctx.time_zone();
    let names = super::activities::Names::load(state).await;
    let timeline = state
        .app
        .record_timeline(actor, RecordType::Lead, lead.id, Some(50), None)
        .await
        .map(|(items, _)| items)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| {
            let (what, by, at, body, kind) = match item {
                TimelineItem::Change(c) => (
                    timeline_text(tr, c, &l.opts, &l.pipeline),
                    c.changed_by,
                    c.changed_at,
                    String::new(),
                    "change".to_string(),
                ),
                post => match super::chatter::post_parts(tr, &names, &tz, post) {
                    Some(p) => (p.what, p.by, p.at, p.body, p.kind),
                    None => return None,
                },
            };
            let who = l.opts.user_name(by);
            let when = format_time(at, &tz, ctx.lang);
            Some(TimelineRow {
                what,
                when: if who.is_empty() {
                    when
                } else {
                    format!("{who}, {when}")
                },
                html: super::chatter::is_html(&kind),
                body,
                kind,
            })
        })
        .collect();
    let chatter = super::chatter::panel(
        state,
        ctx,
        actor,
        super::chatter::About {
            record_type: RecordType::Lead,
            id: lead.id,
            email_to: lead.email.clone(),
            can_edit: true,
        },
        timeline,
    )
    .await;
    let activities =
        super::activities::record_rows(state, ctx, actor, RecordType::Lead, lead.id).await;
    let (prev, next) = neighbours(state, actor, ctx, &nav, lead.id).await;
    let list_href = if lead.kind == "lead" {
        "/leads"
    } else {
        "/opportunities"
    };
    let page = FormPage {
        shell: ctx.shell(
            if lead.kind == "lead" {
                "leads"
            } else {
                "opportunities"
            },
            lead.name.clone(),
        ),
        id: lead.id,
        heading: lead.name.clone(),
        number: lead.number.clone(),
        kind: lead.kind.clone(),
        outcome: lead.outcome.clone(),
        outcome_label: tr.t(&format!("outcome-{}", lead.outcome)),
        archived: lead.archived_at.is_some(),
        version: lead.version,
        pipeline_id: lead.pipeline_id,
        stages: l
            .pipeline
            .stages
            .iter()
            .map(|s| (s.id, s.name.clone(), s.id == lead.stage_id))
            .collect(),
        sections,
        other_errors,
        notice,
        duplicates,
        chatter,
        activities,
        back: format!("/leads/{}", lead.id),
        one_click: false,
        can_delete: actor.role.sees_all(),
        prev,
        next,
        list_href: if nav.is_empty() {
            list_href.to_string()
        } else {
            format!("{list_href}?{nav}")
        },
        nav,
        revenue: lead
            .expected_revenue()
            .map(|m| format_money(&m))
            .unwrap_or_default(),
    };
    render_form(&page, refused)
}

/// `GET /leads/{id}`.
pub async fn show_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    uri: Uri,
) -> Response {
    let nav = param(&query_pairs(&uri), "nav");
    let notice = match param(&query_pairs(&uri), "saved").as_str() {
        "1" => ctx.tr().t("lead-saved"),
        _ => String::new(),
    };
    match load(&state, &actor, id).await {
        Ok(l) => {
            let values = l.lead.values();
            let customer = customer_text(&state, &actor, &values).await;
            form_page(
                &state, &ctx, &actor, l, &values, customer, None, notice, nav,
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /leads/{id}`: saves the form (with the version it was read at).
pub async fn update_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let nav = form.get("nav").unwrap_or_default();
    let l = match load(&state, &actor, id).await {
        Ok(l) => l,
        Err(e) => return error_page(&ctx, e),
    };
    let customer = form.get("customer").unwrap_or_default();
    let parsed = patch_from_form(&form, &editable_fields());
    let mut patch = match parsed {
        Ok(p) => p,
        Err(e) => {
            let values = typed_over(&form, &editable_fields(), &l.lead.values());
            return form_page(
                &state,
                &ctx,
                &actor,
                l,
                &values,
                customer,
                Some(&e),
                String::new(),
                nav,
            )
            .await;
        }
    };
    patch.contact_id = Some(customer_of(&customer).0);
    if let Err(e) = add_new_tags(&state.app, &actor, &form, &mut patch).await {
        return error_page(&ctx, e);
    }
    let typed = patch.clone().apply(&l.lead.values());
    let version = form.id("version").unwrap_or(l.lead.version);
    match state
        .app
        .update_lead(&actor, id, version, patch, None)
        .await
    {
        Ok(_) => {
            let q = serde_urlencoded::to_string([("saved", "1"), ("nav", nav.as_str())])
                .unwrap_or_default();
            Redirect::to(&format!("/leads/{id}?{q}")).into_response()
        }
        Err(AppError::Invalid(e)) => {
            form_page(
                &state,
                &ctx,
                &actor,
                l,
                &typed,
                customer,
                Some(&e),
                String::new(),
                nav,
            )
            .await
        }
        Err(AppError::Stale(_)) => {
            let fresh = match load(&state, &actor, id).await {
                Ok(f) => f,
                Err(e) => return error_page(&ctx, e),
            };
            let notice = ctx.tr().t("lead-conflict");
            form_page(
                &state, &ctx, &actor, fresh, &typed, customer, None, notice, nav,
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "leads/new.html")]
pub struct NewPage {
    pub shell: Shell,
    pub pipelines: Vec<(i64, String, bool)>,
    pub sections: Vec<Section>,
    pub other_errors: Vec<String>,
    pub kind: String,
}

async fn new_form(
    state: &AppState,
    ctx: &PageCtx,
    kind: &str,
    pipeline_id: Option<i64>,
    values: &LeadValues,
    customer: String,
    errors: Option<&FieldErrors>,
) -> Response {
    let tr = ctx.tr();
    let opts = LeadOptions::load(&state.app).await;
    let mut sections = sections(tr, &opts, values, &customer);
    let other_errors = errors
        .map(|e| section_errors(&mut sections, e, tr))
        .unwrap_or_default();
    let want = if kind == "lead" { "lead" } else { "deal" };
    let pipelines = state
        .app
        .list_pipelines()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.kind == want)
        .map(|p| (p.id, p.name, Some(p.id) == pipeline_id))
        .collect();
    let page = NewPage {
        shell: ctx.shell(
            if kind == "lead" {
                "leads"
            } else {
                "opportunities"
            },
            tr.t(if kind == "lead" {
                "lead-new"
            } else {
                "opportunity-new"
            }),
        ),
        pipelines,
        sections,
        other_errors,
        kind: kind.to_string(),
    };
    render_form(&page, errors.is_some())
}

/// `GET /leads/new?type=&pipeline=`.
pub async fn new_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let kind = if param(&pairs, "type") == "lead" {
        "lead"
    } else {
        "opportunity"
    };
    let values = LeadValues {
        user_id: Some(actor.user_id),
        ..Default::default()
    };
    new_form(
        &state,
        &ctx,
        kind,
        param(&pairs, "pipeline").parse().ok(),
        &values,
        String::new(),
        None,
    )
    .await
}

/// `POST /leads/new`.
pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let kind = if form.get("type").as_deref() == Some("lead") {
        "lead"
    } else {
        "opportunity"
    };
    let pipeline_id = form.id("pipeline_id");
    let customer = form.get("customer").unwrap_or_default();
    let mut patch = match patch_from_form(&form, &editable_fields()) {
        Ok(p) => p,
        Err(e) => {
            return new_form(
                &state,
                &ctx,
                kind,
                pipeline_id,
                &typed_over(&form, &editable_fields(), &LeadValues::default()),
                customer,
                Some(&e),
            )
            .await;
        }
    };
    if let Err(e) = add_new_tags(&state.app, &actor, &form, &mut patch).await {
        return error_page(&ctx, e);
    }
    let mut values = patch.apply(&LeadValues::default());
    values.contact_id = customer_of(&customer).0;
    let placement = Placement {
        kind: Some(if kind == "lead" {
            LeadType::Lead
        } else {
            LeadType::Opportunity
        }),
        pipeline_id,
        stage_id: None,
    };
    match state
        .app
        .create_lead(&actor, placement, values.clone())
        .await
    {
        Ok(saved) => Redirect::to(&format!("/leads/{}", saved.lead.id)).into_response(),
        Err(AppError::Invalid(e)) => {
            new_form(&state, &ctx, kind, pipeline_id, &values, customer, Some(&e)).await
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /leads/{id}/{action}`: won, reopen, archive, restore, delete.
pub async fn lifecycle_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error_page(&ctx, AppError::NotFound);
    };
    let form = FormData::parse(&body);
    let nav = form.get("nav").unwrap_or_default();
    let result = match action.as_str() {
        "won" => state.app.mark_won(&actor, id).await.map(Some),
        "reopen" => state.app.reopen_lead(&actor, id).await.map(Some),
        "archive" => state
            .app
            .set_lead_archived(&actor, id, true)
            .await
            .map(Some),
        "restore" => state
            .app
            .set_lead_archived(&actor, id, false)
            .await
            .map(Some),
        "delete" => state.app.delete_lead(&actor, id).await.map(|()| None),
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(Some(l)) => {
            let q = serde_urlencoded::to_string([("nav", nav.as_str())]).unwrap_or_default();
            Redirect::to(&format!("/leads/{}?{q}", l.id)).into_response()
        }
        Ok(None) => Redirect::to("/opportunities").into_response(),
        Err(AppError::Invalid(e)) => {
            // Marking won may need the won stage's required fields: ask for them.
            match load(&state, &actor, id).await {
                Ok(l) => {
                    let won = l.pipeline.stages.iter().find(|s| s.is_won).map(|s| s.id);
                    match won {
                        Some(s) => Redirect::to(&format!("/leads/{id}/requirements?stage_id={s}"))
                            .into_response(),
                        None => error_page(&ctx, AppError::Invalid(e)),
                    }
                }
                Err(err) => error_page(&ctx, err),
            }
        }
        Err(e) => error_page(&ctx, e),
    }
}
