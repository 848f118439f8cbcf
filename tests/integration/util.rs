//! Helpers shared by the integration tests.

/// The official example body from the spec.
pub fn official_example() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/data/official-example.json"))
        .expect("the official example is committed")
}

/// The `leadfuzz` binary, ready to run.
pub fn leadfuzz() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("leadfuzz").expect("the binary builds")
}
