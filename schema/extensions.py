"""Schema extensions: the authentication gate and stable ``extensions.code`` on every top-level error."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from domain.shared.errors import DomainError, Forbidden, Unauthenticated
from schema.common.errors import TopLevelCode


def _introspection_only(selection_set: SelectionSetNode, fragments: dict) -> bool:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                return False
        elif isinstance(selection, InlineFragmentNode):
            if not _introspection_only(selection.selection_set, fragments):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or not _introspection_only(fragment.selection_set, fragments):
                return False
    return True


class AuthenticationGate(SchemaExtension):
    """No valid token → one UNAUTHENTICATED error and no data, before anything runs.
    Only a document that selects nothing but introspection may go without a token (GraphiQL's docs)."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if ctx.actor_or_none is None:
            document = self.execution_context.graphql_document
            operation = get_operation_ast(document, self.execution_context.operation_name) if document else None
            fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")} if document else {}
            if ctx.auth_problem or operation is None or not _introspection_only(operation.selection_set, fragments):
                message = ctx.auth_problem or "authentication required: send 'Authorization: Bearer <token>'"
                self.execution_context.result = ExecutionResult(
                    data=None, errors=[GraphQLError(message, extensions={"code": TopLevelCode.UNAUTHENTICATED.value})]
                )
        yield


def _code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, Forbidden):
        return TopLevelCode.FORBIDDEN.value
    if isinstance(original, Unauthenticated):
        return TopLevelCode.UNAUTHENTICATED.value
    if isinstance(original, DomainError):
        return original.code.value
    if error.path is None:
        return TopLevelCode.BAD_USER_INPUT.value if original is not None else TopLevelCode.GRAPHQL_VALIDATION_FAILED.value
    return TopLevelCode.INTERNAL_SERVER_ERROR.value


class ErrorCodes(SchemaExtension):
    """Every top-level error carries ``extensions.code`` (contract conventions)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result is not None else None) or []:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": _code(error)}
