# ruff: noqa: F811 (the sprint fixtures are shared with test_sprints)
"""Pages read as a Finnish and a Finland-Swedish reader would write them (docs/glossary.md)."""

from tests.conftest import PASSWORD, text_of
from tests.integration.test_sprints import base, journey, running_sprint, team  # noqa: F401
from workshop.accounts import services as accounts
from workshop.extensions import db
from workshop.sprints import services as sprints
from workshop.sprints.models import ExperimentStatus, Sprint

FI = {"Accept-Language": "fi"}
SV = {"Accept-Language": "sv"}


def test_a_sprint_closed_by_no_one_recorded_says_when_without_a_dash(client, login, team, journey):
    sprint = running_sprint(team, journey)
    sprints.close_sprint(sprint, team["facilitator"])
    db.session.commit()
    login(team["facilitator"])
    url = f"{base(team)}/{sprint.id}"
    assert "sulki sprintin" in text_of(client.get(url, headers=FI))

    db.session.get(Sprint, sprint.id).closed_by_id = None
    db.session.commit()
    finnish, swedish = text_of(client.get(url, headers=FI)), text_of(client.get(url, headers=SV))
    assert "Sprintti suljettiin" in finnish and "sulki" not in finnish and "– sulki" not in finnish
    assert "Avslutad" in swedish and " av –" not in swedish


def test_swedish_statuses_agree_with_their_noun(client, login, team, journey):
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Höstens sprint", "Utmaning", None, None, ["Förstå"], [journey.id]),
    )
    sprints.add_experiment(
        sprint,
        team["facilitator"],
        sprints.ExperimentData(
            "Ett försök", "", "", "", None, None, "", "", ExperimentStatus.PLANNED, []
        ),
    )
    db.session.commit()
    login(team["facilitator"])
    page = text_of(client.get(f"{base(team)}/{sprint.id}", headers=SV))
    assert "Planerad" in page  # en sprint
    assert "Planerat" in page  # ett försök


def test_a_one_minute_lock_out_says_one_minute(make_app):
    app = make_app(LOGIN_LOCKOUT_MINUTES=1)
    with app.app_context():
        accounts.create_user("lukko@example.fi", "Lukko", PASSWORD, None, False)
        db.session.commit()
        client = app.test_client()
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            client.post("/login", data={"email": "lukko@example.fi", "password": "väärin"})
        answer = client.post(
            "/login", data={"email": "lukko@example.fi", "password": PASSWORD}, headers=FI
        )
        assert answer.status_code == 429
        assert "Odota 1 minuutti ja" in text_of(answer)
        db.session.remove()
