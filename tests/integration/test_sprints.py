"""Design sprints over HTTP: planning, experiments, decisions, closing, the summary and its PDF,
share links, changes since the previous sprint, and everything that must be refused."""

import subprocess
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from tests.conftest import PASSWORD, ROOT, page, text_of
from workshop.accounts import services as accounts
from workshop.accounts.models import OrganisationKind, Role
from workshop.critical_points import services as points
from workshop.critical_points.models import CriticalPoint, PointStatus, ReporterRole
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services as journeys
from workshop.journeys.models import JourneyKind, Step
from workshop.live import services as live_services
from workshop.sprints import services as sprints
from workshop.sprints.models import Decision, Experiment, ShareLink, Sprint, SprintStatus


@pytest.fixture
def team(make_team):
    return make_team("Fiia Fasilitaattori", "Opisto")


@pytest.fixture
def journey(team, make_journey):
    return make_journey(team, "Oppisopimuspolku", "fi")


def report(team, journey, step, title, severity=2, role=ReporterRole.EMPLOYER):
    point = points.report_point(
        team["workspace"],
        journey,
        team["facilitator"],
        points.NewPoint(
            step=step,
            title=title,
            severity=severity,
            category="key:paperwork",
            report=points.ReportData(
                role=role, organisation_id=None, quote="", source="", reported_on=None
            ),
        ),
    )
    db.session.commit()
    return point


def first_steps(journey, n=3) -> list[Step]:
    return journeys.load_board(journey).steps[:n]


def base(team) -> str:
    return f"/w/{team['workspace'].id}/sprints"


def plan(client, team, journey, **fields):
    data = {
        "title": "Kevään sprintti",
        "challenge": "Miten työnantaja saa tiedon ajoissa?",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-20",
        "journeys": [str(journey.id)],
        "phases": "Ymmärrä\nMäärittele\nKokeile",
    } | fields
    return client.post(f"{base(team)}/new", data=data)


CONFIRMED = {"confirmed": "yes"}


def sprint_count() -> int:
    return db.session.scalar(select(func.count(Sprint.id)))


def running_sprint(team, journey, title="Kevään sprintti") -> Sprint:
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData(title, "Haaste", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    db.session.commit()
    return sprint


def pdf_text(data: bytes, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-raw"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run([*args, "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def lanes_and_stages(sprint) -> tuple[list[str], list[str]]:
    board = journeys.load_board(sprint.journeys[0])
    return [lane.title for lane in board.lanes], [stage.title for stage in board.stages]


def pdf_info(data: bytes) -> str:
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


def translated(language: str, message: str) -> str:
    with force_locale(language):
        text = _(message)
    assert text != message or language == "en", f"{message!r} is not translated to {language}"
    return text


# --- planning ----------------------------------------------------------------------------------


def test_facilitator_plans_a_sprint_on_a_journey(client, login, team, journey):
    login(team["facilitator"])
    response = plan(client, team, journey)
    assert response.status_code == 303
    detail = client.get(response.headers["Location"])
    text = text_of(detail)
    assert "Kevään sprintti" in text and "Oppisopimuspolku" in text
    assert [li.get_text() for li in page(detail).select(".phase-list li")] == [
        "Ymmärrä",
        "Määrittele",
        "Kokeile",
    ]
    sprint = db.session.scalar(select(Sprint))
    assert sprint.status == SprintStatus.PLANNED
    # The one who planned it facilitates it.
    assert [(p.name, p.is_facilitator) for p in sprint.participants] == [
        ("Fiia Fasilitaattori", True)
    ]


def test_new_sprint_form_offers_the_default_phases(client, login, team, journey):
    login(team["facilitator"])
    form = page(client.get(f"{base(team)}/new"))
    assert form.select_one("#phases").get_text().split() == [
        "Understand",
        "Define",
        "Ideate",
        "Experiment",
        "Decide",
    ]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 161}, "At most 160 characters."),
        ({"starts_on": "2026-03-20", "ends_on": "2026-03-01"}, "The end cannot be before"),
        ({"starts_on": "not a date"}, "Not a valid date value."),
        ({"journeys": ["999999"]}, "Choose from the list."),
        ({"phases": "\n".join(f"Vaihe {n}" for n in range(13))}, "At most 12 phases."),
    ],
)
def test_bad_sprint_input_is_refused_and_nothing_is_made(
    client, login, team, journey, fields, message
):
    login(team["facilitator"])
    response = plan(client, team, journey, **fields)
    assert response.status_code == 422
    assert message in text_of(response)
    assert sprint_count() == 0


