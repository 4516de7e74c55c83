"""The Finnish and Swedish texts follow docs/glossary.md, and every count inflects."""

import gettext
import io
import re
from dataclasses import dataclass

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import GETTEXT_KEYWORDS as KEYWORDS
from tests.conftest import ROOT
from workshop.journey_templates.loader import load_template

LANGS = ("fi", "sv")
# What participants see on their phones: the pages a guest opens, and the live domain's
# messages addressed to them ("you").
PHONE_TEMPLATES = (
    "join.html",
    "phone.html",
    "waiting.html",
    "closed.html",
    "ended.html",
    "left_out.html",
    "code.html",
    "_controls.html",
    "_mine.html",
    "_point_form.html",
    "_step_form.html",
    "_comment_form.html",
    "_dot_answer.html",
    "_form_answer.html",
)
# Placeholders that hold fixed limits or parts of a fraction, never a count in a sentence.
FIXED_NUMBERS = {"max", "min", "n", "used", "total", "part", "parts", "line", "column", "known"}


@dataclass(frozen=True)
class Rule:
    """One row of the glossary's "Words the tests check"."""

    lang: str
    avoid: re.Pattern
    where: tuple[str, ...]
    allowed: re.Pattern | None
    row: str

    def applies(self, english: str, context: str | None, phones: set[str]) -> bool:
        """Whether the rule covers a text with this English original (and message context)."""
        if not self.where:
            return True
        for where in self.where:
            if where == "phones" and english in phones:
                return True
            if where.startswith("context:") and context == where.removeprefix("context:").strip():
                return True
            if where.startswith("=") and english.strip() == where[1:].strip():
                return True
            plain = where != "phones" and not where.startswith(("context:", "="))
            if plain and where.lower() in english.lower():
                return True
        return False

    def offending(self, text: str) -> list[str]:
        """The avoided words in a text, after taking out the allowed ones."""
        if self.allowed is not None:
            text = self.allowed.sub(" ", text)
        return [m.group(0) for m in self.avoid.finditer(text)]


def _words(cell: str, flags: int) -> re.Pattern | None:
    """A pattern for the backticked words of a table cell; `*` is any ending, words begin a word."""
    words = re.findall(r"`([^`]+)`", cell)
    if not words:
        return None
    parts = [re.escape(w).replace(r"\*", r"\w*") for w in words]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])", flags)


def glossary_rules() -> list[Rule]:
    """The rules of docs/glossary.md's checked-words table."""
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    table = text.split("## Words the tests check", 1)[1].split("\n## ", 1)[0]
    rules = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] not in LANGS:
            continue
        lang, avoid, where, allowed, _instead = cells
        rules.append(
            Rule(
                lang=lang,
                avoid=_words(avoid, re.IGNORECASE),
                where=tuple(w.strip() for w in where.split(";") if w.strip()),
                allowed=_words(allowed, 0),
                row=line.strip(),
            )
        )
    return rules


def phone_messages() -> set[str]:
    """The English of every string a participant's phone shows."""
    found = set()
    for name in PHONE_TEMPLATES:
        path = ROOT / "templates" / "live" / name
        for _line, message, _comments, _context in extract_from_file(
            "jinja2", str(path), keywords=KEYWORDS, options={"extensions": "jinja2.ext.do"}
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    for path in sorted((ROOT / "workshop" / "live").rglob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            english = message[0] if isinstance(message, tuple) else message
            if re.search(r"\byou\b", english, re.IGNORECASE):
                found.add(english)
    return found


def catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def catalogue_texts(lang: str):
    """(where, English, context, translation) for every translated string of a catalogue."""
    for entry in catalog(lang):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for english, string in zip(ids + ids[-1:] * len(strings), strings, strict=False):
            # A plural entry pairs the singular with msgstr[0] and the plural with the rest.
            yield f"{lang} catalogue: {ids[0]!r}", english, entry.context, string


def template_texts(lang: str):
    """(where, English, None, text) for every Finnish or Swedish text of the journey templates."""
    for path in sorted((ROOT / "journeys").glob("*.toml")):
        template = load_template(path)
        texts = [("title", template.title), ("description", template.description)]
        texts += [(f"lane {lane.id}", lane.title) for lane in template.lanes]
        texts += [(f"stage {stage.id}", stage.title) for stage in template.stages]
        for step in template.steps:
            texts += [(f"step {step.id}", step.title), (f"step {step.id}", step.description)]
            texts += [(f"step {step.id} point", p.text) for p in step.critical_points]
        for where, text in texts:
            yield f"{path.name} {where}", text.en, None, text.get(lang)


def test_the_glossary_has_rules_for_both_languages():
    rules = glossary_rules()
    assert {rule.lang for rule in rules} == set(LANGS)
    assert all(rule.avoid is not None for rule in rules), [r.row for r in rules if not r.avoid]
    assert len(rules) >= 30


def test_a_rule_catches_inflected_forms_and_spares_listed_exceptions():
    polku = next(r for r in glossary_rules() if "`polk*`" in r.row)
    assert polku.offending("Tehty Polulla 1.1.") == ["Polulla"]
    assert polku.offending("Valitse polkupohja") == ["polkupohja"]
    assert polku.offending("Polku-palvelusta viety palvelupolku; Polku ei vastaa.") == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_avoided_word_in_the_catalogue_or_the_journey_templates(lang):
    phones = phone_messages()
    rules = [rule for rule in glossary_rules() if rule.lang == lang]
    found = []
    for source in (catalogue_texts(lang), template_texts(lang)):
        for where, english, context, text in source:
            for rule in rules:
                if rule.applies(english, context, phones):
                    found += [(where, word, text) for word in rule.offending(text)]
    assert not found, "\n".join(f"{w}: “{word}” in {text!r}" for w, word, text in found)


def test_phone_strings_are_found():
    phones = phone_messages()
    assert "Wait until the facilitator lets you in. Nothing was added yet." in phones
    assert "If you are in the room, ask the facilitator to let you in." in phones


def _translations(lang: str) -> gettext.GNUTranslations:
    """The catalogue compiled in memory, as the app would read it."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("lang", LANGS)
def test_every_plural_renders_for_0_1_and_2(lang):
    messages = catalog(lang)
    assert messages.num_plurals == 2 and messages.plural_expr.replace(" ", "") == "(n!=1)"
    translations = _translations(lang)
    plurals = [e for e in messages if e.id and isinstance(e.id, tuple)]
    assert len(plurals) > 30
    for entry in plurals:
        singular, plural = entry.id
        for n in (0, 1, 2):
            english = singular if n == 1 else plural
            text = translations.ngettext(singular, plural, n)
            assert text == entry.string[0 if n == 1 else 1], (lang, entry.id, n)
            assert _placeholders(text) == _placeholders(english), (lang, entry.id, n, text)
            values = {name: 7 if f"%({name})d" in text else "x" for name in _placeholders(text)}
            rendered = text % (values | {"num": n})
            if "%(num)d" in english:
                assert re.search(rf"(?<!\d){n}(?!\d)", rendered), (lang, entry.id, rendered)


def test_counts_in_sentences_go_through_ngettext():
    """A `%(x)d word` outside ngettext would print "1 vaihetta", "1 minuuttia"."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    singular_only = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            continue
        for name in re.findall(r"%\((\w+)\)d\s+[^\W\d_]", message):
            if name not in FIXED_NUMBERS:
                singular_only.append(message)
    assert not singular_only, singular_only
