"""scripts/fetch_vendor.py: the pinned htmx kept offline, a missing npm a warning for make install."""

import importlib.util

import pytest

from tests.conftest import ROOT
from workshop.config import HTMX_SRI

spec = importlib.util.spec_from_file_location("fetch_vendor", ROOT / "scripts" / "fetch_vendor.py")
fetch_vendor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fetch_vendor)


@pytest.fixture
def vendor(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_vendor, "VENDOR", tmp_path)
    return tmp_path


@pytest.fixture
def no_npm(monkeypatch):
    monkeypatch.setattr(fetch_vendor.shutil, "which", lambda name: None)


def test_a_copy_matching_the_pin_is_kept_without_asking_the_registry(vendor, no_npm):
    pinned = (ROOT / "static" / "vendor" / "htmx.min.js").read_bytes()
    assert fetch_vendor.sri(pinned) == HTMX_SRI
    (vendor / "htmx.min.js").write_bytes(pinned)
    assert fetch_vendor.main(["htmx"]) == 0
    assert (vendor / "htmx.min.js").read_bytes() == pinned


def test_without_npm_make_install_warns_and_goes_on(vendor, no_npm, capsys):
    assert fetch_vendor.main(["htmx", "--optional"]) == 0
    assert "npm is not installed" in capsys.readouterr().err
    assert not (vendor / "htmx.min.js").exists()


def test_without_npm_the_tests_setup_fails(vendor, no_npm, capsys):
    assert fetch_vendor.main(["htmx"]) == 1
    assert "npm is not installed" in capsys.readouterr().err


def test_a_copy_that_is_not_the_pinned_one_is_refused(vendor, monkeypatch):
    (vendor / "htmx.min.js").write_bytes(b"not htmx")
    monkeypatch.setattr(fetch_vendor, "fetch", lambda spec, member: b"tampered")
    assert fetch_vendor.main(["htmx", "--optional"]) == 0
    assert fetch_vendor.main(["htmx"]) == 1
    assert (vendor / "htmx.min.js").read_bytes() == b"not htmx"
