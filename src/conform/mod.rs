//! `leadfuzz conform`: fires generated bodies at a target, judges every answer
//! with the pure [`crate::oracle`], shrinks each distinct failure against the
//! target and saves it for replay.
//!
//! Data flows one way: [`cases`] → [`client`] → oracle → [`report`]. Each job
//! owns one sandbox, so the dump after a request shows that request's effect
//! alone.

pub mod artifact;
pub mod cases;
pub mod client;
pub mod report;
pub mod shrink;

use crate::classify::{Class, read_body};
use crate::oracle::{self, Check, Expectation, Finding, Observed, Verdict};
use crate::server::{LocalServer, ServerConfig};
use artifact::Artifact;
use chrono::NaiveDate;
use client::Client;
use report::{CaseResult, Event, FailureReport, Outcome, Summary};
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Whether to check the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DumpMode {
    /// Check it if the target has one (decided at the first accepted body).
    #[default]
    Auto,
    /// Check it; a missing dump is a finding.
    On,
    /// Never ask for it.
    Off,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct ConformConfig {
    /// API base URL; `None` starts the built-in reference server.
    pub target: Option<String>,
    /// Sandboxes to use, one per job.
    pub sandbox_ids: Vec<String>,
    /// Sandboxes to acquire through the API (and release at the end).
    pub acquire: usize,
    /// Bearer token.
    pub token: Option<String>,
    /// Cases in the whole run (before sharding).
    pub cases: usize,
    /// The run's seed.
    pub seed: u64,
    /// Concurrent requests; default one per sandbox.
    pub jobs: Option<usize>,
    /// Close-meaning breaks must be rejected.
    pub strict: bool,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Requests per second, at most.
    pub rate: Option<f64>,
    /// Requests to spend shrinking each distinct failure.
    pub shrink_budget: u64,
    /// Where failures are saved.
    pub out: PathBuf,
    /// Whether to check dumps.
    pub dump: DumpMode,
    /// This shard, 1-based, of how many.
    pub shard: (usize, usize),
    /// Base date of the generated tasks.
    pub base_date: NaiveDate,
}

impl Default for ConformConfig {
    fn default() -> Self {
        ConformConfig {
            target: None,
            sandbox_ids: Vec::new(),
            acquire: 0,
            token: None,
            cases: 200,
            seed: 0,
            jobs: None,
            strict: false,
            timeout: Duration::from_secs(10),
            rate: None,
            shrink_budget: 300,
            out: PathBuf::from("leadfuzz-failures"),
            dump: DumpMode::Auto,
            shard: (1, 1),
            base_date: NaiveDate::from_ymd_opt(2026, 1, 5).expect("a real date"),
        }
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum ConformError {
    /// Flags that do not fit together.
    #[error("{0}")]
    Usage(String),
    /// Nothing answers at the target.
    #[error("cannot reach the target {target}: {reason}")]
    Unreachable {
        /// The base URL.
        target: String,
        /// The transport error.
        reason: String,
    },
    /// The built-in server could not start.
    #[error("cannot start the built-in server: {0}")]
    Server(String),
}

/// What the dump check knows of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DumpState {
    Unknown,
    On,
    Off,
}

/// What the jobs share.
struct Shared {
    config: ConformConfig,
    client: Client,
    target: String,
    dump: Mutex<DumpState>,
    /// Failures already shrunk: check and kind of case.
    saved: Mutex<HashSet<String>>,
    /// Minimal bodies already saved, with their check: different kinds of
    /// case often shrink to the same body, which is one failure, saved once.
    minimal: Mutex<HashSet<(Check, Option<String>)>>,
    cases: Vec<usize>,
    cursor: AtomicUsize,
    stop: watch::Receiver<bool>,
}

/// One request and everything judged about it.
struct Attempt {
    class: Class,
    verdict: Verdict,
    status: Option<u16>,
    response: String,
}

impl Shared {
    fn dump_state(&self) -> DumpState {
        *self.dump.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends `body` to `sandbox` and judges the answer and, when dumps are
    /// checked, the dump. `known` is the sandbox's data as last seen
    /// (`None`: unknown; `Some(None)`: no such sandbox).
    async fn attempt(
        &self,
        sandbox: &str,
        body: Option<&[u8]>,
        known: &mut Option<Option<Value>>,
        with_dump: bool,
    ) -> Attempt {
        let (verdict_of_body, value) = read_body(body.unwrap_or_default(), self.config.strict);
        let expected = Expectation {
            class: verdict_of_body.class,
            records: verdict_of_body.records_created,
            sandbox_id: sandbox.to_string(),
        };
        let comparable = !verdict_of_body.has_lone_surrogate();
        let checking = with_dump && self.dump_state() == DumpState::On;
        if checking && known.is_none() {
            *known = self.client.dump(sandbox).await.ok();
        }
        let answer = match self.client.initialize(sandbox, body).await {
            Ok(answer) => answer,
            Err(message) => {
                *known = None;
                let mut verdict = Verdict::default();
                verdict.applied.push(Check::Transport);
                verdict.findings.push(Finding { check: Check::Transport, message });
                return Attempt { class: expected.class, verdict, status: None, response: String::new() };
            }
        };
        let observed = Observed { status: answer.status, body: &answer.body, truncated: answer.truncated };
        let mut verdict = oracle::judge(&expected, &observed);
        verdict.applied.insert(0, Check::Transport);
        let accepted = Verdict::accepted(&observed);
        let checking = match self.dump_state() {
            DumpState::Unknown if accepted && self.config.dump == DumpMode::Auto => {
                let has_dump = matches!(self.client.dump(sandbox).await, Ok(Some(_)));
                let state = if has_dump { DumpState::On } else { DumpState::Off };
                *self.dump.lock().unwrap_or_else(|p| p.into_inner()) = state;
                has_dump
            }
            state => with_dump && state == DumpState::On,
        };
        if !checking {
            *known = None; // the sandbox changed unseen
        }
        if checking {
            let before = known.take();
            match self.client.dump(sandbox).await {
                Ok(after) => {
                    let judge = if accepted { comparable } else { before.is_some() };
                    if judge {
                        let sent = value.clone().unwrap_or_default();
                        let dumped =
                            oracle::judge_dump(accepted, &sent, before.flatten().as_ref(), after.as_ref());
                        verdict.applied.extend(dumped.applied);
                        verdict.findings.extend(dumped.findings);
                    }
                    *known = Some(after);
                }
                Err(message) => {
                    let check = if accepted { Check::DumpMatches } else { Check::NoPartialWrite };
                    verdict.applied.push(check);
                    verdict.findings.push(Finding { check, message: format!("no dump to check: {message}") });
                }
            }
        }
        let response = String::from_utf8_lossy(&answer.body[..answer.body.len().min(4096)]).into_owned();
        Attempt { class: expected.class, verdict, status: Some(answer.status), response }
    }

    /// Makes a failing body smaller while `check` keeps failing, within the
    /// request budget. Returns the minimal body, its attempt and the requests
    /// spent.
    async fn shrink(
        &self,
        sandbox: &str,
        check: Check,
        body: Value,
        mut last: Attempt,
        known: &mut Option<Option<Value>>,
    ) -> (Value, Attempt, u64) {
        let start = self.client.requests();
        let mut shrinker = shrink::Shrinker::new(body);
        while self.client.requests() - start < self.config.shrink_budget && !*self.stop.borrow() {
            let Some(candidate) = shrinker.next_candidate() else { break };
            let bytes = serde_json::to_vec(&candidate).unwrap_or_default();
            // Dumps cost requests: fetch them only when the check needs them.
            let attempt = self.attempt(sandbox, Some(&bytes), known, check.needs_dump()).await;
            let still_fails = attempt.verdict.failed(check);
            if still_fails {
                last = attempt;
            }
            shrinker.report(candidate, still_fails);
        }
        (shrinker.into_body(), last, self.client.requests() - start)
    }

    /// Shrinks and saves a failure the run has not saved yet.
    async fn save_failure(
        &self,
        sandbox: &str,
        case: &cases::Case,
        finding: &Finding,
        attempt: Attempt,
        known: &mut Option<Option<Value>>,
    ) -> Option<FailureReport> {
        let kind = case.mutation.as_ref().map_or("valid".to_string(), |m| m.kind.name());
        let key = format!("{}-{kind}", finding.check.name());
        if !self.saved.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone()) {
            return None;
        }
        let original = case.body.clone();
        let parsed = original.as_deref().and_then(|b| serde_json::from_slice::<Value>(b).ok());
        let (body, last, spent) = match parsed {
            Some(value)
                if !String::from_utf8_lossy(original.as_deref().unwrap_or_default()).contains("\\ud") =>
            {
                let (body, last, spent) = self.shrink(sandbox, finding.check, value, attempt, known).await;
                (serde_json::to_string(&body).ok(), last, spent)
            }
            // No body, malformed JSON or lone surrogates: saved as they are.
            _ => (original.as_deref().map(|b| String::from_utf8_lossy(b).into_owned()), attempt, 0),
        };
        if !self.minimal.lock().unwrap_or_else(|p| p.into_inner()).insert((finding.check, body.clone())) {
            return None;
        }
        let message = last
            .verdict
            .findings
            .iter()
            .find(|f| f.check == finding.check)
            .map_or(finding.message.clone(), |f| f.message.clone());
        let url = self.client.initialize_url(sandbox).to_string();
        let name = format!("{key}-case{}", case.index);
        let saved = Artifact {
            check: finding.check,
            message: message.clone(),
            seed: self.config.seed,
            case: case.index,
            strict: self.config.strict,
            timeout_seconds: self.config.timeout.as_secs_f64(),
            target: self.target.clone(),
            sandbox_id: sandbox.to_string(),
            class: last.class,
            mutation: case.mutation.as_ref().map(|m| format!("{} at {}", m.kind.name(), m.path)),
            body: body.clone(),
            original_bytes: original.as_ref().map_or(0, Vec::len),
            shrink_requests: spent,
            response_status: last.status,
            response_body: last.response,
            curl: String::new(),
        };
        let path = match artifact::save(&self.config.out, &name, &url, saved) {
            Ok(path) => path,
            Err(err) => {
                tracing::warn!("cannot save {name}: {err}");
                return None;
            }
        };
        Some(FailureReport {
            check: finding.check,
            case: case.index,
            message,
            artifact: path,
            bytes: (original.map_or(0, |b| b.len()), body.map_or(0, |b| b.len())),
        })
    }
}

/// One job: takes cases until there are none left, on its own sandbox.
async fn job(shared: Arc<Shared>, sandbox: String, events: mpsc::UnboundedSender<Event>) {
    let mut known: Option<Option<Value>> = None;
    while !*shared.stop.borrow() {
        let next = shared.cursor.fetch_add(1, Ordering::Relaxed);
        let Some(&index) = shared.cases.get(next) else {
            break;
        };
        let case = cases::case(shared.config.seed, index, shared.config.base_date, shared.config.strict);
        let attempt = shared.attempt(&sandbox, case.body.as_deref(), &mut known, true).await;
        let outcome = match &attempt.verdict.findings[..] {
            [] => Outcome::Passed,
            findings if findings.iter().any(|f| f.check == Check::Transport) => Outcome::Errored,
            _ => Outcome::Failed,
        };
        let result = CaseResult {
            case: index,
            class: attempt.class,
            mutation: case.mutation.as_ref().map(|m| m.kind.name()),
            bytes: case.body.as_ref().map(Vec::len),
            status: attempt.status,
            outcome,
            checks: attempt.verdict.applied.clone(),
            findings: attempt.verdict.findings.clone(),
        };
        let _ = events.send(Event::Case(result));
        let findings = attempt.verdict.findings.clone();
        let mut attempt = Some(attempt);
        for finding in &findings {
            let Some(first) = attempt.take() else { break };
            if let Some(report) = shared.save_failure(&sandbox, &case, finding, first, &mut known).await {
                let _ = events.send(Event::Failure(report));
            }
        }
    }
}

/// Runs a conformance run, sending every event to `events`, until done or
/// until `stop` turns true. Acquired sandboxes are released in both cases.
pub async fn run(
    config: ConformConfig,
    events: mpsc::UnboundedSender<Event>,
    stop: watch::Receiver<bool>,
) -> Result<Summary, ConformError> {
    let started = Instant::now();
    let (shard, shards) = config.shard;
    if shards == 0 || shard == 0 || shard > shards {
        return Err(ConformError::Usage(format!("--shard {shard}/{shards}: want I/N with 1 <= I <= N")));
    }
    let built_in = match &config.target {
        Some(_) => None,
        None => Some(
            LocalServer::start(ServerConfig { strict: config.strict, ..ServerConfig::default() })
                .await
                .map_err(|e| ConformError::Server(e.to_string()))?,
        ),
    };
    let target =
        config.target.clone().or_else(|| built_in.as_ref().map(|b| b.url().to_string())).unwrap_or_default();
    let client = Client::new(&target, config.token.clone(), config.timeout, config.rate)
        .map_err(ConformError::Usage)?;
    client
        .reachable()
        .await
        .map_err(|reason| ConformError::Unreachable { target: target.clone(), reason })?;

    let mut sandboxes = config.sandbox_ids.clone();
    let mut acquired = Vec::new();
    for _ in 0..config.acquire {
        match client.acquire().await {
            Ok(id) => acquired.push(id),
            Err(reason) => {
                release(&client, &acquired).await;
                return Err(ConformError::Unreachable {
                    target,
                    reason: format!("cannot acquire a sandbox: {reason}"),
                });
            }
        }
    }
    sandboxes.extend(acquired.iter().cloned());
    let jobs = config.jobs.unwrap_or(sandboxes.len().max(1));
    if jobs == 0 {
        return Err(ConformError::Usage("--jobs must be at least 1".into()));
    }
    if sandboxes.is_empty() {
        // A target that creates sandboxes on first initialize (as `serve`
        // does) needs none given: one per job, named after the seed.
        sandboxes = (0..jobs).map(|j| format!("leadfuzz-{:x}-{j}", config.seed)).collect();
    }
    if jobs > sandboxes.len() {
        release(&client, &acquired).await;
        return Err(ConformError::Usage(format!(
            "--jobs {jobs} needs {jobs} sandboxes, one per request in flight; {} given",
            sandboxes.len()
        )));
    }
    sandboxes.truncate(jobs);
    let dump = match config.dump {
        DumpMode::On => DumpState::On,
        DumpMode::Off => DumpState::Off,
        DumpMode::Auto => DumpState::Unknown,
    };
    let case_list: Vec<usize> = cases::shard(config.cases, shard, shards).collect();
    let _ = events.send(Event::Start {
        target: target.clone(),
        seed: config.seed,
        cases: case_list.len(),
        jobs,
        sandboxes: sandboxes.clone(),
    });
    let shared = Arc::new(Shared {
        config: config.clone(),
        client,
        target: target.clone(),
        dump: Mutex::new(dump),
        saved: Mutex::new(HashSet::new()),
        minimal: Mutex::new(HashSet::new()),
        cases: case_list,
        cursor: AtomicUsize::new(0),
        stop: stop.clone(),
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handles: Vec<_> = sandboxes
        .iter()
        .map(|sandbox| tokio::spawn(job(shared.clone(), sandbox.clone(), tx.clone())))
        .collect();
    drop(tx);
    let mut summary = Summary { target, seed: config.seed, ..Summary::default() };
    while let Some(event) = rx.recv().await {
        match &event {
            Event::Case(result) => summary.add(result),
            Event::Failure(report) => summary.failures.push(report.clone()),
            _ => {}
        }
        let _ = events.send(event);
    }
    for handle in handles {
        let _ = handle.await;
    }
    release(&shared.client, &acquired).await;
    summary.interrupted = *stop.borrow() && summary.sent < shared.cases.len() as u64;
    summary.requests = shared.client.requests();
    summary.seconds = started.elapsed().as_secs_f64();
    summary.failures.sort_by_key(|f| f.case);
    drop(built_in);
    Ok(summary)
}

/// Sends a saved failure's body again and judges the answer: the finding if
/// the saved check still fails, `None` if it passes now.
pub async fn replay(
    saved: &Artifact,
    target: &str,
    token: Option<String>,
    timeout: Duration,
) -> Result<Option<Finding>, ConformError> {
    let client = Client::new(target, token, timeout, None).map_err(ConformError::Usage)?;
    client.reachable().await.map_err(|reason| ConformError::Unreachable { target: target.into(), reason })?;
    let config = ConformConfig {
        strict: saved.strict,
        dump: if saved.check.needs_dump() { DumpMode::On } else { DumpMode::Off },
        ..ConformConfig::default()
    };
    let (_, stop) = watch::channel(false);
    let shared = Shared {
        dump: Mutex::new(if saved.check.needs_dump() { DumpState::On } else { DumpState::Off }),
        config,
        client,
        target: target.into(),
        saved: Mutex::new(HashSet::new()),
        minimal: Mutex::new(HashSet::new()),
        cases: Vec::new(),
        cursor: AtomicUsize::new(0),
        stop,
    };
    let body = saved.body.as_deref().map(str::as_bytes);
    let attempt = shared.attempt(&saved.sandbox_id, body, &mut None, saved.check.needs_dump()).await;
    Ok(attempt.verdict.findings.into_iter().find(|f| f.check == saved.check))
}

async fn release(client: &Client, sandboxes: &[String]) {
    for sandbox in sandboxes {
        if let Err(err) = client.release(sandbox).await {
            tracing::warn!("cannot release sandbox {sandbox}: {err}");
        }
    }
}
