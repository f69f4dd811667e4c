"""A case-insensitive, read-only view of request headers.

Adapters hand over headers in whatever shape their framework has: a ``dict``, a
framework's own mapping, ASGI's list of ``(bytes, bytes)`` pairs, or a WSGI environ.
:class:`Headers` accepts all of them without the adapter converting anything, and
keeps repeated headers visible: a signature header sent twice is an error, never a
silent pick of one of the two.

One normalisation rule for every value read through this module, by the schemes,
the providers and the receiver alike: :func:`ows` trims only what HTTP calls
optional whitespace (RFC 9110 §5.6.3: space and horizontal tab), never
``str.strip()``, which also removes ``\xa0``, ``\x85`` and ``\x1c``-``\x1f``. A value
that differs from the signed one by such a character is another value: it fails
verification instead of being verified as one value and identified as another.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import TypeAlias

from . import _accel
from ._errors import MalformedHeader, MissingHeader

__all__ = [
    "MAX_REMEMBERED_KEYS",
    "REPEATED",
    "EnvironNames",
    "HeaderPlans",
    "Headers",
    "HeadersLike",
    "Pairs",
    "Plan",
    "as_headers",
    "find_each",
    "header_pairs",
    "header_text",
    "ows",
    "plan_pairs",
    "require",
    "required",
    "select",
]

HeadersLike: TypeAlias = "Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | Headers"
"""Anything :meth:`Headers.of` accepts."""

Pairs: TypeAlias = "Collection[tuple[str | bytes, str | bytes]]"
"""Header ``(name, value)`` pairs as received, not normalised."""


OWS = " \t"
"""HTTP's optional whitespace (RFC 9110 §5.6.3): the only characters trimmed from a value."""


def ows(text: str) -> str:
    """``text`` without leading and trailing optional whitespace (space, tab), and nothing else."""
    return text.strip(OWS)


def header_text(value: str | bytes) -> str:
    """A header name or value as ``str``.

    Raises:
        TypeError: ``value`` is neither ``str`` nor ``bytes``, as when a multi-value
            mapping (AWS API Gateway's ``multiValueHeaders``) is passed where one value
            per name is expected.
    """
    # HTTP header bytes are ISO-8859-1 on the wire (RFC 9110 §5.5, PEP 3333, ASGI);
    # latin-1 maps every byte to one code point, so decoding can never fail.
    # Exact types first: isinstance() against a union costs more than the decoding.
    if type(value) is bytes:
        return value.decode("latin-1")
    if type(value) is str:
        return value
    if isinstance(value, bytes | bytearray):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    raise TypeError(
        f"header values must be str or bytes, not {type(value).__name__}: pass one value per "
        "name, or repeated headers as a list of (name, value) pairs"
    )


_compiled_values: Callable[[Pairs, str], list[str] | None] | None = getattr(
    _accel.compiled, "header_values", None
)
"""``Headers.getlist`` over the usual pairs, compiled (``_speedups.header_values``), or ``None``."""
_compiled_selection: Callable[[Pairs, tuple[str, ...]], tuple[tuple[str, str], ...] | None] | None = getattr(
    _accel.compiled, "header_selection", None
)
""":func:`select` over the usual pairs, compiled (``_speedups.header_selection``), or ``None``."""

_LOOKUPS: dict[str, tuple[str, str, bytes | None, int]] = {}
_SELECTIONS: dict[tuple[str, ...], tuple[dict[str | bytes, int], frozenset[int]]] = {}
_MAX_LOOKUPS = 512


