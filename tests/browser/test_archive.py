"""Moving a workspace in a browser: download the archive, import it, and see a bad file refused."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_workspace_downloads_and_imports_again(page: Page, seed, check_page, tmp_path):
    owner = seed.user()
    space = seed.workspace(owner, "Siirrettävä työtila")
    seed.organisation(space, "Kahvila Korvapuusti")
    log_in(page, owner)
    page.goto(f"/w/{space.id}/edit")
    page.get_by_role("link", name="Download the workspace archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download the workspace archive")
    check_page(page, "export")
    page.get_by_label("Remove names").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the archive").click()
    download = info.value
    assert download.suggested_filename.endswith(".polku.zip")
    archive = tmp_path / download.suggested_filename
    download.save_as(archive)

    page.goto("/workspaces/new")
    page.get_by_role("link", name="Import a workspace archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a workspace archive")
    check_page(page, "import")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    page.get_by_label("Workspace archive").set_input_files(bad)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".field__errors")).to_contain_text("Nothing was imported.")
    check_page(page, "import-refused")
    page.get_by_label("Workspace archive").set_input_files(archive)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Workspace “Siirrettävä työtila” imported")
    expect(page.get_by_role("heading", level=1)).to_have_text("Siirrettävä työtila")
    check_page(page, "imported")
