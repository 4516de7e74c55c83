"""Web addresses shown as people read them, linked as they were given."""

import pytest
from bs4 import BeautifulSoup

from workshop.links import linked, readable_url

KSML = "https://www.ksml.fi/kotimaa/Kysely-ty%C3%B6paikka-%E2%80%93-pulassa./1313785"


def test_letters_are_shown_decoded():
    assert readable_url(KSML) == "https://www.ksml.fi/kotimaa/Kysely-työpaikka-–-pulassa./1313785"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.fi/a%20b?q=1%26x%3D2#%23",  # ASCII escapes mean something: they stay
        "https://example.fi/%FF%C3",  # not UTF-8
        "https://example.fi/%E2%80%8Fmark",  # a bidi mark would reorder what is read
        "not an address",
    ],
)
def test_escapes_that_carry_meaning_or_hide_something_stay(url):
    assert readable_url(url) == url


def test_the_host_shows_its_own_letters():
    host = "työelämä.fi".encode("idna").decode("ascii")
    assert readable_url(f"https://{host}/polku") == "https://työelämä.fi/polku"


def test_addresses_in_text_become_links_that_keep_the_address_as_given():
    html = BeautifulSoup(str(linked(f"Lähde: {KSML}. <b>lihavoitu</b>")), "html.parser")
    link = html.a
    assert link["href"] == KSML
    assert link.get_text() == readable_url(KSML)
    # The sentence's full stop is not part of the address; the rest stays text, escaped.
    assert html.get_text() == f"Lähde: {readable_url(KSML)}. <b>lihavoitu</b>"
    assert html.b is None
