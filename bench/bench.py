#!/usr/bin/env python3
"""Benchmarks for the `discord` CLI, side by side with curl, websocat and discord.py.

Run from the repository root after `cargo build --release`:  python3 bench/bench.py
Installs nothing: a missing tool (curl, xh, websocat, rustc, discord.py) is reported and its row
skipped. Prints one table. Not part of `cargo test`.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROWS = []
MISSING = []


def row(section, what, value, unit, ratio="", note=""):
    ROWS.append((section, what, value, unit, ratio, note))
    print(f"  {section:<10} {what:<44} {value:>12} {unit:<8} {ratio:<10} {note}", file=sys.stderr)


def tool(name):
    path = shutil.which(name) or (
        os.path.expanduser(f"~/.cargo/bin/{name}") if os.path.exists(os.path.expanduser(f"~/.cargo/bin/{name}")) else None)
    if not path:
        MISSING.append(name)
    return path


class Sandbox:
    """`discord sandbox --no-rate-limits` as a child; knows its URLs and token."""

    def __init__(self, discord):
        self.proc = subprocess.Popen([discord, "sandbox", "--no-rate-limits"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        env = {}
        for _ in range(2):
            line = self.proc.stdout.readline().strip()
            k, v = line.removeprefix("export ").split("=", 1)
            env[k] = v
        self.api = env["DISCORD_API_URL"].rstrip("/")
        self.token = env["DISCORD_TOKEN"]
        self.root = self.api.split("/api")[0]
        # A rate-limit cache of its own, so runs neither read nor leave the user's.
        self.cache = tempfile.mkdtemp(prefix="bench-cache-")
        self.env = dict(os.environ, DISCORD_API_URL=self.api, DISCORD_TOKEN=self.token,
                        DISCORD_CACHE_DIR=self.cache)

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.root + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bot " + self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"null")

    def sessions(self):
        s = self.call("GET", "/_sandbox/gateway/sessions")
        return s if isinstance(s, list) else s.get("sessions", [])

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.cache, ignore_errors=True)


def wall(cmd, env, n):
    """Median wall time in ms of running `cmd` n times (after 3 warm-ups)."""
    times = []
    for i in range(n + 3):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            raise SystemExit(f"bench: {' '.join(cmd)} failed with {r.returncode}")
        if i >= 3:
            times.append(dt * 1000)
    return statistics.median(times)


def round_trip(discord, sb, n):
    url = sb.api + "/users/@me"
    auth = "Authorization: Bot " + sb.token
    cmds = {
        "discord get /users/@me": [discord, "get", "/users/@me"],
        # The same without the shared rate-limit cache: the difference is what the cache costs.
        "... --no-rate-limit-cache": [discord, "get", "/users/@me", "--no-rate-limit-cache"],
    }
    curl = tool("curl")
    if curl:
        cmds["curl"] = [curl, "-sf", "-H", auth, url]
    xh = tool("xh")
    if xh:
        cmds["xh"] = [xh, "-I", "GET", url, auth.replace(": ", ":")]
    # Interleave rounds so a burst of load from other processes hits every tool alike.
    med = {k: [] for k in cmds}
    for _ in range(5):
        for k, c in cmds.items():
            med[k].append(wall(c, sb.env, max(n // 5, 1)))
    base = statistics.median(med["curl"]) if "curl" in med else None
    for k in cmds:
        m = statistics.median(med[k])
        row("request", f"{k} (median of {n})", f"{m:.2f}", "ms",
            f"{m / base:.2f}x curl" if base else "")


def startup(discord, n):
    tmp = tempfile.mkdtemp(prefix="bench-noop-")
    rustc = tool("rustc")
    base = None
    if rustc:
        src = os.path.join(tmp, "noop.rs")
        with open(src, "w") as f:
            f.write("fn main() {}\n")
        subprocess.run([rustc, "-O", "-o", os.path.join(tmp, "noop"), src], check=True)
        base = wall([os.path.join(tmp, "noop")], os.environ, n)
        row("start-up", "do-nothing Rust binary", f"{base:.2f}", "ms")
    for args in (["--version"], ["--help"]):
        m = wall([discord] + args, os.environ, n)
        row("start-up", f"discord {' '.join(args)} (median of {n})", f"{m:.2f}", "ms",
            f"+{m - base:.2f} ms" if base is not None else "")
    shutil.rmtree(tmp, ignore_errors=True)


class RssWatch(threading.Thread):
    """Samples a pid's /proc status every 5 ms: its peak RSS (VmHWM, the kernel's own high-water
    mark), and VmRSS at a quarter and at the end of the run.

    Not wait4's ru_maxrss: Linux carries the forking parent's peak across exec into it, so a
    child of this (large) Python process would report Python's size instead of its own."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.peak, self.done = pid, [], 0, False
        self.start()

    def run(self):
        while not self.done:
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.samples.append(int(line.split()[1]))
                        elif line.startswith("VmHWM:"):
                            self.peak = max(self.peak, int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.005)

    def summary(self):
        """(peak, RSS at a quarter of the run, RSS at the end) in MB."""
        self.done = True
        s = self.samples or [0]
        q = s[len(s) // 4]
        return max(self.peak, max(s)) / 1024, q / 1024, s[-1] / 1024


def wait_session(sb, before, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        s = sb.sessions()
        if len(s) > before:
            return
        time.sleep(0.05)
    raise SystemExit("bench: the client never identified to the sandbox gateway")


def gateway_row(label, n, elapsed, rss, cpu=None):
    rate = n / elapsed
    peak, quarter, last = rss
    busy = f"; CPU {cpu:.2f} s" if cpu is not None else ""
    row("gateway", label, f"{rate:,.0f}", "events/s", "",
        f"{elapsed:.2f} s{busy}; peak RSS {peak:.1f} MB (at 1/4 {quarter:.1f}, end {last:.1f})")
    return rate


def run_listen(discord, sb, n, compress=None):
    """compress: None, or listen's compression flag ("--compress", "--compress=zstd")."""
    before = len(sb.sessions())
    cmd = [discord, "listen", "--events", "MESSAGE_CREATE", "--max-events", str(n)]
    if compress:
        cmd.append(compress)
    p = subprocess.Popen(cmd, env=sb.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = RssWatch(p.pid)
    wait_session(sb, before)
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    rss = watch.summary()
    if status != 0:
        raise SystemExit(f"bench: discord listen failed: {p.stderr.read().decode()[-500:]}")
    return elapsed, rss, usage.ru_utime + usage.ru_stime


def count_lines_until(stream, target, state):
    """Reads a pipe counting newlines; notes the time the target was reached."""
    while True:
        chunk = stream.read1(1 << 20) if hasattr(stream, "read1") else stream.read(1 << 20)
        if not chunk:
            return
        state["lines"] += chunk.count(b"\n")
        if state["target"] and state["lines"] >= state["target"] and not state["t_end"]:
            state["t_end"] = time.perf_counter()


def run_websocat(websocat, sb, n):
    gw = sb.call("GET", "/api/v10/gateway/bot")["url"].rstrip("/") + "/?v=10&encoding=json"
    before = len(sb.sessions())
    p = subprocess.Popen([websocat, "-t", "--no-close", gw], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    watch = RssWatch(p.pid)
    ident = {"op": 2, "d": {"token": sb.token, "intents": 33281,
                            "properties": {"os": "linux", "browser": "websocat", "device": "websocat"}}}
    p.stdin.write((json.dumps(ident) + "\n").encode())
    p.stdin.flush()
    state = {"lines": 0, "target": 0, "t_end": 0}
    reader = threading.Thread(target=count_lines_until, args=(p.stdout, n, state), daemon=True)
    reader.start()
    wait_session(sb, before)
    time.sleep(0.5)  # let READY and GUILD_CREATE arrive first
    state["target"] = state["lines"] + n
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    end = time.time() + 600
    while not state["t_end"] and time.time() < end and p.poll() is None:
        time.sleep(0.005)
    rss = watch.summary()
    p.kill()
    p.wait()
    if not state["t_end"]:
        raise SystemExit(f"bench: websocat got {state['lines']} of {state['target']} lines")
    return state["t_end"] - t, rss


DPY_CLIENT = r'''
import os, sys, time, json, asyncio, urllib.request
import discord
from discord.http import Route
api, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
import yarl
from discord.gateway import DiscordWebSocket
# discord.py has no documented base-URL option: point its REST and gateway at the sandbox.
Route.BASE = api
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[4])
intents = discord.Intents.default()
intents.message_content = True
import types
async def no_app_info(self):
    # The sandbox has no /oauth2/applications/@me; discord.py only needs these from it at login.
    return types.SimpleNamespace(id=self.user.id, interactions_endpoint_url=None, flags=discord.ApplicationFlags())
discord.Client.application_info = no_app_info
client = discord.Client(intents=intents, max_messages=None, enable_debug_events=False)
count = 0
t0 = None
@client.event
async def on_ready():
    print("ready", flush=True)
@client.event
async def on_message(m):
    global count, t0
    count += 1
    if count == n:
        print(f"done {time.perf_counter()}", flush=True)
        await client.close()
client.run(token, log_handler=None)
'''


def run_discordpy(sb, n):
    try:
        import discord  # noqa: F401
    except ImportError:
        MISSING.append("discord.py (pip install discord.py)")
        return None
    tmp = tempfile.mkdtemp(prefix="bench-dpy-")
    script = os.path.join(tmp, "client.py")
    with open(script, "w") as f:
        f.write(DPY_CLIENT)
    gw = sb.call("GET", "/api/v10/gateway/bot")["url"]
    before = len(sb.sessions())
    p = subprocess.Popen([sys.executable, script, sb.api, sb.token, str(n), gw], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    watch = RssWatch(p.pid)
    if p.stdout.readline().strip() != "ready":
        raise SystemExit(f"bench: discord.py client failed: {p.stderr.read()[-800:]}")
    wait_session(sb, before)
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    line = p.stdout.readline()
    rss = watch.summary()
    p.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    if not line.startswith("done"):
        raise SystemExit(f"bench: discord.py client ended early: {p.stderr.read()[-800:]}")
    return float(line.split()[1]) - t, rss


def run_bare(sb, n):
    """A bare socket reader: WebSocket handshake and IDENTIFY by hand, then raw recv() counting
    dispatch markers with bytes.count (C speed). It does no framing or JSON work at all, so its
    rate is what the sandbox's burst generator can deliver: the ceiling for every client."""
    import base64
    import socket
    from urllib.parse import urlparse
    gw = urlparse(sb.call("GET", "/api/v10/gateway/bot")["url"])
    before = len(sb.sessions())
    s = socket.create_connection((gw.hostname, gw.port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /?v=10&encoding=json HTTP/1.1\r\nHost: {gw.hostname}:{gw.port}\r\n"
               f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(4096)
    ident = json.dumps({"op": 2, "d": {"token": sb.token, "intents": 33281,
                                       "properties": {"os": "linux", "browser": "bare", "device": "bare"}}}).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(ident))
    frame = bytes([0x81, 0x80 | 126]) + len(ident).to_bytes(2, "big") + mask + masked
    s.sendall(frame)
    wait_session(sb, before)
    # Drain READY and GUILD_CREATE until the line goes quiet.
    s.settimeout(0.3)
    try:
        while s.recv(1 << 20):
            pass
    except socket.timeout:
        pass
    s.settimeout(None)
    marker = b'"op":0'
    seen, tail = 0, b""
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    while seen < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf = tail + chunk
        seen += buf.count(marker) - tail.count(marker)
        tail = buf[-(len(marker) - 1):]
    elapsed = time.perf_counter() - t
    s.close()
    return elapsed


def gateway(discord, sb, n):
    # Clients that never heartbeat (websocat) must not be dropped as zombies mid-run.
    sb.call("POST", "/_sandbox/gateway/config", {"heartbeat_interval": 3_600_000})
    e = run_bare(sb, n)
    bare_rate = n / e
    row("gateway", "bare socket reader (sandbox ceiling)", f"{bare_rate:,.0f}", "events/s", "",
        f"{e:.2f} s; counts bytes, parses nothing")
    e, rss, cpu = run_listen(discord, sb, n)
    listen_rate = gateway_row(f"discord listen > /dev/null ({n:,})", n, e, rss, cpu)
    row("gateway", "listen vs bare socket reader", f"{listen_rate / bare_rate:.2f}x", "", "",
        "near 1.0x, the sandbox may be the limit; a listen CPU time near its wall time means "
        "listen itself is")
    for flag in ("--compress", "--compress=zstd"):
        e, rss, cpu = run_listen(discord, sb, n, flag)
        gateway_row(f"discord listen {flag} > /dev/null", n, e, rss, cpu)
    websocat = tool("websocat")
    ws_rate = None
    if websocat:
        e, rss = run_websocat(websocat, sb, n)
        ws_rate = gateway_row("websocat (line count via pipe)", n, e, rss)
    dpy = run_discordpy(sb, n)
    dpy_rate = None
    if dpy:
        dpy_rate = gateway_row("discord.py Client, on_message counter", n, *dpy)
    if ws_rate:
        row("gateway", "listen vs websocat", f"{listen_rate / ws_rate:.2f}x", "", "", "target >= 1.0x")
    if dpy_rate:
        row("gateway", "listen vs discord.py", f"{listen_rate / dpy_rate:.1f}x", "", "", "target >= 20x")


def run_measured(cmd, env):
    """Runs cmd to completion with stdout to /dev/null: (seconds, peak RSS MB)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = RssWatch(p.pid)
    _, status, _ = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed: {p.stderr.read().decode()[-500:]}")
    return elapsed, watch.summary()[0]


def big_guild(members):
    """A GUILD_CREATE payload shaped like Discord's, with `members` full member objects."""
    gid = 1_300_000_000_000_000_000
    return {
        "id": str(gid), "name": "big guild", "member_count": members, "large": True,
        "channels": [{"id": str(gid + 1), "type": 0, "name": "general", "position": 0}],
        "roles": [{"id": str(gid), "name": "@everyone", "permissions": "104324673", "position": 0}],
        "members": [{
            "user": {"id": str(gid + 10 + i), "username": f"member{i}", "global_name": f"Member {i}",
                     "avatar": None, "discriminator": "0", "public_flags": 0},
            "nick": None, "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "deaf": False, "mute": False, "flags": 0, "pending": False,
        } for i in range(members)],
    }


def run_guild_create(discord, sb, members):
    """listen receives one GUILD_CREATE of `members` members: wall time from the dispatch
    request to the client's exit, the client's CPU time, peak RSS and payload size."""
    before = len(sb.sessions())
    cmd = [discord, "listen", "--intents", "GUILDS", "--events", "GUILD_CREATE", "--max-events", "2"]
    p = subprocess.Popen(cmd, env=sb.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watch = RssWatch(p.pid)
    size = {"bytes": 0}

    def drain():
        while True:
            chunk = p.stdout.read1(1 << 20)
            if not chunk:
                return
            size["bytes"] += len(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    wait_session(sb, before)
    body = {"t": "GUILD_CREATE", "d": big_guild(members)}
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/dispatch", body)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    reader.join(timeout=10)
    if status != 0:
        raise SystemExit(f"bench: listen failed on the big GUILD_CREATE: {p.stderr.read().decode()[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, watch.summary()[0], size["bytes"] / 1e6


def huge(discord, sb, sizes):
    guild = sb.call("GET", "/api/v10/users/@me/guilds")[0]
    channel = next(c for c in sb.call("GET", f"/api/v10/guilds/{guild['id']}/channels") if c["type"] == 0)
    for n in sizes:
        e, cpu, rss, mb = run_guild_create(discord, sb, n)
        row("huge", f"GUILD_CREATE {n:,} members via listen", f"{e:.2f}", "s", "",
            f"{mb:.1f} MB printed; listen CPU {cpu:.2f} s; peak RSS {rss:.1f} MB")
    seeded = 0
    for n in sizes:
        sb.call("POST", "/_sandbox/seed-messages", {"channel_id": channel["id"], "count": n - seeded})
        seeded = n
        cmd = [discord, "get", f"/channels/{channel['id']}/messages", "--paginate", "--lines"]
        e, rss = run_measured(cmd, sb.env)
        row("huge", f"export >= {n:,} messages --paginate --lines", f"{e:.2f}", "s", "",
            f"peak RSS {rss:.1f} MB")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/discord"))
    ap.add_argument("-n", type=int, default=50, help="invocations per round-trip/start-up median")
    ap.add_argument("--events", type=int, default=200_000, help="dispatches per gateway run")
    ap.add_argument("--only", choices=["request", "startup", "gateway", "huge"], action="append")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        raise SystemExit(f"bench: no {a.binary}: run `cargo build --release` first")
    only = set(a.only or ["request", "startup", "gateway", "huge"])
    sb = Sandbox(a.binary)
    try:
        if "request" in only:
            round_trip(a.binary, sb, a.n)
        if "startup" in only:
            startup(a.binary, a.n)
        if "gateway" in only:
            gateway(a.binary, sb, a.events)
        if "huge" in only:
            huge(a.binary, sb, [10_000, 100_000])
    finally:
        sb.stop()
    print(f"| section | what | value | unit | ratio | note |\n|---|---|---:|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(str(x) for x in r) + " |")
    if MISSING:
        print(f"\nskipped (not installed): {', '.join(sorted(set(MISSING)))}")


if __name__ == "__main__":
    main()
