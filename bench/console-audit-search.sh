#!/usr/bin/env bash
# Web console audit search over one million events (issue 11, docs/benchmarks.md "Web console (issue 11)"):
#  1. a fresh home whose audit/ folder holds LookupBenchmark's 1,000,000 generated events in 16 closed log files
#     (generated once under target/lookup-bench/ and hard-linked; src/test/java/io/mlgate/audit/index/bench/
#     ConsoleAuditTrail.java), with a rare user/access key (20 events) and CreateEndpoint matching ~1%;
#  2. `java -jar target/mlgate.jar serve` on it;
#  3. console/e2e/bench/audit-search.mjs: headless Chromium signed in as demo-admin times five searches in the audit
#     explorer (click on Search → rows rendered; one warm-up, REPS runs) and the same LookupEvents calls from node;
#  4. the AWS CLI's `cloudtrail lookup-events` wall time per query (process start included), unless CLI=0;
#  5. a restart of the gateway on the same home and the first LookupEvents calls (index on disk), unless RESTART=0.
# Usage: bench/console-audit-search.sh [reps (5)]   Environment: PORT (18447), CLI (1), RESTART (1), KEEP_HOME (0)
# Prints FIGURE lines; the gateway is stopped and the home deleted at the end (KEEP_HOME=1 keeps the home).
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-5}"
port="${PORT:-18447}"
repo="$PWD"

# --- build what is missing (the jar as ./mlgate does; test classes for the trail generator)
if [ ! -f target/mlgate.jar ] || [ -n "$(find src/main pom.xml console/src console/index.html -newer target/mlgate.jar \
    -print -quit 2>/dev/null)" ]; then
  echo "building target/mlgate.jar ..." >&2
  mvn -B -ntp -o -q -DskipTests package >&2
fi
gen=target/test-classes/io/mlgate/audit/index/bench/ConsoleAuditTrail.class
if [ ! -f "$gen" ] || [ ! -f target/bench.classpath ] \
    || [ -n "$(find src/test/java/io/mlgate/audit/index -newer "$gen" -print -quit)" ]; then
  echo "compiling the test classes ..." >&2
  mvn -B -ntp -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test >&2
fi
# an argfile keeps the java command line short
printf -- '-cp target/test-classes:target/classes:%s\n' "$(cat target/bench.classpath)" > target/bench.args
if [ ! -f console/e2e/node_modules/playwright-core/package.json ]; then
  (cd console/e2e && npm ci --prefer-offline --no-audit --no-fund) >&2
fi

# --- 1. the home and its trail
home="$(mktemp -d /tmp/mlgate-bench-console-audit.XXXXXX)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ "${KEEP_HOME:-0}" = 1 ]; then echo "home kept: $home" >&2; else rm -rf "$home"; fi
}
trap cleanup EXIT
cp -r policies "$home/"
t0=$(date +%s)
java @target/bench.args io.mlgate.audit.index.bench.ConsoleAuditTrail "$home/audit" > "$home/trail.properties"
echo "trail: $(tr '\n' ' ' < "$home/trail.properties")($(($(date +%s) - t0)) s)"
fact() { sed -n "s/^$1=//p" "$home/trail.properties"; }

# --- 2. the gateway
start_gateway() { # log file
  local t0 log=$1
  t0=$(date +%s)
  java -jar target/mlgate.jar serve --port "$port" --home "$home" > "$log" 2>&1 &
  server=$!
  for _ in $(seq 120); do
    grep -q "mlgate is serving" "$log" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || break
    sleep 1
  done
  grep -q "mlgate is serving" "$log" || { echo "the gateway did not start:" >&2; tail -50 "$log" >&2; exit 1; }
  echo "gateway pid $server serving on port $port after $(($(date +%s) - t0)) s"
}
stop_gateway() {
  local t0
  t0=$(date +%s)
  kill "$server"; wait "$server" 2>/dev/null || true
  server=""
  echo "gateway stopped in $(($(date +%s) - t0)) s (it writes a digest at shutdown)"
}
browser() { # extra environment...
  env "$@" TZ=UTC MLGATE_CONSOLE_URL="https://localhost:$port/console/" \
    MLGATE_DEMO_CREDENTIALS="$home/keys/demo-credentials" MLGATE_SCREENSHOTS="$repo/target/console-bench-screenshots" \
    BENCH_REPS="$reps" BENCH_MIDDLE_EPOCH="$(fact middleEpochSeconds)" BENCH_RARE_KEY="$(fact rareAccessKeyId)" \
    BENCH_RARE_USER="$(fact rareUserName)" BENCH_RARE_EVENTS="$(fact rareEvents)" \
    BENCH_EVENT_NAME="$(fact onePercentEventName)" node console/e2e/bench/audit-search.mjs
}
start_gateway "$home/server.log"

# --- 3. the browser (the first calls wait for the index, which the gateway builds in the background at start)
mkdir -p target/console-bench-screenshots
browser

# --- 4. the AWS CLI (wall time of the whole `aws` process, Python start-up included)
if [ "${CLI:-1}" = 1 ] && command -v aws >/dev/null; then
  middle="$(fact middleEpochSeconds)"
  aws_() {
    AWS_SHARED_CREDENTIALS_FILE="$home/keys/demo-credentials" AWS_CA_BUNDLE="$home/keys/dev-ca.pem" \
      aws --endpoint-url "https://localhost:$port" --region us-east-1 --profile demo-admin --output json \
      cloudtrail lookup-events --no-paginate --max-results 50 "$@" > /dev/null
  }
  timed() { # figure command...: one warm-up, then reps runs; prints the median and the max
    local figure=$1; shift
    "$@"
    local times=() s e
    for _ in $(seq "$reps"); do
      s=$(date +%s%N); "$@"; e=$(date +%s%N)
      times+=($(((e - s) / 1000000)))
    done
    local sorted
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "FIGURE $figure-ms=${sorted[$((reps / 2))]}"
    echo "FIGURE $figure-max-ms=${sorted[$((reps - 1))]}"
  }
  cli() { local name=$1; shift; timed "aws-cli-lookup-events-$name" aws_ "$@"; }
  aws_version() { aws --version > /dev/null; }
  timed aws-cli-version-only aws_version
  cli no-filter
  cli window-60s --start-time "$middle" --end-time "$((middle + 60))"
  cli event-name-1pct --lookup-attributes "AttributeKey=EventName,AttributeValue=$(fact onePercentEventName)"
  cli rare-access-key --lookup-attributes "AttributeKey=AccessKeyId,AttributeValue=$(fact rareAccessKeyId)"
  cli rare-user --lookup-attributes "AttributeKey=Username,AttributeValue=$(fact rareUserName)"
fi
echo "index sidecars: $(du -sh "$home/audit/index" | cut -f1)"

# --- 5. a restart: the sidecars are on disk now, so the first calls need no rebuild
if [ "${RESTART:-1}" = 1 ]; then
  stop_gateway
  start_gateway "$home/server-restart.log"
  browser BENCH_FIRST_ONLY=1
fi
