#!/usr/bin/env python3
"""`discord export` measured against the sandbox: a guild of 20 channels (and, where the sandbox
serves them, threads) holding N messages in all, exported with Discord's rate limits scaled down.

Run from the repository root after `cargo build --release`:

    python3 bench/export.py                 # 20,000 and 200,000 messages
    python3 bench/export.py --sizes 20000   # one size

For each size it prints: messages exported, requests made (from the sandbox's request log),
requests per 100 messages (1.0 is the minimum: one page of 100 per request), the request rate
achieved against the rate the limits allow (the global limit, since each channel's own bucket is
looser; target >= 0.9), 429s received (target 0), wall time, and the exporter's peak RSS (VmHWM;
target flat and under 50 MB). Installs nothing; not part of `cargo test`.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHANNELS = 20
GLOBAL_LIMIT = 50  # Discord's global limit, requests per second
SCALE = "0.1"      # route windows 10x shorter than Discord's


class Sandbox:
    def __init__(self, discord):
        self.proc = subprocess.Popen(
            [discord, "sandbox", "--rate-limit-scale", SCALE, "--global-limit", str(GLOBAL_LIMIT)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        env = {}
        for _ in range(2):
            k, v = self.proc.stdout.readline().strip().removeprefix("export ").split("=", 1)
            env[k] = v
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.api, self.token = env["DISCORD_API_URL"], env["DISCORD_TOKEN"]
        self.root = self.api.split("/api")[0]
        self.cache = tempfile.mkdtemp(prefix="bench-export-cache-")

    def call(self, method, path, body=None, api=True):
        url = (self.api if api else self.root) + path
        req = urllib.request.Request(url, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bot " + self.token,
                                              "Content-Type": "application/json"})
        for _ in range(20):
            try:
                with urllib.request.urlopen(req) as r:
                    data = r.read()
                    return json.loads(data) if data else None
            except urllib.error.HTTPError as e:
                if e.code != 429:
                    raise
                time.sleep(float(json.loads(e.read()).get("retry_after", 1)))
        raise RuntimeError(f"{method} {path}: still rate limited")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def peak_rss_kb(pid, state):
    while state["running"]:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        state["peak"] = max(state["peak"], int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)


def run(discord, total):
    sb = Sandbox(discord)
    try:
        guild = sb.call("GET", "/users/@me/guilds")[0]["id"]
        channels = [c["id"] for c in sb.call("GET", f"/guilds/{guild}/channels") if c["type"] == 0]
        while len(channels) < CHANNELS:
            made = sb.call("POST", f"/guilds/{guild}/channels", {"name": f"bench-{len(channels)}", "type": 0})
            channels.append(made["id"])
        seeded = sum(len(sb.call("GET", f"/channels/{c}/messages?limit=100") or []) for c in channels)
        # Spread the rest evenly; the seeded #general already holds a few hundred.
        per = max(0, (total - seeded) // len(channels))
        for c in channels:
            sb.call("POST", "/_sandbox/seed-messages", {"channel_id": c, "count": per}, api=False)
        sb.call("DELETE", "/_sandbox/requests", api=False)
        # Let the global window the setup requests used go by, so they cost the export nothing.
        time.sleep(1.1)
        out = tempfile.mkdtemp(prefix="bench-export-")
        env = dict(os.environ, DISCORD_API_URL=sb.api, DISCORD_TOKEN=sb.token, DISCORD_CACHE_DIR=sb.cache)
        start = time.monotonic()
        proc = subprocess.Popen([discord, "export", guild, "--out", out], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        state = {"running": True, "peak": 0}
        watcher = threading.Thread(target=peak_rss_kb, args=(proc.pid, state))
        watcher.start()
        stdout, stderr = proc.communicate()
        elapsed = time.monotonic() - start
        state["running"] = False
        watcher.join()
        if proc.returncode != 0:
            print(stderr, file=sys.stderr)
        summary = json.loads(stdout) if stdout.strip() else {}
        log = sb.call("GET", "/_sandbox/requests", api=False)
        requests = len(log)
        limited = sum(1 for r in log if r.get("status") == 429)
        messages = summary.get("messages", {}).get("total", 0)
        pages = sum(1 for r in log if r.get("path", "").endswith("/messages"))
        return {
            "messages": messages, "requests": requests, "message_pages": pages,
            "per100": pages / max(1, messages / 100), "rate": requests / elapsed,
            "ratio": requests / elapsed / GLOBAL_LIMIT, "429s": limited,
            "seconds": elapsed, "peak_mb": state["peak"] / 1024, "exit": proc.returncode,
        }
    finally:
        sb.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--discord", default=os.path.join(ROOT, "target", "release", "discord"))
    args = parser.parse_args()
    if not os.path.exists(args.discord):
        sys.exit(f"{args.discord} is missing: run `cargo build --release` first")
    print("| messages | requests | message pages per 100 messages | requests/s | of the allowed 50/s | 429s | seconds | peak RSS |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in [int(s) for s in args.sizes.split(",")]:
        r = run(args.discord, size)
        print(f"| {r['messages']:,} | {r['requests']:,} | {r['per100']:.3f} | {r['rate']:.1f} | "
              f"{r['ratio']:.2f} | {r['429s']} | {r['seconds']:.1f} | {r['peak_mb']:.1f} MB |")


if __name__ == "__main__":
    main()
