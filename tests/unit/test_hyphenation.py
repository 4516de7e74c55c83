"""Finnish words break in the PDFs where Finnish syllables do."""

import subprocess
from pathlib import Path

import pyphen
import pytest

from workshop import pdf

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.parametrize(
    "word, broken",
    [
        ("koulutussopimus", "kou-lu-tus-so-pi-mus"),
        ("työpaikkaohjaaja", "työ-paik-ka-oh-jaa-ja"),
        ("kirkko", "kirk-ko"),
        ("vapaaehtoinen", "va-paa-eh-toi-nen"),
        ("strategia", "stra-te-gia"),
        ("Tiedot", "Tie-dot"),
        ("hyötyä", "hyö-tyä"),
    ],
)
def test_a_finnish_word_breaks_between_its_syllables(word, broken):
    assert pyphen.language_fallback("fi-FI") is not None  # workshop.pdf registered it
    assert pyphen.Pyphen(lang="fi").inserted(word) == broken


def test_a_finnish_word_in_a_swedish_pdf_is_hyphenated_in_finnish():
    word = "ammattitaitovaatimukset"
    html = f"""<!doctype html><html lang="sv"><head><style>
      p {{ width: 22mm; hyphens: auto; font-size: 12pt; }}
    </style></head><body><p lang="fi">{word} {word}</p></body></html>"""
    data = pdf.write_pdf(html, STATIC, tagged=False).data
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # WeasyPrint writes the hyphen as U+2010. Each break falls between two syllables.
    assert any(line.endswith("‐") for line in lines), lines
    syllables = ["am", "mat", "ti", "tai", "to", "vaa", "ti", "muk", "set"]
    boundaries = {"".join(syllables[:n]) for n in range(1, len(syllables))}
    so_far = ""
    for line in lines:
        so_far += line.removesuffix("‐")
        if line.endswith("‐"):
            assert so_far in boundaries, lines
        else:
            assert so_far == word, lines
            so_far = ""
