//! The filter language: any text parses or is refused, never panics or overflows the stack,
//! and a parsed filter prints to text that parses back to the same tree.
#![no_main]

use chrono::{NaiveDate, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use sen_domain::filter::{Context, FieldDef, FieldType, parse, parse_and_check};

fuzz_target!(|text: &str| {
    let fields = [
        FieldDef::new("name", FieldType::Text),
        FieldDef::new("count", FieldType::Integer),
        FieldDef::new("archived", FieldType::Bool),
        FieldDef::new("created_at", FieldType::DateTime),
        FieldDef::new("birthday", FieldType::Date),
        FieldDef::new("user", FieldType::UserRef),
        FieldDef::new("tags", FieldType::TagSet),
    ];
    let ctx = Context {
        user_id: 1,
        now: Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap(),
        today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        today_start: Utc.with_ymd_and_hms(2025, 12, 31, 17, 0, 0).unwrap(),
    };
    if let Ok(tree) = parse(text) {
        let printed = tree.to_string();
        assert_eq!(parse(&printed), Ok(tree), "printed as {printed:?}");
    }
    let _ = parse_and_check(text, &fields, &ctx);
});
