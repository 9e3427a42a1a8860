#!/usr/bin/env bash
# Benchmark (not a test): RSS and CPU of one agent at steady state with every real probe on, against
# a real controller on this machine. Prints the figures docs/OPERATIONS.md quotes.
#
#   mvn -B -q package -DskipTests && bench/agent-footprint.sh [SECONDS] [JAVA_OPTS...]
#
# Defaults: 60 s measured after 30 s of warm-up, the JVM flags and MALLOC_ARENA_MAX of the Debian
# package (agent/src/deb/syncready-agent.default). BENCH_NMT=1 / BENCH_SMAPS=1 print where memory goes.
# BENCH_OPCUA=1 also turns the OPC UA equipment probe on: the agent reads three values of its own box
# from the controller's OPC UA server (Basic256Sha256 SignAndEncrypt, a user name), as it would read a
# classroom controller.
# What runs: controller (embedded broker, echo service, speed-test sink), a low-rate ffmpeg encoder
# writing -progress (the stream probe's input), an in-script SNTP server, and the agent with
# probes.mode real, the controller section (echo every 60 s, uplink every 900 s), ntp, stream,
# microphones (whatever this machine has; none on a build machine) and status every 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_MEASURE="${1:-60}"
shift || true
# The Debian package's flags and malloc setting, unless flags are given.
# shellcheck disable=SC1091
. agent/src/deb/syncready-agent.default
AGENT_OPTS="${*:-$JAVA_OPTS}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
WARMUP=30
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(free_port); MQTT=$(free_port); ECHO=$(free_udp_port); NTP=$(free_udp_port); STREAM=$(free_port); OPCUA=$(free_port)

SYNCREADY_ADMIN_PASSWORD=bench-admin-pass java -Xmx256m -jar controller/target/syncready-controller.jar --data "$work/controller" \
     --http-port "$HTTP" --mqtt-port "$MQTT" --echo-port "$ECHO" --opcua-port "$OPCUA" >"$work/controller.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -sf "localhost:$HTTP/health" >/dev/null 2>&1 && break; sleep 0.5; done

# SNTP server 0.2 s ahead, and a TCP listener standing in for the RTMP server.
python3 - "$NTP" "$STREAM" <<'PY' &
import socket, struct, sys, threading, time
ntp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); ntp.bind(("127.0.0.1", int(sys.argv[1])))
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(("127.0.0.1", int(sys.argv[2]))); srv.listen(50)
def accept():
    while True:
        c, _ = srv.accept(); c.close()
threading.Thread(target=accept, daemon=True).start()
def ts(t):
    t += 2208988800 + 0.2
    return struct.pack("!II", int(t), int((t % 1) * 2**32))
while True:
    data, addr = ntp.recvfrom(512)
    now = time.time()
    reply = bytes([0x1c, 2, 0, 0xec]) + b"\0" * 8 + b"LOCL" + ts(now) + data[40:48] + ts(now) + ts(time.time())
    ntp.sendto(reply, addr)
PY
pids+=($!)

ffmpeg -nostdin -hide_banner -loglevel error -progress "$work/encoder.progress" -re \
       -f lavfi -i testsrc=size=160x120:rate=5 -c:v mpeg4 -b:v 100k -f null - &
pids+=($!)

# The controller's first-start admin (SYNCREADY_ADMIN_PASSWORD above) registers the box.
post() { curl -sf -u admin:bench-admin-pass -XPOST "localhost:$HTTP$1" -d "$2"; }
post /api/v1/schools '{"id":"bench","nameZh":"基准","nameEn":"Bench"}' >/dev/null
post /api/v1/classrooms '{"id":"bench-r1","schoolId":"bench","nameZh":"教室","nameEn":"Room"}' >/dev/null
SECRET=$(post /api/v1/boxes '{"id":"box-bench","classroomId":"bench-r1","model":"generic-recorder-a"}' \
         | python3 -c 'import json,sys; print(json.load(sys.stdin)["mqtt"]["password"])')

cat >"$work/agent.yaml" <<YAML
boxId: box-bench
broker: {uri: "tcp://127.0.0.1:$MQTT", password: "$SECRET"}
model: bench
statusIntervalS: 10
probeIntervalS: 2
dataDir: agent-data
probes: {mode: real}
network:
  targets:
    - {name: controller, host: 127.0.0.1, port: $MQTT}
    - {name: stream-server, host: 127.0.0.1, port: $STREAM}
controller: {url: "http://127.0.0.1:$HTTP", echoPort: $ECHO}
ntp: {server: 127.0.0.1, port: $NTP}
stream: {target: "rtmp://pusher:secret@127.0.0.1:$STREAM/live/box-bench", progressFile: encoder.progress}
YAML
if [ -n "${BENCH_OPCUA:-}" ]; then
    cat >>"$work/agent.yaml" <<YAML
