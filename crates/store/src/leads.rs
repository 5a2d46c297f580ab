//! Leads and opportunities: rows, numbering, search, duplicates, keyset-paged lists.

use chrono::{DateTime, NaiveDate, Utc};
use sen_domain::filter::Cond;
use sen_domain::lead::{LeadDerived, LeadValues};
use sen_domain::list::SortKey;
use sen_domain::money::Money;
use sen_domain::search::SearchQuery;

use crate::conn::Conn;
use crate::db::{Backend, Db, Tx};
use crate::error::Result;
use crate::filter_sql::{self, Target};
use crate::listing::{self, BadCursor, KeyKind, KeyValue, Listed, Page, PageQuery, SortExpr};
use crate::shared::{self, SearchIndex};
use crate::sql::{Arg, Sql};

/// A lead or opportunity as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Lead {
    pub id: i64,
    pub number: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub name: String,
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub outcome: String,
    pub outcome_reason_id: Option<i64>,
    pub feedback: Option<String>,
    pub user_id: Option<i64>,
    pub team_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub company_name: Option<String>,
    pub contact_name: Option<String>,
    pub salutation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub job_position: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub priority: i64,
    pub color: i64,
    pub revenue_minor: Option<i64>,
    pub currency: Option<String>,
    pub probability: i64,
    pub probability_manual: bool,
    pub expected_closing: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub source_id: Option<i64>,
    pub medium_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub referred_by: Option<String>,
    pub description: Option<String>,
    pub custom: sqlx::types::Json<serde_json::Value>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    pub converted_by: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<i64>,
    pub stage_changed_at: DateTime<Utc>,
    pub name_fold: String,
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
    /// The most urgent open activity: its due date and due day (UTC bounds).
    pub activity_due: Option<NaiveDate>,
    pub activity_day_start: Option<DateTime<Utc>>,
    pub activity_day_end: Option<DateTime<Utc>>,
    #[sqlx(skip)]
    pub tag_ids: Vec<i64>,
}

impl Lead {
    /// The state of its most urgent open activity at `now`, if it has one.
    pub fn activity_state(&self, now: DateTime<Utc>) -> Option<sen_domain::activity::State> {
        match (self.activity_day_start, self.activity_day_end) {
            (Some(s), Some(e)) => Some(sen_domain::activity::state_at(now, s, e)),
            _ => None,
        }
    }

    pub fn expected_revenue(&self) -> Option<Money> {
        match (self.revenue_minor, &self.currency) {
            (Some(minor), Some(c)) => {
                sen_domain::money::CurrencyCode::parse(c).map(|currency| Money { minor, currency })
            }
            _ => None,
        }
    }

    pub fn values(&self) -> LeadValues {
        LeadValues {
            name: self.name.clone(),
            user_id: self.user_id,
            team_id: self.team_id,
            contact_id: self.contact_id,
            company_name: self.company_name.clone(),
            contact_name: self.contact_name.clone(),
            salutation: self.salutation.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            mobile: self.mobile.clone(),
            job_position: self.job_position.clone(),
            website: self.website.clone(),
            street: self.street.clone(),
            ward: self.ward.clone(),
            district: self.district.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            priority: self.priority,
            color: self.color,
            tag_ids: self.tag_ids.clone(),
            expected_revenue: self.expected_revenue(),
            probability: self.probability_manual.then_some(self.probability),
            expected_closing: self.expected_closing,
            due_date: self.due_date,
            source_id: self.source_id,
            medium_id: self.medium_id,
            campaign_id: self.campaign_id,
            referred_by: self.referred_by.clone(),
            description: self.description.clone(),
            custom: self.custom.0.as_object().cloned().unwrap_or_default(),
        }
    }
}

impl Listed for Lead {
    fn id(&self) -> i64 {
        self.id
    }

