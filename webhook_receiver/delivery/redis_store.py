"""An idempotency store in Redis, for apps running many instances behind a load balancer.

::

    from webhook_receiver.redis_store import RedisStore

    store = RedisStore.from_url("redis://127.0.0.1:6379/0")
    receiver = Receiver(provider, store=store)

Needs ``pip install 'webhook-receiver[redis]'``. A claim is ``SET key value NX PX
lease``: one round trip in the common case, and Redis drops the claim of a process
that died once the lease runs out. Each value also carries its own expiry in the
Receiver's clock, checked by a Lua script when the key already exists, so a lease
that ran out by the Receiver's clock can be taken over (and leases can be tested
with an injected clock). Completing and releasing are compare-and-set scripts on the
claim's token. A batch (a Customer.io request of up to 1000 events) is claimed in one
script and settled in another: two round trips per request, whatever its size
(:meth:`RedisStore.claim_many`, :meth:`RedisStore.settle_many`). Keys are
``<prefix><digest>``: no payload data reaches Redis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

from .._errors import ConfigurationError
from .._handoff import Claim, ClaimStatus
from .._optional import require
from .stores import new_token

require("webhook_receiver.redis_store", "redis", "redis")

import redis  # noqa: E402 - after the friendly import check

RedisClient = redis.Redis

__all__ = ["RedisStore"]

# KEYS[1] the key; ARGV[1] the new claim's value, ARGV[2] its PX, ARGV[3] now.
# Takes over a missing key or one whose own expiry has passed; else reports the state.
_TAKE_OVER = """
local value = redis.call('GET', KEYS[1])
if value then
    local state, token, expires = string.match(value, '^(%a+)|([^|]*)|(.+)$')
    if state and tonumber(expires) > tonumber(ARGV[3]) then
        return {state, expires}
    end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {'claimed', ''}
"""
# KEYS[1] the key; ARGV[1] the claim's prefix 'processing|<token>|', ARGV[2] the done value, ARGV[3] its PX.
_COMPLETE = """
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
    return 1
end
return 0
"""
# KEYS[1] the key; ARGV[1] the claim's prefix.
_RELEASE = """
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
    redis.call('DEL', KEYS[1])
