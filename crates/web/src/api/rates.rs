//! `/api/v1/currency-rates`: rates into the workspace currency (managers and admins set them).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sen_domain::money::format_rate;
use sen_store::rates::Rate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Auth, JsonBody};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RateOut {
    pub currency: String,
    /// Workspace-currency units per one unit of `currency`, a decimal string.
    pub rate: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Rate> for RateOut {
    fn from(r: Rate) -> Self {
        RateOut {
            currency: r.currency,
            rate: format_rate(r.rate_micro),
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RateList {
    pub items: Vec<RateOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RateIn {
    /// e.g. "25400" (VND per USD).
    pub rate: Option<String>,
}

/// The rates set.
#[utoipa::path(get, path = "/api/v1/currency-rates", tag = "leads",
    responses((status = 200, description = "OK", body = RateList), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn list(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<RateList>> {
    Ok(Json(RateList {
        items: state
            .app
            .list_rates()
            .await?
            .into_iter()
            .map(RateOut::from)
            .collect(),
    }))
}

/// Set the rate of a currency.
#[utoipa::path(put, path = "/api/v1/currency-rates/{currency}", tag = "leads", params(("currency" = String, Path)), request_body = RateIn,
    responses((status = 200, description = "OK", body = RateOut), (status = 403, description = "Not allowed (problem+json)", body = Problem),
              (status = 422, description = "Invalid fields, each named (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn set(
    State(state): State<AppState>,
    auth: Auth,
    Path(currency): Path<String>,
    JsonBody(b): JsonBody<RateIn>,
) -> ApiResult<Json<RateOut>> {
    let Some(rate) = b.rate else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The request has invalid fields",
        )
        .field("rate", "required"));
    };
    Ok(Json(
        state
            .app
            .set_rate(auth.actor(), &currency, &rate)
            .await?
            .into(),
    ))
}

/// Remove a rate (that currency is then summed on its own line again).
#[utoipa::path(delete, path = "/api/v1/currency-rates/{currency}", tag = "leads", params(("currency" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No rate for it (problem+json)", body = Problem),
              (status = 403, description = "Not allowed (problem+json)", body = Problem), (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(currency): Path<String>,
) -> ApiResult<StatusCode> {
    state.app.delete_rate(auth.actor(), &currency).await?;
    Ok(StatusCode::NO_CONTENT)
}
