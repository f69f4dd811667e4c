"""The public surface: names, the exception tree, framework-freedom, packaging."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import webhook_receiver
from webhook_receiver import providers

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_exactly_the_public_surface() -> None:
    assert set(webhook_receiver.__all__) == {
        "CUSTOM",
        "DEFAULT_LEASE",
        "DEFAULT_MAX_BODY_SIZE",
        "DEFAULT_TTL",
        "Answer",
        "BodyTooLarge",
        "Claim",
        "ClaimStatus",
        "Clock",
        "CertificateUnavailable",
        "ConfigurationError",
        "DatabaseMoved",
        "Delivery",
        "DurableInbox",
        "Event",
        "EventInProgress",
        "HandlerError",
        "HandlerFailure",
        "Headers",
        "HeadersLike",
        "IdempotencyStore",
        "Inbox",
        "InboxEntry",
        "InboxRecord",
        "InboxState",
        "InsecureConfigurationWarning",
        "InvalidCredentials",
        "JSONObject",
        "JSONValue",
        "LengthRequired",
        "LimitedBody",
        "MalformedHeader",
        "MemoryStore",
        "MethodNotAllowed",
        "MissingDependency",
        "MissingHeader",
        "OpenEnum",
        "PayloadError",
        "Receiver",
        "Reply",
        "RetryPolicy",
        "Router",
        "SQLiteInbox",
        "SQLiteStore",
        "Secret",
        "SecretInput",
        "SignatureMismatch",
        "StoreUnavailable",
        "TimestampOutsideTolerance",
        "UnsupportedMediaType",
        "ValidatorFailed",
        "VerificationError",
        "Verified",
        "WebhookError",
        "Worker",
        "__version__",
        "providers",
    }
    for name in webhook_receiver.__all__:
        assert hasattr(webhook_receiver, name), name


def test_providers_all_names_every_provider_class() -> None:
    names = {
        "courier": "Courier",
        "courier-channel": "CourierChannel",
        "customerio": "CustomerIO",
        "customerio-reporting": "CustomerIOReporting",
        "kourier": "Kourier",
        "xtremepush": "Xtremepush",
        "stripe": "Stripe",
        "standard-webhooks": "StandardWebhooks",
        "github": "GitHub",
        "slack": "Slack",
        "resend": "Resend",
        "clerk": "Clerk",
        "shopify": "Shopify",
        "twilio": "Twilio",
        "sendgrid": "SendGrid",
        "discord": "Discord",
        "meta": "Meta",
        "zoom": "Zoom",
        "twitch": "Twitch",
        "paddle": "Paddle",
        "postmark": "Postmark",
        "mailgun": "Mailgun",
        "square": "Square",
        "linear": "Linear",
        "intercom": "Intercom",
        "zendesk": "Zendesk",
        "typeform": "Typeform",
        "calendly": "Calendly",
        "vercel": "Vercel",
        "gitlab": "GitLab",
        "aws-sns": "AwsSns",
        "bearer": "Bearer",
        "basic": "Basic",
        "hmac": "Hmac",
    }
    assert set(providers.__all__) == {"PROVIDERS", "Provider", "create", *names.values()}
    assert {name: cls.__name__ for name, cls in providers.PROVIDERS.items()} == names
    for name, cls in providers.PROVIDERS.items():
        assert cls.name == name
        assert getattr(providers, cls.__name__) is cls
        assert cls.__doc__


@pytest.mark.parametrize(
    ("name", "parent", "status", "code"),
    [
        ("WebhookError", Exception, 400, "webhook_error"),
        ("VerificationError", "WebhookError", 401, "verification_failed"),
        ("MissingHeader", "VerificationError", 401, "missing_header"),
        ("MalformedHeader", "VerificationError", 401, "malformed_header"),
        ("SignatureMismatch", "VerificationError", 401, "signature_mismatch"),
        ("TimestampOutsideTolerance", "VerificationError", 401, "timestamp_outside_tolerance"),
        ("InvalidCredentials", "VerificationError", 401, "invalid_credentials"),
        ("PayloadError", "WebhookError", 400, "invalid_payload"),
        ("BodyTooLarge", "PayloadError", 413, "body_too_large"),
        ("UnsupportedMediaType", "PayloadError", 415, "unsupported_media_type"),
        ("MethodNotAllowed", "WebhookError", 405, "method_not_allowed"),
        ("EventInProgress", "WebhookError", 409, "in_progress"),
        ("StoreUnavailable", "WebhookError", 503, "store_unavailable"),
        ("CertificateUnavailable", "WebhookError", 503, "certificate_unavailable"),
        ("HandlerError", "WebhookError", 500, "handler_failed"),
        ("ValidatorFailed", "WebhookError", 503, "validator_failed"),
        ("ConfigurationError", "WebhookError", 500, "configuration_error"),
    ],
)
def test_exception_tree_statuses_and_codes(name: str, parent: type | str, status: int, code: str) -> None:
    cls = getattr(webhook_receiver, name)
    parent_cls = getattr(webhook_receiver, parent) if isinstance(parent, str) else parent
    assert issubclass(cls, parent_cls)
    assert cls.status == status
    assert cls.code == code


def test_configuration_error_is_also_a_value_error() -> None:
    assert issubclass(webhook_receiver.ConfigurationError, ValueError)


def test_import_pulls_in_no_web_framework() -> None:
    code = (
        "import sys, webhook_receiver, webhook_receiver.providers;"
        "bad = [m for m in ('flask', 'django', 'starlette', 'fastapi', 'werkzeug') if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""


def test_core_modules_do_not_import_frameworks() -> None:
    frameworks = ("flask", "django", "starlette", "fastapi", "werkzeug")
    for path in (ROOT / "webhook_receiver").rglob("*.py"):
        if "adapters" in path.parts:
            continue
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                module = stripped.split()[1].split(".")[0]
                assert module not in frameworks, f"{path}: {line}"


def test_package_ships_py_typed() -> None:
    assert (ROOT / "webhook_receiver" / "py.typed").is_file()
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    # py.typed, and the compiled module's stub for type checkers
    assert set(setuptools["package-data"]["webhook_receiver"]) == {"py.typed", "*.pyi"}
    assert (ROOT / "webhook_receiver" / "_speedups.pyi").is_file()


def test_the_compiled_path_is_an_optional_extension() -> None:
    """Built at install when it can be, skipped (not an error) when it cannot."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["ext-modules"] == [
        {"name": "webhook_receiver._speedups", "sources": ["webhook_receiver/_speedups.c"], "optional": True}
    ]