    fn key(&self, field: &str) -> KeyValue {
        match field {
            "name" => KeyValue::Text(self.name_fold.clone()),
            "number" => KeyValue::Text(self.number.clone()),
            "created_at" => KeyValue::Time(self.created_at),
            "updated_at" => KeyValue::Time(self.updated_at),
            "expected_closing" => KeyValue::Text(
                self.expected_closing
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            "next_activity" => KeyValue::Text(
                self.activity_due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| NO_ACTIVITY.into()),
            ),
            "priority" => KeyValue::Int(self.priority),
            "id" => KeyValue::Int(self.id),
            "probability" => KeyValue::Int(self.probability),
            "expected_revenue" => {
                KeyValue::Int(self.expected_revenue().map(|m| m.milli()).unwrap_or(0))
            }
            _ => KeyValue::Int(self.id),
        }
    }
}

pub(crate) const COLUMNS: &str = "l.id, l.number, l.type, l.name, l.pipeline_id, l.stage_id, l.outcome, l.outcome_reason_id, \
    l.feedback, l.user_id, l.team_id, l.contact_id, l.company_name, l.contact_name, l.salutation, l.email, l.phone, \
    l.mobile, l.job_position, l.website, l.street, l.ward, l.district, l.city, l.country, l.priority, l.color, \
    l.revenue_minor, l.currency, l.probability, l.probability_manual, l.expected_closing, l.due_date, l.source_id, \
    l.medium_id, l.campaign_id, l.referred_by, l.description, l.custom, l.assigned_at, l.converted_at, \
    l.converted_by, l.closed_at, l.closed_by, l.stage_changed_at, l.name_fold, l.version, l.archived_at, \
    l.created_at, l.created_by, l.updated_at, l.updated_by, l.activity_due, l.activity_day_start, \
    l.activity_day_end";

const FROM: &str = " FROM leads l JOIN stages s ON s.id = l.stage_id";
/// `FROM` of a search read off the trigram index (see `shared::fts_can_drive`).
const FROM_FTS: &str =
    " FROM leads_fts f JOIN leads l ON l.id = f.rowid JOIN stages s ON s.id = l.stage_id";
/// `FROM` of a search's capped count on SQLite when the access rule and the filter only name
/// columns of the narrow `leads_search_count` index (migration 0016): each match is checked
/// there instead of in its lead's wide row (1,001 matches at 100k: 3.2 → 1.1 ms). SQLite
/// prefers the primary key for `l.id = f.rowid`, hence `INDEXED BY`.
const FROM_FTS_COUNT: &str =
    " FROM leads_fts f JOIN leads l INDEXED BY leads_search_count ON l.id = f.rowid";

/// A filter field held by `leads_search_count` (id, archived_at, user_id, team_id).
fn search_count_target(field: &str) -> Option<Target> {
    match field_target(field)? {
        t @ (Target::Column("l.id" | "l.user_id" | "l.team_id") | Target::Archived(_)) => Some(t),
        _ => None,
    }
}

pub(crate) const SEARCH: SearchIndex = SearchIndex {
    id: "l.id",
    text: "l.search_text",
    fts_table: "leads_fts",
};

/// The sort key of a record without an open activity: after every date.
const NO_ACTIVITY: &str = "9999-12-31";

