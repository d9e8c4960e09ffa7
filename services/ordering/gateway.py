"""The payment gateway adapter: the protocol our payment service talks to, and a simulated bank.

`PaymentGateway` is what services/ordering/payments.py needs from any gateway: capture money under an
idempotency key (the same key never captures twice), tell the final status of a key, refund a
capture. A real adapter implements the same three calls against the bank's API.

`SimulatedGateway` is the bank the portal ships with (demo and tests). Its books live in the
database (`gateway_ledger`), separate from the portal's own rows and written in their own
transactions, so a Celery worker, the web process and a test all see the same captures, and a
capture survives a worker killed before it could record the result. Its behaviour is scripted in
the `gateway_script` table, per payment key or for every key (`key` "*"), so a test can set it for
a worker running in another process (`set_behaviour`):

    approve   the bank captures at once and answers "approved"
    decline   the bank refuses, with a reason the buyer is shown
    timeout   the request never reaches the bank: no answer, nothing captured
    late      the bank takes the request, answers nothing now and decides later (`settle`), telling
              the portal by a signed notice (POST /api/v1/payments/notify)

`delay_seconds` makes any answer arrive that much later (after the bank has decided, so a worker
killed during the delay has captured but not recorded it); `notices` makes the bank send its
notice that many times. With no script row the bank approves. Payment notices are signed with
HMAC-SHA256 over the raw body using `settings.payment_notify_secret` (`sign_notice`,
`verify_notice`).

Call the gateway outside your own database transaction: it is another system, and on SQLite an
open write transaction of the caller would make the bank's write wait for it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import GatewayLedger, GatewayScript
from models.db import get_engine
from models.orders import GatewayMode, GatewayStatus
from models.settings import get_settings
from models.types import utcnow

DEFAULT_SCRIPT_KEY = "*"
SIGNATURE_HEADER = "X-Payment-Signature"


@dataclass(frozen=True)
class GatewayResult:
    """The bank's answer. `reference` identifies the capture (or the refund, for `refund`)."""

    status: GatewayStatus
    reference: str | None = None
    reason: str | None = None
    amount: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class SignedNotice:
    """A payment notice as the bank posts it: the raw body and its signature header value."""

    body: bytes
    signature: str


class PaymentGateway(Protocol):
    """What the payment service needs from a gateway."""

    def capture(self, idempotency_key: str, amount: Decimal, currency: str) -> GatewayResult:
        """Take `amount` once per key. Answers APPROVED (with the capture's reference), DECLINED
        (with a reason) or TIMEOUT (no answer: the key's final status decides later). Asking again
        with the same key returns the first decision and never captures twice."""
        ...

    def status(self, idempotency_key: str) -> GatewayResult:
        """The final word on a key: APPROVED, DECLINED, REFUNDED, PENDING (undecided) or UNKNOWN
        (never received)."""
        ...

    def refund(self, reference: str, amount: Decimal) -> GatewayResult:
        """Give back a capture in full. APPROVED with the refund's reference, also when it was
        already refunded (so a retried refund never pays out twice); DECLINED with a reason when
        there is nothing to refund."""
        ...


def sign_notice(body: bytes) -> str:
    """The hex HMAC-SHA256 of `body` under `settings.payment_notify_secret`."""
    secret = get_settings().payment_notify_secret.encode()
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_notice(body: bytes, signature: str | None) -> bool:
    """True when `signature` (hex, optionally prefixed "sha256=") signs `body`; constant-time."""
    if not signature:
        return False
    signature = signature.strip()
    if signature.lower().startswith("sha256="):
        signature = signature[7:]
    return hmac.compare_digest(sign_notice(body).encode(), signature.lower().encode())


def notice_body(entry: GatewayLedger) -> bytes:
    """The JSON a bank notice carries for a ledger entry (the fields services/ordering/payments.py reads)."""
    status = GatewayStatus.APPROVED if entry.status == GatewayStatus.REFUNDED else entry.status
    return json.dumps(
        {
            "type": "payment.capture",
            "idempotency_key": entry.idempotency_key,
            "reference": entry.reference,
            "status": str(status),
            "amount": str(entry.amount),
            "currency": entry.currency,
            "reason": entry.reason,
        },
        sort_keys=True,
    ).encode()


