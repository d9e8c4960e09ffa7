"""An engine's connections belong to the process that opened them (models/db.py `guard_engine`)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from models.db import engine_for

pytestmark = pytest.mark.postgres


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_forked_child_opens_its_own_connection_and_the_parent_keeps_its_own(pg_url):
    engine = engine_for(pg_url)
    engine.dispose()  # earlier tests may have left several idle connections: keep exactly one
    parent_backend = _backend_pid(engine)  # now idle in the pool, inherited by the child
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        try:
            os.write(write, str(_backend_pid(engine)).encode())
        finally:
            os._exit(0)
    os.close(write)
    child_backend = int(os.read(read, 64))
    os.close(read)
    os.waitpid(child, 0)

    assert child_backend != parent_backend
    assert _backend_pid(engine) == parent_backend  # the child neither used nor closed the parent's


def test_a_pooled_connection_of_another_process_is_refused_and_left_open(pg_url):
    engine = engine_for(pg_url)
    with engine.connect() as connection:
        owner_backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        foreign = connection.connection.dbapi_connection
        connection.connection._connection_record.info["pid"] = os.getpid() + 1  # "opened elsewhere"

    assert _backend_pid(engine) != owner_backend
    # Dropped without being closed: to its owner the session is still there.
    assert foreign.execute("SELECT pg_backend_pid()").fetchone()[0] == owner_backend
    foreign.close()
