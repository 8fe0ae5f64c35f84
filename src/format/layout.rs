//! Items, bodies and the blank lines and comments between them.

use crate::syntax::ast::{
    File, Item, MetricDecl, PolicyHeader, Rule, RuleExpectation, RuleStmt, TestBlock, TestStmt,
};

use super::doc::{concat, nest, text, Doc};
use super::notes::{blank_before, Cursor, Note};

/// Indentation of a body (rule, test, policy header) and of a broken list or JSON value.
pub(crate) const INDENT: usize = 2;

/// The formatter's state: the source (for blank lines and the author's line breaks) and the
/// comments still to place.
pub(crate) struct Fmt<'a> {
    pub src: &'a str,
    pub notes: Cursor,
}

/// What kind of item, for keeping runs of one-line declarations together.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Policy,
    Import,
    Trust,
    Metric,
    Let,
    Rule,
    Test,
}

fn kind(item: &Item) -> Kind {
    match item {
        Item::Policy(_) => Kind::Policy,
        Item::Import(_) => Kind::Import,
        Item::Trust(_) => Kind::Trust,
        Item::Metric(_) => Kind::Metric,
        Item::Let(_) => Kind::Let,
        Item::Rule(_) => Kind::Rule,
        Item::Test(_) => Kind::Test,
    }
}

/// Imports, metrics and constants written on consecutive lines stay together; every other
/// pair of items is separated by one blank line.
fn may_stay_together(prev: Kind, next: Kind) -> bool {
    prev == next && matches!(next, Kind::Import | Kind::Trust | Kind::Metric | Kind::Let)
}

fn quoted(raw: &str) -> String {
    format!("\"{raw}\"")
}

