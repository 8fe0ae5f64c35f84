//! Criterion benchmarks on the launch-gate workload (`/work/shared/bench/WORKLOAD.md`,
//! generator in `workload/`), at S = 10, 100 and 1000:
//! - `compile/S`: parse + check + compile of the policy;
//! - `load/S`: evidence load, JSON text → the validated bundle;
//! - `decide/{bind+decide,bound,native}/S`: one decision (decision and every rule's status),
//!   evidence loaded: from the bundle, from the bundle bound ahead of time, and the
//!   hand-written evaluator of `workload/`;
//! - `evaluate/S`: one full evaluation report (every rule's result), evidence loaded;
//! - `report/{html,html+explain}/S`: the HTML launch report of that evaluation;
//! - `check/10000-rules`: parse + check + compile of a 10,000-rule policy;
//! - `bundle-100k/…`: a bundle of 100,000 metrics and 100,000 flags loaded, evaluated, and
//!   loaded and decided, under a policy of 100,000 metric rules.
//!
//! Run: `cargo bench --bench gate` (add `-- --quick` for a short pass, or a filter such as
//! `-- decide`). The side-by-side comparison with peers is `cargo run --release -p peers`.

// A benchmark has nothing to do with a broken workload but stop.
#![allow(clippy::panic)]

mod workload;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tollgate::{evidence, Now, Policy};

use workload::Workload;

const SEED: u64 = 1;

fn now() -> Now {
    Now::resolve(evidence::parse_instant("2025-05-01T00:00:00Z"), None)
}

fn policy(w: &Workload) -> Policy {
    match Policy::from_source("bench.gate", w.policy_text()) {
        Ok(p) => p,
        Err(e) => panic!("the workload policy does not compile: {e:?}"),
    }
}

fn bundle(text: &str) -> tollgate::Bundle {
    match evidence::parse_str("bench.json", text, evidence::Format::Json) {
        Ok(b) => b,
        Err(e) => panic!("the workload evidence does not load: {e:?}"),
    }
}

fn scales(c: &mut Criterion) {
    for scale in [10, 100, 1000] {
        let w = Workload::generate(scale, SEED);
        let text = w.policy_text();
        let json = w.evidence_json();
        let policy = policy(&w);
        let bundle = bundle(&json);
        let now = now();

        let mut g = c.benchmark_group("compile");
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(scale), |b| {
            b.iter(|| Policy::from_source("bench.gate", black_box(text.as_str())))
        });
        g.finish();

        let mut g = c.benchmark_group("load");
        g.throughput(Throughput::Bytes(json.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(scale), |b| {
            b.iter(|| evidence::parse_str("bench.json", black_box(&json), evidence::Format::Json))
        });
        g.bench_function(BenchmarkId::new("serde-typed", scale), |b| {
            b.iter(|| workload::parse_typed(black_box(&json)))
        });
        g.finish();

        let mut g = c.benchmark_group("decide");
        let mut decider = policy.decider();
        g.bench_function(BenchmarkId::new("bind+decide", scale), |b| {
            b.iter(|| decider.decide(black_box(&bundle), now).decision)
        });
        let bound = decider.bind(&bundle, now);
        g.bench_function(BenchmarkId::new("bound", scale), |b| {
            b.iter(|| decider.decide_bound(black_box(&bound)).decision)
        });
        let gate = workload::NativeGate::new(&w);
        let typed = match workload::parse_typed(&json) {
            Ok(t) => t,
            Err(e) => panic!("typed parse: {e}"),
        };
        let native = gate.resolve(&typed);
        let mut fired = Vec::new();
        g.bench_function(BenchmarkId::new("native", scale), |b| {
            b.iter(|| gate.decide(black_box(&native), &mut fired))
        });
        g.finish();

        let mut g = c.benchmark_group("evaluate");
        g.bench_function(BenchmarkId::from_parameter(scale), |b| {
            b.iter(|| policy.evaluate(black_box(&bundle), now))
        });
        g.finish();

        // The HTML launch report from an evaluation and its explanations (issue 18: under
        // 20 ms at S = 1000); `html+explain` adds the explanations it quotes.
        let mut g = c.benchmark_group("report");
        let evaluation = policy.evaluate(&bundle, now);
        let explained = tollgate::eval::explain::explain(&policy, &bundle, now);
        g.bench_function(BenchmarkId::new("html", scale), |b| {
            b.iter(|| {
                tollgate::render::html::render(&evaluation, &policy, black_box(&bundle), &explained)
            })
        });
        g.bench_function(BenchmarkId::new("html+explain", scale), |b| {
            b.iter(|| {
                let explained = tollgate::eval::explain::explain(&policy, black_box(&bundle), now);
                tollgate::render::html::render(&evaluation, &policy, &bundle, &explained)
            })
        });
        g.finish();
    }
}

fn large(c: &mut Criterion) {
    let w = Workload::generate(10_000, SEED);
    let text = w.policy_text();
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.bench_function("10000-rules", |b| {
        b.iter(|| Policy::from_source("bench.gate", black_box(text.as_str())))
    });
    g.finish();

    let w = Workload::generate(100_000, SEED);
    let json = w.evidence_json();
    let policy = policy(&w);
    let mut g = c.benchmark_group("bundle-100k");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("load", |b| {
        b.iter(|| evidence::parse_str("bench.json", black_box(&json), evidence::Format::Json))
    });
    let bundle = bundle(&json);
    let now = now();
    g.bench_function("evaluate", |b| {
        b.iter(|| policy.evaluate(black_box(&bundle), now))
    });
    g.bench_function("load+decide", |b| {
        let mut decider = policy.decider();
        b.iter(|| {
            let bundle =
                evidence::parse_str("bench.json", black_box(&json), evidence::Format::Json);
            bundle.map(|b| decider.decide(&b, now).decision)
        })
    });
    g.finish();
}

criterion_group!(benches, scales, large);
criterion_main!(benches);
