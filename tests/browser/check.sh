#!/usr/bin/env bash
# The HTML report in a real browser: render every example's report with headless Chromium,
# to a PNG and to the DOM it builds, and check from that DOM that the decision, every rule
# and every plotted metric are there.
#
#   tests/browser/check.sh TOLLGATE [OUT_DIR]
#
# The examples and their policies are listed in tests/browser/examples.txt (also read by the
# snapshot tests). Needs `chromium` (Debian's package) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
tollgate="$(realpath "$1")"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "check.sh: chromium is not installed" >&2
  exit 2
fi

chrome() {
  local profile
  profile="$(mktemp -d)"
  # No network, no first-run work, no sandbox (CI runs as root); a fresh profile each time.
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>/dev/null
  rm -rf "$profile"
}

failed=0
while IFS='|' read -r name policy evidence; do
  name="$(echo "$name" | xargs)"
  case "$name" in '' | '#'*) continue ;; esac
  policy="$(echo "$policy" | xargs)"
  # shellcheck disable=SC2086 # the evidence arguments are words
  set -- $evidence
  html="$out/$name.html"
  status=0
  "$tollgate" eval "$policy" "$@" --format html -o "$html" || status=$?
  if [ "$status" -ge 2 ] && [ "$status" -ne 3 ]; then
    echo "FAIL $name: eval exited $status"; failed=1; continue
  fi
  "$tollgate" eval "$policy" "$@" --format json > "$out/$name.json" || true
  chrome --window-size=1100,900 --screenshot="$out/$name.png" "file://$html" >/dev/null
  chrome --dump-dom "file://$html" > "$out/$name.dom.html"
  if [ ! -s "$out/$name.png" ]; then
    echo "FAIL $name: no screenshot"; failed=1; continue
  fi
  if python3 tests/browser/dom_check.py "$out/$name.json" "$html" "$out/$name.dom.html"; then
    echo "ok   $name ($out/$name.png)"
  else
    echo "FAIL $name"; failed=1
  fi
done < tests/browser/examples.txt
exit "$failed"
