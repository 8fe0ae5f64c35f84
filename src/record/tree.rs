//! Comparing a record with the record evaluating again writes, field by field. Both trees
//! come from the same serializer, so every field the record holds is compared without a list
//! of fields to keep up to date; only rules are matched by id rather than by position, so
//! that a rule gone or added is one difference and not a shift of every rule after it.

use serde_json::{Map, Value as Json};

use super::read::{compact, join};
use super::verify::Difference;

/// The tool's version may differ: a record is verified by whichever tollgate is at hand, and
/// the report says so.
const TOOL_VERSION: &str = "tool.version";

/// Every difference between the recorded tree and the one written now, in record order.
pub(super) fn differences(recorded: &Json, now: &Json) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("", recorded, now, None, &mut out);
    out
}

fn field(
    path: String,
    rule: Option<&str>,
    recorded: Option<&Json>,
    now: Option<&Json>,
) -> Difference {
    Difference::Field {
        path,
        rule: rule.map(str::to_string),
        recorded: recorded.cloned(),
        now: now.cloned(),
    }
}

fn walk(path: &str, recorded: &Json, now: &Json, rule: Option<&str>, out: &mut Vec<Difference>) {
    if path == TOOL_VERSION {
        return;
    }
    match (recorded, now) {
        (Json::Object(r), Json::Object(n)) => objects(path, r, n, rule, out),
        (Json::Array(r), Json::Array(n)) if path == "rules" => rules(r, n, out),
        (Json::Array(r), Json::Array(n)) => {
            for i in 0..r.len().max(n.len()) {
                let at = format!("{path}[{i}]");
                match (r.get(i), n.get(i)) {
                    (Some(r), Some(n)) => walk(&at, r, n, rule, out),
                    (r, n) => out.push(field(at, rule, r, n)),
                }
            }
        }
        (r, n) if r != n => out.push(field(path.to_string(), rule, Some(r), Some(n))),
        _ => {}
    }
}

fn objects(
    path: &str,
    recorded: &Map<String, Json>,
    now: &Map<String, Json>,
    rule: Option<&str>,
    out: &mut Vec<Difference>,
) {
    for (key, r) in recorded {
        let at = join(path, key);
        match now.get(key) {
            Some(n) => walk(&at, r, n, rule, out),
            None => out.push(field(at, rule, Some(r), None)),
        }
    }
    for (key, n) in now {
        if !recorded.contains_key(key) {
            out.push(field(join(path, key), rule, None, Some(n)));
        }
    }
}

fn id(rule: &Json) -> Option<&str> {
    rule.get("id").and_then(Json::as_str)
}

/// Rules matched by id; a recorded rule whose id the policy does not have is compared with
/// the rule in its place when that one is not recorded either (a renamed rule, or a forged
/// id). A rule in the wrong place is a difference too: rules are listed in source order.
fn rules(recorded: &[Json], now: &[Json], out: &mut Vec<Difference>) {
    let has = |list: &[Json], wanted: Option<&str>| list.iter().any(|x| id(x) == wanted);
    let common = |from: &[Json], other: &[Json]| -> Vec<String> {
        from.iter()
            .filter_map(id)
            .filter(|i| has(other, Some(i)))
            .map(str::to_string)
            .collect()
    };
    let (order_recorded, order_now) = (common(recorded, now), common(now, recorded));
    let mut paired = Vec::new();
    for (i, r) in recorded.iter().enumerate() {
        let path = format!("rules[{i}]");
        let by_id = now
            .iter()
            .enumerate()
            .find(|(_, n)| id(r).is_some() && id(n) == id(r));
        let in_place = now.get(i).filter(|n| !has(recorded, id(n)));
        match (by_id, in_place) {
            (Some((j, n)), _) => {
                let rid = id(r).unwrap_or_default();
                let place = order_recorded.iter().position(|x| x == rid);
                if place != order_now.iter().position(|x| x == rid) {
                    out.push(Difference::RuleMoved {
                        path: path.clone(),
                        id: rid.to_string(),
                        now: j,
                    });
                }
                walk(&path, r, n, Some(rid), out);
            }
            (None, Some(n)) => {
                paired.push(i);
                walk(&path, r, n, id(n), out);
            }
            (None, None) => out.push(Difference::RuleGone {
                path,
                id: id(r).map_or_else(|| compact(r), str::to_string),
            }),
        }
    }
    for (j, n) in now.iter().enumerate() {
        if !has(recorded, id(n)) && !paired.contains(&j) {
            out.push(Difference::RuleNew {
                id: id(n).unwrap_or_default().to_string(),
                now: n.clone(),
            });
        }
    }
}
