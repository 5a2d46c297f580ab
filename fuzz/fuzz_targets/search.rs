//! Search folding: idempotent, no upper case or combining marks left, and the query made of
//! a text finds that text's own search key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sen_domain::search::{escape_like, fold, parse_query, phone_digits, search_text};

fuzz_target!(|text: &str| {
    let once = fold(text);
    assert_eq!(fold(&once), once);
    assert!(!once.chars().any(|c| c.is_ascii_uppercase()));
    let key = search_text(&[text], &[]);
    if phone_digits(text).is_none() {
        for term in parse_query(text).terms {
            assert!(key.contains(&term), "{term:?} not in {key:?}");
        }
    }
    let _ = escape_like(text);
});
