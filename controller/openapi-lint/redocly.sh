#!/bin/sh
# Runs Redocly CLI, an OpenAPI validator independent of the controller's own test, on an OpenAPI file:
# installs exactly package-lock.json's version with npm ci into WORK_DIR (a target/ folder) the first
# time, then lints with the rules in redocly.yaml beside this script.
# Usage: redocly.sh WORK_DIR openapi.yaml
# Exit codes: Redocly's own (0 valid, 1 problems); 127 when node or npm is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
file=$2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "redocly.sh: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
    exit 127
fi
mkdir -p "$work"
if [ ! -e "$work/node_modules/.bin/redocly" ] || ! cmp -s "$here/package-lock.json" "$work/package-lock.json"; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
# No telemetry, no update check: this runs in tests on a closed network.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true exec node "$work/node_modules/@redocly/cli/bin/cli.js" \
    lint "$file" --config "$here/redocly.yaml" --format=stylish
