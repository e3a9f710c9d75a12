#!/usr/bin/env bash
# SageMaker hosting benchmark (issue 7, docs/benchmarks.md): InvokeEndpoint throughput and latency for a
# single-model endpoint, a two-variant endpoint, a multi-model endpoint (every call a cache hit / every call a miss)
# and a 3-step inference pipeline, at 16 and 64 connections, plus the gateway's OverheadLatency p50 from its own
# Prometheus histogram. Everything is created the way a user does it: `mlgate model upload`, then the AWS CLI v2
# against the gateway's SageMaker control plane.
# Usage: bench/hosting.sh [duration-seconds (20)] [warmup-seconds (10)] [audit-sync (batched)]
# Environment: CONNECTIONS (default 16,64), ENDPOINTS (default "single ab multi-hits multi-misses pipe").
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
warmup="${2:-10}"
sync="${3:-batched}"
port=18444
mport=19464
url="https://127.0.0.1:$port"
repo="$PWD"
./mlgate --version >/dev/null                       # builds the jar if needed
home="$(mktemp -d /tmp/mlgate-bench-hosting.XXXXXX)"
cp -r policies "$home/"
export MLGATE_HOME="$home"
java -jar target/mlgate.jar serve --port "$port" --audit-sync "$sync" --mlgate.management.port="$mport" \
  --mlgate.hosting.multi-model-cache-size=5KB > "$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$home"' EXIT
for _ in $(seq 90); do grep -q "mlgate is serving" "$home/server.log" 2>/dev/null && break; sleep 1; done
grep -q "mlgate is serving" "$home/server.log" || { cat "$home/server.log" >&2; exit 1; }

mlgate() { java -jar "$repo/target/mlgate.jar" "$@"; }
aws_() {
  AWS_SHARED_CREDENTIALS_FILE="$home/keys/demo-credentials" AWS_CA_BUNDLE="$home/keys/dev-ca.pem" \
    /usr/bin/aws --endpoint-url "$url" --region us-east-1 --profile demo-admin --output json "$@" >/dev/null
}
role=arn:aws:iam::123456789012:role/service/demo-inference
steps="$home/steps"
mkdir -p "$steps"
cp src/main/resources/demo/iris.onnx "$steps/iris.onnx"
cp src/main/resources/demo/iris.model.json "$steps/iris.model.json"
mlgate demo feature-step --name plus3 --scale 1,1,1,1 --shift 3,3,3,3 --out "$steps" >/dev/null
mlgate demo feature-step --name half --scale 0.5,0.5,0.5,0.5 --shift 0,0,0,0 --out "$steps" >/dev/null
mlgate model upload "$steps/iris.onnx" --name bench-b --home "$home" >/dev/null
for i in 1 2 3 4 5 6 7 8; do mlgate model upload "$steps/iris.onnx" --name "mm-$i" --home "$home" >/dev/null; done
mlgate model upload "$steps/plus3.onnx" --name plus3 --home "$home" >/dev/null
mlgate model upload "$steps/half.onnx" --name half --home "$home" >/dev/null

variant() { echo "VariantName=$1,ModelName=$2,InitialInstanceCount=${3:-2},InstanceType=ml.m5.large,InitialVariantWeight=1"; }
endpoint() { # name config-variants...
  local name=$1; shift
  aws_ sagemaker create-endpoint-config --endpoint-config-name "$name-config" --production-variants "$@"
  aws_ sagemaker create-endpoint --endpoint-name "$name" --endpoint-config-name "$name-config"
  for _ in $(seq 120); do
    status=$(AWS_SHARED_CREDENTIALS_FILE="$home/keys/demo-credentials" AWS_CA_BUNDLE="$home/keys/dev-ca.pem" \
      /usr/bin/aws --endpoint-url "$url" --region us-east-1 --profile demo-admin sagemaker describe-endpoint \
      --endpoint-name "$name" --query EndpointStatus --output text)
    [ "$status" = InService ] && return 0
    [ "$status" = Failed ] && { echo "endpoint $name failed" >&2; exit 1; }
    sleep 0.5
  done
  echo "endpoint $name did not come up" >&2; exit 1
}
aws_ sagemaker create-model --model-name bench-a --execution-role-arn "$role" \
  --primary-container ModelDataUrl=s3://mlgate-models/iris
