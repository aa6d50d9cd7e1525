"""connectors.http_transport: the connectors' bodies read in one read, failures raised as httpx's, proxies honoured.

A small HTTP/1.1 server on loopback answers as a source (or a broken link) would; the sandboxes' fault suites
(tests/test_faults.py: 500s, stalls past the read timeout, repeated pages; the population service's 429s and
outages) run through the same transport.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from connectors import http_transport
from connectors.http import BearerClient, body_of, is_retryable
from connectors.http_transport import WholeBodyTransport, uses_env_proxy

PAGE = ('{"data": [' + ", ".join(f'{{"MaHoSo": "H-{i:05d}", "TenTTHC": "Chứng thực bản sao"}}' for i in range(3000))
        + '], "has_more": false}').encode()
BIG = PAGE * 40  # ~8 MB


class _Source(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a connection is reused unless closed

    def log_message(self, *args) -> None:
        pass

    def _send(self, body: bytes, *, length: int | None = None, headers: dict | None = None) -> None:
        self.send_response(200)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/page":
            self._send(PAGE, headers={"X-Auth-Seen": self.headers.get("Authorization", "")})
        elif self.path == "/big":
            self._send(BIG)
        elif self.path == "/gzip":
            self._send(gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
        elif self.path == "/chunked":  # no length: the body ends with the chunked encoding's last chunk
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(PAGE), 70_000):
                piece = PAGE[start:start + 70_000]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/cut":  # the link drops halfway through the body
            self._send(PAGE[: len(PAGE) // 2], length=len(PAGE))
            self.close_connection = True
        elif self.path == "/stall":
            threading.Event().wait(1.0)
            self._send(b"late")

    def do_POST(self) -> None:  # noqa: N802
        self._send(self.rfile.read(int(self.headers["Content-Length"])))


@pytest.fixture(scope="module")
def source() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def client(source: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=source, transport=WholeBodyTransport(), timeout=5.0) as http:
        yield http


def test_a_sized_body_arrives_whole_in_one_chunk_and_the_client_sends_its_headers(client):
    with client.stream("GET", "/page", headers={"Authorization": "Bearer t"}) as resp:
        chunks = list(resp.iter_raw())
    assert chunks == [PAGE]  # one read into one buffer: body_of's join hands it on without a copy
    assert resp.headers["x-auth-seen"] == "Bearer t" and resp.status_code == 200 and resp.reason_phrase == "OK"


def test_unsized_compressed_and_posted_bodies_arrive_as_sent(client):
    with client.stream("GET", "/chunked") as resp:
        assert body_of(resp) == PAGE
    with client.stream("GET", "/gzip") as resp:
        assert body_of(resp) == PAGE  # decoded by httpx, as its own transport's bodies are
    assert client.post("/echo", json={"soDinhDanh": "001099000001"}).json() == {"soDinhDanh": "001099000001"}


def test_a_body_over_the_clients_limit_arrives_in_chunks_it_can_abandon(source):
    """The document axis refuses messages over a size: such a body must reach it in chunks, never read whole."""
    with httpx.Client(base_url=source, transport=WholeBodyTransport(whole_body_limit=2 << 20)) as http:
        with http.stream("GET", "/big") as resp:
            sizes = [len(next(resp.iter_raw()))]
        assert sizes[0] <= http_transport.CHUNK  # abandoned after the first: the rest never read
        with http.stream("GET", "/big") as resp:
            sizes = [len(chunk) for chunk in resp.iter_raw()]
        assert sum(sizes) == len(BIG) and max(sizes) <= http_transport.CHUNK
        assert http.get("/page").content == PAGE  # under the limit: whole, on the same client


def test_a_body_left_unread_does_not_leak_into_the_next_answer(client):
    for _ in range(3):
        with client.stream("GET", "/page") as resp:
            assert next(resp.iter_raw()).startswith(b'{"data"')  # closed unread: its connection is dropped
        assert client.get("/chunked").content == PAGE


def test_failures_are_httpx_errors_the_retry_rules_know(client, source):
    with pytest.raises(httpx.RemoteProtocolError) as cut:
        client.get("/cut")
    with pytest.raises(httpx.ReadTimeout) as stalled:
        client.get("/stall", timeout=0.3)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with httpx.Client(transport=WholeBodyTransport()) as other, pytest.raises(httpx.ConnectError) as refused:
        other.get(f"http://127.0.0.1:{closed_port}/page")
    assert all(is_retryable(exc.value) for exc in (cut, stalled, refused))
    assert client.get("/page").content == PAGE  # the client goes on after each


def test_a_source_behind_the_environments_proxy_keeps_httpx_transport(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.tinh.gov.vn:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,.noi-bo.gov.vn")
    assert uses_env_proxy("http://motcua.tinh.gov.vn/api")
    assert not uses_env_proxy("http://dvc.noi-bo.gov.vn/api") and not uses_env_proxy("https://motcua.tinh.gov.vn")
    proxied = BearerClient("http://motcua.tinh.gov.vn", "t", 5.0)
    direct = BearerClient("http://dvc.noi-bo.gov.vn", "t", 5.0)
    try:
        assert not isinstance(proxied._http._transport, WholeBodyTransport)
        assert isinstance(direct._http._transport, WholeBodyTransport)
    finally:
        proxied.close()
        direct.close()
