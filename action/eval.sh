#!/usr/bin/env bash
# The evaluation step of action.yml, as a script so that it can be run and tested outside a
# runner (tests/all/ci_action.rs). Reads the action's inputs from TOLLGATE_* and the runner's
# files from GITHUB_* / RUNNER_TEMP:
# - prints GitHub annotations on the policy lines (`eval --format github`), which also appends
#   the markdown launch report to $GITHUB_STEP_SUMMARY;
# - writes the HTML report to $RUNNER_TEMP/tollgate/report.html;
# - writes decision, report and failed (true when the decision meets --fail-on, or the input
#   could not be used) to $GITHUB_OUTPUT.
# It exits 0 even when the job is to fail, so that the report is uploaded first; the action's
# last step fails the job.
set -uo pipefail

tollgate="${TOLLGATE_BIN:-tollgate}"
policy="${TOLLGATE_POLICY:?the policy input is required}"
fail_on="${TOLLGATE_FAIL_ON:-block}"
out_dir="${RUNNER_TEMP:-$(mktemp -d)}/tollgate"
mkdir -p "$out_dir"

args=("$policy")
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && args+=(--evidence "$line")
done <<< "${TOLLGATE_EVIDENCE:-}"
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && args+=(--baseline "$line")
done <<< "${TOLLGATE_BASELINE:-}"
if [ -n "${TOLLGATE_NOW:-}" ]; then
  args+=(--now "$TOLLGATE_NOW")
fi

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1=$2" >> "$GITHUB_OUTPUT"
  fi
}

# Annotations and the step summary; this status decides the job.
status=0
"$tollgate" eval "${args[@]}" --format github --fail-on "$fail_on" || status=$?

report="$out_dir/report.html"
html_status=0
"$tollgate" eval "${args[@]}" --format html -o "$report" || html_status=$?
if [ "$html_status" -eq 2 ] || [ ! -s "$report" ]; then
  report=""
fi
decision=""
json="$("$tollgate" eval "${args[@]}" --format json 2>/dev/null)" || true
decision="$(printf '%s' "$json" | sed -n 's/^  "decision": "\([a-z]*\)",\{0,1\}$/\1/p' | head -n 1)"

output decision "$decision"
output report "$report"
# 1: the decision meets --fail-on; 2: the input could not be used. 3 (review) fails only
# through --fail-on, which makes it 1.
if [ "$status" -eq 1 ] || [ "$status" -eq 2 ]; then
  output failed true
else
  output failed false
fi
exit 0
