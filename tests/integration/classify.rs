//! The classification table: every row of the spec's classes, with the class
//! and the JSON path of the finding that decides it.

use crate::util::official_example;
use leadfuzz::classify::{Class, Severity, classify_bytes};
use leadfuzz::model::RecordsCreated;

#[test]
fn official_example_is_valid_with_5_8_7_10() {
    let verdict = classify_bytes(&official_example(), true);
    assert_eq!(verdict.class, Class::Valid, "{:?}", verdict.reasons);
    let expected = RecordsCreated { leads: 5, contacts: 8, opportunities: 7, tasks: 10 };
    assert_eq!(verdict.records_created, Some(expected));
}

/// (body, strict, class, path of the deciding finding, its type)
const TABLE: &[(&str, bool, Class, &str, &str)] = &[
    // required fields missing or null
    (r#"{"leads":[{}]}"#, false, Class::Invalid, "leads[0].name", "missing"),
    (r#"{"leads":[{"name":null}]}"#, false, Class::Invalid, "leads[0].name", "string_type"),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"value":1}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0].note",
        "missing",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":null}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0].note",
        "string_type",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"date":"2025-01-01"}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].description",
        "missing",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":null}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].description",
        "string_type",
    ),
    // wrong JSON types that the lax reading refuses
    (r#"{"leads":[{"name":5}]}"#, false, Class::Invalid, "leads[0].name", "string_type"),
    (r#"{"leads":[{"name":{"a":1}}]}"#, false, Class::Invalid, "leads[0].name", "string_type"),
    (
        r#"{"leads":[{"name":"A","status":["Potential"]}]}"#,
        false,
        Class::Invalid,
        "leads[0].status",
        "string_type",
    ),
    (
        r#"{"leads":[{"name":"A","contacts":[{"name":true}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].contacts[0].name",
        "string_type",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":"abc"}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0].value",
        "int_parsing",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":480.5}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0].value",
        "int_from_float",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":{"x":1}}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0].confidence",
        "int_type",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","period":7}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0].period",
        "string_type",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":"maybe"}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].completed",
        "bool_parsing",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":2}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].completed",
        "bool_parsing",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":[]}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].completed",
        "bool_type",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","date":20250101}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].date",
        "string_type",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","assignee_id":12}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].assignee_id",
        "string_type",
    ),
    (r#"{"leads":{"name":"A"}}"#, false, Class::Invalid, "leads", "list_type"),
    (
        r#"{"leads":[{"name":"A","contacts":"Sarah"}]}"#,
        false,
        Class::Invalid,
        "leads[0].contacts",
        "list_type",
    ),
    (r#"{"leads":["A"]}"#, false, Class::Invalid, "leads[0]", "model_attributes_type"),
    (
        r#"{"leads":[{"name":"A","opportunities":[7]}]}"#,
        false,
        Class::Invalid,
        "leads[0].opportunities[0]",
        "model_attributes_type",
    ),
    // email and phone items that are not objects
    (
        r#"{"leads":[{"name":"A","contacts":[{"emails":["a@b.co"]}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].contacts[0].emails[0]",
        "dict_type",
    ),
    (
        r#"{"leads":[{"name":"A","contacts":[{"phones":[null]}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].contacts[0].phones[0]",
        "dict_type",
    ),
    (
        r#"{"leads":[{"name":"A","contacts":[{"emails":{"email":"a@b.co"}}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].contacts[0].emails",
        "list_type",
    ),
    // bodies that are not objects
    ("[]", false, Class::Invalid, "body", "model_attributes_type"),
    (r#""leads""#, false, Class::Invalid, "body", "model_attributes_type"),
    ("42", false, Class::Invalid, "body", "model_attributes_type"),
    // malformed JSON
    (r#"{"leads":[}"#, false, Class::Invalid, "body", "json_invalid"),
    (r#"{"leads":[],}"#, false, Class::Invalid, "body", "json_invalid"),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":NaN}]}]}"#,
        false,
        Class::Invalid,
        "body",
        "json_invalid",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":Infinity}]}]}"#,
        false,
        Class::Invalid,
        "body",
        "json_invalid",
    ),
    ("/* c */ {}", false, Class::Invalid, "body", "json_invalid"),
    (" ", false, Class::Invalid, "body", "json_invalid"),
    ("\u{1}\u{2}", false, Class::Invalid, "body", "json_invalid"),
    // Close-meaning: ambiguous, invalid with strict
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":150}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].confidence",
        "less_than_equal",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":150}]}]}"#,
        true,
        Class::Invalid,
        "leads[0].opportunities[0].confidence",
        "less_than_equal",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":-1}]}]}"#,
        true,
        Class::Invalid,
        "leads[0].opportunities[0].confidence",
        "greater_than_equal",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":-100}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].value",
        "greater_than_equal",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","period":"weekly"}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].period",
        "literal_error",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","period":"weekly"}]}]}"#,
        true,
        Class::Invalid,
        "leads[0].opportunities[0].period",
        "literal_error",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","date":"2025-02-30"}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].tasks[0].date",
        "date_parsing",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","date":"2025-02-30"}]}]}"#,
        true,
        Class::Invalid,
        "leads[0].tasks[0].date",
        "date_parsing",
    ),
    // lax coercions: ambiguous, even with strict
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":"48000"}]}]}"#,
        true,
        Class::Ambiguous,
        "leads[0].opportunities[0].value",
        "coerced_int",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":" 7 "}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].value",
        "coerced_int",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":"48_000"}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].value",
        "coerced_int",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":48000.0}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].value",
        "integral_float",
    ),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":true}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].confidence",
        "coerced_int",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":"yes"}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].tasks[0].completed",
        "coerced_bool",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":"off"}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].tasks[0].completed",
        "coerced_bool",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":1}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].tasks[0].completed",
        "coerced_bool",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":0.0}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].tasks[0].completed",
        "coerced_bool",
    ),
    // unknown keys, legacy names, lone surrogates, huge integers
    (
        r#"{"leads":[{"name":"A","industry":"SaaS"}]}"#,
        true,
        Class::Ambiguous,
        "leads[0].industry",
        "extra_forbidden",
    ),
    (r#"{"leads":[],"owner":"me"}"#, false, Class::Ambiguous, "owner", "extra_forbidden"),
    (
        r#"{"leads":[{"name":"A","status_label":"Potential"}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].status_label",
        "legacy_field",
    ),
    (
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","is_complete":true}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].tasks[0].is_complete",
        "legacy_field",
    ),
    (r#"{"leads":[{"name":"A \ud800"}]}"#, false, Class::Ambiguous, "body", "lone_surrogate"),
    (
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":100000000000000000000}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].opportunities[0].value",
        "int_overflow",
    ),
    // a legacy name does not stand in for a required field
    (
        r#"{"leads":[{"name":"A","tasks":[{"text":"call"}]}]}"#,
        false,
        Class::Invalid,
        "leads[0].tasks[0].description",
        "missing",
    ),
    // conventions of the free email and phone objects
    (
        r#"{"leads":[{"name":"A","contacts":[{"emails":[{"type":"office"}]}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].contacts[0].emails[0]",
        "convention",
    ),
    (
        r#"{"leads":[{"name":"A","contacts":[{"phones":[{"phone":"415-555-0123"}]}]}]}"#,
        false,
        Class::Ambiguous,
        "leads[0].contacts[0].phones[0].phone",
        "convention",
    ),
];

#[test]
fn table_of_invalid_and_ambiguous_bodies() {
    let mut failures = Vec::new();
    for &(body, strict, class, path, kind) in TABLE {
        let verdict = classify_bytes(body.as_bytes(), strict);
        let deciding = match class {
            Class::Invalid => Some(Severity::Invalid),
            Class::Ambiguous => Some(Severity::Ambiguous),
            Class::Valid => None,
        };
        let found = verdict
            .reasons
            .iter()
            .any(|r| Some(r.severity) == deciding && r.path() == path && r.kind == kind);
        if verdict.class != class || !found {
            failures.push(format!(
                "{body} (strict={strict}): expected {class:?} at {path} ({kind}), got {verdict:?}"
            ));
        }
    }
    assert!(TABLE.len() >= 25);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_edge_values_stay_valid() {
    for body in [
        "",
        "null",
        "{}",
        r#"{"leads":null}"#,
        r#"{"leads":[]}"#,
        r#"{"leads":[{"name":"","status":null,"contacts":null,"opportunities":[],"tasks":null}]}"#,
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":9223372036854775807,"confidence":0,"period":null}]}]}"#,
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":100,"period":"monthly"}]}]}"#,
        r#"{"leads":[{"name":"A","tasks":[{"description":"d","date":"2024-02-29","completed":null}]}]}"#,
        r#"{"leads":[{"name":"A","contacts":[{"emails":[{"email":"a+b@mail.bücher.de","label":"x"}]}]}]}"#,
        r#"{"leads":[{"name":"A\u0000\"\\ 😀 שלום e\u0301"}]}"#,
    ] {
        let verdict = classify_bytes(body.as_bytes(), true);
        assert_eq!(verdict.class, Class::Valid, "{body}: {:?}", verdict.reasons);
    }
}

#[test]
fn invalid_errors_come_in_field_order_as_fastapi_reports_them() {
    let body = br#"{"leads":[{"tasks":[{"completed":"maybe"}],"name":1},{"opportunities":[{}]}]}"#;
    let detail = classify_bytes(body, false).validation_error().detail;
    let paths: Vec<String> = detail.iter().map(|d| serde_json::to_string(&d.loc).unwrap()).collect();
    assert_eq!(
        paths,
        [
            r#"["body","leads",0,"name"]"#,
            r#"["body","leads",0,"tasks",0,"description"]"#,
            r#"["body","leads",0,"tasks",0,"completed"]"#,
            r#"["body","leads",1,"name"]"#,
            r#"["body","leads",1,"opportunities",0,"note"]"#,
        ]
    );
}

#[test]
fn hostile_inputs_never_panic() {
    let deep = "[".repeat(100_000);
    let mut big = String::from(r#"{"leads":["#);
    let lead = r#"{"name":"Acme","contacts":[{"name":"A B","emails":[{"email":"a@b.co"}]}]},"#;
    while big.len() < 100 * 1024 * 1024 {
        big.push_str(lead);
    }
    big.pop();
    big.push_str("]}");
    let inputs: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        b"1e999".to_vec(),
        b"-0".to_vec(),
        br#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":1e999}]}]}"#.to_vec(),
        (0..=255u8).collect(),
        b"\xff\xfe{}".to_vec(),
        br#"{"leads":[{"name":"\ud800\udc00\udc00\"}]}"#.to_vec(),
    ];
    for input in &inputs {
        classify_bytes(input, false);
    }
    let verdict = classify_bytes(big.as_bytes(), false);
    assert_eq!(verdict.class, Class::Valid);
    assert!(verdict.records_created.unwrap().leads > 1_000_000);
}
