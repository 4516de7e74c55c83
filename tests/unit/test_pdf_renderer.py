"""The PDF renderer's workers: reused while they work, replaced when a render fails or is slow."""

import pytest

from tests.conftest import ROOT
from workshop import pdf

HTML = '<html lang="fi"><body><h1>Polku</h1><p>Äitiä ja öitä.</p></body></html>'


@pytest.fixture
def renderer():
    made = pdf.PdfRenderer(ROOT / "static", timeout=60, concurrency=1)
    yield made
    made.close()


def test_a_worker_makes_one_pdf_after_another(renderer):
    first, second = renderer.render(HTML), renderer.render(HTML)
    assert first.data.startswith(b"%PDF") and second.data.startswith(b"%PDF")
    assert first.pages == second.pages == 1
    assert len(renderer._idle) == 1 and renderer._idle[0].renders == 2


def test_a_render_past_the_limit_is_stopped_and_the_next_one_works(renderer):
    renderer.timeout = 0.01
    with pytest.raises(pdf.RenderTimeout):
        renderer.render(HTML * 50)
    assert renderer._idle == []  # the slow worker was killed, not kept
    renderer.timeout = 60
    assert renderer.render(HTML).data.startswith(b"%PDF")


def test_a_worker_is_replaced_after_its_quota(renderer):
    renderer.renders_per_worker = 2
    renderer.render(HTML)
    renderer.render(HTML)
    assert renderer._idle == []
    renderer.render(HTML)
    assert renderer._idle[0].renders == 1


def test_broken_html_still_gives_a_pdf_and_an_idle_worker_that_ended_is_replaced(renderer):
    assert renderer.render("<p><b>unclosed <table><tr><td>x").data.startswith(b"%PDF")
    worker = renderer._idle[0]
    worker.stop()  # as if it had ended after being idle too long
    assert renderer.render(HTML).pages == 1
    assert renderer._idle[0] is not worker


def test_close_stops_the_idle_workers(renderer):
    renderer.render(HTML)
    worker = renderer._idle[0]
    renderer.close()
    assert not worker.process.is_alive() and renderer._idle == []


def test_the_same_html_is_rendered_once_while_kept_and_other_html_anew():
    renderer = pdf.PdfRenderer(ROOT / "static", timeout=60, concurrency=1, cache_bytes=10**6)
    try:
        first = renderer.render(HTML)
        again = renderer.render(HTML)
        other = renderer.render(HTML.replace("Polku", "Toinen"))
        assert again.data == first.data and again.seconds == 0.0 and first.seconds > 0
        assert other.data != first.data and other.seconds > 0
    finally:
        renderer.close()


def test_kept_pdfs_stay_within_their_size_the_oldest_going_first():
    measuring = pdf.PdfRenderer(ROOT / "static", timeout=60, concurrency=1)
    first_size = len(measuring.render(HTML).data)
    measuring.close()
    renderer = pdf.PdfRenderer(
        ROOT / "static", timeout=60, concurrency=1, cache_bytes=int(first_size * 1.5)
    )
    try:
        renderer.render(HTML)
        renderer.render(HTML.replace("Polku", "Toinen"))
        assert renderer.render(HTML).seconds > 0  # pushed out by the second
    finally:
        renderer.close()
