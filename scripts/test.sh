#!/usr/bin/env bash
# `npm test`: typecheck, lint (oxlint, Prettier), unit tests (signaling server and call engine), build, browser tests (Chromium +
# Firefox ESR), end-to-end tests, and the network lab's calls between homes behind NAT.
# Stops at the first failing step. Everything runs in one private network namespace (scripts/netns.sh) because
# WebRTC gathers no ICE candidates on loopback alone; the steps that do not need it are unaffected by it.
# Ends with one plain line, "N passed, N failed", summing node's test runner and web-test-runner counts.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${NETNS_INSIDE:-}" != 1 ] && command -v unshare >/dev/null; then
  exec bash scripts/netns.sh bash scripts/test.sh "$@"
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed=0
failed=0
started=$SECONDS

strip_ansi() { sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$1"; }

# node's test runner closes with "# pass N" / "# fail N" (TAP, when piped) or "ℹ pass N" (spec).
count_node() {
  local p f
  # One summary per `node --test` run; a step may make several (test:lab does), so they are summed.
  p=$(strip_ansi "$1" | grep -E '^(#|ℹ) pass [0-9]+$' | grep -oE '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }' || true)
  f=$(strip_ansi "$1" | grep -E '^(#|ℹ) fail [0-9]+$' | grep -oE '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }' || true)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

# web-test-runner prints one progress line per browser, "Chrome: |...| 1/1 test files | 3 passed, 0 failed",
# redrawn as it goes: the last one per browser holds the totals.
count_wtr() {
  local browser line p f
  for browser in $(strip_ansi "$1" | grep -oE '^[A-Za-z]+: +\|' | cut -d: -f1 | sort -u); do
    line=$(strip_ansi "$1" | grep -E "^$browser: +\|.* passed, [0-9]+ failed" | tail -1 || true)
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
  done
}

summary() {
  echo
  echo "${passed} passed, ${failed} failed"
}

step() {
  local name=$1
  shift
  echo
  echo "=== ${name} ($((SECONDS - started)) s)"
  if ! "$@"; then
    echo "=== ${name} failed"
    summary
    exit 1
  fi
}

# Runs "$@" with its output shown and kept in $logs/$name.log; on failure, counts what ran and stops.
counted() {
  local name=$1 counter=$2
  shift 2
  echo
  echo "=== ${name} ($((SECONDS - started)) s)"
  local rc=0
  "$@" 2>&1 | tee "$logs/$name.log" || rc=$?
  "$counter" "$logs/$name.log"
  if [ "$rc" != 0 ]; then
    echo "=== ${name} failed (exit ${rc})"
    summary
    exit "$rc"
  fi
}

# The package.json scripts are the one definition of each step; inside the namespace netns.sh runs them as is.
step typecheck npm run --silent typecheck
# oxlint (type-aware) and Prettier: a few seconds.
step lint npm run --silent lint
# The node-only unit tests, the signaling server's (test/signaling) and the call engine's (test/unit), mostly
# wait on sockets and timers: they run while the app builds and the browser tests run, and their output follows
# the browser step's.
echo
echo "=== unit, in the background ($((SECONDS - started)) s)"
{ npm run --silent test:unit && npm run --silent test:core; } >"$logs/unit-background.log" 2>&1 &
unit_pid=$!
# `|| true`: by the normal end the job has been reaped, and a failing kill under set -e would make the exit code 1.
trap 'kill "$unit_pid" 2>/dev/null || true; rm -rf "$logs"' EXIT
step build npm run --silent build
counted browser count_wtr npm run --silent test:browser
unit_rc=0
wait "$unit_pid" || unit_rc=$?
counted unit count_node bash -c 'cat "$1"; exit "$2"' _ "$logs/unit-background.log" "$unit_rc"
counted e2e count_node npm run --silent test:e2e
# WebKitGTK (the engine of iOS Safari) under Xvfb: home, cannot-call page, pre-join, language. It skips
# itself, saying why, where WebKitWebDriver, Xvfb or PyGObject's WebKit are missing (test/webkit/session.ts).
counted webkit count_node npm run --silent test:webkit
# The network lab (homes behind NAT routers; test/lab/network.ts) needs root, nftables and tc: it skips itself,
# saying why, where they are missing. One file at a time: side by side on two cores took longer (418 s vs 328 s).
counted lab count_node npm run --silent test:lab

echo
echo "=== done in $((SECONDS - started)) s"
summary
if [ "$failed" != 0 ]; then exit 1; fi
