//! Grouped lists (R3.2): the groups' counts and sums come from one SQL aggregate over every
//! matching record; the rows under each group are the first ones of the list (a preview, as
//! in Odoo), so a group may show fewer rows than it counts.

use sen_domain::money::{CurrencyCode, Money};
use sen_store::leads::{GroupSum, Lead};

use super::display::format_money;
use super::lead_fields::LeadOptions;

pub struct Row {
    pub id: i64,
    pub cells: Vec<String>,
    pub archived: bool,
}

pub struct Group {
    pub label: String,
    /// Every matching record in the group.
    pub count: i64,
    pub sums: String,
    /// The first rows of the group that the page read.
    pub rows: Vec<Row>,
    /// How many of them (`rows.len()`, kept for the template's plural lookup).
    pub shown: i64,
}

impl Group {
    pub fn partial(&self) -> bool {
        self.shown < self.count
    }
}

/// The names behind group keys.
pub struct Labels<'a> {
    pub options: &'a LeadOptions,
    pub stage_of: &'a dyn Fn(i64) -> String,
    /// A stage's place among all stages (pipelines in order, stages in order).
    pub stage_rank: &'a dyn Fn(i64) -> usize,
    pub none: &'a str,
}

impl Labels<'_> {
    /// The label of a group key from SQL (ids as text, months as `YYYY-MM`).
    fn of_key(&self, group: &str, key: Option<&str>) -> String {
        let Some(key) = key else {
            return self.none.to_string();
        };
        let id = key.parse::<i64>().ok();
        let name = match group {
            "stage" => id.map(|i| (self.stage_of)(i)).unwrap_or_default(),
            "user" => self.options.user_name(id),
            "team" => self.options.team_name(id),
            "source" => self.options.source_name(id),
            "tag" => id
                .and_then(|i| self.options.tag_chips(&[i]).into_iter().next())
                .map(|(n, _)| n)
                .unwrap_or_default(),
            _ => key.to_string(),
        };
        if name.is_empty() {
            self.none.to_string()
        } else {
            name
        }
    }

    /// Where a group goes: stages in pipeline order, the rest by label, "none" last.
    fn rank(&self, group: &str, key: Option<&str>) -> (bool, usize) {
        let stage = key
            .filter(|_| group == "stage")
            .and_then(|k| k.parse::<i64>().ok())
            .map(|id| (self.stage_rank)(id));
        (key.is_none(), stage.unwrap_or(0))
    }

    /// The keys of the groups a record is in (several tags: several groups), written as
    /// the SQL aggregate writes them.
    fn keys_of(group: &str, l: &Lead) -> Vec<Option<String>> {
        let id = |v: Option<i64>| v.map(|i| i.to_string());
        match group {
            "stage" => vec![Some(l.stage_id.to_string())],
            "user" => vec![id(l.user_id)],
            "team" => vec![id(l.team_id)],
            "source" => vec![id(l.source_id)],
            "closing_month" => vec![l.expected_closing.map(|d| d.format("%Y-%m").to_string())],
            "tag" if !l.tag_ids.is_empty() => {
                l.tag_ids.iter().map(|t| Some(t.to_string())).collect()
            }
            _ => vec![None],
        }
    }
}

fn sums_text(sums: &[Money]) -> String {
    sums.iter()
        .map(format_money)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The groups, sorted by label, with their exact counts and sums and the rows read so far.
pub fn build(
    group: &str,
    sums: &[GroupSum],
    records: &[Lead],
    labels: &Labels<'_>,
    row: &dyn Fn(&Lead) -> Row,
) -> Vec<Group> {
    // Groups are told apart by their key (two pipelines may both have a "New" stage, two
    // colleagues the same name); the label is only what the reader sees.
    let mut keys: Vec<Option<String>> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut money: Vec<Vec<Money>> = Vec::new();
    let mut index =
        |key: Option<&str>, groups: &mut Vec<Group>, money: &mut Vec<Vec<Money>>| match keys
            .iter()
            .position(|k| k.as_deref() == key)
        {
            Some(i) => i,
            None => {
                keys.push(key.map(String::from));
                groups.push(Group {
                    label: labels.of_key(group, key),
                    count: 0,
                    sums: String::new(),
                    rows: Vec::new(),
                    shown: 0,
                });
                money.push(Vec::new());
                groups.len() - 1
            }
        };
    for s in sums {
        let i = index(s.key.as_deref(), &mut groups, &mut money);
        groups[i].count += s.count;
        let currency = s.currency.as_deref().and_then(CurrencyCode::parse);
        if let (Some(currency), Some(minor)) = (currency, s.revenue_minor) {
            match money[i].iter_mut().find(|m| m.currency == currency) {
                Some(m) => m.minor = m.minor.saturating_add(minor),
                None => money[i].push(Money { minor, currency }),
            }
        }
    }
    for l in records {
        for key in Labels::keys_of(group, l) {
            let i = index(key.as_deref(), &mut groups, &mut money);
            groups[i].rows.push(row(l));
        }
    }
    let ranks: Vec<(bool, usize)> = keys
        .iter()
        .map(|k| labels.rank(group, k.as_deref()))
        .collect();
    for (g, m) in groups.iter_mut().zip(&money) {
        g.sums = sums_text(m);
        g.shown = g.rows.len() as i64;
    }
    let mut ordered: Vec<((bool, usize), Group)> = ranks.into_iter().zip(groups).collect();
    ordered.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then_with(|| a.label.cmp(&b.label)));
    ordered.into_iter().map(|(_, g)| g).collect()
}
