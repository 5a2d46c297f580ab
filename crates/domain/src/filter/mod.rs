//! The filter language of saved views and the list API.
//!
//! `parse` turns text such as `stage.is_won = false and expected_revenue >= 1000000` into an
//! [`Expr`]; `Display` prints it back canonically; `check` / `parse_and_check` validate it
//! against a record type's fields and resolve `me` / `today` / `now` into a [`Cond`], which the
//! store turns into SQL. Nothing here touches I/O.
//!
//! Grammar, loosest binding first:
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | primary
//! primary := "(" expr ")" | FIELD [ OP value | "in" "[" value ("," value)* "]"
//!                                  | "has" value | "contains" value ]
//! value   := "null" | "true" | "false" | "me" | STRING | ["-"] NUMBER
//!          | ("today" | "now") (("+" | "-") DURATION)*
//! ```

mod check;
mod lex;
mod parse;
mod print;

pub use check::{Cond, Context, FieldDef, FieldType, Scalar};

/// Longest accepted filter, in chars; bounds parse and SQL cost.
pub const MAX_FILTER_LEN: usize = 4000;
/// Deepest nesting of parentheses and `not`; keeps the recursive parser far from the stack limit.
pub const MAX_DEPTH: usize = 32;
/// Most values in one `in [...]` list; keeps the generated SQL within parameter limits.
pub const MAX_IN_VALUES: usize = 500;

/// A parsed filter. Field names are dotted paths (`stage.is_won`, `custom.major`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        field: String,
        op: Op,
        value: Value,
    },
    In {
        field: String,
        values: Vec<Value>,
    },
    Has {
        field: String,
        value: Value,
    },
    Contains {
        field: String,
        value: Value,
    },
    /// A bare field: a boolean test (`not archived`).
    Field(String),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    /// The operator as written in filter text.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A literal as written in the filter, before it is coerced to a field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// As written, a decimal matching `-?digits(.digits)?`; kept as text so no precision is lost.
    Number(String),
    Text(String),
    /// The current user.
    Me,
    /// `today`, `now`, `today - 30d` (offset -720 h), `now + 2h`.
    Relative {
        base: TimeBase,
        offset_hours: i64,
    },
}

/// What a relative time is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBase {
    Today,
    Now,
}

/// Why a filter was rejected, with the offending token and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}")]
pub struct FilterError {
    pub code: FilterErrorCode,
    /// English; names the bad token.
    pub message: String,
    /// 0-based char offset into the input.
    pub position: usize,
    /// The offending token as written; empty at the end of the input.
    pub token: String,
}

/// The kind of a [`FilterError`], for API error codes and translated messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterErrorCode {
    UnexpectedToken,
    UnexpectedEnd,
    UnterminatedString,
    InvalidNumber,
    TooLong,
    TooDeep,
    UnknownField,
    TypeMismatch,
    InvalidOperator,
}

impl FilterErrorCode {
    /// A stable snake_case name, suitable for API responses.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterErrorCode::UnexpectedToken => "unexpected_token",
            FilterErrorCode::UnexpectedEnd => "unexpected_end",
            FilterErrorCode::UnterminatedString => "unterminated_string",
            FilterErrorCode::InvalidNumber => "invalid_number",
            FilterErrorCode::TooLong => "too_long",
            FilterErrorCode::TooDeep => "too_deep",
            FilterErrorCode::UnknownField => "unknown_field",
            FilterErrorCode::TypeMismatch => "type_mismatch",
            FilterErrorCode::InvalidOperator => "invalid_operator",
        }
    }
}

impl FilterError {
    pub(crate) fn new(
        code: FilterErrorCode,
        message: impl Into<String>,
        position: usize,
        token: impl Into<String>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            position,
            token: token.into(),
        }
    }
}

/// Parses filter text into an [`Expr`]. Field existence and value types are not checked here;
/// use [`parse_and_check`] for that.
pub fn parse(input: &str) -> Result<Expr, FilterError> {
    parse::parse_spanned(input).map(parse::Node::into_expr)
}

/// Parses and checks filter text against `fields`, resolving `me` / `today` / `now` from `ctx`.
/// Errors carry positions into `input`. This is what the store calls.
pub fn parse_and_check(
    input: &str,
    fields: &[FieldDef],
    ctx: &Context,
) -> Result<Cond, FilterError> {
    let node = parse::parse_spanned(input)?;
    check::check_node(&node, fields, ctx)
}

/// Checks an already parsed [`Expr`] against `fields`.
///
/// `Expr` keeps no positions, so this re-parses the expression's canonical text
/// (`expr.to_string()`): error positions refer to that text. An `Expr` built by hand that has
/// no valid text form (a bad field name or number, nesting beyond [`MAX_DEPTH`], text longer
/// than [`MAX_FILTER_LEN`]) is rejected with the corresponding parse error.
pub fn check(expr: &Expr, fields: &[FieldDef], ctx: &Context) -> Result<Cond, FilterError> {
    parse_and_check(&expr.to_string(), fields, ctx)
}

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod tests;
