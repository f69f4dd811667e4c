"""The URLconf of the ``middleware`` mode."""

from __future__ import annotations

from .urls import bare

urlpatterns = bare("django-middleware")
