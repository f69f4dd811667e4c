"""The short run of the compiled extension's differential fuzz harness (``tests/speedups_fuzz.py``).

The harness's ``run_target`` is driven by a seeded ``random.Random`` instead of atheris:
the same inputs every run, no sleeping, no wall-clock assertion. The long,
coverage-guided run, with the extension built for libFuzzer and ASan/UBSan, is
``python -m tests.speedups_fuzz -max_total_time=...`` (see the harness's docstring).

* ``test_the_compiled_code_agrees_with_python`` runs every target and checks that each
  was exercised with each of its outcomes (accepted by the compiled code, fallen back
  to Python, refused), so that it cannot pass by testing nothing.
* ``test_a_planted_disagreement_is_found`` checks that the comparisons can fail: a
  verifier that accepts everything, a ``json_fits`` off by one and a ``header_values``
  that does not trim are each reported as a ``Mismatch``.
* ``test_the_atheris_entry_point`` feeds byte strings to ``TestOneInput``, as atheris
  does, where atheris is installed (``.ci/run`` installs it and requires the test).
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from tests.compiled import DECLINED, require_compiled
from webhook_receiver import Verified, _accel, _events

require_compiled()

from tests import speedups_fuzz  # noqa: E402  (after the skip: it builds compiled objects)

SEED = 20_251_130
PER_TARGET = 800
"""Inputs per target in the short run: 11,200 in all, about a second."""

OUTCOMES: dict[str, set[str]] = {
    "keyed": {"accepted", "fallen back", "refused"},
    "single": {"accepted", "fallen back", "refused"},
    "standard": {"accepted", "fallen back", "refused"},
    "token": {"accepted", "fallen back", "refused"},
    "header_values": {"accepted", "fallen back", "refused"},
    "environ": {"accepted", "refused"},
    "json_fits": {"fits", "does not fit"},
    "json": {"answered", "refused", "too deep"},
    "sha256": {"with the GIL", "without the GIL"},
    "times": {"accepted", "fallen back", "refused"},
    "events": {"accepted", "fallen back", "refused", "each"},
    "records": {"accepted", "fallen back", "refused"},
    "precheck": {"accepted", "fallen back", "refused"},
    "reader": {"served", "refused"},
}
"""What each target must have answered at least a few times in the short run."""


def test_the_compiled_code_agrees_with_python() -> None:
    assert set(OUTCOMES) == set(speedups_fuzz.TARGETS)
    counts = speedups_fuzz.run_seeded(SEED, PER_TARGET * len(speedups_fuzz.TARGETS))
    by_target: dict[str, Counter[str]] = {target: Counter() for target in speedups_fuzz.TARGETS}
    for (target, result), count in counts.items():
        by_target[target][result] += count
    wanted = dict(OUTCOMES)
    if _accel.compiled is not None and not _accel.compiled.sha256_available():
        wanted["sha256"] = {"unavailable"}  # no SHA extensions: no Sha256Key to check
    for target, expected in wanted.items():
        assert sum(by_target[target].values()) == PER_TARGET, target
        assert set(by_target[target]) == expected, (target, by_target[target])
        assert min(by_target[target].values()) >= 2, (target, by_target[target])
    # every configuration of each verifier kind is there to be drawn
    configs = speedups_fuzz.world().configs
    assert {kind: len(found) >= 2 for kind, found in configs.items()} == dict.fromkeys(configs, True)


class _AcceptsAll:
    """A verifier that accepts every request: what the harness must catch."""

    def try_fast(self, headers: Any, body: Any, now: Any) -> Verified:
        return Verified("1", 1.0, None)

    def __call__(self, headers: Any, body: Any, now: Any) -> Verified:
        return self.try_fast(headers, body, now)


def _planted(name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Plant one disagreement in the harness's world; the target it shows in."""
    world = speedups_fuzz.world()
    real = world.speedups
    if name == "accepts all":
        for config in world.configs["keyed"]:
            monkeypatch.setattr(config, "verifier", _AcceptsAll())
        return "keyed"
    if name == "json_fits off by one":

        def fits(body: bytes, depth: int, digits: int) -> bool:
            return bool(real.json_fits(body, depth + 1, digits))

        monkeypatch.setattr(world, "speedups", SimpleNamespace(json_fits=fits))
        return "json_fits"

    if name == "json decoder lenient":

        def lenient(loads: Any, fallback: Any, *limits: int) -> Any:
            compiled = real.JsonDecoder(loads, fallback, *limits)

            def decode(body: bytes) -> Any:
                value = compiled(body)
                if value is not DECLINED:
                    return value
                try:  # NaN, 1e999, lone surrogates and deep nesting: json.loads takes them
                    return json.loads(body)
                except (ValueError, RecursionError):
                    return value

            return decode

        monkeypatch.setattr(world, "speedups", SimpleNamespace(JsonDecoder=lenient))
        return "json"

    def untrimmed(pairs: Any, name: str) -> Any:
        found = real.header_values(pairs, name)
        return None if found is None else [f" {value}" for value in found]

    monkeypatch.setattr(world, "speedups", SimpleNamespace(header_values=untrimmed))
    return "header_values"


@pytest.mark.parametrize(
    "name", ["accepts all", "json_fits off by one", "json decoder lenient", "header_values untrimmed"]
)
def test_a_planted_disagreement_is_found(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _planted(name, monkeypatch)
    with pytest.raises(speedups_fuzz.Mismatch):
        speedups_fuzz.run_seeded(SEED, 2000, targets=(target,))


def test_a_planted_disagreement_in_the_reader_is_found() -> None:
    """The compiled Reader hands unusual values to the class ``configure_reader`` gave it:
    one that lets a boolean through as an integer must be told from the Python Reader."""

    class Lenient(_events.PythonReader):
        __slots__ = ()

        def integer(self, key: str) -> Any:
            value = self.data.get(key)
            return value if isinstance(value, int) else super().integer(key)

    compiled = _accel.compiled
    assert compiled is not None
    compiled.configure_reader(Lenient, _events.to_datetime)
    try:
        with pytest.raises(speedups_fuzz.Mismatch):
            speedups_fuzz.run_seeded(SEED, 2000, targets=("reader",))
    finally:
        compiled.configure_reader(_events.PythonReader, _events.to_datetime)


def test_the_atheris_entry_point() -> None:
    try:
        import atheris  # noqa: F401  (TestOneInput reads its input through atheris)
    except ImportError:
        if os.environ.get("WEBHOOK_RECEIVER_REQUIRE_ATHERIS") == "1":  # .ci/run installs it
            pytest.fail("atheris is required (WEBHOOK_RECEIVER_REQUIRE_ATHERIS=1) but not installed")
        pytest.skip("atheris is not installed (pip install atheris: wheels for Linux)")
    rng = random.Random(SEED)
    for length in [0, 1, 2, *(rng.randrange(3, 400) for _ in range(600))]:
        speedups_fuzz.TestOneInput(rng.randbytes(length))
