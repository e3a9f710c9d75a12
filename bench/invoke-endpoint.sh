#!/usr/bin/env bash
# End-to-end InvokeEndpoint benchmark over HTTPS keep-alive (see docs/benchmarks.md).
# Starts a fresh gateway on port 18443 (demo home: keys/, policies/), warms it up, then measures at 1, 16 and 64
# connections with two load generators on the same machine:
#   1. wrk (C, 2 threads) replaying one SigV4-signed request (re-signed before every run; valid 5 minutes);
#   2. ./mlgate bench invoke (Java, Reactor Netty), which signs every request as a real client does and also times
#      the model alone in-process, so the gateway's overhead (latency minus model time) can be read off.
# Usage: bench/invoke-endpoint.sh [duration-seconds (30)] [warmup-seconds (60)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-30}"
warmup="${2:-60}"
port=18443
url="https://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
./mlgate --version >/dev/null          # builds the jar if needed
export MLGATE_HOME="$PWD"
java -jar target/mlgate.jar serve --port "$port" > target/bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 60); do grep -q "mlgate is serving" target/bench-server.log 2>/dev/null && break; sleep 1; done

script() { java -jar target/mlgate.jar bench wrk-script --url "$url" --out target/invoke.lua >/dev/null; }
echo "warming up for ${warmup}s ..."
script
wrk -t2 -c16 -d"${warmup}s" -s target/invoke.lua "$url" >/dev/null

echo
echo "## wrk, 2 threads, ${duration}s per run"
echo
echo "| connections | req/s | p50 ms | p90 ms | p99 ms | errors |"
echo "|---:|---:|---:|---:|---:|---|"
for c in 1 16 64; do
  script
  out=$(wrk -t"$([ "$c" = 1 ] && echo 1 || echo 2)" -c"$c" -d"${duration}s" --latency -s target/invoke.lua "$url")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p90=$(echo "$out" | awk '$1=="90%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk -F': ' '/^errors:/ {print $2}')
  echo "| $c | $rps | $p50 | $p90 | $p99 | $errors |"
done

echo
echo "## ./mlgate bench invoke (Java, signs every request), ${duration}s per run after 15s warm-up"
echo
java -jar target/mlgate.jar bench invoke --url "$url" --connections 1,16,64 --duration "$duration" --warmup 15
