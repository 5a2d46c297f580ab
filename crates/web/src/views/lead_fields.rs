//! Lead fields on forms: the names behind ids (users, teams, tags, lookups), one builder
//! per field for the templates, and reading a submitted form back into a patch. The record
//! form, the quick create on the board and the "this stage needs…" dialog all use these.

use std::collections::HashMap;

use chrono::NaiveDate;
use sen_app::{Actor, App};
use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::lead::{LeadPatch, LeadValues};
use sen_domain::money::{Money, MoneyError};
use sen_store::lookups::LookupKind;

use super::forms::{FieldView, FormData};
use super::page::initials;
use crate::i18n::Tr;

/// Names and choices a lead's fields refer to, loaded once per page.
#[derive(Default)]
pub struct LeadOptions {
    pub users: Vec<(i64, String)>,
    pub teams: Vec<(i64, String)>,
    /// id → (name, colour 0–11)
    pub tags: Vec<(i64, String, i64)>,
    pub sources: Vec<(i64, String)>,
    pub mediums: Vec<(i64, String)>,
    pub campaigns: Vec<(i64, String)>,
    pub workspace_currency: String,
}

impl LeadOptions {
    pub async fn load(app: &App) -> LeadOptions {
        let lookup = |kind| async move {
            app.list_lookups(kind)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|l| l.active)
                .map(|l| (l.id, l.name))
                .collect::<Vec<_>>()
        };
        LeadOptions {
            users: app.user_names().await.unwrap_or_default(),
            teams: app
                .list_teams()
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|t| t.active)
                .map(|t| (t.id, t.name))
                .collect(),
            tags: app
                .list_tags()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.id, t.name, t.color.rem_euclid(12)))
                .collect(),
            sources: lookup(LookupKind::Source).await,
            mediums: lookup(LookupKind::Medium).await,
            campaigns: lookup(LookupKind::Campaign).await,
            workspace_currency: app
                .workspace()
                .await
                .ok()
                .flatten()
                .map(|w| w.currency)
                .unwrap_or_else(|| "VND".into()),
        }
    }

    pub fn user_name(&self, id: Option<i64>) -> String {
        name_of(&self.users, id)
    }

    pub fn user_initials(&self, id: Option<i64>) -> String {
        id.map(|_| initials(&self.user_name(id)))
            .unwrap_or_default()
    }

    pub fn team_name(&self, id: Option<i64>) -> String {
        name_of(&self.teams, id)
    }

    pub fn source_name(&self, id: Option<i64>) -> String {
        name_of(&self.sources, id)
    }

    pub fn tag_chips(&self, ids: &[i64]) -> Vec<(String, i64)> {
        ids.iter()
            .filter_map(|id| self.tags.iter().find(|t| t.0 == *id))
            .map(|t| (t.1.clone(), t.2))
            .collect()
    }

    pub fn tag_map(&self) -> HashMap<i64, String> {
        self.tags.iter().map(|t| (t.0, t.1.clone())).collect()
    }
}

