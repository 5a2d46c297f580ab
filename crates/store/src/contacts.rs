//! Contacts: rows, search, duplicates and keyset-paged lists.

use chrono::{DateTime, Utc};
use sen_domain::contact::{ContactValues, Derived, DuplicateReason};
use sen_domain::filter::Cond;
use sen_domain::list::SortKey;
use sen_domain::search::SearchQuery;

use crate::conn::Conn;
use crate::db::{Backend, Db, Tx};
use crate::error::Result;
use crate::filter_sql::{self, Target};
use crate::listing::{self, BadCursor, KeyKind, KeyValue, Listed, Page, PageQuery, SortExpr};
use crate::shared::{self, SearchIndex};
use crate::sql::{Arg, Sql};

/// A contact as stored, with the names of its company and owner for display.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub is_company: bool,
    pub company_id: Option<i64>,
    pub company_name: Option<String>,
    pub salutation: Option<String>,
    pub job_position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub notes: Option<String>,
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<i64>,
    pub name_fold: String,
    pub email_key: Option<String>,
    #[sqlx(skip)]
    pub tag_ids: Vec<i64>,
}

impl Contact {
    pub fn values(&self) -> ContactValues {
        ContactValues {
            name: self.name.clone(),
            is_company: self.is_company,
            company_id: self.company_id,
            salutation: self.salutation.clone(),
            job_position: self.job_position.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            mobile: self.mobile.clone(),
            website: self.website.clone(),
            street: self.street.clone(),
            ward: self.ward.clone(),
            district: self.district.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            owner_id: self.owner_id,
            notes: self.notes.clone(),
            tag_ids: self.tag_ids.clone(),
        }
    }
}

impl Listed for Contact {
    fn id(&self) -> i64 {
        self.id
    }

    fn key(&self, field: &str) -> KeyValue {
        match field {
            "name" => KeyValue::Text(self.name_fold.clone()),
            "created_at" => KeyValue::Time(self.created_at),
            "updated_at" => KeyValue::Time(self.updated_at),
            "email" => KeyValue::Text(self.email_key.clone().unwrap_or_default()),
            "city" => KeyValue::Text(self.city.clone().unwrap_or_default()),
            _ => KeyValue::Int(self.id),
        }
    }
}

const SELECT: &str = "SELECT c.id, c.name, c.is_company, c.company_id, co.name AS company_name, \
    c.salutation, c.job_position, c.email, c.phone, c.mobile, c.website, c.street, c.ward, \
    c.district, c.city, c.country, c.owner_id, u.name AS owner_name, c.notes, c.version, \
    c.archived_at, c.created_at, c.created_by, c.updated_at, c.updated_by, c.name_fold, c.email_key \
    FROM contacts c LEFT JOIN contacts co ON co.id = c.company_id LEFT JOIN users u ON u.id = c.owner_id";

/// Where each filterable contact field lives.
pub fn field_target(field: &str) -> Option<Target> {
    Some(match field {
        "name" => Target::Folded {
            column: "c.name",
            folded: "c.name_fold",
        },
        "salutation" => Target::Column("c.salutation"),
        "job_position" => Target::Column("c.job_position"),
        "email" => Target::Column("c.email"),
        "phone" => Target::Column("c.phone"),
        "mobile" => Target::Column("c.mobile"),
        "website" => Target::Column("c.website"),
        "street" => Target::Column("c.street"),
        "ward" => Target::Column("c.ward"),
        "district" => Target::Column("c.district"),
        "city" => Target::Column("c.city"),
        "country" => Target::Column("c.country"),
        "notes" => Target::Column("c.notes"),
        "id" => Target::Column("c.id"),
        "is_company" => Target::Column("c.is_company"),
        "company_id" => Target::Column("c.company_id"),
        "owner_id" | "owner" => Target::Column("c.owner_id"),
        "created_by" => Target::Column("c.created_by"),
        "updated_by" => Target::Column("c.updated_by"),
        "created_at" => Target::Column("c.created_at"),
        "updated_at" => Target::Column("c.updated_at"),
        "archived_at" => Target::Column("c.archived_at"),
        "archived" => Target::Archived("c.archived_at"),
        "tags" => Target::Tags {
            link_table: "contact_tags",
            owner_column: "contact_id",
            record_id: "c.id",
        },
        _ => return None,
    })
}