def _selection(names: tuple[str, ...]) -> tuple[dict[str | bytes, int], frozenset[int]]:
    """For :func:`select` and :func:`find_each`: each name's usual spellings (as asked,
    lower-case, Title-Case, latin-1 ``bytes``) mapped to the name's index in ``names``;
    and their lengths. Remembered, since providers ask for the same few tuples on every
    request."""
    wanted: dict[str | bytes, int] = {}
    for index, name in enumerate(names):
        # The name as asked, lower-case (ASGI, WSGI's pairs), Title-Case (frameworks'
        # dicts, HTTP/1.1 clients) and ASGI's lower-case bytes: found with one lookup.
        lower = name.lower()
        title = lower.title()
        spellings: list[str | bytes] = [name, lower]
        if title.lower() == lower:
            spellings.append(title)
        with contextlib.suppress(UnicodeEncodeError):  # bytes names are latin-1 text
            spellings.append(lower.encode("latin-1"))
        for spelling in spellings:
            wanted.setdefault(spelling, index)
    selection = (wanted, frozenset(map(len, wanted)))
    if len(_SELECTIONS) < _MAX_LOOKUPS:
        _SELECTIONS[names] = selection
    return selection


def _lookup(name: str) -> tuple[str, str, bytes | None, int]:
    """A header name as asked for, lower-cased, as latin-1 bytes (``None`` if it has
    characters beyond latin-1, which no bytes name can spell), and its length;
    remembered, since the schemes ask for the same few names on every request."""
    key = name.lower()
    try:
        key_bytes: bytes | None = key.encode("latin-1")
    except UnicodeEncodeError:
        key_bytes = None
    lookup = (name, key, key_bytes, len(key))
    if len(_LOOKUPS) < _MAX_LOOKUPS:
        _LOOKUPS[name] = lookup
    return lookup


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

    __slots__ = ("_checked_by", "_pairs", "content_length")

    def __init__(self, raw: HeadersLike = ()) -> None:
        # A dict, a list or a tuple without a call: this runs for every request (and for
        # its event headers, a tuple).
        kind = type(raw)
        if kind is dict:
            self._pairs: Pairs = raw.items()  # type: ignore[union-attr]
        elif kind is tuple or kind is list:
            self._pairs = raw  # type: ignore[assignment]
        else:
            self._pairs = header_pairs(raw)
        # The Receiver whose precheck() passed these headers: its handle() skips
        # checking them again.
        self._checked_by: object = None
        self.content_length: int | None = None
        """The declared ``Content-Length``, once a receiver's precheck has validated it."""

    @classmethod
    def of(cls, raw: HeadersLike) -> Headers:
        """Return ``raw`` itself if it already is a :class:`Headers`, else wrap it."""
        kind = type(raw)
        if kind is Headers:
            return raw  # type: ignore[return-value]
        # The usual shapes without isinstance() against this Mapping ABC (2.8k of 5k
        # instructions for a dict, on every request's precheck).
        if kind is dict or kind is list:
            return cls(raw)
        return raw if isinstance(raw, Headers) else cls(raw)

    @classmethod
    def from_environ(cls, environ: Mapping[str, object]) -> Headers:
        """Build headers from a WSGI environ (``HTTP_*``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``).

        An empty ``CONTENT_TYPE`` or ``CONTENT_LENGTH`` is no header (CGI sets them
        empty when the request had none); see :meth:`EnvironNames.pairs`.
        """
        keys = tuple(environ)  # which keys are headers: remembered per sequence (HeaderPlans)
        plan = _ENVIRON_PLANS.get(keys)
        if plan is None:
            plan = _ENVIRON_PLANS.make(keys)
        return cls(plan_pairs(environ, plan))

    def getlist(self, name: str) -> list[str]:
        """Every value sent for ``name``, in order, trimmed of optional whitespace (empty if absent)."""
        if _compiled_values is not None:
            # The usual pairs (ASCII names, str or bytes) in one call; None: read them here.
            values = _compiled_values(self._pairs, name)
            if values is not None:
                return values
        lookup = _LOOKUPS.get(name)
        if lookup is None:
            lookup = _lookup(name)
        asked, key, key_bytes, size = lookup
        found: list[str] = []
        for header, value in self._pairs:
            # Exact spellings first (ASGI's lower-case bytes, the scheme's own casing),
            # then case-insensitively; a name of another length is skipped at once.
            if len(header) == size and (
                header == key or header == asked or header == key_bytes or header_text(header).lower() == key
            ):
                found.append((value if type(value) is str else header_text(value)).strip(OWS))
        return found

    def select(self, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """``(name, value)`` for every header named in ``names`` (case-insensitively), in
        the order received, each value trimmed of optional whitespace; the name as given
        in ``names``. One pass over the headers, however many names (:func:`select`)."""
        return select(self._pairs, names)

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
        return dict.fromkeys(header_text(header).lower() for header, _ in self._pairs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def require(self, name: str, *, error_headers: Mapping[str, str] | None = None) -> str:
        """The single, non-empty value of ``name``, trimmed of optional whitespace (:func:`ows`).

        ``error_headers`` are attached to the error raised (a ``WWW-Authenticate``
        challenge, say).

        Raises:
            MissingHeader: the header is absent or blank.
            MalformedHeader: the header was sent more than once.
        """
        return require(self._pairs, name, error_headers)

    def __repr__(self) -> str:
        # Names only: values may carry tokens or signatures.
        return f"Headers({sorted(self)!r})"


def header_pairs(raw: HeadersLike) -> Pairs:
    """The ``(name, value)`` pairs of any :data:`HeadersLike`, without copying where possible.

    The verification schemes read these directly: wrapping a ``dict`` in
    :class:`Headers` first costs 0.16-0.2 µs (``type.__call__`` and ``__init__``),
    5-8% of verifying a 1 KiB body.
    """
    # Exact type checks first: this runs for every request, and isinstance() against
    # the Mapping ABC costs more than the rest.
    kind = type(raw)
    if kind is dict:
        return raw.items()  # type: ignore[union-attr]
    if kind is Headers:
        return raw._pairs  # type: ignore[union-attr]
    if kind is list or kind is tuple:
        return raw  # type: ignore[return-value]
    if isinstance(raw, Headers):
        return raw._pairs
    if isinstance(raw, dict):
        return raw.items()  # a live view; no copy
    if isinstance(raw, Mapping):
        # A framework's own mapping may merge or hide repeats; take what it shows.
        return list(raw.items())
    if isinstance(raw, list | tuple):
        return raw
    return list(raw)


def require(pairs: Pairs, name: str, error_headers: Mapping[str, str] | None = None) -> str:
    """:meth:`Headers.require` over raw pairs (see :func:`header_pairs`)."""
    # getlist() without building a list: this runs for every header of every request.
    asked, key, key_bytes, size = _LOOKUPS.get(name) or _lookup(name)
    found: str | bytes | None = None
    for header, value in pairs:
        # Exact spellings first (ASGI's lower-case bytes, the scheme's own casing;
        # bytes are not compared with str, a comparison that always fails slowly),
        # then case-insensitively; a name of another length is skipped at once.
        if len(header) == size and (
            (header == key_bytes if type(header) is bytes else header == key or header == asked)
            or header_text(header).lower() == key
        ):
            if found is not None:
                raise MalformedHeader(name, "sent more than once", headers=error_headers)
            found = value
    # required()'s rules, written out: calling it would add 60-90 ns to every request's
    # lookup; tests/test_headers.py holds the two to the same answers.
    if type(found) is str:
        text = found.strip(OWS)
    elif found is None:
        raise MissingHeader(name, headers=error_headers)
    else:
        text = (found.decode("latin-1") if type(found) is bytes else header_text(found)).strip(OWS)
    if not text:
        raise MissingHeader(name, headers=error_headers)
    return text


def select(pairs: Pairs, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """:meth:`Headers.select` over raw pairs (see :func:`header_pairs`): every header
    named in ``names``, in the order received (repeats included), as ``(the name as
    given in names, the value trimmed of optional whitespace)``; one pass."""
    if _compiled_selection is not None:
        # The usual pairs (ASCII names, str or bytes) in one call; None: read them here.
        chosen = _compiled_selection(pairs, names)
        if chosen is not None:
            return chosen
    selection = _SELECTIONS.get(names)
    if selection is None:
        selection = _selection(names)
    wanted, lengths = selection
    found: list[tuple[str, str]] = []
    for header, value in pairs:
        if len(header) in lengths:
            # ASGI's lower-case bytes or the spelling asked for at once, else the name
            # lower-cased (a bytes name as its latin-1 text, as require() does).
            index = wanted.get(header)
            if index is None:
                index = wanted.get(header.lower() if type(header) is str else header_text(header).lower())
            if index is not None:
                if type(value) is str:
                    text = value
                else:
                    text = value.decode("latin-1") if type(value) is bytes else header_text(value)
                found.append((names[index], text.strip(OWS)))
    return tuple(found)


REPEATED = object()
""":func:`find_each`'s answer for a name sent more than once."""


def find_each(pairs: Pairs, names: tuple[str, ...]) -> list[str | bytes | object | None]:
    """For each of ``names``, in one pass over raw pairs (see :func:`header_pairs`): the one
    value sent under it in any casing, as it came; ``None`` if none, :data:`REPEATED` if
    more than one. :func:`required` then applies :func:`require`'s rules to each, so a
    scheme that reads several headers reads them in one pass, not one pass per name."""
    wanted, lengths = _SELECTIONS.get(names) or _selection(names)
    found: list[str | bytes | object | None] = [None] * len(names)
    for header, value in pairs:
        if len(header) in lengths:
            index = wanted.get(header)
            if index is None:
                index = wanted.get(header.lower() if type(header) is str else header_text(header).lower())
                if index is None:
                    continue
            found[index] = value if found[index] is None else REPEATED
    return found


def required(found: str | bytes | object | None, name: str) -> str:
    """:func:`require`'s answer for what :func:`find_each` found under ``name``: the value
    trimmed of optional whitespace. (:func:`require` ends with the same rules, inline.)

    Raises:
        MalformedHeader: it was sent more than once.
        MissingHeader: it was not sent, or is blank.
    """
    if type(found) is str:
        text = found.strip(OWS)
    elif found is None:
        raise MissingHeader(name)
    elif found is REPEATED:
        raise MalformedHeader(name, "sent more than once")
    else:
        text = header_text(found).strip(OWS)  # type: ignore[arg-type]  # bytes, or header_text's TypeError
    if not text:
        raise MissingHeader(name)
    return text


def as_headers(raw: HeadersLike) -> Headers:
    """``raw`` itself if it is a :class:`Headers`, else ``Headers(raw)``."""
    return raw if type(raw) is Headers else Headers(raw)


class EnvironNames:
    """Header names of WSGI environ (or Django ``META``) keys, remembered per key.

    ``name(key)`` is the lower-cased header name of ``HTTP_*``, ``CONTENT_TYPE`` and
    ``CONTENT_LENGTH`` keys, or ``""`` for any other key (and for those in
    ``excluded``: werkzeug ignores ``HTTP_CONTENT_TYPE`` and ``HTTP_CONTENT_LENGTH``).
    :meth:`plan` names an environ's header keys with it, :meth:`pairs` builds the
    header pairs by werkzeug's rules from that; the Django adapter reads ``META`` by
    Django's rules from the same plan (``adapters._environ``). At most ``limit`` keys
    are remembered, as the keys are the client's header names.
    """

    __slots__ = ("_excluded", "_limit", "_names", "known")

    def __init__(self, excluded: Iterable[str] = (), *, limit: int = 512) -> None:
        self._excluded = frozenset(excluded)
        self._limit = limit
        self._names: dict[str, str] = {}
        self.known = self._names.get
        """``known(key)``: the remembered name, ``""`` for no header, ``None`` if not seen yet."""

    def name(self, key: str) -> str:
        """The header name of ``key`` (``""`` for no header), remembered."""
        if key in self._excluded:
            name = ""
        elif key.startswith("HTTP_") and len(key) > 5:
            name = key[5:].replace("_", "-").lower()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-").lower()
        else:
            name = ""
        if len(self._names) < self._limit:
            self._names[key] = name
        return name

    def plan(self, keys: Iterable[str]) -> Plan:
        """The keys that are headers, in order, each with its header name (see :data:`Plan`)."""
        known, name_of = self.known, self.name
        # No call per key once its name is known: this runs for every request (the WSGI
        # middleware's), or once per sequence of keys (the adapters' HeaderPlans).
        return tuple(
            (key, name) for key in keys if (name := known(key)) or (name is None and (name := name_of(key)))
        )

    def pairs(self, environ: Mapping[str, object]) -> list[tuple[str, str]]:
        """The header ``(name, value)`` pairs of a WSGI environ, in its order.

        werkzeug's ``EnvironHeaders`` rules: every ``HTTP_*`` key (an empty value
        too) except the excluded ones, and ``CONTENT_TYPE``/``CONTENT_LENGTH`` when
        not empty; values that are not ``str`` are skipped (:data:`plan_pairs`). Names
        are lower-cased: the header view compares them case-insensitively either way.
        """
        return plan_pairs(environ, self.plan(environ))


Plan: TypeAlias = "tuple[tuple[str, str], ...]"
"""The header keys of an environ, in its order, each with its (lower-case) header name."""


def _plan_pairs_in_python(environ: Mapping[str, object], plan: Plan) -> list[tuple[str, str]]:
    return [
        (name, value)
        for key, name in plan
        if isinstance(value := environ[key], str) and (value or key[0] == "H")
    ]


plan_pairs: Callable[[Mapping[str, object], Plan], list[tuple[str, str]]] = getattr(
    _accel.compiled, "environ_pairs", _plan_pairs_in_python
)
"""``plan_pairs(environ, plan)``: the header ``(name, value)`` pairs of ``environ`` whose
keys ``plan`` names, by werkzeug's ``EnvironHeaders`` rules (a ``str`` value, and not
empty unless its key is an ``HTTP_`` one), in the plan's order. Compiled when the
extension is built (``_speedups.environ_pairs``, the same pairs)."""


MAX_REMEMBERED_KEYS = 4096
"""The most characters of keys one remembered plan may hold: the keys are the client's
header names, so what is remembered is bounded by size as well as by number."""


class HeaderPlans:
    """The :data:`Plan` of each sequence of environ keys, by ``names``' rules.

    ``get(keys)`` is the remembered plan for ``keys`` (a ``tuple`` of the environ's
    keys, in order), or ``None``; :meth:`make` finds it and remembers it, unless its
    keys are longer than :data:`MAX_REMEMBERED_KEYS` characters in all. The keys are
    the client's header names: at most ``limit`` plans are remembered (the memory is
    emptied when full, as the router's cache is), so whatever a client sends, what is
    remembered stays under ``limit`` x 4 KiB of names and a sender's usual sequence is
    soon remembered again.
    """

    __slots__ = ("_limit", "_names", "_plans", "get")

    def __init__(self, names: EnvironNames, *, limit: int = 64) -> None:
        self._names = names
        self._limit = limit
        self._plans: dict[tuple[str, ...], Plan] = {}
        self.get = self._plans.get

    def make(self, keys: tuple[str, ...]) -> Plan:
        """The plan of ``keys``: those with a header name, in order, with it."""
        plan = self._names.plan(keys)
        if sum(map(len, keys)) <= MAX_REMEMBERED_KEYS:
            if len(self._plans) >= self._limit:
                self._plans.clear()
            self._plans[keys] = plan
        return plan

    def __len__(self) -> int:
        """How many plans are remembered."""
        return len(self._plans)


_ENVIRON_PLANS = HeaderPlans(EnvironNames())
"""The WSGI middleware's (:meth:`Headers.from_environ`): werkzeug's rules, nothing excluded."""
