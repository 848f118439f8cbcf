//! The bodies of the fuzz targets in `fuzz/`, as library functions, so that
//! `cargo test` on the stable toolchain replays the committed seeds and every
//! past crash (`tests/integration/fuzz_replay.rs`). Each function panics when
//! a property breaks, which is what libFuzzer reports.

use crate::classify::{Class, classify, classify_bytes, read_body};
use crate::model::{CloseData, RecordsCreated, counts};
use crate::oracle::{self, Expectation, Observed};
use serde::Deserialize;

/// Raw bytes through `validate`'s path: never a panic; strict mode is never
/// more lenient; a Valid body fits the model, re-serializes to JSON that
/// parses to an equal value, and counts the same every way.
///
/// Each input is parsed once, and its re-serialization once more, for speed.
pub fn parse_request(data: &[u8]) {
    let (verdict, value) = read_body(data, false);
    let Some(value) = value else { return };
    // Strict reads the same JSON; a lone surrogate weighs the same in both.
    let lone = if verdict.has_lone_surrogate() { Class::Ambiguous } else { Class::Valid };
    let strict = classify(&value, true).class.max(lone);
    assert!(strict >= verdict.class, "strict is never more lenient: {value}");
    if verdict.class != Class::Valid {
        return;
    }
    let model =
        to_model(&value).unwrap_or_else(|e| panic!("a valid body does not fit the model: {e}: {value}"));
    assert_eq!(Some(counts(&model)), verdict.records_created, "counts differ: {value}");
    let text = serde_json::to_vec(&model).expect("the model serializes");
    let again: serde_json::Value = serde_json::from_slice(&text).expect("the model's JSON parses");
    assert_eq!(
        to_model(&again).expect("the model's JSON fits the model"),
        model,
        "the model does not roundtrip"
    );
    let reread = classify(&again, false);
    assert_eq!(reread.class, Class::Valid, "re-serialized body is not valid: {:?}", reread.reasons);
    assert_eq!(reread.records_created, verdict.records_created);
}

/// The model of a parsed body; `null` (and no body at all) is "no data".
fn to_model(value: &serde_json::Value) -> Result<CloseData, serde_json::Error> {
    Ok(Option::<CloseData>::deserialize(value)?.unwrap_or_default())
}

/// Model values through JSON and back: equal values, equal counts, and never
/// Invalid (a well-typed body can only leave Close's meaning).
pub fn roundtrip(data: &CloseData) {
    let text = serde_json::to_vec(data).expect("the model serializes");
    let back: CloseData = serde_json::from_slice(&text).expect("the model's JSON parses");
    assert_eq!(&back, data, "the model does not roundtrip");
    let verdict = classify_bytes(&text, false);
    assert_ne!(verdict.class, Class::Invalid, "{:?}", verdict.reasons);
    assert_eq!(verdict.records_created, Some(counts(data)));
}

/// A request and any answer through the oracle: never a panic, and never a
/// pass for a 200 whose counts differ from the request's.
pub fn oracle(request: &CloseData, status: u16, response: &[u8], truncated: bool) {
    let body = serde_json::to_value(request).expect("the model serializes");
    let verdict = classify(&body, false);
    let expected =
        Expectation { class: verdict.class, records: verdict.records_created, sandbox_id: "fuzz".into() };
    let judged = oracle::judge(&expected, &Observed { status, body: response, truncated });
    if judged.findings.is_empty() && (200..300).contains(&status) {
        let answer: serde_json::Value = serde_json::from_slice(response).expect("a passing answer is JSON");
        let created: RecordsCreated = serde_json::from_value(answer["records_created"].clone())
            .expect("a passing answer has records_created");
        assert_eq!(Some(created), expected.records, "the oracle passed wrong counts");
    }
    let dumped = oracle::judge_dump(true, &body, None, Some(&body));
    assert!(dumped.findings.is_empty(), "a dump equal to the body must pass: {:?}", dumped.findings);
}

/// Bytes as an initialize body to the reference server's router, in
/// process: only 200 or 4xx; a 200 has exactly the expected counts and the
/// dump then equals the body.
#[cfg(feature = "server")]
pub fn server_initialize(body: &[u8]) {
    use crate::server::{AppState, ServerConfig, app};
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use std::sync::OnceLock;
    use tower::ServiceExt;

    // One server for the whole run: building the router (and its OpenAPI
    // document) per input would cost more than the request.
    static SERVER: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    let (runtime, router) = SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let state = AppState::new(ServerConfig::default(), "http://fuzz").expect("an in-memory store");
        (runtime, app(state))
    });
    let call = |request: Request<Body>| async {
        let response = router.clone().oneshot(request).await.expect("the router answers");
        let status = response.status().as_u16();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.expect("a whole body");
        (status, serde_json::from_slice::<serde_json::Value>(&bytes).expect("every answer is JSON"))
    };
    runtime.block_on(async {
        let request = Request::post("/sandbox/close/fuzz/initialize")
            .header("content-type", "application/json")
            .body(Body::from(body.to_vec()))
            .expect("a request");
        let (status, answer) = call(request).await;
        assert!(status == 200 || (400..500).contains(&status), "initialize answered {status}: {answer}");
        if status != 200 {
            return;
        }
        let (verdict, value) = read_body(body, false);
        let expected = serde_json::to_value(verdict.records_created).expect("counts serialize");
        assert_eq!(answer["records_created"], expected, "wrong counts for an accepted body");
        let (status, dump) =
            call(Request::get("/sandbox/close/fuzz/dump").body(Body::empty()).expect("a request")).await;
        assert_eq!(status, 200);
        let sent = value.unwrap_or_default();
        let judged = oracle::judge_dump(true, &sent, None, Some(&dump["data"]));
        assert!(judged.findings.is_empty(), "dump differs: {:?}", judged.findings);
    });
}

/// [`roundtrip`] on the model value that `arbitrary` makes of `data`.
#[cfg(feature = "arbitrary")]
pub fn roundtrip_bytes(data: &[u8]) {
    use arbitrary::Arbitrary;
    if let Ok(value) = CloseData::arbitrary_take_rest(arbitrary::Unstructured::new(data)) {
        roundtrip(&value);
    }
}

/// What the oracle target draws: a request and an answer, well-shaped or raw.
#[cfg(feature = "arbitrary")]
#[derive(Debug, arbitrary::Arbitrary)]
struct OracleInput {
    request: CloseData,
    status: u16,
    /// Counts to answer with, so that well-shaped answers come often.
    created: RecordsCreated,
    echo_id: bool,
    /// Raw bytes answered instead, when set.
    raw: Option<Vec<u8>>,
    truncated: bool,
}

/// [`oracle()`] on the request and answer that `arbitrary` makes of `data`.
#[cfg(feature = "arbitrary")]
pub fn oracle_bytes(data: &[u8]) {
    use arbitrary::Arbitrary;
    let Ok(input) = OracleInput::arbitrary_take_rest(arbitrary::Unstructured::new(data)) else { return };
    let id = if input.echo_id { "fuzz" } else { "other" };
    let answer = input.raw.unwrap_or_else(|| {
        serde_json::to_vec(&serde_json::json!({
            "sandbox_id": id, "status": "occupied", "message": "m", "records_created": input.created,
        }))
        .expect("JSON serializes")
    });
    oracle(&input.request, input.status, &answer, input.truncated);
}
