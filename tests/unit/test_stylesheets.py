"""Our stylesheets close every block they open: a rule left open swallows every rule after
it into its media query, so they would apply on phones only."""

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))


def _depth_at_end(path: Path) -> int:
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', text)
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, f"{path.name}: a '}}' closes nothing"
    return depth


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_every_block_of_a_stylesheet_is_closed(path):
    assert _depth_at_end(path) == 0, f"{path.name} ends inside an open block"


def test_no_button_fades_while_a_request_is_in_flight():
    # A faded button fails AA contrast, and a page's poller sits above every button: a rule
    # fading buttons under .htmx-request dimmed them all every few seconds on the live pages.
    text = re.sub(r"/\*.*?\*/", "", (ROOT / "static/css/polku.css").read_text(), flags=re.S)
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        if "htmx-request" in selector and ".button" in selector:
            assert "opacity" not in body, selector.strip()
