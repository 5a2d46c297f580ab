//! Importing leads from a CSV file (R9.2, benchmark.md's "import"): every row is checked
//! first — names of tags, stages, teams, salespeople and sources resolved, values validated,
//! a stage's required fields present — and only a file without a single problem is written,
//! in one transaction through the bulk path, so nothing is ever half-imported. A dry run
//! answers the same checks without writing (the page's preview).

use std::collections::HashMap;

use chrono::NaiveDate;
use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::import::{self, LeadColumn, Row};
use sen_domain::lead::{LeadType, LeadValues, Outcome};
use sen_domain::money::Money;
use sen_domain::search::fold;
use sen_store::lead_bulk::{self, BulkLead};
use sen_store::leads as store_leads;
use sen_store::lookups::LookupKind;
use sen_store::pipelines::{Pipeline, Stage};
use sen_store::{tags, users};

use crate::App;
use crate::access::{self, Actor};
use crate::clock::now;
use crate::error::{AppError, AppResult};

/// Problems named in one answer at most (a broken file would otherwise name every row).
const MAX_PROBLEMS: usize = 100;

/// Imports this large refresh the planner's statistics.
const ANALYZE_AFTER_ROWS: usize = 10_000;

/// Rows shown back by a dry run.
const PREVIEW_ROWS: usize = 5;

/// Rows checked and written together (memory per import ≈ this many leads).
const IMPORT_CHUNK: usize = 2_000;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Check only; write nothing.
    pub dry_run: bool,
    /// The field of each column, in order (`None` skips it); guessed from the header when
    /// not given.
    pub columns: Option<Vec<Option<LeadColumn>>>,
    /// Leads or opportunities (default: leads).
    pub kind: Option<LeadType>,
    /// The pipeline they go to (default: the first of their kind).
    pub pipeline_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub dry_run: bool,
    pub rows: usize,
    pub created: usize,
    pub pipeline_id: i64,
    pub kind: LeadType,
    /// Each column's header and the field it fills.
    pub columns: Vec<(String, Option<LeadColumn>)>,
    /// The first rows as they would be written.
    pub preview: Vec<LeadValues>,
    pub seconds: f64,
}

/// Names → ids of everything a row may name, loaded once per import.
struct Names {
    tags: HashMap<String, i64>,
    teams: HashMap<String, i64>,
    users: HashMap<String, i64>,
    first_team_of: HashMap<i64, i64>,
    /// Folded stage name → its place in the pipeline's stages.
    stages: HashMap<String, usize>,
    sources: HashMap<String, i64>,
    mediums: HashMap<String, i64>,
    campaigns: HashMap<String, i64>,
}

/// A name two records share: naming it picks neither.
const AMBIGUOUS: i64 = -1;

fn by_name<T>(
    items: impl IntoIterator<Item = T>,
    f: impl Fn(&T) -> (String, i64),
) -> HashMap<String, i64> {
    let mut map = HashMap::new();
    for t in items {
        let (name, id) = f(&t);
        map.entry(fold(&name))
            .and_modify(|known| {
                if *known != id {
                    *known = AMBIGUOUS;
                }
            })
            .or_insert(id);
    }
    map
}

impl App {
    /// Whether the actor may import (checked before a big upload is read).
    pub fn may_import(&self, actor: &Actor) -> AppResult<()> {
        access::require_manager(actor)
    }

