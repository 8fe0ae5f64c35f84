"""Check the DOM Chromium built from a report against the evaluation's JSON.

dom_check.py EVALUATION.json REPORT.html DUMPED_DOM.html

- the decision in the banner is the evaluation's;
- every rule of the evaluation has an element with its data-rule (the Why cards, the
  limitations list, or the passed rules' table);
- every metric of the report's table is plotted: a row with its data-metric inside the SVG.
"""

import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.decision = ""
        self.rules = set()
        self.table_metrics = set()
        self.plotted = set()
        self._in_decision = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(tag)
        if "decision" in (a.get("class") or "").split():
            self._in_decision = True
        if "data-rule" in a:
            self.rules.add(a["data-rule"])
        if "data-metric" in a:
            if tag == "tr":
                self.table_metrics.add(a["data-metric"])
            elif tag == "g" and "svg" in self.stack:
                self.plotted.add(a["data-metric"])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop() == tag:
                break
        if tag == "span":
            self._in_decision = False

    def handle_data(self, data):
        if self._in_decision:
            self.decision += data


def parse(path):
    dom = Dom()
    with open(path, encoding="utf-8") as f:
        dom.feed(f.read())
    return dom


def main():
    evaluation_path, report_path, dom_path = sys.argv[1:4]
    with open(evaluation_path, encoding="utf-8") as f:
        evaluation = json.load(f)
    report = parse(report_path)
    dom = parse(dom_path)
    problems = []
    if dom.decision.strip().lower() != evaluation["decision"]:
        problems.append(f"decision {dom.decision.strip()!r}, expected {evaluation['decision']!r}")
    for rule in evaluation["rules"]:
        if rule["id"] not in dom.rules:
            problems.append(f"rule {rule['id']} is not in the DOM")
    if not report.table_metrics and "No rule reads a metric" not in open(dom_path, encoding="utf-8").read():
        problems.append("the report plots no metric")
    for key in sorted(report.table_metrics):
        if key not in dom.plotted:
            problems.append(f"metric {key} is not plotted in the DOM")
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
