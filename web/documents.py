"""What the server checks about a GraphQL document before it runs anything, in one function both transports call:
``POST/GET /graphql`` (``GraphQLOverHTTP``) and ``subscribe`` over the WebSocket (``TransportWS``).

In order: its size (before it is parsed), its text (no NUL, no unpaired surrogate, in the document, the operation
name and the variables), trusted documents (``TRUSTED_DOCUMENTS_ONLY``), that it parses within the token limit,
which operation it runs (several operations need ``operationName``; the transport decides which operation types it
runs: the socket only subscriptions), and the query limits (depth, aliases, cost). A refusal is a code and a
message; the transport answers it in its own protocol and runs nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLSyntaxError
from graphql.utilities import get_operation_ast

from domain.shared.messages import msg
from domain.shared.text import is_clean_text
from schema.common.errors import TopLevelCode
from schema.limits import CACHED_DOCUMENT_CHARS, Limits, limits_refusal, measure

NUL_ESCAPE = re.compile(r"\\u0000|\\u\{0+\}")  # a NUL written as an escape in a string of the document
MAX_TOKENS = 5_000  # the schema's MaxTokensLimiter's
AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Refusal:
    code: TopLevelCode
    message: str


def storable(value: Any) -> bool:
    """Whether every string in a request (document, variables, names) is text both databases store."""
    if isinstance(value, str):
        return is_clean_text(value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


def parsed(query: str) -> DocumentNode | None:
    """The document, or None when it does not parse within the token limit; documents up to 32 KB are cached (by
    count and so by size: 1,024 × 32 KB at most)."""
    return _parsed_small(query) if len(query) <= CACHED_DOCUMENT_CHARS else _parse(query)


def _parse(query: str) -> DocumentNode | None:
    try:
        return parse(query, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError:
        return None


_parsed_small = lru_cache(maxsize=1024)(_parse)


def operation_of(query: str, operation_name: str | None,
                 document: DocumentNode | None = None) -> tuple[OperationType | str | None, str | None]:
    """The type of the operation a request runs and its name: ``AMBIGUOUS`` for several operations and no name;
    None when the document does not parse or names no such operation (the executor then says why)."""
    document = document if document is not None else parsed(query)
    if document is None:
        return None, None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) > 1 and not operation_name:
        return AMBIGUOUS, None
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None, None
    return operation.operation, operation.name.value if operation.name else None


TEXT_REFUSAL = Refusal(TopLevelCode.BAD_USER_INPUT, "text may not hold NUL characters or unpaired surrogates (it "
                                                    "must be valid UTF-8)")
SEVERAL = Refusal(TopLevelCode.BAD_REQUEST, "the document holds several operations: name the one to run in "
                                            "operationName")


async def parsed_off_loop(query: Any, max_bytes: int) -> DocumentNode | None:
    """A large document (over the caches' 32 KB, within the size limit) parsed in a worker thread, so that lexing
    a megabyte does not hold the event loop for the other requests (penetration test III, finding 4); None for a
    small one (the caller's ``screen`` parses it, cached) or one that does not parse."""
    if not isinstance(query, str) or len(query) <= CACHED_DOCUMENT_CHARS or len(query) > max_bytes:
        return None
    return await asyncio.to_thread(_parse, query)


def screen(query: Any, operation_name: Any, variables: Any, *, max_bytes: int,
           allowed: Collection[OperationType] | None = None, trusted_texts: Collection[str] | None = None,
           schema: GraphQLSchema | None = None, limits: Limits | None = None,
           must_parse: bool = False, document: DocumentNode | None = None) -> Refusal | None:
    """Why this document may not run here, or None. ``allowed``: the operation types the transport runs (None:
    every type); ``trusted_texts``: with TRUSTED_DOCUMENTS_ONLY, the manifest's texts; ``schema`` and ``limits``:
    the query limits to apply now (the HTTP path applies them in the schema's ``QueryLimits`` extension, with
    ``limits_refusal`` too, so that every response reports its cost); ``must_parse``: a document that does not
    parse is refused here (the socket) rather than left to the executor's parse error (HTTP)."""
    if not isinstance(query, str) or not query:
        return Refusal(TopLevelCode.BAD_REQUEST, "send the document in `query`") if must_parse else None
    if len(query.encode("utf-8", "surrogatepass")) > max_bytes:
        return Refusal(TopLevelCode.PAYLOAD_TOO_LARGE, msg("the document is larger than {max} bytes", max=max_bytes))
    if not storable(query) or not storable(variables) or NUL_ESCAPE.search(query) \
            or (operation_name is not None and not storable(operation_name)):
        return TEXT_REFUSAL
    if operation_name is not None and not isinstance(operation_name, str):
        return Refusal(TopLevelCode.BAD_REQUEST, "operationName is a string")
    if trusted_texts is not None and query not in trusted_texts:
        return Refusal(TopLevelCode.PERSISTED_QUERY_ONLY, "this server accepts only trusted documents: send the "
                                                          "documentId of an operation in its manifest")
    document = document if document is not None else parsed(query)
    if document is None:
        return Refusal(TopLevelCode.GRAPHQL_PARSE_FAILED, msg(
            "the document does not parse (or holds more than {max} tokens)", max=MAX_TOKENS)) if must_parse else None
    operation, _name = operation_of(query, operation_name, document)
    if operation == AMBIGUOUS:
        return SEVERAL
    if allowed is not None and operation not in allowed:
        if operation is None:
            return Refusal(TopLevelCode.BAD_REQUEST, "the document has no operation of that name")
        return Refusal(TopLevelCode.BAD_REQUEST, "only subscriptions run over WebSocket; send queries and mutations "
                                                 "over HTTP")
    if schema is not None:
        found = measure(schema, document, operation_name, variables if isinstance(variables, dict) else None)
        refusal = limits_refusal(found, limits or Limits()) if found is not None else None
        if refusal is not None:
            return Refusal(*refusal)
    return None
