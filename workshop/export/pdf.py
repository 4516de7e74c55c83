"""Print-quality PDF from our own HTML, made by WeasyPrint in a separate, time-limited process.

Participant text ends up in the HTML, so the renderer is treated as handling untrusted input:
it reads only the app's own static files (and `data:` URIs), never the network or the rest of
the disk, follows no redirects and embeds no attachments. Each render runs in a child forked
from a small server process that has WeasyPrint loaded already: a render that takes too long
is killed, and the app's threads keep serving other requests while it works.
"""

import mimetypes
import multiprocessing
import resource
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The address our print templates are rendered under. `.invalid` never resolves, and the
# fetcher answers it from the static folder without any network.
ORIGIN = "https://polku.invalid"
BASE_URL = ORIGIN + "/"


def static_url(filename: str) -> str:
    """The address of one of our static files as the PDF renderer reads it."""
    return f"{ORIGIN}/static/{filename}"


class PdfError(Exception):
    """The PDF could not be made."""


class RenderTimeout(PdfError):
    """The render took longer than its time limit and was stopped."""


class RenderBusy(PdfError):
    """As many PDFs as this process allows are being made already."""


class RefusedURL(ValueError):
    """The renderer asked for something outside the app's static files."""


@dataclass(frozen=True)
class PdfResult:
    """The PDF's bytes and what it took to make them."""

    data: bytes
    pages: int
    seconds: float
    peak_memory_kib: int
    fetched: tuple[str, ...]


class StaticOnlyFetcher(URLFetcher):
    """Serves `https://polku.invalid/static/…` from the static folder and `data:` URIs; refuses
    everything else, so no text a participant typed can make the renderer reach anywhere."""

    def __init__(self, static_dir: Path):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
        self.static_dir = static_dir.resolve()
        self.fetched: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN or not parts.path.startswith("/static/"):
            raise RefusedURL(f"not one of Polku's static files: {url[:200]}")
        path = (self.static_dir / unquote(parts.path.removeprefix("/static/"))).resolve()
        if not path.is_relative_to(self.static_dir) or not path.is_file():
            raise RefusedURL(f"no such static file: {url[:200]}")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def write_pdf(html: str, static_dir: Path, tagged: bool = True) -> PdfResult:
    """Render in this process (the child's work; also what the benchmark compares against)."""
    started = time.perf_counter()
    fetcher = StaticOnlyFetcher(static_dir)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    # `<link rel=attachment>` would embed a file in the PDF: our documents have none to give.
    document.metadata.attachments = []
    options = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    data = document.write_pdf(**options)
    return PdfResult(
        data=data,
        pages=len(document.pages),
        seconds=time.perf_counter() - started,
        peak_memory_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        fetched=tuple(fetcher.fetched),
    )


def _child(connection, html: str, static_dir: str, tagged: bool) -> None:
    try:
        connection.send(write_pdf(html, Path(static_dir), tagged))
    except Exception as error:  # noqa: BLE001 - the parent reports it; the child just ends
        connection.send(PdfError(f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


_context_lock = threading.Lock()
_context = None


def _forkserver():
    """The process that forks renderers; started once per app process, with WeasyPrint loaded."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", __name__])
            _context = context
    return _context


class PdfRenderer:
    """Renders HTML to PDF in child processes, a few at a time, each within a time limit."""

    def __init__(self, static_dir: Path, timeout: float, concurrency: int, tagged: bool = True):
        self.static_dir = Path(static_dir)
        self.timeout = timeout
        self.tagged = tagged
        self._slots = threading.BoundedSemaphore(concurrency)

    def render(self, html: str) -> PdfResult:
        """The PDF, or RenderBusy when every slot is taken, or RenderTimeout after the limit."""
        if not self._slots.acquire(timeout=2):
            raise RenderBusy()
        try:
            return self._render(html)
        finally:
            self._slots.release()

    def _render(self, html: str) -> PdfResult:
        context = _forkserver()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(sender, html, str(self.static_dir), self.tagged), daemon=True
        )
        process.start()
        sender.close()
        try:
            if not receiver.poll(self.timeout):
                raise RenderTimeout()
            result = receiver.recv()
        except EOFError as error:
            raise PdfError("the renderer stopped without a result") from error
        finally:
            process.join(1)  # a finished child ends by itself; a stuck one is stopped here
            if process.is_alive():
                process.kill()
                process.join(5)
            receiver.close()
        if isinstance(result, Exception):
            raise result
        return result


def init_app(app) -> None:
    """Give the app its renderer, set up from the configuration."""
    app.extensions["polku_pdf"] = PdfRenderer(
        Path(app.static_folder),
        timeout=app.config["PDF_TIMEOUT"],
        concurrency=app.config["PDF_CONCURRENCY"],
        tagged=app.config["PDF_TAGGED"],
    )
