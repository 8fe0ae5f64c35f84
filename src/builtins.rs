//! The language's built-in functions and element fields, shared by the checker (which types
//! them) and the compiler (which lowers them to evaluation nodes).

/// A derived quantity of a metric: `regression(m)` as a function, `regression` as a field
/// inside `family where …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricField {
    Value,
    Baseline,
    Delta,
    RelDelta,
    Regression,
    Improvement,
    RelRegression,
    Lower,
    Upper,
    Worst,
    N,
    Stderr,
    SignificantlyWorse,
    SignificantlyBetter,
    PairedDelta,
    PairedStderr,
    Pairs,
    Unpaired,
    Pvalue,
    RawPvalue,
    Mde,
}

impl MetricField {
    pub const ALL: [MetricField; 21] = [
        MetricField::Value,
        MetricField::Baseline,
        MetricField::Delta,
        MetricField::RelDelta,
        MetricField::Regression,
        MetricField::Improvement,
        MetricField::RelRegression,
        MetricField::Lower,
        MetricField::Upper,
        MetricField::Worst,
        MetricField::N,
        MetricField::Stderr,
        MetricField::SignificantlyWorse,
        MetricField::SignificantlyBetter,
        MetricField::PairedDelta,
        MetricField::PairedStderr,
        MetricField::Pairs,
        MetricField::Unpaired,
        MetricField::Pvalue,
        MetricField::RawPvalue,
        MetricField::Mde,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            MetricField::Value => "value",
            MetricField::Baseline => "baseline",
            MetricField::Delta => "delta",
            MetricField::RelDelta => "rel_delta",
            MetricField::Regression => "regression",
            MetricField::Improvement => "improvement",
            MetricField::RelRegression => "rel_regression",
            MetricField::Lower => "lower",
            MetricField::Upper => "upper",
            MetricField::Worst => "worst",
            MetricField::N => "n",
            MetricField::Stderr => "stderr",
            MetricField::SignificantlyWorse => "significantly_worse",
            MetricField::SignificantlyBetter => "significantly_better",
            MetricField::PairedDelta => "paired_delta",
            MetricField::PairedStderr => "paired_stderr",
            MetricField::Pairs => "pairs",
            MetricField::Unpaired => "unpaired",
            MetricField::Pvalue => "pvalue",
            MetricField::RawPvalue => "raw_pvalue",
            MetricField::Mde => "mde",
        }
    }

    pub fn from_name(name: &str) -> Option<MetricField> {
        MetricField::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the quantity depends on which way is better.
    pub fn needs_direction(self) -> bool {
        matches!(
            self,
            MetricField::Regression
                | MetricField::Improvement
                | MetricField::RelRegression
                | MetricField::Worst
                | MetricField::SignificantlyWorse
                | MetricField::SignificantlyBetter
                | MetricField::Pvalue
                | MetricField::RawPvalue
        )
    }

    /// Whether the quantity reads the metric's per-item scores (when it has them).
    pub fn reads_samples(self) -> bool {
        matches!(
            self,
            MetricField::SignificantlyWorse
                | MetricField::SignificantlyBetter
                | MetricField::PairedDelta
                | MetricField::PairedStderr
                | MetricField::Pairs
                | MetricField::Unpaired
                | MetricField::Pvalue
                | MetricField::RawPvalue
                | MetricField::Mde
        )
    }

    /// Whether the quantity comes from the regression test (reports state the test).
    pub fn reads_test(self) -> bool {
        matches!(
            self,
            MetricField::SignificantlyWorse
                | MetricField::SignificantlyBetter
                | MetricField::Pvalue
                | MetricField::RawPvalue
                | MetricField::Mde
        )
    }

    /// Significance tests are booleans; everything else is a number.
    pub fn is_bool(self) -> bool {
        matches!(
            self,
            MetricField::SignificantlyWorse | MetricField::SignificantlyBetter
        )
    }
}

/// A field of a flag, bare inside `flags where …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlagField {
    Id,
    Source,
    Author,
    Category,
    Severity,
    Note,
    Stage,
}

impl FlagField {
    pub const ALL: [FlagField; 7] = [
        FlagField::Id,
        FlagField::Source,
        FlagField::Author,
        FlagField::Category,
        FlagField::Severity,
        FlagField::Note,
        FlagField::Stage,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FlagField::Id => "id",
            FlagField::Source => "source",
            FlagField::Author => "author",
            FlagField::Category => "category",
            FlagField::Severity => "severity",
            FlagField::Note => "note",
            FlagField::Stage => "stage",
        }
    }

    pub fn from_name(name: &str) -> Option<FlagField> {
        FlagField::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The name of a metric inside `family where …`, beside the [`MetricField`]s.
pub const METRIC_NAME_FIELD: &str = "name";

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    Metric(MetricField),
    Has,
    Abs,
    Min,
    Max,
    Signed,
    Count,
    Any,
    None,
    Authors,
    NNeeded,
}

