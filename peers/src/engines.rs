//! The five contestants, each holding the policy compiled and the evidence already in its
//! own form, so that one call is one decision.

use std::collections::HashMap;
use std::hint::black_box;
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Entities, EntityUid, Policy as CedarPolicy, PolicyId, PolicySet, Request,
};
use serde::Serialize;
use tollgate::eval::{BoundEvidence, Decider};
use tollgate::{evidence, Bundle, Now, Outcome, Policy, Status};

use crate::workload::{
    self, Kind, Level, NativeEvidence, NativeGate, Workload, EXPERT_RULE, SIGNOFF_RULE, TONE_RULE,
};

pub trait Engine {
    fn name(&self) -> &'static str;
    /// The decision and the ids of the fired rules, in policy order.
    fn decide(&mut self) -> Result<(Level, Vec<String>), String>;
    /// One decision, for timing.
    fn time_one(&mut self);
}

/// Outcome of each rule, by index: the metric rules, then the three flag and sign-off rules.
fn levels(w: &Workload) -> Vec<Level> {
    let mut out = vec![Level::Block; w.scale];
    out.extend([Level::Block, Level::Review, Level::Block]);
    out
}

fn decision(levels: &[Level], fired: &[usize]) -> Level {
    fired
        .iter()
        .filter_map(|&i| levels.get(i).copied())
        .max()
        .unwrap_or(Level::Pass)
}

fn typed(json: &str) -> workload::TypedBundle {
    match workload::parse_typed(json) {
        Ok(t) => t,
        Err(e) => panic!("the workload evidence does not parse: {e}"),
    }
}

// ---------------------------------------------------------------------------------------

pub struct Native {
    gate: NativeGate,
    evidence: NativeEvidence,
    fired: Vec<u32>,
}

impl Native {
    pub fn new(w: &Workload, json: &str) -> Native {
        let gate = NativeGate::new(w);
        let evidence = gate.resolve(&typed(json));
        Native {
            gate,
            evidence,
            fired: Vec::new(),
        }
    }
}

impl Engine for Native {
    fn name(&self) -> &'static str {
        "native"
    }

    fn decide(&mut self) -> Result<(Level, Vec<String>), String> {
        let level = self.gate.decide(&self.evidence, &mut self.fired);
        let ids = self
            .fired
            .iter()
            .map(|&i| self.gate.ids[i as usize].clone())
            .collect();
        Ok((level, ids))
    }

    fn time_one(&mut self) {
        black_box(self.gate.decide(black_box(&self.evidence), &mut self.fired));
    }
}

// ---------------------------------------------------------------------------------------

fn now() -> Now {
    Now::resolve(evidence::parse_instant("2025-05-01T00:00:00Z"), None)
}

fn level(o: Outcome) -> Level {
    match o {
        Outcome::Pass => Level::Pass,
        Outcome::Warn => Level::Warn,
        Outcome::Review => Level::Review,
        Outcome::Block => Level::Block,
    }
}

fn tollgate_parts(w: &Workload, json: &str) -> (&'static Policy, Bundle) {
    let policy = match Policy::from_source("bench.gate", w.policy_text()) {
        Ok(p) => p,
        Err(e) => panic!("the workload policy does not compile: {e:?}"),
    };
    let bundle = match evidence::parse_str("bench.json", json, evidence::Format::Json) {
        Ok(b) => b,
        Err(e) => panic!("the workload evidence does not load: {e:?}"),
    };
    // A decider borrows its policy; the harness keeps every policy for the whole run.
    (Box::leak(Box::new(policy)), bundle)
}

/// Tollgate's decision API on evidence bound ahead of time (`Decider::bind`: metric keys
/// resolved to indices), as the hand-written evaluator has its metrics resolved.
pub struct Tollgate {
    decider: Decider<'static>,
    evidence: BoundEvidence<'static>,
}

impl Tollgate {
    pub fn new(w: &Workload, json: &str) -> Tollgate {
        let (policy, bundle) = tollgate_parts(w, json);
        let bundle: &'static Bundle = Box::leak(Box::new(bundle));
        let decider = policy.decider();
        let evidence = decider.bind(bundle, now());
        Tollgate { decider, evidence }
    }
}

