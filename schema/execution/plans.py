"""Compiled plans for known documents: the selection under each object of an operation, turned once into one
Python function per (object type, selection) that reads, serializes and nests the response directly.

``schema/execution/executor.py`` already reads a plain field (an attribute, or a synchronous resolver reading nothing of
``info`` but ``info.context``) without graphql-core's resolve info; it still decides, per field and per object,
what kind of field it is, builds a ``Path`` for every object and list item, and calls a serializer through two
layers. For a document whose shape is fixed, all of that is known in advance: a plan's function for, say,
``Claim { id status refunded { amount } order { … } }`` is straight-line code — read ``source.id``; it is a ``str``,
so it is the value; read ``source.refunded``; it is a ``Money``, so call the ``Money`` function on it … — with no
per-field lookup, and paths kept as plain tuples until an error needs a real one.

What a plan does not prove plain is graphql-core's, exactly as in ``schema/execution/executor.py``:

- a field with arguments, an asynchronous resolver, a resolver reading more of ``info`` than its context, a field
  of an abstract type or of a list of scalars runs through graphql-core's ``execute_field`` (its object values
  come back to a plan of their own through ``collect_and_execute_subfields``);
- a value that is not what the fast path expects (a null in a non-null field, an awaitable, an exception, a value
  the serializer refuses, an object of another class) is completed by graphql-core's ``complete_value`` with the
  value already read and a real resolve info, which reports it as it always does;
- an error raised below a field is located and propagated (or nulled) by graphql-core's ``handle_field_error``
  for that field, with its real path, as ``execute_field`` does; a list item's error as
  ``complete_list_item_value`` does.

A document with a directive anywhere (``@skip``, ``@include``, ``@defer``, ``@stream`` …) or with fragment
variables is not compiled: its selection may depend on variables. Neither is anything while a resolver middleware
is installed. ``tests/test_compiled.py`` and ``tests/api/test_executor_differential.py`` compare the plans'
answers with graphql-core's own byte for byte, errors included."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from graphql import (
    DirectiveNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    visit,
)
from graphql.execution.collect_fields import collect_fields, collect_subfields
from graphql.pyutils import Path, Undefined

from schema.execution.executor import Plain, plain_fields, real_path
from schema.limits import CACHED_DOCUMENT_CHARS

UNREAD = object()  # a field whose read raised
SLOW = object()  # a value the fast path leaves to graphql-core
SHARED_KEPT = 4096  # answers a plan keeps per shared value selection; past that it starts again

_SHARED_VALUES: set[type] = set()


def shared_value(cls: type) -> type:
    """Declares a Strawberry type's objects shared and never changed after they are made (``Money.of`` hands out
    one object per amount). A plan's function for a selection of only attributes and leaves of such a type keeps
    the answer it made for each object and gives it again for the same object: a page prints hundreds of amounts
    and few distinct ones. Nothing is kept when anything took a slow path (an error, a value for graphql-core)."""
    _SHARED_VALUES.add(cls)
    return cls


class Step(NamedTuple):
    """One field of an object's selection, as the slow paths need it."""

    key: str  # the response name
    parent_type: GraphQLObjectType
    field_type: Any
    field_details_list: Any
    nullable: bool


class Plan:
    """The compiled functions of one operation of one parsed document, by (object type, selection)."""

    def __init__(self, schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Any):
        self.schema, self.operation, self.fragments = schema, operation, fragments
        self.runners: dict[tuple, Callable[..., Any]] = {}
        self.compiled_fields = 0
        self.graphql_core_fields = 0

    def runner(self, execution: Any, object_type: GraphQLObjectType, field_details_list: Any) -> Callable[..., Any]:
        found = self.runners.get(_selection(object_type, field_details_list))
        if found is None:
            found = _Compiler(self, execution.variable_values).object_runner(object_type, field_details_list)
        return found

    def compile_all(self, execution: Any) -> None:
        """Every object selection the operation reaches through object, list and non-null types (the runtime
        types of an abstract field are compiled when first met)."""
        compiler = _Compiler(self, execution.variable_values)
        root = self.schema.get_root_type(self.operation.operation)
        if root is not None:
            grouped = collect_fields(self.schema, self.fragments, execution.variable_values, root, self.operation)[0]
            for field_details_list in grouped.values():
                definition = root.fields.get(field_details_list[0].node.name.value)
                if definition is not None:
                    compiler.below(definition.type, field_details_list)


