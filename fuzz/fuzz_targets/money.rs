//! Money as people type it: any text in any currency code is read or refused without a
//! panic; what is read is never negative and writes back to an amount that reads the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sen_domain::money::Money;

fuzz_target!(|input: (&str, u8)| {
    let (text, pick) = input;
    let currency = ["VND", "TWD", "USD", "JPY", "KWD", "EUR", "XXX", ""][pick as usize % 8];
    for parsed in [
        Money::parse(text, currency),
        Money::parse_typed(text, currency),
    ] {
        if let Ok(m) = parsed {
            assert!(m.minor >= 0, "{text:?} read as {}", m.minor);
            let again = Money::parse(&m.amount(), currency).expect("a written amount reads back");
            assert_eq!(again.minor, m.minor);
        }
    }
});
