"""Why a signature does not match: likely causes, found by verifying variants of the request.

"The signature doesn't match" has a handful of usual causes, and each can be tested
rather than guessed: verify the request again with one thing changed, and if that
variant verifies, the change names the cause. :func:`explain` tries

* the body with a trailing newline (``\\n``, ``\\r\\n``) removed or added, and the
  same JSON written the usual other ways (compact or spaced, keys sorted or not,
  indented, non-ASCII escaped or not): a body re-serialised by a framework or proxy;
* the secret with whitespace around it trimmed, its ``whsec_`` prefix dropped or
  added, base64- or hex-decoded, or taken as raw text instead of decoded;
* the time the request was signed instead of now, when only the timestamp failed:
  a clock, or a time zone when the gap is a whole number of hours;
* for URL-signed providers (Twilio, Square), the configured URL with another scheme,
  host, port or path: the URL the sender called is not the one configured (a proxy).

Every variant is checked by the library's own provider (the same class, built with
one option changed, :func:`~webhook_receiver.providers._base.configured_options`),
never by comparing anything here. It is a diagnosis only: nothing it finds makes a
request verify. When no variant verifies, it says so and guesses nothing.

A diagnosis costs a few dozen verifications, so the receiver computes it only for the
DEBUG log (:func:`log_diagnosis`). Its text never holds a secret, a signature, or a
body: only which change made the request verify. URLs are shown without their query.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias
from urllib.parse import SplitResult, urlsplit

from ._errors import ConfigurationError, SignatureMismatch, TimestampOutsideTolerance, WebhookError
from ._headers import Headers, HeadersLike, as_headers
from ._schemes import Secret
from .providers._base import Provider, configured_options

__all__ = ["Cause", "CauseKind", "Diagnosis", "explain", "log_diagnosis"]

CauseKind: TypeAlias = Literal[
    "timestamp_skew",
    "body_reserialised",
    "newline_added",
    "newline_removed",
    "secret_encoding",
    "url",
]
"""What kind of difference a :class:`Cause` found."""

NO_CAUSE = (
    "no likely cause found: the secret or the body differ in a way not tried "
    "(check that the secret is this endpoint's, and that the receiver gets the body's raw bytes)"
)

# The options that hold an HMAC secret (xtremepush's signed payloads: key=).
_SECRET_OPTIONS = ("secret", "key")
_WHSEC = b"whsec_"
_RAW_BODY = (
    "verify the raw request bytes, never a parsed and re-encoded body "
    "(request.json, or a proxy or middleware that rewrites JSON)"
)


@dataclass(frozen=True, slots=True)
class Cause:
    """One likely cause: a change to the request that makes it verify.

    Attributes:
        kind: which difference it is.
        message: what it means and what to do, in words (never a secret).
    """

    kind: CauseKind
    message: str


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What :func:`explain` found.

    Attributes:
        verified: the request verifies as it is (nothing to explain).
        refused: why it does not verify as it is: the error's ``code``, or ``None``.
        causes: the likely causes found, the most direct first; empty when none.
        tried: how many variants of the request were verified.
        note: a sentence when no variant could apply (the request was refused before
            a signature was compared), else ``None``.
    """

    verified: bool
    refused: str | None
    causes: tuple[Cause, ...] = ()
    tried: int = 0
    note: str | None = None

    def lines(self) -> list[str]:
        """The diagnosis as lines of text."""
        if self.verified:
            return ["the request verifies as it is: nothing to explain"]
        if self.note is not None:
            return [self.note]
        if not self.causes:
            return [f"{NO_CAUSE}; {self.tried} variant(s) tried"]
        return [f"likely cause: {cause.message}" for cause in self.causes]

    def __str__(self) -> str:
        return "; ".join(self.lines())