/// Where each filterable lead field lives.
pub fn field_target(field: &str) -> Option<Target> {
    // Fields stored under their own name in `leads`.
    const PLAIN: &[(&str, &str)] = &[
        ("id", "l.id"),
        ("number", "l.number"),
        ("name", "l.name"),
        ("outcome", "l.outcome"),
        ("company_name", "l.company_name"),
        ("contact_name", "l.contact_name"),
        ("salutation", "l.salutation"),
        ("email", "l.email"),
        ("phone", "l.phone"),
        ("mobile", "l.mobile"),
        ("job_position", "l.job_position"),
        ("website", "l.website"),
        ("street", "l.street"),
        ("ward", "l.ward"),
        ("district", "l.district"),
        ("city", "l.city"),
        ("country", "l.country"),
        ("referred_by", "l.referred_by"),
        ("description", "l.description"),
        ("currency", "l.currency"),
        ("priority", "l.priority"),
        ("color", "l.color"),
        ("probability", "l.probability"),
        ("pipeline_id", "l.pipeline_id"),
        ("stage_id", "l.stage_id"),
        ("contact_id", "l.contact_id"),
        ("team_id", "l.team_id"),
        ("source_id", "l.source_id"),
        ("medium_id", "l.medium_id"),
        ("campaign_id", "l.campaign_id"),
        ("outcome_reason_id", "l.outcome_reason_id"),
        ("user_id", "l.user_id"),
        ("expected_closing", "l.expected_closing"),
        ("due_date", "l.due_date"),
        ("archived_at", "l.archived_at"),
        ("created_at", "l.created_at"),
        ("updated_at", "l.updated_at"),
        ("closed_at", "l.closed_at"),
        ("converted_at", "l.converted_at"),
        ("stage_changed_at", "l.stage_changed_at"),
        ("created_by", "l.created_by"),
        ("next_activity", "l.activity_due"),
        ("activity_day_start", "l.activity_day_start"),
        ("activity_day_end", "l.activity_day_end"),
    ];
    Some(match field {
        "type" => Target::Column("l.type"),
        "name" => Target::Folded {
            column: "l.name",
            folded: "l.name_fold",
        },
        "user" => Target::Column("l.user_id"),
        "stage.is_won" => Target::Column("s.is_won"),
        "expected_revenue" => Target::Milli("l.revenue_milli"),
        "archived" => Target::Archived("l.archived_at"),
        "tags" => Target::Tags {
            link_table: "lead_tags",
            owner_column: "lead_id",
            record_id: "l.id",
        },
        f => Target::Column(PLAIN.iter().find(|(name, _)| *name == f)?.1),
    })
}

fn sort_expr(field: &str) -> SortExpr {
    match field {
        "name" => SortExpr {
            expr: "l.name_fold",
            kind: KeyKind::Text,
        },
        "number" => SortExpr {
            expr: "l.number",
            kind: KeyKind::Text,
        },
        "created_at" => SortExpr {
            expr: "l.created_at",
            kind: KeyKind::Time,
        },
        // Newest first by default: ids grow with creation, so this is the creation order
        // read straight off the primary key instead of sorting every match.
        "id" => SortExpr {
            expr: "l.id",
            kind: KeyKind::Int,
        },
        "updated_at" => SortExpr {
            expr: "l.updated_at",
            kind: KeyKind::Time,
        },
        "expected_closing" => SortExpr {
            expr: "COALESCE(CAST(l.expected_closing AS TEXT), '')",
            kind: KeyKind::Text,
        },
        "next_activity" => SortExpr {
            expr: "COALESCE(CAST(l.activity_due AS TEXT), '9999-12-31')",
            kind: KeyKind::Text,
        },
        "priority" => SortExpr {
            expr: "l.priority",
            kind: KeyKind::Int,
        },
        "probability" => SortExpr {
            expr: "l.probability",
            kind: KeyKind::Int,
        },
        "expected_revenue" => SortExpr {
            expr: "COALESCE(l.revenue_milli, 0)",
            kind: KeyKind::Int,
        },
        _ => SortExpr {
            expr: "l.id",
            kind: KeyKind::Int,
        },
    }
}

/// What a lead list asks for.
pub struct ListSpec<'a> {
    pub scope: &'a Cond,
    pub filter: Option<&'a Cond>,
    pub query: &'a SearchQuery,
    pub sort: &'a [SortKey],
    pub limit: i64,
    pub cursor: Option<&'a str>,
}

fn where_clause(backend: Backend, spec: &ListSpec<'_>, fts_driven: bool) -> Result<Sql> {
    conditions(backend, spec, fts_driven, field_target)
}

/// The list's ` WHERE …` with filter fields placed by `map`.
fn conditions(
    backend: Backend,
    spec: &ListSpec<'_>,
    fts_driven: bool,
    map: filter_sql::FieldMap,
) -> Result<Sql> {
    let mut sql = Sql::new(" WHERE ");
    sql.append(filter_sql::compile(spec.scope, backend, map)?);
    if let Some(f) = spec.filter {
        sql.push(" AND ");
        sql.append(filter_sql::compile(f, backend, map)?);
    }
    if !spec.filter.is_some_and(filter_sql::mentions_archived) {
        sql.push(" AND l.archived_at IS NULL");
    }
    if fts_driven {
        shared::push_search_driven(&mut sql, spec.query, SEARCH);
    } else {
        shared::push_search(&mut sql, backend, spec.query, SEARCH);
    }
    Ok(sql)
}

