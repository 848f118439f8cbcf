//! The conformance oracle: pure functions that judge one answer of a target
//! against what the request must produce. No I/O: the runner in `conform`
//! does the requests and hands the bytes here, so that tests and fuzz targets
//! can call the oracle directly.

use crate::classify::{Class, normalize};
use crate::model::RecordsCreated;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

enum_with_all! {
    /// One thing the oracle checks.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Check {
        /// The request got an answer: no refused connection, reset or timeout.
        Transport,
        /// Never a 5xx.
        NoServerError,
        /// The body is the documented JSON, whole and within the size cap.
        JsonResponse,
        /// 200 for valid bodies, 4xx for invalid ones, one or the other for
        /// ambiguous ones.
        StatusClass,
        /// A 200 has `sandbox_id`, `status`, `message` and `records_created`
        /// with the four counts; a 4xx has `detail` (FastAPI's list for 422).
        ResponseShape,
        /// A 200 echoes the sandbox id of the path.
        SandboxIdEcho,
        /// A 200's status is `idle` or `occupied`.
        StatusEnum,
        /// A 200's `records_created` equals the counts of the request.
        RecordsCreated,
        /// After a 200, the dump holds what was sent.
        DumpMatches,
        /// After a rejection, the dump is what it was before.
        NoPartialWrite,
    }
}

impl Check {
    /// The snake_case name used in reports.
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }

    /// Whether the check needs the dump endpoint.
    pub fn needs_dump(self) -> bool {
        matches!(self, Check::DumpMatches | Check::NoPartialWrite)
    }
}

/// What the answer to one request must be.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The body's class (under the run's strictness).
    pub class: Class,
    /// What an accepted body must create.
    pub records: Option<RecordsCreated>,
    /// The sandbox id of the path.
    pub sandbox_id: String,
}

/// One answer, as received.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// HTTP status.
    pub status: u16,
    /// The body, cut at the runner's cap.
    pub body: &'a [u8],
    /// Whether the body was longer than the cap.
    pub truncated: bool,
}

/// A failed check, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Which check.
    pub check: Check,
    /// What was wrong.
    pub message: String,
}

/// The checks that applied to one answer, and those that failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Every check that applied, failed or not.
    pub applied: Vec<Check>,
    /// The failed ones.
    pub findings: Vec<Finding>,
}

impl Verdict {
    fn check(&mut self, check: Check, outcome: Result<(), String>) -> bool {
        self.applied.push(check);
        match outcome {
            Ok(()) => true,
            Err(message) => {
                self.findings.push(Finding { check, message });
                false
            }
        }
    }

    /// Whether `check` failed.
    pub fn failed(&self, check: Check) -> bool {
        self.findings.iter().any(|f| f.check == check)
    }

    /// Whether the target accepted the body (a 2xx).
    pub fn accepted(observed: &Observed) -> bool {
        (200..300).contains(&observed.status)
    }
}

fn expect(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message()) }
}

/// Judges one initialize answer.
pub fn judge(expected: &Expectation, observed: &Observed) -> Verdict {
    let mut verdict = Verdict::default();
    let status = observed.status;
    if !verdict.check(Check::NoServerError, expect(status < 500, || format!("answered {status}"))) {
        return verdict;
    }
    let json = if observed.truncated {
        Err(format!("response body over {} bytes", observed.body.len()))
    } else {
        serde_json::from_slice::<Value>(observed.body).map_err(|e| {
            let text = String::from_utf8_lossy(&observed.body[..observed.body.len().min(120)]).into_owned();
            format!("not JSON ({e}): {text:?}")
        })
    };
    let json = match json {
        Ok(json) => {
            verdict.check(Check::JsonResponse, Ok(()));
            Some(json)
        }
        Err(message) => {
            verdict.check(Check::JsonResponse, Err(message));
            None
        }
    };
    let accepted = (200..300).contains(&status);
    let class_ok = match expected.class {
        Class::Valid => expect(status == 200, || format!("a valid body got {status}, not 200")),
        Class::Invalid => {
            expect((400..500).contains(&status), || format!("an invalid body got {status}, not 4xx"))
        }
        Class::Ambiguous => expect(status == 200 || (400..500).contains(&status), || {
            format!("an ambiguous body got {status}, neither 200 nor 4xx")
        }),
    };
    verdict.check(Check::StatusClass, class_ok);
    let Some(json) = json else { return verdict };
    if accepted {
        let shape = success_shape(&json);
        if verdict.check(Check::ResponseShape, shape.clone().map(|_| ())) {
            let Ok(records) = shape else { unreachable!("checked above") };
            let id = json["sandbox_id"].as_str().unwrap_or_default();
            verdict.check(
                Check::SandboxIdEcho,
                expect(id == expected.sandbox_id, || {
                    format!("sandbox_id {id:?}, path has {:?}", expected.sandbox_id)
                }),
            );
            let state = json["status"].as_str().unwrap_or_default();
            verdict.check(
                Check::StatusEnum,
                expect(matches!(state, "idle" | "occupied"), || format!("status {state:?} after a success")),
            );
            if let Some(want) = expected.records {
                verdict.check(
                    Check::RecordsCreated,
                    expect(records == want, || {
                        format!("records_created says {records}; the request has {want}")
                    }),
                );
            }
        }
    } else if (400..500).contains(&status) {
        verdict.check(Check::ResponseShape, error_shape(status, &json));
    }
    verdict
}

