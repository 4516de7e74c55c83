"""The stylesheets parse as their authors meant: a block left open swallows every rule after
it (a merge once dropped the `}` of a phone-only media query, so the rules added after it
applied on phones only)."""

from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css"


def _depths(text: str):
    """The nesting depth after each line, comments left out."""
    depth, in_comment = 0, False
    for number, line in enumerate(text.splitlines(), 1):
        i = 0
        while i < len(line):
            if in_comment:
                end = line.find("*/", i)
                if end < 0:
                    break
                in_comment, i = False, end + 2
                continue
            if line.startswith("/*", i):
                in_comment, i = True, i + 2
                continue
            depth += {"{": 1, "}": -1}.get(line[i], 0)
            i += 1
        yield number, line, depth


@pytest.mark.parametrize("name", ["polku.css", "print.css"])
def test_every_block_is_closed_and_top_level_rules_stay_top_level(name):
    for number, line, depth in _depths((CSS / name).read_text(encoding="utf-8")):
        assert depth >= 0, f"{name}:{number}: a `}}` closes nothing"
        # A rule written at the start of a line is meant for every screen: nothing is open.
        if line[:1] not in ("", " ", "}", "@", "/") and line.rstrip().endswith("}"):
            assert depth == 0, f"{name}:{number}: inside a block left open above: {line[:60]}"
    assert depth == 0, f"{name}: a block is never closed"
