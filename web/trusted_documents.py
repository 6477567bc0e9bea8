"""Trusted documents: the operations in ``operations/*.graphql``, each stored in a manifest under the
SHA-256 of its text, can be sent by id instead of by text.

- ``{"documentId": "sha256:<hex>"}`` (the GraphQL-over-HTTP persisted documents proposal; a bare hex is accepted),
- ``{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}`` (Apollo's persisted queries),
over POST or GET. An unknown id is the request error ``PERSISTED_QUERY_NOT_FOUND``. With
``TRUSTED_DOCUMENTS_ONLY=true`` (meant for prod) a document whose text is not in the manifest is refused with
``PERSISTED_QUERY_ONLY``; the manifest's own texts are still accepted by value.

Otherwise Apollo's automatic persisted queries persist: the retry that sends the text with its hash is checked
(the hash must be the text's), runs like any document (size, depth, cost and validation limits), and — if it ran
without a request error — is registered in a store shared by every process, so later hash-only requests succeed.

The manifest is Apollo's persisted query manifest format, so client tooling can read it; ``manage.py operations``
(``make operations``) rebuilds it and a test keeps the committed one current."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlencode

import orjson
from graphql import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, parse, print_ast
from graphql.language import FragmentSpreadNode, Visitor, visit
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.common.errors import TopLevelCode
from schema.limits import CACHED_DOCUMENT_CHARS
from web.asgi import header, json_body, problem, replaying, set_json_body
from web.authentication import decided
from web.graphql_http import GRAPHQL_RESPONSE, request_error

FORMAT = "apollo-persisted-query-manifest"
_REGISTER = "register_persisted_query"
_TRUSTED = "trusted_document"


def is_trusted(scope: Scope) -> bool:
    """The request runs a document of the manifest (sent by id or by text): its plan is compiled on its first run."""
    return bool(scope.get("state", {}).get(_TRUSTED))


class PersistedQueries(Protocol):
    """Documents registered by hash (automatic persisted queries), shared by every server process."""

    async def find(self, digest: str) -> str | None: ...

    async def register(self, digest: str, body: str, now: datetime, caller: str) -> None: ...


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _spreads(node) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_args) -> None:
            names.add(spread.name.value)

    visit(node, Collect())
    return names


def build_manifest(folder: Path) -> dict:
    """One entry per operation: its text with the fragments it uses (transitively), printed canonically."""
    sources = sorted(folder.glob("*.graphql"))
    document = parse("\n".join(path.read_text(encoding="utf-8") for path in sources))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        needed, pending = [], list(sorted(_spreads(definition)))
        while pending:
            name = pending.pop(0)
            if name not in needed:
                needed.append(name)
                pending.extend(sorted(_spreads(fragments[name])))
        used = [fragments[name] for name in fragments if name in needed]  # in source order
        body = print_ast(DocumentNode(definitions=(definition, *used)))
        if definition.name is None:
            raise ValueError("every operation in operations/ is named (its screen refers to it by name)")
        operations.append({"id": sha256(body), "name": definition.name.value,
                           "type": definition.operation.value, "body": body})
    return {"format": FORMAT, "version": 1, "operations": operations}


def operation_name(text: str) -> str | None:
    """The name of a manifest document's operation (each holds one operation and its fragments)."""
    for definition in parse(text).definitions:
        if isinstance(definition, OperationDefinitionNode):
            return definition.name.value if definition.name else None
    return None


def load_manifest(path: Path) -> dict[str, str]:
    """id → document text; every id is checked against its text."""
    if not path.exists():
        return {}
    manifest = orjson.loads(path.read_bytes())
    if manifest.get("format") != FORMAT or manifest.get("version") != 1:
        raise ValueError(f"{path} is not an {FORMAT} (version 1)")
    documents = {}
    for operation in manifest["operations"]:
        if sha256(operation["body"]) != operation["id"]:
            raise ValueError(f"{path}: the id of {operation['name']} is not the SHA-256 of its body")
        documents[operation["id"]] = operation["body"]
    return documents


class NotTrusted(Exception):
    def __init__(self, code: TopLevelCode, message: str):
        super().__init__(message)
        self.code = code


