"""`make run` serves a room from the laptop: htmx from its own copy, not from the CDN, so an
offline room's pages neither fail a request nor log an error for it."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

LOCAL = "POLKU_HTMX_URL=/static/vendor/htmx.min.js"


def serve_line(**env) -> str:
    """The command `make run` would start the server with (make -n runs nothing)."""
    result = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "POLKU_HTMX_URL"} | env,
    )
    return next(line for line in result.stdout.splitlines() if " run --host " in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_run_serves_the_local_copy_of_htmx():
    assert (ROOT / "static" / "vendor" / "htmx.min.js").is_file()
    assert serve_line().startswith(LOCAL)


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_a_chosen_htmx_address_is_kept():
    line = serve_line(POLKU_HTMX_URL="https://cdn.example/htmx.min.js")
    assert "POLKU_HTMX_URL" not in line  # the environment's own value reaches flask
