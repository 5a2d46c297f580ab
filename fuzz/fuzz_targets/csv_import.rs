//! The CSV reader of the lead import: any bytes are read or refused with a line number,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(table) = sen_domain::import::read_csv(bytes) {
        let _ = table;
    }
});