aws_ sagemaker create-model --model-name bench-b --execution-role-arn "$role" \
  --primary-container ModelDataUrl=s3://mlgate-models/bench-b
aws_ sagemaker create-model --model-name bench-mm --execution-role-arn "$role" \
  --primary-container Mode=MultiModel,ModelDataUrl=s3://mlgate-models/mm-
aws_ sagemaker create-model --model-name bench-pipe --execution-role-arn "$role" \
  --containers ContainerHostname=add,ModelDataUrl=s3://mlgate-models/plus3 \
  ContainerHostname=scale,ModelDataUrl=s3://mlgate-models/half ContainerHostname=classify,ModelDataUrl=s3://mlgate-models/iris
endpoint single "$(variant AllTraffic bench-a)"
endpoint ab "$(variant A bench-a)" "$(variant B bench-b)"
endpoint multi "$(variant AllTraffic bench-mm)"
endpoint pipe "$(variant AllTraffic bench-pipe)"

run() { # key label endpoint [bench options]
  local key=$1 label=$2 name=$3; shift 3
  case " ${ENDPOINTS:-single ab multi-hits multi-misses pipe} " in *" $key "*) ;; *) return 0 ;; esac
  echo
  echo "### $label (endpoint $name)"
  echo
  mlgate bench invoke --url "$url" --profile demo-admin --credentials "$home/keys/demo-credentials" \
    --ca "$home/keys/dev-ca.pem" --endpoint "$name" --connections "${CONNECTIONS:-16,64}" --duration "$duration" \
    --warmup "$warmup" "$@"
}
# warm the gateway's JIT on every endpoint first, so the first measured scenario is not penalised
for ep in single ab pipe; do
  mlgate bench invoke --url "$url" --profile demo-admin --credentials "$home/keys/demo-credentials" \
    --ca "$home/keys/dev-ca.pem" --endpoint "$ep" --connections "$(c=${CONNECTIONS:-16,64}; echo ${c%%,*})" --duration 5 --warmup 10 \
    $([ "$ep" = pipe ] && echo --body "$(python3 -c 'print(",".join(str(2*x-3) for x in (5.1,3.5,1.4,0.2)))')") >/dev/null
done
echo "audit sync: $sync; $(nproc) cores; each variant 2 instances; multi-model cache 5KB: the iris copies are 1.6KB each,"
echo "so 'hits' cycles 2 models that stay loaded and 'misses' cycles 8 models through a cache that keeps 3 (LRU: every call misses)"
run single "single model" single
run ab "two variants 1:1" ab
run multi-hits "multi-model, cache hits" multi --target-models 1,2
run multi-misses "multi-model, cache misses" multi --target-models "$(seq -s, 1 8)"
run pipe "3-step pipeline" pipe --body "$(python3 -c 'print(",".join(str(2*x-3) for x in (5.1,3.5,1.4,0.2)))')"

echo
echo "### OverheadLatency (gateway histogram, all calls above)"
curl -s "http://127.0.0.1:$mport/actuator/prometheus" | awk '/^mlgate_sagemaker_overhead_latency_microseconds_(sum|count)/' \
  | awk '{split($1,a,"{"); v[a[1]]+=$2} END {if (v["mlgate_sagemaker_overhead_latency_microseconds_count"]>0) printf "mean %.0f us over %d calls\n", v["mlgate_sagemaker_overhead_latency_microseconds_sum"]/v["mlgate_sagemaker_overhead_latency_microseconds_count"], v["mlgate_sagemaker_overhead_latency_microseconds_count"]}'
curl -s "http://127.0.0.1:$mport/actuator/prometheus" | grep '^mlgate_sagemaker_overhead_latency_microseconds_bucket' \
  | awk '{match($0,/le="[^"]*"/); le=substr($0,RSTART+4,RLENGTH-5); c[le]+=$NF} END {for (k in c) print k, c[k]}' | sort -g \
  | awk 'BEGIN{t=0} {a[NR]=$1; b[NR]=$2; t=$2} END {for (i=1;i<=NR;i++) if (b[i]>=t/2) {printf "p50 <= %s us (bucket bound)\n", a[i]; exit}}'
curl -s "http://127.0.0.1:$mport/actuator/prometheus" | grep -E '^mlgate_sagemaker_model_(loads|evictions)_total|^mlgate_sagemaker_model_cache_hit_total' || true