impl Engine for Tollgate {
    fn name(&self) -> &'static str {
        "tollgate"
    }

    fn decide(&mut self) -> Result<(Level, Vec<String>), String> {
        let program = self.decider.program();
        let d = self.decider.decide_bound(&self.evidence);
        let ids = d.fired().map(|i| program.rules[i].id.clone()).collect();
        Ok((level(d.decision), ids))
    }

    fn time_one(&mut self) {
        black_box(
            self.decider
                .decide_bound(black_box(&self.evidence))
                .decision,
        );
    }
}

/// Tollgate's decision API from the loaded bundle: bind, then decide.
pub struct TollgateBind {
    decider: Decider<'static>,
    bundle: Bundle,
    now: Now,
}

impl TollgateBind {
    pub fn new(w: &Workload, json: &str) -> TollgateBind {
        let (policy, bundle) = tollgate_parts(w, json);
        TollgateBind {
            decider: policy.decider(),
            bundle,
            now: now(),
        }
    }
}

impl Engine for TollgateBind {
    fn name(&self) -> &'static str {
        "tollgate bind+decide"
    }

    fn decide(&mut self) -> Result<(Level, Vec<String>), String> {
        let program = self.decider.program();
        let d = self.decider.decide(&self.bundle, self.now);
        let ids = d.fired().map(|i| program.rules[i].id.clone()).collect();
        Ok((level(d.decision), ids))
    }

    fn time_one(&mut self) {
        black_box(
            self.decider
                .decide(black_box(&self.bundle), self.now)
                .decision,
        );
    }
}

/// Tollgate's full report (`Policy::evaluate`): what `tollgate eval` renders.
pub struct TollgateReport {
    policy: &'static Policy,
    bundle: Bundle,
    now: Now,
}

impl TollgateReport {
    pub fn new(w: &Workload, json: &str) -> TollgateReport {
        let (policy, bundle) = tollgate_parts(w, json);
        TollgateReport {
            policy,
            bundle,
            now: now(),
        }
    }
}

impl Engine for TollgateReport {
    fn name(&self) -> &'static str {
        "tollgate report"
    }

    fn decide(&mut self) -> Result<(Level, Vec<String>), String> {
        let e = self.policy.evaluate(&self.bundle, self.now);
        let ids = e
            .rules
            .iter()
            .filter(|r| r.status == Status::Fired)
            .map(|r| r.id.clone())
            .collect();
        Ok((level(e.decision), ids))
    }

    fn time_one(&mut self) {
        black_box(self.policy.evaluate(black_box(&self.bundle), self.now));
    }
}

// ---------------------------------------------------------------------------------------

/// Cedar has neither decimals with five places nor counting: numbers are fixed-point
/// integers in grid units (1e-5), flags are a set of (source, category, severity rank)
/// records, and the tone flags are counted by the host.
pub struct Cedar {
    authorizer: Authorizer,
    policies: PolicySet,
    request: Request,
    entities: Entities,
    index: HashMap<String, usize>,
    ids: Vec<String>,
    levels: Vec<Level>,
}

fn fixed(x: f64) -> i64 {
    (x * 1e5).round() as i64
}

fn severity_rank(s: workload::TypedSeverity) -> i64 {
    s as i64
}

