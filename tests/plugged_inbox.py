"""An inbox of a user's own, plugged in through ``DurableInbox``: kept in a dict, for the tests.

It implements the protocol from its docstring alone (no SQL), so the Worker and the
``inbox`` commands are shown to rely on the protocol, not on the classes shipped.
``INBOX`` holds two stored events when imported, for ``--inbox plugged_inbox:INBOX``.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from webhook_receiver import Delivery, InboxEntry, InboxRecord, InboxState
from webhook_receiver.delivery import Arrivals, AttachedReceivers
from webhook_receiver.delivery.inbox import Receivers


class DictInbox(AttachedReceivers, Arrivals):
    """Events in a dict, leases as tokens: one process only, nothing durable."""

    blocking: ClassVar[bool] = False

    def __init__(self) -> None:
        Arrivals.__init__(self)
        self._receivers = Receivers()
        self._records: dict[int, InboxRecord] = {}
        self._leases: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        return "memory"

    def put(self, entries: Sequence[InboxEntry]) -> None:
        with self._lock:
            known = {record.key for record in self._records.values()}
            for entry in entries:
                if entry.key in known:
                    continue
                known.add(entry.key)
                number = len(self._records) + 1
                self._records[number] = InboxRecord(
                    number, entry.key, entry.namespace, entry.type, InboxState.PENDING, 0,
                    entry.received_at, entry.received_at, None, None, entry.payload, entry.headers,
                )  # fmt: skip
        self._announce()

    def take(
        self, namespaces: Iterable[str], *, limit: int, lease: float, now: float, max_attempts: int
    ) -> list[Delivery]:
        names = set(namespaces)
        taken: list[Delivery] = []
        with self._lock:
            for number, record in sorted(self._records.items()):
                if len(taken) >= limit or record.namespace not in names:
                    continue
                expired = record.state is InboxState.RUNNING and self._leases[number][1] <= now
                due = record.state is InboxState.PENDING and record.available_at <= now
                if not (expired or due):
                    continue
                if record.attempts >= max_attempts:
                    self._records[number] = replace(record, state=InboxState.DEAD, finished_at=now)
                    continue
                token = secrets.token_hex(16)
                self._leases[number] = (token, now + lease)
                running = replace(record, state=InboxState.RUNNING, attempts=record.attempts + 1)
                self._records[number] = running
                taken.append(Delivery(running, token))
        return taken

    def _holds(self, delivery: Delivery) -> bool:
        number = delivery.record.id
        record = self._records.get(number)
        return (
            record is not None
            and record.state is InboxState.RUNNING
            and self._leases.get(number, ("", 0.0))[0] == delivery.token
        )

    def _change(self, delivery: Delivery, **fields: object) -> bool:
        with self._lock:
            if not self._holds(delivery):
                return False
            number = delivery.record.id
            self._records[number] = replace(self._records[number], **fields)  # type: ignore[arg-type]
            self._leases.pop(number, None)
            return True

    def complete(self, delivery: Delivery, *, now: float) -> bool:
        return self._change(delivery, state=InboxState.DONE, finished_at=now, last_error=None)

    def fail(self, delivery: Delivery, error: str, *, retry_at: float | None, now: float) -> bool:
        if retry_at is None:
            return self._change(delivery, state=InboxState.DEAD, finished_at=now, last_error=error)
        return self._change(delivery, state=InboxState.PENDING, available_at=retry_at, last_error=error)

    def release(self, delivery: Delivery) -> bool:
        attempts = max(delivery.record.attempts - 1, 0)
        return self._change(delivery, state=InboxState.PENDING, attempts=attempts)

    def extend(self, deliveries: Iterable[Delivery], *, lease: float, now: float) -> int:
        renewed = 0
        with self._lock:
            for delivery in deliveries:
                if self._holds(delivery):
                    self._leases[delivery.record.id] = (delivery.token, now + lease)
                    renewed += 1
        return renewed

    def counts(self) -> dict[InboxState, int]:
        found = [record.state for record in self._records.values()]
        return {state: found.count(state) for state in InboxState}

    def list(
        self, *, state: InboxState | str | None = None, namespace: str | None = None, limit: int = 50
    ) -> list[InboxRecord]:
        chosen = [
            record
            for _, record in sorted(self._records.items())
            if (state is None or record.state is InboxState(state))
            and (namespace is None or record.namespace == namespace)
        ]
        return chosen[: max(limit, 0)]

    def get(self, id_or_key: int | str) -> InboxRecord | None:
        for record in self._records.values():
            if id_or_key in (record.id, record.key):
                return record
        return None

    def retry(self, ids: Iterable[int] | None = None, *, now: float, state: InboxState | str = "dead") -> int:
        wanted = set(ids) if ids is not None else None
        changed = 0
        with self._lock:
            for number, record in self._records.items():
                chosen = number in wanted if wanted is not None else record.state is InboxState(state)
                if chosen and record.state is not InboxState.RUNNING:
                    self._records[number] = replace(
                        record, state=InboxState.PENDING, attempts=0, available_at=now, finished_at=None
                    )
                    changed += 1
        return changed

    def purge(self, state: InboxState | str, *, before: float | None = None) -> int:
        wanted = InboxState(state)
        with self._lock:
            gone = [
                number
                for number, record in self._records.items()
                if record.state is wanted and (before is None or (record.finished_at or 0) <= before)
            ]
            for number in gone:
                del self._records[number]
        return len(gone)

    def close(self) -> None:
        pass


INBOX = DictInbox()
INBOX.put(
    [
        InboxEntry(f"kourier:{n}", "kourier", "delivery.updated", json.dumps({"n": n}), (), 1_700_000_000.0)
        for n in (1, 2)
    ]
)
