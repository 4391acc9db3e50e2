"""Soak test of the web app: normal and hostile traffic at once, bounded, on loopback only.

Starts ``tally serve`` on a free loopback port (worker pool with its default limits, a
short job time limit), then runs for a fixed time (default 60 s) a mix of clients, each
from its own loopback address (127.0.0.2, 127.0.0.3, ...) so that the per-client limits
apply as they would to separate users:

* **quick**: the catalogue, the rule list, a cached dataset count;
* **count**: uncached dataset counts under several rules, comparisons, small uploads;
* **slow**: uploads that count for longer than the job limit (proportional approval voting
  over 134,596 committees; IRV on 2,000 candidates), and large simulations that are
  started and then cancelled;
* **hostile**: every upload of the hostile corpus (``tests/data/hostile``), bodies past
  the upload limit (declared, and streamed without a length), foreign Host headers,
  unknown paths, malformed parameters.

Every answer is checked against what its request may get (quick: 200; a count: 200, or
422 at the time limit, or 429/503 with Retry-After when the pool is full; hostile: a JSON
4xx). It prints the errors (unexpected statuses, 5xx, connection failures), latency
percentiles per kind (the quick requests' p99 is the number to watch: it must stay well
under a second while the slow counts run) and the peak memory of the server with its job
processes, then stops the server.

    python bench/soak.py [--seconds 60] [--clients 12] [--job-seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"

QUICK = {200}
SLOW = {200, 422, 429, 503}
REFUSED = {400, 404, 405, 413, 422, 429, 503}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- inputs ------------------------------------------------------------------------------------


def small_ranked(rng: random.Random) -> bytes:
    names = ["Ann", "Bob", "Cy", "Dee", "Eve"]
    rows = ["rank1,rank2,rank3", *(",".join(rng.sample(names, 3)) for _ in range(200))]
    return ("\n".join(rows) + "\n").encode()


def pav_ballots() -> bytes:
    """24 candidates, 6 seats: an exhaustive search over 134,596 committees (half a minute)."""
    rng = np.random.default_rng(5)
    rows = np.unique(rng.integers(0, 2, size=(6000, 24)), axis=0)
    lines = [",".join(f"C{i}" for i in range(24))] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def hostile_uploads() -> list[tuple[str, bytes]]:
    cases = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))
    return [(Path(c["file"]).name, (HOSTILE / c["file"]).read_bytes()) for c in cases if c["upload"]]


# -- bookkeeping ------------------------------------------------------------------------------------


class Record:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def answer(
        self, kind: str, what: str, started: float, status: int, body: str, headers: dict, allowed: set[int]
    ) -> None:
        self.latency[kind].append(time.perf_counter() - started)
        self.statuses[kind][status] += 1
        problem = None
        if status not in allowed:
            problem = f"status {status}"
        elif status >= 400:
            try:
                if not json.loads(body).get("detail"):
                    problem = "an error without a detail"
            except ValueError:
                problem = "an error that is not JSON"
            if status in (429, 503) and "retry-after" not in headers:
                problem = "no Retry-After"
        if problem:
            self.errors.append(f"{kind} {what}: {problem}: {body[:150]}")


async def _raw(port: int, address: str, request: bytes) -> int:
    """Send raw bytes (a request httpx would refuse to send) and read the status."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
    try:
        writer.write(request)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 30)
        return int(line.split()[1]) if line.startswith(b"HTTP/") else 0
    except (TimeoutError, OSError, ValueError, IndexError):
        return 0
    finally:
        writer.close()


async def _endless():
    yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\nrank1\r\n'
    for _ in range(5000):
        yield b"A\r\n" * 10_000


# -- traffic ------------------------------------------------------------------------------------


