#!/usr/bin/env bash
# Headless Neovim as a real client of `tollgate lsp` (see tests/editor/nvim_check.lua).
# Usage: tests/editor/nvim.sh PATH/TO/tollgate
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/broken.gate" <<'GATE'
policy "broken" {
  version "1"
}

metric sycophancy from "behavior.sycophancy_rate" lower is better
rule r {
  block when regression(sycophancy) > "one percent"
}
GATE
HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" \
  timeout 60 nvim --headless --clean \
    --cmd "set rtp^=$repo/editors/nvim" \
    --cmd "lua _G.TOLLGATE_BIN = '$bin'; _G.POLICY = '$work/broken.gate'" \
    -c "luafile $repo/tests/editor/nvim_check.lua" 2>&1
