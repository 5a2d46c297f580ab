//! Unit tests of parsing and printing, by operator and by error case.

use super::*;

fn field(name: &str) -> Box<Expr> {
    Box::new(Expr::Field(name.into()))
}

fn cmp(field: &str, op: Op, value: Value) -> Expr {
    Expr::Compare {
        field: field.into(),
        op,
        value,
    }
}

fn num(n: &str) -> Value {
    Value::Number(n.into())
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn err(input: &str) -> FilterError {
    match parse(input) {
        Ok(e) => panic!("{input:?} parsed as {e:?}"),
        Err(e) => e,
    }
}

#[test]
fn contract_examples_parse() {
    let e = parse("stage.is_won = false and expected_revenue >= 1000000").unwrap();
    assert_eq!(
        e,
        Expr::And(
            Box::new(cmp("stage.is_won", Op::Eq, Value::Bool(false))),
            Box::new(cmp("expected_revenue", Op::Ge, num("1000000"))),
        )
    );
    let e = parse(r#"tags has "VIP" and (user = me or user = null)"#).unwrap();
    assert_eq!(
        e,
        Expr::And(
            Box::new(Expr::Has {
                field: "tags".into(),
                value: text("VIP")
            }),
            Box::new(Expr::Or(
                Box::new(cmp("user", Op::Eq, Value::Me)),
                Box::new(cmp("user", Op::Eq, Value::Null)),
            )),
        )
    );
    let e = parse(r#"created_at >= today - 30d and source in ["Facebook", "Zalo"]"#).unwrap();
    assert_eq!(
        e,
        Expr::And(
            Box::new(cmp(
                "created_at",
                Op::Ge,
                Value::Relative {
                    base: TimeBase::Today,
                    offset_hours: -720
                }
            )),
            Box::new(Expr::In {
                field: "source".into(),
                values: vec![text("Facebook"), text("Zalo")]
            }),
        )
    );
    let e = parse(r#"custom.major = "Computer Science" and not archived"#).unwrap();
    assert_eq!(
        e,
        Expr::And(
            Box::new(cmp("custom.major", Op::Eq, text("Computer Science"))),
            Box::new(Expr::Not(field("archived"))),
        )
    );
}

#[test]
fn every_comparison_operator_parses() {
    for (text, op) in [
        ("=", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        ("<=", Op::Le),
        (">", Op::Gt),
        (">=", Op::Ge),
    ] {
        assert_eq!(parse(&format!("x {text} -5")), Ok(cmp("x", op, num("-5"))));
        assert_eq!(
            parse(&format!("x{text}12.5")),
            Ok(cmp("x", op, num("12.5")))
        );
    }
}

#[test]
fn contains_and_relative_times_parse() {
    assert_eq!(
        parse(r#"name contains "Nguyễn \"A\" \\""#),
        Ok(Expr::Contains {
            field: "name".into(),
            value: text("Nguyễn \"A\" \\")
        })
    );
    let rel = |base, offset_hours| Value::Relative { base, offset_hours };
    assert_eq!(
        parse("t < now + 2h"),
        Ok(cmp("t", Op::Lt, rel(TimeBase::Now, 2)))
    );
    assert_eq!(
        parse("t < NOW"),
        Ok(cmp("t", Op::Lt, rel(TimeBase::Now, 0)))
    );
    assert_eq!(
        parse("t < today - 1d + 3h"),
        Ok(cmp("t", Op::Lt, rel(TimeBase::Today, -21)))
    );
}

#[test]
fn precedence_is_or_then_and_then_not_then_comparison() {
    assert_eq!(
        parse("a or b and not c = 1"),
        Ok(Expr::Or(
            field("a"),
            Box::new(Expr::And(
                field("b"),
                Box::new(Expr::Not(Box::new(cmp("c", Op::Eq, num("1")))))
            ))
        ))
    );
    assert_eq!(
        parse("a and b and c"),
        Ok(Expr::And(
            Box::new(Expr::And(field("a"), field("b"))),
            field("c")
        ))
    );
}

#[test]
fn keywords_are_case_insensitive() {
    assert_eq!(
        parse("NOT a AND b Or c = NULL"),
        parse("not a and b or c = null")
    );
    assert_eq!(
        parse("x In [TRUE, False, Me]").unwrap().to_string(),
        "x in [true, false, me]"
    );
}

#[test]
fn unknown_fields_parse_without_checking() {
    assert_eq!(parse("foo = 1"), Ok(cmp("foo", Op::Eq, num("1"))));
}

#[test]
fn missing_value_names_the_operator_and_end_position() {
    let e = err("name = ");
    assert_eq!(e.code, FilterErrorCode::UnexpectedEnd);
    assert_eq!(e.message, "expected a value after `=`");
    assert_eq!(e.position, 7);
    assert_eq!(e.to_string(), "expected a value after `=` at position 7");
}

#[test]
fn dangling_connectives_are_unexpected_end() {
    for input in [
        r#"name = "x" or"#,
        "a and",
        "not",
        "(a",
        "x in [1,",
        "x in",
        "t = today -",
    ] {
        assert_eq!(err(input).code, FilterErrorCode::UnexpectedEnd, "{input}");
    }
    for input in ["", "   \t\n"] {
        assert_eq!(err(input).code, FilterErrorCode::UnexpectedEnd);
    }
}

#[test]
fn misplaced_tokens_are_named_with_their_position() {
    let e = err("a = 1 b = 2");
    assert_eq!(
        (e.code, e.position, e.token.as_str()),
        (FilterErrorCode::UnexpectedToken, 6, "b")
    );
    let e = err(r#"name "x""#);
    assert_eq!((e.position, e.token.as_str()), (5, "\"x\""));
    let e = err("and = 1");
    assert_eq!((e.position, e.token.as_str()), (0, "and"));
    let e = err("x = (1)");
    assert_eq!((e.code, e.position), (FilterErrorCode::UnexpectedToken, 4));
    let e = err("x = 30d");
    assert_eq!(
        (e.code, e.token.as_str()),
        (FilterErrorCode::UnexpectedToken, "30d")
    );
    let e = err("t = today - 5");
    assert_eq!(
        (e.code, e.token.as_str()),
        (FilterErrorCode::UnexpectedToken, "5")
    );
    let e = err("x in []");
    assert_eq!(
        (e.code, e.token.as_str()),
        (FilterErrorCode::UnexpectedToken, "]")
    );
    let e = err("(a))");
    assert_eq!((e.code, e.position), (FilterErrorCode::UnexpectedToken, 3));
}

#[test]
fn lexical_errors_surface_from_parse() {
    assert_eq!(err("n = \"abc").code, FilterErrorCode::UnterminatedString);
    assert_eq!(err("n = 1.2.3").code, FilterErrorCode::InvalidNumber);
    assert_eq!(err("n == 1").code, FilterErrorCode::InvalidOperator);
}

#[test]
fn length_and_depth_are_bounded() {
    let long = format!("a = \"{}\"", "x".repeat(MAX_FILTER_LEN));
    assert_eq!(err(&long).code, FilterErrorCode::TooLong);
    let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(parse(&ok), Ok(Expr::Field("a".into())));
    let deep = format!(
        "{}a{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let e = err(&deep);
    assert_eq!((e.code, e.position), (FilterErrorCode::TooDeep, MAX_DEPTH));
    assert_eq!(
        err(&"not ".repeat(MAX_DEPTH + 1)).code,
        FilterErrorCode::TooDeep
    );
    assert_eq!(err(&"(".repeat(3999)).code, FilterErrorCode::TooDeep);
}
