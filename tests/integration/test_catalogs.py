"""Every message the interface shows has its Finnish and Swedish translation."""

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.conftest import GETTEXT_KEYWORDS as KEYWORDS
from tests.conftest import ROOT


def source_messages() -> set[tuple[str, str | None]]:
    """The (msgid, context) pairs in the code and templates, as `make messages` extracts them."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_message_is_translated(lang):
    messages = catalog(lang)
    missing = []
    for msgid, context in sorted(source_messages(), key=lambda m: (m[0], m[1] or "")):
        entry = messages.get(msgid, context=context)
        strings = entry.string if entry else None
        ok = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not ok or entry.fuzzy:
            missing.append(msgid)
    assert not missing, (
        f"{lang} lacks translations (run `make messages`, then translate): {missing}"
    )


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_translations_keep_their_placeholders(lang):
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for entry in catalog(lang):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) <= expected | set(
                placeholder.findall(ids[0])
            ), (lang, entry.id, string)
