"""The Django settings test_django_handlers.py runs under (pytest.ini names this module)."""

SECRET_KEY = "django-insecure-examples-only"
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "test_django_handlers"  # the test module holds its own urlpatterns
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
