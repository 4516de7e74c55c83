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
