//! conform throughput against the in-process reference server, beside a plain
//! HTTP load loop (reqwest, no generation, no judging, no dumps) posting the
//! same bodies on the same server in the same run.
//!
//! `cargo bench --bench conform`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leadfuzz::conform::{ConformConfig, DumpMode, cases, run};
use leadfuzz::server::{LocalServer, ServerConfig};

const CASES: usize = 100;

fn conform(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = runtime.block_on(LocalServer::start(ServerConfig::default())).unwrap();
    let url = server.url().to_string();
    let base = ConformConfig::default().base_date;
    let bodies: Vec<Option<Vec<u8>>> = (0..CASES).map(|i| cases::case(1, i, base, false).body).collect();
    let out = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("conform");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CASES as u64));
    for jobs in [1, 4] {
        for dump in [DumpMode::Off, DumpMode::On] {
            let name = format!(
                "leadfuzz_conform_jobs_{jobs}_dump_{}",
                if dump == DumpMode::On { "on" } else { "off" }
            );
            group.bench_function(name, |b| {
                b.iter(|| {
                    let config = ConformConfig {
                        target: Some(url.clone()),
                        cases: CASES,
                        seed: 1,
                        jobs: Some(jobs),
                        dump,
                        out: out.path().to_path_buf(),
                        ..ConformConfig::default()
                    };
                    let (events, _received) = tokio::sync::mpsc::unbounded_channel();
                    let (_stop, stop) = tokio::sync::watch::channel(false);
                    let summary = runtime.block_on(run(config, events, stop)).unwrap();
                    assert!(summary.conforms());
                })
            });
        }
        group.bench_function(format!("plain_http_loop_jobs_{jobs}"), |b| {
            let client = reqwest::Client::new();
            b.iter(|| {
                runtime.block_on(async {
                    let tasks: Vec<_> = (0..jobs)
                        .map(|j| {
                            let (client, url) = (client.clone(), url.clone());
                            let mine: Vec<_> = bodies.iter().skip(j).step_by(jobs).cloned().collect();
                            tokio::spawn(async move {
                                for body in mine {
                                    let mut request = client
                                        .post(format!("{url}/sandbox/close/plain-{j}/initialize"))
                                        .header("content-type", "application/json");
                                    if let Some(body) = body {
                                        request = request.body(body);
                                    }
                                    request.send().await.unwrap().bytes().await.unwrap();
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, conform);
criterion_main!(benches);
