//! Canonical text of filters: lower-case keywords, single spaces, and parentheses exactly where
//! the tree shape needs them, so that `parse(&e.to_string()) == Ok(e)`.

use std::fmt::{self, Display, Formatter, Write};

use super::{Expr, Op, TimeBase, Value};

impl Display for Op {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(true) => f.write_str("true"),
            Value::Bool(false) => f.write_str("false"),
            Value::Number(n) => f.write_str(n),
            Value::Text(s) => {
                f.write_char('"')?;
                for c in s.chars() {
                    if matches!(c, '"' | '\\') {
                        f.write_char('\\')?;
                    }
                    f.write_char(c)?;
                }
                f.write_char('"')
            }
            Value::Me => f.write_str("me"),
            Value::Relative { base, offset_hours } => {
                f.write_str(match base {
                    TimeBase::Today => "today",
                    TimeBase::Now => "now",
                })?;
                if *offset_hours != 0 {
                    let sign = if *offset_hours < 0 { '-' } else { '+' };
                    // unsigned_abs: i64::MIN has no positive i64 counterpart.
                    let abs = offset_hours.unsigned_abs();
                    if abs % 24 == 0 {
                        write!(f, " {sign} {}d", abs / 24)?;
                    } else {
                        write!(f, " {sign} {abs}h")?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// Binding strength; a child binding more loosely than its slot needs parentheses.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(_) => 3,
        _ => 4,
    }
}

/// Writes `e`, parenthesised if it binds more loosely than `min`.
fn child(f: &mut Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if precedence(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            // The parser is left-associative, so a right operand of the same operator needs
            // parentheses to keep its shape: And(a, And(b, c)) prints `a and (b and c)`.
            Expr::Or(l, r) => {
                child(f, l, 1)?;
                f.write_str(" or ")?;
                child(f, r, 2)
            }
            Expr::And(l, r) => {
                child(f, l, 2)?;
                f.write_str(" and ")?;
                child(f, r, 3)
            }
            Expr::Not(e) => {
                f.write_str("not ")?;
                child(f, e, 3)
            }
            Expr::Compare { field, op, value } => write!(f, "{field} {op} {value}"),
            Expr::In { field, values } => {
                write!(f, "{field} in [")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
            Expr::Has { field, value } => write!(f, "{field} has {value}"),
            Expr::Contains { field, value } => write!(f, "{field} contains {value}"),
            Expr::Field(field) => f.write_str(field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn field(name: &str) -> Box<Expr> {
        Box::new(Expr::Field(name.into()))
    }

    #[test]
    fn prints_canonical_text() {
        let e = parse(r#"A = 1 AND (b OR NOT c) and d IN ["x\"y", ME, Today - 30D, now+2h]"#);
        assert_eq!(
            e.unwrap().to_string(),
            r#"A = 1 and (b or not c) and d in ["x\"y", me, today - 30d, now + 2h]"#
        );
    }

    #[test]
    fn right_nested_operands_keep_their_parentheses() {
        let e = Expr::And(field("a"), Box::new(Expr::And(field("b"), field("c"))));
        assert_eq!(e.to_string(), "a and (b and c)");
        assert_eq!(parse(&e.to_string()), Ok(e));
        let e = Expr::Or(field("a"), Box::new(Expr::Or(field("b"), field("c"))));
        assert_eq!(e.to_string(), "a or (b or c)");
        assert_eq!(parse(&e.to_string()), Ok(e));
        let e = Expr::Not(Box::new(Expr::Or(field("a"), field("b"))));
        assert_eq!(e.to_string(), "not (a or b)");
        assert_eq!(parse(&e.to_string()), Ok(e));
    }

    #[test]
    fn left_chains_print_flat() {
        let e = parse("a or b and c or d").unwrap();
        assert_eq!(e.to_string(), "a or b and c or d");
    }

    #[test]
    fn relative_offsets_print_in_days_when_whole() {
        let rel = |offset_hours| Value::Relative {
            base: TimeBase::Now,
            offset_hours,
        };
        assert_eq!(rel(0).to_string(), "now");
        assert_eq!(rel(-720).to_string(), "now - 30d");
        assert_eq!(rel(26).to_string(), "now + 26h");
        assert_eq!(rel(i64::MIN).to_string(), "now - 9223372036854775808h");
    }

    #[test]
    fn extreme_offsets_round_trip() {
        for offset_hours in [i64::MIN, i64::MAX, -24, 1] {
            let e = Expr::Compare {
                field: "at".into(),
                op: Op::Ge,
                value: Value::Relative {
                    base: TimeBase::Today,
                    offset_hours,
                },
            };
            assert_eq!(parse(&e.to_string()), Ok(e));
        }
    }
}