/// The counts of a success body, or what is wrong with its shape.
fn success_shape(json: &Value) -> Result<RecordsCreated, String> {
    let Some(object) = json.as_object() else {
        return Err("not a JSON object".into());
    };
    for key in ["sandbox_id", "status", "message"] {
        if !object.get(key).is_some_and(Value::is_string) {
            return Err(format!("`{key}` missing or not a string"));
        }
    }
    let Some(records) = object.get("records_created").and_then(Value::as_object) else {
        return Err("`records_created` missing or not an object".into());
    };
    let count = |key: &str| {
        records
            .get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("`records_created.{key}` missing or not a count"))
    };
    Ok(RecordsCreated {
        leads: count("leads")?,
        contacts: count("contacts")?,
        opportunities: count("opportunities")?,
        tasks: count("tasks")?,
    })
}

/// Whether a 4xx body has the contract's shape.
fn error_shape(status: u16, json: &Value) -> Result<(), String> {
    let detail = json.get("detail").ok_or("no `detail`")?;
    if status != 422 {
        return expect(detail.is_string() || detail.is_array(), || {
            "`detail` is neither text nor a list".into()
        });
    }
    let items = detail.as_array().ok_or("422 `detail` is not a list")?;
    let well_formed = |item: &Value| {
        item.get("type").is_some_and(Value::is_string)
            && item.get("msg").is_some_and(Value::is_string)
            && item.get("loc").is_some_and(Value::is_array)
    };
    expect(!items.is_empty() && items.iter().all(well_formed), || {
        "422 `detail` items need `type`, `loc` and `msg`".into()
    })
}

/// Judges the dump after an answer: after a success it must hold `sent` (the
/// request body); after a rejection it must equal `before`. `None` for a
/// dump that is absent (404).
pub fn judge_dump(accepted: bool, sent: &Value, before: Option<&Value>, after: Option<&Value>) -> Verdict {
    let empty = Value::Null;
    let (check, want, what) = if accepted {
        (Check::DumpMatches, sent, "what was sent")
    } else {
        (Check::NoPartialWrite, before.unwrap_or(&empty), "what it was before")
    };
    let (got, want) = (canonical(after.unwrap_or(&empty)), canonical(want));
    let outcome = expect(got == want, || {
        first_difference(&got, &want).map_or_else(
            || format!("the dump is not {what}"),
            |path| format!("the dump is not {what}: first difference at {path}"),
        )
    });
    let mut verdict = Verdict::default();
    verdict.check(check, outcome);
    verdict
}

/// A body or dump brought to the form the spec compares: lax values coerced
/// and unknown keys dropped (as `normalize`), an absent field, `null` and an
/// empty list all dropped, email and phone items cut to their conventional
/// keys, and every list sorted (lists compare as multisets).
pub fn canonical(data: &Value) -> Value {
    fn canon(value: Value, key: &str) -> Value {
        match value {
            Value::Object(map) => {
                let keep: Option<&[&str]> = match key {
                    "emails" => Some(&["email", "type", "is_unsubscribed"]),
                    "phones" => Some(&["phone", "type"]),
                    _ => None,
                };
                let map: Map<String, Value> = map
                    .into_iter()
                    .filter(|(k, v)| keep.is_none_or(|keep| keep.contains(&k.as_str())) && !is_empty(v))
                    .map(|(k, v)| {
                        let v = canon(v, &k);
                        (k, v)
                    })
                    .collect();
                Value::Object(map)
            }
            Value::Array(items) => {
                let mut items: Vec<Value> = items.into_iter().map(|item| canon(item, key)).collect();
                items.sort_by_cached_key(Value::to_string);
                Value::Array(items)
            }
            other => other,
        }
    }
    fn is_empty(value: &Value) -> bool {
        value.is_null() || value.as_array().is_some_and(Vec::is_empty)
    }
    match canon(normalize(data), "") {
        Value::Null => Value::Object(Map::new()), // no data is no leads
        other => other,
    }
}