    pub async fn import_leads(
        &self,
        actor: &Actor,
        csv: &[u8],
        o: ImportOptions,
    ) -> AppResult<ImportOutcome> {
        self.may_import(actor)?;
        let started = std::time::Instant::now();
        let file_error = |why| AppError::field("file", why);
        let mut rows = import::open_csv(csv).map_err(file_error)?;
        let header = std::mem::take(&mut rows.header);
        let columns = match &o.columns {
            Some(c) => check_columns(c, header.len())?,
            None => header.iter().map(|h| import::guess_column(h)).collect(),
        };
        if !columns.contains(&Some(LeadColumn::Name)) {
            return Err(AppError::field("columns", Invalid::Required));
        }
        let pipeline = self
            .import_pipeline(o.kind.unwrap_or(LeadType::Lead), o.pipeline_id)
            .await?;
        // Like a created record: the type follows the pipeline unless it is given.
        let kind = o.kind.unwrap_or(if pipeline.kind == "deal" {
            LeadType::Opportunity
        } else {
            LeadType::Lead
        });
        let names = self.import_names(&pipeline).await?;
        if pipeline.stages.is_empty() {
            return Err(AppError::field("pipeline_id", Invalid::NotFound));
        }
        let currency = self
            .workspace()
            .await?
            .map(|w| w.currency)
            .unwrap_or_else(|| "VND".into());
        let mut checker = Checker {
            columns: &columns,
            names: &names,
            currency: &currency,
            stages: &pipeline.stages,
            problems: FieldErrors::new(),
        };
        let mut outcome = ImportOutcome {
            dry_run: o.dry_run,
            rows: 0,
            created: 0,
            pipeline_id: pipeline.id,
            kind,
            columns: header
                .iter()
                .cloned()
                .zip(columns.iter().copied())
                .collect(),
            preview: Vec::new(),
            seconds: 0.0,
        };
        // Rows are checked and written a chunk at a time inside one transaction, so memory
        // stays flat however long the file is. The transaction opens when the first chunk
        // is full; the first problem rolls it back at once (nothing is ever half-imported)
        // and the checking goes on, without writing, to name more problems.
        let mut tx: Option<sen_store::Tx> = None;
        let at = now();
        let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
        for row in rows {
            let row = row.map_err(file_error)?;
            let Some(checked) = checker.check(&row) else {
                tx = None;
                chunk = Vec::new();
                continue;
            };
            outcome.rows += 1;
            if outcome.preview.len() < PREVIEW_ROWS {
                outcome.preview.push(checked.0.clone());
            }
            if !o.dry_run && checker.problems.is_empty() {
                chunk.push(checked);
                if chunk.len() == IMPORT_CHUNK {
                    let tx = match tx.as_mut() {
                        Some(tx) => tx,
                        None => tx.insert(self.db.begin().await?),
                    };
                    let batch = bulk_leads(tx, &pipeline, kind, std::mem::take(&mut chunk)).await?;
                    lead_bulk::insert_many(tx, &batch, actor.user_id, at).await?;
                }
            }
        }
        if !checker.problems.is_empty() {
            return Err(checker.problems.into());
        }
        if !o.dry_run && outcome.rows > 0 {
            let mut tx = match tx {
                Some(tx) => tx,
                None => self.db.begin().await?,
            };
            if !chunk.is_empty() {
                let batch = bulk_leads(&mut tx, &pipeline, kind, chunk).await?;
                lead_bulk::insert_many(&mut tx, &batch, actor.user_id, at).await?;
            }
            tx.commit().await?;
            outcome.created = outcome.rows;
            // Fold the aggregates' new rows now rather than on the next tick, and let the
            // planner see a table that grew a lot.
            // The records are committed: upkeep that fails is logged, never reported as a
            // failed import (a retry would import them twice).
            if let Err(e) = self.compact_lead_sums().await {
                tracing::warn!(error = %e, "compacting the sums after an import");
            }
            if outcome.created >= ANALYZE_AFTER_ROWS
                && let Err(e) = lead_bulk::analyze(&self.db).await
            {
                tracing::warn!(error = %e, "refreshing statistics after an import");
            }
        }
        outcome.seconds = started.elapsed().as_secs_f64();
        Ok(outcome)
    }

    async fn import_pipeline(&self, kind: LeadType, id: Option<i64>) -> AppResult<Pipeline> {
        let all = self.list_pipelines().await?;
        let want = if kind == LeadType::Lead {
            "lead"
        } else {
            "deal"
        };
        let pipeline = match id {
            Some(id) => all
                .into_iter()
                .find(|p| p.id == id)
                .ok_or_else(|| AppError::field("pipeline_id", Invalid::NotFound)),
            None => all
                .into_iter()
                .find(|p| p.kind == want)
                .ok_or_else(|| AppError::field("pipeline_id", Invalid::Required)),
        }?;
        if pipeline.stages.is_empty() {
            return Err(AppError::field(
                "pipeline_id",
                Invalid::Message("this pipeline has no stages".into()),
            ));
        }
        Ok(pipeline)
    }

