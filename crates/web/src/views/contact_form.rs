//! The contact form: create, edit, archive, restore, delete; the duplicate warning; the
//! conflict view that keeps the user's typed values and shows what changed meanwhile.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sen_app::contacts::{ContactView, ListParams};
use sen_app::{Actor, AppError, Current};
use sen_domain::contact::{ContactPatch, ContactValues};
use sen_domain::errors::FieldErrors;
use sen_store::contacts::Duplicate;

use super::contacts::{param, query_pairs};
use super::display::{Names, company_ids, format_time};
use super::forms::{FieldView, FormData, Section, attach_errors};
use super::page::{PageCtx, PageId, Shell, Signed, error_page, render};

use crate::i18n::Tr;
use crate::state::AppState;
use sen_app::timeline::TimelineItem;
use sen_domain::activity::RecordType;

use super::chatter::TimelineRow;

#[derive(Template)]
#[template(path = "contacts/form.html")]
pub struct FormPage {
    pub shell: Shell,
    pub id: i64,
    pub heading: String,
    pub version: i64,
    pub sections: Vec<Section>,
    pub other_errors: Vec<String>,
    pub can_edit: bool,
    pub can_delete: bool,
    pub archived: bool,
    pub duplicates: Vec<(i64, String, String)>,
    /// On a conflict: (field label, value now saved, your value).
    pub conflict: Vec<(String, String, String)>,
    /// The conversation panel (follow, composer, timeline), rendered.
    pub chatter: String,
    /// For a company: the people who work there (id, name, job position).
    pub people: Vec<(i64, String, String)>,
    pub notice: String,
    /// Open activities (the record's panel).
    pub activities: Vec<super::activities::ActivityRow>,
    pub back: String,
    pub one_click: bool,
}

async fn options(
    state: &AppState,
    tr: Tr<'_>,
    v: &ContactValues,
    own_id: i64,
) -> (
    Vec<(String, String, bool)>,
    Vec<(String, String, bool)>,
    Vec<(String, String, bool)>,
) {
    let mut companies = vec![(
        String::new(),
        tr.t("contacts-no-company"),
        v.company_id.is_none(),
    )];
    if let Ok(actor) = state.app.system_actor().await {
        let params = ListParams {
            filter: Some("is_company".into()),
            limit: Some(500),
            ..Default::default()
        };
        if let Ok(page) = state.app.list_contacts(&actor, &params).await {
            companies.extend(
                page.items
                    .into_iter()
                    .filter(|c| c.id != own_id)
                    .map(|c| (c.id.to_string(), c.name, Some(c.id) == v.company_id)),
            );
        }
    }
    let mut owners = vec![(
        String::new(),
        tr.t("contacts-no-owner"),
        v.owner_id.is_none(),
    )];
    owners.extend(
        state
            .app
            .user_names()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(id, n)| (id.to_string(), n, Some(id) == v.owner_id)),
    );
    let tags = state
        .app
        .list_tags()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.id.to_string(), t.name, v.tag_ids.contains(&t.id)))
        .collect();
    (companies, owners, tags)
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

async fn sections(state: &AppState, tr: Tr<'_>, v: &ContactValues, own_id: i64) -> Vec<Section> {
    let (companies, owners, tags) = options(state, tr, v, own_id).await;
    let f = |name: &'static str, kind: &'static str, value: String| {
        FieldView::new(
            name,
            tr.t(&format!("contact-{}", name.replace('_', "-"))),
            kind,
            value,
        )
    };
    vec![
        Section {
            title: tr.t("contact-section-identity"),
            fields: vec![
                f("name", "text", v.name.clone()).required(),
                f("is_company", "checkbox", v.is_company.to_string()),
                f("company_id", "select", String::new()).options(companies),
                f("salutation", "text", text(&v.salutation)).hint(tr.t("contact-salutation-hint")),
                f("job_position", "text", text(&v.job_position)),
            ],
        },
        Section {
            title: tr.t("contact-section-reach"),
            fields: vec![
                f("email", "email", text(&v.email)),
                f("phone", "tel", text(&v.phone)),
                f("mobile", "tel", text(&v.mobile)),
                f("website", "url", text(&v.website)),
            ],
        },
        Section {
            title: tr.t("contact-section-address"),
            fields: vec![
                f("street", "text", text(&v.street)),
                f("ward", "text", text(&v.ward)),
                f("district", "text", text(&v.district)).hint(tr.t("contact-district-hint")),
                f("city", "text", text(&v.city)),
                f("country", "text", text(&v.country)),
            ],
        },
        Section {
            title: tr.t("contact-section-more"),
            fields: vec![
                f("owner_id", "select", String::new()).options(owners),
                f("tag_ids", "multi", String::new()).options(tags),
                f("new_tags", "text", String::new()).hint(tr.t("contact-new-tags-hint")),
                f("notes", "textarea", text(&v.notes)),
            ],
        },
    ]
}

