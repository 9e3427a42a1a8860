#!/usr/bin/env python3
"""How many Server-Sent Events clients one controller serves: the web console's live box page, measured.

Logs in once (POST /login, JSON), opens N event streams of one box's live page with that session cookie
over plain asyncio sockets (no browser: a browser tab costs the controller exactly one such stream), waits
until every stream got its first event, then makes the box report a new status (the demo's simulate API,
as the box's technician) and measures how long until every stream carried it. Prints the controller's RSS
(ps) before and with the streams open. Run against the demo:

    java -jar controller/target/syncready-controller.jar --demo --data /tmp/sse-demo &
    python3 bench/sse-load.py --url http://127.0.0.1:8080 --streams 1000 --pid $!
"""
import argparse
import asyncio
import base64
import json
import subprocess
import time
import urllib.parse
import urllib.request


def login(url, user, password):
    req = urllib.request.Request(url + "/login", data=json.dumps({"username": user, "password": password}).encode(),
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        cookie = r.headers.get("set-cookie").split(";")[0]
    return cookie


def rss_mb(pid):
    if not pid:
        return None
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return int(out) / 1024 if out else None


class Stream:
    def __init__(self):
        self.events = 0
        self.marker_at = None
        self.status = None
        self.writer = None


async def open_stream(host, port, path, cookie, s, marker):
    reader, writer = await asyncio.open_connection(host, port)
    s.writer = writer
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n").encode())
    await writer.drain()
    line = await reader.readline()
    s.status = int(line.split()[1])
    if s.status != 200:
        return
    while True:
        line = await reader.readline()
        if not line:
            return
        if line.startswith(b"event: status"):
            s.events += 1
        elif marker in line and s.marker_at is None:
            s.marker_at = time.monotonic()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--streams", type=int, default=1000)
    p.add_argument("--box", default="box-hexi-g3")
    p.add_argument("--user", default="demo-it")
    p.add_argument("--tech", default="demo-tech")
    p.add_argument("--pid", type=int, default=0, help="the controller's process id, for its RSS")
    a = p.parse_args()
    u = urllib.parse.urlparse(a.url)
    cookie = login(a.url, a.user, a.user + "-pass")
    before = rss_mb(a.pid)
    rtt = 300 + int(time.time()) % 500
    marker = f"data-rtt=\"{rtt}.0\"".encode()
    streams = [Stream() for _ in range(a.streams)]
    started = time.monotonic()
    tasks = [asyncio.create_task(open_stream(u.hostname, u.port, f"/console/boxes/{a.box}/live", cookie, s, marker)) for s in streams]
    while time.monotonic() - started < 120 and sum(1 for s in streams if s.events > 0 or (s.status and s.status != 200)) < len(streams):
        await asyncio.sleep(0.2)
    opened = time.monotonic() - started
    ok = [s for s in streams if s.status == 200 and s.events > 0]
    refused = [s for s in streams if s.status and s.status != 200]
    await asyncio.sleep(2)
    with_streams = rss_mb(a.pid)
    # A new status: the box's technician changes its simulated RTT; every stream must carry it.
    auth = base64.b64encode(f"{a.tech}:{a.tech}-pass".encode()).decode()
    req = urllib.request.Request(f"{a.url}/api/v1/boxes/{a.box}/simulate", data=json.dumps({"rttMs": rtt}).encode(),
                                 headers={"content-type": "application/json", "authorization": "Basic " + auth})
    sent = time.monotonic()
    urllib.request.urlopen(req).read()
    while time.monotonic() - sent < 30 and sum(1 for s in ok if s.marker_at) < len(ok):
        await asyncio.sleep(0.05)
    got = sorted(s.marker_at - sent for s in ok if s.marker_at)
    for s in streams:
        if s.writer:
            s.writer.close()
    for t in tasks:
        t.cancel()
    req = urllib.request.Request(f"{a.url}/api/v1/boxes/{a.box}/simulate", data=b'{"reset":true}',
                                 headers={"content-type": "application/json", "authorization": "Basic " + auth})
    urllib.request.urlopen(req).read()
    print(f"streams asked {len(streams)}, open with a first event {len(ok)} in {opened:.1f} s, refused {len(refused)}"
          f" ({sorted(set(s.status for s in refused))})")
    if got:
        print(f"new status on {len(got)}/{len(ok)} streams: median {got[len(got) // 2] * 1000:.0f} ms,"
              f" max {got[-1] * 1000:.0f} ms after the simulate call")
    if before is not None:
        print(f"controller RSS {before:.0f} MB before, {with_streams:.0f} MB with the streams open"
              f" (+{(with_streams - before) * 1024 / max(1, len(ok)):.0f} KB per stream)")


asyncio.run(main())
