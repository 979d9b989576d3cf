"""A real HTTP server on 127.0.0.1 that answers like the platforms' APIs, from state a test
sets: the connectors' tests, the end-to-end test and the capture benchmark talk HTTP to it.

Each platform is a ``FakeApp`` (one module per platform) mounted under a path prefix;
``FakePlatformServer.fail_next`` makes the next matching requests answer a fault (throttling,
a 5xx, an expired token) in the platform's own shape, and ``requests`` logs every request.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Response:
    status: int = 200
    body: object = None  # JSON-serialisable, or bytes sent as they are
    headers: dict = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode()


@dataclass
class Request:
    method: str
    path: str
    query: dict  # name -> last value
    headers: dict

    @property
    def token(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else ""


@dataclass
class _Fault:
    contains: str
    response: Response
    times: int
    delay: float = 0.0


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def page_offset(token: str | None) -> int:
    if not token:
        return 0
    padded = token + "=" * (-len(token) % 4)
    return int(base64.urlsafe_b64decode(padded).decode().split(":", 1)[1])


class FakeApp:
    """One platform's API: ``handle`` answers a request, or None for "not found"."""

    token = "test-token"

    def handle(self, request: Request) -> Response | None:
        raise NotImplementedError


class FakePlatformServer:
    def __init__(self):
        self.apps: dict[str, FakeApp] = {}
        self.faults: list[_Fault] = []
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # A page is written in two parts (headers, body): without this the client's delayed
            # ACK holds each page about 40 ms.
            disable_nagle_algorithm = True

            def do_GET(self):  # noqa: N802
                server._serve(self, "GET")

            def do_POST(self):  # noqa: N802
                server._serve(self, "POST")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def mount(self, prefix: str, app: FakeApp) -> str:
        """Serve ``app`` under ``/prefix``; returns its base URL."""
        self.apps[prefix.strip("/")] = app
        return f"{self.url}/{prefix.strip('/')}"

    def start(self) -> FakePlatformServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakePlatformServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail_next(self, contains: str, response: Response, *, times: int = 1, delay: float = 0.0) -> None:
        """The next ``times`` requests whose path and query contain ``contains`` get ``response``
        (after ``delay`` seconds: a time-out when longer than the client waits)."""
        with self.lock:
            self.faults.append(_Fault(contains, response, times, delay))

    def requests_to(self, contains: str) -> list[Request]:
        return [r for r in self.requests if contains in r.path or contains in json.dumps(r.query)]

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(handler.headers.get("content-length") or 0)
        if length:
            body = handler.rfile.read(length).decode()
            query.update({k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()})
        headers = {key.lower(): value for key, value in handler.headers.items()}
        prefix, _, rest = parts.path.lstrip("/").partition("/")
        request = Request(method, "/" + rest, query, headers)
        with self.lock:
            self.requests.append(request)
            fault = next((f for f in self.faults if f.contains in handler.path and f.times > 0), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None:
            if fault.delay:
                threading.Event().wait(fault.delay)
            response = fault.response
        else:
            app = self.apps.get(prefix)
            response = app.handle(request) if app is not None else None
            if response is None:
                response = Response(404, {"error": {"message": f"no such path {parts.path}", "code": 803}})
        body = response.encoded()
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", "application/json; charset=UTF-8")
            handler.send_header("Content-Length", str(len(body)))
            for key, value in response.headers.items():
                handler.send_header(key, str(value))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