fn sort_expr(field: &str) -> SortExpr {
    match field {
        "name" => SortExpr {
            expr: "c.name_fold",
            kind: KeyKind::Text,
        },
        "created_at" => SortExpr {
            expr: "c.created_at",
            kind: KeyKind::Time,
        },
        "updated_at" => SortExpr {
            expr: "c.updated_at",
            kind: KeyKind::Time,
        },
        "email" => SortExpr {
            expr: "COALESCE(c.email_key, '')",
            kind: KeyKind::Text,
        },
        "city" => SortExpr {
            expr: "COALESCE(c.city, '')",
            kind: KeyKind::Text,
        },
        _ => SortExpr {
            expr: "c.id",
            kind: KeyKind::Int,
        },
    }
}

pub(crate) const SEARCH: SearchIndex = SearchIndex {
    id: "c.id",
    text: "c.search_text",
    fts_table: "contacts_fts",
};

pub(crate) fn push_search(sql: &mut Sql, backend: Backend, query: &SearchQuery) {
    shared::push_search(sql, backend, query, SEARCH);
}

/// What a list asks for. `scope` is the access rule's condition, `filter` the user's.
pub struct ListSpec<'a> {
    pub scope: &'a Cond,
    pub filter: Option<&'a Cond>,
    pub query: &'a SearchQuery,
    pub sort: &'a [SortKey],
    pub limit: i64,
    pub cursor: Option<&'a str>,
}

fn where_clause(db_backend: Backend, spec: &ListSpec<'_>) -> Result<Sql> {
    let mut sql = Sql::new(" WHERE ");
    sql.append(filter_sql::compile(spec.scope, db_backend, field_target)?);
    let archived_asked = spec.filter.is_some_and(filter_sql::mentions_archived);
    if let Some(f) = spec.filter {
        sql.push(" AND ");
        sql.append(filter_sql::compile(f, db_backend, field_target)?);
    }
    if !archived_asked {
        sql.push(" AND c.archived_at IS NULL");
    }
    push_search(&mut sql, db_backend, spec.query);
    Ok(sql)
}

/// A page of contacts, or `Err(BadCursor)` inside `Ok` when the cursor is not ours.
pub async fn list(db: &Db, spec: &ListSpec<'_>) -> Result<Result<Page<Contact>, BadCursor>> {
    let (order, fields) = listing::order_from(spec.sort, sort_expr, ("name", false), "c.id");
    let query = PageQuery {
        select: SELECT.to_string(),
        count: "SELECT COUNT(*) FROM contacts c".to_string(),
        filter: where_clause(db.backend(), spec)?,
        count_filter: None,
        order,
        fields,
        cursor: spec.cursor,
        limit: spec.limit,
        count_cap: (!spec.query.terms.is_empty()).then_some(listing::SEARCH_COUNT_CAP),
        known_total: None,
    };
    let mut page = match listing::page::<Contact>(db, query).await? {
        Ok(p) => p,
        Err(bad) => return Ok(Err(bad)),
    };
    load_tags(&mut &*db, &mut page.items).await?;
    Ok(Ok(page))
}

async fn load_tags(conn: &mut impl Conn, items: &mut [Contact]) -> Result<()> {
    let ids: Vec<i64> = items.iter().map(|c| c.id).collect();
    let rows = shared::tag_pairs(conn, "contact_tags", "contact_id", &ids).await?;
    for c in items.iter_mut() {
        c.tag_ids = rows
            .iter()
            .filter(|(cid, _)| *cid == c.id)
            .map(|(_, t)| *t)
            .collect();
    }
    Ok(())
}

