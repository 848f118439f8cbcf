//! The HTTP client for a target: base URL, bearer token, timeout, response
//! size cap, and request pacing. Every fault of the target comes back as an
//! `Err(String)` describing it, never as a panic.

use reqwest::{Method, Url};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Largest answer body kept for initialize; more is a finding.
pub const ANSWER_CAP: usize = 1 << 20;
/// Largest dump body kept.
pub const DUMP_CAP: usize = 512 << 20;

/// An answer, with its body cut at the cap.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body, at most the cap.
    pub body: Vec<u8>,
    /// Whether there was more.
    pub truncated: bool,
}

/// A target of the sandbox API.
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<String>,
    /// Requests sent, all kinds.
    requests: AtomicU64,
    /// The earliest time the next request may start, with `--rate`.
    pacer: Option<(Duration, Mutex<Instant>)>,
}

impl Client {
    /// A client for the API at `base` (the path of the spec is appended).
    pub fn new(
        base: &str,
        token: Option<String>,
        timeout: Duration,
        rate: Option<f64>,
    ) -> Result<Self, String> {
        let base = Url::parse(base).map_err(|e| format!("bad target URL {base:?}: {e}"))?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(format!("bad target URL {base}: not an http(s) base URL"));
        }
        let http = reqwest::Client::builder().timeout(timeout).build().map_err(|e| e.to_string())?;
        let pacer =
            rate.filter(|r| *r > 0.0).map(|r| (Duration::from_secs_f64(1.0 / r), Mutex::new(Instant::now())));
        Ok(Client { http, base, token, requests: AtomicU64::new(0), pacer })
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The URL of `segments` below the base, each segment URL-encoded.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// The initialize URL of a sandbox.
    pub fn initialize_url(&self, sandbox: &str) -> Url {
        self.url(&["sandbox", "close", sandbox, "initialize"])
    }

    async fn pace(&self) {
        if let Some((interval, next)) = &self.pacer {
            let start = {
                let mut next = next.lock().await;
                let start = (*next).max(Instant::now());
                *next = start + *interval;
                start
            };
            tokio::time::sleep_until(start.into()).await;
        }
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&[u8]>,
        cap: usize,
    ) -> Result<Answer, String> {
        self.pace().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.http.request(method, url).header("content-type", "application/json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.body(body.to_vec());
        }
        let mut response = request.send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(describe)? {
            if body.len() + chunk.len() > cap {
                body.extend_from_slice(&chunk[..cap - body.len()]);
                return Ok(Answer { status, body, truncated: true });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body, truncated: false })
    }

    /// `POST .../initialize` with `body` (`None`: no body at all).
    pub async fn initialize(&self, sandbox: &str, body: Option<&[u8]>) -> Result<Answer, String> {
        self.send(Method::POST, self.initialize_url(sandbox), body, ANSWER_CAP).await
    }

    /// `GET .../dump`: `Ok(None)` for a 404 (no such sandbox), the `data`
    /// otherwise; an error when there is no usable dump.
    pub async fn dump(&self, sandbox: &str) -> Result<Option<serde_json::Value>, String> {
        let answer =
            self.send(Method::GET, self.url(&["sandbox", "close", sandbox, "dump"]), None, DUMP_CAP).await?;
        match answer.status {
            404 => Ok(None),
            200 if !answer.truncated => {
                let mut json: serde_json::Value =
                    serde_json::from_slice(&answer.body).map_err(|e| format!("dump is not JSON: {e}"))?;
                json.get_mut("data").map(|d| Some(d.take())).ok_or_else(|| "dump has no `data`".into())
            }
            status => Err(format!("dump answered {status}")),
        }
    }

    /// `POST /sandbox/close`: a new sandbox's id.
    pub async fn acquire(&self) -> Result<String, String> {
        let answer = self.send(Method::POST, self.url(&["sandbox", "close"]), None, ANSWER_CAP).await?;
        let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        match json["sandbox_id"].as_str() {
            Some(id) if (200..300).contains(&answer.status) => Ok(id.to_string()),
            _ => {
                Err(format!("acquire answered {}: {}", answer.status, String::from_utf8_lossy(&answer.body)))
            }
        }
    }

    /// `DELETE /sandbox/close/{id}`.
    pub async fn release(&self, sandbox: &str) -> Result<(), String> {
        let answer =
            self.send(Method::DELETE, self.url(&["sandbox", "close", sandbox]), None, ANSWER_CAP).await?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(format!("release answered {}", answer.status))
        }
    }

    /// Whether anything answers at the base URL (any status will do).
    pub async fn reachable(&self) -> Result<(), String> {
        self.send(Method::GET, self.base.clone(), None, ANSWER_CAP).await.map(|_| ())
    }
}

/// A transport error in words: refused, reset, timed out, ...
fn describe(err: reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "body cut off"
    } else {
        "request failed"
    };
    let mut text = format!("{kind}: {err}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
