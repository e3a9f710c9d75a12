#!/usr/bin/env bash
# Hot-path microbenchmarks (JMH): SigV4 verify, IAM evaluate, audit event build+serialise, model parse+run+render.
# Usage: bench/jmh.sh [JMH options, e.g. -f 1 -wi 3 -i 5 or a benchmark name regex]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
# an argfile keeps the java command line short (ONNX Runtime 1.29 crashes on long ones)
printf -- '-cp target/test-classes:target/classes:%s\n' "$(cat target/jmh.classpath)" > target/jmh.args
exec java -Djmh.separateClasspathJAR=true @target/jmh.args org.openjdk.jmh.Main "${@:-io.mlgate.bench.HotPathBenchmarks}"
