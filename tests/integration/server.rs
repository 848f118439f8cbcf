//! serve: the reference server through its router (`oneshot`) and over a real
//! socket, against the contract.

use crate::util::official_example;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use leadfuzz::classify::classify_bytes;
use leadfuzz::generate::{GenConfig, Generator, Profile};
use leadfuzz::server::{AppState, ServerConfig, app};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A server with `config`, answering through its router without a socket.
struct Server {
    state: AppState,
}

/// One answer: status, headers, JSON body.
struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

impl Server {
    fn new(config: ServerConfig) -> Self {
        Server { state: AppState::new(config, "http://localhost").unwrap() }
    }

    fn default() -> Self {
        Server::new(ServerConfig::default())
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("{status}: not JSON: {}", String::from_utf8_lossy(&bytes)));
        Answer { status, headers, json }
    }

    async fn call(&self, method: &str, uri: &str, body: impl Into<Body>) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .unwrap();
        self.send(request).await
    }

    async fn initialize(&self, id: &str, body: impl Into<Body>) -> Answer {
        self.call("POST", &format!("/sandbox/close/{id}/initialize"), body).await
    }

    async fn dump(&self, id: &str) -> Answer {
        self.call("GET", &format!("/sandbox/close/{id}/dump"), Body::empty()).await
    }
}

#[tokio::test]
async fn official_example_creates_5_8_7_10_and_dumps_back_exactly() {
    let server = Server::default();
    let answer = server.initialize("s1", official_example()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json,
        json!({"sandbox_id": "s1", "status": "occupied", "message": "Initialized sandbox with 30 records",
               "records_created": {"leads": 5, "contacts": 8, "opportunities": 7, "tasks": 10}})
    );
    let dump = server.dump("s1").await;
    assert_eq!(dump.status, StatusCode::OK);
    assert_eq!(dump.json["server_name"], "close");
    assert!(chrono::DateTime::parse_from_rfc3339(dump.json["dumped_at"].as_str().unwrap()).is_ok());
    let sent: Value = serde_json::from_slice(&official_example()).unwrap();
    assert_eq!(dump.json["data"], sent);
}

#[tokio::test]
async fn generated_bodies_dump_back_exactly_with_nulls_absences_and_unicode() {
    let server = Server::default();
    for (seed, profile) in (0..8).zip([Profile::Edge, Profile::Mixed].into_iter().cycle()) {
        let body =
            Generator::new(GenConfig { count: 30, seed, profile, ..GenConfig::default() }).payload().body;
        let expected = classify_bytes(&body, false).records_created.unwrap();
        let answer = server.initialize("gen", body.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        assert_eq!(answer.json["records_created"], serde_json::to_value(expected).unwrap());
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(server.dump("gen").await.json["data"], sent, "seed {seed}");
    }
}

#[tokio::test]
async fn invalid_bodies_get_fastapi_422s_and_store_nothing() {
    let server = Server::default();
    server.initialize("s", official_example()).await;
    let before = server.dump("s").await.json["data"].clone();
    let answer =
        server.initialize("s", r#"{"leads":[{"status":"Potential"},{"name":"B","tasks":[{}]}]}"#).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.json["detail"][0],
        json!({"type": "missing", "loc": ["body", "leads", 0, "name"], "msg": "Field required", "input": {"status": "Potential"}})
    );
    assert_eq!(answer.json["detail"][1]["loc"], json!(["body", "leads", 1, "tasks", 0, "description"]));
    let malformed = server.initialize("s", "{\"leads\": [}").await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.json["detail"][0]["type"], "json_invalid");
    assert_eq!(server.dump("s").await.json["data"], before);
}

#[tokio::test]
async fn strict_rejects_close_meaning_breaks_that_default_accepts() {
    let body =
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","confidence":150,"period":"weekly"}]}]}"#;
    assert_eq!(Server::default().initialize("s", body).await.status, StatusCode::OK);
    let strict = Server::new(ServerConfig { strict: true, ..ServerConfig::default() });
    let answer = strict.initialize("s", body).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let types: Vec<&str> =
        answer.json["detail"].as_array().unwrap().iter().map(|d| d["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["less_than_equal", "literal_error"]);
}

#[tokio::test]
async fn lax_values_are_stored_coerced_and_unknown_keys_dropped() {
    let server = Server::default();
    let body = r#"{"leads":[{"name":"A","industry":"x","opportunities":[{"note":"n","value":"48_000","confidence":" 7 "}],
                  "tasks":[{"description":"d","completed":"yes","is_complete":true}]}]}"#;
    assert_eq!(server.initialize("s", body).await.status, StatusCode::OK);
    assert_eq!(
        server.dump("s").await.json["data"],
        json!({"leads":[{"name":"A","opportunities":[{"note":"n","value":48000,"confidence":7}],
                          "tasks":[{"description":"d","completed":true}]}]})
    );
}