fn values_from_form(f: &FormData) -> ContactValues {
    let values = ContactValues {
        name: f.get("name").unwrap_or_default(),
        is_company: f.checked("is_company"),
        company_id: f.id("company_id"),
        salutation: f.get("salutation"),
        job_position: f.get("job_position"),
        email: f.get("email"),
        phone: f.get("phone"),
        mobile: f.get("mobile"),
        website: f.get("website"),
        street: f.get("street"),
        ward: f.get("ward"),
        district: f.get("district"),
        city: f.get("city"),
        country: f.get("country"),
        owner_id: f.id("owner_id"),
        notes: f.get("notes"),
        tag_ids: f
            .all("tag_ids")
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect(),
    };
    values.cleaned()
}

fn full_patch(v: ContactValues) -> ContactPatch {
    ContactPatch {
        name: Some(v.name),
        is_company: Some(v.is_company),
        company_id: Some(v.company_id),
        salutation: Some(v.salutation),
        job_position: Some(v.job_position),
        email: Some(v.email),
        phone: Some(v.phone),
        mobile: Some(v.mobile),
        website: Some(v.website),
        street: Some(v.street),
        ward: Some(v.ward),
        district: Some(v.district),
        city: Some(v.city),
        country: Some(v.country),
        owner_id: Some(v.owner_id),
        notes: Some(v.notes),
        tag_ids: Some(v.tag_ids),
    }
}

fn duplicate_rows(tr: Tr<'_>, d: &[Duplicate]) -> Vec<(i64, String, String)> {
    d.iter()
        .map(|d| {
            let reason = serde_json::to_value(d.reason)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            (
                d.id,
                d.name.clone(),
                tr.t(&format!("contacts-duplicate-{reason}")),
            )
        })
        .collect()
}

struct FormState<'a> {
    values: ContactValues,
    id: i64,
    version: i64,
    errors: Option<&'a FieldErrors>,
    duplicates: Vec<Duplicate>,
    conflict: Option<&'a ContactView>,
    notice: String,
}

