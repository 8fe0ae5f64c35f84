//! The launch-gate workload of `WORKLOAD.md`, generated deterministically: one policy and one
//! evidence bundle per (scale, seed), shared by the criterion benches (`benches/eval.rs`)
//! and the side-by-side comparison (`peers/`), which include this file with `#[path]`.
//!
//! Numbers live on a grid of 1e-5 and are held here as integers in grid units, so the
//! expected decision is computed exactly ([`Workload::expected`]); every threshold sits half
//! a grid step (5e-6) off the grid, so no engine meets a tie.
//!
//! Also here: the typed serde struct that is the input limit (`load/serde`), and the
//! hand-written evaluator that is the evaluation limit (metrics resolved to indices ahead of
//! time, flag fields as small integers).

#![allow(dead_code)]
// each includer uses a different part
// A generator: every draw is below the small bound it was asked for, and indexes a table of
// that length.
#![allow(clippy::cast_possible_truncation, clippy::indexing_slicing)]

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Deserialize;

/// The generator: Knuth's MMIX linear congruential generator,
/// `state = state * 6364136223846793005 + 1442695040888963407 (mod 2^64)`,
/// whose high 32 bits are each draw. The state starts at `seed ^ 0x5DEE_CE66_D1CE_4E5D`.
#[derive(Clone, Debug)]
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x5DEE_CE66_D1CE_4E5D)
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 32) as u32
    }

    /// Uniform in `[0, n)` for `n` below 2^32.
    pub fn below(&mut self, n: u64) -> u64 {
        (u64::from(self.next_u32()) * n) >> 32
    }

    /// Uniform in `[lo, hi]`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

pub const SOURCES: [&str; 3] = ["expert", "alpha", "redteam"];
pub const CATEGORIES: [&str; 5] = ["sycophancy", "tone", "hallucination", "deception", "safety"];
pub const SEVERITIES: [&str; 3] = ["low", "medium", "high"];
pub const ROLES: [&str; 5] = [
    "eng-lead",
    "product-lead",
    "safety-lead",
    "legal",
    "research-lead",
];
pub const AUTHORS: usize = 50;

pub const EXPERT: u8 = 0;
pub const SYCOPHANCY: u8 = 0;
pub const TONE: u8 = 1;
pub const MEDIUM: u8 = 1;
pub const SAFETY_LEAD: u8 = 2;

/// The ids of the three rules over flags and sign-offs, after the metric rules.
pub const EXPERT_RULE: &str = "expert_sycophancy";
pub const TONE_RULE: &str = "tone_review";
pub const SIGNOFF_RULE: &str = "safety_signoff";

/// One metric, in grid units (1e-5).
#[derive(Clone, Copy, Debug)]
pub struct MetricGen {
    pub value: i64,
    pub baseline: i64,
    pub low: i64,
    pub high: i64,
    pub n: u64,
}

#[derive(Clone, Copy, Debug)]
pub struct FlagGen {
    pub source: u8,
    pub category: u8,
    pub severity: u8,
    pub author: u8,
}

/// The quantity a metric rule compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `block when m_i > t_i`
    Value,
    /// `block when delta(m_i) > d_i`
    Delta,
    /// `block when upper(m_i) > t_i`
    Upper,
}

/// Rule `i` is over metric `i`; its threshold is `(grid + 0.5) * 1e-5`.
#[derive(Clone, Copy, Debug)]
pub struct MetricRule {
    pub kind: Kind,
    pub grid: i64,
}

/// The decision levels, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Pass,
    Warn,
    Review,
    Block,
}

#[derive(Clone, Debug)]
pub struct Workload {
    pub scale: usize,
    pub seed: u64,
    pub metrics: Vec<MetricGen>,
    pub flags: Vec<FlagGen>,
    /// Roles (indices into [`ROLES`]) of the three sign-offs.
    pub signoffs: [u8; 3],
    pub rules: Vec<MetricRule>,
}

impl Workload {
    /// R = M = F = `scale`. The same (scale, seed) always gives the same workload.
    pub fn generate(scale: usize, seed: u64) -> Workload {
        let mut rng = Lcg::new(seed);
        let metrics = (0..scale)
            .map(|_| {
                let value = rng.between(0, 100_000);
                MetricGen {
                    value,
                    baseline: value + rng.between(-10_000, 10_000),
                    low: value - rng.between(0, 5_000),
                    high: value + rng.between(0, 5_000),
                    n: rng.below(10_000) + 100,
                }
            })
            .collect();
        let flags = (0..scale)
            .map(|_| FlagGen {
                source: rng.below(SOURCES.len() as u64) as u8,
                category: rng.below(CATEGORIES.len() as u64) as u8,
                severity: rng.below(SEVERITIES.len() as u64) as u8,
                author: rng.below(AUTHORS as u64) as u8,
            })
            .collect();
        let signoffs = [0; 3].map(|_: u8| rng.below(ROLES.len() as u64) as u8);
        // Thresholds drawn so that each metric rule fires about one time in four.
        let rules = (0..scale)
            .map(|i| match i % 3 {
                0 => MetricRule {
                    kind: Kind::Value,
                    grid: rng.between(50_000, 99_999),
                },
                1 => MetricRule {
                    kind: Kind::Delta,
                    grid: rng.between(0, 9_999),
                },
                _ => MetricRule {
                    kind: Kind::Upper,
                    grid: rng.between(50_000, 104_999),
                },
            })
            .collect();
        Workload {
            scale,
            seed,
            metrics,
            flags,
            signoffs,
            rules,
        }
    }

