"""The code the compiled plans generate (``schema/execution/plans.py``), read: every document of ``operations/``
compiled, and each function it made is one ``def run(source, path, ec)`` whose every name is bound (a local, its
namespace, a builtin) and whose every ``ec.…`` is a method or attribute of the executor — so a rename in the
executor fails here, not on a request."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from types import SimpleNamespace

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from graphql.execution.collect_fields import FragmentDetails

from schema import schema
from schema.execution.executor import ExecutionContext
from schema.execution.plans import Plan
from web.trusted_documents import load_manifest

MANIFEST = Path(__file__).resolve().parents[1] / "operations" / "manifest.json"
EXECUTOR_NAMES = {name for name in dir(ExecutionContext)} | {"context_info", "is_awaitable"}  # set in __init__


def compiled(body: str) -> Plan:
    document = parse(body)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: FragmentDetails(d) for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    plan = Plan(schema.core, operation, fragments)
    plan.compile_all(SimpleNamespace(variable_values=None))
    return plan


def problems_of(run) -> list[str]:
    tree = ast.parse(run.source_text)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return ["not one function"]
    function = tree.body[0]
    if function.name != "run" or [a.arg for a in function.args.args] != ["source", "path", "ec"]:
        return [f"not run(source, path, ec): {ast.dump(function.args)}"]
    local = {"source", "path", "ec"} | {node.id for node in ast.walk(function)
                                        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    local |= {node.name for node in ast.walk(function) if isinstance(node, ast.ExceptHandler) and node.name}
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local \
                and node.id not in run.__globals__ and not hasattr(builtins, node.id):
            found.append(f"unbound name {node.id}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ec" \
                and node.attr not in EXECUTOR_NAMES:
            found.append(f"ec.{node.attr} is not the executor's")
    return found


def test_every_function_compiled_for_the_operations_is_well_formed():
    documents = [body for body in load_manifest(MANIFEST).values() if not body.lstrip().startswith("subscription")]
    functions = 0
    for body in documents:
        plan = compiled(body)
        for run in plan.runners.values():
            functions += 1
            assert problems_of(run) == [], (body.split("{")[0], run.source_text)
    assert len(documents) >= 20 and functions >= 50  # every document compiled, and there was code to read


def test_the_reader_sees_an_unbound_name_and_a_missing_executor_method():
    def run(source, path, ec):
        return ec.no_such_method(nowhere)  # noqa: F821

    run.source_text = "def run(source, path, ec):\n    return ec.no_such_method(nowhere)\n"
    assert sorted(problems_of(run)) == ["ec.no_such_method is not the executor's", "unbound name nowhere"]
