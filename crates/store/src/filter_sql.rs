//! Compiles a checked filter (`sen_domain::filter::Cond`) into a parameterised SQL
//! condition for either database. Values are always bound, never pasted.

use sen_domain::filter::{Cond, FieldDef, FieldType, Op, Scalar};
use sen_domain::search::escape_like;

use crate::db::Backend;
use crate::error::{Result, StoreError};
use crate::sql::{Arg, Sql};

/// Where a filter field lives in SQL, as a record type's repository describes it.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A plain column of the main table (qualified, e.g. `c.email`).
    Column(&'static str),
    /// A text column with a folded twin used for `contains` (accent-insensitive).
    Folded {
        column: &'static str,
        folded: &'static str,
    },
    /// A money amount compared in thousandths of a major unit (`revenue_milli`).
    Milli(&'static str),
    /// `archived`: true when `archived_at` is set.
    Archived(&'static str),
    /// A many-valued tag set: `link_table(owner_column, tag_id)` joined to `tags`.
    Tags {
        link_table: &'static str,
        owner_column: &'static str,
        record_id: &'static str,
    },
}

/// Maps a field name to its place in SQL; `None` means the field is not stored (a bug:
/// every field the domain declares must be mapped, and a test checks it).
pub type FieldMap = fn(&str) -> Option<Target>;

pub fn compile(cond: &Cond, backend: Backend, map: FieldMap) -> Result<Sql> {
    let mut out = Sql::new("");
    write(&mut out, cond, backend, map)?;
    Ok(out)
}

fn target(field: &FieldDef, map: FieldMap) -> Result<Target> {
    map(&field.name)
        .ok_or_else(|| StoreError::Corrupt(format!("filter field `{}` has no column", field.name)))
}

fn column(t: Target) -> &'static str {
    match t {
        Target::Column(c)
        | Target::Folded { column: c, .. }
        | Target::Archived(c)
        | Target::Milli(c) => c,
        Target::Tags { record_id, .. } => record_id,
    }
}

fn scalar_arg(value: &Scalar) -> Arg {
    match value {
        Scalar::Text(s) | Scalar::Decimal(s) => Arg::Text(Some(s.clone())),
        Scalar::Int(i) => Arg::I64(Some(*i)),
        Scalar::Bool(b) => Arg::Bool(Some(*b)),
        Scalar::Date(d) => Arg::Date(Some(*d)),
        Scalar::DateTime(t) => Arg::Time(Some(*t)),
    }
}

/// Text compares byte-wise on both databases so results (and sort order) agree.
fn collate(backend: Backend, ty: FieldType) -> &'static str {
    match (backend, ty) {
        (Backend::Postgres, FieldType::Text) => " COLLATE \"C\"",
        _ => "",
    }
}

fn op_sql(op: Op) -> &'static str {
    match op {
        Op::Eq => " = ",
        Op::Ne => " <> ",
        Op::Lt => " < ",
        Op::Le => " <= ",
        Op::Gt => " > ",
        Op::Ge => " >= ",
    }
}

fn join(
    out: &mut Sql,
    items: &[Cond],
    sep: &str,
    empty: &str,
    b: Backend,
    map: FieldMap,
) -> Result<()> {
    if items.is_empty() {
        out.push(empty);
        return Ok(());
    }
    out.push("(");
    for (i, c) in items.iter().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        write(out, c, b, map)?;
    }
    out.push(")");
    Ok(())
}

