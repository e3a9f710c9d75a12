#!/usr/bin/env bash
# Where the end-to-end time goes (docs/benchmarks.md, "Diagnostics"): wrk at 16 and 64 connections against
#   a) InvokeEndpoint with --audit-sync batched (no fsync wait per response), and
#   b) an unknown route (no authentication, no model; TLS + WebFlux + audit only), strict audit.
# Usage: bench/diagnostics.sh [duration-seconds (30)] [warmup-seconds (45)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-30}"; warmup="${2:-45}"; port=18443; url="https://127.0.0.1:$port"
./mlgate --version >/dev/null
export MLGATE_HOME="$PWD"
run_server() {
  java -jar target/mlgate.jar serve --port "$port" "$@" > target/bench-server.log 2>&1 &
  server=$!
  for _ in $(seq 60); do grep -q "mlgate is serving" target/bench-server.log 2>/dev/null && break; sleep 1; done
}
row() { # label connections wrk-args...
  local label=$1 c=$2; shift 2
  out=$(wrk -t2 -c"$c" -d"${duration}s" --latency "$@")
  echo "| $label | $c | $(echo "$out" | awk '/Requests\/sec/ {print $2}') | $(echo "$out" | awk '$1=="50%" {print $2}') | $(echo "$out" | awk '$1=="99%" {print $2}') |"
}
echo "| case | connections | req/s | p50 | p99 |"
echo "|---|---:|---:|---:|---:|"
run_server --audit-sync batched
trap 'kill $server 2>/dev/null || true' EXIT
java -jar target/mlgate.jar bench wrk-script --url "$url" --out target/invoke.lua >/dev/null
wrk -t2 -c16 -d"${warmup}s" -s target/invoke.lua "$url" >/dev/null
for c in 16 64; do
  java -jar target/mlgate.jar bench wrk-script --url "$url" --out target/invoke.lua >/dev/null
  row "InvokeEndpoint, audit batched" "$c" -s target/invoke.lua "$url"
done
kill $server; wait $server 2>/dev/null || true
run_server
wrk -t2 -c16 -d"${warmup}s" "$url/unknown" >/dev/null
for c in 16 64; do row "unknown route (404), audit strict" "$c" "$url/unknown"; done
