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
}

impl MetricField {
    pub const ALL: [MetricField; 14] = [
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
    ];

    pub fn name(self) -> &'static str {
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

/// Functions that are not metric quantities.
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
}

impl Function {
    pub fn from_name(name: &str) -> Option<Function> {
        if let Some(field) = MetricField::from_name(name) {
            return Some(Function::Metric(field));
        }
        Some(match name {
            "has" => Function::Has,
            "abs" => Function::Abs,
            "min" => Function::Min,
            "max" => Function::Max,
            "signed" => Function::Signed,
            "count" => Function::Count,
            "any" => Function::Any,
            "none" => Function::None,
            "authors" => Function::Authors,
            _ => return None,
        })
    }

    /// Every function name, for "did you mean".
    pub fn names() -> impl Iterator<Item = &'static str> {
        MetricField::ALL.into_iter().map(MetricField::name).chain([
            "has", "abs", "min", "max", "signed", "count", "any", "none", "authors",
        ])
    }
}
