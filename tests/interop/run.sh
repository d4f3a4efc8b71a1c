#!/usr/bin/env bash
# Runs the official-SDK interop check against the mock endpoint.
# Creates the virtualenv on first use (VENV, default: oracle-venv under the
# temporary directory), then runs official_sdk_against_mock.py, which builds
# and starts the mock with cargo. Extra arguments go to the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${VENV:-${TMPDIR:-/tmp}/oracle-venv}"
if ! "$venv/bin/python" -c 'import alibabacloud_r_kvstore20150101, alibabacloud_tea_openapi' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
exec "$venv/bin/python" "$here/official_sdk_against_mock.py" "$@"
