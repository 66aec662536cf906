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

    def __init__(self, discord, extra=()):
        self.proc = subprocess.Popen([discord, "sandbox", "--no-rate-limits", *extra], stdout=subprocess.PIPE,
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
    # Name resolution on a warm cache: the same request by id and by name (the first call by
    # name fills the cache; after it, a name costs a lookup in the local database, no request).
    guild = sb.call("GET", "/api/v10/users/@me/guilds")[0]["id"]
    general = next(c["id"] for c in sb.call("GET", f"/api/v10/guilds/{guild}/channels") if c["name"] == "general")
    subprocess.run([discord, "get-channel", "#general"], env=sb.env, stdout=subprocess.DEVNULL, check=True)
    cmds["discord get-channel ID"] = [discord, "get-channel", general]
    cmds["discord get-channel '#general' (warm name cache)"] = [discord, "get-channel", "#general"]
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
    by_id = statistics.median(med["discord get-channel ID"])
    by_name = statistics.median(med["discord get-channel '#general' (warm name cache)"])
    row("request", "name resolution on a warm cache (by name - by id)", f"{by_name - by_id:+.2f}", "ms", "",
        "target < 1 ms")


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


STREAMS = [("plain", None), ("zlib-stream", "--compress"), ("zstd-stream", "--compress=zstd")]
BASELINE = {}


def wait_session(sb, before, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        s = sb.sessions()
        if len(s) > before:
            return
        time.sleep(0.05)
    raise SystemExit("bench: the client never identified to the sandbox gateway")


def burst_took(sb, index, timeout=10):
    """The replay's own timing of connection `index`: seconds from the burst's first byte to
    the client's close frame (None if it never closed)."""
    end = time.time() + timeout
    while time.time() < end:
        s = sb.sessions()
        if len(s) > index and s[index].get("burst_to_close") is not None:
            return s[index]["burst_to_close"]
        time.sleep(0.02)
    return None


def cpu_of(pid):
    """User + system CPU seconds a live process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gateway_row(label, n, nbytes, elapsed, rss, cpu=None):
    rate = n / elapsed
    peak, quarter, last = rss
    busy = f"; CPU {cpu / n * 1e6:.2f} us/event ({cpu:.2f} s)" if cpu is not None else ""
    row("gateway", label, f"{rate:,.0f}", "events/s", f"{nbytes / elapsed / 1e6:,.0f} MB/s",
        f"{elapsed:.3f} s{busy}; peak RSS {peak:.1f} MB (at 1/4 {quarter:.1f}, end {last:.1f})")
    return rate


def run_listen(discord, sb, n, compress=None, replay=True):
    """compress: None, or listen's compression flag ("--compress", "--compress=zstd").
    (seconds, rss, CPU seconds during the burst); on the replay the time is the server's."""
    before = len(sb.sessions())
    cmd = [discord, "listen", "--events", "MESSAGE_CREATE", "--max-events", str(n)]
    if compress:
        cmd.append(compress)
    p = subprocess.Popen(cmd, env=sb.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = RssWatch(p.pid)
    wait_session(sb, before)
    cpu0 = cpu_of(p.pid)
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    rss = watch.summary()
    if status != 0:
        raise SystemExit(f"bench: discord listen failed: {p.stderr.read().decode()[-500:]}")
    if replay:
        elapsed = burst_took(sb, before) or elapsed
    return elapsed, rss, usage.ru_utime + usage.ru_stime - cpu0


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
    """websocat -t (plain text frames only: it cannot inflate Discord's streams); its lines are
    counted by a pipe reader, and its stdin closed at the N-th, which makes it close the
    WebSocket: the replay times that close like every other client's."""
    gw = sb.call("GET", "/api/v10/gateway/bot")["url"].rstrip("/") + "/?v=10&encoding=json"
    before = len(sb.sessions())
    p = subprocess.Popen([websocat, "-t", gw], stdin=subprocess.PIPE,
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
    cpu0 = cpu_of(p.pid)
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    end = time.time() + 600
    while not state["t_end"] and time.time() < end and p.poll() is None:
        time.sleep(0.001)
    cpu = cpu_of(p.pid) - cpu0
    rss = watch.summary()
    p.stdin.close()
    took = burst_took(sb, before, timeout=3)
    p.kill()
    p.wait()
    if not state["t_end"]:
        raise SystemExit(f"bench: websocat got {state['lines']} of {state['target']} lines")
    return took or state["t_end"] - t, rss, cpu


DPY_CLIENT = r"""
import os, sys, time, zlib, types
import discord, discord.utils, yarl
from discord.http import Route
from discord.gateway import DiscordWebSocket
api, token, n, gateway, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
# discord.py has no documented base-URL option: point its REST and gateway at the sandbox.
Route.BASE = api
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)

class Zlib:
    # discord.py's own zlib-stream reader, which it only defines when zstandard is missing.
    COMPRESSION_TYPE = "zlib-stream"
    def __init__(self):
        self.buffer, self.context = bytearray(), zlib.decompressobj()
    def decompress(self, data):
        self.buffer.extend(data)
        if len(data) < 4 or data[-4:] != b"\x00\x00\xff\xff":
            return None
        msg, self.buffer = self.context.decompress(self.buffer), bytearray()
        return msg.decode("utf-8")

if mode == "zlib-stream":
    discord.utils._ActiveDecompressionContext = Zlib
elif mode == "zstd-stream" and discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE != "zstd-stream":
    sys.exit("discord.py reads zstd-stream only with the zstandard package installed")
original = DiscordWebSocket.from_client.__func__
async def from_client(cls, client, **kw):
    kw["compress"] = mode != "plain"
    return await original(cls, client, **kw)
DiscordWebSocket.from_client = classmethod(from_client)
intents = discord.Intents.default()
intents.message_content = True
async def no_app_info(self):
    # The sandbox has no /oauth2/applications/@me; discord.py only needs these from it at login.
    return types.SimpleNamespace(id=self.user.id, interactions_endpoint_url=None, flags=discord.ApplicationFlags())
discord.Client.application_info = no_app_info
client = discord.Client(intents=intents, max_messages=None, enable_debug_events=False)
count = 0
@client.event
async def on_ready():
    print("ready", flush=True)
@client.event
async def on_message(m):
    global count
    count += 1
    if count == n:
        print(f"done {time.perf_counter()}", flush=True)
        await client.close()
client.run(token, log_handler=None)
"""


def run_script(sb, n, source, args):
    """Runs a Python client that prints "ready" once identified and "done T" at the N-th event;
    (seconds, rss, CPU seconds during the burst)."""
    tmp = tempfile.mkdtemp(prefix="bench-client-")
    script = os.path.join(tmp, "client.py")
    with open(script, "w") as f:
        f.write(source)
    before = len(sb.sessions())
    p = subprocess.Popen([sys.executable, script, *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    watch = RssWatch(p.pid)
    if p.stdout.readline().strip() != "ready":
        raise SystemExit(f"bench: {args[-1]} client failed: {p.stderr.read()[-800:]}")
    wait_session(sb, before)
    cpu0 = cpu_of(p.pid)
    t = time.perf_counter()
    sb.call("POST", "/_sandbox/gateway/burst", {"count": n})
    line = p.stdout.readline()
    cpu = cpu_of(p.pid) - cpu0 if p.poll() is None else None
    rss = watch.summary()
    took = burst_took(sb, before, timeout=5)
    p.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    if not line.startswith("done"):
        raise SystemExit(f"bench: client ended early: {p.stderr.read()[-800:]}")
    return took or float(line.split()[1]) - t, rss, cpu


def run_discordpy(sb, n, kind):
    try:
        import discord  # noqa: F401
    except ImportError:
        MISSING.append("discord.py (pip install discord.py)")
        return None
    if kind == "zstd-stream":
        try:
            import zstandard  # noqa: F401
        except ImportError:
            MISSING.append("zstandard (pip install zstandard, for discord.py's zstd-stream)")
            return None
    gw = sb.call("GET", "/api/v10/gateway/bot")["url"]
    return run_script(sb, n, DPY_CLIENT, [sb.api, sb.token, str(n), gw, kind])


BARE_READER = r"""
import base64, json, os, socket, sys, time
host, port, token, kind, nbytes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
s = socket.create_connection((host, port))
key = base64.b64encode(os.urandom(16)).decode()
query = "v=10&encoding=json" + ("" if kind == "plain" else "&compress=" + kind)
s.sendall((f"GET /?{query} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(4096)

def send(opcode, payload):
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    size = bytes([0x80 | len(payload)]) if len(payload) < 126 else bytes([0x80 | 126]) + len(payload).to_bytes(2, "big")
    s.sendall(bytes([0x80 | opcode]) + size + mask + masked)

send(1, json.dumps({"op": 2, "d": {"token": token, "intents": 33281,
                    "properties": {"os": "linux", "browser": "bare", "device": "bare"}}}).encode())
# Drain HELLO, READY and GUILD_CREATE until the line goes quiet.
s.settimeout(0.3)
try:
    while s.recv(1 << 20):
        pass
except socket.timeout:
    pass
s.settimeout(None)
print("ready", flush=True)
buf = bytearray(4 << 20)
view = memoryview(buf)
got = 0
while got < nbytes:
    k = s.recv_into(view)
    if not k:
        sys.exit(f"the server closed after {got} of {nbytes} bytes")
    got += k
print(f"done {time.perf_counter()}", flush=True)
send(8, (1000).to_bytes(2, "big"))
s.settimeout(2)
try:
    s.recv(1 << 16)
except socket.timeout:
    pass
"""


def run_bare(sb, n, kind, nbytes):
    """A bare socket reader: WebSocket handshake and IDENTIFY by hand, then raw recv_into()
    until the burst's byte count has arrived. No framing, inflating or JSON: the most any
    client could do on this stream."""
    from urllib.parse import urlparse
    gw = urlparse(sb.call("GET", "/api/v10/gateway/bot")["url"])
    return run_script(sb, n, BARE_READER, [gw.hostname, str(gw.port), sb.token, kind, str(nbytes)])


def inflate_limit(sb, kind):
    """The replay inflating its own stream with the compression library alone."""
    cost = sb.call("GET", f"/_sandbox/replay/inflate?compress={kind}")
    return cost["events"] / cost["seconds"], cost


def gateway(discord, sb, n):
    """Every client on the replay gateway (`discord sandbox --replay N`), whose stream is built
    up front and sent from memory, for plain, zlib-stream and zstd-stream."""
    # On the stateful sandbox first, for comparison with earlier runs: its burst generator
    # renders and logs each dispatch, so there the sandbox may be the limit.
    sb.call("POST", "/_sandbox/gateway/config", {"heartbeat_interval": 3_600_000})
    e, rss, cpu = run_listen(discord, sb, n, replay=False)
    row("gateway", f"listen on the stateful sandbox's burst ({n:,}, plain)", f"{n / e:,.0f}", "events/s", "",
        f"{e:.3f} s to exit; CPU {cpu:.2f} s")
    rp = Sandbox(discord, ["--replay", str(n)])
    try:
        sizes = rp.call("GET", "/_sandbox/replay")["bytes"]
        websocat = tool("websocat")
        for kind, flag in STREAMS:
            nbytes = sizes[kind]
            row("gateway", f"replay stream: {n:,} dispatches ({kind})", f"{nbytes / 1e6:,.1f}", "MB", "",
                f"{nbytes / n:.0f} bytes/event on the wire")
            e, rss, cpu = run_bare(rp, n, kind, nbytes)
            bare = gateway_row(f"bare socket reader ({kind})", n, nbytes, e, rss, cpu)
            limit = None
            if kind != "plain":
                limit, cost = inflate_limit(rp, kind)
                row("gateway", f"inflate alone, one thread ({kind})", f"{limit:,.0f}", "events/s",
                    f"{cost['bytes_in'] / cost['seconds'] / 1e6:,.0f} MB/s",
                    f"{cost['seconds']:.3f} s; {cost['seconds'] / n * 1e6:.2f} us/event; "
                    f"{cost['bytes_out'] / 1e6:.0f} MB out")
            e, rss, cpu = run_listen(discord, rp, n, flag)
            if kind == "plain":
                BASELINE["listen"] = rss[0]
            listen = gateway_row(f"discord listen{' ' + flag if flag else ''} > /dev/null ({kind})", n, nbytes,
                                 e, rss, cpu)
            row("gateway", f"listen vs bare socket reader ({kind})", f"{listen / bare:.2f}x", "", "",
                "target >= 0.95x" if kind == "plain" else "")
            if limit:
                row("gateway", f"listen vs inflate alone ({kind})", f"{listen / limit:.2f}x", "", "",
                    "target >= 1 M events/s, or >= 1/1.2 = 0.83x of inflate alone")
            if websocat and kind == "plain":
                e, rss, cpu = run_websocat(websocat, rp, n)
                ws = gateway_row("websocat -t, lines counted via pipe (plain)", n, nbytes, e, rss, cpu)
                row("gateway", "listen vs websocat (plain)", f"{listen / ws:.2f}x", "", "", "target >= 1.0x")
            dpy = run_discordpy(rp, n, kind)
            if dpy:
                rate = gateway_row(f"discord.py Client, on_message counter ({kind})", n, nbytes, *dpy)
                row("gateway", f"listen vs discord.py ({kind})", f"{listen / rate:.0f}x", "", "", "target >= 20x")
    finally:
        rp.stop()


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
    if "listen" not in BASELINE:
        # listen's steady-state size, for the memory ratio of the big payloads.
        BASELINE["listen"] = run_guild_create(discord, sb, 10)[2]
    for n in sizes:
        e, cpu, rss, mb = run_guild_create(discord, sb, n)
        base = BASELINE.get("listen")
        over = f"; (peak - {base:.1f} MB baseline) / payload = {(rss - base) / mb:.2f}x" if base else ""
        row("huge", f"GUILD_CREATE {n:,} members via listen", f"{e:.2f}", "s", "",
            f"{mb:.1f} MB printed; listen CPU {cpu:.2f} s; peak RSS {rss:.1f} MB{over}")
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
