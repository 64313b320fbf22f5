"""Every message has its English translation, and the compiled catalog matches its source."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(p for p in ROOT.glob("**/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts)
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n?)+)+)', re.M)


def _join(quoted: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', quoted))


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_compiled(po: Path):
    text = po.read_text(encoding="utf-8")
    untranslated = [_join(m.group(1)) for m in ENTRY.finditer(text) if _join(m.group(1)) and not _first_msgstr(m)]
    assert untranslated == []
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    for match in ENTRY.finditer(text):
        msgid, msgstr = (_unescape(_join(group)) for group in (match.group(1), match.group(2)))
        if msgid and "msgid_plural" not in match.group(0):
            assert compiled.gettext(msgid) == msgstr, f"{msgid!r}: the .mo file is older than the .po file"


def _first_msgstr(match: re.Match[str]) -> str:
    """The (first) translation of an entry, wrapped over several lines or not."""
    return _join(re.split(r"^msgstr(?:\[\d\])? ", match.group(2), flags=re.M)[1])


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def test_there_is_a_catalog():
    assert CATALOGS
