//! Saved failures: one JSON file per distinct failure, with the minimal body
//! beside it and a curl command that sends it again, so a failure can be
//! replayed (`leadfuzz replay`) or handed to whoever owns the target.

use crate::classify::Class;
use crate::oracle::Check;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One saved failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Artifact {
    /// The failed check.
    pub check: Check,
    /// What the oracle saw, for the minimal body.
    pub message: String,
    /// The run's seed.
    pub seed: u64,
    /// The case number in the run.
    pub case: usize,
    /// Whether the run was strict.
    pub strict: bool,
    /// The run's answer timeout, in seconds (replay uses it too).
    pub timeout_seconds: f64,
    /// The API base URL.
    pub target: String,
    /// The sandbox the body went to.
    pub sandbox_id: String,
    /// The minimal body's class.
    pub class: Class,
    /// The mutation of the original case, if any.
    pub mutation: Option<String>,
    /// The minimal body; `None` for no body at all.
    pub body: Option<String>,
    /// Size of the case's body before shrinking.
    pub original_bytes: usize,
    /// Requests spent shrinking.
    pub shrink_requests: u64,
    /// The answer to the minimal body: status (none for a transport fault).
    pub response_status: Option<u16>,
    /// The answer's body, as text.
    pub response_body: String,
    /// A curl command that sends the minimal body again.
    pub curl: String,
}

/// A curl command for the request, with the token left to `$LEADFUZZ_TOKEN`.
pub fn curl_command(url: &str, body_file: Option<&Path>) -> String {
    let mut curl = format!(
        "curl -sS -X POST '{url}' -H \"Authorization: Bearer $LEADFUZZ_TOKEN\" -H 'Content-Type: application/json'"
    );
    if let Some(file) = body_file {
        curl.push_str(&format!(" --data-binary @'{}'", file.display()));
    }
    curl
}

/// Writes `artifact` as `DIR/NAME.json`, its body as `DIR/NAME.body.json`,
/// and returns the JSON file's path. `artifact.curl` is set here, so that it
/// names the body file.
pub fn save(dir: &Path, name: &str, url: &str, mut artifact: Artifact) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let body_file = dir.join(format!("{name}.body.json"));
    if let Some(body) = &artifact.body {
        std::fs::write(&body_file, body)?;
    }
    artifact.curl = curl_command(url, artifact.body.as_ref().map(|_| body_file.as_path()));
    let path = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(&artifact).map_err(std::io::Error::other)?;
    std::fs::write(&path, text + "\n")?;
    Ok(path)
}

/// Reads a saved failure.
pub fn load(path: &Path) -> Result<Artifact, String> {
    let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{} is not a leadfuzz failure: {e}", path.display()))
}
