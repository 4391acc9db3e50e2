"""Bounded load test of the web app's contest endpoint (loopback only; stops by itself).

Starts ``tally serve`` on a free loopback port in a child process, sends a fixed number
of requests (default 2,000) with a fixed concurrency (default 50) to
``/api/count?dataset=burlington-2009&rule=irv``, checks every response, prints
throughput and latency percentiles, and stops the server.

    python bench/load_web.py [--requests 2000] [--concurrency 50] [--path /api/count?...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import numpy as np


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run(base: str, path: str, total: int, concurrency: int) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    if response.status_code != 200 or "winners" not in response.json():
                        errors.append(f"{response.status_code}: {response.text[:120]}")
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return latencies, errors, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--path", default="/api/count?dataset=burlington-2009&rule=irv")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "TALLY_HOME": tempfile.mkdtemp(prefix="tally-load-")}
    server = subprocess.Popen(
        [sys.executable, "-m", "tally.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/datasets", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            print("server did not start:", server.stderr.read().decode() if server.stderr else "")
            return 1
        httpx.get(f"{base}{args.path}", timeout=60)  # warm the dataset cache
        latencies, errors, elapsed = asyncio.run(run(base, args.path, args.requests, args.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)
    ms = np.array(latencies) * 1000
    print(f"endpoint      {args.path}")
    print(f"requests      {len(latencies)} at concurrency {args.concurrency}")
    print(f"errors        {len(errors)}")
    print(f"throughput    {len(latencies) / elapsed:,.0f} requests/s ({elapsed:.2f} s)")
    print(
        f"latency ms    p50 {np.percentile(ms, 50):.1f}  p95 {np.percentile(ms, 95):.1f}  "
        f"p99 {np.percentile(ms, 99):.1f}  max {ms.max():.1f}"
    )
    for e in errors[:5]:
        print("  ", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
