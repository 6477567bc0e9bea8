"""Every library internal the code relies on is pinned to the source it was written against: an upgrade that
changes one fails here, naming the module of ours to re-read (the README's upgrade recipe: FAST_PATHS=false,
upgrade, green, re-read what failed here, update its pin, FAST_PATHS=true).

The fast paths list theirs (``schema.execution.INTERNALS``, ``persistence.fastread.INTERNALS``); ``ELSEWHERE``
lists the few that are not fast paths (a subclass of Strawberry's socket handler and tracing extension)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import sys
from importlib.metadata import version

from persistence import fastread
from schema import execution

ELSEWHERE: tuple[tuple[str, str, str], ...] = (
    ("strawberry.schema.schema.Schema", "__init__", "schema/__init__.py (ApiSchema.core is Schema._schema)"),
    ("strawberry.subscriptions.protocols.graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler",
     "_task_done", "web/subscriptions.py"),
    ("strawberry.subscriptions.protocols.graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler",
     "handle_connection_init", "web/subscriptions.py"),
    ("strawberry.subscriptions.protocols.graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler",
     "handle_subscribe", "web/subscriptions.py"),
    ("strawberry.extensions.tracing.opentelemetry.OpenTelemetryExtension", "__init__",
     "web/tracing.py (its _tracer and _span_holder)"),
    ("strawberry.extensions.tracing.opentelemetry.OpenTelemetryExtension", "on_operation", "web/tracing.py"),
)

PINS = {  # the first ten hex digits of the SHA-256 of each one's source
    "graphql.execution.executor.Executor.execute_fields":
        "797f54fbd7",
    "graphql.execution.executor.Executor.execute_field":
        "5281dc836e",
    "graphql.execution.executor.Executor.complete_value":
        "06c34f7681",
    "graphql.execution.executor.Executor.complete_object_value":
        "55e77f58ec",
    "graphql.execution.executor.Executor.complete_iterable_value":
        "bdb49d2d91",
    "graphql.execution.executor.Executor.complete_list_item_value":
        "8883b4d65a",
    "graphql.execution.executor.Executor.handle_field_error":
        "d33a6ee408",
    "graphql.execution.executor.Executor.collect_and_execute_subfields":
        "98432d93fb",
    "graphql.execution.executor.Executor.build_resolve_info":
        "9cc3900ddc",
    "graphql.execution.executor.gather_with_cancel":
        "3f50ff0715",
    "graphql.execution.executor.to_nodes":
        "b8b259d2dc",
    "graphql.execution.collect_fields.collect_subfields":
        "1657a3c68d",
    "strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext.__init__":
        "cdb4ebbdc0",
    "strawberry.types.field.StrawberryField.base_resolver":
        "aa3a3d12c6",
    "strawberry.types.field.StrawberryField.is_basic_field":
        "2788ae1219",
    "strawberry.types.fields.resolver.StrawberryResolver.wrapped_func":
        "9112f693cd",
    "strawberry.schema.schema_converter.GraphQLCoreConverter.from_resolver":
        "bcac1354fe",
    "strawberry.dataloader.DataLoader.load":
        "20b9b60218",
    "strawberry.dataloader.DataLoader.cache_map":
        "1751571f4b",
    "sqlalchemy.sql.traversals.HasCacheKey._generate_cache_key":
        "afdbff57e7",
    "sqlalchemy.engine.default.DefaultDialect.statement_compiler":
        "6eefa653fe",
    "sqlalchemy.sql.compiler.SQLCompiler.__init__":
        "c8bd987d7b",
    "sqlalchemy.sql.compiler.SQLCompiler.construct_params":
        "cffacc6a80",
    "sqlalchemy.sql.compiler.SQLCompiler.post_compile_params":
        "36043508f2",
    "sqlalchemy.sql.compiler.SQLCompiler.literal_execute_params":
        "36043508f2",
    "sqlalchemy.engine.base.Connection._handle_dbapi_exception":
        "9ff661c716",
    "sqlalchemy.engine.base.Connection._exec_single_context":
        "573d7e9e78",
    "sqlalchemy.engine.base.ExceptionContextImpl.__init__":
        "cefa4000a5",
    "sqlalchemy.exc.DBAPIError.instance":
        "8058b7ea5c",
    "sqlalchemy.engine.events.ConnectionEvents.before_cursor_execute":
        "734ed975f4",
    "strawberry.schema.schema.Schema.__init__":
        "75a129094a",
    "strawberry.subscriptions.protocols.graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler._task_done":
        "4ae232feee",
    "strawberry.subscriptions.protocols.graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler.handle_connection_init":
        "27f175a0bd",
    "strawberry.subscriptions.protocols.graphql_transport_ws.handlers.BaseGraphQLTransportWSHandler.handle_subscribe":
        "d69e5dbce9",
    "strawberry.extensions.tracing.opentelemetry.OpenTelemetryExtension.__init__":
        "3a571209e5",
    "strawberry.extensions.tracing.opentelemetry.OpenTelemetryExtension.on_operation":
        "76ed9c2a3b",
}


def resolve(path: str):
    """``a.b.C`` → the module ``a.b``'s ``C`` (or the module ``a.b.C`` itself)."""
    module, _, name = path.rpartition(".")
    try:
        return importlib.import_module(path)
    except ImportError:
        return getattr(importlib.import_module(module), name)


