"""The URLconf of the ``view`` mode."""

from __future__ import annotations

from .urls import webhook_views
from .views import CountingView

urlpatterns = webhook_views(CountingView)
