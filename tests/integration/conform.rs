//! conform: against the reference server (no failures), against broken
//! servers (each bug found, shrunk and replayable), and against a flaky one.

use crate::util::leadfuzz;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use leadfuzz::conform::artifact::{Artifact, load};
use leadfuzz::oracle::Check;
use leadfuzz::server::{AppState, ServerConfig, app};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// One realistic bug, put into the reference server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bug {
    /// records_created counts only contacts that have an email.
    MiscountContactsWithoutEmail,
    /// 500 when the body holds an emoji (a 4-byte UTF-8 character).
    ServerErrorOnEmoji,
    /// The sandbox id comes back cut to 8 characters.
    SandboxIdTruncated,
    /// Status `error` when a task is completed.
    StatusErrorWhenTaskCompleted,
    /// On a 422, the leads before the bad one stay stored.
    PartialWriteBeforeBadLead,
    /// records_created goes through a global shared by concurrent requests.
    RaceOnSharedCounts,
    /// Tasks without a description are dropped and the body accepted.
    AcceptsTaskWithoutDescription,
    /// Lead names are stored with non-ASCII characters replaced by `?`.
    DumpLosesNonAscii,
    /// Bodies over 64 KiB get an HTML error page.
    HtmlPageForLargeBodies,
    /// A lead named "" makes the server hang for 2 s.
    HangsOnEmptyLeadName,
    /// Random connection resets and hangs, no bug in the answers.
    Flaky,
}

/// A broken server on a real port, with its own runtime.
struct BrokenServer {
    url: String,
    _runtime: tokio::runtime::Runtime,
}

fn start(bug: Bug) -> BrokenServer {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(ServerConfig::default(), &url).unwrap();
    let router = app(state.clone()).layer(middleware::from_fn_with_state((bug, state), broken));
    runtime.spawn(async move { axum::serve(listener, router).await });
    BrokenServer { url, _runtime: runtime }
}

static SHARED_COUNTS: Mutex<Option<Value>> = Mutex::new(None);
static REQUESTS: AtomicU64 = AtomicU64::new(0);

async fn json_response(response: Response) -> (axum::http::response::Parts, Value) {
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap();
    (parts, serde_json::from_slice(&bytes).unwrap_or_default())
}

fn rebuild(parts: axum::http::response::Parts, json: &Value) -> Response {
    let mut parts = parts;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json.to_string()))
}

fn tasks(body: &Value) -> impl Iterator<Item = &Value> {
    body["leads"].as_array().into_iter().flatten().flat_map(|l| l["tasks"].as_array().into_iter().flatten())
}

