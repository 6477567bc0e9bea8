"""F6's catalogues: ``locale/<lang>/LC_MESSAGES/messages.po``, whose msgids are the English messages (a ``msg``
template, or a plain message) extracted from the code by Babel with the keywords below; ``make messages`` extracts
them again and merges new ones into each catalogue. A test fails when a message has no translation."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOCALES = ROOT / "locale"
LANGUAGES = ("zh_CN",)
# the calls whose first argument (or the numbered one) is a user-facing message
KEYWORDS = {"msg": None, "DomainError": None, "InvalidInput": None, "NotFound": None, "InvalidState": None,
            "AlreadyExists": None, "Forbidden": None, "Unauthenticated": None, "UnsafeUrl": None,
            "bad_input": None, "BadParameter": None, "file_problem": (2,), "problem": (2,),
            "NotTrusted": (2,), "Refusal": (2,)}


# H7: the enums whose values messages name (``term(...)``): each value is translated as ``<Enum>.<VALUE>``
TERMS = ("domain.orders.model:OrderStatus", "domain.claims.model:ClaimStatus", "domain.appeals.model:AppealStatus",
         "domain.appeals.model:AppealKind", "domain.shared.actor:Role",
         # H6: the enums an export writes
         "domain.claims.model:ClaimReason", "domain.claims.model:RulingOutcome", "domain.shops.model:LedgerEntryKind",
         "domain.shops.model:LedgerBucket", "domain.coupons.model:IssuerKind")


def terms() -> dict[str, list[str]]:
    """Every value of TERMS, as its key, with where its enum is."""
    import importlib
    import inspect

    from domain.shared.messages import term_key
    from web.exports import COLUMNS, FLAGS

    exports = (ROOT / "web" / "exports.py").read_text().splitlines()
    where = f"web/exports.py:{next(n for n, line in enumerate(exports, 1) if line.startswith('COLUMNS ='))}"

    found: dict[str, list[str]] = {f"column.{name}": [where] for name in COLUMNS}
    found.update({flag: [where] for flag in FLAGS})
    for name in TERMS:
        module, _, attribute = name.partition(":")
        kind = getattr(importlib.import_module(module), attribute)
        line = inspect.getsourcelines(kind)[1]
        for value in kind:
            found[term_key(value)] = [f"{module.replace('.', '/')}.py:{line}"]
    return found


def extracted() -> dict[str, list[str]]:
    """Every message in the code, with where it is, and the terms."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[str]] = terms()
    for folder in ("domain", "schema", "web"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append(f"{folder}/{filename}:{lineno}")
    return found


def main() -> None:
    """Rewrite each catalogue: its translations kept, new messages added untranslated, vanished ones dropped."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    messages = extracted()
    for language in LANGUAGES:
        path = LOCALES / language / "LC_MESSAGES" / "messages.po"
        old = read_po(path.open("rb"), locale=language) if path.exists() else Catalog(locale=language)
        catalog = Catalog(locale=language, project="aftersales", fuzzy=False)
        for message, places in sorted(messages.items()):
            kept = old.get(message)
            catalog.add(message, kept.string if kept else "",
                        locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalog, width=120, omit_header=False, sort_output=True)
        missing = [m for m in messages if not (old.get(m) and old.get(m).string)]
        print(f"{path.relative_to(ROOT)}: {len(messages)} messages, {len(missing)} without a translation")


if __name__ == "__main__":
    main()
