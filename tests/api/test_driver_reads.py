"""On PostgreSQL ``ByKeys.rows`` reads through psycopg itself (persistence/fastread/driver.py), and must look to the
rest of the system like a SQLAlchemy read: inside the session's transaction, heard by the engine's cursor
listeners, and failing as SQLAlchemy's ``DBAPIError`` of the same kind."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from persistence.db import is_sqlite
from persistence.shared.keys import ByKeys

pytestmark = pytest.mark.fast_paths  # persistence/fastread/ itself

NOWHERE = Table("no_such_table", MetaData(), Column("id", Integer), Column("name", String))


@pytest.fixture
def database(app, settings):
    if is_sqlite(settings.database_url):
        pytest.skip("SQLite's reads go through SQLAlchemy")
    return app.state.database


async def test_the_read_is_in_the_sessions_transaction_and_the_listeners_hear_it(database):
    heard: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        heard.append(statement)

    by_id = ByKeys(lambda match: select(text("n")).select_from(
        text("(VALUES (1), (2), (3)) AS v(n)")).where(match(text("n"))))
    by_id.sql = ("SELECT n FROM (VALUES (1), (2), (3)) AS v(n) WHERE n = ANY(%(keys)s::int[]) ORDER BY n",
                  frozenset({"keys"}))
    event.listen(database.engine.sync_engine, "before_cursor_execute", listen)
    event.listen(database.engine.sync_engine, "after_cursor_execute", listen)
    try:
        async with database.write_sessions() as session:
            before = (await session.execute(text("SELECT txid_current()"))).scalar_one()
            assert await by_id.rows(session, [3, 1]) == [(1,), (3,)]
            after = (await session.execute(text("SELECT txid_current()"))).scalar_one()
            await session.rollback()
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", listen)
        event.remove(database.engine.sync_engine, "after_cursor_execute", listen)
    assert before == after  # one transaction around the three statements
    assert sum("ANY(%(keys)s" in statement for statement in heard) == 2  # before and after it ran


async def test_a_driver_error_is_sqlalchemys_and_leaves_the_session_usable(database):
    by_id = ByKeys(lambda match: select(NOWHERE).where(match(NOWHERE.c.id)))
    failures: list = []

    def failed(failure):
        failures.append(failure)

    event.listen(database.engine.sync_engine, "handle_error", failed)
    try:
        async with database.read_sessions() as session:
            with pytest.raises(ProgrammingError) as raised:
                await by_id.rows(session, [1])
            await session.rollback()
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        event.remove(database.engine.sync_engine, "handle_error", failed)
    assert "no_such_table" in str(raised.value) and not isinstance(raised.value, OperationalError)
    assert raised.value.connection_invalidated is False
    assert [f.sqlalchemy_exception for f in failures] == [raised.value]  # the tracer ends its span as an error


async def test_a_lost_connection_reads_as_unavailable_and_is_not_reused(database):
    from persistence.db import is_unavailable

    by_id = ByKeys(lambda match: select(NOWHERE).where(match(NOWHERE.c.id)))
    async with database.read_sessions() as session:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        await driver.close()  # as if the server had gone away
        with pytest.raises(OperationalError) as raised:
            await by_id.rows(session, [1])
        assert is_unavailable(raised.value) and raised.value.connection_invalidated
    async with database.read_sessions() as session:  # the pool hands out a working connection again
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_a_select_built_per_request_runs_through_the_driver_once_compiled_per_shape(database, monkeypatch):
    """``select_rows`` (a page): the same rows as SQLAlchemy's, each shape compiled once whatever its values; an
    expanding IN or a parameter SQLAlchemy converts (a date-time) stays with SQLAlchemy."""
    from datetime import UTC, datetime

    from persistence.claims.repository import CLAIMS
    from persistence.fastread import driver, statements
    from persistence.shared import keys

    through_driver: list[str] = []
    real = driver.driver_rows

    async def spy(session, sql, parameters):
        through_driver.append(sql)
        return await real(session, sql, parameters)

    monkeypatch.setattr(statements, "driver_rows", spy)
    monkeypatch.setattr(statements, "_TEXTS", {})
    values = select(text("n")).select_from(text("(VALUES (1), (2), (3), (4)) AS v(n)"))
    async with database.read_sessions() as session:
        for above, limit in ((0, 2), (1, 3), (3, 5)):
            query = values.where(text("n > :above").bindparams(above=above)).order_by(text("n")).limit(limit)
            expected = [tuple(row) for row in (await session.execute(query)).all()]
            assert [tuple(row) for row in await keys.select_rows(session, query)] == expected
        assert len(through_driver) == 3 and len(statements._TEXTS) == 1  # one shape, three sets of values
        assert await keys.select_rows(session, select(CLAIMS).where(CLAIMS.c.status.in_(["OPEN"]))) == []
        when = datetime(2026, 1, 1, tzinfo=UTC)
        assert await keys.select_rows(session, select(CLAIMS).where(CLAIMS.c.submitted_at > when)) == []
    assert len(through_driver) == 3


async def test_a_read_outside_a_transaction_runs_in_autocommit_on_one_connection(database):
    """``uow(write=False, transaction=False)`` sends no BEGIN and ROLLBACK: each statement is its own transaction
    (as each takes its own snapshot at READ COMMITTED anyway), on the session's one connection; other reads (an
    export's stream) and writes are still one transaction."""
    asked = text("SELECT txid_current(), pg_backend_pid(), current_setting('transaction_isolation')")
    async with database.statement_sessions() as session:
        (first, pid, isolation), (second, same_pid, _) = [
            tuple((await session.execute(asked)).one()) for _ in range(2)]
    assert first != second and pid == same_pid and isolation == "read committed"
    for sessions in (database.read_sessions, database.write_sessions):
        async with sessions() as session:
            first, second = [(await session.execute(asked)).one()[0] for _ in range(2)]
            await session.rollback()
        assert first == second


async def test_reads_of_one_transaction_share_its_connection_and_the_next_transaction_its_own(database):
    """The driver's connection is looked up once per transaction: after a commit the next read runs in the new
    transaction, on whatever connection it has."""
    by_id = ByKeys(lambda match: select(text("n")).select_from(
        text("(VALUES (1), (2), (3)) AS v(n)")).where(match(text("n"))))
    by_id.sql = ("SELECT n, txid_current() FROM (VALUES (1), (2), (3)) AS v(n) WHERE n = ANY(%(keys)s::int[])",
                  frozenset({"keys"}))
    async with database.write_sessions() as session:
        looked_up = []
        real = session.connection

        async def connection(*args, **kwargs):
            looked_up.append(1)
            return await real(*args, **kwargs)

        session.connection = connection  # type: ignore[method-assign]
        [(_, first)] = await by_id.rows(session, [1])
        [(_, again)] = await by_id.rows(session, [2])
        assert len(looked_up) == 1
        await session.commit()
        [(_, next_one)] = await by_id.rows(session, [3])
        assert len(looked_up) == 2
        now = (await session.execute(text("SELECT txid_current()"))).scalar_one()
        await session.rollback()
    assert first == again and next_one != first and next_one == now