def test_another_workspaces_journey_cannot_be_put_in_scope(
    client, login, team, journey, make_workspace
):
    other = make_workspace(name="Muu opisto")
    foreign = journeys.create_journey(
        other, team["facilitator"], "Vieras", JourneyKind.CUSTOM, "fi"
    )
    db.session.commit()
    login(team["facilitator"])
    response = plan(client, team, journey, journeys=[str(foreign.id)])
    assert response.status_code == 422
    assert sprint_count() == 0


def test_only_facilitators_plan_and_observers_only_read(client, login, team, journey):
    sprint = running_sprint(team, journey)
    login(team["participant"])
    assert plan(client, team, journey).status_code == 403
    assert client.post(f"{base(team)}/{sprint.id}/close").status_code == 403
    client.post("/logout")
    login(team["observer"])
    assert client.get(f"{base(team)}/{sprint.id}").status_code == 200
    assert client.get(f"{base(team)}/{sprint.id}/experiments/new").status_code == 403
    assert client.get(f"{base(team)}/{sprint.id}/summary").status_code == 200


def test_another_workspaces_sprint_is_not_found(client, login, team, journey, make_user):
    sprint = running_sprint(team, journey)
    outsider = make_user()
    login(outsider)
    for path in ("", "/summary", "/summary.pdf", "/experiments/new"):
        assert client.get(f"{base(team)}/{sprint.id}{path}").status_code == 404


# --- experiments, decisions, participants ------------------------------------------------------