class TrustedDocuments:
    """ASGI wrapper: turns a document id into the document's text before the request goes on."""

    def __init__(self, app: ASGIApp, documents: dict[str, str], only: bool, registered: PersistedQueries | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.app, self.documents, self.only, self.registered, self.clock = app, documents, only, registered, clock
        self.texts = frozenset(documents.values())

    async def resolve(self, request: dict, scope: Scope) -> dict:
        """The request with ``query`` filled in from the manifest or the registered documents; raises NotTrusted.
        A text sent with an unknown hash is marked in the scope for registration once it has run."""
        extensions = request.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        document_id = request.get("documentId")
        if document_id is None and isinstance(persisted, dict):
            document_id = persisted.get("sha256Hash")
        query = request.get("query")
        if document_id is None:
            if self.only and isinstance(query, str) and query not in self.texts:
                raise NotTrusted(
                    TopLevelCode.PERSISTED_QUERY_ONLY,
                    "this server accepts only trusted documents: send the documentId of an operation in its manifest",
                )
            return request
        if not isinstance(document_id, str):
            raise NotTrusted(TopLevelCode.BAD_REQUEST, "documentId must be a string")
        digest = document_id.removeprefix("sha256:")
        mismatch = isinstance(query, str) and query and sha256(query) != digest
        known = self.documents.get(digest)
        if known is None and not self.only and self.registered is not None and len(digest) == 64:
            known = await self.registered.find(digest)
        if known is not None or (isinstance(query, str) and query and not self.only and persisted is not None):
            if mismatch:
                raise NotTrusted(TopLevelCode.BAD_REQUEST, "the query text does not match its SHA-256 id")
            if known is None:  # Apollo's retry with the text: registered once it has run
                scope.setdefault("state", {})[_REGISTER] = (digest, query)
                return request
            resolved = {**request, "query": known}
            resolved.pop("documentId", None)
            return resolved
        raise NotTrusted(
            TopLevelCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound: no trusted document has this id"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            return await self.app(scope, receive, send)
        if scope["method"] == "GET":
            pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            request = dict(pairs)
            if "extensions" in request:
                try:
                    request["extensions"] = orjson.loads(request["extensions"])
                except orjson.JSONDecodeError:
                    return await self.app(scope, receive, send)  # the endpoint reports the malformed parameter
            try:
                resolved = await self.resolve(request, scope)
            except NotTrusted as refusal:
                return await self._refuse(refusal, scope, receive, send)
            self._mark(resolved, scope)
            if resolved is not request:
                kept = [(k, v) for k, v in pairs if k not in ("documentId", "query")]
                scope = {**scope, "query_string": urlencode([*kept, ("query", resolved["query"])]).encode()}
            return await self._run(scope, receive, send)

        body, request = await json_body(scope, receive)
        if not isinstance(request, dict):  # not ours to judge: the endpoint answers malformed bodies
            return await self.app(scope, replaying(body), send)
        try:
            resolved = await self.resolve(request, scope)
        except NotTrusted as refusal:
            return await self._refuse(refusal, scope, replaying(body), send)
        self._mark(resolved, scope)
        if resolved is not request:
            body = orjson.dumps(resolved)
            headers = [(k, v) for k, v in scope.get("headers", []) if k != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
            set_json_body(scope, body, resolved)
        await self._run(scope, replaying(body), send)

    def _mark(self, request: dict, scope: Scope) -> None:
        query = request.get("query")
        if isinstance(query, str) and query in self.texts:
            scope.setdefault("state", {})[_TRUSTED] = True

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The endpoint answers; a text sent with its hash is registered if it ran without a request error."""
        state = scope.setdefault("state", {})
        pending = state.get(_REGISTER)
        ran = False

        async def watch(message: Message) -> None:
            nonlocal ran
            if message["type"] == "http.response.start":
                ran = message["status"] == 200 and not request_error(scope)
            await send(message)

        await self.app(scope, receive, watch if pending else send)
        if pending and ran and self.registered is not None:
            digest, text = pending
            known = decided(scope)
            actor = known[0] if known is not None else None
            # finding 5: only an authenticated caller's documents are kept, none over the caches' 32 KB, and each
            # caller registers at most APQ_PER_CALLER a day; anonymous or large texts simply run each time
            if actor is not None and len(text) <= CACHED_DOCUMENT_CHARS:
                await self.registered.register(digest, text, self.clock(), actor.caller_key)

    async def _refuse(self, refusal: NotTrusted, scope: Scope, receive: Receive, send: Send) -> None:
        """A request error: 400 for graphql-response+json, 200 for legacy application/json (Apollo's clients
        read PERSISTED_QUERY_NOT_FOUND from a 200 and retry with the text)."""
        strict = GRAPHQL_RESPONSE in header(scope, b"accept")
        response = problem(refusal.code, str(refusal), status=None if strict else 200)
        if strict:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        await response(scope, receive, send)