    pub fn rule_ids(&self) -> Vec<String> {
        (0..self.scale)
            .map(|i| format!("r{i}"))
            .chain([EXPERT_RULE, TONE_RULE, SIGNOFF_RULE].map(String::from))
            .collect()
    }

    /// The policy in Tollgate's language.
    pub fn policy_text(&self) -> String {
        let mut out = String::with_capacity(self.scale * 100 + 1000);
        out.push_str("policy \"bench\" {\n  version \"1\"\n}\n\n");
        for i in 0..self.scale {
            let _ = writeln!(out, "metric m{i} from \"m{i}\"");
        }
        out.push('\n');
        for (i, rule) in self.rules.iter().enumerate() {
            let t = threshold_text(rule.grid);
            let _ = match rule.kind {
                Kind::Value => writeln!(out, "rule r{i} {{\n  block when m{i} > {t}\n}}\n"),
                Kind::Delta => writeln!(out, "rule r{i} {{\n  block when delta(m{i}) > {t}\n}}\n"),
                Kind::Upper => writeln!(out, "rule r{i} {{\n  block when upper(m{i}) > {t}\n}}\n"),
            };
        }
        let _ = writeln!(
            out,
            "rule {EXPERT_RULE} {{\n  block when any(flags where source == \"expert\" and \
             category == \"sycophancy\" and severity >= medium)\n}}\n\n\
             rule {TONE_RULE} {{\n  review when count(flags where category == \"tone\") >= 2\n}}\n\n\
             rule {SIGNOFF_RULE} {{\n  block unless signed(\"safety-lead\")\n}}"
        );
        out
    }

    /// The evidence bundle as compact JSON, as a pipeline would write it.
    pub fn evidence_json(&self) -> String {
        let mut out = String::with_capacity(self.scale * 170 + 1000);
        out.push_str("{\"metrics\":{");
        for (i, m) in self.metrics.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "\"m{i}\":{{\"value\":{},\"baseline\":{},\"ci\":[{},{}],\"n\":{}}}",
                grid_text(m.value),
                grid_text(m.baseline),
                grid_text(m.low),
                grid_text(m.high),
                m.n
            );
        }
        out.push_str("},\"flags\":[");
        for (i, f) in self.flags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"source\":\"{}\",\"category\":\"{}\",\"severity\":\"{}\",\"author\":\"tester-{}\"}}",
                SOURCES[f.source as usize],
                CATEGORIES[f.category as usize],
                SEVERITIES[f.severity as usize],
                f.author
            );
        }
        out.push_str("],\"signoffs\":[");
        for (i, role) in self.signoffs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"role\":\"{}\",\"by\":\"reviewer-{i}\"}}",
                ROLES[*role as usize]
            );
        }
        out.push_str("]}\n");
        out
    }

    /// The decision and the fired rules, computed exactly on the grid.
    pub fn expected(&self) -> (Level, Vec<String>) {
        let mut fired = Vec::new();
        let mut decision = Level::Pass;
        for (i, (rule, m)) in self.rules.iter().zip(&self.metrics).enumerate() {
            let quantity = match rule.kind {
                Kind::Value => m.value,
                Kind::Delta => m.value - m.baseline,
                Kind::Upper => m.high,
            };
            if quantity > rule.grid {
                fired.push(format!("r{i}"));
                decision = Level::Block;
            }
        }
        if self
            .flags
            .iter()
            .any(|f| f.source == EXPERT && f.category == SYCOPHANCY && f.severity >= MEDIUM)
        {
            fired.push(EXPERT_RULE.to_string());
            decision = Level::Block;
        }
        if self.flags.iter().filter(|f| f.category == TONE).count() >= 2 {
            fired.push(TONE_RULE.to_string());
            decision = decision.max(Level::Review);
        }
        if !self.signoffs.contains(&SAFETY_LEAD) {
            fired.push(SIGNOFF_RULE.to_string());
            decision = Level::Block;
        }
        (decision, fired)
    }
}

/// `units * 1e-5` written exactly: `0.12345`, `-0.004`.
pub fn grid_text(units: i64) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let a = units.unsigned_abs();
    format!("{sign}{}.{:05}", a / 100_000, a % 100_000)
}

