"""Django's request and response, for the pipeline: the headers, the body, the reply."""

from __future__ import annotations

from collections.abc import Callable

# Django ships no type information (django-stubs is a separate project): to mypy
# everything imported from it is ``Any``, hence the ignores on these imports;
# ``unused-ignore`` keeps them quiet should django-stubs be installed.
from django.core.handlers.wsgi import WSGIRequest  # type: ignore[import-untyped, unused-ignore]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped, unused-ignore]

from ..._headers import EnvironNames, HeadersLike
from ..._pipeline import serve, serve_async
from ..._receiver import Receiver, Reply
from .._environ import HeaderPlans, plan_dict

__all__ = ["answer", "answer_async", "body_of", "to_response"]


def body_of(request: HttpRequest) -> tuple[Callable[[int], bytes], bool]:
    """How to read ``request``'s raw body, and whether its end is known without a length.

    Under WSGI, Django's ``request.read()`` stops at the declared ``Content-Length``
    (and reads nothing without one): a chunked request, which has none, is read from
    the server's input where the server terminates it (``wsgi.input_terminated``),
    else refused (411). Under ASGI, Django has already received the whole body.
    """
    if type(request) is WSGIRequest and not request.META.get("CONTENT_LENGTH"):
        return request.environ["wsgi.input"].read, bool(request.environ.get("wsgi.input_terminated"))
    return request.read, True


_LAZY_HEADERS = HttpRequest.__dict__.get("headers")
_PLANS = HeaderPlans(EnvironNames())  # ``HttpHeaders`` rules


def _headers(request: HttpRequest) -> HeadersLike:
    """``request.headers``, for ``Receiver.precheck``, without building Django's mapping.

    ``HttpRequest.headers`` is built on first use from ``request.META``: a title-cased
    name per entry, then a case-insensitive copy, which costs more than the rest of
    the adapter. This takes the same entries from ``META`` by the same rules (``HTTP_*``
    and ``CONTENT_TYPE``/``CONTENT_LENGTH``, a later entry of the same name replacing
    the earlier one) into a plain dict the header view reads in place; names are
    lower-cased rather than title-cased, which the case-insensitive view cannot tell
    apart. When ``request.headers`` has already been built or set for this request,
    or a request class defines its own, that is used as it is.

    Which keys are headers is remembered per sequence of keys (see ``adapters._environ``):
    the server puts two dozen other entries in ``META``.
    """
    if "headers" in request.__dict__ or _LAZY_HEADERS is None or type(request).headers is not _LAZY_HEADERS:
        return request.headers  # type: ignore[no-any-return, unused-ignore]
    meta = request.META
    keys = tuple(meta)
    plan = _PLANS.get(keys)
    if plan is None:
        plan = _PLANS.make(keys)
    return plan_dict(meta, plan)  # type: ignore[return-value]


def answer(receiver: Receiver, request: HttpRequest) -> Reply:
    """The ``Reply`` for one Django request to ``receiver`` (handlers run here)."""
    read, terminated = body_of(request)
    query = request.META.get("QUERY_STRING", "")
    return serve(receiver, request.method, _headers(request), read, terminated=terminated, query=query)


async def answer_async(receiver: Receiver, request: HttpRequest) -> Reply:
    """Like :func:`answer`, awaiting ``receiver.handle_async`` (for async views and ASGI).

    The body is read synchronously: under ASGI Django has already received it into a
    spooled file before the view runs, so this is a read from memory (or local disk).
    """
    read, terminated = body_of(request)
    query = request.META.get("QUERY_STRING", "")
    reply = await serve_async(
        receiver, request.method, _headers(request), read=read, terminated=terminated, query=query
    )
    assert reply is not None  # only an ASGI body read chunk by chunk can find the client gone
    return reply


def to_response(reply: Reply) -> HttpResponse:
    """An ``HttpResponse`` with the reply's status, headers and body, exactly as given.

    Django adds a ``text/html`` content type to every response; a reply that has no
    ``Content-Type`` gets none.
    """
    headers = reply.headers
    if len(headers) == 1 and "Content-Type" in headers:
        # The usual reply (JSON, nothing else): the same response, without a header dict
        # to copy and scan for a content type.
        return HttpResponse(reply.body, status=reply.status, content_type=headers["Content-Type"])
    # A dict copy: Django unpacks a dict without the Mapping ABC check a read-only mapping takes.
    response = HttpResponse(reply.body, status=reply.status, headers=dict(headers))
    if "Content-Type" not in headers and not any(name.lower() == "content-type" for name in headers):
        del response["Content-Type"]
    return response
