"""The web app's outer guard: which hosts it answers, how much a client may send, and the
security headers on every answer.

* **Host header**: only the names the server was started for (``localhost``,
  ``127.0.0.1``, ``::1``, the ``--host`` given to ``tally serve``, and any
  ``--allowed-host`` or ``TALLY_ALLOWED_HOSTS``) are answered, so a page elsewhere cannot
  reach a local server through a name of its own (DNS rebinding); others get 400.
* **Body size**: a declared ``Content-Length`` past ``upload_bytes`` is refused before a
  byte is read, and a body that grows past it while it streams is cut off there; both 413.
  Nothing larger is ever spooled to disk.
* **Headers**: ``Content-Security-Policy`` (scripts, styles and data from this server
  only), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: no-referrer``, ``Cross-Origin-Opener-Policy`` and
  ``-Resource-Policy: same-origin``, and a ``Permissions-Policy`` that asks for nothing.

Every refusal is a JSON body ``{"detail": ...}``, as the API's own errors are. The guard
also tells the worker pool (:mod:`tally.web.workers`) which client a request comes from.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from .. import limits
from . import workers

__all__ = ["DEFAULT_HOSTS", "SECURITY_HEADERS", "Guard"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")

SECURITY_HEADERS = {
    # The templates start their page script inline; everything else comes from this server.
    "content-security-policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


class _TooLarge(HTTPException):
    """A body past the cap, raised from ``receive``: FastAPI passes an HTTPException raised
    while it reads a body on to its handler (a JSON 413), where other errors become a 400."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, detail=_too_large(cap))


class Guard:
    """ASGI middleware: host check, body-size cap, security headers, the request's client."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        caps: limits.Limits,
        hosts: Iterable[str],
        pool: workers.WorkerPool | None,
    ) -> None:
        self.app = app
        self.caps = caps
        self.hosts = {_plain_host(h) for h in hosts}
        self.pool = pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = _plain_host(headers.get("host", ""))
        if "*" not in self.hosts and host not in self.hosts:
            await _refuse(
                send,
                400,
                f"this server does not answer to the host name {host or '(none)'!r}; start it with "
                f"--allowed-host {host or 'NAME'} (or set TALLY_ALLOWED_HOSTS) to serve that name",
            )
            return
        cap = self.caps.upload_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await _refuse(send, 413, _too_large(cap))
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise _TooLarge(cap)
            return message

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        client = scope.get("client") or ("local", 0)
        try:
            with workers.serving(self.pool, str(client[0])):
                await self.app(scope, counted, secured)
        except _TooLarge:
            if not started:
                await _refuse(secured, 413, _too_large(cap))


def _too_large(cap: int) -> str:
    return (
        f"the request body is larger than the {cap / 2**20:g} MiB this server takes "
        f"({limits.env_name('upload_bytes')}); count large files with the tally command"
    )


def _plain_host(value: str) -> str:
    """A Host header without its port, lower-cased (``[::1]:8000`` → ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") != 1:
        return value
    name, _, port = value.partition(":")
    # "127.0.0.1:1@evil" is no host and port: kept whole, so it matches no allowed name
    return name if port.isascii() and port.isdigit() else value


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
