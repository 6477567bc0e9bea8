"""Engines. SQLite: foreign keys on, WAL, a busy timeout, and ``BEGIN IMMEDIATE`` for writing transactions so
writers queue for the lock up front instead of failing mid-transaction. PostgreSQL through psycopg 3."""

from __future__ import annotations

import os
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from persistence import fastread

BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 2


def is_unavailable(error: BaseException) -> bool:
    """The database cannot be reached, or (SQLite) stayed locked past the busy timeout: a retryable condition,
    reported as SERVICE_UNAVAILABLE rather than an internal error."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, (OperationalError, InterfaceError, PoolTimeout, ConnectionError, TimeoutError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def async_url(url: str) -> str:
    """Accept plain ``sqlite:///`` and ``postgresql://`` URLs and pick the async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (for Alembic)."""
    parsed = make_url(async_url(url))
    if parsed.drivername == "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_pragmas(dbapi_connection) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" hook below emit BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, *, pool_size: int = 10, fast_reads: bool = True) -> AsyncEngine:
    """``fast_reads``: PostgreSQL's results in binary and reads through the driver (``persistence/fastread/``)."""
    url = async_url(url)
    if not is_sqlite(url):
        engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                                     pool_timeout=CONNECT_TIMEOUT_S,
                                     connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": "-c TimeZone=UTC"},
                                     hide_parameters=True)
        if fast_reads:
            fastread.binary_results(engine)
        return engine
    # hide_parameters: a database error's message (logged with its traceback) never carries the values bound to it
    engine = create_async_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True)

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        sqlite_pragmas(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn):
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The engine and two session makers: writing transactions (``BEGIN IMMEDIATE`` on SQLite) and reads."""

    def __init__(self, url: str, *, fast_reads: bool = True):
        """``fast_reads`` (``FAST_PATHS``): reads through the driver where SQLAlchemy would change nothing
        (``persistence/fastread/``); off, every statement runs through SQLAlchemy."""
        import persistence.tables  # noqa: F401  (every table, its integers widened, before a statement compiles)

        self.url = async_url(url)
        self.engine = create_engine(self.url, fast_reads=fast_reads)
        writer = self.engine.execution_options(sqlite_immediate=True) if is_sqlite(self.url) else self.engine
        info = fastread.session_info(fast_reads)
        self.write_sessions = async_sessionmaker(writer, expire_on_commit=False, autoflush=False, info=info)
        self.read_sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False, info=info)
        # Reads outside a transaction (``uow(write=False, transaction=False)``: a GraphQL page and its batches). On
        # PostgreSQL in autocommit, with the same pool and listeners (psycopg switches the mode without a round
        # trip): no BEGIN and ROLLBACK around the read, two of a page of claims' eleven round trips and 14 % of its
        # system calls. Nothing is lost: at READ COMMITTED each statement of a transaction takes its own snapshot
        # anyway. A read that streams through a server-side cursor (an export) needs its transaction: it keeps
        # ``read_sessions``. SQLite keeps its transaction (its snapshot holds across the read's statements).
        statements = self.engine if is_sqlite(self.url) else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.statement_sessions = async_sessionmaker(statements, expire_on_commit=False, autoflush=False, info=info)
        self.events_committed: list[Callable[[], None]] = []  # called after a commit that wrote events
        self.deliveries_committed: list[Callable[[], None]] = []  # … and after one that wrote webhook deliveries
        self._file_identity: tuple[int, int] | None = None
        self.file_problem()  # the file this process opened (SQLite)

    def file_problem(self) -> str | None:
        """SQLite: whether the database file is still the one this process opened. A file deleted (or replaced)
        while the server runs is not noticed by open connections, which go on writing to the unlinked file: every
        acknowledged write is then lost. None on PostgreSQL, or while the file is the same."""
        if not is_sqlite(self.url):
            return None
        path = self.engine.url.database
        if not path or path == ":memory:":
            return None
        try:
            found = os.stat(path)
        except FileNotFoundError:
            return "the database file was removed"
        identity = (found.st_dev, found.st_ino)
        if self._file_identity is None:
            self._file_identity = identity
        return None if identity == self._file_identity else "the database file was replaced"

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def revision(self) -> str | None:
        """The migration the database is at (Alembic's ``alembic_version``), None before the first."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        async with self.engine.connect() as conn:
            try:
                return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()
            except DBAPIError:
                return None

    async def dispose(self) -> None:
        await self.engine.dispose()
