"""The short run of the gate fuzz harness (``tests/gate_harness.py``) in the suite.

The harness's ``one_input`` is driven by a seeded ``random.Random`` instead of atheris:
the same inputs every run (the requests differ only where ``signed_request`` draws at
random: Mailgun's tokens, Twitch's message ids), no sleeping, no wall-clock assertions
(the harness's clock is a ``FrozenClock`` it moves itself). The long, coverage-guided run is
``python -m tests.gate_harness -atheris_runs=1000000``.

* ``test_the_gate_holds`` runs every provider configuration in every mode with every
  mutation except the triggers of the gate bugs known when the harness was written,
  and checks that the run exercised what it should (statuses, duplicates, handler
  failures, refusals per configuration), so that it cannot pass by testing nothing.
* ``test_the_sns_certificate_allowlist_is_checked_without_a_fetch`` checks that the
  harness's invariant C had something to check: ``SigningCertURL`` values off the
  allowlist refused with 401, allowlisted ones fetched through the recorded ``fetch=``.
* ``test_known_bug`` runs each of those triggers on its own, on the configurations and
  modes it concerns. A bug still open is listed in :data:`OPEN_BUGS`, which marks its
  test ``xfail(strict=True)``: it must keep failing until the fix lands, and then the
  strict marker fails the suite so that the bug is taken off the list.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.gate_harness import KNOWN_BUG_FEATURES, MODES, VARIANTS, Harness

OPEN_BUGS: frozenset[str] = frozenset()
"""Known-bug features (``KNOWN_BUG_FEATURES``) whose fix has not landed: their tests are xfail.

