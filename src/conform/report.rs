//! What a run reports: JSON Lines events (`{"type": ..., "data": ...}`), the
//! human summary, and JUnit XML with one test case per check. Renderers are
//! pure: they return text for the shell to write.

use crate::classify::Class;
use crate::oracle::{Check, Finding};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every applied check passed.
    Passed,
    /// The target answered, wrongly.
    Failed,
    /// The target did not answer (refused, reset, timed out).
    Errored,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    /// Its number in the run.
    pub case: usize,
    /// The class the oracle expected.
    pub class: Class,
    /// The mutation, for invalid and ambiguous cases.
    pub mutation: Option<String>,
    /// Body size in bytes (`None`: no body).
    pub bytes: Option<usize>,
    /// The answer's status, when there was one.
    pub status: Option<u16>,
    /// Passed, failed or errored.
    pub outcome: Outcome,
    /// The checks that applied.
    pub checks: Vec<Check>,
    /// The ones that failed.
    pub findings: Vec<Finding>,
}

/// A distinct failure, saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureReport {
    /// The failed check.
    pub check: Check,
    /// The case it was first seen in.
    pub case: usize,
    /// What was wrong, for the minimal body.
    pub message: String,
    /// The saved artifact.
    pub artifact: PathBuf,
    /// Body size before and after shrinking.
    pub bytes: (usize, usize),
}

/// Counts per check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Cases where the check passed.
    pub passed: u64,
    /// Cases where it failed.
    pub failed: u64,
    /// The first failure: `case N: message`.
    pub example: Option<String>,
}

/// The whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The API base URL.
    pub target: String,
    /// The run's seed.
    pub seed: u64,
    /// Cases sent.
    pub sent: u64,
    /// Cases that passed every check.
    pub passed: u64,
    /// Cases with a failed check.
    pub failed: u64,
    /// Cases the target did not answer.
    pub errored: u64,
    /// Per check.
    pub checks: BTreeMap<Check, Tally>,
    /// Saved failures.
    pub failures: Vec<FailureReport>,
    /// HTTP requests, all kinds (cases, dumps, shrinking).
    pub requests: u64,
    /// Wall time.
    pub seconds: f64,
    /// Whether the run was stopped early (Ctrl-C).
    pub interrupted: bool,
}

impl Summary {
    /// Counts one case in.
    pub fn add(&mut self, result: &CaseResult) {
        self.sent += 1;
        match result.outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Errored => self.errored += 1,
        }
        for check in &result.checks {
            let tally = self.checks.entry(*check).or_default();
            match result.findings.iter().find(|f| f.check == *check) {
                Some(finding) => {
                    tally.failed += 1;
                    tally.example.get_or_insert_with(|| format!("case {}: {}", result.case, finding.message));
                }
                None => tally.passed += 1,
            }
        }
    }

    /// Whether the target conformed: nothing failed, nothing errored.
    pub fn conforms(&self) -> bool {
        self.failed == 0 && self.errored == 0
    }

    /// The human summary, a row per check.
    pub fn human(&self) -> String {
        let mut out = format!(
            "leadfuzz: conform {}: {} cases sent: {} passed, {} failed, {} errored (seed {}, {} requests, {:.1}s)\n",
            self.target,
            self.sent,
            self.passed,
            self.failed,
            self.errored,
            self.seed,
            self.requests,
            self.seconds
        );
        out.push_str(&format!("  {:<18} {:>7} {:>7}  example\n", "check", "passed", "failed"));
        for (check, tally) in &self.checks {
            let example = tally.example.as_deref().unwrap_or("");
            let example: String = example.chars().take(100).collect();
            out.push_str(&format!(
                "  {:<18} {:>7} {:>7}  {example}\n",
                check.name(),
                tally.passed,
                tally.failed
            ));
        }
        for failure in &self.failures {
            out.push_str(&format!(
                "  saved {} ({}: {} bytes shrunk to {})\n",
                failure.artifact.display(),
                failure.check.name(),
                failure.bytes.0,
                failure.bytes.1
            ));
        }
        if self.interrupted {
            out.push_str("  interrupted: not every case was sent\n");
        }
        out
    }

    /// JUnit XML: one test suite, one test case per check.
    pub fn junit(&self) -> String {
        use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
        let mut suite = TestSuite::new("leadfuzz conform");
        for (check, tally) in &self.checks {
            let status = if tally.failed == 0 {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(format!(
                    "{} of {} cases failed",
                    tally.failed,
                    tally.failed + tally.passed
                ));
                status.set_description(tally.example.clone().unwrap_or_default());
                status
            };
            let mut case = TestCase::new(check.name(), status);
            case.set_classname(format!("conform.{}", self.target));
            suite.add_test_case(case);
        }
        let mut report = Report::new("leadfuzz");
        report.add_test_suite(suite);
        report.to_string().unwrap_or_default()
    }
}

/// One line of `--json` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Event {
    /// The run starts.
    Start {
        /// The API base URL.
        target: String,
        /// The seed.
        seed: u64,
        /// Cases in this shard.
        cases: usize,
        /// Concurrent requests.
        jobs: usize,
        /// The sandboxes used.
        sandboxes: Vec<String>,
    },
    /// A case was judged.
    Case(CaseResult),
    /// A distinct failure was shrunk and saved.
    Failure(FailureReport),
    /// The run ended.
    Summary(Summary),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(case: usize, failed: bool) -> CaseResult {
        CaseResult {
            case,
            class: Class::Valid,
            mutation: None,
            bytes: Some(10),
            status: Some(200),
            outcome: if failed { Outcome::Failed } else { Outcome::Passed },
            checks: vec![Check::StatusClass, Check::RecordsCreated],
            findings: if failed {
                vec![Finding { check: Check::RecordsCreated, message: "off by one".into() }]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn summary_counts_cases_and_checks() {
        let mut summary = Summary::default();
        summary.add(&result(0, false));
        summary.add(&result(1, true));
        summary.add(&result(2, true));
        assert_eq!((summary.sent, summary.passed, summary.failed), (3, 1, 2));
        let tally = &summary.checks[&Check::RecordsCreated];
        assert_eq!((tally.passed, tally.failed), (1, 2));
        assert_eq!(tally.example.as_deref(), Some("case 1: off by one"));
        assert!(!summary.conforms());
        assert!(summary.human().contains("records_created          1       2  case 1: off by one"));
    }

    #[test]
    fn junit_has_a_test_case_per_check() {
        let mut summary = Summary::default();
        summary.add(&result(0, true));
        let xml = summary.junit();
        assert!(xml.contains(r#"<testsuite name="leadfuzz conform" tests="2""#), "{xml}");
        assert!(xml.contains(r#"failures="1""#), "{xml}");
        assert!(xml.contains("off by one"), "{xml}");
    }

    #[test]
    fn events_are_tagged() {
        let line = serde_json::to_string(&Event::Case(result(4, false))).unwrap();
        assert!(line.starts_with(r#"{"type":"case","data":{"case":4,"#), "{line}");
    }
}
