"""The sprint PDF as a partner's document: its cover, its file name, and each piece of content
marked with its own language."""

import re
from datetime import date
from urllib.parse import quote

import pytest

from tests.integration.test_sprints import first_steps, pdf_text, report, translated
from workshop.critical_points import services as points
from workshop.extensions import db
from workshop.sprints import services as sprints
from workshop.sprints.summary import summary_pdf_source

JOURNEY = "Oppisopimuskoulutus – nykytila"
SPRINT = "Työpaikkaohjaajan tuki"
# In the one ranking's order: votes first, then severity.
TOP = ["Ohjaaja ei ehdi ohjata", "Sopimus viivästyy", "Näyttö siirtyy", "Palaute jää antamatta"]


@pytest.fixture
def team(make_team):
    return make_team("Fiia Fasilitaattori", "Ammattiopisto Esimerkki")


@pytest.fixture
def sprint(team, make_journey):
    """A closed sprint on a Finnish journey, with four open critical points."""
    journey = make_journey(team, JOURNEY, "fi")
    steps = first_steps(journey, 4)
    first = report(team, journey, steps[0], TOP[0], severity=1)
    second = report(team, journey, steps[1], TOP[1], severity=2)
    report(team, journey, steps[2], TOP[2], severity=3)
    report(team, journey, steps[3], TOP[3], severity=1)
    points.toggle_vote(first, team["participant"])
    points.toggle_vote(first, team["facilitator"])
    points.toggle_vote(second, team["participant"])
    made = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData(SPRINT, "", date(2026, 3, 2), date(2026, 3, 20), [], [journey.id]),
    )
    sprints.start_sprint(made)
    sprints.close_sprint(made, team["facilitator"])
    db.session.commit()
    return made


def pdf_of(client, login, team, sprint, language):
    login(team["observer"])
    response = client.get(
        f"/w/{team['workspace'].id}/sprints/{sprint.id}/summary.pdf?lang={language}"
    )
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_cover_names_journey_institution_sprint_dates_and_three_key_findings(
    client, login, team, sprint, language
):
    cover = pdf_text(pdf_of(client, login, team, sprint, language).data, 1)
    assert SPRINT in cover
    assert JOURNEY in cover
    assert "Ammattiopisto Esimerkki" in cover
    dates = {"fi": "2. maaliskuuta 2026 – 20. maaliskuuta 2026", "sv": "2 mars 2026 – 20 mars 2026"}
    assert dates[language] in cover
    findings = cover[cover.index(translated(language, "Key findings")) :]
    # The first three of the ranking, in its order, and no fourth.
    assert findings.index(TOP[0]) < findings.index(TOP[1]) < findings.index(TOP[2])
    assert TOP[3] not in cover


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_made_with_polku_is_said_once(client, login, team, sprint, language):
    text = pdf_text(pdf_of(client, login, team, sprint, language).data)
    made_with = translated(language, "Made with Polku on %(date)s.").split("%(date)s")[0].strip()
    assert text.count(made_with) == 1
    assert text.count("Polku") == 1


def test_the_file_is_named_by_journey_sprint_and_date(client, login, team, sprint):
    disposition = pdf_of(client, login, team, sprint, "sv").headers["Content-Disposition"]
    taken_on = (
        sprints.document_of(sprint).taken_at.astimezone(sprints.time_zone(team["workspace"])).date()
    )
    plain = f"oppisopimuskoulutus-nykytila_tyopaikkaohjaajan-tuki_{taken_on.isoformat()}.pdf"
    full = f"oppisopimuskoulutus-nykytila_työpaikkaohjaajan-tuki_{taken_on.isoformat()}.pdf"
    assert disposition == f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(full)}"


def test_export_pdf_names_its_file_the_same_way(app, team, sprint, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(args=["export-pdf", "--sprint", str(sprint.id)])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("*.pdf"))
    assert [p.name[:-15] for p in written] == [
        "oppisopimuskoulutus-nykytila_tyopaikkaohjaajan-tuki"
    ]
    assert written[0].read_bytes().startswith(b"%PDF")


def content_langs(html: str) -> set[str]:
    """The `lang` of every element inside the document, not the page's own."""
    body = html[html.index("<main") :]
    return set(re.findall(r'<(?:span|strong|th|div|ol)[^>]* lang="(\w+)"', body))


def test_finnish_content_keeps_its_language_in_a_swedish_pdf(app, team, sprint):
    with app.test_request_context():
        swedish = summary_pdf_source(sprint, "sv", False, {}).html
        finnish = summary_pdf_source(sprint, "fi", False, {}).html
    assert '<html lang="sv">' in swedish
    assert content_langs(swedish) == {"fi"}
    cover = swedish[swedish.index('class="cover"') : swedish.index("</header>")]
    # The journey's name and each key finding are marked Finnish, so WeasyPrint hyphenates
    # them by Finnish rules; the Swedish labels around them are not.
    assert f'<span lang="fi">{JOURNEY}</span>' in cover
    assert f'<strong lang="fi">{TOP[0]}</strong>' in cover
    assert 'lang="fi">Arbetsyta' not in cover
    # In a Finnish PDF the Finnish journey needs no mark of its own.
    assert '<html lang="fi">' in finnish
    assert content_langs(finnish) == set()