fn write(out: &mut Sql, cond: &Cond, b: Backend, map: FieldMap) -> Result<()> {
    match cond {
        Cond::And(items) => join(out, items, " AND ", "(1 = 1)", b, map)?,
        Cond::Or(items) => join(out, items, " OR ", "(1 = 0)", b, map)?,
        // A NULL inside must not turn `not x` into "unknown": treat unknown as false first.
        Cond::Not(inner) => {
            out.push("(NOT COALESCE(");
            write(out, inner, b, map)?;
            out.push(", FALSE))");
        }
        Cond::Compare { field, op, value } => {
            let t = target(field, map)?;
            if let Target::Archived(col) = t {
                let want = matches!(value, Scalar::Bool(true)) == (*op == Op::Eq);
                out.push(&format!(
                    "({col} IS {}NULL)",
                    if want { "NOT " } else { "" }
                ));
                return Ok(());
            }
            let col = column(t);
            let coll = collate(b, field.ty);
            let value = &match (t, value) {
                (Target::Milli(_), Scalar::Decimal(d) | Scalar::Text(d)) => {
                    Scalar::Int(sen_domain::money::decimal_milli(d).unwrap_or(0))
                }
                (Target::Milli(_), Scalar::Int(i)) => Scalar::Int(i.saturating_mul(1000)),
                _ => value.clone(),
            };
            if *op == Op::Ne {
                // `!=` keeps records where the field is empty, as users expect.
                out.push(&format!("({col} IS NULL OR {col}{coll} <> "));
                out.bind(scalar_arg(value));
                out.push(")");
            } else {
                out.push(&format!("({col}{coll}{}", op_sql(*op)));
                out.bind(scalar_arg(value));
                out.push(")");
            }
        }
        Cond::IsNull { field, negated } => {
            let t = target(field, map)?;
            if let Target::Tags {
                link_table,
                owner_column,
                record_id,
            } = t
            {
                let not = if *negated { "" } else { "NOT " };
                out.push(&format!(
                    "({not}EXISTS (SELECT 1 FROM {link_table} WHERE {owner_column} = {record_id}))"
                ));
            } else {
                let not = if *negated { "NOT " } else { "" };
                out.push(&format!("({} IS {not}NULL)", column(t)));
            }
        }
        Cond::In { field, values } => {
            if values.is_empty() {
                out.push("(1 = 0)");
                return Ok(());
            }
            let t = target(field, map)?;
            if let Target::Archived(col) = t {
                // `archived in [true, false]` is everything; one value is a NULL test.
                let (yes, no) = (
                    values.contains(&Scalar::Bool(true)),
                    values.contains(&Scalar::Bool(false)),
                );
                let sql = match (yes, no) {
                    (true, true) => "(1 = 1)".to_string(),
                    (true, false) => format!("({col} IS NOT NULL)"),
                    (false, true) => format!("({col} IS NULL)"),
                    (false, false) => "(1 = 0)".to_string(),
                };
                out.push(&sql);
                return Ok(());
            }
            let values: Vec<Scalar> = match t {
                Target::Milli(_) => values
                    .iter()
                    .map(|v| match v {
                        Scalar::Decimal(d) | Scalar::Text(d) => {
                            Scalar::Int(sen_domain::money::decimal_milli(d).unwrap_or(0))
                        }
                        Scalar::Int(i) => Scalar::Int(i.saturating_mul(1000)),
                        other => other.clone(),
                    })
                    .collect(),
                _ => values.clone(),
            };
            let col = column(t);
            out.push(&format!("({col}{} IN (", collate(b, field.ty)));
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(", ");
                }
                out.bind(scalar_arg(v));
            }
            out.push("))");
        }
        Cond::Has { field, value } => {
            let Target::Tags {
                link_table,
                owner_column,
                record_id,
            } = target(field, map)?
            else {
                return Err(StoreError::Corrupt(format!(
                    "`{}` is not a tag set",
                    field.name
                )));
            };
            out.push(&format!(
                "(EXISTS (SELECT 1 FROM {link_table} lt_ JOIN tags tg_ ON tg_.id = lt_.tag_id WHERE lt_.{owner_column} = {record_id} AND "
            ));
            match value {
                Scalar::Int(id) => {
                    out.push("tg_.id = ").bind(*id);
                }
                other => {
                    out.push("tg_.name = ").bind(scalar_arg(other));
                }
            }
            out.push("))");
        }
        Cond::Contains { field, text } => {
            let pattern = format!("%{}%", escape_like(text));
            match target(field, map)? {
                Target::Folded { folded, .. } => {
                    out.push(&format!("({folded} LIKE ")).bind(pattern);
                }
                t => {
                    // ILIKE on PostgreSQL matches SQLite's case-insensitive LIKE.
                    let like = if b == Backend::Postgres {
                        "ILIKE"
                    } else {
                        "LIKE"
                    };
                    out.push(&format!("({} {like} ", column(t))).bind(pattern);
                }
            }
            out.push(" ESCAPE '\\')");
        }
        Cond::IsTrue { field } => match target(field, map)? {
            Target::Archived(col) => {
                out.push(&format!("({col} IS NOT NULL)"));
            }
            t => {
                out.push(&format!("({} = ", column(t))).bind(true).push(")");
            }
        },
    }
    Ok(())
}

/// Does the condition mention `archived` / `archived_at`? Then the default "hide archived"
/// rule steps aside, as api.md says ("archived records are hidden unless filter asks").
pub fn mentions_archived(cond: &Cond) -> bool {
    match cond {
        Cond::And(v) | Cond::Or(v) => v.iter().any(mentions_archived),
        Cond::Not(c) => mentions_archived(c),
        Cond::Compare { field, .. }
        | Cond::IsNull { field, .. }
        | Cond::In { field, .. }
        | Cond::Has { field, .. }
        | Cond::Contains { field, .. }
        | Cond::IsTrue { field } => field.name == "archived" || field.name == "archived_at",
    }
}
