"""H1's three stores of buckets. Each ``spend`` is one atomic step wherever the bucket lives, so that many
parallel requests of one caller, in any number of processes, never spend more than the bucket holds:

- ``MemoryThrottle``: a dict in the process (SQLite: one server). No await between reading and writing a bucket.
- ``PostgresThrottle``: one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``; the row lock of the conflicting update
  orders concurrent requests of a caller, and the arithmetic is ``spend``'s, in SQL.
- ``RedisThrottle``: one Lua script (Redis runs a script alone), loaded once and called by its SHA (redis-py's
  ``Script`` reloads it after a ``SCRIPT FLUSH``). Its numbers come back as text: Lua would truncate them.

``now`` is the caller's clock (the request's, so tests move time with ``X-Now``), not the store's."""

from __future__ import annotations

import logging

from domain.shared.throttle import Bucket, ThrottleRule, ThrottleStatus, spend

log = logging.getLogger("aftersales.throttle")


class MemoryThrottle:
    def __init__(self, rule: ThrottleRule):
        self.rule = rule
        self.buckets: dict[str, Bucket] = {}

    async def spend(self, key: str, cost: int, now: float) -> ThrottleStatus:
        self.buckets[key], status = spend(self.buckets.get(key), cost, now, self.rule)
        return status


_SPEND_SQL = """
INSERT INTO throttle_buckets AS b (key, available, at, granted)
VALUES (%(key)s, CASE WHEN %(cost)s <= %(maximum)s THEN %(maximum)s - %(cost)s ELSE %(maximum)s END, %(now)s,
        %(cost)s <= %(maximum)s)
ON CONFLICT (key) DO UPDATE SET
  available = LEAST(%(maximum)s, b.available + GREATEST(0, %(now)s - b.at) * %(rate)s)
              - CASE WHEN LEAST(%(maximum)s, b.available + GREATEST(0, %(now)s - b.at) * %(rate)s) >= %(cost)s
                     THEN %(cost)s ELSE 0 END,
  at = GREATEST(%(now)s, b.at),
  granted = LEAST(%(maximum)s, b.available + GREATEST(0, %(now)s - b.at) * %(rate)s) >= %(cost)s
RETURNING available, granted
"""


class PostgresThrottle:
    """Its own few connections (``pool_size``), in autocommit, never pinged or reset on checkout (measured: the
    app's pre-ping doubled a spend's time), with psycopg's statement run as it is — SQLAlchemy's statement layer
    cost more than the statement. No server-side prepared statements, so PgBouncer's transaction pooling is safe.
    A spend that fails (the database away) lets the request through and says so in the log: the throttle guards
    the service, it must not be the reason it is down."""

    def __init__(self, url: str, rule: ThrottleRule, pool_size: int = 4):
        from sqlalchemy.ext.asyncio import create_async_engine

        self.rule = rule
        self.engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False,
                                          pool_reset_on_return=None, isolation_level="AUTOCOMMIT",
                                          connect_args={"prepare_threshold": None})

    async def spend(self, key: str, cost: int, now: float) -> ThrottleStatus:
        parameters = {"key": key, "cost": float(cost), "maximum": float(self.rule.maximum),
                      "rate": float(self.rule.restore_rate), "now": now}
        try:
            async with self.engine.connect() as conn:
                raw = await conn.get_raw_connection()
                try:
                    cursor = await raw.driver_connection.execute(_SPEND_SQL, parameters)  # type: ignore[union-attr]
                    available, granted = await cursor.fetchone()
                except Exception:
                    await conn.invalidate()  # a broken connection is not handed out again
                    raise
        except Exception:  # noqa: BLE001
            log.warning("throttle: the bucket of %s could not be read; the request goes through", key, exc_info=True)
            return ThrottleStatus(True, cost, float(self.rule.maximum), self.rule)
        return ThrottleStatus(bool(granted), cost, float(available), self.rule)

    async def close(self) -> None:
        await self.engine.dispose()


_SPEND_LUA = """
local maximum, rate, cost, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local held, at = maximum, now
if state[1] then
  local last = tonumber(state[2])
  held = math.min(maximum, tonumber(state[1]) + math.max(0, now - last) * rate)
  at = math.max(now, last)
end
local granted = 0
if held >= cost then
  held = held - cost
  granted = 1
end
redis.call('HSET', KEYS[1], 'available', string.format('%.17g', held), 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((maximum / rate + 60) * 1000))
return {granted, string.format('%.17g', held)}
"""


class RedisThrottle:
    """``key_prefix`` keeps the buckets of one deployment (or one test) apart in a shared Redis."""

    def __init__(self, url: str, rule: ThrottleRule, key_prefix: str = "throttle:"):
        from redis.asyncio import Redis

        self.rule, self.prefix = rule, key_prefix
        self.redis = Redis.from_url(url)
        self.script = self.redis.register_script(_SPEND_LUA)

    async def spend(self, key: str, cost: int, now: float) -> ThrottleStatus:
        granted, available = await self.script(keys=[self.prefix + key],
                                               args=[self.rule.maximum, self.rule.restore_rate, cost, repr(now)])
        return ThrottleStatus(bool(int(granted)), cost, float(available), self.rule)

    async def close(self) -> None:
        await self.redis.aclose()
