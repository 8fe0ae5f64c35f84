//! Instants in evidence and on the command line.

use chrono::{DateTime, NaiveDate, Utc};

/// An RFC 3339 date-time (`2025-04-25T09:00:00Z`, `2025-04-25T11:00:00+02:00`; a space may
/// stand for the `T`), or a date `YYYY-MM-DD`, meaning the start of that day in UTC. A
/// date-time without an offset is rejected: it does not name one instant. Used for evidence
/// timestamps, `--now` and a test's `now`.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Some(date) = parse_date(text) {
        return date.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Exactly `YYYY-MM-DD`, a real calendar date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}
