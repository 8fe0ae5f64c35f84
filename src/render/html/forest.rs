//! The forest plot: one row per metric a rule reads, its regression against the baseline
//! with the 95% interval, a line at zero and the rules' thresholds; each row coloured by the
//! outcome of the rules that read it and labelled with that outcome in words.

use std::collections::HashMap;
use std::fmt::Write;

use crate::eval::plotted::{Change, Plotted};
use crate::eval::value::format_number;
use crate::levels::Outcome;
use crate::outcome::{Evaluation, RuleResult, Status};

use super::{badge, code, escape, outcome_class};

const WIDTH: f64 = 960.0;
/// The plotting area, between the labels on the left and the numbers on the right.
const X0: f64 = 300.0;
const X1: f64 = 700.0;
const TOP: f64 = 28.0;
const ROW: f64 = 38.0;
const BOTTOM: f64 = 34.0;

/// The results of the rules, by id (a plot of many rows looks rules up often).
type Results<'e> = HashMap<&'e str, &'e RuleResult>;

pub fn render(out: &mut String, e: &Evaluation, rows: &[Plotted]) {
    let results: Results = e.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    out.push_str("<section id=\"metrics\">\n<h2>Metrics against the baseline</h2>\n");
    if rows.is_empty() {
        out.push_str("<p class=\"none\">No rule reads a metric.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p>Each row is a metric a rule reads: its regression against the baseline (right is \
worse) with the 95% interval of the test the rules use, paired where per-item scores pair. \
Dashed marks are the thresholds clauses set; the colour and the word beside each metric are the \
outcome of the rules that read it.</p>\n",
    );
    plot(out, &results, rows);
    table(out, &results, rows);
    out.push_str("</section>\n");
}

/// The class and words for a row: the worst outcome of the rules reading it, `waived` when
/// the worst was waived, with the rules that have it.
fn row_outcome(e: &Results, row: &Plotted) -> (&'static str, String) {
    let (class, rules) = worst(e, row);
    (class, format!("{class}: {}", rules.join(", ")))
}

fn worst<'e>(e: &Results<'e>, row: &Plotted) -> (&'static str, Vec<&'e str>) {
    let results: Vec<&RuleResult> = row
        .rules
        .iter()
        .filter_map(|id| e.get(id.as_str()).copied())
        .collect();
    let worst = results
        .iter()
        .map(|r| r.outcome)
        .max()
        .unwrap_or(Outcome::Pass);
    let waived: Vec<&str> = results
        .iter()
        .filter(|r| r.status == Status::Waived)
        .map(|r| r.id.as_str())
        .collect();
    let (class, rules): (&str, Vec<&str>) = if worst == Outcome::Pass && !waived.is_empty() {
        ("waived", waived)
    } else {
        (
            outcome_class(worst),
            results
                .iter()
                .filter(|r| r.outcome == worst)
                .map(|r| r.id.as_str())
                .collect(),
        )
    };
    (class, rules)
}

/// The axis: from the smallest to the largest number drawn, zero always in.
struct Scale {
    lo: f64,
    hi: f64,
}

impl Scale {
    fn of(rows: &[Plotted]) -> Scale {
        let mut lo: f64 = 0.0;
        let mut hi: f64 = 0.0;
        let mut see = |x: f64| {
            if x.is_finite() {
                lo = lo.min(x);
                hi = hi.max(x);
            }
        };
        for row in rows {
            match &row.change {
                Change::Interval { r, low, high, .. } => {
                    see(*r);
                    see(*low);
                    see(*high);
                }
                Change::Point { r, .. } => see(*r),
                Change::Unknown { .. } => {}
            }
            for t in &row.thresholds {
                see(t.at);
            }
        }
        // Numbers near the largest double: keep the span a number (rows beyond are drawn at
        // the edge, their values in text beside them).
        let (lo, hi) = (lo.max(-f64::MAX / 4.0), hi.min(f64::MAX / 4.0));
        let span = hi - lo;
        if !(span.is_finite() && span > 0.0) {
            return Scale { lo: -1.0, hi: 1.0 };
        }
        Scale {
            lo: lo - span * 0.06,
            hi: hi + span * 0.06,
        }
    }

    fn x(&self, v: f64) -> f64 {
        let x = X0 + (v.clamp(self.lo, self.hi) - self.lo) / (self.hi - self.lo) * (X1 - X0);
        if x.is_finite() {
            x
        } else {
            X0
        }
    }

    /// About five round ticks, and the decimals their labels need.
    fn ticks(&self) -> (Vec<f64>, usize) {
        let rough = (self.hi - self.lo) / 5.0;
        let magnitude = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= rough)
            .unwrap_or(rough);
        let mut decimals = 0;
        let mut unit = step;
        while unit < 0.999_999 && decimals < 12 {
            unit *= 10.0;
            decimals += 1;
        }
        let mut ticks = Vec::new();
        let mut t = (self.lo / step).ceil() * step;
        while t <= self.hi && ticks.len() < 20 {
            // Snap values like 1e-17 to zero.
            ticks.push(if (t / step).abs() < 1e-9 { 0.0 } else { t });
            t += step;
        }
        (ticks, decimals)
    }
}

