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

from sqlalchemy import Table, TextClause, Update, bindparam, func, insert, select, text
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlmodel import Session, SQLModel

Rows = Sequence[dict[str, Any]]


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def insert_together(
    session: Session,
    groups: Sequence[tuple[type[SQLModel], Rows]],
    guard: Update | None = None,
    guard_params: dict[str, Any] | None = None,
) -> tuple[int, int | None]:
    """INSERT each group's rows into its table, and run `guard` (an UPDATE) with them.

    Returns (the id of the very last row inserted, the number of rows `guard` updated, or None
    without a guard). Every row of a group must have the same keys; groups with no rows are
    skipped (at least one row in all). Columns a row leaves out get their SQL default (none here:
    pass every column). On PostgreSQL the guard is one more CTE of the same statement; a caller
    that needs it to have updated something rolls back when it did not. Its parameter names must
    not start with "g<digit>".
    """
    groups = [(table_of(model), _without_nulls(table_of(model), rows)) for model, rows in groups if rows]
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        *others, (last_table, last_rows) = groups
        for table, rows in [*others, (last_table, last_rows[:-1])]:
            if rows:
                connection.execute(insert(table), list(rows))
        last_id = connection.execute(
            insert(last_table).returning(last_table.c.id), last_rows[-1]
        ).scalar_one()
        return last_id, None if guard is None else connection.execute(guard, guard_params).rowcount
    shape = tuple((table.name, tuple(rows[0]), len(rows)) for table, rows in groups)
    params = {
        f"g{g}r{r}_{column}": value
        for g, (_, rows) in enumerate(groups)
        for r, row in enumerate(rows)
        for column, value in row.items()
    }
    returned = connection.execute(_combined_insert(shape, guard), {**params, **(guard_params or {})}).all()
    return returned[-1][0], None if guard is None else returned[-1][1]


def _without_nulls(table: Table, rows: Rows) -> Rows:
    """The rows without the columns that are NULL in every one of them and would be NULL anyway
    (nullable, no default): fewer parameters per statement. (psycopg caches the conversion of a
    statement with at most 50 parameters; the placement's would have more.)"""
    drop = [
        column
        for column in rows[0]
        if all(row[column] is None for row in rows) and _null_by_default(table, column)
    ]
    if not drop:
        return rows
    return [{column: value for column, value in row.items() if column not in drop} for row in rows]


@functools.cache
def _null_by_default(table: Table, column: str) -> bool:
    c = table.c[column]
    return c.nullable and c.default is None and c.server_default is None


@functools.lru_cache(maxsize=256)
def _combined_insert(
    shape: tuple[tuple[str, tuple[str, ...], int], ...], guard: Update | None = None
) -> TextClause:
    """The PostgreSQL statement for one shape: ((table name, columns, row count), ...), and a guard.

    Each group is ONE multi-row INSERT, so its rows get their ids in the order given (a timeline's
    entries stay in order); groups but the last are CTEs, as is the guard, whose updated rows are
    counted in the RETURNING. SQLAlchemy does not cache multi-row VALUES statements, so the SQL is
    rendered here once per shape and kept as a text statement whose parameters carry the columns'
    types (JSON, UTC datetimes, money are converted as usual).
    """
    metadata = SQLModel.metadata
    statements, parameters = [], []
    for g, (table_name, columns, count) in enumerate(shape):
        table = metadata.tables[table_name]
        rows = [
            {column: bindparam(f"g{g}r{r}_{column}", type_=table.c[column].type) for column in columns}
            for r in range(count)
        ]
        statements.append(insert(table).values(rows) if count > 1 else insert(table).values(rows[0]))
        parameters += [row[column] for row in rows for column in columns]
    ctes = [statement.cte(f"insert_{g}") for g, statement in enumerate(statements[:-1])]
    returning = [statements[-1].table.c.id]
    if guard is not None:
        guarded = guard.returning(guard.table.c.id).cte("guard")
        ctes.append(guarded)
        returning.append(select(func.count()).select_from(guarded).scalar_subquery())
    last = statements[-1].returning(*returning)
    statement = last.add_cte(*ctes) if ctes else last
    # Casts ("::TYPE") must not read as parameters in a text statement: escape their colons.
    sql = str(statement.compile(dialect=_NAMED_PARAMETERS)).replace("::", "\\:\\:")
    # The last group's ids, last row last: RETURNING follows the VALUES order for one INSERT.
    return text(sql).bindparams(*parameters)


_NAMED_PARAMETERS = postgresql_psycopg.dialect(paramstyle="named")
