//! Fuzzes the pgoutput decoder: any byte string decodes or errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kaiten_cdc::pgoutput::decode(data);
});
