#!/usr/bin/env bash
# Batch transform throughput (see docs/benchmarks.md): a 10,000-line iris CSV
#   1. as a SageMaker transform job (aws sagemaker create-transform-job), SingleRecord and MultiRecord;
#   2. through ./mlgate batch-transform (InvokeEndpoint over HTTPS, SigV4, strict audit), SingleRecord and MultiRecord.
# Starts a fresh gateway on port 18643 on the demo home; records/s = 10,000 / (TransformEndTime - TransformStartTime)
# for jobs (model load included) and 10,000 / wall time for the CLI (JVM start included).
# Usage: bench/batch-transform.sh [concurrency (2)]
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency="${1:-2}"
port=18643
url="https://127.0.0.1:$port"
command -v aws >/dev/null || { echo "the AWS CLI v2 is needed (aws)" >&2; exit 1; }
./mlgate --version >/dev/null          # builds the jar if needed
export MLGATE_HOME="$PWD"
cp target/mlgate.jar target/bench-server.jar   # a rebuild must not pull the jar from under the server
java -jar target/bench-server.jar serve --port "$port" > target/bench-batch-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do grep -q "mlgate is serving" target/bench-batch-server.log 2>/dev/null && break; sleep 1; done

mkdir -p data/batch/bench
awk 'BEGIN { split("5.1,3.5,1.4,0.2 6.7,3.0,5.2,2.3 5.9,3.0,4.2,1.5", r, " ");
             for (i = 1; i <= 10000; i++) print r[i % 3 + 1] }' > data/batch/bench/iris-10k.csv
export AWS_SHARED_CREDENTIALS_FILE="$PWD/keys/demo-credentials" AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1
export AWS_CA_BUNDLE="$PWD/keys/dev-ca.pem" AWS_EC2_METADATA_DISABLED=true
sm() { aws --profile demo-admin --endpoint-url "$url" --output text sagemaker "$@"; }
sm describe-model --model-name bench-iris >/dev/null 2>&1 || sm create-model --model-name bench-iris \
  --execution-role-arn arn:aws:iam::123456789012:role/service/demo-inference \
  --primary-container Image=mlgate/onnx,ModelDataUrl=s3://mlgate-models/iris >/dev/null

echo "| path | BatchStrategy | concurrency | seconds | records/s |"
echo "|---|---|---:|---:|---:|"
for strategy in SingleRecord MultiRecord; do
  name="bench-$(echo "$strategy" | tr 'A-Z' 'a-z')-$(date +%s)"
  sm create-transform-job --transform-job-name "$name" --model-name bench-iris --batch-strategy "$strategy" \
    --max-concurrent-transforms "$concurrency" --max-payload-in-mb 1 \
    --transform-input '{"DataSource":{"S3DataSource":{"S3DataType":"S3Prefix","S3Uri":"s3://mlgate-batch/bench/iris-10k.csv"}},"ContentType":"text/csv","SplitType":"Line"}' \
    --transform-output "S3OutputPath=s3://mlgate-batch/bench-out/$name/,AssembleWith=Line" \
    --transform-resources InstanceType=ml.m5.large,InstanceCount=1 >/dev/null
  status=InProgress
  while [ "$status" = InProgress ]; do
    sleep 0.2
    status=$(sm describe-transform-job --transform-job-name "$name" --query TransformJobStatus)
  done
  [ "$status" = Completed ] || { echo "job $name ended $status" >&2; exit 1; }
  times=$(aws --profile demo-admin --endpoint-url "$url" --output json sagemaker describe-transform-job \
    --transform-job-name "$name" --query '[TransformStartTime, TransformEndTime]')
  start=$(echo "$times" | sed -n 2p | tr -d ' ",'); end=$(echo "$times" | sed -n 3p | tr -d ' ",')
  epoch() { case "$1" in *T*) date -d "$1" +%s.%N ;; *) echo "$1" ;; esac; }   # iso8601 or epoch seconds
  seconds=$(awk -v s="$(epoch "$start")" -v e="$(epoch "$end")" 'BEGIN { printf "%.2f", e - s }')
  echo "| transform job | $strategy | $concurrency | $seconds | $(awk -v s="$seconds" 'BEGIN { printf "%.0f", 10000 / s }') |"
done
for strategy in SingleRecord MultiRecord; do
  out="target/bench-batch-$strategy.jsonl"
  rm -f "$out" "$out.errors" "$out.progress"
  t0=$(date +%s.%N)
  java -jar target/mlgate.jar batch-transform --endpoint iris --in data/batch/bench/iris-10k.csv --out "$out" \
    --url "$url" --batch-strategy "$strategy" --max-records 100 --concurrency "$concurrency" --no-progress >/dev/null
  seconds=$(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
  echo "| ./mlgate batch-transform | $strategy | $concurrency | $seconds | $(awk -v s="$seconds" 'BEGIN { printf "%.0f", 10000 / s }') |"
done
