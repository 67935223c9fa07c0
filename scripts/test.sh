#!/usr/bin/env bash
# The test suite: static checks, then pytest. `scripts/test.sh` runs everything (unit, DAG, plugin, stack and
# browser tests); `scripts/test.sh --fast` runs the static checks and every test that needs no stack.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# Processes pytest runs the suite in (pytest-xdist): on two cores, one takes the stack modules that need the stack
# alone while two run the tests that need no stack, then all three share the stack (tests/conftest.py).
WORKERS=${TEST_WORKERS:-3}
FAST=0
if [ "${1:-}" = "--fast" ]; then FAST=1; shift; fi

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
if [ "$FAST" = 0 ]; then bash scripts/needs.sh /usr/bin/chromium chromium; fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

started=$SECONDS
echo "== ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== mypy"
"$VENV/bin/mypy"
static=$((SECONDS - started))

echo "== pytest"
started=$SECONDS
status=0
if [ "$FAST" = 1 ]; then
  "$VENV/bin/pytest" -m "not stack and not distributed and not containers" -n "$WORKERS" --dist load "$@" || status=$?
else
  "$VENV/bin/pytest" -n "$WORKERS" --dist loadscope --no-loadscope-reorder "$@" || status=$?
fi
echo "== time: static checks ${static}s, pytest $((SECONDS - started))s (per tier above)"
exit "$status"
