#!/usr/bin/env bash
# Removes everything ./mlgate vpc up made for a topology (default: the demo), and any leftover mlgvpc-* namespace.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../mlgate" vpc down --topology "${1:-$here/topologies/demo.json}" "${@:2}"