/// The bug, as a middleware around the reference server's initialize.
async fn broken(State((bug, state)): State<(Bug, AppState)>, request: Request, next: Next) -> Response {
    let is_initialize = request.method() == "POST" && request.uri().path().ends_with("/initialize");
    if !is_initialize {
        return next.run(request).await;
    }
    let sandbox = request.uri().path().split('/').nth(3).unwrap_or_default().to_string();
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap();
    let mut sent: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let forward = |bytes: Vec<u8>| Request::from_parts(parts, Body::from(bytes));
    match bug {
        Bug::ServerErrorOnEmoji if String::from_utf8_lossy(&bytes).chars().any(|c| c.len_utf8() == 4) => {
            return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
        Bug::HtmlPageForLargeBodies if bytes.len() > 64 * 1024 => {
            return (
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "<html><body>413 Request Entity Too Large</body></html>",
            )
                .into_response();
        }
        Bug::HangsOnEmptyLeadName
            if sent["leads"].as_array().is_some_and(|l| l.iter().any(|l| l["name"] == "")) =>
        {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
        Bug::Flaky => match REQUESTS.fetch_add(1, Ordering::Relaxed) % 13 {
            5 => panic!("flaky: dropping the connection"),
            9 => tokio::time::sleep(std::time::Duration::from_secs(2)).await,
            _ => {}
        },
        Bug::AcceptsTaskWithoutDescription if tasks(&sent).any(|t| t.get("description").is_none()) => {
            for lead in sent["leads"].as_array_mut().into_iter().flatten() {
                if let Some(tasks) = lead["tasks"].as_array_mut() {
                    tasks.retain(|t| t.get("description").is_some());
                }
            }
            return next.run(forward(sent.to_string().into_bytes())).await;
        }
        Bug::DumpLosesNonAscii if sent.is_object() => {
            for lead in sent["leads"].as_array_mut().into_iter().flatten() {
                if let Some(name) = lead["name"].as_str() {
                    lead["name"] =
                        json!(name.chars().map(|c| if c.is_ascii() { c } else { '?' }).collect::<String>());
                }
            }
            return next.run(forward(sent.to_string().into_bytes())).await;
        }
        _ => {}
    }
    let response = next.run(forward(bytes.to_vec())).await;
    match bug {
        Bug::MiscountContactsWithoutEmail
        | Bug::SandboxIdTruncated
        | Bug::StatusErrorWhenTaskCompleted
        | Bug::RaceOnSharedCounts
            if response.status() == 200 =>
        {
            let (parts, mut json) = json_response(response).await;
            match bug {
                Bug::MiscountContactsWithoutEmail => {
                    let without = sent["leads"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|l| l["contacts"].as_array().into_iter().flatten())
                        .filter(|c| c["emails"].as_array().is_none_or(Vec::is_empty))
                        .count() as u64;
                    let counted = json["records_created"]["contacts"].as_u64().unwrap_or(0);
                    json["records_created"]["contacts"] = json!(counted - without);
                }
                Bug::SandboxIdTruncated => {
                    json["sandbox_id"] = json!(sandbox.chars().take(8).collect::<String>());
                }
                Bug::StatusErrorWhenTaskCompleted if tasks(&sent).any(|t| t["completed"] == true) => {
                    json["status"] = json!("error");
                }
                Bug::RaceOnSharedCounts => {
                    *SHARED_COUNTS.lock().unwrap() = Some(json["records_created"].clone());
                    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
                    json["records_created"] = SHARED_COUNTS.lock().unwrap().clone().unwrap_or_default();
                }
                _ => {}
            }
            rebuild(parts, &json)
        }
        Bug::PartialWriteBeforeBadLead if response.status() == 422 => {
            let (parts, json) = json_response(response).await;
            let first_bad = json["detail"][0]["loc"][2].as_u64().unwrap_or(0) as usize;
            let leads = sent["leads"].as_array().cloned().unwrap_or_default();
            if first_bad > 0 && first_bad <= leads.len() {
                let kept = json!({"leads": leads[..first_bad]});
                let normalized = leadfuzz::classify::normalize(&kept);
                state.store().initialize(&sandbox, &normalized).unwrap();
            }
            rebuild(parts, &json)
        }
        _ => response,
    }
}

/// Runs `leadfuzz conform` against `url`; returns the exit code and the
/// saved failures.
fn conform(url: &str, out: &Path, args: &[&str]) -> (i32, Vec<Artifact>) {
    let output = leadfuzz()
        .args(["conform", "--target", url, "--out"])
        .arg(out)
        .args(["--timeout", "0.5"])
        .args(args)
        .output()
        .unwrap();
    let mut saved: Vec<Artifact> = std::fs::read_dir(out)
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "json") && !p.to_string_lossy().ends_with(".body.json")
                })
                .map(|p| load(&p).unwrap())
                .collect()
        })
        .unwrap_or_default();
    saved.sort_by_key(|a| a.case);
    let distinct: std::collections::HashSet<_> = saved.iter().map(|a| (a.check, a.body.clone())).collect();
    assert_eq!(distinct.len(), saved.len(), "one failure saved twice: {saved:?}");
    let code = output.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "exit {code}: {}", String::from_utf8_lossy(&output.stderr));
    (code, saved)
}

/// The saved failure of `check`, and the files of the run.
fn found(bug: Bug, check: Check, args: &[&str]) -> (BrokenServer, tempfile::TempDir, Artifact) {
    let server = start(bug);
    let out = tempfile::tempdir().unwrap();
    let (code, saved) = conform(&server.url, out.path(), args);
    assert_eq!(code, 1, "{bug:?} not found");
    let artifact = saved.into_iter().find(|a| a.check == check);
    let artifact = artifact.unwrap_or_else(|| panic!("{bug:?}: no saved {check:?} failure"));
    (server, out, artifact)
}

fn body_of(artifact: &Artifact) -> Value {
    serde_json::from_str(artifact.body.as_deref().expect("a body")).unwrap()
}

fn leads_of(body: &Value) -> usize {
    body["leads"].as_array().map_or(0, Vec::len)
}

/// `leadfuzz replay` of the artifact: whether it still fails.
fn replay_fails(server: &BrokenServer, out: &Path, artifact: &Artifact) -> bool {
    let name = format!("{}-", artifact.check.name());
    let file = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with(&name)
                && !n.ends_with(".body.json")
                && n.contains(&format!("case{}.", artifact.case))
        })
        .unwrap();
    let output = leadfuzz().args(["replay", "--target", &server.url]).arg(file).output().unwrap();
    match output.status.code() {
        Some(1) => true,
        Some(0) => false,
        other => panic!("replay exit {other:?}: {}", String::from_utf8_lossy(&output.stderr)),
    }
}