    async fn import_names(&self, pipeline: &Pipeline) -> AppResult<Names> {
        let conn = &mut &self.db;
        let all_users = users::list(conn).await?;
        let mut users_by = by_name(all_users.iter().filter(|u| u.active), |u| {
            (u.name.clone(), u.id)
        });
        users_by.extend(
            all_users
                .iter()
                .filter(|u| u.active)
                .map(|u| (u.email.to_lowercase(), u.id)),
        );
        let all_teams = self.list_teams().await?;
        let mut first_team_of = HashMap::new();
        for t in all_teams.iter().filter(|t| t.active) {
            for m in &t.member_ids {
                first_team_of.entry(*m).or_insert(t.id);
            }
        }
        let lookup = |kind| async move {
            AppResult::Ok(by_name(self.list_lookups(kind).await?, |l| {
                (l.name.clone(), l.id)
            }))
        };
        Ok(Names {
            tags: by_name(tags::list(conn).await?, |t| (t.name.clone(), t.id)),
            teams: by_name(all_teams.iter().filter(|t| t.active), |t| {
                (t.name.clone(), t.id)
            }),
            users: users_by,
            first_team_of,
            stages: pipeline
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| (fold(&s.name), i))
                .collect(),
            sources: lookup(LookupKind::Source).await?,
            mediums: lookup(LookupKind::Medium).await?,
            campaigns: lookup(LookupKind::Campaign).await?,
        })
    }
}

/// Checks rows one at a time, keeping the first problems (field names say the line).
struct Checker<'a> {
    columns: &'a [Option<LeadColumn>],
    names: &'a Names,
    currency: &'a str,
    stages: &'a [Stage],
    problems: FieldErrors,
}

impl Checker<'_> {
    /// The row as lead values and its stage, or `None` when it has a problem.
    fn check(&mut self, row: &Row) -> Option<(LeadValues, usize)> {
        let mut e = FieldErrors::new();
        let checked = read_row(
            row,
            self.columns,
            self.names,
            self.currency,
            self.stages,
            &mut e,
        );
        if e.is_empty() {
            return Some(checked);
        }
        if self.problems.0.len() < MAX_PROBLEMS {
            for (field, why) in e.0 {
                for w in why {
                    self.problems.add(&format!("rows[{}].{field}", row.line), w);
                }
            }
        }
        None
    }
}

/// Checked rows as the bulk path writes them, numbered in the pipeline.
async fn bulk_leads(
    tx: &mut sen_store::Tx,
    pipeline: &Pipeline,
    kind: LeadType,
    rows: Vec<(LeadValues, usize)>,
) -> AppResult<Vec<BulkLead>> {
    let (first, prefix) = store_leads::reserve_numbers(tx, pipeline.id, rows.len() as i64).await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(k, (values, stage))| {
            let stage = &pipeline.stages[stage];
            let won = stage.is_won;
            BulkLead {
                number: format!("{prefix}{}", first + k as i64),
                kind: kind.as_str(),
                pipeline_id: pipeline.id,
                stage_id: stage.id,
                outcome: if won { Outcome::Won } else { Outcome::Open }.as_str(),
                probability: if won {
                    100
                } else {
                    values.probability.unwrap_or(stage.probability)
                },
                outcome_reason_id: None,
                closed: won,
                activities: Vec::new(),
                values,
            }
        })
        .collect())
}

/// A mapping must have one entry per column and name each field once.
fn check_columns(
    columns: &[Option<LeadColumn>],
    header_len: usize,
) -> AppResult<Vec<Option<LeadColumn>>> {
    let n = header_len as i64;
    if columns.len() as i64 != n {
        return Err(AppError::field(
            "columns",
            Invalid::Range { min: n, max: n },
        ));
    }
    let mut seen = Vec::new();
    for c in columns.iter().flatten() {
        if seen.contains(c) {
            return Err(AppError::field("columns", Invalid::Taken));
        }
        seen.push(*c);
    }
    Ok(columns.to_vec())
}

