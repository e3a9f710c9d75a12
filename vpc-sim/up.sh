#!/usr/bin/env bash
# Realises a topology (default: the demo) with network namespaces: ./mlgate vpc up. Root only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../mlgate" vpc up --topology "${1:-$here/topologies/demo.json}" "${@:2}"
