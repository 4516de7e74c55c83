"""The accessibility statement, About and the licence: public pages with Polku's defaults until
an administrator edits the statement in each language; bad input changes nothing."""

import io
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ROOT, page, text_of
from workshop import clock
from workshop.audit.models import Action, AuditEvent
from workshop.extensions import db
from workshop.site import services
from workshop.site.models import AccessibilityStatement, Compliance


def _valid(**changes) -> dict:
    data = {
        "compliance": "partial",
        "organisation_fi": "Esimerkkiopisto",
        "organisation_sv": "Exempelinstitutet",
        "organisation_en": "Example College",
        "known_issues_fi": "Videoilla ei ole tekstityksiä.\n\nKartat vaativat hiiren.",
        "known_issues_sv": "",
        "known_issues_en": "Videos have no captions.",
        "feedback_email": "saavutettavuus@esimerkki.fi",
        "feedback_url": "https://esimerkki.fi/palaute",
        "prepared_on": "2026-11-02",
        "reviewed_on": "2026-12-01",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin(make_user, login):
    user = make_user(email="admin@example.fi", is_admin=True)
    login(user)
    return user


def _in(client, language: str, path: str):
    return client.get(path, headers={"Accept-Language": language})


@pytest.mark.parametrize(
    ("language", "heading", "supervisor", "address"),
    [
        (
            "fi",
            "Saavutettavuusseloste",
            "Liikenne- ja viestintävirasto Traficom",
            "saavutettavuusvaatimukset.fi",
        ),
        (
            "sv",
            "Tillgänglighetsutlåtande",
            "Transport- och kommunikationsverket Traficom",
            "tillganglighetskrav.fi",
        ),
        (
            "en",
            "Accessibility statement",
            "Finnish Transport and Communications Agency Traficom",
            "webaccessibility.fi",
        ),
    ],
)
def test_a_visitor_reads_polkus_default_statement_in_each_language(
    client, language, heading, supervisor, address
):
    page = _in(client, language, "/accessibility")
    assert page.status_code == 200
    text = text_of(page)
    assert heading in text and supervisor in text and address in text
    assert "saavutettavuus@traficom.fi" in text and "029 534 5000" in text
    assert "306/2019" in text and "2016/2102" in text
    assert "400 %" in text and "%%" not in text
    if language == "en":
        assert "partially meets the accessibility requirements" in text
        assert "have not yet named the organisation" in text
        assert "have not yet given an address for feedback" in text
        assert "axe-core" in text and "Nu HTML Checker" in text and "keyboard" in text
        assert "December 7, 2026" in text
        assert "we answer within 14 days" in text
        assert "Regional State Administrative Agency for Southern Finland" in text


def test_every_page_links_the_statement_and_about_in_its_footer(client, make_user, login):
    responses = [client.get("/login"), client.get("/j/")]
    login(make_user(email="admin@example.fi", is_admin=True))
    responses += [client.get(path) for path in ("/", "/admin", "/accessibility", "/about")]
    for response in responses:
        assert response.status_code == 200
        footer = page_footer(response)
        assert 'href="/accessibility"' in footer and 'href="/about"' in footer, (
            response.request.path
        )


def page_footer(response) -> str:
    html = response.text
    return html[html.index('<footer class="site-footer">') :]


def test_about_names_the_licence_the_source_and_the_version(make_app):
    app = make_app(SOURCE_URL="https://git.example.fi/polku")
    client = app.test_client()
    text = text_of(_in(client, "en", "/about"))
    assert "GNU Affero General Public License" in text and "AGPL-3.0-or-later" in text
    assert "https://git.example.fi/polku" in text
    assert f"version {services.polku_version()}" in text
    assert services.polku_version() != "unknown"
    assert 'href="/license"' in client.get("/about").text


def test_about_offers_the_running_source_without_an_address_set(client):
    about = _in(client, "en", "/about")
    assert 'href="/source.tar.gz"' in about.text
    assert "Download the source code this Polku runs" in text_of(about)
    assert "Lähdekoodi" in text_of(_in(client, "fi", "/about"))


def test_the_source_archive_holds_the_code_and_nothing_of_the_instance(client):
    response = client.get("/source.tar.gz")
    assert response.status_code == 200 and response.mimetype == "application/gzip"
    assert "attachment" in response.headers["Content-Disposition"]
    with tarfile.open(fileobj=io.BytesIO(response.data), mode="r:gz") as archive:
        names = set(archive.getnames())
        views = archive.extractfile("polku/workshop/site/views.py").read().decode()
        owners = {(m.uid, m.uname) for m in archive.getmembers()}
    assert views == (ROOT / "workshop" / "site" / "views.py").read_text(encoding="utf-8")
    for needed in ("LICENSE", "pyproject.toml", "templates/base.html", "migrations/env.py"):
        assert f"polku/{needed}" in names
    assert "polku/translations/fi/LC_MESSAGES/messages.po" in names
    assert (ROOT / "instance" / "secret_key").is_file()
    leaked = [n for n in names if n.split("/")[1] in {"instance", ".venv", ".git", "tests"}]
    assert leaked == []
    assert not [n for n in names if n.endswith((".mo", ".pyc", ".sqlite")) or "/vendor/" in n]
    assert owners == {(0, "")}


def test_the_licence_is_the_agpl_the_package_declares_served_whole(client):
    license_file = Path(ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_file.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert "Version 3, 19 November 2007" in license_file
    assert (
        "13. Remote Network Interaction; Use with the GNU General Public License." in license_file
    )
    assert license_file.rstrip().endswith("<https://www.gnu.org/licenses/>.")
    assert 'license = "AGPL-3.0-or-later"' in (ROOT / "pyproject.toml").read_text()
    served = client.get("/license")
    assert served.status_code == 200 and served.mimetype == "text/plain"
    assert served.get_data(as_text=True) == license_file


def test_only_an_administrator_edits_the_statement(client, make_user, login):
    assert client.get("/admin/accessibility").headers["Location"].startswith("/login")
    login(make_user(email="member@example.fi"))
    assert client.get("/admin/accessibility").status_code == 404
    assert client.post("/admin/accessibility", data=_valid()).status_code == 404
    assert services.saved_statement() is None


def test_the_form_starts_from_the_defaults_and_is_reached_from_administration(client, admin):
    assert 'href="/admin/accessibility"' in client.get("/admin").text
    form = client.get("/admin/accessibility", headers={"Accept-Language": "en"})
    assert form.status_code == 200
    assert 'value="2026-12-07"' in form.text
    chosen = page(form).select("input[name=compliance][checked]")
    assert [radio["value"] for radio in chosen] == ["partial"]


def test_an_edit_shows_in_each_language_and_is_logged_without_its_text(client, admin):
    saved = client.post("/admin/accessibility", data=_valid())
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/accessibility")
    fi = text_of(_in(client, "fi", "/accessibility"))
    assert "Esimerkkiopisto" in fi and "Videoilla ei ole tekstityksiä." in fi
    assert "saavutettavuus@esimerkki.fi" in fi and "https://esimerkki.fi/palaute" in fi
    en = text_of(_in(client, "en", "/accessibility"))
    assert "provided by Example College" in en and "Videos have no captions." in en
    assert "December 1, 2026" in en and "November 2, 2026" in en
    # Swedish left empty: Polku's own words in Swedish, the organisation in Swedish.
    sv = text_of(_in(client, "sv", "/accessibility"))
    assert "Exempelinstitutet" in sv and "Videos have no captions." not in sv
    assert "PDF/UA-1" in sv
    row = services.saved_statement()
    assert row.compliance is Compliance.PARTIAL and row.updated_by_id == admin.id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == services.OBJECT_TYPE)
    )
    assert event.action is Action.CHANGE and event.actor_id == admin.id
    assert "organisation_fi" in event.detail and "Esimerkkiopisto" not in event.detail


