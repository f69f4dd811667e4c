"""Strict ``application/x-www-form-urlencoded`` bodies, for the providers that send forms.

Slack's slash commands and interactions, and Twilio's status callbacks, arrive as
forms. A form is read strictly, by one rule for all of them: UTF-8 (before and after
percent-decoding), every field ``name=value`` with a name, ``&`` between fields and
nothing else (no ``;``, no empty field, no trailing ``&``), and a bounded number of
fields, so a hostile body costs no more than a real one. Anything else is a
:class:`~webhook_receiver.PayloadError` (400), never a ``ValueError`` or
``UnicodeDecodeError``.

:func:`form_pairs` is the reader; Twilio's signature covers the pairs it returns
(sorted), and :func:`form_fields` makes them the payload of an event. Slack's own
reading of its forms (:func:`slack_form`) lives here as well, beside the reader it
is built on.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from ._errors import PayloadError
from ._events import JSONValue, decode_json

__all__ = ["MAX_FORM_FIELDS", "form_fields", "form_pairs", "slack_form"]

MAX_FORM_FIELDS = 64
"""Slack's bound on the fields of a form (a slash command has about 15; an interaction 1)."""


def form_pairs(body: bytes, *, max_fields: int = MAX_FORM_FIELDS) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a strict form body, in the order sent.

    ``+`` is a space and ``%XX`` a byte, as in HTML forms; values may be empty, names
    may not. An empty body is a form with no fields.

    Raises:
        PayloadError: the body is not UTF-8, a field is not ``name=value`` (or has no
            name), a percent-decoded field is not UTF-8, or there are more than
            ``max_fields`` fields.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("body is not UTF-8") from None
    # Counted before parsing, so a body of a million "&" is refused at C speed.
    if text.count("&") >= max_fields:
        raise PayloadError(f"form has more than {max_fields} fields")
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            max_num_fields=max_fields,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeDecodeError:
        raise PayloadError("a form field is not UTF-8 once percent-decoded") from None
    except ValueError:  # the field's text is not in the message: it may hold anything
        raise PayloadError("body is neither JSON nor a form (a field is not name=value)") from None
    for name, _ in pairs:
        if not name:
            raise PayloadError("form has a field with no name")
    return pairs


def form_fields(pairs: list[tuple[str, str]]) -> dict[str, JSONValue]:
    """A form's pairs as a payload: each name's value, or the list of its values in
    the order sent when a name is repeated."""
    fields: dict[str, JSONValue] = {}
    for name, value in pairs:
        found = fields.get(name)
        if found is None:
            fields[name] = value
        elif isinstance(found, list):
            found.append(value)
        else:
            fields[name] = [found, value]
    return fields


def slack_form(body: bytes) -> JSONValue:
    """A Slack form body, as :meth:`~webhook_receiver.providers.Slack.decode` reads it.

    A ``payload=<JSON>`` field gives that JSON (an object with a ``type``); a slash
    command's or SSL check's form gives its fields as a ``dict`` of strings. No field
    may be repeated (Slack never repeats one, and which would be meant?).

    Raises:
        PayloadError: not a strict form (see :func:`form_pairs`), a repeated field,
            a ``payload`` that is not a JSON object with a ``type``, or none of
            ``payload``, ``command`` and ``ssl_check``.
    """
    pairs = form_pairs(body)
    fields: dict[str, JSONValue] = {}
    for name, value in pairs:
        if name in fields:
            raise PayloadError(f"form field {name[:40]!r} is repeated")
        fields[name] = value
    payload = fields.get("payload")
    if isinstance(payload, str):
        decoded = decode_json(payload.encode("utf-8"))
        if not isinstance(decoded, dict):
            raise PayloadError("the form's payload must be a JSON object")
        kind = decoded.get("type")
        if not isinstance(kind, str) or not kind:
            raise PayloadError("the form's payload has no type")
        return decoded
    if "command" in fields or "ssl_check" in fields:
        return fields
    raise PayloadError("form has none of the fields Slack sends (payload, command, ssl_check)")
