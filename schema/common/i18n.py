"""F6 at the edge of the API: the language a request asks for (``Accept-Language``: ``zh-CN``, ``zh`` … or English,
the default), and a message in it. The catalogues are ``locale/<language>/LC_MESSAGES/messages.po`` (``i18n.py``
extracts and merges them; a test fails on a missing translation), read once. A message with values (``msg``) is
translated by its template, then filled with the same values; ``code`` never changes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.pofile import read_po

from domain.shared.messages import Message

LOCALES = Path(__file__).resolve().parents[2] / "locale"
ENGLISH = "en"
AVAILABLE = [ENGLISH, "zh_CN"]
ALIASES = {"zh": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN", "zh_cn": "zh_CN"}


def negotiate(accept_language: str | None) -> str:
    """The best of English and Simplified Chinese for an ``Accept-Language`` header (q-values honoured)."""
    if not accept_language:
        return ENGLISH
    preferences = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            preferences.append((-quality, position, tag.strip().replace("-", "_").lower()))
    ordered = [tag for _q, _p, tag in sorted(preferences)]
    chosen = negotiate_locale(ordered, [a.lower() for a in AVAILABLE], aliases=ALIASES) if ordered else None
    if chosen is None:
        return ENGLISH
    return next((a for a in AVAILABLE if a.lower() == chosen.lower()), ENGLISH)


@cache
def catalogue(language: str) -> dict[str, str]:
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as source:
        catalog = read_po(source, locale=language)
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy}


def translate(message: str, language: str) -> str:
    """``message`` (a plain message or a ``msg`` with values) in ``language``; as it is when untranslated."""
    if language == ENGLISH:
        return str(message)
    template = getattr(message, "template", message)
    translated = catalogue(language).get(template)
    if not translated:
        return str(message)
    params = {name: translate(value, language) if isinstance(value, Message) else value
              for name, value in getattr(message, "params", {}).items()}  # a message within a message
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(message)