pub async fn list(db: &Db, spec: &ListSpec<'_>) -> Result<Result<Page<Lead>, BadCursor>> {
    let backend = db.backend();
    // Newest-first searches (the default order) read their page off the trigram index.
    let fts_driven = shared::fts_can_drive(backend, spec.query)
        && spec.sort.iter().all(|k| sort_expr(&k.field).expr == "l.id");
    let (from, (order, fields)) = if fts_driven {
        let by_rowid = |_: &str| SortExpr {
            expr: "f.rowid",
            kind: KeyKind::Int,
        };
        (
            FROM_FTS,
            listing::order_from(spec.sort, by_rowid, ("id", true), "f.rowid"),
        )
    } else {
        (
            FROM,
            listing::order_from(spec.sort, sort_expr, ("id", true), "l.id"),
        )
    };
    // A rule or filter naming a field outside the narrow index does not compile with its
    // map: then the count reads the leads' rows like the page (`where_clause` below still
    // reports a filter that is wrong in itself).
    let narrow_count = shared::fts_matches_every_term(backend, spec.query)
        .then(|| conditions(backend, spec, true, search_count_target).ok())
        .flatten();
    let query = PageQuery {
        select: format!("SELECT {COLUMNS}{from}"),
        count: format!(
            "SELECT COUNT(*){}",
            if narrow_count.is_some() {
                FROM_FTS_COUNT
            } else {
                from
            }
        ),
        count_filter: narrow_count,
        filter: where_clause(backend, spec, fts_driven)?,
        order,
        fields,
        cursor: spec.cursor,
        limit: spec.limit,
        // A free-text search counts its matches up to a cap: counting thousands of them
        // would cost more than finding the page.
        count_cap: (!spec.query.terms.is_empty()).then_some(listing::SEARCH_COUNT_CAP),
        known_total: known_total(db, spec).await?,
    };
    let mut page = match listing::page::<Lead>(db, query).await? {
        Ok(p) => p,
        Err(bad) => return Ok(Err(bad)),
    };
    load_tags(&mut &*db, &mut page.items).await?;
    Ok(Ok(page))
}

/// The number of matching leads from the maintained sums, when the list's rules and filter
/// only name their keys and there is no free text (an unfiltered list would otherwise
/// count every row on every page).
async fn known_total(db: &Db, spec: &ListSpec<'_>) -> Result<Option<i64>> {
    if !spec.query.terms.is_empty() {
        return Ok(None);
    }
    let Some(cond) = crate::lead_sums::condition(db.backend(), spec.scope, spec.filter) else {
        return Ok(None);
    };
    let mut sql =
        Sql::new("SELECT CAST(COALESCE(SUM(a.count), 0) AS BIGINT) FROM lead_sums a WHERE ");
    sql.append(cond);
    let (n,): (i64,) = db.fetch_one(&sql).await?;
    Ok(Some(n))
}

/// One group of a grouped list in one currency: the group's key (`None`: no value), the
/// number of records and their expected revenue in minor units.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupSum {
    pub key: Option<String>,
    pub currency: Option<String>,
    pub count: i64,
    pub revenue_minor: Option<i64>,
}

/// What a list can be grouped by, as (name, key expression, extra join).
fn group_expr(backend: Backend, group: &str) -> Option<(String, &'static str)> {
    let month = match backend {
        Backend::Sqlite => "substr(l.expected_closing, 1, 7)",
        Backend::Postgres => "to_char(l.expected_closing, 'YYYY-MM')",
    };
    Some(match group {
        "stage" => ("CAST(l.stage_id AS TEXT)".into(), ""),
        "user" => ("CAST(l.user_id AS TEXT)".into(), ""),
        "team" => ("CAST(l.team_id AS TEXT)".into(), ""),
        "source" => ("CAST(l.source_id AS TEXT)".into(), ""),
        "closing_month" => (month.into(), ""),
        // A record with several tags counts in each of their groups, one without in none.
        "tag" => (
            "CAST(lt.tag_id AS TEXT)".into(),
            " LEFT JOIN lead_tags lt ON lt.lead_id = l.id",
        ),
        _ => return None,
    })
}