def explain(
    provider: Provider,
    headers: HeadersLike,
    body: bytes,
    *,
    now: float | None = None,
    urls: Sequence[str] = (),
) -> Diagnosis:
    """Why ``provider`` refuses a request's signature, by verifying variants of it.

    Args:
        provider: the provider the request was verified with.
        headers: the request's headers, as for :meth:`Provider.verify`.
        body: the request's raw body, as received.
        now: the time it was verified at (default: the provider's clock).
        urls: for a URL-signed provider, other URLs the sender may have called
            (each also lends its scheme, host and path to the variants tried).
    """
    view = as_headers(headers)
    raw = bytes(body)
    at = provider.clock() if now is None else now
    first = _failure(provider, view, raw, at)
    if first is None:
        return Diagnosis(verified=True, refused=None)
    if not isinstance(first, SignatureMismatch | TimestampOutsideTolerance):
        return Diagnosis(
            verified=False,
            refused=first.code,
            note=f"refused before any signature was compared ({first.code}): no variant to try",
        )
    tries = _Tries(provider, view, raw)
    skew: Cause | None = None
    if isinstance(first, TimestampOutsideTolerance):
        # Verified as of the signed time, the clock is out of the question: if that
        # passes, the signature is good and only the clocks disagree.
        at -= first.age
        if tries.failure(provider, raw, at) is None:
            return tries.diagnosis(first.code, [_skew(first.age, first.tolerance, alone=True)])
        skew = _skew(first.age, first.tolerance, alone=False)
    options = configured_options(provider)
    causes: list[Cause] = []
    searches: tuple[Search, ...] = (_body_causes, _secret_causes, _url_causes)
    for search in searches:
        found = search(tries, options, at, urls)
        if found is not None:
            causes.append(found)
    if causes and skew is not None:
        causes.insert(0, skew)
    return tries.diagnosis(first.code, causes)


def log_diagnosis(
    logger: logging.Logger, provider: Provider, headers: HeadersLike, body: bytes, now: float | None
) -> None:
    """Log :func:`explain`'s diagnosis at DEBUG, if ``logger`` is enabled for DEBUG.

    The receiver calls this for a signature it refused; when DEBUG is off, it costs
    one level check. Never raises: a diagnosis must not change the answer.
    """
    if not logger.isEnabledFor(logging.DEBUG):
        return
    try:
        diagnosis = explain(provider, headers, body, now=now)
    except Exception:  # a diagnosis is best-effort; the refusal stands either way
        logger.debug("could not diagnose the %s signature", provider.name, exc_info=True)
        return
    logger.debug("why the %s signature did not verify: %s", provider.name, diagnosis)


class _Tries:
    """The request being diagnosed; verifies variants of it and counts them."""

    __slots__ = ("body", "count", "headers", "provider")

    def __init__(self, provider: Provider, headers: Headers, body: bytes) -> None:
        self.provider = provider
        self.headers = headers
        self.body = body
        self.count = 0

    def failure(self, provider: Provider, body: bytes, now: float) -> WebhookError | None:
        """Why ``provider`` refuses the request with ``body``, or ``None`` if it verifies."""
        self.count += 1
        return _failure(provider, self.headers, body, now)

    def rebuilt(self, options: dict[str, Any], now: float) -> bool:
        """Whether the provider built with ``options`` verifies the request."""
        try:
            provider = type(self.provider)(**options)
        except (ConfigurationError, TypeError):
            return False  # not a value this provider accepts
        return self.failure(provider, self.body, now) is None

    def diagnosis(self, refused: str, causes: list[Cause]) -> Diagnosis:
        return Diagnosis(verified=False, refused=refused, causes=tuple(causes), tried=self.count)


Search: TypeAlias = Callable[[_Tries, "dict[str, Any] | None", float, Sequence[str]], "Cause | None"]


def _failure(provider: Provider, headers: Headers, body: bytes, now: float) -> WebhookError | None:
    try:
        provider.verify(headers, body, now=now)
    except WebhookError as exc:
        return exc
    return None


# --- the clock ------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    whole = round(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min {secs} s"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _skew(age: float, tolerance: float, *, alone: bool) -> Cause:
    gap = abs(age)
    hours = round(gap / 3600)
    side = "before" if age > 0 else "after"
    stated = f"the request was signed {_duration(age)} {side} this clock's now (tolerance {tolerance:g} s)"
    # A time zone error is a whole number of hours, give or take delivery time and drift.
    if hours >= 1 and abs(gap - hours * 3600) <= 120:
        why = (
            f"about {hours} whole hour(s), so most likely a time zone error: a local time "
            "taken for UTC, on the sender's side or on this machine"
        )
    else:
        why = (
            "one of the clocks is wrong (synchronise it with NTP), or this is an old request "
            "sent again (a captured one: verify it as of its own time, e.g. --now)"
        )
    matches = "the signature matches" if alone else "the signature matches once the next cause is fixed"
    return Cause("timestamp_skew", f"{stated}, and as of that time {matches}: {why}")


# --- the body -------------------------------------------------------------------------


