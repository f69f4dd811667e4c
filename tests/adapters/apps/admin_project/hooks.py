"""The admin project's handler: appends each event's delivery id to ``$WR_EFFECTS``."""

from __future__ import annotations

import os

from webhook_receiver import Event


def record(event: Event) -> None:
    """One line per run, so a test can count runs."""
    with open(os.environ["WR_EFFECTS"], "a") as effects:
        effects.write(f"{event.payload['delivery_id']}\n")  # type: ignore[call-overload, index]
