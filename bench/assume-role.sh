#!/usr/bin/env bash
# End-to-end STS benchmark over HTTPS keep-alive (see docs/benchmarks.md, "AssumeRole end to end").
# Starts a fresh gateway on a free port from the repo (demo home: keys/, policies/), waits for it, warms it up,
# then runs ./mlgate bench assume-role at 1 and 16 connections for:
#   assume-role              AssumeRole as demo-admin (long-term key) into role/service/demo-inference
#   caller-identity          GetCallerIdentity signed with the long-term key
#   session-caller-identity  GetCallerIdentity signed with session credentials (X-Amz-Security-Token)
# Usage: bench/assume-role.sh [duration-seconds (20)] [warmup-seconds (30)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
warmup="${2:-30}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
url="https://127.0.0.1:$port"
./mlgate --version >/dev/null          # builds the jar if needed
export MLGATE_HOME="$PWD"
log=target/bench-sts-server.log
java -jar target/mlgate.jar serve --port "$port" > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 60); do grep -q "mlgate is serving" "$log" 2>/dev/null && break; sleep 1; done
grep -q "mlgate is serving" "$log" || { echo "gateway did not start; see $log" >&2; exit 1; }

bench() { java -jar target/mlgate.jar bench assume-role --url "$url" --profile demo-admin \
  --role-arn arn:aws:iam::123456789012:role/service/demo-inference "$@"; }

echo "gateway on $url; warming up for ${warmup}s per call ..."
bench --calls assume-role,caller-identity,session-caller-identity --connections 16 --duration "$warmup" --warmup 0 >/dev/null

echo
echo "## ./mlgate bench assume-role, ${duration}s per run after 5s warm-up"
echo
bench --calls assume-role,caller-identity,session-caller-identity --connections 1,16 \
  --duration "$duration" --warmup 5
