//! Arbitrary request/answer pairs through the conform oracle (`leadfuzz::fuzzing::oracle_bytes`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadfuzz::fuzzing::oracle_bytes(data));
