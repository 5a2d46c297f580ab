//! The pipeline report (api.md `GET /api/v1/reports/pipeline`): counts and revenue grouped
//! by one or two fields, over the records the reader may see, in the workspace currency.

use std::collections::HashMap;

use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::lead;
use sen_domain::money::Money;
use sen_store::reports::{self as store, GROUPS};

use crate::App;
use crate::access::Actor;
use crate::contacts::user_filter;
use crate::error::AppResult;
use crate::settings::SettingsExt;

pub const MEASURES: &[&str] = &["count", "expected_revenue", "weighted_revenue"];

#[derive(Debug, Clone, Default)]
pub struct ReportParams {
    pub pipeline_id: Option<i64>,
    /// One or two of `sen_store::reports::GROUPS`.
    pub group_by: Vec<String>,
    pub measures: Vec<String>,
    pub filter: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReportRow {
    /// The group values in `group_by` order (ids as text for references; NULL as None).
    pub keys: Vec<Option<String>>,
    pub count: i64,
    pub expected_revenue: Money,
    pub weighted_revenue: Money,
    /// Sums in currencies without a rate.
    pub other_currencies: Vec<(Money, Money)>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub group_by: Vec<String>,
    pub measures: Vec<String>,
    pub rows: Vec<ReportRow>,
    pub total: ReportRow,
}

fn check(p: &ReportParams) -> Result<(Vec<String>, Vec<String>), FieldErrors> {
    let mut e = FieldErrors::new();
    let groups: Vec<String> = p
        .group_by
        .iter()
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty())
        .collect();
    let allowed: Vec<String> = GROUPS.iter().map(|(n, _)| n.to_string()).collect();
    if groups.is_empty() || groups.len() > 2 {
        e.add(
            "group_by",
            Invalid::Message("give one or two fields to group by".into()),
        );
    }
    if groups.iter().any(|g| !allowed.contains(g)) {
        e.add("group_by", Invalid::Choice { allowed });
    }
    let measures: Vec<String> = if p.measures.is_empty() {
        MEASURES.iter().map(|m| m.to_string()).collect()
    } else {
        p.measures.iter().map(|m| m.trim().to_string()).collect()
    };
    if measures.iter().any(|m| !MEASURES.contains(&m.as_str())) {
        e.add(
            "measures",
            Invalid::Choice {
                allowed: MEASURES.iter().map(|m| m.to_string()).collect(),
            },
        );
    }
    e.into_result().map(|()| (groups, measures))
}

impl App {
    pub async fn pipeline_report(&self, actor: &Actor, p: &ReportParams) -> AppResult<Report> {
        let (groups, measures) = check(p)?;
        let filter = user_filter(actor, p.filter.as_deref(), &lead::filter_fields())?;
        let scope = self.lead_scope(actor).await?;
        let names: Vec<&str> = groups.iter().map(String::as_str).collect();
        let rows =
            store::pipeline(&self.db, &names, p.pipeline_id, &scope, filter.as_ref()).await?;
        let settings = self.settings(actor).await?;
        let currency = settings.currency()?;
        let rates = &settings.rates;
        let width = groups.len();
        let keys_of = |r: &store::Row| -> Vec<Option<String>> {
            [r.k1.clone(), r.k2.clone()]
                .into_iter()
                .take(width)
                .collect()
        };
        // The rows of each group, in the order the groups first come; one pass, so a
        // report of many groups does not compare every row with every group.
        let mut grouped: Vec<(Vec<Option<String>>, Vec<&store::Row>)> = Vec::new();
        let mut index: HashMap<Vec<Option<String>>, usize> = HashMap::new();
        for r in &rows {
            let k = keys_of(r);
            match index.get(&k) {
                Some(&i) => grouped[i].1.push(r),
                None => {
                    index.insert(k.clone(), grouped.len());
                    grouped.push((k, vec![r]));
                }
            }
        }
        let summed = |mine: &[&store::Row], keys: Vec<Option<String>>| {
            let (expected, weighted, other) = crate::board::sum_money(
                mine.iter().map(|r| {
                    (
                        r.currency.as_deref(),
                        r.revenue_minor,
                        r.weighted_centi_minor,
                    )
                }),
                currency,
                rates,
            );
            ReportRow {
                keys,
                count: mine.iter().map(|r| r.count).sum(),
                expected_revenue: expected,
                weighted_revenue: weighted,
                other_currencies: other,
            }
        };
        let all: Vec<&store::Row> = rows.iter().collect();
        let total = summed(&all, Vec::new());
        let out = grouped
            .into_iter()
            .map(|(keys, mine)| summed(&mine, keys))
            .collect();
        Ok(Report {
            group_by: groups,
            measures,
            rows: out,
            total,
        })
    }
}
