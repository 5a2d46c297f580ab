//! Contacts (R1.8): persons and companies.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sen_app::contacts::{ContactView, Saved};
use sen_domain::contact::{ContactPatch, ContactValues};
use sen_store::contacts::Duplicate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ListQuery;
use crate::extract::{Auth, IdPath, JsonBody, Patch};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateOut {
    pub id: i64,
    pub name: String,
    /// `email`, `phone` or `name`.
    pub reason: String,
}

impl From<Duplicate> for DuplicateOut {
    fn from(d: Duplicate) -> Self {
        let reason = serde_json::to_value(d.reason)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        DuplicateOut {
            id: d.id,
            name: d.name,
            reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactOut {
    pub id: i64,
    pub name: String,
    pub is_company: bool,
    pub company_id: Option<i64>,
    /// The company's name (read only).
    pub company_name: Option<String>,
    pub salutation: Option<String>,
    pub job_position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub tag_ids: Vec<i64>,
    pub owner_id: Option<i64>,
    pub notes: Option<String>,
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
    /// On create and update: existing contacts that look like this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<Vec<DuplicateOut>>,
}

impl From<ContactView> for ContactOut {
    fn from(c: ContactView) -> Self {
        ContactOut {
            id: c.id,
            name: c.name,
            is_company: c.is_company,
            company_id: c.company_id,
            company_name: c.company_name,
            salutation: c.salutation,
            job_position: c.job_position,
            email: c.email,
            phone: c.phone,
            mobile: c.mobile,
            website: c.website,
            street: c.street,
            ward: c.ward,
            district: c.district,
            city: c.city,
            country: c.country,
            tag_ids: c.tag_ids,
            owner_id: c.owner_id,
            notes: c.notes,
            version: c.version,
            archived_at: c.archived_at,
            created_at: c.created_at,
            created_by: c.created_by,
            updated_at: c.updated_at,
            updated_by: c.updated_by,
            duplicates: None,
        }
    }
}

impl From<Saved> for ContactOut {
    fn from(s: Saved) -> Self {
        let mut out = ContactOut::from(s.contact);
        out.duplicates = Some(s.duplicates.into_iter().map(DuplicateOut::from).collect());
        out
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<ContactOut>,
    pub next_cursor: Option<String>,
    /// Every match; for a free-text search (`q`) at most 1,000, see `total_capped`.
    pub total: i64,
    /// True when a free-text search matched more than the 1,000 it counts.
    pub total_capped: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactIn {
    pub name: Option<String>,
    pub is_company: Option<bool>,
    pub company_id: Option<i64>,
    pub salutation: Option<String>,
    pub job_position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub tag_ids: Option<Vec<i64>>,
    /// Defaults to the creator; `null` for no owner.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Patch<i64>,
    pub notes: Option<String>,
}

/// A partial update: only the fields that change, plus the `version` last read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactPatchIn {
    /// The version the client last read (required).
    pub version: Option<i64>,
    pub name: Option<String>,
    pub is_company: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub company_id: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub salutation: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub job_position: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub phone: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub mobile: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub website: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub street: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub ward: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub district: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub city: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub country: Patch<String>,
    pub tag_ids: Option<Vec<i64>>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Patch<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub notes: Patch<String>,
}

impl ContactIn {
    pub fn into_values(self, me: i64) -> ContactValues {
        ContactValues {
            name: self.name.unwrap_or_default(),
            is_company: self.is_company.unwrap_or(false),
            company_id: self.company_id,
            salutation: self.salutation,
            job_position: self.job_position,
            email: self.email,
            phone: self.phone,
            mobile: self.mobile,
            website: self.website,
            street: self.street,
            ward: self.ward,
            district: self.district,
            city: self.city,
            country: self.country,
            owner_id: match self.owner_id {
                Patch::Absent => Some(me),
                Patch::Null => None,
                Patch::Value(v) => Some(v),
            },
            notes: self.notes,
            tag_ids: self.tag_ids.unwrap_or_default(),
        }
    }
}

impl ContactPatchIn {
    pub fn into_patch(self) -> ContactPatch {
        ContactPatch {
            name: self.name,
            is_company: self.is_company,
            company_id: self.company_id.into_change(),
            salutation: self.salutation.into_change(),
            job_position: self.job_position.into_change(),
            email: self.email.into_change(),
            phone: self.phone.into_change(),
            mobile: self.mobile.into_change(),
            website: self.website.into_change(),
            street: self.street.into_change(),
            ward: self.ward.into_change(),
            district: self.district.into_change(),
            city: self.city.into_change(),
            country: self.country.into_change(),
            owner_id: self.owner_id.into_change(),
            notes: self.notes.into_change(),
            tag_ids: self.tag_ids,
        }
    }
}

/// Contacts, newest filter first: `q` (accent-insensitive text), `filter` (filter language),
/// `sort` (`name`, `-created_at`, …), `limit` (1–500, default 50; outside → 400), `cursor`.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ListQuery),
    responses((status = 200, description = "OK", body = ContactList), (status = 400, description = "Malformed request or query (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    query: ListQuery,
) -> ApiResult<Json<ContactList>> {
    let page = state
        .app
        .list_contacts(auth.actor(), &query.params()?)
        .await?;
    Ok(Json(ContactList {
        items: page.items.into_iter().map(ContactOut::from).collect(),
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

fn created(out: ContactOut) -> Response {
    let location = format!("/api/v1/contacts/{}", out.id);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response()
}

/// Create a contact; the answer lists possible duplicates (same e-mail, phone or name).
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactIn,
    responses((status = 201, description = "Created", body = ContactOut), (status = 400, description = "Malformed request or query (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem),
              (status = 413, description = "Body over 1 MB (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(b): JsonBody<ContactIn>,
) -> ApiResult<Response> {
    let me = auth.actor().user_id;
    let saved = state
        .app
        .create_contact(auth.actor(), b.into_values(me))
        .await?;
    Ok(created(saved.into()))
}

/// One contact.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ContactOut), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<ContactOut>> {
    Ok(Json(state.app.get_contact(auth.actor(), id).await?.into()))
}

/// Change a contact; needs the `version` last read (409 with `current` when stale).
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)), request_body = ContactPatchIn,
    responses((status = 200, description = "OK", body = ContactOut), (status = 409, description = "Conflict: stale version (with `current`) or already done (problem+json)", body = Problem), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem),
              (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
    JsonBody(b): JsonBody<ContactPatchIn>,
) -> ApiResult<Json<ContactOut>> {
    let Some(version) = b.version else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field("version", "required: the version you last read"));
    };
    let saved = state
        .app
        .update_contact(auth.actor(), id, version, b.into_patch())
        .await?;
    Ok(Json(saved.into()))
}

/// Delete a contact for good.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 204, description = "Done, no content"), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.app.delete_contact(auth.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Archive a contact (hidden from lists unless the filter asks for `archived`).
#[utoipa::path(post, path = "/api/v1/contacts/{id}/archive", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ContactOut), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn archive(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<ContactOut>> {
    Ok(Json(
        state
            .app
            .set_contact_archived(auth.actor(), id, true)
            .await?
            .into(),
    ))
}

/// Restore an archived contact.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/restore", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ContactOut), (status = 403, description = "Not allowed, or CSRF check failed (problem+json)", body = Problem), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn restore(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<ContactOut>> {
    Ok(Json(
        state
            .app
            .set_contact_archived(auth.actor(), id, false)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateList {
    pub items: Vec<DuplicateOut>,
}

/// Live contacts that look like this one.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/duplicates", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = DuplicateList), (status = 404, description = "No such record, or one you may not see (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn duplicates(
    State(state): State<AppState>,
    auth: Auth,
    IdPath(id): IdPath,
) -> ApiResult<Json<DuplicateList>> {
    let items = state.app.contact_duplicates(auth.actor(), id).await?;
    Ok(Json(DuplicateList {
        items: items.into_iter().map(DuplicateOut::from).collect(),
    }))
}
