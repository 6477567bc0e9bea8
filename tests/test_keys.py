"""Batch reads by many keys are built once per dialect (persistence/shared/keys.py): one array
parameter on PostgreSQL, an expanding IN elsewhere; rows become named tuples in the table's column order."""

from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from persistence.fastread.statements import _direct_text
from persistence.shared.keys import ByKeys, Rows

THINGS = Table("things", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))
BY_ID = ByKeys(lambda match: select(THINGS).where(match(THINGS.c.id)))


def test_one_statement_text_on_postgresql_whatever_the_number_of_keys():
    statement = BY_ID.statement("postgresql")
    assert statement is BY_ID.statement("postgresql")  # built once
    text = str(statement.compile(dialect=postgresql.psycopg.dialect()))
    assert "= ANY (%(keys)s::INTEGER[])" in text


def test_an_expanding_in_elsewhere():
    text = str(BY_ID.statement("sqlite").compile(dialect=sqlite.dialect()))
    assert "IN (__[POSTCOMPILE_keys])" in text


def test_rows_keep_the_names_and_order_of_the_columns():
    rows = Rows(THINGS)([(1, "a"), (2, "b")])
    assert [(r.id, r.name) for r in rows] == [(1, "a"), (2, "b")]


def test_postgresql_runs_a_plain_select_by_its_text_and_anything_else_through_sqlalchemy():
    """``ByKeys.rows`` hands psycopg the compiled text only when SQLAlchemy would not touch a value on the way:
    the caller's parameters alone, the keys a plain array, the columns loaded as they come."""
    from datetime import UTC, datetime

    from sqlalchemy import Enum, insert, literal
    from sqlalchemy.types import TypeDecorator

    from persistence.shared.types import UTCDateTime

    class Shouting(TypeDecorator):
        impl, cache_ok = String, True

        def process_result_value(self, value, dialect):
            return value.upper()

    dialect = postgresql.psycopg.dialect()
    stamped = Table("stamped", MetaData(), Column("id", Integer), Column("at", UTCDateTime),
                    Column("loud", Shouting), Column("mood", Enum("calm", "cross", name="mood")))
    plain = ByKeys(lambda match: select(stamped.c.id, stamped.c.at).where(match(stamped.c.id),
                                                                           stamped.c.id > bindparam("after")))
    sql, takes = _direct_text(plain, dialect)
    assert sql is not None and "= ANY (%(keys)s::INTEGER[])" in sql and takes == {"keys", "after"}
    assert _direct_text(BY_ID, dialect)[0] is not None

    for refused in (
        ByKeys(lambda match: select(stamped.c.loud).where(match(stamped.c.id))),  # a column SQLAlchemy converts
        ByKeys(lambda match: select(stamped.c.id).where(match(stamped.c.id), stamped.c.mood == "calm")),  # a literal
        ByKeys(lambda match: select(stamped.c.id).where(match(stamped.c.id),  # a parameter SQLAlchemy converts
                                                        stamped.c.at < bindparam("before", type_=UTCDateTime))),
        ByKeys(lambda match: select(literal(1)).where(match(stamped.c.id))),  # a literal in the columns
        ByKeys(lambda match: insert(stamped).from_select(["id"], select(stamped.c.id).where(match(stamped.c.id)))),
        ByKeys(lambda match: select(stamped.c.id).where(match(stamped.c.id), stamped.c.at < datetime.now(UTC))),
    ):
        assert _direct_text(refused, dialect)[0] is None
