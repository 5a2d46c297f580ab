//! Rich text cleaning: whatever comes in, what goes out holds no active markup (no script
//! or foreign tag, event handler, style or script URL), and cleaning it again changes
//! nothing that matters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sen_domain::markup::active_markup;
use sen_domain::note::sanitize;

fuzz_target!(|html: &str| {
    let clean = sanitize(html);
    if let Some(active) = active_markup(&clean) {
        panic!("{active} survived cleaning: {clean}");
    }
    assert_eq!(active_markup(&sanitize(&clean)), None);
});
