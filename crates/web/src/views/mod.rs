//! Server-rendered pages (askama + htmx). Real links and forms that work without
//! JavaScript; with htmx, fragments are swapped in place (`HX-Request` → fragment).

pub mod account;
pub mod activities;
pub mod board;
pub mod board_actions;
pub mod chatter;
pub mod contact_form;
pub mod contacts;
pub mod display;
pub mod forms;
pub mod lead_dialogs;
pub mod lead_fields;
pub mod lead_form;
pub mod lead_import;
pub mod lead_search;
pub mod leads_list;
pub mod list_groups;
pub mod meetings;
pub mod notifications;
pub mod page;
pub mod search_bar;
pub mod settings;
pub mod settings_activity_types;
pub mod settings_backup;
pub mod settings_mail;
pub mod settings_pipelines;
pub mod settings_teams;
pub mod stage_admin;
pub mod users;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::extract::{FormCsrf, MAX_BODY_BYTES};
use crate::problem::ApiError;
use crate::state::AppState;

pub use page::not_found;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route(
            "/setup",
            get(account::setup_page).post(account::setup_submit),
        )
        .route(
            "/login",
            get(account::login_page).post(account::login_submit),
        )
        .route("/logout", post(account::logout))
        .route("/language", post(account::switch_language))
        .route(
            "/profile",
            get(account::profile_page).post(account::profile_submit),
        )
        .route("/profile/password", post(account::password_submit))
        .route("/profile/tokens", post(account::token_create))
        .route("/profile/tokens/{id}/revoke", post(account::token_revoke))
        .route("/contacts", get(contacts::list_page))
        .route("/contacts/check", get(contact_form::check_duplicates))
        .route("/contacts/suggest", get(contacts::suggest))
        .route(
            "/contacts/new",
            get(contact_form::new_page).post(contact_form::create_submit),
        )
        .route(
            "/contacts/{id}",
            get(contact_form::show_page).post(contact_form::update_submit),
        )
        .route(
            "/contacts/{id}/{action}",
            post(contact_form::lifecycle_submit),
        )
        .route("/pipeline", get(board::board_page))
        .route("/pipeline/{id}/heads", get(board::heads))
        .route("/pipeline/{id}/more", get(board::more))
        .route("/pipeline/{id}/card/{lead}", get(board::card))
        .route(
            "/pipeline/{id}/quick",
            get(board_actions::quick_page).post(board_actions::quick_submit),
        )
        .route("/pipeline/{id}/stages", post(stage_admin::add_submit))
        .route(
            "/stages/{id}/edit",
            get(stage_admin::edit_page).post(stage_admin::edit_submit),
        )
        .route("/stages/{id}/fold", post(stage_admin::fold_submit))
        .route(
            "/stages/{id}/delete",
            get(stage_admin::delete_page).post(stage_admin::delete_submit),
        )
        .route("/leads", get(leads_list::list_page))
        .route("/opportunities", get(leads_list::list_page))
        .route("/leads/bulk", post(leads_list::bulk_submit))
        .route("/leads/export.csv", get(leads_list::export_csv))
        .route(
            "/leads/import",
            get(lead_import::page).post(lead_import::submit),
        )
        .route(
            "/leads/new",
            get(lead_form::new_page).post(lead_form::create_submit),
        )
        .route(
            "/leads/merge",
            get(lead_dialogs::merge_page).post(lead_dialogs::merge_submit),
        )
        .route(
            "/leads/{id}",
            get(lead_form::show_page).post(lead_form::update_submit),
        )
        .route(
            "/leads/{id}/lost",
            get(lead_dialogs::lost_page).post(lead_dialogs::lost_submit),
        )
        .route(
            "/leads/{id}/unqualified",
            get(lead_dialogs::unqualified_page).post(lead_dialogs::unqualified_submit),
        )
        .route(
            "/leads/{id}/convert",
            get(lead_dialogs::convert_page).post(lead_dialogs::convert_submit),
        )
        .route("/leads/{id}/{action}", post(lead_form::lifecycle_submit))
        .route("/leads/{id}/priority", post(board_actions::priority_submit))
        .route("/leads/{id}/move", post(board_actions::move_submit))
        .route(
            "/leads/{id}/requirements",
            get(board_actions::requirements_page),
        )
        .route("/leads/{id}/activities", get(activities::lead_dialog))
        .route(
            "/activities",
            get(activities::mine_page).post(activities::create_submit),
        )
        .route("/activities/new", get(activities::new_page))
        .route(
            "/activities/{id}/edit",
            get(activities::edit_page).post(activities::edit_submit),
        )
        .route(
            "/activities/{id}/done",
            get(activities::done_page).post(activities::done_submit),
        )
        .route("/activities/{id}/cancel", post(activities::cancel_submit))
        .route("/records/{kind}/{id}/notes", post(chatter::note_submit))
        .route("/records/{kind}/{id}/email", post(chatter::email_submit))
        .route("/records/{kind}/{id}/follow", post(chatter::follow_submit))
        .route("/records/{kind}/{id}/call", post(chatter::call_submit))
        .route(
            "/records/{kind}/{id}/attachments",
            post(chatter::attach_submit),
        )
        .route("/calendar", get(meetings::calendar_page))
        .route("/meetings", post(meetings::create_submit))
        .route("/meetings/new", get(meetings::new_page))
        .route("/meetings/{id}/edit", get(meetings::edit_page))
        .route("/meetings/{id}", post(meetings::edit_submit))
        .route("/meetings/{id}/delete", post(meetings::delete_submit))
        .route("/meetings/{id}/answer", post(meetings::answer_submit))
        .route("/notifications", get(notifications::list_page))
        .route("/notifications/bell", get(notifications::bell))
        .route(
            "/notifications/read-all",
            post(notifications::read_all_submit),
        )
        .route("/notifications/{id}/open", post(notifications::open_submit))
        .route(
            "/settings/mail",
            get(settings_mail::page).post(settings_mail::save_submit),
        )
        .route("/settings/mail/test", post(settings_mail::test_submit))
        .route("/settings/backup", get(settings_backup::page))
        .route("/settings/backup/download", get(settings_backup::download))
        .route(
            "/settings/mail/jobs/{id}/retry",
            post(settings_mail::retry_submit),
        )
        .route("/views", post(search_bar::save_submit))
        .route("/views/{id}/default", post(search_bar::default_submit))
        .route("/views/{id}/delete", post(search_bar::delete_submit))
        .route("/settings", get(settings::index))
        .route(
            "/settings/pipelines",
            get(settings_pipelines::list_page).post(settings_pipelines::create_submit),
        )
        .route(
            "/settings/pipelines/{id}",
            get(settings_pipelines::edit_page).post(settings_pipelines::update_submit),
        )
        .route(
            "/settings/pipelines/{id}/delete",
            post(settings_pipelines::delete_submit),
        )
        .route(
            "/settings/pipelines/{id}/stages",
            post(settings_pipelines::add_stage),
        )
        .route(
            "/settings/pipelines/{id}/stages/{stage}/{direction}",
            post(settings_pipelines::move_stage),
        )
        .route(
            "/settings/activity-types",
            get(settings_activity_types::list_page).post(settings_activity_types::create_submit),
        )
        .route(
            "/settings/activity-types/{id}",
            get(settings_activity_types::edit_page).post(settings_activity_types::update_submit),
        )
        .route(
            "/settings/activity-types/{id}/delete",
            post(settings_activity_types::delete_submit),
        )
        .route(
            "/settings/teams",
            get(settings_teams::list_page).post(settings_teams::create_submit),
        )
        .route(
            "/settings/teams/{id}",
            get(settings_teams::edit_page).post(settings_teams::update_submit),
        )
        .route(
            "/settings/teams/{id}/delete",
            post(settings_teams::delete_submit),
        )
        .route(
            "/settings/{kind}",
            get(settings::lookups_page).post(settings::lookup_create),
        )
        .route(
            "/settings/{kind}/{id}",
            get(settings::lookup_edit).post(settings::lookup_update),
        )
        .route(
            "/settings/{kind}/{id}/delete",
            post(settings::lookup_delete),
        )
        .route("/users", get(users::list_page).post(users::create_submit))
        .route(
            "/users/{id}",
            get(users::edit_page).post(users::update_submit),
        )
}

async fn home(State(state): State<AppState>, ctx: page::PageCtx) -> Response {
    match state.app.is_set_up().await {
        Ok(false) => Redirect::to("/setup").into_response(),
        Ok(true) if ctx.user.is_none() => Redirect::to("/login").into_response(),
        Ok(true) => Redirect::to("/pipeline").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// For form posts (not the JSON API), lifts the `_csrf` field into the request so the
/// authentication extractor can compare it with the session's token.
pub async fn csrf_form(mut req: Request, next: Next) -> Response {
    // A file upload form (multipart) carries its token in the query: its body is read by
    // the handler, within the attachment limit.
    let is_upload = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if is_upload && !req.uri().path().starts_with("/api/") {
        let token = req.uri().query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "_csrf")
                .map(|(_, v)| v)
        });
        if let Some(t) = token {
            req.extensions_mut().insert(FormCsrf(t));
        }
        return next.run(req).await;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form
        || matches!(*req.method(), Method::GET | Method::HEAD)
        || req.uri().path().starts_with("/api/")
    {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "The body is too large",
        )
        .into_response();
    };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == "_csrf")
                .map(|(_, v)| v)
        });
    if let Some(t) = token {
        parts.extensions.insert(FormCsrf(t));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
