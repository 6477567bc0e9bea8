"""F6: messages with values in them. ``msg("at most {limit} per account", limit=3)`` is the English text, and
keeps its template and values, so the API can show the template's translation with the same values. The templates
are what the catalogues (``locale/``) translate; a plain string message is its own template."""

from __future__ import annotations

from enum import Enum
from typing import Any


class Message(str):
    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        made = super().__new__(cls, template.format(**params))
        made.template, made.params = template, params
        return made


def msg(template: str, **params: Any) -> Message:
    return Message(template, **params)


class Term(Message):
    """An enum value inside a message ("the order is PAID"): in English the value as the API spells it; a catalogue
    translates it by ``<Enum>.<VALUE>`` (so the OTHER of two enums may read differently). H7: no English word is
    left inside a translated message."""

    def __new__(cls, value: Enum) -> Term:
        made = str.__new__(cls, value.value)
        made.template, made.params = term_key(value), {}
        return made


def term_key(value: Enum) -> str:
    return f"{type(value).__name__}.{value.value}"


def term(value: Enum) -> Term:
    return Term(value)
