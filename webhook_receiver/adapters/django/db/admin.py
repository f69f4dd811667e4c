"""The inbox in Django's admin: list, filter and read events; retry or purge the ones selected.

Events arrive from webhooks only, so nothing here adds one or edits what it holds:
the detail page is read-only (the payload pretty-printed, the headers, the attempts,
the last error). Two actions change state, each through :class:`DjangoInbox`, with
its rules: *Retry* makes events pending again now with their attempts reset (never a
running one: its worker holds it), and *Purge* deletes done and dead events only
(pending and running ones were acknowledged and are still owed their processing).
Django's own "delete selected" is not offered, and an event can be deleted from its
page only once it is done or dead.

The claims of ``DjangoStore`` are not in the admin: each is a digest, a state and an
expiry, nothing an operator can read an event from, and deleting a done one would
only let a duplicate run again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar, cast

from django.contrib import admin, messages  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest  # type: ignore[import-untyped, unused-ignore]
from django.utils import formats, timezone  # type: ignore[import-untyped, unused-ignore]
from django.utils.html import format_html  # type: ignore[import-untyped, unused-ignore]

from ....delivery.inbox import InboxState
from .inbox import DjangoInbox
from .models import InboxEvent

__all__ = ["InboxEventAdmin"]

F = TypeVar("F", bound=Callable[..., Any])
_SHORT_ERROR = 80
_FINISHED = (InboxState.DONE.value, InboxState.DEAD.value)


def _display(description: str, ordering: str | None = None) -> Callable[[F], F]:
    """``admin.display``, typed (Django has no type information)."""
    return cast(Callable[[F], F], admin.display(description=description, ordering=ordering))


def _action(description: str, permissions: list[str]) -> Callable[[F], F]:
    """``admin.action``, typed."""
    return cast(Callable[[F], F], admin.action(description=description, permissions=permissions))


def _when(seconds: float | None) -> str:
    """Unix seconds as the admin shows times (``TIME_ZONE``, the active locale's format)."""
    if seconds is None:
        return "-"
    return str(formats.localize(timezone.template_localtime(datetime.fromtimestamp(seconds, tz=UTC))))


def _events(count: int, kind: str = "") -> str:
    """``"1 event"``, ``"2 running events"``."""
    return f"{count} {kind}{' ' if kind else ''}event{'' if count == 1 else 's'}"


def _pretty(text: str) -> str:
    """JSON text indented for reading; anything else as it is."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=False)
    except ValueError:
        return text


@admin.register(InboxEvent)
class InboxEventAdmin(admin.ModelAdmin):  # type: ignore[misc, unused-ignore]
    """The inbox's events: listed newest first, filtered by state, namespace and type."""

    clock: ClassVar[Callable[[], float]] = time.time
    """"Now" for a retry (unix seconds): the receivers' and workers' clock."""

    list_display = ("id", "state", "namespace", "type", "attempts", "received", "finished", "short_error")
    list_display_links = ("id", "type")
    list_filter = ("state", "namespace", "type")
    search_fields = ("key", "type")
    ordering = ("-id",)
    actions = ("retry_events", "purge_events")
    fields = (
        "key",
        "namespace",
        "type",
        "state",
        "attempts",
        "received",
        "available",
        "finished",
        "lease_until_time",
        "error",
        "pretty_payload",
        "pretty_headers",
    )
    readonly_fields = fields

    # -- permissions: read, retry and purge; never add or edit -----------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Events come from webhooks only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: InboxEvent | None = None) -> bool:
        """The change permission lets a user run *Retry*; an event's own page stays read-only."""
        if obj is not None:
            return False
        return bool(super().has_change_permission(request))

    def has_delete_permission(self, request: HttpRequest, obj: InboxEvent | None = None) -> bool:
        """Only done and dead events may go (the delete permission lets a user run *Purge*)."""
        if obj is not None and obj.state not in _FINISHED:
            return False
        return bool(super().has_delete_permission(request, obj))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """This admin's actions, without Django's "delete selected", which would delete any event."""
        found: dict[str, Any] = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    # -- columns -------------------------------------------------------------------

    @_display(description="received", ordering="received_at")
    def received(self, event: InboxEvent) -> str:
        """When the request was accepted."""
        return _when(event.received_at)

    @_display(description="finished", ordering="finished_at")
    def finished(self, event: InboxEvent) -> str:
        """When it became done or dead."""
        return _when(event.finished_at)

    @_display(description="available")
    def available(self, event: InboxEvent) -> str:
        """When a pending event may next be taken (its backoff)."""
        return _when(event.available_at)

    @_display(description="lease until")
    def lease_until_time(self, event: InboxEvent) -> str:
        """When a running event's lease runs out."""
        return _when(event.lease_until)

    @_display(description="last error")
    def short_error(self, event: InboxEvent) -> str:
        """The start of the last error, for the list."""
        error = str(event.last_error or "")
        return error if len(error) <= _SHORT_ERROR else error[: _SHORT_ERROR - 1] + "…"

    @_display(description="last error")
    def error(self, event: InboxEvent) -> str:
        """The whole last error."""
        return str(format_html('<pre class="webhook-error">{}</pre>', event.last_error or "-"))

    @_display(description="payload")
    def pretty_payload(self, event: InboxEvent) -> str:
        """The event's payload, indented."""
        return str(format_html('<pre class="webhook-payload">{}</pre>', _pretty(event.payload)))

    @_display(description="headers")
    def pretty_headers(self, event: InboxEvent) -> str:
        """The headers its provider reads to rebuild it."""
        lines = "\n".join(f"{name}: {value}" for name, value in event.headers) or "-"
        return str(format_html('<pre class="webhook-headers">{}</pre>', lines))

    # -- actions -------------------------------------------------------------------

    @_action(description="Retry selected events", permissions=["change"])
    def retry_events(self, request: HttpRequest, queryset: Any) -> None:
        """Pending again now, attempts reset (``DjangoInbox.retry``); running events are skipped."""
        ids = list(queryset.values_list("id", flat=True))
        retried = DjangoInbox(using=queryset.db).retry(ids, now=type(self).clock())
        self.message_user(request, f"{_events(retried)} will be retried now.", messages.SUCCESS)
        if retried < len(ids):
            self.message_user(
                request,
                f"Skipped {_events(len(ids) - retried, 'running')}: a worker holds them.",
                messages.WARNING,
            )

    @_action(description="Purge selected dead/done events", permissions=["delete"])
    def purge_events(self, request: HttpRequest, queryset: Any) -> None:
        """Delete the selected done and dead events (``DjangoInbox.purge``); skip the others."""
        ids = list(queryset.values_list("id", flat=True))
        inbox = DjangoInbox(using=queryset.db)
        purged = sum(inbox.purge(state, ids=ids) for state in (InboxState.DONE, InboxState.DEAD))
        self.message_user(request, f"Purged {_events(purged, 'done or dead')}.", messages.SUCCESS)
        if purged < len(ids):
            self.message_user(
                request,
                f"Skipped {_events(len(ids) - purged, 'pending or running')}: "
                "they were acknowledged and are still owed their processing.",
                messages.WARNING,
            )
