"""``DjangoStore``: the idempotency store in the project's own database, through Django's ORM."""

from __future__ import annotations

import hmac
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from django.db import (  # type: ignore[import-untyped, unused-ignore]
    DEFAULT_DB_ALIAS,
    IntegrityError,
    transaction,
)

from ...._handoff import Claim, ClaimStatus
from ....delivery.stores import new_token
from ._connections import unit_of_work
from .models import IdempotencyClaim

__all__ = ["DjangoStore"]

_PROCESSING = "processing"
_DONE = "done"
_PURGE_EVERY = 1000
_CHUNK = 500  # keys per IN (...): under every backend's limit on query parameters


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class DjangoStore:
    """An idempotency store in a Django database: what ``SQLiteStore`` does, in any of them.

    The same semantics as :class:`~webhook_receiver.SQLiteStore` (see
    :mod:`webhook_receiver.delivery.stores`): a claim is a lease with a random token,
    only that token completes or releases it, and a done event is remembered for
    ``ttl``. Each call is one transaction (``transaction.atomic``); a claim locks the
    row it reads (``SELECT ... FOR UPDATE``, where the database has row locks), and two
    requests inserting the same new key meet at its primary key: the loser reads the
    winner's claim and answers in progress. ``claim_many`` and ``settle_many`` do a
    whole request's events in one transaction. Expired rows are deleted now and then
    as claims come in. Each call recycles the thread's connection before and after, as
    ``DjangoInbox`` does (``CONN_MAX_AGE``, broken connections).

    On SQLite, give the database ``"OPTIONS": {"transaction_mode": "IMMEDIATE"}``: with
    Django's default (deferred) transactions, concurrent claims fail with "database
    is locked" (answered 503) instead of waiting their turn.

    Args:
        using: the alias of the database in ``settings.DATABASES``.
    """

    blocking: ClassVar[bool] = True

    def __init__(self, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self._using = using
        self._claims = 0

    @property
    def using(self) -> str:
        """The database alias."""
        return self._using

    def __repr__(self) -> str:
        return f"DjangoStore(using={self._using!r})"

    def _rows(self) -> Any:
        return IdempotencyClaim.objects.using(self._using)

    def claim(self, key: str, *, lease: float, now: float) -> Claim:
        """Claim ``key`` unless it is done or validly claimed (see ``IdempotencyStore``)."""
        with unit_of_work(self._using), transaction.atomic(using=self._using):
            claim = self._claim(key, lease=lease, now=now)
            self._purge_now_and_then(1, now)
        return claim

    def claim_many(self, keys: Sequence[str], *, lease: float, now: float) -> list[Claim]:
        """:meth:`claim` for every key of a batch, in one transaction. The keys must be distinct."""
        if not keys:
            return []
        with unit_of_work(self._using), transaction.atomic(using=self._using):
            found: dict[str, tuple[str, float]] = {}
            for chunk in _chunks(keys):
                rows = self._rows().select_for_update().filter(key__in=chunk)
                found.update(
                    (key, (state, expires))
                    for key, state, expires in rows.values_list("key", "state", "expires_at")
                )
            claims: dict[str, Claim] = {}
            new: list[str] = []
            for key in keys:
                row = found.get(key)
                if row is None:
                    new.append(key)
                elif row[1] > now:
                    claims[key] = self._held(*row)
                else:
                    claims[key] = self._claim(key, lease=lease, now=now)
            if new:
                claims.update(self._insert_all(new, lease=lease, now=now))
            self._purge_now_and_then(len(keys), now)
        return [claims[key] for key in keys]

    def _insert_all(self, keys: Sequence[str], *, lease: float, now: float) -> dict[str, Claim]:
        """Claims for keys no row had: one insert, or key by key if another request got in first."""
        tokens = {key: new_token() for key in keys}
        try:
            with transaction.atomic(using=self._using):  # a savepoint: an IntegrityError undoes only this
                self._rows().bulk_create(
                    [
                        IdempotencyClaim(key=key, state=_PROCESSING, token=token, expires_at=now + lease)
                        for key, token in tokens.items()
                    ]
                )
        except IntegrityError:
            return {key: self._claim(key, lease=lease, now=now) for key in keys}
        return {key: Claim(ClaimStatus.CLAIMED, token) for key, token in tokens.items()}

    @staticmethod
    def _held(state: str, expires_at: float) -> Claim:
        if state == _DONE:
            return Claim(ClaimStatus.DONE)
        return Claim(ClaimStatus.IN_PROGRESS, expires_at=expires_at)

    def _claim(self, key: str, *, lease: float, now: float) -> Claim:
        """One claim, inside the caller's transaction."""
        rows = self._rows()
        # Three rounds at most: a round is lost only to another request that claimed the
        # key in between and then released it (or let its claim expire) before we looked again.
        for _ in range(3):
            row = rows.select_for_update().filter(key=key).values_list("state", "expires_at").first()
            if row is not None and row[1] > now:
                return self._held(*row)
            token = new_token()
            if row is not None:
                # Locked where the database has row locks; the expiry condition makes it a
                # compare-and-set where it has not.
                if rows.filter(key=key, expires_at__lte=now).update(
                    state=_PROCESSING, token=token, expires_at=now + lease
                ):
                    return Claim(ClaimStatus.CLAIMED, token)
                continue
            try:
                with transaction.atomic(using=self._using):
                    rows.create(key=key, state=_PROCESSING, token=token, expires_at=now + lease)
            except IntegrityError:
                continue  # another request inserted it first: read its claim
            return Claim(ClaimStatus.CLAIMED, token)
        raise RuntimeError(f"could not claim an event in {self!r}: it changed hands three times")

    def _purge_now_and_then(self, claimed: int, now: float) -> None:
        before = self._claims
        self._claims += claimed
        if self._claims // _PURGE_EVERY != before // _PURGE_EVERY:
            self._rows().filter(expires_at__lte=now).delete()

    def complete(self, key: str, token: str, *, ttl: float, now: float) -> bool:
        """Mark ``key`` done for ``ttl`` seconds if ``token`` still holds it."""
        with unit_of_work(self._using):
            changed = (
                self._rows()
                .filter(key=key, state=_PROCESSING, token=token)
                .update(state=_DONE, token="", expires_at=now + ttl)
            )
        return bool(changed == 1)

    def release(self, key: str, token: str) -> None:
        """Drop the claim on ``key`` if ``token`` still holds it."""
        with unit_of_work(self._using):
            self._rows().filter(key=key, state=_PROCESSING, token=token).delete()

    def settle_many(
        self,
        completed: Sequence[tuple[str, str]],
        released: Sequence[tuple[str, str]],
        *,
        ttl: float,
        now: float,
    ) -> list[bool]:
        """:meth:`complete` every ``(key, token)`` of ``completed`` and :meth:`release` every
        one of ``released``, in one transaction; returns :meth:`complete`'s answer for each
        of ``completed``."""
        if not completed and not released:
            return []
        with unit_of_work(self._using), transaction.atomic(using=self._using):
            tokens: dict[str, str] = {}
            keys = [key for key, _ in (*completed, *released)]
            for chunk in _chunks(keys):
                # Locked until the commit (or serialised, on SQLite): the tokens read are
                # still the ones the rows hold when they are changed below.
                tokens.update(
                    self._rows()
                    .select_for_update()
                    .filter(key__in=chunk, state=_PROCESSING)
                    .values_list("key", "token")
                )
            held = [key in tokens and hmac.compare_digest(tokens[key], token) for key, token in completed]
            done = [key for (key, _), ok in zip(completed, held, strict=True) if ok]
            dropped = [
                key for key, token in released if key in tokens and hmac.compare_digest(tokens[key], token)
            ]
            for chunk in _chunks(done):
                self._rows().filter(key__in=chunk, state=_PROCESSING).update(
                    state=_DONE, token="", expires_at=now + ttl
                )
            for chunk in _chunks(dropped):
                self._rows().filter(key__in=chunk, state=_PROCESSING).delete()
        return held
