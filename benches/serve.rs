//! serve throughput: initialize requests/s with 10-lead bodies for 1 and 4
//! concurrent clients over real loopback HTTP, and the time to store and dump
//! a 1,000-lead body.
//!
//! `cargo bench --bench serve`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leadfuzz::generate::{GenConfig, Generator, Profile};
use leadfuzz::server::{LocalServer, ServerConfig};

fn body(count: usize) -> Vec<u8> {
    Generator::new(GenConfig { count, seed: 1, profile: Profile::Realistic, ..GenConfig::default() })
        .payload()
        .body
}

fn initialize(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = runtime.block_on(LocalServer::start(ServerConfig::default())).unwrap();
    let url = server.url().to_string();
    let client = reqwest::Client::new();
    let post = |sandbox: String, body: Vec<u8>| {
        let request = client
            .post(format!("{url}/sandbox/close/{sandbox}/initialize"))
            .header("content-type", "application/json")
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap();
        }
    };

    let small = body(10);
    let mut group = c.benchmark_group("serve");
    for clients in [1, 4] {
        group.throughput(Throughput::Elements(clients as u64));
        group.bench_function(format!("initialize_10_leads_{clients}_clients"), |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let requests =
                        (0..clients).map(|i| tokio::spawn(post(format!("bench-{i}"), small.clone())));
                    for request in requests.collect::<Vec<_>>() {
                        request.await.unwrap();
                    }
                })
            })
        });
    }
    let large = body(1000);
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.bench_function("initialize_and_dump_1000_leads", |b| {
        b.iter(|| {
            runtime.block_on(async {
                post("big".into(), large.clone()).await;
                let dump = client.get(format!("{url}/sandbox/close/big/dump")).send().await.unwrap();
                assert_eq!(dump.status(), 200);
                dump.bytes().await.unwrap();
            })
        })
    });
    group.finish();
}

criterion_group!(benches, initialize);
criterion_main!(benches);
