"""Property-based API test: schemathesis generates requests from the OpenAPI schema and
checks that none of them makes the server fail (no 5xx) and that responses match the
schema's status codes."""

from __future__ import annotations

import os
import tempfile

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings

from tally.web import create_app

os.environ.setdefault("TALLY_HOME", tempfile.mkdtemp(prefix="tally-schema-"))
app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _stop_simulations():
    # generated bodies may ask for long runs; stop them rather than wait for them at exit
    yield
    app.state.jobs.shutdown()


@schema.exclude(path="/api/simulate").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input(case):
    response = case.call()
    assert response.status_code < 500, (
        f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400:
        assert response.json().get("detail"), "an error must say what is wrong"


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
