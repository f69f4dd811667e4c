"""The Flask and Django adapters' headers from the environ, by the keys' remembered plan.

A server puts two dozen entries in the environ besides the headers (``wsgi.*``, its
own, the CGI variables); naming each key costs a step per entry on every request. A
sender's requests bring the same keys in the same order every time, so the adapters
(and the WSGI middleware, ``Headers.from_environ``) look the whole sequence up instead:
one ``tuple`` of the keys, one dict lookup, then a step per header. ``HeaderPlans`` and
``plan_pairs`` live in the core (``_headers``) and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .. import _accel
from .._headers import MAX_REMEMBERED_KEYS, HeaderPlans, Plan, plan_pairs

__all__ = ["MAX_REMEMBERED_KEYS", "HeaderPlans", "Plan", "plan_dict", "plan_pairs"]


def _dict_in_python(environ: Mapping[str, object], plan: Plan) -> dict[str, object]:
    return {name: environ[key] for key, name in plan}


plan_dict: Callable[[Mapping[str, object], Plan], dict[str, object]] = getattr(
    _accel.compiled, "environ_dict", _dict_in_python
)
"""``plan_dict(meta, plan)``: ``{name: meta[key]}`` for each ``(key, name)`` of ``plan``,
a later name replacing an earlier one, as Django's ``HttpHeaders`` does. Compiled when
the extension is built (``_speedups.environ_dict``); the Django adapter's."""
