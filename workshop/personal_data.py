"""Where the models keep personal data: columns marked in their `info`, found from the metadata.

A column holding a person's name or e-mail address is declared with
`mapped_column(..., info=PERSONAL_NAME)` (or `PERSONAL_EMAIL`); a JSON column holding a frozen
document that may quote names (a sprint snapshot, an evidence pack) with `FROZEN_DOCUMENT`.
Erasure, retention and the anonymised workspace archive read the marks instead of keeping their
own lists, so a new model with a name column is covered the day it is marked
(`tests/unit/test_personal_data.py` fails on a name-like column left unmarked). Columns of
people's own words are marked `FREE_TEXT`: the person search looks for names in them too.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Column, MetaData, Table

PERSONAL = "personal"
FROZEN = "frozen_document"
PERSONAL_NAME = {PERSONAL: "name"}
PERSONAL_EMAIL = {PERSONAL: "email"}
FROZEN_DOCUMENT = {FROZEN: True}
# What people write in their own words (descriptions, quotes, notes) may name someone too.
FREE_TEXT_KEY = "free_text"
FREE_TEXT = {FREE_TEXT_KEY: True}


def removed_name(language: str | None = None) -> str:
    """What stands where an erased name was, in the language asked or the page's own."""
    if language is None:
        return _("Name removed")
    with force_locale(language):
        return _("Name removed")


def is_removed_name(name: str) -> bool:
    """True for the placeholder of an erased name, in any language the app speaks: two erased
    people carry the same one, so it must never tell who is who."""
    return name.strip() in {removed_name(code) for code in current_app.config["LANGUAGES"]}


@dataclass(frozen=True)
class Marked:
    """One marked column: its table, its column and what it holds (name, email or document)."""

    table: Table
    column: Column
    kind: str


def personal_columns(metadata: MetaData) -> Iterator[Marked]:
    """Every column marked as a person's name or e-mail address, in table order."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            kind = column.info.get(PERSONAL)
            if kind:
                yield Marked(table, column, kind)


def frozen_document_columns(metadata: MetaData) -> Iterator[Marked]:
    """Every JSON column marked as a frozen document that may quote names."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.info.get(FROZEN):
                yield Marked(table, column, "document")


def free_text_columns(metadata: MetaData) -> Iterator[Marked]:
    """Every column marked as people's own words, which may name someone."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.info.get(FREE_TEXT_KEY):
                yield Marked(table, column, "text")


def replace_words(text: str, names: Iterable[str], replacement: str) -> str:
    """The text with every word that starts with one of the names replaced, ignoring case: a
    Finnish name takes endings (Eevan, Eevalle), and the whole inflected word goes."""
    wanted = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not wanted:
        return text
    pattern = "|".join(re.escape(name) for name in wanted)
    return re.sub(rf"(?<!\w)(?:{pattern})\w*", replacement, text, flags=re.IGNORECASE)


def redact(value: Any, names: Iterable[str], replacement: str) -> Any:
    """The value with every string equal to, or containing, one of the names replaced.

    A string that is exactly a name becomes the replacement; a longer one has the name replaced
    inside it (a frozen document writes "Matti Virtanen (Työnantaja)"). Names are matched as
    typed, ignoring case; empty names are ignored so nothing is replaced by accident.
    """
    wanted = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not wanted:
        return value
    return _redact(value, wanted, replacement)


def _redact(value: Any, names: list[str], replacement: str) -> Any:
    if isinstance(value, str):
        return _redact_text(value, names, replacement)
    if isinstance(value, list):
        return [_redact(item, names, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, names, replacement) for key, item in value.items()}
    return value


def _redact_text(text: str, names: list[str], replacement: str) -> str:
    lowered = text.casefold()
    for name in names:
        if text.strip().casefold() == name.casefold():
            return replacement
        start = lowered.find(name.casefold())
        while start != -1:
            text = text[:start] + replacement + text[start + len(name) :]
            lowered = text.casefold()
            start = lowered.find(name.casefold(), start + len(replacement))
    return text
