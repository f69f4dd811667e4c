"""Timing safety and secrecy: constant-time comparisons, and no secret in any output."""

from __future__ import annotations

import ast
import base64
import hmac
import json
import logging
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from webhook_receiver import MemoryStore, Receiver, WebhookError, providers

PACKAGE = Path(__file__).resolve().parent.parent / "webhook_receiver"
SECRET_NAMES = re.compile(r"secret|token|password|signature|digest|mac|credential|candidate", re.IGNORECASE)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript | ast.Call):
        return _name(node.value if isinstance(node, ast.Subscript) else node.func)
    return None


def test_no_secret_bearing_value_is_compared_with_eq_or_ne() -> None:
    offenders: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                names = [_name(operand) for operand in (node.left, *node.comparators)]
                if any(name and SECRET_NAMES.search(name) for name in names):
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == [], "use hmac.compare_digest:\n" + "\n".join(offenders)


def test_every_scheme_compares_with_compare_digest() -> None:
    source = (PACKAGE / "_schemes.py").read_text()
    assert source.count("hmac.compare_digest(") >= 3  # HMAC signatures, tokens/keys, basic credentials
    assert "==" not in "".join(line for line in source.splitlines() if "compare" in line and "digest" in line)


def _median_ratio(
    slow: Callable[[], object], fast: Callable[[], object], rounds: int = 25, repeat: int = 300
) -> float:
    """Median over interleaved rounds of time(slow)/time(fast): noise hits both alike."""
    ratios = []
    rng = random.Random(5)
    for _ in range(rounds):
        timings: dict[str, float] = {}
        for label in rng.sample(["slow", "fast"], 2):
            fn = slow if label == "slow" else fast
            start = time.perf_counter_ns()
            for _ in range(repeat):
                fn()
            timings[label] = time.perf_counter_ns() - start
        ratios.append(timings["slow"] / timings["fast"])
    return statistics.median(ratios)


def test_verification_time_does_not_depend_on_how_much_of_a_forgery_is_right() -> None:
    """Forgeries right in their first 0 or 31 of 32 bytes take the same time to refuse.

    The harness is proven able to see a leak: an early-exit comparison of the same
    shape (bytes compared one by one) shows a large ratio under the same conditions.
    """
    provider = providers.GitHub(secret="timing-secret")
    body = b'{"action":"opened"}' * 50
    right = hmac.new(b"timing-secret", body, "sha256").digest()

    def forged(correct_prefix: int) -> dict[str, str]:
        wrong = bytes(b ^ 0xFF for b in right[correct_prefix:])
        return {"X-Hub-Signature-256": "sha256=" + (right[:correct_prefix] + wrong).hex()}

    none_right, almost_right = forged(0), forged(31)

    def refuse(headers: dict[str, str]) -> Callable[[], object]:
        def call() -> object:
            try:
                provider.verify(headers, body)
            except WebhookError as exc:
                return exc
            raise AssertionError("a forgery verified")

        return call

    ratio = _median_ratio(refuse(almost_right), refuse(none_right))
    assert 0.85 < ratio < 1.15, f"refusing a nearly right forgery takes {ratio:.3f}x as long"

    # The control: an early-exit, byte-by-byte comparison leaks, and this harness sees it.
    secret = bytes(range(256)) * 4

    def leaky(guess: bytes) -> Callable[[], object]:
        def compare() -> bool:
            for a, b in zip(secret, guess, strict=True):  # noqa: SIM110 - the early exit is the point
                if a != b:
                    return False
            return True

        return compare

    leak = _median_ratio(leaky(secret[:-1] + b"\x00"), leaky(b"\xff" + secret[1:]), rounds=9, repeat=50)
    assert leak > 5, f"the harness should see an early-exit comparison leak (ratio {leak:.2f})"


SECRET = "sup3r-s3cret-VALUE-for-leak-tests"
WHSEC = "whsec_" + base64.b64encode(SECRET.encode()).decode()
OPTIONS: dict[str, dict[str, Any]] = {
    "courier": {"secret": SECRET},
    "courier-channel": {"username": "hooks", "password": SECRET},
    "customerio": {"secret": SECRET},
    "kourier": {"token": SECRET},
    "xtremepush": {"auth": "signed", "key": SECRET},
    "stripe": {"secret": SECRET},
    "standard-webhooks": {"secret": WHSEC},
    "github": {"secret": SECRET},
    "slack": {"secret": SECRET},
    "bearer": {"token": SECRET},
    "basic": {"username": "hooks", "password": SECRET},
    "hmac": {"secret": SECRET, "header": "X-Sig", "timestamp_header": "X-Ts"},
}
BODY = b'{"type":"x","event":"delivery.updated","delivery_id":"d"}'


def _needles(provider: providers.Provider) -> list[str]:
    """Everything that must never appear: the secret in its forms, and the right signature/token."""
    signed = provider.sign(BODY)
    found = [SECRET, WHSEC, base64.b64encode(SECRET.encode()).decode()]
    for value in signed.values():
        found.extend(part for part in re.split(r"[ ,=]", value) if len(part) >= 16)
    return found


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_no_secret_or_expected_signature_in_reprs_errors_logs_or_responses(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    provider = providers.create(name, **OPTIONS[name])
    receiver = Receiver(provider, store=MemoryStore())
    needles = _needles(provider)
    good = provider.sign(BODY)
    attempts: list[tuple[str, dict[str, str], bytes]] = [
        ("POST", {**good, "Content-Type": "application/json"}, BODY + b" "),  # tampered
        ("POST", {k: v[:-2] + "00" for k, v in good.items()}, BODY),  # altered signature
        ("POST", {}, BODY),  # missing
        ("POST", dict(good), b"\xff\xfe"),  # not UTF-8
        ("GET", good, BODY),
        ("POST", {**good, "Content-Type": "text/html"}, BODY),
    ]
    shown: list[str] = [
        repr(provider),
        str(provider),
        repr(provider.scheme),
        repr(receiver),
        repr(receiver.store),
    ]
    with caplog.at_level(logging.DEBUG, logger="webhook_receiver"):
        for method, headers, body in attempts:
            reply = receiver.handle(method, headers, body)
            shown += [reply.body.decode("utf-8", "replace"), json.dumps(dict(reply.headers))]
            if reply.error is not None:
                shown += [str(reply.error), repr(reply.error), reply.error.detail]
    shown += [record.getMessage() for record in caplog.records]
    shown += [str(record.args) for record in caplog.records]
    everything = "\n".join(shown)
    for needle in needles:
        assert needle not in everything, f"{needle[:6]}... leaked"
