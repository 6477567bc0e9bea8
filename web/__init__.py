"""Plain HTTP endpoints beside GraphQL (uploads). Like ``schema``, it depends on ``domain`` only; ``server.py``
hands it the storage."""
