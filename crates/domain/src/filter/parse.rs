//! Recursive-descent parser producing a tree that remembers where each field and value was,
//! so `check` can point at the offending token. `Node::into_expr` drops the positions.

use super::lex::{Tok, Token, tokenize};
use super::{Expr, FilterError, FilterErrorCode, MAX_DEPTH, MAX_FILTER_LEN, Op, TimeBase, Value};

/// A value or name together with the char offset where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spanned<T> {
    pub node: T,
    pub pos: usize,
}

/// [`Expr`] with positions.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Compare {
        field: Spanned<String>,
        op: Spanned<Op>,
        value: Spanned<Value>,
    },
    In {
        field: Spanned<String>,
        values: Vec<Spanned<Value>>,
    },
    Has {
        field: Spanned<String>,
        value: Spanned<Value>,
    },
    Contains {
        field: Spanned<String>,
        value: Spanned<Value>,
    },
    Field(Spanned<String>),
}

impl Node {
    pub(super) fn into_expr(self) -> Expr {
        match self {
            Node::And(l, r) => Expr::And(Box::new(l.into_expr()), Box::new(r.into_expr())),
            Node::Or(l, r) => Expr::Or(Box::new(l.into_expr()), Box::new(r.into_expr())),
            Node::Not(e) => Expr::Not(Box::new(e.into_expr())),
            Node::Compare { field, op, value } => Expr::Compare {
                field: field.node,
                op: op.node,
                value: value.node,
            },
            Node::In { field, values } => Expr::In {
                field: field.node,
                values: values.into_iter().map(|v| v.node).collect(),
            },
            Node::Has { field, value } => Expr::Has {
                field: field.node,
                value: value.node,
            },
            Node::Contains { field, value } => Expr::Contains {
                field: field.node,
                value: value.node,
            },
            Node::Field(f) => Expr::Field(f.node),
        }
    }
}

/// Words that cannot be field names. Matched case-insensitively, one-segment words only.
const KEYWORDS: [&str; 12] = [
    "and", "or", "not", "in", "has", "contains", "me", "today", "now", "null", "true", "false",
];

/// True if `word` is a reserved word, in any case.
pub(super) fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| word.eq_ignore_ascii_case(k))
}

/// Parses `input` into a positioned tree.
pub(super) fn parse_spanned(input: &str) -> Result<Node, FilterError> {
    // Check the length before tokenizing so oversized input costs nothing more.
    if input.chars().nth(MAX_FILTER_LEN).is_some() {
        return Err(FilterError::new(
            FilterErrorCode::TooLong,
            format!("filter is longer than {MAX_FILTER_LEN} characters"),
            MAX_FILTER_LEN,
            "",
        ));
    }
    let mut parser = Parser {
        tokens: tokenize(input)?,
        next: 0,
        end: input.chars().count(),
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return Err(FilterError::new(
            FilterErrorCode::UnexpectedEnd,
            "the filter is empty",
            parser.end,
            "",
        ));
    }
    let node = parser.or_expr()?;
    match parser.peek() {
        None => Ok(node),
        Some(t) => Err(unexpected(
            t,
            "expected `and`, `or` or the end of the filter",
        )),
    }
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    /// Char length of the input: the position reported for "unexpected end".
    end: usize,
    /// Current nesting of parentheses and `not`.
    depth: usize,
}

fn unexpected(t: &Token, expected: &str) -> FilterError {
    FilterError::new(
        FilterErrorCode::UnexpectedToken,
        format!("{expected}, found `{}`", t.text),
        t.pos,
        t.text.clone(),
    )
}