def test_a_running_experiment_marks_its_points_being_tested(client, login, team, journey):
    step = first_steps(journey, 1)[0]
    point = report(team, journey, step, "Sopimuspaperit myöhässä")
    sprint = running_sprint(team, journey)
    login(team["participant"])
    response = client.post(
        f"{base(team)}/{sprint.id}/experiments/new",
        data={
            "title": "Yhteinen sähköinen lomake",
            "hypothesis": "Jos lomake on yksi, paperit tulevat ajoissa.",
            "change": "Kokeillaan yhtä lomaketta kolmessa yrityksessä",
            "owner": "Paavo",
            "success_measure": "Paperit valmiina ennen aloitusta",
            "status": "running",
            "points": [str(point.id)],
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(CriticalPoint, point.id).status == PointStatus.TESTING
    assert "Yhteinen sähköinen lomake" in text_of(client.get(f"{base(team)}/{sprint.id}"))


def test_an_experiment_saved_over_a_newer_one_keeps_the_typed_text(client, login, team, journey):
    sprint = running_sprint(team, journey)
    experiment = sprints.add_experiment(
        sprint,
        team["facilitator"],
        sprints.ExperimentData("Kokeilu", "", "", "", None, None, "", "", "planned", []),
    )
    db.session.commit()
    url = f"{base(team)}/{sprint.id}/experiments/{experiment.id}"
    login(team["participant"])
    first = {"title": "Ensimmäinen", "status": "planned", "version": "1"}
    assert client.post(url, data=first).status_code == 303
    second = {"title": "Toisen kirjoittama", "status": "planned", "version": "1"}
    response = client.post(url, data=second)
    assert response.status_code == 409
    assert page(response).select_one("#title")["value"] == "Toisen kirjoittama"
    db.session.expire_all()
    assert db.session.get(Experiment, experiment.id).title == "Ensimmäinen"


def test_a_decision_can_be_owned_by_someone_outside_the_workspace(client, login, team, journey):
    sprint = running_sprint(team, journey)
    company = accounts.add_organisation(team["workspace"], "Yrittäjä Oy", OrganisationKind.EMPLOYER)
    db.session.commit()
    login(team["facilitator"])
    response = client.post(
        f"{base(team)}/{sprint.id}/decisions/new",
        data={
            "text": "Työpaikkaohjaajille oma perehdytysilta",
            "owner_name": "Maija Yrittäjä",
            "owner_organisation": str(company.id),
            "due_on": "2026-05-01",
            "status": "open",
        },
    )
    assert response.status_code == 303
    decision = db.session.scalar(select(Decision))
    assert (decision.owner_label, decision.owner_organisation.name, decision.due_on) == (
        "Maija Yrittäjä",
        "Yrittäjä Oy",
        date(2026, 5, 1),
    )
    text = text_of(client.get(f"{base(team)}/{sprint.id}/summary?lang=en&names=1"))
    assert "Maija Yrittäjä Yrittäjä Oy" in text
    # Without names the organisation stays.
    text = text_of(client.get(f"{base(team)}/{sprint.id}/summary?lang=en"))
    assert "Maija" not in text and "Yrittäjä Oy" in text


def test_a_guest_participant_with_a_new_organisation(client, login, team, journey):
    sprint = running_sprint(team, journey)
    login(team["facilitator"])
    response = client.post(
        f"{base(team)}/{sprint.id}/participants",
        data={
            "member": "",
            "name": "Kalle Kivijalka",
            "role": "employer",
            "new_organisation": "Rakennus Oy",
        },
    )
    assert response.status_code == 303
    text = text_of(client.get(f"{base(team)}/{sprint.id}"))
    assert "Kalle Kivijalka" in text and "Rakennus Oy" in text
    nobody = client.post(f"{base(team)}/{sprint.id}/participants", data={"role": "employer"})
    assert nobody.status_code == 422
    assert "Choose a member or type a guest's name." in text_of(nobody)


# --- closing -----------------------------------------------------------------------------------


def test_closing_freezes_a_snapshot_and_the_sprint_becomes_read_only(client, login, team, journey):
    step = first_steps(journey, 1)[0]
    report(team, journey, step, "Kukaan ei vastaa puhelimeen", severity=3)
    sprint = running_sprint(team, journey)
    login(team["facilitator"])
    assert client.post(f"{base(team)}/{sprint.id}/close", data=CONFIRMED).status_code == 303
    db.session.expire_all()
    sprint = db.session.get(Sprint, sprint.id)
    assert sprint.status == SprintStatus.CLOSED and sprint.snapshot is not None
    document = sprint.snapshot.document
    assert document["format"] == "polku.sprint-snapshot" and document["version"] == 3
    assert [p["title"] for p in document["journeys"][0]["critical_points"]] == [
        "Kukaan ei vastaa puhelimeen"
    ]

    again = client.post(f"{base(team)}/{sprint.id}/close")
    assert again.status_code == 409
    assert "This sprint is closed" in text_of(again)
    refused = [
        client.post(f"{base(team)}/{sprint.id}/edit", data={"title": "Uusi", "version": "1"}),
        client.post(f"{base(team)}/{sprint.id}/experiments/new", data={"title": "X"}),
        client.post(f"{base(team)}/{sprint.id}/decisions/new", data={"text": "X"}),
        client.post(
            f"{base(team)}/{sprint.id}/participants", data={"name": "X", "role": "employer"}
        ),
        client.post(f"{base(team)}/{sprint.id}/delete"),
    ]
    assert client.get(f"{base(team)}/{sprint.id}/delete").status_code == 409
    assert [r.status_code for r in refused] == [409] * 5
    db.session.expire_all()
    assert db.session.get(Sprint, sprint.id).title == "Kevään sprintti"
    assert db.session.scalar(select(func.count(Experiment.id))) == 0

    # Later changes to the journey do not reach the closed sprint's summary.
    step.title = "Muutettu myöhemmin"
    db.session.commit()
    summary = text_of(client.get(f"{base(team)}/{sprint.id}/summary"))
    assert "Muutettu myöhemmin" not in summary
    assert "Kukaan ei vastaa puhelimeen" in summary


def test_only_a_running_sprint_closes(client, login, team, journey):
    login(team["facilitator"])
    plan(client, team, journey)
    sprint = db.session.scalar(select(Sprint))
    response = client.post(f"{base(team)}/{sprint.id}/close")
    assert response.status_code == 409
    assert "only a running one can close" in text_of(response)


def test_the_next_sprint_shows_what_changed_since_the_last(client, login, team, journey):
    steps = first_steps(journey, 3)
    kept = report(team, journey, steps[0], "Perehdytys puuttuu", severity=1)
    solved = report(team, journey, steps[1], "Lomakkeet hukassa", severity=2)
    first = running_sprint(team, journey, "Syksyn sprintti")
    sprints.close_sprint(first, team["facilitator"])
    db.session.commit()

    steps[2].title = "Aloituspalaveri työpaikalla"
    kept.severity = 3
    points.set_status(solved, team["facilitator"], PointStatus.RESOLVED)
    report(team, journey, steps[0], "Ohjaajalla ei aikaa")
    db.session.commit()
    second = running_sprint(team, journey, "Kevään sprintti")

    login(team["facilitator"])
    text = text_of(client.get(f"{base(team)}/{second.id}"))
    assert "Syksyn sprintti" in text
    assert "Step changed Aloituspalaveri työpaikalla" in text
    assert "New critical point Ohjaajalla ei aikaa" in text
    assert "Resolved Lomakkeet hukassa" in text
    assert "Re-prioritised Perehdytys puuttuu: minor → critical" in text


# --- the summary and its PDF -------------------------------------------------------------------


@pytest.fixture
def closed_sprint(team, journey):
    steps = first_steps(journey, 2)
    for step, (student, employer) in zip(steps, ((2, -1), (-2, 1)), strict=True):
        change = journeys.StepChange(
            step.title, step.description, step.channel, step.stage_id, step.lane_id, student,
            employer,
        )  # fmt: skip
        journeys.update_step(journey, team["facilitator"], step, step.version, change)
    top = report(team, journey, steps[0], "Työnantaja ei tiedä yhteyshenkilöä", severity=3)
    report(team, journey, steps[1], "Palkkatuen hakemus viivästyy", severity=1)
    points.toggle_vote(top, team["participant"])
    sprint = running_sprint(team, journey)
    sprints.add_experiment(
        sprint,
        team["facilitator"],
        sprints.ExperimentData(
            "Nimetty yhteyshenkilö", "", "", "", None, None, "", "", "running", [top.id]
        ),
    )
    sprints.add_decision(
        sprint, sprints.DecisionData("Yhteyshenkilö nimetään", None, "Rehtori", None, None, "open")
    )
    sprints.close_sprint(sprint, team["facilitator"])
    db.session.commit()
    return sprint


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_pdf_summary_is_in_the_language_asked_for(client, login, team, closed_sprint, language):
    login(team["observer"])
    response = client.get(f"{base(team)}/{closed_sprint.id}/summary.pdf?lang={language}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "oppisopimuspolku_kevaan-sprintti_" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "Kevään sprintti" in text
    assert "Työnantaja ei tiedä yhteyshenkilöä" in text
    assert "Nimetty yhteyshenkilö" in text and "Yhteyshenkilö nimetään" in text
    assert translated(language, "Critical points, ranked") in text
    assert translated(language, "Decisions and actions") in text
    other = "sv" if language == "fi" else "fi"
    assert translated(other, "Decisions and actions") not in text
    info = pdf_info(response.data)
    assert "Kevään sprintti" in info.split("Title:")[1].splitlines()[0]
    assert "Tagged:          yes" in info


def test_the_top_critical_point_leads_the_summary_page(client, login, team, closed_sprint):
    login(team["facilitator"])
    data = client.get(f"{base(team)}/{closed_sprint.id}/summary.pdf?lang=en").data
    summary_page = pdf_text(data, 2)
    assert "Summary" in summary_page
    assert summary_page.index("Työnantaja ei tiedä yhteyshenkilöä") < summary_page.index(
        "Palkkatuen hakemus viivästyy"
    )


def test_the_ranked_points_print_in_order_with_their_facts(client, login, team, closed_sprint):
    login(team["facilitator"])
    data = client.get(f"{base(team)}/{closed_sprint.id}/summary.pdf?lang=en").data
    text = pdf_text(data)
    ranked = text[text.index("Critical points, ranked", text.index("Emotion curve")) :]
    # In rank order, each point with its severity, votes and status, then where it is and who
    # reported it.
    top = ranked.index("Työnantaja ei tiedä yhteyshenkilöä ▲ critical · 1 vote · Being tested")
    second = ranked.index("Palkkatuen hakemus viivästyy ● minor · 0 votes · Open")
    assert top < second < ranked.index("Experiments")
    step = first_steps(closed_sprint.journeys[0], 1)[0].title
    assert f"{step} · Paperwork · Reports by role: Employer 1" in ranked[top:second]


def test_the_journey_map_prints_on_landscape_pages_with_lanes_repeated(
    client, login, team, closed_sprint
):
    login(team["facilitator"])
    data = client.get(f"{base(team)}/{closed_sprint.id}/summary.pdf?lang=en").data
    sizes = [
        line.split("size:")[1].split("pts")[0].split(" x ")
        for line in pdf_info(data).splitlines()
        if line.startswith("Page") and "size:" in line
    ]
    landscape = [n for n, (w, h) in enumerate(sizes, 1) if float(w) > float(h)]
    # The template journey's six stages print as two landscape parts of three...
    maps = [n for n in landscape if "part " in pdf_text(data, n)]
    assert len(maps) == 2, sizes
    lanes = [lane.title for lane in journeys.load_board(closed_sprint.journeys[0]).lanes]
    for number in maps:
        text = "".join(pdf_text(data, number).split())
        assert all("".join(lane.split()) in text for lane in lanes), (lanes, text)
    assert "part 1 of 2" in pdf_text(data, maps[0])
    assert "part 2 of 2" in pdf_text(data, maps[1])
    # ...and the emotion curve follows on a landscape page of its own, in the same two parts,
    # with a key to the stages it numbers.
    curve_page = maps[-1] + 1
    assert curve_page in landscape
    after_map = pdf_text(data, curve_page)
    assert after_map.index("Emotion curve: Oppisopimuspolku") < after_map.index("Stages 1–3")
    assert after_map.index("Stages 1–3") < after_map.index("Stages 4–6")
    assert "No emotions were scored" not in after_map
    assert all(stage in after_map for stage in lanes_and_stages(closed_sprint)[1])
    # Every page after the cover says where it is in the document, and the running header
    # carries the sprint's title and the chapter.
    assert f"2 / {len(sizes)}" in pdf_text(data, 2)
    assert "Kevään sprintti" in pdf_text(data, maps[0])
    assert "Kevään sprintti Emotion curve: Oppisopimuspolku" in after_map  # the header


def test_an_open_sprint_exports_its_live_state(client, login, team, journey):
    step = first_steps(journey, 1)[0]
    sprint = running_sprint(team, journey)
    report(team, journey, step, "Juuri nyt huomattu ongelma")
    login(team["facilitator"])
    text = pdf_text(client.get(f"{base(team)}/{sprint.id}/summary.pdf?lang=en").data)
    assert "Juuri nyt huomattu ongelma" in text
    assert "The sprint is still open" in text
    assert "No emotions were scored on this journey." in text


def test_an_unknown_language_falls_back_to_the_default(client, login, team, closed_sprint):
    login(team["facilitator"])
    response = client.get(
        f"{base(team)}/{closed_sprint.id}/summary?lang=de", headers={"Accept-Language": "sv"}
    )
    assert response.status_code == 200
    assert page(response).html["lang"] == "sv"


def test_participant_names_print_only_when_asked(client, login, team, closed_sprint):
    login(team["facilitator"])
    url = f"{base(team)}/{closed_sprint.id}/summary"
    assert "Fiia Fasilitaattori" not in text_of(client.get(url + "?lang=en"))
    assert "Fiia Fasilitaattori" in text_of(client.get(url + "?lang=en&names=1"))


def pdf_of_a_lone_sprint(make_app, journey_template=None, **settings):
    """The PDF route's answer, in an app with other settings, for a sprint alone in it."""
    app = make_app(**settings)
    client = app.test_client()
    with app.app_context():
        user = accounts.create_user("f@example.fi", "Fiia", PASSWORD, None, False)
        workspace = accounts.create_workspace(user, "Opisto")
        journey_ids = []
        if journey_template:
            journey = journeys.create_journey(
                workspace,
                user,
                "Iso",
                JourneyKind.APPRENTICESHIP,
                "fi",
                template=load_template(ROOT / "journeys" / f"{journey_template}.toml"),
            )
            journey_ids.append(journey.id)
        sprint = sprints.create_sprint(
            workspace, user, sprints.SprintData("Yksin", "", None, None, [], journey_ids)
        )
        db.session.commit()
        url = f"/w/{workspace.id}/sprints/{sprint.id}"
    client.post("/login", data={"email": "f@example.fi", "password": PASSWORD})
    return client, url


def test_a_summary_above_the_step_limit_is_refused_naming_it(make_app):
    client, url = pdf_of_a_lone_sprint(make_app, "apprenticeship", PDF_MAX_STEPS=10)
    response = client.get(url + "/summary.pdf")
    assert response.status_code == 413
    assert "at most 10" in text_of(response)
    assert "21 steps" in text_of(response)


def test_a_render_past_its_time_limit_is_stopped_with_a_clear_message(make_app):
    client, url = pdf_of_a_lone_sprint(make_app, PDF_TIMEOUT=0.05)
    response = client.get(url + "/summary.pdf")
    assert response.status_code == 503
    assert "took longer than" in text_of(response)


def test_a_render_that_runs_out_of_memory_fails_cleanly(make_app):
    client, url = pdf_of_a_lone_sprint(make_app, PDF_MEMORY_MIB=100)
    response = client.get(url + "/summary.pdf")
    assert response.status_code in (500, 503)
    assert "PDF" in text_of(response)
    # The app itself carries on.
    assert client.get(url).status_code == 200


def share(client, team, sprint, **fields) -> str:
    response = client.post(f"{base(team)}/{sprint.id}/share", data={"label": "Kumppanit"} | fields)
    assert response.status_code == 303
    shown = client.get(response.headers["Location"])
    # Shown once: a reload does not show it again (nor make another).
    assert not page(client.get(response.headers["Location"])).select_one("#new-share-link")
    return page(shown).select_one("#new-share-link")["value"]


def test_a_share_link_opens_the_summary_and_nothing_else(
    make_app, team, closed_sprint, login, client
):
    login(team["facilitator"])
    link = share(client, team, closed_sprint)
    path = urlsplit(link).path
    assert path.startswith("/shared/")

    anonymous = client.application.test_client()
    response = anonymous.get(path + "?lang=en")
    assert response.status_code == 200
    assert "Työnantaja ei tiedä yhteyshenkilöä" in text_of(response)
    assert response.headers["Cache-Control"] == "private, no-store"
    hrefs = [a["href"] for a in page(response).select("a[href]")]
    assert not [h for h in hrefs if h.startswith("/w/") or h.startswith("/login")]
    # Names stay out even when asked for.
    assert "Fiia Fasilitaattori" not in text_of(anonymous.get(path + "?names=1"))
    pdf = anonymous.get(path + "/summary.pdf?lang=sv")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # The link reaches nothing else.
    assert anonymous.get(f"{base(team)}/{closed_sprint.id}").status_code == 302
    assert anonymous.get(f"{base(team)}/{closed_sprint.id}/summary.pdf").status_code == 302


def test_a_withdrawn_or_expired_share_link_says_so(client, login, team, closed_sprint):
    login(team["facilitator"])
    path = urlsplit(share(client, team, closed_sprint)).path
    link = db.session.scalar(select(ShareLink))
    revoke = f"{base(team)}/{closed_sprint.id}/share/{link.id}/revoke"
    assert client.post(revoke, data=CONFIRMED).status_code == 303
    anonymous = client.application.test_client()
    gone = anonymous.get(path)
    assert gone.status_code == 410
    assert "withdrawn or has expired" in text_of(gone)
    assert anonymous.get(path + "/summary.pdf").status_code == 410

    yesterday = (date.today() - timedelta(days=2)).isoformat()
    expired = urlsplit(share(client, team, closed_sprint, expires_on=yesterday)).path
    assert anonymous.get(expired).status_code == 410
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    valid = urlsplit(share(client, team, closed_sprint, expires_on=tomorrow)).path
    assert anonymous.get(valid).status_code == 200
    assert anonymous.get("/shared/not-a-real-token").status_code == 404


def test_only_facilitators_make_share_links(client, login, team, closed_sprint):
    login(team["participant"])
    response = client.post(f"{base(team)}/{closed_sprint.id}/share", data={"label": "x"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(ShareLink.id))) == 0


def at(monkeypatch, moment: datetime) -> None:
    """Run the share links' clock at this moment."""
    monkeypatch.setattr(sprints, "utcnow", lambda: moment.astimezone(UTC))


def test_a_share_links_end_date_is_its_last_day_in_helsinki(
    client, login, team, closed_sprint, monkeypatch
):
    login(team["facilitator"])
    path = urlsplit(share(client, team, closed_sprint, expires_on="2027-03-31")).path
    listed = page(client.get(f"{base(team)}/{closed_sprint.id}")).select_one(".share-links")
    assert "Mar 31, 2027" in listed.get_text(" ")
    assert "Apr 1, 2027" not in listed.get_text(" ")
    in_finnish = client.get(f"{base(team)}/{closed_sprint.id}", headers={"Accept-Language": "fi"})
    assert "31.3.2027" in page(in_finnish).select_one(".share-links").get_text(" ")

    anonymous = client.application.test_client()
    helsinki = ZoneInfo("Europe/Helsinki")
    at(monkeypatch, datetime(2027, 3, 31, 23, 30, tzinfo=helsinki))
    response = anonymous.get(path + "?lang=en")
    assert response.status_code == 200
    assert "This link works until Mar 31, 2027." in text_of(response)
    assert anonymous.get(path + "/summary.pdf").status_code == 200
    at(monkeypatch, datetime(2027, 4, 1, 0, 30, tzinfo=helsinki))
    assert anonymous.get(path).status_code == 410
    assert anonymous.get(path + "/summary.pdf").status_code == 410
    expired = page(client.get(f"{base(team)}/{closed_sprint.id}")).select_one(".share-links")
    assert "Expired" in expired.get_text(" ")


NAMES = (
    "Zacharias Facilitator",
    "Yrjänä Member",
    "Xerxes Guest",
    "Wilhelmiina Roomguest",
    "Valdemar Outsider",
    "Ulriikka Trialowner",
    "Torsten Reporter",
)


def test_no_personal_name_reaches_a_shared_summary_or_its_pdf(
    client, login, make_user, add_member, team, journey
):
    workspace = team["workspace"]
    facilitator = make_user(name=NAMES[0])
    member = make_user(name=NAMES[1])
    reporter = make_user(name=NAMES[6])
    add_member(workspace, facilitator, Role.FACILITATOR)
    add_member(workspace, member, Role.PARTICIPANT)
    add_member(workspace, reporter, Role.PARTICIPANT)
    college = accounts.add_organisation(workspace, "Kuopion opisto", OrganisationKind.INSTITUTION)
    company = accounts.add_organisation(workspace, "Saha Oy", OrganisationKind.EMPLOYER)
    step = first_steps(journey, 1)[0]
    point = points.report_point(
        workspace, journey, reporter,
        points.NewPoint(
            step=step, title="Perehdytys puuttuu", severity=2, category="key:paperwork",
            report=points.ReportData(
                role=ReporterRole.WORKPLACE_INSTRUCTOR, organisation_id=company.id,
                quote="Kukaan ei kertonut mitään.", source=f"Haastattelu: {NAMES[6]}",
                reported_on=None,
            ),
        ),
    )  # fmt: skip
    sprint = sprints.create_sprint(
        workspace, facilitator, sprints.SprintData("Nimetön", "", None, None, [], [journey.id])
    )
    sprints.start_sprint(sprint)
    sprints.add_participant(
        sprint, sprints.ParticipantData(member.id, "", ReporterRole.TEACHER, college.id, False)
    )
    sprints.add_participant(
        sprint, sprints.ParticipantData(None, NAMES[2], ReporterRole.EMPLOYER, company.id, False)
    )
    live = live_services.start_session(sprint, journey, facilitator, hours=2)
    live_services.join(live, NAMES[3], ReporterRole.STUDENT, "Opiskelijakunta")
    sprints.add_decision(
        sprint,
        sprints.DecisionData("Perehdytyskansio", member.id, "", None, None, "open"),
    )
    sprints.add_decision(
        sprint,
        sprints.DecisionData("Sahan oma ohje", None, NAMES[4], company.id, None, "open"),
    )
    sprints.add_experiment(
        sprint,
        facilitator,
        sprints.ExperimentData(
            "Kummi", "", "", NAMES[5], None, None, "", "", "running", [point.id]
        ),
    )
    sprints.add_experiment(
        sprint,
        facilitator,
        sprints.ExperimentData("Ohjekortti", "", "", NAMES[1], None, None, "", "", "planned", []),
    )
    db.session.commit()
    login(facilitator)
    # While open, and frozen after closing: both documents leave the names out.
    for closing in (False, True):
        if closing:
            assert (
                client.post(
                    f"{base(team)}/{sprint.id}/close", data={"confirmed": "yes"}
                ).status_code
                == 303
            )
        path = urlsplit(share(client, team, sprint)).path
        anonymous = client.application.test_client()
        shown = text_of(anonymous.get(path + "?lang=en&names=1"))
        printed = pdf_text(anonymous.get(path + "/summary.pdf?lang=en&names=1").data)
        for text in (shown, printed):
            assert "Perehdytyskansio" in text and "Kummi" in text  # the content is there
            for name in NAMES:
                for part in name.split():
                    if part not in ("Facilitator", "Member", "Guest", "Reporter"):
                        assert part not in text, (part, closing)
            for role in ("Teacher", "Employer", "Student", "Workplace instructor"):
                assert role in text
            for organisation in ("Kuopion opisto", "Saha Oy"):
                assert organisation in text
        # Each member's own name is still on the sprint's own page.
        assert NAMES[1] in text_of(client.get(f"{base(team)}/{sprint.id}"))


# --- asking first, and undoing -----------------------------------------------------------------


def question_on(response) -> tuple[str, list[str], dict]:
    """The confirmation page's question, its consequences and the confirming form's fields."""
    html = page(response)
    form = html.select_one("section.confirm form[method=post]")
    fields = {i["name"]: i.get("value") for i in form.select("input[type=hidden]")}
    return (
        html.select_one("h1").get_text(" ", strip=True),
        [li.get_text(" ", strip=True) for li in html.select(".confirm__consequences li")],
        fields | {"action": form["action"], "cancel": form.select_one("a")["href"]},
    )


def test_closing_a_sprint_asks_first_and_can_be_undone(client, login, team, journey):
    sprint = running_sprint(team, journey)
    login(team["facilitator"])
    url = f"{base(team)}/{sprint.id}"
    button = page(client.get(url)).select_one(f"form[action='{url}/close']")
    assert "Kevään sprintti" in button["data-hx-confirm"] and "confirmed" in button["data-hx-vals"]

    for asked in (client.post(f"{url}/close"), client.get(f"{url}/close")):
        assert asked.status_code == 200
        question, consequences, form = question_on(asked)
        assert question == "Close the sprint “Kevään sprintti”?"
        assert any("snapshot" in text for text in consequences)
        assert form["confirmed"] == "yes" and "csrf_token" in form
        assert (form["action"], form["cancel"]) == (f"{url}/close", url)
    db.session.expire_all()
    assert db.session.get(Sprint, sprint.id).status == SprintStatus.RUNNING

    assert client.post(f"{url}/close", data=CONFIRMED).status_code == 303
    db.session.expire_all()
    assert db.session.get(Sprint, sprint.id).status == SprintStatus.CLOSED
    undo = page(client.get(url)).select_one(f"form[action='{url}/reopen'] button")
    assert undo.get_text(strip=True) == "Reopen the sprint"
    assert client.post(f"{url}/reopen").status_code == 303
    db.session.expire_all()
    reopened = db.session.get(Sprint, sprint.id)
    assert reopened.status == SprintStatus.RUNNING and reopened.snapshot is None
    assert reopened.closed_at is None
    assert client.post(f"{url}/experiments/new", data={"title": "Taas auki"}).status_code == 422
    assert client.post(f"{url}/close", data=CONFIRMED).status_code == 303
    db.session.expire_all()
    assert db.session.get(Sprint, sprint.id).snapshot is not None


def test_a_sprint_a_later_one_is_compared_with_stays_closed(client, login, team, journey):
    first = running_sprint(team, journey, "Syksy")
    sprints.close_sprint(first, team["facilitator"])
    second = running_sprint(team, journey, "Kevät")
    sprints.close_sprint(second, team["facilitator"])
    db.session.commit()
    login(team["facilitator"])
    url = f"{base(team)}/{first.id}"
    assert not page(client.get(url)).select(f"form[action='{url}/reopen']")
    refused = client.post(f"{url}/reopen")
    assert refused.status_code == 409
    assert "stays closed" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Sprint, first.id).snapshot is not None
    # The last one can still be reopened.
    assert client.post(f"{base(team)}/{second.id}/reopen").status_code == 303
    client.post("/logout")
    login(team["participant"])
    assert client.post(f"{url}/reopen").status_code == 403


def test_withdrawing_a_share_link_asks_first_and_can_be_undone(client, login, team, closed_sprint):
    login(team["facilitator"])
    path = urlsplit(share(client, team, closed_sprint)).path
    link = db.session.scalar(select(ShareLink))
    url = f"{base(team)}/{closed_sprint.id}"
    revoke = f"{url}/share/{link.id}/revoke"
    anonymous = client.application.test_client()

    for asked in (client.post(revoke), client.get(revoke)):
        assert asked.status_code == 200
        question, consequences, form = question_on(asked)
        assert question == "Withdraw the share link “Kumppanit”?"
        assert any("restore" in text for text in consequences)
        assert (form["confirmed"], form["action"]) == ("yes", revoke)
    assert anonymous.get(path).status_code == 200

    assert client.post(revoke, data=CONFIRMED).status_code == 303
    assert anonymous.get(path).status_code == 410
    restore = page(client.get(url)).select_one(f"form[action='{url}/share/{link.id}/restore']")
    assert restore is not None
    assert client.post(restore["action"]).status_code == 303
    assert anonymous.get(path).status_code == 200

    # An expired link stays withdrawn.
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    share(client, team, closed_sprint, label="Vanha", expires_on=yesterday)
    old = db.session.scalar(select(ShareLink).where(ShareLink.label == "Vanha"))
    client.post(f"{url}/share/{old.id}/revoke", data=CONFIRMED)
    refused = client.post(f"{url}/share/{old.id}/restore")
    assert refused.status_code == 409
    db.session.expire_all()
    assert db.session.get(ShareLink, old.id).revoked_at is not None
