"""The PDF renderer's fetcher: Polku's own static files and data: URIs, nothing else."""

import socket

import pytest

from tests.conftest import ROOT
from workshop.pdf import StaticOnlyFetcher, static_url

STATIC = ROOT / "static"


@pytest.fixture
def fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher(STATIC)


@pytest.fixture
def local_port():
    """A port on 127.0.0.1 that accepts connections, to tell whether anything tried one."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(0.3)
        yield server


def nobody_connected(server: socket.socket) -> bool:
    try:
        connection, _address = server.accept()
    except TimeoutError:
        return True
    connection.close()
    return False


def test_serves_a_static_file_with_its_type(fetcher):
    url = static_url("css/polku.css")
    response = fetcher.fetch(url)
    try:
        assert response.read() == (STATIC / "css" / "polku.css").read_bytes()
    finally:
        response.close()
    assert response.content_type == "text/css"
    assert fetcher.fetched == [url]


def test_serves_data_uris_and_does_not_list_them_as_fetched(fetcher):
    response = fetcher("data:text/plain;base64,UG9sa3U=")
    try:
        assert response.read() == b"Polku"
    finally:
        response.close()
    assert fetcher("data:text/plain,plain%20text").read() == b"plain text"
    assert fetcher.fetched == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"file://{STATIC / 'css' / 'polku.css'}",  # even our own file, by path
        "https://polku.invalid/static/../../pyproject.toml",
        "https://polku.invalid/static/%2e%2e/%2e%2e/pyproject.toml",
        "https://polku.invalid/static/%2E%2E%2F%2E%2E%2Fpyproject.toml",
        "https://polku.invalid/static/css/..%2f..%2f..%2fpyproject.toml",
        "https://polku.invalid/static/%252e%252e/pyproject.toml",  # encoded twice: a name
        "https://polku.invalid/static//etc/passwd",
        "https://polku.invalid/other",
        "https://polku.invalid/",
        "https://polku.invalid/static/",
        "https://polku.invalid/static/css",
        "https://polku.invalid/static/css/missing.css",
        "https://polku.invalid/statics/css/polku.css",
        "https://polku.invalid:8443/static/css/polku.css",
        "https://user@polku.invalid/static/css/polku.css",
        "https://polku.invalid.example.com/static/css/polku.css",
        "http://polku.invalid/static/css/polku.css",
        "ftp://polku.invalid/static/css/polku.css",
        "ftp://127.0.0.1/etc/passwd",
        "/static/css/polku.css",
        "css/polku.css",
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(ValueError):  # RefusedURL, or the protocol refusal of the base class
        fetcher.fetch(url)
    assert fetcher.fetched == []


def test_refuses_a_local_listener_without_connecting(fetcher, local_port):
    port = local_port.getsockname()[1]
    for url in (
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/static/css/polku.css",
        f"https://127.0.0.1:{port}/static/css/polku.css",
        f"https://polku.invalid@127.0.0.1:{port}/static/css/polku.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert nobody_connected(local_port)
    assert fetcher.fetched == []


def test_a_link_out_of_the_static_folder_is_refused(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "private.txt").write_text("outside")
    (static / "inside.txt").write_text("inside")
    (static / "escape.txt").symlink_to(tmp_path / "private.txt")
    fetcher = StaticOnlyFetcher(static)
    assert fetcher.fetch(static_url("inside.txt")).read() == b"inside"
    with pytest.raises(ValueError):
        fetcher.fetch(static_url("escape.txt"))
    assert fetcher.fetched == [static_url("inside.txt")]