equipment:
  timeoutMs: 1500
  servers:
    - endpoint: "opc.tcp://127.0.0.1:$OPCUA"
      security: basic256sha256
      username: admin
      password: bench-admin-pass
      items:
        - {name: online, role: box-online, node: "ns=2;s=DeviceSet/box-bench/Online", expect: true}
        - {name: cpu, role: box-cpu, node: "ns=2;s=DeviceSet/box-bench/System/CpuPct", max: 95, unit: "%"}
        - {name: disk, role: box-disk, node: "ns=2;s=DeviceSet/box-bench/System/DiskFreeMb", min: 1024, unit: MB}
YAML
    # The agent makes its OPC UA certificate at start; the controller trusts it once it is there.
    ( for _ in $(seq 1 60); do
          if [ -f "$work/agent-data/opcua/agent-client.der" ]; then
              cp "$work/agent-data/opcua/agent-client.der" "$work/controller/opcua/pki/trusted/certs/box-bench.der"; break
          fi
          sleep 0.5
      done ) &
fi

# shellcheck disable=SC2086
java $AGENT_OPTS -jar agent/target/syncready-agent.jar --config "$work/agent.yaml" >"$work/agent.log" 2>&1 &
AGENT=$!
pids+=($AGENT)
sleep "$WARMUP"

ticks() { awk '{print $14 + $15}' "/proc/$AGENT/stat"; }
hz=$(getconf CLK_TCK)
t0=$(date +%s.%N); c0=$(ticks); max_rss=0; sum_rss=0; n=0
end=$(( $(date +%s) + SECONDS_TO_MEASURE ))
while [ "$(date +%s)" -lt "$end" ]; do
    rss=$(ps -o rss= -p "$AGENT" | tr -d ' ')
    [ "$rss" -gt "$max_rss" ] && max_rss=$rss
    sum_rss=$((sum_rss + rss)); n=$((n + 1))
    sleep 5
done
t1=$(date +%s.%N); c1=$(ticks)
read -r rss_now cputime <<<"$(ps -o rss=,time= -p "$AGENT")"

echo "agent JVM flags: $AGENT_OPTS (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)"
echo "measured ${SECONDS_TO_MEASURE} s after ${WARMUP} s warm-up"
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" -v max="$max_rss" -v sum="$sum_rss" -v n="$n" -v now="$rss_now" -v ct="$cputime" 'BEGIN {
    printf "RSS: mean %.1f MB, max %.1f MB, at end %.1f MB (ps -o rss)\n", sum / n / 1024, max / 1024, now / 1024;
    printf "CPU: %.2f %% of one core over the window (%d ticks in %.1f s); ps -o time total %s\n", 100 * (c1 - c0) / hz / (t1 - t0), c1 - c0, t1 - t0, ct }'
echo "status the controller holds:"
curl -sf -u admin:bench-admin-pass "localhost:$HTTP/api/v1/boxes/box-bench" | python3 -c '
import json, sys
b = json.load(sys.stdin); s = b.get("status") or {}
print("  network", json.dumps(s.get("network", {}), ensure_ascii=False))
print("  stream ", json.dumps(s.get("stream", {}), ensure_ascii=False))
print("  microphone capability", json.dumps((b.get("birth") or {}).get("capabilities", {}).get("microphone"), ensure_ascii=False))
if s.get("equipment"):
    print("  equipment", json.dumps([{k: e.get(k) for k in ("name", "state", "value", "error")} for e in s["equipment"]], ensure_ascii=False))'
if [ -n "${BENCH_SMAPS:-}" ]; then
    grep -E "^(Rss|Anonymous|Shared_Clean|Private_Clean)" "/proc/$AGENT/smaps_rollup"
    awk '/^[0-9a-f]+-[0-9a-f]+ /{name=$6} /^Rss:/{rss[name]+=$2} END{for (n in rss) if (rss[n] > 500) printf "%8d kB %s\n", rss[n], n}' "/proc/$AGENT/smaps" | sort -rn | head -12
    echo "threads: $(ls /proc/$AGENT/task | wc -l)"
fi
if [ -n "${BENCH_NMT:-}" ]; then
    jcmd "$AGENT" VM.native_memory summary | grep -E "committed" | head -30
    jcmd "$AGENT" VM.classloader_stats 2>/dev/null | tail -3 || true
fi
grep -c " WARN \| ERROR " "$work/agent.log" | sed 's/^/agent log warnings+errors: /' || true