def source_of(path: str, attribute: str) -> str:
    """The source of the method or property used; of the whole class for an attribute set in its methods."""
    owner = resolve(path)
    member = inspect.getattr_static(owner, attribute, None)
    if isinstance(member, property):
        member = member.fget
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if inspect.isfunction(member):
        return inspect.getsource(member)
    return inspect.getsource(owner)


def fingerprint(path: str, attribute: str) -> str:
    return hashlib.sha256(source_of(path, attribute).encode()).hexdigest()[:10]


ALL = (
    *(("schema/execution/" + ours, path, attribute) for path, attribute, ours in execution.INTERNALS),
    *(("persistence/fastread/" + ours, path, attribute) for path, attribute, ours in fastread.INTERNALS),
    *((ours, path, attribute) for path, attribute, ours in ELSEWHERE),
)
VERSIONS = ", ".join(f"{name} {version(name)}" for name in ("graphql-core", "strawberry-graphql", "sqlalchemy"))


def test_every_internal_is_found_and_pinned():
    missing = [(path, attribute) for _ours, path, attribute in ALL
               if inspect.getattr_static(resolve(path), attribute, None) is None
               and attribute not in inspect.getsource(resolve(path))]
    assert missing == [], f"{VERSIONS}: no longer there: {missing}"
    assert {f"{path}.{attribute}" for _ours, path, attribute in ALL} == set(PINS), "a new internal needs its pin"


def changes() -> dict[str, tuple[str, str]]:
    """Each internal whose source is not the pinned one: its fingerprint now, and the module of ours to re-read."""
    changed = {}
    for ours, path, attribute in ALL:
        found = fingerprint(path, attribute)
        if PINS.get(f"{path}.{attribute}") != found:
            changed[f"{path}.{attribute}"] = (found, ours)
    return changed


def test_each_internal_is_the_source_it_was_written_against():
    changed = changes()
    assert not changed, f"{VERSIONS} changed what these rely on; re-read each module named, then update PINS: " + \
        "; ".join(f"{name} (now {found}): re-read {ours}" for name, (found, ours) in changed.items())


def test_an_upgrade_that_changes_one_line_is_noticed_and_names_the_module(monkeypatch):
    real = source_of
    monkeypatch.setattr(sys.modules[__name__], "source_of", lambda path, attribute: real(path, attribute)
                        + ("# changed" if attribute == "load" else ""))
    changed = changes()
    assert list(changed) == ["strawberry.dataloader.DataLoader.load"]
    assert changed["strawberry.dataloader.DataLoader.load"][1] == "schema/execution/loaders.py"