impl Cedar {
    pub fn new(w: &Workload, json: &str) -> Cedar {
        let ids = w.rule_ids();
        let mut policies = PolicySet::new();
        let mut add = |id: &str, text: String| {
            let policy = match CedarPolicy::parse(Some(PolicyId::new(id)), &text) {
                Ok(p) => p,
                Err(e) => panic!("cedar policy {id}: {e}"),
            };
            if let Err(e) = policies.add(policy) {
                panic!("cedar policy {id}: {e}");
            }
        };
        for (i, rule) in w.rules.iter().enumerate() {
            let m = format!("context.m.m{i}");
            let cond = match rule.kind {
                Kind::Value => format!("{m}.value > {}", rule.grid),
                Kind::Delta => format!("{m}.value - {m}.baseline > {}", rule.grid),
                Kind::Upper => format!("{m}.high > {}", rule.grid),
            };
            add(
                &ids[i],
                format!("permit(principal, action, resource) when {{ {cond} }};"),
            );
        }
        let medium = severity_rank(workload::TypedSeverity::Medium);
        let worse: Vec<String> = (medium..=severity_rank(workload::TypedSeverity::Critical))
            .map(|s| format!("{{source: \"expert\", category: \"sycophancy\", severity: {s}}}"))
            .collect();
        add(
            EXPERT_RULE,
            format!(
                "permit(principal, action, resource) when {{ context.flags.containsAny([{}]) }};",
                worse.join(", ")
            ),
        );
        add(
            TONE_RULE,
            "permit(principal, action, resource) when { context.tone_flags >= 2 };".into(),
        );
        add(
            SIGNOFF_RULE,
            "permit(principal, action, resource) unless { context.signoffs.contains(\"safety-lead\") };"
                .into(),
        );

        // The evidence in Cedar's form: built from serde's typed parse of the same file.
        let t = typed(json);
        let metrics: serde_json::Map<String, serde_json::Value> = t
            .metrics
            .iter()
            .map(|(k, m)| {
                let mut rec = serde_json::Map::new();
                rec.insert("value".into(), fixed(m.value).into());
                if let Some(b) = m.baseline {
                    rec.insert("baseline".into(), fixed(b).into());
                }
                if let Some((_, high)) = m.ci {
                    rec.insert("high".into(), fixed(high).into());
                }
                (k.clone(), serde_json::Value::Object(rec))
            })
            .collect();
        let flags: Vec<serde_json::Value> = t
            .flags
            .iter()
            .map(|f| {
                serde_json::json!({
                    "source": f.source,
                    "category": f.category,
                    "severity": severity_rank(f.severity),
                })
            })
            .collect();
        let tone = t.flags.iter().filter(|f| f.category == "tone").count();
        let roles: Vec<&str> = t.signoffs.iter().map(|s| s.role.as_str()).collect();
        let context = serde_json::json!({
            "m": metrics,
            "flags": flags,
            "tone_flags": tone,
            "signoffs": roles,
        });
        let context = match Context::from_json_value(context, None) {
            Ok(c) => c,
            Err(e) => panic!("cedar context: {e}"),
        };
        let uid = |s: &str| match EntityUid::from_str(s) {
            Ok(u) => u,
            Err(e) => panic!("cedar uid: {e}"),
        };
        let request = match Request::new(
            uid(r#"User::"ci""#),
            uid(r#"Action::"launch""#),
            uid(r#"Gate::"bench""#),
            context,
            None,
        ) {
            Ok(r) => r,
            Err(e) => panic!("cedar request: {e}"),
        };
        Cedar {
            authorizer: Authorizer::new(),
            policies,
            request,
            entities: Entities::empty(),
            index: ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect(),
            ids,
            levels: levels(w),
        }
    }
}

impl Engine for Cedar {
    fn name(&self) -> &'static str {
        "cedar"
    }

    fn decide(&mut self) -> Result<(Level, Vec<String>), String> {
        let response = self
            .authorizer
            .is_authorized(&self.request, &self.policies, &self.entities);
        if let Some(e) = response.diagnostics().errors().next() {
            return Err(format!("cedar: {e}"));
        }
        let mut fired: Vec<usize> = response
            .diagnostics()
            .reason()
            .filter_map(|id| self.index.get(AsRef::<str>::as_ref(id)).copied())
            .collect();
        fired.sort_unstable();
        let ids = fired.iter().map(|&i| self.ids[i].clone()).collect();
        Ok((decision(&self.levels, &fired), ids))
    }

    fn time_one(&mut self) {
        black_box(self.authorizer.is_authorized(
            black_box(&self.request),
            &self.policies,
            &self.entities,
        ));
    }
}

// ---------------------------------------------------------------------------------------

#[derive(Serialize)]
struct CelMetric {
    value: f64,
    baseline: Option<f64>,
    ci: Option<(f64, f64)>,
    n: Option<u64>,
}

#[derive(Serialize)]
struct CelFlag<'a> {
    source: &'a str,
    category: &'a str,
    severity: &'static str,
    author: Option<&'a str>,
}

/// CEL: one program per rule, over variables `m` (metrics by key), `flags` and `signoffs`
/// (the roles), built from serde's typed parse of the same file.
pub struct Cel {
    programs: Vec<cel::Program>,
    context: cel::Context<'static, 'static>,
    ids: Vec<String>,
    levels: Vec<Level>,
    fired: Vec<usize>,
}

impl Cel {
    pub fn new(w: &Workload, json: &str) -> Cel {
        let mut sources: Vec<String> = w
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                let t = workload::threshold_text(rule.grid);
                match rule.kind {
                    Kind::Value => format!("m.m{i}.value > {t}"),
                    Kind::Delta => format!("m.m{i}.value - m.m{i}.baseline > {t}"),
                    Kind::Upper => format!("m.m{i}.ci[1] > {t}"),
                }
            })
            .collect();
        sources.push(
            "flags.exists(f, f.source == \"expert\" && f.category == \"sycophancy\" \
             && f.severity in [\"medium\", \"high\", \"critical\"])"
                .into(),
        );
        sources.push("size(flags.filter(f, f.category == \"tone\")) >= 2".into());
        sources.push("!(\"safety-lead\" in signoffs)".into());
        let programs = sources
            .iter()
            .map(|s| match cel::Program::compile(s) {
                Ok(p) => p,
                Err(e) => panic!("cel program {s}: {e}"),
            })
            .collect();

