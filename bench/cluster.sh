#!/usr/bin/env bash
# Gateway→node benchmark (issue 9, docs/benchmarks.md "Runtime nodes"): InvokeEndpoint through the gateway with the
# model run in the gateway process (cluster disabled), then on one runtime node (`./mlgate node`, a second JVM on
# loopback) over HTTP/2 cleartext (h2c) and over mutual TLS 1.3. Everything is created the way a user does it: the
# AWS CLI v2 against the gateway's SageMaker control plane, `./mlgate cluster join-token`, `./mlgate node`.
# Usage: bench/cluster.sh
# Environment: DURATION (measured seconds per path, default 20), WARMUP (unmeasured seconds per path, default 10),
#              CONNECTIONS (default 16), KEEP=1 keeps the temporary home (logs) after the run.
# Needs target/mlgate.jar (`mvn -B -ntp -o -q package -DskipTests`; ./mlgate builds it if missing) and /usr/bin/aws.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
duration="${DURATION:-20}"
warmup="${WARMUP:-10}"
connections="${CONNECTIONS:-16}"
./mlgate --version >/dev/null                       # builds the jar if needed

# free loopback ports: gateway HTTPS, management, control port, node TLS data port, node h2c port
read -r port mport cport nport hport < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()')
url="https://127.0.0.1:$port"
home="$(mktemp -d /tmp/mlgate-bench-cluster.XXXXXX)"
cp -r policies "$home/"
export MLGATE_HOME="$home"

