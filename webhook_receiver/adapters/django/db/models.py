"""The two tables: idempotency claims (``DjangoStore``) and inbox events (``DjangoInbox``).

Times are unix seconds as floats, as the receiver's clock gives them (injectable, so
leases and TTLs are tested without sleeping), exactly as the SQLite tables keep them.
"""

from __future__ import annotations

from django.db import models  # type: ignore[import-untyped, unused-ignore]

from ....delivery.inbox import InboxState

__all__ = ["KEY_LENGTH", "NAMESPACE_LENGTH", "IdempotencyClaim", "InboxEvent"]

KEY_LENGTH = 255
"""The longest event key: a receiver's keys are its namespace, ``":"`` and 64 hex digits."""
NAMESPACE_LENGTH = KEY_LENGTH - 65
"""The longest namespace whose keys fit (``DjangoInbox`` refuses a receiver with a longer one)."""


class IdempotencyClaim(models.Model):  # type: ignore[misc, unused-ignore]
    """One event's claim: being processed (with its holder's token) or done, until ``expires_at``."""

    key = models.CharField(primary_key=True, max_length=KEY_LENGTH)
    state = models.CharField(max_length=16)
    """``"processing"`` or ``"done"``."""
    token = models.CharField(max_length=64, blank=True)
    """The holder's random token while processing; empty once done."""
    expires_at = models.FloatField(db_index=True)
    """When the lease runs out (processing) or the event is forgotten (done)."""

    class Meta:
        verbose_name = "idempotency claim"

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class InboxEvent(models.Model):  # type: ignore[misc, unused-ignore]
    """One event in the inbox: the columns of ``SQLiteInbox``'s table (see ``InboxRecord``)."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=KEY_LENGTH, unique=True)
    namespace = models.CharField(max_length=NAMESPACE_LENGTH)
    type = models.TextField()
    # Text, not JSON: the event is rebuilt from these very bytes (a jsonb column would
    # reorder keys, drop duplicates and respell numbers).
    payload = models.TextField()
    headers = models.JSONField(default=list)
    """The ``[name, value]`` pairs the provider reads to rebuild the event."""
    state = models.CharField(max_length=16, choices=[(state.value, state.value) for state in InboxState])
    attempts = models.IntegerField(default=0)
    received_at = models.FloatField()
    available_at = models.FloatField()
    lease_token = models.CharField(max_length=64, null=True, blank=True)
    lease_until = models.FloatField(null=True, blank=True)
    finished_at = models.FloatField(null=True, blank=True)
    last_error = models.TextField(null=True, blank=True)
    trace_context = models.TextField(null=True, blank=True)
    """Reserved for the trace the request was part of; nothing writes it yet (always NULL)."""

    class Meta:
        verbose_name = "inbox event"
        indexes = [models.Index(fields=["state", "available_at"], name="webhook_inbox_ready")]  # noqa: RUF012

    def __str__(self) -> str:
        return f"#{self.id} {self.namespace} {self.type} ({self.state})"
