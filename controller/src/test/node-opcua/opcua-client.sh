#!/bin/sh
# Runs client.js, an OPC UA client built on node-opcua (a second, independent OPC UA stack), for the
# tests: installs exactly package-lock.json's versions with npm ci into WORK_DIR (a target/ folder) the
# first time, then runs the client with the remaining arguments.
# Usage: opcua-client.sh WORK_DIR endpoint-url user password server.der box-id
# Exit codes: the client's (0 all steps done); 127 when node or npm is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
shift
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "opcua-client.sh: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
    exit 127
fi
mkdir -p "$work"
if [ ! -d "$work/node_modules/node-opcua-client" ] || ! cmp -s "$here/package-lock.json" "$work/package-lock.json"; then
    cp "$here/package.json" "$here/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
cp "$here/client.js" "$work/client.js"
cd "$work"
exec node client.js "$work/pki" "$@"
