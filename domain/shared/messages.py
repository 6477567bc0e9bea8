"""F6: messages with values in them. ``msg("at most {limit} per account", limit=3)`` is the English text, and
keeps its template and values, so the API can show the template's translation with the same values. The templates
are what the catalogues (``locale/``) translate; a plain string message is its own template."""

from __future__ import annotations

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
