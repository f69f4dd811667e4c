"""What the compiled path's tests and its fuzz harness share: the module-level requirement,
the leak check, the comparison of events, and the samples they draw from."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from tests.json_cases import typed
from webhook_receiver import PayloadError, _accel, _events


def require_compiled() -> None:
    """Skip the calling test module when ``webhook_receiver._speedups`` is not built or is
    switched off; fail it instead when ``WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1`` (``.ci/run``)
    and the extension is missing rather than switched off."""
    if _accel.compiled is not None:
        return
    switched_off = os.environ.get(_accel.PURE_PYTHON_VARIABLE, "") not in ("", "0")
    if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS") == "1" and not switched_off:
        pytest.fail(
            "webhook_receiver._speedups is required (WEBHOOK_RECEIVER_REQUIRE_SPEEDUPS=1) but not built",
            pytrace=False,
        )
    pytest.skip(
        "webhook_receiver._speedups is not built (no C compiler at install) or "
        "WEBHOOK_RECEIVER_PURE_PYTHON is set",
        allow_module_level=True,
    )


def bytes_kept(run: Callable[[int], None], *, warmup: int = 200, times: int = 3000) -> int:
    """The bytes still allocated after ``run(times)`` that were not before it (after
    ``run(warmup)`` filled every cache): a leaked object per call shows as hundreds of KiB."""
    run(warmup)
    gc.collect()
    # pytest keeps every log record (the refusals' warnings): not ours to count
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run(times)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)


def same_event(fast: object, expected: Any) -> bool:
    """Equal, of the same class, and the same object where the field is the payload or
    a known enum member (an unknown one is made anew on each read, by Python)."""
    if type(fast) is not type(expected) or fast != expected:
        return False
    for field in dataclasses.fields(expected):
        mine, theirs = getattr(fast, field.name), getattr(expected, field.name)
        if (field.name == "payload" or getattr(theirs, "known", False)) and mine is not theirs:
            return False
        if type(mine) is not type(theirs):
            return False
    return True


# -- samples the differential tests and the fuzz harness (speedups_fuzz.py) both draw from

EVENT_KEYS: dict[str, list[str]] = {
    "kourier": ["event", "delivery_id", "status", "timestamp"],
    "customerio": [
        "type",
        "messageId",
        "timestamp",
        "userId",
        "anonymousId",
        "context",
        "event",
        "properties",
        "traits",
        "name",
        "groupId",
        "previousId",
    ],
    "courier-message": [
        "id",
        "status",
        "recipient",
        "event",
        "notification",
        "enqueued",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "error",
        "reason",
    ],
}
"""The fields each compiled event builder reads, per payload kind."""

PRECHECK_NAMES: list[str] = [
    "Content-Type",
    "content-type",
    "CONTENT-LENGTH",
    "Content-Length",
    "X-Other",
    "content-typé",
    "content-lengt\u212a",
    "Content-Type ",
]
"""Header names around the precheck's: its own in several casings, a near miss (a
trailing space, the Kelvin sign that lower-cases to "k", a non-ASCII letter), another."""

PRECHECK_VALUES: list[str] = [
    "application/json",
    " application/json\t",
    "application/json; charset=utf-8",
    "Application/JSON",
    "text/plain",
    "application/cloudevents+json",
    "",
    "1024",
    "0012",
    " 512 ",
    "-1",
    "1e3",
    "99999999999999999999",
    "18446744073709551615",
    "1048577",
    "\u0661\u0662",
    "é",
    "0",
    "1",
    "2",
    "\t7\t",
    "+5",
]
"""Content types and lengths, good and bad (signs, exponents, overflows, Arabic-Indic
digits, whitespace), for the precheck's headers."""


def json_nesting(body: bytes) -> int:
    """How deep ``body``, read as JSON, nests its arrays and objects, byte by byte: the
    reference for ``json_fits``. Brackets inside strings do not nest, a backslash in a
    string escapes the byte after it; a closing bracket with nothing open goes below 0
    (a body that is not JSON; orjson refuses it)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


def json_fits_reference(body: bytes, depth: int, digits: int) -> bool:
    """What ``json_fits(body, depth, digits)`` answers: :func:`json_nesting` at most
    ``depth``, and no run of ``digits`` ASCII digits anywhere."""
    run = 0
    for byte in body:
        run = run + 1 if 0x30 <= byte <= 0x39 else 0
        if run >= digits:
            return False
    return json_nesting(body) <= depth


DECLINED = object()
"""What :func:`compiled_json` gives for a body the compiled decoder hands over."""


def compiled_json(body: bytes, speedups: Any = None) -> Any:
    """The compiled decoder's value for ``body`` (``JsonDecoder`` without orjson, made
    as ``_events`` makes it, from ``speedups`` or the loaded extension), or
    :data:`DECLINED` where it hands the body over."""
    module = _accel.compiled if speedups is None else speedups
    assert module is not None
    decoder = module.JsonDecoder(
        None, lambda body: DECLINED, _events._SHALLOW, len(_events._LONG_DIGITS), _events._FAST_SIZES[1]
    )
    return decoder(body)


def compiled_json_problem(body: bytes, speedups: Any = None) -> tuple[str, str | None]:
    """The compiled decoder held to the standard one on ``body``: it must answer exactly
    when the standard decoder decodes the body no deeper than ``_SHALLOW``, and then with
    the same value, types and key order included. Returns the outcome (``"answered"``,
    ``"refused"`` or ``"too deep"``) and what went wrong, or ``None``."""
    got = compiled_json(body, speedups)
    try:
        expected = _events._decode_standard(body)
    except PayloadError:
        return "refused", None if got is DECLINED else "answered a body the standard decoder refuses"
    if _events._depth(expected, _events._SHALLOW + 1) > _events._SHALLOW:
        return "too deep", None if got is DECLINED else "answered a body nested too deep"
    if got is DECLINED:
        return "answered", "declined a usual body"
    return "answered", None if typed(got) == typed(expected) else "answered with another value"


def check_compiled_json(body: bytes) -> str:
    """:func:`compiled_json_problem` as an assertion; the outcome."""
    outcome, problem = compiled_json_problem(body)
    assert problem is None, (problem, body[:200])
    return outcome
