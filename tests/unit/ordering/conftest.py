"""The ordering unit tests' database session, world (see tests/ordering_world.py) and bank."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.ordering.gateway import SimulatedGateway
from tests.ordering_world import World, build_world


@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    """SQLite; a module that runs on both databases overrides it with `any_db_url`."""
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture
def bank() -> SimulatedGateway:
    """The simulated bank, without its pauses."""
    return SimulatedGateway(sleep=lambda _seconds: None)