#[tokio::test]
async fn unstorable_ambiguous_values_are_rejected_whole() {
    let server = Server::default();
    for body in [
        r#"{"leads":[{"name":"A \ud800"}]}"#,
        r#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":100000000000000000000}]}]}"#,
    ] {
        let answer = server.initialize("u", body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            server.dump("u").await.status,
            StatusCode::NOT_FOUND,
            "nothing stored, not even the sandbox"
        );
    }
}

#[tokio::test]
async fn hostile_bodies_never_get_a_500() {
    let server = Server::new(ServerConfig { max_body: 1 << 20, ..ServerConfig::default() });
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        "[".repeat(100_000).into_bytes(),
        (0..=255u8).collect(),
        b"1e999".to_vec(),
        br#"{"leads":[{"name":"A","opportunities":[{"note":"n","value":NaN}]}]}"#.to_vec(),
        br#"{"leads":[{"name":"\u0000"}]}"#.to_vec(),
        vec![b' '; 2 << 20],
    ];
    for body in bodies {
        let answer = server.initialize("h", body.clone()).await;
        assert!(
            answer.status == StatusCode::OK || answer.status.is_client_error(),
            "{}: {}",
            answer.status,
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
    }
    let too_big = server.initialize("h", vec![b' '; 2 << 20]).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.json["detail"].is_string());
}

#[tokio::test]
async fn no_body_is_no_data_and_init_default_data_loads_the_example() {
    let server = Server::default();
    let empty = server.initialize("e", Body::empty()).await;
    assert_eq!(
        empty.json["records_created"],
        json!({"leads": 0, "contacts": 0, "opportunities": 0, "tasks": 0})
    );
    assert_eq!(empty.json["message"], "Initialized sandbox with 0 records");
    let default =
        server.call("POST", "/sandbox/close/e/initialize?init_default_data=true", Body::empty()).await;
    assert_eq!(default.json["records_created"]["tasks"], 10);
    let bad = server.call("POST", "/sandbox/close/e/initialize?init_default_data=maybe", Body::empty()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["detail"][0]["loc"], json!(["query", "init_default_data"]));
}

#[tokio::test]
async fn a_non_json_content_type_is_a_422_like_fastapi() {
    let request = Request::post("/sandbox/close/c/initialize")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    let answer = Server::default().send(request).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.json["detail"][0]["type"], "model_attributes_type");
}

