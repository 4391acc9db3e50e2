"""The web app under load and abuse: a worker pool bounded in size, time and memory, host
checking, body limits enforced while the body arrives, security headers and JSON errors."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi")
import httpx
import uvicorn
from fastapi.testclient import TestClient

from tally import limits
from tally.errors import BallotError
from tally.web import create_app
from tally.web.guard import SECURITY_HEADERS
from tally.web.workers import Busy, JobFailed, WorkerPool


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    os.environ["TALLY_HOME"] = str(tmp_path_factory.mktemp("store"))
    with TestClient(create_app()) as c:
        yield c


# -- the pool -------------------------------------------------------------------------------------


def test_a_job_past_its_time_is_killed(tmp_path):
    pool = WorkerPool(limits.current().replace(job_seconds=0.5))
    started = time.monotonic()
    with pytest.raises(JobFailed, match="longer than the 0.5 s") as failed:
        pool.call(time.sleep, 30, client="a")
    assert failed.value.status == 422 and time.monotonic() - started < 10
    assert pool.call(sum, [1, 2, 3], client="a") == 6  # the pool is fine afterwards


def test_a_job_past_its_memory_fails_alone():
    pool = WorkerPool(limits.current().replace(job_memory="256MiB"))
    with pytest.raises(JobFailed, match="0.25 GiB of memory") as failed:
        pool.call(bytearray, 2**31, client="a")
    assert failed.value.status == 422
    assert pool.call(len, bytearray(1000), client="a") == 1000


def test_errors_in_a_job_come_back_as_they_were_raised():
    pool = WorkerPool(limits.current())
    with pytest.raises(BallotError, match="no such file"):
        pool.call(_read, "/nonexistent/ballots.csv", client="a")
    with pytest.raises(JobFailed, match="exit status 3") as failed:
        pool.call(os._exit, 3, client="a")
    assert failed.value.status == 500


def _read(path: str) -> object:
    import tally

    return tally.read(path)


def test_admission_is_bounded_per_client_and_in_all():
    pool = WorkerPool(limits.current().replace(workers=1, queue=1, per_client=2))
    threads = [threading.Thread(target=pool.call, args=(time.sleep, 3), kwargs={"client": c}) for c in "ab"]
    for t in threads:
        t.start()
    time.sleep(0.3)
    with pytest.raises(Busy) as full:  # one running, one waiting: the queue is full
        pool.call(time.sleep, 0, client="c")
    assert full.value.status == 503 and full.value.retry_after >= 1
    for t in threads:
        t.join()
    pool = WorkerPool(limits.current().replace(workers=4, queue=4, per_client=1))
    slow = threading.Thread(target=pool.call, args=(time.sleep, 2), kwargs={"client": "a"})
    slow.start()
    time.sleep(0.3)
    with pytest.raises(Busy) as mine:
        pool.call(time.sleep, 0, client="a")
    assert mine.value.status == 429
    assert pool.call(sum, [2, 2], client="b") == 4  # another client is served meanwhile
    slow.join()


def test_a_count_waits_in_the_queue_only_so_long():
    pool = WorkerPool(limits.current().replace(workers=1, queue=4))
    assert pool.queue_wait == limits.current().job_seconds  # as long as a count may run
    pool.queue_wait = 0.5
    ahead = threading.Thread(target=pool.call, args=(time.sleep, 4), kwargs={"client": "a"})
    ahead.start()
    time.sleep(0.3)
    with pytest.raises(Busy, match="no worker was free for 0.5 s") as waited:
        pool.call(sum, [1], client="b")
    assert waited.value.status == 503
    ahead.join()


def test_a_cancelled_job_is_killed():
    pool = WorkerPool(limits.current())
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(JobFailed, match="cancelled"):
        pool.call(time.sleep, 60, client="a", cancel=cancel)
    assert time.monotonic() - started < 10


def test_identical_jobs_in_flight_are_one_job():
    pool = WorkerPool(limits.current().replace(per_client=1))
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(pool.call(_slow_sum, [1, 2], client="a", key="k")))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [3, 3, 3, 3]  # one client, four requests, one place: shared, none refused


def _slow_sum(values: list[int]) -> int:
    time.sleep(1)
    return sum(values)


# -- the guard ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example", "localhost.evil.example", "127.0.0.2", "127.0.0.1:1@evil.example", "localhost:x"]
)
def test_unknown_host_names_are_refused(client, host):
    r = client.get("/api/rules", headers={"host": host})
    assert r.status_code == 400 and "--allowed-host" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:1234", "[::1]:8000"])
def test_local_host_names_are_served(client, host):
    assert client.get("/api/rules", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/rules", "/static/app.js", "/api/nowhere", "/nowhere"])
def test_every_answer_carries_the_security_headers(client, path):
    r = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert r.headers[name] == value, name


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/api/nowhere", 404), ("delete", "/api/rules", 405), ("get", "/api/runs/nope", 404)],
)
def test_errors_are_json(client, method, path, status):
    r = client.request(method, path)
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    assert r.json()["detail"]


def test_a_declared_body_past_the_limit_is_refused_unread(client):
    cap = limits.current().upload_bytes
    r = client.post("/api/count", content=b"x" * 10, headers={"content-length": str(cap + 1)})
    assert r.status_code == 413 and "MiB" in r.json()["detail"]


def test_a_streamed_body_is_cut_off_at_the_limit(tmp_path):
    """Chunked, with no Content-Length: the answer, 413, comes while the body is still being
    sent, and nothing past the cap is read."""
    os.environ["TALLY_HOME"] = str(tmp_path / "store")
    cap = 1_000_000
    with _serving(create_app(caps=limits.current().replace(upload_bytes=cap))) as (url, _):
        sock = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])))
        sock.sendall(
            b"POST /api/count HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n\r\n"
        )
        head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\nrank1\r\n'
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        sent, chunk = 0, b"A\r\n" * 3000
        sock.settimeout(0.05)
        answer = b""
        try:
            while sent < 50 * cap and not answer:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
                try:
                    answer = sock.recv(65536)
                except TimeoutError:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(5)
        while b"\r\n\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
        sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"the request body is larger" in answer or b"application/json" in answer
    assert sent < 5 * cap, "the server kept reading past the cap"


def test_reader_warnings_reach_the_answer(client):
    body = "rank1,rank2\nJosé Díaz,Ann\njose diaz,Ann\nAnn,José Díaz\n"
    r = client.post("/api/count", files={"file": ("names.csv", body)}, data={"rule": "plurality"})
    assert r.status_code == 200, r.text
    assert any("'José Díaz', 'jose diaz'" in w and "names.csv" in w for w in r.json()["warnings"])
    assert not any("tally-upload" in w for w in r.json()["warnings"])  # the user's name, not the temp path


def test_simulations_are_bounded_and_cancelled(client):
    spec = {"voters": 20_001, "elections": 2_000, "rules": ["irv"], "candidates": 8}
    started = [client.post("/api/simulate", json={**spec, "seed": s}) for s in range(5)]
    codes = [r.status_code for r in started]
    assert codes[:3] == [202, 202, 202] and set(codes[3:]) == {429}, codes
    assert all(int(r.headers["retry-after"]) >= 1 for r in started[3:])
    for r in started[:3]:
        stopped = client.delete(f"/api/runs/{r.json()['id']}")
        assert stopped.status_code == 200
    for r in started[:3]:
        for _ in range(200):
            status = client.get(f"/api/runs/{r.json()['id']}").json()["status"]
            if status == "cancelled":
                break
            time.sleep(0.05)
        assert status == "cancelled"
    assert client.post("/api/simulate", json={**spec, "seed": 99}).status_code == 202  # places freed
    client.delete(f"/api/runs/{client.post('/api/simulate', json={**spec, 'seed': 99}).json()['id']}")


# -- a real server: one slow count does not hold the others up ---------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(app):
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def server(tmp_path):
    os.environ["TALLY_HOME"] = str(tmp_path / "store")
    with _serving(create_app(caps=limits.current().replace(job_seconds=8))) as served:
        yield served


def _pav_ballots() -> bytes:
    """Approval ballots whose proportional approval count is an exhaustive search: 24
    candidates, 6 seats, 134,596 committees over 6,000 distinct ballots (half a minute)."""
    rng = np.random.default_rng(5)
    rows = np.unique(rng.integers(0, 2, size=(6000, 24)), axis=0)
    lines = [",".join(f"C{i}" for i in range(24))] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_other_requests_are_answered_while_a_slow_upload_is_counted(server):
    server, _ = server
    slow: dict[str, object] = {}
    params = {"dataset": "burlington-2009", "rule": "irv"}
    with httpx.Client(base_url=server, timeout=60) as c:
        assert c.get("/api/count", params=params).status_code == 200  # counted once, then kept

    def upload() -> None:
        with httpx.Client(base_url=server, timeout=60) as c:
            slow["response"] = c.post(
                "/api/count", files={"file": ("pav.csv", _pav_ballots())}, data={"rule": "pav", "seats": "6"}
            )

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(1.0)
    answered = []
    with httpx.Client(base_url=server, timeout=60) as c:
        for _ in range(5):
            answered.append((c.get("/api/count", params=params).status_code, "response" in slow))
            answered.append((c.get("/api/datasets").status_code, "response" in slow))
        # a count of its own, in the pool's other worker
        other = {"dataset": "burlington-2009", "rule": "borda"}
        answered.append((c.get("/api/count", params=other).status_code, "response" in slow))
    thread.join()
    # every other request came back while the slow count was still under way
    assert answered == [(200, False)] * 11
    assert slow["response"].status_code == 422  # then the slow count met its time limit
    assert "longer than the 8 s" in slow["response"].json()["detail"]


def test_a_client_that_goes_away_stops_its_count(server):
    server, app = server
    port = int(server.rsplit(":", 1)[1])
    body = _pav_ballots()
    boundary = "tallyboundary"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="rule"\r\n\r\npav\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="seats"\r\n\r\n6\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="pav.csv"\r\n\r\n'
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("POST", "/api/count", payload, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    for _ in range(100):
        if app.state.pool.busy_processes():
            break
        time.sleep(0.05)
    [worker] = app.state.pool.busy_processes()
    conn.close()  # the client gives up
    for _ in range(100):  # its count is killed, with its worker, well before the 8 s limit
        if not app.state.pool.state()["admitted_count"]:
            break
        time.sleep(0.05)
    assert app.state.pool.state()["busy"] == 0 and app.state.pool.state()["admitted_count"] == 0
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
