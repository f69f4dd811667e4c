"""An empty URLconf; the Django harness swaps in its own per test."""

from __future__ import annotations

urlpatterns: list[object] = []
