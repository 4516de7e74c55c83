"""An administrator finds one person, exports their records and erases them: the name leaves
every page, export and PDF of the workspace; what they said stays by role and organisation."""

# ruff: noqa: F811 (the held sparring session is a fixture imported from its own tests)

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import template_journey, text_of
from tests.integration.test_live import join, send_point, steps
from tests.integration.test_sparring_summary import held, pdf_text  # noqa: F401 (fixture)
from tests.integration.test_survey_rounds import a_round
from workshop.accounts.models import User
from workshop.audit.models import Action, AuditEvent
from workshop.competence import coaching
from workshop.competence.models import ThemeStatus
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.live import services as live_services
from workshop.live.models import Entry, Guest
from workshop.privacy import mentions
from workshop.sparring.models import Capture
from workshop.sprints import services as sprints
from workshop.sprints.models import Participant, Snapshot

NAME = "Eeva Esimerkki"


@pytest.fixture
def admin(team, login):
    """Fiia administers the deployment and is signed in on `client`."""
    team.facilitator.is_admin = True
    db.session.commit()
    login(team.facilitator)
    return team.facilitator


def started_sprint(team, name: str, role=ReporterRole.EMPLOYER, journey_name="Polku"):
    """A started sprint of the team's workspace on a new journey, `name` among its participants."""
    journey = template_journey(team.workspace, team.facilitator, journey_name, "fi")
    sprint = sprints.create_sprint(
        team.workspace,
        team.facilitator,
        sprints.SprintData("Työpaja", "", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    sprint.participants.append(Participant(name=name, role=role))
    return sprint, journey


@pytest.fixture
def everywhere(client, app, team, admin, held):
    """Eeva is a sparrer of the held session (with captures), a guest of a live workshop who
    sent a point, a participant of its sprint, and in the sprint's frozen snapshot."""
    sprint, journey = started_sprint(team, NAME, journey_name="Oppisopimuspolku")
    db.session.commit()
    base = f"/w/{team.workspace.id}/sprints/{sprint.id}"
    assert (
        client.post(f"{base}/live/start", data={"journey": journey.id, "budget": 3}).status_code
        == 303
    )
    live = live_services.current_session(sprint)
    phone = app.test_client()
    assert join(phone, live, name=NAME, organisation="Kasvu Oy").status_code == 303
    assert send_point(phone, live, steps(live, 1)[0], text="Ohjaaja ei vastaa").status_code < 400
    console = text_of(client.get(f"{base}/live/"))
    assert NAME in console
    sprints.close_sprint(sprint, admin)
    db.session.commit()
    return {"sprint": sprint, "journey": journey, "live": live, "base": base}


def _pages(team, everywhere, session_id) -> dict[str, str]:
    ws = f"/w/{team.workspace.id}"
    journey, live = everywhere["journey"], everywhere["live"]
    base = everywhere["base"]
    return {
        "board": f"{ws}/journeys/{journey.id}/",
        "points": f"{ws}/journeys/{journey.id}/points/",
        "points.csv": f"{ws}/journeys/{journey.id}/points.csv",
        "journey.json": f"{ws}/export/journeys/{journey.id}.json",
        "sprint": f"{base}",
        "summary": f"{base}/summary?names=1&lang=en",
        "summary.pdf": f"{base}/summary.pdf?names=1&lang=en",
        "console": f"{base}/live/",
        "projector": f"{base}/live/{live.id}/projector",
        "sparring session": f"{ws}/sparring/sessions/{session_id}",
        "sparring summary": f"{ws}/sparring/sessions/{session_id}/summary",
        "sparring summary.pdf": f"{ws}/sparring/sessions/{session_id}/summary.pdf",
        "evidence pack": f"{ws}/sparring/sessions/{session_id}/pack",
        "evidence pack.pdf": f"{ws}/sparring/sessions/{session_id}/pack.pdf",
    }


def _read(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code < 500, path
    if response.mimetype == "application/pdf":
        return pdf_text(response.data)
    if response.mimetype == "text/html":
        return text_of(response)
    return response.get_data(as_text=True)


def _search(client, text):
    return client.get("/admin/people", query_string={"q": text})


def _keys(response) -> list[str]:
    from tests.conftest import page

    return [box["value"] for box in page(response).select("input[name=record]")]


def test_a_person_found_exported_and_erased_leaves_no_name_anywhere(
    client,
    team,
    admin,
    held,
    everywhere,
):
    found = _search(client, "eeva esim")
    assert found.status_code == 200
    keys = _keys(found)
    kinds = {key.split(":")[0] for key in keys}
    assert {"live_guest", "sprint_participant", "sparrer", "sparring_capture"} <= kinds
    assert "Kasvu Oy" in text_of(found) or team.workspace.name in text_of(found)

    before = {name: _read(client, path) for name, path in _pages(team, everywhere, held.id).items()}
    named = ("sprint", "summary", "summary.pdf", "sparring session", "sparring summary")
    for name in (*named, "sparring summary.pdf"):
        assert NAME in before[name], name

    exported = client.post("/admin/people/export", data={"record": keys})
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    document = json.loads(exported.data)
    assert (document["format"], document["version"]) == ("polku-personal-data", 1)
    guest = next(r for r in document["records"] if r["kind"] == "live_guest")
    assert guest["data"]["display_name"] == NAME
    assert [e["text"] for e in guest["related"]["entries"]] == ["Ohjaaja ei vastaa"]
    assert (
        "token_hash" not in next(r for r in document["records"] if r["kind"] == "sparrer")["data"]
    )

    asked = client.post("/admin/people/erase", data={"record": keys})
    assert asked.status_code == 200
    assert "Erase this person's data?" in text_of(asked)
    assert db.session.scalar(select(func.count()).where(Guest.display_name == NAME)) == 1

    erased = client.post("/admin/people/erase", data={"record": keys, "confirmed": "yes"})
    assert erased.status_code == 303
    db.session.expire_all()

    for name, path in _pages(team, everywhere, held.id).items():
        text = _read(client, path)
        assert NAME not in text and "Eeva" not in text, name
        assert "eeva@kasvu.example" not in text, name
    # What she said stays, by role and organisation.
    assert "Ohjaaja ei vastaa" in _read(client, f"{everywhere['base']}/summary?lang=en")
    sparring = _read(client, f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary")
    assert "Ohjaajat eivät tiedä kenelle soittaa" in sparring and "Kasvu Oy" in sparring
    assert db.session.scalar(select(func.count(Entry.id))) == 1
    snapshot = db.session.scalar(
        select(Snapshot).where(Snapshot.sprint_id == everywhere["sprint"].id)
    )
    assert NAME not in json.dumps(snapshot.document, ensure_ascii=False)
    assert "Name removed" in json.dumps(snapshot.document)

    again = client.post("/admin/people/export", data={"record": keys})
    assert NAME not in again.get_data(as_text=True)
    assert "eeva@kasvu.example" not in again.get_data(as_text=True)
    assert "Eeva" not in text_of(_search(client, "Eeva"))

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.ERASE)).all()
    assert {e.object_type for e in events} >= {"live_guest", "sparrer", "sprint_snapshot"}
    assert all("Eeva" not in e.detail for e in events)
    assert {e.workspace_id for e in events} == {team.workspace.id}
    exports = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == Action.EXPORT, AuditEvent.object_type == "person"
        )
    ).all()
    assert len(exports) == 2 and all("Eeva" not in e.detail for e in exports)


