"""Batch reads by many keys are built once per dialect (persistence/shared/keys.py): one array
parameter on PostgreSQL, an expanding IN elsewhere; rows become named tuples in the table's column order."""

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

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
