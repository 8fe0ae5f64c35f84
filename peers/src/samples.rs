//! The per-item workload (STATISTICS.md section 8): an lm-evaluation-harness `--log_samples`
//! file of N rows shaped like the real ones (`copa`: the document, both prompts, the
//! responses, three sha256 hashes and the score; about 1 KB a row), generated into a temporary
//! folder, then read three ways, each in a process of its own so that its peak memory is its
//! own:
//!
//! - Tollgate's import, end to end (`evidence::load_inputs` on the file: streamed, the
//!   bundle with the metric defined by its items);
//! - `serde_json::Value` parsed line by line, keeping each row's `doc_id` and `acc` (what a
//!   quick tool would do);
//! - Python's `json` module, the same way (what a user would otherwise write).
//!
//! Then the paired statistics over N items (`Samples::new` with both sides: means, clustered
//! standard errors and the paired comparison), and what they add to a decision that reads
//! `significantly_worse`.
//!
//! `cargo run --release -p peers -- --samples [N]` (N = 1,000,000 by default).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use indexmap::IndexMap;

const FILE: &str = "samples_copa_2026-01-01T00-00-00.000001.jsonl";

/// The parent: generate, run each reader in a child, time the paired statistics.
pub fn run(n: usize) -> ExitCode {
    let dir = std::env::temp_dir().join(format!("tollgate-peers-samples-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("cannot create {}", dir.display());
        return ExitCode::FAILURE;
    }
    let path = dir.join(FILE);
    let started = Instant::now();
    let bytes = match generate(&path, n) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot write {}: {e}", path.display());
            let _ = std::fs::remove_dir_all(&dir);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "samples workload: {n} rows, {:.0} MB, written in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("peers"));
    let mut results = Vec::new();
    for reader in ["tollgate", "value"] {
        match child(
            Command::new(&exe)
                .args(["--samples-child", reader])
                .arg(&path),
        ) {
            Some(r) => results.push((reader, r)),
            None => eprintln!("the {reader} reader failed"),
        }
    }
    match child(Command::new("python3").args(["-c", PYTHON]).arg(&path)) {
        Some(r) => results.push(("python", r)),
        None => eprintln!("python3 did not run (is it installed?)"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{:<34}{:>10}{:>12}{:>14}{:>10}",
        "reader", "items", "seconds", "MB/s", "peak MB"
    );
    for (name, r) in &results {
        println!(
            "{:<34}{:>10}{:>12.2}{:>14.0}{:>10.0}",
            match *name {
                "tollgate" => "tollgate import (end to end)",
                "value" => "serde_json::Value, line by line",
                _ => "python3 json, line by line",
            },
            r.items,
            r.seconds,
            bytes as f64 / 1e6 / r.seconds,
            r.peak_kb as f64 / 1024.0
        );
    }
    let (build, decide_with, decide_without) = paired(n);
    println!(
        "paired statistics over {n} items: {:.1} ms (Samples::new, both sides); a decision \
         reading significantly_worse: {:.3} ms with the items, {:.3} ms without",
        build * 1e3,
        decide_with * 1e3,
        decide_without * 1e3
    );
    let seconds = |name: &str| {
        results
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(f64::NAN, |(_, r)| r.seconds)
    };
    let peak = results
        .iter()
        .find(|(n, _)| *n == "tollgate")
        .map_or(f64::NAN, |(_, r)| r.peak_kb as f64 / 1024.0);
    println!(
        "summary: value/tollgate={:.2} python/tollgate={:.2} tollgate_peak_mb={peak:.0} paired_ms={:.1}",
        seconds("value") / seconds("tollgate"),
        seconds("python") / seconds("tollgate"),
        build * 1e3
    );
    ExitCode::SUCCESS
}

/// A child: read the file one way, print `items seconds peak_kb`.
pub fn child_main(reader: &str, path: &Path) -> ExitCode {
    let started = Instant::now();
    let items = match reader {
        "tollgate" => tollgate_import(path),
        "value" => value_lines(path),
        _ => None,
    };
    let Some(items) = items else {
        return ExitCode::FAILURE;
    };
    println!(
        "{items} {} {}",
        started.elapsed().as_secs_f64(),
        peak_kb().unwrap_or(0)
    );
    ExitCode::SUCCESS
}

struct Reading {
    items: usize,
    seconds: f64,
    peak_kb: u64,
}

fn child(command: &mut Command) -> Option<Reading> {
    let out = command.output().ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    Some(Reading {
        items: parts.next()?.parse().ok()?,
        seconds: parts.next()?.parse().ok()?,
        peak_kb: parts.next()?.parse().ok()?,
    })
}

fn tollgate_import(path: &Path) -> Option<usize> {
    let input = tollgate::evidence::Input::file(path);
    let bundle =
        tollgate::evidence::load_inputs(&[input], &tollgate::evidence::Options::default()).ok()?;
    let samples = bundle.samples.get("copa.acc")?;
    Some(samples.candidate()?.len())
}

fn value_lines(path: &Path) -> Option<usize> {
    let reader = BufReader::with_capacity(1 << 16, File::open(path).ok()?);
    let mut scores: IndexMap<String, f64> = IndexMap::new();
    for line in reader.lines() {
        let line = line.ok()?;
        let row: serde_json::Value = serde_json::from_str(&line).ok()?;
        let id = row.get("doc_id")?.to_string();
        let acc = row.get("acc")?.as_f64()?;
        scores.insert(id, acc);
    }
    Some(scores.len())
}

const PYTHON: &str = r#"
import json, resource, sys, time
t = time.perf_counter()
scores = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        row = json.loads(line)
        scores[str(row["doc_id"])] = row["acc"]
print(len(scores), time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"#;

/// The process's peak resident memory (Linux: `VmHWM` of /proc/self/status), in KB.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn words(&mut self, count: usize, out: &mut String) {
        const WORDS: &[&str] = &[
            "the", "man", "turned", "on", "faucet", "toilet", "filled", "with", "water", "flowed",
            "from", "spout", "girl", "found", "a", "bug", "in", "her", "cereal", "poured", "milk",
            "bowl", "lost", "appetite", "woman", "bought", "new", "car",
        ];
        for i in 0..count {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[(self.next() % WORDS.len() as u64) as usize]);
        }
    }

    fn hex(&mut self, out: &mut String) {
        for _ in 0..4 {
            let _ = write!(out, "{:016x}", self.next());
        }
    }
}

