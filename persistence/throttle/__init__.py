"""H1's stores of cost buckets: in a process (SQLite, one server), in PostgreSQL (one statement a request), or in
Redis (one script a request) when ``REDIS_URL`` is set; each applies ``domain.shared.throttle.spend``."""
