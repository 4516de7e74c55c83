"""Templates spell htmx attributes as data-hx-*, which the Nu HTML Checker accepts."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BARE = re.compile(r"(?<![-\w.])hx-[a-z-]+\s*=")


def test_no_template_uses_a_bare_hx_attribute():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in BARE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
