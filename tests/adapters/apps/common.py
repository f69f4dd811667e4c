"""What every app here shares: the protected paths, the receivers, and the "reached" record."""

from __future__ import annotations

import json
from collections import Counter

from webhook_receiver import Receiver, providers

PROTECTED = "/hooks/kourier"
"""The protected path: a Courier receiver (an HMAC of the body) with a small size limit (``LIMIT``)."""
BIG = "/hooks/big"
"""A second webhook path whose receiver keeps the default size limit (5 MiB)."""
SECRET = "routes-and-framings-secret"
LIMIT = 4096
MOUNT = "/sub"
"""Where the mounted deployments (Starlette ``Mount``, WSGI ``SCRIPT_NAME``) live."""
ROOT_PATH = "/api"
"""The root path of ``uvicorn --root-path`` and ``FastAPI(root_path=...)``."""

REACHED_STATUS = 299
REACHED_BODY = b"reached the application's own route"
HEALTH = "/health"
REACHED_COUNT = "/__reached"
"""``GET`` there (any deployment of a server) answers the JSON of ``REACHED``."""
DEPLOYMENT_HEADER = "X-Deployment"
"""Which app of a server's several answers a request (the servers dispatch on it)."""

REACHED: Counter[str] = Counter()
"""How many times each deployment's own protected route (or webhook view body) ran, by the
name it was built with (``<deployment>:<bare|protected>``, ``django-<mode>``)."""


def receivers() -> dict[str, Receiver]:
    """A fresh pair of receivers, by path."""
    return {
        PROTECTED: Receiver(providers.Courier(secret=SECRET), max_body_size=LIMIT),
        BIG: Receiver(providers.Courier(secret=SECRET)),
    }


MESSAGE = {"type": "message:updated", "data": {"id": "1-abc", "status": "DELIVERED"}}


def signed(payload: object = MESSAGE) -> tuple[dict[str, str], bytes]:
    """A genuine request's headers and body, signed now (the signature covers every byte)."""
    body = json.dumps(payload).encode()
    return {"Content-Type": "application/json", **providers.Courier(secret=SECRET).sign(body)}, body


def reached_json() -> bytes:
    return json.dumps(dict(REACHED)).encode()