/// Counts and sums per group and currency over every matching record (the list's filter,
/// search and access), in one query; an unknown group gives nothing.
pub async fn group_sums(db: &Db, spec: &ListSpec<'_>, group: &str) -> Result<Vec<GroupSum>> {
    let Some((key, join)) = group_expr(db.backend(), group) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::new(format!(
        "SELECT {key} AS key, l.currency, COUNT(*) AS count, CAST(SUM(l.revenue_minor) AS BIGINT) AS revenue_minor{FROM}{join}"
    ));
    sql.append(where_clause(db.backend(), spec, false)?);
    sql.push(&format!(" GROUP BY {key}, l.currency"));
    db.fetch_all(&sql).await
}

pub(crate) async fn load_tags(conn: &mut impl Conn, items: &mut [Lead]) -> Result<()> {
    let ids: Vec<i64> = items.iter().map(|l| l.id).collect();
    let rows = shared::tag_pairs(conn, "lead_tags", "lead_id", &ids).await?;
    for l in items.iter_mut() {
        l.tag_ids = rows
            .iter()
            .filter(|(id, _)| *id == l.id)
            .map(|(_, t)| *t)
            .collect();
    }
    Ok(())
}

/// One lead if `scope` lets the reader see it.
pub async fn get(conn: &mut impl Conn, id: i64, scope: &Cond) -> Result<Option<Lead>> {
    /// The lead and its tags in one statement (every single-record read and write starts
    /// here).
    #[derive(sqlx::FromRow)]
    struct WithTags {
        #[sqlx(flatten)]
        lead: Lead,
        tag_list: Option<String>,
    }
    let tags = shared::tag_list_column(conn.backend(), "lead_tags", "lead_id", "l.id");
    let mut sql = Sql::new(format!(
        "SELECT {COLUMNS}, {tags} AS tag_list{FROM} WHERE l.id = "
    ));
    sql.bind(id).push(" AND ");
    sql.append(filter_sql::compile(scope, conn.backend(), field_target)?);
    Ok(conn.optional::<WithTags>(&sql).await?.map(|found| Lead {
        tag_ids: shared::parse_tag_list(found.tag_list.as_deref()),
        ..found.lead
    }))
}

/// Takes the next number of a pipeline (in the caller's transaction, so it is gap-free:
/// a rolled-back create gives its number back).
pub async fn next_number(tx: &mut Tx, pipeline_id: i64) -> Result<String> {
    let (n, prefix): (i64, String) = tx
        .fetch_one(&Sql::with(
            "UPDATE pipelines SET next_number = next_number + 1 WHERE id = $1 RETURNING next_number - 1, number_prefix",
            vec![pipeline_id.into()],
        ))
        .await?;
    Ok(format!("{prefix}{n}"))
}

/// Placement and state a lead is written with besides its values.
pub struct LeadState<'a> {
    pub number: &'a str,
    pub kind: &'a str,
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub outcome: &'a str,
    pub probability: i64,
    pub stage_changed_at: DateTime<Utc>,
    /// Created in a won stage: closed at once, by its creator.
    pub closed: bool,
}