def _json_forms(body: bytes) -> Iterator[tuple[bytes, str]]:
    """The same JSON written the usual other ways, each with how it is written."""
    try:
        payload = json.loads(body)
    except ValueError:  # UnicodeDecodeError is one
        return
    # Whether the JSON holds text beyond ASCII, however the body received wrote it.
    non_ascii = not json.dumps(payload, ensure_ascii=False).isascii()
    layouts: tuple[tuple[str, tuple[str, str] | None, int | None], ...] = (
        ("compact (no spaces)", (",", ":"), None),
        ("with a space after ',' and ':'", None, None),
        ("indented by 2", None, 2),
        ("indented by 4", None, 4),
    )
    for sort_keys in (False, True):
        order = "its keys sorted" if sort_keys else "its keys in the order received"
        for layout, separators, indent in layouts:
            for ensure_ascii in (False, True) if non_ascii else (False,):
                escapes = ", non-ASCII as \\u escapes" if ensure_ascii else ", non-ASCII as UTF-8"
                text = json.dumps(
                    payload,
                    separators=separators,
                    indent=indent,
                    sort_keys=sort_keys,
                    ensure_ascii=ensure_ascii,
                )
                yield text.encode("utf-8"), f"{layout}, {order}{escapes if non_ascii else ''}"


def _body_variants(body: bytes) -> Iterator[tuple[bytes, CauseKind, str]]:
    stripped = body.rstrip(b"\r\n")
    if stripped != body:
        yield (
            stripped,
            "newline_added",
            "a trailing newline was added to the body after it was signed (by a proxy, a "
            "client, or a captured file saved with a final newline): verify the exact bytes sent",
        )
    for ending, name in ((b"\n", "newline"), (b"\r\n", "CRLF")):
        yield (
            body + ending,
            "newline_removed",
            f"the sender signed the body with a trailing {name}, which was removed before "
            "it reached the receiver (by a framework, or an editor saving a captured file): "
            "verify the exact bytes sent",
        )
    for form, written in _json_forms(stripped):
        yield (
            form,
            "body_reserialised",
            "the body was re-serialised after it was signed: the sender signed the same "
            f"JSON written {written}; {_RAW_BODY}",
        )


def _body_causes(
    tries: _Tries, options: dict[str, Any] | None, now: float, urls: Sequence[str]
) -> Cause | None:
    seen = {tries.body}
    for variant, kind, message in _body_variants(tries.body):
        if variant not in seen:
            seen.add(variant)
            if tries.failure(tries.provider, variant, now) is None:
                return Cause(kind, message)
    return None


# --- the secret -----------------------------------------------------------------------


def _decoded(text: bytes, decode: Callable[[bytes], bytes]) -> bytes | None:
    try:
        value = decode(text)
    except (ValueError, binascii.Error):
        return None
    return value or None


def _b64(text: bytes) -> bytes:
    return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)


def _secret_variants(value: str | bytes) -> Iterator[tuple[str | bytes, str]]:
    """Other readings of one configured secret, each with what it would mean.

    ``str`` and ``bytes`` differ for providers that decode the text they are given
    (Standard Webhooks: ``whsec_`` + base64); ``bytes`` are always the key as it is.
    """
    as_text = isinstance(value, str)
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)

    def same_type(data: bytes) -> str | bytes:
        return data.decode("utf-8", "surrogateescape") if as_text else data

    trimmed = raw.strip()
    if trimmed != raw:
        yield (
            same_type(trimmed),
            "the configured secret has whitespace or a line break around it (pasted with "
            "a newline?); the sender's secret is the same without it",
        )
    prefixed = trimmed.startswith(_WHSEC)
    core = trimmed[len(_WHSEC) :] if prefixed else trimmed
    if prefixed:
        yield (
            same_type(core),
            "the configured secret keeps the 'whsec_' prefix, and the sender signs with "
            "the secret without it",
        )
    else:
        yield (
            same_type(_WHSEC + core),
            "the configured secret lacks the 'whsec_' prefix, and the sender signs with "
            "the secret including it",
        )
    if as_text:
        yield (
            trimmed,
            "this provider decodes the configured secret (the base64 after 'whsec_'), but "
            "the sender uses the secret's text itself as the key",
        )
        if prefixed:
            yield (
                core,
                "this provider decodes the configured secret (the base64 after 'whsec_'), but "
                "the sender uses the text after 'whsec_' itself as the key",
            )
    decoded = _decoded(core, _b64)
    if decoded is not None:
        yield (
            decoded,
            "the configured secret is base64 (after any 'whsec_'), and the sender uses the "
            "bytes it decodes to as the key, not its text",
        )
    if len(core) % 2 == 0:
        unhexed = _decoded(core, binascii.a2b_hex)
        if unhexed is not None:
            yield (
                unhexed,
                "the configured secret is hex, and the sender uses the bytes it decodes to as "
                "the key, not its text",
            )
    encoded = base64.b64encode(trimmed)
    yield (
        encoded,
        "the sender uses the base64 text of the configured secret as the key (the "
        "secret was configured decoded, or the sender's copy is its base64 form)",
    )
    yield (
        _WHSEC + encoded,
        "the sender uses 'whsec_' and the base64 text of the configured secret as the key",
    )