/// Write N rows shaped like lm-eval's copa rows; the file's size in bytes.
fn generate(path: &Path, n: usize) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut row = String::with_capacity(2048);
    let mut total = 0u64;
    let (mut premise, mut c1, mut c2) = (String::new(), String::new(), String::new());
    for id in 0..n {
        premise.clear();
        c1.clear();
        c2.clear();
        rng.words(12, &mut premise);
        rng.words(8, &mut c1);
        rng.words(8, &mut c2);
        let label = rng.next() % 2;
        let acc = if rng.next() % 10 < 6 { "1.0" } else { "0.0" };
        let (l1, l2) = (rng.next() % 100_000, rng.next() % 100_000);
        row.clear();
        let _ = write!(
            row,
            "{{\"doc_id\": {id}, \"doc\": {{\"premise\": \"{premise}.\", \"choice1\": \"{c1}.\", \
             \"choice2\": \"{c2}.\", \"question\": \"effect\", \"idx\": {id}, \"label\": {label}}}, \
             \"target\": \" {c2}.\", \"arguments\": {{\"gen_args_0\": {{\"arg_0\": \"{premise} \
             therefore\", \"arg_1\": \" {c1}.\"}}, \"gen_args_1\": {{\"arg_0\": \"{premise} \
             therefore\", \"arg_1\": \" {c2}.\"}}}}, \"resps\": [[[\"-{l1}.8263397216796\", \
             \"False\"]], [[\"-{l2}.5207672119140\", \"False\"]]], \"filtered_resps\": \
             [[\"-{l1}.8263397216796\", \"False\"], [\"-{l2}.5207672119140\", \"False\"]], \
             \"filter\": \"none\", \"metrics\": [\"acc\"], \"doc_hash\": \""
        );
        rng.hex(&mut row);
        row.push_str("\", \"prompt_hash\": \"");
        rng.hex(&mut row);
        row.push_str("\", \"target_hash\": \"");
        rng.hex(&mut row);
        let _ = writeln!(row, "\", \"acc\": {acc}}}");
        out.write_all(row.as_bytes())?;
        total += row.len() as u64;
    }
    out.flush()?;
    Ok(total)
}

/// Seconds to build the samples of N items on both sides (the paired statistics), and to
/// decide a policy reading `significantly_worse` with and without them.
fn paired(n: usize) -> (f64, f64, f64) {
    use tollgate::evidence::{Bundle, Metric, Samples};
    let mut rng = Rng(42);
    let mut candidate = IndexMap::with_capacity(n);
    let mut baseline = IndexMap::with_capacity(n);
    for i in 0..n {
        let b = (rng.next() % 10 < 7) as u8;
        let flip = rng.next() % 100 < 3;
        let c = if flip { 1 - b } else { b };
        candidate.insert(i.to_string(), f64::from(c));
        baseline.insert(i.to_string(), f64::from(b));
    }
    let mut best = f64::INFINITY;
    let mut set = None;
    for _ in 0..3 {
        let (c, b) = (candidate.clone(), baseline.clone());
        let started = Instant::now();
        let built = Samples::new(Some(c), Some(b), IndexMap::new());
        best = best.min(started.elapsed().as_secs_f64());
        set = Some(built);
    }
    let policy = tollgate::Policy::from_source(
        "paired.gate",
        "policy \"p\" {}\nmetric acc from \"acc\" higher is better\n\
         rule r { block when significantly_worse(acc) }\n"
            .to_string(),
    )
    .ok();
    let decide = |bundle: &Bundle| {
        let Some(policy) = &policy else {
            return f64::NAN;
        };
        let now = tollgate::Now::resolve(None, None);
        let runs = 1000;
        let started = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(policy.evaluate(std::hint::black_box(bundle), now));
        }
        started.elapsed().as_secs_f64() / f64::from(runs)
    };
    let mut with = Bundle::default();
    let mut metric = Metric::new(0.7, 0);
    metric.set_baseline(Some(0.7));
    metric.set_stderr(Some(0.001));
    metric.set_baseline_stderr(Some(0.001));
    with.metrics.insert("acc".to_string(), metric.clone());
    let mut without = with.clone();
    if let Some(set) = set {
        with.samples.insert("acc".to_string(), set);
    }
    without.metrics.insert("acc".to_string(), metric);
    (best, decide(&with), decide(&without))
}