pub(crate) fn value_args(v: &LeadValues, d: &LeadDerived) -> Vec<(&'static str, Arg)> {
    let money = v.expected_revenue;
    vec![
        ("name", v.name.clone().into()),
        ("user_id", v.user_id.into()),
        ("team_id", v.team_id.into()),
        ("contact_id", v.contact_id.into()),
        ("company_name", (&v.company_name).into()),
        ("contact_name", (&v.contact_name).into()),
        ("salutation", (&v.salutation).into()),
        ("email", (&v.email).into()),
        ("phone", (&v.phone).into()),
        ("mobile", (&v.mobile).into()),
        ("job_position", (&v.job_position).into()),
        ("website", (&v.website).into()),
        ("street", (&v.street).into()),
        ("ward", (&v.ward).into()),
        ("district", (&v.district).into()),
        ("city", (&v.city).into()),
        ("country", (&v.country).into()),
        ("priority", v.priority.into()),
        ("color", v.color.into()),
        ("revenue_minor", money.map(|m| m.minor).into()),
        ("currency", money.map(|m| m.currency.code()).into()),
        ("revenue_milli", money.map(|m| m.milli()).into()),
        ("probability_manual", v.probability.is_some().into()),
        ("expected_closing", v.expected_closing.into()),
        ("due_date", v.due_date.into()),
        ("source_id", v.source_id.into()),
        ("medium_id", v.medium_id.into()),
        ("campaign_id", v.campaign_id.into()),
        ("referred_by", (&v.referred_by).into()),
        ("description", (&v.description).into()),
        (
            "custom",
            Arg::Json(Some(serde_json::Value::Object(v.custom.clone()))),
        ),
        ("name_fold", d.name_fold.clone().into()),
        ("company_fold", (&d.company_fold).into()),
        ("email_key", (&d.email_key).into()),
        ("phone_key", (&d.phone_key).into()),
        ("mobile_key", (&d.mobile_key).into()),
        ("search_text", d.search_text.clone().into()),
    ]
}

pub async fn insert(
    tx: &mut Tx,
    v: &LeadValues,
    d: &LeadDerived,
    st: &LeadState<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Lead> {
    let mut cols = value_args(v, d);
    cols.extend([
        ("number", st.number.into()),
        ("type", st.kind.into()),
        ("pipeline_id", st.pipeline_id.into()),
        ("stage_id", st.stage_id.into()),
        ("outcome", st.outcome.into()),
        ("probability", st.probability.into()),
        ("stage_changed_at", st.stage_changed_at.into()),
        ("assigned_at", v.user_id.map(|_| now).into()),
        ("closed_at", st.closed.then_some(now).into()),
        ("closed_by", st.closed.then_some(by).into()),
        ("created_at", now.into()),
        ("created_by", by.into()),
        ("updated_at", now.into()),
        ("updated_by", by.into()),
    ]);
    let (names, row): (Vec<&str>, Vec<Arg>) = cols.into_iter().unzip();
    // The insert answers the row as written, as `update` does: no second read.
    let mut lead: Lead = tx
        .fetch_one(&Sql::insert_rows(
            "leads",
            &names,
            vec![row],
            &returning_columns(),
        ))
        .await?;
    shared::add_tags(tx, "lead_tags", "lead_id", lead.id, &v.tag_ids).await?;
    // In the order a read gives them (`load_tags` sorts by id).
    lead.tag_ids = v.tag_ids.clone();
    lead.tag_ids.sort_unstable();
    lead.tag_ids.dedup();
    Ok(lead)
}

/// Extra columns a use case sets along with the values (stage, outcome, dates …).
pub type Sets = Vec<(&'static str, Arg)>;

/// What an update writes: the values, their derived keys, and extra columns, over the
/// record as it was read in the same transaction.
pub struct Write<'a> {
    pub values: &'a LeadValues,
    pub derived: &'a LeadDerived,
    pub extra: Sets,
    pub stored: &'a Lead,
    /// The change-log entries of this change, written only if the row is.
    pub log: Vec<crate::change_log::Entry<'a>>,
}

/// The value columns (with their derived keys) whose new value differs from the stored
/// record's. The stored keys are taken as what today's derivation makes of the stored
/// values (the keys are not read back), so a change to how keys are derived needs a
/// migration that derives them again; an edit no longer refreshes them by the way. On SQLite an index is rewritten for every column named in `SET`, changed or
/// not: moving a card with all 37 value columns named rewrote the row's entry in all 15
/// indexes and its full-text entry (≈ 0.18 ms a row against 0.05 ms for the changed
/// columns, `sqlite3` shell, 100k bench file).
fn changed_value_args(v: &LeadValues, d: &LeadDerived, stored: &Lead) -> Sets {
    let before = stored.values();
    let before_args = value_args(&before, &before.derived(&stored.number));
    value_args(v, d)
        .into_iter()
        .zip(before_args)
        .filter(|((_, new), (_, old))| new != old)
        .map(|(changed, _)| changed)
        .collect()
}

/// Whether two tag lists name the same tags, in any order.
fn same_tags(a: &[i64], b: &[i64]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    a == b
}

/// The columns of [`COLUMNS`] unqualified, for `RETURNING` (SQLite does not accept a
/// table alias there).
fn returning_columns() -> String {
    COLUMNS.replace("l.", "")
}

/// Writes the values and `extra` if the row still has `version`, with its change-log
/// entries, and answers the row as written (`None` when the version is stale: nothing is
/// written). The write's own `RETURNING` replaces reading the record again: two statements
/// fewer for every edit and card move. On PostgreSQL the log rides in the same statement
/// (a data-modifying `WITH`), one round trip fewer; SQLite has no such `WITH` and writes the
/// entries next, in one statement.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    w: Write<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Option<Lead>> {
    let Write {
        values: v,
        derived: d,
        extra,
        stored,
        log,
    } = w;
    let backend = tx.backend();
    let logged_with = backend == Backend::Postgres && !log.is_empty();
    let mut sql = Sql::new(if logged_with {
        "WITH written AS (UPDATE leads SET "
    } else {
        "UPDATE leads SET "
    });
    sql.assignments(changed_value_args(v, d, stored).into_iter().chain(extra));
    sql.push("updated_at = ")
        .bind(now)
        .push(", updated_by = ")
        .bind(by);
    sql.push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version);
    sql.push(&format!(" RETURNING {}", returning_columns()));
    // The entries still to write once the row is (none when they ride in the statement).
    let log_after = if logged_with {
        sql.push("), ")
            .append(crate::change_log::with_part(log, "written", by, now))
            .push(" SELECT * FROM written");
        Vec::new()
    } else {
        log
    };
    let Some(mut written) = tx.fetch_optional::<Lead>(&sql).await? else {
        return Ok(None);
    };
    crate::change_log::write_all(tx, log_after, by, now).await?;
    if same_tags(&v.tag_ids, &stored.tag_ids) {
        written.tag_ids = stored.tag_ids.clone();
    } else {
        shared::set_tags(tx, "lead_tags", "lead_id", id, &v.tag_ids).await?;
        let mut one = [written];
        load_tags(tx, &mut one).await?;
        [written] = one;
    }
    Ok(Some(written))
}