async fn form_page(state: &AppState, ctx: &PageCtx, actor: &Actor, s: FormState<'_>) -> Response {
    let tr = ctx.tr();
    let mut secs = sections(state, tr, &s.values, s.id).await;
    let mut other_errors = Vec::new();
    if let Some(e) = s.errors {
        for sec in secs.iter_mut() {
            other_errors.extend(attach_errors(&mut sec.fields, e, tr));
        }
        other_errors.retain(|m| {
            !secs
                .iter()
                .flat_map(|s| &s.fields)
                .any(|f| m.starts_with(&format!("{}:", f.name)))
        });
    }
    let mut people = Vec::new();
    let (can_edit, can_delete, archived, heading, chatter) = if s.id == 0 {
        (true, false, false, tr.t("contacts-new"), String::new())
    } else {
        let (edit, delete) = state
            .app
            .can_edit_contact(actor, s.id)
            .await
            .unwrap_or((false, false));
        let current = match state.app.get_contact(actor, s.id).await {
            Ok(c) => c,
            Err(e) => return error_page(ctx, e),
        };
        if current.is_company {
            let params = ListParams {
                filter: Some(format!("company_id = {}", s.id)),
                limit: Some(100),
                ..Default::default()
            };
            if let Ok(page) = state.app.list_contacts(actor, &params).await {
                people = page
                    .items
                    .into_iter()
                    .map(|p| (p.id, p.name, p.job_position.unwrap_or_default()))
                    .collect();
            }
        }
        let items = state
            .app
            .record_timeline(actor, RecordType::Contact, s.id, Some(50), None)
            .await
            .map(|(items, _)| items)
            .unwrap_or_default();
        let names = Names::load(
            &state.app,
            actor,
            company_ids(items.iter().flat_map(|i| match i {
                TimelineItem::Change(h) => vec![
                    (h.field.as_str(), h.old_value.as_deref()),
                    (h.field.as_str(), h.new_value.as_deref()),
                ],
                _ => vec![],
            })),
        )
        .await;
        let posts = super::activities::Names::load(state).await;
        let users = state.app.user_names().await.unwrap_or_default();
        let rows = items
            .iter()
            .filter_map(|item| {
                let (what, by, at, body, kind) = match item {
                    TimelineItem::Change(h) => (
                        match h.field.as_str() {
                            "created" => tr.t("history-created"),
                            field => format!(
                                "{}: {} → {}",
                                tr.t(&format!("contact-{}", field.replace('_', "-"))),
                                names.value(tr, field, h.old_value.as_deref()),
                                names.value(tr, field, h.new_value.as_deref())
                            ),
                        },
                        h.changed_by,
                        h.changed_at,
                        String::new(),
                        "change".to_string(),
                    ),
                    post => match super::chatter::post_parts(tr, &posts, &actor.time_zone, post) {
                        Some(p) => (p.what, p.by, p.at, p.body, p.kind),
                        None => return None,
                    },
                };
                let when = format_time(at, &actor.time_zone, ctx.lang);
                let who = by
                    .and_then(|b| users.iter().find(|(u, _)| *u == b))
                    .map(|(_, n)| n.clone());
                Some(TimelineRow {
                    what,
                    when: match who {
                        Some(w) => format!("{w}, {when}"),
                        None => when,
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
                record_type: RecordType::Contact,
                id: s.id,
                email_to: current.email.clone(),
                can_edit: edit,
            },
            rows,
        )
        .await;
        (
            edit,
            delete,
            current.archived_at.is_some(),
            current.name,
            chatter,
        )
    };
    let conflict = match s.conflict {
        Some(theirs) => {
            let diff = theirs.values().diff(&s.values);
            let ids = company_ids(
                diff.iter()
                    .flat_map(|(f, a, b)| [(*f, a.as_deref()), (*f, b.as_deref())]),
            );
            let names = Names::load(&state.app, actor, ids).await;
            diff.iter()
                .map(|(field, now, yours)| {
                    (
                        tr.t(&format!("contact-{}", field.replace('_', "-"))),
                        names.value(tr, field, now.as_deref()),
                        names.value(tr, field, yours.as_deref()),
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    let status = if s.conflict.is_some() {
        StatusCode::CONFLICT
    } else if s.errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let activities = if s.id == 0 {
        Vec::new()
    } else {
        super::activities::record_rows(state, ctx, actor, RecordType::Contact, s.id).await
    };
    let page = FormPage {
        shell: ctx.shell("contacts", heading.clone()),
        id: s.id,
        heading,
        version: s.version,
        sections: secs,
        other_errors,
        can_edit,
        can_delete,
        archived,
        duplicates: duplicate_rows(tr, &s.duplicates),
        conflict,
        chatter,
        people,
        notice: s.notice,
        activities,
        back: format!("/contacts/{}", s.id),
        one_click: false,
    };
    (status, render(&page)).into_response()
}

pub async fn new_page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    let values = ContactValues {
        owner_id: Some(actor.user_id),
        ..Default::default()
    };
    form_page(
        &state,
        &ctx,
        &actor,
        FormState {
            values,
            id: 0,
            version: 0,
            errors: None,
            duplicates: vec![],
            conflict: None,
            notice: String::new(),
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "contacts/duplicates.html")]
pub struct DuplicatesFragment {
    pub shell: Shell,
    pub duplicates: Vec<(i64, String, String)>,
}

/// The duplicate warning, refreshed by htmx while the name, e-mail or phones are typed.
pub async fn check_duplicates(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    uri: Uri,
) -> Response {
    let pairs = query_pairs(&uri);
    let text = |k: &str| Some(param(&pairs, k)).filter(|v| !v.is_empty());
    let values = ContactValues {
        name: param(&pairs, "name"),
        email: text("email"),
        phone: text("phone"),
        mobile: text("mobile"),
        ..Default::default()
    };
    let exclude = param(&pairs, "exclude")
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0);
    let found = state
        .app
        .possible_duplicates(&actor, &values, exclude)
        .await
        .unwrap_or_default();
    let tr = ctx.tr();
    render(&DuplicatesFragment {
        shell: ctx.shell("contacts", String::new()),
        duplicates: duplicate_rows(tr, &found),
    })
}

/// Adds the tags typed into "new tags" (comma separated), creating them as needed.
async fn with_new_tags(
    state: &AppState,
    actor: &Actor,
    f: &FormData,
    mut values: ContactValues,
) -> Result<ContactValues, AppError> {
    let names: Vec<String> = f
        .get("new_tags")
        .unwrap_or_default()
        .split([',', '，', '、'])
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    if !names.is_empty() {
        values
            .tag_ids
            .extend(state.app.ensure_tags(actor, &names).await?);
    }
    Ok(values.cleaned())
}

pub async fn create_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let values = values_from_form(&f);
    let result = match with_new_tags(&state, &actor, &f, values.clone()).await {
        Ok(v) => state.app.create_contact(&actor, v).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(saved) => {
            Redirect::to(&format!("/contacts/{}?created=1", saved.contact.id)).into_response()
        }
        Err(AppError::Invalid(e)) => {
            form_page(
                &state,
                &ctx,
                &actor,
                FormState {
                    values,
                    id: 0,
                    version: 0,
                    errors: Some(&e),
                    duplicates: vec![],
                    conflict: None,
                    notice: String::new(),
                },
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

pub async fn show_page(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    uri: Uri,
) -> Response {
    let c = match state.app.get_contact(&actor, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&ctx, e),
    };
    let duplicates = state
        .app
        .contact_duplicates(&actor, id)
        .await
        .unwrap_or_default();
    let pairs = query_pairs(&uri);
    let notice = ["created", "saved", "restored", "archived"]
        .iter()
        .find(|k| !param(&pairs, k).is_empty())
        .map(|k| ctx.tr().t(&format!("contacts-notice-{k}")))
        .unwrap_or_default();
    form_page(
        &state,
        &ctx,
        &actor,
        FormState {
            values: c.values(),
            id,
            version: c.version,
            errors: None,
            duplicates,
            conflict: None,
            notice,
        },
    )
    .await
}

pub async fn update_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    PageId(id): PageId,
    body: Bytes,
) -> Response {
    let f = FormData::parse(&body);
    let version = f.id("version").unwrap_or(0);
    let values = values_from_form(&f);
    let result = match with_new_tags(&state, &actor, &f, values.clone()).await {
        Ok(v) => {
            state
                .app
                .update_contact(&actor, id, version, full_patch(v))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/contacts/{id}?saved=1")).into_response(),
        Err(AppError::Invalid(e)) => {
            form_page(
                &state,
                &ctx,
                &actor,
                FormState {
                    values,
                    id,
                    version,
                    errors: Some(&e),
                    duplicates: vec![],
                    conflict: None,
                    notice: String::new(),
                },
            )
            .await
        }
        // Keep what the user typed, show what changed meanwhile, and carry the new version
        // so "Save my version" reapplies the edit on top of it.
        Err(AppError::Stale(Current::Contact(current))) => {
            let notice = ctx.tr().t("contacts-conflict");
            let v = current.version;
            form_page(
                &state,
                &ctx,
                &actor,
                FormState {
                    values,
                    id,
                    version: v,
                    errors: None,
                    duplicates: vec![],
                    conflict: Some(&current),
                    notice,
                },
            )
            .await
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// Archive, restore or delete, from the buttons of the contact page.
pub async fn lifecycle_submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error_page(&ctx, AppError::NotFound);
    };
    let result = match action.as_str() {
        "archive" => state
            .app
            .set_contact_archived(&actor, id, true)
            .await
            .map(|_| format!("/contacts/{id}?archived=1")),
        "restore" => state
            .app
            .set_contact_archived(&actor, id, false)
            .await
            .map(|_| format!("/contacts/{id}?restored=1")),
        "delete" => state
            .app
            .delete_contact(&actor, id)
            .await
            .map(|_| "/contacts?chip=all".to_string()),
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => error_page(&ctx, e),
    }
}
