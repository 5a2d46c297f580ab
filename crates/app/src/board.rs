//! The pipeline board (`GET /api/v1/board`, issue #3 item 9).

use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::lead;
use sen_domain::money::{CurrencyCode, Money, round_div};
use sen_domain::search;
use sen_store::board::{self, BoardSpec};
use sen_store::leads::Lead;
use sen_store::pipelines::{Pipeline, Stage};

use crate::App;
use crate::access::Actor;
use crate::clock::now;
use crate::contacts::user_filter;
use crate::error::{AppError, AppResult};
use crate::settings::SettingsExt;

pub const DEFAULT_PER_STAGE: i64 = 40;
pub const MAX_PER_STAGE: i64 = 200;

#[derive(Debug, Clone, Default)]
pub struct BoardParams {
    pub pipeline_id: Option<i64>,
    pub filter: Option<String>,
    pub q: Option<String>,
    pub per_stage: Option<i64>,
    /// Include the cards of folded stages too.
    pub include_folded: bool,
    /// Only this stage, its cards after `cursor` (to load more in one column).
    pub stage_id: Option<i64>,
    pub cursor: Option<String>,
    /// Only the figures of every column (a page refreshing its column heads after a move).
    pub without_cards: bool,
}

/// One column: figures over every record it holds, and its first cards.
#[derive(Debug, Clone)]
pub struct Column {
    pub stage: Stage,
    pub count: i64,
    /// In the workspace currency.
    pub expected_revenue: Money,
    pub weighted_revenue: Money,
    /// Records in currencies without a rate, summed per currency (never mixed in silently);
    /// currencies with a rate an admin set are counted in the workspace currency.
    pub other_currencies: Vec<(Money, Money)>,
    pub stale: i64,
    /// Records by their most urgent open activity: overdue, due today, planned.
    pub activity: (i64, i64, i64),
    pub cards: Vec<Lead>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Board {
    pub pipeline: Pipeline,
    pub columns: Vec<Column>,
}

impl App {
    pub async fn board(&self, actor: &Actor, p: &BoardParams) -> AppResult<Board> {
        let per_stage = p.per_stage.unwrap_or(DEFAULT_PER_STAGE);
        if !(1..=MAX_PER_STAGE).contains(&per_stage) {
            return Err(AppError::field(
                "per_stage",
                Invalid::Range {
                    min: 1,
                    max: MAX_PER_STAGE,
                },
            ));
        }
        let settings = self.settings(actor).await?;
        let pipeline = match p.pipeline_id {
            Some(id) => settings
                .pipeline(id)
                .ok_or_else(|| AppError::field("pipeline_id", Invalid::NotFound))?,
            None => settings
                .deal_pipeline()
                .ok_or_else(|| AppError::field("pipeline_id", Invalid::Required))?,
        }
        .clone();
        let filter = user_filter(actor, p.filter.as_deref(), &lead::filter_fields())?;
        let query = search::parse_query(p.q.as_deref().unwrap_or(""));
        let scope = self.lead_scope(actor).await?;
        let spec = BoardSpec {
            pipeline_id: pipeline.id,
            scope: &scope,
            filter: filter.as_ref(),
            query: &query,
            per_stage,
            now: now(),
        };
        let currency = settings.currency()?;
        let rates = &settings.rates;

        if let Some(stage_id) = p.stage_id {
            let Some(stage) = pipeline.stages.iter().find(|s| s.id == stage_id).cloned() else {
                return Err(AppError::field(
                    "stage_id",
                    Invalid::Message("not a stage of this pipeline".into()),
                ));
            };
            let (cards, next) = board::more_cards(&self.db, &spec, stage_id, p.cursor.as_deref())
                .await?
                .map_err(|_| {
                    AppError::field(
                        "cursor",
                        Invalid::Message("not a cursor of this column".into()),
                    )
                })?;
            let sums = board::sums(&self.db, &spec, std::slice::from_ref(&stage)).await?;
            let mut column = column_of(stage, &sums, currency, rates);
            column.cards = cards;
            column.next_cursor = next;
            return Ok(Board {
                pipeline,
                columns: vec![column],
            });
        }
        if p.cursor.is_some() {
            let mut e = FieldErrors::new();
            e.add(
                "cursor",
                Invalid::Message("give `stage_id` with a cursor".into()),
            );
            return Err(e.into());
        }
        let sums = board::sums(&self.db, &spec, &pipeline.stages).await?;
        let with_cards: Vec<i64> = pipeline
            .stages
            .iter()
            .filter(|s| !p.without_cards && (p.include_folded || !s.folded))
            .map(|s| s.id)
            .collect();
        let cards = if with_cards.is_empty() {
            Vec::new()
        } else {
            board::first_cards(&self.db, &spec, &with_cards).await?
        };
        let columns = pipeline
            .stages
            .iter()
            .map(|stage| {
                let mut column = column_of(stage.clone(), &sums, currency, rates);
                column.cards = cards
                    .iter()
                    .filter(|c| c.stage_id == stage.id)
                    .cloned()
                    .collect();
                if column.count > column.cards.len() as i64 && with_cards.contains(&stage.id) {
                    column.next_cursor = column.cards.last().map(board::cursor_after);
                }
                column
            })
            .collect();
        Ok(Board { pipeline, columns })
    }
}

/// Sums of (currency, revenue, revenue × probability) rows in the workspace currency, with
/// other currencies converted at the rates managers set; those without a rate are kept
/// apart per currency (never mixed in silently).
pub(crate) fn sum_money<'a>(
    rows: impl Iterator<Item = (Option<&'a str>, Option<i64>, Option<i64>)>,
    currency: CurrencyCode,
    rates: &[sen_store::rates::Rate],
) -> (Money, Money, Vec<(Money, Money)>) {
    let mut expected = Money::zero(currency);
    let mut weighted = Money::zero(currency);
    let mut other: Vec<(Money, Money)> = Vec::new();
    for (code, minor, weighted_centi) in rows {
        let (Some(code), Some(minor)) = (code.and_then(CurrencyCode::parse), minor) else {
            continue;
        };
        let w = round_div(i128::from(weighted_centi.unwrap_or(0)), 100);
        let rate = rates
            .iter()
            .find(|r| r.currency == code.code())
            .map(|r| r.rate_micro);
        if code == currency {
            expected.minor += minor;
            weighted.minor += w;
        } else if let Some(rate) = rate {
            expected.minor += sen_domain::money::convert(minor, code, currency, rate);
            weighted.minor += sen_domain::money::convert(w, code, currency, rate);
        } else if let Some(o) = other.iter_mut().find(|o| o.0.currency == code) {
            o.0.minor += minor;
            o.1.minor += w;
        } else {
            other.push((
                Money {
                    minor,
                    currency: code,
                },
                Money {
                    minor: w,
                    currency: code,
                },
            ));
        }
    }
    (expected, weighted, other)
}

fn column_of(
    stage: Stage,
    sums: &[board::StageSums],
    currency: CurrencyCode,
    rates: &[sen_store::rates::Rate],
) -> Column {
    let mine: Vec<&board::StageSums> = sums.iter().filter(|s| s.stage_id == stage.id).collect();
    let count = mine.iter().map(|s| s.count).sum();
    let stale = mine.iter().map(|s| s.stale).sum();
    let activity = mine.iter().fold((0, 0, 0), |(o, t, p), s| {
        (o + s.overdue, t + s.today, p + s.planned)
    });
    let (expected, weighted, other) = sum_money(
        mine.iter().map(|s| {
            (
                s.currency.as_deref(),
                s.revenue_minor,
                s.weighted_centi_minor,
            )
        }),
        currency,
        rates,
    );
    Column {
        stage,
        count,
        expected_revenue: expected,
        weighted_revenue: weighted,
        other_currencies: other,
        stale,
        activity,
        cards: vec![],
        next_cursor: None,
    }
}
