//! Bytes as an initialize body to the reference server's router (`leadfuzz::fuzzing::server_initialize`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| leadfuzz::fuzzing::server_initialize(data));
