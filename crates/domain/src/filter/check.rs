//! Checking a parsed filter against a record type's fields: names must exist, values are
//! coerced to the field's type, and `me` / `today` / `now` are resolved. The result, [`Cond`],
//! is what the store translates into SQL; it needs no further validation.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use super::parse::{Node, Spanned};
use super::{FilterError, FilterErrorCode, MAX_IN_VALUES, Op, TimeBase, Value};
use crate::search::fold;

/// The type of a filterable field, which decides the operators and values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    Decimal,
    Bool,
    Date,
    DateTime,
    UserRef,
    RecordRef,
    TagSet,
    /// An activity state (`"overdue"`, `"today"`, `"planned"`) of a record whose most urgent
    /// open activity's due day is stored as `<base>_day_start` / `<base>_day_end` (for a
    /// field named `<base>_state`); rewritten here into comparisons of those with now.
    DayState,
}

impl FieldType {
    /// What a value for this type looks like, for error messages.
    fn expects(self) -> &'static str {
        match self {
            FieldType::Text => "a text in double quotes",
            FieldType::Integer => "a whole number",
            FieldType::Decimal => "a number",
            FieldType::Bool => "`true` or `false`",
            FieldType::Date => "a date like \"2024-12-31\" or `today - 30d`",
            FieldType::DateTime => {
                "a date, a time like \"2024-12-31T09:00:00+07:00\", `now - 2h` or `today`"
            }
            FieldType::UserRef => "a user id or `me`",
            FieldType::RecordRef => "a record id",
            FieldType::TagSet => "a tag name or id",
            FieldType::DayState => "\"overdue\", \"today\" or \"planned\"",
        }
    }
}

/// A field a filter may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub name: String,
    pub ty: FieldType,
}

impl FieldDef {
    pub fn new(name: &str, ty: FieldType) -> Self {
        Self {
            name: name.to_owned(),
            ty,
        }
    }
}

/// What `me`, `today` and `now` mean for this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub user_id: i64,
    pub now: DateTime<Utc>,
    /// The user's calendar date, in their time zone.
    pub today: NaiveDate,
    /// Start of the user's today, in UTC.
    pub today_start: DateTime<Utc>,
}

/// A value coerced to its field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Text(String),
    Int(i64),
    /// As written, validated as `-?digits(.digits)?`.
    Decimal(String),
    Bool(bool),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

/// A checked filter, ready to become SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Compare {
        field: FieldDef,
        op: Op,
        value: Scalar,
    },
    /// `x = null` (negated: false) / `x != null` (negated: true).
    IsNull {
        field: FieldDef,
        negated: bool,
    },
    In {
        field: FieldDef,
        values: Vec<Scalar>,
    },
    /// TagSet contains the tag: value Int (tag id) or Text (tag name).
    Has {
        field: FieldDef,
        value: Scalar,
    },
    /// Text contains `text`, which is already passed through `search::fold`.
    Contains {
        field: FieldDef,
        text: String,
    },
    /// A bare Bool field.
    IsTrue {
        field: FieldDef,
    },
}

/// The two instant fields a `DayState` field is derived from.
fn day_fields(def: &FieldDef) -> (FieldDef, FieldDef) {
    let base = def.name.strip_suffix("_state").unwrap_or(&def.name);
    (
        FieldDef::new(&format!("{base}_day_start"), FieldType::DateTime),
        FieldDef::new(&format!("{base}_day_end"), FieldType::DateTime),
    )
}

/// Checks a positioned tree; errors point into the text it was parsed from.
pub(super) fn check_node(
    node: &Node,
    fields: &[FieldDef],
    ctx: &Context,
) -> Result<Cond, FilterError> {
    let checker = Checker { fields, ctx };
    checker.node(node)
}

struct Checker<'a> {
    fields: &'a [FieldDef],
    ctx: &'a Context,
}

fn mismatch(message: String, pos: usize, token: String) -> FilterError {
    FilterError::new(FilterErrorCode::TypeMismatch, message, pos, token)
}

/// A description of `v` for messages: "text \"x\"", "`me`", …
fn describe(v: &Value) -> String {
    match v {
        Value::Text(_) => format!("text {v}"),
        Value::Number(_) => format!("number {v}"),
        _ => format!("`{v}`"),
    }
}