#[test]
fn the_reference_server_conforms_for_several_seeds_default_and_strict() {
    for (seed, strict) in [("1", false), ("2", false), ("3", true), ("4", true)] {
        let out = tempfile::tempdir().unwrap();
        let mut cmd = leadfuzz();
        cmd.args(["conform", "--cases", "150", "--seed", seed, "--jobs", "2", "--out"]).arg(out.path());
        if strict {
            cmd.arg("--strict");
        }
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .contains("150 cases sent: 150 passed, 0 failed, 0 errored")
        );
    }
}

#[test]
fn bug_miscount_is_found_and_shrunk_to_one_contact_without_email() {
    let (server, out, artifact) =
        found(Bug::MiscountContactsWithoutEmail, Check::RecordsCreated, &["--seed", "1"]);
    let body = body_of(&artifact);
    assert_eq!(leads_of(&body), 1, "{body}");
    assert_eq!(body["leads"][0]["contacts"].as_array().map(Vec::len), Some(1), "{body}");
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_500_is_found_and_shrunk_to_the_emoji() {
    let (server, out, artifact) = found(Bug::ServerErrorOnEmoji, Check::NoServerError, &["--seed", "1"]);
    let text = artifact.body.clone().unwrap();
    assert!(text.chars().any(|c| c.len_utf8() == 4), "{text}");
    assert!(text.len() < 60, "not minimal: {text}");
    assert_eq!(artifact.response_status, Some(500));
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_wrong_sandbox_id_is_found() {
    let (server, out, artifact) = found(Bug::SandboxIdTruncated, Check::SandboxIdEcho, &["--seed", "2"]);
    assert!(artifact.body.as_ref().is_none_or(|b| b.len() <= 12), "{:?}", artifact.body);
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_wrong_status_is_found_and_shrunk_to_a_completed_task() {
    let (server, out, artifact) =
        found(Bug::StatusErrorWhenTaskCompleted, Check::StatusEnum, &["--seed", "3"]);
    let body = body_of(&artifact);
    assert_eq!(body, json!({"leads": [{"name": "", "tasks": [{"description": "", "completed": true}]}]}));
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_partial_write_is_found_by_the_dump_and_shrunk_to_two_leads() {
    let (server, out, artifact) =
        found(Bug::PartialWriteBeforeBadLead, Check::NoPartialWrite, &["--seed", "4", "--cases", "300"]);
    let body = body_of(&artifact);
    assert_eq!(leads_of(&body), 2, "a good lead, then a bad one: {body}");
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_race_between_concurrent_requests_is_found_with_jobs() {
    let args = ["--seed", "5", "--jobs", "4"];
    let (server, out, artifact) = found(Bug::RaceOnSharedCounts, Check::RecordsCreated, &args);
    // Alone, the minimal body is counted right: the bug needs company.
    assert!(!replay_fails(&server, out.path(), &artifact), "a race, not a plain miscount");
    // One request at a time, the same run conforms.
    let alone = tempfile::tempdir().unwrap();
    let (code, _) =
        conform(&start(Bug::RaceOnSharedCounts).url, alone.path(), &["--seed", "5", "--jobs", "1"]);
    assert_eq!(code, 0);
}

#[test]
fn bug_accepting_invalid_input_is_found_and_shrunk_to_a_task_without_description() {
    let (server, out, artifact) =
        found(Bug::AcceptsTaskWithoutDescription, Check::StatusClass, &["--seed", "6", "--cases", "300"]);
    let body = body_of(&artifact);
    assert_eq!(leads_of(&body), 1, "{body}");
    assert!(tasks_without_description(&body) == 1, "{body}");
    assert!(replay_fails(&server, out.path(), &artifact));
}

fn tasks_without_description(body: &Value) -> usize {
    body["leads"][0]["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t.get("description").is_none())
        .count()
}

#[test]
fn bug_dump_losing_non_ascii_is_found_and_shrunk_to_the_character() {
    let (server, out, artifact) = found(Bug::DumpLosesNonAscii, Check::DumpMatches, &["--seed", "7"]);
    let body = body_of(&artifact);
    assert_eq!(leads_of(&body), 1, "{body}");
    let name = body["leads"][0]["name"].as_str().unwrap();
    assert_eq!(name.chars().count(), 1, "{body}");
    assert!(!name.is_ascii());
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_html_error_page_is_found_and_kept_just_over_the_limit() {
    let (server, out, artifact) = found(Bug::HtmlPageForLargeBodies, Check::JsonResponse, &["--seed", "8"]);
    let size = artifact.body.as_ref().unwrap().len();
    assert!(size > 64 * 1024 && size < 80 * 1024, "shrunk to {size} bytes");
    assert!(size < artifact.original_bytes);
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn bug_hang_is_a_transport_finding_shrunk_to_the_empty_name() {
    let (server, out, artifact) =
        found(Bug::HangsOnEmptyLeadName, Check::Transport, &["--seed", "9", "--cases", "60"]);
    let body = body_of(&artifact);
    assert_eq!(body, json!({"leads": [{"name": ""}]}));
    assert!(replay_fails(&server, out.path(), &artifact));
}

#[test]
fn a_flaky_target_gets_exit_1_and_every_case_is_accounted_for() {
    let server = start(Bug::Flaky);
    let out = tempfile::tempdir().unwrap();
    let output = leadfuzz()
        .args(["conform", "--target", &server.url, "--cases", "80", "--seed", "10", "--json", "--jobs", "2"])
        .args(["--timeout", "0.5", "--shrink-budget", "10", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let summary: Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["type"] == "summary")
        .expect("a summary event");
    let data = &summary["data"];
    assert_eq!(data["sent"], 80);
    let (passed, failed, errored) = (
        data["passed"].as_u64().unwrap(),
        data["failed"].as_u64().unwrap(),
        data["errored"].as_u64().unwrap(),
    );
    assert_eq!(passed + failed + errored, 80);
    assert!(errored > 0, "{data}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with(r#"{"type":"case""#)).count(), 80);
}

#[test]
fn shards_together_are_the_whole_run() {
    let outcomes = |shard: &str| -> Vec<(u64, String)> {
        let out = tempfile::tempdir().unwrap();
        let output = leadfuzz()
            .args(["conform", "--cases", "40", "--seed", "11", "--json", "--shard", shard, "--out"])
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|e| e["type"] == "case")
            .map(|e| {
                (
                    e["data"]["case"].as_u64().unwrap(),
                    format!("{} {}", e["data"]["class"], e["data"]["bytes"]),
                )
            })
            .collect()
    };
    let mut union: Vec<_> =
        outcomes("1/3").into_iter().chain(outcomes("2/3")).chain(outcomes("3/3")).collect();
    union.sort();
    let mut whole = outcomes("1/1");
    whole.sort();
    assert_eq!(union, whole);
    assert_eq!(whole.len(), 40);
}

#[test]
fn acquire_uses_and_releases_sandboxes_and_junit_is_written() {
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("report.xml");
    let mut serve = std::process::Command::new(assert_cmd::cargo::cargo_bin("leadfuzz"))
        .args(["serve", "--addr", "127.0.0.1:0", "--require-acquire", "--token", "t"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(serve.stdout.take().unwrap()), &mut url)
        .unwrap();
    let url = url.trim().to_string();
    let output = leadfuzz()
        .args([
            "conform",
            "--target",
            &url,
            "--token",
            "t",
            "--acquire",
            "2",
            "--cases",
            "30",
            "--json",
            "--junit",
        ])
        .arg(&junit)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let start: Value =
        serde_json::from_str(String::from_utf8(output.stdout).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(start["data"]["jobs"], 2);
    let sandboxes = start["data"]["sandboxes"].as_array().unwrap();
    assert_eq!(sandboxes.len(), 2);
    let client = reqwest::blocking::Client::new();
    for id in sandboxes {
        let url = format!("{url}/sandbox/close/{}", id.as_str().unwrap());
        assert_eq!(client.get(url).bearer_auth("t").send().unwrap().status(), 404, "released at the end");
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(xml.contains(r#"<testcase name="records_created""#) && xml.contains(r#"failures="0""#), "{xml}");
}

#[test]
fn usage_errors_and_unreachable_targets_exit_2() {
    leadfuzz().args(["conform", "--target", "http://127.0.0.1:9", "--cases", "1"]).assert().code(2);
    leadfuzz().args(["conform", "--sandbox-id", "a", "--jobs", "2", "--cases", "1"]).assert().code(2);
    leadfuzz().args(["conform", "--shard", "4/3"]).assert().code(2);
    leadfuzz().args(["conform", "--target", "not a url"]).assert().code(2);
}
