"""The ``AppealKind`` enum on its own, so that types below appeals in the import order (a claim's
``appealDeadline(kind:)``) can take it as an argument without importing the appeal types."""

from __future__ import annotations

import strawberry

from domain.appeals import model

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
AppealKind = model.AppealKind
strawberry.enum(model.AppealKind, name="AppealKind")
