//! Property tests of the pure search and filter code: round trips, idempotence, and that no
//! input, however hostile, makes parsing panic or overflow the stack.

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use sen_domain::filter::{
    Context, Expr, FieldDef, FieldType, Op, TimeBase, Value, parse, parse_and_check,
};
use sen_domain::search::{escape_like, fold, parse_query, phone_digits, search_text};
use unicode_normalization::char::is_combining_mark;

const KEYWORDS: [&str; 12] = [
    "and", "or", "not", "in", "has", "contains", "me", "today", "now", "null", "true", "false",
];

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

/// Field paths as the grammar allows them; a one-segment path may not be a keyword.
fn field_name() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z_][A-Za-z0-9_]{0,6}", 1..=3)
        .prop_map(|segments| segments.join("."))
        .prop_filter("keywords are not fields", |name| {
            !KEYWORDS.iter().any(|k| name.eq_ignore_ascii_case(k))
        })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        "-?[0-9]{1,12}(\\.[0-9]{1,6})?".prop_map(Value::Number),
        any::<String>().prop_map(Value::Text),
        "[\"\\\\a ]{0,8}".prop_map(Value::Text),
        Just(Value::Me),
        (
            prop_oneof![Just(TimeBase::Today), Just(TimeBase::Now)],
            any::<i64>()
        )
            .prop_map(|(base, offset_hours)| Value::Relative { base, offset_hours }),
        (-1000i64..1000).prop_map(|days| Value::Relative {
            base: TimeBase::Today,
            offset_hours: days * 24
        }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Eq),
        Just(Op::Ne),
        Just(Op::Lt),
        Just(Op::Le),
        Just(Op::Gt),
        Just(Op::Ge),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (field_name(), op(), value()).prop_map(|(field, op, value)| Expr::Compare {
            field,
            op,
            value
        }),
        (field_name(), prop::collection::vec(value(), 1..5))
            .prop_map(|(field, values)| Expr::In { field, values }),
        (field_name(), value()).prop_map(|(field, value)| Expr::Has { field, value }),
        (field_name(), value()).prop_map(|(field, value)| Expr::Contains { field, value }),
        field_name().prop_map(Expr::Field),
    ]
}

/// Random trees up to depth 6: each level adds at most two nesting levels (`not (`) to the
/// printed text, well inside MAX_DEPTH.
fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 64, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Expr::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Expr::Or(Box::new(l), Box::new(r))),
            inner.prop_map(|e| Expr::Not(Box::new(e))),
        ]
    })
}