def _plain(item: object) -> str | bytes | None:
    value = item.value if isinstance(item, Secret) else item
    if isinstance(value, bytearray | memoryview):
        value = bytes(value)
    return value if isinstance(value, str | bytes) and value else None


def _secret_causes(
    tries: _Tries, options: dict[str, Any] | None, now: float, urls: Sequence[str]
) -> Cause | None:
    if not options:
        return None
    for option in _SECRET_OPTIONS:
        configured = options.get(option)
        items = configured if isinstance(configured, list | tuple) else [configured]
        for item in items:
            value = _plain(item)
            if value is None:
                continue
            for variant, message in _secret_variants(value):
                if variant != value and tries.rebuilt({**options, option: variant}, now):
                    return Cause("secret_encoding", message)
    return None


# --- the URL --------------------------------------------------------------------------


def _shown(url: str) -> str:
    """A URL for a message: without its query, which may hold a token."""
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl() + ("?..." if parts.query else "")


def _parts(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for an invalid port
    except ValueError:
        return None
    return parts if parts.scheme in ("http", "https") and parts.hostname else None


def _differences(configured: SplitResult, candidate: SplitResult) -> list[str]:
    named = (
        ("scheme", configured.scheme, candidate.scheme),
        ("host", (configured.hostname or "").lower(), (candidate.hostname or "").lower()),
        ("port", configured.port, candidate.port),
        ("path", configured.path, candidate.path),
        ("query", configured.query, candidate.query),
    )
    return [name for name, mine, theirs in named if mine != theirs]


def _url_candidates(configured: str, headers: Headers, urls: Sequence[str]) -> Iterator[str]:
    """URLs the sender may have called: the configured one with its parts exchanged for
    the other scheme, a port dropped or added, a trailing slash toggled, and the hosts
    and paths of the request's ``Host``/``X-Forwarded-Host`` headers and of ``urls``."""
    mine = _parts(configured)
    if mine is None:
        return
    given = [parts for parts in map(_parts, urls) if parts is not None]
    schemes = dict.fromkeys([mine.scheme, "https", "http", *(p.scheme for p in given)])
    host = mine.hostname or ""
    netlocs = dict.fromkeys([mine.netloc, host, *(p.netloc for p in given)])
    for name in ("X-Forwarded-Host", "Host"):
        for value in headers.getlist(name):
            sent = value.split(",")[0].strip()
            if sent and all(" " < char < "\x7f" and char not in "/?#@" for char in sent):
                netlocs[sent] = None
    path = mine.path or "/"
    toggled = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
    paths = dict.fromkeys([mine.path, toggled, *(p.path for p in given)])
    candidates: dict[str, None] = dict.fromkeys(urls)
    for scheme in schemes:
        with_port = f"{host}:{'443' if scheme == 'https' else '80'}"
        for netloc in dict.fromkeys([*netlocs, with_port]):
            for candidate_path in paths:
                built = SplitResult(scheme, netloc, candidate_path, mine.query, "").geturl()
                candidates[built] = None
    candidates.pop(configured, None)
    # The simplest explanation first: candidates that differ from the configured URL in
    # the fewest parts.
    ordered = sorted(candidates, key=lambda url: len(_differences(mine, _parts(url) or mine)))
    yield from ordered


def _url_causes(
    tries: _Tries, options: dict[str, Any] | None, now: float, urls: Sequence[str]
) -> Cause | None:
    configured = options.get("url") if options else None
    if options is None or not isinstance(configured, str):
        return None
    mine = _parts(configured)
    for candidate in _url_candidates(configured, tries.headers, urls):
        if tries.rebuilt({**options, "url": candidate}, now):
            theirs = _parts(candidate)
            named = _differences(mine, theirs) if mine and theirs else ["form"]
            which = " and ".join(named) + (" differ" if len(named) > 1 else " differs")
            return Cause(
                "url",
                f"the sender signed the URL {_shown(candidate)}, whose {which} from the "
                "configured url's: configure url= exactly as the sender calls it (behind a proxy "
                "or load balancer, the public URL, not the one the application sees)",
            )
    return None
