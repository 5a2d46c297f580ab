//! `application/problem+json` (RFC 9457) for every API error, mapped from one place.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sen_app::{AppError, Current};
use sen_domain::errors::FieldErrors;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::I18n;

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:sen:problem:<code>`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// A stable machine-readable code, e.g. `validation`, `not_found`, `stale_version`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every wrong field with its messages.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
    /// On 409 for a stale version: the record as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

/// An error answer of the JSON API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed so `Result<_, ApiError>` stays small on the happy path.
    pub problem: Box<Problem>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, title: &str) -> Self {
        ApiError {
            status,
            problem: Box::new(Problem {
                kind: format!("urn:sen:problem:{code}"),
                title: title.to_string(),
                status: status.as_u16(),
                code: code.to_string(),
                detail: None,
                errors: BTreeMap::new(),
                current: None,
            }),
            retry_after: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.problem.detail = Some(detail.into());
        self
    }

    pub fn field(mut self, field: &str, message: impl Into<String>) -> Self {
        self.problem
            .errors
            .entry(field.to_string())
            .or_default()
            .push(message.into());
        self
    }

    /// 400 or 422 naming every wrong field (messages in English for the API).
    pub fn invalid(status: StatusCode, errors: &FieldErrors) -> Self {
        let i18n = I18n::shared();
        let mut e = ApiError::new(status, "validation", "The request has invalid fields");
        for (field, whys) in &errors.0 {
            for why in whys {
                e = e.field(field, i18n.invalid("en", why));
            }
        }
        e.problem.detail = Some(format!(
            "invalid: {}",
            errors.0.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
        e
    }

    /// Names the fields of a nested object `prefix.<field>`.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.problem.errors = std::mem::take(&mut self.problem.errors)
            .into_iter()
            .map(|(k, v)| (format!("{prefix}.{k}"), v))
            .collect();
        self
    }

    /// 422 naming one field.
    pub fn unprocessable(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field(field, message)
    }

    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "The request is malformed",
        )
        .field(field, message)
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such record")
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Sign in first")
            .detail("send the session cookie or `Authorization: Bearer <token>`")
    }

    pub fn forbidden(detail: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed").detail(detail)
    }

    pub fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on the server",
        )
    }
}

/// Fields that belong in the query string rather than the body are answered 400; fields of
/// a body 422.
fn status_for_fields(errors: &FieldErrors) -> StatusCode {
    let query_fields = ["filter", "sort", "limit", "cursor", "q", "per_stage"];
    // An empty set is a body problem no one named: 422 (never an unexplained 400).
    if !errors.0.is_empty() && errors.0.keys().all(|k| query_fields.contains(&k.as_str())) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The record a stale write collided with, in its API shape.
fn current_json(current: Current) -> serde_json::Value {
    use crate::api::{
        contacts::ContactOut, lookups::LookupOut, pipelines::PipelineOut, pipelines::StageOut,
        teams::TeamOut,
    };
    let value = match current {
        Current::Contact(c) => serde_json::to_value(ContactOut::from(*c)),
        Current::Team(t) => serde_json::to_value(TeamOut::from(*t)),
        Current::Pipeline(p) => serde_json::to_value(PipelineOut::from(*p)),
        Current::Stage(s) => serde_json::to_value(StageOut::from(*s)),
        Current::Lookup(l) => serde_json::to_value(LookupOut::from(*l)),
        Current::Lead(l) => serde_json::to_value(crate::api::leads::LeadOut::from(*l)),
        Current::ActivityType(t) => {
            serde_json::to_value(crate::api::activity_types::ActivityTypeOut::from(*t))
        }
        Current::Activity(a) => serde_json::to_value(crate::api::activities::ActivityOut::from(*a)),
        Current::Meeting(m) => serde_json::to_value(crate::api::meetings::MeetingOut::from(
            sen_app::meetings::MeetingView {
                meeting: *m,
                attendees: Vec::new(),
                alarms: Vec::new(),
            },
        )),
    };
    value.unwrap_or_default()
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Invalid(errors) => ApiError::invalid(status_for_fields(&errors), &errors),
            AppError::Unauthenticated => ApiError::unauthenticated(),
            AppError::Forbidden => {
                ApiError::forbidden("your role does not allow this on this record")
            }
            AppError::NotFound => ApiError::not_found(),
            AppError::Stale(current) => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    "stale_version",
                    "The record was changed by someone else",
                )
                .detail("read `current`, reapply your change and send its `version`");
                e.problem.current = Some(current_json(current));
                e
            }
            AppError::Conflict(code) => ApiError::new(
                StatusCode::CONFLICT,
                code,
                "Conflict with the current state",
            ),
            AppError::TooManyAttempts { retry_after_secs } => {
                let mut e = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    "Too many attempts",
                )
                .detail(format!("try again in {retry_after_secs} s"));
                e.retry_after = Some(retry_after_secs);
                e
            }
            AppError::Store(sen_store::StoreError::Conflict(_)) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "This conflicts with an existing record",
            ),
            // A record this write names was removed meanwhile (e.g. a stage deleted between
            // the request's read of the settings and its write).
            AppError::Store(sen_store::StoreError::MissingReference(_)) => ApiError::new(
                StatusCode::CONFLICT,
                "missing_reference",
                "A record this refers to no longer exists",
            ),
            AppError::Store(e) => {
                tracing::error!(error = %e, "store error");
                ApiError::internal()
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&*self.problem).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_removed_meanwhile_answers_409_not_500() {
        let gone = AppError::Store(sen_store::StoreError::MissingReference(
            "FOREIGN KEY constraint failed".into(),
        ));
        let e = ApiError::from(gone);
        assert_eq!(e.status, StatusCode::CONFLICT);
        assert_eq!(e.problem.code, "missing_reference");
    }
}
