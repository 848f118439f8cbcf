//! gen throughput: leadfuzz's generator against serde_json alone writing the
//! same leads from memory (the ceiling: serialization without generation).
//!
//! `cargo bench --bench gen`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leadfuzz::generate::{GenConfig, Generator, Profile};
use leadfuzz::model::CloseLead;
use std::hint::black_box;

const LEADS: usize = 2_000;

fn generate(c: &mut Criterion) {
    let config = |profile| GenConfig { count: LEADS, seed: 1, profile, ..GenConfig::default() };
    let bytes = Generator::new(config(Profile::Mixed)).payload().body;
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let leads: Vec<CloseLead> = serde_json::from_value(body["leads"].clone()).unwrap();

    let mut group = c.benchmark_group("gen");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("serde_json_only_fixed_leads", |b| {
        b.iter(|| serde_json::to_writer(std::io::sink(), black_box(&leads)).unwrap())
    });
    for profile in [Profile::Realistic, Profile::Mixed] {
        let size = Generator::new(config(profile)).payload().body.len();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(format!("leadfuzz_{profile:?}").to_lowercase(), |b| {
            b.iter(|| Generator::new(config(profile)).write_body(&mut std::io::sink(), None).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
