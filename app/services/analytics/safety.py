"""Which statements the read-only console runs, decided by DuckDB's own parser (not by matching text).

This is the second fence: the connection itself is locked down (see archive.py), so even a statement that slipped
through could not reach files outside the data directory or change the configuration.
"""

import re

import duckdb

from app.errors import PitwallError

# SELECT covers WITH, VALUES, FROM-first, SUMMARIZE, DESCRIBE and SHOW in DuckDB's parser.
READ_ONLY = {duckdb.StatementType.SELECT}
_EXPLAIN = re.compile(r"^\s*explain(\s+analyze)?\b", re.IGNORECASE)


class RefusedStatement(PitwallError):
    """The console only reads; this statement would change or reach outside the archive."""


def check_read_only(conn: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Return the one statement in `sql` if it only reads; raise RefusedStatement or a parse error otherwise."""
    try:
        statements = conn.extract_statements(sql)
    except duckdb.Error as exc:
        raise PitwallError(_first_line(exc)) from exc
    if not statements:
        raise PitwallError("Nothing to run: the query is empty.")
    if len(statements) > 1:
        raise RefusedStatement("Run one statement at a time.")
    stmt = statements[0]
    kind = stmt.type
    if kind == duckdb.StatementType.EXPLAIN:
        inner = _EXPLAIN.sub("", stmt.query, count=1)
        check_read_only(conn, inner)  # EXPLAIN ANALYZE runs its statement, so that one must read only too
        return stmt.query
    if kind not in READ_ONLY:
        verb = (stmt.query.split() or [kind.name])[0].upper()
        raise RefusedStatement(
            f"Refused: {verb} statements are not allowed in the read-only SQL console "
            "(only SELECT, WITH, EXPLAIN, SUMMARIZE, DESCRIBE, SHOW). Turn on 'sql_unrestricted' to allow them."
        )
    return stmt.query


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
