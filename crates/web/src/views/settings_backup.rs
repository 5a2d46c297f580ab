//! Settings → Backup (admins): download the whole workspace as one portable file, and how
//! to restore it or move it to another database (done on the server, where Sen can be
//! stopped: a restore replaces everything).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use sen_app::AppError;
use sen_store::Backend;

use super::page::{Shell, Signed, error_page, render};
use super::settings::tabs;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "settings/backup.html")]
struct BackupPage {
    shell: Shell,
    tabs: Vec<(String, String, bool)>,
    stored_in: String,
    on_sqlite: bool,
}

/// `GET /settings/backup`.
pub async fn page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    if !actor.is_admin() {
        return error_page(&ctx, AppError::Forbidden);
    }
    let tr = ctx.tr();
    let on_sqlite = state.app.db.backend() == Backend::Sqlite;
    let database = if on_sqlite { "SQLite" } else { "PostgreSQL" };
    render(&BackupPage {
        shell: ctx.shell("settings", tr.t("settings-backup")),
        tabs: tabs(&ctx, &actor, "backup"),
        stored_in: tr.t1("backup-stored-in", "database", database),
        on_sqlite,
    })
}

/// `GET /settings/backup/download`: the workspace file.
pub async fn download(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    match state.app.export_workspace(&actor).await {
        Ok(file) => match crate::download::exported_workspace(file).await {
            Ok(res) => res,
            Err(e) => error_page(&ctx, AppError::Internal(e.to_string())),
        },
        Err(e) => error_page(&ctx, e),
    }
}