Empty. The first eight were fixed before the new providers came (against commit
1b7a737 all eight fail). ``meta-empty-items`` and ``twilio-repeated-field`` were found
by the harness in the new providers as committed in c5ffb5c (their tests fail there;
minimal reproductions: ``tests/test_gate_new_providers.py``) and fixed in 506e148.
List a feature here to mark its test ``xfail(strict=True)`` with the bug as the reason.
"""

SW_FAMILY = (
    "standard-webhooks",
    "standard-webhooks/svix",
    "standard-webhooks/v1a",
    "resend",
    "clerk",
    "gitlab/signing",
)

# (configurations, modes, inputs) per known bug: the focus that finds it fast.
FOCUS: dict[str, tuple[tuple[str, ...] | None, tuple[str, ...] | None, int]] = {
    "sw-id-padding": (SW_FAMILY, ("memory", "sqlite", "inbox"), 3000),
    "github-delivery": (("github",), ("memory", "sqlite", "inbox"), 2000),
    "github-event": (("github",), ("memory", "sqlite", "inbox"), 2000),
    "extreme-iso": (None, None, 2500),
    "deep-near-limit": (None, ("memory", "sqlite", "inbox"), 6000),
    "lone-surrogate-type": (None, ("inbox",), 2000),
    "nonows-time": (
        tuple(v.label for v in VARIANTS if v.signed_values or v.t_entry),
        None,
        3000,
    ),
    "sw-mixed-prefix": (
        ("standard-webhooks/svix", "resend", "clerk"),
        ("memory", "sqlite", "inbox"),
        2000,
    ),
    "meta-empty-items": (("meta", "meta/handshake"), ("plain",), 2000),
    "twilio-repeated-field": (("twilio/form",), ("memory", "sqlite", "inbox"), 2000),
}


COUNT = 22_000
"""Inputs of the short run: every (configuration, mode), 180 of them, gets over 60."""


def inputs(seed: int, count: int) -> Iterator[bytes]:
    """Fuzz inputs: two uniform bytes (configuration and mode), then mostly zero bytes.

    A zero byte is a decision's default (no mutation), so the density of non-zero
    bytes sets how mutated a request is: from one change to a thoroughly broken one.
    """
    rng = random.Random(seed)
    for _ in range(count):
        density = rng.choice((0.05, 0.15, 0.4, 1.0))
        size = rng.randrange(0, 200)
        rest = bytes(rng.randrange(256) if rng.random() < density else 0 for _ in range(size))
        yield rng.randbytes(2) + rest


def drive(harness: Harness, seed: int, count: int) -> None:
    for index, data in enumerate(inputs(seed, count)):
        try:
            harness.one_input(data)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n  (seed {seed}, input {index} of this test's sequence)") from None


@pytest.fixture
def harness_factory() -> Iterator[type[Harness]]:
    made: list[Harness] = []

    class Made(Harness):
        def __init__(self, **options: object) -> None:
            super().__init__(**options)  # type: ignore[arg-type]
            made.append(self)

    yield Made
    for harness in made:
        harness.close()


def test_the_gate_holds(harness_factory: type[Harness]) -> None:
    harness = harness_factory(features=())
    drive(harness, seed=20240914, count=COUNT)

    statuses: dict[str, Counter[int]] = {mode: Counter() for mode in MODES}
    for (label, mode), slot in harness.slots.items():
        assert slot.cases >= 60, f"{label} in {mode} mode ran only {slot.cases} inputs"
        statuses[mode].update(slot.statuses)
        accepted = slot.receiver.provider.accepted_status if mode == "inbox" else 200
        assert slot.statuses[accepted] >= 20, f"{label} in {mode} mode: {slot.statuses}"
    for variant in harness.variants:
        refused = sum(harness.slots[variant.label, mode].statuses[401] for mode in MODES)
        assert refused >= 3, f"{variant.label}: only {refused} request(s) refused as unauthentic"
    for mode, seen in statuses.items():
        accepted = seen[202] + seen[200] + seen[204]
        total = sum(seen.values())
        assert accepted > total // 3, f"{mode}: only {accepted} of {total} requests accepted: {seen}"
        for status in (400, 401, 405, 413, 415):
            assert seen[status], f"{mode}: no {status} among {seen}"
        slots = [s for (_, m), s in harness.slots.items() if m == mode]
        assert sum(s.deliberate for s in slots) > 50, f"{mode}: too few handler failures"
        if mode != "plain":
            assert sum(s.duplicates for s in slots) > 700, f"{mode}: too few replays recognised"
            assert seen[500 if mode != "inbox" else 202], mode


def _known_bug_params() -> list[object]:
    params = []
    for feature, reason in KNOWN_BUG_FEATURES.items():
        marks = (
            [pytest.mark.xfail(strict=True, reason=f"known bug: {reason}")] if feature in OPEN_BUGS else []
        )
        params.append(pytest.param(feature, id=feature, marks=marks))
    return params


@pytest.mark.parametrize("feature", _known_bug_params())
def test_known_bug(feature: str, harness_factory: type[Harness]) -> None:
    variants, modes, count = FOCUS[feature]
    harness = harness_factory(features=(feature,), variants=variants, modes=modes)
    drive(harness, seed=7, count=count)


def test_every_configuration_and_mode_is_covered() -> None:
    labels = {variant.label for variant in VARIANTS}
    assert labels == {
        "courier",
        "courier-channel/basic",
        "courier-channel/bearer",
        "customerio",
        "kourier",
        "xtremepush/basic",
        "xtremepush/bearer",
        "xtremepush/signed-key",
        "xtremepush/signed-hmac",
        "stripe",
        "standard-webhooks",
        "standard-webhooks/svix",
        "standard-webhooks/v1a",
        "github",
        "slack",
        "bearer",
        "basic",
        "hmac",
        "customerio-reporting",
        "resend",
        "clerk",
        "gitlab/token",
        "gitlab/signing",
        "shopify",
        "twilio/form",
        "twilio/json",
        "sendgrid",
        "discord",
        "meta",
        "meta/handshake",
        "zoom",
        "twitch",
        "paddle",
        "postmark/basic",
        "postmark/header",
        "mailgun",
        "square",
        "linear",
        "intercom",
        "zendesk",
        "typeform",
        "calendly",
        "vercel",
        "aws-sns",
        "aws-sns/fetch",
    }
    from webhook_receiver.providers import PROVIDERS

    assert {variant.provider for variant in VARIANTS} == set(PROVIDERS)
    assert set(FOCUS) == set(KNOWN_BUG_FEATURES)
    assert set(OPEN_BUGS) <= set(KNOWN_BUG_FEATURES)
    for variants, _, _ in FOCUS.values():
        assert variants is None or set(variants) <= labels


def test_the_sns_certificate_allowlist_is_checked_without_a_fetch(harness_factory: type[Harness]) -> None:
    """Invariant C had something to check: off-allowlist URLs refused, allowlisted ones fetched."""
    harness = harness_factory(features=(), variants=("aws-sns", "aws-sns/fetch"), modes=("plain",))
    fetched: list[str] = []
    refused: Counter[int] = Counter()
    check = harness._check_fetches

    def watch(slot: object, d: object, reply: object) -> None:
        fetched.extend(slot.fetched)  # type: ignore[attr-defined]
        if d.cert_off_list and d.notes == [d.cert_off_list]:  # type: ignore[attr-defined]
            refused[reply.status] += 1  # type: ignore[attr-defined]
        check(slot, d, reply)  # type: ignore[arg-type]

    harness._check_fetches = watch  # type: ignore[method-assign]
    drive(harness, seed=31, count=1500)
    assert refused[401] >= 10 and set(refused) == {401}, refused
    assert len(set(fetched)) >= 3, fetched


def test_an_empty_input_is_one_clean_accepted_request(harness_factory: type[Harness]) -> None:
    harness = harness_factory(features=(), variants=("courier",), modes=("plain",))
    harness.one_input(b"")
    slot = harness.slots["courier", "plain"]
    assert slot.statuses == Counter({200: 1})
    assert slot.runs == 1
