"""PostgreSQL hands results over in binary (``persistence/fastread/binary.py``): every column type the
schema uses, and the aggregates the reports read, load to the same Python values as from text."""

from __future__ import annotations

from datetime import UTC

import psycopg
import pytest
from psycopg.pq import Format

from persistence.db import is_sqlite
from persistence.fastread.binary import BinaryResultsCursor

pytestmark = pytest.mark.fast_paths  # persistence/fastread/ itself

QUERY = """SELECT 7::int4, 9007199254740993::int8, true, false, 'é 鲜果'::varchar, 'text'::text,
  '2026-11-23T02:00:00.000250+08:00'::timestamptz, sum(x), count(*), min(x)::numeric / 3, NULL::int8, max(y),
  date_bin('1 day', '2026-11-23T02:00:00+00'::timestamptz, '2026-01-01'::timestamptz)
FROM (VALUES (1::bigint, 'a'::varchar), (2, 'b')) AS v(x, y)"""


async def test_postgresql_reads_in_binary_and_loads_what_text_would(app, settings):
    if is_sqlite(settings.database_url):
        pytest.skip("SQLite has no result formats")
    async with app.state.database.engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        cursor = driver.cursor()
        assert isinstance(cursor, BinaryResultsCursor)
        binary = await (await cursor.execute(QUERY)).fetchone()
        assert cursor.pgresult is not None and cursor.pgresult.fformat(0) == Format.BINARY
        as_text = await (await psycopg.AsyncCursor(driver).execute(QUERY)).fetchone()
    assert binary == as_text
    assert [type(value) for value in binary] == [type(value) for value in as_text]
    assert binary[6].tzinfo is UTC  # the sessions run in UTC: timestamps arrive as the domain wants them