/// One contact if `scope` lets the reader see it.
pub async fn get(conn: &mut impl Conn, id: i64, scope: &Cond) -> Result<Option<Contact>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE c.id = ").bind(id).push(" AND ");
    sql.append(filter_sql::compile(scope, conn.backend(), field_target)?);
    let Some(found) = conn.optional::<Contact>(&sql).await? else {
        return Ok(None);
    };
    let mut one = [found];
    load_tags(conn, &mut one).await?;
    let [c] = one;
    Ok(Some(c))
}

/// Is there a contact with this id that `scope` allows (used to check write rights)?
pub async fn allowed(conn: &mut impl Conn, id: i64, scope: &Cond) -> Result<bool> {
    let mut sql = Sql::new("SELECT c.id FROM contacts c WHERE c.id = ");
    sql.bind(id).push(" AND ");
    sql.append(filter_sql::compile(scope, conn.backend(), field_target)?);
    Ok(conn.optional::<(i64,)>(&sql).await?.is_some())
}

fn value_args(v: &ContactValues, d: &Derived) -> Vec<(&'static str, Arg)> {
    vec![
        ("name", v.name.clone().into()),
        ("is_company", v.is_company.into()),
        ("company_id", v.company_id.into()),
        ("salutation", (&v.salutation).into()),
        ("job_position", (&v.job_position).into()),
        ("email", (&v.email).into()),
        ("phone", (&v.phone).into()),
        ("mobile", (&v.mobile).into()),
        ("website", (&v.website).into()),
        ("street", (&v.street).into()),
        ("ward", (&v.ward).into()),
        ("district", (&v.district).into()),
        ("city", (&v.city).into()),
        ("country", (&v.country).into()),
        ("owner_id", v.owner_id.into()),
        ("notes", (&v.notes).into()),
        ("name_fold", d.name_fold.clone().into()),
        ("email_key", (&d.email_key).into()),
        ("phone_key", (&d.phone_key).into()),
        ("mobile_key", (&d.mobile_key).into()),
        ("search_text", d.search_text.clone().into()),
    ]
}

/// A new contact's columns: its values and who wrote it when.
fn new_row(
    v: &ContactValues,
    d: &Derived,
    by: i64,
    now: DateTime<Utc>,
) -> Vec<(&'static str, Arg)> {
    let mut cols = value_args(v, d);
    cols.extend([
        ("created_at", now.into()),
        ("created_by", by.into()),
        ("updated_at", now.into()),
        ("updated_by", by.into()),
    ]);
    cols
}

pub async fn insert(
    tx: &mut Tx,
    v: &ContactValues,
    d: &Derived,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let sql = Sql::insert_returning_id("contacts", new_row(v, d, by, now));
    let (id,): (i64,) = tx.fetch_one(&sql).await?;
    shared::add_tags(tx, "contact_tags", "contact_id", id, &v.tag_ids).await?;
    Ok(id)
}

/// Contacts per multi-row INSERT: at 25 columns a contact this stays under SQLite's
/// 32,766 parameters.
const CONTACTS_PER_INSERT: usize = 500;

