#!/usr/bin/env bash
# Runs the official OSS SDK interop check against the mock's OSS service.
# Creates the virtualenv on first use (VENV, default: oss-venv under the
# temporary directory), then runs oss_official_against_mock.py, which builds
# and starts the mock with cargo. Extra arguments go to the script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${VENV:-${TMPDIR:-/tmp}/oss-venv}"
if ! "$venv/bin/python" -c 'import alibabacloud_oss_v2' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/oss_requirements.txt"
fi
exec "$venv/bin/python" "$here/oss_official_against_mock.py" "$@"
