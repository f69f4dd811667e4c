"""The URLconf of the ``async-view`` mode."""

from __future__ import annotations

from .urls import webhook_views
from .views import CountingAsyncView

urlpatterns = webhook_views(CountingAsyncView)
