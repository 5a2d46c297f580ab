//! `/leads/import`: a CSV file of leads — checked first (columns matched by their headers,
//! changeable, the first rows shown, every problem by line), then imported all at once.
//! With htmx the file stays selected between "check" and "import"; without JavaScript the
//! form imports directly.

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sen_app::AppError;
use sen_app::import::{ImportOptions, ImportOutcome};
use sen_domain::errors::FieldErrors;
use sen_domain::import::LeadColumn;
use sen_domain::lead::LeadType;

use super::display::format_money;
use super::page::{PageCtx, Shell, Signed, error_page, render, render_form};
use crate::api::attachments::read_form_parts;
use crate::api::import::MAX_IMPORT_BYTES;
use crate::i18n::Tr;
use crate::problem::ApiError;
use crate::state::AppState;

/// A column of the file and the field choices for it.
pub struct ColumnView {
    pub index: usize,
    pub header: String,
    /// (value, label, selected); the empty value skips the column.
    pub options: Vec<(String, String, bool)>,
}

#[derive(Default)]
pub struct ResultView {
    /// "", "checked", "imported" or "refused".
    pub state: &'static str,
    pub message: String,
    pub problems: Vec<String>,
    pub columns: Vec<ColumnView>,
    pub preview: Vec<[String; 5]>,
    pub list_url: String,
}

#[derive(Template)]
#[template(path = "leads/import.html")]
struct ImportPage {
    shell: Shell,
    pipelines: Vec<(i64, String, &'static str)>,
    r: ResultView,
}

#[derive(Template)]
#[template(path = "leads/_import_result.html")]
struct ImportFragment {
    shell: Shell,
    r: ResultView,
}

/// The label key of a column's field (the record form's own labels).
fn field_label(tr: &Tr<'_>, c: LeadColumn) -> String {
    let key = match c {
        LeadColumn::Medium => "lead-medium-id".to_string(),
        LeadColumn::Campaign => "lead-campaign-id".to_string(),
        other => format!("lead-{}", other.as_str().replace('_', "-")),
    };
    tr.t(&key)
}

fn column_views(tr: &Tr<'_>, columns: &[(String, Option<LeadColumn>)]) -> Vec<ColumnView> {
    columns
        .iter()
        .enumerate()
        .map(|(index, (header, chosen))| {
            let mut options = vec![(String::new(), tr.t("import-skip"), chosen.is_none())];
            options.extend(LeadColumn::ALL.iter().map(|c| {
                (
                    c.as_str().to_string(),
                    field_label(tr, *c),
                    *chosen == Some(*c),
                )
            }));
            ColumnView {
                index,
                header: header.clone(),
                options,
            }
        })
        .collect()
}

/// "Line 5 — E-mail: …" for a row's problem, "File: …" for the others.
fn problem_lines(tr: &Tr<'_>, fields: &FieldErrors) -> Vec<String> {
    let mut out = Vec::new();
    for (field, whys) in &fields.0 {
        let (line, name) = match field.strip_prefix("rows[").and_then(|r| r.split_once("].")) {
            Some((line, name)) => (Some(line), name),
            None => (None, field.as_str()),
        };
        // A column's label, else the record form's label of the field (a stage can require
        // fields no column fills), else the import's own words (file, columns).
        let form_key = format!("lead-{}", name.replace('_', "-"));
        let label = match LeadColumn::parse(name) {
            Some(c) => field_label(tr, c),
            None if tr.i18n.has(tr.lang, &form_key) => tr.t(&form_key),
            None => tr.t(&format!("import-field-{}", name.replace('_', "-"))),
        };
        for why in whys {
            let reason = tr.i18n.invalid(tr.lang, why);
            out.push(match line {
                Some(l) => format!("{} — {label}: {reason}", tr.t1("import-line", "line", l)),
                None => format!("{label}: {reason}"),
            });
        }
    }
    out
}

fn result_view(tr: &Tr<'_>, o: ImportOutcome) -> ResultView {
    ResultView {
        state: if o.dry_run { "checked" } else { "imported" },
        message: if o.dry_run {
            tr.n("import-ready", o.rows as i64)
        } else {
            tr.n("import-done", o.created as i64)
        },
        problems: Vec::new(),
        columns: if o.dry_run {
            column_views(tr, &o.columns)
        } else {
            Vec::new()
        },
        preview: o
            .preview
            .iter()
            .map(|v| {
                [
                    v.name.clone(),
                    v.contact_name
                        .clone()
                        .or(v.company_name.clone())
                        .unwrap_or_default(),
                    v.email.clone().unwrap_or_default(),
                    v.phone.clone().or(v.mobile.clone()).unwrap_or_default(),
                    v.expected_revenue
                        .as_ref()
                        .map(format_money)
                        .unwrap_or_default(),
                ]
            })
            .collect(),
        list_url: if o.kind == LeadType::Lead {
            "/leads"
        } else {
            "/opportunities"
        }
        .to_string(),
    }
}

async fn pipelines(state: &AppState) -> Vec<(i64, String, &'static str)> {
    state
        .app
        .list_pipelines()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let kind = if p.kind == "deal" {
                "opportunity"
            } else {
                "lead"
            };
            (p.id, p.name, kind)
        })
        .collect()
}

