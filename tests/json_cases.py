"""JSON bodies and values the decoding tests share: ``decode_json``'s paths (orjson, the
compiled decoder) are each held to the standard decoder with them, value for value
(types and key order included) and error for error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from webhook_receiver import PayloadError

JSON_BYTES = list(b'{}[]",:0123456789.eE+-\\u tnfalsrd')


def json_outcome(decode: Any, body: bytes) -> tuple[str, Any]:
    """What ``decode(body)`` gives: ``("value", v)`` with the value's exact types, or the error."""
    try:
        return ("value", typed(decode(body)))
    except PayloadError as exc:
        return ("error", str(exc))


def typed(value: Any) -> Any:
    """``value`` with every number tagged by its type: 1 == 1.0 == True must not hide a difference."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}, list(value)
    if isinstance(value, list):
        return [typed(item) for item in value]
    return type(value).__name__, repr(value)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)

EDGE_BODIES = [
    b"9223372036854775807",
    b"9223372036854775808",
    b"18446744073709551615",
    b"18446744073709551616",
    b"-9223372036854775809",
    b'{"id":"12345678901234567890"}',
    b"0.12345678901234567890123",
    b"1e308",
    b"1e309",
    b"-0",
    b"-0.0",
    b"1E2",
    b"0.1e-400",
    b'{"a":1,"a":2,"b":3}',
    b'"\\u0000"',
    b'"\\ud83d\\ude00"',
    b'"\\ud800"',
    b'"\\\\ud800"',
    b'"a\x00"',
    b"\xef\xbb\xbf{}",
    b"\xed\xa0\x80",
    b'"\xed\xa0\x80"',
    b"[1,]",
    b"{} x",
    b"  \n{}\r\n ",
    b"\x0c{}",
    b"NaN",
    b"[Infinity]",
    b"[" * 90 + b"]" * 90,
    b"[" * 101 + b"]" * 101,
    b"[" * 1000 + b"]" * 1000,  # orjson decodes it (its limit is 1024); the standard decoder may not
    b"[" * 1100 + b"]" * 1100,
    b"[" * 100_000,
    b"[" + b"{}," * 500 + b"{}]",
    b"1" * 5000,
    b"",
    b"   ",
    # Over 64 KiB (up to 256 KiB): with the compiled check, orjson's too.
    b"[" + b'{"s":"\\"[[{","t":"]]}\\\\","n":[1,{"m":[2]}]},' * 3000 + b"{}]",
    b'{"pad":"' + b"x" * 70_000 + b'","deep":' + b"[" * 99 + b"]" * 99 + b"}",  # 100 deep
    b'{"pad":"' + b"x" * 70_000 + b'","deep":' + b"[" * 100 + b"]" * 100 + b"}",  # 101 deep
    b'{"pad":"' + b"x" * 70_000 + b'","deep":' + b"[" * 1000 + b"]" * 1000 + b"}",
    b'{"pad":"' + b"x" * 70_000 + b'","n":1234567890123456789}',  # 19 digits
    b'{"pad":"' + b"x" * 70_000 + b'","s":"\\ud800"}',  # a lone surrogate
    b'{"pad":"' + b"x" * 70_000 + b'"',  # not ended
    b"[" + b"1," * 40_000 + b"1]",
]


JSON_STYLES = ["compact", "spaced", "ascii"]


def dumped(value: Any, style: str) -> bytes:
    """``value`` as a JSON body in one of :data:`JSON_STYLES`: compact, indented (both
    with non-ASCII as UTF-8) or ASCII-only; a lone surrogate from ``st.text()`` is
    written as its UTF-8 bytes would be (``surrogatepass``), a body no decoder takes."""
    if style == "compact":
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    elif style == "spaced":
        text = json.dumps(value, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(value)
    return text.encode("utf-8", "surrogatepass")
