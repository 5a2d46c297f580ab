//! Unit tests of `check`: coercion by field type, resolution of `me`/`today`/`now`, and
//! every type error.

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;

fn ctx() -> Context {
    Context {
        user_id: 42,
        now: Utc.with_ymd_and_hms(2024, 6, 15, 10, 30, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2024, 6, 15).unwrap(),
        // The user is at UTC+7, so their day began at 17:00 UTC the day before.
        today_start: Utc.with_ymd_and_hms(2024, 6, 14, 17, 0, 0).unwrap(),
    }
}

fn fields() -> Vec<FieldDef> {
    vec![
        FieldDef::new("name", FieldType::Text),
        FieldDef::new("count", FieldType::Integer),
        FieldDef::new("expected_revenue", FieldType::Decimal),
        FieldDef::new("archived", FieldType::Bool),
        FieldDef::new("stage.is_won", FieldType::Bool),
        FieldDef::new("birthday", FieldType::Date),
        FieldDef::new("created_at", FieldType::DateTime),
        FieldDef::new("user", FieldType::UserRef),
        FieldDef::new("company", FieldType::RecordRef),
        FieldDef::new("tags", FieldType::TagSet),
    ]
}

fn def(name: &str) -> FieldDef {
    fields().into_iter().find(|f| f.name == name).unwrap()
}

fn ok(input: &str) -> Cond {
    parse_and_check(input, &fields(), &ctx()).unwrap()
}

fn bad(input: &str) -> FilterError {
    match parse_and_check(input, &fields(), &ctx()) {
        Ok(c) => panic!("{input:?} checked as {c:?}"),
        Err(e) => e,
    }
}

fn scalar_of(input: &str) -> Scalar {
    match ok(input) {
        Cond::Compare { value, .. } => value,
        other => panic!("{other:?}"),
    }
}

