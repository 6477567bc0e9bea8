"""F6: every message the API can show has its Chinese translation, with the same placeholders; the catalogue holds
nothing the code no longer says; Accept-Language is negotiated as browsers send it."""

from __future__ import annotations

import re
import string

import pytest

import i18n
from domain.shared.messages import msg
from schema.common.i18n import catalogue, negotiate, translate

FIELDS = re.compile(r"{(\w+)}")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_in_the_code_has_a_chinese_translation_with_its_placeholders():
    messages = i18n.extracted()
    translated = catalogue("zh_CN")
    assert len(messages) > 150
    missing = {m: places for m, places in messages.items() if m not in translated}
    assert missing == {}, "run `make messages` and translate locale/zh_CN/LC_MESSAGES/messages.po"
    wrong = {m: translated[m] for m in messages if placeholders(m) != placeholders(translated[m])}
    assert wrong == {}
    assert set(translated) <= set(messages), "the catalogue holds messages the code no longer has"


def test_a_message_with_values_is_translated_by_its_template():
    message = msg("at most {limit} per account", limit=3)
    assert message == "at most 3 per account"
    assert translate(message, "zh_CN") == "每个账号最多领取 3 张"
    assert translate(message, "en") == "at most 3 per account"
    assert translate("a message nobody translated", "zh_CN") == "a message nobody translated"


@pytest.mark.parametrize(("header", "language"), [
    (None, "en"), ("", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN", "zh_CN"), ("zh", "zh_CN"),
    ("zh-Hans-CN,zh;q=0.9", "zh_CN"), ("fr-FR, zh;q=0.5, en;q=0.4", "zh_CN"), ("en;q=0.9, zh-CN", "zh_CN"),
    ("zh-CN;q=0", "en"), ("de", "en"), ("*", "en"), ("zh-CN;q=abc", "en"),
])
def test_accept_language_is_negotiated_with_its_q_values(header, language):
    assert negotiate(header) == language
