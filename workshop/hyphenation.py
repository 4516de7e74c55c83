"""Finnish hyphenation for the PDFs. WeasyPrint hyphenates with pyphen, which has no Finnish
dictionary, so a long Finnish word in a narrow column broke without a hyphen. Finnish syllables
follow a few regular rules, so Polku gives pyphen patterns made from them (Liang's format, as
in every hyphen dictionary): a break before a consonant that a vowel follows (kou-lu-tus,
kirk-ko), and between two vowels that are neither a long vowel nor a diphthong (ko-e, Ita-li-a).
Compounds mostly break right by the same rules (työ-pa-ja); no break is better than a wrong
one, so a rule that could split a syllable is left out.
"""

import functools
import os
import tempfile
from pathlib import Path

import pyphen

VOWELS = "aeiouyäö"
CONSONANTS = "bcdfghjklmnpqrstvwxzšž"
# Two vowels in one syllable: long vowels and diphthongs. Every other pair is split.
ONE_SYLLABLE = {v + v for v in VOWELS} | {
    *("ai", "ei", "oi", "ui", "yi", "äi", "öi"),
    *("au", "eu", "iu", "ou", "ey", "iy", "äy", "öy"),
    *("ie", "uo", "yö"),
}
# Loanwords begin with clusters that Finnish syllables never split (stra-te-gi-a, not st-ra…).
INITIAL_CLUSTERS = ("str", "spr", "skr", "sch")
# The dictionary's file name carries this, so a changed rule is never read from an old file.
VERSION = 1


def patterns() -> list[str]:
    """The hyphenation patterns of Finnish, from its syllable rules."""
    return [
        *(f"1{c}{v}" for c in CONSONANTS for v in VOWELS),
        *(f"{a}1{b}" for a in VOWELS for b in VOWELS if a + b not in ONE_SYLLABLE),
        *(f".{c[0]}2{c[1]}2{c[2]}" for c in INITIAL_CLUSTERS),
    ]


def register() -> None:
    """Let pyphen (and so WeasyPrint) hyphenate text marked fi or fi-FI."""
    if "fi" in pyphen.LANGUAGES:
        return  # a pyphen that ships Finnish knows better
    folder = Path(tempfile.gettempdir()) / f"polku-hyphenation-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"hyph_fi_v{VERSION}.dic"
    if not path.exists():
        # Written whole, then moved into place: another process may be reading it.
        partial = folder / f"{path.name}.{os.getpid()}"
        partial.write_text("UTF-8\n" + "\n".join(patterns()) + "\n", encoding="utf-8")
        partial.replace(path)
    for name in ("fi", "fi_FI"):
        pyphen.LANGUAGES[name] = path
        # language_fallback(), which WeasyPrint asks first, looks names up in lower case.
        pyphen.LANGUAGES_LOWERCASE[name.lower()] = name


@functools.cache
def hyphenator(language: str | None) -> pyphen.Pyphen | None:
    """Where words of this language may break, or None for a language pyphen cannot do."""
    register()
    name = pyphen.language_fallback(language) if language else None
    return pyphen.Pyphen(lang=name) if name else None
