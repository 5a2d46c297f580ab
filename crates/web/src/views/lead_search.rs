//! The search bar of the board and the lists (R3.4): free text, quick-filter chips, a
//! filter in the filter language (written by the advanced builder), grouping, sorting and
//! columns. All of it lives in the URL, so a link or a saved favourite opens the same view.

use chrono::{Datelike, NaiveDate};
use sen_store::pipelines::Stage;

/// The quick filters, each a filter-language expression (`stale` and `month` are computed).
pub const CHIPS: &[(&str, &str)] = &[
    ("mine", "user = me"),
    ("unassigned", "user = null"),
    ("open", "outcome = \"open\""),
    ("won", "outcome = \"won\""),
    ("lost", "outcome = \"lost\""),
    ("stale", ""),
    ("overdue", "activity_state = \"overdue\""),
    ("month", ""),
    ("archived", "archived"),
];

/// What a list can be grouped by.
pub const GROUPS: &[&str] = &["stage", "user", "team", "tag", "source", "closing_month"];

/// Columns a list can show; the first ones are shown by default.
pub const COLUMNS: &[&str] = &[
    "number",
    "name",
    "customer",
    "stage",
    "user",
    "expected_revenue",
    "probability",
    "expected_closing",
    "next_activity",
    "priority",
    "tags",
    "email",
    "phone",
    "team",
    "source",
    "city",
    "created_at",
];
pub const DEFAULT_COLUMNS: &[&str] = &[
    "number",
    "name",
    "customer",
    "stage",
    "user",
    "expected_revenue",
    "expected_closing",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadSearch {
    pub q: String,
    pub chips: Vec<String>,
    pub tag: Option<i64>,
    pub source: Option<i64>,
    /// Written in the filter language (the advanced builder writes here).
    pub filter: String,
    pub group: String,
    pub sort: String,
    pub cols: Vec<String>,
}

impl LeadSearch {
    pub fn from_pairs(pairs: &[(String, String)]) -> LeadSearch {
        let one = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let mut chips: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k == "chip")
            .map(|(_, v)| v.clone())
            .filter(|v| CHIPS.iter().any(|(c, _)| c == v))
            .collect();
        chips.dedup();
        let group = one("group");
        let cols: Vec<String> = one("cols")
            .split(',')
            .filter(|c| COLUMNS.contains(c))
            .map(String::from)
            .collect();
        LeadSearch {
            q: one("q"),
            chips,
            tag: one("tag").parse().ok(),
            source: one("source").parse().ok(),
            filter: one("filter"),
            group: if GROUPS.contains(&group.as_str()) {
                group
            } else {
                String::new()
            },
            sort: one("sort"),
            cols,
        }
    }

    pub fn has_chip(&self, chip: &str) -> bool {
        self.chips.iter().any(|c| c == chip)
    }

    /// The columns to show: the chosen ones, else the defaults.
    pub fn columns(&self) -> Vec<String> {
        if self.cols.is_empty() {
            DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect()
        } else {
            self.cols.clone()
        }
    }

    /// Everything the search says, as one filter-language expression (chips and the
    /// advanced filter joined with `and`). `stages` give the stale thresholds.
    pub fn filter_expr(&self, stages: &[Stage], today: NaiveDate) -> String {
        let mut parts: Vec<String> = Vec::new();
        for chip in &self.chips {
            let part = match chip.as_str() {
                "stale" => stale_expr(stages),
                "month" => format!("created_at >= today - {}d", today.day0()),
                c => CHIPS
                    .iter()
                    .find(|(k, _)| *k == c)
                    .map(|(_, e)| e.to_string())
                    .unwrap_or_default(),
            };
            if !part.is_empty() {
                parts.push(part);
            }
        }
        if let Some(t) = self.tag {
            parts.push(format!("tags has {t}"));
        }
        if let Some(s) = self.source {
            parts.push(format!("source_id = {s}"));
        }
        if !self.filter.is_empty() {
            parts.push(self.filter.clone());
        }
        match parts.len() {
            0 => String::new(),
            1 => parts.remove(0),
            _ => parts
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }

    /// The query string that reopens this search (without `pipeline`/`view`).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut p: Vec<(&'static str, String)> = Vec::new();
        if !self.q.is_empty() {
            p.push(("q", self.q.clone()));
        }
        for c in &self.chips {
            p.push(("chip", c.clone()));
        }
        if let Some(t) = self.tag {
            p.push(("tag", t.to_string()));
        }
        if let Some(s) = self.source {
            p.push(("source", s.to_string()));
        }
        if !self.filter.is_empty() {
            p.push(("filter", self.filter.clone()));
        }
        if !self.group.is_empty() {
            p.push(("group", self.group.clone()));
        }
        if !self.sort.is_empty() {
            p.push(("sort", self.sort.clone()));
        }
        if !self.cols.is_empty() {
            p.push(("cols", self.cols.join(",")));
        }
        p
    }

    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
    }

    /// This search with one chip switched on or off (for the chip links).
    pub fn toggled(&self, chip: &str) -> LeadSearch {
        let mut s = self.clone();
        if s.has_chip(chip) {
            s.chips.retain(|c| c != chip);
        } else {
            s.chips.push(chip.to_string());
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
            && self.chips.is_empty()
            && self.tag.is_none()
            && self.source.is_none()
            && self.filter.is_empty()
    }
}

/// "Stale": in a stage that says after how many days, unchanged for longer than that.
fn stale_expr(stages: &[Stage]) -> String {
    let parts: Vec<String> = stages
        .iter()
        .filter_map(|s| {
            s.stale_after_days.map(|d| {
                format!(
                    "(stage_id = {} and stage_changed_at < now - {}h)",
                    s.id,
                    d * 24
                )
            })
        })
        .collect();
    if parts.is_empty() {
        // No stage goes stale: nothing matches.
        "id < 0".into()
    } else {
        parts.join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(q).unwrap()
    }

    #[test]
    fn a_search_survives_the_round_trip_through_its_url() {
        let s = LeadSearch::from_pairs(&pairs(
            "q=nguy%E1%BB%85n&chip=mine&chip=open&tag=3&filter=priority+%3E%3D+2&group=stage&cols=name,stage",
        ));
        assert_eq!(s.chips, vec!["mine", "open"]);
        assert_eq!(LeadSearch::from_pairs(&pairs(&s.query_string())), s);
    }

    #[test]
    fn chips_and_the_advanced_filter_join_with_and() {
        let s = LeadSearch::from_pairs(&pairs("chip=mine&chip=month&filter=priority+%3E+1"));
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            s.filter_expr(&[], today),
            "(user = me) and (created_at >= today - 23d) and (priority > 1)"
        );
    }

    #[test]
    fn unknown_chips_groups_and_columns_are_ignored() {
        let s = LeadSearch::from_pairs(&pairs("chip=drop&group=evil&cols=name,password"));
        assert!(s.chips.is_empty());
        assert!(s.group.is_empty());
        assert_eq!(s.cols, vec!["name"]);
    }
}