def test_an_erased_account_cannot_sign_in_and_its_session_ends(app, client, login, team, admin):
    paavo = team.participant
    other = app.test_client()
    assert (
        other.post(
            "/login", data={"email": paavo.email, "password": "correct horse battery"}
        ).status_code
        == 303
    )
    assert other.get("/").status_code == 200

    found = _search(client, "Paavo")
    assert "Test workspace" in text_of(found) and "<User" not in text_of(found)
    keys = [k for k in _keys(found) if k.startswith("user:")]
    assert keys == [f"user:{paavo.id}"]
    assert (
        client.post("/admin/people/erase", data={"record": keys, "confirmed": "yes"}).status_code
        == 303
    )

    db.session.expire_all()
    user = db.session.get(User, paavo.id)
    assert user.name == "Name removed" and user.email.endswith("@erased.invalid")
    assert other.get("/").status_code == 302  # signed out: the login page
    again = app.test_client().post(
        "/login", data={"email": "person2@example.fi", "password": "correct horse battery"}
    )
    assert again.status_code != 303
    members = client.get(f"/w/{team.workspace.id}/people")
    assert members.status_code == 200
    assert "Paavo" not in text_of(members) and "Name removed" in text_of(members)


@pytest.mark.parametrize(
    "records",
    [
        ["user:999999"],
        ["live_guest:1x"],
        ["workspace:1"],
        ["password_hash:1"],
        ["user:99999999999999999999999"],
        [""],
        [],
    ],
)
def test_erasing_someone_who_does_not_exist_is_refused_and_changes_nothing(
    client, team, admin, records
):
    names = sorted(db.session.scalars(select(User.name)))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    response = client.post("/admin/people/erase", data={"record": records, "confirmed": "yes"})
    assert response.status_code == 422
    assert "Nothing was changed" in text_of(response)
    assert "Type a name" not in text_of(response)  # no search was asked for
    db.session.expire_all()
    assert sorted(db.session.scalars(select(User.name))) == names
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_one_missing_record_among_real_ones_changes_nothing(client, team, admin):
    keys = [f"user:{team.participant.id}", "user:999999"]
    response = client.post("/admin/people/erase", data={"record": keys, "confirmed": "yes"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, team.participant.id).name == "Paavo"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a name or an e-mail address"),
        ("   ", "Type a name or an e-mail address"),
        ("a", "at least 2 characters"),
        ("x" * 201, "at most 200 characters"),
        ("Ee\x07va", "cannot be searched for"),
    ],
)
def test_a_search_that_cannot_run_says_why(client, team, admin, query, message):
    response = _search(client, query)
    assert response.status_code == 422
    assert message in text_of(response)
    assert not _keys(response)


