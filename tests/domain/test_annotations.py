"""N1 and N6 on the domain."""

import pytest

from domain.annotations.model import normalise_binding, remark_text
from domain.shared.errors import DomainError, InvalidInput


def test_n1_counts_code_points_after_nfc():
    assert len(remark_text("e\u0301" * 500, ("t",))) == 500
    with pytest.raises(DomainError):
        remark_text("🍒" * 501, ("t",))
    assert remark_text("   ", ("t",)) == ""


@pytest.mark.parametrize("raw, normal", [("shift+alt+m", "Alt+Shift+M"), ("META+shift+CTRL+x", "Ctrl+Shift+Meta+X"),
                                         ("ctrl++", "Ctrl++"), ("option+esc", "Alt+Escape")])
def test_n6_normalisation(raw, normal):
    assert normalise_binding(raw) == normal


@pytest.mark.parametrize("raw", ["m", "shift+", "+m", "ctrl+ctrl+m", "fn+m", "alt+enterr"])
def test_n6_refusals(raw):
    with pytest.raises(InvalidInput):
        normalise_binding(raw)