def test_core_has_no_runtime_dependencies() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "\ndependencies = []\n" in pyproject


def test_every_public_name_has_a_docstring() -> None:
    for name in webhook_receiver.__all__:
        obj = getattr(webhook_receiver, name)
        if isinstance(obj, type):  # type aliases (Clock, SecretInput) carry no docstring
            assert obj.__doc__, name
    for cls in providers.PROVIDERS.values():
        assert cls.__init__.__doc__, cls.__name__
        assert cls.verify.__doc__


def test_one_status_table_in_code_and_everything_else_agrees_with_it() -> None:
    import re

    from webhook_receiver._errors import STATUSES, ConfigurationError, WebhookError
    from webhook_receiver.adapters.fastapi import RESPONSES

    def tree(cls: type[WebhookError]) -> list[type[WebhookError]]:
        return [cls, *(sub for child in cls.__subclasses__() for sub in tree(child))]

    raised = {cls.status for cls in tree(WebhookError) if not issubclass(cls, ConfigurationError)}
    assert raised <= set(STATUSES), raised - set(STATUSES)
    assert set(RESPONSES) == {status for status in STATUSES if status >= 400}
    page = (ROOT / "docs" / "guides" / "guarantees.md").read_text()
    table = page[page.index("## Statuses") : page.index("## Errors")]
    documented = {int(code) for code in re.findall(r"^\|[^|]*\| (\d{3})\b", table, flags=re.M)}
    assert documented == set(STATUSES), documented ^ set(STATUSES)
