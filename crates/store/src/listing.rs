//! Keyset pagination shared by every list: sort keys, opaque cursors, `total`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::db::Backend;
use crate::sql::{Arg, Sql};

/// How a sort key is stored, so a cursor's value is bound with the right type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Text,
    Int,
    Time,
}

/// One sort key as SQL: an expression that is never NULL (use COALESCE) and its kind.
#[derive(Debug, Clone, Copy)]
pub struct SortExpr {
    pub expr: &'static str,
    pub kind: KeyKind,
}

/// A value of a sort key taken from the last row of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyValue {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

/// The list's ordering: the chosen keys, then the id as the tie-breaker.
#[derive(Debug, Clone)]
pub struct Order {
    pub keys: Vec<(SortExpr, bool)>,
    pub id_expr: &'static str,
}

/// A cursor that could not be read (forged, or from another sort).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCursor;

impl Order {
    fn collate(&self, backend: Backend, kind: KeyKind) -> &'static str {
        if backend == Backend::Postgres && kind == KeyKind::Text {
            " COLLATE \"C\""
        } else {
            ""
        }
    }

    /// The last key is the id itself, so it needs no tie-breaker (and an `id DESC, id ASC`
    /// pair would keep SQLite from reading an index in order).
    fn ends_with_id(&self) -> bool {
        self.keys
            .last()
            .is_some_and(|(k, _)| k.expr == self.id_expr)
    }

    /// `ORDER BY …` text.
    pub fn order_by(&self, backend: Backend) -> String {
        let mut parts: Vec<String> = self
            .keys
            .iter()
            .map(|(k, desc)| {
                format!(
                    "{}{} {}",
                    k.expr,
                    self.collate(backend, k.kind),
                    if *desc { "DESC" } else { "ASC" }
                )
            })
            .collect();
        if !self.ends_with_id() {
            parts.push(format!("{} ASC", self.id_expr));
        }
        format!(" ORDER BY {}", parts.join(", "))
    }

    /// The condition "comes after the cursor's row" for this ordering.
    pub fn after(&self, backend: Backend, values: &[KeyValue], id: i64) -> Sql {
        let mut sql = Sql::new("(");
        let n = self.keys.len();
        let last = if self.ends_with_id() { n - 1 } else { n };
        for i in 0..=last {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("(");
            for (j, (k, _)) in self.keys.iter().enumerate().take(i) {
                sql.push(&format!("{}{} = ", k.expr, self.collate(backend, k.kind)));
                sql.bind(arg(&values[j]));
                sql.push(" AND ");
            }
            if i < n {
                let (k, desc) = &self.keys[i];
                let op = if *desc { " < " } else { " > " };
                sql.push(&format!("{}{}{op}", k.expr, self.collate(backend, k.kind)));
                sql.bind(arg(&values[i]));
            } else {
                sql.push(&format!("{} > ", self.id_expr)).bind(id);
            }
            sql.push(")");
        }
        sql.push(")");
        sql
    }

    pub fn encode_cursor(&self, values: &[KeyValue], id: i64) -> String {
        let mut arr: Vec<Value> = values
            .iter()
            .map(|v| match v {
                KeyValue::Text(s) => Value::String(s.clone()),
                KeyValue::Int(i) => Value::from(*i),
                KeyValue::Time(t) => Value::String(t.to_rfc3339()),
            })
            .collect();
        arr.push(Value::from(id));
        URL_SAFE_NO_PAD.encode(Value::Array(arr).to_string())
    }

    pub fn decode_cursor(&self, cursor: &str) -> Result<(Vec<KeyValue>, i64), BadCursor> {
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor.as_bytes())
            .map_err(|_| BadCursor)?;
        let Value::Array(mut arr) = serde_json::from_slice(&bytes).map_err(|_| BadCursor)? else {
            return Err(BadCursor);
        };
        if arr.len() != self.keys.len() + 1 {
            return Err(BadCursor);
        }
        let id = arr.pop().and_then(|v| v.as_i64()).ok_or(BadCursor)?;
        let values = self
            .keys
            .iter()
            .zip(arr)
            .map(|((k, _), v)| match (k.kind, v) {
                (KeyKind::Text, Value::String(s)) => Ok(KeyValue::Text(s)),
                (KeyKind::Int, v) => v.as_i64().map(KeyValue::Int).ok_or(BadCursor),
                (KeyKind::Time, Value::String(s)) => DateTime::parse_from_rfc3339(&s)
                    .map(|t| KeyValue::Time(t.with_timezone(&Utc)))
                    .map_err(|_| BadCursor),
                _ => Err(BadCursor),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((values, id))
    }
}

