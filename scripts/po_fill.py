"""Fill empty msgstr entries of a PO file from one or more translation sources (PO fragments or a Python dict).

Usage: python scripts/po_fill.py TARGET.po SOURCE [SOURCE ...]
A SOURCE ending in .py must define a dict `T` (msgid -> msgstr); anything else is read as PO entries.
"""

import re
import runpy
import sys
from pathlib import Path

ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _join(quoted: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', quoted))


def _quote(text: str) -> str:
    return '"' + text + '"'


def load(path: Path) -> dict[str, str]:
    if path.suffix == ".py":
        return {k.replace('"', '\\"'): v.replace('"', '\\"') for k, v in runpy.run_path(str(path))["T"].items()}
    return {_join(m.group(1)): _join(m.group(2)) for m in ENTRY.finditer(path.read_text(encoding="utf-8"))}


def main() -> None:
    target = Path(sys.argv[1])
    translations: dict[str, str] = {}
    for source in sys.argv[2:]:
        translations.update(load(Path(source)))
    text = target.read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        msgid, msgstr = _join(match.group(1)), _join(match.group(2))
        if msgstr or not msgid or msgid not in translations:
            return match.group(0)
        return f"msgid {match.group(1)}msgstr {_quote(translations[msgid])}\n"

    text = ENTRY.sub(fill, text)
    text = text.replace("#, fuzzy\n", "", 1) if text.startswith("# SOME") else text
    target.write_text(text, encoding="utf-8")
    empty = [m for m in ENTRY.finditer(text) if _join(m.group(1)) and not _join(m.group(2))]
    print(f"{target}: {len(empty)} entries still untranslated")


if __name__ == "__main__":
    main()
