"""An httpx transport that reads a response's body in one read into one buffer (urllib3 over ``http.client``).

httpx's own transport (httpcore + h11) reads a body 64 kB at a time, each chunk a new ``bytes`` passed through h11's
receive buffer and then joined: a 16 MB page of dossiers cost 21-46 ms of CPU that way (how much depended on what the
allocator had free), and 3.5-7.6 ms read by ``http.client`` into one buffer the size of its ``Content-Length``. The
connectors keep httpx's API (requests, responses, status errors, ``httpx.MockTransport`` in tests); only the wire
under it changes. urllib3's failures are raised as httpx's (``httpx.ConnectError``, ``httpx.ReadTimeout``, …), so
the retry rules (``connectors.http.is_retryable``) see the same exceptions either way.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import urllib3
from urllib3 import exceptions as u3

WHOLE_BODY_LIMIT = 256 << 20  # by default a longer (or unsized) body is handed on 1 MB at a time
CHUNK = 1 << 20


@contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    """urllib3's exceptions raised as the httpx ones they correspond to (the most specific first)."""
    try:
        yield
    except (u3.HTTPError, OSError) as exc:  # with retries off, urllib3 raises the failure itself, not MaxRetryError
        raise _httpx_error(exc, request) from exc


def _httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, u3.ProxyError):
        kind: type[httpx.TransportError] = httpx.ProxyError
    elif isinstance(exc, u3.NewConnectionError | u3.NameResolutionError | u3.SSLError | ConnectionRefusedError):
        kind = httpx.ConnectError  # NewConnectionError is a ConnectTimeoutError in urllib3: checked before it
    elif isinstance(exc, u3.ConnectTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, u3.ReadTimeoutError | TimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(exc, u3.ProtocolError):  # the connection dropped, or the body ended before its length
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, u3.LocationValueError | u3.URLSchemeUnknown):
        kind = httpx.UnsupportedProtocol
    else:
        kind = httpx.NetworkError
    return kind(message, request=request)


class _Body(httpx.SyncByteStream):
    """A response's body: one ``bytes`` when its length is known and at most ``whole_limit``, else 1 MB chunks.
    Closing it before the end closes the connection (its unread bytes would otherwise be read as the next answer)."""

    def __init__(self, response: urllib3.BaseHTTPResponse, request: httpx.Request, whole_limit: int):
        self._response = response
        self._request = request
        self._whole_limit = whole_limit

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors(self._request):
            remaining = self._response.length_remaining
            if remaining is not None and remaining <= self._whole_limit:
                data = self._response.read()
                if data:
                    yield data
            else:
                yield from self._response.stream(CHUNK, decode_content=False)

    def close(self) -> None:
        self._response.close()  # a body read to its end has given its connection back already
        self._response.release_conn()


class WholeBodyTransport(httpx.BaseTransport):
    """httpx requests sent through a urllib3 pool; redirects, content decoding and retries stay httpx's and Kho's.
    ``whole_body_limit``: the longest body read in one read; a client that refuses bodies over a size (the document
    axis's message limit) sets it to that size, so that an oversized body reaches it in chunks and is abandoned
    after the first one past the limit, never read whole."""

    def __init__(self, *, whole_body_limit: int = WHOLE_BODY_LIMIT):
        self._whole_body_limit = whole_body_limit
        # certificates verified as httpx verifies them: certifi's CAs, or SSL_CERT_FILE
        self._pool = urllib3.PoolManager(num_pools=4, maxsize=20, block=False, retries=False,
                                         ssl_context=httpx.create_ssl_context())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        headers = urllib3.HTTPHeaderDict()
        for name, value in request.headers.multi_items():
            headers.add(name, value)
        with _as_httpx_errors(request):
            response = self._pool.urlopen(
                request.method, str(request.url), body=request.read() or None, headers=headers, redirect=False,
                assert_same_host=False, preload_content=False, decode_content=False, retries=False,
                timeout=urllib3.Timeout(connect=timeout.get("connect"), read=timeout.get("read")),
                enforce_content_length=True)
        body = _Body(response, request, self._whole_body_limit)
        return httpx.Response(
            response.status, headers=list(response.headers.items()), stream=body,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode("latin-1")})

    def close(self) -> None:
        self._pool.clear()


def uses_env_proxy(url: str) -> bool:
    """Whether the environment's proxy settings (``HTTP(S)_PROXY``, ``NO_PROXY``) route ``url`` through a proxy:
    such a source is reached with httpx's own transport, which honours them."""
    parsed = httpx.URL(url)
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(parsed.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass_environment(parsed.host, proxies)