impl Checker<'_> {
    fn node(&self, node: &Node) -> Result<Cond, FilterError> {
        match node {
            Node::And(..) => {
                let mut parts = Vec::new();
                self.flatten(node, true, &mut parts)?;
                Ok(Cond::And(parts))
            }
            Node::Or(..) => {
                let mut parts = Vec::new();
                self.flatten(node, false, &mut parts)?;
                Ok(Cond::Or(parts))
            }
            Node::Not(inner) => Ok(Cond::Not(Box::new(self.node(inner)?))),
            Node::Compare { field, op, value } => self.compare(field, op, value),
            Node::In { field, values } => self.in_list(field, values),
            Node::Has { field, value } => {
                let def = self.field(field)?;
                if def.ty != FieldType::TagSet {
                    return Err(mismatch(
                        format!("`has` needs a tag field, but `{}` is not one", def.name),
                        field.pos,
                        field.node.clone(),
                    ));
                }
                let scalar = self.scalar(def, value)?;
                Ok(Cond::Has {
                    field: def.clone(),
                    value: scalar,
                })
            }
            Node::Contains { field, value } => {
                let def = self.field(field)?;
                match (&value.node, def.ty) {
                    (Value::Text(s), FieldType::Text) => Ok(Cond::Contains {
                        field: def.clone(),
                        text: fold(s),
                    }),
                    (_, FieldType::Text) => Err(mismatch(
                        format!(
                            "`{}` contains expects a text in double quotes, found {}",
                            def.name,
                            describe(&value.node)
                        ),
                        value.pos,
                        value.node.to_string(),
                    )),
                    _ => Err(mismatch(
                        format!(
                            "`contains` needs a text field, but `{}` is not one",
                            def.name
                        ),
                        field.pos,
                        field.node.clone(),
                    )),
                }
            }
            Node::Field(field) => {
                let def = self.field(field)?;
                if def.ty != FieldType::Bool {
                    return Err(mismatch(
                        format!(
                            "field `{}` is not a yes/no field; compare it with a value",
                            def.name
                        ),
                        field.pos,
                        field.node.clone(),
                    ));
                }
                Ok(Cond::IsTrue { field: def.clone() })
            }
        }
    }

    /// Collects the operands of a chain of `and` (or of `or`) into one list.
    fn flatten(&self, node: &Node, and: bool, out: &mut Vec<Cond>) -> Result<(), FilterError> {
        match (node, and) {
            (Node::And(l, r), true) | (Node::Or(l, r), false) => {
                self.flatten(l, and, out)?;
                self.flatten(r, and, out)
            }
            _ => {
                out.push(self.node(node)?);
                Ok(())
            }
        }
    }

    fn field(&self, field: &Spanned<String>) -> Result<&FieldDef, FilterError> {
        self.fields
            .iter()
            .find(|f| f.name == field.node)
            .ok_or_else(|| {
                FilterError::new(
                    FilterErrorCode::UnknownField,
                    format!("unknown field `{}`", field.node),
                    field.pos,
                    field.node.clone(),
                )
            })
    }

    fn compare(
        &self,
        field: &Spanned<String>,
        op: &Spanned<Op>,
        value: &Spanned<Value>,
    ) -> Result<Cond, FilterError> {
        let def = self.field(field)?;
        let ordered = !matches!(op.node, Op::Eq | Op::Ne);
        if def.ty == FieldType::DayState && !ordered {
            let cond = match value.node {
                Value::Null => self.day_state_none(def),
                _ => self.day_state(def, value)?,
            };
            return Ok(if op.node == Op::Ne {
                Cond::Not(Box::new(cond))
            } else {
                cond
            });
        }
        if def.ty == FieldType::TagSet {
            return Err(mismatch(
                format!(
                    "`{}` is a tag field; use `{} has \"tag\"`",
                    def.name, def.name
                ),
                op.pos,
                op.node.to_string(),
            ));
        }
        if value.node == Value::Null {
            if ordered {
                return Err(mismatch(
                    format!(
                        "`{}` cannot be compared with `null` using `{}`; use `=` or `!=`",
                        def.name, op.node
                    ),
                    op.pos,
                    op.node.to_string(),
                ));
            }
            return Ok(Cond::IsNull {
                field: def.clone(),
                negated: op.node == Op::Ne,
            });
        }
        let unordered = matches!(
            def.ty,
            FieldType::Bool | FieldType::UserRef | FieldType::RecordRef | FieldType::DayState
        );
        if ordered && unordered {
            return Err(mismatch(
                format!(
                    "`{}` can only be compared with `=` or `!=`, not `{}`",
                    def.name, op.node
                ),
                op.pos,
                op.node.to_string(),
            ));
        }
        Ok(Cond::Compare {
            field: def.clone(),
            op: op.node,
            value: self.scalar(def, value)?,
        })
    }

    fn in_list(
        &self,
        field: &Spanned<String>,
        values: &[Spanned<Value>],
    ) -> Result<Cond, FilterError> {
        let def = self.field(field)?;
        if def.ty == FieldType::TagSet {
            return Err(mismatch(
                format!(
                    "`{}` is a tag field; use `{} has \"tag\"`",
                    def.name, def.name
                ),
                field.pos,
                field.node.clone(),
            ));
        }
        if let Some(extra) = values.get(MAX_IN_VALUES) {
            return Err(FilterError::new(
                FilterErrorCode::TooLong,
                format!("an `in` list may hold at most {MAX_IN_VALUES} values"),
                extra.pos,
                extra.node.to_string(),
            ));
        }
        if def.ty == FieldType::DayState {
            let parts = values
                .iter()
                .map(|v| self.day_state(def, v))
                .collect::<Result<_, _>>()?;
            return Ok(Cond::Or(parts));
        }
        let scalars = values
            .iter()
            .map(|v| {
                if v.node == Value::Null {
                    return Err(mismatch(
                        format!(
                            "`null` cannot be in an `in` list; use `{} = null`",
                            def.name
                        ),
                        v.pos,
                        "null".into(),
                    ));
                }
                self.scalar(def, v)
            })
            .collect::<Result<_, _>>()?;
        Ok(Cond::In {
            field: def.clone(),
            values: scalars,
        })
    }

    /// `x_state = "overdue"` etc. as conditions on `x_day_start` / `x_day_end` and now.
    fn day_state(&self, def: &FieldDef, value: &Spanned<Value>) -> Result<Cond, FilterError> {
        let (start, end) = day_fields(def);
        let now = Scalar::DateTime(self.ctx.now);
        let cmp = |field: &FieldDef, op: Op| Cond::Compare {
            field: field.clone(),
            op,
            value: now.clone(),
        };
        match &value.node {
            Value::Text(s) if s == "overdue" => Ok(cmp(&end, Op::Le)),
            Value::Text(s) if s == "today" => {
                Ok(Cond::And(vec![cmp(&start, Op::Le), cmp(&end, Op::Gt)]))
            }
            Value::Text(s) if s == "planned" => Ok(cmp(&start, Op::Gt)),
            _ => Err(mismatch(
                format!(
                    "field `{}` expects {}, found {}",
                    def.name,
                    def.ty.expects(),
                    describe(&value.node)
                ),
                value.pos,
                value.node.to_string(),
            )),
        }
    }

    /// `x_state = null`: no open activity.
    fn day_state_none(&self, def: &FieldDef) -> Cond {
        Cond::IsNull {
            field: day_fields(def).1,
            negated: false,
        }
    }

    /// Coerces a non-null value to the field's type.
    fn scalar(&self, def: &FieldDef, value: &Spanned<Value>) -> Result<Scalar, FilterError> {
        let wrong = || {
            mismatch(
                format!(
                    "field `{}` expects {}, found {}",
                    def.name,
                    def.ty.expects(),
                    describe(&value.node)
                ),
                value.pos,
                value.node.to_string(),
            )
        };
        let out_of_range = || {
            FilterError::new(
                FilterErrorCode::InvalidNumber,
                format!(
                    "{} is out of range for field `{}`",
                    describe(&value.node),
                    def.name
                ),
                value.pos,
                value.node.to_string(),
            )
        };
        let ctx = self.ctx;
        match (def.ty, &value.node) {
            (FieldType::Text, Value::Text(s)) => Ok(Scalar::Text(s.clone())),
            (FieldType::Integer | FieldType::UserRef | FieldType::RecordRef, Value::Number(n)) => {
                if n.contains('.') {
                    return Err(wrong());
                }
                n.parse::<i64>()
                    .map(Scalar::Int)
                    .map_err(|_| out_of_range())
            }
            (FieldType::UserRef, Value::Me) => Ok(Scalar::Int(ctx.user_id)),
            (FieldType::Decimal, Value::Number(n)) => Ok(Scalar::Decimal(n.clone())),
            (FieldType::Bool, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
            (FieldType::Date, Value::Text(s)) => parse_date(s).map(Scalar::Date).ok_or_else(wrong),
            (
                FieldType::Date,
                Value::Relative {
                    base: TimeBase::Today,
                    offset_hours,
                },
            ) => {
                if offset_hours % 24 != 0 {
                    return Err(mismatch(
                        format!(
                            "date field `{}` can only move by whole days (`d`), not hours",
                            def.name
                        ),
                        value.pos,
                        value.node.to_string(),
                    ));
                }
                TimeDelta::try_days(offset_hours / 24)
                    .and_then(|d| ctx.today.checked_add_signed(d))
                    .map(Scalar::Date)
                    .ok_or_else(out_of_range)
            }
            (FieldType::DateTime, Value::Text(s)) => {
                if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                    return Ok(Scalar::DateTime(t.with_timezone(&Utc)));
                }
                parse_date(s)
                    .map(|d| Scalar::DateTime(d.and_time(NaiveTime::MIN).and_utc()))
                    .ok_or_else(wrong)
            }
            (FieldType::DateTime, Value::Relative { base, offset_hours }) => {
                let start = match base {
                    TimeBase::Now => ctx.now,
                    TimeBase::Today => ctx.today_start,
                };
                TimeDelta::try_hours(*offset_hours)
                    .and_then(|d| start.checked_add_signed(d))
                    .map(Scalar::DateTime)
                    .ok_or_else(out_of_range)
            }
            (FieldType::TagSet, Value::Number(n)) if !n.contains('.') => n
                .parse::<i64>()
                .map(Scalar::Int)
                .map_err(|_| out_of_range()),
            (FieldType::TagSet, Value::Text(s)) => Ok(Scalar::Text(s.clone())),
            _ => Err(wrong()),
        }
    }
}

/// A strict `YYYY-MM-DD` date.
fn parse_date(s: &str) -> Option<NaiveDate> {
    // chrono's %Y also accepts signs and short years; insist on the plain 10-char form.
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
