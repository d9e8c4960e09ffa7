"""Fast inserts inside the caller's transaction: COPY on PostgreSQL, chunked executemany on SQLite."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from psycopg import sql
from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Connection

# Rows per COPY statement: bounds the queue of foreign-key checks PostgreSQL keeps per statement.
_COPY_CHUNK = 250_000
_EXECUTEMANY_CHUNK = 5_000


class BulkWriter:
    """Writes plain row tuples to a table on one SQLAlchemy connection, in its open transaction.

    On PostgreSQL the rows go through psycopg's COPY on the connection's own DBAPI connection,
    so they are part of the same transaction as everything else; elsewhere through Core
    `insert()` executemany in chunks.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert `rows` (tuples in the order of `columns`); returns how many were written."""
        iterator = iter(rows)
        chunk_size = _COPY_CHUNK if self.copy else _EXECUTEMANY_CHUNK
        written = 0
        while chunk := list(islice(iterator, chunk_size)):
            if self.copy:
                self._copy(table, columns, chunk)
            else:
                records = [dict(zip(columns, row, strict=True)) for row in chunk]
                self.connection.execute(insert(table), records)
            written += len(chunk)
        return written

    def _copy(self, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def ids(self, table: Table, key: str) -> dict[str, int]:
        """Map the natural key `key` (slug, code, sku) of every row of `table` to its id."""
        column = table.c[key]
        return dict(self.connection.execute(select(column, table.c.id)).tuples().all())

    def analyze(self, tables: Iterable[Table]) -> None:
        """Refresh the planner's statistics after a bulk load (PostgreSQL only)."""
        if self.copy:
            for table in tables:
                self.connection.exec_driver_sql(f'ANALYZE "{table.name}"')