async def client_loop(
    base: str, address: str, role: str, deadline: float, record: Record, rng: random.Random
) -> None:
    port = int(base.rsplit(":", 1)[1])
    hostile = hostile_uploads()
    pav = pav_ballots()
    irv2000 = (HOSTILE / "csv_2000_candidates.csv").read_bytes()
    datasets = ["burlington-2009", "minneapolis-2009-park"]
    transport = httpx.AsyncHTTPTransport(local_address=address, retries=0)
    async with httpx.AsyncClient(base_url=base, transport=transport, timeout=120) as c:

        async def call(
            kind: str, what: str, allowed: set[int], method: str, url: str, **kw: object
        ) -> httpx.Response | None:
            started = time.perf_counter()
            try:
                r = await c.request(method, url, **kw)
            except httpx.HTTPError as exc:
                record.latency[kind].append(time.perf_counter() - started)
                if what != "streamed body":  # a body cut off may end in a closed connection
                    record.errors.append(f"{kind} {what}: {type(exc).__name__}: {exc}")
                return None
            record.answer(kind, what, started, r.status_code, r.text, dict(r.headers), allowed)
            return r

        while time.monotonic() < deadline:
            pick = rng.randrange(6)
            if role == "normal":
                if pick == 0:
                    await call("quick", "datasets", QUICK, "GET", "/api/datasets")
                elif pick == 1:
                    await call("quick", "rules", QUICK, "GET", "/api/rules")
                elif pick == 2:
                    params = {"dataset": "burlington-2009", "rule": "irv"}
                    await call("quick", "cached count", QUICK, "GET", "/api/count", params=params)
                elif pick == 3:
                    rule = rng.choice(["plurality", "borda", "schulze", "copeland", "coombs", "bucklin"])
                    params = {"dataset": rng.choice(datasets), "rule": rule}
                    await call("count", "dataset count", SLOW, "GET", "/api/count", params=params)
                elif pick == 4:
                    await call(
                        "count",
                        "compare",
                        SLOW,
                        "GET",
                        "/api/compare",
                        params={"dataset": rng.choice(datasets)},
                    )
                else:
                    files = {"file": ("b.csv", small_ranked(rng))}
                    await call("count", "small upload", SLOW, "POST", "/api/count", files=files)
                await asyncio.sleep(rng.uniform(0.05, 0.3))
            elif role == "slow":
                if pick < 2:
                    files, data = {"file": ("pav.csv", pav)}, {"rule": "pav", "seats": "6"}
                    await call("slow", "pav upload", SLOW, "POST", "/api/count", files=files, data=data)
                elif pick < 4:
                    await call(
                        "slow",
                        "irv 2000 upload",
                        SLOW,
                        "POST",
                        "/api/count",
                        files={"file": ("c.csv", irv2000)},
                    )
                else:
                    spec = {
                        "voters": 20_001,
                        "elections": 2_000,
                        "candidates": 8,
                        "rules": ["irv"],
                        "seed": rng.randrange(10**6),
                    }
                    r = await call("slow", "simulate", {202, 429, 503}, "POST", "/api/simulate", json=spec)
                    if r is not None and r.status_code == 202:
                        await asyncio.sleep(rng.uniform(0.5, 2))
                        await call("slow", "cancel", {200}, "DELETE", f"/api/runs/{r.json()['id']}")
            else:
                if pick == 0:
                    name, content = rng.choice(hostile)
                    await call(
                        "hostile",
                        f"upload {name}",
                        {200, *REFUSED},
                        "POST",
                        "/api/count",
                        files={"file": (name, content)},
                    )
                elif pick == 1:
                    started = time.perf_counter()
                    head = f"POST /api/count HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {10**9}\r\n\r\n"
                    status = await _raw(port, address, head.encode() + b"x" * 1000)
                    record.latency["hostile"].append(time.perf_counter() - started)
                    record.statuses["hostile"][status] += 1
                    if status != 413:
                        record.errors.append(f"hostile declared body: status {status}")
                elif pick == 2:
                    headers = {"content-type": "multipart/form-data; boundary=b"}
                    await call(
                        "hostile",
                        "streamed body",
                        {413},
                        "POST",
                        "/api/count",
                        content=_endless(),
                        headers=headers,
                    )
                elif pick == 3:
                    await call(
                        "hostile", "host", {400}, "GET", "/api/datasets", headers={"host": "evil.example"}
                    )
                elif pick == 4:
                    await call("hostile", "path", {404}, "GET", f"/api/{'x' * rng.randrange(1, 2000)}")
                else:
                    params = {"dataset": "x" * 5000, "seats": "-1"}
                    await call("hostile", "params", REFUSED, "GET", "/api/count", params=params)
                await asyncio.sleep(rng.uniform(0.05, 0.3))


# -- a probe of its own ---------------------------------------------------------------------------


def probe(base: str, seconds: float, results: Any) -> None:
    """In a process of its own (the clients' event loop has its own delays): ask for the
    rule list every 200 ms and keep the latencies, so that the server's responsiveness is
    measured apart from the load generator's."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=60) as c:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = c.get("/api/rules").status_code
            latencies.append(time.perf_counter() - started if status == 200 else float("inf"))
            time.sleep(0.2)
    results.put(latencies)


# -- memory ---------------------------------------------------------------------------------------


def _tree_rss(root: int) -> tuple[int, int]:
    """(resident bytes of ``root`` and every process below it, the largest one)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    sizes = [rss.get(pid, 0) for pid in tree]
    return sum(sizes), max(sizes, default=0)


