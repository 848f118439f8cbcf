//! gen: output validity, counts, catalog coverage, determinism, mutation labels.

use crate::util::leadfuzz;
use leadfuzz::classify::{Class, classify_bytes};
use leadfuzz::generate::edge::{self, Edge};
use leadfuzz::generate::{GenConfig, Generator, Profile};
use leadfuzz::model::{CloseData, counts};
use predicates::prelude::*;

fn config(count: usize, seed: u64, profile: Profile) -> GenConfig {
    GenConfig { count, seed, profile, ..GenConfig::default() }
}

fn body(config: GenConfig) -> Vec<u8> {
    Generator::new(config).payload().body
}

#[test]
fn valid_bodies_classify_valid_with_the_requested_counts() {
    for profile in [Profile::Realistic, Profile::Mixed, Profile::Edge] {
        for seed in 0..12 {
            for count in [0, 1, 7, 60] {
                let bytes = body(config(count, seed, profile));
                let verdict = classify_bytes(&bytes, true);
                assert_eq!(
                    verdict.class,
                    Class::Valid,
                    "{profile:?} seed {seed} count {count}: {:?}",
                    verdict.reasons
                );
                assert_eq!(verdict.records_created.unwrap().leads, count as u64);
                let data: CloseData = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(verdict.records_created, Some(counts(&data)));
            }
        }
    }
}

#[test]
fn mixed_exercises_every_lead_level_catalog_entry_at_50_leads() {
    for seed in 0..20 {
        let data: CloseData = serde_json::from_slice(&body(config(50, seed, Profile::Mixed))).unwrap();
        let hits = edge::exercised(&data);
        let missing: Vec<Edge> = Edge::ALL[3..].iter().copied().filter(|e| !hits.contains(e)).collect();
        assert!(missing.is_empty(), "seed {seed} misses {missing:?}");
    }
}

#[test]
fn zero_leads_reach_absent_null_and_empty_leads() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..30 {
        let data: CloseData = serde_json::from_slice(&body(config(0, seed, Profile::Mixed))).unwrap();
        seen.extend(edge::exercised(&data));
    }
    assert!(seen.is_superset(&[Edge::LeadsAbsent, Edge::LeadsNull, Edge::LeadsEmpty].into()), "{seen:?}");
}

#[test]
fn edge_profile_is_dense_in_catalog_entries() {
    let data: CloseData = serde_json::from_slice(&body(config(50, 1, Profile::Edge))).unwrap();
    let realistic: CloseData = serde_json::from_slice(&body(config(50, 1, Profile::Realistic))).unwrap();
    let (edge_hits, realistic_hits) = (edge::exercised(&data).len(), edge::exercised(&realistic).len());
    assert!(
        edge_hits >= 45 && edge_hits > realistic_hits + 15,
        "edge {edge_hits}, realistic {realistic_hits}"
    );
}

#[test]
fn same_seed_same_bytes_and_different_seeds_differ() {
    for profile in [Profile::Realistic, Profile::Mixed, Profile::Edge] {
        let a = body(config(30, 42, profile));
        assert_eq!(a, body(config(30, 42, profile)));
        assert_ne!(a, body(config(30, 43, profile)));
    }
    let mut dated = config(5, 42, Profile::Realistic);
    dated.base_date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    assert_ne!(body(dated), body(config(5, 42, Profile::Realistic)));
}

#[test]
fn mutated_bodies_classify_as_labelled() {
    let mut kinds = std::collections::BTreeSet::new();
    for strict in [false, true] {
        for class in [Class::Invalid, Class::Ambiguous] {
            for seed in 0..150 {
                let profile = [Profile::Realistic, Profile::Mixed, Profile::Edge][seed as usize % 3];
                let count = [0, 1, 3, 12][seed as usize % 4];
                let mut generator =
                    Generator::new(GenConfig { class, strict, ..config(count, seed, profile) });
                let payload = generator.payload();
                let mutation = payload.mutation.expect("a mutation for a non-valid class");
                assert_eq!(mutation.class, class);
                let verdict = classify_bytes(&payload.body, strict);
                let text = String::from_utf8_lossy(&payload.body);
                assert_eq!(
                    verdict.class, class,
                    "{mutation:?} seed {seed} strict {strict}: {:?}\n{text}",
                    verdict.reasons
                );
                // One path holds the other: a finding at the mutated field, at a
                // record that holds it, or at the body for framing and raw tokens.
                let within = |outer: &str, inner: &str| outer == "body" || inner.starts_with(outer);
                let deciding = verdict
                    .reasons
                    .iter()
                    .any(|r| within(&r.path(), &mutation.path) || within(&mutation.path, &r.path()));
                assert!(deciding, "{mutation:?}: no finding at its path: {:?}", verdict.reasons);
                kinds.insert(mutation.kind.name());
            }
        }
    }
    assert!(kinds.len() >= 24, "mutation kinds reached: {kinds:?}");
}

#[test]
fn pretty_output_is_the_same_body() {
    let compact: serde_json::Value = serde_json::from_slice(&body(config(5, 9, Profile::Mixed))).unwrap();
    let pretty = body(GenConfig { pretty: true, ..config(5, 9, Profile::Mixed) });
    assert!(pretty.iter().filter(|&&b| b == b'\n').count() > 50);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&pretty).unwrap(), compact);
}

#[test]
fn cli_gen_writes_one_body_and_names_the_seed() {
    let out = leadfuzz().args(["gen", "--count", "50"]).assert().success().get_output().clone();
    let verdict = classify_bytes(&out.stdout, true);
    assert_eq!(verdict.class, Class::Valid);
    assert_eq!(verdict.records_created.unwrap().leads, 50);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("leadfuzz: gen --seed "), "{stderr}");
}

#[test]
fn cli_gen_is_byte_identical_for_a_seed_and_base_date() {
    let args = ["gen", "--count", "20", "--seed", "5", "--base-date", "2025-12-31", "--profile", "edge"];
    let a = leadfuzz().args(args).assert().success().stderr("").get_output().stdout.clone();
    let b = leadfuzz().args(args).assert().success().get_output().stdout.clone();
    assert_eq!(a, b);
}

#[test]
fn cli_gen_payloads_are_json_lines_with_labels_on_stderr() {
    let out = leadfuzz()
        .args(["gen", "--count", "3", "--payloads", "7", "--seed", "1", "--base-date", "2026-01-05"])
        .args(["--class", "ambiguous"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 7);
    for line in lines {
        assert_eq!(classify_bytes(line.as_bytes(), false).class, Class::Ambiguous, "{line}");
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().filter(|l| l.contains(": Ambiguous by ")).count(), 7, "{stderr}");
}

#[test]
fn cli_gen_coverage_table_goes_to_stderr() {
    leadfuzz()
        .args(["gen", "--count", "50", "--seed", "2", "--base-date", "2026-01-05", "--coverage"])
        .assert()
        .success()
        .stderr(predicate::str::contains("coverage: 61 of 64 catalog entries"))
        .stderr(predicate::str::contains("yes  duplicate_email_across_leads"))
        .stderr(predicate::str::contains("no   leads_null"));
}

#[test]
fn cli_gen_rejects_a_bad_base_date() {
    leadfuzz()
        .args(["gen", "--base-date", "2025-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base-date"));
}
