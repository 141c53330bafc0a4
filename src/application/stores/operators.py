"""Operator credentials: named tokens made from the command line (shown once, kept hashed
like API keys), listed, revoked; and signing an operator in, by a named token or by the
bootstrap `PAYMENTS_ADMIN_TOKEN`."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from application.errors import NotFound, OperatorNameRefused, Unauthorized
from application.shared.ports import Clock, IdGenerator
from application.stores.audit import write_audit
from application.stores.ports import Credentials
from application.stores.sign_in_sessions import SessionKind, SignInSessions
from application.unit_of_work import UnitOfWorkFactory
from domain.operator import BOOTSTRAP, COMMAND_LINE, Actor, Operator

SUBJECT = "operator"


@dataclass(frozen=True, slots=True)
class NewOperator:
    operator: Operator
    token: str  # shown this once


@dataclass(frozen=True, slots=True)
class SignedIn:
    """An authenticated operator and the hash of the token it used (a page session is tied
    to it, so revoking the token ends the session)."""

    actor: Actor
    token_hash: str


class CreateOperator:
    """A named operator gets a fresh token. A name is not empty and is no other operator's
    (`OperatorNameRefused`); the creation is audited."""

    def __init__(
        self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock, credentials: Credentials
    ) -> None:
        self._uow, self._ids, self._clock, self._credentials = uow, ids, clock, credentials

    async def __call__(self, name: str, actor: Actor = COMMAND_LINE) -> NewOperator:
        name = name.strip()
        if not name:
            raise OperatorNameRefused("an operator needs a name")
        token = self._credentials.new_operator_token()
        now = self._clock.now()
        operator = Operator(
            id=self._ids.new("opr"),
            name=name,
            token_hash=self._credentials.hash_api_key(token),
            token_prefix=token[:10],
            created_at=now,
        )
        async with self._uow() as uow:
            if await uow.operators.by_name(name) is not None:
                raise OperatorNameRefused(f"an operator is already named {name!r}")
            await uow.operators.add(operator)
            after = {"name": name, "token_prefix": operator.token_prefix}
            subject = (SUBJECT, operator.id)
            await write_audit(
                uow, self._ids, actor=actor, action="operator.created", subject=subject,
                at=now, after=after,
            )  # fmt: skip
            await uow.commit()
        return NewOperator(operator, token)


class RevokeOperator:
    """An operator (by id or name) loses its token at once, and its desk sessions end;
    revoking twice changes nothing (and writes no second entry)."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        sessions: SignInSessions | None = None,
    ) -> None:
        self._uow, self._ids, self._clock, self._sessions = uow, ids, clock, sessions

    async def __call__(self, id_or_name: str, actor: Actor = COMMAND_LINE) -> Operator:
        now = self._clock.now()
        async with self._uow() as uow:
            operator = await uow.operators.get(id_or_name) or await uow.operators.by_name(
                id_or_name
            )
            if operator is None:
                raise NotFound(f"operator {id_or_name} not found")
            if operator.revoke(now):
                await uow.operators.save(operator)
                await write_audit(
                    uow, self._ids, actor=actor, action="operator.revoked",
                    subject=(SUBJECT, operator.id), at=now,
                    before={"name": operator.name, "active": True},
                    after={"name": operator.name, "active": False},
                )  # fmt: skip
                await uow.commit()
        if self._sessions is not None:
            await self._sessions.end_all(SessionKind.OPERATOR, operator.id)
        return operator


class ListOperators:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self) -> list[Operator]:
        async with self._uow(read_only=True) as uow:
            return await uow.operators.all()


class AuthenticateOperator:
    """A bearer token is the bootstrap `PAYMENTS_ADMIN_TOKEN` (compared in constant time) or
    an active operator's token; anything else, or a revoked token, is unauthorized."""

    def __init__(
        self, uow: UnitOfWorkFactory, credentials: Credentials, bootstrap_token: str
    ) -> None:
        self._uow, self._credentials = uow, credentials
        self._bootstrap = bootstrap_token

    async def __call__(self, token: str | None) -> SignedIn:
        if not token:
            raise Unauthorized("missing operator token")
        if self._bootstrap and hmac.compare_digest(token.encode(), self._bootstrap.encode()):
            return SignedIn(BOOTSTRAP, self._credentials.hash_api_key(self._bootstrap))
        token_hash = self._credentials.hash_api_key(token)
        async with self._uow(read_only=True) as uow:
            operator = await uow.operators.by_token_hash(token_hash)
        if operator is None or not operator.is_active:
            raise Unauthorized("invalid operator token")
        return SignedIn(operator.actor, token_hash)

    async def by_id(self, operator_id: str) -> SignedIn | None:
        """The operator a page session names, None when it is unknown or revoked."""
        if operator_id == BOOTSTRAP.id:
            if not self._bootstrap:
                return None
            return SignedIn(BOOTSTRAP, self._credentials.hash_api_key(self._bootstrap))
        async with self._uow(read_only=True) as uow:
            operator = await uow.operators.get(operator_id)
        if operator is None or not operator.is_active:
            return None
        return SignedIn(operator.actor, operator.token_hash)
