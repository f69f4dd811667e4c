"""The admin, its static files (no collectstatic in a test) and a health check."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.staticfiles.views import serve
from django.http import HttpRequest, HttpResponse
from django.urls import path


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("static/<path:path>", serve, {"insecure": True}),
    path("health", health),
]