class PlanCache:
    """Plans by document text and operation, least recently used first out. An operation is compiled on its first
    run when it is a trusted document, otherwise on its ``after``-th run; until then it runs as it always did. A
    plan is made for one parsed document (Strawberry's parser cache keeps one per text); should the text be parsed
    again, the plan is made again for the new one. A document larger than the parser cache keeps (32 KB) that is not
    trusted is neither counted nor kept: an anonymous flood of large texts holds no memory here."""

    def __init__(self, size: int = 256):
        self.size = size
        self.entries: OrderedDict[tuple, tuple[GraphQLSchema, OperationDefinitionNode, list]] = OrderedDict()

    def plan(self, execution: Any, trusted: bool, after: int) -> Plan | None:
        schema, operation = execution.schema, execution.operation
        source = operation.loc.source.body if operation.loc is not None else id(operation)
        if not trusted and isinstance(source, str) and len(source) > CACHED_DOCUMENT_CHARS:
            return None
        key = (id(schema), source, operation.name.value if operation.name else None)
        entry = self.entries.get(key)
        if entry is None:
            entry = (schema, operation, [0, None])  # the schema held: its id stays its own
            self.entries[key] = entry
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(key)
        state = entry[2]
        state[0] += 1
        plan = state[1]
        if (plan is None and (trusted or state[0] >= after)) or (plan and plan.operation is not operation):
            plan = False
            if compilable(operation, execution.fragments):
                plan = Plan(schema, operation, execution.fragments)
                plan.compile_all(execution)
            state[1] = plan
        return plan or None

    def clear(self) -> None:
        self.entries.clear()


def compilable(operation: OperationDefinitionNode, fragments: Any) -> bool:
    """No directive anywhere, no fragment variables: the selection is the same whatever the variables."""
    found = []

    class Find(Visitor):
        def enter_directive(self, node: DirectiveNode, *_args: Any) -> Any:
            found.append(node)
            return self.BREAK

    visit(operation, Find())
    for details in fragments.values():
        definition: FragmentDefinitionNode = details.definition
        if definition.variable_definitions or details.variable_signatures:
            return False
        visit(definition, Find())
    return not found


# ---------------------------------------------------------------- the compiler

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class _Compiler:
    def __init__(self, plan: Plan, variable_values: Any):
        self.plan, self.variable_values = plan, variable_values

    def below(self, type_: Any, field_details_list: Any) -> None:
        """Compiles the object selections under a field of ``type_`` that graphql-core completes."""
        named = type_
        while isinstance(named, GraphQLNonNull | GraphQLList):
            named = named.of_type
        if isinstance(named, GraphQLObjectType):
            self.object_runner(named, field_details_list)

    def object_runner(self, object_type: GraphQLObjectType, field_details_list: Any) -> Callable[..., Any]:
        plan = self.plan
        key = _selection(object_type, field_details_list)
        found = plan.runners.get(key)
        if found is not None:
            return found
        grouped = collect_subfields(plan.schema, plan.fragments, self.variable_values, plan.operation,
                                    object_type, field_details_list)[0]
        known = plain_fields(object_type)
        source = _Source(object_type.name, _keeps_answers(object_type, grouped, known))
        for response_name, details in grouped.items():
            field_name = details[0].node.name.value
            if field_name == "__typename":
                source.constant(response_name, object_type.name)
                plan.compiled_fields += 1
                continue
            field = object_type.fields.get(field_name)
            if field is None:
                continue  # not a field of the type: graphql-core leaves it out of the response too
            field_type = field.type
            nullable = not isinstance(field_type, GraphQLNonNull)
            step = Step(response_name, object_type, field_type, details, nullable)
            plain = known.get(field_name)
            if plain is None or details[0].node.arguments:
                source.graphql_core(step)
                plan.graphql_core_fields += 1
                self.below(field_type, details)
                continue
            plan.compiled_fields += 1
            if plain.serialize is not None:
                source.leaf(step, plain, _fast_leaf(plain))
            elif plain.item_type is not None:
                item = self.object_runner(plain.object_type, details)  # type: ignore[arg-type]
                source.objects(step, plain, item, _classes(plain.object_type))  # type: ignore[arg-type]
            else:
                child = self.object_runner(plain.object_type, details)  # type: ignore[arg-type]
                source.object(step, plain, child, _classes(plain.object_type))  # type: ignore[arg-type]
        runner = source.build()
        plan.runners[key] = runner
        return runner


def _keeps_answers(object_type: GraphQLObjectType, grouped: Any, known: dict[str, Plain]) -> bool:
    """A selection of a ``shared_value`` type whose every field is ``__typename`` or a leaf read as an attribute
    without arguments: its answer depends on the object alone (a resolver may read more; an object below is not
    proved shared)."""
    if not set(_classes(object_type)) & _SHARED_VALUES:
        return False
    for details in grouped.values():
        node = details[0].node
        plain = known.get(node.name.value)
        if node.name.value != "__typename" and (plain is None or node.arguments or plain.attribute is None
                                                or plain.serialize is None):
            return False
    return True


