//! The `leadfuzz` binary: exit codes, stdout and stderr.

use crate::util::{leadfuzz, official_example};
use predicates::prelude::*;
use serde_json::Value;

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn validate_official_example_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("body.json");
    std::fs::write(&path, official_example()).unwrap();
    let out = leadfuzz().arg("validate").arg(&path).assert().code(0).get_output().clone();
    let verdict = stdout_json(&out);
    assert_eq!(verdict["class"], "valid");
    assert_eq!(
        verdict["records_created"],
        serde_json::json!({"leads": 5, "contacts": 8, "opportunities": 7, "tasks": 10})
    );
}

#[test]
fn validate_invalid_from_stdin_exits_1_with_path() {
    let out = leadfuzz()
        .args(["validate", "-"])
        .write_stdin(r#"{"leads":[{"name":"A","opportunities":[{"value":5}]}]}"#)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let verdict = stdout_json(&out);
    assert_eq!(verdict["class"], "invalid");
    assert_eq!(verdict["reasons"][0]["path"], "leads[0].opportunities[0].note");
    assert_eq!(verdict["reasons"][0]["type"], "missing");
    assert_eq!(verdict["records_created"], Value::Null);
}

#[test]
fn validate_ambiguous_exits_0_and_1_with_strict() {
    let body = r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":150}]}]}"#;
    let out = leadfuzz().arg("validate").write_stdin(body).assert().code(0).get_output().clone();
    assert_eq!(stdout_json(&out)["class"], "ambiguous");
    let out =
        leadfuzz().args(["validate", "--strict"]).write_stdin(body).assert().code(1).get_output().clone();
    assert_eq!(stdout_json(&out)["class"], "invalid");
    let coerced = r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":"5"}]}]}"#;
    let out =
        leadfuzz().args(["validate", "--strict"]).write_stdin(coerced).assert().code(1).get_output().clone();
    assert_eq!(stdout_json(&out)["class"], "ambiguous");
}

#[test]
fn validate_malformed_json_reports_line_and_column() {
    let out = leadfuzz()
        .arg("validate")
        .write_stdin("{\n  \"leads\": [,]\n}")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let reason = &stdout_json(&out)["reasons"][0];
    assert_eq!(reason["type"], "json_invalid");
    assert_eq!((reason["line"].as_u64(), reason["column"].as_u64()), (Some(2), Some(13)));
}

#[test]
fn validate_unreadable_file_exits_2() {
    leadfuzz()
        .args(["validate", "/nonexistent/body.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with("leadfuzz: error: cannot read /nonexistent/body.json"));
}

#[test]
fn validate_binary_and_empty_input_do_not_crash() {
    leadfuzz().arg("validate").write_stdin(vec![0xffu8, 0, 0x80, b'{']).assert().code(1);
    let out = leadfuzz().arg("validate").write_stdin("").assert().code(0).get_output().clone();
    assert_eq!(stdout_json(&out)["records_created"]["leads"], 0);
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    leadfuzz().arg("frobnicate").assert().code(2).stderr(predicate::str::contains("unrecognized subcommand"));
}