end
return 0
"""


# A whole batch in one round trip. KEYS: the keys; ARGV[1] the PX, ARGV[2] now, then one
# new claim value per key. Per key, as _TAKE_OVER: {state, expires} ('claimed', '').
_CLAIM_MANY = """
local out = {}
for i, key in ipairs(KEYS) do
    local value = redis.call('GET', key)
    local state, expires = nil, nil
    if value then
        local s, token, e = string.match(value, '^(%a+)|([^|]*)|(.+)$')
        if s and tonumber(e) > tonumber(ARGV[2]) then
            state, expires = s, e
        end
    end
    if state then
        out[#out + 1] = state
        out[#out + 1] = expires
    else
        redis.call('SET', key, ARGV[i + 2], 'PX', ARGV[1])
        out[#out + 1] = 'claimed'
        out[#out + 1] = ''
    end
end
return out
"""
# KEYS: the keys; ARGV[1] the done value, ARGV[2] its PX, then per key 'c' (complete) or
# 'r' (release) followed by the claim's prefix 'processing|<token>|'. Per key: 1 when the
# token still held it (and it was completed or released), else 0.
_SETTLE_MANY = """
local out = {}
for i, key in ipairs(KEYS) do
    local action = ARGV[i + 2]
    local prefix = string.sub(action, 2)
    local value = redis.call('GET', key)
    local held = value and string.sub(value, 1, #prefix) == prefix
    if held and string.sub(action, 1, 1) == 'c' then
        redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    elseif held then
        redis.call('DEL', key)
    end
    out[#out + 1] = held and 1 or 0
end
return out
"""


def _milliseconds(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


class RedisStore:
    """Claims, completions and releases in Redis (see the module docstring).

    Args:
        client: a ``redis.Redis`` client (bytes responses, the default).
        prefix: put before every key, to share a Redis database.
    """

    blocking: ClassVar[bool] = True

    def __init__(self, client: RedisClient, *, prefix: str = "webhook_receiver:") -> None:
        if not isinstance(client, redis.Redis):
            raise ConfigurationError("client must be a redis.Redis")
        self._client = client
        self._prefix = prefix
        self._take_over: Any = client.register_script(_TAKE_OVER)
        self._complete: Any = client.register_script(_COMPLETE)
        self._release: Any = client.register_script(_RELEASE)
        self._claim_many: Any = client.register_script(_CLAIM_MANY)
        self._settle_many: Any = client.register_script(_SETTLE_MANY)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "webhook_receiver:", **client_options: Any) -> RedisStore:
        """A store on a new client for ``url`` (``redis://host:port/db``)."""
        return cls(redis.Redis.from_url(url, **client_options), prefix=prefix)

    @property
    def client(self) -> RedisClient:
        """The Redis client."""
        return self._client

    def claim(self, key: str, *, lease: float, now: float) -> Claim:
        """Claim ``key`` unless it is done or validly claimed."""
        token = new_token()
        value = f"processing|{token}|{now + lease!r}"
        name = self._prefix + key
        if self._client.set(name, value, nx=True, px=_milliseconds(lease)):
            return Claim(ClaimStatus.CLAIMED, token)
        state, expires = self._take_over(keys=[name], args=[value, _milliseconds(lease), repr(now)])
        if state == b"claimed":
            return Claim(ClaimStatus.CLAIMED, token)
        if state == b"done":
            return Claim(ClaimStatus.DONE)
        return Claim(ClaimStatus.IN_PROGRESS, expires_at=float(expires))

    def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
        """Mark ``key`` done for ``ttl`` seconds if ``token`` still holds it."""
        done = f"done||{now + ttl!r}"
        result = self._complete(
            keys=[self._prefix + key], args=[f"processing|{token}|", done, _milliseconds(ttl)]
        )
        return bool(result)

    def release(self, key: str, token: str) -> None:
        """Drop the claim on ``key`` if ``token`` still holds it."""
        self._release(keys=[self._prefix + key], args=[f"processing|{token}|"])

    def claim_many(self, keys: Sequence[str], *, lease: float, now: float) -> list[Claim]:
        """:meth:`claim` for every key of a batch, in one round trip (one Lua script).

        The keys must be distinct. On Redis Cluster every key of a script must hash to
        one slot: give the store a prefix with a hash tag (``"{webhooks}:"``).
        """
        if not keys:
            return []
        tokens = [new_token() for _ in keys]
        expires = repr(now + lease)
        values = [f"processing|{token}|{expires}" for token in tokens]
        answer = self._claim_many(
            keys=[self._prefix + key for key in keys], args=[_milliseconds(lease), repr(now), *values]
        )
        claims: list[Claim] = []
        for index, token in enumerate(tokens):
            state, until = answer[2 * index], answer[2 * index + 1]
            if state == b"claimed":
                claims.append(Claim(ClaimStatus.CLAIMED, token))
            elif state == b"done":
                claims.append(Claim(ClaimStatus.DONE))
            else:
                claims.append(Claim(ClaimStatus.IN_PROGRESS, expires_at=float(until)))
        return claims

    def settle_many(
        self,
        completed: Sequence[tuple[str, str]],
        released: Sequence[tuple[str, str]],
        *,
        ttl: float,
        now: float,
    ) -> list[bool]:
        """:meth:`complete` every ``(key, token)`` of ``completed`` and :meth:`release`
        every one of ``released``, in one round trip; returns :meth:`complete`'s answer
        for each of ``completed``."""
        if not completed and not released:
            return []
        pairs = [
            *(("c", key, token) for key, token in completed),
            *(("r", key, token) for key, token in released),
        ]
        answer = self._settle_many(
            keys=[self._prefix + key for _, key, _ in pairs],
            args=[
                f"done||{now + ttl!r}",
                _milliseconds(ttl),
                *(f"{action}processing|{token}|" for action, _, token in pairs),
            ],
        )
        return [bool(held) for held in answer[: len(completed)]]

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self._prefix!r})"
