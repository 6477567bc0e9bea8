"""What the query selects below the current field, as dotted paths (fragments followed), so a list resolver can
load the relations its items will need in one batch per relation before graphql-core walks the items."""

from __future__ import annotations

from strawberry.types.nodes import SelectedField


def selected_paths(info) -> set[str]:
    paths: set[str] = set()

    def walk(selections, path: str) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                here = f"{path}.{selection.name}" if path else selection.name
                paths.add(here)
                walk(selection.selections, here)
            else:  # a fragment spread or an inline fragment: the same level
                walk(selection.selections, path)

    for field in info.selected_fields:
        walk(field.selections, "")
    return paths