def test_a_nul_byte_in_the_search_is_refused_at_the_door(client, team, admin):
    response = _search(client, "Ee\x00va")
    assert response.status_code == 400
    assert "cannot store" in text_of(response)


def test_search_text_with_like_wildcards_matches_them_literally(client, team, admin):
    assert _keys(_search(client, "%%")) == []
    assert _keys(_search(client, "__")) == []


def test_the_people_pages_are_for_administrators_only(client, login, team):
    login(team.facilitator)
    assert client.get("/admin/people?q=Paavo").status_code == 404
    keys = [f"user:{team.participant.id}"]
    assert (
        client.post("/admin/people/erase", data={"record": keys, "confirmed": "yes"}).status_code
        == 404
    )
    assert client.post("/admin/people/export", data={"record": keys}).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, team.participant.id).name == "Paavo"


def test_the_administration_page_links_the_people_search(client, team, admin):
    page = text_of(client.get("/admin"))
    assert "Personal data of one person" in page
    assert "90 days after their workshop ended" in page


def test_captures_keep_their_role_and_organisation(client, team, admin, held):
    keys = [k for k in _keys(_search(client, "Matti Meik")) if k.startswith("sparr")]
    assert (
        client.post("/admin/people/erase", data={"record": keys, "confirmed": "yes"}).status_code
        == 303
    )
    db.session.expire_all()
    captures = db.session.scalars(
        select(Capture).where(Capture.organisation == "Rakennus Oy")
    ).all()
    assert captures and all(c.author_name == "Name removed" for c in captures)
    assert all(c.author_role.value == "employer" for c in captures)


def test_the_search_ignores_case_in_finnish_and_swedish_letters(client, team, admin, make_user):
    person = make_user(email="asa@example.fi", name="Åsa Östman-Äijälä")
    for text in ("östman", "ÖSTMAN", "åsa", "äijälä", "ÄIJÄLÄ"):
        assert f"user:{person.id}" in _keys(_search(client, text)), text


def test_a_coaching_themes_owner_is_found_and_erased(client, team, admin):
    round_ = a_round(team)
    theme = coaching.add_theme(
        round_,
        coaching.ThemeData("Ohjaus", "ALL", ["A01"], NAME, None, ThemeStatus.PLANNED, ""),
    )
    db.session.commit()
    keys = _keys(_search(client, "esimerk"))
    assert keys == [f"coaching_theme:{theme.id}"]
    erased = client.post("/admin/people/erase", data={"record": keys, "confirmed": "yes"})
    assert erased.status_code == 303
    db.session.refresh(theme)
    assert theme.owner == "Name removed" and theme.title == "Ohjaus"


def _mentions(response) -> list[str]:
    from tests.conftest import page

    return [box["value"] for box in page(response).select("input[name=mention]")]