/// Writes many contacts (the benchmark's generator), a few hundred per statement instead of
/// one statement each; their ids, in the order given.
pub async fn insert_many(
    tx: &mut Tx,
    contacts: &[(ContactValues, Derived)],
    by: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(contacts.len());
    for chunk in contacts.chunks(CONTACTS_PER_INSERT) {
        // Every row names the same columns in the same order.
        let (names, rows): (Vec<Vec<&str>>, Vec<Vec<Arg>>) = chunk
            .iter()
            .map(|(v, d)| new_row(v, d, by, now).into_iter().unzip())
            .unzip();
        let returned: Vec<(i64,)> = tx
            .fetch_all(&Sql::insert_rows("contacts", &names[0], rows, "id"))
            .await?;
        // RETURNING's order is not promised, but both databases hand out ids in the order
        // rows are inserted, so the sorted ids follow the input.
        let mut chunk_ids: Vec<i64> = returned.into_iter().map(|(id,)| id).collect();
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    for ((v, _), id) in contacts.iter().zip(&ids) {
        shared::add_tags(tx, "contact_tags", "contact_id", *id, &v.tag_ids).await?;
    }
    Ok(ids)
}

/// Writes new values if the row still has `version`; returns false when it does not.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    v: &ContactValues,
    d: &Derived,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut sql = Sql::new("UPDATE contacts SET ");
    sql.assignments(value_args(v, d));
    sql.push("updated_at = ")
        .bind(now)
        .push(", updated_by = ")
        .bind(by);
    sql.push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(version);
    if tx.execute(&sql).await? == 0 {
        return Ok(false);
    }
    set_tags(tx, id, &v.tag_ids).await?;
    Ok(true)
}

async fn set_tags(tx: &mut Tx, id: i64, tag_ids: &[i64]) -> Result<()> {
    shared::set_tags(tx, "contact_tags", "contact_id", id, tag_ids).await
}

/// Archives (Some(time)) or restores (None); bumps the version.
pub async fn set_archived(
    tx: &mut Tx,
    id: i64,
    at: Option<DateTime<Utc>>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let sql = Sql::with(
        "UPDATE contacts SET archived_at = $1, updated_at = $2, updated_by = $3, version = version + 1 WHERE id = $4",
        vec![at.into(), now.into(), by.into(), id.into()],
    );
    Ok(tx.execute(&sql).await? > 0)
}

pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    Ok(tx
        .execute(&Sql::with(
            "DELETE FROM contacts WHERE id = $1",
            vec![id.into()],
        ))
        .await?
        > 0)
}

/// Does a company with this id exist (a person's `company_id` must point at one)?
pub async fn is_company(conn: &mut impl Conn, id: i64) -> Result<bool> {
    let sql = Sql::with(
        "SELECT is_company FROM contacts WHERE id = $1",
        vec![id.into()],
    );
    Ok(conn.optional::<(bool,)>(&sql).await?.is_some_and(|(b,)| b))
}

/// A contact that looks like the one being saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub id: i64,
    pub name: String,
    pub reason: DuplicateReason,
}

/// Other live contacts with the same e-mail, the same phone (either field) or the same
/// folded name; each reported once, with the strongest reason.
pub async fn duplicates(
    conn: &mut impl Conn,
    exclude: Option<i64>,
    d: &Derived,
) -> Result<Vec<Duplicate>> {
    let phones: Vec<&String> = [&d.phone_key, &d.mobile_key]
        .into_iter()
        .flatten()
        .collect();
    let mut sql = Sql::new(
        "SELECT id, name, email_key, phone_key, mobile_key, name_fold FROM contacts WHERE archived_at IS NULL AND id <> ",
    );
    sql.bind(exclude.unwrap_or(0))
        .push(" AND (name_fold = ")
        .bind(d.name_fold.clone());
    if let Some(e) = &d.email_key {
        sql.push(" OR email_key = ").bind(e.clone());
    }
    for p in &phones {
        sql.push(" OR phone_key = ").bind((*p).clone());
        sql.push(" OR mobile_key = ").bind((*p).clone());
    }
    sql.push(") ORDER BY id LIMIT 20");
    type DupRow = (
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<DupRow> = conn.all(&sql).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, phone, mobile, fold)| {
            let reason = if email.is_some() && email == d.email_key {
                DuplicateReason::Email
            } else if phones
                .iter()
                .any(|p| Some(*p) == phone.as_ref() || Some(*p) == mobile.as_ref())
            {
                DuplicateReason::Phone
            } else {
                debug_assert_eq!(fold, d.name_fold);
                DuplicateReason::Name
            };
            Duplicate { id, name, reason }
        })
        .collect())
}