/// Text that looks like filters, so random inputs get past the tokenizer often.
fn filterish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("("),
            Just(")"),
            Just("["),
            Just("]"),
            Just(","),
            Just(" and "),
            Just(" or "),
            Just("not "),
            Just(" in "),
            Just(" has "),
            Just(" contains "),
            Just(" = "),
            Just(" <= "),
            Just("!="),
            Just("name"),
            Just("count"),
            Just("tags"),
            Just("created_at"),
            Just("archived"),
            Just("null"),
            Just("me"),
            Just("today"),
            Just("now"),
            Just(" - "),
            Just("30d"),
            Just("-5"),
            Just("12.5"),
            Just("\"x\""),
            Just("\""),
            Just("\\"),
            Just("đ"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn fields() -> Vec<FieldDef> {
    vec![
        FieldDef::new("name", FieldType::Text),
        FieldDef::new("count", FieldType::Integer),
        FieldDef::new("archived", FieldType::Bool),
        FieldDef::new("created_at", FieldType::DateTime),
        FieldDef::new("birthday", FieldType::Date),
        FieldDef::new("user", FieldType::UserRef),
        FieldDef::new("tags", FieldType::TagSet),
    ]
}

fn ctx() -> Context {
    Context {
        user_id: 1,
        now: Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        today_start: Utc.with_ymd_and_hms(2023, 12, 31, 17, 0, 0).unwrap(),
    }
}

/// Parsing must return, never panic; a panic fails the property by itself.
fn parse_everything(input: &str) {
    let _ = parse(input);
    let _ = parse_and_check(input, &fields(), &ctx());
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn printed_filters_parse_back_to_the_same_tree(e in expr()) {
        let text = e.to_string();
        prop_assert_eq!(parse(&text), Ok(e), "text: {}", text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_filter_parser(s in any::<String>()) {
        parse_everything(&s);
    }

    #[test]
    fn filter_like_text_never_panics_the_filter_parser(s in filterish()) {
        parse_everything(&s);
    }

    #[test]
    fn deep_parentheses_never_overflow_the_stack(n in 0usize..10_000, tail in filterish()) {
        parse_everything(&format!("{}{tail}", "(".repeat(n)));
        parse_everything(&format!("{}{tail}", "not ".repeat(n)));
    }

    #[test]
    fn fold_is_idempotent_and_leaves_no_case_or_marks(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(!once.chars().any(|c| c.is_ascii_uppercase()), "{:?}", once);
        prop_assert!(!once.chars().any(is_combining_mark), "{:?}", once);
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn fold_of_vietnamese_text_is_idempotent(s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậđĐèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ ,.]{0,40}") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        prop_assert!(once.is_ascii(), "{:?}", once);
    }

    #[test]
    fn a_text_is_found_by_its_own_query(s in any::<String>()) {
        let text = search_text(&[&s], &[]);
        if phone_digits(&s).is_none() {
            for term in parse_query(&s).terms {
                prop_assert!(text.contains(&term), "{:?} not in {:?}", term, text);
            }
        }
    }

    #[test]
    fn a_phone_is_found_by_its_own_query(s in "[+]?[0-9 .()/-]{6,24}") {
        let text = search_text(&[], &[&s]);
        for term in parse_query(&s).terms {
            prop_assert!(text.contains(&term), "{:?} not in {:?}", term, text);
        }
    }

    #[test]
    fn escape_like_leaves_no_unescaped_wildcard(s in any::<String>()) {
        let escaped = escape_like(&s);
        let mut unescaped = String::new();
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(next @ ('\\' | '%' | '_')) => unescaped.push(next),
                    other => prop_assert!(false, "dangling escape before {:?}", other),
                },
                '%' | '_' => prop_assert!(false, "unescaped {:?} in {:?}", c, escaped),
                _ => unescaped.push(c),
            }
        }
        prop_assert_eq!(unescaped, s);
    }

    #[test]
    fn money_written_then_parsed_is_the_same_amount(
        minor in 0_i64..1_000_000_000_000,
        currency in prop::sample::select(vec!["VND", "TWD", "USD", "KWD", "JPY", "EUR"]),
    ) {
        let code = sen_domain::money::CurrencyCode::parse(currency).unwrap();
        let text = sen_domain::money::format_minor(minor, code.exponent());
        let parsed = sen_domain::money::Money::parse(&text, currency).unwrap();
        prop_assert_eq!(parsed.minor, minor);
        prop_assert_eq!(parsed.amount(), text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_money_parser(s in any::<String>(), c in "[A-Z]{0,4}") {
        let _ = sen_domain::money::Money::parse(&s, &c);
    }

    #[test]
    fn decimal_looking_text_never_panics_the_money_parser(s in "[-+]?[0-9]{0,25}([.][0-9]{0,6})?") {
        if let Ok(m) = sen_domain::money::Money::parse(&s, "USD") {
            prop_assert!(m.minor >= 0);
        }
    }
}

/// Whole units written with a thousands mark every three digits, as people type them.
fn grouped(n: u64, mark: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(mark);
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn typed_dong_amounts_read_with_either_thousands_mark(n in 0u64..1_000_000_000_000, dot in any::<bool>(), symbol in any::<bool>()) {
        let mut typed = grouped(n, if dot { '.' } else { ',' });
        if symbol { typed.push_str(" ₫"); }
        let m = sen_domain::money::Money::parse_typed(&typed, "VND").unwrap();
        prop_assert_eq!(m.minor, n as i64);
    }

    #[test]
    fn typed_dollar_amounts_read_with_grouping_and_cents(whole in 0u64..1_000_000_000, cents in 0u64..100, twd in any::<bool>()) {
        let (prefix, code) = if twd { ("NT$", "TWD") } else { ("$", "USD") };
        let typed = format!("{prefix}{}.{cents:02}", grouped(whole, ','));
        let m = sen_domain::money::Money::parse_typed(&typed, code).unwrap();
        prop_assert_eq!(m.minor, (whole * 100 + cents) as i64);
    }

    #[test]
    fn typed_amounts_with_letters_are_refused(n in 1u64..1_000_000, word in "[a-zA-Z]{1,5}") {
        let typed = format!("{n}{word}");
        prop_assume!(!["VND", "USD", "TWD"].contains(&word.as_str()));
        prop_assert!(sen_domain::money::Money::parse_typed(&typed, "USD").is_err());
    }
}

#[test]
fn typed_amounts_that_cannot_be_read_for_certain_are_refused() {
    use sen_domain::money::Money;
    let minor = |a: &str, c: &str| Money::parse_typed(a, c).map(|m| m.minor);
    // Another currency's symbol is not dropped silently.
    assert!(minor("78.000 ₫", "USD").is_err());
    assert!(minor("12.345 USD", "VND").is_err());
    // Groups must be of three digits; one decimal point at most.
    assert!(minor("1,2,3", "USD").is_err());
    assert!(minor("1.5.0", "VND").is_err());
    assert!(minor("1,234.5.6", "USD").is_err());
    // Vietnamese spellings of the đồng, and three digits after a mark are thousands.
    assert_eq!(minor("78.000 VNĐ", "VND"), Ok(78_000));
    assert_eq!(minor("78.000 vnd", "VND"), Ok(78_000));
    assert_eq!(minor("5.000", "USD"), Ok(500_000));
    assert_eq!(minor("1.234.567,89", "USD"), Ok(123_456_789));
    assert_eq!(minor("12,5", "USD"), Ok(1_250));
    assert!(minor("-1.000", "VND").is_err());
}
