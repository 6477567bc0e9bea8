"""The business rules (SPEC.md): plain Python, no Strawberry, no SQLModel, no I/O of its own.

Services reach storage only through the unit-of-work protocol in ``domain.shared.uow``.
"""