def test_a_second_edit_changes_the_one_statement(client, admin):
    client.post("/admin/accessibility", data=_valid())
    client.post("/admin/accessibility", data=_valid(compliance="full", organisation_en="Another"))
    rows = db.session.scalars(select(AccessibilityStatement)).all()
    assert len(rows) == 1 and rows[0].compliance is Compliance.FULL
    text = text_of(_in(client, "en", "/accessibility"))
    assert "The service meets the accessibility requirements" in text and "Another" in text
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == services.OBJECT_TYPE)
    ).all()
    assert [e.detail for e in events][-1] == "fields: compliance, organisation_en"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"organisation_fi": "x" * 201}, "organisation_fi", "Enintään 200 merkkiä."),
        ({"known_issues_sv": "x" * 5001}, "known_issues_sv", "Enintään 5000 merkkiä."),
        ({"feedback_email": "not an address"}, "feedback_email", "Anna sähköpostiosoite"),
        ({"feedback_url": "javascript:alert(1)"}, "feedback_url", "https://"),
        ({"prepared_on": "7.12.2026"}, "prepared_on", "2026-12-07"),
        ({"prepared_on": ""}, "prepared_on", "2026-12-07"),
        ({"reviewed_on": "2018-12-31", "prepared_on": "2018-12-31"}, "reviewed_on", "2019-01-01"),
        ({"reviewed_on": "2026-10-01"}, "reviewed_on", "ei voi olla"),
        ({"compliance": "mostly"}, "compliance", "Virheellinen valinta"),
    ],
)
def test_bad_input_is_refused_in_finnish_and_changes_nothing(
    client, admin, changes, field, message
):
    response = client.post(
        "/admin/accessibility", data=_valid(**changes), headers={"Accept-Language": "fi"}
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in text_of(response)
    assert services.saved_statement() is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == services.OBJECT_TYPE))
        is None
    )


def test_a_review_date_in_the_future_is_refused(client, admin, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 7))
    response = client.post("/admin/accessibility", data=_valid(reviewed_on="2026-12-08"))
    assert response.status_code == 422 and services.saved_statement() is None


def test_a_nul_byte_is_refused_and_changes_nothing(client, admin):
    response = client.post(
        "/admin/accessibility",
        data=_valid(organisation_fi="Opisto\x00"),
        headers={"Accept-Language": "fi"},
    )
    assert response.status_code == 400
    assert "NUL" in text_of(response)
    assert services.saved_statement() is None
