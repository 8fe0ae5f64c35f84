//! Qualitative flags in CSV, as a spreadsheet exports them: a header row naming the columns
//! `source`, `category` and `severity` (required) and `id`, `author`, `note`, `stage`
//! (optional), then one flag a row.
//!
//! Column names are matched without regard to case or surrounding spaces; other columns are
//! not read (a warning names them). Cells are trimmed; an empty optional cell is absent.
//! Severities are matched without regard to case (`High` is `high`). Rows whose cells are
//! all empty are skipped. The separator is the one the header row uses most of `,`, `;` and
//! tab (spreadsheets in some locales write `;`). Errors name the row (counting data rows
//! from 1), its line and the column.

use std::sync::Arc;

use crate::evidence::model::Flag;
use crate::evidence::schema::{FLAG, MAX_FIELDS};
use crate::evidence::shape::did_you_mean;
use crate::levels::Severity;

use super::sink::Sink;
use super::Imported;

/// The columns are the fields of a native flag, by the same table.
fn required() -> impl Iterator<Item = &'static str> {
    FLAG.fields.iter().filter(|f| f.required).map(|f| f.name)
}

/// Whether the first line looks like the header of a flags CSV.
pub(crate) fn looks_like(text: &str) -> bool {
    let header = header_line(text);
    let delimiter = delimiter(header);
    let names: Vec<String> = header
        .split(char::from(delimiter))
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect();
    required().all(|r| names.iter().any(|n| n == r))
}

fn header_line(text: &str) -> &str {
    text.trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

/// The separator the header row uses most, outside quotes: `,` unless `;` or tab wins.
fn delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semicolon, tab] = counts;
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

pub(crate) fn import(text: &str, sink: &mut Sink<'_>) -> Option<Imported> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(header_line(body)))
        .flexible(true)
        .from_reader(body.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            sink.fail(format!("cannot read the header row: {e}"), None);
            return None;
        }
    };
    let mut columns: [Option<usize>; MAX_FIELDS] = [None; MAX_FIELDS];
    let mut unknown = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let name = header.trim().to_ascii_lowercase();
        match FLAG.names().position(|c| c == name) {
            Some(field) => match columns.get_mut(field) {
                Some(Some(_)) => sink.fail(
                    format!("the header row has the column `{name}` twice"),
                    Some(String::from("keep one column of each name")),
                ),
                Some(slot) => *slot = Some(i),
                None => {}
            },
            None if name.is_empty() => {}
            None => unknown.push(header.trim().to_string()),
        }
    }
    let column = |name: &str| {
        FLAG.names()
            .position(|c| c == name)
            .and_then(|i| columns.get(i).copied().flatten())
    };
    for required in required() {
        if column(required).is_none() {
            let candidates: Vec<&str> = unknown.iter().map(String::as_str).collect();
            let hint = candidates
                .iter()
                .find_map(|found| did_you_mean(found, &[required]).map(|_| *found));
            let help = match hint {
                Some(found) => format!("rename the column `{found}` to `{required}`"),
                None => {
                    format!("add a `{required}` column; a flag needs source, category and severity")
                }
            };
            sink.fail(
                format!(
                    "the header row has no `{required}` column (it has: {})",
                    headers
                        .iter()
                        .map(|h| format!("`{}`", h.trim()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(help),
            );
        }
    }
    if sink.has_errors() {
        return None;
    }
    if !unknown.is_empty() {
        sink.warn(format!(
            "the column{} {} {} not read (a flags CSV has {})",
            if unknown.len() == 1 { "" } else { "s" },
            unknown
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if unknown.len() == 1 { "is" } else { "are" },
            FLAG.names().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut out = Imported::default();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                sink.fail(format!("row {row} (line {line}): {e}"), None);
                continue;
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        let start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .map_or(0, |b| b + bom);
        let cell = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let problem = |sink: &mut Sink<'_>, name: &str, message: String, help: Option<String>| {
            let len = text
                .get(start..)
                .and_then(|rest| rest.lines().next())
                .map_or(0, str::len);
            sink.error_at(
                start,
                len,
                format!("row {row} (line {line}), column `{name}`: {message}"),
                &format!("row {row}"),
                help,
            );
        };
        let source = cell("source");
        let category = cell("category");
        for (name, found) in [("source", source), ("category", category)] {
            if found.is_none() {
                problem(
                    sink,
                    name,
                    String::from("is empty"),
                    Some(format!("every flag needs a {name}")),
                );
            }
        }
        let severity = match cell("severity") {
            None => {
                problem(
                    sink,
                    "severity",
                    String::from("is empty"),
                    Some(String::from(
                        "write one of info, low, medium, high, critical",
                    )),
                );
                None
            }
            Some(word) => match Severity::parse(&word.to_ascii_lowercase()) {
                Some(severity) => Some(severity),
                None => {
                    let names: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
                    problem(
                        sink,
                        "severity",
                        format!(
                            "unknown severity \"{word}\"; expected one of info, low, medium, \
                             high, critical"
                        ),
                        did_you_mean(word, &names),
                    );
                    None
                }
            },
        };
        let (Some(source), Some(category), Some(severity)) = (source, category, severity) else {
            continue;
        };
        let text = |name| cell(name).map(str::to_string);
        out.flags.push(
            Flag::new(source.into(), category.into(), severity)
                .with_author(cell("author").map(Arc::from))
                .with_texts(text("id"), text("note"), text("stage")),
        );
    }
    if out.flags.is_empty() && !sink.has_errors() {
        sink.warn("the file holds no flags");
    }
    (!sink.has_errors()).then_some(out)
}
