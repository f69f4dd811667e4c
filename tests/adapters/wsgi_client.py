"""Sending requests through Werkzeug's test client (Flask's derives from it), chunked bodies included."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

from .spec import HarnessResponse


class ChunkStream(io.RawIOBase):
    """A byte stream over an iterable of chunks: a chunked body, with no length."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def send(
    client: Client, method: str, path: str, headers: Mapping[str, str], body: bytes | Iterable[bytes]
) -> HarnessResponse:
    """One request through a Werkzeug (or Flask) test client; an iterable body goes chunked."""
    if isinstance(body, bytes):
        response = client.open(path, method=method, headers=dict(headers), data=body)
    else:
        # What a server does for Transfer-Encoding: chunked: no CONTENT_LENGTH, a stream
        # that cannot seek, and wsgi.input_terminated so request.stream reads to the end
        # (without it, Werkzeug hands the app an empty stream). EnvironBuilder measures an
        # input_stream by seeking, so the environ is finished by hand and the client gets
        # it as a Request, which it sends as it is.
        environ = EnvironBuilder(path, method=method, headers=list(headers.items())).get_environ()
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input"] = io.BufferedReader(ChunkStream(body))
        environ["wsgi.input_terminated"] = True
        response = client.open(Request(environ))
    return HarnessResponse(
        response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data()
    )
