"""The URLconf of the ``bare`` mode."""

from __future__ import annotations

from .urls import bare

urlpatterns = bare("django-bare")
