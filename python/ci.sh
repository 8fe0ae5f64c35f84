#!/usr/bin/env bash
# The Python package's checks, as CI runs them (called by .ci/run after the release build):
# format and lint the extension crate, build the wheel in one fresh virtual environment,
# install it into another, run the pytest suite and `mypy --strict` on the examples and
# tests against the shipped stubs.
# Usage: python/ci.sh [TOLLGATE_BINARY]  (default target/release/tollgate, for the tests
# that compare with the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "${1:-target/release/tollgate}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pip_install() { "$1/bin/python" -m pip install --quiet --disable-pip-version-check "${@:2}"; }

start=$SECONDS
# The extension crate is not a default member: the root fmt and clippy steps do not see it.
cargo fmt -p tollgate-python --check
cargo clippy -p tollgate-python --all-targets --locked -- -D warnings
python3 -m venv "$work/build"
pip_install "$work/build" maturin==1.16.0
"$work/build/bin/maturin" build --release --locked --quiet -m python/Cargo.toml \
    --out "$work/wheels"
echo "python: wheel built in $((SECONDS - start)) s: $(basename "$work"/wheels/*.whl)"

python3 -m venv "$work/test"
pip_install "$work/test" "$work"/wheels/tollgate-*.whl pytest==9.2.0 mypy==2.4.1
TOLLGATE_BIN="$binary" "$work/test/bin/python" -m pytest -q -p no:cacheprovider python/tests
"$work/test/bin/mypy" --strict --cache-dir "$work/mypy-cache" examples/python python/tests
echo "python: checks done in $((SECONDS - start)) s"