running=()   # load generator and gateway processes still running, in start order
nodes=()
cleanup() {
  local i
  # newest first (load generator, then gateway), nodes last: the gateway logs no ClusterNodeLost on the way out
  for ((i = ${#running[@]} - 1; i >= 0; i--)); do stop "${running[i]}"; done
  for i in "${nodes[@]}"; do stop "$i"; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $home" >&2; else rm -rf "$home"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gateway_pid=
start_gateway() { # log-file [extra serve options]
  local log=$1; shift
  ./mlgate serve --port "$port" --mlgate.management.port="$mport" "$@" > "$log" 2>&1 &
  gateway_pid=$!
  running+=("$gateway_pid")
  for _ in $(seq 120); do
    grep -q "mlgate is serving" "$log" 2>/dev/null && return 0
    kill -0 "$gateway_pid" 2>/dev/null || break
    sleep 1
  done
  echo "gateway did not start; its log:" >&2; tail -50 "$log" >&2; exit 1
}
stop() { # pid: end it, wait for it, forget it
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget "$1"
}
forget() { # pid: no longer ours to stop
  local keep=() p
  for p in "${running[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  running=("${keep[@]}")
}

aws_() {
  AWS_SHARED_CREDENTIALS_FILE="$home/keys/demo-credentials" AWS_CA_BUNDLE="$home/keys/dev-ca.pem" \
    /usr/bin/aws --endpoint-url "$url" --region us-east-1 --profile demo-admin --output text "$@"
}
role=arn:aws:iam::123456789012:role/service/demo-inference
model_created=
endpoint() { # name [encryption tag value]
  local name=$1 tag=${2:-}
  if [ -z "$model_created" ]; then
    aws_ sagemaker create-model --model-name bench-iris --execution-role-arn "$role" \
      --primary-container ModelDataUrl=s3://mlgate-models/iris >/dev/null
    model_created=1
  fi
  aws_ sagemaker create-endpoint-config --endpoint-config-name "$name-config" \
    --production-variants VariantName=AllTraffic,ModelName=bench-iris,InitialInstanceCount=1,InstanceType=ml.m5.large \
    ${tag:+--tags Key=mlgate:EnableInterContainerTrafficEncryption,Value=$tag} >/dev/null
  aws_ sagemaker create-endpoint --endpoint-name "$name" --endpoint-config-name "$name-config" >/dev/null
  local status
  for _ in $(seq 120); do
    status=$(aws_ sagemaker describe-endpoint --endpoint-name "$name" --query EndpointStatus)
    [ "$status" = InService ] && return 0
    if [ "$status" = Failed ]; then
      echo "endpoint $name failed: $(aws_ sagemaker describe-endpoint --endpoint-name "$name" --query FailureReason)" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "endpoint $name did not come up (status $status)" >&2; exit 1
}

# bytes the gateway has sent to a node port over its established connections (ss -ti bytes_sent), to check that a
# run went over the transport it is labelled with
sent_to() { # port
  ss -tni state established "( dport = :$1 )" 2>/dev/null \
    | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^bytes_sent:/) { split($i, a, ":"); t += a[2] } } END { print t + 0 }'
}

# one call with the AWS CLI: the answer of every path must be the in-process answer, byte for byte
expected=
check_answer() { # endpoint
  aws_ sagemaker-runtime invoke-endpoint --endpoint-name "$1" --content-type text/csv \
    --cli-binary-format raw-in-base64-out --body '5.1,3.5,1.4,0.2' "$home/answer-$1.json" >/dev/null
  if [ -z "$expected" ]; then
    expected="$home/answer-$1.json"
  elif ! cmp -s "$expected" "$home/answer-$1.json"; then
    echo "$1 answered $(cat "$home/answer-$1.json"), in-process $(cat "$expected")" >&2; exit 1
  fi
}

rows=()
bench() { # label endpoint [port that must carry the calls, the other node port]
  local out before_use before_other used other
  if [ $# -gt 2 ]; then before_use=$(sent_to "$3"); before_other=$(sent_to "$4"); fi
  # in the background and waited for, so that a signal to this script runs the trap at once and ends it too
  ./mlgate bench invoke --url "$url" --profile demo-admin --credentials "$home/keys/demo-credentials" \
    --ca "$home/keys/dev-ca.pem" --endpoint "$2" --connections "$connections" --duration "$duration" \
    --warmup "$warmup" > "$home/bench-$2.out" &
  local pid=$!
  running+=("$pid")
  wait "$pid" || { forget "$pid"; echo "bench invoke failed on $2" >&2; exit 1; }
  forget "$pid"
  out=$(cat "$home/bench-$2.out")
  if [ $# -gt 2 ] && command -v ss >/dev/null; then
    used=$(( $(sent_to "$3") - before_use )); other=$(( $(sent_to "$4") - before_other ))
    echo "$1: gateway sent $used bytes to node port $3, $other to port $4" >&2
    if [ "$used" -le "$other" ]; then echo "$1: the calls did not go over port $3" >&2; exit 1; fi
  fi
  # | connections | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | overhead |; one row per count
  rows+=("$(echo "$out" | awk -F'|' -v label="$1" -v many="${connections//[^,]/}" '$2 ~ /^ *[0-9]+ *$/ {
      gsub(/ /, ""); printf "| %s%s | %s | %s | %s | %s |\n", label, many ? ", " $2 " connections" : "", $5, $6, $8, $4 }')")
}

# 1. the model in the gateway process (cluster disabled)
start_gateway "$home/gateway-local.log"
endpoint iris-local
check_answer iris-local
bench "in-process" iris-local
stop "$gateway_pid"

# 2. the same gateway with one runtime node on loopback
start_gateway "$home/gateway-cluster.log" --mlgate.cluster.enabled=true --mlgate.cluster.encryption=per-endpoint \
  --mlgate.cluster.listen="127.0.0.1:$cport"
./mlgate cluster join-token --node n1 --ttl 1h > "$home/n1.token"
./mlgate node --name n1 --zone zone-a --listen "127.0.0.1:$nport" --plaintext-listen "127.0.0.1:$hport" \
  --gateway "127.0.0.1:$cport" --join-token-file "$home/n1.token" > "$home/node-n1.log" 2>&1 &
node_pid=$!
nodes+=("$node_pid")
for _ in $(seq 120); do
  grep -q "cluster node n1 .* joined" "$home/gateway-cluster.log" && break
  kill -0 "$node_pid" 2>/dev/null || break
  sleep 0.5
done
grep -q "cluster node n1 .* joined" "$home/gateway-cluster.log" || {
  echo "node n1 did not join; node log:" >&2; tail -30 "$home/node-n1.log" >&2
  echo "gateway log:" >&2; tail -30 "$home/gateway-cluster.log" >&2; exit 1; }
endpoint iris-h2c false
endpoint iris-mtls true
check_answer iris-h2c
check_answer iris-mtls
bench "gateway→node h2c" iris-h2c "$hport" "$nport"
bench "gateway→node mTLS 1.3" iris-mtls "$nport" "$hport"

echo "$(nproc) cores, load generator, gateway and node on the same machine; $connections connections," \
  "${warmup} s warm-up, ${duration} s measured per path; iris model, 1 instance; strict audit"
echo
echo "| path | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
