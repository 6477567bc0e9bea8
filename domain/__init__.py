"""The business rules (docs/rules.md, by number): plain Python, no Strawberry, no SQLModel, no I/O of its own.

Services reach storage only through the unit-of-work protocol in ``domain.shared.uow``.
"""