/// The first path where two canonical values differ, for messages.
fn first_difference(a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            for key in keys {
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) if p == q => {}
                    (Some(p), Some(q)) => {
                        return Some(
                            first_difference(p, q).map_or(key.clone(), |rest| format!("{key}{rest}")),
                        );
                    }
                    _ => return Some(key.clone()),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find(|(_, (p, q))| p != q).map(|(i, (p, q))| {
                format!("[{i}]{}", first_difference(p, q).map_or(String::new(), |r| format!(".{r}")))
            })
        }
        _ if a == b => None,
        _ => Some(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expectation(class: Class, leads: u64) -> Expectation {
        Expectation {
            class,
            records: Some(RecordsCreated { leads, ..RecordsCreated::default() }),
            sandbox_id: "s".into(),
        }
    }

    fn run(expected: &Expectation, status: u16, body: &Value) -> Verdict {
        let bytes = body.to_string();
        judge(expected, &Observed { status, body: bytes.as_bytes(), truncated: false })
    }

    fn ok_body(id: &str, status: &str, leads: u64) -> Value {
        json!({"sandbox_id": id, "status": status, "message": "m",
               "records_created": {"leads": leads, "contacts": 0, "opportunities": 0, "tasks": 0}})
    }

    #[test]
    fn a_correct_success_passes_every_applied_check() {
        let verdict = run(&expectation(Class::Valid, 2), 200, &ok_body("s", "occupied", 2));
        assert!(verdict.findings.is_empty(), "{verdict:?}");
        assert_eq!(verdict.applied.len(), 7);
    }

    #[test]
    fn each_kind_of_wrong_answer_fails_its_check() {
        let valid = expectation(Class::Valid, 2);
        let cases = [
            (500, ok_body("s", "occupied", 2), Check::NoServerError),
            (200, ok_body("s", "occupied", 3), Check::RecordsCreated),
            (200, ok_body("t", "occupied", 2), Check::SandboxIdEcho),
            (200, ok_body("s", "error", 2), Check::StatusEnum),
            (200, json!({"sandbox_id": "s"}), Check::ResponseShape),
            (422, json!({"detail": []}), Check::StatusClass),
        ];
        for (status, body, check) in cases {
            assert!(run(&valid, status, &body).failed(check), "{status} {body} should fail {check:?}");
        }
        let invalid = expectation(Class::Invalid, 0);
        assert!(run(&invalid, 200, &ok_body("s", "occupied", 0)).failed(Check::StatusClass));
        assert!(run(&invalid, 422, &json!({"detail": "x"})).failed(Check::ResponseShape));
        assert!(
            run(&invalid, 422, &json!({"detail": [{"type": "missing", "loc": [], "msg": "m"}]}))
                .findings
                .is_empty()
        );
        let ambiguous = expectation(Class::Ambiguous, 2);
        assert!(run(&ambiguous, 400, &json!({"detail": "no"})).findings.is_empty());
        let not_json = judge(&valid, &Observed { status: 200, body: b"<html>", truncated: false });
        assert!(not_json.failed(Check::JsonResponse));
    }

    #[test]
    fn canonical_forms_follow_the_spec() {
        let sent = json!({"leads": [
            {"name": "B", "tasks": [], "contacts": [{"name": null, "emails": [{"email": "a@b.co", "x_extra": 1}]}]},
            {"name": "A", "opportunities": [{"note": "n", "value": "48000", "period": null}], "industry": "x"}
        ]});
        let dumped = json!({"leads": [
            {"name": "A", "opportunities": [{"note": "n", "value": 48000}]},
            {"name": "B", "contacts": [{"emails": [{"email": "a@b.co"}]}]}
        ]});
        assert_eq!(canonical(&sent), canonical(&dumped));
        assert_eq!(canonical(&json!({"leads": []})), canonical(&Value::Null));
        let changed =
            json!({"leads": [{"name": "A"}, {"name": "B", "contacts": [{"emails": [{"email": "x@b.co"}]}]}]});
        assert_ne!(canonical(&sent), canonical(&changed));
        let verdict = judge_dump(true, &sent, None, Some(&changed));
        assert_eq!(verdict.findings[0].check, Check::DumpMatches);
        assert!(verdict.findings[0].message.contains("first difference"), "{verdict:?}");
        assert!(judge_dump(true, &sent, None, Some(&dumped)).findings.is_empty());
        let partial = judge_dump(false, &sent, Some(&Value::Null), Some(&dumped));
        assert!(partial.failed(Check::NoPartialWrite));
    }
}
