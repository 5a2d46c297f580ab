//! The JSON API under `/api/v1`, described by the OpenAPI document built from these
//! handlers (`GET /api/openapi.json`).

pub mod activities;
pub mod activity_types;
pub mod attachments;
pub mod board;
pub mod contacts;
mod document;
pub mod events;
pub mod import;
pub mod leads;
pub mod lookups;
pub mod mail_admin;
pub mod meetings;
pub mod notifications;
pub mod pipelines;
pub mod posts;
pub mod query;
pub mod rates;
pub mod reports;
pub mod saved_views;
pub mod session;
pub mod teams;
pub mod timeline;
pub mod users;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sen_app::contacts::ListParams;
use serde::Deserialize;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::problem::ApiError;
use crate::state::AppState;

/// The query of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Free text, accent- and case-insensitive.
    pub q: Option<String>,
    /// The filter language, e.g. `is_company = true and city = "Hà Nội"`.
    pub filter: Option<String>,
    /// `field` or `-field`, comma separated.
    pub sort: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    pub fn params(self) -> Result<ListParams, ApiError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) => Some(l.parse::<i64>().map_err(|_| {
                ApiError::bad_request("limit", "must be a whole number from 1 to 500")
            })?),
        };
        Ok(ListParams {
            q: self.q,
            filter: self.filter,
            sort: self.sort,
            limit,
            cursor: self.cursor,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(raw).map_err(|e| ApiError::bad_request("query", e.to_string()))
    }
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sen_session"))),
        );
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Sen CRM API", description = "The JSON API of Sen CRM. Errors are application/problem+json.", license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags((name = "session"), (name = "users"), (name = "contacts"), (name = "teams"), (name = "pipelines"), (name = "lookups"), (name = "leads"), (name = "activities"), (name = "timeline"), (name = "followers"), (name = "meetings"), (name = "admin"))
)]
struct ApiDoc;

/// The API routes and their OpenAPI document.
pub fn router() -> (axum::Router<AppState>, OpenApi) {
    use utoipa::OpenApi as _;
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(session::setup))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me, session::update_me))
        .routes(routes!(session::list_tokens, session::create_token))
        .routes(routes!(session::revoke_token))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(contacts::list, contacts::create))
        .routes(routes!(contacts::get, contacts::update, contacts::delete))
        .routes(routes!(contacts::archive))
        .routes(routes!(contacts::restore))
        .routes(routes!(contacts::duplicates))
        .routes(routes!(leads::list, leads::create))
        .routes(routes!(leads::get, leads::update, leads::delete))
        .routes(routes!(leads::won))
        .routes(routes!(leads::lost))
        .routes(routes!(leads::unqualified))
        .routes(routes!(leads::reopen))
        .routes(routes!(leads::archive))
        .routes(routes!(leads::restore))
        .routes(routes!(leads::duplicates))
        .routes(routes!(leads::convert))
        .routes(routes!(leads::merge))
        .routes(routes!(leads::bulk))
        .routes(routes!(import::import))
        .routes(routes!(board::board))
        .routes(routes!(reports::pipeline))
        .routes(routes!(events::events))
        .routes(routes!(rates::list))
        .routes(routes!(rates::set, rates::delete))
        .routes(routes!(timeline::timeline))
        .routes(routes!(attachments::list, attachments::upload))
        .routes(routes!(attachments::download, attachments::delete))
        .routes(routes!(posts::note))
        .routes(routes!(posts::message))
        .routes(routes!(
            notifications::list,
            notifications::follow,
            notifications::unfollow
        ))
        .routes(routes!(notifications::notifications))
        .routes(routes!(notifications::read_one))
        .routes(routes!(notifications::read_all))
        .routes(routes!(meetings::list, meetings::create))
        .routes(routes!(meetings::get, meetings::update, meetings::delete))
        .routes(routes!(meetings::answer))
        .routes(routes!(meetings::ics))
        .routes(routes!(meetings::feed))
        .routes(routes!(meetings::revoke_feed))
        .routes(routes!(mail_admin::mails))
        .routes(routes!(mail_admin::jobs))
        .routes(routes!(mail_admin::settings, mail_admin::save_settings))
        .routes(routes!(mail_admin::retry))
        .routes(routes!(mail_admin::export_workspace))
        .routes(routes!(activity_types::list, activity_types::create))
        .routes(routes!(
            activity_types::get,
            activity_types::update,
            activity_types::delete
        ))
        .routes(routes!(activities::list, activities::create))
        .routes(routes!(
            activities::get,
            activities::update,
            activities::delete
        ))
        .routes(routes!(activities::done))
        .routes(routes!(saved_views::list, saved_views::create))
        .routes(routes!(
            saved_views::get,
            saved_views::update,
            saved_views::delete
        ))
        .routes(routes!(teams::list, teams::create))
        .routes(routes!(teams::get, teams::update, teams::delete))
        .routes(routes!(pipelines::list, pipelines::create))
        .routes(routes!(
            pipelines::get,
            pipelines::update,
            pipelines::delete
        ))
        .routes(routes!(pipelines::stages, pipelines::add_stage))
        .routes(routes!(pipelines::reorder))
        .routes(routes!(
            pipelines::get_stage,
            pipelines::update_stage,
            pipelines::delete_stage
        ))
        .routes(routes!(lookups::tags::list, lookups::tags::create))
        .routes(routes!(
            lookups::tags::get,
            lookups::tags::update,
            lookups::tags::delete
        ))
        .routes(routes!(
            lookups::lost_reasons::list,
            lookups::lost_reasons::create
        ))
        .routes(routes!(
            lookups::lost_reasons::get,
            lookups::lost_reasons::update,
            lookups::lost_reasons::delete
        ))
        .routes(routes!(lookups::sources::list, lookups::sources::create))
        .routes(routes!(
            lookups::sources::get,
            lookups::sources::update,
            lookups::sources::delete
        ))
        .routes(routes!(lookups::mediums::list, lookups::mediums::create))
        .routes(routes!(
            lookups::mediums::get,
            lookups::mediums::update,
            lookups::mediums::delete
        ))
        .routes(routes!(
            lookups::campaigns::list,
            lookups::campaigns::create
        ))
        .routes(routes!(
            lookups::campaigns::get,
            lookups::campaigns::update,
            lookups::campaigns::delete
        ))
        .split_for_parts();
    let mut doc = doc;
    document::complete(&mut doc);
    (router, doc)
}
