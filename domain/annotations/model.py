"""Customer-service annotations (SPEC N1–N6): remarks, stars, recent contacts, shortcuts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.shared.errors import Field, InvalidInput
from domain.shared.messages import msg
from domain.shared.text import bounded_text

MAX_REMARK = 500  # N1: code points after NFC
MAX_STARS = 100   # N3


def remark_text(text: str, field: Field) -> str:
    """N1/N2: at most 500 characters counted as Unicode code points after NFC; surrounding blanks dropped."""
    return bounded_text(text, field=field, max_len=MAX_REMARK)


def customer_id(value: str, field: Field = ("input", "customerId")) -> str:
    return bounded_text(value, field=field, max_len=128, min_len=1)


@dataclass(frozen=True)
class Remark:
    text: str
    author_id: str
    at: datetime


@dataclass
class CustomerRemark:
    """N1: one per (shop, customer); an empty text means cleared. Every change is kept in the history."""

    shop_id: int
    customer_id: str
    text: str
    updated_at: datetime
    updated_by: str
    version: int = 0


class StarColor(str, Enum):
    RED = "RED"
    ORANGE = "ORANGE"
    YELLOW = "YELLOW"
    GREEN = "GREEN"
    BLUE = "BLUE"
    PURPLE = "PURPLE"


@dataclass
class Star:
    agent_id: str
    customer_id: str
    color: StarColor
    starred_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class Contact:
    customer_id: str
    last_contact_at: datetime | None
    star: Star | None


# ---------------------------------------------------------------- N6 shortcuts

MODIFIERS = ("Ctrl", "Alt", "Shift", "Meta")
_MODIFIER_NAMES = {"ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "option": "Alt", "shift": "Shift",
                   "meta": "Meta", "cmd": "Meta", "command": "Meta", "win": "Meta", "super": "Meta"}
_NAMED_KEYS = {name.lower(): name for name in (
    "Enter", "Space", "Tab", "Escape", "Backspace", "Delete", "Insert", "Home", "End", "PageUp", "PageDown",
    "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", *[f"F{i}" for i in range(1, 13)])}
_NAMED_KEYS.update({"esc": "Escape", "return": "Enter", "del": "Delete", "up": "ArrowUp", "down": "ArrowDown",
                    "left": "ArrowLeft", "right": "ArrowRight", "pgup": "PageUp", "pgdn": "PageDown"})
_PLAIN_KEY = re.compile(r"[a-z0-9`\-=\[\]\\;',./]")

DEFAULT_SHORTCUTS = {  # N6: the remark action defaults to Alt+Shift+M
    "remark": "Alt+Shift+M",
    "star": "Alt+Shift+S",
    "unstar": "Alt+Shift+U",
    "nextContact": "Alt+Shift+ArrowDown",
    "previousContact": "Alt+Shift+ArrowUp",
}


def normalise_binding(keys: str, field: Field = ("input", "keys")) -> str:
    """One or more modifiers (Ctrl, Alt, Shift, Meta, written in that order) plus one key, upper-cased:
    ``shift+alt+m`` → ``Alt+Shift+M``."""
    parts = [p.strip() for p in keys.split("+")]
    if keys.strip().endswith("++"):  # "Ctrl++": the plus key itself
        parts = [p for p in parts if p] + ["+"]
    if len(parts) < 2 or any(not p for p in parts):
        raise InvalidInput("a binding is one or more modifiers and one key, e.g. Alt+Shift+M", field)
    *modifiers, key = parts
    names = []
    for modifier in modifiers:
        name = _MODIFIER_NAMES.get(modifier.lower())
        if name is None:
            raise InvalidInput(msg("{modifier} is not a modifier (Ctrl, Alt, Shift, Meta)",
                modifier=repr(modifier)), field)
        if name in names:
            raise InvalidInput(msg("{name} appears twice", name=name), field)
        names.append(name)
    lowered = key.lower()
    if lowered in _NAMED_KEYS:
        key = _NAMED_KEYS[lowered]
    elif len(key) == 1 and (_PLAIN_KEY.fullmatch(lowered) or key == "+"):
        key = key.upper()
    else:
        raise InvalidInput(msg("{key} is not a key this binding can use", key=repr(key)), field)
    return "+".join([m for m in MODIFIERS if m in names] + [key])


def shortcut_action(action: str) -> str:
    if action not in DEFAULT_SHORTCUTS:
        raise InvalidInput(msg("unknown action; one of {actions}",
            actions=", ".join(DEFAULT_SHORTCUTS)), ("input", "action"))
    return action
