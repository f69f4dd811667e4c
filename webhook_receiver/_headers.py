"""A case-insensitive, read-only view of request headers.

Adapters hand over headers in whatever shape their framework has: a ``dict``, a
framework's own mapping, ASGI's list of ``(bytes, bytes)`` pairs, or a WSGI environ.
:class:`Headers` accepts all of them without the adapter converting anything, and
keeps repeated headers visible: a signature header sent twice is an error, never a
silent pick of one of the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeAlias

from ._errors import MalformedHeader, MissingHeader

__all__ = ["Headers", "HeadersLike"]

HeadersLike: TypeAlias = "Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | Headers"
"""Anything :meth:`Headers.of` accepts."""


def _text(value: str | bytes) -> str:
    # HTTP header bytes are ISO-8859-1 on the wire (RFC 9110 §5.5, PEP 3333, ASGI);
    # latin-1 maps every byte to one code point, so decoding can never fail.
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else value


class Headers(Mapping[str, str]):
    """Request headers with case-insensitive lookup.

    Iterating yields lower-cased names. Looking up a header that was sent more than
    once raises :class:`~webhook_receiver.MalformedHeader`; use :meth:`getlist` to
    see every value.
    """

    __slots__ = ("_repeated", "_single")

    def __init__(self, raw: HeadersLike = ()) -> None:
        single: dict[str, str] = {}
        repeated: dict[str, list[str]] = {}
        items: Iterable[tuple[str | bytes, str | bytes]]
        if isinstance(raw, Headers):
            self._single: dict[str, str] = raw._single
            self._repeated: dict[str, list[str]] = raw._repeated
            return
        items = raw.items() if isinstance(raw, Mapping) else raw
        for name, value in items:
            key = _text(name).lower()
            text = _text(value)
            if key in repeated:
                repeated[key].append(text)
            elif key in single:
                repeated[key] = [single.pop(key), text]
            else:
                single[key] = text
        self._single = single
        self._repeated = repeated

    @classmethod
    def of(cls, raw: HeadersLike) -> Headers:
        """Return ``raw`` itself if it already is a :class:`Headers`, else wrap it."""
        return raw if isinstance(raw, Headers) else cls(raw)

    @classmethod
    def from_environ(cls, environ: Mapping[str, object]) -> Headers:
        """Build headers from a WSGI environ (``HTTP_*``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``)."""
        pairs: list[tuple[str, str]] = []
        for key, value in environ.items():
            if not isinstance(value, str):
                continue
            if key.startswith("HTTP_"):
                pairs.append((key[5:].replace("_", "-"), value))
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
                pairs.append((key.replace("_", "-"), value))
        return cls(pairs)

    def __getitem__(self, name: str) -> str:
        key = name.lower()
        try:
            return self._single[key]
        except KeyError:
            if key in self._repeated:
                raise MalformedHeader(name, "sent more than once") from None
            raise

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = name.lower()
        return key in self._single or key in self._repeated

    def __iter__(self) -> Iterator[str]:
        yield from self._single
        yield from self._repeated

    def __len__(self) -> int:
        return len(self._single) + len(self._repeated)

    def getlist(self, name: str) -> list[str]:
        """Every value sent for ``name``, in order (empty if absent)."""
        key = name.lower()
        if key in self._single:
            return [self._single[key]]
        return list(self._repeated.get(key, ()))

    def require(self, name: str, *, error_headers: Mapping[str, str] | None = None) -> str:
        """The single, non-empty value of ``name``, stripped of surrounding whitespace.

        ``error_headers`` are attached to the error raised (a ``WWW-Authenticate``
        challenge, say).

        Raises:
            MissingHeader: the header is absent or blank.
            MalformedHeader: the header was sent more than once.
        """
        key = name.lower()
        value = self._single.get(key)
        if value is None:
            if key in self._repeated:
                raise MalformedHeader(name, "sent more than once", headers=error_headers)
            raise MissingHeader(name, headers=error_headers)
        value = value.strip()
        if not value:
            raise MissingHeader(name, headers=error_headers)
        return value

    def __repr__(self) -> str:
        # Names only: values may carry tokens or signatures.
        return f"Headers({sorted(self)!r})"