/// `(grid + 0.5) * 1e-5` written exactly, six decimals.
pub fn threshold_text(grid: i64) -> String {
    let micro = grid * 10 + 5;
    let sign = if micro < 0 { "-" } else { "" };
    let a = micro.unsigned_abs();
    format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
}

/// `(grid + 0.5) * 1e-5` as a number.
pub fn threshold(grid: i64) -> f64 {
    (grid as f64 * 10.0 + 5.0) / 1e6
}

// ---------------------------------------------------------------------------------------
// The input limit: serde_json straight into a typed struct.

#[derive(Debug, Deserialize)]
pub struct TypedBundle {
    pub metrics: IndexMap<String, TypedMetric>,
    pub flags: Vec<TypedFlag>,
    pub signoffs: Vec<TypedSignoff>,
}

#[derive(Debug, Deserialize)]
pub struct TypedMetric {
    pub value: f64,
    pub baseline: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub n: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct TypedFlag {
    pub source: String,
    pub category: String,
    pub severity: TypedSeverity,
    pub author: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypedSeverity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Deserialize)]
pub struct TypedSignoff {
    pub role: String,
    pub by: String,
}

pub fn parse_typed(text: &str) -> Result<TypedBundle, serde_json::Error> {
    serde_json::from_str(text)
}

// ---------------------------------------------------------------------------------------
// The evaluation limit: a hand-written evaluator with every name resolved ahead of time.

/// The policy, hand-compiled: rule `i` reads metric slot `i`.
pub struct NativeGate {
    pub keys: Vec<String>,
    pub rules: Vec<(Kind, f64)>,
    pub ids: Vec<String>,
}

/// A bundle resolved against a [`NativeGate`]: metric slots in rule order, flag fields as
/// small integers.
pub struct NativeEvidence {
    pub metrics: Vec<Option<NativeMetric>>,
    pub flags: Vec<NativeFlag>,
    pub safety_signed: bool,
}

#[derive(Clone, Copy)]
pub struct NativeMetric {
    pub value: f64,
    pub baseline: Option<f64>,
    pub upper: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct NativeFlag {
    pub source: u8,
    pub category: u8,
    pub severity: TypedSeverity,
}

fn code(options: &[&str], text: &str) -> u8 {
    options
        .iter()
        .position(|o| *o == text)
        .map_or(u8::MAX, |i| i as u8)
}

impl NativeGate {
    pub fn new(w: &Workload) -> NativeGate {
        NativeGate {
            keys: (0..w.scale).map(|i| format!("m{i}")).collect(),
            rules: w
                .rules
                .iter()
                .map(|r| (r.kind, threshold(r.grid)))
                .collect(),
            ids: w.rule_ids(),
        }
    }

    pub fn resolve(&self, b: &TypedBundle) -> NativeEvidence {
        NativeEvidence {
            metrics: self
                .keys
                .iter()
                .map(|k| {
                    b.metrics.get(k).map(|m| NativeMetric {
                        value: m.value,
                        baseline: m.baseline,
                        upper: m.ci.map(|(_, high)| high),
                    })
                })
                .collect(),
            flags: b
                .flags
                .iter()
                .map(|f| NativeFlag {
                    source: code(&SOURCES, &f.source),
                    category: code(&CATEGORIES, &f.category),
                    severity: f.severity,
                })
                .collect(),
            safety_signed: b.signoffs.iter().any(|s| s.role == "safety-lead"),
        }
    }

    /// The decision; the indices of the fired rules go to `fired` (cleared first).
    /// A missing metric or field fails closed, as a fired block.
    pub fn decide(&self, e: &NativeEvidence, fired: &mut Vec<u32>) -> Level {
        fired.clear();
        let mut decision = Level::Pass;
        for (i, ((kind, t), m)) in self.rules.iter().zip(&e.metrics).enumerate() {
            let hit = match (kind, m) {
                (Kind::Value, Some(m)) => m.value > *t,
                (Kind::Delta, Some(m)) => m.baseline.is_none_or(|b| m.value - b > *t),
                (Kind::Upper, Some(m)) => m.upper.is_none_or(|u| u > *t),
                (_, None) => true,
            };
            if hit {
                fired.push(i as u32);
                decision = Level::Block;
            }
        }
        let n = self.rules.len() as u32;
        if e.flags.iter().any(|f| {
            f.source == EXPERT && f.category == SYCOPHANCY && f.severity >= TypedSeverity::Medium
        }) {
            fired.push(n);
            decision = Level::Block;
        }
        if e.flags.iter().filter(|f| f.category == TONE).count() >= 2 {
            fired.push(n + 1);
            decision = decision.max(Level::Review);
        }
        if !e.safety_signed {
            fired.push(n + 2);
            decision = Level::Block;
        }
        decision
    }
}
