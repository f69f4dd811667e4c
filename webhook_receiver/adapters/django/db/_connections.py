"""Django's per-thread connections, kept healthy where Django's request cycle does not reach.

Django opens a connection per thread and recycles it at the start and the end of each
request (``close_old_connections``: a connection past ``CONN_MAX_AGE``, or broken by
a database restart, is closed, and the next query opens a new one). A
:class:`~webhook_receiver.Worker`'s threads serve no request, and neither do the
threads ``Receiver.handle_async`` runs blocking stores and inboxes in, so nothing
would ever recycle theirs: a connection broken once would stay broken in that
thread, and one left open when a thread ends is never closed. So every call of
``DjangoStore`` and ``DjangoInbox`` that does work is one unit, recycled before and
after like a request; the worker's calls (``take``, and recording an outcome) are
request boundaries for every database of the thread, since the handlers between
them use the database too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections  # type: ignore[import-untyped, unused-ignore]

__all__ = ["recycle", "unit_of_work"]


def recycle(alias: str | None = None) -> None:
    """Close this thread's connection to ``alias`` (or to every database, when ``None``)
    if it is past ``CONN_MAX_AGE`` or broken, as Django does between requests; never
    one inside a transaction (a caller's ``atomic`` block, a test's)."""
    wrappers = connections.all(initialized_only=True) if alias is None else [connections[alias]]
    for wrapper in wrappers:
        if wrapper.connection is not None and not wrapper.in_atomic_block:
            wrapper.close_if_unusable_or_obsolete()


@contextmanager
def unit_of_work(alias: str, *, boundary: bool = False) -> Iterator[None]:
    """Recycle ``alias``'s connection (every database's, at a ``boundary``) before and after."""
    recycle(None if boundary else alias)
    try:
        yield
    finally:
        recycle(None if boundary else alias)