/// Takes `n` consecutive numbers of a pipeline at once (bulk loading): the first number and
/// the prefix.
pub async fn reserve_numbers(tx: &mut Tx, pipeline_id: i64, n: i64) -> Result<(i64, String)> {
    tx.fetch_one(&Sql::with(
        "UPDATE pipelines SET next_number = next_number + $1 WHERE id = $2 RETURNING next_number - $3, number_prefix",
        vec![n.into(), pipeline_id.into(), n.into()],
    ))
    .await
}

/// Every lead and opportunity, whoever may see them.
pub async fn count_all(conn: &mut impl Conn) -> Result<i64> {
    let (n,): (i64,) = conn.one(&Sql::new("SELECT COUNT(*) FROM leads")).await?;
    Ok(n)
}

/// Closes a loaded record as lost with its reason (bulk loading; people go through `app`).
pub async fn mark_lost(
    tx: &mut Tx,
    id: i64,
    reason_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE leads SET outcome_reason_id = $1, closed_at = $2, closed_by = $3, probability = 0 WHERE id = $4",
        vec![reason_id.into(), now.into(), by.into(), id.into()],
    ))
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM leads WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}

/// The ids of the records in a stage.
pub async fn ids_in_stage(conn: &mut impl Conn, stage_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = conn
        .all(&Sql::with(
            "SELECT id FROM leads WHERE stage_id = $1 ORDER BY id",
            vec![stage_id.into()],
        ))
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Moves every record of one stage to another (when a stage is deleted).
pub async fn move_stage_records(
    tx: &mut Tx,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    tx.execute(&Sql::with(
        "UPDATE leads SET stage_id = $1, stage_changed_at = $2, updated_at = $3, version = version + 1 WHERE stage_id = $4",
        vec![to.into(), now.into(), now.into(), from.into()],
    ))
    .await
}

pub async fn count_in_stage(conn: &mut impl Conn, stage_id: i64) -> Result<i64> {
    let (n,): (i64,) = conn
        .one(&Sql::with(
            "SELECT COUNT(*) FROM leads WHERE stage_id = $1",
            vec![stage_id.into()],
        ))
        .await?;
    Ok(n)
}

pub async fn count_in_pipeline(conn: &mut impl Conn, pipeline_id: i64) -> Result<i64> {
    let (n,): (i64,) = conn
        .one(&Sql::with(
            "SELECT COUNT(*) FROM leads WHERE pipeline_id = $1",
            vec![pipeline_id.into()],
        ))
        .await?;
    Ok(n)
}

/// Is there a lead with this id that `scope` allows?
pub async fn allowed(conn: &mut impl Conn, id: i64, scope: &Cond) -> Result<bool> {
    let mut sql = Sql::new(format!("SELECT l.id{FROM} WHERE l.id = "));
    sql.bind(id).push(" AND ");
    sql.append(filter_sql::compile(scope, conn.backend(), field_target)?);
    Ok(conn.optional::<(i64,)>(&sql).await?.is_some())
}

/// Why an existing lead looks like this one.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadDuplicate {
    pub id: i64,
    pub number: String,
    pub name: String,
    /// `email`, `phone`, `name` (folded name + company) or `company`.
    pub reason: &'static str,
}