fn name_of(list: &[(i64, String)], id: Option<i64>) -> String {
    id.and_then(|id| list.iter().find(|(i, _)| *i == id))
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

fn choices(
    list: &[(i64, String)],
    current: Option<i64>,
    none: String,
) -> Vec<(String, String, bool)> {
    let mut out = vec![(String::new(), none, current.is_none())];
    out.extend(
        list.iter()
            .map(|(id, n)| (id.to_string(), n.clone(), Some(*id) == current)),
    );
    out
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The currencies offered next to an amount: the usual three, the workspace's and the
/// record's own.
pub fn currency_choices(current: &str, workspace: &str) -> Vec<(String, String, bool)> {
    let mut codes: Vec<String> = vec!["VND".into(), "TWD".into(), "USD".into()];
    for c in [workspace, current] {
        if !c.is_empty() && !codes.iter().any(|x| x == c) {
            codes.push(c.to_string());
        }
    }
    codes
        .into_iter()
        .map(|c| (c.clone(), c.clone(), c == current))
        .collect()
}

/// One field of a lead for a form, with its label, value and choices.
pub fn field(tr: Tr<'_>, o: &LeadOptions, v: &LeadValues, name: &'static str) -> FieldView {
    let label = tr.t(&format!("lead-{}", name.replace('_', "-")));
    let f = |kind: &'static str, value: String| FieldView::new(name, label.clone(), kind, value);
    let none = || tr.t("value-none");
    match name {
        "name" => f("text", v.name.clone()).required(),
        "user_id" => f("select", String::new()).options(choices(&o.users, v.user_id, none())),
        "team_id" => f("select", String::new()).options(choices(&o.teams, v.team_id, none())),
        "source_id" => f("select", String::new()).options(choices(&o.sources, v.source_id, none())),
        "medium_id" => f("select", String::new()).options(choices(&o.mediums, v.medium_id, none())),
        "campaign_id" => {
            f("select", String::new()).options(choices(&o.campaigns, v.campaign_id, none()))
        }
        "priority" => f("select", String::new()).options(
            (0..=3)
                .map(|p| {
                    (
                        p.to_string(),
                        tr.t(&format!("lead-priority-{p}")),
                        p == v.priority,
                    )
                })
                .collect(),
        ),
        "expected_revenue" => {
            let (amount, cur) = match &v.expected_revenue {
                Some(m) => (super::display::amount_text(m, false), m.currency.code()),
                None => (String::new(), o.workspace_currency.clone()),
            };
            let mut fv = f("money", amount);
            fv.options = currency_choices(&cur, &o.workspace_currency);
            fv
        }
        "probability" => f(
            "number",
            v.probability.map(|p| p.to_string()).unwrap_or_default(),
        )
        .hint(tr.t("lead-probability-hint")),
        "expected_closing" | "due_date" => {
            let d = if name == "due_date" {
                v.due_date
            } else {
                v.expected_closing
            };
            f("date", d.map(|d| d.to_string()).unwrap_or_default())
        }
        "tag_ids" => f("multi", String::new()).options(
            o.tags
                .iter()
                .map(|t| (t.0.to_string(), t.1.clone(), v.tag_ids.contains(&t.0)))
                .collect(),
        ),
        "new_tags" => f("text", String::new()).hint(tr.t("lead-new-tags-hint")),
        "email" => f("email", text(&v.email)),
        "phone" | "mobile" => f(
            "tel",
            text(if name == "phone" { &v.phone } else { &v.mobile }),
        ),
        "website" => f("url", text(&v.website)),
        "description" => f("textarea", text(&v.description)),
        "company_name" => f("text", text(&v.company_name)),
        "contact_name" => f("text", text(&v.contact_name)),
        "salutation" => f("text", text(&v.salutation)),
        "job_position" => f("text", text(&v.job_position)),
        "street" => f("text", text(&v.street)),
        "ward" => f("text", text(&v.ward)),
        "district" => f("text", text(&v.district)),
        "city" => f("text", text(&v.city)),
        "country" => f("text", text(&v.country)),
        "referred_by" => f("text", text(&v.referred_by)),
        _ => f("text", String::new()),
    }
}

/// Reads the named fields of a submitted form into a patch. Fields not on the form are
/// left as they are; wrong values are collected, each under its field's name.
pub fn patch_from_form(form: &FormData, names: &[&str]) -> Result<LeadPatch, FieldErrors> {
    let (p, e) = read_form(form, names);
    if e.is_empty() { Ok(p) } else { Err(e) }
}

/// What the person typed over `base`, for showing a refused form again: the fields that
/// could be read keep their new values (a refused one comes back empty, its message beside it).
pub fn typed_over(form: &FormData, names: &[&str], base: &LeadValues) -> LeadValues {
    read_form(form, names).0.apply(base)
}

/// The form's fields as a patch, and the fields that could not be read.
fn read_form(form: &FormData, names: &[&str]) -> (LeadPatch, FieldErrors) {
    let mut p = LeadPatch::default();
    let mut e = FieldErrors::new();
    let opt = |k: &str| form.get(k).filter(|v| !v.is_empty());
    let id = |k: &str, e: &mut FieldErrors| match opt(k) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(i) => Some(i),
            Err(_) => {
                e.add(k, Invalid::Message("not a number".into()));
                None
            }
        },
    };
    let date = |k: &str, e: &mut FieldErrors| match opt(k) {
        None => None,
        Some(v) => match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                e.add(k, Invalid::Message("not a date (YYYY-MM-DD)".into()));
                None
            }
        },
    };
    for name in names {
        match *name {
            "name" => p.name = Some(form.get("name").unwrap_or_default()),
            "user_id" => p.user_id = Some(id("user_id", &mut e)),
            "team_id" => p.team_id = Some(id("team_id", &mut e)),
            "source_id" => p.source_id = Some(id("source_id", &mut e)),
            "medium_id" => p.medium_id = Some(id("medium_id", &mut e)),
            "campaign_id" => p.campaign_id = Some(id("campaign_id", &mut e)),
            "contact_id" => p.contact_id = Some(id("contact_id", &mut e)),
            "priority" => p.priority = Some(id("priority", &mut e).unwrap_or(0)),
            "probability" => p.probability = Some(id("probability", &mut e)),
            "expected_closing" => p.expected_closing = Some(date("expected_closing", &mut e)),
            "due_date" => p.due_date = Some(date("due_date", &mut e)),
            "tag_ids" => {
                p.tag_ids = Some(
                    form.all("tag_ids")
                        .iter()
                        .filter_map(|t| t.parse().ok())
                        .collect(),
                )
            }
            "expected_revenue" => {
                let cur = form.get("currency").unwrap_or_default();
                p.expected_revenue = Some(match opt("expected_revenue") {
                    None => None,
                    Some(a) => match Money::parse_typed(&a, &cur) {
                        Ok(m) => Some(m),
                        Err(err) => {
                            e.add("expected_revenue", money_error(err));
                            None
                        }
                    },
                });
            }
            "email" => p.email = Some(opt("email")),
            "phone" => p.phone = Some(opt("phone")),
            "mobile" => p.mobile = Some(opt("mobile")),
            "website" => p.website = Some(opt("website")),
            "description" => p.description = Some(opt("description")),
            "company_name" => p.company_name = Some(opt("company_name")),
            "contact_name" => p.contact_name = Some(opt("contact_name")),
            "salutation" => p.salutation = Some(opt("salutation")),
            "job_position" => p.job_position = Some(opt("job_position")),
            "street" => p.street = Some(opt("street")),
            "ward" => p.ward = Some(opt("ward")),
            "district" => p.district = Some(opt("district")),
            "city" => p.city = Some(opt("city")),
            "country" => p.country = Some(opt("country")),
            "referred_by" => p.referred_by = Some(opt("referred_by")),
            _ => {}
        }
    }
    (p, e)
}

pub fn money_error(err: MoneyError) -> Invalid {
    match err {
        MoneyError::NotANumber => Invalid::Message("not a number".into()),
        MoneyError::TooPrecise { max_decimals } => Invalid::Range {
            min: 0,
            max: i64::from(max_decimals),
        },
        MoneyError::Negative => Invalid::Range {
            min: 0,
            max: sen_domain::money::MAX_MAJOR,
        },
        MoneyError::TooLarge => Invalid::Range {
            min: 0,
            max: sen_domain::money::MAX_MAJOR,
        },
        MoneyError::UnknownCurrency => Invalid::Message("not an ISO 4217 currency".into()),
    }
}

/// Creates the tags typed into "new tags" (comma separated) and adds them to the patch.
pub async fn add_new_tags(
    app: &App,
    actor: &Actor,
    form: &FormData,
    patch: &mut LeadPatch,
) -> Result<(), sen_app::AppError> {
    let names: Vec<String> = form
        .get("new_tags")
        .unwrap_or_default()
        .split([',', '，', '、'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let ids = app.ensure_tags(actor, &names).await?;
    let tags = patch.tag_ids.get_or_insert_with(Vec::new);
    tags.extend(ids);
    tags.sort_unstable();
    tags.dedup();
    Ok(())
}
