"""The identity unit tests' database session: each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from models.db import get_engine


@pytest.fixture
def session(any_db_url: str) -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session
