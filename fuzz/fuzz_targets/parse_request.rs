//! Raw bytes through `validate`'s parse and classify (`leadfuzz::fuzzing::parse_request`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadfuzz::fuzzing::parse_request(data));