impl Fmt<'_> {
    /// The whole file.
    pub fn file(&mut self, file: &File) -> Doc {
        let mut parts = Vec::new();
        let mut prev: Option<Kind> = None;
        for item in &file.items {
            let start = item.span().start as usize;
            let (suffix, leading) = self.comments_before(start, prev.is_some());
            parts.extend(suffix);
            if let Some(prev) = prev {
                let first_blank = leading
                    .first()
                    .map_or_else(|| blank_before(self.src, start), |c| c.blank_before);
                parts.push(Doc::HardLine);
                if first_blank || !may_stay_together(prev, kind(item)) {
                    parts.push(Doc::HardLine);
                }
            }
            for (i, c) in leading.iter().enumerate() {
                if i > 0 {
                    parts.push(Doc::HardLine);
                    if c.blank_before {
                        parts.push(Doc::HardLine);
                    }
                }
                parts.push(text(c.text.as_str()));
            }
            if !leading.is_empty() {
                parts.push(Doc::HardLine);
                if blank_before(self.src, start) {
                    parts.push(Doc::HardLine);
                }
            }
            parts.push(self.item(item));
            prev = Some(kind(item));
        }
        let (suffix, dangling) = self.comments_before(usize::MAX, prev.is_some());
        parts.extend(suffix);
        for (i, c) in dangling.iter().enumerate() {
            if prev.is_some() || i > 0 {
                parts.push(Doc::HardLine);
                if c.blank_before {
                    parts.push(Doc::HardLine);
                }
            }
            parts.push(text(c.text.as_str()));
        }
        if prev.is_some() || !dangling.is_empty() {
            parts.push(Doc::HardLine);
        }
        concat(parts)
    }

    /// The comments before `pos` not yet placed: the first, when written after code on its
    /// line and `suffix_ok`, as a trailing comment for the line printed last; the rest to be
    /// printed on lines of their own.
    pub fn comments_before(&mut self, pos: usize, suffix_ok: bool) -> (Option<Doc>, Vec<Note>) {
        let mut notes = self.notes.take_before(pos);
        let suffix = match notes.first() {
            Some(first) if suffix_ok && !first.own_line => Some(Doc::Suffix(notes.remove(0).text)),
            _ => None,
        };
        (suffix, notes)
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Policy(p) => self.policy(p),
            Item::Import(i) => text(format!("import {}", quoted(&i.path.raw))),
            Item::Trust(t) => text(format!("trust {}", quoted(&t.path.raw))),
            Item::Metric(m) => text(metric(m)),
            Item::Let(l) => concat(vec![
                text(format!("let {} = ", l.name.name)),
                self.expr(&l.value),
            ]),
            Item::Rule(r) => self.rule(r),
            Item::Test(t) => self.test(t),
        }
    }

    fn policy(&mut self, p: &PolicyHeader) -> Doc {
        let head = format!("policy {} {{", quoted(&p.name.raw));
        let starts: Vec<usize> = p.fields.iter().map(|f| f.span.start as usize).collect();
        self.body(head, &starts, p.span.end as usize, |_, i| {
            p.fields.get(i).map_or_else(
                || text(""),
                |f| text(format!("{} {}", f.key.as_str(), quoted(&f.value.raw))),
            )
        })
    }

    fn rule(&mut self, r: &Rule) -> Doc {
        let head = match &r.title {
            Some(title) => format!("rule {} {} {{", r.id.name, quoted(&title.raw)),
            None => format!("rule {} {{", r.id.name),
        };
        let starts: Vec<usize> = r.body.iter().map(|s| s.span().start as usize).collect();
        self.body(head, &starts, r.span.end as usize, |f, i| {
            r.body.get(i).map_or_else(|| text(""), |s| f.rule_stmt(s))
        })
    }

    fn rule_stmt(&mut self, stmt: &RuleStmt) -> Doc {
        match stmt {
            RuleStmt::Clause(c) => concat(vec![
                text(format!("{} {} ", c.outcome.as_str(), c.kind.as_str())),
                self.expr(&c.condition),
            ]),
            RuleStmt::Missing(m) => text(format!("missing {}", m.outcome.as_str())),
            RuleStmt::Waivable(w) => {
                let roles: Vec<String> = w.roles.iter().map(|r| quoted(&r.raw)).collect();
                text(format!("waivable by {}", roles.join(", ")))
            }
            RuleStmt::Message(m) => text(format!("message {}", quoted(&m.template.raw))),
        }
    }

    fn test(&mut self, t: &TestBlock) -> Doc {
        let head = format!("test {} {{", quoted(&t.name.raw));
        let starts: Vec<usize> = t.body.iter().map(|s| s.span().start as usize).collect();
        self.body(head, &starts, t.span.end as usize, |f, i| {
            t.body.get(i).map_or_else(|| text(""), |s| f.test_stmt(s))
        })
    }

    fn test_stmt(&mut self, stmt: &TestStmt) -> Doc {
        match stmt {
            TestStmt::EvidenceFile { path, .. } => text(format!("evidence {}", quoted(&path.raw))),
            TestStmt::EvidenceInline {
                json, json_span, ..
            } => concat(vec![text("evidence "), self.json(json, *json_span)]),
            TestStmt::Now { time, .. } => text(format!("now {}", quoted(&time.raw))),
            TestStmt::ExpectDecision { outcome, .. } => {
                text(format!("expect {}", outcome.as_str()))
            }
            TestStmt::ExpectRule {
                expectation, rule, ..
            } => {
                let word = match expectation {
                    RuleExpectation::Fired => "fired",
                    RuleExpectation::Missing => "missing",
                    RuleExpectation::Waived => "waived",
                    RuleExpectation::Passed => "passed",
                    RuleExpectation::NotFired => "not fired",
                };
                text(format!("expect {word} {}", rule.name))
            }
        }
    }

    /// `head` (ending in `{`), then one unit a line (`starts` are their offsets, `unit` prints
    /// the i-th), then `}`. Comments go where they stood; a blank line between statements is
    /// kept (one at most). A body with nothing in it stays on one line: `policy "p" {}`.
    fn body<F>(&mut self, head: String, starts: &[usize], end: usize, mut unit: F) -> Doc
    where
        F: FnMut(&mut Self, usize) -> Doc,
    {
        let mut inner = Vec::new();
        let mut any = false;
        let mut separate = |inner: &mut Vec<Doc>, blank: bool| {
            inner.push(Doc::HardLine);
            if any && blank {
                inner.push(Doc::HardLine);
            }
            any = true;
        };
        for (i, &start) in starts.iter().enumerate() {
            let (suffix, leading) = self.comments_before(start, true);
            inner.extend(suffix);
            for c in leading {
                separate(&mut inner, c.blank_before);
                inner.push(text(c.text));
            }
            separate(&mut inner, blank_before(self.src, start));
            inner.push(unit(self, i));
        }
        let (suffix, dangling) = self.comments_before(end, true);
        let had_suffix = suffix.is_some();
        inner.extend(suffix);
        for c in dangling {
            separate(&mut inner, c.blank_before);
            inner.push(text(c.text));
        }
        if !any && !had_suffix {
            return text(format!("{head}}}"));
        }
        concat(vec![
            text(head),
            nest(INDENT, concat(inner)),
            Doc::HardLine,
            text("}"),
        ])
    }
}

fn metric(m: &MetricDecl) -> String {
    let family = if m.family { "family " } else { "" };
    let mut s = format!("metric {family}{} from {}", m.name.name, quoted(&m.key.raw));
    if let Some(d) = &m.direction {
        s.push(' ');
        s.push_str(d.direction.as_str());
    }
    if let Some(a) = &m.adjustment {
        s.push_str(" adjusted by ");
        s.push_str(a.method.name());
    }
    s
}
