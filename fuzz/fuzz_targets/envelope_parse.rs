//! Fuzzes the worker's envelope parser: any message body parses or is refused with a reason, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kaiten_application::envelope::parse(data);
});