class SimulatedGateway:
    """A bank kept in the database; idempotent per key; scripted by `gateway_script` rows."""

    def __init__(self, engine: Engine | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self._engine = engine
        self._sleep = sleep

    @property
    def engine(self) -> Engine:
        return self._engine or get_engine()

    def capture(self, idempotency_key: str, amount: Decimal, currency: str) -> GatewayResult:
        # One short session for the whole capture (script, ledger look-up, ledger insert): the
        # bank's decision is committed before the scripted delay, as before.
        with Session(self.engine, expire_on_commit=False) as session:
            script = self._script(session, idempotency_key)
            if script.mode == GatewayMode.TIMEOUT:
                session.commit()
                entry = None
            else:
                entry = self._record(session, idempotency_key, amount, currency, script)
        self._sleep(script.delay_seconds)
        if entry is None:
            return GatewayResult(GatewayStatus.TIMEOUT, reason="no answer from the bank")
        if entry.amount != amount or entry.currency != currency:
            return GatewayResult(
                GatewayStatus.DECLINED,
                reference=entry.reference,
                reason="idempotency key already used for another amount",
            )
        return _result(entry, answering_capture=True)

    def status(self, idempotency_key: str) -> GatewayResult:
        entry = self._entry(idempotency_key)
        if entry is None:
            return GatewayResult(GatewayStatus.UNKNOWN)
        return _result(entry, answering_capture=False)

    def refund(self, reference: str, amount: Decimal) -> GatewayResult:
        with Session(self.engine) as session:
            result = session.exec(
                update(GatewayLedger)
                .where(
                    GatewayLedger.reference == reference,
                    GatewayLedger.amount == amount,
                    GatewayLedger.status == GatewayStatus.APPROVED,
                )
                .values(status=GatewayStatus.REFUNDED, refund_reference=_new_reference("RF"))
                .execution_options(synchronize_session=False)
            )
            session.commit()
            entry = session.exec(select(GatewayLedger).where(GatewayLedger.reference == reference)).first()
        if entry is None:
            return GatewayResult(GatewayStatus.DECLINED, reason="unknown capture reference")
        if entry.status == GatewayStatus.REFUNDED and (result.rowcount == 1 or entry.amount == amount):
            return GatewayResult(
                GatewayStatus.APPROVED,
                reference=entry.refund_reference,
                amount=entry.amount,
                currency=entry.currency,
            )
        if entry.amount != amount:
            return GatewayResult(GatewayStatus.DECLINED, reason="only full refunds are supported")
        return GatewayResult(GatewayStatus.DECLINED, reason=f"nothing captured ({entry.status})")

    # --- the bank's side, for demos and tests ---

    def script_for(self, idempotency_key: str) -> GatewayScript:
        """The behaviour for this key: its own row, else the "*" row, else approve."""
        with Session(self.engine, expire_on_commit=False) as session:
            script = self._script(session, idempotency_key)
            session.commit()
        return script

    @staticmethod
    def _script(session: Session, idempotency_key: str) -> GatewayScript:
        # Plain columns, one prebuilt statement: the bank is asked once per order.
        rows = {
            row.key: row
            for row in session.connection().execute(
                _SCRIPTS, {"key": idempotency_key, "default": DEFAULT_SCRIPT_KEY}
            )
        }
        row = rows.get(idempotency_key) or rows.get(DEFAULT_SCRIPT_KEY)
        if row is None:
            return GatewayScript(key=DEFAULT_SCRIPT_KEY, mode=GatewayMode.APPROVE)
        return GatewayScript(
            key=row.key,
            mode=row.mode,
            reason=row.reason,
            delay_seconds=row.delay_seconds,
            notices=row.notices,
        )

    def set_behaviour(
        self,
        mode: GatewayMode | str,
        *,
        key: str = DEFAULT_SCRIPT_KEY,
        reason: str | None = None,
        delay_seconds: float = 0.0,
        notices: int = 1,
    ) -> None:
        """Script how the bank answers `key` (a payment's idempotency key, or "*" for all)."""
        mode = GatewayMode(mode)
        with Session(self.engine) as session:
            row = session.get(GatewayScript, key) or GatewayScript(key=key, mode=mode)
            row.mode, row.reason, row.delay_seconds, row.notices = mode, reason, delay_seconds, notices
            session.add(row)
            session.commit()

    def clear_behaviour(self, key: str = DEFAULT_SCRIPT_KEY) -> None:
        with Session(self.engine) as session:
            row = session.get(GatewayScript, key)
            if row is not None:
                session.delete(row)
                session.commit()

    def settle(self, idempotency_key: str, *, approve: bool, reason: str | None = None) -> list[SignedNotice]:
        """The bank decides a capture it left pending ("late" mode) and returns the signed notices
        it sends (as many as the key's script says). Raises LookupError when nothing is pending."""
        with Session(self.engine) as session:
            result = session.exec(
                update(GatewayLedger)
                .where(
                    GatewayLedger.idempotency_key == idempotency_key,
                    GatewayLedger.status == GatewayStatus.PENDING,
                )
                .values(
                    status=GatewayStatus.APPROVED if approve else GatewayStatus.DECLINED,
                    reason=None if approve else (reason or "declined by the bank"),
                    settled_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
        if result.rowcount != 1:
            raise LookupError(f"no pending capture for {idempotency_key!r}")
        return self.notices_for(idempotency_key)

    def notices_for(self, idempotency_key: str) -> list[SignedNotice]:
        """The signed notice(s) the bank sends about this key's current decision."""
        entry = self._entry(idempotency_key)
        if entry is None or entry.status == GatewayStatus.PENDING:
            return []
        body = notice_body(entry)
        count = self.script_for(idempotency_key).notices
        return [SignedNotice(body, sign_notice(body)) for _ in range(count)]

    def ledger(self, idempotency_key: str) -> GatewayLedger | None:
        """The bank's record for a key (None when it never received it)."""
        return self._entry(idempotency_key)

    def _entry(self, idempotency_key: str) -> GatewayLedger | None:
        with Session(self.engine, expire_on_commit=False) as session:
            entry = _ledger_entry(session, idempotency_key)
            session.commit()
            return entry

    @staticmethod
    def _record(
        session: Session, idempotency_key: str, amount: Decimal, currency: str, script: GatewayScript
    ) -> GatewayLedger:
        """The bank's decision for this key: the one recorded before, else a new one inserted now
        (`INSERT ... ON CONFLICT DO NOTHING` on PostgreSQL and SQLite: one statement when the key is
        new). Commits `session` (a session of ours)."""
        status = {
            GatewayMode.APPROVE: GatewayStatus.APPROVED,
            GatewayMode.DECLINE: GatewayStatus.DECLINED,
            GatewayMode.LATE: GatewayStatus.PENDING,
        }[GatewayMode(script.mode)]
        now = utcnow()
        entry = GatewayLedger(
            idempotency_key=idempotency_key,
            reference=_new_reference("CP"),
            amount=amount,
            currency=currency,
            status=status,
            reason=(script.reason or "declined by the bank") if status == GatewayStatus.DECLINED else None,
            created_at=now,
            settled_at=None if status == GatewayStatus.PENDING else now,
        )
        dialect = session.get_bind().dialect.name
        if dialect in _UPSERT_INSERTS:
            table = GatewayLedger.__table__
            row = {
                column.name: getattr(entry, column.key) for column in table.columns if not column.primary_key
            }
            inserted = session.execute(
                _UPSERT_INSERTS[dialect](table)
                .values(row)
                .on_conflict_do_nothing(index_elements=["idempotency_key"])
                .returning(table.c.id)
            ).first()
            if inserted is None:  # recorded before (or by a concurrent capture): that decision stands
                entry = _ledger_entry(session, idempotency_key)
            else:
                entry.id = inserted[0]
            session.commit()
            return entry
        existing = _ledger_entry(session, idempotency_key)
        if existing is not None:
            session.commit()
            return existing
        session.add(entry)
        try:
            session.commit()
        except IntegrityError:
            # A concurrent capture with the same key got there first: its decision stands.
            session.rollback()
            entry = session.exec(
                select(GatewayLedger).where(GatewayLedger.idempotency_key == idempotency_key)
            ).one()
            session.commit()
        return entry


_SCRIPT_TABLE = GatewayScript.__table__
_SCRIPTS = select(
    _SCRIPT_TABLE.c.key,
    _SCRIPT_TABLE.c.mode,
    _SCRIPT_TABLE.c.reason,
    _SCRIPT_TABLE.c.delay_seconds,
    _SCRIPT_TABLE.c.notices,
).where(_SCRIPT_TABLE.c.key.in_([bindparam("key"), bindparam("default")]))

_UPSERT_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _ledger_entry(session: Session, idempotency_key: str) -> GatewayLedger | None:
    return session.exec(select(GatewayLedger).where(GatewayLedger.idempotency_key == idempotency_key)).first()


def _result(entry: GatewayLedger, *, answering_capture: bool) -> GatewayResult:
    status = GatewayStatus(entry.status)
    if status == GatewayStatus.PENDING and answering_capture:
        status = GatewayStatus.TIMEOUT
    return GatewayResult(
        status, reference=entry.reference, reason=entry.reason, amount=entry.amount, currency=entry.currency
    )


def _new_reference(prefix: str) -> str:
    return f"SIM-{prefix}-{uuid.uuid4().hex[:16].upper()}"


def get_gateway() -> PaymentGateway:
    """The gateway the portal uses. Only the simulated bank ships; a real adapter goes here."""
    return SimulatedGateway()