fn arg(v: &KeyValue) -> Arg {
    match v {
        KeyValue::Text(s) => Arg::Text(Some(s.clone())),
        KeyValue::Int(i) => Arg::I64(Some(*i)),
        KeyValue::Time(t) => Arg::Time(Some(*t)),
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// Every match, or `SEARCH_COUNT_CAP` when `total_capped`.
    pub total: i64,
    /// More matched than were counted (a free-text search over many records).
    pub total_capped: bool,
}

/// Matches a free-text search counts before it stops (the page itself is not capped).
pub const SEARCH_COUNT_CAP: i64 = 1_000;

/// A record type that keyset-paged lists are built for.
pub trait Listed: crate::db::Row {
    fn id(&self) -> i64;
    /// The value of a sort key of this row (as the list's `SortExpr` computes it).
    fn key(&self, field: &str) -> KeyValue;
}

/// The ordering of a list from the user's sort keys, or the record type's default.
pub fn order_from(
    sort: &[sen_domain::list::SortKey],
    expr: fn(&str) -> SortExpr,
    default: (&str, bool),
    id_expr: &'static str,
) -> (Order, Vec<String>) {
    let (keys, fields) = if sort.is_empty() {
        (
            vec![(expr(default.0), default.1)],
            vec![default.0.to_string()],
        )
    } else {
        (
            sort.iter()
                .map(|k| (expr(&k.field), k.descending))
                .collect(),
            sort.iter().map(|k| k.field.clone()).collect(),
        )
    };
    (Order { keys, id_expr }, fields)
}

/// One page: `total` over the whole filter, then the rows after the cursor.
pub struct PageQuery<'a> {
    /// `SELECT columns FROM …` (without WHERE).
    pub select: String,
    /// `SELECT COUNT(*) FROM …` (without WHERE).
    pub count: String,
    /// ` WHERE …` shared by both.
    pub filter: Sql,
    /// The count's own ` WHERE …`, when its `FROM` differs from the page's (a narrower
    /// index that holds every column the condition names).
    pub count_filter: Option<Sql>,
    pub order: Order,
    pub fields: Vec<String>,
    pub cursor: Option<&'a str>,
    pub limit: i64,
    /// Count at most this many (the answer says when there were more).
    pub count_cap: Option<i64>,
    /// The total, when the caller already knows it (from maintained sums).
    pub known_total: Option<i64>,
}

pub async fn page<T: Listed>(
    db: &crate::db::Db,
    q: PageQuery<'_>,
) -> crate::error::Result<Result<Page<T>, BadCursor>> {
    let backend = db.backend();
    // The total and the page are independent reads, so they run side by side on two of
    // the pool's connections: the answer waits for the slower one instead of both (each is
    // its own snapshot either way; the total is a count, not a promise about the page).
    let count = match (q.known_total, q.count_cap) {
        (Some(_), _) => None,
        (None, None) => {
            let mut count = Sql::new(q.count);
            count.append(q.count_filter.unwrap_or_else(|| q.filter.clone()));
            Some(count)
        }
        (None, Some(cap)) => {
            // COUNT over a LIMITed subquery: the count's own SELECT list becomes `1`.
            let inner = q.count.replacen("COUNT(*)", "1", 1);
            let mut count = Sql::new(format!("SELECT COUNT(*) FROM ({inner}"));
            count.append(q.count_filter.unwrap_or_else(|| q.filter.clone()));
            count.limit(cap + 1).push(") capped");
            Some(count)
        }
    };
    let mut sql = Sql::new(q.select);
    sql.append(q.filter);
    if let Some(cursor) = q.cursor {
        let Ok((values, id)) = q.order.decode_cursor(cursor) else {
            return Ok(Err(BadCursor));
        };
        sql.push(" AND ");
        sql.append(q.order.after(backend, &values, id));
    }
    sql.push(&q.order.order_by(backend));
    sql.limit(q.limit + 1);
    let counted = async {
        match &count {
            Some(count) => db.fetch_one::<(i64,)>(count).await.map(|(n,)| Some(n)),
            None => Ok(None),
        }
    };
    let (counted, mut items): (Option<i64>, Vec<T>) =
        tokio::try_join!(counted, db.fetch_all(&sql))?;
    let (total, total_capped) = match (q.known_total, q.count_cap, counted) {
        (Some(n), _, _) => (n, false),
        (None, Some(cap), Some(n)) => (n.min(cap), n > cap),
        (None, _, n) => (n.unwrap_or(0), false),
    };
    let next_cursor = if items.len() as i64 > q.limit {
        items.truncate(q.limit as usize);
        items.last().map(|last| {
            let values: Vec<KeyValue> = q.fields.iter().map(|f| last.key(f)).collect();
            q.order.encode_cursor(&values, last.id())
        })
    } else {
        None
    };
    Ok(Ok(Page {
        items,
        next_cursor,
        total,
        total_capped,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Order {
        Order {
            keys: vec![(
                SortExpr {
                    expr: "c.name_fold",
                    kind: KeyKind::Text,
                },
                false,
            )],
            id_expr: "c.id",
        }
    }

    #[test]
    fn cursor_round_trips() {
        let o = order();
        let c = o.encode_cursor(&[KeyValue::Text("nguyen".into())], 7);
        assert_eq!(
            o.decode_cursor(&c),
            Ok((vec![KeyValue::Text("nguyen".into())], 7))
        );
    }

    #[test]
    fn forged_cursor_is_refused() {
        assert_eq!(order().decode_cursor("not-base64!"), Err(BadCursor));
        let other = URL_SAFE_NO_PAD.encode("[1,2,3]");
        assert_eq!(order().decode_cursor(&other), Err(BadCursor));
    }

    #[test]
    fn after_condition_orders_keys_then_id() {
        let s = order().after(Backend::Sqlite, &[KeyValue::Text("a".into())], 3);
        assert_eq!(
            s.text(),
            "((c.name_fold > $1) OR (c.name_fold = $2 AND c.id > $3))"
        );
    }

    #[test]
    fn an_order_ending_in_the_id_needs_no_tie_breaker() {
        let o = Order {
            keys: vec![(
                SortExpr {
                    expr: "f.rowid",
                    kind: KeyKind::Int,
                },
                true,
            )],
            id_expr: "f.rowid",
        };
        assert_eq!(o.order_by(Backend::Sqlite), " ORDER BY f.rowid DESC");
        let s = o.after(Backend::Sqlite, &[KeyValue::Int(9)], 9);
        assert_eq!(s.text(), "((f.rowid < $1))");
    }
}