/// A built-in function as the reference documents it. This is the one description of the
/// functions: the checker's "did you mean", `docs/reference.md` (a test keeps its table equal
/// to [`reference_table`]) and the editor's hover all read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionDoc {
    pub function: Function,
    pub name: &'static str,
    /// How it is called, with its result type: `regression(m) → number`.
    pub signature: &'static str,
    pub meaning: &'static str,
    /// When its value is unknown (missing evidence), or "never".
    pub unknown_when: &'static str,
}

const NEEDS_BASELINE: &str = "the metric or its `baseline` is missing";
const SIGNIFICANCE_UNKNOWN: &str =
    "a baseline or a standard error is missing (for the paired test: the pairs fall in fewer than 2 clusters)";

/// Every built-in function, in the order the reference lists them.
pub const FUNCTIONS: [FunctionDoc; 31] = [
    metric_doc(MetricField::Value, "value(m) → number", "the metric's value; a bare metric name means the same", "the metric is missing"),
    metric_doc(MetricField::Baseline, "baseline(m) → number", "the baseline's value", NEEDS_BASELINE),
    metric_doc(MetricField::Delta, "delta(m) → number", "`value − baseline`", NEEDS_BASELINE),
    metric_doc(MetricField::RelDelta, "rel_delta(m) → number", "`(value − baseline) / abs(baseline)`", "the baseline is missing or zero"),
    metric_doc(MetricField::Regression, "regression(m) → number", "how much worse than the baseline, by the metric's direction: `value − baseline` when lower is better, `baseline − value` when higher is better; negative when it improved", NEEDS_BASELINE),
    metric_doc(MetricField::Improvement, "improvement(m) → number", "`−regression(m)`", NEEDS_BASELINE),
    metric_doc(MetricField::RelRegression, "rel_regression(m) → number", "`regression(m) / abs(baseline)`", "the baseline is missing or zero"),
    metric_doc(MetricField::Lower, "lower(m) → number", "the low end of the 95% interval: `ci` when given, else `value − 1.96·stderr`", "the metric has neither `ci` nor `stderr`"),
    metric_doc(MetricField::Upper, "upper(m) → number", "the high end of the 95% interval: `ci` when given, else `value + 1.96·stderr`", "the metric has neither `ci` nor `stderr`"),
    metric_doc(MetricField::Worst, "worst(m) → number", "the pessimistic end of the interval by direction: `upper` when lower is better, `lower` when higher is better", "the metric has neither `ci` nor `stderr`"),
    metric_doc(MetricField::N, "n(m) → number", "the sample count", "the metric has no `n`"),
    metric_doc(MetricField::Stderr, "stderr(m) → number", "the standard error: `stderr` when given, else the `ci` half-width / 1.96", "the metric has neither `stderr` nor `ci`"),
    metric_doc(MetricField::SignificantlyWorse, "significantly_worse(m) → bool", "`z > 1.96` with `z = r / se` of the regression test: paired when at least 2 items have scores on both sides (`r` the paired delta oriented by direction, `se = paired_stderr(m)`), else unpaired (`r = regression(m)`, `se = √(se_v² + se_b²)`, the standard errors of value and baseline); with `se = 0` the sign of `r` decides", SIGNIFICANCE_UNKNOWN),
    metric_doc(MetricField::SignificantlyBetter, "significantly_better(m) → bool", "the same test the other way: `z < −1.96`", SIGNIFICANCE_UNKNOWN),
    metric_doc(MetricField::PairedDelta, "paired_delta(m) → number", "the mean of candidate − baseline over the items both sides scored", "the metric has no `samples` (or no `samples.baseline`), or fewer than 2 items are paired"),
    metric_doc(MetricField::PairedStderr, "paired_stderr(m) → number", "the clustered standard error of those differences", "as for `paired_delta`, or the pairs fall in fewer than 2 clusters"),
    metric_doc(MetricField::Pairs, "pairs(m) → number", "how many items both sides scored", "the metric has no `samples` or no `samples.baseline`"),
    metric_doc(MetricField::Unpaired, "unpaired(m) → number", "how many items only one side scored", "as for `pairs`"),
    metric_doc(MetricField::Pvalue, "pvalue(m) → number", "the one-sided p-value of a regression, `1 − Φ(z)` with `z` as for `significantly_worse`; `significantly_worse(m)` holds exactly when it is below 0.0249979", SIGNIFICANCE_UNKNOWN),
    metric_doc(MetricField::RawPvalue, "raw_pvalue(m) → number", "`pvalue` before any adjustment: inside `where` over a family `adjusted by holm` or `bh`, where `pvalue`, `significantly_worse` and `significantly_better` read the adjusted p-values, it is the member's own; elsewhere it equals `pvalue(m)`", SIGNIFICANCE_UNKNOWN),
    metric_doc(MetricField::Mde, "mde(m) → number", "the smallest regression the test detects with 80% power: `(1.96 + 0.8416) · se`", "`se` of the regression test is unknown"),
    FunctionDoc { function: Function::NNeeded, name: "n_needed", signature: "n_needed(m, effect) → number", meaning: "the items the regression test needs for `mde` to reach `effect`: `ceil(k · (mde(m) / effect)²)`, k the paired items (paired) or `n(m)` (unpaired)", unknown_when: "`mde(m)` is unknown, the unpaired test's `n` is missing, or `effect` is not positive" },
    FunctionDoc { function: Function::Has, name: "has", signature: "has(m) → bool", meaning: "whether the metric is in the evidence; for a family, whether its glob matches any metric", unknown_when: "never" },
    FunctionDoc { function: Function::Abs, name: "abs", signature: "abs(x) → number", meaning: "the absolute value", unknown_when: "`x` is unknown" },
    FunctionDoc { function: Function::Min, name: "min", signature: "min(a, b, …) → number", meaning: "the smallest of one or more numbers", unknown_when: "any argument is unknown" },
    FunctionDoc { function: Function::Max, name: "max", signature: "max(a, b, …) → number", meaning: "the largest of one or more numbers", unknown_when: "any argument is unknown" },
    FunctionDoc { function: Function::Signed, name: "signed", signature: "signed(\"role\") → bool", meaning: "a sign-off for that role is in the evidence and has not expired at `now`; with `trust` items, it must also be signed by a key trusted for the role (see trust.md)", unknown_when: "never" },
    FunctionDoc { function: Function::Count, name: "count", signature: "count(C) → number", meaning: "how many elements the collection holds", unknown_when: "some element is uncertain (its `where` predicate is unknown), or `C` is a family that matched no metric" },
    FunctionDoc { function: Function::Any, name: "any", signature: "any(C) → bool", meaning: "the collection holds at least one element", unknown_when: "no element is surely in and some is uncertain, or `C` is a family that matched no metric" },
    FunctionDoc { function: Function::None, name: "none", signature: "none(C) → bool", meaning: "the collection is empty: `not any(C)`", unknown_when: "as for `any`" },
    FunctionDoc { function: Function::Authors, name: "authors", signature: "authors(C) → number", meaning: "distinct authors of the flags kept; a flag without an author counts as one of its own", unknown_when: "as for `count`; flags only" },
];

