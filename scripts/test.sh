#!/usr/bin/env bash
# Hearth's test command (`npm test`): installs the system tools the suites use when it can,
# builds, runs the unit tests, then the end-to-end suites against real servers, and ends with
# one summary line. Usage: scripts/test.sh [all|unit|e2e]
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
which_suites="${1:-all}"

# --- (a) system tools: bubblewrap + socat + mkfs.ext4 (isolation), AWS CLI v2, boto3, zip --------
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v mkfs.ext4 >/dev/null 2>&1 || missing+=(e2fsprogs)
command -v slirp4netns >/dev/null 2>&1 || missing+=(slirp4netns)
[ -x /usr/bin/aws ] || missing+=(awscli)
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
command -v zip >/dev/null 2>&1 || missing+=(zip)

if [ "${#missing[@]}" -gt 0 ] && [ "$which_suites" != unit ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing missing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq bubblewrap socat e2fsprogs slirp4netns awscli python3-boto3 zip >/dev/null; }; then
      echo "test.sh: apt-get failed; the suites that need ${missing[*]} will be skipped"
    fi
  else
    echo "test.sh: not root (or no apt-get), so these stay missing: ${missing[*]}"
    for package in "${missing[@]}"; do
      case "$package" in
        awscli) echo "  - test/e2e/aws-cli.test.ts and the 'hearth env' test will be skipped (no /usr/bin/aws)" ;;
        python3-boto3) echo "  - test/e2e/boto3.test.ts will be skipped unless a python3 on PATH has boto3" ;;
        bubblewrap | e2fsprogs) echo "  - sandboxes run without isolation (process driver); the isolated-driver tests are skipped" ;;
        slirp4netns) echo "  - the hearth:network=internet tests are skipped" ;;
        socat) echo "  - isolated sandboxes cannot offer AWS_LAMBDA_RUNTIME_API over TCP to third-party runtime clients" ;;
        zip) echo "  - nothing is skipped for zip (tests build archives in memory)" ;;
      esac
    done
  fi
fi

# --- (b) build --------------------------------------------------------------------------------
if ! npm run --silent build; then
  echo "test.sh: the build failed"
  echo "Total: 0 passed, 1 failed"
  exit 1
fi

# --- (b2) static checks: lint (floating promises, …), import cycles, formatting ----------------
static_failed=0
if [ "$which_suites" != e2e ]; then
  echo "=== static checks ==="
  npm run --silent lint || static_failed=1
  npm run --silent format:check || static_failed=1
  [ "$static_failed" = 0 ] || echo "test.sh: static checks failed (see above)"
fi

# --- (c) run ----------------------------------------------------------------------------------
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true # the SDK nags about Node 20 in every file
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
status=0

# run_suite LABEL CONCURRENCY TIMEOUT_MS FILES...: node's test runner, spec output on the
# terminal and a TAP copy for the counts. TIMEOUT_MS bounds each test, so a hang fails that test
# instead of stalling the run.
run_suite() {
  local label="$1" concurrency="$2" timeout_ms="$3"
  shift 3
  if [ "$#" -eq 0 ]; then
    echo "test.sh: no $label test files found"
    status=1
    return
  fi
  echo "=== $label tests ($# files) ==="
  if ! node --test --test-concurrency="$concurrency" --test-timeout="$timeout_ms" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$reports/$label.tap" \
    "$@"; then
    status=1
  fi
}

if [ "$which_suites" = all ] || [ "$which_suites" = unit ]; then
  mapfile -t unit_files < <(find build/src build/bench -name '*.test.js' | sort)
  run_suite unit 2 120000 "${unit_files[@]}"
fi
if [ "$which_suites" = all ] || [ "$which_suites" = e2e ]; then
  # Each e2e file starts its own server; two at a time keeps a 2-core machine responsive.
  mapfile -t e2e_files < <(find build/test/e2e -name '*.test.js' | sort)
  run_suite e2e 2 300000 "${e2e_files[@]}"
fi

# count KEY: the sum over suites of the runner's closing "# KEY N" line (the last one in each file).
count() {
  local total=0 file value
  for file in "$reports"/*.tap; do
    [ -f "$file" ] || continue
    value="$(grep -E "^# $1 [0-9]+$" "$file" | tail -n 1 | awk '{ print $3 }')"
    total=$((total + ${value:-0}))
  done
  echo "$total"
}
passed="$(count pass)"
failed=$(($(count fail) + $(count cancelled) + static_failed))
[ "$static_failed" = 0 ] || status=1
skipped="$(count skipped)"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Total: $passed passed, $failed failed, $skipped skipped"
exit "$status"
