//! The HTML document around a report: one style sheet, light and printable, no script.

use super::escape;

/// A whole document with `title` and `body` (already HTML).
pub fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"tollgate {version}\">\n\
<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\
<footer>Made by tollgate {version}. This page needs no script and loads nothing.</footer>\n\
</main>\n</body>\n</html>\n",
        title = escape(title),
        version = env!("CARGO_PKG_VERSION"),
    )
}

const STYLE: &str = "
:root { --block: #b42318; --review: #b54708; --warn: #8a6d00; --pass: #067647;
  --waived: #475467; --line: #d0d5dd; --soft: #f2f4f7; --ink: #101828; --mute: #475467; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
code { font: 13px ui-monospace, 'SF Mono', Menlo, Consolas, monospace; background: var(--soft);
  padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 13px; color: var(--mute); font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.metrics code, table.files code { overflow-wrap: normal; word-break: break-all; }
table.files th:nth-child(2), table.files td:nth-child(2) { white-space: nowrap; }
.banner { border-left: 10px solid; padding: 14px 18px; background: var(--soft); border-radius: 4px; }
.banner.block { border-color: var(--block); } .banner.review { border-color: var(--review); }
.banner.warn { border-color: var(--warn); } .banner.pass { border-color: var(--pass); }
.verdict { font-size: 15px; color: var(--mute); margin: 0 0 10px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0 0; }
dl.facts dt { color: var(--mute); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; text-transform: uppercase;
  letter-spacing: .03em; color: #fff; padding: 1px 7px; border-radius: 10px; white-space: nowrap; }
.badge.block { background: var(--block); } .badge.review { background: var(--review); }
.badge.warn { background: var(--warn); } .badge.pass { background: var(--pass); }
.badge.waived { background: var(--waived); }
.rule { border: 1px solid var(--line); border-left-width: 6px; border-radius: 4px;
  padding: 8px 12px; margin: 8px 0; break-inside: avoid; }
.rule.block { border-left-color: var(--block); } .rule.review { border-left-color: var(--review); }
.rule.warn { border-left-color: var(--warn); } .rule.waived { border-left-color: var(--waived); }
.rule p { margin: 4px 0; }
.where { color: var(--mute); font-size: 13px; }
.none { color: var(--mute); }
.plot { width: 100%; height: auto; break-inside: avoid; }
.plot text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.plot .axis text { fill: var(--mute); }
.plot .block { stroke: var(--block); fill: var(--block); }
.plot .review { stroke: var(--review); fill: var(--review); }
.plot .warn { stroke: var(--warn); fill: var(--warn); }
.plot .pass { stroke: var(--pass); fill: var(--pass); }
.plot .waived { stroke: var(--waived); fill: var(--waived); }
.plot text.block, .plot text.review, .plot text.warn, .plot text.pass, .plot text.waived { stroke: none; }
.plot .zero { stroke: var(--ink); stroke-width: 1.2; }
.plot .grid { stroke: var(--line); }
.plot .threshold { stroke-width: 2; stroke-dasharray: 4 2; fill: none; }
.plot .ci { stroke-width: 3; }
.plot .band { fill: var(--soft); stroke: none; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.side pre { margin: 0; padding: 6px 8px; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 13px ui-monospace, Menlo, Consolas, monospace; border-radius: 3px; }
.side .old { background: #fef3f2; } .side .new { background: #ecfdf3; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
footer { margin-top: 32px; color: var(--mute); font-size: 12px; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .rule, svg { break-inside: avoid; }
  /* Paper has no disclosure triangle: print the folded rules too. */
  details::details-content { content-visibility: visible; display: block; }
}
";