/// True if `tok` is the one-segment word `kw`, in any case.
fn is_kw(tok: &Tok, kw: &str) -> bool {
    matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.next).cloned();
        if t.is_some() {
            self.next += 1;
        }
        t
    }

    fn peek_kw(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| is_kw(&t.tok, kw))
    }

    /// The next token, or an "unexpected end" error saying what was `expected` after `after`.
    fn expect_any(&mut self, expected: &str, after: &str) -> Result<Token, FilterError> {
        self.bump().ok_or_else(|| {
            FilterError::new(
                FilterErrorCode::UnexpectedEnd,
                format!("expected {expected} after `{after}`"),
                self.end,
                "",
            )
        })
    }

    /// Enters one nesting level at `t`; errors before the recursion could exhaust the stack.
    fn enter(&mut self, t: &Token) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new(
                FilterErrorCode::TooDeep,
                format!(
                    "filter nests deeper than {MAX_DEPTH} levels at `{}`",
                    t.text
                ),
                t.pos,
                t.text.clone(),
            ));
        }
        Ok(())
    }

    // `and` / `or` chains loop rather than recurse, so long flat filters use constant stack.
    fn or_expr(&mut self) -> Result<Node, FilterError> {
        let mut left = self.and_expr()?;
        while self.peek_kw("or") {
            self.bump();
            let right = self.and_expr_after("or")?;
            left = Node::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Node, FilterError> {
        let mut left = self.unary()?;
        while self.peek_kw("and") {
            self.bump();
            let right = self.unary_after("and")?;
            left = Node::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr_after(&mut self, after: &str) -> Result<Node, FilterError> {
        self.require_more(after)?;
        self.and_expr()
    }

    fn unary_after(&mut self, after: &str) -> Result<Node, FilterError> {
        self.require_more(after)?;
        self.unary()
    }

    fn require_more(&self, after: &str) -> Result<(), FilterError> {
        if self.peek().is_none() {
            return Err(FilterError::new(
                FilterErrorCode::UnexpectedEnd,
                format!("expected a condition after `{after}`"),
                self.end,
                "",
            ));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Node, FilterError> {
        if let Some(t) = self.peek().filter(|t| is_kw(&t.tok, "not")).cloned() {
            self.bump();
            self.enter(&t)?;
            let inner = self.unary_after(&t.text)?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, FilterError> {
        let t = self.expect_any("a condition", "the filter so far")?;
        match &t.tok {
            Tok::LParen => {
                self.enter(&t)?;
                let inner = self.or_expr_after("(")?;
                self.depth -= 1;
                match self.bump() {
                    Some(Token {
                        tok: Tok::RParen, ..
                    }) => Ok(inner),
                    Some(other) => Err(unexpected(&other, "expected `)`")),
                    None => Err(FilterError::new(
                        FilterErrorCode::UnexpectedEnd,
                        format!("expected `)` to close the `(` at position {}", t.pos),
                        self.end,
                        "",
                    )),
                }
            }
            Tok::Word(w) if !is_keyword(w) => {
                let field = Spanned {
                    node: w.clone(),
                    pos: t.pos,
                };
                self.condition(field)
            }
            _ => Err(unexpected(&t, "expected a field name, `not` or `(`")),
        }
    }

    fn or_expr_after(&mut self, after: &str) -> Result<Node, FilterError> {
        self.require_more(after)?;
        self.or_expr()
    }

    /// What follows a field: an operator and value(s), or nothing for a boolean test.
    fn condition(&mut self, field: Spanned<String>) -> Result<Node, FilterError> {
        let Some(t) = self.peek().cloned() else {
            return Ok(Node::Field(field));
        };
        match &t.tok {
            Tok::Op(op) => {
                self.bump();
                let value = self.value(&t.text)?;
                let op = Spanned {
                    node: *op,
                    pos: t.pos,
                };
                Ok(Node::Compare { field, op, value })
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("has") => {
                self.bump();
                let value = self.value(&t.text)?;
                Ok(Node::Has { field, value })
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("contains") => {
                self.bump();
                let value = self.value(&t.text)?;
                Ok(Node::Contains { field, value })
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("in") => {
                self.bump();
                let values = self.list(&t.text)?;
                Ok(Node::In { field, values })
            }
            // A bare field is a boolean test, so whatever may follow a condition ends it.
            Tok::RParen => Ok(Node::Field(field)),
            Tok::Word(w) if w.eq_ignore_ascii_case("and") || w.eq_ignore_ascii_case("or") => {
                Ok(Node::Field(field))
            }
            _ => Err(unexpected(
                &t,
                &format!(
                    "expected an operator, `in`, `has`, `contains`, `and` or `or` after field `{}`",
                    field.node
                ),
            )),
        }
    }

    /// `[v, v, ...]`, at least one value.
    fn list(&mut self, after: &str) -> Result<Vec<Spanned<Value>>, FilterError> {
        let open = self.expect_any("`[`", after)?;
        if open.tok != Tok::LBracket {
            return Err(unexpected(&open, &format!("expected `[` after `{after}`")));
        }
        let mut values = vec![self.value("[")?];
        loop {
            let t = self.expect_any("`,` or `]`", "the list value")?;
            match t.tok {
                Tok::Comma => values.push(self.value(",")?),
                Tok::RBracket => return Ok(values),
                _ => return Err(unexpected(&t, "expected `,` or `]` in the list")),
            }
        }
    }

    fn value(&mut self, after: &str) -> Result<Spanned<Value>, FilterError> {
        let t = self.expect_any("a value", after)?;
        let pos = t.pos;
        let node = match &t.tok {
            Tok::Str(s) => Value::Text(s.clone()),
            Tok::Num(n) => Value::Number(n.clone()),
            Tok::Minus => {
                let n = self.expect_any("a number", "-")?;
                match n.tok {
                    Tok::Num(digits) => Value::Number(format!("-{digits}")),
                    _ => return Err(unexpected(&n, "expected a number after `-`")),
                }
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("null") => Value::Null,
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            Tok::Word(w) if w.eq_ignore_ascii_case("me") => Value::Me,
            Tok::Word(w) if w.eq_ignore_ascii_case("today") => self.relative(TimeBase::Today)?,
            Tok::Word(w) if w.eq_ignore_ascii_case("now") => self.relative(TimeBase::Now)?,
            Tok::Dur(_) => {
                return Err(unexpected(
                    &t,
                    "a duration must follow `today -`, `today +`, `now -` or `now +`",
                ));
            }
            _ => return Err(unexpected(&t, &format!("expected a value after `{after}`"))),
        };
        Ok(Spanned { node, pos })
    }

    /// The `± duration` offsets after `today` / `now`, summed.
    fn relative(&mut self, base: TimeBase) -> Result<Value, FilterError> {
        let mut total: i128 = 0;
        loop {
            let sign = match self.peek().map(|t| &t.tok) {
                Some(Tok::Plus) => 1,
                Some(Tok::Minus) => -1,
                _ => break,
            };
            let op = self.bump().map(|t| t.text).unwrap_or_default();
            let d = self.expect_any("a duration like `30d` or `2h`", &op)?;
            let Tok::Dur(hours) = d.tok else {
                return Err(unexpected(
                    &d,
                    &format!("expected a duration like `30d` or `2h` after `{op}`"),
                ));
            };
            total += sign * hours;
            if i64::try_from(total).is_err() {
                return Err(FilterError::new(
                    FilterErrorCode::InvalidNumber,
                    format!("time offset `{}` is too large", d.text),
                    d.pos,
                    d.text,
                ));
            }
        }
        // In range: checked after every step above.
        let offset_hours = i64::try_from(total).unwrap_or_default();
        Ok(Value::Relative { base, offset_hours })
    }
}