        let t = typed(json);
        let metrics: HashMap<&str, CelMetric> = t
            .metrics
            .iter()
            .map(|(k, m)| {
                (
                    k.as_str(),
                    CelMetric {
                        value: m.value,
                        baseline: m.baseline,
                        ci: m.ci,
                        n: m.n,
                    },
                )
            })
            .collect();
        let severity = |s: workload::TypedSeverity| match s {
            workload::TypedSeverity::Info => "info",
            workload::TypedSeverity::Low => "low",
            workload::TypedSeverity::Medium => "medium",
            workload::TypedSeverity::High => "high",
            workload::TypedSeverity::Critical => "critical",
        };
        let flags: Vec<CelFlag<'_>> = t
            .flags
            .iter()
            .map(|f| CelFlag {
                source: &f.source,
                category: &f.category,
                severity: severity(f.severity),
                author: f.author.as_deref(),
            })
            .collect();
        let roles: Vec<&str> = t.signoffs.iter().map(|s| s.role.as_str()).collect();
        let mut context = cel::Context::default();
        for result in [
            context.add_variable("m", &metrics),
            context.add_variable("flags", &flags),
            context.add_variable("signoffs", &roles),
        ] {
            if let Err(e) = result {
                panic!("cel variable: {e}");
            }
        }
        Cel {
            programs,
            context,
            ids: w.rule_ids(),
            levels: levels(w),
            fired: Vec::new(),
        }
    }

    fn run(&mut self) -> Result<(), String> {
        self.fired.clear();
        for (i, p) in self.programs.iter().enumerate() {
            match p.execute(&self.context) {
                Ok(cel::Value::Bool(true)) => self.fired.push(i),
                Ok(cel::Value::Bool(false)) => {}
                Ok(other) => return Err(format!("cel rule {}: {other:?}", self.ids[i])),
                Err(e) => return Err(format!("cel rule {}: {e}", self.ids[i])),
            }
        }
        Ok(())
    }
}

impl Engine for Cel {
    fn name(&self) -> &'static str {
        "cel"
    }

    fn decide(&mut self) -> Result<(Level, Vec<String>), String> {
        self.run()?;
        let ids = self.fired.iter().map(|&i| self.ids[i].clone()).collect();
        Ok((decision(&self.levels, &self.fired), ids))
    }

    fn time_one(&mut self) {
        black_box(self.run().is_ok());
    }
}
