//! Section 6: `and`, `or`, `not` over known-true, known-false and missing evidence follow
//! Kleene's tables, unknown propagates through arithmetic and function calls, and `any`,
//! `none`, `count` and `authors` treat uncertain elements of a `where` as the spec says.
//! The evaluator is compared with a small reference implementation written here.

use proptest::prelude::*;
use serde_json::{json, Value};
use tollgate::{Outcome, Status};

use super::support::{self, flag};

/// Three-valued truth: `None` is unknown.
type Tri = Option<bool>;

fn not(a: Tri) -> Tri {
    a.map(|a| !a)
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Tri, b: Tri) -> Tri {
    not(and(not(a), not(b)))
}

/// Conditions over the bundle of [`bundle`]: `t` is 1, `f` is 0, `u` is absent, and the
/// role `lead` has signed. The truth value each must have.
const FIXED: &[(&str, Tri)] = &[
    ("t > 0", Some(true)),
    ("t == 1", Some(true)),
    ("has(t)", Some(true)),
    ("abs(f) < 1", Some(true)),
    ("signed(\"lead\")", Some(true)),
    ("has(u) == false", Some(true)),
    ("f > 0", Some(false)),
    ("t < 0", Some(false)),
    ("has(u)", Some(false)),
    ("signed(\"nobody\")", Some(false)),
    ("u > 0", None),
    ("u <= 0", None),
    ("u + t > 0", None),
    ("u * 0 == 0", None),
    ("-u < 1", None),
    ("t / f > 0", None),
    ("baseline(t) > 0", None),
    ("min(t, u) < 2", None),
    ("max(t, u) >= 1", None),
];

/// Conditions on one flag inside `where`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FlagAtom {
    SevAtLeastHigh,
    FromExpert,
    BehaviorCategory,
    AuthorIsA,
    IdIsNotF1,
    Fixed(usize),
}

impl FlagAtom {
    pub(crate) fn text(self) -> String {
        match self {
            FlagAtom::SevAtLeastHigh => "severity >= high".into(),
            FlagAtom::FromExpert => "source == \"expert\"".into(),
            FlagAtom::BehaviorCategory => "category in [\"sycophancy\", \"personality\"]".into(),
            FlagAtom::AuthorIsA => "author == \"a\"".into(),
            FlagAtom::IdIsNotF1 => "id != \"F-1\"".into(),
            FlagAtom::Fixed(i) => FIXED[i].0.into(),
        }
    }

