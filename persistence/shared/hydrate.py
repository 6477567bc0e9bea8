"""Domain objects made from stored values, for the reads that make hundreds of them a request.

- ``money(fen)``: one ``Money`` per amount. ``Money`` is a frozen value compared by its fen, so sharing one object
  among every row that holds the amount changes nothing, and a page's rows hold a few distinct amounts; making
  each (a frozen dataclass sets its field through ``object.__setattr__``) cost ~0.6 µs.
- ``hydrator(cls)``: makes a frozen dataclass from its stored fields by giving the new object its ``__dict__`` at
  once, as an ORM loads a row, instead of the generated ``__init__``'s ``object.__setattr__`` per field: an event
  of eleven fields took 2.2 µs, now 0.6. Only for classes whose ``__init__`` does nothing else (no
  ``__post_init__``, no slots); every field is passed (``tests/test_hydrate.py`` compares what it
  makes with the class's own ``__init__``)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from domain.shared.money import Money

T = TypeVar("T")

money: Callable[[int], Money] = functools.lru_cache(maxsize=4096)(Money)  # the distinct amounts kept


def hydrator(cls: type[T]) -> Callable[..., T]:
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__}: only a plain dataclass is made from its fields")
    if any(not f.init for f in dataclasses.fields(cls)):
        raise TypeError(f"{cls.__name__}: every field is an argument of its __init__")
    new, give = object.__new__, object.__setattr__

    def make(**fields: Any) -> T:
        made = new(cls)
        give(made, "__dict__", fields)
        return made

    return make