/// Live leads the reader may see with the same e-mail, phone, or folded name and company.
pub async fn duplicates(
    conn: &mut impl Conn,
    exclude: Option<i64>,
    d: &LeadDerived,
    scope: &Cond,
) -> Result<Vec<LeadDuplicate>> {
    let phones: Vec<&String> = [&d.phone_key, &d.mobile_key]
        .into_iter()
        .flatten()
        .collect();
    let mut sql = Sql::new(format!(
        "SELECT l.id, l.number, l.name, l.email_key, l.phone_key, l.mobile_key, l.company_fold, l.name_fold{FROM} \
         WHERE l.archived_at IS NULL AND l.id <> "
    ));
    sql.bind(exclude.unwrap_or(0)).push(" AND ");
    sql.append(filter_sql::compile(scope, conn.backend(), field_target)?);
    sql.push(" AND ((l.name_fold = ").bind(d.name_fold.clone());
    match &d.company_fold {
        Some(c) => sql.push(" AND l.company_fold = ").bind(c.clone()),
        None => sql.push(" AND l.company_fold IS NULL"),
    };
    sql.push(")");
    if let Some(e) = &d.email_key {
        sql.push(" OR l.email_key = ").bind(e.clone());
    }
    for p in &phones {
        sql.push(" OR l.phone_key = ").bind((*p).clone());
        sql.push(" OR l.mobile_key = ").bind((*p).clone());
    }
    if let Some(c) = &d.company_fold {
        sql.push(" OR l.company_fold = ").bind(c.clone());
    }
    sql.push(") ORDER BY l.id LIMIT 20");
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = conn.all(&sql).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, number, name, email, phone, mobile, company, folded)| {
                let reason = if email.is_some() && email == d.email_key {
                    "email"
                } else if phones
                    .iter()
                    .any(|p| Some(*p) == phone.as_ref() || Some(*p) == mobile.as_ref())
                {
                    "phone"
                } else if folded == d.name_fold && company == d.company_fold {
                    "name"
                } else {
                    "company"
                };
                LeadDuplicate {
                    id,
                    number,
                    name,
                    reason,
                }
            },
        )
        .collect())
}

/// Moves the change log of merged-away records to the record kept, so its history is whole.
pub async fn move_history(tx: &mut Tx, from: i64, to: i64) -> Result<()> {
    tx.execute(&Sql::with(
        "UPDATE change_log SET record_id = $1 WHERE record_type = 'lead' AND record_id = $2",
        vec![to.into(), from.into()],
    ))
    .await?;
    Ok(())
}
