#!/usr/bin/env bash
# Regenerates the OSS signing vectors (*.json here) with Alibaba's official
# OSS SDK, alibabacloud-oss-v2 (version pinned in requirements.txt).
#
# Usage (from anywhere):  signing/tests/vectors/oss/make_vectors.sh
#   OSS_ORACLE_VENV  virtualenv to create/use (default: a temporary directory)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${OSS_ORACLE_VENV:-}"
if [ -z "$VENV" ]; then
  VENV="$(mktemp -d)/oss-oracle-venv"
  trap 'rm -rf "$(dirname "$VENV")"' EXIT
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
"$VENV/bin/python" "$HERE/make_vectors.py" "$HERE"