def watch_memory(pid: int, stop: threading.Event, peak: dict[str, int]) -> None:
    while not stop.is_set():
        total, largest = _tree_rss(pid)
        peak["total"] = max(peak.get("total", 0), total)
        peak["largest"] = max(peak.get("largest", 0), largest)
        stop.wait(0.2)


# -- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--clients", type=int, default=12, help="normal clients; half as many slow, and hostile"
    )
    parser.add_argument("--job-seconds", type=float, default=10)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    port = free_port()
    env = {
        **os.environ,
        "TALLY_HOME": tempfile.mkdtemp(prefix="tally-soak-"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    command = [
        sys.executable,
        "-m",
        "tally.cli",
        "serve",
        "--port",
        str(port),
        "--job-seconds",
        str(args.job_seconds),
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    stop, peak = threading.Event(), {}
    record = Record()
    roles = (
        ["normal"] * args.clients
        + ["slow"] * max(1, args.clients // 2)
        + ["hostile"] * max(1, args.clients // 2)
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/rules", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            print("the server did not start:", server.stderr.read().decode() if server.stderr else "")
            return 1
        warm = httpx.get(
            f"{base}/api/count", params={"dataset": "burlington-2009", "rule": "irv"}, timeout=120
        )
        print(f"the cached count, counted once before the clients start: {warm.status_code}")
        threading.Thread(target=watch_memory, args=(server.pid, stop, peak), daemon=True).start()
        deadline = time.monotonic() + args.seconds
        rng = random.Random(args.seed)

        async def everyone() -> None:
            await asyncio.gather(
                *(
                    client_loop(base, f"127.0.0.{k + 2}", role, deadline, record, random.Random(rng.random()))
                    for k, role in enumerate(roles)
                )
            )

        import multiprocessing

        context = multiprocessing.get_context("spawn")
        probed = context.Queue()
        prober = context.Process(target=probe, args=(base, args.seconds, probed))
        prober.start()
        began = time.perf_counter()
        asyncio.run(everyone())
        elapsed = time.perf_counter() - began
        probe_ms = np.array(probed.get(timeout=120)) * 1000
        prober.join()
        alive = httpx.get(f"{base}/api/rules", timeout=10).status_code == 200
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    requests = sum(len(v) for v in record.latency.values())
    print(
        f"soak: {requests:,} requests in {elapsed:.0f} s from {len(roles)} clients; server up at the end: {alive}"
    )
    print(f"errors: {len(record.errors)}")
    for kind in ("quick", "count", "slow", "hostile"):
        ms = np.array(record.latency.get(kind) or [0.0]) * 1000
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(record.statuses[kind].items()))
        print(
            f"  {kind:8s} n={len(record.latency.get(kind, [])):5d}  p50 {np.percentile(ms, 50):8.1f} ms  "
            f"p99 {np.percentile(ms, 99):8.1f} ms  max {ms.max():8.1f} ms   [{statuses}]"
        )
    failed = int(np.isinf(probe_ms).sum())
    fine = probe_ms[np.isfinite(probe_ms)]
    print(
        f"  probe    n={len(probe_ms):5d}  p50 {np.percentile(fine, 50):8.1f} ms  p99 {np.percentile(fine, 99):8.1f} ms  "
        f"max {fine.max():8.1f} ms   [{failed} not 200]  (GET /api/rules every 200 ms from a process of its own)"
    )
    if failed:
        record.errors.append(f"probe: {failed} answers were not 200")
    print(
        f"peak memory: {peak.get('total', 0) / 2**20:,.0f} MiB for the server and its jobs together, "
        f"{peak.get('largest', 0) / 2**20:,.0f} MiB the largest process"
    )
    for error in record.errors[:10]:
        print("  ", error)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "requests": requests,
        "seconds": elapsed,
        "clients": len(roles),
        "errors": record.errors,
        "alive": alive,
        "latency_ms": {
            k: {
                "n": len(v),
                "p50": float(np.percentile(v, 50) * 1000),
                "p99": float(np.percentile(v, 99) * 1000),
            }
            for k, v in record.latency.items()
        },
        "statuses": {k: dict(v) for k, v in record.statuses.items()},
        "probe_ms": {
            "n": len(fine),
            "p50": float(np.percentile(fine, 50)),
            "p99": float(np.percentile(fine, 99)),
        },
        "peak_rss_bytes": peak,
    }
    (out / "soak.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 1 if record.errors or not alive else 0


if __name__ == "__main__":
    sys.exit(main())
