#!/usr/bin/env bash
# The OPA guardrail layer's share of InvokeEndpoint latency (see docs/benchmarks.md, "OPA guardrails").
# Runs the demo endpoint iris as demo-analyst through two gateways on the same demo home, alternately: one with
# IAM alone, one with a Wasm guardrail in policies/opa/ (the demo policy shipped in the opa-java-wasm jar, data
# {"role": {"demo-analyst": "admin"}}, so every call is evaluated and allowed). wrk replays one SigV4-signed request
# (re-signed before each run) over TLS keep-alive; rounds alternate off/on to spread the machine's noise.
# Usage: bench/opa-guardrail.sh [duration-seconds (20)] [rounds (3)] [connections (1 16)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
rounds="${2:-3}"
conns="${3:-1 16}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
./mlgate --version >/dev/null          # builds the jar if needed
export MLGATE_HOME="$PWD"
work=$(mktemp -d)
trap 'kill $off $on 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r policies "$work/policies"
mkdir -p "$work/policies/opa"
wasm_jar=$(ls ~/.m2/repository/com/styra/opa/opa-java-wasm/*/opa-java-wasm-*.jar | grep -v sources | tail -1)
unzip -p "$wasm_jar" demo-policy.wasm > "$work/policies/opa/demo.wasm"
echo '{"role": {"demo-analyst": "admin"}}' > "$work/policies/opa/demo.data.json"

# each gateway holds its own audit folder (a folder has one writer)
java -jar target/mlgate.jar serve --port 18443 --mlgate.management.port=0 --mlgate.audit-dir="$work/audit-off" \
  > target/bench-opa-off.log 2>&1 &
off=$!
java -jar target/mlgate.jar serve --port 18444 --mlgate.management.port=0 --mlgate.audit-dir="$work/audit-on" \
  --mlgate.policies-dir="$work/policies" > target/bench-opa-on.log 2>&1 &
on=$!
for log in target/bench-opa-off.log target/bench-opa-on.log; do
  for _ in $(seq 90); do grep -q "mlgate is serving" "$log" 2>/dev/null && break; sleep 1; done
  grep -q "mlgate is serving" "$log" || { echo "a gateway did not start: $log" >&2; exit 1; }
done

run() { # port connections seconds -> "rps p50 p99"
  local url="https://127.0.0.1:$1"
  java -jar target/mlgate.jar bench wrk-script --url "$url" --out "target/opa-$1.lua" >/dev/null
  local out
  out=$(wrk -t"$([ "$2" = 1 ] && echo 1 || echo 2)" -c"$2" -d"$3s" --latency -s "target/opa-$1.lua" "$url")
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1=="50%" {print $2}') $(echo "$out" | awk '$1=="99%" {print $2}') $(echo "$out" | awk -F': ' '/^Non-2xx/ {print $2}')"
}
echo "warming up both gateways ..."
run 18443 16 20 >/dev/null
run 18444 16 20 >/dev/null

echo
echo "| round | connections | IAM only req/s | p50 | p99 | IAM + OPA req/s | p50 | p99 |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in $(seq "$rounds"); do
  for c in $conns; do
    a=$(run 18443 "$c" "$duration")
    b=$(run 18444 "$c" "$duration")
    set -- $a; ar=$1 ap50=$2 ap99=$3 anon=${4:-}
    set -- $b; br=$1 bp50=$2 bp99=$3 bnon=${4:-}
    [ -z "$anon$bnon" ] || echo "non-2xx answers: off=$anon on=$bnon (the guardrail must allow every call)" >&2
    echo "| $r | $c | $ar | $ap50 | $ap99 | $br | $bp50 | $bp99 |"
  done
done
