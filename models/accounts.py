"""Organisations, users and their login sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class OrganisationKind(StrEnum):
    OEM = "oem"
    SUPPLIER = "supplier"
    DEALER = "dealer"
    CARRIER = "carrier"
    CONSUMER = "consumer"  # the home of end customers' accounts


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    SUPPLIER = "supplier"
    DEALER = "dealer"
    CUSTOMER = "customer"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(_in("kind", OrganisationKind), name="ck_organisation_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200, description="Chinese name (None: none)")
    kind: str = Field(max_length=20, index=True)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    currency: str = Field(max_length=3, description="ISO 4217")
    time_zone: str = Field(max_length=64, description="IANA zone, e.g. Asia/Shanghai")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(_in("role", Role), name="ck_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, description="as typed at creation")
    email_normalized: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20, index=True)
    organisation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    is_active: bool = True
    failed_login_count: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    language: str = Field(default="en", max_length=5)
    time_zone: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A server-side login session; the browser holds only the random token."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    user_agent: str = Field(default="", max_length=400)
    revoked: bool = False
