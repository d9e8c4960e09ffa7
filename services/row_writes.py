"""Writing rows with as few round trips and as little Python as the database allows.

The transaction core's hot paths (placing an order, settling a payment) write several small rows
per request. Building an ORM object per row, or a fresh SQL statement per call, costs more CPU
than the database spends on the rows, so these helpers take plain dicts (column name -> value)
and execute statements that are built once per shape and cached, so SQLAlchemy compiles each
shape once per process.

`insert_together` writes rows of several tables: on PostgreSQL in ONE statement (every row but
the last a data-modifying CTE, `WITH a AS (INSERT ...), b AS (INSERT ...) INSERT ...`), elsewhere
with one executemany per table. Everything runs in the caller's transaction; nothing commits.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, Table, bindparam, insert
from sqlmodel import Session, SQLModel

Rows = Sequence[dict[str, Any]]


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def insert_together(session: Session, groups: Sequence[tuple[type[SQLModel], Rows]]) -> None:
    """INSERT each group's rows into its table; groups with no rows are skipped.

    Every row of a group must have the same keys. Columns a row leaves out get their server-side
    or SQL default (none here: pass every column you need).
    """
    groups = [(table_of(model), rows) for model, rows in groups if rows]
    if not groups:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for table, rows in groups:
            connection.execute(insert(table), list(rows))
        return
    shape = tuple((table.name, tuple(rows[0]), len(rows)) for table, rows in groups)
    params = {f"g{g}r{r}_{column}": value
              for g, (_, rows) in enumerate(groups)
              for r, row in enumerate(rows)
              for column, value in row.items()}
    connection.execute(_combined_insert(shape), params)


@functools.lru_cache(maxsize=256)
def _combined_insert(shape: tuple[tuple[str, tuple[str, ...], int], ...]) -> Insert:
    """The PostgreSQL statement for one shape: ((table name, columns, row count), ...)."""
    # One single-row INSERT per row: a multi-row VALUES statement is one SQLAlchemy will not cache.
    metadata = SQLModel.metadata
    statements = [
        insert(metadata.tables[table_name]).values({
            column: bindparam(f"g{g}r{r}_{column}", type_=metadata.tables[table_name].c[column].type)
            for column in columns})
        for g, (table_name, columns, count) in enumerate(shape) for r in range(count)
    ]
    ctes = [statement.cte(f"insert_{n}") for n, statement in enumerate(statements[:-1])]
    return statements[-1].add_cte(*ctes) if ctes else statements[-1]
