"""Every provider against the known-answer vectors in ``vectors/verification.json``.

The vectors were signed with the standard library's ``hmac`` from each provider's
published description (see ``vectors/make_vectors.py``), not with this library.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
from freezegun import freeze_time

import webhook_receiver
from webhook_receiver import InsecureConfigurationWarning, VerificationError, providers
from webhook_receiver._schemes import Verified

from .conftest import NOW, VECTORS


def _secret_strings(options: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key, value in options.items():
        if key in ("secret", "token", "password", "key", "credentials"):
            items = value if isinstance(value, list) else [value]
            for item in items:
                found.extend(item if isinstance(item, list) else [item])
    return [s for s in found if len(s) > 3]


def _create(vector: dict[str, Any]) -> providers.Provider:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConfigurationWarning)
        return providers.create(vector["provider"], **vector["options"])


def _check(vector: dict[str, Any], call: Any) -> None:
    if vector["expect"] == "ok":
        assert isinstance(call(), Verified)
        return
    expected = getattr(webhook_receiver, vector["expect"])
    with pytest.raises(expected) as info:
        call()
    error = info.value
    assert type(error) is expected, f"{type(error).__name__} is not exactly {expected.__name__}"
    assert isinstance(error, VerificationError)
    assert error.status == 401
    assert error.code == expected.code
    # Neither the detail nor the code may echo a secret or a received header value.
    shown = f"{error} {error.code} {error!r}"
    for secret in _secret_strings(vector["options"]):
        assert secret not in shown
    for _, value in vector["headers"]:
        if len(value) > 12:
            assert value not in shown


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector_with_injected_now(vector: dict[str, Any]) -> None:
    provider = _create(vector)
    pairs = [(name, value) for name, value in vector["headers"]]
    _check(vector, lambda: provider.verify(pairs, vector["body"].encode(), now=vector["now"]))


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector_with_asgi_byte_headers_and_frozen_clock(vector: dict[str, Any]) -> None:
    provider = _create(vector)
    raw = [(name.lower().encode("latin-1"), value.encode("utf-8")) for name, value in vector["headers"]]
    with freeze_time(datetime.fromtimestamp(vector["now"], tz=UTC)):
        _check(vector, lambda: provider.verify(raw, bytearray(vector["body"].encode())))


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS if len({n.lower() for n, _ in v["headers"]}) == len(v["headers"])],
    ids=lambda v: v["id"],
)
def test_vector_with_dict_headers_in_other_case(vector: dict[str, Any]) -> None:
    provider = _create(vector)
    headers = {name.upper(): value for name, value in vector["headers"]}
    _check(vector, lambda: provider.verify(headers, memoryview(vector["body"].encode()), now=vector["now"]))


def test_vector_ids_are_unique() -> None:
    ids = [v["id"] for v in VECTORS]
    assert len(ids) == len(set(ids))


def test_every_provider_has_vectors() -> None:
    covered = {v["provider"] for v in VECTORS}
    assert covered == set(providers.PROVIDERS)


def test_vectors_cover_every_failure_kind_for_signed_providers() -> None:
    for name in ("courier", "stripe", "standard-webhooks", "slack"):
        kinds = {v["expect"] for v in VECTORS if v["provider"] == name}
        assert kinds >= {
            "ok",
            "SignatureMismatch",
            "TimestampOutsideTolerance",
            "MissingHeader",
            "MalformedHeader",
        }
    for name in ("github", "customerio"):
        kinds = {v["expect"] for v in VECTORS if v["provider"] == name}
        assert kinds >= {"ok", "SignatureMismatch", "MissingHeader", "MalformedHeader"}


def test_now_defaults_to_the_clock_given_at_creation() -> None:
    vector = next(v for v in VECTORS if v["id"] == "courier/valid")
    pairs = [tuple(h) for h in vector["headers"]]
    ticking = providers.Courier(secret=vector["options"]["secret"], clock=lambda: NOW + 1.0)
    ticking.verify(pairs, vector["body"].encode())
    late = providers.Courier(secret=vector["options"]["secret"], clock=lambda: NOW + 3600.0)
    with pytest.raises(webhook_receiver.TimestampOutsideTolerance) as info:
        late.verify(pairs, vector["body"].encode())
    assert info.value.age == pytest.approx(3600)
    assert info.value.tolerance == 300
