//! Adding a flag never lowers the decision of a policy whose flag rules only ask for some
//! flags (`any(…)`, `count(…) >= k`, `authors(…) >= k`, joined by `and`/`or`): more
//! evidence of a problem can only make a launch harder. (With the default `missing`, a
//! flag that makes a `where` uncertain contributes the clause's own severity, so this
//! holds for flags with absent fields too.)

use proptest::prelude::*;
use serde_json::json;

use super::kleene::{flag_atom, Expr, FlagAtom};
use super::support::{self, flag};

#[derive(Clone, Debug)]
enum Ask {
    Any(Expr<FlagAtom>),
    CountAtLeast(Expr<FlagAtom>, usize),
    AuthorsAtLeast(Expr<FlagAtom>, usize),
}

impl Ask {
    fn text(&self) -> String {
        let pred = |p: &Expr<FlagAtom>| p.text(&|a: &FlagAtom| a.text());
        match self {
            Ask::Any(p) => format!("any(flags where {})", pred(p)),
            Ask::CountAtLeast(p, k) => format!("count(flags where {}) >= {k}", pred(p)),
            Ask::AuthorsAtLeast(p, k) => format!("authors(flags where {}) >= {k}", pred(p)),
        }
    }
}

fn ask() -> impl Strategy<Value = Ask> {
    let pred = || Expr::strategy(flag_atom());
    prop_oneof![
        pred().prop_map(Ask::Any),
        (pred(), 0usize..4).prop_map(|(p, k)| Ask::CountAtLeast(p, k)),
        (pred(), 0usize..4).prop_map(|(p, k)| Ask::AuthorsAtLeast(p, k)),
    ]
}

/// A clause: a severity and one or two asks joined by `and` or `or`.
fn clause() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["block", "review", "warn"][..]),
        ask(),
        prop::option::of((any::<bool>(), ask())),
    )
        .prop_map(|(severity, a, b)| match b {
            None => format!("{severity} when {}", a.text()),
            Some((true, b)) => format!("{severity} when ({}) and ({})", a.text(), b.text()),
            Some((false, b)) => format!("{severity} when ({}) or ({})", a.text(), b.text()),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn adding_a_flag_never_lowers_the_decision(
        rules in prop::collection::vec(prop::collection::vec(clause(), 1..3), 1..5),
        flags in prop::collection::vec(flag(), 0..5),
        (extra, at) in (flag(), any::<prop::sample::Index>()),
    ) {
        let mut items = String::from(
            "metric t from \"t\" higher is better\nmetric f from \"f\" higher is better\n\
             metric u from \"u\" higher is better\n",
        );
        for (i, clauses) in rules.iter().enumerate() {
            items.push_str(&format!("rule r{i} {{\n  {}\n}}\n", clauses.join("\n  ")));
        }
        let policy = support::policy(&items);
        let mut more = flags.clone();
        more.insert(at.index(flags.len() + 1), extra);
        let doc = |flags: &[serde_json::Value]| support::bundle(&json!({
            "metrics": {"t": 1, "f": 0},
            "flags": flags,
            "signoffs": [{"role": "lead", "by": "someone"}],
        }));
        let before = support::evaluate(&policy, &doc(&flags));
        let after = support::evaluate(&policy, &doc(&more));
        prop_assert!(after.decision >= before.decision, "{} → {}\n{}", before.decision, after.decision, items);
        for (b, a) in before.rules.iter().zip(&after.rules) {
            prop_assert!(a.outcome >= b.outcome, "rule {}: {} → {}\n{}", a.id, b.outcome, a.outcome, items);
        }
    }
}
