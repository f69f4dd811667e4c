"""A case-insensitive, read-only view of request headers.

Adapters hand over headers in whatever shape their framework has: a ``dict``, a
framework's own mapping, ASGI's list of ``(bytes, bytes)`` pairs, or a WSGI environ.
:class:`Headers` accepts all of them without the adapter converting anything, and
keeps repeated headers visible: a signature header sent twice is an error, never a
silent pick of one of the two.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
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

    Nothing is copied or normalised up front: a verifier reads two or three headers
    out of a dozen, so each lookup scans the raw pairs (skipping names of another
    length before comparing case-insensitively), which costs less than building an
    index the request would use three times.
    """

    __slots__ = ("_pairs",)

    def __init__(self, raw: HeadersLike = ()) -> None:
        if isinstance(raw, Headers):
            self._pairs: Collection[tuple[str | bytes, str | bytes]] = raw._pairs
        elif isinstance(raw, dict):
            self._pairs = raw.items()  # a live view; no copy
        elif isinstance(raw, Mapping):
            # A framework's own mapping may merge or hide repeats; take what it shows.
            self._pairs = list(raw.items())
        elif isinstance(raw, list | tuple):
            self._pairs = raw
        else:
            self._pairs = list(raw)

    @classmethod
    def of(cls, raw: HeadersLike) -> Headers:
        """Return ``raw`` itself if it already is a :class:`Headers`, else wrap it."""
        return raw if isinstance(raw, Headers) else cls(raw)

    @classmethod
    def from_environ(cls, environ: Mapping[str, object]) -> Headers:
        """Build headers from a WSGI environ (``HTTP_*``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``)."""
        pairs: list[tuple[str | bytes, str | bytes]] = []
        for key, value in environ.items():
            if not isinstance(value, str):
                continue
            if key.startswith("HTTP_"):
                pairs.append((key[5:].replace("_", "-"), value))
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
                pairs.append((key.replace("_", "-"), value))
        return cls(pairs)

    def getlist(self, name: str) -> list[str]:
        """Every value sent for ``name``, in order (empty if absent)."""
        key = name.lower()
        size = len(key)
        key_bytes = key.encode("latin-1", "replace")
        found: list[str] = []
        for header, value in self._pairs:
            if len(header) == size and (header in (key, key_bytes) or _text(header).lower() == key):
                found.append(_text(value))
        return found

    def __getitem__(self, name: str) -> str:
        values = self.getlist(name)
        if len(values) == 1:
            return values[0]
        if values:
            raise MalformedHeader(name, "sent more than once")
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.getlist(name))

    def _names(self) -> dict[str, None]:
        return dict.fromkeys(_text(header).lower() for header, _ in self._pairs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def require(self, name: str, *, error_headers: Mapping[str, str] | None = None) -> str:
        """The single, non-empty value of ``name``, stripped of surrounding whitespace.

        ``error_headers`` are attached to the error raised (a ``WWW-Authenticate``
        challenge, say).

        Raises:
            MissingHeader: the header is absent or blank.
            MalformedHeader: the header was sent more than once.
        """
        values = self.getlist(name)
        if len(values) > 1:
            raise MalformedHeader(name, "sent more than once", headers=error_headers)
        value = values[0].strip() if values else ""
        if not value:
            raise MissingHeader(name, headers=error_headers)
        return value

    def __repr__(self) -> str:
        # Names only: values may carry tokens or signatures.
        return f"Headers({sorted(self)!r})"