/// Dates as spreadsheets in our languages write them.
fn parse_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// One row as lead values and its stage; problems go to `e` under the field's name.
fn read_row(
    row: &Row,
    columns: &[Option<LeadColumn>],
    names: &Names,
    workspace_currency: &str,
    stages: &[Stage],
    e: &mut FieldErrors,
) -> (LeadValues, usize) {
    let mut v = LeadValues::default();
    let mut stage = None;
    let (mut amount, mut currency) = (None, None);
    let find = |map: &HashMap<String, i64>, field: &str, name: &str, e: &mut FieldErrors| {
        let id = map
            .get(&name.to_lowercase())
            .or_else(|| map.get(&fold(name)))
            .copied();
        match id {
            None => e.add(
                field,
                Invalid::NoMatch {
                    name: name.to_string(),
                },
            ),
            Some(AMBIGUOUS) => e.add(
                field,
                Invalid::Ambiguous {
                    name: name.to_string(),
                },
            ),
            Some(id) => return Some(id),
        }
        None
    };
    for (i, column) in columns.iter().enumerate() {
        let (Some(column), Some(cell)) = (column, row.cell(i)) else {
            continue;
        };
        let text = Some(cell.to_string());
        match column {
            LeadColumn::Name => v.name = cell.to_string(),
            LeadColumn::ContactName => v.contact_name = text,
            LeadColumn::CompanyName => v.company_name = text,
            LeadColumn::Email => v.email = text,
            LeadColumn::Phone => v.phone = text,
            LeadColumn::Mobile => v.mobile = text,
            LeadColumn::JobPosition => v.job_position = text,
            LeadColumn::Website => v.website = text,
            LeadColumn::Street => v.street = text,
            LeadColumn::Ward => v.ward = text,
            LeadColumn::District => v.district = text,
            LeadColumn::City => v.city = text,
            LeadColumn::Country => v.country = text,
            LeadColumn::Description => v.description = text,
            LeadColumn::ReferredBy => v.referred_by = text,
            LeadColumn::ExpectedRevenue => amount = Some(cell),
            LeadColumn::Currency => currency = Some(cell),
            LeadColumn::Priority => match cell.parse::<i64>() {
                Ok(p @ 0..=3) => v.priority = p,
                _ => e.add("priority", Invalid::Range { min: 0, max: 3 }),
            },
            LeadColumn::ExpectedClosing => match parse_date(cell) {
                Some(d) => v.expected_closing = Some(d),
                None => e.add(
                    "expected_closing",
                    Invalid::Type {
                        expected: "date (YYYY-MM-DD)".into(),
                    },
                ),
            },
            LeadColumn::Tags => {
                for name in import::tag_names(cell) {
                    v.tag_ids.extend(find(&names.tags, "tags", name, e));
                }
            }
            LeadColumn::User => v.user_id = find(&names.users, "user", cell, e),
            LeadColumn::Team => v.team_id = find(&names.teams, "team", cell, e),
            LeadColumn::Stage => match names.stages.get(&fold(cell)) {
                Some(i) => stage = Some(*i),
                None => e.add(
                    "stage",
                    Invalid::NoMatch {
                        name: cell.to_string(),
                    },
                ),
            },
            LeadColumn::Source => v.source_id = find(&names.sources, "source", cell, e),
            LeadColumn::Medium => v.medium_id = find(&names.mediums, "medium", cell, e),
            LeadColumn::Campaign => v.campaign_id = find(&names.campaigns, "campaign", cell, e),
        }
    }
    if let Some(amount) = amount {
        let currency = currency.unwrap_or(workspace_currency);
        match Money::parse_typed(amount, currency) {
            Ok(m) => v.expected_revenue = Some(m),
            Err(_) => e.add(
                "expected_revenue",
                Invalid::Type {
                    expected: "amount".into(),
                },
            ),
        }
    }
    if v.team_id.is_none() {
        v.team_id = v.user_id.and_then(|u| names.first_team_of.get(&u).copied());
    }
    let v = v.cleaned();
    if let Err(ve) = v.validate() {
        e.merge(ve);
    }
    // Without a stage column, the pipeline's first stage (the caller checked there is one).
    let stage = stage.unwrap_or(0);
    for missing in v.missing(&stages[stage].required_fields()) {
        e.add(
            &missing,
            Invalid::Message("required before entering this stage".into()),
        );
    }
    (v, stage)
}
