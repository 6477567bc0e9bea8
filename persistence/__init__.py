"""SQLModel tables, repositories, the unit of work and the Alembic migrations. Implements ``domain.shared.uow``."""
