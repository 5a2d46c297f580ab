//! How values are shown to people: times in their zone and language, ids as names.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sen_app::{Actor, App};

use crate::i18n::Tr;

/// A time in the reader's zone, written the way their language writes dates.
pub fn format_time(t: DateTime<Utc>, tz: &str, lang: &str) -> String {
    let zone = sen_app::clock::parse_tz(tz).unwrap_or(chrono_tz::UTC);
    let local = t.with_timezone(&zone);
    match lang {
        "vi" => local.format("%d/%m/%Y %H:%M").to_string(),
        "zh-TW" => local.format("%Y/%m/%d %H:%M").to_string(),
        _ => local.format("%b %-d, %Y %H:%M").to_string(),
    }
}

/// Names for the ids a contact refers to, so history and conflicts read as people write.
#[derive(Default)]
pub struct Names {
    users: HashMap<i64, String>,
    tags: HashMap<i64, String>,
    contacts: HashMap<i64, String>,
}

impl Names {
    /// Loads user and tag names, and the names of the given contacts (companies).
    pub async fn load(
        app: &App,
        actor: &Actor,
        contact_ids: impl IntoIterator<Item = i64>,
    ) -> Names {
        let mut names = Names {
            users: app
                .user_names()
                .await
                .unwrap_or_default()
                .into_iter()
                .collect(),
            tags: app
                .list_tags()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
            contacts: HashMap::new(),
        };
        for id in contact_ids {
            if let Ok(c) = app.get_contact(actor, id).await {
                names.contacts.insert(id, c.name);
            }
        }
        names
    }

    /// A change-log or form value of `field`, readable: names instead of ids, yes/no.
    pub fn value(&self, tr: Tr<'_>, field: &str, raw: Option<&str>) -> String {
        let Some(raw) = raw.filter(|r| !r.is_empty()) else {
            return "—".into();
        };
        let lookup = |map: &HashMap<i64, String>, id: &str| {
            id.parse::<i64>()
                .ok()
                .and_then(|i| map.get(&i).cloned())
                .unwrap_or_else(|| format!("#{id}"))
        };
        match field {
            "owner_id" => lookup(&self.users, raw),
            "company_id" => lookup(&self.contacts, raw),
            "tag_ids" => raw
                .split(',')
                .map(|t| lookup(&self.tags, t))
                .collect::<Vec<_>>()
                .join(", "),
            "is_company" => tr.t(if raw == "true" {
                "value-yes"
            } else {
                "value-no"
            }),
            "archived_at" => tr.t("value-yes"),
            _ => raw.to_string(),
        }
    }
}

/// The ids of companies mentioned in change-log values, to look their names up.
pub fn company_ids<'a>(entries: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Vec<i64> {
    entries
        .into_iter()
        .filter(|(f, _)| *f == "company_id")
        .filter_map(|(_, v)| v.and_then(|v| v.parse().ok()))
        .collect()
}