def test_a_name_in_what_people_wrote_is_found_shown_first_and_replaced(
    client, team, admin, everywhere
):
    journey = everywhere["journey"]
    step = steps(everywhere["live"], 1)[0]
    step.description = "Soita Eevalle ennen sopimusta. Eeva Esimerkki tietää."
    journey.description = "Ei mainintoja."
    db.session.commit()

    found = _search(client, "eeva")
    keys = _mentions(found)
    assert f"step.description:{step.id}" in keys
    assert f"journey.description:{journey.id}" not in keys
    assert "<mark>Eeva</mark>lle" in found.text

    # The text alone: only what was searched for is replaced.
    picked = {"mention": [f"step.description:{step.id}"], "q": "Eeva"}
    asked = client.post("/admin/people/erase", data=picked)
    assert asked.status_code == 200
    assert "Soita Name removed ennen sopimusta. Name removed Esimerkki tietää." in text_of(asked)
    # With Eeva's records picked too, her whole name goes: the confirmation shows it first.
    picked["record"] = _keys(found)
    asked = client.post("/admin/people/erase", data=picked)
    assert "Soita Name removed ennen sopimusta. Name removed tietää." in text_of(asked)
    db.session.refresh(step)
    assert "Eeva" in step.description  # asking changed nothing

    done = client.post("/admin/people/erase", data=picked | {"confirmed": "yes"})
    assert done.status_code == 303
    db.session.expire_all()
    assert step.description == "Soita Name removed ennen sopimusta. Name removed tietää."
    board = _read(client, f"/w/{team.workspace.id}/journeys/{journey.id}/")
    assert "Eeva" not in board
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == Action.ERASE, AuditEvent.object_type == "step"
        )
    )
    assert event is not None and "Eeva" not in (event.detail or "")


def test_the_export_holds_the_picked_texts(client, team, admin, everywhere):
    step = steps(everywhere["live"], 1)[0]
    step.description = "Eeva Esimerkki soittaa."
    db.session.commit()
    response = client.post(
        "/admin/people/export",
        data={"mention": [f"step.description:{step.id}"], "q": "Eeva"},
    )
    assert response.status_code == 200
    [text] = json.loads(response.data)["texts"]
    assert text == {
        "where": "step.description",
        "id": step.id,
        "workspace": team.workspace.name,
        "text": "Eeva Esimerkki soittaa.",
    }


@pytest.mark.parametrize(
    "key",
    [
        "user.password_hash:1",
        "user.name:1",
        "nosuch.text:1",
        "step.description:99999999",
        "step.description:-1",
        "step.description:1e3",
        "step.description",
        "step.description:1\x00",
        "",
    ],
)
def test_a_forged_text_key_is_refused_and_changes_nothing(client, team, admin, key):
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post(
        "/admin/people/erase", data={"mention": [key], "q": "Eeva", "confirmed": "yes"}
    )
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_longer_placeholder_is_cut_to_what_the_column_holds(app):
    text = "Jo " + "x" * 497
    mention = mentions.Mention("live_entry", "text", 1, text, None)
    after = mentions.rewritten(mention, {"Jo"}, "Name removed")
    assert after.startswith("Name removed x") and len(after) == 500


def _closed_sprint_naming(team, name: str):
    sprint, _journey = started_sprint(team, name)
    sprints.close_sprint(sprint, team.facilitator)
    db.session.commit()
    return sprint


def test_erasure_leaves_another_workspaces_namesake_alone(client, team, admin, make_team):
    ours = _closed_sprint_naming(team, NAME)
    theirs = _closed_sprint_naming(make_team(workspace="Toinen työtila"), NAME)
    [participant] = [p for p in ours.participants if p.name == NAME]

    erased = client.post(
        "/admin/people/erase",
        data={"record": [f"sprint_participant:{participant.id}"], "confirmed": "yes"},
    )

    assert erased.status_code == 303
    db.session.expire_all()
    mine = json.dumps(ours.snapshot.document, ensure_ascii=False)
    other = json.dumps(theirs.snapshot.document, ensure_ascii=False)
    assert NAME not in mine and NAME in other
    assert NAME in [p.name for p in theirs.participants]


def test_a_search_found_in_too_many_texts_shows_the_first_and_says_so(
    client, team, admin, everywhere, monkeypatch
):
    monkeypatch.setattr(mentions, "MENTIONS_MAX", 2)
    for step in steps(everywhere["live"], 3):
        step.description = "Eeva soittaa."
    db.session.commit()
    found = _search(client, "Eeva soit")
    assert len(_mentions(found)) == 2
    assert "Only the first 2 texts are shown. Type more of the name" in text_of(found)
