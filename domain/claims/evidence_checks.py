"""C3 helpers for the platform reviewer: warnings about evidence, never an automatic refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.uploads.model import FileFacts

EDITORS = ("photoshop", "gimp", "lightroom", "snapseed", "picsart", "meitu", "美图", "醒图", "canva", "pixlr",
           "affinity", "paint.net", "facetune", "vsco", "picmonkey", "fotor", "polarr", "pixelmator")


class EvidenceWarningCode(str, Enum):
    EDITING_SOFTWARE = "EDITING_SOFTWARE"
    CAPTURED_AFTER_CLAIM = "CAPTURED_AFTER_CLAIM"
    CAPTURED_BEFORE_ORDER = "CAPTURED_BEFORE_ORDER"
    REUSED_ON_OTHER_CLAIM = "REUSED_ON_OTHER_CLAIM"


@dataclass(frozen=True)
class EvidenceWarning:
    code: EvidenceWarningCode
    message: str


def editing_warnings(facts: FileFacts) -> list[EvidenceWarning]:
    software = (facts.editing_software or "").strip()
    if software and any(editor in software.lower() for editor in EDITORS):
        return [EvidenceWarning(EvidenceWarningCode.EDITING_SOFTWARE,
                                f"the image metadata names editing software: {software[:80]}")]
    return []


def evidence_warnings(facts: FileFacts, claim_submitted_at: datetime, order_placed_at: datetime,
                      other_claims: int) -> list[EvidenceWarning]:
    warnings = editing_warnings(facts)
    if facts.captured_at is not None:
        if facts.captured_at > claim_submitted_at:
            warnings.append(EvidenceWarning(EvidenceWarningCode.CAPTURED_AFTER_CLAIM,
                                            "the photo was taken after the claim was submitted"))
        if facts.captured_at < order_placed_at:
            warnings.append(EvidenceWarning(EvidenceWarningCode.CAPTURED_BEFORE_ORDER,
                                            "the photo was taken before the order was placed"))
    if other_claims:
        warnings.append(EvidenceWarning(EvidenceWarningCode.REUSED_ON_OTHER_CLAIM,
                                        f"the same file is evidence on {other_claims} other claim(s)"))
    return warnings