#[test]
fn values_coerce_by_field_type() {
    assert_eq!(scalar_of(r#"name < "M""#), Scalar::Text("M".into()));
    assert_eq!(scalar_of("count >= -5"), Scalar::Int(-5));
    assert_eq!(
        scalar_of("expected_revenue > 12.5"),
        Scalar::Decimal("12.5".into())
    );
    assert_eq!(scalar_of("archived != true"), Scalar::Bool(true));
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(
        scalar_of(r#"birthday = "2000-02-29""#),
        Scalar::Date(d(2000, 2, 29))
    );
    assert_eq!(
        scalar_of("birthday >= today - 30d"),
        Scalar::Date(d(2024, 5, 16))
    );
    let t = |day, h, m| Scalar::DateTime(Utc.with_ymd_and_hms(2024, 6, day, h, m, 0).unwrap());
    assert_eq!(
        scalar_of(r#"created_at > "2024-06-15T09:00:00+07:00""#),
        t(15, 2, 0)
    );
    assert_eq!(scalar_of(r#"created_at > "2024-06-15""#), t(15, 0, 0));
    assert_eq!(scalar_of("created_at > now - 2h"), t(15, 8, 30));
    assert_eq!(scalar_of("created_at >= today"), t(14, 17, 0));
    assert_eq!(scalar_of("created_at >= today + 1d"), t(15, 17, 0));
    assert_eq!(scalar_of("user = me"), Scalar::Int(42));
    assert_eq!(scalar_of("user != 7"), Scalar::Int(7));
    assert_eq!(scalar_of("company = 9"), Scalar::Int(9));
}

#[test]
fn null_comparisons_become_is_null() {
    assert_eq!(
        ok("user = null"),
        Cond::IsNull {
            field: def("user"),
            negated: false
        }
    );
    assert_eq!(
        ok("name != NULL"),
        Cond::IsNull {
            field: def("name"),
            negated: true
        }
    );
    let e = bad("name < null");
    assert_eq!((e.code, e.position), (FilterErrorCode::TypeMismatch, 5));
    assert_eq!(bad("x in [1, null]").code, FilterErrorCode::UnknownField);
    assert_eq!(
        bad("count in [1, null]").code,
        FilterErrorCode::TypeMismatch
    );
}

#[test]
fn connectives_flatten_and_bare_bools_are_tests() {
    assert_eq!(
        ok("archived and stage.is_won and not archived or count = 1"),
        Cond::Or(vec![
            Cond::And(vec![
                Cond::IsTrue {
                    field: def("archived")
                },
                Cond::IsTrue {
                    field: def("stage.is_won")
                },
                Cond::Not(Box::new(Cond::IsTrue {
                    field: def("archived")
                })),
            ]),
            Cond::Compare {
                field: def("count"),
                op: Op::Eq,
                value: Scalar::Int(1)
            },
        ])
    );
}

#[test]
fn in_has_and_contains_check_their_field_types() {
    assert_eq!(
        ok("user in [me, 3]"),
        Cond::In {
            field: def("user"),
            values: vec![Scalar::Int(42), Scalar::Int(3)]
        }
    );
    assert_eq!(
        ok(r#"tags has "VIP""#),
        Cond::Has {
            field: def("tags"),
            value: Scalar::Text("VIP".into())
        }
    );
    assert_eq!(
        ok("tags has 12"),
        Cond::Has {
            field: def("tags"),
            value: Scalar::Int(12)
        }
    );
    assert_eq!(
        ok(r#"name contains "Đặng Văn""#),
        Cond::Contains {
            field: def("name"),
            text: "dang van".into()
        }
    );
    assert_eq!(bad(r#"name has "x""#).code, FilterErrorCode::TypeMismatch);
    assert_eq!(bad(r#"tags = "VIP""#).code, FilterErrorCode::TypeMismatch);
    assert_eq!(
        bad(r#"tags in ["VIP"]"#).code,
        FilterErrorCode::TypeMismatch
    );
    assert_eq!(bad("tags").code, FilterErrorCode::TypeMismatch);
    assert_eq!(
        bad(r#"count contains "1""#).code,
        FilterErrorCode::TypeMismatch
    );
    assert_eq!(bad("name contains 1").code, FilterErrorCode::TypeMismatch);
}

#[test]
fn in_lists_hold_at_most_500_values() {
    let list = |n: usize| format!("count in [{}]", vec!["1"; n].join(","));
    assert!(matches!(ok(&list(500)), Cond::In { values, .. } if values.len() == 500));
    let e = bad(&list(501));
    assert_eq!(
        (e.code, e.position),
        (FilterErrorCode::TooLong, 10 + 2 * 500)
    );
}

#[test]
fn unknown_field_reports_its_own_position() {
    let e = bad(r#"name = "x" and (foo = 1 or count = 2)"#);
    assert_eq!(e.code, FilterErrorCode::UnknownField);
    assert_eq!((e.position, e.token.as_str()), (16, "foo"));
    assert!(e.message.contains("`foo`"));
    // Positions are in chars, not bytes.
    let e = bad(r#"name = "Nguyễn" and bar"#);
    assert_eq!(e.position, 20);
}

#[test]
fn type_mismatches_name_the_field_and_expectation() {
    let cases = [
        ("count = 1.5", 8),
        (r#"count = "1""#, 8),
        ("name = 1", 7),
        ("archived = 1", 11),
        ("archived < true", 9),
        ("user > 3", 5),
        ("company = me", 10),
        ("birthday = now", 11),
        ("birthday = today - 2h", 11),
        (r#"birthday = "15/06/2024""#, 11),
        (r#"created_at = "yesterday""#, 13),
        ("expected_revenue = true", 19),
        ("name", 0),
    ];
    for (input, position) in cases {
        let e = bad(input);
        assert_eq!(e.code, FilterErrorCode::TypeMismatch, "{input}");
        assert_eq!(e.position, position, "{input}: {e}");
        let name = input.split(' ').next().unwrap();
        assert!(e.message.contains(&format!("`{name}`")), "{input}: {e}");
    }
}

#[test]
fn out_of_range_numbers_and_times_are_invalid_numbers() {
    assert_eq!(
        bad("count = 99999999999999999999").code,
        FilterErrorCode::InvalidNumber
    );
    assert_eq!(
        bad("created_at > now + 9999999999999h").code,
        FilterErrorCode::InvalidNumber
    );
    assert_eq!(
        bad("birthday > today + 999999999d").code,
        FilterErrorCode::InvalidNumber
    );
}

#[test]
fn check_on_a_parsed_expr_matches_parse_and_check() {
    let input = r#"tags has "VIP" and (user = me or user = null) and created_at >= today - 30d"#;
    let expr = parse(input).unwrap();
    assert_eq!(check(&expr, &fields(), &ctx()), Ok(ok(input)));
    let e = check(&parse("count = 1 and foo").unwrap(), &fields(), &ctx()).unwrap_err();
    assert_eq!((e.code, e.position), (FilterErrorCode::UnknownField, 14));
}

#[test]
fn long_flat_chains_parse_and_check() {
    let input = vec!["a"; 800].join(" or ");
    let fields = [FieldDef::new("a", FieldType::Bool)];
    match parse_and_check(&input, &fields, &ctx()) {
        Ok(Cond::Or(parts)) => assert_eq!(parts.len(), 800),
        other => panic!("{other:?}"),
    }
}
