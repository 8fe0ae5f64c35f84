//! The derived quantities of one metric (LANGUAGE.md section 4, metric functions).
//! A quantity that needs an absent field reports which field, so the caller can name the key.

use crate::builtins::MetricField;
use crate::evidence::Metric;
use crate::levels::Direction;

/// z above which a difference is significant (two-sided 95%).
const Z_95: f64 = 1.96;

/// Why a quantity could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The named field is absent from the evidence.
    Field(&'static str),
    /// The computation divided by zero.
    DivisionByZero,
    /// The result is too large for a number (evidence near ±1.8e308, or a tiny baseline
    /// under a relative change): no honest value exists.
    Overflow,
}

/// A number or a boolean quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    Number(f64),
    Bool(bool),
}

fn baseline(m: &Metric) -> Result<f64, Gap> {
    m.baseline().ok_or(Gap::Field("baseline"))
}

/// Regression: positive when the value got worse than the baseline.
fn regression(m: &Metric, direction: Option<Direction>) -> Result<f64, Gap> {
    let b = baseline(m)?;
    Ok(match direction {
        Some(Direction::HigherIsBetter) => b - m.value(),
        // The checker only lets direction-free metrics reach direction-free quantities.
        Some(Direction::LowerIsBetter) | None => m.value() - b,
    })
}

fn relative(x: f64, base: f64) -> Result<f64, Gap> {
    if base == 0.0 {
        Err(Gap::DivisionByZero)
    } else {
        Ok(x / base.abs())
    }
}

/// Standard error from `stderr`, else from the interval's half-width.
fn standard_error(
    stderr: Option<f64>,
    ci: Option<(f64, f64)>,
    field: &'static str,
) -> Result<f64, Gap> {
    stderr
        .or_else(|| ci.map(|(low, high)| (high - low) / 2.0 / Z_95))
        .ok_or(Gap::Field(field))
}

pub(super) fn interval(m: &Metric) -> Result<(f64, f64), Gap> {
    if let Some(ci) = m.ci() {
        return Ok(ci);
    }
    let se = m.stderr().ok_or(Gap::Field("ci"))?;
    Ok((m.value() - Z_95 * se, m.value() + Z_95 * se))
}

fn z_score(m: &Metric, direction: Option<Direction>) -> Result<f64, Gap> {
    let r = regression(m, direction)?;
    let se_v = standard_error(m.stderr(), m.ci(), "stderr")?;
    let se_b = standard_error(m.baseline_stderr(), m.baseline_ci(), "baseline_stderr")?;
    // `hypot` does not overflow where the squares would.
    let se = se_v.hypot(se_b);
    if !(r.is_finite() && se.is_finite()) {
        return Err(Gap::Overflow);
    }
    if se == 0.0 {
        return Err(Gap::DivisionByZero);
    }
    let z = r / se;
    if z.is_finite() {
        Ok(z)
    } else {
        Err(Gap::Overflow)
    }
}

/// A derived quantity of one metric. Every quantity is finite or unknown: a non-finite
/// intermediate or result is [`Gap::Overflow`], never a number a rule could pass on.
pub fn quantity(
    m: &Metric,
    direction: Option<Direction>,
    field: MetricField,
) -> Result<Quantity, Gap> {
    match computed(m, direction, field)? {
        Quantity::Number(x) if !x.is_finite() => Err(Gap::Overflow),
        q => Ok(q),
    }
}

fn computed(m: &Metric, direction: Option<Direction>, field: MetricField) -> Result<Quantity, Gap> {
    use Quantity::{Bool, Number};
    Ok(match field {
        MetricField::Value => Number(m.value()),
        MetricField::Baseline => Number(baseline(m)?),
        MetricField::Delta => Number(m.value() - baseline(m)?),
        MetricField::RelDelta => {
            let b = baseline(m)?;
            Number(relative(m.value() - b, b)?)
        }
        MetricField::Regression => Number(regression(m, direction)?),
        MetricField::Improvement => Number(-regression(m, direction)?),
        MetricField::RelRegression => Number(relative(regression(m, direction)?, baseline(m)?)?),
        MetricField::Lower => Number(interval(m)?.0),
        MetricField::Upper => Number(interval(m)?.1),
        MetricField::Worst => {
            let (low, high) = interval(m)?;
            Number(match direction {
                Some(Direction::HigherIsBetter) => low,
                _ => high,
            })
        }
        MetricField::N => Number(m.n().ok_or(Gap::Field("n"))? as f64),
        MetricField::Stderr => Number(standard_error(m.stderr(), m.ci(), "stderr")?),
        MetricField::SignificantlyWorse => Bool(z_score(m, direction)? > Z_95),
        MetricField::SignificantlyBetter => Bool(z_score(m, direction)? < -Z_95),
    })
}