def _selection(object_type: GraphQLObjectType, field_details_list: Any) -> tuple:
    """A selection's key in a plan: the type and the field nodes it merges (nodes of the plan's own document)."""
    return object_type, tuple(id(details.node) for details in field_details_list)


def _classes(object_type: GraphQLObjectType) -> tuple[type, ...]:
    """The Python classes whose instances the object type takes as they are (Strawberry's ``is_type_of`` accepts
    them; a type without one accepts anything, but anything else goes the slow way)."""
    definition = (object_type.extensions or {}).get("strawberry-definition")
    if definition is None:
        return ()
    classes = [definition.origin]
    if definition.concrete_of is not None:
        classes.append(definition.concrete_of.origin)
    return tuple(dict.fromkeys(classes))


class _Leaf(NamedTuple):
    check: str  # a condition on ``v`` under which ``value`` is the serialized value
    value: str
    names: dict | None = None  # an enum's GraphQL names by member


def _fast_leaf(plain: Plain) -> _Leaf | None:
    """The serialized value of a leaf inline, for the Python types graphql-core's own serializer passes through
    unchanged (or, for an enum, names); None: call the scalar's serializer."""
    named = plain.leaf_type
    if isinstance(named, GraphQLEnumType):
        return _Leaf("", "", plain.enum_names)
    if isinstance(named, GraphQLScalarType):
        if named.name in ("String", "ID"):
            return _Leaf("type(v) is str", "v")
        if named.name == "Int":
            return _Leaf(f"type(v) is int and {_INT_MIN} <= v <= {_INT_MAX}", "v")
        if named.name == "Boolean":
            return _Leaf("v is True or v is False", "v")
        if named.name == "Float":
            return _Leaf("type(v) is float and isfinite(v)", "v")
    return None


# Python types our custom scalars are handed; anything else goes the slow way to be judged
_CUSTOM_TYPES = {"DateTime": datetime, "Decimal": Decimal}


