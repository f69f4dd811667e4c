# ruff: noqa: E501
# (The docstring's table has one row per difference, too long for a line.)
r"""Where a sender's own library and we disagree about a request, a case names it and says why.

Each case is a request signed with the sender's own library (or its documented
recipe), then varied; it runs through our verification
(``providers.create(...).verify(headers, body, now=NOW)``) and through the sender's
library with the same secret at the same frozen time, and both verdicts are asserted,
so a change on either side fails here. Verdicts: ``accept``; ``refuse`` (a
``VerificationError`` for us; the library's own verification error, or ``False``);
``bad_config`` (we raise ``ConfigurationError`` when the provider is created);
``crash`` (the library raises something other than its verification error, which a
receiver catching only that error answers with a 500). A case *differs* when one side
accepts and the other does not, and then it says why. Cases marked ``broken`` state
what our rules call for and are expected failures until the defect is fixed.

References: stripe-python (``stripe.WebhookSignature.verify_header``, tolerance 300 s),
``standardwebhooks`` and ``svix`` (``Webhook(secret).verify``), ``slack_sdk``
(``SignatureVerifier`` with a fixed clock) and ``gidgethub``
(``gidgethub.sansio.Event.from_http``).

Where we differ from the senders' own libraries:

| Sender's library | Request | We | They | Why |
|---|---|---|---|---|
| stripe | header value with a leading/trailing space or tab | accept | refuse | the reference reads the raw value, padding included; HTTP strips optional whitespace (space, tab) around field values (RFC 9110 §5.5), servers do so too, and so do we |
| stripe | space or tab after a comma; space before or after `=` | accept | refuse | stripe-python does not trim entries, so ' v1' and 'v1 ' are no v1 entry and ' <sig>' no signature; we allow optional whitespace around entries and around their '=', as in HTTP's lists |
| stripe | an entry that is not `key=value` | refuse | accept | stripe-python ignores an entry that is not key=value; we refuse the header as malformed, as stripe-go does |
| stripe | `v1=<sig>=junk` | refuse | accept | stripe-python splits entries with split('=', 2) and reads the second part only, so 'v1=<sig>=junk' verifies; we read all after the first '=' as the signature |
| stripe | `t=` twice (same or another value) | refuse | accept | stripe-python takes the first t= and ignores the others; with two, which time was signed is ambiguous, so we refuse |
| stripe | upper-case hex signature | accept | refuse | the reference compares signature text; we compare the decoded bytes, so hex-digit case (and the case of Slack's and GitHub's prefix) does not matter |
| stripe | `t=` with `+`, a leading zero, `_`, a trailing `\xa0` or `\v` (signature over the plain number) | refuse | accept | stripe-python reads t= with int() and signs the number, not the text sent, so a sign, '_', leading zeros or whitespace other than space/tab verify; we verify the text as sent: ASCII digits only |
| stripe | timestamp 301 s or a year in the future | refuse | accept | stripe-python only refuses old timestamps; we refuse future ones too (replay window both ways) |
| standardwebhooks, svix | `webhook-id` with a leading/trailing space or tab (signed without) | accept | refuse | the reference signs the value as sent, untrimmed; HTTP strips optional whitespace around field values (RFC 9110 §5.5), so we verify the trimmed value (for Standard Webhooks, the id the event is identified by) |
| standardwebhooks, svix | `webhook-id` signed with surrounding spaces | refuse | accept | (same as above) |
| standardwebhooks, svix | `webhook-timestamp` as `1700000000.0`, `.9`, `+…`, `00…`, `1.7e9`, `1_700_000_000`, or with `\xa0`, `\x85`, `\v` around it (signature over the plain number) | refuse | accept | the reference reads webhook-timestamp with float() and signs the whole seconds, not the text sent, so a sign, fraction, exponent, '_', leading zeros or whitespace other than space/tab verify; we verify the text as sent: ASCII digits only |
| standardwebhooks, svix | `webhook-signature` with a leading space (they crash) or tab | accept | crash, refuse | the reference reads the raw value, padding included; HTTP strips optional whitespace (space, tab) around field values (RFC 9110 §5.5), servers do so too, and so do we |
| standardwebhooks, svix | signature with a trailing `\x1c`-`\x1f`, or an extra `=` | refuse | accept | the reference decodes signatures with unvalidated base64.b64decode, which drops characters outside the alphabet and ignores excess padding; we read strict base64 only |
| standardwebhooks, svix | secret with `!`, `-`, an inner space or a trailing newline | bad_config | accept | the reference decodes the secret with unvalidated base64.b64decode, which drops characters outside the alphabet (a stray '!' or '-', a newline from an env file); we refuse such a secret when the provider is created |
| standardwebhooks, svix | an unreadable entry (`v1,zz`, no comma, two commas, an empty one from a double space) before the good one; entries separated by a tab | accept | crash | the reference raises ValueError (not its verification error) at the first entry it cannot read: no ',', bad base64, an empty entry from a double space, a tab separator; we skip unreadable entries when a readable v1 entry is there |
| standardwebhooks | `svix-id`/`svix-timestamp`/`svix-signature` | accept | refuse | standardwebhooks reads only webhook-* headers; we also accept the svix-* names Svix sends, as the svix library does |
| svix | both header sets, only one of them valid | accept, refuse | refuse, accept | with both header sets present the svix library reads svix-*, we read webhook-* (the standard's names); no sender sends both sets with different values |
| svix | `webhook-id`, `webhook-timestamp` and `svix-signature` | refuse | accept | the svix library takes each of the three headers from either prefix separately; we read all three under one prefix, as a sender sends them |
| standardwebhooks, svix | non-ASCII `webhook-id`, as servers decode it (latin-1) | accept | refuse | we MAC the header's bytes as received (servers decode header bytes as latin-1: RFC 9110 §5.5, PEP 3333, ASGI); the reference re-encodes the str it is given as UTF-8, so a non-ASCII id verifies there only if the framework decoded it as UTF-8 |
| slack_sdk | `X-Slack-Signature` with a leading/trailing space or tab | accept | refuse | the reference reads the raw value, padding included; HTTP strips optional whitespace (space, tab) around field values (RFC 9110 §5.5), servers do so too, and so do we |
| slack_sdk | `X-Slack-Request-Timestamp` with a leading/trailing space or tab: signed without it / signed with it | accept / refuse | refuse / accept | the reference signs the value as sent, untrimmed; HTTP strips optional whitespace around field values (RFC 9110 §5.5), so we verify the trimmed value (for Standard Webhooks, the id the event is identified by) |
| slack_sdk | `V0=` prefix, upper-case hex | accept | refuse | the reference compares signature text; we compare the decoded bytes, so hex-digit case (and the case of Slack's and GitHub's prefix) does not matter |
| slack_sdk | timestamp `+…`, `1_700_000_000` or with a trailing `\xa0`, signed as sent | refuse | accept | slack_sdk checks the timestamp with int(), which allows a sign, '_' and Unicode whitespace, and signs the text as sent; we accept ASCII digits only |
| gidgethub | `X-Hub-Signature-256` with a leading/trailing space or tab | accept | refuse | the reference reads the raw value, padding included; HTTP strips optional whitespace (space, tab) around field values (RFC 9110 §5.5), servers do so too, and so do we |
| gidgethub | `SHA256=` prefix, upper-case hex | accept | refuse | the reference compares signature text; we compare the decoded bytes, so hex-digit case (and the case of Slack's and GitHub's prefix) does not matter |
| gidgethub | only `X-Hub-Signature: sha1=…` | refuse | accept | gidgethub falls back to the SHA-1 X-Hub-Signature header when X-Hub-Signature-256 is absent; we require the SHA-256 one (GitHub sends both) |

Every other case agrees: both accept, or neither does (the library sometimes by
crashing). Notable agreements: padding other than space and tab where not listed above,
unreadable or wrong Stripe signatures next to a good one, `v0=` and `v1a,` entries,
unpadded Standard Webhooks secrets, and timestamps exactly 300 s old or ahead (accepted)
or 301 s old (refused; Standard Webhooks and Slack refuse 301 s ahead too).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import gidgethub
import gidgethub.sansio
import pytest
import slack_sdk.signature
import standardwebhooks
import standardwebhooks.webhooks
import stripe
import svix.webhooks
from freezegun import freeze_time

from webhook_receiver import ConfigurationError, VerificationError, providers

from .conftest import NOW

Verdict = str
"""``accept``, ``refuse``, ``bad_config`` (ours only) or ``crash`` (theirs only): see ``Case``."""

BODY = b'{"id":"evt_1","object":"event","type":"invoice.paid","created":1700000000}'
TOLERANCE = 300

# Leading/trailing characters tried on every header value: HTTP's optional
# whitespace (space, tab), then characters str.strip() would also remove.
PADDING = {
    "space": " ",
    "tab": "\t",
    "nbsp": "\xa0",
    "nel": "\x85",
    "x1c": "\x1c",
    "x1d": "\x1d",
    "x1e": "\x1e",
    "x1f": "\x1f",
}
OURS_PADDED = "AARRRRRR"
"""Our verdict for a value padded with each of PADDING, in order: only space and tab are trimmed."""
LETTERS: dict[str, Verdict] = {"A": "accept", "R": "refuse", "C": "crash"}


@dataclass(frozen=True)
class Case:
    """One request, and what each side is expected to make of it.

    ``expected_ours``: ``accept``, ``refuse`` (a ``VerificationError``) or ``bad_config``
    (``ConfigurationError`` when the provider is created with ``secret``).
    ``expected_theirs``: ``accept``, ``refuse`` (the library's own verification error, or
    ``False``) or ``crash`` (any other exception: a receiver catching only the
    library's documented error would answer 500).
    ``why`` is required exactly when one side accepts and the other does not.
    ``broken`` names a known defect on our side: the case states the behaviour the
    rules call for and is an expected failure until the defect is fixed.
    """

    reference: str
    name: str
    provider: str
    secret: str
    headers: tuple[tuple[str, str], ...]
    expected_ours: Verdict
    expected_theirs: Verdict
    why: str = ""
    body: bytes = BODY
    broken: str = ""

    def __post_init__(self) -> None:
        assert self.expected_ours in ("accept", "refuse", "bad_config"), self.expected_ours
        assert self.expected_theirs in ("accept", "refuse", "crash"), self.expected_theirs

    @property
    def id(self) -> str:
        return f"{self.reference}/{self.name}"

    @property
    def differs(self) -> bool:
        return (self.expected_ours == "accept") != (self.expected_theirs == "accept")


# --- why ---------------------------------------------------------------------------

WHY_OWS = (
    "the reference reads the raw value, padding included; HTTP strips optional whitespace (space, "
    "tab) around field values (RFC 9110 §5.5), servers do so too, and so do we"
)
WHY_OWS_SIGNED = (
    "the reference signs the value as sent, untrimmed; HTTP strips optional whitespace around field "
    "values (RFC 9110 §5.5), so we verify the trimmed value (for Standard Webhooks, the id the event "
    "is identified by)"
)
WHY_STRIPE_FUTURE = (
    "stripe-python only refuses old timestamps; we refuse future ones too (replay window both ways)"
)
WHY_STRIPE_ENTRY_SPACE = (
    "stripe-python does not trim entries, so ' v1' and 'v1 ' are no v1 entry and ' <sig>' no "
    "signature; we allow optional whitespace around entries and around their '=', as in HTTP's lists"
)
WHY_STRIPE_NOT_KEY_VALUE = (
    "stripe-python ignores an entry that is not key=value; we refuse the header as malformed, as "
    "stripe-go does"
)
WHY_STRIPE_REPEATED_T = (
    "stripe-python takes the first t= and ignores the others; with two, which time was signed is "
    "ambiguous, so we refuse"
)
WHY_STRIPE_T_PARSED = (
    "stripe-python reads t= with int() and signs the number, not the text sent, so a sign, '_', "
    "leading zeros or whitespace other than space/tab verify; we verify the text as sent: ASCII "
    "digits only"
)
WHY_STRIPE_EQUALS = (
    "stripe-python splits entries with split('=', 2) and reads the second part only, so "
    "'v1=<sig>=junk' verifies; we read all after the first '=' as the signature"
)
WHY_HEX_CASE = (
    "the reference compares signature text; we compare the decoded bytes, so hex-digit case (and the "
    "case of Slack's and GitHub's prefix) does not matter"
)
WHY_SW_SVIX_PREFIX = (
    "standardwebhooks reads only webhook-* headers; we also accept the svix-* names Svix sends, as "
    "the svix library does"
)
WHY_SW_BOTH_PREFIXES = (
    "with both header sets present the svix library reads svix-*, we read webhook-* (the standard's "
    "names); no sender sends both sets with different values"
)
WHY_SW_MIXED_PREFIXES = (
    "the svix library takes each of the three headers from either prefix separately; we read all "
    "three under one prefix, as a sender sends them"
)
WHY_SW_SECRET = (
    "the reference decodes the secret with unvalidated base64.b64decode, which drops characters "
    "outside the alphabet (a stray '!' or '-', a newline from an env file); we refuse such a secret "
    "when the provider is created"
)
WHY_SW_T_PARSED = (
    "the reference reads webhook-timestamp with float() and signs the whole seconds, not the text "
    "sent, so a sign, fraction, exponent, '_', leading zeros or whitespace other than space/tab "
    "verify; we verify the text as sent: ASCII digits only"
)
WHY_SW_SKIP_UNREADABLE = (
    "the reference raises ValueError (not its verification error) at the first entry it cannot "
    "read: no ',', bad base64, an empty entry from a double space, a tab separator; we skip "
    "unreadable entries when a readable v1 entry is there"
)
WHY_SW_LENIENT_BASE64 = (
    "the reference decodes signatures with unvalidated base64.b64decode, which drops characters "
    "outside the alphabet and ignores excess padding; we read strict base64 only"
)
WHY_SW_WIRE_BYTES = (
    "we MAC the header's bytes as received (servers decode header bytes as latin-1: RFC 9110 §5.5, "
    "PEP 3333, ASGI); the reference re-encodes the str it is given as UTF-8, so a non-ASCII id "
    "verifies there only if the framework decoded it as UTF-8"
)
WHY_SLACK_T_SIGNED = (
    "slack_sdk checks the timestamp with int(), which allows a sign, '_' and Unicode whitespace, and "
    "signs the text as sent; we accept ASCII digits only"
)
WHY_GITHUB_SHA1 = (
    "gidgethub falls back to the SHA-1 X-Hub-Signature header when X-Hub-Signature-256 is absent; we "
    "require the SHA-256 one (GitHub sends both)"
)


# --- signing -----------------------------------------------------------------------


def _hmac(key: bytes, message: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(key, message, digest).digest()


def _padded(value: str, position: str, char: str) -> str:
    return char + value if position == "leading" else value + char


def _pad_verdicts(spec: str) -> Iterator[tuple[str, str, Verdict, Verdict]]:
    """(name, char, ours, theirs) for each character of PADDING; ``spec`` spells theirs."""
    for (name, char), ours, theirs in zip(PADDING.items(), OURS_PADDED, spec, strict=True):
        yield name, char, LETTERS[ours], LETTERS[theirs]


def _why(ours: Verdict, theirs: Verdict, why: str) -> str:
    return why if (ours == "accept") != (theirs == "accept") else ""


# --- Stripe ------------------------------------------------------------------------

STRIPE_SECRET = "whsec_3d1b1c0b9f1e4c9bb3a3f0f0c6d5f4a2"


def _stripe_sig(timestamp: int | str = NOW, body: bytes = BODY) -> str:
    return _hmac(STRIPE_SECRET.encode(), f"{timestamp}.".encode() + body).hex()


def _stripe(name: str, header: str, ours: Verdict, theirs: Verdict, why: str = "", broken: str = "") -> Case:
    return Case(
        "stripe",
        name,
        "stripe",
        STRIPE_SECRET,
        (("Stripe-Signature", header),),
        ours,
        theirs,
        why,
        broken=broken,
    )


def _stripe_cases() -> Iterator[Case]:
    valid = stripe.WebhookSignature.generate_signature_header(BODY.decode(), STRIPE_SECRET, timestamp=NOW)
    sig = _stripe_sig()
    assert valid == f"t={NOW},v1={sig}"
    yield _stripe("valid", valid, "accept", "accept")
    # Header value padding: stripe-python sees "<c>t" as the first key and "<sig><c>" as the
    # last signature, which compare_digest() refuses to compare when it is not ASCII.
    for position, spec in (("leading", "RRRRRRRR"), ("trailing", "RRCCRRRR")):
        for name, char, ours, theirs in _pad_verdicts(spec):
            yield _stripe(
                f"header-{position}-{name}",
                _padded(valid, position, char),
                ours,
                theirs,
                _why(ours, theirs, WHY_OWS),
            )
    yield _stripe("space-after-comma", f"t={NOW}, v1={sig}", "accept", "refuse", WHY_STRIPE_ENTRY_SPACE)
    yield _stripe("tab-after-comma", f"t={NOW},\tv1={sig}", "accept", "refuse", WHY_STRIPE_ENTRY_SPACE)
    yield _stripe("nbsp-after-comma", f"t={NOW},\xa0v1={sig}", "refuse", "refuse")
    yield _stripe("space-before-comma", f"t={NOW} ,v1={sig}", "accept", "accept")
    yield _stripe("space-before-equals", f"t ={NOW},v1 ={sig}", "accept", "refuse", WHY_STRIPE_ENTRY_SPACE)
    yield _stripe("space-after-equals", f"t= {NOW},v1= {sig}", "accept", "refuse", WHY_STRIPE_ENTRY_SPACE)
    yield _stripe("stray-comma", f"t={NOW},,v1={sig}", "accept", "accept")
    yield _stripe("unreadable-v1-before", f"t={NOW},v1=zz,v1={sig}", "accept", "accept")
    yield _stripe("unreadable-v1-after", f"t={NOW},v1={sig},v1=zz", "accept", "accept")
    yield _stripe("only-unreadable-v1", f"t={NOW},v1=zz", "refuse", "refuse")
    yield _stripe("wrong-v1-before", f"t={NOW},v1={'0' * 64},v1={sig}", "accept", "accept")
    yield _stripe(
        "entry-without-equals", f"t={NOW},v1={sig},garbage", "refuse", "accept", WHY_STRIPE_NOT_KEY_VALUE
    )
    yield _stripe("v1-with-trailing-equals", f"t={NOW},v1={sig}=junk", "refuse", "accept", WHY_STRIPE_EQUALS)
    yield _stripe("repeated-t-same", f"t={NOW},t={NOW},v1={sig}", "refuse", "accept", WHY_STRIPE_REPEATED_T)
    yield _stripe(
        "repeated-t-other", f"t={NOW},t={NOW + 1},v1={sig}", "refuse", "accept", WHY_STRIPE_REPEATED_T
    )
    yield _stripe("no-t", f"v1={sig}", "refuse", "refuse")
    yield _stripe("extra-v0", f"t={NOW},v1={sig},v0={'ab' * 32}", "accept", "accept")
    yield _stripe("only-v0", f"t={NOW},v0={sig}", "refuse", "refuse")
    yield _stripe("unknown-key", f"t={NOW},v1={sig},foo=bar", "accept", "accept")
    yield _stripe("uppercase-hex", f"t={NOW},v1={sig.upper()}", "accept", "refuse", WHY_HEX_CASE)
    yield _stripe("uppercase-key", f"t={NOW},V1={sig}", "refuse", "refuse")
    # t= text varied; the signature is over the canonical NOW.
    for name, text, ours, theirs in (
        ("t-plus-sign", f"+{NOW}", "refuse", "accept"),
        ("t-leading-zero", f"0{NOW}", "refuse", "accept"),
        ("t-underscores", "1_700_000_000", "refuse", "accept"),
        ("t-decimal", f"{NOW}.0", "refuse", "refuse"),
        ("t-exponent", "1.7e9", "refuse", "refuse"),
        ("t-space-inside-entry", f" {NOW}", "accept", "accept"),
        ("t-tab-inside-entry", f"{NOW}\t", "accept", "accept"),
        ("t-nbsp", f"{NOW}\xa0", "refuse", "accept"),
        ("t-vertical-tab", f"{NOW}\x0b", "refuse", "accept"),
        ("t-x1f", f"{NOW}\x1f", "refuse", "refuse"),
        ("t-empty", "", "refuse", "refuse"),
    ):
        yield _stripe(name, f"t={text},v1={sig}", ours, theirs, _why(ours, theirs, WHY_STRIPE_T_PARSED))
    # Signed over the odd text itself: stripe-python signs the number, so it cannot match.
    yield _stripe("t-plus-sign-signed-as-sent", f"t=+{NOW},v1={_stripe_sig(f'+{NOW}')}", "refuse", "refuse")
    # Time: stripe-python refuses only timestamps more than `tolerance` old.
    for name, offset, ours, theirs in (
        ("stale-at-tolerance", -TOLERANCE, "accept", "accept"),
        ("stale-beyond-tolerance", -TOLERANCE - 1, "refuse", "refuse"),
        ("future-at-tolerance", TOLERANCE, "accept", "accept"),
        ("future-beyond-tolerance", TOLERANCE + 1, "refuse", "accept"),
        ("future-by-a-year", 365 * 86400, "refuse", "accept"),
    ):
        when = NOW + offset
        yield _stripe(
            name,
            stripe.WebhookSignature.generate_signature_header(BODY.decode(), STRIPE_SECRET, timestamp=when),
            ours,
            theirs,
            _why(ours, theirs, WHY_STRIPE_FUTURE),
        )
    # Characters bytes.fromhex() skips: a signature is hex and nothing else.
    yield _stripe("v1-trailing-vertical-tab", f"t={NOW},v1={sig}\x0b", "refuse", "refuse")
    yield _stripe("v1-space-inside-hex", f"t={NOW},v1={sig[:32]} {sig[32:]}", "refuse", "refuse")


# --- Standard Webhooks --------------------------------------------------------------

SW_KEY = b"a 25-byte secret for svix"  # 25 bytes: base64 ends in "=="
SW_SECRET = "whsec_" + base64.b64encode(SW_KEY).decode()
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SW_REFERENCES = ("standardwebhooks", "svix")


def _sw_sig(msg_id: str = MSG_ID, timestamp: int | str = NOW, key: bytes = SW_KEY) -> str:
    return "v1," + base64.b64encode(_hmac(key, f"{msg_id}.{timestamp}.".encode() + BODY)).decode()


def _sw_headers(
    msg_id: str = MSG_ID, timestamp: int | str = NOW, signature: str | None = None, prefix: str = "webhook-"
) -> tuple[tuple[str, str], ...]:
    return (
        (f"{prefix}id", msg_id),
        (f"{prefix}timestamp", str(timestamp)),
        (f"{prefix}signature", _sw_sig() if signature is None else signature),
    )


def _sw(
    name: str,
    headers: tuple[tuple[str, str], ...],
    ours: Verdict,
    theirs: Verdict | Mapping[str, Verdict],
    why: str = "",
    *,
    secret: str = SW_SECRET,
) -> Iterator[Case]:
    """The same request against standardwebhooks and svix (which wraps it)."""
    for reference in SW_REFERENCES:
        verdict = theirs if isinstance(theirs, str) else theirs[reference]
        yield Case(
            reference,
            name,
            "standard-webhooks",
            secret,
            headers,
            ours,
            verdict,
            _why(ours, verdict, why),
        )


def _sw_cases() -> Iterator[Case]:
    signed = standardwebhooks.Webhook(SW_SECRET).sign(
        MSG_ID, datetime.fromtimestamp(NOW, tz=UTC), BODY.decode()
    )
    assert signed == _sw_sig()
    good = signed
    wrong = _sw_sig(key=b"another key")
    yield from _sw("valid", _sw_headers(), "accept", "accept")
    # Padding on each header value.
    pads = {
        # id: the reference signs the padded id as given.
        ("id", "leading"): ("RRRRRRRR", WHY_OWS_SIGNED),
        ("id", "trailing"): ("RRRRRRRR", WHY_OWS_SIGNED),
        # timestamp: float() strips Unicode whitespace but not \x1c-\x1f.
        ("timestamp", "leading"): ("AAAARRRR", WHY_SW_T_PARSED),
        ("timestamp", "trailing"): ("AAAARRRR", WHY_SW_T_PARSED),
        # signature: split(" ") makes an empty first entry (crash); "\tv1" is another
        # version; b64decode drops "\t" and \x1c-\x1f; non-ASCII text is a ValueError.
        ("signature", "leading"): ("CRRRRRRR", WHY_OWS),
        ("signature", "trailing"): ("AACCAAAA", WHY_SW_LENIENT_BASE64),
    }
    base = dict(_sw_headers())
    for (which, position), (spec, why) in pads.items():
        for name, char, ours, theirs in _pad_verdicts(spec):
            headers = dict(base)
            headers[f"webhook-{which}"] = _padded(headers[f"webhook-{which}"], position, char)
            yield from _sw(
                f"{which}-{position}-{name}",
                tuple(headers.items()),
                ours,
                theirs,
                why if which == "id" or char not in " \t" else WHY_OWS,
            )
    # Secrets.
    unpadded = SW_SECRET.rstrip("=")
    assert unpadded != SW_SECRET
    yield from _sw("secret-unpadded", _sw_headers(), "accept", "accept", secret=unpadded)
    yield from _sw("secret-without-whsec", _sw_headers(), "accept", "accept", secret=SW_SECRET[6:])
    b64 = SW_SECRET[6:]
    for name, bad in (
        ("secret-with-bang", f"whsec_{b64[:8]}!{b64[8:]}"),
        ("secret-with-newline", f"{SW_SECRET}\n"),
        ("secret-with-inner-space", f"whsec_{b64[:8]} {b64[8:]}"),
        ("secret-urlsafe-dash", f"whsec_{b64[:8]}-{b64[8:]}"),
    ):
        yield from _sw(name, _sw_headers(), "bad_config", "accept", WHY_SW_SECRET, secret=bad)
    yield from _sw("secret-wrong", _sw_headers(), "refuse", "refuse", secret="whsec_" + "A" * 32)
    # Several entries.
    for name, signature, ours, theirs, why in (
        ("wrong-then-good", f"{wrong} {good}", "accept", "accept", ""),
        ("v1a-then-good", f"v1a,{wrong[3:]} {good}", "accept", "accept", ""),
        ("good-then-v1a", f"{good} v1a,{wrong[3:]}", "accept", "accept", ""),
        ("only-v1a", f"v1a,{good[3:]}", "refuse", "refuse", ""),
        ("only-v2", f"v2,{good[3:]}", "refuse", "refuse", ""),
        ("unreadable-then-good", f"v1,zz {good}", "accept", "crash", WHY_SW_SKIP_UNREADABLE),
        ("good-then-unreadable", f"{good} v1,zz", "accept", "accept", ""),
        ("only-unreadable", "v1,zz", "refuse", "crash", ""),
        ("no-comma-then-good", f"garbage {good}", "accept", "crash", WHY_SW_SKIP_UNREADABLE),
        ("good-then-no-comma", f"{good} garbage", "accept", "accept", ""),
        ("two-commas-then-good", f"v1,a,b {good}", "accept", "crash", WHY_SW_SKIP_UNREADABLE),
        ("tab-between-wrong-and-good", f"{wrong}\t{good}", "accept", "crash", WHY_SW_SKIP_UNREADABLE),
        ("tab-between-good-and-wrong", f"{good}\t{wrong}", "accept", "crash", WHY_SW_SKIP_UNREADABLE),
        ("double-space-wrong-then-good", f"{wrong}  {good}", "accept", "crash", WHY_SW_SKIP_UNREADABLE),
        ("double-space-good-then-wrong", f"{good}  {wrong}", "accept", "accept", ""),
        ("uppercase-version", f"V1,{good[3:]}", "refuse", "refuse", ""),
        ("signature-unpadded", good.rstrip("="), "refuse", "crash", ""),
        ("signature-extra-padding", good + "=", "refuse", "accept", WHY_SW_LENIENT_BASE64),
    ):
        yield from _sw(name, _sw_headers(signature=signature), ours, theirs, why)
    # Header names.
    yield from _sw(
        "svix-prefix",
        _sw_headers(prefix="svix-"),
        "accept",
        {"standardwebhooks": "refuse", "svix": "accept"},
        WHY_SW_SVIX_PREFIX,
    )
    bad_svix = _sw_headers(prefix="svix-", signature=wrong)
    yield from _sw(
        "both-prefixes-webhook-good",
        _sw_headers() + bad_svix,
        "accept",
        {"standardwebhooks": "accept", "svix": "refuse"},
        WHY_SW_BOTH_PREFIXES,
    )
    yield from _sw(
        "both-prefixes-svix-good",
        _sw_headers(signature=wrong) + _sw_headers(prefix="svix-"),
        "refuse",
        {"standardwebhooks": "refuse", "svix": "accept"},
        WHY_SW_BOTH_PREFIXES,
    )
    yield from _sw(
        "mixed-prefixes",
        (("webhook-id", MSG_ID), ("webhook-timestamp", str(NOW)), ("svix-signature", good)),
        "refuse",
        {"standardwebhooks": "refuse", "svix": "accept"},
        WHY_SW_MIXED_PREFIXES,
    )
    # Timestamp text varied; the signature is over the canonical NOW.
    for name, text, theirs in (
        ("t-decimal", f"{NOW}.0", "accept"),
        ("t-fraction", f"{NOW}.9", "accept"),
        ("t-plus-sign", f"+{NOW}", "accept"),
        ("t-leading-zeros", f"00{NOW}", "accept"),
        ("t-exponent", "1.7e9", "accept"),
        ("t-underscores", "1_700_000_000", "accept"),
        ("t-vertical-tab", f"{NOW}\x0b", "accept"),
        ("t-inner-space", "1700 000000", "refuse"),
        ("t-nan", "nan", "refuse"),
        ("t-infinity", "inf", "refuse"),
    ):
        yield from _sw(name, _sw_headers(timestamp=text), "refuse", theirs, WHY_SW_T_PARSED)
    # Signed over the odd text itself: the reference signs the whole seconds, so it cannot match.
    yield from _sw(
        "t-decimal-signed-as-sent",
        _sw_headers(timestamp=f"{NOW}.0", signature=_sw_sig(timestamp=f"{NOW}.0")),
        "refuse",
        "refuse",
    )
    # Time: both directions, at and beyond the 300 s tolerance (the reference's is fixed at 5 min).
    for name, offset, verdict in (
        ("stale-at-tolerance", -TOLERANCE, "accept"),
        ("stale-beyond-tolerance", -TOLERANCE - 1, "refuse"),
        ("future-at-tolerance", TOLERANCE, "accept"),
        ("future-beyond-tolerance", TOLERANCE + 1, "refuse"),
    ):
        when = NOW + offset
        yield from _sw(
            name,
            _sw_headers(timestamp=when, signature=_sw_sig(timestamp=when)),
            verdict,
            verdict,
        )
    # Message ids.
    yield from _sw(
        "id-signed-with-spaces",
        _sw_headers(msg_id=f" {MSG_ID} ", signature=_sw_sig(msg_id=f" {MSG_ID} ")),
        "refuse",
        "accept",
        WHY_OWS_SIGNED,
    )
    yield from _sw(
        "id-signed-with-x1f",
        _sw_headers(msg_id=f"{MSG_ID}\x1f", signature=_sw_sig(msg_id=f"{MSG_ID}\x1f")),
        "accept",
        "accept",
    )
    wire_id = "msg_\u00e9t\u00e9".encode()  # what a sender puts on the wire, UTF-8
    yield from _sw(
        "id-non-ascii-as-servers-decode-it",
        _sw_headers(
            msg_id=wire_id.decode("latin-1"),
            signature="v1," + base64.b64encode(_hmac(SW_KEY, wire_id + f".{NOW}.".encode() + BODY)).decode(),
        ),
        "accept",
        "refuse",
        WHY_SW_WIRE_BYTES,
    )


# --- Slack -------------------------------------------------------------------------

SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def _slack_sig(timestamp: int | str = NOW) -> str:
    signature = slack_sdk.signature.SignatureVerifier(SLACK_SECRET).generate_signature(
        timestamp=str(timestamp), body=BODY
    )
    assert signature is not None
    return signature


def _slack(
    name: str,
    ours: Verdict,
    theirs: Verdict,
    why: str = "",
    *,
    timestamp: int | str = NOW,
    signature: str | None = None,
    broken: str = "",
) -> Case:
    return Case(
        "slack_sdk",
        name,
        "slack",
        SLACK_SECRET,
        (
            ("X-Slack-Request-Timestamp", str(timestamp)),
            ("X-Slack-Signature", _slack_sig() if signature is None else signature),
        ),
        ours,
        theirs,
        why,
        broken=broken,
    )


def _slack_cases() -> Iterator[Case]:
    sig = _slack_sig()
    yield _slack("valid", "accept", "accept")
    for which, position, spec in (
        # compare_digest() of str raises TypeError for non-ASCII text.
        ("signature", "leading", "RRCCRRRR"),
        ("signature", "trailing", "RRCCRRRR"),
        # int() strips Unicode whitespace, then the padded text is signed: no match.
        ("timestamp", "leading", "RRRRCCCC"),
        ("timestamp", "trailing", "RRRRCCCC"),
    ):
        for name, char, ours, theirs in _pad_verdicts(spec):
            if which == "signature":
                case = _slack(
                    f"{which}-{position}-{name}",
                    ours,
                    theirs,
                    _why(ours, theirs, WHY_OWS),
                    signature=_padded(sig, position, char),
                )
            else:
                case = _slack(
                    f"{which}-{position}-{name}",
                    ours,
                    theirs,
                    _why(ours, theirs, WHY_OWS_SIGNED),
                    timestamp=_padded(str(NOW), position, char),
                )
            yield case
    yield _slack("uppercase-prefix", "accept", "refuse", WHY_HEX_CASE, signature="V0=" + sig[3:])
    yield _slack("uppercase-hex", "accept", "refuse", WHY_HEX_CASE, signature="v0=" + sig[3:].upper())
    yield _slack("space-after-prefix", "refuse", "refuse", signature="v0= " + sig[3:])
    yield _slack("no-prefix", "refuse", "refuse", signature=sig[3:])
    yield _slack("other-version", "refuse", "refuse", signature="v1=" + sig[3:])
    yield _slack("unreadable-hex", "refuse", "refuse", signature="v0=zz")
    # The timestamp text, signed as sent (Slack signs the header's text).
    for name, text, ours, theirs, why in (
        ("t-plus-sign", f"+{NOW}", "refuse", "accept", WHY_SLACK_T_SIGNED),
        ("t-underscores", "1_700_000_000", "refuse", "accept", WHY_SLACK_T_SIGNED),
        ("t-nbsp", f"{NOW}\xa0", "refuse", "accept", WHY_SLACK_T_SIGNED),
        ("t-leading-zero", f"0{NOW}", "accept", "accept", ""),
        ("t-decimal", f"{NOW}.0", "refuse", "crash", ""),
        ("t-exponent", "1.7e9", "refuse", "crash", ""),
        ("t-space", f" {NOW}", "refuse", "accept", WHY_OWS_SIGNED),
        ("t-tab", f"{NOW}\t", "refuse", "accept", WHY_OWS_SIGNED),
        ("t-x1f", f"{NOW}\x1f", "refuse", "crash", ""),
    ):
        yield _slack(
            f"{name}-signed-as-sent",
            ours,
            theirs,
            why,
            timestamp=text,
            signature=_slack_sig(text),
        )
    for name, offset, verdict in (
        ("stale-at-tolerance", -TOLERANCE, "accept"),
        ("stale-beyond-tolerance", -TOLERANCE - 1, "refuse"),
        ("future-at-tolerance", TOLERANCE, "accept"),
        ("future-beyond-tolerance", TOLERANCE + 1, "refuse"),
    ):
        when = NOW + offset
        yield _slack(name, verdict, verdict, timestamp=when, signature=_slack_sig(when))
    yield _slack("signature-trailing-form-feed", "refuse", "refuse", signature=sig + "\x0c")


# --- GitHub ------------------------------------------------------------------------

GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_EVENT_HEADERS = (
    ("Content-Type", "application/json"),
    ("X-GitHub-Event", "issues"),
    ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
)


def _github_hex(digest: str = "sha256") -> str:
    return _hmac(GITHUB_SECRET.encode(), BODY, digest).hex()


def _github(
    name: str,
    ours: Verdict,
    theirs: Verdict,
    why: str = "",
    *,
    signature: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
    broken: str = "",
) -> Case:
    headers = GITHUB_EVENT_HEADERS + extra
    if signature is not None:
        headers += (("X-Hub-Signature-256", signature),)
    return Case("gidgethub", name, "github", GITHUB_SECRET, headers, ours, theirs, why, broken=broken)


def _github_cases() -> Iterator[Case]:
    sig = "sha256=" + _github_hex()
    # GitHub's documented recipe, the reference's own check.
    expected = "sha256=" + hmac.new(GITHUB_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, sig)
    yield _github("valid", "accept", "accept", signature=sig)
    # startswith("sha256=") fails with leading padding; compare_digest() raises TypeError on non-ASCII.
    for position, spec in (("leading", "RRRRRRRR"), ("trailing", "RRCCRRRR")):
        for name, char, ours, theirs in _pad_verdicts(spec):
            yield _github(
                f"signature-{position}-{name}",
                ours,
                theirs,
                _why(ours, theirs, WHY_OWS),
                signature=_padded(sig, position, char),
            )
    yield _github("uppercase-prefix", "accept", "refuse", WHY_HEX_CASE, signature="SHA256=" + sig[7:])
    yield _github("uppercase-hex", "accept", "refuse", WHY_HEX_CASE, signature="sha256=" + sig[7:].upper())
    yield _github("space-after-prefix", "refuse", "refuse", signature="sha256= " + sig[7:])
    yield _github("no-prefix", "refuse", "refuse", signature=sig[7:])
    yield _github("unreadable-hex", "refuse", "refuse", signature="sha256=zz")
    sha1 = "sha1=" + _github_hex("sha1")
    yield _github("sha1-header-only", "refuse", "accept", WHY_GITHUB_SHA1, extra=(("X-Hub-Signature", sha1),))
    yield _github("both-headers", "accept", "accept", signature=sig, extra=(("X-Hub-Signature", sha1),))
    yield _github("no-signature", "refuse", "refuse")
    yield _github("signature-trailing-vertical-tab", "refuse", "refuse", signature=sig + "\x0b")
    yield _github("signature-space-inside-hex", "refuse", "refuse", signature=f"{sig[:39]} {sig[39:]}")


CASES: list[Case] = [*_stripe_cases(), *_sw_cases(), *_slack_cases(), *_github_cases()]

# --- running both sides ---------------------------------------------------------------


class _NeverRaised(Exception):
    """slack_sdk reports a failed check by returning False: anything it raises is a crash."""


class _FixedClock(slack_sdk.signature.Clock):
    def now(self) -> float:
        return float(NOW)


def _stripe_reference(case: Case, headers: dict[str, str]) -> bool:
    stripe.WebhookSignature.verify_header(
        case.body, headers["Stripe-Signature"], case.secret, tolerance=TOLERANCE
    )
    return True


def _standardwebhooks_reference(case: Case, headers: dict[str, str]) -> bool:
    standardwebhooks.Webhook(case.secret).verify(case.body, headers)
    return True


def _svix_reference(case: Case, headers: dict[str, str]) -> bool:
    svix.webhooks.Webhook(case.secret).verify(case.body, headers)
    return True


def _slack_reference(case: Case, headers: dict[str, str]) -> bool:
    verifier = slack_sdk.signature.SignatureVerifier(case.secret, clock=_FixedClock())
    return verifier.is_valid_request(case.body, headers)


def _gidgethub_reference(case: Case, headers: dict[str, str]) -> bool:
    # Event.from_http expects lower-case names; it reads X-Hub-Signature-256, else X-Hub-Signature.
    lowered = {name.lower(): value for name, value in headers.items()}
    gidgethub.sansio.Event.from_http(lowered, case.body, secret=case.secret)
    return True


REFERENCES: dict[str, tuple[Callable[[Case, dict[str, str]], bool], type[Exception]]] = {
    "stripe": (_stripe_reference, stripe.SignatureVerificationError),
    "standardwebhooks": (_standardwebhooks_reference, standardwebhooks.webhooks.WebhookVerificationError),
    "svix": (_svix_reference, svix.webhooks.WebhookVerificationError),
    "slack_sdk": (_slack_reference, _NeverRaised),
    "gidgethub": (_gidgethub_reference, gidgethub.ValidationFailure),
}


def ours(case: Case) -> Verdict:
    try:
        provider = providers.create(case.provider, secret=case.secret)
    except ConfigurationError:
        return "bad_config"
    try:
        provider.verify(list(case.headers), case.body, now=NOW)
    except VerificationError:
        return "refuse"
    return "accept"


def theirs(case: Case) -> Verdict:
    check, documented = REFERENCES[case.reference]
    with freeze_time(datetime.fromtimestamp(NOW, tz=UTC)):
        try:
            accepted = check(case, dict(case.headers))
        except documented:
            return "refuse"
        except Exception:
            return "crash"
    return "accept" if accepted else "refuse"


class OursDiffers(AssertionError):
    """Our verdict is not the expected one."""


def _params() -> Iterator[object]:
    for case in CASES:
        marks = (
            [pytest.mark.xfail(reason=case.broken, raises=OursDiffers, strict=True)] if case.broken else []
        )
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_verdicts(case: Case) -> None:
    got_ours = ours(case)
    if got_ours != case.expected_ours:
        raise OursDiffers(f"ours: expected {case.expected_ours}, got {got_ours}")
    got_theirs = theirs(case)
    assert got_theirs == case.expected_theirs, (
        f"{case.reference}: expected {case.expected_theirs}, got {got_theirs}"
    )


def test_every_difference_says_why_and_no_agreement_does() -> None:
    unexplained = [case.id for case in CASES if case.differs and not case.why.strip()]
    superfluous = [case.id for case in CASES if not case.differs and case.why]
    assert unexplained == []
    assert superfluous == []


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def test_the_docstring_table_lists_every_difference() -> None:
    doc = " ".join((__doc__ or "").split())
    missing = {case.why for case in CASES if case.differs and " ".join(case.why.split()) not in doc}
    assert missing == set()
