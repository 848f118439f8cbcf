//! The fuzz targets' bodies on the committed seeds and on every past crash
//! (`fuzz/seeds/<target>/`, `fuzz/regressions/<target>/`), on the stable
//! toolchain: a fixed crash stays fixed.

use std::path::PathBuf;

/// Every committed input of `target`.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut found = Vec::new();
    for kind in ["seeds", "regressions"] {
        let Ok(dir) = std::fs::read_dir(root.join(kind).join(target)) else { continue };
        for entry in dir.flatten() {
            found.push((entry.path(), std::fs::read(entry.path()).unwrap()));
        }
    }
    found.sort();
    found
}

fn replay(target: &str, run: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(inputs.len() >= 10, "{target}: only {} committed inputs", inputs.len());
    for (path, data) in inputs {
        if std::panic::catch_unwind(|| run(&data)).is_err() {
            panic!("{target} fails on {}", path.display());
        }
    }
}

#[test]
fn parse_request_on_seeds_and_regressions() {
    replay("parse_request", leadfuzz::fuzzing::parse_request);
}

#[test]
fn server_initialize_on_seeds_and_regressions() {
    replay("server_initialize", leadfuzz::fuzzing::server_initialize);
}

#[cfg(feature = "arbitrary")]
#[test]
fn roundtrip_on_seeds_and_regressions() {
    replay("roundtrip", leadfuzz::fuzzing::roundtrip_bytes);
}

#[cfg(feature = "arbitrary")]
#[test]
fn oracle_on_seeds_and_regressions() {
    replay("oracle", leadfuzz::fuzzing::oracle_bytes);
}

/// Named after the bug: an empty body (no data) is valid and must count as
/// `CloseData::default()`, not fail the model.
#[test]
fn r1_empty_body_is_no_data() {
    leadfuzz::fuzzing::parse_request(b"");
    leadfuzz::fuzzing::parse_request(b"null");
}
