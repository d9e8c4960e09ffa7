"""The supply unit tests' database session and world (SQLite; see tests/supply_world.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from models.db import get_engine
from tests.supply_world import SupplyWorld, build_world


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def parts_per_supplier() -> int:
    """How many parts each supplier of the world supplies; a module overrides it for more."""
    return 3


@pytest.fixture
def world(session: Session, parts_per_supplier: int) -> SupplyWorld:
    return build_world(session, parts_per_supplier=parts_per_supplier)