/// `GET /leads/import` (managers and admins).
pub async fn page(State(state): State<AppState>, Signed { ctx, actor }: Signed) -> Response {
    if let Err(e) = state.app.may_import(&actor) {
        return error_page(&ctx, e);
    }
    let tr = ctx.tr();
    render(&ImportPage {
        shell: ctx.shell("leads", tr.t("import-title")),
        pipelines: pipelines(&state).await,
        r: ResultView::default(),
    })
}

/// The form's fields: the file and the plain values (type, pipeline, dry_run, col_N).
struct Posted {
    file: Vec<u8>,
    fields: Vec<(String, String)>,
}

async fn read_form(headers: &HeaderMap, body: Body) -> Result<Posted, ApiError> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bytes = axum::body::to_bytes(body, MAX_IMPORT_BYTES + 1024 * 1024)
        .await
        .map_err(|_| ApiError::unprocessable("file", "too large"))?;
    let (file, fields) = read_form_parts(content_type, bytes).await?;
    Ok(Posted {
        file: file.map(|f| f.data).unwrap_or_default(),
        fields,
    })
}

fn options(posted: &Posted) -> ImportOptions {
    let get = |k: &str| {
        posted
            .fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut columns: Vec<(usize, Option<LeadColumn>)> = posted
        .fields
        .iter()
        .filter_map(|(n, v)| {
            let i = n.strip_prefix("col_")?.parse().ok()?;
            Some((i, LeadColumn::parse(v.trim())))
        })
        .collect();
    columns.sort_by_key(|(i, _)| *i);
    ImportOptions {
        dry_run: get("dry_run").as_deref() == Some("true"),
        columns: (!columns.is_empty()).then(|| columns.into_iter().map(|(_, c)| c).collect()),
        kind: get("type").and_then(|t| LeadType::parse(&t)),
        pipeline_id: get("pipeline_id").and_then(|p| p.parse().ok()),
    }
}

/// `POST /leads/import` (multipart).
pub async fn submit(
    State(state): State<AppState>,
    Signed { ctx, actor }: Signed,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(e) = state.app.may_import(&actor) {
        return error_page(&ctx, e);
    }
    let tr = ctx.tr();
    let (r, refused) = match read_form(&headers, body).await {
        Err(_) => (
            refused_view(
                &tr,
                &AppError::field("file", sen_domain::errors::Invalid::Csv { line: None }),
            ),
            true,
        ),
        Ok(posted) => {
            let chosen = options(&posted).columns;
            match state
                .app
                .import_leads(&actor, &posted.file, options(&posted))
                .await
            {
                Ok(o) => (result_view(&tr, o), false),
                Err(e @ AppError::Invalid(_)) => {
                    let mut r = refused_view(&tr, &e);
                    r.columns = columns_of_file(&tr, &posted.file, chosen);
                    (r, true)
                }
                Err(e) => return error_page(&ctx, e),
            }
        }
    };
    respond(&state, &ctx, r, refused).await
}

/// The file's columns as chosen (or guessed), so a refused check can still be corrected
/// here — above all when no column was recognised as the name.
fn columns_of_file(
    tr: &Tr<'_>,
    file: &[u8],
    chosen: Option<Vec<Option<LeadColumn>>>,
) -> Vec<ColumnView> {
    let Ok(table) = sen_domain::import::read_csv(file) else {
        return Vec::new();
    };
    let fields: Vec<Option<LeadColumn>> = match chosen {
        Some(c) if c.len() == table.header.len() => c,
        _ => table
            .header
            .iter()
            .map(|h| sen_domain::import::guess_column(h))
            .collect(),
    };
    column_views(
        tr,
        &table.header.into_iter().zip(fields).collect::<Vec<_>>(),
    )
}

fn refused_view(tr: &Tr<'_>, e: &AppError) -> ResultView {
    let AppError::Invalid(fields) = e else {
        return ResultView::default();
    };
    let no_name = fields
        .0
        .get("columns")
        .is_some_and(|w| w.contains(&sen_domain::errors::Invalid::Required));
    ResultView {
        state: "refused",
        message: tr.t("import-problems"),
        problems: if no_name {
            vec![tr.t("import-need-name")]
        } else {
            problem_lines(tr, fields)
        },
        ..Default::default()
    }
}

async fn respond(state: &AppState, ctx: &PageCtx, r: ResultView, refused: bool) -> Response {
    let tr = ctx.tr();
    let shell = ctx.shell("leads", tr.t("import-title"));
    if ctx.is_htmx {
        return render_form(&ImportFragment { shell, r }, refused).into_response();
    }
    render_form(
        &ImportPage {
            shell,
            pipelines: pipelines(state).await,
            r,
        },
        refused,
    )
}
