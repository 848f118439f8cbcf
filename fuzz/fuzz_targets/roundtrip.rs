//! `Arbitrary` model values through JSON and back (`leadfuzz::fuzzing::roundtrip_bytes`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadfuzz::fuzzing::roundtrip_bytes(data));
