"""Property-based API test: schemathesis generates requests from the OpenAPI schema and
checks that none of them makes the server fail (no 5xx), that every refusal is a JSON
``detail``, that every answer carries the security headers, and that the worker pool's
bounds hold (each job in a process capped in time and memory, none left running).
``-m slow`` runs many more examples."""

from __future__ import annotations

import os
import tempfile

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings

from tally import limits
from tally.web import create_app
from tally.web.guard import SECURITY_HEADERS

os.environ.setdefault("TALLY_HOME", tempfile.mkdtemp(prefix="tally-schema-"))
app = create_app(caps=limits.current().replace(job_seconds=20, job_memory="1GiB"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _stop_simulations():
    # generated bodies may ask for long runs; stop them rather than wait for them at exit
    yield
    app.state.jobs.shutdown()


def _check(case) -> None:
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400:
        assert response.json().get("detail"), "an error must say what is wrong"
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), f"{case.method} {case.path}: no {name} header"
    assert app.state.pool.state()["busy"] == 0, "a job outlived its request"


@schema.exclude(path="/api/simulate").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input(case):
    _check(case)


@pytest.mark.slow
@schema.exclude(path="/api/simulate").parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input_long(case):
    _check(case)


@schema.include(path="/api/simulate").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_simulation_endpoint_validates_input(case):
    # Valid bodies start a background run (202) unless this client's share of the worker
    # pool or the pool itself is full (429, 503, with Retry-After); invalid ones are refused
    # with a reason.
    response = case.call()
    assert response.status_code in (202, 400, 405, 422, 429, 503), response.text[:300]
    assert response.status_code == 202 or response.json().get("detail")
    if response.status_code in (429, 503):
        retry = response.headers["retry-after"]  # schemathesis keeps every value of a header
        assert int(retry[0] if isinstance(retry, list) else retry) >= 1