fn plot(out: &mut String, e: &Results, rows: &[Plotted]) {
    let scale = Scale::of(rows);
    // Row counts are small; the plot's height in pixels.
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let bottom = height - BOTTOM;
    let _ = writeln!(
        out,
        "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-labelledby=\"forest-title\">\n\
<title id=\"forest-title\">Regression of each metric against the baseline, with 95% intervals</title>"
    );
    for (i, _) in rows.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        let y = TOP + ROW * i as f64;
        let _ = writeln!(
            out,
            "<rect class=\"band\" x=\"0\" y=\"{y:.1}\" width=\"{WIDTH}\" height=\"{ROW}\"/>"
        );
    }
    let (ticks, decimals) = scale.ticks();
    out.push_str("<g class=\"axis\">\n");
    for t in &ticks {
        let x = scale.x(*t);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/>\
<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            bottom + 16.0,
            signed(*t, decimals)
        );
    }
    let zero = scale.x(0.0);
    let _ = writeln!(
        out,
        "<line class=\"zero\" x1=\"{zero:.1}\" y1=\"{:.1}\" x2=\"{zero:.1}\" y2=\"{bottom:.1}\"/>\
<text x=\"{X0}\" y=\"16\">← better</text><text x=\"{X1}\" y=\"16\" text-anchor=\"end\">worse →</text>\
<text x=\"{:.1}\" y=\"16\" text-anchor=\"middle\">0</text>\n</g>",
        TOP - 6.0,
        zero
    );
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let mid = y + ROW / 2.0;
        let (class, words) = row_outcome(e, row);
        let _ = writeln!(
            out,
            "<g class=\"row\" data-metric=\"{key}\">\n<title>{key}: {words}</title>\n\
<text x=\"8\" y=\"{:.1}\">{name}</text>\n<text class=\"{class}\" x=\"8\" y=\"{:.1}\">{words}</text>",
            y + 15.0,
            y + 31.0,
            key = escape(&row.key),
            name = escape(&label(row)),
            words = escape(&words),
        );
        for t in &row.thresholds {
            let x = scale.x(t.at);
            let _ = writeln!(
                out,
                "<line class=\"threshold {}\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"><title>{} threshold of {} at {}</title></line>",
                outcome_class(t.outcome),
                y + 4.0,
                y + ROW - 4.0,
                t.outcome,
                escape(&t.rule),
                short(t.at)
            );
        }
        match &row.change {
            Change::Interval { r, low, high, .. } => {
                let _ = writeln!(
                    out,
                    "<line class=\"ci {class}\" x1=\"{:.1}\" y1=\"{mid:.1}\" x2=\"{:.1}\" y2=\"{mid:.1}\"/>\
<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"5\"/>",
                    scale.x(*low),
                    scale.x(*high),
                    scale.x(*r)
                );
            }
            Change::Point { r, .. } => {
                let _ = writeln!(
                    out,
                    "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{mid:.1}\" r=\"5\"/>",
                    scale.x(*r)
                );
            }
            Change::Unknown { .. } => {}
        }
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n</g>",
            X1 + 12.0,
            mid + 4.0,
            escape(&value_text(&row.change))
        );
    }
    out.push_str("</svg>\n");
}

/// `sycophancy` or `over_refusal: safety.over_refusal.xstest` (a family member).
fn label(row: &Plotted) -> String {
    if row.name == row.key || row.key.ends_with(&format!(".{}", row.name)) {
        row.key.clone()
    } else {
        format!("{} ({})", row.name, row.key)
    }
}

fn value_text(change: &Change) -> String {
    match change {
        Change::Interval { r, low, high, .. } => {
            format!("{} [{}, {}]", short(*r), short(*low), short(*high))
        }
        Change::Point { r, .. } => format!("{} (no interval)", short(*r)),
        Change::Unknown { why } => why.clone(),
    }
}

/// A number to three significant digits at most, with its sign: `+0.00432`, `-0.001`, `0`.
/// Exact values are in the JSON report and `--explain`.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format_number(x);
    }
    let mut decimals = 2;
    let mut magnitude = x.abs();
    while magnitude < 1.0 && decimals < 17 {
        magnitude *= 10.0;
        decimals += 1;
    }
    while magnitude >= 10.0 && decimals > 0 {
        magnitude /= 10.0;
        decimals -= 1;
    }
    let text = format!("{x:+.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A tick label with its sign, `+0.02`, `0`, `-0.01`.
fn signed(x: f64, decimals: usize) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:+.decimals$}")
    }
}

/// The plot's numbers as a table, for reading exactly and for those who do not see colour.
fn table(out: &mut String, e: &Results, rows: &[Plotted]) {
    out.push_str(
        "<table class=\"metrics\">\n<thead><tr><th>Metric</th><th>Regression [95% interval]</th>\
<th>Test</th><th>Thresholds</th><th>Read by</th></tr></thead>\n<tbody>\n",
    );
    for row in rows {
        let (class, rules) = worst(e, row);
        let rules: Vec<String> = rules.iter().map(|r| code(r)).collect();
        let test = match &row.change {
            Change::Interval { method, .. } => escape(method),
            Change::Point { why, .. } => escape(why),
            Change::Unknown { .. } => "—".to_string(),
        };
        let thresholds: Vec<String> = row
            .thresholds
            .iter()
            .map(|t| format!("{} at {}", t.outcome, short(t.at)))
            .collect();
        let _ = writeln!(
            out,
            "<tr data-metric=\"{}\"><td>{}</td><td class=\"num\">{}</td><td>{test}</td><td>{}</td><td>{} {}</td></tr>",
            escape(&row.key),
            code(&row.key),
            escape(&value_text(&row.change)),
            if thresholds.is_empty() {
                "—".to_string()
            } else {
                thresholds.join(", ")
            },
            badge(class, class),
            rules.join(", ")
        );
    }
    out.push_str("</tbody>\n</table>\n");
}
