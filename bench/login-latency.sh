#!/usr/bin/env bash
# Benchmark (not a test): how long a login takes, end to end, against a real controller on this
# machine: N successive POST /login with the right password (each one an Argon2id check, 19 MiB,
# 2 passes), then N requests with HTTP Basic (the same check) and N with an API token (a SHA-256 and
# a lookup), each timed by curl (connection included). Prints p50 / p99 / max per kind, and the
# controller's own syncready_api_logins_seconds figures.
#
#   mvn -B -q package -DskipTests && bench/login-latency.sh [N] [JAVA_OPTS...]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100}"
shift || true
JAVA_OPTS="${*:--Xmx256m}"
work="$(mktemp -d)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); MQTT=$(free_port)
PASSWORD="login-latency-$(date +%s)"
# shellcheck disable=SC2086
SYNCREADY_ADMIN_PASSWORD="$PASSWORD" java $JAVA_OPTS -jar controller/target/syncready-controller.jar --data "$work/controller" \
     --http-port "$HTTP" --mqtt-port "$MQTT" --echo-port 0 >"$work/controller.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "localhost:$HTTP/health" >/dev/null 2>&1 && break; sleep 0.5; done
base="http://127.0.0.1:$HTTP"

summary() { # label, file of seconds
    sort -n "$2" | awk -v label="$1" '{ v[NR] = $1 * 1000 } END {
        p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1];
        printf "%-28s n=%d  p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", label, NR, p50, p99, v[NR] }'
}

# Warm-up: the JIT compiles Argon2 and the routes.
for _ in $(seq 1 20); do
    curl -s -o /dev/null -XPOST "$base/login" -H 'content-type: application/json' \
         -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}"
done
: >"$work/login"; : >"$work/basic"; : >"$work/token"
for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -XPOST "$base/login" -H 'content-type: application/json' \
         -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" >>"$work/login"
done
for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -u "admin:$PASSWORD" "$base/api/v1/me" >>"$work/basic"
done
TOKEN=$(curl -s -u "admin:$PASSWORD" -XPOST "$base/api/v1/tokens" -d '{"name":"latency"}' | sed -E 's/.*"secret":"([^"]+)".*/\1/')
for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$base/api/v1/me" >>"$work/token"
done
echo "cores $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), JAVA_OPTS $JAVA_OPTS"
summary "POST /login (password)" "$work/login"
summary "GET /api/v1/me, HTTP Basic" "$work/basic"
summary "GET /api/v1/me, API token" "$work/token"
curl -s "$base/metrics" | grep '^syncready_api_logins_seconds{outcome="ok"' || true
