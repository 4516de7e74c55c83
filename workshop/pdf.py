"""Print-quality PDF from our own HTML, made by WeasyPrint in a separate, time-limited process.

Participant text ends up in the HTML, so the renderer is treated as handling untrusted input:
it reads only the app's own static files (and `data:` URIs), never the network or the rest of
the disk, follows no redirects and embeds no attachments. Renders run in worker processes
forked from a small server process that has WeasyPrint loaded already: a render that takes
too long is killed with its worker, and the app's threads keep serving other requests while
one works.
"""

import gc
import hashlib
import mimetypes
import multiprocessing
import resource
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from workshop import hyphenation

# Here, at import, so that the forkserver's preload gives every render worker Finnish too.
hyphenation.register()

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


class RenderTooLarge(PdfError):
    """The render needed more memory than it may use and was stopped."""


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
    # `<link rel=attachment>` and `<a rel=attachment>` would embed a file in the PDF: our
    # documents have none to give.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    options = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    data = document.write_pdf(**options)
    return PdfResult(
        data=data,
        pages=len(document.pages),
        seconds=time.perf_counter() - started,
        peak_memory_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        fetched=tuple(fetcher.fetched),
    )


def _serve(connection, static_dir: str, tagged: bool, memory_mib: int, idle: float) -> None:
    """A render worker: PDFs for the HTML it is sent, until it is idle too long or told to go."""
    if memory_mib:
        # A cap on the worker's address space: one huge document cannot take the server's memory.
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        while connection.poll(idle):
            html = connection.recv()
            # No cycle collection during a render: WeasyPrint makes objects by the hundred
            # thousand and the collector's passes over them cost about a tenth of the render
            # (bench/pdf_bench.py), while the render's garbage is only garbage once it ends.
            # The address-space cap above still bounds the render; its garbage is collected
            # right after the answer is sent, while nobody waits.
            gc.disable()
            try:
                connection.send(write_pdf(html, Path(static_dir), tagged))
            except MemoryError:
                connection.send(RenderTooLarge())
                return  # what is left of this worker's memory is not worth keeping
            except Exception as error:  # noqa: BLE001 - the parent reports it
                connection.send(PdfError(f"{type(error).__name__}: {error}"))
            finally:
                gc.enable()
            gc.collect()
    except EOFError:
        pass  # the app process went away
    finally:
        connection.close()


_context_lock = threading.Lock()
_context = None


def _forkserver():
    """The process that forks render workers; started once per app process, with WeasyPrint
    loaded, so a new worker costs a fork rather than an import."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            # "__main__" too: loaded once here, so the workers do not each import the
            # parent's main script again (multiprocessing's preparation of a child does that).
            context.set_forkserver_preload(["__main__", "weasyprint", __name__])
            _context = context
    return _context


class _Worker:
    """One render worker process and the pipe to it."""

    def __init__(self, renderer: "PdfRenderer"):
        context = _forkserver()
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve,
            args=(
                child_end,
                str(renderer.static_dir),
                renderer.tagged,
                renderer.memory_mib,
                renderer.idle_seconds,
            ),
            daemon=True,
        )
        self.process.start()
        child_end.close()
        self.renders = 0

    def render(self, html: str, timeout: float) -> PdfResult:
        self.connection.send(html)
        if not self.connection.poll(timeout):
            raise RenderTimeout()
        try:
            result = self.connection.recv()
        except EOFError as error:
            raise PdfError("the renderer stopped without a result") from error
        self.renders += 1
        if isinstance(result, Exception):
            raise result
        return result

    def usable(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class PdfRenderer:
    """Renders HTML to PDF in worker processes, a few at a time, each render within a time limit.

    Workers stay for the next render (fonts loaded, caches warm) until they have been idle for
    `idle_seconds` or have made `renders_per_worker` PDFs; a worker whose render fails or runs
    out of time is killed, and the next render gets a fresh one. With `cache_bytes`, the PDFs
    of the latest HTML are kept up to that size: the same HTML is the same PDF, and a shared
    summary or report opened by every partner is then made once, not once per download.
    """

    def __init__(
        self,
        static_dir: Path,
        timeout: float,
        concurrency: int,
        tagged: bool = True,
        memory_mib: int = 0,
        idle_seconds: float = 300,
        renders_per_worker: int = 50,
        cache_bytes: int = 0,
    ):
        self.static_dir = Path(static_dir)
        self.timeout = timeout
        self.tagged = tagged
        self.memory_mib = memory_mib
        self.idle_seconds = idle_seconds
        self.renders_per_worker = renders_per_worker
        self._slots = threading.BoundedSemaphore(concurrency)
        self._idle_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[bytes, PdfResult] = OrderedDict()
        self._cache_lock = threading.Lock()

    def render(self, html: str) -> PdfResult:
        """The PDF, or RenderBusy when every slot is taken, or RenderTimeout after the limit."""
        key = hashlib.sha256(html.encode("utf-8", "surrogatepass")).digest()
        kept = self._cached(key)
        if kept is not None:
            return kept
        result = self._render(html)
        self._keep(key, result)
        return result

    def _cached(self, key: bytes) -> PdfResult | None:
        """The PDF made from the same HTML before, as taking no time, if it is still kept."""
        with self._cache_lock:
            result = self._cache.get(key)
            if result is None:
                return None
            self._cache.move_to_end(key)
        return replace(result, seconds=0.0, peak_memory_kib=0)

    def _keep(self, key: bytes, result: PdfResult) -> None:
        """Keep the PDF, dropping the least recently used ones beyond cache_bytes."""
        if len(result.data) > self.cache_bytes:
            return
        with self._cache_lock:
            self._cache[key] = result
            size = sum(len(kept.data) for kept in self._cache.values())
            while size > self.cache_bytes:
                _key, dropped = self._cache.popitem(last=False)
                size -= len(dropped.data)

    def _render(self, html: str) -> PdfResult:
        if not self._slots.acquire(timeout=2):
            raise RenderBusy()
        try:
            worker = self._take_worker()
            try:
                result = worker.render(html, self.timeout)
            except BaseException:
                worker.stop()
                raise
            self._give_back(worker)
            return result
        finally:
            self._slots.release()

    def close(self) -> None:
        """Stop the idle workers (a busy one stops after its render)."""
        with self._idle_lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.stop()

    def _take_worker(self) -> _Worker:
        with self._idle_lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.usable():
                    return worker
                worker.stop()  # it ended after being idle too long
        return _Worker(self)

    def _give_back(self, worker: _Worker) -> None:
        if worker.renders >= self.renders_per_worker:
            worker.stop()
            return
        with self._idle_lock:
            self._idle.append(worker)


def init_app(app) -> None:
    """Give the app its renderer, set up from the configuration."""
    app.extensions["polku_pdf"] = PdfRenderer(
        Path(app.static_folder),
        timeout=app.config["PDF_TIMEOUT"],
        concurrency=app.config["PDF_CONCURRENCY"],
        tagged=app.config["PDF_TAGGED"],
        memory_mib=app.config["PDF_MEMORY_MIB"],
        idle_seconds=app.config["PDF_WORKER_IDLE"],
        cache_bytes=app.config["PDF_CACHE_MIB"] * 1024 * 1024,
    )