#[tokio::test]
async fn bearer_token_is_required_when_configured() {
    let server = Server::new(ServerConfig { token: Some("s3cret".into()), ..ServerConfig::default() });
    let with = |token: Option<&str>| {
        let mut request =
            Request::post("/sandbox/close/t/initialize").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, token);
        }
        request.body(Body::from("{}")).unwrap()
    };
    for token in [None, Some("Bearer wrong"), Some("Bearer s3cre"), Some("Basic s3cret"), Some("s3cret")] {
        let answer = server.send(with(token)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(answer.json, json!({"detail": "Not authenticated"}));
        assert_eq!(answer.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    assert_eq!(server.send(with(Some("Bearer s3cret"))).await.status, StatusCode::OK);
    assert_eq!(server.send(with(Some("bearer s3cret"))).await.status, StatusCode::OK);
    assert_eq!(server.call("GET", "/healthz", Body::empty()).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sandbox_lifecycle_and_404s() {
    let server = Server::default();
    let acquired = server.call("POST", "/sandbox/close", r#"{"tag":"ci","ttl_seconds":600}"#).await;
    assert_eq!(acquired.status, StatusCode::CREATED);
    let id = acquired.json["sandbox_id"].as_str().unwrap().to_string();
    assert_eq!(acquired.json["status"], "occupied");
    assert!(acquired.json["server_urls"]["close"].as_str().unwrap().ends_with(&id));
    let info = server.call("GET", &format!("/sandbox/close/{id}"), Body::empty()).await;
    assert_eq!(
        (info.json["status"].as_str(), info.json["server_name"].as_str()),
        (Some("occupied"), Some("close"))
    );
    server.initialize(&id, official_example()).await;
    let reset = server.call("POST", &format!("/sandbox/close/{id}/reset"), Body::empty()).await;
    assert_eq!(reset.json, json!({"sandbox_id": id, "status": "occupied", "message": "Sandbox reset"}));
    assert_eq!(server.dump(&id).await.json["data"], json!({"leads": []}));
    let released = server.call("DELETE", &format!("/sandbox/close/{id}"), Body::empty()).await;
    assert_eq!(released.json, json!({"sandbox_id": id, "status": "idle", "message": "Sandbox released"}));
    let info = server.call("GET", &format!("/sandbox/close/{id}"), Body::empty()).await;
    assert_eq!(info.status, StatusCode::NOT_FOUND, "a released sandbox is back in the pool");

    for (method, uri) in [
        ("GET", "/sandbox/close/nope"),
        ("GET", "/sandbox/close/nope/dump"),
        ("POST", "/sandbox/close/nope/reset"),
        ("DELETE", "/sandbox/close/nope"),
        ("GET", "/no/such/route"),
    ] {
        let answer = server.call(method, uri, Body::empty()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert!(answer.json["detail"].is_string());
    }
    let wrong_method = server.call("PUT", "/sandbox/close/x/initialize", Body::empty()).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    for (body, status) in [
        (r#"{"ttl_seconds":5}"#, StatusCode::UNPROCESSABLE_ENTITY),
        (r#"{"ttl_seconds":"600"}"#, StatusCode::CREATED),
        (r#"{"ttl_seconds":600.0}"#, StatusCode::CREATED),
        ("[null, null]", StatusCode::UNPROCESSABLE_ENTITY),
        (r#"{"tag":5}"#, StatusCode::UNPROCESSABLE_ENTITY),
        ("null", StatusCode::CREATED),
    ] {
        assert_eq!(server.call("POST", "/sandbox/close", body).await.status, status, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_initializes_of_one_sandbox_never_interleave() {
    let server = std::sync::Arc::new(Server::default());
    let bodies: Vec<Vec<u8>> = (0..2)
        .map(|seed| Generator::new(GenConfig { count: 40, seed, ..GenConfig::default() }).payload().body)
        .collect();
    let expected: Vec<Value> = bodies.iter().map(|b| serde_json::from_slice(b).unwrap()).collect();
    for _ in 0..10 {
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let (server, body) = (server.clone(), bodies[i % 2].clone());
                tokio::spawn(async move { server.initialize("race", body).await.status })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), StatusCode::OK);
        }
        let data = server.dump("race").await.json["data"].clone();
        assert!(expected.contains(&data), "the dump is one body, whole");
    }
}

#[tokio::test]
async fn openapi_document_is_derived_and_lists_every_operation() {
    let doc = Server::default().call("GET", "/openapi.json", Body::empty()).await.json;
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, method) in [
        ("/sandbox/close", "post"),
        ("/sandbox/close/{sandbox_id}", "get"),
        ("/sandbox/close/{sandbox_id}", "delete"),
        ("/sandbox/close/{sandbox_id}/initialize", "post"),
        ("/sandbox/close/{sandbox_id}/dump", "get"),
        ("/sandbox/close/{sandbox_id}/reset", "post"),
        ("/healthz", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    assert_eq!(doc["components"]["schemas"]["CloseLead"]["required"], json!(["name"]));
}

#[test]
fn serve_binary_listens_on_port_0_answers_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandboxes.db");
    let start = || {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leadfuzz"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(&db)
            .env("LEADFUZZ_TOKEN", "tok")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        (child, line.trim().to_string())
    };
    let stop = |child: std::process::Child| {
        sigterm(child.id());
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{:?}", output.status);
        String::from_utf8(output.stderr).unwrap()
    };
    let client = reqwest::blocking::Client::new();
    let (child, url) = start();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let answer = client
        .post(format!("{url}/sandbox/close/real/initialize"))
        .bearer_auth("tok")
        .header("content-type", "application/json")
        .body(official_example())
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let log = stop(child);
    assert!(log.contains("POST /sandbox/close/real/initialize 200"), "{log}");
    assert!(!log.contains("tok"), "the token never appears in logs: {log}");

    // The file keeps the data across a restart.
    let (child, url) = start();
    let dump: Value = client
        .get(format!("{url}/sandbox/close/real/dump"))
        .bearer_auth("tok")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(dump["data"], serde_json::from_slice::<Value>(&official_example()).unwrap());
    stop(child);
}

/// Sends SIGTERM through the `kill` command (no libc binding needed).
fn sigterm(pid: u32) {
    let status = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn strict_also_rejects_lax_forms_but_takes_integral_floats() {
    let strict = Server::new(ServerConfig { strict: true, ..ServerConfig::default() });
    let opportunity =
        |field: &str| format!(r#"{{"leads":[{{"name":"A","opportunities":[{{"note":"n",{field}}}]}}]}}"#);
    for (field, status) in [
        (r#""value":"48000""#, StatusCode::UNPROCESSABLE_ENTITY),
        (r#""confidence":true"#, StatusCode::UNPROCESSABLE_ENTITY),
        (r#""value":48000.0"#, StatusCode::OK),
        (r#""value":48000"#, StatusCode::OK),
    ] {
        assert_eq!(strict.initialize("s", opportunity(field)).await.status, status, "{field}");
    }
    let task = r#"{"leads":[{"name":"A","tasks":[{"description":"d","completed":"yes"}]}]}"#;
    assert_eq!(strict.initialize("s", task).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(Server::default().initialize("s", task).await.status, StatusCode::OK);
}

#[tokio::test]
async fn require_acquire_refuses_unknown_sandboxes() {
    let server = Server::new(ServerConfig { require_acquire: true, ..ServerConfig::default() });
    let unknown = server.initialize("never-acquired", official_example()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let id = server.call("POST", "/sandbox/close", Body::empty()).await.json["sandbox_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(server.initialize(&id, official_example()).await.status, StatusCode::OK);
    server.call("DELETE", &format!("/sandbox/close/{id}"), Body::empty()).await;
    assert_eq!(server.initialize(&id, official_example()).await.status, StatusCode::NOT_FOUND);
}