const fn metric_doc(
    field: MetricField,
    signature: &'static str,
    meaning: &'static str,
    unknown_when: &'static str,
) -> FunctionDoc {
    FunctionDoc {
        function: Function::Metric(field),
        name: field.name(),
        signature,
        meaning,
        unknown_when,
    }
}

impl Function {
    pub fn from_name(name: &str) -> Option<Function> {
        FUNCTIONS
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.function)
    }

    /// Every function name, for "did you mean".
    pub fn names() -> impl Iterator<Item = &'static str> {
        FUNCTIONS.iter().map(|d| d.name)
    }

    /// The function's entry in [`FUNCTIONS`].
    pub fn doc(self) -> Option<&'static FunctionDoc> {
        FUNCTIONS.iter().find(|d| d.function == self)
    }
}

/// The reference's table of functions, as Markdown: `docs/reference.md` holds exactly this
/// between its `functions` markers.
pub fn reference_table() -> String {
    let mut out = String::from("| function | value | unknown when |\n| --- | --- | --- |\n");
    for d in &FUNCTIONS {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            d.signature, d.meaning, d.unknown_when
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference cannot drift from the table: regenerate it with
    /// `TOLLGATE_WRITE_REFERENCE=1 cargo test --lib builtins`.
    #[test]
    fn the_reference_lists_every_function_as_the_table_does() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let (start, end) = ("<!-- functions:start -->\n", "<!-- functions:end -->");
        let (a, b) = (text.find(start), text.find(end));
        assert!(
            a.is_some() && b.is_some(),
            "docs/reference.md has no functions markers"
        );
        let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
        let table = reference_table();
        let current = text.get(a + start.len()..b).unwrap_or_default();
        if current != table && std::env::var_os("TOLLGATE_WRITE_REFERENCE").is_some() {
            let updated = format!("{}{table}{}", &text[..a + start.len()], &text[b..]);
            std::fs::write(path, updated).unwrap_or_default();
            return;
        }
        assert_eq!(
            current, table,
            "docs/reference.md's function table is out of date"
        );
    }

    #[test]
    fn every_function_is_in_the_table_once() {
        let mut names: Vec<&str> = Function::names().collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name is listed twice");
        for field in MetricField::ALL {
            assert_eq!(
                Function::from_name(field.name()),
                Some(Function::Metric(field))
            );
            assert!(Function::Metric(field).doc().is_some());
        }
        for name in [
            "has", "abs", "min", "max", "signed", "count", "any", "none", "authors",
        ] {
            assert!(
                Function::from_name(name).and_then(Function::doc).is_some(),
                "{name}"
            );
        }
    }
}
