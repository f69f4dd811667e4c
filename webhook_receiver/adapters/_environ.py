"""Which keys of a WSGI environ (or Django's ``META``) are headers, remembered per sequence of keys.

A server puts two dozen entries in the environ besides the headers (``wsgi.*``, its
own, the CGI variables); naming each key costs a step per entry on every request. A
sender's requests bring the same keys in the same order every time, so the Django and
Flask adapters look the whole sequence up instead: one ``tuple`` of the keys, one dict
lookup, then a step per header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .. import _accel
from .._headers import EnvironNames

__all__ = ["MAX_REMEMBERED_KEYS", "HeaderPlans", "Plan", "plan_dict", "plan_pairs"]

Plan = tuple[tuple[str, str], ...]
"""The header keys of an environ, in its order, each with its (lower-case) header name."""


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
        known, name_of = self._names.known, self._names.name
        plan = tuple(
            (key, name) for key in keys if (name := known(key)) or (name is None and (name := name_of(key)))
        )
        if sum(map(len, keys)) <= MAX_REMEMBERED_KEYS:
            if len(self._plans) >= self._limit:
                self._plans.clear()
            self._plans[keys] = plan
        return plan

    def __len__(self) -> int:
        """How many plans are remembered."""
        return len(self._plans)


def _pairs_in_python(environ: Mapping[str, object], plan: Plan) -> list[tuple[str, str]]:
    return [
        (name, value)
        for key, name in plan
        if isinstance(value := environ[key], str) and (value or key[0] == "H")
    ]


def _dict_in_python(environ: Mapping[str, object], plan: Plan) -> dict[str, object]:
    return {name: environ[key] for key, name in plan}


plan_pairs: Callable[[Mapping[str, object], Plan], list[tuple[str, str]]] = getattr(
    _accel.compiled, "environ_pairs", _pairs_in_python
)
"""``plan_pairs(environ, plan)``: the header ``(name, value)`` pairs of ``environ`` whose
keys ``plan`` names, by werkzeug's ``EnvironHeaders`` rules (a ``str`` value, and not
empty unless its key is an ``HTTP_`` one), in the plan's order. Compiled when the
extension is built (``_speedups.environ_pairs``, the same pairs); the Flask adapter's."""

plan_dict: Callable[[Mapping[str, object], Plan], dict[str, object]] = getattr(
    _accel.compiled, "environ_dict", _dict_in_python
)
"""``plan_dict(meta, plan)``: ``{name: meta[key]}`` for each ``(key, name)`` of ``plan``,
a later name replacing an earlier one, as Django's ``HttpHeaders`` does. Compiled when
the extension is built (``_speedups.environ_dict``); the Django adapter's."""
