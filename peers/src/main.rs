//! Tollgate side by side with its peers on the launch-gate workload (`WORKLOAD.md`):
//! a hand-written evaluator over typed structs with metrics resolved to indices ahead of
//! time (the practical limit), Tollgate, Cedar (`cedar-policy`) and CEL (`cel`).
//!
//! First every engine decides the same bundles for many seeds, and the decision and the list
//! of fired rules must match the exact answer (computed on the integer grid) for all four.
//! Then each is timed in this one run: evaluation per decision with the evidence already in
//! the engine's own form, and evidence load (JSON text → Tollgate's bundle) against
//! serde_json's typed parse of the same text.
//!
//! `cargo run --release -p peers [-- --quick]`; `-- --samples [N]` runs the per-item
//! workload instead (`samples.rs`). The last line is
//! `summary: tollgate/native=X cedar/tollgate=Y cel/tollgate=Z load/serde=W`, ratios of
//! medians at S = 1000.

#[path = "../../benches/workload/mod.rs"]
mod workload;

mod engines;
mod samples;
mod timing;

use std::process::ExitCode;
use std::time::Duration;

use engines::{Cedar, Cel, Engine, Native, Tollgate, TollgateBind, TollgateReport};
use timing::{measure, Stats};
use workload::Workload;

const SCALES: [usize; 3] = [10, 100, 1000];
const AGREEMENT_SEEDS: u64 = 50;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--repeat ENGINE N [S]`: only run one engine's decision N times (for a profiler).
    if let [flag, name, n, rest @ ..] = args.as_slice() {
        if flag == "--repeat" {
            return repeat(
                name,
                n.parse().unwrap_or(1000),
                rest.first().and_then(|s| s.parse().ok()).unwrap_or(1000),
            );
        }
    }
    // `--write DIR S`: write the workload at scale S as DIR/gate-S.gate and DIR/evidence-S.json
    // (for `tollgate check` / `tollgate eval` end to end).
    if let [flag, dir, scale] = args.as_slice() {
        if flag == "--write" {
            return write(dir, scale.parse().unwrap_or(1000));
        }
    }
    // `--samples [N]`: the per-item workload (samples.rs) instead of the gate workload.
    if let Some(flag) = args.first() {
        if flag == "--samples" {
            let n = args
                .get(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000);
            return samples::run(n);
        }
        if flag == "--samples-child" {
            if let [_, reader, path] = args.as_slice() {
                return samples::child_main(reader, std::path::Path::new(path));
            }
        }
    }
    let quick = args.iter().any(|a| a == "--quick");
    let budget = if quick {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(2)
    };

    match agreement() {
        Ok(checked) => println!("agreement: {checked}"),
        Err(problem) => {
            eprintln!("engines disagree: {problem}");
            return ExitCode::FAILURE;
        }
    }

    let names = [
        "native (hand-written, indexed)",
        "tollgate (decide, bound)",
        "tollgate (bind + decide)",
        "tollgate (full report)",
        "cedar-policy",
        "cel",
    ];
    let mut per_decision: Vec<Vec<Stats>> = vec![Vec::new(); names.len()];
    let mut loads: Vec<(Stats, Stats, usize)> = Vec::new();
    for scale in SCALES {
        let w = Workload::generate(scale, 1);
        let json = w.evidence_json();
        let mut engines: Vec<Box<dyn Engine>> = vec![
            Box::new(Native::new(&w, &json)),
            Box::new(Tollgate::new(&w, &json)),
            Box::new(TollgateBind::new(&w, &json)),
            Box::new(TollgateReport::new(&w, &json)),
            Box::new(Cedar::new(&w, &json)),
            Box::new(Cel::new(&w, &json)),
        ];
        for (i, engine) in engines.iter_mut().enumerate() {
            per_decision[i].push(measure(budget, || engine.time_one()));
        }
        let tollgate = measure(budget, || {
            let bundle = tollgate::evidence::parse_str(
                "bench.json",
                std::hint::black_box(&json),
                tollgate::evidence::Format::Json,
            );
            std::hint::black_box(bundle.is_ok());
        });
        let serde = measure(budget, || {
            let typed = workload::parse_typed(std::hint::black_box(&json));
            std::hint::black_box(typed.is_ok());
        });
        loads.push((tollgate, serde, json.len()));
    }

    println!();
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    println!(
        "per decision, evidence loaded: median (best batch){}",
        if quick { "  [--quick]" } else { "" }
    );
    print!("{:<32}", "");
    for s in SCALES {
        print!("{:>24}", format!("S={s}"));
    }
    println!();
    for (name, row) in names.iter().zip(&per_decision) {
        print!("{name:<32}");
        for s in row {
            print!("{:>24}", format!("{} ({})", human(s.median), human(s.best)));
        }
        println!();
    }
    println!();
    println!("ratios of medians              S=10    S=100   S=1000");
    let ratio_row = |label: &str, a: usize, b: usize| {
        print!("{label:<30}");
        for (x, y) in per_decision[a].iter().zip(&per_decision[b]) {
            print!("{:>8.1}", x.median / y.median);
        }
        println!();
    };
    ratio_row("tollgate/native", 1, 0);
    ratio_row("tollgate bind+decide/native", 2, 0);
    ratio_row("tollgate report/native", 3, 0);
    ratio_row("cedar/tollgate", 4, 1);
    ratio_row("cel/tollgate", 5, 1);
    ratio_row("cedar/native", 4, 0);
    ratio_row("cel/native", 5, 0);
    println!();
    println!("evidence load (JSON text → bundle): median, throughput");
    for (s, (t, serde, bytes)) in SCALES.iter().zip(&loads) {
        println!(
            "S={s:<6} {bytes:>8} bytes  tollgate {} ({:.0} MB/s)  serde typed {} ({:.0} MB/s)  ratio {:.2}",
            human(t.median),
            *bytes as f64 / t.median * 1e3,
            human(serde.median),
            *bytes as f64 / serde.median * 1e3,
            t.median / serde.median
        );
    }
    println!();
    println!("parse + check + compile of the policy (Policy::from_source): median");
    for scale in [10, 100, 1000, 10_000] {
        let text = Workload::generate(scale, 1).policy_text();
        let t = measure(budget, || {
            let p =
                tollgate::Policy::from_source("bench.gate", std::hint::black_box(text.as_str()));
            std::hint::black_box(p.is_ok());
        });
        println!(
            "R={scale:<6} {:>8} bytes  {} ({:.0} MB/s)",
            text.len(),
            human(t.median),
            text.len() as f64 / t.median * 1e3
        );
    }
    let last = SCALES.len() - 1;
    let d = |i: usize| per_decision[i][last].median;
    println!(
        "summary: tollgate/native={:.2} cedar/tollgate={:.0} cel/tollgate={:.0} load/serde={:.2}",
        d(1) / d(0),
        d(4) / d(1),
        d(5) / d(1),
        loads[last].0.median / loads[last].1.median
    );
    ExitCode::SUCCESS
}

fn write(dir: &str, scale: usize) -> ExitCode {
    let w = Workload::generate(scale, 1);
    let policy = format!("{dir}/gate-{scale}.gate");
    let evidence = format!("{dir}/evidence-{scale}.json");
    match std::fs::write(&policy, w.policy_text())
        .and_then(|()| std::fs::write(&evidence, w.evidence_json()))
    {
        Ok(()) => {
            println!("{policy}\n{evidence}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("--write: {e}");
            ExitCode::FAILURE
        }
    }
}

fn repeat(name: &str, n: usize, scale: usize) -> ExitCode {
    let w = Workload::generate(scale, 1);
    let json = w.evidence_json();
    let mut engine: Box<dyn Engine> = match name {
        "native" => Box::new(Native::new(&w, &json)),
        "tollgate" => Box::new(Tollgate::new(&w, &json)),
        "bind" => Box::new(TollgateBind::new(&w, &json)),
        "report" => Box::new(TollgateReport::new(&w, &json)),
        "cedar" => Box::new(Cedar::new(&w, &json)),
        "cel" => Box::new(Cel::new(&w, &json)),
        "compile" => {
            let text = w.policy_text();
            for _ in 0..n {
                let p = tollgate::Policy::from_source("bench.gate", text.as_str());
                std::hint::black_box(p.is_ok());
            }
            return ExitCode::SUCCESS;
        }
        "load" => {
            for _ in 0..n {
                let b = tollgate::evidence::parse_str(
                    "bench.json",
                    &json,
                    tollgate::evidence::Format::Json,
                );
                std::hint::black_box(b.is_ok());
            }
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("--repeat: no engine {name} (native, tollgate, report, cedar, cel, load)");
            return ExitCode::FAILURE;
        }
    };
    for _ in 0..n {
        engine.time_one();
    }
    ExitCode::SUCCESS
}

/// Every engine against the exact answer, on many seeds and every scale.
fn agreement() -> Result<String, String> {
    let mut decisions = 0;
    let mut fired_total = 0;
    for (scale, seeds) in [(10, AGREEMENT_SEEDS), (100, AGREEMENT_SEEDS), (1000, 5)] {
        for seed in 0..seeds {
            let w = Workload::generate(scale, seed);
            let json = w.evidence_json();
            let expected = w.expected();
            let engines: Vec<Box<dyn Engine>> = vec![
                Box::new(Native::new(&w, &json)),
                Box::new(Tollgate::new(&w, &json)),
                Box::new(TollgateBind::new(&w, &json)),
                Box::new(TollgateReport::new(&w, &json)),
                Box::new(Cedar::new(&w, &json)),
                Box::new(Cel::new(&w, &json)),
            ];
            for mut engine in engines {
                let got = engine.decide()?;
                if got != expected {
                    return Err(format!(
                        "{} at S={scale}, seed {seed}: got {:?} with {} fired, expected {:?} with {} fired (first difference: {:?})",
                        engine.name(),
                        got.0,
                        got.1.len(),
                        expected.0,
                        expected.1.len(),
                        got.1.iter().zip(&expected.1).find(|(a, b)| a != b)
                    ));
                }
                decisions += 1;
            }
            fired_total += expected.1.len();
        }
    }
    Ok(format!(
        "6 engines × {} bundles agree with the exact answer ({decisions} decisions, {fired_total} fired rules per engine), seeds 0..{AGREEMENT_SEEDS} at S=10 and S=100, 0..5 at S=1000",
        decisions / 6
    ))
}

fn human(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}
