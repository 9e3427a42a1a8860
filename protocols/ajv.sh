#!/bin/sh
# Runs Ajv (ajv-cli), a second JSON Schema validator independent of the Java one (networknt), for the
# tests: installs exactly package-lock.json's versions with npm ci into WORK_DIR (a target/ folder)
# the first time, then runs ajv with the remaining arguments.
# Usage: ajv.sh WORK_DIR ajv-arguments...   e.g. ajv.sh target/ajv compile --spec=draft2020 -s a.json
# Exit codes: ajv's own (0 valid, 1 invalid); 127 when node or npm is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
shift
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "ajv.sh: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
    exit 127
fi
mkdir -p "$work"
if [ ! -e "$work/node_modules/.bin/ajv" ] || ! cmp -s "$here/package-lock.json" "$work/package-lock.json"; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
exec node "$work/node_modules/ajv-cli/dist/index.js" "$@"
