"""Pages that load htmx from the CDN carry the fallback to the local copy, as a file (CSP)."""

from tests.conftest import page
from workshop.config import HTMX_CDN_URL, HTMX_SRI

LOCAL = "/static/vendor/htmx.min.js"


def scripts(client) -> list:
    return page(client.get("/login")).select("head script")


def test_a_page_on_the_cdn_falls_back_to_the_local_copy(make_app):
    client = make_app(HTMX_URL=HTMX_CDN_URL).test_client()
    head = scripts(client)
    sources = [s["src"] for s in head]
    cdn = sources.index(HTMX_CDN_URL)
    fallback = head[cdn + 1]
    # Right after the CDN's script, deferred like it, so it runs once that one ran or failed.
    assert fallback["src"] == "/static/js/htmx-fallback.js" and fallback.has_attr("defer")
    assert fallback["data-htmx-src"] == LOCAL
    assert fallback["data-htmx-integrity"] == HTMX_SRI == head[cdn]["integrity"]
    assert all(s.get_text().strip() == "" for s in head), "no inline script"
    with client.get("/static/js/htmx-fallback.js") as script:
        assert script.status_code == 200


def test_a_page_on_the_local_copy_needs_no_fallback(make_app):
    sources = [s["src"] for s in scripts(make_app(HTMX_URL=LOCAL).test_client())]
    assert LOCAL in sources and "/static/js/htmx-fallback.js" not in sources