class _Source:
    """The text of one object's function, and the names it refers to."""

    def __init__(self, type_name: str, shared: bool = False):
        self.type_name = type_name
        self.shared = shared  # keeps its answer per object (``shared_value``): its slow paths are marked
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"UNREAD": UNREAD, "SLOW": SLOW, "Undefined": Undefined, "isfinite": math.isfinite,
                                      "Path": Path, "real_path": real_path}
        self.uses_context = False
        self.count = 0

    def _name(self, prefix: str, value: Any) -> str:
        self.count += 1
        name = f"{prefix}{self.count}"
        self.names[name] = value
        return name

    def _read(self, plain: Plain) -> str:
        if plain.attribute is not None:
            return f"source.{plain.attribute}"
        read = self._name("read", plain.read)
        if plain.with_context:
            self.uses_context = True
            return f"{read}(source, ci)"
        return f"{read}(source)"

    def _path(self, key: str) -> str:
        return f"(path, {key!r}, {self.type_name!r})"

    def constant(self, key: str, value: str) -> None:
        self.lines.append(f"    out[{key!r}] = {value!r}")

    def graphql_core(self, step: Step) -> None:
        s = self._name("step", step)
        self.lines += [
            f"    r = ec.execute_field({s}.parent_type, source, {s}.field_details_list, "
            f"Path(real_path(path), {step.key!r}, {self.type_name!r}), None)",
            "    if r is not Undefined:",
            f"        out[{step.key!r}] = r",
            "        if ec.is_awaitable(r):",
            f"            pending.append({step.key!r})",
        ]

    def leaf(self, step: Step, plain: Plain, fast: _Leaf | None) -> None:
        s = self._name("step", step)
        null = "None" if step.nullable else "SLOW"
        if fast is not None and fast.names is not None:
            names = self._name("names", fast.names)
            compute = [f"        r = {names}.get(id(v), SLOW)",
                       "        if r is SLOW and v is None:",
                       f"            r = {null}"]
        elif fast is not None:
            compute = [f"        r = {fast.value} if {fast.check} else ({null} if v is None else SLOW)"]
        else:
            serialize = self._name("serialize", plain.serialize)
            python_type = _CUSTOM_TYPES.get(getattr(plain.leaf_type, "name", ""))
            check = f"type(v) is {self._name('T', python_type)}" if python_type else "False"
            compute = [f"        if {check}:",
                       f"            r = {serialize}(v)",
                       "            if r is None or r is Undefined:",
                       "                r = SLOW",
                       "        else:",
                       f"            r = {null} if v is None else SLOW"]
        slow = ["        slow = True"] if self.shared else []
        self.lines += [
            "    v = UNREAD",
            "    try:",
            f"        v = {self._read(plain)}",
            *compute,
            "    except Exception as error:",
            f"        r = SLOW if v is not UNREAD else ec.compiled_error(error, {s}, path)",
            *slow,
            "    if r is SLOW:",
            *slow,
            f"        r = ec.compiled_complete({s}, v, path, pending)",
            f"    out[{step.key!r}] = r",
        ]

    def _class_check(self, classes: tuple[type, ...], value: str) -> str:
        if not classes:
            return "False"
        return " or ".join(f"type({value}) is {self._name('C', c)}" for c in classes)

    def object(self, step: Step, plain: Plain, child: Callable[..., Any], classes: tuple[type, ...]) -> None:
        s, run = self._name("step", step), self._name("run", child)
        self.lines += [
            "    v = UNREAD",
            "    try:",
            f"        v = {self._read(plain)}",
            f"        if {self._class_check(classes, 'v')}:",
            f"            r = {run}(v, {self._path(step.key)}, ec)",
            "            if type(r) is not dict:",
            f"                r = ec.compiled_awaited(r, {s}, path)",
            f"                pending.append({step.key!r})",
        ]
        self._object_tail(step, s)

    def _object_tail(self, step: Step, s: str) -> None:
        """After an object's (or a list's) fast path: a null where it may be, an error below handled for the
        field, anything else completed by graphql-core."""
        if step.nullable:
            self.lines += ["        elif v is None:", "            r = None"]
        self.lines += [
            "        else:",
            "            r = SLOW",
            "    except Exception as error:",
            f"        r = ec.compiled_error(error, {s}, path)",
            "    if r is SLOW:",
            f"        r = ec.compiled_complete({s}, v, path, pending)",
            f"    out[{step.key!r}] = r",
        ]

    def objects(self, step: Step, plain: Plain, item: Callable[..., Any], classes: tuple[type, ...]) -> None:
        s, run = self._name("step", step), self._name("run", item)
        self.lines += [
            "    v = UNREAD",
            "    try:",
            f"        v = {self._read(plain)}",
            "        if type(v) is list or type(v) is tuple:",
            "            for item in v:",
            f"                if not ({self._class_check(classes, 'item')}):",
            "                    r = SLOW",
            "                    break",
            "            else:",
            # ``ExecutionContext._items`` written out: each item by its plan, an item's error handled for the item
            # (null, or propagated to the list), awaited items settled together
            "                r = []",
            f"                lp = {self._path(step.key)}",
            "                waits = None",
            "                try:",
            "                    for i, item in enumerate(v):",
            "                        try:",
            f"                            x = {run}(item, (lp, i, None), ec)",
            "                        except Exception as error:",
            f"                            x = ec.compiled_item_error(error, {s}, (lp, i, None))",
            "                        if type(x) is not dict and x is not None and ec.is_awaitable(x):",
            f"                            x = ec.compiled_item_awaited(x, {s}, (lp, i, None))",
            "                            waits = [*waits, i] if waits else [i]",
            "                        r.append(x)",
            "                except Exception:",
            "                    if waits:",
            "                        ec.settle_in_background([r[j] for j in waits])",
            "                    raise",
            "                if waits:",
            f"                    r = ec.compiled_awaited(ec.compiled_settled(r, waits), {s}, path)",
            f"                    pending.append({step.key!r})",
        ]
        self._object_tail(step, s)

    def build(self) -> Callable[..., Any]:
        head = ["def run(source, path, ec):", "    out = {}", "    pending = []"]
        if self.uses_context:
            head.append("    ci = ec.context_info")
        tail = ["    return ec.compiled_settled(out, pending) if pending else out"]
        if self.shared:
            self.names["kept"] = {}
            self.names["KEPT"] = SHARED_KEPT
            head[1:1] = ["    seen = kept.get(id(source))",
                         "    if seen is not None and seen[0] is source:",
                         "        return seen[1]",
                         "    slow = False"]
            tail[:0] = ["    if not slow and not pending:",
                        "        if len(kept) >= KEPT:",
                        "            kept.clear()",
                        "        kept[id(source)] = (source, out)"]
        text = "\n".join([*head, *self.lines, *tail]) + "\n"
        namespace = dict(self.names)
        exec(compile(text, f"<plan {self.type_name}>", "exec"), namespace)  # noqa: S102  (our own text, no input)
        run = namespace["run"]
        run.source_text = text
        return run
