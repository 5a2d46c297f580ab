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

/// Money the way its users write it: `78.000 ₫`, `NT$78,000`, `$78,000.00`; other
/// currencies as `1,234.50 EUR`. Exact: built from the integer minor units.
pub fn format_money(m: &sen_domain::money::Money) -> String {
    let code = m.currency.code();
    let number = amount_text(m, code != "TWD");
    match code.as_str() {
        "VND" => format!("{number} ₫"),
        "TWD" => with_sign(&number, "NT$"),
        "USD" => with_sign(&number, "$"),
        _ => format!("{number} {code}"),
    }
}

fn with_sign(number: &str, symbol: &str) -> String {
    match number.strip_prefix('-') {
        Some(n) => format!("-{symbol}{n}"),
        None => format!("{symbol}{number}"),
    }
}

/// The amount as people write it, without a symbol: thousands grouped with `.` for VND
/// and `,` for the others, decimals when the currency has them (`always`) or when they are
/// not zero. Forms show this too, and `Money::parse_typed` reads it back.
pub fn amount_text(m: &sen_domain::money::Money, always: bool) -> String {
    let exp = m.currency.exponent();
    let scale = 10_i128.pow(exp);
    let v = i128::from(m.minor);
    let (whole, frac) = (v.abs() / scale, v.abs() % scale);
    let sign = if v < 0 { "-" } else { "" };
    let sep = if m.currency.code() == "VND" { '.' } else { ',' };
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let decimals = if exp == 0 || (!always && frac == 0) {
        String::new()
    } else {
        format!(".{:0width$}", frac, width = exp as usize)
    };
    format!("{sign}{grouped}{decimals}")
}

/// A date the way the reader's language writes it: 23/11/2026, 2026/11/23, Nov 23, 2026.
pub fn format_date(d: chrono::NaiveDate, lang: &str) -> String {
    match lang {
        "vi" => d.format("%d/%m/%Y").to_string(),
        "zh-TW" => d.format("%Y/%m/%d").to_string(),
        _ => d.format("%b %-d, %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sen_domain::money::Money;

    fn money(a: &str, c: &str) -> String {
        format_money(&Money::parse(a, c).unwrap())
    }

    #[test]
    fn money_is_written_as_each_currency_is_read() {
        assert_eq!(money("78000", "VND"), "78.000 ₫");
        assert_eq!(money("78000", "TWD"), "NT$78,000");
        assert_eq!(money("78000.5", "TWD"), "NT$78,000.50");
        assert_eq!(money("78000", "USD"), "$78,000.00");
        assert_eq!(money("999", "VND"), "999 ₫");
        assert_eq!(money("1234567.5", "EUR"), "1,234,567.50 EUR");
        assert_eq!(money("0", "USD"), "$0.00");
    }

    #[test]
    fn forms_show_amounts_that_read_back_unchanged() {
        for (a, c, shown) in [
            ("78000", "VND", "78.000"),
            ("78000", "TWD", "78,000"),
            ("1234567.5", "USD", "1,234,567.50"),
            ("12.05", "USD", "12.05"),
            ("999", "VND", "999"),
        ] {
            let m = Money::parse(a, c).unwrap();
            let text = amount_text(&m, false);
            assert_eq!(text, shown);
            assert_eq!(Money::parse_typed(&text, c), Ok(m), "{text} {c}");
        }
    }

    #[test]
    fn dates_follow_the_readers_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(format_date(d, "vi"), "23/11/2026");
        assert_eq!(format_date(d, "zh-TW"), "2026/11/23");
        assert_eq!(format_date(d, "en"), "Nov 23, 2026");
    }
}
