//! Leads and opportunities (`/api/v1/leads`): list, create, read, update (with `stage_id`
//! to move), the lifecycle actions, duplicates and the timeline of tracked changes.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use sen_app::leads::{Placement, SavedLead};
use sen_domain::lead::{LeadPatch, LeadType, LeadValues};
use sen_domain::money::{Money, MoneyError};
use sen_store::leads::{Lead, LeadDuplicate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ListQuery;
use super::teams::required_version;
use crate::extract::{Auth, IdPath, JsonBody, Patch};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// Money as the API writes it: an exact decimal string and an ISO 4217 currency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MoneyJson {
    /// A decimal string, e.g. "78000" or "1234.50".
    pub amount: String,
    pub currency: String,
}

impl From<Money> for MoneyJson {
    fn from(m: Money) -> Self {
        MoneyJson {
            amount: m.amount(),
            currency: m.currency.code(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadDuplicateOut {
    pub id: i64,
    pub number: String,
    pub name: String,
    /// `email`, `phone` or `name` (same folded name and company).
    pub reason: String,
}

impl From<LeadDuplicate> for LeadDuplicateOut {
    fn from(d: LeadDuplicate) -> Self {
        LeadDuplicateOut {
            id: d.id,
            number: d.number,
            name: d.name,
            reason: d.reason.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadOut {
    pub id: i64,
    pub number: String,
    /// `lead` or `opportunity`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub pipeline_id: i64,
    pub stage_id: i64,
    /// `open`, `won`, `lost` or `unqualified`.
    pub outcome: String,
    pub outcome_reason_id: Option<i64>,
    pub feedback: Option<String>,
    pub user_id: Option<i64>,
    pub team_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub company_name: Option<String>,
    pub contact_name: Option<String>,
    pub salutation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub job_position: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub priority: i64,
    pub color: i64,
    pub tag_ids: Vec<i64>,
    pub expected_revenue: Option<MoneyJson>,
    pub probability: i64,
    /// Expected revenue × probability.
    pub weighted_revenue: Option<MoneyJson>,
    pub expected_closing: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub source_id: Option<i64>,
    pub medium_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub referred_by: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Object)]
    pub custom: serde_json::Value,
    pub assigned_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    pub converted_by: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<i64>,
    pub stage_changed_at: DateTime<Utc>,
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
    /// The state of the most urgent open activity (`overdue`, `today`, `planned`), in its
    /// assignee's time zone; null without one.
    pub activity_state: Option<String>,
    /// The due date of that activity.
    pub next_activity: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<Vec<LeadDuplicateOut>>,
}

impl From<Lead> for LeadOut {
    fn from(l: Lead) -> Self {
        let money = l.expected_revenue();
        let activity_state = l
            .activity_state(sen_app::clock::now())
            .map(|s| s.as_str().to_string());
        LeadOut {
            expected_revenue: money.map(MoneyJson::from),
            weighted_revenue: money.map(|m| m.percent(l.probability).into()),
            id: l.id,
            number: l.number,
            kind: l.kind,
            name: l.name,
            pipeline_id: l.pipeline_id,
            stage_id: l.stage_id,
            outcome: l.outcome,
            outcome_reason_id: l.outcome_reason_id,
            feedback: l.feedback,
            user_id: l.user_id,
            team_id: l.team_id,
            contact_id: l.contact_id,
            company_name: l.company_name,
            contact_name: l.contact_name,
            salutation: l.salutation,
            email: l.email,
            phone: l.phone,
            mobile: l.mobile,
            job_position: l.job_position,
            website: l.website,
            street: l.street,
            ward: l.ward,
            district: l.district,
            city: l.city,
            country: l.country,
            priority: l.priority,
            color: l.color,
            tag_ids: l.tag_ids,
            probability: l.probability,
            expected_closing: l.expected_closing,
            due_date: l.due_date,
            source_id: l.source_id,
            medium_id: l.medium_id,
            campaign_id: l.campaign_id,
            referred_by: l.referred_by,
            description: l.description,
            custom: l.custom.0,
            assigned_at: l.assigned_at,
            converted_at: l.converted_at,
            converted_by: l.converted_by,
            closed_at: l.closed_at,
            closed_by: l.closed_by,
            stage_changed_at: l.stage_changed_at,
            version: l.version,
            archived_at: l.archived_at,
            created_at: l.created_at,
            created_by: l.created_by,
            updated_at: l.updated_at,
            updated_by: l.updated_by,
            activity_state,
            next_activity: l.activity_due,
            duplicates: None,
        }
    }
}

impl From<SavedLead> for LeadOut {
    fn from(s: SavedLead) -> Self {
        let mut out = LeadOut::from(s.lead);
        out.duplicates = Some(
            s.duplicates
                .into_iter()
                .map(LeadDuplicateOut::from)
                .collect(),
        );
        out
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadList {
    pub items: Vec<LeadOut>,
    pub next_cursor: Option<String>,
    /// Every match; for a free-text search (`q`) at most 1,000, see `total_capped`.
    pub total: i64,
    /// True when a free-text search matched more than the 1,000 it counts.
    pub total_capped: bool,
}

/// The editable fields, shared by create and update bodies.
macro_rules! lead_body {
    ($(#[$m:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Deserialize, ToSchema)]
        pub struct $name {
            $($extra)*
            pub name: Option<String>,
            #[serde(default)] #[schema(value_type = Option<i64>)] pub user_id: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<i64>)] pub team_id: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<i64>)] pub contact_id: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub company_name: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub contact_name: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub salutation: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub email: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub phone: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub mobile: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub job_position: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub website: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub street: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub ward: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub district: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub city: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub country: Patch<String>,
            /// 0–3 stars.
            pub priority: Option<i64>,
            pub color: Option<i64>,
            pub tag_ids: Option<Vec<i64>>,
            #[serde(default)] #[schema(value_type = Option<MoneyJson>)] pub expected_revenue: Patch<MoneyJson>,
            /// 0–100; null follows the stage's default.
            #[serde(default)] #[schema(value_type = Option<i64>)] pub probability: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<NaiveDate>)] pub expected_closing: Patch<NaiveDate>,
            #[serde(default)] #[schema(value_type = Option<NaiveDate>)] pub due_date: Patch<NaiveDate>,
            #[serde(default)] #[schema(value_type = Option<i64>)] pub source_id: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<i64>)] pub medium_id: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<i64>)] pub campaign_id: Patch<i64>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub referred_by: Patch<String>,
            #[serde(default)] #[schema(value_type = Option<String>)] pub description: Patch<String>,
            /// Dynamic fields (a JSON object).
            #[schema(value_type = Option<Object>)]
            pub custom: Option<serde_json::Map<String, serde_json::Value>>,
        }
    };
}

lead_body!(LeadIn {
    /// `lead` (default) or `opportunity`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: Option<String>,
    pub pipeline_id: Option<i64>,
    pub stage_id: Option<i64>,
});

lead_body!(
    /// Only the fields that change, plus the `version` last read; `stage_id` moves the record.
    LeadPatchIn {
        pub version: Option<i64>,
        pub stage_id: Option<i64>,
    }
);

fn money(field: &str, m: MoneyJson) -> ApiResult<Money> {
    Money::parse(&m.amount, &m.currency).map_err(|e| {
        let why = match e {
            MoneyError::NotANumber => {
                "amount must be a decimal string such as \"78000\" or \"1234.50\"".to_string()
            }
            MoneyError::TooPrecise { max_decimals } => {
                format!("{} allows {max_decimals} decimals", m.currency)
            }
            MoneyError::Negative => "must not be negative".into(),
            MoneyError::TooLarge => "too large".into(),
            MoneyError::UnknownCurrency => format!("`{}` is not an ISO 4217 currency", m.currency),
        };
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field(field, why)
    })
}

fn money_change(p: Patch<MoneyJson>) -> ApiResult<Option<Option<Money>>> {
    Ok(match p {
        Patch::Absent => None,
        Patch::Null => Some(None),
        Patch::Value(m) => Some(Some(money("expected_revenue", m)?)),
    })
}

macro_rules! to_patch {
    ($b:ident, $revenue:expr) => {
        LeadPatch {
            name: $b.name,
            user_id: $b.user_id.into_change(),
            team_id: $b.team_id.into_change(),
            contact_id: $b.contact_id.into_change(),
            company_name: $b.company_name.into_change(),
            contact_name: $b.contact_name.into_change(),
            salutation: $b.salutation.into_change(),
            email: $b.email.into_change(),
            phone: $b.phone.into_change(),
            mobile: $b.mobile.into_change(),
            job_position: $b.job_position.into_change(),
            website: $b.website.into_change(),
            street: $b.street.into_change(),
            ward: $b.ward.into_change(),
            district: $b.district.into_change(),
            city: $b.city.into_change(),
            country: $b.country.into_change(),
            priority: $b.priority,
            color: $b.color,
            tag_ids: $b.tag_ids,
            expected_revenue: $revenue,
            probability: $b.probability.into_change(),
            expected_closing: $b.expected_closing.into_change(),
            due_date: $b.due_date.into_change(),
            source_id: $b.source_id.into_change(),
            medium_id: $b.medium_id.into_change(),
            campaign_id: $b.campaign_id.into_change(),
            referred_by: $b.referred_by.into_change(),
            description: $b.description.into_change(),
            custom: $b.custom,
        }
    };
}

/// Leads and opportunities the caller may see: `q`, `filter` (e.g. `type = "opportunity"
/// and stage.is_won = false`), `sort`, `limit`, `cursor`.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(ListQuery),
    responses((status = 200, description = "OK", body = LeadList), (status = 400, description = "Malformed request or query (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    query: ListQuery,
) -> ApiResult<Json<LeadList>> {
    let page = state.app.list_leads(auth.actor(), &query.params()?).await?;
    Ok(Json(LeadList {
        items: page.items.into_iter().map(LeadOut::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

/// Create a lead or opportunity; defaults: salesperson = you, team from the salesperson,
/// the team's (else the first) pipeline of the kind, its first stage, the stage's probability.
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = LeadIn,
    responses((status = 201, description = "Created", body = LeadOut), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 400, description = "Malformed request or query (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<LeadIn>,
) -> ApiResult<Response> {
    let kind = match b.kind.as_deref() {
        None => None,
        Some(k) => Some(LeadType::parse(k).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "The request has invalid fields",
            )
            .field("type", "choose lead or opportunity")
        })?),
    };
    let placement = Placement {
        kind,
        pipeline_id: b.pipeline_id,
        stage_id: b.stage_id,
    };
    let me = auth.actor().user_id;
    let user_id = match &b.user_id {
        Patch::Absent => Some(me),
        Patch::Null => None,
        Patch::Value(v) => Some(*v),
    };
    let revenue = money_change(b.expected_revenue.clone())?;
    let patch = to_patch!(b, revenue);
    let values = LeadPatch {
        user_id: Some(user_id),
        ..patch
    }
    .apply(&LeadValues::default());
    let saved = state
        .app
        .create_lead(auth.actor(), placement, values)
        .await?;
    let location = format!("/api/v1/leads/{}", saved.lead.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(LeadOut::from(saved)),
    )
        .into_response())
}

/// One lead or opportunity.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<LeadOut>> {
    Ok(Json(state.app.get_lead(auth.actor(), id).await?.into()))
}

/// Change a record; `stage_id` moves it (422 listing missing fields when the stage requires
/// them; a won stage wins it). Needs `version` (409 with `current` when stale).
#[utoipa::path(patch, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = i64, Path)), request_body = LeadPatchIn,
    responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 409, description = "Stale version, with `current` (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<LeadPatchIn>,
) -> ApiResult<Json<LeadOut>> {
    let version = required_version(b.version)?;
    let stage_id = b.stage_id;
    let revenue = money_change(b.expected_revenue.clone())?;
    let patch = to_patch!(b, revenue);
    Ok(Json(
        state
            .app
            .update_lead(auth.actor(), id, version, patch, stage_id)
            .await?
            .into(),
    ))
}

/// Delete a record for good (managers and admins).
#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_lead(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LostIn {
    pub reason_id: Option<i64>,
    pub feedback: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UnqualifiedIn {
    pub reason_id: Option<i64>,
}

macro_rules! action {
    ($fn:ident, $path:literal, $doc:literal, |$state:ident, $actor:ident, $id:ident| $call:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "leads", params(("id" = i64, Path)),
            responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
                      (status = 409, description = "Not possible in the record's state (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
                      (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
        pub async fn $fn(State($state): State<AppState>, auth: Auth, IdPath($id): IdPath) -> ApiResult<Json<LeadOut>> {
            let $actor = auth.actor();
            Ok(Json($call.await?.into()))
        }
    };
}

action!(
    won,
    "/api/v1/leads/{id}/won",
    "Mark won: the record moves to its pipeline's won stage.",
    |state, actor, id| state.app.mark_won(actor, id)
);
action!(
    reopen,
    "/api/v1/leads/{id}/reopen",
    "Open a won, lost or unqualified record again.",
    |state, actor, id| state.app.reopen_lead(actor, id)
);
action!(
    archive,
    "/api/v1/leads/{id}/archive",
    "Archive (hidden from lists unless the filter asks).",
    |state, actor, id| state.app.set_lead_archived(actor, id, true)
);
action!(
    restore,
    "/api/v1/leads/{id}/restore",
    "Restore an archived record.",
    |state, actor, id| state.app.set_lead_archived(actor, id, false)
);

/// Mark lost with a reason (required when the pipeline says so) and feedback.
#[utoipa::path(post, path = "/api/v1/leads/{id}/lost", tag = "leads", params(("id" = i64, Path)), request_body = LostIn,
    responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 409, description = "Not possible in the record's state (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn lost(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<LostIn>,
) -> ApiResult<Json<LeadOut>> {
    Ok(Json(
        state
            .app
            .mark_lost(auth.actor(), id, b.reason_id, b.feedback)
            .await?
            .into(),
    ))
}

/// Mark unqualified (it may come back, unlike lost).
#[utoipa::path(post, path = "/api/v1/leads/{id}/unqualified", tag = "leads", params(("id" = i64, Path)), request_body = UnqualifiedIn,
    responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 409, description = "Not possible in the record's state (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn unqualified(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<UnqualifiedIn>,
) -> ApiResult<Json<LeadOut>> {
    Ok(Json(
        state
            .app
            .mark_unqualified(auth.actor(), id, b.reason_id)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeadDuplicateList {
    pub items: Vec<LeadDuplicateOut>,
}

/// Live records (that you may see) looking like this one, each with why.
#[utoipa::path(get, path = "/api/v1/leads/{id}/duplicates", tag = "leads", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = LeadDuplicateList), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn duplicates(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<LeadDuplicateList>> {
    let items = state.app.lead_duplicates(auth.actor(), id).await?;
    Ok(Json(LeadDuplicateList {
        items: items.into_iter().map(LeadDuplicateOut::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CustomerIn {
    /// `link`, `create` or `none`.
    pub mode: Option<String>,
    /// With `link`: the contact to link.
    pub contact_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConvertIn {
    /// `convert` (default) or `merge` (with `merge_with` first).
    pub action: Option<String>,
    pub merge_with: Option<Vec<i64>>,
    pub pipeline_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub user_id: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub team_id: Patch<i64>,
    pub customer: Option<CustomerIn>,
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
        "The request has invalid fields",
    )
    .field(field, message)
}

/// Convert a lead into an opportunity (optionally merging chosen duplicates first): in the
/// named deal pipeline, else the team's, in its first stage; customer linked, created from
/// the lead (company and person), or none. Closed leads are refused (409).
#[utoipa::path(post, path = "/api/v1/leads/{id}/convert", tag = "leads", params(("id" = i64, Path)), request_body = ConvertIn,
    responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem),
              (status = 409, description = "Closed, or already an opportunity (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn convert(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<ConvertIn>,
) -> ApiResult<Json<LeadOut>> {
    let merge_with = b.merge_with.unwrap_or_default();
    match b.action.as_deref() {
        None | Some("convert") => {}
        Some("merge") if !merge_with.is_empty() => {}
        Some("merge") => return Err(invalid("merge_with", "name the duplicates to merge")),
        Some(_) => return Err(invalid("action", "choose convert or merge")),
    }
    let customer = match b.customer {
        None => sen_app::convert::Customer::None,
        Some(c) => match (c.mode.as_deref(), c.contact_id) {
            (Some("link"), Some(id)) => sen_app::convert::Customer::Link(id),
            (Some("link"), None) => {
                return Err(invalid("customer.contact_id", "required with mode link"));
            }
            (Some("create"), _) => sen_app::convert::Customer::Create,
            (Some("none") | None, _) => sen_app::convert::Customer::None,
            (Some(_), _) => return Err(invalid("customer.mode", "choose link, create or none")),
        },
    };
    let input = sen_app::convert::ConvertInput {
        merge_with,
        pipeline_id: b.pipeline_id,
        user_id: b.user_id.into_change(),
        team_id: b.team_id.into_change(),
        customer,
    };
    Ok(Json(
        state
            .app
            .convert_lead(auth.actor(), id, input)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeIn {
    /// Two or more records, each once.
    pub ids: Option<Vec<i64>>,
    /// The record to keep (else the best ranked: open, opportunity, later stage, higher probability, older).
    pub keep_id: Option<i64>,
}

/// Merge duplicates into one record (fields fill from the others, tags united, highest
/// priority, descriptions joined, history moved); the others are deleted.
#[utoipa::path(post, path = "/api/v1/leads/merge", tag = "leads", request_body = MergeIn,
    responses((status = 200, description = "OK", body = LeadOut), (status = 404, description = "A record does not exist or you may not see it (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<MergeIn>,
) -> ApiResult<Json<LeadOut>> {
    let ids = b.ids.unwrap_or_default();
    Ok(Json(
        state
            .app
            .merge_leads(auth.actor(), &ids, b.keep_id)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkIn {
    /// 1 to 1,000 record ids.
    pub ids: Option<Vec<i64>>,
    /// `assign`, `tag`, `untag`, `stage`, `archive`, `restore` or `delete`.
    pub action: Option<String>,
    /// With `assign` (null unassigns).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub user_id: Patch<i64>,
    /// With `assign` (null clears).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub team_id: Patch<i64>,
    /// With `tag` / `untag`.
    pub tag_id: Option<i64>,
    /// With `stage`.
    pub stage_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub id: i64,
    pub ok: bool,
    /// The status this record alone would have answered.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOut {
    pub results: Vec<BulkResult>,
    pub succeeded: i64,
    pub failed: i64,
}

/// Run one action on many records; each record succeeds or fails on its own.
#[utoipa::path(post, path = "/api/v1/leads/bulk", tag = "leads", request_body = BulkIn,
    responses((status = 200, description = "OK, with a result per id", body = BulkOut), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn bulk(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<BulkIn>,
) -> ApiResult<Json<BulkOut>> {
    use sen_app::bulk::BulkAction;
    let need =
        |field: &str, v: Option<i64>| v.ok_or_else(|| invalid(field, "required with this action"));
    let action = match b.action.as_deref() {
        Some("assign") => {
            let (user_id, team_id) = (b.user_id.into_change(), b.team_id.into_change());
            if user_id.is_none() && team_id.is_none() {
                return Err(invalid("user_id", "give user_id and/or team_id"));
            }
            BulkAction::Assign { user_id, team_id }
        }
        Some("tag") => BulkAction::AddTag(need("tag_id", b.tag_id)?),
        Some("untag") => BulkAction::RemoveTag(need("tag_id", b.tag_id)?),
        Some("stage") => BulkAction::MoveStage(need("stage_id", b.stage_id)?),
        Some("archive") => BulkAction::Archive,
        Some("restore") => BulkAction::Restore,
        Some("delete") => BulkAction::Delete,
        _ => {
            return Err(invalid(
                "action",
                "choose assign, tag, untag, stage, archive, restore or delete",
            ));
        }
    };
    let ids = b.ids.unwrap_or_default();
    let results = state.app.bulk_leads(auth.actor(), &ids, &action).await?;
    let results: Vec<BulkResult> = results
        .into_iter()
        .map(|(id, r)| match r {
            Ok(()) => BulkResult {
                id,
                ok: true,
                status: 200,
                error: None,
            },
            Err(e) => {
                let api = ApiError::from(e);
                BulkResult {
                    id,
                    ok: false,
                    status: api.status.as_u16(),
                    error: Some(*api.problem),
                }
            }
        })
        .collect();
    let succeeded = results.iter().filter(|r| r.ok).count() as i64;
    Ok(Json(BulkOut {
        failed: results.len() as i64 - succeeded,
        succeeded,
        results,
    }))
}