    fn truth(self, flag: &Value) -> Tri {
        let field = |name: &str| flag.get(name).and_then(Value::as_str);
        match self {
            FlagAtom::SevAtLeastHigh => {
                Some(matches!(field("severity"), Some("high" | "critical")))
            }
            FlagAtom::FromExpert => Some(field("source") == Some("expert")),
            FlagAtom::BehaviorCategory => Some(matches!(
                field("category"),
                Some("sycophancy" | "personality")
            )),
            FlagAtom::AuthorIsA => field("author").map(|a| a == "a"),
            FlagAtom::IdIsNotF1 => field("id").map(|id| id != "F-1"),
            FlagAtom::Fixed(i) => FIXED[i].1,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Aggregate {
    Any,
    None,
    CountAtLeast(usize),
    AuthorsAtLeast(usize),
}

/// A logical expression over leaves `L`.
#[derive(Clone, Debug)]
pub(crate) enum Expr<L> {
    Leaf(L),
    Not(Box<Expr<L>>),
    And(Box<Expr<L>>, Box<Expr<L>>),
    Or(Box<Expr<L>>, Box<Expr<L>>),
}

impl<L: Clone + std::fmt::Debug + 'static> Expr<L> {
    pub(crate) fn strategy(leaf: BoxedStrategy<L>) -> BoxedStrategy<Expr<L>> {
        leaf.prop_map(Expr::Leaf)
            .prop_recursive(4, 24, 2, |inner| {
                prop_oneof![
                    inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                    (inner.clone(), inner.clone())
                        .prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
                    (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
                ]
            })
            .boxed()
    }

    pub(crate) fn text(&self, leaf: &impl Fn(&L) -> String) -> String {
        match self {
            Expr::Leaf(l) => format!("({})", leaf(l)),
            Expr::Not(e) => format!("not {}", e.text(leaf)),
            Expr::And(a, b) => format!("({} and {})", a.text(leaf), b.text(leaf)),
            Expr::Or(a, b) => format!("({} or {})", a.text(leaf), b.text(leaf)),
        }
    }

    fn truth(&self, leaf: &impl Fn(&L) -> Tri) -> Tri {
        match self {
            Expr::Leaf(l) => leaf(l),
            Expr::Not(e) => not(e.truth(leaf)),
            Expr::And(a, b) => and(a.truth(leaf), b.truth(leaf)),
            Expr::Or(a, b) => or(a.truth(leaf), b.truth(leaf)),
        }
    }
}

/// A leaf of a rule condition: a fixed condition, or an aggregate over flags.
#[derive(Clone, Debug)]
enum Leaf {
    Fixed(usize),
    Flags(Aggregate, Expr<FlagAtom>),
}

pub(crate) fn flag_atom() -> BoxedStrategy<FlagAtom> {
    prop_oneof![
        Just(FlagAtom::SevAtLeastHigh),
        Just(FlagAtom::FromExpert),
        Just(FlagAtom::BehaviorCategory),
        Just(FlagAtom::AuthorIsA),
        Just(FlagAtom::IdIsNotF1),
        (0..FIXED.len()).prop_map(FlagAtom::Fixed),
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Leaf> {
    let aggregate = prop_oneof![
        Just(Aggregate::Any),
        Just(Aggregate::None),
        (0usize..4).prop_map(Aggregate::CountAtLeast),
        (0usize..4).prop_map(Aggregate::AuthorsAtLeast),
    ];
    prop_oneof![
        3 => (0..FIXED.len()).prop_map(Leaf::Fixed),
        1 => (aggregate, Expr::strategy(flag_atom())).prop_map(|(a, p)| Leaf::Flags(a, p)),
    ]
    .boxed()
}

fn leaf_text(leaf: &Leaf) -> String {
    match leaf {
        Leaf::Fixed(i) => FIXED[*i].0.to_string(),
        Leaf::Flags(aggregate, pred) => {
            let pred = pred.text(&|a: &FlagAtom| a.text());
            match aggregate {
                Aggregate::Any => format!("any(flags where {pred})"),
                Aggregate::None => format!("none(flags where {pred})"),
                Aggregate::CountAtLeast(k) => format!("count(flags where {pred}) >= {k}"),
                Aggregate::AuthorsAtLeast(k) => format!("authors(flags where {pred}) >= {k}"),
            }
        }
    }
}

/// The reference: `any` is true when some element is surely kept, else unknown when some
/// element is uncertain, else false; `none` is its negation; `count` and `authors` are
/// unknown when any element is uncertain. A flag without an author is an author of its own.
fn leaf_truth(leaf: &Leaf, flags: &[Value]) -> Tri {
    let Leaf::Flags(aggregate, pred) = leaf else {
        let Leaf::Fixed(i) = leaf else { unreachable!() };
        return FIXED[*i].1;
    };
    let kept: Vec<Tri> = flags
        .iter()
        .map(|f| pred.truth(&|a: &FlagAtom| a.truth(f)))
        .collect();
    let sure = kept.iter().filter(|k| **k == Some(true)).count();
    let uncertain = kept.iter().any(Option::is_none);
    let any = if sure > 0 {
        Some(true)
    } else if uncertain {
        None
    } else {
        Some(false)
    };
    match aggregate {
        Aggregate::Any => any,
        Aggregate::None => not(any),
        _ if uncertain => None,
        Aggregate::CountAtLeast(k) => Some(sure >= *k),
        Aggregate::AuthorsAtLeast(k) => {
            let mut names: Vec<&str> = Vec::new();
            let mut anonymous = 0;
            for (f, kept) in flags.iter().zip(&kept) {
                if *kept != Some(true) {
                    continue;
                }
                match f.get("author").and_then(Value::as_str) {
                    Some(a) if !names.contains(&a) => names.push(a),
                    Some(_) => {}
                    None => anonymous += 1,
                }
            }
            Some(names.len() + anonymous >= *k)
        }
    }
}

/// Each condition `E` is tried three ways: `block when E`, `warn unless E`, and
/// `review when E` with `missing pass`.
fn expected(truth: Tri) -> [(Status, Outcome); 3] {
    use Outcome::*;
    use Status::*;
    match truth {
        Some(true) => [(Fired, Block), (Passed, Pass), (Fired, Review)],
        Some(false) => [(Passed, Pass), (Fired, Warn), (Passed, Pass)],
        None => [(Missing, Block), (Missing, Warn), (Missing, Pass)],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn conditions_follow_kleene_logic(
        exprs in prop::collection::vec(Expr::strategy(leaf()), 1..6),
        flags in prop::collection::vec(flag(), 0..5),
    ) {
        let mut items = String::from(
            "metric t from \"t\" higher is better\nmetric f from \"f\" higher is better\n\
             metric u from \"u\" higher is better\n",
        );
        for (i, e) in exprs.iter().enumerate() {
            let cond = e.text(&leaf_text);
            items.push_str(&format!(
                "rule w{i} {{ block when {cond} }}\nrule u{i} {{ warn unless {cond} }}\n\
                 rule m{i} {{ review when {cond}\n missing pass }}\n"
            ));
        }
        let policy = support::policy(&items);
        let bundle = support::bundle(&json!({
            "metrics": {"t": 1, "f": 0},
            "flags": flags,
            "signoffs": [{"role": "lead", "by": "someone"}],
        }));
        let e = support::evaluate(&policy, &bundle);
        let mut worst = Outcome::Pass;
        for (i, expr) in exprs.iter().enumerate() {
            let truth = expr.truth(&|l: &Leaf| leaf_truth(l, &flags));
            for (prefix, want) in ["w", "u", "m"].iter().zip(expected(truth)) {
                let id = format!("{prefix}{i}");
                let r = e.rule(&id).unwrap();
                prop_assert_eq!(
                    (r.status, r.outcome), want,
                    "rule {} over {}: reference says {:?}", id, expr.text(&leaf_text), truth
                );
                if r.status == Status::Missing {
                    prop_assert!(!r.missing.is_empty(), "rule {} is missing but names no key", id);
                }
                worst = worst.max(want.1);
            }
        }
        prop_assert_eq!(e.decision, worst);
    }
}

#[test]
fn the_reference_tables() {
    let values = [Some(true), Some(false), None];
    for a in values {
        for b in values {
            assert_eq!(and(a, b), and(b, a));
            assert_eq!(or(a, b), or(b, a));
            assert_eq!(not(and(a, b)), or(not(a), not(b)));
        }
    }
    assert_eq!(and(Some(false), None), Some(false));
    assert_eq!(or(Some(true), None), Some(true));
    assert_eq!(not(None), None);
    assert_eq!(and(Some(true), None), None);
    assert_eq!(or(Some(false), None), None);
}
